//! The `kqlhunt` command line.
//!
//! Exit codes (every subcommand): 0 success; 1 `scan --fail-on-alert` found alerts;
//! 2 an error (bad query, bad rule, unreadable input, `--strict` bad record).
//! Only this binary uses `anyhow` and decides exit codes; the libraries return typed errors.

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`kqlhunt ... | head`) is not an error.
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
