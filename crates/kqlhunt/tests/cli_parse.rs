//! `kqlhunt parse`: canonical text on stdout and exit 0 for a valid query; a rendered
//! diagnostic with a caret on stderr and exit 2 for an invalid one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{kqlhunt, text};

/// The seed rule in canonical form: one statement per `;`, one operator per line, strings in
/// double quotes, multi-line expressions joined onto their operator's line.
const SEED_CANONICAL: &str = r#"let ContainerExecPatterns = dynamic(["exec", "run", "attach"]);
let SuspiciousShells = dynamic(["sh", "bash", "ash", "zsh", "/bin/sh", "/bin/bash"]);
let PrivilegedFlags = dynamic(["--privileged", "--cap-add", "--security-opt label=disable", "--pid=host", "--net=host", "--ipc=host"]);
DeviceProcessEvents
| where TimeGenerated > ago(1d)
| where FileName in~ ("docker", "kubectl", "crictl", "ctr", "nerdctl", "podman") or InitiatingProcessFileName in~ ("docker", "kubectl", "crictl", "ctr", "nerdctl", "podman")
| where ProcessCommandLine has_any (ContainerExecPatterns)
| extend IsInteractiveShell = ProcessCommandLine has "-it" or ProcessCommandLine has "--tty" or ProcessCommandLine has "-i "
| extend SpawnsShell = ProcessCommandLine has_any (SuspiciousShells)
| extend UsesPrivilegedFlag = ProcessCommandLine has_any (PrivilegedFlags)
| extend IsKubectlExec = FileName =~ "kubectl" and ProcessCommandLine has "exec"
| extend IsCurlKubelet = (FileName =~ "curl" or FileName =~ "wget") and (ProcessCommandLine has ":10250" or ProcessCommandLine has "/exec" or ProcessCommandLine has "/run")
| extend RiskScore = toint(0) + iif(IsInteractiveShell, 30, 0) + iif(SpawnsShell, 25, 0) + iif(UsesPrivilegedFlag, 35, 0) + iif(IsKubectlExec, 20, 0) + iif(IsCurlKubelet, 40, 0) + iif(InitiatingProcessFileName in~ ("python", "python3", "ruby", "perl", "php", "node"), 30, 0)
| where RiskScore >= 25
| project TimeGenerated, DeviceName, AccountName, AccountDomain, FileName, ProcessCommandLine, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessParentFileName, IsInteractiveShell, SpawnsShell, UsesPrivilegedFlag, IsKubectlExec, IsCurlKubelet, RiskScore
| sort by RiskScore desc, TimeGenerated desc
"#;

#[test]
fn seed_rule_prints_in_canonical_form() {
    let out = kqlhunt(&["parse", "-f", "rules/t1609/container_admin_command.kql"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SEED_CANONICAL);
    assert!(out.stderr.is_empty(), "stderr: {}", text(&out.stderr));
}

#[test]
fn canonical_output_parses_to_itself() {
    let out = kqlhunt(&["parse", SEED_CANONICAL]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SEED_CANONICAL);
}

#[test]
fn inline_query() {
    let out = kqlhunt(&["parse", "T | where x has 'a' | take 10"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "T\n| where x has \"a\"\n| take 10\n");
}

#[test]
fn syntax_error_exits_2_with_a_caret() {
    let out = kqlhunt(&["parse", "SecurityEvent | wher EventID == 4625"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&out.stdout)
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("error[KQL0203]: unknown tabular operator `wher`"),
        "{err}"
    );
    assert!(
        err.contains("1 | SecurityEvent | wher EventID == 4625\n"),
        "{err}"
    );
    assert!(
        err.contains("\n  |                 ^^^^ not an operator\n"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `where`?"), "{err}");
}

#[test]
fn syntax_error_in_a_file_names_the_file() {
    let dir = std::env::temp_dir().join(format!("kqlhunt-cli-parse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.kql");
    std::fs::write(&file, "T\n| where\n").unwrap();
    let out = kqlhunt(&["parse", "-f", file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(
            "error[KQL0201]: expected an expression after `where`, found end of input\n"
        ),
        "{err}"
    );
    assert!(err.contains("bad.kql:2:8"), "{err}");
    assert!(
        err.contains("2 | | where\n  |        ^ expected an expression here\n"),
        "{err}"
    );
}
