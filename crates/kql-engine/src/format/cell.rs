//! One result value, converted from Arrow with its KQL type.

use arrow::array::{
    Array, AsArray, BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array,
    TimestampNanosecondArray,
};
use arrow::datatypes::DataType;
use kql_syntax::ScalarType;

/// A value ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value (never used for `string`, which reads as `""`).
    Null,
    /// `bool`
    Bool(bool),
    /// `int` and `long`
    Long(i64),
    /// `real`
    Real(f64),
    /// `string`, `guid`, `datetime`, `timespan`, `decimal` in their text forms.
    Text(String),
    /// `dynamic`
    Json(serde_json::Value),
}

impl Cell {
    /// The value as JSON (for JSON lines). Non-finite reals become the strings Kusto prints.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Bool(b) => serde_json::Value::Bool(*b),
            Cell::Long(n) => serde_json::Value::from(*n),
            Cell::Real(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(real_text(*f))),
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Json(v) => v.clone(),
        }
    }

    /// The value as text (for CSV and tables); null is empty.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Long(n) => n.to_string(),
            Cell::Real(f) => real_text(*f),
            Cell::Text(s) => s.clone(),
            Cell::Json(v) => v.to_string(),
        }
    }
}

fn real_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        f.to_string()
    }
}

/// `2024-01-31T10:00:00.1234567Z`, fraction trimmed of trailing zeros (absent when zero).
pub fn format_datetime(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) else {
        return String::new();
    };
    use chrono::{Datelike as _, Timelike as _};
    // Written field by field: chrono's `format` parses its pattern on every call, which
    // showed in profiles of large results.
    let base = if (0..=9999).contains(&dt.year()) {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        )
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    };
    let ticks = sub / 100;
    if ticks == 0 {
        format!("{base}Z")
    } else {
        let frac = format!("{ticks:07}");
        format!("{base}.{}Z", frac.trim_end_matches('0'))
    }
}

/// `[-][d.]hh:mm:ss[.fffffff]` from nanoseconds.
pub fn format_timespan(nanos: i64) -> String {
    let neg = nanos < 0;
    let ticks = nanos.unsigned_abs() / 100;
    let frac = ticks % 10_000_000;
    let secs = ticks / 10_000_000;
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if d > 0 {
        out.push_str(&format!("{d}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// Reads row `row` of `array`, interpreting it as KQL type `ty`.
pub fn cell(array: &dyn Array, row: usize, ty: ScalarType) -> Cell {
    if array.is_null(row) {
        return if ty == ScalarType::String {
            Cell::Text(String::new())
        } else {
            Cell::Null
        };
    }
    match array.data_type() {
        DataType::Boolean => array
            .as_any()
            .downcast_ref::<BooleanArray>()
            .map_or(Cell::Null, |a| Cell::Bool(a.value(row))),
        DataType::Int32 => array
            .as_any()
            .downcast_ref::<Int32Array>()
            .map_or(Cell::Null, |a| Cell::Long(i64::from(a.value(row)))),
        DataType::Int64 => array
            .as_any()
            .downcast_ref::<Int64Array>()
            .map_or(Cell::Null, |a| Cell::Long(a.value(row))),
        DataType::Float64 => array
            .as_any()
            .downcast_ref::<Float64Array>()
            .map_or(Cell::Null, |a| Cell::Real(a.value(row))),
        DataType::Timestamp(arrow::datatypes::TimeUnit::Nanosecond, _) => array
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .map_or(Cell::Null, |a| Cell::Text(format_datetime(a.value(row)))),
        DataType::Duration(arrow::datatypes::TimeUnit::Nanosecond) => array
            .as_any()
            .downcast_ref::<DurationNanosecondArray>()
            .map_or(Cell::Null, |a| Cell::Text(format_timespan(a.value(row)))),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let s = string_value(array, row);
            if ty == ScalarType::Dynamic {
                match serde_json::from_str(&s) {
                    Ok(v) => Cell::Json(v),
                    Err(_) => Cell::Text(s),
                }
            } else {
                Cell::Text(s)
            }
        }
        _ => {
            // Anything else (decimals, other temporal units): Arrow's display form.
            let opts = arrow::util::display::FormatOptions::default();
            match arrow::util::display::ArrayFormatter::try_new(array, &opts) {
                Ok(f) => Cell::Text(f.value(row).to_string()),
                Err(_) => Cell::Null,
            }
        }
    }
}

fn string_value(array: &dyn Array, row: usize) -> String {
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => array.as_string_view().value(row).to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kusto_text_forms() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_datetime(1_500_000_000), "1970-01-01T00:00:01.5Z");
        assert_eq!(format_datetime(100), "1970-01-01T00:00:00.0000001Z");
        // 2025-03-04T09:08:07.25Z and one tick before the epoch; every field zero-padded.
        assert_eq!(
            format_datetime(1_741_079_287_250_000_000),
            "2025-03-04T09:08:07.25Z"
        );
        assert_eq!(format_datetime(-100), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(
            format_datetime(-1_000_000_000_000_000_000),
            "1938-04-24T22:13:20Z"
        );
        assert_eq!(format_timespan(3_600_000_000_000), "01:00:00");
        assert_eq!(
            format_timespan(86_400_000_000_000 + 500_000_000),
            "1.00:00:00.5000000"
        );
        assert_eq!(format_timespan(-30_000_000_000), "-00:00:30");
    }

    #[test]
    fn null_strings_read_as_empty() {
        let a = arrow::array::StringArray::from(vec![None::<&str>]);
        assert_eq!(cell(&a, 0, ScalarType::String), Cell::Text(String::new()));
        assert_eq!(cell(&a, 0, ScalarType::Dynamic), Cell::Null);
    }

    #[test]
    fn dynamic_is_json() {
        let a = arrow::array::StringArray::from(vec![Some("{\"a\":[1,2]}")]);
        assert_eq!(
            cell(&a, 0, ScalarType::Dynamic),
            Cell::Json(serde_json::json!({"a": [1, 2]}))
        );
    }
}
