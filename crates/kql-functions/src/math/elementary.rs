//! Elementary functions of `real` numbers: `log`, `log10`, `log2`, `exp`, `exp2`, `exp10`,
//! `pow`, `sqrt`, `sign`, `ceiling`, trigonometry (`sin`, `cos`, `tan`, `cot`, `asin`,
//! `acos`, `atan`, `atan2`, `degrees`, `radians`), `gamma`, `loggamma`, `erf`, `erfc`,
//! `isnan`, `isinf`, `isfinite`, `pi`, `rand`, and `min_of` / `max_of`.
//!
//! Arguments of any numeric type are read as `real`. The logarithms and `sqrt` of a
//! negative number are null ("`null` if the argument is negative", DOCS `log-function.md`,
//! `sqrt-function.md`); other undefined results are NaN, as .NET's `Math` gives them.

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, common_type,
    expect_count, is_numeric,
};
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, BooleanArray, Float64Array};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, lit};
use kql_syntax::ScalarType;
use std::sync::Arc;

/// `f` applied to every row of the single `real` argument.
fn unary(args: &[ArrayRef], f: fn(f64) -> Option<f64>) -> Result<ArrayRef> {
    let x = downcast::<Float64Array>(arg(args, 0)?.as_ref())?;
    let out: Float64Array = (0..x.len()).map(|i| f(value_at(x, i)?)).collect();
    Ok(Arc::new(out))
}

/// `f` applied to the two `real` arguments of every row.
fn binary(args: &[ArrayRef], f: fn(f64, f64) -> f64) -> Result<ArrayRef> {
    let (a, b) = (
        downcast::<Float64Array>(arg(args, 0)?.as_ref())?,
        downcast::<Float64Array>(arg(args, 1)?.as_ref())?,
    );
    let out: Float64Array = (0..a.len())
        .map(|i| Some(f(value_at(a, i)?, value_at(b, i)?)))
        .collect();
    Ok(Arc::new(out))
}

/// A predicate of the single `real` argument.
fn test(args: &[ArrayRef], f: fn(f64) -> bool) -> Result<ArrayRef> {
    let x = downcast::<Float64Array>(arg(args, 0)?.as_ref())?;
    let out: BooleanArray = (0..x.len()).map(|i| value_at(x, i).map(f)).collect();
    Ok(Arc::new(out))
}

/// A logarithm, null for negative numbers.
fn log_of(x: f64, log: fn(f64) -> f64) -> Option<f64> {
    (x >= 0.0 || x.is_nan()).then(|| log(x))
}

/// `sign`: -1, 0 or 1 (Rust's `signum` gives 1 for zero).
fn sign(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x.signum() }
}

fn check_numbers(args: &[Arg], n: usize, result: ScalarType) -> CheckResult {
    let expected = if n == 1 { "1" } else { "2" };
    expect_count(args, n, n, expected)?;
    for (i, a) in args.iter().enumerate() {
        if !is_numeric(a.ty) {
            return Err(ArgError::Type {
                index: i,
                expected: "a number",
                found: a.ty,
            });
        }
    }
    Ok(result)
}

fn reals(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ScalarType::Real))
        .collect()
}

macro_rules! real_function {
    ($name:literal, |$x:ident| $body:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_numbers(args, 1, ScalarType::Real),
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Float64,
                    true,
                    |a, _| unary(a, |$x| $body),
                    reals(exprs, args),
                ))
            },
        }
    };
}

macro_rules! binary_function {
    ($name:literal, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_numbers(args, 2, ScalarType::Real),
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Float64,
                    true,
                    |a, _| binary(a, $f),
                    reals(exprs, args),
                ))
            },
        }
    };
}

macro_rules! test_function {
    ($name:literal, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_numbers(args, 1, ScalarType::Bool),
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Boolean,
                    true,
                    |a, _| test(a, $f),
                    reals(exprs, args),
                ))
            },
        }
    };
}

/// `ceiling(x)`: the type of `x` (integers are already whole).
fn lower_ceiling(mut exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = arg_type(args, 0);
    let e = exprs
        .pop()
        .ok_or_else(|| DataFusionError::Plan("ceiling expects an argument".into()))?;
    if matches!(ty, ScalarType::Int | ScalarType::Long) {
        return Ok(e);
    }
    let call = call_kernel(
        "ceiling",
        "",
        DataType::Float64,
        true,
        |a, _| unary(a, |x| Some(x.ceil())),
        vec![cast_to(e, ty, ScalarType::Real)],
    );
    Ok(cast_to(call, ScalarType::Real, ty))
}

/// `rand()`: a `real` in [0, 1); `rand(n)`: a whole `real` in {0, ..., n - 1} (DOCS
/// `rand-function.md`). DataFusion's volatile `random()` draws the numbers.
fn lower_rand(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let random = datafusion::functions::math::expr_fn::random();
    Ok(match exprs.into_iter().next() {
        None => random,
        Some(n) => {
            let n = cast_to(n, arg_type(args, 0), ScalarType::Real);
            datafusion::functions::math::expr_fn::floor(random * n)
        }
    })
}

/// `min_of` / `max_of`: two or more values of one orderable type (numbers widen to their
/// common type).
fn check_extreme(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 64, "2 to 64")?;
    let mut ty = arg_type(args, 0);
    for (i, a) in args.iter().enumerate().skip(1) {
        ty = common_type(ty, a.ty).ok_or(ArgError::Type {
            index: i,
            expected: "the same type as the other arguments",
            found: a.ty,
        })?;
    }
    if ty == ScalarType::Dynamic || ty == ScalarType::Bool {
        return Err(ArgError::Type {
            index: 0,
            expected: "a number, string, datetime or timespan",
            found: ty,
        });
    }
    Ok(ty)
}

/// DataFusion's `least` / `greatest`, which skip nulls as KQL does ("non-null values take
/// precedence over null values", DOCS `max-of-function.md`), over values cast to the
/// common type.
fn lower_extreme(exprs: Vec<Expr>, args: &[Arg], max: bool) -> Result<Expr> {
    let ty = check_extreme(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    let exprs: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ty))
        .collect();
    Ok(if max {
        datafusion::functions::core::expr_fn::greatest(exprs)
    } else {
        datafusion::functions::core::expr_fn::least(exprs)
    })
}

/// The elementary functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    real_function!("log", |x| log_of(x, f64::ln)),
    real_function!("log10", |x| log_of(x, f64::log10)),
    real_function!("log2", |x| log_of(x, f64::log2)),
    real_function!("exp", |x| Some(x.exp())),
    real_function!("exp2", |x| Some(x.exp2())),
    real_function!("exp10", |x| Some(10f64.powf(x))),
    real_function!("sqrt", |x| (x >= 0.0 || x.is_nan()).then(|| x.sqrt())),
    real_function!("sign", |x| Some(sign(x))),
    real_function!("sin", |x| Some(x.sin())),
    real_function!("cos", |x| Some(x.cos())),
    real_function!("tan", |x| Some(x.tan())),
    real_function!("cot", |x| Some(1.0 / x.tan())),
    real_function!("asin", |x| Some(x.asin())),
    real_function!("acos", |x| Some(x.acos())),
    real_function!("atan", |x| Some(x.atan())),
    real_function!("degrees", |x| Some(x.to_degrees())),
    real_function!("radians", |x| Some(x.to_radians())),
    real_function!("gamma", |x| Some(libm::tgamma(x))),
    real_function!("loggamma", |x| Some(libm::lgamma(x))),
    real_function!("erf", |x| Some(libm::erf(x))),
    real_function!("erfc", |x| Some(libm::erfc(x))),
    binary_function!("pow", f64::powf),
    binary_function!("atan2", f64::atan2),
    test_function!("isnan", f64::is_nan),
    test_function!("isinf", f64::is_infinite),
    test_function!("isfinite", f64::is_finite),
    Function {
        name: "ceiling",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_numbers(args, 1, arg_type(args, 0)),
        lower: lower_ceiling,
    },
    Function {
        name: "pi",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 0, 0, "0")?;
            Ok(ScalarType::Real)
        },
        lower: |_, _| Ok(lit(std::f64::consts::PI)),
    },
    Function {
        name: "rand",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 0, 1, "0 or 1")?;
            crate::registry::expect_type(
                args,
                0,
                &[ScalarType::Int, ScalarType::Long],
                "an integer",
            )?;
            Ok(ScalarType::Real)
        },
        lower: lower_rand,
    },
    Function {
        name: "min_of",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_extreme,
        lower: |exprs, args| lower_extreme(exprs, args, false),
    },
    Function {
        name: "max_of",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_extreme,
        lower: |exprs, args| lower_extreme(exprs, args, true),
    },
];

#[cfg(test)]
mod tests {
    use crate::test_util::{TArg, call};
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{Float64Type, Int32Type, Int64Type};
    use datafusion::scalar::ScalarValue;
    use kql_syntax::ScalarType as T;

    fn long(v: i64) -> TArg {
        TArg::Lit(T::Long, ScalarValue::Int64(Some(v)))
    }

    fn real(v: f64) -> TArg {
        TArg::Lit(T::Real, ScalarValue::Float64(Some(v)))
    }

    fn one_real(name: &str, args: Vec<TArg>) -> Option<f64> {
        let (ty, out) = call(name, args).unwrap();
        assert_eq!(ty, T::Real, "{name}");
        let v = out.as_primitive::<Float64Type>();
        v.is_valid(0).then(|| v.value(0))
    }

    // The expected values are the digits the pages print, kept as printed.
    #[allow(clippy::excessive_precision, clippy::approx_constant)]
    #[test]
    fn documented_values() {
        // DOCS log-function.md, log10-function.md, log2-function.md (printed digits).
        assert_eq!(one_real("log", vec![long(5)]), Some(1.6094379124341003));
        assert_eq!(one_real("log10", vec![long(5)]), Some(0.69897000433601886));
        assert_eq!(one_real("log2", vec![long(5)]), Some(2.3219280948873622));
        // "null if the argument is negative".
        assert_eq!(one_real("log", vec![long(-1)]), None);
        assert_eq!(one_real("sqrt", vec![real(-4.0)]), None);
        assert_eq!(one_real("sqrt", vec![real(16.0)]), Some(4.0));
        // DOCS exp-function.md (7.389056 as printed), exp2-function.md, exp10-function.md,
        // pow-function.md, gamma-function.md.
        let e2 = one_real("exp", vec![long(2)]).unwrap();
        assert!((e2 - 7.389056).abs() < 1e-6);
        assert_eq!(one_real("exp2", vec![long(3)]), Some(8.0));
        assert_eq!(one_real("exp10", vec![long(2)]), Some(100.0));
        assert_eq!(one_real("pow", vec![long(2), long(3)]), Some(8.0));
        let g = one_real("gamma", vec![long(5)]).unwrap();
        assert!((g - 24.0).abs() < 1e-9);
        // DOCS sign-function.md: -1, 0, 1.
        assert_eq!(one_real("sign", vec![long(-42)]), Some(-1.0));
        assert_eq!(one_real("sign", vec![long(0)]), Some(0.0));
        assert_eq!(one_real("sign", vec![real(11.2)]), Some(1.0));
        // DOCS atan2-function.md: pi/4, pi and -pi/2 (printed to 15 digits).
        for (y, x, expected) in [
            (1, 1, 0.785398163397448),
            (0, -1, 3.14159265358979),
            (-1, 0, -1.5707963267949),
        ] {
            let a = one_real("atan2", vec![long(y), long(x)]).unwrap();
            assert!((a - expected).abs() < 1e-13, "atan2({y}, {x}) = {a}");
        }
        assert_eq!(
            one_real("degrees", vec![real(std::f64::consts::PI)]),
            Some(180.0)
        );
        assert_eq!(one_real("pi", vec![]), Some(std::f64::consts::PI));
    }

    #[test]
    fn ceiling_tests_and_extremes() {
        // DOCS ceiling-function.md: -1, 0, 1, keeping integers as they are.
        assert_eq!(one_real("ceiling", vec![real(-1.1)]), Some(-1.0));
        assert_eq!(one_real("ceiling", vec![real(0.9)]), Some(1.0));
        let (ty, out) = call(
            "ceiling",
            vec![TArg::Lit(T::Int, ScalarValue::Int32(Some(0)))],
        )
        .unwrap();
        assert_eq!(ty, T::Int);
        assert_eq!(out.as_primitive::<Int32Type>().value(0), 0);
        // DOCS isnan-function.md, isinf-function.md, isfinite-function.md.
        for (name, x, expected) in [
            ("isnan", f64::NAN, true),
            ("isnan", -1.0, false),
            ("isinf", f64::NEG_INFINITY, true),
            ("isinf", f64::NAN, false),
            ("isfinite", f64::INFINITY, false),
            ("isfinite", 1.5, true),
        ] {
            let (ty, out) = call(name, vec![real(x)]).unwrap();
            assert_eq!(ty, T::Bool);
            assert_eq!(out.as_boolean().value(0), expected, "{name}({x})");
        }
        // DOCS min-of-function.md and max-of-function.md: -3 and 17; nulls are skipped.
        let (ty, out) = call("min_of", vec![long(10), long(1), long(-3), long(17)]).unwrap();
        assert_eq!(ty, T::Long);
        assert_eq!(out.as_primitive::<Int64Type>().value(0), -3);
        let (_, out) = call("max_of", vec![long(10), long(1), long(-3), long(17)]).unwrap();
        assert_eq!(out.as_primitive::<Int64Type>().value(0), 17);
        let (_, out) = call(
            "max_of",
            vec![TArg::Lit(T::Long, ScalarValue::Int64(None)), long(3)],
        )
        .unwrap();
        assert_eq!(out.as_primitive::<Int64Type>().value(0), 3);
        // Mixed numbers widen: int and real give real.
        let (ty, _) = call("max_of", vec![long(1), real(2.5)]).unwrap();
        assert_eq!(ty, T::Real);
    }

    #[test]
    fn rand_is_in_range() {
        // DOCS rand-function.md: [0, 1), and {0, ..., N - 1} for rand(N).
        let x = one_real("rand", vec![]).unwrap();
        assert!((0.0..1.0).contains(&x));
        let n = one_real("rand", vec![long(10)]).unwrap();
        assert!((0.0..10.0).contains(&n) && n.fract() == 0.0);
    }
}
