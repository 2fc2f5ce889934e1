//! The T1609 seed rule, verbatim, over a fixture built to exercise every clause; the
//! expected rows were worked out by hand from the rule's text (see testdata/seed/README.md).

use kql_engine::format::{JsonlWriter, ResultWriter};
use kql_engine::{Engine, QueryOptions};
use kql_syntax::ScalarType;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// 2024-06-01T12:00:00Z in nanoseconds since the epoch.
const NOW: i64 = 1_717_243_200_000_000_000;

#[tokio::test]
async fn seed_rule_returns_the_hand_computed_rows() {
    let rule =
        std::fs::read_to_string(repo().join("rules/t1609/container_admin_command.kql")).unwrap();
    let mut engine = Engine::new();
    engine
        .register_file(
            "DeviceProcessEvents",
            &repo().join("testdata/seed/device_process_events.ndjson"),
        )
        .await
        .unwrap();
    let planned = match engine.prepare(&rule, &QueryOptions::at(NOW)).await {
        Ok(p) => p,
        Err(e) => panic!("{e}: {:#?}", e.diagnostics()),
    };
    // Output schema: names and KQL types from the rule's `project`.
    let expected_cols = [
        ("TimeGenerated", ScalarType::DateTime),
        ("DeviceName", ScalarType::String),
        ("AccountName", ScalarType::String),
        ("AccountDomain", ScalarType::String),
        ("FileName", ScalarType::String),
        ("ProcessCommandLine", ScalarType::String),
        ("InitiatingProcessFileName", ScalarType::String),
        ("InitiatingProcessCommandLine", ScalarType::String),
        ("InitiatingProcessParentFileName", ScalarType::String),
        ("IsInteractiveShell", ScalarType::Bool),
        ("SpawnsShell", ScalarType::Bool),
        ("UsesPrivilegedFlag", ScalarType::Bool),
        ("IsKubectlExec", ScalarType::Bool),
        ("IsCurlKubelet", ScalarType::Bool),
        // toint(0) + iif(..., 30, 0) + ...: int + long is long.
        ("RiskScore", ScalarType::Long),
    ];
    let got_cols: Vec<(&str, ScalarType)> = planned
        .bound
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty))
        .collect();
    assert_eq!(got_cols, expected_cols);
    assert!(planned.bound.ordered);

    let batches = engine.collect(&planned).await.unwrap();
    let mut out = Vec::new();
    let mut w = JsonlWriter::new(&mut out);
    w.begin(&planned.bound.columns).unwrap();
    for b in &batches {
        w.batch(b).unwrap();
    }
    w.finish().unwrap();
    let got = String::from_utf8(out).unwrap();
    let expected = std::fs::read_to_string(repo().join("testdata/seed/expected.jsonl")).unwrap();
    let got_lines: Vec<&str> = got.lines().collect();
    let exp_lines: Vec<&str> = expected.lines().collect();
    for (i, (g, e)) in got_lines.iter().zip(&exp_lines).enumerate() {
        assert_eq!(g, e, "row {i} differs");
    }
    assert_eq!(got_lines.len(), exp_lines.len(), "row count\n{got}");
}
