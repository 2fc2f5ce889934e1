//! One JSON record per line: advanced-hunting rows (API or Sentinel style), streaming-API
//! storage blobs (`PT1H.json`), Sentinel data-export blobs (`PT05M.json`), and Event Hub
//! captures with one `{"records":[…]}` message per line.
//!
//! This is the hot path. With a prefilter, each chunk is searched for its literals once
//! (ASCII-lowercased, one multi-pattern scan) and lines without a hit are dropped before
//! anything else looks at them. The other lines are found with `memchr`, checked as UTF-8
//! in one pass (invalid bytes are replaced and reported, the row kept), and scanned by the
//! [`JsonDecoder`]. `\r\n` line ends, blank lines and a missing
//! final newline are all normal. A line over the record limit is skipped as it streams past
//! (never buffered) and reported once with its length.

use super::decode::{JsonDecoder, Outcome};
use crate::format::{EventSink, FormatReader};
use crate::formats::ReaderContext;
use crate::prefilter::{Prefilter, lowercase_into};
use crate::record::{BadReason, BadRecord, Location};
use memchr::memchr;
use std::sync::Arc;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads newline-delimited JSON records.
pub struct NdjsonReader {
    name: &'static str,
    file: Arc<str>,
    decoder: JsonDecoder,
    limit: usize,
    /// Lines passed since the reader started.
    lines: u64,
    /// Number of the first line fed (`None` when reading from the middle of a file).
    first_line: Option<u64>,
    /// An oversized line being skipped: its start and the bytes seen so far.
    skipping: Option<(Location, u64)>,
    last_offset: u64,
    prefilter: Option<Arc<Prefilter>>,
    /// The chunk, ASCII-lowercased, for the prefilter.
    lower: Vec<u8>,
}

impl NdjsonReader {
    /// A reader reporting itself as format `name`.
    pub fn new(name: &'static str, ctx: &ReaderContext) -> Self {
        Self {
            name,
            file: ctx.file.clone(),
            decoder: ctx.json_decoder(),
            limit: ctx.options.max_record_bytes,
            lines: 0,
            first_line: ctx.first_line,
            skipping: None,
            last_offset: 0,
            prefilter: ctx.prefilter.clone().filter(|p| p.filters_json()),
            lower: Vec::new(),
        }
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            line: self.first_line.map(|f| f + self.lines),
            offset,
        }
    }

    /// One line; `kept` is false when the chunk-wide prefilter search found no hit in it.
    /// Returns true when the line was dropped by the prefilter.
    fn line(&mut self, raw: &[u8], offset: u64, kept: bool, sink: &mut dyn EventSink) -> bool {
        let mut raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if offset == 0 {
            raw = raw.strip_prefix(BOM).unwrap_or(raw);
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            return false;
        }
        if raw.len() > self.limit {
            sink.bad(BadRecord {
                location: self.location(offset),
                reason: BadReason::Oversized {
                    len: raw.len() as u64,
                    limit: self.limit as u64,
                },
            });
            return false;
        }
        if !kept {
            return true;
        }
        let loc = self.location(offset);
        // A kept line passed the prefilter already (when there is one).
        match std::str::from_utf8(raw) {
            Ok(text) => {
                self.decoder.decode_unfiltered(text, &loc, sink);
            }
            Err(_) => {
                let text = String::from_utf8_lossy(raw);
                if self.decoder.decode_unfiltered(&text, &loc, sink) != Outcome::Bad {
                    sink.bad(BadRecord {
                        location: loc,
                        reason: BadReason::InvalidUtf8,
                    });
                }
            }
        }
        let n = self.decoder.take_prefiltered();
        if n > 0 {
            sink.prefiltered(n);
        }
        false
    }

    fn end_skip(&mut self, extra: u64, sink: &mut dyn EventSink) {
        if let Some((loc, len)) = self.skipping.take() {
            sink.bad(BadRecord {
                location: loc,
                reason: BadReason::Oversized {
                    len: len + extra,
                    limit: self.limit as u64,
                },
            });
            self.lines += 1;
        }
    }
}

impl FormatReader for NdjsonReader {
    fn format(&self) -> &'static str {
        self.name
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        self.last_offset = offset + chunk.len() as u64;
        let mut pos = 0;
        if let Some((_, seen)) = &mut self.skipping {
            match memchr(b'\n', chunk) {
                Some(nl) => {
                    let extra = nl as u64;
                    pos = nl + 1;
                    self.end_skip(extra, sink);
                }
                None => {
                    *seen += chunk.len() as u64;
                    if eof {
                        self.end_skip(0, sink);
                    }
                    return chunk.len();
                }
            }
        }
        // The chunk is searched for the prefilter's literals once, front to back.
        let prefilter = self.prefilter.clone();
        let mut lower = std::mem::take(&mut self.lower);
        if prefilter.is_some() {
            lowercase_into(chunk, &mut lower);
        }
        let mut search = prefilter.as_ref().map(|p| p.json_search(chunk, &lower));
        let mut dropped = 0;
        let consumed = loop {
            if pos >= chunk.len() {
                break pos;
            }
            let rest = &chunk[pos..];
            let (end, next) = match memchr(b'\n', rest) {
                Some(nl) => (pos + nl, pos + nl + 1),
                None if eof => (chunk.len(), chunk.len()),
                None if rest.len() > self.limit => {
                    self.skipping = Some((self.location(offset + pos as u64), rest.len() as u64));
                    break chunk.len();
                }
                None => break pos,
            };
            let kept = search
                .as_mut()
                .is_none_or(|s| s.next_from(pos).is_some_and(|h| h < end));
            if self.line(&chunk[pos..end], offset + pos as u64, kept, sink) {
                dropped += 1;
            }
            self.lines += 1;
            pos = next;
        };
        self.lower = lower;
        if dropped > 0 {
            sink.prefiltered(dropped);
        }
        consumed
    }

    fn finish(&mut self, sink: &mut dyn EventSink) {
        self.end_skip(0, sink);
        let at = self.location(self.last_offset);
        self.decoder.flush(&at, sink);
    }
}
