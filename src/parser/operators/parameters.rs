//! Operator parameters written before an operator's arguments: `kind=inner`,
//! `hint.strategy=shuffle`, `withsource=Source`, `with_itemindex=Index`, ….

use nom::Err as NomErr;
use nom::InputTake;

use crate::lexer::{
    name, number_literal, string_literal, symbol, trivia, Input, PResult, SyntaxError,
};

/// One `name=value` parameter; the value is kept as its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub value: String,
    pub span: std::ops::Range<usize>,
    pub value_span: std::ops::Range<usize>,
}

/// Reads `name=value` parameters while the next name is one of `allowed` or starts with
/// `hint.`. Hints tune how a cluster distributes the work and never change the result,
/// so every operator accepts them and this engine ignores them.
pub fn parameters<'a>(input: Input<'a>, allowed: &[&str]) -> PResult<'a, Vec<Parameter>> {
    let mut found = Vec::new();
    let mut rest = input;
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let Ok((after_name, (first, span))) = name(after_trivia) else {
            break;
        };
        let mut full = first;
        let mut after = after_name;
        let mut end = span.end;
        while after.fragment().starts_with('.') {
            let Ok((after_part, (part, part_span))) = name(after.take_split(1).0) else {
                break;
            };
            full.push('.');
            full.push_str(&part);
            end = part_span.end;
            after = after_part;
        }
        let known = allowed.contains(&full.as_str()) || full.starts_with("hint.");
        let (after_trivia_2, _) = trivia(after)?;
        let fragment = *after_trivia_2.fragment();
        let assigns = fragment.starts_with('=') && !fragment.starts_with("==");
        if !known || !assigns {
            break;
        }
        let (after, _) = symbol("=")(after)?;
        let (after, (value, value_span)) = parameter_value(after)?;
        found.push(Parameter {
            name: full,
            value,
            span: span.start..end,
            value_span,
        });
        rest = after;
    }
    Ok((rest, found))
}

/// A parameter value: a name, a number or a string.
fn parameter_value(input: Input<'_>) -> PResult<'_, (String, std::ops::Range<usize>)> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if let Ok((rest, (text, span))) = name(input) {
        return Ok((rest, (text, span)));
    }
    if let Ok((rest, value)) = number_literal(input) {
        return Ok((
            rest,
            (value.to_kusto_string(), start..rest.location_offset()),
        ));
    }
    if let Ok((rest, text)) = string_literal(input) {
        return Ok((rest, (text, start..rest.location_offset())));
    }
    Err(NomErr::Failure(SyntaxError::expected(
        input,
        "a parameter value",
    )))
}

/// Builds the error for an invalid parameter value.
pub fn invalid_value(parameter: &Parameter, expected: &str) -> NomErr<SyntaxError> {
    NomErr::Failure(SyntaxError::message(
        parameter.value_span.start,
        parameter.value_span.end,
        format!(
            "invalid value `{}` for `{}`; expected {expected}",
            parameter.value, parameter.name
        ),
    ))
}

/// Reads `true`/`false` for a boolean parameter.
pub fn bool_value(parameter: &Parameter) -> Result<bool, NomErr<SyntaxError>> {
    match parameter.value.as_str() {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        _ => Err(invalid_value(parameter, "true or false")),
    }
}
