//! Runs every case file under testdata/cases (see `kql_engine::casefile`).
//!
//! `cargo test -p kql-engine --test cases` checks them; with `KQLHUNT_BLESS=1` the expected
//! blocks are rewritten from the engine's output (review the diff against the KQL
//! documentation before committing). `KQLHUNT_CASES=substring` runs only matching files.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "test") {
            out.push(p);
        }
    }
}

#[tokio::test]
async fn case_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/cases");
    let bless = std::env::var_os("KQLHUNT_BLESS").is_some();
    let filter = std::env::var("KQLHUNT_CASES").unwrap_or_default();
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.retain(|f| f.to_string_lossy().contains(&filter));
    assert!(
        !files.is_empty() || !filter.is_empty(),
        "no case files under {}",
        root.display()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for f in &files {
        match kql_engine::caserun::run_file(f, bless).await {
            Ok(outcomes) => {
                for o in outcomes {
                    total += 1;
                    if !o.passed {
                        failures.push(format!(
                            "{}:{}\n--- got ---\n{}\n",
                            f.display(),
                            o.line,
                            o.actual
                        ));
                    }
                }
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
