//! Telemetry files as tables, two ways:
//!
//! * [`load`] + [`Engine::register_telemetry`]: every input is read once by `log-sources`
//!   (format sniffed, records routed to their Sentinel tables, bad records reported) and the
//!   batches are kept in memory; memory grows with the inputs. `investigate` uses it, and
//!   `scan` for standard input, which cannot be read twice.
//! * [`register_streaming`]: each table the inputs may hold is a [`LogTable`] provider that
//!   reads the files while the query runs, in parallel, decoding only the columns the query
//!   uses and holding a few batches at a time. This is what `query` and `scan` use: memory
//!   stays bounded whatever the size of the inputs. What was read is known once the query
//!   has finished ([`Streamed::report`]).

use crate::Engine;
use crate::catalog::RegisteredTable;
use arrow::record_batch::RecordBatch;
use datafusion::catalog::MemTable;
use log_sources::{
    BadRecord, FileReport, InputPath, Inputs, LogTable, ReadOptions, ReadPlan, ReadReport,
    SourceError,
};
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
    read_into_memory(&inputs, options)
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

/// The inputs registered by [`register_streaming`].
#[derive(Debug)]
pub struct Streamed {
    inputs: Arc<Inputs>,
    options: ReadOptions,
    /// One provider per table the inputs may hold.
    tables: Vec<LogTable>,
    /// The report of inputs read into memory instead (standard input, see
    /// [`register_streaming`]).
    loaded: Option<ReadReport>,
}

impl Streamed {
    /// What the query's scans read, one entry per input in input order: rows per table and
    /// bad records. Complete once the query has finished. An input no scan needed is left
    /// out, except one that nothing recognises, which is reported as a full read would.
    ///
    /// A file scanned for several tables has its rows added up; its bad records are
    /// reported by each scan, so they are counted once (the largest count per kind).
    pub fn report(&self) -> ReadReport {
        if let Some(r) = &self.loaded {
            return r.clone();
        }
        let per_table: Vec<ReadReport> = self.tables.iter().map(LogTable::report).collect();
        let plan = ReadPlan::all(self.options.clone());
        let mut out = ReadReport::default();
        for input in &self.inputs.inputs {
            let mut merged: Option<FileReport> = None;
            for f in per_table
                .iter()
                .flat_map(|r| r.files.iter())
                .filter(|f| f.file == input.name)
            {
                match &mut merged {
                    None => merged = Some(f.clone()),
                    Some(m) => merge_scan(m, f),
                }
            }
            if merged.is_none() && input.format().is_none() {
                // Reading an unrecognised input only reports it; it touches no file.
                merged = log_sources::read_input(input, &plan, None, &mut |_, _| Ok(())).ok();
            }
            if let Some(m) = merged {
                out.files.push(m);
            }
        }
        out
    }
}

/// Folds another table's scan of the same file into `into`: rows add up (each scan counts
/// only its table's), bad records found by both are kept once.
fn merge_scan(into: &mut FileReport, other: &FileReport) {
    for (t, n) in &other.rows {
        into.add_rows(t, *n);
    }
    for (kind, n) in &other.bad_by_kind {
        let mine = into.bad_by_kind.entry(kind).or_default();
        *mine = (*mine).max(*n);
    }
    let seen: Vec<BadRecord> = into.bad.clone();
    for b in &other.bad {
        if !seen.contains(b) {
            into.bad.push(b.clone());
        }
    }
    into.prefiltered = into.prefiltered.max(other.prefiltered);
}

/// Registers `paths` (files, folders, `-`) with `engine` as streamed tables: one
/// [`LogTable`] per built-in table some input may hold (unless a table of that name is
/// registered already), read only when and as far as a query scans it. Other built-in
/// tables are registered empty, so any Sentinel table binds.
///
/// Standard input can be read only once, while a query may scan several tables: with `-`
/// among the paths everything is read into memory as [`load`] does.
pub fn register_streaming<P: AsRef<std::path::Path>>(
    engine: &mut Engine,
    paths: &[P],
    options: &ReadOptions,
) -> Result<Streamed, crate::EngineError> {
    let inputs = Arc::new(Inputs::discover(paths, options)?);
    let mut streamed = Streamed {
        inputs: inputs.clone(),
        options: options.clone(),
        tables: Vec::new(),
        loaded: None,
    };
    if inputs.inputs.iter().any(|i| i.path == InputPath::Stdin) {
        let t = read_into_memory(&inputs, options)?;
        engine.register_telemetry(&t)?;
        streamed.loaded = Some(t.report);
    } else {
        for schema in table_schemas::builtin_tables() {
            // A table the caller registered already (`--table NAME=PATH`) stays.
            if engine.tables().contains_key(&schema.name)
                || inputs.for_table(&schema.name).next().is_none()
            {
                continue;
            }
            let table = LogTable::new(&schema.name, inputs.clone(), options.clone())?;
            let registered = RegisteredTable {
                columns: schema
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty))
                    .collect(),
                provider: Arc::new(table.clone()),
                // LogTable fills unknown strings with "", as Sentinel has them.
                nullable_strings: false,
            };
            engine.register(schema.name.clone(), registered);
            streamed.tables.push(table);
        }
    }
    engine.register_builtin_empty_tables();
    Ok(streamed)
}

fn read_into_memory(inputs: &Inputs, options: &ReadOptions) -> Result<Telemetry, SourceError> {
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
