//! Binding of `parse-kv` (learn.microsoft.com/kusto/query/parse-kv-operator) and of the
//! `range` source (learn.microsoft.com/kusto/query/range-operator).

use std::sync::Arc;

use regex::Regex;

use super::plan::{KvExtraction, ParseKvPlan, Plan, PlanKind, RangePlan};
use super::plugins::constant;
use super::Binder;
use crate::ast::{Expr, Ident, ParseKv, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Field, Schema};
use crate::value::{Type, Value};

/// `parse-kv`: each listed key becomes a column, replacing an input column of the same
/// name in place or appended after the input columns.
pub fn bind_parse_kv(
    binder: &mut Binder<'_>,
    input: Plan,
    parse: &ParseKv,
    span: Span,
) -> Result<Plan> {
    let text = binder.bind_scalar(&parse.source, &input.schema)?;
    let extraction = extraction(binder, &parse.properties, &span)?;

    let mut fields = input.schema.fields.clone();
    let mut keys = Vec::new();
    for (name, ty) in &parse.columns {
        if keys.iter().any(|(key, _, _)| key == &name.name) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                name.span.clone(),
                format!("key `{}` appears twice in parse-kv", name.name),
            ));
        }
        super::names::check_assignable(&name.name, name.span.clone(), &input.schema)?;
        let field = Field::new(name.name.clone(), *ty);
        let position = match fields.iter().position(|f| f.name == name.name) {
            Some(position) => {
                fields[position] = field;
                position
            }
            None => {
                fields.push(field);
                fields.len() - 1
            }
        };
        keys.push((name.name.clone(), position, *ty));
    }
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::ParseKv(Box::new(ParseKvPlan {
            input,
            text,
            extraction,
            keys,
        })),
        span,
    })
}

/// Reads the `with (…)` properties into an extraction mode.
fn extraction(
    binder: &mut Binder<'_>,
    properties: &[(Ident, Expr)],
    span: &Span,
) -> Result<KvExtraction> {
    let mut pair_delimiter = None;
    let mut kv_delimiter = None;
    let mut quotes = Vec::new();
    let mut escapes = Vec::new();
    let mut regex = None;
    for (name, value_expr) in properties {
        let value = constant(binder, value_expr, "parse-kv")?;
        let text = || -> Result<String> {
            match &value {
                Value::String(text) => Ok(text.to_string()),
                _ => Err(Error::at(
                    ErrorKind::TypeMismatch,
                    value_expr.span.clone(),
                    format!("`{}` of parse-kv must be a string", name.name),
                )),
            }
        };
        match name.name.as_str() {
            "pair_delimiter" => pair_delimiter = Some(non_empty(text()?, value_expr)?),
            "kv_delimiter" => kv_delimiter = Some(non_empty(text()?, value_expr)?),
            "quote" => {
                let chars: Vec<char> = text()?.chars().collect();
                let pair = match chars.as_slice() {
                    [both] => (*both, *both),
                    [open, close] => (*open, *close),
                    _ => {
                        return Err(Error::at(
                            ErrorKind::TypeMismatch,
                            value_expr.span.clone(),
                            "`quote` of parse-kv takes one character, or two for different opening and closing quotes",
                        ))
                    }
                };
                quotes.push(pair);
            }
            "escape" => {
                let chars: Vec<char> = text()?.chars().collect();
                let [escape] = chars.as_slice() else {
                    return Err(Error::at(
                        ErrorKind::TypeMismatch,
                        value_expr.span.clone(),
                        "`escape` of parse-kv takes one character",
                    ));
                };
                escapes.push(*escape);
            }
            "regex" => {
                let pattern = text()?;
                let compiled = Regex::new(&pattern).map_err(|error| {
                    Error::at(
                        ErrorKind::TypeMismatch,
                        value_expr.span.clone(),
                        format!("invalid regular expression in parse-kv: {error}"),
                    )
                })?;
                if compiled.captures_len() != 3 {
                    return Err(Error::at(
                        ErrorKind::TypeMismatch,
                        value_expr.span.clone(),
                        "the parse-kv regex needs exactly two capture groups: the key, then the value",
                    ));
                }
                regex = Some(compiled);
            }
            "greedy" => {
                return Err(Error::unsupported(
                    name.span.clone(),
                    "`greedy` of parse-kv is not supported yet",
                ))
            }
            other => {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    name.span.clone(),
                    format!("unknown parse-kv property `{other}`; use pair_delimiter, kv_delimiter, quote, escape or regex"),
                ))
            }
        }
    }
    if let Some(regex) = regex {
        if pair_delimiter.is_some() || kv_delimiter.is_some() || !quotes.is_empty() {
            return Err(Error::at(
                ErrorKind::Syntax,
                span.clone(),
                "parse-kv takes either `regex` or delimiters, not both",
            ));
        }
        return Ok(KvExtraction::Regex(Arc::new(regex)));
    }
    match (pair_delimiter, kv_delimiter) {
        (Some(pair_delimiter), Some(kv_delimiter)) => Ok(KvExtraction::Delimited {
            pair_delimiter,
            kv_delimiter,
            quotes,
            escapes,
        }),
        (None, None) => Err(Error::unsupported(
            span.clone(),
            "parse-kv without delimiters (any non-alphanumeric character as a delimiter) is not supported yet",
        )
        .with_hint("give `pair_delimiter` and `kv_delimiter`, or a `regex`")),
        _ => Err(Error::at(
            ErrorKind::Syntax,
            span.clone(),
            "parse-kv needs both `pair_delimiter` and `kv_delimiter`",
        )),
    }
}

fn non_empty(text: String, expr: &Expr) -> Result<String> {
    if text.is_empty() {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            "a parse-kv delimiter cannot be empty",
        ));
    }
    Ok(text)
}

/// `range Column from start to stop step step`: whole numbers give a `long` column, any
/// `real` a `real` column, datetimes with a timespan step a `datetime` column, and
/// timespans a `timespan` column.
pub fn bind_range(
    binder: &mut Binder<'_>,
    column: &Ident,
    start: &Expr,
    stop: &Expr,
    step: &Expr,
    span: Span,
) -> Result<Plan> {
    let start = binder.bind_scalar(start, &Schema::default())?;
    let stop = binder.bind_scalar(stop, &Schema::default())?;
    let step = binder.bind_scalar(step, &Schema::default())?;
    let whole = |ty: Type| matches!(ty, Type::Int | Type::Long);
    let number = |ty: Type| matches!(ty, Type::Int | Type::Long | Type::Real);
    let ty = match (start.ty, stop.ty, step.ty) {
        (a, b, c) if whole(a) && whole(b) && whole(c) => Type::Long,
        (a, b, c) if number(a) && number(b) && number(c) => Type::Real,
        (Type::DateTime, Type::DateTime, Type::Timespan) => Type::DateTime,
        (Type::Timespan, Type::Timespan, Type::Timespan) => Type::Timespan,
        (a, b, c) => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                span,
                format!("range needs numbers, datetimes with a timespan step, or timespans; found {a}, {b} and step {c}"),
            ))
        }
    };
    Ok(Plan {
        schema: Schema::new(vec![Field::new(column.name.clone(), ty)]),
        kind: PlanKind::Range(Box::new(RangePlan { start, stop, step })),
        span,
    })
}
