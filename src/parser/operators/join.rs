//! `join`, `mv-expand` and `mv-apply`.

use nom::Err as NomErr;
use nom::InputTake;

use super::parameters::{invalid_value, parameters};
use super::{join_keys, lookup_right};
use crate::ast::{Ident, JoinKind, MvApply, MvExpand, MvExpandItem, Operator, OperatorKind};
use crate::lexer::{name, symbol, trivia, Input, PResult, SyntaxError};
use crate::parser::expr::expression;
use crate::parser::operators::operator;
use crate::parser::{keyword, DepthGuard};
use crate::value::Type;

/// `join [kind=…] [hint.…=…] Right on Key, $left.A == $right.B, …`
pub fn join(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, found) = parameters(input, &["kind"])?;
    let mut kind = JoinKind::InnerUnique;
    for parameter in &found {
        if parameter.name == "kind" {
            kind = JoinKind::from_name(&parameter.value).ok_or_else(|| {
                invalid_value(
                    parameter,
                    "innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi or rightsemi",
                )
            })?;
        }
    }
    let (rest, right) = lookup_right(rest)?;
    let (rest, _) = keyword("on")(rest)?;
    let (rest, on) = join_keys(rest)?;
    Ok((
        rest,
        OperatorKind::Join {
            kind,
            right: Box::new(right),
            on,
        },
    ))
}

/// `mv-expand [bagexpansion=bag|array] [with_itemindex=Name] [Name =] expr [to typeof(T)], … [limit N]`
pub fn mv_expand(input: Input<'_>, legacy: bool) -> PResult<'_, OperatorKind> {
    let (mut rest, found) = parameters(input, &["bagexpansion", "with_itemindex", "kind"])?;
    let mut bag_as_array = false;
    let mut item_index = None;
    for parameter in &found {
        match parameter.name.as_str() {
            "bagexpansion" | "kind" => {
                bag_as_array = match parameter.value.as_str() {
                    "bag" => false,
                    "array" => true,
                    _ => return Err(invalid_value(parameter, "bag or array")),
                }
            }
            "with_itemindex" => {
                item_index = Some(Ident {
                    name: parameter.value.clone(),
                    span: parameter.value_span.clone(),
                })
            }
            _ => {}
        }
    }
    let mut items = Vec::new();
    loop {
        let (after, item) = mv_expand_item(rest)?;
        items.push(item);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let mut limit = None;
    if let Ok((after_limit, _)) = keyword("limit")(rest) {
        let (after, count) = expression(after_limit)?;
        limit = Some(count);
        rest = after;
    }
    Ok((
        rest,
        OperatorKind::MvExpand(MvExpand {
            items,
            item_index,
            limit,
            bag_as_array,
            legacy,
        }),
    ))
}

/// `mv-apply [with_itemindex=Name] [Name =] expr [to typeof(T)], … [limit N] on (subquery)`,
/// where the subquery is operators separated by `|`, with the expanded rows as input.
pub fn mv_apply(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let start = input.location_offset();
    let (rest, expand) = mv_expand(input, false)?;
    let OperatorKind::MvExpand(expand) = expand else {
        return Err(NomErr::Failure(SyntaxError::expected(
            input,
            "mv-apply items",
        )));
    };
    if expand.bag_as_array {
        return Err(NomErr::Failure(SyntaxError::message(
            start,
            rest.location_offset(),
            "mv-apply expands arrays only; `bagexpansion` does not apply to it",
        )));
    }
    let (rest, _) = keyword("on")(rest)?;
    let (rest, _) = symbol("(")(rest)?;
    let _depth = DepthGuard::enter(rest)?;
    let (rest, subquery) = piped_operators(rest)?;
    let (rest, _) = symbol(")")(rest)?;
    Ok((rest, OperatorKind::MvApply(MvApply { expand, subquery })))
}

/// Parses one or more operators separated by `|`: the subquery of `mv-apply` and
/// `partition`.
pub(super) fn piped_operators(input: Input<'_>) -> PResult<'_, Vec<Operator>> {
    let mut rest = input;
    let mut operators = Vec::new();
    loop {
        let (after, parsed) = operator(rest)?;
        operators.push(parsed);
        match symbol("|")(after) {
            Ok((after_pipe, _)) => rest = after_pipe,
            Err(_) => return Ok((after, operators)),
        }
    }
}

fn mv_expand_item(input: Input<'_>) -> PResult<'_, MvExpandItem> {
    let (input, _) = trivia(input)?;
    let mut target = None;
    let mut rest = input;
    if let Ok((after_name, (text, span))) = name(input) {
        let (after_trivia, _) = trivia(after_name)?;
        let fragment = *after_trivia.fragment();
        if fragment.starts_with('=') && !fragment.starts_with("==") && !fragment.starts_with("=~") {
            target = Some(Ident { name: text, span });
            rest = after_trivia.take_split(1).0;
        }
    }
    let (mut rest, expr) = expression(rest)?;
    let mut to_type = None;
    if let Ok((after_to, _)) = keyword("to")(rest) {
        let (after, _) = keyword("typeof")(after_to)?;
        let (after, _) = symbol("(")(after)?;
        let (after, (type_name, type_span)) = name(after)?;
        let ty = Type::from_name(&type_name).ok_or_else(|| {
            NomErr::Failure(SyntaxError::message(
                type_span.start,
                type_span.end,
                format!("unknown type `{type_name}` in `to typeof(…)`"),
            ))
        })?;
        if ty == Type::Decimal {
            return Err(NomErr::Failure(
                crate::parser::definitions::decimal_type_unsupported(type_span),
            ));
        }
        let (after, _) = symbol(")")(after)?;
        to_type = Some(ty);
        rest = after;
    }
    Ok((
        rest,
        MvExpandItem {
            name: target,
            expr,
            to_type,
        },
    ))
}
