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
    /// Memory the query's operators may hold, e.g. 256MiB or 2G (K, M, G are powers of
    /// 1024). Sorts and aggregations spill to the temporary directory beyond it; without
    /// it they hold whatever their results need.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<usize>,
}

/// A byte count with an optional binary unit: `1048576`, `512K`, `64MiB`, `2G`, `1gb`.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let n: usize = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size: expected a number such as 512MiB"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => return Err(format!("unknown unit `{other}` in `{s}`: use K, M or G")),
    };
    n.checked_mul(1usize << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("`{s}` is not a usable memory size"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("3 GB"), Ok(3 << 30));
        assert!(parse_size("").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("12T").unwrap_err().contains("unknown unit `t`"));
        assert!(parse_size("M").unwrap_err().contains("not a size"));
        assert!(parse_size("99999999999999999999G").is_err());
    }
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
