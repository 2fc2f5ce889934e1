//! Text → KQL `datetime` / `timespan`, as nanoseconds.
//!
//! Defender and Sentinel write datetimes as ISO-8601 UTC with up to 7 fractional digits
//! (`2021-04-14T18:49:17.7849324Z`, KQL's 100 ns ticks). This parser is hand-written because
//! it runs once per datetime cell on the hot path, and because it has to accept exactly the
//! forms the exports contain: `T` or a space between date and time, 0–9 fractional digits,
//! `Z`, a `±hh:mm` / `±hhmm` offset, or no zone at all (read as UTC, which is what every
//! Sentinel export means). A date alone is midnight UTC.

/// Nanoseconds per second.
const NS: i64 = 1_000_000_000;

/// Parses an ISO-8601 datetime into nanoseconds since the Unix epoch (UTC).
///
/// `None` when the text is not a datetime or lies outside Arrow's nanosecond range
/// (years 1677–2262).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return days.checked_mul(86_400 * NS);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(b, 14, 2)?;
    let (second, mut i) = if b.get(16) == Some(&b':') {
        (digits(b, 17, 2)?, 19)
    } else {
        (0, 16)
    };
    // 60 allows a leap second; it rolls into the next minute like chrono does.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut frac: i64 = 0;
    if matches!(b.get(i), Some(b'.' | b',')) {
        i += 1;
        let start = i;
        let mut scale = NS;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // Digits beyond nanoseconds are dropped (truncation, as .NET does for ticks).
            if scale > 1 {
                scale /= 10;
                frac += i64::from(d - b'0') * scale;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2)?;
            let om = match (b.get(i + 3), b.len() - i) {
                (Some(b':'), 6) => digits(b, i + 4, 2)?,
                (_, 5) => digits(b, i + 3, 2)?,
                (_, 3) => 0,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let s = oh * 3600 + om * 60;
            if sign == b'+' { s } else { -s }
        }
        _ => return None,
    };
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    secs.checked_mul(NS)?.checked_add(frac)
}

/// Parses a KQL / .NET timespan `[-][d.]hh:mm[:ss[.fffffff]]` into nanoseconds.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (days, clock) = match (t.find('.'), t.find(':')) {
        (Some(dot), Some(colon)) if dot < colon => (t[..dot].parse::<i64>().ok()?, &t[dot + 1..]),
        _ => (0, t),
    };
    let mut parts = clock.splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let (s, frac) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let s: i64 = whole.parse().ok()?;
            let mut f: i64 = 0;
            let mut scale = NS;
            for c in frac.bytes() {
                if !c.is_ascii_digit() {
                    return None;
                }
                if scale > 1 {
                    scale /= 10;
                    f += i64::from(c - b'0') * scale;
                }
            }
            (s, f)
        }
    };
    if h > 23 || m > 59 || s > 59 || days < 0 {
        return None;
    }
    let total = (days.checked_mul(86_400)? + h * 3600 + m * 60 + s)
        .checked_mul(NS)?
        .checked_add(frac)?;
    Some(if neg { -total } else { total })
}

/// `n` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    let mut v = 0i64;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defender_timestamp_with_seven_fraction_digits() {
        // 2021-04-14 is day 18731 after the epoch (51 years, 13 leap days, Jan–Mar = 90, +13).
        let expect = (18_731 * 86_400 + 18 * 3600 + 49 * 60 + 17) * NS + 784_932_400;
        assert_eq!(parse_datetime("2021-04-14T18:49:17.7849324Z"), Some(expect));
    }

    #[test]
    fn forms_the_exports_use() {
        let base = (18_731 * 86_400 + 18 * 3600 + 49 * 60 + 17) * NS;
        assert_eq!(parse_datetime("2021-04-14T18:49:17Z"), Some(base));
        assert_eq!(parse_datetime("2021-04-14 18:49:17"), Some(base));
        assert_eq!(
            parse_datetime("2021-04-14T18:49:17.5"),
            Some(base + 500_000_000)
        );
        assert_eq!(parse_datetime("2021-04-14T20:49:17+02:00"), Some(base));
        assert_eq!(parse_datetime("2021-04-14T17:49:17-0100"), Some(base));
        assert_eq!(
            parse_datetime("2021-04-14T18:49:17.123456789123Z"),
            Some(base + 123_456_789)
        );
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        assert_eq!(parse_datetime("1969-12-31T23:59:59Z"), Some(-NS));
        assert_eq!(
            parse_datetime("2024-02-29T00:00:00Z"),
            Some(19_782 * 86_400 * NS)
        );
    }

    #[test]
    fn rejects_what_is_not_a_datetime() {
        for bad in [
            "",
            "abc",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-04-14T24:00:00Z",
            "2021-04-14T18:49:17.Z",
            "2021-04-14T18:49:17Zjunk",
            "2021/04/14 18:49:17",
            "3000-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("00:00:01"), Some(NS));
        assert_eq!(
            parse_timespan("1.02:03:04.5"),
            Some(((86_400 + 7384) * NS) + NS / 2)
        );
        assert_eq!(parse_timespan("-00:01"), Some(-60 * NS));
        assert_eq!(parse_timespan("x"), None);
        assert_eq!(parse_timespan("00:61:00"), None);
    }
}
