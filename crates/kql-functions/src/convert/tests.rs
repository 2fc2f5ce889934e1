//! Conversion semantics, from the Kusto documentation (pages named per case).

use crate::test_util::{TArg, call};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, DurationNanosecondArray, Float64Array, Int32Array,
    Int64Array, StringArray, TimestampNanosecondArray,
};
use arrow::datatypes::{DurationNanosecondType, Float64Type, Int32Type, Int64Type};
use kql_syntax::ScalarType as T;
use std::sync::Arc;

const NS_SECOND: i64 = 1_000_000_000;
const NS_DAY: i64 = 86_400 * NS_SECOND;

fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

fn texts(out: &ArrayRef) -> Vec<String> {
    let s = out.as_string::<i32>();
    assert_eq!(s.null_count(), 0, "string results are never null");
    s.iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

fn tostring(ty: T, array: ArrayRef) -> Vec<String> {
    let (rt, out) = call("tostring", vec![TArg::Col(ty, array)]).unwrap();
    assert_eq!(rt, T::String);
    texts(&out)
}

#[test]
fn tostring_of_every_type() {
    // tostring-function.md: null → "".
    assert_eq!(
        tostring(
            T::Long,
            Arc::new(Int64Array::from(vec![Some(123), None, Some(-5)]))
        ),
        ["123", "", "-5"]
    );
    assert_eq!(
        tostring(T::Int, Arc::new(Int32Array::from(vec![Some(7), None]))),
        ["7", ""]
    );
    assert_eq!(
        tostring(
            T::Bool,
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))
        ),
        ["true", "false", ""]
    );
    assert_eq!(tostring(T::String, strings(&[Some("a"), None])), ["a", ""]);
    // .NET invariant formatting of doubles.
    let reals = Float64Array::from(vec![
        Some(1.0),
        Some(0.1),
        Some(2.5),
        Some(-0.25),
        Some(1e20),
        Some(1.5e15),
        Some(123_456_789_012_345.0),
        Some(1e-5),
        Some(0.0001),
        Some(f64::NAN),
        Some(f64::INFINITY),
        Some(f64::NEG_INFINITY),
        None,
    ]);
    assert_eq!(
        tostring(T::Real, Arc::new(reals)),
        [
            "1",
            "0.1",
            "2.5",
            "-0.25",
            "1E+20",
            "1.5E+15",
            "123456789012345",
            "1E-05",
            "0.0001",
            "NaN",
            "Infinity",
            "-Infinity",
            ""
        ]
    );
    // Datetimes as Kusto prints them (bin-function.md: `1970-05-11T00:00:00Z`).
    let day = 130 * NS_DAY; // 1970-05-11
    let dates = TimestampNanosecondArray::from(vec![
        Some(day),
        Some(day + 13 * 3600 * NS_SECOND + 45 * 60 * NS_SECOND + 7 * NS_SECOND),
        Some(day + 900_000_000),
        Some(day + 123_456_700),
        Some(-NS_DAY),
        None,
    ])
    .with_timezone("UTC");
    assert_eq!(
        tostring(T::DateTime, Arc::new(dates)),
        [
            "1970-05-11T00:00:00Z",
            "1970-05-11T13:45:07Z",
            "1970-05-11T00:00:00.9Z",
            "1970-05-11T00:00:00.1234567Z",
            "1969-12-31T00:00:00Z",
            ""
        ]
    );
    // Timespans: totimespan-function.md (`4.00:00:00`, `00:03:00`), strcat-delim (`00:00:01`).
    let spans = DurationNanosecondArray::from(vec![
        Some(4 * NS_DAY),
        Some(180 * NS_SECOND),
        Some(NS_SECOND),
        Some(NS_SECOND / 2),
        Some(-3600 * NS_SECOND),
        Some(-(NS_DAY + NS_SECOND / 10)),
        None,
    ]);
    assert_eq!(
        tostring(T::Timespan, Arc::new(spans)),
        [
            "4.00:00:00",
            "00:03:00",
            "00:00:01",
            "00:00:00.5000000",
            "-01:00:00",
            "-1.00:00:00.1000000",
            ""
        ]
    );
}

#[test]
fn tostring_of_dynamic_unquotes_strings_and_keeps_json_otherwise() {
    let json = strings(&[
        Some(r#""hello""#),
        Some(r#""a\"b""#),
        Some("12"),
        Some("1.5"),
        Some("true"),
        Some(r#"{"a":1,"b":[1,2]}"#),
        Some(r#"[ 1, "x" ]"#),
        Some("null"),
        None,
    ]);
    assert_eq!(
        tostring(T::Dynamic, json),
        [
            "hello",
            "a\"b",
            "12",
            "1.5",
            "true",
            r#"{"a":1,"b":[1,2]}"#,
            r#"[1,"x"]"#,
            "",
            ""
        ]
    );
}

fn ints(out: &ArrayRef) -> Vec<Option<i32>> {
    out.as_primitive::<Int32Type>().iter().collect()
}

#[test]
fn toint_truncates_and_fails_to_null() {
    // toint-function.md: toint("123") == 123, toint(2.3) == 2; failure → null.
    let (ty, out) = call(
        "toint",
        vec![TArg::Col(
            T::String,
            strings(&[Some("123"), Some("abc"), Some(""), None]),
        )],
    )
    .unwrap();
    assert_eq!(ty, T::Int);
    assert_eq!(ints(&out), [Some(123), None, None, None]);
    let (_, out) = call(
        "toint",
        vec![TArg::Col(
            T::Real,
            Arc::new(Float64Array::from(vec![
                Some(2.3),
                Some(-2.7),
                Some(f64::NAN),
                Some(1e12),
            ])),
        )],
    )
    .unwrap();
    assert_eq!(ints(&out), [Some(2), Some(-2), None, None]);
    let (_, out) = call(
        "toint",
        vec![TArg::Col(
            T::Bool,
            Arc::new(BooleanArray::from(vec![true, false])),
        )],
    )
    .unwrap();
    assert_eq!(ints(&out), [Some(1), Some(0)]);
    // From dynamic: numbers and numeric strings convert, bags do not.
    let (_, out) = call(
        "toint",
        vec![TArg::Col(
            T::Dynamic,
            strings(&[
                Some("5"),
                Some(r#""6""#),
                Some("7.9"),
                Some("{}"),
                Some("null"),
            ]),
        )],
    )
    .unwrap();
    assert_eq!(ints(&out), [Some(5), Some(6), Some(7), None, None]);
}

#[test]
fn tolong_toreal_tobool() {
    // tolong-function.md, coalesce-function.md: tolong("not a number") is null.
    let (_, out) = call(
        "tolong",
        vec![TArg::Col(
            T::String,
            strings(&[Some("123"), Some("not a number"), Some("42")]),
        )],
    )
    .unwrap();
    assert_eq!(
        out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
        [Some(123), None, Some(42)]
    );
    // Timespans convert through ticks.
    let (_, out) = call(
        "tolong",
        vec![TArg::Col(
            T::Timespan,
            Arc::new(DurationNanosecondArray::from(vec![NS_SECOND])),
        )],
    )
    .unwrap();
    assert_eq!(out.as_primitive::<Int64Type>().value(0), 10_000_000);
    // toreal-function.md: toreal("123.4") == 123.4; `toreal` is an alias of `todouble`.
    let (ty, out) = call(
        "toreal",
        vec![TArg::Col(T::String, strings(&[Some("123.4"), Some("x")]))],
    )
    .unwrap();
    assert_eq!(ty, T::Real);
    assert_eq!(
        out.as_primitive::<Float64Type>().iter().collect::<Vec<_>>(),
        [Some(123.4), None]
    );
    // tobool-function.md: tobool("true") == true, tobool("false") == false, tobool(1),
    // tobool(123) == true.
    let (_, out) = call(
        "tobool",
        vec![TArg::Col(
            T::String,
            strings(&[Some("true"), Some("false"), Some("maybe")]),
        )],
    )
    .unwrap();
    assert_eq!(
        out.as_boolean().iter().collect::<Vec<_>>(),
        [Some(true), Some(false), None]
    );
    let (_, out) = call(
        "toboolean",
        vec![TArg::Col(
            T::Long,
            Arc::new(Int64Array::from(vec![1, 123, 0])),
        )],
    )
    .unwrap();
    assert_eq!(
        out.as_boolean().iter().collect::<Vec<_>>(),
        [Some(true), Some(true), Some(false)]
    );
}

#[test]
fn todatetime_and_totimespan() {
    let (ty, out) = call(
        "todatetime",
        vec![TArg::Col(
            T::String,
            strings(&[Some("2015-12-31 23:59:59.9"), Some("nope"), None]),
        )],
    )
    .unwrap();
    assert_eq!(ty, T::DateTime);
    let ts = out.as_primitive::<arrow::datatypes::TimestampNanosecondType>();
    assert_eq!(
        crate::convert::format_datetime_nanos(ts.value(0)),
        "2015-12-31T23:59:59.9Z"
    );
    assert!(ts.is_null(1) && ts.is_null(2));
    // totimespan-function.md.
    let (_, out) = call(
        "totimespan",
        vec![TArg::Col(
            T::String,
            strings(&[Some("0.00:03:00"), Some("x")]),
        )],
    )
    .unwrap();
    assert_eq!(
        out.as_primitive::<DurationNanosecondType>()
            .iter()
            .collect::<Vec<_>>(),
        [Some(180 * NS_SECOND), None]
    );
}

#[test]
fn year_first_dates_with_loose_separators() {
    // endofweek-function.md writes datetime(2025, 6, 14), sliding-window-counts-plugin.md
    // datetime(2017 - 08 - 01); scalar-data-types/datetime.md gives year.month.day.
    let day = |s: &str| {
        crate::convert::parse_datetime_nanos(s).map(crate::convert::format_datetime_nanos)
    };
    assert_eq!(day("2025, 6, 14").as_deref(), Some("2025-06-14T00:00:00Z"));
    assert_eq!(
        day("2017 - 08 - 01").as_deref(),
        Some("2017-08-01T00:00:00Z")
    );
    assert_eq!(day("2015.12.31").as_deref(), Some("2015-12-31T00:00:00Z"));
    assert_eq!(day("2015/12/31").as_deref(), Some("2015-12-31T00:00:00Z"));
    // Still only dates that exist, year first, with one kind of separator.
    for bad in [
        "2025, 2, 30",
        "25, 6, 14",
        "2025, 6",
        "2025, 6, 14, 1",
        "2025-6/14",
        "2025, x, 1",
    ] {
        assert_eq!(day(bad), None, "{bad}");
    }
}

#[test]
fn toguid_canonicalises() {
    let (ty, out) = call(
        "toguid",
        vec![TArg::Col(
            T::String,
            strings(&[
                Some("74BE27DE-1E4E-49D9-B579-FE0B331D3642"),
                Some("{74be27de1e4e49d9b579fe0b331d3642}"),
                Some("not a guid"),
                // DOCS toguid-function.md, the first two rows.
                Some("0123456789abcdef0123456789abcdef"),
                Some("0123456789ab-cdef-0123-456789abcdef"),
                Some("0123456789abcdef0123456789abcdef00"),
            ]),
        )],
    )
    .unwrap();
    assert_eq!(ty, T::Guid);
    let s = out.as_string::<i32>();
    assert_eq!(s.value(0), "74be27de-1e4e-49d9-b579-fe0b331d3642");
    assert_eq!(s.value(1), "74be27de-1e4e-49d9-b579-fe0b331d3642");
    assert!(s.is_null(2));
    assert_eq!(s.value(3), "01234567-89ab-cdef-0123-456789abcdef");
    assert_eq!(s.value(4), "01234567-89ab-cdef-0123-456789abcdef");
    assert!(s.is_null(5));
}

#[test]
fn conversions_take_exactly_one_argument() {
    assert!(call("toint", vec![]).is_err());
    assert!(
        call(
            "tostring",
            vec![
                TArg::Col(T::Long, Arc::new(Int64Array::from(vec![1]))),
                TArg::Col(T::Long, Arc::new(Int64Array::from(vec![1]))),
            ]
        )
        .is_err()
    );
}

#[test]
fn constant_conversions_fold_when_planned() {
    use crate::test_util::simplify;
    use datafusion::logical_expr::{Expr, lit};
    use datafusion::scalar::ScalarValue;
    let e = crate::convert::tostring_expr(
        lit(ScalarValue::DurationNanosecond(Some(NS_SECOND))),
        T::Timespan,
    );
    assert_eq!(
        simplify(e).unwrap(),
        Expr::Literal(ScalarValue::from("00:00:01"), None)
    );
}

#[test]
fn todecimal_goes_through_real() {
    let (ty, out) = call(
        "todecimal",
        vec![TArg::Col(T::String, strings(&[Some("1.5"), Some("x")]))],
    )
    .unwrap();
    assert_eq!(ty, T::Decimal);
    let d = out.as_primitive::<arrow::datatypes::Decimal128Type>();
    assert_eq!(d.value(0), 15 * 10i128.pow(17));
    assert!(d.is_null(1));
}

#[test]
fn new_guid_is_a_random_canonical_guid() {
    // DOCS new-guid-function.md: a guid such as 2157828f-e871-479a-9d1c-17ffde915095.
    let (ty, out) = call("new_guid", vec![]).unwrap();
    assert_eq!(ty, T::Guid);
    let g = out.as_string::<i32>().value(0).to_string();
    assert_eq!(super::canonical_guid(&g).as_deref(), Some(g.as_str()));
    let (_, again) = call("new_guid", vec![]).unwrap();
    assert_ne!(again.as_string::<i32>().value(0), g);
}
