//! The named transforms a mapping file may apply to a source value.
//!
//! The set is deliberately small: each transform is a documented, tested conversion that
//! the format documentation calls for (`basename` of an image path, `DOMAIN\user` splitting,
//! Sysmon's hex `LogonId`, the `Hashes` list, timestamps in the formats the sources write).
//! Anything more involved (auditd argument decoding, request-URI parsing) is done by the
//! reader, which hands the result to the mapping as a derived field.

use crate::record::Value;
use chrono::{DateTime, NaiveDateTime};
use std::collections::BTreeMap;

/// Which half of `DOMAIN\user` [`Transform::SplitDomainUser`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserPart {
    /// The part before the first `\` (null when there is no `\`).
    Domain,
    /// The part after the first `\` (the whole value when there is no `\`).
    Name,
}

/// A named transform, as written in a mapping file.
#[derive(Debug, Clone, PartialEq)]
pub enum Transform {
    /// Last path component, splitting on `/` and `\` (`C:\x\a.exe` → `a.exe`, `/bin/sh` →
    /// `sh`). Defender's `FileName` is the image name without its folder.
    Basename,
    /// `DOMAIN\user` → one of its halves (`split_domain_user: domain|name`).
    SplitDomainUser(UserPart),
    /// `0xa478c` (or `a478c`) → 673676: Sysmon writes `LogonId` in hex, Defender stores a long.
    HexToLong,
    /// A timestamp in any of the textual forms the sources write (RFC 3339 with any number of
    /// fractional digits, `YYYY-MM-DD hh:mm:ss.fff` as UTC, `+0000` offsets) → datetime.
    ParseTime,
    /// Seconds since the epoch with a decimal fraction (`1741083302.441`, auditd) → datetime,
    /// without going through floating point.
    EpochSeconds,
    /// Nanoseconds since the epoch as an integer (Falco `evt.time`) → datetime.
    EpochNanos,
    /// Decodes XML character and entity references (`&amp;`, `&#39;`, `&#x41;`), for text
    /// that reached kqlhunt still escaped (a forwarder that copied the XML text verbatim).
    XmlUnescape,
    /// The value becomes null when it equals the argument (`null_if: "-"`: Sysmon's marker
    /// for an unknown field).
    NullIf(String),
    /// Picks one algorithm out of a Sysmon `Hashes` list (`MD5=…,SHA256=…,IMPHASH=…`).
    Hash(String),
    /// Looks the value up in a table; values not in the table become null.
    Map(BTreeMap<String, String>),
    /// First letter upper-case, the rest lower-case (`tcp` → `Tcp`, Defender's `Protocol`).
    Capitalize,
    /// The product token of an HTTP user agent (`kubectl/v1.29.3 (linux/amd64) …` →
    /// `kubectl`).
    UserAgentProduct,
}

/// Why a transform could not convert a value.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformError {
    /// What the transform expected (`"hex number"`, `"timestamp"`, ...).
    pub expected: &'static str,
    /// The value it got, as text.
    pub found: String,
}

impl Transform {
    /// Parses a transform as written in YAML: a bare name (`basename`) or a one-key map whose
    /// value is the argument (`null_if: "-"`, `hash: SHA256`, `map: {tcp: Tcp}`).
    pub fn from_yaml(v: &serde_yaml::Value) -> Result<Self, String> {
        use serde_yaml::Value as Y;
        match v {
            Y::String(name) => match name.as_str() {
                "basename" => Ok(Self::Basename),
                "hex_to_long" => Ok(Self::HexToLong),
                "parse_time" => Ok(Self::ParseTime),
                "epoch_seconds" => Ok(Self::EpochSeconds),
                "epoch_nanos" => Ok(Self::EpochNanos),
                "xml_unescape" => Ok(Self::XmlUnescape),
                "capitalize" => Ok(Self::Capitalize),
                "user_agent_product" => Ok(Self::UserAgentProduct),
                "split_domain_user" | "null_if" | "hash" | "map" => Err(format!(
                    "transform `{name}` needs an argument (`{name}: …`)"
                )),
                other => Err(format!("unknown transform `{other}`")),
            },
            Y::Mapping(m) if m.len() == 1 => {
                let Some((k, arg)) = m.iter().next() else {
                    return Err("empty transform".into());
                };
                let Some(name) = k.as_str() else {
                    return Err("a transform name must be a string".into());
                };
                let text_arg = || -> Result<String, String> {
                    yaml_scalar_text(arg)
                        .ok_or_else(|| format!("transform `{name}` needs a scalar argument"))
                };
                match name {
                    "split_domain_user" => match text_arg()?.as_str() {
                        "domain" => Ok(Self::SplitDomainUser(UserPart::Domain)),
                        "name" => Ok(Self::SplitDomainUser(UserPart::Name)),
                        o => Err(format!(
                            "split_domain_user takes `domain` or `name`, not `{o}`"
                        )),
                    },
                    "null_if" => Ok(Self::NullIf(text_arg()?)),
                    "hash" => {
                        let algo = text_arg()?;
                        if algo.is_empty() {
                            return Err("hash needs an algorithm name".into());
                        }
                        Ok(Self::Hash(algo))
                    }
                    "map" => {
                        let Y::Mapping(table) = arg else {
                            return Err("map needs a table (`map: {from: to}`)".into());
                        };
                        let mut out = BTreeMap::new();
                        for (from, to) in table {
                            match (yaml_scalar_text(from), yaml_scalar_text(to)) {
                                (Some(f), Some(t)) => {
                                    out.insert(f, t);
                                }
                                _ => return Err("map keys and values must be scalars".into()),
                            }
                        }
                        Ok(Self::Map(out))
                    }
                    other => Err(format!(
                        "unknown transform `{other}` (or it takes no argument)"
                    )),
                }
            }
            _ => Err("a transform is a name or a one-key map `name: argument`".into()),
        }
    }

    /// Applies the transform. Null stays null; a value of the wrong shape is an error the
    /// engine reports as a wrong-typed cell.
    pub fn apply(&self, v: Value) -> Result<Value, TransformError> {
        if matches!(v, Value::Null) {
            return Ok(Value::Null);
        }
        match self {
            Self::Basename => Ok(non_empty(basename(&text(&v)))),
            Self::SplitDomainUser(part) => {
                let s = text(&v);
                Ok(match (s.split_once('\\'), part) {
                    (Some((d, _)), UserPart::Domain) => non_empty(d),
                    (Some((_, n)), UserPart::Name) => non_empty(n),
                    (None, UserPart::Domain) => Value::Null,
                    (None, UserPart::Name) => non_empty(&s),
                })
            }
            Self::HexToLong => match v {
                Value::Long(n) => Ok(Value::Long(n)),
                other => {
                    let s = text(&other);
                    let t = s.trim();
                    let digits = t
                        .strip_prefix("0x")
                        .or_else(|| t.strip_prefix("0X"))
                        .unwrap_or(t);
                    // u64 first: a 64-bit id with the top bit set is still an id.
                    u64::from_str_radix(digits, 16)
                        .map(|n| Value::Long(n as i64))
                        .map_err(|_| err("hex number", &s))
                }
            },
            Self::ParseTime => match v {
                Value::DateTime(n) => Ok(Value::DateTime(n)),
                other => {
                    let s = text(&other);
                    parse_time(&s)
                        .map(Value::DateTime)
                        .ok_or_else(|| err("timestamp", &s))
                }
            },
            Self::EpochSeconds => {
                let s = text(&v);
                epoch_seconds(&s)
                    .map(Value::DateTime)
                    .ok_or_else(|| err("seconds since the epoch", &s))
            }
            Self::EpochNanos => match v {
                Value::Long(n) => Ok(Value::DateTime(n)),
                other => {
                    let s = text(&other);
                    s.trim()
                        .parse::<i64>()
                        .map(Value::DateTime)
                        .map_err(|_| err("nanoseconds since the epoch", &s))
                }
            },
            Self::XmlUnescape => Ok(Value::String(xml_unescape(&text(&v)))),
            Self::NullIf(marker) => Ok(if text(&v) == *marker { Value::Null } else { v }),
            Self::Hash(algo) => Ok(pick_hash(&text(&v), algo)
                .map(|h| Value::String(h.to_string()))
                .unwrap_or(Value::Null)),
            Self::Map(table) => Ok(table
                .get(&text(&v))
                .map(|s| Value::String(s.clone()))
                .unwrap_or(Value::Null)),
            Self::Capitalize => {
                let s = text(&v);
                let mut chars = s.chars();
                Ok(match chars.next() {
                    Some(first) => Value::String(
                        first
                            .to_uppercase()
                            .chain(chars.flat_map(char::to_lowercase))
                            .collect(),
                    ),
                    None => Value::Null,
                })
            }
            Self::UserAgentProduct => {
                let s = text(&v);
                let token = s.split_whitespace().next().unwrap_or("");
                let product = token.split('/').next().unwrap_or("");
                Ok(non_empty(product))
            }
        }
    }
}

fn err(expected: &'static str, found: &str) -> TransformError {
    TransformError {
        expected,
        found: found.chars().take(80).collect(),
    }
}

fn non_empty(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_string())
    }
}

fn yaml_scalar_text(v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Y;
    match v {
        Y::String(s) => Some(s.clone()),
        Y::Bool(b) => Some(b.to_string()),
        Y::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A value as text, the way transforms that work on strings see it.
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Long(n) => n.to_string(),
        Value::Real(r) => r.to_string(),
        Value::String(s) => s.clone(),
        Value::DateTime(n) => format_time(*n),
        Value::Timespan(n) => n.to_string(),
        Value::Dynamic(serde_json::Value::String(s)) => s.clone(),
        Value::Dynamic(j) => j.to_string(),
    }
}

/// The last component of a path, on either separator.
pub fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Parses the timestamp forms the supported sources write; nanoseconds since the epoch, UTC.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return t.timestamp_nanos_opt();
    }
    // Falco's text output and some exporters write `+0000` instead of `+00:00`.
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return t.timestamp_nanos_opt();
        }
    }
    // Sysmon's `UtcTime` (`2021-10-16 00:41:20.017`) has no zone and is UTC by definition.
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return t.and_utc().timestamp_nanos_opt();
        }
    }
    None
}

/// `1741083302.441` → nanoseconds, exactly (up to nine fractional digits).
pub fn epoch_seconds(s: &str) -> Option<i64> {
    let s = s.trim();
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    let mut nanos: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        nanos += i64::from(b - b'0') * 10i64.pow(8 - i as u32);
    }
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// RFC 3339 text of a nanosecond timestamp (for string columns fed a datetime).
pub fn format_time(nanos: i64) -> String {
    DateTime::from_timestamp_nanos(nanos).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Decodes the five predefined XML entities and numeric character references; anything
/// else (an unknown entity, a stray `&`) is kept as written.
pub fn xml_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse::<u32>().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            ch.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One algorithm's digest out of `MD5=…,SHA256=…` (algorithm names compared without case).
pub fn pick_hash<'a>(hashes: &'a str, algo: &str) -> Option<&'a str> {
    hashes
        .split(',')
        .filter_map(|part| part.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case(algo))
        .map(|(_, digest)| digest.trim())
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    fn yaml(text: &str) -> Transform {
        let v: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        Transform::from_yaml(&v).unwrap()
    }

    #[test]
    fn basename_splits_on_both_separators() {
        let t = Transform::Basename;
        assert_eq!(t.apply(s("/usr/bin/docker")), Ok(s("docker")));
        assert_eq!(
            t.apply(s(r"C:\Windows\System32\whoami.exe")),
            Ok(s("whoami.exe"))
        );
        assert_eq!(t.apply(s("curl")), Ok(s("curl")));
        assert_eq!(t.apply(s("/dir/")), Ok(Value::Null));
        assert_eq!(t.apply(Value::Null), Ok(Value::Null));
    }

    #[test]
    fn split_domain_user_takes_the_first_backslash() {
        let d = Transform::SplitDomainUser(UserPart::Domain);
        let n = Transform::SplitDomainUser(UserPart::Name);
        assert_eq!(d.apply(s(r"NT AUTHORITY\SYSTEM")), Ok(s("NT AUTHORITY")));
        assert_eq!(n.apply(s(r"NT AUTHORITY\SYSTEM")), Ok(s("SYSTEM")));
        assert_eq!(n.apply(s(r"CORP\a\b")), Ok(s(r"a\b")));
        assert_eq!(d.apply(s("root")), Ok(Value::Null));
        assert_eq!(n.apply(s("root")), Ok(s("root")));
        assert_eq!(yaml("split_domain_user: domain"), d);
    }

    #[test]
    fn hex_to_long_reads_sysmon_logon_ids() {
        let t = Transform::HexToLong;
        assert_eq!(t.apply(s("0xa478c")), Ok(Value::Long(0xa478c)));
        assert_eq!(t.apply(s("0x3E7")), Ok(Value::Long(999)));
        assert_eq!(t.apply(s("ff")), Ok(Value::Long(255)));
        assert_eq!(
            t.apply(s("0xFFFFFFFFFFFFFFFF")),
            Ok(Value::Long(-1)),
            "a full 64-bit id keeps its bits"
        );
        let e = t.apply(s("0xZZ")).unwrap_err();
        assert_eq!(e.expected, "hex number");
        assert_eq!(e.found, "0xZZ");
    }

    #[test]
    fn parse_time_accepts_the_source_forms() {
        let t = Transform::ParseTime;
        // 2021-10-16T00:41:20.017Z = 1634344880.017 s.
        let sysmon = 1_634_344_880_017_000_000;
        assert_eq!(
            t.apply(s("2021-10-16 00:41:20.017")),
            Ok(Value::DateTime(sysmon))
        );
        assert_eq!(
            t.apply(s("2021-10-16T00:41:20.017Z")),
            Ok(Value::DateTime(sysmon))
        );
        assert_eq!(
            t.apply(s("2021-10-16T02:41:20.017+02:00")),
            Ok(Value::DateTime(sysmon))
        );
        assert_eq!(
            t.apply(s("2021-10-16T00:41:20.017000123+0000")),
            Ok(Value::DateTime(sysmon + 123))
        );
        assert_eq!(
            t.apply(s("2023-10-06T22:03:57.700327580Z")),
            Ok(Value::DateTime(1_696_629_837_700_327_580))
        );
        assert!(t.apply(s("yesterday")).is_err());
    }

    #[test]
    fn epoch_transforms_are_exact() {
        assert_eq!(
            Transform::EpochSeconds.apply(s("1741083302.441")),
            Ok(Value::DateTime(1_741_083_302_441_000_000))
        );
        assert_eq!(
            Transform::EpochSeconds.apply(s("1741083302")),
            Ok(Value::DateTime(1_741_083_302_000_000_000))
        );
        assert!(Transform::EpochSeconds.apply(s("17x.1")).is_err());
        assert!(Transform::EpochSeconds.apply(s("-1.5")).is_err());
        assert_eq!(
            Transform::EpochNanos.apply(Value::Long(1_623_612_958_532_086_161)),
            Ok(Value::DateTime(1_623_612_958_532_086_161))
        );
    }

    #[test]
    fn xml_unescape_decodes_entities_and_references() {
        let t = Transform::XmlUnescape;
        assert_eq!(
            t.apply(s("a &amp;&amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;")),
            Ok(s("a && b <c> \"d\" 'e'"))
        );
        assert_eq!(t.apply(s("&#65;&#x42;&#x20AC;")), Ok(s("AB€")));
        assert_eq!(t.apply(s("AT&T &bogus; &")), Ok(s("AT&T &bogus; &")));
        assert_eq!(t.apply(s("&#xD800;")), Ok(s("&#xD800;")), "not a char");
    }

    #[test]
    fn null_if_hash_map_capitalize_user_agent() {
        assert_eq!(yaml("null_if: \"-\"").apply(s("-")), Ok(Value::Null));
        assert_eq!(yaml("null_if: \"-\"").apply(s("-x")), Ok(s("-x")));

        let hashes = "MD5=852D67A27E454BD389FA7F02A8CBE23F,SHA256=A8FDBA9D,IMPHASH=F2C0E8A5";
        assert_eq!(
            yaml("hash: MD5").apply(s(hashes)),
            Ok(s("852D67A27E454BD389FA7F02A8CBE23F"))
        );
        assert_eq!(yaml("hash: sha256").apply(s(hashes)), Ok(s("A8FDBA9D")));
        assert_eq!(yaml("hash: SHA1").apply(s(hashes)), Ok(Value::Null));
        assert_eq!(yaml("hash: SHA1").apply(s("-")), Ok(Value::Null));

        let m = yaml("map: {true: ConnectionSuccess, false: InboundConnectionAccepted}");
        assert_eq!(m.apply(s("true")), Ok(s("ConnectionSuccess")));
        assert_eq!(
            m.apply(Value::Bool(false)),
            Ok(s("InboundConnectionAccepted"))
        );
        assert_eq!(m.apply(s("maybe")), Ok(Value::Null));

        assert_eq!(Transform::Capitalize.apply(s("tcp")), Ok(s("Tcp")));
        assert_eq!(Transform::Capitalize.apply(s("UDP")), Ok(s("Udp")));

        let ua = Transform::UserAgentProduct;
        assert_eq!(
            ua.apply(s("kubectl/v1.29.3 (linux/amd64) kubernetes/6813625")),
            Ok(s("kubectl"))
        );
        assert_eq!(
            ua.apply(s("kubectl.exe/v1.34.1 (windows/amd64) kubernetes/93248f9")),
            Ok(s("kubectl.exe"))
        );
        assert_eq!(ua.apply(s("Go-http-client/2.0")), Ok(s("Go-http-client")));
        assert_eq!(ua.apply(s("")), Ok(Value::Null));
    }

    #[test]
    fn bad_transform_specs_are_errors() {
        for bad in [
            "frobnicate",
            "hash",
            "split_domain_user: both",
            "map: x",
            "[1, 2]",
        ] {
            let v: serde_yaml::Value = serde_yaml::from_str(bad).unwrap();
            assert!(Transform::from_yaml(&v).is_err(), "{bad}");
        }
    }
}
