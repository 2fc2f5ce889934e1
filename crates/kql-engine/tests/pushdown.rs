//! Filter pushdown never changes a result: random DeviceProcessEvents rows (escaped strings,
//! `\u` escapes, `\/`, case variants, non-ASCII) and random filters built from the string
//! operators a prefilter is derived from (`has`, `contains`, `startswith`, `endswith`, `==`,
//! `=~`, `in`, `in~`, `has_any`, `has_all`, `hasprefix`, `hassuffix`, their `_cs` and
//! negated forms, `and`, `or`, `not`) give the same rows with pushdown on and off, over
//! NDJSON and over its Parquet conversion.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, Int64Array, RecordBatch};
use kql_engine::{Engine, QueryOptions};
use log_sources::ReadOptions;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Pieces values and needles are made of: the seed rule's words and near-misses, case
/// variants, separators, characters JSON escapes, and non-ASCII letters (`ẞ` folds to
/// `ß`, the Kelvin sign is not `K`).
const TOKENS: &[&str] = &[
    "docker",
    "DOCKER",
    "Docker",
    "dockerd",
    "kubectl",
    "KubeCtl",
    "ctr",
    "exec",
    "run",
    "-it",
    "-i ",
    "/bin/sh",
    "/",
    "\\",
    "\"",
    " ",
    "_",
    "-",
    ":",
    "é",
    "É",
    "ß",
    "ẞ",
    "\u{212A}",
    "日本",
    "ab",
    "AB",
    "x1",
    "--privileged",
    "C:\\Users",
    "\t",
    "",
];

const COLUMNS: &[&str] = &[
    "FileName",
    "ProcessCommandLine",
    "FolderPath",
    "InitiatingProcessFileName",
    "AccountName",
];

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..5).prop_map(|t| t.concat())
}

/// How a string is written in JSON.
#[derive(Debug, Clone, Copy)]
enum Escaping {
    /// As serde_json writes it.
    Plain,
    /// Every character as `\uXXXX`.
    AllUnicode,
    /// `d`, `k`, `D` as `\u` escapes and `/` as `\/`, the rest plain.
    Some,
}

fn json_string(s: &str, how: Escaping) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        let escaped = match how {
            Escaping::Plain => None,
            Escaping::AllUnicode => Some(c),
            Escaping::Some => matches!(c, 'd' | 'k' | 'D').then_some(c),
        };
        match escaped {
            Some(c) if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ if matches!(how, Escaping::Some) && c == '/' => out.push_str("\\/"),
            _ => {
                let quoted = serde_json::to_string(&c.to_string()).unwrap();
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
        }
    }
    out.push('"');
    out
}

fn row() -> impl Strategy<Value = (Vec<String>, Escaping)> {
    (
        prop::collection::vec(value(), COLUMNS.len()),
        prop_oneof![
            Just(Escaping::Plain),
            Just(Escaping::AllUnicode),
            Just(Escaping::Some)
        ],
    )
}

/// A KQL string literal.
fn kql(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const OPS: &[&str] = &[
    "has",
    "has_cs",
    "!has",
    "contains",
    "contains_cs",
    "!contains",
    "startswith",
    "startswith_cs",
    "endswith",
    "endswith_cs",
    "==",
    "!=",
    "=~",
    "!~",
    "hasprefix",
    "hassuffix",
    "hasprefix_cs",
];
const LIST_OPS: &[&str] = &["in", "in~", "!in", "!in~", "has_any", "has_all"];

fn leaf() -> impl Strategy<Value = String> {
    let needle = prop::collection::vec(prop::sample::select(TOKENS), 1..3).prop_map(|t| t.concat());
    let single = (
        prop::sample::select(COLUMNS),
        prop::sample::select(OPS),
        needle.clone(),
    )
        .prop_map(|(c, op, n)| format!("{c} {op} {}", kql(&n)));
    let list = (
        prop::sample::select(COLUMNS),
        prop::sample::select(LIST_OPS),
        prop::collection::vec(needle, 1..4),
    )
        .prop_map(|(c, op, ns)| {
            let items: Vec<String> = ns.iter().map(|n| kql(n)).collect();
            format!("{c} {op} ({})", items.join(", "))
        });
    prop_oneof![3 => single, 2 => list]
}

fn filter() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
            inner.prop_map(|a| format!("not({a})")),
        ]
    })
}

fn write_rows(dir: &Path, rows: &[(Vec<String>, Escaping)]) -> PathBuf {
    let mut text = String::new();
    for (i, (values, how)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{{\"Timestamp\":\"2025-03-04T10:00:00Z\",\"DeviceName\":\"n\",\"ActionType\":\"ProcessCreated\",\"ProcessId\":{i}"
        ));
        for (c, v) in COLUMNS.iter().zip(values) {
            text.push_str(&format!(",\"{c}\":{}", json_string(v, *how)));
        }
        text.push_str("}\n");
    }
    let path = dir.join("events.ndjson");
    std::fs::write(&path, text).unwrap();
    path
}

/// The ProcessIds the query returns, and the records the scans dropped unparsed.
async fn run(path: &Path, query: &str, pushdown: bool) -> (Vec<i64>, u64) {
    let options = ReadOptions {
        pushdown,
        ..ReadOptions::default()
    };
    let mut engine = Engine::new();
    let streamed =
        kql_engine::telemetry::register_streaming(&mut engine, &[path], &options).unwrap();
    let planned = engine
        .plan(query, &QueryOptions::at(0))
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let batches: Vec<RecordBatch> = engine.collect(&planned).await.unwrap();
    let mut ids: Vec<i64> = batches
        .iter()
        .flat_map(|b| {
            let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
            (0..a.len()).map(|i| a.value(i)).collect::<Vec<_>>()
        })
        .collect();
    ids.sort_unstable();
    let dropped = streamed.report().files.iter().map(|f| f.prefiltered).sum();
    (ids, dropped)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn pushdown_never_changes_a_result(
        rows in prop::collection::vec(row(), 1..30),
        filter in filter(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ndjson = write_rows(dir.path(), &rows);
        let query = format!("DeviceProcessEvents | where {filter} | project ProcessId");
        let rt = runtime();
        let (want, none_dropped) = rt.block_on(run(&ndjson, &query, false));
        prop_assert_eq!(none_dropped, 0);
        let (got, _) = rt.block_on(run(&ndjson, &query, true));
        prop_assert_eq!(&got, &want, "NDJSON, {}", query);

        let parquet = dir.path().join("parquet");
        let options = ReadOptions::default();
        let inputs = log_sources::Inputs::discover(&[&ndjson], &options).unwrap();
        log_sources::convert(&inputs, &log_sources::ReadPlan::all(options), &parquet).unwrap();
        let (got, _) = rt.block_on(run(&parquet, &query, true));
        prop_assert_eq!(&got, &want, "Parquet, {}", query);
    }
}

/// The property above is only worth something if pushdown drops records: here it does, and
/// every record it keeps behind an escape or a case variant is one the filter accepts.
#[test]
fn pushdown_drops_records_the_filter_rejects_and_keeps_escaped_matches() {
    let rows = vec![
        (vec!["bash".to_string(); 5], Escaping::Plain),
        (vec!["DoCkEr".to_string(); 5], Escaping::Plain),
        (vec!["docker".to_string(); 5], Escaping::Some),
        (vec!["curl".to_string(); 5], Escaping::Plain),
        (vec!["/usr/bin/docker ps".to_string(); 5], Escaping::Plain),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = write_rows(dir.path(), &rows);
    let query =
        "DeviceProcessEvents | where FileName in~ (\"docker\", \"kubectl\") | project ProcessId";
    let rt = runtime();
    let (on, dropped) = rt.block_on(run(&path, query, true));
    let (off, _) = rt.block_on(run(&path, query, false));
    assert_eq!(on, vec![1, 2]);
    assert_eq!(off, on);
    // bash and curl: no literal, no escape. `in~` compares whole values, so a record
    // that only mentions docker inside a longer value is dropped unparsed as well.
    assert_eq!(dropped, 3);
}
