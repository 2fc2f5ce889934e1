//! Linux auditd logs (`/var/log/audit/audit.log`, raw or ENRICHED, with or without `node=`
//! and syslog prefixes) → `DeviceProcessEvents` and `DeviceNetworkEvents`.
//!
//! auditd writes one event as several records (SYSCALL, EXECVE, CWD, PATH, PROCTITLE,
//! SOCKADDR, EOE) sharing `msg=audit(<time>:<serial>)`. They are usually consecutive but may
//! interleave with other events' records, so the reader keeps a small window of open events
//! keyed by `(node, time, serial)` and completes one when:
//! * its `EOE` record arrives;
//! * a record more than [`SETTLE_NANOS`] later (event time, same node) shows it is over;
//! * more than [`MAX_OPEN`] events are open (the oldest goes first);
//! * an `ausearch` separator (`----`) or the end of the input is reached.
//!
//! Events are completed oldest first, so a parent's exec reaches the process table before
//! its child's. Interpreted `ausearch -i` output (names instead of numbers, local times) is
//! not supported: use `ausearch --raw` or the log file itself.

mod event;
pub mod execve;
pub mod record;

use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::lines::{DEFAULT_LINE_LIMIT, LineFramer, utf8_lossy};
use crate::mapping::{self, CompiledMapping, MappingError, epoch_seconds};
use crate::process_table::SharedProcessTable;
use crate::record::{BadReason, BadRecord, Location};
use memchr::memmem;
use record::AuditRecord;
use std::collections::VecDeque;
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "auditd";

/// Most events kept open at once.
pub const MAX_OPEN: usize = 32;

/// How much later (event time) a record must be for an older open event of the same node to
/// count as finished: the records of one event are written together, within milliseconds.
pub const SETTLE_NANOS: i64 = 2_000_000_000;

/// Lines of the head the sniffer judges.
const SNIFF_LINES: usize = 32;

/// True when most of the first lines of a file are auditd records. Finding `type=` and
/// `msg=audit(` somewhere is not enough: a README quoting sample records has them too, and
/// would be read as a log that is mostly bad records. A last line cut off by the end of the
/// sample counts only if it parses.
pub fn sniff(head: &[u8]) -> bool {
    if memmem::find(head, b"audit(").is_none() {
        return false;
    }
    let mut judged = 0usize;
    let mut records = 0usize;
    let mut pieces = head.split(|&b| b == b'\n').peekable();
    while let Some(piece) = pieces.next() {
        let terminated = pieces.peek().is_some();
        let text = String::from_utf8_lossy(piece);
        let line = text.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim() == "----" {
            continue;
        }
        let parses = record::parse_line(line).is_ok();
        if terminated || parses {
            judged += 1;
            records += usize::from(parses);
        }
        if judged == SNIFF_LINES {
            break;
        }
    }
    records > 0 && records * 2 > judged
}

/// Registry confidence: the right structure, but no signature unique to auditd.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(80)
}

/// Opens a reader as the registry does, on the run's shared process table.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(AuditdReader {
        framer: LineFramer::for_context(ctx),
        state: State {
            mapping: mapping::builtin(FORMAT)?,
            table: ctx.process_table.clone(),
            open: VecDeque::new(),
        },
    }))
}

/// The registry entry. Not splittable: an event's records and a process's parent must be
/// read in order.
pub const ENTRY: FormatEntry = FormatEntry {
    name: FORMAT,
    sniff: sniff_entry,
    open,
    tables: &["DeviceProcessEvents", "DeviceNetworkEvents"],
    splittable: false,
    needs_header: false,
    lineage: true,
    verbatim: None,
};

#[derive(Debug)]
struct OpenEvent {
    node: Option<String>,
    time: String,
    serial: u64,
    time_nanos: i64,
    location: Location,
    records: Vec<AuditRecord>,
}

impl OpenEvent {
    fn is(&self, r: &AuditRecord) -> bool {
        self.serial == r.serial && self.time == r.time && self.node == r.node
    }
}

/// Reads auditd logs.
#[derive(Debug)]
pub struct AuditdReader {
    framer: LineFramer,
    state: State,
}

#[derive(Debug)]
struct State {
    mapping: &'static CompiledMapping,
    table: SharedProcessTable,
    open: VecDeque<OpenEvent>,
}

impl AuditdReader {
    /// A reader for `file`, sharing the run's process table.
    pub fn new(file: Arc<str>, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            framer: LineFramer::new(file, DEFAULT_LINE_LIMIT),
            state: State {
                mapping: mapping::builtin(FORMAT)?,
                table,
                open: VecDeque::new(),
            },
        })
    }
}

impl State {
    fn complete(&mut self, ev: OpenEvent, sink: &mut dyn EventSink) {
        event::normalize(&ev.records, ev.location, self.mapping, &self.table, sink);
    }

    fn complete_all(&mut self, sink: &mut dyn EventSink) {
        while let Some(ev) = self.open.pop_front() {
            self.complete(ev, sink);
        }
    }

    fn line(&mut self, line: &str, location: Location, sink: &mut dyn EventSink) {
        if line.trim() == "----" {
            self.complete_all(sink);
            return;
        }
        let rec = match record::parse_line(line) {
            Ok(r) => r,
            Err(e) => {
                sink.bad(BadRecord {
                    location,
                    reason: BadReason::Malformed(format!("auditd line: {e}")),
                });
                return;
            }
        };
        let time_nanos = epoch_seconds(&rec.time).unwrap_or(i64::MIN);
        let at = self.open.iter().position(|e| e.is(&rec));
        if rec.rtype == "EOE" {
            // An EOE whose event was already completed (window overflow) has nothing to do.
            if let Some(ev) = at.and_then(|i| self.open.remove(i)) {
                self.complete(ev, sink);
            }
        } else {
            match at.and_then(|i| self.open.get_mut(i)) {
                Some(ev) => ev.records.push(rec),
                None => {
                    let node = rec.node.clone();
                    self.open.push_back(OpenEvent {
                        node,
                        time: rec.time.clone(),
                        serial: rec.serial,
                        time_nanos,
                        location,
                        records: vec![rec],
                    });
                }
            }
        }
        self.settle(time_nanos, sink);
    }

    /// Completes, oldest first, the open events that are over: too many open, or older than
    /// the latest record by more than the settle time (the same node's clock).
    fn settle(&mut self, latest: i64, sink: &mut dyn EventSink) {
        while self.open.len() > MAX_OPEN {
            if let Some(ev) = self.open.pop_front() {
                self.complete(ev, sink);
            }
        }
        let Some(newest) = self.open.back() else {
            return;
        };
        let node = newest.node.clone();
        let cutoff = latest.saturating_sub(SETTLE_NANOS);
        while let Some(i) = self
            .open
            .iter()
            .position(|e| e.node == node && e.time_nanos < cutoff)
        {
            // Completing in order: everything opened before it goes first.
            for _ in 0..=i {
                if let Some(ev) = self.open.pop_front() {
                    self.complete(ev, sink);
                }
            }
        }
    }
}

impl FormatReader for AuditdReader {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        let state = &mut self.state;
        self.framer
            .feed(chunk, offset, eof, sink, |line, location, sink| {
                let text = utf8_lossy(line, &location, sink);
                state.line(&text, location, sink);
            })
    }

    fn finish(&mut self, sink: &mut dyn EventSink) {
        self.state.complete_all(sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_audit_logs() {
        assert!(sniff(
            b"type=DAEMON_START msg=audit(1741083000.000:1): op=start"
        ));
        assert!(sniff(
            b"node=n type=SYSCALL msg=audit(1.2:3): arch=c000003e"
        ));
        assert!(sniff(
            b"Mar  4 10:00:00 h kernel: audit: type=1300 audit(1.2:3): x=1"
        ));
        assert!(!sniff(b"{\"process_exec\":{}}"));
    }

    #[test]
    fn a_readme_quoting_records_is_not_an_audit_log() {
        let readme = b"# auditd fixtures\n\nShows `type=SYSCALL msg=audit(1.2:3): pid=1` and\n\
            type=EXECVE msg=audit(1.2:3): argc=1 a0=\"id\" as text.\n| file | what |\n";
        assert!(!sniff(readme));
        // Mostly records, one stray line: still an audit log.
        let log = b"type=SYSCALL msg=audit(1.2:3): pid=1\nnot a record\n\
            type=EXECVE msg=audit(1.2:3): argc=1 a0=\"id\"\ntype=EOE msg=audit(1.2:3):";
        assert!(sniff(log));
        // A record cut off by the end of the sample neither helps nor hurts.
        assert!(sniff(
            b"type=EOE msg=audit(1.2:3):\ntype=SYSCALL msg=audit(1.2"
        ));
        assert!(!sniff(b"hello\ntype=SYSCALL msg=audit(1.2"));
    }
}
