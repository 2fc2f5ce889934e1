//! Which table a Defender / Sentinel record belongs to.
//!
//! The exports say it in different ways, and some not at all. In order of trust:
//!
//! 1. the record names it: the streaming API's `category` (`AdvancedHunting-<Table>`) or a
//!    Sentinel data-export row's `Type`;
//! 2. the user names it (`--table`);
//! 3. the path names it: a file or folder name containing a table name, as in the export
//!    layouts `am-DeviceProcessEvents/…` (Log Analytics data export) and
//!    `insights-logs-advancedhunting-deviceprocessevents/…` (streaming API to storage);
//! 4. the row's `ActionType`: each Defender device table has its own action types
//!    (`ProcessCreated` → DeviceProcessEvents, `Connection…`/`…ConnectionInspected` →
//!    DeviceNetworkEvents, `File…` → DeviceFileEvents, …); any other action type on a row
//!    with a device is a DeviceEvents row. This is how the advanced-hunting portal's CSV
//!    export of a `union` (real example: DeviceProcessEvents + DeviceNetworkEvents +
//!    DeviceEvents) is split back into its tables;
//! 5. the columns present: network endpoints (`RemoteIP`, `RemotePort`, `LocalIP`,
//!    `LocalPort`, `RemoteUrl`) → DeviceNetworkEvents; process columns
//!    (`ProcessCommandLine`, `ProcessId`) → DeviceProcessEvents. This covers projected
//!    exports such as `| project Timestamp, DeviceName, …, ProcessCommandLine`.
//!
//! A record named for a table kqlhunt has no schema for is skipped by design
//! ([`BadReason::Unsupported`](crate::BadReason::Unsupported)) and counted; a record nothing
//! above decides is reported as unrecognized.

use std::path::Path;
use table_schemas::{TableSchema, builtin_table, builtin_tables};

/// The streaming API's category prefix.
pub const CATEGORY_PREFIX: &str = "AdvancedHunting-";

/// Where a record goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// A table kqlhunt has a schema for.
    Table(&'static TableSchema),
    /// A named table without a schema (skipped by design); the name.
    Unsupported(String),
    /// Nothing tells the table.
    Unknown,
}

/// Table from an explicit name (`Type` column, `category`, `--table`).
pub fn by_name(name: &str) -> Route {
    let name = name.trim();
    let bare = match name.get(..CATEGORY_PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(CATEGORY_PREFIX) => &name[CATEGORY_PREFIX.len()..],
        _ => name,
    };
    match builtin_table(bare).or_else(|| {
        builtin_tables()
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(bare))
    }) {
        Some(t) => Route::Table(t),
        None => Route::Unsupported(bare.to_string()),
    }
}

/// The table a path names: the longest table name found (ASCII case-insensitively) in the
/// file name, else in the nearest folder name that contains one.
pub fn path_hint(path: &Path) -> Option<&'static TableSchema> {
    let mut best: Option<&'static TableSchema> = None;
    for comp in path.iter().rev() {
        let lower = comp.to_string_lossy().to_ascii_lowercase();
        for t in builtin_tables() {
            if t.name.len() >= 6
                && lower.contains(&t.name.to_ascii_lowercase())
                && best.is_none_or(|b| t.name.len() > b.name.len())
            {
                best = Some(t);
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

/// What a row shows about itself, for rules 4 and 5.
#[derive(Debug, Default, Clone, Copy)]
pub struct Evidence<'a> {
    /// `ActionType`, if present and not empty.
    pub action_type: Option<&'a str>,
    /// A non-empty `DeviceName` or `DeviceId`.
    pub has_device: bool,
    /// A non-empty network endpoint column.
    pub has_network: bool,
    /// A non-empty `ProcessCommandLine` or `ProcessId`.
    pub has_process: bool,
}

/// Column names that count as network evidence.
pub const NETWORK_COLUMNS: [&str; 5] = [
    "RemoteIP",
    "RemotePort",
    "LocalIP",
    "LocalPort",
    "RemoteUrl",
];
/// Column names that count as process evidence.
pub const PROCESS_COLUMNS: [&str; 2] = ["ProcessCommandLine", "ProcessId"];
/// Column names that count as device evidence.
pub const DEVICE_COLUMNS: [&str; 2] = ["DeviceName", "DeviceId"];

/// Routing for records that do not name their table.
#[derive(Debug, Clone, Default)]
pub struct Router {
    /// `--table`.
    pub user_hint: Option<&'static TableSchema>,
    /// The table the path names.
    pub path_hint: Option<&'static TableSchema>,
}

impl Router {
    /// The table of a record that does not name one (rules 2–5).
    pub fn route(&self, ev: &Evidence<'_>) -> Route {
        if let Some(t) = self.user_hint.or(self.path_hint) {
            return Route::Table(t);
        }
        if let Some(action) = ev.action_type {
            if let Some(table) = table_of_action(action) {
                return by_name(table);
            }
            if ev.has_device {
                return by_name("DeviceEvents");
            }
        }
        if ev.has_network {
            return by_name("DeviceNetworkEvents");
        }
        if ev.has_process {
            return by_name("DeviceProcessEvents");
        }
        Route::Unknown
    }
}

/// Routes already decided, by name or by evidence: an input has only a few distinct
/// categories, `Type`s and action types, and looking a table up by name scans every schema.
#[derive(Debug, Default)]
pub struct RouteCache {
    entries: Vec<(u8, Box<str>, Route)>,
}

impl RouteCache {
    /// Entries kept; inputs with more distinct keys are routed without the cache.
    const MAX: usize = 256;

    /// The table a record naming `name` goes to.
    pub fn by_name(&mut self, name: &str) -> Route {
        self.get_or(0, name, || by_name(name))
    }

    /// The table of a record that names none, from its evidence.
    pub fn route(&mut self, router: &Router, ev: &Evidence<'_>) -> Route {
        let kind = 1
            + u8::from(ev.has_device)
            + 2 * u8::from(ev.has_network)
            + 4 * u8::from(ev.has_process);
        self.get_or(kind, ev.action_type.unwrap_or(""), || router.route(ev))
    }

    fn get_or(&mut self, kind: u8, key: &str, f: impl FnOnce() -> Route) -> Route {
        if let Some((_, _, r)) = self
            .entries
            .iter()
            .find(|(k, s, _)| *k == kind && **s == *key)
        {
            return r.clone();
        }
        let r = f();
        if self.entries.len() < Self::MAX {
            self.entries.push((kind, key.into(), r.clone()));
        }
        r
    }
}

/// The Defender device table an action type belongs to, for the tables with their own
/// action types (advanced-hunting table reference pages); `None` for DeviceEvents' many
/// miscellaneous types and anything unknown.
pub fn table_of_action(action: &str) -> Option<&'static str> {
    Some(match action {
        "ProcessCreated" => "DeviceProcessEvents",
        "InboundConnectionAccepted"
        | "ListeningConnectionCreated"
        | "NetworkSignatureInspected"
        | "InboundInternetScanInspected" => "DeviceNetworkEvents",
        a if a.starts_with("Connection") || a.ends_with("ConnectionInspected") => {
            "DeviceNetworkEvents"
        }
        "FileCreated" | "FileModified" | "FileRenamed" | "FileDeleted" => "DeviceFileEvents",
        a if a.starts_with("Registry") => "DeviceRegistryEvents",
        "LogonSuccess" | "LogonFailed" | "LogonAttempted" => "DeviceLogonEvents",
        "ImageLoaded" => "DeviceImageLoadEvents",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(r: Route) -> String {
        match r {
            Route::Table(t) => t.name.clone(),
            Route::Unsupported(n) => format!("unsupported:{n}"),
            Route::Unknown => "unknown".into(),
        }
    }

    #[test]
    fn names_from_category_and_type() {
        assert_eq!(
            name(by_name("AdvancedHunting-DeviceProcessEvents")),
            "DeviceProcessEvents"
        );
        assert_eq!(name(by_name("DeviceNetworkEvents")), "DeviceNetworkEvents");
        assert_eq!(
            name(by_name("AdvancedHunting-NoSuchTable")),
            "unsupported:NoSuchTable"
        );
    }

    #[test]
    fn paths_of_the_export_layouts() {
        let p = Path::new("x/am-DeviceProcessEvents/WorkspaceResourceId=/y=2025/PT05M.json");
        assert_eq!(
            path_hint(p).map(|t| t.name.as_str()),
            Some("DeviceProcessEvents")
        );
        let p = Path::new(
            "insights-logs-advancedhunting-devicenetworkevents/tenantId=1/y=2025/PT1H.json",
        );
        assert_eq!(
            path_hint(p).map(|t| t.name.as_str()),
            Some("DeviceNetworkEvents")
        );
        assert_eq!(path_hint(Path::new("logs/export.json")), None);
    }

    #[test]
    fn union_rows_split_by_action_type_then_columns() {
        let r = Router::default();
        let ev = |a: Option<&'static str>, dev, net, proc_| Evidence {
            action_type: a,
            has_device: dev,
            has_network: net,
            has_process: proc_,
        };
        assert_eq!(
            name(r.route(&ev(Some("ProcessCreated"), true, false, true))),
            "DeviceProcessEvents"
        );
        assert_eq!(
            name(r.route(&ev(Some("ConnectionFailed"), true, true, false))),
            "DeviceNetworkEvents"
        );
        assert_eq!(
            name(r.route(&ev(Some("DnsConnectionInspected"), true, true, false))),
            "DeviceNetworkEvents"
        );
        assert_eq!(
            name(r.route(&ev(Some("PowerShellCommand"), true, false, true))),
            "DeviceEvents"
        );
        assert_eq!(
            name(r.route(&ev(None, true, false, true))),
            "DeviceProcessEvents"
        );
        assert_eq!(name(r.route(&ev(None, false, false, false))), "unknown");
    }
}
