//! `union`, both after `|` and at the start of a pipeline.

use nom::Err as NomErr;
use nom::InputTake;

use super::parameters::{bool_value, invalid_value, parameters};
use crate::ast::{Expr, ExprKind, Ident, OperatorKind, Union, UnionTable};
use crate::lexer::{bracketed_name, symbol, trivia, Input, PResult, SyntaxError};
use crate::parser::expr::{expression, pipeline};
use crate::parser::{cut, leading_operator, make_expr};

/// `T | union [kind=…] [withsource=…] [isfuzzy=…] U, …`
pub fn union_operator(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, union) = union_arguments(input, false)?;
    Ok((rest, OperatorKind::Union(union)))
}

/// `union T, U, …` starting a pipeline: a pipe with no source of its own, whose only
/// operator is the union. The source is an empty `datatable` that the binder ignores
/// because the union is marked `leading`.
pub fn union_source(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, union) = union_arguments(input, true).map_err(cut)?;
    let end = rest.location_offset();
    Ok((
        rest,
        leading_operator(OperatorKind::Union(union), start, end),
    ))
}

fn union_arguments(input: Input<'_>, leading: bool) -> PResult<'_, Union> {
    let (mut rest, found) = parameters(input, &["kind", "withsource", "isfuzzy"])?;
    let mut union = Union {
        inner: false,
        with_source: None,
        fuzzy: false,
        tables: Vec::new(),
        leading,
    };
    for parameter in &found {
        match parameter.name.as_str() {
            "kind" => {
                union.inner = match parameter.value.as_str() {
                    "inner" => true,
                    "outer" => false,
                    _ => return Err(invalid_value(parameter, "inner or outer")),
                }
            }
            "withsource" => {
                union.with_source = Some(Ident {
                    name: parameter.value.clone(),
                    span: parameter.value_span.clone(),
                })
            }
            "isfuzzy" => union.fuzzy = bool_value(parameter)?,
            _ => {}
        }
    }
    loop {
        let (after, table) = union_table(rest)?;
        union.tables.push(table);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, union)),
        }
    }
}

/// One union input: `(subquery)`, a name, a call such as `f(x)`, or a name pattern with
/// `*`.
pub(super) fn union_table(input: Input<'_>) -> PResult<'_, UnionTable> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if input.fragment().starts_with('(') {
        let (rest, _) = symbol("(")(input)?;
        let (rest, inner) = pipeline(rest)?;
        let (rest, _) = symbol(")")(rest)?;
        return Ok((rest, UnionTable::Expr(inner)));
    }
    if input.fragment().starts_with('[') {
        let (rest, text) = bracketed_name(input)?;
        let span = start..rest.location_offset();
        return Ok((
            rest,
            UnionTable::Expr(make_expr(ExprKind::Name(text), span)),
        ));
    }
    let length = input
        .fragment()
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*' || c == '$'))
        .unwrap_or(input.fragment().len());
    if length == 0 {
        return Err(NomErr::Failure(SyntaxError::expected(
            input,
            "a table name or a subquery in parentheses",
        )));
    }
    let (rest, text) = input.take_split(length);
    let text = text.fragment().to_string();
    let span = start..start + length;
    if !text.contains('*') && rest.fragment().trim_start().starts_with('(') {
        // A call such as `_GetWatchlist("x")` or `f(a, b)`: the binder decides whether
        // it names a tabular function.
        let (rest, call) = expression(input)?;
        return Ok((rest, UnionTable::Expr(call)));
    }
    if text.contains('*') {
        return Ok((rest, UnionTable::Pattern(Ident { name: text, span })));
    }
    Ok((
        rest,
        UnionTable::Expr(make_expr(ExprKind::Name(text), span)),
    ))
}
