//! `parse_json` for a call site whose result is read only at constant keys, such as
//! `extend info = parse_json(AdditionalFields) | where info.direction has "In"`.
//!
//! Building the whole property bag allocates every key and value of every row. When the
//! binder has shown that the query reads nothing but a few keys of the result, an object
//! keeps only those keys. The other values are still parsed as `parse_json` parses them,
//! through `deserialize_any`, and dropped without being stored, so text that `parse_json`
//! reads as invalid JSON fails here too and gets the same result.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{EvalContext, PreparedEval};
use crate::value::Value;

/// Returns the implementation of `parse_json(text)` for a call site whose result is read
/// only at `keys`.
pub(crate) fn keeping_keys(keys: BTreeSet<String>) -> PreparedEval {
    let keys = Arc::new(keys);
    Arc::new(move |args: &[Value], context: &EvalContext| {
        if let Some(Value::String(text)) = args.first() {
            if let Some(object) = parse_object_keeping(text, &keys) {
                return Ok(Value::dynamic(serde_json::Value::Object(object)));
            }
        }
        super::conversion::parse_json(args, context)
    })
}

/// Parses `text` as a JSON object with only the slots named in `keys`. Returns `None` for
/// text that is not an object, is not valid JSON, or has a key that serde_json reads
/// specially, so that `parse_json` decides the result.
fn parse_object_keeping(
    text: &str,
    keys: &BTreeSet<String>,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    if text.trim_start().as_bytes().first() != Some(&b'{') {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let object = deserializer.deserialize_map(KeptSlots { keys }).ok()?;
    deserializer.end().ok()?;
    Some(object)
}

/// The key with which serde_json's `raw_value` feature marks a raw value inside an
/// object. `serde_json::Value` treats an object whose first key it is differently, so
/// such text goes to `parse_json`.
const RAW_VALUE_KEY: &str = "$serde_json::private::RawValue";

/// Reads an object, storing the slots in `keys` as `serde_json::Value` inserts them (a
/// repeated key keeps its first position and its last value) and parsing the others
/// without storing them.
struct KeptSlots<'a> {
    keys: &'a BTreeSet<String>,
}

impl<'de> Visitor<'de> for KeptSlots<'_> {
    type Value = serde_json::Map<String, serde_json::Value>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeptKey { keys: self.keys })? {
            match key {
                Some(key) => {
                    let value: serde_json::Value = map.next_value()?;
                    object.insert(key, value);
                }
                None => map.next_value_seed(Dropped)?,
            }
        }
        Ok(object)
    }
}

/// The keys kept from objects nested in a dropped value: none. Their keys are still read,
/// to reject the raw value marker as [`KeptKey`] does.
static NO_KEYS: BTreeSet<String> = BTreeSet::new();

/// Reads an object key and returns it when it is one of `keys`. The raw value marker is
/// rejected wherever it appears, which sends the text to `parse_json`.
struct KeptKey<'a> {
    keys: &'a BTreeSet<String>,
}

impl<'de> DeserializeSeed<'de> for KeptKey<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeptKey<'_> {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == RAW_VALUE_KEY {
            return Err(E::custom("raw value marker"));
        }
        Ok(self.keys.contains(key).then(|| key.to_string()))
    }
}

/// Parses any JSON value as `serde_json::Value` would, with the same checks of strings,
/// numbers and nesting depth, and stores nothing.
struct Dropped;

impl<'de> DeserializeSeed<'de> for Dropped {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Dropped {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Dropped)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(KeptKey { keys: &NO_KEYS })?.is_some() {
            map.next_value_seed(Dropped)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_parse(text: &str) -> Value {
        let context = EvalContext::for_tests();
        super::super::conversion::parse_json(&[Value::from(text)], &context)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn narrowed_parse(text: &str, keys: &[&str]) -> Value {
        let keys: BTreeSet<String> = keys.iter().map(|key| key.to_string()).collect();
        let context = EvalContext::for_tests();
        keeping_keys(keys)(&[Value::from(text)], &context)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    /// Reads `key` of a parse result as `value[key]` does: null unless it is an object
    /// with that slot.
    fn slot(value: &Value, key: &str) -> Option<serde_json::Value> {
        match value {
            Value::Dynamic(json) => json.get(key).cloned(),
            _ => None,
        }
    }

    #[test]
    fn kept_slots_match_full_parse() {
        let texts = [
            r#"{"direction": "In", "Tcp Flags": 4, "uid": "x"}"#,
            r#"{"uid": {"nested": [1, 2, {"a": "b"}]}, "direction": ["In", null]}"#,
            r#"{"direction": "In", "direction": "Out"}"#,
            r#" {"Tcp Flags": 1.5e3, "other": -0, "x": "\u00e9\n"} "#,
            r#"{}"#,
        ];
        for text in texts {
            let full = full_parse(text);
            let narrowed = narrowed_parse(text, &["direction", "Tcp Flags"]);
            for key in ["direction", "Tcp Flags", "uid", "missing"] {
                let expected = if key == "uid" || key == "missing" {
                    None
                } else {
                    slot(&full, key)
                };
                assert_eq!(slot(&narrowed, key), expected, "{text} [{key}]");
            }
        }
    }

    /// Text that `parse_json` does not read as an object must get its result unchanged.
    /// That includes values that only a full parse rejects, each in a slot that is not
    /// kept: a lone surrogate, a number out of range and nesting deeper than 128 levels.
    #[test]
    fn other_text_gets_parse_json_result() {
        let deep = format!(
            r#"{{"direction":"In","skip":{}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        let texts = [
            r#"{"direction":"In","skip":"\ud800"}"#.to_string(),
            r#"{"direction":"In","skip":1e400}"#.to_string(),
            deep,
            r#"{"direction":"In",}"#.to_string(),
            r#"{"direction":"In"} x"#.to_string(),
            r#"["direction"]"#.to_string(),
            "21".to_string(),
            "not json".to_string(),
            String::new(),
            r#"{"$serde_json::private::RawValue":"1"}"#.to_string(),
        ];
        for text in &texts {
            let full = full_parse(text);
            assert_eq!(narrowed_parse(text, &["direction"]), full, "{text}");
        }
    }
}
