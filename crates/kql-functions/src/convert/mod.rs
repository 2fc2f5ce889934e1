//! Conversions between KQL types: `tostring`, `toint`, `tolong`, `toreal`/`todouble`,
//! `todecimal` (through `real`), `tobool`/`toboolean`, `todatetime`, `totimespan`, `toguid`.
//!
//! Every conversion accepts a value of any type and yields null when the value cannot be
//! converted (DOCS `toint-function.md`: "Otherwise, the result is `null`"), except
//! `tostring`, which yields `""` for null. A `dynamic` argument converts through its JSON
//! value: a JSON string converts like text, a number like a number, and an array or property
//! bag only to a string.
//!
//! Numbers, datetimes and timespans convert into each other through KQL ticks (100 ns):
//! `tolong(1s)` is `10000000`, `tolong(datetime)` counts ticks since 0001-01-01.

mod format;
mod input;
mod parse;

pub(crate) use format::write_value_text;
pub use format::{
    format_datetime_json_text, format_datetime_nanos, format_real, format_timespan_nanos,
    scalar_to_kql_string, to_kql_string_array,
};
pub use input::Source;
pub(crate) use input::{EPOCH_TICKS, Value, for_each_value};
pub(crate) use parse::real_to_long;
pub use parse::{
    parse_bool, parse_datetime_nanos, parse_int, parse_long, parse_real, parse_timespan_nanos,
};

use crate::registry::{Arg, CheckResult, Function, FunctionKind, expect_count};
use crate::udf::{arg, call_kernel};
use arrow::array::{
    ArrayRef, BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array,
    StringArray, TimestampNanosecondArray,
};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;
use table_schemas::arrow_type;

/// The `tostring` expression for a value of KQL type `ty` (`dynamic` strings unquoted).
pub fn tostring_expr(value: Expr, ty: ScalarType) -> Expr {
    if ty == ScalarType::Dynamic {
        call_kernel(
            "tostring",
            "dynamic",
            DataType::Utf8,
            false,
            tostring_dynamic,
            vec![value],
        )
    } else {
        call_kernel(
            "tostring",
            "",
            DataType::Utf8,
            false,
            tostring_value,
            vec![value],
        )
    }
}

fn tostring_value(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    to_kql_string_array(arg(args, 0)?, Source::Text)
}

fn tostring_dynamic(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    to_kql_string_array(arg(args, 0)?, Source::Dynamic)
}

/// Defines the kernels of one conversion: `text` (any non-`dynamic` input) and `dynamic`.
macro_rules! conversion {
    ($array:ty, |$v:ident| $convert:expr $(, $post:ident)?) => {
        pub(super) fn text(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
            convert_rows(args, Source::Text)
        }
        pub(super) fn dynamic(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
            convert_rows(args, Source::Dynamic)
        }
        fn convert_rows(args: &[ArrayRef], source: Source) -> Result<ArrayRef> {
            let a = arg(args, 0)?;
            let mut out = Vec::with_capacity(a.len());
            for_each_value(a, source, |_, $v| out.push($convert))?;
            let array = <$array>::from(out);
            $(let array = array.$post("UTC");)?
            Ok(Arc::new(array))
        }
    };
}

mod int {
    use super::*;
    conversion!(Int32Array, |v| v
        .to_long()
        .and_then(|l| i32::try_from(l).ok()));
}
mod long {
    use super::*;
    conversion!(Int64Array, |v| v.to_long());
}
mod real {
    use super::*;
    conversion!(Float64Array, |v| v.to_real());
}
mod boolean {
    use super::*;
    conversion!(BooleanArray, |v| v.to_bool());
}
mod datetime {
    use super::*;
    conversion!(TimestampNanosecondArray, |v| v.to_datetime(), with_timezone);
}
mod timespan {
    use super::*;
    conversion!(DurationNanosecondArray, |v| v.to_timespan());
}
mod guid {
    use super::*;
    conversion!(StringArray, |v| match v {
        Value::Str(s) => canonical_guid(s),
        _ => None,
    });
}

/// The canonical (lower-case, hyphenated) text of a GUID: 32 hex digits, optionally in
/// braces or parentheses, with hyphens anywhere among them (DOCS `toguid-function.md`
/// reads `0123456789ab-cdef-0123-456789abcdef` as `01234567-89ab-cdef-0123-456789abcdef`).
fn canonical_guid(s: &str) -> Option<String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| s.strip_prefix('(').and_then(|r| r.strip_suffix(')')))
        .unwrap_or(s);
    if inner.len() > 36 || inner.starts_with('-') || inner.ends_with('-') {
        return None;
    }
    let hex: String = inner.chars().filter(|&c| c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let h = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        h.get(..8)?,
        h.get(8..12)?,
        h.get(12..16)?,
        h.get(16..20)?,
        h.get(20..)?
    ))
}

/// `to*(value)`: one argument of any type.
fn check_one_any(args: &[Arg], result: ScalarType) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(result)
}

/// Whether the (single) argument is `dynamic`; internal calls pass no types.
fn is_dynamic(args: &[Arg]) -> bool {
    args.first().is_some_and(|a| a.ty == ScalarType::Dynamic)
}

macro_rules! to_function {
    ($name:literal, $aliases:expr, $ty:expr, $module:ident) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: |args| check_one_any(args, $ty),
            lower: |exprs, args| {
                let (variant, kernel): (&'static str, crate::udf::Kernel) = if is_dynamic(args) {
                    ("dynamic", $module::dynamic)
                } else {
                    ("", $module::text)
                };
                Ok(call_kernel(
                    $name,
                    variant,
                    arrow_type($ty),
                    true,
                    kernel,
                    exprs,
                ))
            },
        }
    };
}

/// The conversion functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "tostring",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_one_any(args, ScalarType::String),
        lower: |mut exprs, args| {
            let ty = args.first().map_or(ScalarType::String, |a| a.ty);
            let value = exprs
                .pop()
                .unwrap_or_else(|| datafusion::logical_expr::lit(""));
            Ok(tostring_expr(value, ty))
        },
    },
    to_function!("toint", &[], ScalarType::Int, int),
    to_function!("tolong", &[], ScalarType::Long, long),
    to_function!("todouble", &["toreal"], ScalarType::Real, real),
    to_function!("tobool", &["toboolean"], ScalarType::Bool, boolean),
    to_function!("todatetime", &[], ScalarType::DateTime, datetime),
    to_function!("totimespan", &["totime"], ScalarType::Timespan, timespan),
    to_function!("toguid", &[], ScalarType::Guid, guid),
    Function {
        name: "new_guid",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 0, 0, "0")?;
            Ok(ScalarType::Guid)
        },
        // A random (version 4) GUID per row, lower-case and hyphenated as toguid writes
        // them, from DataFusion's volatile uuid().
        lower: |_, _| Ok(datafusion::functions::string::expr_fn::uuid()),
    },
    Function {
        name: "todecimal",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_one_any(args, ScalarType::Decimal),
        // Through `real`: exact decimal text is rare in telemetry, and Arrow casts the
        // double to the decimal type (18 fraction digits).
        lower: |exprs, args| {
            let (variant, kernel): (&'static str, crate::udf::Kernel) = if is_dynamic(args) {
                ("dynamic", real::dynamic)
            } else {
                ("", real::text)
            };
            let real = call_kernel("todecimal", variant, DataType::Float64, true, kernel, exprs);
            Ok(datafusion::logical_expr::cast(
                real,
                arrow_type(ScalarType::Decimal),
            ))
        },
    },
];

#[cfg(test)]
mod tests;
