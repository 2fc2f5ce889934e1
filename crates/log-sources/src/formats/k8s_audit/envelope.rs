//! The containers Kubernetes audit events arrive in, unwrapped to plain `audit.k8s.io`
//! Event objects (telemetry-formats §4, "Managed-cluster wrappers"):
//!
//! * the API server's own log: one Event per line;
//! * AKS diagnostic settings: `{"category":"kube-audit"|"kube-audit-admin","properties":{"log":
//!   <Event object or its JSON text>,"pod":…},"resourceId":…,"time":…}`, one per line in a
//!   storage export, or many in an Event Hub message's `records` array;
//! * EKS through CloudWatch Logs: the Event as the log message, either as exported
//!   (`<timestamp> <message>` lines) or in a subscription envelope (`logEvents[].message`);
//! * GKE through Cloud Logging: a `protoPayload` AuditLog entry, rebuilt into Event form as
//!   far as it carries the same facts (best effort: no request URI, so no exec arguments).

use serde_json::{Map, Value as Json, json};

/// Which Sentinel table an event belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// `kube-audit` and plain audit logs → `AKSAudit`.
    Audit,
    /// `kube-audit-admin` (AKS leaves out get/list/watch there) → `AKSAuditAdmin`.
    AuditAdmin,
}

/// One unwrapped audit event and what its wrapper said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unwrapped {
    /// The `audit.k8s.io` Event object.
    pub event: Json,
    /// Target table.
    pub category: Category,
    /// The wrapper's time, if any (AKS `time`, CloudWatch timestamp, GKE `timestamp`).
    pub wrapper_time: Option<String>,
    /// The API server pod (AKS `properties.pod`).
    pub pod: Option<String>,
    /// Azure resource id (AKS `resourceId`).
    pub resource_id: Option<String>,
}

/// What one line held.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Audit events (a wrapper may hold several).
    Events(Vec<Unwrapped>),
    /// A known container holding something that is not an audit event (another AKS log
    /// category), skipped by design.
    Unsupported(String),
    /// Not a format this reader knows.
    Unrecognized(String),
}

fn is_event(v: &Json) -> bool {
    v.get("kind").and_then(Json::as_str) == Some("Event")
        && v.get("apiVersion")
            .and_then(Json::as_str)
            .is_some_and(|a| a.starts_with("audit.k8s.io/"))
}

fn plain(event: Json, wrapper_time: Option<String>) -> Unwrapped {
    Unwrapped {
        event,
        category: Category::Audit,
        wrapper_time,
        pod: None,
        resource_id: None,
    }
}

fn str_field(v: &Json, key: &str) -> Option<String> {
    v.get(key).and_then(Json::as_str).map(str::to_string)
}

/// An AKS diagnostic record (`category` + `properties.log`).
fn aks(record: &Json) -> Result<Unwrapped, Line> {
    let category = match record.get("category").and_then(Json::as_str) {
        Some("kube-audit") => Category::Audit,
        Some("kube-audit-admin") => Category::AuditAdmin,
        Some(other) => return Err(Line::Unsupported(format!("AKS log category {other}"))),
        None => {
            return Err(Line::Unrecognized(
                "diagnostic record without a category".into(),
            ));
        }
    };
    let props = record.get("properties");
    let log = props.and_then(|p| p.get("log"));
    let event = match log {
        Some(Json::String(text)) => serde_json::from_str::<Json>(text)
            .map_err(|e| Line::Unrecognized(format!("properties.log is not JSON: {e}")))?,
        Some(obj @ Json::Object(_)) => obj.clone(),
        _ => {
            return Err(Line::Unrecognized(
                "AKS record without properties.log".into(),
            ));
        }
    };
    if !is_event(&event) {
        return Err(Line::Unrecognized(
            "properties.log is not an audit.k8s.io Event".into(),
        ));
    }
    Ok(Unwrapped {
        event,
        category,
        wrapper_time: str_field(record, "time"),
        pod: props.and_then(|p| str_field(p, "pod")),
        resource_id: str_field(record, "resourceId"),
    })
}

/// A CloudWatch message: the Event's JSON text.
fn cloudwatch_message(message: &str, time: Option<String>) -> Result<Unwrapped, Line> {
    let event: Json = serde_json::from_str(message)
        .map_err(|e| Line::Unrecognized(format!("CloudWatch message is not JSON: {e}")))?;
    if is_event(&event) {
        Ok(plain(event, time))
    } else {
        Err(Line::Unrecognized(
            "CloudWatch message is not an audit.k8s.io Event".into(),
        ))
    }
}

/// `core/v1/namespaces/<ns>/pods/<name>/exec` (or `apps/v1/…`) → an Event `objectRef`.
fn object_ref(resource_name: &str) -> Json {
    let parts: Vec<&str> = resource_name.split('/').collect();
    let mut r = Map::new();
    let (group, version, rest) = match parts.as_slice() {
        [g, v, rest @ ..] => (*g, *v, rest),
        _ => return Json::Object(r),
    };
    r.insert(
        "apiGroup".into(),
        if group == "core" { "" } else { group }.into(),
    );
    r.insert("apiVersion".into(), version.into());
    let rest = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => {
            r.insert("namespace".into(), (*ns).into());
            tail
        }
        other => other,
    };
    let keys = ["resource", "name", "subresource"];
    for (k, v) in keys.iter().zip(rest) {
        r.insert((*k).into(), (*v).into());
    }
    Json::Object(r)
}

/// A GKE Cloud Audit Logs entry for the Kubernetes API (`protoPayload.serviceName` `k8s.io`).
fn gke(entry: &Json) -> Result<Unwrapped, Line> {
    let p = entry
        .get("protoPayload")
        .ok_or(Line::Unrecognized("no protoPayload".into()))?;
    if p.get("serviceName").and_then(Json::as_str) != Some("k8s.io") {
        return Err(Line::Unsupported(
            "Cloud Audit Logs entry of another service".into(),
        ));
    }
    let method = p
        .get("methodName")
        .and_then(Json::as_str)
        .unwrap_or_default();
    // io.k8s.core.v1.pods.exec.create → verb `create`.
    let verb = method.rsplit('.').next().unwrap_or_default();
    let op = entry.get("operation");
    let flag = |k: &str| {
        op.and_then(|o| o.get(k))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    // A long-running request logs a first entry when it starts and a last one when it ends.
    let stage = match (flag("first"), flag("last")) {
        (true, false) => "ResponseStarted",
        _ => "ResponseComplete",
    };
    let mut ev = Map::new();
    ev.insert("kind".into(), "Event".into());
    ev.insert("apiVersion".into(), "audit.k8s.io/v1".into());
    if let Some(id) = op.and_then(|o| o.get("id")) {
        ev.insert("auditID".into(), id.clone());
    }
    ev.insert("stage".into(), stage.into());
    ev.insert("verb".into(), verb.into());
    if let Some(email) = p.pointer("/authenticationInfo/principalEmail") {
        ev.insert("user".into(), json!({ "username": email }));
    }
    if let Some(ip) = p.pointer("/requestMetadata/callerIp") {
        ev.insert("sourceIPs".into(), json!([ip]));
    }
    if let Some(ua) = p.pointer("/requestMetadata/callerSuppliedUserAgent") {
        ev.insert("userAgent".into(), ua.clone());
    }
    if let Some(name) = p.get("resourceName").and_then(Json::as_str) {
        ev.insert("objectRef".into(), object_ref(name));
    }
    if let Some(status) = p.get("status") {
        ev.insert("responseStatus".into(), status.clone());
    }
    for (from, to) in [("request", "requestObject"), ("response", "responseObject")] {
        if let Some(v) = p.get(from) {
            ev.insert(to.into(), v.clone());
        }
    }
    if let Some(t) = entry.get("timestamp") {
        ev.insert("stageTimestamp".into(), t.clone());
    }
    if let Some(labels) = entry.get("labels") {
        ev.insert("annotations".into(), labels.clone());
    }
    Ok(plain(Json::Object(ev), str_field(entry, "timestamp")))
}

fn one(r: Result<Unwrapped, Line>) -> Line {
    match r {
        Ok(u) => Line::Events(vec![u]),
        Err(l) => l,
    }
}

/// Collects the events of a wrapper holding many records; a record that is not an audit
/// event makes the whole line unsupported only when no record is one.
fn many(items: &[Json], f: impl Fn(&Json) -> Result<Unwrapped, Line>) -> Line {
    let mut events = Vec::new();
    let mut first_problem = None;
    for it in items {
        match f(it) {
            Ok(u) => events.push(u),
            Err(l) => {
                first_problem.get_or_insert(l);
            }
        }
    }
    match (events.is_empty(), first_problem) {
        (false, _) => Line::Events(events),
        (true, Some(p)) => p,
        (true, None) => Line::Events(Vec::new()),
    }
}

/// Classifies and unwraps one line.
pub fn unwrap_line(line: &str) -> Line {
    let trimmed = line.trim();
    let (prefix_time, json_text) = if trimmed.starts_with('{') {
        (None, trimmed)
    } else {
        // CloudWatch export: `2025-03-04T10:15:10.123Z {…}`.
        match trimmed.split_once(' ') {
            Some((t, rest)) if rest.trim_start().starts_with('{') => {
                (Some(t.to_string()), rest.trim_start())
            }
            _ => return Line::Unrecognized("not a JSON object".into()),
        }
    };
    let v: Json = match serde_json::from_str(json_text) {
        Ok(v) => v,
        Err(e) => return Line::Unrecognized(format!("invalid JSON: {e}")),
    };
    if is_event(&v) {
        return Line::Events(vec![plain(v, prefix_time)]);
    }
    if v.get("category").is_some() && v.get("properties").is_some() {
        return one(aks(&v));
    }
    if let Some(Json::Array(records)) = v.get("records") {
        return many(records, aks);
    }
    if let Some(Json::Array(events)) = v.get("logEvents") {
        return many(events, |e| {
            let msg = e.get("message").and_then(Json::as_str).unwrap_or_default();
            let time = e
                .get("timestamp")
                .and_then(Json::as_i64)
                .map(|ms| crate::mapping::format_time(ms.saturating_mul(1_000_000)));
            cloudwatch_message(msg, time)
        });
    }
    if v.get("protoPayload").is_some() {
        return one(gke(&v));
    }
    Line::Unrecognized("not a Kubernetes audit event or a known wrapper".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get"}"#;

    fn events(l: Line) -> Vec<Unwrapped> {
        match l {
            Line::Events(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_and_aks_object_and_string_forms() {
        assert_eq!(events(unwrap_line(EVENT))[0].event["auditID"], "a1");
        let obj = format!(
            r#"{{"category":"kube-audit-admin","properties":{{"log":{EVENT},"pod":"kube-apiserver-1"}},"resourceId":"/SUBSCRIPTIONS/S/RG","time":"2025-03-04T10:15:10Z"}}"#
        );
        let u = &events(unwrap_line(&obj))[0];
        assert_eq!(u.category, Category::AuditAdmin);
        assert_eq!(u.pod.as_deref(), Some("kube-apiserver-1"));
        assert_eq!(u.resource_id.as_deref(), Some("/SUBSCRIPTIONS/S/RG"));
        assert_eq!(u.wrapper_time.as_deref(), Some("2025-03-04T10:15:10Z"));
        let escaped = serde_json::to_string(EVENT).unwrap();
        let s = format!(
            r#"{{"records":[{{"category":"kube-audit","properties":{{"log":{escaped}}}}},{{"category":"kube-audit","properties":{{"log":{escaped}}}}}]}}"#
        );
        let e = events(unwrap_line(&s));
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].category, Category::Audit);
        assert_eq!(
            unwrap_line(r#"{"category":"kube-apiserver","properties":{"log":"I0304 started"}}"#),
            Line::Unsupported("AKS log category kube-apiserver".into())
        );
    }

    #[test]
    fn cloudwatch_forms() {
        let u = &events(unwrap_line(&format!("2025-03-04T10:15:10.123Z {EVENT}")))[0];
        assert_eq!(u.wrapper_time.as_deref(), Some("2025-03-04T10:15:10.123Z"));
        let msg = serde_json::to_string(EVENT).unwrap();
        let env = format!(
            r#"{{"messageType":"DATA_MESSAGE","logGroup":"/aws/eks/c/cluster","logEvents":[{{"id":"1","timestamp":1741083310123,"message":{msg}}}]}}"#
        );
        let u = &events(unwrap_line(&env))[0];
        assert_eq!(u.wrapper_time.as_deref(), Some("2025-03-04T10:15:10.123Z"));
    }

    #[test]
    fn gke_entries_become_events() {
        let line = r#"{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","authenticationInfo":{"principalEmail":"dev@example.com"},"methodName":"io.k8s.core.v1.pods.exec.create","requestMetadata":{"callerIp":"203.0.113.7","callerSuppliedUserAgent":"kubectl/v1.29.3 (linux/amd64) kubernetes/6813625"},"resourceName":"core/v1/namespaces/default/pods/web/exec","serviceName":"k8s.io","status":{"code":0}},"timestamp":"2025-03-04T10:15:10.5Z","operation":{"id":"op-1","producer":"k8s.io","first":true},"labels":{"authorization.k8s.io/decision":"allow"}}"#;
        let u = &events(unwrap_line(line))[0];
        assert_eq!(
            u.event,
            json!({
                "kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "op-1",
                "stage": "ResponseStarted", "verb": "create",
                "user": {"username": "dev@example.com"}, "sourceIPs": ["203.0.113.7"],
                "userAgent": "kubectl/v1.29.3 (linux/amd64) kubernetes/6813625",
                "objectRef": {"apiGroup": "", "apiVersion": "v1", "namespace": "default",
                              "resource": "pods", "name": "web", "subresource": "exec"},
                "responseStatus": {"code": 0}, "stageTimestamp": "2025-03-04T10:15:10.5Z",
                "annotations": {"authorization.k8s.io/decision": "allow"}
            })
        );
    }

    #[test]
    fn other_lines() {
        assert!(matches!(unwrap_line("hello"), Line::Unrecognized(_)));
        assert!(matches!(unwrap_line("{\"a\":1}"), Line::Unrecognized(_)));
        assert!(matches!(
            unwrap_line("{\"kind\":\"Event\""),
            Line::Unrecognized(_)
        ));
    }
}
