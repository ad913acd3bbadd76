//! Binding of the operators that combine tables: `join` and `union`.

use super::names::unknown_table;
use super::plan::{JoinColumn, JoinPlan, Plan, PlanKind, UnionInput};
use super::reshape::{matches_pattern, push_unique};
use super::Binder;
use crate::ast::{ExprKind, JoinKey, JoinKind, Span, Union, UnionTable};
use crate::error::{Error, Result};
use crate::table::{Field, Schema};
use crate::value::Type;

/// `join`: the output has the left columns, then the right columns with taken names
/// numbered (`DeviceId1`); the semi and anti kinds keep one side only
/// (learn.microsoft.com/kusto/query/join-operator).
pub fn bind_join(
    binder: &mut Binder<'_>,
    left: Plan,
    kind: JoinKind,
    right: &crate::ast::Expr,
    on: &[JoinKey],
    span: Span,
) -> Result<Plan> {
    let right = super::tabular::bind(binder, right)?;
    let (left_keys, right_keys) =
        super::tabular::resolve_keys(&left.schema, &right.schema, on, "join")?;

    let mut fields: Vec<Field> = Vec::new();
    let mut output = Vec::new();
    let keeps_left = !matches!(kind, JoinKind::RightAnti | JoinKind::RightSemi);
    let keeps_right = !matches!(kind, JoinKind::LeftAnti | JoinKind::LeftSemi);
    if keeps_left {
        for (index, field) in left.schema.fields.iter().enumerate() {
            push_unique(&mut fields, &field.name, field.ty);
            output.push(JoinColumn::Left(index));
        }
    }
    if keeps_right {
        for (index, field) in right.schema.fields.iter().enumerate() {
            push_unique(&mut fields, &field.name, field.ty);
            output.push(JoinColumn::Right(index));
        }
    }
    Ok(Plan {
        kind: PlanKind::Join(Box::new(JoinPlan {
            left,
            right,
            kind,
            left_keys,
            right_keys,
            output,
        })),
        schema: Schema::new(fields),
        span,
    })
}

/// `union`: `kind=outer` (the default) keeps every column of every input, in order of
/// first appearance; `kind=inner` keeps the columns all inputs share. `withsource=Name`
/// adds a first column naming each row's table
/// (learn.microsoft.com/kusto/query/union-operator).
pub fn bind_union(
    binder: &mut Binder<'_>,
    input: Option<Plan>,
    union: &Union,
    span: Span,
) -> Result<Plan> {
    let mut inputs: Vec<(Plan, Option<String>, Span)> = Vec::new();
    if let Some(plan) = input {
        let source = match &plan.kind {
            PlanKind::Scan { table } => Some(table.clone()),
            _ => None,
        };
        let at = plan.span.clone();
        inputs.push((plan, source, at));
    }
    for table in &union.tables {
        match table {
            UnionTable::Expr(expr) => {
                let name = match &expr.kind {
                    ExprKind::Name(name) => Some(name.clone()),
                    _ => None,
                };
                let known = match &name {
                    Some(name) => binder.is_tabular(expr) || binder.tables.schema(name).is_some(),
                    None => true,
                };
                if !known && union.fuzzy {
                    continue;
                }
                let plan = super::tabular::bind(binder, expr)?;
                inputs.push((plan, name, expr.span.clone()));
            }
            UnionTable::Pattern(pattern) => {
                let mut names: Vec<String> = binder
                    .tables
                    .table_names()
                    .into_iter()
                    .filter(|name| matches_pattern(&pattern.name, name))
                    .collect();
                names.sort();
                for name in names {
                    let expr = crate::ast::Expr {
                        kind: ExprKind::Name(name.clone()),
                        span: pattern.span.clone(),
                    };
                    let plan = super::tabular::bind(binder, &expr)?;
                    inputs.push((plan, Some(name), pattern.span.clone()));
                }
            }
        }
    }
    if inputs.is_empty() {
        let mut candidates = binder.tables.table_names();
        candidates.extend(binder.binding_names());
        let missing = union
            .tables
            .iter()
            .map(|table| match table {
                UnionTable::Expr(expr) => (table_text(expr), expr.span.clone()),
                UnionTable::Pattern(pattern) => (pattern.name.clone(), pattern.span.clone()),
            })
            .next()
            .unwrap_or((String::new(), span.clone()));
        return Err(unknown_table(&missing.0, missing.1, &candidates));
    }

    let mut fields: Vec<Field> = Vec::new();
    if let Some(source) = &union.with_source {
        fields.push(Field::new(source.name.clone(), Type::String));
    }
    let first_data_column = fields.len();
    for (plan, _, at) in &inputs {
        for field in &plan.schema.fields {
            match fields[first_data_column..]
                .iter()
                .find(|existing| existing.name == field.name)
            {
                Some(existing) if existing.ty != field.ty => {
                    return Err(Error::unsupported(
                        at.clone(),
                        format!(
                            "union of column `{}` as both {} and {} is not supported yet; convert one side first",
                            field.name, existing.ty, field.ty
                        ),
                    ))
                }
                Some(_) => {}
                None => fields.push(field.clone()),
            }
        }
    }
    if union.inner {
        fields = fields
            .into_iter()
            .enumerate()
            .filter(|(position, field)| {
                *position < first_data_column
                    || inputs
                        .iter()
                        .all(|(plan, _, _)| plan.schema.index_of(&field.name).is_some())
            })
            .map(|(_, field)| field)
            .collect();
    }

    let mut union_inputs = Vec::new();
    for (plan, name, at) in inputs {
        let source = match (&union.with_source, name) {
            (None, _) => None,
            (Some(_), Some(name)) => Some(name),
            (Some(column), None) => return Err(Error::unsupported(
                at,
                format!(
                    "`withsource={}` for an input that is not a table name is not supported yet",
                    column.name
                ),
            )),
        };
        let columns = fields
            .iter()
            .enumerate()
            .map(|(position, field)| {
                if position < first_data_column {
                    None
                } else {
                    plan.schema.index_of(&field.name)
                }
            })
            .collect();
        union_inputs.push(UnionInput {
            plan,
            columns,
            source,
        });
    }
    Ok(Plan {
        kind: PlanKind::Union(union_inputs),
        schema: Schema::new(fields),
        span,
    })
}

fn table_text(expr: &crate::ast::Expr) -> String {
    match &expr.kind {
        ExprKind::Name(name) => name.clone(),
        _ => "(subquery)".to_string(),
    }
}
