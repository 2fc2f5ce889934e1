//! `range(start, stop[, step])`: a `dynamic` array of evenly spaced values (DOCS
//! `range-function.md`).
//!
//! Numbers, datetimes and timespans are supported; the step defaults to 1 for numbers and
//! 1 hour for datetimes and timespans. The values go from `start` towards `stop` and stop
//! at the last one not beyond it; a negative step counts down. A zero step, or a step away
//! from `stop`, gives an empty array. At most 1,048,576 (2^20) values are produced, the
//! documented limit.

use super::json::{dynamic_array, value_to_json};
use crate::convert::Value;
use crate::registry::{Arg, ArgError, CheckResult, arg_type, cast_to, expect_count, is_numeric};
use crate::udf::{arg, downcast, value_at};
use arrow::array::{
    ArrayRef, DurationNanosecondArray, Float64Array, Int64Array, TimestampNanosecondArray,
};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, lit};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType;
use serde_json::Value as Json;

/// The most values `range` returns.
const MAX_VALUES: usize = 1 << 20;

const HOUR_NS: i64 = 3_600_000_000_000;

/// The values from `start` to `stop` by `step`, as `i64` (exact).
fn steps_i64(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut v = start;
    while out.len() < MAX_VALUES && step != 0 && (if step > 0 { v <= stop } else { v >= stop }) {
        out.push(v);
        match v.checked_add(step) {
            Some(next) => v = next,
            None => break,
        }
    }
    out
}

/// The values from `start` to `stop` by `step`, as `f64` (each computed from `start`, so
/// errors do not accumulate).
fn steps_f64(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if step == 0.0 || !step.is_finite() {
        return out;
    }
    while out.len() < MAX_VALUES {
        let v = start + step * out.len() as f64;
        if (step > 0.0 && v > stop) || (step < 0.0 && v < stop) || !v.is_finite() {
            break;
        }
        out.push(v);
    }
    out
}

/// `range`'s kernel over arguments cast to one kind: `long`, `real`, datetime (with a
/// timespan step) or timespan.
pub(super) fn range_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (start, stop, step) = (arg(args, 0)?, arg(args, 1)?, arg(args, 2)?);
    let mut out: Vec<Option<Json>> = Vec::with_capacity(rows);
    match start.data_type() {
        DataType::Int64 => {
            let (a, b, s) = (
                downcast::<Int64Array>(start.as_ref())?,
                downcast::<Int64Array>(stop.as_ref())?,
                downcast::<Int64Array>(step.as_ref())?,
            );
            for i in 0..rows {
                out.push(match (value_at(a, i), value_at(b, i), value_at(s, i)) {
                    (Some(a), Some(b), Some(s)) => Some(Json::from(steps_i64(a, b, s))),
                    _ => None,
                });
            }
        }
        DataType::Float64 => {
            let (a, b, s) = (
                downcast::<Float64Array>(start.as_ref())?,
                downcast::<Float64Array>(stop.as_ref())?,
                downcast::<Float64Array>(step.as_ref())?,
            );
            for i in 0..rows {
                out.push(match (value_at(a, i), value_at(b, i), value_at(s, i)) {
                    (Some(a), Some(b), Some(s)) => Some(Json::Array(
                        steps_f64(a, b, s)
                            .into_iter()
                            .map(|x| value_to_json(Value::Real(x)))
                            .collect(),
                    )),
                    _ => None,
                });
            }
        }
        DataType::Timestamp(..) | DataType::Duration(_) => {
            let datetime = matches!(start.data_type(), DataType::Timestamp(..));
            let s = downcast::<DurationNanosecondArray>(step.as_ref())?;
            let nanos = |a: &ArrayRef, i: usize| -> Result<Option<i64>> {
                Ok(if datetime {
                    value_at(downcast::<TimestampNanosecondArray>(a.as_ref())?, i)
                } else {
                    value_at(downcast::<DurationNanosecondArray>(a.as_ref())?, i)
                })
            };
            for i in 0..rows {
                let (a, b, st) = (nanos(start, i)?, nanos(stop, i)?, value_at(s, i));
                out.push(match (a, b, st) {
                    (Some(a), Some(b), Some(st)) => Some(Json::Array(
                        steps_i64(a, b, st)
                            .into_iter()
                            .map(|ns| {
                                value_to_json(if datetime {
                                    Value::DateTime(ns)
                                } else {
                                    Value::Timespan(ns)
                                })
                            })
                            .collect(),
                    )),
                    _ => None,
                });
            }
        }
        other => {
            return Err(DataFusionError::Internal(format!("range of {other}")));
        }
    }
    Ok(dynamic_array(out))
}

/// The kind the arguments are computed in: `long` when all are integers, `real` for other
/// numbers, or the start's datetime/timespan type (with a timespan step).
fn work_type(args: &[Arg]) -> std::result::Result<ScalarType, ArgError> {
    let start = arg_type(args, 0);
    let stop = arg_type(args, 1);
    match start {
        ScalarType::DateTime | ScalarType::Timespan => {
            if stop != start {
                return Err(ArgError::Type {
                    index: 1,
                    expected: "the same type as the start",
                    found: stop,
                });
            }
            match args.get(2) {
                Some(a) if a.ty != ScalarType::Timespan => Err(ArgError::Type {
                    index: 2,
                    expected: "timespan",
                    found: a.ty,
                }),
                _ => Ok(start),
            }
        }
        _ => {
            for (i, a) in args.iter().enumerate() {
                if !is_numeric(a.ty) {
                    return Err(ArgError::Type {
                        index: i,
                        expected: "a number (or a datetime or timespan range)",
                        found: a.ty,
                    });
                }
            }
            Ok(
                if args
                    .iter()
                    .all(|a| matches!(a.ty, ScalarType::Int | ScalarType::Long))
                {
                    ScalarType::Long
                } else {
                    ScalarType::Real
                },
            )
        }
    }
}

pub(super) fn check_range(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    work_type(args)?;
    Ok(ScalarType::Dynamic)
}

/// Start and stop cast to the working type; the step too, or its default.
pub(super) fn range_args(exprs: Vec<Expr>, args: &[Arg]) -> Result<Vec<Expr>> {
    let work = work_type(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    let mut out: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match (i, work) {
            (2, ScalarType::DateTime) => e,
            _ => cast_to(e, arg_type(args, i), work),
        })
        .collect();
    if out.len() == 2 {
        out.push(match work {
            ScalarType::Long => lit(1i64),
            ScalarType::Real => lit(1.0f64),
            _ => Expr::Literal(ScalarValue::DurationNanosecond(Some(HOUR_NS)), None),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_steps() {
        // DOCS range-function.md: range(1, 8, 3) and range(1, 3).
        assert_eq!(steps_i64(1, 8, 3), [1, 4, 7]);
        assert_eq!(steps_i64(1, 3, 1), [1, 2, 3]);
        assert_eq!(steps_i64(5, 1, -2), [5, 3, 1]);
        assert!(steps_i64(1, 3, 0).is_empty());
        assert!(steps_i64(3, 1, 1).is_empty());
        assert_eq!(steps_i64(1, 1_000_000_000, 1).len(), MAX_VALUES);
        assert_eq!(steps_f64(0.0, 1.0, 0.25), [0.0, 0.25, 0.5, 0.75, 1.0]);
    }
}
