//! A memory limit bounds what a query's operators hold: a sort larger than the limit
//! spills and still returns every row in order (Kusto's `sort by x desc`), while an
//! operator that cannot spill fails with an error instead of growing past the limit.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, Int64Array, RecordBatch};
use kql_engine::{Engine, QueryOptions};

/// Rows sorted under the limit: about 100 MB of values, well over the 64 MiB limit, while
/// each batch (about 1 MB) is small beside each sorting partition's share of it, so that
/// the test does not depend on how the partitions' allocations interleave.
const SORT_ROWS: i64 = 2_000_000;
/// Rows joined under a 1 MiB limit.
const JOIN_ROWS: i64 = 400_000;

async fn collect(engine: &Engine, query: &str) -> Result<Vec<RecordBatch>, String> {
    let planned = engine
        .plan(query, &QueryOptions::at(0))
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    engine.collect(&planned).await.map_err(|e| e.to_string())
}

fn longs(batches: &[RecordBatch]) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let a = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
            (0..a.len()).map(|i| a.value(i)).collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sort_larger_than_the_limit_spills_and_keeps_every_row_in_order() {
    let query = format!(
        "range x from 1 to {SORT_ROWS} step 1 \
         | extend s = strcat('process-command-line-padding-', tostring(x)) \
         | sort by x desc"
    );
    let engine = Engine::with_memory_limit(64 << 20).unwrap();
    let got = longs(&collect(&engine, &query).await.unwrap());
    let want: Vec<i64> = (1..=SORT_ROWS).rev().collect();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "rows out of order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_that_cannot_spill_fails_at_the_limit_instead_of_growing() {
    // A hash join's build side is held whole; under a 1 MiB limit it cannot be.
    let query = format!(
        "range x from 1 to {JOIN_ROWS} step 1 | extend s = strcat('left-', tostring(x)) \
         | join kind=inner (range x from 1 to {JOIN_ROWS} step 1 \
             | extend t = strcat('right-', tostring(x))) on x \
         | count"
    );
    let limited = Engine::with_memory_limit(1 << 20).unwrap();
    let err = collect(&limited, &query).await.unwrap_err();
    assert!(err.contains("Resources exhausted"), "{err}");
    // Without the limit the same query runs: every x joins its one partner.
    let got = longs(&collect(&Engine::new(), &query).await.unwrap());
    assert_eq!(got, vec![JOIN_ROWS]);
}
