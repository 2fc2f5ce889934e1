//! Numbers, timespans and digit-led names.
//!
//! `5`, `0x1F`, `1.5`, `1e3`, `5m`, `1.5h`, `10microseconds` are all a run of digits with
//! something after it, so one scanner reads them and decides by the suffix. A suffix that is
//! no unit makes a name (`5Minutebin` is a valid Kusto column name), except when it is so
//! close to a unit (`5mins`, `2D`, `3w`) that the author surely meant a timespan: that is an
//! error with a suggestion, rather than an unknown column later.

use super::{Lexer, is_ident_continue, off};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::{all_units, timespan_unit};
use crate::token::Tok;
use kql_diagnostics::{Span, suggest};

impl Lexer<'_> {
    pub(super) fn number(&mut self) {
        let start = self.i;
        if self.peek_byte(0) == b'0' && matches!(self.peek_byte(1), b'x' | b'X') {
            let digits_start = self.i + 2;
            let mut j = digits_start;
            while self.bytes.get(j).is_some_and(u8::is_ascii_hexdigit) {
                j += 1;
            }
            if j > digits_start {
                self.i = j;
                let digits = self.src.get(digits_start..j).unwrap_or("");
                // Kusto reads hex as the 64-bit pattern: 0xFFFFFFFFFFFFFFFF is -1.
                let value = u64::from_str_radix(digits, 16).map(|v| v as i64);
                let value = match value {
                    Ok(v) => v,
                    Err(_) => {
                        self.out_of_range(start, "long");
                        0
                    }
                };
                self.push(Tok::Long(value), start);
                return;
            }
        }
        let int_end = self.digits(self.i);
        let mut end = int_end;
        let mut is_real = false;
        let mut frac: Option<(usize, usize)> = None;
        if self.bytes.get(end) == Some(&b'.') {
            let next = self.bytes.get(end + 1).copied().unwrap_or(0);
            if next.is_ascii_digit() {
                let fe = self.digits(end + 1);
                frac = Some((end + 1, fe));
                end = fe;
                is_real = true;
            } else if next != b'.' && next != b'[' && !is_ident_continue(next) {
                // `1.` is a real; `1..2` is a range and `1.[0]` a path element.
                end += 1;
                is_real = true;
            }
        }
        // Exponent: e, E, optional sign, digits.
        if matches!(self.bytes.get(end), Some(b'e' | b'E')) {
            let mut j = end + 1;
            if matches!(self.bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if self.bytes.get(j).is_some_and(u8::is_ascii_digit) {
                let after = self.digits(j);
                if !is_ident_continue(self.bytes.get(after).copied().unwrap_or(0)) {
                    self.i = after;
                    let text = self.src.get(start..after).unwrap_or("");
                    let v = text.parse::<f64>().unwrap_or(f64::NAN);
                    self.push(Tok::Real(v), start);
                    return;
                }
            }
        }
        // A word glued to the number: a timespan unit, or a digit-led name.
        if is_ident_continue(self.bytes.get(end).copied().unwrap_or(0))
            && !self.bytes.get(end).is_some_and(u8::is_ascii_digit)
        {
            let mut w = end;
            while is_ident_continue(self.bytes.get(w).copied().unwrap_or(0)) {
                w += 1;
            }
            let word = self.src.get(end..w).unwrap_or("");
            self.i = w;
            if let Some(unit) = timespan_unit(word) {
                let int = self.src.get(start..int_end).unwrap_or("");
                let frac = frac.and_then(|(a, b)| self.src.get(a..b)).unwrap_or("");
                match timespan_ticks(int, frac, unit) {
                    Some(t) => self.push(Tok::Timespan(t), start),
                    None => {
                        self.out_of_range(start, "timespan");
                        self.push(Tok::Timespan(0), start);
                    }
                }
                return;
            }
            if is_real || almost_unit(word) {
                let unit_span = Span::new(off(end), off(w));
                let d = self.error(
                    K::UnknownTimespanUnit,
                    format!("unknown timespan unit `{word}`"),
                    unit_span,
                );
                d.span_label = Some("not a timespan unit".into());
                let lower = word.to_ascii_lowercase();
                if lower.starts_with('w') {
                    d.helps
                        .push("weeks are not supported: write days instead, e.g. `14d`".into());
                } else if let Some(s) = suggest(&lower, all_units()).filter(|_| lower.len() > 1) {
                    d.helps.push(format!("did you mean `{s}`?"));
                } else {
                    d.helps.push(
                        "the units are d, h, m, s, ms, microsecond and tick (and their long forms)"
                            .into(),
                    );
                }
                self.push(Tok::Timespan(0), start);
                return;
            }
            self.push(Tok::Ident, start);
            return;
        }
        self.i = end;
        let text = self.src.get(start..end).unwrap_or("");
        if is_real {
            let v = text.parse::<f64>().unwrap_or(f64::NAN);
            self.push(Tok::Real(v), start);
        } else {
            let v = match text.parse::<i64>() {
                Ok(v) => v,
                Err(_) => {
                    self.out_of_range(start, "long");
                    0
                }
            };
            self.push(Tok::Long(v), start);
        }
    }

    fn digits(&self, mut j: usize) -> usize {
        while self.bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    }

    fn out_of_range(&mut self, start: usize, ty: &str) {
        let span = Span::new(off(start), off(self.i));
        let d = self.error(
            K::NumberOutOfRange,
            format!("number is out of range for `{ty}`"),
            span,
        );
        d.notes
            .push("`long` holds -9223372036854775808 to 9223372036854775807".into());
        d.helps
            .push("for a larger value, write a real (`1e20`) or use a string".into());
    }
}

/// `int.frac` units of `unit_ticks` each (0 means nanoseconds), in ticks, truncated toward
/// zero; `None` on overflow.
pub(crate) fn timespan_ticks(int: &str, frac: &str, unit_ticks: i64) -> Option<i64> {
    // Fractions beyond 18 digits cannot change a tick count that fits in an i64.
    let frac = frac.get(..frac.len().min(18)).unwrap_or("");
    let int_v: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_v: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let scale = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let (num, den) = if unit_ticks == 0 {
        (1i128, 100i128)
    } else {
        (i128::from(unit_ticks), 1i128)
    };
    let total = int_v
        .checked_mul(scale)?
        .checked_add(frac_v)?
        .checked_mul(num)?
        / scale.checked_mul(den)?;
    i64::try_from(total).ok()
}

/// True for a word one edit away from a unit, or a unit in the wrong case (`mins`, `D`, `w`):
/// surely a mistyped timespan rather than a digit-led name.
fn almost_unit(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if timespan_unit(&lower).is_some() {
        return true;
    }
    all_units().any(|u| within_one_edit(&lower, u))
}

fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    if i == short.len() {
        return true;
    }
    if short.len() == long.len() {
        short[i + 1..] == long[i + 1..]
    } else {
        short[i..] == long[i + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;

    fn one(src: &str) -> Tok<'_> {
        let (t, d) = lex(src);
        assert!(d.is_empty(), "{src}: {d:?}");
        assert_eq!(t.len(), 2, "{src}: {t:?}");
        t.into_iter().next().map(|t| t.kind).unwrap_or(Tok::Eof)
    }

    const SEC: i64 = 10_000_000;

    #[test]
    fn timespan_units_in_ticks() {
        assert_eq!(one("1d"), Tok::Timespan(86_400 * SEC));
        assert_eq!(one("5h"), Tok::Timespan(5 * 3_600 * SEC));
        assert_eq!(one("10m"), Tok::Timespan(600 * SEC));
        assert_eq!(one("10min"), Tok::Timespan(600 * SEC));
        assert_eq!(one("30s"), Tok::Timespan(30 * SEC));
        assert_eq!(one("1.5sec"), Tok::Timespan(15 * SEC / 10));
        assert_eq!(one("100ms"), Tok::Timespan(SEC / 10));
        assert_eq!(one("10microsecond"), Tok::Timespan(100));
        assert_eq!(one("1tick"), Tok::Timespan(1));
        assert_eq!(one("2ticks"), Tok::Timespan(2));
        assert_eq!(one("250nanoseconds"), Tok::Timespan(2));
        assert_eq!(one("1.5h"), Tok::Timespan(5_400 * SEC));
    }

    #[test]
    fn numbers() {
        assert_eq!(one("42"), Tok::Long(42));
        assert_eq!(one("0x1F"), Tok::Long(31));
        assert_eq!(one("1.5"), Tok::Real(1.5));
        assert_eq!(one("1e3"), Tok::Real(1000.0));
        assert_eq!(one("2.5E-1"), Tok::Real(0.25));
        assert_eq!(one("7."), Tok::Real(7.0));
    }

    #[test]
    fn digit_led_names_and_ranges() {
        assert_eq!(one("5Minutebin"), Tok::Ident);
        let (t, _) = lex("1..2");
        assert_eq!(t[0].kind, Tok::Long(1));
        assert_eq!(t[2].kind, Tok::Long(2));
    }

    #[test]
    fn near_units_are_errors() {
        for src in ["5mins", "2D", "3w", "1.5x"] {
            let (_, d) = lex(src);
            assert_eq!(d.len(), 1, "{src}");
            assert_eq!(d[0].code, "KQL0104", "{src}");
        }
        let (_, d) = lex("5mins");
        assert_eq!(d[0].span, Some(Span::new(1, 5)));
        assert_eq!(d[0].helps, ["did you mean `min`?"]);
    }

    #[test]
    fn overflow_is_an_error() {
        let (_, d) = lex("99999999999999999999");
        assert_eq!(d[0].code, "KQL0105");
    }
}
