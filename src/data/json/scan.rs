//! A faster reader for the common shape of a JSON lines row: one object whose keys need no
//! unescaping and whose text contains no control characters.
//!
//! The scanner walks the object's top level itself, finds the end of each string with
//! `memchr` (which uses SIMD), and hands only numbers, escaped strings and nested values to
//! serde_json, on the value's own bytes. Every line it reads is one that serde_json reads
//! to the same cells, which the tests check on valid, invalid and mutated rows. On any
//! other line it returns `false` without an error. The caller then reads the line again
//! with the serde reader in `row`, which gives the result or the error message. Skipped
//! values are checked as serde_json's `IgnoredAny` checks them, so a `\u` escape in a
//! skipped string needs only four hex digits.

use std::sync::Arc;

use serde::de::IgnoredAny;

use super::row::KeyCache;
use crate::data::raw::{RawCell, RawTable};

/// Reads `text` as one row object into the current row of `raw`. Returns `false`, with
/// some of the row's cells possibly set, when the line is not in the shape this scanner
/// handles or is not valid JSON; the caller then reads it with the serde reader, which
/// sets every cell again.
pub(super) fn read_row(text: &str, raw: &mut RawTable, cache: &mut KeyCache) -> bool {
    let bytes = text.as_bytes();
    // JSON forbids control characters inside strings but allows tabs, line breaks and
    // carriage returns between tokens. Lines with none at all are the common case, and
    // for them every string ends at its first unescaped quote.
    if has_control_character(bytes) {
        return false;
    }
    let mut scanner = Scanner {
        text,
        bytes,
        position: 0,
        too_deep: false,
    };
    scanner.read_object(raw, cache).is_some()
}

/// True if any byte is below 0x20. Written without an early exit so that it vectorizes.
fn has_control_character(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block
            .iter()
            .fold(false, |found, &byte| found | (byte < 0x20))
    })
}

/// The nesting of a kept value, counted from its own brackets, from which serde_json
/// would reject the row: 128 levels with the row object.
const MAX_NESTED_DEPTH: usize = 127;

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    /// The last value passed over was nested at least [`MAX_NESTED_DEPTH`] deep.
    too_deep: bool,
}

impl<'a> Scanner<'a> {
    /// Reads the row object and the spaces after it. `None` sends the line to the serde
    /// reader.
    fn read_object(&mut self, raw: &mut RawTable, cache: &mut KeyCache) -> Option<()> {
        self.skip_spaces();
        self.expect(b'{')?;
        self.skip_spaces();
        if self.peek()? == b'}' {
            self.position += 1;
            return self.at_end();
        }

        let mut key_position = 0;
        loop {
            let column = match self.skip_cached_key(cache, key_position) {
                Some(column) => column,
                None => {
                    let key = self.read_key()?;
                    cache.column(key_position, key, raw)
                }
            };
            self.skip_spaces();
            self.expect(b':')?;
            self.skip_spaces();
            match column {
                Some(column) => {
                    let cell = self.read_value(raw)?;
                    raw.set_cell(column, cell);
                }
                None => self.skip_value()?,
            }
            key_position += 1;

            self.skip_spaces();
            match self.peek()? {
                b',' => {
                    self.position += 1;
                    self.skip_spaces();
                }
                b'}' => {
                    self.position += 1;
                    return self.at_end();
                }
                _ => return None,
            }
        }
    }

    /// Returns `Some` if only spaces follow.
    fn at_end(&mut self) -> Option<()> {
        self.skip_spaces();
        (self.position == self.bytes.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        if self.peek()? != byte {
            return None;
        }
        self.position += 1;
        Some(())
    }

    /// Skips spaces, the only whitespace left once control characters are ruled out.
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.position += 1;
        }
    }

    /// Moves past the key at the current position if its bytes are those of the key seen
    /// at `key_position` in the previous row, and returns that key's column (`None`
    /// inside for a column that is not kept). The outer `None` leaves the position alone.
    fn skip_cached_key(&mut self, cache: &KeyCache, key_position: usize) -> Option<Option<usize>> {
        let (key, column) = cache.plain_key(key_position)?;
        let rest = self.bytes.get(self.position..)?;
        let quoted = rest.first() == Some(&b'"')
            && rest.get(1..=key.len())? == key.as_bytes()
            && rest.get(key.len() + 1) == Some(&b'"');
        if !quoted {
            return None;
        }
        self.position += key.len() + 2;
        Some(column)
    }

    /// Reads a key without escapes and returns its text.
    fn read_key(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.position;
        let rest = self.bytes.get(start..)?;
        let length = memchr::memchr2(b'"', b'\\', rest)?;
        if rest.get(length) != Some(&b'"') {
            return None;
        }
        self.position = start + length + 1;
        self.text.get(start..start + length)
    }

    /// Moves past a string that starts at the current position and returns its contents'
    /// byte range and whether it contains escapes.
    fn skip_string(&mut self) -> Option<(usize, usize, bool)> {
        self.expect(b'"')?;
        let start = self.position;
        let mut escaped = false;
        loop {
            let rest = self.bytes.get(self.position..)?;
            let offset = memchr::memchr2(b'"', b'\\', rest)?;
            let at = self.position + offset;
            if self.bytes.get(at) == Some(&b'"') {
                self.position = at + 1;
                return Some((start, at, escaped));
            }
            escaped = true;
            self.position = at + 1 + self.escape_length(at + 1)?;
        }
    }

    /// Returns the length of the escape whose letter is at `at`, the byte after a
    /// backslash, or `None` for an invalid escape.
    fn escape_length(&self, at: usize) -> Option<usize> {
        match self.bytes.get(at)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(1),
            b'u' => {
                let digits = self.bytes.get(at + 1..at + 5)?;
                digits.iter().all(u8::is_ascii_hexdigit).then_some(5)
            }
            _ => None,
        }
    }

    /// Moves past a number, `true`, `false`, `null`, object or array and returns its text,
    /// unchecked: the caller parses it with serde_json.
    fn skip_other(&mut self) -> Option<&'a str> {
        let start = self.position;
        match self.peek()? {
            b'{' | b'[' => {
                // serde_json stops at 128 levels of nesting, the row object included, while
                // reading a kept value. A value parsed on its own bytes would get one level
                // more, so deep values go to the serde reader. Skipped values have no limit
                // in either reader.
                let deepest = self.skip_nested()?;
                if deepest >= MAX_NESTED_DEPTH {
                    self.too_deep = true;
                }
            }
            b'-' | b'0'..=b'9' => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.position += 1;
                }
            }
            b't' | b'f' | b'n' => {
                while self.peek().is_some_and(|byte| byte.is_ascii_lowercase()) {
                    self.position += 1;
                }
            }
            _ => return None,
        }
        self.text.get(start..self.position)
    }

    /// Moves past an object or array to the bracket that closes it, skipping strings, and
    /// returns the deepest nesting inside it (1 for `[1]`). Brackets are only counted, so a
    /// mismatched pair is left for serde_json to reject.
    fn skip_nested(&mut self) -> Option<usize> {
        let mut depth = 0usize;
        let mut deepest = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.skip_string()?;
                    continue;
                }
                b'{' | b'[' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        self.position += 1;
                        return Some(deepest);
                    }
                }
                _ => {}
            }
            self.position += 1;
        }
    }

    /// Reads the value at the current position as a cell, as `row::CellSeed` would.
    fn read_value(&mut self, raw: &RawTable) -> Option<RawCell> {
        if self.peek()? == b'"' {
            let (start, end, escaped) = self.skip_string()?;
            if escaped {
                let text = match unescape_short_escapes(self.text.get(start..end)?) {
                    Some(text) => text,
                    None => serde_json::from_str(self.text.get(start - 1..end + 1)?).ok()?,
                };
                return Some(RawCell::JsonString(Arc::from(text)));
            }
            let text = self.text.get(start..end)?;
            return Some(
                raw.span_of(text)
                    .unwrap_or_else(|| RawCell::JsonString(Arc::from(text))),
            );
        }
        self.too_deep = false;
        let value_text = self.skip_other()?;
        let cell = match value_text.as_bytes().first()? {
            b'{' | b'[' if self.too_deep => return None,
            b'{' | b'[' => {
                let value: serde_json::Value = serde_json::from_str(value_text).ok()?;
                RawCell::Nested(Box::new(value))
            }
            b'-' | b'0'..=b'9' => match plain_integer(value_text) {
                Some(number) => RawCell::Number(number.into()),
                None => RawCell::Number(serde_json::from_str(value_text).ok()?),
            },
            _ => match value_text {
                "true" => RawCell::Bool(true),
                "false" => RawCell::Bool(false),
                "null" => RawCell::Absent,
                _ => return None,
            },
        };
        Some(cell)
    }

    /// Moves past the value at the current position, checking it as serde_json's
    /// `IgnoredAny` would.
    fn skip_value(&mut self) -> Option<()> {
        if self.peek()? == b'"' {
            self.skip_string()?;
            return Some(());
        }
        let value_text = self.skip_other()?;
        match value_text {
            "true" | "false" | "null" => Some(()),
            _ if is_json_number(value_text.as_bytes()) => Some(()),
            _ => serde_json::from_str::<IgnoredAny>(value_text)
                .ok()
                .map(|_| ()),
        }
    }
}

/// Returns the JSON string contents `inner` with its escapes replaced, if they are all
/// two-byte escapes such as `\"` and `\n`. `None` leaves `\u` escapes, and anything else,
/// to serde_json, which also checks surrogate pairs.
fn unescape_short_escapes(inner: &str) -> Option<String> {
    let mut text = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        text.push_str(rest.get(..at)?);
        let unescaped = match rest.as_bytes().get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        };
        text.push(unescaped);
        rest = rest.get(at + 2..)?;
    }
    text.push_str(rest);
    Some(text)
}

/// True if `text` is one number by the JSON grammar, the one serde_json reads:
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259, section 6).
/// Checking it here spares a serde_json call for every skipped number.
fn is_json_number(text: &[u8]) -> bool {
    /// Moves `rest` past its leading digits and returns how many there were.
    fn digits(rest: &mut &[u8]) -> usize {
        let count = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
        *rest = rest.get(count..).unwrap_or_default();
        count
    }
    let mut rest = text.strip_prefix(b"-").unwrap_or(text);
    match rest.first() {
        Some(b'0') => rest = rest.get(1..).unwrap_or_default(),
        Some(b'1'..=b'9') => {
            digits(&mut rest);
        }
        _ => return false,
    }
    if let Some(fraction) = rest.strip_prefix(b".") {
        rest = fraction;
        if digits(&mut rest) == 0 {
            return false;
        }
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        rest = exponent;
        rest = rest
            .strip_prefix(b"+")
            .or_else(|| rest.strip_prefix(b"-"))
            .unwrap_or(rest);
        if digits(&mut rest) == 0 {
            return false;
        }
    }
    rest.is_empty()
}

/// Parses `text` if it is a non-negative integer of at most 19 digits without a
/// leading zero, which serde_json reads as that `u64`. Other numbers are left to
/// serde_json: `-0`, for one, is a float there.
fn plain_integer(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let plain = (1..=19).contains(&bytes.len())
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes.len() == 1 || bytes.first() != Some(&b'0'));
    if !plain {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells of each column, columns sorted by name.
    type Cells = Vec<Vec<RawCell>>;

    /// The scanner's cells, `None` when it handed the line over, and the serde reader's
    /// cells or error message.
    type BothReads = (Option<Cells>, Result<Cells, String>);

    fn both_readers(line: &str) -> BothReads {
        both_readers_keeping(line, None)
    }

    /// Like [`both_readers`], reading only the columns in `keep`, or all for `None`.
    fn both_readers_keeping(line: &str, keep: Option<&[&str]>) -> BothReads {
        both_readers_after(None, line, keep)
    }

    /// Like [`both_readers_keeping`], with `before`, a valid row, read first into the same
    /// table with the same key cache, so that `line` is read with the keys of `before`
    /// cached. Both rows' cells are returned.
    fn both_readers_after(before: Option<&str>, line: &str, keep: Option<&[&str]>) -> BothReads {
        let keep = keep.map(|names| {
            Arc::new(
                names
                    .iter()
                    .map(|name| name.to_string())
                    .collect::<std::collections::HashSet<_>>(),
            )
        });
        let cells = |raw: RawTable| -> Cells {
            let mut columns: Vec<(String, Vec<RawCell>)> = raw
                .columns
                .into_iter()
                .map(|column| (column.name, column.cells))
                .collect();
            columns.sort_by(|a, b| a.0.cmp(&b.0));
            columns.into_iter().map(|(_, cells)| cells).collect()
        };

        let mut scanned = RawTable::keeping(keep.clone());
        let mut scanner_cache = KeyCache::default();
        let mut parsed = RawTable::keeping(keep);
        let mut serde_cache = KeyCache::default();
        if let Some(before) = before {
            scanned.start_row(0, 1);
            assert!(
                read_row(before, &mut scanned, &mut scanner_cache),
                "{before}"
            );
            parsed.start_row(0, 1);
            let first = super::super::row::read_row(before, &mut parsed, &mut serde_cache);
            assert!(first.is_ok(), "{before}");
        }

        scanned.start_row(0, 2);
        let scanner_read = read_row(line, &mut scanned, &mut scanner_cache);
        scanned.finish();

        parsed.start_row(0, 2);
        let serde_read = super::super::row::read_row(line, &mut parsed, &mut serde_cache);
        parsed.finish();

        let scanned = scanner_read.then(|| cells(scanned));
        let parsed = serde_read
            .map(|()| cells(parsed))
            .map_err(|error| error.to_string());
        (scanned, parsed)
    }

    #[test]
    fn scanner_matches_serde_on_valid_rows() {
        let lines = [
            r#"{"a":"x","b":1,"c":-2.5e3,"d":true,"e":null,"f":{"g":[1,"]",{"h":"}"}]}}"#,
            r#"  { "a" : "x y" , "b" : [ ] , "c" : { } }  "#,
            r#"{"a":"tab\tquote\"slash\\unicode\u00e9","b":"\u0041"}"#,
            r#"{"a":"é ü 漢字","b":12345678901234567890,"c":0.1}"#,
            r#"{}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":"\\\"\/\b\f\n\r\t","b":"x\\y \"q\" é"}"#,
        ];
        for line in lines {
            let (scanned, parsed) = both_readers(line);
            let Ok(parsed) = parsed else {
                panic!("serde rejected {line}");
            };
            let scanned = scanned.unwrap_or_else(|| panic!("scanner handed over {line}"));
            assert_eq!(scanned, parsed, "{line}");
        }
    }

    /// Skipped values are checked only as serde_json's `IgnoredAny` checks them, which
    /// accepts a lone surrogate escape that a kept string rejects.
    #[test]
    fn scanner_skips_like_ignored_any() {
        let lines = [
            r#"{"skip":"\ud800","b":false}"#,
            r#"{"skip":{"x":[1,2,{"y":"\""}]},"b":"kept"}"#,
            r#"{"skip":-0.5e-3,"b":1}"#,
        ];
        for line in lines {
            let (scanned, parsed) = both_readers_keeping(line, Some(&["b"]));
            let Ok(parsed) = parsed else {
                panic!("serde rejected {line}");
            };
            assert_eq!(scanned, Some(parsed), "{line}");
        }
        let (scanned, parsed) = both_readers_keeping(r#"{"skip":{"x":1]},"b":1}"#, Some(&["b"]));
        assert!(parsed.is_err());
        assert!(scanned.is_none());
    }

    #[test]
    fn cached_keys_match_whole_key() {
        let before = r#"{"a":1,"b":"x"}"#;
        let lines = [
            r#"{"a":2,"b":"y"}"#,
            r#"{"ab":2,"b":"y"}"#,
            r#"{"a\u0062":2,"b":"y"}"#,
            r#"{"b":2,"a":"y"}"#,
            r#"{"a":2}"#,
            r#"{"a":2,"b":"y","c":3}"#,
        ];
        for line in lines {
            let (scanned, parsed) = both_readers_after(Some(before), line, Some(&["a", "b"]));
            let Ok(parsed) = parsed else {
                panic!("serde rejected {line}");
            };
            if let Some(scanned) = scanned {
                assert_eq!(scanned, parsed, "{line}");
            }
        }
        let (scanned, parsed) = both_readers_after(Some(before), r#"{"a"b":2}"#, None);
        assert!(parsed.is_err());
        assert!(scanned.is_none());
    }

    /// serde_json rejects a row nested 128 levels deep, the row object included, when it
    /// reads the deepest value; the scanner must hand such rows over.
    #[test]
    fn deep_kept_values_go_to_serde() {
        let row = |depth: usize| {
            format!(
                r#"{{"skip":1,"a":{}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let (scanned, parsed) = both_readers_keeping(&row(126), Some(&["a"]));
        assert!(parsed.is_ok());
        assert_eq!(scanned.map(Ok), Some(parsed));
        let (scanned, parsed) = both_readers_keeping(&row(127), Some(&["a"]));
        assert!(parsed.is_err());
        assert!(scanned.is_none());
        let (scanned, parsed) = both_readers_keeping(&row(127), Some(&["skip"]));
        assert!(parsed.is_ok());
        assert_eq!(scanned.map(Ok), Some(parsed));
    }

    #[test]
    fn scanner_reads_common_rows_itself() {
        let (scanned, _) = both_readers(r#"{"a":"x","b":1,"c":{"d":[true]},"e":"\"q\""}"#);
        assert!(scanned.is_some());
    }

    /// Every string of up to five bytes from a number alphabet: the number grammar check
    /// agrees with serde_json, and a plain integer reads as serde_json reads it.
    #[test]
    fn number_checks_agree_with_serde() {
        let alphabet = b"019-+.eE";
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|text| {
                    alphabet
                        .iter()
                        .map(move |&byte| format!("{text}{}", char::from(byte)))
                })
                .collect();
            for text in &texts {
                let serde_reads = serde_json::from_str::<IgnoredAny>(text).is_ok();
                assert_eq!(is_json_number(text.as_bytes()), serde_reads, "{text}");
                if let Some(number) = plain_integer(text) {
                    let parsed: serde_json::Number = serde_json::from_str(text).unwrap();
                    assert_eq!(serde_json::Number::from(number), parsed, "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100);
        for text in [
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
        ] {
            if let Some(number) = plain_integer(text) {
                let parsed: serde_json::Number = serde_json::from_str(text).unwrap();
                assert_eq!(serde_json::Number::from(number), parsed, "{text}");
            }
        }
        assert_eq!(
            plain_integer("9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(plain_integer("01"), None);
        assert_eq!(plain_integer("-1"), None);
    }

    #[test]
    fn scanner_hands_over_what_serde_rejects() {
        let lines = [
            r#"{"a":"x",}"#,
            r#"{"a":"x" "b":1}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\q"}"#,
            r#"{"a":"\u12G4"}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":[1,}"#,
            r#"{"a":"x"} x"#,
            r#"{"a":"x""#,
            r#"{a:1}"#,
            r#"["a"]"#,
            "{\"a\":\"x\ty\"}",
            r#"{"a":nul}"#,
            r#"{"a":1e}"#,
            r#"{"a":"\ud800"}"#,
        ];
        for line in lines {
            let (scanned, parsed) = both_readers(line);
            assert!(parsed.is_err(), "serde accepted {line}");
            assert!(scanned.is_none(), "scanner accepted {line}");
        }
    }

    #[test]
    fn scanner_hands_over_escaped_keys_and_tabs() {
        for line in [r#"{"a\"b":1}"#, "{\"a\":\t1}"] {
            let (scanned, parsed) = both_readers(line);
            assert!(scanned.is_none(), "{line}");
            assert!(parsed.is_ok(), "{line}");
        }
    }

    /// Mutates valid rows byte by byte and checks that every line the scanner reads is one
    /// that serde_json reads to the same cells. A fixed seed keeps failures repeatable.
    #[test]
    fn scanner_agrees_with_serde_on_mutated_rows() {
        let seeds = [
            r#"{"a":"x\"y","b":-1.5e2,"c":[true,{"d":null}],"e":"\u00e9","f":false}"#,
            r#"{ "b" : 12 , "skip" : { "x" : "]" } , "a" : "text" }"#,
            r#"{"a":0,"n":-0.25E+3,"b":1234567890123456789,"m":90,"e":-7}"#,
            r#"{"a":"\\\"\/\b\f\n\r\t","b":"x\\y","e":"\"\u0041\n"}"#,
        ];
        let alphabet = b"{}[]\",:\\ -+.eE0123456789tfnulrsau";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let mut read_by_scanner = 0;
        for round in 0..4000 {
            let seed = seeds[round % seeds.len()];
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len() + 1);
                let byte = alphabet[next(alphabet.len())];
                match next(3) {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, byte),
                }
            }
            let Ok(line) = String::from_utf8(bytes) else {
                continue;
            };
            let keep: &[&str] = &["a", "b", "c", "e"];
            // Every other round reads the mutated row after its seed, with the seed's
            // keys cached.
            let before = (round % 4 >= 2).then_some(seed);
            let (scanned, parsed) = both_readers_after(before, &line, Some(keep));
            if let Some(scanned) = scanned {
                read_by_scanner += 1;
                assert_eq!(Ok(scanned), parsed, "{line}");
            }
        }
        assert!(
            read_by_scanner > 100,
            "only {read_by_scanner} lines read by the scanner"
        );
    }
}
