//! Azure Resource Graph tables (`arg("").Resources`) and custom `_CL` tables, run and
//! checked through the `kql` binary on local exports.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::kql_command;

/// Two resources of a Resource Graph export, one a virtual machine tagged `prod`. The
/// fields are the resource fields of
/// https://learn.microsoft.com/azure/service-health/azure-resource-graph-overview.
const RESOURCES: &str = concat!(
    r#"{"id":"/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1","name":"vm1","type":"microsoft.compute/virtualmachines","subscriptionId":"s1","resourceGroup":"rg1","tags":{"env":"prod"},"properties":{"hardwareProfile":{"vmSize":"Standard_D2"}}}"#,
    "\n",
    r#"{"id":"/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/st1","name":"st1","type":"microsoft.storage/storageaccounts","subscriptionId":"s1","resourceGroup":"rg2","tags":{}}"#,
    "\n",
);

/// One subscription of a `ResourceContainers` export.
const CONTAINERS: &str = concat!(
    r#"{"id":"/subscriptions/s1","name":"Production","type":"microsoft.resources/subscriptions","subscriptionId":"s1"}"#,
    "\n",
);

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).expect("write fixture");
    path.display().to_string()
}

/// Runs `query` with `tables` (`NAME=PATH` arguments) and returns the CSV output.
fn run_csv(query: &str, tables: &[String]) -> String {
    let mut command = kql_command();
    command.args(["run", "-q", query, "--format", "csv"]);
    for table in tables {
        command.args(["--table", table]);
    }
    let output = command.output().expect("run kql");
    assert!(
        output.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

// `arg("").Table` reads a Resource Graph table from Log Analytics:
// https://learn.microsoft.com/azure/azure-monitor/logs/azure-monitor-data-explorer-proxy.
// Here it reads the table loaded with --table.
#[test]
fn arg_scope_reads_loaded_table() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let resources = format!("Resources={}", write(dir.path(), "r.jsonl", RESOURCES));
    let output = run_csv(
        r#"arg("").Resources
| where type == "microsoft.compute/virtualmachines" and properties.hardwareProfile.vmSize startswith "Standard_D"
| project name, env = tostring(tags.env)"#,
        &[resources],
    );
    assert_eq!(output, "name,env\nvm1,prod\n");
}

// Learn spells the tables in PascalCase on
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language and
// in lower case on
// https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources.
#[test]
fn lowercase_spelling_finds_table() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = write(dir.path(), "r.jsonl", RESOURCES);
    let upper = format!("Resources={path}");
    let lower = format!("resources={path}");
    assert_eq!(run_csv("resources | count", &[upper]), "Count\n2\n");
    assert_eq!(
        run_csv("arg('').Resources | count", std::slice::from_ref(&lower)),
        "Count\n2\n"
    );
    // The lower-case table still gets the catalog's types: `tags` is dynamic.
    assert_eq!(
        run_csv(
            "resources | project t = gettype(tags), n = gettype(name) | take 1",
            &[lower]
        ),
        "t,n\ndictionary,string\n"
    );
}

// The join of the query language page: resources with the name of their subscription.
#[test]
fn arg_tables_join_on_subscription() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let resources = format!("Resources={}", write(dir.path(), "r.jsonl", RESOURCES));
    let containers = format!(
        "ResourceContainers={}",
        write(dir.path(), "c.jsonl", CONTAINERS)
    );
    let output = run_csv(
        "arg('').Resources
| where type == 'microsoft.storage/storageaccounts'
| project name, subscriptionId
| join (arg('').ResourceContainers | where type == 'microsoft.resources/subscriptions' | project SubName = name, subscriptionId) on subscriptionId
| project name, SubName",
        &[resources, containers],
    );
    assert_eq!(output, "name,SubName\nst1,Production\n");
}

#[test]
fn arg_table_not_loaded_names_flag() {
    kql_command()
        .args(["run", "-q", "arg('').SecurityResources | take 1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the Azure Resource Graph table `SecurityResources` is not loaded",
        ))
        .stderr(predicate::str::contains("--table SecurityResources=FILE"));
}

// The cross-service page gives only the `arg("")` pattern.
#[test]
fn arg_scope_rejects_other_arguments() {
    kql_command()
        .args(["run", "-q", "arg('tenant').Resources"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the empty string"));
    kql_command()
        .args(["run", "-q", "arg('').Resourcez"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`Resourcez` is not an Azure Resource Graph table",
        ))
        .stderr(predicate::str::contains("did you mean `Resources`?"));
}

#[test]
fn other_cross_service_scopes_unchanged() {
    kql_command()
        .args(["run", "-q", "workspace('w').SigninLogs"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("another Log Analytics workspace"));
}

/// Runs `kql check` on `query` and returns the assertion.
fn check(query: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = write(dir.path(), "rule.kql", query);
    kql_command().arg("check").args(extra).arg(&path).assert()
}

#[test]
fn check_resolves_arg_columns() {
    check(
        "arg('').securityresources | where type == 'microsoft.security/assessments' | project id, properties.status",
        &[],
    )
    .success();
    check("arg('').Resources | where resourceGrup == 'rg1'", &[])
        .code(1)
        .stderr(predicate::str::contains("did you mean `resourceGroup`?"));
}

// Custom tables end in `_CL` and every table has `TimeGenerated`:
// https://learn.microsoft.com/azure/azure-monitor/logs/create-custom-table.
#[test]
fn check_accepts_custom_table_columns() {
    check(
        "Firewall_CL | where TimeGenerated > ago(1d) | summarize count() by SrcIp_s",
        &[],
    )
    .success()
    .stderr(predicate::str::contains(
        "`Firewall_CL` is a custom table that the catalog does not describe",
    ));
    // `TimeGenerated` is known, so it keeps its type.
    check("Firewall_CL | where TimeGenerated > 5", &[]).code(1);
    // A name near a known column is accepted with a warning.
    check("Firewall_CL | where TimeGenrated > ago(1d)", &[])
        .success()
        .stderr(predicate::str::contains(
            "did you mean the column `TimeGenerated`?",
        ));
}

// Sentinel keeps functions saved in the workspace, which queries call like their own
// (learn.microsoft.com/azure/azure-monitor/logs/functions, "Workspace functions"); `kql run` needs the definition.
#[test]
fn check_accepts_workspace_function_calls() {
    check(
        "AWSCloudTrail | invoke AwsRole() | where RoleName has 'admin' | project RoleName",
        &[],
    )
    .success()
    .stderr(predicate::str::contains(
        "`AwsRole` is not defined in the query, so kql check took it to be a function saved in the workspace",
    ));
    // A call one typo away from a known table is a typo, not a workspace function.
    check("AWSCloudTrai(1d) | take 1", &[])
        .code(1)
        .stderr(predicate::str::contains("did you mean `AWSCloudTrail`?"));
}

#[test]
fn check_rejects_known_table_typos() {
    check("DeviceEvents | where Typo == 1", &[])
        .code(1)
        .stderr(predicate::str::contains("`Typo` does not refer"));
    check("DeviceEvnts | take 1", &[])
        .code(1)
        .stderr(predicate::str::contains("did you mean `DeviceEvents`?"));
    // A custom table does not hide a typo in the table it is joined with.
    check(
        "Firewall_CL | join (DeviceEvents | where Typo == 1) on DeviceId",
        &[],
    )
    .code(1)
    .stderr(predicate::str::contains("`Typo` does not refer"));
}

#[test]
fn check_uses_custom_table_schema_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let schema = write(
        dir.path(),
        "fw.schema",
        "table Firewall_CL sentinel\nTimeGenerated:datetime\nSrcIp:string\n",
    );
    check("Firewall_CL | project SrcIp", &["--schema", &schema])
        .success()
        .stderr(predicate::str::contains("custom table").not());
    check("Firewall_CL | project SrcIP", &["--schema", &schema])
        .code(1)
        .stderr(predicate::str::contains("did you mean `SrcIp`?"));
}

#[test]
fn custom_table_runs_on_its_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let rows = concat!(
        r#"{"TimeGenerated":"2025-08-29T10:00:00Z","SrcIp":"10.0.0.1","Bytes":10}"#,
        "\n",
        r#"{"TimeGenerated":"2025-08-29T11:00:00Z","SrcIp":"10.0.0.2","Bytes":30}"#,
        "\n",
    );
    let table = format!("Firewall_CL={}", write(dir.path(), "fw.jsonl", rows));
    let output = run_csv(
        "Firewall_CL | where Bytes > 20 | project SrcIp, Bytes",
        &[table],
    );
    assert_eq!(output, "SrcIp,Bytes\n10.0.0.2,30\n");
}

#[test]
fn custom_table_without_file_fails_run() {
    kql_command()
        .args(["run", "-q", "Firewall_CL | take 1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the custom table `Firewall_CL` is not loaded",
        ))
        .stderr(predicate::str::contains("--table Firewall_CL=FILE"));
}

// Learn spells the Resource Graph tables both `Resources` and `resources`
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language), so
// files loaded under both spellings would split one table. That is a usage error.
#[test]
fn both_spellings_loaded_is_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let upper = format!("Resources={}", write(dir.path(), "a.jsonl", RESOURCES));
    let lower = format!("resources={}", write(dir.path(), "b.jsonl", CONTAINERS));
    for query in [
        "Resources | count",
        "resources | count",
        "arg(\"\").Resources | count",
    ] {
        kql_command()
            .args(["run", "-q", query, "--table", &upper, "--table", &lower])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is loaded twice"));
    }
}
