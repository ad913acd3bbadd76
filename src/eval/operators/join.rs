//! `join`: matches left and right rows by key equality
//! (learn.microsoft.com/kusto/query/join-operator).
//!
//! - `innerunique` (the default) keeps one left row per key, the first, then matches it
//!   with every right row of that key.
//! - `inner`, `leftouter`, `rightouter`, `fullouter` give one row per matching pair;
//!   the outer kinds also keep the unmatched rows of their side(s), with the other
//!   side's columns null (`""` for strings).
//! - `leftsemi`/`rightsemi` keep the rows of one side that have a match, once each;
//!   `leftanti`/`rightanti` keep those without one.
//!
//! Keys compare with `==`, so strings match case-sensitively, and null keys match
//! nothing.

use std::sync::Arc;

use super::keys::{row_join_key, KeyMap, KeyPart, KeySet};
use crate::ast::JoinKind;
use crate::binder::plan::{JoinColumn, JoinPlan};
use crate::table::{Schema, Table};

pub fn run(left: &Table, right: &Table, plan: &JoinPlan, schema: &Schema) -> Table {
    let mut right_rows: KeyMap<Vec<KeyPart>, Vec<usize>> = KeyMap::default();
    for row in 0..right.row_count {
        if let Some(key) = row_join_key(right, row, &plan.right_keys) {
            right_rows.entry(key).or_default().push(row);
        }
    }
    let left_key = |row: usize| row_join_key(left, row, &plan.left_keys);

    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    match plan.kind {
        JoinKind::LeftSemi | JoinKind::LeftAnti => {
            let wanted = plan.kind == JoinKind::LeftSemi;
            for row in 0..left.row_count {
                let matched = left_key(row).is_some_and(|key| right_rows.contains_key(&key));
                if matched == wanted {
                    pairs.push((Some(row), None));
                }
            }
        }
        JoinKind::RightSemi | JoinKind::RightAnti => {
            let left_keys: KeySet<Vec<KeyPart>> =
                (0..left.row_count).filter_map(left_key).collect();
            let wanted = plan.kind == JoinKind::RightSemi;
            for row in 0..right.row_count {
                let matched = row_join_key(right, row, &plan.right_keys)
                    .is_some_and(|key| left_keys.contains(&key));
                if matched == wanted {
                    pairs.push((None, Some(row)));
                }
            }
        }
        _ => {
            let mut seen_keys: KeySet<Vec<KeyPart>> = KeySet::default();
            let mut matched_right = vec![false; right.row_count];
            for row in 0..left.row_count {
                let key = left_key(row);
                if plan.kind == JoinKind::InnerUnique {
                    match &key {
                        Some(key) if !seen_keys.insert(key.clone()) => continue,
                        _ => {}
                    }
                }
                match key.as_ref().and_then(|key| right_rows.get(key)) {
                    Some(rows) => {
                        for &right_row in rows {
                            matched_right[right_row] = true;
                            pairs.push((Some(row), Some(right_row)));
                        }
                    }
                    None if matches!(plan.kind, JoinKind::LeftOuter | JoinKind::FullOuter) => {
                        pairs.push((Some(row), None));
                    }
                    None => {}
                }
            }
            if matches!(plan.kind, JoinKind::RightOuter | JoinKind::FullOuter) {
                for (row, matched) in matched_right.iter().enumerate() {
                    if !matched {
                        pairs.push((None, Some(row)));
                    }
                }
            }
        }
    }

    let columns = plan
        .output
        .iter()
        .map(|column| {
            let (table, index, left_side) = match column {
                JoinColumn::Left(index) => (left, *index, true),
                JoinColumn::Right(index) => (right, *index, false),
            };
            let empty = table.schema.fields[index].ty.empty_value();
            let data = &table.columns[index];
            let values = pairs
                .iter()
                .map(|(left_row, right_row)| {
                    let row = if left_side { left_row } else { right_row };
                    match row {
                        Some(row) => data[*row].clone(),
                        None => empty.clone(),
                    }
                })
                .collect();
            Arc::new(values)
        })
        .collect();
    Table::new(schema.clone(), columns, pairs.len())
}
