//! `kql test`: regression tests for detection rules, run offline.
//!
//! A test file (`*.test.toml`, see `docs/rule-testing.md`) names a rule, pins the clock,
//! gives input tables, and lists cases, each with the rows the rule must return. The
//! runner builds one [`Session`](crate::engine::Session) per case, runs the rule with the
//! case's stubs (`let` statements put before the rule), and compares the result by value.
//!
//! The modules, in the order a run uses them:
//! - `discover` finds test files and `spec` parses them.
//! - `rule` reads the `.kql` or Sentinel YAML rule, and `fixtures` loads input tables.
//! - `runner` runs the cases, and `compare` checks their results.
//! - `report` and `junit` write the outcomes.

mod compare;
mod discover;
mod fixtures;
mod junit;
mod report;
mod rule;
mod runner;
mod spec;

pub use compare::{Difference, Mismatch, NearMatch, RowText};
pub use discover::{discover, TEST_FILE_SUFFIX};
pub use junit::{build_report, write_report};
pub use report::{plain, write_case, write_summary, Summary};
pub use rule::{
    is_analytic_rule, parse_analytic_rule, parse_period, query_origin, read_rule, Rule,
};
pub use runner::{run_test_file, CaseOutcome, RunOptions, Status, FILE_CASE_NAME};
pub use spec::{parse_test_file, read_test_file, TestFile};
