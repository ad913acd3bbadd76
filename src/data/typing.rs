//! Turns raw cells into a typed [`Table`]: catalog columns get their catalog type, other
//! columns an inferred one, and values that do not convert become null and are reported.
//!
//! Conversion rules, beyond [`convert`]:
//! - An absent value is the type's empty value: `""` for `string`, null otherwise. An
//!   empty or blank string counts as absent for every type except `string`, and so does
//!   the CSV text `null` in any letter case, which some exporters write for null values.
//! - Into `string`: JSON numbers and booleans become their text, JSON objects and arrays
//!   their compact JSON text. This never fails.
//! - Into `dynamic`: JSON values stay as they are, except that a JSON string containing a
//!   JSON object or array is parsed (Log Analytics exports `dynamic` columns as JSON text).
//!   CSV text is parsed as JSON when it is valid JSON and is a dynamic string otherwise.
//!   This never fails.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use log::debug;
use rayon::prelude::*;

use super::infer::infer_type;
use super::raw::{RawCell, RawColumn, RawTable};
use super::{Loaded, Warning};
use crate::error::Error;
use crate::schema::{Availability, ColumnSchema, TableSchema};
use crate::table::{ColumnData, Field, Schema, Table};
use crate::value::{convert, json_to_kusto_string, Type, Value};

/// The two time columns of tables that exist in both Defender XDR and Sentinel.
/// The hint on a value that strict loading rejects, for loaders that make strictness a
/// choice (`--strict`).
pub(crate) const NOT_STRICT_HINT: &str = "load without --strict to set such values to null";

/// The advice that ends the error for a table whose input gives no columns. `kql test`
/// replaces it, because a test file describes columns itself.
pub(crate) const NO_COLUMNS_ADVICE: &str =
    "; add rows or a header row, or describe the table in a --schema file";

const XDR_TIME: &str = "Timestamp";
const SENTINEL_TIME: &str = "TimeGenerated";

/// Builds the table named `name` from `raw`, whose columns must be padded with
/// [`RawTable::finish`].
///
/// `chunk` is the input that the table's [`RawCell::Span`] cells point into, empty when
/// it has none.
pub(crate) fn build_table(
    name: &str,
    raw: RawTable,
    schema: Option<&TableSchema>,
    strict: bool,
    chunk: &[u8],
) -> Result<Loaded, Error> {
    let (loaded, _) = build_table_deferring(name, raw, schema, strict, chunk, &HashSet::new())?;
    Ok(loaded)
}

/// A `string` or `dynamic` column whose conversion [`build_table_deferring`] put off: its
/// position in the table and its cells, one per row.
pub(crate) struct DeferredColumn {
    pub position: usize,
    pub ty: Type,
    pub cells: Vec<RawCell>,
}

impl DeferredColumn {
    /// Converts the cells of `rows`, in that order. Each row may appear once, because its
    /// cell is moved out.
    pub(crate) fn convert_rows(&mut self, rows: &[usize], chunk: &[u8]) -> ColumnData {
        let values = rows
            .iter()
            .map(|&row| {
                let cell = self
                    .cells
                    .get_mut(row)
                    .map(std::mem::take)
                    .unwrap_or_default();
                // `convert_owned_cell` returns `Ok` for every cell of these two types.
                convert_cell(cell, self.ty, chunk).unwrap_or(Value::Null)
            })
            .collect();
        Arc::new(values)
    }
}

/// Builds the table like [`build_table`], except for the `string` and `dynamic` columns of
/// the file named in `deferred`. Each of them contains the row numbers `0, 1, …` as `long`
/// values, and its cells come back as a [`DeferredColumn`]. A caller that filters rows
/// first then converts only the rows it keeps. Conversion to these types never fails, so
/// the warnings are the same.
pub(crate) fn build_table_deferring(
    name: &str,
    mut raw: RawTable,
    schema: Option<&TableSchema>,
    strict: bool,
    chunk: &[u8],
    deferred: &HashSet<String>,
) -> Result<(Loaded, Vec<DeferredColumn>), Error> {
    if schema.is_none() && raw.columns.is_empty() {
        let origins = raw.sources.join(", ");
        let verb = if raw.sources.len() == 1 {
            "has"
        } else {
            "have"
        };
        // The advice stays in the message: `kql run` prints an input error on one line.
        return Err(Error::data(format!(
            "{origins} {verb} no rows and no CSV header, so the columns of table `{name}` are \
             unknown{NO_COLUMNS_ADVICE}"
        )));
    }

    let raw_columns = std::mem::take(&mut raw.columns);
    let converter = Converter {
        table: name,
        raw: &raw,
        strict,
        chunk,
    };
    let mut pending: Vec<Option<RawColumn>> = raw_columns.into_iter().map(Some).collect();
    let positions: HashMap<String, usize> = pending
        .iter()
        .enumerate()
        .filter_map(|(index, column)| column.as_ref().map(|column| (column.name.clone(), index)))
        .collect();

    // Each column is converted on its own, so the columns are converted on all cores;
    // results, warnings and the first error keep the column order.
    let mut jobs: Vec<ColumnJob> = Vec::new();
    if let Some(schema) = schema {
        for column_schema in &schema.columns {
            let file_column = positions
                .get(&column_schema.name)
                .and_then(|&index| pending.get_mut(index))
                .and_then(Option::take);
            let job = match file_column {
                Some(column) if is_standard_type_column(column_schema) => {
                    ColumnJob::TableName(Some(column))
                }
                Some(column) => {
                    let ty = catalog_type(column_schema, &column);
                    if deferred.contains(&column.name) && matches!(ty, Type::String | Type::Dynamic)
                    {
                        ColumnJob::Defer(column, ty)
                    } else {
                        ColumnJob::Convert(column, ty)
                    }
                }
                None if is_standard_type_column(column_schema) => ColumnJob::TableName(None),
                None => ColumnJob::Empty(column_schema.ty),
            };
            jobs.push(job);
        }
    }
    let catalog_columns = jobs.len();
    for mut column in pending.into_iter().flatten() {
        let ty = match column.declared {
            Some(ty) => ty,
            None => {
                resolve_spans(&mut column.cells, chunk);
                let ty = infer_type(&column.cells);
                debug!("{name}.{}: inferred type {ty}", column.name);
                ty
            }
        };
        jobs.push(ColumnJob::Convert(column, ty));
    }
    let names: Vec<String> = schema
        .map(|schema| schema.columns.iter().map(|column| column.name.clone()))
        .into_iter()
        .flatten()
        .chain(
            jobs.iter()
                .skip(catalog_columns)
                .filter_map(ColumnJob::file_name),
        )
        .collect();
    let row_count = raw.rows.len();
    // A chunk streamed on a rayon worker is already one of many parallel tasks, so its
    // columns are converted in turn there.
    let converted: Vec<Result<ConvertedColumn, Error>> = if rayon::current_thread_index().is_some()
    {
        jobs.into_iter()
            .map(|job| job.run(&converter, name, row_count))
            .collect()
    } else {
        jobs.into_par_iter()
            .map(|job| job.run(&converter, name, row_count))
            .collect()
    };

    let mut fields = Vec::new();
    let mut columns: Vec<ColumnData> = Vec::new();
    let mut warnings = Vec::new();
    let mut deferred_columns = Vec::new();
    let mut row_numbers: Option<ColumnData> = None;
    for (column_name, result) in names.into_iter().zip(converted) {
        let converted = result?;
        warnings.extend(converted.warning);
        if let Some(cells) = converted.deferred_cells {
            deferred_columns.push(DeferredColumn {
                position: columns.len(),
                ty: converted.ty,
                cells,
            });
            let numbers = row_numbers.get_or_insert_with(|| {
                Arc::new((0..row_count).map(|row| Value::Long(row as i64)).collect())
            });
            columns.push(Arc::clone(numbers));
        } else {
            columns.push(converted.data);
        }
        fields.push(Field::new(column_name, converted.ty));
    }
    if let Some(schema) = schema {
        fill_time_column(schema, &positions, &fields, &mut columns);
    }

    debug!(
        "loaded table {name} from {}: {row_count} rows, {} columns",
        raw.sources.join(", "),
        fields.len()
    );
    let table = Table::new(Schema::new(fields), columns, row_count);
    Ok((Loaded { table, warnings }, deferred_columns))
}

/// A column as a [`ColumnJob`] leaves it: its type, its values or, for a deferred column,
/// its cells, and its conversion warning.
struct ConvertedColumn {
    ty: Type,
    data: ColumnData,
    deferred_cells: Option<Vec<RawCell>>,
    warning: Option<Warning>,
}

impl ConvertedColumn {
    fn new(ty: Type, data: ColumnData, warning: Option<Warning>) -> ConvertedColumn {
        ConvertedColumn {
            ty,
            data,
            deferred_cells: None,
            warning,
        }
    }
}

/// The recipe for one output column of [`build_table`].
enum ColumnJob {
    /// A column of the file, converted to the type.
    Convert(RawColumn, Type),
    /// A column of the file whose conversion to the type is left to the caller.
    Defer(RawColumn, Type),
    /// The standard `Type` column: the table's name wherever the file has no value.
    TableName(Option<RawColumn>),
    /// A catalog column that the file lacks: empty values of the type.
    Empty(Type),
}

impl ColumnJob {
    /// Returns the name of the file column that a `Convert` job reads, used for the
    /// columns that no catalog lists.
    fn file_name(&self) -> Option<String> {
        match self {
            ColumnJob::Convert(column, _) | ColumnJob::Defer(column, _) => {
                Some(column.name.clone())
            }
            ColumnJob::TableName(_) | ColumnJob::Empty(_) => None,
        }
    }

    fn run(
        self,
        converter: &Converter<'_>,
        table: &str,
        rows: usize,
    ) -> Result<ConvertedColumn, Error> {
        match self {
            ColumnJob::Convert(column, ty) => {
                let (data, warning) = converter.convert_column(column, ty)?;
                Ok(ConvertedColumn::new(ty, data, warning))
            }
            ColumnJob::Defer(column, ty) => Ok(ConvertedColumn {
                ty,
                data: Arc::new(Vec::new()),
                deferred_cells: Some(column.cells),
                warning: None,
            }),
            // Log Analytics sets `Type` to the table's name on every record
            // (learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns), so rows
            // from a file or export without it get the name too.
            ColumnJob::TableName(Some(column)) => {
                let (data, warning) = converter.convert_column(column, Type::String)?;
                let names = data
                    .iter()
                    .map(|value| match value {
                        Value::String(text) if !text.is_empty() => value.clone(),
                        _ => Value::from(table),
                    })
                    .collect();
                Ok(ConvertedColumn::new(Type::String, Arc::new(names), warning))
            }
            ColumnJob::TableName(None) => Ok(ConvertedColumn::new(
                Type::String,
                Arc::new(vec![Value::from(table); rows]),
                None,
            )),
            ColumnJob::Empty(ty) => Ok(ConvertedColumn::new(
                ty,
                Arc::new(vec![ty.empty_value(); rows]),
                None,
            )),
        }
    }
}

/// Returns the type a catalog column gets for this file: the XDR type, unless the Sentinel
/// type differs and the file declares it, or the Sentinel type is `dynamic` and the file
/// contains JSON objects or arrays.
fn catalog_type(column_schema: &ColumnSchema, column: &RawColumn) -> Type {
    if let (Some(declared), Some(sentinel)) = (column.declared, column_schema.sentinel_ty) {
        if declared == sentinel {
            return sentinel;
        }
    }
    let has_nested = column
        .cells
        .iter()
        .any(|cell| matches!(cell, RawCell::Nested(_)));
    if has_nested && column_schema.sentinel_ty == Some(Type::Dynamic) {
        debug!(
            "{}: JSON objects in the file, using the Sentinel type dynamic",
            column_schema.name
        );
        Type::Dynamic
    } else {
        column_schema.ty
    }
}

/// True for the standard `Type` column of a Sentinel table.
fn is_standard_type_column(column: &ColumnSchema) -> bool {
    column.name == "Type" && column.ty == Type::String && column.availability.in_sentinel()
}

/// Fills a missing `Timestamp` from `TimeGenerated` or the reverse, for tables whose
/// catalog has both as the same time in the two products: Defender XDR exports carry only
/// `Timestamp` and Sentinel exports only `TimeGenerated`, and queries written for either
/// product should run on both. A table whose `Timestamp` is a column of its own in
/// Sentinel, such as ApiManagementGatewayLogs, is left alone.
fn fill_time_column(
    schema: &TableSchema,
    file_columns: &HashMap<String, usize>,
    fields: &[Field],
    columns: &mut [ColumnData],
) {
    let in_file = |name: &str| file_columns.contains_key(name);
    if !in_file(XDR_TIME) && !in_file(SENTINEL_TIME) {
        return;
    }
    let product_time = |name: &str, availability: Availability| {
        schema
            .column(name)
            .is_some_and(|column| column.availability == availability)
    };
    if !product_time(XDR_TIME, Availability::Xdr)
        || !product_time(SENTINEL_TIME, Availability::Sentinel)
    {
        return;
    }
    let position = |name: &str| fields.iter().position(|field| field.name == name);
    let (Some(xdr_index), Some(sentinel_index)) = (position(XDR_TIME), position(SENTINEL_TIME))
    else {
        return;
    };
    let same_type = fields.get(xdr_index).map(|field| field.ty)
        == fields.get(sentinel_index).map(|field| field.ty);
    let (Some(xdr), Some(sentinel)) = (columns.get(xdr_index), columns.get(sentinel_index)) else {
        return;
    };
    if !same_type {
        return;
    }
    // Row by row, so that a folder mixing Defender XDR and Sentinel files, or a file
    // with the time under either name, gets both columns on every row.
    let pick = |own: &Value, other: &Value| {
        if own.is_null() {
            other.clone()
        } else {
            own.clone()
        }
    };
    let filled_xdr: Vec<Value> = xdr
        .iter()
        .zip(sentinel.iter())
        .map(|(a, b)| pick(a, b))
        .collect();
    let filled_sentinel: Vec<Value> = sentinel
        .iter()
        .zip(xdr.iter())
        .map(|(a, b)| pick(a, b))
        .collect();
    debug!(
        "{}: filled missing {XDR_TIME} and {SENTINEL_TIME} values from each other",
        schema.name
    );
    if let Some(column) = columns.get_mut(xdr_index) {
        *column = Arc::new(filled_xdr);
    }
    if let Some(column) = columns.get_mut(sentinel_index) {
        *column = Arc::new(filled_sentinel);
    }
}

/// Converts raw columns to typed ones and counts the values that do not convert.
struct Converter<'a> {
    table: &'a str,
    raw: &'a RawTable,
    strict: bool,
    /// The input that span cells point into.
    chunk: &'a [u8],
}

impl Converter<'_> {
    /// Converts every cell of `column` to `ty`. A cell that does not convert becomes null
    /// and is reported in one warning for the column, or with `strict`, the first one is
    /// an error.
    fn convert_column(
        &self,
        column: RawColumn,
        ty: Type,
    ) -> Result<(ColumnData, Option<Warning>), Error> {
        let RawColumn { name, cells, .. } = column;
        let mut values = Vec::with_capacity(cells.len());
        let mut failures = 0usize;
        let mut first_failure: Option<(usize, String)> = None;

        for (row, cell) in cells.into_iter().enumerate() {
            match convert_cell(cell, ty, self.chunk) {
                Ok(value) => values.push(value),
                Err(cell) => {
                    if self.strict {
                        return Err(Error::data(format!(
                            "{}: {}.{name}: value {} is not a valid {ty}; fix the value",
                            self.raw.location(row),
                            self.table,
                            cell.describe()
                        ))
                        .with_hint(NOT_STRICT_HINT));
                    }
                    failures += 1;
                    first_failure.get_or_insert_with(|| (row, cell.describe()));
                    values.push(Value::Null);
                }
            }
        }

        let warning = first_failure.map(|(row, value_text)| {
            let count = if failures == 1 {
                "1 value".to_string()
            } else {
                format!("{failures} values")
            };
            Warning {
                message: format!(
                    "{}.{name}: {count} could not be converted to {ty} and {} set to null; \
                     first at {} (value {value_text}). Use --strict to make this an error.",
                    self.table,
                    if failures == 1 { "was" } else { "were" },
                    self.raw.location(row)
                ),
            }
        });
        Ok((Arc::new(values), warning))
    }
}

/// Converts one cell to `ty`, or returns the cell back, with a span's text copied, if it
/// does not fit. `chunk` is the input that [`RawCell::Span`] cells point into.
fn convert_cell(cell: RawCell, ty: Type, chunk: &[u8]) -> Result<Value, RawCell> {
    let RawCell::Span { start, len } = cell else {
        return convert_owned_cell(cell, ty);
    };
    let text = span_text(chunk, start, len);
    match ty {
        Type::String => Ok(Value::String(Arc::from(&*text))),
        Type::DateTime => match crate::value::parse_datetime(&text) {
            Some(ticks) => Ok(Value::DateTime(ticks)),
            None => convert_owned_cell(RawCell::JsonString(Arc::from(&*text)), ty),
        },
        _ => convert_owned_cell(RawCell::JsonString(Arc::from(&*text)), ty),
    }
}

/// Returns the text of a [`RawCell::Span`] in `chunk`. Spans are cut from `&str` slices
/// of the chunk, so the bytes are valid UTF-8; the lossy conversion is only a fallback
/// that cannot lose data for them.
pub(crate) fn span_text(chunk: &[u8], start: u32, len: u32) -> std::borrow::Cow<'_, str> {
    let start = start as usize;
    let bytes = chunk.get(start..start + len as usize).unwrap_or_default();
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Replaces the span cells of `cells` by JSON strings with their text, for the steps of
/// typing that read cells without the chunk: type inference and the `dynamic` check.
pub(crate) fn resolve_spans(cells: &mut [RawCell], chunk: &[u8]) {
    for cell in cells {
        if let RawCell::Span { start, len } = *cell {
            *cell = RawCell::JsonString(Arc::from(&*span_text(chunk, start, len)));
        }
    }
}

/// Converts one cell that is not a span, as [`convert_cell`] describes.
fn convert_owned_cell(cell: RawCell, ty: Type) -> Result<Value, RawCell> {
    if matches!(cell, RawCell::Span { .. }) {
        return Err(cell);
    }
    match ty {
        Type::String => Ok(match cell {
            RawCell::JsonString(text) | RawCell::Text(text) => Value::String(text),
            other => Value::from(cell_text(other)),
        }),
        Type::Dynamic => Ok(cell_dynamic(cell)),
        _ => {
            if let Some(value) = convert_cell_directly(&cell, ty) {
                return Ok(value);
            }
            let value = match &cell {
                RawCell::Absent => return Ok(Value::Null),
                RawCell::JsonString(text) if text.trim().is_empty() => return Ok(Value::Null),
                RawCell::Text(text) if is_null_text(text) => return Ok(Value::Null),
                RawCell::JsonString(text) | RawCell::Text(text) => Value::from(&**text),
                RawCell::Bool(flag) => Value::Bool(*flag),
                RawCell::Number(number) => {
                    Value::dynamic(serde_json::Value::Number(number.clone()))
                }
                RawCell::Nested(_) | RawCell::Span { .. } => return Err(cell),
            };
            if !crate::value::fits_column(&value, ty) {
                return Err(cell);
            }
            convert(&value, ty).ok_or(cell)
        }
    }
}

/// Converts the most common cells, datetime text and JSON integers, without building an
/// intermediate [`Value`], which would cost an allocation per cell. Returns `None` for
/// every other cell, for [`convert_cell`]'s general path. The results are those of
/// [`convert`].
fn convert_cell_directly(cell: &RawCell, ty: Type) -> Option<Value> {
    match (cell, ty) {
        (RawCell::JsonString(text) | RawCell::Text(text), Type::DateTime) => {
            crate::value::parse_datetime(text).map(Value::DateTime)
        }
        (RawCell::Number(number), Type::Long) => number.as_i64().map(Value::Long),
        (RawCell::Number(number), Type::Int) => {
            let wide = number.as_i64()?;
            i32::try_from(wide).ok().map(Value::Int)
        }
        _ => None,
    }
}

/// True for CSV text that means null in a non-string column.
pub(crate) fn is_null_text(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("null")
}

fn cell_text(cell: RawCell) -> String {
    match cell {
        RawCell::Absent => String::new(),
        RawCell::Bool(flag) => flag.to_string(),
        // An integer above the range of a long keeps its digits in a string column, which
        // its conversion to a real would round.
        RawCell::Number(number) if number.is_u64() => number.to_string(),
        RawCell::Number(number) => json_to_kusto_string(&serde_json::Value::Number(number)),
        RawCell::JsonString(text) | RawCell::Text(text) => text.to_string(),
        RawCell::Nested(json) => json.to_string(),
        // Not reached: `convert_owned_cell` returns span cells before converting.
        RawCell::Span { .. } => String::new(),
    }
}

fn cell_dynamic(cell: RawCell) -> Value {
    match cell {
        RawCell::Absent => Value::Null,
        RawCell::Bool(flag) => Value::dynamic(serde_json::Value::Bool(flag)),
        RawCell::Number(number) => Value::dynamic(serde_json::Value::Number(number)),
        RawCell::Nested(json) => Value::dynamic(*json),
        RawCell::JsonString(text) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Value::Null;
            }
            if trimmed.starts_with(['{', '[']) {
                if let Ok(json) = serde_json::from_str(trimmed) {
                    return Value::dynamic(json);
                }
            }
            Value::dynamic(serde_json::Value::String(text.to_string()))
        }
        RawCell::Text(text) => match serde_json::from_str(&text) {
            Ok(json) => Value::dynamic(json),
            Err(_) => Value::dynamic(serde_json::Value::String(text.to_string())),
        },
        // Not reached: `convert_owned_cell` returns span cells before converting.
        RawCell::Span { .. } => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &str) -> RawCell {
        RawCell::Text(value.into())
    }

    #[test]
    fn cells_convert_to_catalog_types() {
        let port = RawCell::from_json(json!("443"));
        assert_eq!(convert_cell(port, Type::Int, &[]), Ok(Value::Int(443)));
        assert_eq!(
            convert_cell(text("443"), Type::Int, &[]),
            Ok(Value::Int(443))
        );
        assert_eq!(
            convert_cell(RawCell::from_json(json!(443)), Type::Long, &[]),
            Ok(Value::Long(443))
        );
        assert_eq!(convert_cell(text(" "), Type::Long, &[]), Ok(Value::Null));
        assert_eq!(
            convert_cell(RawCell::Absent, Type::String, &[]),
            Ok(Value::from(""))
        );
        assert_eq!(
            convert_cell(text("True"), Type::Bool, &[]),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn span_cells_convert_like_json_strings() {
        let chunk = br#"{"a":"2025-06-01T10:00:00Z","b":"x y","c":"12"}"#;
        let span = |text: &str| {
            let start = chunk
                .windows(text.len())
                .position(|window| window == text.as_bytes());
            match start {
                Some(start) => RawCell::Span {
                    start: start as u32,
                    len: text.len() as u32,
                },
                None => panic!("{text} not in chunk"),
            }
        };
        let cases = [
            ("2025-06-01T10:00:00Z", Type::DateTime),
            ("2025-06-01T10:00:00Z", Type::String),
            ("x y", Type::String),
            ("x y", Type::Dynamic),
            ("x y", Type::Long),
            ("12", Type::Long),
            ("12", Type::Int),
        ];
        for (text, ty) in cases {
            let from_span = convert_cell(span(text), ty, chunk);
            let from_string = convert_cell(RawCell::JsonString(text.into()), ty, &[]);
            assert_eq!(from_span, from_string, "{text} as {ty}");
        }
    }

    #[test]
    fn cells_that_do_not_convert_come_back() {
        assert_eq!(convert_cell(text("abc"), Type::Int, &[]), Err(text("abc")));
        let big = RawCell::from_json(json!(3_000_000_000u64));
        assert_eq!(convert_cell(big.clone(), Type::Int, &[]), Err(big));
        let nested = RawCell::from_json(json!({"a": 1}));
        assert_eq!(convert_cell(nested.clone(), Type::Long, &[]), Err(nested));
        let number = RawCell::from_json(json!(5));
        assert_eq!(
            convert_cell(number.clone(), Type::DateTime, &[]),
            Err(number)
        );
    }

    #[test]
    fn cells_convert_to_string() {
        assert_eq!(
            convert_cell(RawCell::from_json(json!(6)), Type::String, &[]),
            Ok(Value::from("6"))
        );
        assert_eq!(
            convert_cell(RawCell::from_json(json!({"b": [1, 2]})), Type::String, &[]),
            Ok(Value::from(r#"{"b":[1,2]}"#))
        );
        assert_eq!(
            convert_cell(RawCell::from_json(json!(true)), Type::String, &[]),
            Ok(Value::from("true"))
        );
    }

    #[test]
    fn cells_convert_to_dynamic() {
        let json_text = RawCell::from_json(json!(r#"[{"key":"a"}]"#));
        assert_eq!(
            convert_cell(json_text, Type::Dynamic, &[]),
            Ok(Value::dynamic(json!([{"key": "a"}])))
        );
        let plain = RawCell::from_json(json!("hello"));
        assert_eq!(
            convert_cell(plain, Type::Dynamic, &[]),
            Ok(Value::dynamic(json!("hello")))
        );
        assert_eq!(
            convert_cell(text("12"), Type::Dynamic, &[]),
            Ok(Value::dynamic(json!(12)))
        );
        assert_eq!(
            convert_cell(text("not json"), Type::Dynamic, &[]),
            Ok(Value::dynamic(json!("not json")))
        );
        assert_eq!(
            convert_cell(RawCell::from_json(json!("")), Type::Dynamic, &[]),
            Ok(Value::Null)
        );
    }
}
