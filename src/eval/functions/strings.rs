//! String functions: case, length, concatenation, splitting, searching, replacing,
//! trimming, regular-expression extraction, and the base64 and URL encodings.
//!
//! Kusto strings are never null, so a function whose string result is undefined returns
//! `""`. Positions and lengths count Unicode code points, as `strlen` does.

use regex::Regex;

use super::pattern::{self, prepare_with_regex};
use super::{expect_arg, integer_arg, Argument, EvalContext, Function, Prepared, INTEGER, TEXT};
use crate::value::{convert, Type, Value};
use serde_json::Value as Json;

fn to_long(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Long)
}

fn to_string(_: &[Type]) -> Result<Type, String> {
    Ok(Type::String)
}

fn text_args_to_string(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "a text argument")?;
    Ok(Type::String)
}

fn text(value: &Value) -> String {
    value.to_kusto_string()
}

/// `strlen(text)`: the number of Unicode code points
/// (learn.microsoft.com/kusto/query/strlen-function).
fn strlen(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args[0].to_kusto_string();
    Ok(Value::Long(text.chars().count() as i64))
}

fn tolower(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(args[0].to_kusto_string().to_lowercase()))
}

fn toupper(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(args[0].to_kusto_string().to_uppercase()))
}

/// `strcat(a, b, …)`: each argument converted as `tostring` does, then joined.
fn strcat(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut joined = String::new();
    for value in args {
        joined.push_str(&value.to_kusto_string());
    }
    Ok(Value::from(joined))
}

fn split_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(&args[..2], TEXT, "the source and delimiter of split()")?;
    expect_arg(args, 2, INTEGER, "the index of split()")?;
    Ok(Type::Dynamic)
}

/// `split(source, delimiter [, index])`: the parts as a dynamic array of strings, or an
/// array holding only part `index`, empty when there is no such part
/// (learn.microsoft.com/kusto/query/split-function).
fn split(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let source = text(&args[0]);
    let delimiter = text(&args[1]);
    if delimiter.is_empty() {
        return Err("an empty delimiter is not supported".to_string());
    }
    let parts = source.split(delimiter.as_str());
    let selected: Vec<Json> = match args.get(2) {
        None => parts.map(|part| Json::String(part.to_string())).collect(),
        Some(index) => {
            let Some(index) = integer_arg(index) else {
                return Ok(Value::Null);
            };
            // NOTE: the reference does not say what a negative index gives, so it fails
            // loudly here instead of guessing.
            let Ok(position) = usize::try_from(index) else {
                return Err(format!("a negative index ({index}) is not supported"));
            };
            parts
                .skip(position)
                .take(1)
                .map(|part| Json::String(part.to_string()))
                .collect()
        }
    };
    Ok(Value::dynamic(Json::Array(selected)))
}

fn strcat_array_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array of strcat_array()")?;
    expect_arg(args, 1, TEXT, "the delimiter of strcat_array()")?;
    Ok(Type::String)
}

/// `strcat_array(array, delimiter)`: the elements converted as `tostring` does, joined;
/// a value that is not an array gives `""`
/// (learn.microsoft.com/kusto/query/strcat-array-function).
fn strcat_array(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Value::Dynamic(json) = &args[0] else {
        return Ok(Value::from(""));
    };
    let Json::Array(items) = &**json else {
        return Ok(Value::from(""));
    };
    let parts: Vec<String> = items
        .iter()
        .map(crate::value::json_to_kusto_string)
        .collect();
    Ok(Value::from(parts.join(&text(&args[1]))))
}

fn extract_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the pattern of extract()")?;
    expect_arg(args, 1, INTEGER, "the capture group of extract()")?;
    expect_arg(args, 2, TEXT, "the source of extract()")?;
    expect_arg(args, 3, &[Type::String], "the type of extract()")?;
    Ok(Type::String)
}

fn prepare_extract(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let result_type = match arguments.get(3) {
        None => None,
        Some(Argument {
            constant: Some(Value::String(name)),
            ..
        }) => Some(Type::from_name(name).ok_or_else(|| format!("unknown type `{name}`"))?),
        Some(_) => return Err("the type must be a type literal such as typeof(long)".to_string()),
    };
    Ok(Prepared {
        result_type,
        eval: prepare_with_regex(arguments, 0, extract_with)?,
    })
}

/// `extract(regex, group, source [, typeof(T)])`: the text of capture group `group` of
/// the first match, converted to `T` when given. No match gives `""` for a string result
/// and null for a converted one (learn.microsoft.com/kusto/query/extract-function).
fn extract(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let regex = pattern::compile(&text(&args[0]))?;
    extract_with(&regex, args)
}

fn extract_with(regex: &Regex, args: &[Value]) -> Result<Value, String> {
    let target = match args.get(3) {
        Some(name) => Type::from_name(&text(name)).unwrap_or(Type::String),
        None => Type::String,
    };
    let group = integer_arg(&args[1]).and_then(|group| usize::try_from(group).ok());
    let source = text(&args[2]);
    let found = group.and_then(|group| {
        regex
            .captures(&source)
            .and_then(|captures| captures.get(group).map(|found| found.as_str().to_string()))
    });
    let result = match (found, target) {
        (Some(found), Type::String) => Value::from(found),
        (None, Type::String) => Value::from(""),
        (Some(found), ty) => convert(&Value::from(found), ty).unwrap_or(Value::Null),
        (None, _) => Value::Null,
    };
    Ok(result)
}

fn extract_all_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the pattern of extract_all()")?;
    if args.len() == 3 {
        expect_arg(
            args,
            1,
            &[Type::Dynamic],
            "the capture groups of extract_all()",
        )?;
    }
    expect_arg(args, args.len() - 1, TEXT, "the source of extract_all()")?;
    Ok(Type::Dynamic)
}

fn prepare_extract_all(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    if let Some(Argument {
        constant: Some(pattern_value),
        ..
    }) = arguments.first()
    {
        let regex = pattern::compile(&text(pattern_value))?;
        if regex.captures_len() < 2 {
            return Err("the regular expression needs at least one capture group".to_string());
        }
    }
    Ok(Prepared {
        result_type: None,
        eval: prepare_with_regex(arguments, 0, extract_all_with)?,
    })
}

/// `extract_all(regex, [groups,] source)`: every match, as an array of the one selected
/// group's texts, or as an array of arrays when several groups are selected (all groups
/// by default). No match gives null (learn.microsoft.com/kusto/query/extract-all-function).
fn extract_all(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let regex = pattern::compile(&text(&args[0]))?;
    extract_all_with(&regex, args)
}

fn extract_all_with(regex: &Regex, args: &[Value]) -> Result<Value, String> {
    let group_count = regex.captures_len() - 1;
    if group_count == 0 {
        return Err("the regular expression needs at least one capture group".to_string());
    }
    let groups: Vec<usize> = match args {
        [_, selection, _] => selected_groups(regex, selection)?,
        _ => (1..=group_count).collect(),
    };
    let source = text(&args[args.len() - 1]);
    let mut matches = Vec::new();
    for captures in regex.captures_iter(&source) {
        let texts: Vec<Json> = groups
            .iter()
            .map(|&group| {
                let found = captures.get(group).map_or("", |found| found.as_str());
                Json::String(found.to_string())
            })
            .collect();
        if groups.len() == 1 {
            matches.extend(texts);
        } else {
            matches.push(Json::Array(texts));
        }
    }
    if matches.is_empty() {
        return Ok(Value::Null);
    }
    Ok(Value::dynamic(Json::Array(matches)))
}

/// Resolves `extract_all`'s group selection: numbers from 1 and group names.
fn selected_groups(regex: &Regex, selection: &Value) -> Result<Vec<usize>, String> {
    let Value::Dynamic(json) = selection else {
        return Err("the capture groups must be a dynamic array".to_string());
    };
    let Json::Array(items) = &**json else {
        return Err("the capture groups must be a dynamic array".to_string());
    };
    let group_count = regex.captures_len() - 1;
    let mut groups = Vec::with_capacity(items.len());
    for item in items {
        let group = match item {
            Json::Number(number) => number
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| (1..=group_count).contains(n)),
            Json::String(name) => regex
                .capture_names()
                .position(|candidate| candidate == Some(name.as_str())),
            _ => None,
        };
        let Some(group) = group else {
            return Err(format!(
                "capture group {item} does not exist in the pattern"
            ));
        };
        groups.push(group);
    }
    Ok(groups)
}

fn replace_string_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the arguments of replace_string()")?;
    Ok(Type::String)
}

/// `replace_string(text, lookup, rewrite)`: every non-overlapping occurrence replaced;
/// an empty lookup leaves the text as it is
/// (learn.microsoft.com/kusto/query/replace-string-function).
fn replace_string(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let source = text(&args[0]);
    let lookup = text(&args[1]);
    if lookup.is_empty() {
        return Ok(Value::from(source));
    }
    Ok(Value::from(source.replace(&lookup, &text(&args[2]))))
}

/// Converts a Kusto rewrite pattern (`\0` the whole match, `\1` the first group) to the
/// `regex` crate's replacement syntax, escaping its `$`.
fn rewrite_template(rewrite: &str) -> String {
    let mut template = String::with_capacity(rewrite.len());
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => template.push_str("$$"),
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    digits.push(digit);
                }
                template.push_str(&format!("${{{digits}}}"));
            }
            other => template.push(other),
        }
    }
    template
}

fn replace_regex_with(regex: &Regex, source: &Value, rewrite: &Value) -> Value {
    let source = text(source);
    let template = rewrite_template(&text(rewrite));
    Value::from(regex.replace_all(&source, template.as_str()).into_owned())
}

fn prepare_replace_regex(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let eval = prepare_with_regex(arguments, 1, |regex, args| {
        Ok(replace_regex_with(regex, &args[0], &args[2]))
    })?;
    Ok(Prepared {
        result_type: None,
        eval,
    })
}

/// `replace_regex(source, regex, rewrite)`: every non-overlapping match replaced by the
/// rewrite, where `\0` is the match and `\1` the first group
/// (learn.microsoft.com/kusto/query/replace-regex-function).
fn replace_regex(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let regex = pattern::compile(&text(&args[1]))?;
    Ok(replace_regex_with(&regex, &args[0], &args[2]))
}

fn prepare_replace(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let eval = prepare_with_regex(arguments, 0, |regex, args| {
        Ok(replace_regex_with(regex, &args[2], &args[1]))
    })?;
    Ok(Prepared {
        result_type: None,
        eval,
    })
}

/// `replace(regex, rewrite, source)`: the deprecated form of `replace_regex`, with the
/// arguments in a different order.
fn replace(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let regex = pattern::compile(&text(&args[0]))?;
    Ok(replace_regex_with(&regex, &args[2], &args[1]))
}

fn substring_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 1, INTEGER, "the start of substring()")?;
    expect_arg(args, 2, INTEGER, "the length of substring()")?;
    Ok(Type::String)
}

/// `substring(source, start [, length])`: a negative start counts from the end. Positions
/// past the end give `""` (learn.microsoft.com/kusto/query/substring-function).
fn substring(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let chars: Vec<char> = text(&args[0]).chars().collect();
    let total = chars.len() as i64;
    let Some(start) = integer_arg(&args[1]) else {
        return Ok(Value::from(""));
    };
    let start = if start < 0 {
        (total + start).max(0)
    } else {
        start.min(total)
    };
    let end = match args.get(2) {
        None => total,
        Some(length) => match integer_arg(length) {
            Some(length) if length >= 0 => start.saturating_add(length).min(total),
            _ => return Ok(Value::from("")),
        },
    };
    let piece: String = chars[start as usize..end as usize].iter().collect();
    Ok(Value::from(piece))
}

fn trim_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the arguments of trim()")?;
    Ok(Type::String)
}

/// The ends of the text that `trim`, `trim_start` and `trim_end` remove matches from.
#[derive(Clone, Copy)]
enum Ends {
    Both,
    Start,
    End,
}

/// Compiles the two anchored patterns that remove repeated matches at each end.
///
/// NOTE: the reference documents that `trim` removes "all leading and trailing matches"; repeated
/// matches are removed at each end (`trim("-", "--a--")` is `a`) for all three
/// functions, which is an inference for `trim_start` and `trim_end`.
fn trim_regexes(pattern_text: &str) -> Result<(Regex, Regex), String> {
    let start = pattern::compile(&format!("^(?:{pattern_text})+"))?;
    let end = pattern::compile(&format!("(?:{pattern_text})+$"))?;
    Ok((start, end))
}

fn trim_with(regexes: &(Regex, Regex), ends: Ends, source: &Value) -> Value {
    let mut result = text(source);
    if matches!(ends, Ends::Both | Ends::Start) {
        if let Some(found) = regexes.0.find(&result) {
            result = result[found.end()..].to_string();
        }
    }
    if matches!(ends, Ends::Both | Ends::End) {
        if let Some(found) = regexes.1.find(&result) {
            result.truncate(found.start());
        }
    }
    Value::from(result)
}

fn prepare_trim_for(arguments: &[Argument<'_>], ends: Ends) -> Result<Prepared, String> {
    let Some(Argument {
        constant: Some(pattern_value),
        ..
    }) = arguments.first()
    else {
        return Ok(Prepared::default());
    };
    let regexes = trim_regexes(&text(pattern_value))?;
    Ok(Prepared {
        result_type: None,
        eval: Some(std::sync::Arc::new(move |args: &[Value], _: &_| {
            Ok(trim_with(&regexes, ends, &args[1]))
        })),
    })
}

fn prepare_trim(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    prepare_trim_for(arguments, Ends::Both)
}

fn prepare_trim_start(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    prepare_trim_for(arguments, Ends::Start)
}

fn prepare_trim_end(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    prepare_trim_for(arguments, Ends::End)
}

fn trim_per_row(args: &[Value], ends: Ends) -> Result<Value, String> {
    let regexes = trim_regexes(&text(&args[0]))?;
    Ok(trim_with(&regexes, ends, &args[1]))
}

/// `trim(regex, source)`: matches of `regex` removed from both ends
/// (learn.microsoft.com/kusto/query/trim-function).
fn trim(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    trim_per_row(args, Ends::Both)
}

/// `trim_start(regex, source)` (learn.microsoft.com/kusto/query/trim-start-function).
fn trim_start(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    trim_per_row(args, Ends::Start)
}

/// `trim_end(regex, source)` (learn.microsoft.com/kusto/query/trim-end-function).
fn trim_end(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    trim_per_row(args, Ends::End)
}

fn indexof_type(args: &[Type]) -> Result<Type, String> {
    for index in 2..args.len() {
        expect_arg(
            args,
            index,
            INTEGER,
            "the start, length and occurrence of indexof()",
        )?;
    }
    Ok(Type::Long)
}

/// `indexof(source, lookup [, start [, length [, occurrence]]])`: the code-point position
/// of the `occurrence`-th match, or -1. A negative start counts from the end; a length of
/// -1 means no limit; a length below -1 or a negative occurrence gives null. Both texts
/// are converted with `tostring` (learn.microsoft.com/kusto/query/indexof-function).
///
/// The length limits each search step separately: after a match at `p`, the next search
/// examines `length` positions from `p + 1`, which is what gives the reference's result
/// 9 for `indexof("abcdefgabcdefg", "cde", 1, 10, 2)`.
fn indexof(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let source: Vec<char> = text(&args[0]).chars().collect();
    let lookup: Vec<char> = text(&args[1]).chars().collect();
    let found = search_occurrence(args, source.len(), |start, end| {
        find_chars(&source[start..end], &lookup)
    });
    Ok(found)
}

/// Finds the `occurrence`-th match for `indexof` and `array_index_of`, whose arguments
/// 2 to 4 are the same optional `start`, `length` and `occurrence`. `find` searches the
/// positions `start..end` and returns the match's offset from `start`. Returns the match
/// position as a long, -1 when there is none, and null for invalid arguments.
pub(super) fn search_occurrence(
    args: &[Value],
    total: usize,
    mut find: impl FnMut(usize, usize) -> Option<usize>,
) -> Value {
    let optional = |index: usize, default: i64| match args.get(index) {
        None => Some(default),
        Some(value) => integer_arg(value),
    };
    let (Some(start), Some(length), Some(occurrence)) =
        (optional(2, 0), optional(3, -1), optional(4, 1))
    else {
        return Value::Null;
    };
    if length < -1 || occurrence < 0 {
        return Value::Null;
    }
    let total = total as i64;
    let mut position = if start < 0 {
        (total + start).max(0)
    } else {
        start
    };
    let mut found = -1;
    for _ in 0..occurrence.max(1) {
        if position > total {
            return Value::Long(-1);
        }
        let end = if length == -1 {
            total
        } else {
            position.saturating_add(length).min(total)
        };
        match find(position as usize, end as usize) {
            Some(offset) => found = position + offset as i64,
            None => return Value::Long(-1),
        }
        position = found + 1;
    }
    Value::Long(found)
}

fn find_chars(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `translate(search_list, replacement_list, source)`: each character of `source` found in
/// `search_list` is replaced by the character at the same position in
/// `replacement_list`, or by its last character when that list is shorter; an empty
/// replacement list deletes the characters (learn.microsoft.com/kusto/query/translate-function).
fn translate(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let search: Vec<char> = text(&args[0]).chars().collect();
    let replacement: Vec<char> = text(&args[1]).chars().collect();
    let mut result = String::new();
    for c in text(&args[2]).chars() {
        match search.iter().position(|candidate| *candidate == c) {
            None => result.push(c),
            Some(index) => {
                let substitute = replacement.get(index).or_else(|| replacement.last());
                if let Some(substitute) = substitute {
                    result.push(*substitute);
                }
            }
        }
    }
    Ok(Value::from(result))
}

fn countof_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the arguments of countof()")?;
    Ok(Type::Long)
}

/// `countof(source, search [, kind])`: overlapping occurrences for `normal` (the
/// default), non-overlapping matches for `regex`
/// (learn.microsoft.com/kusto/query/countof-function).
fn countof(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let source = text(&args[0]);
    let search = text(&args[1]);
    let kind = args
        .get(2)
        .map(text)
        .unwrap_or_else(|| "normal".to_string());
    let count = match kind.as_str() {
        "normal" => {
            if search.is_empty() {
                0
            } else {
                source
                    .char_indices()
                    .filter(|(at, _)| source[*at..].starts_with(search.as_str()))
                    .count()
            }
        }
        "regex" => pattern::compile(&search)?.find_iter(&source).count(),
        other => return Err(format!("invalid kind `{other}`; use `normal` or `regex`")),
    };
    Ok(Value::Long(count as i64))
}

/// `reverse(value)`: the characters of `tostring(value)` in reverse order
/// (learn.microsoft.com/kusto/query/reverse-function).
fn reverse(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(
        text(&args[0]).chars().rev().collect::<String>(),
    ))
}

fn strrep_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 1, INTEGER, "the multiplier of strrep()")?;
    Ok(Type::String)
}

/// The maximum number of repetitions `strrep` produces; larger multipliers are capped.
const MAX_REPETITIONS: i64 = 1024;

/// `strrep(value, multiplier [, delimiter])`: `tostring(value)` repeated, joined by the
/// delimiter; a multiplier above 1024 is capped at 1024
/// (learn.microsoft.com/kusto/query/strrep-function).
fn strrep(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(multiplier) = integer_arg(&args[1]) else {
        return Ok(Value::from(""));
    };
    let count = multiplier.clamp(0, MAX_REPETITIONS) as usize;
    let delimiter = args.get(2).map(text).unwrap_or_default();
    let repeated = vec![text(&args[0]); count].join(&delimiter);
    Ok(Value::from(repeated))
}

/// `base64_encode_tostring(text)`: the UTF-8 bytes in standard base64 with padding
/// (learn.microsoft.com/kusto/query/base64-encode-tostring-function).
fn base64_encode_tostring(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text(&args[0]));
    Ok(Value::from(encoded))
}

/// `base64_decode_tostring(text)`: the decoded bytes as UTF-8; text that is not base64,
/// or bytes that are not UTF-8, give `""`
/// (learn.microsoft.com/kusto/query/base64-decode-tostring-function).
fn base64_decode_tostring(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text(&args[0]).trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    Ok(Value::from(decoded))
}

fn text_args_to_dynamic(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "a text argument")?;
    Ok(Type::Dynamic)
}

/// `base64_decode_toarray(text)`: the decoded bytes as an array of longs
/// (learn.microsoft.com/kusto/query/base64-decode-toarray-function). The reference does
/// not say what text that is not base64 gives, so such text is an error.
fn base64_decode_toarray(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    use base64::Engine;
    let source = text(&args[0]);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(source.trim())
        .map_err(|_| {
            format!(
                "{source:?} is not padded base64, and the KQL \
                 reference does not say what Kusto returns then; filter such values out \
                 first, for example with `where Text matches regex \
                 @\"^([A-Za-z0-9+/]{{4}})*([A-Za-z0-9+/]{{2}}==|[A-Za-z0-9+/]{{3}}=)?$\"`"
            )
        })?;
    let array = bytes.into_iter().map(serde_json::Value::from).collect();
    Ok(Value::dynamic(serde_json::Value::Array(array)))
}

/// `url_encode(url)`: every byte except ASCII letters, digits and `-_.!*()` as `%xx`
/// with lowercase hex digits, and a space as `+`, which is what gives the reference's
/// `https%3a%2f%2fwww.bing.com%2fhello+world`
/// (learn.microsoft.com/kusto/query/url-encode-function).
fn url_encode(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut encoded = String::new();
    for byte in text(&args[0]).bytes() {
        match byte {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => encoded.push(char::from(byte)),
            b' ' => encoded.push('+'),
            other => encoded.push_str(&format!("%{other:02x}")),
        }
    }
    Ok(Value::from(encoded))
}

/// `url_decode(text)`: `%xx` sequences decoded and `+` read as a space; malformed
/// sequences stay as they are, and bytes that are not UTF-8 become U+FFFD
/// (learn.microsoft.com/kusto/query/url-decode-function).
fn url_decode(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let source = text(&args[0]);
    let bytes = source.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (byte, escaped) {
            (_, Some(value)) => {
                decoded.push(value);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (other, None) => {
                decoded.push(other);
                index += 1;
            }
        }
    }
    Ok(Value::from(String::from_utf8_lossy(&decoded).into_owned()))
}

/// `isascii(text)`: true when every character is ASCII
/// (learn.microsoft.com/kusto/query/is-ascii).
fn isascii(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(text(&args[0]).is_ascii()))
}

fn text_to_bool(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the argument")?;
    Ok(Type::Bool)
}

/// `strcat_delim(delimiter, a, b, …)`: the arguments converted as `tostring` does, joined
/// with the delimiter (learn.microsoft.com/kusto/query/strcat-delim-function).
fn strcat_delim(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some((delimiter, values)) = args.split_first() else {
        return Ok(Value::from(""));
    };
    let delimiter = delimiter.to_kusto_string();
    let parts: Vec<String> = values.iter().map(Value::to_kusto_string).collect();
    Ok(Value::from(parts.join(&delimiter)))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("strlen", "strlen(text: string) -> long", (1, 1), to_long, strlen),
    Function::new("tolower", "tolower(text: string) -> string", (1, 1), to_string, tolower),
    Function::new("toupper", "toupper(text: string) -> string", (1, 1), to_string, toupper),
    Function::new(
        "strcat",
        "strcat(value1, value2, …) -> string",
        (1, super::MAX_VARIADIC_ARGS),
        to_string,
        strcat,
    ),
    Function::new(
        "strcat_delim",
        "strcat_delim(delimiter: string, value1, value2, …) -> string",
        (3, super::MAX_VARIADIC_ARGS),
        to_string,
        strcat_delim,
    ),
    Function::new(
        "split",
        "split(source: string, delimiter: string [, index: int]) -> dynamic",
        (2, 3),
        split_type,
        split,
    ),
    Function::new(
        "strcat_array",
        "strcat_array(array: dynamic, delimiter: string) -> string",
        (2, 2),
        strcat_array_type,
        strcat_array,
    ),
    Function::new(
        "extract",
        "extract(regex: string, group: int, source: string [, typeof(T)]) -> string or T",
        (3, 4),
        extract_type,
        extract,
    )
    .prepared(prepare_extract)
    .with_type_literal(3),
    Function::new(
        "extract_all",
        "extract_all(regex: string, [groups: dynamic,] source: string) -> dynamic",
        (2, 3),
        extract_all_type,
        extract_all,
    )
    .prepared(prepare_extract_all),
    Function::new(
        "replace_string",
        "replace_string(text: string, lookup: string, rewrite: string) -> string",
        (3, 3),
        replace_string_type,
        replace_string,
    ),
    Function::new(
        "replace_regex",
        "replace_regex(source: string, regex: string, rewrite: string) -> string",
        (3, 3),
        text_args_to_string,
        replace_regex,
    )
    .prepared(prepare_replace_regex),
    Function::new(
        "replace",
        "replace(regex: string, rewrite: string, source: string) -> string",
        (3, 3),
        text_args_to_string,
        replace,
    )
    .prepared(prepare_replace),
    Function::new(
        "substring",
        "substring(source: string, start: int [, length: int]) -> string",
        (2, 3),
        substring_type,
        substring,
    ),
    Function::new(
        "trim",
        "trim(regex: string, source: string) -> string",
        (2, 2),
        trim_type,
        trim,
    )
    .prepared(prepare_trim),
    Function::new(
        "trim_start",
        "trim_start(regex: string, source: string) -> string",
        (2, 2),
        trim_type,
        trim_start,
    )
    .prepared(prepare_trim_start),
    Function::new(
        "trim_end",
        "trim_end(regex: string, source: string) -> string",
        (2, 2),
        trim_type,
        trim_end,
    )
    .prepared(prepare_trim_end),
    Function::new(
        "indexof",
        "indexof(source: string, lookup: string [, start: int [, length: int [, occurrence: int]]]) -> long",
        (2, 5),
        indexof_type,
        indexof,
    ),
    Function::new(
        "translate",
        "translate(search_list: string, replacement_list: string, source: string) -> string",
        (3, 3),
        text_args_to_string,
        translate,
    ),
    Function::new(
        "countof",
        "countof(source: string, search: string [, kind: string]) -> long",
        (2, 3),
        countof_type,
        countof,
    ),
    Function::new("reverse", "reverse(value) -> string", (1, 1), to_string, reverse),
    Function::new(
        "strrep",
        "strrep(value, multiplier: int [, delimiter: string]) -> string",
        (2, 3),
        strrep_type,
        strrep,
    ),
    Function::new(
        "base64_encode_tostring",
        "base64_encode_tostring(text: string) -> string",
        (1, 1),
        text_args_to_string,
        base64_encode_tostring,
    ),
    Function::new(
        "base64_decode_tostring",
        "base64_decode_tostring(base64: string) -> string",
        (1, 1),
        text_args_to_string,
        base64_decode_tostring,
    ),
    Function::new(
        "base64_decode_toarray",
        "base64_decode_toarray(base64: string) -> dynamic",
        (1, 1),
        text_args_to_dynamic,
        base64_decode_toarray,
    ),
    Function::new(
        "base64_decodestring",
        "base64_decodestring(base64: string) -> string",
        (1, 1),
        text_args_to_string,
        base64_decode_tostring,
    ),
    Function::new(
        "base64_encodestring",
        "base64_encodestring(text: string) -> string",
        (1, 1),
        text_args_to_string,
        base64_encode_tostring,
    ),
    Function::new(
        "url_encode",
        "url_encode(url: string) -> string",
        (1, 1),
        text_args_to_string,
        url_encode,
    ),
    Function::new(
        "url_decode",
        "url_decode(encoded: string) -> string",
        (1, 1),
        text_args_to_string,
        url_decode,
    ),
    Function::new("isascii", "isascii(text: string) -> bool", (1, 1), text_to_bool, isascii),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    #[test]
    fn strlen_counts_code_points() {
        assert_eq!(
            call(strlen, &[Value::from("Hello, world!")]),
            Value::Long(13)
        );
        assert_eq!(call(strlen, &[Value::from("é")]), Value::Long(1));
    }

    #[test]
    fn strcat_converts_arguments() {
        let args = [Value::from("port "), Value::Long(445), Value::Null];
        assert_eq!(call(strcat, &args), Value::from("port 445"));
    }

    #[test]
    fn case_conversion() {
        assert_eq!(
            call(tolower, &[Value::from("InBound")]),
            Value::from("inbound")
        );
        assert_eq!(call(toupper, &[Value::from("in")]), Value::from("IN"));
    }

    // learn.microsoft.com/kusto/query/split-function
    #[test]
    fn split_reference_examples() {
        assert_eq!(
            call(split, &[s("aa_bb"), s("_")]),
            Value::dynamic(json!(["aa", "bb"]))
        );
        assert_eq!(
            call(split, &[s("aaa_bbb_ccc"), s("_"), Value::Long(1)]),
            Value::dynamic(json!(["bbb"]))
        );
        assert_eq!(call(split, &[s(""), s("_")]), Value::dynamic(json!([""])));
        assert_eq!(
            call(split, &[s("a__b"), s("_")]),
            Value::dynamic(json!(["a", "", "b"]))
        );
        assert_eq!(
            call(split, &[s("aabbcc"), s("bb")]),
            Value::dynamic(json!(["aa", "cc"]))
        );
    }

    #[test]
    fn split_index_out_of_range_and_null() {
        assert_eq!(
            call(split, &[s("a_b"), s("_"), Value::Long(5)]),
            Value::dynamic(json!([]))
        );
        assert_eq!(
            call(split, &[Value::Null, s("_")]),
            Value::dynamic(json!([""]))
        );
        assert!(split(
            &[s("a_b"), s("_"), Value::Long(-1)],
            &EvalContext::for_tests()
        )
        .is_err());
    }

    // learn.microsoft.com/kusto/query/strcat-array-function
    #[test]
    fn strcat_array_reference_examples() {
        let array = Value::dynamic(json!([1, 2, 3]));
        assert_eq!(call(strcat_array, &[array.clone(), s("->")]), s("1->2->3"));
        assert_eq!(call(strcat_array, &[array, s("\"")]), s("1\"2\"3"));
        assert_eq!(call(strcat_array, &[Value::Null, s(",")]), s(""));
    }

    // learn.microsoft.com/kusto/query/extract-function
    #[test]
    fn extract_reference_examples() {
        let james = s("User: James, Email: James@example.com, Age: 29");
        let david = s("User: David, Age: 35");
        assert_eq!(
            call(
                extract,
                &[s("User: ([^,]+)"), Value::Long(1), james.clone()]
            ),
            s("James")
        );
        assert_eq!(
            call(
                extract,
                &[s(r"Email: (\S+),"), Value::Long(1), james.clone()]
            ),
            s("James@example.com")
        );
        assert_eq!(
            call(
                extract,
                &[s(r"Email: (\S+),"), Value::Long(1), david.clone()]
            ),
            s("")
        );
        assert_eq!(call(extract, &[s(r"\d+"), Value::Long(0), david]), s("35"));
        let month = call(
            extract,
            &[s(r"-(\d{2})-"), Value::Long(1), s("21-07-2023"), s("int")],
        );
        assert_eq!(month, Value::Int(7));
    }

    #[test]
    fn extract_typed_failure_is_null() {
        let args = [s(r"(\w+)"), Value::Long(1), s("abc"), s("long")];
        assert_eq!(call(extract, &args), Value::Null);
        let missing_group = [s(r"(\w+)"), Value::Long(3), s("abc")];
        assert_eq!(call(extract, &missing_group), s(""));
    }

    #[test]
    fn extract_prepare_sets_type_and_rejects_bad_pattern() {
        let pattern = s(r"(\d+)");
        let type_name = s("long");
        let arguments = [
            Argument {
                ty: Type::String,
                constant: Some(&pattern),
            },
            Argument {
                ty: Type::Long,
                constant: None,
            },
            Argument {
                ty: Type::String,
                constant: None,
            },
            Argument {
                ty: Type::String,
                constant: Some(&type_name),
            },
        ];
        let prepared = prepare_extract(&arguments).expect("valid call");
        assert_eq!(prepared.result_type, Some(Type::Long));
        let eval = prepared.eval.expect("constant pattern is prepared");
        let args = [
            pattern.clone(),
            Value::Long(1),
            s("port 445"),
            type_name.clone(),
        ];
        assert_eq!(eval(&args, &EvalContext::for_tests()), Ok(Value::Long(445)));
        let bad = s("(");
        let arguments = [Argument {
            ty: Type::String,
            constant: Some(&bad),
        }];
        assert!(prepare_extract(&arguments).is_err());
    }

    // learn.microsoft.com/kusto/query/extract-all-function
    #[test]
    fn extract_all_reference_examples() {
        let id = s("82b8be2d-dfa7-4bd1-8f63-24ad26d31449");
        assert_eq!(
            call(
                extract_all,
                &[s(r"(\d+)"), s("a set of numbers: 123, 567 and 789")]
            ),
            Value::dynamic(json!(["123", "567", "789"]))
        );
        assert_eq!(
            call(extract_all, &[s(r"([\da-f]{2})"), id.clone()]),
            Value::dynamic(json!([
                "82", "b8", "be", "2d", "df", "a7", "4b", "d1", "8f", "63", "24", "ad", "26", "d3",
                "14", "49"
            ]))
        );
        assert_eq!(
            call(extract_all, &[s(r"(\w)(\w+)(\w)"), id.clone()]),
            Value::dynamic(json!([
                ["8", "2b8be2", "d"],
                ["d", "fa", "7"],
                ["4", "bd", "1"],
                ["8", "f6", "3"],
                ["2", "4ad26d3144", "9"]
            ]))
        );
        assert_eq!(
            call(
                extract_all,
                &[
                    s(r"(\w)(\w+)(\w)"),
                    Value::dynamic(json!([1, 3])),
                    id.clone()
                ]
            ),
            Value::dynamic(json!([
                ["8", "d"],
                ["d", "7"],
                ["4", "1"],
                ["8", "3"],
                ["2", "9"]
            ]))
        );
        let named = s(r"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)");
        let selection = Value::dynamic(json!(["first", 2, "last"]));
        assert_eq!(
            call(extract_all, &[named, selection, id]),
            Value::dynamic(json!([
                ["8", "2b8be2", "d"],
                ["d", "fa", "7"],
                ["4", "bd", "1"],
                ["8", "f6", "3"],
                ["2", "4ad26d3144", "9"]
            ]))
        );
    }

    #[test]
    fn extract_all_no_match_is_null() {
        assert_eq!(call(extract_all, &[s(r"(\d+)"), s("none")]), Value::Null);
        assert_eq!(call(extract_all, &[s(r"(\d+)"), Value::Null]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/replace-string-function
    #[test]
    fn replace_string_reference_examples() {
        let message = s("A magic trick can turn a cat into a dog");
        assert_eq!(
            call(replace_string, &[message, s("cat"), s("hamster")]),
            s("A magic trick can turn a hamster into a dog")
        );
        assert_eq!(
            call(replace_string, &[s("Number is 1"), s("is"), s("was")]),
            s("Number was 1")
        );
        assert_eq!(call(replace_string, &[s("abc"), s(""), s("x")]), s("abc"));
    }

    // learn.microsoft.com/kusto/query/replace-regex-function
    #[test]
    fn replace_regex_reference_example() {
        assert_eq!(
            call(
                replace_regex,
                &[s("Number is 1"), s(r"is (\d+)"), s(r"was: \1")]
            ),
            s("Number was: 1")
        );
        assert_eq!(
            call(replace_regex, &[s("a1b22"), s(r"\d+"), s(r"<\0>$")]),
            s("a<1>$b<22>$")
        );
        assert_eq!(
            call(replace, &[s(r"^www\."), s(""), s("www.bing.com")]),
            s("bing.com")
        );
    }

    // learn.microsoft.com/kusto/query/substring-function
    #[test]
    fn substring_reference_examples() {
        assert_eq!(call(substring, &[s("123456"), Value::Long(1)]), s("23456"));
        assert_eq!(
            call(substring, &[s("123456"), Value::Long(2), Value::Long(2)]),
            s("34")
        );
        assert_eq!(
            call(substring, &[s("ABCD"), Value::Long(0), Value::Long(2)]),
            s("AB")
        );
        assert_eq!(
            call(substring, &[s("123456"), Value::Long(-2), Value::Long(2)]),
            s("56")
        );
        assert_eq!(call(substring, &[s("abc"), Value::Long(10)]), s(""));
        assert_eq!(call(substring, &[s("abc"), Value::Null]), s(""));
    }

    // learn.microsoft.com/kusto/query/trim-function and trim-start-function
    #[test]
    fn trim_reference_examples() {
        assert_eq!(
            call(trim, &[s("--"), s("--https://bing.com--")]),
            s("https://bing.com")
        );
        assert_eq!(call(trim, &[s(r"[^\w]+"), s("-  Te st1// $")]), s("Te st1"));
        assert_eq!(
            call(trim, &[s(r"\s+"), s("    Hello, world!    ")]),
            s("Hello, world!")
        );
        assert_eq!(
            call(trim_start, &[s("https://"), s("https://bing.com")]),
            s("bing.com")
        );
        assert_eq!(
            call(trim_start, &[s(r"\s+"), s("    Hello, world!    ")]),
            s("Hello, world!    ")
        );
        assert_eq!(
            call(trim_end, &[s(r"\s+"), s("    Hello, world!    ")]),
            s("    Hello, world!")
        );
        assert_eq!(call(trim_end, &[s("x"), Value::Null]), s(""));
    }

    // learn.microsoft.com/kusto/query/indexof-function
    #[test]
    fn indexof_reference_examples() {
        let long = Value::Long;
        let abc = s("abcdefg");
        let twice = s("abcdefgabcdefg");
        assert_eq!(call(indexof, &[abc.clone(), s("cde")]), long(2));
        assert_eq!(
            call(indexof, &[abc.clone(), s("cde"), long(1), long(4)]),
            long(2)
        );
        assert_eq!(
            call(indexof, &[abc.clone(), s("cde"), long(1), long(2)]),
            long(-1)
        );
        assert_eq!(
            call(indexof, &[abc.clone(), s("cde"), long(3), long(4)]),
            long(-1)
        );
        assert_eq!(call(indexof, &[abc.clone(), s("cde"), long(-5)]), long(2));
        assert_eq!(
            call(indexof, &[long(1234567), long(5), long(1), long(4)]),
            long(4)
        );
        assert_eq!(
            call(indexof, &[abc.clone(), s("cde"), long(2), long(-1)]),
            long(2)
        );
        assert_eq!(
            call(
                indexof,
                &[twice.clone(), s("cde"), long(1), long(10), long(2)]
            ),
            long(9)
        );
        assert_eq!(
            call(indexof, &[twice, s("cde"), long(1), long(-1), long(3)]),
            long(-1)
        );
        assert_eq!(
            call(indexof, &[abc, s("cde"), long(0), long(-2)]),
            Value::Null
        );
    }

    // learn.microsoft.com/kusto/query/translate-function
    #[test]
    fn translate_reference_examples() {
        assert_eq!(call(translate, &[s("abc"), s("x"), s("abc")]), s("xxx"));
        assert_eq!(call(translate, &[s("abc"), s(""), s("ab")]), s(""));
        assert_eq!(
            call(translate, &[s("krasp"), s("otsku"), s("spark")]),
            s("kusto")
        );
    }

    // learn.microsoft.com/kusto/query/countof-function
    #[test]
    fn countof_reference_examples() {
        assert_eq!(call(countof, &[s("aaa"), s("a")]), Value::Long(3));
        assert_eq!(call(countof, &[s("aaaa"), s("aa")]), Value::Long(3));
        assert_eq!(
            call(countof, &[s("ababa"), s("ab"), s("normal")]),
            Value::Long(2)
        );
        assert_eq!(call(countof, &[s("ababa"), s("aba")]), Value::Long(2));
        assert_eq!(
            call(countof, &[s("ababa"), s("aba"), s("regex")]),
            Value::Long(1)
        );
        assert_eq!(
            call(countof, &[s("abcabc"), s("a.c"), s("regex")]),
            Value::Long(2)
        );
        assert_eq!(call(countof, &[Value::Null, s("a")]), Value::Long(0));
    }

    // learn.microsoft.com/kusto/query/reverse-function
    #[test]
    fn reverse_reference_examples() {
        assert_eq!(
            call(reverse, &[s("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]),
            s("ZYXWVUTSRQPONMLKJIHGFEDCBA")
        );
        assert_eq!(call(reverse, &[Value::Long(12345)]), s("54321"));
        assert_eq!(call(reverse, &[Value::Real(123.45)]), s("54.321"));
        assert_eq!(call(reverse, &[Value::Null]), s(""));
    }

    // learn.microsoft.com/kusto/query/strrep-function
    #[test]
    fn strrep_reference_examples() {
        assert_eq!(call(strrep, &[s("ABC"), Value::Long(2)]), s("ABCABC"));
        assert_eq!(
            call(strrep, &[Value::Long(123), Value::Long(3), s(".")]),
            s("123.123.123")
        );
        let three_seconds = Value::Timespan(3 * crate::value::TICKS_PER_SECOND);
        assert_eq!(
            call(strrep, &[three_seconds, Value::Long(2), s(" ")]),
            s("00:00:03 00:00:03")
        );
        assert_eq!(call(strrep, &[s("ab"), Value::Null]), s(""));
    }

    // learn.microsoft.com/kusto/query/base64-encode-tostring-function and
    // base64-decode-tostring-function
    #[test]
    fn base64_reference_examples() {
        assert_eq!(call(base64_encode_tostring, &[s("Kusto")]), s("S3VzdG8="));
        assert_eq!(call(base64_decode_tostring, &[s("S3VzdG8=")]), s("Kusto"));
        assert_eq!(
            call(base64_decode_tostring, &[s("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")]),
            s("")
        );
        assert_eq!(call(base64_decode_tostring, &[s("not base64!")]), s(""));
        assert_eq!(call(base64_decode_tostring, &[Value::Null]), s(""));
        // learn.microsoft.com/kusto/query/base64-decode-toarray-function: "S3VzdG8=" is
        // the bytes of "Kusto".
        assert_eq!(
            call(base64_decode_toarray, &[s("S3VzdG8=")]).to_kusto_string(),
            "[75,117,115,116,111]"
        );
        assert!(base64_decode_toarray(&[s("not base64!")], &EvalContext::for_tests()).is_err());
    }

    // learn.microsoft.com/kusto/query/url-encode-function and url-decode-function
    #[test]
    fn url_reference_examples() {
        assert_eq!(
            call(url_encode, &[s("https://www.bing.com/hello world")]),
            s("https%3a%2f%2fwww.bing.com%2fhello+world")
        );
        assert_eq!(
            call(url_decode, &[s("https%3a%2f%2fwww.bing.com%2f")]),
            s("https://www.bing.com/")
        );
        assert_eq!(call(url_decode, &[s("a+b%zz%")]), s("a b%zz%"));
        assert_eq!(call(url_decode, &[s("%C3%A9")]), s("é"));
        assert_eq!(call(url_decode, &[Value::Null]), s(""));
    }

    #[test]
    fn isascii_cases() {
        assert_eq!(call(isascii, &[s("abc")]), Value::Bool(true));
        assert_eq!(call(isascii, &[s("é")]), Value::Bool(false));
        assert_eq!(call(isascii, &[Value::Null]), Value::Bool(true));
    }
}
