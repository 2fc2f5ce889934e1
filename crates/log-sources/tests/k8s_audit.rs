//! Kubernetes audit logs → AKSAudit / AKSAuditAdmin, and successful pods/exec →
//! DeviceProcessEvents, over the composed fixtures in `testdata/logs/k8s-audit/`. Expected
//! rows are written from telemetry-formats §4 and §7.5 and the AKSAudit column reference.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use log_sources::formats::k8s_audit::{K8sAuditReader, sniff};
use log_sources::process_table::{self, Limits};
use log_sources::{BadReason, Value};
use mapped_support::*;
use serde_json::{Value as Json, json};

fn read(file: &str, chunk: usize) -> Collected {
    let mut r = K8sAuditReader::new(file.into()).unwrap();
    read_all(&mut r, &testdata(&format!("k8s-audit/{file}")), chunk)
}

const A1: &str = "4d6f2a7e-1c0b-4f3e-9a51-2b8c7d9e0f11";
const U1: &str = "/api/v1/namespaces/default/pods/atomic-exec-test/exec?command=%2Fbin%2Fsh&container=atomic-exec-test&stderr=true&stdout=true";
const UA129: &str = "kubectl/v1.29.3 (linux/amd64) kubernetes/6813625";
const UA131: &str = "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46";
const ADMIN_REASON: &str = "RBAC: allowed by ClusterRoleBinding \"kubeadm:cluster-admins\" of ClusterRole \"cluster-admin\" to Group \"kubeadm:cluster-admins\"";

fn admin() -> Json {
    json!({"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]})
}

fn exec_ref(ns: &str, pod: &str, sub: &str) -> Json {
    json!({"resource": "pods", "namespace": ns, "name": pod, "apiVersion": "v1", "subresource": sub})
}

struct ExecRow<'a> {
    time: &'a str,
    device: &'a str,
    account: &'a str,
    argv: &'a [&'a str],
    audit_id: &'a str,
    verb: &'a str,
    stage: &'a str,
    container: &'a str,
    ip: &'a str,
    ua: &'a str,
    uri: &'a str,
}

/// The process row of a successful exec, from §7.5.
fn exec_row(e: &ExecRow) -> Vec<(&'static str, Value)> {
    let (ns, pod) = e.device.split_once('/').unwrap();
    let argv0 = e.argv[0];
    let mut cells = vec![
        ("Timestamp", dt(e.time)),
        ("TimeGenerated", dt(e.time)),
        ("DeviceName", s(e.device)),
        ("ActionType", s("ProcessCreated")),
        ("AccountName", s(e.account)),
        ("FileName", s(argv0.rsplit('/').next().unwrap())),
        ("ProcessCommandLine", s(&e.argv.join(" "))),
        ("InitiatingProcessFileName", s("kubectl")),
        (
            "AdditionalFields",
            dynamic(json!({
                "ProcessArgv": e.argv,
                "AuditId": e.audit_id,
                "Verb": e.verb,
                "Stage": e.stage,
                "ResponseCode": 101,
                "Namespace": ns,
                "PodName": pod,
                "Container": e.container,
                "SourceIps": [e.ip],
                "UserAgent": e.ua,
                "RequestUri": e.uri,
                "AuthorizationDecision": "allow",
                "InitiatingProcessFileNameSource": "userAgent",
            })),
        ),
    ];
    if argv0.starts_with('/') {
        cells.push(("FolderPath", s(argv0)));
    }
    cells
}

#[test]
fn sniffs_plain_and_wrapped_audit_logs() {
    for f in [
        "apiserver-audit.log",
        "aks-diagnostics.json",
        "aks-eventhub.json",
        "eks-cloudwatch.log",
        "gke-cloud-logging.json",
    ] {
        assert!(sniff(&testdata(&format!("k8s-audit/{f}"))), "{f}");
    }
    assert!(!sniff(&testdata("auditd/node-1-audit.log")));
}

#[test]
fn every_event_is_an_aksaudit_row_with_its_stage() {
    let out = read("apiserver-audit.log", 4096);
    assert!(out.bad.is_empty(), "{:?}", out.bad);
    let aks = out.table("AKSAudit");
    assert_eq!(aks.len(), 11);
    // The SPDY exec: RequestReceived (no status, no annotations at that stage)...
    assert_row(
        aks[0],
        "AKSAudit",
        &[
            ("TimeGenerated", dt("2025-03-04T10:15:10.061204Z")),
            ("Level", s("Metadata")),
            ("AuditId", s(A1)),
            ("Stage", s("RequestReceived")),
            ("RequestUri", s(U1)),
            ("Verb", s("create")),
            ("User", dynamic(admin())),
            ("SourceIps", dynamic(json!(["10.0.0.11"]))),
            ("UserAgent", s(UA129)),
            (
                "ObjectRef",
                dynamic(exec_ref("default", "atomic-exec-test", "exec")),
            ),
            ("RequestReceivedTime", dt("2025-03-04T10:15:10.061204Z")),
            ("StageReceivedTime", dt("2025-03-04T10:15:10.061204Z")),
        ],
    );
    // ...ResponseStarted with the 101 upgrade...
    let started = [
        ("TimeGenerated", dt("2025-03-04T10:15:10.089437Z")),
        ("Level", s("Metadata")),
        ("AuditId", s(A1)),
        ("Stage", s("ResponseStarted")),
        ("RequestUri", s(U1)),
        ("Verb", s("create")),
        ("User", dynamic(admin())),
        ("SourceIps", dynamic(json!(["10.0.0.11"]))),
        ("UserAgent", s(UA129)),
        (
            "ObjectRef",
            dynamic(exec_ref("default", "atomic-exec-test", "exec")),
        ),
        (
            "ResponseStatus",
            dynamic(json!({"metadata": {}, "code": 101})),
        ),
        ("RequestReceivedTime", dt("2025-03-04T10:15:10.061204Z")),
        ("StageReceivedTime", dt("2025-03-04T10:15:10.089437Z")),
        (
            "Annotations",
            dynamic(
                json!({"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ADMIN_REASON}),
            ),
        ),
    ];
    assert_row(aks[1], "AKSAudit", &started);
    // ...and ResponseComplete when the session ended: same AuditId, its own Stage and time.
    assert_eq!(aks[3].get("AuditId"), Some(&s(A1)));
    assert_eq!(aks[3].get("Stage"), Some(&s("ResponseComplete")));
    assert_eq!(
        aks[3].get("StageReceivedTime"),
        Some(&dt("2025-03-04T10:15:14.730025Z"))
    );
    let stages: Vec<_> = aks.iter().map(|r| r.get("Stage").cloned()).collect();
    assert_eq!(
        stages,
        [
            "RequestReceived",
            "ResponseStarted",
            "ResponseComplete",
            "ResponseComplete",
            "ResponseStarted",
            "ResponseComplete",
            "ResponseStarted",
            "ResponseComplete",
            "ResponseStarted",
            "ResponseComplete",
            "ResponseStarted"
        ]
        .iter()
        .map(|x| Some(s(x)))
        .collect::<Vec<_>>()
    );
}

#[test]
fn a_denied_exec_stays_in_aksaudit_with_its_status() {
    let out = read("apiserver-audit.log", 4096);
    let denied = out.table("AKSAudit")[9];
    assert_eq!(denied.get("Verb"), Some(&s("create")));
    assert_eq!(
        denied.get("User"),
        Some(&dynamic(json!({
            "username": "system:serviceaccount:dev:ci-runner",
            "uid": "8c1f9a2e-3b4d-4e5f-a6b7-c8d9e0f1a2b3",
            "groups": ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"]
        })))
    );
    assert_eq!(
        denied.get("ResponseStatus"),
        Some(&dynamic(json!({
            "metadata": {}, "code": 403, "status": "Failure",
            "message": "pods \"api-0\" is forbidden: User \"system:serviceaccount:dev:ci-runner\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"dev\"",
            "reason": "Forbidden", "details": {"name": "api-0", "kind": "pods"}
        })))
    );
    let procs = out.table("DeviceProcessEvents");
    assert!(
        procs
            .iter()
            .all(|r| r.get("DeviceName") != Some(&s("dev/api-0")))
    );
}

#[test]
fn one_process_row_per_successful_exec_in_both_kubectl_eras() {
    let out = read("apiserver-audit.log", 4096);
    let procs = out.table("DeviceProcessEvents");
    assert_eq!(procs.len(), 4, "the attach and the denied exec give none");
    // kubectl ≤ 1.29, SPDY: verb create; the row comes from ResponseStarted.
    assert_row(
        procs[0],
        "DeviceProcessEvents",
        &exec_row(&ExecRow {
            time: "2025-03-04T10:15:10.061204Z",
            device: "default/atomic-exec-test",
            account: "kubernetes-admin",
            argv: &["/bin/sh"],
            audit_id: A1,
            verb: "create",
            stage: "ResponseStarted",
            container: "atomic-exec-test",
            ip: "10.0.0.11",
            ua: UA129,
            uri: U1,
        }),
    );
    // kubectl ≥ 1.30, WebSocket: verb get.
    assert_row(
        procs[1],
        "DeviceProcessEvents",
        &exec_row(&ExecRow {
            time: "2025-03-04T10:15:15.200731Z",
            device: "default/atomic-exec-test",
            account: "kubernetes-admin",
            argv: &["/bin/sh"],
            audit_id: "7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
            verb: "get",
            stage: "ResponseStarted",
            container: "atomic-exec-test",
            ip: "10.0.0.11",
            ua: UA131,
            uri: U1,
        }),
    );
    // Atomic T1609 test 1: `uname` has no path, so no FolderPath.
    assert_row(
        procs[2],
        "DeviceProcessEvents",
        &exec_row(&ExecRow {
            time: "2025-03-04T10:15:20.402518Z",
            device: "default/busybox",
            account: "kubernetes-admin",
            argv: &["uname"],
            audit_id: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
            verb: "get",
            stage: "ResponseStarted",
            container: "busybox",
            ip: "10.0.0.11",
            ua: UA131,
            uri: "/api/v1/namespaces/default/pods/busybox/exec?command=uname&container=busybox&stderr=true&stdout=true",
        }),
    );
    // Repeated command= parameters, `+` decoded to a space.
    assert_row(
        procs[3],
        "DeviceProcessEvents",
        &exec_row(&ExecRow {
            time: "2025-03-04T10:16:02.010044Z",
            device: "shop/web-7d4b9c6f5-x2x8q",
            account: "kubernetes-admin",
            argv: &["sh", "-c", "cat /etc/hostname"],
            audit_id: "e1f2a3b4-c5d6-4e7f-9a0b-1c2d3e4f5a6b",
            verb: "get",
            stage: "ResponseStarted",
            container: "web",
            ip: "10.0.0.11",
            ua: UA131,
            uri: "/api/v1/namespaces/shop/pods/web-7d4b9c6f5-x2x8q/exec?command=sh&command=-c&command=cat+%2Fetc%2Fhostname&container=web&stderr=true&stdout=true",
        }),
    );
}

const RID: &str = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-T1609/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-T1609";
const A7: &str = "3c2b1a09-8f7e-4d6c-9b5a-403f2e1d0c9b";
const U7: &str = "/api/v1/namespaces/default/pods/atomic-exec-test/exec?command=%2Fbin%2Fsh&container=atomic-exec-test&stdin=true&stdout=true&tty=true";
const UA_AKS: &str = "kubectl/v1.31.2 (windows/amd64) kubernetes/5864a46";

fn alice() -> Json {
    json!({"username": "alice@contoso.example", "groups": ["a1b2c3d4-0000-0000-0000-000000000001", "system:authenticated"]})
}

#[test]
fn aks_diagnostic_records_object_and_text_forms() {
    let out = read("aks-diagnostics.json", 4096);
    let aks = out.table("AKSAudit");
    assert_eq!(aks.len(), 2);
    let allow =
        json!({"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""});
    let common = |stage: &str, stage_time: &str| {
        vec![
            ("TimeGenerated", dt(stage_time)),
            ("Level", s("Metadata")),
            ("AuditId", s(A7)),
            ("Stage", s(stage)),
            ("RequestUri", s(U7)),
            ("Verb", s("get")),
            ("User", dynamic(alice())),
            ("SourceIps", dynamic(json!(["203.0.113.50"]))),
            ("UserAgent", s(UA_AKS)),
            (
                "ObjectRef",
                dynamic(exec_ref("default", "atomic-exec-test", "exec")),
            ),
            (
                "ResponseStatus",
                dynamic(json!({"metadata": {}, "code": 101})),
            ),
            ("RequestReceivedTime", dt("2025-03-04T10:20:05.300118Z")),
            ("StageReceivedTime", dt(stage_time)),
            ("Annotations", dynamic(allow.clone())),
            ("PodName", s("kube-apiserver-6d9c8b7f5-k2l4m")),
            ("_ResourceId", s(RID)),
            ("_SubscriptionId", s("00000000-0000-0000-0000-000000000000")),
        ]
    };
    // properties.log as an object, then as JSON text: the same columns.
    assert_row(
        aks[0],
        "AKSAudit",
        &common("ResponseStarted", "2025-03-04T10:20:05.331942Z"),
    );
    assert_row(
        aks[1],
        "AKSAudit",
        &common("ResponseComplete", "2025-03-04T10:20:41.008377Z"),
    );
    // kube-audit-admin goes where Azure puts it.
    let admin = out.table("AKSAuditAdmin");
    assert_eq!(admin.len(), 1);
    assert_eq!(admin[0].get("Verb"), Some(&s("create")));
    assert_eq!(
        admin[0].get("ResponseStatus"),
        Some(&dynamic(json!({"metadata": {}, "code": 201})))
    );
    // The exec's process, from an Entra ID user on Windows kubectl.
    let procs = out.table("DeviceProcessEvents");
    assert_eq!(procs.len(), 1);
    let want = exec_row(&ExecRow {
        time: "2025-03-04T10:20:05.300118Z",
        device: "default/atomic-exec-test",
        account: "alice@contoso.example",
        argv: &["/bin/sh"],
        audit_id: A7,
        verb: "get",
        stage: "ResponseStarted",
        container: "atomic-exec-test",
        ip: "203.0.113.50",
        ua: UA_AKS,
        uri: U7,
    });
    assert_row(procs[0], "DeviceProcessEvents", &want);
    // Other AKS log categories are skipped by design.
    assert_eq!(
        out.bad_lines(),
        vec![(
            Some(4),
            &BadReason::Unsupported("AKS log category kube-apiserver".into())
        )]
    );
    // The Event Hub form (`records`) gives the same rows.
    let hub = read("aks-eventhub.json", 4096);
    assert_eq!(hub.table("AKSAudit").len(), 2);
    for (a, b) in hub.table("AKSAudit").iter().zip(&aks) {
        assert_eq!(a.cells, b.cells);
    }
    assert_eq!(hub.table("DeviceProcessEvents")[0].cells, procs[0].cells);
}

#[test]
fn eks_cloudwatch_export_and_subscription_envelope() {
    let out = read("eks-cloudwatch.log", 4096);
    assert!(out.bad.is_empty(), "{:?}", out.bad);
    let aks = out.table("AKSAudit");
    assert_eq!(aks.len(), 2);
    assert_eq!(aks[0].get("Stage"), Some(&s("ResponseStarted")));
    assert_eq!(aks[1].get("Stage"), Some(&s("ResponseComplete")));
    assert_eq!(
        aks[1].get("TimeGenerated"),
        Some(&dt("2025-03-04T10:22:00.601447Z"))
    );
    assert_eq!(
        aks[0].get("User"),
        Some(&dynamic(json!({
            "username": "kubernetes-admin",
            "uid": "aws-iam-authenticator:111122223333:AROAEXAMPLEID",
            "groups": ["system:masters", "system:authenticated"],
            "extra": {
                "accessKeyId": ["ASIAEXAMPLEKEY"],
                "arn": ["arn:aws:sts::111122223333:assumed-role/eks-admin/dev"],
                "canonicalArn": ["arn:aws:iam::111122223333:role/eks-admin"],
                "principalId": ["AROAEXAMPLEID"],
                "sessionName": ["dev"]
            }
        })))
    );
    let procs = out.table("DeviceProcessEvents");
    assert_eq!(procs.len(), 1, "one row for the two stages, across lines");
    assert_eq!(procs[0].get("ProcessCommandLine"), Some(&s("uname")));
    assert_eq!(procs[0].get("DeviceName"), Some(&s("default/busybox")));
    assert_eq!(
        procs[0].get("Timestamp"),
        Some(&dt("2025-03-04T10:22:00.510932Z"))
    );
}

#[test]
fn gke_entries_fill_what_they_carry() {
    let out = read("gke-cloud-logging.json", 4096);
    assert!(out.bad.is_empty(), "{:?}", out.bad);
    let aks = out.table("AKSAudit");
    assert_eq!(aks.len(), 1);
    assert_row(
        aks[0],
        "AKSAudit",
        &[
            ("TimeGenerated", dt("2025-03-04T10:25:00.123456Z")),
            ("AuditId", s("8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f")),
            ("Stage", s("ResponseStarted")),
            ("Verb", s("create")),
            ("User", dynamic(json!({"username": "dev@example.com"}))),
            ("SourceIps", dynamic(json!(["203.0.113.77"]))),
            ("UserAgent", s(UA129)),
            (
                "ObjectRef",
                dynamic(
                    json!({"apiGroup": "", "apiVersion": "v1", "namespace": "default",
                               "resource": "pods", "name": "atomic-exec-test", "subresource": "exec"}),
                ),
            ),
            ("ResponseStatus", dynamic(json!({"code": 0}))),
            ("StageReceivedTime", dt("2025-03-04T10:25:00.123456Z")),
            (
                "Annotations",
                dynamic(json!({"authorization.k8s.io/decision": "allow",
                               "authorization.k8s.io/reason": "access granted by IAM permissions."})),
            ),
        ],
    );
    // GKE does not log the request URI: no command, no process row.
    assert!(out.table("DeviceProcessEvents").is_empty());
}

#[test]
fn broken_lines_are_reported() {
    let mut r = K8sAuditReader::new("x".into()).unwrap();
    let input = b"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"\nnot json\n{\"a\":1}\n";
    let out = read_all(&mut r, input, 7);
    assert!(out.rows.is_empty());
    let lines: Vec<_> = out
        .bad
        .iter()
        .map(|b| (b.location.line, matches!(b.reason, BadReason::Malformed(_))))
        .collect();
    assert_eq!(
        lines,
        vec![(Some(1), true), (Some(2), true), (Some(3), true)]
    );
}

#[test]
fn chunking_and_registry() {
    let whole = read("apiserver-audit.log", 1 << 20);
    for chunk in [1, 50, 333] {
        assert_eq!(
            read("apiserver-audit.log", chunk).rows,
            whole.rows,
            "chunk {chunk}"
        );
    }
    let table = process_table::shared(Limits::default());
    for f in [
        "apiserver-audit.log",
        "aks-diagnostics.json",
        "eks-cloudwatch.log",
        "gke-cloud-logging.json",
    ] {
        let (name, out) = read_via_registry(&format!("k8s-audit/{f}"), &table);
        assert_eq!(name, "k8s-audit", "{f}");
        assert!(!out.rows.is_empty());
    }
}
