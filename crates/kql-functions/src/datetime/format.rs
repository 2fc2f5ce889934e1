//! `format_datetime` and `format_timespan`: .NET-style custom format strings.
//!
//! The format elements are those of DOCS `format-datetime-function.md` and
//! `format-timespan-function.md` (`d`, `dd`, `f`…`fffffff`, `F`…`FFFFFFF`, `h`, `hh`, `H`,
//! `HH`, `m`, `mm`, `M`, `MM`, `s`, `ss`, `y`, `yy`, `yyyy`, `tt`), plus the longer runs .NET
//! gives a meaning to (`ddd`/`dddd` day names, `MMM`/`MMMM` month names, `yyy`/`yyyyy`
//! padded years, `t`). Any other character is copied as it is. As in .NET, an `F` element
//! that prints nothing also drops a `.` written just before it, and timespans print
//! without a sign.

use super::naive;
use crate::strings::{build_strings, string_arg};
use crate::udf::{arg, downcast, value_at};
use arrow::array::{ArrayRef, DurationNanosecondArray, TimestampNanosecondArray};
use chrono::{Datelike, NaiveDateTime, Timelike};
use datafusion::error::Result;
use std::fmt::Write;

/// One piece of a format string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(char),
    /// A run of `count` copies of a format letter.
    Field(char, usize),
}

/// Splits a format string into fields (runs of a format letter among `letters`) and text.
fn pieces(format: &str, letters: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for c in format.chars() {
        match out.last_mut() {
            Some(Piece::Field(l, n)) if *l == c => *n += 1,
            _ if letters.contains(c) => out.push(Piece::Field(c, 1)),
            _ => out.push(Piece::Text(c)),
        }
    }
    out
}

/// Writes the first `n` (at most 7) digits of a 7-digit tick fraction; `trim` drops
/// trailing zeros (the `F` elements), and an empty `F` also removes a preceding `.`.
fn write_fraction(out: &mut String, ticks: u64, n: usize, trim: bool, after_dot: bool) {
    let digits = format!("{ticks:07}");
    let taken = digits.get(..n.min(7)).unwrap_or("");
    let shown = if trim {
        taken.trim_end_matches('0')
    } else {
        taken
    };
    if shown.is_empty() && trim && after_dot {
        out.pop();
    }
    out.push_str(shown);
}

fn pad(out: &mut String, value: u64, width: usize) {
    let _ = write!(out, "{value:0width$}");
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A name, or its first three letters when `short`.
fn name(out: &mut String, full: &str, short: bool) {
    out.push_str(if short {
        full.get(..3).unwrap_or(full)
    } else {
        full
    });
}

/// `format_datetime(ns, format)`.
pub fn format_datetime(ns: i64, format: &str) -> String {
    let dt: NaiveDateTime = naive(ns);
    let ticks = (ns.rem_euclid(1_000_000_000) / 100).unsigned_abs();
    let mut out = String::new();
    let mut after_dot = false;
    for piece in pieces(format, "dfFhHmMsyt") {
        let Piece::Field(c, n) = piece else {
            if let Piece::Text(c) = piece {
                out.push(c);
                after_dot = c == '.';
            }
            continue;
        };
        let hour12 = match dt.hour() % 12 {
            0 => 12,
            h => h,
        };
        match (c, n) {
            ('d', 1 | 2) => pad(&mut out, dt.day().into(), n),
            ('d', _) => {
                let day = DAYS
                    .get(dt.weekday().num_days_from_sunday() as usize)
                    .unwrap_or(&"");
                name(&mut out, day, n == 3);
            }
            ('f', _) => write_fraction(&mut out, ticks, n, false, false),
            ('F', _) => write_fraction(&mut out, ticks, n, true, after_dot),
            ('h', _) => pad(&mut out, hour12.into(), n.min(2)),
            ('H', _) => pad(&mut out, dt.hour().into(), n.min(2)),
            ('m', _) => pad(&mut out, dt.minute().into(), n.min(2)),
            ('M', 1 | 2) => pad(&mut out, dt.month().into(), n),
            ('M', _) => name(
                &mut out,
                MONTHS.get(dt.month0() as usize).unwrap_or(&""),
                n == 3,
            ),
            ('s', _) => pad(&mut out, dt.second().into(), n.min(2)),
            ('y', 1 | 2) => pad(&mut out, (dt.year() % 100).unsigned_abs().into(), n),
            ('y', _) => pad(&mut out, dt.year().unsigned_abs().into(), n),
            ('t', _) => {
                let am_pm = if dt.hour() < 12 { "AM" } else { "PM" };
                out.push_str(if n == 1 {
                    am_pm.get(..1).unwrap_or("")
                } else {
                    am_pm
                });
            }
            _ => (0..n).for_each(|_| out.push(c)),
        }
        after_dot = false;
    }
    out
}

/// `format_timespan(ns, format)`.
pub fn format_timespan(ns: i64, format: &str) -> String {
    let abs = ns.unsigned_abs();
    let ticks = (abs % 1_000_000_000) / 100;
    let secs = abs / 1_000_000_000;
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    let mut after_dot = false;
    for piece in pieces(format, "dfFhHms") {
        let Piece::Field(c, n) = piece else {
            if let Piece::Text(c) = piece {
                out.push(c);
                after_dot = c == '.';
            }
            continue;
        };
        match c {
            'd' => pad(&mut out, days, n),
            'f' => write_fraction(&mut out, ticks, n, false, false),
            'F' => write_fraction(&mut out, ticks, n, true, after_dot),
            'h' | 'H' => pad(&mut out, hours, n.min(2)),
            'm' => pad(&mut out, minutes, n.min(2)),
            _ => pad(&mut out, seconds, n.min(2)),
        }
        after_dot = false;
    }
    out
}

/// `format_datetime(date, format)`; `""` for a null date.
pub(super) fn format_datetime_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let date = downcast::<TimestampNanosecondArray>(arg(args, 0)?.as_ref())?;
    let format = string_arg(args, 1)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(ns) = value_at(date, i) {
            out.push_str(&format_datetime(ns, format.get(i)));
        }
    }))
}

/// `format_timespan(span, format)`; `""` for a null timespan.
pub(super) fn format_timespan_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let span = downcast::<DurationNanosecondArray>(arg(args, 0)?.as_ref())?;
    let format = string_arg(args, 1)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(ns) = value_at(span, i) {
            out.push_str(&format_timespan(ns, format.get(i)));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{parse_datetime_nanos, parse_timespan_nanos};

    fn dt(s: &str) -> i64 {
        parse_datetime_nanos(s).unwrap()
    }

    #[test]
    fn format_datetime_documented() {
        // DOCS format-datetime-function.md, the three examples.
        let t = dt("2017-01-29 09:00:05");
        assert_eq!(
            format_datetime(t, "yy-MM-dd [HH:mm:ss]"),
            "17-01-29 [09:00:05]"
        );
        assert_eq!(
            format_datetime(t, "yyyy-M-dd [H:mm:ss]"),
            "2017-1-29 [9:00:05]"
        );
        assert_eq!(
            format_datetime(t, "yy-MM-dd [hh:mm:ss tt]"),
            "17-01-29 [09:00:05 AM]"
        );
        // The element table.
        let t = dt("2009-06-15T13:45:30.6175425");
        let cases = [
            ("d", "15"),
            ("dd", "15"),
            ("f", "6"),
            ("ff", "61"),
            ("fff", "617"),
            ("ffff", "6175"),
            ("fffff", "61754"),
            ("ffffff", "617542"),
            ("fffffff", "6175425"),
            ("h", "1"),
            ("hh", "01"),
            ("H", "13"),
            ("HH", "13"),
            ("mm", "45"),
            ("M", "6"),
            ("MM", "06"),
            ("ss", "30"),
            ("y", "9"),
            ("yy", "09"),
            ("yyyy", "2009"),
            ("tt", "PM"),
        ];
        for (format, expected) in cases {
            assert_eq!(format_datetime(t, format), expected, "{format}");
        }
        let t = dt("2009-06-01T01:09:09.0001150");
        assert_eq!(format_datetime(t, "d"), "1");
        assert_eq!(format_datetime(t, "dd"), "01");
        assert_eq!(format_datetime(t, "m"), "9");
        assert_eq!(format_datetime(t, "s"), "9");
        assert_eq!(format_datetime(t, "fffffff"), "0001150");
        assert_eq!(format_datetime(t, "FFFFFFF"), "000115");
        assert_eq!(format_datetime(t, "FFF"), "");
        assert_eq!(format_datetime(dt("2009-06-15T13:45:30.05"), "F"), "");
        assert_eq!(format_datetime(dt("2009-06-15T13:45:30.05"), "f"), "0");
        // An empty `F` takes the dot before it along.
        assert_eq!(format_datetime(t, "HH:mm:ss.FFF"), "01:09:09");
        assert_eq!(format_datetime(dt("1900-01-01"), "yy"), "00");
        assert_eq!(format_datetime(dt("2019-06-15"), "y"), "19");
    }

    #[test]
    fn format_timespan_documented() {
        // DOCS format-timespan-function.md.
        let t = parse_timespan_nanos("29.09:00:05.12345").unwrap();
        assert_eq!(format_timespan(t, "dd.hh:mm:ss:FF"), "29.09:00:05:12");
        assert_eq!(
            format_timespan(t, "ddd.h:mm:ss [fffffff]"),
            "029.9:00:05 [1234500]"
        );
        let t = parse_timespan_nanos("15.13:45:30.6170000").unwrap();
        assert_eq!(format_timespan(t, "d"), "15");
        assert_eq!(format_timespan(t, "ddd"), "015");
        assert_eq!(format_timespan(t, "F"), "6");
        assert_eq!(format_timespan(t, "fff"), "617");
        assert_eq!(format_timespan(t, "H"), "13");
        let t = parse_timespan_nanos("15.01:09:09.0500000").unwrap();
        assert_eq!(format_timespan(t, "HH"), "01");
        assert_eq!(format_timespan(t, "m"), "9");
        assert_eq!(format_timespan(t, "mm"), "09");
        assert_eq!(format_timespan(t, "ss"), "09");
        assert_eq!(format_timespan(t, "FF"), "05");
        assert_eq!(format_timespan(t, "FFFFFFF"), "05");
    }
}
