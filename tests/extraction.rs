//! Operators that build columns from text or bags, and the `range` source. Expected values
//! come from the examples on the KQL reference pages cited per test.

use kql::error::ErrorKind;
use kql::value::Type;

use crate::support::{column_text, names, run, run_error};

const PEOPLE: &str = "datatable(Name:string, d:dynamic)[\n\
    'Old_name', dynamic({\"Name\": \"John\", \"Age\":20}),\n\
    'Old_name', dynamic({\"Name\": \"Dave\", \"Age\":40}),\n\
    'Old_name', dynamic({\"Name\": \"Jasmine\", \"Age\":30})]\n";

// --- bag_unpack ----------------------------------------------------------------------

// learn.microsoft.com/kusto/query/bag-unpack-plugin, "Expand a bag with a query-defined
// OutputSchema": the declared columns in declared order, with their types.
#[test]
fn bag_unpack_output_schema() {
    let table = run(
        "datatable(d:dynamic)[dynamic({\"Name\": \"John\", \"Age\":20}), \
         dynamic({\"Name\": \"Dave\", \"Age\":40}), dynamic({\"Name\": \"Jasmine\", \"Age\":30})]\n\
         | evaluate bag_unpack(d) : (Name:string, Age:long)",
    );
    assert_eq!(names(&table), ["Name", "Age"]);
    assert_eq!(table.schema.fields[1].ty, Type::Long);
    assert_eq!(column_text(&table, "Name"), ["John", "Dave", "Jasmine"]);
    assert_eq!(column_text(&table, "Age"), ["20", "40", "30"]);
}

// learn.microsoft.com/kusto/query/bag-unpack-plugin, "Expand a bag with columnsConflict":
// replace_source takes the slot, keep_source keeps the input column.
#[test]
fn bag_unpack_columns_conflict() {
    let replaced = run(&format!(
        "{PEOPLE}| evaluate bag_unpack(d, columnsConflict='replace_source') : (Age:long, Name:string)"
    ));
    assert_eq!(column_text(&replaced, "Name"), ["John", "Dave", "Jasmine"]);
    assert_eq!(column_text(&replaced, "Age"), ["20", "40", "30"]);

    let kept = run(&format!(
        "{PEOPLE}| evaluate bag_unpack(d, columnsConflict='keep_source') : (Age:long, Name:string)"
    ));
    assert_eq!(
        column_text(&kept, "Name"),
        ["Old_name", "Old_name", "Old_name"]
    );
    assert_eq!(column_text(&kept, "Age"), ["20", "40", "30"]);
}

// learn.microsoft.com/kusto/query/bag-unpack-plugin: columnsConflict defaults to `error`,
// "Query produces an error".
#[test]
fn bag_unpack_conflict_default_error() {
    let error = run_error(&format!(
        "{PEOPLE}| evaluate bag_unpack(d) : (Age:long, Name:string)"
    ));
    assert_eq!(error.kind, ErrorKind::Evaluation);
}

// learn.microsoft.com/kusto/query/bag-unpack-plugin, "Expand a bag with
// OutputColumnPrefix" and "… with ignoredProperties": the prefix names the slot columns,
// and an ignored slot gives no values. A leading `*` puts the input columns other than the
// bag first.
#[test]
fn bag_unpack_prefix_ignored_and_star() {
    let table = run(&format!(
        "{PEOPLE}| evaluate bag_unpack(d, 'Property_', ignoredProperties=dynamic(['Age'])) \
         : (*, Property_Name:string, Property_Age:long)"
    ));
    assert_eq!(names(&table), ["Name", "Property_Name", "Property_Age"]);
    assert_eq!(
        column_text(&table, "Name"),
        ["Old_name", "Old_name", "Old_name"]
    );
    assert_eq!(
        column_text(&table, "Property_Name"),
        ["John", "Dave", "Jasmine"]
    );
    assert_eq!(column_text(&table, "Property_Age"), ["", "", ""]);
}

// A slot missing in a row gives null; a declared column that no slot or input column
// fills is empty.
#[test]
fn bag_unpack_missing_slots() {
    let table = run(
        "datatable(d:dynamic)[dynamic({\"a\": 1}), dynamic({\"b\": \"x\"}), dynamic(null)]\n\
         | evaluate bag_unpack(d) : (a:long, b:string, c:real)",
    );
    assert_eq!(column_text(&table, "a"), ["1", "", ""]);
    assert_eq!(column_text(&table, "b"), ["", "x", ""]);
    assert_eq!(column_text(&table, "c"), ["", "", ""]);
}

#[test]
fn bag_unpack_rejects_wrong_slot_type() {
    let error = run_error(
        "datatable(d:dynamic)[dynamic({\"Age\": \"old\"})] | evaluate bag_unpack(d) : (Age:long)",
    );
    assert_eq!(error.kind, ErrorKind::Evaluation);
}

#[test]
fn bag_unpack_without_schema_unsupported() {
    let error = run_error("datatable(d:dynamic)[dynamic({\"a\": 1})] | evaluate bag_unpack(d)");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.hints.iter().any(|hint| hint.contains(": (")));
}

#[test]
fn bag_unpack_needs_dynamic_column() {
    let error = run_error("print s = 'x' | evaluate bag_unpack(s) : (a:long)");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- parse-kv ------------------------------------------------------------------------

// learn.microsoft.com/kusto/query/parse-kv-operator, "Extraction with well-defined
// delimiters".
#[test]
fn parse_kv_delimiters() {
    let table = run("print str=\"ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info\"\n\
         | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=',', kv_delimiter=':')\n\
         | project-away str");
    assert_eq!(names(&table), ["Text", "ThreadId", "Machine"]);
    assert_eq!(table.schema.fields[1].ty, Type::Long);
    assert_eq!(column_text(&table, "Text"), ["The service is up"]);
    assert_eq!(column_text(&table, "ThreadId"), ["458745723"]);
    assert_eq!(column_text(&table, "Machine"), ["Node001"]);
}

// learn.microsoft.com/kusto/query/parse-kv-operator, "Extraction with value quoting":
// quoted keys and values, and different opening and closing quotes.
#[test]
fn parse_kv_quotes() {
    for (text, quote) in [
        (
            r#"failure="connection aborted" "event time"=2021-01-01T10:00:54"#,
            "'\"'",
        ),
        (
            "failure=(connection aborted) (event time)=(2021-01-01 10:00:54)",
            "'()'",
        ),
    ] {
        let table = run(&format!(
            "print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 {text}'\n\
             | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string) \
             with (pair_delimiter=' ', kv_delimiter='=', quote={quote})"
        ));
        assert_eq!(
            column_text(&table, "event time"),
            ["2021-01-01T10:00:54.0000000Z"]
        );
        assert_eq!(column_text(&table, "src"), ["10.1.1.123"]);
        assert_eq!(column_text(&table, "dst"), ["10.1.1.124"]);
        assert_eq!(column_text(&table, "bytes"), ["125"]);
        assert_eq!(column_text(&table, "failure"), ["connection aborted"]);
    }
}

// learn.microsoft.com/kusto/query/parse-kv-operator: escaped quotes inside a quoted value.
#[test]
fn parse_kv_escape() {
    let table = run(
        r#"print str='src=10.1.1.123 failure="the remote host sent \\"bye!\\"" time=2021-01-01T10:00:54'
         | parse-kv str as (['time']:datetime, src:string, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\')"#,
    );
    assert_eq!(
        column_text(&table, "failure"),
        ["the remote host sent \"bye!\""]
    );
    assert_eq!(
        column_text(&table, "time"),
        ["2021-01-01T10:00:54.0000000Z"]
    );
}

// learn.microsoft.com/kusto/query/parse-kv-operator, "Extraction in greedy mode", first
// query: without greedy, an unquoted value ends at the next pair delimiter.
#[test]
fn parse_kv_not_greedy() {
    let table = run("print str='name=John Doe phone=555 5555 city=New York'\n\
         | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=')");
    assert_eq!(column_text(&table, "name"), ["John"]);
    assert_eq!(column_text(&table, "phone"), ["555"]);
    assert_eq!(column_text(&table, "city"), ["New"]);
}

// learn.microsoft.com/kusto/query/parse-kv-operator, "Extraction using regex".
#[test]
fn parse_kv_regex() {
    let table = run(
        r#"print str=@'["referer url: https://hostname.com/redirect?dest=/?h=1234", "request url: https://hostname.com/?h=1234", "advertiser id: 24fefbca-cf27-4d62-a623-249c2ad30c73"]'
         | parse-kv str as (['referer url']:string, ['request url']:string, ['advertiser id']: guid) with (regex=@'"([\w ]+)\s*:\s*([^"]*)"')"#,
    );
    assert_eq!(
        column_text(&table, "referer url"),
        ["https://hostname.com/redirect?dest=/?h=1234"]
    );
    assert_eq!(
        column_text(&table, "request url"),
        ["https://hostname.com/?h=1234"]
    );
    assert_eq!(
        column_text(&table, "advertiser id"),
        ["24fefbca-cf27-4d62-a623-249c2ad30c73"]
    );
}

// learn.microsoft.com/kusto/query/parse-kv-operator: the first appearance of a key counts,
// and a missing key is null (or "" for strings).
#[test]
fn parse_kv_first_and_missing() {
    let table = run("print str='a=1 a=2'\n\
         | parse-kv str as (a:long, b:long, c:string) with (pair_delimiter=' ', kv_delimiter='=')");
    assert_eq!(column_text(&table, "a"), ["1"]);
    assert_eq!(table.columns[2][0], kql::value::Value::Null);
    assert_eq!(column_text(&table, "c"), [""]);
}

#[test]
fn parse_kv_unsupported_modes() {
    let greedy = run_error("print s='a=1' | parse-kv s as (a:long) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)");
    assert_eq!(greedy.kind, ErrorKind::Unsupported);
    let no_delimiters = run_error("print s='a=1' | parse-kv s as (a:long)");
    assert_eq!(no_delimiters.kind, ErrorKind::Unsupported);
}

// --- range ---------------------------------------------------------------------------

// learn.microsoft.com/kusto/query/range-operator: `range Steps from 1 to 8 step 3` is a
// long column of 1, 4 and 7.
#[test]
fn range_numbers() {
    let table = run("range Steps from 1 to 8 step 3");
    assert_eq!(names(&table), ["Steps"]);
    assert_eq!(table.schema.fields[0].ty, Type::Long);
    assert_eq!(column_text(&table, "Steps"), ["1", "4", "7"]);
}

// learn.microsoft.com/kusto/query/range-operator, "Combine different stop times": a day
// step from 2024-01-01 to 2024-01-05 includes both ends.
#[test]
fn range_datetimes() {
    let table = run("range Time from datetime(2024-01-01) to datetime(2024-01-05) step 1d | count");
    assert_eq!(column_text(&table, "Count"), ["5"]);
    let first =
        run("range Time from datetime(2024-01-01) to datetime(2024-01-05) step 1d | take 1");
    assert_eq!(first.schema.fields[0].ty, Type::DateTime);
    assert_eq!(
        column_text(&first, "Time"),
        ["2024-01-01T00:00:00.0000000Z"]
    );
}

// learn.microsoft.com/kusto/query/range-operator: start is the smallest value, so a start
// above stop gives no rows.
#[test]
fn range_empty_and_real() {
    assert_eq!(run("range x from 5 to 1 step 1").row_count, 0);
    let reals = run("range x from 1.0 to 2 step 0.5");
    assert_eq!(column_text(&reals, "x"), ["1", "1.5", "2"]);
}

#[test]
fn range_rejects_bad_step_and_input() {
    let negative = run_error("range x from 5 to 1 step -1");
    assert_eq!(negative.kind, ErrorKind::Unsupported);
    let piped = run_error("print a=1 | range x from 1 to 2 step 1");
    assert_eq!(piped.kind, ErrorKind::Syntax);
    let mixed = run_error("range x from 1 to datetime(2024-01-01) step 1");
    assert_eq!(mixed.kind, ErrorKind::TypeMismatch);
}

// --- table() -------------------------------------------------------------------------

/// A session with one loaded table, `Events`, of two rows.
fn session_with_events() -> kql::engine::Session {
    let mut session = kql::engine::Session::new();
    let events = kql::engine::Session::new()
        .run("datatable(Id:long)[1, 2]")
        .unwrap_or_else(|error| panic!("datatable failed: {}", error.message));
    session.add_table("Events", events, "test");
    session
}

// learn.microsoft.com/kusto/query/table-function: table('Name') is the table of that name,
// also through a function parameter.
#[test]
fn table_function_constant_name() {
    let session = session_with_events();
    let direct = session
        .run("table('Events') | count")
        .unwrap_or_else(|error| panic!("{}", error.message));
    assert_eq!(column_text(&direct, "Count"), ["2"]);
    let through_parameter = session
        .run("let f = (name:string) { table(name) | where Id > 1 }; f('Events')")
        .unwrap_or_else(|error| panic!("{}", error.message));
    assert_eq!(column_text(&through_parameter, "Id"), ["2"]);
}

#[test]
fn table_function_rejects_computed_name() {
    let session = session_with_events();
    let computed = session.run("table(strcat('Ev', 'ents')) | count");
    assert!(computed.is_err_and(|error| error.kind == ErrorKind::Unsupported));
    let missing = session.run("table('Nope') | count");
    assert!(missing.is_err_and(|error| error.kind == ErrorKind::UnknownName));
}

// learn.microsoft.com/kusto/query/plugins lists `pivot` among Kusto's plugins, while
// `nosuchplugin` is not one, so a typo is not reported as a missing feature.
#[test]
fn unknown_plugin_differs_from_unsupported() {
    let known = run_error("datatable(a:string)['x'] | evaluate pivot(a)");
    assert_eq!(known.kind, ErrorKind::Unsupported);
    let unknown = run_error("datatable(a:string)['x'] | evaluate nosuchplugin(a)");
    assert_eq!(unknown.kind, ErrorKind::UnknownName);
    assert!(
        unknown.message.contains("not a plugin"),
        "{}",
        unknown.message
    );
}
