//! Loading the Sentinel watchlists named on the command line: `--watchlist ALIAS=PATH`,
//! `--watchlist-key ALIAS=COLUMN`, and the CSV files under `DIR/watchlists/` of each
//! `--data DIR`.

use std::collections::HashMap;
use std::path::PathBuf;

use kql::error::Error;
use kql::watchlist::{self, Watchlists};

use super::args::WatchlistArgs;

/// Loads every watchlist that the arguments and the `--data` folders name.
pub fn load(args: &WatchlistArgs, data_dirs: &[PathBuf]) -> Result<Watchlists, Error> {
    let keys = parse_keys(args)?;
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for dir in data_dirs {
        files.extend(watchlist::list_folder(dir)?);
    }
    let watchlists = load_files(args, files, &keys)?;
    check_keys_used(&keys, &watchlists)?;
    Ok(watchlists)
}

/// Loads the watchlists of the `--watchlist` options and of `files`, with their keys.
pub fn load_files(
    args: &WatchlistArgs,
    mut files: Vec<(String, PathBuf)>,
    keys: &HashMap<String, String>,
) -> Result<Watchlists, Error> {
    for argument in &args.watchlist {
        let (alias, path) =
            split_argument(argument, "--watchlist", "ALIAS=PATH", "VIPUsers=vip.csv")?;
        files.push((alias.to_string(), PathBuf::from(path)));
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
        let key = keys.get(alias.as_str()).map(String::as_str);
        let loaded = watchlist::load_csv(&alias, &path, key)?;
        log::debug!("loaded watchlist `{alias}` from {}", path.display());
        watchlists.insert(alias.clone(), loaded);
        sources.insert(alias, path);
    }
    Ok(watchlists)
}

/// Returns the SearchKey columns that `--watchlist-key` names, by alias.
pub fn parse_keys(args: &WatchlistArgs) -> Result<HashMap<String, String>, Error> {
    let mut keys = HashMap::new();
    for argument in &args.watchlist_key {
        let (alias, column) = split_argument(
            argument,
            "--watchlist-key",
            "ALIAS=COLUMN",
            "VIPUsers=UserPrincipalName",
        )?;
        if keys.insert(alias.to_string(), column.to_string()).is_some() {
            return Err(Error::usage(format!(
                "--watchlist-key names the SearchKey of watchlist `{alias}` twice; keep one"
            )));
        }
    }
    Ok(keys)
}

/// Rejects a `--watchlist-key` for an alias that nothing loaded.
fn check_keys_used(keys: &HashMap<String, String>, loaded: &Watchlists) -> Result<(), Error> {
    match keys.keys().find(|alias| !loaded.contains_key(*alias)) {
        Some(alias) => Err(Error::usage(format!(
            "--watchlist-key names watchlist `{alias}`, which no --watchlist option or \
             --data folder loads; add --watchlist {alias}=FILE.csv"
        ))),
        None => Ok(()),
    }
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
