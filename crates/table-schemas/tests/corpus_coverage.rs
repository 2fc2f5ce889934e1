//! How much of a Sentinel query corpus names at least one built-in table.
//!
//! The corpus is a JSON-lines file of `{"source", "path", "query"}` records. Its path comes
//! from `KQLHUNT_SENTINEL_CORPUS`, or else `shared/corpus/sentinel-queries.jsonl` beside the
//! repository checkout. Without it the test reports that it skipped. It prints the count and
//! sets no threshold: the number is for watching coverage grow.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use table_schemas::builtin_tables;

fn corpus_path() -> PathBuf {
    match std::env::var_os("KQLHUNT_SENTINEL_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/sentinel-queries.jsonl"),
    }
}

/// KQL identifiers in a query (letters, digits, `_`, not starting with a digit).
fn identifiers(query: &str) -> impl Iterator<Item = &str> {
    query
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

#[test]
fn corpus_queries_naming_a_built_in_table() {
    let path = corpus_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("corpus not found at {}: skipped", path.display());
        return;
    };
    let names: HashSet<&str> = builtin_tables().iter().map(|t| t.name.as_str()).collect();
    let mut total = 0usize;
    let mut covered = 0usize;
    let mut per_table: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
        let Some(query) = record.get("query").and_then(|q| q.as_str()) else {
            continue;
        };
        total += 1;
        let found: HashSet<&str> = identifiers(query)
            .filter_map(|w| names.get(w).copied())
            .collect();
        if !found.is_empty() {
            covered += 1;
        }
        for t in found {
            *per_table.entry(t).or_default() += 1;
        }
    }
    println!(
        "{covered} of {total} corpus queries name at least one of the {} built-in tables",
        names.len()
    );
    let mut top: Vec<_> = per_table.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (table, n) in top.iter().take(25) {
        println!("  {n:5}  {table}");
    }
}
