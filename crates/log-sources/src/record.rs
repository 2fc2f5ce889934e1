//! The data readers hand over: typed rows for a table, and reports of bad records.

use std::fmt;
use std::sync::Arc;

/// One value of a table cell, already converted to the column's KQL type family.
///
/// Readers that decode straight into Arrow builders (the Defender fast path) do not use this;
/// it is the common currency of the mapped sources (Sysmon, auditd, Kubernetes audit,
/// Tetragon, Falco), whose fields go through a mapping file first.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value. For `string` columns the table builder stores `""` (KQL strings are never
    /// null).
    Null,
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i32),
    /// `long`
    Long(i64),
    /// `real`
    Real(f64),
    /// `string` (also `guid` in its text form)
    String(String),
    /// `datetime` as nanoseconds since the Unix epoch, UTC.
    DateTime(i64),
    /// `timespan` in nanoseconds.
    Timespan(i64),
    /// `dynamic`: any JSON value.
    Dynamic(serde_json::Value),
}

/// A row destined for one table: `(column name, value)` pairs; columns not listed are null
/// (or `""` for strings).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Target table, e.g. `DeviceProcessEvents`.
    pub table: &'static str,
    /// Cells by column name. Names must exist in the table's schema.
    pub cells: Vec<(&'static str, Value)>,
    /// Where the row came from (for bad-value reports and `investigate`).
    pub location: Location,
}

impl Row {
    /// A row with no cells yet.
    pub fn new(table: &'static str, location: Location) -> Self {
        Self {
            table,
            cells: Vec::new(),
            location,
        }
    }

    /// Sets a cell (later calls for the same column win).
    pub fn set(&mut self, column: &'static str, value: Value) {
        if let Some(slot) = self.cells.iter_mut().find(|(c, _)| *c == column) {
            slot.1 = value;
        } else {
            self.cells.push((column, value));
        }
    }

    /// The value of a cell, if set.
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v)
    }
}

/// Where a record is in its input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The input file (`-` for standard input).
    pub file: Arc<str>,
    /// One-based line number, for line-oriented formats.
    pub line: Option<u64>,
    /// Byte offset of the record's start in the (decompressed) input.
    pub offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.file, l),
            None => write!(f, "{}@{}", self.file, self.offset),
        }
    }
}

/// Why a record was not (fully) used.
#[derive(Debug, Clone, PartialEq)]
pub enum BadReason {
    /// The record is not valid in its format (truncated JSON, unbalanced XML, ...).
    Malformed(String),
    /// A field could not be converted to its column's type; the row is kept with that cell
    /// null, and this reports it.
    WrongType {
        /// Column.
        column: String,
        /// Expected KQL type.
        expected: &'static str,
        /// The offending text (shortened).
        found: String,
    },
    /// Invalid UTF-8 was replaced with U+FFFD; the row is kept.
    InvalidUtf8,
    /// The line is longer than the reader's limit and was skipped.
    Oversized {
        /// Its length in bytes.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// A known format, but an event kind kqlhunt does not map (e.g. Sysmon Event ID 11);
    /// skipped by design.
    Unsupported(String),
    /// Bytes that belong to no known format.
    Unrecognized(String),
    /// A whole file left unread on purpose: a folder held it, but it is not telemetry (a
    /// README, a script) as far as any reader can tell. Reported once per file, and skipped
    /// by design, so that pointing kqlhunt at a folder of logs with notes in it is no error.
    Skipped(String),
}

impl BadReason {
    /// True when the record's data was kept (possibly with a null cell) rather than dropped.
    pub fn row_kept(&self) -> bool {
        matches!(self, BadReason::WrongType { .. } | BadReason::InvalidUtf8)
    }

    /// True for records skipped on purpose (not counted as errors by `--strict`).
    pub fn by_design(&self) -> bool {
        matches!(self, BadReason::Unsupported(_) | BadReason::Skipped(_))
    }

    /// A short stable name of the reason, for counts in reports.
    pub fn kind(&self) -> &'static str {
        match self {
            BadReason::Malformed(_) => "malformed",
            BadReason::WrongType { .. } => "wrong-type",
            BadReason::InvalidUtf8 => "invalid-utf8",
            BadReason::Oversized { .. } => "oversized",
            BadReason::Unsupported(_) => "unsupported",
            BadReason::Unrecognized(_) => "unrecognized",
            BadReason::Skipped(_) => "skipped",
        }
    }
}

impl fmt::Display for BadReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadReason::Malformed(m) => write!(f, "malformed record: {m}"),
            BadReason::WrongType {
                column,
                expected,
                found,
            } => write!(
                f,
                "column {column}: expected {expected}, found {found:?}; cell left empty"
            ),
            BadReason::InvalidUtf8 => f.write_str("invalid UTF-8 replaced with U+FFFD"),
            BadReason::Oversized { len, limit } => {
                write!(
                    f,
                    "line of {len} bytes is over the {limit}-byte limit; skipped"
                )
            }
            BadReason::Unsupported(m) => write!(f, "skipped by design: {m}"),
            BadReason::Unrecognized(m) => write!(f, "unrecognized input: {m}"),
            BadReason::Skipped(m) => write!(f, "skipped: {m}"),
        }
    }
}

/// A bad record: where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRecord {
    /// Where.
    pub location: Location,
    /// Why.
    pub reason: BadReason,
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}
