//! `parse_command_line(command_line, "windows")`: splits a Windows command line into
//! its arguments the way `CommandLineToArgvW` does
//! (learn.microsoft.com/kusto/query/parse-command-line-function).
//!
//! The rules come from the `CommandLineToArgvW` reference
//! (learn.microsoft.com/windows/win32/api/shellapi/nf-shellapi-commandlinetoargvw):
//!
//! - Outside quotes, spaces and tabs separate arguments; trailing whitespace is ignored,
//!   and leading whitespace makes the first argument an empty string.
//! - 2n backslashes and a quote give n backslashes and toggle quoted mode. 2n+1
//!   backslashes and a quote give n backslashes and a literal quote. Backslashes not
//!   followed by a quote are literal.
//! - The first argument is the program name, quoted or not. Following Wine's
//!   reimplementation (dlls/shcore/main.c), it ends at the next quote when it starts
//!   with one and at the first space or tab otherwise, with backslashes taken literally.
//!
//! Neither reference states what a run of consecutive quotes inside a quoted argument
//! gives (`"a""b"`), and Wine's versions disagree, so such input is an error. So is an
//! empty command line, for which `CommandLineToArgvW` returns the path of the calling
//! program, and program names that mix quoted and unquoted text.

use std::sync::Arc;

use super::{expect_arg, Argument, EvalContext, Function, Prepared, TEXT};
use crate::value::{Type, Value};

/// The only parser type the reference lists.
const WINDOWS: &str = "windows";

fn parse_command_line_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the command line")?;
    expect_arg(args, 1, TEXT, "the parser type")?;
    Ok(Type::Dynamic)
}

fn check_parser_type(parser: &str) -> Result<(), String> {
    if parser == WINDOWS {
        Ok(())
    } else {
        Err(format!(
            "parse_command_line: invalid parser type \"{parser}\"; the only supported value is \"windows\""
        ))
    }
}

/// Rejects a constant parser type other than "windows" when the query is bound.
fn prepare_parse_command_line(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let Some(parser) = arguments.get(1).and_then(|argument| argument.constant) else {
        return Ok(Prepared::default());
    };
    check_parser_type(&parser.to_kusto_string())?;
    Ok(Prepared {
        result_type: None,
        eval: Some(Arc::new(|args: &[Value], _: &_| {
            split_to_value(&args[0].to_kusto_string())
        })),
    })
}

fn parse_command_line(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    check_parser_type(&args[1].to_kusto_string())?;
    split_to_value(&args[0].to_kusto_string())
}

fn split_to_value(command_line: &str) -> Result<Value, String> {
    let arguments = split_windows(command_line)?;
    Ok(Value::dynamic(serde_json::Value::Array(
        arguments
            .into_iter()
            .map(serde_json::Value::String)
            .collect(),
    )))
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits a command line by the `CommandLineToArgvW` rules in the module documentation.
fn split_windows(command_line: &str) -> Result<Vec<String>, String> {
    if command_line.is_empty() {
        return Err(
            "parse_command_line of an empty command line is not supported yet: CommandLineToArgvW returns the calling program's path there"
                .to_string(),
        );
    }
    let chars: Vec<char> = command_line.chars().collect();
    let mut arguments = Vec::new();

    // The program name.
    let mut position = 0;
    let mut program = String::new();
    if chars.first() == Some(&'"') {
        position = 1;
        loop {
            match chars.get(position) {
                Some('"') => {
                    position += 1;
                    break;
                }
                Some(&c) => {
                    program.push(c);
                    position += 1;
                }
                None => break,
            }
        }
        if chars.get(position).is_some_and(|&c| !is_blank(c)) {
            return Err(format!(
                "parse_command_line: text right after a quoted program name is not supported yet, in `{command_line}`"
            ));
        }
    } else {
        while let Some(&c) = chars.get(position).filter(|&&c| !is_blank(c)) {
            if c == '"' {
                return Err(format!(
                    "parse_command_line: a quote inside an unquoted program name is not supported yet, in `{command_line}`"
                ));
            }
            program.push(c);
            position += 1;
        }
    }
    arguments.push(program);

    // The remaining arguments.
    let mut current: Option<String> = None;
    let mut quoted = false;
    let mut backslashes = 0usize;
    while let Some(&c) = chars.get(position) {
        position += 1;
        if c == '\\' {
            backslashes += 1;
            continue;
        }
        if c == '"' {
            let argument = current.get_or_insert_with(String::new);
            argument.extend(std::iter::repeat_n('\\', backslashes / 2));
            let escaped = backslashes % 2 == 1;
            backslashes = 0;
            if escaped {
                argument.push('"');
            } else {
                let opening = !quoted;
                quoted = !quoted;
                // Of two quotes in a row, only `""` opened from outside quotes (an empty
                // quoted string) has a documented meaning.
                if chars.get(position) == Some(&'"') {
                    if !opening || chars.get(position + 1) == Some(&'"') {
                        return Err(format!(
                            "parse_command_line: consecutive quotes inside a quoted argument are not supported yet, in `{command_line}`"
                        ));
                    }
                    position += 1;
                    quoted = false;
                }
            }
            continue;
        }
        if backslashes > 0 {
            current
                .get_or_insert_with(String::new)
                .extend(std::iter::repeat_n('\\', backslashes));
            backslashes = 0;
        }
        if is_blank(c) && !quoted {
            if let Some(argument) = current.take() {
                arguments.push(argument);
            }
            continue;
        }
        current.get_or_insert_with(String::new).push(c);
    }
    if backslashes > 0 {
        current
            .get_or_insert_with(String::new)
            .extend(std::iter::repeat_n('\\', backslashes));
    }
    if let Some(argument) = current {
        arguments.push(argument);
    }
    Ok(arguments)
}

pub(super) const FUNCTIONS: &[Function] = &[Function::new(
    "parse_command_line",
    "parse_command_line(command_line: string, parser_type: string) -> dynamic",
    (2, 2),
    parse_command_line_type,
    parse_command_line,
)
.prepared(prepare_parse_command_line)];

#[cfg(test)]
mod tests {
    use super::*;

    fn split(command_line: &str) -> Vec<String> {
        split_windows(command_line).unwrap_or_else(|error| panic!("{command_line}: {error}"))
    }

    // learn.microsoft.com/kusto/query/parse-command-line-function
    #[test]
    fn reference_example() {
        assert_eq!(split(r#"echo "hello world!""#), ["echo", "hello world!"]);
        let value = parse_command_line(
            &[
                Value::from(r#"echo "hello world!""#),
                Value::from("windows"),
            ],
            &EvalContext::for_tests(),
        );
        assert_eq!(
            value.map(|v| v.to_kusto_string()),
            Ok(r#"["echo","hello world!"]"#.to_string())
        );
    }

    // learn.microsoft.com/windows/win32/api/shellapi/nf-shellapi-commandlinetoargvw:
    // 2n backslashes and a quote, 2n+1 backslashes and a quote, and lone backslashes.
    #[test]
    fn backslashes_before_quotes() {
        assert_eq!(split(r#"p a\\"b c"d"#), ["p", r"a\b cd"]);
        assert_eq!(split(r#"p a\\\"b c"#), ["p", r#"a\"b"#, "c"]);
        assert_eq!(split(r#"p a\\b c\"#), ["p", r"a\\b", r"c\"]);
        assert_eq!(split(r#"p "C:\dir\\" x"#), ["p", r"C:\dir\", "x"]);
        assert_eq!(split(r#"p "C:\dir\" x"#), ["p", r#"C:\dir" x"#]);
    }

    #[test]
    fn whitespace_separates_outside_quotes() {
        assert_eq!(split("p  a\t\tb  "), ["p", "a", "b"]);
        assert_eq!(split(r#"p "a b" c"#), ["p", "a b", "c"]);
        assert_eq!(split(r#"p x"a b"y"#), ["p", "xa by"]);
        assert_eq!(split(r#"p "" b"#), ["p", "", "b"]);
        assert_eq!(split(r#"p "unterminated arg"#), ["p", "unterminated arg"]);
    }

    // The reference: leading whitespace makes the first argument empty.
    #[test]
    fn leading_whitespace_gives_empty_program() {
        assert_eq!(split("  a b"), ["", "a", "b"]);
    }

    #[test]
    fn program_name_keeps_backslashes() {
        assert_eq!(
            split(r#""C:\Program Files\app.exe" -x"#),
            [r"C:\Program Files\app.exe", "-x"]
        );
        assert_eq!(
            split(r"C:\Windows\cmd.exe /c"),
            [r"C:\Windows\cmd.exe", "/c"]
        );
    }

    #[test]
    fn undocumented_cases_are_errors() {
        assert!(split_windows("").is_err());
        assert!(split_windows(r#"p "a""b""#).is_err());
        assert!(split_windows(r#"p """a"#).is_err());
        assert!(split_windows(r#""C:\a"b c"#).is_err());
        assert!(split_windows(r#"C:\a"b c"#).is_err());
    }

    #[test]
    fn other_parser_types_are_rejected() {
        assert!(check_parser_type("linux").is_err());
        let result = parse_command_line(
            &[Value::from("a b"), Value::from("unix")],
            &EvalContext::for_tests(),
        );
        assert!(result.is_err());
    }
}
