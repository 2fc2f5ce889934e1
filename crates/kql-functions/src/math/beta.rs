//! The beta distribution: `beta_cdf`, `beta_pdf` and `beta_inv` (DOCS `beta-cdf-function.md`,
//! `beta-pdf-function.md`, `beta-inv-function.md`).
//!
//! Arguments of any numeric type are read as `real`; a null argument gives null. Values
//! outside a function's domain give NaN or null exactly as the pages list them:
//!
//! * `beta_cdf(x, alpha, beta)`: NaN when `x < 0` or `x > 1`, or when `alpha` or `beta` is
//!   `≤ 0` or `> 10000`.
//! * `beta_pdf(x, alpha, beta)`: NaN when `x ≤ 0` or `x ≥ 1`, or when `alpha` or `beta` is
//!   `≤ 0`.
//! * `beta_inv(p, alpha, beta)`: the page's notes and its example disagree (the notes say
//!   `p > 1` gives NaN and `alpha ≤ 0` null; the example prints null for `p = 1.5` and NaN
//!   for `alpha = -1`). kqlhunt follows the example, whose values Kusto printed: null when
//!   `p ≤ 0` or `p > 1`, NaN when `alpha` or `beta` is `≤ 0`.
//!
//! The cumulative function is the regularized incomplete beta function `I_x(a, b)`,
//! evaluated by its continued fraction (modified Lentz), on the side of the symmetry
//! `I_x(a, b) = 1 - I_{1-x}(b, a)` where the fraction converges fast.

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, is_numeric,
};
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, Float64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// `ln B(a, b)`.
fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

/// The continued fraction of `I_x(a, b)` (without its prefactor); accurate when
/// `x < (a + 1) / (a + b + 2)`.
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-16;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        // Even step.
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        // Odd step.
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function `I_x(a, b)` for `0 ≤ x ≤ 1`, `a, b > 0`.
fn regularized_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(1.0 - x, b, a) / b
    }
}

/// `beta_cdf(x, alpha, beta)`.
pub(crate) fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    let shape_ok = |s: f64| s > 0.0 && s <= 10_000.0;
    if !(0.0..=1.0).contains(&x) || !shape_ok(a) || !shape_ok(b) {
        return f64::NAN;
    }
    regularized_beta(x, a, b)
}

/// `beta_pdf(x, alpha, beta)`: `x^(a-1) (1-x)^(b-1) / B(a, b)`.
pub(crate) fn beta_pdf(x: f64, a: f64, b: f64) -> f64 {
    if !(x > 0.0 && x < 1.0 && a > 0.0 && b > 0.0) {
        return f64::NAN;
    }
    ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_beta(a, b)).exp()
}

/// `beta_inv(p, alpha, beta)`: the `x` with `beta_cdf(x, alpha, beta) = p`, by bisection
/// (the CDF increases on [0, 1]; 64 halvings reach the resolution of a `real`).
pub(crate) fn beta_inv(p: f64, a: f64, b: f64) -> Option<f64> {
    if p.is_nan() || p <= 0.0 || p > 1.0 {
        return None;
    }
    if !(a > 0.0 && b > 0.0) {
        return Some(f64::NAN);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if regularized_beta(mid, a, b) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Three numeric arguments, a `real` result.
fn check_three(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    for (i, a) in args.iter().enumerate() {
        if !is_numeric(a.ty) {
            return Err(ArgError::Type {
                index: i,
                expected: "a number",
                found: a.ty,
            });
        }
    }
    Ok(ScalarType::Real)
}

/// `f` over three `real` columns; null in any gives null.
fn ternary(args: &[ArrayRef], f: fn(f64, f64, f64) -> Option<f64>) -> Result<ArrayRef> {
    let cols = [
        downcast::<Float64Array>(arg(args, 0)?.as_ref())?,
        downcast::<Float64Array>(arg(args, 1)?.as_ref())?,
        downcast::<Float64Array>(arg(args, 2)?.as_ref())?,
    ];
    let out: Float64Array = (0..cols[0].len())
        .map(|i| {
            f(
                value_at(cols[0], i)?,
                value_at(cols[1], i)?,
                value_at(cols[2], i)?,
            )
        })
        .collect();
    Ok(Arc::new(out))
}

fn reals(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ScalarType::Real))
        .collect()
}

macro_rules! beta_function {
    ($name:literal, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_three,
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Float64,
                    true,
                    |a, _| ternary(a, $f),
                    reals(exprs, args),
                ))
            },
        }
    };
}

/// The beta distribution functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    beta_function!("beta_cdf", |x, a, b| Some(beta_cdf(x, a, b))),
    beta_function!("beta_pdf", |x, a, b| Some(beta_pdf(x, a, b))),
    beta_function!("beta_inv", beta_inv),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{TArg, call};
    use arrow::array::Array;
    use arrow::array::AsArray;
    use arrow::datatypes::Float64Type;
    use datafusion::scalar::ScalarValue;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "{got} vs {want}");
    }

    #[test]
    fn cdf_matches_the_documented_values() {
        // beta-cdf-function.md: 0.999999999999959, then NaN for x > 1, x < 0, alpha < 0.
        close(beta_cdf(0.9, 10.0, 20.0), 0.999999999999959, 1e-15);
        assert!(beta_cdf(1.5, 10.0, 20.0).is_nan());
        assert!(beta_cdf(-10.0, 10.0, 20.0).is_nan());
        assert!(beta_cdf(0.1, -1.0, 20.0).is_nan());
        // Shapes above 10000 are outside the documented domain.
        assert!(beta_cdf(0.5, 10_001.0, 2.0).is_nan());
        // Closed forms: I_x(1, 1) = x, I_x(2, 1) = x², and the edges.
        close(beta_cdf(0.3, 1.0, 1.0), 0.3, 1e-15);
        close(beta_cdf(0.3, 2.0, 1.0), 0.09, 1e-15);
        assert_eq!(beta_cdf(0.0, 2.0, 3.0), 0.0);
        assert_eq!(beta_cdf(1.0, 2.0, 3.0), 1.0);
    }

    #[test]
    fn pdf_matches_the_documented_values() {
        // beta-pdf-function.md: 0.746176019310951, NaN outside (0, 1) or for alpha < 0.
        close(beta_pdf(0.5, 10.0, 20.0), 0.746176019310951, 1e-13);
        assert!(beta_pdf(1.5, 10.0, 20.0).is_nan());
        assert!(beta_pdf(-10.0, 10.0, 20.0).is_nan());
        assert!(beta_pdf(0.1, -1.0, 20.0).is_nan());
        assert!(beta_pdf(0.0, 2.0, 2.0).is_nan());
        // Beta(2, 2) has density 6x(1 - x).
        close(beta_pdf(0.25, 2.0, 2.0), 6.0 * 0.25 * 0.75, 1e-14);
    }

    #[test]
    fn inv_matches_the_documented_values() {
        // beta-inv-function.md: 0.226415022388749; p = 1.5 is null; alpha = -1 is NaN.
        close(
            beta_inv(0.1, 10.0, 20.0).unwrap_or(f64::NAN),
            0.226415022388749,
            1e-14,
        );
        assert_eq!(beta_inv(1.5, 10.0, 20.0), None);
        assert!(beta_inv(0.1, -1.0, 20.0).is_some_and(f64::is_nan));
        // The inverse of the CDF: I_x(2, 1) = x² = 0.25 at x = 0.5.
        close(beta_inv(0.25, 2.0, 1.0).unwrap_or(f64::NAN), 0.5, 1e-15);
    }

    #[test]
    fn through_the_registry_with_integers_and_nulls() {
        let (ty, out) = call(
            "beta_pdf",
            vec![
                TArg::Lit(ScalarType::Real, ScalarValue::Float64(Some(0.25))),
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                TArg::Lit(ScalarType::Int, ScalarValue::Int32(Some(2))),
            ],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::Real);
        close(out.as_primitive::<Float64Type>().value(0), 1.125, 1e-14);
        let (_, out) = call(
            "beta_cdf",
            vec![
                TArg::Lit(ScalarType::Real, ScalarValue::Float64(None)),
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
            ],
        )
        .unwrap();
        assert!(out.is_null(0));
        // A string argument is a type error.
        assert!(
            call(
                "beta_inv",
                vec![
                    TArg::Lit(ScalarType::String, ScalarValue::from("0.1")),
                    TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                    TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                ],
            )
            .is_err()
        );
    }
}
