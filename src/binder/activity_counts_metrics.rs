//! Binding of `evaluate activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Step
//! [, Dimension…])` (learn.microsoft.com/kusto/query/activity-counts-metrics-plugin).
//!
//! The output has the timeline column (same name and type), the dimension columns, then
//! `count`, `dcount`, `new_dcount` and `aggregated_dcount`, all `long`. That order is the
//! one of the reference page's older schema table and of Kusto's language service
//! (`ActivityCountsMetrics` in `PlugIns.cs` of github.com/microsoft/Kusto-Query-Language).
//!
//! Only a `datetime` timeline with a `timespan` step is bound. The page also allows a
//! decimal step and the strings `week`, `month` and `year`, but does not say how their
//! windows line up with Start, so those are rejected as not supported yet.

use super::plan::{ActivityCountsMetricsPlan, BoundKind, Plan, PlanKind};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, OutputSchema, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::functions::datetime::DOTNET_EPOCH_OFFSET;
use crate::table::{Field, Schema};
use crate::value::{format_datetime, Type, Value};

const PLUGIN: &str = "activity_counts_metrics";

/// The metric columns that follow the timeline and dimension columns.
pub const METRIC_COLUMNS: [&str; 4] = ["count", "dcount", "new_dcount", "aggregated_dcount"];

pub fn bind_activity_counts_metrics(
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
            "an output schema after `activity_counts_metrics` is not supported yet",
        ));
    }
    let [id_arg, timeline_arg, start_arg, end_arg, step_arg, dimension_args @ ..] = args else {
        return Err(Error::at(
            ErrorKind::Syntax,
            plugin.span.clone(),
            "activity_counts_metrics needs an ID column, a timeline column, Start, End and Step",
        )
        .with_hint("evaluate activity_counts_metrics(UserId, Timestamp, start, end, 1d)"));
    };
    for arg in args {
        if let ExprKind::NamedArgument { name, .. } = &arg.kind {
            return Err(Error::at(
                ErrorKind::Syntax,
                name.span.clone(),
                "activity_counts_metrics takes its arguments by position, not by name",
            ));
        }
    }

    let id = column_argument(&input.schema, id_arg, "the ID column")?;
    if id.1 == Type::Dynamic {
        return Err(Error::unsupported(
            id_arg.span.clone(),
            "a dynamic ID column in activity_counts_metrics is not supported yet",
        ));
    }
    let timeline = column_argument(&input.schema, timeline_arg, "the timeline column")?;
    if timeline.1 != Type::DateTime {
        return Err(Error::unsupported(
            timeline_arg.span.clone(),
            format!(
                "a {} timeline column in activity_counts_metrics is not supported yet; only datetime is",
                timeline.1
            ),
        ));
    }

    let start = binder.bind_scalar(start_arg, &Schema::default())?;
    let end = binder.bind_scalar(end_arg, &Schema::default())?;
    for (bound, name) in [(&start, "Start"), (&end, "End")] {
        if bound.ty != Type::DateTime {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                bound.span.clone(),
                format!(
                    "{name} of activity_counts_metrics must be a datetime, not {}",
                    bound.ty
                ),
            ));
        }
    }
    let step = binder.bind_scalar(step_arg, &Schema::default())?;
    check_step_type(step.ty, &step.span)?;
    if let BoundKind::Literal(Value::Timespan(ticks)) = step.kind {
        check_step_value(ticks, &step.span)?;
        if let (
            BoundKind::Literal(Value::DateTime(from)),
            BoundKind::Literal(Value::DateTime(to)),
        ) = (&start.kind, &end.kind)
        {
            check_window_arguments((*from, *to, ticks), (&start.span, &end.span))?;
        }
    }

    let mut fields = vec![Field::new(timeline.2.clone(), Type::DateTime)];
    let mut dimensions = Vec::new();
    for arg in dimension_args {
        let (position, ty, name) = column_argument(&input.schema, arg, "a dimension")?;
        if ty == Type::Dynamic {
            return Err(Error::unsupported(
                arg.span.clone(),
                "a dynamic dimension column in activity_counts_metrics is not supported yet",
            ));
        }
        if fields.iter().any(|field| field.name == name) {
            return Err(Error::unsupported(
                arg.span.clone(),
                format!("column `{name}` appears twice in the output of activity_counts_metrics; this is not supported yet"),
            ));
        }
        fields.push(Field::new(name, ty));
        dimensions.push(position);
    }
    for metric in METRIC_COLUMNS {
        if let Some(field) = fields.iter().find(|field| field.name == metric) {
            return Err(Error::unsupported(
                span.clone(),
                format!(
                    "an input column named `{}` in activity_counts_metrics is not supported yet, because the output has a metric column of that name",
                    field.name
                ),
            )
            .with_hint(format!(
                "rename it first: `project-rename {metric}_value = {metric}`"
            )));
        }
        fields.push(Field::new(metric, Type::Long));
    }

    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::ActivityCountsMetrics(Box::new(ActivityCountsMetricsPlan {
            input,
            id: id.0,
            timeline: timeline.0,
            start,
            end,
            step,
            dimensions,
        })),
        span,
    })
}

/// Rejects a zero or negative Step, which gives no windows.
pub(crate) fn check_step_value(ticks: i64, span: &Span) -> Result<()> {
    if ticks > 0 {
        return Ok(());
    }
    Err(Error::at(
        ErrorKind::TypeMismatch,
        span.clone(),
        "Step of activity_counts_metrics must be a positive timespan",
    ))
}

/// Rejects the window arguments that the reference page gives no meaning for: an End
/// before Start, and a Start that is not a multiple of Step from 0001-01-01, where
/// `bin(_, Step)` puts window starts. The page does not say whether windows start at
/// Start or at `bin(Start, Step)`, and the two agree only on such a Start.
pub(crate) fn check_window_arguments(
    (start, end, step): (i64, i64, i64),
    (start_span, end_span): (&Span, &Span),
) -> Result<()> {
    if end < start {
        return Err(Error::unsupported(
            end_span.clone(),
            format!(
                "an End ({}) before Start ({}) in activity_counts_metrics is not supported yet",
                format_datetime(end),
                format_datetime(start)
            ),
        ));
    }
    if (i128::from(start) + i128::from(DOTNET_EPOCH_OFFSET)) % i128::from(step) != 0 {
        return Err(Error::unsupported(
            start_span.clone(),
            format!(
                "a Start ({}) that is not a multiple of Step in activity_counts_metrics is not supported yet",
                format_datetime(start)
            ),
        )
        .with_hint("round it down first, for example with bin(Start, Step) or startofday(Start)"));
    }
    Ok(())
}

/// Accepts a `timespan` step and rejects the other step types of the reference page,
/// whose window boundaries it does not define.
fn check_step_type(ty: Type, span: &Span) -> Result<()> {
    match ty {
        Type::Timespan => Ok(()),
        Type::String => Err(Error::unsupported(
            span.clone(),
            "a `week`, `month` or `year` Step in activity_counts_metrics is not supported yet",
        )
        .with_hint("use a timespan such as 7d")),
        Type::Int | Type::Long | Type::Real | Type::Decimal | Type::DateTime => {
            Err(Error::unsupported(
                span.clone(),
                format!("a {ty} Step in activity_counts_metrics is not supported yet; only a timespan is"),
            ))
        }
        other => Err(Error::at(
            ErrorKind::TypeMismatch,
            span.clone(),
            format!("Step of activity_counts_metrics must be a timespan, not {other}"),
        )),
    }
}

/// Resolves a column-name argument to its position, type and name in `schema`.
fn column_argument(schema: &Schema, arg: &Expr, role: &str) -> Result<(usize, Type, String)> {
    let ExprKind::Name(name) = &arg.kind else {
        return Err(Error::unsupported(
            arg.span.clone(),
            format!("{role} of {PLUGIN} must be a column name; an expression is not supported yet"),
        )
        .with_hint("extend a column with the expression first"));
    };
    let position = super::plugins::input_column(schema, name, &arg.span, PLUGIN)?;
    let ty = schema
        .fields
        .get(position)
        .map(|field| field.ty)
        .ok_or_else(|| {
            Error::at(
                ErrorKind::UnknownName,
                arg.span.clone(),
                format!("column `{name}` is not in the input of {PLUGIN}"),
            )
        })?;
    Ok((position, ty, name.clone()))
}
