//! `kql test`, run the way a detection engineer runs it: the project's example rule
//! tests, a deliberately failing test file, JUnit output and `--update`.

use std::fs;
use std::path::Path;

use crate::support::{kql_command, project_root};

/// A rule over a custom table, and a test file whose first case is wrong on purpose.
const RULE: &str = "\
Logons
| where Result == \"Failure\"
| where Account !in (ServiceAccounts)
| project TimeGenerated, Account, Host, Attempts
";

const FAILING_TEST: &str = r#"
rule = "failed-logons.kql"
now = 2025-08-30T00:00:00Z

[tables.Logons]
columns = { TimeGenerated = "datetime", Account = "string", Host = "string", Result = "string", Attempts = "long" }
rows = [
    { TimeGenerated = 2025-08-29T10:00:00Z, Account = "alice", Host = "wks-01", Result = "Failure", Attempts = 3 },
    { TimeGenerated = 2025-08-29T11:00:00Z, Account = "bob", Host = "wks-02", Result = "Failure", Attempts = 12 },
    { TimeGenerated = 2025-08-29T12:00:00Z, Account = "svc-backup", Host = "srv-01", Result = "Failure", Attempts = 1 },
    { TimeGenerated = 2025-08-29T13:00:00Z, Account = "carol", Host = "wks-03", Result = "Success", Attempts = 1 },
    { TimeGenerated = 2025-08-29T14:00:00Z, Account = "dave", Host = "wks-04", Result = "Failure", Attempts = 7 },
]

[stubs]
ServiceAccounts = 'dynamic(["svc-backup"])'

[[case]]
name = "failures are reported"
# Wrong on purpose: bob's host, a row for erin that does not exist, and dave is left out.
expect.rows = [
    { TimeGenerated = "2025-08-29T10:00:00.0000000Z", Account = "alice", Host = "wks-01", Attempts = 3 },
    { TimeGenerated = 2025-08-29T11:00:00Z, Account = "bob", Host = "wks-99", Attempts = 12 },
    { TimeGenerated = 2025-08-29T15:00:00Z, Account = "erin", Host = "wks-05", Attempts = 2 },
]

[[case]]
name = "service accounts are not reported"
expect.count = 3
expect.contains = [{ Account = "alice" }, { Account = "dave" }]

[[case]]
name = "broken stub"
stubs.ServiceAccounts = 'dynamic(["svc-backup"]'
expect.empty = true
"#;

fn failing_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("failed-logons.kql"), RULE).expect("write rule");
    fs::write(dir.path().join("failed-logons.test.toml"), FAILING_TEST).expect("write test");
    dir
}

/// Replaces the durations, which change from run to run.
fn without_durations(text: &str) -> String {
    let durations = regex::Regex::new(r"\(\d+ ms\)|\d+ ms$|\d+\.\d s").expect("valid regex");
    text.lines()
        .map(|line| durations.replace_all(line, "(TIME)").into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn example_rules_pass() {
    let output = kql_command()
        .current_dir(project_root())
        .args(["test", "examples/rules"])
        .output()
        .expect("kql runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "examples failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let passed = stdout
        .lines()
        .filter(|line| line.starts_with("PASS"))
        .count();
    let files = [
        "mde-suspicious-tcp-flags",
        "privileged-signin-unexpected-country",
    ];
    for file in files {
        assert!(
            stdout.contains(&format!("examples/rules/{file}.test.toml")),
            "{stdout}"
        );
    }
    assert!(passed >= 15, "only {passed} cases ran:\n{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some(format!("{passed} passed, 0 failed").as_str())
    );
}

#[test]
fn failing_case_shows_diff() {
    let dir = failing_project();
    let output = kql_command()
        .current_dir(dir.path())
        .args(["test", "."])
        .output()
        .expect("kql runs");
    assert_eq!(output.status.code(), Some(1), "a failing case exits 1");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains('\u{1b}'),
        "no colours when not on a terminal"
    );
    insta::assert_snapshot!(without_durations(&stdout));
}

#[test]
fn junit_report_has_suites_cases_and_failures() {
    let dir = failing_project();
    let report_path = dir.path().join("report.xml");
    kql_command()
        .current_dir(dir.path())
        .args(["test", "failed-logons.test.toml", "--junit", "report.xml"])
        .assert()
        .code(1);
    let xml = fs::read_to_string(&report_path).expect("the report is written");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");

    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));

    let suites: Vec<_> = root.children().filter(|node| node.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites.first().expect("one suite");
    assert_eq!(suite.tag_name().name(), "testsuite");
    assert_eq!(suite.attribute("name"), Some("failed-logons.test.toml"));
    assert_eq!(suite.attribute("tests"), Some("3"));

    let cases: Vec<_> = suite
        .children()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    let names: Vec<&str> = cases
        .iter()
        .filter_map(|case| case.attribute("name"))
        .collect();
    assert_eq!(
        names,
        [
            "failures are reported",
            "service accounts are not reported",
            "broken stub"
        ]
    );
    for case in &cases {
        assert_eq!(case.attribute("classname"), Some("failed-logons.test.toml"));
        let time = case.attribute("time").unwrap_or_default();
        assert!(time.parse::<f64>().is_ok(), "time attribute {time:?}");
    }

    let outcome_of = |index: usize| -> Vec<String> {
        cases
            .get(index)
            .map(|case| {
                case.children()
                    .filter(|node| node.is_element())
                    .map(|node| node.tag_name().name().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(outcome_of(0), ["failure"]);
    assert_eq!(outcome_of(1), Vec::<String>::new());
    assert_eq!(outcome_of(2), ["error"]);

    let failure = cases
        .first()
        .and_then(|case| case.children().find(|node| node.has_tag_name("failure")))
        .expect("failure element");
    assert_eq!(
        failure.attribute("message"),
        Some("1 missing row, 1 unexpected row, 1 near match")
    );
    let diff = failure.text().unwrap_or_default();
    assert!(
        diff.contains("Host: expected \"wks-99\", got \"wks-02\""),
        "{diff}"
    );
}

#[test]
fn update_writes_expected_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("failed-logons.kql"), RULE).expect("write rule");
    let test = FAILING_TEST
        .split("[[case]]")
        .next()
        .map(|head| {
            format!(
                "{head}[[case]]\nname = \"baseline\"\nexpect.file = \"expected/baseline.json\"\n"
            )
        })
        .expect("test file head");
    fs::write(dir.path().join("baseline.test.toml"), test).expect("write test");
    let expected = dir.path().join("expected/baseline.json");

    kql_command()
        .current_dir(dir.path())
        .arg("test")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("run `kql test --update`"));
    assert!(!Path::new(&expected).exists());

    kql_command()
        .current_dir(dir.path())
        .args(["test", "--update"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "UPDATED baseline.test.toml › baseline",
        ));
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&expected).expect("expected file written"))
            .expect("valid JSON");
    let accounts: Vec<&str> = written["rows"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|row| row[1].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(accounts, ["alice", "bob", "dave"]);

    kql_command()
        .current_dir(dir.path())
        .arg("test")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "PASS    baseline.test.toml › baseline",
        ));
}

/// Runs `kql test` on `dir` and returns its output with standard output as text.
fn run_kql_test(dir: &std::path::Path) -> (std::process::Output, String) {
    let output = kql_command()
        .arg("test")
        .arg(dir)
        .output()
        .expect("kql runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

/// Local tables have no ingestion-time policy, so `ingestion_time()` is null and a filter
/// on it drops every row (learn.microsoft.com/kusto/management/ingestion-time-policy).
/// The test output must show the warning, or an `expect.empty` case passes for that
/// reason alone.
#[test]
fn query_warnings_shown_per_case() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let rule = "Logons | where ingestion_time() > ago(1d) | project Account";
    fs::write(dir.path().join("recent.kql"), rule).expect("write rule");
    let test = r#"
rule = "recent.kql"
now = 2025-08-30T00:00:00Z

[tables.Logons]
columns = { Account = "string" }
rows = [{ Account = "alice" }]

[[case]]
name = "nothing is recent"
expect.empty = true
"#;
    fs::write(dir.path().join("recent.test.toml"), test).expect("write test");
    let (output, stdout) = run_kql_test(dir.path());
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");
    assert!(
        stdout.contains("recent.kql:1:16: `ingestion_time()`"),
        "the case shows the query's warning with its place in the rule: {stdout}"
    );
}

#[test]
fn filter_selects_cases_by_name() {
    let dir = failing_project();
    kql_command()
        .current_dir(dir.path())
        .args(["test", "--filter", "SERVICE"])
        .assert()
        .success()
        .stdout(predicates::str::contains("1 passed, 0 failed"));
    kql_command()
        .current_dir(dir.path())
        .args(["test", "--filter", "no such case"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no case name contains `no such case`",
        ));
}

#[test]
fn directory_without_test_files_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    kql_command()
        .current_dir(dir.path())
        .arg("test")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no *.test.toml files found"));
}

#[test]
fn rule_error_points_into_the_rule() {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("broken.kql"), "print x = 1\n| whre x > 0\n").expect("write rule");
    fs::write(
        dir.path().join("broken.test.toml"),
        "rule = \"broken.kql\"\n[stubs]\nLimit = \"10\"\n[[case]]\nname = \"runs\"\nexpect.count = 1\n",
    )
    .expect("write test");
    kql_command()
        .current_dir(dir.path())
        .arg("test")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("ERROR   broken.test.toml › runs"))
        .stdout(predicates::str::contains("--> broken.kql:2:3"));
}

#[test]
fn externaldata_url_reads_mapped_fixture() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    std::fs::write(
        root.join("rule.kql"),
        "let Bad = externaldata (Ip:string) [@'https://example.invalid/bad-ips.csv'] with (format='csv');\n\
         datatable(RemoteIP:string)['1.2.3.4', '5.6.7.8'] | where RemoteIP in (Bad)\n",
    )
    .expect("write rule");
    std::fs::write(root.join("bad-ips.csv"), "1.2.3.4\n").expect("write fixture");
    std::fs::write(
        root.join("rule.test.toml"),
        "rule = \"rule.kql\"\n\n[externaldata]\n\"https://example.invalid/bad-ips.csv\" = \"bad-ips.csv\"\n\n\
         [[case]]\nname = \"listed address is reported\"\nexpect.rows = [{ RemoteIP = \"1.2.3.4\" }]\n",
    )
    .expect("write test file");
    crate::support::kql_command()
        .arg("test")
        .arg(root)
        .assert()
        .success()
        .stdout(predicates::str::contains("1 passed, 0 failed"));
}

/// A failed case whose rule reads the clock without a pinned `now` gets a note naming the
/// missing clock, the likely cause. A passing case gets no such note.
#[test]
fn unpinned_clock_noted_on_failure() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let rule = "Logons | where TimeGenerated > ago(1d) | project Account";
    fs::write(dir.path().join("recent.kql"), rule).expect("write rule");
    let test = r#"
rule = "recent.kql"

[tables.Logons]
columns = { TimeGenerated = "datetime", Account = "string" }
rows = [{ TimeGenerated = 2025-08-29T12:00:00Z, Account = "alice" }]

[[case]]
name = "yesterday's logon is recent"
expect.count = 1

[[case]]
name = "old logons are not"
expect.empty = true
"#;
    fs::write(dir.path().join("recent.test.toml"), test).expect("write test");
    let (output, stdout) = run_kql_test(dir.path());
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let note = "no `now` is set";
    assert_eq!(stdout.matches(note).count(), 1, "{stdout}");
    let failed = stdout.find("FAIL").expect("a failed case");
    let passed = stdout.find("PASS").expect("a passed case");
    let noted = stdout.find(note).expect("the note");
    assert!(failed < noted, "the note follows the failed case: {stdout}");
    assert!(
        noted < passed,
        "the note precedes the passed case: {stdout}"
    );
}

/// Writes `files` (name, text) into a new directory and runs `kql test` there.
fn run_project(files: &[(&str, &str)]) -> (std::process::Output, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write project file");
    }
    run_kql_test(dir.path())
}

const SIGNIN_RULE: &str = "SigninLogs | where ResultType == \"0\" | project UserPrincipalName";

/// A misspelt case table would leave the file's table in place, so a case could pass on
/// rows it meant to replace. The case must fail and name the table the rule reads.
#[test]
fn misspelt_case_table_fails() {
    let test = r#"
rule = "rule.kql"

[tables.SigninLogs]
rows = [{ UserPrincipalName = "a@contoso.example", ResultType = "0" }]

[[case]]
name = "replacement table is misspelt"
tables.SiginLogs.rows = [{ UserPrincipalName = "b@contoso.example", ResultType = "50126" }]
expect.count = 1

[[case]]
name = "file table is read"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("rule.test.toml › replacement table is misspelt"),
        "{stdout}"
    );
    assert!(
        stdout.contains("table `SiginLogs`, which the rule never reads"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `SigninLogs`?"), "{stdout}");
    assert!(
        stdout.contains("rule.test.toml › file table is read"),
        "{stdout}"
    );
}

/// A test file tests one rule, so a `[tables]` entry that no case's run reads is an
/// error of the file. With a filter that skips cases, no such error is possible.
#[test]
fn unread_file_table_is_an_error() {
    let test = r#"
rule = "rule.kql"

[tables]
SigninLogs = { rows = [{ UserPrincipalName = "a@contoso.example", ResultType = "0" }] }
SigninLog = { rows = [{ UserPrincipalName = "b@contoso.example", ResultType = "0" }] }

[[case]]
name = "success is reported"
expect.count = 1

[[case]]
name = "other case"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("rule.test.toml › (test file)"), "{stdout}");
    assert!(
        stdout.contains("table `SigninLog`, which the rule never reads"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `SigninLogs`?"), "{stdout}");

    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("rule.kql"), SIGNIN_RULE).expect("write rule");
    fs::write(dir.path().join("rule.test.toml"), test).expect("write test");
    kql_command()
        .current_dir(dir.path())
        .args(["test", "--filter", "success"])
        .assert()
        .success();
}

/// A case's table replaces the file's table with its `columns`, so a case without
/// `columns` and without rows has no columns. The help names the case key, not the
/// `--schema` option that `kql test` does not have.
#[test]
fn columnless_case_table_names_key() {
    let rule = "Firewall_CL | where Port == 3389";
    let test = r#"
rule = "rule.kql"

[tables.Firewall_CL]
columns = { TimeGenerated = "datetime", SourceIP = "string", Port = "int" }
rows = [{ TimeGenerated = 2025-08-30T11:00:00Z, SourceIP = "198.51.100.7", Port = 3389 }]

[[case]]
name = "no traffic"
tables.Firewall_CL.rows = []
expect.empty = true
"#;
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("tables.Firewall_CL.columns"), "{stdout}");
    assert!(stdout.contains("`columns` included"), "{stdout}");
    assert!(!stdout.contains("--schema"), "{stdout}");
}

/// `_GetWatchlist` with an alias that the test file does not load points at
/// `[watchlists]` and at the loaded alias the name is close to. Watchlist queries:
/// learn.microsoft.com/azure/sentinel/watchlists-queries
#[test]
fn unloaded_watchlist_names_test_file_key() {
    let rule = "_GetWatchlist('BadIP') | project SearchKey";
    let test = r#"
rule = "rule.kql"

[watchlists]
BadIPs = "BadIPs.csv"

[[case]]
name = "listed addresses"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[
        ("rule.kql", rule),
        ("rule.test.toml", test),
        ("BadIPs.csv", "IP\n198.51.100.7\n"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("did you mean `BadIPs`?"), "{stdout}");
    assert!(stdout.contains("[watchlists] BadIP = "), "{stdout}");
    assert!(!stdout.contains("--watchlist"), "{stdout}");
    assert!(!stdout.contains("--data"), "{stdout}");
}

/// A rule that reads a catalog table the test file does not give fails with the test
/// file's keys that give it, not with the options of `kql run`.
#[test]
fn ungiven_catalog_table_names_test_file_key() {
    let test = r#"
rule = "rule.kql"

[[case]]
name = "sign-ins"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("table `SigninLogs` not found"), "{stdout}");
    assert!(
        stdout.contains(
            "`SigninLogs` is a table of the built-in catalog that the test file does not give"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("`[tables] SigninLogs = \"FILE\"`"),
        "{stdout}"
    );
    assert!(!stdout.contains("--table"), "{stdout}");
    assert!(!stdout.contains("--data"), "{stdout}");
}

/// `lookback` filters log tables by TimeGenerated, but FileProfile substitutes for the
/// Defender XDR service behind `invoke FileProfile()`, which has no such column, so the
/// window leaves it alone. FileProfile():
/// learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function
#[test]
fn lookback_skips_file_profile_table() {
    let rule = "DeviceFileEvents\n\
        | project FileName, SHA1\n\
        | invoke FileProfile(SHA1, 1000)\n\
        | where GlobalPrevalence < 10\n\
        | project FileName, GlobalPrevalence";
    let test = r#"
rule = "rule.kql"
now = 2025-08-30T12:00:00Z
lookback = "1d"

[tables.DeviceFileEvents]
rows = [
    { TimeGenerated = 2025-08-30T11:00:00Z, FileName = "rare.exe", SHA1 = "89e6c98d92887913cadf06b2adb97f26cde4849b" },
    { TimeGenerated = 2025-08-20T11:00:00Z, FileName = "old.exe", SHA1 = "89e6c98d92887913cadf06b2adb97f26cde4849b" },
]

[tables.FileProfile]
rows = [{ SHA1 = "89e6c98d92887913cadf06b2adb97f26cde4849b", GlobalPrevalence = 3 }]

[[case]]
name = "rare file inside the window is reported"
expect.rows = [{ FileName = "rare.exe", GlobalPrevalence = 3 }]
"#;
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

/// The rule's own `let` comes after the stub's and replaces it (a later `let` of the same
/// name applies: learn.microsoft.com/azure/kusto/query/letstatement), so a stub of that
/// name would silently do nothing. The case fails and names both.
#[test]
fn stub_shadowed_by_rule_let_fails() {
    let rule = "let Allowed = dynamic([\"a@contoso.example\"]);\n\
        SigninLogs | where UserPrincipalName !in (Allowed) | project UserPrincipalName";
    let test = r#"
rule = "rule.kql"

[tables.SigninLogs]
rows = [{ UserPrincipalName = "b@contoso.example" }]

[stubs]
Allowed = 'dynamic(["b@contoso.example"])'

[[case]]
name = "allowed user is not reported"
expect.empty = true
"#;
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("stub `Allowed`"), "{stdout}");
    assert!(
        stdout.contains("`let Allowed` (") && stdout.contains("rule.kql, line 1)"),
        "{stdout}"
    );
    assert!(stdout.contains("such as a workspace function"), "{stdout}");
}

/// A `[watchlists]` alias that no case's rule calls with `_GetWatchlist` is a misspelt
/// alias or a leftover, as for `[tables]`. Watchlist queries:
/// learn.microsoft.com/azure/sentinel/watchlists-queries
#[test]
fn uncalled_file_watchlist_is_an_error() {
    let rule = "SigninLogs\n\
        | where UserPrincipalName in (_GetWatchlist('VIPUsers') | project SearchKey)\n\
        | project UserPrincipalName";
    let test = r#"
rule = "rule.kql"

[tables.SigninLogs]
rows = [{ UserPrincipalName = "a@contoso.example" }]

[watchlists]
VIPUsers = "vip.csv"
VIPUser = "vip.csv"

[[case]]
name = "VIP sign-in is reported"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[
        ("rule.kql", rule),
        ("rule.test.toml", test),
        ("vip.csv", "UserPrincipalName\na@contoso.example\n"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("rule.test.toml › (test file)"), "{stdout}");
    assert!(
        stdout.contains("watchlist `VIPUser`, which the rule never calls"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `VIPUsers`?"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}

/// A misspelt file table with no rows and no columns gets the "never reads" error with a
/// "did you mean", not the advice to give its columns.
#[test]
fn empty_misspelt_table_names_read_table() {
    let test = r#"
rule = "rule.kql"

[tables.SigninLogs]
rows = [{ UserPrincipalName = "a@contoso.example", ResultType = "0" }]

[tables.SigninLog]
rows = []

[[case]]
name = "success is reported"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("table `SigninLog`, which the rule never reads"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `SigninLogs`?"), "{stdout}");
    assert!(!stdout.contains("give the columns"), "{stdout}");

    // The same for a case's table.
    let test = r#"
rule = "rule.kql"

[tables.SigninLogs]
rows = [{ UserPrincipalName = "a@contoso.example", ResultType = "0" }]

[[case]]
name = "no sign-ins"
tables.SigninLog.rows = []
expect.empty = true
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("the case gives table `SigninLog`, which the rule never reads"),
        "{stdout}"
    );
    assert!(!stdout.contains("give the columns"), "{stdout}");

    // The same when the misspelt table is the only one, so the rule does not bind.
    let test = r#"
rule = "rule.kql"

[tables.SigninLog]
rows = []

[[case]]
name = "no sign-ins"
expect.empty = true
"#;
    let (output, stdout) = run_project(&[("rule.kql", SIGNIN_RULE), ("rule.test.toml", test)]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("but the rule reads table `SigninLogs`"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `SigninLogs`?"), "{stdout}");
    assert!(!stdout.contains("give the columns"), "{stdout}");
}

/// `kql test` has no `--watchlist-key` option, so a watchlist of several columns without
/// a `key` gets the test file's form only. The SearchKey column:
/// learn.microsoft.com/azure/sentinel/watchlists-queries
#[test]
fn keyless_watchlist_names_test_key() {
    let rule = "_GetWatchlist('VIPUsers') | project SearchKey";
    let test = r#"
rule = "rule.kql"

[watchlists]
VIPUsers = "vip.csv"

[[case]]
name = "VIP list is read"
expect.count = 1
"#;
    let (output, stdout) = run_project(&[
        ("rule.kql", rule),
        ("rule.test.toml", test),
        (
            "vip.csv",
            "UserPrincipalName,Department\na@contoso.example,Finance\n",
        ),
    ]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[watchlists] VIPUsers = { file = \"…\", key = \"COLUMN\" }"),
        "{stdout}"
    );
    assert!(!stdout.contains("--watchlist-key"), "{stdout}");
}

/// A rule file with two queries separated by a blank line cannot be tested as one rule, so
/// the error names both queries instead of stopping at the second query's first token.
#[test]
fn rule_with_two_queries_is_an_error() {
    let rule = format!("{SIGNIN_RULE}\n\n{SIGNIN_RULE} | take 1\n");
    let test = r#"
rule = "rule.kql"

[[case]]
name = "sign-in"
tables.SigninLogs.rows = [{ UserPrincipalName = "a@contoso.example", ResultType = "0" }]
expect.count = 1
"#;
    let (output, stdout) = run_project(&[("rule.kql", &rule), ("rule.test.toml", test)]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    let message = format!("{stdout}{stderr}");
    assert!(message.contains("contains 2 queries"), "{message}");
    assert!(message.contains("starting on lines 1 and 3"), "{message}");
}

/// A Sentinel rule tested on a Log Analytics CSV export of DeviceEvents, which contains
/// `AdditionalFields` as JSON text: `product = "sentinel"` gives the column the Sentinel
/// type `dynamic` (learn.microsoft.com/azure/azure-monitor/reference/tables/deviceevents),
/// as `kql run --product sentinel` does.
#[test]
fn product_key_types_fixture_columns() {
    let export = "TimeGenerated [UTC],DeviceName,ActionType,AdditionalFields\n\
        2025-08-29T10:00:00Z,pc-1,PowerShellCommand,\"{\"\"Command\"\":\"\"Invoke-Mimikatz\"\"}\"\n";
    let rule = "DeviceEvents | extend Command = tostring(AdditionalFields.Command) | where Command has \"Mimikatz\" | project DeviceName";
    let test = |product: &str| {
        format!(
            "rule = \"rule.kql\"\nnow = 2025-08-30T00:00:00Z\n{product}\n\
             [tables]\nDeviceEvents = \"DeviceEvents.csv\"\n\n\
             [[case]]\nname = \"mimikatz\"\nexpect.count = 1\n"
        )
    };
    let (output, stdout) = run_project(&[
        ("rule.kql", rule),
        ("DeviceEvents.csv", export),
        ("rule.test.toml", &test("product = \"sentinel\"")),
    ]);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");

    let (output, stdout) = run_project(&[
        ("rule.kql", rule),
        ("DeviceEvents.csv", export),
        ("rule.test.toml", &test("")),
    ]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("product = \"sentinel\""), "{stdout}");
}

/// A table name in the test file that is one letter off the rule's table is misspelt in
/// the test file. The hint must point there, not suggest changing the rule.
#[test]
fn misspelt_test_file_table_named_in_hint() {
    let rule = "DeviceProcessEvents | where FileName == \"a.exe\" | project DeviceName";
    let test = "rule = \"rule.kql\"\n\n[tables.DeviceProcessEvent]\nrows = [{ DeviceName = \"pc\", FileName = \"a.exe\" }]\n\n[[case]]\nname = \"found\"\nexpect.count = 1\n";
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("the test file gives table `DeviceProcessEvent`"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("did you mean `DeviceProcessEvent`"),
        "{stdout}"
    );
}

/// A misspelt column in a case's rows would stay an extra column while the real one stays
/// null, so `expect.empty` could pass whatever the rule does.
#[test]
fn misspelt_fixture_column_is_error() {
    let rule =
        "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" | project DeviceName";
    let catalog = "rule = \"rule.kql\"\n\n[tables.DeviceNetworkEvents]\nrows = [{ DeviceName = \"pc\", ActionTyp = \"ConnectionSuccess\" }]\n\n[[case]]\nname = \"typo\"\nexpect.empty = true\n";
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", catalog)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("did you mean `ActionType`?"), "{stdout}");

    let custom_rule = "Ports_CL | where Port == 22 | project Host";
    let declared = "rule = \"rule.kql\"\n\n[tables.Ports_CL]\ncolumns = { Host = \"string\", Port = \"int\" }\nrows = [{ Host = \"a\", Prt = 22 }]\n\n[[case]]\nname = \"typo\"\nexpect.empty = true\n";
    let (output, stdout) = run_project(&[("rule.kql", custom_rule), ("rule.test.toml", declared)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("column `Prt`"), "{stdout}");
}

/// A fixture that fails to load reports its own error, not a "did you mean" for the very
/// name it has.
#[test]
fn fixture_load_error_is_shown() {
    let rule = "SigninLogs | project UserPrincipalName";
    let test = "rule = \"rule.kql\"\n\n[tables]\nSigninLogs = \"missing.csv\"\n\n[[case]]\nname = \"any\"\nexpect.empty = true\n";
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("missing.csv"), "{stdout}");
    assert!(!stdout.contains("did you mean `SigninLogs`"), "{stdout}");
}

/// A misspelt key in one row is caught although another row spells the column right, and
/// a Sentinel-only table's rows may not carry Defender's `Timestamp` instead of
/// `TimeGenerated`: either way the real column would stay empty for those rows.
#[test]
fn fixture_row_typos_are_errors() {
    let rule =
        "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" | project DeviceName";
    let test = "rule = \"rule.kql\"\n\n[tables.DeviceNetworkEvents]\nrows = [{ DeviceName = \"a\", ActionType = \"ConnectionFailed\" }, { DeviceName = \"b\", ActionTyp = \"ConnectionSuccess\" }]\n\n[[case]]\nname = \"typo\"\nexpect.empty = true\n";
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("row 2: column `ActionTyp`"), "{stdout}");

    let rule = "SigninLogs | where TimeGenerated > ago(1d) | project UserPrincipalName";
    let test = "rule = \"rule.kql\"\nnow = 2025-08-30T00:00:00Z\n\n[tables.SigninLogs]\nrows = [{ Timestamp = \"2025-08-29T12:00:00Z\", UserPrincipalName = \"a@contoso.example\" }]\n\n[[case]]\nname = \"time column\"\nexpect.empty = true\n";
    let (output, stdout) = run_project(&[("rule.kql", rule), ("rule.test.toml", test)]);
    assert_ne!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("time column is `TimeGenerated`"),
        "{stdout}"
    );
}
