//! Punycode (RFC 3492): `punycode_from_string`, `punycode_to_string`,
//! `punycode_domain_to_string` and `punycode_domain_from_string` (DOCS
//! `punycode-*-function.md`).
//!
//! The names follow the pages, which are not symmetric: `punycode_from_string` and
//! `punycode_domain_to_string` encode (`'académie-française'` → `'acadmie-franaise-npb1a'`,
//! `'Lê Lợi。Thuận Thiên。com'` → `'xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com'`);
//! `punycode_to_string` and `punycode_domain_from_string` decode. "Returns an empty result
//! if decoding failed" (or encoding): every function gives `""` then.
//!
//! The domain forms work label by label, with no other IDNA mapping (the documented
//! examples keep letter case and spaces): labels are split at `.` and the ideographic full
//! stops `。`, `．` and `｡`, joined with `.`; a label with a non-ASCII character is encoded
//! as `xn--` and its Punycode, and a label starting with `xn--` (any case) is decoded.

use crate::registry::{CheckResult, Function, FunctionKind, arg_type, expect_count};
use crate::strings::{build_strings, string_arg};
use crate::text::text_arg;
use crate::udf::call_kernel;
use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use datafusion::error::Result;
use kql_syntax::ScalarType;

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// RFC 3492 §6.1.
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The threshold of digit position `k` under `bias`.
fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn encode_digit(d: u32) -> char {
    // 0..=25 are a..z, 26..=35 are 0..9; `d < 36` by construction.
    let byte = if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    };
    char::from(byte)
}

fn decode_digit(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        '0'..='9' => Some(c as u32 - '0' as u32 + 26),
        _ => None,
    }
}

/// Encodes `input` (RFC 3492 §6.3); `None` on overflow.
pub fn encode(input: &str) -> Option<String> {
    let chars: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    let total = chars.len() as u32;
    while handled < total {
        let m = chars.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(encode_digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(encode_digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// Decodes `input` (RFC 3492 §6.2); `None` when it is not valid Punycode.
pub fn decode(input: &str) -> Option<String> {
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = rest.chars();
    while !digits.as_str().is_empty() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = decode_digit(digits.next()?)?;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

/// The label separators of a domain name.
fn is_label_separator(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

/// `punycode_domain_to_string`: each non-ASCII label as `xn--` and its Punycode.
pub fn encode_domain(domain: &str) -> Option<String> {
    let labels = domain
        .split(is_label_separator)
        .map(|label| {
            if label.is_ascii() {
                Some(label.to_string())
            } else {
                encode(label).map(|p| format!("xn--{p}"))
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(labels.join("."))
}

/// `punycode_domain_from_string`: each `xn--` label decoded.
pub fn decode_domain(domain: &str) -> Option<String> {
    let labels = domain
        .split(is_label_separator)
        .map(|label| match label.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("xn--") => decode(&label[4..]),
            _ => Some(label.to_string()),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(labels.join("."))
}

fn kernel(args: &[ArrayRef], rows: usize, f: fn(&str) -> Option<String>) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(v) = f(s.get(i)) {
            out.push_str(&v);
        }
    }))
}

fn check_one(args: &[crate::registry::Arg]) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(ScalarType::String)
}

macro_rules! punycode_function {
    ($name:literal, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_one,
            lower: |mut exprs, args| {
                let e = exprs
                    .pop()
                    .map(|e| text_arg(e, arg_type(args, 0)))
                    .into_iter()
                    .collect();
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Utf8,
                    false,
                    |a, r| kernel(a, r, $f),
                    e,
                ))
            },
        }
    };
}

/// The Punycode functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    punycode_function!("punycode_from_string", encode),
    punycode_function!("punycode_to_string", decode),
    punycode_function!("punycode_domain_to_string", encode_domain),
    punycode_function!("punycode_domain_from_string", decode_domain),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{TArg, call};
    use arrow::array::{AsArray, StringArray};
    use datafusion::scalar::ScalarValue;
    use std::sync::Arc;

    #[test]
    fn documented_strings() {
        // punycode-from-string-function.md and punycode-to-string-function.md.
        assert_eq!(
            encode("académie-française").as_deref(),
            Some("acadmie-franaise-npb1a")
        );
        assert_eq!(encode("艺术").as_deref(), Some("cqv902d"));
        assert_eq!(
            decode("acadmie-franaise-npb1a").as_deref(),
            Some("académie-française")
        );
    }

    #[test]
    fn rfc_3492_samples() {
        // RFC 3492 §7.1: (A) Arabic (Egyptian), (L) Japanese with basic letters.
        let arabic = "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}";
        assert_eq!(encode(arabic).as_deref(), Some("egbpdaj6bu4bxfgehfvwxn"));
        assert_eq!(decode("egbpdaj6bu4bxfgehfvwxn").as_deref(), Some(arabic));
        let japanese = "3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}";
        assert_eq!(
            encode(japanese).as_deref(),
            Some("3B-ww4c5e180e575a65lsy2b")
        );
        assert_eq!(
            decode("3B-ww4c5e180e575a65lsy2b").as_deref(),
            Some(japanese)
        );
    }

    #[test]
    fn documented_domains() {
        // punycode-domain-to-string-function.md.
        assert_eq!(
            encode_domain("Lê Lợi。Thuận Thiên。com").as_deref(),
            Some("xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com")
        );
        assert_eq!(
            encode_domain("Riðill｡Skáldskaparmál｡org").as_deref(),
            Some("xn--Riill-jta.xn--Skldskaparml-dbbj.org")
        );
        assert_eq!(
            encode_domain("Kaledvoulc'h.Artorījos.edu").as_deref(),
            Some("Kaledvoulc'h.xn--Artorjos-ejb.edu")
        );
        // punycode-domain-from-string-function.md.
        assert_eq!(
            decode_domain("xn--Ge-mia.Bulg.edu").as_deref(),
            Some("Gáe.Bulg.edu")
        );
        assert_eq!(
            decode_domain("xn--Lin-8na.Celtchair.org").as_deref(),
            Some("Lúin.Celtchair.org")
        );
        assert_eq!(
            decode_domain("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com").as_deref(),
            Some("Rúyì.Jīngū.Bàng.com")
        );
    }

    #[test]
    fn invalid_input_decodes_to_nothing() {
        // A character that is no digit, a number that runs out of digits, a code point
        // beyond Unicode.
        assert_eq!(decode("abc-!!"), None);
        assert_eq!(decode("abc-9"), None);
        assert_eq!(decode("99999999999999999"), None);
        assert_eq!(decode_domain("xn--é.com"), None);
        assert_eq!(encode("").as_deref(), Some(""));
        assert_eq!(decode("").as_deref(), Some(""));
    }

    #[test]
    fn through_the_registry() {
        let (ty, out) = call(
            "punycode_to_string",
            vec![TArg::Col(
                ScalarType::String,
                Arc::new(StringArray::from(vec![
                    Some("acadmie-franaise-npb1a"),
                    Some("abc-!!"),
                    None,
                ])),
            )],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::String);
        let out = out.as_string::<i32>();
        assert_eq!(out.value(0), "académie-française");
        // Failure and null input both give the empty string, never null.
        assert_eq!(out.value(1), "");
        assert_eq!(out.value(2), "");
        assert_eq!(arrow::array::Array::null_count(out), 0);
        let (_, out) = call(
            "punycode_domain_to_string",
            vec![TArg::Lit(ScalarType::String, ScalarValue::from("艺术.com"))],
        )
        .unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "xn--cqv902d.com");
    }
}
