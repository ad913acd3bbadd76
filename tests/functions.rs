//! Scalar functions checked through the whole engine (parse, bind, run), one or more per
//! function family. Expected values come from the KQL reference on learn.microsoft.com,
//! cited per test.

use kql::error::ErrorKind;
use kql::value::Value;

use crate::support::{column_text, run, run_error, scalar};

// learn.microsoft.com/kusto/query/binary-shift-left-function
#[test]
fn bitwise_shift_left() {
    assert_eq!(scalar("binary_shift_left(1, 2)"), Value::Long(4));
}

// learn.microsoft.com/kusto/query/format-bytes-function
#[test]
fn format_bytes_with_units() {
    assert_eq!(
        scalar(r#"format_bytes(20010332, 0, "KB")"#),
        Value::from("19541 KB")
    );
}

// learn.microsoft.com/kusto/query/string-size-function
#[test]
fn string_size_counts_bytes() {
    assert_eq!(scalar(r#"string_size("⒦⒰⒮⒯⒪")"#), Value::Long(15));
}

// learn.microsoft.com/kusto/query/replace-strings-function
#[test]
fn replace_strings_lookup_order() {
    let table = run(
        r#"print Message="This is an example of using replace_strings()"
| extend Outcome = replace_strings(Message, dynamic(['is', 'This']), dynamic(['was', 'This']))"#,
    );
    assert_eq!(
        column_text(&table, "Outcome"),
        ["Thwas was an example of using replace_strings()"]
    );
}

// learn.microsoft.com/kusto/query/indexof-regex-function
#[test]
fn indexof_regex_occurrence() {
    assert_eq!(
        scalar(r#"indexof_regex("abcabcdefg", @"a.c", 0, 9, 2)"#),
        Value::Long(3)
    );
}

// learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function
#[test]
fn codepoints_of_ranges_to_string() {
    assert_eq!(
        scalar("unicode_codepoints_to_string(range(48,57), range(65,90), range(97,122))"),
        Value::from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    );
}

// learn.microsoft.com/kusto/query/range-function: the array is truncated at 2^20 values.
#[test]
fn range_expands_to_max_values() {
    let table = run("print r = range(1, 1000000000) | mv-expand r | count");
    assert_eq!(column_text(&table, "Count"), ["1048576"]);
}

#[test]
fn matches_regex_pattern_per_row() {
    let table = run(
        r#"datatable(Text:string, Pattern:string)["a1", @"\d", "b", "^c$", "c", "^c$"]
| extend Matched = Text matches regex Pattern"#,
    );
    assert_eq!(column_text(&table, "Matched"), ["true", "false", "true"]);
}

#[test]
fn matches_regex_invalid_pattern_per_row() {
    let error = run_error(
        r#"datatable(Text:string, Pattern:string)["a", "("] | where Text matches regex Pattern"#,
    );
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(error.message.contains("pattern `(`"), "{}", error.message);
}

// learn.microsoft.com/kusto/query/regex: RE2's \d is ASCII-only.
#[test]
fn matches_regex_digit_class_is_ascii() {
    let table = run(r#"print Matched = "٣" matches regex @"\d""#);
    assert_eq!(column_text(&table, "Matched"), ["false"]);
}

// learn.microsoft.com/kusto/query/bag-pack-columns-function
#[test]
fn bag_pack_columns_keys_are_names() {
    let table = run(r#"datatable(Id: string, Value: string, Other: long)
["A", "val_a", 1, "B", "val_b", 2]
| extend Packed = bag_pack_columns(Id, Value)"#);
    assert_eq!(
        column_text(&table, "Packed"),
        [
            r#"{"Id":"A","Value":"val_a"}"#,
            r#"{"Id":"B","Value":"val_b"}"#
        ]
    );
}

#[test]
fn bag_pack_columns_rejects_expressions() {
    let error = run_error(r#"print x = 1 | extend b = bag_pack_columns(x + 1)"#);
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// learn.microsoft.com/kusto/query/datetime-local-to-utc-function
#[test]
fn local_to_utc_per_row_zone() {
    let table = run(r#"datatable(local_dt: datetime, tz: string)
[datetime(2020-02-02 20:02:20), 'US/Pacific', datetime(2020-02-02 20:02:20), 'Europe/Paris']
| extend utc_dt = datetime_local_to_utc(local_dt, tz)"#);
    assert_eq!(
        column_text(&table, "utc_dt"),
        [
            "2020-02-03T04:02:20.0000000Z",
            "2020-02-02T19:02:20.0000000Z"
        ]
    );
}

#[test]
fn unknown_constant_zone_is_bind_error() {
    let error = run_error("print datetime_utc_to_local(now(), 'Mars/Olympus')");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// learn.microsoft.com/kusto/query/parse-url-query-function, second example: a function
// that reads one parameter from the `Query Parameters` bag.
#[test]
fn parse_urlquery_reads_parameters() {
    let table = run(
        "let getQueryParamValue = (querystring: string, param: string) {\n\
             let params = parse_urlquery(querystring);\n\
             tostring(params[\"Query Parameters\"].[param])\n\
         };\n\
         print UrlQuery = 'view=vs-2019&preserve-view=true'\n\
         | extend view = getQueryParamValue(UrlQuery, 'view')\n\
         | extend preserve = getQueryParamValue(UrlQuery, 'preserve-view')",
    );
    assert_eq!(column_text(&table, "view"), ["vs-2019"]);
    assert_eq!(column_text(&table, "preserve"), ["true"]);
}

// The reference does not say how `%` escapes decode, so such a query is an error.
#[test]
fn parse_urlquery_escape_is_error() {
    let error = run_error("print parse_urlquery('q=a%20b')");
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );
}

// learn.microsoft.com/kusto/query/parse-url-function, the example, read part by part.
// `Path` keeps its leading `/`, as in the engine outputs quoted in
// https://github.com/microsoft/Kusto-Query-Language/issues/112, while the reference
// prints it without.
#[test]
fn parse_url_reference_example() {
    let table = run(
        r#"print Result=parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")
| extend Host = tostring(Result.Host), Port = tostring(Result.Port), Path = tostring(Result.Path),
    Username = tostring(Result.Username), K2 = tostring(Result["Query Parameters"].k2)"#,
    );
    assert_eq!(column_text(&table, "Host"), ["host"]);
    assert_eq!(column_text(&table, "Port"), ["1234"]);
    assert_eq!(column_text(&table, "Path"), ["/this/is/a/path"]);
    assert_eq!(column_text(&table, "Username"), ["username"]);
    assert_eq!(column_text(&table, "K2"), ["v2"]);
}

// Engine output quoted in https://github.com/microsoft/Kusto-Query-Language/issues/112:
// a user name without a password stays in `Host`, and the parameters come out sorted.
#[test]
fn parse_url_engine_output() {
    let table = run(
        r#"print Result=parse_url("https://john.doe@www.example.com:123/forum/questions/?tag=networking&order=newest#top")"#,
    );
    assert_eq!(
        column_text(&table, "Result"),
        [
            r#"{"Scheme":"https","Host":"john.doe@www.example.com","Port":"123","Path":"/forum/questions/","Username":"","Password":"","Query Parameters":{"order":"newest","tag":"networking"},"Fragment":"top"}"#
        ]
    );
}

// The same issue: a URL without `//` after its scheme gives empty parts.
#[test]
fn parse_url_mailto_is_empty() {
    let table = run(
        r#"print Host = tostring(parse_url("mailto:John.Doe@example.com").Host), Same = parseurl("tel:+1-816-555-1212") == parse_url("news:comp.infosystems.www.servers.unix")"#,
    );
    assert_eq!(column_text(&table, "Host"), [""]);
    assert_eq!(column_text(&table, "Same"), ["true"]);
}

#[test]
fn parse_url_percent_in_query_is_error() {
    let error = run_error("print parse_url('https://example.com/a?q=a%20b')");
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );
    assert!(error.message.contains("q=a%20b"), "{}", error.message);
}

// learn.microsoft.com/kusto/query/parse-path-function: the reference's example query.
#[test]
fn parse_path_reference_example() {
    let table = run(r#"datatable(p:string)
[
    @"C:\temp\file.txt",
    @"temp\file.txt",
    "file://C:/temp/file.txt:some.exe",
    @"\\shared\users\temp\file.txt.gz",
    "/usr/lib/temp/file.txt"
]
| extend path_parts = parse_path(p)
| extend Directory = tostring(path_parts.DirectoryPath), Stream = tostring(path_parts.AlternateDataStreamName)"#);
    assert_eq!(
        column_text(&table, "Directory"),
        [
            r"C:\temp",
            "temp",
            "C:/temp",
            r"\\shared\users\temp",
            "/usr/lib/temp"
        ]
    );
    assert_eq!(column_text(&table, "Stream"), ["", "", "some.exe", "", ""]);
    assert_eq!(
        column_text(&table, "path_parts")[0],
        r#"{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#
    );
}

// The reference lists long paths as supported but shows no result for one.
#[test]
fn parse_path_long_path_unsupported() {
    let error = run_error(r#"print parse_path(@"\\?\C:\temp\file.txt")"#);
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(
        error.message.contains("not supported yet"),
        "{}",
        error.message
    );
}

// The `where` conditions that parse_path's errors suggest remove the rows they name and
// keep the paths with a known result.
#[test]
fn parse_path_error_filters_work() {
    let table = run(r#"datatable(FolderPath:string)
[
    "",
    "notepad.exe",
    @"C:\Windows\",
    @"C:\notepad.exe",
    @"C:\Windows\System32\cmd.exe",
    "/usr/bin/python3"
]
| where isnotempty(FolderPath)
| where FolderPath contains @'\' or FolderPath contains '/'
| where FolderPath !endswith @'\' and FolderPath !endswith '/'
| where countof(FolderPath, @'\') + countof(FolderPath, '/') > 1
| extend Name = tostring(parse_path(FolderPath).Filename)"#);
    assert_eq!(column_text(&table, "Name"), ["cmd.exe", "python3"]);
}

// Empty `FolderPath` values are common in exports, so the error names the value and
// gives a condition that removes such rows.
#[test]
fn parse_path_empty_error_gives_filter() {
    let error =
        run_error(r#"datatable(FolderPath:string)[""] | extend p = parse_path(FolderPath)"#);
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(
        error.message.contains("the empty string"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("where isnotempty(FolderPath)"),
        "{}",
        error.message
    );
}

// https://learn.microsoft.com/en-us/kusto/management/ingestion-time-policy: a record
// ingested without an IngestionTime policy has a null ingestion time, and local files
// have no such policy.
#[test]
fn ingestion_time_is_null_datetime() {
    let table = run("datatable(Name:string)['a', 'b'] | extend Ingested = ingestion_time()");
    let field = table.schema.field("Ingested").expect("Ingested column");
    assert_eq!(field.ty, kql::value::Type::DateTime);
    assert_eq!(table.row_count, 2);
    for value in table.column("Ingested").expect("Ingested column").iter() {
        assert_eq!(value, &Value::Null);
    }
    let filtered = run("datatable(Name:string)['a'] | where ingestion_time() > ago(365d)");
    assert_eq!(filtered.row_count, 0);
}

#[test]
fn ingestion_time_takes_no_arguments() {
    let error = run_error("print ingestion_time(1)");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// learn.microsoft.com/kusto/query/scalar-data-types/datetime: a datetime is the number of
// ticks since 0001-01-01, and 31241376000000000 ticks is 0100-01-01. tolong() and toreal()
// return that count, and a timespan converts to its own ticks.
#[test]
fn tolong_datetime_counts_from_year_one() {
    assert_eq!(
        scalar("tolong(datetime(0100-01-01))"),
        Value::Long(31_241_376_000_000_000)
    );
    assert_eq!(
        scalar("toreal(datetime(0100-01-01))"),
        Value::Real(31_241_376_000_000_000.0)
    );
    assert_eq!(scalar("tolong(datetime(0001-01-01))"), Value::Long(0));
    assert_eq!(scalar("tolong(1s)"), Value::Long(10_000_000));
    assert_eq!(scalar("toint(datetime(0100-01-01))"), Value::Null);
}

// learn.microsoft.com/kusto/query/iff-function returns the value of the chosen branch, and
// learn.microsoft.com/kusto/query/numerical-operators divides a real by a long as reals.
// When the branches are long and real, the result column is real, so the long branch
// becomes a real before the division. max_of() of two ints stays an int.
#[test]
fn mixed_number_branches_widen() {
    let table = run(
        "print a = iff(true, 1, 2.5) / 2, b = case(true, 1, 2.5) / 2, \
                     c = coalesce(int(null), 1, 2.5) / 2, d = gettype(iff(true, int(1), 2)), \
                     e = gettype(max_of(int(1), int(2)))",
    );
    assert_eq!(table.columns[0][0], Value::Real(0.5));
    assert_eq!(table.columns[1][0], Value::Real(0.5));
    assert_eq!(table.columns[2][0], Value::Real(0.5));
    assert_eq!(table.columns[3][0], Value::from("long"));
    assert_eq!(table.columns[4][0], Value::from("int"));
}

// learn.microsoft.com/kusto/query/totimespan-function takes a string, as in
// `totimespan("0.00:01:00") == time(1min)`. A number has no documented unit, so it is a
// type error.
#[test]
fn totimespan_rejects_numbers() {
    assert_eq!(
        scalar(r#"totimespan("0.00:01:00") == time(1min)"#),
        Value::Bool(true)
    );
    for argument in ["1", "int(1)", "1.5"] {
        let error = run_error(&format!("print totimespan({argument})"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch, "{argument}");
    }
}
