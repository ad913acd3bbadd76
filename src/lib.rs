//! `kql`: an offline engine for the Kusto Query Language.
//!
//! A query flows through these stages (see `ARCHITECTURE.md`):
//! source text → [`lexer`] → [`parser`] → [`ast`] → [`binder`] → [`eval`] → [`output`].

pub mod data;
pub mod error;
pub mod schema;
pub mod table;
pub mod value;
