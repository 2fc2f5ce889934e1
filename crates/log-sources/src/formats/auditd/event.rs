//! One complete auditd event (all records sharing `msg=audit(ts:serial)`) → rows.
//!
//! * `execve`/`execveat` → `DeviceProcessEvents` (through the process table: auditd names
//!   no parent image, only `ppid`);
//! * `connect` with an AF_INET/AF_INET6 SOCKADDR → `DeviceNetworkEvents`;
//! * `exit_group` → expires the process in the table, no row;
//! * anything else → unsupported, by design.
//!
//! Conventions (documented in `mappings/auditd.yaml` too): `AccountName` is the ENRICHED
//! format's `UID="…"` name; with the RAW format it stays empty (the numeric uid is in
//! `AdditionalFields.Uid`): kqlhunt does not read the host's `/etc/passwd`, and guessing
//! names would invent data. `AccountDomain` is the host (`node=`), Defender's POSIX convention,
//! when the account name is known. `FileName` is basename(`exe`): the real image (`dash` for
//! `/bin/sh`), not argv\[0\].

use super::execve::{self, SockAddr};
use super::record::AuditRecord;
use crate::format::EventSink;
use crate::mapping::{CompiledMapping, basename, epoch_seconds};
use crate::process_table::{
    self, Lineage, ParentLink, ProcessInfo, ProcessKey, SharedProcessTable,
};
use crate::record::{BadReason, BadRecord, Location};
use serde_json::{Map, Value as Json, json};

/// System call names by architecture (`arch=` of SYSCALL) and number, for the calls kqlhunt
/// maps. ENRICHED logs name the call themselves (`SYSCALL=execve`).
fn syscall_name(arch: &str, number: &str) -> Option<&'static str> {
    Some(match (arch, number) {
        // x86_64
        ("c000003e", "59") => "execve",
        ("c000003e", "322") => "execveat",
        ("c000003e", "42") => "connect",
        ("c000003e", "231") => "exit_group",
        // aarch64
        ("c00000b7", "221") => "execve",
        ("c00000b7", "281") => "execveat",
        ("c00000b7", "203") => "connect",
        ("c00000b7", "94") => "exit_group",
        // i386
        ("40000003", "11") => "execve",
        ("40000003", "358") => "execveat",
        ("40000003", "362") => "connect",
        ("40000003", "252") => "exit_group",
        _ => return None,
    })
}

/// Fields of the SYSCALL record whose bare form is hex-encoded text.
const STRING_FIELDS: &[&str] = &["comm", "exe", "key", "cwd", "name"];

fn text_of(r: &AuditRecord, key: &str) -> Option<String> {
    r.get(key)
        .map(|v| String::from_utf8_lossy(&execve::decode_value(v)).into_owned())
}

fn enriched(r: &AuditRecord, key: &str) -> Option<String> {
    r.enriched
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.text.clone())
        .filter(|v| !v.is_empty() && v != "unset" && v != "(null)")
}

/// Everything the mapping reads: the SYSCALL fields (string fields decoded), the ENRICHED
/// fields under `enriched`, and what the reader derives under `derived`.
fn base_record(sys: &AuditRecord, derived: Map<String, Json>) -> Json {
    let mut top = Map::new();
    for (k, v) in &sys.fields {
        let text = if !v.quoted && STRING_FIELDS.contains(&k.as_str()) {
            String::from_utf8_lossy(&execve::decode_value(v)).into_owned()
        } else {
            v.text.clone()
        };
        top.insert(k.clone(), Json::String(text));
    }
    let enriched: Map<String, Json> = sys
        .enriched
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.text.clone())))
        .collect();
    top.insert("enriched".into(), Json::Object(enriched));
    top.insert("derived".into(), Json::Object(derived));
    Json::Object(top)
}

/// Normalizes one event's records.
pub(super) fn normalize(
    records: &[AuditRecord],
    location: Location,
    mapping: &CompiledMapping,
    table: &SharedProcessTable,
    sink: &mut dyn EventSink,
) {
    let bad = |sink: &mut dyn EventSink, reason| {
        sink.bad(BadRecord {
            location: location.clone(),
            reason,
        })
    };
    let Some(sys) = records.iter().find(|r| r.rtype == "SYSCALL") else {
        if records.iter().any(|r| r.rtype == "EXECVE") {
            bad(
                sink,
                BadReason::Malformed("EXECVE record without its SYSCALL record".into()),
            );
        } else {
            let kind = records.first().map(|r| r.rtype.as_str()).unwrap_or("empty");
            bad(sink, BadReason::Unsupported(format!("auditd {kind} event")));
        }
        return;
    };
    let name = enriched(sys, "SYSCALL").or_else(|| {
        syscall_name(
            sys.text("arch").unwrap_or(""),
            sys.text("syscall").unwrap_or(""),
        )
        .map(str::to_string)
    });
    let node = sys.node.clone().unwrap_or_default();
    let time = epoch_seconds(&sys.time).unwrap_or(i64::MIN);
    let pid: Option<i64> = sys.text("pid").and_then(|p| p.parse().ok());
    let ppid: Option<i64> = sys.text("ppid").and_then(|p| p.parse().ok());
    let account_name = enriched(sys, "UID");
    let mut derived = Map::new();
    derived.insert("time".into(), sys.time.clone().into());
    derived.insert("serial".into(), sys.serial.into());
    if !node.is_empty() {
        derived.insert("node".into(), node.clone().into());
        if account_name.is_some() {
            derived.insert("account_domain".into(), node.clone().into());
        }
    }
    let proctitle = records
        .iter()
        .find(|r| r.rtype == "PROCTITLE")
        .and_then(|r| r.get("proctitle"))
        .map(execve::proctitle);
    match name.as_deref() {
        Some("execve" | "execveat") => {
            if sys.text("success") != Some("yes") {
                bad(
                    sink,
                    BadReason::Unsupported("failed execve (success=no)".into()),
                );
                return;
            }
            let exec_records: Vec<&AuditRecord> =
                records.iter().filter(|r| r.rtype == "EXECVE").collect();
            let (args, source, complete) = if !exec_records.is_empty() {
                let a = execve::argv(&exec_records);
                (a.args, "EXECVE", a.complete)
            } else if let Some((args, truncated)) = proctitle.clone() {
                (args, "PROCTITLE", !truncated)
            } else {
                (Vec::new(), "", false)
            };
            let command_line = (!args.is_empty()).then(|| args.join(" "));
            if let Some(c) = &command_line {
                derived.insert("command_line".into(), c.clone().into());
                derived.insert("argv".into(), json!(args));
                derived.insert("command_line_source".into(), source.into());
                if !complete {
                    derived.insert("command_line_incomplete".into(), true.into());
                }
            }
            if let Some(cwd) = records
                .iter()
                .find(|r| r.rtype == "CWD")
                .and_then(|r| text_of(r, "cwd"))
            {
                derived.insert("cwd".into(), cwd.into());
            }
            let exe = text_of(sys, "exe");
            let info = ProcessInfo {
                pid,
                file_name: exe.as_deref().map(|e| basename(e).to_string()),
                folder_path: exe,
                command_line,
                account_domain: account_name.as_ref().map(|_| node.clone()),
                account_name,
                creation_time: (time != i64::MIN).then_some(time),
            };
            let lineage = match pid {
                Some(p) => process_table::lock(table).exec(
                    ProcessKey::pid_start(&node, p, time),
                    &node,
                    info,
                    ppid,
                    ParentLink::Pid { ppid },
                    time,
                ),
                None => Lineage::default(),
            };
            mapping.emit(
                "process_create",
                &base_record(sys, derived),
                &lineage,
                location,
                sink,
            );
        }
        Some("connect") => {
            let saddr = records
                .iter()
                .find(|r| r.rtype == "SOCKADDR")
                .and_then(|r| r.get("saddr"))
                .and_then(execve::sockaddr);
            let (ip, port, family) = match saddr {
                Some(SockAddr::Ip { ip, port, family }) => (ip, port, family),
                Some(SockAddr::Other(f)) => {
                    bad(
                        sink,
                        BadReason::Unsupported(format!("connect to a non-IP socket (family {f})")),
                    );
                    return;
                }
                None => {
                    bad(
                        sink,
                        BadReason::Malformed("connect without a readable SOCKADDR record".into()),
                    );
                    return;
                }
            };
            // A non-blocking connect returns EINPROGRESS (-115): the attempt was made and is
            // completing; auditd never sees the outcome, so it counts as success (§7.8).
            let ok = sys.text("success") == Some("yes") || sys.text("exit") == Some("-115");
            derived.insert(
                "action_type".into(),
                (if ok {
                    "ConnectionSuccess"
                } else {
                    "ConnectionFailed"
                })
                .into(),
            );
            derived.insert("remote_ip".into(), ip.into());
            derived.insert("remote_port".into(), port.into());
            derived.insert("family".into(), family.into());
            if let Some((args, _)) = proctitle
                && !args.is_empty()
            {
                derived.insert("command_line".into(), args.join(" ").into());
            }
            let lineage = match pid {
                Some(p) => process_table::lock(table).lineage_of_pid(&node, p, time),
                None => Lineage::default(),
            };
            mapping.emit(
                "network_connect",
                &base_record(sys, derived),
                &lineage,
                location,
                sink,
            );
        }
        Some("exit_group") => {
            if let Some(p) = pid {
                process_table::lock(table).exit_pid(&node, p, time);
            }
        }
        Some(other) => bad(
            sink,
            BadReason::Unsupported(format!("auditd syscall {other}")),
        ),
        None => bad(
            sink,
            BadReason::Unsupported(format!(
                "auditd syscall {} on arch {}",
                sys.text("syscall").unwrap_or("?"),
                sys.text("arch").unwrap_or("?")
            )),
        ),
    }
}
