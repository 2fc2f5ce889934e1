//! JSON documents that are not one record per line: a JSON array of rows (what the
//! advanced-hunting API and most scripts save), pretty-printed records, and pretty-printed
//! Event Hub messages `{"records":[…]}`, one or several in a file.
//!
//! Memory stays bounded however large the document: the framer hands the decoder one
//! element at a time. A top-level array's elements are the records; a top-level
//! `{"records":[` wrapper is opened and its elements are the records; any other top-level
//! object is one record. An element over the record limit is stepped over as it streams
//! past and reported.
//!
//! Resuming: `feed` consumes whole elements, and the reader remembers whether it is inside
//! an array, so feeding in chunks of any size gives the same rows. A *new* reader can
//! resume only at a top-level boundary (these documents are written whole, not appended
//! to; line-oriented formats resume anywhere).

use super::decode::{JsonDecoder, Outcome};
use crate::format::{EventSink, FormatReader};
use crate::formats::ReaderContext;
use crate::record::{BadReason, BadRecord, Location};
use memchr::{memchr, memchr2};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Between top-level values.
    Top,
    /// Inside a top-level array.
    InArray,
    /// Inside the `records` array of an Event Hub message.
    InRecords,
    /// After the `records` array, before the message's closing brace.
    AfterRecords,
}

/// Bracket depth of a value being scanned, resumable across chunks.
#[derive(Debug, Clone, Copy, Default)]
struct Depth {
    depth: u32,
    in_string: bool,
    escape: bool,
}

impl Depth {
    /// Advances over `bytes`; returns the position just after the value's closing bracket,
    /// or `None` if the value goes on past `bytes`.
    fn advance(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                    i += 1;
                    continue;
                }
                match memchr2(b'"', b'\\', &bytes[i..]) {
                    Some(j) if bytes[i + j] == b'"' => {
                        self.in_string = false;
                        i += j + 1;
                    }
                    Some(j) => {
                        self.escape = true;
                        i += j + 1;
                    }
                    None => return None,
                }
                continue;
            }
            match bytes[i] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

/// Reads JSON arrays and (pretty-printed) JSON documents.
pub struct JsonDocumentReader {
    file: Arc<str>,
    decoder: JsonDecoder,
    limit: usize,
    mode: Mode,
    /// Newlines before the consumed position.
    lines: u64,
    first_line: Option<u64>,
    /// An oversized element being stepped over: where it started, its length so far.
    skipping: Option<(Location, u64, Depth)>,
    last_offset: u64,
}

/// Result of looking for `{"records":[` at a top-level `{`.
enum Wrapper {
    /// It is one; the position after `[`.
    Yes(usize),
    No,
    /// Not enough bytes to tell.
    Undecided,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

fn records_wrapper(b: &[u8], at: usize) -> Wrapper {
    let mut i = skip_ws(b, at + 1);
    for (want, optional_ws) in [(&b"\"records\""[..], true), (b":", true), (b"[", false)] {
        let Some(have) = b.get(i..(i + want.len()).min(b.len())) else {
            return Wrapper::Undecided;
        };
        if have.len() < want.len() {
            return if want.starts_with(have) {
                Wrapper::Undecided
            } else {
                Wrapper::No
            };
        }
        if have != want {
            return Wrapper::No;
        }
        i += want.len();
        if optional_ws {
            i = skip_ws(b, i);
            if i >= b.len() {
                return Wrapper::Undecided;
            }
        }
    }
    Wrapper::Yes(i)
}

impl JsonDocumentReader {
    /// A reader for one input.
    pub fn new(ctx: &ReaderContext) -> Self {
        Self {
            file: ctx.file.clone(),
            decoder: ctx.json_decoder(),
            limit: ctx.options.max_record_bytes,
            mode: Mode::Top,
            lines: 0,
            first_line: ctx.first_line,
            skipping: None,
            last_offset: 0,
        }
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            line: self.first_line.map(|f| f + self.lines),
            offset,
        }
    }

    fn bad(&self, offset: u64, reason: BadReason, sink: &mut dyn EventSink) {
        sink.bad(BadRecord {
            location: self.location(offset),
            reason,
        });
    }

    fn element(&mut self, bytes: &[u8], offset: u64, sink: &mut dyn EventSink) {
        let loc = self.location(offset);
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.decoder.decode(text, &loc, sink);
            }
            Err(_) => {
                let text = String::from_utf8_lossy(bytes);
                if self.decoder.decode(&text, &loc, sink) != Outcome::Bad {
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
    }

    /// Adds the newlines of `chunk[*counted..to]` to the line count.
    fn count_lines(&mut self, chunk: &[u8], counted: &mut usize, to: usize) {
        if to > *counted {
            self.lines += memchr::memchr_iter(b'\n', &chunk[*counted..to]).count() as u64;
            *counted = to;
        }
    }

    /// Continues stepping over an oversized element; returns the bytes of `chunk` used.
    fn continue_skip(&mut self, chunk: &[u8], sink: &mut dyn EventSink) -> usize {
        let Some((loc, seen, mut depth)) = self.skipping.take() else {
            return 0;
        };
        match depth.advance(chunk) {
            Some(end) => {
                sink.bad(BadRecord {
                    location: loc,
                    reason: BadReason::Oversized {
                        len: seen + end as u64,
                        limit: self.limit as u64,
                    },
                });
                end
            }
            None => {
                self.skipping = Some((loc, seen + chunk.len() as u64, depth));
                chunk.len()
            }
        }
    }
}

impl FormatReader for JsonDocumentReader {
    fn format(&self) -> &'static str {
        super::FORMAT_JSON
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        self.last_offset = offset + chunk.len() as u64;
        let mut pos = 0;
        // Newlines are counted lazily, up to the position being reported or consumed.
        let mut counted = 0;
        if offset == 0 && chunk.starts_with(b"\xEF\xBB\xBF") {
            pos = 3;
        }
        if self.skipping.is_some() {
            pos = self.continue_skip(chunk, sink);
        }
        while self.skipping.is_none() {
            pos = skip_ws(chunk, pos);
            let Some(&c) = chunk.get(pos) else {
                break;
            };
            match (self.mode, c) {
                (Mode::InArray | Mode::InRecords, b',') => {
                    pos += 1;
                    continue;
                }
                (Mode::InArray, b']') => {
                    self.mode = Mode::Top;
                    pos += 1;
                    continue;
                }
                (Mode::InRecords, b']') => {
                    self.mode = Mode::AfterRecords;
                    pos += 1;
                    continue;
                }
                (Mode::Top, b'[') => {
                    self.mode = Mode::InArray;
                    pos += 1;
                    continue;
                }
                (Mode::Top, b'{') => match records_wrapper(chunk, pos) {
                    Wrapper::Yes(after) => {
                        self.mode = Mode::InRecords;
                        pos = after;
                        continue;
                    }
                    Wrapper::Undecided if !eof => break,
                    _ => {}
                },
                (Mode::InArray | Mode::InRecords, b'{') => {}
                (Mode::AfterRecords, _) => {
                    // Other members of the message after `records`, then its closing
                    // brace: one level deep, so scan until the depth returns to zero.
                    let mut d = Depth {
                        depth: 1,
                        ..Depth::default()
                    };
                    match d.advance(&chunk[pos..]) {
                        Some(len) => pos += len,
                        None if eof => {
                            self.count_lines(chunk, &mut counted, pos);
                            self.bad(
                                offset + pos as u64,
                                BadReason::Malformed(
                                    "the input ends inside an Event Hub message".into(),
                                ),
                                sink,
                            );
                            pos = chunk.len();
                        }
                        None => break,
                    }
                    self.mode = Mode::Top;
                    continue;
                }
                _ => {
                    self.count_lines(chunk, &mut counted, pos);
                    let line_end = memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |j| pos + j);
                    if line_end == chunk.len() && !eof {
                        break;
                    }
                    self.bad(
                        offset + pos as u64,
                        BadReason::Malformed(format!(
                            "unexpected byte 0x{c:02x} where a JSON record should start"
                        )),
                        sink,
                    );
                    pos = line_end;
                    continue;
                }
            }
            // An element (or a whole top-level record) starts at `pos`.
            let mut d = Depth::default();
            match d.advance(&chunk[pos..]) {
                Some(len) => {
                    self.count_lines(chunk, &mut counted, pos);
                    let end = pos + len;
                    self.element(&chunk[pos..end], offset + pos as u64, sink);
                    pos = end;
                }
                None if eof => {
                    self.count_lines(chunk, &mut counted, pos);
                    self.bad(
                        offset + pos as u64,
                        BadReason::Malformed(
                            "truncated JSON: the input ends inside a record".into(),
                        ),
                        sink,
                    );
                    pos = chunk.len();
                }
                None if chunk.len() - pos > self.limit => {
                    self.count_lines(chunk, &mut counted, pos);
                    self.skipping = Some((
                        self.location(offset + pos as u64),
                        (chunk.len() - pos) as u64,
                        d,
                    ));
                    pos = chunk.len();
                }
                None => break,
            }
        }
        self.count_lines(chunk, &mut counted, pos);
        if eof && pos >= chunk.len() {
            if let Some((loc, seen, _)) = self.skipping.take() {
                sink.bad(BadRecord {
                    location: loc,
                    reason: BadReason::Oversized {
                        len: seen,
                        limit: self.limit as u64,
                    },
                });
            } else if self.mode != Mode::Top {
                self.bad(
                    offset + pos as u64,
                    BadReason::Malformed("the input ends inside an array".into()),
                    sink,
                );
                self.mode = Mode::Top;
            }
        }
        pos
    }

    fn finish(&mut self, sink: &mut dyn EventSink) {
        let at = self.location(self.last_offset);
        self.decoder.flush(&at, sink);
    }
}
