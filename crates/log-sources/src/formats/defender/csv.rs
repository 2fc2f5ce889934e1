//! The advanced-hunting portal's CSV export ("Export" on a result grid).
//!
//! Observed in a real export (dafneb/defender_hunting `tests/data/advanced_hunting_test.csv`):
//! the header row holds the projected column names in order; RFC-4180 quoting (fields with
//! `,` `"` or line breaks are quoted, `"` doubled); an empty cell is null; datetimes are
//! ISO-8601 with 7 fractional digits; `AdditionalFields` is JSON text in a quoted cell.
//! A `union` exports several tables into one file with the union of their columns, so each
//! row is routed on its own (see [`super::route`]): by a `Type` column if there is one, else
//! `--table`, the path, the row's `ActionType`, then its non-empty columns.
//!
//! Header columns no table knows are ignored; an empty cell is null (`""` for strings).

use super::route::{
    DEVICE_COLUMNS, Evidence, NETWORK_COLUMNS, PROCESS_COLUMNS, Route, RouteCache, Router,
};
use super::tables::TableOutputs;
use crate::format::{EventSink, FormatReader};
use crate::formats::ReaderContext;
use crate::prefilter::{Encoding, Prefilter};
use crate::record::{BadReason, BadRecord, Location};
use memchr::memchr2;
use std::borrow::Cow;
use std::sync::Arc;
use table_schemas::TableSchema;

/// The header and what it tells about the columns.
struct Header {
    names: Vec<String>,
    type_col: Option<usize>,
    action_col: Option<usize>,
    timestamp_col: Option<usize>,
    network: Vec<usize>,
    process: Vec<usize>,
    device: Vec<usize>,
    /// Per table routed to so far: projected slot of each header column.
    slots: Vec<(&'static TableSchema, Vec<Option<usize>>)>,
}

impl Header {
    fn new(names: Vec<String>) -> Self {
        let find = |n: &str| names.iter().position(|h| h == n);
        let all = |set: &[&str]| set.iter().filter_map(|n| find(n)).collect::<Vec<_>>();
        Self {
            type_col: find("Type"),
            action_col: find("ActionType"),
            timestamp_col: find("Timestamp"),
            network: all(&NETWORK_COLUMNS),
            process: all(&PROCESS_COLUMNS),
            device: all(&DEVICE_COLUMNS),
            slots: Vec::new(),
            names,
        }
    }
}

/// Reads the portal CSV export.
pub struct CsvReader {
    file: Arc<str>,
    limit: usize,
    lines: u64,
    first_line: Option<u64>,
    header: Option<Header>,
    outs: TableOutputs,
    router: Router,
    routes: RouteCache,
    prefilter: Option<Arc<Prefilter>>,
    /// Field ranges of the current record: (start, end, quoted).
    fields: Vec<(usize, usize, bool)>,
    skipping: Option<(Location, u64, bool)>,
    last_offset: u64,
}

impl CsvReader {
    /// A reader for one input.
    pub fn new(ctx: &ReaderContext) -> Self {
        Self {
            file: ctx.file.clone(),
            limit: ctx.options.max_record_bytes,
            lines: 0,
            first_line: ctx.first_line,
            header: None,
            outs: TableOutputs::new(ctx.tables.clone(), ctx.options.batch_size),
            router: ctx.router(),
            routes: RouteCache::default(),
            prefilter: ctx.prefilter.clone().filter(|p| !p.keeps_everything()),
            fields: Vec::new(),
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

    fn bad(&self, loc: &Location, reason: BadReason, sink: &mut dyn EventSink) {
        sink.bad(BadRecord {
            location: loc.clone(),
            reason,
        });
    }

    /// Splits a record into `self.fields`; false on a quoting error.
    fn split(&mut self, rec: &str) -> bool {
        self.fields.clear();
        let b = rec.as_bytes();
        let mut i = 0;
        loop {
            if b.get(i) == Some(&b'"') {
                let start = i + 1;
                let mut j = start;
                loop {
                    match b.get(j) {
                        Some(b'"') if b.get(j + 1) == Some(&b'"') => j += 2,
                        Some(b'"') => break,
                        Some(_) => j += 1,
                        None => return false,
                    }
                }
                self.fields.push((start, j, true));
                i = j + 1;
                match b.get(i) {
                    None => return true,
                    Some(b',') => i += 1,
                    Some(_) => return false,
                }
            } else {
                let end = memchr::memchr(b',', &b[i..]).map_or(b.len(), |j| i + j);
                self.fields.push((i, end, false));
                if end == b.len() {
                    return true;
                }
                i = end + 1;
            }
        }
    }

    fn field<'a>(rec: &'a str, f: (usize, usize, bool)) -> Cow<'a, str> {
        let raw = rec.get(f.0..f.1).unwrap_or_default();
        if f.2 && raw.contains("\"\"") {
            Cow::Owned(raw.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(raw)
        }
    }

    fn record(&mut self, raw: &[u8], offset: u64, sink: &mut dyn EventSink) {
        let mut raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if offset == 0 {
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let loc = self.location(offset);
        if raw.len() > self.limit {
            let reason = BadReason::Oversized {
                len: raw.len() as u64,
                limit: self.limit as u64,
            };
            self.bad(&loc, reason, sink);
            return;
        }
        let (text, lossy) = match std::str::from_utf8(raw) {
            Ok(t) => (Cow::Borrowed(t), false),
            Err(_) => (String::from_utf8_lossy(raw), true),
        };
        if self.header.is_some()
            && let Some(p) = &self.prefilter
            && !p.may_match(text.as_bytes(), Encoding::Csv)
        {
            sink.prefiltered(1);
            return;
        }
        if !self.split(&text) {
            let reason = BadReason::Malformed("bad CSV quoting".into());
            self.bad(&loc, reason, sink);
            return;
        }
        let Some(header) = &self.header else {
            let names = (0..self.fields.len())
                .map(|i| Self::field(&text, self.fields[i]).trim().to_string())
                .collect();
            self.header = Some(Header::new(names));
            return;
        };
        if self.fields.len() != header.names.len() {
            let reason = BadReason::Malformed(format!(
                "{} fields, but the header has {}",
                self.fields.len(),
                header.names.len()
            ));
            self.bad(&loc, reason, sink);
            return;
        }
        if self.row(&text, &loc, sink) && lossy {
            self.bad(&loc, BadReason::InvalidUtf8, sink);
        }
    }

    /// Routes and appends one data row; false when it was dropped as bad.
    fn row(&mut self, text: &str, loc: &Location, sink: &mut dyn EventSink) -> bool {
        let Some(h) = &mut self.header else {
            return false;
        };
        let fields = &self.fields;
        let nonempty = |cols: &[usize]| {
            cols.iter()
                .any(|&c| fields.get(c).is_some_and(|f| f.1 > f.0))
        };
        let cell = |c: Option<usize>| {
            c.and_then(|c| fields.get(c).copied())
                .map(|f| Self::field(text, f))
                .filter(|s| !s.is_empty())
        };
        let action = cell(h.action_col);
        let ev = Evidence {
            action_type: action.as_deref(),
            has_device: nonempty(&h.device),
            has_network: nonempty(&h.network),
            has_process: nonempty(&h.process),
        };
        let route = match cell(h.type_col) {
            Some(t) => self.routes.by_name(&t),
            None => self.routes.route(&self.router, &ev),
        };
        let table = match route {
            Route::Table(t) => t,
            Route::Unsupported(name) => {
                sink.bad(BadRecord {
                    location: loc.clone(),
                    reason: BadReason::Unsupported(format!("table {name} has no kqlhunt schema")),
                });
                return true;
            }
            Route::Unknown => {
                sink.bad(BadRecord {
                    location: loc.clone(),
                    reason: BadReason::Unrecognized(
                        "cannot tell the row's table (no Type, known ActionType, process or \
                         network columns); name it with --table"
                            .into(),
                    ),
                });
                return false;
            }
        };
        let Some(oi) = self.outs.index(table) else {
            return true;
        };
        let Some(out) = self.outs.get(oi) else {
            return true;
        };
        let slots = match h.slots.iter().position(|(t, _)| std::ptr::eq(*t, table)) {
            Some(i) => &h.slots[i].1,
            None => {
                let s = h
                    .names
                    .iter()
                    .map(|n| {
                        out.builder
                            .column_index(n)
                            .and_then(|c| out.builder.slot(c))
                    })
                    .collect();
                h.slots.push((table, s));
                &h.slots[h.slots.len() - 1].1
            }
        };
        for (i, &f) in fields.iter().enumerate() {
            let Some(slot) = slots.get(i).copied().flatten() else {
                continue;
            };
            let Some(c) = out.builder.cell(slot) else {
                continue;
            };
            if f.1 == f.0 {
                c.push_null();
            } else if let Err(reason) = c.push_text(&Self::field(text, f)) {
                sink.bad(BadRecord {
                    location: loc.clone(),
                    reason,
                });
            }
        }
        if let (Some(s), Some(ts)) = (out.time_generated, cell(h.timestamp_col))
            && let Some(c) = out.builder.cell(s)
        {
            let _ = c.push_text(&ts);
        }
        out.end_row();
        self.outs.flush_if_full(oi, loc, sink);
        true
    }

    /// End of the record starting at `from`: the first `\n` outside quotes.
    fn record_end(chunk: &[u8], from: usize) -> Option<usize> {
        let mut in_quotes = false;
        let mut i = from;
        while let Some(j) = memchr2(b'"', b'\n', &chunk[i..]) {
            let at = i + j;
            if chunk[at] == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes {
                return Some(at);
            }
            i = at + 1;
        }
        None
    }
}

impl FormatReader for CsvReader {
    fn format(&self) -> &'static str {
        super::FORMAT_CSV
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        self.last_offset = offset + chunk.len() as u64;
        let mut pos = 0;
        if let Some((loc, seen, mut in_quotes)) = self.skipping.take() {
            // Step over the rest of an oversized record, keeping track of quotes.
            let mut end = None;
            for (i, &c) in chunk.iter().enumerate() {
                if c == b'"' {
                    in_quotes = !in_quotes;
                } else if c == b'\n' && !in_quotes {
                    end = Some(i);
                    break;
                }
            }
            match end {
                Some(i) => {
                    let reason = BadReason::Oversized {
                        len: seen + i as u64,
                        limit: self.limit as u64,
                    };
                    self.lines += memchr::memchr_iter(b'\n', &chunk[..=i]).count() as u64;
                    sink.bad(BadRecord {
                        location: loc,
                        reason,
                    });
                    pos = i + 1;
                }
                None => {
                    self.lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
                    let seen = seen + chunk.len() as u64;
                    if eof {
                        let reason = BadReason::Oversized {
                            len: seen,
                            limit: self.limit as u64,
                        };
                        sink.bad(BadRecord {
                            location: loc,
                            reason,
                        });
                    } else {
                        self.skipping = Some((loc, seen, in_quotes));
                    }
                    return chunk.len();
                }
            }
        }
        while pos < chunk.len() {
            match Self::record_end(chunk, pos) {
                Some(end) => {
                    self.record(&chunk[pos..end], offset + pos as u64, sink);
                    self.lines += 1 + memchr::memchr_iter(b'\n', &chunk[pos..end]).count() as u64;
                    pos = end + 1;
                }
                None if eof => {
                    self.record(&chunk[pos..], offset + pos as u64, sink);
                    return chunk.len();
                }
                None if chunk.len() - pos > self.limit => {
                    let rest = &chunk[pos..];
                    let in_quotes = memchr::memchr_iter(b'"', rest).count() % 2 == 1;
                    let loc = self.location(offset + pos as u64);
                    self.lines += memchr::memchr_iter(b'\n', rest).count() as u64;
                    self.skipping = Some((loc, rest.len() as u64, in_quotes));
                    return chunk.len();
                }
                None => return pos,
            }
        }
        pos
    }

    fn finish(&mut self, sink: &mut dyn EventSink) {
        let at = self.location(self.last_offset);
        self.outs.flush_all(&at, sink);
    }
}
