//! The JSONPath subset that Kusto supports: `$`, `.name`, `['name']`, `["name"]` and
//! `[n]`; wildcards, recursion, unions, slices and the current object are not supported
//! (learn.microsoft.com/kusto/query/jsonpath). `extract_json()` reads paths with it, and
//! so do the ingestion mappings of `externaldata`.

use serde_json::Value as Json;

/// One step of a JSONPath: a member name or an array index.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Member(String),
    Index(i64),
}

/// Parses the JSONPath subset `$`, `.name`, `['name']`, `["name"]` and `[index]`.
/// Wildcards, filters and recursive descent are rejected.
pub fn parse_json_path(path: &str) -> Result<Vec<PathStep>, String> {
    let unsupported = || {
        format!("JSONPath `{path}` is not supported; use `$`, `.name`, `['name']` and `[index]`")
    };
    let Some(mut rest) = path.trim().strip_prefix('$') else {
        return Err(unsupported());
    };
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name == "*" {
                return Err(unsupported());
            }
            steps.push(PathStep::Member(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(unsupported)?;
            let inside = after[..end].trim();
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|text| text.strip_suffix('\''))
                .or_else(|| {
                    inside
                        .strip_prefix('"')
                        .and_then(|text| text.strip_suffix('"'))
                });
            match quoted {
                Some(name) => steps.push(PathStep::Member(name.to_string())),
                None => steps.push(PathStep::Index(inside.parse().map_err(|_| unsupported())?)),
            }
            rest = &after[end + 1..];
        } else {
            return Err(unsupported());
        }
    }
    Ok(steps)
}

pub fn follow_path<'a>(json: &'a Json, steps: &[PathStep]) -> Option<&'a Json> {
    let mut current = json;
    for step in steps {
        current = match (step, current) {
            (PathStep::Member(name), Json::Object(bag)) => bag.get(name)?,
            (PathStep::Index(index), Json::Array(items)) => {
                let position = if *index < 0 {
                    items.len() as i64 + index
                } else {
                    *index
                };
                items.get(usize::try_from(position).ok()?)?
            }
            _ => return None,
        };
    }
    Some(current)
}
