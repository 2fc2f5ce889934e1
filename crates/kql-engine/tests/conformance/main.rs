//! Conformance with the KQL documentation: every self-contained example of the official
//! reference (`../shared/conformance/kql-docs-examples.jsonl`, from
//! MicrosoftDocs/dataexplorer-docs, CC BY 4.0) is run and its output compared with the table
//! the page prints (see `compare.rs` for how printed values are read).
//!
//! The test fails when an example fails that is not listed in `known-failures.txt` (a
//! regression), or when a listed example now passes (so the list stays honest). Run with
//! `KQLHUNT_BLESS=1` to rewrite the list and `docs/conformance.md` (pass rates per operator
//! and function) from the current results.

mod compare;

use compare::rows_match;
use kql_engine::format::{Cell, cell};
use kql_engine::{Engine, QueryError, QueryOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// The pass rate must not fall below this (raised as kqlhunt improves).
const MIN_PASS_RATE: f64 = 0.85;

#[derive(serde::Deserialize)]
struct Example {
    page: String,
    line: u64,
    query: String,
    expected_columns: Vec<String>,
    expected_rows: Vec<Vec<String>>,
    truncated: bool,
    #[serde(default)]
    notes: Vec<String>,
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples_path() -> PathBuf {
    manifest().join("../../../shared/conformance/kql-docs-examples.jsonl")
}

fn known_path() -> PathBuf {
    manifest().join("tests/conformance/known-failures.txt")
}

/// Examples whose output depends on the clock or randomness cannot be compared.
fn nondeterministic(e: &Example) -> bool {
    let q = e.query.to_ascii_lowercase();
    e.notes
        .iter()
        .any(|n| n.to_ascii_lowercase().contains("nondeterministic"))
        || ["now(", "ago(", "rand(", "new_guid(", "current_"]
            .iter()
            .any(|f| q.contains(f))
}

/// Tabular operators and function names a query uses (by token scan), for the report.
fn features(query: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ops = BTreeSet::new();
    let mut funcs = BTreeSet::new();
    let bytes: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut after_pipe = true;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '|' {
            after_pipe = true;
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            // Skip string literals.
            let q = c;
            i += 1;
            while i < bytes.len() && bytes[i] != q {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_alphanumeric() || bytes[i] == '_' || bytes[i] == '-')
            {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            let mut j = i;
            while j < bytes.len() && bytes[j] == ' ' {
                j += 1;
            }
            if after_pipe {
                ops.insert(word.clone());
            } else if j < bytes.len() && bytes[j] == '(' && !word.contains('-') {
                funcs.insert(word.clone());
            }
            if matches!(word.as_str(), "datatable" | "print" | "range" | "union") && start == 0 {
                ops.insert(word);
            }
            after_pipe = false;
            continue;
        }
        if !c.is_whitespace() {
            after_pipe = false;
        }
        i += 1;
    }
    (ops, funcs)
}

fn ends_ordered(query: &str) -> bool {
    let last = query.rsplit('|').next().unwrap_or("").trim_start();
    ["sort ", "order ", "top ", "sort\n", "order\n"]
        .iter()
        .any(|p| last.starts_with(p))
}

async fn run_one(engine: &Engine, e: &Example) -> Result<(), String> {
    let planned = engine
        .prepare(&e.query, &QueryOptions::at(0))
        .await
        .map_err(|err| reason(&err))?;
    let batches =
        match tokio::time::timeout(Duration::from_secs(20), engine.collect(&planned)).await {
            Ok(r) => r.map_err(|err| reason(&err))?,
            Err(_) => return Err("timed out after 20 s".into()),
        };
    let names: Vec<&str> = planned
        .bound
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    // Some pages wrap column names in backticks or escape markdown characters (`\_`).
    let expected_names: Vec<String> = e
        .expected_columns
        .iter()
        .map(|c| compare::unescape_markdown(c.trim().trim_matches('`')))
        .collect();
    if names != expected_names {
        return Err(format!(
            "columns differ: expected {:?}, got {:?}",
            e.expected_columns, names
        ));
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for b in &batches {
        for r in 0..b.num_rows() {
            rows.push(
                b.columns()
                    .iter()
                    .zip(&planned.bound.columns)
                    .map(|(a, c)| cell(a.as_ref(), r, c.ty))
                    .collect(),
            );
        }
    }
    if rows_match(&e.expected_rows, &rows, ends_ordered(&e.query)) {
        Ok(())
    } else {
        let shown: Vec<Vec<String>> = rows
            .iter()
            .take(5)
            .map(|r| r.iter().map(Cell::to_text).collect())
            .collect();
        Err(format!(
            "wrong result: expected {} row(s) {:?}, got {} row(s) {:?}",
            e.expected_rows.len(),
            e.expected_rows.iter().take(5).collect::<Vec<_>>(),
            rows.len(),
            shown
        ))
    }
}

fn reason(err: &QueryError) -> String {
    match err {
        QueryError::Execution(m) => format!("execution error: {}", m.lines().next().unwrap_or("")),
        _ => err
            .diagnostics()
            .first()
            .map_or_else(|| err.to_string(), |d| format!("{}: {}", d.code, d.message)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documentation_examples() {
    let Ok(text) = std::fs::read_to_string(examples_path()) else {
        eprintln!("skipped: {} not found", examples_path().display());
        return;
    };
    let bless = std::env::var_os("KQLHUNT_BLESS").is_some();
    let examples: Vec<Example> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let engine = Engine::new();
    let mut results: Vec<(String, Result<(), String>, BTreeSet<String>)> = Vec::new();
    let mut skipped = 0;
    for e in &examples {
        if e.truncated || nondeterministic(e) {
            skipped += 1;
            continue;
        }
        let key = format!(
            "{}:{}",
            e.page.trim_start_matches("data-explorer/kusto/query/"),
            e.line
        );
        let (ops, funcs) = features(&e.query);
        let tags: BTreeSet<String> = ops
            .into_iter()
            .map(|o| format!("op {o}"))
            .chain(funcs.into_iter().map(|f| format!("fn {f}")))
            .collect();
        let outcome = run_one(&engine, e).await;
        results.push((key, outcome, tags));
    }
    let total = results.len();
    let passed = results.iter().filter(|r| r.1.is_ok()).count();
    let rate = passed as f64 / total.max(1) as f64;
    eprintln!(
        "KQL documentation examples: {passed}/{total} pass ({:.1}%), {skipped} skipped",
        rate * 100.0
    );

    let failing: BTreeMap<&str, &str> = results
        .iter()
        .filter_map(|(k, r, _)| r.as_ref().err().map(|why| (k.as_str(), why.as_str())))
        .collect();
    if bless {
        let mut list = String::from(
            "# Documentation examples kqlhunt does not pass yet, with the reason.\n# Regenerate with KQLHUNT_BLESS=1 cargo test -p kql-engine --test conformance\n",
        );
        for (k, why) in &failing {
            let _ = writeln!(list, "{k}\t{}", why.replace(['\n', '\t'], " "));
        }
        std::fs::write(known_path(), list).unwrap();
        std::fs::write(
            manifest().join("../../docs/conformance.md"),
            report(&results, passed, total, skipped),
        )
        .unwrap();
        return;
    }
    let known_text = std::fs::read_to_string(known_path()).unwrap_or_default();
    let known: BTreeSet<&str> = known_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect();
    let new_failures: Vec<String> = failing
        .iter()
        .filter(|(k, _)| !known.contains(*k))
        .map(|(k, why)| format!("{k}: {why}"))
        .collect();
    let now_passing: Vec<&str> = results
        .iter()
        .filter(|(k, r, _)| r.is_ok() && known.contains(k.as_str()))
        .map(|(k, _, _)| k.as_str())
        .collect();
    assert!(
        new_failures.is_empty(),
        "examples that fail and are not known failures:\n{}",
        new_failures.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "examples listed as failing now pass; re-bless the list (KQLHUNT_BLESS=1):\n{}",
        now_passing.join("\n")
    );
    assert!(
        rate >= MIN_PASS_RATE,
        "pass rate {rate:.3} fell below {MIN_PASS_RATE}"
    );
}

fn report(
    results: &[(String, Result<(), String>, BTreeSet<String>)],
    passed: usize,
    total: usize,
    skipped: usize,
) -> String {
    let mut by_tag: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, r, tags) in results {
        for t in tags {
            let e = by_tag.entry(t.as_str()).or_default();
            e.1 += 1;
            if r.is_ok() {
                e.0 += 1;
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "# Conformance with the KQL documentation\n");
    let _ = writeln!(
        out,
        "Generated by `KQLHUNT_BLESS=1 cargo test -p kql-engine --test conformance` from the self-contained examples of the official KQL reference (MicrosoftDocs/dataexplorer-docs, CC BY 4.0). Truncated and nondeterministic examples are skipped.\n"
    );
    let _ = writeln!(
        out,
        "**{passed} of {total} examples pass ({:.1}%)**; {skipped} skipped. Failing examples and their reasons: `crates/kql-engine/tests/conformance/known-failures.txt`.\n",
        passed as f64 * 100.0 / total.max(1) as f64
    );
    for (title, prefix) in [("Operators", "op "), ("Functions", "fn ")] {
        let _ = writeln!(
            out,
            "## {title}\n\n| name | pass | examples |\n|---|---|---|"
        );
        for (tag, (p, n)) in &by_tag {
            if let Some(name) = tag.strip_prefix(prefix) {
                let _ = writeln!(out, "| `{name}` | {p} | {n} |");
            }
        }
        out.push('\n');
    }
    out
}
