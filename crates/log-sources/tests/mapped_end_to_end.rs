//! The Linux, Kubernetes and Windows Sysmon fixtures through the whole read path: input
//! discovery and sniffing, the reader, and the table builders, into Arrow batches. This
//! checks that every mapped value has its column's Arrow type (no cell is rejected), and the
//! row counts per table and file.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, Int32Array, StringArray, TimestampNanosecondArray};
use arrow::record_batch::RecordBatch;
use log_sources::{BadReason, Inputs, ReadOptions, ReadPlan, read_input};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn dir(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs")
        .join(rel)
}

/// Rows per (format, table).
type Counts = BTreeMap<(String, String), usize>;

/// Reads every file of a fixture directory: rows per (format, table), and the batches.
fn read_dir(rel: &str) -> (Counts, Vec<(&'static str, RecordBatch)>) {
    let options = ReadOptions::default();
    let inputs = Inputs::discover(&[dir(rel)], &options).unwrap();
    let plan = ReadPlan::all(options);
    let mut counts = BTreeMap::new();
    let mut batches = Vec::new();
    for input in &inputs.inputs {
        if input.name.ends_with("README.md") {
            continue;
        }
        let mut on_batch = |table: &'static str, b: RecordBatch| {
            batches.push((table, b));
            Ok(())
        };
        let report = read_input(input, &plan, None, &mut on_batch).unwrap();
        // No cell may be rejected by the table builders: every mapped value fits its column.
        for b in &report.bad {
            assert!(
                !matches!(b.reason, BadReason::WrongType { .. }),
                "{}: {b}",
                input.name
            );
        }
        let format = report.format.unwrap_or("none").to_string();
        for (table, n) in report.rows {
            *counts
                .entry((format.clone(), table.to_string()))
                .or_insert(0) += n as usize;
        }
    }
    (counts, batches)
}

fn count(c: &Counts, format: &str, table: &str) -> usize {
    c.get(&(format.to_string(), table.to_string()))
        .copied()
        .unwrap_or(0)
}

#[test]
fn every_fixture_directory_reads_to_the_expected_tables() {
    let (c, _) = read_dir("sysmon-linux");
    assert_eq!(count(&c, "sysmon-linux", "DeviceProcessEvents"), 8);
    assert_eq!(count(&c, "sysmon-linux", "DeviceNetworkEvents"), 1);
    let (c, _) = read_dir("auditd");
    assert_eq!(count(&c, "auditd", "DeviceProcessEvents"), 7 + 4 + 5);
    assert_eq!(count(&c, "auditd", "DeviceNetworkEvents"), 1);
    let (c, _) = read_dir("k8s-audit");
    assert_eq!(count(&c, "k8s-audit", "AKSAudit"), 11 + 2 + 2 + 2 + 1);
    assert_eq!(count(&c, "k8s-audit", "AKSAuditAdmin"), 1);
    assert_eq!(count(&c, "k8s-audit", "DeviceProcessEvents"), 4 + 1 + 1 + 1);
    let (c, _) = read_dir("tetragon");
    assert_eq!(count(&c, "tetragon", "DeviceProcessEvents"), 7 + 1);
    assert_eq!(count(&c, "tetragon", "DeviceNetworkEvents"), 1);
    let (c, _) = read_dir("falco");
    assert_eq!(count(&c, "falco", "DeviceProcessEvents"), 3);
    let (c, _) = read_dir("sysmon-windows");
    assert_eq!(count(&c, "sysmon-evtx", "DeviceProcessEvents"), 31);
    assert_eq!(
        count(&c, "sysmon-windows-xml", "DeviceProcessEvents"),
        4 + 2
    );
    assert_eq!(count(&c, "sysmon-windows-xml", "DeviceNetworkEvents"), 1);
}

#[test]
fn kubelet_connection_cells_have_sentinel_types() {
    let (_, batches) = read_dir("auditd");
    let (_, net) = batches
        .iter()
        .find(|(t, _)| *t == "DeviceNetworkEvents")
        .unwrap();
    let col = |name: &str| net.column(net.schema().index_of(name).unwrap()).clone();
    let port = col("RemotePort");
    let port = port.as_any().downcast_ref::<Int32Array>().unwrap();
    assert_eq!(port.value(0), 10250);
    let ip = col("RemoteIP");
    assert_eq!(
        ip.as_any().downcast_ref::<StringArray>().unwrap().value(0),
        "10.0.0.12"
    );
    let t = col("TimeGenerated");
    let t = t
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
        .unwrap();
    // 2025-03-04T10:15:30.101Z
    assert_eq!(t.value(0), 1_741_083_330_101_000_000);
    // Strings are never null; unknown ones are empty.
    let local = col("LocalIP");
    let local = local.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!((local.is_null(0), local.value(0)), (false, ""));
    // dynamic is JSON text.
    let extra = col("AdditionalFields");
    let extra = extra
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap()
        .value(0);
    let extra: serde_json::Value = serde_json::from_str(extra).unwrap();
    assert_eq!(extra["SocketFamily"], "AF_INET");
}
