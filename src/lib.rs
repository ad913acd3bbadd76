//! `kql`: an offline engine for the Kusto Query Language.
//!
//! A query flows through these stages (see `ARCHITECTURE.md`):
//! source text → [`lexer`] → [`parser`] → [`ast`] → [`binder`] → [`eval`] → [`output`].

pub mod ast;
pub mod binder;
pub mod error;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod table;
pub mod value;
