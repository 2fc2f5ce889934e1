//! Building datetimes and timespans from parts, and time zones: `make_datetime`,
//! `make_timespan`, `datetime_utc_to_local`, `datetime_local_to_utc`.
//!
//! Parts arrive as `real` (the kernels read every number the same way); a part that is not
//! a whole number where one is needed, or a date that does not exist, gives null (DOCS
//! `make-datetime-function.md`: "otherwise, the result will be null").

use super::{nanos, timestamps};
use crate::convert::real_to_long;
use crate::strings::string_arg;
use crate::udf::{arg, downcast, value_at};
use arrow::array::{ArrayRef, DurationNanosecondArray, Float64Array, TimestampNanosecondArray};
use chrono::{LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use datafusion::error::Result;
use std::sync::Arc;

const NS_SECOND: f64 = 1_000_000_000.0;

fn whole(v: f64) -> Option<i64> {
    (v.fract() == 0.0).then(|| real_to_long(v)).flatten()
}

/// Seconds (with a fraction) as nanoseconds, rounded to the tick (100 ns).
fn seconds_ns(s: f64) -> Option<i64> {
    real_to_long((s * NS_SECOND / 100.0).round())?.checked_mul(100)
}

/// `make_datetime(year, month, day[, hour, minute[, second]])` in nanoseconds; the
/// second may have a fraction (DOCS: `make_datetime(2017,10,01,12,11,0.1234567)` is
/// `2017-10-01 12:11:00.1234567`).
pub(super) fn make_datetime(parts: &[f64]) -> Option<i64> {
    let part = |i: usize| parts.get(i).copied().map_or(Some(0), whole);
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(part(0)?).ok()?,
        u32::try_from(part(1)?).ok()?,
        u32::try_from(part(2)?).ok()?,
    )?;
    let time = date.and_hms_opt(
        u32::try_from(part(3)?).ok()?,
        u32::try_from(part(4)?).ok()?,
        0,
    )?;
    let second = parts.get(5).copied().unwrap_or(0.0);
    if !(0.0..60.0).contains(&second) {
        return None;
    }
    nanos(time)?.checked_add(seconds_ns(second)?)
}

/// `make_timespan(hours, minutes[, seconds])` or `make_timespan(days, hours, minutes,
/// seconds)` in nanoseconds (DOCS `make-timespan-function.md`:
/// `make_timespan(1,12,30,55.123)` is `1.12:30:55.1230000`). Like .NET's `TimeSpan`
/// constructor, parts out of their usual range carry over.
pub(super) fn make_timespan(parts: &[f64]) -> Option<i64> {
    let (days, hours, minutes, seconds) = match parts {
        [h, m] => (0.0, *h, *m, 0.0),
        [h, m, s] => (0.0, *h, *m, *s),
        [d, h, m, s] => (*d, *h, *m, *s),
        _ => return None,
    };
    let minutes_total = whole(days)?
        .checked_mul(24)?
        .checked_add(whole(hours)?)?
        .checked_mul(60)?
        .checked_add(whole(minutes)?)?;
    minutes_total
        .checked_mul(60_000_000_000)?
        .checked_add(seconds_ns(seconds)?)
}

fn number_rows(args: &[ArrayRef]) -> Result<Vec<&Float64Array>> {
    (0..args.len())
        .map(|i| downcast::<Float64Array>(arg(args, i)?.as_ref()))
        .collect()
}

/// The parts of row `i`; `None` if one is null.
fn row_parts(columns: &[&Float64Array], i: usize) -> Option<Vec<f64>> {
    columns.iter().map(|c| value_at(c, i)).collect()
}

pub(super) fn make_datetime_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = number_rows(args)?;
    Ok(timestamps(
        (0..rows).map(|i| make_datetime(&row_parts(&columns, i)?)),
    ))
}

pub(super) fn make_timespan_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = number_rows(args)?;
    let out: DurationNanosecondArray = (0..rows)
        .map(|i| make_timespan(&row_parts(&columns, i)?))
        .collect();
    Ok(Arc::new(out))
}

/// A time zone by its IANA name (DOCS `timezone.md` lists IANA names such as
/// `US/Pacific` and `Europe/Paris`); `None` when unknown.
fn zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

fn offset_ns(tz: Tz, utc: NaiveDateTime) -> i64 {
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()) * 1_000_000_000
}

/// UTC → local time in `tz`.
pub(super) fn utc_to_local(ns: i64, tz: Tz) -> Option<i64> {
    ns.checked_add(offset_ns(tz, super::naive(ns)))
}

/// Local time in `tz` → UTC. An ambiguous local time (clocks set back) is read in
/// standard time, the later of the two; a time that does not exist (clocks set forward)
/// is read with the offset in force after the change, as DOCS
/// `datetime-local-to-utc-function.md` shows: Brussels 2022-03-27 02:00 is 00:00 UTC.
pub(super) fn local_to_utc(ns: i64, tz: Tz) -> Option<i64> {
    let local = super::naive(ns);
    let offset = match tz.offset_from_local_datetime(&local) {
        LocalResult::Single(o) => o.fix(),
        LocalResult::Ambiguous(_, later) => later.fix(),
        LocalResult::None => {
            // In a gap: the offset of the first valid local time after it.
            let after = (1..=24).find_map(|quarter_hours| {
                let probe =
                    local.checked_add_signed(chrono::Duration::minutes(15 * quarter_hours))?;
                tz.offset_from_local_datetime(&probe).earliest()
            })?;
            after.fix()
        }
    };
    ns.checked_sub(i64::from(offset.local_minus_utc()) * 1_000_000_000)
}

/// `datetime_utc_to_local(date, zone)` (`to_local`) or `datetime_local_to_utc(date, zone)`;
/// null for an unknown zone.
pub(super) fn zone_kernel(args: &[ArrayRef], rows: usize, to_local: bool) -> Result<ArrayRef> {
    let date = downcast::<TimestampNanosecondArray>(arg(args, 0)?.as_ref())?;
    let names = string_arg(args, 1)?;
    let mut cached: Option<(&str, Option<Tz>)> = None;
    Ok(timestamps((0..rows).map(|i| {
        let name = names.get(i);
        let tz = match cached {
            Some((n, tz)) if n == name => tz,
            _ => {
                let tz = zone(name);
                cached = Some((name, tz));
                tz
            }
        }?;
        let ns = value_at(date, i)?;
        if to_local {
            utc_to_local(ns, tz)
        } else {
            local_to_utc(ns, tz)
        }
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{format_datetime_nanos, format_timespan_nanos, parse_datetime_nanos};

    fn dt(s: &str) -> i64 {
        parse_datetime_nanos(s).unwrap()
    }

    fn shown(ns: Option<i64>) -> String {
        ns.map(format_datetime_nanos).unwrap_or_default()
    }

    #[test]
    fn make_datetime_documented() {
        // DOCS make-datetime-function.md.
        assert_eq!(
            shown(make_datetime(&[2017.0, 10.0, 1.0])),
            "2017-10-01T00:00:00Z"
        );
        assert_eq!(
            shown(make_datetime(&[2017.0, 10.0, 1.0, 12.0, 10.0])),
            "2017-10-01T12:10:00Z"
        );
        assert_eq!(
            shown(make_datetime(&[2017.0, 10.0, 1.0, 12.0, 11.0, 0.1234567])),
            "2017-10-01T12:11:00.1234567Z"
        );
        // Dates that do not exist, and parts out of range.
        assert_eq!(make_datetime(&[2017.0, 2.0, 29.0]), None);
        assert_eq!(make_datetime(&[2017.0, 13.0, 1.0]), None);
        assert_eq!(make_datetime(&[2017.0, 1.0, 1.0, 24.0, 0.0]), None);
        assert_eq!(make_datetime(&[2017.0, 1.0, 1.0, 0.0, 0.0, 60.0]), None);
        assert_eq!(make_datetime(&[2017.5, 1.0, 1.0]), None);
    }

    #[test]
    fn make_timespan_documented() {
        // DOCS make-timespan-function.md.
        assert_eq!(
            make_timespan(&[1.0, 12.0, 30.0, 55.123]).map(format_timespan_nanos),
            Some("1.12:30:55.1230000".to_string())
        );
        assert_eq!(
            make_timespan(&[1.0, 30.0]).map(format_timespan_nanos),
            Some("01:30:00".to_string())
        );
        assert_eq!(
            make_timespan(&[25.0, 0.0, 1.0]).map(format_timespan_nanos),
            Some("1.01:00:01".to_string())
        );
        assert_eq!(make_timespan(&[1.0]), None);
    }

    #[test]
    fn time_zones_documented() {
        // DOCS datetime-local-to-utc-function.md, first example.
        let local = dt("2020-02-02 20:02:20");
        let cases = [
            ("Europe/Paris", "2020-02-02T19:02:20Z"),
            ("America/Chicago", "2020-02-03T02:02:20Z"),
            ("US/Pacific", "2020-02-03T04:02:20Z"),
        ];
        for (name, utc) in cases {
            let tz = zone(name).unwrap();
            assert_eq!(shown(local_to_utc(local, tz)), utc, "{name}");
            assert_eq!(utc_to_local(dt(utc), tz), Some(local), "{name}");
        }
        // The daylight-saving example: Brussels, 2022-03-27.
        let brussels = zone("Europe/Brussels").unwrap();
        let cases = [
            (
                "2022-03-27 01:00",
                "2022-03-27T00:00:00Z",
                "2022-03-27T01:00:00Z",
            ),
            (
                "2022-03-27 02:00",
                "2022-03-27T00:00:00Z",
                "2022-03-27T01:00:00Z",
            ),
            (
                "2022-03-27 03:00",
                "2022-03-27T01:00:00Z",
                "2022-03-27T03:00:00Z",
            ),
            (
                "2022-03-27 04:00",
                "2022-03-27T02:00:00Z",
                "2022-03-27T04:00:00Z",
            ),
        ];
        for (local, utc, back) in cases {
            let u = local_to_utc(dt(local), brussels);
            assert_eq!(shown(u), utc, "{local}");
            assert_eq!(shown(u.and_then(|u| utc_to_local(u, brussels))), back);
        }
        // DOCS datetime-utc-to-local-function.md: US/Pacific is 17 hours behind
        // Australia/Canberra in July.
        let t = dt("2022-07-11 22:18:48.4678620");
        let pacific = utc_to_local(t, zone("US/Pacific").unwrap()).unwrap();
        let canberra = utc_to_local(t, zone("Australia/Canberra").unwrap()).unwrap();
        assert_eq!(shown(Some(pacific)), "2022-07-11T15:18:48.467862Z");
        assert_eq!(format_timespan_nanos(pacific - canberra), "-17:00:00");
        assert!(zone("Mars/Olympus_Mons").is_none());
    }
}
