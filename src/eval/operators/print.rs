//! `print a = expr, …`: one row computed from constant expressions.

use std::sync::Arc;

use crate::binder::plan::BoundExpr;
use crate::error::Result;
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};

pub fn run(schema: &Schema, exprs: &[BoundExpr], context: &EvalContext) -> Result<Table> {
    let no_columns = Table::new(Schema::default(), Vec::new(), 1);
    let mut columns = Vec::with_capacity(exprs.len());
    for expr in exprs {
        let value = evaluate(expr, &no_columns, 0, context)?;
        let value = if value.is_null() {
            expr.ty.empty_value()
        } else {
            value
        };
        columns.push(Arc::new(vec![value]));
    }
    Ok(Table::new(schema.clone(), columns, 1))
}
