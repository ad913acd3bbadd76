//! Tabular operators: what follows each `|`.

use nom::Err as NomErr;
use nom::InputTake;

use super::expr::{expression, pipeline};
use super::{cut, keyword};
use crate::ast::{Assignment, Ident, JoinKey, LookupKind, Operator, OperatorKind};
use crate::error::closest;
use crate::lexer::{
    name, raw_identifier, symbol, trim_kql_whitespace, trivia, Input, PResult, SyntaxError,
};

mod grouping;
mod join;
mod parameters;
mod parse;
mod parse_kv;
mod partition;
mod projection;
mod scan;
mod search;
mod series;
mod union;

pub use search::search_source;
pub use union::union_source;

/// The operators this parser implements.
pub const SUPPORTED_OPERATORS: [&str; 38] = [
    "where",
    "filter",
    "extend",
    "project",
    "take",
    "limit",
    "sample",
    "count",
    "lookup",
    "summarize",
    "distinct",
    "sort",
    "order",
    "top",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "join",
    "mv-expand",
    "mvexpand",
    "mv-apply",
    "mvapply",
    "make-series",
    "union",
    "as",
    "serialize",
    "getschema",
    "render",
    "parse",
    "parse-where",
    "evaluate",
    "parse-kv",
    "range",
    "search",
    "invoke",
    "partition",
    "scan",
];

/// KQL operators that exist but that this engine does not run yet. Naming them gives a
/// "not supported yet" error instead of a syntax error.
pub const KNOWN_UNSUPPORTED_OPERATORS: [&str; 11] = [
    "sample-distinct",
    "top-nested",
    "top-hitters",
    "fork",
    "facet",
    "reduce",
    "consume",
    "find",
    "graph-match",
    "make-graph",
    "project-smart",
];

/// One operator after `|`.
pub fn operator(input: Input<'_>) -> PResult<'_, Operator> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let (rest, word) = operator_name(input)?;
    let word_end = rest.location_offset();
    let (rest, kind) = match word.as_str() {
        "where" | "filter" => {
            let (rest, predicate) = expression(rest).map_err(cut)?;
            (rest, OperatorKind::Where(predicate))
        }
        "extend" => {
            let (rest, items) = assignments(rest).map_err(cut)?;
            (rest, OperatorKind::Extend(items))
        }
        "project" => {
            let (rest, items) = assignments(rest).map_err(cut)?;
            (rest, OperatorKind::Project(items))
        }
        "take" | "limit" => {
            let (rest, count) = expression(rest).map_err(cut)?;
            (rest, OperatorKind::Take(count))
        }
        "sample" => {
            let (rest, count) = expression(rest).map_err(cut)?;
            (rest, OperatorKind::Sample(count))
        }
        "count" => (rest, OperatorKind::Count),
        "lookup" => lookup(rest).map_err(cut)?,
        "summarize" => grouping::summarize(rest).map_err(cut)?,
        "distinct" => grouping::distinct(rest).map_err(cut)?,
        "sort" | "order" => grouping::sort(rest).map_err(cut)?,
        "top" => grouping::top(rest).map_err(cut)?,
        "project-away" => projection::project_away(rest).map_err(cut)?,
        "project-keep" => projection::project_keep(rest).map_err(cut)?,
        "project-rename" => projection::project_rename(rest).map_err(cut)?,
        "project-reorder" => projection::project_reorder(rest).map_err(cut)?,
        "join" => join::join(rest).map_err(cut)?,
        "mv-expand" => join::mv_expand(rest, false).map_err(cut)?,
        "mvexpand" => join::mv_expand(rest, true).map_err(cut)?,
        "mv-apply" | "mvapply" => join::mv_apply(rest).map_err(cut)?,
        "make-series" => series::make_series(rest).map_err(cut)?,
        "union" => union::union_operator(rest).map_err(cut)?,
        "as" => projection::as_operator(rest).map_err(cut)?,
        "serialize" => projection::serialize(rest).map_err(cut)?,
        "getschema" => (rest, OperatorKind::GetSchema),
        "render" => projection::render(rest).map_err(cut)?,
        "parse" => parse::parse(rest, false).map_err(cut)?,
        "parse-where" => parse::parse(rest, true).map_err(cut)?,
        "evaluate" => projection::evaluate(rest).map_err(cut)?,
        "parse-kv" => parse_kv::parse_kv(rest).map_err(cut)?,
        "search" => search::search_operator(rest).map_err(cut)?,
        "partition" => partition::partition(rest).map_err(cut)?,
        "scan" => scan::scan(rest).map_err(cut)?,
        "range" => {
            return Err(NomErr::Failure(SyntaxError::message(
                start,
                word_end,
                "`range` starts a query and takes no piped input; write `range X from a to b step s` first",
            )))
        }
        other => {
            let known = KNOWN_UNSUPPORTED_OPERATORS.contains(&other);
            if known {
                return Err(NomErr::Failure(SyntaxError::unsupported(
                    start,
                    word_end,
                    format!("operator `{other}` is not supported yet"),
                )));
            }
            let candidates = SUPPORTED_OPERATORS
                .iter()
                .chain(KNOWN_UNSUPPORTED_OPERATORS.iter())
                .copied();
            let mut message = format!("unknown operator `{other}`");
            if let Some(suggestion) = closest(other, candidates) {
                message.push_str(&format!("; did you mean `{suggestion}`?"));
            }
            return Err(NomErr::Failure(SyntaxError::message(
                start, word_end, message,
            )));
        }
    };
    Ok((
        rest,
        Operator {
            kind,
            span: start..rest.location_offset(),
        },
    ))
}

/// An operator name: a word, with `-` joining words as in `mv-expand`.
fn operator_name(input: Input<'_>) -> PResult<'_, String> {
    let (mut rest, first) = raw_identifier(input)
        .map_err(|_| NomErr::Failure(SyntaxError::expected(input, "an operator name after `|`")))?;
    let mut word = first.fragment().to_string();
    while rest.fragment().starts_with('-') {
        let Ok((after, part)) = raw_identifier(rest.take_split(1).0) else {
            break;
        };
        word.push('-');
        word.push_str(part.fragment());
        rest = after;
    }
    Ok((rest, word))
}

/// `Name = expr, expr, …` as `extend`, `project` and `print` take them.
pub fn assignments(input: Input<'_>) -> PResult<'_, Vec<Assignment>> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let (after, item) = assignment(rest)?;
        items.push(item);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, items)),
        }
    }
}

pub(super) fn assignment(input: Input<'_>) -> PResult<'_, Assignment> {
    let (input, _) = trivia(input)?;
    if input.fragment().starts_with('(') {
        if let Some(parsed) = tuple_assignment(input) {
            return parsed;
        }
    }
    if let Ok((after_name, (text, span))) = name(input) {
        let (after_trivia, _) = trivia(after_name)?;
        let fragment = *after_trivia.fragment();
        let assigns =
            fragment.starts_with('=') && !fragment.starts_with("==") && !fragment.starts_with("=~");
        if assigns {
            let (rest, expr) = expression(after_trivia.take_split(1).0).map_err(cut)?;
            return Ok((
                rest,
                Assignment {
                    name: Some(Ident { name: text, span }),
                    expr,
                },
            ));
        }
    }
    let (rest, expr) = expression(input)?;
    Ok((rest, Assignment { name: None, expr }))
}

/// Parses `(A, B) = expr`, which assigns several columns from one call, when the input
/// has that form.
///
/// Only `arg_max` and `arg_min` take it here: `(A, B) = arg_max(x, y)` names the result
/// columns of `x` and `y` (github.com/microsoft/Kusto-Query-Language,
/// doc/arg-max-aggfunction.md), so it becomes `arg_max(A = x, B = y)`. Every other use
/// is an error.
fn tuple_assignment(input: Input<'_>) -> Option<PResult<'_, Assignment>> {
    let start = input.location_offset();
    let (mut rest, _) = symbol("(")(input).ok()?;
    let mut names = Vec::new();
    loop {
        let (after, (text, span)) = name(rest).ok()?;
        names.push(Ident { name: text, span });
        if let Ok((after_comma, _)) = symbol(",")(after) {
            rest = after_comma;
            continue;
        }
        let (after, _) = symbol(")")(after).ok()?;
        let (after, _) = symbol("=")(after).ok()?;
        let unsupported = |end: usize| {
            NomErr::Failure(SyntaxError::unsupported(
                start,
                end,
                "assigning several columns at once, `(A, B) = …`, is not supported yet",
            ))
        };
        let (after_expr, expr) = match expression(after) {
            Ok(parsed) => parsed,
            Err(error) => return Some(Err(error)),
        };
        let named = name_arguments(expr, names);
        return Some(match named {
            Some(expr) => Ok((after_expr, Assignment { name: None, expr })),
            None => Err(unsupported(after.location_offset())),
        });
    }
}

/// Rewrites `arg_max(x, y)` with names `(A, B)` into `arg_max(A = x, B = y)`, or returns
/// `None` for another call, a count mismatch, `*` or an argument that is already named.
fn name_arguments(expr: crate::ast::Expr, names: Vec<Ident>) -> Option<crate::ast::Expr> {
    let crate::ast::ExprKind::Call { name: callee, args } = expr.kind else {
        return None;
    };
    let row_selecting = matches!(
        callee.name.as_str(),
        "arg_max" | "arg_min" | "argmax" | "argmin"
    );
    let plain = args.iter().all(|arg| {
        !matches!(
            arg.kind,
            crate::ast::ExprKind::Star | crate::ast::ExprKind::NamedArgument { .. }
        )
    });
    if !row_selecting || !plain || args.len() != names.len() {
        return None;
    }
    let args = args
        .into_iter()
        .zip(names)
        .map(|(value, name)| crate::ast::Expr {
            span: name.span.start..value.span.end,
            kind: crate::ast::ExprKind::NamedArgument {
                name,
                value: Box::new(value),
            },
        })
        .collect();
    Some(crate::ast::Expr {
        kind: crate::ast::ExprKind::Call { name: callee, args },
        span: expr.span,
    })
}

fn lookup(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let mut kind = LookupKind::LeftOuter;
    let mut rest = input;
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let Ok((after_name, (parameter, span))) = name(after_trivia) else {
            break;
        };
        if parameter == "kind" {
            let (after, _) = symbol("=")(after_name)?;
            let (after, (value, value_span)) = name(after)?;
            kind = match value.as_str() {
                "leftouter" => LookupKind::LeftOuter,
                "inner" => LookupKind::Inner,
                _ => {
                    return Err(NomErr::Failure(SyntaxError::message(
                        value_span.start,
                        value_span.end,
                        format!("invalid lookup kind `{value}`; use leftouter or inner"),
                    )))
                }
            };
            rest = after;
            continue;
        }
        if parameter == "hint" && after_name.fragment().starts_with('.') {
            // `hint.remote=…` and `hint.strategy=…` tune distribution in a cluster; they
            // do not change the result, so they are accepted and ignored.
            let (after, _) = name(after_name.take_split(1).0)?;
            let (after, _) = symbol("=")(after)?;
            let (after, _) = name(after)?;
            rest = after;
            continue;
        }
        let _ = span;
        break;
    }
    let (rest, right) = lookup_right(rest)?;
    let (rest, _) = keyword("on")(rest)?;
    let (rest, on) = join_keys(rest)?;
    Ok((
        rest,
        OperatorKind::Lookup {
            kind,
            right: Box::new(right),
            on,
        },
    ))
}

/// The right side of `lookup`/`join`: a name, a call such as `f(x)`, or a parenthesised
/// tabular expression.
pub(super) fn lookup_right(input: Input<'_>) -> PResult<'_, crate::ast::Expr> {
    let (input, _) = trivia(input)?;
    if input.fragment().starts_with('(') {
        let (rest, _) = symbol("(")(input)?;
        let (rest, inner) = pipeline(rest)?;
        let (rest, _) = symbol(")")(rest)?;
        return Ok((rest, inner));
    }
    let (rest, (text, span)) = name(input)?;
    if trim_kql_whitespace(rest.fragment()).starts_with('(') {
        // A call to a tabular function, such as `join (…) on K` written `join f(x) on K`.
        return expression(input);
    }
    Ok((
        rest,
        crate::ast::Expr {
            kind: crate::ast::ExprKind::Name(text),
            span,
        },
    ))
}

/// `Key, $left.A == $right.B, …`
pub fn join_keys(input: Input<'_>) -> PResult<'_, Vec<JoinKey>> {
    let mut keys = Vec::new();
    let mut rest = input;
    loop {
        let (after, key) = join_key(rest)?;
        keys.push(key);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, keys)),
        }
    }
}

fn join_key(input: Input<'_>) -> PResult<'_, JoinKey> {
    let (rest, (first, first_span)) = name(input)?;
    if first != "$left" && first != "$right" {
        return Ok((
            rest,
            JoinKey::Same(Ident {
                name: first,
                span: first_span,
            }),
        ));
    }
    let (rest, first_column) = side_column(rest)?;
    let (rest, _) = symbol("==")(rest)?;
    let (rest, (second, second_span)) = name(rest)?;
    let expected_second = if first == "$left" { "$right" } else { "$left" };
    if second != expected_second {
        return Err(NomErr::Failure(SyntaxError::message(
            second_span.start,
            second_span.end,
            format!("expected `{expected_second}.Column` on the other side of `==`"),
        )));
    }
    let (rest, second_column) = side_column(rest)?;
    let (left, right) = if first == "$left" {
        (first_column, second_column)
    } else {
        (second_column, first_column)
    };
    Ok((rest, JoinKey::Pair { left, right }))
}

fn side_column(input: Input<'_>) -> PResult<'_, Ident> {
    let (rest, _) = symbol(".")(input)?;
    let (rest, (column, span)) = name(rest)?;
    Ok((rest, Ident { name: column, span }))
}
