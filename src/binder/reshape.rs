//! Binding of operators that reorder rows or reshape columns without computing new
//! values from several rows: `sort`, `top`, `distinct`, `project-away`, `project-keep`,
//! `project-rename`, `project-reorder`, `serialize` and `getschema`.

use std::sync::Arc;

use super::plan::{Plan, PlanKind, ProjectColumn, SortSpec};
use super::Binder;
use crate::ast::{Assignment, ColumnOrder, ExprKind, Ident, SortKey, Span};
use crate::error::{closest, Error, ErrorKind, Result};
use crate::table::{Field, Schema, Table};
use crate::value::{Type, Value};

/// `sort by …`: nulls come first in ascending order and last in descending order unless
/// the key sets `nulls first` or `nulls last` (learn.microsoft.com/kusto/query/sort-operator).
pub fn bind_sort(
    binder: &mut Binder<'_>,
    input: Plan,
    keys: &[SortKey],
    span: Span,
) -> Result<Plan> {
    let mut specs = Vec::with_capacity(keys.len());
    for key in keys {
        let expr = binder.bind_scalar(&key.expr, &input.schema)?;
        specs.push(SortSpec {
            expr,
            descending: key.descending,
            nulls_first: key.nulls_first.unwrap_or(!key.descending),
        });
    }
    let schema = input.schema.clone();
    Ok(Plan {
        kind: PlanKind::Sort {
            input: Box::new(input),
            keys: specs,
        },
        schema,
        span,
    })
}

/// `top N by key`: a sort followed by `take N`.
pub fn bind_top(
    binder: &mut Binder<'_>,
    input: Plan,
    count: &crate::ast::Expr,
    key: &SortKey,
    span: Span,
) -> Result<Plan> {
    let rows = super::tabular::row_count(binder, count, "top")?;
    let sorted = bind_sort(binder, input, std::slice::from_ref(key), span.clone())?;
    let schema = sorted.schema.clone();
    Ok(Plan {
        kind: PlanKind::Take {
            input: Box::new(sorted),
            count: rows,
        },
        schema,
        span,
    })
}

/// `distinct A, B` or `distinct *`: a `summarize` with keys only.
pub fn bind_distinct(
    binder: &mut Binder<'_>,
    input: Plan,
    columns: &[Assignment],
    span: Span,
) -> Result<Plan> {
    let star = columns
        .iter()
        .any(|column| matches!(column.expr.kind, ExprKind::Star));
    if star {
        super::names::reject_undetermined(&input.schema, span.clone(), |column| {
            format!("`distinct *` of a table with the column `{column}`")
        })?;
    }
    let keys: Vec<Assignment> = if star {
        input
            .schema
            .fields
            .iter()
            .map(|field| Assignment {
                name: None,
                expr: crate::ast::Expr {
                    kind: ExprKind::Name(field.name.clone()),
                    span: span.clone(),
                },
            })
            .collect()
    } else {
        columns.to_vec()
    };
    super::summarize::bind_summarize(binder, input, &[], &keys, span)
}

/// True when `name` matches a pattern where `*` stands for any run of characters.
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return false,
    };
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    let last = rest.last().copied().unwrap_or("");
    for part in &rest[..rest.len().saturating_sub(1)] {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

/// Finds the input columns a pattern names, in input order. A name without `*` must exist.
///
/// Only `project-away` (`removes`) may name an undetermined column, and only one whose
/// name is known to exist. Its wildcards leave a column of unknown name in place, which
/// then stays undetermined. Other operators reject a wildcard while the input has an
/// undetermined column, because the pattern may match that column's real name.
fn matching_columns(
    schema: &Schema,
    pattern: &Ident,
    operator: &str,
    removes: bool,
) -> Result<Vec<usize>> {
    let wildcard = pattern.name.contains('*');
    if wildcard && !removes {
        super::names::reject_undetermined(schema, pattern.span.clone(), |column| {
            format!("a wildcard in `{operator}` over a table with the column `{column}`")
        })?;
    }
    let mut found = Vec::new();
    for (index, field) in schema.fields.iter().enumerate() {
        if !matches_pattern(&pattern.name, &field.name) {
            continue;
        }
        match &field.undetermined {
            None => found.push(index),
            Some(undetermined) if removes && undetermined.name_known => found.push(index),
            Some(_) if removes && wildcard => {}
            Some(_) => {
                let operation = format!("`{operator}` of `{}`", field.name);
                if let Some(error) =
                    super::names::undetermined_error(field, pattern.span.clone(), &operation)
                {
                    return Err(error);
                }
            }
        }
    }
    if found.is_empty() && !pattern.name.contains('*') {
        let mut error = Error::at(
            ErrorKind::UnknownName,
            pattern.span.clone(),
            format!("`{operator}`: column `{}` not found", pattern.name),
        )
        .with_unknown_column(&pattern.name);
        if let Some(suggestion) = closest(&pattern.name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        return Err(error);
    }
    Ok(found)
}

fn keep_columns(input: Plan, kept: Vec<usize>, names: Option<Vec<String>>, span: Span) -> Plan {
    let fields = kept
        .iter()
        .enumerate()
        .map(|(position, &index)| {
            let field = &input.schema.fields[index];
            let name = names
                .as_ref()
                .and_then(|names| names.get(position).cloned())
                .unwrap_or_else(|| field.name.clone());
            field.renamed(name)
        })
        .collect();
    Plan {
        schema: Schema::new(fields),
        kind: PlanKind::Project {
            input: Box::new(input),
            columns: kept.into_iter().map(ProjectColumn::Input).collect(),
        },
        span,
    }
}

/// `project-away A, B*`
pub fn bind_project_away(input: Plan, patterns: &[Ident], span: Span) -> Result<Plan> {
    let mut removed = Vec::new();
    for pattern in patterns {
        removed.extend(matching_columns(
            &input.schema,
            pattern,
            "project-away",
            true,
        )?);
    }
    let kept = (0..input.schema.len())
        .filter(|index| !removed.contains(index))
        .collect();
    Ok(keep_columns(input, kept, None, span))
}

/// `project-keep A, B*`: the matching columns, in input order.
pub fn bind_project_keep(input: Plan, patterns: &[Ident], span: Span) -> Result<Plan> {
    let mut chosen = Vec::new();
    for pattern in patterns {
        chosen.extend(matching_columns(
            &input.schema,
            pattern,
            "project-keep",
            false,
        )?);
    }
    let kept = (0..input.schema.len())
        .filter(|index| chosen.contains(index))
        .collect();
    Ok(keep_columns(input, kept, None, span))
}

/// `project-rename New = Old, …`: renamed columns keep their position.
pub fn bind_project_rename(input: Plan, pairs: &[(Ident, Ident)], span: Span) -> Result<Plan> {
    let mut names: Vec<String> = input.schema.names().map(str::to_string).collect();
    for (new_name, old_name) in pairs {
        let index = matching_columns(&input.schema, old_name, "project-rename", false)?
            .first()
            .copied()
            .unwrap_or(0);
        if let Some(slot) = names.get_mut(index) {
            *slot = new_name.name.clone();
        }
    }
    for (position, name) in names.iter().enumerate() {
        if names[..position].contains(name) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                span.clone(),
                format!("`project-rename` gives two columns the name `{name}`"),
            ));
        }
    }
    let kept = (0..input.schema.len()).collect();
    Ok(keep_columns(input, kept, Some(names), span))
}

/// `project-reorder A, B* desc, …`: the named columns first, in the order given (each
/// pattern's matches sorted when an order is given), then the rest in input order.
pub fn bind_project_reorder(
    input: Plan,
    items: &[(Ident, Option<ColumnOrder>)],
    span: Span,
) -> Result<Plan> {
    let mut order: Vec<usize> = Vec::new();
    for (pattern, column_order) in items {
        let mut found = matching_columns(&input.schema, pattern, "project-reorder", false)?;
        found.retain(|index| !order.contains(index));
        let name_of = |index: &usize| input.schema.fields[*index].name.to_lowercase();
        match column_order {
            Some(ColumnOrder::Asc) => found.sort_by_key(name_of),
            Some(ColumnOrder::Desc) => {
                found.sort_by_key(name_of);
                found.reverse();
            }
            Some(ColumnOrder::GrannyAsc | ColumnOrder::GrannyDesc) => {
                return Err(Error::unsupported(
                    pattern.span.clone(),
                    "`granny-asc` and `granny-desc` are not supported yet",
                ))
            }
            None => {}
        }
        order.extend(found);
    }
    for index in 0..input.schema.len() {
        if !order.contains(&index) {
            order.push(index);
        }
    }
    Ok(keep_columns(input, order, None, span))
}

/// `serialize [Name = expr, …]`: rows keep their order, which this engine always does,
/// and window functions may read it from here on; the assignments work as in `extend`.
pub fn bind_serialize(
    binder: &mut Binder<'_>,
    input: Plan,
    assignments: &[Assignment],
    span: Span,
) -> Result<Plan> {
    let schema = input.schema.clone();
    let mut plan = Plan {
        kind: PlanKind::Serialize {
            input: Box::new(input),
        },
        schema,
        span: span.clone(),
    };
    for assignment in assignments {
        plan = super::tabular::bind_extend_one(binder, plan, assignment, span.clone())?;
    }
    Ok(plan)
}

/// `getschema`: one row per input column with its name, position and type
/// (learn.microsoft.com/kusto/query/getschema-operator).
pub fn bind_getschema(input: &Plan, span: Span) -> Plan {
    let schema = Schema::new(vec![
        Field::new("ColumnName", Type::String),
        Field::new("ColumnOrdinal", Type::Int),
        Field::new("DataType", Type::String),
        Field::new("ColumnType", Type::String),
    ]);
    let rows = input
        .schema
        .fields
        .iter()
        .enumerate()
        .map(|(position, field)| {
            vec![
                Value::from(field.name.as_str()),
                Value::Int(position as i32),
                Value::from(system_type_name(field.ty)),
                Value::from(field.ty.name()),
            ]
        })
        .collect();
    Plan {
        kind: PlanKind::Constant(Arc::new(Table::from_rows(schema.clone(), rows))),
        schema,
        span,
    }
}

/// Returns the .NET type name that `getschema` reports in `DataType`.
fn system_type_name(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "System.Boolean",
        Type::Int => "System.Int32",
        Type::Long => "System.Int64",
        Type::Real => "System.Double",
        Type::Decimal => "System.Data.SqlTypes.SqlDecimal",
        Type::String => "System.String",
        Type::DateTime => "System.DateTime",
        Type::Timespan => "System.TimeSpan",
        Type::Guid => "System.Guid",
        Type::Dynamic => "System.Object",
    }
}

/// Appends `field` to `fields`, numbered when its name is taken (see
/// [`super::names::unique_field`]).
pub fn push_unique(fields: &mut Vec<Field>, field: &Field) -> usize {
    let unique = super::names::unique_field(field, &Schema::new(fields.clone()));
    fields.push(unique);
    fields.len() - 1
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn wildcard_patterns() {
        assert!(matches_pattern("Device*", "DeviceName"));
        assert!(matches_pattern("*Id", "DeviceId"));
        assert!(matches_pattern("D*e*d", "DeviceId"));
        assert!(matches_pattern("*", "x"));
        assert!(!matches_pattern("Device*", "Account"));
        assert!(!matches_pattern("a*a", "a"));
        assert!(matches_pattern("Name", "Name"));
        assert!(!matches_pattern("Name", "Names"));
    }
}
