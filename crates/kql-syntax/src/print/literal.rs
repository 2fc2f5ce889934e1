//! Printing literals in the form the lexer reads back to the same value.

use super::Printer;
use crate::ast::{DynamicValue, LiteralKind, ScalarType};
use std::fmt::Write as _;

const TICKS_PER_UNIT: &[(i64, &str)] = &[
    (864_000_000_000, "d"),
    (36_000_000_000, "h"),
    (600_000_000, "m"),
    (10_000_000, "s"),
    (10_000, "ms"),
    (10, "microsecond"),
    (1, "tick"),
];

pub(crate) fn literal(p: &mut Printer, k: &LiteralKind) {
    match k {
        LiteralKind::Null(t) => {
            p.w(t.as_str());
            p.w("(null)");
        }
        LiteralKind::Bool(b) => p.w(if *b { "true" } else { "false" }),
        LiteralKind::Int(v) => {
            let _ = write!(p.out, "int({v})");
        }
        // A leading `-` would read back as unary minus: negative values keep the typed form.
        LiteralKind::Long(v) if *v < 0 => {
            let _ = write!(p.out, "long({v})");
        }
        LiteralKind::Long(v) => {
            let _ = write!(p.out, "{v}");
        }
        LiteralKind::Real(r) => real(p, r.0, r.0.is_sign_negative()),
        LiteralKind::Decimal(d) => {
            let _ = write!(p.out, "decimal({d})");
        }
        LiteralKind::String { value, obfuscated } => {
            if *obfuscated {
                p.w("h");
            }
            string(&mut p.out, value);
        }
        LiteralKind::DateTime(s) => {
            let bare = !s.is_empty()
                && s.trim() == s
                && s != "null"
                && !s.contains([')', '\n', '\r'])
                && !s.starts_with(['"', '\'', '@', 'h', 'H']);
            p.w("datetime(");
            if bare {
                p.w(s);
            } else {
                string(&mut p.out, s);
            }
            p.w(")");
        }
        LiteralKind::Timespan(t) => timespan(p, *t),
        LiteralKind::Guid(g) => {
            let _ = write!(p.out, "guid({g})");
        }
        LiteralKind::Dynamic(v) => {
            p.w("dynamic(");
            dynamic(p, v);
            p.w(")");
        }
    }
}

/// A real with a `.` or exponent so that it reads back as a real; NaN and infinities in their
/// `real(...)` forms. `typed` forces `real(...)` (inside `dynamic`, where a bare number would
/// read back as a JSON number rather than a typed real).
fn real(p: &mut Printer, v: f64, typed: bool) {
    if v.is_nan() {
        p.w("real(nan)");
    } else if v.is_infinite() {
        p.w(if v > 0.0 { "real(+inf)" } else { "real(-inf)" });
    } else if typed {
        let _ = write!(p.out, "real({v:?})");
    } else {
        // `{:?}` always writes a `.` or an exponent, and the shortest text that reads back.
        let _ = write!(p.out, "{v:?}");
    }
}

/// `1d`, `90m`, `1500ms`... in the largest unit that holds the value exactly; negative values
/// as `timespan(-1d)` so that they stay one literal.
fn timespan(p: &mut Printer, ticks: i64) {
    if ticks == 0 {
        p.w("0s");
        return;
    }
    let abs = ticks.unsigned_abs();
    let (n, unit) = TICKS_PER_UNIT
        .iter()
        .find(|(t, _)| abs.is_multiple_of(*t as u64))
        .map_or((abs, "tick"), |(t, u)| (abs / (*t as u64), *u));
    if ticks < 0 {
        let _ = write!(p.out, "timespan(-{n}{unit})");
    } else {
        let _ = write!(p.out, "{n}{unit}");
    }
}

fn dynamic(p: &mut Printer, v: &DynamicValue) {
    match v {
        DynamicValue::Null => p.w("null"),
        DynamicValue::Bool(b) => p.w(if *b { "true" } else { "false" }),
        DynamicValue::Long(n) => {
            let _ = write!(p.out, "{n}");
        }
        DynamicValue::Real(r) => real(p, r.0, false),
        DynamicValue::String(s) => string(&mut p.out, s),
        DynamicValue::Typed(k) => typed_in_dynamic(p, k),
        DynamicValue::Array(items) => {
            p.w("[");
            p.list(items, dynamic);
            p.w("]");
        }
        DynamicValue::Object(fields) => {
            p.w("{");
            p.list(fields, |p, (k, v)| {
                string(&mut p.out, k);
                p.w(": ");
                dynamic(p, v);
            });
            p.w("}");
        }
    }
}

/// A KQL literal inside `dynamic(...)`, in the typed form that reads back as a typed value
/// rather than a plain JSON one (`long(5)` rather than `5`).
fn typed_in_dynamic(p: &mut Printer, k: &LiteralKind) {
    match k {
        LiteralKind::Long(v) => {
            let _ = write!(p.out, "long({v})");
        }
        LiteralKind::Real(r) => real(p, r.0, true),
        LiteralKind::Bool(b) => p.w(if *b { "bool(true)" } else { "bool(false)" }),
        LiteralKind::Dynamic(v) => {
            p.w("dynamic(");
            dynamic(p, v);
            p.w(")");
        }
        LiteralKind::Null(ScalarType::Dynamic) => p.w("dynamic(null)"),
        other => literal(p, other),
    }
}

/// A double-quoted string with escapes.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        push_escaped(out, c, '"');
    }
    out.push('"');
}

/// One character of a quoted string delimited by `quote`.
pub(crate) fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() => {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
        c => out.push(c),
    }
}
