//! The evaluator: runs a bound [`Plan`] over tables and returns the result table.
//!
//! Tabular operators live one per file under [`operators`]; scalar expressions are
//! evaluated row by row in [`expr`]; scalar functions are in the [`functions`] catalog.
//! Everything a query reads besides its tables (the clock, the GeoIP database) comes from
//! one [`EvalContext`], so the same query over the same tables gives the same result.

pub mod aggregates;
pub mod expr;
pub mod functions;
pub mod operators;
mod subquery;
pub mod text;
mod window;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::binder::plan::Plan;
use crate::error::{Error, Result};
use crate::table::Table;

/// Looks up IP addresses for `geo_info_from_ip_address`.
pub trait GeoLookup: Send + Sync {
    /// Returns the bag for this address text; empty when the database has no data for it.
    fn lookup(&self, text: &str) -> serde_json::Map<String, serde_json::Value>;
}

/// Opens the GeoIP database when a query first needs it.
pub type GeoLoader = Box<dyn Fn() -> Result<Arc<dyn GeoLookup>> + Send + Sync>;

/// What a query reads besides its tables.
pub struct EvalContext {
    /// The query's clock, in ticks since the Unix epoch: `now()` and `ago()` read it.
    pub now: i64,
    /// The maximum row count of the result and of every table an operator produces; `None`
    /// is no limit. Checked after each operator, so one operator's output can exceed it
    /// before the query stops.
    pub max_rows: Option<usize>,
    geo_loader: Option<GeoLoader>,
    geo: OnceLock<std::result::Result<Arc<dyn GeoLookup>, String>>,
    subqueries: subquery::Subqueries,
    row_numbers: window::RowNumberCache,
    /// Local files for `externaldata` URLs (`--externaldata URL=PATH`).
    pub externaldata: HashMap<String, PathBuf>,
    /// Set by another thread to stop the query, as the REPL does on Ctrl-C.
    cancel: Option<Arc<AtomicBool>>,
}

impl EvalContext {
    pub fn new(now: i64) -> EvalContext {
        EvalContext {
            now,
            max_rows: None,
            geo_loader: None,
            geo: OnceLock::new(),
            subqueries: subquery::Subqueries::default(),
            row_numbers: window::RowNumberCache::default(),
            externaldata: HashMap::new(),
            cancel: None,
        }
    }

    /// Stops the query with an error soon after `flag` becomes true.
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> EvalContext {
        self.cancel = Some(flag);
        self
    }

    /// Fails when the query was cancelled. Operators call it between operators and every
    /// few thousand rows, so a cancelled query stops within a fraction of a second.
    pub fn check_cancelled(&self, span: &std::ops::Range<usize>) -> Result<()> {
        match &self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => {
                Err(evaluation_error(span, "the query was cancelled"))
            }
            _ => Ok(()),
        }
    }

    /// Sets the tables that subqueries (`toscalar`, `in (T)`) read: the same tables the
    /// query runs on.
    pub fn with_tables(mut self, tables: Arc<dyn TableSource + Send + Sync>) -> EvalContext {
        self.subqueries = subquery::Subqueries::new(tables);
        self
    }

    /// A context pinned to 2025-01-01T00:00:00Z with no GeoIP database, for unit tests.
    pub fn for_tests() -> EvalContext {
        EvalContext::new(crate::value::parse_datetime("2025-01-01T00:00:00Z").unwrap_or(0))
    }

    pub fn with_geo(mut self, loader: GeoLoader) -> EvalContext {
        self.geo_loader = Some(loader);
        self
    }

    /// Returns the GeoIP database, opening it on first use.
    pub fn geo(&self) -> std::result::Result<&dyn GeoLookup, String> {
        let loaded = self.geo.get_or_init(|| match &self.geo_loader {
            Some(loader) => loader().map_err(|error| error.message),
            None => Err("no GeoIP database is configured".to_string()),
        });
        match loaded {
            Ok(geo) => Ok(geo.as_ref()),
            Err(message) => Err(message.clone()),
        }
    }
}

/// The tables a query can read, by name.
pub trait TableSource {
    fn table(&self, name: &str) -> Option<Arc<Table>>;
}

impl TableSource for HashMap<String, Arc<Table>> {
    fn table(&self, name: &str) -> Option<Arc<Table>> {
        self.get(name).cloned()
    }
}

/// Runs a plan and returns its result.
pub fn execute(plan: &Plan, tables: &dyn TableSource, context: &EvalContext) -> Result<Table> {
    operators::run(plan, tables, context)
}

/// Wraps a function or operator failure as an evaluation error at `span`.
pub(crate) fn evaluation_error(span: &std::ops::Range<usize>, message: impl Into<String>) -> Error {
    Error::at(crate::error::ErrorKind::Evaluation, span.clone(), message)
}

/// Locks a cache. A panic while the lock was held leaves only a complete entry or none,
/// so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
