//! `hash` / `hash_xxhash64`, `hash_md5`, `hash_sha1`, `hash_sha256`.
//!
//! What bytes are hashed matters, since the documented results are exact:
//! * `hash` hashes text as UTF-8 with xxhash64 (seed 0): `hash("World")` is
//!   1846988464401551951 (DOCS `hash-function.md`); a datetime as its .NET ticks, 8 bytes
//!   little-endian: `hash(datetime("2015-01-01"))` is 1380966698541616202. Timespans are
//!   hashed as ticks, other numbers and booleans as their 8-byte (1-byte) little-endian
//!   form; the documentation has no example of these, so their values may differ from
//!   Kusto's.
//! * The cryptographic hashes hash the value's text: `hash_md5("World")` is
//!   `f5a7924e…`, and `hash_md5(datetime(2020-01-01))` is `786c5306…`, the MD5 of
//!   `2020-01-01T00:00:00.0000000Z` (DOCS `hash-md5-function.md`). The result is lower-case
//!   hex.
//!
//! `hash(x, mod)` is the hash's non-negative remainder (`hash("World", 100)` is 51).
//! A null value (other than a string, which is `""`) hashes to null (`""` for the
//! cryptographic hashes, whose results are strings).

use crate::convert::{EPOCH_TICKS, Source, Value, for_each_value, format_datetime_json_text};
use crate::strings::is_string_type;
use crate::udf::{arg, opt_arg, opt_long_at};
use arrow::array::{ArrayRef, Int64Array, StringBuilder};
use datafusion::error::Result;
use sha1::Digest;
use std::fmt::Write;
use std::sync::Arc;

/// The bytes `hash()` hashes for one value; `None` for null.
fn xxhash_bytes(v: Value<'_>, null_is_empty: bool) -> Option<Vec<u8>> {
    Some(match v {
        Value::Null if null_is_empty => Vec::new(),
        Value::Null => return None,
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Long(i) => i.to_le_bytes().to_vec(),
        Value::Real(r) => r.to_le_bytes().to_vec(),
        Value::Bool(b) => vec![u8::from(b)],
        Value::DateTime(ns) => (ns.div_euclid(100).checked_add(EPOCH_TICKS)?)
            .to_le_bytes()
            .to_vec(),
        Value::Timespan(ns) => (ns / 100).to_le_bytes().to_vec(),
        Value::Json(j) => j.to_string().into_bytes(),
    })
}

/// The text the cryptographic hashes hash for one value; `None` for null.
fn text_bytes(v: Value<'_>, null_is_empty: bool) -> Option<Vec<u8>> {
    match v {
        Value::Null if null_is_empty => Some(Vec::new()),
        Value::Null => None,
        Value::DateTime(ns) => Some(format_datetime_json_text(ns).into_bytes()),
        other => {
            let mut s = String::new();
            crate::convert::write_value_text(other, &mut s);
            Some(s.into_bytes())
        }
    }
}

/// xxhash64 of `bytes` (seed 0), as KQL's signed `long`.
pub fn xxhash64(bytes: &[u8]) -> i64 {
    twox_hash::XxHash64::oneshot(0, bytes) as i64
}

/// `hash(value[, mod])`.
pub(super) fn hash_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let value = arg(args, 0)?;
    let modulo = opt_arg::<Int64Array>(args, 1)?;
    let null_is_empty = is_string_type(value.data_type());
    let mut out = Vec::with_capacity(rows);
    for_each_value(value, Source::Text, |i, v| {
        let h = xxhash_bytes(v, null_is_empty).map(|b| xxhash64(&b));
        out.push(match (h, modulo) {
            (Some(h), None) => Some(h),
            (Some(h), Some(_)) => match opt_long_at(modulo, i, 0) {
                Some(m) if m > 0 => Some(h.rem_euclid(m)),
                _ => None,
            },
            (None, _) => None,
        });
    })?;
    Ok(Arc::new(Int64Array::from(out)))
}

/// Lower-case hex of a digest.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The cryptographic hash functions.
#[derive(Debug, Clone, Copy)]
pub enum Algorithm {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

/// The hex digest of `bytes`.
pub fn digest_hex(algorithm: Algorithm, bytes: &[u8]) -> String {
    match algorithm {
        Algorithm::Md5 => hex(&md5::Md5::digest(bytes)),
        Algorithm::Sha1 => hex(&sha1::Sha1::digest(bytes)),
        Algorithm::Sha256 => hex(&sha2::Sha256::digest(bytes)),
    }
}

/// `hash_md5` / `hash_sha1` / `hash_sha256` of any value; `""` for a null non-string (KQL
/// strings are never null).
pub(super) fn digest_kernel(
    args: &[ArrayRef],
    rows: usize,
    algorithm: Algorithm,
) -> Result<ArrayRef> {
    let value = arg(args, 0)?;
    let null_is_empty = is_string_type(value.data_type());
    let mut out = StringBuilder::with_capacity(rows, rows * 64);
    for_each_value(value, Source::Text, |_, v| {
        match text_bytes(v, null_is_empty) {
            Some(b) => out.append_value(digest_hex(algorithm, &b)),
            None => out.append_value(""),
        }
    })?;
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_hashes() {
        // DOCS hash-function.md / hash-xxhash64-function.md.
        assert_eq!(xxhash64(b"World"), 1_846_988_464_401_551_951);
        assert_eq!(xxhash64(b"World").rem_euclid(100), 51);
        // DOCS hash-combine-function.md: hash("Hello").
        assert_eq!(xxhash64(b"Hello"), 753_694_413_698_530_628);
        let ns = crate::convert::parse_datetime_nanos("2015-01-01").unwrap();
        let bytes = xxhash_bytes(Value::DateTime(ns), false).unwrap();
        assert_eq!(xxhash64(&bytes), 1_380_966_698_541_616_202);
        // DOCS hash-md5-function.md, hash-sha1-function.md, hash-sha256-function.md.
        assert_eq!(
            digest_hex(Algorithm::Md5, b"World"),
            "f5a7924e621e84c9280a9a27e1bcb7f6"
        );
        assert_eq!(
            digest_hex(Algorithm::Sha1, b"World"),
            "70c07ec18ef89c5309bbb0937f3a6342411e1fdd"
        );
        assert_eq!(
            digest_hex(Algorithm::Sha256, b"World"),
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"
        );
        let ns = crate::convert::parse_datetime_nanos("2020-01-01").unwrap();
        let text = text_bytes(Value::DateTime(ns), false).unwrap();
        assert_eq!(
            digest_hex(Algorithm::Md5, &text),
            "786c530672d1f8db31fee25ea8a9390b"
        );
        assert_eq!(
            digest_hex(Algorithm::Sha1, &text),
            "e903e533f4d636b4fc0dcf3cf81e7b7f330de776"
        );
        assert_eq!(
            digest_hex(Algorithm::Sha256, &text),
            "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d"
        );
        assert_eq!(
            digest_hex(Algorithm::Md5, b"TEXAS"),
            "3b00dbe6e07e7485a1c12d36c8e9910a"
        );
    }
}
