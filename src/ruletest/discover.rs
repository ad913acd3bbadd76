//! Finding test files: every `*.test.toml` below the directories given, in path order.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The file name ending that marks a test file.
pub const TEST_FILE_SUFFIX: &str = ".test.toml";

/// Lists the test files for the given paths. A file is taken as given, whatever its
/// name. A directory is searched recursively for `*.test.toml`, skipping hidden entries
/// (names starting with `.`) and not following symbolic links to directories.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                Error::usage(format!("test path not found: {}", path.display()))
            }
            _ => Error::usage(format!("failed to read {}: {error}", path.display())),
        })?;
        if metadata.is_dir() {
            let mut in_dir = Vec::new();
            walk(path, &mut in_dir)?;
            in_dir.sort();
            found.extend(in_dir);
        } else {
            found.push(path.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|path| seen.insert(path.clone()));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let read_error =
        |error: std::io::Error| Error::usage(format!("failed to read {}: {error}", dir.display()));
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(read_error)? {
            let entry = entry.map_err(read_error)?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            // DirEntry::file_type does not follow symbolic links.
            let file_type = entry.file_type().map_err(read_error)?;
            let path = entry.path();
            if file_type.is_dir() {
                pending.push(path);
            } else if name.ends_with(TEST_FILE_SUFFIX) {
                found.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_files_recursively() {
        let root = tempfile::tempdir().expect("temporary directory");
        let base = root.path();
        for relative in [
            "b.test.toml",
            "nested/a.test.toml",
            "nested/rule.kql",
            "nested/other.toml",
            ".hidden/c.test.toml",
        ] {
            let path = base.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create directory");
            }
            std::fs::write(&path, "").expect("write file");
        }
        let found = discover(&[base.to_path_buf()]).expect("directory exists");
        let relative: Vec<PathBuf> = found
            .iter()
            .filter_map(|path| path.strip_prefix(base).ok().map(Path::to_path_buf))
            .collect();
        assert_eq!(
            relative,
            [
                PathBuf::from("b.test.toml"),
                PathBuf::from("nested/a.test.toml")
            ]
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        let error = discover(&[PathBuf::from("no/such/dir")]).expect_err("missing");
        assert!(error.message.contains("not found"), "{}", error.message);
    }
}
