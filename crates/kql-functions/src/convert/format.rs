//! `tostring`: KQL's text form of every scalar type.
//!
//! | KQL type | text | example |
//! |---|---|---|
//! | null of any type | `""` | `tostring(int(null))` → `""` (DOCS `tostring-function.md`) |
//! | `bool` | `true` / `false` | |
//! | `int`, `long` | decimal | `tostring(123)` → `"123"` |
//! | `real` | shortest round-trip digits; scientific from 1E+15 and below 1E-05; `NaN`, `Infinity`, `-Infinity` | `1.0` → `"1"`, `1e20` → `"1E+20"` |
//! | `datetime` | ISO 8601 UTC, fraction of 7 digits with trailing zeros dropped | `2024-01-01T10:00:00Z`, `2015-12-31T23:59:59.9Z` |
//! | `timespan` | `[-][d.]hh:mm:ss[.fffffff]` | `1d` → `"1.00:00:00"`, `1s` → `"00:00:01"` |
//! | `string`, `guid` | the text itself | |
//! | `dynamic` | a JSON string's text unquoted, anything else as JSON text | see [`crate::dynamic`] |
//!
//! The datetime form is the one Kusto prints in results (`1970-05-11T00:00:00Z` in
//! `bin-function.md`); the timespan form is .NET's constant format, as in `totimespan-function.md`
//! (`4.00:00:00`, `00:03:00`) and `strcat-delim-function.md` (`1s` → `00:00:01`). Real numbers
//! follow .NET's default (invariant) formatting, which Kusto uses.

use arrow::array::{Array, ArrayRef, AsArray, StringArray, StringBuilder};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use chrono::DateTime;
use datafusion::error::{DataFusionError, Result};
use datafusion::scalar::ScalarValue;
use std::fmt::Write;
use std::sync::Arc;

/// Nanoseconds per KQL tick (100 ns).
pub(crate) const NANOS_PER_TICK: i64 = 100;

/// The text of a `real` (see the module table).
pub fn format_real(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sci = format!("{v:e}");
    let exponent = sci
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse::<i32>().ok())
        .unwrap_or(0);
    if v != 0.0 && !(-5..15).contains(&exponent) {
        match sci.rsplit_once('e') {
            Some((mantissa, _)) => {
                let sign = if exponent < 0 { '-' } else { '+' };
                format!("{mantissa}E{sign}{:02}", exponent.unsigned_abs())
            }
            None => sci,
        }
    } else {
        format!("{v}")
    }
}

/// The text of a `datetime` given as nanoseconds since the Unix epoch.
pub fn format_datetime_nanos(nanos: i64) -> String {
    let mut out = String::new();
    write_datetime_nanos(i128::from(nanos), &mut out);
    out
}

fn write_datetime_nanos(nanos: i128, out: &mut String) {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    let dt = i64::try_from(secs)
        .ok()
        .zip(u32::try_from(sub).ok())
        .and_then(|(s, n)| DateTime::from_timestamp(s, n));
    let Some(dt) = dt else {
        return;
    };
    let _ = write!(out, "{}", dt.format("%Y-%m-%dT%H:%M:%S"));
    let ticks = sub / i128::from(NANOS_PER_TICK);
    if ticks != 0 {
        let digits = format!("{ticks:07}");
        let _ = write!(out, ".{}", digits.trim_end_matches('0'));
    }
    out.push('Z');
}

/// The text of a `timespan` given as nanoseconds.
pub fn format_timespan_nanos(nanos: i64) -> String {
    let mut out = String::new();
    write_timespan_nanos(i128::from(nanos), &mut out);
    out
}

fn write_timespan_nanos(nanos: i128, out: &mut String) {
    let ticks = nanos / i128::from(NANOS_PER_TICK);
    if ticks < 0 {
        out.push('-');
    }
    let t = ticks.unsigned_abs();
    let (fraction, secs) = (t % 10_000_000, t / 10_000_000);
    let (days, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    if days != 0 {
        let _ = write!(out, "{days}.");
    }
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
    if fraction != 0 {
        let _ = write!(out, ".{fraction:07}");
    }
}

fn nanos_per(unit: &TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    }
}

/// The KQL text of every row of `array` (nulls become `""`), as a `Utf8` array without nulls.
///
/// Strings pass through (`dynamic` JSON text included: unquoting is
/// [`crate::dynamic`]'s job, since a `Utf8` column does not say it holds JSON).
pub fn to_kql_string_array(array: &ArrayRef) -> Result<ArrayRef> {
    let mut b = StringBuilder::with_capacity(array.len(), array.len() * 8);
    let mut buf = String::new();
    macro_rules! each {
        ($arr:expr, |$v:ident| $body:expr) => {{
            let arr = $arr;
            for i in 0..arr.len() {
                buf.clear();
                if arr.is_valid(i) {
                    let $v = arr.value(i);
                    $body;
                }
                b.append_value(&buf);
            }
        }};
    }
    macro_rules! prim {
        ($t:ty, |$v:ident| $body:expr) => {
            each!(array.as_primitive::<$t>(), |$v| $body)
        };
    }
    match array.data_type() {
        DataType::Null => (0..array.len()).for_each(|_| b.append_value("")),
        DataType::Utf8 => each!(array.as_string::<i32>(), |v| buf.push_str(v)),
        DataType::LargeUtf8 => each!(array.as_string::<i64>(), |v| buf.push_str(v)),
        DataType::Utf8View => each!(array.as_string_view(), |v| buf.push_str(v)),
        DataType::Boolean => each!(array.as_boolean(), |v| buf.push_str(if v {
            "true"
        } else {
            "false"
        })),
        DataType::Int8 => prim!(Int8Type, |v| push_display(&mut buf, v)),
        DataType::Int16 => prim!(Int16Type, |v| push_display(&mut buf, v)),
        DataType::Int32 => prim!(Int32Type, |v| push_display(&mut buf, v)),
        DataType::Int64 => prim!(Int64Type, |v| push_display(&mut buf, v)),
        DataType::UInt8 => prim!(UInt8Type, |v| push_display(&mut buf, v)),
        DataType::UInt16 => prim!(UInt16Type, |v| push_display(&mut buf, v)),
        DataType::UInt32 => prim!(UInt32Type, |v| push_display(&mut buf, v)),
        DataType::UInt64 => prim!(UInt64Type, |v| push_display(&mut buf, v)),
        DataType::Float16 => prim!(Float16Type, |v| buf.push_str(&format_real(v.to_f64()))),
        DataType::Float32 => prim!(Float32Type, |v| buf.push_str(&format_real(f64::from(v)))),
        DataType::Float64 => prim!(Float64Type, |v| buf.push_str(&format_real(v))),
        DataType::Timestamp(unit, _) => {
            let per = nanos_per(unit);
            match unit {
                TimeUnit::Second => prim!(TimestampSecondType, |v| write_datetime_nanos(
                    i128::from(v) * per,
                    &mut buf
                )),
                TimeUnit::Millisecond => prim!(TimestampMillisecondType, |v| {
                    write_datetime_nanos(i128::from(v) * per, &mut buf)
                }),
                TimeUnit::Microsecond => prim!(TimestampMicrosecondType, |v| {
                    write_datetime_nanos(i128::from(v) * per, &mut buf)
                }),
                TimeUnit::Nanosecond => prim!(TimestampNanosecondType, |v| {
                    write_datetime_nanos(i128::from(v), &mut buf)
                }),
            }
        }
        DataType::Date32 => prim!(Date32Type, |v| write_datetime_nanos(
            i128::from(v) * 86_400_000_000_000,
            &mut buf
        )),
        DataType::Date64 => prim!(Date64Type, |v| write_datetime_nanos(
            i128::from(v) * 1_000_000,
            &mut buf
        )),
        DataType::Duration(unit) => {
            let per = nanos_per(unit);
            match unit {
                TimeUnit::Second => prim!(DurationSecondType, |v| write_timespan_nanos(
                    i128::from(v) * per,
                    &mut buf
                )),
                TimeUnit::Millisecond => prim!(DurationMillisecondType, |v| {
                    write_timespan_nanos(i128::from(v) * per, &mut buf)
                }),
                TimeUnit::Microsecond => prim!(DurationMicrosecondType, |v| {
                    write_timespan_nanos(i128::from(v) * per, &mut buf)
                }),
                TimeUnit::Nanosecond => prim!(DurationNanosecondType, |v| {
                    write_timespan_nanos(i128::from(v), &mut buf)
                }),
            }
        }
        DataType::Decimal128(..)
        | DataType::Decimal256(..)
        | DataType::Decimal32(..)
        | DataType::Decimal64(..) => {
            let text = arrow::compute::cast(array, &DataType::Utf8)?;
            each!(text.as_string::<i32>(), |v| buf.push_str(trim_decimal(v)))
        }
        other => {
            return Err(DataFusionError::NotImplemented(format!(
                "tostring of Arrow type {other}"
            )));
        }
    }
    Ok(Arc::new(b.finish()))
}

fn push_display(buf: &mut String, v: impl std::fmt::Display) {
    let _ = write!(buf, "{v}");
}

/// `1.500` → `1.5`, `2.000` → `2`.
fn trim_decimal(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// The KQL text of one scalar value (`""` for null).
pub fn scalar_to_kql_string(value: &ScalarValue) -> Result<String> {
    let array = to_kql_string_array(&value.to_array_of_size(1)?)?;
    let strings: Option<&StringArray> = array.as_string_opt::<i32>();
    Ok(strings
        .filter(|s| !s.is_empty())
        .map(|s| s.value(0).to_string())
        .unwrap_or_default())
}
