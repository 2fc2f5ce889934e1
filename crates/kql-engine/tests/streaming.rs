//! Streamed telemetry tables (`telemetry::register_streaming`): the inputs are read while the
//! query runs, so nothing is read before it and the read report is complete after it; the
//! results are those of the in-memory path (`telemetry::load`). Row counts are the fixtures'
//! (testdata/logs/*/README.md).

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, Int64Array, RecordBatch, StringArray};
use arrow::util::pretty::pretty_format_batches;
use kql_engine::{Engine, QueryOptions};
use log_sources::ReadOptions;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn logs(rel: &str) -> PathBuf {
    repo().join("testdata/logs").join(rel)
}

/// 2025-03-04T12:00:00Z, just after the fixtures' events.
const NOW: i64 = 1_741_089_600_000_000_000;

async fn collect(engine: &Engine, query: &str) -> Vec<RecordBatch> {
    let planned = match engine.plan(query, &QueryOptions::at(NOW)) {
        Ok(p) => p,
        Err(e) => panic!("{e}: {:#?}", e.diagnostics()),
    };
    engine.collect(&planned).await.unwrap()
}

fn text(batches: &[RecordBatch]) -> String {
    pretty_format_batches(batches).unwrap().to_string()
}

fn file_name(f: &log_sources::FileReport) -> String {
    Path::new(&*f.file)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_rule_streamed_gives_the_in_memory_result_and_reports_after_the_run() {
    let rule =
        std::fs::read_to_string(repo().join("rules/t1609/container_admin_command.kql")).unwrap();
    let paths = [logs("auditd")];
    let options = ReadOptions::default();

    let mut in_memory = Engine::new();
    let t = kql_engine::telemetry::load(&paths, &options).unwrap();
    in_memory.register_telemetry(&t).unwrap();
    in_memory.register_builtin_empty_tables();
    let want = text(&collect(&in_memory, &rule).await);

    let mut streamed = Engine::new();
    let inputs =
        kql_engine::telemetry::register_streaming(&mut streamed, &paths, &options).unwrap();
    // Registering reads nothing but the first bytes: the report is the README alone (it
    // is reported without being read).
    let before: Vec<String> = inputs.report().files.iter().map(file_name).collect();
    assert_eq!(before, ["README.md"]);
    let got = text(&collect(&streamed, &rule).await);
    assert_eq!(got, want);
    // The rule scans DeviceProcessEvents only: process rows per file, in read order (the
    // rotated file first), and the README skipped once. The network row of
    // node-1-audit.log is not in a DeviceProcessEvents scan.
    let after: Vec<(String, u64, u64, u64)> = inputs
        .report()
        .files
        .iter()
        .map(|f| {
            (
                file_name(f),
                f.row_total(),
                f.errors(),
                f.skipped_by_design(),
            )
        })
        .collect();
    let row = |name: &str, rows, errors, skipped| (name.to_string(), rows, errors, skipped);
    assert_eq!(
        after,
        [
            row("README.md", 0, 0, 1),
            row("node-1-audit.log.1", 7, 0, 0),
            // Its PAM CRED_DISP record is not mapped.
            row("node-1-audit.log", 4, 0, 1),
            // A line that is not an audit record; a unix-socket connect and a failed exec.
            row("node-2-edge-cases.log", 5, 1, 2),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_tables_and_split_files_are_each_counted_once() {
    let options = ReadOptions {
        // Small enough that the Defender files are read in parallel byte ranges.
        split_bytes: 256,
        ..ReadOptions::default()
    };
    let paths = [
        logs("auditd/node-1-audit.log"),
        logs("auditd/node-1-audit.log.1"),
        logs("defender/advanced-hunting-api.ndjson"),
        logs("defender/streaming-storage.PT1H.json"),
    ];
    let mut engine = Engine::new();
    let inputs = kql_engine::telemetry::register_streaming(&mut engine, &paths, &options).unwrap();
    let batches = collect(
        &engine,
        "union DeviceProcessEvents, DeviceNetworkEvents | summarize n = count() by Type \
         | sort by Type asc",
    )
    .await;
    // auditd node-1: 7 + 4 process rows and 1 connection; the API rows: one process and
    // one connection; the storage blob: two processes.
    let mut counts = Vec::new();
    for b in &batches {
        let ty = b.column_by_name("Type").unwrap();
        let ty = ty.as_any().downcast_ref::<StringArray>().unwrap();
        let n = b.column_by_name("n").unwrap();
        let n = n.as_any().downcast_ref::<Int64Array>().unwrap();
        for i in 0..b.num_rows() {
            counts.push((ty.value(i).to_string(), n.value(i)));
        }
    }
    assert_eq!(
        counts,
        [
            ("DeviceNetworkEvents".to_string(), 2),
            ("DeviceProcessEvents".to_string(), 14)
        ]
    );
    // Both tables scanned every file: each file's rows add up over the two scans, and the
    // unmapped CRED_DISP record of node-1-audit.log, seen by both, counts once.
    let report = inputs.report();
    let rows: Vec<(String, u64, u64)> = report
        .files
        .iter()
        .map(|f| (file_name(f), f.row_total(), f.bad_total()))
        .collect();
    let row = |name: &str, rows, bad| (name.to_string(), rows, bad);
    assert_eq!(
        rows,
        [
            row("node-1-audit.log.1", 7, 0),
            row("node-1-audit.log", 5, 1),
            row("advanced-hunting-api.ndjson", 2, 0),
            row("streaming-storage.PT1H.json", 2, 0),
        ]
    );
}
