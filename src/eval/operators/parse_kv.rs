//! `parse-kv`: finds key/value pairs in each row's text and fills one column per listed
//! key (learn.microsoft.com/kusto/query/parse-kv-operator). The first appearance of a key
//! counts, whitespace around keys and values is ignored, and a key that does not appear
//! gives null (`""` for strings).

use std::sync::Arc;

use crate::binder::plan::{KvExtraction, ParseKvPlan};
use crate::error::Result;
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::{Schema, Table};
use crate::value::{convert, Type, Value};

pub fn run(
    input: &Table,
    plan: &ParseKvPlan,
    schema: &Schema,
    context: &EvalContext,
) -> Result<Table> {
    let mut extracted: Vec<Vec<Value>> = vec![Vec::with_capacity(input.row_count); plan.keys.len()];
    for row in 0..input.row_count {
        let text = evaluate(&plan.text, input, row, context)?.to_kusto_string();
        let mut found: Vec<Option<String>> = vec![None; plan.keys.len()];
        let mut record = |key: &str, value: String| {
            let slot = plan
                .keys
                .iter()
                .position(|(name, _, _)| name == key)
                .and_then(|index| found.get_mut(index));
            if let Some(slot @ None) = slot {
                *slot = Some(value);
            }
        };
        match &plan.extraction {
            KvExtraction::Regex(regex) => {
                for captures in regex.captures_iter(&text) {
                    let key = captures.get(1).map_or("", |m| m.as_str()).trim();
                    let value = captures.get(2).map_or("", |m| m.as_str()).trim();
                    record(key, value.to_string());
                }
            }
            KvExtraction::Delimited {
                pair_delimiter,
                kv_delimiter,
                quotes,
                escapes,
            } => {
                let scanner = Scanner {
                    pair_delimiter,
                    kv_delimiter,
                    quotes,
                    escapes,
                };
                scanner.pairs(&text, &mut record);
            }
        }
        for ((column, (_, _, ty)), value) in extracted.iter_mut().zip(&plan.keys).zip(found) {
            column.push(typed(value, *ty));
        }
    }

    let mut columns = input.columns.clone();
    while columns.len() < schema.len() {
        columns.push(Arc::new(Vec::new()));
    }
    for ((_, position, _), values) in plan.keys.iter().zip(extracted) {
        if let Some(slot) = columns.get_mut(*position) {
            *slot = Arc::new(values);
        }
    }
    Ok(Table::new(schema.clone(), columns, input.row_count))
}

/// Converts an extracted text to its column type.
///
/// NOTE: a text that does not convert (`bytes=abc` into a `long`) becomes null, as with
/// the `to<type>()` functions. The reference page does not state this case.
fn typed(value: Option<String>, ty: Type) -> Value {
    match value {
        None => ty.empty_value(),
        Some(text) if ty == Type::String => Value::from(text),
        Some(text) if text.is_empty() => Value::Null,
        Some(text) => convert(&Value::from(text), ty)
            .filter(|value| !value.is_null())
            .unwrap_or(Value::Null),
    }
}

/// The delimiter mode: pairs separated by `pair_delimiter`, key from value by
/// `kv_delimiter`, and keys or values optionally quoted.
struct Scanner<'a> {
    pair_delimiter: &'a str,
    kv_delimiter: &'a str,
    quotes: &'a [(char, char)],
    escapes: &'a [char],
}

impl Scanner<'_> {
    /// Calls `record` with each key and value in `text`, in order.
    fn pairs(&self, text: &str, record: &mut impl FnMut(&str, String)) {
        let mut rest = text;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let (key, after_key) = match self.quoted(rest) {
                Some((key, after)) => (key, after),
                None => {
                    let end = self.unquoted_end(rest, &[self.kv_delimiter, self.pair_delimiter]);
                    (rest[..end].trim().to_string(), &rest[end..])
                }
            };
            let Some(after_kv) = after_key.strip_prefix(self.kv_delimiter) else {
                // A key without a value: skip to the next pair.
                rest = self.after_pair_delimiter(after_key);
                continue;
            };
            let after_kv = after_kv.trim_start();
            let (value, after_value) = match self.quoted(after_kv) {
                Some((value, after)) => (value, after),
                None => {
                    let end = self.unquoted_end(after_kv, &[self.pair_delimiter]);
                    (after_kv[..end].trim().to_string(), &after_kv[end..])
                }
            };
            record(&key, value);
            rest = self.after_pair_delimiter(after_value);
        }
    }

    /// Returns the text after the next pair delimiter, or nothing.
    fn after_pair_delimiter<'t>(&self, text: &'t str) -> &'t str {
        match text.find(self.pair_delimiter) {
            Some(start) => &text[start + self.pair_delimiter.len()..],
            None => "",
        }
    }

    /// Returns the byte position of the first of `delimiters` in `text`, or its length.
    fn unquoted_end(&self, text: &str, delimiters: &[&str]) -> usize {
        delimiters
            .iter()
            .filter_map(|delimiter| text.find(delimiter))
            .min()
            .unwrap_or(text.len())
    }

    /// Reads a quoted string at the start of `text`, resolving escapes. Returns its
    /// content and the text after the closing quote, or nothing when it is not closed.
    fn quoted<'t>(&self, text: &'t str) -> Option<(String, &'t str)> {
        let first = text.chars().next()?;
        let (_, close) = self.quotes.iter().find(|(open, _)| *open == first)?;
        let mut content = String::new();
        let mut chars = text.char_indices().skip(1);
        while let Some((position, c)) = chars.next() {
            if self.escapes.contains(&c) {
                if let Some((_, escaped)) = chars.next() {
                    content.push(escaped);
                }
                continue;
            }
            if c == *close {
                return Some((content, &text[position + c.len_utf8()..]));
            }
            content.push(c);
        }
        Some((content, ""))
    }
}
