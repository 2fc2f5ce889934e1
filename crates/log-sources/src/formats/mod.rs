//! Input formats: one module per source family, and the registry that sniffs and opens them.
//!
//! # Adding a format
//!
//! A format is a [`FormatReader`] plus one [`FormatEntry`] line in [`registry`]:
//!
//! ```text
//! FormatEntry {
//!     name: "sysmon-linux",                  // what `kqlhunt sources` shows
//!     sniff: sysmon::linux::sniff_entry,     // fn(&SniffInput) -> Option<u8> (confidence)
//!     open: sysmon::linux::open,             // fn(&ReaderContext) -> Result<Box<dyn FormatReader>, SourceError>
//!     tables: &["DeviceProcessEvents"],      // tables it can produce ([] = any, decided per record)
//!     splittable: false,                     // can a line start in the middle of the file be read alone?
//!     needs_header: false,                   // must a resumed read see the first line again (CSV)?
//!     lineage: true,                         // does it keep the process table?
//!     verbatim: None,                        // columns a query-derived prefilter may use
//! },
//! ```
//!
//! `sniff` sees the first bytes of the decompressed input ([`SniffInput`]) and answers with
//! a confidence from 1 to 100 (90+: the format's own signature, such as a provider GUID;
//! 50–80: the right structure and field names; below 40: only a generic shape or the file
//! extension). The highest answer wins; ties go to the earlier entry.
//!
//! A format that fills parent columns from earlier events sets `lineage` and reads
//! [`ReaderContext::process_table`], which the read driver sets to the pass's table for that
//! format ([`crate::process_table::ProcessTables`]). Such a format is never `splittable`: a
//! parent must be read before its child, so its files are read whole and in run order.

pub mod auditd;
pub mod defender;
pub mod falco;
pub mod k8s_audit;
pub mod sysmon;
pub mod tetragon;

use crate::error::SourceError;
use crate::format::FormatReader;
use crate::options::{ReadOptions, TableRequest};
use crate::prefilter::Prefilter;
use defender::route::{Router, by_name, path_hint};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a sniffer sees.
#[derive(Debug, Clone, Copy)]
pub struct SniffInput<'a> {
    /// The first bytes of the input, decompressed, with a UTF-8 byte-order mark removed.
    pub head: &'a [u8],
    /// True when `head` is the whole input.
    pub complete: bool,
    /// The input's path (`None` for standard input); its name is only a hint.
    pub path: Option<&'a Path>,
}

/// Everything a reader is told when it is opened.
#[derive(Debug, Clone)]
pub struct ReaderContext {
    /// The input's name for reports (`-` for standard input).
    pub file: Arc<str>,
    /// The input's path, if it is a file.
    pub path: Option<PathBuf>,
    /// Limits, strictness, batch size, `--table`.
    pub options: ReadOptions,
    /// The tables and columns to produce.
    pub tables: Arc<TableRequest>,
    /// Records that contain none of these literals may be dropped unparsed.
    pub prefilter: Option<Arc<Prefilter>>,
    /// Line number of the first byte fed; `None` when reading from the middle of a file.
    pub first_line: Option<u64>,
    /// The process table of lineage formats: the read driver sets the pass's table for the
    /// format, so the files of a run share it; a context made with [`Self::new`] has a
    /// table of its own.
    pub process_table: crate::process_table::SharedProcessTable,
}

impl ReaderContext {
    /// A context for reading `file` from its start.
    pub fn new(
        file: Arc<str>,
        path: Option<PathBuf>,
        options: ReadOptions,
        tables: Arc<TableRequest>,
    ) -> Self {
        Self {
            file,
            path,
            options,
            tables,
            prefilter: None,
            first_line: Some(1),
            process_table: crate::process_table::shared(Default::default()),
        }
    }

    /// The table router for records that do not name their table (`--table`, then the path).
    pub fn router(&self) -> Router {
        Router {
            user_hint: self
                .options
                .table_hint
                .as_deref()
                .and_then(|t| match by_name(t) {
                    defender::route::Route::Table(t) => Some(t),
                    _ => None,
                }),
            path_hint: self.path.as_deref().and_then(path_hint),
        }
    }

    /// A JSON decoder configured from this context.
    pub fn json_decoder(&self) -> defender::JsonDecoder {
        defender::JsonDecoder::new(
            self.tables.clone(),
            self.options.batch_size,
            self.router(),
            self.prefilter.clone(),
        )
    }
}

/// Opens a reader for one input.
pub type OpenFn = fn(&ReaderContext) -> Result<Box<dyn FormatReader>, SourceError>;
/// Rates how likely an input is in a format (`None` = not at all, else 1–100).
pub type SniffFn = fn(&SniffInput<'_>) -> Option<u8>;

/// One format in the registry.
#[derive(Debug, Clone, Copy)]
pub struct FormatEntry {
    /// Short name, shown by `kqlhunt sources`.
    pub name: &'static str,
    /// Recognises the format from the input's first bytes.
    pub sniff: SniffFn,
    /// Opens a reader.
    pub open: OpenFn,
    /// Tables the format can produce; empty when any table can come out (decided per record).
    pub tables: &'static [&'static str],
    /// True when reading can start at any line start, so a large file can be split into
    /// byte ranges read in parallel and a resumed read needs no earlier context.
    pub splittable: bool,
    /// True when a resumed read must be fed the input's first line (a CSV header) first.
    pub needs_header: bool,
    /// True when the reader links processes to parents seen earlier through the process
    /// table: its inputs are read in run order, by one thread, on the pass's table.
    pub lineage: bool,
    /// The columns whose values occur verbatim (modulo the format's escaping) in the raw
    /// record, so that a scan may drop records lacking a literal the query requires of
    /// them (see [`crate::pushdown`]); `None` when the reader takes no prefilter.
    ///
    /// Mapped formats have none: their columns are often computed (basenames, joined or
    /// hex-decoded command lines, XML-unescaped values), and the lineage formats must see
    /// every event, since a dropped parent would leave its children's parent columns empty.
    pub verbatim: Option<VerbatimFn>,
}

/// True when `column` of `table` is copied from the raw record as written.
pub type VerbatimFn = fn(&table_schemas::TableSchema, &str) -> bool;

impl FormatEntry {
    /// True when the format may produce rows of `table`.
    pub fn may_produce(&self, table: &str) -> bool {
        self.tables.is_empty() || self.tables.contains(&table)
    }
}

/// Every streaming format kqlhunt reads, in tie-break order. Parquet is not listed: it is
/// read by column, not fed as bytes (see [`crate::parquet_in`]).
pub fn registry() -> &'static [FormatEntry] {
    static REGISTRY: [FormatEntry; 13] = [
        defender::ENTRIES[0],
        defender::ENTRIES[1],
        defender::ENTRIES[2],
        defender::ENTRIES[3],
        defender::ENTRIES[4],
        defender::ENTRIES[5],
        // Linux and Kubernetes formats: add their entries here.
        sysmon::linux::ENTRY,
        sysmon::windows::ENTRY,
        sysmon::evtx::ENTRY,
        auditd::ENTRY,
        k8s_audit::ENTRY,
        tetragon::ENTRY,
        falco::ENTRY,
    ];
    &REGISTRY
}

/// The registry entry with this name.
pub fn entry(name: &str) -> Option<&'static FormatEntry> {
    registry().iter().find(|e| e.name == name)
}

/// The best format for an input, with its confidence.
pub fn sniff(input: &SniffInput<'_>) -> Option<(&'static FormatEntry, u8)> {
    let mut best: Option<(&'static FormatEntry, u8)> = None;
    for e in registry() {
        if let Some(c) = (e.sniff)(input)
            && best.is_none_or(|(_, b)| c > b)
        {
            best = Some((e, c));
        }
    }
    best
}
