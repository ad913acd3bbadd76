//! Running the cases of one test file: building each case's session (clock, tables,
//! look-back window, stubs), running the rule, and checking or updating the result.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::ast::Statement;
use crate::binder::defender::is_tabular_function;
use crate::engine::{GeoSource, Session};
use crate::error::{Error, ErrorKind};
use crate::output::{self, Format, TableOptions};
use crate::table::Table;

use super::compare::{self, Checks, ExpectedTable, Mismatch};
use super::fixtures;
use super::report::display_path;
use super::rule::{self, Rule};
use super::spec::{self, Case, ExactRows, Lookback, Stub, TestFile};

/// Settings shared by every test file of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Runs only the cases whose name contains this text, ignoring letter case.
    pub filter: Option<String>,
    /// Writes the result of each failing case with an `expect.file` to that file.
    pub update: bool,
    pub geo: GeoSource,
}

/// The note on a failed case whose rule reads the clock without a pinned `now`.
const UNPINNED_CLOCK_WARNING: &str = "the rule calls ago() or now() and no `now` is set, so \
     they read the current time; pin the clock with `now = 2025-01-01T00:00:00Z` in the test \
     file or the case";

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// The test file, as the run found it.
    pub file: PathBuf,
    pub name: String,
    pub duration: Duration,
    pub status: Status,
    /// Warnings the rule's query raised, such as for `ingestion_time()`.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed(Mismatch),
    /// The case could not run: an invalid test file, a missing fixture, a query error.
    Error(String),
    /// `--update` wrote the result to this expected file.
    Updated(PathBuf),
}

impl CaseOutcome {
    /// True for cases that passed or whose expected file was updated.
    pub fn is_success(&self) -> bool {
        matches!(self.status, Status::Passed | Status::Updated(_))
    }
}

/// The case name used for problems with the test file as a whole.
pub const FILE_CASE_NAME: &str = "(test file)";

/// Runs the selected cases of the test file at `path`, calling `on_case` after each.
/// Returns the outcomes in file order; a file whose cases the filter excludes gives none.
pub fn run_test_file(
    path: &Path,
    options: &RunOptions,
    on_case: &mut dyn FnMut(&CaseOutcome),
) -> Vec<CaseOutcome> {
    let started = Instant::now();
    let file_error = |message: String| CaseOutcome {
        file: path.to_path_buf(),
        name: FILE_CASE_NAME.to_string(),
        duration: started.elapsed(),
        status: Status::Error(message),
        warnings: Vec::new(),
    };
    let test_file = match spec::read_test_file(path) {
        Ok(test_file) => test_file,
        Err(error) => {
            let outcome = file_error(error.message);
            on_case(&outcome);
            return vec![outcome];
        }
    };
    let selected: Vec<&Case> = test_file
        .cases
        .iter()
        .filter(|case| is_selected(&case.name, options.filter.as_deref()))
        .collect();
    if selected.is_empty() {
        return Vec::new();
    }

    let setup = FileSetup::new(&test_file);
    let runs_every_case = selected.len() == test_file.cases.len();
    let mut outcomes = Vec::with_capacity(selected.len());
    // The tables and watchlists that the cases' rule runs read. It is `None` once a case's
    // rule did not bind.
    let mut read_by_cases = Some(ReadNames::default());
    for case in selected {
        let case_started = Instant::now();
        let mut warnings = Vec::new();
        let mut read = None;
        let status = match &setup {
            Ok(setup) => setup.run_case(case, options, &mut warnings, &mut read),
            Err(message) => Status::Error(message.clone()),
        };
        read_by_cases = read_by_cases.zip(read).map(|(mut all, read)| {
            all.tables.extend(read.tables);
            all.watchlists.extend(read.watchlists);
            all
        });
        let outcome = CaseOutcome {
            file: path.to_path_buf(),
            name: case.name.clone(),
            duration: case_started.elapsed(),
            status,
            warnings,
        };
        on_case(&outcome);
        outcomes.push(outcome);
    }

    // Only a run of every case shows that no case reads a table or calls a watchlist.
    if let (true, Some(read)) = (runs_every_case, read_by_cases) {
        let unread = unread_file_table(&test_file, &read.tables)
            .or_else(|| uncalled_watchlist(&test_file, &read.watchlists));
        if let Some(message) = unread {
            let outcome = file_error(message);
            on_case(&outcome);
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// Returns the error for a table in the test file's `[tables]` that no case's rule run
/// reads. A test file tests one rule, so such a table is a misspelt name or a leftover.
fn unread_file_table(test_file: &TestFile, read: &BTreeSet<String>) -> Option<String> {
    let unread = test_file
        .tables
        .iter()
        .find(|source| !read.contains(&source.name))?;
    Some(unread_table_message(
        &format!("the test file's [tables] gives table `{}`", unread.name),
        &unread.name,
        read,
    ))
}

/// Returns the error for a watchlist in the test file's `[watchlists]` that no case's rule
/// run calls with `_GetWatchlist`: a misspelt alias or a leftover, as for `[tables]`.
fn uncalled_watchlist(test_file: &TestFile, called: &BTreeSet<String>) -> Option<String> {
    let uncalled = test_file
        .watchlists
        .iter()
        .find(|source| !called.contains(&source.alias))?;
    let alias = &uncalled.alias;
    let mut message = format!(
        "the test file's [watchlists] gives watchlist `{alias}`, which the rule never calls \
         with `_GetWatchlist('{alias}')`, so its items cannot change the result"
    );
    match crate::error::closest(alias, called.iter().map(String::as_str)) {
        Some(known) => message.push_str(&format!("; did you mean `{known}`?")),
        None if called.is_empty() => message.push_str("; the rule calls no watchlist"),
        None => {
            let aliases: Vec<String> = called.iter().map(|alias| format!("`{alias}`")).collect();
            message.push_str(&format!("; the rule calls {}", aliases.join(", ")));
        }
    }
    Some(message)
}

/// Returns the error for a table that a test file gives and the rule never reads, with a
/// "did you mean" when the name is close to a table the rule reads.
fn unread_table_message(given: &str, name: &str, read: &BTreeSet<String>) -> String {
    let mut message =
        format!("{given}, which the rule never reads, so its rows cannot change the result");
    match crate::error::closest(name, read.iter().map(String::as_str)) {
        Some(known) => message.push_str(&format!("; did you mean `{known}`?")),
        None if read.is_empty() => message.push_str("; the rule reads no table"),
        None => {
            let names: Vec<String> = read.iter().map(|name| format!("`{name}`")).collect();
            message.push_str(&format!("; the rule reads {}", names.join(", ")));
        }
    }
    message
}

/// True when `name` contains `filter`, ignoring letter case, or there is no filter.
pub fn is_selected(name: &str, filter: Option<&str>) -> bool {
    filter.is_none_or(|filter| name.to_lowercase().contains(&filter.to_lowercase()))
}

/// The names that a rule run reads, learnt by binding it.
#[derive(Debug, Default)]
struct ReadNames {
    /// The supplied tables that the rule reads, as [`crate::binder::BoundQuery::tables`].
    tables: BTreeSet<String>,
    /// The aliases that the rule calls `_GetWatchlist` with.
    watchlists: BTreeSet<String>,
}

/// The state that all cases of a file share: the rule and the file-level tables, loaded
/// once.
struct FileSetup<'a> {
    test_file: &'a TestFile,
    rule: Rule,
    /// The names that the rule's top-level `let` statements define, with the 1-based line
    /// of each name in the rule's query. It is empty when the rule does not parse.
    rule_lets: Vec<(String, usize)>,
    /// File-level tables; a table that failed to load keeps its error for the cases
    /// that use it.
    tables: Vec<(String, Result<Table, String>)>,
}

impl<'a> FileSetup<'a> {
    fn new(test_file: &'a TestFile) -> Result<FileSetup<'a>, String> {
        let rule = rule::read_rule(&test_file.rule).map_err(|error| error.message)?;
        let tables = test_file
            .tables
            .iter()
            .map(|source| {
                let table = fixtures::load_table(source, false, test_file.product)
                    .map_err(|error| with_hints(&error));
                (source.name.clone(), table)
            })
            .collect();
        let rule_lets = top_level_lets(&rule.query);
        Ok(FileSetup {
            test_file,
            rule,
            rule_lets,
            tables,
        })
    }

    /// Runs one case and returns its status, adding the query's warnings to `warnings`
    /// and setting `read` to the tables and watchlists that the rule read, if it bound.
    fn run_case(
        &self,
        case: &Case,
        options: &RunOptions,
        warnings: &mut Vec<String>,
        read: &mut Option<ReadNames>,
    ) -> Status {
        let result = match self.run_rule(case, options, read) {
            Ok((result, query_warnings)) => {
                warnings.extend(query_warnings);
                result
            }
            Err(message) => return Status::Error(message),
        };
        let checks = match self.checks(case, options.update) {
            Ok(checks) => checks,
            Err(message) => return Status::Error(message),
        };
        let mismatch = match &checks {
            Some(checks) => compare::compare(&result, checks),
            // Only with --update: the expected file is missing or unreadable.
            None => Some(Mismatch::default()),
        };
        if mismatch.is_some() && self.reads_unpinned_clock(case) {
            warnings.push(UNPINNED_CLOCK_WARNING.to_string());
        }
        match (mismatch, &case.expect.exact) {
            (None, _) => Status::Passed,
            (Some(_), Some(ExactRows::File(path))) if options.update => {
                if let Err(message) = write_expected(path, &result) {
                    return Status::Error(message);
                }
                // The case's other checks (`count`, `ignore` typos) must still hold.
                match self.checks(case, false) {
                    Ok(Some(checks)) => match compare::compare(&result, &checks) {
                        None => Status::Updated(path.clone()),
                        Some(mismatch) => Status::Failed(mismatch),
                    },
                    Ok(None) => Status::Updated(path.clone()),
                    Err(message) => Status::Error(message),
                }
            }
            (Some(mismatch), _) => Status::Failed(mismatch),
        }
    }

    /// Returns whether the rule calls `ago()` or `now()` (by its text, so a call in a comment
    /// counts too) while neither the case, the test file nor the rule pins the clock.
    fn reads_unpinned_clock(&self, case: &Case) -> bool {
        let query = &self.rule.query;
        let pinned = case.now.or(self.test_file.now).is_some() || query.contains("query_now");
        !pinned && (query.contains("ago(") || query.contains("now("))
    }

    /// Runs the rule with this case's clock, tables and stubs. Returns the result and the
    /// query's warnings, and sets `read` to the tables and watchlists that the rule reads
    /// once it binds.
    fn run_rule(
        &self,
        case: &Case,
        options: &RunOptions,
        read: &mut Option<ReadNames>,
    ) -> Result<(Table, Vec<String>), String> {
        let now = case.now.or(self.test_file.now);
        let period = self.lookback_period(case, now)?;

        let mut session = Session::new();
        session.now = now;
        session.geo = options.geo.clone();
        // `externaldata` reads each mapped URL from its fixture file instead of the network.
        session.externaldata = self.test_file.external_data.iter().cloned().collect();
        for source in &self.test_file.watchlists {
            let watchlist =
                crate::watchlist::load_csv(&source.alias, &source.path, source.key.as_deref())
                    .map_err(|error| with_hints(&error))?;
            session.watchlists.insert(source.alias.clone(), watchlist);
        }
        // A table that failed to load stays out of the session until binding shows whether
        // the rule reads it: an unread one is a misspelt name, which that error names
        // better than the load error does.
        let mut tables: HashMap<&str, Table> = HashMap::new();
        let mut failed: Vec<(String, &str, String)> = Vec::new();
        for (name, table) in &self.tables {
            if case.tables.iter().any(|source| &source.name == name) {
                continue;
            }
            match table {
                Ok(table) => {
                    tables.insert(name, table.clone());
                }
                Err(message) => failed.push((
                    format!("the test file's [tables] gives table `{name}`"),
                    name,
                    message.clone(),
                )),
            }
        }
        for source in &case.tables {
            match fixtures::load_table(source, true, self.test_file.product) {
                Ok(table) => {
                    tables.insert(&source.name, table);
                }
                Err(error) => failed.push((
                    format!("the case gives table `{}`", source.name),
                    &source.name,
                    with_hints(&error),
                )),
            }
        }
        for (name, table) in tables {
            let table = match (period, now) {
                // `FileProfile` and `DeviceFromIP` contain a service's results, not logged
                // events, so no time window applies to them.
                (Some(period), Some(now)) if !is_tabular_function(name) => {
                    fixtures::apply_lookback(name, &table, now, period)
                        .map_err(|error| error.message)?
                }
                _ => table,
            };
            session.add_table(name, table, "test fixture");
        }

        let stubs = merged_stubs(&self.test_file.stubs, &case.stubs);
        self.check_stubs_not_defined_by_rule(&stubs, case)?;
        let prelude = stub_prelude(&stubs);
        let query = format!("{prelude}{}", self.rule.query);
        let render = |error: &Error| self.render_query_error(error, &prelude, &stubs, case);

        // Binding first determines which tables the rule reads, so that a table it never reads
        // (a misspelt name) fails the case with a "did you mean", instead of leaving the
        // file's table in place or failing on the misspelt table's own load error. A
        // binding error comes again from the run below.
        match session.prepare(&query) {
            Ok(bound) => {
                if let Some((given, name, _)) = failed
                    .iter()
                    .find(|(_, name, _)| !bound.tables.contains(*name))
                {
                    return Err(unread_table_message(given, name, &bound.tables));
                }
                if let Some(unread) = case
                    .tables
                    .iter()
                    .find(|source| !bound.tables.contains(&source.name))
                {
                    return Err(unread_table_message(
                        &format!("the case gives table `{}`", unread.name),
                        &unread.name,
                        &bound.tables,
                    ));
                }
                if failed.is_empty() {
                    *read = Some(ReadNames {
                        tables: bound.tables,
                        watchlists: bound.watchlists,
                    });
                }
            }
            // The rule reads a table that the test file does not give, and its name is close
            // to a table that failed to load, so that table is most likely misspelt.
            Err(error) => {
                if let Some(missing) = crate::binder::unknown_table_name(&error) {
                    // The table of that very name failed to load: its own error is the one.
                    if let Some((_, _, message)) =
                        failed.iter().find(|(_, name, _)| *name == missing)
                    {
                        return Err(message.clone());
                    }
                    let failed_names = failed.iter().map(|(_, name, _)| *name);
                    let close = crate::error::closest(missing, failed_names);
                    let misspelt = failed.iter().find(|(_, name, _)| Some(*name) == close);
                    if let Some((given, _, _)) = misspelt {
                        return Err(format!(
                            "{given}, but the rule reads table `{missing}`, which the test \
                             file does not give; did you mean `{missing}`?"
                        ));
                    }
                }
            }
        }
        if let Some((_, _, message)) = failed.into_iter().next() {
            return Err(message);
        }
        let (table, warnings) = session.run_with_warnings(&query).map_err(|error| {
            let error = crate::schema::with_product_hint(error, &query, self.test_file.product);
            render(&self.with_test_file_hints(error))
        })?;
        let warnings = warnings
            .iter()
            .map(|warning| self.render_query_warning(warning, &prelude))
            .collect();
        Ok((table, warnings))
    }

    /// Rejects a stub whose name the rule defines with its own `let`: the rule's `let`
    /// comes after the stub and replaces it, so the stub would have no effect.
    fn check_stubs_not_defined_by_rule(&self, stubs: &[&Stub], case: &Case) -> Result<(), String> {
        for stub in stubs {
            let Some((_, line)) = self.rule_lets.iter().find(|(name, _)| *name == stub.name) else {
                continue;
            };
            let from_case = case.stubs.iter().any(|own| std::ptr::eq(own, *stub));
            let stub_origin = if from_case {
                format!("stub `{}` of case \"{}\"", stub.name, case.name)
            } else {
                format!("stub `{}` in the test file's [stubs]", stub.name)
            };
            let rule_origin = rule::query_origin(&self.rule.path, &display_path(&self.rule.path));
            return Err(format!(
                "{stub_origin} has no effect, because the rule defines `{name}` itself with \
                 `let {name}` ({rule_origin}, line {line}), which replaces the stub; remove \
                 the stub. A stub substitutes for a name that the rule uses but does not \
                 define, such as a workspace function",
                name = stub.name
            ));
        }
        Ok(())
    }

    /// Replaces the command-line advice in a query error with the test file's keys that
    /// do the same.
    fn with_test_file_hints(&self, mut error: Error) -> Error {
        // The rule is what the test checks, so a table name close to one the rule reads
        // is most likely misspelt in the test file, not in the rule.
        if let Some(missing) = crate::binder::unknown_table_name(&error).map(str::to_string) {
            let given = self
                .test_file
                .tables
                .iter()
                .map(|source| source.name.as_str());
            if let Some(close) = crate::error::closest(&missing, given) {
                let close = close.to_string();
                error
                    .hints
                    .retain(|hint| !hint.contains(&format!("`{close}`")));
                error.hints.insert(
                    0,
                    format!(
                        "the test file gives table `{close}`; if it stands for `{missing}`, \
                         rename it in the test file's [tables]"
                    ),
                );
            }
        }
        if let Some(alias) = crate::binder::unloaded_alias(&error).map(str::to_string) {
            let aliases = self
                .test_file
                .watchlists
                .iter()
                .map(|source| source.alias.as_str());
            error.hints = crate::error::closest(&alias, aliases)
                .map(|known| format!("did you mean `{known}`?"))
                .into_iter()
                .collect();
            error.hints.push(format!(
                "give the watchlist's CSV file in the test file: `[watchlists] {alias} = \"FILE.csv\"`"
            ));
        }
        // `kql test` has no --watchlist-key, --table, --data or --product option, only the
        // test file's keys.
        for hint in &mut error.hints {
            if hint.contains("run with --product sentinel") {
                *hint = hint.replace(
                    "run with --product sentinel",
                    "set `product = \"sentinel\"` in the test file",
                );
            }
            if let Some(alias) = crate::watchlist::alias_of_key_hint(hint).map(str::to_string) {
                *hint = format!(
                    "name the SearchKey column in the test file: \
                     `[watchlists] {alias} = {{ file = \"…\", key = \"COLUMN\" }}`"
                );
            } else if let Some(table) = crate::binder::table_of_not_loaded_hint(hint) {
                *hint = format!(
                    "`{table}` is a table of the built-in catalog that the test file does \
                     not give; give it with `[tables] {table} = \"FILE\"` or with rows \
                     under `[[case.tables.{table}.rows]]`"
                );
            }
        }
        error
    }

    /// Returns the look-back period in ticks, or `None` when every row reaches the rule.
    fn lookback_period(&self, case: &Case, now: Option<i64>) -> Result<Option<i64>, String> {
        let Some(lookback) = case.lookback.or(self.test_file.lookback) else {
            return Ok(None);
        };
        if now.is_none() {
            return Err(
                "`lookback` needs a pinned clock; set `now` in the test file or the case"
                    .to_string(),
            );
        }
        match lookback {
            Lookback::Period(ticks) => Ok(Some(ticks)),
            Lookback::QueryPeriod => match self.rule.query_period {
                Some(ticks) => Ok(Some(ticks)),
                None => Err(format!(
                    "lookback = \"queryPeriod\" needs a Sentinel analytic rule with a \
                     queryPeriod, and {} has none; give a timespan such as \"1h\" instead",
                    display_path(&self.rule.path)
                )),
            },
        }
    }

    /// Renders a query warning as `RULE:LINE:COLUMN: message` when it points into the
    /// rule; a warning about a stub or without a place is its message alone.
    fn render_query_warning(&self, warning: &crate::error::Warning, prelude: &str) -> String {
        match &warning.span {
            Some(span) if span.start >= prelude.len() => {
                let shifted = crate::error::Warning {
                    message: warning.message.clone(),
                    span: Some(span.start - prelude.len()..span.end.saturating_sub(prelude.len())),
                };
                let origin = rule::query_origin(&self.rule.path, &display_path(&self.rule.path));
                shifted.render(&self.rule.query, &origin)
            }
            _ => warning.message.clone(),
        }
    }

    /// Renders a query error against the text that contains it: the rule, or the stub
    /// `stubs` made `prelude` from.
    fn render_query_error(
        &self,
        error: &Error,
        prelude: &str,
        stubs: &[&Stub],
        case: &Case,
    ) -> String {
        let rule_origin = display_path(&self.rule.path);
        match &error.span {
            Some(span) if span.start >= prelude.len() => {
                let mut shifted = error.clone();
                shifted.span =
                    Some(span.start - prelude.len()..span.end.saturating_sub(prelude.len()));
                let origin = rule::query_origin(&self.rule.path, &rule_origin);
                shifted.render(&self.rule.query, &origin)
            }
            Some(span) => {
                let test_file = display_path(&self.test_file.path);
                match stub_error(error, span, stubs) {
                    Some((shifted, stub)) => {
                        // The position counts within the stub's text, which the origin
                        // names, with the case when the stub is the case's own.
                        let from_case = case.stubs.iter().any(|own| std::ptr::eq(own, stub));
                        let origin = if from_case {
                            format!(
                                "stub `{}` of case \"{}\" in {test_file}",
                                stub.name, case.name
                            )
                        } else {
                            format!("stub `{}` in {test_file}", stub.name)
                        };
                        shifted.render(&stub.body, &origin)
                    }
                    None => error.render(prelude, &format!("stubs of {test_file}")),
                }
            }
            None => error.render("", ""),
        }
        .trim_end()
        .to_string()
    }

    /// Reads the expected file, if any. With `update`, a missing or invalid expected
    /// file gives `None` so that the case writes it.
    fn checks(&self, case: &Case, update: bool) -> Result<Option<Checks>, String> {
        let expect = &case.expect;
        let exact = match &expect.exact {
            None => None,
            Some(ExactRows::Rows(rows)) => Some(ExpectedTable::from_rows(rows)),
            Some(ExactRows::File(path)) => match read_expected(path) {
                Ok(table) => Some(table),
                Err(_) if update => return Ok(None),
                Err(message) => return Err(message),
            },
        };
        Ok(Some(Checks {
            exact,
            contains: expect.contains.as_deref().map(ExpectedTable::from_rows),
            count: expect.count,
            ordered: expect.ordered,
            ignore: expect.ignore.clone(),
        }))
    }
}

/// Returns the error's message followed by its hints, for a status line.
fn with_hints(error: &Error) -> String {
    let hints: String = error.hints.iter().map(|hint| format!("; {hint}")).collect();
    format!("{}{hints}", error.message)
}

/// Returns the names that the top-level `let` statements of `query` define, each with the
/// 1-based line of the name. A query that does not parse gives none, because its run
/// reports the syntax error.
fn top_level_lets(query: &str) -> Vec<(String, usize)> {
    let Ok(script) = crate::parser::parse(query) else {
        return Vec::new();
    };
    script
        .statements
        .iter()
        .filter_map(|statement| match statement {
            Statement::Let { name, .. } | Statement::LetFunction { name, .. } => {
                let line = query[..name.span.start.min(query.len())]
                    .matches('\n')
                    .count()
                    + 1;
                Some((name.name.clone(), line))
            }
            _ => None,
        })
        .collect()
}

/// Returns the file's stubs with the case's stubs applied: a case stub replaces the file
/// stub of the same name in place, or comes after them.
pub fn merged_stubs<'a>(file_stubs: &'a [Stub], case_stubs: &'a [Stub]) -> Vec<&'a Stub> {
    let mut merged: Vec<&Stub> = file_stubs.iter().collect();
    for stub in case_stubs {
        match merged
            .iter_mut()
            .find(|existing| existing.name == stub.name)
        {
            Some(existing) => *existing = stub,
            None => merged.push(stub),
        }
    }
    merged
}

/// Returns the `let` statements that define `stubs`, one line each.
pub fn stub_prelude(stubs: &[&Stub]) -> String {
    stubs.iter().map(|stub| stub_statement(stub)).collect()
}

fn stub_statement(stub: &Stub) -> String {
    format!("let {} = {};\n", stub.name, stub.body)
}

/// Finds the stub whose statement in the prelude contains `span`, and returns `error`
/// with its span moved into that stub's text, clamped to it.
fn stub_error<'a>(
    error: &Error,
    span: &std::ops::Range<usize>,
    stubs: &[&'a Stub],
) -> Option<(Error, &'a Stub)> {
    let mut statement_start = 0;
    for &stub in stubs {
        let statement_end = statement_start + stub_statement(stub).len();
        if span.start < statement_end {
            let body_start = statement_start + format!("let {} = ", stub.name).len();
            let body_end = body_start + stub.body.len();
            let start = span.start.clamp(body_start, body_end);
            let end = span.end.clamp(start, body_end);
            let mut shifted = error.clone();
            shifted.span = Some(start - body_start..end - body_start);
            return Some((shifted, stub));
        }
        statement_start = statement_end;
    }
    None
}

fn read_expected(path: &Path) -> Result<ExpectedTable, String> {
    let origin = display_path(path);
    let text = std::fs::read_to_string(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => format!(
            "expected file {origin} not found; run `kql test --update` to write it from the \
             current result, then review it"
        ),
        _ => format!("failed to read expected file {origin}: {error}"),
    })?;
    ExpectedTable::from_result_json(&text, &origin).map_err(|error| error.message)
}

/// Writes `result` as the JSON that `kql run --format json` prints.
fn write_expected(path: &Path, result: &Table) -> Result<(), String> {
    let failed = |error: std::io::Error| {
        Error::new(
            ErrorKind::Data,
            format!("failed to write expected file {}: {error}", path.display()),
        )
        .message
    };
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut text = Vec::new();
    output::write(result, Format::Json, &TableOptions::default(), &mut text).map_err(failed)?;
    std::fs::write(path, text).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stub(name: &str, body: &str) -> Stub {
        Stub {
            name: name.to_string(),
            body: body.to_string(),
        }
    }

    #[test]
    fn case_stubs_replace_in_place() {
        let file = [stub("A", "1"), stub("B", "A + 1")];
        let case = [stub("A", "5"), stub("C", "B * 2")];
        assert_eq!(
            stub_prelude(&merged_stubs(&file, &case)),
            "let A = 5;\nlet B = A + 1;\nlet C = B * 2;\n"
        );
    }

    #[test]
    fn stub_error_points_into_stub() {
        let stubs = [stub("A", "1"), stub("B", "T | where x ==")];
        let merged: Vec<&Stub> = stubs.iter().collect();
        let prelude = stub_prelude(&merged);
        let at = |text: &str| prelude.find(text).expect("text in prelude");

        let error = Error::syntax(at("where")..at("where") + 5, "bad");
        let (shifted, stub) =
            stub_error(&error, &(at("where")..at("where") + 5), &merged).expect("inside stub B");
        assert_eq!(stub.name, "B");
        assert_eq!(shifted.span, Some(4..9));

        // An error at the `;` that ends the statement points at the end of the stub.
        let semicolon = prelude.rfind(';').expect("a statement end");
        let (shifted, stub) =
            stub_error(&error, &(semicolon..semicolon + 1), &merged).expect("at the end of stub B");
        assert_eq!(stub.name, "B");
        assert_eq!(shifted.span, Some(14..14));
    }

    #[test]
    fn filter_ignores_case() {
        assert!(is_selected("Xmas scan is reported", Some("xmas")));
        assert!(!is_selected("Outbound", Some("xmas")));
        assert!(is_selected("anything", None));
    }
}
