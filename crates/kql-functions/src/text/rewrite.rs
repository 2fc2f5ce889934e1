//! Rewriting text: `reverse`, `strrep`, `translate`, `replace_strings`.

use super::text_arg;
use crate::convert::format_datetime_json_text;
use crate::dynamic::{json_to_text, parse_dynamic, to_dynamic_expr};
use crate::registry::{
    Arg, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, expect_type,
};
use crate::strings::{build_strings, string_arg};
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, Int64Array, TimestampNanosecondArray};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use serde_json::Value as Json;

/// `reverse(value)`: the characters of the value's text in reverse order (DOCS
/// `reverse-function.md`: `reverse(123.45)` is `54.321`). A datetime is reversed in its
/// full form with seven fraction digits, as the page shows:
/// `datetime(2017-10-15 12:00)` gives `Z0000000.00:00:21T51-01-7102`.
fn reverse_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let value = arg(args, 0)?;
    if let Some(dates) = value.as_any().downcast_ref::<TimestampNanosecondArray>() {
        return Ok(build_strings(rows, |i, out| {
            if let Some(ns) = value_at(dates, i) {
                out.extend(format_datetime_json_text(ns).chars().rev());
            }
        }));
    }
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        out.extend(s.get(i).chars().rev())
    }))
}

/// The largest repeat count `strrep` honours (DOCS `strrep-function.md`: "If multiplier
/// is more than the maximal allowed value of 1024, the input string will be repeated 1024
/// times").
const MAX_REPEAT: i64 = 1024;

/// `strrep(value, count[, delimiter])`: `""` for a count below 1 or null.
fn strrep_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let value = string_arg(args, 0)?;
    let count = downcast::<Int64Array>(arg(args, 1)?.as_ref())?;
    let delimiter = match args.get(2) {
        Some(_) => Some(string_arg(args, 2)?),
        None => None,
    };
    Ok(build_strings(rows, |i, out| {
        let n = value_at(count, i).unwrap_or(0).min(MAX_REPEAT);
        for k in 0..n {
            if k > 0
                && let Some(d) = delimiter
            {
                out.push_str(d.get(i));
            }
            out.push_str(value.get(i));
        }
    }))
}

/// `translate(search, replacement, source)` (DOCS `translate-function.md`): each character
/// of `search` found in `source` becomes the character at the same place in `replacement`,
/// or its last character when `replacement` is shorter; an empty `replacement` deletes
/// them (`translate("abc", "x", "abc")` is `xxx`, `translate("abc", "", "ab")` is `""`).
pub fn translate(search: &str, replacement: &str, source: &str) -> String {
    let search: Vec<char> = search.chars().collect();
    let replacement: Vec<char> = replacement.chars().collect();
    source
        .chars()
        .filter_map(|c| match search.iter().position(|&s| s == c) {
            None => Some(c),
            Some(i) => replacement.get(i).or(replacement.last()).copied(),
        })
        .collect()
}

fn translate_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (search, replacement, source) = (
        string_arg(args, 0)?,
        string_arg(args, 1)?,
        string_arg(args, 2)?,
    );
    Ok(build_strings(rows, |i, out| {
        out.push_str(&translate(search.get(i), replacement.get(i), source.get(i)))
    }))
}

/// `replace_strings(text, lookups, rewrites)` (DOCS `replace-strings-function.md`): the
/// lookups apply in list order, each to the text the earlier ones left unreplaced, so an
/// earlier lookup takes precedence and a rewrite is never matched again (`['is', 'This']`
/// turns `This is` into `Thwas was`). Lookups that are not strings or are empty, and
/// lookups whose rewrite is not a string, are skipped.
pub fn replace_strings(text: &str, lookups: &[(String, String)]) -> String {
    // The text as pieces, each marked replaced (final) or not.
    let mut pieces: Vec<(String, bool)> = vec![(text.to_string(), false)];
    for (lookup, rewrite) in lookups {
        let mut next = Vec::with_capacity(pieces.len());
        for (piece, replaced) in pieces {
            if replaced || !piece.contains(lookup.as_str()) {
                next.push((piece, replaced));
                continue;
            }
            let mut parts = piece.split(lookup.as_str());
            if let Some(first) = parts.next() {
                next.push((first.to_string(), false));
            }
            for part in parts {
                next.push((rewrite.clone(), true));
                next.push((part.to_string(), false));
            }
        }
        pieces = next;
    }
    pieces.into_iter().map(|(p, _)| p).collect()
}

/// Lookup strings and their rewrites.
type Pairs = Vec<(String, String)>;

/// The lookup/rewrite pairs of `replace_strings`' two arrays.
fn pairs(lookups: &Json, rewrites: &Json) -> Vec<(String, String)> {
    let (Json::Array(l), Json::Array(r)) = (lookups, rewrites) else {
        return Vec::new();
    };
    l.iter()
        .zip(r)
        .filter_map(|(l, r)| match (l, r) {
            (Json::String(l), Json::String(_)) if !l.is_empty() => {
                Some((l.clone(), json_to_text(r)))
            }
            _ => None,
        })
        .collect()
}

fn replace_strings_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (text, lookups, rewrites) = (
        string_arg(args, 0)?,
        string_arg(args, 1)?,
        string_arg(args, 2)?,
    );
    let mut cached: Option<((&str, &str), Pairs)> = None;
    Ok(build_strings(rows, |i, out| {
        let key = (lookups.get(i), rewrites.get(i));
        if cached.as_ref().is_none_or(|(k, _)| *k != key) {
            cached = Some((key, pairs(&parse_dynamic(key.0), &parse_dynamic(key.1))));
        }
        if let Some((_, p)) = &cached {
            out.push_str(&replace_strings(text.get(i), p));
        }
    }))
}

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "reverse",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 1, 1, "1")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .map(|e| match arg_type(args, 0) {
                    ScalarType::DateTime => e,
                    ty => text_arg(e, ty),
                })
                .collect();
            Ok(call_kernel(
                "reverse",
                "",
                DataType::Utf8,
                false,
                reverse_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "strrep",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_strrep,
        lower: lower_strrep,
    },
    Function {
        name: "translate",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 3, 3, "3")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .enumerate()
                .map(|(i, e)| text_arg(e, arg_type(args, i)))
                .collect();
            Ok(call_kernel(
                "translate",
                "",
                DataType::Utf8,
                false,
                translate_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "replace_strings",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 3, 3, "3")?;
            expect_type(args, 1, &[ScalarType::Dynamic], "dynamic")?;
            expect_type(args, 2, &[ScalarType::Dynamic], "dynamic")?;
            Ok(ScalarType::String)
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
                "replace_strings",
                "",
                DataType::Utf8,
                false,
                replace_strings_kernel,
                exprs,
            ))
        },
    },
];

fn check_strrep(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    Ok(ScalarType::String)
}

/// The value and delimiter as text, the count as `long`.
fn lower_strrep(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            1 => cast_to(e, arg_type(args, 1), ScalarType::Long),
            _ => text_arg(e, arg_type(args, i)),
        })
        .collect();
    Ok(call_kernel(
        "strrep",
        "",
        DataType::Utf8,
        false,
        strrep_kernel,
        exprs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_rewrites() {
        // DOCS translate-function.md.
        assert_eq!(translate("abc", "x", "abc"), "xxx");
        assert_eq!(translate("abc", "", "ab"), "");
        assert_eq!(translate("krasp", "otsku", "spark"), "kusto");
        // DOCS replace-strings-function.md, all three examples.
        let p = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let msg = "A magic trick can turn a cat into a dog";
        assert_eq!(
            replace_strings(msg, &p(&[("cat", "dog"), ("dog", "pigeon")])),
            "A magic trick can turn a dog into a pigeon"
        );
        assert_eq!(
            replace_strings(msg, &p(&[("turn", "disappear"), (" into a dog", "")])),
            "A magic trick can disappear a cat"
        );
        let msg = "This is an example of using replace_strings()";
        assert_eq!(
            replace_strings(msg, &p(&[("This", "This"), ("is", "was")])),
            "This was an example of using replace_strings()"
        );
        assert_eq!(
            replace_strings(msg, &p(&[("is", "was"), ("This", "This")])),
            "Thwas was an example of using replace_strings()"
        );
    }
}
