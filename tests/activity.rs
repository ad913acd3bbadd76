//! `evaluate activity_counts_metrics`. Expected values come from the example of the KQL
//! reference page cited per test, or are derived by hand where a test's comment states it.

use std::collections::HashMap;
use std::sync::Arc;

use kql::error::ErrorKind;
use kql::table::Table;
use kql::value::Type;

use crate::support::{column_text, names, run, run_error};

/// The input table and window arguments of the page's "Daily activity counts" example.
const DAILY_EXAMPLE: &str = "let start=datetime(2017-08-01);\n\
    let end=datetime(2017-08-04);\n\
    let window=1d;\n\
    let T = datatable(UserId:string, Timestamp:datetime)\n\
    [\n\
    'A', datetime(2017-08-01),\n\
    'D', datetime(2017-08-01),\n\
    'J', datetime(2017-08-01),\n\
    'B', datetime(2017-08-01),\n\
    'C', datetime(2017-08-02),\n\
    'T', datetime(2017-08-02),\n\
    'J', datetime(2017-08-02),\n\
    'H', datetime(2017-08-03),\n\
    'T', datetime(2017-08-03),\n\
    'T', datetime(2017-08-03),\n\
    'J', datetime(2017-08-03),\n\
    'B', datetime(2017-08-03),\n\
    'S', datetime(2017-08-03),\n\
    'S', datetime(2017-08-04),\n\
    ];\n";

/// Binds a query without running it, as `kql check` does.
fn check(query: &str) -> kql::error::Result<kql::binder::BoundQuery> {
    let tables: HashMap<String, Arc<Table>> = HashMap::new();
    kql::engine::check(query, &tables)
}

// learn.microsoft.com/kusto/query/activity-counts-metrics-plugin, "Daily activity
// counts": the output rows of the page's example.
#[test]
fn activity_counts_metrics_daily_example() {
    let table = run(&format!(
        "{DAILY_EXAMPLE}T | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window)"
    ));
    assert_eq!(
        names(&table),
        [
            "Timestamp",
            "count",
            "dcount",
            "new_dcount",
            "aggregated_dcount"
        ]
    );
    assert_eq!(
        column_text(&table, "Timestamp"),
        [
            "2017-08-01T00:00:00.0000000Z",
            "2017-08-02T00:00:00.0000000Z",
            "2017-08-03T00:00:00.0000000Z",
            "2017-08-04T00:00:00.0000000Z"
        ]
    );
    assert_eq!(column_text(&table, "count"), ["4", "3", "6", "1"]);
    assert_eq!(column_text(&table, "dcount"), ["4", "3", "5", "1"]);
    assert_eq!(column_text(&table, "new_dcount"), ["4", "2", "2", "0"]);
    assert_eq!(
        column_text(&table, "aggregated_dcount"),
        ["4", "6", "8", "8"]
    );
}

// learn.microsoft.com/kusto/query/activity-counts-metrics-plugin, "Returns": the timeline
// column keeps its name and type, and the four metrics are long.
#[test]
fn activity_counts_metrics_check_schema() {
    let bound = check(&format!(
        "{DAILY_EXAMPLE}T | extend Region = 'eu'\n\
         | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window, Region)"
    ))
    .unwrap_or_else(|error| panic!("{}", error.message));
    let fields: Vec<(String, Type)> = bound
        .plan
        .schema
        .fields
        .iter()
        .map(|field| (field.name.clone(), field.ty))
        .collect();
    let expected = [
        ("Timestamp", Type::DateTime),
        ("Region", Type::String),
        ("count", Type::Long),
        ("dcount", Type::Long),
        ("new_dcount", Type::Long),
        ("aggregated_dcount", Type::Long),
    ];
    let expected: Vec<(String, Type)> = expected
        .iter()
        .map(|(name, ty)| (name.to_string(), *ty))
        .collect();
    assert_eq!(fields, expected);
}

// Derived by hand from the page's definitions: each dimension value has its own windows,
// so `B`, seen in window 1 under `eu`, is still new under `us` in window 2. A row at
// 23:00 falls in the window that starts that day, and End may lie inside the last window.
#[test]
fn activity_counts_metrics_by_dimension() {
    let table = run(
        "datatable(UserId:string, Timestamp:datetime, Region:string)[\
         'A', datetime(2017-08-01), 'eu',\
         'B', datetime(2017-08-01), 'eu',\
         'A', datetime(2017-08-01 06:00), 'us',\
         'A', datetime(2017-08-02), 'eu',\
         'C', datetime(2017-08-02), 'eu',\
         'C', datetime(2017-08-02), 'eu',\
         'A', datetime(2017-08-02 23:00), 'us',\
         'B', datetime(2017-08-02), 'us']\n\
         | evaluate activity_counts_metrics(UserId, Timestamp, datetime(2017-08-01), \
         datetime(2017-08-02 23:00), 1d, Region)",
    );
    assert_eq!(
        column_text(&table, "Timestamp"),
        [
            "2017-08-01T00:00:00.0000000Z",
            "2017-08-01T00:00:00.0000000Z",
            "2017-08-02T00:00:00.0000000Z",
            "2017-08-02T00:00:00.0000000Z"
        ]
    );
    assert_eq!(column_text(&table, "Region"), ["eu", "us", "eu", "us"]);
    assert_eq!(column_text(&table, "count"), ["2", "1", "3", "2"]);
    assert_eq!(column_text(&table, "dcount"), ["2", "1", "2", "2"]);
    assert_eq!(column_text(&table, "new_dcount"), ["2", "1", "1", "1"]);
    assert_eq!(
        column_text(&table, "aggregated_dcount"),
        ["2", "1", "3", "2"]
    );
}

// Start and End may read the query's clock, as published queries write them.
#[test]
fn activity_counts_metrics_clock_arguments() {
    let table = run(&format!(
        "set query_now = datetime(2017-08-04 10:00);\n{DAILY_EXAMPLE}\
         T | evaluate activity_counts_metrics(UserId, Timestamp, startofday(ago(3d)), \
         startofday(now()), 1d)"
    ));
    assert_eq!(column_text(&table, "count"), ["4", "3", "6", "1"]);
}

#[test]
fn activity_counts_metrics_row_outside_range() {
    let error = run_error(&format!(
        "{DAILY_EXAMPLE}T | evaluate activity_counts_metrics(UserId, Timestamp, start, \
         datetime(2017-08-03), window)"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.message.contains("outside Start..End"),
        "{}",
        error.message
    );
}

#[test]
fn activity_counts_metrics_empty_window() {
    let error = run_error(&format!(
        "{DAILY_EXAMPLE}T | evaluate activity_counts_metrics(UserId, Timestamp, start, \
         datetime(2017-08-05), window)"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("without rows"), "{}", error.message);
}

#[test]
fn activity_counts_metrics_empty_dimension_window() {
    let error = run_error(&format!(
        "{DAILY_EXAMPLE}T | extend Region = iff(UserId == 'S', 'us', 'eu')\n\
         | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window, Region)"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("without rows"), "{}", error.message);
}

#[test]
fn activity_counts_metrics_empty_id() {
    let error = run_error(
        "datatable(UserId:string, Timestamp:datetime)['', datetime(2017-08-01)]\n\
         | evaluate activity_counts_metrics(UserId, Timestamp, datetime(2017-08-01), \
         datetime(2017-08-01), 1d)",
    );
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.message.contains("null or empty ID"),
        "{}",
        error.message
    );
}

// 0001-01-01, where `bin()` starts counting, is a Monday, so 7d windows may start on
// 2017-07-31 and not on 2017-08-01.
#[test]
fn activity_counts_metrics_unaligned_start() {
    let query = |start: &str| {
        format!(
            "{DAILY_EXAMPLE}T | evaluate activity_counts_metrics(UserId, Timestamp, \
             datetime({start}), end, 7d)"
        )
    };
    let error = check(&query("2017-08-01")).err().map(|error| error.kind);
    assert_eq!(error, Some(ErrorKind::Unsupported));
    let table = run(&query("2017-07-31"));
    assert_eq!(column_text(&table, "count"), ["14"]);
    assert_eq!(column_text(&table, "dcount"), ["8"]);
}

#[test]
fn activity_counts_metrics_check_rejects_arguments() {
    let cases = [
        ("window", "'week'", ErrorKind::Unsupported),
        ("window", "0d", ErrorKind::TypeMismatch),
        ("window", "1", ErrorKind::Unsupported),
        ("end", "datetime(2017-07-01)", ErrorKind::Unsupported),
        ("start", "1", ErrorKind::TypeMismatch),
    ];
    for (argument, replacement, kind) in cases {
        let arguments = ["UserId", "Timestamp", "start", "end", "window"]
            .map(|name| if name == argument { replacement } else { name })
            .join(", ");
        let query = format!("{DAILY_EXAMPLE}T | evaluate activity_counts_metrics({arguments})");
        let error = check(&query).err().map(|error| error.kind);
        assert_eq!(error, Some(kind), "{argument} = {replacement}");
    }
}

#[test]
fn activity_counts_metrics_check_rejects_columns() {
    let cases = [
        "activity_counts_metrics(UserId, Timestamp, start, end)",
        "activity_counts_metrics(UserId, Time, start, end, window)",
        "activity_counts_metrics(UserId, tostring(Timestamp), start, end, window)",
        "activity_counts_metrics(UserId, UserId, start, end, window)",
        "activity_counts_metrics(UserId, Timestamp, start, end, window, Timestamp)",
        "activity_counts_metrics(UserId, Timestamp, start, end, window, count)",
    ];
    for call in cases {
        let query = format!("{DAILY_EXAMPLE}T | extend count = 1 | evaluate {call}");
        assert!(check(&query).is_err(), "{call}");
    }
}
