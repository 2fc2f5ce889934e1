//! `dynamic(...)` literals: JSON extended with KQL literals (`datetime(...)`, `1d`, `guid(...)`),
//! single-quoted and verbatim strings, and nested `dynamic(...)`.

use super::{Fail, PResult, Parser, literal::Typed};
use crate::ast::{DynamicValue, Expr, ExprKind, Literal, LiteralKind, Real, ScalarType};
use crate::error::SyntaxErrorKind as K;
use crate::token::{Punct, Tok};

impl Parser<'_> {
    /// `dynamic(value)`; the cursor is on `dynamic`. `dynamic(null)` is the typed null.
    pub fn dynamic_literal(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let open = self.bump().span;
        if self.at(crate::token::Punct::RParen) {
            let t = self.peek().clone();
            let d = self.error(
                K::InvalidDynamic,
                "empty `dynamic()` literal",
                kw.to(t.span),
            );
            d.helps
                .push("write `dynamic(null)`, `dynamic([])` or `dynamic({})`".into());
            return Err(Fail);
        }
        let value = self.dynamic_value()?;
        let close = self.close(Punct::RParen, open)?;
        let span = kw.to(close);
        let kind = match value {
            DynamicValue::Null => LiteralKind::Null(ScalarType::Dynamic),
            v => LiteralKind::Dynamic(v),
        };
        Ok(Expr::new(ExprKind::Literal(Literal { kind, span }), span))
    }

    fn dynamic_value(&mut self) -> PResult<DynamicValue> {
        self.nested(|p| p.dynamic_value_inner())
    }

    fn dynamic_value_inner(&mut self) -> PResult<DynamicValue> {
        let t = self.peek().clone();
        match t.kind {
            Tok::Punct(Punct::LBracket) => {
                let open = self.bump().span;
                let mut items = Vec::new();
                while !self.at(Punct::RBracket) {
                    items.push(self.dynamic_value()?);
                    if self.eat(Punct::Comma).is_none() {
                        break;
                    }
                }
                self.close(Punct::RBracket, open)?;
                Ok(DynamicValue::Array(items))
            }
            Tok::Punct(Punct::LBrace) => {
                let open = self.bump().span;
                let mut fields = Vec::new();
                while !self.at(Punct::RBrace) {
                    let key = match self.peek().kind {
                        Tok::Str { .. } => self.string_literal().0,
                        _ => {
                            let k = self.peek().clone();
                            let d = self.error(
                                K::InvalidDynamic,
                                format!(
                                    "expected a quoted property name in `dynamic({{...}})`, found {}",
                                    k.describe()
                                ),
                                k.span,
                            );
                            if k.kind == Tok::Ident {
                                d.helps
                                    .push(format!("quote the property name: `\"{}\"`", k.text));
                            }
                            return Err(Fail);
                        }
                    };
                    self.expect(Punct::Colon, "after a property name in `dynamic({...})`")?;
                    let value = self.dynamic_value()?;
                    fields.push((key, value));
                    if self.eat(Punct::Comma).is_none() {
                        break;
                    }
                }
                self.close(Punct::RBrace, open)?;
                Ok(DynamicValue::Object(fields))
            }
            Tok::Str { .. } => Ok(DynamicValue::String(self.string_literal().0)),
            Tok::Long(v) => {
                self.bump();
                Ok(DynamicValue::Long(v))
            }
            Tok::Real(v) => {
                self.bump();
                Ok(DynamicValue::Real(Real(v)))
            }
            Tok::Timespan(v) => {
                self.bump();
                Ok(DynamicValue::Typed(Box::new(LiteralKind::Timespan(v))))
            }
            Tok::Punct(Punct::Minus) => {
                self.bump();
                let n = self.peek().clone();
                let v = match n.kind {
                    Tok::Long(v) => DynamicValue::Long(v.wrapping_neg()),
                    Tok::Real(v) => DynamicValue::Real(Real(-v)),
                    Tok::Timespan(v) => {
                        DynamicValue::Typed(Box::new(LiteralKind::Timespan(v.wrapping_neg())))
                    }
                    _ => {
                        return Err(self.fail_here(
                            K::InvalidDynamic,
                            "expected a number after `-` in `dynamic(...)`",
                        ));
                    }
                };
                self.bump();
                Ok(v)
            }
            Tok::Typed { .. } => match self.typed_literal()? {
                Typed::Literal(k) => Ok(DynamicValue::Typed(Box::new(k))),
                Typed::Type(_) => {
                    let d = self.error(
                        K::InvalidDynamic,
                        "`typeof(...)` cannot appear in a `dynamic(...)` literal",
                        t.span,
                    );
                    d.span_label = Some("not a value".into());
                    Err(Fail)
                }
            },
            Tok::Ident => match t.text {
                "null" => {
                    self.bump();
                    Ok(DynamicValue::Null)
                }
                "true" | "TRUE" | "True" => {
                    self.bump();
                    Ok(DynamicValue::Bool(true))
                }
                "false" | "FALSE" | "False" => {
                    self.bump();
                    Ok(DynamicValue::Bool(false))
                }
                "dynamic" if self.peek_at(1).is(Punct::LParen) => {
                    self.bump();
                    let open = self.bump().span;
                    let v = self.dynamic_value()?;
                    self.close(Punct::RParen, open)?;
                    Ok(v)
                }
                _ => Err(self.not_a_json_value()),
            },
            _ => Err(self.not_a_json_value()),
        }
    }

    fn not_a_json_value(&mut self) -> Fail {
        let t = self.peek().clone();
        let d = self.error(
            K::InvalidDynamic,
            format!(
                "expected a JSON value in `dynamic(...)`, found {}",
                t.describe()
            ),
            t.span,
        );
        d.span_label = Some("not a literal".into());
        if t.kind == Tok::Ident {
            d.notes.push(
                "`dynamic(...)` holds constants only; build values from columns with \
                 `pack_array(...)` or `bag_pack(...)`"
                    .into(),
            );
        }
        Fail
    }
}
