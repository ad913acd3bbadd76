//! `range Column from start to stop step step`: start, start + step, … up to and
//! including stop (learn.microsoft.com/kusto/query/range-operator). The reference page
//! calls start "the smallest value", so a start above stop gives no rows.

use std::sync::Arc;

use crate::ast::Span;
use crate::binder::plan::RangePlan;
use crate::error::{Error, ErrorKind, Result};
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::{Type, Value};

/// The maximum row count of `range` without `--max-rows`, so that a typo such as a step
/// of `1s` over a year fails instead of filling memory.
const DEFAULT_MAX_ROWS: usize = 100_000_000;

pub fn run(plan: &RangePlan, schema: &Schema, span: &Span, context: &EvalContext) -> Result<Table> {
    let no_columns = Table::new(Schema::default(), Vec::new(), 1);
    let start = evaluate(&plan.start, &no_columns, 0, context)?;
    let stop = evaluate(&plan.stop, &no_columns, 0, context)?;
    let step = evaluate(&plan.step, &no_columns, 0, context)?;
    let ty = schema.fields.first().map_or(Type::Long, |field| field.ty);
    let max_rows = context.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
    let too_many = || {
        Error::at(
            ErrorKind::Evaluation,
            span.clone(),
            format!(
                "range produces more than {max_rows} rows; use a larger step or raise --max-rows"
            ),
        )
    };
    let null_bound = start.is_null() || stop.is_null() || step.is_null();
    if null_bound {
        return Err(Error::at(
            ErrorKind::Evaluation,
            span.clone(),
            "range bounds and step cannot be null",
        ));
    }

    let values: Vec<Value> = if ty == Type::Real {
        let (Some(start), Some(stop), Some(step)) = (start.as_f64(), stop.as_f64(), step.as_f64())
        else {
            return Err(not_numeric(span));
        };
        check_step(step > 0.0, span)?;
        let mut values = Vec::new();
        let mut index = 0.0;
        loop {
            let value = start + index * step;
            if value > stop || value.is_nan() {
                break;
            }
            if values.len() >= max_rows {
                return Err(too_many());
            }
            values.push(Value::Real(value));
            index += 1.0;
        }
        values
    } else {
        let (Some(start), Some(stop), Some(step)) = (ticks(&start), ticks(&stop), ticks(&step))
        else {
            return Err(not_numeric(span));
        };
        check_step(step > 0, span)?;
        let mut values = Vec::new();
        let mut value = Some(start);
        while let Some(current) = value.filter(|current| *current <= stop) {
            if values.len() >= max_rows {
                return Err(too_many());
            }
            values.push(match ty {
                Type::DateTime => Value::DateTime(current),
                Type::Timespan => Value::Timespan(current),
                _ => Value::Long(current),
            });
            value = current.checked_add(step);
        }
        values
    };
    let rows = values.len();
    Ok(Table::new(schema.clone(), vec![Arc::new(values)], rows))
}

/// Returns the whole-number value of a long, datetime or timespan bound.
fn ticks(value: &Value) -> Option<i64> {
    match value {
        Value::DateTime(ticks) | Value::Timespan(ticks) => Some(*ticks),
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        _ => None,
    }
}

/// NOTE: the reference page does not define a zero or negative step, so both are
/// rejected instead of guessed.
fn check_step(positive: bool, span: &Span) -> Result<()> {
    if positive {
        return Ok(());
    }
    Err(Error::unsupported(
        span.clone(),
        "range with a zero or negative step is not supported yet",
    ))
}

fn not_numeric(span: &Span) -> Error {
    Error::at(
        ErrorKind::Evaluation,
        span.clone(),
        "range bounds must be numbers, datetimes or timespans",
    )
}
