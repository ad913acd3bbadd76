//! `search`, both after `|` and at the start of a pipeline
//! (learn.microsoft.com/kusto/query/search-operator).

use nom::Err as NomErr;

use super::parameters::{invalid_value, parameters};
use super::union::union_table;
use crate::ast::{Expr, Ident, OperatorKind, Search, SearchPredicate, UnionTable};
use crate::lexer::{name, symbol, trivia, Input, PResult, SyntaxError};
use crate::parser::expr::comparison;
use crate::parser::{cut, keyword, leading_operator, DepthGuard};

/// `T | search [kind=…] predicate`
pub fn search_operator(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, search) = search_arguments(input, false)?;
    Ok((rest, OperatorKind::Search(search)))
}

/// `search …` starting a pipeline: a pipe with no source of its own, whose only operator
/// is the search. The source is an empty `datatable` that the binder ignores because the
/// search is marked `leading`, as for a leading `union`.
pub fn search_source(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, search) = search_arguments(input, true).map_err(cut)?;
    let end = rest.location_offset();
    Ok((
        rest,
        leading_operator(OperatorKind::Search(search), start, end),
    ))
}

fn search_arguments(input: Input<'_>, leading: bool) -> PResult<'_, Search> {
    let (mut rest, found) = parameters(input, &["kind"])?;
    let mut case_sensitive = false;
    for parameter in &found {
        if parameter.name == "kind" {
            case_sensitive = match parameter.value.as_str() {
                "case_sensitive" => true,
                "case_insensitive" | "default" => false,
                _ => {
                    return Err(invalid_value(
                        parameter,
                        "case_sensitive, case_insensitive or default",
                    ))
                }
            };
        }
    }

    let mut tables = None;
    if let Ok((after_in, in_span)) = keyword("in")(rest) {
        if !leading {
            return Err(NomErr::Failure(SyntaxError::message(
                in_span.start,
                in_span.end,
                "`search in (…)` takes no piped input; start the query with it, or drop `in (…)` to search the piped rows",
            )));
        }
        let (after, list) = table_list(after_in)?;
        tables = Some(list);
        rest = after;
    }

    let (rest, predicate) = predicate_or(rest).map_err(cut)?;
    Ok((
        rest,
        Search {
            case_sensitive,
            tables,
            predicate,
            leading,
        },
    ))
}

/// `(T, U*, (subquery), …)`
fn table_list(input: Input<'_>) -> PResult<'_, Vec<UnionTable>> {
    let (mut rest, _) = symbol("(")(input)?;
    let mut tables = Vec::new();
    loop {
        let (after, table) = union_table(rest).map_err(cut)?;
        tables.push(table);
        if let Ok((after_comma, _)) = symbol(",")(after) {
            rest = after_comma;
            continue;
        }
        let (after, _) = symbol(")")(after)
            .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `)`")))?;
        return Ok((after, tables));
    }
}

fn predicate_or(input: Input<'_>) -> PResult<'_, SearchPredicate> {
    let (mut rest, mut left) = predicate_and(input)?;
    let mut depth = Vec::new();
    while let Ok((after, _)) = symbol("or")(rest) {
        depth.push(DepthGuard::enter(after)?);
        let (after, right) = predicate_and(after).map_err(cut)?;
        left = SearchPredicate::Or(Box::new(left), Box::new(right));
        rest = after;
    }
    Ok((rest, left))
}

fn predicate_and(input: Input<'_>) -> PResult<'_, SearchPredicate> {
    let (mut rest, mut left) = predicate_atom(input)?;
    let mut depth = Vec::new();
    while let Ok((after, _)) = symbol("and")(rest) {
        depth.push(DepthGuard::enter(after)?);
        let (after, right) = predicate_atom(after).map_err(cut)?;
        left = SearchPredicate::And(Box::new(left), Box::new(right));
        rest = after;
    }
    Ok((rest, left))
}

/// Parses one operand of `and`/`or`: a parenthesised predicate, `Column:term`, or an
/// expression without `and`/`or` at its top level.
fn predicate_atom(input: Input<'_>) -> PResult<'_, SearchPredicate> {
    let (input, _) = trivia(input)?;
    let _depth = DepthGuard::enter(input)?;
    if input.fragment().starts_with('(') {
        // `("a" or "b")` groups predicates, but `(x + 1) > 2` is an expression. The text
        // after the closing parenthesis decides which one the input is.
        let grouped = symbol("(")(input)
            .and_then(|(after, _)| predicate_or(after))
            .and_then(|(after, inner)| symbol(")")(after).map(|(rest, _)| (rest, inner)));
        if let Ok((rest, inner)) = grouped {
            if ends_operand(rest) {
                return Ok((rest, inner));
            }
        }
    }
    if let Ok((after_name, (column, span))) = name(input) {
        if let Ok((after_colon, _)) = symbol(":")(after_name) {
            let (rest, term) = comparison(after_colon).map_err(cut)?;
            return Ok((
                rest,
                SearchPredicate::ColumnTerm {
                    column: Ident { name: column, span },
                    term,
                },
            ));
        }
    }
    let (rest, expr) = comparison(input)?;
    Ok((rest, SearchPredicate::Expr(expr)))
}

/// True when the text after a parenthesised predicate ends that operand: the end of the
/// query, `|`, `;`, `)`, `and` or `or`.
fn ends_operand(rest: Input<'_>) -> bool {
    let Ok((after, _)) = trivia(rest) else {
        return false;
    };
    let text = after.fragment();
    text.is_empty()
        || text.starts_with(['|', ';', ')'])
        || symbol("and")(after).is_ok()
        || symbol("or")(after).is_ok()
}
