//! The rule under test: the text of a `.kql` file, or the `query` of a Microsoft Sentinel
//! analytic rule in YAML, with its `queryPeriod`.
//!
//! YAML is read with `yaml_serde`, the serde YAML crate that the YAML organization
//! maintains as the continuation of the archived `serde_yaml`. Unknown keys of the rule
//! (`severity`, `tactics`, `entityMappings`, …) are ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::value::{parse_timespan, TICKS_PER_DAY, TICKS_PER_SECOND};

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub path: PathBuf,
    pub query: String,
    /// The Sentinel rule's `queryPeriod` in ticks; `None` for `.kql` rules.
    pub query_period: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct AnalyticRule {
    query: Option<String>,
    #[serde(rename = "queryPeriod")]
    query_period: Option<String>,
}

/// Reads a rule: `.yaml` and `.yml` files as Sentinel analytic rules, anything else as
/// KQL text.
pub fn read_rule(path: &Path) -> Result<Rule, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Error::data(format!("failed to read rule {}: {error}", path.display())))?;
    if is_analytic_rule(path) {
        return parse_analytic_rule(&text, path);
    }
    let queries = crate::parser::blocks::split_queries(&text).queries;
    if queries.len() > 1 {
        return Err(Error::data(format!(
            "rule {} contains {} queries, separated by blank lines or `;` (starting on lines {}); a \
             rule test needs one query, so put each query in a file of its own",
            path.display(),
            queries.len(),
            crate::parser::blocks::first_lines(&text, &queries)
        )));
    }
    Ok(Rule {
        path: path.to_path_buf(),
        query: text,
        query_period: None,
    })
}

/// True for a `.yaml` or `.yml` file, which `kql test`, `kql check` and `kql run` read as a
/// Sentinel analytic rule.
pub fn is_analytic_rule(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml")
        })
}

/// Returns the origin that error messages give for a position in the query of the rule at
/// `path`, shown as `shown_path`. A YAML rule's query gets `FILE, query`, because its
/// lines and columns count from the start of the `query` text, not of the file.
pub fn query_origin(path: &Path, shown_path: &str) -> String {
    if is_analytic_rule(path) {
        format!("{shown_path}, query")
    } else {
        shown_path.to_string()
    }
}

/// Parses a Sentinel analytic rule in YAML; `path` names it in messages.
pub fn parse_analytic_rule(text: &str, path: &Path) -> Result<Rule, Error> {
    let origin = path.display();
    // YAML allows a byte order mark at the start of a stream, and Windows editors write
    // one. The parser would read it as the start of a second document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rule: AnalyticRule = yaml_serde::from_str(text).map_err(|error| {
        Error::data(format!(
            "{origin}: invalid Sentinel analytic rule YAML: {error}"
        ))
    })?;
    let Some(query) = rule.query.filter(|query| !query.trim().is_empty()) else {
        return Err(Error::data(format!(
            "{origin}: the analytic rule has no `query`"
        )));
    };
    let query_period = match rule.query_period {
        None => None,
        Some(text) => Some(parse_period(&text).ok_or_else(|| {
            Error::data(format!(
                "{origin}: invalid queryPeriod `{text}`; use a timespan such as 1h, 14d or \
                 PT1H"
            ))
        })?),
    };
    Ok(Rule {
        path: path.to_path_buf(),
        query,
        query_period,
    })
}

/// Parses a rule period: KQL timespan text (`5m`, `1h`, `14d`), which the rule YAML files
/// of the Azure-Sentinel repository use, or an ISO 8601 duration (`PT1H`, `P14D`,
/// `P1DT12H`), which ARM templates use. Only positive periods are valid.
pub fn parse_period(text: &str) -> Option<i64> {
    let text = text.trim();
    let ticks = match text.strip_prefix(['P', 'p']) {
        Some(rest) => parse_iso_duration(rest)?,
        None => parse_timespan(text)?,
    };
    (ticks > 0).then_some(ticks)
}

/// Parses the part of an ISO 8601 duration after `P`: whole days, then after `T` whole
/// hours, minutes and seconds. Years, months and weeks are rejected because their
/// length varies or Sentinel does not use them.
fn parse_iso_duration(text: &str) -> Option<i64> {
    let (date_part, time_part) = match text.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut total: i64 = 0;
    for (amount, unit) in iso_components(date_part)? {
        let unit_ticks = match unit {
            'D' => TICKS_PER_DAY,
            _ => return None,
        };
        total = total.checked_add(amount.checked_mul(unit_ticks)?)?;
    }
    if let Some(time_part) = time_part {
        let components = iso_components(time_part)?;
        if components.is_empty() {
            return None;
        }
        for (amount, unit) in components {
            let unit_ticks = match unit {
                'H' => 3_600 * TICKS_PER_SECOND,
                'M' => 60 * TICKS_PER_SECOND,
                'S' => TICKS_PER_SECOND,
                _ => return None,
            };
            total = total.checked_add(amount.checked_mul(unit_ticks)?)?;
        }
    }
    Some(total)
}

/// Splits `12H30M` into `[(12, 'H'), (30, 'M')]`.
fn iso_components(text: &str) -> Option<Vec<(i64, char)>> {
    let mut components = Vec::new();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if digits.is_empty() {
                return None;
            }
            components.push((digits.parse().ok()?, c.to_ascii_uppercase()));
            digits.clear();
        }
    }
    digits.is_empty().then_some(components)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600 * TICKS_PER_SECOND;

    #[test]
    fn period_in_kql_and_iso_forms() {
        assert_eq!(parse_period("1h"), Some(HOUR));
        assert_eq!(parse_period("14d"), Some(14 * TICKS_PER_DAY));
        assert_eq!(parse_period("PT1H"), Some(HOUR));
        assert_eq!(
            parse_period("P1DT12H30M"),
            Some(TICKS_PER_DAY + 12 * HOUR + 30 * 60 * TICKS_PER_SECOND)
        );
        assert_eq!(parse_period("P14D"), Some(14 * TICKS_PER_DAY));
    }

    #[test]
    fn invalid_periods_are_rejected() {
        for text in [
            "", "0h", "-1h", "P", "PT", "P1M", "P1W", "PTH", "P1DT", "1 hour", "PT1.5H",
        ] {
            assert_eq!(parse_period(text), None, "{text}");
        }
    }

    #[test]
    fn analytic_rule_gives_query_and_period() {
        let yaml = "id: 0b4a1d2c\nname: Demo\nseverity: Medium\nqueryFrequency: 1h\n\
                    queryPeriod: 2h\nquery: |\n  SigninLogs\n  | where TimeGenerated > ago(1h)\n";
        let rule = parse_analytic_rule(yaml, Path::new("demo.yaml")).expect("valid rule");
        assert_eq!(rule.query, "SigninLogs\n| where TimeGenerated > ago(1h)\n");
        assert_eq!(rule.query_period, Some(2 * HOUR));
    }

    // YAML 1.2, section 5.2: a stream may begin with a byte order mark.
    #[test]
    fn analytic_rule_with_byte_order_mark() {
        let yaml = "\u{feff}name: Demo\nquery: |\n  SigninLogs | take 1\n";
        let rule = parse_analytic_rule(yaml, Path::new("demo.yaml")).expect("valid rule");
        assert_eq!(rule.query, "SigninLogs | take 1\n");
    }

    #[test]
    fn analytic_rule_without_query_is_rejected() {
        let error =
            parse_analytic_rule("name: Demo\n", Path::new("demo.yaml")).expect_err("no query");
        assert!(
            error.message.contains("has no `query`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let error = parse_analytic_rule("query: [unclosed\nname: x\n", Path::new("demo.yaml"))
            .expect_err("malformed YAML");
        assert!(error.message.contains("line"), "{}", error.message);
    }
}
