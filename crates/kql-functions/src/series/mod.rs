//! Series functions on `dynamic` arrays of numbers: element-wise arithmetic and
//! comparisons ([`elementwise`]), whole-series statistics ([`stats`]) and filling missing
//! values ([`fill`]). Every argument is lowered to `dynamic` (numbers as JSON numbers).
//!
//! Analysis functions: line fits and summary statistics ([`fit`]), two-line and
//! polynomial fits ([`regression`]), seasonal decomposition, forecasting and anomaly
//! scoring ([`decompose`]), period detection ([`periods`]), FIR and IIR filters
//! ([`filter`]) and the Fourier transform ([`fft`]). Several of them return a tuple of
//! values; their members are listed by [`tuple_members`].

mod decompose;
mod elementwise;
mod fft;
mod fill;
mod filter;
mod fit;
mod periods;
mod regression;
mod stats;

use crate::dynamic::{all_dynamic_args, to_dynamic, to_real};
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, expect_count, expect_type,
};
use crate::udf::call_kernel;
use arrow::datatypes::DataType;
use elementwise::{Binary, Unary};
use kql_syntax::ScalarType;

const DYN: &[ScalarType] = &[ScalarType::Dynamic];

/// A series first; `min..=max` arguments.
fn check(args: &[Arg], min: usize, max: usize, result: ScalarType) -> CheckResult {
    let expected = match (min, max) {
        (1, 1) => "1",
        (1, 2) => "1 or 2",
        (2, 2) => "2",
        _ => "2 or 3",
    };
    expect_count(args, min, max, expected)?;
    expect_type(args, 0, DYN, "dynamic")?;
    Ok(result)
}

/// Two series, or a series and a number.
fn check_binary(args: &[Arg]) -> CheckResult {
    check(args, 2, 2, ScalarType::Dynamic)?;
    let second = args.get(1).map_or(ScalarType::Dynamic, |a| a.ty);
    if second == ScalarType::Dynamic || crate::registry::is_numeric(second) {
        Ok(ScalarType::Dynamic)
    } else {
        Err(ArgError::Type {
            index: 1,
            expected: "a dynamic array or a number",
            found: second,
        })
    }
}

macro_rules! series {
    ($name:literal, $aliases:expr, $check:expr, $ret:expr, $kernel:expr) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: $check,
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    $ret,
                    true,
                    $kernel,
                    all_dynamic_args(exprs, args),
                ))
            },
        }
    };
}

macro_rules! unary {
    ($name:literal, $op:expr) => {
        series!(
            $name,
            &[],
            |a| check(a, 1, 1, ScalarType::Dynamic),
            DataType::Utf8,
            |a, r| to_dynamic(a, r, |v| elementwise::unary(v, $op))
        )
    };
}

macro_rules! binary {
    ($name:literal, $op:expr) => {
        series!($name, &[], check_binary, DataType::Utf8, |a, r| to_dynamic(
            a,
            r,
            |v| elementwise::binary(v, $op)
        ))
    };
}

macro_rules! statistic {
    ($name:literal, $aliases:expr, $n:expr, $f:expr) => {
        series!(
            $name,
            $aliases,
            |a| check(a, $n, $n, ScalarType::Real),
            DataType::Float64,
            |a, r| to_real(a, r, $f)
        )
    };
}

use ScalarType::{Dynamic as D, Long as L, Real as R};

/// The members of each function that returns several values, in order: `extend (a, b) =
/// f(x)` names them, an unnamed `f(x)` gives columns `f_x_member` (Kusto.Language's
/// MakePrefixedTuple), and the function's value in any other position is its first member.
static TUPLES: &[(&str, &[(&str, ScalarType)])] = &[
    (
        "series_fit_line",
        &[
            ("rsquare", R),
            ("slope", R),
            ("variance", R),
            ("rvariance", R),
            ("interception", R),
            ("line_fit", D),
        ],
    ),
    (
        "series_stats",
        &[
            ("min", R),
            ("min_idx", L),
            ("max", R),
            ("max_idx", L),
            ("avg", R),
            ("stdev", R),
            ("variance", R),
        ],
    ),
    (
        "series_decompose",
        &[
            ("baseline", D),
            ("seasonal", D),
            ("trend", D),
            ("residual", D),
        ],
    ),
    (
        "series_decompose_anomalies",
        &[("ad_flag", D), ("ad_score", D), ("baseline", D)],
    ),
    (
        "series_decompose_forecast",
        &[
            ("baseline", D),
            ("seasonal", D),
            ("trend", D),
            ("residual", D),
        ],
    ),
    (
        "series_fit_2lines",
        &[
            ("rsquare", R),
            ("split_idx", L),
            ("variance", R),
            ("rvariance", R),
            ("line_fit", D),
            ("right_rsquare", R),
            ("right_slope", R),
            ("right_interception", R),
            ("right_variance", R),
            ("right_rvariance", R),
            ("left_rsquare", R),
            ("left_slope", R),
            ("left_interception", R),
            ("left_variance", R),
            ("left_rvariance", R),
        ],
    ),
    (
        "series_fit_poly",
        &[
            ("rsquare", R),
            ("coefficients", D),
            ("variance", R),
            ("rvariance", R),
            ("poly_fit", D),
        ],
    ),
    ("series_periods_detect", &[("periods", D), ("scores", D)]),
    ("series_periods_validate", &[("periods", D), ("scores", D)]),
    ("series_fft", &[("real", D), ("imag", D)]),
    ("series_ifft", &[("real", D), ("imag", D)]),
];

/// The members of a tuple-valued function (by canonical name), or `None` for a function
/// with one value.
pub fn tuple_members(name: &str) -> Option<&'static [(&'static str, ScalarType)]> {
    TUPLES.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// A series and further arguments of the given kinds (`n` = number, `s` = string, `b` =
/// bool, `d` = dynamic, `a` = any scalar; `dynamic` is accepted for every kind), of which
/// the first `required` (the series included) must be given; the result is `dynamic`.
fn check_series_args(args: &[Arg], required: usize, kinds: &'static str) -> CheckResult {
    expect_count(
        args,
        required,
        kinds.len() + 1,
        "a series and the function's parameters",
    )?;
    expect_type(args, 0, DYN, "dynamic")?;
    for (i, k) in kinds.chars().enumerate() {
        let Some(a) = args.get(i + 1) else { break };
        let ok = match k {
            'n' => crate::registry::is_numeric(a.ty),
            's' => a.ty == ScalarType::String,
            'd' => false,
            'a' => true,
            _ => a.ty == ScalarType::Bool,
        } || a.ty == ScalarType::Dynamic;
        if !ok {
            return Err(ArgError::Type {
                index: i + 1,
                expected: match k {
                    'n' => "a number",
                    's' => "a string",
                    'd' => "dynamic",
                    _ => "a bool",
                },
                found: a.ty,
            });
        }
    }
    Ok(ScalarType::Dynamic)
}

macro_rules! analysis {
    ($name:literal, $kinds:literal, $kernel:expr) => {
        analysis!($name, 1, $kinds, $kernel)
    };
    ($name:literal, $required:literal, $kinds:literal, $kernel:expr) => {
        series!(
            $name,
            &[],
            |a| check_series_args(a, $required, $kinds),
            DataType::Utf8,
            |a, r| to_dynamic(a, r, $kernel)
        )
    };
}

/// The series functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    unary!("series_abs", Unary::Abs),
    unary!("series_sign", Unary::Sign),
    unary!("series_floor", Unary::Floor),
    unary!("series_ceiling", Unary::Ceiling),
    unary!("series_exp", Unary::Real(f64::exp)),
    unary!("series_log", Unary::Real(f64::ln)),
    unary!("series_sin", Unary::Real(f64::sin)),
    unary!("series_cos", Unary::Real(f64::cos)),
    unary!("series_tan", Unary::Real(f64::tan)),
    unary!("series_asin", Unary::Real(f64::asin)),
    unary!("series_acos", Unary::Real(f64::acos)),
    unary!("series_atan", Unary::Real(f64::atan)),
    binary!("series_add", Binary::Add),
    binary!("series_subtract", Binary::Subtract),
    binary!("series_multiply", Binary::Multiply),
    binary!("series_divide", Binary::Divide),
    binary!("series_pow", Binary::Pow),
    binary!("series_greater", Binary::Compare(|a, b| a > b)),
    binary!("series_greater_equals", Binary::Compare(|a, b| a >= b)),
    binary!("series_less", Binary::Compare(|a, b| a < b)),
    binary!("series_less_equals", Binary::Compare(|a, b| a <= b)),
    binary!("series_equals", Binary::Compare(|a, b| a == b)),
    binary!("series_not_equals", Binary::Compare(|a, b| a != b)),
    statistic!("series_sum", &["array_sum"], 1, stats::sum),
    statistic!("series_product", &[], 1, stats::product),
    statistic!("series_magnitude", &[], 1, stats::magnitude),
    statistic!("series_dot_product", &[], 2, stats::dot_product),
    statistic!("series_cosine_similarity", &[], 2, stats::cosine_similarity),
    statistic!("series_pearson_correlation", &[], 2, stats::pearson),
    series!(
        "series_fill_const",
        &[],
        |a| check(a, 2, 3, ScalarType::Dynamic),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, fill::fill_const)
    ),
    series!(
        "series_fill_forward",
        &[],
        |a| check(a, 1, 2, ScalarType::Dynamic),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| fill::fill_direction(v, false))
    ),
    series!(
        "series_fill_backward",
        &[],
        |a| check(a, 1, 2, ScalarType::Dynamic),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| fill::fill_direction(v, true))
    ),
    analysis!("series_fit_line", "", fit::fit_line),
    analysis!("series_fit_line_dynamic", "", fit::fit_line),
    analysis!("series_stats", "b", fit::stats),
    analysis!("series_stats_dynamic", "b", fit::stats),
    analysis!("series_seasonal", "n", decompose::seasonal_component),
    analysis!("series_outliers", "snnn", decompose::outliers),
    analysis!("series_decompose", "nsnn", decompose::decompose),
    analysis!(
        "series_decompose_anomalies",
        "nnsnsn",
        decompose::decompose_anomalies
    ),
    analysis!("series_decompose_forecast", 2, "nnsn", decompose::forecast),
    analysis!("series_fill_linear", "abn", fill::fill_linear),
    analysis!("series_fit_2lines", "", regression::fit_2lines),
    analysis!(
        "series_fit_2lines_dynamic",
        "",
        regression::fit_2lines_dynamic
    ),
    analysis!("series_fit_poly", "dn", regression::fit_poly),
    analysis!("series_periods_detect", 4, "nnn", periods::detect),
    analysis!(
        "series_periods_validate",
        2,
        "nnnnnnnnnnnnnnnn",
        periods::validate
    ),
    analysis!("series_fir", 2, "dbb", filter::fir),
    analysis!("series_iir", 3, "dd", filter::iir),
    analysis!("series_fft", "d", fft::fft),
    analysis!("series_ifft", "d", fft::ifft),
];

#[cfg(test)]
mod tests {
    use crate::test_util::{TArg, call};
    use arrow::array::AsArray;
    use arrow::datatypes::Float64Type;
    use datafusion::scalar::ScalarValue;
    use kql_syntax::ScalarType as T;

    fn dynamic(text: &str) -> TArg {
        TArg::Lit(T::Dynamic, ScalarValue::from(text))
    }

    #[test]
    fn series_through_the_registry() {
        // DOCS series-subtract-function.md, with a number as the second argument too.
        let (ty, out) = call(
            "series_subtract",
            vec![dynamic("[1,2,4]"), dynamic("[4,2,1]")],
        )
        .unwrap();
        assert_eq!(ty, T::Dynamic);
        assert_eq!(out.as_string::<i32>().value(0), "[-3,0,3]");
        let (_, out) = call(
            "series_multiply",
            vec![
                dynamic("[1,2]"),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(3))),
            ],
        )
        .unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "[3,6]");
        // DOCS array-sum-function.md through the obsolete name array_sum, and
        // series-sum-function.md.
        for name in ["array_sum", "series_sum"] {
            let (ty, out) = call(name, vec![dynamic("[1,2,3,4]")]).unwrap();
            assert_eq!(ty, T::Real);
            assert_eq!(out.as_primitive::<Float64Type>().value(0), 10.0);
        }
        // DOCS series-fill-const-function.md: the constant is a number made dynamic.
        let (_, out) = call(
            "series_fill_const",
            vec![
                dynamic("[1,null]"),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(-1))),
            ],
        )
        .unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "[1,-1]");
        assert!(
            call(
                "series_add",
                vec![dynamic("[1]"), TArg::Lit(T::String, ScalarValue::from("x"))]
            )
            .is_err()
        );
    }

    #[test]
    fn analysis_functions_check_their_arguments() {
        let series = || dynamic("[1,2,3,4,5,6,7,8]");
        let long = |v| TArg::Lit(T::Long, ScalarValue::Int64(Some(v)));
        // Required arguments: iir needs both coefficient arrays, periods_detect its three
        // parameters, periods_validate at least one period.
        assert!(call("series_iir", vec![series(), dynamic("[1]")]).is_err());
        assert!(call("series_periods_detect", vec![series(), long(4), long(8)]).is_err());
        assert!(call("series_periods_validate", vec![series()]).is_err());
        // x_series of series_fit_poly must be dynamic.
        assert!(
            call(
                "series_fit_poly",
                vec![series(), TArg::Lit(T::String, ScalarValue::from("x"))]
            )
            .is_err()
        );
        // DOCS series-fill-linear-function.md: `double(null)` as the placeholder.
        let (ty, out) = call(
            "series_fill_linear",
            vec![
                dynamic("[1,null,3]"),
                TArg::Lit(T::Real, ScalarValue::Float64(None)),
                TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false))),
            ],
        )
        .unwrap();
        assert_eq!(ty, T::Dynamic);
        assert_eq!(out.as_string::<i32>().value(0), "[1,2,3]");
        // DOCS series-iir-function.md through the registry.
        let (_, out) = call(
            "series_iir",
            vec![dynamic("[0,1,2,3,4]"), dynamic("[1]"), dynamic("[1,-1]")],
        )
        .unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "[0.0,1.0,3.0,6.0,10.0]");
    }

    #[test]
    fn tuple_members_follow_kusto() {
        // Kusto.Language's member lists, in order.
        let names = |f| {
            super::tuple_members(f)
                .unwrap_or_default()
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("series_fit_2lines").len(), 15);
        assert_eq!(
            names("series_fit_2lines")[..5],
            ["rsquare", "split_idx", "variance", "rvariance", "line_fit"]
        );
        assert_eq!(
            names("series_fit_poly"),
            [
                "rsquare",
                "coefficients",
                "variance",
                "rvariance",
                "poly_fit"
            ]
        );
        assert_eq!(names("series_periods_validate"), ["periods", "scores"]);
        assert_eq!(names("series_fft"), ["real", "imag"]);
        assert_eq!(names("series_decompose_forecast")[0], "baseline");
        // The _dynamic forms return one bag.
        assert!(super::tuple_members("series_fit_2lines_dynamic").is_none());
    }
}
