//! The built-in T1609 pack: every rule loads, and every test case passes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detection::validate::{render_matrix, validate};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

#[test]
fn every_builtin_rule_loads() {
    let set = detection::pack::load();
    let problems: Vec<String> = set.problems.iter().map(|p| p.render(false)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "t1609-container-admin-command",
            "t1609-hunt-exec-by-account",
            "t1609-hunt-first-seen-exec-users",
            "t1609-hunt-rare-cli-parents",
            "t1609-k8s-api-exec",
            "t1609-kubelet-api-direct",
        ]
    );
}

#[tokio::test]
async fn every_builtin_test_case_passes() {
    let copy = detection::pack::materialize().unwrap();
    let set = detection::load_paths(&[copy.rules_dir()]);
    assert!(set.problems.is_empty());
    let results = validate(&set, today()).await;
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let matrix = render_matrix(&results, &ids);
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{} / {}: {}", r.rule_id, r.scenario, r.failures.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{matrix}\n{}", failures.join("\n"));
    println!("{matrix}");
}
