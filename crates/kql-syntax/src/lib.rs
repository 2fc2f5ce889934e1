//! KQL text → tokens → AST, and AST → canonical KQL text.
//!
//! This crate is syntax only: it knows nothing of schemas, types or execution (and does not
//! depend on DataFusion). Every AST node carries its byte span; every error is a
//! [`Diagnostic`] with a span and a stable code (see [`SyntaxErrorKind`]), collected rather
//! than thrown, and the parser always consumes the whole input: trailing text is an error,
//! never silently dropped. No input makes it panic or overflow the stack: nesting is capped
//! at [`MAX_NESTING`] levels and returned trees are at most [`MAX_TREE_DEPTH`] deep.
//!
//! ```
//! let q = kql_syntax::parse_query("T | where x has 'a' | take 10").unwrap();
//! assert_eq!(q.to_string(), "T\n| where x has \"a\"\n| take 10");
//! ```
//!
//! Printing is canonical and round-trips: parsing the printed text gives the same tree, spans
//! aside (compare with [`ClearSpans::without_spans`]).

pub mod ast;
mod error;
mod keywords;
mod lexer;
mod parser;
mod print;
mod spans;
mod token;
mod walk;

pub use ast::*;
pub use error::SyntaxErrorKind;
pub use kql_diagnostics::{Diagnostic, Span};
pub use parser::{MAX_NESTING, MAX_TREE_DEPTH};
pub use spans::ClearSpans;

/// Parses a whole query (statements separated by `;`).
pub fn parse_query(src: &str) -> Result<Query, Vec<Diagnostic>> {
    if let Some(d) = too_long(src) {
        return Err(vec![d]);
    }
    let mut p = parser::Parser::new(src);
    let q = p.query();
    let diags = p.finish();
    if diags.iter().any(Diagnostic::is_error) {
        Err(diags)
    } else {
        Ok(q)
    }
}

/// Parses one scalar expression, such as a suppression predicate
/// (`AccountName =~ "svc" and DeviceName startswith "build-"`). Pipes are not allowed.
pub fn parse_expression(src: &str) -> Result<Expr, Vec<Diagnostic>> {
    if let Some(d) = too_long(src) {
        return Err(vec![d]);
    }
    let mut p = parser::Parser::new(src);
    let e = p.whole_expression();
    let diags = p.finish();
    match e {
        Some(e) if !diags.iter().any(Diagnostic::is_error) => Ok(e),
        _ => Err(diags),
    }
}

/// Spans are 32-bit: longer texts are refused up front.
fn too_long(src: &str) -> Option<Diagnostic> {
    (u32::try_from(src.len()).is_err()).then(|| {
        Diagnostic::error_unlocated(
            SyntaxErrorKind::NestingTooDeep.code(),
            "the query text is larger than 4 GiB",
        )
    })
}
