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
    /// Run a KQL query over telemetry files and print the result.
    Query(QueryArgs),
    /// Parse and bind a query against the built-in Sentinel / Defender table schemas (and
    /// user schema files), without data: exit 0 when valid, 2 with diagnostics when not.
    Check(CheckArgs),
    /// Show how a query is planned: the KQL plan, DataFusion's logical and physical plans,
    /// and per telemetry scan the columns decoded and the record prefilters derived.
    Explain(QueryArgs),
    /// List input files with their format, tables, rows and bad records.
    Sources(crate::commands::sources::SourcesArgs),
    /// Convert telemetry into Parquet, one folder per table.
    Convert(crate::commands::convert::ConvertArgs),
    /// Run the detection rules (the built-in T1609 pack by default) over telemetry and report
    /// alerts: exit 0 when the scan ran, 1 with --fail-on-alert and alerts, 2 on errors.
    Scan(crate::commands::scan::ScanArgs),
    /// Run every rule's test cases and print the scenario × rule matrix (exit 1 on a failed
    /// expectation, 2 when a rule does not load).
    Validate(crate::commands::validate::ValidateArgs),
    /// Show the context of one alert: process tree, device events, network connections and
    /// API-server requests around it.
    Investigate(crate::commands::investigate::InvestigateArgs),
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The query.
    #[command(flatten)]
    pub input: QueryInput,
    /// A JSON schema file: {"Table": {"Column": "type", ...}, ...} (repeatable).
    #[arg(long = "schema", value_name = "FILE")]
    pub schemas: Vec<PathBuf>,
}

/// Arguments of `query` and `explain`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Read the query from this file; then every positional argument is an input path.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The query (unless -f is given), then input files or folders (`-` for stdin), whose
    /// format is detected and whose records land in their Sentinel tables.
    #[arg(value_name = "QUERY|PATH")]
    pub args: Vec<String>,
    /// Bind a file or folder of NDJSON, CSV or Parquet to a table name (repeatable).
    #[arg(long = "table", value_name = "NAME=PATH")]
    pub tables: Vec<String>,
    /// Fix now() and ago() at this instant (ISO 8601, UTC), e.g. to replay old logs.
    #[arg(long, value_name = "ISO-8601")]
    pub now: Option<String>,
    /// Output format: table, csv or jsonl.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// Stop with exit code 2 at the first bad input record.
    #[arg(long)]
    pub strict: bool,
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
