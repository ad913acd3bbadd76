//! Scalar expressions and pipelines.
//!
//! Precedence, loosest first, as in Kusto: `or`; `and`; comparisons and string predicates
//! (`==`, `<`, `has`, `in`, `between`, …, all one level, left to right); `+ -`; `* / %`;
//! unary `-`; member access `.name` and indexing `[…]`; primary expressions.

use nom::character::complete::char;
use nom::Err as NomErr;
use nom::InputTake;

use super::operators::operator;
use super::{cut, keyword, make_expr, paren_list, DepthGuard};
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, Operator, StringOp, StringTest};
use crate::lexer::{
    fail_expected, name, number_literal, raw_identifier, string_literal, symbol,
    trim_kql_whitespace, trivia, Input, PResult, SyntaxError,
};
use crate::value::{parse_datetime, parse_guid, parse_timespan, Type, Value};

/// `source | operator | …`, or a bare expression when no `|` follows.
pub fn pipeline(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let (mut rest, source) = pipeline_source(input)?;
    let mut source = source;
    let mut operators = Vec::new();
    let mut depth = Vec::new();
    while let Ok((after, _)) = symbol("|")(rest) {
        depth.push(DepthGuard::enter(after)?);
        if let Ok((after_keyword, _)) = keyword("invoke")(after) {
            let input = close_pipe(source, operators, start..rest.location_offset());
            let (after, invoked) = invoke(after_keyword, input).map_err(cut)?;
            source = invoked;
            operators = Vec::new();
            rest = after;
            continue;
        }
        let (after, parsed) = operator(after).map_err(cut)?;
        operators.push(parsed);
        rest = after;
    }
    Ok((
        rest,
        close_pipe(source, operators, start..rest.location_offset()),
    ))
}

/// Returns the source with the operators so far applied, or the source itself when
/// there are none.
fn close_pipe(source: Expr, operators: Vec<Operator>, span: std::ops::Range<usize>) -> Expr {
    if operators.is_empty() {
        return source;
    }
    let kind = ExprKind::Pipe {
        source: Box::new(source),
        operators,
    };
    make_expr(kind, span)
}

/// `invoke f(args)` after `|`: the pipeline so far becomes the function's first argument.
fn invoke(input: Input<'_>, piped: Expr) -> PResult<'_, Expr> {
    let (rest, (function_name, span)) = name(input)?;
    let (rest, args) = paren_list(call_argument)(rest)?;
    let full = piped.span.start..rest.location_offset();
    let kind = ExprKind::Invoke {
        input: Box::new(piped),
        function: Ident {
            name: function_name,
            span,
        },
        args,
    };
    Ok((rest, make_expr(kind, full)))
}

fn pipeline_source(input: Input<'_>) -> PResult<'_, Expr> {
    if let Ok((rest, span)) = keyword("print")(input) {
        let (rest, assignments) = super::operators::assignments(rest).map_err(cut)?;
        let span = span.start..rest.location_offset();
        return Ok((rest, make_expr(ExprKind::Print(assignments), span)));
    }
    if let Ok((rest, span)) = keyword("externaldata")(input) {
        if trim_kql_whitespace(rest.fragment()).starts_with('(') {
            return super::definitions::externaldata(rest, span.start).map_err(cut);
        }
    }
    if let Ok((rest, span)) = keyword("union")(input) {
        if !trim_kql_whitespace(rest.fragment()).starts_with(['=', '.']) {
            return super::operators::union_source(rest, span.start);
        }
    }
    if let Ok((rest, span)) = keyword("range")(input) {
        // `range(a, b, s)` is the scalar function, and `range = 5` or `range.x` are names.
        if !trim_kql_whitespace(rest.fragment()).starts_with(['=', '.', '(']) {
            return range_source(rest, span.start).map_err(cut);
        }
    }
    if let Ok((rest, span)) = keyword("search")(input) {
        // `search = 5` or `search.x` would be names, not the start of an operator.
        if !trim_kql_whitespace(rest.fragment()).starts_with(['=', '.']) {
            return super::operators::search_source(rest, span.start);
        }
    }
    for source_keyword in ["evaluate", "find"] {
        if let Ok((rest, span)) = keyword(source_keyword)(input) {
            // `evaluate = 5` or `find.x` would be names, not the start of an operator.
            if !trim_kql_whitespace(rest.fragment()).starts_with(['=', '.']) {
                return Err(NomErr::Failure(SyntaxError::unsupported(
                    span.start,
                    span.end,
                    format!("`{source_keyword}` is not supported yet"),
                )));
            }
        }
    }
    expression(input)
}

/// `range Column from start to stop step step`, after the `range` keyword.
fn range_source(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, (column, column_span)) = name(input)?;
    let (rest, _) = keyword("from")(rest)?;
    let (rest, from) = expression(rest)?;
    let (rest, _) = keyword("to")(rest)?;
    let (rest, to) = expression(rest)?;
    let (rest, _) = keyword("step")(rest)?;
    let (rest, step) = expression(rest)?;
    let kind = ExprKind::Range {
        column: Ident {
            name: column,
            span: column_span,
        },
        start: Box::new(from),
        stop: Box::new(to),
        step: Box::new(step),
    };
    Ok((rest, make_expr(kind, start..rest.location_offset())))
}

/// Any scalar expression.
pub fn expression(input: Input<'_>) -> PResult<'_, Expr> {
    let _depth = DepthGuard::enter(input)?;
    or_expression(input)
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.start..right.span.end;
    make_expr(
        ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    )
}

fn or_expression(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = and_expression(input)?;
    let mut depth = Vec::new();
    while let Ok((after, _)) = symbol("or")(rest) {
        depth.push(DepthGuard::enter(after)?);
        let (after, right) = and_expression(after).map_err(cut)?;
        left = binary(BinaryOp::Or, left, right);
        rest = after;
    }
    Ok((rest, left))
}

fn and_expression(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = comparison(input)?;
    let mut depth = Vec::new();
    while let Ok((after, _)) = symbol("and")(rest) {
        depth.push(DepthGuard::enter(after)?);
        let (after, right) = comparison(after).map_err(cut)?;
        left = binary(BinaryOp::And, left, right);
        rest = after;
    }
    Ok((rest, left))
}

/// The part of a comparison that follows the left operand.
enum ComparisonTail {
    Binary(BinaryOp),
    In {
        negated: bool,
        case_insensitive: bool,
    },
    HasAny {
        all: bool,
    },
    Between {
        negated: bool,
    },
}

fn comparison_operator(input: Input<'_>) -> PResult<'_, (ComparisonTail, std::ops::Range<usize>)> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let text = *input.fragment();
    const SYMBOLS: [(&str, BinaryOp); 9] = [
        ("==", BinaryOp::Equal),
        ("!=", BinaryOp::NotEqual),
        ("<>", BinaryOp::NotEqual),
        ("<=", BinaryOp::LessOrEqual),
        (">=", BinaryOp::GreaterOrEqual),
        ("=~", BinaryOp::EqualIgnoreCase),
        ("!~", BinaryOp::NotEqualIgnoreCase),
        ("<", BinaryOp::Less),
        (">", BinaryOp::Greater),
    ];
    for (spelling, op) in SYMBOLS {
        if text.starts_with(spelling) {
            let (rest, _) = input.take_split(spelling.len());
            return Ok((
                rest,
                (ComparisonTail::Binary(op), start..rest.location_offset()),
            ));
        }
    }

    let negated = text.starts_with('!');
    let word_input = if negated {
        input.take_split(1).0
    } else {
        input
    };
    let Ok((rest, word)) = raw_identifier(word_input) else {
        return fail_expected(input, "an operator");
    };
    let word = *word.fragment();
    let span_to = |rest: Input<'_>| start..rest.location_offset();

    if word == "in" {
        let (rest, case_insensitive) = match char::<_, SyntaxError>('~')(rest) {
            Ok((after, _)) => (after, true),
            Err(_) => (rest, false),
        };
        let tail = ComparisonTail::In {
            negated,
            case_insensitive,
        };
        return Ok((rest, (tail, span_to(rest))));
    }
    if word == "between" {
        return Ok((rest, (ComparisonTail::Between { negated }, span_to(rest))));
    }
    if !negated && (word == "has_any" || word == "has_all") {
        let all = word == "has_all";
        return Ok((rest, (ComparisonTail::HasAny { all }, span_to(rest))));
    }
    if !negated && word == "matches" {
        let (rest, _) = symbol("regex")(rest).map_err(cut)?;
        return Ok((
            rest,
            (
                ComparisonTail::Binary(BinaryOp::MatchesRegex),
                span_to(rest),
            ),
        ));
    }
    let (base, case_sensitive) = match word.strip_suffix("_cs") {
        Some(base) => (base, true),
        None => (word, false),
    };
    let test = match base {
        "has" => StringTest::Has,
        "hasprefix" => StringTest::HasPrefix,
        "hassuffix" => StringTest::HasSuffix,
        "contains" => StringTest::Contains,
        "startswith" => StringTest::StartsWith,
        "endswith" => StringTest::EndsWith,
        _ => return fail_expected(input, "an operator"),
    };
    let op = StringOp {
        test,
        case_sensitive,
        negated,
    };
    Ok((
        rest,
        (ComparisonTail::Binary(BinaryOp::Str(op)), span_to(rest)),
    ))
}

pub(crate) fn comparison(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = additive(input)?;
    let mut depth = Vec::new();
    while let Ok((after, (tail, _))) = comparison_operator(rest) {
        depth.push(DepthGuard::enter(after)?);
        let (after, combined) = comparison_right(after, left, tail).map_err(cut)?;
        left = combined;
        rest = after;
    }
    Ok((rest, left))
}

fn comparison_right(input: Input<'_>, left: Expr, tail: ComparisonTail) -> PResult<'_, Expr> {
    match tail {
        ComparisonTail::Binary(op) => {
            let (rest, right) = additive(input)?;
            Ok((rest, binary(op, left, right)))
        }
        ComparisonTail::In {
            negated,
            case_insensitive,
        } => {
            let (rest, list) = list_operand(input)?;
            let span = left.span.start..rest.location_offset();
            let kind = ExprKind::In {
                expr: Box::new(left),
                list,
                negated,
                case_insensitive,
            };
            Ok((rest, make_expr(kind, span)))
        }
        ComparisonTail::HasAny { all } => {
            let (rest, list) = list_operand(input)?;
            let span = left.span.start..rest.location_offset();
            let kind = ExprKind::HasAny {
                expr: Box::new(left),
                list,
                all,
            };
            Ok((rest, make_expr(kind, span)))
        }
        ComparisonTail::Between { negated } => {
            let (rest, _) = symbol("(")(input)?;
            let (rest, low) = expression(rest)?;
            let (rest, _) = symbol("..")(rest)?;
            let (rest, high) = expression(rest)?;
            let (rest, _) = symbol(")")(rest)?;
            let span = left.span.start..rest.location_offset();
            let kind = ExprKind::Between {
                expr: Box::new(left),
                low: Box::new(low),
                high: Box::new(high),
                negated,
            };
            Ok((rest, make_expr(kind, span)))
        }
    }
}

/// The right side of `in` and `has_any`: a parenthesised list of expressions or a
/// tabular expression, or a bare name of a `let`-bound list or table.
fn list_operand(input: Input<'_>) -> PResult<'_, Vec<Expr>> {
    let (input, _) = trivia(input)?;
    if input.fragment().starts_with('(') {
        return paren_list(pipeline)(input);
    }
    let (rest, single) = postfix(input)?;
    Ok((rest, vec![single]))
}

fn additive(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = multiplicative(input)?;
    let mut depth = Vec::new();
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let op = match after_trivia.fragment().as_bytes() {
            [b'+', ..] => BinaryOp::Add,
            [b'-', ..] => BinaryOp::Subtract,
            _ => break,
        };
        depth.push(DepthGuard::enter(after_trivia)?);
        let (after, _) = after_trivia.take_split(1);
        let (after, right) = multiplicative(after).map_err(cut)?;
        left = binary(op, left, right);
        rest = after;
    }
    Ok((rest, left))
}

fn multiplicative(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = unary(input)?;
    let mut depth = Vec::new();
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let op = match after_trivia.fragment().as_bytes() {
            [b'*', ..] => BinaryOp::Multiply,
            [b'/', b'/', ..] => break,
            [b'/', ..] => BinaryOp::Divide,
            [b'%', ..] => BinaryOp::Modulo,
            _ => break,
        };
        depth.push(DepthGuard::enter(after_trivia)?);
        let (after, _) = after_trivia.take_split(1);
        let (after, right) = unary(after).map_err(cut)?;
        left = binary(op, left, right);
        rest = after;
    }
    Ok((rest, left))
}

fn unary(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let text = *input.fragment();
    if text.starts_with('-') || text.starts_with('+') {
        let negative = text.starts_with('-');
        let _depth = DepthGuard::enter(input)?;
        let (rest, operand) = unary(input.take_split(1).0).map_err(cut)?;
        let span = start..rest.location_offset();
        if !negative {
            return Ok((rest, operand));
        }
        // Fold `-6` into a literal so that `-9223372036854775808`-style values and
        // negative timespans stay literals.
        let folded = match &operand.kind {
            ExprKind::Literal(Value::Long(n), ty) => n
                .checked_neg()
                .map(|n| ExprKind::Literal(Value::Long(n), *ty)),
            ExprKind::Literal(Value::Real(x), ty) => Some(ExprKind::Literal(Value::Real(-x), *ty)),
            ExprKind::Literal(Value::Timespan(t), ty) => {
                Some(ExprKind::Literal(Value::Timespan(-t), *ty))
            }
            _ => None,
        };
        let kind = folded.unwrap_or_else(|| ExprKind::Negate(Box::new(operand)));
        return Ok((rest, make_expr(kind, span)));
    }
    postfix(input)
}

fn postfix(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut base) = primary(input)?;
    let mut depth = Vec::new();
    loop {
        let (after_trivia, _) = trivia(rest)?;
        let text = *after_trivia.fragment();
        if text.starts_with('.') && !text.starts_with("..") {
            let after_dot = after_trivia.take_split(1).0;
            let (after_dot_trivia, _) = trivia(after_dot)?;
            if after_dot_trivia.fragment().starts_with('[') {
                // `x.[0]` and `x.['key']` select an element as `x[0]` does; Kusto's
                // parser reads a bracketed selector after a dot (`ParsePathElementSelector`
                // in github.com/microsoft/Kusto-Query-Language).
                rest = after_dot;
                continue;
            }
            depth.push(DepthGuard::enter(after_trivia)?);
            let (after, (member, span)) = name(after_dot).map_err(cut)?;
            let full = base.span.start..span.end;
            base = make_expr(
                ExprKind::Member {
                    expr: Box::new(base),
                    name: Ident { name: member, span },
                },
                full,
            );
            rest = after;
            continue;
        }
        if text.starts_with('[') {
            let _depth = DepthGuard::enter(after_trivia)?;
            let (after, index) = expression(after_trivia.take_split(1).0).map_err(cut)?;
            let (after, _) = symbol("]")(after).map_err(cut)?;
            let full = base.span.start..after.location_offset();
            base = make_expr(
                ExprKind::Index {
                    expr: Box::new(base),
                    index: Box::new(index),
                },
                full,
            );
            rest = after;
            continue;
        }
        break;
    }
    Ok((rest, base))
}

/// Type names that form literals: `int(5)`, `datetime(2025-01-01)`, `long(null)`.
fn literal_type(word: &str) -> Option<Type> {
    match word {
        "bool" | "boolean" | "int" | "long" | "real" | "double" | "decimal" | "datetime"
        | "date" | "timespan" | "time" | "guid" | "string" => Type::from_name(word),
        _ => None,
    }
}

fn primary(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    let text = *input.fragment();

    if text.starts_with('(') {
        let _depth = DepthGuard::enter(input)?;
        let (rest, inner) = pipeline(input.take_split(1).0).map_err(cut)?;
        let (rest, _) = symbol(")")(rest).map_err(cut)?;
        // Keep the inner span: a parenthesised expression is the expression itself.
        return Ok((rest, inner));
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let (rest, value) = number_literal(input)?;
        let ty = value.type_of().unwrap_or(Type::Long);
        return Ok((
            rest,
            make_expr(ExprKind::Literal(value, ty), start..rest.location_offset()),
        ));
    }
    if matches!(
        text.as_bytes(),
        [b'\'' | b'"', ..] | [b'@' | b'h' | b'H', b'\'' | b'"', ..] | [b'h' | b'H', b'@', ..]
    ) || text.starts_with("```")
        || text.starts_with("~~~")
    {
        match string_literal(input) {
            Ok((rest, value)) => {
                let span = start..rest.location_offset();
                return Ok((
                    rest,
                    make_expr(ExprKind::Literal(Value::from(value), Type::String), span),
                ));
            }
            Err(NomErr::Failure(error)) => return Err(NomErr::Failure(error)),
            Err(_) => {}
        }
    }
    if text.starts_with('*') {
        let (rest, _) = input.take_split(1);
        return Ok((rest, make_expr(ExprKind::Star, start..start + 1)));
    }
    if text.starts_with('[') {
        let (rest, (quoted, span)) = name(input)?;
        return Ok((rest, make_expr(ExprKind::Name(quoted), span)));
    }

    let Ok((after_word, word)) = raw_identifier(input) else {
        return fail_expected(input, "an expression");
    };
    let word = *word.fragment();
    let word_span = start..after_word.location_offset();
    match word {
        "true" | "True" | "TRUE" => {
            return Ok((
                after_word,
                make_expr(ExprKind::Literal(Value::Bool(true), Type::Bool), word_span),
            ))
        }
        "false" | "False" | "FALSE" => {
            return Ok((
                after_word,
                make_expr(ExprKind::Literal(Value::Bool(false), Type::Bool), word_span),
            ))
        }
        _ => {}
    }
    let opens_call = trim_kql_whitespace(after_word.fragment()).starts_with('(');
    if opens_call {
        if word == "dynamic" {
            return dynamic_literal(after_word, start).map_err(cut);
        }
        if word == "datatable" {
            return datatable(after_word, start).map_err(cut);
        }
        if let Some(ty) = literal_type(word) {
            return typed_literal(after_word, start, word, ty).map_err(cut);
        }
        let (rest, args) = paren_list(call_argument)(after_word)?;
        let span = start..rest.location_offset();
        let call = ExprKind::Call {
            name: Ident {
                name: word.to_string(),
                span: word_span,
            },
            args,
        };
        return Ok((rest, make_expr(call, span)));
    }
    Ok((
        after_word,
        make_expr(ExprKind::Name(word.to_string()), word_span),
    ))
}

/// One argument of a call: `Name = pipeline` or a bare `pipeline`.
pub(crate) fn call_argument(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if let Ok((after_name, (text, span))) = name(input) {
        let (after_trivia, _) = trivia(after_name)?;
        let fragment = *after_trivia.fragment();
        if fragment.starts_with('=') && !fragment.starts_with("==") && !fragment.starts_with("=~") {
            let (rest, value) = pipeline(after_trivia.take_split(1).0).map_err(cut)?;
            let kind = ExprKind::NamedArgument {
                name: Ident { name: text, span },
                value: Box::new(value),
            };
            return Ok((rest, make_expr(kind, start..rest.location_offset())));
        }
    }
    pipeline(input)
}

/// `type(text)`: the text up to the closing parenthesis, converted to the type.
fn typed_literal<'a>(input: Input<'a>, start: usize, word: &str, ty: Type) -> PResult<'a, Expr> {
    let (rest, _) = symbol("(")(input)?;
    let (rest, _) = trivia(rest)?;
    let body_start = rest.location_offset();
    let body_text = *rest.fragment();
    let Some(close) = body_text.find(')') else {
        return fail_expected(rest, "`)`");
    };
    let raw = body_text[..close].trim();
    let (after, _) = rest.take_split(close + 1);
    let span = start..after.location_offset();
    let bad = |what: &str| {
        NomErr::Failure(SyntaxError::message(
            body_start,
            body_start + close,
            format!("invalid {word} literal `{raw}`: {what}"),
        ))
    };
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(raw);
    if ty == Type::DateTime && raw.is_empty() {
        // `datetime()` is the current time, as `now()` gives it
        // (learn.microsoft.com/kusto/query/scalar-data-types/datetime).
        let name = Ident {
            name: "now".to_string(),
            span: span.clone(),
        };
        let args = Vec::new();
        return Ok((after, make_expr(ExprKind::Call { name, args }, span)));
    }
    let value = if raw == "null" {
        Value::Null
    } else {
        match ty {
            Type::Bool => match raw {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                _ => return Err(bad("expected true or false")),
            },
            Type::Int => raw
                .parse::<i32>()
                .map(Value::Int)
                .map_err(|_| bad("expected a 32-bit integer"))?,
            Type::Long => raw
                .parse::<i64>()
                .map(Value::Long)
                .map_err(|_| bad("expected an integer"))?,
            Type::Real | Type::Decimal => match raw {
                "nan" | "NaN" => Value::Real(f64::NAN),
                "+inf" | "inf" => Value::Real(f64::INFINITY),
                "-inf" => Value::Real(f64::NEG_INFINITY),
                _ => raw
                    .parse::<f64>()
                    .map(Value::Real)
                    .map_err(|_| bad("expected a number"))?,
            },
            Type::DateTime => parse_datetime(unquoted)
                .map(Value::DateTime)
                .ok_or_else(|| bad("expected a date such as 2025-08-29 or 2025-08-29T10:15:00Z"))?,
            Type::Timespan => parse_timespan_literal(unquoted)
                .map(Value::Timespan)
                .ok_or_else(|| bad("expected a timespan such as 1d, 30m or 01:30:00"))?,
            Type::Guid => parse_guid(unquoted).map(Value::Guid).ok_or_else(|| {
                bad("expected a GUID such as 00000000-0000-0000-0000-000000000000")
            })?,
            Type::String => {
                let (_, text) =
                    string_literal(Input::new(raw)).map_err(|_| bad("expected a quoted string"))?;
                Value::from(text)
            }
            Type::Dynamic => return Err(bad("dynamic literals take JSON")),
        }
    };
    let value = if ty == Type::String && value.is_null() {
        Value::from("")
    } else {
        value
    };
    Ok((after, make_expr(ExprKind::Literal(value, ty), span)))
}

/// Reads the value of a `timespan(…)` or `time(…)` literal: the forms [`parse_timespan`]
/// reads, plus a bare number of days (`time(2)`) and a number and unit apart
/// (`time(15 seconds)`), which learn.microsoft.com/kusto/query/scalar-data-types/timespan
/// lists among the literal forms.
fn parse_timespan_literal(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.parse::<f64>().is_ok() {
        return parse_timespan(&format!("{text}d"));
    }
    match text.split_whitespace().collect::<Vec<_>>().as_slice() {
        [number, unit]
            if number.parse::<f64>().is_ok() && unit.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            parse_timespan(&format!("{number}{unit}"))
        }
        _ => parse_timespan(text),
    }
}

/// `dynamic(json)`: JSON with KQL extensions (single-quoted strings, `datetime(…)` and
/// other typed literals as values, timespans).
fn dynamic_literal(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, _) = symbol("(")(input)?;
    let (rest, value) = json_value(rest)?;
    let (rest, _) = symbol(")")(rest)?;
    let span = start..rest.location_offset();
    Ok((rest, make_expr(ExprKind::Dynamic(value), span)))
}

fn json_value(input: Input<'_>) -> PResult<'_, serde_json::Value> {
    use serde_json::Value as Json;
    let _depth = DepthGuard::enter(input)?;
    let (input, _) = trivia(input)?;
    let text = *input.fragment();
    if text.starts_with('[') {
        let mut items = Vec::new();
        let (mut rest, _) = input.take_split(1);
        if let Ok((after, _)) = symbol("]")(rest) {
            return Ok((after, Json::Array(items)));
        }
        loop {
            let (after, item) = json_value(rest)?;
            items.push(item);
            if let Ok((after_comma, _)) = symbol(",")(after) {
                if let Ok((after_close, _)) = symbol("]")(after_comma) {
                    return Ok((after_close, Json::Array(items)));
                }
                rest = after_comma;
                continue;
            }
            let (after, _) = symbol("]")(after)
                .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `]`")))?;
            return Ok((after, Json::Array(items)));
        }
    }
    if text.starts_with('{') {
        let mut bag = serde_json::Map::new();
        let (mut rest, _) = input.take_split(1);
        if let Ok((after, _)) = symbol("}")(rest) {
            return Ok((after, Json::Object(bag)));
        }
        loop {
            let (after, key) = string_literal(rest)?;
            let (after, _) = symbol(":")(after)?;
            let (after, item) = json_value(after)?;
            bag.insert(key, item);
            if let Ok((after_comma, _)) = symbol(",")(after) {
                rest = after_comma;
                continue;
            }
            let (after, _) = symbol("}")(after)
                .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `}`")))?;
            return Ok((after, Json::Object(bag)));
        }
    }
    if let Ok((rest, text)) = string_literal(input) {
        return Ok((rest, Json::String(text)));
    }
    let start = input.location_offset();
    let (negative, number_input) = match text.strip_prefix('-') {
        Some(_) => (true, input.take_split(1).0),
        None => (false, input),
    };
    if number_input
        .fragment()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        let (rest, value) = number_literal(number_input)?;
        let json = match value {
            Value::Long(n) => Json::from(if negative { -n } else { n }),
            Value::Real(x) => serde_json::Number::from_f64(if negative { -x } else { x })
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Value::Timespan(t) => {
                Json::String(crate::value::format_timespan(if negative { -t } else { t }))
            }
            _ => Json::Null,
        };
        return Ok((rest, json));
    }
    let (rest, word) = raw_identifier(input)?;
    match *word.fragment() {
        "true" => return Ok((rest, Json::Bool(true))),
        "false" => return Ok((rest, Json::Bool(false))),
        "null" => return Ok((rest, Json::Null)),
        _ => {}
    }
    if let Some(ty) = literal_type(word.fragment()) {
        let (rest, literal) = typed_literal(rest, start, word.fragment(), ty)?;
        if let ExprKind::Literal(value, _) = literal.kind {
            return Ok((rest, value.to_json()));
        }
    }
    fail_expected(input, "a JSON value")
}

/// `datatable(Name:type, …)[value, …]`: values fill the columns row by row.
fn datatable(input: Input<'_>, start: usize) -> PResult<'_, Expr> {
    let (rest, columns) = paren_list(super::definitions::column_declaration)(input)?;
    let (rest, _) = symbol("[")(rest)?;
    let mut values = Vec::new();
    let mut rest = rest;
    if let Ok((after, _)) = symbol("]")(rest) {
        rest = after;
    } else {
        loop {
            let (after, value) = expression(rest)?;
            values.push(value);
            if let Ok((after_comma, _)) = symbol(",")(after) {
                if let Ok((after_close, _)) = symbol("]")(after_comma) {
                    rest = after_close;
                    break;
                }
                rest = after_comma;
                continue;
            }
            let (after, _) = symbol("]")(after)
                .map_err(|_| NomErr::Failure(SyntaxError::expected(after, "`,` or `]`")))?;
            rest = after;
            break;
        }
    }
    let span = start..rest.location_offset();
    if columns.is_empty() {
        return Err(NomErr::Failure(SyntaxError::message(
            start,
            span.end,
            "datatable needs at least one column",
        )));
    }
    if values.len() % columns.len() != 0 {
        return Err(NomErr::Failure(SyntaxError::message(
            start,
            span.end,
            format!(
                "datatable has {} values for {} columns; the number of values must be a multiple of {}",
                values.len(),
                columns.len(),
                columns.len()
            ),
        )));
    }
    Ok((
        rest,
        make_expr(ExprKind::DataTable { columns, values }, span),
    ))
}
