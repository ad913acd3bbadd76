//! Column type inference for columns that no schema describes.
//!
//! JSON values keep their JSON type: booleans give `bool`, integers `long`, other numbers
//! `real`, and objects or arrays `dynamic`. JSON strings give `datetime` when every one is
//! an ISO 8601 or Azure portal timestamp, and `string` otherwise, so `"443"` stays a string
//! because the producer chose a string. A column that mixes kinds (numbers and strings, or
//! booleans and numbers) is `string`, except that any object or array makes it `dynamic`.
//!
//! CSV fields are text, so their kind comes from the text: `true`/`false` in any case give
//! `bool`, integers `long`, decimal numbers `real`, timestamps `datetime`. Everything else
//! is `string`, including GUIDs and JSON text. JSON text becomes `dynamic` only in a column
//! that a schema declares `dynamic`, and queries can still call `parse_json()` on it.
//! Integers with leading zeros (`007`) stay strings so the zeros survive.
//!
//! Inference ignores empty strings, absent values and the CSV text `null`. A column with no
//! other values is `string`.

use crate::value::{parse_datetime, Type};

use super::raw::RawCell;
use super::typing::is_null_text;

/// The kind of one value, as far as inference is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Integer,
    Real,
    DateTime,
    Text,
    Nested,
}

/// Returns the type a column of these cells gets when no schema describes it.
pub(crate) fn infer_type(cells: &[RawCell]) -> Type {
    let mut seen = KindSet::default();
    for cell in cells {
        if let Some(kind) = cell_kind(cell) {
            seen.insert(kind);
        }
        // Any nested value makes the column dynamic, so the rest need not be read.
        if seen.has(Kind::Nested) {
            return Type::Dynamic;
        }
    }
    seen.to_type()
}

#[derive(Debug, Default)]
struct KindSet {
    bits: u8,
}

impl KindSet {
    fn bit(kind: Kind) -> u8 {
        1 << (kind as u8)
    }

    fn insert(&mut self, kind: Kind) {
        self.bits |= KindSet::bit(kind);
    }

    fn has(&self, kind: Kind) -> bool {
        self.bits & KindSet::bit(kind) != 0
    }

    fn only(&self, kinds: &[Kind]) -> bool {
        let allowed = kinds
            .iter()
            .fold(0, |bits, &kind| bits | KindSet::bit(kind));
        self.bits != 0 && self.bits & !allowed == 0
    }

    fn to_type(&self) -> Type {
        if self.has(Kind::Nested) {
            Type::Dynamic
        } else if self.only(&[Kind::Bool]) {
            Type::Bool
        } else if self.only(&[Kind::Integer]) {
            Type::Long
        } else if self.only(&[Kind::Integer, Kind::Real]) {
            Type::Real
        } else if self.only(&[Kind::DateTime]) {
            Type::DateTime
        } else {
            Type::String
        }
    }
}

fn cell_kind(cell: &RawCell) -> Option<Kind> {
    match cell {
        RawCell::Absent => None,
        RawCell::Bool(_) => Some(Kind::Bool),
        RawCell::Number(number) => Some(if number.is_i64() {
            Kind::Integer
        } else {
            Kind::Real
        }),
        RawCell::Nested(_) => Some(Kind::Nested),
        // Not reached: typing resolves span cells before it infers a type.
        RawCell::Span { .. } => Some(Kind::Text),
        RawCell::JsonString(text) => {
            let text = text.trim();
            if text.is_empty() {
                None
            } else if is_timestamp(text) {
                Some(Kind::DateTime)
            } else {
                Some(Kind::Text)
            }
        }
        RawCell::Text(text) => text_kind(text),
    }
}

/// Classifies a CSV field.
fn text_kind(text: &str) -> Option<Kind> {
    let text = text.trim();
    if is_null_text(text) {
        None
    } else if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        Some(Kind::Bool)
    } else if is_integer(text) {
        Some(Kind::Integer)
    } else if is_real(text) {
        Some(Kind::Real)
    } else if is_timestamp(text) {
        Some(Kind::DateTime)
    } else {
        Some(Kind::Text)
    }
}

/// True for an optionally signed run of digits that fits `long` and has no leading zero.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let all_digits = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
    let leading_zero = digits.len() > 1 && digits.starts_with('0');
    all_digits && !leading_zero && text.parse::<i64>().is_ok()
}

/// True for decimal or exponent notation (`1.5`, `-0.25`, `1e6`). `NaN` and `Infinity`
/// stay text, since in a CSV column they are more likely words than numbers, and so do
/// integers too long for `long`, which `real` would round.
fn is_real(text: &str) -> bool {
    let has_digit = text.bytes().any(|byte| byte.is_ascii_digit());
    let has_point_or_exponent = text.bytes().any(|byte| matches!(byte, b'.' | b'e' | b'E'));
    let number_chars = text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'-' | b'+' | b'e' | b'E'));
    let digits = text.trim_start_matches(['-', '+']);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    has_digit
        && has_point_or_exponent
        && number_chars
        && !leading_zero
        && text.parse::<f64>().is_ok()
}

/// True for text that starts like an ISO 8601 date (`2025-08-29…`), is an Azure portal
/// export timestamp (`8/29/2025, 10:15:00.123 AM`) or a date and time as Excel saves them
/// in CSV (`7/8/2019 16:08`), and parses as a datetime. Other forms that `parse_datetime`
/// accepts, such as `8/29/2025`, are too easily ordinary text.
pub(crate) fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let iso_date = bytes.len() >= 10
        && bytes.iter().take(4).all(u8::is_ascii_digit)
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-');
    let upper_end = text.get(text.len().saturating_sub(2)..).unwrap_or("");
    let portal = text.contains(", ")
        && bytes.first().is_some_and(u8::is_ascii_digit)
        && (upper_end.eq_ignore_ascii_case("AM") || upper_end.eq_ignore_ascii_case("PM"));
    (iso_date || portal || is_excel_timestamp(text)) && parse_datetime(text).is_some()
}

/// True for `M/D/YYYY H:MM` with an optional `:SS`, before parsing.
fn is_excel_timestamp(text: &str) -> bool {
    let Some((date, time)) = text.split_once(' ') else {
        return false;
    };
    let date_parts: Vec<&str> = date.split('/').collect();
    let digits = |part: &&str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let date_ok = date_parts.len() == 3
        && date_parts.iter().all(digits)
        && date_parts.last().is_some_and(|year| year.len() == 4);
    let time_parts: Vec<&str> = time.split(':').collect();
    date_ok && (2..=3).contains(&time_parts.len()) && time_parts.iter().all(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_column(values: &[serde_json::Value]) -> Type {
        let cells: Vec<RawCell> = values.iter().cloned().map(RawCell::from_json).collect();
        infer_type(&cells)
    }

    fn text_column(values: &[&str]) -> Type {
        let cells: Vec<RawCell> = values
            .iter()
            .map(|text| {
                if text.is_empty() {
                    RawCell::Absent
                } else {
                    RawCell::Text((*text).into())
                }
            })
            .collect();
        infer_type(&cells)
    }

    #[test]
    fn json_kinds_give_types() {
        assert_eq!(
            json_column(&[json!(true), json!(null), json!(false)]),
            Type::Bool
        );
        assert_eq!(json_column(&[json!(1), json!(-2)]), Type::Long);
        assert_eq!(json_column(&[json!(1), json!(2.5)]), Type::Real);
        assert_eq!(json_column(&[json!(u64::MAX)]), Type::Real);
        assert_eq!(
            json_column(&[
                json!("2024-01-02T03:04:05Z"),
                json!(""),
                json!("1/2/2024, 3:04:05.000 PM")
            ]),
            Type::DateTime
        );
        assert_eq!(json_column(&[json!({"a": 1}), json!("x")]), Type::Dynamic);
        assert_eq!(json_column(&[json!([1]), json!(3)]), Type::Dynamic);
    }

    #[test]
    fn json_mixed_and_empty_give_string() {
        assert_eq!(json_column(&[json!(1), json!("2")]), Type::String);
        assert_eq!(json_column(&[json!(true), json!(1)]), Type::String);
        assert_eq!(json_column(&[json!("443")]), Type::String);
        assert_eq!(
            json_column(&[json!("2024-01-02"), json!("soon")]),
            Type::String
        );
        assert_eq!(json_column(&[json!(null), json!(null)]), Type::String);
        assert_eq!(json_column(&[]), Type::String);
    }

    #[test]
    fn csv_text_kinds_give_types() {
        assert_eq!(text_column(&["1", "", "-20"]), Type::Long);
        assert_eq!(text_column(&["1", "2.5", "1e3"]), Type::Real);
        assert_eq!(text_column(&["True", "false"]), Type::Bool);
        assert_eq!(
            text_column(&["2024-01-02T03:04:05.1234567Z", "11/20/2020, 4:20:29.443 PM"]),
            Type::DateTime
        );
        assert_eq!(text_column(&["", ""]), Type::String);
        assert_eq!(
            text_column(&["7/8/2019 16:08", "12/31/2019 0:05:09"]),
            Type::DateTime
        );
    }

    #[test]
    fn csv_text_that_stays_string() {
        assert_eq!(
            text_column(&["5f2b9a1c-0d3e-4f56-8a7b-9c0d1e2f3a4b"]),
            Type::String
        );
        assert_eq!(text_column(&["007", "12"]), Type::String);
        assert_eq!(text_column(&["{\"a\":1}"]), Type::String);
        assert_eq!(text_column(&["NaN", "1.5"]), Type::String);
        assert_eq!(text_column(&["1", "yes"]), Type::String);
        assert_eq!(text_column(&["99999999999999999999"]), Type::String);
        assert_eq!(text_column(&["8/29/2025"]), Type::String);
        assert_eq!(text_column(&["8/29/2025 soon"]), Type::String);
        assert_eq!(text_column(&["1/2/3 4:05"]), Type::String);
    }
}
