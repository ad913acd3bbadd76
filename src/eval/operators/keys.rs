//! Hashable forms of values, for grouping (`summarize`, `distinct`, `dcount`) and for
//! matching join keys (`join`, `lookup`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::table::Table;
use crate::value::Value;

/// A map from grouping or join keys. Its hasher (aHash, seeded per process) costs a
/// fraction of the standard library's SipHash per key and still resists inputs built to
/// collide.
pub type KeyMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// A set of grouping or join keys, hashed as in [`KeyMap`].
pub type KeySet<K> = HashSet<K, ahash::RandomState>;

/// A hashable form of a value. Integers of either width hash alike, so an `int` key
/// matches a `long` key of the same value, and a whole `real` matches the integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyPart {
    Null,
    Integer(i64),
    Real(u64),
    Text(Arc<str>),
    Bool(bool),
    Ticks(u8, i64),
    Guid(u128),
    Json(String),
}

/// Returns the grouping key of a value, where null is a key of its own. The result is
/// always `Some`, so callers can treat it like [`join_key`].
pub fn group_key(value: &Value) -> Option<KeyPart> {
    let part = match value {
        Value::Null => KeyPart::Null,
        Value::Int(_) | Value::Long(_) => KeyPart::Integer(value.as_i64()?),
        Value::Real(x) if x.fract() == 0.0 && x.abs() < 9.0e18 => KeyPart::Integer(*x as i64),
        Value::Real(x) => KeyPart::Real(x.to_bits()),
        Value::String(text) => KeyPart::Text(Arc::clone(text)),
        Value::Bool(flag) => KeyPart::Bool(*flag),
        Value::DateTime(ticks) => KeyPart::Ticks(0, *ticks),
        Value::Timespan(ticks) => KeyPart::Ticks(1, *ticks),
        Value::Guid(bits) => KeyPart::Guid(*bits),
        Value::Dynamic(json) => KeyPart::Json(json.to_string()),
    };
    Some(part)
}

/// Returns the join key of a value, or `None` for null.
///
/// NOTE: null keys never match here (as in SQL); Kusto's documentation does not say
/// whether two null keys match.
pub fn join_key(value: &Value) -> Option<KeyPart> {
    if value.is_null() {
        return None;
    }
    group_key(value)
}

/// Returns the join key of one row over the given columns, or `None` when any part is null.
pub fn row_join_key(table: &Table, row: usize, columns: &[usize]) -> Option<Vec<KeyPart>> {
    columns
        .iter()
        .map(|&column| join_key(&table.columns[column][row]))
        .collect()
}
