//! `kqlhunt validate` (the scenario × rule matrix and its exit codes) and `kqlhunt
//! investigate` (the context of one alert).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

mod common;

use common::{kqlhunt, root, text};

/// The matrix cells of one scenario row, in rule-column order.
fn cells(matrix: &str, scenario: &str) -> Vec<String> {
    let line = matrix
        .lines()
        .find(|l| l.starts_with(scenario))
        .unwrap_or_else(|| panic!("no row for {scenario} in\n{matrix}"));
    line[scenario.len()..]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn validate_passes_on_the_builtin_pack_and_shows_the_seed_rules_gaps() {
    let out = kqlhunt(&["validate"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // Columns: [1] seed, [2]-[4] hunting, [5] API server, [6] kubelet.
    assert!(
        stdout.contains("[1] t1609-container-admin-command\n"),
        "{stdout}"
    );
    assert!(stdout.contains("[5] t1609-k8s-api-exec\n"), "{stdout}");
    assert!(
        stdout.contains("[6] t1609-kubelet-api-direct\n"),
        "{stdout}"
    );
    // Atomic T1609 test 1 scores 20 in the seed rule: an honest miss, caught by the API rule.
    assert_eq!(
        cells(
            &stdout,
            "Atomic T1609-1: kubectl exec -n default busybox -- uname"
        ),
        vec!["expected-miss", "-", "-", "-", "detected 1", "-"]
    );
    // The kubelet curl is missed by the seed rule and caught by the kubelet rule.
    assert_eq!(
        cells(&stdout, "seed 3: curl to the kubelet :10250/run "),
        vec!["expected-miss", "-", "-", "-", "-", "detected 1"]
    );
    // Tuning removes the CI/CD false positives; the night-time DevOps exec stays.
    assert_eq!(
        cells(&stdout, "FP: CI/CD runner (Jenkins, GitLab Runner)")[0],
        "tuned 2→0"
    );
    assert_eq!(
        cells(&stdout, "FP: DevOps engineer in business hours")[0],
        "tuned 2→1"
    );
    assert!(text(&out.stderr).contains("20 test case(s) of 6 rule(s): 20 passed, 0 failed"));
}

#[test]
fn validate_fails_on_a_broken_expectation_and_on_a_broken_rule() {
    let dir = tempfile::tempdir().unwrap();
    let telemetry = root().join("rules/t1609/tests/docker-exec-it/node-1.sysmon.log");
    std::fs::copy(&telemetry, dir.path().join("node-1.sysmon.log")).unwrap();
    // The docker exec scores 55; this rule claims it scores 60.
    std::fs::write(
        dir.path().join("rule.yaml"),
        r#"id: wrong-expectation
title: t
severity: high
confidence: low
tables: [DeviceProcessEvents]
query: |
  DeviceProcessEvents
  | where FileName =~ "docker"
  | extend RiskScore = iif(ProcessCommandLine has "-it", 55, 0)
  | project TimeGenerated, DeviceName, ProcessCommandLine, RiskScore
tests:
  - name: docker exec
    telemetry: [node-1.sysmon.log]
    expect: detect
    rows:
      - RiskScore: 60
  - name: nothing else
    telemetry: [node-1.sysmon.log]
    expect: miss
    reason: written to fail
"#,
    )
    .unwrap();
    let rules = dir.path().to_str().unwrap();
    let out = kqlhunt(&["validate", "--rules", rules]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("wrong-expectation / docker exec: no alert has RiskScore=60"),
        "{stdout}"
    );
    assert!(stdout.contains("FALSE-ALARM 1 ✗"), "{stdout}");

    std::fs::write(dir.path().join("broken.yaml"), "id: [\n").unwrap();
    let out = kqlhunt(&["validate", "--rules", rules]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("broken.yaml"));
}

#[test]
fn investigate_draws_the_process_tree_and_the_network_around_an_alert() {
    let scan = kqlhunt(&["scan", "examples/attack", "--format", "jsonl"]);
    let dir = tempfile::tempdir().unwrap();
    let alerts_file = dir.path().join("alerts.jsonl");
    std::fs::write(&alerts_file, &scan.stdout).unwrap();
    let alert: Value = text(&scan.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|a| a["row"]["ProcessCommandLine"] == "docker exec -it payments-api /bin/sh")
        .unwrap();
    let id = alert["id"].as_str().unwrap();

    let out = kqlhunt(&[
        "investigate",
        "examples/attack",
        "--alert",
        id,
        "--alerts",
        alerts_file.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // sshd → bash (pid 41200, the login shell) → docker (the alert).
    assert!(
        stdout.contains("     └─ bash [41200]  -bash  (root)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("docker [41233]  docker exec -it payments-api /bin/sh  (root)   ◀ alert"),
        "{stdout}"
    );
    // The curl to the kubelet 7 minutes later is in the window, with its connection.
    assert!(
        stdout.contains("curl [41320]  10.20.0.11:52114 → 10.20.0.12:10250"),
        "{stdout}"
    );

    // The same alert found by re-running the rules, as JSON.
    let out = kqlhunt(&[
        "investigate",
        "examples/attack",
        "--alert",
        id,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["anchor"]["device"], "node-a.prod.example.com");
    assert_eq!(
        inv["process_tree"]["children"][0]["children"][0]["children"][0]["anchor"],
        true
    );

    // An API-server alert: the pod's requests, stages folded per audit id.
    let sa = text(&scan.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|a| a["row"]["Pod"] == "payments-api-7d9c")
        .unwrap();
    let out = kqlhunt(&[
        "investigate",
        "examples/attack",
        "--alert",
        sa["id"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    let k8s = inv["kubernetes"].as_array().unwrap();
    assert_eq!(k8s.len(), 1, "{inv}");
    assert_eq!(k8s[0]["resource"], "pods/exec");
    assert_eq!(
        k8s[0]["stages"],
        serde_json::json!(["ResponseStarted", "ResponseComplete"])
    );
    assert_eq!(k8s[0]["code"], 101);
}

#[test]
fn investigate_by_device_and_time() {
    let out = kqlhunt(&[
        "investigate",
        "examples/attack",
        "--device",
        "node-c",
        "--time",
        "2026-03-10T13:45:02.300Z",
        "--window",
        "10m",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("window ±10m"), "{stdout}");
    assert!(
        stdout.contains("./kubeletctl exec id -p nginx-6b7f9c-2xk4d"),
        "{stdout}"
    );
    assert!(stdout.contains("◀ alert"), "{stdout}");
    assert!(stdout.contains("→ 10.20.0.14:10250"), "{stdout}");
}
