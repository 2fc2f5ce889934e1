//! Calendar functions: `datetime_add`, `startofday`/`week`/`month`/`year` and the
//! matching `endof*` functions.
//!
//! Weeks start on Sunday (DOCS `startofweek-function.md`); `endof*` is the last tick
//! (100 ns) before the next period starts (DOCS `endofday-function.md`:
//! `2017-01-01 23:59:59.9999999`). Adding months clamps the day to the month's last day,
//! as .NET's `AddMonths` does. Results outside the range of Arrow's nanosecond timestamps
//! (1677–2262) are null.

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count,
    expect_type,
};
use crate::strings::string_arg;
use crate::udf::{arg, call_kernel, downcast, opt_arg, value_at};
use arrow::array::{ArrayRef, Int64Array, TimestampNanosecondArray};
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime};
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;
use table_schemas::arrow_type;

const NS_TICK: i64 = 100;

/// A calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl Period {
    /// The period names of DOCS `datetime-add-function.md` (any case, singular or plural).
    fn parse(name: &str) -> Option<Period> {
        let name = name.trim().to_ascii_lowercase();
        let name = name.strip_suffix('s').unwrap_or(&name);
        Some(match name {
            "year" => Period::Year,
            "quarter" => Period::Quarter,
            "month" => Period::Month,
            "week" => Period::Week,
            "day" => Period::Day,
            "hour" => Period::Hour,
            "minute" => Period::Minute,
            "second" => Period::Second,
            "millisecond" => Period::Millisecond,
            "microsecond" => Period::Microsecond,
            "nanosecond" => Period::Nanosecond,
            _ => return None,
        })
    }

    /// Fixed length in nanoseconds; `None` for the calendar periods (months, years).
    fn nanos(self) -> Option<i64> {
        Some(match self {
            Period::Year | Period::Quarter | Period::Month => return None,
            Period::Week => 7 * 86_400_000_000_000,
            Period::Day => 86_400_000_000_000,
            Period::Hour => 3_600_000_000_000,
            Period::Minute => 60_000_000_000,
            Period::Second => 1_000_000_000,
            Period::Millisecond => 1_000_000,
            Period::Microsecond => 1_000,
            Period::Nanosecond => 1,
        })
    }

    fn months(self) -> i64 {
        match self {
            Period::Year => 12,
            Period::Quarter => 3,
            _ => 1,
        }
    }
}

fn naive(ns: i64) -> NaiveDateTime {
    DateTime::from_timestamp_nanos(ns).naive_utc()
}

fn nanos(dt: NaiveDateTime) -> Option<i64> {
    dt.and_utc().timestamp_nanos_opt()
}

fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    if months >= 0 {
        date.checked_add_months(m)
    } else {
        date.checked_sub_months(m)
    }
}

/// `datetime + amount × period`.
fn datetime_add(period: Period, amount: i64, ns: i64) -> Option<i64> {
    match period.nanos() {
        Some(unit) => ns.checked_add(amount.checked_mul(unit)?),
        None => {
            let dt = naive(ns);
            let date = add_months(dt.date(), amount.checked_mul(period.months())?)?;
            nanos(date.and_time(dt.time()))
        }
    }
}

/// The start of the `period` (day, week, month or year) containing `ns`, moved by
/// `offset` periods.
fn start_of(period: Period, ns: i64, offset: i64) -> Option<i64> {
    let date = naive(ns).date();
    let start = match period {
        Period::Day => date.checked_add_signed(chrono::Duration::try_days(offset)?)?,
        Period::Week => {
            let sunday = date.checked_sub_signed(chrono::Duration::try_days(i64::from(
                date.weekday().num_days_from_sunday(),
            ))?)?;
            sunday.checked_add_signed(chrono::Duration::try_weeks(offset)?)?
        }
        Period::Month => add_months(date.with_day(1)?, offset)?,
        _ => add_months(date.with_day(1)?.with_month(1)?, offset.checked_mul(12)?)?,
    };
    nanos(start.and_hms_opt(0, 0, 0)?)
}

/// The last tick of the `period` containing `ns`, moved by `offset` periods.
fn end_of(period: Period, ns: i64, offset: i64) -> Option<i64> {
    start_of(period, ns, offset.checked_add(1)?)?.checked_sub(NS_TICK)
}

fn timestamps(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(
        values
            .collect::<TimestampNanosecondArray>()
            .with_timezone("UTC"),
    )
}

fn datetime_add_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let period = string_arg(args, 0)?;
    let amount = downcast::<Int64Array>(arg(args, 1)?.as_ref())?;
    let date = downcast::<TimestampNanosecondArray>(arg(args, 2)?.as_ref())?;
    Ok(timestamps((0..rows).map(|i| {
        datetime_add(
            Period::parse(period.get(i))?,
            value_at(amount, i)?,
            value_at(date, i)?,
        )
    })))
}

/// `startof*` / `endof*` kernels: the date, then an optional offset.
fn boundary_kernel(args: &[ArrayRef], rows: usize, period: Period, end: bool) -> Result<ArrayRef> {
    let date = downcast::<TimestampNanosecondArray>(arg(args, 0)?.as_ref())?;
    let offset = opt_arg::<Int64Array>(args, 1)?;
    Ok(timestamps((0..rows).map(|i| {
        let ns = value_at(date, i)?;
        let off = match offset {
            Some(o) => value_at(o, i)?,
            None => 0,
        };
        if end {
            end_of(period, ns, off)
        } else {
            start_of(period, ns, off)
        }
    })))
}

macro_rules! boundary_kernels {
    ($($name:ident => $period:expr, $end:expr;)*) => {
        $(fn $name(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
            boundary_kernel(args, rows, $period, $end)
        })*
    };
}

boundary_kernels! {
    startofday => Period::Day, false;
    startofweek => Period::Week, false;
    startofmonth => Period::Month, false;
    startofyear => Period::Year, false;
    endofday => Period::Day, true;
    endofweek => Period::Week, true;
    endofmonth => Period::Month, true;
    endofyear => Period::Year, true;
}

fn check_boundary(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 2, "1 or 2")?;
    expect_type(args, 0, &[ScalarType::DateTime], "datetime")?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    Ok(ScalarType::DateTime)
}

/// The date as is, the offset as `long`.
fn boundary_args(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            0 => e,
            _ => cast_to(e, arg_type(args, i), ScalarType::Long),
        })
        .collect()
}

fn check_datetime_add(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    expect_type(args, 0, &[ScalarType::String], "string")?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    expect_type(args, 2, &[ScalarType::DateTime], "datetime")?;
    if let Some(p) = args.first().and_then(Arg::const_str)
        && Period::parse(p).is_none()
    {
        return Err(ArgError::Invalid {
            index: Some(0),
            message: format!(
                "unknown period `{p}` (expected year, quarter, month, week, day, hour, minute, \
                 second, millisecond, microsecond or nanosecond)"
            ),
        });
    }
    Ok(ScalarType::DateTime)
}

fn lower_datetime_add(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match i {
            1 => cast_to(e, arg_type(args, 1), ScalarType::Long),
            _ => e,
        })
        .collect();
    Ok(call_kernel(
        "datetime_add",
        "",
        arrow_type(ScalarType::DateTime),
        true,
        datetime_add_kernel,
        exprs,
    ))
}

macro_rules! boundary_function {
    ($name:literal, $kernel:ident) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_boundary,
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    arrow_type(ScalarType::DateTime),
                    true,
                    $kernel,
                    boundary_args(exprs, args),
                ))
            },
        }
    };
}

/// The calendar functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "datetime_add",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_datetime_add,
        lower: lower_datetime_add,
    },
    boundary_function!("startofday", startofday),
    boundary_function!("startofweek", startofweek),
    boundary_function!("startofmonth", startofmonth),
    boundary_function!("startofyear", startofyear),
    boundary_function!("endofday", endofday),
    boundary_function!("endofweek", endofweek),
    boundary_function!("endofmonth", endofmonth),
    boundary_function!("endofyear", endofyear),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{format_datetime_nanos, parse_datetime_nanos};
    use crate::test_util::{TArg, call};
    use arrow::array::AsArray;
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
}
