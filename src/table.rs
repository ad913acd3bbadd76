//! Columnar tables: the unit every tabular operator consumes and produces.
//!
//! A table is a list of named, typed columns of equal length. Columns are shared
//! (`Arc`), so `project`, `extend` and renames copy no cell values.

use std::sync::Arc;

use crate::value::{Type, Value};

/// A column's name and type, and whether the query may show its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    /// Set on a column whose values, or whose presence, Kusto's documentation leaves
    /// open, such as a column that `invoke FileProfile()` adds under a name the input
    /// already has. Operators clone fields, so the mark travels with the column; see
    /// [`Undetermined`].
    pub undetermined: Option<Arc<Undetermined>>,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: Type) -> Field {
        Field {
            name: name.into(),
            ty,
            undetermined: None,
        }
    }

    /// Builds a column that the query may pass on but never read or show.
    pub fn undetermined(name: impl Into<String>, ty: Type, undetermined: Undetermined) -> Field {
        Field {
            name: name.into(),
            ty,
            undetermined: Some(Arc::new(undetermined)),
        }
    }

    /// Returns the field under another name, keeping its type and mark.
    pub fn renamed(&self, name: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            ..self.clone()
        }
    }

    pub fn is_undetermined(&self) -> bool {
        self.undetermined.is_some()
    }
}

/// The reason that a column's content is not known, with a fix for the query.
///
/// The binder lets such a column travel through operators that pass every column on,
/// and rejects any operator that reads it by name or shows every column (`*`,
/// `pack_all()`, `getschema`, the query's result). Projections that list their columns
/// drop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undetermined {
    /// True when a column of this name is known to exist and only its values are open,
    /// so `project-away` may name it. False for a column that may not exist at all, or
    /// may have another name.
    pub name_known: bool,
    /// The reason, as a clause that errors put after "… is not supported yet: ", such
    /// as "after FileProfile() on a table with a `SHA256` column, `SHA256` may hold …".
    pub reason: String,
    /// The change to the query that avoids the column, shown as a hint.
    pub hint: String,
}

/// The ordered columns of a table.
///
/// Lookups by name ([`Schema::index_of`], [`Schema::field`]) skip undetermined columns,
/// so that code which resolves a name cannot read one by mistake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema { fields }
    }

    /// Returns the position of the column with this exact (case-sensitive) name, unless
    /// that column is undetermined.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index_of_any(name)
            .filter(|&index| !self.fields[index].is_undetermined())
    }

    /// Returns the position of the column with this exact name, undetermined or not, for
    /// code that checks whether a name is taken.
    pub fn index_of_any(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    /// Returns the column with this exact name, unless it is undetermined.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.index_of(name).map(|index| &self.fields[index])
    }

    /// Returns the undetermined column with this exact name, if there is one.
    pub fn undetermined(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|field| field.name == name && field.is_undetermined())
    }

    /// Returns the first undetermined column, if any.
    pub fn first_undetermined(&self) -> Option<&Field> {
        self.fields.iter().find(|field| field.is_undetermined())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|field| field.name.as_str())
    }

    /// Returns the names of the columns that are not undetermined, the only ones a query
    /// may read, for "did you mean" hints and lists of available columns.
    pub fn determined_names(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(|field| !field.is_undetermined())
            .map(|field| field.name.as_str())
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
