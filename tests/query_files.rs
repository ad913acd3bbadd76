//! Query files that hold several queries separated by blank lines, as Kusto's editors and
//! Kusto.Cli's block input mode read them (Learn, "Kusto CLI", "Line input mode and block
//! input mode"; Kusto-Query-Language `Parser/ScriptFacts.cs`).

use std::fs;
use std::path::PathBuf;

use predicates::prelude::*;

use crate::support::kql_command;

/// Two versions of a hunting query in one file, as published files often hold them.
const TWO_QUERIES: &str = "\
// Version 1
let limit = 1;
datatable(n:long)[1, 2, 3]
| where n <= limit

// Version 2: a wider limit
let limit = 2;
datatable(n:long)[1, 2, 3]
| where n <= limit
";

fn write_query(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("hunt.kql");
    fs::write(&path, text).expect("query file");
    (dir, path)
}

#[test]
fn check_accepts_each_query_of_a_file() {
    let (_dir, path) = write_query(TWO_QUERIES);
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("ok (2 queries)\n"));
}

#[test]
fn check_error_names_line_in_file() {
    let text = TWO_QUERIES.replace("| where n <= limit\n\n", "| where n <= limit\n\n\n")
        + "\nprint x = missing_name\n";
    let (_dir, path) = write_query(&text);
    let line = text
        .lines()
        .position(|line| line.contains("missing_name"))
        .expect("line")
        + 1;
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("hunt.kql:{line}:11")))
        .stdout(predicate::str::is_empty());
}

#[test]
fn run_shows_each_result_in_table_format() {
    let (_dir, path) = write_query(TWO_QUERIES);
    let output = kql_command()
        .arg("run")
        .arg(&path)
        .args(["--format", "table"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let output = String::from_utf8(output).expect("UTF-8");
    let first = output.find("query 1 of 2").expect("first heading");
    let second = output.find("query 2 of 2").expect("second heading");
    // Each query binds its own `limit`: one row, then two.
    assert!(output[first..second].contains("1 row"), "{output}");
    assert!(output[second..].contains("2 rows"), "{output}");
    assert!(
        output.contains(":6):"),
        "the second query starts on line 6: {output}"
    );
}

#[test]
fn run_block_picks_one_query() {
    let (_dir, path) = write_query(TWO_QUERIES);
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--block", "2", "--format", "csv"])
        .assert()
        .success()
        .stdout("n\n1\n2\n");
}

#[test]
fn run_json_needs_block_choice() {
    let (_dir, path) = write_query(TWO_QUERIES);
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contains 2 queries"))
        .stderr(predicate::str::contains("--block N"));
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--block", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("starting on lines 1 and 6"));
}

#[test]
fn blank_lines_inside_one_query_keep_it_whole() {
    // The `let` and the query that reads it are one query although a blank line
    // separates them: the file parses as one query, so it is not split.
    let (_dir, path) =
        write_query("let limit = 2;\n\ndatatable(n:long)[1, 2, 3]\n\n| where n <= limit\n");
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout("n\n1\n2\n");
}

#[test]
fn run_q_text_is_never_split() {
    kql_command()
        .args(["run", "-q", "print a = 1\n\nprint b = 2", "--format", "csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("syntax error"));
}

#[test]
fn run_syntax_error_stays_in_its_query() {
    let (_dir, path) = write_query("print a = 1\n\nprint b = 2\n\nprint c = 3 | wher c > 1\n");
    let assert = kql_command()
        .arg("run")
        .arg(&path)
        .args(["--format", "table"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown operator `wher`"))
        .stderr(predicate::str::contains("hunt.kql:5:15"));
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    // The first two queries still run.
    assert!(stdout.contains("query 2 of 3"), "{stdout}");
    assert!(stdout.contains("│ 2 "), "{stdout}");
}

#[test]
fn run_stdin_table_needs_one_query() {
    let (_dir, path) = write_query("T | count\n\nT | count\n");
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--table", "T=-", "--format", "table"])
        .write_stdin("{\"a\": 1}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard input"))
        .stderr(predicate::str::contains("--block N"));
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--table", "T=-", "--block", "2", "--format", "csv"])
        .write_stdin("{\"a\": 1}\n")
        .assert()
        .success()
        .stdout("Count\n1\n");
}

#[test]
fn check_warns_where_a_block_is_joined() {
    // `['U']` after the blank line continues the query above, while Kusto's editors would
    // run it as a query of its own.
    let (_dir, path) = write_query("print a = 1\n| project a\n\n['U']\n| count\n");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .stderr(predicate::str::contains(
            "hunt.kql:4:1: this line follows a blank line",
        ));
}

#[test]
fn check_reports_prelude_error_once() {
    let (dir, path) = write_query(TWO_QUERIES);
    let prelude = dir.path().join("prelude.kql");
    fs::write(&prelude, "let f = ;\n").expect("prelude");
    let query = "print x = 1\n\nprint y = 2\n";
    fs::write(&path, query).expect("query");
    let output = kql_command()
        .arg("check")
        .arg(&path)
        .arg("--prelude")
        .arg(&prelude)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("prelude.kql:1:").count(), 1, "{stderr}");
}

#[test]
fn run_stops_quietly_on_closed_pipe() {
    // The first result overflows the pipe buffer, so the heading of the second query is
    // written after `head` has closed the pipe. kql must exit with status 0, not panic.
    let (_dir, path) =
        write_query("range x from 1 to 20000 step 1\n\nrange y from 1 to 20000 step 1\n");
    let script = format!(
        "{} run {} --format table | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        assert_cmd::cargo::cargo_bin("kql").display(),
        path.display()
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "0");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

// learn.microsoft.com/kusto/query/batches: "A query can include multiple tabular
// expression statements, as long as they're delimited by a semicolon", and the results
// come in the order of the statements. The example shares one `let` between them.
#[test]
fn run_batch_gives_each_result() {
    let query =
        "let m = datatable(n:long)[1, 5000, 3];\nm | where n > 2000;\nm | where n < 10 | count";
    let assert = kql_command()
        .args(["run", "-q", query, "--format", "table"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let second = stdout
        .find("query 2 of 2 (<query>:3)")
        .expect("second heading");
    assert!(stdout[..second].contains("5000"), "{stdout}");
    assert!(stdout[second..].contains("│ 2 "), "{stdout}");
    kql_command()
        .args(["run", "-q", query, "--block", "1", "--format", "csv"])
        .assert()
        .success()
        .stdout("n\n5000\n");
}

#[test]
fn check_batch_file_checks_each_statement() {
    let (_dir, path) = write_query("let a = 1;\nprint x = a;\nprint y = missing\n");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hunt.kql:3:11"));
}

#[test]
fn run_batch_with_random_materialize_fails_loudly() {
    let query = "let r = materialize(range x from 1 to 100 step 1 | extend v = rand());\nr | summarize s = sum(v);\nr | summarize s = sum(v)";
    kql_command()
        .args(["run", "-q", query, "--format", "table"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not supported"))
        .stderr(predicate::str::contains("materialize()"))
        .stderr(predicate::str::contains("--block N"));
    // One query alone computes its materialized rows once, as Kusto does.
    kql_command()
        .args(["run", "-q", query, "--block", "2", "--format", "csv"])
        .assert()
        .success();
    // A `sample` that starts a subquery is random too.
    let sampled = "let m = materialize(range x from 1 to 100 step 1 | extend g = x % 2 | partition hint.strategy=native by g (sample 3));\nm | count;\nm | count";
    kql_command()
        .args(["run", "-q", sampled, "--format", "table"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`sample`"));
}

#[test]
fn run_let_after_last_query_is_named() {
    kql_command()
        .args(["run", "-q", "print a = 1; let x = 1;", "--format", "csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("after the last query"));
}

#[test]
fn run_batch_with_random_prelude_fails_loudly() {
    // The random rows come from a prelude function, which the batch's own text only calls.
    let (dir, _) = write_query("");
    let prelude = dir.path().join("prelude.kql");
    fs::write(
        &prelude,
        "let r = () { range x from 1 to 100 step 1 | extend v = rand() };\n",
    )
    .expect("prelude");
    let query = "let m = materialize(r());\nm | summarize s = sum(v);\nm | summarize s = sum(v)";
    kql_command()
        .args(["run", "-q", query, "--format", "table", "--prelude"])
        .arg(&prelude)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("when it uses `rand`"));
    // A batch that uses nothing of that prelude is not affected.
    kql_command()
        .args([
            "run",
            "-q",
            "print a = 1; print b = 2",
            "--format",
            "table",
            "--prelude",
        ])
        .arg(&prelude)
        .assert()
        .success();
}
