//! Decides whether typed text is ready to run or continues on the next line.
//!
//! The decision uses the lexer's tokens, so brackets and `|` inside strings and comments
//! do not count.

use crate::lexer::{tokenize, TokenKind};

/// Returns whether pressing Enter after `text` should submit it.
///
/// The input continues while a bracket is open, a multi-line string (```` ``` ```` or
/// `~~~`) is open, or the last token is `|` or `,`. An empty last line always submits,
/// so the user can force an incomplete query to run and see its error. Dot-commands are
/// one line long. A `'…'` or `"…"` string cannot span lines in KQL, so an unclosed one
/// submits the input and the parser reports it.
pub fn is_complete(text: &str) -> bool {
    if text.trim().is_empty() || text.trim_start().starts_with('.') {
        return true;
    }
    let last_line = text.rsplit('\n').next().unwrap_or(text);
    if text.contains('\n') && last_line.trim().is_empty() {
        return true;
    }

    let tokens = tokenize(text);
    let mut depth: i64 = 0;
    let mut last_significant = None;
    for token in &tokens {
        let token_text = text.get(token.span.clone()).unwrap_or("");
        match token.kind {
            TokenKind::Whitespace | TokenKind::Comment => continue,
            TokenKind::UnterminatedString => {
                return !(token_text.starts_with("```") || token_text.starts_with("~~~"));
            }
            TokenKind::Punctuation => match token_text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        last_significant = Some(token_text);
    }

    if depth > 0 {
        return false;
    }
    !matches!(last_significant, Some("|") | Some(","))
}

/// The kind of one `;`-separated statement of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    /// `let Name = …`
    Let { name: String },
    /// `set option = …`
    Set,
    /// Anything else: a query, or text the parser will reject.
    Query,
}

/// One statement of an input: its kind and byte range, without the `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementText {
    pub kind: StatementKind,
    pub span: std::ops::Range<usize>,
}

/// Splits an input at the `;` tokens outside brackets, skipping statements that contain
/// only whitespace and comments. Only the first words are looked at, so a malformed
/// statement is still returned and the parser reports it.
pub fn statements(text: &str) -> Vec<StatementText> {
    let tokens = tokenize(text);
    let mut found = Vec::new();
    let mut depth: i64 = 0;
    let mut start = 0;
    let mut words: Vec<&str> = Vec::new();
    for token in &tokens {
        let token_text = text.get(token.span.clone()).unwrap_or("");
        match token.kind {
            TokenKind::Whitespace | TokenKind::Comment => continue,
            TokenKind::Punctuation if token_text == ";" && depth <= 0 => {
                push_statement(&mut found, &words, start..token.span.start);
                start = token.span.end;
                words.clear();
                continue;
            }
            TokenKind::Punctuation => match token_text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        if words.len() < 3 {
            words.push(token_text);
        }
    }
    push_statement(&mut found, &words, start..text.len());
    found
}

fn push_statement(found: &mut Vec<StatementText>, words: &[&str], span: std::ops::Range<usize>) {
    let kind = match words {
        [] => return,
        ["let", name, "="] => StatementKind::Let {
            name: unquote_name(name),
        },
        ["set", ..] => StatementKind::Set,
        _ => StatementKind::Query,
    };
    found.push(StatementText { kind, span });
}

/// Returns the name inside `['…']` or `["…"]`, or the word itself.
fn unquote_name(word: &str) -> String {
    word.strip_prefix("['")
        .and_then(|rest| rest.strip_suffix("']"))
        .or_else(|| {
            word.strip_prefix("[\"")
                .and_then(|rest| rest.strip_suffix("\"]"))
        })
        .unwrap_or(word)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(StatementKind, &str)> {
        statements(text)
            .into_iter()
            .map(|statement| (statement.kind, text[statement.span].trim()))
            .collect()
    }

    #[test]
    fn statements_split_at_top_level_semicolons() {
        let text = "let t = T | where x == ';';\nlet ['a b'] = 1; // note\nt | take (1)";
        assert_eq!(
            kinds(text),
            vec![
                (
                    StatementKind::Let {
                        name: "t".to_string()
                    },
                    "let t = T | where x == ';'"
                ),
                (
                    StatementKind::Let {
                        name: "a b".to_string()
                    },
                    "let ['a b'] = 1"
                ),
                (StatementKind::Query, "// note\nt | take (1)"),
            ]
        );
    }

    #[test]
    fn statements_skip_empty_and_classify_set() {
        assert_eq!(
            kinds("set query_now = datetime(2025-01-01);;  // only a comment"),
            vec![(StatementKind::Set, "set query_now = datetime(2025-01-01)")]
        );
        assert!(statements("  ").is_empty());
    }

    #[test]
    fn single_line_query_is_complete() {
        assert!(is_complete("DeviceNetworkEvents | take 5"));
        assert!(is_complete("print x = 1"));
    }

    #[test]
    fn trailing_pipe_continues() {
        assert!(!is_complete("DeviceNetworkEvents |"));
        assert!(!is_complete(
            "DeviceNetworkEvents\n| where x == 1 |  // next: project"
        ));
    }

    #[test]
    fn trailing_comma_continues() {
        assert!(!is_complete("T | project a,"));
    }

    #[test]
    fn open_brackets_continue() {
        assert!(!is_complete("T | where x in ("));
        assert!(!is_complete("datatable(a: long) ["));
        assert!(is_complete("T | where x in (1, 2)"));
    }

    #[test]
    fn brackets_in_strings_and_comments_ignored() {
        assert!(is_complete("T | where x == '('"));
        assert!(is_complete("T | take 1 // ( |"));
    }

    #[test]
    fn multiline_string_continues() {
        assert!(!is_complete("print s = ```first line"));
        assert!(is_complete("print s = ```first\nsecond```"));
    }

    #[test]
    fn unclosed_quote_submits() {
        assert!(is_complete("T | where x == 'abc"));
    }

    #[test]
    fn empty_last_line_submits() {
        assert!(is_complete("T |\n"));
        assert!(is_complete("T | where x in (\n  "));
    }

    #[test]
    fn dot_commands_and_blank_complete() {
        assert!(is_complete(".schema ("));
        assert!(is_complete(""));
        assert!(is_complete("   "));
    }

    #[test]
    fn unbalanced_close_submits() {
        assert!(is_complete("T | where x)"));
    }
}
