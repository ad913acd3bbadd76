//! The binder: resolves every name in a parsed script (tables, columns, `let` variables,
//! functions), checks types, and produces the [`plan::Plan`] the evaluator runs.
//!
//! `let` bindings are substituted where they are used, which matches Kusto's rule that a
//! `let` binds a name to an expression, not to a computed value. Errors carry the span of
//! the offending text and, for names, the closest known alternative.

pub mod columns;
mod expr;
mod names;
pub mod plan;
mod tabular;

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{Expr, ExprKind, Script, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Schema, Table};
use plan::{BoundExpr, Plan};

/// The table schemas a query can name.
pub trait SchemaSource {
    /// Returns the schema of the table with this exact name.
    fn schema(&self, name: &str) -> Option<Schema>;
    /// Every table name, for "did you mean" hints.
    fn table_names(&self) -> Vec<String>;
}

impl SchemaSource for HashMap<String, Arc<Table>> {
    fn schema(&self, name: &str) -> Option<Schema> {
        self.get(name).map(|table| table.schema.clone())
    }

    fn table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.keys().cloned().collect();
        names.sort();
        names
    }
}

/// A bound script: the plan of its final query plus the options its `set` statements set.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    pub plan: Plan,
    /// The clock pinned with `set query_now = datetime(…)`, in ticks.
    pub now: Option<i64>,
}

/// What a `let` name stands for.
#[derive(Debug, Clone)]
enum Binding {
    Scalar(BoundExpr),
    Tabular(Plan),
}

/// Resolves names and types in a script against the given tables.
pub struct Binder<'a> {
    tables: &'a dyn SchemaSource,
    scopes: Vec<HashMap<String, Binding>>,
}

impl<'a> Binder<'a> {
    pub fn new(tables: &'a dyn SchemaSource) -> Binder<'a> {
        Binder {
            tables,
            scopes: vec![HashMap::new()],
        }
    }

    /// Binds every statement; the last must be a tabular query.
    pub fn bind_script(&mut self, script: &Script) -> Result<BoundQuery> {
        let mut now = None;
        let mut query = None;
        for (position, statement) in script.statements.iter().enumerate() {
            let is_last = position + 1 == script.statements.len();
            match statement {
                Statement::Let { name, value } => {
                    let binding = self.bind_let_value(value)?;
                    self.define(&name.name, binding);
                    if is_last {
                        return Err(Error::syntax(
                            name.span.clone(),
                            "the query ends with a `let` statement; add a tabular expression after the last `;`",
                        ));
                    }
                }
                Statement::Set { name, value } => {
                    if name.name == "query_now" {
                        now = Some(self.bind_query_now(name, value.as_ref())?);
                    } else {
                        log::debug!(
                            "ignoring `set {}`: it does not change results here",
                            name.name
                        );
                    }
                    if is_last {
                        return Err(Error::syntax(
                            name.span.clone(),
                            "the query ends with a `set` statement; add a tabular expression after it",
                        ));
                    }
                }
                Statement::Query(expr) => {
                    if !is_last {
                        return Err(Error::unsupported(
                            expr.span.clone(),
                            "only the last statement can be a query; several result tables are not supported yet",
                        ));
                    }
                    query = Some(self.bind_tabular(expr)?);
                }
            }
        }
        let plan =
            query.ok_or_else(|| Error::syntax(0..0, "the query has no tabular expression"))?;
        Ok(BoundQuery { plan, now })
    }

    fn bind_query_now(&mut self, name: &crate::ast::Ident, value: Option<&Expr>) -> Result<i64> {
        let Some(value) = value else {
            return Err(Error::syntax(
                name.span.clone(),
                "`set query_now` needs a value: `set query_now = datetime(2025-01-01);`",
            ));
        };
        let bound = self.bind_scalar(value, &Schema::default())?;
        match bound.kind {
            plan::BoundKind::Literal(crate::value::Value::DateTime(ticks)) => Ok(ticks),
            _ => Err(Error::at(
                ErrorKind::TypeMismatch,
                value.span.clone(),
                "`set query_now` takes a datetime literal such as datetime(2025-08-30T00:00:00Z)",
            )),
        }
    }

    /// A `let` value is tabular when it is a pipeline, a table, or a tabular literal;
    /// otherwise it is a scalar bound with no columns in scope.
    fn bind_let_value(&mut self, value: &Expr) -> Result<Binding> {
        if self.is_tabular(value) {
            return Ok(Binding::Tabular(self.bind_tabular(value)?));
        }
        Ok(Binding::Scalar(
            self.bind_scalar(value, &Schema::default())?,
        ))
    }

    fn define(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), binding);
        }
    }

    fn lookup_binding(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    fn binding_names(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|scope| scope.keys().cloned())
            .collect()
    }

    /// True when the expression denotes a table rather than a scalar.
    fn is_tabular(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Pipe { .. } | ExprKind::DataTable { .. } | ExprKind::Print(_) => true,
            ExprKind::Name(name) => match self.lookup_binding(name) {
                Some(Binding::Tabular(_)) => true,
                Some(Binding::Scalar(_)) => false,
                None => self.tables.schema(name).is_some(),
            },
            _ => false,
        }
    }

    pub fn bind_scalar(&mut self, expr: &Expr, schema: &Schema) -> Result<BoundExpr> {
        expr::bind(self, expr, schema)
    }

    pub fn bind_tabular(&mut self, expr: &Expr) -> Result<Plan> {
        tabular::bind(self, expr)
    }
}

/// Parses nothing: binds an already parsed script against `tables`.
pub fn bind(script: &Script, tables: &dyn SchemaSource) -> Result<BoundQuery> {
    Binder::new(tables).bind_script(script)
}
