//! `parse-kv`.

use crate::ast::{OperatorKind, ParseKv};
use crate::lexer::{Input, PResult};
use crate::parser::definitions::{column_declaration, with_property};
use crate::parser::expr::expression;
use crate::parser::{keyword, paren_list};

/// `parse-kv expr as (Name:type, …) [with (name = value, …)]`
pub fn parse_kv(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, source) = expression(input)?;
    let (rest, _) = keyword("as")(rest)?;
    let (mut rest, columns) = paren_list(column_declaration)(rest)?;
    let mut properties = Vec::new();
    if let Ok((after_with, _)) = keyword("with")(rest) {
        let (after, parsed) = paren_list(with_property)(after_with)?;
        properties = parsed;
        rest = after;
    }
    Ok((
        rest,
        OperatorKind::ParseKv(ParseKv {
            source,
            columns,
            properties,
        }),
    ))
}
