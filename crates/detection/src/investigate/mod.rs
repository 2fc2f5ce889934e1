//! Investigating one alert: the process tree around it, the other process events of the
//! device in a window around it, the device's network connections in that window, and the
//! Kubernetes API-server audit entries of the pod involved.
//!
//! Every piece is a KQL query run by the engine over the same telemetry the scan read; the
//! queries are kept in [`Investigation::queries`] so an analyst can re-run or widen them.

mod render;
mod tree;

pub use render::render_text;
pub use tree::ProcessNode;

use kql_engine::format::format_datetime;
use kql_engine::{Engine, QueryOptions};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use tree::ProcRow;

/// What the investigation is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Anchor {
    /// The alert, when investigating one.
    pub alert_id: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The device (`DeviceName`).
    pub device: Option<String>,
    /// The time, in nanoseconds since the epoch.
    #[serde(skip)]
    pub time_nanos: i64,
    /// The time, as text.
    pub time: String,
    /// The process id, when the alert row has one.
    pub process_id: Option<i64>,
    /// The command line, when the alert row has one.
    pub command_line: Option<String>,
    /// Kubernetes namespace.
    pub namespace: Option<String>,
    /// Kubernetes pod.
    pub pod: Option<String>,
}

impl Anchor {
    /// The anchor of an alert, as written by `scan --format jsonl` (or a parsed [`crate::Alert`]
    /// serialised to JSON). `None` when the alert has no time.
    pub fn from_alert_json(alert: &Value) -> Option<Self> {
        let row = alert.get("row").and_then(Value::as_object);
        let entities = alert.get("entities").and_then(Value::as_object);
        let text = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let from_row = |keys: &[&str]| keys.iter().find_map(|k| text(row.and_then(|r| r.get(*k))));
        let time = text(alert.get("time")).or_else(|| from_row(&["TimeGenerated", "Timestamp"]))?;
        let time_nanos = kql_plan::parse_datetime_text(&time)?;
        let namespace =
            text(entities.and_then(|e| e.get("namespace"))).or_else(|| from_row(&["Namespace"]));
        let pod =
            text(entities.and_then(|e| e.get("pod"))).or_else(|| from_row(&["Pod", "PodName"]));
        let device = text(entities.and_then(|e| e.get("host")))
            .or_else(|| from_row(&["DeviceName"]))
            .or_else(|| match (&namespace, &pod) {
                // Exec requests are shown as processes of device "<namespace>/<pod>".
                (Some(ns), Some(p)) => Some(format!("{ns}/{p}")),
                _ => None,
            });
        Some(Self {
            alert_id: text(alert.get("id")),
            title: text(alert.get("title")),
            device,
            time_nanos,
            time: format_datetime(time_nanos),
            process_id: row.and_then(|r| r.get("ProcessId")).and_then(Value::as_i64),
            command_line: from_row(&["ProcessCommandLine", "CommandLine", "Command"]),
            namespace,
            pod,
        })
    }

    /// An anchor at a device and a time.
    pub fn at(device: &str, time_nanos: i64) -> Self {
        Self {
            device: Some(device.to_string()),
            time_nanos,
            time: format_datetime(time_nanos),
            ..Self::default()
        }
    }
}

/// A process or network event of the device, outside the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When.
    pub time: String,
    /// `ProcessCreated`, `ConnectionSuccess`, ...
    pub action: String,
    /// Process name.
    pub process: String,
    /// Process id.
    pub pid: Option<i64>,
    /// What: a command line, or `local → remote:port`.
    pub detail: String,
}

/// One API-server request about the pod (its stages folded together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// When the request was received.
    pub time: String,
    /// Its audit id.
    pub audit_id: String,
    /// `create`, `get`, ...
    pub verb: String,
    /// `pods/exec`, `pods`, ...
    pub resource: String,
    /// `namespace/name`.
    pub object: String,
    /// Who.
    pub user: String,
    /// From where.
    pub source_ip: String,
    /// With what client.
    pub user_agent: String,
    /// HTTP status of the response.
    pub code: Option<i64>,
    /// The request URI.
    pub request_uri: String,
    /// Stages logged for it.
    pub stages: Vec<String>,
}

/// Everything gathered about one alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Investigation {
    /// What it is about.
    pub anchor: Anchor,
    /// The window on each side of the anchor's time.
    pub window: String,
    /// The anchor process with its ancestors and descendants.
    pub process_tree: Option<ProcessNode>,
    /// Other process events of the device in the window.
    pub device_events: Vec<Event>,
    /// Network events of the device in the window.
    pub network: Vec<Event>,
    /// API-server requests about the pod in the window.
    pub kubernetes: Vec<AuditEntry>,
    /// What could not be found, and why.
    pub notes: Vec<String>,
    /// The KQL queries used, to re-run by hand.
    pub queries: BTreeMap<String, String>,
}

/// A KQL string literal.
fn kql_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn kql_time(nanos: i64) -> String {
    format!("datetime({})", format_datetime(nanos))
}

/// Runs a query and returns its rows as JSON objects (Kusto-formatted values).
async fn rows(engine: &Engine, text: &str, now: i64) -> Result<Vec<Map<String, Value>>, String> {
    let planned = engine.plan(text, &QueryOptions::at(now)).map_err(|e| {
        e.diagnostics()
            .first()
            .map_or_else(|| e.to_string(), |d| d.message.clone())
    })?;
    let batches = engine.collect(&planned).await.map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for b in &batches {
        for r in 0..b.num_rows() {
            let row = crate::alert::row_values(&planned.bound.columns, b, r);
            out.push(row.map(|(k, v)| (k.to_string(), v)).collect());
        }
    }
    Ok(out)
}

fn s(row: &Map<String, Value>, k: &str) -> String {
    match row.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// Gathers the investigation of `anchor` from an engine holding the telemetry.
pub async fn investigate(engine: &Engine, anchor: Anchor, window_nanos: i64) -> Investigation {
    let lo = anchor.time_nanos.saturating_sub(window_nanos);
    let hi = anchor.time_nanos.saturating_add(window_nanos);
    let mut inv = Investigation {
        window: crate::window::format_duration(window_nanos),
        anchor,
        process_tree: None,
        device_events: Vec::new(),
        network: Vec::new(),
        kubernetes: Vec::new(),
        notes: Vec::new(),
        queries: BTreeMap::new(),
    };
    let now = hi;
    if let Some(device) = inv.anchor.device.clone() {
        processes(engine, &mut inv, &device, lo, hi, now).await;
        network(engine, &mut inv, &device, lo, hi, now).await;
    } else {
        inv.notes
            .push("the alert names no device: no process tree or network events".to_string());
    }
    kubernetes(engine, &mut inv, lo, hi, now).await;
    inv
}

async fn processes(
    engine: &Engine,
    inv: &mut Investigation,
    device: &str,
    lo: i64,
    hi: i64,
    now: i64,
) {
    let q = format!(
        "DeviceProcessEvents\n| where DeviceName == {}\n| where TimeGenerated <= {}\n| project TimeGenerated, ProcessId, InitiatingProcessId, FileName, ProcessCommandLine, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessParentFileName, AccountName\n| sort by TimeGenerated asc",
        kql_str(device),
        kql_time(hi)
    );
    inv.queries.insert("processes".into(), q.clone());
    let found = match rows(engine, &q, now).await {
        Ok(r) => r,
        Err(e) => {
            inv.notes.push(format!("process events: {e}"));
            return;
        }
    };
    let procs: Vec<ProcRow> = found.iter().filter_map(ProcRow::from_row).collect();
    let t = inv.anchor.time_nanos;
    let near = |r: &ProcRow| (r.time_nanos - t).abs();
    let anchor_row = procs
        .iter()
        .enumerate()
        .filter(
            |(_, r)| match (inv.anchor.process_id, &inv.anchor.command_line) {
                (Some(pid), _) => r.pid == Some(pid),
                (None, Some(cmd)) => &r.command_line == cmd,
                // `--device` and `--time` only: the process that started then.
                (None, None) => true,
            },
        )
        .filter(|(_, r)| near(r) <= 1_000_000_000)
        .min_by_key(|(_, r)| near(r))
        .map(|(i, _)| i);
    let mut in_tree = BTreeSet::new();
    match anchor_row {
        Some(i) => {
            if let Some(tree) = tree::build(&procs, i, hi) {
                tree::members(&tree, &procs, &mut in_tree);
                inv.process_tree = Some(tree);
            }
        }
        None => inv.notes.push(format!(
            "no process event on {device} within 1s of {} matches the alert's process",
            inv.anchor.time
        )),
    }
    inv.device_events = procs
        .iter()
        .enumerate()
        .filter(|(i, r)| !in_tree.contains(i) && r.time_nanos >= lo)
        .map(|(_, r)| Event {
            time: r.time.clone(),
            action: "ProcessCreated".to_string(),
            process: r.name.clone(),
            pid: r.pid,
            detail: r.command_line.clone(),
        })
        .collect();
}

async fn network(
    engine: &Engine,
    inv: &mut Investigation,
    device: &str,
    lo: i64,
    hi: i64,
    now: i64,
) {
    let q = format!(
        "DeviceNetworkEvents\n| where DeviceName == {}\n| where TimeGenerated between ({} .. {})\n| project TimeGenerated, ActionType, InitiatingProcessFileName, InitiatingProcessId, InitiatingProcessCommandLine, LocalIP, LocalPort, RemoteIP, RemotePort\n| sort by TimeGenerated asc",
        kql_str(device),
        kql_time(lo),
        kql_time(hi)
    );
    inv.queries.insert("network".into(), q.clone());
    match rows(engine, &q, now).await {
        Ok(found) => {
            inv.network = found
                .iter()
                .map(|r| Event {
                    time: s(r, "TimeGenerated"),
                    action: s(r, "ActionType"),
                    process: s(r, "InitiatingProcessFileName"),
                    pid: r.get("InitiatingProcessId").and_then(Value::as_i64),
                    detail: format!(
                        "{}:{} → {}:{}  {}",
                        s(r, "LocalIP"),
                        s(r, "LocalPort"),
                        s(r, "RemoteIP"),
                        s(r, "RemotePort"),
                        s(r, "InitiatingProcessCommandLine")
                    ),
                })
                .collect();
        }
        Err(e) => inv.notes.push(format!("network events: {e}")),
    }
}

async fn kubernetes(engine: &Engine, inv: &mut Investigation, lo: i64, hi: i64, now: i64) {
    let pod_filter = match (&inv.anchor.namespace, &inv.anchor.pod) {
        (Some(ns), Some(pod)) => format!(
            "| where tostring(ObjectRef.namespace) == {} and tostring(ObjectRef.name) == {}\n",
            kql_str(ns),
            kql_str(pod)
        ),
        // A host alert: exec and attach requests, kept below when the command names the pod.
        _ => "| where tostring(ObjectRef.subresource) in (\"exec\", \"attach\")\n".to_string(),
    };
    let q = format!(
        "AKSAudit\n| where TimeGenerated between ({} .. {})\n{pod_filter}| extend UserName = tostring(User.username), SourceIp = tostring(SourceIps[0]), Namespace = tostring(ObjectRef.namespace), Pod = tostring(ObjectRef.name), Resource = strcat(tostring(ObjectRef.resource), iff(isempty(tostring(ObjectRef.subresource)), \"\", strcat(\"/\", tostring(ObjectRef.subresource)))), Code = toint(ResponseStatus.code)\n| project TimeGenerated, AuditId, Stage, Verb, Resource, Namespace, Pod, UserName, SourceIp, UserAgent, Code, RequestUri\n| sort by TimeGenerated asc",
        kql_time(lo),
        kql_time(hi)
    );
    inv.queries.insert("kubernetes".into(), q.clone());
    let found = match rows(engine, &q, now).await {
        Ok(r) => r,
        Err(e) => {
            inv.notes.push(format!("Kubernetes audit: {e}"));
            return;
        }
    };
    let host_alert = inv.anchor.pod.is_none();
    let words: BTreeSet<&str> = inv
        .anchor
        .command_line
        .as_deref()
        .unwrap_or_default()
        .split([' ', '/', '='])
        .collect();
    let mut by_id: BTreeMap<String, AuditEntry> = BTreeMap::new();
    let mut order = Vec::new();
    for r in &found {
        if host_alert && !words.contains(s(r, "Pod").as_str()) {
            continue;
        }
        let id = s(r, "AuditId");
        let entry = by_id.entry(id.clone()).or_insert_with(|| {
            order.push(id.clone());
            AuditEntry {
                time: s(r, "TimeGenerated"),
                audit_id: id.clone(),
                verb: s(r, "Verb"),
                resource: s(r, "Resource"),
                object: format!("{}/{}", s(r, "Namespace"), s(r, "Pod")),
                user: s(r, "UserName"),
                source_ip: s(r, "SourceIp"),
                user_agent: s(r, "UserAgent"),
                code: None,
                request_uri: s(r, "RequestUri"),
                stages: Vec::new(),
            }
        });
        entry.stages.push(s(r, "Stage"));
        if let Some(c) = r.get("Code").and_then(Value::as_i64) {
            entry.code = Some(c);
        }
    }
    inv.kubernetes = order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anchors_come_from_scan_output() {
        let a = json!({
            "id": "abc", "title": "t", "time": "2026-03-10T10:02:11.512Z",
            "entities": {"host": "node-a"},
            "row": {"ProcessCommandLine": "docker exec -it x sh"}
        });
        let anchor = Anchor::from_alert_json(&a).unwrap();
        assert_eq!(anchor.device.as_deref(), Some("node-a"));
        assert_eq!(anchor.command_line.as_deref(), Some("docker exec -it x sh"));
        assert_eq!(anchor.time, "2026-03-10T10:02:11.512Z");
        let k = json!({"time": "2026-03-10T10:12:00Z", "entities": {"namespace": "shop", "pod": "api-0"}, "row": {}});
        let anchor = Anchor::from_alert_json(&k).unwrap();
        assert_eq!(anchor.device.as_deref(), Some("shop/api-0"));
        assert!(Anchor::from_alert_json(&json!({"row": {}})).is_none());
    }

    #[test]
    fn kql_strings_are_escaped() {
        assert_eq!(kql_str(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
