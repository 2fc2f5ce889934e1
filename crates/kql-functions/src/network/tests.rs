//! The network functions on the examples of their documentation pages (named per case).

use crate::test_util::{TArg, call};
use arrow::array::{ArrayRef, AsArray, Int64Array, StringArray};
use arrow::datatypes::Int64Type;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use std::sync::Arc;

fn texts(values: &[&str]) -> TArg {
    TArg::Col(
        T::String,
        Arc::new(StringArray::from(values.to_vec())) as ArrayRef,
    )
}

fn longs(values: &[i64]) -> TArg {
    TArg::Col(T::Long, Arc::new(Int64Array::from(values.to_vec())))
}

fn text(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn dynamic(json: &str) -> TArg {
    TArg::Lit(T::Dynamic, ScalarValue::from(json))
}

fn bools(name: &str, args: Vec<TArg>) -> Vec<Option<bool>> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Bool);
    out.as_boolean().iter().collect()
}

fn long_values(name: &str, args: Vec<TArg>) -> Vec<Option<i64>> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::Long);
    out.as_primitive::<Int64Type>().iter().collect()
}

fn strings(name: &str, args: Vec<TArg>) -> Vec<String> {
    let (ty, out) = call(name, args).unwrap();
    assert_eq!(ty, T::String);
    out.as_string::<i32>()
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect()
}

#[test]
fn ipv4_is_private_documented() {
    // DOCS ipv4-is-private-function.md (both the table and the introductory list).
    assert_eq!(
        bools(
            "ipv4_is_private",
            vec![texts(&[
                "10.1.2.3",
                "192.168.1.1/24",
                "127.0.0.1",
                "10.1.2.3/24",
                "202.1.2.3",
                "172.31.255.255",
                "172.32.0.1",
                "not an ip",
                "",
            ])]
        ),
        [
            Some(true),
            Some(true),
            Some(false),
            Some(true),
            Some(false),
            Some(true),
            Some(false),
            None,
            None
        ]
    );
}

#[test]
fn ipv4_compare_and_match_documented() {
    // DOCS ipv4-compare-function.md and ipv4-is-match-function.md, both tables.
    let left = [
        "192.168.1.0",
        "192.168.1.1/24",
        "192.168.1.1",
        "192.168.1.1/30",
    ];
    let right = [
        "192.168.1.0",
        "192.168.1.255",
        "192.168.1.255/24",
        "192.168.1.255/24",
    ];
    assert_eq!(
        long_values("ipv4_compare", vec![texts(&left), texts(&right)]),
        [Some(0); 4]
    );
    assert_eq!(
        bools("ipv4_is_match", vec![texts(&left), texts(&right)]),
        [Some(true); 4]
    );
    let left = ["192.168.1.1", "192.168.1.1/24", "192.168.1.1"];
    let right = ["192.168.1.0", "192.168.1.255", "192.168.1.255"];
    let prefix = [31, 31, 24];
    assert_eq!(
        long_values(
            "ipv4_compare",
            vec![texts(&left), texts(&right), longs(&prefix)]
        ),
        [Some(0); 3]
    );
    assert_eq!(
        bools(
            "ipv4_is_match",
            vec![texts(&left), texts(&right), longs(&prefix)]
        ),
        [Some(true); 3]
    );
    // DOCS ipv4-is-match-function.md, "Simple example".
    assert_eq!(
        bools(
            "ipv4_is_match",
            vec![text("192.168.1.1/24"), text("192.168.1.255")]
        ),
        [Some(true)]
    );
    // Order, and null for what does not parse.
    assert_eq!(
        long_values(
            "ipv4_compare",
            vec![
                texts(&["10.0.0.1", "10.0.0.2", "x", "10.0.0.1"]),
                texts(&["10.0.0.2", "10.0.0.1", "10.0.0.1", "10.0.0.1"]),
                longs(&[32, 32, 32, 33]),
            ]
        ),
        [Some(-1), Some(1), None, None]
    );
}

#[test]
fn ipv4_ranges_documented() {
    // DOCS ipv4-is-in-range-function.md.
    assert_eq!(
        bools(
            "ipv4_is_in_range",
            vec![
                texts(&["192.168.1.1", "192.168.1.1"]),
                texts(&["192.168.1.1", "192.168.1.255/24"])
            ]
        ),
        [Some(true), Some(true)]
    );
    // DOCS ipv4-is-in-any-range-function.md, all three examples.
    assert_eq!(
        bools(
            "ipv4_is_in_any_range",
            vec![
                text("192.168.1.6"),
                text("192.168.1.1/24"),
                text("10.0.0.1/8"),
                text("127.1.0.1/16")
            ]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools(
            "ipv4_is_in_any_range",
            vec![
                text("127.0.0.1"),
                dynamic(r#"["127.0.0.1", "192.168.1.1"]"#)
            ]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools(
            "ipv4_is_in_any_range",
            vec![
                texts(&["10.1.2.3", "192.168.1.5", "123.1.11.21", "1.1.1.1"]),
                dynamic(r#"["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]"#)
            ]
        ),
        [Some(true), Some(true), Some(false), Some(false)]
    );
    assert_eq!(
        bools(
            "ipv4_is_in_any_range",
            vec![text("bad"), dynamic(r#"["10.0.0.0/8"]"#)]
        ),
        [None]
    );
}

#[test]
fn parse_and_format_ipv4_documented() {
    // DOCS parse-ipv4-function.md.
    assert_eq!(
        long_values(
            "parse_ipv4",
            vec![texts(&[
                "192.168.1.1",
                "192.168.1.1/24",
                "255.255.255.255/31",
                "1.2.3"
            ])]
        ),
        [
            Some(3_232_235_777),
            Some(3_232_235_776),
            Some(4_294_967_294),
            None
        ]
    );
    // DOCS parse-ipv4-mask-function.md: 127.0.0.1 with 24 bits is 127.0.0.0.
    assert_eq!(
        long_values(
            "parse_ipv4_mask",
            vec![
                text("127.0.0.1"),
                TArg::Lit(T::Int, ScalarValue::Int32(Some(24)))
            ]
        ),
        [Some(2_130_706_432)]
    );
    // DOCS format-ipv4-function.md and format-ipv4-mask-function.md (same table).
    let addresses = [
        "192.168.1.1",
        "192.168.1.1",
        "192.168.1.1/24",
        "192.168.1.1/24",
    ];
    let masks = [24, 32, 32, -1];
    assert_eq!(
        strings("format_ipv4", vec![texts(&addresses), longs(&masks)]),
        ["192.168.1.0", "192.168.1.1", "192.168.1.0", ""]
    );
    assert_eq!(
        strings("format_ipv4_mask", vec![texts(&addresses), longs(&masks)]),
        ["192.168.1.0/24", "192.168.1.1/32", "192.168.1.0/24", ""]
    );
    // The number form, big-endian.
    assert_eq!(
        strings(
            "format_ipv4",
            vec![TArg::Lit(T::Long, ScalarValue::Int64(Some(3_232_235_777)))]
        ),
        ["192.168.1.1"]
    );
    // DOCS ipv4-netmask-suffix-function.md.
    assert_eq!(
        long_values(
            "ipv4_netmask_suffix",
            vec![texts(&["10.1.2.3", "192.168.1.1/24", "127.0.0.1/16", "x"])]
        ),
        [Some(32), Some(24), Some(16), None]
    );
}

#[test]
fn ipv6_documented() {
    // DOCS ipv6-compare-function.md and ipv6-is-match-function.md, first tables.
    let left = [
        "192.168.1.1",
        "192.168.1.1/24",
        "192.168.1.1",
        "192.168.1.1/30",
        "fe80::85d:e82c:9446:7994",
        "fe80::85d:e82c:9446:7994/120",
        "fe80::85d:e82c:9446:7994",
        "fe80::85d:e82c:9446:7994/120",
        "192.168.1.1",
        "192.168.1.1/24",
        "::ffff:c0a8:0101",
        "::192.168.1.1/30",
    ];
    let right = [
        "192.168.1.1",
        "192.168.1.255",
        "192.168.1.255/24",
        "192.168.1.255/24",
        "fe80::85d:e82c:9446:7994",
        "fe80::85d:e82c:9446:7998",
        "fe80::85d:e82c:9446:7998/120",
        "fe80::85d:e82c:9446:7998/120",
        "::ffff:c0a8:0101",
        "::ffff:c0a8:01ff",
        "192.168.1.255/24",
        "192.168.1.255/24",
    ];
    assert_eq!(
        long_values("ipv6_compare", vec![texts(&left), texts(&right)]),
        [Some(0); 12]
    );
    assert_eq!(
        bools("ipv6_is_match", vec![texts(&left), texts(&right)]),
        [Some(true); 12]
    );
    // Second tables, with a prefix argument.
    let left = [
        "192.168.1.1",
        "192.168.1.1/24",
        "192.168.1.1",
        "fe80::85d:e82c:9446:7994",
        "fe80::85d:e82c:9446:7994/127",
        "fe80::85d:e82c:9446:7994/120",
        "192.168.1.1/24",
        "::ffff:c0a8:0101",
        "::192.168.1.1/30",
    ];
    let right = [
        "192.168.1.0",
        "192.168.1.255",
        "192.168.1.255",
        "fe80::85d:e82c:9446:7995",
        "fe80::85d:e82c:9446:7998",
        "fe80::85d:e82c:9446:7998",
        "::ffff:c0a8:01ff",
        "192.168.1.255",
        "192.168.1.255/24",
    ];
    let prefix = [31, 31, 24, 127, 120, 127, 127, 120, 127];
    assert_eq!(
        long_values(
            "ipv6_compare",
            vec![texts(&left), texts(&right), longs(&prefix)]
        ),
        [Some(0); 9]
    );
    // DOCS parse-ipv6-function.md.
    assert_eq!(
        strings(
            "parse_ipv6",
            vec![texts(&[
                "192.168.255.255",
                "192.168.255.255/24",
                "255.255.255.255",
                "nope"
            ])]
        ),
        [
            "0000:0000:0000:0000:0000:ffff:c0a8:ffff",
            "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            "0000:0000:0000:0000:0000:ffff:ffff:ffff",
            ""
        ]
    );
    // DOCS parse-ipv6-mask-function.md.
    assert_eq!(
        strings(
            "parse_ipv6_mask",
            vec![
                texts(&[
                    "192.168.255.255",
                    "192.168.255.255/24",
                    "255.255.255.255",
                    "fe80::85d:e82c:9446:7994",
                    "fe80::85d:e82c:9446:7994/120",
                    "::192.168.255.255",
                    "::192.168.255.255/24",
                ]),
                longs(&[120, 124, 128, 128, 124, 128, 128])
            ]
        ),
        [
            "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
            "0000:0000:0000:0000:0000:ffff:ffff:ffff",
            "fe80:0000:0000:0000:085d:e82c:9446:7994",
            "fe80:0000:0000:0000:085d:e82c:9446:7900",
            "0000:0000:0000:0000:0000:ffff:c0a8:ffff",
            "0000:0000:0000:0000:0000:ffff:c0a8:ff00",
        ]
    );
    // DOCS ipv6-is-in-range-function.md and ipv6-is-in-any-range-function.md.
    let ip = "a5e:f127:8a9d:146d:e102:b5d3:c755:abcd";
    assert_eq!(
        bools(
            "ipv6_is_in_range",
            vec![
                texts(&[ip, ip, ip]),
                texts(&[
                    "a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112",
                    ip,
                    "0:0:0:0:0:ffff:c0a8:ac/60"
                ])
            ]
        ),
        [Some(true), Some(true), Some(false)]
    );
    assert_eq!(
        bools(
            "ipv6_is_in_any_range",
            vec![
                texts(&[
                    "a5e:f127:8a9d:146d:e102:b5d3:c755:abcd",
                    "a5e:f127:8a9d:146d:e102:b5d3:c755:abce",
                    "a5e:f127:8a9d:146d:e102:b5d3:c755:abcf",
                    "a5e:f127:8a9d:146d:e102:b5d3:c756:abd1",
                ]),
                dynamic(
                    r#"["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60"]"#
                )
            ]
        ),
        [Some(true), Some(true), Some(true), Some(false)]
    );
}

#[test]
fn ipv4_in_text_documented() {
    let log = "05:04:54 127.0.0.1 GET /favicon.ico 404";
    let bad = "05:04:54 127.0.0.256 GET /favicon.ico 404";
    let glued = "05:04:54127.0.0.1 GET /favicon.ico 404";
    // DOCS has-ipv4-function.md.
    assert_eq!(
        bools(
            "has_ipv4",
            vec![
                texts(&[log, bad, glued]),
                texts(&["127.0.0.1", "127.0.0.256", "127.0.0.1"])
            ]
        ),
        [Some(true), Some(false), Some(false)]
    );
    // DOCS has-ipv4-prefix-function.md.
    assert_eq!(
        bools(
            "has_ipv4_prefix",
            vec![
                texts(&[log, log, bad, glued]),
                texts(&["127.0.", "127.0", "127.0.", "127.0."])
            ]
        ),
        [Some(true), Some(false), Some(false), Some(false)]
    );
    // DOCS has-any-ipv4-function.md.
    assert_eq!(
        bools(
            "has_any_ipv4",
            vec![text(log), text("127.0.0.1"), text("127.0.0.2")]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools(
            "has_any_ipv4",
            vec![text(log), dynamic(r#"["127.0.0.1", "127.0.0.2"]"#)]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools(
            "has_any_ipv4",
            vec![text(bad), dynamic(r#"["127.0.0.256", "192.168.1.1"]"#)]
        ),
        [Some(false)]
    );
    assert_eq!(
        bools(
            "has_any_ipv4",
            vec![text(glued), text("127.0.0.1"), text("192.168.1.1")]
        ),
        [Some(false)]
    );
    // DOCS has-any-ipv4-prefix-function.md.
    assert_eq!(
        bools(
            "has_any_ipv4_prefix",
            vec![text(log), text("127.0."), text("192.168.")]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools(
            "has_any_ipv4_prefix",
            vec![text(log), dynamic(r#"["127.0.", "192.168."]"#)]
        ),
        [Some(true)]
    );
    assert_eq!(
        bools("has_any_ipv4_prefix", vec![text(log), text("127.0")]),
        [Some(false)]
    );
    assert_eq!(
        bools(
            "has_any_ipv4_prefix",
            vec![text(glued), text("127.0."), text("192.")]
        ),
        [Some(false)]
    );
}
