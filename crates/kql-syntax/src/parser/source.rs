//! Pipes and what may start one: a table or any expression, or one of the sources that only
//! stand at the start of a query (`union`, `print`, `range`, `search`, `find`); and
//! sub-queries that start with an operator (`mv-apply ... on (where x > 1)`).

use super::{Fail, PResult, Parser};
use crate::ast::{ColumnAssign, Expr, ExprKind, FindExpr, FindProject, SearchExpr};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::OPERATORS;
use crate::token::{Punct, Tok};
use crate::walk::{expr_depth, operator_depth};
use kql_diagnostics::Span;

use super::params::Options;

impl Parser<'_> {
    /// `source | op | op ...` anywhere a tabular expression may stand.
    pub fn pipe_expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.pipe_expr_inner(false))
    }

    /// A statement-level pipe: after a bad operator it skips to the next `|` and goes on, so
    /// that later operators are checked too.
    pub fn pipe_expr_recovering(&mut self) -> PResult<Expr> {
        self.nested(|p| p.pipe_expr_inner(true))
    }

    fn pipe_expr_inner(&mut self, recover: bool) -> PResult<Expr> {
        let input = self.source()?;
        self.pipe_tail(input, recover)
    }

    /// The `| op` chain after `input`.
    fn pipe_tail(&mut self, mut e: Expr, recover: bool) -> PResult<Expr> {
        let mut depth = expr_depth(&e, super::MAX_TREE_DEPTH + 1);
        let mut failed = false;
        while self.eat(Punct::Pipe).is_some() {
            match self.operator() {
                Ok(op) if !failed => {
                    depth = depth.max(operator_depth(&op, super::MAX_TREE_DEPTH + 1)) + 1;
                    self.check_tree_depth(depth, op.span)?;
                    let span = e.span.to(op.span);
                    e = Expr::new(
                        ExprKind::Pipe {
                            input: Box::new(e),
                            op: Box::new(op),
                        },
                        span,
                    );
                }
                Ok(_) => {}
                Err(f) => {
                    if !recover || self.give_up() {
                        return Err(f);
                    }
                    failed = true;
                    self.recover_to_pipe();
                }
            }
        }
        if failed { Err(Fail) } else { Ok(e) }
    }

    /// A sub-query that starts with an operator and reads the enclosing operator's rows:
    /// the body of `mv-apply ... on (...)`, `partition by K (...)`, `fork (...)`.
    pub fn subquery(&mut self) -> PResult<Expr> {
        self.nested(|p| {
            let start = p.peek().span.start;
            let input = Expr::new(ExprKind::ImplicitInput, Span::at(start));
            let first = p.operator()?;
            let span = Span::at(start).to(first.span);
            let e = Expr::new(
                ExprKind::Pipe {
                    input: Box::new(input),
                    op: Box::new(first),
                },
                span,
            );
            p.pipe_tail(e, false)
        })
    }

    /// What starts a pipe.
    fn source(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        if t.kind == Tok::Ident {
            let next = self.peek_at(1).clone();
            match t.text {
                "union" => return self.union_source(),
                "print" => return self.print_source(),
                "range" if !next.is(Punct::LParen) => return self.range_source(),
                "search" if !next.is(Punct::LParen) => return self.search_source(),
                "find" if !next.is(Punct::LParen) => return self.find_source(),
                w if OPERATORS.contains(&w) && starts_argument(&next.kind, next.text) => {
                    let d = self.error(
                        K::OperatorWithoutInput,
                        format!(
                            "a query must start with a table or a source, found the operator `{w}`"
                        ),
                        t.span,
                    );
                    d.span_label = Some("operators come after `|`".into());
                    d.helps.push(format!(
                        "name the input first, e.g. `SecurityEvent | {w} ...`"
                    ));
                    return Err(Fail);
                }
                _ => {}
            }
        }
        self.expr()
    }

    /// `union [options] T1, T2*, (query), ...` at the start of a query.
    fn union_source(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let params = self.options(Options::Any)?;
        let tables = self.comma_list(|p| p.table_ref())?;
        Ok(Expr::new(
            ExprKind::Union { params, tables },
            kw.to(self.prev_span()),
        ))
    }

    /// One leg of `union`, or a table of `search in (...)`/`find in (...)`: a name, a name
    /// pattern (`Device*`), `*`, a call (`table("T")`), or a parenthesised query.
    pub fn table_ref(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        if t.kind == Tok::Ident || t.is(Punct::Star) {
            let glued_star = {
                let n = self.peek_at(1);
                t.is(Punct::Star) || (n.is(Punct::Star) && n.span.start == t.span.end)
            };
            if glued_star {
                let (pattern, _) = self.glued_pattern("a table name")?;
                let span = pattern.span;
                if pattern.name == "*" {
                    return Ok(Expr::new(ExprKind::Star, span));
                }
                return Ok(Expr::new(ExprKind::Wildcard(pattern), span));
            }
        }
        self.postfix()
    }

    /// `print [Name =] expr, ...`.
    fn print_source(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let columns: Vec<ColumnAssign> = self.comma_list(|p| p.column_assign())?;
        Ok(Expr::new(
            ExprKind::Print { columns },
            kw.to(self.prev_span()),
        ))
    }

    /// `range Col from start to stop step step`.
    fn range_source(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let column = self.name("the column name after `range`")?;
        self.expect_word("from", "after the column name of `range`")?;
        let from = self.expr()?;
        self.expect_word("to", "after the start of `range`")?;
        let to = self.expr()?;
        self.expect_word("step", "after the end of `range`")?;
        let step = self.expr()?;
        Ok(Expr::new(
            ExprKind::Range {
                column,
                from: Box::new(from),
                to: Box::new(to),
                step: Box::new(step),
            },
            kw.to(self.prev_span()),
        ))
    }

    /// `in (T1, T2*)` of `search` and `find`.
    fn in_tables(&mut self) -> PResult<Option<Vec<Expr>>> {
        if !(self.at_word("in") && self.peek_at(1).is(Punct::LParen)) {
            return Ok(None);
        }
        self.bump();
        let open = self.bump().span;
        let tables = self.comma_list(|p| p.table_ref())?;
        self.close(Punct::RParen, open)?;
        Ok(Some(tables))
    }

    /// `search [kind=...] [in (T, ...)] predicate` at the start of a query.
    fn search_source(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let params = self.options(Options::Any)?;
        let tables = self.in_tables()?;
        let predicate = self.expr()?;
        Ok(Expr::new(
            ExprKind::Search(SearchExpr {
                params,
                tables,
                predicate: Box::new(predicate),
            }),
            kw.to(self.prev_span()),
        ))
    }

    /// `find [options] [in (T, ...)] [where] predicate [project ... | project-smart]`.
    fn find_source(&mut self) -> PResult<Expr> {
        let kw = self.bump().span;
        let params = self.options(Options::Any)?;
        let tables = self.in_tables()?;
        self.eat_word("where");
        let predicate = self.expr()?;
        let project = if self.eat_word("project-smart").is_some() {
            Some(FindProject::Smart)
        } else if self.eat_word("project").is_some() {
            Some(FindProject::Columns(self.comma_list(|p| p.expr())?))
        } else {
            None
        };
        Ok(Expr::new(
            ExprKind::Find(FindExpr {
                params,
                tables,
                predicate: Box::new(predicate),
                project,
            }),
            kw.to(self.prev_span()),
        ))
    }

    /// `( operator | operator ... )`: a parenthesised operator-first sub-query.
    pub fn paren_subquery(&mut self, context: &str) -> PResult<Expr> {
        let open = self.expect(Punct::LParen, context)?;
        let q = self.subquery()?;
        self.close(Punct::RParen, open)?;
        Ok(q)
    }
}

/// True when a token after an operator word looks like that operator's argument (so the word
/// is the operator, misplaced at the start of a query, rather than a table of that name).
fn starts_argument(kind: &Tok<'_>, text: &str) -> bool {
    matches!(
        kind,
        Tok::Ident
            | Tok::Str { .. }
            | Tok::Long(_)
            | Tok::Real(_)
            | Tok::Timespan(_)
            | Tok::Typed { .. }
    ) && !matches!(text, "and" | "or")
}
