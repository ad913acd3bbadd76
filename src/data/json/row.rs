//! Deserializes one JSON row object straight into a [`RawTable`], without building a
//! `serde_json::Value` for the row first.
//!
//! The values of columns that the table does not keep are skipped by serde_json's
//! `IgnoredAny`, which scans them without allocating. Keys usually come in the same order
//! on every row, so [`KeyCache`] remembers the column of the key at each position and
//! compares the text before it looks the name up.

use std::fmt;
use std::sync::Arc;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize as _;

use crate::data::raw::{RawCell, RawTable};

/// The column of the key seen at each position of the previous rows, `None` for a column
/// that is not kept.
#[derive(Default)]
pub(super) struct KeyCache {
    keys: Vec<CachedKey>,
}

struct CachedKey {
    text: Box<str>,
    column: Option<usize>,
    /// The key contains no quote and no backslash, so its JSON text is itself in quotes.
    plain: bool,
}

impl KeyCache {
    /// Returns the key seen at `position` and its column, if the key is plain.
    pub(super) fn plain_key(&self, position: usize) -> Option<(&str, Option<usize>)> {
        let cached = self.keys.get(position)?;
        cached.plain.then_some((&*cached.text, cached.column))
    }

    /// Returns the column of key `name` found at `position` in a row, `None` for a column
    /// that is not kept.
    pub(super) fn column(
        &mut self,
        position: usize,
        name: &str,
        raw: &mut RawTable,
    ) -> Option<usize> {
        if let Some(cached) = self.keys.get(position) {
            if *cached.text == *name {
                return cached.column;
            }
        }
        let column = raw.kept_column_index(name);
        let entry = CachedKey {
            text: Box::from(name),
            column,
            plain: !name.bytes().any(|byte| byte == b'"' || byte == b'\\'),
        };
        match self.keys.get_mut(position) {
            Some(slot) => *slot = entry,
            None => self.keys.push(entry),
        }
        column
    }
}

/// Parses `text` as one row object and sets the current row's cells in `raw`. The caller
/// has started the row. An error means the text is not a valid JSON object, and the cells
/// set so far are left in place.
pub(super) fn read_row(
    text: &str,
    raw: &mut RawTable,
    cache: &mut KeyCache,
) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.deserialize_map(RowVisitor { raw, cache })?;
    deserializer.end()
}

struct RowVisitor<'a> {
    raw: &'a mut RawTable,
    cache: &'a mut KeyCache,
}

impl<'de> Visitor<'de> for RowVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let RowVisitor { raw, cache } = self;
        let mut position = 0;
        while let Some(column) = map.next_key_seed(KeySeed {
            raw,
            cache,
            position,
        })? {
            position += 1;
            match column {
                Some(index) => {
                    let cell = map.next_value_seed(CellSeed { raw })?;
                    raw.set_cell(index, cell);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Resolves a key to its column index, `None` when the column is not kept.
struct KeySeed<'a> {
    raw: &'a mut RawTable,
    cache: &'a mut KeyCache,
    position: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a column name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(self.cache.column(self.position, name, self.raw))
    }
}

/// Reads one value as a [`RawCell`], as [`RawCell::from_json`] would convert it, except
/// that a string borrowed from the table's chunk becomes a [`RawCell::Span`].
struct CellSeed<'a> {
    raw: &'a RawTable,
}

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = RawCell;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawCell, D::Error> {
        deserializer.deserialize_any(CellVisitor { raw: self.raw })
    }
}

struct CellVisitor<'a> {
    raw: &'a RawTable,
}

impl<'de> Visitor<'de> for CellVisitor<'_> {
    type Value = RawCell;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawCell, E> {
        Ok(RawCell::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawCell, E> {
        Ok(RawCell::Absent)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<RawCell, E> {
        Ok(RawCell::Bool(flag))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<RawCell, E> {
        Ok(RawCell::Number(number.into()))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<RawCell, E> {
        Ok(RawCell::Number(number.into()))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<RawCell, E> {
        // serde_json parses only finite numbers, so the conversion succeeds for its input.
        serde_json::Number::from_f64(number)
            .map(RawCell::Number)
            .ok_or_else(|| E::custom(format!("number {number} is not finite")))
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<RawCell, E> {
        Ok(self
            .raw
            .span_of(text)
            .unwrap_or_else(|| RawCell::JsonString(Arc::from(text))))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<RawCell, E> {
        Ok(RawCell::JsonString(Arc::from(text)))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<RawCell, E> {
        Ok(RawCell::JsonString(Arc::from(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawCell, A::Error> {
        let value = serde_json::Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(RawCell::Nested(Box::new(value)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawCell, A::Error> {
        let value = serde_json::Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(RawCell::Nested(Box::new(value)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn read(rows: &[&str], keep: Option<&[&str]>) -> RawTable {
        let keep = keep.map(|names| {
            Arc::new(
                names
                    .iter()
                    .map(|name| name.to_string())
                    .collect::<HashSet<_>>(),
            )
        });
        let mut raw = RawTable::keeping(keep);
        let source = raw.add_source("test.jsonl");
        let mut cache = KeyCache::default();
        for (line, text) in rows.iter().enumerate() {
            raw.start_row(source, line as u64 + 1);
            if let Err(error) = read_row(text, &mut raw, &mut cache) {
                panic!("row {text} failed: {error}");
            }
        }
        raw.finish();
        raw
    }

    #[test]
    fn cells_match_value_conversion() {
        let text = r#"{"a":null,"b":true,"c":-3,"d":18446744073709551615,"e":1.5,"f":"x\"y","g":[1,{"h":2}],"i":{"j":null}}"#;
        let raw = read(&[text], None);
        let Ok(serde_json::Value::Object(expected)) = serde_json::from_str(text) else {
            panic!("test row is not an object");
        };
        assert_eq!(raw.columns.len(), expected.len());
        for (column, (name, value)) in raw.columns.iter().zip(expected) {
            assert_eq!(column.name, name);
            assert_eq!(column.cells, [RawCell::from_json(value)], "column {name}");
        }
    }

    #[test]
    fn skipped_columns_are_not_stored() {
        let rows = [
            r#"{"A":1,"B":{"deep":[1,2,3]},"C":"x"}"#,
            r#"{"C":"y","A":2,"B":"z"}"#,
        ];
        let raw = read(&rows, Some(&["A", "C"]));
        let names: Vec<&str> = raw
            .columns
            .iter()
            .map(|column| column.name.as_str())
            .collect();
        assert_eq!(names, ["A", "C"]);
        assert_eq!(
            raw.columns[0].cells,
            [RawCell::Number(1.into()), RawCell::Number(2.into())]
        );
        assert_eq!(
            raw.columns[1].cells,
            [
                RawCell::JsonString("x".into()),
                RawCell::JsonString("y".into())
            ]
        );
    }

    #[test]
    fn repeated_key_keeps_last_value() {
        let raw = read(&[r#"{"A":1,"A":2}"#], None);
        assert_eq!(raw.columns[0].cells, [RawCell::from_json(json!(2))]);
    }

    #[test]
    fn escaped_keys_resolve() {
        let raw = read(&[r#"{"Tcp\u0020Flags":6}"#, r#"{"Tcp Flags":7}"#], None);
        assert_eq!(raw.columns.len(), 1);
        assert_eq!(raw.columns[0].name, "Tcp Flags");
    }

    #[test]
    fn invalid_rows_fail() {
        let mut raw = RawTable::default();
        let mut cache = KeyCache::default();
        for text in [
            "[1]",
            "\"text\"",
            r#"{"A":1"#,
            r#"{"A":1} x"#,
            r#"{"A":tru}"#,
        ] {
            raw.start_row(0, 1);
            assert!(read_row(text, &mut raw, &mut cache).is_err(), "{text}");
        }
    }
}
