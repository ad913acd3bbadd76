//! Column-list operators (`project-away`, `project-keep`, `project-rename`,
//! `project-reorder`) and the small operators that take a name or nothing: `as`,
//! `serialize`, `render`, `evaluate`.

use nom::Err as NomErr;
use nom::InputTake;

use super::assignments;
use super::parameters::parameters;
use crate::ast::{ColumnOrder, Ident, OperatorKind, OutputSchema};
use crate::lexer::{
    bracketed_name, name, symbol, tokenize, trivia, Input, PResult, SyntaxError, TokenKind,
};
use crate::parser::definitions::column_declaration;
use crate::parser::expr::call_argument;
use crate::parser::{keyword, paren_list};

/// `project-away A, B*`
pub fn project_away(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, patterns) = column_patterns(input)?;
    Ok((rest, OperatorKind::ProjectAway(patterns)))
}

/// `project-keep A, B*`
pub fn project_keep(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, patterns) = column_patterns(input)?;
    Ok((rest, OperatorKind::ProjectKeep(patterns)))
}

/// `project-rename New = Old, …`
pub fn project_rename(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let mut pairs = Vec::new();
    let mut rest = input;
    loop {
        let (after, (new_name, new_span)) = name(rest)?;
        let (after, _) = symbol("=")(after)?;
        let (after, (old_name, old_span)) = name(after)?;
        pairs.push((
            Ident {
                name: new_name,
                span: new_span,
            },
            Ident {
                name: old_name,
                span: old_span,
            },
        ));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, OperatorKind::ProjectRename(pairs))),
        }
    }
}

/// `project-reorder A, B* [asc|desc|granny-asc|granny-desc], …`
pub fn project_reorder(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let (after, pattern) = column_pattern(rest)?;
        let mut after = after;
        let mut order = None;
        for (word, value) in [
            ("granny-asc", ColumnOrder::GrannyAsc),
            ("granny-desc", ColumnOrder::GrannyDesc),
            ("asc", ColumnOrder::Asc),
            ("desc", ColumnOrder::Desc),
        ] {
            if let Ok((after_word, _)) = dashed_keyword(after, word) {
                order = Some(value);
                after = after_word;
                break;
            }
        }
        items.push((pattern, order));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, OperatorKind::ProjectReorder(items))),
        }
    }
}

/// A keyword that may contain `-`, such as `granny-asc`, not followed by a name character.
fn dashed_keyword<'a>(input: Input<'a>, word: &str) -> PResult<'a, ()> {
    let (input, _) = trivia(input)?;
    let text = *input.fragment();
    let follows_name = text[word.len().min(text.len())..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    if text.starts_with(word) && !follows_name {
        return Ok((input.take_split(word.len()).0, ()));
    }
    Err(NomErr::Error(SyntaxError::expected(input, word)))
}

fn column_patterns(input: Input<'_>) -> PResult<'_, Vec<Ident>> {
    let mut patterns = Vec::new();
    let mut rest = input;
    loop {
        let (after, pattern) = column_pattern(rest)?;
        patterns.push(pattern);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, patterns)),
        }
    }
}

/// A column name, or a name pattern with `*` wildcards such as `Device*` or `*Id`.
fn column_pattern(input: Input<'_>) -> PResult<'_, Ident> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if input.fragment().starts_with('[') {
        let (rest, text) = bracketed_name(input)?;
        let span = start..rest.location_offset();
        return Ok((rest, Ident { name: text, span }));
    }
    let length = input
        .fragment()
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*' || c == '$'))
        .unwrap_or(input.fragment().len());
    if length == 0 {
        return Err(NomErr::Error(SyntaxError::expected(
            input,
            "a column name or pattern",
        )));
    }
    let (rest, text) = input.take_split(length);
    Ok((
        rest,
        Ident {
            name: text.fragment().to_string(),
            span: start..start + length,
        },
    ))
}

/// `as [hint.materialized=true] Name`
pub fn as_operator(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (rest, (text, span)) = name(rest)?;
    Ok((rest, OperatorKind::As(Ident { name: text, span })))
}

/// `serialize [Name = expr, …]`
pub fn serialize(input: Input<'_>) -> PResult<'_, OperatorKind> {
    if ends_operator(input) {
        return Ok((input, OperatorKind::Serialize(Vec::new())));
    }
    let (rest, columns) = assignments(input)?;
    Ok((rest, OperatorKind::Serialize(columns)))
}

/// True at the end of the query, of a statement, of a subquery or of an operator.
fn ends_operator(input: Input<'_>) -> bool {
    let Ok((rest, _)) = trivia(input) else {
        return false;
    };
    let text = rest.fragment();
    text.is_empty() || text.starts_with(['|', ')', ';'])
}

/// `render chart [kind=…] [with (property = value, …)]`. The properties only style a
/// chart, so they are skipped after checking that their brackets balance.
pub fn render(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, (chart, span)) = name(input)?;
    let (mut rest, _) = parameters(rest, &["kind"])?;
    if let Ok((after_with, _)) = keyword("with")(rest) {
        rest = skip_parenthesised(after_with)?.0;
    }
    Ok((
        rest,
        OperatorKind::Render {
            chart: Ident { name: chart, span },
        },
    ))
}

/// Skips a parenthesised group, counting nested brackets token by token so that
/// brackets inside strings do not count.
fn skip_parenthesised(input: Input<'_>) -> PResult<'_, Input<'_>> {
    let (input, _) = trivia(input)?;
    if !input.fragment().starts_with('(') {
        return Err(NomErr::Failure(SyntaxError::expected(input, "`(`")));
    }
    let text = *input.fragment();
    let mut depth = 0usize;
    for token in tokenize(text) {
        if token.kind == TokenKind::UnterminatedString {
            break;
        }
        if token.kind != TokenKind::Punctuation {
            continue;
        }
        match &text[token.span.clone()] {
            "(" => depth += 1,
            ")" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let (rest, skipped) = input.take_split(token.span.end);
                    return Ok((rest, skipped));
                }
            }
            _ => {}
        }
    }
    Err(NomErr::Failure(SyntaxError::message(
        input.location_offset(),
        input.location_offset() + 1,
        "this `(` is never closed",
    )))
}

/// `evaluate [hint.…=…] plugin(arg, …) [: ([*,] Name:type, …)]`
pub fn evaluate(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, _) = parameters(input, &[])?;
    let (rest, (plugin, span)) = name(rest)?;
    let (rest, args) = paren_list(call_argument)(rest)?;
    let (rest, output_schema) = match symbol(":")(rest) {
        Ok((after_colon, _)) => {
            let (after, schema) = output_schema(after_colon)?;
            (after, Some(schema))
        }
        Err(_) => (rest, None),
    };
    Ok((
        rest,
        OperatorKind::Evaluate {
            plugin: Ident { name: plugin, span },
            args,
            output_schema,
        },
    ))
}

/// `([*,] Name:type, …)`, the declared output columns of a plugin.
fn output_schema(input: Input<'_>) -> PResult<'_, OutputSchema> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let (mut rest, _) = symbol("(")(input)?;
    let mut wildcard = false;
    if let Ok((after_star, _)) = symbol("*")(rest) {
        wildcard = true;
        rest = match symbol(",")(after_star) {
            Ok((after_comma, _)) => after_comma,
            Err(_) => after_star,
        };
    }
    let mut columns = Vec::new();
    loop {
        if let Ok((after, _)) = symbol(")")(rest) {
            let span = start..after.location_offset();
            return Ok((
                after,
                OutputSchema {
                    wildcard,
                    columns,
                    span,
                },
            ));
        }
        if !columns.is_empty() {
            let (after, _) = symbol(",")(rest)
                .map_err(|_| NomErr::Failure(SyntaxError::expected(rest, "`,` or `)`")))?;
            rest = after;
        }
        let (after, column) = column_declaration(rest).map_err(crate::parser::cut)?;
        columns.push(column);
        rest = after;
    }
}
