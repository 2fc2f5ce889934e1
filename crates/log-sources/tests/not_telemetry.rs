//! Files beside the logs that are not telemetry (READMEs, scripts, notes, `.git`): a folder
//! walk reports each once, as skipped by design, instead of a bad record per line; a file
//! the user names explicitly and no reader recognises stays an error.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use log_sources::{BadReason, FileReport, Inputs, ReadOptions, ReadPlan, ReadReport};
use std::path::{Path, PathBuf};

fn logs(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs")
        .join(rel)
}

fn read(paths: &[PathBuf], strict: bool) -> (Inputs, Result<ReadReport, String>) {
    let options = ReadOptions {
        strict,
        ..ReadOptions::default()
    };
    let inputs = Inputs::discover(paths, &options).unwrap();
    let report = inputs
        .read_all(&ReadPlan::all(options), &mut |_, _| Ok(()))
        .map_err(|e| e.to_string());
    (inputs, report)
}

fn file<'a>(report: &'a ReadReport, name: &str) -> &'a FileReport {
    report
        .files
        .iter()
        .find(|f| Path::new(&*f.file).file_name().unwrap() == name)
        .unwrap()
}

const SKIPPED: &str = "skipped: no reader recognises this file's format";

/// One report line, skipped by design, no error.
fn assert_skipped_once(f: &FileReport) {
    assert_eq!(f.format, None);
    assert_eq!(f.row_total(), 0);
    assert_eq!(
        (f.bad_total(), f.errors(), f.skipped_by_design()),
        (1, 0, 1)
    );
    assert_eq!(f.bad[0].reason.to_string(), SKIPPED);
    assert_eq!(f.bad[0].location.line, None);
}

#[test]
fn the_auditd_readme_is_skipped_once_not_read_as_an_audit_log() {
    // It quotes `type=…` and `msg=audit(…)`, which used to make it an audit log with one
    // malformed record per line.
    let (inputs, report) = read(&[logs("auditd")], false);
    let readme = inputs
        .inputs
        .iter()
        .find(|i| i.name.ends_with("README.md"))
        .unwrap();
    assert_eq!((readme.format(), readme.named), (None, false));
    let report = report.unwrap();
    assert_skipped_once(file(&report, "README.md"));
    assert_eq!(report.errors(), 1, "node-2's stray line is the only error");
}

#[test]
fn notes_scripts_and_git_in_a_log_folder() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    // Notes with no telling extension, quoting audit records among prose.
    std::fs::copy(logs("auditd/README.md"), root.join("notes.txt")).unwrap();
    std::fs::copy(logs("defender/make-bad-input.py"), root.join("gen.py")).unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::copy(logs("auditd/node-1-audit.log.1"), root.join("audit.log")).unwrap();
    // Strict mode accepts the folder: a skipped file is no bad record.
    let (inputs, report) = read(&[root.to_path_buf()], true);
    let names: Vec<String> = inputs
        .inputs
        .iter()
        .map(|i| format!("{} {:?}", Path::new(&*i.name).display(), i.format()))
        .map(|s| s.replace(&format!("{}/", root.display()), ""))
        .collect();
    assert_eq!(
        names,
        [
            "audit.log Some(\"auditd\")",
            "gen.py None",
            "notes.txt None"
        ]
    );
    let report = report.unwrap();
    assert_skipped_once(file(&report, "notes.txt"));
    assert_skipped_once(file(&report, "gen.py"));
    assert_eq!(file(&report, "audit.log").rows["DeviceProcessEvents"], 7);
    assert_eq!(report.errors(), 0);
}

#[test]
fn a_file_named_explicitly_that_nothing_reads_is_an_error() {
    let readme = logs("auditd/README.md");
    let (inputs, report) = read(std::slice::from_ref(&readme), false);
    assert!(inputs.inputs[0].named);
    let f = &report.unwrap().files[0];
    assert_eq!(
        (f.bad_total(), f.errors(), f.skipped_by_design()),
        (1, 1, 0)
    );
    assert!(matches!(f.bad[0].reason, BadReason::Unrecognized(_)));
    let (_, strict) = read(&[readme], true);
    assert!(strict.unwrap_err().contains("unrecognized input"));
}
