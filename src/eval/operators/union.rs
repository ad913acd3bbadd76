//! `union`: the rows of each input in turn; a column an input lacks is null there
//! (`""` for strings).

use std::sync::Arc;

use super::run as run_plan;
use crate::binder::plan::UnionInput;
use crate::error::Result;
use crate::eval::{EvalContext, TableSource};
use crate::table::{Schema, Table};
use crate::value::Value;

pub fn run(
    inputs: &[UnionInput],
    schema: &Schema,
    tables: &dyn TableSource,
    context: &EvalContext,
) -> Result<Table> {
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); schema.len()];
    let mut row_count = 0;
    for input in inputs {
        let table = run_plan(&input.plan, tables, context)?;
        for (position, (values, source)) in columns.iter_mut().zip(&input.columns).enumerate() {
            match source {
                Some(index) => values.extend(table.columns[*index].iter().cloned()),
                None => {
                    let filler = match (&input.source, position) {
                        (Some(name), 0) => Value::from(name.as_str()),
                        _ => schema.fields[position].ty.empty_value(),
                    };
                    values.extend(std::iter::repeat_n(filler, table.row_count));
                }
            }
        }
        row_count += table.row_count;
    }
    let columns = columns.into_iter().map(Arc::new).collect();
    Ok(Table::new(schema.clone(), columns, row_count))
}
