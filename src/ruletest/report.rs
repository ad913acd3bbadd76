//! The terminal report: one line per case, the diff of each failure, and a summary.
//!
//! Text is written with ANSI styles (`anstyle`). The caller decides whether they reach
//! the terminal: `anstream::stdout()` strips them when standard output is not a terminal
//! or `NO_COLOR` is set, and [`plain`] strips them for files.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use anstyle::{AnsiColor, Style};

use super::compare::{Mismatch, RowText};
use super::runner::{CaseOutcome, Status};

const PASS: Style = AnsiColor::Green.on_default().bold();
const FAIL: Style = AnsiColor::Red.on_default().bold();
const UPDATED: Style = AnsiColor::Cyan.on_default().bold();
const MISSING: Style = AnsiColor::Red.on_default();
const UNEXPECTED: Style = AnsiColor::Green.on_default();
const NEAR: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();
const HEADING: Style = Style::new().bold();

/// Rows shown per list in a diff; the rest are counted.
const MAX_ROWS_SHOWN: usize = 20;

/// Writes the one-line status of a case, followed by its diff or error when it failed.
pub fn write_case(out: &mut dyn Write, outcome: &CaseOutcome) -> io::Result<()> {
    let (label, style) = match &outcome.status {
        Status::Passed => ("PASS", PASS),
        Status::Failed(_) => ("FAIL", FAIL),
        Status::Error(_) => ("ERROR", FAIL),
        Status::Updated(_) => ("UPDATED", UPDATED),
    };
    write!(
        out,
        "{style}{label:<7}{style:#} {} {DIM}›{DIM:#} {} {DIM}({}){DIM:#}",
        display_path(&outcome.file),
        outcome.name,
        format_duration(outcome.duration)
    )?;
    match &outcome.status {
        Status::Updated(path) => writeln!(out, ": wrote {}", display_path(path))?,
        Status::Passed => writeln!(out)?,
        Status::Failed(mismatch) => {
            writeln!(out)?;
            write_mismatch(out, mismatch)?;
        }
        Status::Error(message) => {
            writeln!(out)?;
            for line in message.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    for warning in &outcome.warnings {
        writeln!(out, "    {UPDATED}warning:{UPDATED:#} {warning}")?;
    }
    Ok(())
}

/// Writes the diff of a failed case, indented under its status line.
pub fn write_mismatch(out: &mut dyn Write, mismatch: &Mismatch) -> io::Result<()> {
    for problem in &mismatch.problems {
        writeln!(out, "    {problem}")?;
    }
    write_rows(
        out,
        "missing rows (expected, not returned):",
        "-",
        MISSING,
        &mismatch.missing,
    )?;
    write_rows(
        out,
        "unexpected rows (returned, not expected):",
        "+",
        UNEXPECTED,
        &mismatch.unexpected,
    )?;
    write_rows(out, "returned rows:", "=", DIM, &mismatch.returned)?;
    if !mismatch.near.is_empty() {
        writeln!(
            out,
            "    {HEADING}near matches (expected row, then the cells the result has instead):{HEADING:#}"
        )?;
        for near in mismatch.near.iter().take(MAX_ROWS_SHOWN) {
            writeln!(out, "      {NEAR}~ {}{NEAR:#}", row_text(&near.expected))?;
            for difference in &near.differences {
                writeln!(
                    out,
                    "          {}: expected {MISSING}{}{MISSING:#}, got {UNEXPECTED}{}{UNEXPECTED:#}",
                    difference.column, difference.expected, difference.actual
                )?;
            }
        }
        write_more(out, mismatch.near.len())?;
    }
    Ok(())
}

fn write_rows(
    out: &mut dyn Write,
    heading: &str,
    marker: &str,
    style: Style,
    rows: &[RowText],
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "    {HEADING}{heading}{HEADING:#}")?;
    for row in rows.iter().take(MAX_ROWS_SHOWN) {
        writeln!(out, "      {style}{marker} {}{style:#}", row_text(row))?;
    }
    write_more(out, rows.len())
}

fn write_more(out: &mut dyn Write, total: usize) -> io::Result<()> {
    if total > MAX_ROWS_SHOWN {
        writeln!(out, "      … and {} more", total - MAX_ROWS_SHOWN)?;
    }
    Ok(())
}

/// Renders a row as `{Column: value, …}`, prefixed with `row N:` for ordered comparisons.
pub fn row_text(row: &RowText) -> String {
    let cells: Vec<String> = row
        .cells
        .iter()
        .map(|(column, value)| format!("{column}: {value}"))
        .collect();
    match row.position {
        Some(position) => format!("row {position}: {{{}}}", cells.join(", ")),
        None => format!("{{{}}}", cells.join(", ")),
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    /// Failed cases and cases that could not run.
    pub failed: usize,
    pub updated: usize,
}

impl Summary {
    pub fn of(outcomes: &[CaseOutcome]) -> Summary {
        let mut summary = Summary::default();
        for outcome in outcomes {
            match outcome.status {
                Status::Passed => summary.passed += 1,
                Status::Updated(_) => summary.updated += 1,
                Status::Failed(_) | Status::Error(_) => summary.failed += 1,
            }
        }
        summary
    }
}

/// Writes the closing lines: updated files, the elapsed time, then `N passed, N failed`
/// alone on the last line, the form CI log readers recognise.
pub fn write_summary(out: &mut dyn Write, summary: &Summary, elapsed: Duration) -> io::Result<()> {
    writeln!(out)?;
    if summary.updated > 0 {
        let noun = if summary.updated == 1 {
            "file"
        } else {
            "files"
        };
        writeln!(
            out,
            "updated {} expected {noun}; review the changes before committing them",
            summary.updated
        )?;
    }
    writeln!(out, "finished in {}", format_duration(elapsed))?;
    let style = if summary.failed == 0 { PASS } else { FAIL };
    writeln!(
        out,
        "{style}{} passed, {} failed{style:#}",
        summary.passed + summary.updated,
        summary.failed
    )
}

/// Removes ANSI styles, for files and JUnit reports.
pub fn plain(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

/// Formats a path as the user gave it, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    path.display().to_string()
}

/// Milliseconds below ten seconds, seconds above.
pub fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(10) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruletest::compare::{Difference, NearMatch};
    use std::path::PathBuf;

    fn render(outcome: &CaseOutcome) -> String {
        let mut out = Vec::new();
        write_case(&mut out, outcome).expect("writes to memory");
        plain(&String::from_utf8_lossy(&out))
    }

    fn row(cells: &[(&str, &str)]) -> RowText {
        RowText {
            position: None,
            cells: cells
                .iter()
                .map(|(column, value)| (column.to_string(), value.to_string()))
                .collect(),
        }
    }

    #[test]
    fn failure_lists_rows_and_differences() {
        let mismatch = Mismatch {
            problems: vec!["expected 1 row, got 2".to_string()],
            missing: vec![],
            unexpected: vec![row(&[("Device", "\"wks-0147\"")])],
            returned: vec![],
            near: vec![NearMatch {
                expected: row(&[("Device", "\"srv-web01\""), ("Port", "8443")]),
                differences: vec![Difference {
                    column: "Port".to_string(),
                    expected: "8443".to_string(),
                    actual: "443".to_string(),
                }],
            }],
        };
        let outcome = CaseOutcome {
            file: PathBuf::from("./rules/demo.test.toml"),
            name: "port is reported".to_string(),
            duration: Duration::from_millis(3),
            status: Status::Failed(mismatch),
            warnings: vec!["`ingestion_time()` returns null".to_string()],
        };
        let text = render(&outcome);
        let expected = "\
FAIL    rules/demo.test.toml › port is reported (3 ms)
    expected 1 row, got 2
    unexpected rows (returned, not expected):
      + {Device: \"wks-0147\"}
    near matches (expected row, then the cells the result has instead):
      ~ {Device: \"srv-web01\", Port: 8443}
          Port: expected 8443, got 443
    warning: `ingestion_time()` returns null
";
        assert_eq!(text, expected);
    }

    #[test]
    fn long_lists_are_cut() {
        let rows: Vec<RowText> = (0..25).map(|n| row(&[("n", &n.to_string())])).collect();
        let mut out = Vec::new();
        write_rows(&mut out, "missing:", "-", MISSING, &rows).expect("writes to memory");
        let text = plain(&String::from_utf8_lossy(&out));
        assert_eq!(text.lines().count(), 1 + MAX_ROWS_SHOWN + 1);
        assert!(text.ends_with("… and 5 more\n"), "{text}");
    }

    #[test]
    fn summary_counts_updates_as_passed() {
        let summary = Summary {
            passed: 2,
            failed: 1,
            updated: 1,
        };
        let mut out = Vec::new();
        write_summary(&mut out, &summary, Duration::from_millis(1500)).expect("writes");
        let text = plain(&String::from_utf8_lossy(&out));
        assert!(
            text.ends_with("finished in 1500 ms\n3 passed, 1 failed\n"),
            "{text}"
        );
        assert!(text.contains("updated 1 expected file;"), "{text}");
    }
}
