//! Sysmon for Linux syslog → DeviceProcessEvents / DeviceNetworkEvents, over the composed
//! `testdata/logs/sysmon-linux/node-1-syslog.log` (docker exec, kubectl exec, the Atomic
//! T1609 tests and a kubelet call on host `node-1`). Expected rows are written from
//! telemetry-formats §2.1, §7.2 and §7.8.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use log_sources::formats::sysmon::linux::{SysmonLinuxReader, sniff};
use log_sources::process_table::{self, Limits};
use log_sources::{BadReason, Value};
use mapped_support::*;
use serde_json::json;

const BASH_GUID: &str = "{7e1b2c3d-0a1f-67c6-30b6-4a2d1e550000}";
const LOGON_GUID: &str = "{7e1b2c3d-0000-0000-0000-000003000000}";

fn read(chunk: usize) -> Collected {
    let table = process_table::shared(Limits::default());
    let mut r = SysmonLinuxReader::new("node-1-syslog.log".into(), table).unwrap();
    read_all(&mut r, &testdata("sysmon-linux/node-1-syslog.log"), chunk)
}

/// The cells every process-create row of this host has.
fn process_row(
    time: &str,
    report: i64,
    image: &str,
    file: &str,
    cmd: &str,
    pid: i64,
) -> Vec<(&'static str, Value)> {
    vec![
        ("Timestamp", dt(time)),
        ("TimeGenerated", dt(time)),
        ("ProcessCreationTime", dt(time)),
        ("DeviceName", s("node-1")),
        ("ActionType", s("ProcessCreated")),
        ("ReportId", l(report)),
        ("AccountName", s("root")),
        ("AccountDomain", s("node-1")),
        ("FileName", s(file)),
        ("FolderPath", s(image)),
        ("ProcessCommandLine", s(cmd)),
        ("ProcessId", l(pid)),
    ]
}

/// Initiating-process cells for a child of the login shell `-bash` (pid 48100), which the
/// table knows from its own Event ID 1, and whose parent was sshd (pid 48099, not seen).
fn child_of_login_bash() -> Vec<(&'static str, Value)> {
    vec![
        ("InitiatingProcessId", l(48100)),
        ("InitiatingProcessFileName", s("bash")),
        ("InitiatingProcessFolderPath", s("/usr/bin/bash")),
        ("InitiatingProcessCommandLine", s("-bash")),
        ("InitiatingProcessAccountName", s("root")),
        (
            "InitiatingProcessCreationTime",
            dt("2025-03-04T10:14:50.120Z"),
        ),
        ("InitiatingProcessParentFileName", s("sshd")),
        ("InitiatingProcessParentId", l(48099)),
    ]
}

fn additional(
    guid: &str,
    parent_guid: &str,
    parent_cmd: &str,
    source: &str,
    tsid: &str,
    cwd: &str,
) -> (&'static str, Value) {
    (
        "AdditionalFields",
        dynamic(json!({
            "ProcessGuid": guid,
            "ParentProcessGuid": parent_guid,
            "CurrentDirectory": cwd,
            "LogonGuid": LOGON_GUID,
            "TerminalSessionId": tsid,
            "ParentCommandLine": parent_cmd,
            "InitiatingProcessCommandLineSource": source,
        })),
    )
}

fn concat(parts: &[Vec<(&'static str, Value)>]) -> Vec<(&'static str, Value)> {
    parts.iter().flatten().cloned().collect()
}

#[test]
fn sniffs_sysmon_for_linux_syslog() {
    assert!(sniff(&testdata("sysmon-linux/node-1-syslog.log")[..4096]));
    assert!(!sniff(
        b"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}"
    ));
}

#[test]
fn login_shell_with_unseen_parent_falls_back_to_the_event() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:14:50.120Z",
                1001,
                "/usr/bin/bash",
                "bash",
                "-bash",
                48100,
            ),
            vec![
                ("InitiatingProcessId", l(48099)),
                ("InitiatingProcessFileName", s("sshd")),
                ("InitiatingProcessFolderPath", s("/usr/sbin/sshd")),
                // sshd's own event was not seen: the event's ParentCommandLine is all there is.
                ("InitiatingProcessCommandLine", s("sshd: root@pts/0")),
                ("InitiatingProcessAccountName", s("root")),
                additional(
                    BASH_GUID,
                    "{7e1b2c3d-09f0-67c6-98a1-3b0c1e550000}",
                    "sshd: root@pts/0",
                    "ParentCommandLine",
                    "3",
                    "/root",
                ),
            ],
        ]),
    );
}

#[test]
fn docker_exec_interactive_shell() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    let docker_guid = "{7e1b2c3d-0a26-67c6-c8f2-9b1e2f550000}";
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:02.441Z",
                1002,
                "/usr/bin/docker",
                "docker",
                "docker exec -it atomic-test-container /bin/sh",
                48230,
            ),
            child_of_login_bash(),
            vec![additional(
                docker_guid,
                BASH_GUID,
                "-bash",
                "ParentProcessCreate",
                "3",
                "/root",
            )],
        ]),
    );
    // The shell inside the container: a host process whose parent is runc, not docker.
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:02.602Z",
                1003,
                "/bin/busybox",
                "busybox",
                "/bin/sh",
                48262,
            ),
            vec![
                ("InitiatingProcessId", l(48255)),
                ("InitiatingProcessFileName", s("runc")),
                ("InitiatingProcessFolderPath", s("/usr/bin/runc")),
                ("InitiatingProcessCommandLine", s("runc")),
                ("InitiatingProcessAccountName", s("root")),
                additional(
                    "{7e1b2c3d-0a26-67c6-e0a7-5c9b32550000}",
                    "{7e1b2c3d-0a26-67c6-10c4-7d2a31550000}",
                    "runc",
                    "ParentCommandLine",
                    "4294967295",
                    "/",
                ),
            ],
        ]),
    );
}

#[test]
fn kubectl_exec_both_atomic_forms() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    assert_row(
        rows[3],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:10.005Z",
                1004,
                "/usr/local/bin/kubectl",
                "kubectl",
                "kubectl exec atomic-exec-test -- /bin/sh",
                48240,
            ),
            child_of_login_bash(),
            vec![additional(
                "{7e1b2c3d-0a2e-67c6-a8e1-2f6c33550000}",
                BASH_GUID,
                "-bash",
                "ParentProcessCreate",
                "3",
                "/root",
            )],
        ]),
    );
    assert_row(
        rows[4],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:20.310Z",
                1005,
                "/usr/local/bin/kubectl",
                "kubectl",
                "kubectl exec -n default busybox -- uname",
                48250,
            ),
            child_of_login_bash(),
            vec![additional(
                "{7e1b2c3d-0a38-67c6-f0b2-8e4d34550000}",
                BASH_GUID,
                "-bash",
                "ParentProcessCreate",
                "3",
                "/root",
            )],
        ]),
    );
}

#[test]
fn parent_command_line_is_recovered_from_the_parents_own_event() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    // Sysmon wrote ParentCommandLine "/bin/bash"; the script's own Event ID 1 has the full
    // command line, and its parent (the login bash) is the initiating parent.
    let script_guid = "{7e1b2c3d-0a3d-67c6-58c3-1a7e35550000}";
    assert_row(
        rows[6],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:25.120Z",
                1007,
                "/usr/bin/docker",
                "docker",
                "docker exec -i t1609_container bash -c cat /tmp/output.txt",
                48271,
            ),
            vec![
                ("InitiatingProcessId", l(48270)),
                ("InitiatingProcessFileName", s("bash")),
                ("InitiatingProcessFolderPath", s("/usr/bin/bash")),
                (
                    "InitiatingProcessCommandLine",
                    s("/bin/bash /tmp/atomic-T1609-2.sh"),
                ),
                ("InitiatingProcessAccountName", s("root")),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T10:15:25.000Z"),
                ),
                ("InitiatingProcessParentFileName", s("bash")),
                ("InitiatingProcessParentId", l(48100)),
                (
                    "InitiatingProcessParentCreationTime",
                    dt("2025-03-04T10:14:50.120Z"),
                ),
                additional(
                    "{7e1b2c3d-0a3d-67c6-b8d0-6f2a36550000}",
                    script_guid,
                    "/bin/bash",
                    "ParentProcessCreate",
                    "3",
                    "/root",
                ),
            ],
        ]),
    );
}

#[test]
fn kubelet_curl_process_and_its_connection_to_10250() {
    let out = read(4096);
    let rows = out.table("DeviceProcessEvents");
    let curl_guid = "{7e1b2c3d-0a42-67c6-40e5-9d3b37550000}";
    let cmd = "curl -k -XPOST https://10.0.0.12:10250/run/default/web/app -d cmd=id";
    assert_row(
        rows[7],
        "DeviceProcessEvents",
        &concat(&[
            process_row(
                "2025-03-04T10:15:30.050Z",
                1009,
                "/usr/bin/curl",
                "curl",
                cmd,
                48290,
            ),
            child_of_login_bash(),
            vec![additional(
                curl_guid,
                BASH_GUID,
                "-bash",
                "ParentProcessCreate",
                "3",
                "/root",
            )],
        ]),
    );
    let net = out.table("DeviceNetworkEvents");
    assert_eq!(net.len(), 1);
    assert_row(
        net[0],
        "DeviceNetworkEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:30.101Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:30.101Z")),
            ("DeviceName", s("node-1")),
            ("ReportId", l(1010)),
            ("ActionType", s("ConnectionSuccess")),
            ("RemoteIP", s("10.0.0.12")),
            ("RemotePort", i(10250)),
            ("LocalIP", s("10.0.0.11")),
            ("LocalPort", i(51544)),
            ("Protocol", s("Tcp")),
            ("InitiatingProcessFileName", s("curl")),
            ("InitiatingProcessFolderPath", s("/usr/bin/curl")),
            ("InitiatingProcessId", l(48290)),
            ("InitiatingProcessAccountName", s("root")),
            ("InitiatingProcessAccountDomain", s("node-1")),
            ("InitiatingProcessCommandLine", s(cmd)),
            (
                "InitiatingProcessCreationTime",
                dt("2025-03-04T10:15:30.050Z"),
            ),
            ("InitiatingProcessParentFileName", s("bash")),
            ("InitiatingProcessParentId", l(48100)),
            (
                "InitiatingProcessParentCreationTime",
                dt("2025-03-04T10:14:50.120Z"),
            ),
            (
                "AdditionalFields",
                dynamic(json!({"ProcessGuid": curl_guid})),
            ),
        ],
    );
}

#[test]
fn other_lines_are_counted_not_lost() {
    let out = read(4096);
    assert_eq!(out.table("DeviceProcessEvents").len(), 8);
    let bad = out.bad_lines();
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert_eq!(bad[0].0, Some(1));
    assert!(matches!(bad[0].1, BadReason::Unsupported(m) if m.contains("without a Sysmon event")));
    // Event ID 5 (line 9) only updates the process table; Event ID 11 is unsupported.
    assert_eq!(
        bad[1],
        (
            Some(12),
            &BadReason::Unsupported("Sysmon event ID 11".into())
        )
    );
    assert_eq!(bad[2].0, Some(13));
    assert!(matches!(bad[2].1, BadReason::Malformed(m) if m.contains("</Event>")));
}

#[test]
fn chunk_size_does_not_change_the_result() {
    let whole = read(1 << 20);
    for chunk in [1, 7, 97, 1000] {
        let out = read(chunk);
        assert_eq!(out.rows, whole.rows, "chunk {chunk}");
        assert_eq!(out.bad, whole.bad, "chunk {chunk}");
    }
}

#[test]
fn registry_recognises_and_opens_sysmon_for_linux() {
    let table = process_table::shared(Limits::default());
    let (name, out) = read_via_registry("sysmon-linux/node-1-syslog.log", &table);
    assert_eq!(name, "sysmon-linux");
    assert_eq!(
        out.rows,
        read(4096)
            .rows
            .into_iter()
            .map(|mut r| {
                r.location.file = "sysmon-linux/node-1-syslog.log".into();
                r
            })
            .collect::<Vec<_>>()
    );
}
