//! `parse` and `parse-where`.

use nom::Err as NomErr;
use nom::InputTake;

use super::parameters::{invalid_value, parameters};
use crate::ast::{Ident, OperatorKind, Parse, ParseKind, ParseSegment};
use crate::lexer::{name, string_literal, symbol, trivia, Input, PResult, SyntaxError};
use crate::parser::expr::expression;
use crate::parser::keyword;
use crate::value::Type;

/// `parse [kind=simple|regex|relaxed] [flags=…] expr with pattern`; `filter` is true for
/// `parse-where`.
pub fn parse(input: Input<'_>, filter: bool) -> PResult<'_, OperatorKind> {
    let (rest, found) = parameters(input, &["kind", "flags"])?;
    let mut kind = ParseKind::Simple;
    let mut flags = None;
    for parameter in &found {
        match parameter.name.as_str() {
            "kind" => {
                kind = match parameter.value.as_str() {
                    "simple" => ParseKind::Simple,
                    "regex" => ParseKind::Regex,
                    "relaxed" => ParseKind::Relaxed,
                    _ => return Err(invalid_value(parameter, "simple, regex or relaxed")),
                }
            }
            "flags" => flags = Some(parameter.value.clone()),
            _ => {}
        }
    }
    let (rest, source) = expression(rest)?;
    let (mut rest, _) = keyword("with")(rest)?;
    let mut pattern = Vec::new();
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let text = *after_trivia.fragment();
        if text.is_empty() || text.starts_with(['|', ')', ';']) {
            break;
        }
        if text.starts_with('*') {
            pattern.push(ParseSegment::Wildcard);
            rest = after_trivia.take_split(1).0;
            continue;
        }
        if let Ok((after, literal)) = string_literal(after_trivia) {
            pattern.push(ParseSegment::Literal(literal));
            rest = after;
            continue;
        }
        let (after, (column, span)) = name(after_trivia)?;
        let mut ty = None;
        let mut after = after;
        if let Ok((after_colon, _)) = symbol(":")(after) {
            let (after_type, (type_name, type_span)) = name(after_colon)?;
            ty = Some(Type::from_name(&type_name).ok_or_else(|| {
                NomErr::Failure(SyntaxError::message(
                    type_span.start,
                    type_span.end,
                    format!("unknown type `{type_name}` in a parse pattern"),
                ))
            })?);
            if ty == Some(Type::Decimal) {
                return Err(NomErr::Failure(
                    crate::parser::definitions::decimal_type_unsupported(type_span),
                ));
            }
            after = after_type;
        }
        pattern.push(ParseSegment::Column {
            name: Ident { name: column, span },
            ty,
        });
        rest = after;
    }
    if pattern.is_empty() {
        return Err(NomErr::Failure(SyntaxError::expected(
            rest,
            "a parse pattern after `with`",
        )));
    }
    Ok((
        rest,
        OperatorKind::Parse(Parse {
            kind,
            flags,
            source,
            pattern,
            filter,
        }),
    ))
}
