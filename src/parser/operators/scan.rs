//! `scan`: steps that match input records in order and build sequences from them
//! (learn.microsoft.com/kusto/query/scan-operator).

use nom::Err as NomErr;

use super::parameters::{invalid_value, parameters};
use crate::ast::{Ident, OperatorKind, Scan, ScanDeclaration, ScanOutput, ScanStep};
use crate::lexer::{name, symbol, Input, PResult, SyntaxError};
use crate::parser::definitions::column_declaration;
use crate::parser::expr::expression;
use crate::parser::{cut, keyword, paren_list, DepthGuard};

/// `scan [with_match_id = Name] [declare (Name:type [= default], …)] with (step …; …)`
pub fn scan(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, found) = parameters(input, &["with_match_id"])?;
    let mut match_id = None;
    for parameter in found {
        if parameter.name == "with_match_id" {
            match_id = Some(Ident {
                name: parameter.value,
                span: parameter.value_span,
            });
        }
    }

    let mut rest = rest;
    let mut declarations = Vec::new();
    if let Ok((after_declare, _)) = keyword("declare")(rest) {
        let (after, parsed) = paren_list(declaration)(after_declare)?;
        declarations = parsed;
        rest = after;
    }

    let (rest, _) = keyword("with")(rest)?;
    let (mut rest, _) = symbol("(")(rest)?;
    let _depth = DepthGuard::enter(rest)?;
    let mut steps = Vec::new();
    loop {
        if let Ok((after, _)) = symbol(")")(rest) {
            if steps.is_empty() {
                return Err(NomErr::Failure(SyntaxError::expected(rest, "`step`")));
            }
            rest = after;
            break;
        }
        let (after, parsed) = step(rest).map_err(cut)?;
        steps.push(parsed);
        rest = after;
    }
    Ok((
        rest,
        OperatorKind::Scan(Box::new(Scan {
            match_id,
            declarations,
            steps,
        })),
    ))
}

/// `Name:type [= default]`
fn declaration(input: Input<'_>) -> PResult<'_, ScanDeclaration> {
    let (rest, (name, ty)) = column_declaration(input)?;
    let (rest, default) = match symbol("=")(rest) {
        Ok((after, _)) => {
            let (after, value) = expression(after)?;
            (after, Some(value))
        }
        Err(_) => (rest, None),
    };
    Ok((rest, ScanDeclaration { name, ty, default }))
}

/// `step Name [output = all|last|none] : condition [=> Column = expr, …] ;`
fn step(input: Input<'_>) -> PResult<'_, ScanStep> {
    let (rest, keyword_span) = keyword("step")(input)?;
    let (rest, (step_name, name_span)) = name(rest)?;
    let (rest, found) = parameters(rest, &["output"])?;
    let mut output = ScanOutput::All;
    for parameter in found {
        if parameter.name == "output" {
            output = match parameter.value.as_str() {
                "all" => ScanOutput::All,
                "last" => ScanOutput::Last,
                "none" => ScanOutput::None,
                _ => return Err(invalid_value(&parameter, "all, last or none")),
            };
        }
    }
    let (rest, _) = symbol(":")(rest)?;
    let (mut rest, condition) = expression(rest)?;

    let mut assignments = Vec::new();
    if let Ok((after_arrow, _)) = symbol("=>")(rest) {
        rest = after_arrow;
        loop {
            let (after, (column, column_span)) = name(rest)?;
            let (after, _) = symbol("=")(after)?;
            let (after, value) = expression(after)?;
            assignments.push((
                Ident {
                    name: column,
                    span: column_span,
                },
                value,
            ));
            match symbol(",")(after) {
                Ok((after_comma, _)) => rest = after_comma,
                Err(_) => {
                    rest = after;
                    break;
                }
            }
        }
    }
    let (rest, _) = symbol(";")(rest)?;
    Ok((
        rest,
        ScanStep {
            name: Ident {
                name: step_name,
                span: name_span,
            },
            output,
            condition,
            assignments,
            span: keyword_span.start..rest.location_offset(),
        },
    ))
}
