//! The parsing functions through the registry, on the documented examples.

use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray, StringArray};
use arrow::datatypes::Int64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use serde_json::{Value as Json, json};
use std::sync::Arc;

fn text(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

/// The `dynamic` results of a call (null as `None`).
fn dynamics(name: &str, args: Vec<TArg>) -> Vec<Option<Json>> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Dynamic, "{name}");
    out.as_string::<i32>()
        .iter()
        .map(|v| v.map(|t| serde_json::from_str(t).unwrap()))
        .collect()
}

#[test]
fn url_and_path_parsers_documented() {
    // DOCS parse-url-function.md (see `url` for the path's leading slash), with the legacy
    // spelling.
    let url = "scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment";
    for name in ["parse_url", "parseurl"] {
        let out = dynamics(name, vec![text(url)]);
        let bag = out[0].as_ref().unwrap();
        assert_eq!(bag["Host"], json!("host"));
        assert_eq!(bag["Port"], json!("1234"));
        assert_eq!(bag["Query Parameters"], json!({"k1": "v1", "k2": "v2"}));
    }
    // DOCS parse-url-query-function.md.
    assert_eq!(
        dynamics("parse_urlquery", vec![text("k1=v1&k2=v2&k3=v3")]),
        [Some(
            json!({"Query Parameters": {"k1": "v1", "k2": "v2", "k3": "v3"}})
        )]
    );
    // DOCS parse-path-function.md, over a column with a null (read as "").
    let paths = TArg::Col(
        T::String,
        Arc::new(StringArray::from(vec![Some(r"C:\temp\file.txt"), None])),
    );
    let out = dynamics("parse_path", vec![paths]);
    assert_eq!(out[0].as_ref().unwrap()["DirectoryPath"], json!(r"C:\temp"));
    assert_eq!(out[1].as_ref().unwrap()["Filename"], json!(""));
}

#[test]
fn line_parsers_documented() {
    // DOCS parse-command-line-function.md.
    assert_eq!(
        dynamics(
            "parse_command_line",
            vec![text("echo \"hello world!\""), text("windows")]
        ),
        [Some(json!(["echo", "hello world!"]))]
    );
    assert!(call("parse_command_line", vec![text("a b"), text("unix")]).is_err());
    // DOCS parse-csv-function.md.
    assert_eq!(
        dynamics("parse_csv", vec![text("record1,a,b,c\nrecord2,x,y,z")]),
        [Some(json!(["record1", "a", "b", "c"]))]
    );
}

#[test]
fn parse_xml_documented() {
    // DOCS parse-xml-function.md: `<e name="value">text</e>`, and null for bad XML.
    assert_eq!(
        dynamics("parse_xml", vec![text(r#"<e name="value">text</e>"#)]),
        [Some(json!({"e": {"@name": "value", "#text": "text"}}))]
    );
    assert_eq!(dynamics("parse_xml", vec![text("<e>")]), [None]);
}

#[test]
fn extract_json_documented() {
    // DOCS extract-json-function.md, with the legacy spelling.
    let json = r#"{"name": "John", "age": 30, "city": "New York"}"#;
    for name in ["extract_json", "extractjson"] {
        let (ty, out) = call(name, vec![text("$.name"), text(json)]).unwrap();
        assert_eq!(ty, T::String);
        assert_eq!(out.as_string::<i32>().value(0), "John");
    }
    // A typed extraction, with the type passed by name.
    let (ty, out) = call(
        "extract_json",
        vec![text("$.age"), text(json), text("long")],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 30);
    let (_, out) = call(
        "extract_json",
        vec![text("$.zip"), text(json), text("long")],
    )
    .unwrap();
    assert!(out.is_null(0));
    // An unsupported constant path is a typing error.
    assert!(call("extract_json", vec![text("$..name"), text(json)]).is_err());
}
