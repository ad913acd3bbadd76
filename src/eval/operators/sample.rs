//! `sample N`: up to N rows of the input chosen at random, in input order
//! (learn.microsoft.com/kusto/query/sample-operator). Kusto documents the operator as
//! non-deterministic, so every run may return other rows.

use crate::table::Table;

pub fn run(input: Table, count: usize) -> Table {
    if input.row_count <= count {
        return input;
    }
    let rows = choose_rows(input.row_count, count, &mut fastrand::Rng::new());
    input.take_rows(&rows)
}

/// Picks `count` distinct row numbers below `total`, each set equally likely, with a
/// partial Fisher–Yates shuffle, and returns them in ascending order.
fn choose_rows(total: usize, count: usize, rng: &mut fastrand::Rng) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..total).collect();
    for index in 0..count {
        let pick = rng.usize(index..total);
        rows.swap(index, pick);
    }
    rows.truncate(count);
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_distinct_rows_in_range() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..100 {
            let rows = choose_rows(10, 4, &mut rng);
            assert_eq!(rows.len(), 4);
            assert!(rows.windows(2).all(|pair| pair[0] < pair[1]), "{rows:?}");
            assert!(rows.iter().all(|&row| row < 10), "{rows:?}");
        }
    }

    #[test]
    fn every_row_can_be_chosen() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut seen = [false; 6];
        for _ in 0..200 {
            for row in choose_rows(6, 1, &mut rng) {
                seen[row] = true;
            }
        }
        assert!(seen.iter().all(|&hit| hit), "{seen:?}");
    }
}
