//! KQL text → tokens → AST, and AST → canonical KQL text.
//!
//! This crate is syntax only: it knows nothing of schemas, types or execution (and does not
//! depend on DataFusion). Every AST node carries its byte span; every error is a
//! [`Diagnostic`] with a span, collected rather than thrown, and the parser always consumes
//! the whole input: trailing text is an error, never silently dropped.
//!
//! ```
//! let q = kql_syntax::parse_query("T | where x has 'a' | take 10").unwrap();
//! assert_eq!(q.to_string(), "T\n| where x has \"a\"\n| take 10");
//! ```

pub mod ast;
mod print;

pub use ast::*;
pub use kql_diagnostics::{Diagnostic, Span};

/// Parses a whole query (statements separated by `;`).
pub fn parse_query(src: &str) -> Result<Query, Vec<Diagnostic>> {
    let _ = src;
    Err(vec![Diagnostic::error_unlocated(
        "KQL0000",
        "parser not written yet",
    )])
}
