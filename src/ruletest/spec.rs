//! The `*.test.toml` file format: parsing with serde and the `toml` crate, then checking
//! what serde cannot (one expectation kind per case, identifier names, datetimes, unique
//! case names). Paths in the file are relative to the directory that contains it.
//!
//! The format is documented for users in `docs/rule-testing.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::value::{parse_datetime, parse_timespan, Type};

/// A parsed and checked test file.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub path: PathBuf,
    /// The rule under test: a `.kql` file or a Sentinel analytic rule `.yaml`/`.yml`.
    pub rule: PathBuf,
    /// The pinned clock for `now()` and `ago()`, in ticks; `None` reads the system clock.
    pub now: Option<i64>,
    pub lookback: Option<Lookback>,
    /// `product = "sentinel"` or `"xdr"`: the types of catalog columns in the input
    /// tables, as `kql run --product` gives them. `None` leaves them to the data.
    pub product: Option<crate::schema::Product>,
    pub tables: Vec<TableSource>,
    pub stubs: Vec<Stub>,
    /// `externaldata` URLs and the fixture files that stand in for them.
    pub external_data: Vec<(String, PathBuf)>,
    /// The watchlists that `_GetWatchlist(alias)` returns.
    pub watchlists: Vec<WatchlistSource>,
    pub cases: Vec<Case>,
}

/// The window of input rows a case runs on, counted back from `now` on `TimeGenerated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookback {
    /// The `queryPeriod` of the Sentinel analytic rule under test.
    QueryPeriod,
    /// A fixed period, in ticks.
    Period(i64),
}

/// One input table of a test: files, or rows written in the test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSource {
    pub name: String,
    pub data: TableData,
    /// Column types for a table outside the built-in catalog, in order.
    pub columns: Vec<(String, Type)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableData {
    /// Data files in any format `kql run` reads, concatenated in order.
    Files(Vec<PathBuf>),
    /// Row objects; a column a row leaves out is null (`""` for strings).
    Rows(Vec<JsonRow>),
}

/// One row written in a test file, as JSON: TOML datetimes become ISO 8601 text.
pub type JsonRow = serde_json::Map<String, serde_json::Value>;

/// A `let` statement put before the rule: `let NAME = BODY;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stub {
    pub name: String,
    pub body: String,
}

/// One `[[case]]`: overrides of the file-level settings and what the result must be.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub now: Option<i64>,
    pub lookback: Option<Lookback>,
    /// Tables that replace the file-level table of the same name, or add one.
    pub tables: Vec<TableSource>,
    /// Stubs that replace the file-level stub of the same name, or add one.
    pub stubs: Vec<Stub>,
    pub expect: Expectation,
}

/// What a case's result must satisfy. Every check that is set must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The exact result rows.
    pub exact: Option<ExactRows>,
    /// Rows that must be among the result rows.
    pub contains: Option<Vec<JsonRow>>,
    pub count: Option<usize>,
    /// Compares exact rows in order instead of as a multiset.
    pub ordered: bool,
    /// Columns left out of every comparison.
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExactRows {
    /// A result file in the JSON form of `kql run --format json`, which `--update` writes.
    File(PathBuf),
    /// Rows written in the test file; an empty list means "returns nothing".
    Rows(Vec<JsonRow>),
}

/// A `[watchlists]` entry: `ALIAS = "file.csv"` or
/// `ALIAS = { file = "file.csv", key = "COLUMN" }`.
#[derive(Debug, Clone)]
pub struct WatchlistSource {
    pub alias: String,
    pub path: PathBuf,
    /// The SearchKey column; required when the file has more than one column.
    pub key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWatchlist {
    file: String,
    key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rule: String,
    now: Option<toml::Value>,
    lookback: Option<String>,
    product: Option<String>,
    #[serde(default)]
    tables: toml::Table,
    #[serde(default)]
    stubs: toml::Table,
    #[serde(default)]
    externaldata: toml::Table,
    #[serde(default)]
    watchlists: toml::Table,
    #[serde(default, rename = "case")]
    cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    now: Option<toml::Value>,
    lookback: Option<String>,
    #[serde(default)]
    tables: toml::Table,
    #[serde(default)]
    stubs: toml::Table,
    expect: Option<RawExpect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    file: Option<String>,
    rows: Option<Vec<toml::Table>>,
    contains: Option<Vec<toml::Table>>,
    count: Option<i64>,
    empty: Option<bool>,
    #[serde(default)]
    ordered: bool,
    #[serde(default)]
    ignore: Vec<String>,
}

/// Reads and checks the test file at `path`.
pub fn read_test_file(path: &Path) -> Result<TestFile, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Error::data(format!("failed to read {}: {error}", path.display())))?;
    parse_test_file(&text, path)
}

/// Parses test file text; `path` locates the files it names and appears in messages.
pub fn parse_test_file(text: &str, path: &Path) -> Result<TestFile, Error> {
    let origin = super::report::display_path(path);
    let raw: RawFile = toml::from_str(text)
        .map_err(|error| Error::data(format!("{origin}: invalid test file: {error}")))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let context = Context {
        origin: &origin,
        base,
    };

    if raw.cases.is_empty() {
        return Err(
            context.error("the file has no [[case]]; add at least one case with an `expect` table")
        );
    }
    let mut names = HashSet::new();
    let mut cases = Vec::with_capacity(raw.cases.len());
    for raw_case in raw.cases {
        let case = context.case(raw_case)?;
        if !names.insert(case.name.clone()) {
            return Err(context.error(format!(
                "two cases are named \"{}\"; give each case its own name",
                case.name
            )));
        }
        cases.push(case);
    }

    let external_data = raw
        .externaldata
        .into_iter()
        .map(|(url, file)| match file {
            toml::Value::String(file) => Ok((url, base.join(file))),
            other => Err(context.error(format!(
                "externaldata.\"{url}\" must be a file path string, not {}",
                other.type_str()
            ))),
        })
        .collect::<Result<_, _>>()?;
    let watchlists = raw
        .watchlists
        .into_iter()
        .map(|(alias, entry)| context.watchlist(alias, entry))
        .collect::<Result<_, _>>()?;

    Ok(TestFile {
        path: path.to_path_buf(),
        rule: base.join(&raw.rule),
        now: context.datetime("now", raw.now)?,
        lookback: context.lookback(raw.lookback.as_deref())?,
        product: context.product(raw.product.as_deref())?,
        tables: context.tables("tables", raw.tables)?,
        stubs: context.stubs("stubs", raw.stubs)?,
        external_data,
        watchlists,
        cases,
    })
}

/// Where the file is, for messages and relative paths.
struct Context<'a> {
    origin: &'a str,
    base: &'a Path,
}

impl Context<'_> {
    fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::data(format!("{}: {message}", self.origin))
    }

    /// Reads one `[watchlists]` entry.
    fn watchlist(&self, alias: String, entry: toml::Value) -> Result<WatchlistSource, Error> {
        let (file, key) = match entry {
            toml::Value::String(file) => (file, None),
            toml::Value::Table(table) => {
                let raw: RawWatchlist = table
                    .try_into()
                    .map_err(|error| self.error(format!("watchlists.\"{alias}\": {error}")))?;
                (raw.file, raw.key)
            }
            other => {
                return Err(self.error(format!(
                    "watchlists.\"{alias}\" must be a CSV file path or \
                     {{ file = \"….csv\", key = \"COLUMN\" }}, not {}",
                    other.type_str()
                )))
            }
        };
        Ok(WatchlistSource {
            alias,
            path: self.base.join(file),
            key,
        })
    }

    fn case(&self, raw: RawCase) -> Result<Case, Error> {
        let name = raw.name.trim().to_string();
        if name.is_empty() {
            return Err(self.error("a case has an empty name"));
        }
        // A path such as `case["no match"].now`, read like the `tables.Name.rows` paths.
        let key = |field: &str| format!("case[\"{name}\"].{field}");
        let Some(expect) = raw.expect else {
            return Err(self.error(format!(
                "case \"{name}\" has no `expect`; add expect.rows, expect.file, \
                 expect.contains, expect.count or expect.empty"
            )));
        };
        Ok(Case {
            now: self.datetime(&key("now"), raw.now)?,
            lookback: self.lookback(raw.lookback.as_deref())?,
            tables: self.tables(&key("tables"), raw.tables)?,
            stubs: self.stubs(&key("stubs"), raw.stubs)?,
            expect: self.expectation(&name, expect)?,
            name,
        })
    }

    fn expectation(&self, case: &str, raw: RawExpect) -> Result<Expectation, Error> {
        let field = |name: &str| format!("case[\"{case}\"].expect.{name}");
        let mut exact = None;
        let mut exact_fields = Vec::new();
        if let Some(file) = raw.file {
            if !file.to_ascii_lowercase().ends_with(".json") {
                return Err(self.error(format!(
                    "`{}` value `{file}` must be a .json file, in the form `kql run --format json` \
                     writes",
                    field("file")
                )));
            }
            exact = Some(ExactRows::File(self.base.join(file)));
            exact_fields.push("file");
        }
        if let Some(rows) = raw.rows {
            exact = Some(ExactRows::Rows(self.rows(&field("rows"), rows)?));
            exact_fields.push("rows");
        }
        match raw.empty {
            Some(true) => {
                exact = Some(ExactRows::Rows(Vec::new()));
                exact_fields.push("empty");
            }
            Some(false) => {
                return Err(self.error(format!(
                    "`{} = false` is not a check; use expect.count or expect.contains to \
                     say what the rule returns",
                    field("empty")
                )))
            }
            None => {}
        }
        if exact_fields.len() > 1 {
            return Err(self.error(format!(
                "case \"{case}\" sets expect.{}; they all give the exact result, so keep one",
                exact_fields.join(" and expect.")
            )));
        }

        let contains = match raw.contains {
            Some(_) if exact.is_some() => {
                return Err(self.error(format!(
                    "case \"{case}\" sets expect.contains together with expect.{}; \
                     the exact result already names every row",
                    exact_fields.join("")
                )));
            }
            Some(rows) if rows.is_empty() => {
                return Err(self.error(format!(
                    "`{}` is empty; list at least one row, or use expect.empty = true",
                    field("contains")
                )))
            }
            Some(rows) => Some(self.rows(&field("contains"), rows)?),
            None => None,
        };

        let count = match raw.count {
            Some(count) => Some(usize::try_from(count).map_err(|_| {
                self.error(format!(
                    "`{}` must be 0 or more, not {count}",
                    field("count")
                ))
            })?),
            None => None,
        };
        if exact.is_none() && contains.is_none() && count.is_none() {
            return Err(self.error(format!(
                "case \"{case}\" has an empty `expect`; set rows, file, contains, count or \
                 empty"
            )));
        }
        if raw.ordered && exact.is_none() {
            return Err(self.error(format!(
                "`{}` applies to the exact result; add expect.rows or expect.file",
                field("ordered")
            )));
        }
        Ok(Expectation {
            exact,
            contains,
            count,
            ordered: raw.ordered,
            ignore: raw.ignore,
        })
    }

    fn datetime(&self, field: &str, value: Option<toml::Value>) -> Result<Option<i64>, Error> {
        let text = match value {
            None => return Ok(None),
            Some(toml::Value::Datetime(datetime)) => datetime.to_string(),
            Some(toml::Value::String(text)) => text,
            Some(other) => {
                return Err(self.error(format!(
                    "`{field}` must be a datetime such as 2025-08-30T00:00:00Z, not {}",
                    other.type_str()
                )))
            }
        };
        parse_datetime(&text).map(Some).ok_or_else(|| {
            self.error(format!(
                "`{field}` value `{text}` is not a valid datetime; use ISO 8601 such as \
                 2025-08-30T00:00:00Z"
            ))
        })
    }

    fn lookback(&self, text: Option<&str>) -> Result<Option<Lookback>, Error> {
        let Some(text) = text else {
            return Ok(None);
        };
        if text == "queryPeriod" {
            return Ok(Some(Lookback::QueryPeriod));
        }
        match parse_timespan(text) {
            Some(ticks) if ticks > 0 => Ok(Some(Lookback::Period(ticks))),
            _ => Err(self.error(format!(
                "invalid lookback `{text}`; use \"queryPeriod\" for the Sentinel rule's \
                 queryPeriod, or a positive timespan such as \"1h\" or \"14d\""
            ))),
        }
    }

    fn product(&self, name: Option<&str>) -> Result<Option<crate::schema::Product>, Error> {
        match name {
            None => Ok(None),
            Some("sentinel") => Ok(Some(crate::schema::Product::Sentinel)),
            Some("xdr") => Ok(Some(crate::schema::Product::Xdr)),
            Some(other) => Err(self.error(format!(
                "unknown product \"{other}\"; use \"sentinel\" or \"xdr\""
            ))),
        }
    }

    fn tables(&self, field: &str, raw: toml::Table) -> Result<Vec<TableSource>, Error> {
        raw.into_iter()
            .map(|(name, value)| self.table(&format!("{field}.{name}"), name, value))
            .collect()
    }

    /// Reads `NAME = "file"` or `[tables.NAME]` with `file`, `rows` and `columns`.
    fn table(&self, field: &str, name: String, value: toml::Value) -> Result<TableSource, Error> {
        let mut spec = match value {
            toml::Value::String(file) => {
                return Ok(TableSource {
                    name,
                    data: TableData::Files(vec![self.base.join(file)]),
                    columns: Vec::new(),
                })
            }
            toml::Value::Table(spec) => spec,
            other => {
                return Err(self.error(format!(
                    "`{field}` must be a file path or a table with `file` or `rows`, not {}",
                    other.type_str()
                )))
            }
        };
        let file = spec.remove("file");
        let rows = spec.remove("rows");
        let columns = spec.remove("columns");
        if let Some(key) = spec.keys().next() {
            return Err(self.error(format!(
                "unknown key `{key}` in `{field}`; expected file, rows or columns"
            )));
        }

        let data = match (file, rows) {
            (Some(file), None) => TableData::Files(self.files(field, file)?),
            (None, Some(toml::Value::Array(rows))) => {
                let rows = rows
                    .into_iter()
                    .map(|row| match row {
                        toml::Value::Table(row) => Ok(row),
                        other => Err(self.error(format!(
                            "every row in `{field}.rows` must be a table such as \
                             {{ Column = \"value\" }}, not {}",
                            other.type_str()
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                TableData::Rows(self.rows(&format!("{field}.rows"), rows)?)
            }
            (None, Some(other)) => {
                return Err(self.error(format!(
                    "`{field}.rows` must be an array of tables, not {}",
                    other.type_str()
                )))
            }
            (Some(_), Some(_)) => {
                return Err(self.error(format!("`{field}` sets both `file` and `rows`; keep one")))
            }
            (None, None) => {
                return Err(self.error(format!("`{field}` needs `file` or `rows`")));
            }
        };
        Ok(TableSource {
            name,
            data,
            columns: self.columns(field, columns)?,
        })
    }

    fn files(&self, field: &str, value: toml::Value) -> Result<Vec<PathBuf>, Error> {
        let paths = match value {
            toml::Value::String(file) => vec![file],
            toml::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    toml::Value::String(file) => Ok(file),
                    other => Err(self.error(format!(
                        "`{field}.file` lists {}, not a path string",
                        other.type_str()
                    ))),
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(self.error(format!(
                    "`{field}.file` must be a path or a list of paths, not {}",
                    other.type_str()
                )))
            }
        };
        if paths.is_empty() {
            return Err(self.error(format!("`{field}.file` is an empty list")));
        }
        Ok(paths.into_iter().map(|file| self.base.join(file)).collect())
    }

    fn columns(
        &self,
        field: &str,
        value: Option<toml::Value>,
    ) -> Result<Vec<(String, Type)>, Error> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let toml::Value::Table(columns) = value else {
            return Err(self.error(format!(
                "`{field}.columns` must be a table such as {{ SourceIP = \"string\" }}"
            )));
        };
        columns
            .into_iter()
            .map(|(name, ty)| {
                let type_name = ty.as_str().unwrap_or_default();
                match Type::from_name(type_name) {
                    Some(ty) => Ok((name, ty)),
                    None => Err(self.error(format!(
                        "`{field}.columns.{name}` must be a KQL type name such as \"string\", \
                         \"long\" or \"datetime\", not {ty}"
                    ))),
                }
            })
            .collect()
    }

    fn rows(&self, field: &str, rows: Vec<toml::Table>) -> Result<Vec<JsonRow>, Error> {
        rows.into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|(column, value)| {
                        let json = toml_to_json(value).map_err(|message| {
                            self.error(format!("`{field}`, column {column}: {message}"))
                        })?;
                        Ok((column, json))
                    })
                    .collect()
            })
            .collect()
    }

    /// Reads stubs in file order, so that a stub may use the stubs before it.
    fn stubs(&self, field: &str, raw: toml::Table) -> Result<Vec<Stub>, Error> {
        raw.into_iter()
            .map(|(name, body)| {
                if !is_identifier(&name) {
                    return Err(self.error(format!(
                        "`{field}.{name}`: a stub name must be a KQL identifier \
                         (letters, digits and `_`, not starting with a digit)"
                    )));
                }
                let toml::Value::String(body) = body else {
                    return Err(self.error(format!(
                        "`{field}.{name}` must be KQL text, the right side of `let {name} = …;`"
                    )));
                };
                let body = body.trim().trim_end_matches(';').trim_end().to_string();
                if body.is_empty() {
                    return Err(self.error(format!("`{field}.{name}` is empty")));
                }
                Ok(Stub { name, body })
            })
            .collect()
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Converts a TOML value to JSON: datetimes become their RFC 3339 text, and non-finite
/// floats the text Kusto writes for them (`NaN`, `Infinity`, `-Infinity`).
pub fn toml_to_json(value: toml::Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as Json;
    let json = match value {
        toml::Value::String(text) => Json::String(text),
        toml::Value::Integer(n) => Json::from(n),
        toml::Value::Float(x) => match serde_json::Number::from_f64(x) {
            Some(number) => Json::Number(number),
            None => Json::String(crate::value::format_real(x)),
        },
        toml::Value::Boolean(flag) => Json::Bool(flag),
        toml::Value::Datetime(datetime) => {
            if datetime.date.is_none() {
                return Err(format!(
                    "`{datetime}` is a time without a date; write a full datetime such as \
                     2025-08-30T00:00:00Z"
                ));
            }
            Json::String(datetime.to_string())
        }
        toml::Value::Array(items) => Json::Array(
            items
                .into_iter()
                .map(toml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => Json::Object(
            table
                .into_iter()
                .map(|(key, value)| Ok((key, toml_to_json(value)?)))
                .collect::<Result<_, String>>()?,
        ),
    };
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<TestFile, Error> {
        parse_test_file(text, Path::new("rules/demo.test.toml"))
    }

    fn message(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("the test file should be rejected:\n{text}"),
            Err(error) => error.message,
        }
    }

    const MINIMAL: &str = r#"
rule = "demo.kql"
now = 2025-08-30T00:00:00Z

[tables]
DeviceNetworkEvents = "fixtures/net.jsonl"

[[case]]
name = "nothing"
expect.empty = true
"#;

    #[test]
    fn minimal_file_resolves_paths() {
        let file = parse(MINIMAL).expect("valid file");
        assert_eq!(file.rule, Path::new("rules/demo.kql"));
        assert_eq!(file.now, parse_datetime("2025-08-30T00:00:00Z"));
        let table = file.tables.first().expect("one table");
        assert_eq!(table.name, "DeviceNetworkEvents");
        assert_eq!(
            table.data,
            TableData::Files(vec![PathBuf::from("rules/fixtures/net.jsonl")])
        );
        let case = file.cases.first().expect("one case");
        assert_eq!(case.expect.exact, Some(ExactRows::Rows(Vec::new())));
    }

    #[test]
    fn inline_rows_become_json() {
        let file = parse(
            r#"
rule = "r.kql"
[tables.T]
rows = [{ When = 2025-08-29T10:15:00Z, Port = 443, Bag = { a = [1, 2.5] } }]
columns = { When = "datetime", Port = "int" }

[[case]]
name = "c"
expect.count = 1
"#,
        )
        .expect("valid file");
        let table = file.tables.first().expect("one table");
        let TableData::Rows(rows) = &table.data else {
            panic!("expected inline rows");
        };
        let row = rows.first().expect("one row");
        assert_eq!(row["When"], serde_json::json!("2025-08-29T10:15:00Z"));
        assert_eq!(row["Port"], serde_json::json!(443));
        assert_eq!(row["Bag"], serde_json::json!({"a": [1, 2.5]}));
        assert_eq!(
            table.columns,
            vec![
                ("When".to_string(), Type::DateTime),
                ("Port".to_string(), Type::Int)
            ]
        );
    }

    #[test]
    fn stubs_keep_file_order() {
        let file = parse(
            r#"
rule = "r.kql"
[stubs]
Zeta = "datatable(a:long)[1];"
Alpha = "Zeta | where a > 0"
[[case]]
name = "c"
expect.count = 1
"#,
        )
        .expect("valid file");
        let names: Vec<&str> = file.stubs.iter().map(|stub| stub.name.as_str()).collect();
        assert_eq!(names, ["Zeta", "Alpha"]);
        assert_eq!(
            file.stubs.first().map(|stub| stub.body.as_str()),
            Some("datatable(a:long)[1]")
        );
    }

    #[test]
    fn lookback_accepts_query_period_and_timespans() {
        let file = parse(
            r#"
rule = "r.yaml"
lookback = "queryPeriod"
[[case]]
name = "c"
lookback = "2h"
expect.count = 0
"#,
        )
        .expect("valid file");
        assert_eq!(file.lookback, Some(Lookback::QueryPeriod));
        let case = file.cases.first().expect("one case");
        assert_eq!(
            case.lookback,
            Some(Lookback::Period(2 * 3_600 * 10_000_000))
        );
    }

    #[test]
    fn file_without_cases_is_rejected() {
        assert!(message("rule = \"r.kql\"").contains("no [[case]]"));
    }

    #[test]
    fn case_without_expectation_is_rejected() {
        let text = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\n";
        assert!(message(text).contains("has no `expect`"));
    }

    #[test]
    fn two_exact_expectations_are_rejected() {
        let text = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\nexpect.empty = true\n\
                    expect.file = \"x.json\"\n";
        assert!(message(text).contains("keep one"), "{}", message(text));
    }

    #[test]
    fn contains_with_exact_rows_is_rejected() {
        let text = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\nexpect.empty = true\n\
                    expect.contains = [{ a = 1 }]\n";
        assert!(message(text).contains("expect.contains together"));
    }

    #[test]
    fn duplicate_case_names_are_rejected() {
        let text = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\nexpect.count = 1\n\
                    [[case]]\nname = \"c\"\nexpect.count = 2\n";
        assert!(message(text).contains("two cases are named \"c\""));
    }

    #[test]
    fn misspelled_key_is_rejected_with_position() {
        let text = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\nexpected.count = 1\n";
        let message = message(text);
        assert!(message.contains("unknown field `expected`"), "{message}");
        assert!(message.contains("line 4"), "{message}");
    }

    #[test]
    fn invalid_values_are_rejected() {
        let bad_now =
            "rule = \"r.kql\"\nnow = \"yesterday\"\n[[case]]\nname = \"c\"\nexpect.count = 1\n";
        assert!(message(bad_now).contains("not a valid datetime"));
        let bad_lookback =
            "rule = \"r.kql\"\nlookback = \"-1h\"\n[[case]]\nname = \"c\"\nexpect.count = 1\n";
        assert!(message(bad_lookback).contains("invalid lookback"));
        let bad_stub = "rule = \"r.kql\"\n[stubs]\n\"1x\" = \"print 1\"\n[[case]]\nname = \"c\"\nexpect.count = 1\n";
        assert!(message(bad_stub).contains("KQL identifier"));
        let bad_type = "rule = \"r.kql\"\n[tables.T]\nrows = []\ncolumns = { A = \"text\" }\n[[case]]\nname = \"c\"\nexpect.count = 1\n";
        assert!(message(bad_type).contains("KQL type name"));
        let both = "rule = \"r.kql\"\n[tables.T]\nrows = []\nfile = \"t.csv\"\n[[case]]\nname = \"c\"\nexpect.count = 1\n";
        assert!(message(both).contains("both `file` and `rows`"));
        let negative = "rule = \"r.kql\"\n[[case]]\nname = \"c\"\nexpect.count = -1\n";
        assert!(message(negative).contains("0 or more"));
    }
}
