//! One Arrow column being built, and the conversions of input values into its KQL type.
//!
//! Three kinds of input reach a column: raw JSON tokens (the Defender fast path), text
//! cells (CSV) and [`Value`]s (mapped sources). Each conversion either appends exactly one
//! cell or appends a null and returns [`BadReason::WrongType`], so a column never gets out
//! of step with its row count. Conversions are lossless or refused: `"123"` fills a `long`,
//! `"abc"` and `1.5` do not.

use crate::json::scan::{Kind, Token, unescape};
use crate::record::{BadReason, Value};
use crate::time::{parse_datetime, parse_timespan};
use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Decimal128Builder, DurationNanosecondBuilder,
    Float64Builder, Int32Builder, Int64Builder, StringBuilder, TimestampNanosecondBuilder,
};
use arrow::compute::kernels::cast_utils::parse_decimal;
use arrow::datatypes::{DataType, Decimal128Type};
use kql_syntax::ScalarType;
use std::sync::Arc;

/// Largest integer a `double` holds exactly; a float beyond it is not a lossless integer.
const MAX_EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

enum Data {
    /// `string` and `guid`.
    Str(StringBuilder),
    /// `dynamic` as JSON text.
    Dynamic(StringBuilder),
    Bool(BooleanBuilder),
    Int(Int32Builder),
    Long(Int64Builder),
    Real(Float64Builder),
    DateTime(TimestampNanosecondBuilder),
    Timespan(DurationNanosecondBuilder),
    Decimal(Decimal128Builder, u8, i8),
}

/// A column builder for one KQL type.
pub struct ColumnBuilder {
    name: Arc<str>,
    ty: ScalarType,
    data: Data,
}

impl ColumnBuilder {
    /// A builder for column `name` of KQL type `ty`, with room for `capacity` rows.
    pub fn new(name: &str, ty: ScalarType, capacity: usize) -> Self {
        let dt = table_schemas::arrow_type(ty);
        let data = match ty {
            ScalarType::String | ScalarType::Guid => {
                Data::Str(StringBuilder::with_capacity(capacity, capacity * 16))
            }
            ScalarType::Dynamic => {
                Data::Dynamic(StringBuilder::with_capacity(capacity, capacity * 16))
            }
            ScalarType::Bool => Data::Bool(BooleanBuilder::with_capacity(capacity)),
            ScalarType::Int => Data::Int(Int32Builder::with_capacity(capacity)),
            ScalarType::Long => Data::Long(Int64Builder::with_capacity(capacity)),
            ScalarType::Real => Data::Real(Float64Builder::with_capacity(capacity)),
            ScalarType::DateTime => Data::DateTime(
                TimestampNanosecondBuilder::with_capacity(capacity).with_data_type(dt),
            ),
            ScalarType::Timespan => {
                Data::Timespan(DurationNanosecondBuilder::with_capacity(capacity))
            }
            ScalarType::Decimal => {
                let (p, s) = match dt {
                    DataType::Decimal128(p, s) => (p, s),
                    _ => (38, 18),
                };
                Data::Decimal(
                    Decimal128Builder::with_capacity(capacity).with_data_type(dt),
                    p,
                    s,
                )
            }
        };
        Self {
            name: name.into(),
            ty,
            data,
        }
    }

    /// Rows appended so far.
    pub fn len(&self) -> usize {
        match &self.data {
            Data::Str(b) | Data::Dynamic(b) => b.len(),
            Data::Bool(b) => b.len(),
            Data::Int(b) => b.len(),
            Data::Long(b) => b.len(),
            Data::Real(b) => b.len(),
            Data::DateTime(b) => b.len(),
            Data::Timespan(b) => b.len(),
            Data::Decimal(b, ..) => b.len(),
        }
    }

    /// True when no row was appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's KQL type.
    pub fn kql_type(&self) -> ScalarType {
        self.ty
    }

    /// Appends a missing value: `""` for strings (KQL strings are never null), else null.
    pub fn push_null(&mut self) {
        match &mut self.data {
            Data::Str(b) => b.append_value(""),
            Data::Dynamic(b) => b.append_null(),
            Data::Bool(b) => b.append_null(),
            Data::Int(b) => b.append_null(),
            Data::Long(b) => b.append_null(),
            Data::Real(b) => b.append_null(),
            Data::DateTime(b) => b.append_null(),
            Data::Timespan(b) => b.append_null(),
            Data::Decimal(b, ..) => b.append_null(),
        }
    }

    /// Appends a string cell as is (the caller knows the column is a string column).
    fn push_str(&mut self, s: &str) {
        match &mut self.data {
            Data::Str(b) if self.ty == ScalarType::Guid => b.append_value(s.to_ascii_lowercase()),
            Data::Str(b) | Data::Dynamic(b) => b.append_value(s),
            _ => self.push_null(),
        }
    }

    fn wrong(&mut self, found: &str) -> Result<(), BadReason> {
        self.push_null();
        Err(BadReason::WrongType {
            column: self.name.to_string(),
            expected: self.ty.as_str(),
            found: shorten(found),
        })
    }

    /// Appends a raw JSON token from `src`; `scratch` is reused for unescaping.
    pub fn push_json(
        &mut self,
        tok: Token,
        src: &str,
        scratch: &mut String,
    ) -> Result<(), BadReason> {
        let raw = tok.text(src);
        // Strings are unescaped once, then treated like text cells.
        let text: &str = match tok.kind {
            Kind::Null => {
                self.push_null();
                return Ok(());
            }
            Kind::String { escaped: false } => raw,
            Kind::String { escaped: true } => {
                scratch.clear();
                if unescape(raw, scratch).is_err() {
                    return self.wrong(raw);
                }
                scratch.as_str()
            }
            Kind::Object | Kind::Array => {
                return match self.data {
                    Data::Str(_) | Data::Dynamic(_) => {
                        self.push_str(raw);
                        Ok(())
                    }
                    _ => self.wrong(raw),
                };
            }
            Kind::Number | Kind::True | Kind::False => {
                if let Data::Dynamic(b) = &mut self.data {
                    b.append_value(raw);
                    return Ok(());
                }
                raw
            }
        };
        if let (Data::Dynamic(b), Kind::String { .. }) = (&mut self.data, tok.kind) {
            // A JSON string in a dynamic column: Defender XDR sends `AdditionalFields` as
            // JSON text inside a string; Sentinel stores the parsed value. An empty string
            // is an empty cell; any other string stays a dynamic string.
            if text.is_empty() {
                b.append_null();
            } else if looks_like_json_container(text) {
                b.append_value(text);
            } else {
                b.append_value(format!("\"{raw}\""));
            }
            return Ok(());
        }
        self.push_text(text)
    }

    /// Appends a text cell (CSV, or an unescaped JSON string), converting it to the
    /// column's type. The caller decides whether an empty cell means null.
    pub fn push_text(&mut self, text: &str) -> Result<(), BadReason> {
        let ok = match &mut self.data {
            Data::Str(_) => {
                self.push_str(text);
                return Ok(());
            }
            Data::Dynamic(b) => {
                let t = text.trim();
                if t.is_empty() {
                    b.append_null();
                } else if serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok() {
                    b.append_value(t);
                } else {
                    b.append_value(serde_json::Value::String(text.to_string()).to_string());
                }
                return Ok(());
            }
            Data::Bool(b) => parse_bool(text).map(|v| b.append_value(v)),
            Data::Int(b) => parse_i64(text)
                .and_then(|v| i32::try_from(v).ok())
                .map(|v| b.append_value(v)),
            Data::Long(b) => parse_i64(text).map(|v| b.append_value(v)),
            Data::Real(b) => text.trim().parse::<f64>().ok().map(|v| b.append_value(v)),
            Data::DateTime(b) => parse_datetime(text).map(|v| b.append_value(v)),
            Data::Timespan(b) => parse_timespan(text).map(|v| b.append_value(v)),
            Data::Decimal(b, p, s) => parse_decimal::<Decimal128Type>(text.trim(), *p, *s)
                .ok()
                .map(|v| b.append_value(v)),
        };
        match ok {
            Some(()) => Ok(()),
            None => self.wrong(text),
        }
    }

    /// Appends a [`Value`] from a mapped source.
    pub fn push_value(&mut self, v: &Value) -> Result<(), BadReason> {
        match (v, &mut self.data) {
            (Value::Null, _) => {
                self.push_null();
                Ok(())
            }
            (Value::String(s), Data::Str(_)) => {
                self.push_str(s);
                Ok(())
            }
            (Value::String(s), _) => self.push_text(s),
            (Value::Dynamic(j), Data::Dynamic(b)) => {
                if j.is_null() {
                    b.append_null();
                } else {
                    b.append_value(j.to_string());
                }
                Ok(())
            }
            (Value::Dynamic(serde_json::Value::String(s)), _) => self.push_text(s),
            (Value::Dynamic(j), Data::Str(_)) => {
                self.push_str(&j.to_string());
                Ok(())
            }
            (Value::Dynamic(j), _) => match j {
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                    self.push_text(&j.to_string())
                }
                _ => self.wrong(&j.to_string()),
            },
            (Value::Bool(x), Data::Bool(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (Value::Int(x), Data::Int(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (Value::Int(x), Data::Long(b)) => {
                b.append_value(i64::from(*x));
                Ok(())
            }
            (Value::Int(x), Data::Real(b)) => {
                b.append_value(f64::from(*x));
                Ok(())
            }
            (Value::Long(x), Data::Long(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (Value::Long(x), Data::Int(b)) => match i32::try_from(*x) {
                Ok(v) => {
                    b.append_value(v);
                    Ok(())
                }
                Err(_) => self.wrong(&x.to_string()),
            },
            (Value::Real(x), Data::Real(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (Value::DateTime(x), Data::DateTime(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (Value::Timespan(x), Data::Timespan(b)) => {
                b.append_value(*x);
                Ok(())
            }
            (other, Data::Str(_) | Data::Dynamic(_)) => {
                let text = scalar_text(other);
                if matches!(self.data, Data::Dynamic(_)) {
                    // Dynamic scalars are stored as JSON: numbers bare, the rest quoted.
                    let json = match other {
                        Value::Bool(_) | Value::Int(_) | Value::Long(_) | Value::Real(_) => text,
                        _ => serde_json::Value::String(text).to_string(),
                    };
                    self.push_str(&json);
                } else {
                    self.push_str(&text);
                }
                Ok(())
            }
            (Value::Real(x), _) => self.push_text(&x.to_string()),
            (Value::Long(x), _) => self.push_text(&x.to_string()),
            (Value::Int(x), _) => self.push_text(&x.to_string()),
            (other, _) => self.wrong(&scalar_text(other)),
        }
    }

    /// The finished column; the builder is left empty for the next batch.
    pub fn finish(&mut self) -> ArrayRef {
        match &mut self.data {
            Data::Str(b) | Data::Dynamic(b) => Arc::new(b.finish()),
            Data::Bool(b) => Arc::new(b.finish()),
            Data::Int(b) => Arc::new(b.finish()),
            Data::Long(b) => Arc::new(b.finish()),
            Data::Real(b) => Arc::new(b.finish()),
            Data::DateTime(b) => Arc::new(b.finish()),
            Data::Timespan(b) => Arc::new(b.finish()),
            Data::Decimal(b, ..) => Arc::new(b.finish()),
        }
    }
}

/// KQL's text form of a scalar (what `tostring()` gives).
fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Long(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::String(s) => s.clone(),
        Value::DateTime(ns) => format_datetime(*ns),
        Value::Timespan(ns) => format_timespan(*ns),
        Value::Dynamic(j) => match j {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

/// `2021-04-14T18:49:17.7849324Z`: ISO-8601 with 7 fractional digits, like KQL.
pub fn format_datetime(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(t) => format!("{}.{:07}Z", t.format("%Y-%m-%dT%H:%M:%S"), frac / 100),
        None => ns.to_string(),
    }
}

/// `[-][d.]hh:mm:ss[.fffffff]`, like KQL.
fn format_timespan(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    let (secs, frac) = (a / 1_000_000_000, a % 1_000_000_000);
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let day = if d > 0 {
        format!("{d}.")
    } else {
        String::new()
    };
    let frac = if frac > 0 {
        format!(".{:07}", frac / 100)
    } else {
        String::new()
    };
    format!("{sign}{day}{h:02}:{m:02}:{s:02}{frac}")
}

/// An integer, from integer text or from float text with an exact integral value.
pub fn parse_i64(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let f = t.parse::<f64>().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() <= MAX_EXACT_F64_INT).then_some(f as i64)
}

/// `true`/`false` in any ASCII case, or `1`/`0`.
fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// True for text that is a JSON object or array (checked by parsing it).
fn looks_like_json_container(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// At most 64 characters of offending input, for reports.
fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
