//! `where`: keeps the rows whose predicate is true; false and null drop the row
//! (learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Null values and the
//! where operator").

use crate::binder::plan::BoundExpr;
use crate::error::Result;
use crate::eval::expr::{as_bool, evaluate};
use crate::eval::EvalContext;
use crate::table::Table;

pub fn run(input: Table, predicate: &BoundExpr, context: &EvalContext) -> Result<Table> {
    let mut kept = Vec::new();
    for row in 0..input.row_count {
        if row % super::CANCEL_CHECK_ROWS == 0 {
            context.check_cancelled(&predicate.span)?;
        }
        let value = evaluate(predicate, &input, row, context)?;
        if as_bool(&value) == Some(true) {
            kept.push(row);
        }
    }
    if kept.len() == input.row_count {
        return Ok(input);
    }
    Ok(input.take_rows(&kept))
}
