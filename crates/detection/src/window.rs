//! Time windows: how far back a rule looks (`ago(1d)`), and how old the telemetry is.
//!
//! Rules written for Sentinel filter on `TimeGenerated > ago(...)`, so replaying exported
//! logs with the wall clock as `now()` silently finds nothing. These helpers let `scan` see
//! that coming, say so, and pick a better `now()`.

use crate::ast::{lets, walk_query};
use arrow::array::{Array, TimestampNanosecondArray};
use arrow::record_batch::RecordBatch;
use kql_syntax::{ExprKind, Literal, LiteralKind};
use std::collections::BTreeMap;

/// The longest `ago(<timespan>)` in a query (literal or `let` of a literal), in nanoseconds.
pub fn lookback_nanos(query_text: &str) -> Option<i64> {
    let query = kql_syntax::parse_query(query_text).ok()?;
    let lets = lets(&query);
    let mut longest: Option<i64> = None;
    walk_query(&query, &mut |e| {
        let ExprKind::Call(c) = &e.kind else { return };
        if c.name.name != "ago" {
            return;
        }
        let Some(arg) = c.args.first().map(|a| &a.value) else {
            return;
        };
        let arg = match &arg.kind {
            ExprKind::Name(id) => lets.get(&id.name).copied().unwrap_or(arg),
            _ => arg,
        };
        if let ExprKind::Literal(Literal {
            kind: LiteralKind::Timespan(ticks),
            ..
        }) = &arg.kind
        {
            let nanos = ticks.saturating_mul(100);
            longest = Some(longest.map_or(nanos, |l| l.max(nanos)));
        }
    });
    longest
}

/// The oldest and newest `TimeGenerated` (else `Timestamp`) over all tables' batches.
pub fn event_range(tables: &BTreeMap<&'static str, Vec<RecordBatch>>) -> Option<(i64, i64)> {
    tables
        .values()
        .flatten()
        .filter_map(batch_range)
        .fold(None, |r, b| Some(widen(r, b)))
}

/// `range` (if any) widened to take in `(lo, hi)`.
pub fn widen(range: Option<(i64, i64)>, (lo, hi): (i64, i64)) -> (i64, i64) {
    range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi)))
}

/// The oldest and newest `TimeGenerated` (else `Timestamp`) of one batch.
pub fn batch_range(b: &RecordBatch) -> Option<(i64, i64)> {
    let schema = b.schema();
    let idx = schema
        .index_of("TimeGenerated")
        .or_else(|_| schema.index_of("Timestamp"))
        .ok()?;
    let ts = b
        .columns()
        .get(idx)?
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()?;
    Some((arrow::compute::min(ts)?, arrow::compute::max(ts)?))
}

/// `1d`, `12h`, `30m`, `45s`, `2d12h`: a duration on the command line, in nanoseconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit: i64 = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: i64 = num.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?.checked_mul(1_000_000_000)?)?;
        num.clear();
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

/// `1d`, `36h`, `90m` for a window in nanoseconds.
pub fn format_duration(nanos: i64) -> String {
    let secs = nanos / 1_000_000_000;
    if secs % 86_400 == 0 {
        format!("{}d", secs / 86_400)
    } else if secs % 3_600 == 0 {
        format!("{}h", secs / 3_600)
    } else if secs % 60 == 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookback_is_the_longest_ago() {
        let q = "let w = 2d; T | where t > ago(1d) | join (U | where t > ago(w)) on k";
        assert_eq!(lookback_nanos(q), Some(2 * 86_400 * 1_000_000_000));
        assert_eq!(lookback_nanos("T | take 1"), None);
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("1d"), Some(86_400_000_000_000));
        assert_eq!(parse_duration("2h30m"), Some(9_000_000_000_000));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("1w"), None);
        assert_eq!(format_duration(86_400_000_000_000), "1d");
        assert_eq!(format_duration(5_400_000_000_000), "90m");
    }
}
