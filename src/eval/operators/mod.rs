//! Tabular operators, one per file, each a function from its input table(s) to its
//! output table. [`run`] walks the plan and calls them.

mod activity_counts_metrics;
pub(crate) mod bag_unpack;
mod count;
mod defender;
mod externaldata;
mod filter;
mod ipv4_lookup;
mod join;
pub(crate) mod keys;
mod lookup;
mod make_series;
mod mv_apply;
mod mv_expand;
mod parse;
mod parse_kv;
mod partition;
mod pivot;
mod print;
pub(crate) mod project;
mod range;
mod sample;
mod scan_operator;
mod search;
mod sort;
mod summarize;
mod take;
mod union;

use std::sync::Arc;

use super::{EvalContext, TableSource};
use crate::binder::plan::{Plan, PlanKind};
use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;

/// The caller's tables, plus one more table under a name that no query can write: the
/// current row of `mv-apply`, or the current partition of `partition`.
struct WithTable<'a> {
    tables: &'a dyn TableSource,
    name: &'a str,
    table: Arc<Table>,
}

impl TableSource for WithTable<'_> {
    fn table(&self, name: &str) -> Option<Arc<Table>> {
        if name == self.name {
            return Some(Arc::clone(&self.table));
        }
        self.tables.table(name)
    }
}

/// How many rows a long operator processes between two checks for cancellation.
pub(crate) const CANCEL_CHECK_ROWS: usize = 4096;

/// Runs a plan node and everything below it, and checks the result against
/// [`EvalContext::max_rows`]. Loaded tables and `datatable` literals are exempt, because
/// they are in memory already: the limit stops operators from producing rows.
pub fn run(plan: &Plan, tables: &dyn TableSource, context: &EvalContext) -> Result<Table> {
    context.check_cancelled(&plan.span)?;
    let table = run_operator(plan, tables, context)?;
    let exempt = matches!(plan.kind, PlanKind::Scan { .. } | PlanKind::Constant(_));
    match context.max_rows {
        Some(max_rows) if !exempt && table.row_count > max_rows => {
            Err(too_many_rows(&plan.span, Some(table.row_count), max_rows))
        }
        _ => Ok(table),
    }
}

/// Returns the error for an operator whose output has more rows than `--max-rows`: `rows`
/// rows, or an unknown number for an operator that stopped as soon as it passed the limit.
pub(crate) fn too_many_rows(
    span: &crate::ast::Span,
    rows: Option<usize>,
    max_rows: usize,
) -> Error {
    let produces = match rows {
        Some(rows) => format!("produces {rows} rows, more than --max-rows {max_rows}"),
        None => format!("produces more rows than --max-rows {max_rows}"),
    };
    Error::at(
        ErrorKind::Evaluation,
        span.clone(),
        format!("this part of the query {produces}; filter earlier or raise --max-rows"),
    )
}

fn run_operator(plan: &Plan, tables: &dyn TableSource, context: &EvalContext) -> Result<Table> {
    match &plan.kind {
        PlanKind::Shared(inner) => run(inner, tables, context),
        PlanKind::Materialized { id, plan } => {
            context.materialized(*id, || run(plan, tables, context))
        }
        PlanKind::Scan { table } => scan(plan, table, tables),
        PlanKind::Constant(table) => Ok(Table::clone(table)),
        PlanKind::Print { exprs } => print::run(&plan.schema, exprs, context),
        PlanKind::Where { input, predicate } => {
            let input = run(input, tables, context)?;
            filter::run(input, predicate, context)
        }
        PlanKind::Project { input, columns } => {
            let input = run(input, tables, context)?;
            project::run(input, &plan.schema, columns, context)
        }
        PlanKind::Take { input, count } => {
            let input = run(input, tables, context)?;
            Ok(take::run(input, *count))
        }
        PlanKind::Sample { input, count } => {
            let input = run(input, tables, context)?;
            Ok(sample::run(input, *count))
        }
        PlanKind::Count { input } => {
            let input = run(input, tables, context)?;
            Ok(count::run(&input))
        }
        PlanKind::Lookup(lookup) => {
            let left = run(&lookup.left, tables, context)?;
            let right = run(&lookup.right, tables, context)?;
            lookup::run(&left, &right, lookup, &plan.schema)
        }
        PlanKind::ExternalData(external) => externaldata::run(plan, external, context),
        PlanKind::Summarize(summarize) => {
            let input = run(&summarize.input, tables, context)?;
            summarize::run(&input, summarize, &plan.schema, context)
        }
        PlanKind::Sort { input, keys } => {
            let input = run(input, tables, context)?;
            sort::run(input, keys, context)
        }
        PlanKind::Join(join) => {
            let left = run(&join.left, tables, context)?;
            let right = run(&join.right, tables, context)?;
            Ok(join::run(&left, &right, join, &plan.schema))
        }
        PlanKind::MvExpand(expand) => {
            let input = run(&expand.input, tables, context)?;
            mv_expand::run(&input, expand, plan, context)
        }
        PlanKind::MakeSeries(series) => {
            let grouped = run(&series.input, tables, context)?;
            make_series::run(&grouped, series, &plan.schema, context)
        }
        PlanKind::MvApply(apply) => {
            let input = run(&apply.input, tables, context)?;
            mv_apply::run_apply(&input, apply, &plan.schema, tables, context)
        }
        PlanKind::Partition(partition) => {
            let input = run(&partition.input, tables, context)?;
            partition::run_partition(&input, partition, &plan.schema, &plan.span, tables, context)
        }
        PlanKind::Union(inputs) => union::run(inputs, &plan.schema, tables, context),
        PlanKind::Parse(parse) => {
            let input = run(&parse.input, tables, context)?;
            parse::run(&input, parse, &plan.schema, context)
        }
        PlanKind::BagUnpack(unpack) => {
            let input = run(&unpack.input, tables, context)?;
            bag_unpack::run(&input, unpack, &plan.schema, &plan.span)
        }
        PlanKind::Pivot(pivot_plan) => {
            let grouped = run(&pivot_plan.input, tables, context)?;
            pivot::run(&grouped, pivot_plan, &plan.schema, &plan.span)
        }
        PlanKind::ColumnsFromData(unbound) => Err(Error::at(
            ErrorKind::Unsupported,
            plan.span.clone(),
            format!(
                "{} was bound without the data, so its columns are not known and it cannot run",
                unbound.source
            ),
        )),
        PlanKind::ParseKv(parse) => {
            let input = run(&parse.input, tables, context)?;
            parse_kv::run(&input, parse, &plan.schema, context)
        }
        PlanKind::Range(range) => range::run(range, &plan.schema, &plan.span, context),
        PlanKind::Search(search_plan) => {
            let input = run(&search_plan.input, tables, context)?;
            search::run(input, search_plan, &plan.schema, context)
        }
        PlanKind::Ipv4Lookup(lookup) => {
            let input = run(&lookup.input, tables, context)?;
            let lookup_table = run(&lookup.lookup, tables, context)?;
            ipv4_lookup::run(&input, &lookup_table, lookup, &plan.schema, &plan.span)
        }
        PlanKind::ActivityCountsMetrics(metrics) => {
            let input = run(&metrics.input, tables, context)?;
            activity_counts_metrics::run(&input, metrics, &plan.schema, &plan.span, context)
        }
        PlanKind::ScanOperator(scan_plan) => {
            let input = run(&scan_plan.input, tables, context)?;
            scan_operator::run(&input, scan_plan, &plan.schema, context)
        }
        PlanKind::FileProfile(profile) => {
            let input = run(&profile.input, tables, context)?;
            defender::file_profile(&input, tables, profile, &plan.schema, &plan.span)
        }
        PlanKind::DeviceFromIp(devices) => {
            let input = run(&devices.input, tables, context)?;
            defender::device_from_ip(&input, tables, devices, &plan.schema, &plan.span)
        }
        PlanKind::Render { input, .. } | PlanKind::Serialize { input } => {
            run(input, tables, context)
        }
    }
}

/// Reads a loaded table. The binder resolved the name against the same tables, so a
/// missing one here means the caller changed them between binding and running.
fn scan(plan: &Plan, name: &str, tables: &dyn TableSource) -> Result<Table> {
    let table: Arc<Table> = tables.table(name).ok_or_else(|| {
        Error::at(
            ErrorKind::UnknownName,
            plan.span.clone(),
            format!("table `{name}` is not loaded"),
        )
    })?;
    Ok(Table::clone(&table))
}
