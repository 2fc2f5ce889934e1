//! `make-series`: aggregates per bin of an axis, as `dynamic` arrays.
//!
//! Semantics (Kusto `make-series-operator.md`): rows whose axis value is in `[from, to)`
//! fall into bins of width `step` aligned on `from` (`to` is exclusive); each aggregate
//! becomes an array with one value per bin, `default` (0 unless given) where a bin has no
//! row; the axis column becomes the array of bin starts. Output: the `by` keys, the
//! aggregates, then the axis. Without `by` keys an empty input gives no row, unless
//! `kind=nonempty`. Missing `from`/`to` are taken from the data (the first bin holding the
//! smallest value, the bin after the largest).
//!
//! Lowering: the bin index is computed as a column, `summarize` does the per-bin aggregates
//! (so every aggregate `summarize` knows works here), a second aggregation collects
//! (index, value) lists per key, and a UDF lays them out as arrays of the full length.

use super::names::column;
use super::{BResult, Binder, E_OPERAND_TYPE};
use crate::bound::{Col, Scalar, Tab};
use crate::udf::OpKind;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{
    Expr as DfExpr, ExprFunctionExt, LogicalPlanBuilder, SortExpr, cast, lit,
};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{
    ColumnAssign, Expr, ExprKind, Ident, MakeSeries, ParamValue, ScalarType, Summarize,
};

impl Binder<'_> {
    pub fn bind_make_series(&mut self, input: Tab, ms: &MakeSeries, span: Span) -> BResult<Tab> {
        let nonempty = ms.params.iter().any(|p| {
            p.name.name == "kind"
                && matches!(&p.value, ParamValue::Name(id) if id.name == "nonempty")
        });
        let axis = self.bind_scalar(&ms.on, Some(&input))?;
        let axis_name = super::names::default_name(&ms.on, "axis");
        let datetime = match axis.ty {
            ScalarType::DateTime => true,
            t if super::ops::is_number(t) => false,
            other => {
                return Err(self.error(Diagnostic::error(
                    E_OPERAND_TYPE,
                    format!("the `make-series` axis must be a datetime or a number, not {other}"),
                    ms.on.span,
                )));
            }
        };
        // Axis values as i64 (nanoseconds) or f64, from, to, step in the same unit.
        let as_num = |b: &mut Self, s: Scalar| -> DfExpr {
            if datetime {
                super::ops::as_i64(s.expr)
            } else {
                b.cast_to(s.expr, s.ty, ScalarType::Real)
            }
        };
        let step = self.bind_scalar_no_input(&ms.range.step)?;
        let step_ok = if datetime {
            step.ty == ScalarType::Timespan
        } else {
            super::ops::is_number(step.ty)
        };
        if !step_ok {
            return Err(self.error(Diagnostic::error(
                E_OPERAND_TYPE,
                format!(
                    "the `make-series` step must be {}",
                    if datetime { "a timespan" } else { "a number" }
                ),
                ms.range.step.span,
            )));
        }
        let step_e = as_num(self, step);
        let axis_e = as_num(self, axis.clone());
        let from_e = match &ms.range.from {
            Some(e) => {
                let v = self.bind_scalar_no_input(e)?;
                as_num(self, v)
            }
            None => self.series_bound(
                &input,
                axis_e.clone(),
                step_e.clone(),
                false,
                datetime,
                span,
            )?,
        };
        let to_e = match &ms.range.to {
            Some(e) => {
                let v = self.bind_scalar_no_input(e)?;
                let t = as_num(self, v);
                // `in range(start, stop, step)` includes `stop`.
                if ms.range.in_range {
                    t + step_e.clone()
                } else {
                    t
                }
            }
            None => {
                self.series_bound(&input, axis_e.clone(), step_e.clone(), true, datetime, span)?
            }
        };
        // Number of bins: ceil((to - from) / step), never negative.
        let n_e = if datetime {
            let diff = to_e.clone() - from_e.clone();
            datafusion::functions::expr_fn::greatest(vec![
                (diff + step_e.clone() - lit(1i64)) / step_e.clone(),
                lit(0i64),
            ])
        } else {
            cast(
                datafusion::functions::expr_fn::greatest(vec![
                    datafusion::functions::expr_fn::ceil(
                        (to_e.clone() - from_e.clone()) / step_e.clone(),
                    ),
                    lit(0.0f64),
                ]),
                arrow::datatypes::DataType::Int64,
            )
        };
        // 1. Rows in range, with their bin index.
        let in_range = axis_e
            .clone()
            .gt_eq(from_e.clone())
            .and(axis_e.clone().lt(to_e.clone()));
        let filtered = self.filter(input, in_range, span)?;
        let idx_name = self.fresh_name("series_idx");
        let idx_e = if datetime {
            (axis_e - from_e.clone()) / step_e.clone()
        } else {
            cast(
                datafusion::functions::expr_fn::floor((axis_e - from_e.clone()) / step_e.clone()),
                arrow::datatypes::DataType::Int64,
            )
        };
        let with_idx = self.with_column(
            filtered,
            &idx_name,
            Scalar::new(idx_e, ScalarType::Long),
            span,
        )?;
        // 2. Per-bin aggregates through `summarize`, keyed by the `by` keys and the bin.
        let mut agg_names = Vec::new();
        let mut aggregates = Vec::new();
        for (i, a) in ms.aggregates.iter().enumerate() {
            let name = match a.column.names.first() {
                Some(n) => n.name.clone(),
                None => super::names::default_name(&a.column.expr, &format!("Column{}", i + 1)),
            };
            agg_names.push(name.clone());
            aggregates.push(ColumnAssign {
                names: vec![Ident::new(name, a.column.span)],
                expr: a.column.expr.clone(),
                span: a.column.span,
            });
        }
        let mut by = ms.by.clone();
        let idx_ident = Ident::new(idx_name.clone(), span);
        by.push(ColumnAssign {
            names: vec![],
            expr: Expr::new(ExprKind::Name(idx_ident), span),
            span,
        });
        let summarize = Summarize {
            params: vec![],
            aggregates,
            by,
        };
        let per_bin = self.bind_summarize(with_idx, &summarize, span)?;
        let key_cols: Vec<Col> = per_bin.cols[..ms.by.len()].to_vec();
        let agg_cols: Vec<Col> = per_bin.cols[ms.by.len() + 1..].to_vec();
        // 3. Per key: the bin indexes and values, ordered by bin.
        let order = vec![SortExpr::new(column(&idx_name), true, false)];
        let mut lists = vec![
            agg::array_agg(column(&idx_name))
                .order_by(order.clone())
                .build()
                .map_err(|e| self.plan_error(e, span))?
                .alias(&idx_name),
        ];
        for c in &agg_cols {
            lists.push(
                agg::array_agg(column(&c.name))
                    .order_by(order.clone())
                    .build()
                    .map_err(|e| self.plan_error(e, span))?
                    .alias(&c.name),
            );
        }
        let keys: Vec<DfExpr> = key_cols.iter().map(|c| column(&c.name)).collect();
        let grouped = LogicalPlanBuilder::from(per_bin.plan)
            .aggregate(keys, lists)
            .map_err(|e| self.plan_error(e, span))?;
        let grouped = if key_cols.is_empty() && !nonempty {
            // Without keys an aggregation always yields a row; Kusto gives none for no input.
            grouped
                .filter(column(&idx_name).is_not_null())
                .map_err(|e| self.plan_error(e, span))?
        } else {
            grouped
        };
        // 4. Full-length arrays and the axis.
        let mut exprs: Vec<DfExpr> = key_cols.iter().map(|c| column(&c.name)).collect();
        let mut cols = key_cols.clone();
        for (i, c) in agg_cols.iter().enumerate() {
            let default = match ms.aggregates.get(i).and_then(|a| a.default.as_ref()) {
                Some(d) => {
                    let v = self.bind_scalar_no_input(d)?;
                    let v = self.fold(v);
                    json_of_constant(&v)
                }
                None => "0".to_string(),
            };
            let filled = self.op_udf(
                OpKind::SeriesFill { default },
                vec![column(&idx_name), column(&c.name), n_e.clone()],
                span,
            )?;
            exprs.push(filled.alias(&agg_names[i]));
            cols.push(Col {
                name: agg_names[i].clone(),
                ty: ScalarType::Dynamic,
            });
        }
        let axis_arr = self.op_udf(
            OpKind::SeriesAxis { datetime },
            vec![from_e, step_e, n_e],
            span,
        )?;
        exprs.push(axis_arr.alias(&axis_name));
        cols.push(Col {
            name: axis_name,
            ty: ScalarType::Dynamic,
        });
        let plan = grouped
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace("make-series", &tab);
        Ok(tab)
    }

    /// A missing `from` (the bin start of the smallest axis value) or `to` (the bin after
    /// the largest), as a scalar subquery over the input.
    fn series_bound(
        &mut self,
        input: &Tab,
        axis: DfExpr,
        step: DfExpr,
        upper: bool,
        datetime: bool,
        span: Span,
    ) -> BResult<DfExpr> {
        let m = if upper {
            agg::max(axis)
        } else {
            agg::min(axis)
        };
        let name = self.fresh_name("series_bound");
        let plan = LogicalPlanBuilder::from(input.plan.clone())
            .aggregate(Vec::<DfExpr>::new(), vec![m.alias(&name)])
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let v = DfExpr::ScalarSubquery(datafusion::logical_expr::Subquery {
            subquery: std::sync::Arc::new(plan),
            outer_ref_columns: vec![],
            spans: Default::default(),
        });
        // Align down to the step (from the epoch / zero), then one bin further for `to`.
        let aligned = if datetime {
            (v / step.clone()) * step.clone()
        } else {
            datafusion::functions::expr_fn::floor(v / step.clone()) * step.clone()
        };
        Ok(if upper { aligned + step } else { aligned })
    }
}

/// The JSON text of a constant, for `default =`.
fn json_of_constant(s: &Scalar) -> String {
    use datafusion::scalar::ScalarValue as S;
    match &s.constant {
        Some(S::Int64(Some(v))) => v.to_string(),
        Some(S::Int32(Some(v))) => v.to_string(),
        Some(S::Float64(Some(v))) => {
            serde_json::Number::from_f64(*v).map_or("null".into(), |n| n.to_string())
        }
        Some(S::Boolean(Some(b))) => b.to_string(),
        Some(S::Utf8(Some(t))) if s.ty == ScalarType::Dynamic => t.clone(),
        Some(S::Utf8(Some(t))) => serde_json::Value::String(t.clone()).to_string(),
        _ => "null".into(),
    }
}
