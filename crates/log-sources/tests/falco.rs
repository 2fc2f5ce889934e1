//! Falco JSON alerts → DeviceProcessEvents over the composed
//! `testdata/logs/falco/falco-alerts.log`. Expected rows are written from telemetry-formats
//! §6.2 and §7.7: a column is filled only when the alert's output_fields carry its field.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use log_sources::BadReason;
use log_sources::formats::falco::{FalcoReader, sniff};
use log_sources::process_table::{self, Limits};
use mapped_support::*;
use serde_json::json;

fn read(chunk: usize) -> Collected {
    let mut r = FalcoReader::new("falco-alerts.log".into()).unwrap();
    read_all(&mut r, &testdata("falco/falco-alerts.log"), chunk)
}

#[test]
fn sniffs_falco_alerts() {
    assert!(sniff(&testdata("falco/falco-alerts.log")));
    assert!(!sniff(&testdata("tetragon/node-1-tetragon.log")));
}

#[test]
fn terminal_shell_in_container_current_format() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    assert_eq!(rows.len(), 3);
    let output = "2025-03-04T10:15:02.603417220+0000: Notice A shell was spawned in a container with an attached terminal | evt_type=execve user=root user_uid=0 user_loginuid=-1 process=sh proc_exepath=/bin/busybox parent=runc command=sh terminal=34816 exe_flags=EXE_WRITABLE|EXE_LOWER_LAYER container_id=9cc6d64c75d0 container_name=atomic-test-container container_image_repository=alpine container_image_tag=3.20 k8s_pod_name=<NA> k8s_ns_name=<NA>";
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:02.603417220Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:02.603417220Z")),
            ("DeviceName", s("node-1")),
            ("ActionType", s("ProcessCreated")),
            ("AccountName", s("root")),
            ("AccountDomain", s("node-1")),
            // exepath names the real image; comm (proc.name) would say `sh`.
            ("FileName", s("busybox")),
            ("FolderPath", s("/bin/busybox")),
            ("ProcessCommandLine", s("sh")),
            ("InitiatingProcessFileName", s("runc")),
            (
                "AdditionalFields",
                dynamic(json!({
                    "FalcoRule": "Terminal shell in container", "Priority": "Notice",
                    "Tags": ["T1059", "container", "maturity_stable", "mitre_execution", "shell"],
                    "Output": output, "EvtType": "execve", "ContainerId": "9cc6d64c75d0",
                    "ContainerName": "atomic-test-container", "ContainerImage": "alpine",
                    "ContainerImageTag": "3.20", "Tty": 34816, "UserUid": 0, "UserLoginUid": -1
                })),
            ),
        ],
    );
}

#[test]
fn older_alert_without_hostname_behind_the_cri_prefix() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    let output = "10:15:40.118230552: Notice A shell was spawned in a container with an attached terminal (user=root user_loginuid=-1 k8s.ns=default k8s.pod=atomic-exec-test container=5e2a9c1d7f3b shell=sh parent=runc cmdline=sh terminal=34816 container_id=5e2a9c1d7f3b image=busybox) k8s.ns=default k8s.pod=atomic-exec-test container=5e2a9c1d7f3b";
    // No hostname: no DeviceName and no AccountDomain; no exepath: FileName is comm.
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:40.118230552Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:40.118230552Z")),
            ("ActionType", s("ProcessCreated")),
            ("AccountName", s("root")),
            ("FileName", s("sh")),
            ("ProcessCommandLine", s("sh")),
            ("InitiatingProcessFileName", s("runc")),
            (
                "AdditionalFields",
                dynamic(json!({
                    "FalcoRule": "Terminal shell in container", "Priority": "Notice",
                    "Output": output, "ContainerId": "5e2a9c1d7f3b", "ContainerImage": "busybox",
                    "K8sNamespace": "default", "K8sPodName": "atomic-exec-test", "Tty": 34816,
                    "UserLoginUid": -1
                })),
            ),
        ],
    );
}

#[test]
fn custom_rule_with_lineage_fields_and_sidekick_uuid() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    let output = "2025-03-04T10:15:25.121004518+0000: Warning Container administration command (user=root pid=48271 cmdline=docker exec -i t1609_container bash -c cat /tmp/output.txt parent=bash pcmdline=bash /tmp/atomic-T1609-2.sh ppid=48270 gparent=bash)";
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:25.121004518Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:25.121004518Z")),
            ("DeviceName", s("node-1")),
            ("ActionType", s("ProcessCreated")),
            ("AccountName", s("root")),
            ("AccountDomain", s("node-1")),
            // No exepath, no proc.name: FileName stays empty rather than guessed from argv.
            (
                "ProcessCommandLine",
                s("docker exec -i t1609_container bash -c cat /tmp/output.txt"),
            ),
            ("ProcessId", l(48271)),
            ("InitiatingProcessFileName", s("bash")),
            (
                "InitiatingProcessCommandLine",
                s("bash /tmp/atomic-T1609-2.sh"),
            ),
            ("InitiatingProcessId", l(48270)),
            ("InitiatingProcessParentFileName", s("bash")),
            (
                "AdditionalFields",
                dynamic(json!({
                    "FalcoRule": "Container administration command (T1609)",
                    "Priority": "Warning", "Tags": ["T1609", "container", "mitre_execution"],
                    "Output": output, "EvtType": "execve",
                    "Uuid": "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
                })),
            ),
        ],
    );
}

#[test]
fn other_alerts_and_lines_are_skipped_by_design() {
    let out = read(4096);
    assert_eq!(
        out.bad_lines(),
        vec![
            (
                Some(1),
                &BadReason::Unsupported("not a Falco JSON alert (Falco's text output?)".into())
            ),
            (
                Some(5),
                &BadReason::Unsupported("Falco alert on openat".into())
            ),
            (
                Some(6),
                &BadReason::Unsupported("Falco k8s_audit alert".into())
            ),
        ]
    );
    assert!(out.bad.iter().all(|b| b.reason.by_design()));
}

#[test]
fn chunking_and_registry() {
    let whole = read(1 << 20);
    assert_eq!(read(3).rows, whole.rows);
    let (name, out) = read_via_registry(
        "falco/falco-alerts.log",
        &process_table::shared(Limits::default()),
    );
    assert_eq!(name, "falco");
    assert_eq!(out.rows.len(), 3);
}
