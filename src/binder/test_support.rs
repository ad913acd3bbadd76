//! Helpers for the binder's unit tests that run a whole query.

use crate::error::ErrorKind;
use crate::table::Table;

/// Runs a query over no tables, and panics with the rendered error when it fails.
pub fn run(query: &str) -> Table {
    crate::engine::Session::new()
        .run(query)
        .unwrap_or_else(|error| panic!("query failed:\n{}", error.render(query, "test")))
}

/// Runs a query that must fail, and returns the kind of its error.
pub fn error_kind(query: &str) -> ErrorKind {
    match crate::engine::Session::new().run(query) {
        Ok(table) => panic!("query should fail but returned {} rows", table.row_count),
        Err(error) => error.kind,
    }
}

/// Returns the column names of a table.
pub fn names(table: &Table) -> Vec<&str> {
    table.schema.names().collect()
}

/// Returns the values of one column as text.
pub fn column(table: &Table, name: &str) -> Vec<String> {
    let index = table
        .schema
        .index_of(name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", names(table)));
    table.columns[index]
        .iter()
        .map(|value| value.to_kusto_string())
        .collect()
}
