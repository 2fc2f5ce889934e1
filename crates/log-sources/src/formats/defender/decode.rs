//! JSON record → table row, straight into the Arrow builders.
//!
//! One decoder understands every JSON shape the Defender and Sentinel exports use, because
//! a file does not announce which it holds and one Event Hub capture may mix them:
//!
//! * an advanced-hunting row, flat: `{"Timestamp":…,"DeviceName":…,…}` (API style), or a
//!   Sentinel data-export row with `TenantId`, `TimeGenerated` and `Type`;
//! * a streaming-API record: `{"time","tenantId","category","properties":{row}}`;
//! * an Event Hub message: `{"records":[record, …]}`;
//! * a JSON array of any of these.
//!
//! The record is scanned once. Values of keys the request does not read are stepped over
//! without being decoded; the rest are kept as token ranges until the table is known
//! (`category` or `Type` may come last), then converted into that table's builders.

use super::keys::{KeyId, KeyIndex};
use super::route::{Evidence, Route, RouteCache, Router};
use super::tables::TableOutputs;
use crate::format::EventSink;
use crate::json::scan::{Kind, ScanError, Scanner, Token, unescape};
use crate::options::TableRequest;
use crate::prefilter::{Encoding, Prefilter};
use crate::record::{BadReason, BadRecord, Location};
use std::borrow::Cow;
use std::sync::Arc;
use table_schemas::builtin_table;

// Keys with a role, interned first so their ids are these constants.
const K_RECORDS: KeyId = 0;
const K_CATEGORY: KeyId = 1;
const K_PROPERTIES: KeyId = 2;
const K_TENANT_ENVELOPE: KeyId = 3;
const K_TYPE: KeyId = 4;
const K_ACTION: KeyId = 5;
const K_TIMESTAMP: KeyId = 6;
const FIXED: [&str; 16] = [
    "records",
    "category",
    "properties",
    "tenantId",
    "Type",
    "ActionType",
    "Timestamp",
    // Evidence columns (see `route`).
    "RemoteIP",
    "RemotePort",
    "LocalIP",
    "LocalPort",
    "RemoteUrl",
    "ProcessCommandLine",
    "ProcessId",
    "DeviceName",
    "DeviceId",
];
const K_NETWORK: std::ops::Range<KeyId> = 7..12;
const K_PROCESS: std::ops::Range<KeyId> = 12..14;
const K_DEVICE: std::ops::Range<KeyId> = 14..16;

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Rows were produced (a batch message produces several).
    Rows(usize),
    /// Nothing to produce: prefiltered, not requested, or skipped by design.
    Skipped,
    /// The record was reported as bad and dropped.
    Bad,
}

#[derive(Clone, Copy)]
struct Pending {
    key: KeyId,
    tok: Token,
    /// 0 = the record, 1 = inside `properties`.
    level: u8,
}

/// Shape of a scanned object.
enum Shape {
    Row { envelope: bool },
    Batch,
}

/// Decodes JSON records into the tables of a [`TableRequest`].
pub struct JsonDecoder {
    keys: KeyIndex,
    outs: TableOutputs,
    router: Router,
    routes: RouteCache,
    prefilter: Option<Arc<Prefilter>>,
    pending: Vec<Pending>,
    elements: Vec<(usize, usize)>,
    scratch: String,
    lower: Vec<u8>,
    prefiltered: u64,
}

impl JsonDecoder {
    /// A decoder for `request`, routing unnamed rows with `router`.
    pub fn new(
        request: Arc<TableRequest>,
        batch_size: usize,
        router: Router,
        prefilter: Option<Arc<Prefilter>>,
    ) -> Self {
        let req = request.clone();
        let interesting: Box<dyn Fn(&str) -> bool + Send> = Box::new(move |key: &str| {
            FIXED.contains(&key)
                || match req.names() {
                    None => true,
                    Some(mut names) => names.any(|t| {
                        builtin_table(t).is_some_and(|schema| req.reads_column(schema, key))
                    }),
                }
        });
        Self {
            keys: KeyIndex::new(&FIXED, interesting),
            outs: TableOutputs::new(request, batch_size),
            router,
            routes: RouteCache::default(),
            prefilter: prefilter.filter(|p| !p.keeps_everything()),
            pending: Vec::with_capacity(128),
            elements: Vec::new(),
            scratch: String::new(),
            lower: Vec::new(),
            prefiltered: 0,
        }
    }

    /// Records dropped by the prefilter so far; the count is reset.
    pub fn take_prefiltered(&mut self) -> u64 {
        std::mem::take(&mut self.prefiltered)
    }

    /// Sends every partial batch on.
    pub fn flush(&mut self, at: &Location, sink: &mut dyn EventSink) {
        self.outs.flush_all(at, sink);
    }

    /// Decodes one complete JSON text (an object or an array of objects).
    pub fn decode(&mut self, text: &str, at: &Location, sink: &mut dyn EventSink) -> Outcome {
        self.decode_at(text, at, sink, 0)
    }

    /// [`Self::decode`] for a text the caller has already offered to the prefilter (the
    /// elements of a batch message are still offered one by one).
    pub fn decode_unfiltered(
        &mut self,
        text: &str,
        at: &Location,
        sink: &mut dyn EventSink,
    ) -> Outcome {
        self.decode_checked(text, at, sink, 0)
    }

    fn decode_at(
        &mut self,
        text: &str,
        at: &Location,
        sink: &mut dyn EventSink,
        depth: u8,
    ) -> Outcome {
        if let Some(p) = &self.prefilter
            && !p.may_match_with(text.as_bytes(), Encoding::Json, &mut self.lower)
        {
            self.prefiltered += 1;
            return Outcome::Skipped;
        }
        self.decode_checked(text, at, sink, depth)
    }

    fn decode_checked(
        &mut self,
        text: &str,
        at: &Location,
        sink: &mut dyn EventSink,
        depth: u8,
    ) -> Outcome {
        let mut s = Scanner::new(text);
        let shape = match s.peek() {
            Some(b'{') => self.scan_object(text, &mut s, depth),
            Some(b'[') if depth == 0 => self.scan_elements(text, &mut s).map(|()| Shape::Batch),
            _ => Err(ScanError {
                message: "expected a JSON object",
                at: s.pos(),
            }),
        };
        let shape = shape.and_then(|sh| {
            if s.at_end() {
                Ok(sh)
            } else {
                Err(ScanError {
                    message: "unexpected data after the record",
                    at: s.pos(),
                })
            }
        });
        match shape {
            Ok(Shape::Row { envelope }) => self.emit_row(text, envelope, at, sink),
            Ok(Shape::Batch) => self.decode_elements(text, at, sink, depth),
            Err(e) => {
                sink.bad(BadRecord {
                    location: at.clone(),
                    reason: BadReason::Malformed(e.to_string()),
                });
                Outcome::Bad
            }
        }
    }

    fn decode_elements(
        &mut self,
        text: &str,
        at: &Location,
        sink: &mut dyn EventSink,
        depth: u8,
    ) -> Outcome {
        let elements = std::mem::take(&mut self.elements);
        let mut rows = 0;
        let mut any_bad = false;
        for &(start, end) in &elements {
            let loc = Location {
                offset: at.offset + start as u64,
                ..at.clone()
            };
            let Some(sub) = text.get(start..end) else {
                continue;
            };
            match self.decode_at(sub, &loc, sink, depth + 1) {
                Outcome::Rows(n) => rows += n,
                Outcome::Bad => any_bad = true,
                Outcome::Skipped => {}
            }
        }
        self.elements = elements;
        self.elements.clear();
        match (rows, any_bad) {
            (0, true) => Outcome::Bad,
            (0, false) => Outcome::Skipped,
            (n, _) => Outcome::Rows(n),
        }
    }

    /// Interns a key token.
    #[inline]
    fn key_id(&mut self, text: &str, k: Token, level: usize, pos: usize) -> KeyId {
        match k.kind {
            Kind::String { escaped: true } => {
                let mut owned = String::new();
                if unescape(k.text(text), &mut owned).is_err() {
                    return super::keys::UNKNOWN_KEY;
                }
                self.keys.lookup_unguessed(&owned)
            }
            _ => self.keys.lookup(level, pos, k.text(text)),
        }
    }

    fn scan_object(
        &mut self,
        text: &str,
        s: &mut Scanner<'_>,
        depth: u8,
    ) -> Result<Shape, ScanError> {
        self.pending.clear();
        self.elements.clear();
        let mut envelope = false;
        let mut batch = false;
        if s.open(b'{', b'}')? {
            return Ok(Shape::Row { envelope });
        }
        let mut pos = 0;
        loop {
            let k = s.key()?;
            let id = self.key_id(text, k, 0, pos);
            match id {
                K_RECORDS if depth == 0 && s.peek() == Some(b'[') => {
                    self.scan_elements(text, s)?;
                    batch = true;
                }
                K_PROPERTIES if s.peek() == Some(b'{') => {
                    self.scan_properties(text, s)?;
                    envelope = true;
                }
                _ => {
                    let tok = s.value()?;
                    if self.keys.interesting(id) {
                        self.pending.push(Pending {
                            key: id,
                            tok,
                            level: 0,
                        });
                    }
                }
            }
            pos += 1;
            if !s.next_or_close(b'}')? {
                break;
            }
        }
        Ok(if batch {
            Shape::Batch
        } else {
            Shape::Row { envelope }
        })
    }

    fn scan_properties(&mut self, text: &str, s: &mut Scanner<'_>) -> Result<(), ScanError> {
        if s.open(b'{', b'}')? {
            return Ok(());
        }
        let mut pos = 0;
        loop {
            let k = s.key()?;
            let id = self.key_id(text, k, 1, pos);
            let tok = s.value()?;
            if self.keys.interesting(id) {
                self.pending.push(Pending {
                    key: id,
                    tok,
                    level: 1,
                });
            }
            pos += 1;
            if !s.next_or_close(b'}')? {
                return Ok(());
            }
        }
    }

    fn scan_elements(&mut self, _text: &str, s: &mut Scanner<'_>) -> Result<(), ScanError> {
        self.elements.clear();
        if s.open(b'[', b']')? {
            return Ok(());
        }
        loop {
            let v = s.value()?;
            if v.kind != Kind::Object {
                return Err(ScanError {
                    message: "expected an object in the array",
                    at: v.start,
                });
            }
            self.elements.push((v.start, v.end));
            if !s.next_or_close(b']')? {
                return Ok(());
            }
        }
    }

    fn emit_row(
        &mut self,
        text: &str,
        envelope: bool,
        at: &Location,
        sink: &mut dyn EventSink,
    ) -> Outcome {
        let level = u8::from(envelope);
        let mut category = None;
        let mut type_name = None;
        let mut ev = Evidence::default();
        let mut action = None;
        for p in &self.pending {
            let non_empty = !matches!(p.tok.kind, Kind::Null) && p.tok.end > p.tok.start;
            match p.key {
                K_CATEGORY if envelope && p.level == 0 => category = Some(p.tok),
                _ if p.level != level || !non_empty => {}
                K_TYPE => type_name = Some(p.tok),
                K_ACTION => action = Some(p.tok),
                k if K_NETWORK.contains(&k) => ev.has_network = true,
                k if K_PROCESS.contains(&k) => ev.has_process = true,
                k if K_DEVICE.contains(&k) => ev.has_device = true,
                _ => {}
            }
        }
        let action_text = action.map(|t| token_string(t, text));
        ev.action_type = action_text.as_deref().filter(|a| !a.is_empty());
        let route = match (category, type_name) {
            (Some(c), _) => self.routes.by_name(&token_string(c, text)),
            (None, Some(t)) => self.routes.by_name(&token_string(t, text)),
            (None, None) => self.routes.route(&self.router, &ev),
        };
        let table = match route {
            Route::Table(t) => t,
            Route::Unsupported(name) => {
                sink.bad(BadRecord {
                    location: at.clone(),
                    reason: BadReason::Unsupported(format!("table {name} has no kqlhunt schema")),
                });
                return Outcome::Skipped;
            }
            Route::Unknown => {
                sink.bad(BadRecord {
                    location: at.clone(),
                    reason: BadReason::Unrecognized(
                        "cannot tell the record's table (no category, Type, known ActionType, \
                         process or network columns); name it with --table"
                            .into(),
                    ),
                });
                return Outcome::Bad;
            }
        };
        let Some(oi) = self.outs.index(table) else {
            return Outcome::Skipped;
        };
        let Some(out) = self.outs.get(oi) else {
            return Outcome::Skipped;
        };
        let mut timestamp = None;
        let mut tenant = None;
        for p in &self.pending {
            if p.level == 0 && p.key == K_TENANT_ENVELOPE && envelope {
                tenant = Some(p.tok);
                continue;
            }
            if p.level != level {
                continue;
            }
            if p.key == K_TIMESTAMP {
                timestamp = Some(p.tok);
            }
            let Some(slot) = out.slot_for(p.key, self.keys.name(p.key)) else {
                continue;
            };
            if let Some(cell) = out.builder.cell(slot)
                && let Err(reason) = cell.push_json(p.tok, text, &mut self.scratch)
            {
                sink.bad(BadRecord {
                    location: at.clone(),
                    reason,
                });
            }
        }
        // Derived cells; a bad Timestamp was reported above already.
        for (slot, tok) in [(out.time_generated, timestamp), (out.tenant, tenant)] {
            if let (Some(s), Some(t)) = (slot, tok)
                && let Some(cell) = out.builder.cell(s)
            {
                let _ = cell.push_json(t, text, &mut self.scratch);
            }
        }
        out.end_row();
        self.outs.flush_if_full(oi, at, sink);
        Outcome::Rows(1)
    }
}

/// A string token's value (unescaped if needed); other tokens as written.
fn token_string(t: Token, text: &str) -> Cow<'_, str> {
    let raw = t.text(text);
    match t.kind {
        Kind::String { escaped: true } => {
            let mut s = String::new();
            match unescape(raw, &mut s) {
                Ok(()) => Cow::Owned(s),
                Err(_) => Cow::Borrowed(raw),
            }
        }
        _ => Cow::Borrowed(raw),
    }
}
