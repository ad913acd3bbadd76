//! The aggregate function catalog: the functions `summarize` calls once per group, with
//! their signatures, result type rules, generated column names and implementations.
//!
//! The binder resolves a call inside `summarize` here before it looks in the scalar
//! catalog. An aggregate receives the rows of one group by position and evaluates its
//! argument expressions over them itself, so `arg_max` can read the winning row's other
//! columns without copying every row. Null values are skipped by every aggregate, as the
//! summarize reference states (learn.microsoft.com/kusto/query/summarize-operator,
//! "Default values of aggregations").

mod bitwise;
mod collect;
mod numeric;
mod stats;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::binder::plan::BoundExpr;
use crate::error::Result;
use crate::eval::expr::{as_bool, evaluate};
use crate::eval::{evaluation_error, EvalContext};
use crate::table::Table;
use crate::value::{Type, Value};

/// The number and naming rule of an aggregate's output columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One column named `prefix_X`, where X is the name the first argument gives.
    Prefixed(&'static str),
    /// One column named as the first argument (`take_anyif`).
    FirstArgument,
    /// `arg_max`/`arg_min`: the extreme value, then the requested columns.
    ArgExtreme,
    /// `percentile`/`percentiles`: one column per requested percentile.
    Percentiles,
    /// `take_any`/`any` with several arguments or `*`: one column per argument.
    AnyRow,
}

/// One aggregate function.
pub struct Aggregate {
    pub name: &'static str,
    /// The signature as the KQL reference writes it.
    pub signature: &'static str,
    pub min_args: usize,
    /// `usize::MAX` for variadic aggregates.
    pub max_args: usize,
    pub shape: Shape,
    /// The result type from the argument types, for single-column shapes.
    pub result_type: fn(&[Type]) -> std::result::Result<Type, String>,
    /// Computes the output values for one group.
    pub compute: fn(&Group<'_>) -> Result<Vec<Value>>,
}

impl std::fmt::Debug for Aggregate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.signature)
    }
}

/// The rows of one group and the bound arguments of one aggregate call.
pub struct Group<'a> {
    pub table: &'a Table,
    pub rows: &'a [usize],
    pub args: &'a [BoundExpr],
    pub context: &'a EvalContext,
    pub span: &'a std::ops::Range<usize>,
}

impl Group<'_> {
    /// Evaluates argument `index` for one row of the table.
    pub fn value(&self, index: usize, row: usize) -> Result<Value> {
        match self.args.get(index) {
            Some(arg) => evaluate(arg, self.table, row, self.context),
            None => Ok(Value::Null),
        }
    }

    /// Evaluates argument `index` for every row of the group.
    pub fn values(&self, index: usize) -> Result<Vec<Value>> {
        let mut values = Vec::with_capacity(self.rows.len());
        for &row in self.rows {
            values.push(self.value(index, row)?);
        }
        Ok(values)
    }

    /// Returns the rows of the group whose predicate (argument `index`) is true.
    pub fn rows_where(&self, index: usize) -> Result<Vec<usize>> {
        let mut kept = Vec::new();
        for &row in self.rows {
            if as_bool(&self.value(index, row)?) == Some(true) {
                kept.push(row);
            }
        }
        Ok(kept)
    }

    /// Returns the value of a constant argument, such as a `maxSize` or a percentile; `None` when
    /// the argument is absent. The binder checks that these arguments are literals.
    pub fn constant(&self, index: usize) -> Option<Value> {
        match &self.args.get(index)?.kind {
            crate::binder::plan::BoundKind::Literal(value) => Some(value.clone()),
            _ => None,
        }
    }

    /// Returns the same group restricted to `rows`.
    pub fn with_rows<'b>(&'b self, rows: &'b [usize]) -> Group<'b> {
        Group {
            table: self.table,
            rows,
            args: self.args,
            context: self.context,
            span: self.span,
        }
    }

    /// Builds an evaluation error at the aggregate call.
    pub fn error(&self, message: impl Into<String>) -> crate::error::Error {
        evaluation_error(self.span, message)
    }
}

fn catalog() -> &'static HashMap<&'static str, &'static Aggregate> {
    static CATALOG: OnceLock<HashMap<&'static str, &'static Aggregate>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let families: [&'static [Aggregate]; 4] = [
            numeric::AGGREGATES,
            collect::AGGREGATES,
            stats::AGGREGATES,
            bitwise::AGGREGATES,
        ];
        families
            .into_iter()
            .flatten()
            .map(|aggregate| (aggregate.name, aggregate))
            .collect()
    })
}

/// Returns the aggregate with this exact (case-sensitive) name.
pub fn lookup(name: &str) -> Option<&'static Aggregate> {
    catalog().get(name).copied()
}

/// Returns every supported aggregate, sorted by name.
pub fn all() -> Vec<&'static Aggregate> {
    let mut aggregates: Vec<&'static Aggregate> = catalog().values().copied().collect();
    aggregates.sort_by_key(|aggregate| aggregate.name);
    aggregates
}

/// KQL aggregate functions that exist but that this engine does not run yet.
pub const KNOWN_UNSUPPORTED: &[&str] = &[
    "hll",
    "hll_if",
    "hll_merge",
    "tdigest",
    "tdigest_merge",
    "percentilew",
    "percentilesw",
    "percentiles_array",
    "percentilesw_array",
    "covariance",
    "covarianceif",
    "covariancep",
    "covariancepif",
    "buildschema",
    "make_dictionary",
];

/// True for the types that `min`, `max`, `arg_min` and `arg_max` can order.
pub(crate) fn is_orderable(ty: Type) -> bool {
    !matches!(ty, Type::Dynamic | Type::Guid)
}

/// A type rule for aggregates that always return `ty`.
macro_rules! returns {
    ($ty:expr) => {{
        fn rule(_: &[crate::value::Type]) -> std::result::Result<crate::value::Type, String> {
            Ok($ty)
        }
        rule
    }};
}
pub(crate) use returns;

/// Checks that argument `index` of an `…if` aggregate is a bool predicate.
pub(crate) fn check_predicate(types: &[Type], index: usize) -> std::result::Result<(), String> {
    match types.get(index) {
        Some(Type::Bool | Type::Dynamic) | None => Ok(()),
        Some(other) => Err(format!("the predicate must be bool, not {other}")),
    }
}

#[cfg(test)]
mod tests;
