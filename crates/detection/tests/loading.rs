//! Rule loading: every kind of broken rule is reported with its file, line and caret, and the
//! other rules still load.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detection::load_paths;
use std::path::Path;

const GOOD: &str = r#"id: good
title: Good rule
severity: low
confidence: low
tables: [DeviceProcessEvents]
entities:
  host: DeviceName
query: |
  DeviceProcessEvents
  | where FileName =~ "docker"
  | project TimeGenerated, DeviceName, FileName
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn problem_text(set: &detection::RuleSet, file: &str) -> String {
    set.problems
        .iter()
        .find(|p| p.path.ends_with(file))
        .map(|p| p.render(false))
        .unwrap_or_else(|| panic!("no problem reported for {file}"))
}

#[test]
fn broken_rules_are_reported_and_the_good_one_loads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a-good.yaml", GOOD);
    // Line 3 holds a severity that is not a level.
    write(
        d,
        "b-bad-yaml.yaml",
        "id: bad-yaml\ntitle: t\nseverity: severe\nconfidence: low\ntables: [DeviceProcessEvents]\nquery: T\n",
    );
    // The inline query misspells FileName on line 8; `  | where ` is 10 columns wide.
    write(
        d,
        "c-bad-kql.yaml",
        "id: bad-kql\ntitle: t\nseverity: low\nconfidence: low\ntables: [DeviceProcessEvents]\nquery: |\n  DeviceProcessEvents\n  | where FileNmae == \"docker\"\n",
    );
    // A query file whose second line ends after `take`.
    write(d, "d-bad-file.kql", "DeviceProcessEvents\n| take\n");
    write(
        d,
        "d-bad-file.yaml",
        "id: bad-file\ntitle: t\nseverity: low\nconfidence: low\ntables: [DeviceProcessEvents]\nquery_file: d-bad-file.kql\n",
    );
    // An unknown required table on line 5.
    write(
        d,
        "e-unknown-table.yaml",
        "id: unknown-table\ntitle: t\nseverity: low\nconfidence: low\ntables: [DeviceProcesEvents]\nquery: DeviceProcessEvents | take 1\n",
    );
    // An entity column the query does not output, on line 7.
    write(
        d,
        "f-entity.yaml",
        "id: entity\ntitle: t\nseverity: low\nconfidence: low\ntables: [DeviceProcessEvents]\nentities:\n  host: DeviceNmae\nquery: DeviceProcessEvents | project DeviceName\n",
    );
    // The same id as the good rule.
    write(d, "g-duplicate.yaml", GOOD);
    // An unknown key.
    write(
        d,
        "h-typo.yaml",
        &GOOD
            .replace("id: good", "id: typo")
            .replace("entities:", "entitys:"),
    );

    let set = load_paths(&[d.to_path_buf()]);
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["good"]);
    assert_eq!(set.problems.len(), 7);

    let t = problem_text(&set, "b-bad-yaml.yaml");
    assert!(
        t.contains("error[RULE0001]: severity: unknown variant `severe`"),
        "{t}"
    );
    assert!(t.contains("b-bad-yaml.yaml:3:11"), "{t}");

    let t = problem_text(&set, "c-bad-kql.yaml");
    assert!(t.contains("unknown column or variable `FileNmae`"), "{t}");
    assert!(t.contains("c-bad-kql.yaml:8:11"), "{t}");
    assert!(t.contains("8 |   | where FileNmae == \"docker\""), "{t}");
    assert!(t.contains("help: did you mean `FileName`?"), "{t}");

    let t = problem_text(&set, "d-bad-file.yaml");
    assert!(
        t.contains("d-bad-file.kql:2:"),
        "the caret is in the .kql file: {t}"
    );

    let t = problem_text(&set, "e-unknown-table.yaml");
    assert!(
        t.contains("error[RULE0003]: unknown table `DeviceProcesEvents`"),
        "{t}"
    );
    assert!(t.contains("e-unknown-table.yaml:5:10"), "{t}");
    assert!(t.contains("did you mean `DeviceProcessEvents`?"), "{t}");

    let t = problem_text(&set, "f-entity.yaml");
    assert!(
        t.contains("error[RULE0004]: entity `host` column `DeviceNmae`"),
        "{t}"
    );
    assert!(t.contains("f-entity.yaml:7:9"), "{t}");

    let t = problem_text(&set, "g-duplicate.yaml");
    assert!(t.contains("RULE0005"), "{t}");

    let t = problem_text(&set, "h-typo.yaml");
    assert!(t.contains("unknown field `entitys`"), "{t}");
    assert!(t.contains("h-typo.yaml:6:1"), "{t}");
}

#[test]
fn the_builtin_seed_query_is_the_repository_file_byte_for_byte() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let on_disk =
        std::fs::read_to_string(repo.join("rules/t1609/container_admin_command.kql")).unwrap();
    let set = detection::pack::load();
    let seed = set.get("t1609-container-admin-command").unwrap();
    assert_eq!(seed.query, on_disk);
    assert_eq!(seed.severity, detection::Severity::High);
    assert_eq!(seed.confidence, detection::rule::Confidence::Medium);
    assert_eq!(seed.score_column.as_deref(), Some("RiskScore"));
}

#[test]
fn a_missing_rule_path_is_a_problem_not_a_panic() {
    let set = load_paths(&[Path::new("/nonexistent/rules").to_path_buf()]);
    assert!(set.rules.is_empty());
    assert_eq!(set.problems.len(), 1);
    assert!(set.problems[0].render(false).contains("cannot read rules"));
}
