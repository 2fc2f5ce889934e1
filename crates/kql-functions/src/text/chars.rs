//! Text as bytes and code points: `string_size`, `unicode_codepoints_from_string` (legacy
//! `to_utf8`), `unicode_codepoints_to_string` (legacy `make_string`), `isascii`, `isutf8`.

use super::text_arg;
use crate::dynamic::{parse_dynamic, to_dynamic_expr};
use crate::registry::{Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, expect_count};
use crate::strings::{build_strings, string_arg};
use crate::udf::call_kernel;
use arrow::array::{ArrayRef, BooleanArray, Int64Array, StringArray};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use kql_syntax::ScalarType;
use serde_json::Value as Json;
use std::sync::Arc;

/// `string_size(s)`: the UTF-8 length in bytes (DOCS `string-size-function.md`:
/// `string_size("⒦⒰⒮⒯⒪")` is 15).
fn string_size_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: Int64Array = (0..rows)
        .map(|i| i64::try_from(s.get(i).len()).ok())
        .collect();
    Ok(Arc::new(out))
}

/// `unicode_codepoints_from_string(s)`: the code points as a `dynamic` array.
fn codepoints_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: StringArray = (0..rows)
        .map(|i| {
            let points: Vec<u32> = s.get(i).chars().map(u32::from).collect();
            Some(Json::from(points).to_string())
        })
        .collect();
    Ok(Arc::new(out))
}

/// Appends the characters of one argument of `unicode_codepoints_to_string` (a number or
/// an array of numbers); `None` if one is not a valid code point.
fn push_codepoints(value: &Json, out: &mut String) -> Option<()> {
    match value {
        Json::Array(items) => items.iter().try_for_each(|v| push_codepoints(v, out)),
        Json::Number(n) => {
            let c = char::from_u32(u32::try_from(n.as_u64()?).ok()?)?;
            out.push(c);
            Some(())
        }
        _ => None,
    }
}

/// `unicode_codepoints_to_string(v1, v2, ...)`: `""` when a value is not a code point
/// (Kusto's null; KQL strings are never null).
fn from_codepoints_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = (0..args.len())
        .map(|i| string_arg(args, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(build_strings(rows, |i, out| {
        let ok = columns.iter().all(|c| {
            c.get_opt(i)
                .is_some_and(|t| push_codepoints(&parse_dynamic(t), out).is_some())
        });
        if !ok {
            out.clear();
        }
    }))
}

fn isascii_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: BooleanArray = (0..rows).map(|i| Some(s.get(i).is_ascii())).collect();
    Ok(Arc::new(out))
}

/// `isutf8`: Arrow strings are UTF-8 by construction, so every value is.
fn isutf8_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    string_arg(args, 0)?;
    Ok(Arc::new(BooleanArray::from(vec![true; rows])))
}

/// Every argument a number or a `dynamic` array of numbers.
fn check_codepoints(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 64, "1 to 64")?;
    for (i, a) in args.iter().enumerate() {
        if !matches!(
            a.ty,
            ScalarType::Int | ScalarType::Long | ScalarType::Dynamic
        ) {
            return Err(ArgError::Type {
                index: i,
                expected: "an integer or a dynamic array of integers",
                found: a.ty,
            });
        }
    }
    Ok(ScalarType::String)
}

macro_rules! one_text {
    ($name:literal, $aliases:expr, $ty:expr, $ret:expr, $kernel:expr) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: |args| {
                expect_count(args, 1, 1, "1")?;
                Ok($ty)
            },
            lower: |exprs, args| {
                let exprs = exprs
                    .into_iter()
                    .map(|e| text_arg(e, arg_type(args, 0)))
                    .collect();
                Ok(call_kernel(
                    $name,
                    "",
                    $ret,
                    $ty == ScalarType::Dynamic,
                    $kernel,
                    exprs,
                ))
            },
        }
    };
}

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[
    one_text!(
        "string_size",
        &[],
        ScalarType::Long,
        DataType::Int64,
        string_size_kernel
    ),
    one_text!(
        "unicode_codepoints_from_string",
        &["to_utf8"],
        ScalarType::Dynamic,
        DataType::Utf8,
        codepoints_kernel
    ),
    one_text!(
        "isascii",
        &[],
        ScalarType::Bool,
        DataType::Boolean,
        isascii_kernel
    ),
    one_text!(
        "isutf8",
        &[],
        ScalarType::Bool,
        DataType::Boolean,
        isutf8_kernel
    ),
    Function {
        name: "unicode_codepoints_to_string",
        aliases: &["make_string"],
        kind: FunctionKind::Scalar,
        check: check_codepoints,
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .enumerate()
                .map(|(i, e)| to_dynamic_expr(e, arg_type(args, i)))
                .collect();
            Ok(call_kernel(
                "unicode_codepoints_to_string",
                "",
                DataType::Utf8,
                false,
                from_codepoints_kernel,
                exprs,
            ))
        },
    },
];
