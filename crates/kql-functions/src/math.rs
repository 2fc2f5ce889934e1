//! Rounding and binning: `bin` (alias `floor`), `bin_at`, `round`, `abs`; the elementary
//! functions are in [`elementary`], the bitwise ones in [`bitwise`], `around` in [`around`],
//! the beta distribution in [`beta`].
//!
//! `bin(value, size)` is "the nearest multiple of *roundTo* below *value*"; "null values, a
//! null bin size, or a negative bin size will result in null" (DOCS `bin-function.md`; a
//! zero size has no multiples, so it is null too). `bin_at(value, size, fixed_point)` shifts
//! the bins so that one starts at `fixed_point` (DOCS `bin-at-function.md`).
//!
//! Datetimes are KQL ticks counted from 0001-01-01, so `bin(datetime, size)` aligns bins to
//! that origin: the same as aligning to 1970-01-01 for every size that divides a day, and
//! (since 0001-01-01 was a Monday) weeks from `bin(t, 7d)` start on Mondays.

mod around;
mod beta;
pub mod bitwise;
mod elementary;

pub(crate) use around::FUNCTIONS as AROUND_FUNCTIONS;
pub(crate) use beta::FUNCTIONS as BETA_FUNCTIONS;
pub(crate) use bitwise::FUNCTIONS as BITWISE_FUNCTIONS;
pub(crate) use elementary::FUNCTIONS as ELEMENTARY_FUNCTIONS;

use crate::convert::EPOCH_TICKS;
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, common_type,
    expect_count, is_numeric,
};
use crate::udf::{arg, call_kernel, downcast, opt_arg, value_at};
use arrow::array::{
    Array, ArrayRef, DurationNanosecondArray, Float64Array, Int64Array, TimestampNanosecondArray,
};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, cast, lit};
use kql_syntax::ScalarType;
use std::sync::Arc;
use table_schemas::arrow_type;

/// 0001-01-01T00:00:00Z in nanoseconds since the Unix epoch.
const DATETIME_ORIGIN_NS: i128 = -(EPOCH_TICKS as i128) * 100;

/// The KQL types of `bin`'s value and size and of its result.
fn bin_types(value: ScalarType, size: ScalarType) -> Result<ScalarType, ArgError> {
    match value {
        ScalarType::DateTime | ScalarType::Timespan => {
            if size == ScalarType::Timespan {
                Ok(value)
            } else {
                Err(ArgError::Type {
                    index: 1,
                    expected: "timespan (the value is a datetime or timespan)",
                    found: size,
                })
            }
        }
        v if is_numeric(v) => {
            if is_numeric(size) {
                common_type(v, size).ok_or(ArgError::Type {
                    index: 1,
                    expected: "a number",
                    found: size,
                })
            } else {
                Err(ArgError::Type {
                    index: 1,
                    expected: "a number",
                    found: size,
                })
            }
        }
        other => Err(ArgError::Type {
            index: 0,
            expected: "a number, datetime or timespan",
            found: other,
        }),
    }
}

fn check_bin(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    bin_types(arg_type(args, 0), arg_type(args, 1))
}

fn check_bin_at(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    let ty = bin_types(arg_type(args, 0), arg_type(args, 1))?;
    let fixed = arg_type(args, 2);
    let fits = match ty {
        ScalarType::DateTime | ScalarType::Timespan => fixed == ty,
        _ => is_numeric(fixed),
    };
    if fits {
        Ok(ty)
    } else {
        Err(ArgError::Type {
            index: 2,
            expected: "the same type as the value",
            found: fixed,
        })
    }
}

/// The type the kernel computes in for a result type: `Int64` for integers, `Float64` for
/// `real` and `decimal`, the temporal types as they are.
fn work_type(ty: ScalarType) -> ScalarType {
    match ty {
        ScalarType::Int | ScalarType::Long => ScalarType::Long,
        ScalarType::Real | ScalarType::Decimal => ScalarType::Real,
        other => other,
    }
}

/// Lowers `bin_at(value, size[, fixed])`: every argument cast to the working type, the
/// kernel, then a cast to the result type. Without `fixed`, bins start at the origin (zero,
/// or 0001-01-01 for datetimes, which is outside `Timestamp(ns)`'s range and so cannot be
/// passed as a value).
fn lower_bin_parts(exprs: Vec<Expr>, args: &[Arg], ty: ScalarType) -> Expr {
    let work = work_type(ty);
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let to = match (i, ty) {
                (1, ScalarType::DateTime | ScalarType::Timespan) => ScalarType::Timespan,
                _ => work,
            };
            cast_to(e, arg_type(args, i), to)
        })
        .collect();
    let out = call_kernel("bin", "", arrow_type(work), true, bin_kernel, exprs);
    if work == ty {
        out
    } else {
        cast(out, arrow_type(ty))
    }
}

fn lower_bin(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = check_bin(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    Ok(lower_bin_parts(exprs, args, ty))
}

fn lower_bin_at(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = check_bin_at(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    Ok(lower_bin_parts(exprs, args, ty))
}

/// The nearest multiple of `size` at or below `value - fixed`, plus `fixed`; `None` for a
/// size that is not positive or a result out of range.
fn bin_i128(value: i128, size: i128, fixed: i128) -> Option<i128> {
    (size > 0).then(|| fixed + (value - fixed).div_euclid(size) * size)
}

fn bin_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (value, size) = (arg(args, 0)?, arg(args, 1)?);
    match value.data_type() {
        DataType::Float64 => {
            let (v, s) = (
                downcast::<Float64Array>(value.as_ref())?,
                downcast::<Float64Array>(size.as_ref())?,
            );
            let f = opt_arg::<Float64Array>(args, 2)?;
            let out: Float64Array = (0..rows)
                .map(|i| {
                    let (v, s) = (value_at(v, i)?, value_at(s, i)?);
                    let f = f.map_or(Some(0.0), |f| value_at(f, i))?;
                    (s > 0.0).then(|| f + ((v - f) / s).floor() * s)
                })
                .collect();
            Ok(Arc::new(out))
        }
        DataType::Int64 => {
            let (v, s) = (
                downcast::<Int64Array>(value.as_ref())?,
                downcast::<Int64Array>(size.as_ref())?,
            );
            let f = opt_arg::<Int64Array>(args, 2)?;
            let out: Int64Array = (0..rows)
                .map(|i| {
                    let f = f.map_or(Some(0), |f| value_at(f, i))?;
                    let r = bin_i128(value_at(v, i)?.into(), value_at(s, i)?.into(), f.into())?;
                    i64::try_from(r).ok()
                })
                .collect();
            Ok(Arc::new(out))
        }
        DataType::Timestamp(..) => {
            let v = downcast::<TimestampNanosecondArray>(value.as_ref())?;
            let s = downcast::<DurationNanosecondArray>(size.as_ref())?;
            let f = opt_arg::<TimestampNanosecondArray>(args, 2)?;
            let out: TimestampNanosecondArray = (0..rows)
                .map(|i| {
                    let f = match f {
                        Some(f) => i128::from(value_at(f, i)?),
                        None => DATETIME_ORIGIN_NS,
                    };
                    let r = bin_i128(value_at(v, i)?.into(), value_at(s, i)?.into(), f)?;
                    i64::try_from(r).ok()
                })
                .collect();
            Ok(Arc::new(out.with_timezone("UTC")))
        }
        DataType::Duration(_) => {
            let v = downcast::<DurationNanosecondArray>(value.as_ref())?;
            let s = downcast::<DurationNanosecondArray>(size.as_ref())?;
            let f = opt_arg::<DurationNanosecondArray>(args, 2)?;
            let out: DurationNanosecondArray = (0..rows)
                .map(|i| {
                    let f = f.map_or(Some(0), |f| value_at(f, i))?;
                    let r = bin_i128(value_at(v, i)?.into(), value_at(s, i)?.into(), f.into())?;
                    i64::try_from(r).ok()
                })
                .collect();
            Ok(Arc::new(out))
        }
        other => Err(DataFusionError::Internal(format!("bin of {other}"))),
    }
}

/// `round(x, digits)`: half away from zero (DOCS `round-function.md`: `round(2.15, 1)` is
/// 2.2, `round(-50.55, -2)` is -100, `round(21.5, -1)` is 20).
pub fn round_real(x: f64, digits: i64) -> f64 {
    let digits = digits.clamp(-308, 308) as i32;
    if digits >= 0 {
        let p = 10f64.powi(digits);
        let r = (x * p).round() / p;
        if r.is_finite() { r } else { x }
    } else {
        let p = 10f64.powi(-digits);
        (x / p).round() * p
    }
}

/// `round` of an integer: unchanged for `digits >= 0`, otherwise to a multiple of
/// `10^-digits`, half away from zero. `None` on overflow.
pub fn round_long(x: i64, digits: i64) -> Option<i64> {
    if digits >= 0 {
        return Some(x);
    }
    let p = 10i128.checked_pow(u32::try_from(-digits).ok()?)?;
    let x = i128::from(x);
    let (q, r) = (x / p, x % p);
    let q = if r.abs() * 2 >= p { q + r.signum() } else { q };
    i64::try_from(q * p).ok()
}

fn check_round(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 2, "1 or 2")?;
    let ty = arg_type(args, 0);
    if !is_numeric(ty) {
        return Err(ArgError::Type {
            index: 0,
            expected: "a number",
            found: ty,
        });
    }
    if args.len() == 2 && !matches!(arg_type(args, 1), ScalarType::Int | ScalarType::Long) {
        return Err(ArgError::Type {
            index: 1,
            expected: "an integer",
            found: arg_type(args, 1),
        });
    }
    Ok(ty)
}

fn lower_round(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = arg_type(args, 0);
    let work = work_type(ty);
    let mut exprs = exprs.into_iter();
    let value = exprs
        .next()
        .ok_or_else(|| DataFusionError::Plan("round expects an argument".into()))?;
    let digits = exprs.next().unwrap_or_else(|| lit(0i64));
    let call = call_kernel(
        "round",
        "",
        arrow_type(work),
        true,
        round_kernel,
        vec![
            cast_to(value, ty, work),
            cast_to(
                digits,
                args.get(1).map_or(ScalarType::Long, |a| a.ty),
                ScalarType::Long,
            ),
        ],
    );
    Ok(if work == ty {
        call
    } else {
        cast(call, arrow_type(ty))
    })
}

fn round_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (value, digits) = (
        arg(args, 0)?,
        downcast::<Int64Array>(arg(args, 1)?.as_ref())?,
    );
    if let Some(v) = value.as_any().downcast_ref::<Float64Array>() {
        let out: Float64Array = (0..rows)
            .map(|i| Some(round_real(value_at(v, i)?, value_at(digits, i)?)))
            .collect();
        return Ok(Arc::new(out));
    }
    let v = downcast::<Int64Array>(value.as_ref())?;
    let out: Int64Array = (0..rows)
        .map(|i| round_long(value_at(v, i)?, value_at(digits, i)?))
        .collect();
    Ok(Arc::new(out))
}

fn check_abs(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    let ty = arg_type(args, 0);
    if is_numeric(ty) || ty == ScalarType::Timespan {
        Ok(ty)
    } else {
        Err(ArgError::Type {
            index: 0,
            expected: "a number or timespan",
            found: ty,
        })
    }
}

fn lower_abs(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = arg_type(args, 0);
    let work = work_type(ty);
    let exprs = exprs.into_iter().map(|e| cast_to(e, ty, work)).collect();
    let call = call_kernel("abs", "", arrow_type(work), true, abs_kernel, exprs);
    Ok(if work == ty {
        call
    } else {
        cast(call, arrow_type(ty))
    })
}

/// `abs`; the one integer without a positive counterpart (`i64::MIN`) gives null.
fn abs_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let value = arg(args, 0)?;
    Ok(match value.data_type() {
        DataType::Float64 => {
            let v = downcast::<Float64Array>(value.as_ref())?;
            Arc::new(
                (0..rows)
                    .map(|i| value_at(v, i).map(f64::abs))
                    .collect::<Float64Array>(),
            )
        }
        DataType::Duration(_) => {
            let v = downcast::<DurationNanosecondArray>(value.as_ref())?;
            Arc::new(
                (0..rows)
                    .map(|i| value_at(v, i)?.checked_abs())
                    .collect::<DurationNanosecondArray>(),
            )
        }
        _ => {
            let v = downcast::<Int64Array>(value.as_ref())?;
            Arc::new(
                (0..rows)
                    .map(|i| value_at(v, i)?.checked_abs())
                    .collect::<Int64Array>(),
            )
        }
    })
}

/// The rounding functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "bin",
        aliases: &["floor"],
        kind: FunctionKind::Scalar,
        check: check_bin,
        lower: lower_bin,
    },
    Function {
        name: "bin_at",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_bin_at,
        lower: lower_bin_at,
    },
    Function {
        name: "round",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_round,
        lower: lower_round,
    },
    Function {
        name: "abs",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_abs,
        lower: lower_abs,
    },
];

#[cfg(test)]
mod tests;
