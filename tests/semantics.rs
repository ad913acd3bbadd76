//! Query-level semantics, each checked through the whole engine (parse, bind, run).
//! Expected values come from the KQL reference on learn.microsoft.com, cited per test.

use kql::error::ErrorKind;
use kql::value::Value;

use crate::support::{column_text, names, run, run_error, scalar};

fn flag(expression: &str) -> Value {
    scalar(expression)
}

// --- Lexing and statements -----------------------------------------------------------

#[test]
fn comments_between_operators() {
    let table =
        run("datatable(x:long)[1, 2, 3] // a source\n| where x > 1\n//| where x > 2\n| count");
    assert_eq!(column_text(&table, "Count"), ["2"]);
}

#[test]
fn string_literal_forms() {
    assert_eq!(scalar(r#""a\"b""#), Value::from("a\"b"));
    assert_eq!(scalar(r"@'C:\Temp'"), Value::from(r"C:\Temp"));
    assert_eq!(scalar(r#"@"x""y""#), Value::from("x\"y"));
    assert_eq!(scalar(r"'tab\there'"), Value::from("tab\there"));
}

#[test]
fn number_and_timespan_literals() {
    assert_eq!(scalar("6"), Value::Long(6));
    assert_eq!(scalar("1.5"), Value::Real(1.5));
    assert_eq!(scalar("30m").to_kusto_string(), "00:30:00");
    assert_eq!(scalar("1d").to_kusto_string(), "1.00:00:00");
    assert_eq!(scalar("true"), Value::Bool(true));
}

#[test]
fn bracketed_column_names() {
    let table = run("print ['Tcp Flags'] = 6 | project ['Tcp Flags'], x = ['Tcp Flags'] + 1");
    assert_eq!(names(&table), ["Tcp Flags", "x"]);
    assert_eq!(column_text(&table, "x"), ["7"]);
}

#[test]
fn names_are_case_sensitive() {
    let error = run_error("print X = 1 | project x");
    assert_eq!(error.kind, ErrorKind::UnknownName);
    assert!(
        error.hints.iter().any(|hint| hint.contains("`X`")),
        "{:?}",
        error.hints
    );
}

// learn.microsoft.com/kusto/query/let-statement: let binds scalars and tabular
// expressions; the last statement is the query.
#[test]
fn let_scalar_dynamic_and_tabular() {
    let query = "let limit = 2;\nlet wanted = dynamic(['a', 'c']);\nlet T = datatable(k:string, n:long)['a', 1, 'b', 2, 'c', 3];\nT | where k in (wanted) and n >= limit";
    let table = run(query);
    assert_eq!(column_text(&table, "k"), ["c"]);
}

#[test]
fn let_later_binding_shadows_earlier() {
    let table = run("let x = 1; let x = 2; print y = x");
    assert_eq!(column_text(&table, "y"), ["2"]);
}

#[test]
fn query_must_end_with_tabular_statement() {
    let error = run_error("let x = 1;");
    assert_eq!(error.kind, ErrorKind::Syntax);
}

// --- datatable -------------------------------------------------------------------

// learn.microsoft.com/kusto/query/datatable-operator. The conversion of numbers into a
// string column follows Kusto's runtime conversion; see the note in the binder.
#[test]
fn datatable_converts_values_to_column_type() {
    let table = run("datatable(TcpFlagDecimal:string, Comment:string)[6, 'six', 63, 'all',]");
    assert_eq!(column_text(&table, "TcpFlagDecimal"), ["6", "63"]);
    assert_eq!(table.schema.fields[0].ty.name(), "string");
    let table = run("datatable(n:int, r:real)[5, 1, int(null), 2]");
    assert_eq!(table.columns[0][0], Value::Int(5));
    assert_eq!(table.columns[0][1], Value::Null);
    assert_eq!(table.columns[1][0], Value::Real(1.0));
}

#[test]
fn datatable_value_count_error() {
    let error = run_error("datatable(a:long, b:long)[1, 2, 3]");
    assert!(error.message.contains("multiple of 2"), "{}", error.message);
}

#[test]
fn datatable_unconvertible_value_error() {
    let error = run_error("datatable(a:long)['abc']");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- dynamic -----------------------------------------------------------------------

// learn.microsoft.com/kusto/query/scalar-data-types/dynamic
#[test]
fn dynamic_literals_and_access() {
    assert_eq!(scalar("dynamic(null)"), Value::Null);
    assert_eq!(
        scalar("tostring(dynamic({'a': {'b': [1, 2]}}).a.b[1])"),
        Value::from("2")
    );
    assert_eq!(scalar("tostring(dynamic([1, 2, 3])[-1])"), Value::from("3"));
    assert_eq!(
        scalar(r#"tostring(dynamic({"Tcp Flags": 6})["Tcp Flags"])"#),
        Value::from("6")
    );
}

#[test]
fn missing_key_and_non_bag_give_null() {
    assert_eq!(scalar("isnull(dynamic({'a': 1}).b)"), Value::Bool(true));
    assert_eq!(
        scalar("isnull(parse_json('n/a').direction)"),
        Value::Bool(true)
    );
    assert_eq!(
        scalar("tostring(parse_json('n/a')['Tcp Flags'])"),
        Value::from("")
    );
    assert_eq!(scalar("isnull(dynamic([1]).x)"), Value::Bool(true));
}

#[test]
fn element_access_on_string_is_an_error() {
    let error = run_error("print s = '{\"a\":1}' | extend v = s.a");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    assert!(
        error
            .hints
            .iter()
            .any(|hint| hint.contains("parse_json(s)")),
        "{:?}",
        error.hints
    );
}

// learn.microsoft.com/kusto/query/parse-json-function
#[test]
fn parse_json_cases() {
    assert_eq!(
        scalar("tostring(parse_json('{\"a\":1}'))"),
        Value::from(r#"{"a":1}"#)
    );
    assert_eq!(
        scalar("parse_json('abc')").type_of().map(|t| t.name()),
        Some("dynamic")
    );
    assert_eq!(scalar("tostring(parse_json('abc'))"), Value::from("abc"));
    assert_eq!(scalar("isnull(parse_json(''))"), Value::Bool(true));
    assert_eq!(
        scalar("tostring(parse_json(parse_json('{\"a\":1}')).a)"),
        Value::from("1")
    );
    assert_eq!(scalar("tostring(todynamic('[1,2]')[0])"), Value::from("1"));
}

// learn.microsoft.com/kusto/query/tostring-function
#[test]
fn tostring_cases() {
    assert_eq!(scalar("tostring(int(null))"), Value::from(""));
    assert_eq!(scalar("tostring(dynamic('In'))"), Value::from("In"));
    assert_eq!(
        scalar("tostring(dynamic({'a':1,'b':[1,2]}))"),
        Value::from(r#"{"a":1,"b":[1,2]}"#)
    );
    assert_eq!(scalar("tostring(true)"), Value::from("true"));
    assert_eq!(
        scalar("tostring(datetime(2025-08-29 10:15:00))"),
        Value::from("2025-08-29T10:15:00.0000000Z")
    );
}

// --- String predicates ---------------------------------------------------------------

// learn.microsoft.com/kusto/query/datatypes-string-operators ("What is a term?") and
// learn.microsoft.com/kusto/query/has-operator: `has` matches whole terms, ignoring case.
#[test]
fn has_matches_terms() {
    assert_eq!(flag("'Inbound' has 'In'"), Value::Bool(false));
    assert_eq!(flag("'in' has 'In'"), Value::Bool(true));
    assert_eq!(flag("'16' has '6'"), Value::Bool(false));
    assert_eq!(flag("'North America' has 'america'"), Value::Bool(true));
    assert_eq!(
        flag("'KustoExplorerQueryRun' has 'Explorer'"),
        Value::Bool(false)
    );
    assert_eq!(flag("'src=10.0.0.1:80' has '10.0.0.1'"), Value::Bool(true));
    assert_eq!(flag("'10.0.0.10' has '10.0.0.1'"), Value::Bool(false));
}

#[test]
fn has_variants() {
    assert_eq!(flag("'Inbound' !has 'In'"), Value::Bool(true));
    assert_eq!(flag("'in' has_cs 'In'"), Value::Bool(false));
    assert_eq!(flag("'In' has_cs 'In'"), Value::Bool(true));
    assert_eq!(flag("'in' !has_cs 'In'"), Value::Bool(true));
}

// learn.microsoft.com/kusto/query/has-any-operator and has-all-operator.
#[test]
fn has_any_and_has_all() {
    assert_eq!(flag("'119' has_any (dynamic(['19']))"), Value::Bool(false));
    assert_eq!(
        flag("'19' has_any (dynamic(['6', '19']))"),
        Value::Bool(true)
    );
    assert_eq!(flag("'6,7' has_any ('7')"), Value::Bool(true));
    assert_eq!(flag("'a b c' has_all ('a', 'c')"), Value::Bool(true));
    assert_eq!(flag("'a b' has_all ('a', 'c')"), Value::Bool(false));
    let table = run("let flags = dynamic(['6','7']); datatable(f:string)['6', '16', '7', '67'] | where f has_any (flags)");
    assert_eq!(column_text(&table, "f"), ["6", "7"]);
}

#[test]
fn has_on_dynamic_converts_with_tostring() {
    assert_eq!(flag("dynamic('In') has 'In'"), Value::Bool(true));
    assert_eq!(flag("dynamic('Inbound') has 'In'"), Value::Bool(false));
    assert_eq!(flag("dynamic(null) has 'In'"), Value::Bool(false));
    assert_eq!(flag("dynamic(null) !has 'In'"), Value::Bool(true));
}

#[test]
fn contains_startswith_endswith() {
    assert_eq!(
        flag("'KustoExplorerQueryRun' contains 'explorer'"),
        Value::Bool(true)
    );
    assert_eq!(
        flag("'KustoExplorer' !contains 'explorer'"),
        Value::Bool(false)
    );
    assert_eq!(
        flag("'KustoExplorer' contains_cs 'explorer'"),
        Value::Bool(false)
    );
    assert_eq!(
        flag("'powershell.exe' startswith 'POWER'"),
        Value::Bool(true)
    );
    assert_eq!(flag("'powershell.exe' endswith '.EXE'"), Value::Bool(true));
    assert_eq!(
        flag("'powershell.exe' !endswith '.exe'"),
        Value::Bool(false)
    );
}

// learn.microsoft.com/kusto/query/in-operator and in-cs-operator.
#[test]
fn in_operators() {
    assert_eq!(flag("'a' in ('a', 'b')"), Value::Bool(true));
    assert_eq!(flag("'A' in ('a', 'b')"), Value::Bool(false));
    assert_eq!(flag("'A' in~ ('a', 'b')"), Value::Bool(true));
    assert_eq!(flag("'c' !in ('a', 'b')"), Value::Bool(true));
    assert_eq!(flag("4624 in (4624, 4625)"), Value::Bool(true));
    assert_eq!(flag("'b' in (dynamic(['a', 'b']))"), Value::Bool(true));
}

#[test]
fn equality_and_case() {
    assert_eq!(flag("'In' == 'in'"), Value::Bool(false));
    assert_eq!(flag("'In' =~ 'in'"), Value::Bool(true));
    assert_eq!(flag("'In' !~ 'in'"), Value::Bool(false));
}

// --- Expressions -------------------------------------------------------------------

#[test]
fn operator_precedence() {
    assert_eq!(scalar("1 + 2 * 3"), Value::Long(7));
    assert_eq!(flag("1 == 1 or 1 == 2 and 1 == 3"), Value::Bool(true));
    assert_eq!(flag("not(1 == 1 and 2 == 2)"), Value::Bool(false));
    assert_eq!(scalar("-2 * 3 + 10 % 4"), Value::Long(-4));
}

// learn.microsoft.com/kusto/query/scalar-data-types/null-values
#[test]
fn null_comparisons_and_where() {
    let table = run("datatable(val:int)[5, int(null)] | extend gt = val > 3, eq = val == int(null), ne = val != 5");
    assert_eq!(column_text(&table, "gt"), ["true", ""]);
    assert_eq!(column_text(&table, "eq"), ["false", ""]);
    assert_eq!(column_text(&table, "ne"), ["false", "true"]);
    let table = run("datatable(ival:int, sval:string)[5, 'a', int(null), 'b'] | where ival != 5");
    assert_eq!(column_text(&table, "sval"), ["b"]);
}

#[test]
fn null_checks_and_emptiness() {
    assert_eq!(flag("isnull(int(null))"), Value::Bool(true));
    assert_eq!(flag("isnull('')"), Value::Bool(false));
    assert_eq!(flag("isnotnull(5)"), Value::Bool(true));
    assert_eq!(flag("isempty('')"), Value::Bool(true));
    assert_eq!(flag("isempty(int(null))"), Value::Bool(true));
    assert_eq!(flag("isnotempty('x')"), Value::Bool(true));
}

#[test]
fn conversions() {
    assert_eq!(scalar("tolong('445')"), Value::Long(445));
    assert_eq!(scalar("isnull(tolong('abc'))"), Value::Bool(true));
    assert_eq!(scalar("toint('7')"), Value::Int(7));
    assert_eq!(scalar("toreal('1.5')"), Value::Real(1.5));
    assert_eq!(scalar("tobool('true')"), Value::Bool(true));
    assert_eq!(
        scalar("tostring(todatetime('2025-08-29T10:15:00Z'))"),
        Value::from("2025-08-29T10:15:00.0000000Z")
    );
}

#[test]
fn clock_is_pinned_per_query() {
    assert_eq!(
        scalar("tostring(ago(1d))"),
        Value::from("2025-08-29T00:00:00.0000000Z")
    );
    assert_eq!(scalar("now() - ago(1h) == 1h"), Value::Bool(true));
    let table = run("set query_now = datetime(2020-01-01); print t = now()");
    assert_eq!(column_text(&table, "t"), ["2020-01-01T00:00:00.0000000Z"]);
}

// --- IP and GeoIP -------------------------------------------------------------------

// learn.microsoft.com/kusto/query/ipv4-is-private-function
#[test]
fn ipv4_is_private_cases() {
    assert_eq!(
        scalar("ipv4_is_private('192.168.1.1/24')"),
        Value::Bool(true)
    );
    assert_eq!(scalar("ipv4_is_private('10.1.2.3/24')"), Value::Bool(true));
    assert_eq!(scalar("ipv4_is_private('202.1.2.3')"), Value::Bool(false));
    assert_eq!(scalar("ipv4_is_private('127.0.0.1')"), Value::Bool(false));
    assert_eq!(
        scalar("isnull(ipv4_is_private('fd12::1'))"),
        Value::Bool(true)
    );
    assert_eq!(
        scalar("isnull(ipv4_is_private('::ffff:10.0.0.1'))"),
        Value::Bool(true)
    );
}

// learn.microsoft.com/kusto/query/geo-info-from-ip-address-function: the bag has an
// English country name; addresses with no data give an empty bag.
#[test]
fn geo_info_with_embedded_database() {
    assert_eq!(
        scalar("tostring(geo_info_from_ip_address('20.53.203.50').country)"),
        Value::from("Australia")
    );
    assert_eq!(
        scalar("tostring(geo_info_from_ip_address('8.8.8.8').country)"),
        Value::from("United States")
    );
    assert_eq!(
        scalar("tostring(geo_info_from_ip_address('10.0.0.1'))"),
        Value::from("{}")
    );
    assert_eq!(
        scalar("tostring(geo_info_from_ip_address('not an ip'))"),
        Value::from("{}")
    );
    assert_eq!(
        scalar("tostring(geo_info_from_ip_address('10.0.0.1').country)"),
        Value::from("")
    );
}

// --- Tabular operators ---------------------------------------------------------------

#[test]
fn extend_several_and_replace() {
    let table =
        run("datatable(a:long, b:string)[1, 'x'] | extend c = a + 1, d = c * 2, a = 'replaced'");
    assert_eq!(names(&table), ["a", "b", "c", "d"]);
    assert_eq!(column_text(&table, "a"), ["replaced"]);
    assert_eq!(column_text(&table, "d"), ["4"]);
    assert_eq!(table.schema.fields[0].ty.name(), "string");
}

/// An unnamed call takes its function's result name, as in `summarize`: `strlen(x)` is
/// `strlen_x`, `strlen('ab')` is `strlen_`, and `tostring(d.Id)` is `d_Id` (Kusto's own
/// language service, github.com/microsoft/Kusto-Query-Language, `Binder_Projection.cs`).
/// Other expressions get `ColumnN`.
#[test]
fn extend_unnamed_expression_gets_column_name() {
    let table = run("datatable(a:long)[1] | extend a + 1, strlen('ab')");
    assert_eq!(names(&table), ["a", "Column1", "strlen_"]);
    let table = run(
        r#"datatable(x:string, d:dynamic)["ab", dynamic({"Id": "q"})]
        | extend tostring(d.Id), strlen(x) | project d_Id, strlen_x"#,
    );
    assert_eq!(names(&table), ["d_Id", "strlen_x"]);
    assert_eq!(column_text(&table, "d_Id"), ["q"]);
    assert_eq!(column_text(&table, "strlen_x"), ["2"]);
}

/// A derived name that another `project` column has gets a number, as the language
/// service's `ProjectionBuilder` numbers it. A name the query writes out twice stays an
/// error.
#[test]
fn project_numbers_repeated_derived_names() {
    let table = run(r#"datatable(x:long, s:string)[1, "ab"] | project strlen(s), strlen(s)"#);
    assert_eq!(names(&table), ["strlen_s", "strlen_s1"]);
    let table = run(r#"datatable(x:long, s:string)[1, "ab"] | project x, tostring(x)"#);
    assert_eq!(names(&table), ["x", "x1"]);
    assert_eq!(column_text(&table, "x1"), ["1"]);
    let error = run_error(r#"datatable(x:long, s:string)[1, "ab"] | project y = x, y = s"#);
    assert!(error.message.contains("appears twice"), "{}", error.message);
    // A derived name also skips names written later in the same `project`.
    let table = run(r#"datatable(x:long, s:string)[1, "ab"] | project tostring(x), x"#);
    assert_eq!(names(&table), ["x1", "x"]);
    let table = run(r#"datatable(s:string)["ab"] | project strlen(s), strlen(s), strlen_s1 = 5"#);
    assert_eq!(names(&table), ["strlen_s", "strlen_s2", "strlen_s1"]);
}

// learn.microsoft.com/kusto/query/project-operator
#[test]
fn project_orders_renames_and_computes() {
    let table =
        run("datatable(a:long, b:string, c:bool)[1, 'x', true] | project c, b2 = b, n = a * 10");
    assert_eq!(names(&table), ["c", "b2", "n"]);
    assert_eq!(column_text(&table, "n"), ["10"]);
    let error = run_error("datatable(a:long)[1] | project nope");
    assert_eq!(error.kind, ErrorKind::UnknownName);
}

#[test]
fn where_requires_bool() {
    let error = run_error("datatable(a:long)[1] | where a");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

#[test]
fn take_limit_and_count() {
    let table = run("datatable(a:long)[1, 2, 3] | take 2");
    assert_eq!(column_text(&table, "a"), ["1", "2"]);
    let table = run("datatable(a:long)[1, 2, 3] | limit 0");
    assert_eq!(table.row_count, 0);
    let table = run("datatable(a:long)[1, 2, 3] | count");
    assert_eq!(names(&table), ["Count"]);
    assert_eq!(column_text(&table, "Count"), ["3"]);
}

#[test]
fn print_names_columns() {
    let table = run("print 1, x = 'a', 2");
    assert_eq!(names(&table), ["print_0", "x", "print_2"]);
}

// learn.microsoft.com/kusto/query/lookup-operator: the result has the left columns, then
// the right columns without the right-side keys; leftouter is the default.
#[test]
fn lookup_leftouter_keeps_unmatched() {
    let query = "let R = datatable(Key:string, Comment:string)['6', 'six', '7', 'seven'];\n\
                 datatable(Flags:string, n:long)['6', 1, '9', 2] | lookup R on $left.Flags == $right.Key";
    let table = run(query);
    assert_eq!(names(&table), ["Flags", "n", "Comment"]);
    assert_eq!(column_text(&table, "Comment"), ["six", ""]);
    assert_eq!(table.columns[2][1], Value::from(""));
}

#[test]
fn lookup_inner_drops_unmatched() {
    let query = "let R = datatable(Flags:string, Comment:string)['6', 'six'];\n\
                 datatable(Flags:string)['6', '9'] | lookup kind=inner R on Flags";
    let table = run(query);
    assert_eq!(names(&table), ["Flags", "Comment"]);
    assert_eq!(column_text(&table, "Flags"), ["6"]);
}

#[test]
fn lookup_duplicate_right_keys_repeat_left_row() {
    let query = "let R = datatable(k:long, v:string)[1, 'a', 1, 'b'];\n\
                 datatable(k:long)[1, 2] | lookup R on k";
    let table = run(query);
    assert_eq!(column_text(&table, "k"), ["1", "1", "2"]);
    assert_eq!(column_text(&table, "v"), ["a", "b", ""]);
}

#[test]
fn lookup_several_keys_and_name_clash() {
    let query = "let R = datatable(a:long, b:string, n:long)[1, 'x', 10, 1, 'y', 20];\n\
                 datatable(a:long, b:string, n:long)[1, 'y', 0] | lookup (R) on a, b";
    let table = run(query);
    assert_eq!(names(&table), ["a", "b", "n", "n1"]);
    assert_eq!(column_text(&table, "n1"), ["20"]);
}

#[test]
fn lookup_null_numeric_column_stays_null() {
    let query =
        "let R = datatable(k:string, v:long)['a', 1];\n datatable(k:string)['b'] | lookup R on k";
    let table = run(query);
    assert_eq!(table.columns[1][0], Value::Null);
}

#[test]
fn lookup_key_errors() {
    let error =
        run_error("let R = datatable(k:string)['a']; datatable(j:string)['a'] | lookup R on k");
    assert_eq!(error.kind, ErrorKind::UnknownName);
    let error = run_error("let R = datatable(k:long)[1]; datatable(k:string)['a'] | lookup R on k");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

#[test]
fn lookup_string_keys_are_case_sensitive() {
    let query = "let R = datatable(k:string, v:long)['In', 1]; datatable(k:string)['in', 'In'] | lookup kind=inner R on k";
    let table = run(query);
    assert_eq!(column_text(&table, "k"), ["In"]);
}

// --- Errors ------------------------------------------------------------------------

#[test]
fn unknown_table_suggests_name() {
    let error = run_error("let DeviceEvents = datatable(a:long)[1]; DeviceEvent | count");
    assert_eq!(error.kind, ErrorKind::UnknownName);
    assert!(
        error.hints.iter().any(|hint| hint.contains("DeviceEvents")),
        "{:?}",
        error.hints
    );
}

#[test]
fn unknown_function_suggests_name() {
    let error = run_error("print tostrin(1)");
    assert_eq!(error.kind, ErrorKind::UnknownName);
    assert!(
        error.hints.iter().any(|hint| hint.contains("tostring(")),
        "{:?}",
        error.hints
    );
}

#[test]
fn unsupported_function_is_named() {
    let error = run_error("print series_seasonal(dynamic([1, 2]))");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.message.contains("`series_seasonal`"),
        "{}",
        error.message
    );
}

/// "An overflow occurs when the result of a computation is too large for the destination
/// type. The overflow usually leads to a partial query failure."
/// (learn.microsoft.com/kusto/concepts/overflow)
#[test]
fn long_overflow_fails_query() {
    for query in [
        "print 9223372036854775807 + 1",
        "print -9223372036854775807 - 2",
        "print 4611686018427387904 * 2",
        "print x = toint(2147483647) * 4294967296 * 4294967296",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Evaluation, "{query}");
        assert!(
            error.message.contains("integer overflow"),
            "{query}: {}",
            error.message
        );
    }
    assert_eq!(scalar("9223372036854775806 + 1"), Value::Long(i64::MAX));
    assert_eq!(
        scalar("toreal(9223372036854775807) + 1"),
        Value::Real(9.223372036854776e18)
    );
    assert_eq!(scalar("long(null) + 1"), Value::Null);
}

#[test]
fn wrong_argument_count() {
    let error = run_error("print tostring()");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- Limits --------------------------------------------------------------------------

#[test]
fn long_operator_chain_is_an_error_not_a_crash() {
    let query = format!("print x = 1{}", " + 1".repeat(7000));
    let error = run_error(&query);
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error.message.contains("split it with `let`"),
        "{}",
        error.message
    );
    let query = format!("print x = true{}", " and true".repeat(100_000));
    assert_eq!(run_error(&query).kind, ErrorKind::Syntax);
}

#[test]
fn long_pipeline_is_an_error_not_a_crash() {
    let query = format!("print x = 1 | {}", vec!["where true"; 20_000].join(" | "));
    assert_eq!(run_error(&query).kind, ErrorKind::Syntax);
}

#[test]
fn chain_within_limit_runs() {
    let query = format!("print x = 0{}", " + 1".repeat(900));
    assert_eq!(column_text(&run(&query), "x"), ["900"]);
}

// learn.microsoft.com/kusto/query/between-operator: with datetime values, the right end
// may be a timespan added to the left end.
#[test]
fn between_datetime_and_timespan_end() {
    assert_eq!(
        flag("datetime(2025-01-02) between (datetime(2025-01-01) .. 1d)"),
        Value::Bool(true)
    );
    assert_eq!(
        flag("datetime(2025-01-03) between (datetime(2025-01-01) .. 1d)"),
        Value::Bool(false)
    );
    assert_eq!(
        flag("datetime(2025-01-03) !between (datetime(2025-01-01) .. 1d)"),
        Value::Bool(true)
    );
}

// learn.microsoft.com/kusto/query/strcat-delim-function
#[test]
fn strcat_delim_joins_with_delimiter() {
    assert_eq!(
        scalar("strcat_delim('-', 1, '2', 'A', 1s)"),
        Value::from("1-2-A-00:00:01")
    );
}

// Microsoft's sample query for DeviceTvmSecureConfigurationAssessment compares bool
// columns with numbers: `IsApplicable == 1 and IsCompliant == 0`
// (learn.microsoft.com/azure/azure-monitor/reference/queries/devicetvmsecureconfigurationassessment).
#[test]
fn bool_compares_with_number() {
    let query =
        "datatable(IsApplicable:bool, IsCompliant:bool)[true, false, true, true, false, false] \
                 | where IsApplicable == 1 and IsCompliant == 0 | count";
    assert_eq!(column_text(&run(query), "Count"), ["1"]);
    assert_eq!(flag("false != 1"), Value::Bool(true));
}

#[test]
fn datatable_rejects_values_that_would_change() {
    assert_eq!(
        run_error("datatable(b:int)[7.9]").kind,
        ErrorKind::TypeMismatch
    );
    assert_eq!(
        run_error("datatable(h:long)[true]").kind,
        ErrorKind::TypeMismatch
    );
    assert_eq!(
        run_error("datatable(e:timespan)[5]").kind,
        ErrorKind::TypeMismatch
    );
    let table = run("datatable(b:int, r:real)[7, 2]");
    assert_eq!(table.columns[0][0], Value::Int(7));
    assert_eq!(table.columns[1][0], Value::Real(2.0));
}

#[test]
fn long_chain_of_tabular_lets_runs() {
    // Each let builds on the previous one; the plan shares them instead of copying.
    let mut query = String::from("let t0 = print x = 0;\n");
    for i in 1..2000 {
        query.push_str(&format!("let t{i} = t{} | extend x = x + 1;\n", i - 1));
    }
    query.push_str("t1999");
    assert_eq!(column_text(&run(&query), "x"), ["1999"]);
}

// learn.microsoft.com/kusto/query/pack-all-function: the example's four rows, packed
// with and without `ignore_null_empty`; the second bag does not contain `Packed`.
#[test]
fn pack_all_packs_input_columns() {
    let table = run("datatable(Source:string,Target:string,CharsCount:long)
        ['555-1234','555-1212',46, '555-1234','555-1213',50, '555-1313','',42, '','555-3456',74]
        | extend Packed=pack_all(), PackedIgnoreNullEmpty=pack_all(true)");
    assert_eq!(
        column_text(&table, "Packed"),
        [
            r#"{"Source":"555-1234","Target":"555-1212","CharsCount":46}"#,
            r#"{"Source":"555-1234","Target":"555-1213","CharsCount":50}"#,
            r#"{"Source":"555-1313","Target":"","CharsCount":42}"#,
            r#"{"Source":"","Target":"555-3456","CharsCount":74}"#,
        ]
    );
    assert_eq!(
        column_text(&table, "PackedIgnoreNullEmpty"),
        [
            r#"{"Source":"555-1234","Target":"555-1212","CharsCount":46}"#,
            r#"{"Source":"555-1234","Target":"555-1213","CharsCount":50}"#,
            r#"{"Source":"555-1313","CharsCount":42}"#,
            r#"{"Target":"555-3456","CharsCount":74}"#,
        ]
    );
}

#[test]
fn pack_all_skips_null_numbers_when_asked() {
    let table = run(
        "datatable(a:long, b:string)[long(null), 'x'] | project p = pack_all(true), q = pack_all()",
    );
    assert_eq!(column_text(&table, "p"), [r#"{"b":"x"}"#]);
    assert_eq!(column_text(&table, "q"), [r#"{"a":null,"b":"x"}"#]);
}

#[test]
fn sum_of_null_reals_is_positive_zero() {
    let table = run("datatable(k:long, v:real)[1, real(null)] | summarize s = sum(v) by k | extend t = tostring(s), u = 1 / s");
    assert_eq!(column_text(&table, "t"), ["0"]);
    assert_ne!(column_text(&table, "u"), ["-Infinity"]);
}

// Kusto's parser reads a bracketed selector after a dot as element access
// (`ParsePathElementSelector` in github.com/microsoft/Kusto-Query-Language), so
// `TargetResources.[0].displayName`, common in published Entra ID queries, is
// `TargetResources[0].displayName`.
#[test]
fn bracket_after_dot_selects_element() {
    let table = run("print d = dynamic([{'displayName': 'p1'}])
        | extend a = d.[0].displayName, b = d.[0].['displayName'], c = tostring(d . [0] . displayName)");
    assert_eq!(column_text(&table, "a"), ["p1"]);
    assert_eq!(column_text(&table, "b"), ["p1"]);
    assert_eq!(column_text(&table, "c"), ["p1"]);
}

// learn.microsoft.com/kusto/query/numerical-operators: "If one of the operands is of type
// real, the result will be of type real." A column has one type, so every row of a
// conditional that mixes long and real branches is a real.
#[test]
fn conditionals_widen_numbers() {
    let table = run("datatable(x:long)[1, 2] \
         | extend y = iff(x == 1, x, 0.5) \
         | extend half = y / 2, kind = gettype(y)");
    assert_eq!(column_text(&table, "half"), ["0.5", "0.25"]);
    assert_eq!(column_text(&table, "kind"), ["real", "real"]);
    assert_eq!(scalar("coalesce(3, 2.5) / 2"), Value::Real(1.5));
    assert_eq!(scalar("case(true, 1, 2.5) / 2"), Value::Real(0.5));
    assert_eq!(scalar("gettype(iif(true, int(1), 2))"), Value::from("long"));
}

// learn.microsoft.com/kusto/query/scalar-data-types/dynamic: a dynamic value holds a typed
// number, so 1.5 stays 1.5 when compared with the long 1. The reference does not state the
// comparison rule, but truncating the real first would make `> 1` and `> 1.0` disagree.
#[test]
fn dynamic_real_compared_with_long() {
    let bag = r#"parse_json('{"r": 1.5, "s": "1.5", "n": 2}')"#;
    assert_eq!(flag(&format!("{bag}.r > 1")), Value::Bool(true));
    assert_eq!(flag(&format!("1 < {bag}.r")), Value::Bool(true));
    assert_eq!(flag(&format!("{bag}.r == 1")), Value::Bool(false));
    assert_eq!(flag(&format!("{bag}.r in (1)")), Value::Bool(false));
    assert_eq!(
        flag(&format!("{bag}.r between (1 .. 1)")),
        Value::Bool(false)
    );
    assert_eq!(flag(&format!("{bag}.s == 1")), Value::Bool(false));
    assert_eq!(flag(&format!("{bag}.n == 2")), Value::Bool(true));
    assert_eq!(flag(&format!("{bag}.n > 1.5")), Value::Bool(true));

    // Integer strings compare as longs, without rounding through a real.
    let big = r#"parse_json('{"n": "9007199254740993"}')"#;
    assert_eq!(
        flag(&format!("{big}.n == 9007199254740992")),
        Value::Bool(false)
    );
    assert_eq!(
        flag(&format!("{big}.n == 9007199254740993")),
        Value::Bool(true)
    );

    // An array on the right of `in` is flattened into its elements, which compare the same
    // way (learn.microsoft.com/kusto/query/in-operator).
    let text = r#"parse_json('{"n": "2"}')"#;
    assert_eq!(flag(&format!("{text}.n in (2)")), Value::Bool(true));
    assert_eq!(
        flag(&format!("{text}.n in (dynamic([2]))")),
        Value::Bool(true)
    );

    let long = r#"parse_json('{"n": 9007199254740993}')"#;
    assert_eq!(
        flag(&format!("{long}.n == dynamic(9007199254740992)")),
        Value::Bool(false)
    );
}

// learn.microsoft.com/kusto/query/scalar-data-types/decimal: `decimal` is an exact 128-bit
// decimal number, so `decimal(0.1) + decimal(0.2) == decimal(0.3)`; computed as `real`,
// it would be false. kql has no such type, so it rejects the query rather than give a
// wrong result.
#[test]
fn decimal_is_refused_not_computed_as_real() {
    for query in [
        "print d = decimal(0.1) + decimal(0.2)",
        "datatable(V:decimal)[1.5] | project V",
        "datatable(V:decimal)[1.5] | extend W = V * 2 | project W",
        "datatable(a:string)['1.5'] | parse a with x:decimal | project y = tostring(x)",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
        assert!(
            error.message.contains("`decimal`"),
            "{query}: {}",
            error.message
        );
    }
}

// Columns declared decimal are refused where they are declared, and tables loaded with
// one where they are read, because a decimal could otherwise reach a join key or
// pack_all() without an expression naming it.
#[test]
fn decimal_columns_refused_at_their_source() {
    for query in [
        "datatable(V:decimal, W:long)[1.5, 2] | project W",
        "datatable(a:string)['[1]'] | mv-expand a to typeof(decimal)",
        "datatable(s:string)['1.5'] | parse s with x:decimal",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
        assert!(
            error.message.contains("`decimal`"),
            "{query}: {}",
            error.message
        );
    }
    let mut session = kql::engine::Session::new();
    let schema = kql::table::Schema::new(vec![
        kql::table::Field::new("Amount".to_string(), kql::value::Type::Decimal),
        kql::table::Field::new("Id".to_string(), kql::value::Type::Long),
    ]);
    let table = kql::table::Table::from_rows(schema, vec![vec![Value::Real(1.5), Value::Long(1)]]);
    session.add_table("Payments", table, "payments.json");
    let error = match session.run("Payments | join kind=inner (Payments) on Amount | count") {
        Ok(_) => panic!("a join on a decimal key must fail"),
        Err(error) => error,
    };
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.hints.iter().any(|hint| hint.contains("`Amount`")),
        "{:?}",
        error.hints
    );
}
