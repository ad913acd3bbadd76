//! Input tables for a test case: fixture files and inline rows, loaded the way `kql run`
//! loads exports, and the look-back window that hides rows older than the rule's period.
//!
//! Loading is strict: a fixture value that does not fit its column's type is an error,
//! not a null, because a test with a silently nulled value would test something else.

use std::io::Cursor;

use crate::data::{self, Format, LoadOptions};
use crate::error::Error;
use crate::schema::{Availability, ColumnSchema, TableSchema};
use crate::table::Table;
use crate::value::{format_datetime, format_timespan, Type, Value};

use super::spec::{JsonRow, TableData, TableSource};

const TIME_COLUMN: &str = "TimeGenerated";

/// Loads one input table, of the test file or, with `in_case`, of a case. Inline rows are
/// typed like a JSON lines export of the table: by the built-in catalog (or the test's
/// `columns`), with omitted columns null. `product` picks the catalog's types as
/// `kql run --product` does.
pub fn load_table(
    source: &TableSource,
    in_case: bool,
    product: Option<crate::schema::Product>,
) -> Result<Table, Error> {
    let mut options = LoadOptions {
        strict: true,
        product,
        ..LoadOptions::default()
    };
    if !source.columns.is_empty() {
        options.schemas.push(user_schema(source));
    }
    // The loader's hints name command-line options, but a test file has its own keys.
    let test_file_hints = |mut error: Error| {
        // Fixtures always load strictly, so the hint to drop `--strict` does not apply.
        error
            .hints
            .retain(|hint| hint != crate::data::NOT_STRICT_HINT);
        if let Some(message) = error.message.strip_suffix(crate::data::NO_COLUMNS_ADVICE) {
            error.message = message.to_string();
            error.hints.push(no_columns_hint(&source.name, in_case));
        }
        error
    };
    let loaded = match &source.data {
        TableData::Files(paths) => {
            data::load_files(&source.name, paths, &options).map_err(test_file_hints)?
        }
        TableData::Rows(rows) => {
            let mut lines = String::new();
            for row in rows {
                let line = serde_json::to_string(row).map_err(|error| {
                    Error::data(format!(
                        "table {}: cannot encode a row: {error}",
                        source.name
                    ))
                })?;
                lines.push_str(&line);
                lines.push('\n');
            }
            let origin = format!("inline rows of table {}", source.name);
            data::load_reader(
                &source.name,
                &origin,
                Format::JsonLines,
                Cursor::new(lines.into_bytes()),
                &options,
            )
            .map_err(test_file_hints)?
        }
    };
    check_column_names(source, &loaded.table, options.schema_for(&source.name))?;
    Ok(loaded.table)
}

/// Rejects a fixture column that is most likely a misspelt name. With `columns` given, that
/// is any column they do not declare. For a catalog table, it is a column the catalog
/// lacks whose name is close to a catalog column the fixture leaves empty. Such a column
/// would stay an extra column while the real one stayed empty, and a case could pass for
/// that reason.
fn check_column_names(
    source: &TableSource,
    table: &Table,
    schema: Option<&TableSchema>,
) -> Result<(), Error> {
    let Some(schema) = schema else {
        return Ok(());
    };
    let declared = !source.columns.is_empty();
    if let TableData::Rows(rows) = &source.data {
        check_row_keys(source, rows, schema)?;
    }
    for name in table.schema.names() {
        if schema.column(name).is_some() {
            continue;
        }
        if let Some(message) = other_product_time_column(&source.name, name, schema) {
            return Err(Error::data(message));
        }
        let empty_columns = schema
            .columns
            .iter()
            .map(|column| column.name.as_str())
            .filter(|candidate| {
                table.schema.index_of(candidate).is_none_or(|index| {
                    table
                        .columns
                        .get(index)
                        .is_some_and(|values| values.iter().all(Value::is_empty))
                })
            });
        let close = crate::error::closest(name, empty_columns);
        let message = match (close, declared) {
            (Some(close), _) => format!(
                "table {}: column `{name}` is not a column of the table; did you mean \
                 `{close}`?",
                source.name
            ),
            (None, true) => format!(
                "table {}: column `{name}` is not among the table's `columns`; declare it \
                 or fix its name",
                source.name
            ),
            (None, false) => continue,
        };
        return Err(Error::data(message));
    }
    Ok(())
}

/// Rejects a row key that is no column of the table but close to one the row lacks, such
/// as `ActionTyp` in a row without `ActionType`, even when other rows spell it right.
fn check_row_keys(
    source: &TableSource,
    rows: &[JsonRow],
    schema: &TableSchema,
) -> Result<(), Error> {
    for (index, row) in rows.iter().enumerate() {
        for key in row.keys() {
            if schema.column(key).is_some() {
                continue;
            }
            let missing = schema
                .columns
                .iter()
                .map(|column| column.name.as_str())
                .filter(|name| !row.contains_key(*name));
            if let Some(close) = crate::error::closest(key, missing) {
                return Err(Error::data(format!(
                    "table {}, row {}: column `{key}` is not a column of the table; did you \
                     mean `{close}`?",
                    source.name,
                    index + 1
                )));
            }
        }
    }
    Ok(())
}

/// Returns the error for the time column of the other product: `Timestamp` in a
/// Sentinel-only table, whose time column is `TimeGenerated`, or the reverse. Loading
/// keeps it as an extra column and leaves the real time column empty.
fn other_product_time_column(table: &str, name: &str, schema: &TableSchema) -> Option<String> {
    let other = match name {
        "Timestamp" => "TimeGenerated",
        "TimeGenerated" => "Timestamp",
        _ => return None,
    };
    schema.column(other)?;
    Some(format!(
        "table {table}: `{name}` is not a column of the table, whose time column is \
         `{other}`; rename the column"
    ))
}

/// Returns the hint for a table whose rows or files give no columns.
fn no_columns_hint(name: &str, in_case: bool) -> String {
    if in_case {
        format!(
            "give the columns in the case, as `tables.{name}.columns = {{ Name = \"type\", … }}`: \
             a case's table replaces the test file's table of that name, `columns` included"
        )
    } else {
        format!("give the columns in the test file, as `columns = {{ Name = \"type\", … }}` under `[tables.{name}]`")
    }
}

fn user_schema(source: &TableSource) -> TableSchema {
    let columns = source
        .columns
        .iter()
        .map(|(name, ty)| ColumnSchema {
            name: name.clone(),
            ty: *ty,
            availability: Availability::XdrAndSentinel,
            sentinel_ty: None,
        })
        .collect();
    TableSchema {
        name: source.name.clone(),
        columns,
    }
}

/// Keeps the rows whose `TimeGenerated` lies in `[now - period, now]`, the data a
/// scheduled Sentinel rule run at `now` with that query period can see. Rows with a null
/// `TimeGenerated` are dropped.
///
/// NOTE: Microsoft does not document whether the window's ends are inclusive; both are
/// kept here.
pub fn apply_lookback(name: &str, table: &Table, now: i64, period: i64) -> Result<Table, Error> {
    let Some(index) = table.schema.index_of(TIME_COLUMN) else {
        return Err(Error::data(format!(
            "table {name} has no {TIME_COLUMN} column, so the look-back window cannot \
             apply to it; add the column or remove `lookback`"
        )));
    };
    let column_type = table.schema.fields.get(index).map(|field| field.ty);
    if column_type != Some(Type::DateTime) {
        return Err(Error::data(format!(
            "table {name}: {TIME_COLUMN} must be a datetime column for the look-back \
             window, not {}",
            column_type.map_or("unknown", Type::name)
        )));
    }
    let start = now.saturating_sub(period);
    let Some(times) = table.columns.get(index) else {
        return Ok(table.clone());
    };
    let kept: Vec<usize> = times
        .iter()
        .enumerate()
        .filter(
            |(_, value)| matches!(value, Value::DateTime(ticks) if (start..=now).contains(ticks)),
        )
        .map(|(row, _)| row)
        .collect();
    log::debug!(
        "look-back {} to {} ({}) keeps {} of {} rows of {name}",
        format_datetime(start),
        format_datetime(now),
        format_timespan(period),
        kept.len(),
        table.row_count
    );
    Ok(table.take_rows(&kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_datetime;
    use serde_json::json;

    fn rows(values: Vec<serde_json::Value>) -> TableSource {
        let rows = values
            .into_iter()
            .filter_map(|value| value.as_object().cloned())
            .collect();
        TableSource {
            name: "SigninLogs".to_string(),
            data: TableData::Rows(rows),
            columns: Vec::new(),
        }
    }

    fn ticks(text: &str) -> i64 {
        parse_datetime(text).unwrap_or_else(|| panic!("valid datetime {text}"))
    }

    #[test]
    fn inline_rows_take_catalog_types() {
        let table = load_table(
            &rows(vec![json!({
                "TimeGenerated": "2025-08-29T10:00:00Z",
                "UserPrincipalName": "a@contoso.example",
                "DurationMs": 12
            })]),
            false,
            None,
        )
        .expect("rows load");
        let field = |name: &str| table.schema.field(name).map(|field| field.ty);
        assert_eq!(field("TimeGenerated"), Some(Type::DateTime));
        assert_eq!(field("DurationMs"), Some(Type::Long));
        // Omitted catalog columns exist, null or empty.
        assert_eq!(field("IsRisky"), Some(Type::Bool));
        let is_risky = table
            .column("IsRisky")
            .and_then(|column| column.first().cloned());
        assert_eq!(is_risky, Some(Value::Null));
        let location = table
            .column("Location")
            .and_then(|column| column.first().cloned());
        assert_eq!(location, Some(Value::from("")));
    }

    #[test]
    fn value_of_wrong_type_is_an_error() {
        let error = load_table(&rows(vec![json!({"DurationMs": "fast"})]), false, None)
            .expect_err("strict loading");
        assert!(error.message.contains("DurationMs"), "{}", error.message);
        // Fixtures always load strictly, so no hint may suggest turning that off.
        let texts = std::iter::once(&error.message).chain(&error.hints);
        assert!(
            texts.into_iter().all(|text| !text.contains("--strict")),
            "{error:?}"
        );
    }

    #[test]
    fn user_columns_type_unknown_tables() {
        let mut source = rows(vec![json!({"Port": "8080"})]);
        source.name = "Firewall_CL".to_string();
        source.columns = vec![
            ("Port".to_string(), Type::Int),
            ("Note".to_string(), Type::String),
        ];
        let table = load_table(&source, false, None).expect("rows load");
        assert_eq!(
            table.column("Port").and_then(|c| c.first().cloned()),
            Some(Value::Int(8080))
        );
        assert!(table.column("Note").is_some());
    }

    #[test]
    fn lookback_keeps_rows_inside_window() {
        let table = load_table(
            &rows(vec![
                json!({"TimeGenerated": "2025-08-29T22:59:59Z", "Location": "too old"}),
                json!({"TimeGenerated": "2025-08-29T23:00:00Z", "Location": "start"}),
                json!({"TimeGenerated": "2025-08-29T23:30:00Z", "Location": "inside"}),
                json!({"TimeGenerated": "2025-08-30T00:00:00Z", "Location": "end"}),
                json!({"TimeGenerated": "2025-08-30T00:00:01Z", "Location": "future"}),
                json!({"Location": "no time"}),
            ]),
            false,
            None,
        )
        .expect("rows load");
        let hour = 3_600 * crate::value::TICKS_PER_SECOND;
        let kept = apply_lookback("SigninLogs", &table, ticks("2025-08-30T00:00:00Z"), hour)
            .expect("window applies");
        let locations: Vec<String> = kept
            .column("Location")
            .map(|column| column.iter().map(Value::to_kusto_string).collect())
            .unwrap_or_default();
        assert_eq!(locations, ["start", "inside", "end"]);
    }

    #[test]
    fn lookback_needs_time_column() {
        let mut source = rows(vec![json!({"Port": 1})]);
        source.name = "Custom_CL".to_string();
        let table = load_table(&source, false, None).expect("rows load");
        let error = apply_lookback("Custom_CL", &table, 0, 1).expect_err("no TimeGenerated");
        assert!(
            error.message.contains("no TimeGenerated column"),
            "{}",
            error.message
        );
    }
}
