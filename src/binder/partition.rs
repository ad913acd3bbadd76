//! Binding of `partition`: the subquery is bound once over a stand-in for one partition's
//! rows, and its output columns are the operator's output columns.

use super::names::unknown_column;
use super::plan::{PartitionPlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{Operator, OperatorKind, Partition, PartitionStrategy, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::value::Type;

/// The maximum number of partitions of the legacy strategy. More is an error in Kusto.
const LEGACY_MAX_PARTITIONS: usize = 64;

/// `partition [hint.strategy=…] by Column (subquery)`
/// (learn.microsoft.com/kusto/query/partition-operator).
///
/// The subquery runs once per distinct value of the key column, over the rows with that
/// value, and the output is the union of the results. The native and shuffle strategies
/// accept only the operators that the reference lists for them.
pub fn bind_partition(
    binder: &mut Binder<'_>,
    input: Plan,
    partition: &Partition,
    span: Span,
) -> Result<Plan> {
    let key_name = &partition.key.name;
    let Some(key) = input.schema.index_of(key_name) else {
        return Err(unknown_column(
            key_name,
            partition.key.span.clone(),
            &input.schema,
            &binder.binding_names(),
        ));
    };
    if input.schema.fields[key].ty == Type::Dynamic {
        return Err(Error::unsupported(
            partition.key.span.clone(),
            format!(
                "partition by the dynamic column `{key_name}` is not supported yet; convert it with tostring() in an extend first"
            ),
        ));
    }
    for operator in &partition.subquery {
        check_subquery_operator(operator, partition.strategy)?;
    }

    let partition_table = format!(" partition {}", binder.new_subquery_id());
    let source = Plan {
        kind: PlanKind::Scan {
            table: partition_table.clone(),
        },
        schema: input.schema.clone(),
        span: span.clone(),
    };
    binder.partition_depth += 1;
    let mut bound = Ok(source);
    for operator in &partition.subquery {
        bound = bound.and_then(|plan| super::tabular::bind_operator(binder, plan, operator));
    }
    binder.partition_depth -= 1;
    let subquery = bound?;

    let max_partitions = match partition.strategy {
        PartitionStrategy::Legacy => Some(LEGACY_MAX_PARTITIONS),
        PartitionStrategy::Native | PartitionStrategy::Shuffle => None,
    };
    Ok(Plan {
        schema: subquery.schema.clone(),
        kind: PlanKind::Partition(Box::new(PartitionPlan {
            input,
            key,
            partition_table,
            subquery,
            max_partitions,
        })),
        span,
    })
}

/// Rejects the subquery operators that the strategy does not allow, and those this
/// engine cannot run inside `partition`.
fn check_subquery_operator(operator: &Operator, strategy: PartitionStrategy) -> Result<()> {
    let span = operator.span.clone();
    if matches!(operator.kind, OperatorKind::As(_)) {
        // NOTE: the reference names the partition with `as` and reads it again with
        // toscalar() in the legacy strategy. Here a toscalar() result is computed once per
        // query, not once per partition, so the form is rejected.
        return Err(Error::unsupported(
            span,
            "`as` inside a partition subquery is not supported yet, because the subquery cannot read its own partition by name here",
        ));
    }
    if matches!(operator.kind, OperatorKind::Evaluate { .. }) {
        return Err(Error::unsupported(
            span,
            "`evaluate` inside a partition subquery is not supported yet",
        ));
    }
    if strategy == PartitionStrategy::Legacy || allowed_in_native(&operator.kind) {
        return Ok(());
    }
    let strategy_name = match strategy {
        PartitionStrategy::Shuffle => "shuffle",
        _ => "native",
    };
    Err(Error::at(
        ErrorKind::Syntax,
        span,
        format!(
            "`{}` cannot be used in a partition subquery with hint.strategy={strategy_name}, which allows only operators on the partition's rows, such as where, extend, summarize and top",
            operator_name(&operator.kind)
        ),
    )
    .with_hint("join, union and lookup need hint.strategy=legacy, the default"))
}

/// Returns the name of an operator that the native and shuffle strategies reject.
fn operator_name(kind: &OperatorKind) -> &'static str {
    match kind {
        OperatorKind::Join { .. } => "join",
        OperatorKind::Lookup { .. } => "lookup",
        OperatorKind::Union(_) => "union",
        OperatorKind::GetSchema => "getschema",
        OperatorKind::Render { .. } => "render",
        OperatorKind::ParseKv(_) => "parse-kv",
        OperatorKind::Partition(_) => "partition",
        _ => "this operator",
    }
}

/// True for the operators that the reference lists for the native and shuffle strategies
/// and that this engine has.
fn allowed_in_native(kind: &OperatorKind) -> bool {
    matches!(
        kind,
        OperatorKind::Count
            | OperatorKind::Distinct(_)
            | OperatorKind::Extend(_)
            | OperatorKind::MakeSeries(_)
            | OperatorKind::MvApply(_)
            | OperatorKind::MvExpand(_)
            | OperatorKind::Parse(_)
            | OperatorKind::Project(_)
            | OperatorKind::ProjectAway(_)
            | OperatorKind::ProjectKeep(_)
            | OperatorKind::ProjectRename(_)
            | OperatorKind::ProjectReorder(_)
            | OperatorKind::Search(_)
            | OperatorKind::Serialize(_)
            | OperatorKind::Sort(_)
            | OperatorKind::Summarize { .. }
            | OperatorKind::Take(_)
            | OperatorKind::Sample(_)
            | OperatorKind::Top { .. }
            | OperatorKind::Where(_)
    )
}
