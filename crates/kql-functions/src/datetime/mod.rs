//! Calendar functions: `datetime_add`, `startofday`/`week`/`month`/`year` and the
//! matching `endof*` functions; parts and differences ([`parts`]), formatting
//! ([`format`]), building values and time zones ([`make`]), and `unixtime_*_todatetime`.
//!
//! Weeks start on Sunday (DOCS `startofweek-function.md`); `endof*` is the last tick
//! (100 ns) before the next period starts (DOCS `endofday-function.md`:
//! `2017-01-01 23:59:59.9999999`). Adding months clamps the day to the month's last day,
//! as .NET's `AddMonths` does. Results outside the range of Arrow's nanosecond timestamps
//! (1677–2262) are null.

mod format;
mod make;
mod parts;

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count,
    expect_type, is_numeric,
};
use crate::strings::string_arg;
use crate::udf::{arg, call_kernel, downcast, opt_arg, value_at};
use arrow::array::{ArrayRef, Int64Array, TimestampNanosecondArray};
use arrow::datatypes::DataType;
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

/// The single-datetime functions that return one part of it as `int`.
macro_rules! part_kernels {
    ($($name:ident => $part:expr;)*) => {
        $(fn $name(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
            parts::part_kernel(args, rows, $part)
        })*
    };
}

part_kernels! {
    getyear => parts::Part::Year;
    getmonth => parts::Part::Month;
    dayofmonth => parts::Part::Day;
    dayofyear => parts::Part::DayOfYear;
    hourofday => parts::Part::Hour;
    week_of_year => parts::Part::WeekOfYear;
}

macro_rules! part_function {
    ($name:literal, $aliases:expr, $kernel:ident) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: |args| parts::check_date(args, ScalarType::Int),
            lower: |exprs, _| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Int32,
                    true,
                    $kernel,
                    exprs,
                ))
            },
        }
    };
}

/// `unixtime_*_todatetime(number)`: integers stay `long` (exact), other numbers `real`.
fn check_unixtime(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    let ty = arg_type(args, 0);
    if is_numeric(ty) {
        Ok(ScalarType::DateTime)
    } else {
        Err(ArgError::Type {
            index: 0,
            expected: "a number",
            found: ty,
        })
    }
}

fn unixtime_arg(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .map(|e| match arg_type(args, 0) {
            ty @ (ScalarType::Int | ScalarType::Long) => cast_to(e, ty, ScalarType::Long),
            ty => cast_to(e, ty, ScalarType::Real),
        })
        .collect()
}

macro_rules! unixtime_function {
    ($name:literal, $unit_ns:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_unixtime,
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    arrow_type(ScalarType::DateTime),
                    true,
                    |a, r| parts::unixtime_kernel(a, r, $unit_ns),
                    unixtime_arg(exprs, args),
                ))
            },
        }
    };
}

/// `make_datetime`/`make_timespan`: `min..=max` numbers, or one value to convert.
fn check_make(args: &[Arg], min: usize, max: usize, result: ScalarType) -> CheckResult {
    if args.len() == 1 {
        return Ok(result);
    }
    expect_count(
        args,
        min,
        max,
        if min == 3 { "1, or 3 to 6" } else { "1 to 4" },
    )?;
    for (i, a) in args.iter().enumerate() {
        if !is_numeric(a.ty) {
            return Err(ArgError::Type {
                index: i,
                expected: "a number",
                found: a.ty,
            });
        }
    }
    Ok(result)
}

/// The numeric form through its kernel; the one-argument form as `convert` (`todatetime`
/// or `totimespan`) reads it.
fn lower_make(
    exprs: Vec<Expr>,
    args: &[Arg],
    name: &'static str,
    convert: &str,
    kernel: crate::udf::Kernel,
    result: ScalarType,
) -> Result<Expr> {
    if exprs.len() == 1 {
        let f = crate::registry::lookup(convert).ok_or_else(|| {
            datafusion::error::DataFusionError::Internal(format!("no function {convert}"))
        })?;
        return (f.lower)(exprs, args);
    }
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ScalarType::Real))
        .collect();
    Ok(call_kernel(
        name,
        "",
        arrow_type(result),
        true,
        kernel,
        exprs,
    ))
}

/// `(datetime, string)` for the time-zone functions.
fn check_zone(args: &[Arg]) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    expect_type(args, 0, &[ScalarType::DateTime], "datetime")?;
    expect_type(args, 1, &[ScalarType::String], "string")?;
    Ok(ScalarType::DateTime)
}

/// `(value, format)` for the formatting functions.
fn check_format(args: &[Arg], value: ScalarType, expected: &'static str) -> CheckResult {
    expect_count(args, 2, 2, "2")?;
    expect_type(args, 0, &[value], expected)?;
    expect_type(args, 1, &[ScalarType::String], "string")?;
    Ok(ScalarType::String)
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
    Function {
        name: "datetime_part",
        aliases: &["datepart"],
        kind: FunctionKind::Scalar,
        check: parts::check_datetime_part,
        lower: |exprs, _| {
            Ok(call_kernel(
                "datetime_part",
                "",
                DataType::Int32,
                true,
                parts::datetime_part_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "datetime_diff",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: parts::check_datetime_diff,
        lower: |exprs, _| {
            Ok(call_kernel(
                "datetime_diff",
                "",
                DataType::Int64,
                true,
                parts::datetime_diff_kernel,
                exprs,
            ))
        },
    },
    part_function!("getyear", &[], getyear),
    part_function!("monthofyear", &["getmonth"], getmonth),
    part_function!("dayofmonth", &[], dayofmonth),
    part_function!("dayofyear", &[], dayofyear),
    part_function!("hourofday", &[], hourofday),
    // `weekofyear` counted weeks slightly differently (DOCS `week-of-year-function.md`);
    // it is read as the ISO 8601 week the documentation now recommends.
    part_function!("week_of_year", &["weekofyear"], week_of_year),
    Function {
        name: "dayofweek",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| parts::check_date(args, ScalarType::Timespan),
        lower: |exprs, _| {
            Ok(call_kernel(
                "dayofweek",
                "",
                arrow_type(ScalarType::Timespan),
                true,
                parts::dayofweek_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "format_datetime",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_format(args, ScalarType::DateTime, "datetime"),
        lower: |exprs, _| {
            Ok(call_kernel(
                "format_datetime",
                "",
                DataType::Utf8,
                false,
                format::format_datetime_kernel,
                exprs,
            ))
        },
    },
    Function {
        name: "format_timespan",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_format(args, ScalarType::Timespan, "timespan"),
        lower: |exprs, _| {
            Ok(call_kernel(
                "format_timespan",
                "",
                DataType::Utf8,
                false,
                format::format_timespan_kernel,
                exprs,
            ))
        },
    },
    unixtime_function!("unixtime_seconds_todatetime", 1_000_000_000),
    unixtime_function!("unixtime_milliseconds_todatetime", 1_000_000),
    unixtime_function!("unixtime_microseconds_todatetime", 1_000),
    unixtime_function!("unixtime_nanoseconds_todatetime", 1),
    Function {
        name: "make_datetime",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_make(args, 3, 6, ScalarType::DateTime),
        lower: |exprs, args| {
            lower_make(
                exprs,
                args,
                "make_datetime",
                "todatetime",
                make::make_datetime_kernel,
                ScalarType::DateTime,
            )
        },
    },
    Function {
        name: "make_timespan",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| check_make(args, 2, 4, ScalarType::Timespan),
        lower: |exprs, args| {
            lower_make(
                exprs,
                args,
                "make_timespan",
                "totimespan",
                make::make_timespan_kernel,
                ScalarType::Timespan,
            )
        },
    },
    Function {
        name: "datetime_utc_to_local",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_zone,
        lower: |exprs, _| {
            Ok(call_kernel(
                "datetime_utc_to_local",
                "",
                arrow_type(ScalarType::DateTime),
                true,
                |a, r| make::zone_kernel(a, r, true),
                exprs,
            ))
        },
    },
    Function {
        name: "datetime_local_to_utc",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_zone,
        lower: |exprs, _| {
            Ok(call_kernel(
                "datetime_local_to_utc",
                "",
                arrow_type(ScalarType::DateTime),
                true,
                |a, r| make::zone_kernel(a, r, false),
                exprs,
            ))
        },
    },
];

#[cfg(test)]
mod tests;
