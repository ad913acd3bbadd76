//! `evaluate pivot(…)`: turns the pivot values of a grouped table into columns
//! (learn.microsoft.com/kusto/query/pivot-plugin).

use std::collections::HashMap;
use std::sync::Arc;

use super::keys::{group_key, KeyPart};
use crate::ast::Span;
use crate::binder::plan::PivotPlan;
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Schema, Table};
use crate::value::Value;

/// Builds one row per distinct key group of `grouped`, in order of first appearance.
/// `grouped` has the key columns, the pivot column and the aggregate's column.
pub fn run(grouped: &Table, plan: &PivotPlan, schema: &Schema, span: &Span) -> Result<Table> {
    let key_count = plan.key_count;
    let value_columns: HashMap<KeyPart, usize> = plan
        .values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| Some((group_key(value)?, index)))
        .collect();
    let column = |position: usize| {
        grouped.columns.get(position).ok_or_else(|| {
            Error::at(
                ErrorKind::Evaluation,
                span.clone(),
                "pivot input lacks a column the binder resolved",
            )
        })
    };
    let keys: Vec<&Arc<Vec<Value>>> = (0..key_count).map(column).collect::<Result<_>>()?;
    let pivots = column(key_count)?;
    let cells = column(key_count + 1)?;

    let mut group_rows: HashMap<Vec<KeyPart>, usize> = HashMap::new();
    let mut first_rows: Vec<usize> = Vec::new();
    let mut pivoted: Vec<Vec<Value>> = vec![Vec::new(); plan.values.len()];
    for row in 0..grouped.row_count {
        let group: Vec<KeyPart> = keys
            .iter()
            .filter_map(|values| values.get(row).and_then(group_key))
            .collect();
        let output_row = *group_rows.entry(group).or_insert_with(|| {
            first_rows.push(row);
            for values in pivoted.iter_mut() {
                values.push(plan.empty_cell.clone());
            }
            first_rows.len() - 1
        });
        let pivot = pivots.get(row).and_then(group_key);
        let Some(&value_column) = pivot.as_ref().and_then(|key| value_columns.get(key)) else {
            return Err(Error::at(
                ErrorKind::Evaluation,
                span.clone(),
                "the pivot column has other values than when the query was bound, so the \
                 output columns would be wrong; the input must give the same rows each time it runs",
            ));
        };
        let cell = cells.get(row).cloned().unwrap_or(Value::Null);
        if let Some(slot) = pivoted
            .get_mut(value_column)
            .and_then(|values| values.get_mut(output_row))
        {
            *slot = cell;
        }
    }

    let mut columns = Vec::with_capacity(schema.fields.len());
    for values in &keys {
        let picked: Vec<Value> = first_rows
            .iter()
            .map(|&row| values.get(row).cloned().unwrap_or(Value::Null))
            .collect();
        columns.push(Arc::new(picked));
    }
    columns.extend(pivoted.into_iter().map(Arc::new));
    Ok(Table::new(schema.clone(), columns, first_rows.len()))
}
