//! Windows Sysmon events exported as XML: `wevtutil qe Microsoft-Windows-Sysmon/Operational
//! /f:xml` (bare `<Event>` elements, or inside `<Events>` with `/e:Events`), Event Viewer's
//! XML, or PowerShell `ToXml()` output; pretty-printed or not, single or double quotes, UTF-8
//! or UTF-16LE with a byte-order mark (what Windows tools write when redirected to a file).
//!
//! The reader cuts the byte stream into whole `<Event …>…</Event>` elements itself (the
//! `</Event>` marker is searched in the file's own encoding, so UTF-16 is never decoded
//! across a chunk boundary), leaves a partial element unconsumed until more bytes arrive,
//! and hands each element to the shared XML parser and [`Normalizer`].

use super::{Normalizer, Platform, xml};
use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::MappingError;
use crate::mapping::lines::DEFAULT_LINE_LIMIT;
use crate::process_table::SharedProcessTable;
use crate::record::{BadReason, BadRecord, Location};
use memchr::memmem;
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "sysmon-windows-xml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16Le,
}

impl Encoding {
    fn encode(self, ascii: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => ascii.as_bytes().to_vec(),
            Encoding::Utf16Le => ascii.bytes().flat_map(|b| [b, 0]).collect(),
        }
    }

    fn unit(self) -> usize {
        match self {
            Encoding::Utf8 => 1,
            Encoding::Utf16Le => 2,
        }
    }

    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Utf16Le => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|p| u16::from_le_bytes([p[0], p[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
        }
    }
}

/// The text of the first bytes, whichever encoding they are in.
fn head_text(head: &[u8]) -> String {
    match head {
        [0xFF, 0xFE, rest @ ..] => Encoding::Utf16Le.decode(rest),
        [b'<', 0, ..] => Encoding::Utf16Le.decode(head),
        _ => String::from_utf8_lossy(head).into_owned(),
    }
}

/// True when the first bytes look like an XML export of Windows Sysmon events.
pub fn sniff(head: &[u8]) -> bool {
    let text = head_text(head);
    text.contains("Microsoft-Windows-Sysmon") && text.contains("<Event")
}

/// Registry confidence: the provider name is Sysmon's own signature.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(95)
}

/// Opens a reader as the registry does, on the run's shared process table.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    let mut r = SysmonXmlReader::new(ctx.file.clone(), ctx.process_table.clone())?;
    r.limit = ctx.options.max_record_bytes;
    Ok(Box::new(r))
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

/// Reads Windows Sysmon XML exports.
#[derive(Debug)]
pub struct SysmonXmlReader {
    file: Arc<str>,
    normalizer: Normalizer,
    limit: usize,
    /// Decided from the first bytes.
    encoding: Option<Encoding>,
    /// Newlines in the bytes consumed so far (for line numbers).
    lines: u64,
    /// An oversized element being skipped: its start.
    skipping: Option<Location>,
}

impl SysmonXmlReader {
    /// A reader for `file`, sharing the run's process table.
    pub fn new(file: Arc<str>, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            file,
            normalizer: Normalizer::new(Platform::Windows, table)?,
            limit: DEFAULT_LINE_LIMIT,
            encoding: None,
            lines: 0,
            skipping: None,
        })
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            line: Some(self.lines + 1),
            offset,
        }
    }

    fn count_lines(&mut self, consumed: &[u8]) {
        self.lines += memchr::memchr_iter(b'\n', consumed).count() as u64;
    }
}

/// Position of the next `<Event` start tag (not `<Events>`, `<EventData>`, ...) at or after
/// `from`, aligned to the encoding's code unit in the input (`base` is `buf`'s offset there).
fn find_start(buf: &[u8], base: u64, from: usize, enc: Encoding) -> Option<usize> {
    let pat = enc.encode("<Event");
    let mut at = from;
    loop {
        let i = at + memmem::find(buf.get(at..)?, &pat)?;
        let next = buf.get(i + pat.len()).copied();
        let aligned = (base + i as u64).is_multiple_of(enc.unit() as u64);
        if aligned && matches!(next, Some(b'>' | b' ' | b'\t' | b'\r' | b'\n')) {
            return Some(i);
        }
        at = i + enc.unit();
    }
}

fn find_end(buf: &[u8], base: u64, from: usize, enc: Encoding) -> Option<usize> {
    let pat = enc.encode("</Event>");
    let mut at = from;
    loop {
        let i = at + memmem::find(buf.get(at..)?, &pat)?;
        if (base + i as u64).is_multiple_of(enc.unit() as u64) {
            return Some(i + pat.len());
        }
        at = i + 1;
    }
}

/// How far bytes with no element boundary may be consumed: all at the end of the input,
/// else all but a tail long enough to hold the start of a marker, ending on a code unit.
fn consumable(len: usize, pos: usize, offset: u64, eof: bool, enc: Encoding) -> usize {
    if eof {
        return len;
    }
    let mut upto = len.saturating_sub(16).max(pos);
    while upto > pos && !(offset + upto as u64).is_multiple_of(enc.unit() as u64) {
        upto -= 1;
    }
    upto
}

impl FormatReader for SysmonXmlReader {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        let enc = match self.encoding {
            Some(e) => e,
            None => {
                if chunk.len() < 2 && !eof {
                    return 0;
                }
                let e = match chunk {
                    [0xFF, 0xFE, ..] | [b'<', 0, ..] => Encoding::Utf16Le,
                    _ => Encoding::Utf8,
                };
                self.encoding = Some(e);
                e
            }
        };
        let mut pos = 0;
        loop {
            if let Some(start) = self.skipping.clone() {
                match find_end(chunk, offset, pos, enc) {
                    Some(end) => {
                        sink.bad(BadRecord {
                            location: start,
                            reason: BadReason::Oversized {
                                len: (end - pos) as u64,
                                limit: self.limit as u64,
                            },
                        });
                        self.skipping = None;
                        self.count_lines(chunk.get(pos..end).unwrap_or_default());
                        pos = end;
                    }
                    None => {
                        // Keep a tail that could be the start of `</Event>`.
                        let upto = consumable(chunk.len(), pos, offset, eof, enc);
                        self.count_lines(chunk.get(pos..upto).unwrap_or_default());
                        if eof {
                            self.skipping = None;
                        }
                        return upto;
                    }
                }
            }
            let Some(start) = find_start(chunk, offset, pos, enc) else {
                // No element begins here: consume all but a tail that may begin one.
                let upto = consumable(chunk.len(), pos, offset, eof, enc);
                self.count_lines(chunk.get(pos..upto).unwrap_or_default());
                return upto;
            };
            self.count_lines(chunk.get(pos..start).unwrap_or_default());
            let location = self.location(offset + start as u64);
            let Some(end) = find_end(chunk, offset, start, enc) else {
                if chunk.len() - start > self.limit {
                    self.skipping = Some(location);
                    pos = start;
                    continue;
                }
                if eof {
                    sink.bad(BadRecord {
                        location,
                        reason: BadReason::Malformed(
                            "unterminated <Event> at the end of the input".into(),
                        ),
                    });
                    self.count_lines(chunk.get(start..).unwrap_or_default());
                    return chunk.len();
                }
                return start;
            };
            let element = chunk.get(start..end).unwrap_or_default();
            self.count_lines(element);
            if element.len() > self.limit {
                sink.bad(BadRecord {
                    location,
                    reason: BadReason::Oversized {
                        len: element.len() as u64,
                        limit: self.limit as u64,
                    },
                });
            } else {
                match xml::parse_event(&enc.decode(element)) {
                    Ok(ev) => self.normalizer.handle(ev, location, sink),
                    Err(e) => sink.bad(BadRecord {
                        location,
                        reason: BadReason::Malformed(e),
                    }),
                }
            }
            pos = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_event_elements_in_both_encodings() {
        let text = "<Events><Event xmlns='x'><EventData/></Event></Events>";
        let b = text.as_bytes();
        assert_eq!(find_start(b, 0, 0, Encoding::Utf8), Some(8));
        assert_eq!(find_end(b, 0, 8, Encoding::Utf8), Some(45));
        let u: Vec<u8> = Encoding::Utf16Le.encode(text);
        assert_eq!(find_start(&u, 0, 0, Encoding::Utf16Le), Some(16));
        assert_eq!(find_end(&u, 0, 16, Encoding::Utf16Le), Some(90));
        // The same bytes seen from an odd input offset: the markers are misaligned there.
        assert_eq!(find_start(&u, 1, 0, Encoding::Utf16Le), None);
        assert_eq!(Encoding::Utf16Le.decode(&u), text);
    }

    #[test]
    fn sniffs_utf8_and_utf16() {
        let t = "<Events><Event><System><Provider Name='Microsoft-Windows-Sysmon'/>";
        assert!(sniff(t.as_bytes()));
        let mut u = vec![0xFF, 0xFE];
        u.extend(Encoding::Utf16Le.encode(t));
        assert!(sniff(&u));
        assert!(!sniff(b"<Event><System><Provider Name=\"Linux-Sysmon\"/>"));
    }
}
