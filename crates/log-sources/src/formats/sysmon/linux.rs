//! Sysmon for Linux as it reaches syslog: `<syslog header> sysmon: <Event>…</Event>`, one
//! event per line (telemetry-formats §2.1).
//!
//! The syslog header (local time without a year, host, `sysmon` or `sysmon[pid]`) is ignored:
//! the event carries its own UTC time and `Computer`. Lines of other programs in the same
//! file (a plain `/var/log/syslog`) are counted as unsupported, not as errors.
//!
//! Sysmon for Linux writes its XML with libxml2 in ISO-8859-1: a line that is not valid UTF-8
//! is read as Latin-1, which is what such bytes mean there (a forwarder that re-encoded the
//! line to UTF-8 produces valid UTF-8, read as such).

use super::{Normalizer, Platform, xml};
use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::MappingError;
use crate::mapping::lines::{DEFAULT_LINE_LIMIT, LineFramer};
use crate::process_table::SharedProcessTable;
use crate::record::{BadReason, BadRecord};
use memchr::memmem;
use std::borrow::Cow;
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "sysmon-linux";

/// True when the first bytes of a file look like Sysmon for Linux syslog output.
pub fn sniff(head: &[u8]) -> bool {
    memmem::find(head, b"Linux-Sysmon").is_some() && find_event_start(head).is_some()
}

/// Registry confidence: the provider name is Sysmon for Linux's own signature.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(95)
}

/// Opens a reader as the registry does, on the run's shared process table.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(SysmonLinuxReader {
        framer: LineFramer::for_context(ctx),
        normalizer: Normalizer::new(Platform::Linux, ctx.process_table.clone())?,
    }))
}

/// The registry entry. Not splittable: a process's parent must be read before it.
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

/// Start of the `<Event>` element in a line (`<Event>` or `<Event ` with attributes).
fn find_event_start(line: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memmem::find(line.get(from..)?, b"<Event") {
        let at = from + i;
        match line.get(at + 6) {
            Some(b'>' | b' ' | b'\t') => return Some(at),
            _ => from = at + 6,
        }
    }
    None
}

/// Decodes a line: UTF-8 if valid, else Latin-1 (Sysmon for Linux's declared encoding).
fn decode(line: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(line.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Reads Sysmon for Linux syslog lines.
#[derive(Debug)]
pub struct SysmonLinuxReader {
    framer: LineFramer,
    normalizer: Normalizer,
}

impl SysmonLinuxReader {
    /// A reader for `file`, sharing the run's process table.
    pub fn new(file: Arc<str>, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            framer: LineFramer::new(file, DEFAULT_LINE_LIMIT),
            normalizer: Normalizer::new(Platform::Linux, table)?,
        })
    }
}

impl FormatReader for SysmonLinuxReader {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        let normalizer = &mut self.normalizer;
        self.framer
            .feed(chunk, offset, eof, sink, |line, location, sink| {
                let Some(start) = find_event_start(line) else {
                    sink.bad(BadRecord {
                        location,
                        reason: BadReason::Unsupported("syslog line without a Sysmon event".into()),
                    });
                    return;
                };
                let xml_part = line.get(start..).unwrap_or_default();
                let Some(end) = memmem::rfind(xml_part, b"</Event>") else {
                    sink.bad(BadRecord {
                        location,
                        reason: BadReason::Malformed(
                            "Sysmon event without </Event> (cut by the syslog message size limit?)"
                                .into(),
                        ),
                    });
                    return;
                };
                let text = decode(xml_part.get(..end + 8).unwrap_or_default());
                match xml::parse_event(&text) {
                    Ok(ev) => normalizer.handle(ev, location, sink),
                    Err(e) => sink.bad(BadRecord {
                        location,
                        reason: BadReason::Malformed(e),
                    }),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_and_event_start() {
        let line =
            br#"Oct 15 19:41:20 lsys sysmon: <Event><System><Provider Name="Linux-Sysmon"/>"#;
        assert!(sniff(line));
        assert!(!sniff(b"Oct 15 19:41:20 lsys sshd[1]: Accepted publickey"));
        assert_eq!(
            find_event_start(b"x <Events><EventData><Event a='1'>"),
            Some(21)
        );
        assert_eq!(find_event_start(b"<EventID>"), None);
    }

    #[test]
    fn latin1_fallback() {
        assert_eq!(decode(b"caf\xe9"), "caf\u{e9}");
        assert_eq!(decode("café".as_bytes()), "café");
    }
}
