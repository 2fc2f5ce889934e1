//! Text → value parsing for the `to*` conversions: `None` when the text is not a value of
//! the type (the conversion then yields null, as in Kusto).
//!
//! Surrounding whitespace is ignored, as .NET's parsers (which Kusto uses) do.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Nanoseconds in one unit of each time span.
const NS_SECOND: i64 = 1_000_000_000;
const NS_MINUTE: i64 = 60 * NS_SECOND;
const NS_HOUR: i64 = 60 * NS_MINUTE;
const NS_DAY: i64 = 24 * NS_HOUR;

/// A `real` truncated to a `long`, if it is finite and in range.
pub fn real_to_long(v: f64) -> Option<i64> {
    // 2^63 is exactly representable; every double below it truncates into range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (v.is_finite() && (-LIMIT..LIMIT).contains(&v)).then(|| v.trunc() as i64)
}

/// `tolong` of text: an integer, or a decimal number truncated towards zero.
pub fn parse_long(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| parse_decimal_real(s).and_then(real_to_long))
}

/// `toint` of text: [`parse_long`] within the 32-bit range.
pub fn parse_int(s: &str) -> Option<i32> {
    parse_long(s).and_then(|v| i32::try_from(v).ok())
}

/// `toreal` of text: a decimal or scientific number, `NaN`, `Infinity`, `-Infinity`.
pub fn parse_real(s: &str) -> Option<f64> {
    let s = s.trim();
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => parse_decimal_real(s),
    }
}

/// A number in decimal or scientific notation only (Rust's parser alone would also take
/// `inf` and `nan` in any case).
fn parse_decimal_real(s: &str) -> Option<f64> {
    let digits = s.trim_start_matches(['+', '-']);
    if digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        s.parse::<f64>().ok()
    } else {
        None
    }
}

/// `tobool` of text: `true` or `false` in any case.
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `todatetime` of text, as nanoseconds since the Unix epoch (UTC).
///
/// Accepts the formats of Kusto's `datetime` documentation (`scalar-data-types/datetime.md`):
/// ISO 8601 (`2014-05-25T08:20:03.123456Z`, `2014-11-08 15:55`, `2014-11-08`, with `Z` or a
/// `±hh:mm` offset), RFC 822 and RFC 850 (`Sat, 8 Nov 14 15:05:02 GMT`,
/// `Saturday, 08-Nov-14 15:05:02 GMT`), the sortable `2014-11-08 15:05:25 GMT`, the US
/// `MM-dd-yyyy` / `MM/dd/yyyy` dates .NET reads (`12-02-2022` is 2 December), and the
/// looser year-first dates of [`parse_year_first_date`].
pub fn parse_datetime_nanos(s: &str) -> Option<i64> {
    let s = s.trim();
    let (local, offset_ns) = split_zone(s);
    let dt = parse_iso(local)
        .or_else(|| parse_us_date(local))
        .or_else(|| parse_rfc(local))
        .or_else(|| parse_year_first_date(local))?;
    dt.and_utc().timestamp_nanos_opt()?.checked_sub(offset_ns)
}

/// A date of year, month and day in that order, separated by one of `-`, `/`, `.` or `,`
/// with spaces around it allowed: `2015.12.31` (the `year.month.day` form of
/// `scalar-data-types/datetime.md`'s literal syntax), and the forms the documentation's
/// own examples use, `datetime(2025, 6, 14)` (`endofweek-function.md`) and
/// `datetime(2017 - 08 - 01)` (`sliding-window-counts-plugin.md`), which .NET's date
/// parser, and so Kusto, reads.
fn parse_year_first_date(s: &str) -> Option<NaiveDateTime> {
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.' | ','))?;
    let mut parts = s.split(sep).map(str::trim);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.and_time(NaiveTime::MIN))
}

/// Splits a trailing time zone (`Z`, ` GMT`, ` UTC`, `+hh:mm`, `-hhmm`) off `s`, returning
/// the rest and the zone's offset from UTC in nanoseconds.
fn split_zone(s: &str) -> (&str, i64) {
    for zone in [" GMT", " UTC", "Z", "GMT", "UTC"] {
        if let Some(rest) = s.strip_suffix(zone) {
            return (rest.trim_end(), 0);
        }
    }
    // `±hh:mm` or `±hhmm` after a time (so the date's own dashes are not taken for it).
    let bytes = s.as_bytes();
    for len in [6, 5] {
        let Some(start) = s.len().checked_sub(len) else {
            continue;
        };
        let (Some(&sign), Some(zone)) = (bytes.get(start), s.get(start + 1..)) else {
            continue;
        };
        if !(sign == b'+' || sign == b'-') || !s.get(..start).is_some_and(|p| p.contains(':')) {
            continue;
        }
        let (h, m) = match zone.split_once(':') {
            Some((h, m)) => (h, m),
            None => (zone.get(..2).unwrap_or(""), zone.get(2..).unwrap_or("")),
        };
        if let (Some(h), Some(m)) = (two_digits(h), two_digits(m)) {
            let ns = h * NS_HOUR + m * NS_MINUTE;
            let local = s.get(..start).unwrap_or(s).trim_end();
            return (local, if sign == b'-' { -ns } else { ns });
        }
    }
    (s, 0)
}

fn two_digits(s: &str) -> Option<i64> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `yyyy-MM-dd[( |T)HH:mm[:ss[.f…]]]`.
fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let rest = s.get(10..)?;
    let time = match rest.strip_prefix(['T', ' ']) {
        Some(t) => parse_time(t)?,
        None if rest.is_empty() => NaiveTime::MIN,
        None => return None,
    };
    Some(date.and_time(time))
}

/// `MM-dd-yyyy` or `MM/dd/yyyy`, with an optional time after a space.
fn parse_us_date(s: &str) -> Option<NaiveDateTime> {
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, parse_time(t.trim())?),
        None => (s, NaiveTime::MIN),
    };
    let sep = if date.contains('/') { '/' } else { '-' };
    let mut parts = date.split(sep);
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.and_time(time))
}

/// `HH:mm[:ss[.fraction]]`; fractions beyond nanoseconds are dropped.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let mut parts = s.splitn(3, ':');
    let h: u32 = digits(parts.next()?, 1, 2)?;
    let m: u32 = digits(parts.next()?, 2, 2)?;
    let (sec, nanos) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let whole: u32 = digits(whole, 2, 2)?;
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let mut nanos = 0u32;
            for (i, b) in frac.bytes().take(9).enumerate() {
                nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
            }
            (whole, nanos)
        }
    };
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos)
}

fn digits<T: std::str::FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    ((min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// RFC 822 / RFC 850 without the zone: `[Weekday, ]d Mon yy[yy] HH:mm[:ss]` or
/// `[Weekday, ]dd-Mon-yy HH:mm[:ss]`.
fn parse_rfc(s: &str) -> Option<NaiveDateTime> {
    let s = match s.split_once(',') {
        Some((weekday, rest)) if weekday.chars().all(|c| c.is_ascii_alphabetic()) => rest.trim(),
        Some(_) => return None,
        None => s,
    };
    let (date, time) = if s.contains('-') {
        let (date, time) = s.split_once(' ')?;
        (date.split('-').collect::<Vec<_>>(), time)
    } else {
        let mut it = s.splitn(4, ' ');
        let date = vec![it.next()?, it.next()?, it.next()?];
        (date, it.next()?)
    };
    let [d, mon, y] = date.as_slice() else {
        return None;
    };
    let month = MONTHS
        .iter()
        .position(|m| mon.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(m)))?;
    let year: i32 = match y.len() {
        // .NET's two-digit year window: 00–29 → 20xx, 30–99 → 19xx.
        2 => {
            let yy: i32 = y.parse().ok()?;
            if yy < 30 { 2000 + yy } else { 1900 + yy }
        }
        4 => y.parse().ok()?,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, u32::try_from(month + 1).ok()?, d.parse().ok()?)?;
    Some(date.and_time(parse_time(time.trim())?))
}

/// `totimespan` of text, in nanoseconds.
///
/// Accepts .NET's constant form `[-][d.]hh:mm[:ss[.fffffff]]` (as Kusto prints timespans and
/// as `totimespan("0.00:03:00")` in the docs), a bare number of days (`timespan(2)`), and
/// KQL's literal forms `2d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`, `1tick`.
pub fn parse_timespan_nanos(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let ns = if body.contains(':') {
        parse_clock_span(body)?
    } else {
        parse_unit_span(body)?
    };
    Some(if negative { -ns } else { ns })
}

/// `[d.]hh:mm[:ss[.fraction]]`.
fn parse_clock_span(s: &str) -> Option<i64> {
    let (days, clock) = match s.split_once(':') {
        Some((head, _)) if head.contains('.') => {
            let (d, _) = head.split_once('.')?;
            (digits::<i64>(d, 1, 8)?, s.get(d.len() + 1..)?)
        }
        _ => (0, s),
    };
    let mut parts = clock.splitn(3, ':');
    let h: i64 = digits(parts.next()?, 1, 2)?;
    let m: i64 = digits(parts.next()?, 1, 2)?;
    let (sec, nanos) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
                return None;
            }
            let padded = format!("{frac:0<9}");
            (digits::<i64>(whole, 1, 2)?, padded.parse::<i64>().ok()?)
        }
    };
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    days.checked_mul(NS_DAY)?
        .checked_add(h * NS_HOUR + m * NS_MINUTE + sec * NS_SECOND + nanos)
}

/// `<number><unit>` or a bare number of days.
fn parse_unit_span(s: &str) -> Option<i64> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = (s.get(..split)?, s.get(split..)?.trim());
    let value: f64 = number.parse().ok()?;
    let unit_ns: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "d" | "day" | "days" => NS_DAY as f64,
        "h" | "hr" | "hrs" | "hour" | "hours" => NS_HOUR as f64,
        "m" | "min" | "minute" | "minutes" => NS_MINUTE as f64,
        "s" | "sec" | "second" | "seconds" => NS_SECOND as f64,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1e6,
        "microsecond" | "microseconds" => 1e3,
        "tick" | "ticks" => 100.0,
        "nanosecond" | "nanoseconds" => 1.0,
        _ => return None,
    };
    real_to_long((value * unit_ns).round())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS_TICK: i64 = 100;

    #[test]
    fn numbers() {
        // DOCS toint-function.md, tolong-function.md, toreal-function.md.
        assert_eq!(parse_int("123"), Some(123));
        assert_eq!(parse_long("123"), Some(123));
        assert_eq!(parse_real("123.4"), Some(123.4));
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_long("not a number"), None);
        assert_eq!(parse_long("42"), Some(42));
        // Decimals truncate towards zero.
        assert_eq!(parse_int("2.7"), Some(2));
        assert_eq!(parse_int("-2.7"), Some(-2));
        assert_eq!(parse_int(" 7 "), Some(7));
        // Out of the 32-bit range.
        assert_eq!(parse_int("3000000000"), None);
        assert_eq!(parse_long("3000000000"), Some(3_000_000_000));
        assert_eq!(parse_long("1e30"), None);
        assert_eq!(parse_real("1e3"), Some(1000.0));
        assert!(parse_real("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_real("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_real("inf"), None);
        assert_eq!(parse_real(""), None);
        assert_eq!(parse_long(""), None);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool(""), None);
    }

    fn ns(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nano: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_nano_opt(h, mi, s, nano))
            .and_then(|dt| dt.and_utc().timestamp_nanos_opt())
            .unwrap()
    }

    #[test]
    fn datetimes_in_the_documented_formats() {
        // The example of every format in DOCS scalar-data-types/datetime.md.
        let cases = [
            (
                "2014-05-25T08:20:03.123456Z",
                ns(2014, 5, 25, 8, 20, 3, 123_456_000),
            ),
            (
                "2014-05-25T08:20:03.123456",
                ns(2014, 5, 25, 8, 20, 3, 123_456_000),
            ),
            ("2014-05-25T08:20", ns(2014, 5, 25, 8, 20, 0, 0)),
            (
                "2014-11-08 15:55:55.123456Z",
                ns(2014, 11, 8, 15, 55, 55, 123_456_000),
            ),
            ("2014-11-08 15:55:55", ns(2014, 11, 8, 15, 55, 55, 0)),
            ("2014-11-08 15:55", ns(2014, 11, 8, 15, 55, 0, 0)),
            ("2014-11-08", ns(2014, 11, 8, 0, 0, 0, 0)),
            ("Sat, 8 Nov 14 15:05:02 GMT", ns(2014, 11, 8, 15, 5, 2, 0)),
            ("Sat, 8 Nov 14 15:05:02", ns(2014, 11, 8, 15, 5, 2, 0)),
            ("Sat, 8 Nov 14 15:05", ns(2014, 11, 8, 15, 5, 0, 0)),
            ("8 Nov 14 15:05 GMT", ns(2014, 11, 8, 15, 5, 0, 0)),
            (
                "Saturday, 08-Nov-14 15:05:02 GMT",
                ns(2014, 11, 8, 15, 5, 2, 0),
            ),
            ("08-Nov-14 15:05", ns(2014, 11, 8, 15, 5, 0, 0)),
            ("2014-11-08 15:05:25 GMT", ns(2014, 11, 8, 15, 5, 25, 0)),
            ("2014-11-08T15:05 GMT", ns(2014, 11, 8, 15, 5, 0, 0)),
            // DOCS todatetime-function.md.
            (
                "2015-12-31 23:59:59.9",
                ns(2015, 12, 31, 23, 59, 59, 900_000_000),
            ),
            ("12-02-2022", ns(2022, 12, 2, 0, 0, 0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_datetime_nanos(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn datetime_offsets_and_failures() {
        assert_eq!(
            parse_datetime_nanos("2024-01-01T10:00:00+02:00"),
            Some(ns(2024, 1, 1, 8, 0, 0, 0))
        );
        assert_eq!(
            parse_datetime_nanos("2024-01-01T10:00:00-0130"),
            Some(ns(2024, 1, 1, 11, 30, 0, 0))
        );
        assert_eq!(
            parse_datetime_nanos("2024-01-01T00:00:00.1234567Z"),
            Some(ns(2024, 1, 1, 0, 0, 0, 123_456_700))
        );
        for bad in ["", "abc", "2024-13-01", "2024-02-30", "2024-01-01T25:00"] {
            assert_eq!(parse_datetime_nanos(bad), None, "{bad}");
        }
        // Unpadded year-first dates are read (datetime.md's sortable `%Y-%n-%e`).
        assert_eq!(
            parse_datetime_nanos("2024-1-1"),
            Some(ns(2024, 1, 1, 0, 0, 0, 0))
        );
        // Outside the nanosecond range of Arrow timestamps (1677–2262).
        assert_eq!(parse_datetime_nanos("0001-01-01"), None);
    }

    #[test]
    fn timespans() {
        // DOCS totimespan-function.md and scalar-data-types/timespan.md.
        assert_eq!(parse_timespan_nanos("0.00:03:00"), Some(3 * NS_MINUTE));
        assert_eq!(parse_timespan_nanos("00:03:00"), Some(3 * NS_MINUTE));
        assert_eq!(parse_timespan_nanos("4.00:00:00"), Some(4 * NS_DAY));
        assert_eq!(
            parse_timespan_nanos("0.12:34:56.7"),
            Some(12 * NS_HOUR + 34 * NS_MINUTE + 56 * NS_SECOND + 700_000_000)
        );
        assert_eq!(parse_timespan_nanos("-01:00:00"), Some(-NS_HOUR));
        assert_eq!(parse_timespan_nanos("2d"), Some(2 * NS_DAY));
        assert_eq!(parse_timespan_nanos("1.5h"), Some(90 * NS_MINUTE));
        assert_eq!(parse_timespan_nanos("30m"), Some(30 * NS_MINUTE));
        assert_eq!(parse_timespan_nanos("10s"), Some(10 * NS_SECOND));
        assert_eq!(parse_timespan_nanos("100ms"), Some(100_000_000));
        assert_eq!(parse_timespan_nanos("10microsecond"), Some(10_000));
        assert_eq!(parse_timespan_nanos("1tick"), Some(NS_TICK));
        assert_eq!(parse_timespan_nanos("2"), Some(2 * NS_DAY));
        for bad in ["", "abc", "1w", "25:00:00", "00:60:00", "1.2.3"] {
            assert_eq!(parse_timespan_nanos(bad), None, "{bad}");
        }
    }
}
