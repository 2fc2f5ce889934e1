//! Row kernels of the network functions. Address arguments arrive as text, prefixes as
//! `long`, and the range or address lists of the `*_any_*` functions as `dynamic` (a JSON
//! string or an array of strings per argument).

use super::addr::{
    Ipv4Net, Ipv6Net, compare_v4, compare_v6, format_ipv4, format_ipv6, in_range_v4, in_range_v6,
    ipv4_in_text, is_private_v4, mask_v4, mask_v6, parse_ipv4_net, parse_ipv4_text_prefix,
    parse_ipv6_net, starts_with_octets,
};
use crate::dynamic::parse_dynamic;
use crate::strings::{Strings, build_strings, string_arg};
use crate::udf::{arg, downcast, opt_arg, value_at};
use arrow::array::{ArrayRef, BooleanArray, Int64Array};
use datafusion::error::Result;
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::sync::Arc;

/// An optional prefix argument at row `i`: `Ok(None)` when the call has none, `Err(())`
/// when it is null or out of `0..=max` (the result is then null).
fn prefix_at(prefix: Option<&Int64Array>, i: usize, max: u8) -> Result<Option<u8>, ()> {
    match prefix {
        None => Ok(None),
        Some(p) => value_at(p, i)
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| *v <= max)
            .map(Some)
            .ok_or(()),
    }
}

fn ordering_value(o: Ordering) -> i64 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// `ipv4_compare` / `ipv6_compare` (`long`) and `ipv4_is_match` / `ipv6_is_match` (`bool`).
pub(super) fn compare(args: &[ArrayRef], rows: usize, v6: bool, as_bool: bool) -> Result<ArrayRef> {
    let (a, b) = (string_arg(args, 0)?, string_arg(args, 1)?);
    let prefix = opt_arg::<Int64Array>(args, 2)?;
    let max = if v6 { 128 } else { 32 };
    let cmp = (0..rows).map(|i| {
        let p = prefix_at(prefix, i, max).ok()?;
        if v6 {
            Some(compare_v6(
                parse_ipv6_net(a.get(i))?,
                parse_ipv6_net(b.get(i))?,
                p,
            ))
        } else {
            Some(compare_v4(
                parse_ipv4_net(a.get(i))?,
                parse_ipv4_net(b.get(i))?,
                p,
            ))
        }
    });
    Ok(if as_bool {
        Arc::new(
            cmp.map(|o| o.map(Ordering::is_eq))
                .collect::<BooleanArray>(),
        )
    } else {
        Arc::new(cmp.map(|o| o.map(ordering_value)).collect::<Int64Array>())
    })
}

/// `ipv4_is_private(ip)`.
pub(super) fn ipv4_is_private(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let ip = string_arg(args, 0)?;
    let out: BooleanArray = (0..rows)
        .map(|i| parse_ipv4_net(ip.get(i)).map(|n| is_private_v4(n.addr)))
        .collect();
    Ok(Arc::new(out))
}

/// `ipv4_netmask_suffix(ip)`.
pub(super) fn ipv4_netmask_suffix(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let ip = string_arg(args, 0)?;
    let out: Int64Array = (0..rows)
        .map(|i| parse_ipv4_net(ip.get(i)).map(|n| i64::from(n.prefix)))
        .collect();
    Ok(Arc::new(out))
}

/// `parse_ipv4(ip)` and `parse_ipv4_mask(ip, prefix)`: the masked address as `long`.
pub(super) fn parse_ipv4(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let ip = string_arg(args, 0)?;
    let prefix = opt_arg::<Int64Array>(args, 1)?;
    let out: Int64Array = (0..rows)
        .map(|i| {
            let net = parse_ipv4_net(ip.get(i))?;
            let p = prefix_at(prefix, i, 32).ok()?.unwrap_or(32);
            Some(i64::from(net.addr & mask_v4(p)))
        })
        .collect();
    Ok(Arc::new(out))
}

/// `parse_ipv6(ip)` and `parse_ipv6_mask(ip, prefix)`: the canonical text, `""` when the
/// input is not an address.
pub(super) fn parse_ipv6(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let ip = string_arg(args, 0)?;
    let prefix = opt_arg::<Int64Array>(args, 1)?;
    Ok(build_strings(rows, |i, out| {
        let Some(net) = parse_ipv6_net(ip.get(i)) else {
            return;
        };
        if let Ok(p) = prefix_at(prefix, i, 128) {
            out.push_str(&format_ipv6(net.addr & mask_v6(p.unwrap_or(128))));
        }
    }))
}

/// The IPv4 network of `format_ipv4`'s first argument: text, or a number holding the
/// address in its low 32 bits.
fn ipv4_of_value(
    text: Option<Strings<'_>>,
    number: Option<&Int64Array>,
    i: usize,
) -> Option<Ipv4Net> {
    match (text, number) {
        (Some(t), _) => parse_ipv4_net(t.get(i)),
        (None, Some(n)) => Some(Ipv4Net {
            addr: u32::try_from(value_at(n, i)?).ok()?,
            prefix: 32,
        }),
        (None, None) => None,
    }
}

/// `format_ipv4(ip[, prefix])` and `format_ipv4_mask(ip[, prefix])`: the address masked
/// by the smaller of its own and the given prefix; `""` when either is invalid (DOCS
/// `format-ipv4-function.md`: `format_ipv4('192.168.1.1/24', 32)` is `192.168.1.0`, a
/// prefix of -1 gives an empty string).
pub(super) fn format_ipv4_kernel(
    args: &[ArrayRef],
    rows: usize,
    with_mask: bool,
) -> Result<ArrayRef> {
    let first = arg(args, 0)?;
    let text = Strings::try_new(first.as_ref());
    let number = match text {
        Some(_) => None,
        None => Some(downcast::<Int64Array>(first.as_ref())?),
    };
    let prefix = opt_arg::<Int64Array>(args, 1)?;
    Ok(build_strings(rows, |i, out| {
        let (Some(net), Ok(p)) = (ipv4_of_value(text, number, i), prefix_at(prefix, i, 32)) else {
            return;
        };
        let bits = net.prefix.min(p.unwrap_or(32));
        out.push_str(&format_ipv4(net.addr & mask_v4(bits)));
        if with_mask {
            out.push('/');
            out.push_str(&bits.to_string());
        }
    }))
}

/// The strings of a `dynamic` list argument: a string, or the strings of an array.
fn list_strings(json: &Json) -> Vec<String> {
    match json {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items
            .iter()
            .filter_map(|j| j.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The parsed lists of one row: every list argument (arguments `first..`) read and parsed
/// with `parse`, re-read only when its text differs from the previous row's (constant
/// lists, the usual case, are parsed once per batch).
struct Lists<'a, T> {
    columns: Vec<Strings<'a>>,
    cache: Vec<(Option<&'a str>, Vec<T>)>,
    parse: fn(&str) -> T,
}

impl<'a, T> Lists<'a, T> {
    fn new(args: &'a [ArrayRef], first: usize, parse: fn(&str) -> T) -> Result<Self> {
        let columns = (first..args.len())
            .map(|i| string_arg(args, i))
            .collect::<Result<Vec<_>>>()?;
        Ok(Lists {
            cache: Vec::with_capacity(columns.len()),
            columns,
            parse,
        })
    }

    /// Every element of every list at row `i`.
    fn row(&mut self, i: usize) -> impl Iterator<Item = &T> {
        for (k, col) in self.columns.iter().enumerate() {
            let text = col.get_opt(i);
            let fresh = self.cache.get(k).is_none_or(|(t, _)| *t != text);
            if fresh {
                let items = text
                    .map(|t| list_strings(&parse_dynamic(t)))
                    .unwrap_or_default()
                    .iter()
                    .map(|s| (self.parse)(s))
                    .collect();
                if k < self.cache.len() {
                    self.cache[k] = (text, items);
                } else {
                    self.cache.push((text, items));
                }
            }
        }
        self.cache.iter().flat_map(|(_, items)| items.iter())
    }
}

/// `ipv4_is_in_range(ip, range)` and `ipv4_is_in_any_range(ip, ranges...)` (and their IPv6
/// forms): null when the address is not one; otherwise whether a range holds it, or null
/// when none does and some range could not be read.
pub(super) fn in_any_range(args: &[ArrayRef], rows: usize, v6: bool) -> Result<ArrayRef> {
    let ip = string_arg(args, 0)?;
    let out: BooleanArray = if v6 {
        let mut ranges = Lists::new(args, 1, parse_ipv6_net)?;
        (0..rows)
            .map(|i| {
                let addr = parse_ipv6_net(ip.get(i))?;
                any_or_null(ranges.row(i), |r: &Ipv6Net| in_range_v6(addr, *r))
            })
            .collect()
    } else {
        let mut ranges = Lists::new(args, 1, parse_ipv4_net)?;
        (0..rows)
            .map(|i| {
                let addr = parse_ipv4_net(ip.get(i))?;
                any_or_null(ranges.row(i), |r: &Ipv4Net| in_range_v4(addr, *r))
            })
            .collect()
    };
    Ok(Arc::new(out))
}

/// True if `test` holds for a parsed item; otherwise false, or null if an item did not
/// parse.
fn any_or_null<'t, T: 't>(
    items: impl Iterator<Item = &'t Option<T>>,
    test: impl Fn(&T) -> bool,
) -> Option<bool> {
    let mut invalid = false;
    for item in items {
        match item {
            Some(v) if test(v) => return Some(true),
            Some(_) => {}
            None => invalid = true,
        }
    }
    (!invalid).then_some(false)
}

/// `has_ipv4(source, ip)`, `has_any_ipv4(source, ips...)`: whether one of the addresses
/// (each a valid IPv4 address) is written in the source; `prefix` for the `_prefix` forms,
/// where each item is an address or its leading octets ending with a dot.
pub(super) fn has_ipv4(args: &[ArrayRef], rows: usize, prefix: bool) -> Result<ArrayRef> {
    let source = string_arg(args, 0)?;
    let parse: fn(&str) -> Option<Vec<u8>> = if prefix {
        parse_ipv4_text_prefix
    } else {
        |s| parse_ipv4_net_exact(s).map(|a| a.to_be_bytes().to_vec())
    };
    let mut wanted = Lists::new(args, 1, parse)?;
    let out: BooleanArray = (0..rows)
        .map(|i| {
            let wanted: Vec<&Vec<u8>> = wanted.row(i).flatten().collect();
            Some(
                !wanted.is_empty()
                    && ipv4_in_text(source.get(i))
                        .any(|addr| wanted.iter().any(|w| starts_with_octets(addr, w))),
            )
        })
        .collect();
    Ok(Arc::new(out))
}

/// A plain IPv4 address (no prefix).
fn parse_ipv4_net_exact(text: &str) -> Option<u32> {
    super::addr::parse_ipv4_addr(text.trim())
}
