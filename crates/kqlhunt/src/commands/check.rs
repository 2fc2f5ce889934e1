//! `kqlhunt check`: parse and bind a query against table schemas, without data.

use super::{read_query, render_diagnostics};
use crate::cli::CheckArgs;
use anyhow::Context as _;
use kql_engine::{Engine, QueryOptions};
use std::process::ExitCode;

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let q = read_query(&args.input)?;
    let mut engine = Engine::new();
    for path in &args.schemas {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read schema file {}", path.display()))?;
        let tables = table_schemas::parse_user_schemas(&path.display().to_string(), &text)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        engine
            .register_schema_tables(&tables)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    engine.register_builtin_empty_tables();
    match engine.plan(&q.text, &QueryOptions::at(0)) {
        Ok(planned) => {
            for w in &planned.bound.warnings {
                eprint!("{}", render_diagnostics(std::slice::from_ref(w), &q));
            }
            let cols: Vec<String> = planned
                .bound
                .columns
                .iter()
                .map(|c| format!("{}:{}", c.name, c.ty))
                .collect();
            println!("ok: ({})", cols.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprint!("{}", render_diagnostics(e.diagnostics(), &q));
            Ok(ExitCode::from(2))
        }
    }
}
