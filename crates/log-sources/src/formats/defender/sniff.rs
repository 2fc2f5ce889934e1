//! Recognising the Defender and Sentinel export formats from an input's first bytes.
//!
//! Confidence levels (the highest claim in the registry wins): 90 for the streaming API's
//! own marker (`"AdvancedHunting-…"` categories), 70–80 for Sentinel rows (`Type` with
//! `TenantId`/`TimeGenerated`) and CSV headers of Defender columns, 60 for JSON rows with
//! Defender columns, and 20–30 for shapes any JSON/CSV source could have, so a
//! format-specific reader (Kubernetes audit, Falco, …) outranks them.

use super::{FORMAT_EVENTHUB, FORMAT_JSON, FORMAT_NDJSON, FORMAT_SENTINEL, FORMAT_STORAGE};
use crate::formats::SniffInput;
use crate::json::scan::Scanner;
use memchr::memmem;

/// Column names typical of Defender / Sentinel security tables.
const DEFENDER_KEYS: [&str; 10] = [
    "Timestamp",
    "TimeGenerated",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "FileName",
    "ProcessCommandLine",
    "InitiatingProcessFileName",
    "RemoteIP",
    "ReportId",
];

/// True when `"key"` followed by optional whitespace and `:` occurs in `text`.
fn has_key(text: &[u8], key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    memmem::find_iter(text, quoted.as_bytes()).any(|at| {
        text[at + quoted.len()..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            == Some(&b':')
    })
}

fn defender_keys(text: &[u8]) -> usize {
    DEFENDER_KEYS.iter().filter(|k| has_key(text, k)).count()
}

fn trim_start(b: &[u8]) -> &[u8] {
    let i = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[i..]
}

/// The Defender JSON format of an input and the confidence, if it is one.
pub fn classify_json(input: &SniffInput<'_>) -> Option<(&'static str, u8)> {
    let head = trim_start(input.head);
    let streaming = memmem::find(head, b"\"AdvancedHunting-").is_some();
    let sentinel =
        has_key(head, "Type") && (has_key(head, "TenantId") || has_key(head, "TimeGenerated"));
    match head.first()? {
        b'[' => Some((
            FORMAT_JSON,
            if streaming || sentinel || defender_keys(head) >= 2 {
                80
            } else {
                20
            },
        )),
        b'{' => {
            let nl = memchr::memchr(b'\n', head);
            let first = &head[..nl.unwrap_or(head.len())];
            let first = first.strip_suffix(b"\r").unwrap_or(first);
            let whole_line = std::str::from_utf8(first).is_ok_and(|t| {
                let mut s = Scanner::new(t);
                s.value().is_ok() && s.at_end()
            });
            // A first line longer than the head cannot be checked; compact JSON (`{"`) is a
            // record per line, pretty-printed JSON breaks the line right after `{`.
            let long_compact = nl.is_none() && !input.complete && head.starts_with(b"{\"");
            let wrapper = trim_start(&head[1..]).starts_with(b"\"records\"");
            if !(whole_line || long_compact) {
                let known = streaming || sentinel || defender_keys(head) >= 2;
                return known.then_some((FORMAT_JSON, 80));
            }
            if wrapper {
                Some((
                    FORMAT_EVENTHUB,
                    if streaming || defender_keys(first) >= 2 {
                        85
                    } else {
                        25
                    },
                ))
            } else if streaming {
                Some((FORMAT_STORAGE, 90))
            } else if has_key(first, "Type")
                && (has_key(first, "TenantId") || has_key(first, "TimeGenerated"))
            {
                Some((FORMAT_SENTINEL, 70))
            } else if defender_keys(first) >= 2 {
                Some((FORMAT_NDJSON, 60))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Confidence that the input is the portal CSV export.
pub fn classify_csv(input: &SniffInput<'_>) -> Option<u8> {
    let head = input.head;
    let first = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
    let first = std::str::from_utf8(first).ok()?;
    let ext_csv = input
        .path
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !first.contains(',') || first.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let known = first
        .trim_end()
        .split(',')
        .filter(|h| {
            let h = h.trim_matches('"');
            DEFENDER_KEYS.contains(&h) || h == "Type" || h == "TenantId"
        })
        .count();
    match (known >= 2, ext_csv) {
        (true, _) => Some(80),
        (false, true) => Some(30),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(head: &str) -> Option<(&'static str, u8)> {
        classify_json(&SniffInput {
            head: head.as_bytes(),
            complete: true,
            path: None,
        })
    }

    #[test]
    fn each_json_shape_gets_its_format() {
        assert_eq!(
            json("{\"time\":\"t\",\"category\":\"AdvancedHunting-DeviceProcessEvents\",\"properties\":{}}\n").map(|x| x.0),
            Some(FORMAT_STORAGE)
        );
        assert_eq!(
            json("{\"records\":[{\"category\":\"AdvancedHunting-DeviceProcessEvents\"}]}\n")
                .map(|x| x.0),
            Some(FORMAT_EVENTHUB)
        );
        assert_eq!(
            json(
                "{\"TenantId\":\"x\",\"TimeGenerated\":\"t\",\"Type\":\"DeviceProcessEvents\"}\r\n"
            )
            .map(|x| x.0),
            Some(FORMAT_SENTINEL)
        );
        assert_eq!(
            json("{\"Timestamp\":\"t\",\"DeviceName\":\"d\"}\n{}").map(|x| x.0),
            Some(FORMAT_NDJSON)
        );
        assert_eq!(
            json("{\n  \"records\": [\n {\"category\": \"AdvancedHunting-DeviceProcessEvents\"")
                .map(|x| x.0),
            Some(FORMAT_JSON)
        );
        assert_eq!(
            json("[{\"Timestamp\":\"t\",\"DeviceName\":\"d\"}]").map(|x| x.0),
            Some(FORMAT_JSON)
        );
        // JSON that is not Defender's is left to other readers.
        assert_eq!(
            json("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}\n"),
            None
        );
    }

    #[test]
    fn csv_header_of_defender_columns() {
        let i = SniffInput {
            head: b"Timestamp,DeviceName,ActionType\n2025-01-01T00:00:00Z,a,b\n",
            complete: true,
            path: None,
        };
        assert_eq!(classify_csv(&i), Some(80));
        let i = SniffInput {
            head: b"a,b\n1,2\n",
            complete: true,
            path: None,
        };
        assert_eq!(classify_csv(&i), None);
    }
}
