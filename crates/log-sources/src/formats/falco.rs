//! Falco JSON alerts (`json_output: true`, one alert per line; falcosidekick's `uuid` and the
//! CRI container-log prefix accepted) → `DeviceProcessEvents` (telemetry-formats §6.2,
//! §7.7).
//!
//! Falco emits alerts, not every exec: only processes some rule flagged appear, and only
//! with the fields that rule's `output` names (`output_fields`), so many columns stay empty
//! from one alert to the next. An alert becomes a process row when it is about a process
//! start: `evt.type` `execve`/`execveat`, or no `evt.type` in the output but process fields
//! present (the spawned-process rules of older Falco outputs). Alerts on other system calls,
//! `k8s_audit` alerts (the Kubernetes audit log itself is the better source) and Falco's
//! text lines are unsupported, by design. No process table: alerts are too sparse to build
//! lineage from.

use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::lines::{DEFAULT_LINE_LIMIT, LineFramer, strip_cri_prefix, utf8_lossy};
use crate::mapping::{self, CompiledMapping, MappingError};
use crate::process_table::Lineage;
use crate::record::{BadReason, BadRecord, Location};
use memchr::memmem;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "falco";

/// True when the first bytes look like Falco JSON alerts.
pub fn sniff(head: &[u8]) -> bool {
    let has = |n: &[u8]| memmem::find(head, n).is_some();
    has(b"\"output\":") && has(b"\"rule\":") && has(b"\"priority\":")
}

/// Registry confidence: the alert keys are Falco's, but generic words.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(75)
}

/// Opens a reader as the registry does.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(FalcoReader {
        framer: LineFramer::for_context(ctx),
        mapping: mapping::builtin(FORMAT)?,
    }))
}

/// The registry entry. Splittable: every alert stands alone.
pub const ENTRY: FormatEntry = FormatEntry {
    name: FORMAT,
    sniff: sniff_entry,
    open,
    tables: &["DeviceProcessEvents"],
    splittable: true,
    needs_header: false,
    lineage: false,
    verbatim: None,
};

/// Reads Falco JSON alerts.
#[derive(Debug)]
pub struct FalcoReader {
    framer: LineFramer,
    mapping: &'static CompiledMapping,
}

impl FalcoReader {
    /// A reader for `file`.
    pub fn new(file: Arc<str>) -> Result<Self, MappingError> {
        Ok(Self {
            framer: LineFramer::new(file, DEFAULT_LINE_LIMIT),
            mapping: mapping::builtin(FORMAT)?,
        })
    }
}

/// Output-field keys that describe the process.
const PROCESS_FIELDS: &[&str] = &["proc.cmdline", "proc.name", "proc.exepath", "proc.exeline"];

fn alert(mapping: &CompiledMapping, line: &str, location: Location, sink: &mut dyn EventSink) {
    let bad = |sink: &mut dyn EventSink, reason| {
        sink.bad(BadRecord {
            location: location.clone(),
            reason,
        })
    };
    let text = strip_cri_prefix(line.trim());
    if !text.starts_with('{') {
        return bad(
            sink,
            BadReason::Unsupported("not a Falco JSON alert (Falco's text output?)".into()),
        );
    }
    let v: Json = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return bad(sink, BadReason::Malformed(format!("invalid JSON: {e}"))),
    };
    if v.get("rule").is_none() || v.get("output").is_none() {
        return bad(
            sink,
            BadReason::Malformed("JSON without `rule` and `output`".into()),
        );
    }
    let source = v.get("source").and_then(Json::as_str).unwrap_or("syscall");
    if source != "syscall" {
        return bad(
            sink,
            BadReason::Unsupported(format!("Falco {source} alert")),
        );
    }
    let fields = v.get("output_fields").and_then(Json::as_object);
    let evt_type = fields
        .and_then(|f| f.get("evt.type"))
        .and_then(Json::as_str);
    let has_process = fields.is_some_and(|f| {
        PROCESS_FIELDS
            .iter()
            .any(|k| f.get(*k).is_some_and(|x| !x.is_null()))
    });
    match evt_type {
        Some("execve" | "execveat") => {}
        None if has_process => {}
        Some(other) => {
            return bad(
                sink,
                BadReason::Unsupported(format!("Falco alert on {other}")),
            );
        }
        None => {
            return bad(
                sink,
                BadReason::Unsupported("Falco alert without process fields".into()),
            );
        }
    }
    let mut derived = Map::new();
    let user_known = fields
        .and_then(|f| f.get("user.name"))
        .and_then(Json::as_str)
        .is_some_and(|u| !u.is_empty() && u != "<NA>");
    if user_known && let Some(h) = v.get("hostname").and_then(Json::as_str) {
        derived.insert("account_domain".into(), h.into());
    }
    let mut record = v;
    if let Json::Object(m) = &mut record {
        m.insert("derived".into(), Json::Object(derived));
    }
    mapping.emit("alert", &record, &Lineage::default(), location, sink);
}

impl FormatReader for FalcoReader {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        let mapping = self.mapping;
        self.framer
            .feed(chunk, offset, eof, sink, |line, location, sink| {
                let text = utf8_lossy(line, &location, sink);
                alert(mapping, &text, location, sink);
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_falco_alerts() {
        assert!(sniff(
            br#"{"output":"x","priority":"Notice","rule":"r","time":"t"}"#
        ));
        assert!(!sniff(br#"{"process_exec":{}}"#));
    }
}
