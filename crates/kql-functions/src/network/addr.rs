//! IPv4 and IPv6 addresses with their IP-prefix (CIDR) length, as the KQL network
//! functions read and write them.
//!
//! * IPv4 text is four decimal octets, optionally followed by `/prefix` (0–32); the address
//!   is masked by its own prefix, as `parse_ipv4('192.168.1.1/24')` is 3232235776 (DOCS
//!   `parse-ipv4-function.md`).
//! * IPv6 text is anything `std::net::Ipv6Addr` reads, optionally with `/prefix` (0–128).
//!   IPv4 addresses are IPv6 addresses in the IPv4-mapped block `::ffff:a.b.c.d`, and so is
//!   the IPv4-compatible spelling `::a.b.c.d`: DOCS `parse-ipv6-function.md` and
//!   `parse-ipv6-mask-function.md` give `0000:…:ffff:c0a8:ffff` for both `192.168.255.255`
//!   and `::192.168.255.255`. A prefix written after a dotted IPv4 part counts IPv4 bits
//!   (`::192.168.255.255/24` uses 120 bits, per the same page).

use std::net::Ipv6Addr;

/// An IPv4 address and the length of its network prefix (32 when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Net {
    /// The address, masked by the prefix.
    pub addr: u32,
    /// Number of significant leading bits, 0–32.
    pub prefix: u8,
}

/// An IPv6 address and the length of its network prefix (128 when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Net {
    /// The address, masked by the prefix.
    pub addr: u128,
    /// Number of significant leading bits, 0–128.
    pub prefix: u8,
}

/// The IPv4 netmask of `prefix` leading one bits (`prefix` ≥ 32 keeps every bit).
pub fn mask_v4(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32u32.saturating_sub(u32::from(prefix)))
        .unwrap_or(0)
}

/// The IPv6 netmask of `prefix` leading one bits (`prefix` ≥ 128 keeps every bit).
pub fn mask_v6(prefix: u8) -> u128 {
    u128::MAX
        .checked_shl(128u32.saturating_sub(u32::from(prefix)))
        .unwrap_or(0)
}

/// Four dotted decimal octets (no prefix), e.g. `10.0.0.1`.
pub fn parse_ipv4_addr(text: &str) -> Option<u32> {
    let mut parts = text.split('.');
    let mut value: u32 = 0;
    for _ in 0..4 {
        value = (value << 8) | u32::from(parse_octet(parts.next()?)?);
    }
    parts.next().is_none().then_some(value)
}

/// One to three decimal digits, at most 255.
fn parse_octet(text: &str) -> Option<u8> {
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A prefix length of at most `max` bits.
fn parse_prefix(text: &str, max: u8) -> Option<u8> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u8>().ok().filter(|p| *p <= max)
}

/// Splits `address/prefix` (surrounding blanks ignored).
fn split_prefix(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    match text.split_once('/') {
        Some((addr, prefix)) => (addr.trim(), Some(prefix)),
        None => (text, None),
    }
}

/// IPv4 text with an optional `/prefix`; `None` when it is not one.
pub fn parse_ipv4_net(text: &str) -> Option<Ipv4Net> {
    let (addr, prefix) = split_prefix(text);
    let prefix = match prefix {
        Some(p) => parse_prefix(p, 32)?,
        None => 32,
    };
    let addr = parse_ipv4_addr(addr)? & mask_v4(prefix);
    Some(Ipv4Net { addr, prefix })
}

/// The IPv4-mapped IPv6 address of an IPv4 address (`::ffff:a.b.c.d`).
fn mapped(v4: u32) -> u128 {
    (0xffff_u128 << 32) | u128::from(v4)
}

/// IPv6 or IPv4 text with an optional `/prefix`; `None` when it is neither.
pub fn parse_ipv6_net(text: &str) -> Option<Ipv6Net> {
    let (addr_text, prefix_text) = split_prefix(text);
    let (addr, dotted) = match parse_ipv4_addr(addr_text) {
        Some(v4) => (mapped(v4), true),
        None => {
            let v6 = u128::from(addr_text.parse::<Ipv6Addr>().ok()?);
            let dotted = addr_text.contains('.');
            // `::a.b.c.d` (IPv4-compatible) is read as the mapped `::ffff:a.b.c.d`.
            if dotted && v6 >> 32 == 0 {
                (mapped(v6 as u32), true)
            } else {
                (v6, dotted)
            }
        }
    };
    let prefix = match prefix_text {
        None => 128,
        Some(p) => {
            let p = parse_prefix(p, 128)?;
            if dotted && p <= 32 { p + 96 } else { p }
        }
    };
    Some(Ipv6Net {
        addr: addr & mask_v6(prefix),
        prefix,
    })
}

/// Dotted-decimal text of an IPv4 address.
pub fn format_ipv4(addr: u32) -> String {
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// The canonical IPv6 text Kusto prints: eight groups of four lower-case hex digits.
pub fn format_ipv6(addr: u128) -> String {
    let groups: Vec<String> = (0..8)
        .rev()
        .map(|i| format!("{:04x}", (addr >> (16 * i)) & 0xffff))
        .collect();
    groups.join(":")
}

/// Compares two IPv4 networks on the bits both prefixes (and `prefix`, if given) cover.
pub fn compare_v4(a: Ipv4Net, b: Ipv4Net, prefix: Option<u8>) -> std::cmp::Ordering {
    let bits = a.prefix.min(b.prefix).min(prefix.unwrap_or(32));
    let mask = mask_v4(bits);
    (a.addr & mask).cmp(&(b.addr & mask))
}

/// Compares two IPv6 networks on the bits both prefixes (and `prefix`, if given) cover.
pub fn compare_v6(a: Ipv6Net, b: Ipv6Net, prefix: Option<u8>) -> std::cmp::Ordering {
    let bits = a.prefix.min(b.prefix).min(prefix.unwrap_or(128));
    let mask = mask_v6(bits);
    (a.addr & mask).cmp(&(b.addr & mask))
}

/// Whether `addr` lies in the network `range` (only the range's prefix counts).
pub fn in_range_v4(addr: Ipv4Net, range: Ipv4Net) -> bool {
    let mask = mask_v4(range.prefix);
    addr.addr & mask == range.addr & mask
}

/// Whether `addr` lies in the network `range` (only the range's prefix counts).
pub fn in_range_v6(addr: Ipv6Net, range: Ipv6Net) -> bool {
    let mask = mask_v6(range.prefix);
    addr.addr & mask == range.addr & mask
}

/// The private IPv4 networks of RFC 1918, listed in DOCS `ipv4-is-private-function.md`.
const PRIVATE_V4: [(u32, u8); 3] = [
    (0x0A00_0000, 8),  // 10.0.0.0/8
    (0xAC10_0000, 12), // 172.16.0.0/12
    (0xC0A8_0000, 16), // 192.168.0.0/16
];

/// Whether the address is in one of the private IPv4 networks.
pub fn is_private_v4(addr: u32) -> bool {
    PRIVATE_V4
        .iter()
        .any(|&(net, prefix)| addr & mask_v4(prefix) == net)
}

/// The IPv4 addresses written in `text`: maximal runs of digits and dots with no letter or
/// digit on either side (DOCS `has-ipv4-function.md`: "properly delimited with
/// non-alphanumeric characters", so `54127.0.0.1` holds no `127.0.0.1`), without leading or
/// trailing dots, that read as four octets.
pub fn ipv4_in_text(text: &str) -> impl Iterator<Item = u32> + '_ {
    let is_part = |c: char| c.is_ascii_digit() || c == '.';
    let mut rest = text;
    let mut before: Option<char> = None;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(is_part)?;
            if let Some(c) = rest.get(..start).and_then(|s| s.chars().next_back()) {
                before = Some(c);
            }
            let run_and_after = rest.get(start..)?;
            let len = run_and_after
                .find(|c| !is_part(c))
                .unwrap_or(run_and_after.len());
            let run = run_and_after.get(..len)?;
            let after = run_and_after.get(len..)?.chars().next();
            rest = run_and_after.get(len..)?;
            let delimited = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            if delimited && let Some(addr) = parse_ipv4_addr(run.trim_matches('.')) {
                return Some(addr);
            }
        }
    })
}

/// A prefix `has_ipv4_prefix` accepts: a whole IPv4 address, or one to three octets each
/// followed by a dot (`192.`, `192.168.`, `192.168.1.`; DOCS `has-ipv4-prefix-function.md`).
/// Returns the octets given.
pub fn parse_ipv4_text_prefix(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if let Some(addr) = parse_ipv4_addr(text) {
        return Some(addr.to_be_bytes().to_vec());
    }
    let body = text.strip_suffix('.')?;
    let octets = body
        .split('.')
        .map(parse_octet)
        .collect::<Option<Vec<u8>>>()?;
    (1..=3).contains(&octets.len()).then_some(octets)
}

/// Whether `addr` starts with the `octets` of a text prefix.
pub fn starts_with_octets(addr: u32, octets: &[u8]) -> bool {
    addr.to_be_bytes().iter().zip(octets).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_text_and_prefixes() {
        // DOCS parse-ipv4-function.md.
        assert_eq!(
            parse_ipv4_net("192.168.1.1").map(|n| n.addr),
            Some(3_232_235_777)
        );
        assert_eq!(
            parse_ipv4_net("192.168.1.1/24").map(|n| n.addr),
            Some(3_232_235_776)
        );
        assert_eq!(
            parse_ipv4_net("255.255.255.255/31").map(|n| n.addr),
            Some(4_294_967_294)
        );
        for bad in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.4/33",
            "a.b.c.d",
            "1.2.3.4/",
        ] {
            assert_eq!(parse_ipv4_net(bad), None, "{bad}");
        }
        assert_eq!(mask_v4(0), 0);
        assert_eq!(mask_v4(32), u32::MAX);
        assert_eq!(mask_v6(0), 0);
        assert_eq!(mask_v6(128), u128::MAX);
    }

    #[test]
    fn ipv6_canonical_text() {
        // DOCS parse-ipv6-function.md and parse-ipv6-mask-function.md.
        let canon = |s: &str| parse_ipv6_net(s).map(|n| format_ipv6(n.addr));
        assert_eq!(
            canon("192.168.255.255").as_deref(),
            Some("0000:0000:0000:0000:0000:ffff:c0a8:ffff")
        );
        assert_eq!(
            canon("192.168.255.255/24").as_deref(),
            Some("0000:0000:0000:0000:0000:ffff:c0a8:ff00")
        );
        assert_eq!(
            canon("fe80::85d:e82c:9446:7994").as_deref(),
            Some("fe80:0000:0000:0000:085d:e82c:9446:7994")
        );
        assert_eq!(
            canon("::192.168.255.255").as_deref(),
            Some("0000:0000:0000:0000:0000:ffff:c0a8:ffff")
        );
        assert_eq!(
            canon("::192.168.255.255/24").as_deref(),
            Some("0000:0000:0000:0000:0000:ffff:c0a8:ff00")
        );
        assert_eq!(canon("fe80::1/129"), None);
        assert_eq!(canon("not an address"), None);
    }

    #[test]
    fn addresses_found_in_text() {
        // DOCS has-ipv4-function.md.
        let found = |t: &str| ipv4_in_text(t).map(format_ipv4).collect::<Vec<_>>();
        assert_eq!(
            found("05:04:54 127.0.0.1 GET /favicon.ico 404"),
            ["127.0.0.1"]
        );
        assert!(found("05:04:54 127.0.0.256 GET /favicon.ico 404").is_empty());
        assert!(found("05:04:54127.0.0.1 GET /favicon.ico 404").is_empty());
        assert_eq!(
            found("These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201."),
            ["192.168.1.1", "10.1.1.115", "10.1.1.201"]
        );
        assert!(found("x127.0.0.1").is_empty());
        assert_eq!(found("é 1.2.3.4"), ["1.2.3.4"]);
        // DOCS has-ipv4-prefix-function.md: `127.0.` is a prefix, `127.0` is not.
        assert_eq!(parse_ipv4_text_prefix("127.0."), Some(vec![127, 0]));
        assert_eq!(parse_ipv4_text_prefix("127.0"), None);
        assert_eq!(parse_ipv4_text_prefix("1.2.3.4.5."), None);
        assert!(starts_with_octets(0x7F00_0001, &[127, 0]));
        assert!(!starts_with_octets(0x7F00_0001, &[127, 1]));
    }
}
