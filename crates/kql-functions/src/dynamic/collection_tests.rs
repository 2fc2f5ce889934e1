//! The array, set and bag functions through the registry: argument lowering (numbers and
//! booleans as `dynamic`), result types, nulls.

use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray, StringArray};
use arrow::datatypes::Float64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use serde_json::{Value as Json, json};
use std::sync::Arc;

fn dynamic(text: &str) -> TArg {
    TArg::Lit(T::Dynamic, ScalarValue::from(text))
}

fn long(v: i64) -> TArg {
    TArg::Lit(T::Long, ScalarValue::Int64(Some(v)))
}

fn one(name: &str, args: Vec<TArg>) -> Option<Json> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Dynamic, "{name}");
    let s = out.as_string::<i32>();
    s.is_valid(0)
        .then(|| serde_json::from_str(s.value(0)).unwrap())
}

#[test]
fn arrays_through_the_registry() {
    // DOCS array-shift-left-function.md: `array_shift_left(arr, -2, -1)`, integers given as
    // `long` values.
    assert_eq!(
        one(
            "array_shift_left",
            vec![dynamic("[1,2,3,4,5]"), long(-2), long(-1)]
        ),
        Some(json!([-1, -1, 1, 2, 3]))
    );
    // DOCS array-sort-asc-function.md: a `bool` as the last argument.
    assert_eq!(
        one(
            "array_sort_asc",
            vec![
                dynamic(r#"[null,"blue","yellow","green",null]"#),
                TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false)))
            ]
        ),
        Some(json!([null, null, "blue", "green", "yellow"]))
    );
    // DOCS array-iff-function.md: scalar branches, and the legacy spelling array_iif.
    assert_eq!(
        one(
            "array_iif",
            vec![
                dynamic("[1,0,50]"),
                TArg::Lit(T::String, ScalarValue::from("yes")),
                TArg::Lit(T::String, ScalarValue::from("no"))
            ]
        ),
        Some(json!(["yes", "no", "yes"]))
    );
    // DOCS array-sum-function.md.
    let (ty, out) = call("array_sum", vec![dynamic("[1,2,3,4]")]).unwrap();
    assert_eq!(ty, T::Real);
    assert_eq!(out.as_primitive::<Float64Type>().value(0), 10.0);
    // A null array (SQL NULL) gives null.
    let nulls = TArg::Col(T::Dynamic, Arc::new(StringArray::from(vec![None::<&str>])));
    assert_eq!(one("array_reverse", vec![nulls]), None);
}

#[test]
fn sets_and_bags_through_the_registry() {
    // DOCS set-difference-function.md, second example.
    assert_eq!(
        one(
            "set_difference",
            vec![dynamic("[1,2,3]"), dynamic("[1,2,3]")]
        ),
        Some(json!([]))
    );
    // DOCS jaccard-index-function.md.
    let (ty, out) = call(
        "jaccard_index",
        vec![dynamic("[1,2,3]"), dynamic("[1,2,3,4]")],
    )
    .unwrap();
    assert_eq!(ty, T::Real);
    assert_eq!(out.as_primitive::<Float64Type>().value(0), 0.75);
    // DOCS bag-has-key-function.md.
    let (ty, out) = call(
        "bag_has_key",
        vec![
            dynamic(r#"{"key1": 123, "key2": "abc"}"#),
            TArg::Lit(T::String, ScalarValue::from("key2")),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Bool);
    assert!(out.as_boolean().value(0));
    // DOCS bag-set-key-function.md: the value is a `long` made `dynamic`.
    assert_eq!(
        one(
            "bag_set_key",
            vec![
                dynamic(r#"{"key1": 1, "key2": 2}"#),
                TArg::Lit(T::String, ScalarValue::from("key3")),
                long(3)
            ]
        ),
        Some(json!({"key1": 1, "key2": 2, "key3": 3}))
    );
    // The argument types are checked.
    assert!(call("set_union", vec![dynamic("[1]"), long(1)]).is_err());
    assert!(call("array_shift_left", vec![dynamic("[1]"), dynamic("1")]).is_err());
}

#[test]
fn range_and_canonical_json_documented() {
    // DOCS range-function.md: range(1, 8, 3), range(1, 3), range(1h, 5h), and the 2007
    // datetimes (first and last element).
    assert_eq!(
        one("range", vec![long(1), long(8), long(3)]),
        Some(json!([1, 4, 7]))
    );
    assert_eq!(one("range", vec![long(1), long(3)]), Some(json!([1, 2, 3])));
    let hours = |h: i64| {
        TArg::Lit(
            T::Timespan,
            ScalarValue::DurationNanosecond(Some(h * 3_600_000_000_000)),
        )
    };
    assert_eq!(
        one("range", vec![hours(1), hours(5)]),
        Some(json!([
            "01:00:00", "02:00:00", "03:00:00", "04:00:00", "05:00:00"
        ]))
    );
    let date = |s: &str| {
        TArg::Lit(
            T::DateTime,
            ScalarValue::TimestampNanosecond(
                crate::convert::parse_datetime_nanos(s),
                Some("UTC".into()),
            ),
        )
    };
    let days = one(
        "range",
        vec![date("2007-01-01"), date("2007-12-31"), hours(24)],
    )
    .unwrap();
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 365);
    assert_eq!(days[0], json!("2007-01-01T00:00:00.0000000Z"));
    assert_eq!(days[364], json!("2007-12-31T00:00:00.0000000Z"));
    // DOCS dynamic-to-json-function.md: members sorted at every level.
    let (ty, out) = call(
        "dynamic_to_json",
        vec![dynamic(
            r#"{"Y10":{},"X8":{"c3":1,"d8":5,"a4":6},"D1":114,"A1":12,"B1":2,"C1":3,"A14":[15,13,18]}"#,
        )],
    )
    .unwrap();
    assert_eq!(ty, T::String);
    assert_eq!(
        out.as_string::<i32>().value(0),
        r#"{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}"#
    );
}
