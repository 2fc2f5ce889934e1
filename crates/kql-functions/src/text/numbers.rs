//! Numbers as text: `tohex` and `format_bytes`.

use crate::convert::format_real;
use crate::math::round_real;
use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count,
    expect_type, is_numeric,
};
use crate::strings::{build_strings, string_arg};
use crate::udf::{arg, call_kernel, downcast, opt_arg, opt_long_at, value_at};
use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, lit};
use kql_syntax::ScalarType;

/// `tohex(value[, min_length])` (DOCS `tohex-function.md`): lower-case hex; a negative
/// `int` as its 32-bit two's complement, a negative `long` as its 64-bit one; padded with
/// zeros to `min_length` (at most 16).
pub fn tohex(value: i64, is_int: bool, min_length: i64) -> String {
    let digits = if is_int && i32::try_from(value).is_ok() {
        format!("{:x}", value as i32)
    } else {
        format!("{value:x}")
    };
    let width = usize::try_from(min_length.clamp(0, 16)).unwrap_or(0);
    format!("{digits:0>width$}")
}

/// `tohex`'s kernel: the value as `long`, a flag for `int` inputs, the optional length;
/// `""` for a null value (KQL strings are never null).
fn tohex_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let value = downcast::<Int64Array>(arg(args, 0)?.as_ref())?;
    let is_int = downcast::<BooleanArray>(arg(args, 1)?.as_ref())?;
    let min_length = opt_arg::<Int64Array>(args, 2)?;
    Ok(build_strings(rows, |i, out| {
        let int = is_int.is_valid(i) && is_int.value(i);
        if let (Some(v), Some(len)) = (value_at(value, i), opt_long_at(min_length, i, 0)) {
            out.push_str(&tohex(v, int, len));
        }
    }))
}

fn check_tohex(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 2, "1 or 2")?;
    expect_type(args, 0, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    Ok(ScalarType::String)
}

fn lower_tohex(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let mut exprs = exprs.into_iter();
    let value = exprs
        .next()
        .ok_or_else(|| DataFusionError::Plan("tohex expects a value".into()))?;
    let mut call_args = vec![
        cast_to(value, arg_type(args, 0), ScalarType::Long),
        lit(arg_type(args, 0) == ScalarType::Int),
    ];
    if let Some(len) = exprs.next() {
        call_args.push(cast_to(len, arg_type(args, 1), ScalarType::Long));
    }
    Ok(call_kernel(
        "tohex",
        "",
        DataType::Utf8,
        false,
        tohex_kernel,
        call_args,
    ))
}

/// The units of `format_bytes`, each 1024 times the one before.
const UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/// `format_bytes(size, precision, units)` (DOCS `format-bytes-function.md`: 564 is
/// `564 Bytes`, `(10332, 1)` is `10.1 KB`, 20010332 is `19 MB`, `(20010332, 0, "KB")` is
/// `19541 KB`). Without units, the largest unit the size reaches is used; an unknown unit
/// gives `""`.
pub fn format_bytes(size: f64, precision: i64, units: &str) -> String {
    let index = if units.trim().is_empty() {
        let mut k = 0;
        while k + 1 < UNITS.len() && size.abs() >= 1024f64.powi(i32::try_from(k + 1).unwrap_or(0)) {
            k += 1;
        }
        Some(k)
    } else {
        UNITS
            .iter()
            .position(|u| u.eq_ignore_ascii_case(units.trim()))
    };
    let Some(k) = index else {
        return String::new();
    };
    let scaled = size / 1024f64.powi(i32::try_from(k).unwrap_or(0));
    let unit = UNITS.get(k).copied().unwrap_or("Bytes");
    format!("{} {unit}", format_real(round_real(scaled, precision)))
}

fn format_bytes_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let size = downcast::<Float64Array>(arg(args, 0)?.as_ref())?;
    let precision = opt_arg::<Int64Array>(args, 1)?;
    let units = match args.get(2) {
        Some(_) => Some(string_arg(args, 2)?),
        None => None,
    };
    Ok(build_strings(rows, |i, out| {
        let (Some(s), Some(p)) = (value_at(size, i), opt_long_at(precision, i, 0)) else {
            return;
        };
        out.push_str(&format_bytes(s, p, units.map_or("", |u| u.get(i))));
    }))
}

fn check_format_bytes(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 3, "1 to 3")?;
    if !is_numeric(arg_type(args, 0)) {
        return Err(ArgError::Type {
            index: 0,
            expected: "a number",
            found: arg_type(args, 0),
        });
    }
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    expect_type(args, 2, &[ScalarType::String], "string")?;
    Ok(ScalarType::String)
}

fn lower_format_bytes(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => cast_to(e, arg_type(args, 0), ScalarType::Real),
            1 => cast_to(e, arg_type(args, 1), ScalarType::Long),
            _ => e,
        })
        .collect();
    Ok(call_kernel(
        "format_bytes",
        "",
        DataType::Utf8,
        false,
        format_bytes_kernel,
        exprs,
    ))
}

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "tohex",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_tohex,
        lower: lower_tohex,
    },
    Function {
        name: "format_bytes",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_format_bytes,
        lower: lower_format_bytes,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_hex_and_bytes() {
        // DOCS tohex-function.md.
        assert_eq!(tohex(256, false, 0), "100");
        assert_eq!(tohex(-256, false, 0), "ffffffffffffff00");
        assert_eq!(tohex(-256, true, 8), "ffffff00");
        assert_eq!(tohex(256, false, 8), "00000100");
        assert_eq!(tohex(256, false, 2), "100");
        // DOCS format-bytes-function.md.
        assert_eq!(format_bytes(564.0, 0, ""), "564 Bytes");
        assert_eq!(format_bytes(10332.0, 1, ""), "10.1 KB");
        assert_eq!(format_bytes(20_010_332.0, 0, ""), "19 MB");
        assert_eq!(format_bytes(20_010_332.0, 2, ""), "19.08 MB");
        assert_eq!(format_bytes(20_010_332.0, 0, "KB"), "19541 KB");
        assert_eq!(format_bytes(1.0, 0, "parsecs"), "");
    }
}
