//! Command-line interface: argument parsing and the `run`, `check` and `repl` commands.
//!
//! Exit status: 0 on success, 1 when a query has an error, 2 for usage and input
//! errors (a missing file, a malformed export). Errors go to standard error with the
//! `kql:` prefix; a closed output pipe (`kql run … | head`) is not an error.

mod args;
mod repl;
mod tables;
mod test;

use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{CheckArgs, Cli, Command, DefinitionArgs, RunArgs};
use kql::engine::{self, GeoSource, Prelude, Session};
use kql::error::{Error, ErrorKind};
use kql::output::{self, Format, TableOptions};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.verbose { "debug" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(verbosity))
        .format_target(false)
        .format_timestamp(None)
        .init();

    let code = match cli.command {
        Some(Command::Run(args)) => run(args),
        Some(Command::Test(args)) => test::run(args),
        Some(Command::Check(args)) => check(args),
        Some(Command::Repl(args)) => repl::run(args),
        None if io::stdin().is_terminal() && io::stdout().is_terminal() => repl::run_default(),
        None => {
            let help = <Cli as clap::CommandFactory>::command().render_help();
            let _ = write!(io::stderr(), "{help}");
            2
        }
    };
    ExitCode::from(code)
}

/// Prints an error to standard error and returns its exit status.
fn report(error: &Error, source: &str, origin: &str) -> u8 {
    let rendered = error.render(source, origin);
    let _ = write!(io::stderr(), "kql: {rendered}");
    error.kind.exit_code() as u8
}

/// Reads the query text and says where it came from, for error messages.
fn read_query(args: &RunArgs) -> Result<(String, String), Error> {
    match (&args.query, &args.file) {
        (Some(text), None) => Ok((text.clone(), "<query>".to_string())),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map_err(|error| {
                Error::usage(format!(
                    "cannot read the query from standard input: {error}"
                ))
            })?;
            Ok((text, "<stdin>".to_string()))
        }
        (None, Some(path)) => read_query_file(path).map(|text| (text, path.display().to_string())),
        (Some(_), Some(_)) => Err(Error::usage(
            "give either a query file or -q QUERY, not both",
        )),
        (None, None) => Err(Error::usage(
            "no query given; pass a .kql file, `-` for standard input, or -q 'QUERY'",
        )),
    }
}

fn read_query_file(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|error| {
        Error::usage(format!(
            "cannot read query file {}: {error}",
            path.display()
        ))
    })?;
    String::from_utf8(bytes)
        .map_err(|_| Error::usage(format!("query file {} is not valid UTF-8", path.display())))
}

/// Reads `--prelude` and splits the `--externaldata URL=PATH` mappings.
fn read_definitions(
    args: &DefinitionArgs,
) -> Result<(Option<Prelude>, HashMap<String, PathBuf>), Error> {
    let prelude = match &args.prelude {
        Some(path) => Some(Prelude {
            text: read_query_file(path)?,
            origin: path.display().to_string(),
        }),
        None => None,
    };
    let mut externaldata = HashMap::new();
    for argument in &args.externaldata {
        // Split at the last `=`: a URL's query string often contains `=`, a path rarely.
        match argument.rsplit_once('=') {
            Some((url, path)) if !url.is_empty() && !path.is_empty() => {
                externaldata.insert(url.to_string(), PathBuf::from(path));
            }
            _ => {
                return Err(Error::usage(format!(
                    "invalid --externaldata value `{argument}`; expected URL=PATH, such as https://example.com/list.csv=list.csv"
                )))
            }
        }
    }
    Ok((prelude, externaldata))
}

/// Parses the `--now` option: ISO 8601 text pins the clock; no option leaves it free.
fn parse_now_option(text: Option<&str>) -> Result<Option<i64>, Error> {
    let Some(text) = text else {
        return Ok(None);
    };
    match kql::value::parse_datetime(text) {
        Some(ticks) => Ok(Some(ticks)),
        None => Err(Error::usage(format!(
            "invalid --now value `{text}`; use ISO 8601 such as 2025-08-30T00:00:00Z"
        ))),
    }
}

fn geo_source(path: Option<&Path>) -> GeoSource {
    match path {
        Some(path) => GeoSource::File(path.to_path_buf()),
        None => GeoSource::Embedded,
    }
}

fn run(args: RunArgs) -> u8 {
    let (query, origin) = match read_query(&args) {
        Ok(found) => found,
        Err(error) => return report(&error, "", ""),
    };
    let mut session = Session::new();
    session.geo = geo_source(args.geoip_db.as_deref());
    match read_definitions(&args.definitions) {
        Ok((prelude, externaldata)) => {
            session.prelude = prelude;
            session.externaldata = externaldata;
        }
        Err(error) => return report(&error, "", ""),
    }
    match parse_now_option(args.now.as_deref()) {
        Ok(now) => session.now = now,
        Err(error) => return report(&error, "", ""),
    }
    let options = tables::LoadRequest {
        data_dirs: &args.data,
        tables: &args.table,
        strict: args.strict,
        query_from_stdin: origin == "<stdin>",
    };
    if let Err(error) = tables::load_into(&mut session, &options) {
        return report(&error, "", "");
    }

    let result = match session.run(&query) {
        Ok(table) => table,
        Err(error) => {
            let (error, source, origin) = session.locate(error, &query, &origin);
            return report(&error, source, origin);
        }
    };

    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let format = args.format.unwrap_or(if is_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let table_options = TableOptions {
        width: if is_terminal { terminal_width() } else { None },
        max_cell_chars: None,
        max_rows: None,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let written =
        output::write(&result, format, &table_options, &mut out).and_then(|_| out.flush());
    match written {
        Ok(()) => 0,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            let error = Error::new(
                ErrorKind::Usage,
                format!("cannot write the result: {error}"),
            );
            report(&error, "", "")
        }
    }
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .or(Some(160))
}

fn check(args: CheckArgs) -> u8 {
    let schemas = tables::BuiltinSchemas::new();
    // Only the prelude matters here: without data, externaldata binds from its declared
    // schema, so the mappings are checked for form but not read.
    let prelude = match read_definitions(&args.definitions) {
        Ok((prelude, _)) => prelude,
        Err(error) => return report(&error, "", ""),
    };
    let mut worst = 0;
    for path in &args.files {
        let origin = path.display().to_string();
        let query = match read_query_file(path) {
            Ok(text) => text,
            Err(error) => {
                worst = worst.max(report(&error, "", ""));
                continue;
            }
        };
        match engine::check_with_prelude(prelude.as_ref(), &query, &schemas) {
            Ok(_) => {
                if !args.quiet {
                    println!("{origin}: ok");
                }
            }
            Err(error) => {
                let (error, source, origin) =
                    engine::locate(prelude.as_ref(), error, &query, &origin);
                worst = worst.max(report(&error, source, origin));
            }
        }
    }
    worst
}
