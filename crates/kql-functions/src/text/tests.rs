//! String function semantics, from the Kusto documentation (pages named per case).

use super::substring;
use crate::test_util::{TArg, call};
use arrow::array::{
    Array, ArrayRef, AsArray, DurationNanosecondArray, Int32Array, Int64Array, StringArray,
};
use arrow::datatypes::Int64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use std::sync::Arc;

fn col(values: &[Option<&str>]) -> TArg {
    TArg::Col(T::String, Arc::new(StringArray::from(values.to_vec())))
}

fn lit_str(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn texts(out: &ArrayRef) -> Vec<String> {
    let s = out.as_string::<i32>();
    assert_eq!(s.null_count(), 0, "string results are never null");
    s.iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

#[test]
fn substring_follows_the_documented_examples() {
    // DOCS substring-function.md.
    assert_eq!(substring("123456", Some(1), None), "23456");
    assert_eq!(substring("123456", Some(2), Some(2)), "34");
    assert_eq!(substring("ABCD", Some(0), Some(2)), "AB");
    assert_eq!(substring("123456", Some(-2), Some(2)), "56");
    // Out of range, by the rules stated on `substring`.
    assert_eq!(substring("abc", Some(5), None), "");
    assert_eq!(substring("abc", Some(3), Some(1)), "");
    assert_eq!(substring("abc", Some(1), Some(10)), "bc");
    assert_eq!(substring("abc", Some(-10), Some(2)), "ab");
    assert_eq!(substring("abc", Some(0), Some(-1)), "");
    assert_eq!(substring("abc", None, Some(1)), "");
    // Characters, not bytes.
    assert_eq!(substring("äöü€x", Some(1), Some(3)), "öü€");
    assert_eq!(substring("äöü€x", Some(-1), None), "x");
}

#[test]
fn substring_through_the_registry() {
    let (ty, out) = call(
        "substring",
        vec![
            col(&[Some("123456"), Some("ABCD"), None]),
            TArg::Col(
                T::Int,
                Arc::new(Int32Array::from(vec![Some(-2), Some(0), Some(0)])),
            ),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(2))),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(texts(&out), ["56", "AB", ""]);
    let (_, out) = call(
        "substring",
        vec![
            lit_str("123456"),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
        ],
    )
    .unwrap();
    assert_eq!(texts(&out), ["23456"]);
    assert!(call("substring", vec![lit_str("a"), lit_str("b")]).is_err());
}

#[test]
fn strlen_counts_characters() {
    // DOCS strlen-function.md: "hello" → 5, "⒦⒰⒮⒯⒪" → 5, 'Çedilla' with a combining
    // cedilla → 8.
    let (ty, out) = call(
        "strlen",
        vec![col(&[
            Some("hello"),
            Some("⒦⒰⒮⒯⒪"),
            Some("C\u{0327}edilla"),
            None,
        ])],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(
        out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
        [Some(5), Some(5), Some(8), Some(0)]
    );
}

#[test]
fn case_mapping() {
    let (_, out) = call(
        "tolower",
        vec![col(&[Some("ABC-Def"), Some("ÄÖÜ İ"), None])],
    )
    .unwrap();
    assert_eq!(texts(&out), ["abc-def", "äöü İ", ""]);
    let (_, out) = call("toupper", vec![col(&[Some("abc-Def"), Some("äöü ß")])]).unwrap();
    assert_eq!(texts(&out), ["ABC-DEF", "ÄÖÜ ß"]);
}

#[test]
fn strcat_converts_with_tostring() {
    // DOCS strcat-function.md: strcat("hello", " ", "world") → "hello world".
    let (ty, out) = call(
        "strcat",
        vec![lit_str("hello"), lit_str(" "), lit_str("world")],
    )
    .unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(texts(&out), ["hello world"]);
    // user-defined-functions.md: strcat(12, "-", "b.default", "-", 7) → "12-b.default-7".
    let (_, out) = call(
        "strcat",
        vec![
            TArg::Col(T::Long, Arc::new(Int64Array::from(vec![Some(12), None]))),
            lit_str("-"),
            col(&[Some("b.default"), None]),
            lit_str("-"),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(7))),
        ],
    )
    .unwrap();
    assert_eq!(texts(&out), ["12-b.default-7", "--7"]);
}

#[test]
fn strcat_delim_converts_with_tostring() {
    // DOCS strcat-delim-function.md: strcat_delim('-', 1, '2', 'A', 1s) → "1-2-A-00:00:01".
    let (_, out) = call(
        "strcat_delim",
        vec![
            lit_str("-"),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
            lit_str("2"),
            lit_str("A"),
            TArg::Col(
                T::Timespan,
                Arc::new(DurationNanosecondArray::from(vec![1_000_000_000])),
            ),
        ],
    )
    .unwrap();
    assert_eq!(texts(&out), ["1-2-A-00:00:01"]);
    assert!(call("strcat_delim", vec![lit_str("-")]).is_err());
}
