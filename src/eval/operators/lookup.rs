//! `lookup`: extends each left row with the columns of the matching right rows.
//!
//! Rules (learn.microsoft.com/kusto/query/lookup-operator): the output has every left
//! column, then the right columns without the right-side key columns; a left row with
//! several matching right rows appears once per match; `kind=leftouter` (the default)
//! keeps an unmatched left row with null right columns (`""` for strings), and
//! `kind=inner` drops it. Keys compare with `==`, so strings match case-sensitively.

use std::sync::Arc;

use super::keys::{row_join_key as row_key, KeyMap, KeyPart};

use crate::ast::LookupKind;
use crate::binder::plan::LookupPlan;
use crate::error::Result;
use crate::table::{Schema, Table};

pub fn run(left: &Table, right: &Table, plan: &LookupPlan, schema: &Schema) -> Result<Table> {
    let mut right_rows: KeyMap<Vec<KeyPart>, Vec<usize>> = KeyMap::default();
    for row in 0..right.row_count {
        if let Some(key) = row_key(right, row, &plan.right_keys) {
            right_rows.entry(key).or_default().push(row);
        }
    }

    let mut left_picks = Vec::new();
    let mut right_picks: Vec<Option<usize>> = Vec::new();
    for row in 0..left.row_count {
        let matches = row_key(left, row, &plan.left_keys).and_then(|key| right_rows.get(&key));
        match matches {
            Some(rows) => {
                for &right_row in rows {
                    left_picks.push(row);
                    right_picks.push(Some(right_row));
                }
            }
            None if plan.kind == LookupKind::LeftOuter => {
                left_picks.push(row);
                right_picks.push(None);
            }
            None => {}
        }
    }

    let mut columns = Vec::with_capacity(schema.len());
    for column in &left.columns {
        columns.push(Arc::new(
            left_picks.iter().map(|&row| column[row].clone()).collect(),
        ));
    }
    for &index in &plan.right_output {
        let empty = right.schema.fields[index].ty.empty_value();
        let column = &right.columns[index];
        let values = right_picks
            .iter()
            .map(|pick| {
                pick.map(|row| column[row].clone())
                    .unwrap_or_else(|| empty.clone())
            })
            .collect();
        columns.push(Arc::new(values));
    }
    Ok(Table::new(schema.clone(), columns, left_picks.len()))
}
