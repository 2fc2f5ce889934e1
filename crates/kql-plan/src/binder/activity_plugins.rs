//! `evaluate sliding_window_counts(...)` (sliding-window-counts-plugin.md): for each bin of
//! the timeline from `Start` to `End`, the number of records and of distinct ids in the
//! lookback window ending with that bin (`[bin + Bin - Lookback, bin + Bin)`, the lookback
//! rounded down to whole bins), per combination of the dimension columns.
//!
//! Planned relationally: the bins come from a `range`, each record is joined with the bins
//! whose window holds it, and an aggregation counts per bin.

use super::names::column;
use super::{BResult, Binder, E_ARG_COUNT, E_BAD_OPTION, E_NOT_CONSTANT};
use crate::bound::{Col, Tab};
use datafusion::common::{Column, JoinType, NullEquality};
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, lit};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Call, ExprKind, Ident, ScalarType};

impl Binder<'_> {
    pub(super) fn bind_sliding_window_counts(
        &mut self,
        input: Tab,
        call: &Call,
        span: Span,
    ) -> BResult<Tab> {
        const PLUGIN: &str = "sliding_window_counts";
        if call.args.len() < 6 {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`sliding_window_counts` needs IdColumn, TimelineColumn, Start, End, LookbackWindow and Bin",
                call.span,
            )));
        }
        let mut names = Vec::new();
        for (i, a) in call.args.iter().enumerate() {
            if i == 0 || i == 1 || i >= 6 {
                let ExprKind::Name(id) = &a.value.kind else {
                    return Err(self.error(Diagnostic::error(
                        E_BAD_OPTION,
                        format!("`{PLUGIN}`: argument {} must be a column name", i + 1),
                        a.value.span,
                    )));
                };
                let c = self.resolve_column(&input, id)?.clone();
                names.push(c);
            }
        }
        let (id_col, time_col, dims) = (names[0].clone(), names[1].clone(), names[2..].to_vec());
        let constant = |b: &mut Self, i: usize| -> BResult<(ScalarValue, ScalarType)> {
            let v = b.bind_scalar(&call.args[i].value, None)?;
            let v = b.fold(v);
            match v.constant {
                Some(c) => Ok((c, v.ty)),
                None => Err(b.error(Diagnostic::error(
                    E_NOT_CONSTANT,
                    format!("`{PLUGIN}`: argument {} must be a constant", i + 1),
                    call.args[i].value.span,
                ))),
            }
        };
        let (lookback, _) = constant(self, 4)?;
        let (bin, bin_ty) = constant(self, 5)?;
        if bin_ty == ScalarType::String {
            return Err(self.error(Diagnostic::error(
                super::E_UNSUPPORTED,
                "`sliding_window_counts` with calendar bins (`week`, `month`, `year`) is not supported yet",
                call.args[5].value.span,
            )));
        }
        let integral = matches!(
            time_col.ty,
            ScalarType::DateTime | ScalarType::Timespan | ScalarType::Int | ScalarType::Long
        );
        let (Some(lookback), Some(bin)) = (number(&lookback), number(&bin)) else {
            return Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                "`sliding_window_counts`: LookbackWindow and Bin must be numbers or timespans",
                call.span,
            )));
        };
        if bin <= 0.0 {
            return Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                "`sliding_window_counts`: Bin must be positive",
                call.args[5].value.span,
            )));
        }
        let lookback = (lookback / bin).floor() * bin;
        let bin_name = self.fresh_name("bin");
        let bins = self.bind_range(
            &Ident::new(bin_name.clone(), span),
            &call.args[2].value,
            &call.args[3].value,
            &call.args[5].value,
            span,
        )?;
        // Compare on a common numeric scale: nanoseconds for time, the values otherwise.
        let scale = |e: DfExpr| -> DfExpr {
            if integral {
                super::ops::as_i64(e)
            } else {
                datafusion::logical_expr::cast(e, arrow::datatypes::DataType::Float64)
            }
        };
        let k = |v: f64| -> DfExpr { if integral { lit(v as i64) } else { lit(v) } };
        let l = |n: &str| DfExpr::Column(Column::new(Some("__kql_left"), n));
        let r = |n: &str| DfExpr::Column(Column::new(Some("__kql_right"), n));
        let t = scale(l(&time_col.name));
        let end_of_bin = scale(r(&bin_name)) + k(bin);
        let cond = t
            .clone()
            .gt_eq(end_of_bin.clone() - k(lookback))
            .and(t.lt(end_of_bin));
        let right = LogicalPlanBuilder::from(bins.plan)
            .alias("__kql_right")
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let mut group = vec![r(&bin_name).alias(&time_col.name)];
        group.extend(dims.iter().map(|d| l(&d.name).alias(&d.name)));
        let aggs = vec![
            agg::count(lit(1i64)).alias("Count"),
            agg::count_distinct(l(&id_col.name)).alias("dcount"),
        ];
        let plan = LogicalPlanBuilder::from(input.plan)
            .alias("__kql_left")
            .and_then(|b| {
                b.join_detailed(
                    right,
                    JoinType::Inner,
                    (Vec::<Column>::new(), Vec::<Column>::new()),
                    Some(cond),
                    NullEquality::NullEqualsNothing,
                )
            })
            .and_then(|b| b.aggregate(group, aggs))
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let mut cols = vec![Col {
            name: time_col.name.clone(),
            ty: bins.cols[0].ty,
        }];
        cols.extend(dims);
        cols.push(Col {
            name: "Count".into(),
            ty: ScalarType::Long,
        });
        cols.push(Col {
            name: "dcount".into(),
            ty: ScalarType::Long,
        });
        let exprs: Vec<DfExpr> = cols.iter().map(|c| column(&c.name)).collect();
        let plan = LogicalPlanBuilder::from(plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace(PLUGIN, &tab);
        Ok(tab)
    }
}

/// A constant's value as a number: timespans and datetimes in nanoseconds.
fn number(v: &ScalarValue) -> Option<f64> {
    match v {
        ScalarValue::Int64(Some(n)) => Some(*n as f64),
        ScalarValue::Int32(Some(n)) => Some(f64::from(*n)),
        ScalarValue::Float64(Some(f)) => Some(*f),
        ScalarValue::DurationNanosecond(Some(n)) => Some(*n as f64),
        ScalarValue::TimestampNanosecond(Some(n), _) => Some(*n as f64),
        _ => None,
    }
}
