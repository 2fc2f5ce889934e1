//! The binder: one struct, its `impl` split by construct across the files of this module
//! (statements and scopes here; expressions, operators, sources and aggregates beside it).

mod activity_plugins;
mod aggregate;
mod calls;
mod codes;
mod evaluate;
mod expr;
mod join;
mod lookup_plugins;
mod mv;
mod mv_apply;
mod names;
mod nested;
mod ops;
mod parse;
mod parse_kv;
mod percentiles;
mod project;
mod series;
mod sketches;
mod sources;
mod strings;
mod tabular;
mod tuple;
mod window;

pub(crate) use codes::*;
pub use evaluate::merge_discovered;

use crate::PlanOptions;
use crate::bound::{BoundQuery, OutputColumn, Scalar, Tab};
use crate::catalog::Catalog;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Expr, ExprKind, FunctionDef, LetStmt, LetValue, Query, Statement};
use std::collections::HashMap;
use std::rc::Rc;

/// How deep user functions may call each other (guards against `let f = () { f() }`).
const MAX_CALL_DEPTH: usize = 64;

/// What a `let` name is bound to.
#[derive(Clone)]
pub(crate) enum Binding {
    /// A scalar (constant or expression over no columns).
    Scalar(Scalar),
    /// A tabular value.
    Tabular(Tab),
    /// A user function, expanded at each call with its arguments.
    Function(Rc<FunctionDef>, Rc<Scope>),
    /// A `let` whose value failed to bind (already reported): uses of it report nothing
    /// more, so one mistake does not cascade into "unknown name" errors.
    Failed,
}

/// Names visible at a point of the query, innermost last.
#[derive(Clone, Default)]
pub(crate) struct Scope {
    names: HashMap<String, Binding>,
    parent: Option<Rc<Scope>>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.names
            .get(name)
            .or_else(|| self.parent.as_deref().and_then(|p| p.get(name)))
    }

    pub fn all_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.names.keys().cloned().collect();
        if let Some(p) = &self.parent {
            out.extend(p.all_names());
        }
        out
    }
}

/// Error type inside the binder: the diagnostics have already been recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reported;

pub(crate) type BResult<T> = Result<T, Reported>;

pub(crate) struct Binder<'a> {
    pub catalog: &'a dyn Catalog,
    pub options: &'a PlanOptions,
    pub diags: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub scope: Rc<Scope>,
    pub call_depth: usize,
    /// One line per bound operator, for `explain`.
    pub kql_plan: Vec<String>,
    /// Counter for internal column names.
    pub fresh: usize,
    /// Set while binding the aggregates of a `summarize`.
    pub agg: Option<aggregate::AggCtx>,
    /// The input of a sub-query that starts with an operator (`mv-apply ... on (...)`).
    pub implicit_input: Option<Tab>,
    /// Pending discoveries; while any exists, unknown names bind as `dynamic`.
    pub discoveries: Vec<crate::bound::Discovery>,
    /// Values of `set` statements (`set query_bin_auto_size=1h;`), by option name.
    pub query_options: Vec<(String, Scalar)>,
}

impl<'a> Binder<'a> {
    pub fn new(catalog: &'a dyn Catalog, options: &'a PlanOptions) -> Self {
        Self {
            catalog,
            options,
            diags: Vec::new(),
            warnings: Vec::new(),
            scope: Rc::new(Scope::default()),
            call_depth: 0,
            kql_plan: Vec::new(),
            fresh: 0,
            agg: None,
            implicit_input: None,
            discoveries: Vec::new(),
            query_options: Vec::new(),
        }
    }

    /// Records an error and returns the marker to propagate.
    pub fn error(&mut self, d: Diagnostic) -> Reported {
        self.diags.push(d);
        Reported
    }

    /// An internal column name that cannot clash with a user's.
    pub fn fresh_name(&mut self, hint: &str) -> String {
        self.fresh += 1;
        format!("__kql_{hint}_{}", self.fresh)
    }

    pub fn bind_query(mut self, query: &Query) -> Result<BoundQuery, Vec<Diagnostic>> {
        let mut result: Option<(Tab, Span)> = None;
        for stmt in &query.statements {
            match stmt {
                Statement::Let(l) => {
                    let _ = self.bind_let(l);
                }
                Statement::Expr(e) => {
                    // Only the last expression statement is the result; earlier ones are
                    // still bound so their mistakes are reported.
                    if let Ok(tab) = self.bind_tabular_or_print(e) {
                        result = Some((tab, e.span));
                    }
                }
                Statement::Set(s) => {
                    if let Some(v) = &s.value
                        && let Ok(v) = self.bind_scalar(v, None)
                    {
                        let v = self.fold(v);
                        self.query_options.push((s.name.name.clone(), v));
                    }
                }
                Statement::DeclareQueryParameters(d) => {
                    for p in &d.params {
                        let _ = self.bind_query_parameter(p);
                    }
                }
            }
        }
        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        let Some((tab, _)) = result else {
            return Err(vec![
                Diagnostic::error(
                    E_NO_RESULT,
                    "the query has no result: it ends without a tabular expression",
                    Span::at(query.span.end),
                )
                .with_help(
                    "add a query after the `let` statements, e.g. `DeviceProcessEvents | take 10`",
                ),
            ]);
        };
        let columns = tab
            .cols
            .iter()
            .map(|c| OutputColumn {
                name: c.name.clone(),
                ty: c.ty,
            })
            .collect();
        Ok(BoundQuery {
            plan: tab.plan,
            columns,
            ordered: tab.order.is_some(),
            kql_plan: self.kql_plan,
            warnings: self.warnings,
            discoveries: self.discoveries,
        })
    }

    /// A scalar expression statement (`1 + 1`) is shown like `print`.
    fn bind_tabular_or_print(&mut self, e: &Expr) -> BResult<Tab> {
        if self.is_tabular(e) {
            self.bind_tabular(e)
        } else {
            let s = self.bind_scalar_no_input(e)?;
            self.print_scalars(vec![("print_0".to_string(), s)])
        }
    }

    pub fn bind_let(&mut self, l: &LetStmt) -> BResult<()> {
        let result = self.bind_let_value(l);
        match result {
            Ok(binding) => {
                self.define(&l.name.name, binding);
                Ok(())
            }
            Err(e) => {
                self.define(&l.name.name, Binding::Failed);
                Err(e)
            }
        }
    }

    fn bind_let_value(&mut self, l: &LetStmt) -> BResult<Binding> {
        Ok(match &l.value {
            LetValue::Function(f) => Binding::Function(Rc::new(f.clone()), self.scope.clone()),
            LetValue::Expr(e) => {
                if self.is_tabular(e) {
                    Binding::Tabular(self.bind_tabular(e)?)
                } else {
                    let v = self.bind_scalar_no_input(e)?;
                    Binding::Scalar(self.fold(v))
                }
            }
        })
    }

    fn bind_query_parameter(&mut self, p: &kql_syntax::Param) -> BResult<()> {
        // Query parameters get their declared default; without one, a typed null.
        let value = match (&p.default, &p.ty) {
            (Some(d), _) => self.bind_scalar_no_input(d)?,
            (None, kql_syntax::ParamType::Scalar(ty)) => {
                Scalar::constant(crate::literal::null_of(*ty), *ty)
            }
            (None, kql_syntax::ParamType::Tabular(_)) => {
                return Err(self.error(Diagnostic::error(
                    E_UNSUPPORTED,
                    "tabular query parameters are not supported",
                    p.span,
                )));
            }
        };
        self.define(&p.name.name, Binding::Scalar(value));
        Ok(())
    }

    /// Adds a name to the innermost scope (a new `let` shadows an older one).
    pub fn define(&mut self, name: &str, b: Binding) {
        let mut s = (*self.scope).clone();
        s.names.insert(name.to_string(), b);
        self.scope = Rc::new(s);
    }

    /// Runs `f` in a fresh child scope, restoring the current one afterwards.
    pub fn with_scope<T>(&mut self, parent: Rc<Scope>, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(
            &mut self.scope,
            Rc::new(Scope {
                names: HashMap::new(),
                parent: Some(parent),
            }),
        );
        let out = f(self);
        self.scope = saved;
        out
    }

    /// Decides whether an expression denotes a table (syntactically, or by what its name is
    /// bound to).
    pub fn is_tabular(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Pipe { .. }
            | ExprKind::Datatable { .. }
            | ExprKind::Print { .. }
            | ExprKind::Range { .. }
            | ExprKind::Union { .. }
            | ExprKind::ExternalData { .. }
            | ExprKind::Search(_)
            | ExprKind::Find(_)
            | ExprKind::Wildcard(_)
            | ExprKind::ImplicitInput => true,
            ExprKind::Paren(inner) => self.is_tabular(inner),
            ExprKind::Name(id) => match self.scope.get(&id.name) {
                Some(Binding::Tabular(_)) | Some(Binding::Failed) => true,
                Some(Binding::Scalar(_)) => false,
                Some(Binding::Function(f, _)) => f.params.is_empty() && self.is_tabular(&f.result),
                None => self.catalog.table(&id.name).is_some(),
            },
            ExprKind::Call(c) => match c.name.name.as_str() {
                "materialize" | "table" | "view" | "cluster" | "database" => true,
                "toscalar" => false,
                name => match self.scope.get(name) {
                    Some(Binding::Function(f, _)) => self.function_returns_tabular(f),
                    _ => false,
                },
            },
            _ => false,
        }
    }

    fn function_returns_tabular(&self, f: &FunctionDef) -> bool {
        self.is_tabular_in_body(&f.result, f, 0)
    }

    /// Whether `e` denotes a table inside function `f`'s body, where its parameters and
    /// earlier `let`s are in scope.
    fn is_tabular_in_body(&self, e: &Expr, f: &FunctionDef, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match &e.kind {
            ExprKind::Name(id) => {
                if let Some(p) = f.params.iter().find(|p| p.name.name == id.name) {
                    return matches!(p.ty, kql_syntax::ParamType::Tabular(_));
                }
                match f.body.iter().rev().find(|l| l.name.name == id.name) {
                    Some(LetStmt {
                        value: LetValue::Expr(v),
                        ..
                    }) => self.is_tabular_in_body(v, f, depth + 1),
                    Some(LetStmt {
                        value: LetValue::Function(g),
                        ..
                    }) => g.params.is_empty() && self.is_tabular_in_body(&g.result, g, depth + 1),
                    None => self.is_tabular(e),
                }
            }
            ExprKind::Paren(inner) => self.is_tabular_in_body(inner, f, depth + 1),
            _ => self.is_tabular(e),
        }
    }

    /// Enters a user-function call, failing on runaway recursion.
    pub fn enter_call(&mut self, span: Span) -> BResult<()> {
        if self.call_depth >= MAX_CALL_DEPTH {
            return Err(self.error(Diagnostic::error(
                E_RECURSION,
                "user functions call each other too deeply (recursion is not allowed in KQL)",
                span,
            )));
        }
        self.call_depth += 1;
        Ok(())
    }

    pub fn leave_call(&mut self) {
        self.call_depth = self.call_depth.saturating_sub(1);
    }

    /// Records one operator line for `explain`.
    pub fn trace(&mut self, what: &str, tab: &Tab) {
        let cols: Vec<String> = tab
            .cols
            .iter()
            .map(|c| format!("{}:{}", c.name, c.ty))
            .collect();
        self.kql_plan
            .push(format!("{what} → ({})", cols.join(", ")));
    }
}
