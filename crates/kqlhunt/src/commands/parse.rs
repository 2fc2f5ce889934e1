//! `kqlhunt parse`: syntax check and canonical printing.

use super::{read_query, render_diagnostics};
use crate::cli::QueryInput;
use std::io::Write as _;
use std::process::ExitCode;

pub fn run(input: &QueryInput) -> anyhow::Result<ExitCode> {
    let q = read_query(input)?;
    match kql_syntax::parse_query(&q.text) {
        Ok(ast) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{ast}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(diags) => {
            eprint!("{}", render_diagnostics(&diags, &q));
            Ok(ExitCode::from(2))
        }
    }
}
