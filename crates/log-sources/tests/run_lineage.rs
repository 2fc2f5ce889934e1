//! One process table per read pass: a child in `node-1-audit.log` gets its parent's details
//! (the login shell `-bash`, child of `sshd`) from the older rotated file
//! `node-1-audit.log.1`, whichever way the files are named, through `Inputs::read_all` and
//! through the DataFusion provider, scan after scan. Expected values come from
//! `testdata/logs/auditd/README.md` and telemetry-formats §7.1 / §7.4.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, StringArray};
use arrow::record_batch::RecordBatch;
use datafusion::prelude::{SessionConfig, SessionContext};
use log_sources::{Inputs, LogTable, ReadOptions, ReadPlan};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn auditd(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs/auditd")
        .join(name)
}

/// (ProcessCommandLine, InitiatingProcessCommandLine, InitiatingProcessParentFileName,
/// DeviceName) of every DeviceProcessEvents row, in order.
type Lineages = Vec<(String, String, String, String)>;

fn lineages(batches: &[RecordBatch]) -> Lineages {
    let col = |b: &RecordBatch, name: &str, i: usize| {
        let a = b.column_by_name(name).unwrap();
        let a = a.as_any().downcast_ref::<StringArray>().unwrap();
        a.value(i).to_string()
    };
    let mut out = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            out.push((
                col(b, "ProcessCommandLine", i),
                col(b, "InitiatingProcessCommandLine", i),
                col(b, "InitiatingProcessParentFileName", i),
                col(b, "DeviceName", i),
            ));
        }
    }
    out
}

fn read_all(paths: &[PathBuf]) -> Lineages {
    let options = ReadOptions::default();
    let inputs = Inputs::discover(paths, &options).unwrap();
    let mut batches = Vec::new();
    inputs
        .read_all(&ReadPlan::all(options), &mut |t, b| {
            if t == "DeviceProcessEvents" {
                batches.push(b);
            }
            Ok(())
        })
        .unwrap();
    lineages(&batches)
}

/// The row of the process started with `cmd` on node-1, which must be there exactly once
/// (node-2's log runs the same kubectl command).
fn row<'a>(rows: &'a Lineages, cmd: &str) -> &'a (String, String, String, String) {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| r.0 == cmd && r.3 == "node-1")
        .collect();
    assert_eq!(found.len(), 1, "{cmd} in {rows:#?}");
    found[0]
}

const KUBECTL_UNAME: &str = "kubectl exec -n default busybox -- uname";
const DOCKER_CAT: &str = "docker exec -i t1609_container bash -c cat /tmp/output.txt";

/// The lineage the newer file's processes have when the older file was read first: the
/// login shell `-bash` (pid 48100, started in the older file, child of sshd) and the
/// Atomic test script run from it.
fn assert_lineage_from_the_older_file(rows: &Lineages) {
    let kubectl = row(rows, KUBECTL_UNAME);
    assert_eq!((kubectl.1.as_str(), kubectl.2.as_str()), ("-bash", "sshd"));
    let docker = row(rows, DOCKER_CAT);
    assert_eq!(
        (docker.1.as_str(), docker.2.as_str()),
        ("/bin/bash /tmp/atomic-T1609-2.sh", "bash")
    );
}

#[test]
fn a_folder_reads_the_rotated_file_first_and_shares_the_table() {
    let options = ReadOptions::default();
    let inputs = Inputs::discover(&[auditd("")], &options).unwrap();
    let names: Vec<&str> = inputs
        .inputs
        .iter()
        .map(|i| Path::new(&*i.name).file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "README.md",
            "node-1-audit.log.1",
            "node-1-audit.log",
            "node-2-edge-cases.log"
        ]
    );
    assert_lineage_from_the_older_file(&read_all(&[auditd("")]));
}

#[test]
fn files_named_newest_first_are_still_read_oldest_first() {
    // What `audit.log*` expands to in a shell.
    let rows = read_all(&[auditd("node-1-audit.log"), auditd("node-1-audit.log.1")]);
    assert_lineage_from_the_older_file(&rows);
}

#[test]
fn each_read_input_call_without_tables_in_the_plan_starts_afresh() {
    // The newer file alone knows only the parent's pid (48100): nothing is invented.
    let rows = read_all(&[auditd("node-1-audit.log")]);
    assert_eq!(row(&rows, KUBECTL_UNAME).1, "");
    assert_eq!(row(&rows, KUBECTL_UNAME).2, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_reads_lineage_inputs_in_order_on_one_table_per_scan() {
    let options = ReadOptions {
        // Small enough that the Defender fixtures beside them would be split: the auditd
        // files must still be read whole and in order.
        split_bytes: 64,
        ..ReadOptions::default()
    };
    let inputs = Inputs::discover(
        &[
            auditd("node-1-audit.log"),
            auditd("node-1-audit.log.1"),
            auditd("../defender/docker-exec.ndjson"),
            auditd("../defender/streaming-storage.PT1H.json"),
        ],
        &options,
    )
    .unwrap();
    let table = LogTable::new("DeviceProcessEvents", Arc::new(inputs), options).unwrap();
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(4));
    ctx.register_table("DeviceProcessEvents", Arc::new(table))
        .unwrap();
    // Twice: a second scan replays the same starts and must not find the first scan's
    // processes (the exec-in-place rule would make a process its own parent).
    for scan in 0..2 {
        let batches = ctx
            .table("DeviceProcessEvents")
            .await
            .unwrap()
            .select_columns(&[
                "ProcessCommandLine",
                "InitiatingProcessCommandLine",
                "InitiatingProcessParentFileName",
                "DeviceName",
            ])
            .unwrap()
            .collect()
            .await
            .unwrap();
        let rows = lineages(&batches);
        assert_lineage_from_the_older_file(&rows);
        // 7 + 4 process rows from node-1, 1 + 2 from the Defender files.
        assert_eq!(rows.len(), 7 + 4 + 1 + 2, "scan {scan}");
        let sh = row(&rows, "docker exec -it atomic-test-container /bin/sh");
        assert_eq!(
            (sh.1.as_str(), sh.2.as_str()),
            ("-bash", "sshd"),
            "scan {scan}"
        );
    }
}
