//! JSON ingestion mappings, as `externaldata … with (ingestionMapping = '…')` gives them.
//!
//! A mapping is a JSON array with one element per column: `{"Column": "Name", "Properties":
//! {"Path": "$.a.b"}}`. `Path` is a JSONPath into each record when it starts with `$`, and a
//! constant otherwise; `ConstValue` gives a constant; `Transform` names a conversion
//! (learn.microsoft.com/kusto/management/json-mapping). Paths follow Kusto's JSONPath
//! subset ([`crate::value::json_path`]). Transformations are not supported yet.

use serde_json::Value;

use crate::value::json_path::{follow_path, parse_json_path, PathStep};

/// The source of a column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSource {
    /// A JSONPath into the record; no steps is the whole record.
    Path(Vec<PathStep>),
    /// The same text in every row.
    Constant(String),
}

/// A JSON mapping: the source of each declared column, in declared order.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonMapping {
    pub columns: Vec<ColumnSource>,
}

/// Why a mapping cannot be used: the mapping is invalid, or it uses a feature that is not
/// supported yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingError {
    Invalid(String),
    Unsupported(String),
}

impl JsonMapping {
    /// Parses the text of a mapping for the declared columns `declared`. Every declared
    /// column needs exactly one element, because what an unmapped column contains is not
    /// documented for `externaldata`.
    pub fn parse(text: &str, declared: &[&str]) -> Result<JsonMapping, MappingError> {
        let invalid = |message: String| MappingError::Invalid(message);
        let elements: Vec<Value> = serde_json::from_str(text).map_err(|error| {
            invalid(format!(
                "the ingestion mapping is not a JSON array: {error}"
            ))
        })?;
        let mut sources: Vec<Option<ColumnSource>> = vec![None; declared.len()];
        for element in &elements {
            let Some(fields) = element.as_object() else {
                return Err(invalid(
                    "each element of the ingestion mapping must be an object such as \
                     {\"Column\": \"Name\", \"Properties\": {\"Path\": \"$.Name\"}}"
                        .to_string(),
                ));
            };
            let column = field(fields, "Column")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    invalid("an ingestion mapping element has no `Column`".to_string())
                })?;
            let Some(index) = declared.iter().position(|name| *name == column) else {
                return Err(invalid(format!(
                    "the ingestion mapping names column `{column}`, which the externaldata \
                     schema does not declare"
                )));
            };
            if sources[index].is_some() {
                return Err(invalid(format!(
                    "the ingestion mapping maps column `{column}` twice"
                )));
            }
            let properties = field(fields, "Properties").and_then(Value::as_object);
            sources[index] = Some(column_source(column, properties)?);
        }
        let mut columns = Vec::with_capacity(declared.len());
        for (name, source) in declared.iter().zip(sources) {
            match source {
                Some(source) => columns.push(source),
                None => {
                    return Err(MappingError::Unsupported(format!(
                        "an ingestion mapping without an element for column `{name}` is not \
                         supported yet; map every declared column"
                    )))
                }
            }
        }
        Ok(JsonMapping { columns })
    }

    /// Returns the value of each declared column for one record; a path that leads
    /// nowhere gives JSON `null`.
    pub fn apply(&self, record: &Value) -> Vec<Value> {
        self.columns
            .iter()
            .map(|source| match source {
                ColumnSource::Constant(text) => Value::String(text.clone()),
                ColumnSource::Path(steps) => {
                    follow_path(record, steps).cloned().unwrap_or(Value::Null)
                }
            })
            .collect()
    }
}

/// Returns the value of `name` in a mapping object, ignoring letter case: Learn writes
/// `Column` and `Properties`, and older mappings `column` and `properties`.
fn field<'a>(fields: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn column_source(
    column: &str,
    properties: Option<&serde_json::Map<String, Value>>,
) -> Result<ColumnSource, MappingError> {
    let missing = || {
        MappingError::Invalid(format!(
            "the ingestion mapping of column `{column}` needs `Properties` with a `Path` or a \
             `ConstValue`"
        ))
    };
    let properties = properties.ok_or_else(missing)?;

    if let Some(transform) = field(properties, "Transform") {
        return Err(MappingError::Unsupported(format!(
            "ingestion mapping transformations are not supported yet (column `{column}` has \
             Transform {transform})"
        )));
    }
    if let Some(constant) = field(properties, "ConstValue") {
        let text = match constant {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        return Ok(ColumnSource::Constant(text));
    }

    let path = field(properties, "Path")
        .and_then(Value::as_str)
        .ok_or_else(missing)?;
    if !path.starts_with('$') {
        return Ok(ColumnSource::Constant(path.to_string()));
    }
    let steps = parse_json_path(path).map_err(|reason| {
        MappingError::Invalid(format!(
            "in the ingestion mapping of column `{column}`: {reason}"
        ))
    })?;
    // NOTE: the JSONPath page documents 0-based indexes only, so an index from the end is
    // refused here, although extract_json() accepts one.
    if steps
        .iter()
        .any(|step| matches!(step, PathStep::Index(index) if *index < 0))
    {
        return Err(MappingError::Invalid(format!(
            "the JSONPath `{path}` of column `{column}` has a negative index; Kusto's \
             JSONPath indexes arrays from 0"
        )));
    }
    Ok(ColumnSource::Path(steps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapping(text: &str, declared: &[&str]) -> JsonMapping {
        JsonMapping::parse(text, declared).expect("valid mapping")
    }

    // The mapping example of learn.microsoft.com/kusto/management/json-mapping, without
    // its transformations.
    #[test]
    fn mapping_reads_paths_and_constants() {
        let text = r#"[
            {"Column": "event_timestamp", "Properties": {"Path": "$.Timestamp"}},
            {"Column": "event_name", "Properties": {"Path": "$.Event.Name"}},
            {"Column": "event_type", "Properties": {"Path": "$['Event']['Type']"}},
            {"Column": "first_tag", "Properties": {"Path": "$.Tags[0]"}},
            {"Column": "source", "Properties": {"ConstValue": "feed"}},
            {"Column": "note", "Properties": {"Path": "fixed"}}
        ]"#;
        let declared = [
            "event_timestamp",
            "event_name",
            "event_type",
            "first_tag",
            "source",
            "note",
        ];
        let record = json!({
            "Timestamp": "2025-01-01T00:00:00Z",
            "Event": {"Name": "login", "Type": "audit"},
            "Tags": ["a", "b"]
        });
        assert_eq!(
            mapping(text, &declared).apply(&record),
            vec![
                json!("2025-01-01T00:00:00Z"),
                json!("login"),
                json!("audit"),
                json!("a"),
                json!("feed"),
                json!("fixed")
            ]
        );
    }

    #[test]
    fn mapping_missing_path_is_null() {
        let text = r#"[{"column": "a", "properties": {"path": "$.x.y[3]"}}]"#;
        assert_eq!(
            mapping(text, &["a"]).apply(&json!({"x": 1})),
            vec![Value::Null]
        );
        let whole = r#"[{"Column": "a", "Properties": {"Path": "$"}}]"#;
        assert_eq!(
            mapping(whole, &["a"]).apply(&json!({"x": 1})),
            vec![json!({"x": 1})]
        );
    }

    #[test]
    fn mapping_errors_name_the_problem() {
        let unsupported = |text: &str| match JsonMapping::parse(text, &["a", "b"]) {
            Err(MappingError::Unsupported(message)) => message,
            other => panic!("expected unsupported, got {other:?}"),
        };
        let invalid = |text: &str| match JsonMapping::parse(text, &["a", "b"]) {
            Err(MappingError::Invalid(message)) => message,
            other => panic!("expected invalid, got {other:?}"),
        };
        let both = |a: &str| {
            format!(
                r#"[{{"Column": "a", "Properties": {a}}}, {{"Column": "b", "Properties": {{"Path": "$.b"}}}}]"#
            )
        };
        assert!(invalid(&both(r#"{"Path": "$..x"}"#)).contains("column `a`"));
        assert!(invalid(&both(r#"{"Path": "$.x[*]"}"#)).contains("`$.x[*]`"));
        assert!(invalid(&both(r#"{"Path": "$.x[-1]"}"#)).contains("negative index"));
        assert!(
            unsupported(&both(r#"{"Path": "$.x", "Transform": "SourceLocation"}"#))
                .contains("Transform")
        );
        assert!(
            unsupported(r#"[{"Column": "a", "Properties": {"Path": "$.a"}}]"#)
                .contains("column `b`")
        );
        assert!(invalid("{}").contains("not a JSON array"));
        assert!(
            invalid(r#"[{"Column": "c", "Properties": {"Path": "$.c"}}]"#)
                .contains("does not declare")
        );
        assert!(invalid(&both(r#"{"Other": 1}"#)).contains("needs `Properties`"));
    }
}
