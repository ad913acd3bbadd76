//! Binding of `mv-apply`: the expansion and the subquery are bound as one plan over a
//! one-row source, and the output columns are the input's columns followed by the
//! subquery's.
//!
//! Two output shapes are left open by the reference: where a column that the subquery
//! keeps or replaces ends up, and whether an expanded column that the subquery drops is
//! kept. Such an `mv-apply` binds only when the operators after it cannot tell the
//! readings apart (see [`UnsettledApply`]).

use super::plan::{ApplyColumn, MvApplyPlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{Assignment, Expr, ExprKind, MvApply, Operator, OperatorKind, Span};
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
    let bound = super::tabular::bind_operators(binder, subquery, &apply.subquery);
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
    // The reference's prose removes an expanded input column, but an earlier version of
    // its page showed `mv-apply l … on (top 2 by l | summarize SumOfTop2 = sum(l))`
    // keeping `l` with its whole array. The plan follows the prose, and the operators
    // after it must not tell the two apart.
    let dropped: Vec<String> = expanded
        .iter()
        .filter(|name| subquery.schema.index_of(name).is_none())
        .map(|name| name.to_string())
        .collect();

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
    let reordered = !same_column_order(&kept_inputs, &subquery.schema, &fields);
    if reordered || !dropped.is_empty() {
        binder.unsettled_apply = Some(UnsettledApply {
            span: span.clone(),
            dropped,
        });
    }

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

/// True when the column order is the same under both readings. Here a replaced column
/// keeps its input position, as Kusto's language library places it. The reference only
/// states that the source columns are added to the subquery's result, which could also
/// put a replaced column among the subquery's columns. Both agree when the subquery keeps
/// the input columns in their input order, as `where`, `extend`, `top` and `order by` do.
fn same_column_order(kept_inputs: &[String], subquery: &Schema, in_place: &[Field]) -> bool {
    let mut moved: Vec<&str> = kept_inputs
        .iter()
        .filter(|name| subquery.index_of(name).is_none())
        .map(String::as_str)
        .collect();
    moved.extend(subquery.fields.iter().map(|field| field.name.as_str()));
    in_place
        .iter()
        .map(|field| field.name.as_str())
        .eq(moved.iter().copied())
}

/// An `mv-apply` whose output the reference leaves open: its column order, and, for each
/// name in `dropped`, whether the expanded column that the subquery dropped is kept with
/// the input row's whole array.
///
/// Every reading gives the same values in the columns they share. So the query is
/// exact when the operators that follow in the same pipeline neither show the column
/// order nor read a dropped column before an operator that fixes the columns: `project`,
/// `summarize`, `distinct` or `count`. Only `where`, `extend`, `take`, `sort` and `top`
/// may come in between.
#[derive(Debug, Clone)]
pub(super) struct UnsettledApply {
    span: Span,
    dropped: Vec<String>,
}

impl UnsettledApply {
    /// Returns true when `operator` fixes the output columns, false when the question
    /// stays open after it, and the "not supported" error when it could tell the readings
    /// apart.
    pub(super) fn settled_by(&self, operator: &Operator) -> Result<bool> {
        let (settles, exprs): (bool, Vec<&Expr>) = match &operator.kind {
            OperatorKind::Project(items) | OperatorKind::Distinct(items) => (true, assigned(items)),
            OperatorKind::Summarize { aggregates, by } => (
                true,
                assigned(aggregates)
                    .into_iter()
                    .chain(assigned(by))
                    .collect(),
            ),
            OperatorKind::Count => (true, Vec::new()),
            OperatorKind::Where(predicate) => (false, vec![predicate]),
            OperatorKind::Extend(items) => (false, assigned(items)),
            OperatorKind::Take(count) => (false, vec![count]),
            OperatorKind::Sort(keys) => (false, keys.iter().map(|key| &key.expr).collect()),
            OperatorKind::Top { count, key } => (false, vec![count, &key.expr]),
            _ => return Err(self.error()),
        };
        if exprs.iter().all(|expr| self.cannot_tell(expr)) {
            Ok(settles)
        } else {
            Err(self.error())
        }
    }

    /// True when `expr` gives the same value under every reading: it reads no dropped
    /// column and nothing that depends on the column order or on which columns exist.
    fn cannot_tell(&self, expr: &Expr) -> bool {
        let all = |exprs: &[Expr]| exprs.iter().all(|expr| self.cannot_tell(expr));
        match &expr.kind {
            ExprKind::Literal(..) | ExprKind::Dynamic(_) => true,
            ExprKind::Name(name) => !self.dropped.contains(name),
            ExprKind::Star => false,
            ExprKind::Negate(inner) => self.cannot_tell(inner),
            ExprKind::Binary { left, right, .. } => {
                self.cannot_tell(left) && self.cannot_tell(right)
            }
            ExprKind::In { expr, list, .. } | ExprKind::HasAny { expr, list, .. } => {
                self.cannot_tell(expr) && all(list)
            }
            ExprKind::Between {
                expr, low, high, ..
            } => self.cannot_tell(expr) && self.cannot_tell(low) && self.cannot_tell(high),
            ExprKind::Call { name, args } => reads_named_columns_only(&name.name) && all(args),
            ExprKind::Member { expr, .. } => self.cannot_tell(expr),
            ExprKind::Index { expr, index } => self.cannot_tell(expr) && self.cannot_tell(index),
            ExprKind::NamedArgument { value, .. } => self.cannot_tell(value),
            // A tabular expression is a subquery over other tables: it cannot see the
            // columns of the row.
            ExprKind::Pipe { .. }
            | ExprKind::DataTable { .. }
            | ExprKind::Print(_)
            | ExprKind::Invoke { .. }
            | ExprKind::ExternalData { .. }
            | ExprKind::Range { .. } => true,
        }
    }

    /// Builds the error for a query whose result would depend on the reading.
    pub(super) fn error(&self) -> Error {
        let message = match self.dropped.first() {
            Some(name) => format!(
                "mv-apply whose subquery drops the expanded column `{name}` is not supported yet, unless a `project` or `summarize` that does not read `{name}` follows it; or name the expansion, as in `mv-apply Item = {name} on (…)`"
            ),
            None => "mv-apply whose subquery reorders the input columns is not supported yet, unless a `project` or `summarize` follows it; reorder them after the mv-apply".to_string(),
        };
        Error::unsupported(self.span.clone(), message)
    }
}

fn assigned(items: &[Assignment]) -> Vec<&Expr> {
    items.iter().map(|item| &item.expr).collect()
}

/// True for a built-in scalar or aggregate function that reads only the columns named
/// in its arguments. `pack_all()`, `column_ifexists()` and `bag_pack_columns()` read
/// columns by position or by a name in a string, and a user-defined function's body is
/// not visible here.
fn reads_named_columns_only(name: &str) -> bool {
    if matches!(
        name,
        "pack_all" | "column_ifexists" | "columnifexists" | "bag_pack_columns"
    ) {
        return false;
    }
    crate::eval::functions::lookup(name).is_some()
        || crate::eval::aggregates::lookup(name).is_some()
}
