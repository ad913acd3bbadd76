//! `take N` / `limit N`: the first N rows. Kusto returns any N rows; this engine keeps
//! input order, so the result is the first N.

use crate::table::Table;

pub fn run(input: Table, count: usize) -> Table {
    if input.row_count <= count {
        return input;
    }
    let rows: Vec<usize> = (0..count).collect();
    input.take_rows(&rows)
}
