//! What the command-line tests share: running the built binary from the repository root.

// Each test binary uses the helpers it needs.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, where `examples/`, `rules/` and `testdata/` are.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `kqlhunt ARGS` from the repository root.
pub fn kqlhunt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kqlhunt"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run kqlhunt")
}

/// Output as text (the binary writes UTF-8).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}
