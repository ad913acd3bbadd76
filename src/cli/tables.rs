//! Loading the tables named on the command line (`--data DIR`, `--table NAME=PATH`) into a
//! session, and printing the load warnings.

use std::io;
use std::path::PathBuf;

use kql::binder::columns::UsedColumns;
use kql::data::{self, Format as DataFormat, LoadOptions, Loaded};
use kql::engine::Session;
use kql::error::Error;

use kql::schema::TableSchema;

/// What the command line asked to load.
pub struct LoadRequest<'a> {
    pub data_dirs: &'a [PathBuf],
    pub tables: &'a [String],
    pub strict: bool,
    /// True when the query itself is read from standard input, which then cannot also
    /// supply a table.
    pub query_from_stdin: bool,
    /// The columns to load per table; a table not in the map loads every column.
    pub columns: UsedColumns,
    /// Tables from `--schema` files.
    pub schemas: Vec<TableSchema>,
    /// `--product`: whose types catalog columns get.
    pub product: Option<kql::schema::Product>,
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
pub fn parse_table_argument(argument: &str) -> Result<(&str, &str), Error> {
    match argument.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.is_empty() => Ok((name.trim(), path)),
        _ => Err(Error::usage(format!(
            "invalid --table value `{argument}`; expected NAME=PATH, such as DeviceNetworkEvents=export.csv"
        ))),
    }
}

/// Loads every requested table into `session`; warnings go to standard error.
///
/// Files that name the same table, through `--data` folders or `--table` arguments, are
/// loaded together as one table, their rows in argument order, so that no file silently
/// replaces another.
pub fn load_into(session: &mut Session, request: &LoadRequest<'_>) -> Result<(), Error> {
    let options = LoadOptions {
        strict: request.strict,
        columns: request.columns.clone(),
        schemas: request.schemas.clone(),
        product: request.product,
    };
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let mut add_path =
        |name: &str, path: PathBuf| match groups.iter_mut().find(|(known, _)| known == name) {
            Some((_, paths)) => paths.push(path),
            None => groups.push((name.to_string(), vec![path])),
        };
    for dir in request.data_dirs {
        for (name, path) in data::list_dir(dir)? {
            add_path(&name, path);
        }
    }
    let mut stdin_table = None;
    for argument in request.tables {
        let (name, path) = parse_table_argument(argument)?;
        if path != "-" {
            add_path(name, PathBuf::from(path));
            continue;
        }
        if request.query_from_stdin {
            return Err(Error::usage(
                "the query and a table cannot both come from standard input; pass the query as a file or with -q",
            ));
        }
        if stdin_table.replace(name.to_string()).is_some() {
            return Err(Error::usage("only one table can come from standard input"));
        }
    }

    if let Some(name) = &stdin_table {
        if groups.iter().any(|(known, _)| known == name) {
            return Err(Error::usage(format!(
                "table `{name}` is given both on standard input and as files; load it from one source"
            )));
        }
        let loaded = data::load_reader(
            name,
            "<stdin>",
            DataFormat::JsonLines,
            io::stdin().lock(),
            &options,
        )?;
        add(session, name, loaded, "<stdin>");
    }
    for (name, paths) in groups {
        let loaded = data::load_files(&name, &paths, &options)?;
        let sources: Vec<String> = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        add(session, &name, loaded, &sources.join(", "));
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
