//! A uniform row-by-row view of any KQL value, for the conversion functions.
//!
//! Arrow arrays come in many physical types; the conversions only care about a few logical
//! kinds. Each array is first cast to its canonical Arrow type (`Int64`, `Float64`,
//! `Timestamp(ns)`, `Duration(ns)`), then read as [`Value`]s. `dynamic` inputs (JSON text)
//! are parsed once per row and read through their JSON value.

use super::format::NANOS_PER_TICK;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, DurationNanosecondType, Float64Type, Int64Type, TimeUnit, TimestampNanosecondType,
};
use datafusion::error::{DataFusionError, Result};
use serde_json::Value as Json;
use std::sync::Arc;

/// One input value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Str(&'a str),
    Long(i64),
    Real(f64),
    Bool(bool),
    /// Nanoseconds since the Unix epoch.
    DateTime(i64),
    /// Nanoseconds.
    Timespan(i64),
    /// A `dynamic` array or property bag (its JSON text, for `tostring`).
    Json(&'a Json),
}

/// Ticks between 0001-01-01 (KQL's datetime origin) and 1970-01-01.
pub(crate) const EPOCH_TICKS: i64 = 621_355_968_000_000_000;

impl Value<'_> {
    /// The KQL `long` form of a number, bool, datetime (ticks since 0001-01-01) or timespan
    /// (ticks); strings are parsed. `None` for anything else.
    pub(crate) fn to_long(self) -> Option<i64> {
        match self {
            Value::Long(v) => Some(v),
            Value::Real(v) => super::parse::real_to_long(v),
            Value::Bool(b) => Some(i64::from(b)),
            Value::Str(s) => super::parse::parse_long(s),
            Value::DateTime(ns) => (ns.div_euclid(NANOS_PER_TICK)).checked_add(EPOCH_TICKS),
            Value::Timespan(ns) => Some(ns / NANOS_PER_TICK),
            Value::Null | Value::Json(_) => None,
        }
    }

    /// The KQL `real` form (see [`Value::to_long`]).
    pub(crate) fn to_real(self) -> Option<f64> {
        match self {
            Value::Real(v) => Some(v),
            Value::Str(s) => super::parse::parse_real(s),
            other => other.to_long().map(|v| v as f64),
        }
    }

    /// The KQL `bool` form: numbers are true unless zero.
    pub(crate) fn to_bool(self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(b),
            Value::Long(v) => Some(v != 0),
            Value::Real(v) if v.is_nan() => None,
            Value::Real(v) => Some(v != 0.0),
            Value::Str(s) => super::parse::parse_bool(s),
            _ => None,
        }
    }

    /// The KQL `datetime` form, in nanoseconds since the Unix epoch.
    pub(crate) fn to_datetime(self) -> Option<i64> {
        match self {
            Value::DateTime(ns) => Some(ns),
            Value::Str(s) => super::parse::parse_datetime_nanos(s),
            _ => None,
        }
    }

    /// The KQL `timespan` form, in nanoseconds; a number is read as ticks (the inverse of
    /// `tolong(timespan)`).
    pub(crate) fn to_timespan(self) -> Option<i64> {
        match self {
            Value::Timespan(ns) => Some(ns),
            Value::Str(s) => super::parse::parse_timespan_nanos(s),
            Value::Long(t) => t.checked_mul(NANOS_PER_TICK),
            Value::Real(t) => super::parse::real_to_long(t * NANOS_PER_TICK as f64),
            _ => None,
        }
    }
}

/// Reads a JSON value as a [`Value`]: strings, numbers and booleans as themselves,
/// arrays and bags as [`Value::Json`].
pub(crate) fn json_value(json: &Json) -> Value<'_> {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Long(i),
            None => n.as_f64().map_or(Value::Null, Value::Real),
        },
        Json::String(s) => Value::Str(s),
        Json::Array(_) | Json::Object(_) => Value::Json(json),
    }
}

/// How to read a string array: as text, or as `dynamic` JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Plain text (`string`, `guid`).
    Text,
    /// JSON text of a `dynamic` value.
    Dynamic,
}

/// Calls `f(row, value)` for every row of `array`.
pub(crate) fn for_each_value(
    array: &ArrayRef,
    source: Source,
    mut f: impl FnMut(usize, Value<'_>),
) -> Result<()> {
    let canonical = canonical(array)?;
    let a = canonical.as_ref();
    macro_rules! rows {
        ($arr:expr, |$v:ident| $value:expr) => {{
            let arr = $arr;
            for i in 0..arr.len() {
                if arr.is_null(i) {
                    f(i, Value::Null);
                } else {
                    let $v = arr.value(i);
                    f(i, $value);
                }
            }
        }};
    }
    match (a.data_type(), source) {
        (DataType::Null, _) => (0..a.len()).for_each(|i| f(i, Value::Null)),
        (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View, Source::Dynamic) => {
            let strings = crate::strings::Strings::try_new(a)
                .ok_or_else(|| DataFusionError::Internal("not a string array".into()))?;
            for i in 0..strings.len() {
                match strings.get_opt(i).map(serde_json::from_str::<Json>) {
                    Some(Ok(json)) => f(i, json_value(&json)),
                    // Text that is not JSON is a string (as `parse_json` reads it).
                    Some(Err(_)) => f(i, Value::Str(strings.get(i))),
                    None => f(i, Value::Null),
                }
            }
        }
        (DataType::Utf8, _) => rows!(a.as_string::<i32>(), |v| Value::Str(v)),
        (DataType::LargeUtf8, _) => rows!(a.as_string::<i64>(), |v| Value::Str(v)),
        (DataType::Utf8View, _) => rows!(a.as_string_view(), |v| Value::Str(v)),
        (DataType::Boolean, _) => rows!(a.as_boolean(), |v| Value::Bool(v)),
        (DataType::Int64, _) => rows!(a.as_primitive::<Int64Type>(), |v| Value::Long(v)),
        (DataType::Float64, _) => rows!(a.as_primitive::<Float64Type>(), |v| Value::Real(v)),
        (DataType::Timestamp(..), _) => {
            rows!(a.as_primitive::<TimestampNanosecondType>(), |v| {
                Value::DateTime(v)
            })
        }
        (DataType::Duration(_), _) => {
            rows!(a.as_primitive::<DurationNanosecondType>(), |v| {
                Value::Timespan(v)
            })
        }
        (other, _) => {
            return Err(DataFusionError::NotImplemented(format!(
                "conversion from Arrow type {other}"
            )));
        }
    }
    Ok(())
}

/// The canonical Arrow type of an array's kind (values that do not fit become null).
fn canonical(array: &ArrayRef) -> Result<ArrayRef> {
    let target = match array.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => DataType::Int64,
        DataType::Float16
        | DataType::Float32
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => DataType::Float64,
        DataType::Timestamp(unit, _) if *unit != TimeUnit::Nanosecond => {
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        }
        DataType::Date32 | DataType::Date64 => DataType::Timestamp(TimeUnit::Nanosecond, None),
        DataType::Duration(unit) if *unit != TimeUnit::Nanosecond => {
            DataType::Duration(TimeUnit::Nanosecond)
        }
        _ => return Ok(Arc::clone(array)),
    };
    Ok(arrow::compute::cast(array, &target)?)
}
