//! Tuning: named allow rules, written as KQL predicates over an alert rule's output row, and
//! evaluated by the engine itself over those rows.
//!
//! ```yaml
//! allow:
//!   - name: jenkins-docker-workflow
//!     rules: [t1609-container-admin-command]     # optional: every rule when absent
//!     when: InitiatingProcessFileName =~ "java" and InitiatingProcessCommandLine has "jenkins"
//!     owner: platform-team@example.com
//!     expires: 2026-12-31                       # optional; ignored (with a warning) after
//! ```
//!
//! A suppressed alert is never dropped silently: it is counted under the allow rule that
//! matched it first (in file order) and can be listed. An allow rule without `rules` that
//! names a column a rule's output lacks simply does not apply to that rule; one that lists
//! the rule explicitly is an error there.

use crate::alert::Alert;
use crate::load::Report;
use crate::rule::Rule;
use crate::run::RuleRun;
use crate::yaml_pos::{ScalarMap, find_list_item, yaml_error};
use arrow::array::{Array, Int64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use kql_diagnostics::{Diagnostic, RenderOptions};
use kql_engine::{Engine, QueryOptions, RegisteredTable};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// An allow rule's predicate does not parse, or its expiry is not a date.
pub const E_ALLOW: &str = "RULE0101";
/// An allow rule expired.
pub const W_EXPIRED: &str = "RULE0102";
/// An allow rule names a rule id that is not loaded.
pub const W_UNKNOWN_RULE: &str = "RULE0103";

const TABLE: &str = "__kqlhunt_alerts";
const ROW: &str = "__kqlhunt_row";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    allow: Vec<RawAllow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    when: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    expires: Option<String>,
}

/// One allow rule.
#[derive(Debug, Clone)]
pub struct AllowRule {
    /// Its name, shown in counts and on suppressed alerts.
    pub name: String,
    /// Why it exists.
    pub description: Option<String>,
    /// The rule ids it applies to (all when empty).
    pub rules: Vec<String>,
    /// The KQL predicate over the alert row.
    pub when: String,
    /// Who answers for it.
    pub owner: Option<String>,
    /// Last day it applies.
    pub expires: Option<chrono::NaiveDate>,
    map: Option<ScalarMap>,
}

/// A loaded suppression file.
#[derive(Debug, Clone)]
pub struct Suppressions {
    /// The file, for messages.
    pub path: String,
    text: String,
    /// Allow rules in force, in file order.
    pub entries: Vec<AllowRule>,
    /// Allow rules past their expiry date (ignored).
    pub expired: Vec<AllowRule>,
}

/// A suppression file that cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the suppression file has errors")]
pub struct SuppressionError {
    /// The diagnostics, against the file's text.
    pub report: Report,
}

impl SuppressionError {
    /// Rendered with the file name and carets.
    pub fn render(&self, color: bool) -> String {
        render_report(&self.report, color)
    }
}

/// Renders a report with file name and carets.
pub fn render_report(report: &Report, color: bool) -> String {
    let opts = RenderOptions {
        origin: report.origin.clone(),
        color,
    };
    kql_diagnostics::render_all(&report.diagnostics, &report.source, &opts)
}

impl Suppressions {
    /// Parses a suppression file; `today` decides which entries have expired.
    pub fn parse(
        path: &str,
        text: &str,
        today: chrono::NaiveDate,
    ) -> Result<Self, SuppressionError> {
        let fail = |diagnostics: Vec<Diagnostic>| SuppressionError {
            report: Report {
                origin: path.to_string(),
                source: text.to_string(),
                diagnostics,
            },
        };
        let raw: RawFile =
            serde_yaml::from_str(text).map_err(|e| fail(vec![yaml_error(&e, text)]))?;
        let mut diags = Vec::new();
        let mut entries = Vec::new();
        let mut expired = Vec::new();
        for (i, a) in raw.allow.into_iter().enumerate() {
            let item_at = find_list_item(text, "allow", i).unwrap_or(0);
            let map = ScalarMap::locate(text, "when", &a.when, item_at);
            if let Err(errs) = kql_syntax::parse_expression(&a.when) {
                for d in errs {
                    diags.push(match &map {
                        Some(m) => m.shift(d),
                        None => d,
                    });
                }
                continue;
            }
            let expires = match &a.expires {
                None => None,
                Some(s) => match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => {
                        diags.push(Diagnostic::error(
                            E_ALLOW,
                            format!(
                                "allow rule `{}`: `expires: {s}` is not a date (YYYY-MM-DD)",
                                a.name
                            ),
                            crate::yaml_pos::value_span(text, "expires", s),
                        ));
                        continue;
                    }
                },
            };
            let entry = AllowRule {
                name: a.name,
                description: a.description,
                rules: a.rules,
                when: a.when,
                owner: a.owner,
                expires,
                map,
            };
            if expires.is_some_and(|d| d < today) {
                expired.push(entry);
            } else {
                entries.push(entry);
            }
        }
        if !diags.is_empty() {
            return Err(fail(diags));
        }
        Ok(Self {
            path: path.to_string(),
            text: text.to_string(),
            entries,
            expired,
        })
    }

    /// Warnings to show when the file is used: expired entries, unknown rule ids.
    pub fn warnings(&self, known_rules: &[&str]) -> Option<Report> {
        let mut diags = Vec::new();
        for e in &self.expired {
            let expiry = e.expires.map(|d| d.to_string()).unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    W_EXPIRED,
                    format!("allow rule `{}` expired on {expiry} and is ignored", e.name),
                    crate::yaml_pos::value_span(&self.text, "expires", &expiry),
                )
                .with_help(match &e.owner {
                    Some(o) => format!("ask {o} to renew or remove it"),
                    None => "renew or remove it".to_string(),
                }),
            );
        }
        for e in &self.entries {
            for r in &e.rules {
                if !known_rules.contains(&r.as_str()) {
                    diags.push(Diagnostic::warning(
                        W_UNKNOWN_RULE,
                        format!(
                            "allow rule `{}` names rule `{r}`, which is not loaded",
                            e.name
                        ),
                        crate::yaml_pos::value_span(&self.text, "rules", r),
                    ));
                }
            }
        }
        (!diags.is_empty()).then(|| Report {
            origin: self.path.clone(),
            source: self.text.clone(),
            diagnostics: diags,
        })
    }

    /// Splits one rule's alerts into kept and suppressed ones.
    ///
    /// Binding errors of allow rules that name this rule come back in `Outcome::problems`.
    pub async fn apply(&self, rule: &Rule, run: RuleRun, now_nanos: i64) -> Outcome {
        let alerts = run.alerts;
        let mut outcome = Outcome::default();
        let applicable: Vec<&AllowRule> = self
            .entries
            .iter()
            .filter(|e| e.rules.is_empty() || e.rules.iter().any(|r| r == &rule.id))
            .collect();
        if applicable.is_empty() || alerts.is_empty() {
            outcome.kept = alerts;
            return outcome;
        }
        let engine = match alert_table(&run.columns, &run.batches) {
            Ok(e) => e,
            Err(message) => {
                outcome
                    .problems
                    .push(self.report(vec![Diagnostic::error_unlocated(E_ALLOW, message)]));
                outcome.kept = alerts;
                return outcome;
            }
        };
        let mut claimed: BTreeMap<usize, String> = BTreeMap::new();
        for entry in applicable {
            let prefix = format!("{TABLE}\n| where ");
            let text = format!("{prefix}{}\n| project {ROW}", entry.when);
            let rows = match engine.plan(&text, &QueryOptions::at(now_nanos)) {
                Ok(planned) => match engine.collect(&planned).await {
                    Ok(b) => row_indexes(&b),
                    Err(e) => {
                        let d = Diagnostic::error_unlocated(E_ALLOW, e.to_string());
                        outcome.problems.push(self.report(vec![d]));
                        continue;
                    }
                },
                Err(e) => {
                    let explicit = entry.rules.iter().any(|r| r == &rule.id);
                    let unknown_column = e.diagnostics().iter().all(|d| d.code == "KQL0301");
                    if explicit || !unknown_column {
                        let shift = u32::try_from(prefix.len()).unwrap_or(0);
                        let diags = e
                            .diagnostics()
                            .iter()
                            .map(|d| {
                                let d = d.clone();
                                let d = match d.span {
                                    Some(s) if s.start >= shift => Diagnostic {
                                        span: Some(kql_diagnostics::Span::new(
                                            s.start - shift,
                                            s.end.saturating_sub(shift),
                                        )),
                                        ..d
                                    },
                                    _ => Diagnostic { span: None, ..d },
                                };
                                let d = d.with_note(format!(
                                    "in allow rule `{}`, applied to rule `{}`",
                                    entry.name, rule.id
                                ));
                                match &entry.map {
                                    Some(m) => m.shift(d),
                                    None => d,
                                }
                            })
                            .collect();
                        outcome.problems.push(self.report(diags));
                    }
                    continue;
                }
            };
            for r in rows {
                claimed.entry(r).or_insert_with(|| entry.name.clone());
            }
        }
        for (i, mut alert) in alerts.into_iter().enumerate() {
            match claimed.get(&i) {
                Some(name) => {
                    *outcome.counts.entry(name.clone()).or_default() += 1;
                    alert.suppressed_by = Some(name.clone());
                    outcome.suppressed.push(alert);
                }
                None => outcome.kept.push(alert),
            }
        }
        outcome
    }

    /// Diagnostics against this file.
    fn report(&self, diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            origin: self.path.clone(),
            source: self.text.clone(),
            diagnostics,
        }
    }
}

/// The result of applying a suppression file to one rule's alerts.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Alerts no allow rule matched.
    pub kept: Vec<Alert>,
    /// Alerts an allow rule matched (with `suppressed_by` set).
    pub suppressed: Vec<Alert>,
    /// Suppressed alerts per allow rule.
    pub counts: BTreeMap<String, usize>,
    /// Allow rules that could not be evaluated against this rule.
    pub problems: Vec<Report>,
}

/// An engine holding the rule's output rows as a table, with each row's index.
fn alert_table(
    columns: &[kql_engine::OutputColumn],
    rows: &[RecordBatch],
) -> Result<Engine, String> {
    let Some(first) = rows.first() else {
        return Err("no rows".to_string());
    };
    let mut fields: Vec<Arc<Field>> = first.schema().fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new(ROW, DataType::Int64, false)));
    let schema = Arc::new(Schema::new(fields));
    let mut batches = Vec::new();
    let mut offset: i64 = 0;
    for b in rows {
        let n = i64::try_from(b.num_rows()).unwrap_or(0);
        let index: Int64Array = (offset..offset + n).collect();
        offset += n;
        let mut cols = b.columns().to_vec();
        cols.push(Arc::new(index));
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| e.to_string())?;
        batches.push(batch);
    }
    let mem = datafusion::catalog::MemTable::try_new(schema, vec![batches])
        .map_err(|e| e.strip_backtrace())?;
    let mut columns: Vec<(String, kql_syntax::ScalarType)> =
        columns.iter().map(|c| (c.name.clone(), c.ty)).collect();
    columns.push((ROW.to_string(), kql_syntax::ScalarType::Long));
    let mut engine = Engine::new();
    engine.register(
        TABLE,
        RegisteredTable {
            columns,
            provider: Arc::new(mem),
            nullable_strings: true,
        },
    );
    Ok(engine)
}

fn row_indexes(batches: &[RecordBatch]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for b in batches {
        let Some(col) = b.columns().first() else {
            continue;
        };
        let Some(ix) = col.as_any().downcast_ref::<Int64Array>() else {
            continue;
        };
        for i in 0..ix.len() {
            if ix.is_valid(i)
                && let Ok(v) = usize::try_from(ix.value(i))
            {
                out.insert(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn expired_entries_are_set_aside() {
        let text = "allow:\n  - name: old\n    when: A == 1\n    expires: 2026-01-31\n  - name: new\n    when: B == 2\n    expires: 2027-01-01\n";
        let s = Suppressions::parse("s.yaml", text, day("2026-03-10")).unwrap();
        assert_eq!(s.entries.len(), 1);
        assert_eq!(s.entries[0].name, "new");
        assert_eq!(s.expired.len(), 1);
        let w = s.warnings(&[]).unwrap();
        assert_eq!(w.diagnostics[0].code, W_EXPIRED);
        let shown = render_report(&w, false);
        assert!(shown.contains("--> s.yaml:4:14"), "{shown}");
    }

    #[test]
    fn a_bad_predicate_points_into_the_file() {
        let text =
            "allow:\n  - name: ok\n    when: A == 1\n  - name: broken\n    when: A == and B\n";
        let err = Suppressions::parse("s.yaml", text, day("2026-03-10")).unwrap_err();
        let shown = err.render(false);
        assert!(shown.contains("--> s.yaml:5:"), "{shown}");
        assert!(shown.contains("5 |     when: A == and B"), "{shown}");
    }
}
