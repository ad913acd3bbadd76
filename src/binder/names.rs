//! Name errors with suggestions, and the names Kusto gives to unnamed columns.

use super::result_names::result_name;
use crate::ast::{Expr, Span};
use crate::error::{closest, Error, ErrorKind};
use std::sync::Arc;

use crate::table::{Field, Schema, Undetermined};

/// "unknown column" with the closest column or variable name as a hint, or the list of
/// available columns when nothing is close. Neither hint offers an undetermined column,
/// because reading one is an error. A name of an undetermined column gets the error of
/// [`undetermined_reference`] instead.
pub fn unknown_column(name: &str, span: Span, schema: &Schema, variables: &[String]) -> Error {
    if let Some(error) = undetermined_reference(name, span.clone(), schema) {
        return error;
    }
    // `union` keeps a column whose type differs between its inputs once per type, as
    // `v_long` and `v_real`. That is a type error, and the split names are closer to the
    // intent than any typo fix.
    let prefix = format!("{name}_");
    let split: Vec<&str> = schema
        .names()
        .filter(|column| {
            column
                .strip_prefix(&prefix)
                .is_some_and(|suffix| crate::value::Type::from_name(suffix).is_some())
        })
        .collect();
    if split.len() > 1 {
        let listed = split
            .iter()
            .map(|column| format!("`{column}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        return Error::at(
            ErrorKind::TypeMismatch,
            span,
            format!(
                "`{name}` is not a column, but {listed} are: `union` splits a column whose \
                 inputs give it different types into one column per type"
            ),
        )
        .with_hint(format!(
            "use one of them, or convert `{name}` to one type in each input of `union`"
        ));
    }
    let mut error = Error::at(
        ErrorKind::UnknownName,
        span,
        format!("`{name}` does not refer to any known column, table, variable or function"),
    )
    .with_unknown_column(name);
    let candidates = schema
        .determined_names()
        .chain(variables.iter().map(String::as_str));
    if let Some(suggestion) = closest(name, candidates) {
        error = error.with_hint(format!("did you mean `{suggestion}`?"));
    } else {
        let available: Vec<&str> = schema.determined_names().collect();
        if !available.is_empty() {
            let more = if available.len() > 20 { ", …" } else { "" };
            let listed = available[..available.len().min(20)].join(", ");
            error = error.with_hint(format!("available columns: {listed}{more}"));
        }
    }
    error
}

/// Returns the error for a query that names an undetermined column of `schema`, or
/// `None` when `name` is not one. Lookups by name skip such columns, so every place that
/// reports a name as not found calls this first.
pub fn undetermined_reference(name: &str, span: Span, schema: &Schema) -> Option<Error> {
    let field = schema.undetermined(name)?;
    undetermined_error(field, span, &format!("reading `{name}`"))
}

/// Returns the error for an operation, such as "reading `SHA256`" or "`pack_all()`",
/// that would show the values or the name of `field`, or `None` when `field` is not
/// undetermined. The error is not marked as an unknown column, so `kql check` never takes
/// it for a column that a plugin could create.
pub fn undetermined_error(field: &Field, span: Span, operation: &str) -> Option<Error> {
    let undetermined = field.undetermined.as_ref()?;
    Some(
        Error::unsupported(
            span,
            format!("{operation} is not supported yet: {}", undetermined.reason),
        )
        .with_hint(undetermined.hint.clone()),
    )
}

/// Returns an error when `schema` has an undetermined column, for an operation that
/// shows every column's value or name. `operation` describes the operation for that
/// column's name, such as "a result with the column `SHA256`".
pub fn reject_undetermined(
    schema: &Schema,
    span: Span,
    operation: impl Fn(&str) -> String,
) -> Result<(), Error> {
    let Some(field) = schema.first_undetermined() else {
        return Ok(());
    };
    match undetermined_error(field, span, &operation(&field.name)) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The hint for a query that names a table when none is loaded, as the command line
/// loads them. The REPL replaces it with its own command.
pub const NO_TABLES_HINT: &str =
    "no tables are loaded; load one with --table NAME=PATH or --data DIR";

/// "unknown table" with the closest table or tabular variable as a hint. For a table of
/// the built-in catalog, a first hint names the options that load its export, because the
/// query is most likely right and the table is only missing from the inputs.
pub fn unknown_table(name: &str, span: Span, tables: &[String]) -> Error {
    let mut error = Error::at(
        ErrorKind::UnknownName,
        span,
        format!("table `{name}` not found"),
    );
    let catalog_table = crate::schema::builtin(name);
    if let Some(catalog_table) = catalog_table {
        error = error.with_hint(not_loaded_hint(name, catalog_table));
    }
    match closest(name, tables.iter().map(String::as_str)) {
        Some(suggestion) => error = error.with_hint(format!("did you mean `{suggestion}`?")),
        None if tables.is_empty() && catalog_table.is_some() => {}
        None if tables.is_empty() => error = error.with_hint(NO_TABLES_HINT),
        None => {
            let listed: Vec<&str> = tables.iter().map(String::as_str).take(20).collect();
            let more = match tables.len().saturating_sub(listed.len()) {
                0 => String::new(),
                hidden => format!(" and {hidden} more"),
            };
            error = error.with_hint(format!("known tables: {}{more}", listed.join(", ")));
        }
    }
    if catalog_table.is_none() && closest(name, tables.iter().map(String::as_str)).is_none() {
        error = error.with_hint(format!(
            "if `{name}` is a function saved in the workspace, pass its definition in a file of `let` statements with --prelude FILE"
        ));
    }
    error
}

/// The words that start the hint of [`not_loaded_hint`] after the table's name and
/// product, up to the command-line options.
const NOT_LOADED_HINT_MIDDLE: &str = " table, but its export is not loaded; load it with ";

/// Returns the hint for a catalog table that no input supplies, such as "`DeviceFileEvents`
/// is a Defender XDR table, but its export is not loaded; load it with …".
fn not_loaded_hint(name: &str, catalog_table: &crate::schema::TableSchema) -> String {
    use crate::schema::Product;
    let product = match (
        catalog_table.in_product(Product::Xdr),
        catalog_table.in_product(Product::Sentinel),
    ) {
        (true, false) => Product::Xdr.display_name().to_string(),
        (false, true) => Product::Sentinel.display_name().to_string(),
        _ => format!(
            "{} and {}",
            Product::Xdr.display_name(),
            Product::Sentinel.display_name()
        ),
    };
    format!(
        "`{name}` is a {product}{NOT_LOADED_HINT_MIDDLE}--table {name}=FILE, or put \
         {name}.csv, {name}.json or {name}.jsonl in a folder given with --data DIR"
    )
}

/// Returns the table that a hint from [`not_loaded_hint`] names, so that the shell can
/// replace the hint with its own command, or `None` for any other hint.
pub fn table_of_not_loaded_hint(hint: &str) -> Option<&str> {
    let (start, _) = hint.split_once(NOT_LOADED_HINT_MIDDLE)?;
    let rest = start.strip_prefix('`')?;
    let (name, _) = rest.split_once("` is a ")?;
    Some(name)
}

/// Returns the table name of an error from [`unknown_table`], so that `kql test` can
/// match it against the tables that failed to load.
pub fn unknown_table_name(error: &Error) -> Option<&str> {
    if error.kind != ErrorKind::UnknownName {
        return None;
    }
    error
        .message
        .strip_prefix("table `")?
        .strip_suffix("` not found")
}

/// Returns the column name Kusto derives for an unnamed `extend`/`project` expression: the name
/// that [`result_name`] gives (`x` for `tostring(x)`, `a_b` for `a.b`, `strlen_s` for
/// `strlen(s)`), or else the first `ColumnN` not in `taken`. `input` is the operator's input,
/// which `column_ifexists` names depend on.
pub fn derived_column_name(expr: &Expr, input: &Schema, taken: &Schema) -> String {
    if let Some(name) = result_name(expr, input) {
        return name;
    }
    let mut number = 1;
    loop {
        let candidate = format!("Column{number}");
        if taken.index_of_any(&candidate).is_none() {
            return candidate;
        }
        number += 1;
    }
}

/// Makes `name` unique among `taken` by appending 1, 2, … as Kusto does for duplicate
/// column names in `lookup` and `join` output.
pub fn unique_name(name: &str, taken: &Schema) -> String {
    if taken.index_of_any(name).is_none() {
        return name.to_string();
    }
    let mut number = 1;
    loop {
        let candidate = format!("{name}{number}");
        if taken.index_of_any(&candidate).is_none() {
            return candidate;
        }
        number += 1;
    }
}

/// Returns `field` under a name unique among `taken`, numbered as [`unique_name`] does,
/// with its type and undetermined mark.
///
/// When `taken` has a column whose name is not known (see [`Undetermined::name_known`])
/// and `field` must be numbered, the number Kusto gives depends on that name, so the
/// numbered column is undetermined too.
// NOTE: this assumes that a column of unknown name could only clash with a numbered
// name, as Kusto numbers the columns that `join` and `lookup` rename.
pub fn unique_field(field: &Field, taken: &Schema) -> Field {
    let name = unique_name(&field.name, taken);
    if name == field.name {
        return field.clone();
    }
    let unknown = taken.fields.iter().find(|column| {
        column
            .undetermined
            .as_ref()
            .is_some_and(|undetermined| !undetermined.name_known)
    });
    let mut renamed = field.renamed(name.clone());
    if let Some(unknown) = unknown {
        let undetermined = match &field.undetermined {
            Some(own) => Undetermined {
                name_known: false,
                ..Undetermined::clone(own)
            },
            None => Undetermined {
                name_known: false,
                reason: format!(
                    "`{}` is renamed because another column has its name, and the number it gets depends on whether the column `{}` exists under that name",
                    field.name, unknown.name
                ),
                hint: unknown
                    .undetermined
                    .as_ref()
                    .map(|undetermined| undetermined.hint.clone())
                    .unwrap_or_default(),
            },
        };
        renamed.undetermined = Some(Arc::new(undetermined));
    }
    renamed
}

/// Returns an error when an operator that keeps its input's columns would assign
/// `name`, and `schema` has an undetermined column of that name. Kusto would replace
/// that column or add one, and which one is not known.
pub fn check_assignable(name: &str, span: Span, schema: &Schema) -> Result<(), Error> {
    match schema
        .undetermined(name)
        .and_then(|field| undetermined_error(field, span, &format!("assigning `{name}`")))
    {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Formats the message for a call with the wrong number of arguments, such as "`f` takes
/// 2 arguments, but got 3". `expected` is a count or a range such as "1 to 3".
pub fn argument_count_message(name: &str, expected: &str, actual: usize) -> String {
    let noun = if expected == "1" {
        "argument"
    } else {
        "arguments"
    };
    format!("`{name}` takes {expected} {noun}, but got {actual}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // DeviceFileEvents is in the built-in catalog, so the hint names the options that load
    // it. The shell and `kql test` find the table in that hint to give their own advice.
    #[test]
    fn unknown_catalog_table_hint_names_options() {
        let loaded = ["DeviceNetworkEvents".to_string()];
        let error = unknown_table("DeviceFileEvents", 0..16, &loaded);
        assert_eq!(unknown_table_name(&error), Some("DeviceFileEvents"));
        assert_eq!(error.hints.len(), 2, "{:?}", error.hints);
        let load = &error.hints[0];
        assert!(
            load.starts_with(
                "`DeviceFileEvents` is a Defender XDR and Microsoft Sentinel table, but its export is not loaded"
            ),
            "{load}"
        );
        assert!(load.contains("--table DeviceFileEvents=FILE"), "{load}");
        assert!(load.contains("DeviceFileEvents.csv"), "{load}");
        assert_eq!(error.hints[1], "known tables: DeviceNetworkEvents");
        assert_eq!(table_of_not_loaded_hint(load), Some("DeviceFileEvents"));
        assert_eq!(table_of_not_loaded_hint(&error.hints[1]), None);
    }

    #[test]
    fn unknown_catalog_table_names_product() {
        let error = unknown_table("AADNonInteractiveUserSignInLogs", 0..1, &[]);
        assert!(
            error.hints[0]
                .starts_with("`AADNonInteractiveUserSignInLogs` is a Microsoft Sentinel table"),
            "{}",
            error.hints[0]
        );
        // The hint already names the options that load the table, so the general one is left out.
        assert_eq!(error.hints.len(), 1, "{:?}", error.hints);
    }

    #[test]
    fn unknown_other_table_has_no_load_hint() {
        let error = unknown_table("MyEvents", 0..8, &[]);
        assert_eq!(error.hints.len(), 2, "{:?}", error.hints);
        assert_eq!(error.hints[0], NO_TABLES_HINT);
        // A name that is no table may be a function saved in the workspace.
        assert!(
            error.hints[1].contains("--prelude FILE"),
            "{}",
            error.hints[1]
        );
        let error = unknown_table("DeviceFileEvent", 0..15, &["DeviceFileEvents".to_string()]);
        assert_eq!(error.hints, ["did you mean `DeviceFileEvents`?"]);
    }
}
