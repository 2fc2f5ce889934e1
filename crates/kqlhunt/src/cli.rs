//! Command-line arguments, declared once with clap.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Runs Microsoft Sentinel / Defender KQL detection rules verbatim over local telemetry.
#[derive(Debug, Parser)]
#[command(name = "kqlhunt", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse a KQL query and print it back in canonical form (exit 2 on syntax errors).
    Parse(QueryInput),
}

/// A query given inline or as a file.
#[derive(Debug, Args)]
pub struct QueryInput {
    /// Read the query from this file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    pub file: Option<PathBuf>,
    /// The query text.
    #[arg(value_name = "QUERY", required_unless_present = "file")]
    pub query: Option<String>,
}
