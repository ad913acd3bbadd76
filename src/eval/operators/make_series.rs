//! `make-series`: turns the rows of a `summarize` by keys and axis bin into one row per
//! key group, with one array per aggregate and the array of bin values
//! (learn.microsoft.com/kusto/query/make-series-operator).

use std::sync::Arc;

use super::keys::{group_key, KeyMap, KeyPart};
use crate::binder::plan::MakeSeriesPlan;
use crate::error::{Error, ErrorKind, Result};
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::Value;

/// The maximum number of bins; the reference page limits `make-series` arrays to 2^20
/// values.
const MAX_BINS: i64 = 1 << 20;

/// One output row being built: its key values and one array per aggregate.
struct Series {
    keys: Vec<Value>,
    arrays: Vec<Vec<Value>>,
}

pub fn run(
    grouped: &Table,
    plan: &MakeSeriesPlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let constants = Table::new(Schema::default(), Vec::new(), 1);
    let start_value = evaluate(&plan.start, &constants, 0, context)?;
    let axis_is_datetime = matches!(start_value, Value::DateTime(_));
    let start = ticks(&start_value, plan, "from")?;
    let end = ticks(&evaluate(&plan.end, &constants, 0, context)?, plan, "to")?;
    let step = ticks(&evaluate(&plan.step, &constants, 0, context)?, plan, "step")?;
    if step <= 0 {
        return Err(run_error(plan, "the make-series `step` must be positive"));
    }
    let bins = if end > start {
        let span = i128::from(end) - i128::from(start);
        let count = (span + i128::from(step) - 1) / i128::from(step);
        i64::try_from(count).unwrap_or(i64::MAX)
    } else {
        0
    };
    if bins > MAX_BINS {
        return Err(run_error(
            plan,
            &format!("make-series would build {bins} bins; the maximum is {MAX_BINS}"),
        ));
    }
    let bins = usize::try_from(bins).unwrap_or(0);

    let aggregate_count = plan.defaults.len();
    let new_series = |keys: Vec<Value>| Series {
        keys,
        arrays: plan
            .defaults
            .iter()
            .map(|default| vec![default.clone(); bins])
            .collect(),
    };
    let mut series: Vec<Series> = Vec::new();
    let mut index: KeyMap<Vec<KeyPart>, usize> = KeyMap::default();
    for row in 0..grouped.row_count {
        let values = grouped.row(row);
        let keys: Vec<Value> = values.iter().take(plan.key_count).cloned().collect();
        let hashed: Vec<KeyPart> = keys.iter().filter_map(group_key).collect();
        let position = match index.get(&hashed) {
            Some(&position) => position,
            None => {
                index.insert(hashed, series.len());
                series.push(new_series(keys));
                series.len() - 1
            }
        };
        let Some(bin) = values.get(plan.key_count).and_then(bin_ticks) else {
            continue;
        };
        let Some(offset) = bin.checked_sub(start).map(|distance| distance / step) else {
            continue;
        };
        let Some(slot) = usize::try_from(offset).ok().filter(|&slot| slot < bins) else {
            continue;
        };
        for (aggregate, array) in series[position].arrays.iter_mut().enumerate() {
            if let Some(value) = values.get(plan.key_count + 1 + aggregate) {
                array[slot] = value.clone();
            }
        }
    }
    if series.is_empty() && plan.nonempty && plan.key_count == 0 {
        series.push(new_series(Vec::new()));
    }

    let axis: Vec<serde_json::Value> = (0..bins)
        .map(|bin| {
            let value = start.saturating_add(step.saturating_mul(bin as i64));
            if axis_is_datetime {
                Value::DateTime(value).to_json()
            } else {
                Value::Timespan(value).to_json()
            }
        })
        .collect();
    let axis = Value::dynamic(serde_json::Value::Array(axis));

    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); plan.key_count + aggregate_count + 1];
    for built in &series {
        for (column, key) in columns.iter_mut().zip(&built.keys) {
            column.push(key.clone());
        }
        for (column, array) in columns[plan.key_count..].iter_mut().zip(&built.arrays) {
            let json = array.iter().map(Value::to_json).collect();
            column.push(Value::dynamic(serde_json::Value::Array(json)));
        }
        if let Some(last) = columns.last_mut() {
            last.push(axis.clone());
        }
    }
    let row_count = series.len();
    let columns = columns.into_iter().map(Arc::new).collect();
    Ok(Table::new(schema.clone(), columns, row_count))
}

fn ticks(value: &Value, plan: &MakeSeriesPlan, what: &str) -> Result<i64> {
    match value {
        Value::DateTime(ticks) | Value::Timespan(ticks) => Ok(*ticks),
        _ => Err(run_error(
            plan,
            &format!("the make-series `{what}` is null"),
        )),
    }
}

fn bin_ticks(value: &Value) -> Option<i64> {
    match value {
        Value::DateTime(ticks) | Value::Timespan(ticks) => Some(*ticks),
        _ => None,
    }
}

fn run_error(plan: &MakeSeriesPlan, message: &str) -> Error {
    Error::at(
        ErrorKind::Evaluation,
        plan.start.span.clone(),
        message.to_string(),
    )
}
