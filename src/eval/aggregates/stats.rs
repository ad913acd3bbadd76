//! Statistical aggregates: `percentile`, `percentiles`, `stdev`, `stdevif`, `stdevp`,
//! `variance`, `varianceif`, `variancep`.

use std::cmp::Ordering;

use super::{check_predicate, Aggregate, Group, Shape};
use crate::error::Result;
use crate::eval::expr::order;
use crate::value::{Type, Value};

pub static AGGREGATES: &[Aggregate] = &[
    Aggregate {
        name: "percentile",
        signature: "percentile(expr, percentile)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Percentiles,
        result_type: percentile_type,
        compute: percentiles,
    },
    Aggregate {
        name: "percentiles",
        signature: "percentiles(expr, percentile [, percentile …])",
        min_args: 2,
        max_args: usize::MAX,
        shape: Shape::Percentiles,
        result_type: percentile_type,
        compute: percentiles,
    },
    Aggregate {
        name: "stdev",
        signature: "stdev(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("stdev"),
        result_type: spread_type,
        compute: stdev,
    },
    Aggregate {
        name: "stdevif",
        signature: "stdevif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("stdevif"),
        result_type: spread_if_type,
        compute: stdevif,
    },
    Aggregate {
        name: "stdevp",
        signature: "stdevp(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("stdevp"),
        result_type: spread_type,
        compute: stdevp,
    },
    Aggregate {
        name: "variance",
        signature: "variance(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("variance"),
        result_type: spread_type,
        compute: variance,
    },
    Aggregate {
        name: "varianceif",
        signature: "varianceif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("varianceif"),
        result_type: spread_if_type,
        compute: varianceif,
    },
    Aggregate {
        name: "variancep",
        signature: "variancep(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("variancep"),
        result_type: spread_type,
        compute: variancep,
    },
];

/// Computes the type of each percentile column: `int` widens to `long` and `decimal` to `real`,
/// other orderable types stay as they are.
fn percentile_type(types: &[Type]) -> std::result::Result<Type, String> {
    for ty in types.iter().skip(1) {
        if !ty.is_numeric() {
            return Err(format!("a percentile must be a number, not {ty}"));
        }
    }
    match types.first() {
        Some(Type::Int) => Ok(Type::Long),
        Some(Type::Decimal) => Ok(Type::Real),
        Some(&ty @ (Type::Long | Type::Real | Type::DateTime | Type::Timespan)) => Ok(ty),
        Some(other) => Err(format!(
            "cannot take a percentile of {other} values; convert them with toreal() first"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn spread_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(ty) if ty.is_numeric() => Ok(Type::Real),
        Some(other) => Err(format!(
            "needs numbers, not {other}; convert them with toreal() first"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn spread_if_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    spread_type(types)
}

/// Computes the nearest-rank percentile of each requested percentage: the smallest value with at
/// least P% of the values at or below it.
///
/// NOTE: Kusto estimates percentiles with T-Digest and its result can differ from the
/// exact nearest-rank value on large inputs; this engine computes the exact value.
fn percentiles(group: &Group<'_>) -> Result<Vec<Value>> {
    let mut values: Vec<Value> = group
        .values(0)?
        .into_iter()
        .filter(|value| !value.is_null())
        .collect();
    // NaN sorts below every number, as in `sort`, so that the order is total: a NaN that
    // compared equal to everything could make the sort panic.
    // NOTE: the reference does not say whether Kusto's percentiles count NaN values.
    values.sort_by(|a, b| match (a, b) {
        (Value::Real(x), Value::Real(y)) => match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.total_cmp(y),
        },
        _ => order(a, b).unwrap_or(Ordering::Equal),
    });
    let widen = |value: &Value| match value {
        Value::Int(n) => Value::Long(i64::from(*n)),
        other => other.clone(),
    };
    let mut results = Vec::with_capacity(group.args.len().saturating_sub(1));
    for index in 1..group.args.len() {
        let percent = group
            .constant(index)
            .and_then(|value| value.as_f64())
            .filter(|percent| (0.0..=100.0).contains(percent))
            .ok_or_else(|| group.error("a percentile must be a constant between 0 and 100"))?;
        let result = if values.is_empty() {
            Value::Null
        } else {
            let rank = (percent / 100.0 * values.len() as f64).ceil() as usize;
            let position = rank.saturating_sub(1).min(values.len() - 1);
            widen(&values[position])
        };
        results.push(result);
    }
    Ok(results)
}

fn numbers(group: &Group<'_>) -> Result<Vec<f64>> {
    Ok(group.values(0)?.iter().filter_map(Value::as_f64).collect())
}

/// Computes the variance with `n - 1` (sample) or `n` (population) in the denominator. A group
/// too small for the denominator gives 0.
fn spread(values: &[f64], sample: bool) -> f64 {
    let count = values.len() as f64;
    let denominator = if sample { count - 1.0 } else { count };
    if denominator <= 0.0 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / count;
    values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / denominator
}

fn variance(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Real(spread(&numbers(group)?, true))])
}

fn variancep(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Real(spread(&numbers(group)?, false))])
}

fn varianceif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    variance(&group.with_rows(&rows))
}

fn stdev(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Real(spread(&numbers(group)?, true).sqrt())])
}

fn stdevp(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Real(spread(&numbers(group)?, false).sqrt())])
}

fn stdevif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    stdev(&group.with_rows(&rows))
}
