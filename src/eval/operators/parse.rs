//! `parse` and `parse-where`: matches each row's text against the pattern's regular
//! expression and stores the captures, converted to their column types. A row that does
//! not match gets null (`""` for strings) in every extracted column with `parse`, and is
//! dropped by `parse-where` (learn.microsoft.com/kusto/query/parse-operator).

use std::sync::Arc;

use crate::binder::plan::ParsePlan;
use crate::error::Result;
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::{convert, Type, Value};

pub fn run(
    input: &Table,
    plan: &ParsePlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let mut kept = Vec::new();
    let mut extracted: Vec<Vec<Value>> = vec![Vec::new(); plan.captures.len()];
    for row in 0..input.row_count {
        let text = evaluate(&plan.text, input, row, context)?.to_kusto_string();
        let values = plan
            .regex
            .captures(&text)
            .and_then(|captures| convert_captures(&captures, plan));
        match values {
            Some(values) => {
                kept.push(row);
                for (column, value) in extracted.iter_mut().zip(values) {
                    column.push(value);
                }
            }
            None if plan.filter => {}
            None => {
                kept.push(row);
                for (column, (_, ty)) in extracted.iter_mut().zip(&plan.captures) {
                    column.push(ty.empty_value());
                }
            }
        }
    }

    let base = if kept.len() == input.row_count {
        input.clone()
    } else {
        input.take_rows(&kept)
    };
    let mut columns = base.columns;
    while columns.len() < schema.len() {
        columns.push(Arc::new(Vec::new()));
    }
    for ((position, _), values) in plan.captures.iter().zip(extracted) {
        if let Some(slot) = columns.get_mut(*position) {
            *slot = Arc::new(values);
        }
    }
    Ok(Table::new(schema.clone(), columns, kept.len()))
}

/// Converts each capture to its column type. In strict modes a capture that does not
/// convert fails the whole match; in relaxed mode it becomes null.
fn convert_captures(captures: &regex::Captures<'_>, plan: &ParsePlan) -> Option<Vec<Value>> {
    let mut values = Vec::with_capacity(plan.captures.len());
    for (&group, (_, ty)) in plan.groups.iter().zip(&plan.captures) {
        let text = captures.get(group).map(|m| m.as_str()).unwrap_or("");
        let value = if *ty == Type::String {
            Some(Value::from(text))
        } else {
            convert(&Value::from(text), *ty).filter(|value| !value.is_null())
        };
        match value {
            Some(value) => values.push(value),
            None if plan.relaxed => values.push(ty.empty_value()),
            None => return None,
        }
    }
    Some(values)
}
