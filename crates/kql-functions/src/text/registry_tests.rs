//! The rewriting, code point, number-text and lookup functions through the registry, on the
//! documented examples.

use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;

fn text(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn int(v: i32) -> TArg {
    TArg::Lit(T::Int, ScalarValue::Int32(Some(v)))
}

fn one_string(name: &str, args: Vec<TArg>) -> String {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::String, "{name}");
    let s = out.as_string::<i32>();
    assert!(s.is_valid(0), "{name} returned null");
    s.value(0).to_string()
}

#[test]
fn reverse_and_strrep_documented() {
    // DOCS reverse-function.md, both examples.
    assert_eq!(
        one_string("reverse", vec![text("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]),
        "ZYXWVUTSRQPONMLKJIHGFEDCBA"
    );
    assert_eq!(one_string("reverse", vec![int(12345)]), "54321");
    assert_eq!(
        one_string(
            "reverse",
            vec![TArg::Lit(T::Real, ScalarValue::Float64(Some(123.45)))]
        ),
        "54.321"
    );
    let date = crate::convert::parse_datetime_nanos("2017-10-15 12:00");
    assert_eq!(
        one_string(
            "reverse",
            vec![TArg::Lit(
                T::DateTime,
                ScalarValue::TimestampNanosecond(date, Some("UTC".into()))
            )]
        ),
        "Z0000000.00:00:21T51-01-7102"
    );
    let three_hours = ScalarValue::DurationNanosecond(Some(3 * 3_600_000_000_000));
    assert_eq!(
        one_string("reverse", vec![TArg::Lit(T::Timespan, three_hours)]),
        "00:00:30"
    );
    // DOCS strrep-function.md.
    assert_eq!(one_string("strrep", vec![text("ABC"), int(2)]), "ABCABC");
    assert_eq!(
        one_string("strrep", vec![int(123), int(3), text(".")]),
        "123.123.123"
    );
    let three_seconds = ScalarValue::DurationNanosecond(Some(3_000_000_000));
    assert_eq!(
        one_string(
            "strrep",
            vec![TArg::Lit(T::Timespan, three_seconds), int(2), text(" ")]
        ),
        "00:00:03 00:00:03"
    );
    // DOCS translate-function.md and replace-strings-function.md through the registry.
    assert_eq!(
        one_string(
            "translate",
            vec![text("krasp"), text("otsku"), text("spark")]
        ),
        "kusto"
    );
    assert_eq!(
        one_string(
            "replace_strings",
            vec![
                text("A magic trick can turn a cat into a dog"),
                TArg::Lit(T::Dynamic, ScalarValue::from(r#"["cat", "dog"]"#)),
                TArg::Lit(T::Dynamic, ScalarValue::from(r#"["dog", "pigeon"]"#)),
            ]
        ),
        "A magic trick can turn a dog into a pigeon"
    );
}

#[test]
fn code_points_and_sizes_documented() {
    // DOCS string-size-function.md.
    for (s, size) in [("hello", 5), ("⒦⒰⒮⒯⒪", 15)] {
        let (ty, out) = call("string_size", vec![text(s)]).unwrap();
        assert_eq!(ty, T::Long);
        assert_eq!(out.as_primitive::<Int64Type>().value(0), size);
    }
    // DOCS unicode-codepoints-from-string-function.md, with the legacy to_utf8.
    for name in ["unicode_codepoints_from_string", "to_utf8"] {
        let (ty, out) = call(name, vec![text("⒦⒰⒮⒯⒪")]).unwrap();
        assert_eq!(ty, T::Dynamic);
        assert_eq!(
            out.as_string::<i32>().value(0),
            "[9382,9392,9390,9391,9386]"
        );
    }
    // DOCS unicode-codepoints-to-string-function.md: numbers, an array, and both mixed.
    let codes = [75, 117, 115, 116, 111];
    assert_eq!(
        one_string(
            "unicode_codepoints_to_string",
            codes.iter().map(|c| int(*c)).collect()
        ),
        "Kusto"
    );
    assert_eq!(
        one_string(
            "make_string",
            vec![
                TArg::Lit(T::Dynamic, ScalarValue::from("[75, 117, 115]")),
                int(116),
                int(111)
            ]
        ),
        "Kusto"
    );
    assert_eq!(
        one_string("unicode_codepoints_to_string", vec![int(-1)]),
        ""
    );
    // DOCS isascii.md and isutf8-function.md.
    for name in ["isascii", "isutf8"] {
        let (ty, out) = call(name, vec![text("some string")]).unwrap();
        assert_eq!(ty, T::Bool);
        assert!(out.as_boolean().value(0), "{name}");
    }
    let (_, out) = call("isascii", vec![text("café")]).unwrap();
    assert!(!out.as_boolean().value(0));
}

#[test]
fn hex_bytes_and_lookups_documented() {
    // DOCS tohex-function.md: an `int` is read as 32 bits, a `long` as 64.
    assert_eq!(one_string("tohex", vec![int(-256), int(8)]), "ffffff00");
    assert_eq!(
        one_string(
            "tohex",
            vec![TArg::Lit(T::Long, ScalarValue::Int64(Some(-256)))]
        ),
        "ffffffffffffff00"
    );
    assert_eq!(one_string("tohex", vec![int(256), int(2)]), "100");
    // DOCS format-bytes-function.md.
    assert_eq!(
        one_string("format_bytes", vec![int(20_010_332), int(0), text("KB")]),
        "19541 KB"
    );
    // DOCS has-any-index-function.md and indexof-regex-function.md.
    let (ty, out) = call(
        "has_any_index",
        vec![
            text("this is an example"),
            TArg::Lit(T::Dynamic, ScalarValue::from(r#"["not", "example"]"#)),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 1);
    let (_, out) = call(
        "indexof_regex",
        vec![text("abcabcdefg"), text("a.c"), int(0), int(9), int(2)],
    )
    .unwrap();
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 3);
    assert!(call("indexof_regex", vec![text("abc"), text("(")]).is_err());
}
