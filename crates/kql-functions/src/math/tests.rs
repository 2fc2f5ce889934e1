//! Rounding semantics, from the Kusto documentation (pages named per case).

use super::{round_long, round_real};
use crate::test_util::{TArg, call};
use arrow::array::{
    Array, ArrayRef, AsArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array,
    TimestampNanosecondArray,
};
use arrow::datatypes::{
    DurationNanosecondType, Float64Type, Int32Type, Int64Type, TimestampNanosecondType,
};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use std::sync::Arc;

const S: i64 = 1_000_000_000;
const H: i64 = 3600 * S;
const D: i64 = 24 * H;

fn dt(text: &str) -> i64 {
    crate::convert::parse_datetime_nanos(text).unwrap()
}

fn datetimes(values: &[i64]) -> ArrayRef {
    Arc::new(TimestampNanosecondArray::from(values.to_vec()).with_timezone("UTC"))
}

fn span(ns: i64) -> TArg {
    TArg::Lit(T::Timespan, ScalarValue::DurationNanosecond(Some(ns)))
}

fn printed(out: &ArrayRef) -> Vec<String> {
    out.as_primitive::<TimestampNanosecondType>()
        .iter()
        .map(|v| {
            v.map(crate::convert::format_datetime_nanos)
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn bin_numbers() {
    // DOCS bin-function.md: bin(4.5, 1) → 4.
    let (ty, out) = call(
        "bin",
        vec![
            TArg::Lit(T::Real, ScalarValue::Float64(Some(4.5))),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(1))),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Real);
    assert_eq!(out.as_primitive::<Float64Type>().value(0), 4.0);
    // Rounds down, also below zero; null for null values and non-positive sizes.
    let (ty, out) = call(
        "bin",
        vec![
            TArg::Col(
                T::Long,
                Arc::new(Int64Array::from(vec![Some(7), Some(-7), None, Some(7)])),
            ),
            TArg::Col(
                T::Long,
                Arc::new(Int64Array::from(vec![Some(5), Some(5), Some(5), Some(-5)])),
            ),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(
        out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
        [Some(5), Some(-10), None, None]
    );
    // int with int stays int; `floor` is the same function.
    let (ty, out) = call(
        "floor",
        vec![
            TArg::Col(T::Int, Arc::new(Int32Array::from(vec![17]))),
            TArg::Lit(T::Int, ScalarValue::Int32(Some(0))),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Int);
    assert!(out.as_primitive::<Int32Type>().is_null(0));
    assert!(
        call(
            "bin",
            vec![TArg::Lit(T::String, ScalarValue::from("x")), span(H)]
        )
        .is_err()
    );
}

#[test]
fn bin_datetimes_and_timespans() {
    // DOCS bin-function.md: bin(datetime(1970-05-11 13:45:07), 1d) → 1970-05-11T00:00:00Z.
    let (ty, out) = call(
        "bin",
        vec![
            TArg::Col(
                T::DateTime,
                datetimes(&[dt("1970-05-11 13:45:07"), dt("1969-12-31 23:00")]),
            ),
            span(D),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::DateTime);
    assert_eq!(
        printed(&out),
        ["1970-05-11T00:00:00Z", "1969-12-31T00:00:00Z"]
    );
    // Bins count from 0001-01-01, a Monday: 7-day bins start on Mondays
    // (2024-01-01 was a Monday).
    let (_, out) = call(
        "bin",
        vec![
            TArg::Col(
                T::DateTime,
                datetimes(&[dt("2024-01-03 12:00"), dt("2024-01-07")]),
            ),
            span(7 * D),
        ],
    )
    .unwrap();
    assert_eq!(
        printed(&out),
        ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"]
    );
    // DOCS: bin(time(16d), 7d) → 14.00:00:00.
    let (ty, out) = call(
        "bin",
        vec![
            TArg::Col(
                T::Timespan,
                Arc::new(DurationNanosecondArray::from(vec![16 * D])),
            ),
            span(7 * D),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Timespan);
    assert_eq!(
        out.as_primitive::<DurationNanosecondType>().value(0),
        14 * D
    );
    // A datetime needs a timespan size.
    assert!(
        call(
            "bin",
            vec![
                TArg::Col(T::DateTime, datetimes(&[0])),
                TArg::Lit(T::Long, ScalarValue::Int64(Some(1)))
            ]
        )
        .is_err()
    );
}

#[test]
fn bin_at_documented_examples() {
    // DOCS bin-at-function.md.
    let (_, out) = call(
        "bin_at",
        vec![
            TArg::Lit(T::Real, ScalarValue::Float64(Some(6.5))),
            TArg::Lit(T::Real, ScalarValue::Float64(Some(2.5))),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(7))),
        ],
    )
    .unwrap();
    assert_eq!(out.as_primitive::<Float64Type>().value(0), 4.5);
    let (_, out) = call(
        "bin_at",
        vec![
            TArg::Col(
                T::Timespan,
                Arc::new(DurationNanosecondArray::from(vec![H])),
            ),
            span(D),
            span(12 * H),
        ],
    )
    .unwrap();
    assert_eq!(
        out.as_primitive::<DurationNanosecondType>().value(0),
        -12 * H
    );
    let (_, out) = call(
        "bin_at",
        vec![
            TArg::Col(
                T::DateTime,
                datetimes(&[dt("2017-05-15 10:20:00.0"), dt("2017-05-17 10:20:00.0")]),
            ),
            span(D),
            TArg::Col(
                T::DateTime,
                datetimes(&[dt("1970-01-01 12:00:00.0"), dt("2017-06-04 00:00:00.0")]),
            ),
        ],
    )
    .unwrap();
    assert_eq!(printed(&out)[0], "2017-05-14T12:00:00Z");
    assert_eq!(printed(&out)[1], "2017-05-17T00:00:00Z");
    let (_, out) = call(
        "bin_at",
        vec![
            TArg::Col(T::DateTime, datetimes(&[dt("2017-05-17 10:20:00.0")])),
            span(7 * D),
            TArg::Col(T::DateTime, datetimes(&[dt("2017-06-04 00:00:00.0")])),
        ],
    )
    .unwrap();
    assert_eq!(printed(&out), ["2017-05-14T00:00:00Z"]);
    let (_, out) = call(
        "bin_at",
        vec![
            TArg::Col(
                T::DateTime,
                datetimes(&[
                    dt("2018-02-24T15:24"),
                    dt("2018-02-23T16:14"),
                    dt("2018-02-26T15:14"),
                ]),
            ),
            span(D),
            TArg::Col(
                T::DateTime,
                datetimes(&[dt("2018-02-24 15:14:00.0000000"); 3]),
            ),
        ],
    )
    .unwrap();
    assert_eq!(
        printed(&out),
        [
            "2018-02-24T15:14:00Z",
            "2018-02-23T15:14:00Z",
            "2018-02-26T15:14:00Z"
        ]
    );
}

#[test]
fn round_documented_examples() {
    // DOCS round-function.md.
    assert_eq!(round_real(2.98765, 3), 2.988);
    assert_eq!(round_real(2.15, 1), 2.2);
    assert_eq!(round_real(2.15, 0), 2.0);
    assert_eq!(round_real(-50.55, -2), -100.0);
    assert_eq!(round_real(21.5, -1), 20.0);
    assert_eq!(round_long(21, -1), Some(20));
    assert_eq!(round_long(25, -1), Some(30));
    assert_eq!(round_long(-25, -1), Some(-30));
    assert_eq!(round_long(21, 2), Some(21));
    let (ty, out) = call(
        "round",
        vec![TArg::Col(
            T::Real,
            Arc::new(Float64Array::from(vec![Some(2.15), None])),
        )],
    )
    .unwrap();
    assert_eq!(ty, T::Real);
    assert_eq!(
        out.as_primitive::<Float64Type>().iter().collect::<Vec<_>>(),
        [Some(2.0), None]
    );
    let (ty, out) = call(
        "round",
        vec![
            TArg::Col(T::Int, Arc::new(Int32Array::from(vec![21]))),
            TArg::Lit(T::Long, ScalarValue::Int64(Some(-1))),
        ],
    )
    .unwrap();
    assert_eq!(ty, T::Int);
    assert_eq!(out.as_primitive::<Int32Type>().value(0), 20);
}

#[test]
fn abs_of_numbers_and_timespans() {
    // DOCS abs-function.md: abs(-5) → 5.
    let (ty, out) = call(
        "abs",
        vec![TArg::Col(
            T::Long,
            Arc::new(Int64Array::from(vec![
                Some(-5),
                Some(3),
                None,
                Some(i64::MIN),
            ])),
        )],
    )
    .unwrap();
    assert_eq!(ty, T::Long);
    assert_eq!(
        out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
        [Some(5), Some(3), None, None]
    );
    let (_, out) = call(
        "abs",
        vec![TArg::Col(
            T::Timespan,
            Arc::new(DurationNanosecondArray::from(vec![-H])),
        )],
    )
    .unwrap();
    assert_eq!(out.as_primitive::<DurationNanosecondType>().value(0), H);
    let (ty, _) = call(
        "abs",
        vec![TArg::Col(T::Int, Arc::new(Int32Array::from(vec![-1])))],
    )
    .unwrap();
    assert_eq!(ty, T::Int);
}
