//! auditd → DeviceProcessEvents / DeviceNetworkEvents over the composed fixtures in
//! `testdata/logs/auditd/`: two rotated ENRICHED logs of host `node-1` read with one process
//! table, and a RAW log of `node-2` with the format's awkward cases. Expected rows are written
//! from telemetry-formats §3 and §7.4 / §7.8.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use log_sources::formats::auditd::{AuditdReader, sniff};
use log_sources::process_table::{self, Limits, SharedProcessTable};
use log_sources::{BadReason, Value};
use mapped_support::*;
use serde_json::{Value as Json, json};

fn read(file: &str, table: &SharedProcessTable, chunk: usize) -> Collected {
    let mut r = AuditdReader::new(file.into(), table.clone()).unwrap();
    read_all(&mut r, &testdata(&format!("auditd/{file}")), chunk)
}

/// Both node-1 files, older first, sharing one process table (rotated logs of one host).
fn node1(chunk: usize) -> (Collected, Collected) {
    let table = process_table::shared(Limits::default());
    let old = read("node-1-audit.log.1", &table, chunk);
    let new = read("node-1-audit.log", &table, chunk);
    (old, new)
}

struct Exec<'a> {
    time: &'a str,
    node: &'a str,
    root: bool,
    exe: &'a str,
    file: &'a str,
    argv: &'a [&'a str],
    pid: i64,
}

/// The cells of a process-create row that come from the event itself.
fn exec_cells(e: &Exec) -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("Timestamp", dt(e.time)),
        ("TimeGenerated", dt(e.time)),
        ("ProcessCreationTime", dt(e.time)),
        ("DeviceName", s(e.node)),
        ("ActionType", s("ProcessCreated")),
        ("FileName", s(e.file)),
        ("FolderPath", s(e.exe)),
        ("ProcessCommandLine", s(&e.argv.join(" "))),
        ("ProcessId", l(e.pid)),
    ];
    if e.root {
        v.push(("AccountName", s("root")));
        v.push(("AccountDomain", s(e.node)));
    }
    v
}

/// `AdditionalFields` of an exec row.
#[allow(clippy::too_many_arguments)]
fn extra(
    argv: &[&str],
    source: &str,
    cwd: Option<&str>,
    uid: &str,
    auid: &str,
    auid_name: Option<&str>,
    ppid: &str,
    tty: &str,
    ses: &str,
    comm: &str,
    serial: u64,
) -> (&'static str, Value) {
    let mut m = json!({
        "ProcessArgv": argv,
        "CommandLineSource": source,
        "Uid": uid,
        "Euid": uid,
        "Auid": auid,
        "Ppid": ppid,
        "Tty": tty,
        "Session": ses,
        "Comm": comm,
        "AuditKey": "exec",
        "AuditSerial": serial,
    });
    if let Some(c) = cwd {
        m["ProcessCurrentWorkingDirectory"] = Json::from(c);
    }
    if let Some(a) = auid_name {
        m["AuidName"] = Json::from(a);
    }
    ("AdditionalFields", dynamic(m))
}

/// Extra cells for a root session process on node-1 (auid 0, pts0, session 3).
fn session_extra(argv: &[&str], ppid: &str, comm: &str, serial: u64) -> (&'static str, Value) {
    extra(
        argv,
        "EXECVE",
        Some("/root"),
        "0",
        "0",
        Some("root"),
        ppid,
        "pts0",
        "3",
        comm,
        serial,
    )
}

/// Initiating cells of a child of the login shell (pid 48100, itself a child of sshd 48099).
fn child_of_login_bash() -> Vec<(&'static str, Value)> {
    vec![
        ("InitiatingProcessId", l(48100)),
        ("InitiatingProcessFileName", s("bash")),
        ("InitiatingProcessFolderPath", s("/usr/bin/bash")),
        ("InitiatingProcessCommandLine", s("-bash")),
        ("InitiatingProcessAccountName", s("root")),
        ("InitiatingProcessAccountDomain", s("node-1")),
        (
            "InitiatingProcessCreationTime",
            dt("2025-03-04T10:14:50.118Z"),
        ),
        ("InitiatingProcessParentFileName", s("sshd")),
        ("InitiatingProcessParentId", l(48099)),
        (
            "InitiatingProcessParentCreationTime",
            dt("2025-03-04T10:14:49.010Z"),
        ),
    ]
}

fn concat(parts: Vec<Vec<(&'static str, Value)>>) -> Vec<(&'static str, Value)> {
    parts.into_iter().flatten().collect()
}

const RUNC_ID: &str = "9cc6d64c75d0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6";

fn runc_argv() -> Vec<String> {
    let task = format!("/run/containerd/io.containerd.runtime.v2.task/moby/{RUNC_ID}");
    vec![
        "runc".into(),
        "--root".into(),
        "/var/run/docker/runtime-runc/moby".into(),
        "--log".into(),
        format!("{task}/log.json"),
        "--log-format".into(),
        "json".into(),
        "exec".into(),
        "--process".into(),
        "/tmp/runc-process1693554791".into(),
        "--detach".into(),
        "--pid-file".into(),
        format!("{task}/0e1f2a3b.pid"),
        RUNC_ID.into(),
    ]
}

#[test]
fn sniffs_audit_logs() {
    assert!(sniff(&testdata("auditd/node-1-audit.log.1")));
    assert!(sniff(&testdata("auditd/node-2-edge-cases.log")));
    assert!(!sniff(&testdata("sysmon-linux/node-1-syslog.log")));
}

#[test]
fn login_chain_and_docker_exec() {
    let (old, _) = node1(4096);
    let rows = old.table("DeviceProcessEvents");
    let sshd = ["/usr/sbin/sshd", "-D", "-R"];
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:14:49.010Z",
                node: "node-1",
                root: true,
                exe: "/usr/sbin/sshd",
                file: "sshd",
                argv: &sshd,
                pid: 48099,
            }),
            vec![
                ("InitiatingProcessId", l(1021)),
                extra(
                    &sshd,
                    "EXECVE",
                    Some("/"),
                    "0",
                    "4294967295",
                    Some("unset"),
                    "1021",
                    "(none)",
                    "4294967295",
                    "sshd",
                    5101,
                ),
            ],
        ]),
    );
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:14:50.118Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/bash",
                file: "bash",
                argv: &["-bash"],
                pid: 48100,
            }),
            vec![
                ("InitiatingProcessId", l(48099)),
                ("InitiatingProcessFileName", s("sshd")),
                ("InitiatingProcessFolderPath", s("/usr/sbin/sshd")),
                ("InitiatingProcessCommandLine", s("/usr/sbin/sshd -D -R")),
                ("InitiatingProcessAccountName", s("root")),
                ("InitiatingProcessAccountDomain", s("node-1")),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T10:14:49.010Z"),
                ),
                // sshd's parent was never seen: only its pid is known.
                ("InitiatingProcessParentId", l(1021)),
                session_extra(&["-bash"], "48099", "bash", 5105),
            ],
        ]),
    );
    let docker = ["docker", "exec", "-it", "atomic-test-container", "/bin/sh"];
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:02.441Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/docker",
                file: "docker",
                argv: &docker,
                pid: 48230,
            }),
            child_of_login_bash(),
            vec![session_extra(&docker, "48100", "docker", 5120)],
        ]),
    );
}

#[test]
fn container_shell_is_an_exec_in_place_of_runc_init() {
    let (old, _) = node1(4096);
    let rows = old.table("DeviceProcessEvents");
    let runc = runc_argv();
    let runc_ref: Vec<&str> = runc.iter().map(String::as_str).collect();
    let cwd = format!("/run/containerd/io.containerd.runtime.v2.task/moby/{RUNC_ID}");
    let unset = |argv: &[&str], cwd: &str, ppid: &str, tty: &str, comm: &str, serial| {
        extra(
            argv,
            "EXECVE",
            Some(cwd),
            "0",
            "4294967295",
            Some("unset"),
            ppid,
            tty,
            "4294967295",
            comm,
            serial,
        )
    };
    assert_row(
        rows[3],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:02.560Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/runc",
                file: "runc",
                argv: &runc_ref,
                pid: 48255,
            }),
            vec![
                ("InitiatingProcessId", l(2210)),
                unset(&runc_ref, &cwd, "2210", "(none)", "runc", 5124),
            ],
        ]),
    );
    let runc_init = ["runc", "init"];
    assert_row(
        rows[4],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:02.571Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/runc",
                file: "runc",
                argv: &runc_init,
                pid: 48262,
            }),
            vec![
                ("InitiatingProcessId", l(48255)),
                ("InitiatingProcessFileName", s("runc")),
                ("InitiatingProcessFolderPath", s("/usr/bin/runc")),
                ("InitiatingProcessCommandLine", s(&runc.join(" "))),
                ("InitiatingProcessAccountName", s("root")),
                ("InitiatingProcessAccountDomain", s("node-1")),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T10:15:02.560Z"),
                ),
                ("InitiatingProcessParentId", l(2210)),
                unset(&runc_init, "/", "48255", "(none)", "runc", 5125),
            ],
        ]),
    );
    // Same pid, same ppid, no exit in between: `runc init` became `/bin/sh`. Like Defender,
    // the initiating process is the previous image of the same pid.
    assert_row(
        rows[5],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:02.602Z",
                node: "node-1",
                root: true,
                exe: "/bin/busybox",
                file: "busybox",
                argv: &["/bin/sh"],
                pid: 48262,
            }),
            vec![
                ("InitiatingProcessId", l(48262)),
                ("InitiatingProcessFileName", s("runc")),
                ("InitiatingProcessFolderPath", s("/usr/bin/runc")),
                ("InitiatingProcessCommandLine", s("runc init")),
                ("InitiatingProcessAccountName", s("root")),
                ("InitiatingProcessAccountDomain", s("node-1")),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T10:15:02.571Z"),
                ),
                ("InitiatingProcessParentFileName", s("runc")),
                ("InitiatingProcessParentId", l(48255)),
                (
                    "InitiatingProcessParentCreationTime",
                    dt("2025-03-04T10:15:02.560Z"),
                ),
                unset(&["/bin/sh"], "/", "48255", "pts1", "sh", 5127),
            ],
        ]),
    );
}

#[test]
fn kubectl_exec_forms() {
    let (old, new) = node1(4096);
    let a = ["kubectl", "exec", "atomic-exec-test", "--", "/bin/sh"];
    assert_row(
        old.table("DeviceProcessEvents")[6],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:10.005Z",
                node: "node-1",
                root: true,
                exe: "/usr/local/bin/kubectl",
                file: "kubectl",
                argv: &a,
                pid: 48240,
            }),
            child_of_login_bash(),
            vec![session_extra(&a, "48100", "kubectl", 5140)],
        ]),
    );
    // The second file: its parent (the login bash) is known from the first.
    let b = ["kubectl", "exec", "-n", "default", "busybox", "--", "uname"];
    assert_row(
        new.table("DeviceProcessEvents")[0],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:20.310Z",
                node: "node-1",
                root: true,
                exe: "/usr/local/bin/kubectl",
                file: "kubectl",
                argv: &b,
                pid: 48250,
            }),
            child_of_login_bash(),
            vec![session_extra(&b, "48100", "kubectl", 5160)],
        ]),
    );
}

#[test]
fn atomic_docker_exec_with_a_hex_encoded_argument() {
    let (_, new) = node1(4096);
    let rows = new.table("DeviceProcessEvents");
    let script = ["/bin/bash", "/tmp/atomic-T1609-2.sh"];
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:25.000Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/bash",
                file: "bash",
                argv: &script,
                pid: 48270,
            }),
            child_of_login_bash(),
            vec![session_extra(&script, "48100", "bash", 5170)],
        ]),
    );
    // a6 is hex (it contains spaces); the command line joins argv unquoted, argv keeps it.
    let docker = [
        "docker",
        "exec",
        "-i",
        "t1609_container",
        "bash",
        "-c",
        "cat /tmp/output.txt",
    ];
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:25.120Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/docker",
                file: "docker",
                argv: &docker,
                pid: 48271,
            }),
            vec![
                ("InitiatingProcessId", l(48270)),
                ("InitiatingProcessFileName", s("bash")),
                ("InitiatingProcessFolderPath", s("/usr/bin/bash")),
                (
                    "InitiatingProcessCommandLine",
                    s("/bin/bash /tmp/atomic-T1609-2.sh"),
                ),
                ("InitiatingProcessAccountName", s("root")),
                ("InitiatingProcessAccountDomain", s("node-1")),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T10:15:25.000Z"),
                ),
                ("InitiatingProcessParentFileName", s("bash")),
                ("InitiatingProcessParentId", l(48100)),
                (
                    "InitiatingProcessParentCreationTime",
                    dt("2025-03-04T10:14:50.118Z"),
                ),
                session_extra(&docker, "48270", "docker", 5172),
            ],
        ]),
    );
    assert_eq!(
        rows[2].get("ProcessCommandLine"),
        Some(&s(
            "docker exec -i t1609_container bash -c cat /tmp/output.txt"
        ))
    );
}

#[test]
fn kubelet_curl_and_its_connect_to_10250() {
    let (_, new) = node1(4096);
    let curl = [
        "curl",
        "-k",
        "-XPOST",
        "https://10.0.0.12:10250/run/default/web/app",
        "-d",
        "cmd=id",
    ];
    assert_row(
        new.table("DeviceProcessEvents")[3],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&Exec {
                time: "2025-03-04T10:15:30.050Z",
                node: "node-1",
                root: true,
                exe: "/usr/bin/curl",
                file: "curl",
                argv: &curl,
                pid: 48290,
            }),
            child_of_login_bash(),
            vec![session_extra(&curl, "48100", "curl", 5190)],
        ]),
    );
    let net = new.table("DeviceNetworkEvents");
    assert_eq!(net.len(), 1);
    assert_row(
        net[0],
        "DeviceNetworkEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:15:30.101Z")),
            ("TimeGenerated", dt("2025-03-04T10:15:30.101Z")),
            ("DeviceName", s("node-1")),
            // exit=-115 (EINPROGRESS): a non-blocking connect under way.
            ("ActionType", s("ConnectionSuccess")),
            ("RemoteIP", s("10.0.0.12")),
            ("RemotePort", i(10250)),
            ("InitiatingProcessFileName", s("curl")),
            ("InitiatingProcessFolderPath", s("/usr/bin/curl")),
            ("InitiatingProcessId", l(48290)),
            ("InitiatingProcessCommandLine", s(&curl.join(" "))),
            ("InitiatingProcessAccountName", s("root")),
            ("InitiatingProcessAccountDomain", s("node-1")),
            (
                "InitiatingProcessCreationTime",
                dt("2025-03-04T10:15:30.050Z"),
            ),
            ("InitiatingProcessParentFileName", s("bash")),
            ("InitiatingProcessParentId", l(48100)),
            (
                "InitiatingProcessParentCreationTime",
                dt("2025-03-04T10:14:50.118Z"),
            ),
            (
                "AdditionalFields",
                dynamic(json!({
                    "SocketFamily": "AF_INET", "Exit": "-115", "Success": "no", "Uid": "0",
                    "Auid": "0", "Comm": "curl", "AuditKey": "net", "AuditSerial": 5191
                })),
            ),
        ],
    );
}

#[test]
fn node1_counts_and_reports() {
    let (old, new) = node1(4096);
    assert_eq!(old.rows.len(), 7);
    assert!(old.bad.is_empty(), "{:?}", old.bad);
    assert_eq!(new.table("DeviceProcessEvents").len(), 4);
    // exit_group only expires the process; the PAM record is not an exec.
    assert_eq!(
        new.bad_lines(),
        vec![(
            Some(1),
            &BadReason::Unsupported("auditd CRED_DISP event".into())
        )]
    );
}

#[test]
fn raw_format_edge_cases() {
    let table = process_table::shared(Limits::default());
    let out = read("node-2-edge-cases.log", &table, 4096);
    let rows = out.table("DeviceProcessEvents");
    assert_eq!(rows.len(), 5);
    fn raw<'a>(
        time: &'a str,
        exe: &'a str,
        file: &'a str,
        argv: &'a [&'a str],
        pid: i64,
    ) -> Exec<'a> {
        Exec {
            time,
            node: "node-2",
            root: false,
            exe,
            file,
            argv,
            pid,
        }
    }
    // Interleaved with 7001, 7002 ends first (its EOE comes first).
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&raw(
                "2025-03-04T11:00:00.101Z",
                "/usr/bin/id",
                "id",
                &["id"],
                950,
            )),
            vec![
                ("InitiatingProcessId", l(1)),
                extra(
                    &["id"],
                    "EXECVE",
                    None,
                    "0",
                    "4294967295",
                    None,
                    "1",
                    "(none)",
                    "4294967295",
                    "id",
                    7002,
                ),
            ],
        ]),
    );
    // Split, hex-encoded a2 over two EXECVE records; RAW format: no account name; exe is the
    // real image (dash) although argv[0] is /bin/sh.
    let sh = ["/bin/sh", "-c", "kubectl exec -n default busybox -- uname"];
    let dev = |argv: &[&str], source, comm, serial| {
        extra(
            argv,
            source,
            Some("/home/dev"),
            "1000",
            "1000",
            None,
            "900",
            "pts2",
            "7",
            comm,
            serial,
        )
    };
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&raw(
                "2025-03-04T11:00:00.100Z",
                "/usr/bin/dash",
                "dash",
                &sh,
                901,
            )),
            vec![
                ("InitiatingProcessId", l(900)),
                dev(&sh, "EXECVE", "sh", 7001),
            ],
        ]),
    );
    // The shell replaced by kubectl (same pid and ppid); no EXECVE record, PROCTITLE used.
    let k = ["kubectl", "exec", "-n", "default", "busybox", "--", "uname"];
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&raw(
                "2025-03-04T11:00:00.180Z",
                "/usr/local/bin/kubectl",
                "kubectl",
                &k,
                901,
            )),
            vec![
                ("InitiatingProcessId", l(901)),
                ("InitiatingProcessFileName", s("dash")),
                ("InitiatingProcessFolderPath", s("/usr/bin/dash")),
                ("InitiatingProcessCommandLine", s(&sh.join(" "))),
                (
                    "InitiatingProcessCreationTime",
                    dt("2025-03-04T11:00:00.100Z"),
                ),
                ("InitiatingProcessParentId", l(900)),
                dev(&k, "PROCTITLE", "kubectl", 7003),
            ],
        ]),
    );
    // The kernel's numeric record types, host from the journald header; completed when a
    // record four seconds later shows it is over.
    let crictl = ["crictl", "exec", "-it", "4e1b"];
    assert_row(
        rows[3],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&raw(
                "2025-03-04T11:00:05.000Z",
                "/usr/local/bin/crictl",
                "crictl",
                &crictl,
                970,
            )),
            vec![
                ("InitiatingProcessId", l(1)),
                extra(
                    &crictl,
                    "EXECVE",
                    None,
                    "0",
                    "4294967295",
                    None,
                    "1",
                    "(none)",
                    "4294967295",
                    "crictl",
                    7010,
                ),
            ],
        ]),
    );
    // No EOE at the end of the input: completed by finish().
    assert_row(
        rows[4],
        "DeviceProcessEvents",
        &concat(vec![
            exec_cells(&raw(
                "2025-03-04T11:00:09.000Z",
                "/usr/bin/whoami",
                "whoami",
                &["whoami"],
                980,
            )),
            vec![
                ("InitiatingProcessId", l(1)),
                extra(
                    &["whoami"],
                    "EXECVE",
                    None,
                    "0",
                    "4294967295",
                    None,
                    "1",
                    "(none)",
                    "4294967295",
                    "whoami",
                    7020,
                ),
            ],
        ]),
    );
    assert_eq!(
        out.bad_lines(),
        vec![
            (
                Some(14),
                &BadReason::Unsupported("connect to a non-IP socket (family 1)".into())
            ),
            (
                Some(17),
                &BadReason::Unsupported("failed execve (success=no)".into())
            ),
            (
                Some(20),
                &BadReason::Malformed("auditd line: no `type=` field".into())
            ),
        ]
    );
}

#[test]
fn chunk_size_does_not_change_the_result() {
    let (old, new) = node1(1 << 20);
    for chunk in [1, 13, 512] {
        let (o, n) = node1(chunk);
        assert_eq!((&o.rows, &n.rows), (&old.rows, &new.rows), "chunk {chunk}");
        assert_eq!((&o.bad, &n.bad), (&old.bad, &new.bad), "chunk {chunk}");
    }
}

#[test]
fn without_the_older_file_the_parent_is_unknown() {
    let table = process_table::shared(Limits::default());
    let new = read("node-1-audit.log", &table, 4096);
    let k = new.table("DeviceProcessEvents")[0];
    assert_eq!(k.get("InitiatingProcessId"), Some(&l(48100)));
    assert_eq!(k.get("InitiatingProcessFileName"), None);
    assert_eq!(k.get("InitiatingProcessCommandLine"), None);
}

#[test]
fn registry_recognises_and_opens_the_rotated_logs_with_one_table() {
    let table = process_table::shared(Limits::default());
    let (name, old) = read_via_registry("auditd/node-1-audit.log.1", &table);
    assert_eq!(name, "auditd");
    let (name, new) = read_via_registry("auditd/node-1-audit.log", &table);
    assert_eq!(name, "auditd");
    let (direct_old, direct_new) = node1(4096);
    assert_eq!(old.rows.len(), direct_old.rows.len());
    for (a, b) in new.rows.iter().zip(&direct_new.rows) {
        assert_eq!(a.cells, b.cells);
    }
    assert_eq!(new.rows.len(), direct_new.rows.len());
}
