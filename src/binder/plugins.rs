//! Binding of `evaluate` plugins. A plugin whose output columns depend on the data
//! (`bag_unpack` without an output schema, `pivot`) binds only where the schema source
//! can run its input ([`super::SchemaSource::evaluate`]). See `unpack.rs` and `pivot.rs`.

use super::plan::{BagUnpackPlan, BoundKind, ColumnsConflict, Plan, PlanKind, UnpackColumn};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, OutputSchema, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Field, Schema};
use crate::value::{Type, Value};

/// The `evaluate` plugins this engine runs.
pub const SUPPORTED_PLUGINS: [&str; 4] = [
    "activity_counts_metrics",
    "bag_unpack",
    "ipv4_lookup",
    "pivot",
];

/// `evaluate` plugins that exist in Kusto but that this engine does not run yet
/// (learn.microsoft.com/kusto/query/plugins).
pub const KNOWN_UNSUPPORTED_PLUGINS: [&str; 22] = [
    "activity_engagement",
    "activity_metrics",
    "autocluster",
    "basket",
    "cosmosdb_sql_request",
    "diffpatterns",
    "diffpatterns_text",
    "funnel_sequence",
    "funnel_sequence_completion",
    "http_request",
    "http_request_post",
    "infer_storage_schema",
    "ipv6_lookup",
    "mysql_request",
    "narrow",
    "new_activity_metrics",
    "postgresql_request",
    "python",
    "rolling_percentile",
    "sequence_detect",
    "session_count",
    "sliding_window_counts",
];

/// `evaluate plugin(args…) [: (…)]`
pub fn bind_evaluate(
    binder: &mut Binder<'_>,
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    output_schema: Option<&OutputSchema>,
    span: Span,
) -> Result<Plan> {
    match plugin.name.as_str() {
        "activity_counts_metrics" => super::activity_counts_metrics::bind_activity_counts_metrics(
            binder,
            input,
            plugin,
            args,
            output_schema,
            span,
        ),
        "bag_unpack" | "pivot" => {
            // Both name output columns after the input's columns or its values.
            super::names::reject_undetermined(&input.schema, plugin.span.clone(), |column| {
                format!("`{}` of a table with the column `{column}`", plugin.name)
            })?;
            match plugin.name.as_str() {
                "bag_unpack" => bind_bag_unpack(binder, input, plugin, args, output_schema, span),
                _ => super::pivot::bind_pivot(binder, input, plugin, args, output_schema, span),
            }
        }
        "ipv4_lookup" => {
            if let Some(schema) = output_schema {
                return Err(Error::unsupported(
                    schema.span.clone(),
                    "an output schema after `ipv4_lookup` is not supported yet",
                ));
            }
            super::ipv4_lookup::bind_ipv4_lookup(binder, input, plugin, args, span)
        }
        other if KNOWN_UNSUPPORTED_PLUGINS.contains(&other) => Err(Error::unsupported(
            plugin.span.clone(),
            format!("plugin `{other}` of `evaluate` is not supported yet"),
        )),
        other => Err(Error::at(
            ErrorKind::UnknownName,
            plugin.span.clone(),
            format!("`{other}` is not a plugin of `evaluate`"),
        )
        .with_hint(format!(
            "supported plugins: {}",
            SUPPORTED_PLUGINS.join(", ")
        ))),
    }
}

/// `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties])
/// : (Name:type, …)` (learn.microsoft.com/kusto/query/bag-unpack-plugin).
///
/// With an output schema the output has exactly the declared columns (after every input
/// column but `Column` when the schema starts with `*`). A declared column takes the
/// values of the bag slot named like it (after the prefix) or of the input column of
/// that name. When both exist, `columnsConflict` decides at run time.
fn bind_bag_unpack(
    binder: &mut Binder<'_>,
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    output_schema: Option<&OutputSchema>,
    span: Span,
) -> Result<Plan> {
    let Some(output_schema) = output_schema else {
        return super::unpack::bind_bag_unpack_from_data(binder, input, plugin, args, span);
    };
    let arguments = unpack_arguments(binder, args, plugin)?;
    let bag = bag_column(&input.schema, arguments.column)?;

    let mut fields = Vec::new();
    let mut columns = Vec::new();
    if output_schema.wildcard {
        for (position, field) in input.schema.fields.iter().enumerate() {
            if position == bag {
                continue;
            }
            fields.push(field.clone());
            columns.push(UnpackColumn {
                slot: None,
                input: Some(position),
                ty: field.ty,
            });
        }
    }
    for (name, ty) in &output_schema.columns {
        if fields.iter().any(|field: &Field| field.name == name.name) {
            let message = if output_schema.wildcard && input.schema.index_of(&name.name).is_some() {
                format!(
                    "declaring input column `{}` after `*` in a bag_unpack output schema is not supported yet",
                    name.name
                )
            } else {
                format!("column `{}` appears twice in the output schema", name.name)
            };
            return Err(Error::unsupported(name.span.clone(), message));
        }
        let slot = name
            .name
            .strip_prefix(arguments.prefix.as_str())
            .filter(|slot| !arguments.ignored.iter().any(|ignored| ignored == slot))
            .map(str::to_string);
        let input_column = input
            .schema
            .index_of(&name.name)
            .filter(|&position| position != bag);
        fields.push(Field::new(name.name.clone(), *ty));
        columns.push(UnpackColumn {
            slot,
            input: input_column,
            ty: *ty,
        });
    }
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::BagUnpack(Box::new(BagUnpackPlan {
            input,
            bag,
            conflict: arguments.conflict,
            columns,
            discovered: None,
        })),
        span,
    })
}

pub(super) struct UnpackArguments<'e> {
    pub(super) column: &'e Expr,
    pub(super) prefix: String,
    pub(super) conflict: ColumnsConflict,
    pub(super) ignored: Vec<String>,
}

/// Reads the arguments of `bag_unpack`, given by position or by name.
pub(super) fn unpack_arguments<'e>(
    binder: &mut Binder<'_>,
    args: &'e [Expr],
    plugin: &Ident,
) -> Result<UnpackArguments<'e>> {
    let Some((column, rest)) = args.split_first() else {
        return Err(Error::at(
            ErrorKind::Syntax,
            plugin.span.clone(),
            "bag_unpack needs the dynamic column to unpack as its first argument",
        ));
    };
    let mut arguments = UnpackArguments {
        column,
        prefix: String::new(),
        conflict: ColumnsConflict::Error,
        ignored: Vec::new(),
    };
    const POSITIONAL: [&str; 3] = ["OutputColumnPrefix", "columnsConflict", "ignoredProperties"];
    for (position, arg) in rest.iter().enumerate() {
        let (parameter, value_expr) = match &arg.kind {
            ExprKind::NamedArgument { name, value } => (name.name.as_str(), value.as_ref()),
            _ => match POSITIONAL.get(position) {
                Some(parameter) => (*parameter, arg),
                None => {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        arg.span.clone(),
                        "bag_unpack takes at most four arguments",
                    ))
                }
            },
        };
        let value = constant(binder, value_expr, "bag_unpack")?;
        match parameter {
            "OutputColumnPrefix" => match value {
                Value::String(text) => arguments.prefix = text.to_string(),
                _ => return Err(invalid_argument(value_expr, "a string prefix")),
            },
            "columnsConflict" => {
                arguments.conflict = match value.as_str() {
                    Some("error") => ColumnsConflict::Error,
                    Some("replace_source") => ColumnsConflict::ReplaceSource,
                    Some("keep_source") => ColumnsConflict::KeepSource,
                    _ => {
                        return Err(invalid_argument(
                            value_expr,
                            "'error', 'replace_source' or 'keep_source'",
                        ))
                    }
                }
            }
            "ignoredProperties" => {
                let names = match &value {
                    Value::Dynamic(json) => json.as_array().and_then(|items| {
                        items
                            .iter()
                            .map(|item| item.as_str().map(str::to_string))
                            .collect::<Option<Vec<String>>>()
                    }),
                    Value::Null => Some(Vec::new()),
                    _ => None,
                };
                arguments.ignored = names.ok_or_else(|| {
                    invalid_argument(value_expr, "a dynamic array of property names")
                })?;
            }
            other => {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    arg.span.clone(),
                    format!("unknown bag_unpack argument `{other}`; use OutputColumnPrefix, columnsConflict or ignoredProperties"),
                ))
            }
        }
    }
    Ok(arguments)
}

/// Returns the position of column `name` in a plugin's input `schema`, or an error at
/// `span` that names the plugin and the closest column.
pub(super) fn input_column(
    schema: &Schema,
    name: &str,
    span: &Span,
    plugin: &str,
) -> Result<usize> {
    schema.index_of(name).ok_or_else(|| {
        if let Some(error) = super::names::undetermined_reference(name, span.clone(), schema) {
            return error;
        }
        let mut error = Error::at(
            ErrorKind::UnknownName,
            span.clone(),
            format!("column `{name}` is not in the input of {plugin}"),
        )
        .with_unknown_column(name);
        if let Some(suggestion) = crate::error::closest(name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        error
    })
}

/// Resolves the unpacked column, which must be a dynamic column of the input.
pub(super) fn bag_column(schema: &Schema, column: &Expr) -> Result<usize> {
    let ExprKind::Name(name) = &column.kind else {
        return Err(Error::unsupported(
            column.span.clone(),
            "bag_unpack of an expression is not supported yet; extend a column with it first",
        ));
    };
    let position = input_column(schema, name, &column.span, "bag_unpack")?;
    let ty = schema.fields.get(position).map(|field| field.ty);
    if ty != Some(Type::Dynamic) {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            column.span.clone(),
            format!("bag_unpack needs a dynamic column, and `{name}` is not dynamic"),
        )
        .with_hint("convert a JSON text first: `extend Bag = parse_json(Text)`"));
    }
    Ok(position)
}

/// Binds an argument that must be a constant, such as a literal or a `let` constant.
pub(super) fn constant(binder: &mut Binder<'_>, expr: &Expr, operator: &str) -> Result<Value> {
    let bound = binder.bind_scalar(expr, &Schema::default())?;
    match bound.kind {
        BoundKind::Literal(value) => Ok(value),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            format!("this argument of {operator} must be a constant"),
        )),
    }
}

fn invalid_argument(expr: &Expr, expected: &str) -> Error {
    Error::at(
        ErrorKind::TypeMismatch,
        expr.span.clone(),
        format!("invalid argument; expected {expected}"),
    )
}
