//! Test helpers: a sink that keeps everything, a feeder that mimics the read driver with
//! any chunk sizes, and typed column accessors.

use crate::format::{EventSink, FormatReader};
use crate::record::{BadReason, BadRecord, Row};
use arrow::array::{Array, Int32Array, Int64Array, StringArray, TimestampNanosecondArray};
use arrow::record_batch::RecordBatch;

/// Keeps everything a reader produces.
#[derive(Default)]
pub struct Collect {
    pub batches: Vec<(&'static str, RecordBatch)>,
    pub rows: Vec<Row>,
    pub bad: Vec<BadRecord>,
    pub prefiltered: u64,
}

impl EventSink for Collect {
    fn row(&mut self, row: Row) {
        self.rows.push(row);
    }
    fn batch(&mut self, table: &'static str, batch: RecordBatch) {
        self.batches.push((table, batch));
    }
    fn bad(&mut self, bad: BadRecord) {
        self.bad.push(bad);
    }
    fn prefiltered(&mut self, records: u64) {
        self.prefiltered += records;
    }
}

impl Collect {
    /// Rows of `table` over all batches.
    pub fn count(&self, table: &str) -> usize {
        self.batches
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, b)| b.num_rows())
            .sum()
    }

    fn arrays(&self, table: &str, col: &str) -> Vec<std::sync::Arc<dyn Array>> {
        self.batches
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, b)| {
                b.column_by_name(col)
                    .unwrap_or_else(|| panic!("{table} has no projected column {col}"))
                    .clone()
            })
            .collect()
    }

    /// A string column of `table`, all batches.
    pub fn strs(&self, table: &str, col: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for a in self.arrays(table, col) {
            let a = a.as_any().downcast_ref::<StringArray>().expect("utf8");
            out.extend(a.iter().map(|v| v.map(str::to_string)));
        }
        out
    }

    /// A long column.
    pub fn longs(&self, table: &str, col: &str) -> Vec<Option<i64>> {
        let mut out = Vec::new();
        for a in self.arrays(table, col) {
            out.extend(
                a.as_any()
                    .downcast_ref::<Int64Array>()
                    .expect("int64")
                    .iter(),
            );
        }
        out
    }

    /// An int column.
    pub fn ints(&self, table: &str, col: &str) -> Vec<Option<i32>> {
        let mut out = Vec::new();
        for a in self.arrays(table, col) {
            out.extend(
                a.as_any()
                    .downcast_ref::<Int32Array>()
                    .expect("int32")
                    .iter(),
            );
        }
        out
    }

    /// A datetime column, as nanoseconds.
    pub fn times(&self, table: &str, col: &str) -> Vec<Option<i64>> {
        let mut out = Vec::new();
        for a in self.arrays(table, col) {
            out.extend(
                a.as_any()
                    .downcast_ref::<TimestampNanosecondArray>()
                    .expect("timestamp")
                    .iter(),
            );
        }
        out
    }

    /// Bad records as (line, reason).
    pub fn bad_lines(&self) -> Vec<(Option<u64>, BadReason)> {
        self.bad
            .iter()
            .map(|b| (b.location.line, b.reason.clone()))
            .collect()
    }
}

/// Feeds `data` to `reader` in chunks of the given sizes (cycled), the way the read driver
/// does: unconsumed bytes are kept and fed again with the next chunk.
pub fn feed_in_chunks(reader: &mut dyn FormatReader, data: &[u8], sizes: &[usize]) -> Collect {
    let mut sink = Collect::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut buf_offset = 0u64;
    let mut next = 0usize;
    let mut k = 0usize;
    loop {
        let n = sizes[k % sizes.len()].max(1);
        k += 1;
        let end = (next + n).min(data.len());
        buf.extend_from_slice(&data[next..end]);
        next = end;
        let eof = next == data.len();
        let used = reader.feed(&buf, buf_offset, eof, &mut sink);
        assert!(used <= buf.len());
        buf.drain(..used);
        buf_offset += used as u64;
        if eof {
            assert!(buf.is_empty(), "the reader must consume everything at eof");
            break;
        }
    }
    reader.finish(&mut sink);
    sink
}

/// Feeds `data` whole.
pub fn feed_all(reader: &mut dyn FormatReader, data: &[u8]) -> Collect {
    feed_in_chunks(reader, data, &[data.len().max(1)])
}

/// 2025-03-04T10:15:02 UTC plus `frac` nanoseconds, written out by hand:
/// 2025-03-04 is day 20151 after 1970-01-01 (55 years = 20075 days with 14 leap days,
/// + Jan 31 + Feb 28 + 3).
pub fn t_2025_03_04(h: i64, m: i64, s: i64, frac: i64) -> i64 {
    (20_151 * 86_400 + h * 3600 + m * 60 + s) * 1_000_000_000 + frac
}
