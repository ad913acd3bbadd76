//! Loading the tables named on the command line (`--data DIR`, `--table NAME=PATH`) into a
//! session, and printing the load warnings.

use std::io;
use std::path::{Path, PathBuf};

use kql::data::{self, Format as DataFormat, LoadOptions, Loaded};
use kql::engine::Session;
use kql::error::Error;

use kql::schema::TableSchema;

/// What the command line asked to load.
pub struct LoadRequest<'a> {
    pub data_dirs: &'a [PathBuf],
    pub tables: &'a [String],
    pub strict: bool,
    /// Tables from `--schema` files.
    pub schemas: Vec<TableSchema>,
}

/// Reads every `--schema` file, in order. A table defined in several files is an error,
/// because which definition applies would depend on the order of the options.
pub fn load_schemas(paths: &[PathBuf]) -> Result<Vec<TableSchema>, Error> {
    let mut tables: Vec<TableSchema> = Vec::new();
    for path in paths {
        for table in kql::schema::load_schema_file(path)? {
            if tables.iter().any(|known| known.name == table.name) {
                return Err(Error::usage(format!(
                    "table `{}` is defined in more than one --schema file; keep one definition",
                    table.name
                )));
            }
            tables.push(table);
        }
    }
    Ok(tables)
}

/// Splits `NAME=PATH`.
fn parse_table_argument(argument: &str) -> Result<(&str, &str), Error> {
    match argument.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.is_empty() => Ok((name.trim(), path)),
        _ => Err(Error::usage(format!(
            "invalid --table value `{argument}`; expected NAME=PATH, such as DeviceNetworkEvents=export.csv"
        ))),
    }
}

/// Loads every requested table into `session`; warnings go to standard error.
pub fn load_into(session: &mut Session, request: &LoadRequest<'_>) -> Result<(), Error> {
    let options = LoadOptions {
        strict: request.strict,
        schemas: request.schemas.clone(),
    };
    for dir in request.data_dirs {
        for (name, loaded) in data::load_dir(dir, &options)? {
            let source = dir.join(&name).display().to_string();
            add(session, &name, loaded, &source);
        }
    }
    for argument in request.tables {
        let (name, path) = parse_table_argument(argument)?;
        let loaded = if path == "-" {
            data::load_reader(
                name,
                "<stdin>",
                DataFormat::JsonLines,
                io::stdin().lock(),
                &options,
            )?
        } else {
            data::load_file(name, Path::new(path), &options)?
        };
        add(session, name, loaded, path);
    }
    Ok(())
}

fn add(session: &mut Session, name: &str, loaded: Loaded, source: &str) {
    for warning in &loaded.warnings {
        eprintln!("kql: warning: {warning}");
    }
    session.add_table(name, loaded.table, source);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_argument_splits_at_first_equals() {
        assert_eq!(
            parse_table_argument("T=a=b.csv").ok(),
            Some(("T", "a=b.csv"))
        );
        assert!(parse_table_argument("T=").is_err());
        assert!(parse_table_argument("=x.csv").is_err());
        assert!(parse_table_argument("x.csv").is_err());
    }
}
