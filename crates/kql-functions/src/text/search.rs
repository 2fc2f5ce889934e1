//! Plain-text search and rewrite: `indexof`, `countof` (normal kind), `split`,
//! `replace_string`. Positions count characters.

use super::text_arg;
use crate::registry::{Arg, ArgError, CheckResult, arg_type, cast_to, expect_count, expect_type};
use crate::strings::{build_strings, string_arg};
use crate::udf::{Kernel, call_kernel, opt_arg, opt_long_at};
use arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result, Result as DfResult};
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// `indexof(source, lookup, start, length, occurrence)` (DOCS `indexof-function.md`).
///
/// A negative `start` counts from the end; `length` -1 means no limit. The documented
/// examples fit one reading only: the examined window is the characters
/// `start ..= start + length` (`length + 1` characters) and a match must lie inside it
/// (`indexof("abcdefg","cde",1,2)` is -1 but `indexof("abcdefgabcdefg","cde",1,10,2)` is 9).
/// Null when `start` is still negative, `length < -1` or `occurrence < 0`; -1 when not
/// found. An empty lookup is found at `start`.
pub fn indexof(
    source: &str,
    lookup: &str,
    start: i64,
    length: i64,
    occurrence: i64,
) -> Option<i64> {
    if length < -1 || occurrence < 0 {
        return None;
    }
    let chars: Vec<char> = source.chars().collect();
    let needle: Vec<char> = lookup.chars().collect();
    let n = i64::try_from(chars.len()).ok()?;
    let start = if start < 0 { n + start } else { start };
    if start < 0 {
        return None;
    }
    let end = if length == -1 {
        n
    } else {
        start.saturating_add(length).saturating_add(1).min(n)
    };
    let m = i64::try_from(needle.len()).ok()?;
    let mut seen = 0;
    let mut p = start;
    while p + m <= end {
        let window = chars.get(usize::try_from(p).ok()?..usize::try_from(p + m).ok()?)?;
        if window == needle.as_slice() {
            seen += 1;
            if seen >= occurrence.max(1) {
                return Some(p);
            }
        }
        p += 1;
    }
    Some(-1)
}

/// `countof(source, search)`: occurrences of `search`, overlapping ones included (DOCS
/// `countof-function.md`: `countof("aaaa", "aa")` is 3). An empty search counts 0.
pub fn countof(source: &str, search: &str) -> i64 {
    if search.is_empty() {
        return 0;
    }
    let finder = memchr::memmem::Finder::new(search.as_bytes());
    let (mut count, mut from) = (0, 0);
    while let Some(p) = source.as_bytes().get(from..).and_then(|h| finder.find(h)) {
        count += 1;
        // Next character boundary after the match start, so overlapping matches count.
        from += p + source
            .get(from + p..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
    }
    count
}

/// `split(source, delimiter)`: the pieces between delimiters (DOCS `split-function.md`:
/// `split("a__b", "_")` is `["a","","b"]`, `split("", "_")` is `[""]`). An empty delimiter
/// leaves the source whole.
pub fn split<'a>(source: &'a str, delimiter: &str) -> Vec<&'a str> {
    if delimiter.is_empty() {
        vec![source]
    } else {
        source.split(delimiter).collect()
    }
}

/// `replace_string(text, lookup, rewrite)`: every non-overlapping occurrence replaced; an
/// empty lookup changes nothing.
pub fn replace_string(text: &str, lookup: &str, rewrite: &str) -> String {
    if lookup.is_empty() {
        text.to_string()
    } else {
        text.replace(lookup, rewrite)
    }
}

pub(super) fn indexof_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (source, lookup) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let (start, length, occurrence) = (
        opt_arg::<Int64Array>(args, 2)?,
        opt_arg::<Int64Array>(args, 3)?,
        opt_arg::<Int64Array>(args, 4)?,
    );
    let out: Int64Array = (0..rows)
        .map(|i| {
            indexof(
                source.get(i),
                lookup.get(i),
                opt_long_at(start, i, 0)?,
                opt_long_at(length, i, -1)?,
                opt_long_at(occurrence, i, 1)?,
            )
        })
        .collect();
    Ok(Arc::new(out))
}

pub(super) fn countof_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (source, search) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let out: Int64Array = (0..rows)
        .map(|i| Some(countof(source.get(i), search.get(i))))
        .collect();
    Ok(Arc::new(out))
}

/// `split(source, delimiter[, index])` as `dynamic`: with an index, an array holding only
/// that piece, or `[]` when there is none.
pub(super) fn split_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (source, delim) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let index = opt_arg::<Int64Array>(args, 2)?;
    let out: StringArray = (0..rows)
        .map(|i| {
            let pieces = split(source.get(i), delim.get(i));
            let pieces = match index {
                None => pieces,
                Some(ix) if ix.is_null(i) => return None,
                Some(ix) => usize::try_from(ix.value(i))
                    .ok()
                    .and_then(|k| pieces.get(k).copied())
                    .into_iter()
                    .collect(),
            };
            Some(serde_json::Value::from(pieces).to_string())
        })
        .collect();
    Ok(Arc::new(out))
}

pub(super) fn replace_string_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let (text, lookup, rewrite) = (
        string_arg(args, 0)?,
        string_arg(args, 1)?,
        string_arg(args, 2)?,
    );
    Ok(build_strings(rows, |i, out| {
        out.push_str(&replace_string(text.get(i), lookup.get(i), rewrite.get(i)));
    }))
}

/// `indexof(source, lookup[, start[, length[, occurrence]]])`.
pub(super) fn check_indexof(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 5, "2 to 5")?;
    for i in 2..args.len() {
        expect_type(args, i, INTEGER, "an integer")?;
    }
    Ok(ScalarType::Long)
}

/// `split(source, delimiter[, requestedIndex])`.
pub(super) fn check_split(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    expect_type(args, 2, INTEGER, "an integer")?;
    Ok(ScalarType::Dynamic)
}

/// `countof(source, search[, kind])`: `kind` is the constant `"normal"` or `"regex"`, and
/// a regex search must be a constant.
pub(super) fn check_countof(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    if countof_kind(args)? {
        super::regex::constant_regex(args, 1)?;
    }
    Ok(ScalarType::Long)
}

/// Whether `countof`'s kind is `"regex"`.
fn countof_kind(args: &[Arg]) -> Result<bool, ArgError> {
    let Some(kind) = args.get(2) else {
        return Ok(false);
    };
    match kind.const_str() {
        Some("normal") => Ok(false),
        Some("regex") => Ok(true),
        Some(other) => Err(ArgError::Invalid {
            index: Some(2),
            message: format!("kind must be \"normal\" or \"regex\", not {other:?}"),
        }),
        None => Err(ArgError::NotConstant {
            index: 2,
            what: "kind (\"normal\" or \"regex\")",
        }),
    }
}

pub(super) fn lower_countof(mut exprs: Vec<Expr>, args: &[Arg]) -> DfResult<Expr> {
    let regex = countof_kind(args).map_err(|e| DataFusionError::Plan(e.to_string()))?;
    exprs.truncate(2);
    if regex {
        super::regex::lower_countof_regex(exprs, args)
    } else {
        Ok(lower("countof", countof_kernel, exprs, args))
    }
}

/// The call of a search kernel: the first two arguments as text, the rest as `long`.
pub(super) fn lower(name: &'static str, kernel: Kernel, exprs: Vec<Expr>, args: &[Arg]) -> Expr {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let ty = arg_type(args, i);
            if i < 2 || name == "replace_string" {
                text_arg(e, ty)
            } else {
                cast_to(e, ty, ScalarType::Long)
            }
        })
        .collect();
    let (ret, nullable) = match name {
        "replace_string" => (DataType::Utf8, false),
        "split" => (DataType::Utf8, true),
        _ => (DataType::Int64, true),
    };
    call_kernel(name, "", ret, nullable, kernel, exprs)
}

const INTEGER: &[ScalarType] = &[ScalarType::Int, ScalarType::Long];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexof_documented_examples() {
        // DOCS indexof-function.md: idx1..idx9 = 2, 2, -1, -1, 2, 4, 2, 9, -1.
        assert_eq!(indexof("abcdefg", "cde", 0, -1, 1), Some(2));
        assert_eq!(indexof("abcdefg", "cde", 1, 4, 1), Some(2));
        assert_eq!(indexof("abcdefg", "cde", 1, 2, 1), Some(-1));
        assert_eq!(indexof("abcdefg", "cde", 3, 4, 1), Some(-1));
        assert_eq!(indexof("abcdefg", "cde", -5, -1, 1), Some(2));
        assert_eq!(indexof("1234567", "5", 1, 4, 1), Some(4));
        assert_eq!(indexof("abcdefg", "cde", 2, -1, 1), Some(2));
        assert_eq!(indexof("abcdefgabcdefg", "cde", 1, 10, 2), Some(9));
        assert_eq!(indexof("abcdefgabcdefg", "cde", 1, -1, 3), Some(-1));
        // Nulls for irrelevant inputs.
        assert_eq!(indexof("abc", "b", 0, -2, 1), None);
        assert_eq!(indexof("abc", "b", 0, -1, -1), None);
        assert_eq!(indexof("abc", "b", -5, -1, 1), None);
        // Characters, not bytes.
        assert_eq!(indexof("äöüx", "x", 0, -1, 1), Some(3));
    }

    #[test]
    fn countof_documented_examples() {
        // DOCS countof-function.md (normal kind).
        assert_eq!(countof("aaa", "a"), 3);
        assert_eq!(countof("aaaa", "aa"), 3);
        assert_eq!(countof("ababa", "ab"), 2);
        assert_eq!(countof("ababa", "aba"), 2);
        assert_eq!(countof("ää-ää", "ää"), 2);
        assert_eq!(countof("abc", ""), 0);
    }

    #[test]
    fn split_and_replace_documented_examples() {
        // DOCS split-function.md.
        assert_eq!(split("aa_bb", "_"), ["aa", "bb"]);
        assert_eq!(split("", "_"), [""]);
        assert_eq!(split("a__b", "_"), ["a", "", "b"]);
        assert_eq!(split("aabbcc", "bb"), ["aa", "cc"]);
        // DOCS replace-string-function.md.
        assert_eq!(
            replace_string("A magic trick can turn a cat into a dog", "cat", "hamster"),
            "A magic trick can turn a hamster into a dog"
        );
        assert_eq!(replace_string("Number is 1", "is", "was"), "Number was 1");
        assert_eq!(replace_string("abc", "", "x"), "abc");
    }
}
