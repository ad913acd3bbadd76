//! `partition`: the subquery runs over the rows of each distinct key value, and the
//! results follow one another (learn.microsoft.com/kusto/query/partition-operator).
//!
//! Partitions run in the order in which their key value first appears in the input.
//! Kusto does not document an order for the union of the results, so a query that needs
//! one must sort after `partition`.
//!
//! NOTE: null is a key value of its own here, as in `summarize`. The reference only states
//! that each partition holds one value of the key column.

use std::sync::Arc;

use super::keys::{group_key, KeyMap, KeyPart};
use super::{run, WithTable};
use crate::binder::plan::PartitionPlan;
use crate::error::Result;
use crate::eval::{evaluation_error, EvalContext, TableSource};
use crate::table::{Schema, Table};
use crate::value::Value;

pub fn run_partition(
    input: &Table,
    plan: &PartitionPlan,
    schema: &Schema,
    span: &std::ops::Range<usize>,
    tables: &dyn TableSource,
    context: &EvalContext,
) -> Result<Table> {
    let partitions = partition_rows(input, plan.key);
    if let Some(max_partitions) = plan.max_partitions {
        if partitions.len() > max_partitions {
            let key_name = input
                .schema
                .fields
                .get(plan.key)
                .map_or("", |field| field.name.as_str());
            return Err(evaluation_error(
                span,
                format!(
                    "partition: column `{key_name}` has {} distinct values, more than the {max_partitions} that the legacy strategy allows; use hint.strategy=native or hint.strategy=shuffle",
                    partitions.len()
                ),
            ));
        }
    }

    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); schema.len()];
    let mut row_count = 0;
    for rows in partitions {
        context.check_cancelled(span)?;
        let source = WithTable {
            tables,
            name: &plan.partition_table,
            table: Arc::new(input.take_rows(&rows)),
        };
        let result = run(&plan.subquery, &source, context)?;
        for (values, column) in columns.iter_mut().zip(&result.columns) {
            values.extend(column.iter().cloned());
        }
        row_count += result.row_count;
    }
    let columns = columns.into_iter().map(Arc::new).collect();
    Ok(Table::new(schema.clone(), columns, row_count))
}

/// Returns the row numbers of each distinct value of column `key`, in order of first
/// appearance.
fn partition_rows(input: &Table, key: usize) -> Vec<Vec<usize>> {
    let mut partitions: Vec<Vec<usize>> = Vec::new();
    let mut positions: KeyMap<KeyPart, usize> = KeyMap::default();
    let Some(values) = input.columns.get(key) else {
        return partitions;
    };
    for (row, value) in values.iter().enumerate().take(input.row_count) {
        let part = group_key(value).unwrap_or(KeyPart::Null);
        match positions.get(&part) {
            Some(&position) => partitions[position].push(row),
            None => {
                positions.insert(part, partitions.len());
                partitions.push(vec![row]);
            }
        }
    }
    partitions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Field;
    use crate::value::Type;

    #[test]
    fn rows_grouped_in_first_appearance_order() {
        let schema = Schema::new(vec![Field::new("K", Type::String)]);
        let rows = ["b", "a", "b", "c", "a"]
            .into_iter()
            .map(|key| vec![Value::from(key)])
            .collect();
        let table = Table::from_rows(schema, rows);
        assert_eq!(partition_rows(&table, 0), [vec![0, 2], vec![1, 4], vec![3]]);
    }

    #[test]
    fn null_is_its_own_partition() {
        let schema = Schema::new(vec![Field::new("K", Type::Long)]);
        let rows = vec![
            vec![Value::Long(1)],
            vec![Value::Null],
            vec![Value::Int(1)],
            vec![Value::Null],
        ];
        let table = Table::from_rows(schema, rows);
        assert_eq!(partition_rows(&table, 0), [vec![0, 2], vec![1, 3]]);
    }
}
