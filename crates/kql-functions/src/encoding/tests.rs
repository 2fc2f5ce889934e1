//! The encoding and hash functions through the registry, on the documented examples.

use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray, StringArray};
use arrow::datatypes::Int64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use std::sync::Arc;

fn text(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn one_string(name: &str, args: Vec<TArg>) -> Option<String> {
    let (_, out) = call(name, args).unwrap();
    let s = out.as_string::<i32>();
    s.is_valid(0).then(|| s.value(0).to_string())
}

fn one_long(name: &str, args: Vec<TArg>) -> Option<i64> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Long);
    let v = out.as_primitive::<Int64Type>();
    v.is_valid(0).then(|| v.value(0))
}

fn date(s: &str) -> TArg {
    TArg::Lit(
        T::DateTime,
        ScalarValue::TimestampNanosecond(
            crate::convert::parse_datetime_nanos(s),
            Some("UTC".into()),
        ),
    )
}

#[test]
fn hashes_documented() {
    // DOCS hash-function.md and hash-xxhash64-function.md.
    assert_eq!(
        one_long("hash", vec![text("World")]),
        Some(1_846_988_464_401_551_951)
    );
    assert_eq!(
        one_long(
            "hash",
            vec![
                text("World"),
                TArg::Lit(T::Int, ScalarValue::Int32(Some(100)))
            ]
        ),
        Some(51)
    );
    assert_eq!(
        one_long("hash_xxhash64", vec![date("2015-01-01")]),
        Some(1_380_966_698_541_616_202)
    );
    // A null non-string hashes to null; a null string is "".
    assert_eq!(
        one_long("hash", vec![TArg::Lit(T::Long, ScalarValue::Int64(None))]),
        None
    );
    let (_, out) = call(
        "hash",
        vec![TArg::Col(
            T::String,
            Arc::new(StringArray::from(vec![None::<&str>])),
        )],
    )
    .unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>().value(0),
        crate::encoding::hash::xxhash64(b"")
    );
    // A null non-string has no digest: "" (KQL strings are never null).
    assert_eq!(
        one_string(
            "hash_md5",
            vec![TArg::Lit(T::Long, ScalarValue::Int64(None))]
        )
        .as_deref(),
        Some("")
    );
    // DOCS hash-md5-function.md, hash-sha1-function.md, hash-sha256-function.md.
    assert_eq!(
        one_string("hash_md5", vec![date("2020-01-01")]).as_deref(),
        Some("786c530672d1f8db31fee25ea8a9390b")
    );
    assert_eq!(
        one_string("hash_sha1", vec![text("World")]).as_deref(),
        Some("70c07ec18ef89c5309bbb0937f3a6342411e1fdd")
    );
    assert_eq!(
        one_string("hash_sha256", vec![date("2020-01-01")]).as_deref(),
        Some("ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d")
    );
}

#[test]
fn base64_documented() {
    // DOCS base64-encode-tostring-function.md and base64-decode-tostring-function.md,
    // with the legacy spellings.
    assert_eq!(
        one_string("base64_encode_tostring", vec![text("Kusto")]).as_deref(),
        Some("S3VzdG8=")
    );
    assert_eq!(
        one_string("base64_encodestring", vec![text("Kusto")]).as_deref(),
        Some("S3VzdG8=")
    );
    assert_eq!(
        one_string("base64_decode_tostring", vec![text("S3VzdG8=")]).as_deref(),
        Some("Kusto")
    );
    assert_eq!(
        one_string("base64_decodestring", vec![text("S3VzdG8=")]).as_deref(),
        Some("Kusto")
    );
    assert_eq!(
        one_string(
            "base64_decode_tostring",
            vec![text("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")]
        )
        .as_deref(),
        Some("")
    );
    // DOCS base64-decode-toarray-function.md and base64-encode-fromarray-function.md.
    let (ty, arr) = call("base64_decode_toarray", vec![text("S3VzdG8=")]).unwrap();
    assert_eq!(ty, T::Dynamic);
    assert_eq!(arr.as_string::<i32>().value(0), "[75,117,115,116,111]");
    assert_eq!(
        one_string("base64_encode_fromarray", vec![TArg::Col(T::Dynamic, arr)]).as_deref(),
        Some("S3VzdG8=")
    );
    assert_eq!(
        one_string(
            "base64_encode_fromarray",
            vec![TArg::Lit(T::Dynamic, ScalarValue::from("[1, 300]"))]
        )
        .as_deref(),
        Some("")
    );
    // DOCS base64-decode-toguid-function.md and base64-encode-fromguid-function.md.
    let (ty, _) = call(
        "base64_decode_toguid",
        vec![text("JpbpECu8dUy7Pv5gbeJXAA==")],
    )
    .unwrap();
    assert_eq!(ty, T::Guid);
    // The inverse of base64_encode_fromguid (see `b64` for the page's own example).
    let (_, g) = call(
        "base64_decode_toguid",
        vec![text("8jMxriJurkmwahbmqbIS6w==")],
    )
    .unwrap();
    assert_eq!(
        g.as_string::<i32>().value(0),
        "ae3133f2-6e22-49ae-b06a-16e6a9b212eb"
    );
    assert_eq!(
        one_string("base64_decode_toguid", vec![text("abcd1231")]),
        None
    );
    assert_eq!(
        one_string(
            "base64_encode_fromguid",
            vec![TArg::Lit(
                T::Guid,
                ScalarValue::from("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")
            )]
        )
        .as_deref(),
        Some("8jMxriJurkmwahbmqbIS6w==")
    );
}

#[test]
fn urls_documented() {
    // DOCS url-encode-function.md and url-encode-component-function.md.
    assert_eq!(
        one_string("url_encode", vec![text("https://www.bing.com/hello world")]).as_deref(),
        Some("https%3a%2f%2fwww.bing.com%2fhello+world")
    );
    assert_eq!(
        one_string(
            "url_encode_component",
            vec![text("https://www.bing.com/hello world")]
        )
        .as_deref(),
        Some("https%3a%2f%2fwww.bing.com%2fhello%20world")
    );
}
