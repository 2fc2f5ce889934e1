//! Conditionals and null tests: `iff`/`iif`, `case`, `coalesce`, `not`, `isnull`,
//! `isnotnull`, `isempty`, `isnotempty`.
//!
//! These lower to DataFusion's own `CASE`, `NOT` and `IS NULL`, which already follow KQL's
//! null rules once KQL's two special cases are applied:
//! * a `string` is never null, so `isnull(s)` is false and `isempty(s)` tests for `""`
//!   (DOCS `isnull-function.md`: `isnull("")` is false);
//! * `coalesce` skips empty strings as well as nulls (DOCS `coalesce-function.md`: "the first
//!   *arg* whose value isn't null (or not-empty for string expressions)").
//!
//! A null `iff`/`case` condition selects the else branch (KQL leaves this undocumented; the
//! predicates produced by comparisons and string operators on real data are rarely null).

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, common_type,
    expect_count, expect_type,
};
use crate::udf::{arg, call_kernel};
use arrow::array::{ArrayRef, BooleanArray};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Case, Expr, lit};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType;
use std::ops::Not;
use std::sync::Arc;

/// The common type of the value arguments at `indexes`, or an error at the first that
/// does not fit.
fn values_type(args: &[Arg], indexes: impl Iterator<Item = usize>) -> CheckResult {
    let mut common: Option<ScalarType> = None;
    for i in indexes {
        let ty = arg_type(args, i);
        common = match common {
            None => Some(ty),
            // A dynamic branch makes the result dynamic: the other values are stored as
            // dynamic (`iff(c, d.value, "")`, common in Sentinel queries).
            Some(c) if c == ScalarType::Dynamic || ty == ScalarType::Dynamic => {
                Some(ScalarType::Dynamic)
            }
            Some(c) => Some(common_type(c, ty).ok_or(ArgError::Type {
                index: i,
                expected: "the same type as the other result values",
                found: ty,
            })?),
        };
    }
    common.ok_or(ArgError::Count {
        expected: "at least 1",
        found: 0,
    })
}

fn check_iff(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    expect_type(args, 0, &[ScalarType::Bool], "bool")?;
    values_type(args, 1..3)
}

fn lower_iff(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let [cond, then, other] = <[Expr; 3]>::try_from(exprs)
        .map_err(|_| DataFusionError::Plan("iff expects 3 arguments".into()))?;
    let ty = values_type(args, 1..3).unwrap_or(ScalarType::String);
    Ok(case_expr(
        vec![(cond, to_result(then, arg_type(args, 1), ty))],
        to_result(other, arg_type(args, 2), ty),
    ))
}

/// A result value converted to the result type (numeric widening, or into `dynamic`).
fn to_result(e: Expr, from: ScalarType, to: ScalarType) -> Expr {
    if to == ScalarType::Dynamic {
        crate::dynamic::to_dynamic_expr(e, from)
    } else {
        cast_to(e, from, to)
    }
}

/// `CASE WHEN w1 THEN t1 ... ELSE otherwise END`.
fn case_expr(branches: Vec<(Expr, Expr)>, otherwise: Expr) -> Expr {
    Expr::Case(Case::new(
        None,
        branches
            .into_iter()
            .map(|(w, t)| (Box::new(w), Box::new(t)))
            .collect(),
        Some(Box::new(otherwise)),
    ))
}

/// `case(p1, v1, ..., pn, vn, else)`: predicates at even positions, values at odd ones,
/// and the final else value.
fn check_case(args: &[Arg]) -> CheckResult {
    if args.len() < 3 || args.len().is_multiple_of(2) {
        return Err(ArgError::Count {
            expected: "an odd number, at least 3",
            found: args.len(),
        });
    }
    for i in (0..args.len() - 1).step_by(2) {
        expect_type(args, i, &[ScalarType::Bool], "bool")?;
    }
    values_type(args, case_values(args.len()))
}

fn case_values(n: usize) -> impl Iterator<Item = usize> {
    (1..n)
        .step_by(2)
        .chain(std::iter::once(n.saturating_sub(1)))
}

fn lower_case(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = values_type(args, case_values(args.len())).unwrap_or(ScalarType::String);
    let mut exprs: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            if i % 2 == 1 || i + 1 == args.len() {
                to_result(e, arg_type(args, i), ty)
            } else {
                e
            }
        })
        .collect();
    let otherwise = exprs
        .pop()
        .ok_or_else(|| DataFusionError::Plan("case expects arguments".into()))?;
    let mut branches = Vec::new();
    let mut it = exprs.into_iter();
    while let (Some(w), Some(t)) = (it.next(), it.next()) {
        branches.push((w, t));
    }
    Ok(case_expr(branches, otherwise))
}

fn check_coalesce(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 64, "2 to 64")?;
    values_type(args, 0..args.len())
}

fn lower_coalesce(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = values_type(args, 0..exprs.len()).unwrap_or(ScalarType::String);
    let exprs: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ty))
        .collect();
    // The first non-null value; for strings, the first non-empty one, else "".
    // (Built as CASE: DataFusion's own `coalesce` only runs after its simplifier rewrote it.)
    let string = ty == ScalarType::String;
    let branches = exprs
        .into_iter()
        .map(|e| {
            let present = if string {
                e.clone().is_not_null().and(e.clone().not_eq(lit("")))
            } else {
                e.clone().is_not_null()
            };
            (present, e)
        })
        .collect();
    let otherwise = if string {
        lit("")
    } else {
        lit(ScalarValue::try_from(&table_schemas::arrow_type(ty))?)
    };
    Ok(case_expr(branches, otherwise))
}

fn check_not(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    expect_type(args, 0, &[ScalarType::Bool], "bool")?;
    Ok(ScalarType::Bool)
}

fn check_any_to_bool(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(ScalarType::Bool)
}

fn single(exprs: Vec<Expr>) -> Result<Expr> {
    let [e] = <[Expr; 1]>::try_from(exprs)
        .map_err(|_| DataFusionError::Plan("expected 1 argument".into()))?;
    Ok(e)
}

/// `isnull(x)`; see [`is_null_expr`].
fn lower_isnull(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    Ok(is_null_expr(single(exprs)?, arg_type(args, 0)))
}

fn lower_isnotnull(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    Ok(is_null_expr(single(exprs)?, arg_type(args, 0)).not())
}

/// `isnull`: never true for a string; true for a `dynamic` null (SQL NULL or JSON `null`).
pub(crate) fn is_null_expr(e: Expr, ty: ScalarType) -> Expr {
    match ty {
        ScalarType::String => lit(false),
        ScalarType::Dynamic => call_kernel(
            "isnull",
            "dynamic",
            DataType::Boolean,
            false,
            dynamic_isnull,
            vec![e],
        ),
        _ => e.is_null(),
    }
}

/// `isempty`: null, or the empty string (for `dynamic`: null, JSON `null` or `""`).
pub(crate) fn is_empty_expr(e: Expr, ty: ScalarType) -> Expr {
    match ty {
        ScalarType::String | ScalarType::Guid => e.clone().is_null().or(e.eq(lit(""))),
        ScalarType::Dynamic => call_kernel(
            "isempty",
            "dynamic",
            DataType::Boolean,
            false,
            dynamic_isempty,
            vec![e],
        ),
        _ => e.is_null(),
    }
}

fn lower_isempty(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    Ok(is_empty_expr(single(exprs)?, arg_type(args, 0)))
}

fn lower_isnotempty(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    Ok(is_empty_expr(single(exprs)?, arg_type(args, 0)).not())
}

fn dynamic_test(args: &[ArrayRef], empty_string_too: bool) -> Result<ArrayRef> {
    let a = arg(args, 0)?;
    let strings = crate::strings::Strings::try_new(a.as_ref())
        .ok_or_else(|| DataFusionError::Internal("dynamic is not a string array".into()))?;
    let out: BooleanArray = (0..strings.len())
        .map(|i| {
            Some(match strings.get_opt(i).map(str::trim) {
                None | Some("null") => true,
                Some("\"\"") => empty_string_too,
                Some(_) => false,
            })
        })
        .collect();
    Ok(Arc::new(out))
}

fn dynamic_isnull(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    dynamic_test(args, false)
}

fn dynamic_isempty(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    dynamic_test(args, true)
}

/// The conditional and null-test functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "iff",
        aliases: &["iif"],
        kind: FunctionKind::Scalar,
        check: check_iff,
        lower: lower_iff,
    },
    Function {
        name: "case",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_case,
        lower: lower_case,
    },
    Function {
        name: "coalesce",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_coalesce,
        lower: lower_coalesce,
    },
    Function {
        name: "not",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_not,
        lower: |exprs, _| Ok(single(exprs)?.not()),
    },
    Function {
        name: "isnull",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_any_to_bool,
        lower: lower_isnull,
    },
    Function {
        name: "isnotnull",
        aliases: &["notnull"],
        kind: FunctionKind::Scalar,
        check: check_any_to_bool,
        lower: lower_isnotnull,
    },
    Function {
        name: "isempty",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_any_to_bool,
        lower: lower_isempty,
    },
    Function {
        name: "isnotempty",
        aliases: &["notempty"],
        kind: FunctionKind::Scalar,
        check: check_any_to_bool,
        lower: lower_isnotempty,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{TArg, call};
    use arrow::array::{Array, AsArray, Int32Array, Int64Array, StringArray};
    use arrow::datatypes::Int64Type;
    use datafusion::scalar::ScalarValue;

    fn bools(out: &ArrayRef) -> Vec<Option<bool>> {
        out.as_boolean().iter().collect()
    }

    #[test]
    fn iff_widens_int_and_long_to_long() {
        // The reference query: toint(0) + iif(IsInteractiveShell, 30, 0) + ... is long.
        let cond = Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])) as ArrayRef;
        let (ty, out) = call(
            "iif",
            vec![
                TArg::Col(ScalarType::Bool, cond),
                TArg::Lit(ScalarType::Int, ScalarValue::Int32(Some(30))),
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(0))),
            ],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::Long);
        // A null condition takes the else branch.
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            [Some(30), Some(0), Some(0)]
        );
        // Branches of unrelated types are rejected at the offending argument.
        let err = check_iff(&[
            Arg::of(ScalarType::Bool),
            Arg::of(ScalarType::String),
            Arg::of(ScalarType::Long),
        ]);
        assert!(
            matches!(err, Err(ArgError::Type { index: 2, .. })),
            "{err:?}"
        );
        assert!(check_iff(&vec![Arg::of(ScalarType::Long); 3]).is_err());
    }

    #[test]
    fn case_takes_the_first_true_predicate() {
        // DOCS case-function.md: Size 1..15 step 2 → Small, Small, Medium x3, Large x3.
        let size: ArrayRef = Arc::new(Int64Array::from(vec![1, 3, 5, 7, 9, 11, 13, 15]));
        let small = crate::test_util::eval(
            &datafusion::logical_expr::col("c0").lt_eq(lit(3i64)),
            &[Arc::clone(&size)],
            0,
        )
        .unwrap();
        let medium = crate::test_util::eval(
            &datafusion::logical_expr::col("c0").lt_eq(lit(10i64)),
            &[size],
            0,
        )
        .unwrap();
        let (ty, out) = call(
            "case",
            vec![
                TArg::Col(ScalarType::Bool, small),
                TArg::Lit(ScalarType::String, ScalarValue::from("Small")),
                TArg::Col(ScalarType::Bool, medium),
                TArg::Lit(ScalarType::String, ScalarValue::from("Medium")),
                TArg::Lit(ScalarType::String, ScalarValue::from("Large")),
            ],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::String);
        let got: Vec<_> = out.as_string::<i32>().iter().flatten().collect();
        assert_eq!(
            got,
            [
                "Small", "Small", "Medium", "Medium", "Medium", "Large", "Large", "Large"
            ]
        );
        assert!(check_case(&[Arg::of(ScalarType::Bool), Arg::of(ScalarType::Long)]).is_err());
        assert!(
            check_case(&[
                Arg::of(ScalarType::Long),
                Arg::of(ScalarType::Long),
                Arg::of(ScalarType::Long)
            ])
            .is_err()
        );
    }

    #[test]
    fn coalesce_skips_nulls_and_empty_strings() {
        // DOCS coalesce-function.md: coalesce(tolong("not a number"), tolong("42"), 33) → 42.
        let (ty, out) = call(
            "coalesce",
            vec![
                TArg::Col(
                    ScalarType::Long,
                    Arc::new(Int64Array::from(vec![None, Some(1)])),
                ),
                TArg::Col(
                    ScalarType::Long,
                    Arc::new(Int64Array::from(vec![Some(42), None])),
                ),
                TArg::Lit(ScalarType::Int, ScalarValue::Int32(Some(33))),
            ],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::Long);
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            [Some(42), Some(1)]
        );
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some(""), None, Some("x"), Some("")]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![
            Some("b"),
            Some("b"),
            Some("y"),
            None,
        ]));
        let (_, out) = call(
            "coalesce",
            vec![
                TArg::Col(ScalarType::String, a),
                TArg::Col(ScalarType::String, b),
            ],
        )
        .unwrap();
        let s = out.as_string::<i32>();
        assert_eq!(s.null_count(), 0);
        assert_eq!(s.iter().flatten().collect::<Vec<_>>(), ["b", "b", "x", ""]);
    }

    #[test]
    fn null_and_empty_tests_follow_kql_string_rules() {
        let s: ArrayRef = Arc::new(StringArray::from(vec![Some(""), Some("x"), None]));
        let run = |name: &str, ty: ScalarType, a: &ArrayRef| {
            bools(&call(name, vec![TArg::Col(ty, Arc::clone(a))]).unwrap().1)
        };
        // DOCS isnull-function.md / isempty-function.md tables.
        assert_eq!(run("isnull", ScalarType::String, &s), [Some(false); 3]);
        assert_eq!(run("isnotnull", ScalarType::String, &s), [Some(true); 3]);
        assert_eq!(
            run("isempty", ScalarType::String, &s),
            [Some(true), Some(false), Some(true)]
        );
        assert_eq!(
            run("isnotempty", ScalarType::String, &s),
            [Some(false), Some(true), Some(false)]
        );
        // dynamic: parse_json("") is null; [] and {} are neither null nor empty.
        let d: ArrayRef = Arc::new(StringArray::from(vec![
            None,
            Some("null"),
            Some("[]"),
            Some("{}"),
            Some("\"\""),
        ]));
        assert_eq!(
            run("isnull", ScalarType::Dynamic, &d),
            [
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                Some(false)
            ]
        );
        assert_eq!(
            run("isempty", ScalarType::Dynamic, &d),
            [Some(true), Some(true), Some(false), Some(false), Some(true)]
        );
        let n: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), None]));
        assert_eq!(
            run("isnull", ScalarType::Int, &n),
            [Some(false), Some(true)]
        );
        assert_eq!(
            run("isnotempty", ScalarType::Int, &n),
            [Some(true), Some(false)]
        );
    }

    #[test]
    fn not_keeps_null() {
        // DOCS null-values.md: not(null) is null.
        let b: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]));
        let (_, out) = call("not", vec![TArg::Col(ScalarType::Bool, b)]).unwrap();
        assert_eq!(bools(&out), [Some(false), Some(true), None]);
        assert!(check_not(&[Arg::of(ScalarType::String)]).is_err());
    }
}
