//! Alerts: one result row of an alert rule, with the rule's metadata, the row's entities and
//! title, its score and, on request, the explanation of that score.

use crate::explain::{ExplainItem, PROBE_PREFIX, Probe, explain_row};
use crate::rule::{Confidence, Rule, RuleKind, Severity, template_fields};
use arrow::record_batch::RecordBatch;
use kql_engine::OutputColumn;
use kql_engine::format::cell;
use serde::Serialize;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One alert (or, for hunting rules, one lead).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Stable id: a hash of the rule id and the row (with `-N` for the N-th identical row),
    /// the same in every run over the same data.
    pub id: String,
    /// The rule.
    pub rule_id: String,
    /// The rule's title.
    pub rule_title: String,
    /// The alert's title, from the rule's template and the row.
    pub title: String,
    /// Alert or hunting lead.
    pub kind: RuleKind,
    /// The rule's severity, or the row's (see `severity_column`).
    pub severity: Severity,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// ATT&CK technique ids.
    pub mitre: Vec<String>,
    /// ATT&CK tactics.
    pub tactics: Vec<String>,
    /// The rule's score column for this row, or null when the rule has none.
    pub score: Option<serde_json::Number>,
    /// The row's time column (Kusto text form), if the rule has one.
    pub time: Option<String>,
    /// Entity kind → value.
    pub entities: BTreeMap<String, Value>,
    /// The rule's output row, values as Kusto writes them.
    pub row: Map<String, Value>,
    /// With `--explain`: the true sub-conditions and what each added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<ExplainItem>>,
    /// The allow rule that suppressed it (listed with `--show-suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

impl Alert {
    /// The score as a float, for sorting and thresholds.
    pub fn score_f64(&self) -> Option<f64> {
        self.score.as_ref().and_then(serde_json::Number::as_f64)
    }
}

/// Alerts of one rule's result batches. `columns` are the batches' columns (rule columns,
/// then any probe columns); probe columns feed the explanation and are left out of `row`.
pub fn alerts_from_batches(
    rule: &Rule,
    columns: &[OutputColumn],
    batches: &[RecordBatch],
    probes: Option<&[Probe]>,
) -> Vec<Alert> {
    let mut out: Vec<Alert> = Vec::new();
    // Identical rows (two events the rule's output cannot tell apart) get the same hash;
    // the second and later ones are told apart by their order: `<hash>-2`, `<hash>-3`.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for batch in batches {
        for r in 0..batch.num_rows() {
            let mut row = Map::new();
            let mut probe_values: BTreeMap<&str, Value> = BTreeMap::new();
            for (name, v) in row_values(columns, batch, r) {
                if name.starts_with(PROBE_PREFIX) {
                    probe_values.insert(name, v);
                } else {
                    row.insert(name.to_string(), v);
                }
            }
            let explain = probes.map(|ps| {
                let values: Vec<Value> = ps
                    .iter()
                    .map(|p| {
                        probe_values
                            .get(p.column.as_str())
                            .cloned()
                            .unwrap_or(Value::Null)
                    })
                    .collect();
                explain_row(ps, &values)
            });
            let mut alert = build(rule, row, explain);
            let n = seen.entry(alert.id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                alert.id = format!("{}-{n}", alert.id);
            }
            out.push(alert);
        }
    }
    out
}

/// Row `r` of `batch` as (column name, value as Kusto writes it) pairs.
pub fn row_values<'a>(
    columns: &'a [OutputColumn],
    batch: &'a RecordBatch,
    r: usize,
) -> impl Iterator<Item = (&'a str, Value)> + 'a {
    columns
        .iter()
        .zip(batch.columns())
        .map(move |(col, array)| (col.name.as_str(), cell(array.as_ref(), r, col.ty).to_json()))
}

/// An alert of `rule` for one output row.
pub fn build(rule: &Rule, row: Map<String, Value>, explain: Option<Vec<ExplainItem>>) -> Alert {
    let score = rule.score_column.as_ref().and_then(|c| match row.get(c) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    });
    let severity = rule
        .severity_column
        .as_ref()
        .and_then(|c| row.get(c))
        .and_then(Value::as_str)
        .and_then(Severity::parse)
        .unwrap_or(rule.severity);
    let time = rule
        .time_column
        .as_ref()
        .and_then(|c| row.get(c))
        .and_then(|v| v.as_str().map(str::to_string));
    let entities = rule
        .entities
        .iter()
        .filter_map(|(k, col)| {
            row.get(col)
                .filter(|v| !is_empty(v))
                .map(|v| (k.as_str().to_string(), v.clone()))
        })
        .collect();
    let title = match &rule.alert_title {
        Some(t) => render_title(t, &row),
        None => rule.title.clone(),
    };
    Alert {
        id: alert_id(&rule.id, &row),
        rule_id: rule.id.clone(),
        rule_title: rule.title.clone(),
        title,
        kind: rule.kind,
        severity,
        confidence: rule.confidence,
        mitre: rule.mitre.techniques.clone(),
        tactics: rule.mitre.tactics.clone(),
        score,
        time,
        entities,
        row,
        explain,
        suppressed_by: None,
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null) || v.as_str().is_some_and(str::is_empty)
}

/// `{Column}` placeholders replaced by the row's values (text as is, others as JSON).
pub fn render_title(template: &str, row: &Map<String, Value>) -> String {
    let mut out = template.to_string();
    for field in template_fields(template) {
        let value = match row.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out = out.replacen(&format!("{{{field}}}"), &value, 1);
    }
    out
}

/// 16 hex digits of FNV-1a over the rule id and the row's JSON.
pub fn alert_id(rule_id: &str, row: &Map<String, Value>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let row_text = serde_json::to_string(row).unwrap_or_default();
    for b in rule_id.bytes().chain([0u8]).chain(row_text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Most severe first, then highest score (rules without a score after), then newest, then by
/// rule and id so that the order is total.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(compare);
}

fn compare(a: &Alert, b: &Alert) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| match (a.score_f64(), b.score_f64()) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| b.time.cmp(&a.time))
        .then_with(|| a.rule_id.cmp(&b.rule_id))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn titles_fill_placeholders() {
        let r = row(json!({"FileName": "docker", "DeviceName": "node-1", "Score": 55}));
        assert_eq!(
            render_title("{FileName} exec on {DeviceName} ({Score}) {Missing}", &r),
            "docker exec on node-1 (55) "
        );
    }

    #[test]
    fn ids_are_stable_and_depend_on_rule_and_row() {
        let r = row(json!({"a": 1}));
        assert_eq!(alert_id("x", &r), alert_id("x", &r));
        assert_ne!(alert_id("x", &r), alert_id("y", &r));
        assert_ne!(alert_id("x", &r), alert_id("x", &row(json!({"a": 2}))));
        assert_eq!(alert_id("x", &r).len(), 16);
    }
}
