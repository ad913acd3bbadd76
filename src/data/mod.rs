//! Loading exported files into [`Table`]s.
//!
//! Supported inputs are JSON and CSV, each optionally gzip-compressed. JSON is an array of
//! row objects or one object per line, as the Defender XDR and Log Analytics APIs export
//! it. CSV has a header row, as the Advanced Hunting and Azure portals export it.
//!
//! Loading runs in two steps. A reader (`json`, `csv`) collects cells without types,
//! streaming the input, then `typing` gives each column a type: the catalog type for
//! tables the catalog or a user schema describes, an inferred one otherwise (see
//! `infer`). No row is ever dropped. A value that does not convert becomes null and is
//! reported as a [`Warning`], or as an error with [`LoadOptions::strict`].
//!
//! Memory use is roughly the raw cells plus the typed columns, because every value of a
//! column must be seen before its type is known.

mod api;
mod batches;
mod csv;
pub mod external;
mod infer;
mod json;
pub mod mapping;
mod raw;
mod split;
mod typing;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use log::debug;

use crate::error::Error;
use crate::schema::{self, Product, TableSchema};
use crate::table::Table;
use raw::RawTable;

pub use batches::{expected_schema, for_each_batch, Batch, DeferredColumns};
pub use raw::MAX_COLUMNS;
pub(crate) use typing::{NOT_STRICT_HINT, NO_COLUMNS_ADVICE};

/// The layout of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`: an array of row objects, one object per line, or a sequence of objects.
    Json,
    /// `.jsonl` and `.ndjson`: exactly one row object per non-blank line.
    JsonLines,
    /// `.csv`: a header row and one record per row.
    Csv,
}

impl Format {
    /// Returns the format for a file name from its extension, ignoring a final `.gz` and
    /// letter case, or `None` for other extensions.
    pub fn from_path(path: &Path) -> Option<Format> {
        let file_name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = file_name.strip_suffix(".gz").unwrap_or(&file_name);
        let (_, extension) = name.rsplit_once('.')?;
        match extension {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Returns the table name for a file: its name before the first `.`
/// (`DeviceEvents.part1.csv.gz` gives `DeviceEvents`).
pub fn table_name_of(path: &Path) -> Option<String> {
    let file_name = path.file_name()?.to_str()?;
    let stem = file_name.split('.').next().unwrap_or(file_name);
    (!stem.is_empty()).then(|| stem.to_string())
}

/// Settings for loading files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Rejects a value that does not convert to its column's type, instead of setting it
    /// to null with a warning.
    pub strict: bool,
    /// Table schemas from a user's `--schema` file. They take precedence over built-in
    /// tables of the same name.
    pub schemas: Vec<TableSchema>,
    /// The columns to load, by table name, such as `binder::columns::used_columns` returns
    /// for a query. Readers skip the values of other columns without storing them. A table
    /// that is not in the map loads every column.
    pub columns: HashMap<String, BTreeSet<String>>,
    /// The product whose types catalog columns get, for the columns that Defender XDR and
    /// Sentinel type differently (`AdditionalFields` is `string` in XDR and `dynamic` in
    /// Sentinel). `None` gives the XDR type unless the file decides: a declared type, or
    /// JSON objects in a column that Sentinel types `dynamic`.
    pub product: Option<Product>,
}

impl LoadOptions {
    /// Returns the schema for a table: a user schema first, then the built-in catalog, then
    /// the documented columns of a table that replaces a Defender XDR function
    /// (`FileProfile`). A table named `resources` gets the catalog's `Resources` schema,
    /// because Learn spells the Azure Resource Graph tables both ways (see [`schema::arg`]).
    pub fn schema_for(&self, name: &str) -> Option<&TableSchema> {
        self.schemas
            .iter()
            .find(|table| table.name == name)
            .or_else(|| schema::builtin(name))
            .or_else(|| schema::arg::canonical_name(name).and_then(schema::builtin))
            .or_else(|| crate::binder::defender::enrichment_table(name))
    }

    /// Returns the type a catalog column gets when no value in the file decides it: the
    /// Sentinel type with `product` Sentinel, the XDR type otherwise.
    pub fn column_type(&self, column: &schema::ColumnSchema) -> crate::value::Type {
        match self.product {
            Some(Product::Sentinel) => column.sentinel_type(),
            Some(Product::Xdr) | None => column.ty,
        }
    }
}

/// A problem in the data that loading worked around, one per column with conversion
/// failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A loaded table and the warnings from loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub warnings: Vec<Warning>,
}

/// Loads one file as the table `name`. The format comes from the extension (`.json`,
/// `.jsonl`, `.ndjson`, `.csv`, each optionally followed by `.gz`).
pub fn load_file(name: &str, path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    load_files(name, &[path.to_path_buf()], options)
}

/// Loads several files as one table `name`, their rows in the order given. Columns are
/// matched by name, and a column that only some files have is absent in the others.
pub fn load_files(name: &str, paths: &[PathBuf], options: &LoadOptions) -> Result<Loaded, Error> {
    if paths.is_empty() {
        return Err(Error::data(format!(
            "no input files given for table `{name}`"
        )));
    }
    let (keep, schema) = raw::column_selection(options, name);
    let mut raw = RawTable::keeping(keep);
    let mut warnings = Vec::new();
    for path in paths {
        let (file, format) = open_file(path)?;
        read_input(
            &mut raw,
            &path.display().to_string(),
            format,
            file,
            &mut warnings,
        )?;
    }
    finish_table(name, raw, warnings, schema.as_ref(), options)
}

/// Loads input from a reader, such as standard input, as the table `name`. `origin`
/// names the input in messages. Gzip-compressed input is detected and decompressed.
pub fn load_reader(
    name: &str,
    origin: &str,
    format: Format,
    reader: impl Read,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    let (keep, schema) = raw::column_selection(options, name);
    let mut raw = RawTable::keeping(keep);
    let mut warnings = Vec::new();
    read_input(&mut raw, origin, format, reader, &mut warnings)?;
    finish_table(name, raw, warnings, schema.as_ref(), options)
}

/// Types the columns of a table whose inputs are all read: drops notes such as ` [UTC]`
/// from column names, merges columns split by type (see `split`), then converts every
/// column. `warnings` come from reading.
/// `schema` is the table's schema narrowed to the columns being loaded.
fn finish_table(
    name: &str,
    mut raw: RawTable,
    mut warnings: Vec<Warning>,
    schema: Option<&TableSchema>,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    raw.finish();
    raw.strip_name_notes();
    warnings.extend(split::merge_split_columns(name, &mut raw, schema));
    let mut loaded = typing::build_table(name, raw, schema, options.strict, &[])?;
    warnings.append(&mut loaded.warnings);
    loaded.warnings = warnings;
    Ok(loaded)
}

/// Lists the data files in `dir` (not its subdirectories) as `(table name, path)` pairs,
/// sorted by table name, then path. Data files are those [`Format::from_path`] accepts.
/// Hidden files and other files are skipped. Several files may give the same table
/// name, such as `DeviceEvents.1.csv` and `DeviceEvents.2.csv`.
pub fn list_dir(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let path_text = dir.display();
    let metadata = std::fs::metadata(dir).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => Error::data(format!("directory not found: {path_text}")),
        _ => Error::data(format!("failed to read directory {path_text}: {error}")),
    })?;
    if !metadata.is_dir() {
        return Err(Error::data(format!(
            "{path_text} is a file, not a directory"
        )));
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|error| Error::data(format!("failed to read directory {path_text}: {error}")))?;

    let mut tables = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            Error::data(format!("failed to read directory {path_text}: {error}"))
        })?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let is_file = std::fs::metadata(&path).is_ok_and(|metadata| metadata.is_file());
        if hidden || !is_file || Format::from_path(&path).is_none() {
            debug!("skipping {}: not a data file", path.display());
            continue;
        }
        if let Some(name) = table_name_of(&path) {
            tables.push((name, path));
        }
    }
    tables.sort();
    Ok(tables)
}

/// Loads every data file in `dir` (see [`list_dir`]), one table per table name, in name
/// order. Files that give the same table name are loaded together with [`load_files`].
pub fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Vec<(String, Loaded)>, Error> {
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for (name, path) in list_dir(dir)? {
        match groups.last_mut() {
            Some((last_name, paths)) if *last_name == name => paths.push(path),
            _ => groups.push((name, vec![path])),
        }
    }
    groups
        .into_iter()
        .map(|(name, paths)| {
            let loaded = load_files(&name, &paths, options)?;
            Ok((name, loaded))
        })
        .collect()
}

/// Opens a data file after checking that it exists, is a file and has a known extension.
fn open_file(path: &Path) -> Result<(File, Format), Error> {
    let path_text = path.display();
    let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => Error::data(format!("file not found: {path_text}")),
        _ => Error::data(format!("failed to open {path_text}: {error}")),
    })?;
    if metadata.is_dir() {
        return Err(Error::data(format!(
            "{path_text} is a directory, not a file; pass one file per table, or load the whole \
             directory"
        )));
    }
    let Some(format) = Format::from_path(path) else {
        return Err(Error::data(format!(
            "unsupported file extension: {path_text}; rename the file to end in .json, .jsonl, \
             .ndjson or .csv, optionally followed by .gz"
        )));
    };
    let file = File::open(path)
        .map_err(|error| Error::data(format!("failed to open {path_text}: {error}")))?;
    Ok((file, format))
}

/// Reads one input into `raw`: decompresses gzip, drops a UTF-8 byte order mark, then
/// runs the reader for `format`. A `.json` input that starts like a query API response
/// is read as one (see `api`).
fn read_input(
    raw: &mut RawTable,
    origin: &str,
    format: Format,
    reader: impl Read,
    warnings: &mut Vec<Warning>,
) -> Result<(), Error> {
    const BUFFER_BYTES: usize = 64 * 1024;
    let reader = BufReader::with_capacity(BUFFER_BYTES, reader);
    let mut reader = decompress(reader, origin)?;
    skip_byte_order_mark(&mut reader, origin)?;
    match format {
        Format::Csv => csv::read_csv(reader, origin, raw)?,
        Format::Json => {
            // NOTE: only the bytes of the first read are inspected. A reader that returns
            // fewer bytes than the first key needs makes a response load as one row.
            let start = reader
                .fill_buf()
                .map_err(|error| read_error(origin, &error))?;
            if api::looks_like_response(start) {
                if let Some(bytes) = api::read_response(reader, origin, raw, warnings)? {
                    json::read_json(Cursor::new(bytes), origin, false, raw)?;
                }
            } else {
                json::read_json(reader, origin, false, raw)?;
            }
        }
        Format::JsonLines => json::read_json(reader, origin, true, raw)?,
    }
    raw.check_limits()
}

/// Wraps the reader in a gzip decoder if the input starts with the gzip magic bytes, and
/// rejects input named `.gz` that does not.
/// `MultiGzDecoder` also reads files made by concatenating gzip files.
fn decompress<'a>(
    mut reader: impl BufRead + 'a,
    origin: &str,
) -> Result<Box<dyn BufRead + 'a>, Error> {
    const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
    let start = reader
        .fill_buf()
        .map_err(|error| read_error(origin, &error))?;
    if start.starts_with(&GZIP_MAGIC) {
        debug!("{origin}: gzip-compressed");
        Ok(Box::new(BufReader::new(MultiGzDecoder::new(reader))))
    } else if origin.to_ascii_lowercase().ends_with(".gz") && !start.is_empty() {
        Err(Error::data(format!(
            "{origin}: the name ends in .gz, but the file is not gzip-compressed; \
             compress it with gzip, or rename it without .gz"
        )))
    } else {
        Ok(Box::new(reader))
    }
}

fn skip_byte_order_mark(reader: &mut dyn BufRead, origin: &str) -> Result<(), Error> {
    const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
    let start = reader
        .fill_buf()
        .map_err(|error| read_error(origin, &error))?;
    if start.starts_with(&UTF8_BOM) {
        reader.consume(UTF8_BOM.len());
    } else if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
        return Err(Error::data(format!(
            "{origin} is UTF-16 encoded; convert it to UTF-8 first, for example with \
             `iconv -f UTF-16 -t UTF-8`"
        )));
    }
    Ok(())
}

fn read_error(origin: &str, error: &std::io::Error) -> Error {
    Error::data(format!("failed to read {origin}: {error}"))
}

#[cfg(test)]
mod tests;
