//! Shared by the mapped-source tests (Sysmon, auditd, Kubernetes audit, Tetragon, Falco):
//! a driver that feeds a reader in small chunks the way the file reader does, a sink that
//! collects what comes out, and an exact row comparison.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::record_batch::RecordBatch;
use log_sources::{BadReason, BadRecord, EventSink, FormatReader, Row, Value};
use std::path::PathBuf;

/// What a reader produced.
#[derive(Default, Debug)]
pub struct Collected {
    pub rows: Vec<Row>,
    pub bad: Vec<BadRecord>,
}

impl EventSink for Collected {
    fn row(&mut self, row: Row) {
        self.rows.push(row);
    }
    fn batch(&mut self, table: &'static str, _: RecordBatch) {
        panic!("mapped readers produce rows, not batches ({table})");
    }
    fn bad(&mut self, bad: BadRecord) {
        self.bad.push(bad);
    }
}

impl Collected {
    /// Rows of one table.
    pub fn table(&self, table: &str) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.table == table).collect()
    }

    /// Bad-record reasons with their line numbers.
    pub fn bad_lines(&self) -> Vec<(Option<u64>, &BadReason)> {
        self.bad
            .iter()
            .map(|b| (b.location.line, &b.reason))
            .collect()
    }
}

/// A file under the repository's `testdata/logs/`.
pub fn testdata(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Feeds `bytes` in chunks of `chunk` bytes, keeping what the reader leaves unconsumed, then
/// calls `finish`.
pub fn read_all(reader: &mut dyn FormatReader, bytes: &[u8], chunk: usize) -> Collected {
    let mut out = Collected::default();
    let mut pending: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    let mut pos = 0;
    loop {
        let end = (pos + chunk).min(bytes.len());
        pending.extend_from_slice(&bytes[pos..end]);
        pos = end;
        let eof = pos == bytes.len();
        let used = reader.feed(&pending, offset, eof, &mut out);
        assert!(used <= pending.len());
        if eof {
            assert_eq!(used, pending.len(), "at eof everything is consumed");
            break;
        }
        pending.drain(..used);
        offset += used as u64;
    }
    reader.finish(&mut out);
    out
}

pub fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

pub fn l(x: i64) -> Value {
    Value::Long(x)
}

pub fn i(x: i32) -> Value {
    Value::Int(x)
}

/// An RFC 3339 UTC time as a datetime cell.
pub fn dt(x: &str) -> Value {
    let t = chrono::DateTime::parse_from_rfc3339(x).unwrap_or_else(|e| panic!("{x}: {e}"));
    Value::DateTime(t.timestamp_nanos_opt().unwrap())
}

pub fn dynamic(v: serde_json::Value) -> Value {
    Value::Dynamic(v)
}

/// Asserts that `row` has exactly these cells (no more, no fewer, any order).
pub fn assert_row(row: &Row, table: &str, expected: &[(&str, Value)]) {
    assert_eq!(row.table, table, "table of row at {}", row.location);
    for (col, want) in expected {
        assert_eq!(
            row.get(col),
            Some(want),
            "column {col} of row at {}",
            row.location
        );
    }
    for (col, got) in &row.cells {
        assert!(
            expected.iter().any(|(c, _)| c == col),
            "unexpected column {col} = {got:?} in row at {}",
            row.location
        );
    }
}

/// A registry context for `file`, on the given shared process table.
pub fn context(
    file: &str,
    table: &log_sources::process_table::SharedProcessTable,
) -> log_sources::formats::ReaderContext {
    let mut ctx = log_sources::formats::ReaderContext::new(
        file.into(),
        None,
        log_sources::options::ReadOptions::default(),
        std::sync::Arc::new(log_sources::options::TableRequest::all()),
    );
    ctx.process_table = table.clone();
    ctx
}

/// Sniffs `testdata/logs/<rel>` through the registry and reads it with the chosen reader.
pub fn read_via_registry(
    rel: &str,
    table: &log_sources::process_table::SharedProcessTable,
) -> (&'static str, Collected) {
    let bytes = testdata(rel);
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let input = log_sources::formats::SniffInput {
        head,
        complete: head.len() == bytes.len(),
        path: None,
    };
    let (entry, _) = log_sources::formats::sniff(&input).expect("a format is recognised");
    let mut reader = (entry.open)(&context(rel, table)).unwrap();
    (entry.name, read_all(reader.as_mut(), &bytes, 64 * 1024))
}
