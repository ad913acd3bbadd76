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

const BAG_UNPACK_PAGE: &str = "https://learn.microsoft.com/kusto/query/bag-unpack-plugin";

// BAG_UNPACK_PAGE, "Expand a bag": the slots become columns sorted by name.
#[test]
fn bag_unpack_without_schema_sorts_slots() {
    let table = run("datatable(d:dynamic)[\n\
        dynamic({\"Name\": \"John\", \"Age\":20}),\n\
        dynamic({\"Name\": \"Dave\", \"Age\":40}),\n\
        dynamic({\"Name\": \"Jasmine\", \"Age\":30})]\n\
        | evaluate bag_unpack(d)");
    assert_eq!(names(&table), ["Age", "Name"], "{BAG_UNPACK_PAGE}");
    assert_eq!(column_text(&table, "Age"), ["20", "40", "30"]);
    assert_eq!(column_text(&table, "Name"), ["John", "Dave", "Jasmine"]);
    assert_eq!(table.schema.fields[0].ty, Type::Long);
    assert_eq!(table.schema.fields[1].ty, Type::String);
}

// BAG_UNPACK_PAGE, "Expand a bag and use the OutputColumnPrefix option".
#[test]
fn bag_unpack_without_schema_prefix() {
    let table = run(&format!(
        "{PEOPLE}| project d | evaluate bag_unpack(d, 'Property_')"
    ));
    assert_eq!(names(&table), ["Property_Age", "Property_Name"]);
    assert_eq!(
        column_text(&table, "Property_Name"),
        ["John", "Dave", "Jasmine"]
    );
}

// BAG_UNPACK_PAGE, the two columnsConflict examples: both give `Age, Name`, with the
// slot's values for replace_source and the input column's for keep_source.
#[test]
fn bag_unpack_without_schema_conflict() {
    let replaced = run(&format!(
        "{PEOPLE}| evaluate bag_unpack(d, columnsConflict='replace_source')"
    ));
    assert_eq!(names(&replaced), ["Age", "Name"]);
    assert_eq!(column_text(&replaced, "Name"), ["John", "Dave", "Jasmine"]);

    let kept = run(&format!(
        "{PEOPLE}| evaluate bag_unpack(d, columnsConflict='keep_source')"
    ));
    assert_eq!(names(&kept), ["Age", "Name"]);
    assert_eq!(
        column_text(&kept, "Name"),
        ["Old_name", "Old_name", "Old_name"]
    );
    assert_eq!(column_text(&kept, "Age"), ["20", "40", "30"]);
}

// BAG_UNPACK_PAGE: columnsConflict defaults to `error`.
#[test]
fn bag_unpack_without_schema_conflict_error() {
    let error = run_error(&format!("{PEOPLE}| evaluate bag_unpack(d)"));
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(error.message.contains("`Name`"), "{}", error.message);
}

// BAG_UNPACK_PAGE, "Expand a bag and use the ignoredProperties option".
#[test]
fn bag_unpack_without_schema_ignored() {
    let table = run("datatable(d:dynamic)[\n\
        dynamic({\"Name\": \"John\", \"Age\":20, \"Address\": \"Address-1\" }),\n\
        dynamic({\"Name\": \"Dave\", \"Age\":40, \"Address\": \"Address-2\"})]\n\
        | evaluate bag_unpack(d, ignoredProperties=dynamic(['Address', 'Age']))");
    assert_eq!(names(&table), ["Name"]);
    assert_eq!(column_text(&table, "Name"), ["John", "Dave"]);
}

// BAG_UNPACK_PAGE, the example with a `Height` slot in one row only: the other rows get
// an empty cell. Input columns other than the bag come first.
#[test]
fn bag_unpack_without_schema_missing_slot() {
    let table = run("datatable(Id:long, d:dynamic)[\n\
        1, dynamic({\"Name\": \"John\", \"Age\":20}),\n\
        2, dynamic({ \"Name\": \"Dave\", \"Height\": 170, \"Age\":40}),\n\
        3, dynamic({\"Name\": \"Jasmine\", \"Age\":30})]\n\
        | evaluate bag_unpack(d)");
    assert_eq!(names(&table), ["Id", "Age", "Height", "Name"]);
    assert_eq!(column_text(&table, "Height"), ["", "170", ""]);
    assert!(table.columns[2][0].is_null());
}

// BAG_UNPACK_PAGE, "Returns": a slot whose values differ in type is dynamic, and null
// values are ignored, so they neither make a column nor change a type.
#[test]
fn bag_unpack_without_schema_types() {
    let table = run("datatable(d:dynamic)[\n\
        dynamic({\"a\": 1, \"b\": \"x\", \"c\": null, \"f\": true}),\n\
        dynamic({\"a\": \"two\", \"b\": null, \"e\": 1.5, \"f\": false}),\n\
        dynamic([1, 2]), dynamic(null), dynamic(7)]\n\
        | evaluate bag_unpack(d)");
    assert_eq!(names(&table), ["a", "b", "e", "f"]);
    let types: Vec<Type> = table.schema.fields.iter().map(|field| field.ty).collect();
    assert_eq!(types, [Type::Dynamic, Type::String, Type::Real, Type::Bool]);
    assert_eq!(column_text(&table, "a"), ["1", "two", "", "", ""]);
    assert_eq!(column_text(&table, "f"), ["true", "false", "", "", ""]);
    assert_eq!(table.row_count, 5);
}

// BAG_UNPACK_PAGE, "Returns": as many rows as the input, so none for an empty input,
// and no slot columns.
#[test]
fn bag_unpack_without_schema_empty_input() {
    let table = run("datatable(Id:long, d:dynamic)[] | evaluate bag_unpack(d)");
    assert_eq!(names(&table), ["Id"]);
    assert_eq!(table.row_count, 0);
}

// The input runs once while binding and once in the run, with the same clock, so a
// filter on `now()` keeps the same rows both times.
#[test]
fn bag_unpack_without_schema_same_clock() {
    let table = run("set query_now = datetime(2025-01-02);\n\
        datatable(t:datetime, d:dynamic)[\n\
        datetime(2025-01-01T12:00), dynamic({\"a\": 1}),\n\
        datetime(2024-12-01), dynamic({\"b\": 2})]\n\
        | where t > ago(1d) | evaluate bag_unpack(d)");
    assert_eq!(names(&table), ["t", "a"]);
    assert_eq!(column_text(&table, "a"), ["1"]);
}

#[test]
fn bag_unpack_without_schema_in_let() {
    let table = run(
        "let Unpacked = datatable(d:dynamic)[dynamic({\"k\": \"v\"})]\n\
        | evaluate bag_unpack(d);\n\
        Unpacked | extend n = strlen(k)",
    );
    assert_eq!(names(&table), ["k", "n"]);
    assert_eq!(column_text(&table, "n"), ["1"]);
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

/// Builds a session with one loaded table, `Events`, of two rows.
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

// learn.microsoft.com/kusto/query/plugins lists `narrow` among Kusto's plugins, while
// `nosuchplugin` is not one, so a typo is not reported as a missing feature.
#[test]
fn unknown_plugin_differs_from_unsupported() {
    let known = run_error("datatable(a:string)['x'] | evaluate narrow()");
    assert_eq!(known.kind, ErrorKind::Unsupported);
    let unknown = run_error("datatable(a:string)['x'] | evaluate nosuchplugin(a)");
    assert_eq!(unknown.kind, ErrorKind::UnknownName);
    assert!(
        unknown.message.contains("not a plugin"),
        "{}",
        unknown.message
    );
}

// --- pivot ---------------------------------------------------------------------------

const PIVOT_PAGE: &str = "https://learn.microsoft.com/kusto/query/pivot-plugin";

// Rows of the page's StormEvents examples that give its outputs, in an order where each
// state first appears as in the page's column order.
const STORMS: &str =
    "datatable(State:string, EventType:string, Source:string, DeathsDirect:long)[\n\
    'ARKANSAS', 'Heavy Rain', 'Emergency Manager', 1,\n\
    'ARIZONA', 'Flash Flood', 'Trained Spotter', 2,\n\
    'ARKANSAS', 'Thunderstorm Wind', 'Emergency Manager', 1,\n\
    'ARIZONA', 'Lightning', 'Newspaper', 1,\n\
    'ARIZONA', 'Flash Flood', 'Broadcast Media', 3,\n\
    'ARIZONA', 'Flash Flood', 'Newspaper', 1,\n\
    'ARKANSAS', 'Strong Wind', 'Law Enforcement', 1,\n\
    'ARIZONA', 'Heat', 'Newspaper', 3]\n";

// PIVOT_PAGE, "Pivot by a column with aggregation function": a key group without rows
// for a state gets 0.
#[test]
fn pivot_sum_by_default_keys() {
    let table = run(&format!(
        "{STORMS}| project State, EventType, DeathsDirect | evaluate pivot(State, sum(DeathsDirect))"
    ));
    assert_eq!(
        names(&table),
        ["EventType", "ARKANSAS", "ARIZONA"],
        "{PIVOT_PAGE}"
    );
    assert_eq!(
        column_text(&table, "EventType"),
        [
            "Heavy Rain",
            "Flash Flood",
            "Thunderstorm Wind",
            "Lightning",
            "Strong Wind",
            "Heat"
        ]
    );
    assert_eq!(
        column_text(&table, "ARKANSAS"),
        ["1", "0", "1", "0", "1", "0"]
    );
    assert_eq!(
        column_text(&table, "ARIZONA"),
        ["0", "6", "0", "1", "0", "3"]
    );
    assert_eq!(table.schema.fields[1].ty, Type::Long);
}

// PIVOT_PAGE, "… and a single additional column": the same result.
#[test]
fn pivot_sum_with_named_key() {
    let table = run(&format!(
        "{STORMS}| evaluate pivot(State, sum(DeathsDirect), EventType)"
    ));
    assert_eq!(names(&table), ["EventType", "ARKANSAS", "ARIZONA"]);
    assert_eq!(
        column_text(&table, "ARIZONA"),
        ["0", "6", "0", "1", "0", "3"]
    );
}

// PIVOT_PAGE, "Specify the pivoted column, aggregation function, and multiple
// additional columns".
#[test]
fn pivot_sum_with_two_keys() {
    let table = run(&format!(
        "{STORMS}| evaluate pivot(State, sum(DeathsDirect), EventType, Source)"
    ));
    assert_eq!(
        names(&table),
        ["EventType", "Source", "ARKANSAS", "ARIZONA"]
    );
    assert_eq!(table.row_count, 8);
    assert_eq!(column_text(&table, "Source")[1], "Trained Spotter");
    assert_eq!(
        column_text(&table, "ARIZONA"),
        ["0", "2", "0", "1", "3", "1", "0", "3"]
    );
}

// PIVOT_PAGE, "Pivot by a column": count() by default.
#[test]
fn pivot_counts_by_default() {
    let table = run(&format!(
        "{STORMS}| project State, EventType | evaluate pivot(State)"
    ));
    assert_eq!(names(&table), ["EventType", "ARKANSAS", "ARIZONA"]);
    assert_eq!(
        column_text(&table, "ARIZONA"),
        ["0", "3", "0", "1", "0", "1"]
    );
    assert_eq!(
        column_text(&table, "ARKANSAS"),
        ["1", "0", "1", "0", "1", "0"]
    );
}

#[test]
fn pivot_empty_input() {
    let table = run("datatable(State:string, EventType:string)[] | evaluate pivot(State)");
    assert_eq!(names(&table), ["EventType"]);
    assert_eq!(table.row_count, 0);
}

// The page does not name the column of an empty or null pivot value.
#[test]
fn pivot_rejects_empty_value() {
    let error = run_error("datatable(State:string, K:long)['A', 1, '', 2] | evaluate pivot(State)");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    let error = run_error("datatable(N:long, K:long)[1, 1, long(null), 2] | evaluate pivot(N)");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

#[test]
fn pivot_of_long_values() {
    let table = run("datatable(N:long, K:string)[1, 'a', 2, 'a', 1, 'b'] | evaluate pivot(N)");
    assert_eq!(names(&table), ["K", "1", "2"]);
    assert_eq!(column_text(&table, "1"), ["1", "1"]);
    assert_eq!(column_text(&table, "2"), ["1", "0"]);
}

// PIVOT_PAGE shows the empty cell only for count() and sum().
#[test]
fn pivot_rejects_other_aggregates() {
    let error = run_error(&format!(
        "{STORMS}| evaluate pivot(State, make_set(Source), EventType)"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("make_set"), "{}", error.message);
}

#[test]
fn pivot_rejects_output_schema() {
    let error = run_error(&format!(
        "{STORMS}| evaluate pivot(State) : (EventType:string)"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

// learn.microsoft.com/kusto/query/bag-unpack-plugin: slot names, after the prefix, must
// be valid column names, and an empty name is not one.
#[test]
fn bag_unpack_empty_slot_name_is_error() {
    let error = run_error("print d = bag_pack('', 1, 'a', 2) | evaluate bag_unpack(d)");
    assert!(error.message.contains("empty name"), "{}", error.message);
    let prefixed = run("print d = bag_pack('', 1, 'a', 2) | evaluate bag_unpack(d, 'p_')");
    assert_eq!(names(&prefixed), ["p_", "p_a"]);
}

#[test]
fn data_dependent_plugins_inside_mv_apply_unsupported() {
    let error =
        run_error("print arr = dynamic([{'a': 1}]) | mv-apply e = arr on (evaluate bag_unpack(e))");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("mv-apply"), "{}", error.message);
}
