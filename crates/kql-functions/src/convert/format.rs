//! `tostring`: KQL's text form of every scalar type.
//!
//! | KQL type | text | example |
//! |---|---|---|
//! | null of any type | `""` | `tostring(int(null))` → `""` (DOCS `tostring-function.md`) |
//! | `bool` | `true` / `false` | |
//! | `int`, `long` | decimal | `tostring(123)` → `"123"` |
//! | `real` | shortest round-trip digits; scientific from 1E+15 and from 1E-05 down; `NaN`, `Infinity`, `-Infinity` | `1.0` → `"1"`, `1e20` → `"1E+20"` |
//! | `datetime` | ISO 8601 UTC, fraction of 7 digits with trailing zeros dropped | `2024-01-01T10:00:00Z`, `2015-12-31T23:59:59.9Z` |
//! | `timespan` | `[-][d.]hh:mm:ss[.fffffff]` | `1d` → `"1.00:00:00"`, `1s` → `"00:00:01"` |
//! | `string`, `guid` | the text itself | |
//! | `dynamic` | a JSON string's text unquoted, anything else as JSON text | see [`crate::dynamic`] |
//!
//! The datetime form is the one Kusto prints in results (`1970-05-11T00:00:00Z` in
//! `bin-function.md`); the timespan form is .NET's constant format, as in `totimespan-function.md`
//! (`4.00:00:00`, `00:03:00`) and `strcat-delim-function.md` (`1s` → `00:00:01`). Real numbers
//! follow .NET's default (invariant) formatting, which Kusto uses.

use super::input::{Source, Value, for_each_value};
use arrow::array::{Array, ArrayRef, AsArray, StringArray, StringBuilder};
use chrono::DateTime;
use datafusion::error::Result;
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
    // .NET "G": fixed-point when -5 < exponent < 15.
    if v != 0.0 && !(-4..15).contains(&exponent) {
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

/// The form of a `datetime` inside a `dynamic` value: a JSON string with all seven
/// fraction digits, as Kusto writes them (`"2007-01-01T00:00:00.0000000Z"` in
/// `range-function.md`).
pub fn format_datetime_json_text(nanos: i64) -> String {
    let mut out = String::new();
    write_datetime(i128::from(nanos), true, &mut out);
    out
}

fn write_datetime_nanos(nanos: i128, out: &mut String) {
    write_datetime(nanos, false, out);
}

fn write_datetime(nanos: i128, full_fraction: bool, out: &mut String) {
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
    if full_fraction {
        let _ = write!(out, ".{ticks:07}");
    } else if ticks != 0 {
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

/// Appends the `tostring` text of one value to `out` (nothing for null).
pub(crate) fn write_value_text(v: Value<'_>, out: &mut String) {
    match v {
        Value::Null => {}
        Value::Str(s) => out.push_str(s),
        Value::Long(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Real(r) => out.push_str(&format_real(r)),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::DateTime(ns) => write_datetime_nanos(i128::from(ns), out),
        Value::Timespan(ns) => write_timespan_nanos(i128::from(ns), out),
        Value::Json(j) => {
            let _ = write!(out, "{j}");
        }
    }
}

/// The KQL text of every row of `array` (nulls become `""`), as a `Utf8` array without
/// nulls. With [`Source::Dynamic`] the strings are read as JSON: a JSON string gives its
/// unquoted text, any other JSON value its compact JSON text.
pub fn to_kql_string_array(array: &ArrayRef, source: Source) -> Result<ArrayRef> {
    let mut b = StringBuilder::with_capacity(array.len(), array.len() * 8);
    let mut buf = String::new();
    for_each_value(array, source, |_, v| {
        buf.clear();
        write_value_text(v, &mut buf);
        b.append_value(&buf);
    })?;
    Ok(Arc::new(b.finish()))
}

/// The KQL text of one scalar value (`""` for null).
pub fn scalar_to_kql_string(value: &ScalarValue) -> Result<String> {
    let array = to_kql_string_array(&value.to_array_of_size(1)?, Source::Text)?;
    let strings: Option<&StringArray> = array.as_string_opt::<i32>();
    Ok(strings
        .filter(|s| !s.is_empty())
        .map(|s| s.value(0).to_string())
        .unwrap_or_default())
}
