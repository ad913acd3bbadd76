//! Cells as a reader finds them, before the columns get their types.
//!
//! Readers fill a [`RawTable`] row by row. Column types are decided only after the whole
//! input is read, because both inference and the choice between a column's XDR and
//! Sentinel type depend on every value in the column.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::LoadOptions;
use crate::schema::{ColumnSchema, TableSchema};

/// The two time columns of tables that exist in both Defender XDR and Sentinel. Loading
/// fills a missing one from the other, so a query that reads one needs both kept.
const TIME_COLUMNS: [&str; 2] = ["Timestamp", "TimeGenerated"];

/// Returns the columns of table `name` to read, from [`LoadOptions::columns`] (`None` for
/// all), and its schema reduced to those columns. With [`LoadOptions::product`] set, each
/// column has that product's type and no other, so the values cannot change it.
pub(crate) fn column_selection(
    options: &LoadOptions,
    name: &str,
) -> (Option<Arc<HashSet<String>>>, Option<TableSchema>) {
    let schema = options
        .schema_for(name)
        .map(|schema| match options.product {
            None => schema.clone(),
            Some(_) => TableSchema {
                name: schema.name.clone(),
                columns: schema
                    .columns
                    .iter()
                    .map(|column| ColumnSchema {
                        ty: options.column_type(column),
                        sentinel_ty: None,
                        ..column.clone()
                    })
                    .collect(),
            },
        });
    let schema = schema.as_ref();
    let Some(used) = options.columns.get(name) else {
        return (None, schema.cloned());
    };
    let mut keep: HashSet<String> = used.iter().cloned().collect();
    if TIME_COLUMNS.iter().any(|column| keep.contains(*column)) {
        keep.extend(TIME_COLUMNS.iter().map(|column| column.to_string()));
    }
    let schema = schema.map(|schema| TableSchema {
        name: schema.name.clone(),
        columns: schema
            .columns
            .iter()
            .filter(|column| keep.contains(&column.name))
            .cloned()
            .collect(),
    });
    (Some(Arc::new(keep)), schema)
}

use crate::error::Error;
use crate::value::Type;

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum RawCell {
    /// A missing JSON key, a JSON `null` or an empty CSV field.
    #[default]
    Absent,
    Bool(bool),
    Number(serde_json::Number),
    /// A JSON string. The text is shared so that a string column takes it without a copy.
    JsonString(Arc<str>),
    /// A JSON object or array.
    Nested(Box<serde_json::Value>),
    /// A non-empty CSV field.
    Text(Arc<str>),
    /// A JSON string without escapes, as the byte range `start..start + len` of the chunk
    /// of input that the table was read from (see [`RawTable::borrow_strings_from`]).
    /// Only the typing of that chunk, while the chunk is in memory, reads these cells.
    Span {
        start: u32,
        len: u32,
    },
}

impl RawCell {
    pub(crate) fn from_json(value: serde_json::Value) -> RawCell {
        match value {
            serde_json::Value::Null => RawCell::Absent,
            serde_json::Value::Bool(flag) => RawCell::Bool(flag),
            serde_json::Value::Number(number) => RawCell::Number(number),
            serde_json::Value::String(text) => RawCell::JsonString(Arc::from(text)),
            nested => RawCell::Nested(Box::new(nested)),
        }
    }

    /// Formats the cell for an error message: text in quotes, JSON values as JSON, both
    /// cut to about 80 characters.
    pub(crate) fn describe(&self) -> String {
        const MAX_CHARS: usize = 80;
        let text = match self {
            RawCell::Absent => return "null".to_string(),
            RawCell::Bool(flag) => flag.to_string(),
            RawCell::Number(number) => number.to_string(),
            RawCell::JsonString(text) | RawCell::Text(text) => {
                let cut: String = text.chars().take(MAX_CHARS).collect();
                let ellipsis = if cut.len() < text.len() { "…" } else { "" };
                return format!("{cut:?}{ellipsis}");
            }
            RawCell::Nested(json) => json.to_string(),
            RawCell::Span { start, len } => format!("the string at bytes {start}+{len}"),
        };
        if text.chars().count() > MAX_CHARS {
            let cut: String = text.chars().take(MAX_CHARS).collect();
            format!("{cut}…")
        } else {
            text
        }
    }
}

/// The start of a row: an index into [`RawTable::sources`] and a 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowLocation {
    pub source: usize,
    pub line: u64,
}

#[derive(Debug)]
pub(crate) struct RawColumn {
    pub name: String,
    /// The type the input declares for the column (an API response's schema, or a type
    /// suffix such as `_long`), used when no catalog or user schema describes it.
    pub declared: Option<Type>,
    /// The cells, one per row once [`RawTable::finish`] has run, and fewer while reading.
    pub cells: Vec<RawCell>,
}

/// The maximum number of columns in one table. A row that would add a column beyond it
/// makes loading fail. Each new column is padded with one cell per earlier row, so input
/// with a new key in every row would otherwise need memory quadratic in its size.
/// The widest built-in catalog table has far fewer columns (`CommonSecurityLog`, about 150).
pub const MAX_COLUMNS: usize = 10_000;

/// The rows read from one or more inputs of the same table.
#[derive(Debug, Default)]
pub(crate) struct RawTable {
    /// The name of each input, as error messages show it.
    pub sources: Vec<String>,
    /// Columns in the order they were first seen.
    pub columns: Vec<RawColumn>,
    pub rows: Vec<RowLocation>,
    index: HashMap<String, usize>,
    /// The names of the columns to read, or `None` for all. Readers skip the values of
    /// other columns, and those columns never appear in [`RawTable::columns`].
    keep: Option<Arc<HashSet<String>>>,
    /// The row that first tried to add a column beyond [`MAX_COLUMNS`].
    column_overflow: Option<RowLocation>,
    /// The address and length of the chunk of input whose JSON strings are stored as
    /// [`RawCell::Span`], if any.
    span_base: Option<(usize, usize)>,
}

impl RawTable {
    /// Returns an empty table that reads only the columns in `keep`, or all for `None`.
    pub(crate) fn keeping(keep: Option<Arc<HashSet<String>>>) -> RawTable {
        RawTable {
            keep,
            ..RawTable::default()
        }
    }

    /// Returns an empty table that reads the same columns as this one, for a reader that
    /// fills part of the input on another thread before [`RawTable::append`].
    pub(crate) fn empty_like(&self) -> RawTable {
        RawTable::keeping(self.keep.clone())
    }

    /// Returns the index of the column with this name, adding the column if it is new, or
    /// `None` when the column is not kept.
    pub(crate) fn kept_column_index(&mut self, name: &str) -> Option<usize> {
        if let Some(&index) = self.index.get(name) {
            return Some(index);
        }
        if self.keep.as_ref().is_some_and(|keep| !is_kept(keep, name)) {
            return None;
        }
        Some(self.column_index(name))
    }

    /// Makes readers store JSON strings that lie in `chunk` and need no unescaping as
    /// [`RawCell::Span`] cells instead of copying them. The caller must type the table
    /// while `chunk` is in memory, with the same bytes.
    pub(crate) fn borrow_strings_from(&mut self, chunk: &[u8]) {
        self.span_base = Some((chunk.as_ptr() as usize, chunk.len()));
    }

    /// Returns the span cell for `text` if it lies in the chunk that strings are borrowed
    /// from, `None` otherwise.
    pub(crate) fn span_of(&self, text: &str) -> Option<RawCell> {
        let (base, chunk_len) = self.span_base?;
        let start = (text.as_ptr() as usize).checked_sub(base)?;
        if start + text.len() > chunk_len {
            return None;
        }
        Some(RawCell::Span {
            start: u32::try_from(start).ok()?,
            len: u32::try_from(text.len()).ok()?,
        })
    }

    /// Registers an input and returns its index for [`RawTable::start_row`].
    pub(crate) fn add_source(&mut self, origin: &str) -> usize {
        self.sources.push(origin.to_string());
        self.sources.len() - 1
    }

    /// Returns the index of the column with this name, adding the column if it is new.
    ///
    /// Past [`MAX_COLUMNS`] it returns an index that [`RawTable::set_cell`] ignores and
    /// records the row, so that [`RawTable::check_limits`] rejects the input after the
    /// reader stops. Readers therefore need no error path of their own for this limit.
    pub(crate) fn column_index(&mut self, name: &str) -> usize {
        if let Some(&index) = self.index.get(name) {
            return index;
        }
        if self.columns.len() >= MAX_COLUMNS {
            if self.column_overflow.is_none() {
                self.column_overflow = Some(self.rows.last().copied().unwrap_or(RowLocation {
                    source: self.sources.len().saturating_sub(1),
                    line: 1,
                }));
            }
            return usize::MAX;
        }
        let index = self.columns.len();
        self.columns.push(RawColumn {
            name: name.to_string(),
            declared: None,
            cells: Vec::new(),
        });
        self.index.insert(name.to_string(), index);
        index
    }

    /// Starts a new row. Cells set afterwards belong to it.
    pub(crate) fn start_row(&mut self, source: usize, line: u64) {
        self.rows.push(RowLocation { source, line });
    }

    /// Sets a cell of the current row. Cells that no row set stay [`RawCell::Absent`].
    pub(crate) fn set_cell(&mut self, column: usize, cell: RawCell) {
        let row = self.rows.len().saturating_sub(1);
        let Some(column) = self.columns.get_mut(column) else {
            return;
        };
        if let Some(slot) = column.cells.get_mut(row) {
            *slot = cell;
            return;
        }
        column.cells.resize_with(row, || RawCell::Absent);
        column.cells.push(cell);
    }

    /// Moves the rows of `part`, which came from [`RawTable::empty_like`], after the rows
    /// of this table. `part` must use this table's source indexes, and counts its lines
    /// from 1 at `first_line`, which its row locations are moved to.
    pub(crate) fn append_from_line(&mut self, mut part: RawTable, first_line: u64) {
        part.finish();
        let shift = first_line.saturating_sub(1);
        let shifted = |location: RowLocation| RowLocation {
            source: location.source,
            line: location.line + shift,
        };
        if self.column_overflow.is_none() {
            self.column_overflow = part.column_overflow.map(shifted);
        }
        let row_count = self.rows.len();
        self.rows.extend(part.rows.into_iter().map(shifted));
        for column in part.columns {
            let index = self.column_index(&column.name);
            let Some(target) = self.columns.get_mut(index) else {
                continue;
            };
            target.cells.resize_with(row_count, || RawCell::Absent);
            target.cells.extend(column.cells);
        }
    }

    /// Fails if the input had more columns than [`MAX_COLUMNS`].
    pub(crate) fn check_limits(&self) -> Result<(), Error> {
        let Some(location) = self.column_overflow else {
            return Ok(());
        };
        let origin = self
            .sources
            .get(location.source)
            .map_or("<input>", String::as_str);
        Err(Error::data(format!(
            "{origin}:{}: the table has more than {MAX_COLUMNS} columns; \
             this many distinct column names usually means the rows are not records of one \
             table, so split the input or project fewer columns when exporting",
            location.line
        )))
    }

    /// Drops a trailing bracketed note from column names (`TimeGenerated [UTC]` becomes
    /// `TimeGenerated`), as the CSV reader does for header fields, for JSON keys that the
    /// Azure portal names the same way. A name is kept if the shorter one is taken.
    pub(crate) fn strip_name_notes(&mut self) {
        let mut renamed = false;
        for index in 0..self.columns.len() {
            let Some(column) = self.columns.get(index) else {
                continue;
            };
            let short = strip_note(&column.name);
            if short.len() == column.name.len() || self.index.contains_key(short) {
                continue;
            }
            let short = short.to_string();
            if let Some(column) = self.columns.get_mut(index) {
                self.index.insert(short.clone(), index);
                column.name = short;
                renamed = true;
            }
        }
        if renamed {
            let columns = std::mem::take(&mut self.columns);
            self.replace_columns(columns);
        }
    }

    /// Replaces the columns, for steps that merge or rename them after reading. Column
    /// names must be unique.
    pub(crate) fn replace_columns(&mut self, columns: Vec<RawColumn>) {
        self.index = columns
            .iter()
            .enumerate()
            .map(|(index, column)| (column.name.clone(), index))
            .collect();
        self.columns = columns;
    }

    /// Pads every column to the row count, so each has exactly one cell per row.
    pub(crate) fn finish(&mut self) {
        let row_count = self.rows.len();
        for column in &mut self.columns {
            column.cells.resize_with(row_count, || RawCell::Absent);
        }
    }

    /// Formats where a row starts as `file:line`.
    pub(crate) fn location(&self, row: usize) -> String {
        match self.rows.get(row) {
            Some(location) => {
                let origin = self
                    .sources
                    .get(location.source)
                    .map_or("<input>", String::as_str);
                format!("{origin}:{}", location.line)
            }
            None => "<unknown row>".to_string(),
        }
    }
}

/// Returns `name` without a trailing ` [note]`, trimmed.
/// True when a column read under `name` feeds a kept column: the name itself, the name
/// without a ` [UTC]`-style note, or the base of a column split by type
/// (`AdditionalFields_string` feeds `AdditionalFields`), since those are renamed or merged
/// after reading.
fn is_kept(keep: &HashSet<String>, name: &str) -> bool {
    let short = strip_note(name);
    keep.contains(name)
        || keep.contains(short)
        || short
            .rsplit_once('_')
            .is_some_and(|(base, _)| keep.contains(base))
}

pub(crate) fn strip_note(name: &str) -> &str {
    let name = name.trim();
    if name.ends_with(']') {
        if let Some(at) = name.rfind(" [") {
            return name.get(..at).unwrap_or(name).trim_end();
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_table_pads_sparse_columns() {
        let mut raw = RawTable::default();
        let source = raw.add_source("a.jsonl");
        raw.start_row(source, 1);
        let first = raw.column_index("A");
        raw.set_cell(first, RawCell::Bool(true));
        raw.start_row(source, 2);
        let second = raw.column_index("B");
        raw.set_cell(second, RawCell::Bool(false));
        raw.start_row(source, 3);
        raw.finish();

        assert_eq!(
            raw.columns[0].cells,
            [RawCell::Bool(true), RawCell::Absent, RawCell::Absent]
        );
        assert_eq!(
            raw.columns[1].cells,
            [RawCell::Absent, RawCell::Bool(false), RawCell::Absent]
        );
        assert_eq!(raw.location(1), "a.jsonl:2");
    }

    #[test]
    fn kept_columns_only() {
        let keep: HashSet<String> = ["A".to_string()].into();
        let mut raw = RawTable::keeping(Some(Arc::new(keep)));
        assert_eq!(raw.kept_column_index("A"), Some(0));
        assert_eq!(raw.kept_column_index("B"), None);
        assert_eq!(raw.columns.len(), 1);
    }

    #[test]
    fn append_keeps_lines_and_pads() {
        let mut raw = RawTable::default();
        let source = raw.add_source("a.jsonl");
        raw.start_row(source, 1);
        let first = raw.column_index("A");
        raw.set_cell(first, RawCell::Bool(true));

        let mut part = raw.empty_like();
        part.start_row(source, 1);
        let second = part.column_index("B");
        part.set_cell(second, RawCell::Bool(false));
        part.start_row(source, 3);
        raw.append_from_line(part, 11);
        raw.finish();

        assert_eq!(raw.rows.len(), 3);
        assert_eq!(raw.location(1), "a.jsonl:11");
        assert_eq!(raw.location(2), "a.jsonl:13");
        assert_eq!(
            raw.columns[0].cells,
            [RawCell::Bool(true), RawCell::Absent, RawCell::Absent]
        );
        assert_eq!(
            raw.columns[1].cells,
            [RawCell::Absent, RawCell::Bool(false), RawCell::Absent]
        );
    }

    #[test]
    fn name_notes_are_stripped_unless_taken() {
        let mut raw = RawTable::default();
        for name in [
            "TimeGenerated [UTC]",
            "EventTime [UTC]",
            "EventTime",
            "Tags[0]",
        ] {
            raw.column_index(name);
        }
        raw.strip_name_notes();
        let names: Vec<&str> = raw.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["TimeGenerated", "EventTime [UTC]", "EventTime", "Tags[0]"]
        );
        assert_eq!(raw.column_index("TimeGenerated"), 0);
    }

    #[test]
    fn describe_quotes_and_cuts() {
        assert_eq!(RawCell::Text("abc".into()).describe(), "\"abc\"");
        let long = RawCell::Text(Arc::from("x".repeat(100))).describe();
        assert!(long.ends_with("\"…"), "{long}");
        assert_eq!(
            RawCell::Nested(Box::new(serde_json::json!([1, 2]))).describe(),
            "[1,2]"
        );
    }
}
