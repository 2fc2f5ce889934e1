//! Comparing kqlhunt's output with the tables printed in the KQL documentation.
//!
//! The documentation prints values for people, not machines, so a cell matches when it is
//! the same value under any of the page's conventions (see the notes of
//! `conformance/kql-docs-examples.jsonl`): numbers may carry thousands separators and fewer
//! decimals; datetimes appear as `2020-02-02 20:02:20.0000000` or ISO with `Z`; booleans as
//! `1`/`0` or `true`/`false`; dynamic values as JSON with any spacing, sometimes in
//! backticks; empty strings and nulls both as blank cells or the text `null`.
//!
//! Markdown itself also changes what a cell shows, so these are undone before comparing:
//! `<br>` is a line break, `\_` an escaped `_`, `<https://...>` an autolink, and a table
//! cell cannot show leading, trailing or repeated white space (so text is compared with
//! white space runs collapsed). Dynamic values may be printed as KQL literals (single-quoted
//! strings) or with their strings unquoted (`[yes, no]`).

use kql_engine::format::Cell;

/// True when the documented cell text `expected` shows the value `actual`.
pub fn cell_matches(expected: &str, actual: &Cell) -> bool {
    let e = clean(expected);
    let a_text = actual.to_text();
    if e == a_text {
        return true;
    }
    match actual {
        Cell::Null => e.is_empty() || e.eq_ignore_ascii_case("null"),
        Cell::Text(s) if s.is_empty() => e.is_empty() || e == "\"\"",
        Cell::Bool(b) => matches!(
            (e.to_ascii_lowercase().as_str(), b),
            ("1" | "true", true) | ("0" | "false", false)
        ),
        Cell::Long(n) => parse_number(&e).is_some_and(|x| x == *n as f64),
        Cell::Real(f) => {
            parse_number(&e).is_some_and(|x| close(x, *f, &e))
                || (f.is_nan() && e.eq_ignore_ascii_case("nan"))
        }
        Cell::Json(v) => {
            json_equal(&e, v) || lenient_json(&e).is_some_and(|x| json_values_equal(&x, v))
        }
        Cell::Text(s) => {
            let unq = e.trim_matches('"');
            unq == s
                || collapse_space(unq) == collapse_space(s)
                || same_datetime(&e, s)
                || same_timespan(&e, s)
                || serde_json::from_str::<serde_json::Value>(s).is_ok_and(|v| json_equal(&e, &v))
                || parse_number(&e)
                    .zip(parse_number(s))
                    .is_some_and(|(x, y)| close(x, y, &e))
        }
    }
}

fn clean(s: &str) -> String {
    let t = s.trim();
    let t = t
        .strip_prefix('`')
        .and_then(|x| x.strip_suffix('`'))
        .unwrap_or(t);
    let t = match t.strip_prefix('<').and_then(|x| x.strip_suffix('>')) {
        Some(link) if link.starts_with("http") => link,
        _ => t,
    };
    unescape_markdown(t)
        .replace("<br>", "\n")
        .trim()
        .to_string()
}

/// Removes markdown's backslash escapes (`\_` → `_`).
pub fn unescape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('_' | '*' | '|' | '`' | '<' | '>' | '[' | ']')) => {}
            _ => out.push(c),
        }
    }
    out
}

/// Text with every run of white space made one space, and trimmed.
fn collapse_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A dynamic value printed as a KQL literal (`['a', 8]`, `{'a': 1}`) or with unquoted
/// strings (`[yes, no]`), read as JSON; `TRUE`/`FALSE` are booleans.
fn lenient_json(s: &str) -> Option<serde_json::Value> {
    if !(s.starts_with('[') || s.starts_with('{')) {
        return match s {
            "TRUE" | "True" => Some(serde_json::Value::Bool(true)),
            "FALSE" | "False" => Some(serde_json::Value::Bool(false)),
            _ => None,
        };
    }
    if !s.contains('"')
        && let Ok(v) = serde_json::from_str(&s.replace('\'', "\""))
    {
        return Some(v);
    }
    // Quote bare words inside an array: `[yes, no, yes]`.
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    let items: Vec<serde_json::Value> = inner
        .split(',')
        .map(|w| {
            let w = w.trim();
            serde_json::from_str(w).unwrap_or_else(|_| serde_json::Value::String(w.to_string()))
        })
        .collect();
    Some(serde_json::Value::Array(items))
}

fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', "");
    t.parse::<f64>().ok()
}

/// Equal to the precision the page printed: `0.333` matches `0.33333333`.
fn close(doc: f64, ours: f64, doc_text: &str) -> bool {
    if doc == ours {
        return true;
    }
    let decimals = doc_text.trim().split_once('.').map_or(0, |(_, f)| {
        f.chars().take_while(char::is_ascii_digit).count()
    });
    let scale = 10f64.powi(decimals.min(15) as i32);
    let rounded = (ours * scale).round() / scale;
    (rounded - doc).abs() <= 1e-9 * doc.abs().max(1.0)
        || ((ours - doc).abs() <= 1e-6 * doc.abs().max(1.0))
}

fn json_equal(expected: &str, actual: &serde_json::Value) -> bool {
    let Ok(e) = serde_json::from_str::<serde_json::Value>(expected) else {
        // Some pages print dynamic strings unquoted.
        return actual.as_str().is_some_and(|s| s == expected);
    };
    json_values_equal(&e, actual)
}

fn json_values_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        // The documented number `a` may be printed to fewer decimals.
        (J::Number(x), J::Number(y)) => x
            .as_f64()
            .zip(y.as_f64())
            .is_some_and(|(d, o)| (d - o).abs() < 1e-9 || close(d, o, &x.to_string())),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_values_equal(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_values_equal(v, w)))
        }
        (J::String(s), other) | (other, J::String(s)) if !other.is_string() => {
            // A datetime or number rendered as a string on one side.
            serde_json::to_string(other).is_ok_and(|t| t == *s)
        }
        _ => a == b,
    }
}

/// Parses the datetime forms the pages use into nanoseconds.
fn datetime_nanos(s: &str) -> Option<i64> {
    kql_plan::parse_datetime_text(s.trim().trim_matches('"'))
}

fn same_datetime(doc: &str, ours: &str) -> bool {
    match (datetime_nanos(doc), datetime_nanos(ours)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `[-][d.]hh:mm:ss[.fffffff]` → nanoseconds.
pub fn timespan_nanos(s: &str) -> Option<i64> {
    let t = s.trim().trim_matches('"');
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (days, rest) = match t.split_once('.') {
        Some((d, r)) if !d.contains(':') => (d.parse::<i64>().ok()?, r),
        _ => (0, t),
    };
    let (hms, frac) = match rest.split_once('.') {
        Some((a, b)) => (a, b),
        None => (rest, ""),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    if parts.len() != 3 {
        return None;
    }
    let h: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let sec: i64 = parts[2].parse().ok()?;
    let mut nanos = 0i64;
    for (i, c) in frac.chars().take(9).enumerate() {
        nanos += i64::from(c.to_digit(10)?) * 10i64.pow(8 - i as u32);
    }
    let total = ((days * 24 + h) * 60 + m) * 60 + sec;
    let v = total * 1_000_000_000 + nanos;
    Some(if neg { -v } else { v })
}

fn same_timespan(doc: &str, ours: &str) -> bool {
    match (timespan_nanos(doc), timespan_nanos(ours)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Matches rows: in order when `ordered`, otherwise as a multiset.
pub fn rows_match(expected: &[Vec<String>], actual: &[Vec<Cell>], ordered: bool) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let row_eq = |e: &Vec<String>, a: &Vec<Cell>| {
        e.len() == a.len() && e.iter().zip(a).all(|(x, y)| cell_matches(x, y))
    };
    if ordered {
        return expected.iter().zip(actual).all(|(e, a)| row_eq(e, a));
    }
    let mut used = vec![false; actual.len()];
    'outer: for e in expected {
        for (i, a) in actual.iter().enumerate() {
            if !used[i] && row_eq(e, a) {
                used[i] = true;
                continue 'outer;
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_conventions() {
        assert!(cell_matches("1,750", &Cell::Long(1750)));
        assert!(cell_matches("1", &Cell::Bool(true)));
        assert!(cell_matches("", &Cell::Null));
        assert!(cell_matches("0.33", &Cell::Real(1.0 / 3.0)));
        assert!(!cell_matches("0.34", &Cell::Real(1.0 / 3.0)));
        assert!(cell_matches(
            "2020-02-02 20:02:20.0000000",
            &Cell::Text("2020-02-02T20:02:20Z".into())
        ));
        assert!(cell_matches("1.00:00:00", &Cell::Text("1.00:00:00".into())));
        assert!(cell_matches(
            "`{\"a\": [1, 2]}`",
            &Cell::Json(serde_json::json!({"a": [1, 2]}))
        ));
        assert!(!cell_matches("2", &Cell::Long(3)));
    }
}
