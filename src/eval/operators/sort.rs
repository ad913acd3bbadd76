//! `sort`/`order`: a stable sort by each key in turn. Nulls go first or last as the key
//! sets; values of a dynamic column that do not compare keep their order.

use std::cmp::Ordering;

use crate::binder::plan::SortSpec;
use crate::error::Result;
use crate::eval::expr::{evaluate, order};
use crate::eval::EvalContext;
use crate::table::Table;
use crate::value::Value;

pub fn run(input: Table, keys: &[SortSpec], context: &EvalContext) -> Result<Table> {
    let mut key_values: Vec<Vec<Value>> = Vec::with_capacity(keys.len());
    for key in keys {
        let mut values = Vec::with_capacity(input.row_count);
        for row in 0..input.row_count {
            values.push(evaluate(&key.expr, &input, row, context)?);
        }
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
