//! String functions: `tolower`, `toupper`, `strlen`, `substring`, `strcat`, `strcat_delim`,
//! `indexof`, `countof`, `split`, `replace_string`, `url_decode`, and the regex functions (`extract`,
//! `extract_all`, `replace_regex`, the deprecated `replace`, `trim`, `trim_start`,
//! `trim_end`). [`rewrite`], [`chars`], [`numbers`], [`lookup`] and [`punycode`] hold the
//! rest of the string functions, each with its own table.
//!
//! Arguments of other types are read through their `tostring` text (so `strcat("a", 1, 1s)`
//! is `"a100:00:01"`, as in DOCS `strcat-delim-function.md`). Results are never null: a null
//! input string is `""`.
//!
//! Lengths and positions count characters (Unicode scalar values), not bytes: DOCS
//! `strlen-function.md` gives `strlen("⒦⒰⒮⒯⒪")` = 5 and `strlen('Çedilla')` = 8 (the `Ç`
//! written as `C` + combining cedilla is two characters).

pub(crate) mod chars;
pub(crate) mod lookup;
pub(crate) mod numbers;
pub mod punycode;
pub mod regex;
pub(crate) mod rewrite;
mod search;

pub use search::{countof, indexof, replace_string, split};

use crate::convert::tostring_expr;
use crate::registry::{
    Arg, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, expect_type,
};
use crate::strings::{build_strings, string_arg};
use crate::udf::{arg, call_kernel, downcast, opt_arg, value_at};
use arrow::array::{ArrayRef, Int64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// `expr` as text: itself for `string`/`guid`, its `tostring` otherwise.
pub(crate) fn text_arg(expr: Expr, ty: ScalarType) -> Expr {
    match ty {
        ScalarType::String | ScalarType::Guid => expr,
        other => tostring_expr(expr, other),
    }
}

fn text_args(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| text_arg(e, arg_type(args, i)))
        .collect()
}

/// One character's simple case mapping (one character to one, as .NET's invariant
/// `ToLower`/`ToUpper` do): `ß` stays `ß` in upper case, `İ` stays `İ` in lower case.
fn simple_map(c: char, lower: bool) -> char {
    let mapped = if lower {
        single_char(c.to_lowercase())
    } else {
        single_char(c.to_uppercase())
    };
    mapped.unwrap_or(c)
}

fn single_char(mut chars: impl Iterator<Item = char>) -> Option<char> {
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn change_case(args: &[ArrayRef], lower: bool) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(s.len(), |i, out| {
        let v = s.get(i);
        if v.is_ascii() {
            out.push_str(v);
            if lower {
                out.make_ascii_lowercase();
            } else {
                out.make_ascii_uppercase();
            }
        } else {
            out.extend(v.chars().map(|c| simple_map(c, lower)));
        }
    }))
}

fn tolower(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    change_case(args, true)
}

fn toupper(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    change_case(args, false)
}

fn strlen(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: Int64Array = (0..s.len())
        .map(|i| Some(s.get(i).chars().count() as i64))
        .collect();
    Ok(Arc::new(out))
}

/// The characters `[start, start + length)` of `s` under KQL's rules: a negative `start`
/// counts from the end (`substring("123456", -2, 2)` is `"56"`), a start before the
/// beginning is clamped to it, a start past the end or a negative length gives `""`, and a
/// length past the end stops at the end. Null start gives `""`.
pub fn substring(s: &str, start: Option<i64>, length: Option<i64>) -> &str {
    let Some(start) = start else {
        return "";
    };
    let n = s.chars().count() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    if start >= n {
        return "";
    }
    let end = match length {
        Some(l) if l < 0 => return "",
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    let byte_at = |char_index: i64| {
        s.char_indices()
            .nth(usize::try_from(char_index).unwrap_or(usize::MAX))
            .map_or(s.len(), |(b, _)| b)
    };
    s.get(byte_at(start)..byte_at(end)).unwrap_or("")
}

fn substring_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let start = downcast::<Int64Array>(arg(args, 1)?.as_ref())?;
    let length = opt_arg::<Int64Array>(args, 2)?;
    Ok(build_strings(rows, |i, out| {
        let len = length.and_then(|l| value_at(l, i));
        out.push_str(substring(s.get(i), value_at(start, i), len));
    }))
}

/// `url_decode`: `%XX` escapes become their bytes (read as UTF-8, invalid sequences
/// replaced); a `%` not followed by two hex digits stays as it is. `+` is left alone, as in
/// Kusto: form-encoded values (`+` for a space) need `replace_string(s, "+", " ")` first.
pub fn url_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'%'), Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 3;
            }
            (Some(&b), _, _) => {
                out.push(b);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn url_decode_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        out.push_str(&url_decode(s.get(i)))
    }))
}

fn strcat(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let parts = (0..args.len())
        .map(|i| string_arg(args, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(build_strings(rows, |i, out| {
        for p in &parts {
            out.push_str(p.get(i));
        }
    }))
}

fn strcat_delim(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let delim = string_arg(args, 0)?;
    let parts = (1..args.len())
        .map(|i| string_arg(args, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(build_strings(rows, |i, out| {
        for (k, p) in parts.iter().enumerate() {
            if k > 0 {
                out.push_str(delim.get(i));
            }
            out.push_str(p.get(i));
        }
    }))
}

fn check_one_text(args: &[Arg], result: ScalarType) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(result)
}

fn check_substring(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    for i in 1..args.len() {
        expect_type(args, i, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    }
    Ok(ScalarType::String)
}

fn lower_substring(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => text_arg(e, arg_type(args, 0)),
            _ => cast_to(e, arg_type(args, i), ScalarType::Long),
        })
        .collect();
    Ok(call_kernel(
        "substring",
        "",
        DataType::Utf8,
        false,
        substring_kernel,
        exprs,
    ))
}

fn check_strcat(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 64, "1 to 64")?;
    Ok(ScalarType::String)
}

fn check_strcat_delim(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 65, "2 to 65")?;
    Ok(ScalarType::String)
}

macro_rules! text_function {
    ($name:literal, $aliases:expr, $ret:expr, $kernel:expr, $check:expr) => {
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
                    false,
                    $kernel,
                    text_args(exprs, args),
                ))
            },
        }
    };
}

/// The string functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[
    text_function!("tolower", &[], DataType::Utf8, tolower, |a| {
        check_one_text(a, ScalarType::String)
    }),
    text_function!("toupper", &[], DataType::Utf8, toupper, |a| {
        check_one_text(a, ScalarType::String)
    }),
    text_function!("strlen", &[], DataType::Int64, strlen, |a| {
        check_one_text(a, ScalarType::Long)
    }),
    text_function!("strcat", &[], DataType::Utf8, strcat, check_strcat),
    text_function!("url_decode", &[], DataType::Utf8, url_decode_kernel, |a| {
        check_one_text(a, ScalarType::String)
    }),
    text_function!(
        "strcat_delim",
        &[],
        DataType::Utf8,
        strcat_delim,
        check_strcat_delim
    ),
    Function {
        name: "substring",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_substring,
        lower: lower_substring,
    },
    Function {
        name: "indexof",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: search::check_indexof,
        lower: |exprs, args| {
            Ok(search::lower(
                "indexof",
                search::indexof_kernel,
                exprs,
                args,
            ))
        },
    },
    Function {
        name: "countof",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: search::check_countof,
        lower: search::lower_countof,
    },
    Function {
        name: "split",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: search::check_split,
        lower: |exprs, args| Ok(search::lower("split", search::split_kernel, exprs, args)),
    },
    Function {
        name: "replace_string",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 3, 3, "3")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            Ok(search::lower(
                "replace_string",
                search::replace_string_kernel,
                exprs,
                args,
            ))
        },
    },
    Function {
        name: "extract",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_extract,
        lower: regex::lower_extract,
    },
    Function {
        name: "extract_all",
        aliases: &["extractall"],
        kind: FunctionKind::Scalar,
        check: regex::check_extract_all,
        lower: regex::lower_extract_all,
    },
    Function {
        name: "replace_regex",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_replace_regex,
        lower: regex::lower_replace_regex,
    },
    Function {
        name: "replace",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_replace_legacy,
        lower: regex::lower_replace_legacy,
    },
    Function {
        name: "trim",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_trim,
        lower: |exprs, args| regex::lower_trim(exprs, args, true, true),
    },
    Function {
        name: "trim_start",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_trim,
        lower: |exprs, args| regex::lower_trim(exprs, args, true, false),
    },
    Function {
        name: "trim_end",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: regex::check_trim,
        lower: |exprs, args| regex::lower_trim(exprs, args, false, true),
    },
];

#[cfg(test)]
mod registry_tests;
#[cfg(test)]
mod tests;
