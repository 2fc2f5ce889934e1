//! Tetragon JSON export → DeviceProcessEvents / DeviceNetworkEvents over the composed
//! fixtures in `testdata/logs/tetragon/`. Expected rows are written from telemetry-formats
//! §6.1, §7.6 and §7.8.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use base64::Engine;
use log_sources::formats::tetragon::{TetragonReader, sniff};
use log_sources::process_table::{self, Limits, SharedProcessTable};
use log_sources::{BadReason, Value};
use mapped_support::*;
use serde_json::{Value as Json, json};

fn read(file: &str, table: &SharedProcessTable) -> Collected {
    let mut r = TetragonReader::new(file.into(), table.clone()).unwrap();
    read_all(&mut r, &testdata(&format!("tetragon/{file}")), 300)
}

fn node1() -> Collected {
    read(
        "node-1-tetragon.log",
        &process_table::shared(Limits::default()),
    )
}

/// Tetragon's exec id is base64 of `<node>:<ktime>:<pid>`.
fn exec_id(node: &str, ktime: u64, pid: i64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{node}:{ktime}:{pid}"))
}

struct P<'a> {
    binary: &'a str,
    cmd: &'a str,
    pid: i64,
    start: &'a str,
}

const BASH: P = P {
    binary: "/usr/bin/bash",
    cmd: "/usr/bin/bash",
    pid: 48100,
    start: "2025-03-04T10:14:50.118Z",
};
const SSHD: P = P {
    binary: "/usr/sbin/sshd",
    cmd: "/usr/sbin/sshd -D -R",
    pid: 48099,
    start: "2025-03-04T10:14:49.010Z",
};

/// The process, its initiating process and that one's parent, as the row shows them.
fn lineage_cells(
    node: &str,
    me: &P,
    root: bool,
    parent: &P,
    parent_root: bool,
    grand: &P,
) -> Vec<(&'static str, Value)> {
    let base = |p: &str| p.rsplit('/').next().unwrap().to_string();
    let mut v = vec![
        ("Timestamp", dt(me.start)),
        ("TimeGenerated", dt(me.start)),
        ("ProcessCreationTime", dt(me.start)),
        ("DeviceName", s(node)),
        ("ActionType", s("ProcessCreated")),
        ("FileName", s(&base(me.binary))),
        ("FolderPath", s(me.binary)),
        ("ProcessCommandLine", s(me.cmd)),
        ("ProcessId", l(me.pid)),
        ("InitiatingProcessFileName", s(&base(parent.binary))),
        ("InitiatingProcessFolderPath", s(parent.binary)),
        ("InitiatingProcessCommandLine", s(parent.cmd)),
        ("InitiatingProcessId", l(parent.pid)),
        ("InitiatingProcessCreationTime", dt(parent.start)),
        ("InitiatingProcessParentFileName", s(&base(grand.binary))),
        ("InitiatingProcessParentId", l(grand.pid)),
        ("InitiatingProcessParentCreationTime", dt(grand.start)),
    ];
    if root {
        v.push(("AccountName", s("root")));
        v.push(("AccountDomain", s(node)));
    }
    if parent_root {
        v.push(("InitiatingProcessAccountName", s("root")));
        v.push(("InitiatingProcessAccountDomain", s(node)));
    }
    v
}

fn extra(fields: Json) -> (&'static str, Value) {
    ("AdditionalFields", dynamic(fields))
}

#[test]
fn sniffs_tetragon_exports() {
    assert!(sniff(&testdata("tetragon/node-1-tetragon.log")));
    assert!(sniff(&testdata("tetragon/node-2-export-stdout.log")));
    assert!(!sniff(&testdata("k8s-audit/apiserver-audit.log")));
}

#[test]
fn login_shell_and_docker_exec_with_ancestors() {
    let out = node1();
    let rows = out.table("DeviceProcessEvents");
    let sshd0 = P {
        binary: "/usr/sbin/sshd",
        cmd: "/usr/sbin/sshd -D",
        pid: 1021,
        start: "2025-03-01T08:00:05.120Z",
    };
    let mut want = lineage_cells("node-1", &BASH, true, &SSHD, true, &sshd0);
    want.push(extra(json!({
        "ExecId": exec_id("node-1", 259289118000000, 48100),
        "ParentExecId": exec_id("node-1", 259288010000000, 48099),
        "ProcessCurrentWorkingDirectory": "/root", "Uid": 0, "Auid": 0, "Flags": "execve clone"
    })));
    assert_row(rows[0], "DeviceProcessEvents", &want);

    let docker = P {
        binary: "/usr/bin/docker",
        cmd: "/usr/bin/docker exec -it atomic-test-container /bin/sh",
        pid: 48230,
        start: "2025-03-04T10:15:02.441Z",
    };
    let mut want = lineage_cells("node-1", &docker, true, &BASH, true, &SSHD);
    want.push(extra(json!({
        "ExecId": exec_id("node-1", 259301441000000, 48230),
        "ParentExecId": exec_id("node-1", 259289118000000, 48100),
        "ProcessCurrentWorkingDirectory": "/root", "Uid": 0, "Auid": 0, "Flags": "execve clone"
    })));
    assert_row(rows[1], "DeviceProcessEvents", &want);
}

#[test]
fn container_shell_replaces_runc_init_in_place() {
    let out = node1();
    let rows = out.table("DeviceProcessEvents");
    let sh = P {
        binary: "/bin/sh",
        cmd: "/bin/sh",
        pid: 48262,
        start: "2025-03-04T10:15:02.602Z",
    };
    let init = P {
        binary: "/usr/bin/runc",
        cmd: "/usr/bin/runc init",
        pid: 48262,
        start: "2025-03-04T10:15:02.571Z",
    };
    let runc = P {
        binary: "/usr/bin/runc",
        cmd: "",
        pid: 48255,
        start: "2025-03-04T10:15:02.560Z",
    };
    // No `clone` flag: same pid as its parent, which is the pre-exec image (runc init).
    let mut want = lineage_cells("node-1", &sh, false, &init, true, &runc);
    want.push(extra(json!({
        "ExecId": exec_id("node-1", 259301602000000, 48262),
        "ParentExecId": exec_id("node-1", 259301571000000, 48262),
        "ProcessCurrentWorkingDirectory": "/", "Uid": 0, "Auid": 4294967295_u32, "Flags": "execve",
        "ContainerId": "9cc6d64c75d0f1a"
    })));
    assert_row(rows[2], "DeviceProcessEvents", &want);
}

#[test]
fn without_ancestors_the_grandparent_comes_from_the_process_table() {
    let out = node1();
    let rows = out.table("DeviceProcessEvents");
    let kubectl = P {
        binary: "/usr/local/bin/kubectl",
        cmd: "/usr/local/bin/kubectl exec atomic-exec-test -- /bin/sh",
        pid: 48240,
        start: "2025-03-04T10:15:10.005Z",
    };
    let mut want = lineage_cells("node-1", &kubectl, true, &BASH, true, &SSHD);
    want.push(extra(json!({
        "ExecId": exec_id("node-1", 259309005000000, 48240),
        "ParentExecId": exec_id("node-1", 259289118000000, 48100),
        "ProcessCurrentWorkingDirectory": "/root", "Uid": 0, "Auid": 0, "Flags": "execve clone"
    })));
    assert_row(rows[3], "DeviceProcessEvents", &want);
}

#[test]
fn atomic_docker_exec_keeps_tetragons_quoting() {
    let out = node1();
    let rows = out.table("DeviceProcessEvents");
    let script = P {
        binary: "/usr/bin/bash",
        cmd: "/usr/bin/bash /tmp/atomic-T1609-2.sh",
        pid: 48270,
        start: "2025-03-04T10:15:25.000Z",
    };
    let docker = P {
        binary: "/usr/bin/docker",
        cmd: "/usr/bin/docker exec -i t1609_container bash -c \"cat /tmp/output.txt\"",
        pid: 48271,
        start: "2025-03-04T10:15:25.120Z",
    };
    let mut want = lineage_cells("node-1", &docker, true, &script, true, &BASH);
    want.push(extra(json!({
        "ExecId": exec_id("node-1", 259314120000000, 48271),
        "ParentExecId": exec_id("node-1", 259314000000000, 48270),
        "ProcessCurrentWorkingDirectory": "/root", "Uid": 0, "Auid": 0, "Flags": "execve clone"
    })));
    assert_row(rows[5], "DeviceProcessEvents", &want);
}

#[test]
fn kubelet_curl_and_its_tcp_connect() {
    let out = node1();
    let cmd = "/usr/bin/curl -k -XPOST https://10.0.0.12:10250/run/default/web/app -d cmd=id";
    let rows = out.table("DeviceProcessEvents");
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[6].get("ProcessCommandLine"), Some(&s(cmd)));
    let net = out.table("DeviceNetworkEvents");
    assert_eq!(net.len(), 1);
    assert_row(
        net[0],
        "DeviceNetworkEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:30.101125498Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:30.101125498Z")),
            ("DeviceName", s("node-1")),
            ("ActionType", s("ConnectionSuccess")),
            ("RemoteIP", s("10.0.0.12")),
            ("RemotePort", i(10250)),
            ("LocalIP", s("10.0.0.11")),
            ("LocalPort", i(51544)),
            ("Protocol", s("Tcp")),
            ("InitiatingProcessFileName", s("curl")),
            ("InitiatingProcessFolderPath", s("/usr/bin/curl")),
            ("InitiatingProcessCommandLine", s(cmd)),
            ("InitiatingProcessId", l(48290)),
            (
                "InitiatingProcessCreationTime",
                dt("2025-03-04T10:15:30.050Z"),
            ),
            ("InitiatingProcessAccountName", s("root")),
            ("InitiatingProcessAccountDomain", s("node-1")),
            ("InitiatingProcessParentFileName", s("bash")),
            ("InitiatingProcessParentId", l(48100)),
            (
                "InitiatingProcessParentCreationTime",
                dt("2025-03-04T10:14:50.118Z"),
            ),
            extra(json!({
                "ExecId": exec_id("node-1", 259319050000000, 48290),
                "PolicyName": "monitor-network-activity", "SocketFamily": "AF_INET",
                "SocketType": "SOCK_STREAM", "SocketState": "TCP_SYN_SENT",
                "Action": "KPROBE_ACTION_POST"
            })),
        ],
    );
    // process_exit only expires the table entry; other kprobes are skipped by design.
    assert_eq!(
        out.bad_lines(),
        vec![(
            Some(10),
            &BadReason::Unsupported("Tetragon kprobe security_file_permission".into())
        )]
    );
}

#[test]
fn pod_exec_on_a_kubernetes_node_behind_the_cri_log_prefix() {
    let out = read(
        "node-2-export-stdout.log",
        &process_table::shared(Limits::default()),
    );
    let rows = out.table("DeviceProcessEvents");
    assert_eq!(rows.len(), 1);
    let uname = P {
        binary: "/bin/uname",
        cmd: "/bin/uname",
        pid: 61022,
        start: "2025-03-04T10:15:20.451Z",
    };
    let init = P {
        binary: "/usr/bin/runc",
        cmd: "/usr/bin/runc init",
        pid: 61022,
        start: "2025-03-04T10:15:20.449Z",
    };
    let runc = P {
        binary: "/usr/bin/runc",
        cmd: "",
        pid: 61015,
        start: "2025-03-04T10:15:20.441Z",
    };
    let mut want = lineage_cells("node-2", &uname, false, &init, false, &runc);
    want.push(extra(json!({
        "ExecId": exec_id("node-2", 8450411000000, 61022),
        "ParentExecId": exec_id("node-2", 8450409000000, 61022),
        "ProcessCurrentWorkingDirectory": "/", "Uid": 0, "Auid": 4294967295_u32, "Flags": "execve",
        "ContainerId": "3f9a1c7e5b2d4f6", "PodNamespace": "default", "PodName": "busybox",
        "ContainerName": "busybox", "ContainerImage": "docker.io/library/busybox:1.36"
    })));
    assert_row(rows[0], "DeviceProcessEvents", &want);
    assert_eq!(
        out.bad_lines(),
        vec![(
            Some(3),
            &BadReason::Unsupported("Tetragon process_tracepoint event".into())
        )]
    );
}

#[test]
fn registry_opens_tetragon() {
    let table = process_table::shared(Limits::default());
    let (name, out) = read_via_registry("tetragon/node-1-tetragon.log", &table);
    assert_eq!(name, "tetragon");
    assert_eq!(out.rows.len(), node1().rows.len());
}
