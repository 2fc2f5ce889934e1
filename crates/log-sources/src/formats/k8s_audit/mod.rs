//! Kubernetes API server audit logs (`audit.k8s.io/v1` Events, plain or in the AKS, EKS and
//! GKE wrappers) → `AKSAudit` / `AKSAuditAdmin`, and the executed command of each successful
//! `pods/exec` → `DeviceProcessEvents`.
//!
//! **AKSAudit.** One row per audit event, stages kept apart: the `ResponseStarted` and
//! `ResponseComplete` events of one exec share their `AuditId` and differ in `Stage`, as in
//! Azure. `RequestUri` is kept exactly as logged. AKS's `kube-audit-admin` category goes to
//! `AKSAuditAdmin`, as Azure routes it.
//!
//! **DeviceProcessEvents.** For `pods/exec` with `verb` `create` (SPDY, kubectl ≤ 1.29) or
//! `get` (WebSocket, kubectl ≥ 1.30), the first response stage of an `auditID` whose code
//! is 101 (the upgrade succeeded: the command ran) gives one row, the decoded `command`
//! parameters being the process (§7.5). Denied (403) requests and `attach` (no new process)
//! stay in `AKSAudit` only; `RequestReceived` carries no outcome and gives no row. Columns the
//! event cannot know (pids, the initiating process's command line, the node) stay empty:
//! `DeviceName` is `<namespace>/<pod>`, the exec's target; `AccountDomain` is the namespace
//! of a `system:serviceaccount:<ns>:<name>` user and empty otherwise;
//! `InitiatingProcessFileName` is the client's user-agent product (`kubectl`), which the
//! client chooses, and `AdditionalFields.InitiatingProcessFileNameSource` says so.

pub mod envelope;
pub mod exec;

use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::lines::{DEFAULT_LINE_LIMIT, LineFramer, utf8_lossy};
use crate::mapping::{self, CompiledMapping, MappingError, basename};
use crate::process_table::Lineage;
use crate::record::{BadReason, BadRecord, Location};
use envelope::{Category, Line, Unwrapped};
use memchr::memmem;
use serde_json::{Map, Value as Json, json};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "k8s-audit";

/// How many exec `auditID`s are remembered to keep one process row per exec.
pub const SEEN_EXECS: usize = 65_536;

/// True when the first bytes look like Kubernetes audit events or one of their wrappers.
pub fn sniff(head: &[u8]) -> bool {
    let has = |needle: &[u8]| memmem::find(head, needle).is_some();
    has(b"\"apiVersion\":\"audit.k8s.io/")
        || has(b"\\\"apiVersion\\\":\\\"audit.k8s.io/")
        || has(b"\"category\":\"kube-audit")
        || (has(b"\"protoPayload\"") && has(b"\"serviceName\":\"k8s.io\""))
}

/// Registry confidence: the audit API version is the format's own signature.
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(90)
}

/// Opens a reader as the registry does.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(K8sAuditReader::with_framer(
        LineFramer::for_context(ctx),
    )?))
}

/// The registry entry. Not splittable: one process row per exec needs the stages of an
/// `auditID` read by one reader.
pub const ENTRY: FormatEntry = FormatEntry {
    name: FORMAT,
    sniff: sniff_entry,
    open,
    tables: &["AKSAudit", "AKSAuditAdmin", "DeviceProcessEvents"],
    splittable: false,
    needs_header: false,
    lineage: false,
    verbatim: None,
};

/// Reads Kubernetes audit logs.
#[derive(Debug)]
pub struct K8sAuditReader {
    framer: LineFramer,
    state: State,
}

#[derive(Debug)]
struct State {
    mapping: &'static CompiledMapping,
    /// Exec `auditID`s that already gave their process row, oldest first.
    seen: HashSet<String>,
    seen_order: VecDeque<String>,
}

impl K8sAuditReader {
    /// A reader for `file`.
    pub fn new(file: Arc<str>) -> Result<Self, MappingError> {
        Self::with_framer(LineFramer::new(file, DEFAULT_LINE_LIMIT))
    }

    fn with_framer(framer: LineFramer) -> Result<Self, MappingError> {
        Ok(Self {
            framer,
            state: State {
                mapping: mapping::builtin(FORMAT)?,
                seen: HashSet::new(),
                seen_order: VecDeque::new(),
            },
        })
    }
}

fn str_at<'a>(v: &'a Json, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Json::as_str)
}

impl State {
    fn line(&mut self, line: &str, location: Location, sink: &mut dyn EventSink) {
        match envelope::unwrap_line(line) {
            Line::Events(events) => {
                for u in events {
                    self.event(u, &location, sink);
                }
            }
            Line::Unsupported(m) => sink.bad(BadRecord {
                location,
                reason: BadReason::Unsupported(m),
            }),
            Line::Unrecognized(m) => sink.bad(BadRecord {
                location,
                reason: BadReason::Malformed(m),
            }),
        }
    }

    fn event(&mut self, u: Unwrapped, location: &Location, sink: &mut dyn EventSink) {
        let mut derived = Map::new();
        if let Some(t) = &u.wrapper_time {
            derived.insert("wrapper_time".into(), t.clone().into());
        }
        if let Some(p) = &u.pod {
            derived.insert("pod".into(), p.clone().into());
        }
        if let Some(r) = &u.resource_id {
            derived.insert("resource_id".into(), r.clone().into());
            // /SUBSCRIPTIONS/<id>/RESOURCEGROUPS/…
            let mut parts = r.split('/').filter(|s| !s.is_empty());
            if parts
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case("subscriptions"))
                && let Some(sub) = parts.next()
            {
                derived.insert("subscription_id".into(), sub.into());
            }
        }
        let exec = self.exec_row(&u.event);
        let mut record = u.event;
        let event_name = match u.category {
            Category::Audit => "audit",
            Category::AuditAdmin => "audit_admin",
        };
        if let Json::Object(m) = &mut record {
            m.insert("derived".into(), Json::Object(derived));
        }
        let none = Lineage::default();
        self.mapping
            .emit(event_name, &record, &none, location.clone(), sink);
        if let Some(exec) = exec {
            if let Json::Object(m) = &mut record {
                m.insert("derived".into(), Json::Object(exec));
            }
            self.mapping
                .emit("pod_exec", &record, &none, location.clone(), sink);
        }
    }

    /// The derived fields of the process row for a successful exec seen for the first time.
    fn exec_row(&mut self, ev: &Json) -> Option<Map<String, Json>> {
        let is_exec = str_at(ev, "/objectRef/resource") == Some("pods")
            && str_at(ev, "/objectRef/subresource") == Some("exec")
            && matches!(str_at(ev, "/verb"), Some("create" | "get"))
            && matches!(
                str_at(ev, "/stage"),
                Some("ResponseStarted" | "ResponseComplete")
            )
            && ev.pointer("/responseStatus/code").and_then(Json::as_i64) == Some(101);
        if !is_exec {
            return None;
        }
        let cmd = exec::exec_command(str_at(ev, "/requestURI")?)?;
        let audit_id = str_at(ev, "/auditID").unwrap_or_default().to_string();
        if !audit_id.is_empty() {
            if self.seen.contains(&audit_id) {
                return None;
            }
            self.seen.insert(audit_id.clone());
            self.seen_order.push_back(audit_id);
            while self.seen_order.len() > SEEN_EXECS {
                if let Some(old) = self.seen_order.pop_front() {
                    self.seen.remove(&old);
                }
            }
        }
        let mut d = Map::new();
        let argv0 = cmd.argv.first().cloned().unwrap_or_default();
        d.insert("file_name".into(), basename(&argv0).into());
        if argv0.starts_with('/') {
            d.insert("folder_path".into(), argv0.clone().into());
        }
        d.insert("command_line".into(), cmd.argv.join(" ").into());
        d.insert("argv".into(), json!(cmd.argv));
        if let Some(c) = cmd.container {
            d.insert("container".into(), c.into());
        }
        let ns = str_at(ev, "/objectRef/namespace");
        let pod = str_at(ev, "/objectRef/name");
        if let (Some(ns), Some(pod)) = (ns, pod) {
            d.insert("device_name".into(), format!("{ns}/{pod}").into());
        }
        if str_at(ev, "/userAgent").is_some_and(|ua| !ua.is_empty()) {
            d.insert(
                "initiating_process_file_name_source".into(),
                "userAgent".into(),
            );
        }
        if let Some(sa_ns) = str_at(ev, "/user/username")
            .and_then(|u| u.strip_prefix("system:serviceaccount:"))
            .and_then(|rest| rest.split(':').next())
        {
            d.insert("account_domain".into(), sa_ns.into());
        }
        Some(d)
    }
}

impl FormatReader for K8sAuditReader {
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
