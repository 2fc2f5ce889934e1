//! One module per subcommand; each returns the process exit code.

mod check;
pub(crate) mod convert;
mod explain;
pub(crate) mod investigate;
mod parse;
mod query;
pub(crate) mod scan;
pub(crate) mod sources;
pub(crate) mod validate;

use crate::cli::{Cli, Command, QueryInput};
use anyhow::Context as _;
use std::io::IsTerminal as _;
use std::process::ExitCode;

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse(input) => parse::run(&input),
        Command::Query(args) => query::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Sources(args) => sources::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Investigate(args) => investigate::run(&args),
    }
}

/// The query text and the name to show in diagnostics.
pub(crate) struct QueryText {
    pub text: String,
    pub origin: String,
}

pub(crate) fn read_query(input: &QueryInput) -> anyhow::Result<QueryText> {
    match (&input.file, &input.query) {
        (Some(path), _) => Ok(QueryText {
            text: std::fs::read_to_string(path)
                .with_context(|| format!("cannot read query file {}", path.display()))?,
            origin: path.display().to_string(),
        }),
        (None, Some(q)) => Ok(QueryText {
            text: q.clone(),
            origin: "query".into(),
        }),
        (None, None) => anyhow::bail!("give a query or -f FILE"),
    }
}

/// With `-f FILE`, every positional argument is an input path; without it, the first
/// positional argument is the query text.
pub(crate) fn read_query_or_first_arg(
    file: Option<&std::path::Path>,
    args: &[String],
) -> anyhow::Result<(QueryText, Vec<String>)> {
    match file {
        Some(path) => Ok((
            QueryText {
                text: std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read query file {}", path.display()))?,
                origin: path.display().to_string(),
            },
            args.to_vec(),
        )),
        None => {
            let (first, rest) = args
                .split_first()
                .context("give a query (or -f FILE) and optionally input paths")?;
            Ok((
                QueryText {
                    text: first.clone(),
                    origin: "query".into(),
                },
                rest.to_vec(),
            ))
        }
    }
}

/// `--now` or the system clock.
pub(crate) fn query_options(now: Option<&str>) -> anyhow::Result<kql_engine::QueryOptions> {
    match now {
        None => Ok(kql_engine::QueryOptions::now()),
        Some(text) => kql_plan::parse_datetime_text(text)
            .map(kql_engine::QueryOptions::at)
            .with_context(|| format!("--now: `{text}` is not an ISO 8601 datetime")),
    }
}

/// The async runtime for commands that run queries.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Registers telemetry input paths (files, folders, `-`) as Sentinel tables that are read
/// while the query runs (streamed, so memory does not grow with the inputs). Print what was
/// read with [`report_read`] from [`kql_engine::telemetry::Streamed::report`] once the
/// query has finished.
pub(crate) fn register_inputs(
    engine: &mut kql_engine::Engine,
    paths: &[String],
    strict: bool,
) -> anyhow::Result<Option<kql_engine::telemetry::Streamed>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let options = log_sources::ReadOptions {
        strict,
        ..Default::default()
    };
    // Tables a rule names but the inputs cannot hold are registered too, empty, so they bind.
    Ok(Some(kql_engine::telemetry::register_streaming(
        engine, paths, &options,
    )?))
}

/// The read summary: rows per table and bad records, each with where and why.
pub(crate) fn report_read(report: &log_sources::ReadReport) {
    for f in &report.files {
        for b in &f.bad {
            eprintln!("warning: {b}");
        }
        let shown = f.bad.len() as u64;
        if f.bad_total() > shown {
            eprintln!(
                "warning: {}: {} more bad records not shown",
                f.file,
                f.bad_total() - shown
            );
        }
    }
    let rows = report.rows();
    let per_table: Vec<String> = rows.iter().map(|(t, n)| format!("{t}={n}")).collect();
    let bad: u64 = report.files.iter().map(|f| f.bad_total()).sum();
    eprintln!(
        "read {} file(s): {} row(s) ({}), {} bad record(s)",
        report.files.len(),
        rows.values().sum::<u64>(),
        if per_table.is_empty() {
            "no tables".to_string()
        } else {
            per_table.join(", ")
        },
        bad
    );
}

/// Renders diagnostics for stderr, in colour when stderr is a terminal.
pub(crate) fn render_diagnostics(diags: &[kql_diagnostics::Diagnostic], q: &QueryText) -> String {
    let opts = kql_diagnostics::RenderOptions {
        origin: q.origin.clone(),
        color: std::io::stderr().is_terminal(),
    };
    kql_diagnostics::render_all(diags, &q.text, &opts)
}
