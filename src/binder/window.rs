//! Window functions: `prev()`, `next()` and `row_number()`, which read the order of the
//! rows and so need serialized input (learn.microsoft.com/kusto/query/window-functions).

use super::plan::{BoundExpr, BoundKind, RowRestart};
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
        "row_number" => bind_row_number(binder, args, expr, schema),
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

/// `row_number([start [, restart]])`: the row's position counted from `start`, 1 by
/// default, and counted again from `start` on each row where `restart` is true
/// (learn.microsoft.com/kusto/query/row-number-function). `start` must be a constant and
/// `restart` a bool expression of the row, as in Kusto-Query-Language `Functions.cs`.
fn bind_row_number(
    binder: &mut Binder<'_>,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    require_serialized(binder, "row_number", expr)?;
    let (start, restart) = match args {
        [] => (1, None),
        [start] => (constant_whole(binder, "row_number", "start", start)?, None),
        [start, restart] => (
            constant_whole(binder, "row_number", "start", start)?,
            bind_restart(binder, restart, schema)?,
        ),
        _ => return Err(argument_count("row_number", "0 to 2", args.len(), expr)),
    };
    Ok(BoundExpr {
        kind: BoundKind::RowNumber { start, restart },
        ty: Type::Long,
        span: expr.span.clone(),
    })
}

/// Binds the restart condition of `row_number()`. A constant `false` never restarts, so
/// it binds to no condition and the numbers need no per-row evaluation.
///
/// A dynamic condition is a type error, as in Kusto-Query-Language: `Functions.cs` declares
/// the parameter bool, and `AllowImplicitArgumentCoercion` in `Binder_Misc.cs` converts no
/// dynamic argument of a built-in function.
fn bind_restart(
    binder: &mut Binder<'_>,
    restart: &Expr,
    schema: &Schema,
) -> Result<Option<RowRestart>> {
    let condition = binder.bind_scalar(restart, schema)?;
    if condition.ty != Type::Bool {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            restart.span.clone(),
            format!(
                "the restart condition of `row_number()` must be bool, not {}",
                condition.ty
            ),
        )
        .with_hint("compare the value, or convert it with tobool()"));
    }
    if matches!(condition.kind, BoundKind::Literal(Value::Bool(false))) {
        return Ok(None);
    }
    Ok(Some(RowRestart {
        id: binder.new_row_number_id(),
        condition: Box::new(condition),
    }))
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

#[cfg(test)]
mod tests {
    use crate::binder::test_support::{column, error_kind, run};
    use crate::error::ErrorKind;

    const FLIGHTS: &str = "datatable(Airport:string, Departures:long)\
        ['TLV', 1, 'TLV', 100, 'SEA', 1, 'SEA', 2, 'SEA', 0]";

    // learn.microsoft.com/kusto/query/row-number-function, the `Airport` example: the
    // numbering restarts on the first row of each airport.
    #[test]
    fn restart_numbers_each_airport() {
        let table = run(&format!(
            "{FLIGHTS} | sort by Airport asc, Departures desc \
             | extend Rank = row_number(1, prev(Airport) != Airport)"
        ));
        assert_eq!(
            column(&table, "Airport"),
            ["SEA", "SEA", "SEA", "TLV", "TLV"]
        );
        assert_eq!(column(&table, "Rank"), ["1", "2", "3", "1", "2"]);
    }

    #[test]
    fn constant_restart_conditions() {
        let table = run(&format!(
            "{FLIGHTS} | serialize | extend never = row_number(10, false), \
             always = row_number(10, true), unknown = row_number(10, bool(null))"
        ));
        assert_eq!(column(&table, "never"), ["10", "11", "12", "13", "14"]);
        assert_eq!(column(&table, "always"), ["10", "10", "10", "10", "10"]);
        assert_eq!(column(&table, "unknown"), ["10", "11", "12", "13", "14"]);
    }

    #[test]
    fn restart_must_be_bool() {
        let query = format!("{FLIGHTS} | serialize | extend n = row_number(1, Departures)");
        assert_eq!(error_kind(&query), ErrorKind::TypeMismatch);
        let dynamic = format!("{FLIGHTS} | serialize | extend n = row_number(1, dynamic(true))");
        assert_eq!(error_kind(&dynamic), ErrorKind::TypeMismatch);
    }

    #[test]
    fn start_stays_constant_with_restart() {
        let query = format!("{FLIGHTS} | serialize | extend n = row_number(Departures, true)");
        assert_eq!(error_kind(&query), ErrorKind::TypeMismatch);
    }

    #[test]
    fn restart_needs_serialized_rows() {
        let query = format!("{FLIGHTS} | extend n = row_number(1, Departures > 1)");
        assert_eq!(error_kind(&query), ErrorKind::TypeMismatch);
    }

    #[test]
    fn row_number_takes_two_arguments() {
        let query = format!("{FLIGHTS} | serialize | extend n = row_number(1, true, 2)");
        assert_eq!(error_kind(&query), ErrorKind::TypeMismatch);
    }
}
