//! `dynamic` semantics, from the Kusto documentation (pages named per case).

use crate::test_util::{TArg, call};
use arrow::array::{Array, ArrayRef, AsArray, DurationNanosecondArray, ListArray, StringArray};
use arrow::datatypes::{Int32Type, Int64Type};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use serde_json::{Value as Json, json};
use std::sync::Arc;

fn dynamic(text: &str) -> TArg {
    TArg::Lit(T::Dynamic, ScalarValue::from(text))
}

fn dyn_col(values: &[Option<&str>]) -> TArg {
    TArg::Col(T::Dynamic, Arc::new(StringArray::from(values.to_vec())))
}

fn string(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn long(v: i64) -> TArg {
    TArg::Lit(T::Long, ScalarValue::Int64(Some(v)))
}

/// The JSON values of a `dynamic` result (`None` for null).
fn jsons(out: &ArrayRef) -> Vec<Option<Json>> {
    out.as_string::<i32>()
        .iter()
        .map(|v| v.map(|t| serde_json::from_str(t).unwrap()))
        .collect()
}

fn one(name: &str, args: Vec<TArg>) -> Option<Json> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Dynamic);
    jsons(&out).remove(0)
}

fn as_col(out: ArrayRef) -> TArg {
    TArg::Col(T::Dynamic, out)
}

#[test]
fn parse_json_and_member_access() {
    // DOCS parse-json-function.md, "Duration metrics parsing".
    let text = r#"{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0,"sampledValue":118.0,"sum":118.0}}"#;
    let (ty, d) = call("parse_json", vec![string(text)]).unwrap();
    assert_eq!(ty, T::Dynamic);
    let value = call(
        "dynamic_get",
        vec![as_col(Arc::clone(&d)), string("duration"), string("value")],
    )
    .unwrap()
    .1;
    let (_, shown) = call("tostring", vec![as_col(value)]).unwrap();
    assert_eq!(shown.as_string::<i32>().value(0), "118");
    let min = call(
        "dynamic_get",
        vec![as_col(d), string("duration"), string("min")],
    )
    .unwrap()
    .1;
    assert_eq!(jsons(&min), [Some(json!(100.0))]);
    // "Nested JSON parsing": parse_json(tostring(parse_json(d).b)).c → 456.
    let d = call(
        "parse_json",
        vec![string(r#"{"a":123, "b":"{\"c\":456}"}"#)],
    )
    .unwrap()
    .1;
    let b = call("dynamic_get", vec![as_col(d), string("b")]).unwrap().1;
    let b_text = call("tostring", vec![as_col(b)]).unwrap().1;
    let inner = call("parse_json", vec![TArg::Col(T::String, b_text)])
        .unwrap()
        .1;
    assert_eq!(
        one("dynamic_get", vec![as_col(inner), string("c")]),
        Some(json!(456))
    );
    // Not JSON: a string holding the text; empty: null. `todynamic` is an alias.
    let (_, out) = call(
        "todynamic",
        vec![TArg::Col(
            T::String,
            Arc::new(StringArray::from(vec![
                Some("abc"),
                Some(""),
                None,
                Some(" [1, 2] "),
            ])),
        )],
    )
    .unwrap();
    assert_eq!(
        jsons(&out),
        [Some(json!("abc")), None, None, Some(json!([1, 2]))]
    );
}

#[test]
fn member_access_paths_and_indexes() {
    let doc = dyn_col(&[
        Some(r#"{"a":[10,20,{"b":"x"}],"n":null}"#),
        Some("[1,2,3]"),
        None,
        Some("not json"),
    ]);
    let (_, out) = call("dynamic_get", vec![doc, string("a"), long(2), string("b")]).unwrap();
    assert_eq!(jsons(&out), [Some(json!("x")), None, None, None]);
    // Negative indexes count from the end (DOCS scalar-data-types/dynamic.md).
    assert_eq!(
        one("dynamic_get", vec![dynamic("[1,2,3]"), long(-1)]),
        Some(json!(3))
    );
    assert_eq!(one("dynamic_get", vec![dynamic("[1,2,3]"), long(-4)]), None);
    assert_eq!(one("dynamic_get", vec![dynamic("[1,2,3]"), long(3)]), None);
    // d["key"] with a string key, an int index, a JSON null member.
    assert_eq!(
        one(
            "dynamic_get",
            vec![dynamic(r#"{"k":{"j":1}}"#), string("k")]
        ),
        Some(json!({"j":1}))
    );
    assert_eq!(
        one(
            "dynamic_get",
            vec![
                dynamic("[5,6]"),
                TArg::Lit(T::Int, ScalarValue::Int32(Some(0)))
            ]
        ),
        Some(json!(5))
    );
    assert_eq!(
        one("dynamic_get", vec![dynamic(r#"{"n":null}"#), string("n")]),
        None
    );
    // Keys are case-sensitive; indexing a bag with a number finds nothing.
    assert_eq!(
        one("dynamic_get", vec![dynamic(r#"{"K":1}"#), string("k")]),
        None
    );
    assert_eq!(
        one("dynamic_get", vec![dynamic(r#"{"0":1}"#), long(0)]),
        None
    );
    assert!(call("dynamic_get", vec![string("{}"), string("a")]).is_err());
}

#[test]
fn array_length_and_bag_keys() {
    // DOCS array-length-function.md.
    let (ty, out) = call(
        "array_length",
        vec![dyn_col(&[Some(r#"[1, 2, 3, "four"]"#), Some("{}"), None])],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(
        out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
        [Some(4), None, None]
    );
    // DOCS bag-keys-function.md, rows 1, 2, 4, 5, 6, 7.
    let (_, out) = call(
        "bag_keys",
        vec![dyn_col(&[
            Some(r#"{"a":"b", "c":123}"#),
            Some(r#"{"a":"b", "c":{"d":123}}"#),
            None,
            Some("{}"),
            Some(r#""a""#),
            Some("[]"),
        ])],
    )
    .unwrap();
    assert_eq!(
        jsons(&out),
        [
            Some(json!(["a", "c"])),
            Some(json!(["a", "c"])),
            None,
            Some(json!([])),
            None,
            None
        ]
    );
}

#[test]
fn pack_array_and_bag_pack() {
    // DOCS pack-array-function.md, second example: [1,"2","00:00:02"].
    let out = one(
        "pack_array",
        vec![
            long(1),
            string("2"),
            TArg::Col(
                T::Timespan,
                Arc::new(DurationNanosecondArray::from(vec![2_000_000_000])),
            ),
        ],
    );
    assert_eq!(out, Some(json!([1, "2", "00:00:02"])));
    // DOCS bag-pack-function.md, example 1.
    let inner = call("bag_pack", vec![string("url"), string("www.bing.com")])
        .unwrap()
        .1;
    let out = one(
        "bag_pack",
        vec![
            string("Level"),
            string("Information"),
            string("ProcessID"),
            long(1234),
            string("Data"),
            as_col(inner),
        ],
    );
    assert_eq!(
        out,
        Some(json!({"Level": "Information", "ProcessID": 1234, "Data": {"url":"www.bing.com"}}))
    );
    // `pack` is the legacy spelling; keys and values must pair up.
    assert_eq!(
        one("pack", vec![string("a"), dynamic("null")]),
        Some(json!({"a": null}))
    );
    assert!(call("bag_pack", vec![string("a")]).is_err());
    // Datetimes become strings with all seven fraction digits.
    let t = crate::convert::parse_datetime_nanos("2007-01-01").unwrap();
    let out = one(
        "pack_array",
        vec![TArg::Lit(
            T::DateTime,
            ScalarValue::TimestampNanosecond(Some(t), Some("UTC".into())),
        )],
    );
    assert_eq!(out, Some(json!(["2007-01-01T00:00:00.0000000Z"])));
}

#[test]
fn array_concat_and_slice() {
    // DOCS array-concat-function.md: [1,2,4] + [1,2].
    assert_eq!(
        one("array_concat", vec![dynamic("[1,2,4]"), dynamic("[1,2]")]),
        Some(json!([1, 2, 4, 1, 2]))
    );
    assert_eq!(
        one("array_concat", vec![dynamic("[1]"), dynamic("{}")]),
        None
    );
    // DOCS array-slice-function.md, three examples.
    assert_eq!(
        one("array_slice", vec![dynamic("[1,2,3]"), long(1), long(2)]),
        Some(json!([2, 3]))
    );
    assert_eq!(
        one(
            "array_slice",
            vec![dynamic("[1,2,3,4,5]"), long(2), long(-1)]
        ),
        Some(json!([3, 4, 5]))
    );
    assert_eq!(
        one(
            "array_slice",
            vec![dynamic("[1,2,3,4,5]"), long(-3), long(-2)]
        ),
        Some(json!([3, 4]))
    );
    assert_eq!(
        one("array_slice", vec![dynamic("[1,2,3]"), long(2), long(1)]),
        Some(json!([]))
    );
    assert_eq!(
        one("array_slice", vec![dynamic("[1,2,3]"), long(-10), long(10)]),
        Some(json!([1, 2, 3]))
    );
}

#[test]
fn array_index_of_documented_examples() {
    // DOCS array-index-of-function.md: idx1..idx9 = 2, 3, -1, -1, 3, 4, -1, 4, -1.
    let arr = r#"["this", "is", "an", "example", "an", "example"]"#;
    let cases: [(&str, &[i64], i64); 9] = [
        ("an", &[], 2),
        ("example", &[1, 3], 3),
        ("example", &[1, 2], -1),
        ("is", &[2, 4], -1),
        ("example", &[2, -1], 3),
        ("an", &[1, -1, 2], 4),
        ("an", &[1, -1, 3], -1),
        ("an", &[-3], 4),
        ("is", &[-4], -1),
    ];
    for (value, extra, expected) in cases {
        let mut args = vec![dynamic(arr), string(value)];
        args.extend(extra.iter().map(|&v| long(v)));
        let (ty, out) = call("array_index_of", args).unwrap();
        assert_eq!(ty, T::Long);
        assert_eq!(
            out.as_primitive::<Int64Type>().value(0),
            expected,
            "{value} {extra:?}"
        );
    }
    // Irrelevant inputs give null.
    let (_, out) = call(
        "array_index_of",
        vec![dynamic(arr), string("an"), long(0), long(-2)],
    )
    .unwrap();
    assert!(out.is_null(0));
    // Numbers compare by value.
    let (_, out) = call("array_index_of", vec![dynamic("[1.0, 2]"), long(1)]).unwrap();
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 0);
}

#[test]
fn set_has_element_and_strcat_array() {
    // DOCS set-has-element-function.md.
    let (ty, out) = call(
        "set_has_element",
        vec![
            dynamic(r#"["this", "is", "an", "example"]"#),
            string("example"),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Bool);
    assert!(out.as_boolean().value(0));
    let (_, out) = call("set_has_element", vec![dynamic("[1,2]"), string("1")]).unwrap();
    assert!(!out.as_boolean().value(0));
    // DOCS strcat-array-function.md.
    let (ty, out) = call("strcat_array", vec![dynamic("[1, 2, 3]"), string("->")]).unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(out.as_string::<i32>().value(0), "1->2->3");
    let (_, out) = call(
        "strcat_array",
        vec![dynamic(r#"[1, "a", [2]]"#), string("\"")],
    )
    .unwrap();
    assert_eq!(out.as_string::<i32>().value(0), "1\"a\"[2]");
}

#[test]
fn gettype_documented_table() {
    // DOCS gettype-function.md.
    let dynamic_cases = [
        ("1", "int"),
        (r#" "abc" "#, "string"),
        (r#" {"abc":1} "#, "dictionary"),
        (" [1, 2, 3] ", "array"),
        ("", "null"),
    ];
    for (text, expected) in dynamic_cases {
        let d = call("parse_json", vec![string(text)]).unwrap().1;
        let (ty, out) = call("gettype", vec![as_col(d)]).unwrap();
        assert_eq!(ty, T::String);
        assert_eq!(out.as_string::<i32>().value(0), expected, "{text}");
    }
    for (arg, expected) in [
        (string("a"), "string"),
        (long(111), "long"),
        (TArg::Lit(T::Bool, ScalarValue::Boolean(Some(true))), "bool"),
        (
            TArg::Lit(T::Real, ScalarValue::Float64(Some(123.45))),
            "real",
        ),
        (
            TArg::Lit(T::Timespan, ScalarValue::DurationNanosecond(Some(1))),
            "timespan",
        ),
    ] {
        let (_, out) = call("gettype", vec![arg]).unwrap();
        assert_eq!(out.as_string::<i32>().value(0), expected);
    }
}

#[test]
fn list_and_bag_aggregation_helpers() {
    let list = ListArray::from_iter_primitive::<Int64Type, _, _>(vec![
        Some(vec![Some(1), Some(2), Some(3)]),
        None,
        Some(vec![]),
    ]);
    let (_, out) = call(
        "__list_to_dynamic",
        vec![
            TArg::Col(T::Dynamic, Arc::new(list.clone())),
            TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false))),
        ],
    )
    .unwrap();
    assert_eq!(
        jsons(&out),
        [Some(json!([1, 2, 3])), Some(json!([])), Some(json!([]))]
    );
    let (_, out) = call(
        "__list_to_dynamic",
        vec![
            TArg::Col(T::Dynamic, Arc::new(list)),
            TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false))),
            long(2),
        ],
    )
    .unwrap();
    assert_eq!(jsons(&out)[0], Some(json!([1, 2])));
    // Strings are quoted unless the elements are dynamic.
    let strings = ListArray::new(
        Arc::new(arrow::datatypes::Field::new_list_field(
            arrow::datatypes::DataType::Utf8,
            true,
        )),
        arrow::buffer::OffsetBuffer::from_lengths([2]),
        Arc::new(StringArray::from(vec![r#"{"a":1}"#, r#"{"a":2,"b":3}"#])),
        None,
    );
    let (_, out) = call(
        "__list_to_dynamic",
        vec![
            TArg::Col(T::Dynamic, Arc::new(strings.clone())),
            TArg::Lit(T::Bool, ScalarValue::Boolean(Some(true))),
        ],
    )
    .unwrap();
    assert_eq!(jsons(&out)[0], Some(json!([{"a":1}, {"a":2,"b":3}])));
    let (_, out) = call(
        "__list_to_dynamic",
        vec![
            TArg::Col(T::Dynamic, Arc::new(strings.clone())),
            TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false))),
        ],
    )
    .unwrap();
    assert_eq!(
        jsons(&out)[0],
        Some(json!([r#"{"a":1}"#, r#"{"a":2,"b":3}"#]))
    );
    // make_bag: bags merged, the first value of a repeated key kept.
    let (_, out) = call(
        "__bag_merge_list",
        vec![TArg::Col(T::Dynamic, Arc::new(strings))],
    )
    .unwrap();
    assert_eq!(jsons(&out)[0], Some(json!({"a":1, "b":3})));
}

#[test]
fn conversions_read_dynamic_values() {
    // toint(X[1]) (DOCS scalar-data-types/dynamic.md: sub-objects must be cast).
    let x = call("dynamic_get", vec![dynamic(r#"[1, "2", 3.7]"#), long(1)])
        .unwrap()
        .1;
    let (_, out) = call("toint", vec![as_col(x)]).unwrap();
    assert_eq!(out.as_primitive::<Int32Type>().value(0), 2);
}
