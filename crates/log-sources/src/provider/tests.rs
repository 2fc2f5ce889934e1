//! The table provider under DataFusion: SQL over fixture files, projection pushdown,
//! parallel byte ranges, limits, strict errors and the prefilter hook.

use super::*;
use arrow::array::{Array, Int64Array, StringArray};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{ident, lit};
use datafusion::physical_plan::{collect, displayable};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion::scalar::ScalarValue;
use std::path::PathBuf;

/// Options with pushdown on, whatever `KQLHUNT_NO_PUSHDOWN` says: these tests are about
/// pushdown (the rest of the suite also runs with it forced off).
fn pushing() -> ReadOptions {
    ReadOptions {
        pushdown: true,
        ..ReadOptions::default()
    }
}
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

/// Filters DataFusion pushes into the scan become per-format prefilters: the Defender
/// formats take one (their columns are the records' own), Falco (a mapped format) does not,
/// and the rows are those of the filter either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushed_filters_become_prefilters_of_the_formats_that_copy_columns_verbatim() {
    use kql_functions::string_ops::{ListStringOp, list_predicate};
    let t = table(
        &[
            fixture("docker-exec.ndjson"),
            fixture("advanced-hunting-api.ndjson"),
            fixture("docker-exec.csv"),
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/logs/falco/falco-alerts.log"),
        ],
        pushing(),
    );
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t.clone()))
        .unwrap();
    let filter = list_predicate(
        ListStringOp::In,
        false,
        ident("FileName"),
        vec!["DOCKER".into(), "kubectl".into()],
    );
    let df = select(&ctx, &["FileName", "ProcessId"])
        .await
        .filter(filter)
        .unwrap()
        .sort(vec![ident("ProcessId").sort(true, false)])
        .unwrap();
    let plan = df.clone().create_physical_plan().await.unwrap();
    let text = displayable(plan.as_ref()).indent(true).to_string();
    assert!(
        text.contains(
            r#"prefilter=defender-ndjson: any of [="DOCKER", ="kubectl"] (from FileName), prefilter=defender-csv: any of [="DOCKER", ="kubectl"] (from FileName)"#
        ),
        "{text}"
    );
    assert!(!text.contains("prefilter=falco"), "{text}");
    let batches = df.collect().await.unwrap();
    // The NDJSON and CSV copies of the one docker event; the Falco alerts (sh, cat) were
    // read whole and dropped by DataFusion's filter.
    assert_eq!(strings(&batches, 0), vec!["docker", "docker"]);
    assert_eq!(longs(&batches, 1), vec![Some(48305), Some(48305)]);
    let report = t.report();
    let skipped = |name: &str| {
        report
            .files
            .iter()
            .filter(|f| f.file.ends_with(name))
            .map(|f| f.prefiltered)
            .sum::<u64>()
    };
    // advanced-hunting-api.ndjson: curl and whoami.exe; docker-exec.ndjson: nothing.
    assert_eq!(skipped("advanced-hunting-api.ndjson"), 2);
    assert_eq!(skipped("docker-exec.ndjson"), 0);
    assert_eq!(skipped("falco-alerts.log"), 0);
}

/// A Parquet file of DeviceProcessEvents in three row groups of two rows, one day apart:
/// (day, FileName) = (1, docker), (1, bash), (2, bash), (2, kubectl), (3, docker), (3, sh).
/// `FileName` is null in the last row when `null_name` is set.
fn three_day_parquet(dir: &std::path::Path, null_name: bool) -> PathBuf {
    use arrow::array::{StringArray, TimestampNanosecondArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    let schema = table_schemas::builtin_table("DeviceProcessEvents")
        .unwrap()
        .arrow_schema();
    let day = 86_400_000_000_000i64;
    let names = [
        Some("docker"),
        Some("bash"),
        Some("bash"),
        Some("kubectl"),
        Some("docker"),
        (!null_name).then_some("sh"),
    ];
    let columns: Vec<arrow::array::ArrayRef> = schema
        .fields()
        .iter()
        .map(|f| match f.name().as_str() {
            "TimeGenerated" => Arc::new(
                TimestampNanosecondArray::from(vec![day, day, 2 * day, 2 * day, 3 * day, 3 * day])
                    .with_timezone("UTC"),
            ) as arrow::array::ArrayRef,
            "FileName" => Arc::new(StringArray::from(names.to_vec())),
            "ProcessId" => Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5, 6])),
            _ => arrow::array::new_null_array(f.data_type(), 6),
        })
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let path = dir.join("DeviceProcessEvents").join("part-00000.parquet");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    path
}

/// The physical filter of `filters` for `t`, as a scan builds it.
async fn parquet_filter_of(t: &LogTable, filters: &[Expr]) -> Arc<ParquetFilter> {
    let ctx = ctx();
    t.parquet_filter(&ctx.state(), filters).unwrap()
}

fn rows_read(
    path: &std::path::Path,
    plan: &ReadPlan,
    groups: Option<std::ops::Range<usize>>,
) -> Vec<i64> {
    let mut sink = crate::test_support::Collect::default();
    crate::parquet_in::read(path, &Arc::from("p"), plan, groups, &mut sink).unwrap();
    sink.batches
        .iter()
        .flat_map(|(_, b)| {
            let c = b.column_by_name("ProcessId").unwrap();
            c.as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .iter()
                .flatten()
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_row_groups_are_pruned_by_their_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_day_parquet(dir.path(), false);
    let t = table(std::slice::from_ref(&path), pushing());
    let day = 86_400_000_000_000i64;
    let plan = |f: Arc<ParquetFilter>| ReadPlan {
        parquet_filter: Some(f),
        ..ReadPlan::all(ReadOptions::default())
    };
    // TimeGenerated > day 1.5: the first row group's maximum is day 1, so it is skipped.
    let after = ident("TimeGenerated").gt(lit(ScalarValue::TimestampNanosecond(
        Some(day + day / 2),
        Some("UTC".into()),
    )));
    let f = parquet_filter_of(&t, std::slice::from_ref(&after)).await;
    assert_eq!(rows_read(&path, &plan(f.clone()), None), vec![3, 4, 5, 6]);
    // A row-group range given by the scan's partitioning is pruned the same way.
    assert_eq!(rows_read(&path, &plan(f), Some(0..2)), vec![3, 4]);
    // String statistics too. The groups' FileName ranges are bash..docker,
    // bash..kubectl and docker..sh: "zsh" lies above all of them, "ctr" only below the
    // last one.
    let f = parquet_filter_of(&t, &[ident("FileName").eq(lit("zsh"))]).await;
    assert_eq!(rows_read(&path, &plan(f), None), Vec::<i64>::new());
    let f = parquet_filter_of(&t, &[ident("FileName").eq(lit("ctr"))]).await;
    assert_eq!(rows_read(&path, &plan(f), None), vec![1, 2, 3, 4]);
    // A KQL operator (a UDF) says nothing to the statistics: nothing is skipped.
    let has = kql_functions::string_ops::string_predicate(
        kql_functions::string_ops::StringOp::Has,
        false,
        ident("FileName"),
        lit("zsh"),
    );
    let f = parquet_filter_of(&t, &[has]).await;
    assert_eq!(rows_read(&path, &plan(f), None), vec![1, 2, 3, 4, 5, 6]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volatile_filter_prunes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_day_parquet(dir.path(), false);
    let t = table(std::slice::from_ref(&path), pushing());
    let random = datafusion::functions::expr_fn::random().lt(lit(0.0));
    assert!(t.parquet_filter(&ctx().state(), &[random]).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_null_string_column_is_not_pruned_by_its_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let path = three_day_parquet(dir.path(), true);
    let t = table(std::slice::from_ref(&path), pushing());
    // The table reads the null FileName as "", which `FileName == ""` accepts: the
    // statistics of the file's values (bash..sh, one null) must not rule its group out.
    let empty = ident("FileName").eq(lit(""));
    let f = parquet_filter_of(&t, std::slice::from_ref(&empty)).await;
    let plan = ReadPlan {
        parquet_filter: Some(f),
        ..ReadPlan::all(ReadOptions::default())
    };
    assert_eq!(rows_read(&path, &plan, None), vec![1, 2, 3, 4, 5, 6]);
    // And through DataFusion, with the scan split into row-group partitions.
    let ctx = ctx();
    ctx.register_table("DeviceProcessEvents", Arc::new(t))
        .unwrap();
    let df = ctx
        .table("DeviceProcessEvents")
        .await
        .unwrap()
        .filter(empty)
        .unwrap()
        .select_columns(&["ProcessId"])
        .unwrap();
    let plan = df.clone().create_physical_plan().await.unwrap();
    let text = displayable(plan.as_ref()).indent(true).to_string();
    assert!(text.contains("partitions=2, units=2"), "{text}");
    let batches = df.collect().await.unwrap();
    assert_eq!(longs(&batches, 0), vec![Some(6)]);
}
