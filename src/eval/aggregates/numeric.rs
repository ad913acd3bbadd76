//! Counting and arithmetic aggregates: `count`, `countif`, `dcount`, `dcountif`,
//! `count_distinct`, `sum`, `sumif`, `avg`, `avgif`, `min`, `max`, `minif`, `maxif`.

use std::cmp::Ordering;

use super::{check_predicate, is_orderable, returns, Aggregate, Group, Shape};
use crate::error::Result;
use crate::eval::expr::order;
use crate::eval::operators::keys::{group_key, KeySet};
use crate::value::{Type, Value};

pub static AGGREGATES: &[Aggregate] = &[
    Aggregate {
        name: "count",
        signature: "count()",
        min_args: 0,
        max_args: 0,
        shape: Shape::Prefixed("count"),
        result_type: returns!(Type::Long),
        compute: count,
    },
    Aggregate {
        name: "countif",
        signature: "countif(predicate)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("countif"),
        result_type: countif_type,
        compute: countif,
    },
    Aggregate {
        name: "dcount",
        signature: "dcount(expr [, accuracy])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("dcount"),
        result_type: distinct_count_type,
        compute: dcount,
    },
    Aggregate {
        name: "dcountif",
        signature: "dcountif(expr, predicate [, accuracy])",
        min_args: 2,
        max_args: 3,
        shape: Shape::Prefixed("dcountif"),
        result_type: distinct_countif_type,
        compute: dcountif,
    },
    Aggregate {
        name: "count_distinct",
        signature: "count_distinct(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("count_distinct"),
        result_type: distinct_count_type,
        compute: dcount,
    },
    Aggregate {
        name: "count_distinctif",
        signature: "count_distinctif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("count_distinctif"),
        result_type: distinct_countif_type,
        compute: dcountif,
    },
    Aggregate {
        name: "sum",
        signature: "sum(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("sum"),
        result_type: sum_type,
        compute: sum,
    },
    Aggregate {
        name: "sumif",
        signature: "sumif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("sumif"),
        result_type: sumif_type,
        compute: sumif,
    },
    Aggregate {
        name: "avg",
        signature: "avg(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("avg"),
        result_type: avg_type,
        compute: avg,
    },
    Aggregate {
        name: "avgif",
        signature: "avgif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("avgif"),
        result_type: avgif_type,
        compute: avgif,
    },
    Aggregate {
        name: "min",
        signature: "min(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("min"),
        result_type: extreme_type,
        compute: min,
    },
    Aggregate {
        name: "max",
        signature: "max(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("max"),
        result_type: extreme_type,
        compute: max,
    },
    Aggregate {
        name: "minif",
        signature: "minif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("minif"),
        result_type: extremeif_type,
        compute: minif,
    },
    Aggregate {
        name: "maxif",
        signature: "maxif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::Prefixed("maxif"),
        result_type: extremeif_type,
        compute: maxif,
    },
];

fn countif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 0)?;
    Ok(Type::Long)
}

fn distinct_count_type(types: &[Type]) -> std::result::Result<Type, String> {
    if types.first() == Some(&Type::Dynamic) {
        return Err(
            "the counted expression cannot be dynamic; convert it with tostring() first"
                .to_string(),
        );
    }
    Ok(Type::Long)
}

fn distinct_countif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    distinct_count_type(types)
}

/// `sum` promotes `int` to `long`; it takes numbers and timespans.
fn sum_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(Type::Int | Type::Long) => Ok(Type::Long),
        Some(Type::Real | Type::Decimal) => Ok(Type::Real),
        Some(Type::Timespan) => Ok(Type::Timespan),
        Some(other) => Err(format!(
            "cannot sum {other} values; convert them with tolong() or toreal() first"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn sumif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    sum_type(types)
}

/// `avg` gives `real` for numbers and keeps timespans and datetimes
/// (learn.microsoft.com/kusto/query/avg-aggregation-function).
fn avg_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(Type::Int | Type::Long | Type::Real | Type::Decimal) => Ok(Type::Real),
        Some(Type::Timespan) => Ok(Type::Timespan),
        Some(Type::DateTime) => Ok(Type::DateTime),
        Some(other) => Err(format!(
            "cannot average {other} values; convert them with toreal() first"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn avgif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    avg_type(types)
}

fn extreme_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(&ty) if is_orderable(ty) => Ok(ty),
        Some(other) => Err(format!(
            "{other} values have no order; convert them with tostring(), tolong() or todatetime() first"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn extremeif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    extreme_type(types)
}

fn count(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Long(group.rows.len() as i64)])
}

fn countif(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![Value::Long(group.rows_where(0)?.len() as i64)])
}

/// NOTE: Kusto estimates `dcount` with HyperLogLog (about 1% error at the default
/// accuracy); this count is exact, which is within that documented error. The accuracy
/// argument is accepted and has no effect.
fn dcount(group: &Group<'_>) -> Result<Vec<Value>> {
    let mut seen = KeySet::default();
    for value in group.values(0)? {
        if let Some(key) = group_key(&value).filter(|_| !value.is_null()) {
            seen.insert(key);
        }
    }
    Ok(vec![Value::Long(seen.len() as i64)])
}

fn dcountif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    dcount(&group.with_rows(&rows))
}

fn sum(group: &Group<'_>) -> Result<Vec<Value>> {
    let values = group.values(0)?;
    let ty = group.args.first().map(|arg| arg.ty);
    let total = match ty {
        Some(Type::Real | Type::Decimal) => {
            // Folding from 0.0: `Sum` for floats starts at -0.0, which an all-null
            // group would return and which prints as "-0".
            Value::Real(
                values
                    .iter()
                    .filter_map(Value::as_f64)
                    .fold(0.0, |total, x| total + x),
            )
        }
        Some(Type::Timespan) => {
            let mut total: i64 = 0;
            for value in &values {
                if let Value::Timespan(ticks) = value {
                    total = total
                        .checked_add(*ticks)
                        .ok_or_else(|| group.error("sum: the total overflows a timespan"))?;
                }
            }
            Value::Timespan(total)
        }
        _ => {
            let mut total: i64 = 0;
            for value in &values {
                if let Some(n) = value.as_i64() {
                    total = total
                        .checked_add(n)
                        .ok_or_else(|| group.error("sum: the total overflows a long"))?;
                }
            }
            Value::Long(total)
        }
    };
    Ok(vec![total])
}

fn sumif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    sum(&group.with_rows(&rows))
}

fn avg(group: &Group<'_>) -> Result<Vec<Value>> {
    let values: Vec<Value> = group
        .values(0)?
        .into_iter()
        .filter(|value| !value.is_null())
        .collect();
    if values.is_empty() {
        return Ok(vec![Value::Null]);
    }
    let count = values.len() as f64;
    let result = match group.args.first().map(|arg| arg.ty) {
        Some(Type::Timespan | Type::DateTime) => {
            let ticks: Vec<i64> = values
                .iter()
                .filter_map(|value| match value {
                    Value::Timespan(t) | Value::DateTime(t) => Some(*t),
                    _ => None,
                })
                .collect();
            let total: i128 = ticks.iter().map(|&t| i128::from(t)).sum();
            let mean = i64::try_from(total / ticks.len().max(1) as i128)
                .map_err(|_| group.error("avg: the mean is out of range"))?;
            if matches!(group.args.first().map(|arg| arg.ty), Some(Type::DateTime)) {
                Value::DateTime(mean)
            } else {
                Value::Timespan(mean)
            }
        }
        _ => Value::Real(values.iter().filter_map(Value::as_f64).sum::<f64>() / count),
    };
    Ok(vec![result])
}

fn avgif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    avg(&group.with_rows(&rows))
}

fn extreme(group: &Group<'_>, wanted: Ordering) -> Result<Vec<Value>> {
    let mut best: Option<Value> = None;
    for value in group.values(0)? {
        if value.is_null() {
            continue;
        }
        let replace = match &best {
            None => true,
            Some(current) => order(&value, current) == Some(wanted),
        };
        if replace {
            best = Some(value);
        }
    }
    Ok(vec![best.unwrap_or(Value::Null)])
}

fn min(group: &Group<'_>) -> Result<Vec<Value>> {
    extreme(group, Ordering::Less)
}

fn max(group: &Group<'_>) -> Result<Vec<Value>> {
    extreme(group, Ordering::Greater)
}

fn minif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    min(&group.with_rows(&rows))
}

fn maxif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    max(&group.with_rows(&rows))
}
