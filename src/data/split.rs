//! Merging columns that an export split by type back into one column.
//!
//! When a Kusto `union` combines tables whose column of the same name has different types,
//! its output has one column per type, named with the type as a suffix: `ReportId_long`
//! and `ReportId_string`, or `AdditionalFields_string` and `AdditionalFields_dynamic`.
//! Exports of such results keep the split. Each row has a value in at most one of the
//! parts, and the string part contains `""` where the row's value is in another part.
//!
//! A group is the columns `NAME_TYPE` for the same `NAME`, where TYPE is a lowercase KQL
//! type name, plus a column `NAME` itself if the input has one. A group with at least one
//! suffixed column becomes one column `NAME` at the position of its first part. Its type
//! is the catalog type when a schema describes `NAME`, otherwise the suffix type when only
//! one part has values, otherwise inferred from the merged values.
//!
//! A group is left as it is, with a warning, if a row has a non-empty value in two of its
//! parts, because merging would have to drop one of them. A column whose full name a
//! schema describes (a real `Count_long` column) is never split off.

use std::collections::HashMap;

use log::debug;

use super::raw::{RawCell, RawColumn, RawTable};
use super::Warning;
use crate::schema::TableSchema;
use crate::value::Type;

/// The suffixes that Kusto appends for each type, and the type each names.
const TYPE_SUFFIXES: [(&str, Type); 12] = [
    ("string", Type::String),
    ("dynamic", Type::Dynamic),
    ("long", Type::Long),
    ("int", Type::Int),
    ("real", Type::Real),
    ("double", Type::Real),
    ("bool", Type::Bool),
    ("boolean", Type::Bool),
    ("datetime", Type::DateTime),
    ("timespan", Type::Timespan),
    ("guid", Type::Guid),
    ("decimal", Type::Decimal),
];

/// One column of a group: its position in the raw table and the type its suffix names,
/// or `None` for the unsuffixed column.
#[derive(Debug, Clone, Copy)]
struct Part {
    index: usize,
    suffix_type: Option<Type>,
}

/// Merges every split group in `raw` (see the module documentation) and returns one
/// warning per group left split. `raw` must be padded with [`RawTable::finish`].
pub(crate) fn merge_split_columns(
    table: &str,
    raw: &mut RawTable,
    schema: Option<&TableSchema>,
) -> Vec<Warning> {
    let groups = find_groups(&raw.columns, schema);
    if groups.is_empty() {
        return Vec::new();
    }

    let mut warnings = Vec::new();
    let mut merged: HashMap<usize, RawColumn> = HashMap::new();
    let mut removed = vec![false; raw.columns.len()];
    for (base, parts) in groups {
        if let Some(row) = conflicting_row(&raw.columns, &parts) {
            let names: Vec<&str> = parts
                .iter()
                .filter_map(|part| raw.columns.get(part.index))
                .map(|column| column.name.as_str())
                .collect();
            warnings.push(Warning {
                message: format!(
                    "{table}: columns {} were not merged into `{base}` because {} has values \
                     in more than one of them",
                    names.join(", "),
                    raw.location(row)
                ),
            });
            continue;
        }
        let column = merge_group(&mut raw.columns, &base, &parts);
        debug!("{table}: merged {} split columns into {base}", parts.len());
        let position = parts.iter().map(|part| part.index).min().unwrap_or(0);
        for part in &parts {
            if let Some(flag) = removed.get_mut(part.index) {
                *flag = true;
            }
        }
        merged.insert(position, column);
    }

    let old_columns = std::mem::take(&mut raw.columns);
    let mut columns = Vec::with_capacity(old_columns.len());
    for (index, column) in old_columns.into_iter().enumerate() {
        if let Some(replacement) = merged.remove(&index) {
            columns.push(replacement);
        } else if !removed.get(index).copied().unwrap_or(false) {
            columns.push(column);
        }
    }
    raw.replace_columns(columns);
    warnings
}

/// Returns the split groups as `(base name, parts)`, in the order of their first column.
fn find_groups(columns: &[RawColumn], schema: Option<&TableSchema>) -> Vec<(String, Vec<Part>)> {
    let described = |name: &str| schema.is_some_and(|schema| schema.column(name).is_some());
    let mut groups: Vec<(String, Vec<Part>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (index, column) in columns.iter().enumerate() {
        if described(&column.name) {
            continue;
        }
        let Some((base, suffix_type)) = split_name(&column.name) else {
            continue;
        };
        let group = *group_of.entry(base.to_string()).or_insert_with(|| {
            groups.push((base.to_string(), Vec::new()));
            groups.len() - 1
        });
        if let Some((_, parts)) = groups.get_mut(group) {
            parts.push(Part {
                index,
                suffix_type: Some(suffix_type),
            });
        }
    }
    for (base, parts) in &mut groups {
        if let Some(index) = columns.iter().position(|column| column.name == *base) {
            parts.push(Part {
                index,
                suffix_type: None,
            });
        }
        parts.sort_by_key(|part| part.index);
    }
    groups
}

/// Splits `NAME_TYPE` into `NAME` and the type, for a suffix in [`TYPE_SUFFIXES`].
fn split_name(name: &str) -> Option<(&str, Type)> {
    let (base, suffix) = name.rsplit_once('_')?;
    if base.is_empty() {
        return None;
    }
    TYPE_SUFFIXES
        .iter()
        .find(|(text, _)| *text == suffix)
        .map(|&(_, ty)| (base, ty))
}

/// True for a cell that contains a value: not absent and not an empty or blank string.
fn has_value(cell: &RawCell) -> bool {
    match cell {
        RawCell::Absent => false,
        RawCell::JsonString(text) | RawCell::Text(text) => !text.trim().is_empty(),
        RawCell::Bool(_) | RawCell::Number(_) | RawCell::Nested(_) => true,
        // Not reached: only streamed chunks contain spans, and they are not merged.
        RawCell::Span { len, .. } => *len > 0,
    }
}

/// Returns the first row with values in two parts of the group.
fn conflicting_row(columns: &[RawColumn], parts: &[Part]) -> Option<usize> {
    let row_count = columns.first().map_or(0, |column| column.cells.len());
    (0..row_count).find(|&row| {
        let filled = parts
            .iter()
            .filter_map(|part| columns.get(part.index))
            .filter(|column| column.cells.get(row).is_some_and(has_value))
            .count();
        filled > 1
    })
}

/// Builds the merged column, moving the cells out of the parts. Each row takes the part
/// with a value, or else the first part that is not absent (an empty string), or else
/// stays absent.
fn merge_group(columns: &mut [RawColumn], base: &str, parts: &[Part]) -> RawColumn {
    let row_count = columns.first().map_or(0, |column| column.cells.len());
    let mut cells = Vec::with_capacity(row_count);
    let mut filled_types: Vec<Option<Type>> = Vec::new();
    for row in 0..row_count {
        let mut chosen: Option<(Part, bool)> = None;
        for part in parts {
            let Some(cell) = columns
                .get(part.index)
                .and_then(|column| column.cells.get(row))
            else {
                continue;
            };
            if has_value(cell) {
                chosen = Some((*part, true));
                break;
            }
            if chosen.is_none() && !matches!(cell, RawCell::Absent) {
                chosen = Some((*part, false));
            }
        }
        let cell = match chosen {
            Some((part, filled)) => {
                if filled && !filled_types.contains(&part.suffix_type) {
                    filled_types.push(part.suffix_type);
                }
                columns
                    .get_mut(part.index)
                    .and_then(|column| column.cells.get_mut(row))
                    .map_or(RawCell::Absent, std::mem::take)
            }
            None => RawCell::Absent,
        };
        cells.push(cell);
    }

    // A catalog column gets its type from the catalog, and the declared type then only
    // picks between its XDR and Sentinel types.
    // A group with decimal values stays `decimal`, which reading refuses, rather than
    // turning its exact values into `real` ones.
    let declared = match filled_types.as_slice() {
        _ if filled_types.contains(&Some(Type::Decimal)) => Some(Type::Decimal),
        [Some(ty)] => Some(*ty),
        _ => None,
    };
    RawColumn {
        name: base.to_string(),
        declared,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw_table(names: &[&str], rows: &[Vec<serde_json::Value>]) -> RawTable {
        let mut raw = RawTable::default();
        let source = raw.add_source("test.json");
        let indexes: Vec<usize> = names.iter().map(|name| raw.column_index(name)).collect();
        for (line, row) in rows.iter().enumerate() {
            raw.start_row(source, line as u64 + 1);
            for (index, value) in indexes.iter().zip(row) {
                raw.set_cell(*index, RawCell::from_json(value.clone()));
            }
        }
        raw.finish();
        raw
    }

    fn names(raw: &RawTable) -> Vec<&str> {
        raw.columns
            .iter()
            .map(|column| column.name.as_str())
            .collect()
    }

    #[test]
    fn split_name_needs_type_suffix() {
        assert_eq!(split_name("ReportId_long"), Some(("ReportId", Type::Long)));
        assert_eq!(
            split_name("AdditionalFields_dynamic"),
            Some(("AdditionalFields", Type::Dynamic))
        );
        assert_eq!(split_name("Logon_Type"), None);
        assert_eq!(split_name("action_id"), None);
        assert_eq!(split_name("_long"), None);
        assert_eq!(split_name("ReportId"), None);
    }

    #[test]
    fn long_and_empty_string_merge_as_long() {
        let mut raw = raw_table(
            &["A", "ReportId_long", "ReportId_string", "B"],
            &[
                vec![json!(1), json!(113597), json!(""), json!("x")],
                vec![json!(2), json!(113598), json!(""), json!("y")],
            ],
        );
        let warnings = merge_split_columns("T", &mut raw, None);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(names(&raw), ["A", "ReportId", "B"]);
        let merged = &raw.columns[1];
        assert_eq!(merged.declared, Some(Type::Long));
        assert_eq!(
            merged.cells,
            [
                RawCell::from_json(json!(113597)),
                RawCell::from_json(json!(113598))
            ]
        );
    }

    #[test]
    fn base_column_joins_its_group() {
        let mut raw = raw_table(
            &["ReportId_long", "ReportId_string", "ReportId"],
            &[
                vec![json!(7), json!(""), json!(null)],
                vec![json!(null), json!(null), json!("3ab9_10")],
            ],
        );
        let warnings = merge_split_columns("T", &mut raw, None);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(names(&raw), ["ReportId"]);
        let merged = &raw.columns[0];
        assert_eq!(merged.declared, None);
        assert_eq!(
            merged.cells,
            [
                RawCell::from_json(json!(7)),
                RawCell::from_json(json!("3ab9_10"))
            ]
        );
    }

    #[test]
    fn empty_string_kept_when_no_part_has_value() {
        let mut raw = raw_table(
            &["UserAgent_dynamic", "UserAgent_string"],
            &[
                vec![json!(null), json!("")],
                vec![json!(null), json!("Client=REST;;")],
            ],
        );
        merge_split_columns("T", &mut raw, None);
        assert_eq!(names(&raw), ["UserAgent"]);
        assert_eq!(raw.columns[0].declared, Some(Type::String));
        assert_eq!(
            raw.columns[0].cells,
            [
                RawCell::from_json(json!("")),
                RawCell::from_json(json!("Client=REST;;"))
            ]
        );
    }

    #[test]
    fn conflicting_parts_stay_split_with_warning() {
        let mut raw = raw_table(
            &["Port_long", "Port_string"],
            &[vec![json!(1), json!("")], vec![json!(2), json!("two")]],
        );
        let warnings = merge_split_columns("T", &mut raw, None);
        assert_eq!(names(&raw), ["Port_long", "Port_string"]);
        assert_eq!(warnings.len(), 1);
        let message = &warnings[0].message;
        assert!(message.contains("test.json:2"), "{message}");
        assert!(message.contains("Port_long, Port_string"), "{message}");
    }

    #[test]
    fn schema_column_with_suffix_is_kept() {
        let schema = TableSchema {
            name: "T".to_string(),
            columns: vec![crate::schema::ColumnSchema {
                name: "Count_long".to_string(),
                ty: Type::Long,
                availability: crate::schema::Availability::XdrAndSentinel,
                sentinel_ty: None,
            }],
        };
        let mut raw = raw_table(&["Count_long"], &[vec![json!(3)]]);
        merge_split_columns("T", &mut raw, Some(&schema));
        assert_eq!(names(&raw), ["Count_long"]);
    }
}
