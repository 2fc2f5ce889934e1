//! Canonical printer: AST → KQL text that parses back to an equal tree (spans aside).
//!
//! Canonical form: statements separated by `;` and a line break; at statement level each
//! tabular operator on its own line starting with `| ` (indented inside function bodies);
//! nested queries inline; strings in double quotes; names bracket-quoted (`['Name']`) only
//! when a bare word would not read back as that name; one space around binary operators and
//! after commas. Parentheses are printed where the tree has a `Paren` node, and also where a
//! tree built by hand would otherwise read back differently (a looser operator below a
//! tighter one).

mod expr;
mod literal;
mod operator;

use crate::ast::{
    ColumnAssign, ColumnDecl, Expr, Ident, LetStmt, LetValue, NamedParam, Operator, Param,
    ParamType, ParamValue, Query, Statement,
};
use crate::keywords::{RESERVED_NAMES, STRICT_OPTIONS};
use std::fmt;

/// Accumulates output; the `fmt::Write` of a `String` cannot fail, so methods return nothing.
pub(crate) struct Printer {
    pub out: String,
    /// Indentation of the current statement-level block (function bodies), in spaces.
    pub indent: usize,
}

impl Printer {
    pub fn new() -> Self {
        Self {
            out: String::new(),
            indent: 0,
        }
    }

    pub fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    pub fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push(' ');
        }
    }

    /// `a, b, c`.
    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.w(", ");
            }
            each(self, item);
        }
    }

    /// A name, bracket-quoted when a bare word would not parse back as this name.
    pub fn name(&mut self, id: &Ident) {
        if needs_quotes(&id.name) {
            self.w("['");
            for c in id.name.chars() {
                literal::push_escaped(&mut self.out, c, '\'');
            }
            self.w("']");
        } else {
            self.w(&id.name);
        }
    }

    pub fn statement(&mut self, s: &Statement) {
        match s {
            Statement::Let(l) => self.let_stmt(l),
            Statement::Expr(e) => self.top_expr(e),
            Statement::Set(s) => {
                self.w("set ");
                self.w(&s.name.name);
                if let Some(v) = &s.value {
                    self.w(" = ");
                    self.expr(v, 1);
                }
            }
            Statement::DeclareQueryParameters(d) => {
                self.w("declare query_parameters(");
                self.list(&d.params, |p, x| p.param(x));
                self.w(")");
            }
        }
    }

    fn let_stmt(&mut self, l: &LetStmt) {
        self.w("let ");
        self.name(&l.name);
        self.w(" = ");
        match &l.value {
            LetValue::Expr(e) => self.top_expr(e),
            LetValue::Function(f) => {
                self.w("(");
                self.list(&f.params, |p, x| p.param(x));
                self.w(") {");
                self.indent += 4;
                for l in &f.body {
                    self.newline();
                    self.let_stmt(l);
                    self.w(";");
                }
                self.newline();
                self.top_expr(&f.result);
                self.indent -= 4;
                self.newline();
                self.w("}");
            }
        }
    }

    pub fn param(&mut self, p: &Param) {
        self.name(&p.name);
        self.w(":");
        match &p.ty {
            ParamType::Scalar(t) => self.w(t.as_str()),
            ParamType::Tabular(None) => self.w("(*)"),
            ParamType::Tabular(Some(cols)) => {
                self.w("(");
                self.list(cols, |p, c| p.column_decl(c));
                self.w(")");
            }
        }
        if let Some(d) = &p.default {
            self.w(" = ");
            self.expr(d, 1);
        }
    }

    pub fn column_decl(&mut self, c: &ColumnDecl) {
        self.name(&c.name);
        self.w(":");
        self.w(c.ty.as_str());
    }

    /// `[Name =] expr` or `(A, B) = expr`.
    pub fn column_assign(&mut self, c: &ColumnAssign) {
        self.column_assign_in(c, false);
    }

    /// A column right after an operator's options: a name that is also an option name
    /// (`mv-expand kind = ...`) is bracket-quoted so that it does not read back as an option.
    pub fn column_assign_after_options(&mut self, c: &ColumnAssign) {
        self.column_assign_in(c, true);
    }

    fn column_assign_in(&mut self, c: &ColumnAssign, after_options: bool) {
        match c.names.as_slice() {
            [] => {}
            [one] if after_options && STRICT_OPTIONS.contains(&one.name.as_str()) => {
                self.w("['");
                self.w(&one.name);
                self.w("'] = ");
            }
            [one] => {
                self.name(one);
                self.w(" = ");
            }
            many => {
                self.w("(");
                self.list(many, |p, n| p.name(n));
                self.w(") = ");
            }
        }
        self.expr(&c.expr, 1);
    }

    /// `name=value` options, each followed by a space.
    pub fn params(&mut self, params: &[NamedParam]) {
        for p in params {
            self.named_param(p);
            self.w(" ");
        }
    }

    pub fn named_param(&mut self, p: &NamedParam) {
        self.w(&p.name.name);
        self.w("=");
        match &p.value {
            ParamValue::Name(n) => self.name(n),
            ParamValue::Literal(l) => literal::literal(self, &l.kind),
            ParamValue::Expr(e) => self.expr(e, 9),
        }
    }

    /// `with (a=1, b="x")` properties.
    pub fn properties(&mut self, props: &[NamedParam]) {
        self.w("with (");
        self.list(props, |p, x| p.named_param(x));
        self.w(")");
    }
}

/// True when `name` cannot be written as a bare word.
pub(crate) fn needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return true;
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return true;
    }
    RESERVED_NAMES.contains(&name)
}

fn render(f: &mut fmt::Formatter<'_>, print: impl FnOnce(&mut Printer)) -> fmt::Result {
    let mut p = Printer::new();
    print(&mut p);
    f.write_str(&p.out)
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, |p| {
            for (i, s) in self.statements.iter().enumerate() {
                if i > 0 {
                    p.w(";\n");
                }
                p.statement(s);
            }
        })
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, |p| p.statement(self))
    }
}

/// An expression prints as at statement level: a pipe puts each operator on its own line.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, |p| p.top_expr(self))
    }
}

/// An operator prints without its `|`: `where x > 1`.
impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, |p| p.operator(self))
    }
}
