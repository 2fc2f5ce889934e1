//! Printing tabular operators (without their `|`).

use super::{Printer, literal, needs_quotes};
use crate::ast::{
    ColumnPattern, Expr, ExprKind, Join, MvColumn, NullsOrder, Operator, OperatorKind, ParseKind,
    ParsePart, SortKey, SortOrder,
};

impl Printer {
    pub fn operator(&mut self, op: &Operator) {
        use OperatorKind::*;
        match &op.kind {
            Where(e) => {
                self.w("where ");
                self.expr(e, 1);
            }
            Extend(cols) => {
                self.w("extend ");
                self.list(cols, |p, c| p.column_assign(c));
            }
            Project(cols) => {
                self.w("project ");
                self.list(cols, |p, c| p.column_assign(c));
            }
            ProjectAway(pats) => {
                self.w("project-away ");
                self.list(pats, |p, c| p.pattern(c));
            }
            ProjectKeep(pats) => {
                self.w("project-keep ");
                self.list(pats, |p, c| p.pattern(c));
            }
            ProjectRename(rs) => {
                self.w("project-rename ");
                self.list(rs, |p, r| {
                    p.name(&r.new);
                    p.w(" = ");
                    p.name(&r.old);
                });
            }
            ProjectReorder(cols) => {
                self.w("project-reorder ");
                self.list(cols, |p, c| {
                    p.pattern(&c.column);
                    if let Some(o) = &c.order {
                        p.w(" ");
                        p.w(&o.name);
                    }
                });
            }
            Summarize(s) => {
                self.w("summarize ");
                self.params(&s.params);
                self.list(&s.aggregates, |p, c| p.column_assign(c));
                if !s.by.is_empty() {
                    if !s.aggregates.is_empty() {
                        self.w(" ");
                    }
                    self.w("by ");
                    self.list(&s.by, |p, c| p.column_assign(c));
                }
            }
            Sort { params, keys } => {
                self.w("sort ");
                self.params(params);
                self.w("by ");
                self.list(keys, |p, k| p.sort_key(k));
            }
            Top { count, key } => {
                self.w("top ");
                self.expr(count, 1);
                self.w(" by ");
                self.sort_key(key);
            }
            TopNested(levels) => {
                self.list(levels, |p, l| {
                    p.w("top-nested ");
                    if let Some(c) = &l.count {
                        p.expr(c, 1);
                        p.w(" ");
                    }
                    p.w("of ");
                    p.column_assign(&l.of);
                    if let Some(o) = &l.others {
                        p.w(" with others = ");
                        p.expr(o, 1);
                    }
                    p.w(" by ");
                    p.column_assign(&l.by);
                    p.order(l.order);
                });
            }
            Take(e) => {
                self.w("take ");
                self.expr(e, 1);
            }
            ProjectByNames(es) => {
                self.w("project-by-names ");
                self.list(es, |p, e| p.expr(e, 1));
            }
            Distinct(es) => {
                self.w("distinct ");
                self.list(es, |p, e| p.expr(e, 1));
            }
            Count => self.w("count"),
            Join(j) => self.join("join", j),
            Lookup(j) => self.join("lookup", j),
            Union { params, tables } => {
                self.w("union ");
                self.params(params);
                self.list(tables, |p, t| p.table_ref(t));
            }
            MvExpand(m) => {
                self.w("mv-expand ");
                self.params(&m.params);
                self.list(&m.columns, |p, c| p.mv_column(c));
                self.limit(m.limit.as_ref());
            }
            MvApply(m) => {
                self.w("mv-apply ");
                self.params(&m.params);
                self.list(&m.columns, |p, c| p.mv_column(c));
                self.limit(m.limit.as_ref());
                self.w(" on (");
                self.inline_pipe(&m.subquery);
                self.w(")");
            }
            Parse(p) => {
                self.w(if p.where_ { "parse-where " } else { "parse " });
                match p.kind {
                    ParseKind::Simple => {}
                    ParseKind::Regex => self.w("kind=regex "),
                    ParseKind::Relaxed => self.w("kind=relaxed "),
                }
                if let Some(f) = &p.flags {
                    self.w("flags=");
                    if needs_quotes(f) {
                        literal::string(&mut self.out, f);
                    } else {
                        self.w(f);
                    }
                    self.w(" ");
                }
                self.params(&p.params);
                self.expr(&p.expr, 1);
                self.w(" with");
                for part in &p.pattern {
                    self.w(" ");
                    match part {
                        ParsePart::Star(_) => self.w("*"),
                        ParsePart::Text { value, .. } => literal::string(&mut self.out, value),
                        ParsePart::Column { name, ty } => {
                            self.name(name);
                            if let Some(t) = ty {
                                self.w(":");
                                self.w(t.as_str());
                            }
                        }
                    }
                }
            }
            ParseKv(p) => {
                self.w("parse-kv ");
                self.expr(&p.expr, 1);
                self.w(" as (");
                self.list(&p.columns, |p, c| p.column_decl(c));
                self.w(")");
                if !p.params.is_empty() {
                    self.w(" ");
                    self.properties(&p.params);
                }
            }
            MakeSeries(m) => {
                self.w("make-series ");
                self.params(&m.params);
                self.list(&m.aggregates, |p, a| {
                    p.column_assign_after_options(&a.column);
                    if let Some(d) = &a.default {
                        p.w(" default = ");
                        p.expr(d, 1);
                    }
                });
                self.w(" on ");
                self.expr(&m.on, 1);
                let r = &m.range;
                if r.in_range {
                    self.w(" in range(");
                    self.opt_expr(r.from.as_ref());
                    self.w(", ");
                    self.opt_expr(r.to.as_ref());
                    self.w(", ");
                    self.expr(&r.step, 1);
                    self.w(")");
                } else {
                    if let Some(f) = &r.from {
                        self.w(" from ");
                        self.expr(f, 1);
                    }
                    if let Some(t) = &r.to {
                        self.w(" to ");
                        self.expr(t, 1);
                    }
                    self.w(" step ");
                    self.expr(&r.step, 1);
                }
                if !m.by.is_empty() {
                    self.w(" by ");
                    self.list(&m.by, |p, c| p.column_assign(c));
                }
            }
            Evaluate { params, call } => {
                self.w("evaluate ");
                self.params(params);
                self.call(call);
            }
            As { params, name } => {
                self.w("as ");
                self.params(params);
                self.name(name);
            }
            Serialize(cols) => {
                self.w("serialize");
                if !cols.is_empty() {
                    self.w(" ");
                    self.list(cols, |p, c| p.column_assign(c));
                }
            }
            GetSchema => self.w("getschema"),
            Invoke(call) => {
                self.w("invoke ");
                self.call(call);
            }
            Render { chart, properties } => {
                self.w("render ");
                self.name(chart);
                if !properties.is_empty() {
                    self.w(" ");
                    self.properties(properties);
                }
            }
            Search { params, predicate } => {
                self.w("search ");
                self.params(params);
                self.expr(predicate, 1);
            }
            Sample(e) => {
                self.w("sample ");
                self.expr(e, 1);
            }
            SampleDistinct { count, column } => {
                self.w("sample-distinct ");
                self.expr(count, 1);
                self.w(" of ");
                self.expr(column, 1);
            }
            Reduce { by, params } => {
                self.w("reduce by ");
                self.expr(by, 1);
                if !params.is_empty() {
                    self.w(" with ");
                    self.list(params, |p, x| p.named_param(x));
                }
            }
            Fork(forks) => {
                self.w("fork");
                for f in forks {
                    self.w(" ");
                    if let Some(n) = f.names.first() {
                        self.name(n);
                        self.w(" = ");
                    }
                    self.w("(");
                    self.inline_pipe(&f.expr);
                    self.w(")");
                }
            }
            Facet { columns, with } => {
                self.w("facet by ");
                self.list(columns, |p, c| p.expr(c, 1));
                if let Some(w) = with {
                    self.w(" with (");
                    self.inline_pipe(w);
                    self.w(")");
                }
            }
            Partition {
                params,
                by,
                subquery,
            } => {
                self.w("partition ");
                self.params(params);
                self.w("by ");
                self.expr(by, 9);
                if reads_enclosing_rows(subquery) {
                    self.w(" (");
                    self.inline_pipe(subquery);
                    self.w(")");
                } else {
                    self.w(" { ");
                    self.nested_expr(subquery);
                    self.w(" }");
                }
            }
            Consume(params) => {
                self.w("consume");
                for p in params {
                    self.w(" ");
                    self.named_param(p);
                }
            }
            Scan(s) => {
                self.w("scan ");
                self.params(&s.params);
                if !s.declare.is_empty() {
                    self.w("declare (");
                    self.list(&s.declare, |p, d| p.param(d));
                    self.w(") ");
                }
                self.w("with (");
                for step in &s.steps {
                    self.w("step ");
                    self.name(&step.name);
                    if let Some(o) = &step.output {
                        self.w(" output=");
                        self.name(o);
                    }
                    self.w(": ");
                    self.expr(&step.condition, 1);
                    if !step.assignments.is_empty() {
                        self.w(" => ");
                        self.list(&step.assignments, |p, a| p.column_assign(a));
                    }
                    self.w("; ");
                }
                if !s.steps.is_empty() {
                    self.out.pop();
                }
                self.w(")");
            }
            Other(name) => self.w(&name.name),
        }
    }

    fn join(&mut self, word: &str, j: &Join) {
        self.w(word);
        self.w(" ");
        self.params(&j.params);
        self.expr(&j.right, 9);
        if !j.on.is_empty() {
            self.w(" on ");
            self.list(&j.on, |p, e| p.expr(e, 1));
        }
    }

    fn pattern(&mut self, c: &ColumnPattern) {
        if c.wildcard {
            self.w(&c.pattern.name);
        } else {
            self.name(&c.pattern);
        }
    }

    fn sort_key(&mut self, k: &SortKey) {
        self.expr(&k.expr, 1);
        self.order(k.order);
        match k.nulls {
            None => {}
            Some(NullsOrder::First) => self.w(" nulls first"),
            Some(NullsOrder::Last) => self.w(" nulls last"),
        }
    }

    fn order(&mut self, o: Option<SortOrder>) {
        match o {
            None => {}
            Some(SortOrder::Asc) => self.w(" asc"),
            Some(SortOrder::Desc) => self.w(" desc"),
        }
    }

    fn mv_column(&mut self, c: &MvColumn) {
        self.column_assign_after_options(&c.column);
        if let Some(t) = c.to_type {
            self.w(" to typeof(");
            self.w(t.as_str());
            self.w(")");
        }
    }

    fn limit(&mut self, l: Option<&Expr>) {
        if let Some(l) = l {
            self.w(" limit ");
            self.expr(l, 1);
        }
    }

    fn opt_expr(&mut self, e: Option<&Expr>) {
        if let Some(e) = e {
            self.expr(e, 1);
        }
    }
}

/// True for a sub-query whose rows come from the enclosing operator (its innermost input is
/// the implicit one).
fn reads_enclosing_rows(e: &Expr) -> bool {
    let (root, _) = super::expr::pipe_chain(e);
    matches!(root.kind, ExprKind::ImplicitInput)
}
