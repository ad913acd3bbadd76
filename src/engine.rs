//! The engine's entry points for the command line, the REPL and the rule test runner:
//! a [`Session`] holds loaded tables and settings and runs query text against them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::binder::{self, BoundQuery, SchemaSource};
use crate::error::Result;
use crate::eval::{self, EvalContext, GeoLoader};
use crate::parser;
use crate::table::Table;

/// Where `geo_info_from_ip_address` reads from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GeoSource {
    /// The country database compiled into the binary.
    #[default]
    Embedded,
    /// A MaxMind-format `.mmdb` file (GeoLite2-City, GeoIP2-City, …).
    File(PathBuf),
}

/// Loaded tables and the settings every query in the session shares.
#[derive(Default)]
pub struct Session {
    tables: HashMap<String, Arc<Table>>,
    sources: HashMap<String, String>,
    /// The pinned clock (`--now`), in ticks; `None` uses the system clock per query.
    pub now: Option<i64>,
    pub geo: GeoSource,
    /// The maximum row count of any table a query produces (`--max-rows`), or no limit.
    pub max_rows: Option<usize>,
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

    /// Parses and binds a query against the loaded tables without running it.
    pub fn prepare(&self, query: &str) -> Result<BoundQuery> {
        let script = parser::parse(query)?;
        binder::bind(&script, &self.tables)
    }

    /// Parses, binds and runs a query; returns its result table.
    pub fn run(&self, query: &str) -> Result<Table> {
        let bound = self.prepare(query)?;
        let context = self.context(bound.now);
        eval::execute(&bound.plan, &self.tables, &context)
    }

    /// The evaluation context for one query: one clock reading for the whole query
    /// (`set query_now` beats `--now`, which beats the system clock) and the GeoIP source.
    pub fn context(&self, query_now: Option<i64>) -> EvalContext {
        let now = query_now.or(self.now).unwrap_or_else(system_now);
        let mut context = EvalContext::new(now).with_geo(geo_loader(self.geo.clone()));
        context.max_rows = self.max_rows;
        context
    }
}

/// Parses and binds a query against table schemas alone, as `kql check` does.
pub fn check(query: &str, schemas: &dyn SchemaSource) -> Result<BoundQuery> {
    let script = parser::parse(query)?;
    binder::bind(&script, schemas)
}

/// The current time in ticks since the Unix epoch.
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
