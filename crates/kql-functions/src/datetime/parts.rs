//! Parts of a datetime and differences between two: `datetime_part` (legacy `datepart`),
//! `datetime_diff`, `getyear`, `getmonth`/`monthofyear`, `dayofmonth`, `dayofyear`,
//! `dayofweek`, `hourofday`, `week_of_year` (legacy `weekofyear`).
//!
//! `datetime_diff` counts the period boundaries crossed between the two values, which is
//! the difference of the two values each truncated to the period (DOCS
//! `datetime-diff-function.md`: 2017-10-31 01:00 minus 2017-10-30 23:59 is 2 hours, and
//! 23:05:01 minus 23:00:59 is 5 minutes); weeks start on Sunday.

use super::{Period, naive, timestamps};
use crate::convert::real_to_long;
use crate::registry::{Arg, ArgError, CheckResult, expect_count, expect_type};
use crate::strings::string_arg;
use crate::udf::{arg, downcast, value_at};
use arrow::array::{
    Array, ArrayRef, DurationNanosecondArray, Float64Array, Int32Array, Int64Array,
    TimestampNanosecondArray,
};
use chrono::{Datelike, Timelike};
use datafusion::error::Result;
use kql_syntax::ScalarType;
use std::sync::Arc;

const NS_DAY: i64 = 86_400_000_000_000;

/// A part `datetime_part` extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Year,
    Quarter,
    Month,
    WeekOfYear,
    Day,
    DayOfYear,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl Part {
    /// The part names of DOCS `datetime-part-function.md`, in any case; `weekofyear` is
    /// the obsolete spelling of `week_of_year` the same page mentions.
    pub(super) fn parse(name: &str) -> Option<Part> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "year" => Part::Year,
            "quarter" => Part::Quarter,
            "month" => Part::Month,
            "week_of_year" | "weekofyear" => Part::WeekOfYear,
            "day" => Part::Day,
            "dayofyear" => Part::DayOfYear,
            "hour" => Part::Hour,
            "minute" => Part::Minute,
            "second" => Part::Second,
            "millisecond" => Part::Millisecond,
            "microsecond" => Part::Microsecond,
            "nanosecond" => Part::Nanosecond,
            _ => return None,
        })
    }
}

/// `part` of the datetime `ns` (nanoseconds since the Unix epoch).
pub(super) fn datetime_part(part: Part, ns: i64) -> i32 {
    let dt = naive(ns);
    let sub_second = ns.rem_euclid(1_000_000_000) as i32;
    match part {
        Part::Year => dt.year(),
        Part::Quarter => (dt.month0() / 3 + 1) as i32,
        Part::Month => dt.month() as i32,
        Part::WeekOfYear => dt.iso_week().week() as i32,
        Part::Day => dt.day() as i32,
        Part::DayOfYear => dt.ordinal() as i32,
        Part::Hour => dt.hour() as i32,
        Part::Minute => dt.minute() as i32,
        Part::Second => dt.second() as i32,
        Part::Millisecond => sub_second / 1_000_000,
        Part::Microsecond => sub_second / 1_000,
        Part::Nanosecond => sub_second,
    }
}

/// The index of the calendar period holding `ns`, counted from an arbitrary origin that is
/// the same for every value, so that differences of indexes count periods crossed.
fn period_index(period: Period, ns: i64) -> i64 {
    let dt = naive(ns);
    let months = i64::from(dt.year()) * 12 + i64::from(dt.month0());
    match period {
        Period::Year => i64::from(dt.year()),
        Period::Quarter => months.div_euclid(3),
        Period::Month => months,
        // 1970-01-01 was a Thursday: four days after the Sunday starting its week.
        Period::Week => (ns.div_euclid(NS_DAY) + 4).div_euclid(7),
        other => ns.div_euclid(other.nanos().unwrap_or(1)),
    }
}

/// `datetime_diff(period, a, b)`: the number of `period`s in `a - b`.
pub(super) fn datetime_diff(period: Period, a: i64, b: i64) -> Option<i64> {
    period_index(period, a).checked_sub(period_index(period, b))
}

pub(super) fn check_datetime_part(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    expect_type(args, 0, &[ScalarType::String], "string")?;
    expect_type(args, 1, &[ScalarType::DateTime], "datetime")?;
    if let Some(p) = args.first().and_then(Arg::const_str)
        && Part::parse(p).is_none()
    {
        return Err(ArgError::Invalid {
            index: Some(0),
            message: format!(
                "unknown part `{p}` (expected year, quarter, month, week_of_year, day, \
                 dayofyear, hour, minute, second, millisecond, microsecond or nanosecond)"
            ),
        });
    }
    Ok(ScalarType::Int)
}

pub(super) fn check_datetime_diff(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    expect_type(args, 0, &[ScalarType::String], "string")?;
    expect_type(args, 1, &[ScalarType::DateTime], "datetime")?;
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
    Ok(ScalarType::Long)
}

/// One `datetime` argument.
pub(super) fn check_date(args: &[Arg], result: ScalarType) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    expect_type(args, 0, &[ScalarType::DateTime], "datetime")?;
    Ok(result)
}

fn dates(args: &[ArrayRef], i: usize) -> Result<&TimestampNanosecondArray> {
    downcast::<TimestampNanosecondArray>(arg(args, i)?.as_ref())
}

pub(super) fn datetime_part_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let part = string_arg(args, 0)?;
    let date = dates(args, 1)?;
    let out: Int32Array = (0..rows)
        .map(|i| Some(datetime_part(Part::parse(part.get(i))?, value_at(date, i)?)))
        .collect();
    Ok(Arc::new(out))
}

pub(super) fn datetime_diff_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let period = string_arg(args, 0)?;
    let (a, b) = (dates(args, 1)?, dates(args, 2)?);
    let out: Int64Array = (0..rows)
        .map(|i| {
            datetime_diff(
                Period::parse(period.get(i))?,
                value_at(a, i)?,
                value_at(b, i)?,
            )
        })
        .collect();
    Ok(Arc::new(out))
}

/// A kernel giving one part of its single datetime argument as `int`.
pub(super) fn part_kernel(args: &[ArrayRef], rows: usize, part: Part) -> Result<ArrayRef> {
    let date = dates(args, 0)?;
    let out: Int32Array = (0..rows)
        .map(|i| Some(datetime_part(part, value_at(date, i)?)))
        .collect();
    Ok(Arc::new(out))
}

/// `dayofweek(date)`: whole days since the preceding Sunday, as a timespan (DOCS
/// `day-of-week-function.md`: 1970-05-11, a Monday, gives `1.00:00:00`).
pub(super) fn dayofweek_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let date = dates(args, 0)?;
    let out: DurationNanosecondArray = (0..rows)
        .map(|i| {
            let days = (value_at(date, i)?.div_euclid(NS_DAY) + 4).rem_euclid(7);
            Some(days * NS_DAY)
        })
        .collect();
    Ok(Arc::new(out))
}

/// `unixtime_*_todatetime(number)`: `number` units of `unit_ns` nanoseconds after the
/// epoch. Integers convert exactly; fractions are kept to the tick (100 ns). Values outside
/// the datetime range are null.
pub(super) fn unixtime_kernel(args: &[ArrayRef], rows: usize, unit_ns: i64) -> Result<ArrayRef> {
    let value = arg(args, 0)?;
    if let Some(ints) = value.as_any().downcast_ref::<Int64Array>() {
        return Ok(timestamps(
            (0..rows).map(|i| value_at(ints, i)?.checked_mul(unit_ns)),
        ));
    }
    let reals = downcast::<Float64Array>(value.as_ref())?;
    Ok(timestamps((0..rows).map(|i| {
        let ticks = (value_at(reals, i)? * unit_ns as f64 / 100.0).round();
        real_to_long(ticks)?.checked_mul(100)
    })))
}
