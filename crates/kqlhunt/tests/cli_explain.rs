//! `kqlhunt explain` shows what each telemetry scan reads: the columns the query uses and
//! the record prefilter derived from its filters, per input format.
//!
//! Expected values come from the seed rule's text: it reads nine columns, and its second
//! `where` (`FileName in~ (...) or InitiatingProcessFileName in~ (...)`) requires one of six
//! tool names, more selective than the three short words of its `has_any`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

mod common;

use common::root;

fn explain(no_pushdown: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kqlhunt"));
    cmd.args([
        "explain",
        "-f",
        "rules/t1609/container_admin_command.kql",
        "testdata/logs/defender/docker-exec.ndjson",
        "testdata/logs/falco/falco-alerts.log",
    ])
    .current_dir(root());
    if no_pushdown {
        cmd.env("KQLHUNT_NO_PUSHDOWN", "1");
    } else {
        cmd.env_remove("KQLHUNT_NO_PUSHDOWN");
    }
    cmd.output().expect("run kqlhunt")
}

const COLUMNS: &str = "DeviceProcessEvents: columns [DeviceName, FileName, ProcessCommandLine, \
AccountDomain, AccountName, InitiatingProcessFileName, InitiatingProcessCommandLine, \
InitiatingProcessParentFileName, TimeGenerated]";

#[test]
fn explain_shows_projected_columns_and_prefilter_literals_per_format() {
    let out = explain(false);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let scans = stdout
        .split("== Telemetry scans ==\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no scans section in {stdout}"));
    // Falco is a mapped format: it takes no prefilter, so only the Defender line appears.
    // The rule compares both columns with `in~`, so each name is a whole value (`=`).
    assert_eq!(
        scans.trim_end(),
        format!(
            "{COLUMNS}\n  prefilter defender-ndjson: any of [=\"crictl\", =\"ctr\", =\"docker\", \
             =\"kubectl\", =\"nerdctl\", =\"podman\"] (from FileName, InitiatingProcessFileName)"
        )
    );
}

#[test]
fn explain_without_pushdown_derives_no_prefilter() {
    let out = explain(true);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{COLUMNS}\n  prefilter: none (every record is parsed)"
        )),
        "{stdout}"
    );
}
