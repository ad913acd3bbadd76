//! The `scan` operator, with the matching logic of the reference
//! (learn.microsoft.com/kusto/query/scan-operator, "Scan logic"). Each input row is
//! checked against the steps from the last to the first:
//!
//! - Check 1: when the previous step has a sequence and the row meets the step's
//!   condition, that sequence moves to this step and replaces the one there. The row,
//!   extended with the step's assignments, becomes the step's values in it.
//! - Check 2, only when Check 1 did not match: when this step has a sequence, or is the
//!   first step, and the row meets the condition, the extended row replaces the step's
//!   values. On the first step with no sequence, a new sequence starts with the next
//!   match number.
//!
//! A match outputs the extended row unless the step has `output=none`.

use crate::binder::plan::{ScanOperatorPlan, ScanStepPlan};
use crate::error::Result;
use crate::eval::expr::{as_bool, evaluate};
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::{convert, Value};

/// A sequence being matched: its match number, and for each step the extended row that
/// the step matched last, if it has matched.
#[derive(Debug, Clone)]
struct Sequence {
    match_id: i64,
    rows: Vec<Option<Vec<Value>>>,
}

pub fn run(
    input: &Table,
    plan: &ScanOperatorPlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let scope = &plan.scope;
    let step_count = plan.steps.len();
    let mut state: Vec<Option<Sequence>> = vec![None; step_count];
    let mut next_match_id: i64 = 0;
    let mut output: Vec<Vec<Value>> = Vec::new();

    for row in 0..input.row_count {
        if row % super::CANCEL_CHECK_ROWS == 0 {
            context.check_cancelled(&plan.input.span)?;
        }
        let values = input.row(row);
        for position in (0..step_count).rev() {
            let Some(step) = plan.steps.get(position) else {
                continue;
            };

            // Check 1: the previous step's sequence moves on to this step.
            let previous = position
                .checked_sub(1)
                .and_then(|earlier| state.get(earlier))
                .and_then(Option::as_ref);
            if let Some(sequence) = previous {
                let table = scope_table(scope, &values, sequence, plan);
                if condition_holds(step, &table, context)? {
                    let mut sequence = sequence.clone();
                    if let Some(earlier) = state.get_mut(position - 1) {
                        *earlier = None;
                    }
                    let extended = extend(&values, step, &table, plan, context)?;
                    record(&mut output, step, &extended, sequence.match_id, plan);
                    if let Some(slot) = sequence.rows.get_mut(position) {
                        *slot = Some(extended);
                    }
                    if let Some(current) = state.get_mut(position) {
                        *current = Some(sequence);
                    }
                    continue;
                }
            }

            // Check 2: this step's own sequence, or a new one on the first step.
            let current = state.get(position).and_then(Option::as_ref);
            if current.is_none() && position > 0 {
                continue;
            }
            let empty = Sequence {
                match_id: next_match_id,
                rows: vec![None; step_count],
            };
            let sequence = current.unwrap_or(&empty);
            let table = scope_table(scope, &values, sequence, plan);
            if !condition_holds(step, &table, context)? {
                continue;
            }
            let extended = extend(&values, step, &table, plan, context)?;
            let mut sequence = sequence.clone();
            if current.is_none() {
                next_match_id += 1;
            }
            record(&mut output, step, &extended, sequence.match_id, plan);
            if let Some(slot) = sequence.rows.get_mut(position) {
                *slot = Some(extended);
            }
            if let Some(current) = state.get_mut(position) {
                *current = Some(sequence);
            }
        }
    }
    Ok(Table::from_rows(schema.clone(), output))
}

/// Builds the one-row table that a step's expressions read: the current row, then each
/// step's values in `sequence`. A step that has not matched gives null input columns and
/// the declared defaults.
fn scope_table(
    scope: &Schema,
    values: &[Value],
    sequence: &Sequence,
    plan: &ScanOperatorPlan,
) -> Table {
    let mut row = values.to_vec();
    for matched in &sequence.rows {
        match matched {
            Some(extended) => row.extend(extended.iter().cloned()),
            None => {
                row.extend(std::iter::repeat_n(Value::Null, values.len()));
                row.extend(plan.declared.iter().map(|(_, default)| default.clone()));
            }
        }
    }
    Table::from_rows(scope.clone(), vec![row])
}

fn condition_holds(step: &ScanStepPlan, table: &Table, context: &EvalContext) -> Result<bool> {
    let value = evaluate(&step.condition, table, 0, context)?;
    Ok(as_bool(&value) == Some(true))
}

/// Returns the input row followed by the declared columns: the step's assignments, and
/// the defaults for the columns it does not assign.
fn extend(
    values: &[Value],
    step: &ScanStepPlan,
    table: &Table,
    plan: &ScanOperatorPlan,
    context: &EvalContext,
) -> Result<Vec<Value>> {
    let mut declared: Vec<Value> = plan
        .declared
        .iter()
        .map(|(_, default)| default.clone())
        .collect();
    for (index, expr) in &step.assignments {
        let value = evaluate(expr, table, 0, context)?;
        if let (Some(slot), Some((ty, _))) = (declared.get_mut(*index), plan.declared.get(*index)) {
            *slot = convert(&value, *ty).unwrap_or(Value::Null);
        }
    }
    let mut extended = values.to_vec();
    extended.extend(declared);
    Ok(extended)
}

fn record(
    output: &mut Vec<Vec<Value>>,
    step: &ScanStepPlan,
    extended: &[Value],
    match_id: i64,
    plan: &ScanOperatorPlan,
) {
    if !step.output {
        return;
    }
    let mut row = extended.to_vec();
    if plan.match_id {
        row.push(Value::Long(match_id));
    }
    output.push(row);
}
