//! The binder: resolves every name in a parsed script (tables, columns, `let` variables,
//! functions), checks types, and produces the [`plan::Plan`] the evaluator runs.
//!
//! `let` bindings are substituted where they are used, which matches Kusto's rule that a
//! `let` binds a name to an expression, not to a computed value. Errors carry the span of
//! the offending text and, for names, the closest known alternative.

pub(crate) mod activity_counts_metrics;
mod apply;
pub mod columns;
mod combine;
mod data_dependent;
pub mod defender;
pub use data_dependent::bind_without_data;
pub use watchlist::unloaded_alias;
mod expand;
mod expr;
mod functions;
mod ipv4_lookup;
mod json_keys;
mod keyvalue;
mod names;
pub use names::{table_of_not_loaded_hint, unknown_table_name, NO_TABLES_HINT};
mod partition;
mod pivot;
pub mod plan;
mod plugins;
pub use plugins::{KNOWN_UNSUPPORTED_PLUGINS, SUPPORTED_PLUGINS};
mod reshape;
mod result_names;
mod scan_operator;
mod search;
mod series;
mod sources;
mod summarize;
mod tabular;
#[cfg(test)]
mod test_support;
mod unpack;
mod watchlist;
pub use watchlist::GET_WATCHLIST;
mod window;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::ast::{Expr, Ident, Script, Span, Statement};
use crate::error::{Error, ErrorKind, Result, Warning};
use crate::table::{Schema, Table};
use plan::{BoundExpr, Plan};

/// The table schemas a query can name.
pub trait SchemaSource {
    /// Returns the schema of the table with this exact name.
    fn schema(&self, name: &str) -> Option<Schema>;
    /// Every table name, for "did you mean" hints.
    fn table_names(&self) -> Vec<String>;
    /// True when [`SchemaSource::table_names`] lists exactly the tables of the database
    /// the query runs against, the loaded tables, so that two files can be loaded under
    /// two spellings of one table. A catalog of known schemas keeps the default, false.
    fn lists_database(&self) -> bool {
        false
    }
    /// Returns the product that this source checks against when its catalog has the table
    /// `name` but hides it because that product lacks it (`kql check --product xdr` on a
    /// Sentinel table), and `None` otherwise.
    fn product_lacking(&self, _name: &str) -> Option<crate::schema::Product> {
        None
    }
    /// Returns the product whose tables and columns this source shows, for `kql check
    /// --product`, and `None` when it shows every product's.
    fn product(&self) -> Option<crate::schema::Product> {
        None
    }
    /// Runs a bound plan over the tables and returns its result, or `None` when this
    /// source has schemas but no rows, as the catalog of `kql check` has. `query_now` is
    /// the clock that `set query_now` pinned, if any.
    ///
    /// Plugins whose output columns depend on the data (`bag_unpack` without an output
    /// schema, `pivot`) run their input through it at bind time. The source must evaluate
    /// with the clock and tables that the query runs with later, so that the discovered
    /// columns are the ones the run produces.
    fn evaluate(&self, _plan: &Plan, _query_now: Option<i64>) -> Option<Result<Table>> {
        None
    }
    /// Returns the loaded watchlist that `_GetWatchlist(alias)` reads, or `None` when the
    /// user supplied none of that alias. An error is the one the call raises, such as a
    /// file of several columns without a named SearchKey.
    fn watchlist(&self, _alias: &str) -> Option<Result<Arc<Table>>> {
        None
    }
}

impl SchemaSource for HashMap<String, Arc<Table>> {
    fn schema(&self, name: &str) -> Option<Schema> {
        self.get(name).map(|table| table.schema.clone())
    }

    fn table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.keys().cloned().collect();
        names.sort();
        names
    }

    /// Returns true, because the loaded tables are the database a query runs against.
    fn lists_database(&self) -> bool {
        true
    }
}

/// A bound script: the plan of its final query plus the options its `set` statements set.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    pub plan: Plan,
    /// The clock pinned with `set query_now = datetime(…)`, in ticks.
    pub now: Option<i64>,
    /// Warnings for the person running the query, each once, such as the one for
    /// `ingestion_time()`, which is null for local tables.
    pub warnings: Vec<Warning>,
    /// The supplied tables that the query names, by the name they are loaded under. These
    /// are the tables read by name in the query, a `let` statement or a subquery, even a
    /// `let` the query never uses. An `invoke` of `FileProfile` or `DeviceFromIP` adds that
    /// function's table.
    pub tables: BTreeSet<String>,
    /// The watchlist aliases of the `_GetWatchlist('alias')` calls that the query binds,
    /// loaded or not.
    pub watchlists: BTreeSet<String>,
}

/// The meaning of a `let` name or a function parameter.
#[derive(Debug, Clone)]
enum Binding {
    Scalar(BoundExpr),
    Tabular(Plan),
    Function(Arc<functions::UserFunction>),
}

/// The names one `let` level defines: the script's top level, or one call of a
/// user-defined function (its parameters and the `let` statements of its body).
#[derive(Debug, Clone, Default)]
struct Scope {
    bindings: HashMap<String, Binding>,
    /// The row context in which this scope's scalar bindings were bound. A parameter bound
    /// to a column of the caller's row (`f(DeviceName)`) may be used only in that row
    /// context, never inside a subquery such as `toscalar(…)`.
    row_context: usize,
}

/// Scalar functions that the binder handles itself instead of the function catalog,
/// because they read the row order, the input schema or a table: name and signature.
pub const BINDER_FUNCTIONS: &[(&str, &str)] = &[
    ("bag_pack_columns", "bag_pack_columns(column1, column2, …)"),
    (
        "column_ifexists",
        "column_ifexists(columnName, defaultValue)",
    ),
    ("columnifexists", "columnifexists(columnName, defaultValue)"),
    ("next", "next(column [, offset [, default_value]])"),
    ("pack_all", "pack_all([ignore_null_empty])"),
    ("prev", "prev(column [, offset [, default_value]])"),
    ("row_number", "row_number([start_index [, restart]])"),
    ("toscalar", "toscalar(expression)"),
];

/// Resolves names and types in a script against the given tables.
pub struct Binder<'a> {
    tables: &'a dyn SchemaSource,
    scopes: Vec<Scope>,
    /// The row context being bound now: 0 at the top level, a fresh number inside each
    /// subquery (`toscalar`, the tabular right side of `in`).
    row_context: usize,
    next_row_context: usize,
    /// The number the next subquery gets; the evaluator caches results by this number.
    next_subquery: usize,
    /// The number the next `row_number()` with a restart condition gets; the evaluator
    /// caches its row numbers by this number.
    next_row_number: usize,
    /// True while binding the expressions of an operator whose input rows are serialized
    /// (ordered), where window functions such as `prev()` are allowed.
    serialized_input: bool,
    /// How many `mv-apply` subqueries enclose the operator being bound.
    mv_apply_depth: usize,
    /// How many `partition` subqueries enclose the operator being bound.
    partition_depth: usize,
    /// Set by the `mv-apply` just bound when its output is open to more than one
    /// reading. The pipeline it is in takes it and checks the operators after it.
    unsettled_apply: Option<apply::UnsettledApply>,
    /// The number of columns of the current operator's input, which `pack_all()` packs:
    /// `extend` adds its columns after them one assignment at a time.
    input_width: usize,
    /// The clock that a `set query_now` statement before the current one pinned.
    query_now: Option<i64>,
    /// Set when binding without rows for `kql check`; see [`bind_without_data`].
    data_dependent: Option<data_dependent::DataDependentColumns>,
    /// The warnings for [`BoundQuery::warnings`].
    warnings: Vec<Warning>,
    /// The tables for [`BoundQuery::tables`].
    tables_named: BTreeSet<String>,
    /// The aliases for [`BoundQuery::watchlists`].
    watchlists_called: BTreeSet<String>,
}

impl<'a> Binder<'a> {
    pub fn new(tables: &'a dyn SchemaSource) -> Binder<'a> {
        Binder {
            tables,
            scopes: vec![Scope::default()],
            row_context: 0,
            next_row_context: 1,
            next_subquery: 0,
            next_row_number: 0,
            serialized_input: false,
            mv_apply_depth: 0,
            partition_depth: 0,
            unsettled_apply: None,
            input_width: 0,
            query_now: None,
            data_dependent: None,
            warnings: Vec::new(),
            tables_named: BTreeSet::new(),
            watchlists_called: BTreeSet::new(),
        }
    }

    /// Binds every statement; the last must be a tabular query.
    pub fn bind_script(&mut self, script: &Script) -> Result<BoundQuery> {
        // The clock is read before any statement binds, because a plugin that evaluates
        // its input at bind time must see the clock that the whole query runs with.
        for statement in &script.statements {
            if let Statement::Set { name, value } = statement {
                if name.name == "query_now" {
                    self.query_now = Some(self.bind_query_now(name, value.as_ref())?);
                }
            }
        }
        let mut now = None;
        let mut query = None;
        for (position, statement) in script.statements.iter().enumerate() {
            let is_last = position + 1 == script.statements.len();
            match statement {
                Statement::Let { .. } | Statement::LetFunction { .. } => {
                    let name = self.define_let(statement)?;
                    if is_last {
                        return Err(Error::syntax(
                            name.span.clone(),
                            "the query ends with a `let` statement; add a tabular expression after the last `;`",
                        ));
                    }
                }
                Statement::Set { name, value } => {
                    if name.name == "query_now" {
                        now = Some(self.bind_query_now(name, value.as_ref())?);
                    } else if crate::error::closest(&name.name, ["query_now"]).is_some() {
                        // A typo here would silently leave `ago()` on the wall clock.
                        self.warn(
                            &name.span,
                            &format!(
                                "`set {}` has no effect; did you mean `set query_now`?",
                                name.name
                            ),
                        );
                    } else {
                        log::debug!(
                            "ignoring `set {}`: it does not change results here",
                            name.name
                        );
                    }
                    if is_last {
                        return Err(Error::syntax(
                            name.span.clone(),
                            "the query ends with a `set` statement; add a tabular expression after it",
                        ));
                    }
                }
                Statement::Query(expr) => {
                    let later_query = script.statements[position + 1..]
                        .iter()
                        .any(|statement| matches!(statement, Statement::Query(_)));
                    if later_query {
                        return Err(Error::unsupported(
                            expr.span.clone(),
                            "only the last statement can be a query here; `kql run`, `kql check` and the shell run each query of a batch (`T1; T2`) on its own",
                        ));
                    }
                    if !is_last {
                        return Err(Error::syntax(
                            expr.span.clone(),
                            "a `let` or `set` statement after the last query has no query to apply to; remove it, or end the text with a query",
                        ));
                    }
                    query = Some(self.bind_tabular(expr)?);
                }
            }
        }
        let mut plan =
            query.ok_or_else(|| Error::syntax(0..0, "the query has no tabular expression"))?;
        // Every column of the result is shown, so none may be undetermined, and none may be
        // a `decimal`, which kql would show as a `real`.
        names::reject_undetermined(&plan.schema, plan.span.clone(), |column| {
            format!("a query result with the column `{column}`")
        })?;
        if plan
            .schema
            .fields
            .iter()
            .any(|field| field.ty == crate::value::Type::Decimal)
        {
            return Err(expr::decimal_unsupported(&plan.span));
        }
        json_keys::narrow_parse_json(&mut plan);
        Ok(BoundQuery {
            plan,
            now,
            warnings: std::mem::take(&mut self.warnings),
            tables: std::mem::take(&mut self.tables_named),
            watchlists: std::mem::take(&mut self.watchlists_called),
        })
    }

    fn bind_query_now(&mut self, name: &crate::ast::Ident, value: Option<&Expr>) -> Result<i64> {
        let Some(value) = value else {
            return Err(Error::syntax(
                name.span.clone(),
                "`set query_now` needs a value: `set query_now = datetime(2025-01-01);`",
            ));
        };
        let bound = self.bind_scalar(value, &Schema::default())?;
        match bound.kind {
            plan::BoundKind::Literal(crate::value::Value::DateTime(ticks)) => Ok(ticks),
            _ => Err(Error::at(
                ErrorKind::TypeMismatch,
                value.span.clone(),
                "`set query_now` takes a datetime literal such as datetime(2025-08-30T00:00:00Z)",
            )),
        }
    }

    /// Binds a `let` statement and defines its name in the innermost scope; returns the
    /// name.
    fn define_let<'s>(&mut self, statement: &'s Statement) -> Result<&'s Ident> {
        match statement {
            Statement::Let { name, value } => {
                let binding = self.bind_let_value(value)?;
                self.define(&name.name, binding);
                Ok(name)
            }
            Statement::LetFunction { name, function } => {
                functions::check_parameter_defaults(&name.name, function)?;
                let defined = functions::UserFunction::new(self, &name.name, function);
                self.define(&name.name, Binding::Function(Arc::new(defined)));
                Ok(name)
            }
            Statement::Set { name, .. } => Err(Error::syntax(
                name.span.clone(),
                "`set` is allowed only at the top level of a query",
            )),
            Statement::Query(expr) => Err(Error::syntax(
                expr.span.clone(),
                "expected a `let` statement here",
            )),
        }
    }

    /// A `let` value is tabular when it is a pipeline, a table, or a tabular literal;
    /// otherwise it is a scalar bound with no columns in scope.
    fn bind_let_value(&mut self, value: &Expr) -> Result<Binding> {
        if self.is_tabular(value) {
            let plan = self.bind_tabular(value)?;
            let shared = plan::Plan {
                schema: plan.schema.clone(),
                span: plan.span.clone(),
                kind: plan::PlanKind::Shared(std::sync::Arc::new(plan)),
            };
            return Ok(Binding::Tabular(shared));
        }
        Ok(Binding::Scalar(
            self.bind_scalar(value, &Schema::default())?,
        ))
    }

    fn define(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.insert(name.to_string(), binding);
        }
    }

    fn lookup_binding(&self, name: &str) -> Option<&Binding> {
        self.lookup_scoped(name).map(|(binding, _)| binding)
    }

    /// Returns the binding of `name` with the row context of the scope that defines it.
    fn lookup_scoped(&self, name: &str) -> Option<(&Binding, usize)> {
        self.scopes.iter().rev().find_map(|scope| {
            scope
                .bindings
                .get(name)
                .map(|binding| (binding, scope.row_context))
        })
    }

    fn binding_names(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|scope| scope.bindings.keys().cloned())
            .collect()
    }

    /// The names of `let` bindings that can stand where a table is expected: tabular
    /// values and functions, which may return tables. Scalars are left out.
    fn tabular_binding_names(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|scope| &scope.bindings)
            .filter(|(_, binding)| !matches!(binding, Binding::Scalar(_)))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// True when the expression denotes a table rather than a scalar.
    fn is_tabular(&self, expr: &Expr) -> bool {
        functions::is_tabular(self, expr, &HashMap::new())
    }

    /// Runs `work` in a fresh row context, as a subquery is bound: parameters bound to
    /// the enclosing row's columns are out of reach there.
    fn in_subquery_context<T>(&mut self, work: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let saved = self.row_context;
        self.row_context = self.next_row_context;
        self.next_row_context += 1;
        let result = work(self);
        self.row_context = saved;
        result
    }

    /// Returns a number for a new subquery, unique within the query.
    fn new_subquery_id(&mut self) -> usize {
        let id = self.next_subquery;
        self.next_subquery += 1;
        id
    }

    /// Returns a number for a new `row_number()` with a restart condition, unique within
    /// the query.
    fn new_row_number_id(&mut self) -> usize {
        let id = self.next_row_number;
        self.next_row_number += 1;
        id
    }

    /// Records a warning for [`BoundQuery::warnings`], unless it is recorded already.
    fn warn(&mut self, span: &Span, warning: &str) {
        if !self.warnings.iter().any(|known| known.message == warning) {
            self.warnings.push(Warning {
                message: warning.to_string(),
                span: Some(span.clone()),
            });
        }
    }

    pub fn bind_scalar(&mut self, expr: &Expr, schema: &Schema) -> Result<BoundExpr> {
        expr::bind(self, expr, schema)
    }

    pub fn bind_tabular(&mut self, expr: &Expr) -> Result<Plan> {
        tabular::bind(self, expr)
    }

    /// Runs a bound plan over the tables when the schema source has rows; see
    /// [`SchemaSource::evaluate`].
    fn evaluate(&self, plan: &Plan) -> Option<Result<Table>> {
        if self.mv_apply_depth > 0 {
            // The subquery runs once per input row, whose rows do not exist yet.
            return Some(Err(Error::unsupported(
                plan.span.clone(),
                "`bag_unpack` without an output schema and `pivot` are not supported inside \
                 `mv-apply` yet, because their columns would depend on each row",
            )
            .with_hint(
                "give bag_unpack an output schema: `evaluate bag_unpack(Col) : (Name:string)`",
            )));
        }
        if self.partition_depth > 0 {
            // The subquery runs once per partition, whose rows do not exist yet.
            return Some(Err(Error::unsupported(
                plan.span.clone(),
                "`bag_unpack` without an output schema and `pivot` are not supported inside \
                 `partition` yet, because their columns would depend on each partition",
            )));
        }
        self.tables.evaluate(plan, self.query_now)
    }
}

/// Parses nothing: binds an already parsed script against `tables`.
pub fn bind(script: &Script, tables: &dyn SchemaSource) -> Result<BoundQuery> {
    Binder::new(tables).bind_script(script)
}
