//! One module per subcommand; each returns the process exit code.

mod parse;

use crate::cli::{Cli, Command, QueryInput};
use anyhow::Context as _;
use std::io::IsTerminal as _;
use std::process::ExitCode;

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse(input) => parse::run(&input),
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

/// Renders diagnostics for stderr, in colour when stderr is a terminal.
pub(crate) fn render_diagnostics(diags: &[kql_diagnostics::Diagnostic], q: &QueryText) -> String {
    let opts = kql_diagnostics::RenderOptions {
        origin: q.origin.clone(),
        color: std::io::stderr().is_terminal(),
    };
    kql_diagnostics::render_all(diags, &q.text, &opts)
}
