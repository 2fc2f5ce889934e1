//! The process tree around one process, rebuilt from `DeviceProcessEvents` rows through
//! `ProcessId` / `InitiatingProcessId`.
//!
//! An exec that replaces a process image keeps its pid (`ProcessId == InitiatingProcessId`,
//! telemetry-formats §0 item 4); the parent of such a row is the previous row with the same
//! pid. A parent that has no row of its own (it started before the logs) is shown from the
//! child's `InitiatingProcess*` columns and marked as inferred.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// One process in the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessNode {
    /// When it started (Kusto text), if a row of it was seen.
    pub time: Option<String>,
    /// Its pid.
    pub pid: Option<i64>,
    /// Its image name.
    pub name: String,
    /// Its command line.
    pub command_line: String,
    /// Its account.
    pub account: String,
    /// The process the investigation is about.
    pub anchor: bool,
    /// Shown from a child's `InitiatingProcess*` columns, not from a row of its own.
    pub inferred: bool,
    /// Processes it started (within the window).
    pub children: Vec<ProcessNode>,
}

/// A process row, as the tree needs it.
#[derive(Debug, Clone)]
pub struct ProcRow {
    pub time_nanos: i64,
    pub time: String,
    pub pid: Option<i64>,
    pub ppid: Option<i64>,
    pub name: String,
    pub command_line: String,
    pub parent_name: String,
    pub parent_command_line: String,
    pub grandparent_name: String,
    pub account: String,
}

impl ProcRow {
    /// From a result row of the investigation's process query.
    pub fn from_row(row: &Map<String, Value>) -> Option<Self> {
        let s = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let time = s("TimeGenerated");
        Some(Self {
            time_nanos: kql_plan::parse_datetime_text(&time)?,
            time,
            pid: row.get("ProcessId").and_then(Value::as_i64),
            ppid: row.get("InitiatingProcessId").and_then(Value::as_i64),
            name: s("FileName"),
            command_line: s("ProcessCommandLine"),
            parent_name: s("InitiatingProcessFileName"),
            parent_command_line: s("InitiatingProcessCommandLine"),
            grandparent_name: s("InitiatingProcessParentFileName"),
            account: s("AccountName"),
        })
    }

    fn node(&self, anchor: bool) -> ProcessNode {
        ProcessNode {
            time: Some(self.time.clone()),
            pid: self.pid,
            name: self.name.clone(),
            command_line: self.command_line.clone(),
            account: self.account.clone(),
            anchor,
            inferred: false,
            children: Vec::new(),
        }
    }
}

const MAX_DEPTH: usize = 32;

/// The row of the parent of `rows[i]`, if one was seen.
fn parent_of(rows: &[ProcRow], i: usize) -> Option<usize> {
    let child = rows.get(i)?;
    let ppid = child.ppid?;
    rows.iter()
        .enumerate()
        .filter(|(j, r)| *j != i && r.pid == Some(ppid) && r.time_nanos <= child.time_nanos)
        .max_by_key(|(j, r)| (r.time_nanos, *j))
        .map(|(j, _)| j)
}

/// Builds the tree: the anchor's ancestors up to the oldest known one, the anchor, and its
/// descendants up to `until`.
pub fn build(rows: &[ProcRow], anchor: usize, until: i64) -> Option<ProcessNode> {
    let a = rows.get(anchor)?;
    let mut used = BTreeSet::from([anchor]);
    let mut node = a.node(true);
    node.children = descendants(rows, anchor, until, &mut used, 0);
    // Climb.
    let mut cur = anchor;
    for _ in 0..MAX_DEPTH {
        match parent_of(rows, cur) {
            Some(p) if used.insert(p) => {
                let mut parent = rows.get(p)?.node(false);
                parent.children.push(node);
                node = parent;
                cur = p;
            }
            _ => {
                let child = rows.get(cur)?;
                if child.parent_name.is_empty() {
                    break;
                }
                let mut parent = ProcessNode {
                    time: None,
                    pid: child.ppid,
                    name: child.parent_name.clone(),
                    command_line: child.parent_command_line.clone(),
                    account: String::new(),
                    anchor: false,
                    inferred: true,
                    children: vec![node],
                };
                if !child.grandparent_name.is_empty() {
                    parent = ProcessNode {
                        time: None,
                        pid: None,
                        name: child.grandparent_name.clone(),
                        command_line: String::new(),
                        account: String::new(),
                        anchor: false,
                        inferred: true,
                        children: vec![parent],
                    };
                }
                node = parent;
                break;
            }
        }
    }
    Some(node)
}

fn descendants(
    rows: &[ProcRow],
    i: usize,
    until: i64,
    used: &mut BTreeSet<usize>,
    depth: usize,
) -> Vec<ProcessNode> {
    if depth >= MAX_DEPTH {
        return Vec::new();
    }
    let kids: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(j, _)| !used.contains(j) && parent_of(rows, *j) == Some(i))
        .filter(|(_, r)| r.time_nanos <= until)
        .map(|(j, _)| j)
        .collect();
    let mut out = Vec::new();
    for k in kids {
        if !used.insert(k) {
            continue;
        }
        if let Some(r) = rows.get(k) {
            let mut n = r.node(false);
            n.children = descendants(rows, k, until, used, depth + 1);
            out.push(n);
        }
    }
    out
}

/// Row indexes that appear in a tree (rows are matched by pid and time).
pub fn members(tree: &ProcessNode, rows: &[ProcRow], out: &mut BTreeSet<usize>) {
    if !tree.inferred {
        for (i, r) in rows.iter().enumerate() {
            if r.pid == tree.pid && Some(&r.time) == tree.time.as_ref() {
                out.insert(i);
            }
        }
    }
    for c in &tree.children {
        members(c, rows, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: i64, pid: i64, ppid: i64, name: &str, pname: &str) -> ProcRow {
        ProcRow {
            time_nanos: t,
            time: t.to_string(),
            pid: Some(pid),
            ppid: Some(ppid),
            name: name.into(),
            command_line: name.into(),
            parent_name: pname.into(),
            parent_command_line: pname.into(),
            grandparent_name: String::new(),
            account: "root".into(),
        }
    }

    #[test]
    fn ancestors_anchor_and_descendants() {
        let rows = vec![
            row(1, 100, 99, "bash", "sshd"),
            row(2, 200, 100, "docker", "bash"),
            row(3, 300, 200, "sh", "docker"),
            row(4, 400, 100, "ls", "bash"),
            // Exec in place: same pid, the pre-exec image is the parent.
            row(5, 300, 300, "busybox", "sh"),
        ];
        let t = build(&rows, 1, 10).unwrap();
        // sshd (inferred) → bash → docker (anchor) → sh → busybox
        assert!(t.inferred);
        assert_eq!(t.name, "sshd");
        let bash = &t.children[0];
        assert_eq!(bash.name, "bash");
        assert_eq!(bash.children.len(), 1, "only the anchor's line is climbed");
        let docker = &bash.children[0];
        assert!(docker.anchor);
        assert_eq!(docker.children[0].name, "sh");
        assert_eq!(docker.children[0].children[0].name, "busybox");
        let mut m = BTreeSet::new();
        members(&t, &rows, &mut m);
        assert_eq!(m, BTreeSet::from([0, 1, 2, 4]));
    }

    #[test]
    fn a_pid_loop_terminates() {
        let rows = vec![row(1, 5, 6, "a", "b"), row(1, 6, 5, "b", "a")];
        assert!(build(&rows, 0, 10).is_some());
    }
}
