//! Files that hold several queries, separated by blank lines.
//!
//! Kusto's editors treat a document as blocks separated by blank lines, and Kusto.Cli's
//! block input mode delimits queries by an empty line (Learn, "Kusto CLI", "Line input
//! mode and block input mode"). Microsoft's language service finds the blocks the same
//! way: a block starts at the first non-blank line after one or more whitespace-only
//! lines, and never inside a string literal (Kusto-Query-Language,
//! `src/Kusto.Language/Parser/ScriptFacts.cs`, `GetKustoBlockStarts`).
//!
//! Published `.kql` files also use blank lines inside one query, between a `let`
//! statement and the query that reads it, so a file here is one query whenever it parses
//! as one. It is split only where parsing stops at the first token of a block that
//! follows a complete query: `DeviceEvents | take 5`, a blank line, then `SigninLogs`.
//! The queries keep their byte offsets in the file (see [`masked`]), so an error in the
//! third query still names its line in the file.

use std::ops::Range;

use crate::error::Error;
use crate::lexer::{is_kql_whitespace, tokenize, TokenKind};

/// Splits `text` into the byte ranges of its queries, in order. A text that parses as one
/// query, or whose first syntax error is not at the start of a block, gives one range or
/// that error.
pub fn split_queries(text: &str) -> Result<Vec<Range<usize>>, Error> {
    let mut queries = Vec::new();
    let mut start = 0;
    loop {
        let rest = start..text.len();
        let error = match super::parse(&masked(text, rest.clone())) {
            Ok(_) => {
                queries.push(rest);
                return Ok(queries);
            }
            Err(error) => error,
        };
        let Some(block) = block_start_before_error(text, start, &error) else {
            return Err(error);
        };
        // The part before the block must be a query of its own; if it is not, the error
        // found above is the one to fix.
        if super::parse(&masked(text, start..block)).is_err() {
            return Err(error);
        }
        queries.push(start..block);
        start = block;
    }
}

/// Returns `text` with everything outside `range` replaced by spaces, line ends kept, so
/// that offsets, lines and columns inside `range` are those of `text`.
pub fn masked(text: &str, range: Range<usize>) -> String {
    let masked_bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(offset, byte)| {
            if range.contains(&offset) || matches!(byte, b'\n' | b'\r') {
                byte
            } else {
                b' '
            }
        })
        .collect();
    // Multi-byte characters outside the range become one space per byte. Those inside are
    // kept whole, because the range starts and ends at line starts or at the text's ends.
    // A caller that breaks that gets a lossy copy, not a panic.
    String::from_utf8(masked_bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

/// Returns the 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// Finds the block start that a syntax error at a query's first token points at: the
/// start of the first non-blank line after a blank line, between the last token before
/// the error and the error itself. Only whitespace and comments may lie between them.
fn block_start_before_error(text: &str, from: usize, error: &Error) -> Option<usize> {
    if error.kind != crate::error::ErrorKind::Syntax {
        return None;
    }
    let error_at = error.span.as_ref()?.start;
    if error_at <= from || error_at > text.len() {
        return None;
    }
    let last_token_end = tokenize(&text[from..error_at])
        .iter()
        .filter(|token| !matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment))
        .map(|token| from + token.span.end)
        .next_back()?;
    first_block_start(text, last_token_end, error_at)
}

/// The first line start in `from..=to` that follows a whitespace-only line and begins a
/// line with other text; `from` must not be inside a string.
fn first_block_start(text: &str, from: usize, to: usize) -> Option<usize> {
    let mut after_blank_line = false;
    // The line that `from` is on is not whole, so it cannot be the blank line.
    let mut line_start = from + text[from..].find('\n')? + 1;
    while line_start <= to {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |end| line_start + end);
        let blank = text[line_start..line_end].chars().all(is_kql_whitespace);
        if blank {
            after_blank_line = true;
        } else if after_blank_line {
            return Some(line_start);
        }
        line_start = line_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queries(text: &str) -> Vec<&str> {
        split_queries(text)
            .expect("splits")
            .into_iter()
            .map(|range| text[range].trim())
            .collect()
    }

    #[test]
    fn split_keeps_query_with_blank_lines() {
        let text = "let a = 1;\n\nT\n\n| where x == a\n";
        assert_eq!(queries(text), vec![text.trim()]);
    }

    #[test]
    fn split_after_complete_query() {
        let text = "T | take 5\n\n// the second\nU | count\n\n\nlet b = 2;\n\nV | where y == b";
        assert_eq!(
            queries(text),
            vec![
                "T | take 5",
                "// the second\nU | count",
                "let b = 2;\n\nV | where y == b"
            ]
        );
    }

    #[test]
    fn split_needs_blank_line() {
        let error = split_queries("T | take 5\nU | count").unwrap_err();
        assert_eq!(error.span, Some(11..12));
    }

    #[test]
    fn split_ignores_blank_line_in_string() {
        let text = "print x = ```\n\nU```\n| take 1";
        assert_eq!(queries(text), vec![text]);
        // Inside the string the error is not after a blank line of the document.
        let error = split_queries("T | take 5 ```a\n\nU``` ").unwrap_err();
        assert_eq!(error.kind, crate::error::ErrorKind::Syntax);
    }

    #[test]
    fn split_error_keeps_file_offset() {
        let text = "T | take 5\n\nU | where";
        let error = split_queries(text).unwrap_err();
        let at = error.span.expect("span").start;
        assert_eq!(line_of(text, at), 3);
    }

    #[test]
    fn split_incomplete_query_reports_error() {
        // `T | where x ==` cannot stand alone, so the blank line does not end a query.
        let error = split_queries("T | where x ==\n\n| take 1").unwrap_err();
        assert_eq!(error.span.map(|span| span.start), Some(16));
    }

    #[test]
    fn masked_keeps_offsets_and_line_ends() {
        let text = "é1\r\nab\n";
        let masked = masked(text, 4..7);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "   \r\nab\n");
    }
}
