//! Regular expressions with Kusto's RE2 semantics on top of the `regex` crate.
//!
//! Kusto uses RE2 syntax (learn.microsoft.com/kusto/query/regex), and the `regex` crate
//! reads almost the same syntax. The difference that changes results is that the crate's
//! Perl classes are Unicode-aware while RE2's are ASCII-only. In RE2, `\d` is `[0-9]`,
//! `\w` is `[0-9A-Za-z_]`, `\s` is `[\t\n\f\r ]` and `\b` is an ASCII word boundary, so
//! [`compile`] rewrites those classes before compiling and `\d` does not match `٣`.
//!
//! NOTE: the few RE2 constructs the `regex` crate lacks (`\C`, `\Q…\E`) fail to compile
//! and so reject the query; the crate's own extensions are accepted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use regex::Regex;

use super::{Argument, PreparedEval};
use crate::value::Value;

/// Compiles a pattern with RE2's ASCII Perl classes.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate_perl_classes(pattern);
    Regex::new(&translated).map_err(|error| format!("invalid regular expression: {error}"))
}

/// Rewrites `\d \D \w \W \s \S \b \B` as their ASCII forms, inside and outside brackets.
fn translate_perl_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Nesting depth of `[...]` classes; the `regex` crate allows nested classes.
    let mut class_depth = 0usize;
    // True right after `[` or `[^`, where a `]` is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let inside = class_depth > 0;
                let replacement = match next {
                    'd' => Some("[0-9]"),
                    'D' => Some("[^0-9]"),
                    'w' => Some("[0-9A-Za-z_]"),
                    'W' => Some("[^0-9A-Za-z_]"),
                    's' => Some(r"[\t\n\f\r ]"),
                    'S' => Some(r"[^\t\n\f\r ]"),
                    'b' if !inside => Some(r"(?-u:\b)"),
                    'B' if !inside => Some(r"(?-u:\B)"),
                    _ => None,
                };
                match replacement {
                    Some(text) => out.push_str(text),
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
                class_start = false;
            }
            '[' => {
                out.push('[');
                class_depth += 1;
                class_start = true;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                continue;
            }
            '{' if class_depth == 0 && !starts_repetition(chars.clone()) => {
                // RE2 reads a `{` that does not start `{n}`, `{n,}` or `{n,m}` as a
                // literal brace; the `regex` crate rejects it, so it is escaped.
                out.push_str(r"\{");
                class_start = false;
            }
            ']' if class_depth > 0 && !class_start => {
                out.push(']');
                class_depth -= 1;
            }
            other => {
                out.push(other);
                class_start = false;
            }
        }
    }
    out
}

/// True when the text after a `{` is a repetition count: `n}`, `n,}` or `n,m}`.
fn starts_repetition(mut rest: impl Iterator<Item = char>) -> bool {
    let mut digits = 0;
    let mut comma = false;
    for c in rest.by_ref() {
        match c {
            '0'..='9' => digits += 1,
            ',' if !comma && digits > 0 => comma = true,
            '}' => return digits > 0,
            _ => return false,
        }
    }
    false
}

/// The number of distinct patterns a [`RegexCache`] keeps. A full cache is emptied and
/// starts again, so a column of distinct patterns cannot grow it without bound.
const REGEX_CACHE_CAPACITY: usize = 1024;

/// Compiled regular expressions by pattern text, for a pattern computed per row. One
/// cache belongs to one bound expression of one query.
#[derive(Default)]
pub struct RegexCache {
    compiled: Mutex<HashMap<String, Arc<Regex>>>,
}

impl RegexCache {
    /// Returns the compiled pattern, compiling it on first use; an invalid pattern is an
    /// error that names it.
    pub fn get(&self, pattern: &str) -> Result<Arc<Regex>, String> {
        let mut compiled = self
            .compiled
            .lock()
            .map_err(|_| "the regular expression cache is unusable after a panic".to_string())?;
        if let Some(regex) = compiled.get(pattern) {
            return Ok(Arc::clone(regex));
        }
        let regex =
            Arc::new(compile(pattern).map_err(|error| format!("{error} (pattern `{pattern}`)"))?);
        if compiled.len() >= REGEX_CACHE_CAPACITY {
            compiled.clear();
        }
        compiled.insert(pattern.to_string(), Arc::clone(&regex));
        Ok(regex)
    }
}

impl std::fmt::Debug for RegexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<regex cache>")
    }
}

/// Builds a prepared implementation when the pattern at `position` is a constant: the
/// pattern is compiled once and `eval` receives it. A non-constant pattern is compiled
/// per row by the function's plain implementation instead.
pub fn prepare_with_regex(
    arguments: &[Argument<'_>],
    position: usize,
    eval: fn(&Regex, &[Value]) -> Result<Value, String>,
) -> Result<Option<PreparedEval>, String> {
    let Some(Argument {
        constant: Some(value),
        ..
    }) = arguments.get(position)
    else {
        return Ok(None);
    };
    let regex = Arc::new(compile(&value.to_kusto_string())?);
    Ok(Some(Arc::new(move |args: &[Value], _: &_| {
        eval(&regex, args)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii() {
        let digits = compile(r"\d+").expect("valid");
        assert_eq!(digits.find("x٣4").map(|found| found.as_str()), Some("4"));
        let word = compile(r"\w+").expect("valid");
        assert_eq!(word.find("é_a1").map(|found| found.as_str()), Some("_a1"));
        let space = compile(r"a\sb").expect("valid");
        assert!(space.is_match("a b"));
        assert!(!space.is_match("a\u{a0}b"));
    }

    #[test]
    fn classes_inside_brackets_are_rewritten() {
        let class = compile(r"[\d\-]+").expect("valid");
        assert_eq!(
            class.find("ab12-3c").map(|found| found.as_str()),
            Some("12-3")
        );
        let literal_bracket = compile(r"[]\d]+").expect("valid");
        assert_eq!(
            literal_bracket.find("x]1]").map(|found| found.as_str()),
            Some("]1]")
        );
    }

    #[test]
    fn escaped_backslash_is_kept() {
        let regex = compile(r"\\d").expect("valid");
        assert!(regex.is_match(r"\d"));
        assert!(!regex.is_match("5"));
    }

    #[test]
    fn brace_without_count_is_literal() {
        let regex = compile(r"^{a-z]{0,}cr").expect("valid");
        assert!(regex.is_match("{a-z]cr"));
        let counted = compile(r"a{2}").expect("valid");
        assert!(counted.is_match("aa"));
        assert!(!counted.is_match("a{2}"));
    }

    #[test]
    fn invalid_pattern_is_an_error() {
        assert!(compile("(").is_err());
    }

    #[test]
    fn cache_compiles_each_pattern_once() {
        let cache = RegexCache::default();
        let first = cache.get(r"\d+").expect("valid");
        let second = cache.get(r"\d+").expect("valid");
        assert!(Arc::ptr_eq(&first, &second));
        assert!(!first.is_match("٣"));
        let error = cache.get("(").expect_err("invalid pattern");
        assert!(error.contains("pattern `(`"), "{error}");
    }
}
