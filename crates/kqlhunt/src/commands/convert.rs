//! `kqlhunt convert PATH... --out DIR`: telemetry to Parquet, one folder per table, so
//! later runs read only the columns and row groups a query needs.

use super::sources::{InputArgs, write_report};
use clap::Args;
use log_sources::{Inputs, ReadPlan};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder; each table goes to `DIR/<Table>/part-NNNNN.parquet`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Converts the inputs and prints what was written and read.
pub fn run(args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let options = args.input.options();
    let inputs = Inputs::discover(&args.input.paths, &options)?;
    let report = log_sources::convert(&inputs, &ReadPlan::all(options), &args.out)?;
    let mut out = std::io::stdout().lock();
    for w in &report.written {
        writeln!(
            out,
            "wrote {} ({} rows of {})",
            w.path.display(),
            w.rows,
            w.table
        )?;
    }
    writeln!(out)?;
    write_report(&mut out, &inputs, &report.read)?;
    Ok(ExitCode::SUCCESS)
}
