//! The contract between input formats and the table builders.
//!
//! A [`FormatReader`] is fed the bytes of one input in chunks and pushes what it finds into an
//! [`EventSink`]: typed rows for mapped sources, ready-made Arrow batches for readers that
//! decode straight into Arrow builders, and bad-record reports. The push model lets one pass
//! over a file feed several tables (the Defender streaming envelope routes each record by its
//! category), and the chunked feed is what makes incremental reading possible: a reader
//! consumes only whole records and reports how far it got, so a growing file can be resumed
//! from that offset later.

use crate::record::{BadRecord, Row};
use arrow::record_batch::RecordBatch;

/// Receives what a reader produces.
pub trait EventSink {
    /// A row for `row.table`.
    fn row(&mut self, row: Row);
    /// A batch already in the table's Arrow schema (possibly projected).
    fn batch(&mut self, table: &'static str, batch: RecordBatch);
    /// A record that was skipped or only partly used.
    fn bad(&mut self, bad: BadRecord);
    /// `records` records were dropped unparsed by the prefilter (they cannot match the
    /// query); counted for the read report.
    fn prefiltered(&mut self, records: u64) {
        let _ = records;
    }
}

/// Decodes one input format.
pub trait FormatReader: Send {
    /// Short name of the format (`defender-ndjson`, `auditd`, ...), for `kqlhunt sources`.
    fn format(&self) -> &'static str;

    /// Consumes whole records from `chunk`, whose first byte is at `offset` in the
    /// (decompressed) input, and returns the number of bytes consumed. When `eof` is false a
    /// trailing partial record is left unconsumed; when `eof` is true everything is consumed
    /// (a truncated last record is reported as bad).
    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize;

    /// Called once after the last `feed`; readers that group records (auditd events, parent
    /// look-ups) flush what they still hold.
    fn finish(&mut self, sink: &mut dyn EventSink) {
        let _ = sink;
    }
}
