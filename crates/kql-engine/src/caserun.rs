//! Runs case files (see [`crate::casefile`]) against a fresh engine per file.

use crate::casefile::{self, Case, Record};
use crate::format::cell;
use crate::{Engine, QueryError, QueryOptions};
use std::path::Path;

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// Line of the case in its file.
    pub line: usize,
    /// What the engine produced, in expected-block form.
    pub actual: String,
    /// Whether it matched the expectation.
    pub passed: bool,
}

/// Runs every case of one file. With `bless`, rewrites the file's expected blocks with the
/// actual output and reports every case as passed.
pub async fn run_file(path: &Path, bless: bool) -> Result<Vec<CaseOutcome>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut records = casefile::parse(&text).map_err(|e| format!("{}:{e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut engine = Engine::new();
    let mut outcomes = Vec::new();
    for r in &mut records {
        match r {
            Record::Table {
                name,
                path: p,
                line,
            } => {
                engine
                    .register_file(name, &dir.join(&*p))
                    .await
                    .map_err(|e| format!("{}:{line}: {e}", path.display()))?;
            }
            Record::Query(case) => {
                let actual = run_case(&engine, case).await;
                let passed = bless || matches(case, &actual);
                if bless {
                    case.expected = actual.clone();
                }
                outcomes.push(CaseOutcome {
                    line: case.line,
                    actual,
                    passed,
                });
            }
        }
    }
    if bless {
        let cases: Vec<&casefile::Case> = records
            .iter()
            .filter_map(|r| match r {
                Record::Query(c) => Some(c),
                Record::Table { .. } => None,
            })
            .collect();
        std::fs::write(path, casefile::rewrite_expected(&text, &cases))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(outcomes)
}

/// Runs one case and renders its result in expected-block form.
pub async fn run_case(engine: &Engine, case: &Case) -> String {
    let now = case
        .now
        .as_deref()
        .and_then(kql_plan::parse_datetime_text)
        .unwrap_or(0);
    let options = QueryOptions::at(now);
    let planned = match engine.prepare(&case.query, &options).await {
        Ok(p) => p,
        Err(e) => return render_error(&e, &case.query),
    };
    let batches = match engine.collect(&planned).await {
        Ok(b) => b,
        Err(e) => return render_error(&e, &case.query),
    };
    let mut out = planned
        .bound
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.ty))
        .collect::<Vec<_>>()
        .join(", ");
    for b in &batches {
        for row in 0..b.num_rows() {
            let values: Vec<serde_json::Value> = b
                .columns()
                .iter()
                .zip(&planned.bound.columns)
                .map(|(a, c)| cell(a.as_ref(), row, c.ty).to_json())
                .collect();
            out.push('\n');
            out.push_str(&serde_json::Value::Array(values).to_string());
        }
    }
    out
}

fn render_error(e: &QueryError, query: &str) -> String {
    match e {
        QueryError::Execution(m) => format!("execution error: {m}"),
        _ => {
            let opts = kql_diagnostics::RenderOptions {
                origin: "query".into(),
                color: false,
            };
            kql_diagnostics::render_all(e.diagnostics(), query, &opts)
                .trim_end()
                .to_string()
        }
    }
}

/// Compares actual output with a case's expectation (rows as a multiset unless ordered).
pub fn matches(case: &Case, actual: &str) -> bool {
    let norm = |s: &str| -> Vec<String> { s.lines().map(|l| l.trim_end().to_string()).collect() };
    let (exp, act) = (norm(&case.expected), norm(actual));
    if case.error_code.is_some() {
        let code_ok = act.first().is_some_and(|l| {
            case.error_code
                .as_ref()
                .is_some_and(|c| l.contains(&format!("[{c}]")))
        });
        return code_ok && exp == act;
    }
    if case.ordered {
        return exp == act;
    }
    let (Some((eh, er)), Some((ah, ar))) = (exp.split_first(), act.split_first()) else {
        return exp == act;
    };
    let mut er = er.to_vec();
    let mut ar = ar.to_vec();
    er.sort();
    ar.sort();
    eh == ah && er == ar
}
