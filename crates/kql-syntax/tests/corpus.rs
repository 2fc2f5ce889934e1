//! Every real Sentinel query must parse (or be listed, with a reason, as a known failure), and
//! every parsed query must print and parse back to the same tree. The documentation examples
//! of the Kusto reference are checked the same way.
//!
//! The corpora live outside the repository (`../shared`); when they are absent the tests say
//! so and pass. Set `KQLHUNT_BLESS=1` to rewrite the known-failure lists from the current
//! failures (then review the reasons by hand).

// Helpers outside `#[test]` functions abort on malformed fixtures, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kql_syntax::{ClearSpans, parse_query};
use std::collections::BTreeMap;
use std::path::Path;

const SENTINEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/sentinel-queries.jsonl"
);
const DOCS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/kql-docs-examples.jsonl"
);
const SENTINEL_KNOWN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/corpus-known-failures.txt"
);
const DOCS_KNOWN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/docs-known-failures.txt");

/// (key, query) pairs of a JSON-lines corpus, or `None` if the file is absent.
fn load(path: &str, key: impl Fn(&serde_json::Value) -> String) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).ok()?;
    let rows = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("corpus line is JSON");
            let q = v["query"].as_str().expect("query field").to_string();
            (key(&v), q)
        })
        .collect();
    Some(rows)
}

/// The known-failure list: key → reason.
fn known(path: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, r) = l.split_once('\t').unwrap_or((l, ""));
            (k.to_string(), r.to_string())
        })
        .collect()
}

struct Outcome {
    total: usize,
    failures: BTreeMap<String, String>,
    round_trip_errors: Vec<String>,
}

fn run(rows: &[(String, String)]) -> Outcome {
    let mut failures = BTreeMap::new();
    let mut round_trip_errors = Vec::new();
    for (key, q) in rows {
        match parse_query(q) {
            Ok(ast) => {
                let printed = ast.to_string();
                match parse_query(&printed) {
                    Ok(again) => {
                        if again.without_spans() != ast.without_spans() {
                            round_trip_errors.push(format!("{key}: tree changed\n{printed}"));
                        } else if again.to_string() != printed {
                            round_trip_errors.push(format!("{key}: printing is not stable"));
                        }
                    }
                    Err(d) => round_trip_errors.push(format!(
                        "{key}: printed text does not parse: {}\n{printed}",
                        d[0]
                    )),
                }
            }
            Err(diags) => {
                let first = &diags[0];
                let at = first
                    .span
                    .map(|s| {
                        let end = (s.end as usize).min(q.len()).max(s.start as usize);
                        q.get(s.start as usize..end).unwrap_or("").to_string()
                    })
                    .unwrap_or_default();
                failures.insert(
                    key.clone(),
                    format!(
                        "{}: {} (at `{}`)",
                        first.code,
                        first.message,
                        at.replace(['\n', '\t'], " ")
                    ),
                );
            }
        }
    }
    Outcome {
        total: rows.len(),
        failures,
        round_trip_errors,
    }
}

fn check(name: &str, rows: &[(String, String)], known_path: &str, min_rate: f64) {
    let out = run(rows);
    let parsed = out.total - out.failures.len();
    let rate = parsed as f64 / out.total as f64;
    println!(
        "{name}: {parsed}/{} parse ({:.2}%)",
        out.total,
        rate * 100.0
    );
    if std::env::var_os("KQLHUNT_BLESS").is_some() {
        let mut text =
            String::from("# Queries that kqlhunt does not parse: key, a tab, and the reason.\n");
        for (k, r) in &out.failures {
            text.push_str(&format!("{k}\t{r}\n"));
        }
        std::fs::write(known_path, text).expect("write known failures");
    }
    let known = known(known_path);
    let unlisted: Vec<String> = out
        .failures
        .iter()
        .filter(|(k, _)| !known.contains_key(*k))
        .map(|(k, r)| format!("{k}\t{r}"))
        .collect();
    let fixed: Vec<&String> = known
        .keys()
        .filter(|k| !out.failures.contains_key(*k))
        .collect();
    assert!(
        out.round_trip_errors.is_empty(),
        "{name}: {} queries do not round-trip:\n{}",
        out.round_trip_errors.len(),
        out.round_trip_errors.join("\n\n")
    );
    assert!(
        unlisted.is_empty(),
        "{name}: failures missing from {known_path}:\n{}",
        unlisted.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "{name}: listed as failing but now parse (remove them from {known_path}):\n{fixed:?}"
    );
    assert!(
        rate >= min_rate,
        "{name}: parse rate {:.2}% is below {:.0}%",
        rate * 100.0,
        min_rate * 100.0
    );
}

#[test]
fn sentinel_corpus_parses_and_round_trips() {
    let Some(rows) = load(SENTINEL, |v| v["path"].as_str().unwrap_or("").to_string()) else {
        eprintln!("skipping: {SENTINEL} not found");
        return;
    };
    assert_eq!(rows.len(), 2231, "the corpus has 2,231 queries");
    check("sentinel corpus", &rows, SENTINEL_KNOWN, 0.99);
}

#[test]
fn docs_examples_parse_and_round_trip() {
    let Some(rows) = load(DOCS, |v| {
        format!("{}:{}", v["page"].as_str().unwrap_or(""), v["line"])
    }) else {
        eprintln!("skipping: {DOCS} not found");
        return;
    };
    check("docs examples", &rows, DOCS_KNOWN, 0.98);
}

#[test]
fn seed_rule_parses_and_round_trips() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/t1609/container_admin_command.kql");
    let src = std::fs::read_to_string(&path).expect("seed rule is in the repository");
    let ast = parse_query(&src).unwrap_or_else(|d| panic!("seed rule: {d:?}"));
    // Three `let`s and the query.
    assert_eq!(ast.statements.len(), 4);
    let printed = ast.to_string();
    let again = parse_query(&printed).expect("printed seed rule parses");
    assert_eq!(again.without_spans(), ast.without_spans());
    assert!(printed.contains("\n| where RiskScore >= 25\n"), "{printed}");
    assert!(
        printed.ends_with("| sort by RiskScore desc, TimeGenerated desc"),
        "{printed}"
    );
}
