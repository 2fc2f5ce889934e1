//! Typed literals whose content is raw text: `datetime(...)`, `time(...)`, `timespan(...)`,
//! `guid(...)`, `int(...)`, `long(...)`, `real(...)`/`double(...)`, `decimal(...)`,
//! `bool(...)`, `string(null)` and `typeof(type)`.
//!
//! The lexer hands over the text between the parentheses; this module checks it and turns it
//! into a [`LiteralKind`]. Datetimes are kept as text (the binder parses them, with the
//! query's time zone rules); every other kind is decoded here, so that a malformed literal is
//! a syntax error pointing into the literal.

use super::{Fail, PResult, Parser};
use crate::ast::{Expr, ExprKind, Literal, LiteralKind, Real, ScalarType};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::timespan_unit;
use crate::lexer::number::timespan_ticks;
use crate::token::Tok;
use kql_diagnostics::Span;

/// What a typed-literal token denotes.
pub(crate) enum Typed {
    Literal(LiteralKind),
    Type(ScalarType),
}

impl Parser<'_> {
    /// A typed literal as an expression (the cursor is on the token).
    pub fn typed_literal_expr(&mut self) -> PResult<Expr> {
        let span = self.peek().span;
        match self.typed_literal()? {
            Typed::Literal(kind) => Ok(Expr::new(ExprKind::Literal(Literal { kind, span }), span)),
            Typed::Type(ty) => Ok(Expr::new(ExprKind::TypeOf(ty), span)),
        }
    }

    /// Decodes the typed-literal token at the cursor.
    pub fn typed_literal(&mut self) -> PResult<Typed> {
        let t = self.bump();
        let Tok::Typed {
            keyword,
            raw,
            raw_span,
        } = t.kind
        else {
            return Err(self.expected_expression());
        };
        let text = raw.trim();
        let inner = trimmed_span(raw, raw_span);
        if keyword == "typeof" {
            return match ScalarType::from_name(text) {
                Some(ty) => Ok(Typed::Type(ty)),
                None => {
                    let d = self.error(
                        K::UnknownType,
                        format!("unknown type `{text}` in `typeof(...)`"),
                        inner,
                    );
                    d.span_label = Some("not a KQL scalar type".into());
                    Err(Fail)
                }
            };
        }
        let ty = match keyword {
            "uuid" => ScalarType::Guid,
            other => ScalarType::from_name(other).unwrap_or(ScalarType::String),
        };
        if text == "null" {
            return Ok(Typed::Literal(LiteralKind::Null(ty)));
        }
        let unquoted = unquote(text);
        let value = unquoted.as_deref().unwrap_or(text);
        let kind = match ty {
            ScalarType::Int => parse_int32(value).map(LiteralKind::Int),
            ScalarType::Long => parse_integer(value).map(LiteralKind::Long),
            ScalarType::Real => parse_real(value).map(|v| LiteralKind::Real(Real(v))),
            ScalarType::Decimal => {
                is_decimal(value).then(|| LiteralKind::Decimal(value.to_string()))
            }
            ScalarType::Bool => match value.to_ascii_lowercase().as_str() {
                "true" => Some(LiteralKind::Bool(true)),
                "false" => Some(LiteralKind::Bool(false)),
                _ => None,
            },
            ScalarType::DateTime => {
                (!value.is_empty()).then(|| LiteralKind::DateTime(value.to_string()))
            }
            ScalarType::Timespan => parse_timespan(value).map(LiteralKind::Timespan),
            ScalarType::Guid => is_guid(value).then(|| LiteralKind::Guid(value.to_string())),
            ScalarType::String | ScalarType::Dynamic => None,
        };
        match kind {
            Some(k) => Ok(Typed::Literal(k)),
            None => {
                let what = expectation(ty);
                let d = self.error(
                    K::InvalidLiteral,
                    format!("invalid `{keyword}` literal: `{text}`"),
                    if text.is_empty() { t.span } else { inner },
                );
                d.span_label = Some(format!("expected {what}"));
                Err(Fail)
            }
        }
    }
}

fn expectation(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::Int => "a 32-bit integer or `null`",
        ScalarType::Long => "a 64-bit integer or `null`",
        ScalarType::Real => "a number, `nan`, `+inf`, `-inf` or `null`",
        ScalarType::Decimal => "a decimal number or `null`",
        ScalarType::Bool => "`true`, `false` or `null`",
        ScalarType::DateTime => "a date and time such as `2024-01-31 12:00:00Z`",
        ScalarType::Timespan => "a timespan such as `1d`, `02:30:00` or `1.02:03:04.5`",
        ScalarType::Guid => "a GUID such as `74be27de-1e4e-49d9-b579-fe0b331d3642`",
        ScalarType::String => "`null` (write other strings as \"...\")",
        ScalarType::Dynamic => "a JSON value",
    }
}

/// The span of the trimmed content inside `raw`.
fn trimmed_span(raw: &str, raw_span: Span) -> Span {
    let lead = raw.len() - raw.trim_start().len();
    let len = raw.trim().len();
    let start = raw_span.start + u32::try_from(lead).unwrap_or(0);
    Span::new(start, start + u32::try_from(len).unwrap_or(0))
}

/// `"text"` or `'text'` inside a typed literal (`datetime("2024-01-01")`), decoded.
fn unquote(text: &str) -> Option<String> {
    let first = text.chars().next()?;
    if !matches!(first, '"' | '\'' | '@') {
        return None;
    }
    let (toks, diags) = crate::lexer::lex(text);
    if !diags.is_empty() || toks.len() != 2 {
        return None;
    }
    match &toks[0].kind {
        Tok::Str { value, .. } => Some(value.trim().to_string()),
        _ => None,
    }
}

/// An `int`: decimal in range, or `0x` hex read as the 32-bit pattern (`int(0xf090013d)` is
/// negative, as in Kusto).
fn parse_int32(s: &str) -> Option<i32> {
    let (neg, digits) = split_sign(s);
    if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        let v = u32::from_str_radix(hex, 16).ok()? as i32;
        return Some(if neg { v.wrapping_neg() } else { v });
    }
    parse_integer(s).and_then(|v| i32::try_from(v).ok())
}

/// Decimal or `0x` hex, with an optional sign.
fn parse_integer(s: &str) -> Option<i64> {
    let (neg, digits) = split_sign(s);
    let v: i64 = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok().map(|v| v as i64)?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Parse with the sign so that i64::MIN fits.
        return if neg {
            format!("-{digits}").parse().ok()
        } else {
            digits.parse().ok()
        };
    } else {
        return None;
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(r) = s.strip_prefix('-') {
        (true, r.trim_start())
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r.trim_start())
    } else {
        (false, s)
    }
}

fn parse_real(s: &str) -> Option<f64> {
    let (neg, body) = split_sign(s);
    let v = match body.to_ascii_lowercase().as_str() {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => f64::INFINITY,
        _ if is_decimal(body) => body.parse::<f64>().ok()?,
        _ => return None,
    };
    Some(if neg { -v } else { v })
}

/// `[sign] digits [. digits] [e [sign] digits]`.
fn is_decimal(s: &str) -> bool {
    let (_, s) = split_sign(s);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok
}

/// 8-4-4-4-12 hex digits.
fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The content of `time(...)`/`timespan(...)`, in ticks: `[-]N[unit]` (a bare number counts
/// days, as in Kusto), or `[-][d.]hh:mm[:ss[.fffffff]]`.
pub(crate) fn parse_timespan(s: &str) -> Option<i64> {
    let (neg, body) = split_sign(s.trim());
    let ticks = if body.contains(':') {
        clock_ticks(body)?
    } else {
        let num_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (num, unit) = body.split_at(num_end);
        let unit = unit.trim();
        let unit_ticks = if unit.is_empty() {
            864_000_000_000
        } else {
            timespan_unit(unit)?
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        timespan_ticks(int, frac, unit_ticks)?
    };
    Some(if neg { ticks.checked_neg()? } else { ticks })
}

/// `[d.]hh:mm[:ss[.fffffff]]`.
fn clock_ticks(s: &str) -> Option<i64> {
    const SEC: i64 = 10_000_000;
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let num = |x: &str| -> Option<i64> {
        (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    let (days, hours) = match parts[0].split_once('.') {
        Some((d, h)) => (num(d)?, num(h)?),
        None => (0, num(parts[0])?),
    };
    let minutes = num(parts[1])?;
    let (secs, frac_ticks) = match parts.get(2) {
        None => (0, 0),
        Some(p) => match p.split_once('.') {
            Some((s, f)) => {
                if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let f7: String = f.chars().chain(std::iter::repeat('0')).take(7).collect();
                (num(s)?, f7.parse::<i64>().ok()?)
            }
            None => (num(p)?, 0),
        },
    };
    if minutes >= 60 || secs >= 60 {
        return None;
    }
    days.checked_mul(24)?
        .checked_add(hours)?
        .checked_mul(60)?
        .checked_add(minutes)?
        .checked_mul(60)?
        .checked_add(secs)?
        .checked_mul(SEC)?
        .checked_add(frac_ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i64 = 10_000_000;

    #[test]
    fn timespan_text_forms() {
        assert_eq!(
            parse_timespan("1.02:03:04.5"),
            Some((93_784 * SEC) + SEC / 2)
        );
        assert_eq!(parse_timespan("00:01:00"), Some(60 * SEC));
        assert_eq!(parse_timespan("02:30"), Some(9_000 * SEC));
        assert_eq!(parse_timespan("2h"), Some(7_200 * SEC));
        assert_eq!(parse_timespan("15 seconds"), Some(15 * SEC));
        assert_eq!(parse_timespan("2"), Some(2 * 86_400 * SEC));
        assert_eq!(parse_timespan("-1d"), Some(-86_400 * SEC));
        assert_eq!(parse_timespan("1 week"), None);
        assert_eq!(parse_timespan("01:61:00"), None);
    }

    #[test]
    fn numbers_and_guids() {
        assert_eq!(parse_integer("-5"), Some(-5));
        assert_eq!(parse_integer("0x10"), Some(16));
        assert_eq!(parse_integer("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_integer("1.5"), None);
        assert_eq!(parse_int32("0xf090013d"), Some(0xf090013d_u32 as i32));
        assert_eq!(parse_int32("3000000000"), None);
        assert_eq!(parse_real("+inf"), Some(f64::INFINITY));
        assert_eq!(parse_real("-2.5e1"), Some(-25.0));
        assert!(parse_real("nan").is_some_and(f64::is_nan));
        assert!(is_decimal("1.25"));
        assert!(!is_decimal("1.2.3"));
        assert!(is_guid("74be27de-1e4e-49d9-b579-fe0b331d3642"));
        assert!(!is_guid("74be27de-1e4e-49d9-b579"));
    }
}
