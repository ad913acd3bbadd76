//! Aggregates that collect or pick values: `make_set`, `make_list`, `make_bag` (and
//! their `_if` forms and deprecated aliases), `make_list_with_nulls`, `take_any`,
//! `take_anyif`, `any`, `arg_max` and `arg_min`.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::{check_predicate, is_orderable, returns, Aggregate, Group, Shape};
use crate::error::Result;
use crate::eval::expr::order;
use crate::eval::operators::keys::group_key;
use crate::value::{Type, Value};

/// The default and largest `maxSize` of `make_set`, `make_list` and `make_bag`.
const MAX_SIZE: i64 = 1_048_576;
/// The default `maxSize` of the deprecated `makeset` and `makelist`.
const DEPRECATED_MAX_SIZE: i64 = 128;

pub static AGGREGATES: &[Aggregate] = &[
    Aggregate {
        name: "make_set",
        signature: "make_set(expr [, maxSize])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("set"),
        result_type: returns!(Type::Dynamic),
        compute: make_set,
    },
    Aggregate {
        name: "makeset",
        signature: "makeset(expr [, maxSize])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("set"),
        result_type: returns!(Type::Dynamic),
        compute: makeset,
    },
    Aggregate {
        name: "make_set_if",
        signature: "make_set_if(expr, predicate [, maxSize])",
        min_args: 2,
        max_args: 3,
        shape: Shape::Prefixed("set"),
        result_type: collect_if_type,
        compute: make_set_if,
    },
    Aggregate {
        name: "make_list",
        signature: "make_list(expr [, maxSize])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("list"),
        result_type: returns!(Type::Dynamic),
        compute: make_list,
    },
    Aggregate {
        name: "makelist",
        signature: "makelist(expr [, maxSize])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("list"),
        result_type: returns!(Type::Dynamic),
        compute: makelist,
    },
    Aggregate {
        name: "make_list_if",
        signature: "make_list_if(expr, predicate [, maxSize])",
        min_args: 2,
        max_args: 3,
        shape: Shape::Prefixed("list"),
        result_type: collect_if_type,
        compute: make_list_if,
    },
    Aggregate {
        name: "make_bag",
        signature: "make_bag(expr [, maxSize])",
        min_args: 1,
        max_args: 2,
        shape: Shape::Prefixed("bag"),
        result_type: make_bag_type,
        compute: make_bag,
    },
    Aggregate {
        name: "make_list_with_nulls",
        signature: "make_list_with_nulls(expr)",
        min_args: 1,
        max_args: 1,
        shape: Shape::Prefixed("list"),
        result_type: returns!(Type::Dynamic),
        compute: make_list_with_nulls,
    },
    Aggregate {
        name: "make_bag_if",
        signature: "make_bag_if(expr, predicate [, maxSize])",
        min_args: 2,
        max_args: 3,
        shape: Shape::Prefixed("bag"),
        result_type: make_bag_if_type,
        compute: make_bag_if,
    },
    Aggregate {
        name: "take_any",
        signature: "take_any(expr [, expr …]) or take_any(*)",
        min_args: 1,
        max_args: usize::MAX,
        shape: Shape::AnyRow,
        result_type: first_type,
        compute: take_any,
    },
    Aggregate {
        name: "any",
        signature: "any(expr [, expr …]) or any(*)",
        min_args: 1,
        max_args: usize::MAX,
        shape: Shape::AnyRow,
        result_type: first_type,
        compute: take_any,
    },
    Aggregate {
        name: "take_anyif",
        signature: "take_anyif(expr, predicate)",
        min_args: 2,
        max_args: 2,
        shape: Shape::FirstArgument,
        result_type: take_anyif_type,
        compute: take_anyif,
    },
    Aggregate {
        name: "arg_max",
        signature: "arg_max(ExprToMaximize, * | ExprToReturn [, …])",
        min_args: 1,
        max_args: usize::MAX,
        shape: Shape::ArgExtreme,
        result_type: arg_extreme_type,
        compute: arg_max,
    },
    Aggregate {
        name: "arg_min",
        signature: "arg_min(ExprToMinimize, * | ExprToReturn [, …])",
        min_args: 1,
        max_args: usize::MAX,
        shape: Shape::ArgExtreme,
        result_type: arg_extreme_type,
        compute: arg_min,
    },
];

fn collect_if_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    Ok(Type::Dynamic)
}

fn make_bag_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(Type::Dynamic) => Ok(Type::Dynamic),
        Some(other) => Err(format!(
            "make_bag takes a dynamic property bag, not {other}"
        )),
        None => Err("missing argument".to_string()),
    }
}

fn make_bag_if_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    make_bag_type(types)
}

fn first_type(types: &[Type]) -> std::result::Result<Type, String> {
    types
        .first()
        .copied()
        .ok_or_else(|| "missing argument".to_string())
}

fn take_anyif_type(types: &[Type]) -> std::result::Result<Type, String> {
    check_predicate(types, 1)?;
    first_type(types)
}

fn arg_extreme_type(types: &[Type]) -> std::result::Result<Type, String> {
    match types.first() {
        Some(&ty) if is_orderable(ty) => Ok(ty),
        Some(other) => Err(format!(
            "cannot maximize or minimize {other} values; convert them first"
        )),
        None => Err("missing argument".to_string()),
    }
}

/// Reads the `maxSize` argument at `index`, or `default` when it is absent.
fn max_size(group: &Group<'_>, index: usize, default: i64) -> Result<usize> {
    let size = match group.constant(index) {
        Some(value) => value
            .as_i64()
            .filter(|size| *size >= 0)
            .ok_or_else(|| group.error("maxSize must be a non-negative whole number"))?,
        None => default,
    };
    Ok(size.min(MAX_SIZE) as usize)
}

/// Collects the distinct non-null values of argument 0 over `rows`. The elements of a
/// dynamic array join the set one by one.
///
/// NOTE: the flattening of arrays follows the "set from array column" example of
/// learn.microsoft.com/kusto/query/make-set-aggregation-function as remembered; it is not
/// checked against a cluster.
fn collect_set(group: &Group<'_>, rows: &[usize], limit: usize) -> Result<Vec<Value>> {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for &row in rows {
        let value = group.value(0, row)?;
        let elements = match &value {
            Value::Null => continue,
            Value::Dynamic(json) => match &**json {
                serde_json::Value::Array(elements) => {
                    elements.iter().cloned().map(Value::dynamic).collect()
                }
                _ => vec![value.clone()],
            },
            _ => vec![value.clone()],
        };
        for element in elements {
            if items.len() >= limit {
                return Ok(vec![to_array(items)]);
            }
            let Some(key) = group_key(&element).filter(|_| !element.is_null()) else {
                continue;
            };
            if seen.insert(key) {
                items.push(element);
            }
        }
    }
    Ok(vec![to_array(items)])
}

/// Collects the non-null values of argument 0 over `rows` in row order.
fn collect_list(group: &Group<'_>, rows: &[usize], limit: usize) -> Result<Vec<Value>> {
    let mut items = Vec::new();
    for &row in rows {
        if items.len() >= limit {
            break;
        }
        let value = group.value(0, row)?;
        if !value.is_null() {
            items.push(value);
        }
    }
    Ok(vec![to_array(items)])
}

fn to_array(items: Vec<Value>) -> Value {
    Value::Dynamic(std::sync::Arc::new(serde_json::Value::Array(
        items.iter().map(Value::to_json).collect(),
    )))
}

fn make_set(group: &Group<'_>) -> Result<Vec<Value>> {
    collect_set(group, group.rows, max_size(group, 1, MAX_SIZE)?)
}

fn makeset(group: &Group<'_>) -> Result<Vec<Value>> {
    collect_set(group, group.rows, max_size(group, 1, DEPRECATED_MAX_SIZE)?)
}

fn make_set_if(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    collect_set(group, &rows, max_size(group, 2, MAX_SIZE)?)
}

fn make_list(group: &Group<'_>) -> Result<Vec<Value>> {
    collect_list(group, group.rows, max_size(group, 1, MAX_SIZE)?)
}

fn makelist(group: &Group<'_>) -> Result<Vec<Value>> {
    collect_list(group, group.rows, max_size(group, 1, DEPRECATED_MAX_SIZE)?)
}

fn make_list_if(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    collect_list(group, &rows, max_size(group, 2, MAX_SIZE)?)
}

/// Collects every value of argument 0 in row order, nulls included
/// (learn.microsoft.com/kusto/query/make-list-with-nulls-aggregation-function).
fn make_list_with_nulls(group: &Group<'_>) -> Result<Vec<Value>> {
    Ok(vec![to_array(group.values(0)?)])
}

fn make_bag(group: &Group<'_>) -> Result<Vec<Value>> {
    merge_bags(group, group.rows, max_size(group, 1, MAX_SIZE)?)
}

/// `make_bag_if(expr, predicate [, maxSize])`: `make_bag` over the rows where the
/// predicate is true (learn.microsoft.com/kusto/query/make-bag-if-aggregation-function).
fn make_bag_if(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    merge_bags(group, &rows, max_size(group, 2, MAX_SIZE)?)
}

/// Merges the property bags of argument 0 over `rows`; values that are not bags are
/// skipped. When a key repeats, the first value wins. The reference allows any one of
/// the values.
fn merge_bags(group: &Group<'_>, rows: &[usize], limit: usize) -> Result<Vec<Value>> {
    let mut bag = serde_json::Map::new();
    for &row in rows {
        let value = group.value(0, row)?;
        let Value::Dynamic(json) = &value else {
            continue;
        };
        let serde_json::Value::Object(entries) = &**json else {
            continue;
        };
        for (key, item) in entries {
            if bag.len() >= limit {
                break;
            }
            bag.entry(key.clone()).or_insert_with(|| item.clone());
        }
    }
    Ok(vec![Value::Dynamic(std::sync::Arc::new(
        serde_json::Value::Object(bag),
    ))])
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

/// With one argument, returns a non-null, non-empty value when the group has one
/// (learn.microsoft.com/kusto/query/take-any-aggregation-function); with several, all
/// values come from one row, the group's first.
fn take_any(group: &Group<'_>) -> Result<Vec<Value>> {
    if group.args.len() == 1 {
        let mut fallback = Value::Null;
        for &row in group.rows {
            let value = group.value(0, row)?;
            if !is_empty(&value) {
                return Ok(vec![value]);
            }
            if fallback.is_null() {
                fallback = value;
            }
        }
        return Ok(vec![fallback]);
    }
    let mut values = Vec::with_capacity(group.args.len());
    for index in 0..group.args.len() {
        let value = match group.rows.first() {
            Some(&row) => group.value(index, row)?,
            None => Value::Null,
        };
        values.push(value);
    }
    Ok(values)
}

fn take_anyif(group: &Group<'_>) -> Result<Vec<Value>> {
    let rows = group.rows_where(1)?;
    let mut fallback = Value::Null;
    for row in rows {
        let value = group.value(0, row)?;
        if !is_empty(&value) {
            return Ok(vec![value]);
        }
        if fallback.is_null() {
            fallback = value;
        }
    }
    Ok(vec![fallback])
}

/// Finds the first row whose argument 0 is the extreme non-null value, and returns that
/// value followed by the other arguments evaluated on the same row. When argument 0 is null
/// on every row, the group's first row is picked
/// (learn.microsoft.com/kusto/query/arg-min-aggregation-function, "Null handling").
fn arg_extreme(group: &Group<'_>, wanted: Ordering) -> Result<Vec<Value>> {
    let mut best: Option<(Value, usize)> = None;
    for &row in group.rows {
        let value = group.value(0, row)?;
        if value.is_null() {
            continue;
        }
        let replace = match &best {
            None => true,
            Some((current, _)) => order(&value, current) == Some(wanted),
        };
        if replace {
            best = Some((value, row));
        }
    }
    let picked = best.map(|(_, row)| row).or(group.rows.first().copied());
    let mut values = Vec::with_capacity(group.args.len());
    match picked {
        Some(row) => {
            for index in 0..group.args.len() {
                values.push(group.value(index, row)?);
            }
        }
        None => values.resize(group.args.len(), Value::Null),
    }
    Ok(values)
}

fn arg_max(group: &Group<'_>) -> Result<Vec<Value>> {
    arg_extreme(group, Ordering::Greater)
}

fn arg_min(group: &Group<'_>) -> Result<Vec<Value>> {
    arg_extreme(group, Ordering::Less)
}
