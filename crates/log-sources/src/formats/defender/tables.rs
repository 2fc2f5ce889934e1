//! The per-table builders of one Defender reader, and the cells every Defender row derives.
//!
//! One input can feed several tables (the streaming envelope routes by category, the
//! portal CSV is a union), so a reader keeps one [`TableBuilder`] per table it has routed a
//! row to, created on first use with the request's projection, and sends each batch on as
//! soon as it is full.
//!
//! Derived cells, filled only when the row lacks them:
//! * `TimeGenerated` ← `Timestamp`. Advanced-hunting rows (API, streaming, portal) have only
//!   `Timestamp`; Sentinel's `TimeGenerated` is the same event time unless ingestion was more
//!   than 48 h late, and rules written for Sentinel filter on it.
//! * `TenantId` ← the streaming envelope's `tenantId`.
//!
//! (`Type`, the table name, is filled by the [`TableBuilder`] for every source.)

use crate::builder::TableBuilder;
use crate::format::EventSink;
use crate::options::TableRequest;
use crate::record::{BadReason, BadRecord, Location};
use std::sync::Arc;
use table_schemas::TableSchema;

/// Slot lookups cached per key id: not yet resolved / not a projected column.
const UNRESOLVED: u32 = u32::MAX;
const NO_SLOT: u32 = u32::MAX - 1;

/// A table a reader writes to.
pub struct TableOut {
    /// The table.
    pub table: &'static TableSchema,
    /// Its builder.
    pub builder: TableBuilder,
    /// Projected slot per key id (see [`TableOut::slot_for`]).
    slots: Vec<u32>,
    /// Projected slots of the derived cells.
    pub time_generated: Option<usize>,
    /// `TenantId`.
    pub tenant: Option<usize>,
}

impl TableOut {
    fn new(table: &'static TableSchema, builder: TableBuilder) -> Self {
        let slot = |name: &str| builder.column_index(name).and_then(|i| builder.slot(i));
        Self {
            time_generated: slot("TimeGenerated"),
            tenant: slot("TenantId"),
            table,
            builder,
            slots: Vec::new(),
        }
    }

    /// The projected slot of the column named `name` (interned as `id`), cached.
    #[inline]
    pub fn slot_for(&mut self, id: u32, name: &str) -> Option<usize> {
        let i = id as usize;
        if i >= self.slots.len() {
            if i > 1 << 20 {
                return self.resolve(name);
            }
            self.slots.resize(i + 1, UNRESOLVED);
        }
        let s = self.slots[i];
        if s == UNRESOLVED {
            let r = self.resolve(name);
            self.slots[i] = r.map_or(NO_SLOT, |s| s as u32);
            return r;
        }
        (s != NO_SLOT).then_some(s as usize)
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        self.builder
            .column_index(name)
            .and_then(|c| self.builder.slot(c))
    }

    /// Completes the row.
    #[inline]
    pub fn end_row(&mut self) {
        self.builder.end_row();
    }
}

/// All tables a reader writes to.
pub struct TableOutputs {
    request: Arc<TableRequest>,
    batch_size: usize,
    outs: Vec<TableOut>,
}

impl TableOutputs {
    /// Outputs for the tables in `request`.
    pub fn new(request: Arc<TableRequest>, batch_size: usize) -> Self {
        Self {
            request,
            batch_size,
            outs: Vec::new(),
        }
    }

    /// The index of `table`'s output, created on first use; `None` when the table is not
    /// requested.
    pub fn index(&mut self, table: &'static TableSchema) -> Option<usize> {
        if let Some(i) = self.outs.iter().position(|o| std::ptr::eq(o.table, table)) {
            return Some(i);
        }
        if !self.request.wants(&table.name) {
            return None;
        }
        let b =
            TableBuilder::new(table, self.request.projection(&table.name), self.batch_size).ok()?;
        self.outs.push(TableOut::new(table, b));
        Some(self.outs.len() - 1)
    }

    /// The output at `i` (from [`Self::index`]).
    #[inline]
    pub fn get(&mut self, i: usize) -> Option<&mut TableOut> {
        self.outs.get_mut(i)
    }

    /// Sends the batch of output `i` on if it is full.
    pub fn flush_if_full(&mut self, i: usize, at: &Location, sink: &mut dyn EventSink) {
        if self.outs.get(i).is_some_and(|o| o.builder.is_full()) {
            self.flush(i, at, sink);
        }
    }

    fn flush(&mut self, i: usize, at: &Location, sink: &mut dyn EventSink) {
        let Some(o) = self.outs.get_mut(i) else {
            return;
        };
        match o.builder.take_batch() {
            Ok(Some(b)) => sink.batch(o.table.name.as_str(), b),
            Ok(None) => {}
            Err(e) => sink.bad(BadRecord {
                location: at.clone(),
                reason: BadReason::Malformed(format!("cannot build a batch: {e}")),
            }),
        }
    }

    /// Sends every partial batch on.
    pub fn flush_all(&mut self, at: &Location, sink: &mut dyn EventSink) {
        for i in 0..self.outs.len() {
            self.flush(i, at, sink);
        }
    }
}
