//! Functions over serialized rows: `row_number()`, `prev()`, `next()`, `row_cumsum()`.
//!
//! Kusto only allows them on a serialized input (after `serialize`, `sort`, `top` or
//! `range`), in the input's order. They lower to DataFusion window functions ordered by the
//! sort keys that serialized the rows; the window node is added just below the projection
//! that uses it (see [`Binder::materialize_windows`]).

use super::{BResult, Binder, E_ARG_COUNT, E_KIND, E_NOT_CONSTANT};
use crate::bound::{Col, Scalar, Tab};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::functions_window::expr_fn as win;
use datafusion::logical_expr::{
    Expr as DfExpr, ExprFunctionExt, LogicalPlanBuilder, SortExpr, WindowFrame, WindowFrameBound,
    WindowFrameUnits,
};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Call, ScalarType};

/// Names of the functions this module binds.
pub(crate) const WINDOW_FUNCTIONS: &[&str] = &[
    "row_number",
    "prev",
    "next",
    "row_cumsum",
    "row_window_session",
];

impl Binder<'_> {
    /// Binds a window function call over `input`.
    pub fn bind_window_call(&mut self, call: &Call, input: Option<&Tab>) -> BResult<Scalar> {
        let name = call.name.name.as_str();
        let Some(tab) = input.filter(|t| t.serialized) else {
            return Err(self.error(
                Diagnostic::error(
                    E_KIND,
                    format!("`{name}()` needs serialized rows"),
                    call.span,
                )
                .with_help("put `| serialize` (or a `sort`/`top`) before this operator"),
            ));
        };
        // Order by the keys that serialized the rows, if they still apply.
        let order: Vec<SortExpr> = tab
            .order
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|s| {
                s.expr
                    .column_refs()
                    .iter()
                    .all(|c| tab.find(&c.name).is_some())
            })
            .collect();
        let mut args = Vec::new();
        for a in &call.args {
            let v = self.bind_scalar(&a.value, Some(tab))?;
            args.push(self.fold(v));
        }
        let count_err = |b: &mut Self, expected: &str| {
            b.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{name}` expects {expected} argument(s), got {}",
                    call.args.len()
                ),
                call.span,
            ))
        };
        let build = |b: &mut Self, e: Result<DfExpr, datafusion::error::DataFusionError>| {
            e.map_err(|err| b.plan_error(err, call.span))
        };
        match name {
            "row_number" => {
                if args.len() > 2 {
                    return Err(count_err(self, "0 to 2"));
                }
                if args.len() == 2 {
                    return Err(self.error(Diagnostic::error(
                        super::E_UNSUPPORTED,
                        "`row_number` with a restart condition is not supported yet",
                        call.args[1].value.span,
                    )));
                }
                let start = match args.first() {
                    None => 1,
                    Some(a) => match a.constant {
                        Some(ScalarValue::Int64(Some(v))) => v,
                        _ => {
                            return Err(self.error(Diagnostic::error(
                                E_NOT_CONSTANT,
                                "`row_number`: the start index must be a constant",
                                call.args[0].value.span,
                            )));
                        }
                    },
                };
                let rn = if order.is_empty() {
                    win::row_number()
                } else {
                    build(self, win::row_number().order_by(order).build())?
                };
                let rn = datafusion::logical_expr::cast(rn, arrow::datatypes::DataType::Int64);
                let e = if start == 1 {
                    rn
                } else {
                    rn + datafusion::logical_expr::lit(start - 1)
                };
                Ok(Scalar::new(e, ScalarType::Long).non_null())
            }
            "prev" | "next" => {
                if args.is_empty() || args.len() > 3 {
                    return Err(count_err(self, "1 to 3"));
                }
                let value = args[0].clone();
                let offset = match args.get(1).map(|a| &a.constant) {
                    None => 1,
                    Some(Some(ScalarValue::Int64(Some(v)))) => *v,
                    Some(_) => {
                        return Err(self.error(Diagnostic::error(
                            E_NOT_CONSTANT,
                            format!("`{name}`: the offset must be a constant"),
                            call.args[1].value.span,
                        )));
                    }
                };
                let default = match args.get(2) {
                    None => None,
                    Some(d) => {
                        let d = self.convert(d.clone(), value.ty, call.span)?;
                        match d.constant {
                            Some(c) => Some(c),
                            None => {
                                return Err(self.error(Diagnostic::error(
                                    E_NOT_CONSTANT,
                                    format!("`{name}`: the default must be a constant"),
                                    call.args[2].value.span,
                                )));
                            }
                        }
                    }
                };
                let f = if name == "prev" {
                    win::lag(value.expr, Some(offset), default)
                } else {
                    win::lead(value.expr, Some(offset), default)
                };
                let e = if order.is_empty() {
                    f
                } else {
                    build(self, f.order_by(order).build())?
                };
                let mut s = Scalar::new(e, value.ty);
                if value.ty == ScalarType::String {
                    s.expr =
                        datafusion::functions::expr_fn::coalesce(vec![s.expr, Self::str_lit("")]);
                }
                Ok(s)
            }
            "row_window_session" => {
                if args.len() < 3 || args.len() > 4 {
                    return Err(count_err(self, "3 or 4"));
                }
                if args[0].ty != ScalarType::DateTime {
                    return Err(self.error(Diagnostic::error(
                        super::E_ARG_TYPE,
                        format!(
                            "`row_window_session`: argument 1 must be datetime, not {}",
                            args[0].ty
                        ),
                        call.args[0].value.span,
                    )));
                }
                let mut dist = [0i64; 2];
                for (k, slot) in dist.iter_mut().enumerate() {
                    match args[k + 1].constant {
                        Some(ScalarValue::DurationNanosecond(Some(v))) => *slot = v,
                        _ => {
                            return Err(self.error(Diagnostic::error(
                                E_NOT_CONSTANT,
                                "`row_window_session`: the distances must be constant timespans",
                                call.args[k + 1].value.span,
                            )));
                        }
                    }
                }
                let udwf = datafusion::logical_expr::WindowUDF::new_from_impl(
                    crate::udf::RowWindowSession::new(dist[0], dist[1]),
                );
                let mut wargs = vec![args[0].expr.clone()];
                if let Some(r) = args.get(3) {
                    wargs.push(r.expr.clone());
                }
                let f = udwf.call(wargs);
                let e = if order.is_empty() {
                    f
                } else {
                    build(self, f.order_by(order).build())?
                };
                Ok(Scalar::new(e, ScalarType::DateTime))
            }
            _ => {
                // row_cumsum(expr [, restart])
                if args.is_empty() || args.len() > 2 {
                    return Err(count_err(self, "1 or 2"));
                }
                if args.len() == 2 {
                    return Err(self.error(Diagnostic::error(
                        super::E_UNSUPPORTED,
                        "`row_cumsum` with a restart condition is not supported yet",
                        call.args[1].value.span,
                    )));
                }
                let v = &args[0];
                let ty = match v.ty {
                    ScalarType::Int | ScalarType::Long => ScalarType::Long,
                    ScalarType::Real | ScalarType::Decimal => v.ty,
                    other => {
                        return Err(self.error(Diagnostic::error(
                            super::E_ARG_TYPE,
                            format!("`row_cumsum`: argument 1 must be a number, not {other}"),
                            call.args[0].value.span,
                        )));
                    }
                };
                let x = self.cast_to(v.expr.clone(), v.ty, ty);
                let frame = WindowFrame::new_bounds(
                    WindowFrameUnits::Rows,
                    WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
                    WindowFrameBound::CurrentRow,
                );
                let e = build(
                    self,
                    DfExpr::from(datafusion::logical_expr::expr::WindowFunction::new(
                        datafusion::logical_expr::WindowFunctionDefinition::AggregateUDF(
                            datafusion::functions_aggregate::sum::sum_udaf(),
                        ),
                        vec![x],
                    ))
                    .order_by(order)
                    .window_frame(frame)
                    .build(),
                )?;
                Ok(Scalar::new(e, ty))
            }
        }
    }

    /// If `expr` uses window functions, adds a window node computing them under hidden
    /// names and returns the expression rewritten to read those columns. The hidden columns
    /// are not part of the returned tab's KQL columns, so the caller's projection drops
    /// them.
    pub fn materialize_windows(
        &mut self,
        tab: Tab,
        expr: DfExpr,
        span: Span,
    ) -> BResult<(Tab, DfExpr)> {
        // A window function may take another as an argument (`row_window_session(t, 1h, 5m,
        // ID != prev(ID))`); DataFusion cannot nest them, so the innermost ones are computed
        // first, in a window node of their own, and read as columns by the outer ones.
        let (mut tab, mut expr) = (tab, expr);
        loop {
            let windows: Vec<DfExpr> =
                datafusion::logical_expr::utils::find_window_exprs(std::iter::once(&expr))
                    .into_iter()
                    .flat_map(|w| innermost_windows(&w))
                    .collect();
            if windows.is_empty() {
                return Ok((tab, expr));
            }
            (tab, expr) = self.materialize_window_set(tab, expr, windows, span)?;
        }
    }

    /// Computes `windows` (none nesting another) in one window node and rewrites `expr` to
    /// read them.
    fn materialize_window_set(
        &mut self,
        tab: Tab,
        expr: DfExpr,
        windows: Vec<DfExpr>,
        span: Span,
    ) -> BResult<(Tab, DfExpr)> {
        // Rows serialized without sort keys (`serialize` alone) are ordered by their
        // position: a first window node numbers them, the functions then order by it
        // (DataFusion's offset functions need an ORDER BY).
        let mut builder = LogicalPlanBuilder::from(tab.plan);
        let mut ordinal: Option<String> = None;
        let mut named: Vec<(DfExpr, DfExpr, String)> = Vec::new();
        for w in windows {
            let mut lowered = w.clone();
            if let DfExpr::WindowFunction(f) = &mut lowered
                && f.params.order_by.is_empty()
                && f.fun.name() != "row_number"
            {
                let ord = match &ordinal {
                    Some(o) => o.clone(),
                    None => {
                        let o = self.fresh_name("ordinal");
                        builder = builder
                            .window(vec![win::row_number().alias(&o)])
                            .map_err(|e| self.plan_error(e, span))?;
                        ordinal = Some(o.clone());
                        o
                    }
                };
                f.params.order_by = vec![SortExpr::new(super::names::column(&ord), true, false)];
            }
            let n = self.fresh_name("window");
            named.push((w, lowered, n));
        }
        let plan = builder
            .window(named.iter().map(|(_, l, n)| l.clone().alias(n)))
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let rewritten = expr
            .transform_up(|e| {
                Ok(match named.iter().find(|(w, _, _)| *w == e) {
                    Some((_, _, n)) => Transformed::yes(super::names::column(n)),
                    None => Transformed::no(e),
                })
            })
            .map(|t| t.data)
            .map_err(|e| self.plan_error(e, span))?;
        let _: &[Col] = &tab.cols;
        Ok((Tab { plan, ..tab }, rewritten))
    }
}

/// The window functions in `w` (itself one) that have no window function in their
/// arguments; `w` itself when it nests none.
fn innermost_windows(w: &DfExpr) -> Vec<DfExpr> {
    let DfExpr::WindowFunction(f) = w else {
        return vec![];
    };
    let inner = datafusion::logical_expr::utils::find_window_exprs(f.params.args.iter());
    if inner.is_empty() {
        return vec![w.clone()];
    }
    let mut out: Vec<DfExpr> = Vec::new();
    for i in inner.iter().flat_map(innermost_windows) {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}
