//! Operators with clauses of their own: `mv-expand`, `mv-apply`, `make-series`, `top-nested`,
//! `evaluate`, `render`, `reduce`, `fork`, `facet`, `partition`, `scan`.

use super::params::Options;
use super::{Fail, PResult, Parser};
use crate::ast::{
    ColumnAssign, Expr, ExprKind, Ident, MakeSeries, MvApply, MvColumn, MvExpand, OperatorKind,
    Scan, ScanStep, SeriesAggregate, SeriesRange, SortOrder, TopNestedLevel,
};
use crate::error::SyntaxErrorKind as K;
use crate::parser::literal::Typed;
use crate::token::{Punct, Tok};

impl Parser<'_> {
    /// `[options] [Name =] expr [to typeof(t)], ... [limit N]`.
    pub fn mv_expand(&mut self) -> PResult<MvExpand> {
        let params = self.options(Options::Strict)?;
        let columns = self.comma_list(|p| p.mv_column())?;
        let limit = self.mv_limit()?;
        Ok(MvExpand {
            params,
            columns,
            limit,
        })
    }

    /// `[options] items [limit N] on ( subquery )`.
    pub fn mv_apply(&mut self) -> PResult<MvApply> {
        let params = self.options(Options::Strict)?;
        let columns = self.comma_list(|p| p.mv_column())?;
        let limit = self.mv_limit()?;
        self.expect_word("on", "before the sub-query of `mv-apply`")?;
        let subquery = self.paren_subquery("around the sub-query of `mv-apply`")?;
        Ok(MvApply {
            params,
            columns,
            limit,
            subquery,
        })
    }

    fn mv_column(&mut self) -> PResult<MvColumn> {
        let column = self.column_assign()?;
        let to_type = if self.eat_word("to").is_some() {
            let t = self.peek().clone();
            match t.kind {
                Tok::Typed {
                    keyword: "typeof", ..
                } => match self.typed_literal()? {
                    Typed::Type(ty) => Some(ty),
                    Typed::Literal(_) => None,
                },
                _ => {
                    return Err(
                        self.fail_here(K::ExpectedToken, "expected `typeof(type)` after `to`")
                    );
                }
            }
        } else {
            None
        };
        Ok(MvColumn { column, to_type })
    }

    fn mv_limit(&mut self) -> PResult<Option<Expr>> {
        if self.eat_word("limit").is_some() {
            Ok(Some(self.expr()?))
        } else {
            Ok(None)
        }
    }

    /// `[options] [Name =] Agg [default = v], ... on Axis (in range(a, b, c) | [from a] [to b]
    /// step c) [by ...]`.
    pub fn make_series(&mut self) -> PResult<MakeSeries> {
        let params = self.options(Options::Strict)?;
        let aggregates = self.comma_list(|p| {
            let column = p.column_assign()?;
            let default = if p.at_word("default") && p.peek_at(1).is(Punct::Eq) {
                p.bump();
                p.bump();
                Some(p.expr()?)
            } else {
                None
            };
            Ok(SeriesAggregate { column, default })
        })?;
        self.expect_word("on", "before the axis column of `make-series`")?;
        let on = self.expr()?;
        let range = if self.at_word("in") && self.peek_at(1).is_word("range") {
            self.bump();
            self.bump();
            let open = self.expect(Punct::LParen, "after `in range`")?;
            let from = self.expr()?;
            self.expect(Punct::Comma, "after the start of `in range(...)`")?;
            let to = self.expr()?;
            self.expect(Punct::Comma, "after the end of `in range(...)`")?;
            let step = self.expr()?;
            self.close(Punct::RParen, open)?;
            SeriesRange {
                from: Some(from),
                to: Some(to),
                step,
                in_range: true,
            }
        } else {
            let from = if self.eat_word("from").is_some() {
                Some(self.expr()?)
            } else {
                None
            };
            let to = if self.eat_word("to").is_some() {
                Some(self.expr()?)
            } else {
                None
            };
            self.expect_word("step", "in `make-series` (the axis needs `step`)")?;
            let step = self.expr()?;
            SeriesRange {
                from,
                to,
                step,
                in_range: false,
            }
        };
        let by = if self.eat_word("by").is_some() {
            self.comma_list(|p| p.column_assign())?
        } else {
            Vec::new()
        };
        Ok(MakeSeries {
            params,
            aggregates,
            on,
            range,
            by,
        })
    }

    /// `top-nested [N] of Expr [with others = V] by Agg [asc|desc], top-nested ...`; the first
    /// `top-nested` is already consumed.
    pub fn top_nested(&mut self) -> PResult<OperatorKind> {
        let mut levels = Vec::new();
        let mut kw = self.prev_span();
        loop {
            let count = if self.at_word("of") {
                None
            } else {
                Some(self.expr()?)
            };
            self.expect_word("of", "in `top-nested`")?;
            let of = self.column_assign()?;
            let others = if self.at_word("with") && self.peek_at(1).is_word("others") {
                self.bump();
                self.bump();
                self.expect(Punct::Eq, "after `with others`")?;
                Some(self.expr()?)
            } else {
                None
            };
            self.expect_word("by", "in `top-nested`")?;
            let by = self.column_assign()?;
            let order = if self.eat_word("asc").is_some() {
                Some(SortOrder::Asc)
            } else if self.eat_word("desc").is_some() {
                Some(SortOrder::Desc)
            } else {
                None
            };
            levels.push(TopNestedLevel {
                count,
                of,
                others,
                by,
                order,
                span: kw.to(self.prev_span()),
            });
            if self.at(Punct::Comma) && self.peek_at(1).is_word("top-nested") {
                self.bump();
                kw = self.bump().span;
            } else {
                break;
            }
        }
        Ok(OperatorKind::TopNested(levels))
    }

    /// `[options] plugin(args)`.
    pub fn evaluate(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        let name = self.name("a plugin name after `evaluate`")?;
        if !self.at(Punct::LParen) {
            return Err(self.fail_here(
                K::ExpectedToken,
                &format!("expected `(` after the plugin name `{}`", name.name),
            ));
        }
        let call = self.call(name)?;
        Ok(OperatorKind::Evaluate { params, call })
    }

    /// `chart [with (name = value, ...)]`, or the legacy `chart kind=... title=...`.
    pub fn render(&mut self) -> PResult<OperatorKind> {
        let chart = self.name("a visualization after `render`")?;
        let properties = if self.eat_word("with").is_some() {
            self.paren_properties("the `with` properties of `render`")?
        } else {
            self.options(Options::Any)?
        };
        Ok(OperatorKind::Render { chart, properties })
    }

    /// `by Expr [with threshold=..., characters=...]`.
    pub fn reduce(&mut self) -> PResult<OperatorKind> {
        self.expect_word("by", "after `reduce`")?;
        let by = self.expr()?;
        let params = if self.eat_word("with").is_some() {
            self.comma_list(|p| p.property())?
        } else {
            Vec::new()
        };
        Ok(OperatorKind::Reduce { by, params })
    }

    /// `[Name =] (subquery) ...`, one or more.
    pub fn fork(&mut self) -> PResult<OperatorKind> {
        let mut forks = Vec::new();
        loop {
            let start = self.peek().span;
            let names = if self.at_name_then_eq() {
                let n = self.name("a name for the fork")?;
                self.bump();
                vec![n]
            } else if self.at(Punct::LParen) {
                Vec::new()
            } else {
                break;
            };
            let expr = self.paren_subquery("around each sub-query of `fork`")?;
            let span = start.to(self.prev_span());
            forks.push(ColumnAssign { names, expr, span });
        }
        if forks.is_empty() {
            return Err(self.fail_here(
                K::ExpectedToken,
                "expected `(` and a sub-query after `fork`",
            ));
        }
        Ok(OperatorKind::Fork(forks))
    }

    /// `by Col, ... [with (subquery) | with operator]`.
    pub fn facet(&mut self) -> PResult<OperatorKind> {
        self.expect_word("by", "after `facet`")?;
        let columns = self.comma_list(|p| p.name_expr())?;
        let with = if self.eat_word("with").is_some() {
            if self.at(Punct::LParen) {
                Some(self.paren_subquery("around the sub-query of `facet`")?)
            } else {
                Some(self.subquery()?)
            }
        } else {
            None
        };
        Ok(OperatorKind::Facet { columns, with })
    }

    /// `[options] by Col ( subquery )` or `{ full query }`.
    pub fn partition(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        self.expect_word("by", "after `partition`")?;
        let by = self.name_expr()?;
        let subquery = if let Some(open) = self.eat(Punct::LBrace) {
            let q = self.pipe_expr()?;
            self.close(Punct::RBrace, open)?;
            q
        } else if self.at(Punct::LParen) {
            self.paren_subquery("around the sub-query of `partition`")?
        } else {
            return Err(self.fail_here(
                K::ExpectedToken,
                "expected `(` or `{` with the sub-query of `partition`",
            ));
        };
        Ok(OperatorKind::Partition {
            params,
            by,
            subquery,
        })
    }

    /// `[with_match_id=Id] [declare (Col:type [= default], ...)] with (step ...; ...)`.
    pub fn scan(&mut self) -> PResult<Scan> {
        let params = self.options(Options::Strict)?;
        let mut declare = Vec::new();
        if self.eat_word("declare").is_some() {
            let open = self.expect(Punct::LParen, "after `declare`")?;
            declare = self.comma_list(|p| p.param(false))?;
            self.close(Punct::RParen, open)?;
        }
        self.expect_word("with", "before the steps of `scan`")?;
        let open = self.expect(Punct::LParen, "around the steps of `scan`")?;
        let mut steps = Vec::new();
        while !self.at(Punct::RParen) {
            let kw = self.expect_word("step", "to start a `scan` step")?;
            let name = self.name("a step name")?;
            let output = if self.at_word("output") && self.peek_at(1).is(Punct::Eq) {
                self.bump();
                self.bump();
                Some(self.name("`all`, `last` or `none` after `output=`")?)
            } else {
                None
            };
            self.expect(
                Punct::Colon,
                &format!("after the step name `{}`", name.name),
            )?;
            let condition = self.expr()?;
            let assignments = if self.eat(Punct::FatArrow).is_some() {
                self.comma_list(|p| p.column_assign())?
            } else {
                Vec::new()
            };
            self.expect(Punct::Semi, "after each `scan` step")?;
            steps.push(ScanStep {
                name,
                output,
                condition,
                assignments,
                span: kw.to(self.prev_span()),
            });
        }
        self.close(Punct::RParen, open)?;
        if steps.is_empty() {
            let d = self.error(K::ExpectedToken, "`scan` needs at least one `step`", open);
            d.span_label = Some("no steps inside".into());
            return Err(Fail);
        }
        Ok(Scan {
            params,
            declare,
            steps,
        })
    }

    /// A column name as an expression (where a following `(` must not make it a call).
    fn name_expr(&mut self) -> PResult<Expr> {
        let name: Ident = self.name("a column name")?;
        let span = name.span;
        if name.name.starts_with('$') {
            let d = self.error(K::ExpectedName, "expected a column name", span);
            d.span_label = Some("not a column".into());
            return Err(Fail);
        }
        Ok(Expr::new(ExprKind::Name(name), span))
    }
}
