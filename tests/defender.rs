//! Defender XDR functions computed from a loaded table: `FileProfile()` and
//! `DeviceFromIP()`, run through the binary with the tables in `examples/enrichment`.
//!
//! Expected values follow the functions' reference pages:
//! learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function and
//! learn.microsoft.com/defender-xdr/advanced-hunting-devicefromip-function.

use std::fs;

use predicates::prelude::*;
use serde_json::Value as Json;

use crate::support::{kql_command, project_root};

const KNOWN_SHA1: &str = "89e6c98d92887913cadf06b2adb97f26cde4849b";
const KNOWN_SHA256: &str = "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f";
const UNKNOWN_SHA1: &str = "0000000000000000000000000000000000000001";

/// Runs `query` with the example enrichment tables loaded and returns the JSON result.
fn run_with_enrichment(query: &str) -> Json {
    let output = kql_command()
        .current_dir(project_root())
        .args([
            "run",
            "--data",
            "examples/enrichment",
            "--format",
            "json",
            "-q",
        ])
        .arg(query)
        .output()
        .expect("run kql");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON result")
}

/// Runs `query` with the example enrichment tables loaded and expects it to fail with `code`.
fn run_failing(query: &str, code: i32) -> assert_cmd::assert::Assert {
    kql_command()
        .current_dir(project_root())
        .args(["run", "--data", "examples/enrichment", "-q"])
        .arg(query)
        .assert()
        .code(code)
}

fn column_names(result: &Json) -> Vec<String> {
    result["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|column| column["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Returns the value in `column` of every row.
fn column(result: &Json, column: &str) -> Vec<Json> {
    let position = column_names(result)
        .iter()
        .position(|name| name == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    result["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row[position].clone())
        .collect()
}

// FileProfile() keeps every input row and adds the profile columns. A hash the table has
// gets its profile, a well-formed hash it lacks gets ProfileAvailability "Missing" (the
// profile was queried but no file found), and an empty or invalid file ID gets an empty
// ProfileAvailability (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
#[test]
fn file_profile_enriches_by_sha1() {
    let result = run_with_enrichment(&format!(
        "datatable(SHA1:string, Row:long)['{KNOWN_SHA1}', 1, '{UNKNOWN_SHA1}', 2, '', 3, 'not-a-hash', 4] \
         | invoke FileProfile()"
    ));
    assert_eq!(column(&result, "Row"), [1, 2, 3, 4]);
    assert_eq!(
        column(&result, "ProfileAvailability"),
        ["Available", "Missing", "", ""]
    );
    assert_eq!(
        column(&result, "GlobalPrevalence"),
        [json(3), Json::Null, Json::Null, Json::Null]
    );
    assert_eq!(
        column(&result, "ThreatName")[0],
        "Trojan:Win32/Example.A!ml"
    );
    assert_eq!(column(&result, "IsExecutable")[0], true);
    assert_eq!(
        column(&result, "GlobalFirstSeen")[0],
        "2025-08-27T14:02:11.0000000Z"
    );
    assert_eq!(column(&result, "SHA1")[1], UNKNOWN_SHA1);
}

fn json(value: i64) -> Json {
    Json::from(value)
}

// The added columns follow the input's, in the order and with the types of the
// reference page's table. The key column keeps its place in the input.
#[test]
fn file_profile_output_columns_and_types() {
    let result = run_with_enrichment(&format!(
        "datatable(Row:long, SHA1:string)[1, '{KNOWN_SHA1}'] | invoke FileProfile(SHA1, 10)"
    ));
    let names = column_names(&result);
    assert_eq!(names[..3], ["Row", "SHA1", "SHA256"]);
    assert_eq!(
        names.last().map(String::as_str),
        Some("ProfileAvailability")
    );
    assert_eq!(names.len(), 2 + 17);
    let types: Vec<&str> = result["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|column| column["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(types[4], "int", "FileSize");
    assert_eq!(types[6], "datetime", "GlobalFirstSeen");
    assert_eq!(types[11], "bool", "IsCertificateValid");
}

// The first argument names the file ID column, as a column or as a string. SHA256 and
// InitiatingProcess columns look the profile up by their hash kind.
#[test]
fn file_profile_key_column_forms() {
    let by_sha256 = run_with_enrichment(&format!(
        "datatable(InitiatingProcessSHA256:string)['{KNOWN_SHA256}'] \
         | invoke FileProfile('InitiatingProcessSHA256', 1000) | project SHA1, Publisher"
    ));
    assert_eq!(
        column(&by_sha256, "SHA1"),
        ["3f786850e387550fdab836ed7e6dc881de23001b"]
    );
    assert_eq!(column(&by_sha256, "Publisher"), ["Microsoft Corporation"]);

    let by_name = run_with_enrichment(&format!(
        "datatable(InitiatingProcessSHA1:string)['{KNOWN_SHA1}'] \
         | invoke FileProfile(InitiatingProcessSHA1) | project SignatureState"
    ));
    assert_eq!(column(&by_name, "SignatureState"), ["Unsigned"]);
}

#[test]
fn file_profile_without_table_names_file() {
    kql_command()
        .args(["run", "-q"])
        .arg(format!(
            "datatable(SHA1:string)['{KNOWN_SHA1}'] | invoke FileProfile()"
        ))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("FileProfile.csv"))
        .stderr(predicate::str::contains("GlobalPrevalence:int"));
}

// Past its record limit (default 100) FileProfile leaves rows without a profile, but the
// reference page does not state which rows, so more input rows than the limit are rejected.
#[test]
fn file_profile_over_limit_is_rejected() {
    run_failing(
        "range i from 1 to 101 step 1 | extend SHA1 = '' | invoke FileProfile()",
        1,
    )
    .stderr(predicate::str::contains("at most 100 records"));
    let result = run_with_enrichment(
        "range i from 1 to 101 step 1 | extend SHA1 = '' | invoke FileProfile(SHA1, 101) | count",
    );
    assert_eq!(result["rows"][0][0], 101);
    run_failing(
        "range i from 1 to 1001 step 1 | extend SHA1 = '' | invoke FileProfile(SHA1, 10000)",
        1,
    )
    .stderr(predicate::str::contains("at most 1000 records"));
}

// The reference page allows a limit of 1 to 1000. A larger limit is accepted, because
// published queries pass 10000, and counts as 1000, the engine's own choice:
// `file_profile_over_limit_is_rejected` shows 1001 rows failing under a limit of 10000.
#[test]
fn file_profile_limit_capped_at_1000() {
    let result = run_with_enrichment(
        "range i from 1 to 1000 step 1 | extend SHA1 = '' | invoke FileProfile(SHA1, 5000) | count",
    );
    assert_eq!(result["rows"][0][0], 1000);
}

#[test]
fn file_profile_rejects_undocumented_cases() {
    run_failing(
        "datatable(SHA1:string)['89E6C98D92887913CADF06B2ADB97F26CDE4849B'] | invoke FileProfile()",
        1,
    )
    .stderr(predicate::str::contains("tolower(SHA1)"));
    run_failing(
        &format!("datatable(SHA1:string, MD5:string)['{KNOWN_SHA1}', ''] | invoke FileProfile()"),
        1,
    )
    .stderr(predicate::str::contains("project-away MD5"));
}

#[test]
fn file_profile_table_with_repeated_hash() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let table = dir.path().join("FileProfile.csv");
    fs::write(
        &table,
        format!("SHA1,GlobalPrevalence\n{KNOWN_SHA1},1\n{KNOWN_SHA1},2\n"),
    )
    .expect("write table");
    kql_command()
        .args(["run", "--table"])
        .arg(format!("FileProfile={}", table.display()))
        .arg("-q")
        .arg(format!(
            "datatable(SHA1:string)['{KNOWN_SHA1}'] | invoke FileProfile()"
        ))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rows 1 and 2"));
}

/// Runs `query` with `csv` loaded as the FileProfile table.
fn run_with_profile_table(csv: &str, query: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("temporary directory");
    let table = dir.path().join("profiles.csv");
    fs::write(&table, csv).expect("write table");
    kql_command()
        .args(["run", "--format", "json", "--table"])
        .arg(format!("FileProfile={}", table.display()))
        .arg("-q")
        .arg(query)
        .assert()
}

// The lookup takes only lower-case hashes of the right length, so a hash of another form
// in the supplied table could never match. It is an input error that names the row and
// column, instead of a silent "Missing".
#[test]
fn file_profile_table_with_unmatchable_hash() {
    let upper = KNOWN_SHA1.to_uppercase();
    run_with_profile_table(
        &format!("SHA1,GlobalPrevalence\n{UNKNOWN_SHA1},1\n{upper},2\n"),
        &format!("datatable(SHA1:string)['{KNOWN_SHA1}'] | invoke FileProfile()"),
    )
    .code(2)
    .stderr(predicate::str::contains(format!(
        "`{upper}` in column `SHA1` on row 2"
    )))
    .stderr(predicate::str::contains("lower-case the `SHA1` values"));

    run_with_profile_table(
        "SHA1,SHA256\n,0263829989b6fd954f72\n",
        &format!("datatable(SHA256:string)['{KNOWN_SHA256}'] | invoke FileProfile(SHA256)"),
    )
    .code(2)
    .stderr(predicate::str::contains("column `SHA256` on row 1"))
    .stderr(predicate::str::contains("64 hexadecimal digits"));
}

// Available means "profile was successfully queried and file data returned", so a found
// row whose table leaves ProfileAvailability empty gets it, and a value the table gives
// is kept (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function).
#[test]
fn file_profile_availability_of_found_rows() {
    let query = format!(
        "datatable(SHA1:string)['{KNOWN_SHA1}', '{UNKNOWN_SHA1}'] \
         | invoke FileProfile() | project ProfileAvailability"
    );
    let cases = [
        (format!("SHA1\n{KNOWN_SHA1}\n"), "Available"),
        (
            format!("SHA1,ProfileAvailability\n{KNOWN_SHA1},\n"),
            "Available",
        ),
        (
            format!("SHA1,ProfileAvailability\n{KNOWN_SHA1},Error\n"),
            "Error",
        ),
    ];
    for (csv, expected) in cases {
        let output = run_with_profile_table(&csv, &query).success();
        let result: Json =
            serde_json::from_slice(&output.get_output().stdout).expect("JSON result");
        assert_eq!(
            column(&result, "ProfileAvailability"),
            [expected, "Missing"],
            "table:\n{csv}"
        );
    }
}

// FileProfile() returns only the columns of its reference page, so other columns of the
// supplied table are left out, with a warning that names them.
#[test]
fn file_profile_table_extra_columns_warn() {
    run_with_profile_table(
        &format!("SHA1,GlobalPrevalance,Notes\n{KNOWN_SHA1},3,seen twice\n"),
        &format!("datatable(SHA1:string)['{KNOWN_SHA1}'] | invoke FileProfile() | project GlobalPrevalence"),
    )
    .success()
    .stdout(predicate::str::contains("[null]"))
    .stderr(predicate::str::contains("kql: warning:"))
    .stderr(predicate::str::contains(
        "`GlobalPrevalance` (did you mean `GlobalPrevalence`?), `Notes`",
    ));
}

// `kql check` needs no table: the output columns are documented, so they are
// type-checked, and a misspelled one is an unknown name.
#[test]
fn file_profile_check_without_data() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let good = dir.path().join("good.kql");
    fs::write(
        &good,
        "DeviceNetworkEvents\n| invoke FileProfile(InitiatingProcessSHA1, 1000)\n\
         | where GlobalPrevalence < 50 and IsExecutable and GlobalFirstSeen > ago(7d)\n",
    )
    .expect("write query");
    kql_command().arg("check").arg(&good).assert().success();

    let typo = dir.path().join("typo.kql");
    fs::write(
        &typo,
        "DeviceNetworkEvents | invoke FileProfile(InitiatingProcessSHA1) | where GlobalPrevalance < 5\n",
    )
    .expect("write query");
    kql_command()
        .arg("check")
        .arg(&typo)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `GlobalPrevalence`?"));

    let conflict = dir.path().join("conflict.kql");
    fs::write(&conflict, "DeviceFileEvents | invoke FileProfile()\n").expect("write query");
    kql_command()
        .arg("check")
        .arg(&conflict)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a query result with the column `FileSize` is not supported yet",
        ));
}

/// Splits a shell command line into words, taking text in single quotes as one word, as
/// POSIX shells do for the commands in README.md.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

// README.md shows a FileProfile() query over the example DeviceFileEvents.csv. The test
// runs the command as README.md writes it. Its one low-prevalence file (GlobalPrevalence 3
// in examples/enrichment/FileProfile.csv) has two names in the events.
#[test]
fn readme_file_profile_example_runs() {
    let readme = fs::read_to_string(project_root().join("README.md")).expect("read README.md");
    let command = readme
        .lines()
        .find(|line| line.starts_with("kql run") && line.contains("invoke FileProfile("))
        .expect("README.md has a FileProfile command");
    let words = shell_words(command);
    assert_eq!(words[..2], ["kql", "run"], "{command}");
    let output = kql_command()
        .current_dir(project_root())
        .args(&words[1..])
        .args(["--format", "json"])
        .assert()
        .success();
    assert_eq!(
        rows(&output),
        serde_json::json!([["invoice_2025.exe"], ["svchelper.exe"]])
    );
}

/// A DeviceFileEvents export whose SHA256, MD5 and FileSize columns clash with the
/// profile's. Its first two hashes are in examples/enrichment/FileProfile.csv, where the
/// second belongs to a file that Microsoft signed, and the third is not.
const FILE_EVENTS_CSV: &str = "\
Timestamp,DeviceName,FileName,SHA1,SHA256,MD5,FileSize
2025-08-28T10:00:00Z,pc1,evil.exe,89e6c98d92887913cadf06b2adb97f26cde4849b,1111111111111111111111111111111111111111111111111111111111111111,11111111111111111111111111111111,100
2025-08-28T11:00:00Z,pc2,notepad.exe,3f786850e387550fdab836ed7e6dc881de23001b,2222222222222222222222222222222222222222222222222222222222222222,22222222222222222222222222222222,200
2025-08-28T12:00:00Z,pc3,new.exe,0000000000000000000000000000000000000001,3333333333333333333333333333333333333333333333333333333333333333,33333333333333333333333333333333,300
";

/// Runs `kql COMMAND` on `query` with FILE_EVENTS_CSV loaded as DeviceFileEvents and the
/// example FileProfile table. The table is loaded alone, because `--data
/// examples/enrichment` would append that folder's DeviceFileEvents.csv to these rows.
fn run_on_file_events(command: &str, query: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = dir.path().join("DeviceFileEvents.csv");
    fs::write(&events, FILE_EVENTS_CSV).expect("write table");
    let query_file = dir.path().join("query.kql");
    fs::write(&query_file, query).expect("write query");
    let mut kql = kql_command();
    kql.current_dir(project_root()).arg(command);
    if command == "run" {
        kql.args([
            "--format",
            "json",
            "--table",
            "FileProfile=examples/enrichment/FileProfile.csv",
            "--table",
        ])
        .arg(format!("DeviceFileEvents={}", events.display()));
    }
    kql.arg(&query_file).assert()
}

/// Returns the rows of a JSON result.
fn rows(output: &assert_cmd::assert::Assert) -> Json {
    let result: Json = serde_json::from_slice(&output.get_output().stdout).expect("JSON result");
    result["rows"].clone()
}

// The input's SHA256, MD5 and FileSize clash with the profile's columns, and the
// reference page does not state which values the output holds under those names
// (learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function). A query
// that never reads them has one result either way, so it runs.
#[test]
fn file_profile_clashing_columns_dropped() {
    let filtered = "DeviceFileEvents\n\
        | invoke FileProfile(SHA1, 1000)\n\
        | where GlobalPrevalence <= 50\n\
        | join kind=leftouter (DeviceFileEvents | project SHA1, DeviceName) on SHA1\n\
        | distinct FileName\n";
    let output = run_on_file_events("run", filtered).success();
    assert_eq!(rows(&output), serde_json::json!([["evil.exe"]]));
    run_on_file_events("check", filtered).success();

    let projected = "DeviceFileEvents | invoke FileProfile(SHA1, 1000)\n\
        | project FileName, GlobalPrevalence, ProfileAvailability, Publisher\n\
        | order by FileName asc\n";
    let output = run_on_file_events("run", projected).success();
    assert_eq!(
        rows(&output),
        serde_json::json!([
            ["evil.exe", 3, "Available", ""],
            ["new.exe", null, "Missing", ""],
            ["notepad.exe", 1520000, "Available", "Microsoft Corporation"],
        ])
    );

    // Renaming the input's columns first removes the clash, and both values show.
    let renamed = "DeviceFileEvents\n\
        | project-rename EventSHA256 = SHA256, EventMD5 = MD5, EventFileSize = FileSize\n\
        | invoke FileProfile(SHA1, 1000)\n\
        | where FileName == 'notepad.exe'\n\
        | project EventFileSize, FileSize, EventSHA256, SHA256\n";
    let output = run_on_file_events("run", renamed).success();
    assert_eq!(
        rows(&output),
        serde_json::json!([[
            200,
            73216,
            "2222222222222222222222222222222222222222222222222222222222222222",
            "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f"
        ]])
    );
}

// Reading a clashing column, or showing every column, would pick one of the readings
// that the reference page leaves open, so `kql run` and `kql check` both reject it.
#[test]
fn file_profile_clashing_columns_rejected() {
    let cases = [
        (
            "| where MD5 != '' | distinct FileName",
            "reading `MD5` is not supported yet",
        ),
        (
            "| summarize count() by MD5",
            "reading `MD5` is not supported yet",
        ),
        (
            "| where GlobalPrevalence <= 50",
            "a query result with the column `MD5` is not supported yet",
        ),
        (
            "| project-away MD5",
            "a query result with the column `MD51` is not supported yet",
        ),
        ("| extend Row = pack_all() | project Row", "`pack_all()`"),
    ];
    for (operators, message) in cases {
        let query = format!("DeviceFileEvents | project FileName, SHA1, MD5 | invoke FileProfile(SHA1, 1000) {operators}\n");
        for command in ["run", "check"] {
            run_on_file_events(command, &query)
                .code(1)
                .stderr(predicate::str::contains(message))
                .stderr(predicate::str::contains("project-away MD5"));
        }
    }
}

// DeviceFromIP() returns the columns IP and DeviceId: one row per device assigned to an
// address, none for an address without devices
// (learn.microsoft.com/defender-xdr/advanced-hunting-devicefromip-function).
#[test]
fn device_from_ip_lists_assigned_devices() {
    let result = run_with_enrichment(
        "datatable(LocalIP:string)['10.1.4.21', '192.0.2.1', '10.1.4.20'] \
         | project IP = LocalIP | invoke DeviceFromIP() | order by DeviceId asc",
    );
    assert_eq!(column_names(&result), ["IP", "DeviceId"]);
    assert_eq!(
        column(&result, "IP"),
        ["10.1.4.21", "10.1.4.20", "10.1.4.21"]
    );
    assert_eq!(
        column(&result, "DeviceId"),
        [
            "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
            "4b6f2e8a0c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f",
            "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
        ]
    );
}

#[test]
fn device_from_ip_rejects_repeated_address() {
    run_failing(
        "datatable(Address:string)['10.1.4.21', '10.1.4.21'] | invoke DeviceFromIP(Address)",
        1,
    )
    .stderr(predicate::str::contains("distinct Address"));
}
