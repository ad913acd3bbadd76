//! Integration tests, compiled as one binary so the suite builds and runs fast.

mod activity;
mod arg_tables;
mod cli;
mod datetime_range;
mod defender;
mod extraction;
mod functions;
mod golden;
mod inputs;
mod language;
mod operators;
mod query_files;
mod repl;
mod ruletest;
mod search;
mod semantics;
mod support;
mod watchlist;
mod window;
