//! User-defined function definitions (`let f = (a:string, T:(*)) { … }`) and the
//! `externaldata` source, whose column lists share one syntax: `Name:type`.

use nom::Err as NomErr;

use super::expr::{expression, pipeline};
use super::{cut, make_expr, paren_list, spanned, DepthGuard};
use crate::ast::{Expr, ExprKind, FunctionDefinition, Ident, Parameter, ParameterKind, Statement};
use crate::lexer::{name, symbol, trivia, Input, PResult, SyntaxError};
use crate::value::Type;

/// `Name:type`, as in `datatable`, `externaldata` and tabular parameters.
pub fn column_declaration(input: Input<'_>) -> PResult<'_, (Ident, Type)> {
    let (rest, (column_name, span)) = name(input)?;
    let (rest, _) = symbol(":")(rest)?;
    let (rest, ty) = type_name(rest)?;
    Ok((
        rest,
        (
            Ident {
                name: column_name,
                span,
            },
            ty,
        ),
    ))
}

fn type_name(input: Input<'_>) -> PResult<'_, Type> {
    let (rest, ((type_name, type_span), _)) = spanned(name)(input)?;
    match Type::from_name(&type_name) {
        Some(Type::Decimal) => Err(NomErr::Failure(decimal_type_unsupported(type_span))),
        Some(ty) => Ok((rest, ty)),
        None => Err(NomErr::Failure(SyntaxError::message(
            type_span.start,
            type_span.end,
            format!("unknown type `{type_name}`; use bool, int, long, real, decimal, string, datetime, timespan, guid or dynamic"),
        ))),
    }
}

/// Returns the error for the type name `decimal` in a query: kql has no exact decimal numbers
/// (see `binder::expr::decimal_unsupported`), so no column may be declared with it.
pub(crate) fn decimal_type_unsupported(span: std::ops::Range<usize>) -> SyntaxError {
    SyntaxError::unsupported(
        span.start,
        span.end,
        "the `decimal` type is not supported yet: kql has no exact 128-bit decimal numbers; \
         declare the column `real` where binary floating point is good enough",
    )
}

/// True when the text after `let Name =` opens a function definition: `view`, or `(`
/// followed by `)` or by `name:`, as in `let f = (x:string) { … }`.
pub fn looks_like_function_definition(input: Input<'_>) -> bool {
    let input = match symbol("view")(input) {
        Ok((rest, _)) => rest,
        Err(_) => input,
    };
    let Ok((rest, _)) = symbol("(")(input) else {
        return false;
    };
    if symbol(")")(rest).is_ok() {
        return true;
    }
    match name(rest) {
        Ok((after, _)) => symbol(":")(after).is_ok(),
        Err(_) => false,
    }
}

/// `[view] (parameters) { body }`.
pub fn function_definition(input: Input<'_>) -> PResult<'_, FunctionDefinition> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let (rest, view) = match symbol("view")(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (input, false),
    };
    let (rest, parameters) = paren_list(parameter)(rest)?;
    let (rest, _) = symbol("{")(rest)?;
    let _depth = DepthGuard::enter(rest)?;
    let (rest, body) = function_body(rest)?;
    let (rest, _) = symbol("}")(rest)
        .map_err(|_| NomErr::Failure(SyntaxError::expected(rest, "`;` or `}`")))?;
    let span = start..rest.location_offset();
    Ok((
        rest,
        FunctionDefinition {
            view,
            parameters,
            body,
            span,
        },
    ))
}

/// `name:type [= default]`, `name:(*)` or `name:(Col:type, …)`.
fn parameter(input: Input<'_>) -> PResult<'_, Parameter> {
    let (rest, (parameter_name, span)) = name(input)?;
    let (rest, _) = symbol(":")(rest)?;
    let name = Ident {
        name: parameter_name,
        span,
    };
    if let Ok((after_open, _)) = symbol("(")(rest) {
        if let Ok((after_star, _)) = symbol("*")(after_open) {
            let (rest, _) = symbol(")")(after_star)?;
            let kind = ParameterKind::Tabular(None);
            return Ok((
                rest,
                Parameter {
                    name,
                    kind,
                    default: None,
                },
            ));
        }
        let (rest, columns) = paren_list(column_declaration)(rest)?;
        let kind = ParameterKind::Tabular(Some(columns));
        return Ok((
            rest,
            Parameter {
                name,
                kind,
                default: None,
            },
        ));
    }
    let (rest, ty) = type_name(rest)?;
    let (rest, default) = match symbol("=")(rest) {
        Ok((after, _)) => {
            let (after, value) = expression(after).map_err(cut)?;
            (after, Some(value))
        }
        Err(_) => (rest, None),
    };
    let kind = ParameterKind::Scalar(ty);
    Ok((
        rest,
        Parameter {
            name,
            kind,
            default,
        },
    ))
}

/// `let` statements separated by `;`, then the expression the function returns, with
/// optional `;` after it.
fn function_body(input: Input<'_>) -> PResult<'_, Vec<Statement>> {
    let mut statements = Vec::new();
    let mut rest = input;
    loop {
        while let Ok((after, _)) = symbol(";")(rest) {
            rest = after;
        }
        if let Ok((after, _)) = symbol("let")(rest) {
            let (after, statement) = super::let_statement(after).map_err(cut)?;
            statements.push(statement);
            let (after, _) = symbol(";")(after).map_err(|_| {
                NomErr::Failure(SyntaxError::expected(
                    after,
                    "`;` after the `let` statement",
                ))
            })?;
            rest = after;
            continue;
        }
        if symbol("}")(rest).is_ok() {
            let offset = rest.location_offset();
            return Err(NomErr::Failure(SyntaxError::message(
                offset,
                offset + 1,
                "the function body has no value; end it with an expression, such as `{ T | where x > 1 }`",
            )));
        }
        let (after, value) = pipeline(rest).map_err(cut)?;
        statements.push(Statement::Query(value));
        let mut after = after;
        while let Ok((after_semicolon, _)) = symbol(";")(after) {
            after = after_semicolon;
        }
        return Ok((after, statements));
    }
}

/// `externaldata (A:type, …) [ uri, … ] [with (name = value, …)]`, after the keyword.
pub fn externaldata(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, columns) = paren_list(column_declaration)(input)?;
    if columns.is_empty() {
        return Err(NomErr::Failure(SyntaxError::message(
            start,
            rest.location_offset(),
            "externaldata needs at least one column, such as externaldata(Line:string)",
        )));
    }
    let (mut rest, _) = symbol("[")(rest)?;
    let mut uris = Vec::new();
    loop {
        let (after, uri) = expression(rest)?;
        uris.push(uri);
        if let Ok((after_comma, _)) = symbol(",")(after) {
            rest = after_comma;
            continue;
        }
        let (after, _) = symbol("]")(after)
            .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `]`")))?;
        rest = after;
        break;
    }
    let mut properties = Vec::new();
    if let Ok((after, _)) = symbol("with")(rest) {
        let (after, parsed) = paren_list(with_property)(after)?;
        properties = parsed;
        rest = after;
    }
    let span = start..rest.location_offset();
    let kind = ExprKind::ExternalData {
        columns,
        uris,
        properties,
    };
    Ok((rest, make_expr(kind, span)))
}

/// `name = value` inside `with (…)`, as `externaldata` and `parse-kv` write their
/// properties.
pub(crate) fn with_property(input: Input<'_>) -> PResult<'_, (Ident, Expr)> {
    let (rest, (property_name, span)) = name(input)?;
    let (rest, _) = symbol("=")(rest)?;
    let (rest, value) = expression(rest)?;
    let property = Ident {
        name: property_name,
        span,
    };
    Ok((rest, (property, value)))
}
