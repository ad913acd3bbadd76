//! `evaluate activity_counts_metrics(…)`: one output row for each time window and each
//! combination of dimension values
//! (learn.microsoft.com/kusto/query/activity-counts-metrics-plugin). The row has the row
//! count (`count`), the distinct IDs (`dcount`), the distinct IDs that no earlier window
//! has (`new_dcount`), and the distinct IDs from the first window up to this one
//! (`aggregated_dcount`).
//!
//! Window `k` covers `[Start + k·Step, Start + (k+1)·Step)`, and the windows start at
//! every `Start + k·Step` up to and including End: the page's example, with End
//! 2017-08-04 and a step of 1d, has a row for the window that starts on 2017-08-04.
//!
//! The page leaves several cases open, and these are rejected as not supported yet
//! instead of guessed:
//! - a Start that is not a multiple of Step from 0001-01-01, and an End before Start
//!   (see [`check_window_arguments`]);
//! - a row whose timeline value is before Start, after End or null;
//! - a null or empty ID, and a null dimension value;
//! - a window without rows for some combination of dimension values, and an empty input,
//!   because the page does not say whether such a window gets a row of zeros or no row.
//!
//! NOTE: `dcount` counts exactly. The page does not say whether it is an estimate like
//! the `dcount()` aggregate, and its example output gives the exact counts.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::keys::{group_key, KeyMap, KeyPart, KeySet};
use super::CANCEL_CHECK_ROWS;
use crate::ast::Span;
use crate::binder::activity_counts_metrics::{check_step_value, check_window_arguments};
use crate::binder::plan::{ActivityCountsMetricsPlan, BoundExpr};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::{format_datetime, Value};

/// The rows of one window for one combination of dimension values.
#[derive(Default)]
struct WindowRows {
    count: i64,
    ids: KeySet<KeyPart>,
}

/// One combination of dimension values, with the first input row that has it.
struct Group {
    first_row: usize,
    windows: BTreeMap<i64, WindowRows>,
}

/// The four metrics of one output row.
struct Metrics {
    count: i64,
    dcount: i64,
    new_dcount: i64,
    aggregated_dcount: i64,
}

pub fn run(
    input: &Table,
    plan: &ActivityCountsMetricsPlan,
    schema: &Schema,
    span: &Span,
    context: &EvalContext,
) -> Result<Table> {
    let start = datetime_argument(&plan.start, "Start", context)?;
    let end = datetime_argument(&plan.end, "End", context)?;
    let step = step_argument(&plan.step, context)?;
    check_window_arguments((start, end, step), (&plan.start.span, &plan.end.span))?;
    let window_count = (end - start) / step + 1;
    if input.row_count == 0 || window_count > i64::try_from(input.row_count).unwrap_or(i64::MAX) {
        return Err(empty_window(span));
    }

    let groups = group_rows(input, plan, (start, end, step), span, context)?;
    let mut metrics = Vec::with_capacity(groups.len());
    for group in &groups {
        if i64::try_from(group.windows.len()).ok() != Some(window_count) {
            return Err(empty_window(span));
        }
        metrics.push(group_metrics(group));
    }

    let rows = groups.len() * metrics.first().map_or(0, Vec::len);
    let mut columns: Vec<Vec<Value>> = (0..schema.len())
        .map(|_| Vec::with_capacity(rows))
        .collect();
    // NOTE: the page's example fixes window order only. With dimensions, the rows of a
    // window follow the order in which the input first has each combination.
    for window in 0..window_count {
        let window_start = Value::datetime(start + window * step);
        for (group, group_metrics) in groups.iter().zip(&metrics) {
            let Some(row) = usize::try_from(window)
                .ok()
                .and_then(|index| group_metrics.get(index))
            else {
                return Err(empty_window(span));
            };
            let mut cells = vec![window_start.clone()];
            for &dimension in &plan.dimensions {
                cells.push(input.columns[dimension][group.first_row].clone());
            }
            cells.extend([
                Value::Long(row.count),
                Value::Long(row.dcount),
                Value::Long(row.new_dcount),
                Value::Long(row.aggregated_dcount),
            ]);
            for (column, cell) in columns.iter_mut().zip(cells) {
                column.push(cell);
            }
        }
    }
    let columns = columns.into_iter().map(Arc::new).collect();
    Ok(Table::new(schema.clone(), columns, rows))
}

/// Sorts each input row into its group of dimension values and its window, and rejects
/// the rows whose values the reference page gives no meaning for.
fn group_rows(
    input: &Table,
    plan: &ActivityCountsMetricsPlan,
    (start, end, step): (i64, i64, i64),
    span: &Span,
    context: &EvalContext,
) -> Result<Vec<Group>> {
    let range_span = plan.start.span.start..plan.end.span.end;
    let mut group_index: KeyMap<Vec<KeyPart>, usize> = KeyMap::default();
    let mut groups: Vec<Group> = Vec::new();
    for row in 0..input.row_count {
        if row % CANCEL_CHECK_ROWS == 0 {
            context.check_cancelled(span)?;
        }
        let timeline = &input.columns[plan.timeline][row];
        let Value::DateTime(ticks) = *timeline else {
            return Err(row_error(span, row, "a null timeline value"));
        };
        if ticks < start || ticks > end {
            return Err(row_error(
                &range_span,
                row,
                &format!(
                    "a timeline value ({}) outside Start..End",
                    format_datetime(ticks)
                ),
            ));
        }
        let id = &input.columns[plan.id][row];
        let id_key = match id {
            Value::Null => None,
            Value::String(text) if text.is_empty() => None,
            other => group_key(other),
        };
        let Some(id_key) = id_key else {
            return Err(row_error(span, row, "a null or empty ID"));
        };
        let mut dimension_key = Vec::with_capacity(plan.dimensions.len());
        for &dimension in &plan.dimensions {
            let value = &input.columns[dimension][row];
            let key = match value {
                Value::Null => None,
                other => group_key(other),
            };
            let Some(key) = key else {
                return Err(row_error(span, row, "a null dimension value"));
            };
            dimension_key.push(key);
        }

        let index = *group_index.entry(dimension_key).or_insert_with(|| {
            groups.push(Group {
                first_row: row,
                windows: BTreeMap::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(index) else {
            return Err(row_error(span, row, "a dimension value"));
        };
        let window = group.windows.entry((ticks - start) / step).or_default();
        window.count += 1;
        window.ids.insert(id_key);
    }
    Ok(groups)
}

/// Computes the metrics of each window of one group, in window order.
fn group_metrics(group: &Group) -> Vec<Metrics> {
    let mut seen: KeySet<&KeyPart> = KeySet::default();
    let mut metrics = Vec::with_capacity(group.windows.len());
    for rows in group.windows.values() {
        let before = seen.len();
        seen.extend(rows.ids.iter());
        metrics.push(Metrics {
            count: rows.count,
            dcount: count(rows.ids.len()),
            new_dcount: count(seen.len() - before),
            aggregated_dcount: count(seen.len()),
        });
    }
    metrics
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn datetime_argument(expr: &BoundExpr, name: &str, context: &EvalContext) -> Result<i64> {
    match evaluate_constant(expr, context)? {
        Value::DateTime(ticks) => Ok(ticks),
        _ => Err(Error::at(
            ErrorKind::Evaluation,
            expr.span.clone(),
            format!("{name} of activity_counts_metrics is null; it must be a datetime"),
        )),
    }
}

fn step_argument(expr: &BoundExpr, context: &EvalContext) -> Result<i64> {
    match evaluate_constant(expr, context)? {
        Value::Timespan(ticks) => {
            check_step_value(ticks, &expr.span)?;
            Ok(ticks)
        }
        _ => Err(Error::at(
            ErrorKind::Evaluation,
            expr.span.clone(),
            "Step of activity_counts_metrics is null; it must be a timespan",
        )),
    }
}

/// Evaluates an argument that reads no columns, such as `ago(7d)`.
fn evaluate_constant(expr: &BoundExpr, context: &EvalContext) -> Result<Value> {
    let no_columns = Table::new(Schema::default(), Vec::new(), 1);
    evaluate(expr, &no_columns, 0, context)
}

fn row_error(span: &Span, row: usize, problem: &str) -> Error {
    Error::unsupported(
        span.clone(),
        format!(
            "input row {} of activity_counts_metrics has {problem}, which is not supported yet",
            row + 1
        ),
    )
}

fn empty_window(span: &Span) -> Error {
    Error::unsupported(
        span.clone(),
        "a time window without rows in activity_counts_metrics is not supported yet; every window from Start to End needs rows for every combination of dimension values",
    )
}
