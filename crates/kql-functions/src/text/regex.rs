//! Regular-expression functions: `extract`, `extract_all`, `replace_regex`, `trim`,
//! `trim_start`, `trim_end`, and `countof(..., "regex")`.
//!
//! Kusto's regex dialect is the Rust `regex` crate's (DOCS `regex.md`, rewritten when Kusto
//! moved to it), so patterns are used as written. The pattern must be a constant: it is
//! compiled once, when the query is planned, and an invalid one is reported then.

use super::text_arg;
use crate::registry::{Arg, ArgError, CheckResult, arg_type, cast_to, expect_count, expect_type};
use crate::strings::{build_strings, string_arg};
use crate::udf::{downcast, invoke_kernel};
use arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use kql_syntax::ScalarType;
use regex::Regex;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A capture group selected by `extract_all`'s `captureGroups`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Group {
    Index(usize),
    Name(String),
}

/// The regex function a [`RegexUdf`] computes, with its constant options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum RegexFn {
    /// `extract(regex, group, source)`; arguments: group, source.
    Extract,
    /// `extract_all(regex, [groups,] source)`; argument: source.
    ExtractAll(Vec<Group>),
    /// `replace_regex(source, regex, rewrite)`; arguments: source, rewrite.
    Replace,
    /// `trim`, `trim_start`, `trim_end`; argument: source.
    Trim { start: bool, end: bool },
    /// `countof(source, regex, "regex")`; argument: source.
    CountOf,
}

/// A regex function with its compiled pattern.
#[derive(Debug)]
pub(crate) struct RegexUdf {
    func: RegexFn,
    pattern: String,
    regex: Regex,
    /// For trims: the pattern anchored at the start and at the end, repeated.
    anchored: Option<(Regex, Regex)>,
    signature: Signature,
}

impl PartialEq for RegexUdf {
    fn eq(&self, other: &Self) -> bool {
        (&self.func, &self.pattern) == (&other.func, &other.pattern)
    }
}
impl Eq for RegexUdf {}
impl Hash for RegexUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.func, &self.pattern).hash(state);
    }
}

/// Compiles `pattern`, describing the error as the user wrote it. Octal escapes are on:
/// DOCS `regex.md` lists `\123` ("octal character code, up to three digits"), and
/// detection rules use `\0` for the NUL character.
pub(crate) fn compile(pattern: &str) -> std::result::Result<Regex, String> {
    regex::RegexBuilder::new(&translate_re2(pattern))
        .octal(true)
        .build()
        .map_err(|e| format!("invalid regular expression: {e}"))
}

impl RegexUdf {
    pub(crate) fn new(func: RegexFn, pattern: &str) -> std::result::Result<Self, String> {
        let regex = compile(pattern)?;
        let anchored = match func {
            // Repeated, so that `trim("-", "--a--")` removes both dashes on each side.
            RegexFn::Trim { .. } => Some((
                compile(&format!(r"\A(?:{pattern})+"))?,
                compile(&format!(r"(?:{pattern})+\z"))?,
            )),
            _ => None,
        };
        Ok(RegexUdf {
            func,
            pattern: pattern.to_string(),
            regex,
            anchored,
            signature: Signature::variadic_any(Volatility::Immutable),
        })
    }

    /// The call expression.
    pub(crate) fn call(self, args: Vec<Expr>) -> Expr {
        ScalarUDF::new_from_impl(self).call(args)
    }

    fn return_type(&self) -> DataType {
        match self.func {
            RegexFn::CountOf => DataType::Int64,
            _ => DataType::Utf8,
        }
    }

    fn run(&self, args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
        match &self.func {
            RegexFn::Extract => {
                let group = downcast::<Int64Array>(crate::udf::arg(args, 0)?.as_ref())?;
                let source = string_arg(args, 1)?;
                Ok(build_strings(rows, |i, out| {
                    if let Some(g) = group.is_valid(i).then(|| group.value(i))
                        && let Ok(g) = usize::try_from(g)
                        && let Some(m) = self.regex.captures(source.get(i)).and_then(|c| c.get(g))
                    {
                        out.push_str(m.as_str());
                    }
                }))
            }
            RegexFn::ExtractAll(groups) => {
                let source = string_arg(args, 0)?;
                let out: StringArray = (0..rows)
                    .map(|i| self.extract_all(source.get(i), groups))
                    .collect();
                Ok(Arc::new(out))
            }
            RegexFn::Replace => {
                let (source, rewrite) = (string_arg(args, 0)?, string_arg(args, 1)?);
                Ok(build_strings(rows, |i, out| {
                    let rewrite = rust_replacement(rewrite.get(i));
                    out.push_str(&self.regex.replace_all(source.get(i), rewrite.as_str()));
                }))
            }
            RegexFn::Trim { start, end } => {
                let source = string_arg(args, 0)?;
                let Some((head, tail)) = &self.anchored else {
                    return Err(DataFusionError::Internal("trim without anchors".into()));
                };
                Ok(build_strings(rows, |i, out| {
                    let mut s = source.get(i);
                    if *start && let Some(m) = head.find(s) {
                        s = s.get(m.end()..).unwrap_or("");
                    }
                    if *end && let Some(m) = tail.find(s) {
                        s = s.get(..m.start()).unwrap_or("");
                    }
                    out.push_str(s);
                }))
            }
            RegexFn::CountOf => {
                let source = string_arg(args, 0)?;
                let out: Int64Array = (0..rows)
                    .map(|i| i64::try_from(self.regex.find_iter(source.get(i)).count()).ok())
                    .collect();
                Ok(Arc::new(out))
            }
        }
    }

    /// `extract_all` of one value: null without a match; one group per match gives a flat
    /// array, several give an array per match. Groups that did not take part are `""`.
    fn extract_all(&self, source: &str, groups: &[Group]) -> Option<String> {
        let indexes: Vec<usize> = if groups.is_empty() {
            (1..self.regex.captures_len()).collect()
        } else {
            groups
                .iter()
                .filter_map(|g| match g {
                    Group::Index(i) => Some(*i),
                    Group::Name(n) => self
                        .regex
                        .capture_names()
                        .position(|c| c == Some(n.as_str())),
                })
                .collect()
        };
        let mut rows = Vec::new();
        for caps in self.regex.captures_iter(source) {
            let values: Vec<serde_json::Value> = indexes
                .iter()
                .map(|&g| caps.get(g).map_or("", |m| m.as_str()).into())
                .collect();
            rows.push(match <[serde_json::Value; 1]>::try_from(values) {
                Ok([single]) => single,
                Err(values) => serde_json::Value::Array(values),
            });
        }
        (!rows.is_empty()).then(|| serde_json::Value::Array(rows).to_string())
    }
}

/// Kusto's rewrite syntax (`\0` the match, `\1` the first group) in the `regex` crate's
/// (`${0}`, `${1}`; a literal `$` doubled).
fn rust_replacement(rewrite: &str) -> String {
    let mut out = String::with_capacity(rewrite.len());
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str("${");
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
                out.push('}');
            }
            _ => out.push(c),
        }
    }
    out
}

impl ScalarUDFImpl for RegexUdf {
    fn name(&self) -> &str {
        match self.func {
            RegexFn::Extract => "extract",
            RegexFn::ExtractAll(_) => "extract_all",
            RegexFn::Replace => "replace_regex",
            RegexFn::Trim {
                start: true,
                end: true,
            } => "trim",
            RegexFn::Trim { start: true, .. } => "trim_start",
            RegexFn::Trim { .. } => "trim_end",
            RegexFn::CountOf => "countof",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(RegexUdf::return_type(self))
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        let nullable = matches!(self.func, RegexFn::ExtractAll(_));
        Ok(Arc::new(Field::new(
            self.name(),
            RegexUdf::return_type(self),
            nullable,
        )))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        invoke_kernel(
            |a, rows| self.run(a, rows),
            &args.args,
            args.number_rows,
            self.name(),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Typing rules and lowering.

/// The constant regex at `index`, checked to compile.
pub(super) fn constant_regex(args: &[Arg], index: usize) -> std::result::Result<&str, ArgError> {
    let pattern = args
        .get(index)
        .and_then(Arg::const_str)
        .ok_or(ArgError::NotConstant {
            index,
            what: "regular expression",
        })?;
    compile(pattern).map_err(|message| ArgError::Invalid {
        index: Some(index),
        message,
    })?;
    Ok(pattern)
}

fn plan_err(e: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Plan(e.to_string())
}

/// Builds the UDF for `func` over `pattern` applied to `exprs`.
fn regex_call(func: RegexFn, pattern: &str, exprs: Vec<Expr>) -> Result<Expr> {
    Ok(RegexUdf::new(func, pattern).map_err(plan_err)?.call(exprs))
}

/// The type named by `extract`'s optional fourth argument (the binder passes `typeof(T)`
/// as the constant string `"T"`).
fn extract_type(args: &[Arg]) -> std::result::Result<ScalarType, ArgError> {
    let Some(arg) = args.get(3) else {
        return Ok(ScalarType::String);
    };
    arg.const_str()
        .and_then(ScalarType::from_name)
        .filter(|t| *t != ScalarType::Decimal)
        .ok_or(ArgError::Invalid {
            index: Some(3),
            message: "expected a type such as typeof(long)".into(),
        })
}

/// `extract(regex, captureGroup, source[, typeLiteral])`.
pub(super) fn check_extract(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 4, "3 or 4")?;
    constant_regex(args, 0)?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    extract_type(args)
}

/// The match as a string (`""` without one), converted with the `to*` function of the
/// requested type, which makes a failed match or conversion null (DOCS
/// `extract-function.md`).
pub(super) fn lower_extract(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let pattern = constant_regex(args, 0).map_err(plan_err)?;
    let ty = extract_type(args).map_err(plan_err)?;
    let mut it = exprs.into_iter().skip(1);
    let (Some(group), Some(source)) = (it.next(), it.next()) else {
        return Err(plan_err("extract expects 3 arguments"));
    };
    let text = regex_call(
        RegexFn::Extract,
        pattern,
        vec![
            cast_to(group, arg_type(args, 1), ScalarType::Long),
            text_arg(source, arg_type(args, 2)),
        ],
    )?;
    let convert = match ty {
        ScalarType::String => return Ok(text),
        ScalarType::Dynamic => "parse_json",
        ScalarType::Int => "toint",
        ScalarType::Long => "tolong",
        ScalarType::Real | ScalarType::Decimal => "todouble",
        ScalarType::Bool => "tobool",
        ScalarType::DateTime => "todatetime",
        ScalarType::Timespan => "totimespan",
        ScalarType::Guid => "toguid",
    };
    let f = crate::registry::lookup(convert).ok_or_else(|| plan_err("missing conversion"))?;
    (f.lower)(vec![text], &[Arg::of(ScalarType::String)])
}

/// `extract_all(regex, [captureGroups,] source)`: the regex needs a capture group, and the
/// selection is a constant array of group numbers and names.
pub(super) fn check_extract_all(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 3, "2 or 3")?;
    extract_all_groups(args)?;
    Ok(ScalarType::Dynamic)
}

fn extract_all_groups(args: &[Arg]) -> std::result::Result<(&str, Vec<Group>), ArgError> {
    let pattern = constant_regex(args, 0)?;
    let regex = compile(pattern).map_err(|message| ArgError::Invalid {
        index: Some(0),
        message,
    })?;
    let count = regex.captures_len() - 1;
    if !(1..=16).contains(&count) {
        return Err(ArgError::Invalid {
            index: Some(0),
            message: format!("the regular expression needs 1 to 16 capture groups, not {count}"),
        });
    }
    if args.len() < 3 {
        return Ok((pattern, Vec::new()));
    }
    let bad = |message: String| ArgError::Invalid {
        index: Some(1),
        message,
    };
    let text = args
        .get(1)
        .and_then(Arg::const_str)
        .ok_or(ArgError::NotConstant {
            index: 1,
            what: "array of capture groups",
        })?;
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| bad("expected an array of capture groups".into()))?;
    let items = json
        .as_array()
        .ok_or_else(|| bad("expected an array of capture groups".into()))?;
    items
        .iter()
        .map(|g| match g {
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| (1..=count).contains(i))
                .map(Group::Index)
                .ok_or_else(|| bad(format!("capture group {n} does not exist"))),
            serde_json::Value::String(name) => {
                if regex.capture_names().any(|c| c == Some(name.as_str())) {
                    Ok(Group::Name(name.clone()))
                } else {
                    Err(bad(format!("capture group {name:?} does not exist")))
                }
            }
            other => Err(bad(format!("{other} is not a capture group"))),
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map(|groups| (pattern, groups))
}

pub(super) fn lower_extract_all(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let (pattern, groups) = extract_all_groups(args).map_err(plan_err)?;
    let last = args.len().saturating_sub(1);
    let source = exprs
        .into_iter()
        .nth(last)
        .ok_or_else(|| plan_err("extract_all expects a source"))?;
    regex_call(
        RegexFn::ExtractAll(groups),
        pattern,
        vec![text_arg(source, arg_type(args, last))],
    )
}

/// `replace_regex(source, lookup_regex, rewrite_pattern)`.
pub(super) fn check_replace_regex(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    constant_regex(args, 1)?;
    Ok(ScalarType::String)
}

pub(super) fn lower_replace_regex(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let pattern = constant_regex(args, 1).map_err(plan_err)?;
    let mut it = exprs.into_iter();
    let (Some(source), _, Some(rewrite)) = (it.next(), it.next(), it.next()) else {
        return Err(plan_err("replace_regex expects 3 arguments"));
    };
    regex_call(
        RegexFn::Replace,
        pattern,
        vec![
            text_arg(source, arg_type(args, 0)),
            text_arg(rewrite, arg_type(args, 2)),
        ],
    )
}

/// The deprecated `replace(regex, rewrite, text)`: `replace_regex` with the arguments in
/// another order.
pub(super) fn check_replace_legacy(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    constant_regex(args, 0)?;
    Ok(ScalarType::String)
}

pub(super) fn lower_replace_legacy(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let pattern = constant_regex(args, 0).map_err(plan_err)?;
    let mut it = exprs.into_iter();
    let (_, Some(rewrite), Some(source)) = (it.next(), it.next(), it.next()) else {
        return Err(plan_err("replace expects 3 arguments"));
    };
    regex_call(
        RegexFn::Replace,
        pattern,
        vec![
            text_arg(source, arg_type(args, 2)),
            text_arg(rewrite, arg_type(args, 1)),
        ],
    )
}

/// `trim(regex, source)` and its one-sided forms.
pub(super) fn check_trim(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    constant_regex(args, 0)?;
    Ok(ScalarType::String)
}

pub(super) fn lower_trim(exprs: Vec<Expr>, args: &[Arg], start: bool, end: bool) -> Result<Expr> {
    let pattern = constant_regex(args, 0).map_err(plan_err)?;
    let source = exprs
        .into_iter()
        .nth(1)
        .ok_or_else(|| plan_err("trim expects 2 arguments"))?;
    regex_call(
        RegexFn::Trim { start, end },
        pattern,
        vec![text_arg(source, arg_type(args, 1))],
    )
}

/// `countof(source, regex, "regex")`: non-overlapping matches.
pub(super) fn lower_countof_regex(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let pattern = constant_regex(args, 1).map_err(plan_err)?;
    let source = exprs
        .into_iter()
        .next()
        .ok_or_else(|| plan_err("countof expects a source"))?;
    regex_call(
        RegexFn::CountOf,
        pattern,
        vec![text_arg(source, arg_type(args, 0))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_escapes_are_read() {
        // DOCS regex.md: `\123` is an octal character code.
        let re = compile(r"\101\0").unwrap();
        assert!(re.is_match("A\u{0}"));
        assert!(!re.is_match("A0"));
    }

    #[test]
    fn rewrite_syntax() {
        assert_eq!(rust_replacement(r"was: \1"), "was: ${1}");
        assert_eq!(rust_replacement(r"\0-\12$"), "${0}-${12}$$");
        assert_eq!(rust_replacement(r"a\b"), r"a\b");
    }
}

/// Rewrites the few RE2 spellings (Kusto's documented regex dialect) that the Rust `regex`
/// crate reads differently: inside a character class, RE2 takes `[` (unless it opens a
/// POSIX class such as `[:alpha:]`) and the pairs `&&`, `--`, `~~` literally, while Rust
/// reads them as a nested class and set operations. `[[]` (a class of `[`), common in
/// Sentinel queries, becomes `[\[]`. Everything else is passed through unchanged.
pub fn translate_re2(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains(['[', '{']) {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if !in_class {
            // RE2 reads a `{` that does not open a repetition (`{n}`, `{n,}`, `{n,m}`) as a
            // literal; Rust rejects it (`\w+{.*}` in a Sentinel rule).
            if c == '{' && !opens_repetition(chars.get(i + 1..).unwrap_or(&[])) {
                out.push_str("\\{");
                i += 1;
                continue;
            }
            if c == '[' {
                in_class = true;
                out.push(c);
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_start = i;
                continue;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            // A `]` first in the class is literal in both dialects.
            ']' if i == class_start => {
                out.push_str("\\]");
                i += 1;
                continue;
            }
            ']' => in_class = false,
            '[' if chars.get(i + 1) == Some(&':') => {
                // POSIX class: copy through `:]`.
                let mut j = i;
                while j < chars.len() {
                    out.push(chars[j]);
                    if chars[j] == ']' && j > i + 1 && chars[j - 1] == ':' {
                        break;
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            '[' => {
                out.push_str("\\[");
                i += 1;
                continue;
            }
            '&' | '-' | '~' if chars.get(i + 1) == Some(&c) => {
                out.push(c);
                out.push('\\');
                out.push(c);
                i += 2;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `rest` (the text after a `{`) is the body of a repetition: digits, optionally
/// a comma and more digits, then `}`.
fn opens_repetition(rest: &[char]) -> bool {
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let after = rest.get(digits..).unwrap_or(&[]);
    match after.first() {
        Some('}') => true,
        Some(',') => {
            let more = after.get(1..).unwrap_or(&[]);
            let n = more.iter().take_while(|c| c.is_ascii_digit()).count();
            more.get(n) == Some(&'}')
        }
        _ => false,
    }
}

#[cfg(test)]
mod re2_tests {
    use super::translate_re2;

    #[test]
    fn re2_class_spellings_become_rust() {
        assert_eq!(translate_re2("[[]"), "[\\[]");
        assert_eq!(translate_re2(r"[\\]*"), r"[\\]*");
        assert_eq!(translate_re2("[[:alpha:]]+"), "[[:alpha:]]+");
        assert_eq!(translate_re2("[]a]"), "[\\]a]");
        assert_eq!(translate_re2("[a&&b]"), "[a&\\&b]");
        assert_eq!(translate_re2("a[bc]d"), "a[bc]d");
        assert_eq!(translate_re2("no class"), "no class");
        // A `{` that opens no repetition is literal (DOCS regex.md lists only `x{n}`,
        // `x{n,}` and `x{n,m}` as repetitions).
        assert_eq!(translate_re2(r"\w+{.*}"), r"\w+\{.*}");
        assert_eq!(translate_re2("a{2}b{1,}c{1,3}"), "a{2}b{1,}c{1,3}");
        assert_eq!(translate_re2("a{,3}"), r"a\{,3}");
        assert!(super::compile(r"(SMB_REALM_TRAVERSAL\w+{.*})").is_ok());
        for p in ["[[]", "[]a]", "[a&&b]", "[[:digit:][]"] {
            assert!(regex::Regex::new(&translate_re2(p)).is_ok(), "{p}");
        }
        assert!(
            regex::Regex::new(&translate_re2("[[]"))
                .unwrap()
                .is_match("x[y")
        );
    }
}
