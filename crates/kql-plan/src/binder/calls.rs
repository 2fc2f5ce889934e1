//! Function calls: user functions (expanded in place), special forms that need the binder
//! (`ago`, `now`, `toscalar`, `column_ifexists`), aggregates, and registry functions.

use super::{
    BResult, Binder, Binding, E_AGGREGATE_CONTEXT, E_ARG_COUNT, E_ARG_TYPE, E_BAD_LITERAL, E_KIND,
    E_NOT_CONSTANT, E_PLAN, E_UNKNOWN_FUNCTION,
};
use crate::bound::{Scalar, Tab};
use crate::literal::timestamp;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, Subquery};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span, suggest};
use kql_functions::{Arg, ArgError, FunctionKind, lookup};
use kql_syntax::{Call, Expr, ExprKind, ScalarType};
use std::sync::Arc;

impl Binder<'_> {
    pub fn bind_call(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let name = call.name.name.as_str();
        if let Some(Binding::Function(f, scope)) = self.scope.get(name).cloned() {
            return self.call_user_function_scalar(call, &f, scope, input);
        }
        match name {
            "now" => return self.bind_now(call, input),
            "ago" => return self.bind_ago(call, input),
            "toscalar" => return self.bind_toscalar(call),
            "column_ifexists" | "columnifexists" => return self.bind_column_ifexists(call, input),
            "ingestion_time" => {
                // Sentinel's ingestion time is the standard column `_TimeReceived` when the
                // table has it; otherwise there is none (null), as with ingestion time off.
                return Ok(match input.and_then(|t| t.find("_TimeReceived")) {
                    Some(c) => Scalar::new(super::names::column(&c.name), c.ty),
                    None => Scalar::constant(
                        crate::literal::null_of(ScalarType::DateTime),
                        ScalarType::DateTime,
                    ),
                });
            }
            "pack_all" => return self.bind_pack_all(call, input),
            "column_names_of" => return self.bind_column_names_of(call),
            "bag_pack_columns" => return self.bind_bag_pack_columns(call, input),
            "bin_auto" => return self.bind_bin_auto(call, input),
            "materialize" | "table" | "view" => {
                return Err(self.error(Diagnostic::error(
                    E_KIND,
                    format!("`{name}(...)` is a table, but a scalar value is needed here"),
                    call.span,
                )));
            }
            _ => {}
        }
        if let Some(s) = self.bind_sketch_call(call, input)? {
            return Ok(s);
        }
        if super::window::WINDOW_FUNCTIONS.contains(&name) {
            return self.bind_window_call(call, input);
        }
        if let Some(agg) = self.try_bind_aggregate(call)? {
            return Ok(agg);
        }
        let Some(f) = lookup(name) else {
            return Err(self.unknown_function(call));
        };
        if f.kind == FunctionKind::Aggregate {
            return Err(self.error(
                Diagnostic::error(
                    E_AGGREGATE_CONTEXT,
                    format!("`{name}` is an aggregate and is only valid in `summarize`"),
                    call.span,
                )
                .with_help("use it in `summarize`, or use a row-wise function"),
            ));
        }
        let value = self.bind_registry_call(f, call, input)?;
        // A function of several values stands for its first one (see `tuple`).
        match kql_functions::tuple_members(f.name).and_then(|m| m.first()) {
            Some((member, ty)) => self.tuple_member(value.expr, member, *ty, call.span),
            None => Ok(value),
        }
    }

    /// A call of a registry function with its arguments bound in `input`.
    pub(super) fn bind_registry_call(
        &mut self,
        f: &'static kql_functions::Function,
        call: &Call,
        input: Option<&Tab>,
    ) -> BResult<Scalar> {
        let mut args = Vec::with_capacity(call.args.len());
        let mut spans = Vec::with_capacity(call.args.len());
        for a in &call.args {
            let v = self.bind_scalar(&a.value, input)?;
            args.push(self.fold(v));
            spans.push(a.value.span);
        }
        self.apply_registry(f, args, &spans, call.span)
    }

    /// `column_names_of(T)` (column-names-of-function.md): the column names of a tabular
    /// expression, as a constant `dynamic` array.
    fn bind_column_names_of(&mut self, call: &Call) -> BResult<Scalar> {
        let [arg] = call.args.as_slice() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`column_names_of` expects one tabular argument",
                call.span,
            )));
        };
        let tab = self.bind_tabular(&arg.value)?;
        let names: Vec<serde_json::Value> = tab
            .cols
            .iter()
            .map(|c| serde_json::Value::String(c.name.clone()))
            .collect();
        Ok(Scalar::constant(
            ScalarValue::Utf8(Some(serde_json::Value::Array(names).to_string())),
            ScalarType::Dynamic,
        ))
    }

    fn unknown_function(&mut self, call: &Call) -> super::Reported {
        let name = &call.name.name;
        let mut d = Diagnostic::error(
            E_UNKNOWN_FUNCTION,
            format!("unknown function `{name}`"),
            call.name.span,
        );
        if name.starts_with("_Im_") || name.starts_with("_ASim") || name.starts_with("_Get") {
            d = d.with_note(format!(
                "`{name}` is a Sentinel workspace function (a parser or watchlist helper); kqlhunt does not ship it"
            ));
        } else {
            let mut candidates: Vec<&str> = kql_functions::registry::names().collect();
            candidates.extend(super::aggregate::AGGREGATE_NAMES.iter().copied());
            if let Some(s) = suggest(name, candidates) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
        }
        self.error(d)
    }

    /// Calls a registry function by name with already-bound arguments (used for implicit
    /// conversions and member access, where the span is that of the whole expression).
    pub fn call_registry(&mut self, name: &str, args: Vec<Scalar>, span: Span) -> BResult<Scalar> {
        let Some(f) = lookup(name) else {
            return Err(self.error(Diagnostic::error(
                super::E_UNSUPPORTED,
                format!("this needs the function `{name}`, which kqlhunt does not implement yet"),
                span,
            )));
        };
        let spans = vec![span; args.len()];
        self.apply_registry(f, args, &spans, span)
    }

    fn apply_registry(
        &mut self,
        f: &'static kql_functions::Function,
        args: Vec<Scalar>,
        spans: &[Span],
        span: Span,
    ) -> BResult<Scalar> {
        let infos: Vec<Arg> = args
            .iter()
            .map(|a| Arg {
                ty: a.ty,
                constant: a.constant.clone(),
            })
            .collect();
        let ty = match (f.check)(&infos) {
            Ok(ty) => ty,
            Err(e) => return Err(self.arg_error(f.name, e, spans, span)),
        };
        let exprs: Vec<DfExpr> = args.into_iter().map(|a| a.expr).collect();
        let expr = (f.lower)(exprs, &infos).map_err(|e| self.plan_error(e, span))?;
        let mut s = Scalar::new(expr, ty);
        if ty == ScalarType::String {
            s.nullable = false;
        }
        Ok(s)
    }

    pub fn arg_error(
        &mut self,
        name: &str,
        e: ArgError,
        spans: &[Span],
        span: Span,
    ) -> super::Reported {
        let at = |i: usize| spans.get(i).copied().unwrap_or(span);
        let d = match &e {
            ArgError::Count { .. } => Diagnostic::error(E_ARG_COUNT, format!("`{name}` {e}"), span),
            ArgError::Type { index, .. } => {
                Diagnostic::error(E_ARG_TYPE, format!("`{name}`: {e}"), at(*index))
            }
            ArgError::NotConstant { index, .. } => {
                Diagnostic::error(E_NOT_CONSTANT, format!("`{name}`: {e}"), at(*index))
            }
            ArgError::Invalid { index, .. } => Diagnostic::error(
                E_BAD_LITERAL,
                format!("`{name}`: {e}"),
                index.map_or(span, at),
            ),
        };
        self.error(d)
    }

    /// A DataFusion error while building a plan, shown at the operator that caused it.
    pub fn plan_error(
        &mut self,
        e: datafusion::error::DataFusionError,
        span: Span,
    ) -> super::Reported {
        self.error(
            Diagnostic::error(E_PLAN, "this operator could not be planned", span)
                .with_note(e.strip_backtrace()),
        )
    }

    fn bind_now(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let now = Scalar::constant(
            timestamp(Some(self.options.now_nanos)),
            ScalarType::DateTime,
        );
        match call.args.as_slice() {
            [] => Ok(now),
            [offset] => {
                let off = self.bind_scalar(&offset.value, input)?;
                self.expect_timespan("now", &off, offset.value.span)?;
                self.bind_binary(
                    kql_syntax::BinaryOp::Add,
                    now,
                    off,
                    call.span,
                    call.span,
                    offset.value.span,
                )
            }
            _ => Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`now` expects 0 or 1 argument(s)",
                call.span,
            ))),
        }
    }

    fn bind_ago(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let [offset] = call.args.as_slice() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!("`ago` expects 1 argument(s), got {}", call.args.len()),
                call.span,
            )));
        };
        let off = self.bind_scalar(&offset.value, input)?;
        self.expect_timespan("ago", &off, offset.value.span)?;
        let now = Scalar::constant(
            timestamp(Some(self.options.now_nanos)),
            ScalarType::DateTime,
        );
        let mut s = self.bind_binary(
            kql_syntax::BinaryOp::Sub,
            now,
            off.clone(),
            call.span,
            call.span,
            offset.value.span,
        )?;
        // Fold `ago(<literal>)` into a literal so filters on it can be pushed to readers.
        if let Some(ScalarValue::DurationNanosecond(Some(d))) = off.constant {
            let v = timestamp(self.options.now_nanos.checked_sub(d));
            s = Scalar::constant(v, ScalarType::DateTime);
        }
        Ok(s)
    }

    fn expect_timespan(&mut self, name: &str, s: &Scalar, span: Span) -> BResult<()> {
        if s.ty == ScalarType::Timespan {
            Ok(())
        } else {
            Err(self.error(Diagnostic::error(
                E_ARG_TYPE,
                format!("`{name}`: argument 1 must be timespan, not {}", s.ty),
                span,
            )))
        }
    }

    /// `toscalar(T)`: the first column of the first row, as a scalar subquery.
    fn bind_toscalar(&mut self, call: &Call) -> BResult<Scalar> {
        let [arg] = call.args.as_slice() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`toscalar` expects 1 argument",
                call.span,
            )));
        };
        if !self.is_tabular(&arg.value) {
            // `toscalar(1)` is just the value.
            return self.bind_scalar_no_input(&arg.value);
        }
        let tab = self.bind_tabular(&arg.value)?;
        let Some(first) = tab.cols.first().cloned() else {
            return Err(self.error(Diagnostic::error(
                E_KIND,
                "the table has no columns",
                arg.value.span,
            )));
        };
        let plan = LogicalPlanBuilder::from(tab.plan)
            .project(vec![super::names::column(&first.name)])
            .and_then(|b| b.limit(0, Some(1)))
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, call.span))?;
        let e = DfExpr::ScalarSubquery(Subquery {
            subquery: Arc::new(plan),
            outer_ref_columns: vec![],
            spans: Default::default(),
        });
        let mut s = Scalar::new(e, first.ty);
        if first.ty == ScalarType::String {
            // An empty table gives null; KQL strings read it as "".
            s.expr = datafusion::functions::expr_fn::coalesce(vec![s.expr, Self::str_lit("")]);
            s.nullable = false;
        }
        Ok(s)
    }

    /// `column_ifexists("Name", default)`: the column if the input has it, else the default.
    fn bind_column_ifexists(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let [name, default] = call.args.as_slice() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`column_ifexists` expects 2 arguments",
                call.span,
            )));
        };
        let col_name = match &name.value.kind {
            ExprKind::Literal(kql_syntax::Literal {
                kind: kql_syntax::LiteralKind::String { value, .. },
                ..
            }) => value.clone(),
            _ => {
                return Err(self.error(Diagnostic::error(
                    E_NOT_CONSTANT,
                    "`column_ifexists`: argument 1 must be a constant column name",
                    name.value.span,
                )));
            }
        };
        match input.and_then(|t| t.find(&col_name)) {
            Some(c) => Ok(Scalar::new(super::names::column(&c.name), c.ty)),
            None => self.bind_scalar(&default.value, input),
        }
    }

    /// `pack_all([ignore_null_empty])`: a bag of every column of the row.
    fn bind_pack_all(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let _ = call;
        let mut args = Vec::new();
        // Without input columns (`print`), the row is empty.
        for c in input.map(|t| t.cols.as_slice()).unwrap_or(&[]) {
            args.push(Scalar::constant(
                ScalarValue::Utf8(Some(c.name.clone())),
                ScalarType::String,
            ));
            args.push(Scalar::new(super::names::column(&c.name), c.ty));
        }
        if args.is_empty() {
            return Ok(Scalar::constant(
                ScalarValue::Utf8(Some("{}".into())),
                ScalarType::Dynamic,
            ));
        }
        self.call_registry("bag_pack", args, call.span)
    }

    /// `bin_auto(x)` (bin-auto-function.md): `bin_at(x, size, at)` with the bin size and
    /// origin of the query's `set query_bin_auto_size=...;` and `set
    /// query_bin_auto_at=...;` (origin 0 by default).
    fn bind_bin_auto(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let [arg] = call.args.as_slice() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`bin_auto` expects one argument",
                call.span,
            )));
        };
        let option = |b: &Self, name: &str| {
            b.query_options
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let Some(size) = option(self, "query_bin_auto_size") else {
            return Err(self.error(
                Diagnostic::error(
                    super::E_NOT_CONSTANT,
                    "`bin_auto` needs the bin size from `set query_bin_auto_size=...;`",
                    call.span,
                )
                .with_help("add e.g. `set query_bin_auto_size=1h;` before the query"),
            ));
        };
        let x = self.bind_scalar(&arg.value, input)?;
        match option(self, "query_bin_auto_at") {
            Some(at) => self.call_registry("bin_at", vec![x, size, at], call.span),
            None => self.call_registry("bin", vec![x, size], call.span),
        }
    }

    /// `bag_pack_columns(c1, c2, ...)` (bag-pack-columns-function.md): a bag of the named
    /// columns, each under its own name.
    fn bind_bag_pack_columns(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let mut args = Vec::new();
        for a in &call.args {
            let ExprKind::Name(id) = &a.value.kind else {
                return Err(self.error(Diagnostic::error(
                    E_ARG_TYPE,
                    "`bag_pack_columns` takes column names",
                    a.value.span,
                )));
            };
            let v = self.bind_scalar(&a.value, input)?;
            args.push(Scalar::constant(
                ScalarValue::Utf8(Some(id.name.clone())),
                ScalarType::String,
            ));
            args.push(v);
        }
        if args.is_empty() {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`bag_pack_columns` needs at least one column",
                call.span,
            )));
        }
        self.call_registry("bag_pack", args, call.span)
    }

    /// Expands a user function call in scalar position.
    fn call_user_function_scalar(
        &mut self,
        call: &Call,
        f: &kql_syntax::FunctionDef,
        scope: std::rc::Rc<super::Scope>,
        input: Option<&Tab>,
    ) -> BResult<Scalar> {
        let bindings = self.bind_function_args(call, f, input)?;
        self.enter_call(call.span)?;
        let out = self.with_scope(scope, |b| {
            for (name, binding) in bindings {
                b.define(&name, binding);
            }
            for l in &f.body {
                b.bind_let(l)?;
            }
            b.bind_scalar(&f.result, input)
        });
        self.leave_call();
        out
    }

    /// Binds a user function's arguments (positional or named, defaults filled in).
    pub fn bind_function_args(
        &mut self,
        call: &Call,
        f: &kql_syntax::FunctionDef,
        input: Option<&Tab>,
    ) -> BResult<Vec<(String, Binding)>> {
        if call.args.len() > f.params.len() {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{}` takes {} argument(s), got {}",
                    call.name.name,
                    f.params.len(),
                    call.args.len()
                ),
                call.span,
            )));
        }
        let mut out = Vec::new();
        for (i, p) in f.params.iter().enumerate() {
            let given: Option<&Expr> = call
                .args
                .iter()
                .find(|a| a.name.as_ref().is_some_and(|n| n.name == p.name.name))
                .map(|a| &a.value)
                .or_else(|| {
                    call.args
                        .get(i)
                        .filter(|a| a.name.is_none())
                        .map(|a| &a.value)
                });
            let binding = match (&p.ty, given) {
                (kql_syntax::ParamType::Tabular(_), Some(e)) => {
                    Binding::Tabular(self.bind_tabular(e)?)
                }
                (kql_syntax::ParamType::Scalar(ty), Some(e)) => {
                    let v = self.bind_scalar(e, input)?;
                    let v =
                        if v.ty != *ty && super::ops::is_number(v.ty) && super::ops::is_number(*ty)
                        {
                            self.convert(v, *ty, e.span)?
                        } else {
                            v
                        };
                    // A constant argument stays a constant inside the body (`percentiles(x,
                    // p)` needs one).
                    Binding::Scalar(self.fold(v))
                }
                (_, None) => match &p.default {
                    Some(d) => Binding::Scalar(self.bind_scalar_no_input(d)?),
                    None => {
                        return Err(self.error(Diagnostic::error(
                            E_ARG_COUNT,
                            format!(
                                "`{}` needs a value for parameter `{}`",
                                call.name.name, p.name.name
                            ),
                            call.span,
                        )));
                    }
                },
            };
            out.push((p.name.name.clone(), binding));
        }
        Ok(out)
    }

    /// An error for a call to an aggregate where none is allowed.
    pub fn aggregate_outside(&mut self, call: &Call) -> super::Reported {
        self.error(Diagnostic::error(
            E_AGGREGATE_CONTEXT,
            format!(
                "`{}` is an aggregate and is only valid in `summarize`",
                call.name.name
            ),
            call.span,
        ))
    }

    /// An internal planning failure (should not happen; reported, not panicked).
    pub fn internal(&mut self, what: &str, span: Span) -> super::Reported {
        self.error(Diagnostic::error(
            E_PLAN,
            format!("internal error: {what}"),
            span,
        ))
    }
}
