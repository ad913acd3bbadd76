//! `invoke FileProfile(…)` and `invoke DeviceFromIP(…)`, computed from the loaded table of
//! the same name, which substitutes for the Defender XDR service behind each function
//! (`binder::defender` binds them).
//!
//! FileProfile follows its reference page
//! (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function): every input
//! row is kept. A row whose hash the table has gets that profile row. A well-formed hash
//! that the table lacks gets `ProfileAvailability` "Missing", because the page defines
//! Missing as a profile query that found no file. An empty or malformed hash gets empty
//! profile columns, as the page gives for an invalid file ID. A found row whose
//! `ProfileAvailability` the table leaves empty gets "Available", which the page defines
//! as a profile query that returned file data.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::ast::Span;
use crate::binder::defender::{
    DEVICE_FROM_IP_COLUMNS, FILE_PROFILE_COLUMNS, FILE_PROFILE_MAX_LIMIT,
};
use crate::binder::plan::{DeviceFromIpPlan, FileHash, FileProfilePlan};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::TableSource;
use crate::table::{Schema, Table};
use crate::value::{convert, Type, Value};

/// The position of ProfileAvailability, the reference page's last column, in
/// [`FILE_PROFILE_COLUMNS`].
const PROFILE_AVAILABILITY: usize = FILE_PROFILE_COLUMNS.len() - 1;

/// The profile that one input row gets.
#[derive(Clone, Copy)]
enum Profile {
    /// The row of the FileProfile table with the row's hash.
    Found(usize),
    /// A well-formed hash that the table does not have.
    Missing,
    /// An empty or malformed hash.
    Invalid,
}

pub fn file_profile(
    input: &Table,
    tables: &dyn TableSource,
    plan: &FileProfilePlan,
    schema: &Schema,
    span: &Span,
) -> Result<Table> {
    // NOTE: past the limit the reference page only states that rows get no profile, not
    // which rows those are, so more rows than that are rejected. The binder has already
    // counted a limit above 1000 as 1000.
    let limit = plan.limit;
    let too_many = i64::try_from(input.row_count).map_or(true, |rows| rows > limit);
    if too_many {
        return Err(Error::unsupported(
            span.clone(),
            format!(
                "FileProfile() enriches at most {limit} records, and its input has {} rows. Which rows Kusto leaves without a profile past the limit is not documented, so this is not supported yet",
                input.row_count
            ),
        )
        .with_hint(limit_hint(&input.schema.fields[plan.key].name, limit)));
    }

    let profiles = supplied_table(tables, "FileProfile", &FILE_PROFILE_COLUMNS, span)?;
    let profile_key = match plan.hash {
        FileHash::Sha1 => 0,
        FileHash::Sha256 => 1,
    };
    let hash_length = match plan.hash {
        FileHash::Sha1 => 40,
        FileHash::Sha256 => 64,
    };
    let index = unique_index(&profiles, profile_key, hash_length, span)?;

    let mut picks = Vec::with_capacity(input.row_count);
    for value in input.columns[plan.key].iter() {
        let text = value.as_str().unwrap_or_default();
        if !is_hex_hash(text, hash_length) {
            picks.push(Profile::Invalid);
        } else if text.bytes().any(|byte| byte.is_ascii_uppercase()) {
            // NOTE: Defender XDR tables contain lower-case hashes, and the reference page
            // does not state whether an upper-case hash finds the same profile.
            return Err(Error::unsupported(
                span.clone(),
                format!("FileProfile() of the upper-case hash `{text}` is not supported yet: its reference page does not state whether hashes match without regard to case"),
            )
            .with_hint(format!(
                "convert the hashes first: `| extend {0} = tolower({0})`",
                input.schema.fields[plan.key].name
            )));
        } else {
            picks.push(
                index
                    .get(text)
                    .map_or(Profile::Missing, |&row| Profile::Found(row)),
            );
        }
    }

    let mut columns = input.columns.clone();
    for &position in &plan.added {
        let source = &profiles.columns[position];
        let empty = FILE_PROFILE_COLUMNS[position].1.empty_value();
        let values = picks
            .iter()
            .map(|pick| match pick {
                Profile::Found(row) if position == PROFILE_AVAILABILITY => {
                    match source[*row].as_str() {
                        Some(text) if !text.is_empty() => source[*row].clone(),
                        _ => Value::from("Available"),
                    }
                }
                Profile::Found(row) => source[*row].clone(),
                Profile::Missing if position == PROFILE_AVAILABILITY => Value::from("Missing"),
                Profile::Missing | Profile::Invalid => empty.clone(),
            })
            .collect();
        columns.push(Arc::new(values));
    }
    Ok(Table::new(schema.clone(), columns, input.row_count))
}

/// Returns the fix for an input with more rows than the record limit: fewer rows, or a
/// higher limit while the limit is below 1000.
fn limit_hint(key: &str, limit: i64) -> String {
    let reduce = format!("reduce the input before `invoke`, for example with `| distinct {key}`");
    if limit < FILE_PROFILE_MAX_LIMIT {
        format!("{reduce}, or raise the limit (a limit above {FILE_PROFILE_MAX_LIMIT} counts as {FILE_PROFILE_MAX_LIMIT}) with the second argument")
    } else {
        reduce
    }
}

/// Returns true for a hash of `length` hexadecimal digits.
fn is_hex_hash(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

pub fn device_from_ip(
    input: &Table,
    tables: &dyn TableSource,
    plan: &DeviceFromIpPlan,
    schema: &Schema,
    span: &Span,
) -> Result<Table> {
    let assignments = supplied_table(tables, "DeviceFromIP", &DEVICE_FROM_IP_COLUMNS, span)?;
    let mut devices: HashMap<&str, Vec<usize>> = HashMap::new();
    for (row, value) in assignments.columns[0].iter().enumerate() {
        if let Some(ip) = value.as_str().filter(|ip| !ip.is_empty()) {
            devices.entry(ip).or_default().push(row);
        }
    }
    require_keys(&assignments, 0, devices.is_empty(), "DeviceFromIP", span)?;

    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for value in input.columns[plan.key].iter() {
        // An empty address has no device assigned.
        let Some(ip) = value.as_str().filter(|ip| !ip.is_empty()) else {
            continue;
        };
        if !seen.insert(ip) {
            // NOTE: the reference page does not state whether an address in several input
            // rows lists its devices once or once per row.
            return Err(Error::unsupported(
                span.clone(),
                format!("DeviceFromIP() on an input with the address `{ip}` in more than one row is not supported yet: its reference page does not state whether its devices are listed once or once per row"),
            )
            .with_hint(format!(
                "keep one row per address before `invoke`: `| distinct {}`",
                input.schema.fields[plan.key].name
            )));
        }
        for &row in devices.get(ip).into_iter().flatten() {
            rows.push(vec![Value::from(ip), assignments.columns[1][row].clone()]);
        }
    }
    Ok(Table::from_rows(schema.clone(), rows))
}

/// Reads the loaded table that substitutes for a Defender function, with its documented
/// columns in documented order and types. A column the table lacks is null.
fn supplied_table(
    tables: &dyn TableSource,
    name: &str,
    documented: &[(&str, Type)],
    span: &Span,
) -> Result<Table> {
    let column_list = documented
        .iter()
        .map(|(column, ty)| format!("{column}:{ty}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(table) = tables.table(name) else {
        return Err(Error::at(
            ErrorKind::Data,
            span.clone(),
            format!(
                "{name}() reads its results from a table named `{name}`, which is not loaded"
            ),
        )
        .with_hint(format!(
            "load a CSV or JSON file with the columns {column_list}: put {name}.csv in the --data folder or pass --table {name}=FILE"
        )));
    };

    let mut columns = Vec::with_capacity(documented.len());
    for (column, ty) in documented {
        let Some(values) = table.column(column) else {
            columns.push(Arc::new(vec![ty.empty_value(); table.row_count]));
            continue;
        };
        if values
            .iter()
            .all(|value| value.is_null() || value.type_of() == Some(*ty))
        {
            columns.push(Arc::clone(values));
            continue;
        }
        let mut converted = Vec::with_capacity(values.len());
        for (row, value) in values.iter().enumerate() {
            let Some(value) = convert(value, *ty) else {
                return Err(Error::at(
                    ErrorKind::Data,
                    span.clone(),
                    format!(
                        "the `{name}` table has `{}` in column `{column}` on row {}, which is not a {ty}",
                        value.to_kusto_string(),
                        row + 1
                    ),
                ));
            };
            converted.push(value);
        }
        columns.push(Arc::new(converted));
    }
    let fields = documented
        .iter()
        .map(|(column, ty)| crate::table::Field::new(*column, *ty))
        .collect();
    Ok(Table::new(Schema::new(fields), columns, table.row_count))
}

/// Maps each non-empty value of the key column to its row. A value in two rows is an
/// error, because the function would have two profiles to choose from. So is a value that
/// is not a lower-case hash of `hash_length` hexadecimal digits, because no input row
/// could find it: the lookup takes only such hashes.
fn unique_index<'t>(
    table: &'t Table,
    key: usize,
    hash_length: usize,
    span: &Span,
) -> Result<HashMap<&'t str, usize>> {
    let mut index = HashMap::new();
    for (row, value) in table.columns[key].iter().enumerate() {
        let Some(text) = value.as_str().filter(|text| !text.is_empty()) else {
            continue;
        };
        check_supplied_hash(table, key, row, text, hash_length, span)?;
        if let Some(first) = index.insert(text, row) {
            return Err(Error::at(
                ErrorKind::Data,
                span.clone(),
                format!(
                    "the `FileProfile` table has the {} `{text}` on rows {} and {}. Keep one profile per file",
                    table.schema.fields[key].name,
                    first + 1,
                    row + 1
                ),
            ));
        }
    }
    require_keys(table, key, index.is_empty(), "FileProfile", span)?;
    Ok(index)
}

/// Rejects a hash in the key column of the FileProfile table that no input row could
/// match: upper-case letters, another length, or other characters.
fn check_supplied_hash(
    table: &Table,
    key: usize,
    row: usize,
    text: &str,
    hash_length: usize,
    span: &Span,
) -> Result<()> {
    let is_lower_case = !text.bytes().any(|byte| byte.is_ascii_uppercase());
    if is_hex_hash(text, hash_length) && is_lower_case {
        return Ok(());
    }
    let column = &table.schema.fields[key].name;
    let error = Error::at(
        ErrorKind::Data,
        span.clone(),
        format!(
            "the `FileProfile` table has `{text}` in column `{column}` on row {}, which is not a lower-case hash of {hash_length} hexadecimal digits, so no input row could match it",
            row + 1
        ),
    );
    if is_hex_hash(text, hash_length) {
        Err(error.with_hint(format!(
            "lower-case the `{column}` values in the file loaded as the FileProfile table, because FileProfile() looks up lower-case hashes only"
        )))
    } else {
        Err(error.with_hint(format!(
            "correct the value, or leave the `{column}` cell empty for a file without a {column}"
        )))
    }
}

/// Rejects a table with rows but no value in its key column, which usually means the file
/// lacks the column or names it differently.
fn require_keys(table: &Table, key: usize, no_keys: bool, name: &str, span: &Span) -> Result<()> {
    if table.row_count == 0 || !no_keys {
        return Ok(());
    }
    Err(Error::at(
        ErrorKind::Data,
        span.clone(),
        format!(
            "the `{name}` table has {} rows but no value in its `{}` column",
            table.row_count, table.schema.fields[key].name
        ),
    )
    .with_hint("check the column name in the file's header, because it is case-sensitive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_availability_position() {
        assert_eq!(
            FILE_PROFILE_COLUMNS[PROFILE_AVAILABILITY].0,
            "ProfileAvailability"
        );
    }
}
