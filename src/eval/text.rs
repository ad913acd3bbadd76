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
//! folded per character. Text that is pure ASCII takes a fast path with the same result.

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
}

impl Needle {
    pub fn new(text: &str, case_sensitive: bool) -> Needle {
        let folded = if case_sensitive {
            text.to_string()
        } else {
            text.to_lowercase()
        };
        Needle {
            starts_with_term_char: folded.chars().next().is_some_and(is_term_char),
            ends_with_term_char: folded.chars().last().is_some_and(is_term_char),
            folded,
            case_sensitive,
        }
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
        let haystack = self.fold(text);
        let haystack = haystack.as_ref();
        let found = occurrences(haystack, &self.folded)
            .any(|start| self.has_boundary_after(haystack, start + self.folded.len()));
        found
    }

    pub fn is_substring_of(&self, text: &str) -> bool {
        self.fold(text).contains(&self.folded)
    }

    pub fn is_prefix_of(&self, text: &str) -> bool {
        self.fold(text).starts_with(&self.folded)
    }

    pub fn is_suffix_of(&self, text: &str) -> bool {
        self.fold(text).ends_with(&self.folded)
    }
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

    #[test]
    fn unicode_text_is_folded() {
        assert!(has("Ärger im Büro", "ärger"));
        assert!(!has("naïve", "na"));
    }
}
