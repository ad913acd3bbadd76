//! Integration tests, compiled as one binary so the suite builds and runs fast.

mod activity;
mod cli;
mod datetime_range;
mod extraction;
mod functions;
mod golden;
mod inputs;
mod language;
mod operators;
mod repl;
mod ruletest;
mod search;
mod semantics;
mod support;
mod watchlist;
mod window;
