//! Binding of `mv-apply`: the expansion and the subquery are bound as one plan over a
//! one-row source, and the output columns are the input's columns followed by the
//! subquery's.

use super::plan::{ApplyColumn, MvApplyPlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{ExprKind, MvApply, Span};
use crate::error::{Error, Result};
use crate::table::{Field, Schema};

/// `mv-apply items on (subquery)` (learn.microsoft.com/kusto/query/mv-apply-operator).
///
/// The subquery's input is the `mv-expand` of one input row: every input column, with an
/// expanded column replacing the column of the same name. The output columns follow
/// Kusto's language library (`VisitMvApplyOperator` in
/// github.com/microsoft/Kusto-Query-Language): the input columns except those expanded by
/// a bare column name, then the subquery's columns, where a subquery column replaces an
/// input column of the same name.
pub fn bind_mv_apply(
    binder: &mut Binder<'_>,
    input: Plan,
    apply: &MvApply,
    span: Span,
) -> Result<Plan> {
    let row_table = format!(" mv-apply row {}", binder.new_subquery_id());
    let row_source = Plan {
        kind: PlanKind::Scan {
            table: row_table.clone(),
        },
        schema: input.schema.clone(),
        span: span.clone(),
    };
    let mut subquery =
        super::expand::bind_mv_expand(binder, row_source, &apply.expand, false, span.clone())?;
    if let PlanKind::MvExpand(expand) = &mut subquery.kind {
        expand.arrays_only = true;
    }
    binder.mv_apply_depth += 1;
    let mut bound = Ok(subquery);
    for operator in &apply.subquery {
        bound = bound.and_then(|plan| super::tabular::bind_operator(binder, plan, operator));
    }
    binder.mv_apply_depth -= 1;
    let subquery = bound?;

    // Input columns that a bare column name expands, as in `mv-apply Items on (…)`.
    let expanded: Vec<&str> = apply
        .expand
        .items
        .iter()
        .filter(|item| item.name.is_none())
        .filter_map(|item| match &item.expr.kind {
            ExprKind::Name(name) if input.schema.index_of(name).is_some() => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for name in &expanded {
        if subquery.schema.index_of(name).is_none() {
            // NOTE: the reference page's example with `summarize` inside shows the
            // expanded column kept with its whole array, while Kusto's language library
            // drops it; until a cluster settles which, this case is rejected.
            return Err(Error::unsupported(
                span,
                format!(
                    "mv-apply whose subquery drops the expanded column `{name}` is not supported yet; name the expansion, as in `mv-apply Item = {name} on (…)`"
                ),
            ));
        }
    }

    let mut fields: Vec<Field> = Vec::new();
    let mut columns: Vec<ApplyColumn> = Vec::new();
    for (index, field) in input.schema.fields.iter().enumerate() {
        if !expanded.contains(&field.name.as_str()) {
            fields.push(field.clone());
            columns.push(ApplyColumn::Input(index));
        }
    }
    let kept_inputs: Vec<String> = fields.iter().map(|field| field.name.clone()).collect();
    for (index, field) in subquery.schema.fields.iter().enumerate() {
        match fields
            .iter()
            .position(|existing| existing.name == field.name)
        {
            Some(position) => {
                fields[position] = field.clone();
                columns[position] = ApplyColumn::Subquery(index);
            }
            None => {
                fields.push(field.clone());
                columns.push(ApplyColumn::Subquery(index));
            }
        }
    }
    check_column_order(&kept_inputs, &subquery.schema, &fields, &span)?;

    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::MvApply(Box::new(MvApplyPlan {
            input,
            row_table,
            subquery,
            columns,
        })),
        span,
    })
}

/// Rejects the case where the column order is not known: the replaced columns stay in
/// place here, and the other reading of the language library, where a replaced column
/// moves to its place among the subquery's columns, gives another order. Both readings
/// agree when the subquery keeps the input columns in their input order, as `where`,
/// `extend`, `top` and `order by` do.
fn check_column_order(
    kept_inputs: &[String],
    subquery: &Schema,
    in_place: &[Field],
    span: &Span,
) -> Result<()> {
    let mut moved: Vec<&str> = kept_inputs
        .iter()
        .filter(|name| subquery.index_of(name).is_none())
        .map(String::as_str)
        .collect();
    moved.extend(subquery.fields.iter().map(|field| field.name.as_str()));
    let same = in_place
        .iter()
        .map(|field| field.name.as_str())
        .eq(moved.iter().copied());
    if same {
        return Ok(());
    }
    Err(Error::unsupported(
        span.clone(),
        "mv-apply whose subquery reorders the input columns is not supported yet; reorder them after the mv-apply",
    ))
}
