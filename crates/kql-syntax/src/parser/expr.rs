//! Scalar expressions by precedence climbing, with Kusto's levels (from `QueryParser.cs`,
//! loosest first):
//!
//! | level | operators | chaining |
//! |---|---|---|
//! | 1 | `or` | left |
//! | 2 | `and` | left |
//! | 3 | `==` `!=` `<>` `in` `!in` `in~` `!in~` `has_any` `has_all` `between` `!between` | one |
//! | 4 | `<` `<=` `>` `>=` | one |
//! | 5 | `+` `-` | left |
//! | 6 | `*` `/` `%` | left |
//! | 7 | `=~` `!~` `has` `contains` `startswith` `matches regex` `like` ... | one |
//! | 8 | unary `-` `+` | |
//! | 9 | `.name` `[index]` calls | |
//!
//! So `x * 2 has "a"` is `x * (2 has "a")`, and `a < b < c` is an error, as in Kusto.

use super::{PResult, Parser};
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, ListOp, UnaryOp};
use crate::error::SyntaxErrorKind as K;
use crate::token::{Punct, Tok};
use crate::walk::expr_depth;

/// An infix operator recognised at the cursor.
#[derive(Debug, Clone, Copy)]
enum Infix {
    Binary(BinaryOp),
    List(ListOp),
    Between { negated: bool },
}

/// Levels where an operator may appear once only (`a < b < c` is an error).
fn chains(level: u8) -> bool {
    !matches!(level, 3 | 4 | 7)
}

impl Parser<'_> {
    /// An unnamed scalar expression (no pipes; `T | ...` is handled by `pipe_expr`).
    pub fn expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.expr_bp(0))
    }

    fn expr_bp(&mut self, min_level: u8) -> PResult<Expr> {
        let mut left = self.unary()?;
        let mut depth = expr_depth(&left, super::MAX_TREE_DEPTH + 1);
        let mut last: Option<(u8, String)> = None;
        while let Some((op, level, ntok)) = self.peek_infix() {
            if level < min_level {
                break;
            }
            let op_tok = self.peek().clone();
            let op_text = (0..ntok)
                .map(|i| self.peek_at(i).text)
                .collect::<Vec<_>>()
                .join(" ");
            if let Some((prev_level, prev_text)) = &last
                && *prev_level == level
                && !chains(level)
            {
                let d = self.error(
                    K::ChainedComparison,
                    format!("`{op_text}` cannot follow `{prev_text}` without parentheses"),
                    op_tok.span,
                );
                d.span_label = Some("second operator of the same precedence".into());
                d.helps.push(format!(
                    "group explicitly, e.g. `(a {prev_text} b) {op_text} c`, or combine with `and`"
                ));
                return Err(super::Fail);
            }
            for _ in 0..ntok {
                self.bump();
            }
            let (kind, child_depth) = match op {
                Infix::Binary(bop) => {
                    let right = self.expr_bp(level + 1)?;
                    let d = expr_depth(&right, super::MAX_TREE_DEPTH + 1);
                    (
                        ExprKind::Binary {
                            op: bop,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                        d,
                    )
                }
                Infix::List(lop) => {
                    let list = self.paren_list(&op_text)?;
                    let d = list
                        .iter()
                        .map(|e| expr_depth(e, super::MAX_TREE_DEPTH + 1))
                        .max()
                        .unwrap_or(0);
                    (
                        ExprKind::InList {
                            op: lop,
                            expr: Box::new(left),
                            list,
                        },
                        d,
                    )
                }
                Infix::Between { negated } => {
                    let (low, high) = self.between_bounds(&op_text)?;
                    let d = expr_depth(&low, super::MAX_TREE_DEPTH + 1)
                        .max(expr_depth(&high, super::MAX_TREE_DEPTH + 1));
                    (
                        ExprKind::Between {
                            expr: Box::new(left),
                            low: Box::new(low),
                            high: Box::new(high),
                            negated,
                        },
                        d,
                    )
                }
            };
            let span = self.span_of(&kind).to(self.prev_span());
            depth = depth.max(child_depth) + 1;
            self.check_tree_depth(depth, op_tok.span)?;
            left = Expr::new(kind, span);
            last = Some((level, op_text));
        }
        Ok(left)
    }

    /// The start of a freshly built binary-like node is its left operand's start.
    fn span_of(&self, kind: &ExprKind) -> kql_diagnostics::Span {
        match kind {
            ExprKind::Binary { left, .. } => left.span,
            ExprKind::InList { expr, .. } | ExprKind::Between { expr, .. } => expr.span,
            _ => self.prev_span(),
        }
    }

    /// `( e1, e2, ... )` after `in`, `has_any`...; each element may be a tabular expression
    /// (`x in (T | project y)`).
    fn paren_list(&mut self, op: &str) -> PResult<Vec<Expr>> {
        let open = self.expect(Punct::LParen, &format!("after `{op}`"))?;
        let mut list = Vec::new();
        loop {
            list.push(self.pipe_expr()?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        self.close(Punct::RParen, open)?;
        Ok(list)
    }

    /// `( low .. high )` after `between`.
    fn between_bounds(&mut self, op: &str) -> PResult<(Expr, Expr)> {
        let open = self.expect(Punct::LParen, &format!("after `{op}`"))?;
        let low = self.expr()?;
        self.expect(Punct::DotDot, "between the bounds of `between`")?;
        let high = self.expr()?;
        self.close(Punct::RParen, open)?;
        Ok((low, high))
    }

    /// The infix operator at the cursor, its level, and how many tokens it spans.
    fn peek_infix(&self) -> Option<(Infix, u8, usize)> {
        use BinaryOp as B;
        let t = self.peek();
        let bin = |op: BinaryOp, level: u8| Some((Infix::Binary(op), level, 1));
        match t.kind {
            Tok::Punct(p) => match p {
                Punct::EqEq => bin(B::Eq, 3),
                Punct::BangEq | Punct::LtGt => bin(B::NotEq, 3),
                Punct::Lt => bin(B::Lt, 4),
                Punct::LtEq => bin(B::LtEq, 4),
                Punct::Gt => bin(B::Gt, 4),
                Punct::GtEq => bin(B::GtEq, 4),
                Punct::Plus => bin(B::Add, 5),
                Punct::Minus => bin(B::Sub, 5),
                Punct::Star => bin(B::Mul, 6),
                Punct::Slash => bin(B::Div, 6),
                Punct::Percent => bin(B::Mod, 6),
                Punct::EqTilde => bin(B::EqTilde, 7),
                Punct::BangTilde => bin(B::NotEqTilde, 7),
                _ => None,
            },
            Tok::OpWord => match t.text {
                "in~" => Some((Infix::List(ListOp::InCi), 3, 1)),
                "!in" => Some((Infix::List(ListOp::NotIn), 3, 1)),
                "!in~" => Some((Infix::List(ListOp::NotInCi), 3, 1)),
                "!between" => Some((Infix::Between { negated: true }, 3, 1)),
                w => string_op(w).map(|op| (Infix::Binary(op), 7, 1)),
            },
            Tok::Ident => match t.text {
                "or" => bin(B::Or, 1),
                "and" => bin(B::And, 2),
                // `on T in range(...)` in make-series is no list test.
                "in" if !self.peek_at(1).is_word("range") => Some((Infix::List(ListOp::In), 3, 1)),
                "has_any" => Some((Infix::List(ListOp::HasAny), 3, 1)),
                "has_all" => Some((Infix::List(ListOp::HasAll), 3, 1)),
                "has_any_cs" => Some((Infix::List(ListOp::HasAnyCs), 3, 1)),
                "has_all_cs" => Some((Infix::List(ListOp::HasAllCs), 3, 1)),
                "between" => Some((Infix::Between { negated: false }, 3, 1)),
                "matches" if self.peek_at(1).is_word("regex") => {
                    Some((Infix::Binary(B::MatchesRegex), 7, 2))
                }
                w => string_op(w).map(|op| (Infix::Binary(op), 7, 1)),
            },
            _ => None,
        }
    }

    /// True when the token `ahead` is a string operator word (`has`, `contains`, ...).
    pub fn string_operator_at(&self, ahead: usize) -> bool {
        let t = self.peek_at(ahead);
        string_op(t.text).is_some()
            || (t.text == "matches" && self.peek_at(ahead + 1).is_word("regex"))
    }

    /// `-x`, `+x`, or a postfix expression.
    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek().kind {
            Tok::Punct(Punct::Minus) => UnaryOp::Neg,
            Tok::Punct(Punct::Plus) => UnaryOp::Plus,
            _ => return self.postfix(),
        };
        let sign = self.bump().span;
        let operand = self.nested(|p| p.unary())?;
        let span = sign.to(operand.span);
        Ok(Expr::new(
            ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
            span,
        ))
    }

    /// A primary followed by `.name`, `.['name']`, `.[index]` and `[index]`.
    pub fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut depth = expr_depth(&e, super::MAX_TREE_DEPTH + 1);
        loop {
            let start = e.span;
            let (kind, child) = if self.at(Punct::Dot) {
                let dot = self.bump().span;
                if self.at(Punct::LBracket) && !self.quoted_name_next() {
                    // Legacy `a.[0]`: an element access.
                    let open = self.bump().span;
                    let index = self.expr()?;
                    self.close(Punct::RBracket, open)?;
                    let d = expr_depth(&index, super::MAX_TREE_DEPTH + 1);
                    (
                        ExprKind::Index {
                            target: Box::new(e),
                            index: Box::new(index),
                        },
                        d,
                    )
                } else {
                    let name = self.member_name(dot)?;
                    (
                        ExprKind::Member {
                            target: Box::new(e),
                            name,
                        },
                        0,
                    )
                }
            } else if self.at(Punct::LBracket) {
                let open = self.bump().span;
                let index = self.expr()?;
                self.close(Punct::RBracket, open)?;
                let d = expr_depth(&index, super::MAX_TREE_DEPTH + 1);
                (
                    ExprKind::Index {
                        target: Box::new(e),
                        index: Box::new(index),
                    },
                    d,
                )
            } else {
                break;
            };
            depth = depth.max(child) + 1;
            self.check_tree_depth(depth, self.prev_span())?;
            e = Expr::new(kind, start.to(self.prev_span()));
        }
        Ok(e)
    }

    /// `['name']` or `["name"]` next.
    pub fn quoted_name_next(&self) -> bool {
        self.at(Punct::LBracket)
            && matches!(self.peek_at(1).kind, Tok::Str { .. })
            && self.peek_at(2).is(Punct::RBracket)
    }

    /// The name after a `.`: any word (keywords included), a digit-led word, a typed-literal
    /// keyword used as a property (`x.date`), or `['quoted']`.
    fn member_name(&mut self, dot: kql_diagnostics::Span) -> PResult<Ident> {
        let t = self.peek().clone();
        match t.kind {
            Tok::Ident | Tok::OpWord => {
                self.bump();
                Ok(Ident::new(t.text, t.span))
            }
            Tok::Typed { keyword, .. } => {
                // `x.date(...)` cannot happen; `x.time` lexes as a word, so this is only
                // reached for a word followed by `(`, which KQL does not allow.
                let d = self.error(
                    K::ExpectedName,
                    format!("expected a property name after `.`, found {}", t.describe()),
                    t.span,
                );
                d.span_label = Some(format!("`{keyword}` cannot be called as a method"));
                Err(super::Fail)
            }
            _ if self.quoted_name_next() => self.name("a property name after `.`"),
            _ => {
                let d = self.error(
                    K::ExpectedName,
                    format!("expected a property name after `.`, found {}", t.describe()),
                    t.span,
                );
                d.labels.push(kql_diagnostics::Label {
                    span: dot,
                    message: "after this `.`".into(),
                });
                Err(super::Fail)
            }
        }
    }
}

/// The string operators (level 7) by spelling, including the legacy `notcontains` forms.
fn string_op(word: &str) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match word {
        "has" => Has,
        "!has" => NotHas,
        "has_cs" => HasCs,
        "!has_cs" => NotHasCs,
        "hasprefix" => HasPrefix,
        "!hasprefix" => NotHasPrefix,
        "hasprefix_cs" => HasPrefixCs,
        "!hasprefix_cs" => NotHasPrefixCs,
        "hassuffix" => HasSuffix,
        "!hassuffix" => NotHasSuffix,
        "hassuffix_cs" => HasSuffixCs,
        "!hassuffix_cs" => NotHasSuffixCs,
        "contains" => Contains,
        "!contains" | "notcontains" => NotContains,
        "contains_cs" | "containscs" => ContainsCs,
        "!contains_cs" | "notcontainscs" => NotContainsCs,
        "startswith" => StartsWith,
        "!startswith" => NotStartsWith,
        "startswith_cs" => StartsWithCs,
        "!startswith_cs" => NotStartsWithCs,
        "endswith" => EndsWith,
        "!endswith" => NotEndsWith,
        "endswith_cs" => EndsWithCs,
        "!endswith_cs" => NotEndsWithCs,
        "like" => Like,
        "notlike" => NotLike,
        "likecs" => LikeCs,
        "notlikecs" => NotLikeCs,
        _ => return None,
    })
}
