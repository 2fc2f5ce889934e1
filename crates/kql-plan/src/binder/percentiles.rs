//! Percentile aggregates (`percentile`, `percentiles`, `percentilew(s)` and the `_array`
//! forms) and the `tdigest` sketch: all share one nearest-rank aggregate
//! (`udf::percentile`), which keeps each distinct value with its weight.

use super::names::{column, unique_name};
use super::{BResult, Binder};
use crate::bound::{Scalar, Tab};
use crate::udf::{Percentiles, ValueKind};
use datafusion::logical_expr::Expr as DfExpr;
use kql_syntax::{Call, ColumnAssign, ScalarType};

impl Binder<'_> {
    /// `percentiles(x, 50, 95)`: one column per percentage, `percentile_x_50`, ...;
    /// `percentilesw(x, weight, 50, ...)` likewise with weights; the `_array` forms give one
    /// `dynamic` column `percentiles_x` (percentages listed or as one dynamic array). All
    /// percentages come from one aggregate (see `udf::percentile`).
    pub(super) fn bind_percentiles(
        &mut self,
        call: &Call,
        a: &ColumnAssign,
        input: &Tab,
        taken: &mut Vec<String>,
    ) -> BResult<Vec<(String, DfExpr, ScalarType)>> {
        let name = call.name.name.as_str();
        let weighted = name.starts_with("percentilew") || name.starts_with("percentilesw");
        let as_array = name.ends_with("_array");
        let first_pct = if weighted { 2 } else { 1 };
        let args = self.agg_args(call, input, first_pct + 1, first_pct + 64)?;
        let col_name = crate::naming::result_name(&call.args[0].value).unwrap_or_default();
        let mut pcts = Vec::new();
        for (i, p) in args.iter().enumerate().skip(first_pct) {
            match (percent_constant(p), &p.constant) {
                (Some(pct), _) => pcts.push(pct),
                (None, Some(datafusion::scalar::ScalarValue::Utf8(Some(text))))
                    if as_array && p.ty == ScalarType::Dynamic =>
                {
                    let list = serde_json::from_str::<Vec<f64>>(text)
                        .map_err(|_| self.agg_type(call, i, "a dynamic array of numbers", p.ty))?;
                    pcts.extend(list);
                }
                _ => return Err(self.agg_type(call, i, "a constant number", p.ty)),
            }
        }
        let weight = weighted.then(|| &args[1]);
        let (agg_e, ty) = self.percentile_agg(&args[0], weight, &pcts, as_array, call)?;
        let hidden = self.fresh_name("pct");
        if let Some(ctx) = self.agg.as_mut() {
            ctx.items.push((hidden.clone(), agg_e));
        }
        let mut out = Vec::new();
        if as_array {
            let name = a
                .names
                .first()
                .map(|n| n.name.clone())
                .unwrap_or_else(|| format!("percentiles_{col_name}"));
            let name = unique_name(&name, taken);
            taken.push(name.clone());
            out.push((name, column(&hidden), ScalarType::Dynamic));
            return Ok(out);
        }
        for (i, pct) in pcts.iter().enumerate() {
            let pct_text = format!("{pct}").replace(['.', '-'], "_");
            let name = a
                .names
                .get(i)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| format!("percentile_{col_name}_{pct_text}"));
            let name = unique_name(&name, taken);
            taken.push(name.clone());
            out.push((name, percentile_field(column(&hidden), i, ty), ty));
        }
        Ok(out)
    }

    /// A `tdigest` aggregate: `{"type": ..., "values": [...], "weights": [...]}` sorted by
    /// value.
    pub(super) fn digest_agg(
        &mut self,
        x: &Scalar,
        weight: Option<&Scalar>,
        call: &Call,
    ) -> BResult<(DfExpr, ScalarType)> {
        let kind = match x.ty {
            ScalarType::Int | ScalarType::Long | ScalarType::DateTime | ScalarType::Timespan => {
                ValueKind::Long
            }
            ScalarType::Real | ScalarType::Decimal => ValueKind::Real,
            other => return Err(self.agg_type(call, 0, "a number, datetime or timespan", other)),
        };
        let value = datafusion::logical_expr::cast(x.expr.clone(), kind.data_type());
        let mut args = vec![value];
        args.extend(weight.map(|w| w.expr.clone()));
        let udaf = datafusion::logical_expr::AggregateUDF::new_from_impl(Percentiles::digest(
            kind,
            weight.is_some(),
            x.ty,
        ));
        Ok((udaf.call(args), ScalarType::Dynamic))
    }

    /// The nearest-rank percentile aggregate over `x` and its KQL result type (`x`'s type;
    /// `int` gives `long`, `decimal` gives `real`).
    pub(super) fn percentile_agg(
        &mut self,
        x: &Scalar,
        weight: Option<&Scalar>,
        pcts: &[f64],
        as_array: bool,
        call: &Call,
    ) -> BResult<(DfExpr, ScalarType)> {
        let (kind, ty) = match x.ty {
            ScalarType::Int | ScalarType::Long => (ValueKind::Long, ScalarType::Long),
            ScalarType::DateTime | ScalarType::Timespan if !as_array => (ValueKind::Long, x.ty),
            ScalarType::Real | ScalarType::Decimal => (ValueKind::Real, ScalarType::Real),
            other => return Err(self.agg_type(call, 0, "a number, datetime or timespan", other)),
        };
        if let Some(w) = weight
            && !matches!(w.ty, ScalarType::Int | ScalarType::Long)
        {
            return Err(self.agg_type(call, 1, "an integer weight", w.ty));
        }
        let value = datafusion::logical_expr::cast(x.expr.clone(), kind.data_type());
        let mut args = vec![value];
        args.extend(weight.map(|w| w.expr.clone()));
        let udaf = datafusion::logical_expr::AggregateUDF::new_from_impl(Percentiles::new(
            pcts,
            kind,
            weight.is_some(),
            as_array,
        ));
        Ok((udaf.call(args), ty))
    }
}

pub(super) fn percent_constant(s: &Scalar) -> Option<f64> {
    match s.constant.as_ref()? {
        datafusion::scalar::ScalarValue::Int64(Some(v)) => Some(*v as f64),
        datafusion::scalar::ScalarValue::Int32(Some(v)) => Some(f64::from(*v)),
        datafusion::scalar::ScalarValue::Float64(Some(v)) => Some(*v),
        _ => None,
    }
}

/// Percentage number `i` of a percentile aggregate's struct, as a value of type `ty`.
pub(super) fn percentile_field(agg: DfExpr, i: usize, ty: ScalarType) -> DfExpr {
    let v = datafusion::functions::core::expr_fn::get_field(agg, Percentiles::field_name(i));
    match ty {
        ScalarType::DateTime | ScalarType::Timespan => {
            datafusion::logical_expr::cast(v, table_schemas::arrow_type(ty))
        }
        _ => v,
    }
}
