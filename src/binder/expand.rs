//! Binding of the operators that derive columns from one value per row in several
//! parts: `mv-expand` and `parse`/`parse-where`.

use std::sync::Arc;

use regex::Regex;

use super::plan::{MvExpandColumn, MvExpandPlan, ParsePlan, Plan, PlanKind};
use super::result_names::result_name;
use super::Binder;
use crate::ast::{MvExpand, Parse, ParseKind, ParseSegment, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Field, Schema};
use crate::value::Type;

/// The default row limit of `mv-expand`, and of the legacy `mvexpand`
/// (learn.microsoft.com/kusto/query/mv-expand-operator).
const MV_EXPAND_LIMIT: usize = 2_147_483_647;
const LEGACY_MVEXPAND_LIMIT: usize = 128;

/// `mv-expand`: an expanded column replaces the input column of the same name, or is
/// appended; `with_itemindex` appends the index column last.
pub fn bind_mv_expand(
    binder: &mut Binder<'_>,
    input: Plan,
    expand: &MvExpand,
    legacy: bool,
    span: Span,
) -> Result<Plan> {
    let mut fields = input.schema.fields.clone();
    let mut items = Vec::new();
    for item in &expand.items {
        let expr = binder.bind_scalar(&item.expr, &input.schema)?;
        if expr.ty != Type::Dynamic {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                item.expr.span.clone(),
                format!(
                    "mv-expand needs a dynamic array or property bag, not {}",
                    expr.ty
                ),
            )
            .with_hint("convert a JSON text first with parse_json()"));
        }
        let name = match &item.name {
            Some(name) => name.name.clone(),
            None => result_name(&item.expr, &input.schema).ok_or_else(|| {
                Error::at(
                    ErrorKind::Syntax,
                    item.expr.span.clone(),
                    "name the expanded expression: `mv-expand Name = expression`",
                )
            })?,
        };
        let ty = item.to_type.unwrap_or(Type::Dynamic);
        let at = item
            .name
            .as_ref()
            .map_or(item.expr.span.clone(), |name| name.span.clone());
        super::names::check_assignable(&name, at, &input.schema)?;
        let output = match fields.iter().position(|field| field.name == name) {
            Some(position) => {
                fields[position] = Field::new(name, ty);
                position
            }
            None => {
                fields.push(Field::new(name, ty));
                fields.len() - 1
            }
        };
        items.push(MvExpandColumn {
            expr,
            output,
            to_type: item.to_type,
        });
    }
    if let Some(index) = &expand.item_index {
        if fields.iter().any(|field| field.name == index.name) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                index.span.clone(),
                format!("the item index column `{}` already exists", index.name),
            ));
        }
        fields.push(Field::new(index.name.clone(), Type::Long));
    }
    let limit = match &expand.limit {
        Some(count) => super::tabular::row_count(binder, count, "mv-expand limit")?,
        None if legacy => LEGACY_MVEXPAND_LIMIT,
        None => MV_EXPAND_LIMIT,
    };
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::MvExpand(Box::new(MvExpandPlan {
            input,
            items,
            limit,
            bag_as_array: expand.bag_as_array,
            item_index: expand.item_index.is_some(),
            arrays_only: false,
        })),
        span,
    })
}

/// `parse`: the pattern becomes one anchored regular expression with a named capture group
/// per column, so that groups inside a `kind=regex` pattern do not shift the columns
/// (learn.microsoft.com/kusto/query/parse-operator). In `simple` and `relaxed` mode `*`
/// and string columns match `.*?`. In `regex` mode `*` matches `.*?`, as the reference
/// states, and string columns the greedy `.*`, which the `U` flag makes lazy: the
/// reference's regex examples extract `PipelineScheduler, …, releaseTime=…` for
/// `* "resourceName=" resourceName ',' *` and only `PipelineScheduler` with `flags=Ui`.
/// Regex-mode literals are joined as they are, as the reference shows the generated
/// regular expression, so an inline flag such as `(?i)` in one reaches the rest of the
/// pattern. Numeric columns match digits. In `relaxed` mode a numeric column falls
/// back to `.*?` where no number fits, and a value that does not convert becomes null.
pub fn bind_parse(binder: &mut Binder<'_>, input: Plan, parse: &Parse, span: Span) -> Result<Plan> {
    let text = binder.bind_scalar(&parse.source, &input.schema)?;
    let mut fields = input.schema.fields.clone();
    let mut pattern = String::new();
    match (&parse.flags, parse.kind) {
        (Some(flags), ParseKind::Regex) => {
            if !flags.chars().all(|c| matches!(c, 'U' | 'm' | 's' | 'i')) {
                return Err(Error::unsupported(
                    span.clone(),
                    format!("regex flags `{flags}` are not supported yet; use U, m, s or i"),
                ));
            }
            pattern.push_str(&format!("(?{flags})"));
        }
        (Some(_), _) => {
            return Err(Error::at(
                ErrorKind::Syntax,
                span.clone(),
                "`flags=` applies only to `parse kind=regex`",
            ))
        }
        (None, ParseKind::Regex) => {}
        (None, _) => pattern.push_str("(?s)"),
    }
    pattern.push('^');
    let any_text = ".*?";
    let column_text = if parse.kind == ParseKind::Regex {
        ".*"
    } else {
        any_text
    };
    let mut captures = Vec::new();
    let mut previous_was_string_column = false;
    for segment in &parse.pattern {
        match segment {
            ParseSegment::Literal(literal) => {
                if parse.kind == ParseKind::Regex {
                    pattern.push_str(literal);
                } else {
                    pattern.push_str(&regex::escape(literal));
                }
                previous_was_string_column = false;
            }
            ParseSegment::Wildcard => {
                if previous_was_string_column {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        span.clone(),
                        "a `*` cannot follow a string column in a parse pattern",
                    ));
                }
                pattern.push_str(any_text);
            }
            ParseSegment::Column { name, ty } => {
                let ty = ty.unwrap_or(Type::String);
                let number = match ty {
                    Type::Int | Type::Long => Some(r"-?\d+"),
                    Type::Real | Type::Decimal => Some(r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"),
                    _ => None,
                };
                // A relaxed numeric column takes the number when there is one and any text
                // otherwise, which then converts to null.
                let group = match (parse.kind, number) {
                    (ParseKind::Relaxed, Some(number)) => format!("{number}|{any_text}"),
                    (_, Some(number)) => number.to_string(),
                    (_, None) => column_text.to_string(),
                };
                pattern.push_str(&format!("(?P<{}>{group})", capture_name(captures.len())));
                previous_was_string_column = ty == Type::String;
                super::names::check_assignable(
                    &name.name,
                    name.span.clone(),
                    &Schema::new(fields.clone()),
                )?;
                let field = Field::new(name.name.clone(), ty);
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
                captures.push((position, ty));
            }
        }
    }
    pattern.push('$');
    let regex = Regex::new(&pattern).map_err(|error| {
        Error::at(
            ErrorKind::TypeMismatch,
            span.clone(),
            format!("the parse pattern is not a valid regular expression: {error}"),
        )
    })?;
    let groups = (0..captures.len())
        .map(|column| {
            let name = capture_name(column);
            regex
                .capture_names()
                .position(|group| group == Some(name.as_str()))
                .unwrap_or(0)
        })
        .collect();
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::Parse(Box::new(ParsePlan {
            input,
            text,
            regex: Arc::new(regex),
            captures,
            groups,
            filter: parse.filter,
            relaxed: parse.kind == ParseKind::Relaxed,
        })),
        span,
    })
}

/// Names the capture group of the parse column at `index`, in a form that a user's own
/// groups in a `kind=regex` pattern are unlikely to use.
fn capture_name(index: usize) -> String {
    format!("kql_parse_column_{index}")
}
