use super::*;
use crate::table::Schema;
use crate::value::{parse_datetime, Type, Value};

fn events() -> Table {
    let schema = Schema::new(vec![
        Field::new("DeviceName", Type::String),
        Field::new("RemotePort", Type::Long),
    ]);
    let rows = [("web-01", 443), ("web-01", 80), ("db-02", 443)]
        .into_iter()
        .map(|(device, port)| vec![Value::from(device), Value::Long(port)])
        .collect();
    Table::from_rows(schema, rows)
}

fn repl() -> Repl {
    let mut session = Session::new();
    session.add_table("Events", events(), "events.jsonl");
    session.now = parse_datetime("2025-08-30T00:00:00Z");
    let mut repl = Repl::new(session, LoadOptions::default());
    repl.set_width(Some(100));
    repl
}

/// Submits `input` and returns what the shell wrote.
fn submit(repl: &mut Repl, input: &str) -> String {
    let mut out = Vec::new();
    let outcome = repl.submit(input, &mut out).expect("writing to memory");
    assert_eq!(outcome, Outcome::Continue, "{input}");
    String::from_utf8(out).expect("utf-8 output")
}

#[test]
fn query_shows_table_and_row_count() {
    let mut repl = repl();
    let text = submit(
        &mut repl,
        "Events\n| where RemotePort == 443\n| project DeviceName",
    );
    assert!(text.contains("web-01"), "{text}");
    assert!(text.contains("db-02"), "{text}");
    assert!(text.contains("2 rows"), "{text}");
}

#[test]
fn let_persists_across_inputs() {
    let mut repl = repl();
    let text = submit(&mut repl, "let https = Events | where RemotePort == 443;");
    assert_eq!(text, "defined https\n");
    let text = submit(&mut repl, "https | count");
    assert!(text.contains("│ 2 "), "{text}");
}

#[test]
fn let_in_query_input_persists() {
    let mut repl = repl();
    submit(
        &mut repl,
        "let port = 80; Events | where RemotePort == port",
    );
    let text = submit(&mut repl, "print p = port");
    assert!(text.contains("│ 80 "), "{text}");
}

#[test]
fn failed_query_keeps_no_let() {
    let mut repl = repl();
    let text = submit(&mut repl, "let port = 80; Events | where Missing == port");
    assert!(text.contains("unknown name"), "{text}");
    let text = submit(&mut repl, "print p = port");
    assert!(text.contains("error"), "{text}");
}

#[test]
fn invalid_let_is_not_kept() {
    let mut repl = repl();
    let text = submit(&mut repl, "let bad = Nowhere | take 1;");
    assert!(text.contains("error"), "{text}");
    assert!(repl.let_names().is_empty());
}

#[test]
fn error_points_into_typed_text() {
    let mut repl = repl();
    submit(&mut repl, "let a = 1;");
    submit(&mut repl, "let b = 2;");
    let text = submit(&mut repl, "Events\n| whre x");
    assert!(text.contains("--> input:2:3"), "{text}");
    assert!(text.contains("2 | | whre x\n  |   ^^^^"), "{text}");
}

#[test]
fn error_in_earlier_let_points_there() {
    let run = PreparedText {
        text: "let a = 1;\nlet t = Events | where x;\nt".to_string(),
        input_start: 37,
        definitions: vec![
            Definition {
                name: "a".to_string(),
                text: "let a = 1".to_string(),
            },
            Definition {
                name: "t".to_string(),
                text: "let t = Events | where x".to_string(),
            },
        ],
        new_definitions: Vec::new(),
    };
    let error = Error::at(crate::error::ErrorKind::TypeMismatch, 34..35, "not a bool");
    let text = render_error(&error, &run);
    assert!(text.contains("--> let t:1:24"), "{text}");
    assert!(text.contains("1 | let t = Events | where x\n"), "{text}");
}

#[test]
fn tables_lists_rows_and_source() {
    let mut repl = repl();
    let text = submit(&mut repl, ".tables");
    assert!(text.contains("Events"), "{text}");
    assert!(text.contains("events.jsonl"), "{text}");
    assert!(text.contains("┆ 3 "), "{text}");
}

#[test]
fn schema_of_table_and_let() {
    let mut repl = repl();
    let text = submit(&mut repl, ".schema Events");
    assert!(text.contains("RemotePort"), "{text}");
    assert!(text.contains("long"), "{text}");
    submit(&mut repl, "let named = Events | project Name = DeviceName;");
    let text = submit(&mut repl, ".schema named");
    assert!(text.contains("Name"), "{text}");
    assert!(!text.contains("RemotePort"), "{text}");
    let text = submit(&mut repl, ".schema Evnets");
    assert!(text.contains("did you mean `Events`?"), "{text}");
}

// After FileProfile() on a table with an MD5 column, that column is undetermined, so
// `.schema` cannot list it. The shell reports what `getschema` reports, not that the
// tabular `let` is scalar.
#[test]
fn schema_of_let_with_undetermined_column() {
    let mut repl = repl();
    let text = submit(
        &mut repl,
        "let profiled = Events | extend SHA1 = '', MD5 = '' | invoke FileProfile(SHA1);",
    );
    assert_eq!(text, "defined profiled\n");
    let text = submit(&mut repl, ".schema profiled");
    assert!(
        text.contains("`getschema` of a table with the column `MD5`"),
        "{text}"
    );
    assert!(text.contains("project-away MD5"), "{text}");
    assert!(!text.contains("scalar"), "{text}");
    // The span of the error points into text that the user did not type.
    assert!(!text.contains("-->"), "{text}");

    submit(&mut repl, "let port = 443;");
    let text = submit(&mut repl, ".schema port");
    assert!(
        text.contains("`port` is a scalar `let` value, not a table"),
        "{text}"
    );
}

#[test]
fn unloaded_catalog_table_hint_names_load() {
    let mut repl = repl();
    let text = submit(&mut repl, "DeviceFileEvents | take 1");
    assert!(
        text.contains("table `DeviceFileEvents` not found"),
        "{text}"
    );
    assert!(
        text.contains("load it with .load PATH as DeviceFileEvents"),
        "{text}"
    );
    assert!(!text.contains("--table"), "{text}");
}

#[test]
fn drop_removes_table_and_stale_lets() {
    let mut repl = repl();
    submit(&mut repl, "let https = Events | where RemotePort == 443;");
    let text = submit(&mut repl, ".drop Events");
    assert!(text.contains("dropped Events"), "{text}");
    assert!(text.contains("removed `let https`"), "{text}");
    assert!(repl.session().table("Events").is_none());
    let text = submit(&mut repl, "print x = 1");
    assert!(text.contains("1 row"), "{text}");
    let text = submit(&mut repl, ".drop Events");
    assert!(text.contains("no table named `Events`"), "{text}");
}

#[test]
fn format_json_shows_full_values() {
    let mut repl = repl();
    submit(&mut repl, ".format json");
    let text = submit(&mut repl, "Events | take 1");
    assert!(text.starts_with("{\"columns\":"), "{text}");
    submit(&mut repl, ".format csv");
    let text = submit(&mut repl, "Events | take 1");
    assert!(text.starts_with("DeviceName,RemotePort\n"), "{text}");
}

#[test]
fn limit_and_timer() {
    let mut repl = repl();
    submit(&mut repl, ".limit 1");
    submit(&mut repl, ".timer on");
    let text = submit(&mut repl, "Events");
    assert!(text.contains("3 rows (2 not shown)"), "{text}");
    assert!(text.contains("time: "), "{text}");
    submit(&mut repl, ".timer off");
    submit(&mut repl, ".limit off");
    let text = submit(&mut repl, "Events");
    assert!(text.contains("3 rows\n"), "{text}");
    assert!(!text.contains("time: "), "{text}");
}

#[test]
fn now_pins_clock() {
    let mut repl = repl();
    let text = submit(&mut repl, ".now 2024-01-02T03:04:05Z");
    assert!(text.contains("2024-01-02T03:04:05"), "{text}");
    let text = submit(&mut repl, "print t = now()");
    assert!(text.contains("2024-01-02T03:04:05"), "{text}");
    submit(&mut repl, ".now off");
    assert_eq!(repl.session().now, None);
}

#[test]
fn save_writes_last_result() {
    let mut repl = repl();
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("out.csv");
    let command = format!(".save {}", path.display());
    let text = submit(&mut repl, &command);
    assert!(text.contains("no result to save yet"), "{text}");

    submit(&mut repl, ".limit 1");
    submit(&mut repl, "Events | where RemotePort == 443");
    let text = submit(&mut repl, &command);
    assert!(text.contains("saved 2 rows"), "{text}");
    let saved = std::fs::read_to_string(&path).expect("saved file");
    assert_eq!(saved, "DeviceName,RemotePort\nweb-01,443\ndb-02,443\n");

    let text = submit(&mut repl, ".save out.txt");
    assert!(text.contains("extension"), "{text}");
}

#[test]
fn load_file_with_and_without_name() {
    let mut repl = repl();
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("Logons.jsonl");
    std::fs::write(&path, "{\"User\":\"ann\"}\n{\"User\":\"bob\"}\n").expect("write data");

    let text = submit(&mut repl, &format!(".load {}", path.display()));
    assert!(text.contains("as Logons… done: 2 rows"), "{text}");
    let text = submit(&mut repl, &format!(".load '{}' as People", path.display()));
    assert!(text.contains("as People… done: 2 rows"), "{text}");
    let text = submit(&mut repl, "People | where User == 'bob'");
    assert!(text.contains("1 row"), "{text}");
    assert!(repl.known_names().columns.contains("User"));

    let text = submit(&mut repl, ".load missing.csv");
    assert!(text.contains("file not found"), "{text}");
}

#[test]
fn load_folder_loads_each_table() {
    let mut repl = repl();
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("A.csv"), "x\n1\n").expect("write data");
    std::fs::write(dir.path().join("B.csv"), "y\n2\n3\n").expect("write data");
    let text = submit(&mut repl, &format!(".load {}", dir.path().display()));
    assert!(text.contains("as A… done: 1 row "), "{text}");
    assert!(text.contains("as B… done: 2 rows"), "{text}");
    let text = submit(&mut repl, &format!(".load {} as C", dir.path().display()));
    assert!(text.contains("is a folder"), "{text}");
}

#[test]
fn quit_and_unknown_command() {
    let mut repl = repl();
    let mut out = Vec::new();
    let outcome = repl.submit(".quit", &mut out).expect("writing to memory");
    assert_eq!(outcome, Outcome::Quit);
    let text = submit(&mut repl, ".tabels");
    assert!(text.contains("did you mean `.tables`?"), "{text}");
}

#[test]
fn help_lists_every_command() {
    let mut repl = repl();
    let text = submit(&mut repl, ".help");
    for (name, _, _) in COMMANDS {
        assert!(text.contains(name), "{name} missing from {text}");
    }
}

#[test]
fn banner_lists_tables() {
    let repl = repl();
    let mut out = Vec::new();
    repl.write_banner(&mut out).expect("writing to memory");
    let text = String::from_utf8(out).expect("utf-8 output");
    assert!(text.contains("Events: 3 rows"), "{text}");
    assert!(text.contains(".help"), "{text}");
}

#[test]
fn query_job_runs_on_another_thread() {
    let mut repl = repl();
    let mut out = Vec::new();
    let Step::Query(job) = repl.begin("Events | count", &mut out).expect("writing") else {
        panic!("a query should come back as a job");
    };
    let done = std::thread::spawn(move || job.run())
        .join()
        .expect("worker finished");
    repl.finish(done, &mut out).expect("writing");
    let text = String::from_utf8(out).expect("utf-8 output");
    assert!(text.contains("│ 3 "), "{text}");
}

#[test]
fn completion_uses_pipeline_columns() {
    let mut repl = repl();
    submit(&mut repl, "let https = Events | where RemotePort == 443;");
    let line = "https | extend Flag = 1 | where Fla";
    let completion = complete::complete(line, line.len(), &repl);
    let names: Vec<&str> = completion
        .candidates
        .iter()
        .map(|candidate| candidate.replacement.as_str())
        .collect();
    assert_eq!(names, vec!["Flag"]);
    assert_eq!(repl.let_names(), vec!["https"]);
}

#[test]
fn warning_names_input_line_and_column() {
    let mut repl = repl();
    submit(&mut repl, "let port = 80;");
    // `set query_nwo` is a typo of `set query_now`, which the binder warns about.
    let text = submit(&mut repl, "set query_nwo = 1;\nprint p = port");
    assert!(
        text.contains("warning: input:1:5: `set query_nwo` has no effect"),
        "{text}"
    );
}

#[test]
fn unfinished_let_error_points_at_input_end() {
    let mut repl = repl();
    // The body's `{` is never closed, so the parser reads on to the end of the text.
    let text = submit(&mut repl, "let f = () { print 1");
    assert!(text.contains("input:1:"), "{text}");
    assert!(!text.contains("print defined"), "{text}");
    assert!(!text.contains("input:3:"), "{text}");
}

// learn.microsoft.com/kusto/query/batches: one result per query statement, in order.
#[test]
fn batch_shows_each_result() {
    let mut repl = repl();
    let text = submit(
        &mut repl,
        "let p = 443; Events | where RemotePort == p | count; Events | count",
    );
    let second = text.find("result 2:").expect("second result");
    assert!(text[..second].contains("│ 2 "), "{text}");
    assert!(!text[second..].contains("│ 2 "), "{text}");
    // The batch's `let` is kept, as for a single query.
    let text = submit(&mut repl, "print q = p");
    assert!(text.contains("443"), "{text}");
}
