//! Tetragon JSON export (one event per line, `tetragon.log` or the `export-stdout`
//! container's output, with or without the CRI log prefix) → `DeviceProcessEvents` from
//! `process_exec`, `DeviceNetworkEvents` from `tcp_connect` kprobes (telemetry-formats §6.1,
//! §7.6, §7.8).
//!
//! The exec event names its parent itself (binary, arguments, pid), so the process table is
//! needed only for the grandparent when Tetragon runs without `--enable-ancestors`; every
//! exec and the parent it names are recorded for that, keyed by `exec_id`, and
//! `process_exit` expires them. Tetragon already reports an exec without fork the Defender
//! way (the parent is the pre-exec image, same pid), so nothing is rewritten.
//!
//! `ProcessCommandLine` is `binary` + `arguments`: Tetragon omits argv\[0\] and wraps
//! arguments containing spaces in `"…"`; that form is kept. A `tcp_connect` kprobe fires as
//! the SYN leaves, before the outcome is known; like auditd's in-progress connect it is
//! reported as `ConnectionSuccess`. Other event types and kprobes are unsupported, by design.

use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::lines::{DEFAULT_LINE_LIMIT, LineFramer, strip_cri_prefix, utf8_lossy};
use crate::mapping::{self, CompiledMapping, MappingError, basename, parse_time};
use crate::process_table::{self, ParentLink, ProcessInfo, ProcessKey, SharedProcessTable};
use crate::record::{BadReason, BadRecord, Location};
use memchr::memmem;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "tetragon";

/// True when the first bytes look like Tetragon's JSON export.
pub fn sniff(head: &[u8]) -> bool {
    let has = |n: &[u8]| memmem::find(head, n).is_some();
    (has(b"{\"process_exec\":") || has(b"{\"process_exit\":") || has(b"{\"process_kprobe\":"))
        && has(b"\"exec_id\"")
}

/// Registry confidence: the event-type keys are Tetragon's own.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(90)
}

/// Opens a reader as the registry does, on the run's shared process table.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(TetragonReader {
        framer: LineFramer::for_context(ctx),
        state: State::new(ctx.process_table.clone())?,
    }))
}

/// The registry entry. Not splittable: grandparents come from earlier lines.
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

/// Reads Tetragon's JSON export.
#[derive(Debug)]
pub struct TetragonReader {
    framer: LineFramer,
    state: State,
}

#[derive(Debug)]
struct State {
    mapping: &'static CompiledMapping,
    table: SharedProcessTable,
}

impl TetragonReader {
    /// A reader for `file`, sharing the run's process table.
    pub fn new(file: Arc<str>, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            framer: LineFramer::new(file, DEFAULT_LINE_LIMIT),
            state: State::new(table)?,
        })
    }
}

fn s<'a>(v: &'a Json, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Json::as_str).filter(|x| !x.is_empty())
}

/// A Tetragon `Process` object as the process table keeps it.
fn info(p: &Json, node: &str) -> ProcessInfo {
    let binary = s(p, "binary").map(str::to_string);
    let command_line = binary.as_ref().map(|b| match s(p, "arguments") {
        Some(a) => format!("{b} {a}"),
        None => b.clone(),
    });
    let account_name = p
        .pointer("/user/name")
        .and_then(Json::as_str)
        .map(str::to_string);
    ProcessInfo {
        pid: p.get("pid").and_then(Json::as_i64),
        file_name: binary.as_deref().map(|b| basename(b).to_string()),
        folder_path: binary,
        command_line,
        account_domain: account_name.as_ref().map(|_| node.to_string()),
        account_name,
        creation_time: s(p, "start_time").and_then(parse_time),
    }
}

/// Derived fields for one process object (`command_line`, `account_domain`, truncation).
fn derive_process(p: &Json, node: &str) -> Map<String, Json> {
    let i = info(p, node);
    let mut d = Map::new();
    if let Some(c) = i.command_line {
        d.insert("command_line".into(), c.into());
    }
    if let Some(dom) = i.account_domain {
        d.insert("account_domain".into(), dom.into());
    }
    if s(p, "flags").is_some_and(|f| f.split_whitespace().any(|x| x == "truncArgs")) {
        d.insert("arguments_truncated".into(), true.into());
    }
    d
}

impl State {
    fn new(table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            mapping: mapping::builtin(FORMAT)?,
            table,
        })
    }

    fn line(&mut self, line: &str, location: Location, sink: &mut dyn EventSink) {
        let bad = |sink: &mut dyn EventSink, reason| {
            sink.bad(BadRecord {
                location: location.clone(),
                reason,
            })
        };
        let v: Json = match serde_json::from_str(strip_cri_prefix(line.trim())) {
            Ok(v) => v,
            Err(e) => return bad(sink, BadReason::Malformed(format!("invalid JSON: {e}"))),
        };
        let node = s(&v, "node_name").unwrap_or_default().to_string();
        let time = s(&v, "time").and_then(parse_time).unwrap_or(i64::MIN);
        let kind = ["process_exec", "process_exit", "process_kprobe"]
            .into_iter()
            .find(|k| v.get(*k).is_some());
        let Some(kind) = kind else {
            let first = v
                .as_object()
                .and_then(|m| m.keys().find(|k| k.starts_with("process_")))
                .cloned();
            return bad(
                sink,
                match first {
                    Some(k) => BadReason::Unsupported(format!("Tetragon {k} event")),
                    None => BadReason::Malformed("not a Tetragon event".into()),
                },
            );
        };
        let body = &v[kind];
        let process = body.get("process").unwrap_or(&Json::Null);
        let parent = body.get("parent").filter(|p| p.get("binary").is_some());
        let exec_id = s(process, "exec_id");
        match kind {
            "process_exit" => {
                if let Some(id) = exec_id {
                    process_table::lock(&self.table).exit_key(&ProcessKey::exec_id(id), time);
                }
            }
            "process_exec" => {
                let Some(id) = exec_id else {
                    return bad(
                        sink,
                        BadReason::Malformed("process_exec without exec_id".into()),
                    );
                };
                let lineage = {
                    let mut table = process_table::lock(&self.table);
                    let ancestor = body.pointer("/ancestors/0");
                    if let (Some(p), Some(pid)) = (parent, parent.and_then(|p| s(p, "exec_id"))) {
                        table.observe(
                            ProcessKey::exec_id(pid),
                            &node,
                            info(p, &node),
                            s(p, "parent_exec_id").map(ProcessKey::exec_id),
                            ancestor.map(|a| info(a, &node)),
                            time,
                        );
                    }
                    let link = match s(process, "parent_exec_id") {
                        Some(pk) => ParentLink::Key {
                            key: ProcessKey::exec_id(pk),
                            hint: parent.map(|p| info(p, &node)),
                        },
                        None => ParentLink::None,
                    };
                    let me = info(process, &node);
                    let ppid = parent.and_then(|p| p.get("pid")).and_then(Json::as_i64);
                    table.exec(ProcessKey::exec_id(id), &node, me, ppid, link, time)
                };
                let mut derived = derive_process(process, &node);
                if let Some(p) = parent {
                    derived.insert("parent".into(), Json::Object(derive_process(p, &node)));
                }
                let mut record = v.clone();
                if let Json::Object(m) = &mut record {
                    m.insert("derived".into(), Json::Object(derived));
                }
                self.mapping
                    .emit("process_exec", &record, &lineage, location, sink);
            }
            _ => {
                let function = s(body, "function_name").unwrap_or("?");
                if function != "tcp_connect" {
                    return bad(
                        sink,
                        BadReason::Unsupported(format!("Tetragon kprobe {function}")),
                    );
                }
                let lineage = match exec_id {
                    Some(id) => process_table::lock(&self.table)
                        .lineage_of_key(&ProcessKey::exec_id(id), time),
                    None => Default::default(),
                };
                let mut derived = derive_process(process, &node);
                if let Some(sock) = body.pointer("/args/0/sock_arg") {
                    derived.insert("sock".into(), sock.clone());
                }
                let mut record = v.clone();
                if let Json::Object(m) = &mut record {
                    m.insert("derived".into(), Json::Object(derived));
                }
                self.mapping
                    .emit("tcp_connect", &record, &lineage, location, sink);
            }
        }
    }
}

impl FormatReader for TetragonReader {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_tetragon() {
        assert!(sniff(
            b"{\"process_exec\":{\"process\":{\"exec_id\":\"x\"}}}"
        ));
        assert!(!sniff(b"{\"output\":\"x\",\"rule\":\"y\"}"));
    }
}
