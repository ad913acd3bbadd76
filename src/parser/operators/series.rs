//! `make-series`.

use super::parameters::{invalid_value, parameters};
use super::{assignment, assignments};
use crate::ast::{ExprKind, MakeSeries, OperatorKind, SeriesRange};
use crate::lexer::{name, symbol, Input, PResult};
use crate::parser::expr::expression;
use crate::parser::{keyword, make_expr};

/// `make-series [kind=nonempty] [Name =] agg(…) [default = v], … on Axis
/// ([from a] [to b] step s | in range(a, b, s)) [by [Name =] expr, …]`
pub fn make_series(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (mut rest, found) = parameters(input, &["kind"])?;
    let mut nonempty = false;
    for parameter in &found {
        if parameter.name == "kind" {
            nonempty = match parameter.value.as_str() {
                "nonempty" => true,
                _ => return Err(invalid_value(parameter, "nonempty")),
            };
        }
    }

    let mut aggregates = Vec::new();
    loop {
        let (after, item) = assignment(rest)?;
        let (after, default) = match keyword("default")(after) {
            Ok((after_default, _)) => {
                let (after_equals, _) = symbol("=")(after_default)?;
                let (after_value, value) = expression(after_equals)?;
                (after_value, Some(value))
            }
            Err(_) => (after, None),
        };
        aggregates.push((item, default));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }

    let (rest, _) = keyword("on")(rest)?;
    // The axis is a column name: a full expression would read `Axis in range(…)` as `in`.
    let (rest, (axis_name, axis_span)) = name(rest)?;
    let axis = make_expr(ExprKind::Name(axis_name), axis_span);
    let (rest, range) = if let Ok((after_in, _)) = keyword("in")(rest) {
        let (after, _) = keyword("range")(after_in)?;
        let (after, _) = symbol("(")(after)?;
        let (after, from) = expression(after)?;
        let (after, _) = symbol(",")(after)?;
        let (after, to) = expression(after)?;
        let (after, _) = symbol(",")(after)?;
        let (after, step) = expression(after)?;
        let (after, _) = symbol(")")(after)?;
        let range = SeriesRange {
            from: Some(from),
            to: Some(to),
            step,
            in_range: true,
        };
        (after, range)
    } else {
        let (rest, from) = optional_bound(rest, "from")?;
        let (rest, to) = optional_bound(rest, "to")?;
        let (rest, _) = keyword("step")(rest)?;
        let (rest, step) = expression(rest)?;
        let range = SeriesRange {
            from,
            to,
            step,
            in_range: false,
        };
        (rest, range)
    };
    let (rest, by) = match keyword("by")(rest) {
        Ok((after_by, _)) => assignments(after_by)?,
        Err(_) => (rest, Vec::new()),
    };
    Ok((
        rest,
        OperatorKind::MakeSeries(Box::new(MakeSeries {
            nonempty,
            aggregates,
            axis,
            range,
            by,
        })),
    ))
}

fn optional_bound<'a>(
    input: Input<'a>,
    word: &'static str,
) -> PResult<'a, Option<crate::ast::Expr>> {
    match keyword(word)(input) {
        Ok((after, _)) => {
            let (after, bound) = expression(after)?;
            Ok((after, Some(bound)))
        }
        Err(_) => Ok((input, None)),
    }
}
