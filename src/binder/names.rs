//! Name errors with suggestions, and the names Kusto gives to unnamed columns.

use super::result_names::result_name;
use crate::ast::{Expr, Span};
use crate::error::{closest, Error, ErrorKind};
use crate::table::Schema;

/// "unknown column" with the closest column or variable name as a hint, or the list of
/// available columns when nothing is close.
pub fn unknown_column(name: &str, span: Span, schema: &Schema, variables: &[String]) -> Error {
    let mut error = Error::at(
        ErrorKind::UnknownName,
        span,
        format!("`{name}` does not refer to any known column, table, variable or function"),
    )
    .with_unknown_column(name);
    // `union` keeps a column whose type differs between its inputs once per type, as
    // `v_long` and `v_real`, and those names are closer to the intent than any typo fix.
    let prefix = format!("{name}_");
    let split: Vec<&str> = schema
        .names()
        .filter(|column| {
            column
                .strip_prefix(&prefix)
                .is_some_and(|suffix| crate::value::Type::from_name(suffix).is_some())
        })
        .collect();
    let candidates = schema.names().chain(variables.iter().map(String::as_str));
    if split.len() > 1 {
        error = error.with_hint(format!(
            "the inputs of `union` give `{name}` different types, so it is split into {}; \
             use one of them, or convert `{name}` to one type in each input",
            split
                .iter()
                .map(|column| format!("`{column}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    } else if let Some(suggestion) = closest(name, candidates) {
        error = error.with_hint(format!("did you mean `{suggestion}`?"));
    } else if !schema.is_empty() {
        let listed: Vec<&str> = schema.names().take(20).collect();
        let more = if schema.len() > 20 { ", …" } else { "" };
        error = error.with_hint(format!("available columns: {}{more}", listed.join(", ")));
    }
    error
}

/// The hint for a query that names a table when none is loaded, as the command line
/// loads them. The REPL replaces it with its own command.
pub const NO_TABLES_HINT: &str =
    "no tables are loaded; load one with --table NAME=PATH or --data DIR";

/// "unknown table" with the closest table or tabular variable as a hint.
pub fn unknown_table(name: &str, span: Span, tables: &[String]) -> Error {
    let mut error = Error::at(
        ErrorKind::UnknownName,
        span,
        format!("table `{name}` not found"),
    );
    match closest(name, tables.iter().map(String::as_str)) {
        Some(suggestion) => error = error.with_hint(format!("did you mean `{suggestion}`?")),
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
    error
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
        if taken.index_of(&candidate).is_none() {
            return candidate;
        }
        number += 1;
    }
}

/// Makes `name` unique among `taken` by appending 1, 2, … as Kusto does for duplicate
/// column names in `lookup` and `join` output.
pub fn unique_name(name: &str, taken: &Schema) -> String {
    if taken.index_of(name).is_none() {
        return name.to_string();
    }
    let mut number = 1;
    loop {
        let candidate = format!("{name}{number}");
        if taken.index_of(&candidate).is_none() {
            return candidate;
        }
        number += 1;
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
