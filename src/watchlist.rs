//! Local Microsoft Sentinel watchlists, which `_GetWatchlist('alias')` returns.
//!
//! In Sentinel a watchlist is created by uploading a CSV file with a header row and
//! choosing one of its columns as the SearchKey
//! (learn.microsoft.com/azure/sentinel/watchlists-create). The items are stored in the
//! `Watchlist` table, one row per item with the CSV row as the property bag
//! `WatchlistItem`. `_GetWatchlist` returns the items of one alias, with the bag's
//! properties extracted into their own columns and SearchKey as a column of its own
//! (learn.microsoft.com/azure/sentinel/watchlists-queries).
//!
//! A watchlist loaded here has the columns [`FIXED_COLUMNS`], then one `string` column per
//! CSV column, sorted by name. These are the columns that `evaluate bag_unpack` returns for
//! the item bags (learn.microsoft.com/kusto/query/bag-unpack-plugin, as
//! `eval::operators::bag_unpack` implements it). It sorts the new columns by name, and a
//! property whose values are all strings becomes a `string` column. An empty cell is an
//! empty string.
//!
//! NOTE: the Learn pages do not spell out `_GetWatchlist`'s body. That the extraction is
//! `bag_unpack`, that `WatchlistItem` stays in the result and that every item property
//! is text (so no CSV column is a number) are inferred, not documented.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use md5::{Digest, Md5};

use crate::error::{Error, Result};
use crate::table::{Field, Schema, Table};
use crate::value::{Type, Value, TICKS_PER_SECOND};

/// The columns every `_GetWatchlist` result starts with, before the CSV's columns, with
/// their types in the `Watchlist` table
/// (learn.microsoft.com/azure/azure-monitor/reference/tables/watchlist).
pub const FIXED_COLUMNS: [(&str, Type); 4] = [
    ("_DTItemId", Type::String),
    ("LastUpdatedTimeUTC", Type::DateTime),
    ("SearchKey", Type::String),
    ("WatchlistItem", Type::Dynamic),
];

/// The watchlists of a session by alias. Aliases match exactly, letter case included.
pub type Watchlists = HashMap<String, Watchlist>;

/// The folder under a data directory whose CSV files are watchlists.
pub const FOLDER: &str = "watchlists";

/// A watchlist read from a CSV file.
#[derive(Debug, Clone)]
pub struct Watchlist {
    /// The file's path, for listings.
    pub source: String,
    /// The `_GetWatchlist` result, or the error that a call raises. A file of several
    /// columns without a named SearchKey is an error only for a query that reads it, so
    /// that one such file under a data folder does not break unrelated queries.
    pub table: Result<Arc<Table>>,
}

/// Returns the schema of [`FIXED_COLUMNS`].
pub fn fixed_fields() -> Vec<Field> {
    FIXED_COLUMNS
        .iter()
        .map(|(name, ty)| Field::new(*name, *ty))
        .collect()
}

/// Lists the watchlist files of a data directory: each `.csv` file in `dir/watchlists/`.
/// The alias is the file name up to its first dot, as a table is named after its file,
/// so an alias with a dot needs `--watchlist ALIAS=PATH`. A missing folder lists nothing.
/// Two files that give one alias, such as `VIP.csv` and `VIP.part2.csv`, are an error,
/// because a watchlist is one uploaded file.
pub fn list_folder(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let folder = dir.join(FOLDER);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let read_error = |error: std::io::Error| {
        Error::data(format!(
            "failed to read directory {}: {error}",
            folder.display()
        ))
    };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let is_csv = path.extension().is_some_and(|extension| extension == "csv");
        match crate::data::table_name_of(&path) {
            Some(alias) if is_csv && path.is_file() => found.push((alias, path)),
            _ => log::debug!("skipping {}: not a .csv watchlist", path.display()),
        }
    }
    found.sort();
    for pair in found.windows(2) {
        if let [(alias, first), (next, second)] = pair {
            if alias == next {
                return Err(Error::usage(format!(
                    "watchlist `{alias}` is given twice, by {} and {}, but a watchlist is one \
                     file, named after its alias up to the first dot: keep one file per alias",
                    first.display(),
                    second.display()
                )));
            }
        }
    }
    Ok(found)
}

/// Reads the watchlist `alias` from the CSV file at `path`. `key` names the SearchKey
/// column. Without it, a file of one column uses that column, and a file of several
/// columns loads with an error in place of its table. An unreadable or malformed file is
/// an error here.
pub fn load_csv(alias: &str, path: &Path, key: Option<&str>) -> Result<Watchlist> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|error| Error::data(format!("failed to read watchlist file {origin}: {error}")))?;
    let updated = std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|since| {
            since.as_secs() as i64 * TICKS_PER_SECOND + i64::from(since.subsec_nanos() / 100)
        });
    let table = parse_csv(alias, &bytes, &origin, key, updated)?;
    Ok(Watchlist {
        source: origin,
        table: table.map(Arc::new),
    })
}

/// Builds the watchlist `alias` from CSV text. `updated` is the `LastUpdatedTimeUTC` of
/// every item, in ticks, or null when unknown. The outer error is a malformed file, the
/// inner one a SearchKey that `key` does not settle.
pub fn parse_csv(
    alias: &str,
    bytes: &[u8],
    origin: &str,
    key: Option<&str>,
    updated: Option<i64>,
) -> Result<Result<Table>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let line = line_at(bytes, error.valid_up_to());
        Error::data(format!(
            "{origin}:{line}: the watchlist file is not valid UTF-8, so save it as UTF-8"
        ))
    })?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = match records.next() {
        Some(record) => record.map_err(|error| csv_error(origin, bytes, &error))?,
        None => {
            return Err(Error::data(format!(
                "{origin}: the watchlist file is empty, but it needs a header row of column names"
            )))
        }
    };
    let names = header_names(&header, origin)?;
    // A named key that is not a column is an error here. A missing key is an error only
    // for a query that reads the watchlist.
    let key_index = match key {
        Some(_) => Ok(search_key_index(alias, &names, key, origin)?),
        None => search_key_index(alias, &names, key, origin),
    };

    let mut rows = Vec::new();
    let mut next_line = after_record(bytes, &header);
    for record in records {
        let record = record.map_err(|error| csv_error(origin, bytes, &error))?;
        let line = record
            .position()
            .map_or(0, |position| line_at(bytes, position.byte() as usize));
        if let (_, Some(blank)) = record_start(bytes, &record) {
            return Err(blank_line_error(origin, blank));
        }
        next_line = after_record(bytes, &record);
        if record.len() != names.len() {
            return Err(Error::data(format!(
                "{origin}:{line}: row has {} fields but the header has {}; quote fields that \
                 contain commas, quotes or line breaks, or fix the row",
                record.len(),
                names.len()
            )));
        }
        let cells: Vec<&str> = record.iter().collect();
        rows.push(
            cells
                .iter()
                .map(|cell| cell.to_string())
                .collect::<Vec<_>>(),
        );
    }
    if lines_in(text) >= next_line {
        return Err(blank_line_error(origin, next_line));
    }
    Ok(key_index.map(|index| build_table(alias, &names, index, rows, updated)))
}

/// Returns the line on which `record`'s text starts, and the line of a blank line before
/// it. The csv crate skips blank lines and puts the record's position at the first one it
/// skipped, or at the `\n` of the `\r\n` that ended the line before.
fn record_start(bytes: &[u8], record: &::csv::StringRecord) -> (u64, Option<u64>) {
    let mut position = record
        .position()
        .map_or(0, |position| position.byte() as usize);
    if position > 0 && bytes.get(position - 1..=position) == Some(b"\r\n") {
        position += 1;
    }
    let rest = bytes.get(position..).unwrap_or_default();
    let skipped = rest
        .iter()
        .take_while(|byte| matches!(byte, b'\r' | b'\n'))
        .count();
    let line_of = |offset: usize| {
        let before = bytes.get(..offset).unwrap_or_default();
        1 + memchr::memchr_iter(b'\n', before).count() as u64
    };
    let blank = (skipped > 0).then(|| line_of(position));
    (line_of(position + skipped), blank)
}

/// Returns the line after `record`, counting the line breaks inside its quoted fields.
fn after_record(bytes: &[u8], record: &::csv::StringRecord) -> u64 {
    let breaks: usize = record
        .iter()
        .map(|field| memchr::memchr_iter(b'\n', field.as_bytes()).count())
        .sum();
    record_start(bytes, record).0 + breaks as u64 + 1
}

/// Returns the number of lines of `text`, not counting the empty rest after a final
/// line break.
fn lines_in(text: &str) -> u64 {
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
    if text.ends_with('\n') {
        breaks
    } else {
        breaks + 1
    }
}

/// Returns the error for a blank line. In a file of one column it could be an item that
/// is an empty string or a stray line, so it must be written out either way.
fn blank_line_error(origin: &str, line: u64) -> Error {
    Error::data(format!(
        "{origin}:{line}: blank line in the watchlist file. Remove it, or write \"\" for \
         an item whose only cell is an empty string"
    ))
}

/// Checks the header's column names: none empty, none repeated, none named like a fixed
/// column.
fn header_names(header: &::csv::StringRecord, origin: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for (position, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(Error::data(format!(
                "{origin}:1: column {} of the watchlist header has no name, so name every column",
                position + 1
            )));
        }
        if names.iter().any(|known| known == name) {
            return Err(Error::data(format!(
                "{origin}:1: the watchlist header names the column `{name}` twice, but \
                 column names must be unique"
            )));
        }
        // `bag_unpack` fails on a property named like a column it keeps, by default.
        if FIXED_COLUMNS.iter().any(|(fixed, _)| *fixed == name) {
            return Err(Error::data(format!(
                "{origin}:1: the watchlist column `{name}` has the name of a column that \
                 _GetWatchlist adds itself, so rename it"
            )));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// Returns the position of the SearchKey column.
fn search_key_index(
    alias: &str,
    names: &[String],
    key: Option<&str>,
    origin: &str,
) -> Result<usize> {
    let listed = || {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match key {
        Some(key) => names.iter().position(|name| name == key).ok_or_else(|| {
            let error = Error::data(format!(
                "{origin}: the watchlist has no column `{key}` for its SearchKey. Its \
                 columns are {}",
                listed()
            ));
            match crate::error::closest(key, names.iter().map(String::as_str)) {
                Some(close) => error.with_hint(format!("did you mean `{close}`?")),
                None => error,
            }
        }),
        None if names.len() == 1 => Ok(0),
        None => Err(Error::usage(format!(
            "{origin}: the watchlist `{alias}` has {} columns ({}), so its SearchKey column \
             must be named",
            names.len(),
            listed()
        ))
        .with_hint(key_hint(alias))),
    }
}

/// The start of [`key_hint`], which [`alias_of_key_hint`] looks for.
const KEY_HINT_START: &str = "add --watchlist-key ";

/// Returns the hint of the error for a watchlist of several columns whose SearchKey
/// column is not named.
fn key_hint(alias: &str) -> String {
    format!(
        "{KEY_HINT_START}{alias}=COLUMN, or in a test file \
         `{alias} = {{ file = \"…\", key = \"COLUMN\" }}` under [watchlists]"
    )
}

/// Returns the alias that a hint from [`key_hint`] names, so that the shell can replace
/// the hint with its own command, or `None` for any other hint.
pub fn alias_of_key_hint(hint: &str) -> Option<&str> {
    let rest = hint.strip_prefix(KEY_HINT_START)?;
    let (alias, _) = rest.split_once("=COLUMN, or in a test file")?;
    Some(alias)
}

/// Builds the `_GetWatchlist` result: the fixed columns, then the CSV columns sorted by
/// name, one row per CSV row in file order.
fn build_table(
    alias: &str,
    names: &[String],
    key_index: usize,
    rows: Vec<Vec<String>>,
    updated: Option<i64>,
) -> Table {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));

    let mut fields = fixed_fields();
    fields.extend(
        order
            .iter()
            .map(|&index| Field::new(&names[index], Type::String)),
    );
    let schema = Schema::new(fields);

    let table_rows = rows
        .into_iter()
        .enumerate()
        .map(|(number, cells)| {
            let item: serde_json::Map<String, serde_json::Value> = names
                .iter()
                .zip(&cells)
                .map(|(name, cell)| (name.clone(), serde_json::Value::String(cell.clone())))
                .collect();
            let mut row = vec![
                Value::from(item_id(alias, number).as_str()),
                updated.map_or(Value::Null, Value::DateTime),
                Value::from(cells.get(key_index).map_or("", String::as_str)),
                Value::Dynamic(Arc::new(serde_json::Value::Object(item))),
            ];
            row.extend(
                order
                    .iter()
                    .map(|&index| Value::from(cells.get(index).map_or("", String::as_str))),
            );
            row
        })
        .collect();
    Table::from_rows(schema, table_rows)
}

/// Returns a GUID for item `number` of a watchlist. Sentinel gives each item its own
/// GUID. This one is derived from the alias and the row number, so repeated runs agree.
fn item_id(alias: &str, number: usize) -> String {
    let digest = Md5::digest(format!("{alias}\n{number}").as_bytes());
    let bits = digest
        .iter()
        .fold(0u128, |bits, byte| (bits << 8) | u128::from(*byte));
    crate::value::format_guid(bits)
}

/// Returns the 1-based line of byte `offset`. A record after a `\r\n` line end starts at
/// the `\n` in the csv crate's positions, so a line break at `offset` itself counts.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    let end = (offset + 1).min(bytes.len());
    1 + memchr::memchr_iter(b'\n', bytes.get(..end).unwrap_or_default()).count()
}

fn csv_error(origin: &str, bytes: &[u8], error: &::csv::Error) -> Error {
    match error.position() {
        Some(position) => Error::data(format!(
            "{origin}:{}: failed to read the watchlist file: {error}",
            line_at(bytes, position.byte() as usize)
        )),
        None => Error::data(format!("failed to read watchlist file {origin}: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parse(text: &str, key: Option<&str>) -> Result<Table> {
        parse_csv("Hosts", text.as_bytes(), "hosts.csv", key, Some(0))?
    }

    fn names(table: &Table) -> Vec<&str> {
        table.schema.names().collect()
    }

    // learn.microsoft.com/azure/sentinel/watchlists-queries: the items are extracted into
    // columns and SearchKey is its own column.
    #[test]
    fn columns_fixed_then_sorted() {
        let table = parse(
            "Name,IP Address,Tier\nweb01,10.0.0.1,1\n",
            Some("IP Address"),
        )
        .expect("parses");
        assert_eq!(
            names(&table),
            [
                "_DTItemId",
                "LastUpdatedTimeUTC",
                "SearchKey",
                "WatchlistItem",
                "IP Address",
                "Name",
                "Tier"
            ]
        );
        assert_eq!(table.row(0)[2], Value::from("10.0.0.1"));
        assert_eq!(table.row(0)[6], Value::from("1"));
        assert!(table
            .schema
            .fields
            .iter()
            .skip(4)
            .all(|field| field.ty == Type::String));
    }

    #[test]
    fn item_bag_contains_cell_texts() {
        let table = parse("Name,Port\nweb01,443\n", Some("Name")).expect("parses");
        let Value::Dynamic(item) = &table.row(0)[3] else {
            panic!("WatchlistItem is not dynamic");
        };
        assert_eq!(item.to_string(), r#"{"Name":"web01","Port":"443"}"#);
    }

    #[test]
    fn empty_cell_is_empty_string() {
        let table = parse("Name,Owner\nweb01,\n", Some("Name")).expect("parses");
        assert_eq!(table.row(0)[5], Value::from(""));
    }

    #[test]
    fn one_column_is_default_key() {
        let table = parse("\u{feff}Address\n10.0.0.1\n10.0.0.2\n", None).expect("parses");
        assert_eq!(table.row_count, 2);
        assert_eq!(table.row(1)[2], Value::from("10.0.0.2"));
    }

    // A blank line is neither dropped nor guessed to be an empty item, but `""` is one.
    #[test]
    fn blank_line_names_line() {
        for (text, line) in [
            ("Address\n10.0.0.1\n\n10.0.0.2\n", 3),
            ("Address\r\n\r\n10.0.0.1\r\n", 2),
            ("Address\n10.0.0.1\n\n", 3),
            ("Name,Note\nweb01,\"two\nlines\"\n\nweb02,x\n", 4),
        ] {
            let error = parse(
                text,
                Some(if text.starts_with("Name") {
                    "Name"
                } else {
                    "Address"
                }),
            )
            .expect_err("blank line rejected");
            assert!(
                error
                    .message
                    .starts_with(&format!("hosts.csv:{line}: blank line")),
                "{text:?}: {}",
                error.message
            );
        }
        let table = parse("Address\n10.0.0.1\n\"\"\n", None).expect("parses");
        assert_eq!(table.row_count, 2);
        assert_eq!(table.row(1)[2], Value::from(""));
        let table = parse("Name,Note\nweb01,\"two\n\nlines\"\nweb02,x", Some("Name"))
            .expect("a blank line inside quotes is text");
        assert_eq!(table.row_count, 2);
    }

    #[test]
    fn several_columns_need_key() {
        let error = parse("Name,Address\nweb01,10.0.0.1\n", None).expect_err("rejected");
        assert_eq!(error.kind, ErrorKind::Usage);
        assert!(error.message.contains("must be named"), "{}", error.message);
        assert!(error.hints[0].contains("--watchlist-key Hosts=COLUMN"));
        assert_eq!(alias_of_key_hint(&error.hints[0]), Some("Hosts"));
        assert_eq!(alias_of_key_hint("add --watchlist FILE"), None);
    }

    #[test]
    fn unknown_key_suggests_column() {
        let error = parse("Name,Address\nweb01,10.0.0.1\n", Some("Adress")).expect_err("rejected");
        assert!(
            error.message.contains("no column `Adress`"),
            "{}",
            error.message
        );
        assert_eq!(error.hints, ["did you mean `Address`?"]);
    }

    #[test]
    fn short_row_names_line() {
        let error =
            parse("Name,Address\r\nweb01,10.0.0.1\r\nweb02\r\n", Some("Name")).expect_err("bad");
        assert!(
            error.message.starts_with("hosts.csv:3: row has 1 fields"),
            "{}",
            error.message
        );
    }

    #[test]
    fn bad_headers_rejected() {
        let error = parse("Name,,Tier\n", Some("Name")).expect_err("empty name");
        assert!(error.message.contains("column 2"), "{}", error.message);
        let error = parse("Name,Name\n", Some("Name")).expect_err("repeated");
        assert!(error.message.contains("twice"), "{}", error.message);
        let error = parse("Name,SearchKey\n", Some("Name")).expect_err("fixed name");
        assert!(error.message.contains("`SearchKey`"), "{}", error.message);
        let error = parse("", None).expect_err("empty file");
        assert!(error.message.contains("empty"), "{}", error.message);
    }

    #[test]
    fn missing_key_only_fails_call() {
        let parsed = parse_csv(
            "Hosts",
            b"Name,Address\nweb01,10.0.0.1\n",
            "h.csv",
            None,
            None,
        );
        let inner = parsed.expect("the file itself is valid");
        assert_eq!(inner.expect_err("no key").kind, ErrorKind::Usage);
        // A malformed file stays an error of the file.
        let parsed = parse_csv("Hosts", b"Name,Address\nweb01\n", "h.csv", None, None);
        assert!(parsed.is_err());
    }

    #[test]
    fn folder_aliases_end_at_first_dot() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let folder = dir.path().join(FOLDER);
        std::fs::create_dir(&folder).expect("create folder");
        std::fs::write(folder.join("VIP.2025.csv"), "Name\n").expect("write");
        std::fs::write(folder.join("blocked-ips.csv"), "Address\n").expect("write");
        std::fs::write(folder.join("notes.txt"), "").expect("write");
        let aliases: Vec<String> = list_folder(dir.path())
            .expect("lists")
            .into_iter()
            .map(|(alias, _)| alias)
            .collect();
        assert_eq!(aliases, ["VIP", "blocked-ips"]);
        std::fs::write(folder.join("VIP.csv"), "Name\n").expect("write");
        let error = list_folder(dir.path()).expect_err("two files for one alias");
        assert!(
            error.message.contains("`VIP` is given twice"),
            "{}",
            error.message
        );
    }

    #[test]
    fn item_ids_differ_per_row() {
        let table = parse("Name\na\nb\n", None).expect("parses");
        assert_ne!(table.row(0)[0], table.row(1)[0]);
        assert_eq!(item_id("Hosts", 0).len(), 36);
    }
}
