//! `kqlhunt scan` over the bundled examples: an alert for every attack scenario, none for the
//! benign files once tuned, explanations that add up, output formats and exit codes.
//!
//! The expected alerts are worked out by hand from the rules' text and the example telemetry
//! (examples/attack/*), e.g. the seed rule scores `docker exec -it payments-api /bin/sh`
//! 30 (`-it`) + 25 (`sh`) = 55.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::process::Output;

mod common;

use common::{kqlhunt, root, text};

fn jsonl(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON alert per line"))
        .collect()
}

fn row<'a>(a: &'a Value, k: &str) -> &'a Value {
    &a["row"][k]
}

/// (rule, a distinctive row column and value, score, severity) for each attack scenario.
const EXPECTED: &[(&str, &str, &str, i64, &str)] = &[
    // API server: service account + python-requests + sh + wget: 40+30+25+20+35.
    (
        "t1609-k8s-api-exec",
        "Pod",
        "payments-api-7d9c",
        150,
        "high",
    ),
    // docker run -it --privileged ... sh: 30+25+35.
    (
        "t1609-container-admin-command",
        "ProcessCommandLine",
        "docker run --privileged --pid=host --net=host -it alpine:3.19 nsenter -t 1 -m -u -i -n sh",
        90,
        "high",
    ),
    // kubectl 1.31 exec -it /bin/bash through the API: 40+30+15.
    (
        "t1609-k8s-api-exec",
        "Pod",
        "web-5f7c9d8b6-x2x8q",
        85,
        "high",
    ),
    // crictl exec -i ... sh -c, started by python3: 30+25+30.
    (
        "t1609-container-admin-command",
        "FileName",
        "crictl",
        85,
        "high",
    ),
    // kubectl exec -it ... /bin/bash on node-b: 30+25+20.
    (
        "t1609-container-admin-command",
        "DeviceName",
        "node-b",
        75,
        "high",
    ),
    // curl to :10250/run/: 30+40.
    ("t1609-kubelet-api-direct", "Client", "curl", 70, "high"),
    // wget to :10255/pods: 30+20+10.
    ("t1609-kubelet-api-direct", "Client", "wget", 60, "medium"),
    // Atomic T1609 test 2 on node-c (auditd): `-i ` 30 + bash 25.
    (
        "t1609-container-admin-command",
        "DeviceName",
        "node-c",
        55,
        "high",
    ),
    // docker exec -it payments-api /bin/sh: 30+25.
    (
        "t1609-container-admin-command",
        "ProcessCommandLine",
        "docker exec -it payments-api /bin/sh",
        55,
        "high",
    ),
    // attach with a TTY: 40+15.
    ("t1609-k8s-api-exec", "Subresource", "attach", 55, "medium"),
    // kubeletctl: 50.
    (
        "t1609-kubelet-api-direct",
        "Client",
        "kubeletctl",
        50,
        "high",
    ),
];

#[test]
fn every_attack_alerts_and_tuning_removes_every_benign_alert() {
    let out = kqlhunt(&[
        "scan",
        "examples/",
        "--suppress",
        "examples/suppressions.yaml",
        "--format",
        "jsonl",
        "--explain",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let alerts = jsonl(&out);
    assert_eq!(alerts.len(), EXPECTED.len(), "{}", text(&out.stdout));
    for (rule, col, value, score, severity) in EXPECTED {
        let found = alerts
            .iter()
            .find(|a| a["rule_id"] == *rule && row(a, col) == *value && a["score"] == *score);
        let a =
            found.unwrap_or_else(|| panic!("no {rule} alert with {col}={value} and score {score}"));
        assert_eq!(a["severity"], *severity, "{a}");
    }
    // Nothing from the benign files is left.
    let benign_hosts = ["build-1.ci.example.com", "node-d", "jump-1"];
    for a in &alerts {
        let host = a["entities"]["host"].as_str().unwrap_or_default();
        let account = a["entities"]["account"].as_str().unwrap_or_default();
        assert!(!benign_hosts.contains(&host), "{a}");
        assert!(
            !account.contains("alice") && !account.contains("gitlab"),
            "{a}"
        );
    }
    // The summary counts what tuning removed, per allow rule, and says which `now` was used.
    assert!(stderr.contains("suppressed: 7 (ci-gitlab-runner-shell-executor 1, ci-jenkins-docker-workflow 1, devops-business-hours 1, devops-business-hours-api 1, gitlab-kubernetes-executor 1, monitoring-datadog-checks 1, monitoring-dynatrace-healthcheck 1)"), "{stderr}");
    assert!(
        stderr.contains("evaluating as of --now 2026-03-10T14:20:30.003Z"),
        "{stderr}"
    );
    assert!(
        stderr.contains("allow rule `incident-2025-117-debug` expired on 2025-12-31"),
        "{stderr}"
    );
    // Most severe first, then by score.
    let order: Vec<(String, i64)> = alerts
        .iter()
        .map(|a| {
            (
                a["severity"].as_str().unwrap().to_string(),
                a["score"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    let rank = |s: &str| {
        ["informational", "low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
    };
    sorted.sort_by(|a, b| rank(&b.0).cmp(&rank(&a.0)).then(b.1.cmp(&a.1)));
    assert_eq!(order, sorted);
}

#[test]
fn jsonl_alerts_carry_the_documented_keys() {
    let out = kqlhunt(&["scan", "examples/attack", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    for a in jsonl(&out) {
        for key in [
            "id",
            "rule_id",
            "rule_title",
            "title",
            "severity",
            "mitre",
            "score",
            "time",
            "entities",
            "row",
        ] {
            assert!(a.get(key).is_some(), "{key} missing in {a}");
        }
        assert_eq!(a["mitre"][0], "T1609");
        assert_eq!(a["id"].as_str().unwrap().len(), 16);
        assert!(a.get("explain").is_none(), "no explain without --explain");
    }
}

fn explain_of(a: &Value) -> Vec<(String, i64, Vec<String>)> {
    a["explain"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["part"] == "score")
        .map(|i| {
            let matched = i["matched"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (
                i["condition"].as_str().unwrap().to_string(),
                i["points"].as_i64().unwrap(),
                matched,
            )
        })
        .collect()
}

#[test]
fn explanations_come_from_the_rules_and_add_up_to_the_score() {
    let out = kqlhunt(&["scan", "examples/attack", "--format", "jsonl", "--explain"]);
    let alerts = jsonl(&out);
    for a in &alerts {
        let total: i64 = explain_of(a).iter().map(|(_, p, _)| p).sum();
        assert_eq!(Some(total), a["score"].as_i64(), "{a}");
    }
    // The seed rule's own conditions, and the needles of its `has` / `has_any` tests.
    let seed = alerts
        .iter()
        .find(|a| row(a, "ProcessCommandLine") == "docker exec -it payments-api /bin/sh")
        .unwrap();
    assert_eq!(
        explain_of(seed),
        vec![
            (
                "IsInteractiveShell".to_string(),
                30,
                vec!["-it".to_string()]
            ),
            (
                "SpawnsShell".to_string(),
                25,
                vec!["sh".to_string(), "/bin/sh".to_string()]
            ),
        ]
    );
    let filters: Vec<&str> = seed["explain"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["part"] == "filter")
        .map(|i| i["condition"].as_str().unwrap())
        .collect();
    assert!(
        filters.contains(&"ProcessCommandLine has_any (ContainerExecPatterns)"),
        "{filters:?}"
    );
    // The privileged docker run: which privileged flags matched.
    let privileged = alerts.iter().find(|a| a["score"] == 90).unwrap();
    let items = explain_of(privileged);
    assert!(
        items.contains(&(
            "UsesPrivilegedFlag".to_string(),
            35,
            vec![
                "--privileged".to_string(),
                "--pid=host".to_string(),
                "--net=host".to_string()
            ]
        )),
        "{items:?}"
    );
    // The API-server rule's score for the service account.
    let sa = alerts
        .iter()
        .find(|a| row(a, "Pod") == "payments-api-7d9c")
        .unwrap();
    let points: Vec<(String, i64)> = explain_of(sa).into_iter().map(|(c, p, _)| (c, p)).collect();
    assert_eq!(
        points,
        vec![
            ("IsPodExec".to_string(), 40),
            ("SpawnsShell".to_string(), 30),
            ("IsServiceAccount".to_string(), 25),
            ("IsUnusualClient".to_string(), 20),
            ("RunsSuspiciousTool".to_string(), 35),
        ]
    );
}

#[test]
fn exit_codes_follow_fail_on_alert() {
    // Benign files, tuned: the scan ran and nothing is left.
    let out = kqlhunt(&[
        "scan",
        "examples/benign",
        "--suppress",
        "examples/suppressions.yaml",
        "--fail-on-alert",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "no alerts\n");
    // The same files untuned: alerts, so 1 with --fail-on-alert and 0 without.
    let out = kqlhunt(&["scan", "examples/benign", "--fail-on-alert"]);
    assert_eq!(out.status.code(), Some(1));
    let out = kqlhunt(&["scan", "examples/benign"]);
    assert_eq!(out.status.code(), Some(0));
    // Errors: an input that does not exist, a bad option.
    let out = kqlhunt(&["scan", "examples/no-such-folder"]);
    assert_eq!(out.status.code(), Some(2));
    let out = kqlhunt(&["scan", "examples/attack", "--min-severity", "severe"]);
    assert_eq!(out.status.code(), Some(2));
    // No rule to run is an error, not an empty success.
    let empty = tempfile::tempdir().unwrap();
    let out = kqlhunt(&[
        "scan",
        "examples/attack",
        "--rules",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no enabled rule to run"));
}

/// testdata/logs/defender/bad-input.ndjson: line 2 is truncated JSON, line 4 binary garbage,
/// line 5 has `"ProcessId":"abc"`, line 6 invalid UTF-8. Without `--strict` the good rows
/// are used and each bad line is named; with it the first bad line stops the run (exit 2),
/// named by file and line, in `scan` and `query` alike.
#[test]
fn bad_records_are_named_by_line_and_strict_stops_at_the_first() {
    let bad = "testdata/logs/defender/bad-input.ndjson";
    let out = kqlhunt(&["scan", bad, "--now", "2025-03-04T12:00:00Z"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("warning: {bad}:2: malformed record")),
        "{err}"
    );
    assert!(
        err.contains(&format!("warning: {bad}:4: malformed record")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "warning: {bad}:5: column ProcessId: expected long"
        )),
        "{err}"
    );
    let first = format!("bad record (strict mode): {bad}:2: malformed record");
    for args in [
        vec!["scan", bad, "--strict"],
        vec!["query", "DeviceProcessEvents | count", bad, "--strict"],
    ] {
        let out = kqlhunt(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(&first), "{args:?}: {err}");
        assert!(!err.contains("External error"), "{args:?}: {err}");
    }
}

#[test]
fn suppressed_alerts_are_listed_on_request() {
    let out = kqlhunt(&[
        "scan",
        "examples/benign",
        "--suppress",
        "examples/suppressions.yaml",
        "--show-suppressed",
        "--format",
        "jsonl",
    ]);
    let alerts = jsonl(&out);
    assert_eq!(alerts.len(), 7);
    assert!(alerts.iter().all(|a| a["suppressed_by"].is_string()));
    let jenkins = alerts
        .iter()
        .find(|a| row(a, "AccountName") == "jenkins")
        .unwrap();
    assert_eq!(jenkins["suppressed_by"], "ci-jenkins-docker-workflow");
}

#[test]
fn a_broken_rule_is_reported_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "container_admin_command.yaml",
        "container_admin_command.kql",
    ] {
        std::fs::copy(root().join("rules/t1609").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("broken.yaml"),
        "id: broken\ntitle: t\nseverity: high\nconfidence: low\ntables: [DeviceProcessEvents]\nquery: DeviceProcessEvents | where\n",
    )
    .unwrap();
    let rules = dir.path().to_str().unwrap();
    let out = kqlhunt(&[
        "scan",
        "examples/attack",
        "--rules",
        rules,
        "--format",
        "jsonl",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.yaml:6:"), "{stderr}");
    assert!(
        stderr.contains("not loaded; the other rules still run"),
        "{stderr}"
    );
    let alerts = jsonl(&out);
    // The seed rule's five attack alerts (node-a three, node-b, node-c).
    assert_eq!(alerts.len(), 5);
    assert!(
        alerts
            .iter()
            .all(|a| a["rule_id"] == "t1609-container-admin-command")
    );
}

#[test]
fn sarif_carries_rule_metadata_and_min_severity_filters() {
    let out = kqlhunt(&[
        "scan",
        "examples/attack",
        "--format",
        "sarif",
        "--min-severity",
        "high",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        vec![
            "t1609-container-admin-command",
            "t1609-k8s-api-exec",
            "t1609-kubelet-api-direct"
        ]
    );
    let seed = &run["tool"]["driver"]["rules"][0];
    assert!(
        seed["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("mitre-attack/T1609"))
    );
    assert!(
        seed["help"]["text"]
            .as_str()
            .unwrap()
            .contains("CI/CD pipeline agents")
    );
    let results = run["results"].as_array().unwrap();
    // EXPECTED has 9 high alerts and 2 medium ones.
    assert_eq!(results.len(), 9);
    assert!(results.iter().all(|r| r["level"] == "error"));
    assert!(text(&out.stderr).contains("below --min-severity: 2"));
}

#[test]
fn logs_older_than_the_window_are_explained() {
    let out = kqlhunt(&["scan", "examples/attack", "--now", "2026-06-01T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "no alerts\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("note: rule t1609-container-admin-command looks back 1d from 2026-06-01T00:00:00Z, but the newest event is 2026-03-10T13:47:30Z"),
        "{stderr}"
    );
    assert!(
        stderr.contains("try --now 2026-03-10T13:47:30Z"),
        "{stderr}"
    );
}
