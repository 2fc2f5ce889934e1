//! What a read is asked to do: limits and strictness ([`ReadOptions`]), and which tables and
//! columns to produce ([`TableRequest`]).

use crate::builder::DEFAULT_BATCH_SIZE;
use std::collections::BTreeMap;

/// Default limit on one record (one line, or one JSON document element).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 8 * 1024 * 1024;

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The first bad record (other than records skipped by design) is an error.
    pub strict: bool,
    /// Records longer than this are skipped and reported, never buffered whole.
    pub max_record_bytes: usize,
    /// Rows per record batch.
    pub batch_size: usize,
    /// The table for records that do not name theirs (`--table`).
    pub table_hint: Option<String>,
    /// Bad records kept per file for the report (all are counted).
    pub max_reported_bad: usize,
    /// Bytes read from a file per step. Every chunk is copied, lowercased, searched for
    /// the prefilter's literals and split into lines; a chunk that stays in the core's L2
    /// cache through all of that makes a scan measurably faster than a chunk of megabytes.
    pub chunk_bytes: usize,
    /// Uncompressed line-oriented files at least twice this size are scanned in parallel
    /// byte ranges of at least this size.
    pub split_bytes: u64,
    /// Let a query's filters narrow the scans (record prefilters, Parquet row-group
    /// pruning; see [`crate::provider`]). The default is on unless the environment variable
    /// [`NO_PUSHDOWN_ENV`] is set (to anything but `0` or empty), which is how the results
    /// with and without pushdown are compared.
    pub pushdown: bool,
}

/// Set (to anything but `0` or empty) to turn filter pushdown off by default.
pub const NO_PUSHDOWN_ENV: &str = "KQLHUNT_NO_PUSHDOWN";

fn pushdown_default() -> bool {
    std::env::var(NO_PUSHDOWN_ENV).map_or(true, |v| v.is_empty() || v == "0")
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            strict: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            batch_size: DEFAULT_BATCH_SIZE,
            table_hint: None,
            max_reported_bad: 1000,
            chunk_bytes: 256 * 1024,
            split_bytes: 16 * 1024 * 1024,
            pushdown: pushdown_default(),
        }
    }
}

/// The tables a read should produce and, per table, the columns (indexes into the table
/// schema, in output order; `None` = all columns).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRequest {
    /// `None`: every table, every column.
    tables: Option<BTreeMap<String, Option<Vec<usize>>>>,
}

impl TableRequest {
    /// Every table, every column (what `sources` and `convert` read).
    pub fn all() -> Self {
        Self { tables: None }
    }

    /// One table with an optional projection.
    pub fn table(name: &str, projection: Option<Vec<usize>>) -> Self {
        Self::none().with(name, projection)
    }

    /// No table (add some with [`Self::with`]).
    pub fn none() -> Self {
        Self {
            tables: Some(BTreeMap::new()),
        }
    }

    /// Adds a table.
    pub fn with(mut self, name: &str, projection: Option<Vec<usize>>) -> Self {
        self.tables
            .get_or_insert_with(BTreeMap::new)
            .insert(name.to_string(), projection);
        self
    }

    /// True when rows of `table` are wanted.
    #[inline]
    pub fn wants(&self, table: &str) -> bool {
        self.tables.as_ref().is_none_or(|t| t.contains_key(table))
    }

    /// The projection for `table` (`None` = all columns).
    pub fn projection(&self, table: &str) -> Option<&[usize]> {
        self.tables
            .as_ref()
            .and_then(|t| t.get(table))
            .and_then(|p| p.as_deref())
    }

    /// True when every table is wanted.
    pub fn is_all(&self) -> bool {
        self.tables.is_none()
    }

    /// The named tables (`None` when every table is wanted).
    pub fn names(&self) -> Option<impl Iterator<Item = &str>> {
        self.tables.as_ref().map(|t| t.keys().map(String::as_str))
    }

    /// True when `column` of `table` is read: the table is wanted and the column is in its
    /// projection.
    pub fn reads_column(&self, table: &table_schemas::TableSchema, column: &str) -> bool {
        if !self.wants(&table.name) {
            return false;
        }
        match self.projection(&table.name) {
            None => table.column(column).is_some(),
            Some(p) => p
                .iter()
                .any(|&i| table.columns.get(i).is_some_and(|c| c.name == column)),
        }
    }
}
