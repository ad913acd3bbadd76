//! Reading a local file for `externaldata`, with the schema the query declares
//! (learn.microsoft.com/kusto/query/externaldata-operator).
//!
//! The formats follow Kusto's ingestion formats. `csv` and `tsv` records have no header
//! and fill the declared columns by position. `txt` puts each line in the first column.
//! `json` and `multijson` fill columns by property name, or through an ingestion mapping
//! ([`super::mapping`]) when the query gives one. `ignoreFirstRecord` skips the
//! first record of each file. Values convert to the declared types by the same rules as
//! loaded tables, and a value that does not convert becomes null with a warning.

use std::io::{BufRead, Read};
use std::path::Path;

use ::csv::{ByteRecord, ReaderBuilder};

use serde_json::value::RawValue;

use super::mapping::JsonMapping;
use super::raw::{RawCell, RawTable};
use super::{decompress, read_error, skip_byte_order_mark, typing, Loaded};
use crate::error::Error;
use crate::schema::{Availability, ColumnSchema, TableSchema};
use crate::table::{Schema, Table};

/// The layout of an `externaldata` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalFormat {
    Csv,
    Tsv,
    Txt,
    /// `json` and `multijson`: JSON objects, one per line or spread over lines, or an
    /// array of them.
    Json,
}

impl ExternalFormat {
    /// Parses a `format=` value; `None` for formats this reader lacks.
    pub fn from_name(name: &str) -> Option<ExternalFormat> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(ExternalFormat::Csv),
            "tsv" | "tsve" => Some(ExternalFormat::Tsv),
            "txt" => Some(ExternalFormat::Txt),
            "json" | "multijson" => Some(ExternalFormat::Json),
            _ => None,
        }
    }

    /// Chooses the format from the file extension, ignoring `.gz`, and CSV otherwise, as
    /// Kusto does when `format` is not given.
    pub fn from_path(path: &str) -> ExternalFormat {
        let lowered = path.to_ascii_lowercase();
        let name = lowered.strip_suffix(".gz").unwrap_or(&lowered);
        let extension = name.rsplit_once('.').map_or("", |(_, extension)| extension);
        match extension {
            "tsv" => ExternalFormat::Tsv,
            "txt" => ExternalFormat::Txt,
            "json" | "jsonl" | "ndjson" | "multijson" => ExternalFormat::Json,
            _ => ExternalFormat::Csv,
        }
    }
}

/// Reads `paths` in order as one table with exactly the columns of `schema`. With a
/// `mapping`, each JSON record fills the columns through it instead of by name.
pub fn load_external(
    paths: &[&Path],
    format: ExternalFormat,
    schema: &Schema,
    ignore_first_record: bool,
    mapping: Option<&JsonMapping>,
) -> Result<Loaded, Error> {
    if mapping.is_some() && format != ExternalFormat::Json {
        return Err(Error::new(
            crate::error::ErrorKind::Unsupported,
            "an ingestion mapping for a format other than json or multijson is not supported \
             yet",
        ));
    }
    let mut raw = RawTable::default();
    // Registering every declared column first keeps the declared order, and makes the
    // reader fill columns by name (JSON) or position (CSV) into these same columns.
    let columns: Vec<usize> = schema
        .fields
        .iter()
        .map(|field| raw.column_index(&field.name))
        .collect();
    // For JSON, the first row of each file that `ignoreFirstRecord` drops after typing.
    let mut skipped_rows = Vec::new();
    for path in paths {
        let origin = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                Error::data(format!("externaldata file not found: {origin}"))
            }
            _ => Error::data(format!(
                "failed to open externaldata file {origin}: {error}"
            )),
        })?;
        let reader = std::io::BufReader::new(file);
        let mut reader = decompress(reader, &origin)?;
        skip_byte_order_mark(&mut reader, &origin)?;
        match format {
            ExternalFormat::Csv => read_delimited(
                reader,
                &origin,
                b',',
                ignore_first_record,
                &columns,
                &mut raw,
            )?,
            ExternalFormat::Tsv => read_delimited(
                reader,
                &origin,
                b'\t',
                ignore_first_record,
                &columns,
                &mut raw,
            )?,
            ExternalFormat::Txt => {
                read_lines(reader, &origin, ignore_first_record, &columns, &mut raw)?
            }
            ExternalFormat::Json if mapping.is_some() => {
                if let Some(mapping) = mapping {
                    read_mapped_json(
                        reader,
                        &origin,
                        mapping,
                        ignore_first_record,
                        &columns,
                        &mut raw,
                    )?;
                }
            }
            ExternalFormat::Json => {
                let rows_before = raw.rows.len();
                super::json::read_json(reader, &origin, false, &mut raw)?;
                if ignore_first_record && raw.rows.len() > rows_before {
                    skipped_rows.push(rows_before);
                }
            }
        }
    }
    raw.finish();

    let table_schema = TableSchema {
        name: "externaldata".to_string(),
        columns: schema
            .fields
            .iter()
            .map(|field| ColumnSchema {
                name: field.name.clone(),
                ty: field.ty,
                availability: Availability::XdrAndSentinel,
                sentinel_ty: None,
            })
            .collect(),
    };
    let loaded = typing::build_table("externaldata", raw, Some(&table_schema), false, &[])?;
    // JSON objects may have properties that the query does not declare; drop them.
    let declared = schema.fields.len();
    let mut table = Table::new(
        schema.clone(),
        loaded.table.columns.into_iter().take(declared).collect(),
        loaded.table.row_count,
    );
    if !skipped_rows.is_empty() {
        let kept: Vec<usize> = (0..table.row_count)
            .filter(|row| !skipped_rows.contains(row))
            .collect();
        table = table.take_rows(&kept);
    }
    Ok(Loaded {
        table,
        warnings: loaded.warnings,
    })
}

/// JSON records through an ingestion mapping: an array of records, or records separated
/// by whitespace (one per line, or spread over lines), as the json and multijson formats
/// hold them.
fn read_mapped_json(
    mut reader: impl Read,
    origin: &str,
    mapping: &JsonMapping,
    ignore_first_record: bool,
    columns: &[usize],
    raw: &mut RawTable,
) -> Result<(), Error> {
    let source = raw.add_source(origin);
    let mut text = String::new();
    reader.read_to_string(&mut text).map_err(|error| {
        Error::data(format!(
            "failed to read {origin}: {error}; an externaldata JSON file must be UTF-8"
        ))
    })?;
    let invalid = |error: serde_json::Error| {
        let message = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let reason = message
            .strip_suffix(&position)
            .unwrap_or(&message)
            .to_string();
        Error::data(format!(
            "invalid JSON at {origin}:{}, column {}: {reason}; fix the file",
            error.line(),
            error.column()
        ))
    };
    let records: Vec<&RawValue> = if text.trim_start().starts_with('[') {
        serde_json::from_str(&text).map_err(invalid)?
    } else {
        serde_json::Deserializer::from_str(&text)
            .into_iter::<&RawValue>()
            .collect::<Result<_, _>>()
            .map_err(invalid)?
    };
    let mut line = 1u64;
    let mut counted_to = 0usize;
    for (index, record) in records.into_iter().enumerate() {
        let offset = (record.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let offset = offset.clamp(counted_to, text.len());
        line += text.as_bytes()[counted_to..offset]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64;
        counted_to = offset;
        if index == 0 && ignore_first_record {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(record.get()).map_err(invalid)?;
        raw.start_row(source, line);
        for (cell, &column) in mapping.apply(&value).into_iter().zip(columns) {
            if !cell.is_null() {
                raw.set_cell(column, RawCell::from_json(cell));
            }
        }
    }
    Ok(())
}

/// CSV or TSV without a header: field `i` goes to declared column `i`; extra fields are
/// ignored and missing ones are null.
fn read_delimited(
    reader: impl Read,
    origin: &str,
    delimiter: u8,
    ignore_first_record: bool,
    columns: &[usize],
    raw: &mut RawTable,
) -> Result<(), Error> {
    let source = raw.add_source(origin);
    let mut records = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut record = ByteRecord::new();
    let mut number = 0u64;
    loop {
        let more = records
            .read_byte_record(&mut record)
            .map_err(|error| Error::data(format!("{origin}: invalid CSV: {error}")))?;
        if !more {
            return Ok(());
        }
        number += 1;
        if number == 1 && ignore_first_record {
            continue;
        }
        let line = record.position().map_or(number, |position| position.line());
        raw.start_row(source, line);
        for (field, &column) in record.iter().zip(columns) {
            if field.is_empty() {
                continue;
            }
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::data(format!(
                    "{origin}:{line}: invalid UTF-8; save the file as UTF-8"
                ))
            })?;
            raw.set_cell(column, RawCell::Text(text.into()));
        }
    }
}

/// `txt`: each line is one record whose text fills the first declared column.
fn read_lines(
    reader: impl BufRead,
    origin: &str,
    ignore_first_record: bool,
    columns: &[usize],
    raw: &mut RawTable,
) -> Result<(), Error> {
    let source = raw.add_source(origin);
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|error| read_error(origin, &error))?;
        if index == 0 && ignore_first_record {
            continue;
        }
        let number = index as u64 + 1;
        raw.start_row(source, number);
        let text = line.strip_suffix('\r').unwrap_or(&line);
        if let (Some(&first), false) = (columns.first(), text.is_empty()) {
            raw.set_cell(first, RawCell::Text(text.into()));
        }
    }
    Ok(())
}
