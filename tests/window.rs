//! Window functions: `prev()`, `next()` and `row_number()` over serialized rows.

use kql::error::ErrorKind;

use crate::support::{column_text, run, run_error};

const SENSOR: &str = "datatable(t:long, v:string)[3, 'c', 1, 'a', 2, 'b', 4, 'd']";

// learn.microsoft.com/kusto/query/prev-function: the value `offset` rows back (1 by
// default), or the default value (null by default) when there is no such row.
#[test]
fn prev_reads_earlier_rows() {
    let table = run(&format!(
        "{SENSOR} | sort by t asc | extend p = prev(v), p2 = prev(v, 2, 'none'), d = t - prev(t)"
    ));
    assert_eq!(column_text(&table, "p"), ["", "a", "b", "c"]);
    assert_eq!(column_text(&table, "p2"), ["none", "none", "a", "b"]);
    assert_eq!(column_text(&table, "d"), ["", "1", "1", "1"]);
}

// learn.microsoft.com/kusto/query/next-function: the value `offset` rows ahead.
#[test]
fn next_reads_later_rows() {
    let table = run(&format!(
        "{SENSOR} | serialize | extend n = next(t), n2 = next(t, 2, -1)"
    ));
    assert_eq!(column_text(&table, "t"), ["3", "1", "2", "4"]);
    assert_eq!(column_text(&table, "n"), ["1", "2", "4", ""]);
    assert_eq!(column_text(&table, "n2"), ["2", "4", "-1", "-1"]);
}

// learn.microsoft.com/kusto/query/row-number-function: numbering starts at 1, or at the
// given start index, in the serialized order.
#[test]
fn row_number_counts_in_order() {
    let table = run(&format!(
        "{SENSOR} | sort by t desc | extend rn = row_number(), from7 = row_number(7)"
    ));
    assert_eq!(column_text(&table, "t"), ["4", "3", "2", "1"]);
    assert_eq!(column_text(&table, "rn"), ["1", "2", "3", "4"]);
    assert_eq!(column_text(&table, "from7"), ["7", "8", "9", "10"]);
    let numbered = run(&format!(
        "{SENSOR} | serialize rn = row_number() | where rn > 3"
    ));
    assert_eq!(column_text(&numbered, "v"), ["d"]);
}

// learn.microsoft.com/kusto/query/serialize-operator: `where`, `extend` and `project`
// keep the serialization; `summarize` and `join` remove it.
#[test]
fn window_functions_need_serialized_rows() {
    let preserved = run(&format!(
        "{SENSOR} | top 3 by t asc | where t > 1 | project t | extend p = prev(t)"
    ));
    assert_eq!(column_text(&preserved, "p"), ["", "2"]);
    for query in [
        format!("{SENSOR} | extend p = prev(t)"),
        format!("{SENSOR} | sort by t | summarize count() by v | extend n = next(v)"),
        format!("{SENSOR} | serialize | join ({SENSOR}) on t | extend r = row_number()"),
    ] {
        let error = run_error(&query);
        assert_eq!(error.kind, ErrorKind::TypeMismatch, "{query}");
        assert!(error.message.contains("serialized"), "{}", error.message);
    }
}

#[test]
fn window_function_arguments_are_checked() {
    let wrong_default = run_error(&format!(
        "{SENSOR} | serialize | extend p = prev(t, 1, 'x')"
    ));
    assert!(
        wrong_default.message.contains("default"),
        "{}",
        wrong_default.message
    );
    let negative = run_error(&format!("{SENSOR} | serialize | extend p = prev(t, -1)"));
    assert!(
        negative.message.contains("negative"),
        "{}",
        negative.message
    );
    let restart = run_error(&format!(
        "{SENSOR} | serialize | extend r = row_number(1, t)"
    ));
    assert_eq!(restart.kind, ErrorKind::TypeMismatch);
    assert!(
        restart.message.contains("restart condition"),
        "{}",
        restart.message
    );
    let unserialized = run_error(&format!("{SENSOR} | extend r = row_number(1, t > 2)"));
    assert_eq!(unserialized.kind, ErrorKind::TypeMismatch);
    assert!(
        unserialized.message.contains("serialized"),
        "{}",
        unserialized.message
    );
}

const FLIGHTS: &str = "datatable(Airport:string, Airline:string, Departures:long)\
    ['TLV', 'LH', 1, 'TLV', 'LY', 100, 'SEA', 'LH', 1, 'SEA', 'BA', 2, 'SEA', 'LY', 0]";

// learn.microsoft.com/kusto/query/row-number-function: the example numbers the rows of
// each airport from 1. On the first row `prev(Airport)` has no row to read. It is null
// here and the empty string in Kusto, whose strings are never null, and `!=` against
// 'SEA' is true in both cases (learn.microsoft.com/kusto/query/scalar-data-types/null-values).
#[test]
fn row_number_restarts_per_airport() {
    let table = run(&format!(
        "{FLIGHTS} | sort by Airport asc, Departures desc \
         | extend Rank = row_number(1, prev(Airport) != Airport), \
           Changed = prev(Airport) != Airport"
    ));
    assert_eq!(
        column_text(&table, "Airport"),
        ["SEA", "SEA", "SEA", "TLV", "TLV"]
    );
    assert_eq!(
        column_text(&table, "Airline"),
        ["BA", "LH", "LY", "LY", "LH"]
    );
    assert_eq!(column_text(&table, "Rank"), ["1", "2", "3", "1", "2"]);
    assert_eq!(
        column_text(&table, "Changed"),
        ["true", "false", "false", "true", "false"]
    );
}

#[test]
fn row_number_constant_restart() {
    let table = run(&format!(
        "{SENSOR} | sort by t asc \
         | extend never = row_number(10, false), always = row_number(10, true)"
    ));
    assert_eq!(column_text(&table, "never"), ["10", "11", "12", "13"]);
    assert_eq!(column_text(&table, "always"), ["10", "10", "10", "10"]);
}

// A null restart is not true, so the count goes on. Kusto's row_number() page does not
// say what a null restart does.
#[test]
fn row_number_null_restart_continues() {
    let table = run(
        "datatable(k:long, r:bool)[1, bool(null), 2, true, 3, bool(null), 4, false, 5, true] \
         | serialize | extend n = row_number(1, r)",
    );
    assert_eq!(column_text(&table, "n"), ["1", "1", "2", "3", "1"]);
}

// The restart condition reads the row's columns, and later operators read the numbers.
#[test]
fn row_number_restart_reads_columns() {
    let table = run("range k from 1 to 10 step 1 \
         | extend n = row_number(0, k % 4 == 0) \
         | where n == 0");
    assert_eq!(column_text(&table, "k"), ["1", "4", "8"]);
}

// learn.microsoft.com/kusto/query/serialize-operator: `range` produces serialized rows.
#[test]
fn range_output_is_serialized() {
    let table = run("range a from 1 to 10 step 1 | sort by a desc | extend rn = row_number()");
    assert_eq!(column_text(&table, "rn")[0], "1");
    let ranged = run("range a from 5 to 7 step 1 | extend p = prev(a)");
    assert_eq!(column_text(&ranged, "p"), ["", "5", "6"]);
}
