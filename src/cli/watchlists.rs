//! Loading the Sentinel watchlists named on the command line: `--watchlist ALIAS=PATH`,
//! `--watchlist-key ALIAS=COLUMN`, and the CSV files under `DIR/watchlists/` of each
//! `--data DIR`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kql::error::Error;
use kql::watchlist::{self, Watchlists};

use super::args::WatchlistArgs;

/// The folder under a `--data` directory whose CSV files are watchlists.
const WATCHLIST_FOLDER: &str = "watchlists";

/// Loads every watchlist that the arguments and the `--data` folders name.
pub fn load(args: &WatchlistArgs, data_dirs: &[PathBuf]) -> Result<Watchlists, Error> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for dir in data_dirs {
        files.extend(list_folder(&dir.join(WATCHLIST_FOLDER))?);
    }
    for argument in &args.watchlist {
        let (alias, path) =
            split_argument(argument, "--watchlist", "ALIAS=PATH", "VIPUsers=vip.csv")?;
        files.push((alias.to_string(), PathBuf::from(path)));
    }
    let mut keys: HashMap<&str, &str> = HashMap::new();
    for argument in &args.watchlist_key {
        let (alias, column) = split_argument(
            argument,
            "--watchlist-key",
            "ALIAS=COLUMN",
            "VIPUsers=UserPrincipalName",
        )?;
        if keys.insert(alias, column).is_some() {
            return Err(Error::usage(format!(
                "--watchlist-key names the SearchKey of watchlist `{alias}` twice; keep one"
            )));
        }
    }

    let mut sources: HashMap<String, PathBuf> = HashMap::new();
    let mut watchlists = Watchlists::new();
    for (alias, path) in files {
        if let Some(earlier) = sources.get(&alias) {
            return Err(Error::usage(format!(
                "watchlist `{alias}` is given twice, by {} and {}; keep one file per alias",
                earlier.display(),
                path.display()
            )));
        }
        let key = keys.get(alias.as_str()).copied();
        let table = watchlist::load_csv(&alias, &path, key)?;
        log::debug!("loaded watchlist `{alias}` from {}", path.display());
        watchlists.insert(alias.clone(), Arc::new(table));
        sources.insert(alias, path);
    }
    if let Some(alias) = keys.keys().find(|alias| !watchlists.contains_key(**alias)) {
        return Err(Error::usage(format!(
            "--watchlist-key names watchlist `{alias}`, which no --watchlist option or \
             --data folder loads; add --watchlist {alias}=FILE.csv"
        )));
    }
    Ok(watchlists)
}

/// Lists `folder/*.csv` as (alias, path) pairs, the alias being the file name without
/// `.csv`. A missing folder lists nothing.
fn list_folder(folder: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(folder).map_err(|error| {
        Error::data(format!(
            "failed to read directory {}: {error}",
            folder.display()
        ))
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            Error::data(format!(
                "failed to read directory {}: {error}",
                folder.display()
            ))
        })?;
        let name = entry.file_name().to_string_lossy().to_string();
        match name.strip_suffix(".csv") {
            Some(alias) if !alias.is_empty() && !name.starts_with('.') => {
                found.push((alias.to_string(), entry.path()));
            }
            _ => log::debug!("skipping {}: not a .csv watchlist", entry.path().display()),
        }
    }
    found.sort();
    Ok(found)
}

/// Splits `ALIAS=VALUE` at the first `=`, so that the value may contain `=`.
fn split_argument<'a>(
    argument: &'a str,
    option: &str,
    form: &str,
    example: &str,
) -> Result<(&'a str, &'a str), Error> {
    match argument.split_once('=') {
        Some((alias, value)) if !alias.trim().is_empty() && !value.is_empty() => {
            Ok((alias.trim(), value))
        }
        _ => Err(Error::usage(format!(
            "invalid {option} value `{argument}`; expected {form}, such as {example}"
        ))),
    }
}
