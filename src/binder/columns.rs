//! Used-column analysis: which columns of each scanned table a bound plan reads, so that
//! loading can skip the others.
//!
//! The walk goes from the result down. Every result column is needed; each operator then
//! says which of its input columns it needs for the output columns needed from it:
//! `where` adds its predicate's columns, `project` needs every column it names, `extend`
//! needs the passed-through columns needed from it, both add the columns of every computed
//! expression, and `count` needs none.
//!
//! Loading only these columns and binding the query again against the narrower tables gives
//! the same result as long as no operator's output depends on columns it does not read by
//! position. `lookup` renames right columns whose names clash with left ones, so it needs
//! every column of both inputs. An operator whose result depends on its input's schema
//! (`getschema`, `project-away` with wildcards, `union` without `kind=inner`) must likewise
//! need every input column when it is added to [`PlanKind`].

use std::collections::{BTreeSet, HashMap};

use super::plan::{BoundExpr, BoundKind, JoinColumn, Plan, PlanKind, ProjectColumn};

/// Column names per table name, sorted.
pub type UsedColumns = HashMap<String, BTreeSet<String>>;

/// Returns the columns of each table that `plan` scans and reads.
///
/// A table scanned more than once gets the union of its uses. A table that the plan scans
/// but reads no column of (`T | count`) maps to an empty set.
///
/// A plan with an operator this analysis does not follow, or with a subquery anywhere,
/// returns an empty map, so every table loads in full: pruning must never change a result.
pub fn used_columns(plan: &Plan) -> UsedColumns {
    let mut used = UsedColumns::new();
    let every_column: BTreeSet<usize> = (0..plan.schema.len()).collect();
    if !collect(plan, &every_column, &mut used) {
        return UsedColumns::new();
    }
    used.retain(|_, columns| !columns.contains(EVERY_COLUMN));
    used
}

/// True when the analysis follows every node of `plan`: no subquery and no operator it
/// does not know. Streaming relies on the same condition.
pub fn is_followed(plan: &Plan) -> bool {
    let every_column: BTreeSet<usize> = (0..plan.schema.len()).collect();
    collect(plan, &every_column, &mut UsedColumns::new())
}

/// Marks a table whose every column the plan passes on; no column name can be `*`.
const EVERY_COLUMN: &str = "*";

/// Records the columns `plan` reads from its inputs, given the positions of its output
/// columns that are `needed`. Returns false when the plan has a node the analysis does not
/// follow.
fn collect(plan: &Plan, needed: &BTreeSet<usize>, used: &mut UsedColumns) -> bool {
    match &plan.kind {
        // Every use of a materialized result records its columns, so the one run that
        // all uses share loads the union of them.
        PlanKind::Shared(inner) | PlanKind::Materialized { plan: inner, .. } => {
            collect(inner, needed, used)
        }
        PlanKind::Scan { table } => {
            let entry = used.entry(table.clone()).or_default();
            if needed.len() >= plan.schema.len() {
                // Every column reaches the output, and so would the columns a file has
                // beyond the schema, which the schema does not list: load them all.
                entry.insert(EVERY_COLUMN.to_string());
            } else {
                let names = needed
                    .iter()
                    .filter_map(|&index| plan.schema.fields.get(index))
                    .map(|field| field.name.clone());
                entry.extend(names);
            }
            true
        }
        PlanKind::Constant(_) => true,
        PlanKind::Print { exprs } => {
            let mut ignored = BTreeSet::new();
            exprs.iter().all(|expr| expr_columns(expr, &mut ignored))
        }
        PlanKind::Where { input, predicate } => {
            let mut input_needed = needed.clone();
            expr_columns(predicate, &mut input_needed) && collect(input, &input_needed, used)
        }
        PlanKind::Project { input, columns } => {
            // `project` names its columns, so binding it again needs all of them. `extend`
            // passes its input through without naming it.
            let passes_through_unnamed = looks_like_extend(columns, input.schema.len());
            let mut input_needed = BTreeSet::new();
            let mut followed = true;
            for (position, column) in columns.iter().enumerate() {
                match column {
                    ProjectColumn::Input(index)
                        if needed.contains(&position) || !passes_through_unnamed =>
                    {
                        input_needed.insert(*index);
                    }
                    ProjectColumn::Input(_) => {}
                    // Every computed column is evaluated, needed or not, and binding it again
                    // needs the columns it names.
                    ProjectColumn::Computed(expr) => {
                        followed &= expr_columns(expr, &mut input_needed);
                    }
                }
            }
            followed && collect(input, &input_needed, used)
        }
        PlanKind::Take { input, .. } | PlanKind::Sample { input, .. } => {
            collect(input, needed, used)
        }
        PlanKind::Count { input } => collect(input, &BTreeSet::new(), used),
        PlanKind::Lookup(lookup) => {
            let left: BTreeSet<usize> = (0..lookup.left.schema.len()).collect();
            let right: BTreeSet<usize> = (0..lookup.right.schema.len()).collect();
            collect(&lookup.left, &left, used) && collect(&lookup.right, &right, used)
        }
        // `summarize` outputs its keys and aggregates only, so it reads just the columns
        // they name; `*` in `arg_max(x, *)` was already expanded to every column.
        PlanKind::Summarize(summarize) => {
            let mut input_needed = BTreeSet::new();
            let mut followed = true;
            for key in &summarize.keys {
                followed &= expr_columns(key, &mut input_needed);
            }
            for aggregate in &summarize.aggregates {
                for arg in &aggregate.args {
                    followed &= expr_columns(arg, &mut input_needed);
                }
            }
            followed && collect(&summarize.input, &input_needed, used)
        }
        // `sort` passes its input through and also reads its keys.
        PlanKind::Sort { input, keys } => {
            let mut input_needed = needed.clone();
            let mut followed = true;
            for key in keys {
                followed &= expr_columns(&key.expr, &mut input_needed);
            }
            followed && collect(input, &input_needed, used)
        }
        PlanKind::Render { input, .. } | PlanKind::Serialize { input } => {
            collect(input, needed, used)
        }
        // NOTE: the operators below are not analysed yet, so a query that uses one loads
        // every column of every table.
        // `join` reads its keys and the columns of each side that reach needed output
        // columns. A pruned column could change how clashing names are suffixed (`A1`),
        // but then the query fails to bind or its result columns differ, and the caller
        // loads every column.
        PlanKind::Join(join) => {
            let mut left_needed: BTreeSet<usize> = join.left_keys.iter().copied().collect();
            let mut right_needed: BTreeSet<usize> = join.right_keys.iter().copied().collect();
            for position in needed {
                match join.output.get(*position) {
                    Some(JoinColumn::Left(index)) => {
                        left_needed.insert(*index);
                    }
                    Some(JoinColumn::Right(index)) => {
                        right_needed.insert(*index);
                    }
                    None => {}
                }
            }
            collect(&join.left, &left_needed, used) && collect(&join.right, &right_needed, used)
        }
        PlanKind::ExternalData(_)
        | PlanKind::MvExpand(_)
        | PlanKind::Union(_)
        | PlanKind::Parse(_)
        | PlanKind::MvApply(_)
        | PlanKind::Partition(_)
        | PlanKind::MakeSeries(_)
        | PlanKind::BagUnpack(_)
        | PlanKind::Pivot(_)
        | PlanKind::ColumnsFromData(_)
        | PlanKind::ParseKv(_)
        | PlanKind::Range(_)
        // A search term reads every column, also those a file has beyond the catalog.
        | PlanKind::Search(_)
        | PlanKind::Ipv4Lookup(_)
        | PlanKind::ActivityCountsMetrics(_)
        | PlanKind::ScanOperator(_)
        // Both read a loaded table that no Scan node names.
        | PlanKind::FileProfile(_)
        | PlanKind::DeviceFromIp(_) => false,
    }
}

/// True when the output starts with the input columns in order, some replaced by computed
/// ones, as `extend` builds it. A `project` of every input column in order looks the same;
/// for it, a pruned column fails the second binding, and the caller then loads every column.
pub(crate) fn looks_like_extend(columns: &[ProjectColumn], input_len: usize) -> bool {
    columns.len() >= input_len
        && columns
            .iter()
            .take(input_len)
            .enumerate()
            .all(|(position, column)| match column {
                ProjectColumn::Input(index) => *index == position,
                ProjectColumn::Computed(_) => true,
            })
}

/// Adds the positions of the input columns that `expr` reads. Returns false when the
/// expression contains a subquery, whose tables this analysis does not follow.
pub(crate) fn expr_columns(expr: &BoundExpr, columns: &mut BTreeSet<usize>) -> bool {
    if let BoundKind::Column(index) = &expr.kind {
        columns.insert(*index);
        return true;
    }
    match expr.children() {
        // Every child is visited, so that the columns of the others are still added when
        // one of them is not followed.
        Some(children) => children.into_iter().fold(true, |followed, child| {
            expr_columns(child, columns) & followed
        }),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::BuiltinSchemas;

    fn used_by(query: &str) -> UsedColumns {
        match crate::engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => used_columns(&bound.plan),
            Err(error) => panic!("{query}: {}", error.message),
        }
    }

    fn names(used: &UsedColumns, table: &str) -> Vec<String> {
        used.get(table)
            .map(|names| names.iter().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn subquery_disables_pruning() {
        let query = "DeviceNetworkEvents | where LocalPort > toscalar(DeviceNetworkEvents | summarize max(RemotePort)) | project DeviceName";
        assert!(used_by(query).is_empty());
        let query = "DeviceNetworkEvents | where DeviceName in (DeviceInfo | project DeviceName)";
        assert!(used_by(query).is_empty());
    }

    #[test]
    fn unfollowed_operator_disables_pruning() {
        let query = "DeviceNetworkEvents | parse RemoteUrl with * '//' Host '/' * | project Host";
        assert!(used_by(query).is_empty());
    }

    #[test]
    fn summarize_reads_keys_and_arguments() {
        let used = used_by(
            "DeviceNetworkEvents | summarize count(), dcount(RemoteIP) by DeviceName, bin(TimeGenerated, 1h)",
        );
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "RemoteIP", "TimeGenerated"]
        );
    }

    #[test]
    fn summarize_with_star_loads_in_full() {
        let used = used_by("DeviceNetworkEvents | summarize arg_max(TimeGenerated, *) by DeviceId");
        assert!(!used.contains_key("DeviceNetworkEvents"));
    }

    #[test]
    fn join_reads_keys_and_needed_columns() {
        let used = used_by(
            "DeviceNetworkEvents | join kind=inner (DeviceInfo | project DeviceId, OSPlatform) on DeviceId \
             | summarize count() by OSPlatform",
        );
        assert_eq!(names(&used, "DeviceNetworkEvents"), ["DeviceId"]);
        assert_eq!(names(&used, "DeviceInfo"), ["DeviceId", "OSPlatform"]);
    }

    #[test]
    fn sort_reads_its_keys() {
        let used =
            used_by("DeviceNetworkEvents | sort by RemotePort | project DeviceName | take 3");
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "RemotePort"]
        );
    }

    #[test]
    fn where_and_project_read_named_columns() {
        let used =
            used_by("DeviceNetworkEvents | where RemotePort == 443 | project DeviceName, RemoteIP");
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "RemoteIP", "RemotePort"]
        );
    }

    #[test]
    fn extend_evaluates_unused_expressions() {
        let used = used_by("DeviceNetworkEvents | extend x = LocalPort + 1 | project DeviceName");
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "LocalPort"]
        );
    }

    #[test]
    fn whole_table_result_loads_in_full() {
        // A table not in the map loads every column, including file columns that the
        // catalog does not list, which a whole-table result must show.
        let used = used_by("DeviceNetworkEvents | take 5");
        assert!(!used.contains_key("DeviceNetworkEvents"));
        let used = used_by("DeviceNetworkEvents | where RemotePort == 443 | extend x = 1");
        assert!(!used.contains_key("DeviceNetworkEvents"));
    }

    #[test]
    fn project_needs_every_named_column() {
        let used = used_by("DeviceNetworkEvents | project DeviceName, RemotePort | count");
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "RemotePort"]
        );
    }

    #[test]
    fn count_reads_no_column() {
        let used = used_by("DeviceNetworkEvents | where ActionType has 'Inbound' | count");
        assert_eq!(names(&used, "DeviceNetworkEvents"), ["ActionType"]);
        let used = used_by("DeviceNetworkEvents | count");
        assert_eq!(used.get("DeviceNetworkEvents"), Some(&BTreeSet::new()));
    }

    #[test]
    fn let_bound_tables_and_self_lookup_union() {
        let used = used_by(
            "let Ports = DeviceNetworkEvents | project RemotePort, Protocol; \
             DeviceNetworkEvents | project DeviceName, RemotePort \
             | lookup kind=inner Ports on RemotePort | project DeviceName",
        );
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            ["DeviceName", "Protocol", "RemotePort"]
        );
    }

    #[test]
    fn published_query_reads_eight_columns() {
        let query = include_str!("../../queries/mde-suspicious-tcp-flags.kql");
        let used = used_by(query);
        assert_eq!(
            names(&used, "DeviceNetworkEvents"),
            [
                "ActionType",
                "AdditionalFields",
                "DeviceName",
                "LocalIP",
                "LocalPort",
                "RemoteIP",
                "RemotePort",
                "TimeGenerated"
            ]
        );
    }
}
