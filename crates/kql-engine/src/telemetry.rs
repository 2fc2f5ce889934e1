//! Telemetry files as tables: every input is read once by `log-sources` (format sniffed,
//! records routed to their Sentinel tables, bad records reported) and the resulting batches
//! are registered with the engine.
//!
//! This in-memory path is what `scan` uses so that many rules share one read of the inputs.

use crate::Engine;
use crate::catalog::RegisteredTable;
use arrow::record_batch::RecordBatch;
use datafusion::catalog::MemTable;
use log_sources::{Inputs, ReadOptions, ReadPlan, ReadReport, SourceError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything read from a set of inputs.
#[derive(Debug, Default)]
pub struct Telemetry {
    /// What was read: files, formats, rows per table, bad records.
    pub report: ReadReport,
    /// Batches per table, in input order.
    pub tables: BTreeMap<&'static str, Vec<RecordBatch>>,
}

impl Telemetry {
    /// Rows read per table.
    pub fn rows(&self) -> BTreeMap<&'static str, u64> {
        self.report.rows()
    }
}

/// Reads `paths` (files, folders, `-`) completely.
pub fn load<P: AsRef<std::path::Path>>(
    paths: &[P],
    options: &ReadOptions,
) -> Result<Telemetry, SourceError> {
    let inputs = Inputs::discover(paths, options)?;
    let plan = ReadPlan::all(options.clone());
    let mut tables: BTreeMap<&'static str, Vec<RecordBatch>> = BTreeMap::new();
    let report = inputs.read_all(&plan, &mut |table, batch| {
        if batch.num_rows() > 0 {
            tables.entry(table).or_default().push(batch);
        }
        Ok(())
    })?;
    Ok(Telemetry { report, tables })
}

impl Engine {
    /// Registers loaded telemetry: each table with data becomes an in-memory table with
    /// its Sentinel schema.
    pub fn register_telemetry(&mut self, t: &Telemetry) -> Result<(), crate::EngineError> {
        for (name, batches) in &t.tables {
            let Some(first) = batches.first() else {
                continue;
            };
            let schema = first.schema();
            let mem = MemTable::try_new(schema, vec![batches.clone()]).map_err(|e| {
                crate::EngineError::Format {
                    path: (*name).to_string(),
                    message: e.strip_backtrace(),
                }
            })?;
            let mut table = RegisteredTable::from_provider(Arc::new(mem), false);
            if let Some(b) = table_schemas::builtin_table(name) {
                for (col, ty) in &mut table.columns {
                    if let Some(c) = b.column(col) {
                        *ty = c.ty;
                    }
                }
            }
            self.register(*name, table);
        }
        Ok(())
    }
}
