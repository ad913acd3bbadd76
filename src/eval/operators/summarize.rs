//! `summarize` and `distinct`: groups rows by their key values and computes each
//! aggregate once per group. Groups come out in order of their first row. Without keys,
//! the result has exactly one row, even for an empty input
//! (learn.microsoft.com/kusto/query/summarize-operator).

use std::sync::Arc;

use hashbrown::HashTable;
use rayon::prelude::*;

use super::keys::{group_key, KeyPart};
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
    let (group_rows, group_keys) = if plan.keys.is_empty() {
        (vec![(0..input.row_count).collect()], vec![Vec::new()])
    } else {
        group_by_keys(input, plan, context)?
    };

    // Groups are independent, so their aggregates are computed on all cores; the first
    // error in group order is the one reported.
    let group_values: Vec<Result<Vec<Value>>> = group_rows
        .par_iter()
        .map(|rows| aggregate_group(input, plan, rows, context))
        .collect();
    let mut columns: Vec<Vec<Value>> = schema
        .fields
        .iter()
        .map(|_| Vec::with_capacity(group_rows.len()))
        .collect();
    for (keys, values) in group_keys.into_iter().zip(group_values) {
        for (column, value) in columns.iter_mut().zip(keys.into_iter().chain(values?)) {
            column.push(value);
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

/// How many rows one task of the parallel key evaluation takes.
const KEY_TASK_ROWS: usize = 8192;

/// Each group's rows, and each group's key values, in group order.
type Groups = (Vec<Vec<usize>>, Vec<Vec<Value>>);

/// One group while [`group_by_keys`] collects them: its key, key values and rows.
struct PartGroup {
    key: Vec<KeyPart>,
    values: Vec<Value>,
    rows: Vec<usize>,
}

/// Groups the rows by the values of the `by` keys, on all cores: first every row's key
/// hash, then one share of the hashes per core, each with its own table of groups.
/// Sorting the groups by their first row gives the order of their first appearance, as
/// a single pass would. Returns each group's rows and key values.
fn group_by_keys(input: &Table, plan: &SummarizePlan, context: &EvalContext) -> Result<Groups> {
    let hasher = ahash::RandomState::new();
    let starts: Vec<usize> = (0..input.row_count).step_by(KEY_TASK_ROWS).collect();
    let hashed_tasks: Vec<Result<Vec<u64>>> = starts
        .par_iter()
        .map(|&start| {
            context.check_cancelled(&plan.input.span)?;
            let end = (start + KEY_TASK_ROWS).min(input.row_count);
            (start..end)
                .map(|row| Ok(hasher.hash_one(row_key(input, plan, row, context)?.1)))
                .collect()
        })
        .collect();
    let mut hashes = Vec::with_capacity(input.row_count);
    for task in hashed_tasks {
        hashes.extend(task?);
    }

    let shares = rayon::current_num_threads().max(1) as u64;
    let parts: Vec<Result<Vec<PartGroup>>> = (0..shares)
        .into_par_iter()
        .map(|share| {
            let mut groups: Vec<PartGroup> = Vec::new();
            let mut table: HashTable<usize> = HashTable::new();
            for (row, &hash) in hashes.iter().enumerate() {
                if hash % shares != share {
                    continue;
                }
                if row % super::CANCEL_CHECK_ROWS == 0 {
                    context.check_cancelled(&plan.input.span)?;
                }
                let (values, key) = row_key(input, plan, row, context)?;
                let found = table.find(hash, |&group| {
                    groups
                        .get(group)
                        .is_some_and(|existing| existing.key == key)
                });
                match found.and_then(|&group| groups.get_mut(group)) {
                    Some(existing) => existing.rows.push(row),
                    None => {
                        groups.push(PartGroup {
                            key,
                            values,
                            rows: vec![row],
                        });
                        table.insert_unique(hash, groups.len() - 1, |&group| {
                            groups
                                .get(group)
                                .map_or(0, |existing| hasher.hash_one(&existing.key))
                        });
                    }
                }
            }
            Ok(groups)
        })
        .collect();
    let mut groups = Vec::new();
    for part in parts {
        groups.extend(part?);
    }
    groups.sort_unstable_by_key(|group| group.rows.first().copied().unwrap_or(usize::MAX));
    Ok(groups
        .into_iter()
        .map(|group| (group.rows, group.values))
        .unzip())
}

/// Returns one row's key values and their hashable form.
fn row_key(
    input: &Table,
    plan: &SummarizePlan,
    row: usize,
    context: &EvalContext,
) -> Result<(Vec<Value>, Vec<KeyPart>)> {
    let mut values = Vec::with_capacity(plan.keys.len());
    for key in &plan.keys {
        values.push(evaluate(key, input, row, context)?);
    }
    let hashed = values.iter().filter_map(group_key).collect();
    Ok((values, hashed))
}

/// Computes every aggregate of one group, in output column order.
fn aggregate_group(
    input: &Table,
    plan: &SummarizePlan,
    rows: &[usize],
    context: &EvalContext,
) -> Result<Vec<Value>> {
    let mut outputs = Vec::new();
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
            outputs.push(values.get(offset).cloned().unwrap_or(Value::Null));
        }
    }
    Ok(outputs)
}
