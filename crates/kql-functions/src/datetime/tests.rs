//! Calendar arithmetic on the examples of the documentation pages (named per case).

use super::*;
use crate::convert::{format_datetime_nanos, parse_datetime_nanos};
use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray};
use arrow::datatypes::TimestampNanosecondType;
use datafusion::scalar::ScalarValue;

fn dt(s: &str) -> i64 {
    parse_datetime_nanos(s).unwrap()
}

fn run(name: &str, args: Vec<TArg>) -> Vec<String> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, ScalarType::DateTime);
    out.as_primitive::<TimestampNanosecondType>()
        .iter()
        .map(|v| v.map(format_datetime_nanos).unwrap_or_default())
        .collect()
}

fn date_col(values: &[&str]) -> TArg {
    let ns: Vec<i64> = values.iter().map(|s| dt(s)).collect();
    TArg::Col(
        ScalarType::DateTime,
        Arc::new(TimestampNanosecondArray::from(ns).with_timezone("UTC")),
    )
}

fn offsets(values: &[i64]) -> TArg {
    TArg::Col(
        ScalarType::Long,
        Arc::new(Int64Array::from(values.to_vec())),
    )
}

#[test]
fn datetime_add_documented_examples() {
    // DOCS datetime-add-function.md, both examples.
    let cases = [
        ("year", 1, "2018-01-01T00:00:00Z"),
        ("quarter", 1, "2017-04-01T00:00:00Z"),
        ("month", 1, "2017-02-01T00:00:00Z"),
        ("week", 1, "2017-01-08T00:00:00Z"),
        ("day", 1, "2017-01-02T00:00:00Z"),
        ("hour", 1, "2017-01-01T01:00:00Z"),
        ("minute", 1, "2017-01-01T00:01:00Z"),
        ("second", 1, "2017-01-01T00:00:01Z"),
        ("year", -5, "2012-01-01T00:00:00Z"),
        ("quarter", 12, "2020-01-01T00:00:00Z"),
        ("month", -15, "2015-10-01T00:00:00Z"),
        ("week", 100, "2018-12-02T00:00:00Z"),
    ];
    for (period, amount, expected) in cases {
        let got = run(
            "datetime_add",
            vec![
                TArg::Lit(ScalarType::String, ScalarValue::from(period)),
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(amount))),
                date_col(&["2017-01-01"]),
            ],
        );
        assert_eq!(got, [expected], "{period} {amount}");
    }
    // Month ends clamp.
    assert_eq!(
        datetime_add(Period::Month, 1, dt("2017-01-31")).map(format_datetime_nanos),
        Some("2017-02-28T00:00:00Z".to_string())
    );
    let bad = check_datetime_add(&[
        Arg {
            ty: ScalarType::String,
            constant: Some(ScalarValue::from("fortnight")),
        },
        Arg::of(ScalarType::Long),
        Arg::of(ScalarType::DateTime),
    ]);
    assert!(matches!(bad, Err(ArgError::Invalid { index: Some(0), .. })));
}

#[test]
fn start_and_end_of_periods() {
    let day = ["2017-01-01 10:10:17"; 3];
    // DOCS startofday-function.md, startofweek-function.md, endofday-function.md,
    // endofmonth-function.md (offsets -1, 0, 1).
    assert_eq!(
        run("startofday", vec![date_col(&day), offsets(&[-1, 0, 1])]),
        [
            "2016-12-31T00:00:00Z",
            "2017-01-01T00:00:00Z",
            "2017-01-02T00:00:00Z"
        ]
    );
    assert_eq!(
        run("startofweek", vec![date_col(&day), offsets(&[-1, 0, 1])]),
        [
            "2016-12-25T00:00:00Z",
            "2017-01-01T00:00:00Z",
            "2017-01-08T00:00:00Z"
        ]
    );
    assert_eq!(
        run("endofday", vec![date_col(&day), offsets(&[-1, 0, 1])]),
        [
            "2016-12-31T23:59:59.9999999Z",
            "2017-01-01T23:59:59.9999999Z",
            "2017-01-02T23:59:59.9999999Z"
        ]
    );
    assert_eq!(
        run("endofmonth", vec![date_col(&day), offsets(&[-1, 0, 1])]),
        [
            "2016-12-31T23:59:59.9999999Z",
            "2017-01-31T23:59:59.9999999Z",
            "2017-02-28T23:59:59.9999999Z"
        ]
    );
    // startofweek-function.md, the Monday-week example's inputs: Saturday 2025-06-14
    // and Sunday 2025-06-15 fall in the weeks starting 2025-06-08 and 2025-06-15.
    assert_eq!(
        run("startofweek", vec![date_col(&["2025-06-14", "2025-06-15"])]),
        ["2025-06-08T00:00:00Z", "2025-06-15T00:00:00Z"]
    );
    assert_eq!(
        run("startofmonth", vec![date_col(&["2024-02-29 13:00"])]),
        ["2024-02-01T00:00:00Z"]
    );
    assert_eq!(
        run(
            "startofyear",
            vec![date_col(&["2024-02-29 13:00"]), offsets(&[1])]
        ),
        ["2025-01-01T00:00:00Z"]
    );
    assert_eq!(
        run("endofyear", vec![date_col(&["2024-02-29 13:00"])]),
        ["2024-12-31T23:59:59.9999999Z"]
    );
    assert_eq!(
        run("endofweek", vec![date_col(&["2025-06-14"])]),
        ["2025-06-14T23:59:59.9999999Z"]
    );
}

fn lit_str(s: &str) -> TArg {
    TArg::Lit(ScalarType::String, ScalarValue::from(s))
}

fn date_lit(s: &str) -> TArg {
    TArg::Lit(
        ScalarType::DateTime,
        ScalarValue::TimestampNanosecond(Some(dt(s)), Some("UTC".into())),
    )
}

fn long_of(name: &str, args: Vec<TArg>) -> Option<i64> {
    let (ty, out) = call(name, args).unwrap();
    let v = arrow::compute::cast(&out, &arrow::datatypes::DataType::Int64).unwrap();
    assert!(
        matches!(ty, ScalarType::Int | ScalarType::Long),
        "{name}: {ty}"
    );
    let v = v.as_primitive::<arrow::datatypes::Int64Type>();
    v.is_valid(0).then(|| v.value(0))
}

#[test]
fn datetime_diff_documented() {
    // DOCS datetime-diff-function.md: 17, 2, 13, 5, 29, 2, 5, 10, 100, 100, -700.
    let cases = [
        ("year", "2017-01-01", "2000-12-31", 17),
        ("quarter", "2017-07-01", "2017-03-30", 2),
        ("month", "2017-01-01", "2015-12-30", 13),
        ("week", "2017-10-29 00:00", "2017-09-30 23:59", 5),
        ("day", "2017-10-29 00:00", "2017-09-30 23:59", 29),
        ("hour", "2017-10-31 01:00", "2017-10-30 23:59", 2),
        ("minute", "2017-10-30 23:05:01", "2017-10-30 23:00:59", 5),
        (
            "second",
            "2017-10-30 23:00:10.100",
            "2017-10-30 23:00:00.900",
            10,
        ),
        (
            "millisecond",
            "2017-10-30 23:00:00.200100",
            "2017-10-30 23:00:00.100900",
            100,
        ),
        (
            "microsecond",
            "2017-10-30 23:00:00.1009001",
            "2017-10-30 23:00:00.1008009",
            100,
        ),
        (
            "nanosecond",
            "2017-10-30 23:00:00.0000000",
            "2017-10-30 23:00:00.0000007",
            -700,
        ),
    ];
    for (period, a, b, expected) in cases {
        assert_eq!(
            long_of(
                "datetime_diff",
                vec![lit_str(period), date_lit(a), date_lit(b)]
            ),
            Some(expected),
            "{period}"
        );
    }
    // Periods are case-insensitive; an unknown constant period is a typing error.
    assert_eq!(
        long_of(
            "datetime_diff",
            vec![
                lit_str("Day"),
                date_lit("2017-01-02"),
                date_lit("2017-01-01")
            ]
        ),
        Some(1)
    );
    assert!(
        call(
            "datetime_diff",
            vec![
                lit_str("fortnight"),
                date_lit("2017-01-02"),
                date_lit("2017-01-01")
            ]
        )
        .is_err()
    );
}

#[test]
fn datetime_part_documented() {
    // DOCS datetime-part-function.md.
    let d = "2017-10-30 01:02:03.7654321";
    let cases = [
        ("year", 2017),
        ("quarter", 4),
        ("month", 10),
        ("week_of_year", 44),
        ("day", 30),
        ("dayOfYear", 303),
        ("hour", 1),
        ("minute", 2),
        ("second", 3),
        ("millisecond", 765),
        ("microsecond", 765_432),
        ("nanosecond", 765_432_100),
    ];
    for (part, expected) in cases {
        assert_eq!(
            long_of("datetime_part", vec![lit_str(part), date_lit(d)]),
            Some(expected),
            "{part}"
        );
        assert_eq!(
            long_of("datepart", vec![lit_str(part), date_lit(d)]),
            Some(expected),
            "{part}"
        );
    }
}

#[test]
fn single_part_functions_documented() {
    // DOCS day-of-month-function.md, day-of-year-function.md, getyear-function.md,
    // hour-of-day-function.md, monthofyear-function.md, week-of-year-function.md.
    let cases = [
        ("dayofmonth", "2015-12-14", 14),
        ("dayofyear", "2015-12-14", 348),
        ("getyear", "2015-10-12", 2015),
        ("hourofday", "2015-12-14 18:54", 18),
        ("monthofyear", "2015-12-14", 12),
        ("getmonth", "2015-12-14", 12),
        ("week_of_year", "2020-12-31", 53),
        ("week_of_year", "2020-06-15", 25),
        ("week_of_year", "1970-01-01", 1),
        ("week_of_year", "2000-01-01", 52),
    ];
    for (name, d, expected) in cases {
        let (ty, _) = call(name, vec![date_lit(d)]).unwrap();
        assert_eq!(ty, ScalarType::Int, "{name}");
        assert_eq!(
            long_of(name, vec![date_lit(d)]),
            Some(expected),
            "{name} {d}"
        );
    }
    // DOCS day-of-week-function.md: Sunday 0, Monday 1, Tuesday 2 days.
    for (d, days) in [
        ("1947-11-30 10:00:05", 0),
        ("1970-05-11", 1),
        ("1970-05-12", 2),
    ] {
        let (ty, out) = call("dayofweek", vec![date_lit(d)]).unwrap();
        assert_eq!(ty, ScalarType::Timespan);
        let v = out.as_primitive::<arrow::datatypes::DurationNanosecondType>();
        assert_eq!(v.value(0), days * 86_400_000_000_000, "{d}");
    }
}

#[test]
fn unixtime_and_make_documented() {
    // DOCS unixtime-*-todatetime-function.md: all four give 2019-01-01.
    let cases = [
        ("unixtime_seconds_todatetime", 1_546_300_800_i64),
        ("unixtime_milliseconds_todatetime", 1_546_300_800_000),
        ("unixtime_microseconds_todatetime", 1_546_300_800_000_000),
        ("unixtime_nanoseconds_todatetime", 1_546_300_800_000_000_000),
    ];
    for (name, v) in cases {
        assert_eq!(
            run(
                name,
                vec![TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(v)))]
            ),
            ["2019-01-01T00:00:00Z"],
            "{name}"
        );
    }
    // Fractions of a second survive to the tick; beyond the datetime range is null.
    assert_eq!(
        run(
            "unixtime_seconds_todatetime",
            vec![TArg::Lit(ScalarType::Real, ScalarValue::Float64(Some(1.5)))]
        ),
        ["1970-01-01T00:00:01.5Z"]
    );
    assert_eq!(
        run(
            "unixtime_seconds_todatetime",
            vec![TArg::Lit(
                ScalarType::Long,
                ScalarValue::Int64(Some(i64::MAX))
            )]
        ),
        [""]
    );
    // DOCS make-datetime-function.md.
    let int = |v: i32| TArg::Lit(ScalarType::Int, ScalarValue::Int32(Some(v)));
    assert_eq!(
        run("make_datetime", vec![int(2017), int(10), int(1)]),
        ["2017-10-01T00:00:00Z"]
    );
    assert_eq!(
        run(
            "make_datetime",
            vec![
                int(2017),
                int(10),
                int(1),
                int(12),
                int(11),
                TArg::Lit(ScalarType::Real, ScalarValue::Float64(Some(0.1234567)))
            ]
        ),
        ["2017-10-01T12:11:00.1234567Z"]
    );
    // The one-argument form converts, as todatetime does.
    assert_eq!(
        run("make_datetime", vec![lit_str("2017-10-01")]),
        ["2017-10-01T00:00:00Z"]
    );
    // DOCS make-timespan-function.md.
    let (ty, out) = call(
        "make_timespan",
        vec![
            int(1),
            int(12),
            int(30),
            TArg::Lit(ScalarType::Real, ScalarValue::Float64(Some(55.123))),
        ],
    )
    .unwrap();
    assert_eq!(ty, ScalarType::Timespan);
    let v = out.as_primitive::<arrow::datatypes::DurationNanosecondType>();
    assert_eq!(
        crate::convert::format_timespan_nanos(v.value(0)),
        "1.12:30:55.1230000"
    );
}

#[test]
fn formatting_and_zones_through_the_registry() {
    // DOCS format-datetime-function.md, first example.
    let (ty, out) = call(
        "format_datetime",
        vec![
            date_lit("2017-01-29 09:00:05"),
            lit_str("yy-MM-dd [HH:mm:ss]"),
        ],
    )
    .unwrap();
    assert_eq!(ty, ScalarType::String);
    assert_eq!(out.as_string::<i32>().value(0), "17-01-29 [09:00:05]");
    // DOCS format-timespan-function.md.
    let (_, out) = call(
        "format_timespan",
        vec![
            TArg::Lit(
                ScalarType::Timespan,
                ScalarValue::DurationNanosecond(crate::convert::parse_timespan_nanos(
                    "29.09:00:05.12345",
                )),
            ),
            lit_str("dd.hh:mm:ss:FF"),
        ],
    )
    .unwrap();
    assert_eq!(out.as_string::<i32>().value(0), "29.09:00:05:12");
    // DOCS datetime-local-to-utc-function.md; unknown zones give null.
    assert_eq!(
        run(
            "datetime_local_to_utc",
            vec![date_lit("2020-02-02 20:02:20"), lit_str("Europe/Paris")]
        ),
        ["2020-02-02T19:02:20Z"]
    );
    assert_eq!(
        run(
            "datetime_utc_to_local",
            vec![date_lit("2020-02-02 19:02:20"), lit_str("Europe/Paris")]
        ),
        ["2020-02-02T20:02:20Z"]
    );
    assert_eq!(
        run(
            "datetime_utc_to_local",
            vec![date_lit("2020-02-02 19:02:20"), lit_str("Nowhere/Special")]
        ),
        [""]
    );
}
