//! Parsers of text into `dynamic` values: `parse_url` (legacy `parseurl`), `parse_urlquery`
//! (legacy `parseurlquery`), `parse_path`, `parse_command_line`, `parse_csv`, `parse_xml`,
//! and `extract_json` (legacy `extractjson`); `parse_version` is in [`version`].
//!
//! A null input is read as `""` (KQL strings are never null).

pub mod args;
pub mod jsonpath;
pub mod path;
pub mod url;
pub mod version;
pub mod xml;

use crate::dynamic::json_to_text;
use crate::registry::{Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, expect_count};
use crate::strings::{build_strings, string_arg};
use crate::text::text_arg;
use crate::udf::{Kernel, call_kernel};
use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use serde_json::Value as Json;
use std::sync::Arc;

/// A `dynamic` column from a text → JSON function of the first argument.
fn json_rows(args: &[ArrayRef], rows: usize, f: impl Fn(&str) -> Option<Json>) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: StringArray = (0..rows)
        .map(|i| f(s.get(i)).map(|j| j.to_string()))
        .collect();
    Ok(Arc::new(out))
}

fn parse_url_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    json_rows(args, rows, |s| Some(url::parse_url(s)))
}

fn parse_urlquery_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    json_rows(args, rows, |s| Some(url::parse_urlquery(s)))
}

fn parse_path_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    json_rows(args, rows, |s| Some(path::parse_path(s)))
}

fn parse_csv_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    json_rows(args, rows, |s| Some(Json::from(args::parse_csv(s))))
}

fn parse_xml_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    json_rows(args, rows, xml::parse_xml)
}

/// `parse_command_line(text, parser)`: null for a parser other than `windows`.
fn parse_command_line_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (text, parser) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let out: StringArray = (0..rows)
        .map(|i| {
            is_windows(parser.get(i))
                .then(|| Json::from(args::parse_command_line(text.get(i))).to_string())
        })
        .collect();
    Ok(Arc::new(out))
}

/// The one parser DOCS `parse-command-line-function.md` supports.
fn is_windows(parser: &str) -> bool {
    parser.trim().eq_ignore_ascii_case("windows")
}

/// `extract_json(path, text)` as text.
fn extract_json_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (path, text) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let mut parsed: Option<(&str, Option<Vec<jsonpath::Step>>)> = None;
    Ok(build_strings(rows, |i, out| {
        let p = path.get(i);
        if parsed.as_ref().is_none_or(|(q, _)| *q != p) {
            parsed = Some((p, jsonpath::parse_path(p)));
        }
        if let Some((_, Some(steps))) = &parsed
            && let Ok(json) = serde_json::from_str::<Json>(text.get(i))
            && let Some(value) = jsonpath::select(&json, steps)
        {
            out.push_str(&json_to_text(value));
        }
    }))
}

/// One text argument.
fn check_text(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(ScalarType::Dynamic)
}

fn check_command_line(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    match args.get(1).and_then(Arg::const_str) {
        Some(p) if !is_windows(p) => Err(ArgError::Invalid {
            index: Some(1),
            message: format!("unknown parser `{p}` (the only one is \"windows\")"),
        }),
        _ => Ok(ScalarType::Dynamic),
    }
}

/// The type an optional third argument names (a type name as a constant string), for
/// `extract_json(path, text, typeof(T))` once the binder passes `typeof(T)` as its name.
fn extract_json_type(args: &[Arg]) -> Result<ScalarType, ArgError> {
    match args.get(2) {
        None => Ok(ScalarType::String),
        Some(a) => a
            .const_str()
            .and_then(|name| {
                ScalarType::from_name(name.trim_start_matches("typeof(").trim_end_matches(')'))
            })
            .ok_or(ArgError::Invalid {
                index: Some(2),
                message: "the third argument must be a type, as in typeof(long)".into(),
            }),
    }
}

fn check_extract_json(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    if let Some(p) = args.first().and_then(Arg::const_str)
        && jsonpath::parse_path(p).is_none()
    {
        return Err(ArgError::Invalid {
            index: Some(0),
            message: format!(
                "`{p}` is not a supported JSONPath (`$`, `.name`, `['name']`, `[index]`)"
            ),
        });
    }
    extract_json_type(args)
}

/// The text, converted by the conversion function of the requested type.
fn lower_extract_json(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let ty = extract_json_type(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    let exprs: Vec<Expr> = exprs
        .into_iter()
        .take(2)
        .enumerate()
        .map(|(i, e)| text_arg(e, arg_type(args, i)))
        .collect();
    let text = call_kernel(
        "extract_json",
        "",
        DataType::Utf8,
        false,
        extract_json_kernel,
        exprs,
    );
    let convert = match ty {
        ScalarType::String => return Ok(text),
        ScalarType::Dynamic => "parse_json",
        ScalarType::Int => "toint",
        ScalarType::Long => "tolong",
        ScalarType::Real => "todouble",
        ScalarType::Decimal => "todecimal",
        ScalarType::Bool => "tobool",
        ScalarType::DateTime => "todatetime",
        ScalarType::Timespan => "totimespan",
        ScalarType::Guid => "toguid",
    };
    let f = crate::registry::lookup(convert)
        .ok_or_else(|| DataFusionError::Internal(format!("no function {convert}")))?;
    (f.lower)(vec![text], &[Arg::of(ScalarType::String)])
}

macro_rules! text_to_dynamic {
    ($name:literal, $aliases:expr, $kernel:expr) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: check_text,
            lower: |exprs, args| {
                let kernel: Kernel = $kernel;
                let exprs = exprs
                    .into_iter()
                    .map(|e| text_arg(e, arg_type(args, 0)))
                    .collect();
                Ok(call_kernel($name, "", DataType::Utf8, true, kernel, exprs))
            },
        }
    };
}

/// The parsing functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    text_to_dynamic!("parse_url", &["parseurl"], parse_url_kernel),
    text_to_dynamic!("parse_urlquery", &["parseurlquery"], parse_urlquery_kernel),
    text_to_dynamic!("parse_path", &[], parse_path_kernel),
    text_to_dynamic!("parse_csv", &[], parse_csv_kernel),
    text_to_dynamic!("parse_xml", &[], parse_xml_kernel),
    Function {
        name: "parse_command_line",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_command_line,
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .enumerate()
                .map(|(i, e)| text_arg(e, arg_type(args, i)))
                .collect();
            Ok(call_kernel(
                "parse_command_line",
                "",
                DataType::Utf8,
                true,
                parse_command_line_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "extract_json",
        aliases: &["extractjson"],
        kind: FunctionKind::Scalar,
        check: check_extract_json,
        lower: lower_extract_json,
    },
];

#[cfg(test)]
mod tests;
