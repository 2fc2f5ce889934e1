//! `kqlhunt query`: run a KQL query over files.

use super::{read_query_or_first_arg, render_diagnostics, runtime};
use crate::cli::QueryArgs;
use anyhow::Context as _;
use futures::StreamExt as _;
use kql_engine::format::{CsvWriter, JsonlWriter, OutputFormat, ResultWriter, TableWriter};
use kql_engine::{Engine, QueryError};
use std::process::ExitCode;

pub fn run(args: &QueryArgs) -> anyhow::Result<ExitCode> {
    let (q, paths) = read_query_or_first_arg(args.file.as_deref(), &args.args)?;
    let options = super::query_options(args.now.as_deref())?;
    let format: OutputFormat = args.format.parse().map_err(anyhow::Error::msg)?;
    let rt = runtime()?;
    rt.block_on(async {
        let mut engine = match args.memory_limit {
            Some(limit) => Engine::with_memory_limit(limit)?,
            None => Engine::new(),
        };
        for spec in &args.tables {
            let (name, path) = spec
                .split_once('=')
                .with_context(|| format!("--table expects NAME=PATH, got `{spec}`"))?;
            engine
                .register_file(name, std::path::Path::new(path))
                .await
                .with_context(|| format!("--table {spec}"))?;
        }
        let inputs = super::register_inputs(&mut engine, &paths, args.strict)?;
        let planned = match engine.prepare(&q.text, &options).await {
            Ok(p) => p,
            Err(e) => {
                eprint!("{}", render_diagnostics(e.diagnostics(), &q));
                return Ok(ExitCode::from(2));
            }
        };
        for w in &planned.bound.warnings {
            eprint!("{}", render_diagnostics(std::slice::from_ref(w), &q));
        }
        let stdout = std::io::stdout().lock();
        let mut writer: Box<dyn ResultWriter> = match format {
            OutputFormat::Table => Box::new(TableWriter::new(stdout)),
            OutputFormat::Csv => Box::new(CsvWriter::new(stdout)),
            OutputFormat::Jsonl => Box::new(JsonlWriter::new(stdout)),
        };
        writer.begin(&planned.bound.columns)?;
        let mut stream = match engine.execute(&planned).await {
            Ok(s) => s,
            Err(QueryError::Execution(m)) => anyhow::bail!("{m}"),
            Err(e) => anyhow::bail!("{e}"),
        };
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(|e| anyhow::anyhow!(kql_engine::execution_message(&e)))?;
            writer.batch(&batch)?;
        }
        writer.finish()?;
        if let Some(inputs) = &inputs {
            super::report_read(&inputs.report());
        }
        Ok(ExitCode::SUCCESS)
    })
}
