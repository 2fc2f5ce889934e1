//! The investigation as text for a terminal: a process tree drawn with box characters, then
//! the other events, one per line.

use super::{Investigation, ProcessNode};
use std::fmt::Write as _;

/// Renders an investigation for a terminal.
pub fn render_text(inv: &Investigation) -> String {
    let mut out = String::new();
    let a = &inv.anchor;
    match (&a.alert_id, &a.title) {
        (Some(id), Some(title)) => {
            let _ = writeln!(out, "Alert {id}: {title}");
        }
        (Some(id), None) => {
            let _ = writeln!(out, "Alert {id}");
        }
        _ => {}
    }
    let device = a.device.as_deref().unwrap_or("(no device)");
    let _ = writeln!(out, "at {} on {device}, window ±{}", a.time, inv.window);

    out.push_str("\nProcess tree\n");
    match &inv.process_tree {
        Some(t) => draw(&mut out, t, "", true, true),
        None => out.push_str("  (none)\n"),
    }

    let _ = writeln!(out, "\nOther process events on {device}");
    if inv.device_events.is_empty() {
        out.push_str("  (none)\n");
    }
    for e in &inv.device_events {
        let pid = e.pid.map(|p| format!(" [{p}]")).unwrap_or_default();
        let _ = writeln!(out, "  {}  {}{pid}  {}", e.time, e.process, e.detail);
    }

    let _ = writeln!(out, "\nNetwork events on {device}");
    if inv.network.is_empty() {
        out.push_str("  (none)\n");
    }
    for e in &inv.network {
        let pid = e.pid.map(|p| format!(" [{p}]")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}  {}  {}{pid}  {}",
            e.time,
            e.action,
            e.process,
            e.detail.trim_end()
        );
    }

    out.push_str("\nKubernetes API server\n");
    if inv.kubernetes.is_empty() {
        out.push_str("  (none)\n");
    }
    for k in &inv.kubernetes {
        let code = k.code.map(|c| format!(" → {c}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}  {} {} {} by {} from {} ({}){code}  [{}]",
            k.time,
            k.verb,
            k.resource,
            k.object,
            k.user,
            k.source_ip,
            k.user_agent,
            k.stages.join(", ")
        );
        let _ = writeln!(out, "      {}", k.request_uri);
    }

    if !inv.notes.is_empty() {
        out.push_str("\nNotes\n");
        for n in &inv.notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    out
}

fn draw(out: &mut String, n: &ProcessNode, prefix: &str, last: bool, root: bool) {
    let branch = if root {
        "  "
    } else if last {
        "  └─ "
    } else {
        "  ├─ "
    };
    let pid = n.pid.map(|p| format!(" [{p}]")).unwrap_or_default();
    let mut line = format!("{prefix}{branch}{}{pid}", n.name);
    if !n.command_line.is_empty() && n.command_line != n.name {
        line.push_str("  ");
        line.push_str(&n.command_line);
    }
    if !n.account.is_empty() {
        let _ = write!(line, "  ({})", n.account);
    }
    if n.inferred {
        line.push_str("  (seen only as a parent)");
    }
    if n.anchor {
        line.push_str("   ◀ alert");
    }
    out.push_str(&line);
    out.push('\n');
    let child_prefix = if root {
        prefix.to_string()
    } else if last {
        format!("{prefix}   ")
    } else {
        format!("{prefix}  │")
    };
    let count = n.children.len();
    for (i, c) in n.children.iter().enumerate() {
        draw(out, c, &child_prefix, i + 1 == count, false);
    }
}
