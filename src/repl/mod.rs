//! The interactive shell's logic, apart from the terminal: it takes one submitted input
//! at a time, updates its state (loaded tables, `let` definitions, output settings) and
//! writes what the user sees to any [`Write`].
//!
//! `let` statements persist: the text of every `let` that bound or ran without error is
//! kept and put before each later input, so `let t = …;` followed by `t | count` works.
//! Error spans are moved back into the text the user typed, or into the earlier `let`
//! they point at.
//!
//! A query runs as a [`QueryJob`] that owns a copy of the session (tables are shared,
//! not copied), so the terminal layer can run it on a worker thread and abandon it when
//! the user presses Ctrl-C.

pub mod command;
pub mod complete;
mod display;
pub mod highlight;
pub mod input;
mod load;

use std::io::{self, Write};
use std::ops::Range;
use std::time::{Duration, Instant};

use crate::data::LoadOptions;
use crate::engine::Session;
use crate::error::{Error, Result, Warning};
use crate::output::Format;
use crate::table::{Field, Table};

use command::{DotCommand, COMMANDS};
use complete::CompletionSource;
use display::View;
use highlight::KnownNames;
use input::StatementKind;

/// The caller's next action after an input: keep reading or quit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Quit,
}

/// The result of submitting an input: either finished, or a query for the caller to run.
pub enum Step {
    Done(Outcome),
    Query(Box<QueryJob>),
}

/// A `let` statement kept for later inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Definition {
    name: String,
    /// The statement's text, without the closing `;`.
    text: String,
}

/// A query ready to run away from the shell: a copy of the session and the full text.
pub struct QueryJob {
    session: Session,
    run: PreparedText,
}

/// The text that runs: earlier `let` statements, then the user's input.
#[derive(Debug, Clone)]
struct PreparedText {
    text: String,
    /// The byte offset in `text` where the user's input starts.
    input_start: usize,
    /// The earlier definitions, in the order they appear in `text`.
    definitions: Vec<Definition>,
    /// The `let` statements of the input, kept if it runs without error.
    new_definitions: Vec<Definition>,
}

/// A finished query, to hand back to [`Repl::finish`].
pub struct QueryDone {
    run: PreparedText,
    /// The result table and the query's warnings, one for each query of a batch
    /// (`T1; T2`), in order, up to the first that fails.
    results: Vec<Result<(Table, Vec<crate::error::Warning>)>>,
    elapsed: Duration,
}

impl QueryJob {
    /// Makes the query stop with an error soon after `flag` becomes true, so that a
    /// caller can cancel it from another thread.
    pub fn cancel_with(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.session.cancel = Some(flag);
    }

    /// Runs the query. This can take long on big tables, so a caller that wants Ctrl-C
    /// runs it on another thread after [`QueryJob::cancel_with`].
    pub fn run(mut self) -> QueryDone {
        let started = Instant::now();
        // Each query of a batch runs with the `let` statements before it, and keeps the
        // offsets of the text, so errors point into the input. The queries of a batch
        // share one clock, as in Kusto.
        let queries = crate::parser::blocks::split_batch(&self.run.text).queries;
        if queries.len() > 1 && self.session.now.is_none() {
            self.session.now = Some(crate::engine::system_now());
        }
        let mut results = Vec::with_capacity(queries.len());
        for query in &queries {
            let text = match queries.len() {
                1 => self.run.text.clone(),
                _ => query.text(&self.run.text),
            };
            let result = match &query.shared_random {
                Some(error) => Err(error
                    .clone()
                    .with_hint("enter the queries of the batch one at a time")),
                None => self.session.run_with_warnings(&text),
            };
            let failed = result.is_err();
            results.push(result);
            if failed {
                break;
            }
        }
        QueryDone {
            run: self.run,
            results,
            elapsed: started.elapsed(),
        }
    }
}

/// The shell's state between inputs.
pub struct Repl {
    session: Session,
    definitions: Vec<Definition>,
    view: View,
    timer: bool,
    last_result: Option<Table>,
    load_options: LoadOptions,
    /// The SearchKey columns by watchlist alias, for watchlists that `.load` reads from a
    /// folder's `watchlists/`.
    watchlist_keys: std::collections::HashMap<String, String>,
    names: KnownNames,
    /// How many errors the shell has shown, so that piped input can end with a failure
    /// status.
    errors: std::cell::Cell<usize>,
}

/// Rows shown per result until `.limit` changes it.
pub const DEFAULT_MAX_ROWS: usize = 100;

impl Repl {
    /// Starts a shell over the tables already loaded in `session`.
    pub fn new(session: Session, load_options: LoadOptions) -> Repl {
        let mut repl = Repl {
            session,
            definitions: Vec::new(),
            view: View {
                format: Format::Table,
                max_rows: Some(DEFAULT_MAX_ROWS),
                width: None,
            },
            timer: false,
            last_result: None,
            load_options,
            watchlist_keys: std::collections::HashMap::new(),
            names: KnownNames::default(),
            errors: std::cell::Cell::new(0),
        };
        repl.refresh_names();
        repl
    }

    /// Returns how many errors the shell has shown so far.
    pub fn error_count(&self) -> usize {
        self.errors.get()
    }

    /// Writes a rendered error and counts it.
    fn write_error(&self, out: &mut dyn Write, rendered: &str) -> io::Result<()> {
        self.errors.set(self.errors.get() + 1);
        write!(out, "{rendered}")
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Sets the SearchKey columns, by alias, of the watchlists that `.load` reads.
    pub fn set_watchlist_keys(&mut self, keys: std::collections::HashMap<String, String>) {
        self.watchlist_keys = keys;
    }

    /// Sets the terminal width that result tables are fitted to.
    pub fn set_width(&mut self, width: Option<u16>) {
        self.view.width = width;
    }

    /// Returns the table and column names the highlighter recognises.
    pub fn known_names(&self) -> &KnownNames {
        &self.names
    }

    /// Writes the greeting: loaded tables with row counts, and where to get help.
    pub fn write_banner(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "kql {} interactive shell", env!("CARGO_PKG_VERSION"))?;
        let names = self.session.table_names();
        if names.is_empty() && self.session.watchlists.is_empty() {
            writeln!(out, "No tables loaded; load one with .load PATH [as Name].")?;
        }
        for name in &names {
            let rows = self.session.table(name).map_or(0, |table| table.row_count);
            writeln!(out, "  {name}: {rows} {}", plural(rows, "row", "rows"))?;
        }
        for (alias, watchlist) in self.sorted_watchlists() {
            match &watchlist.table {
                Ok(table) => {
                    let rows = table.row_count;
                    let plural = plural(rows, "row", "rows");
                    writeln!(out, "  _GetWatchlist('{alias}'): {rows} {plural}")?
                }
                Err(_) => writeln!(out, "  _GetWatchlist('{alias}'): SearchKey not named")?,
            }
        }
        writeln!(
            out,
            "Type .help for commands. Tab completes, Enter on an empty line runs an unfinished query, Ctrl-D quits."
        )
    }

    /// Handles one input and runs any query in it before returning.
    pub fn submit(&mut self, input: &str, out: &mut dyn Write) -> io::Result<Outcome> {
        match self.begin(input, out)? {
            Step::Done(outcome) => Ok(outcome),
            Step::Query(job) => {
                self.finish(job.run(), out)?;
                Ok(Outcome::Continue)
            }
        }
    }

    /// Handles one input up to running a query: dot-commands and `let`-only inputs finish
    /// here, a query comes back as a [`QueryJob`].
    pub fn begin(&mut self, input: &str, out: &mut dyn Write) -> io::Result<Step> {
        if input.trim().is_empty() {
            return Ok(Step::Done(Outcome::Continue));
        }
        if input.trim_start().starts_with('.') {
            return match command::parse(input) {
                Ok(command) => self.execute(command, out).map(Step::Done),
                Err(error) => {
                    self.write_error(out, &error.render("", ""))?;
                    Ok(Step::Done(Outcome::Continue))
                }
            };
        }

        let statements = input::statements(input);
        let new_definitions: Vec<Definition> = statements
            .iter()
            .filter_map(|statement| match &statement.kind {
                StatementKind::Let { name } => Some(Definition {
                    name: name.clone(),
                    text: input
                        .get(statement.span.clone())
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                }),
                _ => None,
            })
            .collect();
        let has_query = statements
            .iter()
            .any(|statement| statement.kind == StatementKind::Query);
        let run = self.prepare_text(input, new_definitions);

        if has_query {
            return Ok(Step::Query(Box::new(QueryJob {
                session: self.session.clone(),
                run,
            })));
        }
        self.define(run, statements.len(), out)?;
        Ok(Step::Done(Outcome::Continue))
    }

    /// Shows a finished query's result or error and keeps its `let` statements.
    pub fn finish(&mut self, done: QueryDone, out: &mut dyn Write) -> io::Result<()> {
        let count = done.results.len();
        let mut failed = false;
        for (index, result) in done.results.into_iter().enumerate() {
            if count > 1 {
                let separator = if index == 0 { "" } else { "\n" };
                writeln!(out, "{separator}result {}:", index + 1)?;
            }
            match result {
                Ok((table, warnings)) => {
                    for warning in warnings {
                        writeln!(out, "warning: {}", render_warning(&warning, &done.run))?;
                    }
                    display::write_result(&table, &self.view, out)?;
                    self.last_result = Some(table);
                }
                Err(error) => {
                    let product = self.load_options.product;
                    let error = crate::schema::with_product_hint(error, &done.run.text, product);
                    self.write_error(out, &render_error(&error, &done.run))?;
                    failed = true;
                }
            }
        }
        if failed {
            return Ok(());
        }
        if self.timer {
            writeln!(out, "time: {}", display::format_elapsed(done.elapsed))?;
        }
        self.definitions.extend(done.run.new_definitions);
        Ok(())
    }

    fn prepare_text(&self, input: &str, new_definitions: Vec<Definition>) -> PreparedText {
        let mut text = String::new();
        for definition in &self.definitions {
            text.push_str(&definition.text);
            text.push_str(";\n");
        }
        let input_start = text.len();
        text.push_str(input);
        PreparedText {
            text,
            input_start,
            definitions: self.definitions.clone(),
            new_definitions,
        }
    }

    /// Binds an input of `let` and `set` statements without a query, and keeps its lets.
    fn define(
        &mut self,
        mut run: PreparedText,
        statement_count: usize,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        // The binder requires a query after the last `let`; a constant one checks the
        // definitions without touching any table.
        // A syntax error is found on the text as typed, so that an unfinished `let … {`
        // is not reported inside the query added below, which the user never saw.
        if let Err(error) = crate::parser::parse(&run.text) {
            return self.write_error(out, &render_error(&error, &run));
        }
        run.text.push_str("\n;\nprint defined = true");
        if let Err(error) = self.session.prepare(&run.text) {
            return self.write_error(out, &render_error(&error, &run));
        }
        for definition in &run.new_definitions {
            writeln!(out, "defined {}", definition.name)?;
        }
        if run.new_definitions.len() < statement_count {
            writeln!(
                out,
                "note: `set` statements apply only to a query in the same input; use .now to pin the clock"
            )?;
        }
        self.definitions.extend(run.new_definitions);
        Ok(())
    }

    fn execute(&mut self, command: DotCommand, out: &mut dyn Write) -> io::Result<Outcome> {
        match command {
            DotCommand::Help => write_help(out)?,
            DotCommand::Tables => self.write_tables(out)?,
            DotCommand::Schema(name) => self.write_schema(name.as_deref(), out)?,
            DotCommand::Load { path, name } => {
                self.load(&path, name.as_deref(), out)?;
                self.refresh_definitions(out)?;
            }
            DotCommand::Drop(name) => {
                let alias = watchlist_alias(&name);
                let dropped = match alias {
                    Some(alias) => self.session.watchlists.remove(alias).is_some(),
                    None => self.session.remove_table(&name),
                };
                if dropped {
                    writeln!(out, "dropped {name}")?;
                    self.refresh_names();
                    self.refresh_definitions(out)?;
                } else {
                    let error = self.no_such_table(&name);
                    self.write_error(out, &error.render("", ""))?;
                }
            }
            DotCommand::Format(format) => {
                self.view.format = format;
                writeln!(out, "format: {}", format_name(format))?;
            }
            DotCommand::Now(now) => {
                self.session.now = now;
                match now {
                    Some(ticks) => writeln!(
                        out,
                        "now() is pinned to {}",
                        crate::value::Value::DateTime(ticks).to_kusto_string()
                    )?,
                    None => writeln!(out, "now() follows the system clock")?,
                }
            }
            DotCommand::Timer(on) => {
                self.timer = on;
                writeln!(out, "timer: {}", if on { "on" } else { "off" })?;
            }
            DotCommand::Limit(limit) => {
                self.view.max_rows = limit;
                match limit {
                    Some(rows) => writeln!(
                        out,
                        "showing at most {rows} {}",
                        plural(rows, "row", "rows")
                    )?,
                    None => writeln!(out, "showing all rows")?,
                }
            }
            DotCommand::Save(path) => self.save(&path, out)?,
            DotCommand::WatchlistKey { alias, column } => {
                self.set_watchlist_key(&alias, &column, out)?;
                self.refresh_definitions(out)?;
            }
            DotCommand::Quit => return Ok(Outcome::Quit),
        }
        Ok(Outcome::Continue)
    }

    fn no_such_table(&self, name: &str) -> Error {
        let mut names = self.session.table_names();
        names.extend(
            self.session
                .watchlists
                .keys()
                .map(|alias| format!("_GetWatchlist('{alias}')")),
        );
        let mut error = Error::usage(format!("no table named `{name}`"));
        if let Some(suggestion) = crate::error::closest(name, names.iter().map(String::as_str)) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        error.with_hint("list the loaded tables with .tables")
    }

    /// Returns the loaded watchlists in alias order.
    fn sorted_watchlists(&self) -> Vec<(&String, &crate::watchlist::Watchlist)> {
        let mut watchlists: Vec<_> = self.session.watchlists.iter().collect();
        watchlists.sort_by(|a, b| a.0.cmp(b.0));
        watchlists
    }

    /// Lists the loaded tables, then the watchlists as the `_GetWatchlist` call that
    /// reads each. A watchlist whose SearchKey is not named has no row or column count.
    fn write_tables(&self, out: &mut dyn Write) -> io::Result<()> {
        let names = self.session.table_names();
        if names.is_empty() && self.session.watchlists.is_empty() {
            return writeln!(out, "No tables loaded; load one with .load PATH [as Name].");
        }
        let mut rows: Vec<Vec<crate::value::Value>> = names
            .iter()
            .map(|name| {
                let table = self.session.table(name);
                let rows = table.map_or(0, |table| table.row_count);
                let columns = table.map_or(0, |table| table.schema.len());
                vec![
                    name.as_str().into(),
                    crate::value::Value::Long(rows as i64),
                    crate::value::Value::Long(columns as i64),
                    self.session.source_of(name).unwrap_or("").into(),
                ]
            })
            .collect();
        for (alias, watchlist) in self.sorted_watchlists() {
            let (rows_count, columns) = match &watchlist.table {
                Ok(table) => (
                    crate::value::Value::Long(table.row_count as i64),
                    crate::value::Value::Long(table.schema.len() as i64),
                ),
                Err(_) => (crate::value::Value::Null, crate::value::Value::Null),
            };
            rows.push(vec![
                format!("_GetWatchlist('{alias}')").as_str().into(),
                rows_count,
                columns,
                watchlist.source.as_str().into(),
            ]);
        }
        let listing = listing_table(
            &[
                ("Table", crate::value::Type::String),
                ("Rows", crate::value::Type::Long),
                ("Columns", crate::value::Type::Long),
                ("Source", crate::value::Type::String),
            ],
            rows,
        );
        self.write_listing(&listing, out)
    }

    fn write_schema(&self, name: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
        let mut rows = Vec::new();
        let tables = match name {
            Some(name) => vec![name.to_string()],
            None => self.session.table_names(),
        };
        if tables.is_empty() {
            return writeln!(out, "No tables loaded; load one with .load PATH [as Name].");
        }
        for table in &tables {
            let fields = match self.schema_of(table) {
                Ok(fields) => fields,
                Err(error) => {
                    return self.write_error(out, &with_repl_hints(&error).render("", ""))
                }
            };
            for field in fields {
                rows.push(vec![
                    table.as_str().into(),
                    field.name.into(),
                    field.ty.name().into(),
                ]);
            }
        }
        let listing = listing_table(
            &[
                ("Table", crate::value::Type::String),
                ("Column", crate::value::Type::String),
                ("Type", crate::value::Type::String),
            ],
            rows,
        );
        self.write_listing(&listing, out)
    }

    /// Returns the columns of a loaded table, of a watchlist named as `.tables` lists it
    /// (`_GetWatchlist('ALIAS')`), or of a tabular `let`.
    fn schema_of(&self, name: &str) -> Result<Vec<Field>> {
        if let Some(alias) = watchlist_alias(name) {
            return match self.session.watchlists.get(alias) {
                Some(watchlist) => watchlist
                    .table
                    .as_ref()
                    .map(|table| table.schema.fields.clone())
                    .map_err(Clone::clone),
                None => Err(self.no_such_table(name)),
            };
        }
        if let Some(table) = self.session.table(name) {
            return Ok(table.schema.fields.clone());
        }
        if self
            .definitions
            .iter()
            .any(|definition| definition.name == name)
        {
            let quoted = complete_name(name);
            let run = self.prepare_text(&quoted, Vec::new());
            return self
                .session
                .prepare(&run.text)
                .map(|bound| bound.plan.schema.fields)
                .map_err(|error| self.let_schema_error(&quoted, error));
        }
        Err(self.no_such_table(name))
    }

    /// Returns the error for `.schema` of a `let` that does not bind as a query: the
    /// error of `NAME | getschema`. It distinguishes a scalar `let` from a table whose
    /// columns cannot be shown, such as one with a column that `FileProfile()` leaves
    /// undetermined. `first` is the error of binding the name alone, kept when
    /// `getschema` binds.
    fn let_schema_error(&self, quoted_name: &str, first: Error) -> Error {
        let run = self.prepare_text(&format!("{quoted_name} | getschema"), Vec::new());
        let error = match self.session.prepare(&run.text) {
            Ok(_) => first,
            Err(error) => error,
        };
        // The span points into text that the user did not type.
        Error {
            span: None,
            ..error
        }
    }

    fn write_listing(&self, listing: &Table, out: &mut dyn Write) -> io::Result<()> {
        let view = View {
            format: Format::Table,
            max_rows: None,
            width: self.view.width,
        };
        display::write_result(listing, &view, out)
    }

    fn save(&self, path: &std::path::Path, out: &mut dyn Write) -> io::Result<()> {
        let Some(table) = &self.last_result else {
            let error = Error::usage("no result to save yet; run a query first");
            return self.write_error(out, &error.render("", ""));
        };
        let format = match save_format(path) {
            Ok(format) => format,
            Err(error) => return self.write_error(out, &error.render("", "")),
        };
        let written = std::fs::File::create(path).and_then(|file| {
            let mut writer = io::BufWriter::new(file);
            crate::output::write(table, format, &Default::default(), &mut writer)?;
            writer.flush()
        });
        match written {
            Ok(()) => writeln!(
                out,
                "saved {} {} to {}",
                table.row_count,
                plural(table.row_count, "row", "rows"),
                path.display()
            ),
            Err(error) => {
                let error = Error::output(format!("failed to write {}: {error}", path.display()));
                self.write_error(out, &error.render("", ""))
            }
        }
    }

    /// Drops every kept `let` that no longer binds, after a table was loaded or dropped,
    /// so that one stale definition does not break every later query.
    fn refresh_definitions(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut kept: Vec<Definition> = Vec::new();
        for definition in std::mem::take(&mut self.definitions) {
            let mut text: String = kept
                .iter()
                .map(|earlier| format!("{};\n", earlier.text))
                .collect();
            text.push_str(&definition.text);
            text.push_str("\n;\nprint defined = true");
            match self.session.prepare(&text) {
                Ok(_) => kept.push(definition),
                Err(error) => writeln!(
                    out,
                    "note: removed `let {}` because it no longer binds: {}",
                    definition.name,
                    with_repl_hints(&error)
                )?,
            }
        }
        self.definitions = kept;
        Ok(())
    }

    fn refresh_names(&mut self) {
        let mut names = KnownNames::default();
        for name in self.session.table_names() {
            if let Some(table) = self.session.table(&name) {
                names
                    .columns
                    .extend(table.schema.names().map(str::to_string));
            }
            names.tables.insert(name);
        }
        self.names = names;
    }
}

impl CompletionSource for Repl {
    fn table_names(&self) -> Vec<String> {
        self.session.table_names()
    }

    fn let_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .definitions
            .iter()
            .map(|definition| definition.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn pipeline_columns(&self, statements: &str, pipeline: &str) -> Vec<Field> {
        let input = format!("{statements}\n{pipeline}");
        let run = self.prepare_text(&input, Vec::new());
        match self.session.prepare(&run.text) {
            Ok(bound) => bound.plan.schema.fields,
            Err(_) => Vec::new(),
        }
    }
}

/// Returns `error` with hints that name command-line options replaced by the REPL's
/// commands.
fn with_repl_hints(error: &Error) -> Error {
    let mut error = error.clone();
    for hint in &mut error.hints {
        *hint = repl_hint(hint);
    }
    error
}

/// Returns `hint` with a command-line option replaced by the shell command that does the
/// same.
fn repl_hint(hint: &str) -> String {
    if hint == crate::binder::NO_TABLES_HINT {
        return "no tables are loaded; load one with .load PATH [as Name]".to_string();
    }
    if let Some(table) = crate::binder::table_of_not_loaded_hint(hint) {
        return format!(
            "`{table}` is a table of the built-in catalog, but its export is not loaded; \
             load it with .load PATH as {table}"
        );
    }
    match crate::watchlist::alias_of_key_hint(hint) {
        Some(alias) => format!(
            "name the SearchKey column with .watchlist-key {} COLUMN",
            command::quote_word(alias)
        ),
        None => hint.to_string(),
    }
}

/// Renders an error against the text it points into: the user's input, or the earlier
/// `let` statement it is in.
fn render_error(error: &Error, run: &PreparedText) -> String {
    let error = with_repl_hints(error);
    let Some(span) = error.span.clone() else {
        return error.render("", "");
    };
    let (span, source, origin) = locate_in_run(span, run);
    error.with_span(span).render(source, &origin)
}

/// Renders a query's warning with its line and column in the input or in the kept `let`
/// it points into.
fn render_warning(warning: &Warning, run: &PreparedText) -> String {
    let Some(span) = warning.span.clone() else {
        return warning.message.clone();
    };
    let (span, source, origin) = locate_in_run(span, run);
    Warning {
        message: warning.message.clone(),
        span: Some(span),
    }
    .render(source, &origin)
}

/// Moves a span of the prepared text into the text it came from: the input, or one kept
/// `let` statement. Returns the span there, that text and its name for messages.
fn locate_in_run(span: Range<usize>, run: &PreparedText) -> (Range<usize>, &str, String) {
    let input = run.text.get(run.input_start..).unwrap_or("");
    if span.start >= run.input_start {
        let shifted = span.start - run.input_start..span.end.saturating_sub(run.input_start);
        return (shifted, input, "input".to_string());
    }

    let mut start = 0;
    for definition in &run.definitions {
        let end = start + definition.text.len();
        if span.start < end + 2 {
            let shifted =
                span.start - start..span.end.saturating_sub(start).min(definition.text.len());
            return (
                shifted,
                &definition.text,
                format!("let {}", definition.name),
            );
        }
        start = end + 2;
    }
    (span, &run.text, "input".to_string())
}

fn save_format(path: &std::path::Path) -> Result<Format> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => Ok(Format::Json),
        Some("jsonl") | Some("ndjson") => Ok(Format::Ndjson),
        Some("csv") => Ok(Format::Csv),
        _ => Err(Error::usage(format!(
            "cannot tell the format of {} from its extension; use .json, .jsonl, .ndjson or .csv",
            path.display()
        ))),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Json => "json",
        Format::Ndjson => "ndjson",
        Format::Csv => "csv",
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// Returns the alias of a watchlist named as `.tables` lists it, `_GetWatchlist('ALIAS')`
/// (or with `"…"`), or `None` for any other name.
fn watchlist_alias(name: &str) -> Option<&str> {
    let argument = name
        .strip_prefix(crate::binder::GET_WATCHLIST)?
        .strip_prefix('(')?
        .strip_suffix(')')?;
    ['\'', '"'].into_iter().find_map(|quote| {
        argument
            .strip_prefix(quote)?
            .strip_suffix(quote)
            .filter(|alias| !alias.contains(quote))
    })
}

/// Returns a name as a query writes it: plain, or in `['…']`.
fn complete_name(name: &str) -> String {
    if command::is_plain_name(name) {
        name.to_string()
    } else {
        format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn listing_table(
    columns: &[(&str, crate::value::Type)],
    rows: Vec<Vec<crate::value::Value>>,
) -> Table {
    let fields = columns
        .iter()
        .map(|(name, ty)| Field::new(*name, *ty))
        .collect();
    Table::from_rows(crate::table::Schema::new(fields), rows)
}

fn write_help(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Type a KQL query and press Enter to run it. A query goes on to the next line"
    )?;
    writeln!(
        out,
        "while a bracket is open or the line ends with `|` or `,`; Enter on an empty line"
    )?;
    writeln!(
        out,
        "runs it as it is. `let` statements are kept for later queries."
    )?;
    writeln!(out)?;

    writeln!(out, "Commands:")?;
    for (name, arguments, description) in COMMANDS {
        let usage = format!("{name} {arguments}");
        writeln!(out, "  {:<32} {description}", usage.trim_end())?;
    }
    writeln!(out)?;

    writeln!(out, "Keys:")?;
    writeln!(
        out,
        "  Tab       complete table, column, operator, function and file names"
    )?;
    writeln!(
        out,
        "  Ctrl-C    clear the input, or cancel a running query"
    )?;
    writeln!(out, "  Ctrl-D    quit")?;
    writeln!(out, "  Up/Down   history (kept between sessions)")
}

#[cfg(test)]
mod tests;
