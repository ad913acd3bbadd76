//! String matching for the KQL string predicates: term-based `has`, substring
//! `contains`, prefix and suffix tests, each with or without case.
//!
//! Kusto's definition (learn.microsoft.com/kusto/query/datatypes-string-operators, "What
//! is a term?"): a term is a maximal run of alphanumeric characters, and `has` matches
//! whole terms, so `"Inbound" has "In"` is false while `"in" has "In"` is true. A needle
//! that contains punctuation (`"10.0.0.1"`, `"Tcp Flags"`) matches as a substring whose
//! alphanumeric ends fall on term boundaries: the character before a needle that starts
//! with an alphanumeric must not be alphanumeric, and likewise after the end.
//!
//! NOTE: Kusto's documentation once stated that terms and case folding were ASCII-only;
//! that sentence was removed, so letters and digits here are Unicode alphanumerics and case is
//! folded per character. Text that is pure ASCII takes a fast path with the same result: it
//! compares bytes ignoring ASCII case instead of lowercasing a copy of the text.

/// True when `c` belongs to a term.
pub fn is_term_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A needle prepared once per query: its text folded to lower case when the test
/// ignores case.
#[derive(Debug, Clone)]
pub struct Needle {
    folded: String,
    case_sensitive: bool,
    starts_with_term_char: bool,
    ends_with_term_char: bool,
    /// True when the folded needle is ASCII, so ASCII text can be searched byte by byte.
    ascii: bool,
    /// True when the needle is one whole ASCII term, so `has` compares it with the terms of
    /// ASCII text.
    ascii_term: bool,
}

impl Needle {
    pub fn new(text: &str, case_sensitive: bool) -> Needle {
        let folded = if case_sensitive {
            text.to_string()
        } else {
            text.to_lowercase()
        };
        let ascii = folded.is_ascii();
        Needle {
            starts_with_term_char: folded.chars().next().is_some_and(is_term_char),
            ends_with_term_char: folded.chars().last().is_some_and(is_term_char),
            ascii,
            ascii_term: !folded.is_empty()
                && folded.bytes().all(|byte| byte.is_ascii_alphanumeric()),
            folded,
            case_sensitive,
        }
    }

    /// True when `text` can take the byte-wise path: both it and the needle are ASCII.
    fn is_ascii_with(&self, text: &str) -> bool {
        self.ascii && text.is_ascii()
    }

    /// Returns the byte offset of every occurrence of the needle in ASCII `text`, ignoring
    /// ASCII case unless the needle is case-sensitive, overlapping ones included.
    fn ascii_occurrences<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        let needle = self.folded.as_bytes();
        let first = needle.first().copied().unwrap_or_default();
        let (lower, upper) = if self.case_sensitive {
            (first, first)
        } else {
            (first.to_ascii_lowercase(), first.to_ascii_uppercase())
        };
        let mut search_from = 0;
        std::iter::from_fn(move || loop {
            let rest = text.get(search_from..)?;
            let start = search_from + memchr::memchr2(lower, upper, rest)?;
            search_from = start + 1;
            let candidate = text.get(start..start + needle.len())?;
            let equal = if self.case_sensitive {
                candidate == needle
            } else {
                candidate.eq_ignore_ascii_case(needle)
            };
            if equal {
                return Some(start);
            }
        })
    }

    /// True when the needle is one of the terms of ASCII `text`.
    fn is_ascii_term_of(&self, text: &[u8]) -> bool {
        let needle = self.folded.as_bytes();
        text.split(|byte| !byte.is_ascii_alphanumeric())
            .any(|term| self.ascii_equals(term, needle))
    }

    fn ascii_equals(&self, text: &[u8], needle: &[u8]) -> bool {
        if self.case_sensitive {
            text == needle
        } else {
            text.eq_ignore_ascii_case(needle)
        }
    }

    /// `has` for ASCII text: term boundaries are ASCII alphanumerics.
    fn is_ascii_term_in(&self, text: &[u8]) -> bool {
        if self.ascii_term {
            return self.is_ascii_term_of(text);
        }
        self.ascii_occurrences(text).any(|start| {
            self.has_ascii_boundary_before(text, start)
                && self.has_ascii_boundary_after(text, start + self.folded.len())
        })
    }

    fn has_ascii_boundary_before(&self, text: &[u8], start: usize) -> bool {
        !self.starts_with_term_char
            || !start
                .checked_sub(1)
                .and_then(|before| text.get(before))
                .is_some_and(u8::is_ascii_alphanumeric)
    }

    fn has_ascii_boundary_after(&self, text: &[u8], end: usize) -> bool {
        !self.ends_with_term_char || !text.get(end).is_some_and(u8::is_ascii_alphanumeric)
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// Folds the haystack the same way as the needle, borrowing it when nothing changes.
    fn fold<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if self.case_sensitive || !text.chars().any(|c| c.is_uppercase()) {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(text.to_lowercase())
        }
    }

    /// `has`: the needle occurs with term boundaries at its alphanumeric ends.
    ///
    /// NOTE: Kusto's result for an empty needle is not documented; here it matches.
    pub fn is_term_in(&self, text: &str) -> bool {
        if self.folded.is_empty() {
            return true;
        }
        if self.is_ascii_with(text) {
            return self.is_ascii_term_in(text.as_bytes());
        }
        let haystack = self.fold(text);
        let haystack = haystack.as_ref();
        let found = occurrences(haystack, &self.folded).any(|start| {
            let end = start + self.folded.len();
            self.has_boundary_before(haystack, start) && self.has_boundary_after(haystack, end)
        });
        found
    }

    /// True when the needle does not start with a term character, or the text before
    /// `start` does not end with one.
    fn has_boundary_before(&self, haystack: &str, start: usize) -> bool {
        !self.starts_with_term_char
            || !haystack[..start]
                .chars()
                .next_back()
                .is_some_and(is_term_char)
    }

    /// True when the needle does not end with a term character, or the text after `end`
    /// does not start with one.
    fn has_boundary_after(&self, haystack: &str, end: usize) -> bool {
        !self.ends_with_term_char || !haystack[end..].chars().next().is_some_and(is_term_char)
    }

    /// `hasprefix`: some term of the text starts with the needle.
    pub fn is_term_prefix_in(&self, text: &str) -> bool {
        if self.folded.is_empty() {
            return true;
        }
        if self.is_ascii_with(text) {
            let bytes = text.as_bytes();
            return self
                .ascii_occurrences(bytes)
                .any(|start| self.has_ascii_boundary_before(bytes, start));
        }
        let haystack = self.fold(text);
        let haystack = haystack.as_ref();
        let found = occurrences(haystack, &self.folded)
            .any(|start| self.has_boundary_before(haystack, start));
        found
    }

    /// `hassuffix`: some term of the text ends with the needle.
    pub fn is_term_suffix_in(&self, text: &str) -> bool {
        if self.folded.is_empty() {
            return true;
        }
        if self.is_ascii_with(text) {
            let bytes = text.as_bytes();
            return self
                .ascii_occurrences(bytes)
                .any(|start| self.has_ascii_boundary_after(bytes, start + self.folded.len()));
        }
        let haystack = self.fold(text);
        let haystack = haystack.as_ref();
        let found = occurrences(haystack, &self.folded)
            .any(|start| self.has_boundary_after(haystack, start + self.folded.len()));
        found
    }

    pub fn is_substring_of(&self, text: &str) -> bool {
        if self.folded.is_empty() {
            return true;
        }
        if self.is_ascii_with(text) {
            return self.ascii_occurrences(text.as_bytes()).next().is_some();
        }
        self.fold(text).contains(&self.folded)
    }

    pub fn is_prefix_of(&self, text: &str) -> bool {
        if self.is_ascii_with(text) {
            let needle = self.folded.as_bytes();
            let start = text.as_bytes().get(..needle.len());
            return start.is_some_and(|start| self.ascii_equals(start, needle));
        }
        self.fold(text).starts_with(&self.folded)
    }

    pub fn is_suffix_of(&self, text: &str) -> bool {
        if self.is_ascii_with(text) {
            let needle = self.folded.as_bytes();
            let bytes = text.as_bytes();
            let end = bytes
                .len()
                .checked_sub(needle.len())
                .and_then(|start| bytes.get(start..));
            return end.is_some_and(|end| self.ascii_equals(end, needle));
        }
        self.fold(text).ends_with(&self.folded)
    }
}

/// `has_any`: true when some needle is a term of `text`. Needles that are one ASCII term
/// are compared with the terms of ASCII text in one pass over it.
pub fn any_term_in(needles: &[Needle], text: &str) -> bool {
    if text.is_ascii() && needles.iter().all(|needle| needle.ascii_term) {
        let bytes = text.as_bytes();
        return bytes
            .split(|byte| !byte.is_ascii_alphanumeric())
            .filter(|term| !term.is_empty())
            .any(|term| {
                needles
                    .iter()
                    .any(|needle| needle.ascii_equals(term, needle.folded.as_bytes()))
            });
    }
    needles.iter().any(|needle| needle.is_term_in(text))
}

/// Returns the byte offset of every occurrence of `needle` in `haystack`, overlapping
/// ones included, so a boundary test can reject one occurrence and accept a later one.
fn occurrences<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut search_from = 0;
    std::iter::from_fn(move || {
        let found = search_from + haystack.get(search_from..)?.find(needle)?;
        let step = haystack[found..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(1);
        search_from = found + step;
        Some(found)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(text: &str, needle: &str) -> bool {
        Needle::new(needle, false).is_term_in(text)
    }

    // Cases from learn.microsoft.com/kusto/query/datatypes-string-operators and
    // learn.microsoft.com/kusto/query/has-operator.
    #[test]
    fn has_matches_whole_terms_only() {
        assert!(!has("Inbound", "In"));
        assert!(has("in", "In"));
        assert!(has("In", "in"));
        assert!(!has("Out", "In"));
        assert!(!has("KustoExplorerQueryRun", "Explorer"));
        assert!(has("North America", "america"));
        assert!(!has("16", "6"));
        assert!(!has("119", "19"));
        assert!(has("6", "6"));
        assert!(has("6,7", "7"));
    }

    #[test]
    fn has_with_punctuation_in_needle() {
        assert!(has("North America", "North America"));
        assert!(!has("10.0.0.10", "10.0.0.1"));
        assert!(has("src=10.0.0.1:80", "10.0.0.1"));
        assert!(has(r#"{"Tcp Flags":6}"#, "Tcp Flags"));
        let url = "https://x/subscriptions/000000/resourcegroups/test.rg000001?api-version=1";
        assert!(has(url, "resourcegroups/test.rg000001"));
        assert!(has(url, "/resourcegroups/test.rg000001?"));
    }

    #[test]
    fn has_finds_later_occurrence() {
        // The first "in" is inside "inbound"; the second is a whole term.
        assert!(has("inbound in", "in"));
    }

    #[test]
    fn term_tests_see_overlapping_occurrences() {
        // "aab" first occurs inside the term "aaab", then as a whole term.
        assert!(Needle::new("aab", false).is_term_prefix_in("aaab aab"));
        assert!(Needle::new("aa", false).is_term_in("aaa aa"));
        assert!(Needle::new("ab", false).is_term_suffix_in("abab x"));
    }

    #[test]
    fn has_cs_respects_case() {
        let needle = Needle::new("In", true);
        assert!(needle.is_term_in("In"));
        assert!(!needle.is_term_in("in"));
    }

    #[test]
    fn contains_and_affixes() {
        let needle = Needle::new("Explorer", false);
        assert!(needle.is_substring_of("KustoExplorerQueryRun"));
        let needle = Needle::new("kusto", false);
        assert!(needle.is_prefix_of("KustoExplorer"));
        assert!(!needle.is_suffix_of("KustoExplorer"));
        let needle = Needle::new("exp", false);
        assert!(needle.is_term_prefix_in("Kusto Explorer"));
        assert!(!needle.is_term_prefix_in("KustoExplorer"));
        let needle = Needle::new("rer", false);
        assert!(needle.is_term_suffix_in("Kusto Explorer"));
        assert!(!needle.is_term_suffix_in("Explorers now"));
    }

    /// Runs every test on ASCII text both ways: the byte-wise path, and the folding path
    /// (forced by appending a non-ASCII character that cannot change the result).
    fn check_both_paths(text: &str, needle: &str, case_sensitive: bool) {
        let prepared = Needle::new(needle, case_sensitive);
        let forced = format!("{text} \u{00e9}");
        let ascii_results = [
            prepared.is_term_in(text),
            prepared.is_term_prefix_in(text),
            prepared.is_term_suffix_in(text),
            prepared.is_substring_of(text),
            prepared.is_prefix_of(text),
        ];
        let folded_results = [
            prepared.is_term_in(&forced),
            prepared.is_term_prefix_in(&forced),
            prepared.is_term_suffix_in(&forced),
            prepared.is_substring_of(&forced),
            prepared.is_prefix_of(&forced),
        ];
        assert_eq!(ascii_results, folded_results, "{text:?} vs {needle:?}");
        let forced_suffix = format!("\u{00e9} {text}");
        assert_eq!(
            prepared.is_suffix_of(text),
            prepared.is_suffix_of(&forced_suffix),
            "suffix {text:?} vs {needle:?}"
        );
    }

    #[test]
    fn ascii_path_matches_folding_path() {
        let texts = [
            "",
            "In",
            "inbound in",
            "Inbound",
            r#"{"direction":"In","Tcp Flags":6}"#,
            "10.0.0.10 src=10.0.0.1:80",
            "aaab aab",
            "abab x",
            "KustoExplorerQueryRun",
            "6,7 119 19",
        ];
        let needles = [
            "in",
            "IN",
            "In",
            "6",
            "19",
            "10.0.0.1",
            "aab",
            "ab",
            "Explorer",
            "kusto",
            "tcp flags",
            "\"Tcp",
            ":6}",
            "x",
            "",
        ];
        for text in texts {
            for needle in needles {
                check_both_paths(text, needle, false);
                check_both_paths(text, needle, true);
            }
        }
    }

    #[test]
    fn any_term_in_one_pass() {
        let flags: Vec<Needle> = ["6", "7", "19", "27"]
            .iter()
            .map(|text| Needle::new(text, false))
            .collect();
        assert!(any_term_in(&flags, "19"));
        assert!(any_term_in(&flags, "x,7"));
        assert!(!any_term_in(&flags, "119"));
        assert!(!any_term_in(&flags, "16 26"));
        assert!(!any_term_in(&flags, ""));
        let words: Vec<Needle> = ["in", "out"]
            .iter()
            .map(|t| Needle::new(t, false))
            .collect();
        assert!(any_term_in(&words, "Ärger IN"));
        assert!(!any_term_in(&words, "Inbound"));
        let mixed: Vec<Needle> = ["in", "10.0.0.1"]
            .iter()
            .map(|t| Needle::new(t, false))
            .collect();
        assert!(any_term_in(&mixed, "src=10.0.0.1:80"));
        assert!(!any_term_in(&mixed, "10.0.0.10"));
    }

    #[test]
    fn unicode_text_is_folded() {
        assert!(has("Ärger im Büro", "ärger"));
        assert!(!has("naïve", "na"));
    }
}
