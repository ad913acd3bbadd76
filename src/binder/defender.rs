//! Binding of the Microsoft Defender XDR advanced hunting functions that `kql` runs from
//! a table the user supplies: `invoke FileProfile(…)` and `invoke DeviceFromIP(…)`.
//!
//! In Defender XDR these functions query Microsoft's own services. Offline, a loaded
//! table with the function's name and its documented output columns substitutes for that
//! service (`FileProfile.csv`, `DeviceFromIP.csv`). Binding needs only the documented
//! schema, so `kql check` type-checks queries that call them without any data. The
//! evaluator (`eval::operators::defender`) reads the table when the query runs.
//!
//! `SeenBy()` and `AssignedIPAddresses()` are rejected with the reason: their reference
//! pages leave the output undefined (see [`undocumented`]).

use std::sync::{Arc, OnceLock};

use super::names::unique_name;
use super::plan::{BoundKind, DeviceFromIpPlan, FileHash, FileProfilePlan, Plan, PlanKind};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::schema::{Availability, ColumnSchema, TableSchema};
use crate::table::{Field, Schema, Undetermined};
use crate::value::{Type, Value};

/// The functions this module binds, with their signatures, for the support page and for
/// "did you mean" hints.
pub const DEFENDER_FUNCTIONS: &[(&str, &str)] = &[
    ("DeviceFromIP", "T | invoke DeviceFromIP([IPColumn])"),
    (
        "FileProfile",
        "T | invoke FileProfile([FileIdColumn [, MaxRecords]])",
    ),
];

/// The output columns that `FileProfile()` adds, in the order of its reference page
/// (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
pub const FILE_PROFILE_COLUMNS: [(&str, Type); 18] = [
    ("SHA1", Type::String),
    ("SHA256", Type::String),
    ("MD5", Type::String),
    ("FileSize", Type::Int),
    ("GlobalPrevalence", Type::Int),
    ("GlobalFirstSeen", Type::DateTime),
    ("GlobalLastSeen", Type::DateTime),
    ("Signer", Type::String),
    ("Issuer", Type::String),
    ("SignerHash", Type::String),
    ("IsCertificateValid", Type::Bool),
    ("IsRootSignerMicrosoft", Type::Bool),
    ("SignatureState", Type::String),
    ("IsExecutable", Type::Bool),
    ("ThreatName", Type::String),
    ("Publisher", Type::String),
    ("SoftwareName", Type::String),
    ("ProfileAvailability", Type::String),
];

/// The output columns of `DeviceFromIP()`
/// (learn.microsoft.com/defender-xdr/advanced-hunting-devicefromip-function).
pub const DEVICE_FROM_IP_COLUMNS: [(&str, Type); 2] =
    [("IP", Type::String), ("DeviceId", Type::String)];

/// The largest record limit that the FileProfile() reference allows.
pub const FILE_PROFILE_MAX_LIMIT: i64 = 1000;

/// The record limit of `FileProfile()` without a second argument.
const FILE_PROFILE_DEFAULT_LIMIT: i64 = 100;

/// Returns the documented schema of the table that substitutes for a Defender function,
/// so that loading a file with that name gives its columns the documented types.
pub fn enrichment_table(name: &str) -> Option<&'static TableSchema> {
    static TABLES: OnceLock<[TableSchema; 2]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        [
            table_schema("FileProfile", &FILE_PROFILE_COLUMNS),
            table_schema("DeviceFromIP", &DEVICE_FROM_IP_COLUMNS),
        ]
    });
    tables.iter().find(|table| table.name == name)
}

fn table_schema(name: &str, columns: &[(&str, Type)]) -> TableSchema {
    TableSchema {
        name: name.to_string(),
        columns: columns
            .iter()
            .map(|(column, ty)| ColumnSchema {
                name: (*column).to_string(),
                ty: *ty,
                availability: Availability::Xdr,
                sentinel_ty: None,
            })
            .collect(),
    }
}

/// Returns true for a Defender function that returns a table, so that `let x = f(…)` binds a
/// tabular value.
pub fn is_tabular_function(name: &str) -> bool {
    DEFENDER_FUNCTIONS.iter().any(|(known, _)| *known == name)
}

/// Returns the error for a Defender function used where a scalar or a table name is
/// expected: it only runs with `invoke` on a table.
pub fn misuse_error(name: &str, span: Span) -> Option<Error> {
    if !is_tabular_function(name) {
        return None;
    }
    Some(
        Error::at(
            ErrorKind::TypeMismatch,
            span,
            format!(
                "`{name}()` takes a table and returns one, so call it with `invoke` after a table"
            ),
        )
        .with_hint(match name {
            "DeviceFromIP" => "DeviceNetworkEvents | distinct IP = LocalIP | invoke DeviceFromIP()",
            _ => "DeviceFileEvents | distinct SHA1 | invoke FileProfile()",
        }),
    )
}

/// Binds `piped | invoke name(args)` for a Defender function, or returns `None` when
/// `name` is not one.
pub fn bind_call(
    binder: &mut Binder<'_>,
    name: &Ident,
    args: &[Expr],
    piped: Option<Plan>,
) -> Option<Result<Plan>> {
    if let Some(reason) = undocumented(&name.name) {
        return Some(Err(Error::unsupported(
            name.span.clone(),
            format!("`{}()` is not supported yet: {reason}", name.name),
        )
        .with_hint(format!(
            "define it yourself in a file of `let` statements passed with --prelude, such as: {}",
            prelude_example(&name.name)
        ))));
    }
    if !is_tabular_function(&name.name) {
        return None;
    }
    let Some(input) = piped else {
        return Some(Err(misuse_error(&name.name, name.span.clone())?));
    };
    // The function reads the supplied table of its own name when the query runs.
    binder.tables_named.insert(name.name.clone());
    let bound = match name.name.as_str() {
        "FileProfile" => bind_file_profile(binder, input, name, args),
        _ => bind_device_from_ip(binder, input, name, args),
    };
    Some(bound)
}

/// A `let` statement that defines a replacement for an unsupported Defender function.
fn prelude_example(name: &str) -> String {
    if name == "AssignedIPAddresses" {
        return "let AssignedIPAddresses = (x:string, y:datetime = datetime(null)) { externaldata(Timestamp:datetime, IPAddress:string)['addresses.csv'] with (format='csv', ignoreFirstRecord=true) };".to_string();
    }
    format!("let {name} = (T:(*)) {{ T }};")
}

/// Returns the reason why a Defender function whose reference page leaves its output
/// undefined is not run.
fn undocumented(name: &str) -> Option<&'static str> {
    match name {
        // learn.microsoft.com/defender-xdr/advanced-hunting-seenby-function lists one output
        // column, DeviceId, but not whether the input rows are kept or how an output row
        // relates to them, and published queries read a `SeenBy` column it does not list.
        "SeenBy" => Some(
            "its reference page lists one output column, DeviceId, but does not state how the output rows relate to the input rows",
        ),
        // learn.microsoft.com/defender-xdr/advanced-hunting-assignedipaddresses-function
        // types ConnectedNetworks as int while describing JSON arrays, and its own example
        // reads a DeviceName column that the output list lacks.
        "AssignedIPAddresses" => Some(
            "its reference page does not define which addresses count as the latest, and its output columns contradict its example",
        ),
        _ => None,
    }
}

/// `T | invoke FileProfile([x [, y]])`: T's columns, then the profile columns other than
/// the key (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
///
/// A profile column whose name T already has is added as an undetermined column, and
/// T's column of that name becomes undetermined, because the reference page does not
/// state how the two are combined. A query may pass them on or drop them, but not read
/// or show them.
fn bind_file_profile(
    binder: &mut Binder<'_>,
    input: Plan,
    name: &Ident,
    args: &[Expr],
) -> Result<Plan> {
    let (key_arg, limit_arg) = match args {
        [] => (None, None),
        [key] => (Some(key), None),
        [key, limit] => (Some(key), Some(limit)),
        [.., last] => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                name.span.start..last.span.end,
                super::names::argument_count_message("FileProfile", "0 to 2", args.len()),
            ))
        }
    };

    let (key_name, key_span) = match key_arg {
        Some(arg) => column_argument(binder, arg, &input.schema, "FileProfile", "SHA1")?,
        None => ("SHA1".to_string(), name.span.clone()),
    };
    let hash = match key_name.as_str() {
        "SHA1" | "InitiatingProcessSHA1" => FileHash::Sha1,
        "SHA256" | "InitiatingProcessSHA256" => FileHash::Sha256,
        _ => {
            return Err(Error::unsupported(
                key_span,
                format!(
                    "FileProfile() on the column `{key_name}` is not supported yet: its reference page lists only SHA1, SHA256, InitiatingProcessSHA1 and InitiatingProcessSHA256"
                ),
            )
            .with_hint(format!(
                "if `{key_name}` contains SHA-256 hashes, rename it first: `| project-rename SHA256 = {key_name}`"
            )))
        }
    };
    let key = string_column(&input.schema, &key_name, &key_span, "FileProfile")?;

    let limit = match limit_arg {
        Some(arg) => record_limit(binder, arg)?,
        None => FILE_PROFILE_DEFAULT_LIMIT,
    };
    warn_about_extra_columns(binder, &name.span);

    let mut fields = input.schema.fields.clone();
    let mut added = Vec::new();
    for (position, (column, ty)) in FILE_PROFILE_COLUMNS.iter().enumerate() {
        if *column == key_name {
            // The key column stays as the input has it, because a profile found for it has
            // the same hash.
            continue;
        }
        let profile_field = match input.schema.index_of_any(column) {
            Some(clash) => {
                // NOTE: the reference page does not state whether the profile's column
                // replaces the input's, is left out, or is added under another name, so
                // the input's column and the added one are both undetermined.
                if !fields[clash].is_undetermined() {
                    fields[clash] = Field {
                        undetermined: Some(Arc::new(clashing_input_column(column))),
                        ..fields[clash].clone()
                    };
                }
                let placeholder = unique_name(column, &Schema::new(fields.clone()));
                let reason = added_profile_column(column, &placeholder);
                Field::undetermined(placeholder, *ty, reason)
            }
            None => Field::new(*column, *ty),
        };
        fields.push(profile_field);
        added.push(position);
    }

    Ok(Plan {
        kind: PlanKind::FileProfile(Box::new(FileProfilePlan {
            input,
            key,
            hash,
            limit,
            added,
        })),
        schema: Schema::new(fields),
        span: name.span.clone(),
    })
}

/// Describes the input's column `column` after FileProfile() adds a profile column of
/// the same name.
fn clashing_input_column(column: &str) -> Undetermined {
    Undetermined {
        name_known: true,
        reason: format!(
            "after FileProfile() on a table with a `{column}` column, `{column}` may hold the input's value or the profile's, and its reference page does not say which"
        ),
        hint: clash_hint(column),
    }
}

/// Describes the column `placeholder` that stands for the profile's `column` when the
/// input already has a column of that name.
fn added_profile_column(column: &str, placeholder: &str) -> Undetermined {
    Undetermined {
        name_known: false,
        reason: format!(
            "after FileProfile() on a table with a `{column}` column, the profile's `{column}` may replace it, be left out, or be added as another column such as `{placeholder}`, and its reference page does not say which"
        ),
        hint: clash_hint(column),
    }
}

fn clash_hint(column: &str) -> String {
    format!(
        "remove or rename `{column}` before `invoke`, with `| project-away {column}` or `| project-rename File{column} = {column}`, or keep only the columns you need with `project` after it"
    )
}

/// Warns about the columns of the loaded `FileProfile` table that are not output columns
/// of `FileProfile()`. Other loaded tables keep columns beyond their schema, but this
/// function's output columns are fixed by its reference page, so such a column is left out
/// of the result, and a misspelled profile column would otherwise go unnoticed.
fn warn_about_extra_columns(binder: &mut Binder<'_>, call: &Span) {
    let Some(supplied) = binder.tables.schema("FileProfile") else {
        return;
    };
    let documented = FILE_PROFILE_COLUMNS.iter().map(|(column, _)| *column);
    let extra: Vec<String> = supplied
        .names()
        .filter(|column| !documented.clone().any(|known| known == *column))
        .map(
            |column| match crate::error::closest(column, documented.clone()) {
                Some(known) => format!("`{column}` (did you mean `{known}`?)"),
                None => format!("`{column}`"),
            },
        )
        .collect();
    if extra.is_empty() {
        return;
    }
    binder.warn(
        call,
        &format!(
        "the loaded `FileProfile` table has columns that FileProfile() does not return, so they are ignored: {}",
        extra.join(", ")
    ),
    );
}

/// Reads FileProfile's record limit, a constant from 1 up. The reference page
/// (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function) allows 1 to
/// 1000 records. A larger limit is accepted and counts as 1000, because published
/// queries pass one: Bert-JanP/Hunting-Queries-Detection-Rules, file
/// "Defender For Endpoint/RareISOFile.md", calls `invoke FileProfile("SHA1", 10000)`.
/// NOTE: the page does not state what Defender XDR does with such a limit, so counting it
/// as 1000 is the engine's choice.
fn record_limit(binder: &mut Binder<'_>, arg: &Expr) -> Result<i64> {
    let value = super::plugins::constant(binder, arg, "FileProfile")?;
    let limit = match value {
        Value::Int(_) | Value::Long(_) => value.as_i64(),
        _ => None,
    };
    match limit {
        Some(limit) if limit >= 1 => Ok(limit.min(FILE_PROFILE_MAX_LIMIT)),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            arg.span.clone(),
            format!(
                "the record limit of FileProfile() must be a whole number from 1 to {FILE_PROFILE_MAX_LIMIT}, not `{}`",
                value.to_kql_literal()
            ),
        )),
    }
}

/// `T | invoke DeviceFromIP([x])`: one row per device assigned to an IP address of T, with
/// the columns IP and DeviceId
/// (learn.microsoft.com/defender-xdr/advanced-hunting-devicefromip-function).
fn bind_device_from_ip(
    binder: &mut Binder<'_>,
    input: Plan,
    name: &Ident,
    args: &[Expr],
) -> Result<Plan> {
    let (key_name, key_span) = match args {
        [] => ("IP".to_string(), name.span.clone()),
        [key] => column_argument(binder, key, &input.schema, "DeviceFromIP", "IP")?,
        // NOTE: the reference page calls the second argument "the Timestamp" without
        // saying whether it is a column or a value, or how the time selects devices.
        [_, time, ..] => {
            return Err(Error::unsupported(
                time.span.clone(),
                "DeviceFromIP() with a time argument is not supported yet: its reference page does not state whether it is a column or a value, or how it selects devices",
            )
            .with_hint("call it with the IP column only, and supply the latest assignments in the DeviceFromIP table"))
        }
    };
    let key = string_column(&input.schema, &key_name, &key_span, "DeviceFromIP")?;
    let fields = DEVICE_FROM_IP_COLUMNS
        .iter()
        .map(|(column, ty)| Field::new(*column, *ty))
        .collect();
    Ok(Plan {
        kind: PlanKind::DeviceFromIp(Box::new(DeviceFromIpPlan { input, key })),
        schema: Schema::new(fields),
        span: name.span.clone(),
    })
}

/// Reads a column argument: a column name, or a string constant that names a column (the
/// reference pages show both `FileProfile(SHA1)` and `FileProfile("SHA1")`). Any other
/// expression is an error, because the argument names the column to read and is not a
/// value ("file ID column to use",
/// learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
fn column_argument(
    binder: &mut Binder<'_>,
    arg: &Expr,
    schema: &Schema,
    function: &str,
    default_column: &str,
) -> Result<(String, Span)> {
    if let ExprKind::Name(name) = &arg.kind {
        if schema.index_of(name).is_some() || binder.lookup_binding(name).is_none() {
            return Ok((name.clone(), arg.span.clone()));
        }
    }
    // Binding against the input distinguishes an expression over its columns, such as
    // `tolower(SHA1)`, from a constant.
    let bound = binder.bind_scalar(arg, schema)?;
    match bound.kind {
        BoundKind::Literal(Value::String(text)) => Ok((text.to_string(), arg.span.clone())),
        BoundKind::Literal(other) => Err(Error::at(
            ErrorKind::TypeMismatch,
            arg.span.clone(),
            format!(
                "the first argument of {function}() must name a column, not `{}`",
                other.to_kql_literal()
            ),
        )),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            arg.span.clone(),
            format!(
                "the first argument of {function}() must be a column name, or a string that names a column, not an expression"
            ),
        )
        .with_hint(format!(
            "compute the value into a column before `invoke`, as in `| extend {default_column} = … | invoke {function}({default_column})`"
        ))),
    }
}

/// Returns the position of a string column of the input, or an error naming it.
fn string_column(schema: &Schema, name: &str, span: &Span, function: &str) -> Result<usize> {
    let Some(position) = schema.index_of(name) else {
        if let Some(error) = super::names::undetermined_reference(name, span.clone(), schema) {
            return Err(error);
        }
        // Marked as a missing column, so that `kql check` may take it from an input whose
        // columns only data determines, such as a workspace function's result.
        let mut error = Error::at(
            ErrorKind::UnknownName,
            span.clone(),
            format!("{function}() reads the column `{name}`, which its input does not have"),
        )
        .with_unknown_column(name);
        if let Some(suggestion) = crate::error::closest(name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        return Err(error);
    };
    let ty = schema.fields.get(position).map(|field| field.ty);
    if ty != Some(Type::String) {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            span.clone(),
            format!("{function}() needs `{name}` to be a string column"),
        )
        .with_hint(format!(
            "convert it first: `| extend {name} = tostring({name})`"
        )));
    }
    Ok(position)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::engine;
    use crate::table::Table;

    /// Binds `query` against one empty table `T(SHA1:string, N:long)`, without data for
    /// the Defender functions.
    fn bind(query: &str) -> crate::error::Result<Schema> {
        bind_with_tables(query, HashMap::new()).map(|bound| bound.plan.schema)
    }

    /// Binds `query` against the empty table `T(SHA1:string, N:long)` and `tables`.
    fn bind_with_tables(
        query: &str,
        mut tables: HashMap<String, Arc<Table>>,
    ) -> crate::error::Result<crate::binder::BoundQuery> {
        let schema = Schema::new(vec![
            Field::new("SHA1", Type::String),
            Field::new("N", Type::Long),
        ]);
        tables.insert("T".to_string(), Arc::new(Table::empty(schema)));
        engine::check(query, &tables)
    }

    /// Binds `query`, a FileProfile() call on T, and returns the plan's record limit.
    fn bound_limit(query: &str) -> i64 {
        let bound = bind_with_tables(query, HashMap::new()).expect("binds");
        match bound.plan.kind {
            PlanKind::FileProfile(profile) => profile.limit,
            other => panic!("expected a FileProfile plan, got {other:?}"),
        }
    }

    // The reference page allows 1 to 1000 records and uses 100 without a limit
    // (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function). A larger
    // limit is the engine's choice: it counts as 1000.
    #[test]
    fn file_profile_limit_capped_at_1000() {
        assert_eq!(bound_limit("T | invoke FileProfile()"), 100);
        assert_eq!(bound_limit("T | invoke FileProfile(SHA1, 1)"), 1);
        assert_eq!(bound_limit("T | invoke FileProfile(SHA1, 1000)"), 1000);
        assert_eq!(bound_limit("T | invoke FileProfile(SHA1, 1001)"), 1000);
        assert_eq!(bound_limit("T | invoke FileProfile(SHA1, 10000)"), 1000);
    }

    #[test]
    fn file_profile_argument_count_span() {
        let query = "T | invoke FileProfile(SHA1, 10, 2)";
        let error = bind(query).expect_err("three arguments");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        let span = error.span.expect("span");
        assert_eq!(&query[span], "FileProfile(SHA1, 10, 2");
    }

    // Columns beyond the reference page's output columns cannot reach the result, so
    // they are named in a warning, with a hint for a near miss.
    #[test]
    fn file_profile_extra_columns_warn() {
        let supplied = Schema::new(vec![
            Field::new("SHA1", Type::String),
            Field::new("GlobalPrevalance", Type::Long),
            Field::new("Comment", Type::String),
        ]);
        let mut tables = HashMap::new();
        tables.insert("FileProfile".to_string(), Arc::new(Table::empty(supplied)));
        let bound = bind_with_tables("T | invoke FileProfile()", tables).expect("binds");
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(
            bound.warnings[0].message.contains("`Comment`"),
            "{}",
            bound.warnings[0]
        );
        assert!(
            bound.warnings[0]
                .message
                .contains("`GlobalPrevalance` (did you mean `GlobalPrevalence`?)"),
            "{}",
            bound.warnings[0]
        );
        assert!(
            !bound.warnings[0].message.contains("`SHA1`"),
            "{}",
            bound.warnings[0]
        );

        let documented = Schema::new(vec![Field::new("SHA1", Type::String)]);
        let mut tables = HashMap::new();
        tables.insert(
            "FileProfile".to_string(),
            Arc::new(Table::empty(documented)),
        );
        let bound = bind_with_tables("T | invoke FileProfile()", tables).expect("binds");
        assert!(bound.warnings.is_empty(), "{:?}", bound.warnings);
    }

    // The added columns and types are those of the reference page's table
    // (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
    #[test]
    fn file_profile_schema_appends_documented_columns() {
        let schema = bind("T | invoke FileProfile()").expect("binds");
        let names: Vec<&str> = schema.names().collect();
        assert_eq!(names[..3], ["SHA1", "N", "SHA256"]);
        assert_eq!(names.len(), 2 + FILE_PROFILE_COLUMNS.len() - 1);
        assert_eq!(
            schema.field("FileSize").map(|field| field.ty),
            Some(Type::Int)
        );
        assert_eq!(
            schema.field("IsRootSignerMicrosoft").map(|field| field.ty),
            Some(Type::Bool)
        );
    }

    #[test]
    fn file_profile_argument_forms() {
        assert!(bind("T | invoke FileProfile(SHA1, 1000)").is_ok());
        assert!(bind("T | invoke FileProfile('SHA1', 10000)").is_ok());
        assert!(bind("let n = 500; T | invoke FileProfile(\"SHA1\", n)").is_ok());
        let zero = bind("T | invoke FileProfile(SHA1, 0)").expect_err("limit 0");
        assert_eq!(zero.kind, ErrorKind::TypeMismatch);
        let other = bind("T | extend x = SHA1 | invoke FileProfile(x)").expect_err("column x");
        assert_eq!(other.kind, ErrorKind::Unsupported);
        let missing = bind("T | invoke FileProfile(SHA256)").expect_err("no SHA256");
        assert_eq!(missing.kind, ErrorKind::UnknownName);
        let number = bind("T | invoke FileProfile(N)").expect_err("long column");
        assert_eq!(number.kind, ErrorKind::Unsupported);
    }

    // DeviceFromIP() returns exactly the columns IP and DeviceId
    // (learn.microsoft.com/defender-xdr/advanced-hunting-devicefromip-function).
    #[test]
    fn device_from_ip_schema() {
        let schema = bind("T | project IP = SHA1 | invoke DeviceFromIP()").expect("binds");
        assert_eq!(schema.names().collect::<Vec<_>>(), ["IP", "DeviceId"]);
        let timed = bind("T | project IP = SHA1, Time = now() | invoke DeviceFromIP(IP, Time)")
            .expect_err("time argument");
        assert_eq!(timed.kind, ErrorKind::Unsupported);
    }

    #[test]
    fn misuse_outside_invoke() {
        let scalar = bind("T | extend x = FileProfile(SHA1)").expect_err("scalar use");
        assert_eq!(scalar.kind, ErrorKind::TypeMismatch);
        let source = bind("FileProfile | take 1").expect_err("table name");
        assert_eq!(source.kind, ErrorKind::TypeMismatch);
    }

    /// Binds `query` against the empty tables `T(SHA1:string, N:long)` and
    /// `Files(FileName:string, SHA1:string, SHA256:string)`, whose SHA256 clashes with the
    /// profile's.
    fn bind_files(query: &str) -> crate::error::Result<Schema> {
        let files = Schema::new(vec![
            Field::new("FileName", Type::String),
            Field::new("SHA1", Type::String),
            Field::new("SHA256", Type::String),
        ]);
        let mut tables = HashMap::new();
        tables.insert("Files".to_string(), Arc::new(Table::empty(files)));
        bind_with_tables(query, tables).map(|bound| bound.plan.schema)
    }

    const PROFILED: &str = "Files | invoke FileProfile(SHA1, 1000)";

    /// Asserts that `query` fails as not supported, with a message that contains `text`.
    fn assert_undetermined(query: &str, text: &str) {
        let error = bind_files(query).expect_err(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}: {error}");
        assert!(error.message.contains(text), "{query}: {}", error.message);
        assert!(error.unknown_column.is_none(), "{query}");
        assert!(
            error
                .hints
                .iter()
                .any(|hint| hint.contains("project-away SHA256")),
            "{query}: {:?}",
            error.hints
        );
    }

    // The reference page does not state how FileProfile() names a profile column that the
    // input already has, so the input's SHA256 and the profile's are both undetermined
    // (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
    #[test]
    fn clashing_column_reference_rejected() {
        let references = [
            "| where SHA256 == ''",
            "| extend x = strlen(SHA256)",
            "| summarize count() by SHA256",
            "| sort by SHA256",
            "| project-rename FileSHA256 = SHA256",
            "| project-keep SHA256",
            "| project-reorder SHA256",
            "| extend x = column_ifexists('SHA256', '')",
            "| join kind=inner (Files) on SHA256",
            "| lookup (Files) on SHA256",
            "| extend d = pack_array(SHA256) | mv-expand d",
            "| mv-expand SHA256 = pack_array(1)",
            "| extend SHA256 = 'x'",
            "| project FileName, SHA2561",
            "| project-away SHA2561",
            "| invoke FileProfile(SHA256)",
        ];
        for reference in references {
            assert_undetermined(&format!("{PROFILED} {reference}"), "FileProfile()");
        }
    }

    // Reading an undetermined column is an error, so a "did you mean" hint must not
    // offer one: not the input's `SHA256`, and not the placeholder `SHA2561`.
    #[test]
    fn undetermined_columns_not_suggested() {
        let queries = [
            "| project-away SHA256 | project-away SHA256",
            "| project SHA256x",
            "| project SHA25611",
            "| where SHA2561x == ''",
        ];
        for query in queries {
            let query = format!("{PROFILED} {query}");
            let error = bind_files(&query).expect_err(&query);
            assert_eq!(error.kind, ErrorKind::UnknownName, "{query}: {error}");
            for hint in &error.hints {
                assert!(!hint.contains("SHA256"), "{query}: {hint}");
            }
        }
        // A determined column close to the typo is still offered.
        let error = bind_files(&format!("{PROFILED} | project FileNam")).expect_err("typo");
        assert_eq!(error.hints, ["did you mean `FileName`?"]);
    }

    // The first argument names the file ID column ("file ID column to use" on the
    // reference page), so an expression over a column is not a column name.
    #[test]
    fn file_profile_expression_argument_rejected() {
        let error = bind("T | invoke FileProfile(tolower(SHA1))").expect_err("expression");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        assert!(
            error.message.contains(
                "must be a column name, or a string that names a column, not an expression"
            ),
            "{}",
            error.message
        );
        assert_eq!(
            error.hints,
            ["compute the value into a column before `invoke`, as in `| extend SHA1 = … | invoke FileProfile(SHA1)`"]
        );
        let typo = bind("T | invoke FileProfile(tolower(SHA))").expect_err("unknown column");
        assert_eq!(typo.kind, ErrorKind::UnknownName);
        assert_eq!(typo.hints, ["did you mean `SHA1`?"]);
    }

    // A string limit fails with the value written as a string literal, so that the message
    // shows its type.
    #[test]
    fn file_profile_argument_values_quoted() {
        let limit = bind("T | invoke FileProfile(SHA1, '5')").expect_err("string limit");
        assert!(limit.message.ends_with("not `\"5\"`"), "{}", limit.message);
        let real = bind("T | invoke FileProfile(SHA1, 2.0)").expect_err("real limit");
        assert!(real.message.ends_with("not `real(2)`"), "{}", real.message);
        let column = bind("T | invoke FileProfile(5)").expect_err("number as column");
        assert!(column.message.ends_with("not `5`"), "{}", column.message);
    }

    #[test]
    fn clashing_column_dropped_by_projection() {
        let queries = [
            "| project FileName, GlobalPrevalence",
            "| where GlobalPrevalence <= 50 | distinct FileName",
            "| summarize count() by FileName",
            "| summarize arg_max(GlobalPrevalence, *) by FileName | project FileName, GlobalPrevalence",
            "| join kind=leftouter (Files) on SHA1 | distinct FileName",
            "| project-away SHA256 | project SHA1, GlobalPrevalence",
            "| project-away SHA2* | project SHA1, GlobalPrevalence",
        ];
        for query in queries {
            let query = format!("{PROFILED} {query}");
            let schema = bind_files(&query).unwrap_or_else(|error| panic!("{query}: {error}"));
            assert!(schema.first_undetermined().is_none(), "{query}");
        }
    }

    #[test]
    fn clashing_column_in_result_rejected() {
        assert_undetermined(PROFILED, "a query result with the column `SHA256`");
        // The input's SHA256 is gone, but the profile's may still be a column.
        assert_undetermined(
            &format!("{PROFILED} | project-away SHA256"),
            "a query result with the column `SHA2561`",
        );
        assert_undetermined(
            &format!("{PROFILED} | summarize arg_max(GlobalPrevalence, *) by FileName"),
            "a query result",
        );
        assert_undetermined(
            &format!("{PROFILED} | where GlobalPrevalence < 5 | take 10 | sort by FileName"),
            "a query result",
        );
        assert_undetermined(&format!("union ({PROFILED}), Files"), "a query result");
    }

    #[test]
    fn every_column_operations_rejected() {
        let cases = [
            ("| extend x = pack_all() | project x", "`pack_all()`"),
            ("| getschema", "`getschema`"),
            ("| distinct *", "`distinct *`"),
            ("| project-keep File*", "a wildcard in `project-keep`"),
            (
                "| project-reorder G* | project FileName",
                "a wildcard in `project-reorder`",
            ),
            ("| evaluate bag_unpack(x)", "`bag_unpack`"),
        ];
        for (operation, text) in cases {
            assert_undetermined(&format!("{PROFILED} {operation}"), text);
        }
        assert_undetermined(
            &format!("print x = toscalar({PROFILED} | project-away SHA256)"),
            "`toscalar`",
        );
    }

    // Operators that rebuild their fields keep the mark: a join's right side, a lookup's,
    // a union's merged columns and the columns that `*` passes through an aggregate.
    #[test]
    fn undetermined_mark_survives_operators() {
        let cases = [
            "Files | join kind=inner (Files | invoke FileProfile()) on SHA1 | project SHA2561",
            "Files | lookup (Files | invoke FileProfile()) on SHA1 | project SHA2561",
            "union (Files | invoke FileProfile()), (T | extend SHA256 = 1) | project SHA256_long",
            "Files | invoke FileProfile() | summarize take_any(*) | project SHA256",
            "Files | invoke FileProfile() | project-away SHA256 | union Files | project SHA2561",
            "Files | invoke FileProfile() | invoke FileProfile() | project SHA2561",
        ];
        for query in cases {
            assert_undetermined(query, "FileProfile()");
        }
        // A column that a join numbers after a column of unknown name has an unknown
        // number too.
        let renamed = bind_files(&format!(
            "{PROFILED} | join kind=inner (Files) on SHA1 | project FileName1"
        ))
        .expect_err("numbered after SHA2561");
        assert_eq!(renamed.kind, ErrorKind::Unsupported, "{renamed}");
        assert!(renamed.message.contains("`SHA2561`"), "{}", renamed.message);
    }

    #[test]
    fn clashing_columns_schema() {
        let schema = bind_files(&format!("{PROFILED} | project-away SHA256 | take 0"))
            .expect_err("placeholder in the result");
        assert_eq!(schema.kind, ErrorKind::Unsupported);
        let bound = bind_files(&format!(
            "{PROFILED} | project FileName, SHA1, MD5, FileSize"
        ))
        .expect("binds");
        assert_eq!(
            bound.names().collect::<Vec<_>>(),
            ["FileName", "SHA1", "MD5", "FileSize"]
        );
        assert_eq!(bound.fields[3].ty, Type::Int);
    }

    #[test]
    fn enrichment_tables_have_documented_names() {
        let profile = enrichment_table("FileProfile").expect("FileProfile");
        assert_eq!(profile.columns.len(), FILE_PROFILE_COLUMNS.len());
        assert!(enrichment_table("DeviceFromIP").is_some());
        assert!(enrichment_table("SeenBy").is_none());
    }
}
