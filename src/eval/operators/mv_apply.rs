//! `mv-apply`: for each input row, the subquery runs over the `mv-expand` of that row
//! alone, and each subquery row becomes an output row with the input row's columns
//! (learn.microsoft.com/kusto/query/mv-apply-operator).

use std::sync::Arc;

use super::{run, WithTable};
use crate::binder::plan::{ApplyColumn, MvApplyPlan};
use crate::error::Result;
use crate::eval::{EvalContext, TableSource};
use crate::table::{Schema, Table};
use crate::value::Value;

pub fn run_apply(
    input: &Table,
    plan: &MvApplyPlan,
    schema: &Schema,
    tables: &dyn TableSource,
    context: &EvalContext,
) -> Result<Table> {
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); plan.columns.len()];
    let mut row_count = 0;
    for row in 0..input.row_count {
        let source = WithTable {
            tables,
            name: &plan.row_table,
            table: Arc::new(input.take_rows(&[row])),
        };
        let result = run(&plan.subquery, &source, context)?;
        for result_row in 0..result.row_count {
            for (values, column) in columns.iter_mut().zip(&plan.columns) {
                let value = match *column {
                    ApplyColumn::Input(index) => input
                        .columns
                        .get(index)
                        .and_then(|data| data.get(row))
                        .cloned(),
                    ApplyColumn::Subquery(index) => result
                        .columns
                        .get(index)
                        .and_then(|data| data.get(result_row))
                        .cloned(),
                };
                values.push(value.unwrap_or(Value::Null));
            }
            row_count += 1;
        }
    }
    let columns = columns.into_iter().map(Arc::new).collect();
    Ok(Table::new(schema.clone(), columns, row_count))
}
