//! Command-line interface: argument parsing and the `run`, `check`, `schema`, `repl` and
//! `test` commands.
//!
//! Exit status: 0 on success, 1 when a query has an error, 2 for usage and input
//! errors (a missing file, a malformed export). Errors go to standard error with the
//! `kql:` prefix; a closed output pipe (`kql run … | head`) is not an error.

mod args;
mod repl;
mod tables;
mod test;
mod watchlists;

use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{CheckArgs, Cli, Command, DefinitionArgs, RunArgs, SchemaArgs};
use kql::engine::{self, GeoSource, Prelude, Session};
use kql::error::{Error, ErrorKind};
use kql::output::{self, Format, TableOptions};
use kql::parser::blocks;
use kql::schema::SchemaCatalog;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.verbose { "debug" } else { "warn" };
    // Log lines read like the other diagnostics: `kql: warning: …`.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(verbosity))
        .format(|out, record| {
            let level = match record.level() {
                log::Level::Error => "error",
                log::Level::Warn => "warning",
                log::Level::Info => "info",
                log::Level::Debug => "debug",
                log::Level::Trace => "trace",
            };
            writeln!(out, "kql: {level}: {}", record.args())
        })
        .init();

    let code = match cli.command {
        Some(Command::Run(args)) => run(args),
        Some(Command::Test(args)) => test::run(args),
        Some(Command::Check(args)) => check(args),
        Some(Command::Repl(args)) => repl::run(args),
        Some(Command::Schema(args)) => schema(args),
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

/// Reads the query text and returns where it came from, for error messages.
fn read_query(args: &RunArgs) -> Result<(String, String), Error> {
    match (&args.query, &args.file) {
        (Some(text), None) => Ok((text.clone(), "<query>".to_string())),
        (None, Some(path)) => read_query_source(path),
        (Some(_), Some(_)) => Err(Error::usage(
            "give either a query file or -q QUERY, not both",
        )),
        (None, None) => Err(Error::usage(
            "no query given; pass a .kql file, `-` for standard input, or -q 'QUERY'",
        )),
    }
}

/// Reads the query of a query file and returns it with its origin for error messages. A
/// `.yaml` or `.yml` file is a Sentinel analytic rule, read as `kql test` reads it: its
/// `query` runs, and other keys such as `queryPeriod` are ignored.
/// The path `-` reads the query from standard input, with the origin `<stdin>`.
fn read_query_source(path: &Path) -> Result<(String, String), Error> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|error| {
            Error::usage(format!(
                "cannot read the query from standard input: {error}"
            ))
        })?;
        return Ok((text, "<stdin>".to_string()));
    }
    let text = read_query_file(path)?;
    let shown_path = path.display().to_string();
    if !kql::ruletest::is_analytic_rule(path) {
        return Ok((text, shown_path));
    }
    let rule = kql::ruletest::parse_analytic_rule(&text, path)?;
    Ok((rule.query, kql::ruletest::query_origin(path, &shown_path)))
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
    match watchlists::load(&args.definitions.watchlists, &args.data) {
        Ok(loaded) => session.watchlists = loaded,
        Err(error) => return report(&error, "", ""),
    }
    match parse_now_option(args.now.as_deref()) {
        Ok(now) => session.now = now,
        Err(error) => return report(&error, "", ""),
    }
    session.max_rows = args.max_rows;
    let schemas = match tables::load_schemas(&args.schema) {
        Ok(schemas) => schemas,
        Err(error) => return report(&error, "", ""),
    };
    if let Err(error) = check_literal_lengths(&query, &origin) {
        return report(&error, "", "");
    }
    let query_from_stdin = origin == "<stdin>";
    let blocks = query_blocks(args.file.as_deref(), &query);
    let selected = match select_blocks(&blocks.queries, args.block, &query, &origin) {
        Ok(selected) => selected,
        Err(error) => return report(&error, "", ""),
    };

    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let format = args.format.unwrap_or(if is_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let reads_stdin = args.table.iter().any(|argument| {
        argument
            .split_once('=')
            .is_some_and(|(_, path)| path == "-")
    });
    if selected.len() > 1 && reads_stdin {
        let error = Error::usage(format!(
            "{origin} contains {} queries, and a table read from \
             standard input (--table NAME=-) can be read for one of them only; choose a \
             query with --block N, or load the table from a file",
            selected.len()
        ));
        return report(&error, "", "");
    }
    if selected.len() > 1 && format != Format::Table {
        let error = Error::usage(format!(
            "{origin} contains {} queries, and the {} format writes one \
             result; choose a query with --block N (1 to {}) or use --format table to see \
             every result",
            selected.len(),
            format.name(),
            selected.len()
        ));
        return report(&error, "", "");
    }
    let table_options = TableOptions {
        width: if is_terminal { terminal_width() } else { None },
        max_cell_chars: None,
        max_rows: None,
    };
    warn_joined_blocks(&query, &origin, &blocks.joined);
    // Queries of a batch that share random rows are right only one at a time.
    if selected.len() > 1 {
        let shared = selected.iter().find_map(|part| part.shared_random.clone());
        let error =
            shared.or_else(|| batch_prelude_error(&blocks, &query, session.prelude.as_ref()));
        if let Some(error) = error {
            let error = error.with_hint("run one query of the batch with --block N");
            return report(&error, &query, &origin);
        }
    }
    // The queries of a batch share one clock in Kusto, and the queries of a file may as
    // well.
    if selected.len() > 1 && session.now.is_none() {
        session.now = Some(engine::system_now());
    }
    let mut worst = 0;
    for (index, selected_query) in selected.iter().enumerate() {
        let text = if blocks.queries.len() == 1 {
            query.clone()
        } else {
            selected_query.text(&query)
        };
        if selected.len() > 1 {
            let line = selected_query.first_line(&query);
            let separator = if index == 0 { "" } else { "\n" };
            let heading = format!(
                "{separator}query {} of {} ({origin}:{line}):",
                index + 1,
                selected.len()
            );
            // A closed pipe (`kql run … | head`) ends the output quietly.
            if write_line(&heading).is_err() {
                return worst;
            }
        }
        let outcome = match load_and_run(&mut session, &args, &text, query_from_stdin, &schemas) {
            Ok(Ok((table, warnings))) => {
                for warning in warnings {
                    eprintln!(
                        "kql: warning: {}",
                        session.render_warning(&warning, &query, &origin)
                    );
                }
                write_result(&table, format, &table_options)
            }
            Ok(Err(error)) => {
                let (error, source, located) = session.locate(error, &query, &origin);
                let error = kql::schema::with_product_hint(error, source, args.product);
                let code = report(&error, source, located);
                // An error in the prelude would repeat for every query.
                if located != origin {
                    return code;
                }
                code
            }
            Err(error) => report(&error, "", ""),
        };
        worst = worst.max(outcome);
    }
    worst
}

/// Returns the error for a batch whose `materialize()` and random call are split between
/// the query file and the prelude. `split_queries` reads only the query file, and each
/// query of the batch would compute its own random rows, while Kusto computes them once.
fn batch_prelude_error(
    blocks: &blocks::Blocks,
    query: &str,
    prelude: Option<&Prelude>,
) -> Option<Error> {
    let prelude = prelude?;
    let is_batch = blocks.queries.iter().any(|block| !block.holes.is_empty());
    // The prelude matters only through the names of it that the batch uses.
    let uses_prelude = blocks::uses_any(query, &blocks::let_names(&prelude.text));
    let materialize = blocks::uses_materialize(query)
        || (uses_prelude && blocks::uses_materialize(&prelude.text));
    let random = blocks::random_use(query).or_else(|| {
        uses_prelude
            .then(|| blocks::random_use(&prelude.text))
            .flatten()
    })?;
    (is_batch && materialize).then(|| blocks::shared_random_error(random))
}

/// Warns about each block start that a query continues although the text on each side
/// of the blank line before it is a query, because Kusto's editors run such a file as
/// two queries.
fn warn_joined_blocks(query: &str, origin: &str, joined: &[usize]) {
    for &start in joined {
        let line = blocks::line_of(query, start);
        eprintln!(
            "kql: warning: {origin}:{line}:1: this line follows a blank line and could be a \
             query of its own, as Kusto's editors would run it, but kql reads it as part of \
             the query above because it continues that query; remove the blank line to \
             keep one query, or end the query above with `;` to run two"
        );
    }
}

/// Returns the queries of the query text: several when a query file contains queries
/// separated by blank lines, as Kusto's editors read such files, or a batch (`T1; T2`).
/// Text given with -q is split only into the queries of its batch, and the query of an
/// analytic rule not at all.
fn query_blocks(file: Option<&Path>, query: &str) -> blocks::Blocks {
    match file {
        Some(path) if kql::ruletest::is_analytic_rule(path) => blocks::Blocks {
            queries: vec![blocks::Query::whole(0..query.len())],
            joined: Vec::new(),
        },
        Some(_) => blocks::split_queries(query),
        None => blocks::split_batch(query),
    }
}

/// Returns the query that `--block N` selects, or all of them.
fn select_blocks(
    blocks: &[blocks::Query],
    block: Option<usize>,
    query: &str,
    origin: &str,
) -> Result<Vec<blocks::Query>, Error> {
    let Some(number) = block else {
        return Ok(blocks.to_vec());
    };
    match number.checked_sub(1).and_then(|index| blocks.get(index)) {
        Some(range) => Ok(vec![range.clone()]),
        None => {
            let count = blocks.len();
            let (plural, lines) = if count == 1 {
                ("query", "line")
            } else {
                ("queries", "lines")
            };
            Err(Error::usage(format!(
                "--block {number} is out of range: {origin} contains {count} {plural} \
                 (starting on {lines} {}); give a number from 1 to {count}",
                blocks::first_lines(query, blocks)
            )))
        }
    }
}

/// Writes one line to standard output.
fn write_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush())
}

/// Writes one result to standard output; returns the exit status.
fn write_result(table: &kql::table::Table, format: Format, options: &TableOptions) -> u8 {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = output::write(table, format, options, &mut out).and_then(|_| out.flush());
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

/// Loads the tables and runs the query; the outer error is a load error, the inner one a
/// query error.
///
/// When the query binds against the built-in catalog, only the columns it reads are
/// loaded. If the query then fails or its result columns differ from the catalog binding,
/// it runs again on tables with every column, so that pruning never changes a result or
/// an error. Returns the result table with the query's warnings.
fn load_and_run(
    session: &mut Session,
    args: &RunArgs,
    query: &str,
    query_from_stdin: bool,
    schemas: &[kql::schema::TableSchema],
) -> Result<Result<(kql::table::Table, Vec<kql::error::Warning>), Error>, Error> {
    // Standard input cannot be read a second time, so a table from it loads in full, and
    // --strict checks every value of the input, so it loads every column too.
    let reads_stdin = args.table.iter().any(|argument| {
        argument
            .split_once('=')
            .is_some_and(|(_, path)| path == "-")
    });
    let full_text = engine::joined_text(session.prelude.as_ref(), query);
    let catalog_plan = if reads_stdin || args.strict || depends_on_every_column(&full_text) {
        None
    } else {
        // The binding's types must be those loading gives, or the streamed plan would
        // read columns of other types.
        let view = match args.product {
            Some(kql::schema::Product::Sentinel) => kql::schema::SchemaView::UnionSentinelTypes,
            Some(kql::schema::Product::Xdr) | None => kql::schema::SchemaView::Union,
        };
        let catalog = SchemaCatalog::new(schemas.to_vec()).with_view(view);
        let catalog = engine::WithWatchlists {
            schemas: &catalog,
            watchlists: &session.watchlists,
        };
        engine::check_with_prelude(session.prelude.as_ref(), query, &catalog).ok()
    };
    let columns = catalog_plan
        .as_ref()
        .map(|bound| kql::binder::columns::used_columns(&bound.plan))
        .unwrap_or_default();
    if let Some(bound) = &catalog_plan {
        if let Some(table) = run_streaming(session, args, query, bound, &columns)? {
            return Ok(Ok((table, bound.warnings.clone())));
        }
    }
    let mut request = tables::LoadRequest {
        data_dirs: &args.data,
        tables: &args.table,
        strict: args.strict,
        query_from_stdin,
        columns,
        schemas: schemas.to_vec(),
        product: args.product,
    };
    tables::load_into(session, &request)?;
    let result = session.run_with_warnings(query);
    if request.columns.is_empty() {
        return Ok(result);
    }

    let expected_names = catalog_plan
        .iter()
        .flat_map(|bound| bound.plan.schema.names());
    let same_columns = matches!(&result, Ok((table, _)) if table.schema.names().eq(expected_names));
    if same_columns {
        return Ok(result);
    }
    log::debug!("the query's result differs on the loaded columns; loading every column");
    request.columns.clear();
    tables::load_into(session, &request)?;
    Ok(session.run_with_warnings(query))
}

/// Constructs whose result depends on columns the query does not name, and that the
/// catalog binding cannot see: a file column missing from the built-in schema would be
/// pruned, and `column_ifexists` would then take its default or `project-away` would drop
/// it. The check is on text, so a mention in a comment only costs speed.
const NAME_DEPENDENT: [&str; 9] = [
    "column_ifexists",
    "columnifexists",
    "project-away",
    "project-keep",
    "project-reorder",
    "project-rename",
    "getschema",
    "pack_all",
    "bag_unpack",
];

/// True when the query may read columns that pruning cannot foresee; it then loads every
/// column.
fn depends_on_every_column(text: &str) -> bool {
    NAME_DEPENDENT.iter().any(|name| text.contains(name))
}

/// Runs the query over a JSON lines file chunk by chunk (see `kql::stream`), with the
/// other tables loaded whole. Returns `None` when the query or its input does not allow
/// it, or when streaming fails or gives other result columns than the catalog binding;
/// the caller then loads every table.
fn run_streaming(
    session: &mut Session,
    args: &RunArgs,
    query: &str,
    catalog_plan: &kql::binder::BoundQuery,
    columns: &kql::binder::columns::UsedColumns,
) -> Result<Option<kql::table::Table>, Error> {
    let Some(name) = kql::stream::streamed_table(&catalog_plan.plan) else {
        return Ok(None);
    };
    let files: Vec<&str> = args
        .table
        .iter()
        .filter_map(|argument| argument.split_once('='))
        .filter(|(table, _)| table.trim() == name)
        .map(|(_, path)| path)
        .collect();
    let [path] = files.as_slice() else {
        return Ok(None);
    };
    let path = Path::new(path);
    let is_json_lines = kql::data::Format::from_path(path) == Some(kql::data::Format::JsonLines);
    if !args.data.is_empty() || !is_json_lines {
        return Ok(None);
    }
    let options = kql::data::LoadOptions {
        columns: columns.clone(),
        product: args.product,
        ..kql::data::LoadOptions::default()
    };
    let Some(schema) = kql::data::expected_schema(name, &options) else {
        return Ok(None);
    };

    let others: Vec<String> = args
        .table
        .iter()
        .filter(|argument| {
            argument
                .split_once('=')
                .is_none_or(|(table, _)| table.trim() != name)
        })
        .cloned()
        .collect();
    let request = tables::LoadRequest {
        data_dirs: &[],
        tables: &others,
        strict: args.strict,
        query_from_stdin: false,
        columns: columns.clone(),
        schemas: Vec::new(),
        product: args.product,
    };
    tables::load_into(session, &request)?;
    let loaded = session
        .table_names()
        .into_iter()
        .filter_map(|table| Some((table.clone(), std::sync::Arc::clone(session.table(&table)?))))
        .collect();

    let context_for = |query_now| session.context(query_now);
    let streamed = kql::stream::run(query, name, path, &schema, &options, &loaded, &context_for);
    let expected_names = catalog_plan.plan.schema.names();
    match streamed {
        Ok(Some(table)) if table.schema.names().eq(expected_names) => Ok(Some(table)),
        Ok(_) => Ok(None),
        Err(error) => {
            log::debug!("streaming failed ({}); loading every table", error.message);
            Ok(None)
        }
    }
}

/// The maximum length of one string literal in a query, in bytes. Long indicator lists
/// are written as `dynamic([...])` of many short strings, so a longer single literal is
/// most likely a file pasted by mistake.
// NOTE: checked by `kql run` only, not by the lexer, so `kql check` and the library accept
// longer literals.
const MAX_LITERAL_BYTES: usize = 1024 * 1024;

/// Rejects a query with a string literal longer than [`MAX_LITERAL_BYTES`]. The error
/// gives the literal's line and column rather than a span, so that it does not print the
/// literal.
fn check_literal_lengths(query: &str, origin: &str) -> Result<(), Error> {
    if query.len() <= MAX_LITERAL_BYTES {
        return Ok(());
    }
    let Some(literal) = string_literal_spans(query)
        .into_iter()
        .find(|span| span.len() > MAX_LITERAL_BYTES)
    else {
        return Ok(());
    };
    let before = query.get(..literal.start).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    Err(Error::new(
        ErrorKind::Syntax,
        format!(
            "{origin}:{line}:{column}: string literal is {} bytes long, more than the limit of \
             {MAX_LITERAL_BYTES}; read large data from a file with --table instead",
            literal.len()
        ),
    ))
}

/// Returns the byte ranges of the string literals in a query, in one pass: `'…'` and
/// `"…"` with backslash escapes, verbatim `@'…'` with doubled quotes, and multi-line
/// ```` ```…``` ````. Comments are skipped. An unterminated literal runs to the end.
// NOTE: a simplified scan rather than `lexer::tokenize`, whose cost grows with the square
// of the query length. It only needs to find literals over the limit, not to parse them.
fn string_literal_spans(query: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = query.as_bytes();
    let byte_at = |index: usize| bytes.get(index).copied();
    let mut spans = Vec::new();
    let mut index = 0;
    while let Some(byte) = byte_at(index) {
        if query
            .get(index..)
            .is_some_and(|rest| rest.starts_with("//"))
        {
            index = query
                .get(index..)
                .and_then(|rest| rest.find('\n'))
                .map_or(bytes.len(), |offset| index + offset);
            continue;
        }
        if query
            .get(index..)
            .is_some_and(|rest| rest.starts_with("```"))
        {
            let end = query
                .get(index + 3..)
                .and_then(|rest| rest.find("```"))
                .map_or(bytes.len(), |offset| index + 3 + offset + 3);
            spans.push(index..end);
            index = end;
            continue;
        }
        if byte != b'\'' && byte != b'"' {
            index += 1;
            continue;
        }
        let verbatim = index > 0 && byte_at(index - 1) == Some(b'@');
        let start = if verbatim { index - 1 } else { index };
        let mut cursor = index + 1;
        while let Some(current) = byte_at(cursor) {
            if current == byte {
                if verbatim && byte_at(cursor + 1) == Some(byte) {
                    cursor += 2;
                    continue;
                }
                break;
            }
            cursor += if current == b'\\' && !verbatim { 2 } else { 1 };
        }
        let end = (cursor + 1).min(bytes.len());
        spans.push(start..end);
        index = end;
    }
    spans
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .or(Some(160))
}

fn check(args: CheckArgs) -> u8 {
    let schemas = match tables::load_schemas(&args.schema) {
        Ok(user) => SchemaCatalog::new(user),
        Err(error) => return report(&error, "", ""),
    };
    // Only the prelude matters here: without data, externaldata binds from its declared
    // schema, so the mappings are checked for form but not read.
    let prelude = match read_definitions(&args.definitions) {
        Ok((prelude, _)) => prelude,
        Err(error) => return report(&error, "", ""),
    };
    let watchlists = match watchlists::load(&args.definitions.watchlists, &[]) {
        Ok(loaded) => loaded,
        Err(error) => return report(&error, "", ""),
    };
    // Standard input can be read only once.
    if args
        .files
        .iter()
        .filter(|path| path.as_os_str() == "-")
        .count()
        > 1
    {
        let error = Error::usage("`-` (standard input) is given more than once; give it once");
        return report(&error, "", "");
    }
    let mut worst = 0;
    // `-q TEXT` comes first, as the None entry.
    let sources = args
        .query
        .iter()
        .map(|_| None)
        .chain(args.files.iter().map(Some));
    for path in sources {
        let read = match path {
            Some(path) => read_query_source(path),
            None => Ok((
                args.query.clone().unwrap_or_default(),
                "<query>".to_string(),
            )),
        };
        let (query, origin) = match read {
            Ok(found) => found,
            Err(error) => {
                worst = worst.max(report(&error, "", ""));
                continue;
            }
        };
        let shown_path = match path {
            Some(path) if path.as_os_str() != "-" => path.display().to_string(),
            Some(_) => "<stdin>".to_string(),
            None => "<query>".to_string(),
        };
        let blocks = query_blocks(path.map(PathBuf::as_path), &query);
        warn_joined_blocks(&query, &origin, &blocks.joined);
        // Each query of such a batch is valid; only running them together is refused.
        let shared = blocks
            .queries
            .iter()
            .find_map(|part| part.shared_random.clone());
        if let Some(error) =
            shared.or_else(|| batch_prelude_error(&blocks, &query, prelude.as_ref()))
        {
            eprintln!(
                "kql: warning: {origin}: {}; `kql run` runs its queries only one at a time, \
                 with --block N",
                error.message
            );
        }
        let mut passed = true;
        for part in &blocks.queries {
            let text = if blocks.queries.len() == 1 {
                query.clone()
            } else {
                part.text(&query)
            };
            match engine::check_catalog(
                prelude.as_ref(),
                &text,
                &schemas,
                args.product,
                &watchlists,
            ) {
                Ok(bound) => {
                    for warning in &bound.warnings {
                        let rendered =
                            engine::render_warning(prelude.as_ref(), warning, &query, &origin);
                        eprintln!("kql: warning: {rendered}");
                    }
                }
                Err(error) => {
                    let (error, source, located) =
                        engine::locate(prelude.as_ref(), error, &query, &origin);
                    worst = worst.max(report(&error, source, located));
                    passed = false;
                    // An error in the prelude would repeat for every query.
                    if located != origin {
                        break;
                    }
                }
            }
        }
        if passed && !args.quiet {
            let line = match blocks.queries.len() {
                1 => format!("{shown_path}: ok"),
                count => format!("{shown_path}: ok ({count} queries)"),
            };
            // A closed pipe (`kql check … | head`) ends the output quietly.
            if write_line(&line).is_err() {
                return worst;
            }
        }
    }
    worst
}

/// Prints one table's schema, or every table's, in the `--schema` file format.
fn schema(args: SchemaArgs) -> u8 {
    let catalog = match tables::load_schemas(&args.schema) {
        Ok(user) => SchemaCatalog::new(user),
        Err(error) => return report(&error, "", ""),
    };
    let text = match &args.table {
        Some(name) => match catalog.table(name) {
            Some(table) => table.to_string(),
            None => {
                let error = unknown_table_error(name, &catalog);
                return report(&error, "", "");
            }
        },
        None => {
            let printed: Vec<String> = catalog.tables().iter().map(ToString::to_string).collect();
            printed.join("\n")
        }
    };
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(error) => report(
            &Error::output(format!("failed to write the schema: {error}")),
            "",
            "",
        ),
    }
}

fn unknown_table_error(name: &str, catalog: &SchemaCatalog) -> Error {
    let tables = catalog.tables();
    let similar = tables
        .iter()
        .map(|table| table.name.as_str())
        .find(|candidate| candidate.eq_ignore_ascii_case(name));
    let hint = match similar {
        Some(candidate) => format!("; did you mean `{candidate}`? Table names are case-sensitive"),
        None => {
            "; run `kql schema` to list every table, or describe it with --schema FILE".to_string()
        }
    };
    Error::usage(format!("unknown table `{name}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(query: &str) -> Vec<&str> {
        string_literal_spans(query)
            .into_iter()
            .filter_map(|span| query.get(span))
            .collect()
    }

    #[test]
    fn literal_spans_cover_kql_string_forms() {
        assert_eq!(literals(r#"print 'a', "b\"c", 1"#), ["'a'", r#""b\"c""#]);
        assert_eq!(literals(r"print @'c:\x''y', 2"), [r"@'c:\x''y'"]);
        assert_eq!(literals("print ```multi\n'line```"), ["```multi\n'line```"]);
        assert_eq!(
            literals("print 1 // it's a comment\n| extend s = 'x'"),
            ["'x'"]
        );
        assert_eq!(literals("print 'open"), ["'open"]);
    }

    #[test]
    fn literal_length_limit_names_position() {
        let query = format!(
            "print a = 1\n| extend s = '{}'",
            "x".repeat(MAX_LITERAL_BYTES)
        );
        let message = match check_literal_lengths(&query, "q.kql") {
            Ok(()) => panic!("expected an error"),
            Err(error) => error.message,
        };
        assert!(
            message.starts_with("q.kql:2:14: string literal is 1048578 bytes long"),
            "{message}"
        );

        let at_limit = format!("print s = '{}'", "x".repeat(MAX_LITERAL_BYTES - 2));
        assert!(check_literal_lengths(&at_limit, "q.kql").is_ok());
    }
}
