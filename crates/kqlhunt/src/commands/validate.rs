//! `kqlhunt validate`: runs every rule's test cases and prints the scenario × rule matrix.
//!
//! Exit codes: 0 when every expectation holds, 1 when one fails, 2 when a rule does not load.

use super::runtime;
use super::scan::load_rules;
use anyhow::Context as _;
use clap::Args;
use detection::validate::{render_matrix, validate};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Rule files or folders (repeatable). Without it, the built-in T1609 pack.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    // The built-in pack's test telemetry is embedded; the readers read files, so it is
    // written to a temporary folder for the run.
    let copy = if args.rules.is_empty() {
        Some(
            detection::pack::materialize()
                .context("cannot write the built-in pack to a temporary folder")?,
        )
    } else {
        None
    };
    let paths = match &copy {
        Some(c) => vec![c.rules_dir()],
        None => args.rules.clone(),
    };
    let set = load_rules(&paths);
    let today = chrono::Utc::now().date_naive();
    let results = runtime()?.block_on(validate(&set, today));
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    print!("{}", render_matrix(&results, &ids));
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    if !failed.is_empty() {
        println!("\nfailed expectations:");
        for r in &failed {
            for f in &r.failures {
                println!("  {} / {}: {f}", r.rule_id, r.scenario);
            }
        }
    }
    let passed = results.len() - failed.len();
    eprintln!(
        "\n{} test case(s) of {} rule(s): {passed} passed, {} failed; {} rule(s) not loaded",
        results.len(),
        set.rules.len(),
        failed.len(),
        set.problems.len()
    );
    Ok(if !set.problems.is_empty() {
        ExitCode::from(2)
    } else if !failed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
