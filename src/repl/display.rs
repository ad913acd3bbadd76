//! Showing results in the shell: a table that fits the terminal, or JSON, NDJSON or CSV,
//! with a row limit and footers that name what was left out.

use std::io::{self, Write};
use std::time::Duration;

use crate::output::{self, cell_text, Format, TableOptions};
use comfy_table::{presets, ContentArrangement, Table as TextTable};

use crate::table::Table;

/// Settings for showing results.
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

/// Hidden column names listed by name in the footer; the rest are counted.
const LISTED_HIDDEN_COLUMNS: usize = 4;

/// Writes `table` in the format and size that `view` sets, then the footers: rows not
/// shown, and columns that did not fit the terminal.
pub fn write_result(table: &Table, view: &View, out: &mut dyn Write) -> io::Result<()> {
    let shown_rows = view
        .max_rows
        .unwrap_or(table.row_count)
        .min(table.row_count);
    let Some(width) = view.width.filter(|_| view.format == Format::Table) else {
        let rows: Vec<usize> = (0..shown_rows).collect();
        let limited = if shown_rows < table.row_count {
            table.take_rows(&rows)
        } else {
            table.clone()
        };
        if view.format == Format::Table {
            write_text_table(&limited, shown_rows, None, &[], out)?;
        } else {
            output::write(&limited, view.format, &TableOptions::default(), out)?;
        }
        return write_row_footer(table.row_count, shown_rows, out);
    };

    let width = usize::from(width);
    let fitting = fitting_columns(table, shown_rows, width);
    let naturals: Vec<usize> = (0..fitting)
        .map(|index| natural_width(table, index, shown_rows))
        .collect();
    let budget = width.saturating_sub(1 + COLUMN_FRAME_CHARS * fitting);
    let widths = share_width(&naturals, budget);
    write_text_table(table, shown_rows, Some(width), &widths, out)?;
    write_row_footer(table.row_count, shown_rows, out)?;

    let hidden: Vec<&str> = table.schema.names().skip(fitting).collect();
    if !hidden.is_empty() {
        let mut listed = hidden
            .iter()
            .take(LISTED_HIDDEN_COLUMNS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if hidden.len() > LISTED_HIDDEN_COLUMNS {
            listed.push_str(", …");
        }
        writeln!(
            out,
            "{} more {} not shown ({listed}); pick columns with `project` or see all with .format json",
            hidden.len(),
            if hidden.len() == 1 { "column" } else { "columns" },
        )?;
    }
    Ok(())
}

/// Writes the first `rows` rows as a text table. With a `width`, only the columns that
/// `widths` covers are shown, and each cell is cut to its column's width with `…` so
/// that no cell wraps. A header longer than its column wraps instead.
fn write_text_table(
    table: &Table,
    rows: usize,
    width: Option<usize>,
    widths: &[usize],
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = if width.is_some() {
        widths.len()
    } else {
        table.schema.len()
    };
    let mut text = TextTable::new();
    text.load_preset(presets::UTF8_FULL_CONDENSED);
    match width {
        Some(width) => {
            text.set_width(u16::try_from(width).unwrap_or(u16::MAX));
            text.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            text.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    text.set_header(table.schema.names().take(columns));
    for row in 0..rows {
        let cells = table
            .columns
            .iter()
            .take(columns)
            .enumerate()
            .map(|(index, column)| {
                let cell = column.get(row).map(cell_text).unwrap_or_default();
                match widths.get(index) {
                    Some(limit) => cut(cell, *limit),
                    None => cell,
                }
            });
        text.add_row(cells);
    }
    writeln!(out, "{text}")
}

/// Cuts `text` to `limit` characters, the last one `…`.
fn cut(text: String, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text;
    }
    let mut shortened: String = text.chars().take(limit.saturating_sub(1)).collect();
    shortened.push('…');
    shortened
}

fn write_row_footer(total: usize, shown: usize, out: &mut dyn Write) -> io::Result<()> {
    let noun = if total == 1 { "row" } else { "rows" };
    if shown < total {
        writeln!(out, "{total} {noun} ({} not shown)", total - shown)
    } else {
        writeln!(out, "{total} {noun}")
    }
}

/// Returns the width of the widest cell or header of a column, in characters, over the
/// shown rows.
fn natural_width(table: &Table, index: usize, shown_rows: usize) -> usize {
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
    let header = table
        .schema
        .fields
        .get(index)
        .map_or(0, |field| field.name.chars().count());
    content.max(header)
}

/// Returns how many leading columns fit in `width` when each gets its natural width, or
/// [`MIN_COLUMN_CHARS`] if that is less. At least one column is always shown.
pub fn fitting_columns(table: &Table, shown_rows: usize, width: usize) -> usize {
    let mut used = 1;
    for index in 0..table.schema.len() {
        let natural = natural_width(table, index, shown_rows);
        used += natural.min(MIN_COLUMN_CHARS) + COLUMN_FRAME_CHARS;
        if used > width && index > 0 {
            return index;
        }
    }
    table.schema.len()
}

/// Shares `budget` characters among columns: a column whose natural width is at most
/// an equal share of what is left gets it, and the rest split the remainder equally.
fn share_width(naturals: &[usize], budget: usize) -> Vec<usize> {
    let mut widths: Vec<Option<usize>> = vec![None; naturals.len()];
    let mut remaining = budget;
    loop {
        let open: Vec<usize> = (0..naturals.len())
            .filter(|&at| widths[at].is_none())
            .collect();
        if open.is_empty() {
            break;
        }
        let share = remaining / open.len();
        let settled: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&at| naturals[at] <= share)
            .collect();
        if settled.is_empty() {
            for at in open {
                widths[at] = Some(share.max(1));
            }
            break;
        }
        for at in settled {
            widths[at] = Some(naturals[at]);
            remaining = remaining.saturating_sub(naturals[at]);
        }
    }
    widths.into_iter().map(|width| width.unwrap_or(1)).collect()
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
    use crate::table::{Field, Schema};
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
        assert!(text.contains("more columns not shown ("), "{text}");
        assert!(text.contains(", …)"), "{text}");
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
    fn share_width_gives_short_columns_their_width() {
        assert_eq!(share_width(&[5, 100, 100], 65), vec![5, 30, 30]);
        assert_eq!(share_width(&[5, 10], 65), vec![5, 10]);
        assert_eq!(share_width(&[50, 50], 10), vec![5, 5]);
    }

    #[test]
    fn cells_cut_without_wrapping() {
        let table = wide_table(3, 2);
        let view = View {
            format: Format::Table,
            max_rows: None,
            width: Some(60),
        };
        let text = render(&table, &view);
        let body: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("value-"))
            .collect();
        assert_eq!(body.len(), 2, "one line per row: {text}");
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
