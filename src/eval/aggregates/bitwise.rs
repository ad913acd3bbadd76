//! Bitwise aggregates over 64-bit integers: `binary_all_and`, `binary_all_or` and
//! `binary_all_xor` (learn.microsoft.com/kusto/query/binary-all-and-aggregation-function).
//!
//! Null values are skipped, and a group with no value gives null, as the summarize
//! reference lists for every aggregate outside the counts, sums and collections
//! (learn.microsoft.com/kusto/query/summarize-operator, "Default values of aggregations").

use super::{Aggregate, Group, Shape};
use crate::error::Result;
use crate::eval::functions::integer_arg;
use crate::value::{Type, Value};

pub static AGGREGATES: &[Aggregate] = &[
    Aggregate {
        name: "binary_all_and",
        signature: "binary_all_and(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("binary_all_and"),
        result_type: integer_to_long,
        compute: binary_all_and,
    },
    Aggregate {
        name: "binary_all_or",
        signature: "binary_all_or(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("binary_all_or"),
        result_type: integer_to_long,
        compute: binary_all_or,
    },
    Aggregate {
        name: "binary_all_xor",
        signature: "binary_all_xor(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("binary_all_xor"),
        result_type: integer_to_long,
        compute: binary_all_xor,
    },
];

fn integer_to_long(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(Type::Int | Type::Long | Type::Dynamic) => Ok(Type::Long),
        Some(other) => Err(format!("the value must be long, not {other}")),
        None => Err("missing argument".to_string()),
    }
}

/// Folds the non-null integer values of argument 0 with `operation`.
fn fold(group: &Group<'_>, operation: fn(i64, i64) -> i64) -> Result<Vec<Value>> {
    let mut result: Option<i64> = None;
    for &row in group.rows {
        let Some(value) = integer_arg(&group.value(0, row)?) else {
            continue;
        };
        result = Some(match result {
            Some(accumulated) => operation(accumulated, value),
            None => value,
        });
    }
    Ok(vec![result.map_or(Value::Null, Value::Long)])
}

fn binary_all_and(group: &Group<'_>) -> Result<Vec<Value>> {
    fold(group, |left, right| left & right)
}

fn binary_all_or(group: &Group<'_>) -> Result<Vec<Value>> {
    fold(group, |left, right| left | right)
}

fn binary_all_xor(group: &Group<'_>) -> Result<Vec<Value>> {
    fold(group, |left, right| left ^ right)
}
