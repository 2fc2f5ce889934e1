//! Base64: `base64_encode_tostring` (legacy `base64_encodestring`),
//! `base64_decode_tostring` (legacy `base64_decodestring`), `base64_decode_toarray`,
//! `base64_encode_fromarray`, `base64_decode_toguid`, `base64_encode_fromguid`.
//!
//! Decoding ignores whitespace and accepts missing padding. Text that is not base64, or
//! bytes that are not UTF-8 where text is wanted, give `""` for the string results (DOCS
//! `base64-decode-tostring-function.md`: bytes that are not UTF-8 give an empty result) and
//! null for the others.

use crate::dynamic::parse_dynamic;
use crate::strings::{build_strings, string_arg};
use arrow::array::{ArrayRef, StringArray};
use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use datafusion::error::Result;
use serde_json::Value as Json;
use std::sync::Arc;

/// The standard alphabet, with or without padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The bytes of base64 text; `None` when it is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT.decode(compact).ok()
}

/// Base64 text of `bytes` (standard alphabet, padded).
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The .NET byte order of a GUID's text (`Guid.ToByteArray`): the first three groups
/// little-endian, the rest as written (DOCS `base64-encode-fromguid-function.md`:
/// `ae3133f2-6e22-49ae-b06a-16e6a9b212eb` is `8jMxriJurkmwahbmqbIS6w==`).
fn guid_bytes(text: &str) -> Option<[u8; 16]> {
    let hex: String = text.trim().chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut b = [0u8; 16];
    for (i, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    b[..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    Some(b)
}

/// The GUID text of 16 bytes in .NET order (the inverse of [`guid_bytes`]).
fn guid_text(bytes: &[u8]) -> Option<String> {
    let mut b: [u8; 16] = bytes.try_into().ok()?;
    b[..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        h.get(..8)?,
        h.get(8..12)?,
        h.get(12..16)?,
        h.get(16..20)?,
        h.get(20..)?
    ))
}

pub(super) fn encode_tostring(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        out.push_str(&encode(s.get(i).as_bytes()))
    }))
}

pub(super) fn decode_tostring(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(text) = decode(s.get(i)).and_then(|b| String::from_utf8(b).ok()) {
            out.push_str(&text);
        }
    }))
}

/// `base64_decode_toarray`: the bytes as a `dynamic` array of numbers.
pub(super) fn decode_toarray(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: StringArray = (0..rows)
        .map(|i| decode(s.get(i)).map(|b| Json::from(b).to_string()))
        .collect();
    Ok(Arc::new(out))
}

/// `base64_encode_fromarray`: an array of byte values (0–255); `""` for anything else.
pub(super) fn encode_fromarray(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        let bytes = match s.get_opt(i).map(parse_dynamic) {
            Some(Json::Array(items)) => items
                .iter()
                .map(|j| j.as_u64().and_then(|v| u8::try_from(v).ok()))
                .collect::<Option<Vec<u8>>>(),
            _ => None,
        };
        if let Some(bytes) = bytes {
            out.push_str(&encode(&bytes));
        }
    }))
}

/// `base64_decode_toguid`: null unless the text decodes to 16 bytes.
pub(super) fn decode_toguid(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: StringArray = (0..rows)
        .map(|i| decode(s.get(i)).and_then(|b| guid_text(&b)))
        .collect();
    Ok(Arc::new(out))
}

/// `base64_encode_fromguid`: `""` for a value that is not a GUID.
pub(super) fn encode_fromguid(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(b) = guid_bytes(s.get(i)) {
            out.push_str(&encode(&b));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_base64() {
        // DOCS base64-encode-tostring-function.md, base64-decode-tostring-function.md,
        // base64-decode-toarray-function.md.
        assert_eq!(encode(b"Kusto"), "S3VzdG8=");
        assert_eq!(decode("S3VzdG8=").as_deref(), Some(&b"Kusto"[..]));
        assert_eq!(decode("S3VzdG8").as_deref(), Some(&b"Kusto"[..]));
        assert_eq!(decode("S3Vz dG8=").as_deref(), Some(&b"Kusto"[..]));
        assert_eq!(
            decode("S3VzdG8=").map(|b| b.to_vec()),
            Some(vec![75, 117, 115, 116, 111])
        );
        // Bytes that are not UTF-8.
        let bytes = decode("U3RyaW5n0KHR0tGA0L7Rh9C60LA=").unwrap();
        assert!(String::from_utf8(bytes).is_err());
        assert_eq!(decode("not base64!"), None);
        // DOCS base64-encode-fromguid-function.md. (base64-decode-toguid-function.md prints
        // `10e99626-bc2b-754c-…` for `JpbpECu8dUy7Pv5gbeJXAA==`, with the third group's bytes
        // in the other order than the encoding example uses; decoding is kept the inverse
        // of encoding, which is .NET's `Guid` byte order.)
        assert_eq!(
            decode("JpbpECu8dUy7Pv5gbeJXAA==")
                .and_then(|b| guid_text(&b))
                .as_deref(),
            Some("10e99626-bc2b-4c75-bb3e-fe606de25700")
        );
        assert_eq!(
            guid_bytes("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")
                .map(|b| encode(&b))
                .as_deref(),
            Some("8jMxriJurkmwahbmqbIS6w==")
        );
        assert_eq!(decode("abcd1231").and_then(|b| guid_text(&b)), None);
        assert_eq!(guid_bytes("abcd1231"), None);
    }
}
