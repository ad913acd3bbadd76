//! Result output: a table for people (comfy-table), and JSON, NDJSON and CSV for programs.
//!
//! JSON output is `{"columns":[{"name":…,"type":…}],"rows":[[…],…]}` with Kusto type
//! names; datetimes are ISO 8601 UTC text ending in `Z`, timespans `[-][d.]hh:mm:ss[.f]`,
//! dynamic values JSON, and nulls `null`.

use std::io::{self, Write};

use comfy_table::{presets, ContentArrangement, Table as TextTable};

use crate::table::Table;
use crate::value::Value;

/// An output format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
}

impl Format {
    /// Returns the format for a name, ignoring letter case.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Returns the name `--format` takes for this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
        }
    }
}

/// Options for the human-readable table.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Terminal width in columns; `None` lets the table grow as wide as its content.
    pub width: Option<u16>,
    /// Maximum characters shown per cell before it is cut with `…`.
    pub max_cell_chars: Option<usize>,
    /// Maximum rows shown; the footer states how many were left out.
    pub max_rows: Option<usize>,
}

/// Writes `table` in `format`.
pub fn write(
    table: &Table,
    format: Format,
    options: &TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => write_text_table(table, options, out),
        Format::Json => write_json(table, out),
        Format::Ndjson => write_ndjson(table, out),
        Format::Csv => write_csv(table, out),
    }
}

/// The text of one cell as the table and CSV formats show it: nulls are empty.
pub fn cell_text(value: &Value) -> String {
    value.to_kusto_string()
}

/// Makes text safe to print in a terminal table: control characters, which a hostile
/// value could use to recolour or rewrite the analyst's terminal, are shown as escapes
/// (`\n`, `\t`, `\u{1b}`).
fn escape_controls(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if c.is_control() => escaped.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    escaped
}

fn cut(text: String, max_chars: Option<usize>) -> String {
    match max_chars {
        Some(limit) if text.chars().count() > limit && limit > 1 => {
            let mut shortened: String = text.chars().take(limit - 1).collect();
            shortened.push('…');
            shortened
        }
        _ => text,
    }
}

fn write_text_table(table: &Table, options: &TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut text = TextTable::new();
    text.load_preset(presets::UTF8_FULL_CONDENSED);
    match options.width {
        Some(width) => {
            text.set_width(width);
            text.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            text.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    text.set_header(
        table
            .schema
            .names()
            .map(|name| escape_controls(name.to_string())),
    );
    let shown = options
        .max_rows
        .unwrap_or(table.row_count)
        .min(table.row_count);
    for row in 0..shown {
        let cells = table.columns.iter().map(|column| {
            cut(
                escape_controls(cell_text(&column[row])),
                options.max_cell_chars,
            )
        });
        text.add_row(cells);
    }
    writeln!(out, "{text}")?;
    let noun = if table.row_count == 1 { "row" } else { "rows" };
    if shown < table.row_count {
        writeln!(
            out,
            "{} {noun} ({} not shown)",
            table.row_count,
            table.row_count - shown
        )
    } else {
        writeln!(out, "{} {noun}", table.row_count)
    }
}

/// Converts a value to its JSON output form.
pub fn json_value(value: &Value) -> serde_json::Value {
    value.to_json()
}

fn write_json(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let columns: Vec<serde_json::Value> = table
        .schema
        .fields
        .iter()
        .map(|field| serde_json::json!({"name": field.name, "type": field.ty.name()}))
        .collect();
    write!(
        out,
        "{{\"columns\":{},\"rows\":[",
        serde_json::Value::Array(columns)
    )?;
    for row in 0..table.row_count {
        if row > 0 {
            write!(out, ",")?;
        }
        let cells: Vec<serde_json::Value> = table
            .columns
            .iter()
            .map(|column| json_value(&column[row]))
            .collect();
        write!(out, "\n{}", serde_json::Value::Array(cells))?;
    }
    writeln!(out, "\n]}}")
}

fn write_ndjson(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    for row in 0..table.row_count {
        let mut object = serde_json::Map::new();
        for (field, column) in table.schema.fields.iter().zip(&table.columns) {
            object.insert(field.name.clone(), json_value(&column[row]));
        }
        writeln!(out, "{}", serde_json::Value::Object(object))?;
    }
    Ok(())
}

fn write_csv(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(table.schema.names())
        .map_err(csv_to_io)?;
    for row in 0..table.row_count {
        let cells = table.columns.iter().map(|column| cell_text(&column[row]));
        writer.write_record(cells).map_err(csv_to_io)?;
    }
    writer.flush()
}

/// Keeps the underlying I/O error, so a closed pipe is still recognised as one.
fn csv_to_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(inner) => inner,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Schema};
    use crate::value::{parse_datetime, Type};

    fn sample() -> Table {
        let schema = Schema::new(vec![
            Field::new("When", Type::DateTime),
            Field::new("Name", Type::String),
            Field::new("IsPrivate", Type::Bool),
            Field::new("Bag", Type::Dynamic),
        ]);
        let when = Value::DateTime(parse_datetime("2025-08-29T10:15:00.1200000Z").unwrap_or(0));
        let bag = Value::dynamic(serde_json::json!({"a": [1, "x"]}));
        Table::from_rows(
            schema,
            vec![vec![when, Value::from("a,b"), Value::Null, bag]],
        )
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        write(&sample(), format, &TableOptions::default(), &mut out).expect("write succeeds");
        String::from_utf8(out).expect("utf-8 output")
    }

    #[test]
    fn json_has_types_and_nulls() {
        let parsed: serde_json::Value =
            serde_json::from_str(&render(Format::Json)).expect("valid JSON");
        assert_eq!(
            parsed["columns"][0],
            serde_json::json!({"name": "When", "type": "datetime"})
        );
        assert_eq!(parsed["rows"][0][0], "2025-08-29T10:15:00.1200000Z");
        assert_eq!(parsed["rows"][0][2], serde_json::Value::Null);
        assert_eq!(parsed["rows"][0][3], serde_json::json!({"a": [1, "x"]}));
    }

    #[test]
    fn csv_quotes_and_blank_nulls() {
        let text = render(Format::Csv);
        assert_eq!(text.lines().next(), Some("When,Name,IsPrivate,Bag"));
        assert_eq!(
            text.lines().nth(1),
            Some(r#"2025-08-29T10:15:00.1200000Z,"a,b",,"{""a"":[1,""x""]}""#)
        );
    }

    #[test]
    fn ndjson_one_object_per_row() {
        let text = render(Format::Ndjson);
        let parsed: serde_json::Value = serde_json::from_str(text.trim()).expect("valid JSON");
        assert_eq!(parsed["Name"], "a,b");
        assert_eq!(parsed["IsPrivate"], serde_json::Value::Null);
    }

    #[test]
    fn table_counts_rows_and_cuts_cells() {
        let mut out = Vec::new();
        let options = TableOptions {
            width: None,
            max_cell_chars: Some(5),
            max_rows: Some(0),
        };
        write(&sample(), Format::Table, &options, &mut out).expect("write succeeds");
        let text = String::from_utf8(out).expect("utf-8 output");
        assert!(text.contains("1 row (1 not shown)"), "{text}");
        assert_eq!(cut("abcdefgh".to_string(), Some(5)), "abcd…");
    }

    #[test]
    fn table_escapes_control_characters() {
        assert_eq!(
            escape_controls("\u{1b}[31mred".to_string()),
            "\\u{1b}[31mred"
        );
        assert_eq!(escape_controls("a\nb\tc".to_string()), "a\\nb\\tc");
        assert_eq!(escape_controls("plain".to_string()), "plain");
    }
}
