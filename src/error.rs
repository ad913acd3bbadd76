//! The one error type of the engine, and its rendering with the source line and a caret.
//!
//! Every stage reports failures as an [`Error`]: a kind, a message, an optional byte span
//! into the query text, and hints ("did you mean `DeviceName`?"). Data errors carry the
//! file and line in the message instead of a span.

use std::fmt;
use std::ops::Range;

/// What went wrong, which decides the exit status and how the error is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The query text does not follow the grammar.
    Syntax,
    /// A table, column, function or variable name that does not resolve.
    UnknownName,
    /// An operand or argument of the wrong type.
    TypeMismatch,
    /// Valid KQL that this engine does not implement yet.
    Unsupported,
    /// A runtime failure while evaluating a valid query.
    Evaluation,
    /// An input file that cannot be read or parsed.
    Data,
    /// A command-line usage error.
    Usage,
    /// A result or file that cannot be written.
    Output,
}

impl ErrorKind {
    /// The process exit status: 1 for an error in the query, 2 for usage, input or output
    /// errors.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Data | ErrorKind::Usage | ErrorKind::Output => 2,
            _ => 1,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax error",
            ErrorKind::UnknownName => "unknown name",
            ErrorKind::TypeMismatch => "type error",
            ErrorKind::Unsupported => "not supported",
            ErrorKind::Evaluation => "evaluation error",
            ErrorKind::Data => "input error",
            ErrorKind::Usage => "usage error",
            ErrorKind::Output => "output error",
        }
    }
}

/// An error with its location in the query text, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Range<usize>>,
    pub hints: Vec<String>,
    /// For an error about a column that does not exist: the column's name. `kql check`
    /// reads it to tell a typo from a column that a plugin may create from the data.
    pub unknown_column: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            span: None,
            hints: Vec::new(),
            unknown_column: None,
        }
    }

    pub fn at(kind: ErrorKind, span: Range<usize>, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_span(span)
    }

    pub fn syntax(span: Range<usize>, message: impl Into<String>) -> Error {
        Error::at(ErrorKind::Syntax, span, message)
    }

    pub fn unsupported(span: Range<usize>, message: impl Into<String>) -> Error {
        Error::at(ErrorKind::Unsupported, span, message)
    }

    pub fn data(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Data, message)
    }

    pub fn output(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Output, message)
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage, message)
    }

    pub fn with_span(mut self, span: Range<usize>) -> Error {
        self.span = Some(span);
        self
    }

    /// Sets the span only if the error has none yet.
    pub fn or_span(mut self, span: Range<usize>) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }

    /// Marks the error as one about the missing column `name`.
    pub fn with_unknown_column(mut self, name: &str) -> Error {
        self.unknown_column = Some(name.to_string());
        self
    }

    /// Renders the error for a terminal: the message, then for errors with a span the
    /// `file:line:column`, the source line and a caret under the offending text, then hints.
    pub fn render(&self, source: &str, origin: &str) -> String {
        let mut out = format!("error: {}: {}\n", self.kind.label(), self.message);
        if let Some(span) = &self.span {
            let location = Location::of(source, span.start);
            out.push_str(&format!(
                "  --> {}:{}:{}\n",
                origin, location.line, location.column
            ));
            let mut line_text = source
                .lines()
                .nth(location.line - 1)
                .unwrap_or("")
                .trim_end_matches('\r');
            if location.line == 1 {
                line_text = line_text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line_text);
            }
            let gutter = location.line.to_string();
            let pad = " ".repeat(gutter.len());
            let span_chars = source
                .get(span.start..span.end.min(source.len()))
                .map(|text| text.chars().take_while(|c| *c != '\n').count())
                .unwrap_or(1);
            let (shown, caret_column) = line_window(line_text, location.column);
            let line_remaining = shown.chars().count().saturating_sub(caret_column - 1);
            let width = span_chars.clamp(1, line_remaining.max(1));
            let (indent, carets) = caret_layout(&shown, caret_column, width);
            out.push_str(&format!("{pad} |\n{gutter} | {shown}\n"));
            out.push_str(&format!("{pad} | {indent}{}\n", "^".repeat(carets)));
        }
        for hint in &self.hints {
            out.push_str(&format!("  = help: {hint}\n"));
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.label(), self.message)?;
        for hint in &self.hints {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Returns the text before the caret and the number of carets that put them under the
/// `width` characters of `shown` from `column` (1-based) on a terminal. Tabs are copied,
/// so that they expand as in the line above, and other characters take their display
/// width, two columns for most CJK characters and emoji.
fn caret_layout(shown: &str, column: usize, width: usize) -> (String, usize) {
    use unicode_width::UnicodeWidthChar;

    let mut indent = String::new();
    for character in shown.chars().take(column - 1) {
        match character {
            '\t' => indent.push('\t'),
            _ => indent.push_str(&" ".repeat(character.width().unwrap_or(0))),
        }
    }
    let carets: usize = shown
        .chars()
        .skip(column - 1)
        .take(width)
        .map(|character| character.width().unwrap_or(0))
        .sum();
    (indent, carets.max(1))
}

/// The characters of a source line shown around an error, at most this many on each side
/// of the caret, so that an error in a huge one-line query stays readable.
const CONTEXT_CHARS: usize = 60;

/// Cuts a long line to a window around `column` (1-based, in characters), marking cut
/// ends with `…`. Returns the text to show and the caret's column within it.
fn line_window(line: &str, column: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= 2 * CONTEXT_CHARS {
        return (line.to_string(), column);
    }
    let first = column.saturating_sub(1 + CONTEXT_CHARS);
    let last = (column - 1 + CONTEXT_CHARS).min(length);
    let mut shown: String = line.chars().skip(first).take(last - first).collect();
    let mut caret_column = column - first;
    if first > 0 {
        shown.insert(0, '…');
        caret_column += 1;
    }
    if last < length {
        shown.push('…');
    }
    (shown, caret_column)
}

/// A warning for the person running a query, with the query text it is about, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl Warning {
    /// Renders the warning as `origin:line:column: message`, or `origin: message` when it
    /// has no place in `source`.
    pub fn render(&self, source: &str, origin: &str) -> String {
        match &self.span {
            Some(span) => {
                let Location { line, column } = Location::of(source, span.start);
                format!("{origin}:{line}:{column}: {}", self.message)
            }
            None => format!("{origin}: {}", self.message),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The mark that some editors put at the start of a UTF-8 file.
const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// A 1-based line and column (in characters) of a byte offset in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn of(source: &str, offset: usize) -> Location {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|at| at + 1).unwrap_or(0);
        let mut line_text = &before[line_start..];
        if line_start == 0 {
            // A byte order mark that starts the text is not a column an editor shows.
            line_text = line_text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line_text);
        }
        let column = line_text.chars().count() + 1;
        Location { line, column }
    }
}

/// Returns the candidate closest to `name` by edit distance, if one is close enough to be a
/// plausible typo, for "did you mean" hints.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_within(name, candidates, |candidate| {
        (name.len().max(candidate.len()) / 3).max(1)
    })
}

/// Returns the candidate closest to `name` by edit distance, ignoring case, among those at
/// most `limit(candidate)` edits away.
pub fn closest_within<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: impl Fn(&str) -> usize,
) -> Option<&'a str> {
    let lowered = name.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&lowered, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| *distance <= limit(candidate))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_chars() {
        let source = "let x = 1;\nT | whre y";
        assert_eq!(Location::of(source, 15), Location { line: 2, column: 5 });
        assert_eq!(Location::of(source, 0), Location { line: 1, column: 1 });
        // A leading byte order mark takes no column.
        let marked = "\u{FEFF}print x";
        assert_eq!(Location::of(marked, 9), Location { line: 1, column: 7 });
    }

    #[test]
    fn render_puts_caret_under_span() {
        let source = "T\n| whre x";
        let error =
            Error::syntax(4..8, "unknown operator `whre`").with_hint("did you mean `where`?");
        let rendered = error.render(source, "query.kql");
        assert!(rendered.contains("--> query.kql:2:3"), "{rendered}");
        assert!(
            rendered.contains("2 | | whre x\n  |   ^^^^\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains("help: did you mean `where`?"),
            "{rendered}"
        );
    }

    #[test]
    fn render_aligns_caret_after_tabs_and_wide_characters() {
        let source = "print a = 1,\tb = foo";
        let start = source.find("foo").unwrap_or_default();
        let rendered = Error::syntax(start..start + 3, "unknown name").render(source, "q");
        assert!(
            rendered.contains("1 | print a = 1,\tb = foo\n  |             \t    ^^^\n"),
            "{rendered}"
        );

        let source = "print a = \"é😀\", b = nosuch(1)";
        let start = source.find("nosuch").unwrap_or_default();
        let rendered = Error::syntax(start..start + 6, "unknown function").render(source, "q");
        let caret_line = rendered.lines().nth(4).unwrap_or_default();
        // `print a = "` is 11 columns, `é` one and the emoji two, `", b = ` seven more.
        assert_eq!(
            caret_line,
            format!("  | {}^^^^^^", " ".repeat(21)),
            "{rendered}"
        );
    }

    #[test]
    fn render_cuts_long_lines_around_caret() {
        let source = format!("{}whre{}", "x".repeat(500), "y".repeat(500));
        let error = Error::syntax(500..504, "unknown operator");
        let rendered = error.render(&source, "q");
        let source_line = rendered.lines().nth(3).unwrap_or_default();
        assert!(source_line.chars().count() < 140, "{rendered}");
        assert!(source_line.contains("…xxx"), "{rendered}");
        let caret_line = rendered.lines().nth(4).unwrap_or_default();
        let caret_at = caret_line.chars().position(|c| c == '^').unwrap_or(0);
        let under_caret: String = source_line.chars().skip(caret_at).take(4).collect();
        assert_eq!(under_caret, "whre", "{rendered}");
    }

    #[test]
    fn closest_finds_case_and_typo() {
        let names = ["DeviceName", "DeviceId", "RemoteIP"];
        assert_eq!(closest("devicename", names), Some("DeviceName"));
        assert_eq!(closest("RemoteIp", names), Some("RemoteIP"));
        assert_eq!(closest("Protocol", names), None);
    }
}
