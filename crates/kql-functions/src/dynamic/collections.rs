//! The registry entries of the array, set and bag functions of [`super::arrays`],
//! [`super::sets`] and [`super::bags`].
//!
//! Every argument is lowered to `dynamic` (numbers and booleans become JSON values), so
//! each kernel sees one row as a slice of JSON values.

use super::json::{canonical_json, dynamic_array, json_to_text, parse_dynamic};
use super::{arrays, bags, range, sets, to_dynamic_expr};
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, expect_count, expect_type,
};
use crate::strings::build_strings;
use crate::strings::{Strings, string_arg};
use crate::udf::call_kernel;
use arrow::array::{ArrayRef, BooleanArray, Float64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use serde_json::Value as Json;
use std::sync::Arc;

/// The JSON values of every argument, row by row (SQL NULL is JSON `null`).
fn for_each_row(args: &[ArrayRef], rows: usize, mut f: impl FnMut(&[Json])) -> Result<()> {
    let columns = (0..args.len())
        .map(|i| string_arg(args, i))
        .collect::<Result<Vec<Strings<'_>>>>()?;
    let mut values = Vec::with_capacity(columns.len());
    for row in 0..rows {
        values.clear();
        values.extend(
            columns
                .iter()
                .map(|c| c.get_opt(row).map_or(Json::Null, parse_dynamic)),
        );
        f(&values);
    }
    Ok(())
}

/// A `dynamic` column of `f` applied to each row.
pub(crate) fn to_dynamic(
    args: &[ArrayRef],
    rows: usize,
    f: fn(&[Json]) -> Option<Json>,
) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_row(args, rows, |v| out.push(f(v)))?;
    Ok(dynamic_array(out))
}

/// A `real` column of `f` applied to each row.
pub(crate) fn to_real(
    args: &[ArrayRef],
    rows: usize,
    f: fn(&[Json]) -> Option<f64>,
) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_row(args, rows, |v| out.push(f(v)))?;
    Ok(Arc::new(Float64Array::from(out)))
}

fn to_bool(args: &[ArrayRef], rows: usize, f: fn(&[Json]) -> Option<bool>) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_row(args, rows, |v| out.push(f(v)))?;
    Ok(Arc::new(BooleanArray::from(out)))
}

/// `dynamic_to_json(value)`: arrays and bags as canonical JSON, other values as
/// `tostring` gives them; `""` for null.
fn dynamic_to_json(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(text) = s.get_opt(i) {
            match parse_dynamic(text) {
                j @ (Json::Array(_) | Json::Object(_)) => out.push_str(&canonical_json(&j)),
                other => out.push_str(&json_to_text(&other)),
            }
        }
    }))
}

/// Every argument as `dynamic`.
pub(crate) fn all_dynamic(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| to_dynamic_expr(e, arg_type(args, i)))
        .collect()
}

const DYN: &[ScalarType] = &[ScalarType::Dynamic];
const INTEGER: &[ScalarType] = &[ScalarType::Int, ScalarType::Long];

/// `min..=max` arguments; those at `dynamic_at` must be `dynamic`, those at `integer_at`
/// integers.
fn check(
    args: &[Arg],
    (min, max, expected): (usize, usize, &'static str),
    dynamic_at: &[usize],
    integer_at: &[usize],
    result: ScalarType,
) -> CheckResult {
    expect_count(args, min, max, expected)?;
    for &i in dynamic_at {
        expect_type(args, i, DYN, "dynamic")?;
    }
    for &i in integer_at {
        expect_type(args, i, INTEGER, "an integer")?;
    }
    Ok(result)
}

/// `array_sort_*(a1, ..., an[, nulls_last])`: arrays, then an optional `bool`.
fn check_sort(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 65, "1 to 65")?;
    for (i, a) in args.iter().enumerate() {
        let last = i + 1 == args.len() && i > 0;
        if !(a.ty == ScalarType::Dynamic || last && a.ty == ScalarType::Bool) {
            return Err(ArgError::Type {
                index: i,
                expected: "dynamic (or a bool last)",
                found: a.ty,
            });
        }
    }
    Ok(ScalarType::Dynamic)
}

macro_rules! entry {
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
                    all_dynamic(exprs, args),
                ))
            },
        }
    };
}

const D: ScalarType = ScalarType::Dynamic;

/// The array, set and bag functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    entry!(
        "set_union",
        &[],
        |a| check(a, (2, 64, "2 to 64"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, sets::union)
    ),
    entry!(
        "set_intersect",
        &[],
        |a| check(a, (2, 64, "2 to 64"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, sets::intersect)
    ),
    entry!(
        "set_difference",
        &[],
        |a| check(a, (2, 64, "2 to 64"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, sets::difference)
    ),
    entry!(
        "jaccard_index",
        &[],
        |a| check(a, (2, 2, "2"), &[0, 1], &[], ScalarType::Real),
        DataType::Float64,
        |a, r| to_real(a, r, sets::jaccard)
    ),
    entry!(
        "array_reverse",
        &[],
        |a| check(a, (1, 1, "1"), &[0], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, arrays::reverse)
    ),
    entry!("array_sort_asc", &[], check_sort, DataType::Utf8, |a, r| {
        to_dynamic(a, r, |v| arrays::sort(v, false))
    }),
    entry!(
        "array_sort_desc",
        &[],
        check_sort,
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| arrays::sort(v, true))
    ),
    entry!(
        "array_split",
        &[],
        |a| check(a, (2, 2, "2"), &[0], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, arrays::split)
    ),
    entry!(
        "array_shift_left",
        &[],
        |a| check(a, (2, 3, "2 or 3"), &[0], &[1], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| arrays::shift(v, false))
    ),
    entry!(
        "array_shift_right",
        &[],
        |a| check(a, (2, 3, "2 or 3"), &[0], &[1], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| arrays::shift(v, true))
    ),
    entry!(
        "array_rotate_left",
        &[],
        |a| check(a, (2, 2, "2"), &[0], &[1], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| arrays::rotate(v, false))
    ),
    entry!(
        "array_rotate_right",
        &[],
        |a| check(a, (2, 2, "2"), &[0], &[1], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, |v| arrays::rotate(v, true))
    ),
    entry!(
        "array_iff",
        &["array_iif"],
        |a| check(a, (3, 3, "3"), &[0], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, arrays::array_iff)
    ),
    entry!(
        "zip",
        &[],
        |a| check(a, (2, 64, "2 to 64"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, arrays::zip)
    ),
    entry!(
        "bag_merge",
        &[],
        |a| check(a, (2, 64, "2 to 64"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, bags::merge)
    ),
    entry!(
        "bag_remove_keys",
        &[],
        |a| check(a, (2, 2, "2"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, bags::remove_keys)
    ),
    entry!(
        "bag_has_key",
        &[],
        |a| {
            check(a, (2, 2, "2"), &[0], &[], ScalarType::Bool)?;
            expect_type(a, 1, &[ScalarType::String], "string")?;
            Ok(ScalarType::Bool)
        },
        DataType::Boolean,
        |a, r| to_bool(a, r, bags::has_key)
    ),
    entry!(
        "bag_set_key",
        &[],
        |a| {
            check(a, (3, 3, "3"), &[0], &[], D)?;
            expect_type(a, 1, &[ScalarType::String], "string")?;
            Ok(D)
        },
        DataType::Utf8,
        |a, r| to_dynamic(a, r, bags::set_key)
    ),
    entry!(
        "bag_zip",
        &[],
        |a| check(a, (2, 2, "2"), &[0, 1], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, bags::zip)
    ),
    Function {
        name: "range",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: range::check_range,
        lower: |exprs, args| {
            Ok(call_kernel(
                "range",
                "",
                DataType::Utf8,
                true,
                range::range_kernel,
                range::range_args(exprs, args)?,
            ))
        },
    },
    Function {
        name: "dynamic_to_json",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| {
            expect_count(a, 1, 1, "1")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            Ok(call_kernel(
                "dynamic_to_json",
                "",
                DataType::Utf8,
                false,
                dynamic_to_json,
                all_dynamic(exprs, args),
            ))
        },
    },
    entry!(
        "treepath",
        &[],
        |a| check(a, (1, 1, "1"), &[0], &[], D),
        DataType::Utf8,
        |a, r| to_dynamic(a, r, bags::treepath)
    ),
];
