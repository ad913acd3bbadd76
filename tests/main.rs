//! Integration tests, compiled as one binary so the suite builds and runs fast.

mod cli;
mod golden;
mod operators;
mod semantics;
mod support;
