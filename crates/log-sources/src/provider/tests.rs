//! The table provider under DataFusion: SQL over fixture files, projection pushdown,
//! parallel byte ranges, limits, strict errors and the prefilter hook.

use super::*;
use arrow::array::{Array, Int64Array, StringArray};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::ident;
use datafusion::physical_plan::{collect, displayable};
use datafusion::prelude::{SessionConfig, SessionContext};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs/defender")
        .join(name)
}

fn ctx() -> SessionContext {
    SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2))
}

/// `SELECT cols FROM DeviceProcessEvents`.
async fn select(ctx: &SessionContext, cols: &[&str]) -> DataFrame {
    ctx.table("DeviceProcessEvents")
        .await
        .unwrap()
        .select_columns(cols)
        .unwrap()
}

fn strings(batches: &[RecordBatch], col: usize) -> Vec<String> {
    batches
        .iter()
        .flat_map(|b| {
            let a = b
                .column(col)
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone();
            (0..a.len())
                .map(move |i| a.value(i).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn longs(batches: &[RecordBatch], col: usize) -> Vec<Option<i64>> {
    batches
        .iter()
        .flat_map(|b| {
            b.column(col)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .iter()
                .collect::<Vec<_>>()
        })
        .collect()
}

fn table(paths: &[PathBuf], options: ReadOptions) -> LogTable {
    let inputs = Inputs::discover(paths, &options).unwrap();
    LogTable::new("DeviceProcessEvents", Arc::new(inputs), options).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_over_several_formats_with_projection_pushed_into_the_readers() {
    let t = table(
        &[
            fixture("docker-exec.ndjson"),
            fixture("streaming-storage.PT1H.json"),
            fixture("docker-exec.csv"),
            fixture("streaming-eventhub.json"),
        ],
        ReadOptions::default(),
    );
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t.clone()))
        .unwrap();
    let df = select(&ctx, &["FileName", "ProcessId"])
        .await
        .sort(vec![
            ident("FileName").sort(true, false),
            ident("ProcessId").sort(true, false),
        ])
        .unwrap();
    let batches = df.clone().collect().await.unwrap();
    assert_eq!(
        strings(&batches, 0),
        vec!["UserSelector", "curl", "docker", "docker", "whoami.exe"]
    );
    assert_eq!(
        longs(&batches, 1),
        vec![
            Some(91345),
            Some(48211),
            Some(48305),
            Some(48305),
            Some(40288)
        ]
    );
    let plan = df.create_physical_plan().await.unwrap();
    let text = displayable(plan.as_ref()).indent(true).to_string();
    assert!(text.contains("LogScanExec: table=DeviceProcessEvents, partitions=2, units=4, projection=[FileName, ProcessId]"), "{text}");
    // The scan reported what it read, including the Event Hub record of an unknown table.
    let report = t.report();
    assert_eq!(report.rows().get("DeviceProcessEvents"), Some(&5));
    assert_eq!(
        report
            .files
            .iter()
            .map(|f| f.skipped_by_design())
            .sum::<u64>(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_star_needs_no_columns() {
    let t = table(&[fixture("bad-input.ndjson")], ReadOptions::default());
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t))
        .unwrap();
    let n = ctx
        .table("DeviceProcessEvents")
        .await
        .unwrap()
        .count()
        .await
        .unwrap();
    // Good rows of the fixture under the default 8 MiB limit: a, wrongtype, café, big,
    // huge (2 MB is under 8 MiB), b, c.
    assert_eq!(n, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_is_read_in_parallel_byte_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ndjson");
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&format!(
            "{{\"Timestamp\":\"2025-03-04T10:00:00Z\",\"DeviceName\":\"n\",\"ActionType\":\"ProcessCreated\",\"FileName\":\"f\",\"ProcessId\":{i}}}\n"
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let options = ReadOptions {
        split_bytes: 64 * 1024,
        batch_size: 1000,
        ..ReadOptions::default()
    };
    let t = table(&[path], options);
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t))
        .unwrap();
    let df = select(&ctx, &["ProcessId"]).await;
    let plan = df.create_physical_plan().await.unwrap();
    let text = displayable(plan.as_ref()).indent(true).to_string();
    assert!(text.contains("partitions=2, units=2"), "{text}");
    let batches = collect(plan, ctx.task_ctx()).await.unwrap();
    let mut ids: Vec<i64> = longs(&batches, 0).into_iter().flatten().collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..5000).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_stops_the_scan() {
    let t = table(&[fixture("bad-input.ndjson")], ReadOptions::default());
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t))
        .unwrap();
    let df = select(&ctx, &["FileName"]).await.limit(0, Some(2)).unwrap();
    let batches = df.collect().await.unwrap();
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_mode_fails_the_query() {
    let options = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let t = table(&[fixture("bad-input.ndjson")], options);
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t))
        .unwrap();
    let err = select(&ctx, &["FileName"])
        .await
        .collect()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("bad record (strict mode)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefiltered_scans_skip_records_without_the_literals() {
    let t = table(
        &[
            fixture("docker-exec.ndjson"),
            fixture("advanced-hunting-api.ndjson"),
        ],
        ReadOptions::default(),
    )
    .with_prefilter(Prefilter::new(&["docker"]));
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t.clone()))
        .unwrap();
    let batches = select(&ctx, &["ProcessCommandLine"])
        .await
        .collect()
        .await
        .unwrap();
    assert_eq!(strings(&batches, 0), vec!["docker exec -it web /bin/sh"]);
    let skipped: u64 = t.report().files.iter().map(|f| f.prefiltered).sum();
    assert_eq!(skipped, 2);
}
