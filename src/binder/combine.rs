//! Binding of the operators that combine tables: `join` and `union`.

use std::sync::Arc;

use super::names::unknown_table;
use super::plan::{JoinColumn, JoinPlan, Plan, PlanKind, UnionInput};
use super::reshape::{matches_pattern, push_unique};
use super::Binder;
use crate::ast::{ExprKind, JoinKey, JoinKind, Span, Union, UnionTable};
use crate::error::{Error, Result};
use crate::table::{Field, Schema, Undetermined};
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
    super::tabular::note_key_references(binder, on);
    let (left_keys, right_keys) =
        super::tabular::resolve_keys(&left.schema, &right.schema, on, "join")?;

    let mut fields: Vec<Field> = Vec::new();
    let mut output = Vec::new();
    let keeps_left = !matches!(kind, JoinKind::RightAnti | JoinKind::RightSemi);
    let keeps_right = !matches!(kind, JoinKind::LeftAnti | JoinKind::LeftSemi);
    if keeps_left {
        for (index, field) in left.schema.fields.iter().enumerate() {
            push_unique(&mut fields, field);
            output.push(JoinColumn::Left(index));
        }
    }
    if keeps_right {
        for (index, field) in right.schema.fields.iter().enumerate() {
            push_unique(&mut fields, field);
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
/// (learn.microsoft.com/kusto/query/union-operator). Columns of one name and different
/// types become one column per type, `Name_long`, `Name_int`, as Kusto's language service
/// names them (`UnifyColumnsWithSameNameAndType` in github.com/microsoft/Kusto-Query-Language).
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
                if let ExprKind::Name(name) = &expr.kind {
                    if union.fuzzy && !binder.is_tabular(expr) {
                        log::debug!("union isfuzzy=true skips the missing table `{name}`");
                        continue;
                    }
                }
                let plan = super::tabular::bind(binder, expr)?;
                // Only a table read by name has a known `withsource` value; Kusto's value
                // for a `let` name or a subquery is not documented.
                let name = match &plan.kind {
                    PlanKind::Scan { table } => Some(table.clone()),
                    _ => None,
                };
                inputs.push((plan, name, expr.span.clone()));
            }
            UnionTable::Pattern(pattern) => {
                let mut names: Vec<String> = database_tables(binder)
                    .into_iter()
                    .filter(|name| matches_pattern(&pattern.name, name))
                    .collect();
                names.sort();
                warn_unloaded_matches(binder, &pattern.name, &pattern.span);
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
        candidates.extend(binder.tabular_binding_names());
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
    // Each output column stands for one (name, type) pair of the inputs. A name that
    // comes with several types gives one column per type, named `Name_type`.
    let mut names: Vec<(String, Vec<Type>)> = Vec::new();
    // The mark of the first undetermined input column of each name.
    let mut undetermined: Vec<(String, Arc<Undetermined>)> = Vec::new();
    for (plan, _, _) in &inputs {
        for field in &plan.schema.fields {
            match names.iter_mut().find(|(name, _)| *name == field.name) {
                Some((_, types)) if !types.contains(&field.ty) => types.push(field.ty),
                Some(_) => {}
                None => names.push((field.name.clone(), vec![field.ty])),
            }
            if let Some(mark) = &field.undetermined {
                if !undetermined.iter().any(|(name, _)| *name == field.name) {
                    undetermined.push((field.name.clone(), Arc::clone(mark)));
                }
            }
        }
    }
    if union.inner {
        names.retain(|(name, _)| {
            inputs
                .iter()
                .all(|(plan, _, _)| plan.schema.index_of_any(name).is_some())
        });
    }
    let mut sources: Vec<Option<(String, Type)>> = vec![None; first_data_column];
    for (name, types) in &names {
        for ty in types {
            let output_name = if types.len() == 1 {
                name.clone()
            } else {
                format!("{name}_{ty}")
            };
            let mut field = Field::new(output_name, *ty);
            // A column merged with an undetermined one is undetermined. Its name is not
            // known either, because the undetermined column's type, which decides
            // whether the name gets a type suffix, may be the other reading's.
            if let Some((_, mark)) = undetermined.iter().find(|(known, _)| known == name) {
                field.undetermined = Some(Arc::new(Undetermined {
                    name_known: false,
                    ..Undetermined::clone(mark)
                }));
            }
            push_unique(&mut fields, &field);
            sources.push(Some((name.clone(), *ty)));
        }
    }

    let mut union_inputs = Vec::new();
    for (plan, name, at) in inputs {
        let source = match (&union.with_source, name) {
            (None, _) => None,
            (Some(_), Some(name)) => Some(name),
            (Some(column), None) => {
                return Err(Error::unsupported(
                    at,
                    format!(
                    "`withsource={}` for an input that is not a table name is not supported yet",
                    column.name
                ),
                ))
            }
        };
        let columns = sources
            .iter()
            .map(|source| {
                let (name, ty) = source.as_ref()?;
                plan.schema
                    .fields
                    .iter()
                    .position(|field| field.name == *name && field.ty == *ty)
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

/// Returns the tables that a table wildcard or `search` without `in (…)` reads: the loaded
/// tables for `kql run`, or for `kql check` the catalog's tables but the Resource Graph
/// ones, which a workspace reads only through `arg("")`.
pub(super) fn database_tables(binder: &Binder<'_>) -> Vec<String> {
    let names = binder.tables.table_names();
    if binder.tables.lists_database() {
        return names;
    }
    names
        .into_iter()
        .filter(|name| crate::schema::arg::canonical_name(name).is_none())
        .collect()
}

/// The maximum number of unloaded catalog tables that [`warn_unloaded_matches`] names.
const MAX_UNLOADED_NAMES: usize = 3;

/// Warns when a table wildcard of `union` or `search in (…)` runs over the loaded tables
/// and the built-in catalog has other tables that match it. The loaded tables are the
/// database that `kql run` queries, so those tables are rightly left out, but in a
/// workspace the same wildcard would read them too. `kql check` binds against the
/// catalog itself, so it gets no warning.
fn warn_unloaded_matches(binder: &mut Binder<'_>, pattern: &str, span: &Span) {
    if !binder.tables.lists_database() {
        return;
    }
    let loaded = binder.tables.table_names();
    let is_loaded = |name: &str| {
        loaded.iter().any(|table| table == name)
            || crate::schema::second_spelling(name)
                .is_some_and(|spelling| loaded.iter().any(|table| table == spelling))
    };
    // Resource Graph tables are read through `arg("")`, never by a table wildcard.
    let unloaded: Vec<&str> = crate::schema::builtin_names()
        .filter(|name| crate::schema::arg::canonical_name(name).is_none())
        .filter(|name| matches_pattern(pattern, name) && !is_loaded(name))
        .collect();
    if unloaded.is_empty() {
        return;
    }
    let first_names = unloaded[..unloaded.len().min(MAX_UNLOADED_NAMES)].join(", ");
    let listed = match unloaded.len().saturating_sub(MAX_UNLOADED_NAMES) {
        0 => first_names,
        more => format!("{first_names} and {more} more"),
    };
    binder.warn(
        span,
        &format!(
            "`{pattern}` matches only loaded tables, and {} that it also matches {} not \
             loaded: {listed}. A workspace query would read them too, so load their exports \
             with --table NAME=FILE or --data DIR to include their rows",
            match unloaded.len() {
                1 => "1 catalog table".to_string(),
                count => format!("{count} catalog tables"),
            },
            if unloaded.len() == 1 { "is" } else { "are" }
        ),
    );
}

fn table_text(expr: &crate::ast::Expr) -> String {
    match &expr.kind {
        ExprKind::Name(name) => name.clone(),
        _ => "(subquery)".to_string(),
    }
}
