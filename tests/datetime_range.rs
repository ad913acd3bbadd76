//! Datetimes that functions compute outside Kusto's range, 0001-01-01 to
//! 9999-12-31T23:59:59.9999999, are null, as `datetime + timespan` is
//! (learn.microsoft.com/kusto/query/scalar-data-types/datetime). Each function family is
//! checked with one result just inside the range and one just outside.

use kql::value::Value;

use crate::support::{run_error, scalar};

/// Evaluates an expression and prints it, so a null prints as the empty string.
fn text(expression: &str) -> String {
    scalar(expression).to_kusto_string()
}

#[test]
fn datetime_add_leaves_range() {
    assert_eq!(
        scalar(r#"datetime_add("hour", 2, datetime(9999-12-31 23:00))"#),
        Value::Null
    );
    assert_eq!(
        scalar(r#"datetime_add("month", -1, datetime(0001-01-15))"#),
        Value::Null
    );
    assert_eq!(
        scalar(r#"datetime_add("nanosecond", -100, datetime(0001-01-01))"#),
        Value::Null
    );
    assert_eq!(
        text(r#"datetime_add("minute", 59, datetime(9999-12-31 23:00))"#),
        "9999-12-31T23:59:00.0000000Z"
    );
}

#[test]
fn time_zone_conversion_leaves_range() {
    assert_eq!(
        scalar(r#"datetime_utc_to_local(datetime(9999-12-31 23:00), "Asia/Tokyo")"#),
        Value::Null
    );
    assert_eq!(
        text(r#"datetime_utc_to_local(datetime(9999-12-31 14:00), "Asia/Tokyo")"#),
        "9999-12-31T23:00:00.0000000Z"
    );
    assert_eq!(
        scalar(r#"datetime_local_to_utc(datetime(9999-12-31 23:00), "America/Los_Angeles")"#),
        Value::Null
    );
}

#[test]
fn time_zone_conversion_before_1900_is_unsupported() {
    let error = run_error(
        r#"print datetime_utc_to_local(datetime(0001-01-01 01:00), "America/Los_Angeles")"#,
    );
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );

    let error = run_error(r#"print datetime_local_to_utc(datetime(1850-06-01), "Europe/Paris")"#);
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );
}

#[test]
fn local_mean_time_is_unsupported() {
    // The tz database gives Riyadh local mean time (+3:06:52) until March 1947.
    let error = run_error(r#"print datetime_utc_to_local(datetime(1940-01-01), "Asia/Riyadh")"#);
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );
}

#[test]
fn startof_and_endof_leave_range() {
    // 0001-01-01 was a Monday, so its week starts on 0000-12-31.
    assert_eq!(scalar("startofweek(datetime(0001-01-03))"), Value::Null);
    assert_eq!(scalar("startofyear(datetime(9999-06-01), 1)"), Value::Null);
    assert_eq!(scalar("endofyear(datetime(9999-06-01), 1)"), Value::Null);
    assert_eq!(
        scalar("startofmonth(datetime(0001-01-15), -1)"),
        Value::Null
    );
    assert_eq!(
        text("endofyear(datetime(9999-06-01))"),
        "9999-12-31T23:59:59.9999999Z"
    );
    assert_eq!(
        text("startofweek(datetime(0001-01-08))"),
        "0001-01-07T00:00:00.0000000Z"
    );
}

#[test]
fn bin_at_leaves_range() {
    assert_eq!(
        scalar("bin_at(datetime(0001-01-02), 7d, datetime(0001-01-05))"),
        Value::Null
    );
    assert_eq!(
        text("bin(datetime(0001-01-03 12:00), 7d)"),
        "0001-01-01T00:00:00.0000000Z"
    );
}

#[test]
fn make_datetime_outside_range() {
    assert_eq!(scalar("make_datetime(0, 12, 31)"), Value::Null);
    assert_eq!(
        text("make_datetime(9999, 12, 31, 23, 59, 59.9999999)"),
        "9999-12-31T23:59:59.9999999Z"
    );
}

#[test]
fn text_outside_range_is_null() {
    assert_eq!(
        scalar(r#"todatetime("0001-01-01T00:00:00+01:00")"#),
        Value::Null
    );
    assert_eq!(
        scalar(r#"todatetime("9999-12-31T23:00:00-05:00")"#),
        Value::Null
    );
    assert_eq!(
        text(r#"todatetime("0001-01-01T00:00:00Z")"#),
        "0001-01-01T00:00:00.0000000Z"
    );
}

#[test]
fn unixtime_outside_range() {
    assert_eq!(
        scalar("unixtime_seconds_todatetime(253402300800)"),
        Value::Null
    );
    assert_eq!(
        text("unixtime_seconds_todatetime(253402300799)"),
        "9999-12-31T23:59:59.0000000Z"
    );
    assert_eq!(
        scalar("unixtime_milliseconds_todatetime(-62135596800001)"),
        Value::Null
    );
}

#[test]
fn now_and_ago_with_huge_spans() {
    assert_eq!(scalar("now(3650000d)"), Value::Null);
    assert_eq!(scalar("ago(3650000d)"), Value::Null);
    assert_eq!(scalar("ago(-3650000d)"), Value::Null);
}

#[test]
fn range_stops_at_last_day() {
    assert_eq!(
        text("range(datetime(9999-12-31), datetime(9999-12-31 23:59:59.9999999), 12h)"),
        r#"["9999-12-31T00:00:00.0000000Z","9999-12-31T12:00:00.0000000Z"]"#
    );
}
