//! `parse`, `parse-where` and `parse-kv`: operators with a pattern language of their own.

use super::params::Options;
use super::{Fail, PResult, Parser};
use crate::ast::{
    Ident, LiteralKind, NamedParam, ParamValue, Parse, ParseKind, ParseKv, ParsePart,
};
use crate::error::SyntaxErrorKind as K;
use crate::token::{Punct, Tok};

impl Parser<'_> {
    /// `[kind=simple|regex|relaxed [flags=...]] expr with pattern`.
    pub fn parse_op(&mut self, where_: bool) -> PResult<Parse> {
        let op = if where_ { "parse-where" } else { "parse" };
        let all = self.options(Options::Any)?;
        let mut kind = ParseKind::Simple;
        let mut flags = None;
        let mut params = Vec::new();
        for p in all {
            match p.name.name.as_str() {
                "kind" => kind = self.parse_kind(&p)?,
                "flags" => flags = Some(option_text(&p.value)),
                _ => params.push(p),
            }
        }
        let expr = self.expr()?;
        self.expect_word("with", &format!("after the parsed expression of `{op}`"))?;
        let mut pattern = Vec::new();
        while !self.at_operator_end() {
            let t = self.peek().clone();
            match t.kind {
                Tok::Punct(Punct::Star) => {
                    self.bump();
                    pattern.push(ParsePart::Star(t.span));
                }
                Tok::Str { .. } => {
                    let (value, _, span) = self.string_literal();
                    pattern.push(ParsePart::Text { value, span });
                }
                Tok::Ident | Tok::Punct(Punct::LBracket) => {
                    let name = self.name("a column name")?;
                    let ty = if self.eat(Punct::Colon).is_some() {
                        Some(self.scalar_type()?.0)
                    } else {
                        None
                    };
                    pattern.push(ParsePart::Column { name, ty });
                }
                _ => {
                    return Err(self.fail_here(
                        K::ExpectedToken,
                        &format!("expected `*`, a string or a column name in the `{op}` pattern"),
                    ));
                }
            }
        }
        if pattern.is_empty() {
            return Err(self.fail_here(
                K::ExpectedToken,
                &format!("expected a pattern after `with` in `{op}`"),
            ));
        }
        Ok(Parse {
            where_,
            kind,
            flags,
            params,
            expr,
            pattern,
        })
    }

    fn parse_kind(&mut self, p: &NamedParam) -> PResult<ParseKind> {
        let text = option_text(&p.value);
        match text.as_str() {
            "simple" => Ok(ParseKind::Simple),
            "regex" => Ok(ParseKind::Regex),
            "relaxed" => Ok(ParseKind::Relaxed),
            other => {
                let d = self.error(
                    K::InvalidOptionValue,
                    format!("unknown `parse` kind `{other}`"),
                    p.span,
                );
                d.helps
                    .push("the kinds are `simple`, `regex` and `relaxed`".into());
                Err(Fail)
            }
        }
    }

    /// `expr as (Key:type, ...) [with (pair_delimiter=..., ...)]`.
    pub fn parse_kv(&mut self) -> PResult<ParseKv> {
        let expr = self.expr()?;
        self.expect_word("as", "after the parsed expression of `parse-kv`")?;
        let columns = self.schema("`parse-kv`")?;
        let params = if self.eat_word("with").is_some() {
            self.paren_properties("the `with` options of `parse-kv`")?
        } else {
            Vec::new()
        };
        Ok(ParseKv {
            expr,
            columns,
            params,
        })
    }
}

/// An option value as plain text (`regex`, `"Ui"`).
fn option_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Name(Ident { name, .. }) => name.clone(),
        ParamValue::Literal(l) => match &l.kind {
            LiteralKind::String { value, .. } => value.clone(),
            LiteralKind::Bool(b) => b.to_string(),
            LiteralKind::Long(n) => n.to_string(),
            _ => String::new(),
        },
        ParamValue::Expr(_) => String::new(),
    }
}
