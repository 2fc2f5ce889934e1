//! `kqlhunt explain`: the KQL plan, DataFusion's logical plan and its physical plan, then
//! what each telemetry scan decodes and which record prefilters it derived from the filters.

use super::{read_query_or_first_arg, render_diagnostics, runtime};
use crate::cli::QueryArgs;
use kql_engine::Engine;
use std::io::Write as _;
use std::process::ExitCode;

pub fn run(args: &QueryArgs) -> anyhow::Result<ExitCode> {
    let (q, paths) = read_query_or_first_arg(args.file.as_deref(), &args.args)?;
    let options = super::query_options(args.now.as_deref())?;
    let rt = runtime()?;
    rt.block_on(async {
        let mut engine = Engine::new();
        for spec in &args.tables {
            if let Some((name, path)) = spec.split_once('=') {
                engine
                    .register_file(name, std::path::Path::new(path))
                    .await?;
            }
        }
        let inputs = super::register_inputs(&mut engine, &paths, args.strict)?;
        engine.register_builtin_empty_tables();
        let planned = match engine.prepare(&q.text, &options).await {
            Ok(p) => p,
            Err(e) => {
                eprint!("{}", render_diagnostics(e.diagnostics(), &q));
                return Ok(ExitCode::from(2));
            }
        };
        let ex = engine.explain(&planned).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "== KQL plan ==")?;
        for (i, line) in ex.kql.iter().enumerate() {
            writeln!(out, "{:02}) {line}", i + 1)?;
        }
        writeln!(out, "\n== DataFusion logical plan ==\n{}", ex.logical)?;
        writeln!(out, "\n== DataFusion physical plan ==\n{}", ex.physical)?;
        if !ex.scans.is_empty() {
            writeln!(out, "\n== Telemetry scans ==")?;
            for s in &ex.scans {
                writeln!(out, "{}: columns [{}]", s.table, s.columns.join(", "))?;
                if s.prefilters.is_empty() {
                    writeln!(out, "  prefilter: none (every record is parsed)")?;
                }
                for p in &s.prefilters {
                    writeln!(out, "  prefilter {p}")?;
                }
            }
        }
        // Explaining reads only what planning needed (data-dependent operators).
        if let Some(inputs) = &inputs {
            super::report_read(&inputs.report());
        }
        Ok(ExitCode::SUCCESS)
    })
}
