//! Tabular operators: dispatch on the word after `|`, and the operators whose syntax is a
//! simple list (filtering, projection, aggregation, ordering). The others live in `join.rs`,
//! `parse_op.rs` and `tabular.rs`.

use super::params::Options;
use super::{Fail, PResult, Parser};
use crate::ast::{
    ColumnPattern, Ident, Operator, OperatorKind, ReorderColumn, Rename, Summarize,
};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::{OPERATORS, UNSUPPORTED_OPERATORS};
use crate::token::{Punct, Tok};
use kql_diagnostics::suggest;

impl Parser<'_> {
    /// One tabular operator (the cursor is just after `|`, or at the start of a sub-query).
    pub fn operator(&mut self) -> PResult<Operator> {
        let t = self.peek().clone();
        if t.kind != Tok::Ident {
            let d = self.error(
                K::ExpectedOperator,
                format!("expected a tabular operator after `|`, found {}", t.describe()),
                t.span,
            );
            d.span_label = Some("expected an operator such as `where` or `project`".into());
            return Err(Fail);
        }
        let kind = match t.text {
            "where" | "filter" => {
                self.bump();
                self.where_op()?
            }
            "extend" => {
                self.bump();
                OperatorKind::Extend(self.comma_list(|p| p.column_assign())?)
            }
            "project" => {
                self.bump();
                OperatorKind::Project(self.comma_list(|p| p.column_assign())?)
            }
            "project-away" => {
                self.bump();
                OperatorKind::ProjectAway(self.comma_list(|p| p.column_pattern())?)
            }
            "project-keep" => {
                self.bump();
                OperatorKind::ProjectKeep(self.comma_list(|p| p.column_pattern())?)
            }
            "project-rename" => {
                self.bump();
                OperatorKind::ProjectRename(self.comma_list(|p| p.rename())?)
            }
            "project-reorder" => {
                self.bump();
                OperatorKind::ProjectReorder(self.comma_list(|p| p.reorder_column())?)
            }
            "summarize" => {
                self.bump();
                self.summarize()?
            }
            "sort" | "order" => {
                self.bump();
                let params = self.options(Options::Any)?;
                self.expect_word("by", &format!("after `{}`", t.text))?;
                let keys = self.comma_list(|p| p.sort_key())?;
                OperatorKind::Sort { params, keys }
            }
            "top" => {
                self.bump();
                let count = self.expr()?;
                self.expect_word("by", "after the row count of `top`")?;
                let key = self.sort_key()?;
                OperatorKind::Top { count, key }
            }
            "take" | "limit" => {
                self.bump();
                OperatorKind::Take(self.expr()?)
            }
            "distinct" => {
                self.bump();
                self.options(Options::Hints)?;
                OperatorKind::Distinct(self.comma_list(|p| p.expr())?)
            }
            "count" => {
                self.bump();
                OperatorKind::Count
            }
            "getschema" => {
                self.bump();
                OperatorKind::GetSchema
            }
            "as" => {
                self.bump();
                let params = self.options(Options::Any)?;
                let name = self.name("a name after `as`")?;
                OperatorKind::As { params, name }
            }
            "serialize" => {
                self.bump();
                let cols = if self.at_operator_end() {
                    Vec::new()
                } else {
                    self.comma_list(|p| p.column_assign())?
                };
                OperatorKind::Serialize(cols)
            }
            "invoke" => {
                self.bump();
                let name = self.name("a function name after `invoke`")?;
                if !self.at(Punct::LParen) {
                    return Err(self.fail_here(K::ExpectedToken, "expected `(` after the function name of `invoke`"));
                }
                OperatorKind::Invoke(self.call(name)?)
            }
            "sample" => {
                self.bump();
                OperatorKind::Sample(self.expr()?)
            }
            "sample-distinct" => {
                self.bump();
                let count = self.expr()?;
                self.expect_word("of", "after the count of `sample-distinct`")?;
                let column = self.expr()?;
                OperatorKind::SampleDistinct { count, column }
            }
            "search" => {
                self.bump();
                let params = self.options(Options::Any)?;
                let predicate = self.expr()?;
                OperatorKind::Search { params, predicate }
            }
            "consume" => {
                self.bump();
                OperatorKind::Consume(self.options(Options::Any)?)
            }
            "__executeAndCache" | "project-smart" => {
                self.bump();
                OperatorKind::Other(Ident::new(t.text, t.span))
            }
            "join" => {
                self.bump();
                OperatorKind::Join(self.join_body("join")?)
            }
            "lookup" => {
                self.bump();
                OperatorKind::Lookup(self.join_body("lookup")?)
            }
            "union" => {
                self.bump();
                let params = self.options(Options::Any)?;
                let tables = self.comma_list(|p| p.table_ref())?;
                OperatorKind::Union { params, tables }
            }
            "parse" | "parse-where" => {
                self.bump();
                OperatorKind::Parse(self.parse_op(t.text == "parse-where")?)
            }
            "parse-kv" => {
                self.bump();
                OperatorKind::ParseKv(self.parse_kv()?)
            }
            "mv-expand" | "mvexpand" => {
                self.bump();
                OperatorKind::MvExpand(self.mv_expand()?)
            }
            "mv-apply" | "mvapply" => {
                self.bump();
                OperatorKind::MvApply(Box::new(self.mv_apply()?))
            }
            "make-series" => {
                self.bump();
                OperatorKind::MakeSeries(Box::new(self.make_series()?))
            }
            "top-nested" => self.top_nested()?,
            "evaluate" => {
                self.bump();
                self.evaluate()?
            }
            "render" => {
                self.bump();
                self.render()?
            }
            "reduce" => {
                self.bump();
                self.reduce()?
            }
            "fork" => {
                self.bump();
                self.fork()?
            }
            "facet" => {
                self.bump();
                self.facet()?
            }
            "partition" => {
                self.bump();
                self.partition()?
            }
            "scan" => {
                self.bump();
                OperatorKind::Scan(Box::new(self.scan()?))
            }
            w if UNSUPPORTED_OPERATORS.contains(&w) => {
                let d = self.error(
                    K::UnsupportedOperator,
                    format!("the `{w}` operator is not supported by kqlhunt"),
                    t.span,
                );
                d.span_label = Some("valid Kusto, but not implemented here".into());
                return Err(Fail);
            }
            w => {
                let d = self.error(
                    K::UnknownOperator,
                    format!("unknown tabular operator `{w}`"),
                    t.span,
                );
                d.span_label = Some("not an operator".into());
                if let Some(s) = suggest(w, OPERATORS.iter().copied()) {
                    d.helps.push(format!("did you mean `{s}`?"));
                }
                return Err(Fail);
            }
        };
        Ok(Operator {
            kind,
            span: t.span.to(self.prev_span()),
        })
    }

    /// `where predicate`, with a targeted message for `=` used as a comparison.
    fn where_op(&mut self) -> PResult<OperatorKind> {
        let pred = self.expr()?;
        if self.at(Punct::Eq) {
            let eq = self.peek().span;
            let d = self.error(
                K::AssignmentInPredicate,
                "`=` is not a comparison",
                eq,
            );
            d.span_label = Some("assignment, not comparison".into());
            d.helps.push("compare with `==` (or `=~` to ignore case)".into());
            return Err(Fail);
        }
        Ok(OperatorKind::Where(pred))
    }

    /// `summarize [hints] [aggregates] [by keys]`.
    fn summarize(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Hints)?;
        let aggregates = if self.at_word("by") || self.at_operator_end() {
            Vec::new()
        } else {
            self.comma_list(|p| p.column_assign())?
        };
        let by = if self.eat_word("by").is_some() {
            self.comma_list(|p| p.column_assign())?
        } else {
            Vec::new()
        };
        if aggregates.is_empty() && by.is_empty() {
            return Err(self.fail_here(
                K::ExpectedExpression,
                "expected aggregates or `by` after `summarize`",
            ));
        }
        Ok(OperatorKind::Summarize(Summarize {
            params,
            aggregates,
            by,
        }))
    }

    /// `New = Old` of `project-rename`.
    fn rename(&mut self) -> crate::parser::PResult<Rename> {
        let new = self.name("the new column name")?;
        self.expect(Punct::Eq, &format!("after `{}` in `project-rename`", new.name))?;
        let old = self.name("the existing column name")?;
        let span = new.span.to(old.span);
        Ok(Rename { new, old, span })
    }

    /// `Col [asc|desc|granny-asc|granny-desc]` of `project-reorder`.
    fn reorder_column(&mut self) -> PResult<ReorderColumn> {
        let column: ColumnPattern = self.column_pattern()?;
        let t = self.peek().clone();
        let order = if matches!(t.text, "asc" | "desc" | "granny-asc" | "granny-desc")
            && t.kind == Tok::Ident
        {
            self.bump();
            Some(Ident::new(t.text, t.span))
        } else {
            None
        };
        Ok(ReorderColumn { column, order })
    }
}
