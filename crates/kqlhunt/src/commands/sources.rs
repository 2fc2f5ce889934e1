//! `kqlhunt sources PATH...`: what the inputs are and what reading them gives, before any
//! rule runs: per file its format, tables, rows and bad records, then the bad records
//! themselves with their location and reason.

use clap::Args;
use log_sources::{FileReport, Inputs, ReadOptions, ReadPlan, ReadReport};
use std::path::PathBuf;
use std::process::ExitCode;

/// Input paths and how to read them (shared by `sources` and `convert`).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (read recursively, in name order), or `-` for standard input.
    /// gzip and zstd are decompressed; formats are recognised from the content.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Stop with exit code 2 at the first bad record (records of tables or events kqlhunt
    /// does not map are still only counted).
    #[arg(long)]
    pub strict: bool,
    /// The table of records that do not name theirs (e.g. a CSV export of one table).
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Records longer than this many bytes are skipped and reported.
    #[arg(long, value_name = "BYTES", default_value_t = log_sources::options::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
}

impl InputArgs {
    /// The read options these arguments ask for.
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            strict: self.strict,
            table_hint: self.table.clone(),
            max_record_bytes: self.max_record_bytes,
            ..ReadOptions::default()
        }
    }
}

/// Arguments of `sources`.
#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// The inputs.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Lists the inputs and reads them all, discarding the rows.
pub fn run(args: &SourcesArgs) -> anyhow::Result<ExitCode> {
    let options = args.input.options();
    let inputs = Inputs::discover(&args.input.paths, &options)?;
    let report = inputs.read_all(&ReadPlan::all(options), &mut |_, _| Ok(()))?;
    let mut out = std::io::stdout().lock();
    write_report(&mut out, &inputs, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// The listing, then the bad records, then totals.
pub(crate) fn write_report(
    out: &mut dyn std::io::Write,
    inputs: &Inputs,
    report: &ReadReport,
) -> std::io::Result<()> {
    let rows: Vec<[String; 6]> = inputs
        .inputs
        .iter()
        .map(|i| {
            let f = report.files.iter().find(|f| f.file == i.name);
            let compression = i.compression.name();
            let format = match (i.format(), compression) {
                (Some(fmt), "") => fmt.to_string(),
                (Some(fmt), c) => format!("{fmt} ({c})"),
                (None, _) => "unrecognized".to_string(),
            };
            let tables = f
                .map(|f| f.rows.keys().copied().collect::<Vec<_>>())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| i.tables.clone());
            [
                i.name.to_string(),
                format,
                tables.join(","),
                f.map_or(0, FileReport::row_total).to_string(),
                f.map_or(0, FileReport::errors).to_string(),
                f.map_or(0, FileReport::skipped_by_design).to_string(),
            ]
        })
        .collect();
    let header = ["FILE", "FORMAT", "TABLES", "ROWS", "BAD", "SKIPPED"];
    let mut width = header.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            // Numbers right-aligned, text left-aligned.
            if i >= 3 {
                s.push_str(&format!("{c:>w$}  "));
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header))?;
    for r in &rows {
        writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]))?;
    }
    let mut first = true;
    for f in &report.files {
        for b in &f.bad {
            if first {
                writeln!(out, "\nbad records:")?;
                first = false;
            }
            writeln!(out, "  {b}")?;
        }
        let shown = f.bad.len() as u64;
        if f.bad_total() > shown {
            writeln!(
                out,
                "  {}: {} more not shown",
                f.file,
                f.bad_total() - shown
            )?;
        }
    }
    let per_table: Vec<String> = report
        .rows()
        .iter()
        .map(|(t, n)| format!("{t}={n}"))
        .collect();
    let skipped: u64 = report.files.iter().map(FileReport::skipped_by_design).sum();
    writeln!(
        out,
        "\n{} file(s), {} row(s){}, {} bad record(s), {} skipped by design",
        inputs.inputs.len(),
        report.rows().values().sum::<u64>(),
        if per_table.is_empty() {
            String::new()
        } else {
            format!(" ({})", per_table.join(", "))
        },
        report.errors(),
        skipped
    )
}
