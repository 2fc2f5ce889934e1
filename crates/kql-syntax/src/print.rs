//! Canonical printer: AST → KQL text. (Placeholder until the printer lands.)

use crate::ast::Query;
use std::fmt;

impl fmt::Display for Query {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}
