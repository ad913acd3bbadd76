//! Scalar types and values: the Kusto scalar data types, one value of each, and the
//! conversions between them and text.
//!
//! Invariants:
//! - `Value::Null` is the null of whatever type the column or expression has. A `string`
//!   value is never null in Kusto, so string columns hold `Value::String("")` instead.
//! - `Value::Dynamic` never wraps a JSON `null` at the top level: a dynamic null is
//!   `Value::Null`. Nested JSON nulls (inside arrays or bags) stay as they are.
//! - `datetime` and `timespan` are counts of 100-nanosecond ticks, the unit Kusto uses;
//!   a datetime counts from the Unix epoch.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

pub mod json_path;
mod rfc_text;

/// Ticks (100 ns) in one second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;
/// Ticks in one day.
pub const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;

/// The first tick of Kusto's datetime range, 0001-01-01T00:00:00Z, counted from the Unix
/// epoch (learn.microsoft.com/kusto/query/scalar-data-types/datetime).
pub const MIN_DATETIME_TICKS: i64 = -621_355_968_000_000_000;
/// The last tick of Kusto's datetime range, 9999-12-31T23:59:59.9999999Z.
pub const MAX_DATETIME_TICKS: i64 = 2_534_023_007_999_999_999;

/// Returns `ticks` when it lies in Kusto's datetime range, `None` otherwise.
pub fn datetime_in_range(ticks: i64) -> Option<i64> {
    (MIN_DATETIME_TICKS..=MAX_DATETIME_TICKS)
        .contains(&ticks)
        .then_some(ticks)
}

/// A Kusto scalar data type, named as Kusto names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Long,
    Real,
    Decimal,
    String,
    DateTime,
    Timespan,
    Guid,
    Dynamic,
}

impl Type {
    /// Returns the type named by a KQL type name (`long`, `datetime`, …) or one of its
    /// documented synonyms (`boolean`, `date`, `time`, `double`, `int64`, `uniqueid`).
    pub fn from_name(name: &str) -> Option<Type> {
        let ty = match name {
            "bool" | "boolean" => Type::Bool,
            "int" | "int32" => Type::Int,
            "long" | "int64" => Type::Long,
            "real" | "double" => Type::Real,
            "decimal" => Type::Decimal,
            "string" => Type::String,
            "datetime" | "date" => Type::DateTime,
            "timespan" | "time" => Type::Timespan,
            "guid" | "uuid" | "uniqueid" => Type::Guid,
            "dynamic" => Type::Dynamic,
            _ => return None,
        };
        Some(ty)
    }

    /// The Kusto name of the type, as `gettype()` and result metadata print it.
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Long => "long",
            Type::Real => "real",
            Type::Decimal => "decimal",
            Type::String => "string",
            Type::DateTime => "datetime",
            Type::Timespan => "timespan",
            Type::Guid => "guid",
            Type::Dynamic => "dynamic",
        }
    }

    /// True for `int`, `long`, `real` and `decimal`.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Real | Type::Decimal)
    }

    /// The value an absent cell of this type has: `""` for strings, null otherwise.
    pub fn empty_value(self) -> Value {
        match self {
            Type::String => Value::from(""),
            _ => Value::Null,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One scalar value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    String(Arc<str>),
    /// Ticks since 1970-01-01T00:00:00Z.
    DateTime(i64),
    /// Ticks.
    Timespan(i64),
    /// The 128 bits of a GUID, most significant byte first as written.
    Guid(u128),
    Dynamic(Arc<serde_json::Value>),
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(Arc::from(text))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(Arc::from(text))
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Value {
        Value::Bool(flag)
    }
}

impl Value {
    /// Wraps a JSON value as a dynamic value, mapping a JSON `null` to `Value::Null`.
    pub fn dynamic(json: serde_json::Value) -> Value {
        if json.is_null() {
            Value::Null
        } else {
            Value::Dynamic(Arc::new(json))
        }
    }

    /// Wraps ticks since the Unix epoch as a datetime, or returns `Value::Null` outside
    /// Kusto's datetime range. Functions build computed datetimes with it, because Kusto
    /// has no datetime before 0001-01-01 or after 9999-12-31.
    pub fn datetime(ticks: i64) -> Value {
        match datetime_in_range(ticks) {
            Some(ticks) => Value::DateTime(ticks),
            None => Value::Null,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Returns true for what `isempty()` calls empty: null and the empty string, including
    /// a dynamic empty string (learn.microsoft.com/kusto/query/isempty-function).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(text) => text.is_empty(),
            Value::Dynamic(json) => json.as_str() == Some(""),
            _ => false,
        }
    }

    /// The value's own type, or `None` for null (whose type comes from its column).
    pub fn type_of(&self) -> Option<Type> {
        let ty = match self {
            Value::Null => return None,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Long(_) => Type::Long,
            Value::Real(_) => Type::Real,
            Value::String(_) => Type::String,
            Value::DateTime(_) => Type::DateTime,
            Value::Timespan(_) => Type::Timespan,
            Value::Guid(_) => Type::Guid,
            Value::Dynamic(_) => Type::Dynamic,
        };
        Some(ty)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the value as `i64` for `int` and `long`; other types give `None`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(i64::from(*n)),
            Value::Long(n) => Some(*n),
            _ => None,
        }
    }

    /// Returns the value as `f64` for any numeric type.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(f64::from(*n)),
            Value::Long(n) => Some(*n as f64),
            Value::Real(x) => Some(*x),
            _ => None,
        }
    }

    /// Converts the value to JSON as Kusto serializes it inside a dynamic value or a JSON
    /// result: datetimes and timespans become their text, GUIDs their hyphenated form.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match self {
            Value::Null => Json::Null,
            Value::Bool(flag) => Json::Bool(*flag),
            Value::Int(n) => Json::from(*n),
            Value::Long(n) => Json::from(*n),
            Value::Real(x) => serde_json::Number::from_f64(*x)
                .map(Json::Number)
                .unwrap_or_else(|| Json::String(format_real(*x))),
            Value::String(text) => Json::String(text.to_string()),
            Value::DateTime(ticks) => Json::String(format_datetime(*ticks)),
            Value::Timespan(ticks) => Json::String(format_timespan(*ticks)),
            Value::Guid(bits) => Json::String(format_guid(*bits)),
            Value::Dynamic(json) => (**json).clone(),
        }
    }

    /// Converts the value to text the way `tostring()` does: null gives `""`, a dynamic
    /// string gives its text without quotes, arrays and bags give compact JSON.
    pub fn to_kusto_string(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(flag) => flag.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Long(n) => n.to_string(),
            Value::Real(x) => format_real(*x),
            Value::String(text) => text.to_string(),
            Value::DateTime(ticks) => format_datetime(*ticks),
            Value::Timespan(ticks) => format_timespan(*ticks),
            Value::Guid(bits) => format_guid(*bits),
            Value::Dynamic(json) => json_to_kusto_string(json),
        }
    }

    /// Formats the value as a KQL literal, so that an error message shows its type. A
    /// string is in double quotes, an int is `int(5)` because a bare `5` is a long, and an
    /// integral real is `real(2)`. Dates, timespans, GUIDs and dynamic values use
    /// `datetime(…)`, `timespan(…)`, `guid(…)` and `dynamic(…)`. A null, which carries no
    /// type here, is written `null`.
    pub fn to_kql_literal(&self) -> String {
        match self {
            Value::Null => "null".to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Int(n) => format!("int({n})"),
            Value::Long(n) => n.to_string(),
            Value::Real(x) if x.is_nan() => "real(nan)".to_string(),
            Value::Real(x) if x.is_infinite() => {
                if *x > 0.0 { "real(+inf)" } else { "real(-inf)" }.to_string()
            }
            Value::Real(x) => {
                let text = format_real(*x);
                if text.contains(['.', 'e', 'E']) {
                    text
                } else {
                    format!("real({text})")
                }
            }
            Value::String(text) => string_literal(text),
            Value::DateTime(ticks) => format!("datetime({})", format_datetime(*ticks)),
            Value::Timespan(ticks) => format!("timespan({})", format_timespan(*ticks)),
            Value::Guid(bits) => format!("guid({})", format_guid(*bits)),
            Value::Dynamic(json) => format!("dynamic({json})"),
        }
    }
}

/// Writes `text` as a double-quoted KQL string literal. It escapes `\`, `"` and control
/// characters with the escapes that Kusto's parser decodes (Kusto-Query-Language,
/// src/Kusto.Language/Parser/KustoFacts.cs, `DecodeEscapes`).
fn string_literal(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '\\' => literal.push_str("\\\\"),
            '"' => literal.push_str("\\\""),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c if c.is_control() => literal.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}

/// Converts a JSON value to text as `tostring()` does for a dynamic value.
pub fn json_to_kusto_string(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(n) => n.to_string(),
            None => format_real(number.as_f64().unwrap_or(f64::NAN)),
        },
        other => other.to_string(),
    }
}

/// Formats a real the way Kusto prints it: integral values without a fraction, others
/// with the shortest text that reads back as the same `f64`, and `NaN`, `Infinity` and
/// `-Infinity` for the special values.
pub fn format_real(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        // Rust's `Display` for f64 already prints the shortest round-trip form and no
        // exponent, so `118.0` prints as `118`.
        format!("{x}")
    }
}

/// Converts ticks since the Unix epoch to a chrono date-time, or `None` outside chrono's range.
pub fn ticks_to_naive(ticks: i64) -> Option<NaiveDateTime> {
    let seconds = ticks.div_euclid(TICKS_PER_SECOND);
    let nanos = (ticks.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
    DateTime::from_timestamp(seconds, nanos).map(|utc| utc.naive_utc())
}

/// Converts a chrono date-time (taken as UTC) to ticks since the Unix epoch.
pub fn naive_to_ticks(datetime: NaiveDateTime) -> Option<i64> {
    let utc = datetime.and_utc();
    let seconds = utc.timestamp();
    let sub_ticks = i64::from(utc.timestamp_subsec_nanos() / 100);
    seconds
        .checked_mul(TICKS_PER_SECOND)?
        .checked_add(sub_ticks)
}

/// Formats a datetime as `tostring()` does: ISO 8601 UTC text with all seven fractional
/// digits, `2017-10-15T12:00:00.0000000Z`. The KQL reference shows this form in its
/// `reverse()` example, where `reverse(datetime(2017-10-15 12:00))` is
/// `Z0000000.00:00:21T51-01-7102` (learn.microsoft.com/kusto/query/reverse-function).
pub fn format_datetime(ticks: i64) -> String {
    let Some(datetime) = ticks_to_naive(ticks) else {
        return String::new();
    };
    let fraction = ticks.rem_euclid(TICKS_PER_SECOND);
    // Written field by field: chrono's `format` parses its pattern on every call, which
    // showed in profiles of queries that print many datetimes.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{fraction:07}Z",
        datetime.year(),
        datetime.month(),
        datetime.day(),
        datetime.hour(),
        datetime.minute(),
        datetime.second()
    )
}

/// Formats a timespan as Kusto does: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan(ticks: i64) -> String {
    let negative = ticks < 0;
    let magnitude = ticks.unsigned_abs();
    let per_second = TICKS_PER_SECOND as u64;
    let fraction = magnitude % per_second;
    let total_seconds = magnitude / per_second;
    let days = total_seconds / 86_400;
    let hours = total_seconds / 3_600 % 24;
    let minutes = total_seconds / 60 % 60;
    let seconds = total_seconds % 60;

    let mut text = String::new();
    if negative {
        text.push('-');
    }
    if days > 0 {
        text.push_str(&format!("{days}."));
    }
    text.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
    if fraction != 0 {
        text.push_str(&format!(".{fraction:07}"));
    }
    text
}

/// Formats GUID bits in the lowercase hyphenated form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub fn format_guid(bits: u128) -> String {
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Parses a GUID in the hyphenated form, with or without braces, or as 32 hex digits.
pub fn parse_guid(text: &str) -> Option<u128> {
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(trimmed);
    let hex: String = inner.chars().filter(|c| *c != '-').collect();
    let hyphenated_ok = inner.len() == 36
        && inner
            .char_indices()
            .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23));
    if hex.len() != 32 || !(inner.len() == 32 || hyphenated_ok) {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

/// Parses datetime text in the forms Kusto accepts and exports write: ISO 8601 with `T` or
/// a space, an optional fraction and an optional `Z` or offset (`2025-08-29T10:15:00.123Z`,
/// `2025-08-29 10:15`), a bare date (`2025-08-29`), RFC 2822 (`Fri, 29 Aug 2025 10:15:00
/// GMT`), the other RFC 822 and RFC 850 forms of Kusto's datetime reference
/// (`Saturday, 08-Nov-14 15:05:02 GMT`, see [`rfc_text`]), the Azure portal's export form
/// (`8/29/2025, 10:15:00.123 AM`), and the form Excel saves in CSV (`7/8/2019 16:08`, without seconds). Text without a
/// zone is UTC, as in Kusto. Text naming an instant outside Kusto's datetime range, such
/// as `0001-01-01T00:00:00+01:00`, gives `None`.
pub fn parse_datetime(text: &str) -> Option<i64> {
    parse_datetime_unchecked(text).and_then(datetime_in_range)
}

fn parse_datetime_unchecked(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(ticks) = parse_utc_timestamp(text) {
        return Some(ticks);
    }
    if let Ok(with_zone) = DateTime::parse_from_rfc3339(text) {
        return naive_to_ticks(with_zone.naive_utc());
    }
    if let Ok(with_zone) = DateTime::parse_from_rfc2822(text) {
        return naive_to_ticks(with_zone.naive_utc());
    }
    // The reference's sortable forms may end in a zone name: `2014-11-08 15:05:25 GMT`.
    let full_text = text;
    let text = rfc_text::strip_utc_zone(text);
    let without_z = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix('z'))
        .unwrap_or(text);
    const NAIVE_FORMATS: [&str; 9] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y, %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y %H:%M:%S%.f",
        "%m/%d/%Y %H:%M",
        "%Y/%m/%d %H:%M:%S%.f",
    ];
    for format in NAIVE_FORMATS {
        if let Ok(datetime) = NaiveDateTime::parse_from_str(without_z, format) {
            return naive_to_ticks(datetime);
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(without_z, format) {
            return naive_to_ticks(date.and_time(NaiveTime::MIN));
        }
    }
    // The RFC forms come last, so that the common forms above stay fast.
    rfc_text::parse_rfc_822_or_850(full_text).and_then(naive_to_ticks)
}

/// Parses `2025-08-29T10:15:00Z` with an optional fraction of up to nine digits, the form
/// that exports write on every row, without chrono's general RFC 3339 parser (about 560
/// instructions per value under callgrind). Any other text gives `None`, and the general
/// parsers read it. A test checks that the result equals chrono's for the texts it reads.
fn parse_utc_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let field = |start: usize, length: usize| -> Option<u32> {
        let digits = bytes.get(start..start + length)?;
        digits.iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };

    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators
        .iter()
        .all(|&(at, byte)| bytes.get(at) == Some(&byte))
    {
        return None;
    }
    let (fraction, fraction_digits) = match bytes.get(19)? {
        b'Z' if bytes.len() == 20 => (0, 0),
        b'.' => {
            let digits = bytes.len().checked_sub(21)?;
            if !(1..=9).contains(&digits) || bytes.last() != Some(&b'Z') {
                return None;
            }
            (field(20, digits)?, digits)
        }
        _ => return None,
    };

    let year = i32::try_from(field(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, field(5, 2)?, field(8, 2)?)?;
    let time = NaiveTime::from_hms_opt(field(11, 2)?, field(14, 2)?, field(17, 2)?)?;
    let nanoseconds = fraction * 10u32.pow(9 - fraction_digits as u32);
    let seconds = naive_to_ticks(date.and_time(time))?;
    seconds.checked_add(i64::from(nanoseconds / 100))
}

/// Parses timespan text: `[-][d.]hh:mm[:ss[.fffffff]]`, or a number with a unit suffix as
/// in KQL literals (`30m`, `1.5h`, `2d`, `100ms`).
pub fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let ticks = if body.contains(':') {
        parse_clock_timespan(body)?
    } else {
        parse_unit_timespan(body)?
    };
    Some(if negative { -ticks } else { ticks })
}

fn parse_clock_timespan(body: &str) -> Option<i64> {
    let (days, clock) = match body.split_once('.') {
        Some((days, rest)) if !days.contains(':') => (days.parse::<i64>().ok()?, rest),
        _ => (0, body),
    };
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let (seconds, fraction_ticks) = match parts.next() {
        Some(seconds_text) => match seconds_text.split_once('.') {
            Some((whole, fraction)) => (whole.parse::<i64>().ok()?, fraction_to_ticks(fraction)?),
            None => (seconds_text.parse::<i64>().ok()?, 0),
        },
        None => (0, 0),
    };
    if parts.next().is_some() || minutes >= 60 || seconds >= 60 {
        return None;
    }
    let total_seconds = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
    total_seconds
        .checked_mul(TICKS_PER_SECOND)?
        .checked_add(fraction_ticks)
}

fn fraction_to_ticks(digits: &str) -> Option<i64> {
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{digits:0<7}");
    padded.parse().ok()
}

/// The ticks in one unit of each timespan literal suffix KQL accepts.
pub fn timespan_unit_ticks(unit: &str) -> Option<i64> {
    let ticks = match unit {
        "d" | "day" | "days" => TICKS_PER_DAY,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600 * TICKS_PER_SECOND,
        "m" | "min" | "minute" | "minutes" => 60 * TICKS_PER_SECOND,
        "s" | "sec" | "second" | "seconds" => TICKS_PER_SECOND,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 10_000,
        "microsecond" | "microseconds" => 10,
        "tick" | "ticks" => 1,
        _ => return None,
    };
    Some(ticks)
}

fn parse_unit_timespan(body: &str) -> Option<i64> {
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, unit) = body.split_at(split);
    let unit_ticks = timespan_unit_ticks(unit)?;
    let amount: f64 = number.parse().ok()?;
    let ticks = amount * unit_ticks as f64;
    if !ticks.is_finite() || ticks.abs() > i64::MAX as f64 {
        return None;
    }
    Some(ticks.round() as i64)
}

/// Parses `true`/`false` in any letter case, and `1`/`0`, as Kusto's `tobool` does.
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") || text == "1" {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// Converts a value to the given type, as storing it in a column of that type does
/// (`datatable` values, typed table columns, `to typeof()` casts). Returns `None` when the
/// value does not fit; `Value::Null` converts to the type's empty value.
pub fn convert(value: &Value, ty: Type) -> Option<Value> {
    if value.is_null() {
        return Some(ty.empty_value());
    }
    if value.type_of() == Some(ty) {
        return Some(value.clone());
    }
    let converted = match ty {
        Type::String => Value::from(value.to_kusto_string()),
        Type::Dynamic => Value::dynamic(value.to_json()),
        Type::Bool => match value {
            Value::String(text) => Value::Bool(parse_bool(text)?),
            Value::Int(_) | Value::Long(_) => Value::Bool(value.as_i64()? != 0),
            Value::Dynamic(json) => match &**json {
                serde_json::Value::Bool(flag) => Value::Bool(*flag),
                serde_json::Value::String(text) => Value::Bool(parse_bool(text)?),
                serde_json::Value::Number(n) => Value::Bool(n.as_f64()? != 0.0),
                _ => return None,
            },
            _ => return None,
        },
        Type::Int => {
            let wide = to_i64(value)?;
            Value::Int(i32::try_from(wide).ok()?)
        }
        Type::Long => Value::Long(to_i64(value)?),
        Type::Real | Type::Decimal => Value::Real(to_f64(value)?),
        Type::DateTime => match value {
            Value::String(text) => Value::DateTime(parse_datetime(text)?),
            Value::Dynamic(json) => Value::DateTime(parse_datetime(json.as_str()?)?),
            _ => return None,
        },
        Type::Timespan => match value {
            Value::String(text) => Value::Timespan(parse_timespan(text)?),
            Value::Dynamic(json) => Value::Timespan(parse_timespan(json.as_str()?)?),
            Value::Int(_) | Value::Long(_) => Value::Timespan(value.as_i64()?),
            _ => return None,
        },
        Type::Guid => match value {
            Value::String(text) => Value::Guid(parse_guid(text)?),
            Value::Dynamic(json) => Value::Guid(parse_guid(json.as_str()?)?),
            _ => return None,
        },
    };
    Some(converted)
}

/// True unless storing `value` in a column of type `ty` (a loaded file, a `datatable`)
/// would change it: a fraction or a bool in an integer column, or a number in a timespan
/// column, is reported as not fitting instead of becoming `22`, `1` or a count of ticks.
/// (`tolong()` in a query still truncates, as Kusto's does.)
pub fn fits_column(value: &Value, ty: Type) -> bool {
    let integral = |x: f64| x.is_finite() && x.fract() == 0.0;
    let integral_text = |text: &str| {
        let text = text.trim();
        text.parse::<i64>().is_ok() || text.parse::<f64>().is_ok_and(integral)
    };
    match ty {
        Type::Int | Type::Long => match value {
            Value::Bool(_) | Value::DateTime(_) | Value::Timespan(_) => false,
            Value::Real(x) => integral(*x),
            Value::String(text) => integral_text(text),
            Value::Dynamic(json) => match &**json {
                serde_json::Value::Number(number) => {
                    number.as_i64().is_some() || number.as_f64().is_some_and(integral)
                }
                serde_json::Value::String(text) => integral_text(text),
                serde_json::Value::Bool(_) => false,
                _ => true,
            },
            _ => true,
        },
        Type::Timespan => !matches!(value, Value::Int(_) | Value::Long(_) | Value::Real(_)),
        _ => true,
    }
}

fn to_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        Value::Real(x) => real_to_i64(*x),
        Value::Bool(flag) => Some(i64::from(*flag)),
        Value::String(text) => parse_integer_text(text),
        Value::Dynamic(json) => match &**json {
            serde_json::Value::Number(n) => n.as_i64().or_else(|| real_to_i64(n.as_f64()?)),
            serde_json::Value::String(text) => parse_integer_text(text),
            serde_json::Value::Bool(flag) => Some(i64::from(*flag)),
            _ => None,
        },
        Value::DateTime(ticks) => Some(ticks_since_year_one(*ticks)),
        Value::Timespan(ticks) => Some(*ticks),
        Value::Null | Value::Guid(_) => None,
    }
}

/// Counts a datetime's ticks from 0001-01-01, the origin Kusto's datetime type uses: its
/// reference gives 31241376000000000 ticks for 0100-01-01
/// (learn.microsoft.com/kusto/query/scalar-data-types/datetime). Stored ticks count from
/// the Unix epoch and lie in range, so the subtraction cannot overflow.
fn ticks_since_year_one(ticks: i64) -> i64 {
    ticks - MIN_DATETIME_TICKS
}

/// Truncates a real toward zero, as Kusto's `tolong(1.9)` gives 1.
fn real_to_i64(x: f64) -> Option<i64> {
    if x.is_finite() && x.abs() < 9.2e18 {
        Some(x.trunc() as i64)
    } else {
        None
    }
}

fn parse_integer_text(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<f64>().ok().and_then(real_to_i64))
}

fn to_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Int(_) | Value::Long(_) | Value::Real(_) => value.as_f64(),
        Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
        Value::String(text) => parse_real_text(text),
        Value::Dynamic(json) => match &**json {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(text) => parse_real_text(text),
            serde_json::Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
            _ => None,
        },
        Value::DateTime(ticks) => Some(ticks_since_year_one(*ticks) as f64),
        Value::Timespan(ticks) => Some(*ticks as f64),
        Value::Null | Value::Guid(_) => None,
    }
}

/// Reads a real from text as `toreal()` does: trimmed, with `NaN` and `Infinity` spelled out.
pub(crate) fn parse_real_text(text: &str) -> Option<f64> {
    let text = text.trim();
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if text
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            None
        }
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each literal is the form that Kusto's parser reads back as the same value and type.
    #[test]
    fn kql_literal_shows_type() {
        assert_eq!(Value::from("5").to_kql_literal(), "\"5\"");
        assert_eq!(
            Value::from("a\"b\\c\n").to_kql_literal(),
            "\"a\\\"b\\\\c\\n\""
        );
        assert_eq!(Value::from("\u{1}").to_kql_literal(), "\"\\u0001\"");
        assert_eq!(Value::Long(5).to_kql_literal(), "5");
        assert_eq!(Value::Int(5).to_kql_literal(), "int(5)");
        assert_eq!(Value::Real(2.0).to_kql_literal(), "real(2)");
        assert_eq!(Value::Real(1.5).to_kql_literal(), "1.5");
        assert_eq!(Value::Real(f64::NAN).to_kql_literal(), "real(nan)");
        assert_eq!(
            Value::Real(f64::NEG_INFINITY).to_kql_literal(),
            "real(-inf)"
        );
        assert_eq!(Value::Bool(true).to_kql_literal(), "true");
        assert_eq!(Value::Null.to_kql_literal(), "null");
        assert_eq!(
            Value::Timespan(TICKS_PER_DAY).to_kql_literal(),
            "timespan(1.00:00:00)"
        );
        assert_eq!(
            Value::DateTime(0).to_kql_literal(),
            "datetime(1970-01-01T00:00:00.0000000Z)"
        );
    }

    #[test]
    fn kql_literal_parses_back() {
        let values = [
            Value::from("a\"b\\c\n\t\u{1}é"),
            Value::Long(-5),
            Value::Int(7),
            Value::Real(2.0),
            Value::Real(0.1),
            Value::Real(f64::INFINITY),
            Value::Bool(false),
            Value::Timespan(90 * TICKS_PER_SECOND + 1),
            Value::DateTime(1_700_000_000 * TICKS_PER_SECOND + 1234),
        ];
        let session = crate::engine::Session::new();
        for value in values {
            let query = format!("print x = {}", value.to_kql_literal());
            let table = session
                .run(&query)
                .unwrap_or_else(|error| panic!("{query}: {error}"));
            assert_eq!(table.row(0), [value], "{query}");
        }
    }

    /// The fast path for export timestamps must give chrono's result for every text it
    /// accepts, including impossible dates, leap years and fractions of every length.
    #[test]
    fn utc_timestamp_fast_path_matches_chrono() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        let mut accepted = 0;
        for _ in 0..200_000 {
            let fraction_digits = next(11) as usize;
            let fraction: String = (0..fraction_digits)
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}Z",
                next(10_000),
                next(14),
                next(33),
                next(25),
                next(61),
                next(62),
                if fraction_digits > 0 { "." } else { "" },
                fraction
            );
            let chrono = DateTime::parse_from_rfc3339(&text)
                .ok()
                .and_then(|parsed| naive_to_ticks(parsed.naive_utc()));
            if let Some(fast) = parse_utc_timestamp(&text) {
                accepted += 1;
                assert_eq!(Some(fast), chrono, "{text}");
            }
        }
        assert!(
            accepted > 10_000,
            "only {accepted} texts took the fast path"
        );
        assert_eq!(
            parse_utc_timestamp("2024-02-29T23:59:59.1234567Z"),
            parse_datetime("2024-02-29T23:59:59.1234567+00:00")
        );
        assert_eq!(parse_utc_timestamp("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_utc_timestamp("2023-01-01 00:00:00Z"), None);
    }

    fn ticks(text: &str) -> i64 {
        parse_datetime(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    // learn.microsoft.com/kusto/query/reverse-function: tostring of a datetime has seven
    // fractional digits.
    #[test]
    fn datetime_tostring_has_seven_digits() {
        assert_eq!(
            format_datetime(ticks("2017-10-15 12:00")),
            "2017-10-15T12:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime(ticks("2023-04-18T12:59:27.4855445Z")),
            "2023-04-18T12:59:27.4855445Z"
        );
    }

    // learn.microsoft.com/kusto/query/scalar-data-types/datetime, "Supported formats": every
    // RFC 822, RFC 850 and sortable example names 2014-11-08 at 15:05 with the seconds shown.
    #[test]
    fn datetime_parses_reference_formats() {
        let cases = [
            ("Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z"),
            ("Sat, 8 Nov 14 15:05:02", "2014-11-08T15:05:02Z"),
            ("Sat, 8 Nov 14 15:05", "2014-11-08T15:05:00Z"),
            ("Sat, 8 Nov 14 15:05 GMT", "2014-11-08T15:05:00Z"),
            ("8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z"),
            ("8 Nov 14 15:05:02", "2014-11-08T15:05:02Z"),
            ("8 Nov 14 15:05", "2014-11-08T15:05:00Z"),
            ("8 Nov 14 15:05 GMT", "2014-11-08T15:05:00Z"),
            ("Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02Z"),
            ("Saturday, 08-Nov-14 15:05:02", "2014-11-08T15:05:02Z"),
            ("Saturday, 08-Nov-14 15:05 GMT", "2014-11-08T15:05:00Z"),
            ("Saturday, 08-Nov-14 15:05", "2014-11-08T15:05:00Z"),
            ("08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02Z"),
            ("08-Nov-14 15:05:02", "2014-11-08T15:05:02Z"),
            ("08-Nov-14 15:05 GMT", "2014-11-08T15:05:00Z"),
            ("08-Nov-14 15:05", "2014-11-08T15:05:00Z"),
            ("2014-11-08 15:05:25 GMT", "2014-11-08T15:05:25Z"),
            ("2014-11-08 15:05 GMT", "2014-11-08T15:05:00Z"),
            ("2014-11-08T15:05:25 GMT", "2014-11-08T15:05:25Z"),
            ("2014-11-08T15:05 GMT", "2014-11-08T15:05:00Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_datetime(text), Some(ticks(expected)), "{text}");
        }
    }

    #[test]
    fn datetime_rejects_invalid_rfc_forms() {
        assert_eq!(parse_datetime("Sunday, 08-Nov-14 15:05"), None);
        assert_eq!(parse_datetime("Sat, 8 Nov 14 25:05"), None);
        assert_eq!(parse_datetime("08-Nov-14"), None);
    }

    #[test]
    fn datetime_parses_export_forms() {
        let expected = ticks("2020-11-20T16:20:29.443Z");
        assert_eq!(parse_datetime("11/20/2020, 4:20:29.443 PM"), Some(expected));
        assert_eq!(
            parse_datetime("2020-11-20T18:20:29.443+02:00"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2020-11-20"),
            Some(ticks("2020-11-20T00:00:00Z"))
        );
        assert_eq!(parse_datetime("not a date"), None);
        assert_eq!(parse_datetime(""), None);
    }

    #[test]
    fn datetime_parses_excel_csv_form() {
        assert_eq!(
            parse_datetime("7/8/2019 16:08"),
            Some(ticks("2019-07-08T16:08:00Z"))
        );
        assert_eq!(
            parse_datetime("12/31/2019 0:05"),
            Some(ticks("2019-12-31T00:05:00Z"))
        );
        assert_eq!(parse_datetime("7/8/2019 24:08"), None);
        assert_eq!(parse_datetime("7/8/2019 16:60"), None);
    }

    #[test]
    fn datetime_before_epoch_round_trips() {
        let ticks = ticks("1601-01-01T00:00:00Z");
        assert!(ticks < 0);
        assert_eq!(format_datetime(ticks), "1601-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn timespan_formats_like_kusto() {
        assert_eq!(format_timespan(TICKS_PER_DAY), "1.00:00:00");
        assert_eq!(format_timespan(30 * 60 * TICKS_PER_SECOND), "00:30:00");
        assert_eq!(format_timespan(-TICKS_PER_SECOND / 2), "-00:00:00.5000000");
    }

    #[test]
    fn timespan_parses_clock_and_units() {
        assert_eq!(
            parse_timespan("1.02:03:04"),
            Some(((26 * 60 + 3) * 60 + 4) * TICKS_PER_SECOND)
        );
        assert_eq!(parse_timespan("00:00:00.5"), Some(TICKS_PER_SECOND / 2));
        assert_eq!(parse_timespan("30m"), Some(1_800 * TICKS_PER_SECOND));
        assert_eq!(parse_timespan("1.5h"), Some(5_400 * TICKS_PER_SECOND));
        assert_eq!(parse_timespan("-2d"), Some(-2 * TICKS_PER_DAY));
        assert_eq!(parse_timespan("5 parsecs"), None);
    }

    #[test]
    fn guid_round_trips() {
        let text = "5f2b9a1c-0d3e-4f56-8a7b-9c0d1e2f3a4b";
        let bits = parse_guid(text).expect("valid guid");
        assert_eq!(format_guid(bits), text);
        assert_eq!(
            parse_guid("{5F2B9A1C-0D3E-4F56-8A7B-9C0D1E2F3A4B}"),
            Some(bits)
        );
        assert_eq!(parse_guid("5f2b9a1c-0d3e"), None);
    }

    #[test]
    fn convert_long_to_string_column() {
        // `datatable(TcpFlagDecimal:string, …)[6, …]` stores the text "6".
        assert_eq!(
            convert(&Value::Long(6), Type::String),
            Some(Value::from("6"))
        );
        assert_eq!(
            convert(&Value::Real(1.5), Type::String),
            Some(Value::from("1.5"))
        );
    }

    #[test]
    fn convert_text_to_numbers() {
        assert_eq!(
            convert(&Value::from("443"), Type::Int),
            Some(Value::Int(443))
        );
        assert_eq!(convert(&Value::from("x"), Type::Int), None);
        assert_eq!(convert(&Value::from("99999999999"), Type::Int), None);
        assert_eq!(
            convert(&Value::from("1.9"), Type::Long),
            Some(Value::Long(1))
        );
        assert_eq!(convert(&Value::Null, Type::String), Some(Value::from("")));
        assert_eq!(convert(&Value::Null, Type::Int), Some(Value::Null));
    }

    #[test]
    fn tostring_of_dynamic_values() {
        let bag = Value::dynamic(serde_json::json!({"a": 1, "b": [1, 2]}));
        assert_eq!(bag.to_kusto_string(), r#"{"a":1,"b":[1,2]}"#);
        assert_eq!(
            Value::dynamic(serde_json::json!("In")).to_kusto_string(),
            "In"
        );
        assert_eq!(Value::dynamic(serde_json::json!(6)).to_kusto_string(), "6");
        assert_eq!(Value::dynamic(serde_json::Value::Null), Value::Null);
        assert_eq!(Value::Null.to_kusto_string(), "");
    }

    #[test]
    fn real_prints_without_trailing_fraction() {
        assert_eq!(format_real(118.0), "118");
        assert_eq!(format_real(0.1), "0.1");
        assert_eq!(format_real(f64::NAN), "NaN");
    }
}
