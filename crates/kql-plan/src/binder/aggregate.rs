//! `summarize` and aggregate functions.
//!
//! Output columns are the `by` keys first, then the aggregates, in the order written
//! (Kusto's layout). Unnamed aggregates are called `<function>_<column>` when their argument
//! is a bare column (`max_TimeGenerated`, `dcount_AccountName`) and `<function>_` otherwise
//! (`count_`); unnamed keys take the column's name, also through `bin()` (`by
//! bin(TimeGenerated, 1h)` yields `TimeGenerated`). Aggregates may be nested in scalar
//! expressions (`summarize round(avg(x), 2)`): each aggregate call is computed under a
//! hidden name, then a projection evaluates the expression around it.

use super::names::{column, unique_name};
use super::percentiles::{percent_constant, percentile_field};
use super::{BResult, Binder, E_AGGREGATE_CONTEXT, E_ARG_COUNT, E_ARG_TYPE, E_NOT_AGGREGATE};
use crate::bound::{Col, Scalar, Tab};
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{
    Expr as DfExpr, ExprFunctionExt, LogicalPlanBuilder, SortExpr, lit,
};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Call, ColumnAssign, Expr, ExprKind, ScalarType, Summarize};

/// Aggregate functions the binder implements (checked before the registry).
pub(crate) const AGGREGATE_NAMES: &[&str] = &[
    "count",
    "countif",
    "take_anyif",
    "anyif",
    "dcount",
    "dcountif",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "min",
    "minif",
    "max",
    "maxif",
    "make_list",
    "makelist",
    "make_list_if",
    "make_set",
    "makeset",
    "make_set_if",
    "take_any",
    "any",
    "arg_max",
    "argmax",
    "arg_min",
    "argmin",
    "stdev",
    "stdevp",
    "variance",
    "variancep",
    "stdevif",
    "stdevpif",
    "varianceif",
    "variancepif",
    "covariance",
    "covariancep",
    "covarianceif",
    "covariancepif",
    "binary_all_and",
    "binary_all_or",
    "binary_all_xor",
    "hll",
    "hll_if",
    "tdigest",
    "percentile",
    "percentiles",
    "percentilew",
    "percentilesw",
    "percentiles_array",
    "percentilesw_array",
    "make_list_with_nulls",
    "count_distinct",
    "make_bag",
    "make_bag_if",
];

/// State while binding the aggregates of one `summarize`.
pub(crate) struct AggCtx {
    /// The operator's input: aggregate arguments are bound against it.
    pub input: Tab,
    /// Aggregates found so far: (hidden name, aggregate expression).
    pub items: Vec<(String, DfExpr)>,
}

impl Binder<'_> {
    pub fn bind_summarize(&mut self, input: Tab, s: &Summarize, span: Span) -> BResult<Tab> {
        // 1. Keys.
        let mut key_cols: Vec<Col> = Vec::new();
        let mut key_exprs: Vec<DfExpr> = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for (i, k) in s.by.iter().enumerate() {
            let v = self.bind_scalar(&k.expr, Some(&input))?;
            let name = match k.names.first() {
                Some(n) => n.name.clone(),
                None => key_default_name(&k.expr, i),
            };
            let name = unique_name(&name, &taken);
            taken.push(name.clone());
            key_exprs.push(v.expr.alias(&name));
            key_cols.push(Col { name, ty: v.ty });
        }
        // 2. Aggregates, bound with the keys visible (post-aggregation view).
        let keys_view = Tab::new(input.plan.clone(), key_cols.clone());
        let saved = self.agg.replace(AggCtx {
            input: input.clone(),
            items: Vec::new(),
        });
        let mut outputs: Vec<(String, DfExpr, ScalarType)> = Vec::new();
        let mut failed = false;
        for (i, a) in s.aggregates.iter().enumerate() {
            match self.bind_aggregate_column(a, &keys_view, &input, &mut taken, i) {
                Ok(cols) => outputs.extend(cols),
                Err(_) => failed = true,
            }
        }
        let ctx = std::mem::replace(&mut self.agg, saved);
        if failed {
            return Err(super::Reported);
        }
        let items = ctx.map(|c| c.items).unwrap_or_default();
        // 3. Plan: Aggregate(keys, hidden aggregates) then Projection(keys, outputs).
        let aggr_exprs: Vec<DfExpr> = items.into_iter().map(|(n, e)| e.alias(n)).collect();
        let mut proj: Vec<DfExpr> = key_cols.iter().map(|c| column(&c.name)).collect();
        let mut cols = key_cols.clone();
        for (name, e, ty) in outputs {
            proj.push(e.alias(&name));
            cols.push(Col { name, ty });
        }
        let plan = LogicalPlanBuilder::from(input.plan)
            .aggregate(key_exprs, aggr_exprs)
            .and_then(|b| b.project(proj))
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace("summarize", &tab);
        Ok(tab)
    }

    /// One aggregate column (or several, for `arg_max(x, *)` and `percentiles`).
    fn bind_aggregate_column(
        &mut self,
        a: &ColumnAssign,
        keys_view: &Tab,
        input: &Tab,
        taken: &mut Vec<String>,
        index: usize,
    ) -> BResult<Vec<(String, DfExpr, ScalarType)>> {
        if let ExprKind::Call(call) = &a.expr.kind {
            let n = call.name.name.as_str();
            if matches!(n, "arg_max" | "argmax" | "arg_min" | "argmin") {
                return self.bind_arg_max(call, a, input, keys_view, taken);
            }
            if matches!(
                n,
                "percentile"
                    | "percentiles"
                    | "percentilew"
                    | "percentilesw"
                    | "percentiles_array"
                    | "percentilesw_array"
            ) {
                return self.bind_percentiles(call, a, input, taken);
            }
        }
        let before = self.agg.as_ref().map_or(0, |c| c.items.len());
        let v = self.bind_scalar(&a.expr, Some(keys_view))?;
        let after = self.agg.as_ref().map_or(0, |c| c.items.len());
        if after == before {
            return Err(self.error(
                Diagnostic::error(
                    E_NOT_AGGREGATE,
                    "a `summarize` column must use an aggregate function",
                    a.expr.span,
                )
                .with_help(
                    "e.g. `count()`, `max(x)`, `make_set(x)`; group by it with `by` instead",
                ),
            ));
        }
        let name = match a.names.first() {
            Some(n) => n.name.clone(),
            None => aggregate_default_name(&a.expr, index),
        };
        let name = unique_name(&name, taken);
        taken.push(name.clone());
        Ok(vec![(name, v.expr, v.ty)])
    }

    /// Called for every call while binding expressions: if it is an aggregate, binds it in
    /// the current `summarize` (or reports that there is none) and returns a reference to
    /// its hidden output column.
    pub fn try_bind_aggregate(&mut self, call: &Call) -> BResult<Option<Scalar>> {
        let name = call.name.name.as_str();
        if !AGGREGATE_NAMES.contains(&name) {
            return Ok(None);
        }
        let Some(mut ctx) = self.agg.take() else {
            return Err(self.aggregate_outside(call));
        };
        let result = self.build_aggregate(call, &ctx.input);
        let out = match result {
            Ok((expr, ty)) => {
                let hidden = self.fresh_name("agg");
                ctx.items.push((hidden.clone(), expr));
                let mut s = Scalar::new(column(&hidden), ty);
                if matches!(
                    name,
                    "count" | "countif" | "dcount" | "dcountif" | "count_distinct"
                ) {
                    s.nullable = false;
                }
                Ok(Some(s))
            }
            Err(e) => Err(e),
        };
        self.agg = Some(ctx);
        out
    }

    pub(super) fn agg_args(
        &mut self,
        call: &Call,
        input: &Tab,
        min: usize,
        max: usize,
    ) -> BResult<Vec<Scalar>> {
        if call.args.len() < min || call.args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{}` expects {expected} argument(s), got {}",
                    call.name.name,
                    call.args.len()
                ),
                call.span,
            )));
        }
        // Aggregates do not nest: bind the arguments with no aggregate context.
        let saved = self.agg.take();
        let mut out = Vec::new();
        let mut res = Ok(());
        for a in &call.args {
            match self.bind_scalar(&a.value, Some(input)) {
                Ok(v) => out.push(v),
                Err(e) => {
                    res = Err(e);
                    break;
                }
            }
        }
        self.agg = saved;
        res.map(|_| out)
    }

    fn build_aggregate(&mut self, call: &Call, input: &Tab) -> BResult<(DfExpr, ScalarType)> {
        let name = call.name.name.as_str();
        let span = call.span;
        Ok(match name {
            "count" => {
                // An argument is bound (so mistakes in it are reported) but does not change
                // the count: `count(y)` counts rows, nulls of `y` included
                // (summarize-operator.md, "Aggregates default values": 2 for one null and
                // one 5.0).
                self.agg_args(call, input, 0, 1)?;
                (agg::count(lit(1i64)), ScalarType::Long)
            }
            "countif" => {
                let args = self.agg_args(call, input, 1, 1)?;
                let p = self.agg_predicate(&args[0], call, 0)?;
                (filtered(agg::count(lit(1i64)), p), ScalarType::Long)
            }
            "dcount" | "count_distinct" => {
                let args = self.agg_args(call, input, 1, 2)?;
                (agg::count_distinct(args[0].expr.clone()), ScalarType::Long)
            }
            "dcountif" => {
                let args = self.agg_args(call, input, 2, 3)?;
                let p = self.agg_predicate(&args[1], call, 1)?;
                let e = agg::count(args[0].expr.clone())
                    .distinct()
                    .filter(p)
                    .build();
                (self.built(e, span)?, ScalarType::Long)
            }
            "sum" | "sumif" => {
                let n = if name == "sum" { 1 } else { 2 };
                let args = self.agg_args(call, input, n, n)?;
                let (e, ty) = self.sum_like(&args[0], call, agg::sum)?;
                let e = if n == 2 {
                    filtered(e, self.agg_predicate(&args[1], call, 1)?)
                } else {
                    e
                };
                // The sum of no values is 0 (summarize-operator.md, aggregates' defaults).
                let zero = match ty {
                    ScalarType::Long => Some(lit(0i64)),
                    ScalarType::Real => Some(lit(0.0f64)),
                    ScalarType::Timespan => Some(lit(
                        datafusion::scalar::ScalarValue::DurationNanosecond(Some(0)),
                    )),
                    _ => None,
                };
                match zero {
                    Some(z) => (datafusion::functions::expr_fn::coalesce(vec![e, z]), ty),
                    None => (e, ty),
                }
            }
            "avg" | "avgif" => {
                let n = if name == "avg" { 1 } else { 2 };
                let args = self.agg_args(call, input, n, n)?;
                if !super::ops::is_number(args[0].ty) && args[0].ty != ScalarType::Timespan {
                    return Err(self.agg_type(call, 0, "a number", args[0].ty));
                }
                let x = cast_f64(args[0].expr.clone(), args[0].ty);
                let e = agg::avg(x);
                let e = if n == 2 {
                    filtered(e, self.agg_predicate(&args[1], call, 1)?)
                } else {
                    e
                };
                // The average of no values is 0/0, NaN (summarize-operator.md's example of
                // aggregates over an empty table).
                let e = datafusion::functions::expr_fn::coalesce(vec![e, lit(f64::NAN)]);
                (e, ScalarType::Real)
            }
            "min" | "max" | "minif" | "maxif" => {
                let n = if name.len() == 3 { 1 } else { 2 };
                let args = self.agg_args(call, input, n, n)?;
                let x = args[0].expr.clone();
                let e = if name.starts_with("min") {
                    agg::min(x)
                } else {
                    agg::max(x)
                };
                let e = if n == 2 {
                    filtered(e, self.agg_predicate(&args[1], call, 1)?)
                } else {
                    e
                };
                (e, args[0].ty)
            }
            "take_any" | "any" => {
                let args = self.agg_args(call, input, 1, 1)?;
                (agg::first_value(args[0].expr.clone(), vec![]), args[0].ty)
            }
            "take_anyif" | "anyif" => {
                let args = self.agg_args(call, input, 2, 2)?;
                let p = self.agg_predicate(&args[1], call, 1)?;
                (
                    filtered(agg::first_value(args[0].expr.clone(), vec![]), p),
                    args[0].ty,
                )
            }
            "stdev" | "stdevp" | "variance" | "variancep" | "stdevif" | "stdevpif"
            | "varianceif" | "variancepif" => {
                let conditional = name.ends_with("if");
                let n = if conditional { 2 } else { 1 };
                let args = self.agg_args(call, input, n, n)?;
                if !super::ops::is_number(args[0].ty) {
                    return Err(self.agg_type(call, 0, "a number", args[0].ty));
                }
                let x = cast_f64(args[0].expr.clone(), args[0].ty);
                let e = match name.trim_end_matches("if") {
                    "stdev" => agg::stddev(x),
                    "stdevp" => agg::stddev_pop(x),
                    "variance" => agg::var_sample(x),
                    _ => agg::var_pop(x),
                };
                let e = if conditional {
                    filtered(e, self.agg_predicate(&args[1], call, 1)?)
                } else {
                    e
                };
                // 0 without values, or with one value for the sample forms
                // (summarize-operator.md, "Aggregates default values").
                (zero_if_null(e), ScalarType::Real)
            }
            "covariance" | "covariancep" | "covarianceif" | "covariancepif" => {
                let conditional = name.ends_with("if");
                let n = if conditional { 3 } else { 2 };
                let args = self.agg_args(call, input, n, n)?;
                for (i, a) in args.iter().take(2).enumerate() {
                    if !super::ops::is_number(a.ty) {
                        return Err(self.agg_type(call, i, "a number", a.ty));
                    }
                }
                let x = cast_f64(args[0].expr.clone(), args[0].ty);
                let y = cast_f64(args[1].expr.clone(), args[1].ty);
                let e = if name.starts_with("covariancep") {
                    agg::covar_pop(x, y)
                } else {
                    agg::covar_samp(x, y)
                };
                let e = if conditional {
                    filtered(e, self.agg_predicate(&args[2], call, 2)?)
                } else {
                    e
                };
                (e, ScalarType::Real)
            }
            "binary_all_and" | "binary_all_or" | "binary_all_xor" => {
                let args = self.agg_args(call, input, 1, 1)?;
                if !matches!(args[0].ty, ScalarType::Int | ScalarType::Long) {
                    return Err(self.agg_type(call, 0, "an integer", args[0].ty));
                }
                let x = args[0].expr.clone();
                let e = match name {
                    "binary_all_and" => agg::bit_and(x),
                    "binary_all_or" => agg::bit_or(x),
                    _ => agg::bit_xor(x),
                };
                (e, args[0].ty)
            }
            "percentile" => {
                let args = self.agg_args(call, input, 2, 2)?;
                let p = percent_constant(&args[1]).ok_or_else(|| {
                    self.error(Diagnostic::error(
                        E_ARG_TYPE,
                        "`percentile`: the percentage must be a constant number",
                        call.args[1].value.span,
                    ))
                })?;
                let (e, ty) = self.percentile_agg(&args[0], None, &[p], false, call)?;
                (percentile_field(e, 0, ty), ty)
            }
            "make_list"
            | "makelist"
            | "make_list_if"
            | "make_set"
            | "makeset"
            | "make_set_if"
            | "make_list_with_nulls" => {
                let is_if = name.ends_with("_if");
                let (min, max) = if is_if { (2, 3) } else { (1, 2) };
                let args = self.agg_args(call, input, min, max)?;
                let set = name.contains("set");
                let x = &args[0];
                let base = agg::array_agg(x.expr.clone());
                let mut filter = if name == "make_list_with_nulls" {
                    None
                } else {
                    Some(x.expr.clone().is_not_null())
                };
                if is_if {
                    let p = self.agg_predicate(&args[1], call, 1)?;
                    filter = Some(match filter {
                        Some(f) => f.and(p),
                        None => p,
                    });
                }
                let limit_arg = args
                    .get(if is_if { 2 } else { 1 })
                    .and_then(|a| a.constant.clone());
                // Sets keep their values' order of first appearance (as Kusto's make_set
                // does), so duplicates are removed after collecting rather than by DISTINCT.
                let e = match filter {
                    Some(f) => base.filter(f).build(),
                    None => Ok(base),
                };
                let e = self.built(e, span)?;
                let limit = limit_arg.and_then(|v| match v {
                    datafusion::scalar::ScalarValue::Int64(Some(n)) => Some(n),
                    datafusion::scalar::ScalarValue::Int32(Some(n)) => Some(i64::from(n)),
                    _ => None,
                });
                (
                    self.list_to_dynamic(e, x.ty, limit, set, span)?,
                    ScalarType::Dynamic,
                )
            }
            "hll" | "hll_if" => {
                // kqlhunt's sketches are exact: an hll value is the dynamic array of the
                // distinct values, which `hll_merge` unites and `dcount_hll` counts. Without
                // values it is null (summarize-operator.md, aggregates' default values).
                let is_if = name == "hll_if";
                let args = self.agg_args(
                    call,
                    input,
                    if is_if { 2 } else { 1 },
                    if is_if { 3 } else { 2 },
                )?;
                let x = &args[0];
                let mut filter = x.expr.clone().is_not_null();
                if is_if {
                    filter = filter.and(self.agg_predicate(&args[1], call, 1)?);
                }
                let e = agg::array_agg(x.expr.clone()).filter(filter).build();
                let e = self.built(e, span)?;
                let set = self.list_to_dynamic(e, x.ty, None, true, span)?;
                (
                    datafusion::functions::core::expr_fn::nullif(set, lit("[]")),
                    ScalarType::Dynamic,
                )
            }
            "tdigest" => {
                // Exact as well: the digest holds each distinct value with its weight (see
                // `udf::percentile`), read by `rank_tdigest` and `percentile_tdigest`.
                let args = self.agg_args(call, input, 1, 2)?;
                let (e, _) = self.digest_agg(&args[0], args.get(1), call)?;
                (e, ScalarType::Dynamic)
            }
            "make_bag" | "make_bag_if" => {
                let is_if = name == "make_bag_if";
                let args = self.agg_args(
                    call,
                    input,
                    if is_if { 2 } else { 1 },
                    if is_if { 3 } else { 2 },
                )?;
                if args[0].ty != ScalarType::Dynamic {
                    return Err(self.agg_type(call, 0, "dynamic", args[0].ty));
                }
                let mut b =
                    agg::array_agg(args[0].expr.clone()).filter(args[0].expr.clone().is_not_null());
                if is_if {
                    let p = self.agg_predicate(&args[1], call, 1)?;
                    b = agg::array_agg(args[0].expr.clone())
                        .filter(args[0].expr.clone().is_not_null().and(p));
                }
                let e = self.built(b.build(), span)?;
                let merged = self.op_udf(crate::udf::OpKind::BagMergeList, vec![e], span)?;
                (merged, ScalarType::Dynamic)
            }
            _ => {
                return Err(self.error(Diagnostic::error(
                    E_AGGREGATE_CONTEXT,
                    format!("`{name}` returns several columns and must be a `summarize` column of its own"),
                    span,
                )));
            }
        })
    }

    fn built(&mut self, e: datafusion::error::Result<DfExpr>, span: Span) -> BResult<DfExpr> {
        e.map_err(|err| self.plan_error(err, span))
    }

    pub(super) fn agg_type(
        &mut self,
        call: &Call,
        i: usize,
        expected: &str,
        found: ScalarType,
    ) -> super::Reported {
        let span = call.args.get(i).map_or(call.span, |a| a.value.span);
        self.error(Diagnostic::error(
            E_ARG_TYPE,
            format!(
                "`{}`: argument {} must be {expected}, not {found}",
                call.name.name,
                i + 1
            ),
            span,
        ))
    }

    fn agg_predicate(&mut self, s: &Scalar, call: &Call, i: usize) -> BResult<DfExpr> {
        if s.ty == ScalarType::Bool {
            Ok(s.expr.clone())
        } else {
            Err(self.agg_type(call, i, "bool", s.ty))
        }
    }

    fn sum_like(
        &mut self,
        x: &Scalar,
        call: &Call,
        f: fn(DfExpr) -> DfExpr,
    ) -> BResult<(DfExpr, ScalarType)> {
        Ok(match x.ty {
            ScalarType::Int | ScalarType::Long => (
                f(self.cast_to(x.expr.clone(), x.ty, ScalarType::Long)),
                ScalarType::Long,
            ),
            ScalarType::Real => (f(x.expr.clone()), ScalarType::Real),
            ScalarType::Decimal => (f(x.expr.clone()), ScalarType::Decimal),
            ScalarType::Timespan => (
                super::ops::duration(f(super::ops::as_i64(x.expr.clone()))),
                ScalarType::Timespan,
            ),
            ScalarType::Bool => (
                f(self.cast_to(x.expr.clone(), ScalarType::Bool, ScalarType::Long)),
                ScalarType::Long,
            ),
            other => return Err(self.agg_type(call, 0, "a number or timespan", other)),
        })
    }

    /// `array_agg` result → `dynamic` JSON array (optionally capped at `limit` elements).
    fn list_to_dynamic(
        &mut self,
        list: DfExpr,
        elem: ScalarType,
        limit: Option<i64>,
        dedupe: bool,
        span: Span,
    ) -> BResult<DfExpr> {
        let kind = crate::udf::OpKind::ListToDynamic {
            json_elems: elem == ScalarType::Dynamic,
            limit,
            dedupe,
        };
        self.op_udf(kind, vec![list], span)
    }

    /// A call of an operator-support UDF (see `crate::udf`).
    pub fn op_udf(
        &mut self,
        kind: crate::udf::OpKind,
        args: Vec<DfExpr>,
        span: Span,
    ) -> BResult<DfExpr> {
        crate::udf::call(kind, args)
            .map_err(|m| self.error(Diagnostic::error(super::E_BAD_LITERAL, m, span)))
    }

    /// `arg_max(ExprToMaximize, Col1, Col2 | *)` (and `arg_min`): the row where the first
    /// argument is largest, returning that expression and the listed columns.
    fn bind_arg_max(
        &mut self,
        call: &Call,
        a: &ColumnAssign,
        input: &Tab,
        keys_view: &Tab,
        taken: &mut Vec<String>,
    ) -> BResult<Vec<(String, DfExpr, ScalarType)>> {
        let is_max = call.name.name.contains("max");
        let Some(first) = call.args.first() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!("`{}` expects at least 1 argument", call.name.name),
                call.span,
            )));
        };
        let saved = self.agg.take();
        let key = self.bind_scalar(&first.value, Some(input));
        self.agg = saved;
        let key = key?;
        let order = vec![SortExpr::new(key.expr.clone(), !is_max, false)];
        // Output columns: the maximised expression, then the returned ones.
        let fn_name = if is_max { "max" } else { "min" };
        let mut wanted: Vec<(Option<String>, Expr)> = Vec::new();
        let mut star = false;
        for arg in &call.args[1..] {
            match &arg.value.kind {
                ExprKind::Star => star = true,
                _ => wanted.push((arg.name.as_ref().map(|n| n.name.clone()), arg.value.clone())),
            }
        }
        let names: Vec<String> = a.names.iter().map(|n| n.name.clone()).collect();
        let mut out = Vec::new();
        let key_name = names
            .first()
            .cloned()
            .unwrap_or_else(|| match &first.value.kind {
                ExprKind::Name(id) => id.name.clone(),
                _ => format!("{fn_name}_"),
            });
        let mut push = |b: &mut Self,
                        name: String,
                        e: DfExpr,
                        ty: ScalarType,
                        taken: &mut Vec<String>|
         -> BResult<()> {
            let hidden = b.fresh_name("argmax");
            // Nulls sort last, so rows with a null key are ignored unless every key of the
            // group is null; then one row of the group is picked (arg-max-aggregation-function.md,
            // "Null handling").
            let agg_e = agg::first_value(e, order.clone());
            if let Some(ctx) = b.agg.as_mut() {
                ctx.items.push((hidden.clone(), agg_e));
            }
            let name = unique_name(&name, taken);
            taken.push(name.clone());
            out.push((name, column(&hidden), ty));
            Ok(())
        };
        push(self, key_name.clone(), key.expr.clone(), key.ty, taken)?;
        let mut extra_names = names.into_iter().skip(1);
        if star {
            for c in &input.cols {
                let is_key = keys_view.find(&c.name).is_some();
                if c.name == key_name || is_key {
                    continue;
                }
                push(self, c.name.clone(), column(&c.name), c.ty, taken)?;
            }
        }
        for (i, (arg_name, e)) in wanted.into_iter().enumerate() {
            let saved = self.agg.take();
            let v = self.bind_scalar(&e, Some(input));
            self.agg = saved;
            let v = v?;
            let name = arg_name.or_else(|| extra_names.next()).unwrap_or_else(|| {
                super::names::default_name(&e, &format!("{fn_name}_{}_arg{}", key_name, i + 1))
            });
            push(self, name, v.expr, v.ty, taken)?;
        }
        Ok(out)
    }
}

fn zero_if_null(e: DfExpr) -> DfExpr {
    datafusion::functions::expr_fn::coalesce(vec![e, lit(0.0f64)])
}

fn filtered(e: DfExpr, p: DfExpr) -> DfExpr {
    e.clone().filter(p).build().unwrap_or(e)
}

fn cast_f64(e: DfExpr, ty: ScalarType) -> DfExpr {
    match ty {
        ScalarType::Real => e,
        ScalarType::Timespan => datafusion::logical_expr::cast(
            super::ops::as_i64(e),
            arrow::datatypes::DataType::Float64,
        ),
        _ => datafusion::logical_expr::cast(e, arrow::datatypes::DataType::Float64),
    }
}

/// Default name of an unnamed `by` key: Kusto's inferred name (`bin(T, 1h)` → `T`,
/// `tostring(x)` → `x`), else `Column<n>`.
fn key_default_name(e: &Expr, index: usize) -> String {
    crate::naming::result_name(e).unwrap_or_else(|| format!("Column{}", index + 1))
}

/// Default name of an unnamed aggregate: Kusto's inferred name (`count_`, `max_X`,
/// `set_X`); `take_any(x)` keeps the column's own name.
fn aggregate_default_name(e: &Expr, index: usize) -> String {
    if let ExprKind::Call(c) = &e.kind
        && c.name.name == "take_any"
        && let Some(first) = c.args.first()
        && let Some(n) = crate::naming::result_name(&first.value)
    {
        return n;
    }
    crate::naming::result_name(e).unwrap_or_else(|| format!("Column{}", index + 1))
}
