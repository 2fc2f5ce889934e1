//! KQL literals → typed constants.
//!
//! Integer literals are `long` (Kusto's default), typed nulls keep their type, `datetime`
//! text is parsed here (ISO 8601 with a space or `T`, optional fraction of up to 7 digits
//! and more, optional `Z` or offset), and `dynamic` literals become their JSON text with
//! KQL literals inside serialised the way Kusto serialises them (datetimes and timespans as
//! strings).

use crate::bound::{Scalar, arrow_type};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use datafusion::scalar::ScalarValue;
use kql_syntax::{DynamicValue, LiteralKind, ScalarType};

/// Nanoseconds per KQL tick.
pub(crate) const NANOS_PER_TICK: i64 = 100;

/// Why a literal has no value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LiteralError {
    BadDateTime(String),
    OutOfRange(&'static str),
    BadGuid(String),
    BadDecimal(String),
}

impl std::fmt::Display for LiteralError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiteralError::BadDateTime(t) => write!(
                f,
                "`{t}` is not a datetime (expected e.g. 2024-01-31, 2024-01-31 10:00:00 or 2024-01-31T10:00:00.123Z)"
            ),
            LiteralError::OutOfRange(what) => write!(
                f,
                "{what} out of the range kqlhunt can represent (years 1678 to 2261)"
            ),
            LiteralError::BadGuid(t) => write!(f, "`{t}` is not a guid"),
            LiteralError::BadDecimal(t) => write!(f, "`{t}` is not a decimal number"),
        }
    }
}

/// Converts a literal to a constant scalar.
pub(crate) fn literal(kind: &LiteralKind) -> Result<Scalar, LiteralError> {
    Ok(match kind {
        LiteralKind::Null(ScalarType::String) => {
            Scalar::constant(ScalarValue::Utf8(Some(String::new())), ScalarType::String)
        }
        LiteralKind::Null(ty) => Scalar::constant(null_of(*ty), *ty),
        LiteralKind::Bool(b) => Scalar::constant(ScalarValue::Boolean(Some(*b)), ScalarType::Bool),
        LiteralKind::Int(v) => Scalar::constant(ScalarValue::Int32(Some(*v)), ScalarType::Int),
        LiteralKind::Long(v) => Scalar::constant(ScalarValue::Int64(Some(*v)), ScalarType::Long),
        LiteralKind::Real(r) => Scalar::constant(ScalarValue::Float64(Some(r.0)), ScalarType::Real),
        LiteralKind::Decimal(text) => Scalar::constant(parse_decimal(text)?, ScalarType::Decimal),
        LiteralKind::String { value, .. } => {
            Scalar::constant(ScalarValue::Utf8(Some(value.clone())), ScalarType::String)
        }
        LiteralKind::DateTime(text) => {
            let nanos = parse_datetime(text)?;
            Scalar::constant(timestamp(Some(nanos)), ScalarType::DateTime)
        }
        LiteralKind::Timespan(ticks) => {
            let nanos = ticks
                .checked_mul(NANOS_PER_TICK)
                .ok_or(LiteralError::OutOfRange("timespan"))?;
            Scalar::constant(
                ScalarValue::DurationNanosecond(Some(nanos)),
                ScalarType::Timespan,
            )
        }
        LiteralKind::Guid(text) => {
            Scalar::constant(ScalarValue::Utf8(Some(parse_guid(text)?)), ScalarType::Guid)
        }
        LiteralKind::Dynamic(DynamicValue::Null) => {
            Scalar::constant(ScalarValue::Utf8(None), ScalarType::Dynamic)
        }
        LiteralKind::Dynamic(v) => Scalar::constant(
            ScalarValue::Utf8(Some(dynamic_to_json(v)?.to_string())),
            ScalarType::Dynamic,
        ),
    })
}

/// A null of a KQL type.
pub(crate) fn null_of(ty: ScalarType) -> ScalarValue {
    match ty {
        ScalarType::DateTime => timestamp(None),
        ScalarType::Timespan => ScalarValue::DurationNanosecond(None),
        ScalarType::Decimal => ScalarValue::Decimal128(None, 38, 18),
        other => ScalarValue::try_from(&arrow_type(other)).unwrap_or(ScalarValue::Null),
    }
}

/// A UTC timestamp scalar.
pub(crate) fn timestamp(nanos: Option<i64>) -> ScalarValue {
    ScalarValue::TimestampNanosecond(nanos, Some("UTC".into()))
}

fn parse_decimal(text: &str) -> Result<ScalarValue, LiteralError> {
    let bad = || LiteralError::BadDecimal(text.to_string());
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || frac_part.len() > 18
    {
        return Err(bad());
    }
    let mut frac = frac_part.to_string();
    while frac.len() < 18 {
        frac.push('0');
    }
    let all = format!("{int_part}{frac}");
    let v: i128 = all.parse().map_err(|_| bad())?;
    Ok(ScalarValue::Decimal128(
        Some(if neg { -v } else { v }),
        38,
        18,
    ))
}

fn parse_guid(text: &str) -> Result<String, LiteralError> {
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    let groups: Vec<&str> = t.split('-').collect();
    let shape_ok = groups.len() == 5 && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        || groups.len() == 1 && t.len() == 32;
    if shape_ok && hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let h = hex.to_ascii_lowercase();
        Ok(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ))
    } else {
        Err(LiteralError::BadGuid(text.to_string()))
    }
}

/// Parses the text of a `datetime(...)` literal into nanoseconds since the epoch, UTC.
/// Besides the ISO forms read here, a literal may be written in any form `todatetime`
/// reads (Kusto parses both alike): RFC 822 and 850 dates, or year-first dates such as
/// `datetime(2025, 6, 14)` that the documentation's examples use.
pub(crate) fn parse_datetime(text: &str) -> Result<i64, LiteralError> {
    parse_iso_datetime(text).or_else(|e| {
        let t = text.trim().trim_matches(|c| c == '"' || c == '\'');
        match e {
            LiteralError::BadDateTime(_) => {
                kql_functions::convert::parse_datetime_nanos(t).ok_or(e)
            }
            other => Err(other),
        }
    })
}

/// ISO 8601 dates with a space or `T` before the time, optional fraction, `Z` or offset,
/// `AM`/`PM`, and US `MM/dd/yyyy` dates.
fn parse_iso_datetime(text: &str) -> Result<i64, LiteralError> {
    let bad = || LiteralError::BadDateTime(text.to_string());
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let (date_part, rest) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], t[i + 1..].trim_start()),
        None => (t, ""),
    };
    // ISO dates, and the US month/day/year form Kusto also reads (`01/16/2022 10:00:00`).
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(date_part, "%m/%d/%Y"))
        .map_err(|_| bad())?;
    // Split a trailing zone designator off the time.
    let (time_part, offset_secs) = split_zone(rest).ok_or_else(bad)?;
    let time = if time_part.is_empty() {
        NaiveTime::MIN
    } else {
        parse_time_12h(time_part).ok_or_else(bad)?
    };
    let dt = NaiveDateTime::new(date, time) - chrono::Duration::seconds(offset_secs);
    dt.and_utc()
        .timestamp_nanos_opt()
        .ok_or(LiteralError::OutOfRange("datetime"))
}

/// Splits `10:00:00Z`, `10:00:00+02:00`, `10:00:00 GMT` into time text and offset seconds.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    let rest = rest.trim();
    if let Some(t) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        return Some((t.trim(), 0));
    }
    if let Some(t) = rest
        .strip_suffix("GMT")
        .or_else(|| rest.strip_suffix("UTC"))
    {
        return Some((t.trim(), 0));
    }
    // An offset after the time: the last '+' or '-' beyond the first character.
    if let Some(i) = rest.rfind(['+', '-']).filter(|i| *i > 0) {
        let (time, zone) = rest.split_at(i);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let z = &zone[1..];
        let (h, m) = match z.split_once(':') {
            Some((h, m)) => (h, m),
            None if z.len() == 4 => z.split_at(2),
            None => (z, "0"),
        };
        let h: i64 = h.parse().ok()?;
        let m: i64 = m.parse().ok()?;
        return Some((time.trim(), sign * (h * 3600 + m * 60)));
    }
    Some((rest, 0))
}

/// A time with an optional `AM`/`PM` suffix.
fn parse_time_12h(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let (t, pm) = match t.strip_suffix("PM").or_else(|| t.strip_suffix("pm")) {
        Some(r) => (r.trim_end(), Some(true)),
        None => match t.strip_suffix("AM").or_else(|| t.strip_suffix("am")) {
            Some(r) => (r.trim_end(), Some(false)),
            None => (t, None),
        },
    };
    let time = parse_time(t)?;
    match pm {
        None => Some(time),
        Some(pm) => {
            use chrono::Timelike;
            let h = time.hour();
            if h == 0 || h > 12 {
                return None;
            }
            let h24 = match (h, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            time.with_hour(h24)
        }
    }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hms, frac) = match text.split_once('.') {
        Some((a, b)) => (a, b),
        None => (text, ""),
    };
    let mut parts = hms.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().unwrap_or("0").parse().ok()?;
    let s: u32 = parts.next().unwrap_or("0").parse().ok()?;
    if parts.next().is_some() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: u32 = 0;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// Serialises a dynamic literal to JSON the way Kusto does.
pub(crate) fn dynamic_to_json(v: &DynamicValue) -> Result<serde_json::Value, LiteralError> {
    use serde_json::Value as J;
    Ok(match v {
        DynamicValue::Null => J::Null,
        DynamicValue::Bool(b) => J::Bool(*b),
        DynamicValue::Long(n) => J::from(*n),
        DynamicValue::Real(r) => serde_json::Number::from_f64(r.0).map_or(J::Null, J::Number),
        DynamicValue::String(s) => J::String(s.clone()),
        DynamicValue::Typed(kind) => match kind.as_ref() {
            LiteralKind::DateTime(text) => J::String(format_datetime(parse_datetime(text)?)),
            LiteralKind::Timespan(ticks) => J::String(format_timespan_ticks(*ticks)),
            LiteralKind::Guid(text) => J::String(parse_guid(text)?),
            LiteralKind::Long(n) => J::from(*n),
            LiteralKind::Int(n) => J::from(*n),
            LiteralKind::Real(r) => serde_json::Number::from_f64(r.0).map_or(J::Null, J::Number),
            LiteralKind::Bool(b) => J::Bool(*b),
            LiteralKind::String { value, .. } => J::String(value.clone()),
            LiteralKind::Decimal(d) => J::String(d.clone()),
            LiteralKind::Null(_) => J::Null,
            LiteralKind::Dynamic(inner) => dynamic_to_json(inner)?,
        },
        DynamicValue::Array(items) => J::Array(
            items
                .iter()
                .map(dynamic_to_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        DynamicValue::Object(fields) => {
            let mut m = serde_json::Map::new();
            for (k, v) in fields {
                m.insert(k.clone(), dynamic_to_json(v)?);
            }
            J::Object(m)
        }
    })
}

/// `2024-01-31T10:00:00.1234567Z`, the form `tostring(datetime)` gives in Kusto (always
/// seven fractional digits).
pub(crate) fn format_datetime(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(dt) => format!(
            "{}.{:07}Z",
            dt.format("%Y-%m-%dT%H:%M:%S"),
            sub / NANOS_PER_TICK
        ),
        None => String::new(),
    }
}

/// `[-][d.]hh:mm:ss[.fffffff]`, Kusto's timespan text form.
pub(crate) fn format_timespan_ticks(ticks: i64) -> String {
    let neg = ticks < 0;
    let t = ticks.unsigned_abs();
    let frac = t % 10_000_000;
    let total_secs = t / 10_000_000;
    let (d, h, m, s) = (
        total_secs / 86_400,
        total_secs / 3600 % 24,
        total_secs / 60 % 60,
        total_secs % 60,
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400 * 1_000_000_000;

    #[test]
    fn datetime_forms() {
        // 2024-01-31 is day 19753 since 1970-01-01.
        let base = 19_753 * DAY;
        assert_eq!(parse_datetime("2024-01-31"), Ok(base));
        assert_eq!(
            parse_datetime("2024-01-31 10:00"),
            Ok(base + 10 * 3_600_000_000_000)
        );
        assert_eq!(
            parse_datetime("2024-01-31T10:00:00.1234567Z"),
            Ok(base + 10 * 3_600_000_000_000 + 123_456_700)
        );
        assert_eq!(
            parse_datetime("2024-01-31T12:00:00+02:00"),
            Ok(base + 10 * 3_600_000_000_000)
        );
        assert!(parse_datetime("2024-13-01").is_err());
        // The documentation's own examples write datetime(2025, 6, 14) and
        // datetime(2017 - 08 - 01) (endofweek-function.md, sliding-window-counts-plugin.md).
        assert_eq!(parse_datetime("2025, 6, 14"), parse_datetime("2025-06-14"));
        assert_eq!(
            parse_datetime("2017 - 08 - 01"),
            parse_datetime("2017-08-01")
        );
        assert_eq!(
            parse_datetime("01/31/2024 10:00:00"),
            Ok(base + 10 * 3_600_000_000_000)
        );
        assert_eq!(
            parse_datetime("01/31/2024 10:00:00 PM"),
            Ok(base + 22 * 3_600_000_000_000)
        );
        assert_eq!(
            parse_datetime("01/31/2024 12:30:00 AM"),
            Ok(base + 30 * 60_000_000_000)
        );
        assert!(parse_datetime("yesterday").is_err());
        assert!(parse_datetime("0001-01-01").is_err());
    }

    #[test]
    fn timespan_text() {
        assert_eq!(format_timespan_ticks(0), "00:00:00");
        assert_eq!(format_timespan_ticks(36_000_000_000), "01:00:00");
        assert_eq!(
            format_timespan_ticks(864_000_000_000 + 1),
            "1.00:00:00.0000001"
        );
        assert_eq!(format_timespan_ticks(-300_000_000), "-00:00:30");
    }

    #[test]
    fn datetime_text() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn guids_are_canonical() {
        assert_eq!(
            parse_guid("74BE27DE-1E4E-49D9-B579-FE0B331D3642").as_deref(),
            Ok("74be27de-1e4e-49d9-b579-fe0b331d3642")
        );
        assert!(parse_guid("not-a-guid").is_err());
    }

    #[test]
    fn decimals_keep_digits() {
        assert_eq!(
            parse_decimal("1.5"),
            Ok(ScalarValue::Decimal128(
                Some(1_500_000_000_000_000_000),
                38,
                18
            ))
        );
        assert!(parse_decimal("1.2.3").is_err());
    }
}
