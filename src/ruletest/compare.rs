//! Comparing a rule's result with a case's expectation, by Kusto value semantics.
//!
//! Expected cells are JSON (from the test file or a result file). Each is converted to
//! the type of the result column it is compared with, then compared by value. Datetimes
//! compare by their ticks whatever the text form, and `int` and `long` by number.
//! `dynamic` values compare as JSON, with numbers compared by value and object keys in
//! any order. A null string equals `""`, because Kusto strings are never null. A cell that
//! does not convert, such as `"abc"` for an `int` column, matches nothing and is shown as
//! invalid.
//!
//! Rows compare as a multiset unless the case asks for order: the result must contain
//! each expected row as often as it is expected. A failed comparison keeps the rows on
//! both sides so that the report can pair near matches and show the differing cells.

use std::collections::{HashMap, VecDeque};

use crate::error::Error;
use crate::table::Table;
use crate::value::{
    format_datetime, format_real, parse_datetime, parse_guid, parse_timespan, Type, Value,
};

use super::spec::JsonRow;

/// Expected rows: a list of column names and one JSON cell per column in each row.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// True when the columns are the whole expected result (a result file), so a result
    /// column that is neither expected nor ignored is a failure.
    pub complete: bool,
    /// The column types a result file gives, one per column, which the result's columns
    /// must have. `None` for a column without a type. Empty for expected rows written in
    /// the test, whose types come from the result.
    pub types: Vec<Option<Type>>,
}

impl ExpectedTable {
    /// Builds expected rows from row objects. The columns are every key that any row
    /// names, in first-seen order, and a column that a row leaves out is expected null.
    pub fn from_rows(rows: &[JsonRow]) -> ExpectedTable {
        let mut columns: Vec<String> = Vec::new();
        for row in rows {
            for key in row.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
        let rows = rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|column| row.get(column).cloned().unwrap_or(serde_json::Value::Null))
                    .collect()
            })
            .collect();
        ExpectedTable {
            columns,
            rows,
            complete: false,
            types: Vec::new(),
        }
    }

    /// Parses a result file in the form `kql run --format json` writes:
    /// `{"columns":[{"name":…,"type":…}],"rows":[[…],…]}`.
    pub fn from_result_json(text: &str, origin: &str) -> Result<ExpectedTable, Error> {
        let invalid = |message: String| {
            Error::data(format!(
                "{origin}: {message}; expected the JSON that `kql run --format json` writes, \
                 {{\"columns\":[{{\"name\":…,\"type\":…}}],\"rows\":[[…]]}}"
            ))
        };
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| invalid(format!("invalid JSON: {error}")))?;
        let columns = json
            .get("columns")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| invalid("no `columns` array".to_string()))?
            .iter()
            .map(|column| {
                let name = column
                    .get("name")
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| invalid("a column has no `name`".to_string()))?;
                let ty = match column.get("type") {
                    None => None,
                    Some(type_name) => {
                        let ty = type_name.as_str().and_then(Type::from_name);
                        Some(ty.ok_or_else(|| {
                            invalid(format!("column `{name}` has the unknown type {type_name}"))
                        })?)
                    }
                };
                Ok((name.to_string(), ty))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (columns, types): (Vec<String>, Vec<Option<Type>>) = columns.into_iter().unzip();
        let rows = json
            .get("rows")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| invalid("no `rows` array".to_string()))?
            .iter()
            .enumerate()
            .map(|(index, row)| match row.as_array() {
                Some(cells) if cells.len() == columns.len() => Ok(cells.clone()),
                _ => Err(invalid(format!(
                    "row {} is not an array of {} cells",
                    index + 1,
                    columns.len()
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ExpectedTable {
            columns,
            rows,
            complete: true,
            types,
        })
    }
}

/// Every check of one case, with expected files already read.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub exact: Option<ExpectedTable>,
    pub contains: Option<ExpectedTable>,
    pub count: Option<usize>,
    pub ordered: bool,
    pub ignore: Vec<String>,
}

/// The differences between a result and its expectation, with cells rendered as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mismatch {
    /// Problems that are not about single rows: counts, columns, order.
    pub problems: Vec<String>,
    /// Expected rows that the result lacks.
    pub missing: Vec<RowText>,
    /// Result rows that the exact expectation lacks.
    pub unexpected: Vec<RowText>,
    /// The result's rows, listed when only a row count was expected.
    pub returned: Vec<RowText>,
    /// Missing rows paired with the result row that differs from them in the fewest cells.
    pub near: Vec<NearMatch>,
}

impl Mismatch {
    /// Returns a one-line description: the problems, or else the number of rows that
    /// differ, such as `1 missing row, 2 near matches`.
    pub fn summary(&self) -> String {
        if !self.problems.is_empty() {
            return self.problems.join("; ");
        }
        let counted = |count: usize, one: &str, many: &str| match count {
            0 => None,
            1 => Some(format!("1 {one}")),
            _ => Some(format!("{count} {many}")),
        };
        let parts: Vec<String> = [
            counted(self.missing.len(), "missing row", "missing rows"),
            counted(self.unexpected.len(), "unexpected row", "unexpected rows"),
            counted(self.near.len(), "near match", "near matches"),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(", ")
    }
}

/// One row as `(column, cell text)` pairs, and its position for ordered comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowText {
    /// The 1-based row number, shown for ordered comparisons.
    pub position: Option<usize>,
    pub cells: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMatch {
    /// The expected row.
    pub expected: RowText,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub column: String,
    pub expected: String,
    pub actual: String,
}

/// Above this many cell comparisons, near matches are not searched for.
const MAX_NEAR_MATCH_WORK: usize = 4_000_000;

/// Checks `actual` against every check that is set; `None` means the result passes.
pub fn compare(actual: &Table, checks: &Checks) -> Option<Mismatch> {
    let mut mismatch = Mismatch::default();
    for column in &checks.ignore {
        if actual.schema.index_of(column).is_none() {
            mismatch.problems.push(format!(
                "ignored column `{column}` is not in the result ({})",
                column_list(actual)
            ));
        }
    }
    if let Some(count) = checks.count {
        if count != actual.row_count {
            mismatch.problems.push(format!(
                "expected {}, got {}",
                rows_noun(count),
                rows_noun(actual.row_count)
            ));
            // With no expected rows to diff against, list the result's rows, so that the
            // failure shows what the rule returned.
            if checks.exact.is_none() && checks.contains.is_none() {
                let nothing = ExpectedTable::from_rows(&[]);
                let mut listing = Mismatch::default();
                let columns = Columns::resolve(actual, &nothing, &checks.ignore, &mut listing);
                Comparison::new(actual, &nothing, columns).unordered(&mut listing, true);
                mismatch.returned = listing.unexpected;
            }
        }
    }
    if let Some(expected) = &checks.exact {
        let columns = Columns::resolve(actual, expected, &checks.ignore, &mut mismatch);
        let comparison = Comparison::new(actual, expected, columns);
        if checks.ordered {
            comparison.ordered(&mut mismatch);
        } else {
            comparison.unordered(&mut mismatch, true);
        }
    }
    if let Some(expected) = &checks.contains {
        let columns = Columns::resolve(actual, expected, &checks.ignore, &mut mismatch);
        Comparison::new(actual, expected, columns).unordered(&mut mismatch, false);
    }
    let failed = !mismatch.problems.is_empty()
        || !mismatch.missing.is_empty()
        || !mismatch.unexpected.is_empty()
        || !mismatch.near.is_empty();
    failed.then_some(mismatch)
}

fn rows_noun(count: usize) -> String {
    if count == 1 {
        "1 row".to_string()
    } else {
        format!("{count} rows")
    }
}

fn column_list(table: &Table) -> String {
    let names: Vec<&str> = table.schema.names().collect();
    if names.is_empty() {
        "the result has no columns".to_string()
    } else {
        format!("result columns: {}", names.join(", "))
    }
}

/// The columns compared: expected, not ignored, and present in the result.
struct Columns {
    names: Vec<String>,
    /// For each compared column: its position in the expected rows and in the result,
    /// and its type in the result.
    positions: Vec<(usize, usize, Type)>,
}

impl Columns {
    fn resolve(
        actual: &Table,
        expected: &ExpectedTable,
        ignore: &[String],
        mismatch: &mut Mismatch,
    ) -> Columns {
        let mut columns = Columns {
            names: Vec::new(),
            positions: Vec::new(),
        };
        if expected.columns.is_empty() {
            // "Returns nothing": show unexpected rows with every result column.
            for (actual_index, field) in actual.schema.fields.iter().enumerate() {
                if !ignore.contains(&field.name) {
                    columns.names.push(field.name.clone());
                    columns.positions.push((usize::MAX, actual_index, field.ty));
                }
            }
            return columns;
        }
        for (expected_index, name) in expected.columns.iter().enumerate() {
            if ignore.contains(name) {
                continue;
            }
            match actual.schema.index_of(name) {
                Some(actual_index) => {
                    let ty = actual
                        .schema
                        .fields
                        .get(actual_index)
                        .map_or(Type::Dynamic, |field| field.ty);
                    if let Some(&Some(expected_ty)) = expected.types.get(expected_index) {
                        if expected_ty != ty {
                            mismatch.problems.push(format!(
                                "column `{name}` is {ty} in the result, but {expected_ty} in \
                                 the expected file"
                            ));
                        }
                    }
                    columns.names.push(name.clone());
                    columns.positions.push((expected_index, actual_index, ty));
                }
                None => {
                    let hint = crate::error::closest(name, actual.schema.names())
                        .map(|close| format!("; did you mean `{close}`?"))
                        .unwrap_or_default();
                    mismatch.problems.push(format!(
                        "expected column `{name}` is not in the result ({}){hint}",
                        column_list(actual)
                    ));
                }
            }
        }
        if expected.complete {
            for name in actual.schema.names() {
                if !expected.columns.iter().any(|column| column == name)
                    && !ignore.iter().any(|column| column == name)
                {
                    mismatch.problems.push(format!(
                        "the result has column `{name}`, which the expected result lacks; \
                         add it to the expectation or to `ignore`"
                    ));
                }
            }
        }
        columns
    }
}

/// A cell on either side, converted to the result column's type.
#[derive(Debug, Clone)]
enum Cell {
    Valid(Value, Type),
    /// An expected value that does not convert to the column's type.
    Invalid(serde_json::Value, Type),
}

impl Cell {
    fn key(&self) -> String {
        match self {
            Cell::Valid(value, ty) => value_key(value, *ty),
            Cell::Invalid(json, _) => format!("invalid:{json}"),
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Valid(value, _) => render_value(value),
            Cell::Invalid(json, ty) => format!("{json} (not a valid {ty})"),
        }
    }
}

/// Both sides of one comparison, converted to cells and keyed.
struct Comparison {
    names: Vec<String>,
    expected: Vec<Vec<Cell>>,
    actual: Vec<Vec<Cell>>,
}

impl Comparison {
    fn new(actual: &Table, expected: &ExpectedTable, columns: Columns) -> Comparison {
        let expected_rows = expected
            .rows
            .iter()
            .map(|row| {
                columns
                    .positions
                    .iter()
                    .map(|&(expected_index, _, ty)| {
                        let json = row.get(expected_index).unwrap_or(&serde_json::Value::Null);
                        expected_cell(json, ty)
                    })
                    .collect()
            })
            .collect();
        let actual_rows = (0..actual.row_count)
            .map(|row| {
                columns
                    .positions
                    .iter()
                    .map(|&(_, actual_index, ty)| {
                        let value = actual
                            .columns
                            .get(actual_index)
                            .and_then(|column| column.get(row))
                            .cloned()
                            .unwrap_or(Value::Null);
                        Cell::Valid(value, ty)
                    })
                    .collect()
            })
            .collect();
        Comparison {
            names: columns.names,
            expected: expected_rows,
            actual: actual_rows,
        }
    }

    fn row_text(&self, row: &[Cell], position: Option<usize>) -> RowText {
        RowText {
            position,
            cells: self
                .names
                .iter()
                .cloned()
                .zip(row.iter().map(Cell::text))
                .collect(),
        }
    }

    fn differences(&self, expected: &[Cell], actual: &[Cell]) -> Vec<Difference> {
        self.names
            .iter()
            .zip(expected.iter().zip(actual))
            .filter(|(_, (left, right))| left.key() != right.key())
            .map(|(name, (left, right))| Difference {
                column: name.clone(),
                expected: left.text(),
                actual: right.text(),
            })
            .collect()
    }

    /// Matches rows as multisets. With `exact`, result rows left over are unexpected;
    /// without it (`contains`), they only serve as near-match candidates.
    fn unordered(&self, mismatch: &mut Mismatch, exact: bool) {
        if exact && self.expected.len() != self.actual.len() {
            mismatch.problems.push(format!(
                "expected {}, got {}",
                rows_noun(self.expected.len()),
                rows_noun(self.actual.len())
            ));
        }
        let actual_keys: Vec<Vec<String>> = self.actual.iter().map(|row| row_key(row)).collect();
        let mut unmatched_by_key: HashMap<&[String], VecDeque<usize>> = HashMap::new();
        for (index, key) in actual_keys.iter().enumerate() {
            unmatched_by_key
                .entry(key.as_slice())
                .or_default()
                .push_back(index);
        }
        let mut missing: Vec<usize> = Vec::new();
        for (index, row) in self.expected.iter().enumerate() {
            let key = row_key(row);
            let matched = unmatched_by_key
                .get_mut(key.as_slice())
                .and_then(VecDeque::pop_front);
            if matched.is_none() {
                missing.push(index);
            }
        }
        let mut leftover: Vec<usize> = unmatched_by_key.into_values().flatten().collect();
        leftover.sort_unstable();

        let pairs = self.pair_near_matches(&missing, &leftover);
        for &(expected_index, actual_index) in &pairs {
            let (Some(expected), Some(actual)) = (
                self.expected.get(expected_index),
                self.actual.get(actual_index),
            ) else {
                continue;
            };
            mismatch.near.push(NearMatch {
                expected: self.row_text(expected, None),
                differences: self.differences(expected, actual),
            });
        }
        for index in missing {
            if pairs.iter().any(|&(paired, _)| paired == index) {
                continue;
            }
            if let Some(row) = self.expected.get(index) {
                mismatch.missing.push(self.row_text(row, None));
            }
        }
        if exact {
            for index in leftover {
                if pairs.iter().any(|&(_, paired)| paired == index) {
                    continue;
                }
                if let Some(row) = self.actual.get(index) {
                    mismatch.unexpected.push(self.row_text(row, None));
                }
            }
        }
    }

    /// Pairs each missing row, in order, with the unused candidate that differs in the
    /// fewest cells, when at most half of the compared cells differ.
    fn pair_near_matches(&self, missing: &[usize], candidates: &[usize]) -> Vec<(usize, usize)> {
        let work = missing.len() * candidates.len() * self.names.len().max(1);
        if self.names.is_empty() || work > MAX_NEAR_MATCH_WORK {
            return Vec::new();
        }
        let mut used = vec![false; candidates.len()];
        let mut pairs = Vec::new();
        for &expected_index in missing {
            let Some(expected) = self.expected.get(expected_index) else {
                continue;
            };
            let mut best: Option<(usize, usize)> = None;
            for (slot, &actual_index) in candidates.iter().enumerate() {
                if used.get(slot).copied().unwrap_or(true) {
                    continue;
                }
                let Some(actual) = self.actual.get(actual_index) else {
                    continue;
                };
                let differing = expected
                    .iter()
                    .zip(actual)
                    .filter(|(left, right)| left.key() != right.key())
                    .count();
                if best.is_none_or(|(_, fewest)| differing < fewest) {
                    best = Some((slot, differing));
                }
            }
            if let Some((slot, differing)) = best {
                if differing * 2 <= self.names.len() {
                    if let (Some(flag), Some(&actual_index)) =
                        (used.get_mut(slot), candidates.get(slot))
                    {
                        *flag = true;
                        pairs.push((expected_index, actual_index));
                    }
                }
            }
        }
        pairs
    }

    /// Compares row by row in order: a differing position is a near match.
    fn ordered(&self, mismatch: &mut Mismatch) {
        if self.expected.len() != self.actual.len() {
            mismatch.problems.push(format!(
                "expected {}, got {}",
                rows_noun(self.expected.len()),
                rows_noun(self.actual.len())
            ));
        }
        let mut expected_keys: Vec<Vec<String>> =
            self.expected.iter().map(|row| row_key(row)).collect();
        let mut actual_keys: Vec<Vec<String>> =
            self.actual.iter().map(|row| row_key(row)).collect();
        let longest = self.expected.len().max(self.actual.len());
        for index in 0..longest {
            let position = Some(index + 1);
            match (self.expected.get(index), self.actual.get(index)) {
                (Some(expected), Some(actual)) => {
                    if expected_keys.get(index) != actual_keys.get(index) {
                        mismatch.near.push(NearMatch {
                            expected: self.row_text(expected, position),
                            differences: self.differences(expected, actual),
                        });
                    }
                }
                (Some(expected), None) => mismatch.missing.push(self.row_text(expected, position)),
                (None, Some(actual)) => mismatch.unexpected.push(self.row_text(actual, position)),
                (None, None) => {}
            }
        }
        if !mismatch.near.is_empty() {
            expected_keys.sort();
            actual_keys.sort();
            if expected_keys == actual_keys {
                mismatch
                    .problems
                    .push("the result has the expected rows, in a different order".to_string());
            }
        }
    }
}

fn row_key(row: &[Cell]) -> Vec<String> {
    row.iter().map(Cell::key).collect()
}

/// Converts an expected JSON cell to a value of the result column's type. The JSON form
/// must be the one `kql run --format json` writes for that type: strings for `string`,
/// `datetime`, `timespan` and `guid`, integers for `int` and `long`, any number (or
/// `"NaN"`, `"Infinity"`, `"-Infinity"`) for `real`, and any JSON for `dynamic`.
fn expected_cell(json: &serde_json::Value, ty: Type) -> Cell {
    use serde_json::Value as Json;
    let value = match (ty, json) {
        (_, Json::Null) => Some(ty.empty_value()),
        (Type::String, Json::String(text)) => Some(Value::from(text.as_str())),
        (Type::Bool, Json::Bool(flag)) => Some(Value::Bool(*flag)),
        (Type::Int, Json::Number(number)) => number
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Value::Int),
        (Type::Long, Json::Number(number)) => number.as_i64().map(Value::Long),
        (Type::Real | Type::Decimal, Json::Number(number)) => number.as_f64().map(Value::Real),
        (Type::Real | Type::Decimal, Json::String(text)) => match text.as_str() {
            "NaN" => Some(Value::Real(f64::NAN)),
            "Infinity" => Some(Value::Real(f64::INFINITY)),
            "-Infinity" => Some(Value::Real(f64::NEG_INFINITY)),
            _ => None,
        },
        (Type::DateTime, Json::String(text)) => parse_datetime(text).map(Value::DateTime),
        (Type::Timespan, Json::String(text)) => parse_timespan(text).map(Value::Timespan),
        (Type::Guid, Json::String(text)) => parse_guid(text).map(Value::Guid),
        (Type::Dynamic, json) => Some(Value::dynamic(json.clone())),
        _ => None,
    };
    match value {
        Some(value) => Cell::Valid(value, ty),
        None => Cell::Invalid(json.clone(), ty),
    }
}

/// Returns a text key that two values share exactly when they are equal for the test.
fn value_key(value: &Value, ty: Type) -> String {
    match value {
        Value::Null if ty == Type::String => "s:".to_string(),
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("b:{flag}"),
        Value::Int(n) => format!("n:{n}"),
        Value::Long(n) => format!("n:{n}"),
        Value::Real(x) => format!("r:{}", real_key(*x)),
        Value::String(text) => format!("s:{text}"),
        Value::DateTime(ticks) => format!("t:{ticks}"),
        Value::Timespan(ticks) => format!("d:{ticks}"),
        Value::Guid(bits) => format!("g:{bits:032x}"),
        Value::Dynamic(json) => format!("j:{}", canonical_json(json)),
    }
}

/// Reals compare exactly, except that all NaNs are equal and `-0` equals `0`.
fn real_key(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format_real(x)
    }
}

/// JSON text with object keys sorted and numbers in one form per value.
fn canonical_json(json: &serde_json::Value) -> String {
    use serde_json::Value as Json;
    match json {
        Json::Null => "null".to_string(),
        Json::Bool(flag) => flag.to_string(),
        Json::Number(number) => {
            if let Some(n) = number.as_i64() {
                n.to_string()
            } else if let Some(n) = number.as_u64() {
                n.to_string()
            } else {
                let x = number.as_f64().unwrap_or(f64::NAN);
                // Integral reals within i64 range print as integers, so 1.0 equals 1.
                if x.fract() == 0.0 && x.abs() < 9.2e18 {
                    (x as i64).to_string()
                } else {
                    real_key(x)
                }
            }
        }
        Json::String(text) => Json::String(text.clone()).to_string(),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        Json::Object(map) => {
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by(|left, right| left.0.cmp(right.0));
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(key, value)| {
                    format!("{}:{}", Json::String(key.clone()), canonical_json(value))
                })
                .collect();
            format!("{{{}}}", entries.join(","))
        }
    }
}

/// Renders a cell for a report. Strings are quoted as JSON, so that `""` and a missing
/// value look different. Datetimes are ISO 8601 and dynamic values compact JSON.
pub fn render_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::String(text) => serde_json::Value::String(text.to_string()).to_string(),
        Value::DateTime(ticks) => format_datetime(*ticks),
        Value::Dynamic(json) => json.to_string(),
        other => other.to_kusto_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Schema};
    use serde_json::json;

    fn table(fields: &[(&str, Type)], rows: Vec<Vec<Value>>) -> Table {
        let schema = Schema::new(
            fields
                .iter()
                .map(|(name, ty)| Field::new(*name, *ty))
                .collect(),
        );
        Table::from_rows(schema, rows)
    }

    fn expected(rows: serde_json::Value) -> ExpectedTable {
        let rows: Vec<JsonRow> = rows
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| row.as_object().cloned())
                    .collect()
            })
            .unwrap_or_default();
        ExpectedTable::from_rows(&rows)
    }

    fn exact(rows: serde_json::Value) -> Checks {
        Checks {
            exact: Some(expected(rows)),
            ..Checks::default()
        }
    }

    fn ticks(text: &str) -> i64 {
        parse_datetime(text).unwrap_or_else(|| panic!("valid datetime {text}"))
    }

    fn alerts() -> Table {
        table(
            &[
                ("When", Type::DateTime),
                ("Device", Type::String),
                ("Port", Type::Int),
                ("Bag", Type::Dynamic),
            ],
            vec![
                vec![
                    Value::DateTime(ticks("2025-08-29T10:15:00.12Z")),
                    Value::from("srv-web01"),
                    Value::Int(443),
                    Value::dynamic(json!({"a": 1, "b": [2.0, "x"]})),
                ],
                vec![
                    Value::DateTime(ticks("2025-08-29T11:00:00Z")),
                    Value::from("wks-0147"),
                    Value::Null,
                    Value::Null,
                ],
            ],
        )
    }

    #[test]
    fn equal_values_in_other_forms_match() {
        // Datetime text with trailing zeros, a bag with keys in another order and 2 for 2.0.
        let checks = exact(json!([
            {"When": "2025-08-29T10:15:00.1200000Z", "Device": "srv-web01", "Port": 443,
             "Bag": {"b": [2, "x"], "a": 1}},
            {"When": "2025-08-29 11:00:00", "Device": "wks-0147"},
        ]));
        assert_eq!(compare(&alerts(), &checks), None);
    }

    #[test]
    fn rows_compare_in_any_order_by_default() {
        let checks = exact(json!([
            {"Device": "wks-0147"},
            {"Device": "srv-web01"},
        ]));
        assert_eq!(compare(&alerts(), &checks), None);
        let ordered = Checks {
            ordered: true,
            ..checks
        };
        let mismatch = compare(&alerts(), &ordered).expect("order differs");
        assert!(mismatch
            .problems
            .contains(&"the result has the expected rows, in a different order".to_string()));
        assert_eq!(mismatch.near.len(), 2);
        assert_eq!(
            mismatch
                .near
                .first()
                .and_then(|near| near.expected.position),
            Some(1)
        );
    }

    #[test]
    fn near_match_lists_differing_cells() {
        let checks = exact(json!([
            {"Device": "srv-web01", "Port": 8443, "When": "2025-08-29T10:15:00.12Z"},
            {"Device": "wks-0147", "When": "2025-08-29T11:00:00Z"},
        ]));
        let mismatch = compare(&alerts(), &checks).expect("port differs");
        assert_eq!(mismatch.missing, Vec::new());
        assert_eq!(mismatch.unexpected, Vec::new());
        let near = mismatch.near.first().expect("one near match");
        assert_eq!(
            near.differences,
            vec![Difference {
                column: "Port".to_string(),
                expected: "8443".to_string(),
                actual: "443".to_string(),
            }]
        );
    }

    #[test]
    fn unrelated_rows_are_missing_and_unexpected() {
        let checks = exact(json!([
            {"Device": "dc01", "Port": 88},
            {"Device": "wks-0147", "Port": null},
        ]));
        let mismatch = compare(&alerts(), &checks).expect("rows differ");
        assert_eq!(mismatch.near, Vec::new());
        assert_eq!(
            mismatch.missing.first().map(|row| row.cells.clone()),
            Some(vec![
                ("Device".to_string(), "\"dc01\"".to_string()),
                ("Port".to_string(), "88".to_string()),
            ])
        );
        assert_eq!(mismatch.unexpected.len(), 1);
    }

    #[test]
    fn duplicate_rows_count() {
        let checks = exact(json!([
            {"Device": "srv-web01", "Port": 443},
            {"Device": "srv-web01", "Port": 443},
        ]));
        let mismatch = compare(&alerts(), &checks).expect("one srv-web01 row only");
        assert!(mismatch.problems.is_empty(), "{:?}", mismatch.problems);
        assert_eq!(mismatch.missing.len(), 1);
        assert_eq!(mismatch.unexpected.len(), 1);
        assert!(mismatch.near.is_empty());
    }

    #[test]
    fn invalid_expected_value_never_matches() {
        let checks = exact(json!([
            {"Device": "srv-web01", "Port": "443"},
            {"Device": "wks-0147", "Port": null},
        ]));
        let mismatch = compare(&alerts(), &checks).expect("a string is not an int");
        let near = mismatch.near.first().expect("near match");
        let difference = near.differences.first().expect("one difference");
        assert_eq!(difference.expected, "\"443\" (not a valid int)");
    }

    #[test]
    fn contains_ignores_other_rows() {
        let checks = Checks {
            contains: Some(expected(json!([{"Device": "wks-0147"}]))),
            ..Checks::default()
        };
        assert_eq!(compare(&alerts(), &checks), None);
        let missing = Checks {
            contains: Some(expected(json!([{"Device": "dc01"}]))),
            ..Checks::default()
        };
        let mismatch = compare(&alerts(), &missing).expect("dc01 is absent");
        assert_eq!(mismatch.missing.len(), 1);
        assert!(mismatch.unexpected.is_empty());
    }

    #[test]
    fn count_and_empty() {
        let count = Checks {
            count: Some(3),
            ..Checks::default()
        };
        let mismatch = compare(&alerts(), &count).expect("two rows");
        assert_eq!(mismatch.problems, ["expected 3 rows, got 2 rows"]);
        assert_eq!(mismatch.returned.len(), 2, "the result's rows are listed");
        assert!(mismatch.unexpected.is_empty());
        let empty = exact(json!([]));
        let mismatch = compare(&alerts(), &empty).expect("not empty");
        assert_eq!(mismatch.unexpected.len(), 2);
        let shown = mismatch.unexpected.first().map(|row| row.cells.len());
        assert_eq!(shown, Some(4), "unexpected rows show every result column");
    }

    #[test]
    fn ignored_and_unknown_columns() {
        let checks = Checks {
            ignore: vec!["When".to_string(), "Bag".to_string()],
            ..exact(json!([
                {"Device": "srv-web01", "Port": 443, "When": "2000-01-01T00:00:00Z"},
                {"Device": "wks-0147"},
            ]))
        };
        assert_eq!(compare(&alerts(), &checks), None);

        let unknown = exact(json!([{"Devise": "srv-web01"}]));
        let mismatch = compare(&alerts(), &unknown).expect("no such column");
        let problem = mismatch.problems.first().expect("a problem");
        assert!(
            problem.contains("`Devise` is not in the result"),
            "{problem}"
        );
        assert!(problem.contains("did you mean `Device`?"), "{problem}");
    }

    #[test]
    fn result_file_must_name_every_column() {
        let text = r#"{"columns":[{"name":"Device","type":"string"}],"rows":[["srv-web01"],["wks-0147"]]}"#;
        let expected = ExpectedTable::from_result_json(text, "x.json").expect("valid file");
        let checks = Checks {
            exact: Some(expected),
            ..Checks::default()
        };
        let mismatch = compare(&alerts(), &checks).expect("extra columns");
        assert_eq!(mismatch.problems.len(), 3);
        let ignoring = Checks {
            ignore: vec!["When".to_string(), "Port".to_string(), "Bag".to_string()],
            ..checks
        };
        assert_eq!(compare(&alerts(), &ignoring), None);
    }

    #[test]
    fn result_file_column_types_compared() {
        let text = r#"{"columns":[{"name":"Device","type":"string"},{"name":"Port","type":"long"}],
            "rows":[["srv-web01",443],["wks-0147",null]]}"#;
        let checks = Checks {
            exact: Some(ExpectedTable::from_result_json(text, "x.json").expect("valid file")),
            ignore: vec!["When".to_string(), "Bag".to_string()],
            ..Checks::default()
        };
        let mismatch = compare(&alerts(), &checks).expect("Port is int in the result");
        assert_eq!(
            mismatch.problems,
            ["column `Port` is int in the result, but long in the expected file"]
        );

        let untyped = r#"{"columns":[{"name":"Device"},{"name":"Port"}],
            "rows":[["srv-web01",443],["wks-0147",null]]}"#;
        let checks = Checks {
            exact: Some(ExpectedTable::from_result_json(untyped, "x.json").expect("valid file")),
            ..checks
        };
        assert_eq!(compare(&alerts(), &checks), None);
    }

    #[test]
    fn malformed_result_file_is_an_error() {
        for text in [
            "[1]",
            r#"{"columns":[],"rows":{}}"#,
            r#"{"columns":[{"name":"a"}],"rows":[[1,2]]}"#,
            r#"{"columns":[{"name":"a","type":"integer"}],"rows":[[1]]}"#,
        ] {
            assert!(
                ExpectedTable::from_result_json(text, "x.json").is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn reals_compare_by_value() {
        let reals = table(
            &[("x", Type::Real)],
            vec![
                vec![Value::Real(f64::NAN)],
                vec![Value::Real(-0.0)],
                vec![Value::Real(0.1)],
            ],
        );
        let checks = exact(json!([{"x": "NaN"}, {"x": 0}, {"x": 0.1}]));
        assert_eq!(compare(&reals, &checks), None);
    }
}
