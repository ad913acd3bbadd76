//! Subqueries inside scalar expressions (`toscalar(T)`, `x in (T | project c)`,
//! `x has_any (T)`): each runs at most once per query, on first use, and its first column
//! is cached in the [`EvalContext`] by the number the binder gave it. `materialize(T)`
//! results are cached the same way, whole.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::text::Needle;
use super::{lock, EvalContext, TableSource};
use crate::binder::plan::Subquery;
use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;
use crate::value::Value;

/// The tables subqueries read, and their cached results.
#[derive(Default)]
pub struct Subqueries {
    tables: Option<Arc<dyn TableSource + Send + Sync>>,
    columns: Mutex<HashMap<usize, Arc<Vec<Value>>>>,
    needles: Mutex<HashMap<usize, Arc<Vec<Needle>>>>,
    /// One slot per `materialize(T)`, filled by the first use. A use on another thread
    /// waits on the slot's lock, so every use reads the same result.
    materialized: Mutex<HashMap<usize, Arc<Mutex<Option<Table>>>>>,
}

impl Subqueries {
    pub fn new(tables: Arc<dyn TableSource + Send + Sync>) -> Subqueries {
        Subqueries {
            tables: Some(tables),
            ..Subqueries::default()
        }
    }
}

impl EvalContext {
    /// Returns the first column of a subquery's result, running it on first use.
    pub fn subquery_column(&self, subquery: &Subquery) -> Result<Arc<Vec<Value>>> {
        let cache = &self.subqueries.columns;
        if let Some(found) = lock(cache).get(&subquery.id) {
            return Ok(Arc::clone(found));
        }
        // The lock is not held while the plan runs, because the plan may contain other
        // subqueries.
        let Some(tables) = &self.subqueries.tables else {
            return Err(Error::at(
                ErrorKind::Evaluation,
                subquery.plan.span.clone(),
                "this evaluation context has no tables to run a subquery on",
            ));
        };
        let table = super::operators::run(&subquery.plan, tables.as_ref(), self)?;
        let column = table.columns.first().cloned().unwrap_or_default();
        lock(cache).insert(subquery.id, Arc::clone(&column));
        Ok(column)
    }

    /// Returns the result of `materialize(T)` number `id`, running `compute` on first use.
    pub fn materialized(
        &self,
        id: usize,
        compute: impl FnOnce() -> Result<Table>,
    ) -> Result<Table> {
        let slot = Arc::clone(lock(&self.subqueries.materialized).entry(id).or_default());
        let mut result = lock(&slot);
        if let Some(table) = result.as_ref() {
            return Ok(table.clone());
        }
        let table = compute()?;
        *result = Some(table.clone());
        Ok(table)
    }

    /// Returns the `has_any` needles of a subquery: the text of each first-column value.
    pub fn subquery_needles(&self, subquery: &Subquery) -> Result<Arc<Vec<Needle>>> {
        if let Some(found) = lock(&self.subqueries.needles).get(&subquery.id) {
            return Ok(Arc::clone(found));
        }
        let column = self.subquery_column(subquery)?;
        let needles: Arc<Vec<Needle>> = Arc::new(
            column
                .iter()
                .map(|value| Needle::new(&value.to_kusto_string(), false))
                .collect(),
        );
        lock(&self.subqueries.needles).insert(subquery.id, Arc::clone(&needles));
        Ok(needles)
    }
}
