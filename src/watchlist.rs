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
//! CSV column, sorted by name, as `evaluate bag_unpack` over the item bags gives them
//! (learn.microsoft.com/kusto/query/bag-unpack-plugin, as `eval::operators::bag_unpack`
//! implements it): the new columns come sorted by name, and a property whose values are
//! all strings becomes a `string` column. An empty cell is an empty string.
//!
//! NOTE: the Learn pages do not spell out `_GetWatchlist`'s body. That the extraction is
//! `bag_unpack`, that `WatchlistItem` stays in the result and that every item property
//! is text (so no CSV column is a number) are inferred, not documented.

use std::collections::HashMap;
use std::path::Path;
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
pub type Watchlists = HashMap<String, Arc<Table>>;

/// Returns the schema of [`FIXED_COLUMNS`].
pub fn fixed_fields() -> Vec<Field> {
    FIXED_COLUMNS
        .iter()
        .map(|(name, ty)| Field::new(*name, *ty))
        .collect()
}

/// Reads the watchlist `alias` from the CSV file at `path`. `key` names the SearchKey
/// column; without it the file must have exactly one column, which becomes the key.
pub fn load_csv(alias: &str, path: &Path, key: Option<&str>) -> Result<Table> {
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
    parse_csv(alias, &bytes, &origin, key, updated)
}

/// Builds the watchlist `alias` from CSV text. `updated` is the `LastUpdatedTimeUTC` of
/// every item, in ticks, or null when unknown.
pub fn parse_csv(
    alias: &str,
    bytes: &[u8],
    origin: &str,
    key: Option<&str>,
    updated: Option<i64>,
) -> Result<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let line = line_at(bytes, error.valid_up_to());
        Error::data(format!(
            "{origin}:{line}: the watchlist file is not valid UTF-8; save it as UTF-8"
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
                "{origin}: the watchlist file is empty; it needs a header row of column names"
            )))
        }
    };
    let names = header_names(&header, origin)?;
    let key_index = search_key_index(alias, &names, key, origin)?;

    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|error| csv_error(origin, bytes, &error))?;
        let line = record
            .position()
            .map_or(0, |position| line_at(bytes, position.byte() as usize));
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
    Ok(build_table(alias, &names, key_index, rows, updated))
}

/// Checks the header's column names: none empty, none repeated, none named like a fixed
/// column.
fn header_names(header: &::csv::StringRecord, origin: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for (position, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(Error::data(format!(
                "{origin}:1: column {} of the watchlist header has no name; name every column",
                position + 1
            )));
        }
        if names.iter().any(|known| known == name) {
            return Err(Error::data(format!(
                "{origin}:1: the watchlist header names the column `{name}` twice; \
                 column names must be unique"
            )));
        }
        // `bag_unpack` fails on a property named like a column it keeps, by default.
        if FIXED_COLUMNS.iter().any(|(fixed, _)| *fixed == name) {
            return Err(Error::data(format!(
                "{origin}:1: the watchlist column `{name}` has the name of a column that \
                 _GetWatchlist adds itself; rename it"
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
                "{origin}: the watchlist has no column `{key}` for its SearchKey; its \
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
        .with_hint(format!(
            "add --watchlist-key {alias}=COLUMN, or in a test file \
             `{alias} = {{ file = \"…\", key = \"COLUMN\" }}` under [watchlists]"
        ))),
    }
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
/// GUID; this one is derived from the alias and the row number, so repeated runs agree.
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
        parse_csv("Hosts", text.as_bytes(), "hosts.csv", key, Some(0))
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
    fn item_bag_holds_cell_texts() {
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

    #[test]
    fn several_columns_need_key() {
        let error = parse("Name,Address\nweb01,10.0.0.1\n", None).expect_err("rejected");
        assert_eq!(error.kind, ErrorKind::Usage);
        assert!(error.message.contains("must be named"), "{}", error.message);
        assert!(error.hints[0].contains("--watchlist-key Hosts=COLUMN"));
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
    fn item_ids_differ_per_row() {
        let table = parse("Name\na\nb\n", None).expect("parses");
        assert_ne!(table.row(0)[0], table.row(1)[0]);
        assert_eq!(item_id("Hosts", 0).len(), 36);
    }
}
