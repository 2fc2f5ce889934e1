//! What a read found: per file its format, rows per table and bad records.
//!
//! Every bad record is counted; the first few hundred per file are kept with their location
//! and reason so `kqlhunt sources` can show them without holding millions in memory.

use crate::compress::Compression;
use crate::record::BadRecord;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The report of one input (or one byte range of it).
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    /// The input's name (`-` for standard input).
    pub file: Arc<str>,
    /// Its format (`None` when nothing recognised it).
    pub format: Option<&'static str>,
    /// Its compression.
    pub compression: Compression,
    /// Rows produced per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// The first bad records, in input order.
    pub bad: Vec<BadRecord>,
    /// Bad records per reason kind (see [`crate::BadReason::kind`]), all of them.
    pub bad_by_kind: BTreeMap<&'static str, u64>,
    /// Records the prefilter dropped unparsed.
    pub prefiltered: u64,
    /// Bytes consumed (decompressed); a resumed read starts here.
    pub next_offset: u64,
    /// How many bad records to keep in `bad`.
    keep: usize,
}

impl FileReport {
    /// An empty report for `file`.
    pub fn new(
        file: Arc<str>,
        format: Option<&'static str>,
        compression: Compression,
        keep: usize,
    ) -> Self {
        Self {
            file,
            format,
            compression,
            rows: BTreeMap::new(),
            bad: Vec::new(),
            bad_by_kind: BTreeMap::new(),
            prefiltered: 0,
            next_offset: 0,
            keep,
        }
    }

    /// Records a bad record.
    pub fn add_bad(&mut self, bad: BadRecord) {
        *self.bad_by_kind.entry(bad.reason.kind()).or_default() += 1;
        if self.bad.len() < self.keep {
            self.bad.push(bad);
        }
    }

    /// Joins the report of the next byte range of the same input.
    pub fn absorb(&mut self, next: FileReport) {
        for (t, n) in next.rows {
            self.add_rows(t, n);
        }
        for (kind, n) in next.bad_by_kind {
            *self.bad_by_kind.entry(kind).or_default() += n;
        }
        let room = self.keep.saturating_sub(self.bad.len());
        self.bad.extend(next.bad.into_iter().take(room));
        self.prefiltered += next.prefiltered;
        self.next_offset = self.next_offset.max(next.next_offset);
    }

    /// Adds rows of a table.
    pub fn add_rows(&mut self, table: &'static str, n: u64) {
        *self.rows.entry(table).or_default() += n;
    }

    /// All bad records, skips by design included.
    pub fn bad_total(&self) -> u64 {
        self.bad_by_kind.values().sum()
    }

    /// Bad records that were not skipped by design (what `--strict` rejects).
    pub fn errors(&self) -> u64 {
        self.bad_total() - self.skipped_by_design()
    }

    /// Records skipped by design (tables or events kqlhunt does not map, files that are
    /// not telemetry).
    pub fn skipped_by_design(&self) -> u64 {
        ["unsupported", "skipped"]
            .iter()
            .filter_map(|k| self.bad_by_kind.get(k))
            .sum()
    }

    /// All rows.
    pub fn row_total(&self) -> u64 {
        self.rows.values().sum()
    }

    /// Folds in the report of another range of the same input.
    pub fn merge(&mut self, other: FileReport) {
        for (t, n) in other.rows {
            self.add_rows(t, n);
        }
        for (k, n) in other.bad_by_kind {
            *self.bad_by_kind.entry(k).or_default() += n;
        }
        for b in other.bad {
            if self.bad.len() < self.keep {
                self.bad.push(b);
            }
        }
        self.prefiltered += other.prefiltered;
        self.next_offset = self.next_offset.max(other.next_offset);
    }
}

/// The report of a whole read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadReport {
    /// One entry per input, in input order.
    pub files: Vec<FileReport>,
}

impl ReadReport {
    /// Rows per table over all inputs.
    pub fn rows(&self) -> BTreeMap<&'static str, u64> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            for (t, n) in &f.rows {
                *out.entry(*t).or_default() += n;
            }
        }
        out
    }

    /// Bad records (not by design) over all inputs.
    pub fn errors(&self) -> u64 {
        self.files.iter().map(FileReport::errors).sum()
    }

    /// Adds a file's report, merging it into an earlier one for the same input.
    pub fn add(&mut self, report: FileReport) {
        match self.files.iter_mut().find(|f| f.file == report.file) {
            Some(f) => f.merge(report),
            None => self.files.push(report),
        }
    }
}
