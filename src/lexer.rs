//! Lexical rules of KQL: trivia, names, literals and punctuation, as nom parsers over a
//! located `&str`, plus [`tokenize`] for tools that need the token stream itself (the
//! REPL's highlighter and its "is this input complete?" check).
//!
//! Rules, from the KQL reference (learn.microsoft.com/kusto/query/scalar-data-types/string
//! and schema-entities/entity-names):
//! - Comments run from `//` to the end of the line; there are no block comments.
//! - Names start with a letter, `_` or `$` and continue with letters, digits and `_`;
//!   `['any text']` and `["any text"]` quote any other name. Names are case-sensitive.
//! - Strings are `'…'` or `"…"` with backslash escapes, verbatim `@'…'`/`@"…"` where a
//!   doubled quote stands for one quote, obfuscated `h'…'`/`H"…"`, and multi-line
//!   ```` ```…``` ````. A raw line break ends a quoted string with an error.
//! - Numbers are `long` (`6`, `0x1F`), `real` (`1.5`, `1e3`, `1.`) or, with a unit suffix,
//!   `timespan` (`30m`, `1.5h`, `100ms`).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{opt, recognize};
use nom::error::ErrorKind as NomErrorKind;
use nom::sequence::pair;
use nom::{IResult, InputTake, Slice};
use nom_locate::LocatedSpan;

use crate::value::{timespan_unit_ticks, Value};

/// Parser input: the remaining query text and its byte offset in the whole query.
pub type Input<'a> = LocatedSpan<&'a str>;

/// The result of every lexer and parser function.
pub type PResult<'a, T> = IResult<Input<'a>, T, SyntaxError>;

/// A parse failure: where it happened and what the parser expected there.
///
/// When several alternatives fail, the one that got furthest wins, so the message points
/// at the real problem rather than at the start of the statement.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub end: usize,
    pub expected: Vec<String>,
    /// A complete message that replaces "expected …" (unsupported syntax, bad literal).
    pub message: Option<String>,
    pub unsupported: bool,
    /// Hints shown after the message, such as the typographic quote that fails to close
    /// an unterminated string.
    pub hints: Vec<String>,
}

impl SyntaxError {
    pub fn expected(input: Input<'_>, what: &str) -> SyntaxError {
        let offset = input.location_offset();
        SyntaxError {
            offset,
            end: offset + next_char_len(input.fragment()),
            expected: vec![what.to_string()],
            message: None,
            unsupported: false,
            hints: Vec::new(),
        }
    }

    pub fn message(offset: usize, end: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset,
            end,
            expected: Vec::new(),
            message: Some(message.into()),
            unsupported: false,
            hints: Vec::new(),
        }
    }

    pub fn unsupported(offset: usize, end: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            unsupported: true,
            ..SyntaxError::message(offset, end, message)
        }
    }
}

fn next_char_len(text: &str) -> usize {
    text.chars().next().map(char::len_utf8).unwrap_or(0)
}

impl<'a> nom::error::ParseError<Input<'a>> for SyntaxError {
    fn from_error_kind(input: Input<'a>, _kind: NomErrorKind) -> SyntaxError {
        let offset = input.location_offset();
        SyntaxError {
            offset,
            end: offset + next_char_len(input.fragment()),
            expected: Vec::new(),
            message: None,
            unsupported: false,
            hints: Vec::new(),
        }
    }

    fn append(_input: Input<'a>, _kind: NomErrorKind, other: SyntaxError) -> SyntaxError {
        other
    }

    fn or(self, other: SyntaxError) -> SyntaxError {
        furthest(self, other)
    }
}

/// Keeps the error that got further into the input; at the same place, merges what each
/// expected, and a specific message beats a list of expectations.
pub fn furthest(a: SyntaxError, b: SyntaxError) -> SyntaxError {
    if a.offset != b.offset {
        return if a.offset > b.offset { a } else { b };
    }
    if a.message.is_some() {
        return a;
    }
    if b.message.is_some() {
        return b;
    }
    let mut merged = a;
    for item in b.expected {
        if !merged.expected.contains(&item) {
            merged.expected.push(item);
        }
    }
    merged
}

/// Fails with "expected `what`" at the current position.
pub fn fail_expected<'a, T>(input: Input<'a>, what: &str) -> PResult<'a, T> {
    Err(nom::Err::Error(SyntaxError::expected(input, what)))
}

/// Labels a parser's failure as "expected `what`" when it failed where it started.
pub fn expect<'a, T>(
    what: &'static str,
    mut parser: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, T> {
    move |input: Input<'a>| match parser(input) {
        Err(nom::Err::Error(error)) if error.offset <= input.location_offset() => {
            let labelled = SyntaxError::expected(input, what);
            Err(nom::Err::Error(if error.message.is_some() {
                error
            } else {
                labelled
            }))
        }
        other => other,
    }
}

/// Tells whether KQL treats `c` as whitespace between tokens: ASCII space, tab, CR, LF
/// and form feed, and Unicode spaces. Queries pasted from web pages and Windows editors
/// contain some of these, such as the no-break spaces U+00A0 and U+202F and the byte order
/// mark U+FEFF. The set is the one in Kusto's language service (github.com/microsoft/
/// Kusto-Query-Language, src/Kusto.Language/Parser/TextFacts.cs, `IsWhitespace`).
pub fn is_kql_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\r' | '\n' | '\u{000C}' | '\u{00A0}' | '\u{1680}' | '\u{180E}' | '\u{2000}'
            ..='\u{200B}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Returns `text` without the KQL whitespace it starts with.
pub fn trim_kql_whitespace(text: &str) -> &str {
    text.trim_start_matches(is_kql_whitespace)
}

/// Skips whitespace and `//` comments.
pub fn trivia(input: Input<'_>) -> PResult<'_, ()> {
    let mut rest = input;
    loop {
        if let Ok((after, _)) = take_while1::<_, _, SyntaxError>(is_kql_whitespace)(rest) {
            rest = after;
            continue;
        }
        if rest.fragment().starts_with("//") {
            let (after, _) = take_till::<_, _, SyntaxError>(|c| c == '\n')(rest)?;
            rest = after;
            continue;
        }
        return Ok((rest, ()));
    }
}

/// Runs `parser` after skipping trivia.
pub fn token<'a, T>(
    mut parser: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, T> {
    move |input: Input<'a>| {
        let (input, _) = trivia(input)?;
        parser(input)
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A plain identifier (no trivia skipped).
pub fn raw_identifier(input: Input<'_>) -> PResult<'_, Input<'_>> {
    let starts_ok = input.fragment().chars().next().is_some_and(is_name_start);
    if !starts_ok {
        return fail_expected(input, "a name");
    }
    let first_len = next_char_len(input.fragment());
    let rest_len = input.fragment()[first_len..]
        .find(|c: char| !is_name_char(c))
        .unwrap_or(input.fragment().len() - first_len);
    let (rest, matched) = input.take_split(first_len + rest_len);
    Ok((rest, matched))
}

/// A specific keyword or punctuation, after trivia. A keyword must not run on into a
/// longer name: `where` does not match the start of `whereabouts`.
pub fn symbol<'a>(text: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, Input<'a>> {
    move |input: Input<'a>| {
        let (input, _) = trivia(input)?;
        let (rest, matched) = match tag::<_, _, SyntaxError>(text)(input) {
            Ok(found) => found,
            Err(_) => return fail_expected(input, &format!("`{text}`")),
        };
        let word_like = text.chars().last().is_some_and(is_name_char);
        if word_like && rest.fragment().chars().next().is_some_and(is_name_char) {
            return fail_expected(input, &format!("`{text}`"));
        }
        Ok((rest, matched))
    }
}

/// A name: an identifier or a bracketed `['…']`/`["…"]` name. Returns the name and its span.
pub fn name(input: Input<'_>) -> PResult<'_, (String, std::ops::Range<usize>)> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if let Ok((rest, id)) = raw_identifier(input) {
        return Ok((
            rest,
            (id.fragment().to_string(), start..rest.location_offset()),
        ));
    }
    if let Ok((rest, quoted)) = bracketed_name(input) {
        return Ok((rest, (quoted, start..rest.location_offset())));
    }
    fail_expected(input, "a name")
}

/// `['name']` or `["name"]`.
pub fn bracketed_name(input: Input<'_>) -> PResult<'_, String> {
    let (rest, _) = char('[')(input)?;
    let (rest, _) = trivia(rest)?;
    let (rest, text) = quoted_string(rest)?;
    let (rest, _) = trivia(rest)?;
    let (rest, _) = char(']')(rest)?;
    Ok((rest, text))
}

/// One string literal of any form (no trivia, no concatenation).
pub fn quoted_string(input: Input<'_>) -> PResult<'_, String> {
    let text = *input.fragment();
    let start = input.location_offset();
    if text.starts_with("```") || text.starts_with("~~~") {
        let fence = &text[..3];
        let body = &text[3..];
        return match body.find(fence) {
            Some(end) => Ok((input.take_split(3 + end + 3).0, body[..end].to_string())),
            None => Err(nom::Err::Failure(SyntaxError::message(
                start,
                start + 3,
                format!("unterminated multi-line string: add the closing {fence}"),
            ))),
        };
    }
    let (prefix_len, verbatim) = match text.as_bytes() {
        [b'@', b'\'' | b'"', ..] => (1, true),
        [b'h' | b'H', b'\'' | b'"', ..] => (1, false),
        [b'h' | b'H', b'@', b'\'' | b'"', ..] => (2, true),
        [b'\'' | b'"', ..] => (0, false),
        _ => return fail_expected(input, "a string"),
    };
    let quote = text.as_bytes()[prefix_len] as char;
    let body_start = prefix_len + 1;
    let mut value = String::new();
    let mut chars = text[body_start..].char_indices();
    while let Some((at, c)) = chars.next() {
        let at = at + body_start;
        if c == quote {
            if verbatim && text[at + 1..].starts_with(quote) {
                value.push(quote);
                chars.next();
                continue;
            }
            return Ok((input.take_split(at + 1).0, value));
        }
        if c == '\n' || c == '\r' {
            break;
        }
        if c == '\\' && !verbatim {
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            match escaped {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                '0' => value.push('\0'),
                'a' => value.push('\u{7}'),
                'b' => value.push('\u{8}'),
                'f' => value.push('\u{c}'),
                'v' => value.push('\u{b}'),
                '\\' | '\'' | '"' => value.push(escaped),
                'u' | 'U' | 'x' => {
                    let digits = match escaped {
                        'u' => 4,
                        'U' => 8,
                        _ => 2,
                    };
                    let hex: String = chars.clone().take(digits).map(|(_, c)| c).collect();
                    let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                    match code {
                        Some(decoded) if hex.len() == digits => {
                            value.push(decoded);
                            for _ in 0..digits {
                                chars.next();
                            }
                        }
                        _ => {
                            return Err(nom::Err::Failure(SyntaxError::message(
                                at,
                                at + 2,
                                format!("invalid escape `\\{escaped}{hex}` in string"),
                            )))
                        }
                    }
                }
                other => {
                    return Err(nom::Err::Failure(SyntaxError::message(
                        at,
                        at + 1 + other.len_utf8(),
                        format!("invalid escape `\\{other}` in string; write `\\\\` for a backslash or use a verbatim string @'…'"),
                    )))
                }
            }
            continue;
        }
        value.push(c);
    }
    let mut error = SyntaxError::message(
        start,
        start + body_start,
        "unterminated string: add the closing quote on the same line",
    );
    let line = text[body_start..].split(['\n', '\r']).next().unwrap_or("");
    error
        .hints
        .extend(crate::parser::typographic_quote_hint(line, quote));
    Err(nom::Err::Failure(error))
}

/// A string literal after trivia; adjacent literals concatenate, as in Kusto
/// (`'a' "b"` is `"ab"`).
pub fn string_literal(input: Input<'_>) -> PResult<'_, String> {
    let (input, _) = trivia(input)?;
    let (mut rest, mut value) = quoted_string(input)?;
    while let Ok((after_trivia, _)) = trivia(rest) {
        match quoted_string(after_trivia) {
            Ok((after, more)) => {
                value.push_str(&more);
                rest = after;
            }
            Err(nom::Err::Failure(error)) => return Err(nom::Err::Failure(error)),
            Err(_) => break,
        }
    }
    Ok((rest, value))
}

/// A number literal: `long`, `real` or `timespan` (digits with a unit suffix).
pub fn number_literal(input: Input<'_>) -> PResult<'_, Value> {
    let (input, _) = trivia(input)?;
    let start = input.location_offset();
    if let Ok((rest, _)) = tag::<_, _, SyntaxError>("0x")(input) {
        let (rest, digits) = take_while1(|c: char| c.is_ascii_hexdigit())(rest)?;
        return match i64::from_str_radix(digits.fragment(), 16) {
            Ok(n) => Ok((rest, Value::Long(n))),
            Err(_) => Err(nom::Err::Failure(SyntaxError::message(
                start,
                rest.location_offset(),
                "hexadecimal literal does not fit in a long",
            ))),
        };
    }
    let (rest, whole) = take_while1(|c: char| c.is_ascii_digit())(input)?;
    let (rest, fraction) = opt(recognize(pair(
        char('.'),
        take_while(|c: char| c.is_ascii_digit()),
    )))(rest)?;
    // `1.` is a real, but in `x[1].y` the dot starts a member access, so a dot followed by
    // a name character is not part of the number.
    let (rest, fraction) = match fraction {
        Some(dot) if dot.fragment().len() == 1 && rest.fragment().starts_with(is_name_start) => {
            (input.take_split(whole.fragment().len()).0, None)
        }
        other => (rest, other),
    };
    let (rest, exponent) = opt(recognize(nom::sequence::tuple((
        alt((char('e'), char('E'))),
        opt(alt((char('+'), char('-')))),
        take_while1(|c: char| c.is_ascii_digit()),
    ))))(rest)?;
    let (after_unit, unit) = take_while(|c: char| c.is_ascii_alphabetic())(rest)?;
    let end = rest.location_offset();
    let literal = &input.fragment()[..end - start];

    if !unit.fragment().is_empty() && exponent.is_none() {
        if after_unit.fragment().starts_with(is_name_char) {
            return fail_expected(input, "a number");
        }
        return match timespan_unit_ticks(unit.fragment()) {
            Some(unit_ticks) => {
                let amount: f64 = literal.parse().unwrap_or(f64::NAN);
                let ticks = amount * unit_ticks as f64;
                if ticks.is_finite() && ticks.abs() < i64::MAX as f64 {
                    Ok((after_unit, Value::Timespan(ticks.round() as i64)))
                } else {
                    Err(nom::Err::Failure(SyntaxError::message(
                        start,
                        after_unit.location_offset(),
                        "timespan literal is out of range",
                    )))
                }
            }
            None => fail_expected(input, "a number"),
        };
    }
    if !unit.fragment().is_empty() {
        return fail_expected(input, "a number");
    }
    if fraction.is_some() || exponent.is_some() {
        return match literal.parse::<f64>() {
            Ok(x) => Ok((rest, Value::Real(x))),
            Err(_) => fail_expected(input, "a number"),
        };
    }
    match literal.parse::<i64>() {
        Ok(n) => Ok((rest, Value::Long(n))),
        Err(_) => Err(nom::Err::Failure(SyntaxError::message(
            start,
            end,
            format!("integer literal {literal} does not fit in a long; write it as a real ({literal}.0)"),
        ))),
    }
}

/// The kinds of token [`tokenize`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Whitespace,
    Comment,
    Name,
    BracketedName,
    String,
    /// A string literal with no closing quote (the input is incomplete).
    UnterminatedString,
    Number,
    Punctuation,
    /// A character no token starts with.
    Unknown,
}

/// One token: its kind and byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: std::ops::Range<usize>,
}

/// Splits text into tokens, including whitespace and comments, without failing: text
/// that starts no token becomes an `Unknown` token one character long.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut input = Input::new(text);
    while !input.fragment().is_empty() {
        let start = input.location_offset();
        let (kind, rest) = next_token(input);
        let end = rest
            .location_offset()
            .max(start + next_char_len(input.fragment()));
        tokens.push(Token {
            kind,
            span: start..end,
        });
        // LocatedSpan::slice keeps offsets relative to the original text, and it counts
        // the line breaks it skips, so slicing the rest (not the whole text) keeps this
        // linear.
        input = if rest.location_offset() == end {
            rest
        } else {
            input.slice(end - start..)
        };
    }
    tokens
}

fn next_token(input: Input<'_>) -> (TokenKind, Input<'_>) {
    let text = *input.fragment();
    if let Ok((rest, _)) = take_while1::<_, _, SyntaxError>(is_kql_whitespace)(input) {
        return (TokenKind::Whitespace, rest);
    }
    if text.starts_with("//") {
        let end = text.find('\n').unwrap_or(text.len());
        return (TokenKind::Comment, input.take_split(end).0);
    }
    let string_start = matches!(
        text.as_bytes(),
        [b'\'' | b'"', ..] | [b'@' | b'h' | b'H', b'\'' | b'"', ..]
    ) || text.starts_with("```")
        || text.starts_with("~~~");
    if string_start {
        return match quoted_string(input) {
            Ok((rest, _)) => (TokenKind::String, rest),
            Err(_) => (
                TokenKind::UnterminatedString,
                input.take_split(text.len()).0,
            ),
        };
    }
    if let Ok((rest, _)) = bracketed_name(input) {
        return (TokenKind::BracketedName, rest);
    }
    if let Ok((rest, _)) = raw_identifier(input) {
        return (TokenKind::Name, rest);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        if let Ok((rest, _)) = number_literal(input) {
            return (TokenKind::Number, rest);
        }
    }
    const PUNCTUATION: [&str; 27] = [
        "==", "!=", "<>", "<=", ">=", "=~", "!~", "=>", "..", "|", "(", ")", "[", "]", "{", "}",
        ",", ";", "=", "<", ">", "+", "-", "*", "/", "%", ".",
    ];
    for symbol in PUNCTUATION {
        if text.starts_with(symbol) {
            return (TokenKind::Punctuation, input.take_split(symbol.len()).0);
        }
    }
    if text.starts_with([':', '!', '~', '@', '?']) {
        return (TokenKind::Punctuation, input.take_split(1).0);
    }
    (TokenKind::Unknown, input.take_split(next_char_len(text)).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_value(text: &str) -> String {
        let (rest, value) = string_literal(Input::new(text)).expect("string should lex");
        assert!(
            rest.fragment().is_empty(),
            "left over: {:?}",
            rest.fragment()
        );
        value
    }

    fn number_value(text: &str) -> Value {
        let (rest, value) = number_literal(Input::new(text)).expect("number should lex");
        assert!(
            rest.fragment().is_empty(),
            "left over: {:?}",
            rest.fragment()
        );
        value
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(string_value(r#""a\tb\"c""#), "a\tb\"c");
        assert_eq!(string_value(r"'it\'s'"), "it's");
        assert_eq!(string_value(r"'\u00e9'"), "é");
    }

    #[test]
    fn verbatim_strings_keep_backslashes() {
        assert_eq!(string_value(r"@'C:\Windows\'"), r"C:\Windows\");
        assert_eq!(string_value(r#"@"say ""hi""""#), r#"say "hi""#);
        assert_eq!(string_value("h'secret'"), "secret");
    }

    #[test]
    fn adjacent_strings_concatenate() {
        // strlen("Hello" ', ' @"world!") is 13 in the KQL string reference.
        assert_eq!(string_value("\"Hello\" ', ' @\"world!\""), "Hello, world!");
    }

    #[test]
    fn multiline_string_keeps_newlines() {
        assert_eq!(string_value("```line1\nline2```"), "line1\nline2");
    }

    #[test]
    fn unterminated_string_fails_hard() {
        let result = string_literal(Input::new("'abc\n'"));
        assert!(matches!(result, Err(nom::Err::Failure(_))), "{result:?}");
    }

    #[test]
    fn numbers_and_timespans() {
        assert_eq!(number_value("6"), Value::Long(6));
        assert_eq!(number_value("0x1F"), Value::Long(31));
        assert_eq!(number_value("1.5"), Value::Real(1.5));
        assert_eq!(number_value("1e3"), Value::Real(1000.0));
        assert_eq!(number_value("30m"), Value::Timespan(30 * 60 * 10_000_000));
        assert_eq!(number_value("1d"), Value::Timespan(86_400 * 10_000_000));
        assert_eq!(number_value("1.5h"), Value::Timespan(5_400 * 10_000_000));
        assert_eq!(number_value("100ms"), Value::Timespan(1_000_000));
    }

    #[test]
    fn number_too_large_is_an_error() {
        let result = number_literal(Input::new("99999999999999999999"));
        assert!(matches!(result, Err(nom::Err::Failure(_))), "{result:?}");
    }

    #[test]
    fn symbol_respects_word_boundary() {
        assert!(symbol("where")(Input::new("  where x")).is_ok());
        assert!(symbol("where")(Input::new("whereabouts")).is_err());
        assert!(symbol("==")(Input::new("== 1")).is_ok());
    }

    #[test]
    fn names_plain_and_bracketed() {
        let (_, (plain, _)) = name(Input::new(" $left")).expect("name");
        assert_eq!(plain, "$left");
        let (_, (quoted, span)) = name(Input::new("['Tcp Flags']")).expect("name");
        assert_eq!(quoted, "Tcp Flags");
        assert_eq!(span, 0..13);
    }

    #[test]
    fn comments_are_trivia() {
        let (rest, _) = trivia(Input::new("// one\n  //| where x\nT")).expect("trivia");
        assert_eq!(*rest.fragment(), "T");
    }

    #[test]
    fn tokenize_covers_text() {
        let text = "T | where x == 'a' // c\n| take 5";
        let tokens = tokenize(text);
        let kinds: Vec<TokenKind> = tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| t.kind)
            .collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            vec![
                Name,
                Punctuation,
                Name,
                Name,
                Punctuation,
                String,
                Comment,
                Punctuation,
                Name,
                Number
            ]
        );
        let covered: usize = tokens.iter().map(|t| t.span.len()).sum();
        assert_eq!(covered, text.len());
    }

    #[test]
    fn tokenize_marks_unterminated_string() {
        let tokens = tokenize("T | where x == 'abc");
        assert_eq!(
            tokens.last().map(|t| t.kind),
            Some(TokenKind::UnterminatedString)
        );
    }
}
