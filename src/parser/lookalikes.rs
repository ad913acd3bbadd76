//! Characters that queries copied from documents, chat and web pages contain in place of
//! KQL syntax: blanks that are not KQL whitespace, invisible formatting characters, and
//! typographic quotes and dashes. A syntax error that finds one names it by code point and
//! gives the character to type instead, because it prints as nothing or as punctuation that
//! looks right.

use crate::lexer::is_kql_whitespace;

/// Describes `c` for a syntax error ("found …") when it is a lookalike of a space, of
/// nothing, or of a quote or hyphen. Returns `None` for any other character.
pub(super) fn describe_lookalike(c: char) -> Option<String> {
    let code = u32::from(c);
    if let Some((name, replacement)) = typographic_name(c) {
        return Some(format!(
            "the character U+{code:04X} ({name}); replace it with `{replacement}`"
        ));
    }
    if is_invisible_format(c) {
        let name = match c {
            '\u{00AD}' => " (soft hyphen)",
            '\u{200C}' => " (zero-width non-joiner)",
            '\u{200D}' => " (zero-width joiner)",
            '\u{2060}' => " (word joiner)",
            _ => "",
        };
        return Some(format!(
            "the invisible character U+{code:04X}{name}; delete it"
        ));
    }
    if c.is_whitespace() && !is_kql_whitespace(c) {
        let name = match c {
            '\u{000B}' => " (vertical tab)",
            '\u{0085}' => " (next line)",
            '\u{2028}' => " (line separator)",
            '\u{2029}' => " (paragraph separator)",
            _ => "",
        };
        return Some(format!(
            "the character U+{code:04X}{name}, which looks like a space but is not one; \
             replace it with a plain space"
        ));
    }
    None
}

/// Returns a hint for an unterminated string whose rest of the line, `line`, contains a
/// typographic quote, which looks like a closing quote but is text inside the string.
/// `quote` is the ASCII quote that opened the string. The last typographic quote on the
/// line is named, because a pasted closing quote is the last one. Returns `None` when
/// the line has no typographic quote.
pub(crate) fn typographic_quote_hint(line: &str, quote: char) -> Option<String> {
    let (c, name) = line.chars().rev().find_map(|c| match c {
        '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' => {
            typographic_name(c).map(|(name, _)| (c, name))
        }
        _ => None,
    })?;
    let code = u32::from(c);
    Some(format!(
        "the string contains the character U+{code:04X} ({name}), which does not close a \
         string; if it is meant as the closing quote, replace it with `{quote}`"
    ))
}

/// Returns the Unicode name of a typographic quote or dash and the ASCII character that
/// KQL uses in its place. String literals take `'` or `"`
/// (learn.microsoft.com/kusto/query/scalar-data-types/string), and the minus operator is
/// `-`.
fn typographic_name(c: char) -> Option<(&'static str, char)> {
    let named = match c {
        '\u{2018}' => ("left single quotation mark", '\''),
        '\u{2019}' => ("right single quotation mark", '\''),
        '\u{201C}' => ("left double quotation mark", '"'),
        '\u{201D}' => ("right double quotation mark", '"'),
        '\u{2010}' => ("hyphen", '-'),
        '\u{2011}' => ("non-breaking hyphen", '-'),
        '\u{2012}' => ("figure dash", '-'),
        '\u{2013}' => ("en dash", '-'),
        '\u{2014}' => ("em dash", '-'),
        '\u{2212}' => ("minus sign", '-'),
        _ => return None,
    };
    Some(named)
}

/// Tells whether `c` is a zero-width formatting character that KQL does not skip: the
/// soft hyphen, the joiners, the direction marks and embeddings, and the word joiner and
/// invisible operators U+2060 to U+2064. U+200B and U+FEFF are among them in Unicode, but
/// KQL treats both as whitespace, so they never reach a syntax error.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_deleted() {
        for c in ['\u{00AD}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{200E}'] {
            let text = describe_lookalike(c).expect("described");
            assert!(text.contains(&format!("U+{:04X}", u32::from(c))), "{text}");
            assert!(text.ends_with("; delete it"), "{text}");
        }
        let soft_hyphen = describe_lookalike('\u{00AD}').expect("described");
        assert!(soft_hyphen.contains("(soft hyphen)"), "{soft_hyphen}");
    }

    #[test]
    fn blank_characters_replaced_by_space() {
        for c in ['\u{000B}', '\u{0085}', '\u{2028}', '\u{2029}'] {
            let text = describe_lookalike(c).expect("described");
            assert!(text.contains(&format!("U+{:04X}", u32::from(c))), "{text}");
            assert!(text.ends_with("replace it with a plain space"), "{text}");
        }
        let tab = describe_lookalike('\u{000B}').expect("described");
        assert!(tab.contains("(vertical tab)"), "{tab}");
    }

    #[test]
    fn typographic_characters_name_ascii() {
        let cases = [
            ('\u{2018}', "`'`"),
            ('\u{2019}', "`'`"),
            ('\u{201C}', "`\"`"),
            ('\u{201D}', "`\"`"),
            ('\u{2013}', "`-`"),
            ('\u{2014}', "`-`"),
            ('\u{2212}', "`-`"),
        ];
        for (c, replacement) in cases {
            let text = describe_lookalike(c).expect("described");
            assert!(text.contains(&format!("U+{:04X}", u32::from(c))), "{text}");
            assert!(
                text.ends_with(&format!("replace it with {replacement}")),
                "{text}"
            );
        }
    }

    #[test]
    fn ordinary_characters_not_described() {
        for c in [
            'a', '-', '\'', '"', ' ', '\u{00A0}', '\u{200B}', '\u{FEFF}', 'é',
        ] {
            assert_eq!(describe_lookalike(c), None, "U+{:04X}", u32::from(c));
        }
    }
}
