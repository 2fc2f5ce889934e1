//! `gzip_compress_to_base64_string`, `gzip_decompress_from_base64_string`,
//! `zlib_compress_to_base64_string`, `zlib_decompress_from_base64_string`.
//!
//! Compression stores the text without compressing it (deflate level 0), which is what
//! the documented outputs are: `eAEB…` is a zlib stream of one stored block (DOCS
//! `zlib-base64-compress-function.md`), and the gzip example has a zero modification
//! time and an unknown operating system. Decompression reads any valid stream. Text that
//! is not base64, not a valid stream, not UTF-8 once decompressed, or larger than 64 MiB
//! decompressed gives `""` ("an empty result if decompression or decoding failed").

use super::b64::{decode, encode};
use flate2::Compression;
use flate2::Crc;
use flate2::read::{GzDecoder, ZlibDecoder};
use flate2::write::{DeflateEncoder, ZlibEncoder};
use std::io::{Read, Write};

/// The largest decompressed text returned, so that a small input cannot expand without
/// bound.
const MAX_DECOMPRESSED: u64 = 64 << 20;

/// A gzip member header: deflate, no flags, no modification time, no extra flags, an
/// unknown operating system (RFC 1952), as in the documented example.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// The container around the deflate data.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// RFC 1952.
    Gzip,
    /// RFC 1950.
    Zlib,
}

/// The base64 text of `text` compressed in `format`.
pub fn compress_to_base64(text: &str, format: Format) -> Option<String> {
    let bytes = match format {
        Format::Gzip => {
            // The header by hand: flate2 writes 4 (fastest) as the extra flags of a
            // stored stream, the documented output has 0.
            let mut out = GZIP_HEADER.to_vec();
            let mut e = DeflateEncoder::new(out, Compression::none());
            e.write_all(text.as_bytes()).ok()?;
            out = e.finish().ok()?;
            let mut crc = Crc::new();
            crc.update(text.as_bytes());
            out.extend_from_slice(&crc.sum().to_le_bytes());
            // ISIZE is the length modulo 2^32 (RFC 1952).
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out
        }
        Format::Zlib => {
            let mut e = ZlibEncoder::new(Vec::new(), Compression::none());
            e.write_all(text.as_bytes()).ok()?;
            e.finish().ok()?
        }
    };
    Some(encode(&bytes))
}

/// The text compressed in `format` and encoded as base64; `None` on any failure.
pub fn decompress_from_base64(text: &str, format: Format) -> Option<String> {
    let bytes = decode(text)?;
    let reader: Box<dyn Read> = match format {
        Format::Gzip => Box::new(GzDecoder::new(bytes.as_slice())),
        Format::Zlib => Box::new(ZlibDecoder::new(bytes.as_slice())),
    };
    let mut out = Vec::new();
    reader
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut out)
        .ok()?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return None;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_streams() {
        // DOCS gzip-base64-compress.md and gzip-base64-decompress.md.
        let gz = "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==";
        assert_eq!(
            compress_to_base64("1234567890qwertyuiop", Format::Gzip).as_deref(),
            Some(gz)
        );
        assert_eq!(
            decompress_from_base64(gz, Format::Gzip).as_deref(),
            Some("1234567890qwertyuiop")
        );
        assert_eq!(decompress_from_base64("x0x0x0", Format::Gzip), None);
        // DOCS zlib-base64-compress-function.md and zlib-base64-decompress-function.md.
        assert_eq!(
            compress_to_base64("1234567890qwertyuiop", Format::Zlib).as_deref(),
            Some("eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw==")
        );
        assert_eq!(
            decompress_from_base64("eJwLSS0uUSguKcrMS1cwNDIGACxqBQ4=", Format::Zlib).as_deref(),
            Some("Test string 123")
        );
        assert_eq!(decompress_from_base64("x0x0x0", Format::Zlib), None);
    }
}
