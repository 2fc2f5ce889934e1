//! Reads host and Kubernetes telemetry into Sentinel tables as Arrow record batches.
//!
//! Every reader turns its input format into rows of a Sentinel table (`DeviceProcessEvents`,
//! `DeviceNetworkEvents`, `AKSAudit`) with Microsoft's column names and types, so that one
//! KQL rule runs unchanged over Defender exports, Sysmon, auditd, Kubernetes audit logs,
//! Tetragon and Falco. Bad input never stops a run and is never silently lost: each bad
//! record is reported with its location and reason.

pub mod builder;
pub mod error;
pub mod format;
pub mod formats;
pub mod json;
pub mod mapping;
pub mod options;
pub mod prefilter;
pub mod process_table;
pub mod record;
pub mod time;

#[cfg(test)]
mod test_support;

pub use builder::TableBuilder;
pub use error::SourceError;
pub use format::{EventSink, FormatReader};
pub use record::{BadReason, BadRecord, Location, Row, Value};
