//! The KQL parser: query text to [`ast::Script`].
//!
//! Built from nom combinators over the lexer's rules. The grammar it accepts is written
//! out in `grammar/kql.ebnf`; keep the two in step. Once a construct is recognised by its
//! keyword (`let`, `| where`, `datatable(`), a later failure is a hard error (`cut`), so the
//! message points into that construct instead of back at its start.
//!
//! Nesting depth is limited ([`MAX_DEPTH`]) so that hostile input such as ten thousand
//! opening parentheses fails with an error instead of overflowing the stack.

pub mod blocks;
mod definitions;
mod expr;
mod lookalikes;
mod operators;

use std::cell::Cell;

use nom::Err as NomErr;

use crate::ast::{Expr, ExprKind, Ident, Operator, OperatorKind, Script, Statement};
use crate::error::{Error, ErrorKind};
use crate::lexer::{
    name, symbol, token, trim_kql_whitespace, trivia, Input, PResult, SyntaxError, TokenKind,
};
use lookalikes::describe_lookalike;
pub(crate) use lookalikes::typographic_quote_hint;

pub use expr::expression;
pub use operators::{KNOWN_UNSUPPORTED_OPERATORS, SUPPORTED_OPERATORS};

/// The deepest syntax tree the parser accepts. Nested brackets and calls count, and so
/// does every operand of a chain such as `a + b + c` and every operator of a pipeline,
/// because later stages walk the tree recursively.
pub const MAX_DEPTH: usize = 1000;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of nesting for the life of the guard.
pub(crate) struct DepthGuard;

impl DepthGuard {
    pub(crate) fn enter(input: Input<'_>) -> Result<DepthGuard, NomErr<SyntaxError>> {
        let depth = DEPTH.with(|depth| {
            depth.set(depth.get() + 1);
            depth.get()
        });
        let guard = DepthGuard;
        if depth > MAX_DEPTH {
            let offset = input.location_offset();
            return Err(NomErr::Failure(SyntaxError::message(
                offset,
                offset + 1,
                format!(
                    "query is nested too deeply or has too long a chain of operators \
                     (more than {MAX_DEPTH} levels); split it with `let` statements"
                ),
            )));
        }
        Ok(guard)
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// Stack for the parser thread. Recursive descent needs several frames per nesting
/// level, and unoptimised builds use large frames, so [`MAX_DEPTH`] levels need far more
/// than the default 2 MiB. Only the pages actually touched are committed.
const PARSER_STACK_BYTES: usize = 256 << 20;

/// Runs `work` on a thread with a stack large enough for [`MAX_DEPTH`] levels.
pub fn with_large_stack<T: Send>(
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("kql-query".to_string())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, work);
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Evaluation,
                    "the query stopped on an internal error in kql; please report it with \
                     the query",
                ))
            }),
            Err(spawn_error) => Err(Error::new(
                ErrorKind::Evaluation,
                format!(
                    "failed to start a thread for the query: {spawn_error}; close other \
                     programs or raise the limit on processes (ulimit -u)"
                ),
            )),
        }
    })
}

/// Parses a whole query text.
pub fn parse(source: &str) -> Result<Script, Error> {
    with_large_stack(|| parse_on_this_thread(source))
}

fn parse_on_this_thread(source: &str) -> Result<Script, Error> {
    DEPTH.with(|depth| depth.set(0));
    let input = Input::new(source);
    match script(input) {
        Ok((_, parsed)) => Ok(parsed),
        Err(NomErr::Error(error)) | Err(NomErr::Failure(error)) => Err(to_error(error, source)),
        Err(NomErr::Incomplete(_)) => Err(Error::syntax(
            source.len()..source.len(),
            "unexpected end of query",
        )),
    }
}

/// Parses one scalar expression (used by tests and by callers that take an expression
/// on the command line).
pub fn parse_expression(source: &str) -> Result<Expr, Error> {
    with_large_stack(|| parse_expression_on_this_thread(source))
}

fn parse_expression_on_this_thread(source: &str) -> Result<Expr, Error> {
    DEPTH.with(|depth| depth.set(0));
    let input = Input::new(source);
    let result = expression(input).and_then(|(rest, parsed)| {
        let (rest, _) = trivia(rest)?;
        if rest.fragment().is_empty() {
            Ok((rest, parsed))
        } else {
            Err(NomErr::Error(SyntaxError::expected(
                rest,
                "end of expression",
            )))
        }
    });
    match result {
        Ok((_, parsed)) => Ok(parsed),
        Err(NomErr::Error(error)) | Err(NomErr::Failure(error)) => Err(to_error(error, source)),
        Err(NomErr::Incomplete(_)) => Err(Error::syntax(0..0, "unexpected end of expression")),
    }
}

fn to_error(error: SyntaxError, source: &str) -> Error {
    let offset = error.offset.min(source.len());
    let end = error.end.clamp(offset, source.len());
    let kind = if error.unsupported {
        ErrorKind::Unsupported
    } else {
        ErrorKind::Syntax
    };
    if let Some(message) = error.message {
        let mut converted = Error::at(kind, offset..end, message);
        converted.hints = error.hints;
        return converted;
    }
    let found = describe_found(&source[offset..]);
    let expected = match error.expected.as_slice() {
        [] => "valid KQL".to_string(),
        [one] => one.clone(),
        many => {
            let (last, rest) = many.split_last().unwrap_or((&many[0], &[]));
            format!("{} or {}", rest.join(", "), last)
        }
    };
    Error::at(
        kind,
        offset..end,
        format!("expected {expected}, found {found}"),
    )
}

fn describe_found(rest: &str) -> String {
    let tokens = crate::lexer::tokenize(rest);
    // A line break is named, not printed, so that the message stays on one line.
    let is_trivia = |kind| matches!(kind, TokenKind::Whitespace | TokenKind::Comment);
    if let Some(first) = tokens.first() {
        if is_trivia(first.kind) && rest[first.span.clone()].contains(['\n', '\r']) {
            return "the end of the line".to_string();
        }
    }
    match tokens.iter().find(|token| !is_trivia(token.kind)) {
        None => "end of query".to_string(),
        Some(first) => {
            let text = &rest[first.span.clone()];
            if let Some(description) = text.chars().next().and_then(describe_lookalike) {
                return description;
            }
            let shown: String = text.chars().take(30).collect();
            format!("`{shown}`")
        }
    }
}

fn script(input: Input<'_>) -> PResult<'_, Script> {
    let mut statements = Vec::new();
    let mut rest = input;
    loop {
        let (after_trivia, _) = trivia(rest)?;
        if after_trivia.fragment().is_empty() {
            rest = after_trivia;
            break;
        }
        if let Ok((after, _)) = symbol(";")(after_trivia) {
            rest = after;
            continue;
        }
        let (after, parsed) = statement(after_trivia)?;
        statements.push(parsed);
        let (after, _) = trivia(after)?;
        if after.fragment().is_empty() {
            rest = after;
            break;
        }
        match symbol(";")(after) {
            Ok((after_semicolon, _)) => rest = after_semicolon,
            Err(_) => {
                return Err(NomErr::Failure(SyntaxError::expected(
                    after,
                    "`;` or `|` or end of query",
                )))
            }
        }
    }
    if statements.is_empty() {
        let offset = rest.location_offset();
        return Err(NomErr::Failure(SyntaxError::message(
            offset,
            offset,
            "the query is empty",
        )));
    }
    Ok((rest, Script { statements }))
}

fn statement(input: Input<'_>) -> PResult<'_, Statement> {
    if let Ok((rest, _)) = symbol("let")(input) {
        return let_statement(rest).map_err(cut);
    }
    if let Ok((rest, _)) = symbol("set")(input) {
        return set_statement(rest).map_err(cut);
    }
    for keyword in ["declare", "alias", "pattern", "restrict"] {
        if let Ok((rest, _)) = symbol(keyword)(input) {
            let offset = input.location_offset()
                + (input.fragment().len() - trim_kql_whitespace(input.fragment()).len());
            return Err(NomErr::Failure(SyntaxError::unsupported(
                offset,
                rest.location_offset(),
                format!("`{keyword}` statements are not supported yet"),
            )));
        }
    }
    let (rest, query) = expr::pipeline(input)?;
    Ok((rest, Statement::Query(query)))
}

/// `let Name = value` or `let Name = [view] (params) { body }`, after `let`.
pub(crate) fn let_statement(input: Input<'_>) -> PResult<'_, Statement> {
    let (rest, (text, span)) = name(input)?;
    let (rest, _) = symbol("=")(rest)?;
    let name = Ident { name: text, span };
    let (after_trivia, _) = trivia(rest)?;
    if definitions::looks_like_function_definition(after_trivia) {
        let (rest, function) = definitions::function_definition(after_trivia)?;
        return Ok((rest, Statement::LetFunction { name, function }));
    }
    let (rest, value) = expr::pipeline(rest)?;
    Ok((rest, Statement::Let { name, value }))
}

fn set_statement(input: Input<'_>) -> PResult<'_, Statement> {
    let (rest, (first, span)) = name(input)?;
    let mut full = first;
    let mut rest = rest;
    let mut end = span.end;
    while let Ok((after, _)) = nom::character::complete::char::<_, SyntaxError>('.')(rest) {
        let (after, (part, part_span)) = name(after)?;
        full.push('.');
        full.push_str(&part);
        end = part_span.end;
        rest = after;
    }
    let ident = Ident {
        name: full,
        span: span.start..end,
    };
    match symbol("=")(rest) {
        Ok((after, _)) => {
            let (after, value) = expression(after)?;
            Ok((
                after,
                Statement::Set {
                    name: ident,
                    value: Some(value),
                },
            ))
        }
        Err(_) => Ok((
            rest,
            Statement::Set {
                name: ident,
                value: None,
            },
        )),
    }
}

/// Turns a recoverable error into a hard one.
pub(crate) fn cut(error: NomErr<SyntaxError>) -> NomErr<SyntaxError> {
    match error {
        NomErr::Error(inner) => NomErr::Failure(inner),
        other => other,
    }
}

/// Runs `parser` after trivia and returns its result with the span it covered.
pub(crate) fn spanned<'a, T>(
    mut parser: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, (T, std::ops::Range<usize>)> {
    move |input: Input<'a>| {
        let (input, _) = trivia(input)?;
        let start = input.location_offset();
        let (rest, value) = parser(input)?;
        Ok((rest, (value, start..rest.location_offset())))
    }
}

pub(crate) fn make_expr(kind: ExprKind, span: std::ops::Range<usize>) -> Expr {
    Expr { kind, span }
}

/// Wraps an operator that starts a pipeline (`union T, U`, `search in (T) "x"`) as a pipe
/// whose source is an empty `datatable`, which the binder ignores because the operator
/// is marked as leading. `start` is where the operator's keyword begins.
pub(crate) fn leading_operator(kind: OperatorKind, start: usize, end: usize) -> Expr {
    let source = make_expr(
        ExprKind::DataTable {
            columns: Vec::new(),
            values: Vec::new(),
        },
        start..start,
    );
    let operator = Operator {
        kind,
        span: start..end,
    };
    make_expr(
        ExprKind::Pipe {
            source: Box::new(source),
            operators: vec![operator],
        },
        start..end,
    )
}

/// A keyword after trivia, returning its span.
pub(crate) fn keyword<'a>(
    text: &'static str,
) -> impl FnMut(Input<'a>) -> PResult<'a, std::ops::Range<usize>> {
    move |input: Input<'a>| {
        let (input, _) = trivia(input)?;
        let start = input.location_offset();
        let (rest, _) = symbol(text)(input)?;
        Ok((rest, start..rest.location_offset()))
    }
}

/// A parenthesised, comma-separated list (possibly empty), each item read by `item`.
pub(crate) fn paren_list<'a, T>(
    mut item: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, Vec<T>> {
    move |input: Input<'a>| {
        let (mut rest, _) = symbol("(")(input)?;
        let _depth = DepthGuard::enter(rest)?;
        let mut items = Vec::new();
        if let Ok((after, _)) = symbol(")")(rest) {
            return Ok((after, items));
        }
        loop {
            let (after, parsed) = item(rest).map_err(cut)?;
            items.push(parsed);
            if let Ok((after_comma, _)) = symbol(",")(after) {
                rest = after_comma;
                continue;
            }
            let (after, _) = token(symbol(")"))(after)
                .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `)`")))?;
            return Ok((after, items));
        }
    }
}

#[cfg(test)]
mod tests;
