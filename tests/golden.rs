//! The published TCP-flags hunting query, run unchanged on the bundled example data,
//! against a result derived by hand (`tests/golden/README.md` explains each row).

use std::collections::BTreeMap;

use crate::support::{kql_command, project_root};

fn rows_as_multiset(result: &serde_json::Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for row in result["rows"].as_array().expect("rows is an array") {
        *counts.entry(row.to_string()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn tcp_flags_query_matches_golden() {
    let root = project_root();
    let output = kql_command()
        .current_dir(&root)
        .args([
            "run",
            "queries/mde-suspicious-tcp-flags.kql",
            "--data",
            "examples/data",
            "--format",
            "json",
        ])
        .output()
        .expect("kql runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "kql failed: {stderr}");
    assert!(stderr.is_empty(), "unexpected warnings: {stderr}");

    let actual: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("valid JSON output");
    let expected_text =
        std::fs::read_to_string(root.join("tests/golden/mde-suspicious-tcp-flags.expected.json"))
            .expect("golden file exists");
    let expected: serde_json::Value =
        serde_json::from_str(&expected_text).expect("valid golden JSON");

    assert_eq!(
        actual["columns"], expected["columns"],
        "column names or types differ"
    );
    // Kusto does not guarantee row order without `sort`, so rows compare as a multiset.
    assert_eq!(rows_as_multiset(&actual), rows_as_multiset(&expected));
}

#[test]
fn published_query_is_byte_identical_to_source() {
    // The query file must stay exactly as published so that "runs unchanged" holds.
    let text = std::fs::read_to_string(project_root().join("queries/mde-suspicious-tcp-flags.kql"))
        .expect("query file exists");
    assert!(
        text.starts_with("let FlagReference = datatable(TcpFlagDecimal:string, Comment:string)\n")
    );
    assert!(text.contains("| extend TcpFlags = tostring(parse_json(info)[\"Tcp Flags\"])\n"));
    assert!(text.contains("//| where IsPrivate == \"0\"\n"));
    assert!(text.ends_with("on $left.TcpFlags == $right.TcpFlagDecimal\n\n"));
}
