//! `kql`: an offline engine for the Kusto Query Language.
//!
//! A query flows through these stages (see `ARCHITECTURE.md`):
//! source text → [`lexer`] → [`parser`] → [`ast`] → [`binder`] → [`eval`] → [`output`].

pub mod ast;
pub mod binder;
pub mod data;
pub mod engine;
pub mod error;
pub mod eval;
pub mod geo;
pub mod lexer;
pub mod output;
pub mod parser;
pub mod repl;
pub mod ruletest;
pub mod schema;
pub mod stream;
pub mod table;
pub mod value;
pub mod watchlist;
