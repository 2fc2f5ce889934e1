//! Table builders: rows in, Arrow record batches of one table out.
//!
//! A [`TableBuilder`] holds one column builder per *projected* column, so a query that reads
//! nine of DeviceProcessEvents' 71 columns never converts or stores the other 62. Readers
//! fill a row cell by cell (in any order; a cell set twice keeps its first value), then call
//! [`TableBuilder::end_row`], which fills the cells nobody set (`""` for strings, null for
//! the rest). A batch is taken with [`TableBuilder::take_batch`] once
//! [`TableBuilder::is_full`].
//!
//! Sentinel's housekeeping columns: `Type` is the table name in every Sentinel row, so the
//! builder fills it for every row of every source and readers cannot set it (a source's own
//! `Type` cell, as in Log Analytics exports, names the same table anyway). `TenantId` and
//! `SourceSystem` describe where the data came from, which only the source knows: they are
//! filled as the source gives them and otherwise left empty, never invented.

mod column;

pub use column::{ColumnBuilder, format_datetime, parse_i64};

use crate::error::SourceError;
use crate::record::{BadReason, Row};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use std::collections::HashMap;
use std::sync::Arc;
use table_schemas::TableSchema;

/// Rows per batch unless a reader is told otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 8192;

/// Builds record batches of one table, restricted to a projection.
pub struct TableBuilder {
    table: &'static TableSchema,
    schema: SchemaRef,
    columns: Vec<ColumnBuilder>,
    /// Table column index → projected column index.
    slot_of: Vec<Option<usize>>,
    by_name: HashMap<&'static str, usize>,
    /// The projected slot of `Type`, which the builder fills itself.
    type_slot: Option<usize>,
    rows: usize,
    batch_size: usize,
}

impl TableBuilder {
    /// A builder for `table`. `projection` lists table column indexes in output order
    /// (`None` = every column); `batch_size` is the row count at which the builder is full.
    pub fn new(
        table: &'static TableSchema,
        projection: Option<&[usize]>,
        batch_size: usize,
    ) -> Result<Self, SourceError> {
        let all: Vec<usize>;
        let proj = match projection {
            Some(p) => p,
            None => {
                all = (0..table.columns.len()).collect();
                &all
            }
        };
        let full = table.arrow_schema();
        let mut slot_of = vec![None; table.columns.len()];
        let mut columns = Vec::with_capacity(proj.len());
        let mut fields = Vec::with_capacity(proj.len());
        for (slot, &i) in proj.iter().enumerate() {
            let (Some(col), Some(field)) = (table.columns.get(i), full.fields().get(i)) else {
                return Err(SourceError::BadProjection {
                    table: table.name.clone(),
                    index: i,
                });
            };
            if slot_of[i].is_some() {
                return Err(SourceError::BadProjection {
                    table: table.name.clone(),
                    index: i,
                });
            }
            slot_of[i] = Some(slot);
            columns.push(ColumnBuilder::new(
                &col.name,
                col.ty,
                batch_size.min(1 << 16),
            ));
            fields.push(field.clone());
        }
        let by_name: HashMap<&'static str, usize> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let type_slot = by_name
            .get("Type")
            .filter(|&&i| {
                table
                    .columns
                    .get(i)
                    .is_some_and(|c| c.ty == kql_syntax::ScalarType::String)
            })
            .and_then(|&i| slot_of.get(i).copied().flatten());
        Ok(Self {
            table,
            schema: Arc::new(Schema::new(fields)),
            columns,
            slot_of,
            by_name,
            type_slot,
            rows: 0,
            batch_size: batch_size.max(1),
        })
    }

    /// The table.
    pub fn table(&self) -> &'static TableSchema {
        self.table
    }

    /// The (projected) schema of the batches this builder makes.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The projected slot of a table column, `None` when the column is not projected.
    #[inline]
    pub fn slot(&self, table_column: usize) -> Option<usize> {
        self.slot_of.get(table_column).copied().flatten()
    }

    /// The table column index of a column name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The builder of a projected slot if that cell of the current row is still unset and
    /// is the reader's to set (`Type` is the builder's).
    #[inline]
    pub fn cell(&mut self, slot: usize) -> Option<&mut ColumnBuilder> {
        if self.type_slot == Some(slot) {
            return None;
        }
        let rows = self.rows;
        self.columns.get_mut(slot).filter(|c| c.len() == rows)
    }

    /// True when the current row already has a value in `slot`.
    pub fn is_set(&self, slot: usize) -> bool {
        self.columns.get(slot).is_some_and(|c| c.len() > self.rows)
    }

    /// Sets the cells of a mapped-source row; returns a report per cell that did not fit.
    /// The row is complete afterwards (it calls [`Self::end_row`]).
    pub fn push_row(&mut self, row: &Row) -> Vec<BadReason> {
        let mut bad = Vec::new();
        for (name, value) in &row.cells {
            let Some(i) = self.column_index(name) else {
                bad.push(BadReason::Malformed(format!(
                    "the row sets column {name}, which {} does not have",
                    self.table.name
                )));
                continue;
            };
            if let Some(cell) = self.slot(i).and_then(|s| self.cell(s))
                && let Err(e) = cell.push_value(value)
            {
                bad.push(e);
            }
        }
        self.end_row();
        bad
    }

    /// Completes the current row: `Type` becomes the table name, other unset cells `""`
    /// (strings) or null.
    #[inline]
    pub fn end_row(&mut self) {
        let rows = self.rows;
        if let Some(c) = self.type_slot.and_then(|s| self.columns.get_mut(s))
            && c.len() == rows
        {
            // A string column takes any text.
            let _ = c.push_text(&self.table.name);
        }
        for c in &mut self.columns {
            if c.len() == rows {
                c.push_null();
            }
        }
        self.rows += 1;
    }

    /// Rows in the current batch.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when the current batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// True when the current batch has reached the batch size.
    pub fn is_full(&self) -> bool {
        self.rows >= self.batch_size
    }

    /// The rows so far as a batch (`None` when there are none); the builder starts a new
    /// batch.
    pub fn take_batch(&mut self) -> Result<Option<RecordBatch>, SourceError> {
        if self.rows == 0 {
            return Ok(None);
        }
        let arrays = self.columns.iter_mut().map(|c| c.finish()).collect();
        let opts = RecordBatchOptions::new().with_row_count(Some(self.rows));
        self.rows = 0;
        RecordBatch::try_new_with_options(self.schema.clone(), arrays, &opts)
            .map(Some)
            .map_err(SourceError::from)
    }
}

#[cfg(test)]
mod tests;
