//! Engine errors.

use kql_diagnostics::Diagnostic;

/// Why a query did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text is not valid KQL.
    #[error("the query has syntax errors")]
    Syntax(Vec<Diagnostic>),
    /// Names, types or operators could not be bound.
    #[error("the query could not be bound")]
    Bind(Vec<Diagnostic>),
    /// Execution failed (an unreadable input, a resource limit).
    #[error("query execution failed: {0}")]
    Execution(String),
}

impl QueryError {
    pub(crate) fn execution(e: datafusion::error::DataFusionError) -> Self {
        QueryError::Execution(execution_message(&e))
    }

    /// The diagnostics, for syntax and binding errors.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            QueryError::Syntax(d) | QueryError::Bind(d) => d,
            QueryError::Execution(_) => &[],
        }
    }
}

/// The text of an error raised while a query ran. An error from kqlhunt's own readers (a
/// bad record under `--strict`, an unreadable file) reaches DataFusion's streams wrapped as
/// an external error; its own text is what the user needs, without "External error:".
pub fn execution_message(e: &datafusion::error::DataFusionError) -> String {
    match e.find_root() {
        datafusion::error::DataFusionError::External(inner) => inner.to_string(),
        _ => e.strip_backtrace(),
    }
}

/// Why a table could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The path does not exist or cannot be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The file's format was not recognised or its schema could not be read.
    #[error("cannot use {path} as a table: {message}")]
    Format {
        /// The path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Telemetry inputs could not be discovered or read.
    #[error(transparent)]
    Inputs(#[from] log_sources::SourceError),
    /// The engine's runtime (memory pool, spill directory) could not be set up.
    #[error("cannot set up the query runtime: {message}")]
    Runtime {
        /// What went wrong.
        message: String,
    },
}
