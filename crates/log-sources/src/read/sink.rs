//! The sink the read driver gives readers: batches go to the caller, rows of mapped sources
//! are built into batches first, bad records go to the report, and `--strict` turns the
//! first real bad record into an error.

use crate::builder::TableBuilder;
use crate::error::SourceError;
use crate::format::EventSink;
use crate::options::TableRequest;
use crate::record::{BadRecord, Location, Row};
use crate::report::FileReport;
use arrow::record_batch::RecordBatch;
use std::collections::HashMap;

/// Receives each finished batch; an error stops the read.
pub type BatchFn<'a> = dyn FnMut(&'static str, RecordBatch) -> Result<(), SourceError> + 'a;

/// The driver's [`EventSink`].
pub struct DriverSink<'a, 'b> {
    pub report: FileReport,
    tables: &'a TableRequest,
    batch_size: usize,
    strict: bool,
    builders: HashMap<&'static str, TableBuilder>,
    on_batch: &'a mut BatchFn<'b>,
    /// The first error; once set, nothing more is sent on.
    pub error: Option<SourceError>,
}

impl<'a, 'b> DriverSink<'a, 'b> {
    /// A sink reporting into `report`.
    pub fn new(
        report: FileReport,
        tables: &'a TableRequest,
        batch_size: usize,
        strict: bool,
        on_batch: &'a mut BatchFn<'b>,
    ) -> Self {
        Self {
            report,
            tables,
            batch_size,
            strict,
            builders: HashMap::new(),
            on_batch,
            error: None,
        }
    }

    fn emit(&mut self, table: &'static str, batch: RecordBatch) {
        if self.error.is_some() {
            return;
        }
        self.report.add_rows(table, batch.num_rows() as u64);
        if let Err(e) = (self.on_batch)(table, batch) {
            self.error = Some(e);
        }
    }

    /// Sends the partial batches built from rows on.
    pub fn flush(&mut self) {
        let mut names: Vec<&'static str> = self.builders.keys().copied().collect();
        names.sort_unstable();
        for name in names {
            let taken = self.builders.get_mut(name).map(TableBuilder::take_batch);
            match taken {
                Some(Ok(Some(b))) => self.emit(name, b),
                Some(Err(e)) if self.error.is_none() => self.error = Some(e),
                _ => {}
            }
        }
    }
}

impl EventSink for DriverSink<'_, '_> {
    fn row(&mut self, row: Row) {
        if !self.tables.wants(row.table) {
            return;
        }
        let Some(schema) = table_schemas::builtin_table(row.table) else {
            self.bad(BadRecord {
                location: row.location.clone(),
                reason: crate::BadReason::Unsupported(format!(
                    "table {} has no kqlhunt schema",
                    row.table
                )),
            });
            return;
        };
        let name = schema.name.as_str();
        if !self.builders.contains_key(name) {
            match TableBuilder::new(schema, self.tables.projection(name), self.batch_size) {
                Ok(b) => {
                    self.builders.insert(name, b);
                }
                Err(e) => {
                    if self.error.is_none() {
                        self.error = Some(e);
                    }
                    return;
                }
            }
        }
        let Some(b) = self.builders.get_mut(name) else {
            return;
        };
        let bad = b.push_row(&row);
        let full = b.is_full();
        let batch = if full { b.take_batch() } else { Ok(None) };
        for reason in bad {
            self.bad(BadRecord {
                location: row.location.clone(),
                reason,
            });
        }
        match batch {
            Ok(Some(batch)) => self.emit(name, batch),
            Ok(None) => {}
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
            }
        }
    }

    fn batch(&mut self, table: &'static str, batch: RecordBatch) {
        self.emit(table, batch);
    }

    fn bad(&mut self, bad: BadRecord) {
        if self.strict && !bad.reason.by_design() && self.error.is_none() {
            self.error = Some(SourceError::Strict(Box::new(bad.clone())));
        }
        self.report.add_bad(bad);
    }

    fn prefiltered(&mut self, records: u64) {
        self.report.prefiltered += records;
    }
}

/// A location at the start of an input, for input-level reports.
pub fn start_of(file: &std::sync::Arc<str>) -> Location {
    Location {
        file: file.clone(),
        line: None,
        offset: 0,
    }
}
