//! Binding of tabular sources that are names or calls: tables, `let`-bound tables,
//! tabular user-defined functions (`f(T)`, `T | invoke f()`), `materialize(T)`,
//! `externaldata` and `_GetWatchlist(alias)`.

use std::sync::Arc;

use super::data_dependent::{bind_custom_table_without_data, bind_workspace_function_without_data};
use super::functions::{bind_user_call, cloud_only, BoundValue};
use super::names::unknown_table;
use super::plan::{BoundKind, ExternalDataPlan, Plan, PlanKind};
use super::{Binder, Binding};
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::data::external::ExternalFormat;
use crate::data::mapping::{JsonMapping, MappingError};
use crate::error::{Error, ErrorKind, Result};
use crate::schema::arg as arg_tables;
use crate::schema::Product;
use crate::table::{Field, Schema};
use crate::value::{Type, Value};

/// Binds a name, call, `invoke` or `externaldata` used as a table.
pub fn bind_source(binder: &mut Binder<'_>, expr: &Expr) -> Result<Plan> {
    match &expr.kind {
        ExprKind::Name(name) => bind_name(binder, name, expr),
        ExprKind::Call { name, args } => bind_call(binder, name, args, None, expr),
        ExprKind::Invoke {
            input,
            function,
            args,
        } => {
            let piped = binder.bind_tabular(input)?;
            bind_call(binder, function, args, Some(piped), expr)
        }
        ExprKind::ExternalData {
            columns,
            uris,
            properties,
        } => bind_externaldata(binder, columns, uris, properties, expr),
        ExprKind::Member { expr: scope, name } => match cross_service_scope(scope) {
            Some(CrossService {
                function: "arg", ..
            }) => bind_arg_table(binder, scope, name, expr),
            Some(service) => {
                let checking = binder.data_dependent.is_some();
                Err(cross_service_error(service, &name.name, expr, checking))
            }
            None => Err(not_tabular(expr)),
        },
        _ => Err(not_tabular(expr)),
    }
}

/// True for the name of a Log Analytics custom table, which ends in `_CL`
/// (learn.microsoft.com/azure/azure-monitor/logs/create-custom-table).
pub(super) fn is_custom_table(name: &str) -> bool {
    name.len() > 3 && name.ends_with("_CL")
}

fn not_tabular(expr: &Expr) -> Error {
    Error::at(
        ErrorKind::TypeMismatch,
        expr.span.clone(),
        "expected a tabular expression (a table name, a `let`-bound table, datatable or print)",
    )
}

/// A service that a cross-service scope such as `arg("")` or `workspace("x")` names.
struct CrossService {
    function: &'static str,
    service: &'static str,
}

/// Returns the service of a scope call before `.Table`: `arg(…)`, `workspace(…)`,
/// `app(…)`, `cluster(…)` or `database(…)`.
fn cross_service_scope(scope: &Expr) -> Option<CrossService> {
    let ExprKind::Call { name, .. } = &scope.kind else {
        return None;
    };
    let (function, service) = match name.name.as_str() {
        "arg" => ("arg", "Azure Resource Graph"),
        "workspace" => ("workspace", "another Log Analytics workspace"),
        "app" => ("app", "an Application Insights resource"),
        "cluster" => ("cluster", "another Azure Data Explorer cluster"),
        "database" => ("database", "another Azure Data Explorer database"),
        _ => return None,
    };
    Some(CrossService { function, service })
}

/// Builds the error for a cross-service scope. `checking` is true in `kql check`, whose hint
/// names `kql run`, because `kql check` loads no tables.
fn cross_service_error(scope: CrossService, table: &str, expr: &Expr, checking: bool) -> Error {
    let CrossService { function, service } = scope;
    let rename = format!("name it `{table}` without the `{function}(…).` prefix");
    let hint = if checking {
        format!("export the table, {rename}, and run the query with `kql run --table {table}=FILE`")
    } else {
        format!("export the table and load it with --table {table}=FILE, then {rename}")
    };
    Error::unsupported(
        expr.span.clone(),
        format!(
            "`{function}(…).{table}` queries {service}, which exists only in Azure, \
             so it is not available offline"
        ),
    )
    .with_hint(hint)
}

/// Binds `arg("").Table`, a Log Analytics query of the Azure Resource Graph table `Table`
/// (learn.microsoft.com/azure/azure-monitor/logs/azure-monitor-data-explorer-proxy), to
/// the local table of that name, which loads as any other table does.
///
/// NOTE: Azure caps the records of the Resource Graph part and rejects some operators and
/// aggregates on it (`mv-apply`, `avg()`, `arg_max()`, …). The local table has no such limits.
fn bind_arg_table(
    binder: &mut Binder<'_>,
    scope: &Expr,
    table: &Ident,
    expr: &Expr,
) -> Result<Plan> {
    let ExprKind::Call { args, .. } = &scope.kind else {
        return Err(not_tabular(expr));
    };
    let empty_scope = matches!(
        args.as_slice(),
        [Expr { kind: ExprKind::Literal(Value::String(text), _), .. }] if text.is_empty()
    );
    if !empty_scope {
        return Err(Error::unsupported(
            scope.span.clone(),
            "`arg()` takes one argument, the empty string: `arg(\"\").Resources`",
        ));
    }
    if arg_tables::canonical_name(&table.name).is_none() {
        let mut error = Error::at(
            ErrorKind::UnknownName,
            table.span.clone(),
            format!("`{}` is not an Azure Resource Graph table", table.name),
        );
        if let Some(close) =
            crate::error::closest(&table.name, arg_tables::ARG_TABLES.iter().copied())
        {
            error = error.with_hint(format!("did you mean `{close}`?"));
        }
        return Err(error);
    }
    if let Some((loaded, schema)) = resolve_table(binder, &table.name, expr)? {
        return scan(loaded, schema, expr);
    }
    let hidden = arg_tables::spellings(&table.name)
        .iter()
        .find_map(|spelling| binder.tables.product_lacking(spelling));
    match hidden {
        Some(product) => Err(not_in_product(&table.name, product, expr)),
        None => Err(not_loaded(
            &table.name,
            "the Azure Resource Graph table",
            expr,
        )),
    }
}

/// Builds the error for a catalog table that `kql check --product` hides because `product`
/// lacks it. The Azure Resource Graph tables belong to `--product sentinel`, which covers
/// Log Analytics, because `arg("")` is a Log Analytics feature
/// (learn.microsoft.com/azure/azure-monitor/logs/azure-monitor-data-explorer-proxy).
fn not_in_product(name: &str, product: Product, expr: &Expr) -> Error {
    let option = product.option_value();
    let other = match product {
        Product::Xdr => Product::Sentinel,
        Product::Sentinel => Product::Xdr,
    };
    let message = if arg_tables::canonical_name(name).is_some() {
        format!(
            "the Azure Resource Graph table `{name}` is not available with --product {option}: \
             Azure Resource Graph is queried from a Log Analytics workspace, which \
             --product {} covers",
            Product::Sentinel.option_value()
        )
    } else {
        format!(
            "table `{name}` is not available with --product {option}: it is a {} table",
            other.display_name()
        )
    };
    Error::at(ErrorKind::UnknownName, expr.span.clone(), message).with_hint(format!(
        "check it with --product {}, or without --product to accept a query that is valid \
         in either product",
        other.option_value()
    ))
}

/// Returns the name and schema of the table that `name` refers to: a table of exactly that
/// name, or else the same table loaded under its other spelling. Azure Resource Graph
/// tables have a lower-case spelling (`resources`), and the catalog lists a second spelling
/// of one table (`GraphAPIAuditEvents`).
///
/// Files loaded under both spellings would split one table in two, so that is an error.
/// The resolved name is recorded as a table the query reads.
fn resolve_table(
    binder: &mut Binder<'_>,
    name: &str,
    expr: &Expr,
) -> Result<Option<(String, Schema)>> {
    let mut spellings = arg_tables::spellings(name);
    spellings.extend(crate::schema::second_spelling(name).map(str::to_string));
    // Only loaded tables can be loaded twice; the catalog of `kql check` has both
    // spellings of a table with a second spelling.
    if spellings.len() > 1 && binder.tables.lists_database() {
        let names = binder.tables.table_names();
        let loaded: Vec<&String> = spellings
            .iter()
            .filter(|spelling| names.contains(spelling))
            .collect();
        if let [first, second, ..] = loaded.as_slice() {
            return Err(Error::at(
                ErrorKind::Usage,
                expr.span.clone(),
                format!(
                    "the table `{name}` is loaded twice, as `{first}` and \
                     `{second}`, which name the same table"
                ),
            )
            .with_hint("put its rows in one file, or load only one of the two"));
        }
    }
    let resolved = spellings.into_iter().find_map(|spelling| {
        let schema = binder.tables.schema(&spelling)?;
        Some((spelling, schema))
    });
    if let Some((loaded, _)) = &resolved {
        binder.tables_named.insert(loaded.clone());
    }
    Ok(resolved)
}

/// Returns the plan that reads a table. A table with a `decimal` column is refused, as
/// the expressions that would read it are: its values would reach join keys, `pack_all()`
/// and other places that name no column as `real` numbers.
fn scan(table: String, schema: Schema, expr: &Expr) -> Result<Plan> {
    if let Some(field) = schema.fields.iter().find(|field| field.ty == Type::Decimal) {
        return Err(
            super::expr::decimal_unsupported(&expr.span).with_hint(format!(
                "table `{table}` has the decimal column `{}`; to read it as `real`, give the \
             table a --schema file that declares the column real",
                field.name
            )),
        );
    }
    Ok(Plan {
        kind: PlanKind::Scan { table },
        schema,
        span: expr.span.clone(),
    })
}

/// "table not loaded" for a table that only a user's export can supply: an Azure Resource
/// Graph table or a custom `_CL` table.
fn not_loaded(name: &str, what: &str, expr: &Expr) -> Error {
    Error::at(
        ErrorKind::UnknownName,
        expr.span.clone(),
        format!("{what} `{name}` is not loaded"),
    )
    .with_hint(format!(
        "export it and load it with --table {name}=FILE, or put {name}.json in a folder \
         given with --data DIR"
    ))
}

fn bind_name(binder: &mut Binder<'_>, name: &str, expr: &Expr) -> Result<Plan> {
    match binder.lookup_binding(name) {
        Some(Binding::Tabular(plan)) => return Ok(plan.clone()),
        Some(Binding::Scalar(_)) => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                expr.span.clone(),
                format!("`{name}` is a scalar `let` value, not a table"),
            ))
        }
        Some(Binding::Function(function)) => {
            // A function that needs no arguments can be named without `()`, as a view is.
            let function = Arc::clone(function);
            if !function.callable_without_arguments() {
                return Err(function.needs_arguments_error(&expr.span));
            }
            let ident = Ident {
                name: name.to_string(),
                span: expr.span.clone(),
            };
            return bind_call(binder, &ident, &[], None, expr);
        }
        None => {}
    }
    if let Some((table, schema)) = resolve_table(binder, name, expr)? {
        return scan(table, schema, expr);
    }
    if let Some(error) = super::defender::misuse_error(name, expr.span.clone()) {
        return Err(error);
    }
    if name == super::watchlist::GET_WATCHLIST {
        return Err(super::watchlist::misuse_error(expr.span.clone(), false));
    }
    if let Some(function) = cloud_only(name) {
        return Err(function.error(expr.span.clone()));
    }
    if let Some(product) = binder.tables.product_lacking(name) {
        return Err(not_in_product(name, product, expr));
    }
    if arg_tables::canonical_name(name).is_some() && binder.tables.lists_database() {
        return Err(not_loaded(name, "the Azure Resource Graph table", expr));
    }
    if is_custom_table(name) {
        let ident = Ident {
            name: name.to_string(),
            span: expr.span.clone(),
        };
        if let Some(plan) = bind_custom_table_without_data(binder, &ident) {
            return Ok(plan);
        }
        return Err(not_loaded(name, "the custom table", expr));
    }
    let mut candidates = binder.tables.table_names();
    candidates.extend(binder.tabular_binding_names());
    Err(unknown_table(name, expr.span.clone(), &candidates))
}

/// A call used as a table: a tabular user function, `materialize(T)`, `table(name)`,
/// `_GetWatchlist(alias)` or a cloud-only function (an error). `piped` is the input of `| invoke`.
fn bind_call(
    binder: &mut Binder<'_>,
    name: &Ident,
    args: &[Expr],
    piped: Option<Plan>,
    expr: &Expr,
) -> Result<Plan> {
    if let Some(Binding::Function(function)) = binder.lookup_binding(&name.name) {
        let function = Arc::clone(function);
        // The span of `| invoke F(…)` starts at the pipeline's source; errors point at
        // the call instead.
        let call_span = if piped.is_some() {
            name.span.start..expr.span.end
        } else {
            expr.span.clone()
        };
        return match bind_user_call(
            binder,
            &function,
            &call_span,
            args,
            piped,
            &Schema::default(),
        )? {
            BoundValue::Tabular(plan) => Ok(plan),
            BoundValue::Scalar(_) => Err(Error::at(
                ErrorKind::TypeMismatch,
                expr.span.clone(),
                format!("`{}` returns a scalar; a table is expected here", name.name),
            )),
        };
    }
    if name.name == "materialize" && piped.is_none() && binder.lookup_binding(&name.name).is_none()
    {
        // materialize() caches a result for reuse within one query. Inside an mv-apply or
        // partition subquery the expression may read the current row or partition, so
        // there it runs again for each, as the subquery around it does.
        let [arg] = args else {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                expr.span.clone(),
                super::names::argument_count_message("materialize", "1", args.len()),
            ));
        };
        let plan = binder.bind_tabular(arg)?;
        if binder.mv_apply_depth > 0 || binder.partition_depth > 0 {
            return Ok(plan);
        }
        let schema = plan.schema.clone();
        return Ok(Plan {
            kind: PlanKind::Materialized {
                id: binder.new_subquery_id(),
                plan: Arc::new(plan),
            },
            schema,
            span: expr.span.clone(),
        });
    }
    if name.name == "table" && piped.is_none() {
        return bind_table_function(binder, args, expr);
    }
    if name.name == super::watchlist::GET_WATCHLIST {
        return super::watchlist::bind_get_watchlist(
            binder,
            name,
            args,
            piped.as_ref(),
            &expr.span,
        );
    }
    if let Some(bound) = super::defender::bind_call(binder, name, args, piped.clone()) {
        return bound;
    }
    if let Some(function) = cloud_only(&name.name) {
        return Err(function.error(name.span.clone()));
    }
    let what = if piped.is_some() {
        format!("`invoke {}(…)`", name.name)
    } else {
        format!("`{}(…)` as a tabular source", name.name)
    };
    let kind = if crate::eval::functions::lookup(&name.name).is_some() {
        Some("a scalar function")
    } else if crate::eval::aggregates::lookup(&name.name).is_some() {
        Some("an aggregation function")
    } else {
        None
    };
    if let Some(kind) = kind {
        return Err(Error::at(
            ErrorKind::UnknownName,
            name.span.clone(),
            format!("{what}: `{}` is {kind}, not a tabular one", name.name),
        ));
    }
    let suggestion = similar_function_name(binder, &name.name);
    if suggestion.is_none() {
        if let Some(bound) = bind_workspace_function_without_data(binder, name, args, piped, expr) {
            return bound;
        }
    }
    let message = format!(
        "{what}: no function `{}` is defined; define it with `let {} = (…) {{ … }};`",
        name.name, name.name
    );
    let error = Error::at(ErrorKind::UnknownName, name.span.clone(), message);
    Err(match suggestion {
        Some(suggestion) if suggestion == name.name => error.with_hint(format!(
            "`{suggestion}` is the name of a KQL operator, plugin, table or built-in function, not of a function that can be called here"
        )),
        Some(suggestion) => error.with_hint(format!("did you mean `{suggestion}`?")),
        None => error.with_hint(
            "a function saved in a Sentinel or Log Analytics workspace can be defined in a file of `let` statements passed with --prelude FILE",
        ),
    })
}

/// True when `kql check`, binding without rows, takes a call of `name` for a call of a
/// workspace function, which returns a table: no built-in function has that name and it
/// is no typo of a known name. A `let` bound to such a call is then a table, as are
/// `toscalar(F(…))` and `in (F(…))`.
pub(super) fn may_be_workspace_function(binder: &Binder<'_>, name: &str) -> bool {
    binder.data_dependent.is_some()
        && crate::eval::functions::lookup(name).is_none()
        && crate::eval::aggregates::lookup(name).is_none()
        && similar_function_name(binder, name).is_none()
}

/// Returns the name of a function, `let` binding, table, operator or plugin that `name`
/// is a typo of, or equals, so that a misspelled call is not taken for a workspace
/// function. A typo here is one edit, or two in a name of 8 or more characters (ignoring
/// case), which is stricter than the "did you mean" hints: `UnifySignInLogs` is a
/// workspace function, not a misspelled `SigninLogs`.
fn similar_function_name(binder: &Binder<'_>, name: &str) -> Option<String> {
    let mut candidates: Vec<String> = binder.binding_names();
    candidates.extend(binder.tables.table_names());
    candidates.extend(
        crate::eval::functions::all()
            .into_iter()
            .map(|function| function.name.to_string()),
    );
    candidates.extend(
        crate::eval::aggregates::all()
            .into_iter()
            .map(|aggregate| aggregate.name.to_string()),
    );

    // Tabular built-ins, operators and plugins, which a workspace function cannot shadow.
    let defender = super::defender::DEFENDER_FUNCTIONS
        .iter()
        .map(|(function, _)| *function);
    let tabular = [
        super::watchlist::GET_WATCHLIST,
        "materialize",
        "table",
        "toscalar",
        "datatable",
        "externaldata",
        "range",
        "print",
        "view",
    ];
    let operators = crate::parser::SUPPORTED_OPERATORS
        .into_iter()
        .chain(crate::parser::KNOWN_UNSUPPORTED_OPERATORS);
    let plugins = super::plugins::SUPPORTED_PLUGINS
        .into_iter()
        .chain(super::plugins::KNOWN_UNSUPPORTED_PLUGINS);
    candidates.extend(
        defender
            .chain(tabular)
            .chain(operators)
            .chain(plugins)
            .map(str::to_string),
    );

    let limit = if name.chars().count() >= 8 { 2 } else { 1 };
    crate::error::closest_within(name, candidates.iter().map(String::as_str), |_| limit)
        .map(str::to_string)
}

/// Binds `table(Name)` to the loaded or catalog table whose name is a constant string, such
/// as a literal or a function parameter that the call site sets to a literal
/// (learn.microsoft.com/kusto/query/table-function).
fn bind_table_function(binder: &mut Binder<'_>, args: &[Expr], expr: &Expr) -> Result<Plan> {
    let [arg] = args else {
        return Err(Error::unsupported(
            expr.span.clone(),
            "`table()` takes one argument here; a data scope argument is not supported yet",
        ));
    };
    let bound = binder.bind_scalar(arg, &Schema::default())?;
    let BoundKind::Literal(Value::String(table)) = &bound.kind else {
        return Err(Error::unsupported(
            arg.span.clone(),
            "`table()` with a name computed when the query runs is not supported yet",
        )
        .with_hint("pass the table name as a string literal: table('DeviceEvents')"));
    };
    if let Some((table, schema)) = resolve_table(binder, table, expr)? {
        return scan(table, schema, expr);
    }
    if binder.lookup_binding(table).is_some() {
        return Err(Error::unsupported(
            arg.span.clone(),
            format!("`table()` naming the `let` value `{table}` is not supported yet; use the name directly"),
        ));
    }
    let candidates = binder.tables.table_names();
    Err(unknown_table(table, arg.span.clone(), &candidates))
}

/// `externaldata`: binds the declared schema; the files are read when the query runs
/// (learn.microsoft.com/kusto/query/externaldata-operator).
fn bind_externaldata(
    binder: &mut Binder<'_>,
    columns: &[(Ident, Type)],
    uris: &[Expr],
    properties: &[(Ident, Expr)],
    expr: &Expr,
) -> Result<Plan> {
    let mut fields: Vec<Field> = Vec::new();
    for (column, ty) in columns {
        if fields.iter().any(|field| field.name == column.name) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                column.span.clone(),
                format!("column `{}` is declared twice", column.name),
            ));
        }
        fields.push(Field::new(column.name.clone(), *ty));
    }

    let mut texts = Vec::with_capacity(uris.len());
    for uri in uris {
        texts.push(constant_text(binder, uri, "an externaldata storage URI")?);
    }

    let mut format = None;
    let mut ignore_first_record = false;
    let mut mapping_text = None;
    for (property, value) in properties {
        match property.name.to_ascii_lowercase().as_str() {
            "format" => {
                let text = constant_text(binder, value, "the format")?;
                let Some(parsed) = ExternalFormat::from_name(&text) else {
                    return Err(Error::unsupported(
                        value.span.clone(),
                        format!("externaldata format `{text}` is not supported yet; use csv, tsv, txt, json or multijson"),
                    ));
                };
                format = Some(parsed);
            }
            "ignorefirstrecord" => {
                ignore_first_record = constant_bool(binder, value, &property.name)?;
            }
            "ingestionmapping" => {
                let text = constant_text(binder, value, "the ingestion mapping")?;
                mapping_text = Some((text, value.span.clone()));
            }
            // NOTE: published queries use `ignoreLastRecord`, but the externaldata
            // reference lists only format, ignoreFirstRecord and ingestionMapping, so which
            // record it drops (the last line, the last record of each file, or only an
            // invalid one) is not documented.
            "ignorelastrecord" => {
                return Err(Error::unsupported(
                    property.span.clone(),
                    format!(
                        "externaldata property `{}` is not supported yet: the KQL reference does not document it; supported: format, ignoreFirstRecord, ingestionMapping",
                        property.name
                    ),
                ))
            }
            _ => {
                return Err(Error::unsupported(
                    property.span.clone(),
                    format!(
                        "externaldata property `{}` is not supported yet; supported: format, ignoreFirstRecord, ingestionMapping",
                        property.name
                    ),
                ))
            }
        }
    }
    // Mappings are read for JSON only: CSV mappings place columns by `Ordinal` instead.
    let mapping = match mapping_text {
        None => None,
        Some((_, span)) if format.is_some_and(|format| format != ExternalFormat::Json) => {
            return Err(Error::unsupported(
                span,
                "an ingestion mapping for a format other than json or multijson is not \
                 supported yet",
            ));
        }
        Some((text, span)) => {
            let declared: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
            Some(
                JsonMapping::parse(&text, &declared).map_err(|error| match error {
                    MappingError::Invalid(message) => Error::syntax(span, message),
                    MappingError::Unsupported(message) => Error::unsupported(span, message),
                })?,
            )
        }
    };
    Ok(Plan {
        kind: PlanKind::ExternalData(Box::new(ExternalDataPlan {
            uris: texts,
            format,
            ignore_first_record,
            mapping,
        })),
        schema: Schema::new(fields),
        span: expr.span.clone(),
    })
}

/// Returns the text of a constant: a string literal, or a bare word such as `csv` in
/// `format=csv`.
fn constant_text(binder: &mut Binder<'_>, expr: &Expr, what: &str) -> Result<String> {
    if let ExprKind::Name(word) = &expr.kind {
        if binder.lookup_binding(word).is_none() {
            return Ok(word.clone());
        }
    }
    let bound = binder.bind_scalar(expr, &Schema::default())?;
    match bound.kind {
        BoundKind::Literal(Value::String(text)) => Ok(text.to_string()),
        _ => Err(not_constant(&expr.span, what, "a string")),
    }
}

fn constant_bool(binder: &mut Binder<'_>, expr: &Expr, property: &str) -> Result<bool> {
    let text = match &expr.kind {
        ExprKind::Literal(Value::Bool(flag), _) => return Ok(*flag),
        _ => constant_text(binder, expr, property)?,
    };
    match text.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(not_constant(&expr.span, property, "true or false")),
    }
}

fn not_constant(span: &Span, what: &str, expected: &str) -> Error {
    Error::at(
        ErrorKind::TypeMismatch,
        span.clone(),
        format!("{what} must be {expected} known before the query runs"),
    )
}
