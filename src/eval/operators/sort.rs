//! `sort`/`order`: a stable sort by each key in turn. Nulls go first or last as the key
//! sets. A dynamic key sorts when its values are all numbers, all strings or all bools.

use std::cmp::Ordering;

use crate::binder::plan::SortSpec;
use crate::error::Result;
use crate::eval::expr::{evaluate, order};
use crate::eval::{evaluation_error, EvalContext};
use crate::table::Table;
use crate::value::Value;

pub fn run(input: Table, keys: &[SortSpec], context: &EvalContext) -> Result<Table> {
    let mut key_values: Vec<Vec<Value>> = Vec::with_capacity(keys.len());
    for key in keys {
        let mut values = Vec::with_capacity(input.row_count);
        for row in 0..input.row_count {
            values.push(evaluate(&key.expr, &input, row, context)?);
        }
        let values = typed_dynamic_keys(values).ok_or_else(|| {
            evaluation_error(
                &key.expr.span,
                "sorting by a dynamic value that mixes numbers, strings, bools, arrays or \
                 property bags is not supported; convert the key with tostring() or toreal()",
            )
        })?;
        key_values.push(values);
    }
    let mut rows: Vec<usize> = (0..input.row_count).collect();
    rows.sort_by(|&a, &b| {
        for (key, values) in keys.iter().zip(&key_values) {
            let ordering = compare_for_sort(&values[a], &values[b], key);
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
    Ok(input.take_rows(&rows))
}

fn compare_for_sort(a: &Value, b: &Value, key: &SortSpec) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => return Ordering::Equal,
        (true, false) => {
            return if key.nulls_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, true) => {
            return if key.nulls_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (false, false) => {}
    }
    // NaN sorts below every other number, so ascending order is null, NaN, -inf, …, +inf
    // and descending order is +inf, …, -inf, NaN, null
    // (learn.microsoft.com/kusto/query/order-by-operator, "Using special floating-point values").
    let is_nan = |value: &Value| matches!(value, Value::Real(x) if x.is_nan());
    let ordering = match (is_nan(a), is_nan(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => order(a, b).unwrap_or(Ordering::Equal),
    };
    if key.descending {
        ordering.reverse()
    } else {
        ordering
    }
}

/// Replaces the dynamic values of a sort key with plain values of one type, so that the
/// sort compares them by one total order. The type is long when every value is an integer
/// that fits, real when every value is a number, and string or bool when every value is one.
/// Returns `None` when the values mix those kinds or hold arrays or bags, whose order the
/// reference does not define (learn.microsoft.com/kusto/query/order-by-operator takes
/// numeric, date, time or string keys). A key without dynamic values is returned unchanged.
fn typed_dynamic_keys(values: Vec<Value>) -> Option<Vec<Value>> {
    let jsons: Vec<&serde_json::Value> = values
        .iter()
        .filter_map(|value| match value {
            Value::Dynamic(json) => Some(&**json),
            _ => None,
        })
        .collect();
    if jsons.is_empty() {
        return Some(values);
    }
    let all = |test: fn(&serde_json::Value) -> bool| jsons.iter().all(|json| test(json));
    let convert: fn(&serde_json::Value) -> Option<Value> = if all(|json| json.as_i64().is_some()) {
        |json| json.as_i64().map(Value::Long)
    } else if all(serde_json::Value::is_number) {
        |json| json.as_f64().map(Value::Real)
    } else if all(serde_json::Value::is_string) {
        |json| json.as_str().map(Value::from)
    } else if all(serde_json::Value::is_boolean) {
        |json| json.as_bool().map(Value::Bool)
    } else {
        return None;
    };
    values
        .into_iter()
        .map(|value| match value {
            Value::Dynamic(json) => convert(&json),
            other => Some(other),
        })
        .collect()
}
