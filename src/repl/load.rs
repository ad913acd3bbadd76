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
    /// every data file and every watchlist (`watchlists/ALIAS.csv`) in a folder, as
    /// `kql run --data` does, writing a progress line per table. Errors are written to
    /// `out` too, because a failed load must not end the session. Returns true when
    /// every table loaded.
    pub fn load(
        &mut self,
        path: &Path,
        name: Option<&str>,
        out: &mut dyn Write,
    ) -> io::Result<bool> {
        let watchlists = match path.is_dir() && name.is_none() {
            true => crate::watchlist::list_folder(path),
            false => Ok(Vec::new()),
        };
        let groups = watchlists.and_then(|watchlists| {
            let groups = load_groups(path, name, !watchlists.is_empty())?;
            Ok((groups, watchlists))
        });
        let (groups, watchlists) = match groups {
            Ok(groups) => groups,
            Err(error) => {
                self.write_error(out, &error.render("", ""))?;
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
                    self.write_error(out, &error.render("", ""))?;
                }
            }
        }
        for (alias, file) in watchlists {
            all_loaded &= self.load_watchlist(&alias, &file, out)?;
        }
        self.refresh_names();
        Ok(all_loaded)
    }

    /// Loads one watchlist file, with a progress line. A file of several columns without
    /// a SearchKey loads with a warning, and `_GetWatchlist` on it fails as in `kql run`.
    fn load_watchlist(
        &mut self,
        alias: &str,
        file: &Path,
        out: &mut dyn Write,
    ) -> io::Result<bool> {
        write!(
            out,
            "loading {} as _GetWatchlist('{alias}')… ",
            file.display()
        )?;
        out.flush()?;
        let started = Instant::now();
        let key = self.watchlist_keys.get(alias).map(String::as_str);
        let watchlist = match crate::watchlist::load_csv(alias, file, key) {
            Ok(watchlist) => watchlist,
            Err(error) => {
                writeln!(out, "failed")?;
                self.write_error(out, &error.render("", ""))?;
                return Ok(false);
            }
        };
        let replaced = self.session.watchlists.contains_key(alias);
        let note = if replaced {
            " (replaced the earlier watchlist)"
        } else {
            ""
        };
        match &watchlist.table {
            Ok(table) => {
                let rows = table.row_count;
                let elapsed = format_elapsed(started.elapsed());
                let unit = plural(rows, "row", "rows");
                writeln!(out, "done: {rows} {unit} in {elapsed}{note}")?;
            }
            Err(error) => {
                writeln!(out, "done{note}")?;
                write_warning(error, out)?;
            }
        }
        self.session.watchlists.insert(alias.to_string(), watchlist);
        Ok(true)
    }

    /// Names the SearchKey column of watchlist `alias` for later `.load`s, and reloads the
    /// watchlist from its file if one is loaded. A column the file lacks is an error that
    /// leaves the watchlist and the earlier key as they were.
    pub fn set_watchlist_key(
        &mut self,
        alias: &str,
        column: &str,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let Some(loaded) = self.session.watchlists.get(alias) else {
            self.watchlist_keys
                .insert(alias.to_string(), column.to_string());
            return writeln!(
                out,
                "SearchKey of watchlist `{alias}` set to `{column}`; it applies when .load \
                 reads the watchlist"
            );
        };
        // NOTE: the file is read again from the path shown in `.tables`, which is the
        // path itself unless it is not valid UTF-8.
        let path = PathBuf::from(&loaded.source);
        let watchlist = match crate::watchlist::load_csv(alias, &path, Some(column)) {
            Ok(watchlist) => watchlist,
            Err(error) => return self.write_error(out, &error.render("", "")),
        };
        match &watchlist.table {
            Ok(table) => {
                let rows = table.row_count;
                let unit = plural(rows, "row", "rows");
                writeln!(
                    out,
                    "reloaded _GetWatchlist('{alias}') with SearchKey `{column}`: {rows} {unit}"
                )?;
            }
            Err(error) => return self.write_error(out, &error.render("", "")),
        }
        self.watchlist_keys
            .insert(alias.to_string(), column.to_string());
        self.session.watchlists.insert(alias.to_string(), watchlist);
        Ok(())
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
/// folder (files such as `T.part1.csv` and `T.part2.csv` make one table). A folder
/// without data files is an error unless it `has_watchlists`.
fn load_groups(
    path: &Path,
    name: Option<&str>,
    has_watchlists: bool,
) -> Result<Vec<(String, Vec<PathBuf>)>, Error> {
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
        if groups.is_empty() && !has_watchlists {
            return Err(Error::usage(format!(
                "no .json, .jsonl, .ndjson or .csv files, and no watchlists/ folder of .csv \
                 files, in {}",
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

/// Writes an error that does not stop a load as a warning, with the shell's hints.
fn write_warning(error: &Error, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "warning: {}", error.message)?;
    for hint in &super::with_repl_hints(error).hints {
        writeln!(out, "  = help: {hint}")?;
    }
    Ok(())
}

fn path_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
