//! `extend` and `project`: each output column is an input column passed through or an
//! expression computed per row.

use std::sync::Arc;

use crate::binder::plan::{BoundExpr, ProjectColumn};
use crate::error::Result;
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};

pub fn run(
    input: Table,
    schema: &Schema,
    columns: &[ProjectColumn],
    context: &EvalContext,
) -> Result<Table> {
    let mut output = Vec::with_capacity(columns.len());
    for column in columns {
        let data = match column {
            ProjectColumn::Input(index) => Arc::clone(&input.columns[*index]),
            ProjectColumn::Computed(expr) => Arc::new(compute(&input, expr, context)?),
        };
        output.push(data);
    }
    Ok(Table::new(schema.clone(), output, input.row_count))
}

/// Computes `expr` for every row of `input`, as `extend` stores it (see [`store_as`]).
pub(crate) fn compute(
    input: &Table,
    expr: &BoundExpr,
    context: &EvalContext,
) -> Result<Vec<crate::value::Value>> {
    let mut values = Vec::with_capacity(input.row_count);
    for row in 0..input.row_count {
        if row % super::CANCEL_CHECK_ROWS == 0 {
            context.check_cancelled(&expr.span)?;
        }
        let value = evaluate(expr, input, row, context)?;
        values.push(store_as(value, expr.ty));
    }
    Ok(values)
}

/// Stores a computed value in a column of the expression's type: a null in a string
/// column becomes `""`, since Kusto strings are never null.
fn store_as(value: crate::value::Value, ty: crate::value::Type) -> crate::value::Value {
    if value.is_null() {
        ty.empty_value()
    } else {
        value
    }
}
