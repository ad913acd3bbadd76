//! `search`: keeps the rows whose predicate is true and, for a piped table, puts the
//! `$table` column with the table's name first
//! (learn.microsoft.com/kusto/query/search-operator).

use std::sync::Arc;

use super::filter;
use crate::binder::plan::SearchPlan;
use crate::error::Result;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::Value;

pub fn run(
    input: Table,
    search: &SearchPlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let matching = filter::run(input, &search.predicate, context)?;
    let Some(table) = &search.table else {
        return Ok(Table::new(
            schema.clone(),
            matching.columns,
            matching.row_count,
        ));
    };
    let name = Value::from(table.as_str());
    let mut columns = Vec::with_capacity(matching.columns.len() + 1);
    columns.push(Arc::new(vec![name; matching.row_count]));
    columns.extend(matching.columns);
    Ok(Table::new(schema.clone(), columns, matching.row_count))
}
