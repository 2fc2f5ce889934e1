//! Field mappings as data: how each source's fields become Sentinel table columns.
//!
//! Every mapped source has one YAML file in `crates/log-sources/mappings/`, embedded at build
//! time. A reader parses its format into a JSON object (the source's own fields plus a few
//! fields it derives, such as auditd's rebuilt command line), picks the mapping for the kind
//! of event it found (`process_create`, `network_connect`, ...), and the engine turns the
//! object into a [`Row`](crate::record::Row). Keeping the column choices in data makes them
//! reviewable next to the format documentation, and a test checks that every file names only
//! columns that exist in its table's schema.
//!
//! A file looks like this:
//!
//! ```yaml
//! source: sysmon-linux
//! description: Sysmon for Linux events (XML in syslog)
//! events:
//!   process_create:
//!     table: DeviceProcessEvents
//!     columns:
//!       DeviceName: Computer                       # a field, as is
//!       FileName: {from: Image, via: [basename]}  # a field through transforms
//!       ActionType: {const: ProcessCreated}
//!       InitiatingProcessCommandLine:              # the first of these that is not empty
//!         first:
//!           - {lookup: parent.command_line}        # from the process table
//!           - {from: ParentCommandLine, via: [{null_if: "-"}]}
//! ```
//!
//! Column spec forms: a bare string (a field path), `from`, `const`, `lookup`, `first`,
//! `join` (with `sep`, default one space) and `object` (builds a `dynamic` value from named
//! specs, leaving out empty ones); each may carry `via`, a list of [`Transform`]s. Field paths
//! are dotted (`user.username`, `ancestors.0.binary`); a key that itself contains dots
//! (Falco's `output_fields` keys such as `proc.cmdline`) is matched as a whole first.
//!
//! Columns a source cannot know are simply absent from its mapping: they stay empty, never
//! invented.

mod engine;
pub mod lines;
mod transform;

pub use engine::{CompiledMapping, EventMapping, MappedRow};
pub use transform::{
    Transform, TransformError, UserPart, basename, epoch_seconds, format_time, parse_time,
    pick_hash, xml_unescape,
};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A mapping file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mapping {file}: {message}")]
pub struct MappingError {
    /// The file (`sysmon-linux.yaml`).
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// The raw file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    source: String,
    description: String,
    events: BTreeMap<String, EventFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFile {
    table: String,
    #[serde(default)]
    description: Option<String>,
    columns: BTreeMap<String, serde_yaml::Value>,
}

/// Where a `lookup` reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The event's own process (from the table; for network events, the connecting one).
    Process,
    /// Its initiating process.
    Parent,
    /// The initiating process's initiating process.
    Grandparent,
}

/// Which detail of a process a `lookup` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    /// `pid`
    Pid,
    /// `file_name`
    FileName,
    /// `folder_path`
    FolderPath,
    /// `command_line`
    CommandLine,
    /// `account_name`
    AccountName,
    /// `account_domain`
    AccountDomain,
    /// `creation_time`
    CreationTime,
    /// `seen`: true when the process is in the table (its own start event was read), false
    /// otherwise. Lets a mapping record where a column's value came from.
    Seen,
}

/// A compiled column spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// A source field by dotted path.
    Field(String, Vec<Transform>),
    /// A constant.
    Const(serde_json::Value, Vec<Transform>),
    /// A process-table lookup.
    Lookup(Slot, Attr, Vec<Transform>),
    /// The first spec whose value is not empty.
    First(Vec<Spec>, Vec<Transform>),
    /// The non-empty values joined by `sep`.
    Join(Vec<Spec>, String, Vec<Transform>),
    /// A JSON object of the non-empty values.
    Object(Vec<(String, Spec)>),
}

fn parse_lookup(path: &str) -> Result<(Slot, Attr), String> {
    let (slot, attr) = path
        .split_once('.')
        .ok_or_else(|| format!("lookup `{path}` must be `<process|parent|grandparent>.<attr>`"))?;
    let slot = match slot {
        "process" => Slot::Process,
        "parent" => Slot::Parent,
        "grandparent" => Slot::Grandparent,
        o => return Err(format!("unknown lookup slot `{o}`")),
    };
    let attr = match attr {
        "pid" => Attr::Pid,
        "file_name" => Attr::FileName,
        "folder_path" => Attr::FolderPath,
        "command_line" => Attr::CommandLine,
        "account_name" => Attr::AccountName,
        "account_domain" => Attr::AccountDomain,
        "creation_time" => Attr::CreationTime,
        "seen" => Attr::Seen,
        // The wording of the process-table docs: the parent's parent.
        "parent_file_name" if slot == Slot::Parent => {
            return Ok((Slot::Grandparent, Attr::FileName));
        }
        o => return Err(format!("unknown lookup attribute `{o}`")),
    };
    Ok((slot, attr))
}

fn parse_via(v: Option<&serde_yaml::Value>) -> Result<Vec<Transform>, String> {
    match v {
        None => Ok(Vec::new()),
        Some(serde_yaml::Value::Sequence(items)) => {
            items.iter().map(Transform::from_yaml).collect()
        }
        Some(one) => Ok(vec![Transform::from_yaml(one)?]),
    }
}

/// Compiles one column spec from its YAML form.
fn parse_spec(v: &serde_yaml::Value) -> Result<Spec, String> {
    use serde_yaml::Value as Y;
    let m = match v {
        Y::String(path) => return Ok(Spec::Field(path.clone(), Vec::new())),
        Y::Mapping(m) => m,
        _ => return Err("a column spec is a field name or a map".into()),
    };
    let mut kind: Option<&str> = None;
    for k in m.keys() {
        let Some(k) = k.as_str() else {
            return Err("spec keys must be strings".into());
        };
        match k {
            "from" | "const" | "lookup" | "first" | "join" | "object" => {
                if let Some(prev) = kind {
                    return Err(format!(
                        "a spec has one of from/const/lookup/first/join/object, not both `{prev}` and `{k}`"
                    ));
                }
                kind = Some(k);
            }
            "via" | "sep" => {}
            o => return Err(format!("unknown spec key `{o}`")),
        }
    }
    let via = parse_via(m.get("via"))?;
    let list = |key: &str| -> Result<Vec<Spec>, String> {
        match m.get(key) {
            Some(Y::Sequence(items)) if !items.is_empty() => items.iter().map(parse_spec).collect(),
            _ => Err(format!("`{key}` needs a non-empty list of specs")),
        }
    };
    if m.get("sep").is_some() && kind != Some("join") {
        return Err("`sep` only goes with `join`".into());
    }
    match kind {
        Some("from") => match m.get("from") {
            Some(Y::String(path)) if !path.is_empty() => Ok(Spec::Field(path.clone(), via)),
            _ => Err("`from` needs a field path".into()),
        },
        Some("const") => {
            let c = m.get("const").cloned().unwrap_or(Y::Null);
            let json = serde_json::to_value(&c).map_err(|e| format!("const: {e}"))?;
            Ok(Spec::Const(json, via))
        }
        Some("lookup") => match m.get("lookup") {
            Some(Y::String(path)) => {
                let (slot, attr) = parse_lookup(path)?;
                Ok(Spec::Lookup(slot, attr, via))
            }
            _ => Err("`lookup` needs `<slot>.<attr>`".into()),
        },
        Some("first") => Ok(Spec::First(list("first")?, via)),
        Some("join") => {
            let sep = match m.get("sep") {
                None => " ".to_string(),
                Some(Y::String(s)) => s.clone(),
                Some(_) => return Err("`sep` must be a string".into()),
            };
            Ok(Spec::Join(list("join")?, sep, via))
        }
        Some("object") => {
            if !via.is_empty() {
                return Err("`object` takes no `via`".into());
            }
            let Some(Y::Mapping(fields)) = m.get("object") else {
                return Err("`object` needs a map of key: spec".into());
            };
            let mut out = Vec::new();
            for (k, spec) in fields {
                let Some(k) = k.as_str() else {
                    return Err("object keys must be strings".into());
                };
                out.push((
                    k.to_string(),
                    parse_spec(spec).map_err(|e| format!("{k}: {e}"))?,
                ));
            }
            Ok(Spec::Object(out))
        }
        _ => Err("a spec needs one of from/const/lookup/first/join/object".into()),
    }
}

/// Parses and checks a mapping file against the built-in table schemas.
pub fn compile(file: &str, text: &str) -> Result<CompiledMapping, MappingError> {
    let err = |message: String| MappingError {
        file: file.to_string(),
        message,
    };
    let raw: MappingFile = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
    if raw.description.trim().is_empty() {
        return Err(err("the description is empty".into()));
    }
    let mut events = Vec::new();
    for (event, ev) in raw.events {
        let _ = ev.description;
        let schema = table_schemas::builtin_table(&ev.table)
            .ok_or_else(|| err(format!("event `{event}`: unknown table `{}`", ev.table)))?;
        let mut columns = Vec::new();
        for (column, spec) in &ev.columns {
            let col = schema.column(column).ok_or_else(|| {
                err(format!(
                    "event `{event}`: table {} has no column `{column}`",
                    ev.table
                ))
            })?;
            let spec = parse_spec(spec)
                .map_err(|e| err(format!("event `{event}`, column {column}: {e}")))?;
            columns.push(engine::CompiledColumn {
                name: col.name.as_str(),
                ty: col.ty,
                spec,
            });
        }
        events.push(EventMapping {
            event,
            table: schema.name.as_str(),
            columns,
        });
    }
    Ok(CompiledMapping {
        source: raw.source,
        events,
    })
}

/// `(file name, text)` pairs for mapping files embedded from `mappings/<name>.yaml`.
macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$((concat!($name, ".yaml"), include_str!(concat!("../../mappings/", $name, ".yaml")))),*]
    };
}

/// The embedded mapping files: `(file name, text)`.
pub const BUILTIN_FILES: &[(&str, &str)] = embedded![
    "sysmon-linux",
    "sysmon-windows",
    "auditd",
    "k8s-audit",
    "tetragon",
    "falco"
];

/// A built-in mapping by source name (`sysmon-linux`, `auditd`, ...), compiled once.
pub fn builtin(source: &str) -> Result<&'static CompiledMapping, MappingError> {
    static COMPILED: OnceLock<Vec<Result<CompiledMapping, MappingError>>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| {
        BUILTIN_FILES
            .iter()
            .map(|(file, text)| compile(file, text))
            .collect()
    });
    let file = format!("{source}.yaml");
    for (compiled, (name, _)) in all.iter().zip(BUILTIN_FILES) {
        if *name == file {
            return compiled.as_ref().map_err(Clone::clone);
        }
    }
    Err(MappingError {
        file,
        message: "no such built-in mapping".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_mapping_compiles_against_its_schema() {
        for (file, text) in BUILTIN_FILES {
            let m = compile(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                format!("{}.yaml", m.source),
                *file,
                "source name matches file name"
            );
            assert!(!m.events.is_empty(), "{file} maps no events");
            for ev in &m.events {
                let schema = table_schemas::builtin_table(ev.table).unwrap();
                for c in &ev.columns {
                    assert_eq!(
                        schema.column(c.name).map(|s| s.ty),
                        Some(c.ty),
                        "{file} {}",
                        c.name
                    );
                }
            }
            builtin(&m.source).unwrap();
        }
    }

    #[test]
    fn unknown_columns_tables_and_keys_are_rejected() {
        let bad = [
            ("events: {e: {table: Nope, columns: {}}}", "unknown table"),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileNam: Image}}}",
                "no column `FileNam`",
            ),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileName: {from: a, const: b}}}}",
                "not both",
            ),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileName: {frm: a}}}}",
                "unknown spec key",
            ),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileName: {lookup: uncle.pid}}}}",
                "unknown lookup slot",
            ),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileName: {from: a, via: [nope]}}}}",
                "unknown transform",
            ),
            (
                "events: {e: {table: DeviceProcessEvents, columns: {FileName: {first: []}}}}",
                "non-empty list",
            ),
        ];
        for (events, want) in bad {
            let text = format!("source: t\ndescription: test\n{events}\n");
            let e = compile("t.yaml", &text).unwrap_err();
            assert!(e.message.contains(want), "{events}: {}", e.message);
        }
    }

    #[test]
    fn lookup_paths_parse() {
        assert_eq!(
            parse_lookup("parent.command_line"),
            Ok((Slot::Parent, Attr::CommandLine))
        );
        assert_eq!(
            parse_lookup("parent.parent_file_name"),
            Ok((Slot::Grandparent, Attr::FileName))
        );
        assert_eq!(
            parse_lookup("process.seen"),
            Ok((Slot::Process, Attr::Seen))
        );
        assert!(parse_lookup("grandparent.parent_file_name").is_err());
        assert!(parse_lookup("parent").is_err());
    }
}
