//! Binding of `make-series`: rows outside the axis range are dropped, a `summarize` groups
//! by the `by` keys and the axis bin, and a final step turns each group's bins into
//! arrays.

use super::plan::{BoundKind, MakeSeriesPlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{
    Assignment, BinaryOp, Expr, ExprKind, Ident, MakeSeries, Operator, OperatorKind, Span,
};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Field, Schema};
use crate::value::{convert, Type, Value};

/// The name of the hidden bin key; the space keeps it apart from every name a query can
/// write unquoted.
const BIN_KEY: &str = " make-series bin";

/// `make-series` (learn.microsoft.com/kusto/query/make-series-operator): the output has
/// the `by` columns, one `dynamic` array per aggregate, and last the axis values as an
/// array named after the axis column. Bins are `bin_at(Axis, step, from)` for `from`
/// up to `to`, excluded, and a bin without rows contains the aggregate's default value
/// (0 unless `default =` gives another).
pub fn bind_make_series(
    binder: &mut Binder<'_>,
    input: Plan,
    series: &MakeSeries,
    span: Span,
) -> Result<Plan> {
    let range = &series.range;
    if range.in_range {
        return Err(Error::unsupported(
            span,
            "make-series with `in range(…)` is not supported yet; write `from … to … step …`",
        ));
    }
    let (Some(from), Some(to)) = (&range.from, &range.to) else {
        // NOTE: without bounds the reference takes "the first bin, or step, that has data
        // in each series" and the end of the last one. It does not say whether the bins
        // are aligned to the first value or to multiples of the step, nor whether the
        // series of different `by` groups share one axis.
        return Err(Error::unsupported(
            span,
            "make-series without both `from` and `to` is not supported yet, because the KQL reference does not define the bins then; give the axis range, as in `from ago(7d) to now() step 1h`",
        ));
    };
    let step = &range.step;
    if series.nonempty && !series.by.is_empty() {
        return Err(Error::unsupported(
            span,
            "make-series kind=nonempty with `by` is not supported yet",
        ));
    }

    let axis = binder.bind_scalar(&series.axis, &input.schema)?;
    let axis_name = match (&series.axis.kind, &axis.kind) {
        (ExprKind::Name(name), BoundKind::Column(_)) => name.clone(),
        _ => {
            return Err(Error::unsupported(
                series.axis.span.clone(),
                "a make-series axis that is not a column is not supported yet",
            ))
        }
    };
    if !matches!(axis.ty, Type::DateTime | Type::Timespan) {
        return Err(Error::unsupported(
            series.axis.span.clone(),
            format!(
                "a make-series axis of type {} is not supported yet; use a datetime or timespan column",
                axis.ty
            ),
        ));
    }
    let start = bind_bound(binder, from, axis.ty, "from")?;
    let end = bind_bound(binder, to, axis.ty, "to")?;
    let step_value = bind_bound(binder, step, Type::Timespan, "step")?;

    // Rows outside `from` ≤ Axis < `to` belong to no bin.
    let in_range = binary(
        BinaryOp::And,
        binary(BinaryOp::GreaterOrEqual, series.axis.clone(), from.clone()),
        binary(BinaryOp::Less, series.axis.clone(), to.clone()),
    );
    let filtered = super::tabular::bind_operator(
        binder,
        input,
        &Operator {
            kind: OperatorKind::Where(in_range),
            span: span.clone(),
        },
    )?;

    let mut by = series.by.clone();
    let bin_call = Expr {
        kind: ExprKind::Call {
            name: Ident {
                name: "bin_at".to_string(),
                span: series.axis.span.clone(),
            },
            args: vec![series.axis.clone(), step.clone(), from.clone()],
        },
        span: series.axis.span.clone(),
    };
    by.push(Assignment {
        name: Some(Ident {
            name: BIN_KEY.to_string(),
            span: series.axis.span.clone(),
        }),
        expr: bin_call,
    });
    let aggregates: Vec<Assignment> = series
        .aggregates
        .iter()
        .map(|(assignment, _)| assignment.clone())
        .collect();
    let grouped =
        super::summarize::bind_summarize(binder, filtered, &aggregates, &by, span.clone())?;
    let key_count = series.by.len();
    let direct = matches!(grouped.kind, PlanKind::Summarize(_))
        && grouped.schema.len() == key_count + 1 + aggregates.len();
    if !direct {
        return Err(Error::unsupported(
            span,
            "make-series takes one aggregate call per column, such as count() or avg(x); an expression over aggregates is not supported yet",
        ));
    }

    let mut defaults = Vec::new();
    let mut fields: Vec<Field> = grouped.schema.fields[..key_count].to_vec();
    for ((assignment, default), field) in series
        .aggregates
        .iter()
        .zip(&grouped.schema.fields[key_count + 1..])
    {
        if !field.ty.is_numeric() {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                assignment.expr.span.clone(),
                format!(
                    "make-series needs an aggregate with a numeric result, not {}",
                    field.ty
                ),
            ));
        }
        defaults.push(default_value(binder, default.as_ref(), field.ty)?);
        fields.push(Field::new(field.name.clone(), Type::Dynamic));
    }
    fields.push(Field::new(axis_name, Type::Dynamic));

    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::MakeSeries(Box::new(MakeSeriesPlan {
            input: grouped,
            key_count,
            start,
            end,
            step: step_value,
            defaults,
            nonempty: series.nonempty,
        })),
        span,
    })
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.start.min(right.span.start)..left.span.end.max(right.span.end);
    Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}

/// Binds `from`, `to` or `step`: an expression without columns, of the expected type.
fn bind_bound(
    binder: &mut Binder<'_>,
    expr: &Expr,
    expected: Type,
    what: &str,
) -> Result<super::plan::BoundExpr> {
    let bound = binder.bind_scalar(expr, &Schema::default())?;
    if bound.ty != expected {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            format!(
                "make-series `{what}` must be a {expected}, not {}",
                bound.ty
            ),
        ));
    }
    Ok(bound)
}

/// Returns the value of an empty bin: the `default =` constant, or 0, in the aggregate's type.
fn default_value(binder: &mut Binder<'_>, default: Option<&Expr>, ty: Type) -> Result<Value> {
    let Some(expr) = default else {
        return convert(&Value::Long(0), ty).ok_or_else(|| {
            Error::at(
                ErrorKind::TypeMismatch,
                0..0,
                format!("make-series has no default value for type {ty}"),
            )
        });
    };
    let bound = binder.bind_scalar(expr, &Schema::default())?;
    let BoundKind::Literal(value) = &bound.kind else {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            "a make-series default must be a constant",
        ));
    };
    if value.is_null() {
        return Ok(Value::Null);
    }
    convert(value, ty).ok_or_else(|| {
        Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            format!(
                "the default `{}` does not convert to {ty}",
                value.to_kusto_string()
            ),
        )
    })
}
