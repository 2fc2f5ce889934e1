//! Finding positions: `has_any_index` and `indexof_regex`.

use super::regex::{compile, constant_regex};
use super::text_arg;
use crate::dynamic::{json_to_text, parse_dynamic, to_dynamic_expr};
use crate::registry::{
    Arg, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, expect_type,
};
use crate::string_ops::has;
use crate::strings::string_arg;
use crate::udf::{call_kernel, opt_arg, opt_long_at};
use arrow::array::{ArrayRef, Int64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use regex::Regex;
use serde_json::Value as Json;
use std::sync::Arc;

/// `has_any_index(source, values)`: the position in `values` of the first value the source
/// `has` (a term match, as the `has` operator); -1 when none is, or the list is empty
/// (DOCS `has-any-index-function.md`). Values that are not strings are matched by their
/// text (`range(1, 3, 1)` finds `2` in `Example number 2`).
pub fn has_any_index(source: &str, values: &[Json]) -> i64 {
    values
        .iter()
        .position(|v| has(source, &json_to_text(v), false))
        .and_then(|i| i64::try_from(i).ok())
        .unwrap_or(-1)
}

fn has_any_index_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (source, values) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let mut cached: Option<(Option<&str>, Vec<Json>)> = None;
    let out: Int64Array = (0..rows)
        .map(|i| {
            let text = values.get_opt(i);
            if cached.as_ref().is_none_or(|(t, _)| *t != text) {
                let list = match text.map(parse_dynamic) {
                    Some(Json::Array(items)) => items,
                    _ => Vec::new(),
                };
                cached = Some((text, list));
            }
            let list = cached.as_ref().map_or(&[][..], |(_, l)| l.as_slice());
            Some(has_any_index(source.get(i), list))
        })
        .collect();
    Ok(Arc::new(out))
}

/// `indexof_regex(source, regex, start, length, occurrence)` (DOCS
/// `indexof-regex-function.md`): the character position of the `occurrence`-th
/// non-overlapping match within the `length` characters from `start` (-1: to the end);
/// -1 when there is none; null for a negative `start` or `occurrence`, or `length < -1`.
pub fn indexof_regex(
    source: &str,
    regex: &Regex,
    start: i64,
    length: i64,
    occurrence: i64,
) -> Option<i64> {
    if start < 0 || occurrence < 0 || length < -1 {
        return None;
    }
    let byte_at = |char_index: i64| {
        usize::try_from(char_index).ok().map(|n| {
            source
                .char_indices()
                .nth(n)
                .map_or(source.len(), |(b, _)| b)
        })
    };
    let from = byte_at(start)?;
    let to = if length == -1 {
        source.len()
    } else {
        byte_at(start.saturating_add(length))?
    };
    let window = source.get(from..to)?;
    let found = regex
        .find_iter(window)
        .nth(usize::try_from(occurrence.max(1) - 1).ok()?);
    Some(match found {
        Some(m) => {
            let chars_before = window.get(..m.start())?.chars().count();
            start + i64::try_from(chars_before).ok()?
        }
        None => -1,
    })
}

fn indexof_regex_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (source, pattern) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let (start, length, occurrence) = (
        opt_arg::<Int64Array>(args, 2)?,
        opt_arg::<Int64Array>(args, 3)?,
        opt_arg::<Int64Array>(args, 4)?,
    );
    let mut compiled: Option<(&str, Option<Regex>)> = None;
    let out: Int64Array = (0..rows)
        .map(|i| {
            let p = pattern.get(i);
            if compiled.as_ref().is_none_or(|(q, _)| *q != p) {
                compiled = Some((p, compile(p).ok()));
            }
            let regex = compiled.as_ref()?.1.as_ref()?;
            indexof_regex(
                source.get(i),
                regex,
                opt_long_at(start, i, 0)?,
                opt_long_at(length, i, -1)?,
                opt_long_at(occurrence, i, 1)?,
            )
        })
        .collect();
    Ok(Arc::new(out))
}

fn check_indexof_regex(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 5, "2 to 5")?;
    constant_regex(args, 1)?;
    for i in 2..args.len() {
        expect_type(args, i, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    }
    Ok(ScalarType::Long)
}

fn lower_indexof_regex(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 | 1 => text_arg(e, arg_type(args, i)),
            _ => cast_to(e, arg_type(args, i), ScalarType::Long),
        })
        .collect();
    Ok(call_kernel(
        "indexof_regex",
        "",
        DataType::Int64,
        true,
        indexof_regex_kernel,
        exprs,
    ))
}

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "has_any_index",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 2, 2, "2")?;
            expect_type(args, 1, &[ScalarType::Dynamic], "dynamic")?;
            Ok(ScalarType::Long)
        },
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .enumerate()
                .map(|(i, e)| match i {
                    0 => text_arg(e, arg_type(args, 0)),
                    _ => to_dynamic_expr(e, arg_type(args, i)),
                })
                .collect();
            Ok(call_kernel(
                "has_any_index",
                "",
                DataType::Int64,
                true,
                has_any_index_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "indexof_regex",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_indexof_regex,
        lower: lower_indexof_regex,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_lookups() {
        // DOCS has-any-index-function.md: 0, 1, -1, 1, -1.
        let s = "this is an example";
        let items = |j: Json| j.as_array().cloned().unwrap_or_default();
        assert_eq!(has_any_index(s, &items(json!(["this", "example"]))), 0);
        assert_eq!(has_any_index(s, &items(json!(["not", "example"]))), 1);
        assert_eq!(has_any_index(s, &items(json!(["not", "found"]))), -1);
        assert_eq!(
            has_any_index("Example number 2", &items(json!([1, 2, 3]))),
            1
        );
        assert_eq!(has_any_index(s, &[]), -1);
        // Terms, not substrings.
        assert_eq!(has_any_index(s, &items(json!(["exam"]))), -1);
        // DOCS indexof-regex-function.md: 0, 3, -1, -1, null.
        let a_c = compile("a.c").unwrap();
        assert_eq!(indexof_regex("abcabc", &a_c, 0, -1, 1), Some(0));
        assert_eq!(indexof_regex("abcabcdefg", &a_c, 0, 9, 2), Some(3));
        assert_eq!(indexof_regex("abcabc", &a_c, 1, -1, 2), Some(-1));
        assert_eq!(
            indexof_regex("ababaa", &compile("a.a").unwrap(), 0, -1, 2),
            Some(-1)
        );
        assert_eq!(
            indexof_regex("abcabc", &compile("a|ab").unwrap(), -1, -1, 1),
            None
        );
        // Positions count characters.
        assert_eq!(indexof_regex("ääabc", &a_c, 0, -1, 1), Some(2));
    }
}
