//! Window functions: `prev()`, `next()` and `row_number()`, which read the order of the
//! rows and so need serialized input (learn.microsoft.com/kusto/query/window-functions).

use super::plan::{BoundExpr, BoundKind};
use super::Binder;
use crate::ast::Expr;
use crate::error::{Error, ErrorKind, Result};
use crate::table::Schema;
use crate::value::{Type, Value};

/// Binds a call to a window function, or returns `None` for other names.
pub fn bind_window_call(
    binder: &mut Binder<'_>,
    name: &str,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Option<Result<BoundExpr>> {
    let bound = match name {
        "prev" => bind_neighbour(binder, "prev", -1, args, expr, schema),
        "next" => bind_neighbour(binder, "next", 1, args, expr, schema),
        "row_number" => bind_row_number(binder, args, expr),
        _ => return None,
    };
    Some(bound)
}

fn require_serialized(binder: &Binder<'_>, name: &str, expr: &Expr) -> Result<()> {
    if binder.serialized_input {
        return Ok(());
    }
    Err(Error::at(
        ErrorKind::TypeMismatch,
        expr.span.clone(),
        format!("`{name}()` needs serialized rows, and the rows here have no defined order"),
    )
    .with_hint("add `| serialize` or `| sort by …` before this operator"))
}

/// `prev(column [, offset [, default]])` and `next(…)`: the value `offset` rows before
/// or after the current one (learn.microsoft.com/kusto/query/prev-function,
/// learn.microsoft.com/kusto/query/next-function).
fn bind_neighbour(
    binder: &mut Binder<'_>,
    name: &str,
    direction: i64,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    require_serialized(binder, name, expr)?;
    let (value, offset, default) = match args {
        [value] => (value, None, None),
        [value, offset] => (value, Some(offset), None),
        [value, offset, default] => (value, Some(offset), Some(default)),
        _ => return Err(argument_count(name, "1 to 3", args.len(), expr)),
    };
    let value = binder.bind_scalar(value, schema)?;
    let offset = match offset {
        Some(offset) => constant_whole(binder, name, "offset", offset)?,
        None => 1,
    };
    if offset < 0 {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            format!("the offset of `{name}()` must not be negative"),
        ));
    }
    let default = match default {
        Some(default) => {
            let bound = binder.bind_scalar(default, schema)?;
            let is_null = matches!(bound.kind, BoundKind::Literal(Value::Null));
            if bound.ty != value.ty && !is_null {
                return Err(Error::at(
                    ErrorKind::TypeMismatch,
                    default.span.clone(),
                    format!(
                        "the default of `{name}()` must have the column's type, {}, not {}",
                        value.ty, bound.ty
                    ),
                ));
            }
            Some(Box::new(bound))
        }
        None => None,
    };
    Ok(BoundExpr {
        ty: value.ty,
        kind: BoundKind::Window {
            value: Box::new(value),
            offset: direction * offset,
            default,
        },
        span: expr.span.clone(),
    })
}

/// `row_number([start])`: the row's position counted from `start`, 1 by default
/// (learn.microsoft.com/kusto/query/row-number-function). The `restart` argument is not
/// supported yet.
fn bind_row_number(binder: &mut Binder<'_>, args: &[Expr], expr: &Expr) -> Result<BoundExpr> {
    require_serialized(binder, "row_number", expr)?;
    let start = match args {
        [] => 1,
        [start] => constant_whole(binder, "row_number", "start", start)?,
        [_, restart, ..] => {
            return Err(Error::unsupported(
                restart.span.clone(),
                "`row_number()` with a restart condition is not supported yet",
            ))
        }
    };
    Ok(BoundExpr {
        kind: BoundKind::RowNumber { start },
        ty: Type::Long,
        span: expr.span.clone(),
    })
}

/// Reads an argument that must be a whole-number constant.
fn constant_whole(binder: &mut Binder<'_>, name: &str, parameter: &str, arg: &Expr) -> Result<i64> {
    let bound = binder.bind_scalar(arg, &Schema::default());
    match bound.map(|bound| bound.kind) {
        Ok(BoundKind::Literal(Value::Long(number))) => Ok(number),
        Ok(BoundKind::Literal(Value::Int(number))) => Ok(i64::from(number)),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            arg.span.clone(),
            format!("the {parameter} of `{name}()` must be a whole-number constant"),
        )),
    }
}

fn argument_count(name: &str, expected: &str, count: usize, expr: &Expr) -> Error {
    Error::at(
        ErrorKind::TypeMismatch,
        expr.span.clone(),
        super::names::argument_count_message(name, expected, count),
    )
}
