//! `dynamic` values (JSON text in `Utf8` columns, see `table-schemas`): `parse_json`,
//! member access, and the array, set and property-bag functions (the newer ones in
//! [`arrays`], [`sets`] and [`bags`], registered by [`collections`]).
//!
//! * SQL NULL and JSON `null` are both `dynamic(null)`; a function that finds no value
//!   returns SQL NULL.
//! * Results are compact JSON text, so equal values have equal text.
//! * Values of other KQL types become `dynamic` as JSON numbers, booleans and strings;
//!   datetimes and timespans become strings (see [`json::value_to_json`]).
//!
//! Functions the binder calls on its own (not KQL names): `todynamic_value(x)` (any value
//! as `dynamic`), `dynamic_get(value, key...)` (member access `d.a[0]["b"]`),
//! `__list_to_dynamic(list, elements_are_dynamic[, limit])` (`make_list`, `make_set`) and
//! `__bag_merge_list(list)` (`make_bag`).

mod access;
mod arrays;
mod bags;
mod build;
mod collections;
mod json;
mod range;
mod sets;

pub(crate) use collections::FUNCTIONS as COLLECTION_FUNCTIONS;
pub(crate) use collections::{all_dynamic as all_dynamic_args, to_dynamic, to_real};

pub(crate) use json::{json_eq, json_to_text, parse_dynamic};

use crate::convert::tostring_expr;
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count,
    expect_type,
};
use crate::text::text_arg;
use crate::udf::{Kernel, call_kernel};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::{Expr, lit};
use kql_syntax::ScalarType;

/// `expr` (of KQL type `ty`) as a `dynamic` value.
pub fn to_dynamic_expr(expr: Expr, ty: ScalarType) -> Expr {
    if ty == ScalarType::Dynamic {
        expr
    } else {
        dynamic_call("todynamic_value", build::to_dynamic_value, vec![expr])
    }
}

fn dynamic_call(name: &'static str, kernel: Kernel, args: Vec<Expr>) -> Expr {
    call_kernel(name, "", DataType::Utf8, true, kernel, args)
}

fn all_dynamic(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| to_dynamic_expr(e, arg_type(args, i)))
        .collect()
}

const DYN: &[ScalarType] = &[ScalarType::Dynamic];
const INTEGER: &[ScalarType] = &[ScalarType::Int, ScalarType::Long];

fn lower_parse_json(mut exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let e = exprs.pop().unwrap_or_else(|| lit(""));
    Ok(match arg_type(args, 0) {
        ScalarType::Dynamic => e,
        ScalarType::String | ScalarType::Guid => {
            dynamic_call("parse_json", build::parse_json, vec![e])
        }
        other => to_dynamic_expr(e, other),
    })
}

fn check_dynamic_get(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 64, "at least 1")?;
    expect_type(args, 0, DYN, "dynamic")?;
    for i in 1..args.len() {
        expect_type(
            args,
            i,
            &[
                ScalarType::String,
                ScalarType::Int,
                ScalarType::Long,
                ScalarType::Dynamic,
            ],
            "a member name or an array index",
        )?;
    }
    Ok(ScalarType::Dynamic)
}

fn lower_dynamic_get(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match (i, arg_type(args, i)) {
            (0, _) | (_, ScalarType::String) => e,
            (_, ScalarType::Dynamic) => tostring_expr(e, ScalarType::Dynamic),
            (_, ty) => cast_to(e, ty, ScalarType::Long),
        })
        .collect();
    Ok(dynamic_call("dynamic_get", access::dynamic_get, exprs))
}

fn check_bag_pack(args: &[Arg]) -> CheckResult {
    if args.is_empty() || !args.len().is_multiple_of(2) {
        return Err(ArgError::Count {
            expected: "an even number, at least 2",
            found: args.len(),
        });
    }
    Ok(ScalarType::Dynamic)
}

/// Keys as text, values as `dynamic`.
fn lower_bag_pack(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let ty = arg_type(args, i);
            if i % 2 == 0 {
                text_arg(e, ty)
            } else {
                to_dynamic_expr(e, ty)
            }
        })
        .collect();
    Ok(dynamic_call("bag_pack", build::bag_pack, exprs))
}

fn check_index_of(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 5, "2 to 5")?;
    expect_type(args, 0, DYN, "dynamic")?;
    for i in 2..args.len() {
        expect_type(args, i, INTEGER, "an integer")?;
    }
    Ok(ScalarType::Long)
}

/// `value` as `dynamic`, the optional integers as `long`.
fn lower_array_search(exprs: Vec<Expr>, args: &[Arg], name: &'static str, kernel: Kernel) -> Expr {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => e,
            1 => to_dynamic_expr(e, arg_type(args, 1)),
            _ => cast_to(e, arg_type(args, i), ScalarType::Long),
        })
        .collect();
    let ret = if name == "set_has_element" {
        DataType::Boolean
    } else {
        DataType::Int64
    };
    call_kernel(name, "", ret, true, kernel, exprs)
}

fn check_slice(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    expect_type(args, 0, DYN, "dynamic")?;
    expect_type(args, 1, INTEGER, "an integer")?;
    expect_type(args, 2, INTEGER, "an integer")?;
    Ok(ScalarType::Dynamic)
}

fn lower_slice(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => e,
            _ => cast_to(e, arg_type(args, i), ScalarType::Long),
        })
        .collect();
    Ok(dynamic_call("array_slice", access::array_slice, exprs))
}

fn lower_gettype(mut exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let e = exprs.pop().unwrap_or_else(|| lit(""));
    Ok(match arg_type(args, 0) {
        ScalarType::Dynamic => call_kernel(
            "gettype",
            "",
            DataType::Utf8,
            false,
            access::gettype_dynamic,
            vec![e],
        ),
        ty => lit(ty.as_str()),
    })
}

fn check_count_then(
    args: &[Arg],
    min: usize,
    max: usize,
    expected: &'static str,
    result: ScalarType,
) -> CheckResult {
    expect_count(args, min, max, expected)?;
    Ok(result)
}

fn check_dynamic_args(
    args: &[Arg],
    min: usize,
    max: usize,
    expected: &'static str,
    result: ScalarType,
) -> CheckResult {
    expect_count(args, min, max, expected)?;
    for i in 0..args.len() {
        expect_type(args, i, DYN, "dynamic")?;
    }
    Ok(result)
}

/// The `dynamic` functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "parse_json",
        aliases: &["todynamic", "parsejson", "toobject"],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 1, 1, "1", ScalarType::Dynamic),
        lower: lower_parse_json,
    },
    Function {
        name: "todynamic_value",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 1, 1, "1", ScalarType::Dynamic),
        lower: |mut exprs, args| {
            let e = exprs.pop().unwrap_or_else(|| lit(""));
            Ok(to_dynamic_expr(e, arg_type(args, 0)))
        },
    },
    Function {
        name: "dynamic_get",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_dynamic_get,
        lower: lower_dynamic_get,
    },
    Function {
        name: "array_length",
        aliases: &["arraylength"],
        kind: FunctionKind::Scalar,
        check: |a| check_dynamic_args(a, 1, 1, "1", ScalarType::Long),
        lower: |exprs, _| {
            Ok(call_kernel(
                "array_length",
                "",
                DataType::Int64,
                true,
                access::array_length,
                exprs,
            ))
        },
    },
    Function {
        name: "bag_keys",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_dynamic_args(a, 1, 1, "1", ScalarType::Dynamic),
        lower: |exprs, _| Ok(dynamic_call("bag_keys", access::bag_keys, exprs)),
    },
    Function {
        name: "pack_array",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 1, 64, "1 to 64", ScalarType::Dynamic),
        lower: |exprs, args| {
            Ok(dynamic_call(
                "pack_array",
                build::pack_array,
                all_dynamic(exprs, args),
            ))
        },
    },
    Function {
        name: "bag_pack",
        aliases: &["pack", "pack_dictionary"],
        kind: FunctionKind::Scalar,
        check: check_bag_pack,
        lower: lower_bag_pack,
    },
    Function {
        name: "array_concat",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_dynamic_args(a, 1, 64, "1 to 64", ScalarType::Dynamic),
        lower: |exprs, _| Ok(dynamic_call("array_concat", build::array_concat, exprs)),
    },
    Function {
        name: "array_slice",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_slice,
        lower: lower_slice,
    },
    Function {
        name: "array_index_of",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_index_of,
        lower: |exprs, args| {
            Ok(lower_array_search(
                exprs,
                args,
                "array_index_of",
                access::array_index_of,
            ))
        },
    },
    Function {
        name: "set_has_element",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 2, 2, "2")?;
            expect_type(args, 0, DYN, "dynamic")?;
            Ok(ScalarType::Bool)
        },
        lower: |exprs, args| {
            Ok(lower_array_search(
                exprs,
                args,
                "set_has_element",
                access::set_has_element,
            ))
        },
    },
    Function {
        name: "gettype",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 1, 1, "1", ScalarType::String),
        lower: lower_gettype,
    },
    Function {
        name: "strcat_array",
        aliases: &["array_strcat"],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 2, 2, "2")?;
            expect_type(args, 0, DYN, "dynamic")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    if i == 1 {
                        text_arg(e, arg_type(args, 1))
                    } else {
                        e
                    }
                })
                .collect();
            Ok(call_kernel(
                "strcat_array",
                "",
                DataType::Utf8,
                false,
                access::strcat_array,
                exprs,
            ))
        },
    },
    Function {
        name: "__list_to_dynamic",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 2, 3, "2 or 3", ScalarType::Dynamic),
        lower: |exprs, _| {
            Ok(call_kernel(
                "make_list",
                "",
                DataType::Utf8,
                false,
                build::list_to_dynamic,
                exprs,
            ))
        },
    },
    Function {
        name: "__bag_merge_list",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |a| check_count_then(a, 1, 1, "1", ScalarType::Dynamic),
        lower: |exprs, _| {
            Ok(call_kernel(
                "make_bag",
                "",
                DataType::Utf8,
                false,
                build::bag_merge_list,
                exprs,
            ))
        },
    },
];

#[cfg(test)]
mod collection_tests;
#[cfg(test)]
mod tests;
