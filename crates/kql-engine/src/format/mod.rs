//! Writing query results: JSON lines, CSV, and an aligned table for terminals.
//!
//! Values are written the way Kusto presents them: `datetime` as ISO 8601 UTC with `Z`
//! (fraction up to 7 digits, trailing zeros dropped), `timespan` as `[-][d.]hh:mm:ss[.fffffff]`,
//! `bool` as `true`/`false`, `dynamic` as JSON, `string` never null (`""`), other nulls as
//! JSON `null` or an empty cell.

mod cell;
mod writers;

pub use cell::{Cell, cell, format_datetime, format_timespan};
pub use writers::{CsvWriter, JsonlWriter, ResultWriter, TableWriter};

/// Output format names accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON object per row, keys in column order.
    Jsonl,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Self::Table),
            "csv" => Ok(Self::Csv),
            "jsonl" | "json" => Ok(Self::Jsonl),
            other => Err(format!(
                "unknown format `{other}` (use table, csv or jsonl)"
            )),
        }
    }
}
