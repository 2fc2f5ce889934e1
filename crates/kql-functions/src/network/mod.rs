//! IP address functions: `ipv4_is_private`, `ipv4_is_in_range`, `ipv4_is_in_any_range`,
//! `ipv4_is_match`, `ipv4_compare`, `ipv4_netmask_suffix`, `parse_ipv4`, `parse_ipv4_mask`,
//! `format_ipv4`, `format_ipv4_mask`, the IPv6 forms `ipv6_compare`, `ipv6_is_match`,
//! `ipv6_is_in_range`, `ipv6_is_in_any_range`, `parse_ipv6`, `parse_ipv6_mask`, and the text
//! searches `has_ipv4`, `has_ipv4_prefix`, `has_any_ipv4`, `has_any_ipv4_prefix`.
//!
//! Addresses that do not parse give null (or `""` for the functions returning text), as
//! each function's page says under "Returns"; the text searches give false. Prefix
//! arguments outside 0–32 (0–128 for IPv6) count as unparsable. See [`addr`] for how text
//! is read.

pub mod addr;
mod kernels;

use crate::dynamic::to_dynamic_expr;
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count,
    expect_type,
};
use crate::text::text_arg;
use crate::udf::{Kernel, call_kernel};
use arrow::datatypes::DataType;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;

const TEXT: &[ScalarType] = &[ScalarType::String, ScalarType::Dynamic];
const INTEGER: &[ScalarType] = &[ScalarType::Int, ScalarType::Long];

/// `name(text, text..., [integer])`: `texts` address arguments, then optional integers.
fn check_addresses(args: &[Arg], texts: usize, max: usize, result: ScalarType) -> CheckResult {
    let expected = match (texts, max) {
        (1, 1) => "1",
        (1, 2) => "1 or 2",
        (2, 2) => "2",
        _ => "2 or 3",
    };
    expect_count(args, texts, max, expected)?;
    for i in 0..texts {
        expect_type(args, i, TEXT, "a string")?;
    }
    for i in texts..args.len() {
        expect_type(args, i, INTEGER, "an integer")?;
    }
    Ok(result)
}

/// `name(text, list...)`: a text, then one or more strings or arrays of strings.
fn check_lists(args: &[Arg]) -> CheckResult {
    if args.len() < 2 {
        return Err(ArgError::Count {
            expected: "at least 2",
            found: args.len(),
        });
    }
    expect_type(args, 0, TEXT, "a string")?;
    for i in 1..args.len() {
        expect_type(args, i, TEXT, "a string or an array of strings")?;
    }
    Ok(ScalarType::Bool)
}

/// Texts as text (`dynamic` through `tostring`), integers as `long`.
fn lower_addresses(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match arg_type(args, i) {
            ty @ (ScalarType::Int | ScalarType::Long) => cast_to(e, ty, ScalarType::Long),
            ty => text_arg(e, ty),
        })
        .collect()
}

/// The first argument as text, the others as `dynamic` lists.
fn lower_lists(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => text_arg(e, arg_type(args, 0)),
            _ => to_dynamic_expr(e, arg_type(args, i)),
        })
        .collect()
}

fn return_type(ty: ScalarType) -> (DataType, bool) {
    match ty {
        ScalarType::String => (DataType::Utf8, false),
        ScalarType::Long => (DataType::Int64, true),
        _ => (DataType::Boolean, true),
    }
}

macro_rules! address_function {
    ($name:literal, $texts:expr, $max:expr, $ty:expr, $kernel:expr) => {
        address_function!($name, $texts, $max, $ty, $kernel, lower_addresses)
    };
    ($name:literal, $texts:expr, $max:expr, $ty:expr, $kernel:expr, $lower:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_addresses(args, $texts, $max, $ty),
            lower: |exprs, args| {
                let (ret, nullable) = return_type($ty);
                let kernel: Kernel = $kernel;
                Ok(call_kernel(
                    $name,
                    "",
                    ret,
                    nullable,
                    kernel,
                    $lower(exprs, args),
                ))
            },
        }
    };
}

macro_rules! list_function {
    ($name:literal, $kernel:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_lists,
            lower: |exprs, args| {
                let kernel: Kernel = $kernel;
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Boolean,
                    true,
                    kernel,
                    lower_lists(exprs, args),
                ))
            },
        }
    };
}

/// `format_ipv4(ip[, prefix])`: the address may also be a number.
fn check_format_ipv4(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 2, "1 or 2")?;
    expect_type(
        args,
        0,
        &[
            ScalarType::String,
            ScalarType::Dynamic,
            ScalarType::Int,
            ScalarType::Long,
        ],
        "a string or an integer",
    )?;
    expect_type(args, 1, INTEGER, "an integer")?;
    Ok(ScalarType::String)
}

fn lower_format_ipv4(exprs: Vec<Expr>, args: &[Arg], name: &'static str, kernel: Kernel) -> Expr {
    call_kernel(
        name,
        "",
        DataType::Utf8,
        false,
        kernel,
        lower_addresses(exprs, args),
    )
}

/// The IP address functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    address_function!(
        "ipv4_is_private",
        1,
        1,
        ScalarType::Bool,
        kernels::ipv4_is_private
    ),
    address_function!(
        "ipv4_netmask_suffix",
        1,
        1,
        ScalarType::Long,
        kernels::ipv4_netmask_suffix
    ),
    address_function!("parse_ipv4", 1, 1, ScalarType::Long, kernels::parse_ipv4),
    address_function!(
        "parse_ipv4_mask",
        1,
        2,
        ScalarType::Long,
        kernels::parse_ipv4
    ),
    address_function!("parse_ipv6", 1, 1, ScalarType::String, kernels::parse_ipv6),
    address_function!(
        "parse_ipv6_mask",
        1,
        2,
        ScalarType::String,
        kernels::parse_ipv6
    ),
    address_function!("ipv4_compare", 2, 3, ScalarType::Long, |a, r| {
        kernels::compare(a, r, false, false)
    }),
    address_function!("ipv4_is_match", 2, 3, ScalarType::Bool, |a, r| {
        kernels::compare(a, r, false, true)
    }),
    address_function!("ipv6_compare", 2, 3, ScalarType::Long, |a, r| {
        kernels::compare(a, r, true, false)
    }),
    address_function!("ipv6_is_match", 2, 3, ScalarType::Bool, |a, r| {
        kernels::compare(a, r, true, true)
    }),
    address_function!(
        "ipv4_is_in_range",
        2,
        2,
        ScalarType::Bool,
        |a, r| { kernels::in_any_range(a, r, false) },
        lower_lists
    ),
    address_function!(
        "ipv6_is_in_range",
        2,
        2,
        ScalarType::Bool,
        |a, r| { kernels::in_any_range(a, r, true) },
        lower_lists
    ),
    list_function!("ipv4_is_in_any_range", |a, r| kernels::in_any_range(
        a, r, false
    )),
    list_function!("ipv6_is_in_any_range", |a, r| kernels::in_any_range(
        a, r, true
    )),
    address_function!(
        "has_ipv4",
        2,
        2,
        ScalarType::Bool,
        |a, r| { kernels::has_ipv4(a, r, false) },
        lower_lists
    ),
    address_function!(
        "has_ipv4_prefix",
        2,
        2,
        ScalarType::Bool,
        |a, r| { kernels::has_ipv4(a, r, true) },
        lower_lists
    ),
    list_function!("has_any_ipv4", |a, r| kernels::has_ipv4(a, r, false)),
    list_function!("has_any_ipv4_prefix", |a, r| kernels::has_ipv4(a, r, true)),
    Function {
        name: "format_ipv4",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_format_ipv4,
        lower: |exprs, args| {
            Ok(lower_format_ipv4(exprs, args, "format_ipv4", |a, r| {
                kernels::format_ipv4_kernel(a, r, false)
            }))
        },
    },
    Function {
        name: "format_ipv4_mask",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_format_ipv4,
        lower: |exprs, args| {
            Ok(lower_format_ipv4(
                exprs,
                args,
                "format_ipv4_mask",
                |a, r| kernels::format_ipv4_kernel(a, r, true),
            ))
        },
    },
];

#[cfg(test)]
mod tests;
