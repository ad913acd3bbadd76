//! Statements and expressions: user-defined functions, `invoke`, `toscalar`,
//! `materialize`, tabular right sides of `in` and `has_any`, `set`, `between`,
//! `column_ifexists`, cloud-only functions, `--prelude` and `externaldata`.
//! Expected values come from the KQL reference on learn.microsoft.com, cited per test.

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use kql::engine::{Prelude, Session};
use kql::error::ErrorKind;
use kql::eval::{EvalContext, TableSource};
use kql::table::Table;
use kql::value::Value;
use predicates::prelude::*;

use crate::support::{column_text, kql_command, names, run, run_error, scalar};

const NUMBERS: &str = "datatable(x:long)[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";

// --- User-defined functions -----------------------------------------------------------

// learn.microsoft.com/kusto/query/functions/user-defined-functions: `Add7(x)` adds 7 and
// `Add7()` uses the default 5, giving 12.
#[test]
fn scalar_function_with_default() {
    let table = run(&format!(
        "let Add7 = (arg0:long = 5) {{ arg0 + 7 }};\n{NUMBERS} | take 2 | extend x_plus_7 = Add7(x), five_plus_seven = Add7()"
    ));
    assert_eq!(column_text(&table, "x_plus_7"), ["8", "9"]);
    assert_eq!(column_text(&table, "five_plus_seven"), ["12", "12"]);
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions: MyFilter over 1..10
// with v = 9 returns 9 and 10.
#[test]
fn tabular_function_with_declared_columns() {
    let table = run(&format!(
        "let MyFilter = (T:(x:long), v:long) {{ T | where x >= v }};\nMyFilter({NUMBERS}, 9)"
    ));
    assert_eq!(column_text(&table, "x"), ["9", "10"]);
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions: a tabular parameter
// of `(*)` takes any table, and the extra columns stay.
#[test]
fn tabular_function_any_schema() {
    let table = run(
        "let Big = (T:(*)) { T | where x > 1 };\nBig(datatable(x:long, s:string)[1, 'a', 2, 'b'])",
    );
    assert_eq!(names(&table), ["x", "s"]);
    assert_eq!(column_text(&table, "s"), ["b"]);
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions: `tenNumbers` has no
// parameters and is used as a table without `()`.
#[test]
fn function_without_parameters_as_table() {
    let table = run(&format!(
        "let tenNumbers = () {{ {NUMBERS} }};\ntenNumbers | extend x_plus_7 = x + 7 | take 1"
    ));
    assert_eq!(column_text(&table, "x_plus_7"), ["8"]);
    let called = run(&format!(
        "let tenNumbers = () {{ {NUMBERS} }};\ntenNumbers() | count"
    ));
    assert_eq!(column_text(&called, "Count"), ["10"]);
}

// Kusto binds a bare function name as a call when no parameter needs an argument
// (Kusto-Query-Language src/Kusto.Language/Binder/Binder_Names.cs, `MinArgumentCount == 0`),
// so an ASIM parser, whose parameters all have defaults, is used as a table without `()`.
#[test]
fn defaulted_function_named_without_parentheses() {
    let session = session_with_prelude(
        "let _Im_Dns = (starttime:datetime = datetime(null), responsecodename:string = '*') \
         { print r = responsecodename, t = isnull(starttime) };\n\
         let Twice = (n:long = 3) { n * 2 };",
    );
    let table = session
        .run("_Im_Dns | take 1")
        .expect("bare tabular call runs");
    assert_eq!(column_text(&table, "r"), ["*"]);
    assert_eq!(column_text(&table, "t"), ["true"]);
    let table = session
        .run("let dns = _Im_Dns; dns | project r")
        .expect("bare call as a let value runs");
    assert_eq!(column_text(&table, "r"), ["*"]);
    let table = session
        .run("print x = Twice, y = Twice(5)")
        .expect("bare scalar call runs");
    assert_eq!(column_text(&table, "x"), ["6"]);
    assert_eq!(column_text(&table, "y"), ["10"]);
}

#[test]
fn function_with_required_parameter_needs_parentheses() {
    for query in [
        "let f = (a:long, b:long = 1) { print r = a + b };\nf | take 1",
        "let f = (a:long, b:long = 1) { a + b };\nprint x = f",
        "let f = (T:(*)) { T };\nf | take 1",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::TypeMismatch, "{query}");
        assert!(
            error.message.contains("call it as `f(…)`"),
            "{query}: {}",
            error.message
        );
        assert!(
            error
                .hints
                .iter()
                .any(|hint| hint.starts_with("signature: f(")),
            "{query}: {:?}",
            error.hints
        );
    }
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values":
// defaults are literals, including typed literals and signed numbers.
#[test]
fn literal_parameter_defaults_accepted() {
    let table = run(
        "let f = (a:long, b:long = -1, c:datetime = datetime(null), d:dynamic = dynamic([1, 2]), \
         e:timespan = 1d, g:string = 'x', h:real = -1.5, i:timespan = -2h, j:bool = true) \
         { strcat(a + b, '|', isnull(c), '|', array_length(d), '|', e, '|', g, '|', h, '|', i, '|', j) };\n\
         print r = f(5)",
    );
    assert_eq!(
        column_text(&table, "r"),
        ["4|true|2|1.00:00:00|x|-1.5|-02:00:00|true"]
    );
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values":
// "Default values are always literals (constants). They can't be arbitrary calculations."
#[test]
fn calculated_parameter_default_rejected() {
    let cases = [
        (
            "let f = (a:long, b:long = 1+1) { a + b };\nprint x = f(1)",
            "1+1",
        ),
        (
            "let f = (t:datetime = ago(1d)) { t };\nprint x = f()",
            "ago(1d)",
        ),
        (
            "let k = 2;\nlet f = (b:long = k) { b };\nprint x = f()",
            "k",
        ),
        ("let f = (s:string = -'a') { s };\nprint x = f()", "-'a'"),
    ];
    for (query, default) in cases {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Syntax, "{query}");
        assert!(
            error.message.contains("is not a literal"),
            "{query}: {}",
            error.message
        );
        let span = error.span.clone().expect("the error points at the default");
        assert_eq!(&query[span], default, "{query}");
    }
}

// learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values":
// "Parameters with no default value always precede parameters that do have a default
// value."
#[test]
fn required_parameter_after_default_rejected() {
    let cases = [
        (
            "let f = (a:long = 1, b:string) { strcat(a, b) };\nprint x = f(b = 'x')",
            "b",
        ),
        (
            "let f = (n:long = 1, T:(*)) { T | take n };\nf(T = print y = 1)",
            "T",
        ),
    ];
    for (query, parameter) in cases {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Syntax, "{query}");
        assert!(
            error.message.contains("must come first"),
            "{query}: {}",
            error.message
        );
        let span = error
            .span
            .clone()
            .expect("the error points at the parameter");
        assert_eq!(&query[span], parameter, "{query}");
    }
}

// learn.microsoft.com/kusto/query/let-statement: a function body may hold its own `let`
// statements; the last expression is its value.
#[test]
fn function_body_with_lets() {
    let table = run("let f = (a:long) { let b = a * 2; let c = b + 1; c; };\nprint r = f(5)");
    assert_eq!(column_text(&table, "r"), ["11"]);
}

#[test]
fn function_sees_definition_scope() {
    // Lexical scope: `f` reads the `k` that existed where it was defined.
    let table = run("let k = 1;\nlet f = () { k };\nlet k = 2;\nprint a = f(), b = k");
    assert_eq!(column_text(&table, "a"), ["1"]);
    assert_eq!(column_text(&table, "b"), ["2"]);
}

#[test]
fn function_string_parameter() {
    let table = run(
        "let label = (s:string, n:long = 2) { strcat(s, '-', tostring(n)) };\nprint a = label('x'), b = label('y', 5)",
    );
    assert_eq!(column_text(&table, "a"), ["x-2"]);
    assert_eq!(column_text(&table, "b"), ["y-5"]);
}

#[test]
fn function_argument_errors() {
    let missing = run_error("let f = (a:long) { a };\nprint f()");
    assert_eq!(missing.kind, ErrorKind::TypeMismatch);
    assert!(missing.message.contains("`a`"), "{}", missing.message);

    let extra = run_error("let f = (a:long) { a };\nprint f(1, 2)");
    assert_eq!(extra.kind, ErrorKind::TypeMismatch);

    let wrong_type = run_error("let f = (a:long) { a };\nprint f('text')");
    assert_eq!(wrong_type.kind, ErrorKind::TypeMismatch);

    let missing_column = run_error("let f = (T:(y:long)) { T };\nf(datatable(x:long)[1])");
    assert_eq!(missing_column.kind, ErrorKind::UnknownName);
}

#[test]
fn tabular_function_as_scalar_is_error() {
    let error = run_error("let f = () { datatable(x:long)[1] };\nprint y = f() + 1");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

#[test]
fn recursion_is_unknown_name() {
    // The body cannot see the function's own name, so recursion cannot loop.
    let error = run_error("let f = (a:long) { f(a) };\nprint f(1)");
    assert_eq!(error.kind, ErrorKind::UnknownName);
}

// learn.microsoft.com/kusto/query/let-statement: `view` marks a function that is
// referenced like a table.
#[test]
fn view_function() {
    let table = run("let v = view () { datatable(x:long)[1, 2] };\nv | where x > 1");
    assert_eq!(column_text(&table, "x"), ["2"]);
}

// learn.microsoft.com/kusto/query/invoke-operator: `T | invoke f(args)` passes T as the
// first tabular parameter.
#[test]
fn invoke_passes_input_first() {
    let table = run(&format!(
        "let MyFilter = (T:(x:long), v:long) {{ T | where x >= v }};\n{NUMBERS} | invoke MyFilter(9) | extend y = x * 2"
    ));
    assert_eq!(column_text(&table, "y"), ["18", "20"]);
}

// An extra argument to `| invoke` is reported at the call, with the piped table counted
// as the first argument, not at the start of the pipeline.
#[test]
fn invoke_argument_count_points_at_call() {
    let query = "let F = (T:(x:long)) { T };\nprint x = 1\n| invoke F(5)";
    let error = run_error(query);
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    let span = error.span.expect("a position");
    assert_eq!(&query[span], "F(5)");
    assert!(
        error
            .hints
            .iter()
            .any(|hint| hint.contains("first argument")),
        "{:?}",
        error.hints
    );
}

#[test]
fn invoke_of_scalar_parameter_is_error() {
    let error = run_error("let f = (a:long) { datatable(x:long)[a] };\nprint x = 1 | invoke f()");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- toscalar and materialize ---------------------------------------------------------

// learn.microsoft.com/kusto/query/toscalar-function: the first column of the first row.
#[test]
fn toscalar_first_cell() {
    let table =
        run("let limit = toscalar(datatable(v:long, w:string)[3, 'a', 7, 'b']);\nprint r = limit");
    assert_eq!(column_text(&table, "r"), ["3"]);
}

#[test]
fn toscalar_of_empty_table_is_null() {
    let value = scalar("toscalar(datatable(v:long)[] | where v > 0)");
    assert_eq!(value, Value::Null);
}

#[test]
fn toscalar_filters_rows() {
    let table = run(&format!(
        "let threshold = toscalar({NUMBERS} | where x > 7 | take 1);\n{NUMBERS} | where x >= threshold | count"
    ));
    assert_eq!(column_text(&table, "Count"), ["3"]);
}

// learn.microsoft.com/kusto/query/toscalar-function: toscalar inside a function cannot
// read a parameter that comes from the calling row ("defined outside its row-context
// scope").
#[test]
fn toscalar_rejects_row_parameter() {
    let error = run_error(
        "let _dataset1 = datatable(x:long)[1,2,3,4,5];\n\
         let _dataset2 = datatable(x:long, y:long) [ 1, 2, 3, 4, 5, 6];\n\
         let tg = (x_: long) { toscalar(_dataset2 | where x == x_ | project y); };\n\
         _dataset1 | extend y = tg(x)",
    );
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("row-context"), "{}", error.message);
}

#[test]
fn toscalar_accepts_constant_parameter() {
    let table = run(
        "let _dataset2 = datatable(x:long, y:long) [ 1, 2, 3, 4, 5, 6];\n\
         let tg = (x_: long) { toscalar(_dataset2 | where x == x_ | project y) };\n\
         print a = tg(3), b = tg(5)",
    );
    assert_eq!(column_text(&table, "a"), ["4"]);
    assert_eq!(column_text(&table, "b"), ["6"]);
}

/// A table source that counts how often each query reads it.
struct CountingTables {
    table: Arc<Table>,
    reads: AtomicUsize,
}

impl TableSource for CountingTables {
    fn table(&self, name: &str) -> Option<Arc<Table>> {
        (name == "T").then(|| {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Arc::clone(&self.table)
        })
    }
}

#[test]
fn subquery_runs_once_per_query() {
    let table = kql::engine::Session::new()
        .run("datatable(x:long)[1, 2, 3, 4]")
        .expect("datatable runs");
    let tables = Arc::new(CountingTables {
        table: Arc::new(table),
        reads: AtomicUsize::new(0),
    });
    let mut schemas = std::collections::HashMap::new();
    schemas.insert("T".to_string(), Arc::clone(&tables.table));
    let script = kql::parser::parse(
        "T | extend m = toscalar(T | where x > 2), found = x in (T | where x < 3 | project x)",
    )
    .expect("query parses");
    let bound = kql::binder::bind(&script, &schemas).expect("query binds");
    let context =
        EvalContext::new(0).with_tables(Arc::clone(&tables) as Arc<dyn TableSource + Send + Sync>);
    let result = kql::eval::execute(&bound.plan, tables.as_ref(), &context).expect("query runs");

    assert_eq!(column_text(&result, "m"), ["3", "3", "3", "3"]);
    assert_eq!(
        column_text(&result, "found"),
        ["true", "true", "false", "false"]
    );
    // One read for the outer `T` and one per subquery, not one per row.
    assert_eq!(tables.reads.load(Ordering::SeqCst), 3);
}

// learn.microsoft.com/kusto/query/materialize-function: materialize() returns its
// table, cached for reuse within the query.
#[test]
fn materialize_returns_its_table() {
    let table = run(&format!(
        "let m = materialize({NUMBERS} | where x > 8);\nm | extend double = x * 2"
    ));
    assert_eq!(column_text(&table, "double"), ["18", "20"]);
}

// --- in, has_any and has_all with a table -------------------------------------------

// learn.microsoft.com/kusto/query/in-operator: a tabular right side uses its first
// column; a `let`-bound table name works too.
#[test]
fn in_with_let_bound_table() {
    let table = run(
        "let cities = datatable(name:string, country:string)['Paris', 'FR', 'Oslo', 'NO'];\n\
         datatable(city:string)['Paris', 'Rome', 'Oslo', 'paris'] | where city in (cities)",
    );
    assert_eq!(column_text(&table, "city"), ["Paris", "Oslo"]);
}

#[test]
fn in_with_inline_pipeline() {
    let table = run(
        "datatable(city:string)['Paris', 'Rome', 'Oslo'] \
         | where city !in ((datatable(n:string, k:long)['Paris', 1, 'Oslo', 2] | where k == 2 | project n))",
    );
    assert_eq!(column_text(&table, "city"), ["Paris", "Rome"]);
}

// learn.microsoft.com/kusto/query/in-cs-operator: `in~` ignores case.
#[test]
fn in_case_insensitive_with_table() {
    let table = run("let names = datatable(n:string)['PARIS'];\n\
         datatable(city:string)['Paris', 'Rome', 'paris'] | where city in~ (names)");
    assert_eq!(column_text(&table, "city"), ["Paris", "paris"]);
}

#[test]
fn in_table_mixed_with_values_is_unsupported() {
    let error = run_error("let t = datatable(n:long)[1];\nprint x = 1 in (t, 2)");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

// learn.microsoft.com/kusto/query/has-anyoperator: has_any matches whole terms from the
// list; here the list is a table's first column.
#[test]
fn has_any_with_table() {
    let table = run(
        "let terms = datatable(t:string)['powershell', 'cmd'];\n\
         datatable(line:string)['run powershell.exe -enc', 'notepad a.txt', 'CMD /c dir'] | where line has_any (terms)",
    );
    assert_eq!(
        column_text(&table, "line"),
        ["run powershell.exe -enc", "CMD /c dir"]
    );
}

// learn.microsoft.com/kusto/query/has-all-operator: every term must be present.
#[test]
fn has_all_with_table() {
    let table = run("datatable(line:string)['a b c', 'a c'] \
         | where line has_all ((datatable(t:string)['a', 'b']))");
    assert_eq!(column_text(&table, "line"), ["a b c"]);
}

#[test]
fn has_any_with_toscalar_list() {
    let table = run(
        "let terms = toscalar(print l = dynamic(['alpha', 'beta']));\n\
         datatable(line:string)['alpha one', 'gamma'] | where line has_any (terms)",
    );
    assert_eq!(column_text(&table, "line"), ["alpha one"]);
}

// --- set, between, column_ifexists ----------------------------------------------------

// learn.microsoft.com/kusto/query/set-statement: `set` options other than query_now
// change nothing here and are accepted.
#[test]
fn set_statements_accepted() {
    let table = run(
        "set notruncation;\nset maxmemoryconsumptionperiterator = 68719476736;\nset query_now = datetime(2024-05-01);\nprint t = now()",
    );
    assert_eq!(
        table.columns[0][0],
        Value::DateTime(kql::value::parse_datetime("2024-05-01").unwrap_or_default())
    );
}

// learn.microsoft.com/kusto/query/between-operator: datetime ranges include both ends.
#[test]
fn between_datetime_range() {
    let table = run(
        "datatable(t:datetime)[datetime(2025-01-01), datetime(2025-01-02), datetime(2025-01-03)] \
         | extend inside = t between (datetime(2025-01-01) .. datetime(2025-01-02)), \
                  outside = t !between (datetime(2025-01-01) .. datetime(2025-01-02))",
    );
    assert_eq!(column_text(&table, "inside"), ["true", "true", "false"]);
    assert_eq!(column_text(&table, "outside"), ["false", "false", "true"]);
}

// learn.microsoft.com/kusto/query/between-operator: the right end may be a timespan
// added to the left end; timespans compare too.
#[test]
fn between_timespan_range() {
    let table = run(
        "datatable(t:datetime, d:timespan)[datetime(2025-01-01 10:00), 30m, datetime(2025-01-02), 2h] \
         | extend near = t between (datetime(2025-01-01) .. datetime(2025-01-01) + 12h), \
                  short = d between (10m .. 1h)",
    );
    assert_eq!(column_text(&table, "near"), ["true", "false"]);
    assert_eq!(column_text(&table, "short"), ["true", "false"]);
}

// learn.microsoft.com/kusto/query/scalar-data-types/timespan: the literal forms table,
// including `time(15 seconds)` and `time(2)` for 2 days, and the page's example that
// computes the seconds in a day three ways.
#[test]
fn timespan_literal_forms() {
    let cases = [
        ("2d", "2.00:00:00"),
        ("1.5h", "01:30:00"),
        ("30m", "00:30:00"),
        ("10s", "00:00:10"),
        ("0.1s", "00:00:00.1000000"),
        ("100ms", "00:00:00.1000000"),
        ("10microsecond", "00:00:00.0000100"),
        ("1tick", "00:00:00.0000001"),
        ("time(15 seconds)", "00:00:15"),
        ("time(2)", "2.00:00:00"),
        ("time(0.12:34:56.7)", "12:34:56.7000000"),
    ];
    for (literal, expected) in cases {
        assert_eq!(scalar(literal).to_kusto_string(), expected, "{literal}");
    }
    let table = run("print result1 = 1d / 1s, result2 = time(1d) / time(1s), \
                     result3 = 24 * 60 * time(00:01:00) / time(1s)");
    for column in ["result1", "result2", "result3"] {
        assert_eq!(column_text(&table, column), ["86400"], "{column}");
    }
    let error = run_error("print time(1 2d)");
    assert_eq!(error.kind, ErrorKind::Syntax);
}

// learn.microsoft.com/kusto/query/scalar-data-types/datetime: `datetime()` "returns the
// current time", the clock that `now()` reads, and `datetime(null)` is null.
#[test]
fn empty_datetime_literal_is_now() {
    let table = run("set query_now = datetime(2025-01-02 03:04:05); \
                     print a = datetime(), same = datetime() == now(), n = isnull(datetime(null))");
    assert_eq!(column_text(&table, "a"), ["2025-01-02T03:04:05.0000000Z"]);
    assert_eq!(column_text(&table, "same"), ["true"]);
    assert_eq!(column_text(&table, "n"), ["true"]);
}

// learn.microsoft.com/kusto/query/between-operator: `between` operates on numeric,
// datetime and timespan expressions, as in `x between (50 .. 55)`, so strings are an error.
#[test]
fn between_rejects_strings() {
    let table = run("range x from 1 to 100 step 1 | where x between (50 .. 55)");
    assert_eq!(
        column_text(&table, "x"),
        ["50", "51", "52", "53", "54", "55"]
    );
    let error = run_error(r#"print "abc" between ("a" .. "b")"#);
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    let error = run_error(r#"print 5 between ("1" .. "9")"#);
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// learn.microsoft.com/kusto/query/column-ifexists-function: the column when it exists,
// else the default.
#[test]
fn column_ifexists_present_and_missing() {
    let table = run(
        "datatable(a:string)['x'] | extend b = column_ifexists('a', 'none'), c = column_ifexists('zz', 'none')",
    );
    assert_eq!(column_text(&table, "b"), ["x"]);
    assert_eq!(column_text(&table, "c"), ["none"]);
    // The same page lists `columnifexists()` as a deprecated alias.
    let table = run(
        "datatable(a:string)['x'] | extend b = columnifexists('a', 'none'), c = columnifexists('zz', 'none')",
    );
    assert_eq!(column_text(&table, "b"), ["x"]);
    assert_eq!(column_text(&table, "c"), ["none"]);
}

// --- Cloud-only functions and the prelude --------------------------------------------

#[test]
fn cloud_only_functions_name_prelude() {
    for query in [
        "print DeviceId = 'a' | invoke SeenBy()",
        "imNetworkSession | take 1",
        "_Im_Dns() | take 1",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
        assert!(
            error.hints.iter().any(|hint| hint.contains("--prelude")),
            "{query}: {:?}",
            error.hints
        );
    }
}

#[test]
fn unloaded_watchlist_names_option() {
    for query in [
        "_GetWatchlist('IPs') | take 1",
        "print x = 1 | where x in (_GetWatchlist('IPs') | project SearchKey)",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Usage, "{query}");
        assert!(
            error
                .hints
                .iter()
                .any(|hint| hint.contains("--watchlist IPs=FILE.csv")),
            "{query}: {:?}",
            error.hints
        );
    }
}

fn session_with_prelude(text: &str) -> Session {
    let mut session = Session::new();
    session.prelude = Some(Prelude {
        text: text.to_string(),
        origin: "prelude.kql".to_string(),
    });
    session
}

#[test]
fn prelude_defines_watchlist() {
    let session = session_with_prelude(
        "let _GetWatchlist = (alias:string) { datatable(SearchKey:string, list:string)['1.2.3.4', 'IPs', 'x', 'Other'] | where list == alias };",
    );
    let table = session
        .run("datatable(ip:string)['1.2.3.4', '5.6.7.8'] | where ip in (_GetWatchlist('IPs') | project SearchKey)")
        .expect("query runs");
    assert_eq!(column_text(&table, "ip"), ["1.2.3.4"]);
}

#[test]
fn prelude_errors_point_into_right_file() {
    let session = session_with_prelude("let a = 1;\nlet f = () { nosuchname };");
    let query = "print x = 1\n| extend y = f()";
    let error = session.run(query).expect_err("f's body fails");
    let (error, source, origin) = session.locate(error, query, "query.kql");
    assert_eq!(origin, "prelude.kql");
    let rendered = error.render(source, origin);
    assert!(rendered.contains("prelude.kql:2:14"), "{rendered}");

    let query = "print x = 1\n| where nosuch > 1";
    let error = session.run(query).expect_err("unknown column");
    let (error, source, origin) = session.locate(error, query, "query.kql");
    assert_eq!(origin, "query.kql");
    let rendered = error.render(source, origin);
    assert!(rendered.contains("query.kql:2:9"), "{rendered}");
}

#[test]
fn prelude_rejects_query_statement() {
    let session = session_with_prelude("print x = 1");
    let error = session.run("print y = 2").expect_err("prelude has a query");
    assert_eq!(error.kind, ErrorKind::Syntax);
}

#[test]
fn prelude_comment_on_last_line() {
    let session = session_with_prelude("let a = 5; // no newline at the end");
    let table = session.run("print b = a").expect("query runs");
    assert_eq!(column_text(&table, "b"), ["5"]);
}

// --- externaldata -----------------------------------------------------------------------

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

// learn.microsoft.com/kusto/query/externaldata-operator: CSV records fill the declared
// columns by position, and ignoreFirstRecord skips a header.
#[test]
fn externaldata_local_csv() {
    let dir = temp_dir();
    let path = dir.path().join("list.csv");
    fs::write(&path, "Name,Count,When\nalpha,3,2025-01-02\nbeta,x,\n").expect("write");
    let query = format!(
        "externaldata(Name:string, Count:long, When:datetime)[@'{}'] with (format='csv', ignoreFirstRecord=true)",
        path.display()
    );
    let table = run(&query);
    assert_eq!(column_text(&table, "Name"), ["alpha", "beta"]);
    assert_eq!(
        table.column("Count").map(|c| c[1].clone()),
        Some(Value::Null)
    );
    assert_eq!(column_text(&table, "Count")[0], "3");
    assert_eq!(
        table.column("When").map(|c| c[0].clone()),
        kql::value::parse_datetime("2025-01-02").map(Value::DateTime)
    );
}

#[test]
fn externaldata_csv_without_skip_keeps_first_row() {
    let dir = temp_dir();
    let path = dir.path().join("list.csv");
    fs::write(&path, "a\nb\n").expect("write");
    let query = format!(
        "externaldata(V:string)[@'{}'] with (format=csv)",
        path.display()
    );
    assert_eq!(column_text(&run(&query), "V"), ["a", "b"]);
}

#[test]
fn externaldata_txt_lines() {
    let dir = temp_dir();
    let path = dir.path().join("iocs.txt");
    fs::write(&path, "# header\nevil.com,1\r\ngood.org\n").expect("write");
    let query = format!(
        "externaldata(Line:string, Other:string)[@'{}'] with (format='txt', ignoreFirstRecord=True)",
        path.display()
    );
    let table = run(&query);
    assert_eq!(column_text(&table, "Line"), ["evil.com,1", "good.org"]);
    assert_eq!(column_text(&table, "Other"), ["", ""]);
}

#[test]
fn externaldata_multijson_by_name() {
    let dir = temp_dir();
    let path = dir.path().join("roles.json");
    fs::write(
        &path,
        r#"[{"Id": "1", "Tags": ["a"], "Extra": 5}, {"Id": "2", "Tags": []}]"#,
    )
    .expect("write");
    let query = format!(
        "externaldata(Id:string, Tags:dynamic)[@'{}'] with (format='multijson')",
        path.display()
    );
    let table = run(&query);
    assert_eq!(names(&table), ["Id", "Tags"]);
    assert_eq!(column_text(&table, "Id"), ["1", "2"]);
    assert_eq!(column_text(&table, "Tags"), [r#"["a"]"#, "[]"]);
}

#[test]
fn externaldata_url_needs_mapping() {
    let error =
        run_error("externaldata(x:string)['https://example.com/list.csv'] with (format='csv')");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error
            .hints
            .iter()
            .any(|hint| hint.contains("--externaldata")),
        "{:?}",
        error.hints
    );
}

#[test]
fn externaldata_unknown_property_unsupported() {
    let error = run_error("externaldata(x:string)['a.csv'] with (zipPattern='*.csv')");
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("`zipPattern`"), "{}", error.message);
}

// learn.microsoft.com/kusto/management/json-mapping: `Path` is a JSONPath into the record
// when it starts with `$` and a constant otherwise, and `ConstValue` is a constant.
#[test]
fn externaldata_json_mapping_reads_paths() {
    let dir = temp_dir();
    let path = dir.path().join("feed.json");
    fs::write(
        &path,
        "{\"id\": 7, \"meta\": {\"name\": \"alpha\", \"tags\": [\"x\", \"y\"]}}\n\
         {\"id\": 8, \"meta\": {\"name\": \"beta\"}}\n",
    )
    .expect("write");
    let mapping = [
        r#"{"Column": "Id", "Properties": {"Path": "$.id"}}"#,
        // `''` is a quote inside the verbatim KQL string below.
        r#"{"Column": "Name", "Properties": {"Path": "$[''meta''].name"}}"#,
        r#"{"Column": "FirstTag", "Properties": {"Path": "$.meta.tags[0]"}}"#,
        r#"{"Column": "Feed", "Properties": {"ConstValue": "lab"}}"#,
    ]
    .join(", ");
    let mapping = format!("[{mapping}]");
    let query = format!(
        "externaldata(Id:long, Name:string, FirstTag:string, Feed:string)[@'{}'] \
         with (format='json', ingestionMapping=@'{mapping}')",
        path.display()
    );
    let table = run(&query);
    assert_eq!(column_text(&table, "Id"), ["7", "8"]);
    assert_eq!(column_text(&table, "Name"), ["alpha", "beta"]);
    assert_eq!(column_text(&table, "FirstTag"), ["x", ""]);
    assert_eq!(column_text(&table, "Feed"), ["lab", "lab"]);
}

#[test]
fn externaldata_mapping_errors_name_the_problem() {
    let error = run_error("externaldata(x:string)['a.json'] with (ingestionMapping='m')");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error.message.contains("not a JSON array"),
        "{}",
        error.message
    );
    let transform = r#"[{"Column": "x", "Properties": {"Path": "$.t", "Transform": "DateTimeFromUnixSeconds"}}]"#;
    let error = run_error(&format!(
        "externaldata(x:string)['a.json'] with (format='json', ingestionMapping='{transform}')"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    // A CSV mapping places columns by `Ordinal`, which is not read yet.
    let identity = r#"[{"Column": "x", "Properties": {"Ordinal": "0"}}]"#;
    let error = run_error(&format!(
        "externaldata(x:string)['a.csv'] with (format='csv', ingestionMapping='{identity}')"
    ));
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.message.contains("json or multijson"),
        "{}",
        error.message
    );
}

// learn.microsoft.com/kusto/query/externaldata-operator lists the properties format,
// ignoreFirstRecord and ingestionMapping only, so ignoreLastRecord has no documented meaning.
#[test]
fn externaldata_ignore_last_record_unsupported() {
    let error = run_error(
        "externaldata(x:string)['a.json'] with (format='multijson', ignoreLastRecord=true)",
    );
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(
        error.message.contains("`ignoreLastRecord`"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("does not document"),
        "{}",
        error.message
    );
}

#[test]
fn externaldata_url_mapped_on_command_line() {
    let dir = temp_dir();
    let data = dir.path().join("tlds.csv");
    fs::write(&data, "TLD\n.zip\n.mov\n").expect("write");
    let query = "let SuspiciousTLD = externaldata(TLD: string)[@\"https://example.com/tlds.csv\"] with (format=\"csv\", ignoreFirstRecord=True);\nSuspiciousTLD | count";
    kql_command()
        .args(["run", "-q", query, "--format", "csv"])
        .arg("--externaldata")
        .arg(format!("https://example.com/tlds.csv={}", data.display()))
        .assert()
        .success()
        .stdout("Count\n2\n");
}

#[test]
fn check_accepts_unmapped_externaldata() {
    let dir = temp_dir();
    let query = dir.path().join("rule.kql");
    fs::write(
        &query,
        "externaldata(TLD: string)[@\"https://example.com/tlds.csv\"] with (format=\"csv\")\n| where TLD endswith '.zip'",
    )
    .expect("write");
    kql_command()
        .arg("check")
        .arg(&query)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
}

#[test]
fn cli_prelude_for_run_and_check() {
    let dir = temp_dir();
    let prelude = dir.path().join("prelude.kql");
    fs::write(
        &prelude,
        "let FileProfile = (T:(*), x:string = '', n:long = 0) { T | extend GlobalPrevalence = long(null) };\n",
    )
    .expect("write");
    let query = dir.path().join("rule.kql");
    fs::write(
        &query,
        "print SHA1 = 'abc' | invoke FileProfile('SHA1', 1000) | project SHA1, GlobalPrevalence",
    )
    .expect("write");
    kql_command()
        .arg("run")
        .arg(&query)
        .arg("--prelude")
        .arg(&prelude)
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout("SHA1,GlobalPrevalence\nabc,\n");
    kql_command()
        .arg("check")
        .arg(&query)
        .arg("--prelude")
        .arg(&prelude)
        .assert()
        .success();
    // Without the prelude, the built-in FileProfile() binds from its documented columns.
    kql_command().arg("check").arg(&query).assert().success();
}

#[test]
fn cli_workspace_function_needs_prelude_to_run() {
    let dir = temp_dir();
    let prelude = dir.path().join("functions.kql");
    fs::write(
        &prelude,
        "let Tag = (T:(*)) { T | extend Tag = strcat('host-', Name) };\n",
    )
    .expect("write");
    let query = dir.path().join("rule.kql");
    fs::write(&query, "print Name = 'a' | invoke Tag() | project Tag").expect("write");
    kql_command()
        .arg("run")
        .arg(&query)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no function `Tag` is defined"))
        .stderr(predicate::str::contains("--prelude FILE"));
    kql_command()
        .arg("run")
        .arg(&query)
        .arg("--prelude")
        .arg(&prelude)
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout("Tag\nhost-a\n");
    // Without the definition, check takes `Tag` to be saved in the workspace and warns.
    kql_command()
        .arg("check")
        .arg(&query)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "rule.kql:1:27: `Tag` is not defined in the query",
        ));
    kql_command()
        .arg("check")
        .arg(&query)
        .arg("--prelude")
        .arg(&prelude)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn cli_prelude_error_names_prelude_file() {
    let dir = temp_dir();
    let prelude = dir.path().join("defs.kql");
    fs::write(&prelude, "let a = 1;\nlet b = nosuchname;\n").expect("write");
    kql_command()
        .args(["run", "-q", "print x = a"])
        .arg("--prelude")
        .arg(&prelude)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("defs.kql:2:9"));
}

// learn.microsoft.com/kusto/query/top-operator: the row count must be a constant; an
// `int` parameter given a literal is one, as in a published LastPowerShellExecutions
// function that calls `top Results by Timestamp`.
#[test]
fn int_parameter_as_top_count() {
    let table = run("let f = (n: int) { datatable(x:long)[1, 3, 2] | top n by x }; f(2)");
    assert_eq!(column_text(&table, "x"), ["3", "2"]);
}

#[test]
fn string_number_ordering_suggests_quoting() {
    let error = run_error("datatable(ResultType:string)['0'] | where ResultType > 0");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    assert!(
        error
            .hints
            .iter()
            .any(|hint| hint.contains("ResultType == \"0\"")),
        "{:?}",
        error.hints
    );
}

// Microsoft's Sentinel analytic rules filter the string column ResultType of SigninLogs
// with `ResultType == 0` (Azure-Sentinel, Solutions/Microsoft Entra ID, "Azure Portal
// sign in from another Azure Tenant"). Equality between a string and a whole number
// compares the number's text.
#[test]
fn string_equals_whole_number_as_text() {
    let codes = "datatable(ResultType:string)['0', '50126', '']";
    let success = run(&format!("{codes} | where ResultType == 0"));
    assert_eq!(column_text(&success, "ResultType"), ["0"]);
    let failures = run(&format!("{codes} | where ResultType != 0"));
    assert_eq!(column_text(&failures, "ResultType"), ["50126", ""]);
    let listed = run(&format!("{codes} | where ResultType in (50126, 50053)"));
    assert_eq!(column_text(&listed, "ResultType"), ["50126"]);
    let ports = run("datatable(RemotePort:long)[443, 80] | where RemotePort in ('443', '22')");
    assert_eq!(column_text(&ports, "RemotePort"), ["443"]);
    let forms = run(
        "datatable(t:string)['-12', '00', '+1', '-0', ' 1'] | where t == -12 or t == 0 or t == 1",
    );
    assert_eq!(column_text(&forms, "t"), ["-12"]);
}

#[test]
fn in_list_of_other_type_is_error() {
    let error = run_error("datatable(IsAdmin:bool)[true] | where IsAdmin in ('True')");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    assert!(
        error
            .message
            .contains("`in` cannot compare bool with string"),
        "{}",
        error.message
    );
}

#[test]
fn cancelled_query_stops_with_error() {
    let tables: std::collections::HashMap<String, Arc<Table>> = std::collections::HashMap::new();
    let bound = kql::engine::check(
        "datatable(x:long)[1, 2, 3] | where x > 1 | extend y = x * 2",
        &tables,
    )
    .unwrap_or_else(|error| panic!("{}", error.message));
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let context = EvalContext::for_tests().with_cancel(Arc::clone(&flag));
    let finished = kql::eval::execute(&bound.plan, &tables, &context);
    assert_eq!(finished.map(|table| table.row_count).ok(), Some(2));
    flag.store(true, std::sync::atomic::Ordering::Relaxed);
    let cancelled = kql::eval::execute(&bound.plan, &tables, &context);
    let error = cancelled
        .err()
        .map(|error| error.message)
        .unwrap_or_default();
    assert!(error.contains("cancelled"), "{error}");
}

// learn.microsoft.com/kusto/query/scalar-data-types/null-values: `==` between a null and
// a non-null value is false and `!=` is true. A string is never null, so a null number
// never equals one, not even "".
#[test]
fn null_number_never_equals_string() {
    let table = run("datatable(ResultType:string, n:long)['0', 0, '', long(null)]
        | extend eq_col = ResultType == n, ne_col = ResultType != n, empty = n == '', listed = n in ('')");
    assert_eq!(column_text(&table, "eq_col"), ["true", "false"]);
    assert_eq!(column_text(&table, "ne_col"), ["false", "true"]);
    assert_eq!(column_text(&table, "empty"), ["false", "false"]);
    assert_eq!(column_text(&table, "listed"), ["false", "false"]);
}

#[test]
fn in_tilde_list_of_other_type_is_error() {
    let error = run_error("datatable(b:bool)[true] | where b in~ ('x')");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// `*` as "every column" works in `search`. Elsewhere it is reported as not supported,
// because a syntax error would call a query wrong that Kusto may accept.
#[test]
fn star_predicate_outside_search_unsupported() {
    let error = run_error(r#"datatable(a:string)["needle"] | where * has "needle""#);
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert!(error.message.contains("`where * has"), "{}", error.message);
    assert!(
        error.hints.iter().any(|hint| hint.contains("search")),
        "{:?}",
        error.hints
    );
}
