//! The engine's entry points for the command line, the REPL and the rule test runner:
//! a [`Session`] contains loaded tables and settings and runs query text against them.
//!
//! A [`Prelude`] (`--prelude FILE`) is joined in front of each query text, so that its
//! `let` statements are in scope. Error spans then count bytes of the joined text;
//! [`locate`] moves an error back into the file it points into.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::ast::Statement;
use crate::binder::{self, BoundQuery, SchemaSource};
use crate::error::{Error, ErrorKind, Result, Warning};
use crate::eval::{self, EvalContext, GeoLoader};
use crate::parser;
use crate::schema::{Product, SchemaCatalog, SchemaView};
use crate::table::Table;
use crate::watchlist::Watchlists;

/// The database that `geo_info_from_ip_address` reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GeoSource {
    /// The country database compiled into the binary.
    #[default]
    Embedded,
    /// A MaxMind-format `.mmdb` file (GeoLite2-City, GeoIP2-City, …).
    File(PathBuf),
}

/// Loaded tables and the settings every query in the session shares.
#[derive(Clone, Default)]
pub struct Session {
    tables: HashMap<String, Arc<Table>>,
    sources: HashMap<String, String>,
    /// The pinned clock (`--now`), in ticks; `None` uses the system clock per query.
    pub now: Option<i64>,
    pub geo: GeoSource,
    /// `let` statements bound before every query.
    pub prelude: Option<Prelude>,
    /// Local files that `externaldata` reads in place of these URLs.
    pub externaldata: HashMap<String, PathBuf>,
    /// The Sentinel watchlists that `_GetWatchlist(alias)` returns, by alias.
    pub watchlists: Watchlists,
    /// The maximum row count of any table a query produces (`--max-rows`), or no limit.
    pub max_rows: Option<usize>,
    /// When set, queries stop with an error soon after it becomes true (Ctrl-C in the
    /// REPL).
    pub cancel: Option<Arc<AtomicBool>>,
}

/// A file of `let` statements that every query can use, such as local definitions of
/// the functions that exist only in the cloud (`SeenBy`, ASIM parsers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prelude {
    pub text: String,
    /// The file name, for error messages.
    pub origin: String,
}

/// The separator between the prelude and the query in the joined text. It starts with a
/// line break, so that a `//` comment on the prelude's last line cannot swallow the `;`.
const PRELUDE_SEPARATOR: &str = "\n;\n";

/// Returns the text that is parsed: the prelude, if any, then the query.
pub fn joined_text(prelude: Option<&Prelude>, query: &str) -> String {
    match prelude {
        Some(prelude) => format!("{}{PRELUDE_SEPARATOR}{query}", prelude.text),
        None => query.to_string(),
    }
}

/// Moves an error's span from the joined text into the file it points into, and returns
/// it with that file's text and name for rendering.
pub fn locate<'a>(
    prelude: Option<&'a Prelude>,
    mut error: Error,
    query: &'a str,
    origin: &'a str,
) -> (Error, &'a str, &'a str) {
    let Some(prelude) = prelude else {
        return (error, query, origin);
    };
    let offset = prelude.text.len() + PRELUDE_SEPARATOR.len();
    match error.span.clone() {
        Some(span) if span.start >= offset => {
            error.span = Some(span.start - offset..span.end.saturating_sub(offset));
            (error, query, origin)
        }
        Some(span) => {
            let end = span.end.min(prelude.text.len()).max(span.start);
            error.span = Some(span.start.min(prelude.text.len())..end);
            (error, &prelude.text, &prelude.origin)
        }
        None => (error, query, origin),
    }
}

/// Renders a warning of a query bound after `prelude` as `origin:line:column: message`,
/// with the line and column in the prelude's file when the warning is about its text.
pub fn render_warning(
    prelude: Option<&Prelude>,
    warning: &Warning,
    query: &str,
    origin: &str,
) -> String {
    let Some(span) = warning.span.clone() else {
        return warning.render(query, origin);
    };
    let located = locate(
        prelude,
        Error::new(ErrorKind::Usage, "").with_span(span),
        query,
        origin,
    );
    let (error, source, origin) = located;
    Warning {
        message: warning.message.clone(),
        span: error.span,
    }
    .render(source, origin)
}

/// Parses the prelude and the query together, and checks that the prelude holds only
/// `let` and `set` statements.
fn parse_with_prelude(prelude: Option<&Prelude>, query: &str) -> Result<crate::ast::Script> {
    let joined = joined_text(prelude, query);
    let script = parser::parse(&joined)?;
    if let Some(prelude) = prelude {
        let query_start = prelude.text.len() + PRELUDE_SEPARATOR.len();
        for statement in &script.statements {
            if let Statement::Query(expr) = statement {
                if expr.span.start < query_start {
                    return Err(Error::syntax(
                        expr.span.clone(),
                        "a prelude file may contain only `let` and `set` statements; move the query to the query file",
                    ));
                }
            }
        }
    }
    Ok(script)
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Adds or replaces a table; `source` describes where it came from (a path).
    pub fn add_table(&mut self, name: &str, table: Table, source: &str) {
        self.tables.insert(name.to_string(), Arc::new(table));
        self.sources.insert(name.to_string(), source.to_string());
    }

    pub fn remove_table(&mut self, name: &str) -> bool {
        self.sources.remove(name);
        self.tables.remove(name).is_some()
    }

    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.tables.get(name)
    }

    /// Table names, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.tables.table_names()
    }

    pub fn source_of(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(String::as_str)
    }

    /// Parses and binds a query, after the prelude, against the loaded tables without
    /// running it. Error spans count bytes of [`joined_text`]; see [`Session::locate`].
    pub fn prepare(&self, query: &str) -> Result<BoundQuery> {
        let fallback_now = self.now.unwrap_or_else(system_now);
        parser::with_large_stack(|| self.bind_query(query, fallback_now))
    }

    /// Binds a query against the loaded tables. `fallback_now` is the clock for a query
    /// without `set query_now`; plugins that run their input while binding use it.
    fn bind_query(&self, query: &str, fallback_now: i64) -> Result<BoundQuery> {
        let script = parse_with_prelude(self.prelude.as_ref(), query)?;
        let source = LoadedTables {
            session: self,
            fallback_now,
        };
        binder::bind(&script, &source)
    }

    /// Parses, binds and runs a query; returns its result table.
    ///
    /// Binding and evaluation walk the syntax tree and the plan recursively, so they run
    /// on a thread with a large stack, as parsing does. The clock is read once, so that
    /// a plugin that runs its input while binding reads the same `now()` as the run.
    pub fn run(&self, query: &str) -> Result<Table> {
        self.run_with_warnings(query).map(|(table, _)| table)
    }

    /// Like [`Session::run`], and also returns the query's warnings
    /// ([`BoundQuery::warnings`]).
    pub fn run_with_warnings(&self, query: &str) -> Result<(Table, Vec<Warning>)> {
        let fallback_now = self.now.unwrap_or_else(system_now);
        parser::with_large_stack(|| {
            let bound = self.bind_query(query, fallback_now)?;
            let context = self.context(Some(bound.now.unwrap_or(fallback_now)));
            let table = eval::execute(&bound.plan, &self.tables, &context)?;
            Ok((table, bound.warnings))
        })
    }

    /// Moves an error from [`Session::run`] or [`Session::prepare`] into the file it
    /// points into: the query or the prelude.
    pub fn locate<'a>(
        &'a self,
        error: Error,
        query: &'a str,
        origin: &'a str,
    ) -> (Error, &'a str, &'a str) {
        locate(self.prelude.as_ref(), error, query, origin)
    }

    /// Renders a warning of `query` with its place in the query or the prelude.
    pub fn render_warning(&self, warning: &Warning, query: &str, origin: &str) -> String {
        render_warning(self.prelude.as_ref(), warning, query, origin)
    }

    /// The evaluation context for one query: one clock reading for the whole query
    /// (`set query_now` beats `--now`, which beats the system clock), the GeoIP source,
    /// the tables for subqueries and the `externaldata` file map.
    pub fn context(&self, query_now: Option<i64>) -> EvalContext {
        let now = query_now.or(self.now).unwrap_or_else(system_now);
        let mut context = EvalContext::new(now)
            .with_geo(geo_loader(self.geo.clone()))
            .with_tables(Arc::new(self.tables.clone()));
        context.externaldata = self.externaldata.clone();
        context.max_rows = self.max_rows;
        match &self.cancel {
            Some(flag) => context.with_cancel(Arc::clone(flag)),
            None => context,
        }
    }
}

/// The session's tables as the binder reads them: their schemas, and their rows for
/// plugins whose output columns depend on the data.
struct LoadedTables<'a> {
    session: &'a Session,
    /// The clock of a query without `set query_now`: `--now` or one reading of the
    /// system clock, the same for the binding and the run.
    fallback_now: i64,
}

impl SchemaSource for LoadedTables<'_> {
    fn schema(&self, name: &str) -> Option<crate::table::Schema> {
        self.session.tables.schema(name)
    }

    fn table_names(&self) -> Vec<String> {
        self.session.tables.table_names()
    }

    fn lists_database(&self) -> bool {
        self.session.tables.lists_database()
    }

    /// Runs the plan as [`Session::run`] runs a query: over the same tables, with the
    /// same clock, GeoIP source, `externaldata` files and row limit.
    fn evaluate(&self, plan: &binder::plan::Plan, query_now: Option<i64>) -> Option<Result<Table>> {
        let context = self
            .session
            .context(Some(query_now.unwrap_or(self.fallback_now)));
        Some(eval::execute(plan, &self.session.tables, &context))
    }

    fn watchlist(&self, alias: &str) -> Option<Result<Arc<Table>>> {
        let watchlist = self.session.watchlists.get(alias)?;
        Some(watchlist.table.clone())
    }
}

/// Table schemas without rows, plus the watchlists the user loaded, for binding without
/// data: `kql check`, and the catalog binding that picks the columns `kql run` loads.
pub struct WithWatchlists<'a> {
    pub schemas: &'a (dyn SchemaSource + Sync),
    pub watchlists: &'a Watchlists,
}

impl SchemaSource for WithWatchlists<'_> {
    fn schema(&self, name: &str) -> Option<crate::table::Schema> {
        self.schemas.schema(name)
    }

    fn table_names(&self) -> Vec<String> {
        self.schemas.table_names()
    }

    fn lists_database(&self) -> bool {
        self.schemas.lists_database()
    }

    fn product_lacking(&self, name: &str) -> Option<Product> {
        self.schemas.product_lacking(name)
    }

    fn product(&self) -> Option<Product> {
        self.schemas.product()
    }

    fn evaluate(&self, plan: &binder::plan::Plan, query_now: Option<i64>) -> Option<Result<Table>> {
        self.schemas.evaluate(plan, query_now)
    }

    fn watchlist(&self, alias: &str) -> Option<Result<Arc<Table>>> {
        let watchlist = self.watchlists.get(alias)?;
        Some(watchlist.table.clone())
    }
}

/// Parses and binds a query against table schemas alone. Unlike [`check_catalog`], which
/// `kql check` calls, it rejects the plugins whose columns depend on the data, so the
/// plan it returns can run.
pub fn check(query: &str, schemas: &(dyn SchemaSource + Sync)) -> Result<BoundQuery> {
    check_with_prelude(None, query, schemas)
}

/// Like [`check`], with a prelude's `let` statements in scope. Error spans count bytes
/// of [`joined_text`]; see [`locate`].
pub fn check_with_prelude(
    prelude: Option<&Prelude>,
    query: &str,
    schemas: &(dyn SchemaSource + Sync),
) -> Result<BoundQuery> {
    parse_and_bind(prelude, query, schemas, binder::bind)
}

/// Like [`check_with_prelude`], against the table catalog as one product has it, or, when
/// `product` is `None`, as either product has it.
///
/// Without a product, the query binds first with every column of both products and their
/// Defender XDR types. If that fails with a type error, it binds again with the Sentinel
/// types, because some columns differ only in type (`AdditionalFields` is `string` in
/// Defender XDR and `dynamic` in Sentinel). The query passes if either binding does, and
/// otherwise the first binding's error is returned. Plugins whose columns depend on the
/// data are accepted, as [`binder::bind_without_data`] describes, so the returned plan
/// may not run.
///
/// `_GetWatchlist(alias)` binds to the columns of a watchlist in `watchlists`, and without
/// one to the columns that the query names (see [`binder::bind_without_data`]).
pub fn check_catalog(
    prelude: Option<&Prelude>,
    query: &str,
    catalog: &SchemaCatalog,
    product: Option<Product>,
    watchlists: &Watchlists,
) -> Result<BoundQuery> {
    if let Some(product) = product {
        let view = catalog.with_view(SchemaView::Product(product));
        let schemas = WithWatchlists {
            schemas: &view,
            watchlists,
        };
        return check_without_data(prelude, query, &schemas);
    }
    let schemas = WithWatchlists {
        schemas: catalog,
        watchlists,
    };
    let first = check_without_data(prelude, query, &schemas);
    match first {
        Err(error) if error.kind == ErrorKind::TypeMismatch => {
            let sentinel_types = catalog.with_view(SchemaView::UnionSentinelTypes);
            let schemas = WithWatchlists {
                schemas: &sentinel_types,
                watchlists,
            };
            check_without_data(prelude, query, &schemas).or(Err(error))
        }
        result => result,
    }
}

/// Like [`check_with_prelude`], but accepts `bag_unpack` without an output schema and
/// `pivot`, whose columns depend on the data (see [`binder::bind_without_data`]). The
/// returned plan cannot run when it contains one of them.
fn check_without_data(
    prelude: Option<&Prelude>,
    query: &str,
    schemas: &(dyn SchemaSource + Sync),
) -> Result<BoundQuery> {
    parse_and_bind(prelude, query, schemas, binder::bind_without_data)
}

/// Parses a query after its prelude and binds it with `bind`, on a thread with a large
/// stack.
fn parse_and_bind(
    prelude: Option<&Prelude>,
    query: &str,
    schemas: &(dyn SchemaSource + Sync),
    bind: fn(&crate::ast::Script, &dyn SchemaSource) -> Result<BoundQuery>,
) -> Result<BoundQuery> {
    parser::with_large_stack(|| {
        let script = parse_with_prelude(prelude, query)?;
        bind(&script, schemas)
    })
}

/// Returns the current time in ticks since the Unix epoch.
pub fn system_now() -> i64 {
    let now = chrono::Utc::now();
    now.timestamp() * crate::value::TICKS_PER_SECOND + i64::from(now.timestamp_subsec_nanos() / 100)
}

fn geo_loader(source: GeoSource) -> GeoLoader {
    Box::new(move || {
        let geo = match &source {
            GeoSource::Embedded => crate::geo::GeoIp::embedded()?,
            GeoSource::File(path) => crate::geo::GeoIp::open(path)?,
        };
        Ok(Arc::new(geo) as Arc<dyn eval::GeoLookup>)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Field, Schema};
    use crate::value::Type;

    fn table(column: &str) -> Table {
        Table::empty(Schema::new(vec![Field::new(column, Type::String)]))
    }

    /// A warning names the file and the line and column of the text it is about: the
    /// query's, or the prelude's when the warning is about the prelude.
    #[test]
    fn warnings_name_their_place() {
        let prelude = Prelude {
            text: "let x = 1;\nset quer_now = datetime(2025-01-01);".to_string(),
            origin: "stubs.kql".to_string(),
        };
        let query = "print y = 1\n| extend z = ingestion_time()";
        let bound =
            check_with_prelude(Some(&prelude), query, &crate::schema::BuiltinSchemas::new())
                .expect("binds");
        let rendered: Vec<String> = bound
            .warnings
            .iter()
            .map(|warning| render_warning(Some(&prelude), warning, query, "rule.kql"))
            .collect();
        assert_eq!(rendered.len(), 2, "{rendered:?}");
        assert!(
            rendered[0].starts_with("stubs.kql:2:5: `set quer_now`"),
            "{}",
            rendered[0]
        );
        assert!(
            rendered[1].starts_with("rule.kql:2:14: `ingestion_time()`"),
            "{}",
            rendered[1]
        );
        let unplaced = Warning {
            message: "note".to_string(),
            span: None,
        };
        assert_eq!(unplaced.render(query, "rule.kql"), "rule.kql: note");
    }

    /// The tables a query names are found through `let`, subqueries and `invoke`, and a
    /// loaded table that the query does not name is left out.
    #[test]
    fn bound_query_lists_named_tables() {
        let mut session = Session::new();
        for name in ["A", "B", "C", "Unused"] {
            session.add_table(name, table("x"), "test");
        }
        session.add_table("FileProfile", table("SHA1"), "test");
        let query = "let a = A;\n\
            a | where x in (B | project x) | extend n = toscalar(C | count)\n\
            | project SHA1 = x | invoke FileProfile(SHA1)";
        let bound = session.prepare(query).expect("query binds");
        let names: Vec<&str> = bound.tables.iter().map(String::as_str).collect();
        assert_eq!(names, ["A", "B", "C", "FileProfile"]);
    }
}
