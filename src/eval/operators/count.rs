//! `count`: one row, one `long` column named `Count`.

use std::sync::Arc;

use crate::table::{Field, Schema, Table};
use crate::value::{Type, Value};

pub fn run(input: &Table) -> Table {
    let schema = Schema::new(vec![Field::new("Count", Type::Long)]);
    let count = Value::Long(input.row_count as i64);
    Table::new(schema, vec![Arc::new(vec![count])], 1)
}
