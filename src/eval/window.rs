//! Row numbers of `row_number(start, restart)`, which depend on the last row at or before
//! the current one where `restart` is true. Searching back for it from every row would
//! cost O(n²) over a table, so the first evaluation on a table numbers all its rows in one
//! pass and caches the numbers in the [`EvalContext`]. Later rows, including rows that
//! other threads evaluate on other chunks of the table, read the cache, so a table costs
//! O(n).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, Weak};

use super::expr::{as_bool, evaluate};
use super::operators::CANCEL_CHECK_ROWS;
use super::{evaluation_error, lock, EvalContext};
use crate::binder::plan::RowRestart;
use crate::error::Result;
use crate::table::Table;
use crate::value::Value;

/// The cached row numbers, one slot per `row_number()` call by [`RowRestart::id`].
#[derive(Default)]
pub struct RowNumberCache {
    slots: Mutex<HashMap<usize, Arc<Mutex<Option<NumberedTable>>>>>,
}

/// The row numbers of one call over one table.
struct NumberedTable {
    /// The table's columns, held weakly. A weak reference keeps a column's allocation, and
    /// so its address, from being reused by another column, but lets its values be freed.
    columns: Vec<Weak<Vec<Value>>>,
    row_count: usize,
    numbers: Arc<Vec<i64>>,
}

impl NumberedTable {
    /// Returns true when `table` is the table these numbers were computed for. Two tables with the
    /// same columns in the same positions contain the same values, so the restart
    /// condition gives the same result on each row of both.
    fn is_for(&self, table: &Table) -> bool {
        self.row_count == table.row_count
            && self.columns.len() == table.columns.len()
            && self
                .columns
                .iter()
                .zip(&table.columns)
                .all(|(cached, column)| cached.as_ptr() == Arc::as_ptr(column))
    }
}

impl EvalContext {
    /// Returns the number that `row_number(start, restart)` gives `row` of `table`.
    ///
    /// The slot of the call stays locked while its numbers are computed, so a thread that
    /// requests the same call waits and then reads them. The condition is a subtree of the
    /// call, so it cannot contain the call itself, and computing it never waits on the slot
    /// that the call holds. A call whose cached numbers are for another table computes the
    /// numbers again and replaces them.
    pub fn restarted_row_number(
        &self,
        restart: &RowRestart,
        start: i64,
        table: &Table,
        row: usize,
        span: &Range<usize>,
    ) -> Result<i64> {
        let slot = Arc::clone(lock(&self.row_numbers.slots).entry(restart.id).or_default());
        let mut cached = lock(&slot);
        let numbers = match cached.as_ref() {
            Some(numbered) if numbered.is_for(table) => Arc::clone(&numbered.numbers),
            _ => {
                let numbers = Arc::new(number_rows(restart, start, table, self, span)?);
                *cached = Some(NumberedTable {
                    columns: table.columns.iter().map(Arc::downgrade).collect(),
                    row_count: table.row_count,
                    numbers: Arc::clone(&numbers),
                });
                numbers
            }
        };
        drop(cached);
        numbers
            .get(row)
            .copied()
            .ok_or_else(|| evaluation_error(span, format!("row {row} is outside the table")))
    }
}

/// Numbers every row of `table` in one pass: `start` on the first row and on each row
/// where the condition is true, otherwise one more than the previous row.
///
/// NOTE: a null condition continues the count, because null is not true. Kusto's
/// row_number() page does not say what a null restart does. The choice follows `where`,
/// which drops a row whose predicate is null
/// (learn.microsoft.com/kusto/query/scalar-data-types/null-values).
fn number_rows(
    restart: &RowRestart,
    start: i64,
    table: &Table,
    context: &EvalContext,
    span: &Range<usize>,
) -> Result<Vec<i64>> {
    let mut numbers = Vec::with_capacity(table.row_count);
    let mut previous: Option<i64> = None;
    for row in 0..table.row_count {
        if row % CANCEL_CHECK_ROWS == 0 {
            context.check_cancelled(span)?;
        }
        let restarts = as_bool(&evaluate(&restart.condition, table, row, context)?) == Some(true);
        let number = match previous {
            Some(previous) if !restarts => previous
                .checked_add(1)
                .ok_or_else(|| evaluation_error(span, "row_number() overflowed a long"))?,
            _ => start,
        };
        numbers.push(number);
        previous = Some(number);
    }
    Ok(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binder::plan::{BoundExpr, BoundKind};
    use crate::error::ErrorKind;
    use crate::table::{Field, Schema};
    use crate::value::Type;

    /// Builds a one-column table of restart flags, with `None` as a null.
    fn flags(values: &[Option<bool>]) -> Table {
        let schema = Schema::new(vec![Field::new("Restart", Type::Bool)]);
        let rows = values
            .iter()
            .map(|flag| vec![flag.map_or(Value::Null, Value::Bool)])
            .collect();
        Table::from_rows(schema, rows)
    }

    /// Builds the restart condition that reads the column of [`flags`], with cache slot `id`.
    fn restart_on_column(id: usize) -> RowRestart {
        RowRestart {
            id,
            condition: Box::new(BoundExpr {
                kind: BoundKind::Column(0),
                ty: Type::Bool,
                span: 0..0,
            }),
        }
    }

    /// Numbers every row of `table` in row order, as `extend` evaluates them.
    fn numbers(context: &EvalContext, restart: &RowRestart, start: i64, table: &Table) -> Vec<i64> {
        (0..table.row_count)
            .map(|row| {
                context
                    .restarted_row_number(restart, start, table, row, &(0..0))
                    .unwrap_or_else(|error| panic!("row {row}: {}", error.message))
            })
            .collect()
    }

    /// Numbers the rows of a fresh [`flags`] table with a fresh context.
    fn number_flags(values: &[Option<bool>], start: i64) -> Vec<i64> {
        let context = EvalContext::for_tests();
        numbers(&context, &restart_on_column(0), start, &flags(values))
    }

    // learn.microsoft.com/kusto/query/row-number-function: the count goes back to the
    // starting index on each row where the restart condition is true.
    #[test]
    fn restart_returns_to_start() {
        let values = [
            Some(true),
            Some(false),
            Some(false),
            Some(true),
            Some(false),
        ];
        assert_eq!(number_flags(&values, 1), [1, 2, 3, 1, 2]);
    }

    #[test]
    fn first_row_gets_start_without_restart() {
        let values = [Some(false), Some(false), Some(true)];
        assert_eq!(number_flags(&values, 10), [10, 11, 10]);
    }

    #[test]
    fn restart_on_every_row() {
        assert_eq!(number_flags(&[Some(true); 4], 7), [7; 4]);
    }

    #[test]
    fn null_restart_continues_count() {
        let values = [None, None, Some(true), None];
        assert_eq!(number_flags(&values, 1), [1, 2, 1, 2]);
    }

    #[test]
    fn cache_tells_tables_apart() {
        let first = flags(&[Some(false), Some(false), Some(false)]);
        let second = flags(&[Some(false), Some(true), Some(false)]);
        let context = EvalContext::for_tests();
        let restart = restart_on_column(0);
        assert_eq!(numbers(&context, &restart, 1, &first), [1, 2, 3]);
        assert_eq!(numbers(&context, &restart, 1, &second), [1, 1, 2]);
        assert_eq!(numbers(&context, &restart, 1, &first), [1, 2, 3]);
    }

    #[test]
    fn cache_tells_calls_apart() {
        let table = flags(&[Some(false), Some(true), Some(false)]);
        let context = EvalContext::for_tests();
        assert_eq!(
            numbers(&context, &restart_on_column(0), 1, &table),
            [1, 1, 2]
        );
        assert_eq!(
            numbers(&context, &restart_on_column(1), 5, &table),
            [5, 5, 6]
        );
    }

    // Rows requested backwards and from two threads, as parallel chunks of a table are,
    // get the numbers of one pass in row order.
    #[test]
    fn rows_numbered_in_any_order() {
        let pattern = [
            Some(false),
            Some(false),
            Some(true),
            None,
            Some(false),
            Some(true),
        ];
        let table = flags(&pattern.repeat(1000));
        let context = EvalContext::for_tests();
        let restart = restart_on_column(0);
        let in_order = numbers(&EvalContext::for_tests(), &restart, 1, &table);
        assert_eq!(in_order[..6], [1, 2, 1, 2, 3, 1]);

        let middle = table.row_count / 2;
        let number_of = |row: usize| {
            context
                .restarted_row_number(&restart, 1, &table, row, &(0..0))
                .unwrap_or_else(|error| panic!("row {row}: {}", error.message))
        };
        let backwards_from = |rows: Range<usize>| rows.rev().map(number_of).collect::<Vec<i64>>();
        let (second_half, first_half) = std::thread::scope(|scope| {
            let second = scope.spawn(|| backwards_from(middle..table.row_count));
            let first = scope.spawn(|| backwards_from(0..middle));
            (second.join(), first.join())
        });
        let mut backwards = second_half.expect("the thread numbering the second half panicked");
        backwards.extend(first_half.expect("the thread numbering the first half panicked"));
        backwards.reverse();
        assert_eq!(backwards, in_order);
    }

    #[test]
    fn count_past_long_max_fails() {
        let table = flags(&[Some(false), Some(false)]);
        let context = EvalContext::for_tests();
        let error = context
            .restarted_row_number(&restart_on_column(0), i64::MAX, &table, 0, &(0..0))
            .err();
        assert_eq!(error.map(|error| error.kind), Some(ErrorKind::Evaluation));
    }
}
