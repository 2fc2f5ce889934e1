//! `join` and `lookup`: options, the right side, and the `on` conditions.

use super::params::Options;
use super::{PResult, Parser};
use crate::ast::Join;
use crate::error::SyntaxErrorKind as K;

impl Parser<'_> {
    /// Everything after `join`/`lookup`: `[kind=...] [hints] right [on cond, ...]`.
    ///
    /// Join kinds are kept as option values (`kind=leftanti`); the binder checks them.
    pub fn join_body(&mut self, op: &str) -> PResult<Join> {
        let params = self.options(Options::Any)?;
        // A table name, a call or a parenthesised query: a postfix expression, never an
        // operator expression (`join -1` is an error, not `join (-1)`).
        let right = self.postfix()?;
        let on = if self.eat_word("on").is_some() {
            self.comma_list(|p| p.expr())?
        } else if self.at_operator_end() && op == "join" {
            Vec::new()
        } else {
            return Err(self.fail_here(
                K::ExpectedToken,
                &format!("expected `on` after the right side of `{op}`"),
            ));
        };
        Ok(Join { params, right, on })
    }
}
