//! Narrowing `parse_json` to the keys a query reads.
//!
//! A hunting query often parses a JSON text column and reads a few of its keys:
//!
//! ```kql
//! DeviceNetworkEvents
//! | extend info = parse_json(AdditionalFields)
//! | where info["direction"] has "In"
//! | project TimeGenerated, TcpFlags = tostring(info["Tcp Flags"])
//! ```
//!
//! When every use of such a column reads a constant key, and no operator passes the column
//! on to the result, the call gets an implementation that builds each object with only
//! those keys. Calls are looked for along the plan's chain of `where`, `extend`/`project`,
//! `take`, `count` and the left inputs of `lookup`. The column's uses are followed only
//! through `where`, `extend`/`project`, `take` and `count`, so a column that reaches any
//! other operator leaves the call as it is.

use std::collections::BTreeSet;

use super::plan::{BoundExpr, BoundKind, Plan, PlanKind, ProjectColumn};
use crate::eval::functions::{parse_json_keys, PreparedCall};
use crate::value::{Type, Value};

/// The names under which the catalog lists `parse_json`.
const PARSE_JSON_NAMES: [&str; 4] = ["parse_json", "todynamic", "toobject", "parsejson"];

/// Gives every `parse_json` call in the operator chain of `plan` whose result is read only
/// at constant keys an implementation that keeps just those keys.
pub(super) fn narrow_parse_json(plan: &mut Plan) {
    let narrowed = {
        let chain = operator_chain(plan);
        let mut narrowed = Vec::new();
        for (depth, node) in chain.iter().enumerate() {
            let PlanKind::Project { columns, .. } = &node.kind else {
                continue;
            };
            for (position, column) in columns.iter().enumerate() {
                let ProjectColumn::Computed(expr) = column else {
                    continue;
                };
                if !is_text_parse(expr) {
                    continue;
                }
                let above = chain.get(..depth).unwrap_or_default();
                if let Some(keys) = keys_read(node, position, above) {
                    narrowed.push((depth, position, keys));
                }
            }
        }
        narrowed
    };

    for (depth, position, keys) in narrowed {
        let Some(node) = node_at_mut(plan, depth) else {
            continue;
        };
        let PlanKind::Project { columns, .. } = &mut node.kind else {
            continue;
        };
        if let Some(ProjectColumn::Computed(BoundExpr {
            kind: BoundKind::Call { prepared, .. },
            ..
        })) = columns.get_mut(position)
        {
            *prepared = Some(PreparedCall(parse_json_keys::keeping_keys(keys)));
        }
    }
}

/// Returns `plan` and the operators below it along their first inputs, top first.
fn operator_chain(plan: &Plan) -> Vec<&Plan> {
    let mut chain = vec![plan];
    while let Some(input) = chain.last().and_then(|node| chain_input(node)) {
        chain.push(input);
    }
    chain
}

fn chain_input(node: &Plan) -> Option<&Plan> {
    match &node.kind {
        PlanKind::Where { input, .. }
        | PlanKind::Project { input, .. }
        | PlanKind::Take { input, .. }
        | PlanKind::Count { input } => Some(input),
        PlanKind::Lookup(lookup) => Some(&lookup.left),
        _ => None,
    }
}

fn node_at_mut(plan: &mut Plan, depth: usize) -> Option<&mut Plan> {
    if depth == 0 {
        return Some(plan);
    }
    let input = match &mut plan.kind {
        PlanKind::Where { input, .. }
        | PlanKind::Project { input, .. }
        | PlanKind::Take { input, .. }
        | PlanKind::Count { input } => input.as_mut(),
        PlanKind::Lookup(lookup) => &mut lookup.left,
        _ => return None,
    };
    node_at_mut(input, depth - 1)
}

/// True for `parse_json(text)` with a `string` argument and no call-site implementation.
fn is_text_parse(expr: &BoundExpr) -> bool {
    match &expr.kind {
        BoundKind::Call {
            function,
            args,
            prepared: None,
        } => {
            PARSE_JSON_NAMES.contains(&function.name)
                && matches!(args.as_slice(), [arg] if arg.ty == Type::String)
        }
        _ => false,
    }
}

/// Returns the keys at which the operators `above` (top first) read column `position` of
/// `node`, or `None` if one of them reads it otherwise or passes it on to the result.
fn keys_read(node: &Plan, position: usize, above: &[&Plan]) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    let mut positions = BTreeSet::from([position]);

    // Later columns of the same `extend` may read the new column.
    let PlanKind::Project { columns, .. } = &node.kind else {
        return None;
    };
    for (other, column) in columns.iter().enumerate() {
        if let ProjectColumn::Computed(expr) = column {
            if other != position && !reads_only_keys(expr, &positions, &mut keys) {
                return None;
            }
        }
    }

    for operator in above.iter().rev() {
        if positions.is_empty() {
            break;
        }
        match &operator.kind {
            PlanKind::Where { predicate, .. } => {
                if !reads_only_keys(predicate, &positions, &mut keys) {
                    return None;
                }
            }
            PlanKind::Project { columns, .. } => {
                let mut passed_on = BTreeSet::new();
                for (output, column) in columns.iter().enumerate() {
                    match column {
                        ProjectColumn::Input(source) => {
                            if positions.contains(source) {
                                passed_on.insert(output);
                            }
                        }
                        ProjectColumn::Computed(expr) => {
                            if !reads_only_keys(expr, &positions, &mut keys) {
                                return None;
                            }
                        }
                    }
                }
                positions = passed_on;
            }
            PlanKind::Take { .. } => {}
            PlanKind::Count { .. } => positions.clear(),
            _ => return None,
        }
    }
    positions.is_empty().then_some(keys)
}

/// True if `expr` reads the columns at `positions` only as `column["key"]`, `column.key`
/// or `parse_json(column)["key"]` with a constant key, which it adds to `keys`.
fn reads_only_keys(
    expr: &BoundExpr,
    positions: &BTreeSet<usize>,
    keys: &mut BTreeSet<String>,
) -> bool {
    if let Some((column, key)) = constant_key_read(expr) {
        if positions.contains(&column) {
            keys.insert(key.to_string());
            return true;
        }
    }
    if let BoundKind::Column(column) = &expr.kind {
        return !positions.contains(column);
    }
    match expr.children() {
        Some(children) => children
            .into_iter()
            .all(|child| reads_only_keys(child, positions, keys)),
        None => false,
    }
}

/// Returns the column and key of `column["key"]` or `parse_json(column)["key"]`.
fn constant_key_read(expr: &BoundExpr) -> Option<(usize, &str)> {
    let BoundKind::Element { value, key } = &expr.kind else {
        return None;
    };
    let BoundKind::Literal(Value::String(key)) = &key.kind else {
        return None;
    };
    let column = match &value.kind {
        BoundKind::Column(column) => *column,
        BoundKind::Call { function, args, .. } if PARSE_JSON_NAMES.contains(&function.name) => {
            match args.as_slice() {
                [BoundExpr {
                    kind: BoundKind::Column(column),
                    ..
                }] => *column,
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((column, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::BuiltinSchemas;

    /// Returns, for each `parse_json` call in the chain of `query`'s plan, whether it was
    /// narrowed, bottom first.
    fn narrowed_calls(query: &str) -> Vec<bool> {
        let bound = match crate::engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => bound,
            Err(error) => panic!("{query}: {}", error.message),
        };
        let mut calls = Vec::new();
        for node in operator_chain(&bound.plan).iter().rev() {
            let PlanKind::Project { columns, .. } = &node.kind else {
                continue;
            };
            for column in columns {
                if let ProjectColumn::Computed(BoundExpr {
                    kind:
                        BoundKind::Call {
                            function, prepared, ..
                        },
                    ..
                }) = column
                {
                    if PARSE_JSON_NAMES.contains(&function.name) {
                        calls.push(prepared.is_some());
                    }
                }
            }
        }
        calls
    }

    #[test]
    fn published_query_shape_is_narrowed() {
        let query = r#"DeviceNetworkEvents
            | extend info = parse_json(AdditionalFields)
            | extend TcpFlags = tostring(parse_json(info)["Tcp Flags"])
            | extend direction = info["direction"]
            | where direction has "In"
            | project TimeGenerated, TcpFlags
            | take 5"#;
        assert_eq!(narrowed_calls(query), [true]);
        let query = "DeviceNetworkEvents | extend info = todynamic(AdditionalFields) \
                     | where info.direction == 'In' | count";
        assert_eq!(narrowed_calls(query), [true]);
    }

    #[test]
    fn column_in_result_is_not_narrowed() {
        let query = "DeviceNetworkEvents | extend info = parse_json(AdditionalFields) \
                     | where info.direction == 'In'";
        assert_eq!(narrowed_calls(query), [false]);
        let query = "DeviceNetworkEvents | extend info = parse_json(AdditionalFields) \
                     | project info2 = info, DeviceName";
        assert_eq!(narrowed_calls(query), [false]);
    }

    #[test]
    fn other_uses_are_not_narrowed() {
        let uses = [
            "tostring(info)",
            "tostring(info[Key])",
            "tostring(bag_keys(info))",
            "tostring(info[0])",
            "tostring(info.a.b) == tostring(info)",
        ];
        for read in uses {
            let query = format!(
                "DeviceNetworkEvents | extend Key = 'a', info = parse_json(AdditionalFields) \
                 | extend x = {read} | project x"
            );
            assert_eq!(narrowed_calls(&query), [false], "{read}");
        }
        // The column passes through an operator that the walk does not follow.
        let query = "DeviceNetworkEvents | extend info = parse_json(AdditionalFields) \
                     | lookup (DeviceInfo | project DeviceId, OSPlatform) on DeviceId \
                     | project x = tostring(info.a)";
        assert_eq!(narrowed_calls(query), [false]);
    }

    #[test]
    fn nested_reads_keep_top_key() {
        let query = "DeviceNetworkEvents | extend info = parse_json(AdditionalFields) \
                     | project x = tostring(info.a.b), y = info['c'][0]";
        assert_eq!(narrowed_calls(query), [true]);
    }
}
