//! Tabular operators: dispatch on the word after `|`, and the operators whose syntax is a
//! simple list (filtering, projection, aggregation, ordering). The others live in `join.rs`,
//! `parse_op.rs` and `tabular.rs`.
//!
//! Each operator is parsed by its own function and the dispatcher only forwards: operators
//! nest (`join (T | where x in (U | ...))`), so the dispatcher's stack frame is paid once per
//! nesting level, and a single large `match` building every kind inline would cost tens of
//! kilobytes per level in debug builds.

use super::params::Options;
use super::{Fail, PResult, Parser};
use crate::ast::{ColumnPattern, Ident, Operator, OperatorKind, Rename, ReorderColumn, Summarize};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::{OPERATORS, UNSUPPORTED_OPERATORS};
use crate::token::{Punct, Tok};
use kql_diagnostics::{Span, suggest};

impl Parser<'_> {
    /// One tabular operator (the cursor is just after `|`, or at the start of a sub-query).
    pub fn operator(&mut self) -> PResult<Operator> {
        let t = self.peek();
        let (text, span) = (t.text, t.span);
        if t.kind != Tok::Ident {
            let found = t.describe();
            let d = self.error(
                K::ExpectedOperator,
                format!("expected a tabular operator after `|`, found {found}"),
                span,
            );
            d.span_label = Some("expected an operator such as `where` or `project`".into());
            return Err(Fail);
        }
        self.bump();
        let kind = self.operator_kind(text, span)?;
        Ok(Operator {
            kind,
            span: span.to(self.prev_span()),
        })
    }

    /// The operator named `word` (already consumed).
    fn operator_kind(&mut self, word: &str, span: Span) -> PResult<OperatorKind> {
        match word {
            "where" | "filter" => self.where_op(),
            "extend" => self
                .comma_list(|p| p.column_assign())
                .map(OperatorKind::Extend),
            "project" => self
                .comma_list(|p| p.column_assign())
                .map(OperatorKind::Project),
            "project-away" => self
                .comma_list(|p| p.column_pattern())
                .map(OperatorKind::ProjectAway),
            "project-keep" => self
                .comma_list(|p| p.column_pattern())
                .map(OperatorKind::ProjectKeep),
            "project-by-names" => self
                .comma_list(|p| p.expr())
                .map(OperatorKind::ProjectByNames),
            "project-rename" => self
                .comma_list(|p| p.rename())
                .map(OperatorKind::ProjectRename),
            "project-reorder" => self
                .comma_list(|p| p.reorder_column())
                .map(OperatorKind::ProjectReorder),
            "summarize" => self.summarize(),
            "sort" | "order" => self.sort(word),
            "top" => self.top(),
            "top-nested" => self.top_nested(),
            "take" | "limit" => self.expr().map(OperatorKind::Take),
            "distinct" => self.distinct(),
            "count" => Ok(OperatorKind::Count),
            "getschema" => Ok(OperatorKind::GetSchema),
            "as" => self.as_op(),
            "serialize" => self.serialize(),
            "invoke" => self.invoke(),
            "sample" => self.expr().map(OperatorKind::Sample),
            "sample-distinct" => self.sample_distinct(),
            "search" => self.search_op(),
            "consume" => self.options(Options::Any).map(OperatorKind::Consume),
            "__executeAndCache" | "project-smart" => {
                Ok(OperatorKind::Other(Ident::new(word, span)))
            }
            "join" => self.join_body("join").map(OperatorKind::Join),
            "lookup" => self.join_body("lookup").map(OperatorKind::Lookup),
            "union" => self.union_op(),
            "parse" => self.parse_op(false).map(OperatorKind::Parse),
            "parse-where" => self.parse_op(true).map(OperatorKind::Parse),
            "parse-kv" => self.parse_kv().map(OperatorKind::ParseKv),
            "mv-expand" | "mvexpand" => self.mv_expand().map(OperatorKind::MvExpand),
            "mv-apply" | "mvapply" => self.mv_apply().map(|m| OperatorKind::MvApply(Box::new(m))),
            "make-series" => self
                .make_series()
                .map(|m| OperatorKind::MakeSeries(Box::new(m))),
            "evaluate" => self.evaluate(),
            "render" => self.render(),
            "reduce" => self.reduce(),
            "fork" => self.fork(),
            "facet" => self.facet(),
            "partition" => self.partition(),
            "scan" => self.scan().map(|s| OperatorKind::Scan(Box::new(s))),
            w => Err(self.not_an_operator(w, span)),
        }
    }

    fn not_an_operator(&mut self, w: &str, span: Span) -> Fail {
        if UNSUPPORTED_OPERATORS.contains(&w) {
            let d = self.error(
                K::UnsupportedOperator,
                format!("the `{w}` operator is not supported by kqlhunt"),
                span,
            );
            d.span_label = Some("valid Kusto, but not implemented here".into());
            return Fail;
        }
        let d = self.error(
            K::UnknownOperator,
            format!("unknown tabular operator `{w}`"),
            span,
        );
        d.span_label = Some("not an operator".into());
        if let Some(s) = suggest(w, OPERATORS.iter().copied()) {
            d.helps.push(format!("did you mean `{s}`?"));
        }
        Fail
    }

    /// `where predicate`, with a targeted message for `=` used as a comparison.
    fn where_op(&mut self) -> PResult<OperatorKind> {
        let pred = self.expr()?;
        if self.at(Punct::Eq) {
            let eq = self.peek().span;
            let d = self.error(K::AssignmentInPredicate, "`=` is not a comparison", eq);
            d.span_label = Some("assignment, not comparison".into());
            d.helps
                .push("compare with `==` (or `=~` to ignore case)".into());
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

    /// `sort [options] by key, ...` (`order` is the same operator).
    fn sort(&mut self, word: &str) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        self.expect_word("by", &format!("after `{word}`"))?;
        let keys = self.comma_list(|p| p.sort_key())?;
        Ok(OperatorKind::Sort { params, keys })
    }

    /// `top N by key`.
    fn top(&mut self) -> PResult<OperatorKind> {
        let count = self.expr()?;
        self.expect_word("by", "after the row count of `top`")?;
        let key = self.sort_key()?;
        Ok(OperatorKind::Top { count, key })
    }

    /// `distinct [hints] Col, ...` or `distinct *`.
    fn distinct(&mut self) -> PResult<OperatorKind> {
        self.options(Options::Hints)?;
        self.comma_list(|p| p.expr()).map(OperatorKind::Distinct)
    }

    /// `as [options] Name`.
    fn as_op(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        let name = self.name("a name after `as`")?;
        Ok(OperatorKind::As { params, name })
    }

    /// `serialize [Name = expr, ...]`.
    fn serialize(&mut self) -> PResult<OperatorKind> {
        if self.at_operator_end() {
            return Ok(OperatorKind::Serialize(Vec::new()));
        }
        self.comma_list(|p| p.column_assign())
            .map(OperatorKind::Serialize)
    }

    /// `invoke f(args)`.
    fn invoke(&mut self) -> PResult<OperatorKind> {
        let name = self.name("a function name after `invoke`")?;
        if !self.at(Punct::LParen) {
            return Err(self.fail_here(
                K::ExpectedToken,
                "expected `(` after the function name of `invoke`",
            ));
        }
        self.call(name).map(OperatorKind::Invoke)
    }

    /// `sample-distinct N of Col`.
    fn sample_distinct(&mut self) -> PResult<OperatorKind> {
        let count = self.expr()?;
        self.expect_word("of", "after the count of `sample-distinct`")?;
        let column = self.expr()?;
        Ok(OperatorKind::SampleDistinct { count, column })
    }

    /// `search [options] predicate` after a pipe.
    fn search_op(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        let predicate = self.expr()?;
        Ok(OperatorKind::Search { params, predicate })
    }

    /// `union [options] T2, ...` after a pipe.
    fn union_op(&mut self) -> PResult<OperatorKind> {
        let params = self.options(Options::Any)?;
        let tables = self.comma_list(|p| p.table_ref())?;
        Ok(OperatorKind::Union { params, tables })
    }

    /// `New = Old` of `project-rename`.
    fn rename(&mut self) -> PResult<Rename> {
        let new = self.name("the new column name")?;
        self.expect(
            Punct::Eq,
            &format!("after `{}` in `project-rename`", new.name),
        )?;
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
