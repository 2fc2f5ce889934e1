//! Reads host and Kubernetes telemetry into Sentinel tables as Arrow record batches.
//!
//! Every reader turns its input format into rows of a Sentinel table (`DeviceProcessEvents`,
//! `DeviceNetworkEvents`, `AKSAudit`) with Microsoft's column names and types, so that one
//! KQL rule runs unchanged over Defender exports, Sysmon, auditd, Kubernetes audit logs,
//! Tetragon and Falco. Bad input never stops a run and is never silently lost: each bad
//! record is reported with its location and reason.
//!
//! # Using it
//!
//! * [`Inputs::discover`] expands paths (files, folders, `-`) into [`Input`]s, each with
//!   its format, compression and the tables its first records feed.
//! * [`Inputs::read_all`] reads them with a [`ReadPlan`] (options, which tables and columns,
//!   an optional [`Prefilter`]), handing each Arrow batch to a callback, and returns a
//!   [`ReadReport`]: per file the rows per table and the bad records.
//!   [`read_input`] reads one input or one byte range of it; [`resume_input`] follows a
//!   growing file from a returned offset.
//! * [`LogTable`] is the DataFusion `TableProvider` of one table over the inputs: streamed,
//!   parallel, with projection pushdown and the prefilter hook.
//! * [`convert()`] writes the inputs as Parquet, one folder per table.
//! * New formats implement [`FormatReader`] and add a line to [`formats::registry`].

pub mod builder;
pub mod compress;
pub mod convert;
pub mod error;
pub mod format;
pub mod formats;
pub mod inputs;
pub mod json;
pub mod mapping;
pub mod options;
pub mod parquet_filter;
pub mod parquet_in;
pub mod prefilter;
pub mod process_table;
pub mod provider;
pub mod pushdown;
pub mod read;
pub mod record;
pub mod report;
pub mod time;
pub mod walk;

#[cfg(test)]
mod test_support;

pub use builder::TableBuilder;
pub use compress::Compression;
pub use convert::{ConvertReport, Written, convert};
pub use error::SourceError;
pub use format::{EventSink, FormatReader};
pub use inputs::{Input, InputKind, Inputs};
pub use options::{ReadOptions, TableRequest};
pub use prefilter::Prefilter;
pub use provider::{LogScanExec, LogTable, PushedPrefilter};
pub use read::{BatchFn, ReadPlan, read_input, resume_input};
pub use record::{BadReason, BadRecord, Location, Row, Value};
pub use report::{FileReport, ReadReport};
pub use walk::InputPath;
