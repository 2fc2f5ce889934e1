//! The scalar side of kqlhunt's (exact) sketches: `dcount_hll`, scalar `hll_merge` and
//! `rank_tdigest`. An `hll` value is the dynamic array of the distinct values and a
//! `tdigest` value the distinct values with their weights (see `aggregate` and
//! `udf::percentile`), so counts and ranks read from them are exact.

use super::{BResult, Binder, E_ARG_COUNT};
use crate::bound::{Scalar, Tab};
use crate::udf::OpKind;
use datafusion::logical_expr::lit;
use datafusion::scalar::ScalarValue;
use kql_diagnostics::Diagnostic;
use kql_syntax::{Call, ScalarType};

impl Binder<'_> {
    /// Binds a sketch function, or gives `None` for any other name.
    pub(super) fn bind_sketch_call(
        &mut self,
        call: &Call,
        input: Option<&Tab>,
    ) -> BResult<Option<Scalar>> {
        let name = call.name.name.as_str();
        if !matches!(name, "dcount_hll" | "hll_merge" | "rank_tdigest")
            || self.agg.is_some() && name == "hll_merge"
        {
            return Ok(None);
        }
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            let v = self.bind_scalar(&a.value, input)?;
            args.push(self.fold(v));
        }
        let count_error = |b: &mut Self, expected: &str| {
            b.error(Diagnostic::error(
                E_ARG_COUNT,
                format!("`{name}` expects {expected}"),
                call.span,
            ))
        };
        let empty = || Scalar::constant(ScalarValue::Utf8(Some("[]".into())), ScalarType::Dynamic);
        Ok(Some(match name {
            "dcount_hll" => {
                let [h] = args.as_slice() else {
                    return Err(count_error(self, "one hll value"));
                };
                let n = self.call_registry("array_length", vec![h.clone()], call.span)?;
                Scalar::new(
                    datafusion::functions::expr_fn::coalesce(vec![n.expr, lit(0i64)]),
                    ScalarType::Long,
                )
                .non_null()
            }
            "hll_merge" => {
                if args.len() < 2 {
                    return Err(count_error(self, "two or more hll values"));
                }
                let mut parts = Vec::with_capacity(args.len());
                for h in args {
                    let e = datafusion::functions::expr_fn::coalesce(vec![h.expr, empty().expr]);
                    parts.push(Scalar::new(e, ScalarType::Dynamic));
                }
                let u = self.call_registry("set_union", parts, call.span)?;
                Scalar::new(
                    datafusion::functions::core::expr_fn::nullif(u.expr, lit("[]")),
                    ScalarType::Dynamic,
                )
            }
            _ => {
                let [t, v] = args.as_slice() else {
                    return Err(count_error(self, "a tdigest value and a value"));
                };
                let v = self.cast_to(v.expr.clone(), v.ty, ScalarType::Real);
                let e = self.op_udf(OpKind::DigestRank, vec![t.expr.clone(), v], call.span)?;
                Scalar::new(e, ScalarType::Long)
            }
        }))
    }
}
