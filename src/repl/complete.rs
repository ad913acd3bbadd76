//! Tab completion: which words fit at the cursor, given the text typed so far.
//!
//! The context comes from the lexer's tokens before the cursor:
//! - at the start of a statement, table names and `let` names;
//! - right after `|`, the tabular operators this engine runs;
//! - after `lookup`, table names again;
//! - anywhere else in a pipeline, the columns of the pipeline up to the last `|` (bound
//!   against the loaded tables, so columns added by `extend` count) and function names;
//! - in a dot-command line, command names, table names, fixed options, and file paths
//!   after `.load`.

use std::path::Path;

use crate::data;
use crate::eval::functions;
use crate::lexer::{tokenize, Token, TokenKind};
use crate::parser::SUPPORTED_OPERATORS;
use crate::table::Field;

use super::command::{is_plain_name, COMMANDS};

/// The session data that completion reads: table names, `let` names and pipeline schemas.
pub trait CompletionSource {
    /// Loaded table names.
    fn table_names(&self) -> Vec<String>;
    /// Names defined by earlier `let` statements.
    fn let_names(&self) -> Vec<String>;
    /// Returns the columns of the tabular expression `pipeline`, run after `statements`
    /// (earlier statements of the same input, each ending in `;`), or nothing when it
    /// does not bind.
    fn pipeline_columns(&self, statements: &str, pipeline: &str) -> Vec<Field>;
}

/// One completion: the text shown in the list and the text inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

impl Candidate {
    fn plain(text: &str) -> Candidate {
        Candidate {
            display: text.to_string(),
            replacement: text.to_string(),
        }
    }

    /// Builds a candidate for a name, quoted as `['…']` when it is not a plain identifier.
    fn name(text: &str) -> Candidate {
        let replacement = if is_plain_name(text) {
            text.to_string()
        } else {
            format!("['{}']", text.replace('\\', "\\\\").replace('\'', "\\'"))
        };
        Candidate {
            display: text.to_string(),
            replacement,
        }
    }
}

/// The candidates for the word that ends at the cursor, which starts at byte `start`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<Candidate>,
}

/// Returns the completions for `line` with the cursor at byte `cursor`.
pub fn complete(line: &str, cursor: usize, source: &dyn CompletionSource) -> Completion {
    let Some(before) = line.get(..cursor) else {
        return Completion::default();
    };
    if before.trim_start().starts_with('.') {
        return complete_command(before, source);
    }

    let start = word_start(before);
    let word = &before[start..];
    let tokens = tokenize(&before[..start]);
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|token| !matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment))
        .collect();
    if significant.last().is_some_and(|token| {
        matches!(
            token.kind,
            TokenKind::String | TokenKind::UnterminatedString
        )
    }) && before.ends_with(|c: char| !c.is_whitespace())
    {
        return Completion::default();
    }
    let text_of = |token: &Token| before.get(token.span.clone()).unwrap_or("");
    let previous = significant.last().map(|token| text_of(token));
    let before_previous = significant
        .len()
        .checked_sub(2)
        .and_then(|at| significant.get(at))
        .map(|token| text_of(token));

    let last_four: Vec<&str> = significant
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(|token| text_of(token))
        .collect();
    let after_lookup_kind = matches!(last_four.as_slice(), ["lookup", "kind", "=", _]);

    let mut candidates = Vec::new();
    match (before_previous, previous) {
        _ if after_lookup_kind => {
            push_names(&mut candidates, word, &source.table_names());
            push_names(&mut candidates, word, &source.let_names());
        }
        (_, None) | (_, Some(";")) => {
            push_names(&mut candidates, word, &source.table_names());
            push_names(&mut candidates, word, &source.let_names());
            push_words(&mut candidates, word, &["let", "print", "datatable", "set"]);
        }
        (_, Some("|")) => push_words(&mut candidates, word, &SUPPORTED_OPERATORS),
        (_, Some("lookup")) | (Some("lookup"), Some("(")) => {
            push_names(&mut candidates, word, &source.table_names());
            push_names(&mut candidates, word, &source.let_names());
        }
        _ => {
            if let Some(context) = pipeline_context(before, &tokens) {
                let columns = source.pipeline_columns(context.statements, context.pipeline);
                let names: Vec<String> = columns.into_iter().map(|field| field.name).collect();
                push_names(&mut candidates, word, &names);
            }
            push_names(&mut candidates, word, &source.let_names());
            push_functions(&mut candidates, word);
        }
    }
    dedup(&mut candidates);
    Completion { start, candidates }
}

/// Returns where the word ending at the end of `before` starts.
fn word_start(before: &str) -> usize {
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '-')
        .last()
        .map_or(before.len(), |(at, _)| at)
}

fn starts_with_ignoring_case(candidate: &str, word: &str) -> bool {
    candidate
        .get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

fn push_names(candidates: &mut Vec<Candidate>, word: &str, names: &[String]) {
    for name in names {
        if starts_with_ignoring_case(name, word) {
            candidates.push(Candidate::name(name));
        }
    }
}

/// Adds names as they are, since dot-commands take names unquoted.
fn push_plain_names(candidates: &mut Vec<Candidate>, word: &str, names: &[String]) {
    for name in names {
        if starts_with_ignoring_case(name, word) {
            candidates.push(Candidate::plain(name));
        }
    }
}

fn push_words(candidates: &mut Vec<Candidate>, word: &str, words: &[&str]) {
    for keyword in words {
        if starts_with_ignoring_case(keyword, word) {
            candidates.push(Candidate::plain(keyword));
        }
    }
}

fn push_functions(candidates: &mut Vec<Candidate>, word: &str) {
    if word.is_empty() {
        return;
    }
    for function in functions::all() {
        if starts_with_ignoring_case(function.name, word) {
            candidates.push(Candidate {
                display: function.signature.to_string(),
                replacement: format!("{}(", function.name),
            });
        }
    }
}

fn dedup(candidates: &mut Vec<Candidate>) {
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|candidate| seen.insert(candidate.replacement.clone()));
}

/// The pipeline whose columns are in scope at the cursor.
#[derive(Debug, PartialEq, Eq)]
struct PipelineContext<'a> {
    /// Earlier complete statements of the input, ending with `;`.
    statements: &'a str,
    /// The tabular expression before the last `|` at the cursor's nesting level, without
    /// a leading `let Name =`.
    pipeline: &'a str,
}

/// One open bracket level while scanning tokens: where its text starts and the last `|`
/// seen in it.
struct Level {
    start: usize,
    last_pipe: Option<usize>,
}

/// Finds the pipeline in scope at the end of `before`: the innermost bracket level with
/// a `|`, so in `T | where f(` the `(` level has none and `T` is used, while in
/// `T | lookup (U | where ` it is `U`.
fn pipeline_context<'a>(before: &'a str, tokens: &[Token]) -> Option<PipelineContext<'a>> {
    let mut levels = vec![Level {
        start: 0,
        last_pipe: None,
    }];
    let mut statement_start = 0;
    for token in tokens {
        if token.kind != TokenKind::Punctuation {
            continue;
        }
        match before.get(token.span.clone()).unwrap_or("") {
            "(" | "[" | "{" => levels.push(Level {
                start: token.span.end,
                last_pipe: None,
            }),
            ")" | "]" | "}" if levels.len() > 1 => {
                levels.pop();
            }
            ";" if levels.len() == 1 => {
                statement_start = token.span.end;
                levels = vec![Level {
                    start: token.span.end,
                    last_pipe: None,
                }];
            }
            "|" => {
                if let Some(level) = levels.last_mut() {
                    level.last_pipe = Some(token.span.start);
                }
            }
            _ => {}
        }
    }

    let (depth, level) = levels
        .iter()
        .enumerate()
        .rev()
        .find(|(_, level)| level.last_pipe.is_some())?;
    let pipe = level.last_pipe?;
    let mut pipeline = before.get(level.start..pipe)?;
    if depth == 0 {
        pipeline = strip_let_head(pipeline);
    }
    Some(PipelineContext {
        statements: before.get(..statement_start)?,
        pipeline,
    })
}

/// Removes a leading `let Name =` so that only the let's value remains.
fn strip_let_head(statement: &str) -> &str {
    let tokens = tokenize(statement);
    let mut significant = tokens
        .iter()
        .filter(|token| !matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment));
    let text_of = |token: &Token| statement.get(token.span.clone()).unwrap_or("");
    let (Some(first), Some(name), Some(equals)) =
        (significant.next(), significant.next(), significant.next())
    else {
        return statement;
    };
    let is_let = text_of(first) == "let"
        && matches!(name.kind, TokenKind::Name | TokenKind::BracketedName)
        && text_of(equals) == "=";
    if is_let {
        statement.get(equals.span.end..).unwrap_or(statement)
    } else {
        statement
    }
}

/// Completes a dot-command line: the command name, then its argument.
fn complete_command(before: &str, source: &dyn CompletionSource) -> Completion {
    let leading = before.len() - before.trim_start().len();
    let line = &before[leading..];
    let Some(space) = line.find(char::is_whitespace) else {
        let candidates = COMMANDS
            .iter()
            .filter(|(name, _, _)| name.starts_with(line))
            .map(|(name, _, _)| Candidate::plain(name))
            .collect();
        return Completion {
            start: leading,
            candidates,
        };
    };

    let command = &line[..space];
    let argument_start = before
        .rfind(char::is_whitespace)
        .map_or(before.len(), |at| at + 1);
    let argument = &before[argument_start..];
    let is_first_argument = line[space..].trim().len() == argument.len();
    let options: &[&str] = match command {
        ".format" => &["table", "json", "ndjson", "csv"],
        ".timer" => &["on", "off"],
        ".now" | ".limit" => &["off"],
        _ => &[],
    };
    let candidates = if command == ".load" && is_first_argument {
        complete_path(argument)
    } else if matches!(command, ".schema" | ".drop") && is_first_argument {
        let mut names = Vec::new();
        push_plain_names(&mut names, argument, &source.table_names());
        if command == ".schema" {
            push_plain_names(&mut names, argument, &source.let_names());
        }
        names
    } else if is_first_argument {
        options
            .iter()
            .filter(|option| option.starts_with(argument))
            .map(|option| Candidate::plain(option))
            .collect()
    } else {
        Vec::new()
    };
    Completion {
        start: argument_start,
        candidates,
    }
}

/// Lists the folders and data files (`.json`, `.jsonl`, `.ndjson`, `.csv`, optionally
/// `.gz`) whose path starts with `partial`. Folders end with `/` so the next Tab goes on
/// into them.
pub fn complete_path(partial: &str) -> Vec<Candidate> {
    let (folder, file_prefix) = match partial.rfind('/') {
        Some(at) => (&partial[..=at], &partial[at + 1..]),
        None => ("", partial),
    };
    let folder_path = if folder.is_empty() {
        Path::new(".")
    } else {
        Path::new(folder)
    };
    let Ok(entries) = std::fs::read_dir(folder_path) else {
        return Vec::new();
    };

    let mut candidates = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with(file_prefix)
            || (name.starts_with('.') && !file_prefix.starts_with('.'))
        {
            continue;
        }
        let path = entry.path();
        let is_dir = std::fs::metadata(&path).is_ok_and(|metadata| metadata.is_dir());
        if is_dir {
            candidates.push(Candidate {
                display: format!("{name}/"),
                replacement: format!("{folder}{name}/"),
            });
        } else if data::Format::from_path(&path).is_some() {
            candidates.push(Candidate {
                display: name.clone(),
                replacement: format!("{folder}{name}"),
            });
        }
    }
    candidates.sort_by(|a, b| a.display.cmp(&b.display));
    candidates
}

/// Returns the signature of the function whose argument list the end of `before` is in,
/// for a hint while typing the arguments.
pub fn signature_hint(before: &str) -> Option<&'static str> {
    let tokens = tokenize(before);
    let mut open_calls: Vec<Option<&str>> = Vec::new();
    let mut previous_name: Option<&str> = None;
    for token in &tokens {
        let text = before.get(token.span.clone()).unwrap_or("");
        match token.kind {
            TokenKind::Whitespace | TokenKind::Comment => continue,
            TokenKind::Punctuation if matches!(text, "(" | "[" | "{") => {
                open_calls.push(if text == "(" { previous_name } else { None });
            }
            TokenKind::Punctuation if matches!(text, ")" | "]" | "}") => {
                open_calls.pop();
            }
            _ => {}
        }
        previous_name = (token.kind == TokenKind::Name).then_some(text);
    }
    let name = open_calls.last().copied().flatten()?;
    functions::lookup(name).map(|function| function.signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Type;

    /// A session with one table `Events(Timestamp, RemoteIP, RemotePort)` and one
    /// `let` name `recent`. Columns of other pipelines are the table's columns plus any
    /// `extend`ed `Flag`, so tests can see which pipeline text was asked about.
    struct FakeSession;

    impl CompletionSource for FakeSession {
        fn table_names(&self) -> Vec<String> {
            vec!["Events".to_string(), "Other Table".to_string()]
        }

        fn let_names(&self) -> Vec<String> {
            vec!["recent".to_string()]
        }

        fn pipeline_columns(&self, statements: &str, pipeline: &str) -> Vec<Field> {
            let pipeline = pipeline.trim();
            if !pipeline.starts_with("Events") && !statements.contains("let e = Events") {
                return Vec::new();
            }
            let mut fields = vec![
                Field::new("Timestamp", Type::DateTime),
                Field::new("RemoteIP", Type::String),
                Field::new("RemotePort", Type::Long),
            ];
            if pipeline.contains("extend Flag") {
                fields.push(Field::new("Flag", Type::Bool));
            }
            fields
        }
    }

    fn replacements(line: &str) -> Vec<String> {
        complete(line, line.len(), &FakeSession)
            .candidates
            .into_iter()
            .map(|candidate| candidate.replacement)
            .collect()
    }

    #[test]
    fn statement_start_offers_tables() {
        assert_eq!(replacements("Ev"), vec!["Events"]);
        assert_eq!(replacements("let x = 1; re"), vec!["recent"]);
        let all = replacements("");
        assert!(all.contains(&"['Other Table']".to_string()), "{all:?}");
        assert!(all.contains(&"let".to_string()), "{all:?}");
    }

    #[test]
    fn after_pipe_offers_operators() {
        assert_eq!(replacements("Events | wh"), vec!["where"]);
        let all = replacements("Events\n| ");
        assert!(all.contains(&"project".to_string()), "{all:?}");
        assert!(all.contains(&"take".to_string()), "{all:?}");
    }

    #[test]
    fn operator_arguments_offer_columns() {
        assert_eq!(
            replacements("Events | where Remote"),
            vec!["RemoteIP", "RemotePort"]
        );
        assert_eq!(replacements("Events | project remotep"), vec!["RemotePort"]);
        assert_eq!(
            replacements("Events | where RemotePort == 1 | project Ti"),
            vec!["Timestamp"]
        );
    }

    #[test]
    fn extended_column_is_offered() {
        assert_eq!(
            replacements("Events | extend Flag = true | where Fla"),
            vec!["Flag"]
        );
    }

    #[test]
    fn columns_inside_function_call() {
        let found = replacements("Events | where ipv4_is_private(Rem");
        assert_eq!(found, vec!["RemoteIP", "RemotePort"]);
    }

    #[test]
    fn columns_inside_let_value() {
        assert_eq!(
            replacements("let x = Events | where Remote"),
            vec!["RemoteIP", "RemotePort"]
        );
        assert_eq!(
            replacements("let e = Events; e | where Time"),
            vec!["Timestamp"]
        );
    }

    #[test]
    fn functions_shown_with_signatures() {
        let completion = complete("Events | where ipv4_is_p", 24, &FakeSession);
        let function = completion
            .candidates
            .iter()
            .find(|candidate| candidate.replacement == "ipv4_is_private(")
            .expect("ipv4_is_private is offered");
        assert!(
            function.display.starts_with("ipv4_is_private(ip"),
            "{function:?}"
        );
        assert_eq!(completion.start, 15);
    }

    #[test]
    fn lookup_offers_tables() {
        assert_eq!(replacements("Events | lookup Ev"), vec!["Events"]);
        assert_eq!(replacements("Events | lookup (Ev"), vec!["Events"]);
        assert_eq!(
            replacements("Events | lookup kind=leftouter Ev"),
            vec!["Events"]
        );
    }

    #[test]
    fn no_completion_inside_string() {
        assert!(replacements("Events | where RemoteIP == 'Rem").is_empty());
    }

    #[test]
    fn command_names_and_options() {
        assert_eq!(replacements(".sc"), vec![".schema"]);
        assert_eq!(replacements(".format j"), vec!["json"]);
        assert_eq!(replacements(".timer o"), vec!["on", "off"]);
        assert!(replacements(".format json x").is_empty());
        assert_eq!(replacements(".drop ev"), vec!["Events"]);
        assert_eq!(
            replacements(".schema "),
            vec!["Events", "Other Table", "recent"]
        );
    }

    #[test]
    fn load_completes_paths() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let folder = dir.path().display().to_string();
        std::fs::write(dir.path().join("Events.jsonl"), "").expect("write file");
        std::fs::write(dir.path().join("notes.txt"), "").expect("write file");
        std::fs::create_dir(dir.path().join("exports")).expect("create folder");

        let found = replacements(&format!(".load {folder}/"));
        assert_eq!(
            found,
            vec![
                format!("{folder}/Events.jsonl"),
                format!("{folder}/exports/")
            ]
        );
        let found = replacements(&format!(".load {folder}/ex"));
        assert_eq!(found, vec![format!("{folder}/exports/")]);
    }

    #[test]
    fn let_head_is_stripped() {
        assert_eq!(strip_let_head("let x = Events "), " Events ");
        assert_eq!(strip_let_head("Events "), "Events ");
    }

    #[test]
    fn signature_hint_inside_call() {
        assert_eq!(
            signature_hint("print ago("),
            Some("ago(span: timespan) -> datetime")
        );
        assert_eq!(signature_hint("print ago(1d) + "), None);
        assert_eq!(
            signature_hint("print ago(tostring("),
            crate::eval::functions::lookup("tostring").map(|function| function.signature)
        );
    }
}
