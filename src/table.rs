//! Columnar tables: the unit every tabular operator consumes and produces.
//!
//! A table is a list of named, typed columns of equal length. Columns are shared
//! (`Arc`), so `project`, `extend` and renames copy no cell values.

use std::sync::Arc;

use crate::value::{Type, Value};

/// A column's name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: Type) -> Field {
        Field {
            name: name.into(),
            ty,
        }
    }
}

/// The ordered columns of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema { fields }
    }

    /// Returns the position of the column with this exact (case-sensitive) name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|field| field.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// The values of one column, shared between tables that keep the column unchanged.
pub type ColumnData = Arc<Vec<Value>>;

/// A table: a schema and one value vector per field, all of `row_count` length.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub schema: Schema,
    pub columns: Vec<ColumnData>,
    pub row_count: usize,
}

impl Table {
    /// Builds a table from a schema and its columns.
    ///
    /// The caller guarantees one column per field, each `row_count` long; a mismatch is a
    /// bug in the engine, not bad input, so it is checked only in debug builds.
    pub fn new(schema: Schema, columns: Vec<ColumnData>, row_count: usize) -> Table {
        debug_assert_eq!(schema.len(), columns.len());
        debug_assert!(columns.iter().all(|column| column.len() == row_count));
        Table {
            schema,
            columns,
            row_count,
        }
    }

    /// A table with the given columns and no rows.
    pub fn empty(schema: Schema) -> Table {
        let columns = schema.fields.iter().map(|_| Arc::new(Vec::new())).collect();
        Table::new(schema, columns, 0)
    }

    /// Builds a table from rows; every row must have one value per field.
    pub fn from_rows(schema: Schema, rows: Vec<Vec<Value>>) -> Table {
        let row_count = rows.len();
        let mut columns: Vec<Vec<Value>> = schema
            .fields
            .iter()
            .map(|_| Vec::with_capacity(row_count))
            .collect();
        for row in rows {
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
        let columns = columns.into_iter().map(Arc::new).collect();
        Table::new(schema, columns, row_count)
    }

    pub fn column(&self, name: &str) -> Option<&ColumnData> {
        self.schema.index_of(name).map(|index| &self.columns[index])
    }

    /// Returns the values of one row, in column order.
    pub fn row(&self, row: usize) -> Vec<Value> {
        self.columns
            .iter()
            .map(|column| column[row].clone())
            .collect()
    }

    /// Returns a table with only the given rows, in the given order (repeats allowed).
    pub fn take_rows(&self, rows: &[usize]) -> Table {
        let columns = self
            .columns
            .iter()
            .map(|column| Arc::new(rows.iter().map(|&row| column[row].clone()).collect()))
            .collect();
        Table::new(self.schema.clone(), columns, rows.len())
    }
}
