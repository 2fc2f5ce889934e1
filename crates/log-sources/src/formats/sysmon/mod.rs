//! Sysmon, Linux and Windows: Event ID 1 (ProcessCreate) → `DeviceProcessEvents`, Event ID 3
//! (NetworkConnect) → `DeviceNetworkEvents`.
//!
//! Three containers carry the same event XML: Sysmon for Linux's syslog lines
//! ([`linux`]), Windows XML exports ([`windows`]) and Windows EVTX files ([`evtx`]). They
//! share the XML parser ([`xml`]) and the [`Normalizer`], which keeps the process table up to
//! date (Event IDs 1 and 5) and maps events through the platform's mapping file. Other event
//! ids are reported as unsupported, by design (counted, not errors); Event ID 5
//! (ProcessTerminate) only expires process-table entries and produces no row.

pub mod evtx;
pub mod linux;
pub mod windows;
pub mod xml;

use crate::format::EventSink;
use crate::mapping::{self, CompiledMapping, MappingError, basename, parse_time};
use crate::process_table::{self, ParentLink, ProcessInfo, ProcessKey, SharedProcessTable};
use crate::record::{BadReason, BadRecord, Location};
use serde_json::{Map, Value as Json};
use xml::XmlEvent;

/// Which Sysmon: the column conventions differ (`User` has a domain on Windows only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Sysmon for Linux.
    Linux,
    /// Sysmon for Windows.
    Windows,
}

impl Platform {
    fn mapping_name(self) -> &'static str {
        match self {
            Platform::Linux => "sysmon-linux",
            Platform::Windows => "sysmon-windows",
        }
    }
}

/// Turns parsed Sysmon events into rows, through the process table.
#[derive(Debug)]
pub struct Normalizer {
    platform: Platform,
    mapping: &'static CompiledMapping,
    table: SharedProcessTable,
}

/// Sysmon's marker for "no parent known".
fn is_null_guid(g: &str) -> bool {
    g.trim_matches(|c| c == '{' || c == '}')
        .chars()
        .all(|c| c == '0' || c == '-')
}

fn dash_to_none(s: Option<&str>) -> Option<String> {
    s.filter(|v| !v.is_empty() && *v != "-").map(str::to_string)
}

impl Normalizer {
    /// A normalizer for one platform, sharing `table` with the run's other readers.
    pub fn new(platform: Platform, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            platform,
            mapping: mapping::builtin(platform.mapping_name())?,
            table,
        })
    }

    /// `(AccountName, AccountDomain)` of a Sysmon `User` value on this platform.
    fn account(&self, user: Option<&str>, computer: &str) -> (Option<String>, Option<String>) {
        let user = dash_to_none(user);
        match self.platform {
            // POSIX: the account's domain is the device (Defender's convention).
            Platform::Linux => {
                let domain = user.as_ref().map(|_| computer.to_string());
                (user, domain)
            }
            Platform::Windows => match user.as_deref().and_then(|u| u.split_once('\\')) {
                Some((d, n)) => (Some(n.to_string()), Some(d.to_string())),
                None => (user, None),
            },
        }
    }

    fn info(&self, ev: &XmlEvent, prefix: &str, computer: &str, time: Option<i64>) -> ProcessInfo {
        let field = |name: &str| dash_to_none(ev.data_str(&format!("{prefix}{name}")));
        let image = field("Image");
        let (account_name, account_domain) =
            self.account(ev.data_str(&format!("{prefix}User")), computer);
        ProcessInfo {
            pid: field("ProcessId").and_then(|p| p.trim().parse().ok()),
            file_name: image.as_deref().map(|i| basename(i).to_string()),
            folder_path: image,
            command_line: field("CommandLine"),
            account_name,
            account_domain,
            creation_time: time,
        }
    }

    /// Handles one parsed event.
    pub fn handle(&mut self, ev: XmlEvent, location: Location, sink: &mut dyn EventSink) {
        let Some(id) = ev.event_id() else {
            sink.bad(BadRecord {
                location,
                reason: BadReason::Malformed("Sysmon event without a numeric EventID".into()),
            });
            return;
        };
        let computer = ev.system_str("Computer").unwrap_or_default().to_string();
        let time = ev
            .data_str("UtcTime")
            .and_then(parse_time)
            .or_else(|| ev.system_str("TimeCreated.SystemTime").and_then(parse_time));
        let clock = time.unwrap_or(i64::MIN);
        let guid = ev.data_str("ProcessGuid").unwrap_or_default().to_string();
        let key = ProcessKey::guid(&computer, &guid);
        let mut derived = Map::new();
        let (event, lineage) = match id {
            1 => {
                let info = self.info(&ev, "", &computer, time);
                let parent_guid = ev.data_str("ParentProcessGuid").unwrap_or_default();
                let link = if parent_guid.is_empty() || is_null_guid(parent_guid) {
                    ParentLink::None
                } else {
                    ParentLink::Key {
                        key: ProcessKey::guid(&computer, parent_guid),
                        hint: Some(self.info(&ev, "Parent", &computer, None)),
                    }
                };
                let ppid = ev
                    .data_str("ParentProcessId")
                    .and_then(|p| p.trim().parse().ok());
                let lineage =
                    process_table::lock(&self.table).exec(key, &computer, info, ppid, link, clock);
                let source = if lineage.parent.is_some() {
                    Some("ParentProcessCreate")
                } else if dash_to_none(ev.data_str("ParentCommandLine")).is_some() {
                    Some("ParentCommandLine")
                } else {
                    None
                };
                if let Some(s) = source {
                    derived.insert("initiating_command_line_source".into(), s.into());
                }
                ("process_create", lineage)
            }
            3 => {
                let lineage = process_table::lock(&self.table).lineage_of_key(&key, clock);
                network_sides(&ev, &mut derived);
                ("network_connect", lineage)
            }
            5 => {
                process_table::lock(&self.table).exit_key(&key, clock);
                return;
            }
            other => {
                sink.bad(BadRecord {
                    location,
                    reason: BadReason::Unsupported(format!("Sysmon event ID {other}")),
                });
                return;
            }
        };
        self.mapping
            .emit(event, &ev.into_record(derived), &lineage, location, sink);
    }
}

/// Sysmon names the two ends by direction (`Source` started the connection); Defender names
/// them from the device's side. `Initiated=true`: the device is the source.
fn network_sides(ev: &XmlEvent, derived: &mut Map<String, Json>) {
    let initiated = ev
        .data_str("Initiated")
        .is_none_or(|s| !s.eq_ignore_ascii_case("false"));
    let (local, remote) = if initiated {
        ("Source", "Destination")
    } else {
        ("Destination", "Source")
    };
    for (side, prefix) in [("local", local), ("remote", remote)] {
        if let Some(ip) = ev.data_str(&format!("{prefix}Ip")) {
            derived.insert(format!("{side}_ip"), ip.into());
        }
        if let Some(port) = ev.data_str(&format!("{prefix}Port")) {
            derived.insert(format!("{side}_port"), port.into());
        }
    }
}
