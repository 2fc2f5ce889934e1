//! One auditd line → one record: its type, event id (`msg=audit(<secs>.<ms>:<serial>)`), host
//! and `key=value` fields (telemetry-formats §3.1).
//!
//! Accepted line shapes:
//! * raw `audit.log`: `type=SYSCALL msg=audit(1741083302.441:5120): arch=c000003e …`;
//! * with auditd's `name_format`: `node=node-1 type=SYSCALL msg=audit(…): …`;
//! * behind a syslog header (audisp / rsyslog): `Mar  4 10:15:02 node-1 audisp-syslog: type=…`,
//!   where the header's host stands in for a missing `node=`;
//! * the kernel's own form (journald, dmesg): `audit: type=1300 audit(…): …`, numeric types
//!   translated to names;
//! * `log_format=ENRICHED`: a `\x1d` (GS) byte followed by interpreted fields
//!   (`UID="root" …`), kept separately.

/// A field value as written: quoted (`"…"` or `'…'`) or bare. Bare string fields of the
/// kernel (`aN`, `proctitle`, `cwd`, `name`, `comm`, `exe`) are hex when they hold special
/// bytes, so decoding needs to know which it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// The text between the quotes, or the bare text.
    pub text: String,
    /// Whether it was quoted.
    pub quoted: bool,
}

/// One parsed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Record type (`SYSCALL`, `EXECVE`, ...).
    pub rtype: String,
    /// `node=` value, or the syslog header's host.
    pub node: Option<String>,
    /// The timestamp as written (`1741083302.441`).
    pub time: String,
    /// Event serial number.
    pub serial: u64,
    /// Fields in order.
    pub fields: Vec<(String, RawValue)>,
    /// ENRICHED fields after the GS byte (`UID`, `AUID`, `SYSCALL`, ...).
    pub enriched: Vec<(String, RawValue)>,
}

impl AuditRecord {
    /// A field by name.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A field's text by name.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.get(key).map(|v| v.text.as_str())
    }
}

/// Kernel record type numbers (`include/uapi/linux/audit.h`) for the types kqlhunt uses.
fn type_name(number: &str) -> Option<&'static str> {
    Some(match number {
        "1300" => "SYSCALL",
        "1302" => "PATH",
        "1306" => "SOCKADDR",
        "1307" => "CWD",
        "1309" => "EXECVE",
        "1320" => "EOE",
        "1327" => "PROCTITLE",
        _ => return None,
    })
}

/// Finds `needle` at the start of `s` or after whitespace.
fn find_token(s: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s.get(from..)?.find(needle) {
        let at = from + i;
        if at == 0 || s[..at].ends_with([' ', '\t']) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// The host of a syslog header in front of the audit text, if the prefix looks like one
/// (`Mar  4 10:15:02 host prog:` or `2025-03-04T10:15:02.441+00:00 host prog:`).
fn syslog_host(prefix: &str) -> Option<String> {
    let tokens: Vec<&str> = prefix.split_whitespace().collect();
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let host = match tokens.first() {
        Some(m) if MONTHS.contains(m) && tokens.len() >= 5 => tokens.get(3),
        Some(t) if t.len() >= 19 && t.as_bytes().get(4) == Some(&b'-') && tokens.len() >= 3 => {
            tokens.get(1)
        }
        _ => None,
    }?;
    Some(host.to_string())
}

/// Parses `key=value` pairs (values bare, `"double"` or `'single'` quoted).
pub fn parse_fields(s: &str) -> Vec<(String, RawValue)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            break;
        };
        let key = &rest[..eq];
        if key.contains(char::is_whitespace) {
            // A word without `=` (free text): skip it.
            let skip = rest.find(char::is_whitespace).unwrap_or(rest.len());
            rest = rest[skip..].trim_start();
            continue;
        }
        let after = &rest[eq + 1..];
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &after[1..];
                match body.find(q) {
                    Some(end) => (
                        RawValue {
                            text: body[..end].to_string(),
                            quoted: true,
                        },
                        &body[end + 1..],
                    ),
                    None => (
                        RawValue {
                            text: body.to_string(),
                            quoted: true,
                        },
                        "",
                    ),
                }
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (
                    RawValue {
                        text: after[..end].to_string(),
                        quoted: false,
                    },
                    &after[end..],
                )
            }
        };
        out.push((key.to_string(), value));
        rest = next.trim_start();
    }
    out
}

/// Parses one line. `Err` says what is wrong; blank lines and the `----` separators of
/// `ausearch` are the caller's business.
pub fn parse_line(line: &str) -> Result<AuditRecord, String> {
    let (line, enriched_text) = match line.split_once('\u{1d}') {
        Some((main, enriched)) => (main, Some(enriched)),
        None => (line, None),
    };
    let type_at = find_token(line, "type=").ok_or("no `type=` field")?;
    let prefix = &line[..type_at];
    let node = match find_token(prefix, "node=") {
        Some(i) => prefix[i + 5..]
            .split_whitespace()
            .next()
            .map(str::to_string),
        None => syslog_host(prefix),
    };
    let after_type = &line[type_at + 5..];
    let type_end = after_type
        .find(char::is_whitespace)
        .unwrap_or(after_type.len());
    let raw_type = &after_type[..type_end];
    let rtype = type_name(raw_type).unwrap_or(raw_type).to_string();
    let rest = &after_type[type_end..];
    let open = rest.find("audit(").ok_or("no `audit(` event id")?;
    let id_text = &rest[open + 6..];
    let close = id_text.find(')').ok_or("unterminated `audit(` event id")?;
    let (time, serial) = id_text[..close]
        .split_once(':')
        .ok_or("event id without `:serial`")?;
    let time_ok = !time.is_empty()
        && time.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && time.bytes().filter(|&b| b == b'.').count() <= 1;
    if !time_ok {
        return Err(format!("bad event time `{time}`"));
    }
    let serial: u64 = serial
        .parse()
        .map_err(|_| format!("bad serial `{serial}`"))?;
    let body = id_text[close + 1..].trim_start_matches(':');
    Ok(AuditRecord {
        rtype,
        node,
        time: time.to_string(),
        serial,
        fields: parse_fields(body),
        enriched: enriched_text.map(parse_fields).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(t: &str) -> RawValue {
        RawValue {
            text: t.into(),
            quoted: true,
        }
    }
    fn b(t: &str) -> RawValue {
        RawValue {
            text: t.into(),
            quoted: false,
        }
    }

    #[test]
    fn raw_line_with_node_and_enriched_fields() {
        let line = "node=node-1 type=SYSCALL msg=audit(1741083302.441:5120): arch=c000003e syscall=59 success=yes comm=\"docker\" key=(null)\u{1d}ARCH=x86_64 SYSCALL=execve UID=\"root\"";
        let r = parse_line(line).unwrap();
        assert_eq!(r.rtype, "SYSCALL");
        assert_eq!(r.node.as_deref(), Some("node-1"));
        assert_eq!(r.time, "1741083302.441");
        assert_eq!(r.serial, 5120);
        assert_eq!(
            r.fields,
            vec![
                ("arch".into(), b("c000003e")),
                ("syscall".into(), b("59")),
                ("success".into(), b("yes")),
                ("comm".into(), q("docker")),
                ("key".into(), b("(null)")),
            ]
        );
        assert_eq!(
            r.enriched,
            vec![
                ("ARCH".into(), b("x86_64")),
                ("SYSCALL".into(), b("execve")),
                ("UID".into(), q("root")),
            ]
        );
    }

    #[test]
    fn syslog_and_kernel_forms() {
        let r = parse_line("Mar  4 10:20:00 node-2 audisp-syslog: type=EXECVE msg=audit(1741083600.000:9): argc=1 a0=\"id\"").unwrap();
        assert_eq!(
            (r.rtype.as_str(), r.node.as_deref()),
            ("EXECVE", Some("node-2"))
        );
        let r = parse_line("2025-03-04T10:20:00.5+00:00 node-3 audit: type=1309 audit(1741083600.500:10): argc=1 a0=\"id\"").unwrap();
        assert_eq!(
            (r.rtype.as_str(), r.node.as_deref()),
            ("EXECVE", Some("node-3"))
        );
        assert_eq!(r.serial, 10);
        let r = parse_line("type=EOE msg=audit(1741083302.441:5120):").unwrap();
        assert_eq!((r.rtype.as_str(), r.node), ("EOE", None));
        assert!(r.fields.is_empty());
    }

    #[test]
    fn user_space_records_keep_single_quoted_msg() {
        let r = parse_line(
            "type=USER_CMD msg=audit(1.2:3): pid=5 uid=0 msg='cwd=\"/root\" cmd=6964 res=success'",
        )
        .unwrap();
        assert_eq!(r.text("msg"), Some("cwd=\"/root\" cmd=6964 res=success"));
    }

    #[test]
    fn broken_lines_are_errors() {
        for bad in [
            "hello world",
            "type=SYSCALL arch=x",
            "type=SYSCALL msg=audit(12.3:4",
            "type=SYSCALL msg=audit(12.3): a=1",
            "type=SYSCALL msg=audit(abc:4): a=1",
            "type=SYSCALL msg=audit(1.2:x): a=1",
            "typo=SYSCALL msg=audit(1.2:3):",
        ] {
            assert!(parse_line(bad).is_err(), "{bad}");
        }
    }
}
