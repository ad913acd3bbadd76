//! Syntax highlighting for the input line: each token gets a [`Style`], and
//! [`to_ansi`] turns the styles into terminal colours.

use std::collections::HashSet;
use std::ops::Range;

use crate::lexer::{tokenize, TokenKind};
use crate::parser::{KNOWN_UNSUPPORTED_OPERATORS, SUPPORTED_OPERATORS};

/// The display style of one piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Keyword,
    String,
    Number,
    Comment,
    Column,
    Table,
    Function,
    /// A string with no closing quote.
    Error,
}

impl Style {
    /// Returns the ANSI SGR parameters for this style.
    fn sgr(self) -> &'static str {
        match self {
            Style::Keyword => "1;34",
            Style::String => "32",
            Style::Number => "33",
            Style::Comment => "2",
            Style::Column => "36",
            Style::Table => "1;35",
            Style::Function => "35",
            Style::Error => "31",
        }
    }
}

/// Words shown as keywords besides the tabular operators: statements and the word
/// operators of scalar expressions.
const KEYWORDS: &[&str] = &[
    "let",
    "set",
    "print",
    "datatable",
    "and",
    "or",
    "not",
    "by",
    "on",
    "kind",
    "in",
    "in~",
    "has",
    "has_cs",
    "has_any",
    "has_all",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "contains",
    "contains_cs",
    "startswith",
    "startswith_cs",
    "endswith",
    "endswith_cs",
    "matches",
    "regex",
    "between",
    "asc",
    "desc",
    "true",
    "false",
    "with",
    "typeof",
];

/// Returns whether `word` is shown as a keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
        || SUPPORTED_OPERATORS.contains(&word)
        || KNOWN_UNSUPPORTED_OPERATORS.contains(&word)
}

/// The table and column names the highlighter recognises.
#[derive(Debug, Clone, Default)]
pub struct KnownNames {
    pub tables: HashSet<String>,
    pub columns: HashSet<String>,
}

/// Returns the styled ranges of `text`; text outside them is shown plain.
pub fn highlight(text: &str, names: &KnownNames) -> Vec<(Range<usize>, Style)> {
    if text.trim_start().starts_with('.') {
        let start = text.len() - text.trim_start().len();
        let end = text[start..]
            .find(char::is_whitespace)
            .map_or(text.len(), |at| start + at);
        return vec![(start..end, Style::Keyword)];
    }

    let tokens = tokenize(text);
    let mut styled = Vec::new();
    for (position, token) in tokens.iter().enumerate() {
        let token_text = text.get(token.span.clone()).unwrap_or("");
        let style = match token.kind {
            TokenKind::Comment => Some(Style::Comment),
            TokenKind::String => Some(Style::String),
            TokenKind::UnterminatedString => Some(Style::Error),
            TokenKind::Number => Some(Style::Number),
            TokenKind::BracketedName => {
                let inner = token_text
                    .get(2..token_text.len().saturating_sub(2))
                    .unwrap_or("");
                names.columns.contains(inner).then_some(Style::Column)
            }
            TokenKind::Name => {
                let next_is_paren = tokens
                    .get(position + 1)
                    .and_then(|next| text.get(next.span.clone()))
                    == Some("(");
                name_style(token_text, next_is_paren, names)
            }
            TokenKind::Whitespace | TokenKind::Punctuation | TokenKind::Unknown => None,
        };
        if let Some(style) = style {
            styled.push((token.span.clone(), style));
        }
    }
    styled
}

fn name_style(word: &str, next_is_paren: bool, names: &KnownNames) -> Option<Style> {
    if names.columns.contains(word) {
        Some(Style::Column)
    } else if names.tables.contains(word) {
        Some(Style::Table)
    } else if next_is_paren && crate::eval::functions::lookup(word).is_some() {
        Some(Style::Function)
    } else if is_keyword(word) {
        Some(Style::Keyword)
    } else {
        None
    }
}

/// Wraps each styled range of `text` in ANSI colour codes. The visible width does not
/// change, as line editors require.
pub fn to_ansi(text: &str, styled: &[(Range<usize>, Style)]) -> String {
    let mut out = String::with_capacity(text.len() + styled.len() * 10);
    let mut at = 0;
    for (range, style) in styled {
        let (Some(before), Some(inside)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(&format!("\x1b[{}m{inside}\x1b[0m", style.sgr()));
        at = range.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> KnownNames {
        KnownNames {
            tables: ["DeviceNetworkEvents".to_string()].into(),
            columns: ["RemotePort".to_string(), "Remote IP".to_string()].into(),
        }
    }

    fn styles(text: &str) -> Vec<(&str, Style)> {
        highlight(text, &names())
            .into_iter()
            .map(|(range, style)| (&text[range], style))
            .collect()
    }

    #[test]
    fn query_tokens_get_styles() {
        let text = "DeviceNetworkEvents | where RemotePort == 443 and tostring(x) has 'a' // c";
        assert_eq!(
            styles(text),
            vec![
                ("DeviceNetworkEvents", Style::Table),
                ("where", Style::Keyword),
                ("RemotePort", Style::Column),
                ("443", Style::Number),
                ("and", Style::Keyword),
                ("tostring", Style::Function),
                ("has", Style::Keyword),
                ("'a'", Style::String),
                ("// c", Style::Comment),
            ]
        );
    }

    #[test]
    fn bracketed_column_name() {
        assert_eq!(
            styles("T | project ['Remote IP']"),
            vec![
                ("project", Style::Keyword),
                ("['Remote IP']", Style::Column)
            ]
        );
    }

    #[test]
    fn function_name_needs_paren() {
        assert_eq!(styles("print tostring"), vec![("print", Style::Keyword)]);
    }

    #[test]
    fn unterminated_string_is_error() {
        assert_eq!(
            styles("print 'abc"),
            vec![("print", Style::Keyword), ("'abc", Style::Error)]
        );
    }

    #[test]
    fn dot_command_word_is_keyword() {
        assert_eq!(styles(".schema T"), vec![(".schema", Style::Keyword)]);
    }

    #[test]
    fn ansi_keeps_text() {
        let text = "print x = 'é'";
        let coloured = to_ansi(text, &highlight(text, &names()));
        assert!(coloured.contains("\x1b[1;34mprint\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[32m'é'\x1b[0m"), "{coloured:?}");
        let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
            .expect("valid pattern")
            .replace_all(&coloured, "");
        assert_eq!(stripped, text);
    }
}
