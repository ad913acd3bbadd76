//! Dot-commands: the lines that start with `.` and change the session instead of running
//! a query.

use std::path::PathBuf;

use crate::error::{closest, Error};
use crate::output::Format;
use crate::value::parse_datetime;

/// One parsed dot-command.
#[derive(Debug, Clone, PartialEq)]
pub enum DotCommand {
    /// `.help`
    Help,
    /// `.tables`
    Tables,
    /// `.schema [Table]`
    Schema(Option<String>),
    /// `.load PATH [as Name]`
    Load { path: PathBuf, name: Option<String> },
    /// `.drop Name`
    Drop(String),
    /// `.format table|json|ndjson|csv`
    Format(Format),
    /// `.now DATETIME` pins the clock (ticks); `.now off` unpins it.
    Now(Option<i64>),
    /// `.timer on|off`
    Timer(bool),
    /// `.limit N` shows at most N rows; `.limit off` shows all.
    Limit(Option<usize>),
    /// `.save PATH`
    Save(PathBuf),
    /// `.watchlist-key ALIAS COLUMN` names a watchlist's SearchKey column.
    WatchlistKey { alias: String, column: String },
    /// `.quit` or `.exit`
    Quit,
}

/// Every command name with its arguments and a one-line description, for `.help` and
/// completion.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (".help", "", "show this help"),
    (
        ".tables",
        "",
        "list loaded tables with row counts and source files",
    ),
    (
        ".schema",
        "[Table]",
        "show the columns and types of a table, or of all tables",
    ),
    (
        ".load",
        "PATH [as Name]",
        "load a file (or every data file in a folder) as a table",
    ),
    (".drop", "Name", "remove a loaded table"),
    (
        ".format",
        "table|json|ndjson|csv",
        "choose how results are shown",
    ),
    (
        ".now",
        "DATETIME|off",
        "pin the clock that now() and ago() read, or unpin it",
    ),
    (".timer", "on|off", "show the elapsed time after each query"),
    (".limit", "N|off", "show at most N rows of each result"),
    (
        ".save",
        "PATH",
        "write the last result to a file (.json, .jsonl, .ndjson or .csv)",
    ),
    (
        ".watchlist-key",
        "ALIAS COLUMN",
        "name the SearchKey column of _GetWatchlist('ALIAS'), now or for a later .load",
    ),
    (".quit", "", "leave the shell (also .exit and Ctrl-D)"),
];

/// Parses a line that starts with `.`.
pub fn parse(line: &str) -> Result<DotCommand, Error> {
    let words = split_words(line.trim())?;
    let Some((name, arguments)) = words.split_first() else {
        return Err(Error::usage("empty command; type .help for the list"));
    };
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    match name.as_str() {
        ".help" | ".?" => no_arguments(name, &arguments, DotCommand::Help),
        ".tables" => no_arguments(name, &arguments, DotCommand::Tables),
        ".quit" | ".exit" => no_arguments(name, &arguments, DotCommand::Quit),
        ".schema" => match arguments.as_slice() {
            [] => Ok(DotCommand::Schema(None)),
            [table] => Ok(DotCommand::Schema(Some(table.to_string()))),
            _ => Err(usage(name)),
        },
        ".load" => parse_load(&arguments),
        ".drop" => match arguments.as_slice() {
            [table] => Ok(DotCommand::Drop(table.to_string())),
            _ => Err(usage(name)),
        },
        ".format" => match arguments.as_slice() {
            [format] => Format::from_name(format).map(DotCommand::Format).ok_or_else(|| {
                Error::usage(format!(
                    "unknown format `{format}`; use table, json, ndjson or csv"
                ))
            }),
            _ => Err(usage(name)),
        },
        ".now" => match arguments.as_slice() {
            ["off"] => Ok(DotCommand::Now(None)),
            [text] => parse_datetime(text)
                .map(|ticks| DotCommand::Now(Some(ticks)))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "invalid datetime `{text}`; use ISO 8601 such as 2025-08-30T00:00:00Z, or `off`"
                    ))
                }),
            _ => Err(usage(name)),
        },
        ".timer" => match arguments.as_slice() {
            ["on"] => Ok(DotCommand::Timer(true)),
            ["off"] => Ok(DotCommand::Timer(false)),
            _ => Err(usage(name)),
        },
        ".limit" => match arguments.as_slice() {
            ["off"] => Ok(DotCommand::Limit(None)),
            [count] => count
                .parse::<usize>()
                .map(|count| DotCommand::Limit(Some(count)))
                .map_err(|_| {
                    Error::usage(format!(
                        "invalid row limit `{count}`; give a whole number of rows or `off`"
                    ))
                }),
            _ => Err(usage(name)),
        },
        ".save" => match arguments.as_slice() {
            [path] => Ok(DotCommand::Save(PathBuf::from(path))),
            _ => Err(usage(name)),
        },
        ".watchlist-key" => match arguments.as_slice() {
            [alias, column] => Ok(DotCommand::WatchlistKey {
                alias: alias.to_string(),
                column: column.to_string(),
            }),
            _ => Err(usage(name)),
        },
        other => {
            let names = COMMANDS.iter().map(|(name, _, _)| *name);
            let mut error = Error::usage(format!("unknown command `{other}`"));
            if let Some(suggestion) = closest(other, names) {
                error = error.with_hint(format!("did you mean `{suggestion}`?"));
            }
            Err(error.with_hint("type .help for the list of commands"))
        }
    }
}

fn parse_load(arguments: &[&str]) -> Result<DotCommand, Error> {
    match arguments {
        [path] => Ok(DotCommand::Load {
            path: PathBuf::from(path),
            name: None,
        }),
        [path, keyword, name] if keyword.eq_ignore_ascii_case("as") => {
            if !is_plain_name(name) {
                return Err(Error::usage(format!(
                    "invalid table name `{name}`; use letters, digits and `_`, starting with a letter or `_`"
                )));
            }
            Ok(DotCommand::Load {
                path: PathBuf::from(path),
                name: Some(name.to_string()),
            })
        }
        _ => Err(usage(".load")),
    }
}

/// Returns whether `name` can be written in a query without `['…']` quoting.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    starts_well && chars.all(|c| c.is_alphanumeric() || c == '_')
}

fn no_arguments(name: &str, arguments: &[&str], command: DotCommand) -> Result<DotCommand, Error> {
    if arguments.is_empty() {
        Ok(command)
    } else {
        Err(usage(name))
    }
}

/// Builds the "usage: …" error for a command given the wrong arguments.
fn usage(name: &str) -> Error {
    let arguments = COMMANDS
        .iter()
        .find(|(command, _, _)| *command == name)
        .map(|(_, arguments, _)| *arguments)
        .unwrap_or("");
    Error::usage(
        format!("wrong arguments; usage: {name} {arguments}")
            .trim_end()
            .to_string(),
    )
}

/// Returns `word` as a command argument: in quotes when it contains whitespace or a
/// quote, so that [`split_words`] reads it back as one word.
pub fn quote_word(word: &str) -> String {
    let plain = !word.is_empty()
        && !word
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '"');
    match (plain, word.contains('\'')) {
        (true, _) => word.to_string(),
        (false, false) => format!("'{word}'"),
        (false, true) => format!("\"{word}\""),
    }
}

/// Splits a command line into words at whitespace. A word in `'…'` or `"…"` may contain
/// spaces, so paths with spaces can be loaded.
pub fn split_words(line: &str) -> Result<Vec<String>, Error> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&next) = chars.peek() {
        if next.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if next == '\'' || next == '"' {
            chars.next();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == next {
                    closed = true;
                    break;
                }
                word.push(c);
            }
            if !closed {
                return Err(Error::usage(format!("missing closing {next} in `{line}`")));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parsed(line: &str) -> DotCommand {
        parse(line).unwrap_or_else(|error| panic!("{line}: {error}"))
    }

    #[test]
    fn simple_commands() {
        assert_eq!(parsed(".help"), DotCommand::Help);
        assert_eq!(parsed(".tables"), DotCommand::Tables);
        assert_eq!(parsed("  .quit  "), DotCommand::Quit);
        assert_eq!(parsed(".exit"), DotCommand::Quit);
    }

    #[test]
    fn schema_with_and_without_table() {
        assert_eq!(parsed(".schema"), DotCommand::Schema(None));
        assert_eq!(
            parsed(".schema DeviceNetworkEvents"),
            DotCommand::Schema(Some("DeviceNetworkEvents".to_string()))
        );
    }

    #[test]
    fn load_with_name_and_quoted_path() {
        assert_eq!(
            parsed(".load data/x.csv"),
            DotCommand::Load {
                path: PathBuf::from("data/x.csv"),
                name: None
            }
        );
        assert_eq!(
            parsed(".load 'my exports/x.json' as Events"),
            DotCommand::Load {
                path: PathBuf::from("my exports/x.json"),
                name: Some("Events".to_string())
            }
        );
    }

    #[test]
    fn load_rejects_bad_name() {
        assert!(parse(".load x.csv as 9lives").is_err());
        assert!(parse(".load x.csv Events").is_err());
        assert!(parse(".load").is_err());
    }

    #[test]
    fn format_now_timer_limit() {
        assert_eq!(parsed(".format json"), DotCommand::Format(Format::Json));
        assert_eq!(parsed(".format csv"), DotCommand::Format(Format::Csv));
        assert!(parse(".format xml").is_err());
        assert_eq!(
            parsed(".now 2025-08-30T00:00:00Z"),
            DotCommand::Now(parse_datetime("2025-08-30T00:00:00Z"))
        );
        assert_eq!(parsed(".now off"), DotCommand::Now(None));
        assert!(parse(".now yesterday").is_err());
        assert_eq!(parsed(".timer on"), DotCommand::Timer(true));
        assert_eq!(parsed(".timer off"), DotCommand::Timer(false));
        assert!(parse(".timer").is_err());
        assert_eq!(parsed(".limit 20"), DotCommand::Limit(Some(20)));
        assert_eq!(parsed(".limit off"), DotCommand::Limit(None));
        assert!(parse(".limit -1").is_err());
    }

    #[test]
    fn drop_and_save() {
        assert_eq!(parsed(".drop T"), DotCommand::Drop("T".to_string()));
        assert_eq!(
            parsed(".save out.csv"),
            DotCommand::Save(PathBuf::from("out.csv"))
        );
        assert!(parse(".save").is_err());
    }

    #[test]
    fn watchlist_key_takes_alias_and_column() {
        assert_eq!(
            parsed(".watchlist-key VIPUsers UserPrincipalName"),
            DotCommand::WatchlistKey {
                alias: "VIPUsers".to_string(),
                column: "UserPrincipalName".to_string()
            }
        );
        assert_eq!(
            parsed(".watchlist-key 'High Value' 'Asset Name'"),
            DotCommand::WatchlistKey {
                alias: "High Value".to_string(),
                column: "Asset Name".to_string()
            }
        );
        assert!(parse(".watchlist-key VIPUsers").is_err());
        assert!(parse(".watchlist-key VIPUsers=UserPrincipalName").is_err());
    }

    #[test]
    fn unknown_command_suggests() {
        let error = parse(".tabels").expect_err("unknown command");
        assert_eq!(error.kind, ErrorKind::Usage);
        assert!(
            error.hints.iter().any(|hint| hint.contains("`.tables`")),
            "{error:?}"
        );
    }

    #[test]
    fn extra_arguments_rejected() {
        let error = parse(".tables now").expect_err("extra argument");
        assert!(error.message.contains("usage: .tables"), "{error:?}");
    }

    #[test]
    fn unclosed_quote_rejected() {
        assert!(parse(".load 'x.csv").is_err());
    }
}
