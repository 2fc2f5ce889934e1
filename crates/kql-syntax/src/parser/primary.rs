//! Primary expressions: literals, names, calls, parentheses, `$left.x`, `*`, and the two
//! tabular literals that may stand anywhere an expression may (`datatable`, `externaldata`).

use super::{Fail, PResult, Parser};
use crate::ast::{
    Arg, Call, ColumnDecl, Expr, ExprKind, Ident, JoinSide, Literal, LiteralKind, Real, ScalarType,
};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::TYPE_NAMES;
use crate::token::{Punct, Tok};
use kql_diagnostics::{Span, suggest};

impl Parser<'_> {
    pub fn primary(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        let lit = |kind: LiteralKind, span: Span| {
            Expr::new(ExprKind::Literal(Literal { kind, span }), span)
        };
        match t.kind {
            Tok::Str { .. } => {
                let (value, obfuscated, span) = self.string_literal();
                Ok(lit(LiteralKind::String { value, obfuscated }, span))
            }
            Tok::Long(v) => {
                self.bump();
                Ok(lit(LiteralKind::Long(v), t.span))
            }
            Tok::Real(v) => {
                self.bump();
                Ok(lit(LiteralKind::Real(Real(v)), t.span))
            }
            Tok::Timespan(v) => {
                self.bump();
                Ok(lit(LiteralKind::Timespan(v), t.span))
            }
            Tok::Typed { .. } => self.typed_literal_expr(),
            Tok::Punct(Punct::LParen) => {
                let open = self.bump().span;
                let inner = self.pipe_expr()?;
                let close = self.close(Punct::RParen, open)?;
                Ok(Expr::new(ExprKind::Paren(Box::new(inner)), open.to(close)))
            }
            Tok::Punct(Punct::LBracket) if self.quoted_name_next() => {
                let name = self.name("a name")?;
                if self.at(Punct::LParen) {
                    let call = self.call(name)?;
                    let span = call.span;
                    return Ok(Expr::new(ExprKind::Call(call), span));
                }
                let span = name.span;
                Ok(Expr::new(ExprKind::Name(name), span))
            }
            // `*` as a value: an argument (`arg_max(T, *)`), `distinct *`, `search *`, or the
            // left side of `* has "x"`; nowhere else (`1 + * 2` is an error).
            Tok::Punct(Punct::Star) if self.star_allowed() => {
                self.bump();
                Ok(Expr::new(ExprKind::Star, t.span))
            }
            Tok::Ident => self.word_primary(),
            _ => Err(self.expected_expression()),
        }
    }

    fn star_allowed(&self) -> bool {
        let next = self.peek_at(1);
        let ends = matches!(
            next.kind,
            Tok::Eof
                | Tok::OpWord
                | Tok::Punct(
                    Punct::Comma
                        | Punct::RParen
                        | Punct::RBrace
                        | Punct::RBracket
                        | Punct::Pipe
                        | Punct::Semi
                        | Punct::EqEq
                        | Punct::EqTilde
                        | Punct::BangTilde
                )
        );
        ends || (next.kind == Tok::Ident && self.string_operator_at(1))
    }

    fn word_primary(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        let next_is_paren = self.peek_at(1).is(Punct::LParen);
        let bool_lit = |v: bool| {
            Expr::new(
                ExprKind::Literal(Literal {
                    kind: LiteralKind::Bool(v),
                    span: t.span,
                }),
                t.span,
            )
        };
        match t.text {
            "true" | "TRUE" | "True" => {
                self.bump();
                Ok(bool_lit(true))
            }
            "false" | "FALSE" | "False" => {
                self.bump();
                Ok(bool_lit(false))
            }
            "dynamic" if next_is_paren => self.dynamic_literal(),
            "datatable" if next_is_paren => self.datatable(),
            "externaldata" | "external_data" if next_is_paren || self.peek_at(2).is(Punct::Eq) => {
                self.externaldata()
            }
            "$left" | "$right" => self.join_side(),
            _ => {
                self.bump();
                let name = Ident::new(t.text, t.span);
                if next_is_paren {
                    let call = self.call(name)?;
                    let span = call.span;
                    Ok(Expr::new(ExprKind::Call(call), span))
                } else {
                    Ok(Expr::new(ExprKind::Name(name), t.span))
                }
            }
        }
    }

    /// `$left.Column` / `$right.Column`.
    fn join_side(&mut self) -> PResult<Expr> {
        let t = self.bump();
        let side = if t.text == "$left" {
            JoinSide::Left
        } else {
            JoinSide::Right
        };
        if self.eat(Punct::Dot).is_none() {
            let d = self.error(
                K::IncompleteJoinSide,
                format!("`{}` must be followed by `.` and a column name", t.text),
                t.span,
            );
            d.helps.push(format!("write e.g. `{}.AccountName`", t.text));
            return Err(Fail);
        }
        let column = self.name(&format!("a column name after `{}.`", t.text))?;
        let span = t.span.to(column.span);
        Ok(Expr::new(ExprKind::JoinSide { side, column }, span))
    }

    /// `name(args)`; the cursor is on `(`. Arguments may be named (`x = 1`) and may be tabular
    /// (`toscalar(T | count)`).
    pub fn call(&mut self, name: Ident) -> PResult<Call> {
        let open = self.bump().span;
        let mut args = Vec::new();
        if !self.at(Punct::RParen) {
            loop {
                let arg_name = if self.at_name_then_eq() {
                    let n = self.name("an argument name")?;
                    self.bump();
                    Some(n)
                } else {
                    None
                };
                let value = self.pipe_expr()?;
                args.push(Arg {
                    name: arg_name,
                    value,
                });
                if self.eat(Punct::Comma).is_none() {
                    break;
                }
            }
        }
        let close = self.close(Punct::RParen, open)?;
        let span = name.span.to(close);
        Ok(Call { name, args, span })
    }

    /// `datatable(Col:type, ...) [v1, v2, ...]`.
    fn datatable(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let columns = self.schema("`datatable`")?;
        let open = self.expect(Punct::LBracket, "with the rows of the `datatable`")?;
        let mut values = Vec::new();
        while !self.at(Punct::RBracket) {
            values.push(self.expr()?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        let close = self.close(Punct::RBracket, open)?;
        Ok(Expr::new(
            ExprKind::Datatable { columns, values },
            kw.to(close),
        ))
    }

    /// `externaldata(Col:type, ...) [ "uri", ... ] [with (format="csv", ...)]`.
    fn externaldata(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let columns = self.schema("`externaldata`")?;
        let open = self.expect(Punct::LBracket, "with the storage URIs of `externaldata`")?;
        let mut uris = Vec::new();
        while !self.at(Punct::RBracket) {
            uris.push(self.expr()?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        let mut end = self.close(Punct::RBracket, open)?;
        let mut properties = Vec::new();
        if self.eat_word("with").is_some() {
            properties = self.paren_properties("the `with` properties of `externaldata`")?;
            end = self.prev_span();
        }
        Ok(Expr::new(
            ExprKind::ExternalData {
                columns,
                uris,
                properties,
            },
            kw.to(end),
        ))
    }

    /// `(Col:type, ...)`, trailing comma allowed.
    pub fn schema(&mut self, owner: &str) -> PResult<Vec<ColumnDecl>> {
        let open = self.expect(Punct::LParen, &format!("with the columns of {owner}"))?;
        let mut cols = Vec::new();
        while !self.at(Punct::RParen) {
            cols.push(self.column_decl()?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        self.close(Punct::RParen, open)?;
        Ok(cols)
    }

    /// `Name:type`.
    pub fn column_decl(&mut self) -> PResult<ColumnDecl> {
        let name = self.name("a column name")?;
        self.expect(Punct::Colon, &format!("and a type after `{}`", name.name))?;
        let (ty, ty_span) = self.scalar_type()?;
        Ok(ColumnDecl { name, ty, ty_span })
    }

    /// A type name (`string`, `long`, ...).
    pub fn scalar_type(&mut self) -> PResult<(ScalarType, Span)> {
        let t = self.peek().clone();
        if t.kind == Tok::Ident
            && let Some(ty) = ScalarType::from_name(t.text)
        {
            self.bump();
            return Ok((ty, t.span));
        }
        if t.kind == Tok::Ident {
            self.bump();
            let d = self.error(K::UnknownType, format!("unknown type `{}`", t.text), t.span);
            d.span_label = Some("not a KQL type".into());
            if let Some(s) = suggest(t.text, TYPE_NAMES.iter().copied()) {
                d.helps.push(format!("did you mean `{s}`?"));
            }
            return Err(Fail);
        }
        Err(self.fail_here(K::ExpectedName, "expected a type name"))
    }
}
