//! Where rows come from: tables, `let` names, user functions, `datatable`, `print`, `range`.

use super::names::{column, unique_name};
use super::{
    BResult, Binder, Binding, E_ARG_COUNT, E_KIND, E_NOT_CONSTANT, E_OPERAND_TYPE, E_UNKNOWN_TABLE,
    E_UNSUPPORTED,
};
use crate::bound::{Col, Scalar, Tab, arrow_type};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, cast, lit};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span, suggest};
use kql_syntax::{Call, ColumnAssign, ColumnDecl, Expr, Ident, ScalarType};

impl Binder<'_> {
    /// A bare name in tabular position: a `let` table, a parameterless function, a table.
    pub fn bind_table_name(&mut self, id: &Ident) -> BResult<Tab> {
        match self.scope.get(&id.name).cloned() {
            Some(Binding::Tabular(t)) => return Ok(t),
            Some(Binding::Failed) => return Err(super::Reported),
            Some(Binding::Function(f, scope)) if f.params.is_empty() => {
                let call = Call {
                    name: id.clone(),
                    args: vec![],
                    span: id.span,
                };
                return self.call_user_function_tabular(&call, &f, scope);
            }
            Some(Binding::Scalar(_)) => {
                return Err(self.error(Diagnostic::error(
                    E_KIND,
                    format!(
                        "`{}` is a scalar value, but a table is needed here",
                        id.name
                    ),
                    id.span,
                )));
            }
            _ => {}
        }
        if let Some(t) = self.catalog.table(&id.name) {
            let plan = LogicalPlanBuilder::scan(id.name.clone(), t.source.clone(), None)
                .and_then(|b| b.build())
                .map_err(|e| self.plan_error(e, id.span))?;
            let cols: Vec<Col> = t
                .columns
                .iter()
                .map(|(n, ty)| Col {
                    name: n.clone(),
                    ty: *ty,
                })
                .collect();
            let plan = if t.nullable_strings && cols.iter().any(|c| c.ty == ScalarType::String) {
                let exprs: Vec<DfExpr> = cols
                    .iter()
                    .map(|c| {
                        if c.ty == ScalarType::String {
                            datafusion::functions::expr_fn::coalesce(vec![column(&c.name), lit("")])
                                .alias(&c.name)
                        } else {
                            column(&c.name)
                        }
                    })
                    .collect();
                LogicalPlanBuilder::from(plan)
                    .project(exprs)
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, id.span))?
            } else {
                plan
            };
            let mut tab = Tab::new(plan, cols);
            tab.custom_fields = id.name == "AzureDiagnostics";
            self.trace(&format!("table {}", id.name), &tab);
            return Ok(tab);
        }
        let mut candidates = self.catalog.table_names();
        candidates.extend(
            self.scope
                .all_names()
                .into_iter()
                .filter(|n| matches!(self.scope.get(n), Some(Binding::Tabular(_)))),
        );
        let mut d = Diagnostic::error(
            E_UNKNOWN_TABLE,
            format!("unknown table `{}`", id.name),
            id.span,
        )
        .with_span_label("no table, `let` or function has this name");
        if let Some(s) = suggest(&id.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if id.name.starts_with("_Im_") || id.name.starts_with("_ASim") {
            d = d.with_note("this is a Sentinel workspace parser (ASIM); kqlhunt does not ship workspace functions");
        }
        Err(self.error(d))
    }

    /// A call in tabular position.
    pub fn bind_tabular_call(&mut self, call: &Call) -> BResult<Tab> {
        let name = call.name.name.as_str();
        if let Some(Binding::Function(f, scope)) = self.scope.get(name).cloned() {
            return self.call_user_function_tabular(call, &f, scope);
        }
        match name {
            "materialize" => match call.args.as_slice() {
                [a] => self.bind_tabular(&a.value),
                _ => Err(self.error(Diagnostic::error(E_ARG_COUNT, "`materialize` expects 1 argument", call.span))),
            },
            "table" => {
                let Some(arg) = call.args.first() else {
                    return Err(self.error(Diagnostic::error(E_ARG_COUNT, "`table()` needs a table name", call.span)));
                };
                let v = self.bind_scalar_no_input(&arg.value)?;
                let v = self.fold(v);
                match v.constant {
                    Some(ScalarValue::Utf8(Some(name))) => self.bind_table_name(&Ident::new(name, arg.value.span)),
                    _ => Err(self.error(Diagnostic::error(
                        E_NOT_CONSTANT,
                        "`table()` needs a constant table name",
                        arg.value.span,
                    ))),
                }
            }
            _ => Err(self.error(
                Diagnostic::error(
                    E_UNKNOWN_TABLE,
                    format!("`{name}(...)` is not a tabular function"),
                    call.name.span,
                )
                .with_note(if name.starts_with("_Im_") || name.starts_with("_ASim") || name.starts_with("_Get") {
                    "this is a Sentinel workspace function (parser or watchlist); kqlhunt does not ship workspace functions"
                } else {
                    "only `let` functions, `materialize()` and `table()` produce tables"
                }),
            )),
        }
    }

    /// Expands a user function whose body is tabular.
    pub fn call_user_function_tabular(
        &mut self,
        call: &Call,
        f: &kql_syntax::FunctionDef,
        scope: std::rc::Rc<super::Scope>,
    ) -> BResult<Tab> {
        let bindings = self.bind_function_args(call, f, None)?;
        self.enter_call(call.span)?;
        let out = self.with_scope(scope, |b| {
            for (name, binding) in bindings {
                b.define(&name, binding);
            }
            for l in &f.body {
                b.bind_let(l)?;
            }
            b.bind_tabular(&f.result)
        });
        self.leave_call();
        out
    }

    /// `T | invoke f(args)`: `f(T, args)`.
    pub fn bind_invoke(&mut self, input: Tab, call: &Call) -> BResult<Tab> {
        let Some(Binding::Function(f, scope)) = self.scope.get(&call.name.name).cloned() else {
            return Err(self.error(Diagnostic::error(
                E_UNKNOWN_TABLE,
                format!("`{}` is not a `let` function", call.name.name),
                call.name.span,
            )));
        };
        let Some(first) = f.params.first() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{}` takes no table parameter to invoke it with",
                    call.name.name
                ),
                call.span,
            )));
        };
        let rest = kql_syntax::FunctionDef {
            params: f.params[1..].to_vec(),
            ..(*f).clone()
        };
        let bindings = self.bind_function_args(call, &rest, None)?;
        let first_name = first.name.name.clone();
        self.enter_call(call.span)?;
        let out = self.with_scope(scope, |b| {
            b.define(&first_name, Binding::Tabular(input));
            for (name, binding) in bindings {
                b.define(&name, binding);
            }
            for l in &f.body {
                b.bind_let(l)?;
            }
            b.bind_tabular(&f.result)
        });
        self.leave_call();
        out
    }

    /// `datatable(a:long, b:string) [1, "x", 2, "y"]`.
    pub fn bind_datatable(
        &mut self,
        columns: &[ColumnDecl],
        values: &[Expr],
        span: Span,
    ) -> BResult<Tab> {
        if columns.is_empty() {
            return Err(self.error(Diagnostic::error(
                E_KIND,
                "a datatable needs at least one column",
                span,
            )));
        }
        if !values.len().is_multiple_of(columns.len()) {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "{} values do not fill rows of {} columns",
                    values.len(),
                    columns.len()
                ),
                span,
            )));
        }
        let mut rows = Vec::new();
        for chunk in values.chunks(columns.len()) {
            let mut row = Vec::with_capacity(columns.len());
            for (v, c) in chunk.iter().zip(columns) {
                let s = self.bind_scalar_no_input(v)?;
                let s = self.fold(s);
                row.push(self.constant_for_column(s, c.ty, v.span)?);
            }
            rows.push(row);
        }
        let cols = columns
            .iter()
            .map(|c| Col {
                name: c.name.name.clone(),
                ty: c.ty,
            })
            .collect();
        let tab = self.values_table(rows, cols, span)?;
        self.trace("datatable", &tab);
        Ok(tab)
    }

    /// A datatable cell converted to its column's type.
    fn constant_for_column(&mut self, s: Scalar, ty: ScalarType, span: Span) -> BResult<DfExpr> {
        if s.constant.is_none() {
            return Err(self.error(Diagnostic::error(
                E_NOT_CONSTANT,
                "datatable values must be constants",
                span,
            )));
        }
        if s.ty == ty || s.constant.as_ref().is_some_and(ScalarValue::is_null) {
            return Ok(s.expr);
        }
        let ok = matches!(
            (s.ty, ty),
            (
                ScalarType::Int | ScalarType::Long | ScalarType::Real,
                ScalarType::Int | ScalarType::Long | ScalarType::Real | ScalarType::Decimal
            ) | (ScalarType::String, ScalarType::Guid)
        );
        if ok {
            return Ok(s.expr);
        }
        if ty == ScalarType::Dynamic {
            return Ok(self.convert(s, ScalarType::Dynamic, span)?.expr);
        }
        Err(self.error(Diagnostic::error(
            E_OPERAND_TYPE,
            format!("a {} value in a {ty} column", s.ty),
            span,
        )))
    }

    /// A table of constant rows with the given KQL columns.
    pub fn values_table(
        &mut self,
        rows: Vec<Vec<DfExpr>>,
        cols: Vec<Col>,
        span: Span,
    ) -> BResult<Tab> {
        let builder = if rows.is_empty() {
            let exprs: Vec<DfExpr> = cols
                .iter()
                .map(|c| lit(crate::literal::null_of(c.ty)).alias(&c.name))
                .collect();
            LogicalPlanBuilder::empty(false).project(exprs)
        } else {
            // Cast each cell to its column type so every row has the same Arrow types.
            let typed: Vec<Vec<DfExpr>> = rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .zip(&cols)
                        .map(|(e, c)| cast(e, arrow_type(c.ty)))
                        .collect()
                })
                .collect();
            LogicalPlanBuilder::values(typed).and_then(|b| {
                let schema = b.schema().clone();
                let exprs: Vec<DfExpr> = schema
                    .fields()
                    .iter()
                    .zip(&cols)
                    .map(|(f, c)| column(f.name()).alias(&c.name))
                    .collect();
                b.project(exprs)
            })
        };
        let plan = builder
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab::new(plan, cols))
    }

    /// `print a = 1, b = "x"`.
    pub fn bind_print(&mut self, columns: &[ColumnAssign], span: Span) -> BResult<Tab> {
        let mut vals = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for (i, a) in columns.iter().enumerate() {
            let v = self.bind_scalar_no_input(&a.expr)?;
            let name = match a.names.first() {
                Some(n) => n.name.clone(),
                // `print` has no columns, so a bare name (a `let` value) gives no name.
                None if matches!(a.expr.kind, kql_syntax::ExprKind::Name(_)) => {
                    format!("print_{i}")
                }
                None => super::names::default_name(&a.expr, &format!("print_{i}")),
            };
            let name = unique_name(&name, &taken);
            taken.push(name.clone());
            vals.push((name, v));
        }
        let tab = self.print_scalars(vals)?;
        let _ = span;
        self.trace("print", &tab);
        Ok(tab)
    }

    /// One row of named scalars.
    pub fn print_scalars(&mut self, vals: Vec<(String, Scalar)>) -> BResult<Tab> {
        let exprs: Vec<DfExpr> = vals.iter().map(|(n, v)| v.expr.clone().alias(n)).collect();
        let cols = vals
            .iter()
            .map(|(n, v)| Col {
                name: n.clone(),
                ty: v.ty,
            })
            .collect();
        let plan = LogicalPlanBuilder::empty(true)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, Span::default()))?;
        Ok(Tab::new(plan, cols))
    }

    /// `range x from a to b step s` (inclusive of `b`).
    pub fn bind_range(
        &mut self,
        column: &Ident,
        from: &Expr,
        to: &Expr,
        step: &Expr,
        span: Span,
    ) -> BResult<Tab> {
        let f = self.bind_scalar_no_input(from)?;
        let f = self.fold(f);
        let t = self.bind_scalar_no_input(to)?;
        let t = self.fold(t);
        let s = self.bind_scalar_no_input(step)?;
        let s = self.fold(s);
        let (Some(fv), Some(tv), Some(sv)) = (&f.constant, &t.constant, &s.constant) else {
            return Err(self.error(Diagnostic::error(
                E_NOT_CONSTANT,
                "`range` needs constant bounds and step",
                span,
            )));
        };
        let spec = match crate::range_table::RangeSpec::new(fv, tv, sv) {
            Ok(spec) => spec,
            Err(msg) => return Err(self.error(Diagnostic::error(E_UNSUPPORTED, msg, span))),
        };
        let ty = spec.kql_type();
        let provider = match spec.into_table(&column.name) {
            Ok(p) => p,
            Err(msg) => return Err(self.error(Diagnostic::error(E_UNSUPPORTED, msg, span))),
        };
        let plan = LogicalPlanBuilder::scan(
            "range",
            datafusion::datasource::provider_as_source(provider),
            None,
        )
        .and_then(|b| b.build())
        .map_err(|e| self.plan_error(e, span))?;
        let mut tab = Tab::new(
            plan,
            vec![Col {
                name: column.name.clone(),
                ty,
            }],
        );
        // `range` output is serialized, in ascending order.
        tab.order = Some(vec![datafusion::logical_expr::SortExpr::new(
            super::names::column(&column.name),
            true,
            false,
        )]);
        tab.serialized = true;
        self.trace("range", &tab);
        Ok(tab)
    }
}
