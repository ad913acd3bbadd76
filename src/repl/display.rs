//! Showing results in the shell: a table that fits the terminal, or JSON, NDJSON or CSV,
//! with a row limit and footers that say what was left out.

use std::io::{self, Write};
use std::time::Duration;

use crate::output::{self, cell_text, Format, TableOptions};
use crate::table::{Schema, Table};

/// How results are shown.
#[derive(Debug, Clone)]
pub struct View {
    pub format: Format,
    /// Rows shown at most; `None` shows all.
    pub max_rows: Option<usize>,
    /// Terminal width in columns; `None` lets a table grow as wide as its content.
    pub width: Option<u16>,
}

/// Columns narrower than this never force other columns out of the table.
const MIN_COLUMN_CHARS: usize = 12;

/// Characters of border and padding each table column adds to its content.
const COLUMN_FRAME_CHARS: usize = 3;

/// Cells are cut to at least this many characters, however many columns share the width.
const MIN_CELL_CHARS: usize = 16;

/// Writes `table` as `view` asks, then the footers: rows not shown (from
/// [`output::write`] for tables), columns that did not fit.
pub fn write_result(table: &Table, view: &View, out: &mut dyn Write) -> io::Result<()> {
    let shown_rows = view
        .max_rows
        .unwrap_or(table.row_count)
        .min(table.row_count);
    if view.format != Format::Table {
        let rows: Vec<usize> = (0..shown_rows).collect();
        let limited = if shown_rows < table.row_count {
            table.take_rows(&rows)
        } else {
            table.clone()
        };
        output::write(&limited, view.format, &TableOptions::default(), out)?;
        return write_row_footer(table.row_count, shown_rows, out);
    }

    let Some(width) = view.width else {
        let options = TableOptions {
            width: None,
            max_cell_chars: None,
            max_rows: view.max_rows,
        };
        return output::write(table, Format::Table, &options, out);
    };
    let fitting = fitting_columns(table, shown_rows, usize::from(width));
    let shown = select_columns(table, fitting);
    let cell_chars = (usize::from(width).saturating_sub(1) / shown.schema.len().max(1))
        .saturating_sub(COLUMN_FRAME_CHARS)
        .max(MIN_CELL_CHARS);
    let options = TableOptions {
        width: Some(width),
        max_cell_chars: Some(cell_chars),
        max_rows: view.max_rows,
    };
    output::write(&shown, Format::Table, &options, out)?;

    let hidden: Vec<&str> = table.schema.names().skip(fitting).collect();
    if !hidden.is_empty() {
        writeln!(
            out,
            "{} more {} not shown: {}; pick columns with `project` or see all with .format json",
            hidden.len(),
            if hidden.len() == 1 {
                "column"
            } else {
                "columns"
            },
            hidden.join(", ")
        )?;
    }
    Ok(())
}

fn write_row_footer(total: usize, shown: usize, out: &mut dyn Write) -> io::Result<()> {
    let noun = if total == 1 { "row" } else { "rows" };
    if shown < total {
        writeln!(out, "{total} {noun} ({} not shown)", total - shown)
    } else {
        writeln!(out, "{total} {noun}")
    }
}

/// Returns how many leading columns fit in `width` when each gets its content width, or
/// [`MIN_COLUMN_CHARS`] if that is less. At least one column is always shown.
pub fn fitting_columns(table: &Table, shown_rows: usize, width: usize) -> usize {
    let mut used = 1;
    for (index, name) in table.schema.names().enumerate() {
        let content = table
            .columns
            .get(index)
            .map(|column| {
                column
                    .iter()
                    .take(shown_rows)
                    .map(|value| cell_text(value).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        let natural = content.max(name.chars().count());
        used += natural.min(MIN_COLUMN_CHARS) + COLUMN_FRAME_CHARS;
        if used > width && index > 0 {
            return index;
        }
    }
    table.schema.len()
}

/// Returns the first `count` columns of `table`.
fn select_columns(table: &Table, count: usize) -> Table {
    if count >= table.schema.len() {
        return table.clone();
    }
    let fields = table.schema.fields.iter().take(count).cloned().collect();
    let columns = table.columns.iter().take(count).cloned().collect();
    Table::new(Schema::new(fields), columns, table.row_count)
}

/// Formats an elapsed time for the `.timer` line: milliseconds below a second, seconds
/// above.
pub fn format_elapsed(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Field;
    use crate::value::{Type, Value};

    fn wide_table(columns: usize, rows: usize) -> Table {
        let fields = (0..columns)
            .map(|index| Field::new(format!("Column{index}"), Type::String))
            .collect();
        let rows = (0..rows)
            .map(|row| {
                (0..columns)
                    .map(|column| Value::from(format!("value-{row}-{column}-{}", "x".repeat(40))))
                    .collect()
            })
            .collect();
        Table::from_rows(Schema::new(fields), rows)
    }

    fn render(table: &Table, view: &View) -> String {
        let mut out = Vec::new();
        write_result(table, view, &mut out).expect("write succeeds");
        String::from_utf8(out).expect("utf-8 output")
    }

    #[test]
    fn table_fits_width_and_names_hidden_columns() {
        let table = wide_table(20, 2);
        let view = View {
            format: Format::Table,
            max_rows: None,
            width: Some(80),
        };
        let text = render(&table, &view);
        for line in text
            .lines()
            .filter(|line| line.starts_with('│') || line.starts_with('┌'))
        {
            assert!(line.chars().count() <= 80, "line too wide: {line}");
        }
        assert!(text.contains("more columns not shown: "), "{text}");
        assert!(text.contains("Column19"), "{text}");
        assert!(text.contains('…'), "long cells are cut: {text}");
        assert!(text.contains("2 rows"), "{text}");
    }

    #[test]
    fn row_limit_footer_in_every_format() {
        let table = wide_table(2, 5);
        for format in [Format::Table, Format::Json, Format::Csv] {
            let view = View {
                format,
                max_rows: Some(2),
                width: Some(200),
            };
            let text = render(&table, &view);
            assert!(text.contains("5 rows (3 not shown)"), "{format:?}: {text}");
            assert!(!text.contains("value-2-0"), "{format:?}: {text}");
        }
    }

    #[test]
    fn json_keeps_full_values() {
        let table = wide_table(20, 1);
        let view = View {
            format: Format::Json,
            max_rows: None,
            width: Some(80),
        };
        let text = render(&table, &view);
        assert!(
            text.contains(&format!("value-0-19-{}", "x".repeat(40))),
            "{text}"
        );
        assert!(text.ends_with("1 row\n"), "{text}");
    }

    #[test]
    fn narrow_terminal_shows_one_column() {
        let table = wide_table(3, 1);
        assert_eq!(fitting_columns(&table, 1, 10), 1);
        assert_eq!(fitting_columns(&table, 1, 1000), 3);
    }

    #[test]
    fn elapsed_units() {
        assert_eq!(format_elapsed(Duration::from_micros(2500)), "2.5 ms");
        assert_eq!(format_elapsed(Duration::from_millis(1500)), "1.50 s");
    }
}
