//! Binding of tabular expressions: sources (`T`, `datatable`, `print`, `let` names) and
//! the operators after each `|`.

use std::sync::Arc;

use super::names::{derived_column_name, unique_field, unique_name};
use super::plan::{BoundExpr, BoundKind, LookupPlan, Plan, PlanKind, ProjectColumn};
use super::{reshape, Binder, Binding};
use crate::ast::{Assignment, Expr, ExprKind, Ident, JoinKey, LookupKind, Operator, OperatorKind};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Field, Schema, Table};
use crate::value::{convert, Type, Value};

pub(super) fn bind(binder: &mut Binder<'_>, expr: &Expr) -> Result<Plan> {
    match &expr.kind {
        ExprKind::Pipe { source, operators } => {
            let mut remaining = operators.as_slice();
            let plan = match operators.first() {
                Some(Operator {
                    kind: OperatorKind::Union(union),
                    span,
                }) if union.leading => {
                    remaining = &operators[1..];
                    super::combine::bind_union(binder, None, union, span.clone())?
                }
                Some(Operator {
                    kind: OperatorKind::Search(search),
                    span,
                }) if search.leading => {
                    remaining = &operators[1..];
                    super::search::bind_search(binder, None, search, span.clone())?
                }
                _ => bind(binder, source)?,
            };
            bind_operators(binder, plan, remaining)
        }
        ExprKind::DataTable { columns, values } => bind_datatable(binder, columns, values, expr),
        ExprKind::Print(assignments) => bind_print(binder, assignments, expr),
        ExprKind::Range {
            column,
            start,
            stop,
            step,
        } => super::keyvalue::bind_range(binder, column, start, stop, step, expr.span.clone()),
        _ => super::sources::bind_source(binder, expr),
    }
}

/// Accepts only literal values: `datatable` rows are constants in Kusto.
fn constant_value(bound: &BoundExpr) -> Option<Value> {
    match &bound.kind {
        BoundKind::Literal(value) => Some(value.clone()),
        _ => None,
    }
}

/// `datatable(…)[…]`: each value is converted to its column's type, so the number `6`
/// in a `string` column is stored as `"6"`.
///
/// NOTE: Kusto's parser does not check value types against columns ("data values are
/// convertible at runtime"); converting with `tostring` rules is what makes a published
/// `datatable(TcpFlagDecimal:string, …)[6, …]` match the text "6". Unverified on a cluster.
fn bind_datatable(
    binder: &mut Binder<'_>,
    columns: &[(Ident, Type)],
    values: &[Expr],
    expr: &Expr,
) -> Result<Plan> {
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, ty)| Field::new(name.name.clone(), *ty))
            .collect(),
    );
    let mut rows = Vec::new();
    for chunk in values.chunks(columns.len()) {
        let mut row = Vec::with_capacity(columns.len());
        for ((column, ty), value_expr) in columns.iter().zip(chunk) {
            let bound = binder.bind_scalar(value_expr, &Schema::default())?;
            let value = constant_value(&bound).ok_or_else(|| {
                Error::at(
                    ErrorKind::TypeMismatch,
                    value_expr.span.clone(),
                    "datatable values must be constants",
                )
            })?;
            let fits = crate::value::fits_column(&value, *ty);
            let converted = convert(&value, *ty).filter(|_| fits).ok_or_else(|| {
                Error::at(
                    ErrorKind::TypeMismatch,
                    value_expr.span.clone(),
                    format!(
                        "value `{}` does not convert to column `{}` of type {ty}",
                        value.to_kusto_string(),
                        column.name
                    ),
                )
            })?;
            row.push(converted);
        }
        rows.push(row);
    }
    Ok(Plan {
        kind: PlanKind::Constant(Arc::new(Table::from_rows(schema.clone(), rows))),
        schema,
        span: expr.span.clone(),
    })
}

/// `print a = expr, …`: unnamed columns are `print_0`, `print_1`, … by position.
fn bind_print(binder: &mut Binder<'_>, assignments: &[Assignment], expr: &Expr) -> Result<Plan> {
    let mut fields = Vec::new();
    let mut exprs = Vec::new();
    for (position, assignment) in assignments.iter().enumerate() {
        let bound = binder.bind_scalar(&assignment.expr, &Schema::default())?;
        let name = match &assignment.name {
            Some(name) => name.name.clone(),
            None => format!("print_{position}"),
        };
        let taken = Schema::new(fields.clone());
        fields.push(Field::new(unique_name(&name, &taken), bound.ty));
        exprs.push(bound);
    }
    Ok(Plan {
        kind: PlanKind::Print { exprs },
        schema: Schema::new(fields),
        span: expr.span.clone(),
    })
}

/// Binds a pipeline's operators in turn. An `mv-apply` whose output shape the reference
/// leaves open must be followed by operators that cannot tell its readings apart, up to
/// one that fixes the columns, within this pipeline.
pub(super) fn bind_operators(
    binder: &mut Binder<'_>,
    mut plan: Plan,
    operators: &[Operator],
) -> Result<Plan> {
    let mut unsettled: Option<super::apply::UnsettledApply> = None;
    for operator in operators {
        if let Some(open) = &unsettled {
            if open.settled_by(operator)? {
                unsettled = None;
            }
        }
        binder.unsettled_apply = None;
        plan = bind_operator(binder, plan, operator)?;
        reject_shadowed_undetermined(&plan.schema, &operator.span)?;
        if let Some(open) = binder.unsettled_apply.take() {
            unsettled = Some(open);
        }
    }
    match unsettled {
        Some(open) => Err(open.error()),
        None => Ok(plan),
    }
}

/// Returns an error when an operator added a column under the name of an undetermined
/// one. Operators that assign a column check this first (`check_assignable`), and this
/// check catches any that looked the name up with `Schema::index_of`, which skips
/// undetermined columns.
fn reject_shadowed_undetermined(schema: &Schema, span: &std::ops::Range<usize>) -> Result<()> {
    if schema.first_undetermined().is_none() {
        return Ok(());
    }
    for (position, field) in schema.fields.iter().enumerate() {
        let shadowed = schema.fields[position + 1..]
            .iter()
            .chain(&schema.fields[..position])
            .find(|other| other.name == field.name && other.is_undetermined());
        if let Some(undetermined) = shadowed {
            let operation = format!("assigning `{}`", field.name);
            if let Some(error) =
                super::names::undetermined_error(undetermined, span.clone(), &operation)
            {
                return Err(error);
            }
        }
    }
    Ok(())
}

pub(super) fn bind_operator(
    binder: &mut Binder<'_>,
    input: Plan,
    operator: &Operator,
) -> Result<Plan> {
    let serialized = matches!(operator.kind, OperatorKind::Serialize(_)) || is_serialized(&input);
    let outer = std::mem::replace(&mut binder.serialized_input, serialized);
    let outer_width = std::mem::replace(&mut binder.input_width, input.schema.len());
    let bound = bind_operator_kind(binder, input, operator);
    binder.serialized_input = outer;
    binder.input_width = outer_width;
    bound
}

/// True when the rows of `plan` are serialized, so window functions may be used on them.
/// `sort`, `top`, `range` and `serialize` serialize their output, `count`, `summarize`, `join`,
/// `mv-expand`, `make-series` and `evaluate` do not, and other operators, `search` among
/// them, keep their input's state (learn.microsoft.com/kusto/query/serialize-operator). Operators whose
/// state this function does not know count as not serialized, which only rejects more
/// queries.
pub(super) fn is_serialized(plan: &Plan) -> bool {
    match &plan.kind {
        PlanKind::Sort { .. } | PlanKind::Serialize { .. } | PlanKind::Range(_) => true,
        PlanKind::Shared(inner) | PlanKind::Materialized { plan: inner, .. } => {
            is_serialized(inner)
        }
        PlanKind::Where { input, .. }
        | PlanKind::Project { input, .. }
        | PlanKind::Take { input, .. }
        | PlanKind::Render { input, .. } => is_serialized(input),
        PlanKind::Parse(parse) => is_serialized(&parse.input),
        PlanKind::ParseKv(parse) => is_serialized(&parse.input),
        PlanKind::Lookup(lookup) => is_serialized(&lookup.left),
        PlanKind::Search(search) => is_serialized(&search.input),
        _ => false,
    }
}

fn bind_operator_kind(binder: &mut Binder<'_>, input: Plan, operator: &Operator) -> Result<Plan> {
    let span = operator.span.clone();
    match &operator.kind {
        OperatorKind::Where(predicate) => {
            let bound = binder.bind_scalar(predicate, &input.schema)?;
            if !matches!(bound.ty, Type::Bool | Type::Dynamic) {
                return Err(Error::at(
                    ErrorKind::TypeMismatch,
                    predicate.span.clone(),
                    format!("the `where` predicate must be bool, not {}", bound.ty),
                ));
            }
            let schema = input.schema.clone();
            Ok(Plan {
                kind: PlanKind::Where {
                    input: Box::new(input),
                    predicate: bound,
                },
                schema,
                span,
            })
        }
        OperatorKind::Extend(assignments) => {
            let mut plan = input;
            for assignment in assignments {
                plan = bind_extend_one(binder, plan, assignment, span.clone())?;
            }
            Ok(plan)
        }
        OperatorKind::Project(assignments) => bind_project(binder, input, assignments, span),
        OperatorKind::Take(count) | OperatorKind::Sample(count) => {
            let sample = matches!(operator.kind, OperatorKind::Sample(_));
            let rows = row_count(binder, count, if sample { "sample" } else { "take" })?;
            let schema = input.schema.clone();
            let input = Box::new(input);
            let kind = if sample {
                PlanKind::Sample { input, count: rows }
            } else {
                PlanKind::Take { input, count: rows }
            };
            Ok(Plan { kind, schema, span })
        }
        OperatorKind::Count => Ok(Plan {
            kind: PlanKind::Count {
                input: Box::new(input),
            },
            schema: Schema::new(vec![Field::new("Count", Type::Long)]),
            span,
        }),
        OperatorKind::Lookup { kind, right, on } => {
            bind_lookup(binder, input, *kind, right, on, span)
        }
        OperatorKind::Summarize { aggregates, by } => {
            super::summarize::bind_summarize(binder, input, aggregates, by, span)
        }
        OperatorKind::Distinct(columns) => reshape::bind_distinct(binder, input, columns, span),
        OperatorKind::Sort(keys) => reshape::bind_sort(binder, input, keys, span),
        OperatorKind::Top { count, key } => reshape::bind_top(binder, input, count, key, span),
        OperatorKind::ProjectAway(patterns) => reshape::bind_project_away(input, patterns, span),
        OperatorKind::ProjectKeep(patterns) => reshape::bind_project_keep(input, patterns, span),
        OperatorKind::ProjectRename(pairs) => reshape::bind_project_rename(input, pairs, span),
        OperatorKind::ProjectReorder(items) => reshape::bind_project_reorder(input, items, span),
        OperatorKind::Join { kind, right, on } => {
            super::combine::bind_join(binder, input, *kind, right, on, span)
        }
        OperatorKind::MvExpand(expand) => {
            super::expand::bind_mv_expand(binder, input, expand, expand.legacy, span)
        }
        OperatorKind::MakeSeries(series) => {
            super::series::bind_make_series(binder, input, series, span)
        }
        OperatorKind::MvApply(apply) => super::apply::bind_mv_apply(binder, input, apply, span),
        OperatorKind::Partition(partition) => {
            super::partition::bind_partition(binder, input, partition, span)
        }
        OperatorKind::Scan(scan) => super::scan_operator::bind_scan(binder, input, scan, span),
        OperatorKind::Union(union) => super::combine::bind_union(binder, Some(input), union, span),
        OperatorKind::As(name) => {
            binder.define(&name.name, Binding::Tabular(input.clone()));
            Ok(input)
        }
        OperatorKind::Serialize(assignments) => {
            reshape::bind_serialize(binder, input, assignments, span)
        }
        OperatorKind::GetSchema => {
            super::names::reject_undetermined(&input.schema, span.clone(), |column| {
                format!("`getschema` of a table with the column `{column}`")
            })?;
            Ok(reshape::bind_getschema(&input, span))
        }
        OperatorKind::Render { chart } => {
            let schema = input.schema.clone();
            Ok(Plan {
                kind: PlanKind::Render {
                    input: Box::new(input),
                    chart: chart.name.clone(),
                },
                schema,
                span,
            })
        }
        OperatorKind::Parse(parse) => super::expand::bind_parse(binder, input, parse, span),
        OperatorKind::Evaluate {
            plugin,
            args,
            output_schema,
        } => {
            super::plugins::bind_evaluate(binder, input, plugin, args, output_schema.as_ref(), span)
        }
        OperatorKind::ParseKv(parse) => super::keyvalue::bind_parse_kv(binder, input, parse, span),
        OperatorKind::Search(search) => {
            super::search::bind_search(binder, Some(input), search, span)
        }
    }
}

/// Reads the row count of `take`, `top` or a `limit`: a non-negative whole constant.
pub(super) fn row_count(binder: &mut Binder<'_>, count: &Expr, operator: &str) -> Result<usize> {
    let bound = binder.bind_scalar(count, &Schema::default())?;
    let Some(value) = constant_value(&bound) else {
        return Err(Error::unsupported(
            count.span.clone(),
            format!("a row count of `{operator}` computed from an expression is not supported yet"),
        )
        .with_hint("write the count as a number, or as a `let` bound to a number"));
    };
    match value.as_i64() {
        Some(rows) if rows >= 0 && matches!(value, Value::Int(_) | Value::Long(_)) => {
            Ok(usize::try_from(rows).unwrap_or(usize::MAX))
        }
        _ if matches!(value, Value::Real(_)) => Err(Error::unsupported(
            count.span.clone(),
            format!(
                "a real row count of `{operator}` is not supported yet, because the KQL \
                 reference does not say how it is rounded"
            ),
        )
        .with_hint("write a whole number, or convert with toint()")),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            count.span.clone(),
            format!("`{operator}` needs a non-negative whole number of rows"),
        )),
    }
}

/// One `extend` assignment: a new name is appended; an existing name is replaced in
/// place.
///
/// NOTE: the KQL reference says a replaced column is "removed and appended", while
/// Kusto's own parser library keeps its position; this follows the library.
pub(super) fn bind_extend_one(
    binder: &mut Binder<'_>,
    input: Plan,
    assignment: &Assignment,
    span: std::ops::Range<usize>,
) -> Result<Plan> {
    let bound = binder.bind_scalar(&assignment.expr, &input.schema)?;
    let name = match &assignment.name {
        Some(name) => name.name.clone(),
        None => derived_column_name(&assignment.expr, &input.schema, &input.schema),
    };
    let at = assignment
        .name
        .as_ref()
        .map_or(assignment.expr.span.clone(), |name| name.span.clone());
    super::names::check_assignable(&name, at, &input.schema)?;
    let mut fields = input.schema.fields.clone();
    let mut columns: Vec<ProjectColumn> = (0..fields.len()).map(ProjectColumn::Input).collect();
    let field = Field::new(name.clone(), bound.ty);
    match input.schema.index_of(&name) {
        Some(index) => {
            fields[index] = field;
            columns[index] = ProjectColumn::Computed(bound);
        }
        None => {
            fields.push(field);
            columns.push(ProjectColumn::Computed(bound));
        }
    }
    Ok(Plan {
        kind: PlanKind::Project {
            input: Box::new(input),
            columns,
        },
        schema: Schema::new(fields),
        span,
    })
}

fn bind_project(
    binder: &mut Binder<'_>,
    input: Plan,
    assignments: &[Assignment],
    span: std::ops::Range<usize>,
) -> Result<Plan> {
    let mut fields: Vec<Field> = Vec::new();
    let mut columns = Vec::new();
    // Names the query writes out, as `Name = …` or a bare column, which a derived name
    // must not take even when they come later in the list.
    let written: Vec<Field> = assignments
        .iter()
        .filter_map(
            |assignment| match (&assignment.name, &assignment.expr.kind) {
                (Some(name), _) => Some(name.name.clone()),
                (None, ExprKind::Name(name)) if input.schema.index_of(name).is_some() => {
                    Some(name.clone())
                }
                _ => None,
            },
        )
        .map(|name| Field::new(name, Type::Dynamic))
        .collect();
    for assignment in assignments {
        let bare_column = match (&assignment.name, &assignment.expr.kind) {
            (None, ExprKind::Name(name)) => input
                .schema
                .index_of(name)
                .map(|index| (name.clone(), index)),
            _ => None,
        };
        let (name, column, ty) = match bare_column {
            Some((name, index)) => (
                name,
                ProjectColumn::Input(index),
                input.schema.fields[index].ty,
            ),
            None => {
                let bound = binder.bind_scalar(&assignment.expr, &input.schema)?;
                let name = match &assignment.name {
                    Some(name) => name.name.clone(),
                    // A derived name that another column has gets a number, as Kusto's
                    // language service numbers it (`strlen_s`, then `strlen_s1`).
                    None => {
                        let taken = Schema::new(fields.iter().chain(&written).cloned().collect());
                        let derived = derived_column_name(&assignment.expr, &input.schema, &taken);
                        super::names::unique_name(&derived, &taken)
                    }
                };
                let ty = bound.ty;
                (name, ProjectColumn::Computed(bound), ty)
            }
        };
        if fields.iter().any(|field| field.name == name) {
            let at = assignment
                .name
                .as_ref()
                .map(|n| n.span.clone())
                .unwrap_or(assignment.expr.span.clone());
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                at,
                format!("column `{name}` appears twice in `project`; rename one with `NewName = {name}`"),
            ));
        }
        fields.push(Field::new(name, ty));
        columns.push(column);
    }
    Ok(Plan {
        kind: PlanKind::Project {
            input: Box::new(input),
            columns,
        },
        schema: Schema::new(fields),
        span,
    })
}

/// Types that compare equal across sides: the same type, or two numeric types.
fn key_types_compatible(left: Type, right: Type) -> bool {
    left == right || (left.is_numeric() && right.is_numeric())
}

fn bind_lookup(
    binder: &mut Binder<'_>,
    left: Plan,
    kind: LookupKind,
    right: &Expr,
    on: &[JoinKey],
    span: std::ops::Range<usize>,
) -> Result<Plan> {
    let right = bind(binder, right)?;
    note_key_references(binder, on);
    let (left_keys, right_keys) = resolve_keys(&left.schema, &right.schema, on, "lookup")?;

    let mut fields = left.schema.fields.clone();
    let mut right_output = Vec::new();
    for (index, field) in right.schema.fields.iter().enumerate() {
        if right_keys.contains(&index) {
            continue;
        }
        fields.push(unique_field(field, &Schema::new(fields.clone())));
        right_output.push(index);
    }
    Ok(Plan {
        kind: PlanKind::Lookup(Box::new(LookupPlan {
            left,
            right,
            kind,
            left_keys,
            right_keys,
            right_output,
        })),
        schema: Schema::new(fields),
        span,
    })
}

/// Records the key columns of `on` as read, so that `kql check` can change the type of a
/// custom table's column that a key comparison rejects.
pub(super) fn note_key_references(binder: &mut Binder<'_>, on: &[JoinKey]) {
    let Some(state) = binder.data_dependent.as_mut() else {
        return;
    };
    for key in on {
        let names = match key {
            JoinKey::Same(ident) => [ident, ident],
            JoinKey::Pair { left, right } => [left, right],
        };
        for ident in names {
            state.note_reference(&ident.name, &ident.span);
        }
    }
}

/// Resolves `on` keys to column positions on each side and checks that each pair of
/// types can be compared.
pub(super) fn resolve_keys(
    left: &Schema,
    right: &Schema,
    on: &[JoinKey],
    operator: &str,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let mut left_keys = Vec::new();
    let mut right_keys = Vec::new();
    for key in on {
        let (left_name, right_name) = match key {
            JoinKey::Same(ident) => (ident, ident),
            JoinKey::Pair { left, right } => (left, right),
        };
        let left_index = key_column(left, left_name, "left", operator)?;
        let right_index = key_column(right, right_name, "right", operator)?;
        let left_ty = left.fields[left_index].ty;
        let right_ty = right.fields[right_index].ty;
        let at = left_name.span.start.min(right_name.span.start)
            ..right_name.span.end.max(left_name.span.end);
        if left_ty == Type::Dynamic || right_ty == Type::Dynamic {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                at,
                format!("{operator} keys cannot be dynamic; convert them with tostring() or tolong() first"),
            ));
        }
        if !key_types_compatible(left_ty, right_ty) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                at,
                format!("inconsistent data types for {operator} keys: ({left_ty}, {right_ty})"),
            ));
        }
        left_keys.push(left_index);
        right_keys.push(right_index);
    }
    Ok((left_keys, right_keys))
}

fn key_column(schema: &Schema, ident: &Ident, side: &str, operator: &str) -> Result<usize> {
    schema.index_of(&ident.name).ok_or_else(|| {
        if let Some(error) =
            super::names::undetermined_reference(&ident.name, ident.span.clone(), schema)
        {
            return error;
        }
        let mut error = Error::at(
            ErrorKind::UnknownName,
            ident.span.clone(),
            format!(
                "{operator} key `{}` is not a column of the {side} table",
                ident.name
            ),
        )
        .with_unknown_column(&ident.name);
        if let Some(suggestion) = crate::error::closest(&ident.name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        error
    })
}
