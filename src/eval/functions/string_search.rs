//! Searching and replacing with several lookups or a regular expression:
//! `replace_strings` and `indexof_regex`.
//!
//! Positions count Unicode code points, as `indexof` does.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value as Json;

use super::pattern::{self, prepare_with_regex};
use super::{expect_arg, integer_arg, Argument, EvalContext, Function, Prepared, INTEGER, TEXT};
use crate::value::{Type, Value};

fn replace_strings_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the text of replace_strings()")?;
    expect_arg(
        args,
        1,
        &[Type::Dynamic],
        "the lookups of replace_strings()",
    )?;
    expect_arg(
        args,
        2,
        &[Type::Dynamic],
        "the rewrites of replace_strings()",
    )?;
    Ok(Type::String)
}

/// `replace_strings(text, lookups, rewrites)`: every match of each lookup replaced by the
/// rewrite at the same array position, all at once, so that a rewrite is never searched
/// again (learn.microsoft.com/kusto/query/replace-strings-function).
///
/// The reference's precedence rule is "the earlier match takes the precedence", and its
/// example gives `Thwas was` for lookups `['is', 'This']` on `This is`. So the lookups
/// claim their matches in array order: each lookup matches, left to right and without
/// overlap, only text that no earlier lookup has claimed. A lookup that is not a string is
/// ignored. A match whose rewrite is not a string (or is missing) keeps its text but stays
/// claimed, as the reference's `[12345, 'was']` example shows.
///
/// NOTE: the reference does not cover an empty lookup; it is ignored here, because it
/// would match between every two characters.
fn replace_strings(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args.first().map(Value::to_kusto_string).unwrap_or_default();
    let lookups = array_items(args.get(1));
    let rewrites = array_items(args.get(2));

    // Claimed byte ranges by start: (end, rewrite). Ranges never overlap.
    let mut claimed: BTreeMap<usize, (usize, Option<&str>)> = BTreeMap::new();
    for (index, lookup) in lookups.iter().enumerate() {
        let Some(lookup) = lookup.as_str().filter(|lookup| !lookup.is_empty()) else {
            continue;
        };
        let rewrite = rewrites.get(index).and_then(Json::as_str);
        let mut from = 0;
        while let Some(offset) = text.get(from..).and_then(|rest| rest.find(lookup)) {
            let start = from + offset;
            let end = start + lookup.len();
            if overlaps_claimed(&claimed, start, end) {
                // Step one character forward, so that a later unclaimed match is found.
                from = start + text[start..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            claimed.insert(start, (end, rewrite));
            from = end;
        }
    }

    let mut result = String::with_capacity(text.len());
    let mut copied = 0;
    for (&start, &(end, rewrite)) in &claimed {
        result.push_str(&text[copied..start]);
        result.push_str(rewrite.unwrap_or(&text[start..end]));
        copied = end;
    }
    result.push_str(&text[copied..]);
    Ok(Value::from(result))
}

/// Returns the elements of a dynamic array, or nothing for any other value.
fn array_items(value: Option<&Value>) -> &[Json] {
    match value {
        Some(Value::Dynamic(json)) => match &**json {
            Json::Array(items) => items,
            _ => &[],
        },
        _ => &[],
    }
}

/// True when `start..end` shares a byte with a claimed range.
fn overlaps_claimed(
    claimed: &BTreeMap<usize, (usize, Option<&str>)>,
    start: usize,
    end: usize,
) -> bool {
    claimed
        .range(..end)
        .next_back()
        .is_some_and(|(_, &(claimed_end, _))| claimed_end > start)
}

fn indexof_regex_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the source of indexof_regex()")?;
    expect_arg(args, 1, TEXT, "the pattern of indexof_regex()")?;
    for index in 2..args.len() {
        expect_arg(
            args,
            index,
            INTEGER,
            "the start, length and occurrence of indexof_regex()",
        )?;
    }
    Ok(Type::Long)
}

fn prepare_indexof_regex(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    Ok(Prepared {
        result_type: None,
        eval: prepare_with_regex(arguments, 1, indexof_regex_with)?,
    })
}

/// `indexof_regex(string, match [, start [, length [, occurrence]]])`: the code-point
/// position of the `occurrence`-th match of the regular expression, or -1. Matches do not
/// overlap. A negative start, a length below -1 or a negative occurrence gives null, as
/// the reference's example `indexof_regex("abcabc", @"a|ab", -1)` does
/// (learn.microsoft.com/kusto/query/indexof-regex-function).
///
/// NOTE: the reference does not say how `length` combines with `occurrence`. As in
/// `indexof`, it limits each search step: after a match ending at `e`, the next search
/// examines `length` positions from `e`. The pattern is matched against those positions
/// only, so `^` matches at the start of each step.
fn indexof_regex(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let pattern_text = args.get(1).map(Value::to_kusto_string).unwrap_or_default();
    let regex = pattern::compile(&pattern_text)?;
    indexof_regex_with(&regex, args)
}

fn indexof_regex_with(regex: &Regex, args: &[Value]) -> Result<Value, String> {
    let optional = |index: usize, default: i64| match args.get(index) {
        None => Some(default),
        Some(value) => integer_arg(value),
    };
    let (Some(start), Some(length), Some(occurrence)) =
        (optional(2, 0), optional(3, -1), optional(4, 1))
    else {
        return Ok(Value::Null);
    };
    if start < 0 || length < -1 || occurrence < 0 {
        return Ok(Value::Null);
    }

    let source = args.first().map(Value::to_kusto_string).unwrap_or_default();
    // Byte offset of each code point, then the end of the text.
    let boundaries: Vec<usize> = source
        .char_indices()
        .map(|(offset, _)| offset)
        .chain(std::iter::once(source.len()))
        .collect();
    let total = boundaries.len() as i64 - 1;

    let mut position = start;
    let mut found = -1;
    for _ in 0..occurrence.max(1) {
        if position > total {
            return Ok(Value::Long(-1));
        }
        let end = if length == -1 {
            total
        } else {
            position.saturating_add(length).min(total)
        };
        let (Some(&from), Some(&to)) = (
            boundaries.get(position as usize),
            boundaries.get(end as usize),
        ) else {
            return Ok(Value::Long(-1));
        };
        let Some(matched) = source.get(from..to).and_then(|window| regex.find(window)) else {
            return Ok(Value::Long(-1));
        };
        let window = &source[from..to];
        found = position + window[..matched.start()].chars().count() as i64;
        let matched_chars = matched.as_str().chars().count() as i64;
        position = found + matched_chars.max(1);
    }
    Ok(Value::Long(found))
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "replace_strings",
        "replace_strings(text: string, lookups: dynamic, rewrites: dynamic) -> string",
        (3, 3),
        replace_strings_type,
        replace_strings,
    ),
    Function::new(
        "indexof_regex",
        "indexof_regex(string: string, match: string [, start: int [, length: int [, occurrence: int]]]) -> long",
        (2, 5),
        indexof_regex_type,
        indexof_regex,
    )
    .prepared(prepare_indexof_regex),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn replace(text: &str, lookups: Json, rewrites: Json) -> Value {
        call(
            replace_strings,
            &[
                Value::from(text),
                Value::dynamic(lookups),
                Value::dynamic(rewrites),
            ],
        )
    }

    // learn.microsoft.com/kusto/query/replace-strings-function
    #[test]
    fn replace_strings_reference_examples() {
        let message = "A magic trick can turn a cat into a dog";
        assert_eq!(
            replace(message, json!(["cat", "dog"]), json!(["dog", "pigeon"])),
            Value::from("A magic trick can turn a dog into a pigeon")
        );
        assert_eq!(
            replace(
                message,
                json!(["turn", " into a dog"]),
                json!(["disappear", ""])
            ),
            Value::from("A magic trick can disappear a cat")
        );
        let example = "This is an example of using replace_strings()";
        assert_eq!(
            replace(example, json!(["This", "is"]), json!(["This", "was"])),
            Value::from("This was an example of using replace_strings()")
        );
        assert_eq!(
            replace(example, json!(["is", "This"]), json!(["was", "This"])),
            Value::from("Thwas was an example of using replace_strings()")
        );
        assert_eq!(
            replace(example, json!(["This", "is"]), json!([12345, "was"])),
            Value::from("This was an example of using replace_strings()")
        );
    }

    #[test]
    fn replace_strings_skips_non_string_lookups() {
        assert_eq!(
            replace("a1b", json!([1, "b"]), json!(["x", "y"])),
            Value::from("a1y")
        );
        assert_eq!(
            replace("aaa", json!(["", "aa"]), json!(["x", "b"])),
            Value::from("ba")
        );
    }

    #[test]
    fn replace_strings_finds_match_after_claimed_overlap() {
        // "xa" claims 0..2, so "aa" at 1..3 is skipped and "aa" at 2..4 is replaced.
        assert_eq!(
            replace("xaaa", json!(["xa", "aa"]), json!(["1", "2"])),
            Value::from("12")
        );
        assert_eq!(
            replace("éaé", json!(["a", "éa"]), json!(["b", "c"])),
            Value::from("ébé")
        );
    }

    #[test]
    fn replace_strings_with_null_arrays_keeps_text() {
        let args = [Value::from("text"), Value::Null, Value::Null];
        assert_eq!(call(replace_strings, &args), Value::from("text"));
    }

    fn indexof(args: &[Value]) -> Value {
        call(indexof_regex, args)
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    fn long(n: i64) -> Value {
        Value::Long(n)
    }

    // learn.microsoft.com/kusto/query/indexof-regex-function
    #[test]
    fn indexof_regex_reference_examples() {
        assert_eq!(indexof(&[s("abcabc"), s("a.c")]), long(0));
        assert_eq!(
            indexof(&[s("abcabcdefg"), s("a.c"), long(0), long(9), long(2)]),
            long(3)
        );
        assert_eq!(
            indexof(&[s("abcabc"), s("a.c"), long(1), long(-1), long(2)]),
            long(-1)
        );
        assert_eq!(
            indexof(&[s("ababaa"), s("a.a"), long(0), long(-1), long(2)]),
            long(-1)
        );
        assert_eq!(indexof(&[s("abcabc"), s("a|ab"), long(-1)]), Value::Null);
    }

    #[test]
    fn indexof_regex_counts_code_points() {
        assert_eq!(indexof(&[s("ééx1"), s(r"\d")]), long(3));
        assert_eq!(indexof(&[s("abc"), s("z")]), long(-1));
        assert_eq!(indexof(&[s("abc"), s("c"), long(5)]), long(-1));
    }

    #[test]
    fn indexof_regex_invalid_arguments_give_null() {
        assert_eq!(indexof(&[s("abc"), s("b"), long(0), long(-2)]), Value::Null);
        assert_eq!(
            indexof(&[s("abc"), s("b"), long(0), long(-1), long(-1)]),
            Value::Null
        );
    }
}
