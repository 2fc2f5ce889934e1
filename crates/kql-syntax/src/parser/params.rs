//! Pieces shared by many operators: `name=value` options, `[Name =] expr` columns, sort keys,
//! column name patterns with `*`, and comma-separated lists.

use super::{Fail, PResult, Parser};
use crate::ast::{
    ColumnAssign, ColumnPattern, ExprKind, Ident, Literal, LiteralKind, NamedParam, NullsOrder,
    ParamValue, Real, SortKey, SortOrder,
};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::STRICT_OPTIONS;
use crate::token::{Punct, Tok};
use kql_diagnostics::Span;

/// Which `name=value` options an operator takes before its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Options {
    /// Any `word=value` (join, union, evaluate...: what follows can never be `name =`).
    Any,
    /// Only Kusto's fixed option names (`kind`, `hint.*`, `bagexpansion`, ...): for operators
    /// whose arguments may themselves be `Name = expr`.
    Strict,
    /// Only `hint.*`.
    Hints,
}

impl Parser<'_> {
    /// `a, b, c` with `item` parsing each element.
    pub fn comma_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = vec![item(self)?];
        while self.eat(Punct::Comma).is_some() {
            out.push(item(self)?);
        }
        Ok(out)
    }

    /// Options such as `kind=inner hint.strategy=broadcast`, as many as are present.
    pub fn options(&mut self, accept: Options) -> PResult<Vec<NamedParam>> {
        let mut out = Vec::new();
        while let Some((ntok, name)) = self.option_name_ahead() {
            let allowed = match accept {
                Options::Any => true,
                Options::Strict => {
                    name.starts_with("hint.") || STRICT_OPTIONS.contains(&name.as_str())
                }
                Options::Hints => name.starts_with("hint."),
            };
            if !allowed {
                break;
            }
            let start = self.peek().span;
            for _ in 0..ntok {
                self.bump();
            }
            let name_span = start.to(self.prev_span());
            self.bump(); // `=`
            let value = self.option_value(&name)?;
            let span = start.to(self.prev_span());
            out.push(NamedParam {
                name: Ident::new(name, name_span),
                value,
                span,
            });
        }
        Ok(out)
    }

    /// A dotted word (`hint.strategy`) followed by `=` at the cursor: its token count and text.
    fn option_name_ahead(&self) -> Option<(usize, String)> {
        let first = self.peek();
        if first.kind != Tok::Ident || first.text.starts_with('$') {
            return None;
        }
        let mut name = first.text.to_string();
        let mut n = 1;
        while self.peek_at(n).is(Punct::Dot) && self.peek_at(n + 1).kind == Tok::Ident {
            name.push('.');
            name.push_str(self.peek_at(n + 1).text);
            n += 2;
        }
        self.peek_at(n).is(Punct::Eq).then_some((n, name))
    }

    /// The value of an option: a word, or a literal (possibly signed).
    pub fn option_value(&mut self, name: &str) -> PResult<ParamValue> {
        let t = self.peek().clone();
        let lit = |kind: LiteralKind, span: Span| ParamValue::Literal(Literal { kind, span });
        match t.kind {
            Tok::Ident => {
                self.bump();
                Ok(match t.text {
                    "true" | "True" | "TRUE" => lit(LiteralKind::Bool(true), t.span),
                    "false" | "False" | "FALSE" => lit(LiteralKind::Bool(false), t.span),
                    _ => ParamValue::Name(Ident::new(t.text, t.span)),
                })
            }
            Tok::Punct(Punct::LBracket) if self.quoted_name_next() => {
                Ok(ParamValue::Name(self.name("a value")?))
            }
            Tok::Punct(Punct::Minus) => {
                self.bump();
                let n = self.peek().clone();
                let kind = match n.kind {
                    Tok::Long(v) => LiteralKind::Long(v.wrapping_neg()),
                    Tok::Real(v) => LiteralKind::Real(Real(-v)),
                    Tok::Timespan(v) => LiteralKind::Timespan(v.wrapping_neg()),
                    _ => {
                        return Err(self.fail_here(
                            K::ExpectedExpression,
                            &format!("expected a number after `{name}=-`"),
                        ));
                    }
                };
                self.bump();
                Ok(lit(kind, t.span.to(n.span)))
            }
            Tok::Str { .. }
            | Tok::Long(_)
            | Tok::Real(_)
            | Tok::Timespan(_)
            | Tok::Typed { .. } => {
                let e = self.primary()?;
                match e.kind {
                    ExprKind::Literal(l) => Ok(ParamValue::Literal(l)),
                    _ => Ok(ParamValue::Expr(e)),
                }
            }
            _ => Err(self.fail_here(
                K::ExpectedExpression,
                &format!("expected a value after `{name}=`"),
            )),
        }
    }

    /// `with (name = value, ...)` properties (the cursor is on `(`); trailing comma allowed.
    pub fn paren_properties(&mut self, what: &str) -> PResult<Vec<NamedParam>> {
        let open = self.expect(crate::token::Punct::LParen, &format!("to open {what}"))?;
        let mut out = Vec::new();
        while !self.at(Punct::RParen) {
            out.push(self.property()?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        self.close(Punct::RParen, open)?;
        Ok(out)
    }

    /// `name = value` (the name may be dotted, as option names are).
    pub fn property(&mut self) -> PResult<NamedParam> {
        let name = match self.option_name_ahead() {
            Some((ntok, text)) => {
                let start = self.peek().span;
                for _ in 0..ntok {
                    self.bump();
                }
                Ident::new(text, start.to(self.prev_span()))
            }
            None => self.name("a property name")?,
        };
        self.expect(
            Punct::Eq,
            &format!("after the property name `{}`", name.name),
        )?;
        let value = self.option_value(&name.name)?;
        let span = name.span.to(self.prev_span());
        Ok(NamedParam { name, value, span })
    }

    /// `[Name =] expr` or `(A, B) = expr`.
    pub fn column_assign(&mut self) -> PResult<ColumnAssign> {
        let start = self.peek().span;
        let names = if self.at_name_then_eq() {
            let n = self.name("a column name")?;
            self.bump();
            vec![n]
        } else if self.at_paren_names_then_eq() {
            let open = self.bump().span;
            let names = self.comma_list(|p| p.name("a column name"))?;
            self.close(Punct::RParen, open)?;
            self.bump();
            names
        } else {
            Vec::new()
        };
        let expr = self.expr()?;
        let span = start.to(expr.span);
        Ok(ColumnAssign { names, expr, span })
    }

    /// `(A, B) =` ahead.
    fn at_paren_names_then_eq(&self) -> bool {
        if !self.at(Punct::LParen) {
            return false;
        }
        let mut n = 1;
        loop {
            match self.peek_at(n).kind {
                Tok::Ident => n += 1,
                Tok::Punct(Punct::LBracket)
                    if matches!(self.peek_at(n + 1).kind, Tok::Str { .. })
                        && self.peek_at(n + 2).is(Punct::RBracket) =>
                {
                    n += 3
                }
                _ => return false,
            }
            if self.peek_at(n).is(Punct::Comma) {
                n += 1;
                continue;
            }
            return self.peek_at(n).is(Punct::RParen) && self.peek_at(n + 1).is(Punct::Eq);
        }
    }

    /// `expr [asc|desc] [nulls first|last]`.
    pub fn sort_key(&mut self) -> PResult<SortKey> {
        let expr = self.expr()?;
        let mut span = expr.span;
        let order = if let Some(s) = self.eat_word("asc") {
            span = span.to(s);
            Some(SortOrder::Asc)
        } else if let Some(s) = self.eat_word("desc") {
            span = span.to(s);
            Some(SortOrder::Desc)
        } else {
            None
        };
        let nulls = if self.eat_word("nulls").is_some() {
            let n = if self.eat_word("first").is_some() {
                NullsOrder::First
            } else if self.eat_word("last").is_some() {
                NullsOrder::Last
            } else {
                return Err(
                    self.fail_here(K::ExpectedToken, "expected `first` or `last` after `nulls`")
                );
            };
            span = span.to(self.prev_span());
            Some(n)
        } else {
            None
        };
        Ok(SortKey {
            expr,
            order,
            nulls,
            span,
        })
    }

    /// A column name or a pattern with `*` (`Initiating*`, `*Id`), written without spaces.
    pub fn column_pattern(&mut self) -> PResult<ColumnPattern> {
        if self.quoted_name_next() {
            return Ok(ColumnPattern {
                pattern: self.name("a column name")?,
                wildcard: false,
            });
        }
        let (pattern, wildcard) = self.glued_pattern("a column name or pattern")?;
        Ok(ColumnPattern { pattern, wildcard })
    }

    /// Words, numbers and `*` written without spaces between them (`Device*Events`), as one
    /// name pattern; returns it and whether it holds a `*`.
    pub fn glued_pattern(&mut self, what: &str) -> PResult<(Ident, bool)> {
        let first = self.peek().clone();
        if !matches!(first.kind, Tok::Ident | Tok::Punct(Punct::Star)) {
            let d = self.error(
                K::ExpectedName,
                format!("expected {what}, found {}", first.describe()),
                first.span,
            );
            d.span_label = Some("expected a name here".into());
            return Err(Fail);
        }
        let mut text = String::new();
        let mut span = first.span;
        loop {
            let t = self.peek().clone();
            let glued = text.is_empty() || t.span.start == span.end;
            let part = matches!(t.kind, Tok::Ident | Tok::Punct(Punct::Star) | Tok::Long(_));
            if !glued || !part {
                break;
            }
            text.push_str(t.text);
            span = span.to(t.span);
            self.bump();
        }
        let wildcard = text.contains('*');
        Ok((Ident::new(text, span), wildcard))
    }
}
