//! Running every rule's test cases, and the scenario × rule matrix `kqlhunt validate` prints.
//!
//! Each case reads its telemetry (any supported format, paths relative to the rule file),
//! runs the rule with `now()` at the case's `now` or the telemetry's newest event, and checks
//! the expectations: detect or miss, the alert count, rows with given values, and the count
//! left after a suppression file. Every alert's explanation is also checked to add up to its
//! score, so the pack's own tests keep `--explain` honest.

use crate::explain;
use crate::load::RuleSet;
use crate::rule::{Expect, Rule, TestCase};
use crate::run::{RunOptions, run_rule};
use crate::suppress::Suppressions;
use crate::window::event_range;
use kql_engine::Engine;
use kql_engine::telemetry::{Telemetry, load};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a case found, as shown in the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Alerts, as expected.
    Detected(usize),
    /// Alerts as expected, then the suppression file left `after` of them.
    Tuned {
        /// Alerts of the raw rule.
        raw: usize,
        /// Alerts left after suppression.
        after: usize,
    },
    /// No alert, as expected.
    ExpectedMiss,
    /// No alert, but alerts were expected.
    Missed,
    /// Alerts, but none were expected.
    FalseAlarm(usize),
    /// The case could not run.
    Error,
}

impl Cell {
    /// The matrix text.
    pub fn label(&self) -> String {
        match self {
            Cell::Detected(n) => format!("detected {n}"),
            Cell::Tuned { raw, after } => format!("tuned {raw}→{after}"),
            Cell::ExpectedMiss => "expected-miss".to_string(),
            Cell::Missed => "MISSED".to_string(),
            Cell::FalseAlarm(n) => format!("FALSE-ALARM {n}"),
            Cell::Error => "ERROR".to_string(),
        }
    }
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The rule.
    pub rule_id: String,
    /// The scenario.
    pub scenario: String,
    /// The matrix cell.
    pub cell: Cell,
    /// Expectations that failed (empty when the case passed).
    pub failures: Vec<String>,
}

impl CaseResult {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs the test cases of every rule in `set`.
pub async fn validate(set: &RuleSet, today: chrono::NaiveDate) -> Vec<CaseResult> {
    let mut cache: BTreeMap<Vec<PathBuf>, Result<Telemetry, String>> = BTreeMap::new();
    let mut out = Vec::new();
    for rule in &set.rules {
        for case in &rule.tests {
            let paths: Vec<PathBuf> = case
                .telemetry
                .iter()
                .map(|p| rule.base_dir().join(p))
                .collect();
            let telemetry = cache.entry(paths.clone()).or_insert_with(|| {
                load(&paths, &log_sources::ReadOptions::default()).map_err(|e| e.to_string())
            });
            let result = match telemetry {
                Ok(t) => run_case(rule, case, t, today).await,
                Err(e) => CaseResult {
                    rule_id: rule.id.clone(),
                    scenario: case.name.clone(),
                    cell: Cell::Error,
                    failures: vec![format!("cannot read the telemetry: {e}")],
                },
            };
            out.push(result);
        }
    }
    out
}

async fn run_case(
    rule: &Rule,
    case: &TestCase,
    telemetry: &Telemetry,
    today: chrono::NaiveDate,
) -> CaseResult {
    let mut result = CaseResult {
        rule_id: rule.id.clone(),
        scenario: case.name.clone(),
        cell: Cell::Error,
        failures: Vec::new(),
    };
    let mut engine = Engine::new();
    if let Err(e) = engine.register_telemetry(telemetry) {
        result
            .failures
            .push(format!("cannot register the telemetry: {e}"));
        return result;
    }
    engine.register_builtin_empty_tables();
    let now = case
        .now
        .as_deref()
        .and_then(kql_plan::parse_datetime_text)
        .or_else(|| event_range(&telemetry.tables).map(|(_, hi)| hi))
        .unwrap_or(0);
    let opts = RunOptions {
        now_nanos: now,
        explain: true,
    };
    let run = match run_rule(&engine, rule, &opts).await {
        Ok(r) => r,
        Err(e) => {
            result.failures.push(e.to_string());
            return result;
        }
    };
    let n = run.alerts.len();
    result.cell = match (case.expect, n) {
        (Expect::Detect, 0) => Cell::Missed,
        (Expect::Detect, n) => Cell::Detected(n),
        (Expect::Miss, 0) => Cell::ExpectedMiss,
        (Expect::Miss, n) => Cell::FalseAlarm(n),
    };
    match result.cell {
        Cell::Missed => result
            .failures
            .push("expected alerts, got none".to_string()),
        Cell::FalseAlarm(n) => result.failures.push(format!("expected no alert, got {n}")),
        _ => {}
    }
    if let Some(want) = case.alerts
        && want != n
    {
        result
            .failures
            .push(format!("expected {want} alert(s), got {n}"));
    }
    for want in &case.rows {
        if !run.alerts.iter().any(|a| row_matches(want, &a.row)) {
            let shown: Vec<String> = want
                .iter()
                .map(|(k, v)| format!("{k}={}", yaml_text(v)))
                .collect();
            result
                .failures
                .push(format!("no alert has {}", shown.join(", ")));
        }
    }
    for a in &run.alerts {
        if let (Some(items), Some(score)) = (&a.explain, a.score_f64())
            && (explain::total(items) - score).abs() > 1e-9
        {
            result.failures.push(format!(
                "alert {}: the explanation adds up to {}, the score is {score}",
                a.id,
                explain::total(items)
            ));
        }
    }
    if let (Some(file), Some(want)) = (&case.suppressions, case.after_suppression) {
        let path = rule.base_dir().join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                result
                    .failures
                    .push(format!("cannot read {}: {e}", path.display()));
                return result;
            }
        };
        match Suppressions::parse(&path.display().to_string(), &text, today) {
            Err(e) => result.failures.push(e.render(false)),
            Ok(sup) => {
                let outcome = sup.apply(rule, run, now).await;
                for p in &outcome.problems {
                    result
                        .failures
                        .push(crate::suppress::render_report(p, false));
                }
                let after = outcome.kept.len();
                if after != want {
                    result.failures.push(format!(
                        "expected {want} alert(s) after suppression, got {after}"
                    ));
                }
                if matches!(result.cell, Cell::Detected(_)) {
                    result.cell = Cell::Tuned { raw: n, after };
                }
            }
        }
    }
    result
}

/// True when every column of `want` has its value in `row`: numbers and booleans compare as
/// JSON values, and an expected string also matches a value whose text is that string.
pub fn row_matches(
    want: &BTreeMap<String, serde_yaml::Value>,
    row: &serde_json::Map<String, Value>,
) -> bool {
    want.iter().all(|(k, v)| {
        let Some(got) = row.get(k) else { return false };
        let want = serde_json::to_value(v).unwrap_or(Value::Null);
        match (&want, got) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Value::String(a), Value::String(b)) => a == b,
            (Value::String(a), other) => &other.to_string() == a,
            (a, b) => a == b,
        }
    })
}

fn yaml_text(v: &serde_yaml::Value) -> String {
    serde_json::to_value(v).map_or_else(|_| "?".to_string(), |j| j.to_string())
}

/// The matrix: one row per scenario (in first-seen order), one column per rule.
pub fn render_matrix(results: &[CaseResult], rule_ids: &[&str]) -> String {
    let mut scenarios: Vec<&str> = Vec::new();
    for r in results {
        if !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
    }
    let rules: Vec<&str> = rule_ids
        .iter()
        .copied()
        .filter(|id| results.iter().any(|r| r.rule_id == *id))
        .collect();
    let cell = |scenario: &str, rule: &str| -> String {
        results
            .iter()
            .find(|r| r.scenario == scenario && r.rule_id == rule)
            .map_or_else(
                || "-".to_string(),
                |r| {
                    let mark = if r.passed() { "" } else { " ✗" };
                    format!("{}{mark}", r.cell.label())
                },
            )
    };
    let headers: Vec<String> = (1..=rules.len()).map(|i| format!("[{i}]")).collect();
    let first_w = scenarios
        .iter()
        .map(|s| s.chars().count())
        .chain(["scenario".len()])
        .max()
        .unwrap_or(8);
    let widths: Vec<usize> = rules
        .iter()
        .zip(&headers)
        .map(|(rule, h)| {
            scenarios
                .iter()
                .map(|s| cell(s, rule).chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let mut out = String::new();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    out.push_str(&pad("scenario", first_w));
    for (h, w) in headers.iter().zip(&widths) {
        out.push_str("  ");
        out.push_str(&pad(h, *w));
    }
    out = out.trim_end().to_string();
    out.push('\n');
    for s in &scenarios {
        let mut line = pad(s, first_w);
        for (rule, w) in rules.iter().zip(&widths) {
            line.push_str("  ");
            line.push_str(&pad(&cell(s, rule), *w));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    for (i, r) in rules.iter().enumerate() {
        out.push_str(&format!("[{}] {r}\n", i + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_match_by_value_and_by_text() {
        let row = json!({"RiskScore": 55, "FileName": "docker", "IsShell": true, "T": "2026-01-01T00:00:00Z"});
        let row = row.as_object().unwrap();
        let want: BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str("{RiskScore: 55, FileName: docker, IsShell: true}").unwrap();
        assert!(row_matches(&want, row));
        let want: BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str("{RiskScore: \"55\"}").unwrap();
        assert!(row_matches(&want, row), "a string matches the value's text");
        let want: BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str("{RiskScore: 54}").unwrap();
        assert!(!row_matches(&want, row));
        let want: BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str("{Missing: 1}").unwrap();
        assert!(!row_matches(&want, row));
    }

    #[test]
    fn the_matrix_has_a_row_per_scenario_and_marks_failures() {
        let results = vec![
            CaseResult {
                rule_id: "a".into(),
                scenario: "s1".into(),
                cell: Cell::Detected(1),
                failures: vec![],
            },
            CaseResult {
                rule_id: "b".into(),
                scenario: "s1".into(),
                cell: Cell::Missed,
                failures: vec!["x".into()],
            },
            CaseResult {
                rule_id: "a".into(),
                scenario: "s2".into(),
                cell: Cell::ExpectedMiss,
                failures: vec![],
            },
        ];
        let m = render_matrix(&results, &["a", "b", "c"]);
        assert_eq!(
            m,
            "scenario  [1]            [2]\n\
             s1        detected 1     MISSED ✗\n\
             s2        expected-miss  -\n\
             \n[1] a\n[2] b\n"
        );
    }
}
