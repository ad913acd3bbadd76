//! The interactive shell driven through a pseudo-terminal, the way a user types into it.
//! Expected values come from running the same queries through the library, so the tests
//! follow the example data.

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{ControlCode, Eof, Expect, Session};

use crate::support::project_root;

/// Generous, because debug builds on a busy machine are slow; no test waits this long
/// when it passes.
const EXPECT_TIMEOUT: Duration = Duration::from_secs(60);

/// What the line editor (rustyline 17) writes when it starts reading a line: it enables
/// bracketed paste. Redraws of the line while typing repeat the prompt but not this, so
/// waiting for it waits for a fresh prompt.
const EDITOR_READY: &str = "\x1b[?2004h";

/// What the line editor writes when it stops reading a line: it disables bracketed paste.
const EDITOR_DONE: &str = "\x1b[?2004l";

const PROMPT: &str = "kql> ";

/// A running shell and the folder that contains its history file.
struct Shell {
    session: OsSession,
    data_home: tempfile::TempDir,
}

/// Starts `kql repl --data examples/data` with `extra` arguments and waits for the banner.
fn start(extra: &[&str]) -> Shell {
    let data = project_root().join("examples/data");
    let mut arguments = vec!["repl", "--data", data.to_str().expect("UTF-8 path")];
    arguments.extend_from_slice(extra);
    let mut shell = spawn(&arguments);
    shell.expect("Type .help");
    shell
}

/// Starts `kql` with `arguments` in a pseudo-terminal of 120 × 40 characters, with a
/// fresh data folder for the history.
fn spawn(arguments: &[&str]) -> Shell {
    let data_home = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_kql"));
    command
        .args(arguments)
        .env("XDG_DATA_HOME", data_home.path())
        .env("HOME", data_home.path())
        .env_remove("KQL_GEOIP_DB");
    let mut session = Session::spawn(command).expect("the shell starts in a pseudo-terminal");
    session
        .get_process_mut()
        .set_window_size(120, 40)
        .expect("set terminal size");
    session.set_expect_timeout(Some(EXPECT_TIMEOUT));
    Shell { session, data_home }
}

impl Shell {
    /// Waits for the prompt, then types `text` and presses Enter. Keys typed before the
    /// line editor is ready can be lost, as they can for a person.
    fn enter(&mut self, text: &str) {
        self.wait_for_prompt();
        self.type_line(text);
    }

    /// Types `text` and presses Enter without waiting, for the continuation lines of a
    /// query, which have no prompt.
    fn type_line(&mut self, text: &str) {
        self.session
            .send(format!("{text}\r"))
            .expect("typing into the shell");
    }

    /// Waits for the prompt, then types `text` without pressing Enter.
    fn type_text(&mut self, text: &str) {
        self.wait_for_prompt();
        self.session.send(text).expect("typing into the shell");
    }

    fn wait_for_prompt(&mut self) {
        self.expect(EDITOR_READY);
        self.expect(PROMPT);
    }

    fn expect(&mut self, text: &str) -> String {
        match self.session.expect(text) {
            Ok(found) => String::from_utf8_lossy(found.before()).to_string(),
            Err(error) => panic!("shell output never contained {text:?}: {error}"),
        }
    }

    fn quit_with_ctrl_d(mut self) -> tempfile::TempDir {
        self.wait_for_prompt();
        self.session
            .send(ControlCode::EndOfTransmission)
            .expect("send Ctrl-D");
        self.session.expect(Eof).expect("the shell exits");
        let status = self.session.get_process().wait().expect("exit status");
        assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
        self.data_home
    }
}

/// Returns the row count of `query` over the example data, run through the library.
fn example_count(query: &str) -> i64 {
    let mut session = kql::engine::Session::new();
    let options = kql::data::LoadOptions::default();
    let tables = kql::data::load_dir(&project_root().join("examples/data"), &options)
        .expect("example data loads");
    for (name, loaded) in tables {
        session.add_table(&name, loaded.table, "examples/data");
    }
    let result = session
        .run(&format!("{query} | count"))
        .expect("query runs");
    match result.columns[0].first() {
        Some(kql::value::Value::Long(count)) => *count,
        other => panic!("count returned {other:?}"),
    }
}

#[test]
fn banner_then_multiline_query() {
    let mut shell = start(&[]);
    let total = example_count("DeviceNetworkEvents");
    let https = example_count("DeviceNetworkEvents | where RemotePort == 443");
    assert!(https > 1, "the example data has several port 443 rows");

    shell.enter("DeviceNetworkEvents |");
    shell.type_line("  where RemotePort == 443 |");
    shell.type_line("  project DeviceName, RemotePort");
    let output = shell.expect(&format!("{https} rows"));
    assert!(output.contains("│ DeviceName"), "{output}");
    assert!(output.contains("┆ 443"), "{output}");

    shell.enter(".tables");
    let output = shell.expect("DeviceNetworkEvents.jsonl");
    assert!(output.contains(&format!("┆ {total} ")), "{output}");
    shell.quit_with_ctrl_d();
}

#[test]
fn tab_completes_column_name() {
    let mut shell = start(&[]);
    shell.type_text("DeviceNetworkEvents | project RemoteP");
    shell
        .session
        .send(ControlCode::HorizontalTabulation)
        .expect("Tab");
    shell.type_line(" | take 1");
    // The header shows the whole name only if Tab completed it; `RemoteP` is an error.
    shell.expect("│ RemotePort │");
    shell.expect("1 row");
    shell.quit_with_ctrl_d();
}

#[test]
fn dot_commands_and_lets() {
    let mut shell = start(&["--now", "2025-08-30T00:00:00Z"]);
    let https = example_count("DeviceNetworkEvents | where RemotePort == 443");

    shell.enter(".schema DeviceNetworkEvents");
    shell.expect("RemotePort");
    shell.enter("let https = DeviceNetworkEvents | where RemotePort == 443;");
    shell.expect("defined https");
    shell.enter(".format csv");
    shell.expect("format: csv");
    shell.enter("https | count");
    shell.expect(&format!("Count\r\n{https}\r\n"));

    shell.enter(".timer on");
    shell.expect("timer: on");
    shell.enter("print pinned = now()");
    shell.expect("2025-08-30T00:00:00.0000000Z");
    shell.expect("time: ");
    let saved = shell.data_home.path().join("saved.csv");
    shell.enter(&format!(".save {}", saved.display()));
    shell.expect("saved 1 row");
    let text = std::fs::read_to_string(&saved).expect("saved file");
    assert!(text.starts_with("pinned\n2025-08-30T00:00:00"), "{text}");
    let unwritable = shell.data_home.path().join("missing-folder").join("x.csv");
    shell.enter(&format!(".save {}", unwritable.display()));
    shell.expect("output error: failed to write");

    shell.enter(".quit");
    shell.session.expect(Eof).expect("the shell exits on .quit");
}

#[test]
fn error_keeps_session_and_points_at_input() {
    let mut shell = start(&[]);
    shell.enter("DeviceNetworkEvents | whre RemotePort == 443");
    shell.expect("did you mean `where`?");
    shell.expect("--> input:1:23");
    shell.enter("print after = 'still running'");
    shell.expect("still running");
    shell.quit_with_ctrl_d();
}

/// A later query runs on the table loaded at start, so it still works after the file is
/// gone: the shell does not read its inputs again for each query.
#[test]
fn later_queries_reuse_loaded_tables() {
    let folder = tempfile::tempdir().expect("temporary directory");
    let path = folder.path().join("Counts.csv");
    std::fs::write(&path, "n\n1\n2\n3\n").expect("write table");
    let folder_text = folder.path().to_str().expect("UTF-8 path");
    let mut shell = spawn(&["repl", "--data", folder_text]);
    shell.expect("Type .help");
    shell.enter("Counts | summarize total = sum(n)");
    shell.expect("│ 6     │");
    std::fs::remove_file(&path).expect("remove table file");
    shell.enter("Counts | summarize again = sum(n) * 2");
    shell.expect("│ 12    │");
    shell.quit_with_ctrl_d();
}

#[test]
fn unknown_table_hint_names_load_command() {
    let mut shell = spawn(&["repl"]);
    shell.expect("Type .help");
    shell.enter("Events | count");
    shell.expect("load one with .load PATH [as Name]");
    shell.quit_with_ctrl_d();
}

#[test]
fn ctrl_c_cancels_input() {
    let mut shell = start(&[]);
    shell.type_text("DeviceNetworkEvents | wher");
    shell.session.send(ControlCode::EndOfText).expect("Ctrl-C");
    shell.enter("print marker = 'fresh input'");
    shell.expect("│ fresh input │");
    shell.quit_with_ctrl_d();
}

/// Writes a one-column CSV whose rows all share one key, so a self-`lookup` multiplies
/// them into millions of rows and the query runs for seconds.
fn write_slow_table(folder: &Path) -> std::path::PathBuf {
    let path = folder.join("Keys.csv");
    let mut text = String::from("k\n");
    for _ in 0..1500 {
        text.push_str("1\n");
    }
    std::fs::write(&path, text).expect("write table");
    path
}

#[test]
fn ctrl_c_cancels_running_query() {
    let folder = tempfile::tempdir().expect("temporary directory");
    let table = format!("Keys={}", write_slow_table(folder.path()).display());
    let mut shell = start(&["--table", &table]);
    shell.enter(
        "Keys | lookup Keys on k | where toupper(strcat(tostring(k), 'abc', tostring(k))) == 'x' | count",
    );
    // Ctrl-C must reach the running query as SIGINT, not the line editor as a key, so
    // wait until the editor has left raw mode, plus a margin for the mode switch.
    shell.expect(EDITOR_DONE);
    thread::sleep(Duration::from_millis(300));
    shell.session.send(ControlCode::EndOfText).expect("Ctrl-C");
    shell.expect("query cancelled");
    shell.enter("print after = 'back at the prompt'");
    shell.expect("│ back at the prompt │");
    shell.quit_with_ctrl_d();
}

#[test]
fn history_saved_on_quit() {
    let mut shell = start(&[]);
    shell.enter("print remembered = 1");
    shell.expect("1 row");
    let data_home = shell.quit_with_ctrl_d();
    let history = std::fs::read_to_string(data_home.path().join("kql/history.txt"))
        .expect("history file written");
    assert!(history.contains("print remembered = 1"), "{history}");
}

#[test]
fn no_arguments_on_terminal_starts_shell() {
    let mut shell = spawn(&[]);
    shell.expect("No tables loaded");
    shell.quit_with_ctrl_d();
}

#[test]
fn no_arguments_without_terminal_prints_usage() {
    crate::support::kql_command()
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("Usage: kql"));
}

// Piped input that ends inside a query never runs it, so the shell reports it.
#[test]
fn piped_unfinished_query_is_error() {
    crate::support::kql_command()
        .arg("repl")
        .write_stdin("print x = 41 + 1\nprint y = (1 +\n")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("42"))
        .stderr(predicates::str::contains(
            "the input ended inside an unfinished query, which was not run",
        ))
        .stderr(predicates::str::contains("--> <stdin>:2:15"));
    // An empty line runs an unfinished query as it is, as Enter does on a terminal. The
    // syntax error it gets makes the piped session fail.
    crate::support::kql_command()
        .arg("repl")
        .write_stdin("print y = (1 +\n2)\n\nprint z = 'a' |\n\n")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("│ 3 │"))
        .stdout(predicates::str::contains("syntax error"));
}

// Queries in files and in the reference put each operator on its own line after `|`
// (learn.microsoft.com/kusto/query/tutorials/learn-common-operators), so piped input
// joins such a line to the query before it.
#[test]
fn piped_pipe_lines_continue_query() {
    crate::support::kql_command()
        .arg("repl")
        .write_stdin("range x from 1 to 10 step 1\n| where x > 7\n| count\nprint done = 1\n")
        .assert()
        .success()
        .stdout(predicates::str::contains("│ 3     │"))
        .stdout(predicates::str::contains("done"))
        .stdout(predicates::prelude::PredicateBooleanExt::not(
            predicates::str::contains("10 rows"),
        ));
}

/// Builds a shell over the example data, driven through the library without a terminal.
fn example_repl() -> kql::repl::Repl {
    let mut session = kql::engine::Session::new();
    session.now = kql::value::parse_datetime("2025-08-30T00:00:00Z");
    let options = kql::data::LoadOptions::default();
    let tables = kql::data::load_dir(&project_root().join("examples/data"), &options)
        .expect("example data loads");
    for (name, loaded) in tables {
        session.add_table(&name, loaded.table, "examples/data");
    }
    kql::repl::Repl::new(session, options)
}

fn submit(repl: &mut kql::repl::Repl, input: &str) -> String {
    let mut out = Vec::new();
    repl.submit(input, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

/// Returns the replacements Tab offers at the end of `line`.
fn completions(repl: &kql::repl::Repl, line: &str) -> Vec<String> {
    kql::repl::complete::complete(line, line.len(), repl)
        .candidates
        .into_iter()
        .map(|candidate| candidate.replacement)
        .collect()
}

#[test]
fn published_query_step_by_step() {
    let script =
        std::fs::read_to_string(project_root().join("queries/mde-suspicious-tcp-flags.kql"))
            .expect("published query");
    let (definitions, pipeline) = script
        .split_once("DeviceNetworkEvents\n")
        .expect("the query starts its pipeline on its own line");
    let (flag_reference, suspicious_flags) =
        definitions.split_once("];\n").expect("two let statements");
    let mut repl = example_repl();

    let output = submit(&mut repl, &format!("{flag_reference}];"));
    assert_eq!(output, "defined FlagReference\n");
    let output = submit(&mut repl, suspicious_flags.trim());
    assert_eq!(output, "defined suspiciousflags\n");

    let typed = "DeviceNetworkEvents\n| extend info = parse_json( Addit";
    assert_eq!(completions(&repl, typed), vec!["AdditionalFields"]);
    let typed = format!(
        "DeviceNetworkEvents\n{}| where Tcp",
        pipeline.split("| project").next().unwrap_or("")
    );
    assert_eq!(completions(&repl, &typed), vec!["TcpFlags"]);
    let typed = "DeviceNetworkEvents | where TcpFlags has_any (susp";
    assert_eq!(completions(&repl, typed), vec!["suspiciousflags"]);
    let typed = "DeviceNetworkEvents | lookup kind=leftouter Flag";
    assert_eq!(completions(&repl, typed), vec!["FlagReference"]);
    let typed = "DeviceNetworkEvents | lookup kind=leftouter Device";
    assert_eq!(completions(&repl, typed), vec!["DeviceNetworkEvents"]);

    submit(&mut repl, ".format json");
    let output = submit(&mut repl, &format!("DeviceNetworkEvents\n{pipeline}"));
    let (json, footer) = output.rsplit_once("]}\n").expect("JSON then the row count");

    let mut session = kql::engine::Session::new();
    session.now = kql::value::parse_datetime("2025-08-30T00:00:00Z");
    let options = kql::data::LoadOptions::default();
    for (name, loaded) in kql::data::load_dir(&project_root().join("examples/data"), &options)
        .expect("example data loads")
    {
        session.add_table(&name, loaded.table, "examples/data");
    }
    let expected = session.run(&script).expect("published query runs");
    let mut expected_json = Vec::new();
    kql::output::write(
        &expected,
        kql::output::Format::Json,
        &Default::default(),
        &mut expected_json,
    )
    .expect("writing to memory");
    assert_eq!(
        format!("{json}]}}\n"),
        String::from_utf8_lossy(&expected_json)
    );
    assert!(
        footer.starts_with(&format!("{} rows", expected.row_count)),
        "{footer}"
    );
    assert!(expected.row_count > 0, "the example data has matches");
}
