//! `around(value, center, delta)`: whether `value` lies in `[center - delta, center +
//! delta]` (DOCS `around-function.md`), for numbers, and for datetimes or timespans with a
//! timespan delta. Null when an argument is null.

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, is_numeric,
};
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{
    ArrayRef, BooleanArray, DurationNanosecondArray, Float64Array, TimestampNanosecondArray,
};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// The type `value` and `center` are compared in.
fn work_type(args: &[Arg]) -> std::result::Result<ScalarType, ArgError> {
    let (value, center, delta) = (arg_type(args, 0), arg_type(args, 1), arg_type(args, 2));
    let numbers = [value, center, delta].into_iter().all(is_numeric);
    if numbers {
        return Ok(ScalarType::Real);
    }
    if !matches!(value, ScalarType::DateTime | ScalarType::Timespan) {
        return Err(ArgError::Type {
            index: 0,
            expected: "a number, datetime or timespan",
            found: value,
        });
    }
    if center != value {
        return Err(ArgError::Type {
            index: 1,
            expected: "the same type as the value",
            found: center,
        });
    }
    if delta != ScalarType::Timespan {
        return Err(ArgError::Type {
            index: 2,
            expected: "timespan",
            found: delta,
        });
    }
    Ok(value)
}

fn check_around(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    work_type(args)?;
    Ok(ScalarType::Bool)
}

fn lower_around(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let work = work_type(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match (i, work) {
            (2, ScalarType::DateTime | ScalarType::Timespan) => e,
            _ => cast_to(e, arg_type(args, i), work),
        })
        .collect();
    Ok(call_kernel(
        "around",
        "",
        DataType::Boolean,
        true,
        around_kernel,
        exprs,
    ))
}

/// Whether `v` is within `delta` of `center`, in `i128` so that no sum overflows.
fn within(v: i64, center: i64, delta: i64) -> bool {
    let (v, c, d) = (i128::from(v), i128::from(center), i128::from(delta).abs());
    (c - d..=c + d).contains(&v)
}

fn around_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (value, center, delta) = (arg(args, 0)?, arg(args, 1)?, arg(args, 2)?);
    let out: BooleanArray = match value.data_type() {
        DataType::Float64 => {
            let (v, c, d) = (
                downcast::<Float64Array>(value.as_ref())?,
                downcast::<Float64Array>(center.as_ref())?,
                downcast::<Float64Array>(delta.as_ref())?,
            );
            (0..rows)
                .map(|i| {
                    let (v, c, d) = (value_at(v, i)?, value_at(c, i)?, value_at(d, i)?.abs());
                    Some(c - d <= v && v <= c + d)
                })
                .collect()
        }
        DataType::Timestamp(..) => {
            let (v, c) = (
                downcast::<TimestampNanosecondArray>(value.as_ref())?,
                downcast::<TimestampNanosecondArray>(center.as_ref())?,
            );
            let d = downcast::<DurationNanosecondArray>(delta.as_ref())?;
            (0..rows)
                .map(|i| Some(within(value_at(v, i)?, value_at(c, i)?, value_at(d, i)?)))
                .collect()
        }
        _ => {
            let (v, c, d) = (
                downcast::<DurationNanosecondArray>(value.as_ref())?,
                downcast::<DurationNanosecondArray>(center.as_ref())?,
                downcast::<DurationNanosecondArray>(delta.as_ref())?,
            );
            (0..rows)
                .map(|i| Some(within(value_at(v, i)?, value_at(c, i)?, value_at(d, i)?)))
                .collect()
        }
    };
    Ok(Arc::new(out))
}

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[Function {
    name: "around",
    aliases: &[],
    kind: FunctionKind::Scalar,
    check: check_around,
    lower: lower_around,
}];

#[cfg(test)]
mod tests {
    use crate::test_util::{TArg, call};
    use arrow::array::{Array, AsArray, TimestampNanosecondArray};
    use datafusion::scalar::ScalarValue;
    use kql_syntax::ScalarType as T;
    use std::sync::Arc;

    #[test]
    fn documented_around() {
        // DOCS around-function.md: of the minutes 01:28 to 01:32, those within 1min of
        // 01:30 are 01:29, 01:30 and 01:31.
        let dt = |s: &str| crate::convert::parse_datetime_nanos(s).unwrap();
        let minutes: Vec<i64> = (28..=32)
            .map(|m| dt(&format!("2021-01-01 01:{m}")))
            .collect();
        let (ty, out) = call(
            "around",
            vec![
                TArg::Col(
                    T::DateTime,
                    Arc::new(TimestampNanosecondArray::from(minutes).with_timezone("UTC")),
                ),
                TArg::Lit(
                    T::DateTime,
                    ScalarValue::TimestampNanosecond(
                        Some(dt("2021-01-01 01:30")),
                        Some("UTC".into()),
                    ),
                ),
                TArg::Lit(
                    T::Timespan,
                    ScalarValue::DurationNanosecond(Some(60_000_000_000)),
                ),
            ],
        )
        .unwrap();
        assert_eq!(ty, T::Bool);
        let got: Vec<Option<bool>> = out.as_boolean().iter().collect();
        assert_eq!(
            got,
            [Some(false), Some(true), Some(true), Some(true), Some(false)]
        );
        // Numbers, and null for a null argument.
        let (_, out) = call(
            "around",
            vec![
                TArg::Lit(T::Real, ScalarValue::Float64(Some(1.5))),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
                TArg::Lit(T::Real, ScalarValue::Float64(Some(0.5))),
            ],
        )
        .unwrap();
        assert!(out.as_boolean().value(0));
        let (_, out) = call(
            "around",
            vec![
                TArg::Lit(T::Long, ScalarValue::Int64(None)),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
            ],
        )
        .unwrap();
        assert!(out.is_null(0));
    }
}
