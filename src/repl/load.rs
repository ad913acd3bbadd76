//! `.load`: reading a file or a folder of files into the session, with a progress line
//! per table.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::data::{self, Loaded};
use crate::error::Error;

use super::{display::format_elapsed, plural, Repl};

impl Repl {
    /// Loads `path` as table `name` (default: the file name before its first `.`), or
    /// every data file in a folder, writing a progress line per table. Errors are
    /// written to `out` too, because a failed load must not end the session. Returns
    /// true when every table loaded.
    pub fn load(
        &mut self,
        path: &Path,
        name: Option<&str>,
        out: &mut dyn Write,
    ) -> io::Result<bool> {
        let groups = match load_groups(path, name) {
            Ok(groups) => groups,
            Err(error) => {
                write!(out, "{}", error.render("", ""))?;
                return Ok(false);
            }
        };
        let mut all_loaded = true;
        for (table_name, paths) in groups {
            let shown = path_list(&paths);
            write!(out, "loading {shown} as {table_name}… ")?;
            out.flush()?;
            let started = Instant::now();
            match data::load_files(&table_name, &paths, &self.load_options) {
                Ok(loaded) => self.add_loaded(&table_name, loaded, &shown, started, out)?,
                Err(error) => {
                    all_loaded = false;
                    writeln!(out, "failed")?;
                    write!(out, "{}", error.render("", ""))?;
                }
            }
        }
        self.refresh_names();
        Ok(all_loaded)
    }

    fn add_loaded(
        &mut self,
        name: &str,
        loaded: Loaded,
        source: &str,
        started: Instant,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let rows = loaded.table.row_count;
        let replaced = self.session.table(name).is_some();
        self.session.add_table(name, loaded.table, source);
        writeln!(
            out,
            "done: {rows} {} in {}{}",
            plural(rows, "row", "rows"),
            format_elapsed(started.elapsed()),
            if replaced {
                " (replaced the earlier table)"
            } else {
                ""
            }
        )?;
        for warning in &loaded.warnings {
            writeln!(out, "warning: {warning}")?;
        }
        Ok(())
    }
}

/// Returns the tables to load from `path`: one for a file, one per table name for a
/// folder (files such as `T.part1.csv` and `T.part2.csv` make one table).
fn load_groups(path: &Path, name: Option<&str>) -> Result<Vec<(String, Vec<PathBuf>)>, Error> {
    if path.is_dir() {
        if name.is_some() {
            return Err(Error::usage(format!(
                "{} is a folder; `as Name` works only with a single file",
                path.display()
            )));
        }
        let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
        for (table_name, file) in data::list_dir(path)? {
            match groups.last_mut() {
                Some((last, files)) if *last == table_name => files.push(file),
                _ => groups.push((table_name, vec![file])),
            }
        }
        if groups.is_empty() {
            return Err(Error::usage(format!(
                "no .json, .jsonl, .ndjson or .csv files in {}",
                path.display()
            )));
        }
        return Ok(groups);
    }

    let table_name = match name {
        Some(name) => name.to_string(),
        None => data::table_name_of(path).ok_or_else(|| {
            Error::usage(format!(
                "cannot name a table after {}; add `as Name`",
                path.display()
            ))
        })?,
    };
    if !super::command::is_plain_name(&table_name) {
        return Err(Error::usage(format!(
            "the file name gives the table name `{table_name}`, which a query cannot use unquoted; add `as Name`"
        )));
    }
    Ok(vec![(table_name, vec![path.to_path_buf()])])
}

fn path_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
