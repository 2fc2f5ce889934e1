//! Line framing for the line-oriented mapped sources (Sysmon for Linux syslog, auditd,
//! Kubernetes audit JSON lines, Tetragon, Falco).
//!
//! The [`FormatReader`](crate::FormatReader) contract feeds arbitrary chunks; this cuts them
//! into whole lines, keeps a trailing partial line unconsumed until more bytes (or the end)
//! arrive, and bounds memory: a line longer than the limit is skipped up to its newline,
//! streaming, and reported once as oversized instead of being buffered.

use crate::format::EventSink;
use crate::formats::ReaderContext;
use crate::record::{BadReason, BadRecord, Location};
use std::borrow::Cow;
use std::sync::Arc;

/// Default longest line kept (Kubernetes audit events at `RequestResponse` level can be
/// large; anything beyond this is not a log line).
pub const DEFAULT_LINE_LIMIT: usize = 16 * 1024 * 1024;

/// Cuts fed chunks into lines.
#[derive(Debug)]
pub struct LineFramer {
    file: Arc<str>,
    limit: usize,
    /// Number of the first line fed, if known.
    first_line: Option<u64>,
    /// Lines seen so far (the next line's number is `lines + 1`).
    lines: u64,
    /// An oversized line being skipped: its start location and length so far.
    skipping: Option<(Location, u64)>,
}

impl LineFramer {
    /// A framer for `file` read from its start, with the given line limit.
    pub fn new(file: Arc<str>, limit: usize) -> Self {
        Self {
            file,
            limit,
            first_line: Some(1),
            lines: 0,
            skipping: None,
        }
    }

    /// A framer as the registry opens one: the context's file name, record limit and first
    /// line number (`None` when reading resumes in the middle of a file: lines are then
    /// located by byte offset only).
    pub fn for_context(ctx: &ReaderContext) -> Self {
        Self {
            first_line: ctx.first_line,
            ..Self::new(ctx.file.clone(), ctx.options.max_record_bytes)
        }
    }

    /// The input's name.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// Calls `on_line` for each whole line in `chunk` (without its `\n` / `\r\n`; blank lines
    /// are skipped) and returns the bytes consumed.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        offset: u64,
        eof: bool,
        sink: &mut dyn EventSink,
        mut on_line: impl FnMut(&[u8], Location, &mut dyn EventSink),
    ) -> usize {
        let mut pos = 0;
        while pos < chunk.len() {
            let rest = chunk.get(pos..).unwrap_or_default();
            let nl = memchr::memchr(b'\n', rest);
            if let Some((start, so_far)) = self.skipping.take() {
                match nl {
                    Some(n) => {
                        let len = so_far + n as u64;
                        sink.bad(BadRecord {
                            location: start,
                            reason: BadReason::Oversized {
                                len,
                                limit: self.limit as u64,
                            },
                        });
                        pos += n + 1;
                    }
                    None => {
                        let len = so_far + rest.len() as u64;
                        if eof {
                            sink.bad(BadRecord {
                                location: start,
                                reason: BadReason::Oversized {
                                    len,
                                    limit: self.limit as u64,
                                },
                            });
                        } else {
                            self.skipping = Some((start, len));
                        }
                        pos = chunk.len();
                    }
                }
                continue;
            }
            let end = match nl {
                Some(n) => n,
                None if eof => rest.len(),
                None if rest.len() > self.limit => {
                    self.lines += 1;
                    self.skipping = Some((self.location(offset + pos as u64), rest.len() as u64));
                    pos = chunk.len();
                    continue;
                }
                None => break,
            };
            self.lines += 1;
            let location = self.location(offset + pos as u64);
            let mut line = rest.get(..end).unwrap_or_default();
            if let Some(stripped) = line.strip_suffix(b"\r") {
                line = stripped;
            }
            if line.len() > self.limit {
                sink.bad(BadRecord {
                    location,
                    reason: BadReason::Oversized {
                        len: line.len() as u64,
                        limit: self.limit as u64,
                    },
                });
            } else if !line.iter().all(u8::is_ascii_whitespace) {
                on_line(line, location, sink);
            }
            pos += (end + 1).min(rest.len());
        }
        pos
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            line: self.first_line.map(|f| f + self.lines.saturating_sub(1)),
            offset,
        }
    }
}

/// Decodes a line as UTF-8; invalid sequences are replaced and reported (the row is kept).
pub fn utf8_lossy<'a>(
    line: &'a [u8],
    location: &Location,
    sink: &mut dyn EventSink,
) -> Cow<'a, str> {
    match std::str::from_utf8(line) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            sink.bad(BadRecord {
                location: location.clone(),
                reason: BadReason::InvalidUtf8,
            });
            String::from_utf8_lossy(line)
        }
    }
}

/// Strips the CRI container-log prefix (`<time> stdout F `) that `kubectl logs` and node log
/// files put in front of each line of a container's output.
pub fn strip_cri_prefix(line: &str) -> &str {
    let mut parts = line.splitn(4, ' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(t), Some("stdout" | "stderr"), Some("F" | "P"), Some(rest))
            if t.len() >= 20 && t.as_bytes().get(4) == Some(&b'-') =>
        {
            rest
        }
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Row;
    use arrow::record_batch::RecordBatch;

    #[derive(Default)]
    struct Sink {
        bad: Vec<BadRecord>,
    }
    impl EventSink for Sink {
        fn row(&mut self, _: Row) {}
        fn batch(&mut self, _: &'static str, _: RecordBatch) {}
        fn bad(&mut self, bad: BadRecord) {
            self.bad.push(bad);
        }
    }

    fn run(framer: &mut LineFramer, chunks: &[(&[u8], bool)]) -> (Vec<(String, u64, u64)>, Sink) {
        let mut out = Vec::new();
        let mut sink = Sink::default();
        let mut pending: Vec<u8> = Vec::new();
        let mut offset = 0u64;
        for (chunk, eof) in chunks {
            pending.extend_from_slice(chunk);
            let used = framer.feed(&pending, offset, *eof, &mut sink, |l, loc, _| {
                out.push((
                    String::from_utf8_lossy(l).into_owned(),
                    loc.line.unwrap_or(0),
                    loc.offset,
                ));
            });
            pending.drain(..used);
            offset += used as u64;
        }
        (out, sink)
    }

    #[test]
    fn splits_across_chunks_and_keeps_partial_lines() {
        let mut f = LineFramer::new("f".into(), 100);
        let (lines, sink) = run(
            &mut f,
            &[(b"ab\r\ncd\n\nef", false), (b"gh\n", false), (b"ij", true)],
        );
        assert_eq!(
            lines,
            vec![
                ("ab".into(), 1, 0),
                ("cd".into(), 2, 4),
                ("efgh".into(), 4, 8),
                ("ij".into(), 5, 13)
            ]
        );
        assert!(sink.bad.is_empty());
    }

    #[test]
    fn oversized_lines_are_skipped_without_buffering() {
        let mut f = LineFramer::new("f".into(), 4);
        let (lines, sink) = run(
            &mut f,
            &[
                (b"ok\n0123456789", false),
                (b"abc", false),
                (b"\nyes\n", true),
            ],
        );
        assert_eq!(lines, vec![("ok".into(), 1, 0), ("yes".into(), 3, 17)]);
        assert_eq!(sink.bad.len(), 1);
        assert_eq!(sink.bad[0].location.line, Some(2));
        assert_eq!(
            sink.bad[0].reason,
            BadReason::Oversized { len: 13, limit: 4 }
        );
    }

    #[test]
    fn cri_prefix_is_stripped_only_when_present() {
        assert_eq!(
            strip_cri_prefix("2026-03-15T00:06:32.475152409Z stdout F {\"a\":1}"),
            "{\"a\":1}"
        );
        assert_eq!(strip_cri_prefix("{\"a\": 1} x y"), "{\"a\": 1} x y");
        assert_eq!(strip_cri_prefix("short stdout F x"), "short stdout F x");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let mut sink = Sink::default();
        let loc = Location {
            file: "f".into(),
            line: Some(1),
            offset: 0,
        };
        assert_eq!(utf8_lossy(b"caf\xe9", &loc, &mut sink), "caf\u{fffd}");
        assert_eq!(sink.bad[0].reason, BadReason::InvalidUtf8);
    }
}
