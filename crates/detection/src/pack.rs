//! The built-in T1609 pack, compiled into the binary from `rules/t1609/` so that `kqlhunt scan`
//! and `kqlhunt validate` work from any folder, with the same text a reader sees in the
//! repository (the seed rule's `.kql` byte for byte).
//!
//! Test telemetry and the example suppression file the tests use are embedded too; `validate`
//! writes them to a temporary folder ([`materialize`]) because the telemetry readers read
//! files.

use std::path::{Path, PathBuf};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../../", $path)))),*]
    };
}

/// Every file of the pack, by repository-relative path.
pub static FILES: &[(&str, &str)] = embed![
    "rules/t1609/container_admin_command.yaml",
    "rules/t1609/container_admin_command.kql",
    "rules/t1609/k8s_api_exec.yaml",
    "rules/t1609/k8s_api_exec.kql",
    "rules/t1609/kubelet_api_direct.yaml",
    "rules/t1609/kubelet_api_direct.kql",
    "rules/t1609/hunt_exec_by_account.yaml",
    "rules/t1609/hunt_rare_cli_parents.yaml",
    "rules/t1609/hunt_first_seen_exec_users.yaml",
    "rules/t1609/tests/docker-exec-it/node-1.sysmon.log",
    "rules/t1609/tests/kubectl-exec/node-1.sysmon.log",
    "rules/t1609/tests/kubectl-exec/apiserver-audit.log",
    "rules/t1609/tests/kubelet-curl/node-1.sysmon.log",
    "rules/t1609/tests/kubelet-curl/node-1.audit.log",
    "rules/t1609/tests/kubelet-curl/node-1.defender.ndjson",
    "rules/t1609/tests/atomic-t1609-1/node-1.audit.log",
    "rules/t1609/tests/atomic-t1609-1/apiserver-audit.log",
    "rules/t1609/tests/atomic-t1609-2/node-1.audit.log",
    "rules/t1609/tests/fp-ci-runner/build-1.defender.ndjson",
    "rules/t1609/tests/fp-ci-runner/gitlab-apiserver-audit.log",
    "rules/t1609/tests/fp-monitoring-agent/node-2.sysmon.log",
    "rules/t1609/tests/fp-devops-business-hours/jump-1.audit.log",
    "examples/suppressions.yaml",
];

/// The pack's rules folder, as named in [`FILES`].
pub const RULES_DIR: &str = "rules/t1609";

/// The built-in rules.
pub fn load() -> crate::RuleSet {
    crate::load::load_embedded(FILES, RULES_DIR)
}

/// A copy of the pack on disk, removed when dropped.
#[derive(Debug)]
pub struct Materialized {
    root: PathBuf,
}

impl Materialized {
    /// The copy's root (holding `rules/t1609/...` and `examples/...`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The copy's rules folder.
    pub fn rules_dir(&self) -> PathBuf {
        self.root.join(RULES_DIR)
    }
}

impl Drop for Materialized {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Writes the pack under a new folder in the system's temporary folder.
pub fn materialize() -> std::io::Result<Materialized> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let root = std::env::temp_dir().join(format!("kqlhunt-pack-{}-{nanos}", std::process::id()));
    let copy = Materialized { root };
    for (path, text) in FILES {
        let target = copy.root.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, text)?;
    }
    Ok(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_rule_is_embedded_verbatim() {
        let kql = FILES
            .iter()
            .find(|(p, _)| *p == "rules/t1609/container_admin_command.kql")
            .map(|(_, t)| *t)
            .unwrap();
        assert!(
            kql.starts_with(
                "let ContainerExecPatterns = dynamic([\"exec\", \"run\", \"attach\"]);"
            )
        );
        assert!(kql.contains("| where RiskScore >= 25"));
    }

    #[test]
    fn materialized_copy_has_every_file_and_is_removed() {
        let root;
        {
            let m = materialize().unwrap();
            root = m.root().to_path_buf();
            for (p, text) in FILES {
                assert_eq!(std::fs::read_to_string(root.join(p)).unwrap(), *text);
            }
        }
        assert!(!root.exists());
    }
}
