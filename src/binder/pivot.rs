//! `evaluate pivot(PivotColumn [, Aggregate] [, Key, …])`: one output column per distinct
//! value of the pivot column, so the binder runs the input to find the values
//! (learn.microsoft.com/kusto/query/pivot-plugin).
//!
//! The plan groups with `summarize Aggregate by Key…, PivotColumn` and then turns the
//! pivot column's values into columns. The keys default to every input column but the
//! pivot column and the aggregate's argument; the aggregate defaults to `count()`.

use super::data_dependent::{bind_columns_from_data, CreatedNames};
use super::plan::{PivotPlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{Assignment, Expr, ExprKind, Ident, OutputSchema, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::operators::keys::group_key;
use crate::table::{Field, Schema};
use crate::value::{Type, Value};

/// Aggregates whose cell for a key group without rows the reference page shows: `0` for
/// `count()` ("Pivot by a column") and for `sum()` ("Pivot by a column with aggregation
/// function"). The page lists more aggregates but shows no empty cell for them.
const AGGREGATES: [&str; 2] = ["count", "sum"];

pub(super) fn bind_pivot(
    binder: &mut Binder<'_>,
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    output_schema: Option<&OutputSchema>,
    span: Span,
) -> Result<Plan> {
    if let Some(schema) = output_schema {
        return Err(Error::unsupported(
            schema.span.clone(),
            "an output schema after `pivot` is not supported yet",
        ));
    }
    let Some((pivot_arg, rest)) = args.split_first() else {
        return Err(Error::syntax(
            plugin.span.clone(),
            "pivot needs the column to pivot as its first argument",
        ));
    };
    let pivot_column = column_name(pivot_arg)?;
    let (aggregate, key_args) = match rest.split_first() {
        Some((first, keys)) if matches!(first.kind, ExprKind::Call { .. }) => (Some(first), keys),
        _ => (None, rest),
    };
    let (aggregate_name, aggregate_columns) = match aggregate {
        Some(call) => aggregate_parts(call)?,
        None => ("count", Vec::new()),
    };

    // Each key with the span of its argument, or of the pivot column for default keys.
    let keys: Vec<(String, Span)> = if key_args.is_empty() {
        input
            .schema
            .names()
            .filter(|name| *name != pivot_column && !aggregate_columns.contains(name))
            .map(|name| (name.to_string(), pivot_arg.span.clone()))
            .collect()
    } else {
        key_args
            .iter()
            .map(|arg| column_name(arg).map(|name| (name.to_string(), arg.span.clone())))
            .collect::<Result<_>>()?
    };
    if keys.iter().any(|(key, _)| key == pivot_column) {
        return Err(Error::at(
            ErrorKind::Syntax,
            pivot_arg.span.clone(),
            format!("`{pivot_column}` is both the pivot column and a key column of pivot"),
        ));
    }

    let grouped = bind_grouping(binder, input, pivot_arg, aggregate, &keys, span.clone())?;
    let key_count = keys.len();
    let pivot_type = field_type(&grouped.schema, key_count);
    if !matches!(pivot_type, Some(Type::String | Type::Int | Type::Long)) {
        return Err(Error::unsupported(
            pivot_arg.span.clone(),
            "pivot of a column that is not string, int or long is not supported yet, because \
             the column names Kusto gives its values are not documented",
        )
        .with_hint(format!(
            "convert the column first: `extend {pivot_column} = tostring({pivot_column})`"
        )));
    }
    let cell_type = field_type(&grouped.schema, key_count + 1).unwrap_or(Type::Long);
    let empty_cell = empty_cell(aggregate_name, cell_type).ok_or_else(|| {
        Error::unsupported(
            aggregate.map_or(span.clone(), |call| call.span.clone()),
            format!("pivot with a `{aggregate_name}()` of type {cell_type} is not supported yet"),
        )
    })?;

    let key_fields: Vec<Field> = grouped
        .schema
        .fields
        .iter()
        .take(key_count)
        .cloned()
        .collect();
    let Some(probe) = binder.evaluate(&grouped) else {
        let creates = CreatedNames::PivotValues {
            integers: matches!(pivot_type, Some(Type::Int | Type::Long)),
        };
        if let Some(plan) = bind_columns_from_data(
            binder,
            grouped,
            key_fields,
            Some(cell_type),
            creates,
            plugin,
            span,
        ) {
            return Ok(plan);
        }
        return Err(Error::unsupported(
            plugin.span.clone(),
            "`pivot` cannot be checked without the data, because its columns are the values \
             of the pivot column; `kql run` supports it",
        ));
    };
    let probe = probe?;
    let pivot_values = probe
        .columns
        .get(key_count)
        .map(|values| values.as_slice())
        .unwrap_or_default();
    let values = distinct_values(pivot_values);

    let mut fields = key_fields;
    for value in &values {
        let name = column_name_of(value, &pivot_arg.span)?;
        if fields.iter().any(|field| field.name == name) {
            return Err(Error::unsupported(
                pivot_arg.span.clone(),
                format!("pivot value `{name}` has the name of another output column, which is not supported yet"),
            ));
        }
        fields.push(Field::new(name, cell_type));
    }
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::Pivot(Box::new(PivotPlan {
            input: grouped,
            key_count,
            values,
            empty_cell,
        })),
        span,
    })
}

/// Binds `summarize Aggregate by Key…, PivotColumn` over the input.
fn bind_grouping(
    binder: &mut Binder<'_>,
    input: Plan,
    pivot_arg: &Expr,
    aggregate: Option<&Expr>,
    keys: &[(String, Span)],
    span: Span,
) -> Result<Plan> {
    let mut by: Vec<Assignment> = keys
        .iter()
        .map(|(key, key_span)| Assignment {
            name: None,
            expr: Expr {
                kind: ExprKind::Name(key.clone()),
                span: key_span.clone(),
            },
        })
        .collect();
    by.push(Assignment {
        name: None,
        expr: pivot_arg.clone(),
    });
    let aggregate = aggregate.cloned().unwrap_or_else(|| Expr {
        kind: ExprKind::Call {
            name: Ident {
                name: "count".to_string(),
                span: pivot_arg.span.clone(),
            },
            args: Vec::new(),
        },
        span: pivot_arg.span.clone(),
    });
    let aggregates = [Assignment {
        name: None,
        expr: aggregate,
    }];
    super::summarize::bind_summarize(binder, input, &aggregates, &by, span)
}

/// Returns the aggregate's name and the columns its arguments name. Only `count()` and
/// `sum(Column)` are supported.
fn aggregate_parts(call: &Expr) -> Result<(&'static str, Vec<&str>)> {
    let ExprKind::Call { name, args } = &call.kind else {
        return Err(Error::syntax(
            call.span.clone(),
            "expected an aggregation function",
        ));
    };
    let Some(known) = AGGREGATES.iter().find(|known| **known == name.name) else {
        return Err(Error::unsupported(
            name.span.clone(),
            format!(
                "pivot with `{}()` is not supported yet, because the value of a cell without \
                 rows is documented only for {}",
                name.name,
                AGGREGATES.map(|known| format!("{known}()")).join(" and ")
            ),
        ));
    };
    let columns = args.iter().map(column_name).collect::<Result<Vec<_>>>()?;
    Ok((known, columns))
}

/// Returns the cell of a key group without rows for a pivot value: `0` of the
/// aggregate's type, as the page's examples show for `count()` and `sum()`.
fn empty_cell(aggregate: &str, ty: Type) -> Option<Value> {
    match (aggregate, ty) {
        (_, Type::Long) => Some(Value::Long(0)),
        ("sum", Type::Int) => Some(Value::Int(0)),
        ("sum", Type::Real) => Some(Value::Real(0.0)),
        _ => None,
    }
}

/// Returns the distinct values in order of first appearance.
fn distinct_values(values: &[Value]) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    values
        .iter()
        .filter(|value| group_key(value).is_some_and(|key| seen.insert(key)))
        .cloned()
        .collect()
}

/// Returns the output column name of a pivot value.
///
/// NOTE: the page does not say what column an empty string or a null becomes, so both
/// are rejected.
fn column_name_of(value: &Value, span: &Span) -> Result<String> {
    match value {
        Value::String(text) if !text.is_empty() => Ok(text.to_string()),
        Value::Int(_) | Value::Long(_) => Ok(value.to_kusto_string()),
        _ => Err(Error::unsupported(
            span.clone(),
            "pivot of an empty or null value is not supported yet, because the name of its \
             column is not documented",
        )
        .with_hint("filter the rows out first, or replace the value: `extend Col = iff(isempty(Col), \"(empty)\", Col)`")),
    }
}

fn column_name(expr: &Expr) -> Result<&str> {
    match &expr.kind {
        ExprKind::Name(name) => Ok(name),
        _ => Err(Error::unsupported(
            expr.span.clone(),
            "pivot takes column names here; an expression is not supported yet",
        )
        .with_hint("extend a column with the expression first")),
    }
}

fn field_type(schema: &Schema, position: usize) -> Option<Type> {
    schema.fields.get(position).map(|field| field.ty)
}
