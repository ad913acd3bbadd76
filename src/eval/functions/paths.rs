//! `parse_path(path)`: splits a file path into a bag of its parts
//! (learn.microsoft.com/kusto/query/parse-path-function).
//!
//! The reference documents the bag's keys and shows five examples: a Windows path, a
//! relative path, a `file://` URL with an alternate data stream, a UNC path and a Linux
//! path. These rules reproduce all five:
//!
//! - `Scheme` is the text before `://`, and the rest is parsed as the path.
//! - `RootPath` is a leading drive (`C:`). UNC and Linux paths have none.
//! - Both `\` and `/` separate components. `DirectoryPath` is the text before the last
//!   separator, and `DirectoryName` the last component of that text.
//! - `Filename` is the text after the last separator, up to a colon. The text after
//!   the colon is `AlternateDataStreamName`. `Extension` follows the last dot of
//!   `Filename`, without the dot.
//!
//! The reference lists long paths (`\\?\C:\…`) as supported but shows no result for
//! one. Nor does it show a path whose directory is empty or only a root (`file.txt`,
//! `C:\file.txt`, `/file.txt`), a path that ends in a separator, or a URL with a host.
//! Such paths, and schemes other than `file`, are an error rather than a guess. The
//! error names the path and, where one exists, a `where` condition that removes such rows.
//! A file name without a dot gets an empty `Extension`, which no example shows.

use serde_json::{Map, Value as Json};

use super::{expect_arg, EvalContext, Function, TEXT};
use crate::value::{Type, Value};

fn parse_path_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the path")?;
    Ok(Type::Dynamic)
}

fn parse_path(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let path = args[0].to_kusto_string();
    let parts = split_path(&path)?;
    Ok(Value::dynamic(parts.to_json()))
}

/// The parts of a path, as `parse_path` names them.
#[derive(Debug, PartialEq, Eq)]
struct PathParts<'a> {
    scheme: &'a str,
    root_path: &'a str,
    directory_path: &'a str,
    directory_name: &'a str,
    filename: &'a str,
    extension: &'a str,
    alternate_data_stream_name: &'a str,
}

impl PathParts<'_> {
    /// Builds the bag with the keys in the order the reference prints them.
    fn to_json(&self) -> Json {
        let mut bag = Map::new();
        let fields = [
            ("Scheme", self.scheme),
            ("RootPath", self.root_path),
            ("DirectoryPath", self.directory_path),
            ("DirectoryName", self.directory_name),
            ("Filename", self.filename),
            ("Extension", self.extension),
            ("AlternateDataStreamName", self.alternate_data_stream_name),
        ];
        for (key, value) in fields {
            bag.insert(key.to_string(), Json::String(value.to_string()));
        }
        Json::Object(bag)
    }
}

fn is_separator(c: char) -> bool {
    c == '\\' || c == '/'
}

/// Builds the error for a path whose result the reference does not show. `filter`, when
/// given, is a condition written for a `FolderPath` column that removes such paths.
fn unsupported(path: &str, kind: &str, filter: Option<&str>) -> String {
    let value = if path.is_empty() {
        "the empty string".to_string()
    } else {
        format!("`{path}`")
    };
    let remedy = match filter {
        Some(filter) => format!("Remove such rows before the call, for example with `| where {filter}`, or take the part you need with `split()` or `extract()`"),
        None => "Remove such rows before the call, or take the part you need with `split()` or `extract()`".to_string(),
    };
    format!(
        "{kind} ({value}) is not supported yet, because the KQL reference shows no result for such a path. {remedy}"
    )
}

/// Splits `path` by the rules in the module documentation.
fn split_path(path: &str) -> Result<PathParts<'_>, String> {
    if path.is_empty() {
        return Err(unsupported(
            path,
            "an empty path",
            Some("isnotempty(FolderPath)"),
        ));
    }
    if path.starts_with(r"\\?\") || path.starts_with(r"\\.\") {
        return Err(unsupported(
            path,
            r"a long or device path (`\\?\`, `\\.\`)",
            Some(r"FolderPath !startswith @'\\?\' and FolderPath !startswith @'\\.\'"),
        ));
    }

    // The scheme. Only `file://` followed by a drive has a documented result.
    let (scheme, rest) = match path.find("://") {
        Some(end) if is_scheme(&path[..end]) => (&path[..end], &path[end + 3..]),
        _ => ("", path),
    };
    if !scheme.is_empty() && (!scheme.eq_ignore_ascii_case("file") || drive(rest).is_none()) {
        return Err(unsupported(
            path,
            "a URL other than `file://` and a drive",
            Some("FolderPath !contains '://'"),
        ));
    }

    // The root: a drive, which must be followed by a separator.
    let root_path = drive(rest).unwrap_or("");
    if !root_path.is_empty() && !rest[root_path.len()..].starts_with(is_separator) {
        return Err(unsupported(path, "a drive-relative path (`C:file`)", None));
    }

    // The directory and the file name, split at the last separator.
    let Some(last_separator) = rest.rfind(is_separator) else {
        return Err(unsupported(
            path,
            "a path without a directory",
            Some(r"FolderPath contains @'\' or FolderPath contains '/'"),
        ));
    };
    let directory_path = &rest[..last_separator];
    let file_part = &rest[last_separator + 1..];
    if file_part.is_empty() {
        return Err(unsupported(
            path,
            "a path that ends in a separator",
            Some(r"FolderPath !endswith @'\' and FolderPath !endswith '/'"),
        ));
    }
    let directory_name = match directory_path.rfind(is_separator) {
        Some(separator) => &directory_path[separator + 1..],
        None => directory_path,
    };
    if directory_name.is_empty() || directory_name == root_path {
        return Err(unsupported(
            path,
            "a file in a root directory",
            Some(r"countof(FolderPath, @'\') + countof(FolderPath, '/') > 1"),
        ));
    }
    if directory_path[root_path.len()..].contains(':') {
        return Err(unsupported(path, "a colon in a directory name", None));
    }

    // The alternate data stream follows the file name after one colon.
    let (filename, alternate_data_stream_name) = match file_part.split_once(':') {
        Some((_, stream)) if stream.contains(':') => {
            return Err(unsupported(
                path,
                "a stream name with a type (`file:stream:$DATA`)",
                None,
            ));
        }
        Some((name, stream)) => (name, stream),
        None => (file_part, ""),
    };
    let extension = match filename.rfind('.') {
        Some(dot) => &filename[dot + 1..],
        None => "",
    };

    Ok(PathParts {
        scheme,
        root_path,
        directory_path,
        directory_name,
        filename,
        extension,
        alternate_data_stream_name,
    })
}

/// True for a URL scheme: a letter, then letters, digits, `+`, `-` or `.` (RFC 3986).
pub(super) fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Returns the leading drive of `path` (`C:`), if it has one.
fn drive(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    match bytes {
        [letter, b':', ..] if letter.is_ascii_alphabetic() => Some(&path[..2]),
        _ => None,
    }
}

pub(super) const FUNCTIONS: &[Function] = &[Function::new(
    "parse_path",
    "parse_path(path: string) -> dynamic",
    (1, 1),
    parse_path_type,
    parse_path,
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str) -> String {
        match parse_path(&[Value::from(path)], &EvalContext::for_tests()) {
            Ok(value) => value.to_kusto_string(),
            Err(error) => panic!("{path}: {error}"),
        }
    }

    // Every row of the example in learn.microsoft.com/kusto/query/parse-path-function.
    #[test]
    fn reference_examples() {
        let cases = [
            (
                r"C:\temp\file.txt",
                r#"{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#,
            ),
            (
                r"temp\file.txt",
                r#"{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#,
            ),
            (
                "file://C:/temp/file.txt:some.exe",
                r#"{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}"#,
            ),
            (
                r"\\shared\users\temp\file.txt.gz",
                r#"{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}"#,
            ),
            (
                "/usr/lib/temp/file.txt",
                r#"{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#,
            ),
        ];
        for (path, expected) in cases {
            assert_eq!(parse(path), expected, "{path}");
        }
    }

    #[test]
    fn deeper_paths_keep_whole_directory() {
        let Ok(parts) = split_path(r"C:\Windows\System32\cmd.exe") else {
            panic!("the path should parse");
        };
        assert_eq!(parts.directory_path, r"C:\Windows\System32");
        assert_eq!(parts.directory_name, "System32");
        assert_eq!(parts.filename, "cmd.exe");
        assert_eq!(parts.extension, "exe");
    }

    #[test]
    fn file_without_dot_has_no_extension() {
        let Ok(parts) = split_path("/usr/bin/python3") else {
            panic!("the path should parse");
        };
        assert_eq!(parts.filename, "python3");
        assert_eq!(parts.extension, "");
    }

    #[test]
    fn undocumented_paths_are_errors() {
        let cases = [
            "",
            "file.txt",
            r"C:\file.txt",
            "/file.txt",
            r"C:\temp\",
            r"C:temp\file.txt",
            r"\\?\C:\temp\file.txt",
            r"\\.\pipe\name",
            "https://example.com/dir/file.txt",
            "file://server/share/file.txt",
            r"C:\temp\file.txt:stream:$DATA",
            r"C:\a:b\file.txt",
        ];
        for path in cases {
            let result = split_path(path);
            assert!(result.is_err(), "{path}: {result:?}");
        }
    }

    #[test]
    fn error_names_the_path() {
        let Err(error) = parse_path(&[Value::from(r"\\?\C:\x\y.txt")], &EvalContext::for_tests())
        else {
            panic!("a long path should be rejected");
        };
        assert!(error.contains("not supported yet"), "{error}");
        assert!(error.contains(r"\\?\C:\x\y.txt"), "{error}");
    }

    #[test]
    fn error_gives_a_filter() {
        let cases = [
            ("", "the empty string", "isnotempty(FolderPath)"),
            ("notepad.exe", "`notepad.exe`", r"FolderPath contains @'\'"),
            (
                r"C:\Windows\",
                r"`C:\Windows\`",
                r"FolderPath !endswith @'\'",
            ),
            (r"C:\notepad.exe", r"`C:\notepad.exe`", "countof(FolderPath"),
        ];
        for (path, value, filter) in cases {
            let Err(error) = split_path(path) else {
                panic!("{path}: the path should be rejected");
            };
            assert!(error.contains(value), "{error}");
            assert!(error.contains(filter), "{error}");
        }
    }
}
