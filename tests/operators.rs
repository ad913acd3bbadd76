//! Tabular operators through the whole engine. Expected values come from the examples
//! and rules of the KQL reference on learn.microsoft.com, cited per test.

use kql::error::ErrorKind;

use crate::support::{column_text, names, run, run_error};

const X_AND_Y: &str = "let X = datatable(Key:string, Value1:long)['a',1, 'b',2, 'b',3, 'c',4];\n\
                       let Y = datatable(Key:string, Value2:long)['b',10, 'c',20, 'c',30, 'd',40];\n";

fn join_rows(kind: &str) -> Vec<String> {
    let table = run(&format!("{X_AND_Y}X | join kind={kind} Y on Key"));
    let mut rows: Vec<String> = (0..table.row_count)
        .map(|row| {
            table
                .row(row)
                .iter()
                .map(|value| value.to_kusto_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    rows.sort();
    rows
}

// --- summarize -----------------------------------------------------------------------

// learn.microsoft.com/kusto/query/summarize-operator: the by columns come first, then
// the aggregates, named after the function and its argument when no name is given.
#[test]
fn summarize_generated_names() {
    let table = run("datatable(State:string, Damage:long)['A',1, 'B',2, 'A',3]\n\
         | summarize count(), dcount(Damage), sum(Damage), max(Damage), avg(Damage), make_set(Damage), make_list(Damage) by State");
    assert_eq!(
        names(&table),
        [
            "State",
            "count_",
            "dcount_Damage",
            "sum_Damage",
            "max_Damage",
            "avg_Damage",
            "set_Damage",
            "list_Damage"
        ]
    );
    assert_eq!(column_text(&table, "State"), ["A", "B"]);
    assert_eq!(column_text(&table, "count_"), ["2", "1"]);
    assert_eq!(column_text(&table, "sum_Damage"), ["4", "2"]);
    assert_eq!(column_text(&table, "avg_Damage"), ["2", "2"]);
    assert_eq!(column_text(&table, "set_Damage"), ["[1,3]", "[2]"]);
}

// learn.microsoft.com/kusto/query/summarize-operator, "Default values of aggregations":
// on empty input without `by`, one row: 0 for the counts and sums, [] for make_set.
#[test]
fn summarize_empty_input_defaults() {
    let table = run("datatable(x:long)[] | summarize count(), countif(x > 0), dcount(x), sum(x), make_set(x), max(x)");
    assert_eq!(table.row_count, 1);
    assert_eq!(column_text(&table, "count_"), ["0"]);
    assert_eq!(column_text(&table, "countif_"), ["0"]);
    assert_eq!(column_text(&table, "dcount_x"), ["0"]);
    assert_eq!(column_text(&table, "sum_x"), ["0"]);
    assert_eq!(column_text(&table, "set_x"), ["[]"]);
    assert_eq!(column_text(&table, "max_x"), [""]);
    let grouped = run("datatable(x:long)[] | summarize count() by x");
    assert_eq!(grouped.row_count, 0);
}

// learn.microsoft.com/kusto/query/take-any-aggregation-function: the deprecated alias
// `any()` prefixes `any_` to every column it returns, and `take_any()` keeps the names.
#[test]
fn any_alias_prefixes_every_column() {
    let data = r#"datatable(Name:string, Day:long)["John", 9]"#;
    let two = run(&format!("{data} | summarize any(Name, Day)"));
    assert_eq!(column_text(&two, "any_Name"), ["John"]);
    assert_eq!(column_text(&two, "any_Day"), ["9"]);
    let star = run(&format!("{data} | summarize any(*) by Name"));
    assert_eq!(column_text(&star, "Name"), ["John"]);
    assert_eq!(column_text(&star, "any_Day"), ["9"]);
    let take = run(&format!("{data} | summarize take_any(Name, Day)"));
    assert_eq!(column_text(&take, "Name"), ["John"]);
    assert_eq!(column_text(&take, "Day"), ["9"]);
}

// learn.microsoft.com/kusto/query/bin-function: bin rounds down to the bin size; the key
// column keeps the name of the binned column.
#[test]
fn summarize_by_bin() {
    let table = run("datatable(Timestamp:datetime, n:long)[datetime(2025-01-01 10:15), 1, datetime(2025-01-01 10:45), 2, datetime(2025-01-01 11:05), 4]\n\
         | summarize total = sum(n) by bin(Timestamp, 1h)");
    assert_eq!(names(&table), ["Timestamp", "total"]);
    assert_eq!(
        column_text(&table, "Timestamp"),
        [
            "2025-01-01T10:00:00.0000000Z",
            "2025-01-01T11:00:00.0000000Z"
        ]
    );
    assert_eq!(column_text(&table, "total"), ["3", "4"]);
}

// learn.microsoft.com/kusto/query/countif-aggregation-function and
// sumif-aggregation-function: the birthday examples, with their generated column names.
#[test]
fn countif_and_sumif_reference_examples() {
    let source = r#"datatable(name:string, day_of_birth:long)["John", 9, "Paul", 18, "George", 25, "Ringo", 7]"#;
    let counted = run(&format!("{source} | summarize countif(strlen(name) > 4)"));
    assert_eq!(column_text(&counted, "countif_"), ["2"]);
    let summed = run(&format!(
        "{source} | summarize sumif(day_of_birth, strlen(name) > 4)"
    ));
    assert_eq!(column_text(&summed, "sumif_day_of_birth"), ["32"]);
}

// learn.microsoft.com/kusto/query/arg-min-aggregation-function and
// arg-max-aggregation-function, null handling examples: when Version is null on every row
// of a group, one row of the group is picked (Banana, Yellow).
#[test]
fn arg_extreme_all_null_picks_row() {
    let source = r#"datatable(Fruit: string, Color: string, Version: int) [
        "Apple", "Red", 1, "Apple", "Green", int(null),
        "Banana", "Yellow", int(null), "Banana", "Green", int(null),
        "Pear", "Brown", 1, "Pear", "Green", 2,
    ]"#;
    let min = run(&format!(
        "{source} | summarize arg_min(Version, *) by Fruit"
    ));
    assert_eq!(column_text(&min, "Fruit"), ["Apple", "Banana", "Pear"]);
    assert_eq!(column_text(&min, "Version"), ["1", "", "1"]);
    assert_eq!(column_text(&min, "Color"), ["Red", "Yellow", "Brown"]);
    let max = run(&format!(
        "{source} | summarize arg_max(Version, *) by Fruit"
    ));
    assert_eq!(column_text(&max, "Version"), ["1", "", "2"]);
    assert_eq!(column_text(&max, "Color"), ["Red", "Yellow", "Green"]);
}

// learn.microsoft.com/kusto/query/arg-max-aggregation-function: `arg_max(ExprToMaximize,
// *)` returns the row with the maximum; the by columns are not repeated.
#[test]
fn summarize_arg_max_star() {
    let table = run("datatable(Device:string, Time:long, Action:string)['d1',1,'open', 'd1',5,'close', 'd2',3,'read']\n\
         | summarize arg_max(Time, *) by Device");
    assert_eq!(names(&table), ["Device", "Time", "Action"]);
    assert_eq!(column_text(&table, "Action"), ["close", "read"]);
    let listed = run(
        "datatable(Device:string, Time:long, Action:string)['d1',1,'open', 'd1',5,'close']\n\
         | summarize Latest = arg_min(Time, Action) by Device",
    );
    assert_eq!(names(&listed), ["Device", "Latest", "Action"]);
    assert_eq!(column_text(&listed, "Action"), ["open"]);
}

// learn.microsoft.com/kusto/query/make-list-aggregation-function, "One column" example.
#[test]
fn make_list_shapes_example() {
    let table = run("let shapes = datatable (name: string, sideCount: int)['triangle', 3, 'square', 4, 'rectangle', 4, 'pentagon', 5, 'hexagon', 6, 'heptagon', 7, 'octagon', 8, 'nonagon', 9, 'decagon', 10];\n\
         shapes | summarize mylist = make_list(name)");
    assert_eq!(
        column_text(&table, "mylist"),
        [
            r#"["triangle","square","rectangle","pentagon","hexagon","heptagon","octagon","nonagon","decagon"]"#
        ]
    );
}

// learn.microsoft.com/kusto/query/summarize-operator: aggregates can be combined in an
// expression; countif counts the rows whose predicate is true.
#[test]
fn summarize_expression_over_aggregates() {
    let table = run("datatable(ok:bool)[true, false, true, true] | summarize Percent = 100.0 * countif(ok) / count()");
    assert_eq!(column_text(&table, "Percent"), ["75"]);
}

// learn.microsoft.com/kusto/query/percentiles-aggregation-function: the columns are named
// percentile_X_P.
#[test]
fn summarize_percentiles_names() {
    let table = run("datatable(x:long)[1,2,3,4,5,6,7,8,9,10] | summarize percentiles(x, 50, 95), percentile(x, 10)");
    assert_eq!(
        names(&table),
        ["percentile_x_50", "percentile_x_95", "percentile_x_10"]
    );
    assert_eq!(column_text(&table, "percentile_x_50"), ["5"]);
    assert_eq!(column_text(&table, "percentile_x_10"), ["1"]);
}

// NaN among the values ranks below every number, as `sort` places it, so the percentile
// order is total and many NaN values do not stop the query.
#[test]
fn summarize_percentiles_with_nan() {
    let table = run("range i from 1 to 2000 step 1 \
         | extend x = iff(i % 7 == 0, real(nan), toreal(i)) \
         | summarize percentiles(x, 5, 100)");
    assert_eq!(column_text(&table, "percentile_x_5"), ["NaN"]);
    assert_eq!(column_text(&table, "percentile_x_100"), ["2000"]);
}

#[test]
fn summarize_rejects_non_aggregate() {
    let error = run_error("datatable(x:long)[1] | summarize x");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    let error = run_error("datatable(x:long)[1] | summarize hll(x)");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

// learn.microsoft.com/kusto/query/distinct-operator
#[test]
fn distinct_columns_and_star() {
    let table = run("datatable(a:string, b:long)['x',1, 'x',1, 'y',2, 'x',3] | distinct a");
    assert_eq!(column_text(&table, "a"), ["x", "y"]);
    let all = run("datatable(a:string, b:long)['x',1, 'x',1, 'y',2] | distinct *");
    assert_eq!(all.row_count, 2);
    assert_eq!(names(&all), ["a", "b"]);
}

// --- sort and top --------------------------------------------------------------------

// learn.microsoft.com/kusto/query/sort-operator: descending by default; nulls last when
// descending and first when ascending, unless `nulls first|last` says otherwise.
#[test]
fn sort_directions_and_nulls() {
    let source = "datatable(x:long)[2, long(null), 3, 1]";
    let table = run(&format!("{source} | sort by x"));
    assert_eq!(column_text(&table, "x"), ["3", "2", "1", ""]);
    let table = run(&format!("{source} | order by x asc"));
    assert_eq!(column_text(&table, "x"), ["", "1", "2", "3"]);
    let table = run(&format!("{source} | sort by x asc nulls last"));
    assert_eq!(column_text(&table, "x"), ["1", "2", "3", ""]);
    let table = run(&format!("{source} | sort by x desc nulls first"));
    assert_eq!(column_text(&table, "x"), ["", "3", "2", "1"]);
}

#[test]
fn sort_by_several_keys() {
    let table = run("datatable(a:string, b:long)['x',1, 'y',2, 'x',3] | sort by a asc, b desc");
    assert_eq!(column_text(&table, "b"), ["3", "1", "2"]);
}

// learn.microsoft.com/kusto/query/top-operator
// learn.microsoft.com/kusto/query/order-by-operator sorts numeric, date, time and string
// keys. A dynamic key of one kind sorts by value. A key that mixes kinds is an error,
// because it has no total order, and such a comparison made Rust's sort panic.
#[test]
fn sort_dynamic_keys_by_kind() {
    let table = run("datatable(d:dynamic)[3, 1.5, 2, 10] | sort by d asc");
    assert_eq!(column_text(&table, "d"), ["1.5", "2", "3", "10"]);
    let table = run(r#"datatable(d:dynamic)["b", "a", "c"] | sort by d asc"#);
    assert_eq!(column_text(&table, "d"), ["a", "b", "c"]);
    let table = run("datatable(d:dynamic)[9007199254740993, 9007199254740992] | sort by d asc");
    assert_eq!(
        column_text(&table, "d"),
        ["9007199254740992", "9007199254740993"]
    );
    let mixed = r#"datatable(d:dynamic)[49, "0", 50, dynamic([1]), "71", dynamic([1]), "52", 46, "93", 10, "20"]"#;
    let error = run_error(&format!("{mixed} | sort by d asc"));
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(error.message.contains("tostring()"), "{}", error.message);
    let table = run(&format!("{mixed} | sort by tostring(d) asc | take 1"));
    assert_eq!(column_text(&table, "d"), ["0"]);
}

#[test]
fn top_rows() {
    let table = run("datatable(x:long)[5, 1, 4, 2] | top 2 by x");
    assert_eq!(column_text(&table, "x"), ["5", "4"]);
    let table = run("datatable(x:long)[5, 1, 4, 2] | top 3 by x asc");
    assert_eq!(column_text(&table, "x"), ["1", "2", "4"]);
}

// learn.microsoft.com/kusto/query/sample-operator: up to the given number of rows,
// chosen at random, so the test checks the count and that the rows are distinct input
// rows.
#[test]
fn sample_returns_distinct_input_rows() {
    for _ in 0..20 {
        let table = run("range x from 1 to 100 step 1 | sample 5");
        let mut values: Vec<i64> = column_text(&table, "x")
            .iter()
            .map(|text| text.parse().expect("a number"))
            .collect();
        assert_eq!(values.len(), 5);
        assert!(values.iter().all(|x| (1..=100).contains(x)), "{values:?}");
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), 5, "a row was returned twice");
    }
    let table = run("range x from 1 to 3 step 1 | sample 10 | sort by x asc");
    assert_eq!(column_text(&table, "x"), ["1", "2", "3"]);
    let error = run_error("range x from 1 to 3 step 1 | sample -1");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    // The reference allows "any numeric expression", so computed and real counts are
    // named as not supported instead of being called invalid.
    for query in [
        "range x from 1 to 3 step 1 | sample 1 + 1",
        "range x from 1 to 3 step 1 | sample 2.5",
        "range x from 1 to 3 step 1 | take 1 + 1",
    ] {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
    }
    let table = run("let n = 2; range x from 1 to 3 step 1 | sample n");
    assert_eq!(column_text(&table, "x").len(), 2);
}

// learn.microsoft.com/kusto/query/sample-operator: a materialized sample is computed once,
// so both references to it give the same row.
// learn.microsoft.com/kusto/query/materialize-function states that the cached result is
// reused "without recalculation".
#[test]
fn materialize_keeps_random_results() {
    for _ in 0..10 {
        let table = run("let _data = range x from 1 to 100 step 1;\n\
             let _sample = materialize(_data | sample 1);\n\
             union (_sample), (_sample)");
        let rows = column_text(&table, "x");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], rows[1], "a materialized sample gave two rows");
    }
    let table = run(
        "let m = materialize(range x from 1 to 50 step 1 | extend r = rand());\n\
         m | join kind=inner m on x | where r != r1 | count",
    );
    assert_eq!(column_text(&table, "Count"), ["0"]);
}

// --- join ----------------------------------------------------------------------------

// learn.microsoft.com/kusto/query/join-operator, the X and Y examples of each kind.
#[test]
fn join_default_is_innerunique() {
    let table = run(&format!("{X_AND_Y}X | join Y on Key"));
    assert_eq!(names(&table), ["Key", "Value1", "Key1", "Value2"]);
    assert_eq!(
        join_rows("innerunique"),
        ["b,2,b,10", "c,4,c,20", "c,4,c,30"]
    );
}

#[test]
fn join_inner_and_outer_kinds() {
    assert_eq!(
        join_rows("inner"),
        ["b,2,b,10", "b,3,b,10", "c,4,c,20", "c,4,c,30"]
    );
    assert_eq!(
        join_rows("leftouter"),
        ["a,1,,", "b,2,b,10", "b,3,b,10", "c,4,c,20", "c,4,c,30"]
    );
    assert_eq!(
        join_rows("rightouter"),
        [",,d,40", "b,2,b,10", "b,3,b,10", "c,4,c,20", "c,4,c,30"]
    );
    assert_eq!(
        join_rows("fullouter"),
        [",,d,40", "a,1,,", "b,2,b,10", "b,3,b,10", "c,4,c,20", "c,4,c,30"]
    );
}

#[test]
fn join_semi_and_anti_kinds() {
    assert_eq!(join_rows("leftanti"), ["a,1"]);
    assert_eq!(join_rows("anti"), ["a,1"]);
    assert_eq!(join_rows("leftantisemi"), ["a,1"]);
    assert_eq!(join_rows("rightanti"), ["d,40"]);
    assert_eq!(join_rows("leftsemi"), ["b,2", "b,3", "c,4"]);
    assert_eq!(join_rows("rightsemi"), ["b,10", "c,20", "c,30"]);
}

#[test]
fn join_on_different_names_with_hints() {
    let table = run("datatable(a:string, n:long)['x',1] | join hint.strategy=shuffle kind=inner (datatable(b:string, m:long)['x',2]) on $left.a == $right.b");
    assert_eq!(names(&table), ["a", "n", "b", "m"]);
    assert_eq!(column_text(&table, "m"), ["2"]);
}

#[test]
fn join_key_type_mismatch_is_error() {
    let error = run_error("datatable(a:string)['1'] | join (datatable(a:long)[1]) on a");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- column operators ----------------------------------------------------------------

// learn.microsoft.com/kusto/query/project-away-operator,
// project-keep-operator, project-rename-operator and project-reorder-operator.
#[test]
fn project_away_keep_with_wildcards() {
    let source = "print A=1, B=2, AB=3, C=4";
    assert_eq!(
        names(&run(&format!("{source} | project-away A*"))),
        ["B", "C"]
    );
    assert_eq!(
        names(&run(&format!("{source} | project-keep *B, C"))),
        ["B", "AB", "C"]
    );
    let error = run_error(&format!("{source} | project-away D"));
    assert_eq!(error.kind, ErrorKind::UnknownName);
}

#[test]
fn project_rename_and_reorder() {
    let source = "print A=1, B=2, C=3";
    let renamed = run(&format!("{source} | project-rename X = B"));
    assert_eq!(names(&renamed), ["A", "X", "C"]);
    assert_eq!(column_text(&renamed, "X"), ["2"]);
    assert_eq!(
        names(&run(&format!("{source} | project-reorder C, A"))),
        ["C", "A", "B"]
    );
    assert_eq!(
        names(&run(&format!("{source} | project-reorder * desc"))),
        ["C", "B", "A"]
    );
}

// --- mv-expand -----------------------------------------------------------------------

// learn.microsoft.com/kusto/query/mv-expand-operator, "Single column - array expansion".
#[test]
fn mv_expand_array() {
    let table = run("datatable (a: int, b: dynamic)[1, dynamic([10, 20]), 2, dynamic(['a', 'b'])] | mv-expand b");
    assert_eq!(column_text(&table, "a"), ["1", "1", "2", "2"]);
    assert_eq!(column_text(&table, "b"), ["10", "20", "a", "b"]);
}

// learn.microsoft.com/kusto/query/mv-expand-operator, "Zipped two columns": shorter
// arrays are padded with null.
#[test]
fn mv_expand_zipped_columns() {
    let table = run(
        r#"datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"}), dynamic([5, 4, 3])] | mv-expand b, c"#,
    );
    assert_eq!(
        column_text(&table, "b"),
        [r#"{"prop1":"a1"}"#, r#"{"prop2":"b1"}"#, ""]
    );
    assert_eq!(column_text(&table, "c"), ["5", "4", "3"]);
}

// learn.microsoft.com/kusto/query/mv-expand-operator: with `to typeof()`, an element that
// does not fit the type becomes null, and learn.microsoft.com/kusto/query/scalar-data-types/null-values:
// a string is never null, so a missing or JSON null element is the empty string.
#[test]
fn mv_expand_to_string_null_is_empty() {
    let table = run(
        r#"print a = dynamic(["x", null]), b = dynamic([1, 2, 3]) | mv-expand a to typeof(string), b"#,
    );
    let values: Vec<kql::value::Value> = table.column("a").expect("column a").to_vec();
    let empty = kql::value::Value::from("");
    assert_eq!(values, [kql::value::Value::from("x"), empty.clone(), empty]);
}

// learn.microsoft.com/kusto/query/mv-expand-operator, "Single column - bag expansion" with
// bagexpansion=array, with_itemindex, `to typeof()` and `limit`.
#[test]
fn mv_expand_options() {
    let table = run(
        r#"datatable (a: int, b: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"})] | mv-expand bagexpansion=array b"#,
    );
    assert_eq!(
        column_text(&table, "b"),
        [r#"["prop1","a1"]"#, r#"["prop2","b1"]"#]
    );
    let table = run(
        "print x = dynamic([1, 2, 3]) | mv-expand with_itemindex=Index x to typeof(long) limit 2",
    );
    assert_eq!(names(&table), ["x", "Index"]);
    assert_eq!(column_text(&table, "x"), ["1", "2"]);
    assert_eq!(column_text(&table, "Index"), ["0", "1"]);
    assert_eq!(table.schema.fields[0].ty, kql::value::Type::Long);
}

// learn.microsoft.com/kusto/query/mv-expand-operator: an empty array gives no row, a null
// gives one row with null.
#[test]
fn mv_expand_empty_and_null() {
    let table =
        run("datatable (a: int, b: dynamic)[1, dynamic([]), 2, dynamic(null)] | mv-expand b");
    assert_eq!(column_text(&table, "a"), ["2"]);
    let error = run_error("print s = 'x' | mv-expand s");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
}

// --- parse ---------------------------------------------------------------------------

/// One row of the `Traces` table in the parse reference's examples.
const TRACE_EVENT: &str = "datatable(EventText: string)[\"Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=02/17/2016 08:40:01, previousLockTime=02/17/2016 08:39:01)\"]";

// learn.microsoft.com/kusto/query/parse-operator, "Regex mode": the pattern's own groups
// do not shift the columns, and string columns are greedy, so lockTime keeps its ", ".
#[test]
fn parse_regex_reference_example() {
    let table = run(&format!(
        r#"{TRACE_EVENT} | parse kind=regex EventText with "(.*?)[a-zA-Z]*=" resourceName @", totalSlices=\s*\d+\s*.*?sliceNumber=" sliceNumber: long ".*?(previous)?lockTime=" lockTime ".*?releaseTime=" releaseTime ".*?previousLockTime=" previousLockTime: date "\\)""#
    ));
    assert_eq!(column_text(&table, "resourceName"), ["PipelineScheduler"]);
    assert_eq!(column_text(&table, "sliceNumber"), ["23"]);
    assert_eq!(column_text(&table, "lockTime"), ["02/17/2016 08:40:01, "]);
    assert_eq!(
        column_text(&table, "releaseTime"),
        ["02/17/2016 08:40:01, "]
    );
    assert_eq!(
        column_text(&table, "previousLockTime"),
        ["2016-02-17T08:39:01.0000000Z"]
    );
}

// learn.microsoft.com/kusto/query/parse-operator, "Regex mode with regex flags": greedy by
// default, so resourceName runs to the last comma. flags=Ui makes it lazy and
// case-insensitive.
#[test]
fn parse_regex_greedy_and_flags() {
    let greedy = run(&format!(
        "{TRACE_EVENT} | parse kind=regex EventText with * \"resourceName=\" resourceName ',' *"
    ));
    assert_eq!(
        column_text(&greedy, "resourceName"),
        ["PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=02/17/2016 08:40:01"]
    );
    let lazy = run(&format!(
        "{TRACE_EVENT} | parse kind=regex flags=Ui EventText with * \"RESOURCENAME=\" resourceName ',' *"
    ));
    assert_eq!(column_text(&lazy, "resourceName"), ["PipelineScheduler"]);
}

// learn.microsoft.com/kusto/query/parse-operator, "Regex mode": `*` is converted to `.*?`,
// so a leading `*` stops at the first "user=" while the string column stays greedy. The
// literals are joined as they are, so an inline `(?i)` applies to the rest of the pattern.
#[test]
fn parse_regex_star_is_lazy() {
    let table =
        run(r#"print s = "x user=a y user=b z" | parse kind=regex s with * "user=" u " " *"#);
    assert_eq!(column_text(&table, "u"), ["a y user=b"]);
    let table = run(r#"print s = "KEY=1END" | parse kind=regex s with "(?i)key=" v "end""#);
    assert_eq!(column_text(&table, "v"), ["1"]);
}

// learn.microsoft.com/kusto/query/parse-operator, "Relaxed mode": a value that is not a
// number or a date becomes null and the other columns keep theirs. With kind=simple the
// same row gets null in every extended column.
#[test]
fn parse_relaxed_reference_example() {
    let source = r#"datatable(EventText: string)["Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=nonValidDateTime 08:40:01, previousLockTime=02/17/2016 08:39:01)", "Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=nonValidLongValue, sliceNumber=20, lockTime=02/17/2016 08:40:01, releaseTime=nonValidDateTime 08:40:01, previousLockTime=02/17/2016 08:39:01)"]"#;
    let pattern = r#"EventText with * "resourceName=" resourceName ", totalSlices=" totalSlices: long ", sliceNumber=" sliceNumber: long * "lockTime=" lockTime ", releaseTime=" releaseTime: date "," * "previousLockTime=" previousLockTime: date ")" *"#;
    let relaxed = run(&format!("{source} | parse kind=relaxed {pattern}"));
    assert_eq!(column_text(&relaxed, "totalSlices"), ["27", ""]);
    assert_eq!(column_text(&relaxed, "sliceNumber"), ["23", "20"]);
    assert_eq!(
        column_text(&relaxed, "lockTime"),
        ["02/17/2016 08:40:01", "02/17/2016 08:40:01"]
    );
    assert_eq!(column_text(&relaxed, "releaseTime"), ["", ""]);
    let simple = run(&format!("{source} | parse kind=simple {pattern}"));
    assert_eq!(column_text(&simple, "sliceNumber"), ["", ""]);
    assert_eq!(column_text(&simple, "resourceName"), ["", ""]);
}

// learn.microsoft.com/kusto/query/parse-operator: `*` skips text, typed columns convert,
// a row that does not match gets empty values; parse-where drops it.
#[test]
fn parse_simple_and_where() {
    let source = "datatable(Text:string)['user=alice id=42 end', 'garbage']";
    let table = run(&format!(
        "{source} | parse Text with * \"user=\" User \" id=\" Id:long *"
    ));
    assert_eq!(column_text(&table, "User"), ["alice", ""]);
    assert_eq!(column_text(&table, "Id"), ["42", ""]);
    let table = run(&format!(
        "{source} | parse-where Text with * \"user=\" User \" id=\" Id:long *"
    ));
    assert_eq!(column_text(&table, "User"), ["alice"]);
}

// learn.microsoft.com/kusto/query/parse-operator, "Regex mode" and "Relaxed mode".
#[test]
fn parse_regex_and_relaxed() {
    let table = run(r#"print t = 'abc123def' | parse kind=regex t with "[a-z]+" n:long "[a-z]+""#);
    assert_eq!(column_text(&table, "n"), ["123"]);
    let table = run(r#"print t = 'a=x;b=2' | parse kind=relaxed t with "a=" a:long ";b=" b:long"#);
    assert_eq!(column_text(&table, "a"), [""]);
    assert_eq!(column_text(&table, "b"), ["2"]);
}

// --- union, as, serialize, getschema, render -------------------------------------------

// learn.microsoft.com/kusto/query/union-operator: outer union keeps every column.
#[test]
fn union_outer_and_inner() {
    let table = run("union (print a=1, b='x'), (print a=2, c=true)");
    assert_eq!(names(&table), ["a", "b", "c"]);
    assert_eq!(column_text(&table, "a"), ["1", "2"]);
    assert_eq!(column_text(&table, "c"), ["", "true"]);
    let inner = run("print a=1, b='x' | union kind=inner (print a=2, c=true)");
    assert_eq!(names(&inner), ["a"]);
    assert_eq!(inner.row_count, 2);
}

// learn.microsoft.com/kusto/query/as-operator: the name can be used later in the query.
#[test]
fn as_names_the_table() {
    let table =
        run("datatable(k:string)['a','b'] | as T | join kind=inner (T | where k == 'a') on k");
    assert_eq!(column_text(&table, "k1"), ["a"]);
}

#[test]
fn serialize_getschema_render() {
    let table = run("print a=1 | serialize b = a + 1");
    assert_eq!(column_text(&table, "b"), ["2"]);
    // learn.microsoft.com/kusto/query/getschema-operator
    let schema = run("print a=1, s='x' | getschema");
    assert_eq!(column_text(&schema, "ColumnName"), ["a", "s"]);
    assert_eq!(column_text(&schema, "ColumnType"), ["long", "string"]);
    assert_eq!(
        column_text(&schema, "DataType"),
        ["System.Int64", "System.String"]
    );
    // learn.microsoft.com/kusto/query/render-operator: render only shapes the display.
    let rendered = run("print a=1 | render timechart with (title='x')");
    assert_eq!(column_text(&rendered, "a"), ["1"]);
}

#[test]
fn evaluate_plugins_are_unsupported() {
    let error = run_error("print a=1 | evaluate narrow()");
    assert_eq!(error.kind, ErrorKind::Unsupported);
}

// A column of one name and two types becomes one column per type, named `Name_type`.
#[test]
fn union_columns_of_different_types() {
    let table = run("union (print v=1, k='a'), (print v='x')");
    assert_eq!(names(&table), ["v_long", "v_string", "k"]);
    assert_eq!(column_text(&table, "v_long"), ["1", ""]);
    assert_eq!(column_text(&table, "v_string"), ["", "x"]);
}

#[test]
fn union_split_column_is_type_error() {
    let error = run_error("union (print v=1), (print v=2.5) | extend h = v / 2");
    assert_eq!(error.kind, ErrorKind::TypeMismatch);
    assert!(
        error.message.contains("`v_long` and `v_real` are"),
        "{}",
        error.message
    );
    assert!(
        error.hints.iter().any(|hint| hint.contains("convert `v`")),
        "{:?}",
        error.hints
    );
}

// learn.microsoft.com/kusto/query/render-operator: the plan reports the requested chart.
#[test]
fn render_chart_is_reported() {
    let session = kql::engine::Session::new();
    let bound = session
        .prepare("print a=1 | render barchart")
        .unwrap_or_else(|error| panic!("{}", error.message));
    assert_eq!(bound.plan.requested_chart(), Some("barchart"));
    let plain = session
        .prepare("print a=1")
        .unwrap_or_else(|error| panic!("{}", error.message));
    assert_eq!(plain.plan.requested_chart(), None);
}

// learn.microsoft.com/kusto/query/union-operator: a union input is any tabular
// expression, including a call to a tabular function.
#[test]
fn union_of_function_calls() {
    let table = run("let f = (n:long) { print v = n };\n\
         union f(1), f(2), (print v = 3)");
    assert_eq!(column_text(&table, "v"), ["1", "2", "3"]);
    let piped = run("let f = (n:long) { print v = n };\n\
         print v = 0 | union f(1) | where v > 0");
    assert_eq!(column_text(&piped, "v"), ["1"]);
}

// learn.microsoft.com/kusto/query/union-operator: the inputs' rows one after another.
#[test]
fn union_of_watchlists() {
    let mut session = kql::engine::Session::new();
    for (alias, text) in [("a", "Host\nweb01\n"), ("b", "Host\ndb01\ndb02\n")] {
        let table = kql::watchlist::parse_csv(alias, text.as_bytes(), alias, None, None)
            .expect("watchlist parses");
        let watchlist = kql::watchlist::Watchlist {
            source: alias.to_string(),
            table: table.map(std::sync::Arc::new),
        };
        session.watchlists.insert(alias.to_string(), watchlist);
    }
    let table = session
        .run("union _GetWatchlist('a'), _GetWatchlist('b') | project SearchKey")
        .expect("query runs");
    assert_eq!(column_text(&table, "SearchKey"), ["web01", "db01", "db02"]);
}

// A named argument of arg_min/arg_max names that result column
// (github.com/microsoft/Kusto-Query-Language, doc/arg-max-aggfunction.md: optional names
// for the ExprToMaximize and ExprToReturn result columns).
#[test]
fn arg_min_named_arguments() {
    let table = run(
        "datatable(K:string, T:long, C:long)['a',2,20, 'a',1,10, 'b',5,50]\n\
         | summarize arg_min(FirstT = T, FirstC = C), arg_max(T, LastC = C) by K",
    );
    assert_eq!(names(&table), ["K", "FirstT", "FirstC", "T", "LastC"]);
    assert_eq!(column_text(&table, "FirstT"), ["1", "5"]);
    assert_eq!(column_text(&table, "FirstC"), ["10", "50"]);
    assert_eq!(column_text(&table, "T"), ["2", "5"]);
    assert_eq!(column_text(&table, "LastC"), ["20", "50"]);
}

#[test]
fn named_argument_errors() {
    // A named argument still counts as an argument, and count() takes none.
    let extra = run_error("print a = 1 | summarize count(n = a)");
    assert_eq!(extra.kind, ErrorKind::TypeMismatch);
    let with_star = run_error("print a = 1, b = 2 | summarize arg_max(a, B = b, *)");
    assert_eq!(with_star.kind, ErrorKind::Unsupported);
    let twice = run_error("print a = 1 | summarize X = arg_max(Y = a, a)");
    assert_eq!(twice.kind, ErrorKind::Syntax);
}

// --- mv-apply ----------------------------------------------------------------------------

const MOD2_LISTS: &str = "let _data = datatable(xMod2:long, l:dynamic)[1, dynamic([1, 3, 5, 7]), 0, dynamic([2, 4, 6, 8])];\n";

// learn.microsoft.com/kusto/query/mv-apply-operator, "Getting the largest element from
// the array": xMod2 1 gives 7, xMod2 0 gives 8, and the array column stays.
#[test]
fn mv_apply_largest_element() {
    let table = run(&format!(
        "{MOD2_LISTS}_data | mv-apply element=l to typeof(long) on (top 1 by element)"
    ));
    assert_eq!(names(&table), ["xMod2", "l", "element"]);
    assert_eq!(column_text(&table, "xMod2"), ["1", "0"]);
    assert_eq!(column_text(&table, "l"), ["[1,3,5,7]", "[2,4,6,8]"]);
    assert_eq!(column_text(&table, "element"), ["7", "8"]);
}

// learn.microsoft.com/kusto/query/mv-apply-operator: a bare column name is expanded in
// place, so the subquery sees the elements under the column's own name.
#[test]
fn mv_apply_bare_column_top_two() {
    let table = run(&format!(
        "{MOD2_LISTS}_data | mv-apply l to typeof(long) on (top 2 by l)"
    ));
    assert_eq!(names(&table), ["xMod2", "l"]);
    assert_eq!(column_text(&table, "xMod2"), ["1", "1", "0", "0"]);
    assert_eq!(column_text(&table, "l"), ["7", "5", "8", "6"]);
}

// learn.microsoft.com/kusto/query/mv-apply-operator, "Using with_itemindex for working
// with subset of the array".
#[test]
fn mv_apply_with_itemindex() {
    let table = run("datatable(xMod2:long, l:dynamic)[1, dynamic([1, 3, 5, 7, 9]), 0, dynamic([2, 4, 6, 8, 10])]\n\
         | mv-apply with_itemindex=index element=l to typeof(long) on (where index >= 3)\n\
         | project index, element");
    assert_eq!(column_text(&table, "index"), ["3", "4", "3", "4"]);
    assert_eq!(column_text(&table, "element"), ["7", "9", "8", "10"]);
}

// learn.microsoft.com/kusto/query/mv-apply-operator, "Using mv-apply operator to sort
// the output of makelist aggregate by some key".
#[test]
fn mv_apply_sorts_a_list() {
    let table = run("datatable(command:string, command_time:datetime, user_id:string)\n\
         ['chmod', datetime(2019-07-15), 'user1', 'ls', datetime(2019-07-02), 'user1',\n\
          'dir', datetime(2019-07-22), 'user1', 'mkdir', datetime(2019-07-14), 'user1',\n\
          'rm', datetime(2019-07-27), 'user1', 'pwd', datetime(2019-07-25), 'user1',\n\
          'rm', datetime(2019-07-23), 'user2', 'pwd', datetime(2019-07-25), 'user2']\n\
         | summarize commands_details = make_list(pack('command', command, 'command_time', command_time)) by user_id\n\
         | mv-apply command_details = commands_details on\n\
           (order by todatetime(command_details['command_time']) asc\n\
            | summarize make_list(tostring(command_details['command'])))\n\
         | project-away commands_details");
    assert_eq!(names(&table), ["user_id", "list_command_details_command"]);
    assert_eq!(
        column_text(&table, "list_command_details_command"),
        [
            r#"["ls","mkdir","chmod","dir","pwd","rm"]"#,
            r#"["rm","pwd"]"#
        ]
    );
}

// The subquery sees the row's other columns, and an empty subquery result drops the row.
#[test]
fn mv_apply_reads_row_columns() {
    let table = run("datatable(Limit:long, Values:dynamic)[2, dynamic([1, 2, 3]), 10, dynamic([4])]\n\
         | mv-apply Value = Values to typeof(long) on (where Value > Limit | extend Excess = Value - Limit)");
    assert_eq!(names(&table), ["Limit", "Values", "Value", "Excess"]);
    assert_eq!(column_text(&table, "Value"), ["3"]);
    assert_eq!(column_text(&table, "Excess"), ["1"]);
}

// learn.microsoft.com/kusto/query/mv-apply-operator, "processing steps": the subquery
// runs over each row's subtable, and the source columns that are not expanded are added
// to its result. Where a subquery column that replaces an input column goes is not
// stated, so the query binds only because the `project` after it fixes the order.
#[test]
fn mv_apply_replacing_column_then_project() {
    let table = run("datatable(Op:string, Attribute:string, Props:dynamic)[\n\
         'add', 'old', dynamic([{'displayName': 'Group.DisplayName', 'newValue': '\"g1\"'}, {'displayName': 'Other', 'newValue': 'x'}]),\n\
         'remove', 'old', dynamic([{'displayName': 'Other', 'newValue': 'y'}])]\n\
         | mv-apply Group = Props on (project Attribute = tostring(Group.displayName), Name = replace_string(tostring(Group.newValue), '\"', '')\n\
           | where Attribute == 'Group.DisplayName')\n\
         | where Name != ''\n\
         | extend Label = strcat(Op, ':', Name)\n\
         | project Op, Label, Attribute");
    assert_eq!(names(&table), ["Op", "Label", "Attribute"]);
    assert_eq!(column_text(&table, "Op"), ["add"]);
    assert_eq!(column_text(&table, "Label"), ["add:g1"]);
    assert_eq!(column_text(&table, "Attribute"), ["Group.DisplayName"]);
}

// The values of the "Calculating the sum of the largest two elements in an array"
// example of an earlier version of learn.microsoft.com/kusto/query/mv-apply-operator:
// 12 for xMod2 1 and 14 for xMod2 0. That page kept `l` with its whole array, while the
// current page states that an expanded input column is removed, so `l` must not be read
// after it.
#[test]
fn mv_apply_dropped_column_then_project() {
    let table = run(&format!(
        "{MOD2_LISTS}_data | mv-apply l to typeof(long) on (top 2 by l | summarize SumOfTop2 = sum(l))\n\
         | project xMod2, SumOfTop2"
    ));
    assert_eq!(names(&table), ["xMod2", "SumOfTop2"]);
    assert_eq!(column_text(&table, "xMod2"), ["1", "0"]);
    assert_eq!(column_text(&table, "SumOfTop2"), ["12", "14"]);
    let summarized = run(&format!(
        "{MOD2_LISTS}_data | mv-apply l to typeof(long) on (summarize s = sum(l))\n\
         | where s > 16 | summarize total = sum(s)"
    ));
    assert_eq!(column_text(&summarized, "total"), ["20"]);
}

#[test]
fn mv_apply_open_shapes_are_unsupported() {
    let open_shapes = [
        // Nothing after the mv-apply fixes the columns.
        "_data | mv-apply l to typeof(long) on (summarize SumOfTop2 = sum(l))",
        "_data | mv-apply e = l on (summarize n = count() by xMod2)",
        "_data | mv-apply e = l on (summarize n = count() by xMod2) | where n > 0",
        // The dropped column is read.
        "_data | mv-apply l on (summarize n = count()) | project xMod2, l",
        "_data | mv-apply l on (summarize n = count()) | where isnotnull(l) | project n",
        // The column order or the set of columns is read.
        "_data | mv-apply l on (summarize n = count()) | extend p = pack_all() | project p",
        "_data | mv-apply l on (summarize n = count()) | summarize arg_max(n, *)",
        "_data | mv-apply e = l on (project xMod2) | union _data | project xMod2",
        "_data | mv-apply l on (summarize n = count()) | project c = column_ifexists('l', 0)",
        "let f = (x:long) { x }; _data | mv-apply l on (summarize n = count()) | project f(n)",
    ];
    for query in open_shapes {
        let error = run_error(&format!("{MOD2_LISTS}{query}"));
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
    }
    let bag = run_error("print b = dynamic({'k': 1}) | mv-apply e = b on (take 1)");
    assert_eq!(bag.kind, ErrorKind::Unsupported);
}

// learn.microsoft.com/kusto/query/join-operator: the right side is any tabular
// expression, including a call to a tabular function.
#[test]
fn join_with_function_call() {
    let table = run(
        "let f = (n:long) { datatable(k:long, v:string)[1, 'a', 2, 'b'] | where k <= n };\n\
         datatable(k:long)[1, 2] | join kind=leftanti f(1) on k",
    );
    assert_eq!(column_text(&table, "k"), ["2"]);
}

// learn.microsoft.com/kusto/query/bag-unpack-plugin names the arguments.
#[test]
fn evaluate_with_named_argument() {
    let table = run(
        "print b = dynamic({'k': 1}) | evaluate bag_unpack(b, columnsConflict = 'keep_source')",
    );
    assert_eq!(column_text(&table, "k"), ["1"]);
}

// --- make-series -------------------------------------------------------------------------

const METRIC_DATA: &str = "let data = datatable(timestamp:datetime, metric:real)[\n\
    datetime(2016-12-31T06:00), 50, datetime(2017-01-01), 4, datetime(2017-01-02), 3,\n\
    datetime(2017-01-03), 4, datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 8,\n\
    datetime(2017-01-05T13:40), 13, datetime(2017-01-06), 4, datetime(2017-01-07), 3,\n\
    datetime(2017-01-08), 8, datetime(2017-01-08T21:00), 8, datetime(2017-01-09), 2,\n\
    datetime(2017-01-09T12:00), 11, datetime(2017-01-10T05:00), 5];\n\
    let interval = 1d; let stime = datetime(2017-01-01); let etime = datetime(2017-01-10);\n";

// learn.microsoft.com/kusto/query/make-series-operator: without `from` or `to` the page
// takes "the first bin, or step, that has data in each series", which does not fix the
// bin alignment or whether `by` groups share one axis, so a missing bound is rejected.
#[test]
fn make_series_without_bounds_unsupported() {
    let queries = [
        "data | make-series avg(metric) on timestamp step interval",
        "data | make-series avg(metric) on timestamp from stime step interval",
        "data | make-series avg(metric) on timestamp to etime step interval",
    ];
    for query in queries {
        let error = run_error(&format!("{METRIC_DATA}{query}"));
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
        assert!(
            error.message.contains("`from` and `to`"),
            "{}",
            error.message
        );
    }
}

// learn.microsoft.com/kusto/query/make-series-operator, first example: rows outside the
// range are dropped and the empty bin of 2017-01-04 holds the default 0. The axis holds
// the page's datetime text, with seven fractional digits.
#[test]
fn make_series_average_per_day() {
    let table = run(&format!(
        "{METRIC_DATA}data | make-series avg(metric) on timestamp from stime to etime step interval"
    ));
    assert_eq!(names(&table), ["avg_metric", "timestamp"]);
    assert_eq!(
        column_text(&table, "avg_metric"),
        ["[4.0,3.0,5.0,0.0,10.5,4.0,3.0,8.0,6.5]"]
    );
    let axis = column_text(&table, "timestamp");
    assert_eq!(axis.len(), 1);
    assert!(
        axis[0].starts_with(r#"["2017-01-01T00:00:00.0000000Z","2017-01-02T00:00:00.0000000Z""#),
        "{}",
        axis[0]
    );
    assert!(
        axis[0].ends_with(r#""2017-01-09T00:00:00.0000000Z"]"#),
        "{}",
        axis[0]
    );
}

// learn.microsoft.com/kusto/query/make-series-operator: an empty input gives no rows, and
// with kind=nonempty one row of defaults.
#[test]
fn make_series_empty_input() {
    let empty = run(&format!(
        "{METRIC_DATA}data | limit 0 | make-series avg(metric) default=1.0 on timestamp from stime to etime step interval | count"
    ));
    assert_eq!(column_text(&empty, "Count"), ["0"]);
    let nonempty = run(&format!(
        "{METRIC_DATA}data | limit 0 | make-series kind=nonempty avg(metric) default=1.0 on timestamp from stime to etime step interval"
    ));
    assert_eq!(
        column_text(&nonempty, "avg_metric"),
        ["[1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0]"]
    );
}

// learn.microsoft.com/kusto/query/make-series-operator: one row per `by` group, the `by`
// columns first; `to` is excluded, so 3 daily bins from 01-01 to 01-04.
#[test]
fn make_series_count_by_group() {
    let table = run("datatable(T:datetime, K:string)[\n\
         datetime(2017-01-01T01:00), 'a', datetime(2017-01-01T02:00), 'a',\n\
         datetime(2017-01-03), 'a', datetime(2017-01-02), 'b', datetime(2017-01-04), 'b']\n\
         | make-series N = count() default = -1 on T from datetime(2017-01-01) to datetime(2017-01-04) step 1d by K");
    assert_eq!(names(&table), ["K", "N", "T"]);
    assert_eq!(column_text(&table, "K"), ["a", "b"]);
    assert_eq!(column_text(&table, "N"), ["[2,-1,1]", "[-1,1,-1]"]);
}

#[test]
fn make_series_unknown_forms_are_unsupported() {
    let no_range = run_error(&format!(
        "{METRIC_DATA}data | make-series avg(metric) on timestamp step 1d"
    ));
    assert_eq!(no_range.kind, ErrorKind::Unsupported);
    let in_range = run_error(&format!(
        "{METRIC_DATA}data | make-series avg(metric) on timestamp in range(stime, etime, 1d)"
    ));
    assert_eq!(in_range.kind, ErrorKind::Unsupported);
}

// github.com/microsoft/Kusto-Query-Language, doc/arg-max-aggfunction.md:
// `(NameExprToMaximize, NameExprToReturn) = arg_max(…)` names the result columns.
#[test]
fn arg_max_tuple_names() {
    let table = run(
        "datatable(K:string, T:long, C:long)['a',2,20, 'a',1,10, 'b',5,50]\n\
         | summarize (LastT, LastC) = arg_max(T, C) by K",
    );
    assert_eq!(names(&table), ["K", "LastT", "LastC"]);
    assert_eq!(column_text(&table, "LastT"), ["2", "5"]);
    assert_eq!(column_text(&table, "LastC"), ["20", "50"]);
    let other = run_error("print a = 1 | extend (x, y) = pack_array(a, a)");
    assert_eq!(other.kind, ErrorKind::Unsupported);
    let with_star = run_error("print a = 1 | summarize (x, y) = arg_max(a, *)");
    assert_eq!(with_star.kind, ErrorKind::Unsupported);
}

// learn.microsoft.com/kusto/query/order-by-operator, "Using special floating-point values":
// ascending is null, NaN, -inf, -5, 0, 5, +inf, and descending is the reverse with null last.
#[test]
fn sort_places_nan_and_infinities() {
    let data = "datatable(x:real)[5.0, real(nan), real(null), real(-inf), 0.0, real(+inf), -5.0]";
    let table = run(&format!("{data} | sort by x asc"));
    assert_eq!(
        column_text(&table, "x"),
        ["", "NaN", "-Infinity", "-5", "0", "5", "Infinity"]
    );
    let table = run(&format!("{data} | sort by x desc"));
    assert_eq!(
        column_text(&table, "x"),
        ["Infinity", "5", "0", "-5", "-Infinity", "NaN", ""]
    );
    let table = run(&format!("{data} | top 3 by x"));
    assert_eq!(column_text(&table, "x"), ["Infinity", "5", "0"]);
}

// --- partition -----------------------------------------------------------------------

// Storm events by state, in the shape of the examples of
// learn.microsoft.com/kusto/query/partition-operator.
const STORMS: &str = "let Storms = datatable(State:string, EventType:string, Injuries:long)[\
     'WYOMING','Hail',0, 'WYOMING','High Wind',5, 'WYOMING','Hail',1, \
     'WASHINGTON','Heavy Snow',0, 'WASHINGTON','High Wind',13, 'WASHINGTON','High Wind',2, \
     'TEXAS','Hail',7];\n";

// learn.microsoft.com/kusto/query/partition-operator, "Find top values": the subquery
// runs per State, so each state keeps its own top event type. Over the rows above:
// WYOMING has Hail twice and High Wind once, WASHINGTON High Wind twice and Heavy Snow
// once, and TEXAS Hail once.
#[test]
fn partition_native_top_per_key() {
    let table = run(&format!(
        "{STORMS}Storms | where State startswith 'W'\n\
         | partition hint.strategy=native by State\n\
         (summarize Events=count(), Injuries=sum(Injuries) by EventType, State | top 1 by Events)\n\
         | order by State asc"
    ));
    assert_eq!(names(&table), ["EventType", "State", "Events", "Injuries"]);
    assert_eq!(column_text(&table, "State"), ["WASHINGTON", "WYOMING"]);
    assert_eq!(column_text(&table, "EventType"), ["High Wind", "Hail"]);
    assert_eq!(column_text(&table, "Events"), ["2", "2"]);
    assert_eq!(column_text(&table, "Injuries"), ["15", "1"]);
}

// The same reference page: without a hint the legacy strategy runs, and the subquery's
// input is the partition, so row_number() after a sort restarts in each partition.
#[test]
fn partition_legacy_window_per_partition() {
    let table = run(&format!(
        "{STORMS}Storms\n\
         | partition by State (sort by Injuries desc | extend Rank = row_number())\n\
         | where Rank == 1 | order by State asc"
    ));
    assert_eq!(
        column_text(&table, "State"),
        ["TEXAS", "WASHINGTON", "WYOMING"]
    );
    assert_eq!(column_text(&table, "Injuries"), ["7", "13", "5"]);
}

// The reference's shuffle example counts the union of the subquery results: a
// `top 1` per key keeps one row for each of the three states.
#[test]
fn partition_shuffle_union_count() {
    let table = run(&format!(
        "{STORMS}Storms | partition hint.strategy=shuffle by State (top 1 by Injuries) | count"
    ));
    assert_eq!(column_text(&table, "Count"), ["3"]);
}

// No partition means no subquery runs: the result is empty even for `count`.
#[test]
fn partition_empty_input_empty_result() {
    let table = run(&format!(
        "{STORMS}Storms | where State == 'OHIO' | partition by State (count)"
    ));
    assert_eq!(names(&table), ["Count"]);
    assert_eq!(table.row_count, 0);
}

// The reference: the legacy strategy fails on more than 64 key values, the native and
// shuffle strategies have no limit.
#[test]
fn partition_legacy_limit_64() {
    let error = run_error("range x from 1 to 65 step 1 | partition by x (take 1)");
    assert_eq!(error.kind, ErrorKind::Evaluation);
    assert!(error.message.contains("64"), "{}", error.message);
    let table = run("range x from 1 to 64 step 1 | partition by x (take 1) | count");
    assert_eq!(column_text(&table, "Count"), ["64"]);
    let table =
        run("range x from 1 to 65 step 1 | partition hint.strategy=native by x (take 1) | count");
    assert_eq!(column_text(&table, "Count"), ["65"]);
}

// The reference: operators that read another source, such as join and union, are not
// compatible with the native and shuffle strategies, but the legacy strategy runs them.
#[test]
fn partition_join_needs_legacy() {
    let right = "(datatable(State:string, Code:string)['TEXAS','TX'])";
    let error = run_error(&format!(
        "{STORMS}Storms | partition hint.strategy=native by State (join kind=inner {right} on State)"
    ));
    assert_eq!(error.kind, ErrorKind::Syntax);
    let table = run(&format!(
        "{STORMS}Storms | partition by State (join kind=inner {right} on State)"
    ));
    assert_eq!(column_text(&table, "Code"), ["TX"]);
}

// The source-bearing legacy form and the partition reference with `as` are not run yet.
#[test]
fn partition_unsupported_forms() {
    let queries = [
        "range x from 1 to 2 step 1 | partition hint.strategy=legacy by x { range y from 1 to 3 step 1 | where y == toscalar(x) }",
        "range x from 1 to 2 step 1 | partition by x (as P | extend N = toscalar(P | count))",
    ];
    for query in queries {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
    }
}

#[test]
fn partition_unknown_key_column() {
    let error = run_error(&format!("{STORMS}Storms | partition by Sate (count)"));
    assert_eq!(error.kind, ErrorKind::UnknownName);
    assert!(
        error.hints.iter().any(|hint| hint.contains("State")),
        "{:?}",
        error.hints
    );
}

// --- scan --------------------------------------------------------------------------------

// learn.microsoft.com/kusto/query/scan-operator, "Cumulative sum".
#[test]
fn scan_cumulative_sum() {
    let table = run("range x from 1 to 5 step 1\n\
         | scan declare (cumulative_x:long=0) with\n\
           (step s1: true => cumulative_x = x + s1.cumulative_x;)");
    assert_eq!(names(&table), ["x", "cumulative_x"]);
    assert_eq!(
        column_text(&table, "cumulative_x"),
        ["1", "3", "6", "10", "15"]
    );
}

// learn.microsoft.com/kusto/query/scan-operator, "Cumulative sum on multiple columns with
// a reset condition".
#[test]
fn scan_cumulative_sum_with_reset() {
    let table = run("range x from 1 to 5 step 1\n\
         | extend y = 2 * x\n\
         | scan declare (cumulative_x:long=0, cumulative_y:long=0) with (\n\
             step s1: true => cumulative_x = iff(s1.cumulative_x >= 10, x, x + s1.cumulative_x),\n\
                              cumulative_y = iff(s1.cumulative_y >= 10, y, y + s1.cumulative_y);\n\
           )");
    assert_eq!(names(&table), ["x", "y", "cumulative_x", "cumulative_y"]);
    assert_eq!(
        column_text(&table, "cumulative_x"),
        ["1", "3", "6", "10", "5"]
    );
    assert_eq!(
        column_text(&table, "cumulative_y"),
        ["2", "6", "12", "8", "18"]
    );
}

// learn.microsoft.com/kusto/query/scan-operator, "Fill forward a column".
#[test]
fn scan_fill_forward() {
    let table = run("let Events = datatable (Ts: timespan, Event: string) [\n\
             0m, 'A', 1m, '', 2m, 'B', 3m, '', 4m, '', 6m, 'C', 8m, '', 11m, 'D', 12m, ''];\n\
         Events\n\
         | sort by Ts asc\n\
         | scan declare (Event_filled: string='') with (\n\
             step s1: true => Event_filled = iff(isempty(Event), s1.Event_filled, Event);\n\
           )");
    assert_eq!(
        column_text(&table, "Event_filled"),
        ["A", "A", "B", "B", "B", "C", "C", "D", "D"]
    );
}

// learn.microsoft.com/kusto/query/scan-operator, "Sessions tagging": `endSession` has
// `output=none`, and a new session starts when it takes the sequence over.
#[test]
fn scan_sessions_tagging() {
    let table = run("let Events = datatable (Ts: timespan, Event: string) [\n\
             0m, 'A', 1m, 'A', 2m, 'B', 3m, 'D', 32m, 'B', 36m, 'C', 38m, 'D', 41m, 'E', 75m, 'A'];\n\
         Events\n\
         | sort by Ts asc\n\
         | scan with_match_id=session_id declare (sessionStart: timespan) with (\n\
             step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);\n\
             step endSession output=none: Ts - inSession.sessionStart > 30m;\n\
           )");
    assert_eq!(names(&table), ["Ts", "Event", "sessionStart", "session_id"]);
    assert_eq!(
        column_text(&table, "sessionStart"),
        [
            "00:00:00", "00:00:00", "00:00:00", "00:00:00", "00:32:00", "00:32:00", "00:32:00",
            "00:32:00", "01:15:00"
        ]
    );
    assert_eq!(
        column_text(&table, "session_id"),
        ["0", "0", "0", "0", "1", "1", "1", "1", "2"]
    );
}

// learn.microsoft.com/kusto/query/scan-operator, "Events between Start and Stop" and its
// walkthrough: `A` and `C` match no step, and each sequence gets its own match id.
#[test]
fn scan_events_between_start_and_stop() {
    let table = run("let Events = datatable (Ts: timespan, Event: string) [\n\
             0m, 'A', 1m, 'Start', 2m, 'B', 3m, 'D', 4m, 'Stop', 6m, 'C', 8m, 'Start', 11m, 'E', 12m, 'Stop'];\n\
         Events\n\
         | sort by Ts asc\n\
         | scan with_match_id=m_id with (\n\
             step s1: Event == 'Start';\n\
             step s2: Event != 'Start' and Event != 'Stop' and Ts - s1.Ts <= 5m;\n\
             step s3: Event == 'Stop' and Ts - s1.Ts <= 5m;\n\
           )");
    assert_eq!(names(&table), ["Ts", "Event", "m_id"]);
    assert_eq!(
        column_text(&table, "Event"),
        ["Start", "B", "D", "Stop", "Start", "E", "Stop"]
    );
    assert_eq!(
        column_text(&table, "m_id"),
        ["0", "0", "0", "0", "1", "1", "1"]
    );
}

#[test]
fn scan_open_cases_are_unsupported() {
    let open_cases = [
        // The reference does not say when the last match of a series is output.
        "range x from 1 to 3 step 1 | scan with (step s1 output=last: true;)",
        // A declared column without a step name.
        "range x from 1 to 3 step 1 | scan declare (c:long=0) with (step s1: true => c = c + 1;)",
        // An input column of the step's own state, empty on its first match.
        "range x from 1 to 3 step 1 | scan with (step s1: x > s1.x;)",
        // A later step's values.
        "range x from 1 to 3 step 1 | scan with (step s1: s2.x > 1; step s2: true;)",
        // Rows in no defined order.
        "datatable(x:long)[1, 2] | scan with (step s1: true;)",
        // An input column as an assignment target.
        "range x from 1 to 3 step 1 | scan with (step s1: true => x = 1;)",
        "range x from 1 to 3 step 1 | scan declare (x:long) with (step s1: true;)",
        "range x from 1 to 3 step 1 | scan with (step x: true;)",
    ];
    for query in open_cases {
        let error = run_error(query);
        assert_eq!(error.kind, ErrorKind::Unsupported, "{query}");
    }
    let repeated =
        run_error("range x from 1 to 3 step 1 | scan with (step s1: true; step s1: true;)");
    assert_eq!(repeated.kind, ErrorKind::TypeMismatch);
    let missing_semicolon = run_error("range x from 1 to 3 step 1 | scan with (step s1: true)");
    assert_eq!(missing_semicolon.kind, ErrorKind::Syntax);
}
