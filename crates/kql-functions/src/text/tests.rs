//! String function semantics, from the Kusto documentation (pages named per case).

use super::{substring, url_decode};
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

fn long(v: i64) -> TArg {
    TArg::Lit(T::Long, ScalarValue::Int64(Some(v)))
}

#[test]
fn extract_documented_examples() {
    // DOCS extract-function.md, first example.
    let text = col(&[
        Some("User: James, Email: James@example.com, Age: 29"),
        Some("User: David, Age: 35"),
    ]);
    let text2 = col(&[
        Some("User: James, Email: James@example.com, Age: 29"),
        Some("User: David, Age: 35"),
    ]);
    let text3 = col(&[
        Some("User: James, Email: James@example.com, Age: 29"),
        Some("User: David, Age: 35"),
    ]);
    let (ty, out) = call("extract", vec![lit_str("User: ([^,]+)"), long(1), text]).unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(texts(&out), ["James", "David"]);
    let (_, out) = call("extract", vec![lit_str(r"Email: (\S+),"), long(1), text2]).unwrap();
    assert_eq!(texts(&out), ["James@example.com", ""]);
    let (_, out) = call("extract", vec![lit_str(r"\d+"), long(0), text3]).unwrap();
    assert_eq!(texts(&out), ["29", "35"]);
    // Second example: typeof(int) → 12, 7, 3.
    let (ty, out) = call(
        "extract",
        vec![
            lit_str(r"-(\d{2})-"),
            long(1),
            col(&[
                Some("15-12-2024"),
                Some("21-07-2023"),
                Some("10-03-2022"),
                Some("x"),
            ]),
            lit_str("int"),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Int);
    assert_eq!(
        out.as_primitive::<arrow::datatypes::Int32Type>()
            .iter()
            .collect::<Vec<_>>(),
        [Some(12), Some(7), Some(3), None]
    );
    // The regex must be a valid constant.
    assert!(call("extract", vec![col(&[Some("a")]), long(0), lit_str("a")]).is_err());
    assert!(call("extract", vec![lit_str("("), long(0), lit_str("a")]).is_err());
}

#[test]
fn extract_all_documented_examples() {
    let id = || lit_str("82b8be2d-dfa7-4bd1-8f63-24ad26d31449");
    let json = |out: &ArrayRef| -> serde_json::Value {
        serde_json::from_str(out.as_string::<i32>().value(0)).unwrap()
    };
    // DOCS extract-all-function.md, all four examples.
    let (ty, out) = call("extract_all", vec![lit_str(r"([\da-f]{2})"), id()]).unwrap();
    assert_eq!(ty, T::Dynamic);
    assert_eq!(
        json(&out),
        serde_json::json!([
            "82", "b8", "be", "2d", "df", "a7", "4b", "d1", "8f", "63", "24", "ad", "26", "d3",
            "14", "49"
        ])
    );
    let (_, out) = call("extract_all", vec![lit_str(r"(\w)(\w+)(\w)"), id()]).unwrap();
    assert_eq!(
        json(&out),
        serde_json::json!([
            ["8", "2b8be2", "d"],
            ["d", "fa", "7"],
            ["4", "bd", "1"],
            ["8", "f6", "3"],
            ["2", "4ad26d3144", "9"]
        ])
    );
    let (_, out) = call(
        "extract_all",
        vec![
            lit_str(r"(\w)(\w+)(\w)"),
            TArg::Lit(T::Dynamic, ScalarValue::from("[1,3]")),
            id(),
        ],
    )
    .unwrap();
    assert_eq!(
        json(&out),
        serde_json::json!([["8", "d"], ["d", "7"], ["4", "1"], ["8", "3"], ["2", "9"]])
    );
    let (_, out) = call(
        "extract_all",
        vec![
            lit_str(r"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)"),
            TArg::Lit(T::Dynamic, ScalarValue::from(r#"["first",2,"last"]"#)),
            id(),
        ],
    )
    .unwrap();
    assert_eq!(
        json(&out),
        serde_json::json!([
            ["8", "2b8be2", "d"],
            ["d", "fa", "7"],
            ["4", "bd", "1"],
            ["8", "f6", "3"],
            ["2", "4ad26d3144", "9"]
        ])
    );
    // No match: null. No capture group, or a missing one: rejected.
    let (_, out) = call("extract_all", vec![lit_str(r"(\d)"), lit_str("abc")]).unwrap();
    assert!(out.is_null(0));
    assert!(call("extract_all", vec![lit_str(r"\d"), lit_str("1")]).is_err());
    assert!(
        call(
            "extract_all",
            vec![
                lit_str(r"(\d)"),
                TArg::Lit(T::Dynamic, ScalarValue::from("[2]")),
                lit_str("1")
            ]
        )
        .is_err()
    );
}

#[test]
fn replace_regex_and_legacy_replace() {
    // DOCS replace-regex-function.md: 'is (\d+)' → 'was: \1'.
    let (ty, out) = call(
        "replace_regex",
        vec![
            col(&[Some("Number is 1"), Some("Number is 22")]),
            lit_str(r"is (\d+)"),
            lit_str(r"was: \1"),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(texts(&out), ["Number was: 1", "Number was: 22"]);
    // The deprecated replace(regex, rewrite, text).
    let (_, out) = call(
        "replace",
        vec![
            lit_str(r"is (\d+)"),
            lit_str(r"was: \1 $"),
            col(&[Some("Number is 1")]),
        ],
    )
    .unwrap();
    assert_eq!(texts(&out), ["Number was: 1 $"]);
}

#[test]
fn trims_documented_examples() {
    // DOCS trim-function.md.
    let (_, out) = call("trim", vec![lit_str("--"), lit_str("--https://bing.com--")]).unwrap();
    assert_eq!(texts(&out), ["https://bing.com"]);
    let (_, out) = call(
        "trim",
        vec![lit_str(r"[^\w]+"), col(&[Some("-  Te st1// $")])],
    )
    .unwrap();
    assert_eq!(texts(&out), ["Te st1"]);
    let (_, out) = call(
        "trim",
        vec![lit_str(r"\s+"), lit_str("    Hello, world!    ")],
    )
    .unwrap();
    assert_eq!(texts(&out), ["Hello, world!"]);
    // DOCS trim-start-function.md / trim-end-function.md.
    let (_, out) = call(
        "trim_start",
        vec![lit_str(r"[^\w]+"), lit_str("-  Te st1// $")],
    )
    .unwrap();
    assert_eq!(texts(&out), ["Te st1// $"]);
    let (_, out) = call(
        "trim_end",
        vec![lit_str(r"[^\w]+"), lit_str("-  Te st1// $")],
    )
    .unwrap();
    assert_eq!(texts(&out), ["-  Te st1"]);
    // The pattern is removed as often as it repeats.
    let (_, out) = call("trim", vec![lit_str("-"), lit_str("--a--")]).unwrap();
    assert_eq!(texts(&out), ["a"]);
}

#[test]
fn search_functions_through_the_registry() {
    // DOCS indexof-function.md idx6: indexof(1234567, 5, 1, 4) → 4 (numbers read as text).
    let (ty, out) = call("indexof", vec![long(1234567), long(5), long(1), long(4)]).unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 4);
    // DOCS countof-function.md, both kinds.
    let count = |args: Vec<TArg>| {
        call("countof", args)
            .unwrap()
            .1
            .as_primitive::<Int64Type>()
            .value(0)
    };
    assert_eq!(count(vec![lit_str("aaaa"), lit_str("aa")]), 3);
    assert_eq!(
        count(vec![lit_str("ababa"), lit_str("ab"), lit_str("normal")]),
        2
    );
    assert_eq!(
        count(vec![lit_str("ababa"), lit_str("aba"), lit_str("regex")]),
        1
    );
    assert_eq!(
        count(vec![lit_str("abcabc"), lit_str("a.c"), lit_str("regex")]),
        2
    );
    assert!(
        call(
            "countof",
            vec![lit_str("a"), lit_str("a"), lit_str("fuzzy")]
        )
        .is_err()
    );
    // DOCS split-function.md.
    let split = |args: Vec<TArg>| {
        let (ty, out) = call("split", args).unwrap();
        assert_eq!(ty, T::Dynamic);
        out.as_string::<i32>().value(0).to_string()
    };
    assert_eq!(
        split(vec![lit_str("aa_bb"), lit_str("_")]),
        r#"["aa","bb"]"#
    );
    assert_eq!(
        split(vec![lit_str("aaa_bbb_ccc"), lit_str("_"), long(1)]),
        r#"["bbb"]"#
    );
    assert_eq!(split(vec![lit_str(""), lit_str("_")]), r#"[""]"#);
    assert_eq!(
        split(vec![lit_str("a__b"), lit_str("_")]),
        r#"["a","","b"]"#
    );
    assert_eq!(
        split(vec![lit_str("aabbcc"), lit_str("bb")]),
        r#"["aa","cc"]"#
    );
    assert_eq!(split(vec![lit_str("a_b"), lit_str("_"), long(5)]), "[]");
    // DOCS replace-string-function.md.
    let (_, out) = call(
        "replace_string",
        vec![
            col(&[Some("A magic trick can turn a cat into a dog"), None]),
            lit_str("cat"),
            lit_str("hamster"),
        ],
    )
    .unwrap();
    assert_eq!(
        texts(&out),
        ["A magic trick can turn a hamster into a dog", ""]
    );
}

#[test]
fn url_decode_follows_the_documented_example_and_keeps_bad_escapes() {
    // DOCS url-decode-function.md.
    assert_eq!(
        url_decode("https%3a%2f%2fwww.bing.com%2f"),
        "https://www.bing.com/"
    );
    // A Kubernetes exec `command` value (form-encoded; `+` is not decoded here).
    assert_eq!(url_decode("cat+%2Fetc%2Fhostname"), "cat+/etc/hostname");
    assert_eq!(url_decode("caf%C3%A9"), "café");
    assert_eq!(url_decode("100%"), "100%");
    assert_eq!(url_decode("%zz%4"), "%zz%4");
    assert_eq!(url_decode("%FF"), "\u{FFFD}");
}
