//! The T1609 seed rule, unchanged, over five renderings of one `docker exec -it <container>
//! /bin/sh` from a root login shell (`-bash`, child of `sshd`): Defender advanced-hunting
//! NDJSON, the streaming API's Event Hub envelope, the portal CSV export, Sysmon for Linux
//! and auditd (testdata/logs/*, whose READMEs describe each file). Every rendering goes
//! through discovery, sniffing, its reader and the table builders (`telemetry::load`), then
//! the engine; the expected alerts are worked out by hand from the rule's text and the
//! fixtures.
//!
//! The Kubernetes audit log renders `kubectl exec` differently (API-server events, not a
//! process), so it is checked through a KQL query over AKSAudit instead.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{
    Array, BooleanArray, Int32Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray,
};
use kql_engine::{Engine, QueryOptions};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn logs(rel: &str) -> PathBuf {
    repo().join("testdata/logs").join(rel)
}

/// 2025-03-04T12:00:00Z: just after every fixture's events (10:14–10:21 that day), so the
/// rule's `TimeGenerated > ago(1d)` keeps them all.
const NOW: i64 = 1_741_089_600_000_000_000;

/// 2025-03-04T00:00:00Z, for writing event times as an offset into the day.
const DAY: i64 = 1_741_046_400_000_000_000;

/// `hh:mm:ss` and milliseconds on 2025-03-04, in nanoseconds since the epoch.
fn at(h: i64, m: i64, s: i64, ms: i64) -> i64 {
    DAY + (((h * 60 + m) * 60 + s) * 1000 + ms) * 1_000_000
}

/// Loads `paths` as `kqlhunt` does and runs `query` over them. `errors`: the bad records
/// the fixtures hold on purpose.
async fn run(paths: &[PathBuf], errors: u64, query: &str) -> Vec<RecordBatch> {
    let t = kql_engine::telemetry::load(paths, &log_sources::ReadOptions::default()).unwrap();
    assert_eq!(t.report.errors(), errors, "{:#?}", t.report);
    let mut engine = Engine::new();
    engine.register_telemetry(&t).unwrap();
    engine.register_builtin_empty_tables();
    let planned = match engine.plan(query, &QueryOptions::at(NOW)) {
        Ok(p) => p,
        Err(e) => panic!("{e}: {:#?}", e.diagnostics()),
    };
    engine.collect(&planned).await.unwrap()
}

fn column<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> &'a T {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| panic!("column {name} has type {:?}", b.schema()))
}

/// One alert of the rule: the columns the assertions look at.
#[derive(Debug, Clone, PartialEq)]
struct Alert {
    time: i64,
    device: String,
    account: (String, String),
    file: String,
    command_line: String,
    /// InitiatingProcessFileName, InitiatingProcessCommandLine,
    /// InitiatingProcessParentFileName.
    initiating: (String, String, String),
    interactive: bool,
    shell: bool,
    privileged: bool,
    kubectl_exec: bool,
    curl_kubelet: bool,
    risk: i64,
}

async fn alerts(paths: &[PathBuf], errors: u64) -> Vec<Alert> {
    let rule =
        std::fs::read_to_string(repo().join("rules/t1609/container_admin_command.kql")).unwrap();
    let mut out = Vec::new();
    for b in run(paths, errors, &rule).await {
        let s = |name: &str, i: usize| column::<StringArray>(&b, name).value(i).to_string();
        let f = |name: &str, i: usize| {
            let a = column::<BooleanArray>(&b, name);
            assert!(!a.is_null(i), "{name} is null");
            a.value(i)
        };
        for i in 0..b.num_rows() {
            out.push(Alert {
                time: column::<TimestampNanosecondArray>(&b, "TimeGenerated").value(i),
                device: s("DeviceName", i),
                account: (s("AccountName", i), s("AccountDomain", i)),
                file: s("FileName", i),
                command_line: s("ProcessCommandLine", i),
                initiating: (
                    s("InitiatingProcessFileName", i),
                    s("InitiatingProcessCommandLine", i),
                    s("InitiatingProcessParentFileName", i),
                ),
                interactive: f("IsInteractiveShell", i),
                shell: f("SpawnsShell", i),
                privileged: f("UsesPrivilegedFlag", i),
                kubectl_exec: f("IsKubectlExec", i),
                curl_kubelet: f("IsCurlKubelet", i),
                risk: column::<Int64Array>(&b, "RiskScore").value(i),
            });
        }
    }
    out
}

/// The `docker exec -it` attack as the rule reports it: `-it` makes it interactive (30),
/// `/bin/sh` is a shell (25), no privileged flag, not kubectl, not curl: 55.
fn docker_exec_it(time: i64, device: &str, command_line: &str) -> Alert {
    Alert {
        time,
        device: device.into(),
        account: ("root".into(), "node-1".into()),
        file: "docker".into(),
        command_line: command_line.into(),
        initiating: ("bash".into(), "-bash".into(), "sshd".into()),
        interactive: true,
        shell: true,
        privileged: false,
        kubectl_exec: false,
        curl_kubelet: false,
        risk: 55,
    }
}

/// The Defender renderings hold the one row of the attack, with its parent and grandparent
/// as Defender reports them (`docker exec -it web /bin/sh` at 10:20:11.512 on
/// `node-1.cluster.local`, testdata/logs/defender/README.md).
async fn assert_defender(rel: &str) {
    let got = alerts(&[logs(rel)], 0).await;
    let want = vec![docker_exec_it(
        at(10, 20, 11, 512),
        "node-1.cluster.local",
        "docker exec -it web /bin/sh",
    )];
    assert_eq!(got, want, "{rel}");
}

#[tokio::test]
async fn defender_ndjson() {
    assert_defender("defender/docker-exec.ndjson").await;
}

#[tokio::test]
async fn defender_streaming_envelope() {
    assert_defender("defender/docker-exec.eventhub.json").await;
}

#[tokio::test]
async fn defender_portal_csv() {
    assert_defender("defender/docker-exec.csv").await;
}

/// The host renderings (Sysmon for Linux, auditd) record the whole session of host
/// `node-1`, not just the attack, so the rule also flags two other processes of it, which
/// differ from the attack in a way the rule sees:
/// * Atomic T1609 test 2, `docker exec -i t1609_container bash -c "cat /tmp/output.txt"`:
///   `-i ` (30) and `bash` (25) make 55 too, run from `/bin/bash /tmp/atomic-T1609-2.sh`;
///   both sources join argv with spaces, so the quotes are gone;
/// * `kubectl exec atomic-exec-test -- /bin/sh`: `/bin/sh` (25) and kubectl exec (20) make
///   45; no `-it`, so not interactive.
///
/// Sorted by RiskScore, then TimeGenerated, descending. The attack is the one `docker exec
/// -it` row. Both sources name the host `node-1` (Sysmon's `Computer`, auditd's `node=`)
/// where Defender has the FQDN, and neither has the parent's full command line or the
/// grandparent in the event: they come from the parent's own start event (process table).
fn host_session_alerts() -> Vec<Alert> {
    vec![
        Alert {
            time: at(10, 15, 25, 120),
            device: "node-1".into(),
            account: ("root".into(), "node-1".into()),
            file: "docker".into(),
            command_line: "docker exec -i t1609_container bash -c cat /tmp/output.txt".into(),
            initiating: (
                "bash".into(),
                "/bin/bash /tmp/atomic-T1609-2.sh".into(),
                "bash".into(),
            ),
            interactive: true,
            shell: true,
            privileged: false,
            kubectl_exec: false,
            curl_kubelet: false,
            risk: 55,
        },
        docker_exec_it(
            at(10, 15, 2, 441),
            "node-1",
            "docker exec -it atomic-test-container /bin/sh",
        ),
        Alert {
            time: at(10, 15, 10, 5),
            device: "node-1".into(),
            account: ("root".into(), "node-1".into()),
            file: "kubectl".into(),
            command_line: "kubectl exec atomic-exec-test -- /bin/sh".into(),
            initiating: ("bash".into(), "-bash".into(), "sshd".into()),
            interactive: false,
            shell: true,
            privileged: false,
            kubectl_exec: true,
            curl_kubelet: false,
            risk: 45,
        },
    ]
}

fn docker_exec_it_rows(alerts: &[Alert]) -> usize {
    alerts
        .iter()
        .filter(|a| a.file == "docker" && a.command_line.contains(" -it "))
        .count()
}

#[tokio::test]
async fn sysmon_for_linux() {
    // The file ends with an event cut short by the syslog size limit: one bad record.
    let got = alerts(&[logs("sysmon-linux/node-1-syslog.log")], 1).await;
    assert_eq!(docker_exec_it_rows(&got), 1);
    assert_eq!(got, host_session_alerts());
}

#[tokio::test]
async fn auditd_rotated_logs_named_newest_first() {
    // As a shell expands `audit.log*`. The attack is in the older file; Atomic test 2 is in
    // the newer one, and its grandparent (the login shell) only in the older one, so this
    // also needs the older file read first with one process table.
    let got = alerts(
        &[
            logs("auditd/node-1-audit.log"),
            logs("auditd/node-1-audit.log.1"),
        ],
        0,
    )
    .await;
    assert_eq!(docker_exec_it_rows(&got), 1);
    assert_eq!(got, host_session_alerts());
}

/// Kubernetes `pods/exec` as the API server audits it: kubectl ≤ 1.29 uses verb `create`
/// (SPDY), kubectl ≥ 1.30 verb `get` (WebSocket); each exec has a ResponseStarted and a
/// ResponseComplete event with one auditID, code 101 (telemetry-formats §4, gotcha 7).
/// testdata/logs/k8s-audit/README.md: `kubectl exec atomic-exec-test -- /bin/sh` once with
/// kubectl 1.29 (RequestReceived too) and once with 1.31 (RequestReceived omitted).
#[tokio::test]
async fn kubernetes_exec_with_verb_create_and_get_by_stage() {
    let query = r#"AKSAudit
| where tostring(ObjectRef.resource) == "pods" and tostring(ObjectRef.subresource) == "exec"
| where tostring(ObjectRef.name) == "atomic-exec-test"
| where Stage in ("ResponseStarted", "ResponseComplete")
| project AuditId, Verb, Stage, Code = toint(ResponseStatus.code), RequestUri
| sort by Verb asc, Stage desc"#;
    let batches = run(&[logs("k8s-audit/apiserver-audit.log")], 0, query).await;
    let mut got = Vec::new();
    for b in &batches {
        let s = |name: &str, i: usize| column::<StringArray>(b, name).value(i).to_string();
        for i in 0..b.num_rows() {
            got.push((
                s("AuditId", i),
                s("Verb", i),
                s("Stage", i),
                column::<Int32Array>(b, "Code").value(i),
                s("RequestUri", i),
            ));
        }
    }
    let create = "4d6f2a7e-1c0b-4f3e-9a51-2b8c7d9e0f11";
    let get = "7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
    // Both kubectl versions send the same request; the JSON's `\u0026` is `&`.
    let uri = "/api/v1/namespaces/default/pods/atomic-exec-test/exec?command=%2Fbin%2Fsh\
               &container=atomic-exec-test&stderr=true&stdout=true";
    let row = |id: &str, verb: &str, stage: &str| {
        (
            id.to_string(),
            verb.to_string(),
            stage.to_string(),
            101,
            uri.to_string(),
        )
    };
    assert_eq!(
        got,
        vec![
            row(create, "create", "ResponseStarted"),
            row(create, "create", "ResponseComplete"),
            row(get, "get", "ResponseStarted"),
            row(get, "get", "ResponseComplete"),
        ]
    );
}
