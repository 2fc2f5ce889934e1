//! SARIF 2.1.0 output, so alerts land in tools that read static-analysis results (GitHub code
//! scanning, IDE viewers) with the rule's metadata: description, false positives and tuning as
//! help, ATT&CK ids as tags, severity as `security-severity`.

use crate::alert::Alert;
use crate::rule::{Rule, Severity};
use serde_json::{Value, json};

/// SARIF `level` of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

/// The `security-severity` number GitHub reads (0–10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    let mut help = r.description.clone();
    if !r.false_positives.is_empty() {
        help.push_str("\n\nFalse positives:\n");
        for fp in &r.false_positives {
            help.push_str(&format!("- {fp}\n"));
        }
    }
    if !r.tuning.is_empty() {
        help.push_str("\nTuning:\n");
        for t in &r.tuning {
            help.push_str(&format!("- {t}\n"));
        }
    }
    let mut tags: Vec<String> = vec!["security".to_string()];
    tags.extend(
        r.mitre
            .techniques
            .iter()
            .map(|t| format!("mitre-attack/{t}")),
    );
    tags.extend(
        r.mitre
            .tactics
            .iter()
            .map(|t| format!("mitre-attack/tactic/{t}")),
    );
    json!({
        "id": r.id,
        "name": r.title,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.description},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "tags": tags,
            "security-severity": security_severity(r.severity),
            "precision": r.confidence.as_str(),
            "kind": r.kind,
            "tables": r.tables,
        }
    })
}

/// A SARIF log with one run: `rules` as the driver's rules, `alerts` as results.
pub fn sarif(rules: &[&Rule], alerts: &[Alert], version: &str) -> Value {
    let results: Vec<Value> = alerts
        .iter()
        .map(|a| {
            let index = rules.iter().position(|r| r.id == a.rule_id);
            let locations: Vec<Value> = a
                .entities
                .iter()
                .map(|(kind, v)| {
                    let name = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    json!({"logicalLocations": [{"name": name, "kind": kind}]})
                })
                .collect();
            let mut result = json!({
                "ruleId": a.rule_id,
                "level": level(a.severity),
                "message": {"text": a.title},
                "partialFingerprints": {"kqlhuntAlertId/v1": a.id},
                "properties": {
                    "severity": a.severity,
                    "score": a.score,
                    "time": a.time,
                    "entities": a.entities,
                    "row": a.row,
                    "explain": a.explain.as_ref().map(|items| items.iter().map(ToString::to_string).collect::<Vec<_>>()),
                }
            });
            if let Some(obj) = result.as_object_mut() {
                if let Some(i) = index {
                    obj.insert("ruleIndex".into(), json!(i));
                }
                if !locations.is_empty() {
                    obj.insert("locations".into(), Value::Array(locations));
                }
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kqlhunt",
                "version": version,
                "informationUri": "https://github.com/kqlhunt/kqlhunt",
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }},
            "results": results,
            "invocations": [{"executionSuccessful": true}],
        }]
    })
}
