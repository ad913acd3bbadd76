//! Query API responses saved as `.json` files, with the column types they declare.
//!
//! Three layouts are read:
//! - Advanced hunting, from the Defender API (`{"Stats":…,"Schema":[{"Name","Type"}],
//!   "Results":[{…}]}`) and from Microsoft Graph `runHuntingQuery` (the same in lower
//!   case, `schema` and `results`). Each result is a row object.
//! - Log Analytics and Kusto REST v1 (`{"tables":[{"name","columns":[{"name","type"}],
//!   "rows":[[…]]}]}`, or `Tables`, `TableName`, `Columns` with `ColumnName`, `ColumnType`
//!   and `DataType`, and `Rows`). Each row is an array in column order.
//! - Kusto REST v2, an array of frames, of which the `DataTable` frames hold tables in the
//!   v1 shape.
//!
//! A response with several tables is read only if one of them is the primary result. That
//! is the only table, the table named `PrimaryResult` (v1) or of kind `PrimaryResult`
//! (v2), or the one table that a Kusto v1 table of contents lists as `QueryResult`.
//!
//! The whole response is held in memory while it is read, unlike row-per-line files.

use std::io::Read;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::raw::{RawCell, RawTable};
use super::Warning;
use crate::error::Error;
use crate::value::Type;

/// Top-level keys that start a response object. A row object whose first key is one of
/// these is still read as a row, because [`read_response`] then finds no response shape.
const RESPONSE_KEYS: [&str; 8] = [
    "Schema",
    "schema",
    "Results",
    "results",
    "Stats",
    "@odata.context",
    "tables",
    "Tables",
];

/// True if `start`, the first bytes of an input, looks like the beginning of a query API
/// response: an object whose first key is in [`RESPONSE_KEYS`], or an array whose first
/// element starts with the key `FrameType`.
pub(crate) fn looks_like_response(start: &[u8]) -> bool {
    let rest = skip_whitespace(start);
    if let Some(rest) = rest.strip_prefix(b"{") {
        return first_key(rest).is_some_and(|key| RESPONSE_KEYS.contains(&key));
    }
    if let Some(rest) = rest.strip_prefix(b"[") {
        if let Some(rest) = skip_whitespace(rest).strip_prefix(b"{") {
            return first_key(rest) == Some("FrameType");
        }
    }
    false
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let blank = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_whitespace())
        .count();
    bytes.get(blank..).unwrap_or_default()
}

/// Returns the first key of an object whose opening brace is already consumed, if it is
/// complete in `bytes` and has no escapes.
fn first_key(bytes: &[u8]) -> Option<&str> {
    let rest = skip_whitespace(bytes).strip_prefix(b"\"")?;
    let end = rest
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\')?;
    if rest.get(end) != Some(&b'"') {
        return None;
    }
    std::str::from_utf8(rest.get(..end)?).ok()
}

/// Reads the rest of an input that [`looks_like_response`] accepted. Returns the bytes
/// back if they are not a response after all, for the row readers.
pub(crate) fn read_response(
    mut reader: impl Read,
    origin: &str,
    raw: &mut RawTable,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Vec<u8>>, Error> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|error| Error::data(format!("failed to read {origin}: {error}")))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            let line = 1 + valid.iter().filter(|&&byte| byte == b'\n').count();
            return Err(Error::data(format!(
                "{origin}:{line}: invalid UTF-8; save the file as UTF-8"
            )));
        }
    };

    // Advanced hunting rows are objects, and the rows of the other layouts are arrays.
    let (table, object_rows) = match parse_shape(text) {
        Some(Shape::Hunting { schema, results }) => {
            let table = ResultTable {
                name: None,
                columns: schema,
                rows: results,
            };
            (table, true)
        }
        Some(Shape::Tables(tables)) => (primary_table(tables, origin)?, false),
        Some(Shape::Frames(frames)) => (primary_frame(frames, origin)?, false),
        None => return Ok(Some(bytes)),
    };

    let input = Input {
        origin,
        text,
        source: raw.add_source(origin),
    };
    let columns = declare_columns(&table.columns, &input, raw, warnings)?;
    let mut lines = LineCounter::default();
    for row in &table.rows {
        let line = lines.line_at(text, input.offset_of(row));
        input.add_row(raw, &columns, row, line, object_rows)?;
    }
    Ok(None)
}

/// The layouts of [`read_response`], parsed far enough to find the rows.
enum Shape<'a> {
    Hunting {
        schema: Vec<ColumnDeclaration>,
        results: Vec<&'a RawValue>,
    },
    Tables(Vec<ResultTable<'a>>),
    Frames(Vec<Frame<'a>>),
}

/// A response object, with the members of every object layout optional.
#[derive(Deserialize)]
struct ResponseObject<'a> {
    #[serde(rename = "Schema", alias = "schema")]
    schema: Option<Vec<ColumnDeclaration>>,
    #[serde(rename = "Results", alias = "results", borrow)]
    results: Option<Vec<&'a RawValue>>,
    #[serde(rename = "tables", alias = "Tables", borrow)]
    tables: Option<Vec<ResultTable<'a>>>,
}

#[derive(Deserialize)]
struct ResultTable<'a> {
    #[serde(rename = "name", alias = "TableName")]
    name: Option<String>,
    #[serde(rename = "columns", alias = "Columns")]
    columns: Vec<ColumnDeclaration>,
    #[serde(rename = "rows", alias = "Rows", borrow)]
    rows: Vec<&'a RawValue>,
}

/// One frame of a Kusto v2 response. Only `DataTable` frames carry columns and rows.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(rename = "FrameType")]
    frame_type: String,
    #[serde(rename = "TableKind")]
    kind: Option<String>,
    #[serde(rename = "TableName")]
    name: Option<String>,
    #[serde(rename = "Columns")]
    columns: Option<Vec<ColumnDeclaration>>,
    #[serde(rename = "Rows", borrow)]
    rows: Option<Vec<&'a RawValue>>,
}

/// A column in a response's schema. Kusto v1 gives both the KQL type (`ColumnType`) and
/// the .NET type (`DataType`); the KQL type is used when both are present.
#[derive(Deserialize)]
struct ColumnDeclaration {
    #[serde(rename = "name", alias = "Name", alias = "ColumnName")]
    name: String,
    #[serde(rename = "type", alias = "Type")]
    ty: Option<String>,
    #[serde(rename = "ColumnType")]
    column_type: Option<String>,
    #[serde(rename = "DataType")]
    data_type: Option<String>,
}

impl ColumnDeclaration {
    fn type_name(&self) -> Option<&str> {
        self.column_type
            .as_deref()
            .or(self.ty.as_deref())
            .or(self.data_type.as_deref())
    }
}

/// Parses `text` as one of the response layouts, or returns `None` if it is not one,
/// including when it is not valid JSON (the row readers then report the error).
fn parse_shape(text: &str) -> Option<Shape<'_>> {
    if text.trim_start().starts_with('[') {
        let frames: Vec<Frame> = serde_json::from_str(text).ok()?;
        return Some(Shape::Frames(frames));
    }
    let object: ResponseObject = serde_json::from_str(text).ok()?;
    match object {
        ResponseObject {
            schema: Some(schema),
            results: Some(results),
            tables: None,
        } => Some(Shape::Hunting { schema, results }),
        ResponseObject {
            schema: None,
            results: None,
            tables: Some(tables),
        } => Some(Shape::Tables(tables)),
        _ => None,
    }
}

/// Picks the primary result of a v1 response (see the module documentation).
fn primary_table<'a>(tables: Vec<ResultTable<'a>>, origin: &str) -> Result<ResultTable<'a>, Error> {
    if tables.len() == 1 {
        return tables
            .into_iter()
            .next()
            .ok_or_else(|| no_table_error(origin, &[]));
    }
    let names: Vec<String> = tables
        .iter()
        .map(|table| table.name.clone().unwrap_or_default())
        .collect();
    if let Some(index) = names.iter().position(|name| name == "PrimaryResult") {
        return take_table(tables, index, origin, &names);
    }
    match query_result_ordinals(&tables).as_slice() {
        [index] => take_table(tables, *index, origin, &names),
        _ => Err(no_table_error(origin, &names)),
    }
}

fn take_table<'a>(
    tables: Vec<ResultTable<'a>>,
    index: usize,
    origin: &str,
    names: &[String],
) -> Result<ResultTable<'a>, Error> {
    tables
        .into_iter()
        .nth(index)
        .ok_or_else(|| no_table_error(origin, names))
}

/// Reads a Kusto v1 table of contents, the last table, with columns `Ordinal`, `Kind`,
/// `Name`, `Id` and `PrettyName`, and returns the ordinals of its `QueryResult` tables.
fn query_result_ordinals(tables: &[ResultTable]) -> Vec<usize> {
    let Some(contents) = tables.last() else {
        return Vec::new();
    };
    let position = |name: &str| {
        contents
            .columns
            .iter()
            .position(|column| column.name == name)
    };
    let (Some(ordinal), Some(kind)) = (position("Ordinal"), position("Kind")) else {
        return Vec::new();
    };
    contents
        .rows
        .iter()
        .filter_map(|row| serde_json::from_str::<Vec<serde_json::Value>>(row.get()).ok())
        .filter(|row| row.get(kind).and_then(|value| value.as_str()) == Some("QueryResult"))
        .filter_map(|row| row.get(ordinal).and_then(serde_json::Value::as_u64))
        .filter_map(|ordinal| usize::try_from(ordinal).ok())
        .filter(|&ordinal| ordinal + 1 < tables.len())
        .collect()
}

/// Picks the primary result of a Kusto v2 response: its one `DataTable` frame of kind
/// `PrimaryResult`.
fn primary_frame<'a>(frames: Vec<Frame<'a>>, origin: &str) -> Result<ResultTable<'a>, Error> {
    if frames
        .iter()
        .any(|frame| frame.frame_type == "TableFragment")
    {
        return Err(Error::data(format!(
            "{origin}: progressive Kusto v2 responses (with TableFragment frames) are not \
             supported yet; run the query without results_progressive_enabled"
        )));
    }
    let names: Vec<String> = frames
        .iter()
        .filter(|frame| frame.frame_type == "DataTable")
        .map(|frame| frame.name.clone().unwrap_or_default())
        .collect();
    let mut primary = frames.into_iter().filter(|frame| {
        frame.frame_type == "DataTable" && frame.kind.as_deref() == Some("PrimaryResult")
    });
    match (primary.next(), primary.next()) {
        (
            Some(Frame {
                name,
                columns: Some(columns),
                rows: Some(rows),
                ..
            }),
            None,
        ) => Ok(ResultTable {
            name,
            columns,
            rows,
        }),
        _ => Err(no_table_error(origin, &names)),
    }
}

fn no_table_error(origin: &str, names: &[String]) -> Error {
    let listed = if names.is_empty() {
        "no tables".to_string()
    } else {
        format!("tables {}", names.join(", "))
    };
    Error::data(format!(
        "{origin}: the query response contains {listed}, and none is the one primary result; \
         save a response with a single result table, or export the result as JSON lines"
    ))
}

/// Returns the KQL type for a type name in a response: a KQL name (`long`), a .NET name
/// (`Int64`, `System.Int64`) or an API name (`Object` for `dynamic`), in any case.
pub(crate) fn type_from_response_name(name: &str) -> Option<Type> {
    let lower = name.trim().to_ascii_lowercase();
    let short = lower
        .strip_prefix("system.data.sqltypes.")
        .or_else(|| lower.strip_prefix("system."))
        .unwrap_or(&lower);
    let ty = match short {
        "string" => Type::String,
        "datetime" | "date" | "datetimeoffset" => Type::DateTime,
        "int" | "int32" | "int16" | "byte" | "uint16" => Type::Int,
        "long" | "int64" | "uint32" => Type::Long,
        // Kusto reports `bool` columns with the .NET type SByte in `DataType`.
        "bool" | "boolean" | "sbyte" => Type::Bool,
        "real" | "double" | "single" | "float" => Type::Real,
        "decimal" | "sqldecimal" => Type::Decimal,
        "guid" | "uuid" | "uniqueid" => Type::Guid,
        "timespan" | "time" => Type::Timespan,
        "dynamic" | "object" => Type::Dynamic,
        _ => return None,
    };
    Some(ty)
}

/// The response being read, for row locations and messages.
struct Input<'a> {
    origin: &'a str,
    text: &'a str,
    source: usize,
}

impl Input<'_> {
    /// Returns the byte offset of a row within the response text. A row always borrows
    /// from the text, so the subtraction cannot underflow.
    fn offset_of(&self, row: &RawValue) -> usize {
        (row.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    fn add_row(
        &self,
        raw: &mut RawTable,
        columns: &[usize],
        row: &RawValue,
        line: u64,
        object_rows: bool,
    ) -> Result<(), Error> {
        let origin = self.origin;
        let value: serde_json::Value = serde_json::from_str(row.get()).map_err(|error| {
            Error::data(format!(
                "{origin}:{}: invalid row: {error}",
                line + error.line() as u64 - 1
            ))
        })?;
        match value {
            serde_json::Value::Object(fields) if object_rows => {
                raw.start_row(self.source, line);
                for (name, value) in fields {
                    let column = raw.column_index(&name);
                    raw.set_cell(column, RawCell::from_json(value));
                }
                Ok(())
            }
            serde_json::Value::Array(values) if !object_rows && values.len() == columns.len() => {
                raw.start_row(self.source, line);
                for (&column, value) in columns.iter().zip(values) {
                    raw.set_cell(column, RawCell::from_json(value));
                }
                Ok(())
            }
            serde_json::Value::Array(values) if !object_rows => Err(Error::data(format!(
                "{origin}:{line}: row has {} values but the response declares {} columns",
                values.len(),
                columns.len()
            ))),
            other => Err(Error::data(format!(
                "{origin}:{line}: expected a row, found {}; the response may report a query \
                 error here",
                RawCell::from_json(other).describe()
            ))),
        }
    }
}

/// Adds the declared columns to `raw` in declaration order, with their types, and
/// returns their indexes.
fn declare_columns(
    declarations: &[ColumnDeclaration],
    input: &Input,
    raw: &mut RawTable,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<usize>, Error> {
    let mut indexes = Vec::with_capacity(declarations.len());
    for declaration in declarations {
        let name = declaration.name.trim();
        if name.is_empty() {
            return Err(Error::data(format!(
                "{}: the response declares a column with an empty name",
                input.origin
            )));
        }
        let count_before = raw.columns.len();
        let index = raw.column_index(name);
        if raw.columns.len() == count_before && index != usize::MAX {
            return Err(Error::data(format!(
                "{}: the response declares column `{name}` twice",
                input.origin
            )));
        }
        let declared = match declaration.type_name() {
            Some(type_name) => {
                let ty = type_from_response_name(type_name);
                if ty.is_none() {
                    warnings.push(Warning {
                        message: format!(
                            "{}: column `{name}` has type `{type_name}`, which is not a known \
                             type; its type is inferred from its values",
                            input.origin
                        ),
                    });
                }
                ty
            }
            None => None,
        };
        if let Some(column) = raw.columns.get_mut(index) {
            column.declared = declared;
        }
        indexes.push(index);
    }
    Ok(indexes)
}

/// Counts line breaks up to increasing byte offsets.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    /// Returns the 1-based line of `offset`, which must not be less than the last one.
    fn line_at(&mut self, text: &str, offset: usize) -> u64 {
        let passed = text.as_bytes().get(self.offset..offset).unwrap_or_default();
        self.line += passed.iter().filter(|&&byte| byte == b'\n').count() as u64;
        self.offset = self.offset.max(offset);
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_start_is_detected() {
        assert!(looks_like_response(b"{\"Stats\":{},\"Schema\":[]"));
        assert!(looks_like_response(b" \n{ \"schema\" : ["));
        assert!(looks_like_response(b"{\"@odata.context\":\"x\""));
        assert!(looks_like_response(b"{\"tables\":[{"));
        assert!(looks_like_response(b"[{\"FrameType\":\"DataSetHeader\""));
        assert!(!looks_like_response(b"{\"Timestamp\":\"2024-01-01\"}"));
        assert!(!looks_like_response(b"[{\"Timestamp\":1}]"));
        assert!(!looks_like_response(b"{\"Sche"));
        assert!(!looks_like_response(b""));
    }

    #[test]
    fn response_type_names_map() {
        let cases = [
            ("String", Type::String),
            ("DateTime", Type::DateTime),
            ("Int32", Type::Int),
            ("Int64", Type::Long),
            ("Boolean", Type::Bool),
            ("SByte", Type::Bool),
            ("Object", Type::Dynamic),
            ("Dynamic", Type::Dynamic),
            ("Double", Type::Real),
            ("Guid", Type::Guid),
            ("TimeSpan", Type::Timespan),
            ("System.Int64", Type::Long),
            ("System.Data.SqlTypes.SqlDecimal", Type::Decimal),
            ("long", Type::Long),
            ("real", Type::Real),
        ];
        for (name, expected) in cases {
            assert_eq!(type_from_response_name(name), Some(expected), "{name}");
        }
        assert_eq!(type_from_response_name("Banana"), None);
    }

    #[test]
    fn line_counter_counts_breaks() {
        let text = "a\nb\n\nc";
        let mut lines = LineCounter::default();
        assert_eq!(lines.line_at(text, 0), 1);
        assert_eq!(lines.line_at(text, 2), 2);
        assert_eq!(lines.line_at(text, 5), 4);
        assert_eq!(lines.line_at(text, 5), 4);
    }
}
