//! Running one rule over an engine that holds the telemetry.

use crate::alert::{Alert, alerts_from_batches};
use crate::explain::{self, PROBE_PREFIX};
use crate::rule::Rule;
use arrow::record_batch::RecordBatch;
use kql_diagnostics::Diagnostic;
use kql_engine::{Engine, OutputColumn, QueryOptions};

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// `now()` in nanoseconds since the epoch.
    pub now_nanos: i64,
    /// Compute score explanations.
    pub explain: bool,
}

/// What one rule produced.
#[derive(Debug, Clone)]
pub struct RuleRun {
    /// One alert per output row, in the rule's output order.
    pub alerts: Vec<Alert>,
    /// The rule's output columns.
    pub columns: Vec<OutputColumn>,
    /// The rule's output (its own columns only), row `i` being `alerts[i]`.
    pub batches: Vec<RecordBatch>,
    /// Why there is no explanation, when one was asked for and could not be made.
    pub explain_note: Option<String>,
}

/// Why a rule did not run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The query did not plan against the registered tables.
    #[error("the rule's query could not be planned: {}", first(.0))]
    Plan(Vec<Diagnostic>),
    /// Execution failed.
    #[error("the rule's query failed: {0}")]
    Execution(String),
}

fn first(d: &[Diagnostic]) -> String {
    d.first().map_or_else(String::new, |d| d.message.clone())
}

/// Runs `rule`, with probe columns when an explanation is asked for (falling back to the
/// plain query, with a note, if the rule's score cannot be explained).
pub async fn run_rule(
    engine: &Engine,
    rule: &Rule,
    opts: &RunOptions,
) -> Result<RuleRun, RunError> {
    let qopts = QueryOptions::at(opts.now_nanos);
    let mut note = None;
    let mut chosen = None;
    if opts.explain {
        match &rule.score_column {
            None => note = Some("the rule has no score column".to_string()),
            Some(score) => match explain::instrument(&rule.query, score) {
                Ok(ins) => match engine.plan(&ins.text, &qopts) {
                    Ok(planned) => chosen = Some((planned, Some(ins.probes))),
                    Err(e) => {
                        note = Some(format!(
                            "the explaining query did not plan: {}",
                            first(e.diagnostics())
                        ));
                    }
                },
                Err(e) => note = Some(e.to_string()),
            },
        }
    }
    let (planned, probes) = match chosen {
        Some(c) => c,
        None => {
            let planned = engine
                .plan(&rule.query, &qopts)
                .map_err(|e| RunError::Plan(e.diagnostics().to_vec()))?;
            (planned, None)
        }
    };
    let batches = engine
        .collect(&planned)
        .await
        .map_err(|e| RunError::Execution(e.to_string()))?;
    let alerts = alerts_from_batches(rule, &planned.bound.columns, &batches, probes.as_deref());
    let keep: Vec<usize> = planned
        .bound
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.name.starts_with(PROBE_PREFIX))
        .map(|(i, _)| i)
        .collect();
    let columns = keep
        .iter()
        .filter_map(|&i| planned.bound.columns.get(i).cloned())
        .collect();
    let batches = batches
        .iter()
        .map(|b| b.project(&keep))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| RunError::Execution(e.to_string()))?;
    Ok(RuleRun {
        alerts,
        columns,
        batches,
        explain_note: note,
    })
}
