//! Integration tests, compiled as one binary so the suite builds and runs fast.

mod cli;
mod golden;
mod inputs;
mod semantics;
mod support;
