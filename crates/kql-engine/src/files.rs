//! `--table NAME=PATH` with DataFusion's own readers: NDJSON/JSON, CSV and Parquet files or
//! folders, with the built-in schema of `NAME` when kqlhunt has one, otherwise inferred.
//!
//! This is the generic path for arbitrary tables. Telemetry in the formats kqlhunt knows
//! (Defender exports, Sysmon, auditd, Kubernetes audit, ...) goes through `log-sources`,
//! which also never yields null strings.

use crate::catalog::RegisteredTable;
use crate::error::EngineError;
use datafusion::execution::context::SessionContext;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions};
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Json,
    Csv,
    Parquet,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let probe = if path.is_dir() {
        std::fs::read_dir(path)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.is_file())?
    } else {
        path.to_path_buf()
    };
    let ext = probe.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" | "ndjson" | "jsonl" => Some(Kind::Json),
        "csv" => Some(Kind::Csv),
        "parquet" => Some(Kind::Parquet),
        _ => None,
    }
}

pub(crate) async fn file_table(
    ctx: &SessionContext,
    name: &str,
    path: &Path,
) -> Result<RegisteredTable, EngineError> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(EngineError::Io {
            path: shown,
            message: "no such file or folder".into(),
        });
    }
    let kind = kind_of(path).ok_or_else(|| EngineError::Format {
        path: shown.clone(),
        message: "expected a .json/.ndjson/.jsonl, .csv or .parquet file (or a folder of them)"
            .into(),
    })?;
    let builtin = table_schemas::builtin_table(name).map(|t| t.arrow_schema());
    let fmt_err = |e: datafusion::error::DataFusionError| EngineError::Format {
        path: shown.clone(),
        message: e.strip_backtrace(),
    };
    let p = shown.as_str();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let df = match kind {
        Kind::Json => {
            let mut opts = JsonReadOptions::default().file_extension(&ext);
            if let Some(s) = builtin.as_deref() {
                opts = opts.schema(s);
            }
            ctx.read_json(p, opts).await.map_err(fmt_err)?
        }
        Kind::Csv => {
            let mut opts = CsvReadOptions::new().file_extension(&ext);
            if let Some(s) = builtin.as_deref() {
                opts = opts.schema(s);
            }
            ctx.read_csv(p, opts).await.map_err(fmt_err)?
        }
        Kind::Parquet => ctx
            .read_parquet(p, ParquetReadOptions::default().file_extension(&ext))
            .await
            .map_err(fmt_err)?,
    };
    let provider = df.into_view();
    let mut t = RegisteredTable::from_provider(provider, true);
    if let Some(b) = table_schemas::builtin_table(name) {
        // Keep the KQL types of the built-in schema (Arrow alone cannot tell dynamic/guid).
        for (col, ty) in &mut t.columns {
            if let Some(c) = b.column(col) {
                *ty = c.ty;
            }
        }
    }
    Ok(t)
}
