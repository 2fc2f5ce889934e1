//! Evaluates a compiled mapping over one source record.
//!
//! The record is a JSON object the reader built; lookups read the [`Lineage`] the reader got
//! from the process table. Every value ends converted to its column's KQL type; a value that
//! does not convert leaves its cell empty and is reported as a wrong-typed cell, so one odd
//! field never costs the whole row.

use super::transform::{TransformError, format_time, parse_time, text};
use super::{Attr, Slot, Spec};
use crate::format::EventSink;
use crate::process_table::{Lineage, ProcessInfo};
use crate::record::{BadReason, BadRecord, Location, Row, Value};
use kql_syntax::ScalarType;

/// A compiled mapping file: one [`EventMapping`] per kind of event the source has.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledMapping {
    /// Source name (`sysmon-linux`).
    pub source: String,
    /// The event kinds, in file order.
    pub events: Vec<EventMapping>,
}

impl CompiledMapping {
    /// The mapping for one kind of event.
    pub fn event(&self, name: &str) -> Option<&EventMapping> {
        self.events.iter().find(|e| e.event == name)
    }

    /// Maps `record` as event kind `event` and hands the row, and a report for each cell
    /// that could not be filled, to `sink`. An event kind the file does not map is reported
    /// as unsupported.
    pub fn emit(
        &self,
        event: &str,
        record: &serde_json::Value,
        lineage: &Lineage,
        location: Location,
        sink: &mut dyn EventSink,
    ) {
        let Some(m) = self.event(event) else {
            sink.bad(BadRecord {
                location,
                reason: BadReason::Unsupported(format!("{}: no mapping for {event}", self.source)),
            });
            return;
        };
        let out = m.map(record, lineage, location);
        for reason in out.problems {
            sink.bad(BadRecord {
                location: out.row.location.clone(),
                reason,
            });
        }
        sink.row(out.row);
    }
}

/// How one kind of event becomes a row of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMapping {
    /// Event kind (`process_create`).
    pub event: String,
    /// Target table.
    pub table: &'static str,
    pub(crate) columns: Vec<CompiledColumn>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledColumn {
    pub(crate) name: &'static str,
    pub(crate) ty: ScalarType,
    pub(crate) spec: Spec,
}

/// A mapped row and the problems met on the way (cells left empty).
#[derive(Debug, Clone, PartialEq)]
pub struct MappedRow {
    /// The row.
    pub row: Row,
    /// One [`BadReason::WrongType`] per cell that could not be filled.
    pub problems: Vec<BadReason>,
}

impl EventMapping {
    /// The columns this mapping fills.
    pub fn column_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.name)
    }

    /// Maps one record.
    pub fn map(
        &self,
        record: &serde_json::Value,
        lineage: &Lineage,
        location: Location,
    ) -> MappedRow {
        let mut row = Row::new(self.table, location);
        let mut problems = Vec::new();
        for c in &self.columns {
            let v = eval(&c.spec, record, lineage).and_then(|v| coerce(v, c.ty));
            match v {
                Ok(Value::Null) => {}
                Ok(v) => row.set(c.name, v),
                Err(e) => problems.push(BadReason::WrongType {
                    column: c.name.to_string(),
                    expected: c.ty.as_str(),
                    found: e.found,
                }),
            }
        }
        MappedRow { row, problems }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Dynamic(serde_json::Value::Null) => true,
        _ => false,
    }
}

fn apply_all(mut v: Value, via: &[super::Transform]) -> Result<Value, TransformError> {
    for t in via {
        v = t.apply(v)?;
    }
    Ok(v)
}

fn eval(
    spec: &Spec,
    record: &serde_json::Value,
    lineage: &Lineage,
) -> Result<Value, TransformError> {
    match spec {
        Spec::Field(path, via) => {
            let v = get_path(record, path)
                .map(json_to_value)
                .unwrap_or(Value::Null);
            apply_all(v, via)
        }
        Spec::Const(c, via) => apply_all(json_to_value(c), via),
        Spec::Lookup(slot, attr, via) => apply_all(lookup(lineage, *slot, *attr), via),
        Spec::First(specs, via) => {
            let mut first_err = None;
            for s in specs {
                match eval(s, record, lineage) {
                    Ok(v) if !is_empty(&v) => return apply_all(v, via),
                    Ok(_) => {}
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            match first_err {
                Some(e) => Err(e),
                None => Ok(Value::Null),
            }
        }
        Spec::Join(specs, sep, via) => {
            let mut parts = Vec::new();
            for s in specs {
                let v = eval(s, record, lineage)?;
                if !is_empty(&v) {
                    parts.push(text(&v));
                }
            }
            if parts.is_empty() {
                return Ok(Value::Null);
            }
            apply_all(Value::String(parts.join(sep)), via)
        }
        Spec::Object(fields) => {
            let mut obj = serde_json::Map::new();
            for (k, s) in fields {
                let v = eval(s, record, lineage)?;
                if !is_empty(&v) {
                    obj.insert(k.clone(), value_to_json(v));
                }
            }
            Ok(if obj.is_empty() {
                Value::Null
            } else {
                Value::Dynamic(serde_json::Value::Object(obj))
            })
        }
    }
}

fn lookup(lineage: &Lineage, slot: Slot, attr: Attr) -> Value {
    let p: Option<&ProcessInfo> = match slot {
        Slot::Process => lineage.process.as_ref(),
        Slot::Parent => lineage.parent.as_ref(),
        Slot::Grandparent => lineage.grandparent.as_ref(),
    };
    if attr == Attr::Seen {
        return Value::Bool(p.is_some());
    }
    let Some(p) = p else {
        return Value::Null;
    };
    let s = |o: &Option<String>| o.clone().map(Value::String).unwrap_or(Value::Null);
    match attr {
        Attr::Pid => p.pid.map(Value::Long).unwrap_or(Value::Null),
        Attr::FileName => s(&p.file_name),
        Attr::FolderPath => s(&p.folder_path),
        Attr::CommandLine => s(&p.command_line),
        Attr::AccountName => s(&p.account_name),
        Attr::AccountDomain => s(&p.account_domain),
        Attr::CreationTime => p.creation_time.map(Value::DateTime).unwrap_or(Value::Null),
        Attr::Seen => Value::Bool(true),
    }
}

/// Resolves a dotted path. At each level the longest key that matches a prefix of the
/// remaining path wins, so keys containing dots (`proc.cmdline`) work without escaping;
/// numeric segments index arrays.
pub(crate) fn get_path<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(x) = m.get(path) {
                return Some(x);
            }
            // Try the split points from the right: longest key first.
            let dots: Vec<usize> = path.match_indices('.').map(|(i, _)| i).collect();
            for &i in dots.iter().rev() {
                let (head, rest) = (path.get(..i)?, path.get(i + 1..)?);
                if let Some(x) = m.get(head)
                    && let Some(found) = get_path(x, rest)
                {
                    return Some(found);
                }
            }
            None
        }
        serde_json::Value::Array(items) => {
            let (head, rest) = match path.split_once('.') {
                Some((h, r)) => (h, Some(r)),
                None => (path, None),
            };
            let item = items.get(head.parse::<usize>().ok()?)?;
            match rest {
                Some(r) => get_path(item, r),
                None => Some(item),
            }
        }
        _ => None,
    }
}

fn json_to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Long(i),
            None => n.as_f64().map(Value::Real).unwrap_or(Value::Null),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        other => Value::Dynamic(other.clone()),
    }
}

fn value_to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => b.into(),
        Value::Int(n) => n.into(),
        Value::Long(n) => n.into(),
        Value::Real(r) => serde_json::Number::from_f64(r)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::String(s) => s.into(),
        Value::DateTime(n) => format_time(n).into(),
        Value::Timespan(n) => n.into(),
        Value::Dynamic(j) => j,
    }
}

fn wrong(found: &Value) -> TransformError {
    TransformError {
        expected: "",
        found: text(found).chars().take(80).collect(),
    }
}

/// Converts a value to a column's KQL type.
fn coerce(v: Value, ty: ScalarType) -> Result<Value, TransformError> {
    if is_empty(&v) {
        return Ok(Value::Null);
    }
    match ty {
        ScalarType::String | ScalarType::Guid => Ok(Value::String(text(&v))),
        ScalarType::Long => match v {
            Value::Long(n) => Ok(Value::Long(n)),
            Value::Int(n) => Ok(Value::Long(n.into())),
            Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e18 => Ok(Value::Long(r as i64)),
            Value::String(ref s) => s.trim().parse().map(Value::Long).map_err(|_| wrong(&v)),
            other => Err(wrong(&other)),
        },
        ScalarType::Int => {
            let long = coerce(v.clone(), ScalarType::Long)?;
            match long {
                Value::Long(n) => i32::try_from(n).map(Value::Int).map_err(|_| wrong(&v)),
                other => Err(wrong(&other)),
            }
        }
        ScalarType::Real => match v {
            Value::Real(r) => Ok(Value::Real(r)),
            Value::Long(n) => Ok(Value::Real(n as f64)),
            Value::Int(n) => Ok(Value::Real(n.into())),
            Value::String(ref s) => s.trim().parse().map(Value::Real).map_err(|_| wrong(&v)),
            other => Err(wrong(&other)),
        },
        ScalarType::Bool => match v {
            Value::Bool(b) => Ok(Value::Bool(b)),
            Value::String(ref s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(ref s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            other => Err(wrong(&other)),
        },
        ScalarType::DateTime => match v {
            Value::DateTime(n) => Ok(Value::DateTime(n)),
            Value::String(ref s) => parse_time(s).map(Value::DateTime).ok_or_else(|| wrong(&v)),
            other => Err(wrong(&other)),
        },
        ScalarType::Dynamic => Ok(Value::Dynamic(value_to_json(v))),
        ScalarType::Timespan | ScalarType::Decimal => Err(wrong(&v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::compile;
    use serde_json::json;
    use std::sync::Arc;

    fn loc() -> Location {
        Location {
            file: Arc::from("t"),
            line: Some(1),
            offset: 0,
        }
    }

    fn mapping(columns: &str) -> EventMapping {
        let text = format!(
            "source: t\ndescription: test\nevents:\n  e:\n    table: DeviceProcessEvents\n    columns: {columns}\n"
        );
        let m = compile("t.yaml", &text).unwrap();
        m.events.into_iter().next().unwrap()
    }

    #[test]
    fn paths_prefer_whole_keys_with_dots_and_index_arrays() {
        let r = json!({
            "output_fields": {"proc.cmdline": "sh -c id", "proc": {"cmdline": "wrong"}},
            "a": {"b": [{"c": 1}, {"c": 2}]},
            "x.y": 3
        });
        assert_eq!(
            get_path(&r, "output_fields.proc.cmdline"),
            Some(&json!("sh -c id"))
        );
        assert_eq!(get_path(&r, "a.b.1.c"), Some(&json!(2)));
        assert_eq!(get_path(&r, "x.y"), Some(&json!(3)));
        assert_eq!(get_path(&r, "a.b.9.c"), None);
        assert_eq!(get_path(&r, "a.b.c"), None);
    }

    #[test]
    fn maps_fields_constants_lookups_and_fallbacks_with_types() {
        let m = mapping(concat!(
            "{FileName: {from: Image, via: basename},",
            " ActionType: {const: ProcessCreated},",
            " ProcessId: ProcessId,",
            " TimeGenerated: {from: UtcTime, via: parse_time},",
            " LogonId: {from: LogonId, via: hex_to_long},",
            " InitiatingProcessCommandLine:",
            "   {first: [{lookup: parent.command_line}, {from: ParentCommandLine}]},",
            " InitiatingProcessParentFileName: {lookup: parent.parent_file_name},",
            " AdditionalFields: {object: {FromTable: {lookup: parent.seen}, Missing: nope}}}",
        ));
        let rec = json!({
            "Image": "/usr/bin/docker", "ProcessId": "48230", "UtcTime": "2025-03-04 10:15:02.441",
            "LogonId": "0x3e7", "ParentCommandLine": "bash"
        });
        let out = m.map(&rec, &Lineage::default(), loc());
        assert!(out.problems.is_empty());
        let r = &out.row;
        assert_eq!(r.get("FileName"), Some(&Value::String("docker".into())));
        assert_eq!(
            r.get("ActionType"),
            Some(&Value::String("ProcessCreated".into()))
        );
        assert_eq!(r.get("ProcessId"), Some(&Value::Long(48230)));
        assert_eq!(
            r.get("TimeGenerated"),
            Some(&Value::DateTime(1_741_083_302_441_000_000))
        );
        assert_eq!(r.get("LogonId"), Some(&Value::Long(999)));
        assert_eq!(
            r.get("InitiatingProcessCommandLine"),
            Some(&Value::String("bash".into()))
        );
        assert_eq!(r.get("InitiatingProcessParentFileName"), None);
        assert_eq!(
            r.get("AdditionalFields"),
            Some(&Value::Dynamic(json!({"FromTable": false})))
        );

        let lineage = Lineage {
            process: None,
            parent: Some(ProcessInfo {
                command_line: Some("-bash".into()),
                ..ProcessInfo::default()
            }),
            grandparent: Some(ProcessInfo {
                file_name: Some("sshd".into()),
                ..ProcessInfo::default()
            }),
        };
        let out = m.map(&rec, &lineage, loc());
        let r = &out.row;
        assert_eq!(
            r.get("InitiatingProcessCommandLine"),
            Some(&Value::String("-bash".into()))
        );
        assert_eq!(
            r.get("InitiatingProcessParentFileName"),
            Some(&Value::String("sshd".into()))
        );
        assert_eq!(
            r.get("AdditionalFields"),
            Some(&Value::Dynamic(json!({"FromTable": true})))
        );
    }

    #[test]
    fn a_bad_value_empties_its_cell_and_is_reported() {
        let m = mapping("{ProcessId: ProcessId, FileName: Image, Timestamp: UtcTime}");
        let rec = json!({"ProcessId": "12a", "Image": "/bin/x", "UtcTime": "soon"});
        let out = m.map(&rec, &Lineage::default(), loc());
        assert_eq!(out.row.get("ProcessId"), None);
        assert_eq!(
            out.row.get("FileName"),
            Some(&Value::String("/bin/x".into()))
        );
        assert_eq!(out.problems.len(), 2);
        assert_eq!(
            out.problems[0],
            BadReason::WrongType {
                column: "ProcessId".into(),
                expected: "long",
                found: "12a".into()
            }
        );
    }

    #[test]
    fn join_skips_empty_parts() {
        let m = mapping(
            "{ProcessCommandLine: {join: [binary, arguments]}, FolderPath: {join: [a, b], sep: /}}",
        );
        let out = m.map(
            &json!({"binary": "/usr/bin/id", "arguments": ""}),
            &Lineage::default(),
            loc(),
        );
        assert_eq!(
            out.row.get("ProcessCommandLine"),
            Some(&Value::String("/usr/bin/id".into()))
        );
        assert_eq!(out.row.get("FolderPath"), None);
        let out = m.map(
            &json!({"binary": "/bin/sh", "arguments": "-c id", "a": "x", "b": 1}),
            &Lineage::default(),
            loc(),
        );
        assert_eq!(
            out.row.get("ProcessCommandLine"),
            Some(&Value::String("/bin/sh -c id".into()))
        );
        assert_eq!(
            out.row.get("FolderPath"),
            Some(&Value::String("x/1".into()))
        );
    }

    #[test]
    fn coerce_converts_between_families() {
        assert_eq!(
            coerce(Value::Long(5), ScalarType::String),
            Ok(Value::String("5".into()))
        );
        assert_eq!(
            coerce(Value::String("10250".into()), ScalarType::Int),
            Ok(Value::Int(10250))
        );
        assert!(coerce(Value::Long(1 << 40), ScalarType::Int).is_err());
        assert_eq!(
            coerce(Value::String("".into()), ScalarType::Long),
            Ok(Value::Null)
        );
        assert_eq!(
            coerce(Value::String("TRUE".into()), ScalarType::Bool),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            coerce(Value::String("x".into()), ScalarType::Dynamic),
            Ok(Value::Dynamic(json!("x")))
        );
        assert_eq!(
            coerce(Value::DateTime(0), ScalarType::String),
            Ok(Value::String("1970-01-01T00:00:00Z".into()))
        );
    }
}
