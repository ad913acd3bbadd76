//! Helpers shared by the integration tests.

use kql::engine::Session;
use kql::table::Table;
use kql::value::Value;

/// Runs a query over no tables with the clock pinned to 2025-08-30T00:00:00Z.
pub fn run(query: &str) -> Table {
    let mut session = Session::new();
    session.now = kql::value::parse_datetime("2025-08-30T00:00:00Z");
    session
        .run(query)
        .unwrap_or_else(|error| panic!("query failed:\n{}", error.render(query, "test")))
}

/// Runs a query that must fail and returns the error.
pub fn run_error(query: &str) -> kql::error::Error {
    match Session::new().run(query) {
        Ok(table) => panic!("query should fail but returned {} rows", table.row_count),
        Err(error) => error,
    }
}

/// Evaluates one scalar expression with `print`.
pub fn scalar(expression: &str) -> Value {
    let table = run(&format!("print result = {expression}"));
    table.columns[0][0].clone()
}

/// The values of one column, as text.
pub fn column_text(table: &Table, name: &str) -> Vec<String> {
    let column = table.column(name).unwrap_or_else(|| {
        panic!(
            "no column {name} in {:?}",
            table.schema.names().collect::<Vec<_>>()
        )
    });
    column.iter().map(|value| value.to_kusto_string()).collect()
}

/// The column names of a table.
pub fn names(table: &Table) -> Vec<String> {
    table.schema.names().map(str::to_string).collect()
}

/// The path of the `kql` binary that cargo built for these tests.
pub fn kql_command() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("kql").expect("the kql binary is built")
}

/// The project's root folder.
pub fn project_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
