//! Reading a JSON lines file as a sequence of typed tables, one per chunk of lines, for
//! queries that can run on part of a table at a time.

use std::collections::HashSet;
use std::path::Path;

use super::raw::{self, RawTable};
use super::{
    decompress, json, open_file, skip_byte_order_mark, typing, Format, LoadOptions, Loaded,
};

use super::typing::DeferredColumn;
use crate::error::Error;
use crate::schema::TableSchema;
use crate::table::{ColumnData, Field, Schema};

/// Reads the JSON lines file `path` as table `name` in chunks of whole lines. Each chunk
/// goes to `each` as a [`Batch`], in parallel, to be typed like a whole file would be.
/// The results go to `consume` in file order until the file ends or `consume` returns
/// `false`.
///
/// A chunk's column types can differ from another chunk's where the type depends on the
/// values (a catalog column whose Sentinel type is `dynamic` and that contains JSON
/// objects), and its warnings count only its own rows, so callers compare each chunk's
/// schema and check its warnings. Returns an error for a file that is not JSON lines
/// (`.jsonl` or `.ndjson`, optionally `.gz`).
pub fn for_each_batch<T: Send>(
    name: &str,
    path: &Path,
    options: &LoadOptions,
    each: impl Fn(Batch<'_>) -> Result<T, Error> + Sync,
    consume: impl FnMut(T) -> Result<bool, Error>,
) -> Result<(), Error> {
    let (file, format) = open_file(path)?;
    let origin = path.display().to_string();
    if format != Format::JsonLines {
        return Err(Error::data(format!(
            "{origin} is not a JSON lines file, so it cannot be read in batches"
        )));
    }
    const BUFFER_BYTES: usize = 64 * 1024;
    let reader = std::io::BufReader::with_capacity(BUFFER_BYTES, file);
    let mut reader = decompress(reader, &origin)?;
    skip_byte_order_mark(&mut reader, &origin)?;

    let (keep, schema) = raw::column_selection(options, name);
    let template = RawTable::keeping(keep);
    let type_chunk = |mut raw: RawTable, chunk: &[u8]| {
        raw.finish();
        each(Batch {
            name,
            raw,
            schema: schema.as_ref(),
            strict: options.strict,
            chunk,
        })
    };
    json::read_line_batches(reader, &origin, &template, type_chunk, consume)
}

/// One chunk of rows of a JSON lines file, read but not yet typed.
pub struct Batch<'a> {
    name: &'a str,
    raw: RawTable,
    schema: Option<&'a TableSchema>,
    strict: bool,
    /// The chunk's bytes, which the raw cells may point into.
    chunk: &'a [u8],
}

impl<'a> Batch<'a> {
    /// Types every column.
    pub fn load(self) -> Result<Loaded, Error> {
        typing::build_table(self.name, self.raw, self.schema, self.strict, self.chunk)
    }

    /// Types every column except the `string` and `dynamic` columns named in `deferred`,
    /// which hold row numbers until [`DeferredColumns::convert_rows`] converts the rows a
    /// caller keeps. The warnings are those of [`Batch::load`].
    pub fn load_deferring(
        self,
        deferred: &HashSet<String>,
    ) -> Result<(Loaded, DeferredColumns<'a>), Error> {
        let (loaded, columns) = typing::build_table_deferring(
            self.name,
            self.raw,
            self.schema,
            self.strict,
            self.chunk,
            deferred,
        )?;
        let deferred = DeferredColumns {
            columns,
            chunk: self.chunk,
        };
        Ok((loaded, deferred))
    }
}

/// The columns of a [`Batch`] whose conversion was put off.
pub struct DeferredColumns<'a> {
    columns: Vec<DeferredColumn>,
    chunk: &'a [u8],
}

impl DeferredColumns<'_> {
    /// True when no column was deferred.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Returns the table positions of the deferred columns, in table order.
    pub fn positions(&self) -> Vec<usize> {
        self.columns.iter().map(|column| column.position).collect()
    }

    /// Converts the cells of `rows`, in that order, and returns each deferred column's
    /// position and values. Each row may appear once.
    pub fn convert_rows(mut self, rows: &[usize]) -> Vec<(usize, ColumnData)> {
        let chunk = self.chunk;
        self.columns
            .iter_mut()
            .map(|column| (column.position, column.convert_rows(rows, chunk)))
            .collect()
    }
}

/// Returns the schema that loading table `name` with `options` gives when no value
/// decides a column's type: the catalog's columns that `options` keeps, in catalog order,
/// with the types of [`LoadOptions::product`] (Defender XDR's by default). `None` for a table that is not in the catalog or a
/// user schema, or that loads every column, because its columns depend on the file.
pub fn expected_schema(name: &str, options: &LoadOptions) -> Option<Schema> {
    options.columns.get(name)?;
    let (_, schema) = raw::column_selection(options, name);
    let fields = schema?
        .columns
        .iter()
        .map(|column| Field::new(column.name.clone(), column.ty))
        .collect();
    Some(Schema::new(fields))
}
