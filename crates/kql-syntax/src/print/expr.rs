//! Printing expressions, with parentheses wherever the tree's shape needs them.

use super::{Printer, literal};
use crate::ast::{Expr, ExprKind, FindProject, Operator, UnaryOp};

/// The precedence level an expression prints at (see `parser/expr.rs`): 0 for a pipe, 1-7
/// for binary operators, 8 for unary, 9 for primaries and postfix forms.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Pipe { .. } => 0,
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::InList { .. } | ExprKind::Between { .. } => 3,
        ExprKind::Unary { .. } => 8,
        ExprKind::Union { .. }
        | ExprKind::Print { .. }
        | ExprKind::Range { .. }
        | ExprKind::Search(_)
        | ExprKind::Find(_) => 0,
        _ => 9,
    }
}

/// Levels whose operators do not chain (a left operand at the same level needs parentheses).
fn chains(level: u8) -> bool {
    !matches!(level, 3 | 4 | 7)
}

impl Printer {
    /// A statement-level expression: a pipe prints one operator per line.
    pub fn top_expr(&mut self, e: &Expr) {
        if let ExprKind::Pipe { .. } = e.kind {
            let (root, ops) = pipe_chain(e);
            if !matches!(root.kind, ExprKind::ImplicitInput) {
                self.expr(root, 0);
            }
            for (i, op) in ops.iter().enumerate() {
                if i > 0 || !matches!(root.kind, ExprKind::ImplicitInput) {
                    self.newline();
                    self.w("| ");
                }
                self.operator(op);
            }
        } else {
            self.expr(e, 0);
        }
    }

    /// An expression that must read back at `min_level` or tighter.
    pub fn expr(&mut self, e: &Expr, min_level: u8) {
        if level(e) < min_level {
            self.w("(");
            self.expr(e, 0);
            self.w(")");
        } else {
            self.expr_kind(e);
        }
    }

    /// A pipe on one line: `T | where x | take 1`, or `where x | take 1` for a sub-query
    /// that reads its rows from the enclosing operator.
    pub fn inline_pipe(&mut self, e: &Expr) {
        let (root, ops) = pipe_chain(e);
        let implicit = matches!(root.kind, ExprKind::ImplicitInput);
        if !implicit {
            self.expr(root, 0);
        }
        for (i, op) in ops.iter().enumerate() {
            if i > 0 || !implicit {
                self.w(" | ");
            }
            self.operator(op);
        }
    }

    fn expr_kind(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(l) => literal::literal(self, &l.kind),
            ExprKind::Name(n) => self.name(n),
            ExprKind::Star => self.w("*"),
            ExprKind::JoinSide { side, column } => {
                self.w(match side {
                    crate::ast::JoinSide::Left => "$left.",
                    crate::ast::JoinSide::Right => "$right.",
                });
                self.name(column);
            }
            ExprKind::Member { target, name } => {
                self.expr(target, 9);
                self.w(".");
                self.name(name);
            }
            ExprKind::Index { target, index } => {
                self.expr(target, 9);
                self.w("[");
                self.expr(index, 1);
                self.w("]");
            }
            ExprKind::Call(c) => self.call(c),
            ExprKind::Unary { op, operand } => {
                self.w(match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Plus => "+",
                });
                let mut inner = Printer::new();
                inner.indent = self.indent;
                inner.expr(operand, 8);
                if inner.out.starts_with(['-', '+']) {
                    self.w(" ");
                }
                self.w(&inner.out);
            }
            ExprKind::Binary { op, left, right } => {
                let lv = op.precedence();
                self.expr(left, if chains(lv) { lv } else { lv + 1 });
                self.w(" ");
                self.w(op.as_str());
                self.w(" ");
                self.expr(right, lv + 1);
            }
            ExprKind::InList { op, expr, list } => {
                self.expr(expr, 4);
                self.w(" ");
                self.w(op.as_str());
                self.w(" (");
                self.list(list, |p, x| p.nested_expr(x));
                self.w(")");
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                self.expr(expr, 4);
                self.w(if *negated {
                    " !between ("
                } else {
                    " between ("
                });
                self.expr(low, 1);
                self.w(" .. ");
                self.expr(high, 1);
                self.w(")");
            }
            ExprKind::Paren(inner) => {
                self.w("(");
                self.nested_expr(inner);
                self.w(")");
            }
            ExprKind::Pipe { .. } => self.inline_pipe(e),
            ExprKind::ImplicitInput => {}
            ExprKind::Datatable { columns, values } => {
                self.w("datatable(");
                self.list(columns, |p, c| p.column_decl(c));
                self.w(") [");
                self.list(values, |p, v| p.expr(v, 1));
                self.w("]");
            }
            ExprKind::Print { columns } => {
                self.w("print ");
                self.list(columns, |p, c| p.column_assign(c));
            }
            ExprKind::Range {
                column,
                from,
                to,
                step,
            } => {
                self.w("range ");
                self.name(column);
                self.w(" from ");
                self.expr(from, 1);
                self.w(" to ");
                self.expr(to, 1);
                self.w(" step ");
                self.expr(step, 1);
            }
            ExprKind::Union { params, tables } => {
                self.w("union ");
                self.params(params);
                self.list(tables, |p, t| p.table_ref(t));
            }
            ExprKind::Wildcard(pattern) => self.w(&pattern.name),
            ExprKind::ExternalData {
                columns,
                uris,
                properties,
            } => {
                self.w("externaldata(");
                self.list(columns, |p, c| p.column_decl(c));
                self.w(") [");
                self.list(uris, |p, u| p.expr(u, 1));
                self.w("]");
                if !properties.is_empty() {
                    self.w(" ");
                    self.properties(properties);
                }
            }
            ExprKind::Search(s) => {
                self.w("search ");
                self.params(&s.params);
                self.in_tables(s.tables.as_deref());
                self.expr(&s.predicate, 1);
            }
            ExprKind::Find(f) => {
                self.w("find ");
                self.params(&f.params);
                self.in_tables(f.tables.as_deref());
                self.w("where ");
                self.expr(&f.predicate, 1);
                match &f.project {
                    None => {}
                    Some(FindProject::Smart) => self.w(" project-smart"),
                    Some(FindProject::Columns(cols)) => {
                        self.w(" project ");
                        self.list(cols, |p, c| p.expr(c, 1));
                    }
                }
            }
            ExprKind::TypeOf(t) => {
                self.w("typeof(");
                self.w(t.as_str());
                self.w(")");
            }
        }
    }

    /// An expression where a whole query may stand (inside parentheses, call arguments,
    /// list elements): pipes print inline.
    pub fn nested_expr(&mut self, e: &Expr) {
        match e.kind {
            ExprKind::Pipe { .. } => self.inline_pipe(e),
            _ => self.expr(e, 0),
        }
    }

    pub fn call(&mut self, c: &crate::ast::Call) {
        // `range(...)` is the function: only `range` without `(` starts a range source.
        if c.name.name == "range" {
            self.w("range");
        } else {
            self.name(&c.name);
        }
        self.w("(");
        self.list(&c.args, |p, a| {
            if let Some(n) = &a.name {
                p.name(n);
                p.w(" = ");
            }
            p.nested_expr(&a.value);
        });
        self.w(")");
    }

    /// A union leg or a `search`/`find` table: names, patterns and `*` bare, anything else
    /// parenthesised unless it already prints as a primary.
    pub fn table_ref(&mut self, t: &Expr) {
        self.expr(t, 9);
    }

    fn in_tables(&mut self, tables: Option<&[Expr]>) {
        if let Some(ts) = tables {
            self.w("in (");
            self.list(ts, |p, t| p.table_ref(t));
            self.w(") ");
        }
    }
}

/// Splits a left-deep pipe into its root input and its operators in order.
pub(crate) fn pipe_chain(e: &Expr) -> (&Expr, Vec<&Operator>) {
    let mut ops = Vec::new();
    let mut cur = e;
    while let ExprKind::Pipe { input, op } = &cur.kind {
        ops.push(op.as_ref());
        cur = input;
    }
    ops.reverse();
    (cur, ops)
}
