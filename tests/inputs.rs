//! Input files as users have them. Every export layout under `tests/fixtures/exports/`
//! loads with the right row count and datetime columns. Every broken file stops the `kql`
//! binary with a one-line error naming the file and line, exit status 2 and no result on
//! standard output.

use std::fs;
use std::path::{Path, PathBuf};

use kql::data::{load_file, LoadOptions};
use kql::value::Type;
use predicates::prelude::*;

use crate::support::{kql_command, project_root};

fn fixture(file_name: &str) -> PathBuf {
    project_root()
        .join("tests/fixtures/exports")
        .join(file_name)
}

/// One fixture: the table it loads as, its row count, and the columns that must be
/// `datetime`.
struct Export {
    file: &'static str,
    table: &'static str,
    rows: usize,
    time_columns: &'static [&'static str],
}

/// The fixtures, one per layout found in public exports. They cover Sentinel
/// `CommonSecurityLog` CSV with and without a byte order mark, `TimeGenerated [UTC]`
/// headers and portal timestamps. Others are CSV written by pandas (an unnamed index
/// column) or Excel (`7/8/2019 16:08`), JSON arrays with ` [UTC]` keys, JSON lines from
/// Log Analytics and the Defender hunting API with type-split columns, and an advanced
/// hunting portal export.
const EXPORTS: &[Export] = &[
    Export {
        file: "cef_akamai_siem.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_cisco_firepower.csv",
        table: "CommonSecurityLog",
        rows: 2,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_forcepoint_casb.csv",
        table: "CommonSecurityLog",
        rows: 4,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_forcepoint_ngfw.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_sonicwall.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_thycotic.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_illusive.csv",
        table: "CommonSecurityLog",
        rows: 2,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_onapsis.csv",
        table: "CommonSecurityLog",
        rows: 2,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_wirex_dns.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_wirex_database.csv",
        table: "CommonSecurityLog",
        rows: 2,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "cef_wirex_http.csv",
        table: "CommonSecurityLog",
        rows: 3,
        time_columns: &["TimeGenerated", "StartTime", "EndTime"],
    },
    Export {
        file: "alert_attack_mapping.csv",
        table: "AlertAttackMapping",
        rows: 3,
        time_columns: &[],
    },
    Export {
        file: "advanced_hunting_union.csv",
        table: "AdvancedHuntingUnion",
        rows: 4,
        time_columns: &[
            "Timestamp",
            "ProcessCreationTime",
            "InitiatingProcessCreationTime",
            "InitiatingProcessParentCreationTime",
        ],
    },
    Export {
        file: "advanced_hunting_union.csv",
        table: "DeviceProcessEvents",
        rows: 4,
        time_columns: &[
            "Timestamp",
            "TimeGenerated",
            "ProcessCreationTime",
            "InitiatingProcessCreationTime",
            "InitiatingProcessParentCreationTime",
        ],
    },
    Export {
        file: "alertlist.csv",
        table: "SecurityAlert",
        rows: 3,
        time_columns: &["StartTimeUtc", "EndTimeUtc", "TimeGenerated"],
    },
    Export {
        file: "az_net_flows.csv",
        table: "AzureNetworkAnalytics_CL",
        rows: 3,
        time_columns: &[
            "TimeGenerated",
            "FlowStartTime",
            "FlowEndTime",
            "FlowIntervalEndTime",
        ],
    },
    Export {
        file: "demo_exchange_data.csv",
        table: "OfficeActivity",
        rows: 2,
        time_columns: &["TimeGenerated"],
    },
    Export {
        file: "host_logons.csv",
        table: "SecurityEvent",
        rows: 3,
        time_columns: &["TimeGenerated"],
    },
    Export {
        file: "processes_on_host.csv",
        table: "SecurityEvent",
        rows: 4,
        time_columns: &["TimeGenerated", "TimeCreatedUtc"],
    },
    Export {
        file: "syslog_data.csv",
        table: "Syslog",
        rows: 3,
        time_columns: &["TimeGenerated", "EventTime"],
    },
    Export {
        file: "syslog_data.csv",
        table: "SyslogCopy",
        rows: 3,
        time_columns: &["TimeGenerated", "EventTime"],
    },
    Export {
        file: "syslog_cisco_ise.json",
        table: "Syslog",
        rows: 3,
        time_columns: &["TimeGenerated", "EventTime"],
    },
    Export {
        file: "syslog_cisco_ise.json",
        table: "SyslogCopy",
        rows: 3,
        time_columns: &["TimeGenerated", "EventTime"],
    },
    Export {
        file: "syslog_infoblox.json",
        table: "Syslog",
        rows: 2,
        time_columns: &["TimeGenerated", "EventTime"],
    },
    Export {
        file: "aad_audit_events.json",
        table: "AuditLogs",
        rows: 3,
        time_columns: &["TimeGenerated", "ActivityDateTime"],
    },
    Export {
        file: "office_activity_event.json",
        table: "OfficeActivity",
        rows: 1,
        time_columns: &["TimeGenerated", "Start_Time", "ElevationTime"],
    },
    Export {
        file: "windows_events.json",
        table: "SecurityEvent",
        rows: 5,
        time_columns: &["TimeGenerated", "TimeCollected", "UtcTime"],
    },
    Export {
        file: "m365_defender_events.json",
        table: "DefenderHuntingExport",
        rows: 3,
        time_columns: &[
            "Timestamp",
            "InitiatingProcessCreationTime",
            "InitiatingProcessParentCreationTime",
        ],
    },
];

#[test]
fn every_export_fixture_is_listed() {
    let listed: Vec<&str> = EXPORTS.iter().map(|export| export.file).collect();
    let entries = fs::read_dir(project_root().join("tests/fixtures/exports"))
        .unwrap_or_else(|error| panic!("cannot list the fixtures: {error}"));
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(listed.contains(&name.as_str()), "{name} is not tested");
    }
}

#[test]
fn exports_load_with_rows_and_datetimes() {
    for export in EXPORTS {
        let path = fixture(export.file);
        let loaded = load_file(export.table, &path, &LoadOptions::default())
            .unwrap_or_else(|error| panic!("{} as {}: {error}", export.file, export.table));
        let label = format!("{} as {}", export.file, export.table);
        assert_eq!(loaded.table.row_count, export.rows, "{label}: rows");
        for column in export.time_columns {
            let ty = loaded.table.schema.field(column).map(|field| field.ty);
            assert_eq!(ty, Some(Type::DateTime), "{label}: type of {column}");
        }
        // The first time column is the record's own time, which every row has.
        if let Some(column) = export.time_columns.first() {
            let values = loaded
                .table
                .column(column)
                .unwrap_or_else(|| panic!("{label}: no column {column}"));
            let nulls = values.iter().filter(|value| value.is_null()).count();
            assert_eq!(nulls, 0, "{label}: null values in {column}");
        }
    }
}

#[test]
fn exports_convert_without_warnings() {
    // The CASB export carries CEF extension text in its StartTime and EndTime columns,
    // which must be reported; every other fixture converts cleanly.
    for export in EXPORTS {
        let loaded = load_file(export.table, &fixture(export.file), &LoadOptions::default())
            .unwrap_or_else(|error| panic!("{}: {error}", export.file));
        let messages: Vec<&str> = loaded
            .warnings
            .iter()
            .map(|warning| warning.message.as_str())
            .collect();
        if export.file == "cef_forcepoint_casb.csv" {
            assert_eq!(messages.len(), 2, "{messages:?}");
            assert!(messages[0].contains("4 values could not be converted to datetime"));
        } else {
            assert!(messages.is_empty(), "{}: {messages:?}", export.file);
        }
    }
}

#[test]
fn split_export_columns_are_merged() {
    let loaded = load_file(
        "DefenderHuntingExport",
        &fixture("m365_defender_events.json"),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let names: Vec<&str> = loaded.table.schema.names().collect();
    for merged in ["ReportId", "AdditionalFields", "UserAgent"] {
        assert!(names.contains(&merged), "{merged} missing from {names:?}");
    }
    assert!(
        !names.iter().any(|name| name.ends_with("_string")),
        "{names:?}"
    );

    let windows = load_file(
        "SecurityEvent",
        &fixture("windows_events.json"),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let names: Vec<&str> = windows.table.schema.names().collect();
    for merged in [
        "EventData",
        "ProcessId",
        "LogonGuid",
        "Protocol",
        "SourcePort",
    ] {
        assert!(names.contains(&merged), "{merged} missing from {names:?}");
    }
}

#[test]
fn portal_csv_time_runs_through_query() {
    kql_command()
        .args([
            "run",
            "-q",
            "CommonSecurityLog | where TimeGenerated > datetime(2020-11-13 16:27:17) \
             | project TimeGenerated, DeviceVendor",
            "--format",
            "csv",
            "--table",
        ])
        .arg(format!(
            "CommonSecurityLog={}",
            fixture("cef_akamai_siem.csv").display()
        ))
        .assert()
        .success()
        .stdout("TimeGenerated,DeviceVendor\n2020-11-13T16:27:17.7660000Z,Akamai\n");
}

// Broken inputs. Each must give exit status 2, one line on standard error that starts
// with `kql: ` and names the file (and the line where there is one), and nothing on
// standard output.

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|error| panic!("cannot create a directory: {error}"))
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap_or_else(|error| panic!("cannot write {name}: {error}"));
    path
}

/// Runs `T | count` over `path` as table `T` and checks the failure contract; returns
/// standard error.
fn load_failure(path: &Path, expected: &str) -> String {
    let output = kql_command()
        .args(["run", "-q", "T | count", "--format", "csv", "--table"])
        .arg(format!("T={}", path.display()))
        .output()
        .unwrap_or_else(|error| panic!("cannot run kql: {error}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout: {:?}", output.stdout);
    assert!(stderr.starts_with("kql: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
    stderr
}

#[test]
fn truncated_json_line_is_error() {
    let dir = temp_dir();
    let path = write(
        &dir,
        "events.jsonl",
        b"{\"A\": 1}\n{\"A\": 2}\n{\"A\": 3, \"B\": \"cut o",
    );
    load_failure(&path, &format!("{}:3", path.display()));
}

#[test]
fn truncated_json_array_is_error() {
    let dir = temp_dir();
    let path = write(&dir, "events.json", b"[\n{\"A\": 1},\n{\"A\": 2\n");
    load_failure(&path, &format!("{}:", path.display()));
}

#[test]
fn invalid_utf8_is_error() {
    let dir = temp_dir();
    let jsonl = write(&dir, "a.jsonl", b"{\"A\": \"ok\"}\n{\"A\": \"\xff\xfe\"}\n");
    load_failure(&jsonl, &format!("{}:2", jsonl.display()));

    let csv = write(&dir, "b.csv", b"A,B\nok,1\n\xc3\x28,2\n");
    load_failure(&csv, &format!("{}:3", csv.display()));

    let response = write(
        &dir,
        "c.json",
        b"{\"Schema\": [{\"Name\": \"A\", \"Type\": \"String\"}],\n\"Results\": [{\"A\": \"\xff\"}]}",
    );
    load_failure(&response, &format!("{}:2", response.display()));
}

#[test]
fn csv_row_field_count_is_error() {
    let dir = temp_dir();
    let extra = write(&dir, "extra.csv", b"A,B\n1,2\n3,4,5\n");
    load_failure(&extra, &format!("{}:3: row has 3 fields", extra.display()));

    let missing = write(&dir, "missing.csv", b"A,B\n1,2\n3\n");
    load_failure(
        &missing,
        &format!("{}:3: row has 1 fields", missing.display()),
    );
}

#[test]
fn empty_file_is_error() {
    let dir = temp_dir();
    for name in ["empty.csv", "empty.json", "empty.jsonl"] {
        let path = write(&dir, name, b"");
        load_failure(&path, &path.display().to_string());
    }
}

#[test]
fn plain_file_named_gz_is_error() {
    let dir = temp_dir();
    let path = write(&dir, "events.jsonl.gz", b"{\"A\": 1}\n");
    load_failure(
        &path,
        "the name ends in .gz, but the file is not gzip-compressed",
    );
}

#[test]
fn directory_as_file_is_error() {
    let dir = temp_dir();
    let path = dir.path().join("events.csv");
    fs::create_dir(&path).unwrap_or_else(|error| panic!("{error}"));
    load_failure(&path, "is a directory, not a file");
}

#[test]
fn missing_file_is_error() {
    let dir = temp_dir();
    let path = dir.path().join("absent.csv");
    load_failure(&path, &format!("file not found: {}", path.display()));
}

#[test]
fn deep_json_nesting_is_error() {
    let dir = temp_dir();
    let mut text = String::from("{\"A\": 1}\n{\"A\": ");
    text.push_str(&"[".repeat(100_000));
    text.push_str(&"]".repeat(100_000));
    text.push_str("}\n");
    let path = write(&dir, "deep.jsonl", text.as_bytes());
    let stderr = load_failure(&path, &format!("{}:2", path.display()));
    assert!(stderr.contains("recursion limit exceeded"), "{stderr}");
}

#[test]
fn too_many_columns_is_error() {
    let dir = temp_dir();
    let header: Vec<String> = (0..=kql::data::MAX_COLUMNS)
        .map(|index| format!("c{index}"))
        .collect();
    let path = write(
        &dir,
        "wide.csv",
        format!("{}\n", header.join(",")).as_bytes(),
    );
    load_failure(
        &path,
        &format!("{}:1: the table has more than", path.display()),
    );
}

#[test]
fn schema_file_errors_exit_two() {
    let dir = temp_dir();
    let schema = write(&dir, "bad.schema", b"table My_CL\nPort:integer\n");
    kql_command()
        .args(["run", "-q", "print 1", "--schema"])
        .arg(&schema)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{}:2: unknown type `integer`",
            schema.display()
        )));

    kql_command()
        .args(["schema", "--schema"])
        .arg(dir.path().join("absent.schema"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("schema file not found"));
}

#[test]
fn schema_option_types_custom_table() {
    let dir = temp_dir();
    let schema = write(
        &dir,
        "my.schema",
        b"table Firewall_CL sentinel\nTimeGenerated:datetime\nPort:int\nAction:string\n",
    );
    let data = write(
        &dir,
        "fw.csv",
        b"TimeGenerated [UTC],Port,Action,Extra\n7/8/2019 16:08,443,allow,x\n",
    );
    kql_command()
        .args(["run", "-q", "Firewall_CL", "--format", "json", "--schema"])
        .arg(&schema)
        .arg("--table")
        .arg(format!("Firewall_CL={}", data.display()))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Port","type":"int"},{"name":"Action","type":"string"},{"name":"Extra","type":"string"}]"#,
        ))
        .stdout(predicate::str::contains(r#"["2019-07-08T16:08:00.0000000Z",443,"allow","x"]"#));

    let query = write(
        &dir,
        "q.kql",
        b"Firewall_CL | where Port > 1 | project Action",
    );
    kql_command()
        .arg("check")
        .arg(&query)
        .arg("--schema")
        .arg(&schema)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
    // Without the schema file the custom table's columns are unknown, so the query passes
    // with a warning that they were not checked.
    kql_command()
        .arg("check")
        .arg(&query)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`Firewall_CL` is a custom table that the catalog does not describe",
        ));
}

#[test]
fn schema_command_prints_tables() {
    kql_command()
        .args(["schema", "DeviceNetworkEvents"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("table DeviceNetworkEvents\n"))
        .stdout(predicate::str::contains("\nRemotePort:int\n"))
        .stdout(predicate::str::contains("\nTimestamp:datetime:xdr\n"));

    let output = kql_command()
        .arg("schema")
        .output()
        .unwrap_or_else(|error| panic!("{error}"));
    let text = String::from_utf8_lossy(&output.stdout);
    let builtin_tables = kql::schema::builtin_names().count();
    assert_eq!(
        text.matches("\ntable ").count() + 1,
        builtin_tables,
        "{text}"
    );

    let dir = temp_dir();
    let schema = write(&dir, "my.schema", b"table My_CL\nA:long\n");
    kql_command()
        .args(["schema", "My_CL", "--schema"])
        .arg(&schema)
        .assert()
        .success()
        .stdout("table My_CL\nA:long\n");

    kql_command()
        .args(["schema", "devicenetworkevents"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "did you mean `DeviceNetworkEvents`?",
        ));
}

#[test]
fn max_rows_stops_large_results() {
    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:long)[1, 2, 3] | where a > 0",
            "--max-rows",
            "2",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "produces 3 rows, more than --max-rows 2",
        ));

    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:long)[1, 2, 3] | where a > 1",
            "--max-rows",
            "2",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout("a\n2\n3\n");
}

// mv-expand checks the limit while it expands, so a huge expansion fails before it
// keeps every row in memory.
#[test]
fn max_rows_stops_mv_expand_early() {
    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:long)[1, 2] | mv-expand x = range(1, 1000000) | count",
            "--max-rows",
            "1000",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "produces more rows than --max-rows 1000",
        ));
}

// A streamed query reads a JSON lines file in chunks, but `--max-rows` counts each
// operator's rows over the whole table, so such queries load the table whole instead.
#[test]
fn max_rows_applies_to_streamed_query() {
    let dir = temp_dir();
    // About 1.5 MB, so that the rows span more than one chunk and no chunk alone passes
    // the limit.
    let padding = "x".repeat(200);
    let rows = (0..6000)
        .map(|row| {
            format!("{{\"DeviceName\":\"d{row}\",\"RemotePort\":443,\"Pad\":\"{padding}\"}}\n")
        })
        .collect::<String>();
    let path = write(&dir, "events.ndjson", rows.as_bytes());
    let table = format!("DeviceNetworkEvents={}", path.display());
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | where RemotePort == 443 | project DeviceName",
            "--table",
            &table,
            "--max-rows",
            "5000",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "produces 6000 rows, more than --max-rows 5000",
        ));
}

// AdditionalFields is `string` in Defender XDR and `dynamic` in Sentinel; a JSON object
// anywhere in the file makes it `dynamic` for the whole table. A streamed `take` stops
// before later chunks, so it must not stream such a column.
#[test]
fn take_sees_dynamic_column_of_whole_file() {
    let dir = temp_dir();
    let mut rows = String::new();
    let padding = "x".repeat(200);
    for row in 0..8000 {
        rows.push_str(&format!(
            "{{\"DeviceName\":\"d{row}\",\"AdditionalFields\":\"{{\\\"a\\\":{row}}}\",\"Pad\":\"{padding}\"}}\n"
        ));
    }
    rows.push_str("{\"DeviceName\":\"last\",\"AdditionalFields\":{\"a\":1}}\n");
    let path = write(&dir, "events.ndjson", rows.as_bytes());
    let table = format!("DeviceNetworkEvents={}", path.display());
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | project AdditionalFields | take 1",
            "--table",
            &table,
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""type":"dynamic""#))
        .stdout(predicate::str::contains(r#"{"a":0}"#));
}

#[test]
fn api_response_file_loads_through_cli() {
    let dir = temp_dir();
    let path = write(
        &dir,
        "response.json",
        br#"{"tables": [{"name": "PrimaryResult",
            "columns": [{"name": "TimeGenerated", "type": "datetime"}, {"name": "n", "type": "int"}],
            "rows": [["2024-01-01T00:00:00Z", 1], ["2024-01-02T00:00:00Z", 2]]}]}"#,
    );
    kql_command()
        .args([
            "run",
            "-q",
            "T | where n > 1",
            "--format",
            "json",
            "--table",
        ])
        .arg(format!("T={}", path.display()))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"n","type":"int"}]"#,
        ))
        .stdout(predicate::str::contains(
            r#"["2024-01-02T00:00:00.0000000Z",2]"#,
        ));
}

#[test]
fn long_string_literal_is_error() {
    let long = "a".repeat(1024 * 1024 + 1);
    kql_command()
        .args(["run", "-", "--format", "csv"])
        .write_stdin(format!("print s = strlen('{long}')"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "<stdin>:1:18: string literal is 1048579 bytes long",
        ))
        .stderr(predicate::str::contains("aaaa").not());

    let within = "a".repeat(1000);
    kql_command()
        .args(["run", "-", "--format", "csv"])
        .write_stdin(format!("print n = strlen('{within}')"))
        .assert()
        .success()
        .stdout("n\n1000\n");
}

/// Lists every line in `src/` that opens files, lists directories, starts processes or
/// opens sockets, so that a new one needs a reviewed entry here. The engine reads only
/// the query file, the data files and folders, the `--schema` files and the GeoIP
/// database that the user names.
#[test]
fn file_access_only_in_known_places() {
    const ACCESS_PATTERNS: [&str; 8] = [
        "fs::read",
        "fs::metadata",
        "fs::read_dir",
        "File::open",
        "File::create",
        "Command::new",
        "TcpStream",
        "UdpSocket",
    ];
    // Each entry reads or writes only a path that the user named. These are a query, table,
    // schema or GeoIP file, an `externaldata` path in the query, a rule test file, its rule
    // or its JUnit report, a REPL `.load` folder being completed or a `.save` file, and a
    // watchlist CSV file or the `watchlists` folder of a `--data` or `.load` folder.
    const ALLOWED: [(&str, &str); 21] = [
        ("src/watchlist.rs", "std::fs::read(path)"),
        ("src/watchlist.rs", "std::fs::metadata(path)"),
        ("src/watchlist.rs", "std::fs::read_dir(&folder)"),
        ("src/cli/mod.rs", "std::fs::read(path)"),
        ("src/repl/complete.rs", "std::fs::read_dir(folder_path)"),
        ("src/repl/complete.rs", "std::fs::metadata(&path)"),
        ("src/repl/mod.rs", "std::fs::File::create(path)"),
        ("src/data/external.rs", "std::fs::File::open(path)"),
        ("src/data/mod.rs", "std::fs::metadata(&path)"),
        ("src/data/mod.rs", "std::fs::metadata(path)"),
        ("src/ruletest/spec.rs", "std::fs::read_to_string(path)"),
        ("src/ruletest/rule.rs", "std::fs::read_to_string(path)"),
        ("src/ruletest/junit.rs", "std::fs::File::create(path)"),
        ("src/ruletest/discover.rs", "std::fs::metadata(path)"),
        ("src/ruletest/discover.rs", "std::fs::read_dir(&dir)"),
        ("src/ruletest/runner.rs", "std::fs::read_to_string(path)"),
        ("src/schema/mod.rs", "std::fs::read(path)"),
        ("src/geo/mod.rs", "std::fs::read(path)"),
        ("src/data/mod.rs", "std::fs::metadata("),
        ("src/data/mod.rs", "std::fs::read_dir(dir)"),
        ("src/data/mod.rs", "File::open(path)"),
    ];
    let mut found = Vec::new();
    let mut pending = vec![project_root().join("src")];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|error| panic!("{error}"));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let is_test_file = path.file_name().is_some_and(|name| name == "tests.rs");
            if path.extension().is_none_or(|extension| extension != "rs") || is_test_file {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap_or_default();
            // Unit tests at the end of a file may write temporary files.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let relative = path
                .strip_prefix(project_root())
                .unwrap_or(&path)
                .display()
                .to_string();
            for line in code.lines() {
                if ACCESS_PATTERNS.iter().any(|pattern| line.contains(pattern)) {
                    found.push((relative.clone(), line.trim().to_string()));
                }
            }
        }
    }
    for (file, line) in &found {
        let allowed = ALLOWED
            .iter()
            .any(|(allowed_file, fragment)| file == allowed_file && line.contains(fragment));
        assert!(
            allowed,
            "unreviewed file or network access in {file}: {line}"
        );
    }
    // The scan must find the known accesses, or it is not reading the sources.
    assert!(found.len() >= 10, "{found:?}");
}

/// A Log Analytics CSV export of DeviceEvents: `TimeGenerated [UTC]` and
/// `AdditionalFields` as JSON text, which Sentinel types `dynamic`
/// (learn.microsoft.com/azure/azure-monitor/reference/tables/deviceevents).
const SENTINEL_DEVICE_EVENTS: &str = "TimeGenerated [UTC],DeviceName,ActionType,AdditionalFields\n\
    2025-01-01T00:00:00Z,pc-1,PowerShellCommand,\"{\"\"Command\"\":\"\"Invoke-Mimikatz\"\"}\"\n";

const COMMAND_QUERY: &str =
    "DeviceEvents | extend Command = tostring(AdditionalFields.Command) | project DeviceName, Command";

#[test]
fn product_sentinel_types_additional_fields() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("DeviceEvents.csv");
    fs::write(&path, SENTINEL_DEVICE_EVENTS).expect("export");
    let table = format!("DeviceEvents={}", path.display());
    kql_command()
        .args(["run", "-q", COMMAND_QUERY, "--table", &table])
        .args(["--product", "sentinel", "--format", "csv"])
        .assert()
        .success()
        .stdout("DeviceName,Command\npc-1,Invoke-Mimikatz\n");
    // Without it the column keeps the Defender XDR type, and the error names the option,
    // whichever operator or function needs the dynamic value.
    for query in [COMMAND_QUERY, "DeviceEvents | mv-expand AdditionalFields"] {
        kql_command()
            .args(["run", "-q", query, "--table", &table, "--format", "csv"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--product sentinel"));
    }
}

#[test]
fn product_sentinel_streams_json_lines() {
    // A JSON lines file under `take` is read in chunks, with the schema predicted from the
    // product's types before reading. The result must match a full load.
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("DeviceEvents.jsonl");
    let line = r#"{"TimeGenerated":"2025-01-01T00:00:00Z","DeviceName":"pc-1","AdditionalFields":"{\"Command\":\"whoami\"}"}"#;
    fs::write(&path, format!("{line}\n{line}\n")).expect("export");
    let table = format!("DeviceEvents={}", path.display());
    let query = format!("{COMMAND_QUERY} | take 1");
    kql_command()
        .args(["run", "-q", &query, "--table", &table])
        .args(["--product", "sentinel", "--format", "csv"])
        .assert()
        .success()
        .stdout("DeviceName,Command\npc-1,whoami\n");
}

/// A union that split a column into `Amount_decimal` and `Amount_real` parts is exported
/// that way. Merging the parts must not turn the exact decimals into reals, because
/// 12345678901234567890.1 and 12345678901234567890.2 are the same real.
#[test]
fn split_decimal_column_stays_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("Split_CL.csv");
    fs::write(
        &path,
        "Id,Amount_decimal,Amount_real\na,12345678901234567890.1,\nb,12345678901234567890.2,\nc,,0.5\n",
    )
    .expect("export");
    let table = format!("Split_CL={}", path.display());
    kql_command()
        .args([
            "run",
            "-q",
            "Split_CL | join kind=inner (Split_CL) on Amount | count",
        ])
        .args(["--table", &table, "--format", "csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`decimal`"));
}

/// A portal export whose time column header notes local time contains times without an
/// offset. Reading them as UTC would shift every time filter, so loading stops.
#[test]
fn local_time_header_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("SigninLogs.csv");
    fs::write(
        &path,
        "TimeGenerated [Local Time],UserPrincipalName\n2025-08-29T10:00:00,a@contoso.example\n",
    )
    .expect("export");
    let table = format!("SigninLogs={}", path.display());
    kql_command()
        .args([
            "run",
            "-q",
            "SigninLogs | count",
            "--table",
            &table,
            "--format",
            "csv",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SigninLogs.csv:1"))
        .stderr(predicate::str::contains("`Local Time`"))
        .stderr(predicate::str::contains("[UTC]"));
}
