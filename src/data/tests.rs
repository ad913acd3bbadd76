//! Loader tests on small inputs written here, in the shapes the portals and APIs export.

use std::io::Write;
use std::path::PathBuf;

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::json;
use tempfile::TempDir;

use super::*;
use crate::schema::{parse_schema_file, Product};
use crate::value::{parse_datetime, Type, Value};

fn write_file(dir: &TempDir, file_name: &str, content: &[u8]) -> PathBuf {
    let path = dir.path().join(file_name);
    if let Err(error) = std::fs::write(&path, content) {
        panic!("cannot write {}: {error}", path.display());
    }
    path
}

/// Writes `content` to a file named `file_name` and loads it as table `name`.
fn load_text(
    name: &str,
    file_name: &str,
    content: &str,
    options: &LoadOptions,
) -> (TempDir, Result<Loaded, Error>) {
    let dir = match TempDir::new() {
        Ok(dir) => dir,
        Err(error) => panic!("cannot create a temporary directory: {error}"),
    };
    let path = write_file(&dir, file_name, content.as_bytes());
    let result = load_file(name, &path, options);
    (dir, result)
}

fn load_ok(name: &str, file_name: &str, content: &str) -> Loaded {
    match load_text(name, file_name, content, &LoadOptions::default()) {
        (_dir, Ok(loaded)) => loaded,
        (_dir, Err(error)) => panic!("loading {file_name} failed: {error}"),
    }
}

fn load_error(name: &str, file_name: &str, content: &str, options: &LoadOptions) -> String {
    match load_text(name, file_name, content, options) {
        (_dir, Ok(loaded)) => panic!("expected an error, loaded {:?}", loaded.table.schema),
        (dir, Err(error)) => {
            // Paths differ per run, so messages are compared with the directory removed.
            let prefix = format!("{}/", dir.path().display());
            error.message.replace(&prefix, "")
        }
    }
}

/// Returns the message of an expected error.
fn error_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error.message,
    }
}

fn column<'a>(loaded: &'a Loaded, name: &str) -> &'a [Value] {
    match loaded.table.column(name) {
        Some(data) => data.as_slice(),
        None => panic!("column {name} is missing from {:?}", loaded.table.schema),
    }
}

fn column_type(loaded: &Loaded, name: &str) -> Option<Type> {
    loaded.table.schema.field(name).map(|field| field.ty)
}

fn datetime(text: &str) -> Value {
    match parse_datetime(text) {
        Some(ticks) => Value::DateTime(ticks),
        None => panic!("{text} is not a datetime"),
    }
}

fn column_names(loaded: &Loaded) -> Vec<&str> {
    loaded.table.schema.names().collect()
}

const PORTAL_CSV: &str = "\u{feff}Timestamp,DeviceName,ActionType,RemoteIP,RemotePort,InitiatingProcessCommandLine,AdditionalFields,ReportId\r\n\
2024-03-05T08:01:02.1234567Z,ws-01.contoso.test,ConnectionSuccess,192.0.2.10,443,\"powershell.exe -c \"\"iwr https://example.test\"\"\",\"{\"\"direction\"\":\"\"Out\"\",\"\"Tcp Flags\"\":18}\",101\r\n\
2024-03-05T08:01:03Z,ws-01.contoso.test,InboundConnectionAccepted,198.51.100.7,,\"cmd.exe /c \"\"echo one\r\necho two\"\"\",,102\r\n";

#[test]
fn csv_portal_export_loads() {
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.csv", PORTAL_CSV);
    let table = &loaded.table;
    assert_eq!(table.row_count, 2);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    let additional = column(&loaded, "AdditionalFields");
    assert_eq!(column_type(&loaded, "AdditionalFields"), Some(Type::String));
    assert_eq!(
        additional[0],
        Value::from(r#"{"direction":"Out","Tcp Flags":18}"#)
    );
    assert_eq!(additional[1], Value::from(""));

    let command_lines = column(&loaded, "InitiatingProcessCommandLine");
    assert_eq!(
        command_lines[0],
        Value::from(r#"powershell.exe -c "iwr https://example.test""#)
    );
    assert_eq!(
        command_lines[1],
        Value::from("cmd.exe /c \"echo one\r\necho two\"")
    );

    assert_eq!(
        column(&loaded, "RemotePort"),
        [Value::Int(443), Value::Null]
    );
    assert_eq!(
        column(&loaded, "ReportId"),
        [Value::Long(101), Value::Long(102)]
    );
    assert_eq!(
        column(&loaded, "Timestamp")[1],
        datetime("2024-03-05T08:01:03Z")
    );
}

#[test]
fn csv_byte_order_mark_is_stripped() {
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.csv", PORTAL_CSV);
    assert_eq!(column_names(&loaded).first(), Some(&"Timestamp"));
    assert!(column_names(&loaded)
        .iter()
        .all(|name| !name.starts_with('\u{feff}')));

    let unknown = loaded_unknown_with_bom();
    assert_eq!(column_names(&unknown), ["Name", "Count"]);
}

fn loaded_unknown_with_bom() -> Loaded {
    load_ok(
        "Inventory",
        "Inventory.csv",
        "\u{feff}Name,Count\nalpha,1\n",
    )
}

#[test]
fn csv_portal_timestamps_under_utc_header() {
    let csv = "TenantId,\"TimeGenerated [UTC]\",Computer,SourceIP\n\
               00000000-0000-0000-0000-000000000001,\"11/20/2020, 4:20:29.443 PM\",fw01,203.0.113.5\n\
               00000000-0000-0000-0000-000000000001,\"11/20/2020, 9:05:00.000 AM\",fw01,203.0.113.6\n";
    let loaded = load_ok("CommonSecurityLog", "CommonSecurityLog.csv", csv);
    assert_eq!(column_type(&loaded, "TimeGenerated"), Some(Type::DateTime));
    assert_eq!(
        column(&loaded, "TimeGenerated"),
        [
            datetime("2020-11-20T16:20:29.443Z"),
            datetime("2020-11-20T09:05:00Z")
        ]
    );

    // The same header on a table without a schema infers datetime from the portal format.
    let unknown = load_ok("Firewall_CL", "Firewall_CL.csv", csv);
    assert_eq!(column_type(&unknown, "TimeGenerated"), Some(Type::DateTime));
    assert_eq!(column_type(&unknown, "TenantId"), Some(Type::String));
}

#[test]
fn csv_wrong_field_count_is_error() {
    let csv = "Name,Count\nalpha,1\nbeta,2,extra\n";
    let message = load_error("Inventory", "Inventory.csv", csv, &LoadOptions::default());
    assert!(message.starts_with("Inventory.csv:3: "), "{message}");
    assert!(
        message.contains("row has 3 fields but the header has 2"),
        "{message}"
    );
}

#[test]
fn csv_semicolon_separated_is_error() {
    let csv = "Name;Count\nalpha;1\n";
    let message = load_error("Inventory", "Inventory.csv", csv, &LoadOptions::default());
    assert!(message.starts_with("Inventory.csv:1: "), "{message}");
    assert!(
        message.contains("`Name;Count`, and its rows are split by `;`"),
        "{message}"
    );
    assert!(message.contains("save the file with commas"), "{message}");

    let tabs = "Name\tCount\nalpha\t1\n";
    let message = load_error("Inventory", "Inventory.csv", tabs, &LoadOptions::default());
    assert!(message.contains("split by a tab"), "{message}");
}

#[test]
fn csv_quoted_semicolon_header_loads() {
    let csv = "\"a;b\"\n1\n";
    let table = load_ok("T", "T.csv", csv).table;
    assert_eq!(table.schema.names().collect::<Vec<_>>(), ["a;b"]);
    assert_eq!(table.row_count, 1);
}

#[test]
fn csv_field_count_counts_quoted_lines() {
    // The second record spans lines 2 and 3, so the short record starts on line 4.
    let csv = "Name,Note\nalpha,\"two\nlines\"\nbeta\n";
    let message = load_error("Inventory", "Inventory.csv", csv, &LoadOptions::default());
    assert!(message.starts_with("Inventory.csv:4: "), "{message}");
}

#[test]
fn csv_unclosed_quote_is_error() {
    let csv = "Name,Note\nalpha,ok\nbeta,\"never closed\ngamma,x\ndelta,y\n";
    let message = load_error("Inventory", "Inventory.csv", csv, &LoadOptions::default());
    assert!(
        message.starts_with("Inventory.csv:3: a quoted field"),
        "{message}"
    );
    assert!(message.contains("never closed"), "{message}");

    // A stray quote inside an unquoted field is kept as text.
    let loaded = load_ok("Screens", "screens.csv", "Name,Size\nmonitor,27\" wide\n");
    assert_eq!(column(&loaded, "Size"), [Value::from("27\" wide")]);
}

#[test]
fn csv_crlf_line_numbers() {
    let csv = "Name,Note\r\nalpha,\"two\r\nlines\"\r\n\r\nbeta,ok\r\ngamma\r\n";
    let message = load_error("Inventory", "Inventory.csv", csv, &LoadOptions::default());
    assert!(message.starts_with("Inventory.csv:6: "), "{message}");

    let options = user_schema("table Counts_CL\nName:string\nCount:int\n");
    let csv = "Name,Count\r\nalpha,1\r\nbeta,x\r\n";
    let (_dir, result) = load_text("Counts_CL", "counts.csv", csv, &options);
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    let message = loaded
        .warnings
        .first()
        .map(|warning| warning.message.as_str())
        .unwrap_or("");
    assert!(message.contains("counts.csv:3 (value \"x\")"), "{message}");
}

#[test]
fn csv_null_text_is_absent_in_typed_columns() {
    let csv = "DeviceName,LocalPort\nws-01,null\nnull,NULL\n";
    let loaded = load_ok("DeviceNetworkEvents", "events.csv", csv);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(column(&loaded, "LocalPort"), [Value::Null, Value::Null]);
    assert_eq!(
        column(&loaded, "DeviceName"),
        [Value::from("ws-01"), Value::from("null")]
    );

    let unknown = load_ok("Custom", "custom.csv", "Count\n1\nnull\n");
    assert_eq!(column(&unknown, "Count"), [Value::Long(1), Value::Null]);
}

#[test]
fn csv_invalid_utf8_is_error() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let path = write_file(&dir, "Inventory.csv", b"Name,Count\nalpha,1\nbe\xfft,2\n");
    let message = match load_file("Inventory", &path, &LoadOptions::default()) {
        Ok(_) => panic!("invalid UTF-8 loaded"),
        Err(error) => error.message,
    };
    assert!(
        message.contains("Inventory.csv:3: invalid UTF-8 in column `Name`"),
        "{message}"
    );
}

#[test]
fn csv_duplicate_header_is_error() {
    let csv = "TimeGenerated [UTC],TimeGenerated [GMT]\n1,2\n";
    let message = load_error("Times", "Times.csv", csv, &LoadOptions::default());
    assert!(message.starts_with("Times.csv:1: "), "{message}");
    assert!(
        message.contains("fields 1 and 2 both name column `TimeGenerated`"),
        "{message}"
    );
}

#[test]
fn csv_unnamed_header_gets_column_name() {
    let loaded = load_ok("Processes", "Processes.csv", ",Account\n0,alice\n1,bob\n");
    assert_eq!(column_names(&loaded), ["Column1", "Account"]);
    assert_eq!(column(&loaded, "Column1"), [Value::Long(0), Value::Long(1)]);
}

#[test]
fn csv_text_into_dynamic_column() {
    let options = user_schema("table Alerts_CL sentinel\nEntities:dynamic\nNote:string\n");
    let csv = "Entities,Note\n\"[{\"\"Type\"\":\"\"host\"\"}]\",a\nplain words,b\n,c\n";
    let (_dir, result) = load_text("Alerts_CL", "Alerts_CL.csv", csv, &options);
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        column(&loaded, "Entities"),
        [
            Value::dynamic(json!([{"Type": "host"}])),
            Value::dynamic(json!("plain words")),
            Value::Null
        ]
    );
}

fn user_schema(text: &str) -> LoadOptions {
    match parse_schema_file(text, "test.schema") {
        Ok(schemas) => LoadOptions {
            strict: false,
            schemas,
            ..LoadOptions::default()
        },
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn jsonl_string_ports_convert() {
    let jsonl = concat!(
        r#"{"Timestamp":"2024-03-05T08:01:02Z","DeviceName":"ws-01","ActionType":"ConnectionSuccess","RemotePort":"443","LocalPort":"51000","RemoteIP":"192.0.2.10"}"#,
        "\n",
        r#"{"Timestamp":"2024-03-05T08:01:03Z","DeviceName":"ws-02","ActionType":"ConnectionFailed","RemotePort":8443,"LocalPort":null}"#,
        "\n",
    );
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.jsonl", jsonl);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(column_type(&loaded, "RemotePort"), Some(Type::Int));
    assert_eq!(
        column(&loaded, "RemotePort"),
        [Value::Int(443), Value::Int(8443)]
    );
    assert_eq!(
        column(&loaded, "LocalPort"),
        [Value::Int(51000), Value::Null]
    );
    assert_eq!(
        column(&loaded, "RemoteIP"),
        [Value::from("192.0.2.10"), Value::from("")]
    );
}

#[test]
fn conversion_failure_warns_with_location() {
    let csv = "Timestamp,DeviceName,LocalPort\n\
               2024-03-05T08:00:00Z,ws-01,80\n\
               2024-03-05T08:00:01Z,ws-01,abc\n\
               2024-03-05T08:00:02Z,ws-01,443\n\
               2024-03-05T08:00:03Z,ws-01,99999999999\n\
               2024-03-05T08:00:04Z,ws-01,-\n";
    let loaded = load_ok("DeviceNetworkEvents", "events.csv", csv);
    assert_eq!(loaded.table.row_count, 5);
    assert_eq!(
        column(&loaded, "LocalPort"),
        [
            Value::Int(80),
            Value::Null,
            Value::Int(443),
            Value::Null,
            Value::Null
        ]
    );
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let message = &loaded.warnings[0].message;
    assert!(
        message
            .starts_with("DeviceNetworkEvents.LocalPort: 3 values could not be converted to int"),
        "{message}"
    );
    assert!(
        message.ends_with(":3 (value \"abc\"). Use --strict to make this an error."),
        "{message}"
    );
    assert!(message.contains("events.csv:3"), "{message}");
}

#[test]
fn strict_mode_rejects_bad_value() {
    let jsonl = concat!(
        r#"{"DeviceName":"ws-01","LocalPort":80}"#,
        "\n\n",
        r#"{"DeviceName":"ws-01","LocalPort":"http"}"#,
        "\n",
    );
    let options = LoadOptions {
        strict: true,
        ..LoadOptions::default()
    };
    let message = load_error("DeviceNetworkEvents", "events.jsonl", jsonl, &options);
    assert!(
        message.starts_with("events.jsonl:3: DeviceNetworkEvents.LocalPort:"),
        "{message}"
    );
    assert!(
        message.contains("value \"http\" is not a valid int"),
        "{message}"
    );

    let lenient = load_ok("DeviceNetworkEvents", "events.jsonl", jsonl);
    assert_eq!(lenient.warnings.len(), 1);
}

#[test]
fn timestamp_fills_time_generated() {
    let jsonl = r#"{"Timestamp":"2024-03-05T08:01:02Z","DeviceName":"ws-01"}"#;
    let loaded = load_ok("DeviceProcessEvents", "DeviceProcessEvents.jsonl", jsonl);
    let expected = [datetime("2024-03-05T08:01:02Z")];
    assert_eq!(column(&loaded, "Timestamp"), expected);
    assert_eq!(column(&loaded, "TimeGenerated"), expected);
}

#[test]
fn time_generated_fills_timestamp() {
    let csv = "TimeGenerated [UTC],DeviceName\n\"3/5/2024, 8:01:02.000 AM\",ws-01\n";
    let loaded = load_ok("DeviceProcessEvents", "DeviceProcessEvents.csv", csv);
    let expected = [datetime("2024-03-05T08:01:02Z")];
    assert_eq!(column(&loaded, "TimeGenerated"), expected);
    assert_eq!(column(&loaded, "Timestamp"), expected);
}

// learn.microsoft.com/azure/azure-monitor/reference/tables/apimanagementgatewaylogs:
// the gateway's own `Timestamp` is a different time from `TimeGenerated`.
#[test]
fn distinct_timestamp_column_not_filled() {
    let jsonl = r#"{"TimeGenerated":"2024-03-05T08:00:00Z","ApiId":"orders"}"#;
    let loaded = load_ok("ApiManagementGatewayLogs", "gateway.jsonl", jsonl);
    assert_eq!(column(&loaded, "Timestamp"), [Value::Null]);
}

// learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns: `Type` is the name
// of the table the record belongs to.
#[test]
fn missing_type_column_is_table_name() {
    let jsonl = r#"{"TimeGenerated":"2024-03-05T08:00:00Z","UserPrincipalName":"a@contoso.com"}"#;
    let loaded = load_ok("SigninLogs", "signin.jsonl", jsonl);
    assert_eq!(column(&loaded, "Type"), [Value::from("SigninLogs")]);
}

#[test]
fn empty_type_values_get_table_name() {
    let jsonl =
        "{\"Type\":\"SigninLogs\",\"UserPrincipalName\":\"a\"}\n{\"UserPrincipalName\":\"b\"}";
    let loaded = load_ok("SigninLogs", "signin.jsonl", jsonl);
    let expected = [Value::from("SigninLogs"), Value::from("SigninLogs")];
    assert_eq!(column(&loaded, "Type"), expected);
}

#[test]
fn both_time_columns_kept_when_present() {
    let jsonl = r#"{"Timestamp":"2024-03-05T08:00:00Z","TimeGenerated":"2024-03-05T09:00:00Z"}"#;
    let loaded = load_ok("DeviceEvents", "DeviceEvents.jsonl", jsonl);
    assert_eq!(
        column(&loaded, "Timestamp"),
        [datetime("2024-03-05T08:00:00Z")]
    );
    assert_eq!(
        column(&loaded, "TimeGenerated"),
        [datetime("2024-03-05T09:00:00Z")]
    );
}

#[test]
fn missing_catalog_columns_are_empty() {
    let jsonl = r#"{"Timestamp":"2024-03-05T08:00:00Z","DeviceName":"ws-01"}"#;
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.jsonl", jsonl);
    let catalog = schema::builtin("DeviceNetworkEvents").map(TableSchema::to_schema);
    assert_eq!(Some(&loaded.table.schema), catalog.as_ref());
    assert_eq!(column(&loaded, "RemoteUrl"), [Value::from("")]);
    assert_eq!(column(&loaded, "RemotePort"), [Value::Null]);
    assert_eq!(column(&loaded, "AdditionalFields"), [Value::from("")]);
}

#[test]
fn extra_columns_follow_catalog_columns() {
    let jsonl = concat!(
        r#"{"Zeta":1,"DeviceName":"ws-01","Alpha":"x"}"#,
        "\n",
        r#"{"DeviceName":"ws-02","Beta":true}"#,
    );
    let loaded = load_ok("DeviceInfo", "DeviceInfo.jsonl", jsonl);
    let names = column_names(&loaded);
    let catalog_len = schema::builtin("DeviceInfo").map_or(0, |table| table.columns.len());
    assert_eq!(names.len(), catalog_len + 3);
    assert_eq!(names[catalog_len..], ["Zeta", "Alpha", "Beta"]);
    assert_eq!(column(&loaded, "Zeta"), [Value::Long(1), Value::Null]);
    assert_eq!(
        column(&loaded, "Alpha"),
        [Value::from("x"), Value::from("")]
    );
    assert_eq!(column_type(&loaded, "Beta"), Some(Type::Bool));
}

#[test]
fn broken_json_line_names_line() {
    let jsonl = concat!(
        r#"{"DeviceName":"ws-01"}"#,
        "\n",
        r#"{"DeviceName":"ws-02"}"#,
        "\n",
        r#"{"DeviceName":"ws-"#,
        "\n",
        r#"{"DeviceName":"ws-04"}"#,
        "\n",
    );
    for file_name in ["events.jsonl", "events.json"] {
        let message = load_error("DeviceEvents", file_name, jsonl, &LoadOptions::default());
        assert!(
            message.starts_with(&format!("invalid JSON at {file_name}:3, column ")),
            "{message}"
        );
        assert!(message.contains("EOF while parsing a string"), "{message}");
        assert!(message.ends_with("fix or remove the line"), "{message}");
    }
}

#[test]
fn json_element_not_object_is_error() {
    let array = "[\n  {\"A\": 1},\n  [1, 2]\n]\n";
    let message = load_error("Things", "things.json", array, &LoadOptions::default());
    assert!(
        message.starts_with("things.json:3: expected a JSON object for each row, found an array"),
        "{message}"
    );

    let lines = "{\"A\": 1}\n\"text\"\n";
    let message = load_error("Things", "things.jsonl", lines, &LoadOptions::default());
    assert!(
        message.starts_with("things.jsonl:2: expected a JSON object for each row, found a string"),
        "{message}"
    );
}

#[test]
fn json_array_rows_have_start_lines() {
    let array = "\n[\n  {\n    \"Port\": \"80\"\n  },\n  {\n    \"Port\": \"none\"\n  }\n]\n";
    let options = user_schema("table Ports_CL\nPort:int\n");
    let (_dir, result) = load_text("Ports_CL", "ports.json", array, &options);
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(column(&loaded, "Port"), [Value::Int(80), Value::Null]);
    let message = loaded
        .warnings
        .first()
        .map(|warning| warning.message.as_str())
        .unwrap_or("");
    assert!(
        message.contains("first at ") && message.contains("ports.json:6 (value \"none\")"),
        "{message}"
    );
}

#[test]
fn json_array_syntax_error_names_line() {
    let array = "[\n{\"A\": 1},\n{\"A\": 2,,}\n]\n";
    let message = load_error("Things", "things.json", array, &LoadOptions::default());
    assert!(
        message.starts_with("invalid JSON at things.json:3, column "),
        "{message}"
    );
    assert!(message.ends_with("fix the file"), "{message}");

    let trailing = load_error(
        "Things",
        "things.json",
        "[{\"A\": 1}] x",
        &LoadOptions::default(),
    );
    assert!(trailing.contains("trailing characters"), "{trailing}");
}

#[test]
fn json_pretty_objects_in_sequence() {
    let text =
        "{\n  \"Port\": 80,\n  \"Host\": \"a\"\n}\n{\n  \"Port\": \"bad\",\n  \"Host\": \"b\"\n}\n";
    let options = user_schema("table Ports_CL\nPort:long\nHost:string\n");
    let (_dir, result) = load_text("Ports_CL", "ports.json", text, &options);
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        column(&loaded, "Host"),
        [Value::from("a"), Value::from("b")]
    );
    let message = loaded
        .warnings
        .first()
        .map(|warning| warning.message.as_str())
        .unwrap_or("");
    assert!(
        message.contains("ports.json:5 (value \"bad\")"),
        "{message}"
    );
}

#[test]
fn json_array_of_rows_loads() {
    let array = r#"[{"Computer":"srv1","Count":3,"Ratio":0.5,"When":"2024-01-02T03:04:05Z","Tags":{"env":"prod"}},
                    {"Computer":"srv2","Count":4,"Ratio":1,"When":"2024-01-02T03:04:06Z","Tags":null}]"#;
    let loaded = load_ok("Inventory_CL", "inventory.json", array);
    assert_eq!(
        column_names(&loaded),
        ["Computer", "Count", "Ratio", "When", "Tags"]
    );
    assert_eq!(column_type(&loaded, "Count"), Some(Type::Long));
    assert_eq!(column_type(&loaded, "Ratio"), Some(Type::Real));
    assert_eq!(column_type(&loaded, "When"), Some(Type::DateTime));
    assert_eq!(column_type(&loaded, "Tags"), Some(Type::Dynamic));
    assert_eq!(
        column(&loaded, "Ratio"),
        [Value::Real(0.5), Value::Real(1.0)]
    );
    assert_eq!(
        column(&loaded, "Tags"),
        [Value::dynamic(json!({"env": "prod"})), Value::Null]
    );
}

#[test]
fn additional_fields_object_becomes_dynamic() {
    let jsonl = r#"{"Timestamp":"2024-03-05T08:00:00Z","AdditionalFields":{"direction":"In","Tcp Flags":2}}"#;
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.jsonl", jsonl);
    assert_eq!(
        column_type(&loaded, "AdditionalFields"),
        Some(Type::Dynamic)
    );
    assert_eq!(
        column(&loaded, "AdditionalFields"),
        [Value::dynamic(json!({"direction": "In", "Tcp Flags": 2}))]
    );
}

#[test]
fn additional_fields_text_stays_string() {
    let jsonl =
        r#"{"Timestamp":"2024-03-05T08:00:00Z","AdditionalFields":"{\"direction\":\"In\"}"}"#;
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.jsonl", jsonl);
    assert_eq!(column_type(&loaded, "AdditionalFields"), Some(Type::String));
    assert_eq!(
        column(&loaded, "AdditionalFields"),
        [Value::from(r#"{"direction":"In"}"#)]
    );
}

#[test]
fn large_json_integer_in_string_column_keeps_digits() {
    let jsonl = r#"{"Timestamp":"2024-03-05T08:00:00Z","ActionType":12345678901234567890}
{"Timestamp":"2024-03-05T08:00:00Z","ActionType":-42}
{"Timestamp":"2024-03-05T08:00:00Z","ActionType":2.5}"#;
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.jsonl", jsonl);
    assert_eq!(
        column(&loaded, "ActionType"),
        [
            Value::from("12345678901234567890"),
            Value::from("-42"),
            Value::from("2.5")
        ]
    );
}

#[test]
fn log_analytics_json_text_into_dynamic() {
    let jsonl = r#"{"TimeGenerated":"2024-03-05T08:00:00Z","TargetResources":"[{\"id\":\"app-1\"}]","OperationName":"Add application"}"#;
    let loaded = load_ok("AuditLogs", "AuditLogs.jsonl", jsonl);
    assert_eq!(column_type(&loaded, "TargetResources"), Some(Type::Dynamic));
    assert_eq!(
        column(&loaded, "TargetResources"),
        [Value::dynamic(json!([{"id": "app-1"}]))]
    );
}

#[test]
fn csv_unknown_table_infers_types() {
    let csv = "Host,EventID,Score,Enabled,Seen,Id,Zip,Payload\n\
               srv1,4624,0.5,True,2024-01-02T03:04:05Z,5f2b9a1c-0d3e-4f56-8a7b-9c0d1e2f3a4b,0123,\"{\"\"a\"\":1}\"\n\
               srv2,4688,2,false,2024-01-02 03:04:06,5f2b9a1c-0d3e-4f56-8a7b-9c0d1e2f3a4c,1234,\"{\"\"a\"\":2}\"\n";
    let loaded = load_ok("Custom", "custom.csv", csv);
    let types: Vec<Type> = loaded
        .table
        .schema
        .fields
        .iter()
        .map(|field| field.ty)
        .collect();
    assert_eq!(
        types,
        [
            Type::String,
            Type::Long,
            Type::Real,
            Type::Bool,
            Type::DateTime,
            Type::String,
            Type::String,
            Type::String
        ]
    );
    assert_eq!(
        column(&loaded, "Zip"),
        [Value::from("0123"), Value::from("1234")]
    );
    assert_eq!(
        column(&loaded, "Enabled"),
        [Value::Bool(true), Value::Bool(false)]
    );
}

#[test]
fn empty_file_of_known_table_has_schema() {
    let loaded = load_ok("DeviceEvents", "DeviceEvents.csv", "");
    assert_eq!(loaded.table.row_count, 0);
    let catalog = schema::builtin("DeviceEvents").map(TableSchema::to_schema);
    assert_eq!(Some(&loaded.table.schema), catalog.as_ref());

    let json = load_ok("DeviceEvents", "DeviceEvents.json", "  \n");
    assert_eq!(json.table.row_count, 0);
}

#[test]
fn empty_file_of_unknown_table_is_error() {
    for file_name in ["custom.csv", "custom.json", "custom.jsonl"] {
        let message = load_error("Custom", file_name, "", &LoadOptions::default());
        assert!(
            message.starts_with(&format!("{file_name} has no rows and no CSV header")),
            "{message}"
        );
        assert!(
            message.contains("columns of table `Custom` are unknown"),
            "{message}"
        );
    }
    let array = load_error("Custom", "custom.json", "[]", &LoadOptions::default());
    assert!(array.contains("are unknown"), "{array}");
}

#[test]
fn header_only_csv_has_string_columns() {
    let loaded = load_ok("Custom", "custom.csv", "A,B\n");
    assert_eq!(loaded.table.row_count, 0);
    assert_eq!(column_type(&loaded, "A"), Some(Type::String));
    assert_eq!(column_type(&loaded, "B"), Some(Type::String));
}

#[test]
fn file_errors_name_the_path() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let options = LoadOptions::default();

    let missing = dir.path().join("absent.csv");
    let message = error_message(load_file("T", &missing, &options));
    assert_eq!(message, format!("file not found: {}", missing.display()));

    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap_or_else(|error| panic!("{error}"));
    let message = error_message(load_file("T", &folder, &options));
    assert!(
        message.starts_with(&format!("{} is a directory", folder.display())),
        "{message}"
    );

    let message = error_message(load_files("T", &[], &options));
    assert_eq!(message, "no input files given for table `T`");

    let text = write_file(&dir, "notes.txt", b"hello");
    let message = error_message(load_file("T", &text, &options));
    assert!(
        message.starts_with("unsupported file extension: "),
        "{message}"
    );
    assert!(message.contains("notes.txt"), "{message}");
}

#[test]
fn utf16_input_is_error() {
    let message = load_error("T", "t.csv", "\u{feff}", &LoadOptions::default());
    // A UTF-8 BOM alone is an empty file.
    assert!(message.contains("no rows and no CSV header"), "{message}");

    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let path = write_file(&dir, "t.csv", &[0xff, 0xfe, b'A', 0, b'\n', 0]);
    let message = error_message(load_file("T", &path, &LoadOptions::default()));
    assert!(message.contains("is UTF-16 encoded"), "{message}");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(bytes)
        .unwrap_or_else(|error| panic!("{error}"));
    encoder.finish().unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn gzip_files_load() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let csv = write_file(
        &dir,
        "DeviceNetworkEvents.csv.gz",
        &gzip(PORTAL_CSV.as_bytes()),
    );
    let jsonl = write_file(&dir, "Custom.jsonl.gz", &gzip(b"{\"A\":1}\n{\"A\":2}\n"));
    let options = LoadOptions::default();

    let network =
        load_file("DeviceNetworkEvents", &csv, &options).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(network.table.row_count, 2);
    let custom = load_file("Custom", &jsonl, &options).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(column(&custom, "A"), [Value::Long(1), Value::Long(2)]);

    let corrupt = write_file(
        &dir,
        "Broken.csv.gz",
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff],
    );
    let message = error_message(load_file("Broken", &corrupt, &options));
    assert!(message.starts_with("failed to read "), "{message}");
    assert!(message.contains("Broken.csv.gz"), "{message}");
}

#[test]
fn reader_input_loads_and_detects_gzip() {
    let options = LoadOptions::default();
    let plain = load_reader(
        "Custom",
        "<stdin>",
        Format::Csv,
        "A,B\n1,x\n".as_bytes(),
        &options,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(column(&plain, "A"), [Value::Long(1)]);

    let compressed = gzip(b"[{\"A\":true}]");
    let from_gzip = load_reader(
        "Custom",
        "<stdin>",
        Format::Json,
        compressed.as_slice(),
        &options,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(column(&from_gzip, "A"), [Value::Bool(true)]);

    let message = error_message(load_reader(
        "Custom",
        "<stdin>",
        Format::JsonLines,
        "{\n".as_bytes(),
        &options,
    ));
    assert!(
        message.starts_with("invalid JSON at <stdin>:1, column "),
        "{message}"
    );
}

#[test]
fn directory_lists_data_files() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    write_file(&dir, "DeviceEvents.2.csv", b"DeviceName\nws-02\n");
    write_file(
        &dir,
        "DeviceEvents.1.jsonl",
        b"{\"DeviceName\":\"ws-01\",\"Extra\":5}\n",
    );
    write_file(&dir, "Custom.JSON", b"[{\"A\":1}]");
    write_file(&dir, "README.md", b"not data");
    write_file(&dir, ".hidden.csv", b"A\n1\n");
    std::fs::create_dir(dir.path().join("nested.csv")).unwrap_or_else(|error| panic!("{error}"));

    let listed = list_dir(dir.path()).unwrap_or_else(|error| panic!("{error}"));
    let names: Vec<(&str, String)> = listed
        .iter()
        .map(|(name, path)| {
            (
                name.as_str(),
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Custom", "Custom.JSON".to_string()),
            ("DeviceEvents", "DeviceEvents.1.jsonl".to_string()),
            ("DeviceEvents", "DeviceEvents.2.csv".to_string()),
        ]
    );

    let tables =
        load_dir(dir.path(), &LoadOptions::default()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(tables.len(), 2);
    let Some((_, events)) = tables.iter().find(|(name, _)| name == "DeviceEvents") else {
        panic!("DeviceEvents was not loaded");
    };
    assert_eq!(
        column(events, "DeviceName"),
        [Value::from("ws-01"), Value::from("ws-02")]
    );
    assert_eq!(column(events, "Extra"), [Value::Long(5), Value::Null]);
}

#[test]
fn directory_errors_name_the_path() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let missing = dir.path().join("nope");
    let message = error_message(list_dir(&missing));
    assert_eq!(
        message,
        format!("directory not found: {}", missing.display())
    );

    let file = write_file(&dir, "a.csv", b"A\n1\n");
    let message = error_message(list_dir(&file));
    assert_eq!(
        message,
        format!("{} is a file, not a directory", file.display())
    );
}

#[test]
fn warnings_across_files_name_each_file() {
    let dir = TempDir::new().unwrap_or_else(|error| panic!("{error}"));
    let first = write_file(&dir, "a.csv", b"DeviceName,LocalPort\nws-01,80\n");
    let second = write_file(&dir, "b.csv", b"DeviceName,LocalPort\nws-02,bad\n");
    let loaded = load_files(
        "DeviceNetworkEvents",
        &[first, second],
        &LoadOptions::default(),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(loaded.table.row_count, 2);
    let message = loaded
        .warnings
        .first()
        .map(|warning| warning.message.as_str())
        .unwrap_or("");
    assert!(message.contains("b.csv:2 (value \"bad\")"), "{message}");
    assert!(
        message.contains("1 value could not be converted to int and was set to null"),
        "{message}"
    );
}

#[test]
fn user_schema_overrides_builtin() {
    let options = user_schema("table DeviceEvents\nDeviceName:string\nCount:long\n");
    let (_dir, result) = load_text(
        "DeviceEvents",
        "DeviceEvents.csv",
        "Count,DeviceName\n3,ws\n",
        &options,
    );
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(column_names(&loaded), ["DeviceName", "Count"]);
    assert_eq!(column(&loaded, "Count"), [Value::Long(3)]);
}

#[test]
fn format_and_table_name_from_path() {
    let cases = [
        (
            "a/DeviceEvents.csv",
            Some(Format::Csv),
            Some("DeviceEvents"),
        ),
        (
            "DeviceEvents.part1.CSV.gz",
            Some(Format::Csv),
            Some("DeviceEvents"),
        ),
        ("x.ndjson", Some(Format::JsonLines), Some("x")),
        ("x.jsonl.gz", Some(Format::JsonLines), Some("x")),
        ("x.json", Some(Format::Json), Some("x")),
        ("x.gz", None, Some("x")),
        ("x.txt", None, Some("x")),
        ("csv", None, Some("csv")),
    ];
    for (path, format, name) in cases {
        let path = Path::new(path);
        assert_eq!(Format::from_path(path), format, "{}", path.display());
        assert_eq!(table_name_of(path).as_deref(), name, "{}", path.display());
    }
}

// Query API responses. The layouts follow the Microsoft Graph `huntingQueryResults`
// resource (https://learn.microsoft.com/graph/api/resources/security-huntingqueryresults),
// the Defender advanced hunting API (https://learn.microsoft.com/defender-endpoint/api/run-advanced-query-api)
// and the Log Analytics query API response (https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format).

const HUNTING_RESPONSE: &str = r#"{
  "Stats": {"ExecutionTime": 0.1},
  "Schema": [
    {"Name": "Timestamp", "Type": "DateTime"},
    {"Name": "DeviceName", "Type": "String"},
    {"Name": "RemotePort", "Type": "Int32"},
    {"Name": "Bytes", "Type": "Int64"},
    {"Name": "Flag", "Type": "Boolean"},
    {"Name": "Bag", "Type": "Object"},
    {"Name": "Ratio", "Type": "Double"},
    {"Name": "Id", "Type": "Guid"},
    {"Name": "Elapsed", "Type": "TimeSpan"}
  ],
  "Results": [
    {"Timestamp": "2024-03-05T08:01:02.1234567Z", "DeviceName": "ws-01", "RemotePort": 443,
     "Bytes": 5000000000, "Flag": true, "Bag": {"a": 1}, "Ratio": 0.5,
     "Id": "5f2b9a1c-0d3e-4f56-8a7b-9c0d1e2f3a4b", "Elapsed": "00:01:30"},
    {"Timestamp": "2024-03-05T08:01:03Z", "DeviceName": "ws-02", "RemotePort": null,
     "Bytes": 7, "Flag": false, "Bag": null, "Ratio": 2, "Id": null, "Elapsed": null}
  ]
}"#;

#[test]
fn hunting_response_uses_declared_types() {
    let loaded = load_ok("Custom", "Custom.json", HUNTING_RESPONSE);
    assert_eq!(loaded.table.row_count, 2);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let expected = [
        ("Timestamp", Type::DateTime),
        ("DeviceName", Type::String),
        ("RemotePort", Type::Int),
        ("Bytes", Type::Long),
        ("Flag", Type::Bool),
        ("Bag", Type::Dynamic),
        ("Ratio", Type::Real),
        ("Id", Type::Guid),
        ("Elapsed", Type::Timespan),
    ];
    assert_eq!(
        column_names(&loaded),
        expected.iter().map(|(name, _)| *name).collect::<Vec<_>>()
    );
    for (name, ty) in expected {
        assert_eq!(column_type(&loaded, name), Some(ty), "{name}");
    }
    assert_eq!(
        column(&loaded, "Timestamp")[0],
        datetime("2024-03-05T08:01:02.1234567Z")
    );
    assert_eq!(
        column(&loaded, "RemotePort"),
        [Value::Int(443), Value::Null]
    );
    assert_eq!(
        column(&loaded, "Ratio"),
        [Value::Real(0.5), Value::Real(2.0)]
    );
    assert_eq!(column(&loaded, "Bag")[0], Value::dynamic(json!({"a": 1})));
}

#[test]
fn graph_hunting_response_in_lower_case() {
    let text = r#"{"@odata.context": "x", "schema": [{"name": "Timestamp", "type": "DateTime"},
        {"name": "Port", "type": "Int32"}],
        "results": [{"Timestamp": "2024-01-01T00:00:00Z", "Port": "80"}]}"#;
    let loaded = load_ok("T", "T.json", text);
    assert_eq!(column_type(&loaded, "Port"), Some(Type::Int));
    assert_eq!(column(&loaded, "Port"), [Value::Int(80)]);
    assert_eq!(column_type(&loaded, "Timestamp"), Some(Type::DateTime));
}

#[test]
fn hunting_response_row_lines_in_warnings() {
    let text = "{\"Schema\": [{\"Name\": \"Port\", \"Type\": \"Int32\"}],\n\
                \"Results\": [\n\
                {\"Port\": 1},\n\
                {\"Port\": \"many\"}\n\
                ]}";
    let (dir, result) = load_text("T", "T.json", text, &LoadOptions::default());
    let loaded = result.unwrap_or_else(|error| panic!("{error}"));
    let message = loaded
        .warnings
        .first()
        .map(|warning| {
            warning
                .message
                .replace(&format!("{}/", dir.path().display()), "")
        })
        .unwrap_or_default();
    assert!(message.contains("first at T.json:4"), "{message}");
}

#[test]
fn catalog_table_from_hunting_response() {
    let text = r#"{"Schema": [{"Name": "Timestamp", "Type": "DateTime"},
        {"Name": "RemotePort", "Type": "Int64"}, {"Name": "AdditionalFields", "Type": "String"}],
        "Results": [{"Timestamp": "2024-01-01T00:00:00Z", "RemotePort": 80,
        "AdditionalFields": "{\"a\":1}"}]}"#;
    let loaded = load_ok("DeviceNetworkEvents", "DeviceNetworkEvents.json", text);
    // The catalog type wins over the declared type, so queries bind the same way as
    // against the catalog.
    assert_eq!(column_type(&loaded, "RemotePort"), Some(Type::Int));
    assert_eq!(column_type(&loaded, "AdditionalFields"), Some(Type::String));
    assert_eq!(
        column(&loaded, "TimeGenerated"),
        column(&loaded, "Timestamp")
    );
}

const LOG_ANALYTICS_RESPONSE: &str = r#"{"tables": [{"name": "PrimaryResult",
  "columns": [{"name": "TimeGenerated", "type": "datetime"},
              {"name": "Computer", "type": "string"},
              {"name": "EventID", "type": "int"},
              {"name": "Props", "type": "dynamic"}],
  "rows": [
    ["2021-08-02T13:09:20.04Z", "dc01", 4624, "{\"k\":[1,2]}"],
    ["2021-08-02T13:09:21Z", "dc02", 4625, null]
  ]}]}"#;

#[test]
fn log_analytics_response_loads() {
    let loaded = load_ok("Custom_CL", "Custom_CL.json", LOG_ANALYTICS_RESPONSE);
    assert_eq!(loaded.table.row_count, 2);
    assert_eq!(
        column_names(&loaded),
        ["TimeGenerated", "Computer", "EventID", "Props"]
    );
    assert_eq!(column_type(&loaded, "TimeGenerated"), Some(Type::DateTime));
    assert_eq!(column_type(&loaded, "EventID"), Some(Type::Int));
    assert_eq!(
        column(&loaded, "EventID"),
        [Value::Int(4624), Value::Int(4625)]
    );
    assert_eq!(
        column(&loaded, "Props")[0],
        Value::dynamic(json!({"k": [1, 2]}))
    );
}

#[test]
fn kusto_v1_response_uses_column_type() {
    let text = r#"{"Tables": [
      {"TableName": "Table_0",
       "Columns": [{"ColumnName": "n", "DataType": "Int64", "ColumnType": "long"},
                   {"ColumnName": "ok", "DataType": "SByte", "ColumnType": "bool"}],
       "Rows": [[1, true], [2, false]]},
      {"TableName": "Table_1", "Columns": [{"ColumnName": "Value", "DataType": "String"}],
       "Rows": [["{}"]]},
      {"TableName": "Table_2",
       "Columns": [{"ColumnName": "Ordinal", "DataType": "Int64"},
                   {"ColumnName": "Kind", "DataType": "String"},
                   {"ColumnName": "Name", "DataType": "String"},
                   {"ColumnName": "Id", "DataType": "String"},
                   {"ColumnName": "PrettyName", "DataType": "String"}],
       "Rows": [[0, "QueryResult", "PrimaryResult", "a", ""],
                [1, "QueryProperties", "@ExtendedProperties", "b", ""]]}]}"#;
    let loaded = load_ok("T", "T.json", text);
    assert_eq!(column_names(&loaded), ["n", "ok"]);
    assert_eq!(column(&loaded, "n"), [Value::Long(1), Value::Long(2)]);
    assert_eq!(
        column(&loaded, "ok"),
        [Value::Bool(true), Value::Bool(false)]
    );
}

#[test]
fn kusto_v2_response_reads_primary_frame() {
    let text = r#"[
      {"FrameType": "DataSetHeader", "IsProgressive": false, "Version": "v2.0"},
      {"FrameType": "DataTable", "TableId": 0, "TableKind": "QueryProperties",
       "TableName": "@ExtendedProperties",
       "Columns": [{"ColumnName": "Value", "ColumnType": "dynamic"}], "Rows": [[{}]]},
      {"FrameType": "DataTable", "TableId": 1, "TableKind": "PrimaryResult",
       "TableName": "PrimaryResult",
       "Columns": [{"ColumnName": "When", "ColumnType": "datetime"},
                   {"ColumnName": "Who", "ColumnType": "string"}],
       "Rows": [["2024-01-01T00:00:00Z", "a"],
                ["2024-01-02T00:00:00Z", "b"],
                ["2024-01-03T00:00:00Z", "c"]]},
      {"FrameType": "DataSetCompletion", "HasErrors": false, "Cancelled": false}
    ]"#;
    let loaded = load_ok("T", "T.json", text);
    assert_eq!(loaded.table.row_count, 3);
    assert_eq!(column_type(&loaded, "When"), Some(Type::DateTime));
    assert_eq!(column_names(&loaded), ["When", "Who"]);
}

#[test]
fn response_errors_name_file_and_line() {
    let short_row = "{\"tables\": [{\"name\": \"PrimaryResult\",\n\
                     \"columns\": [{\"name\": \"a\", \"type\": \"long\"}, {\"name\": \"b\", \"type\": \"long\"}],\n\
                     \"rows\": [\n[1, 2],\n[3]\n]}]}";
    let message = load_error("T", "T.json", short_row, &LoadOptions::default());
    assert_eq!(
        message,
        "T.json:5: row has 1 values but the response declares 2 columns"
    );

    let error_row = "{\"tables\": [{\"name\": \"PrimaryResult\",\n\
                     \"columns\": [{\"name\": \"a\", \"type\": \"long\"}],\n\
                     \"rows\": [[1], {\"error\": \"partial failure\"}]}]}";
    let message = load_error("T", "T.json", error_row, &LoadOptions::default());
    assert!(message.starts_with("T.json:3: expected a row"), "{message}");

    let two_tables = r#"{"tables": [
        {"name": "A", "columns": [{"name": "a", "type": "long"}], "rows": []},
        {"name": "B", "columns": [{"name": "a", "type": "long"}], "rows": []}]}"#;
    let message = load_error("T", "T.json", two_tables, &LoadOptions::default());
    assert!(message.contains("contains tables A, B"), "{message}");
}

#[test]
fn unknown_declared_type_is_inferred_with_warning() {
    let text = r#"{"Schema": [{"Name": "x", "Type": "Banana"}], "Results": [{"x": 5}]}"#;
    let loaded = load_ok("T", "T.json", text);
    assert_eq!(column_type(&loaded, "x"), Some(Type::Long));
    let message = loaded
        .warnings
        .first()
        .map(|warning| warning.message.clone())
        .unwrap_or_default();
    assert!(message.contains("type `Banana`"), "{message}");
}

#[test]
fn row_starting_with_response_key_is_a_row() {
    let text = "{\"Stats\": 3, \"Name\": \"a\"}\n{\"Stats\": 4, \"Name\": \"b\"}\n";
    let loaded = load_ok("T", "T.json", text);
    assert_eq!(loaded.table.row_count, 2);
    assert_eq!(column(&loaded, "Stats"), [Value::Long(3), Value::Long(4)]);
}

#[test]
fn split_columns_merge_on_load() {
    let text = concat!(
        "{\"Timestamp\":\"2021-08-02T13:11:39Z\",\"ReportId_long\":113597,\"ReportId_string\":\"\",",
        "\"AdditionalFields_string\":\"{\\\"a\\\":1}\",\"AdditionalFields_dynamic\":null}\n",
        "{\"Timestamp\":\"2021-08-02T13:11:40Z\",\"ReportId\":\"3ab9_10\",",
        "\"AdditionalFields\":{\"b\":2},\"UserAgent_string\":\"\",\"UserAgent_dynamic\":null}\n",
    );
    let loaded = load_ok("Mixed", "Mixed.json", text);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        column_names(&loaded),
        ["Timestamp", "ReportId", "AdditionalFields", "UserAgent"]
    );
    assert_eq!(column_type(&loaded, "ReportId"), Some(Type::String));
    assert_eq!(
        column(&loaded, "ReportId"),
        [Value::from("113597"), Value::from("3ab9_10")]
    );
    assert_eq!(
        column_type(&loaded, "AdditionalFields"),
        Some(Type::Dynamic)
    );
    assert_eq!(column_type(&loaded, "UserAgent"), Some(Type::String));

    let windows = "{\"EventID\":4624,\"EventData_dynamic\":\"[\\\"x\\\"]\"}\n{\"EventID\":4625}\n";
    let loaded = load_ok("Events", "Events.json", windows);
    assert_eq!(column_type(&loaded, "EventData"), Some(Type::Dynamic));
    assert_eq!(
        column(&loaded, "EventData")[0],
        Value::dynamic(json!(["x"]))
    );
}

#[test]
fn split_columns_take_catalog_type() {
    let text = "Timestamp,ReportId_long,ReportId_string,DeviceName\n\
                2024-01-01T00:00:00Z,17,,ws-01\n";
    let loaded = load_ok("DeviceEvents", "DeviceEvents.csv", text);
    assert_eq!(column_type(&loaded, "ReportId"), Some(Type::Long));
    assert_eq!(column(&loaded, "ReportId"), [Value::Long(17)]);
    assert!(loaded.table.schema.field("ReportId_long").is_none());
}

#[test]
fn deep_json_nesting_is_error_with_line() {
    let deep = format!(
        "{{\"a\":1}}\n{{\"a\":{}{}}}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    for file_name in ["deep.json", "deep.jsonl"] {
        let message = load_error("T", file_name, &deep, &LoadOptions::default());
        assert!(message.contains(&format!("{file_name}:2")), "{message}");
        assert!(message.contains("recursion limit exceeded"), "{message}");
    }

    let deep_response = format!(
        "{{\"Schema\": [{{\"Name\": \"a\", \"Type\": \"Object\"}}],\n\"Results\": [\n{{\"a\": {}{}}}]}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let message = load_error("T", "deep.json", &deep_response, &LoadOptions::default());
    assert!(message.contains("deep.json:3"), "{message}");
    assert!(message.contains("recursion limit exceeded"), "{message}");
}

#[test]
fn too_many_columns_is_error() {
    let header: Vec<String> = (0..=MAX_COLUMNS).map(|index| format!("c{index}")).collect();
    let text = format!("{}\n", header.join(","));
    let message = load_error("T", "wide.csv", &text, &LoadOptions::default());
    assert!(
        message.starts_with("wide.csv:1: the table has more than 10000 columns"),
        "{message}"
    );

    let mut lines = String::new();
    for row in 0..=MAX_COLUMNS {
        lines.push_str(&format!("{{\"k{row}\": 1}}\n"));
    }
    let message = load_error("T", "keys.jsonl", &lines, &LoadOptions::default());
    assert!(message.starts_with("keys.jsonl:10001: "), "{message}");
}

// RFC 8259, section 2: whitespace is space, tab, line feed and carriage return only, so a
// line of other whitespace is not blank but invalid JSON.
#[test]
fn non_json_whitespace_line_is_error() {
    for (content, line) in [
        ("{\"a\":1}\n\u{a0}\n", 2),
        ("{\"a\":1}\n\u{2028}\n", 2),
        ("\u{c}{\"a\":1}\n", 1),
        ("{\"a\":1}\n\u{b}\n", 2),
    ] {
        let message = load_error("T", "t.jsonl", content, &LoadOptions::default());
        assert!(
            message.contains(&format!("t.jsonl:{line}")),
            "{content:?}: {message}"
        );
    }
    let loaded = load_ok("T", "t.jsonl", " \t\r\n{\"a\":1}\n \t\n{\"a\":2}\r\n");
    assert_eq!(loaded.table.row_count, 2);
}

/// A Log Analytics CSV export of a table that Defender XDR also has contains
/// `AdditionalFields` as JSON text. By default the XDR type `string` applies; with the
/// Sentinel product the column is `dynamic`, as the Sentinel table reference types it
/// (learn.microsoft.com/azure/azure-monitor/reference/tables/deviceevents).
#[test]
fn product_picks_catalog_types() {
    let text = "TimeGenerated [UTC],DeviceName,AdditionalFields\n\
                2025-01-01T00:00:00Z,pc-1,\"{\"\"Command\"\":\"\"whoami\"\"}\"\n";
    let loaded = load_ok("DeviceEvents", "DeviceEvents.csv", text);
    assert_eq!(column_type(&loaded, "AdditionalFields"), Some(Type::String));

    let sentinel = LoadOptions {
        product: Some(Product::Sentinel),
        ..LoadOptions::default()
    };
    let (_dir, loaded) = load_text("DeviceEvents", "DeviceEvents.csv", text, &sentinel);
    let loaded = loaded.expect("loads");
    assert_eq!(
        column_type(&loaded, "AdditionalFields"),
        Some(Type::Dynamic)
    );
    let bag = column(&loaded, "AdditionalFields")[0].to_kusto_string();
    assert_eq!(bag, r#"{"Command":"whoami"}"#);
    // Both time columns stay, the missing one filled from the other.
    assert_eq!(column_type(&loaded, "Timestamp"), Some(Type::DateTime));

    // JSON objects would make the column dynamic, but a chosen product decides.
    let lines = "{\"TimeGenerated\":\"2025-01-01T00:00:00Z\",\"AdditionalFields\":{\"a\":1}}\n";
    let xdr = LoadOptions {
        product: Some(Product::Xdr),
        ..LoadOptions::default()
    };
    let (_dir, loaded) = load_text("DeviceEvents", "DeviceEvents.jsonl", lines, &xdr);
    let loaded = loaded.expect("loads");
    assert_eq!(column_type(&loaded, "AdditionalFields"), Some(Type::String));
    let default = load_ok("DeviceEvents", "DeviceEvents.jsonl", lines);
    assert_eq!(
        column_type(&default, "AdditionalFields"),
        Some(Type::Dynamic)
    );
}
