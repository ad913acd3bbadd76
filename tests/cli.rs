//! The `kql` binary, run the way a user runs it.

use std::fs;

use predicates::prelude::*;

use crate::support::{kql_command, project_root};

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

#[test]
fn query_from_command_line_as_json() {
    kql_command()
        .args(["run", "-q", "print x = 1, s = 'a'", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#"{"columns":[{"name":"x","type":"long"},{"name":"s","type":"string"}]"#,
        ))
        .stdout(predicate::str::contains(r#"[1,"a"]"#));
}

#[test]
fn query_from_standard_input() {
    kql_command()
        .args(["run", "-", "--format", "csv"])
        .write_stdin("print n = 2 + 3")
        .assert()
        .success()
        .stdout("n\n5\n");
}

#[test]
fn table_format_shows_row_count() {
    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:long)[1, 2] | where a > 0",
            "--format",
            "table",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 rows"));
}

#[test]
fn ndjson_format_one_object_per_line() {
    kql_command()
        .args([
            "run",
            "-q",
            "datatable(a:long, b:bool)[1, true, 2, bool(null)]",
            "--format",
            "ndjson",
        ])
        .assert()
        .success()
        .stdout("{\"a\":1,\"b\":true}\n{\"a\":2,\"b\":null}\n");
}

#[test]
fn syntax_error_shows_position_and_caret() {
    kql_command()
        .args(["run", "-q", "print x = 1\n| whre x > 0"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("<query>:2:3"))
        .stderr(predicate::str::contains("2 | | whre x > 0"))
        .stderr(predicate::str::contains("  |   ^^^^"))
        .stderr(predicate::str::contains("did you mean `where`?"));
}

#[test]
fn unsupported_operator_exits_one() {
    kql_command()
        .args(["run", "-q", "print x = 1 | reduce by x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "operator `reduce` is not supported yet",
        ));
}

#[test]
fn unknown_table_names_loaded_tables() {
    let dir = temp_dir();
    fs::write(dir.path().join("Events.jsonl"), "{\"a\":1}\n").expect("write fixture");
    kql_command()
        .args(["run", "-q", "Event | count", "--data"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("table `Event` not found"))
        .stderr(predicate::str::contains("did you mean `Events`?"));
}

// DeviceFileEvents is a catalog table, so the likely cause is a missing export, and the
// error names the options that load one instead of only listing the loaded tables.
#[test]
fn unloaded_catalog_table_names_load_options() {
    kql_command()
        .current_dir(project_root())
        .args(["run", "-q", "DeviceFileEvents | take 1", "--data", "examples/data"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("table `DeviceFileEvents` not found"))
        .stderr(predicate::str::contains(
            "`DeviceFileEvents` is a Defender XDR and Microsoft Sentinel table, but its export is not loaded",
        ))
        .stderr(predicate::str::contains("--table DeviceFileEvents=FILE"))
        .stderr(predicate::str::contains("known tables: DeviceNetworkEvents"));
}

#[test]
fn missing_query_file_is_usage_error() {
    kql_command()
        .args(["run", "no-such-query.kql"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-query.kql"));
}

#[test]
fn missing_table_file_is_input_error() {
    kql_command()
        .args(["run", "-q", "T | count", "--table", "T=/no/such/file.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("/no/such/file.json"));
}

#[test]
fn broken_json_line_names_file_and_line() {
    let dir = temp_dir();
    let path = dir.path().join("T.jsonl");
    fs::write(&path, "{\"a\":1}\n{\"a\":\n{\"a\":3}\n").expect("write fixture");
    kql_command()
        .args(["run", "-q", "T | count", "--table"])
        .arg(format!("T={}", path.display()))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("T.jsonl:2"));
}

#[test]
fn table_option_needs_name_and_path() {
    kql_command()
        .args(["run", "-q", "T | count", "--table", "just-a-path.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NAME=PATH"));
}

#[test]
fn now_option_pins_the_clock() {
    kql_command()
        .args([
            "run",
            "-q",
            "print t = ago(1d)",
            "--now",
            "2025-08-30T00:00:00Z",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout("t\n2025-08-29T00:00:00.0000000Z\n");
}

#[test]
fn invalid_now_is_usage_error() {
    kql_command()
        .args(["run", "-q", "print 1", "--now", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--now"));
}

#[test]
fn missing_geoip_database_is_reported() {
    kql_command()
        .args([
            "run",
            "-q",
            "print g = geo_info_from_ip_address('8.8.8.8')",
            "--geoip-db",
            "/no/such.mmdb",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/no/such.mmdb"));
}

#[test]
fn check_accepts_published_query() {
    kql_command()
        .current_dir(project_root())
        .args(["check", "queries/mde-suspicious-tcp-flags.kql"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "queries/mde-suspicious-tcp-flags.kql: ok",
        ));
}

/// `-` reads the query from standard input, as for `kql run -`; errors name `<stdin>`.
#[test]
fn check_reads_query_from_command_line() {
    kql_command()
        .args([
            "check",
            "-q",
            "DeviceNetworkEvents | where RemoteIp == '1.2.3.4'",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<query>:1:"))
        .stderr(predicate::str::contains("did you mean `RemoteIP`?"));
    kql_command()
        .args(["check", "-q", "print 1; print 2"])
        .assert()
        .success()
        .stdout("<query>: ok (2 queries)\n");
}

#[test]
fn check_reads_query_from_stdin() {
    kql_command()
        .args(["check", "-"])
        .write_stdin("DeviceNetworkEvents | where RemoteIP == '1.2.3.4'\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("<stdin>: ok"));
    kql_command()
        .args(["check", "-"])
        .write_stdin("DeviceNetworkEvents | where RemoteIp == '1.2.3.4'\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>:1:"))
        .stderr(predicate::str::contains("did you mean `RemoteIP`?"));
    kql_command()
        .args(["check", "-", "-"])
        .write_stdin("DeviceNetworkEvents\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("given more than once"));
}

#[test]
fn check_rejects_unknown_column() {
    let dir = temp_dir();
    let path = dir.path().join("bad.kql");
    fs::write(
        &path,
        "DeviceNetworkEvents\n| where RemoteIp == '1.2.3.4'\n",
    )
    .expect("write query");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `RemoteIP`?"));
}

/// Runs `kql check` on `query` with `extra` arguments and returns the assertion.
fn check_query(query: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let dir = temp_dir();
    let path = dir.path().join("rule.kql");
    fs::write(&path, query).expect("write query");
    kql_command().arg("check").args(extra).arg(&path).assert()
}

// `AdditionalFields` of DeviceEvents is `string` in Defender XDR advanced hunting and
// `dynamic` in the Sentinel table
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/deviceevents).
const SENTINEL_TYPED_QUERY: &str = "DeviceEvents | where AdditionalFields.Experience == 'x'\n";

// `ConnectivityType` is a DeviceInfo column in Defender XDR only
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-deviceinfo-table).
const XDR_ONLY_QUERY: &str = "DeviceInfo | where ConnectivityType == 'Streamlined'\n";

#[test]
fn check_accepts_either_product_by_default() {
    check_query(SENTINEL_TYPED_QUERY, &[]).success();
    check_query(XDR_ONLY_QUERY, &[]).success();
}

#[test]
fn check_product_xdr_uses_xdr_types() {
    check_query(SENTINEL_TYPED_QUERY, &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains("needs a dynamic value"));
    check_query(XDR_ONLY_QUERY, &["--product", "xdr"]).success();
}

#[test]
fn check_product_sentinel_omits_xdr_columns() {
    check_query(SENTINEL_TYPED_QUERY, &["--product", "sentinel"]).success();
    check_query(XDR_ONLY_QUERY, &["--product", "sentinel"])
        .code(1)
        .stderr(predicate::str::contains(
            "`ConnectivityType` does not refer",
        ));
}

#[test]
fn check_product_xdr_lacks_sentinel_tables() {
    check_query("SigninLogs | take 1\n", &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains(
            "table `SigninLogs` is not available with --product xdr: it is a Microsoft \
             Sentinel table",
        ))
        .stderr(predicate::str::contains("check it with --product sentinel"));
    check_query("SigninLogs | take 1\n", &["--product", "sentinel"]).success();
}

// Defender XDR tables carry `Timestamp`, and their copies in Log Analytics `TimeGenerated`
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-microsoft-defender), so a
// query written for the other product gets a hint that names the right column.
#[test]
fn check_product_names_other_time_column() {
    check_query(
        "DeviceNetworkEvents | where Timestamp > ago(1d)\n",
        &["--product", "sentinel"],
    )
    .code(1)
    .stderr(predicate::str::contains(
        "Sentinel copies have TimeGenerated",
    ));
    check_query(
        "DeviceNetworkEvents | where TimeGenerated > ago(1d)\n",
        &["--product", "xdr"],
    )
    .code(1)
    .stderr(predicate::str::contains("advanced hunting has Timestamp"));
}

// Log Analytics queries Azure Resource Graph with `arg("")`
// (https://learn.microsoft.com/azure/azure-monitor/logs/azure-monitor-data-explorer-proxy),
// so its tables belong to --product sentinel, which covers Log Analytics, and `kql check`,
// which loads no tables, must not suggest --table.
#[test]
fn check_product_xdr_explains_resource_graph() {
    for query in ["arg(\"\").Resources | take 1\n", "Resources | take 1\n"] {
        check_query(query, &["--product", "xdr"])
            .code(1)
            .stderr(predicate::str::contains(
                "the Azure Resource Graph table `Resources` is not available with --product \
                 xdr: Azure Resource Graph is queried from a Log Analytics workspace",
            ))
            .stderr(predicate::str::contains("--table").not());
        check_query(query, &["--product", "sentinel"]).success();
    }
}

// Custom tables are Log Analytics tables
// (https://learn.microsoft.com/azure/azure-monitor/logs/create-custom-table); the warning
// of `kql check` names `kql run` for loading one.
#[test]
fn check_custom_table_hint_names_run() {
    check_query("Firewall_CL | take 1\n", &["--product", "xdr"])
        .success()
        .stderr(predicate::str::contains(
            "run the query on its data with `kql run --table Firewall_CL=FILE`",
        ));
}

/// A Sentinel analytic rule whose `query` (line 4 of the file) has an unknown column on
/// its third line.
const ANALYTIC_RULE: &str = "id: 0d7f3c4e\nname: Demo rule\nqueryPeriod: 1h\nquery: |\n  \
    print Level = 3\n  | extend Doubled = Level * 2\n  | where Levle > 1\nseverity: Low\n";

#[test]
fn check_reads_analytic_rule_query() {
    let dir = temp_dir();
    let path = dir.path().join("rule.yaml");
    fs::write(&path, ANALYTIC_RULE.replace("Levle", "Level")).expect("write rule");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(format!("{}: ok\n", path.display()));

    // Positions count from the start of the `query` text, as `kql test` gives them.
    fs::write(&path, ANALYTIC_RULE).expect("write rule");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "--> {}, query:3:9",
            path.display()
        )))
        .stderr(predicate::str::contains("3 | | where Levle > 1"))
        .stderr(predicate::str::contains("did you mean `Level`?"));

    // Warnings count their positions the same way.
    let with_call = ANALYTIC_RULE.replace("Levle > 1\n", "Level > 1\n  | invoke Enrich()\n");
    fs::write(&path, with_call).expect("write rule");
    kql_command()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "kql: warning: {}, query:4:10: `Enrich` is not defined",
            path.display()
        )));
}

#[test]
fn run_reads_analytic_rule_query() {
    let dir = temp_dir();
    let path = dir.path().join("rule.yml");
    fs::write(&path, ANALYTIC_RULE.replace("Levle", "Level")).expect("write rule");
    kql_command()
        .arg("run")
        .arg(&path)
        .args(["--format", "csv"])
        .assert()
        .success()
        .stdout("Level,Doubled\n3,6\n");

    fs::write(&path, "name: Demo rule\nseverity: Low\n").expect("write rule");
    kql_command()
        .arg("run")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the analytic rule has no `query`"));
}

// BehaviorEntities is an advanced hunting table
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-behaviorentities-table), and
// CopilotActivity a Log Analytics table
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/copilotactivity).
#[test]
fn check_new_tables_follow_product() {
    let entities = "BehaviorEntities | where FileSize > 0 | project EntityRole\n";
    let copilot = "CopilotActivity | extend Agent = tostring(LLMEventData.AgentName)\n";
    check_query(entities, &["--product", "xdr"]).success();
    check_query(entities, &["--product", "sentinel"])
        .code(1)
        .stderr(predicate::str::contains(
            "`BehaviorEntities` is not available with --product sentinel",
        ));
    check_query(copilot, &["--product", "sentinel"]).success();
    check_query(copilot, &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains(
            "`CopilotActivity` is not available with --product xdr",
        ));
}

// OAuthAppInfo has TimeGenerated only in its Sentinel copy
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/oauthappinfo), and
// Timestamp only in advanced hunting
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-oauthappinfo-table).
#[test]
fn check_oauth_app_info_time_by_product() {
    let sentinel = "OAuthAppInfo | summarize arg_max(TimeGenerated, *) by OAuthAppId\n";
    let xdr = "OAuthAppInfo | summarize arg_max(Timestamp, *) by OAuthAppId\n";
    check_query(sentinel, &[]).success();
    check_query(sentinel, &["--product", "sentinel"]).success();
    check_query(sentinel, &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains("`TimeGenerated` does not refer"));
    check_query(xdr, &["--product", "xdr"]).success();
    check_query(xdr, &["--product", "sentinel"])
        .code(1)
        .stderr(predicate::str::contains("`Timestamp` does not refer"));
}

// AzureDiagnostics is a Log Analytics table
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/azurediagnostics).
#[test]
fn check_azure_diagnostics_is_sentinel_only() {
    let query = "AzureDiagnostics\n| where ResourceProvider == 'MICROSOFT.LOGIC' and status_s == 'Failed'\n| project TimeGenerated, resource_workflowName_s, resource_runId_s\n";
    check_query(query, &["--product", "sentinel"]).success();
    check_query(query, &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains(
            "`AzureDiagnostics` is not available with --product xdr",
        ));
}

// EntraUsers is a Sentinel data lake asset table with camel-case columns
// (https://learn.microsoft.com/azure/sentinel/datalake/asset-data-tables), so it is absent
// from advanced hunting and has `tenantId`, not the Log Analytics `TenantId`.
#[test]
fn check_entra_users_data_lake_table() {
    let query = "EntraUsers\n\
        | where accountEnabled and isnotnull(employeeLeaveDateTime)\n\
        | summarize arg_max(_SnapshotTime, *) by id\n\
        | project userPrincipalName, department, otherMails\n";
    check_query(query, &["--product", "sentinel"]).success();
    check_query(query, &["--product", "xdr"])
        .code(1)
        .stderr(predicate::str::contains(
            "`EntraUsers` is not available with --product xdr",
        ));
    check_query("EntraUsers | where TenantId != ''\n", &[])
        .code(1)
        .stderr(predicate::str::contains("did you mean `tenantId`?"));
}

// The advanced hunting table page spells the table GraphApiAuditEvents
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-graphapiauditevents-table) and
// the schema index GraphAPIAuditEvents
// (https://learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables), so both are
// accepted; table names are case-sensitive, so a third spelling is rejected with a
// suggestion.
#[test]
fn check_graph_api_audit_events_spelling() {
    for table in ["GraphApiAuditEvents", "GraphAPIAuditEvents"] {
        check_query(
            &format!("{table} | where ResponseSize > 0\n"),
            &["--product", "xdr"],
        )
        .success();
    }
    check_query("GraphApiauditEvents | take 1\n", &[])
        .code(1)
        .stderr(predicate::str::contains(
            "did you mean `GraphAPIAuditEvents`?",
        ));
}

// A file loaded under one spelling of the Graph API audit table is found under the other,
// because Microsoft's references use both (see check_graph_api_audit_events_spelling).
#[test]
fn graph_api_audit_events_file_under_either_spelling() {
    let dir = temp_dir();
    let path = dir.path().join("graph.csv");
    fs::write(
        &path,
        "Timestamp,RequestUri\n2025-01-01T00:00:00Z,/v1.0/users\n",
    )
    .expect("write fixture");
    for (loaded, queried) in [
        ("GraphApiAuditEvents", "GraphAPIAuditEvents"),
        ("GraphAPIAuditEvents", "GraphApiAuditEvents"),
    ] {
        kql_command()
            .args(["run", "-q", &format!("{queried} | project RequestUri")])
            .args(["--format", "csv", "--table"])
            .arg(format!("{loaded}={}", path.display()))
            .assert()
            .success()
            .stdout("RequestUri\n/v1.0/users\n");
    }
}

// learn.microsoft.com/kusto/query/partition-operator: the native strategy allows only
// operators on the partition's rows, which kql check enforces without data.
#[test]
fn check_partition_subquery() {
    let valid = "DeviceProcessEvents\n\
        | partition hint.strategy=native by DeviceId (summarize Count = count() by FileName | top 3 by Count)\n";
    check_query(valid, &[]).success();
    let join = "DeviceProcessEvents\n\
        | partition hint.strategy=native by DeviceId (join (DeviceInfo) on DeviceId)\n";
    check_query(join, &[])
        .code(1)
        .stderr(predicate::str::contains("hint.strategy=legacy"));
    check_query("DeviceProcessEvents | partition by DeviceID (count)\n", &[])
        .code(1)
        .stderr(predicate::str::contains("did you mean `DeviceId`?"));
}

#[test]
fn check_default_reports_first_type_error() {
    // Wrong in both products: the error is the XDR binding's.
    check_query("DeviceEvents | where AdditionalFields + 1 > 2\n", &[])
        .code(1)
        .stderr(predicate::str::contains("`+` to string and long"));
}

#[test]
fn check_names_cross_service_scopes() {
    // `arg("")` binds to the local Azure Resource Graph tables (tests/arg_tables.rs).
    let cases = [
        (
            "union workspace('ws').SigninLogs, SigninLogs\n",
            "another Log Analytics workspace",
        ),
        ("app('ai').requests | take 1\n", "Application Insights"),
        (
            "SigninLogs | join (app('ai').requests) on $left.Id == $right.id\n",
            "`app(…).requests`",
        ),
    ];
    for (query, expected) in cases {
        check_query(query, &[])
            .code(1)
            .stderr(predicate::str::contains("not supported"))
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::str::contains("--table"));
    }
}

// Two `mv-apply` subqueries that each project `Attribute`: the second replaces the
// first's column, whose place the reference does not give, so `check` accepts the query
// only with the `project` after it (learn.microsoft.com/kusto/query/mv-apply-operator).
#[test]
fn check_mv_apply_needs_fixing_project() {
    let applies = "AuditLogs\n\
        | mv-apply Group = TargetResources[0].modifiedProperties on (project Attribute = Group.displayName, Added = tostring(Group.newValue))\n\
        | mv-apply Group = TargetResources[0].modifiedProperties on (project Attribute = Group.displayName, Removed = tostring(Group.oldValue))\n";
    check_query(
        &format!("{applies}| project TimeGenerated, OperationName, Added, Removed\n"),
        &[],
    )
    .success();
    check_query(applies, &[])
        .code(1)
        .stderr(predicate::str::contains("reorders the input columns"));
}

// `kql check` binds `scan` like `kql run`: steps read the state as `Step.Column`
// (learn.microsoft.com/kusto/query/scan-operator).
#[test]
fn check_scan_steps() {
    let steps = "DeviceNetworkEvents\n\
        | sort by Timestamp asc\n\
        | scan with_match_id=Id declare (Delta:timespan) with (\n\
            step Connect: ActionType == 'ConnectionSuccess';\n\
            step Pipe: ActionType == 'NamedPipeEvent' and DeviceId == Connect.DeviceId => Delta = Timestamp - Connect.Timestamp;\n\
        )\n";
    check_query(steps, &[]).success();
    check_query(&steps.replace("sort by Timestamp asc", "where true"), &[])
        .code(1)
        .stderr(predicate::str::contains("sort or serialize"));
}

#[test]
fn check_rejects_unknown_product() {
    check_query(XDR_ONLY_QUERY, &["--product", "defender"])
        .code(2)
        .stderr(predicate::str::contains("unknown product `defender`"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    // 100,000 rows of CSV overflow the pipe buffer, so kql is still writing when `head`
    // closes the pipe; it must exit quietly with status 0.
    let dir = temp_dir();
    let values: Vec<String> = (0..100_000).map(|n| n.to_string()).collect();
    let query_path = dir.path().join("many.kql");
    fs::write(
        &query_path,
        format!("datatable(a:long)[{}]", values.join(",")),
    )
    .expect("write query");
    let script = format!(
        "{} run {} --format csv | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        assert_cmd::cargo::cargo_bin("kql").display(),
        query_path.display()
    );
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "0");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

/// A DeviceNetworkEvents export in the Advanced Hunting portal's CSV shape: `Timestamp`
/// (no `TimeGenerated`), AdditionalFields as quoted JSON text, ports as text.
const PORTAL_CSV: &str = "Timestamp,DeviceId,DeviceName,ActionType,RemoteIP,RemotePort,LocalIP,LocalPort,Protocol,AdditionalFields\n\
2025-08-29T10:15:00.123Z,d1,web01,InboundConnectionAccepted,81.2.69.142,41822,10.0.0.5,443,Tcp,\"{\"\"direction\"\":\"\"In\"\",\"\"Tcp Flags\"\":\"\"6\"\"}\"\n\
2025-08-29T10:16:00Z,d1,web01,InboundConnectionAccepted,81.2.69.142,41823,10.0.0.5,443,Tcp,\"{\"\"direction\"\":\"\"Inbound\"\",\"\"Tcp Flags\"\":\"\"6\"\"}\"\n\
2025-08-29T10:17:00Z,d1,web01,ConnectionFailed,10.1.2.3,50000,10.0.0.5,abc,Tcp,\"{\"\"direction\"\":\"\"In\"\",\"\"Tcp Flags\"\":31}\"\n";

fn write_portal_export(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("export.csv");
    fs::write(&path, PORTAL_CSV).expect("write export");
    path
}

fn published_query() -> std::path::PathBuf {
    project_root().join("queries/mde-suspicious-tcp-flags.kql")
}

#[test]
fn published_query_on_portal_csv_export() {
    let dir = temp_dir();
    let export = write_portal_export(&dir);
    let output = kql_command()
        .arg("run")
        .arg(published_query())
        .arg("--table")
        .arg(format!("DeviceNetworkEvents={}", export.display()))
        .args(["--format", "json"])
        .output()
        .expect("kql runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let rows = result["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{result}");
    // TimeGenerated is filled from Timestamp; the "Inbound" row is dropped.
    assert_eq!(rows[0][0], "2025-08-29T10:15:00.1230000Z");
    assert_eq!(rows[0][7], "United Kingdom");
    assert_eq!(rows[0][10], "SYN + RST (invalid, often scanning)");
    // The private remote address: IsPrivate true, no country, port "abc" became null.
    assert_eq!(rows[1][5], true);
    assert_eq!(rows[1][7], "");
    assert_eq!(rows[1][3], serde_json::Value::Null);
    assert_eq!(rows[1][8], "31");
}

#[test]
fn conversion_failure_warns_once_with_location() {
    let dir = temp_dir();
    let export = write_portal_export(&dir);
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | project LocalPort | count",
            "--format",
            "csv",
            "--table",
        ])
        .arg(format!("DeviceNetworkEvents={}", export.display()))
        .assert()
        .success()
        .stdout("Count\n3\n")
        .stderr(predicate::str::contains("LocalPort"))
        .stderr(predicate::str::contains("export.csv:4"))
        .stderr(predicate::str::contains("--strict"));
}

#[test]
fn unread_columns_are_not_converted() {
    let dir = temp_dir();
    let export = write_portal_export(&dir);
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | project DeviceName | count",
            "--format",
            "csv",
            "--table",
        ])
        .arg(format!("DeviceNetworkEvents={}", export.display()))
        .assert()
        .success()
        .stdout("Count\n3\n")
        .stderr("");
}

#[test]
fn strict_makes_conversion_failure_an_error() {
    let dir = temp_dir();
    let export = write_portal_export(&dir);
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | count",
            "--strict",
            "--table",
        ])
        .arg(format!("DeviceNetworkEvents={}", export.display()))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("export.csv:4"));
}

#[test]
fn known_table_gets_documented_types() {
    let dir = temp_dir();
    let export = write_portal_export(&dir);
    let query = "DeviceNetworkEvents | take 1 | project LocalPort, TimeGenerated, Timestamp, ReportId, RemoteUrl";
    let output = kql_command()
        .args(["run", "-q", query, "--format", "json", "--table"])
        .arg(format!("DeviceNetworkEvents={}", export.display()))
        .output()
        .expect("kql runs");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let types: Vec<&str> = result["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|column| column["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(types, ["int", "datetime", "datetime", "long", "string"]);
    // Columns of the schema that the file lacks are null, or "" for strings.
    assert_eq!(result["rows"][0][3], serde_json::Value::Null);
    assert_eq!(result["rows"][0][4], "");
}

/// Writes a tiny GeoLite2-City-format database with one London network.
fn write_city_database(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let record = serde_json::json!({
        "country": {"iso_code": "GB", "names": {"en": "United Kingdom"}},
        "subdivisions": [{"iso_code": "ENG", "names": {"en": "England"}}],
        "city": {"names": {"en": "London"}},
        "location": {"latitude": 51.5142, "longitude": -0.0931}
    });
    let bytes = kql::geo::test_mmdb::MmdbBuilder::new("GeoLite2-City")
        .insert("81.2.69.0/24", &record)
        .build();
    let path = dir.path().join("city.mmdb");
    fs::write(&path, bytes).expect("write database");
    path
}

// learn.microsoft.com/kusto/query/geo-info-from-ip-address-function: the bag holds
// country, state, city, latitude and longitude.
#[test]
fn geoip_db_option_gives_city_fields() {
    let dir = temp_dir();
    let database = write_city_database(&dir);
    kql_command()
        .args(["run", "-q", "print g = geo_info_from_ip_address('81.2.69.142')", "--format", "csv", "--geoip-db"])
        .arg(&database)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#"{""country"":""United Kingdom"",""state"":""England"",""city"":""London"",""latitude"":51.5142,""longitude"":-0.0931}"#,
        ));
}

#[test]
fn geoip_db_from_environment() {
    let dir = temp_dir();
    let database = write_city_database(&dir);
    kql_command()
        .args([
            "run",
            "-q",
            "print c = tostring(geo_info_from_ip_address('::ffff:81.2.69.142').city)",
            "--format",
            "csv",
        ])
        .env("KQL_GEOIP_DB", &database)
        .assert()
        .success()
        .stdout("c\nLondon\n");
}

#[test]
fn same_table_from_two_files_keeps_all_rows() {
    let dir = temp_dir();
    let first = dir.path().join("a.jsonl");
    let second = dir.path().join("b.csv");
    fs::write(&first, "{\"x\":1}\n{\"x\":2}\n").expect("write fixture");
    fs::write(&second, "x\n3\n").expect("write fixture");
    kql_command()
        .args(["run", "-q", "T | count", "--format", "csv", "--table"])
        .arg(format!("T={}", first.display()))
        .arg("--table")
        .arg(format!("T={}", second.display()))
        .assert()
        .success()
        .stdout("Count\n3\n");
}

#[test]
fn query_and_table_cannot_both_use_stdin() {
    kql_command()
        .args(["run", "-", "--table", "T=-"])
        .write_stdin("T | count")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot both come from standard input",
        ));
}

#[test]
fn format_name_ignores_case() {
    kql_command()
        .args(["run", "-q", "print x = 1", "--format", "CSV"])
        .assert()
        .success()
        .stdout("x\n1\n");
}

#[test]
fn table_output_escapes_control_characters() {
    kql_command()
        .args([
            "run",
            "-q",
            "print c = '\\u001b[31mred'",
            "--format",
            "table",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\\u{1b}[31mred"))
        .stdout(predicate::str::contains("\u{1b}").not());
}

#[test]
fn fraction_in_int_column_is_reported_not_truncated() {
    let dir = temp_dir();
    let path = dir.path().join("DeviceNetworkEvents.jsonl");
    fs::write(
        &path,
        "{\"LocalPort\":22.5,\"RemotePort\":true}\n{\"LocalPort\":443,\"RemotePort\":80.0}\n",
    )
    .expect("write fixture");
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | project LocalPort, RemotePort",
            "--format",
            "csv",
            "--data",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("LocalPort,RemotePort\n,\n443,80\n")
        .stderr(predicate::str::contains("LocalPort"))
        .stderr(predicate::str::contains("RemotePort"));
}

#[test]
fn time_columns_filled_per_row_across_files() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("DeviceNetworkEvents.csv"),
        "Timestamp,DeviceName\n2025-08-29T10:00:00Z,portal\n",
    )
    .expect("write fixture");
    fs::write(
        dir.path().join("DeviceNetworkEvents.part2.jsonl"),
        "{\"TimeGenerated\":\"2025-08-29T11:00:00Z\",\"DeviceName\":\"sentinel\"}\n",
    )
    .expect("write fixture");
    kql_command()
        .args([
            "run",
            "-q",
            "DeviceNetworkEvents | project DeviceName, Timestamp, TimeGenerated",
            "--format",
            "csv",
            "--data",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            "DeviceName,Timestamp,TimeGenerated\n\
             portal,2025-08-29T10:00:00.0000000Z,2025-08-29T10:00:00.0000000Z\n\
             sentinel,2025-08-29T11:00:00.0000000Z,2025-08-29T11:00:00.0000000Z\n",
        );
}

/// A DeviceNetworkEvents file with a column that the built-in schema does not list.
fn write_extra_column_export(dir: &tempfile::TempDir) {
    fs::write(
        dir.path().join("DeviceNetworkEvents.jsonl"),
        "{\"Timestamp\":\"2025-08-29T10:00:00Z\",\"DeviceName\":\"a\",\"MyColumn\":\"alpha\"}\n\
         {\"Timestamp\":\"2025-08-29T11:00:00Z\",\"DeviceName\":\"b\",\"MyColumn\":\"beta\"}\n",
    )
    .expect("write fixture");
}

#[test]
fn extra_column_survives_name_dependent_operators() {
    let dir = temp_dir();
    write_extra_column_export(&dir);
    let queries = [
        (
            "DeviceNetworkEvents | extend c = column_ifexists('MyColumn', 'none') | project c",
            "c\nalpha\nbeta\n",
        ),
        (
            "DeviceNetworkEvents | extend c = columnifexists('MyColumn', 'none') | project c",
            "c\nalpha\nbeta\n",
        ),
        (
            "DeviceNetworkEvents | project-away Timestamp, TimeGenerated | project-keep My*",
            "MyColumn\nalpha\nbeta\n",
        ),
        (
            "DeviceNetworkEvents | summarize by MyColumn | sort by MyColumn asc",
            "MyColumn\nalpha\nbeta\n",
        ),
    ];
    for (query, expected) in queries {
        kql_command()
            .args(["run", "-q", query, "--format", "csv", "--data"])
            .arg(dir.path())
            .assert()
            .success()
            .stdout(expected);
    }
}

#[test]
fn join_pruning_keeps_clashing_names_right() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("DeviceNetworkEvents.jsonl"),
        "{\"DeviceId\":\"d1\",\"DeviceName\":\"left-name\",\"RemotePort\":443}\n",
    )
    .expect("write fixture");
    fs::write(
        dir.path().join("DeviceInfo.jsonl"),
        "{\"DeviceId\":\"d1\",\"DeviceName\":\"right-name\",\"OSPlatform\":\"Windows11\"}\n",
    )
    .expect("write fixture");
    // The right side's DeviceName is DeviceName1 in the output, whichever columns load.
    let query = "DeviceNetworkEvents | join kind=inner DeviceInfo on DeviceId | project DeviceName1, OSPlatform";
    kql_command()
        .args(["run", "-q", query, "--format", "csv", "--data"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("DeviceName1,OSPlatform\nright-name,Windows11\n");
}

// https://learn.microsoft.com/kusto/query/bag-unpack-plugin: the slots become columns
// sorted by name. The catalog binding fails, so `kql run` loads the whole table and
// binds against its rows.
#[test]
fn run_bag_unpack_without_schema_on_json() {
    let dir = temp_dir();
    let path = dir.path().join("events.json");
    fs::write(
        &path,
        r#"[{"DeviceName":"pc1","AdditionalFields":{"Status":"ok","Count":2}},
            {"DeviceName":"pc2","AdditionalFields":{"Status":"bad"}}]"#,
    )
    .expect("write table");
    let table = format!("DeviceEvents={}", path.display());
    kql_command()
        .args(["run", "--table", &table, "--format", "csv", "-q"])
        .arg("DeviceEvents | project DeviceName, AF = todynamic(AdditionalFields) | evaluate bag_unpack(AF)")
        .assert()
        .success()
        .stdout("DeviceName,Count,Status\npc1,2,ok\npc2,,bad\n");
}

// https://learn.microsoft.com/kusto/query/pivot-plugin, "Pivot by a column".
#[test]
fn run_pivot_on_json() {
    let dir = temp_dir();
    let path = dir.path().join("events.json");
    fs::write(
        &path,
        r#"[{"DeviceName":"pc1","ActionType":"A"},{"DeviceName":"pc2","ActionType":"B"},
            {"DeviceName":"pc1","ActionType":"A"}]"#,
    )
    .expect("write table");
    let table = format!("DeviceEvents={}", path.display());
    kql_command()
        .args(["run", "--table", &table, "--format", "csv", "-q"])
        .arg("DeviceEvents | project DeviceName, ActionType | evaluate pivot(ActionType)")
        .assert()
        .success()
        .stdout("DeviceName,A,B\npc1,2,0\npc2,0,1\n");
}

// `kql check` has schemas but no rows: it accepts the columns these plugins may create
// from the data, and still checks the columns known without it.
#[test]
fn check_columns_from_data() {
    check_query(
        "DeviceEvents | evaluate bag_unpack(AdditionalFields) | project DeviceName, Status\n",
        &["--product", "sentinel"],
    )
    .success();
    check_query(
        "DeviceEvents | project DeviceName, ActionType | evaluate pivot(ActionType) | where A > 0\n",
        &[],
    )
    .success();
    check_query(
        "DeviceEvents | project DeviceName, ActionType | evaluate pivot(ActionType) | where DeviceName > 0\n",
        &[],
    )
    .code(1)
    .stderr(predicate::str::contains("cannot compare string with long"));
}

// A created name one typo from a known column is accepted, since only the data can
// tell, but `kql check` warns and names the known column the query may mean.
#[test]
fn check_warns_on_created_name_near_known_column() {
    check_query(
        "DeviceEvents | evaluate bag_unpack(AdditionalFields) | project DeviceNmae\n",
        &["--product", "sentinel"],
    )
    .success()
    .stderr(predicate::str::contains("kql: warning:"))
    .stderr(predicate::str::contains(
        "did you mean the column `DeviceName`?",
    ));
}

// https://learn.microsoft.com/en-us/kusto/management/ingestion-time-policy: without an
// IngestionTime policy the function returns null, so `kql run` warns once per query.
#[test]
fn run_warns_once_for_ingestion_time() {
    let dir = temp_dir();
    let path = dir.path().join("events.jsonl");
    fs::write(
        &path,
        "{\"DeviceName\":\"pc1\"}\n{\"DeviceName\":\"pc2\"}\n",
    )
    .expect("write table");
    let table = format!("DeviceEvents={}", path.display());
    let output = kql_command()
        .args(["run", "--table", &table, "--format", "csv", "-q"])
        .arg("DeviceEvents | where ingestion_time() > ago(1d) or isnull(ingestion_time()) | project DeviceName")
        .output()
        .expect("run kql");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "DeviceName\npc1\npc2\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr
            .matches("kql: warning: <query>:1:22: `ingestion_time()` returns null")
            .count(),
        1
    );
}

// A misspelt `set query_now` leaves `ago()` on the wall clock, so the run warns.
#[test]
fn run_warns_on_misspelt_query_now() {
    kql_command()
        .args(["run", "--format", "csv", "-q"])
        .arg("set quer_now = datetime(2025-01-01); print x = 1")
        .assert()
        .success()
        .stdout("x\n1\n")
        .stderr(predicate::str::contains(
            "kql: warning: <query>:1:5: `set quer_now` has no effect",
        ))
        .stderr(predicate::str::contains("did you mean `set query_now`?"));
    kql_command()
        .args(["run", "--format", "csv", "-q"])
        .arg("set notruncation; print x = 1")
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn run_without_ingestion_time_no_warning() {
    kql_command()
        .args(["run", "--format", "csv", "-q", "print x = 1"])
        .assert()
        .success()
        .stderr("");
}

// A named argument of a built-in function passes its value by position, because
// `Signature.AllowsNamedArguments` is false for built-in functions. It also names the
// column of `toint(…)`, because `GetExpressionResultName` returns the declared name of a
// `SimpleNamedExpression` (Kusto-Query-Language, `Signature.cs`, `Binder_Projection.cs`).
#[test]
fn run_summarize_named_argument_columns() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("Checks.csv"),
        "DeviceId,Result,Setting\n\
         d1,GOOD,Firewall\n\
         d2,BAD,Firewall\n\
         d2,GOOD,Firewall\n\
         d3,BAD,Firewall\n\
         d3,BAD,Firewall\n\
         d1,GOOD,BitLocker\n",
    )
    .expect("write fixture");
    let query = "Checks\n\
        | summarize toint(Compliant = dcountif(DeviceId, Result == 'GOOD')),\n\
                    toint(NonCompliant = dcountif(DeviceId, Result == 'BAD')) by Setting\n\
        | extend Total = Compliant + NonCompliant\n\
        | sort by Setting asc";
    kql_command()
        .args(["run", "--format", "csv", "-q", query, "--data"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            "Setting,Compliant,NonCompliant,Total\n\
             BitLocker,1,0,1\n\
             Firewall,2,2,4\n",
        );
}

// learn.microsoft.com/kusto/query/row-number-function, the `Airport` example.
#[test]
fn row_number_restart_from_command_line() {
    let query = "datatable(Airport:string, Departures:long)\
                 ['TLV', 1, 'TLV', 100, 'SEA', 1, 'SEA', 2, 'SEA', 0] \
                 | sort by Airport asc, Departures desc \
                 | extend Rank = row_number(1, prev(Airport) != Airport)";
    kql_command()
        .args(["run", "-q", query, "--format", "csv"])
        .assert()
        .success()
        .stdout("Airport,Departures,Rank\nSEA,2,1\nSEA,1,2\nSEA,0,3\nTLV,100,1\nTLV,1,2\n");
}

// The loaded tables are the database of `kql run`, so a table wildcard reads only them.
// When the built-in catalog has other tables that match, the run warns, because a
// workspace query would read those tables too.
#[test]
fn run_warns_on_wildcard_unloaded_tables() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("DeviceNetworkEvents.csv"),
        "DeviceName,RemotePort\npc1,443\npc2,80\n",
    )
    .expect("write table");
    fs::write(dir.path().join("MyLogs.csv"), "DeviceName\npc3\n").expect("write table");
    let data = dir.path().display().to_string();
    let catalog: Vec<&str> = kql::schema::builtin_names()
        .filter(|name| name.starts_with("Device") && *name != "DeviceNetworkEvents")
        .collect();
    assert!(catalog.len() > 3, "{catalog:?}");
    let unloaded = format!(
        "{} catalog tables that it also matches are not loaded: {} and {} more.",
        catalog.len(),
        catalog[..3].join(", "),
        catalog.len() - 3
    );
    for query in [
        "union Device* | count",
        "search in (Device*) \"pc1\" or \"pc2\" | count",
    ] {
        let output = kql_command()
            .args(["run", "--format", "csv", "--data", &data, "-q", query])
            .output()
            .expect("run kql");
        assert!(output.status.success(), "{query}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "Count\n2\n",
            "{query}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("kql: warning: <query>:1:"),
            "{query}: {stderr}"
        );
        assert!(
            stderr.contains("`Device*` matches only loaded tables"),
            "{query}: {stderr}"
        );
        assert!(stderr.contains(&unloaded), "{query}: {stderr}");
        assert!(
            stderr.contains("--table NAME=FILE or --data DIR"),
            "{query}: {stderr}"
        );
        assert!(!stderr.contains("DeviceNetworkEvents"), "{query}: {stderr}");
    }
}

#[test]
fn run_wildcard_without_unloaded_tables_no_warning() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("DeviceNetworkEvents.csv"),
        "DeviceName,RemotePort\npc1,443\n",
    )
    .expect("write table");
    fs::write(dir.path().join("MyLogs.csv"), "DeviceName\npc3\n").expect("write table");
    let data = dir.path().display().to_string();
    // `DeviceNetworkE*` matches only DeviceNetworkEvents in the catalog, and no catalog
    // table starts with `My`.
    for query in ["union DeviceNetworkE* | count", "union My* | count"] {
        kql_command()
            .args(["run", "--format", "csv", "--data", &data, "-q", query])
            .assert()
            .success()
            .stdout("Count\n1\n")
            .stderr("");
    }
}

#[test]
fn check_wildcard_no_unloaded_warning() {
    kql_command()
        .args(["check", "-"])
        .write_stdin("union Device* | count")
        .assert()
        .success()
        .stderr(predicate::str::contains("not loaded").not());
}
