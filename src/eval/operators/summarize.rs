//! `summarize` and `distinct`: groups rows by their key values and computes each
//! aggregate once per group. Groups come out in order of their first row. Without keys,
//! the result has exactly one row, even for an empty input
//! (learn.microsoft.com/kusto/query/summarize-operator).

use std::sync::Arc;

use super::keys::{group_key, KeyMap, KeyPart};
use crate::binder::plan::SummarizePlan;
use crate::error::Result;
use crate::eval::aggregates::Group;
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::Value;

pub fn run(
    input: &Table,
    plan: &SummarizePlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let mut group_rows: Vec<Vec<usize>> = Vec::new();
    let mut group_keys: Vec<Vec<Value>> = Vec::new();
    if plan.keys.is_empty() {
        group_rows.push((0..input.row_count).collect());
        group_keys.push(Vec::new());
    } else {
        let mut index: KeyMap<Vec<KeyPart>, usize> = KeyMap::default();
        for row in 0..input.row_count {
            if row % super::CANCEL_CHECK_ROWS == 0 {
                context.check_cancelled(&plan.input.span)?;
            }
            let mut values = Vec::with_capacity(plan.keys.len());
            for key in &plan.keys {
                values.push(evaluate(key, input, row, context)?);
            }
            let hashed: Vec<KeyPart> = values.iter().filter_map(group_key).collect();
            match index.get(&hashed) {
                Some(&group) => group_rows[group].push(row),
                None => {
                    index.insert(hashed, group_rows.len());
                    group_rows.push(vec![row]);
                    group_keys.push(values);
                }
            }
        }
    }

    let mut columns: Vec<Vec<Value>> = schema
        .fields
        .iter()
        .map(|_| Vec::with_capacity(group_rows.len()))
        .collect();
    for (rows, keys) in group_rows.iter().zip(&group_keys) {
        let mut position = 0;
        for value in keys {
            columns[position].push(value.clone());
            position += 1;
        }
        for call in &plan.aggregates {
            let group = Group {
                table: input,
                rows,
                args: &call.args,
                context,
                span: &call.span,
            };
            let values = (call.function.compute)(&group)?;
            for offset in 0..call.outputs {
                let value = values.get(offset).cloned().unwrap_or(Value::Null);
                columns[position].push(value);
                position += 1;
            }
        }
    }
    let columns = columns
        .into_iter()
        .zip(&schema.fields)
        .map(|(values, field)| {
            let filled = values
                .into_iter()
                .map(|value| {
                    if value.is_null() {
                        field.ty.empty_value()
                    } else {
                        value
                    }
                })
                .collect();
            Arc::new(filled)
        })
        .collect();
    Ok(Table::new(schema.clone(), columns, group_rows.len()))
}
