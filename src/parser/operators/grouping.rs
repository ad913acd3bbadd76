//! `summarize`, `distinct`, `sort`/`order` and `top`.

use super::assignments;
use super::parameters::parameters;
use crate::ast::{OperatorKind, SortKey};
use crate::lexer::{symbol, Input, PResult};
use crate::parser::expr::expression;
use crate::parser::keyword;

/// `summarize [hint.…=…] [Name =] agg(…), … [by [Name =] expr, …]`
pub fn summarize(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (rest, aggregates) = if keyword("by")(rest).is_ok() {
        (rest, Vec::new())
    } else {
        assignments(rest)?
    };
    let (rest, by) = match keyword("by")(rest) {
        Ok((after_by, _)) => assignments(after_by)?,
        Err(_) => (rest, Vec::new()),
    };
    Ok((rest, OperatorKind::Summarize { aggregates, by }))
}

/// `distinct [hint.…=…] A, B` or `distinct *`
pub fn distinct(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (rest, columns) = assignments(rest)?;
    Ok((rest, OperatorKind::Distinct(columns)))
}

/// `sort by key [asc|desc] [nulls first|last], …`
pub fn sort(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (mut rest, _) = keyword("by")(rest)?;
    let mut keys = Vec::new();
    loop {
        let (after, key) = sort_key(rest)?;
        keys.push(key);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, OperatorKind::Sort(keys))),
        }
    }
}

/// `top N by key [asc|desc] [nulls first|last]`
pub fn top(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (rest, count) = expression(rest)?;
    let (rest, _) = keyword("by")(rest)?;
    let (rest, key) = sort_key(rest)?;
    Ok((rest, OperatorKind::Top { count, key }))
}

fn sort_key(input: Input<'_>) -> PResult<'_, SortKey> {
    let (mut rest, expr) = expression(input)?;
    let mut descending = true;
    if let Ok((after, _)) = keyword("asc")(rest) {
        descending = false;
        rest = after;
    } else if let Ok((after, _)) = keyword("desc")(rest) {
        rest = after;
    }
    let mut nulls_first = None;
    if let Ok((after, _)) = keyword("nulls")(rest) {
        if let Ok((after_first, _)) = keyword("first")(after) {
            nulls_first = Some(true);
            rest = after_first;
        } else {
            let (after_last, _) = keyword("last")(after)?;
            nulls_first = Some(false);
            rest = after_last;
        }
    }
    Ok((
        rest,
        SortKey {
            expr,
            descending,
            nulls_first,
        },
    ))
}
