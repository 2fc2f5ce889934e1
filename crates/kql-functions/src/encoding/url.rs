//! Percent-encoding: `url_encode` and `url_encode_component` (`url_decode` is in
//! `crate::text`), and the form decoding of query strings that `parse_url` needs.
//!
//! Encoding follows .NET's `HttpUtility.UrlEncode`, whose output the documentation shows:
//! letters, digits and `-_.!*()` stay, every other UTF-8 byte becomes `%xx` in lower-case
//! hex, and a space becomes `+` (`url_encode`) or `%20` (`url_encode_component`), as in
//! DOCS `url-encode-function.md`: `https://www.bing.com/hello world` →
//! `https%3a%2f%2fwww.bing.com%2fhello+world`. [`form_decode`] is the inverse, as query
//! strings are read (`+` is a space); a `%` not followed by two hex digits stays as it is,
//! and bytes that are not UTF-8 become U+FFFD.

use std::fmt::Write;

fn is_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')')
}

/// Percent-encodes `text`; `plus_for_space` writes spaces as `+`.
pub fn url_encode(text: &str, plus_for_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if is_safe(b) {
            out.push(char::from(b));
        } else if b == b' ' && plus_for_space {
            out.push('+');
        } else {
            let _ = write!(out, "%{b:02x}");
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Decodes `%xx` escapes and `+` (a space), as in `application/x-www-form-urlencoded`
/// query strings.
pub fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let escaped = bytes
                    .get(i + 1)
                    .and_then(|&h| hex_value(h))
                    .zip(bytes.get(i + 2).and_then(|&l| hex_value(l)));
                if let Some((h, l)) = escaped {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_url_encoding() {
        // DOCS url-encode-function.md and url-encode-component-function.md.
        assert_eq!(
            url_encode("https://www.bing.com/hello world", true),
            "https%3a%2f%2fwww.bing.com%2fhello+world"
        );
        assert_eq!(
            url_encode("https://www.bing.com/hello world", false),
            "https%3a%2f%2fwww.bing.com%2fhello%20world"
        );
        // Form decoding undoes url_encode.
        assert_eq!(
            form_decode("https%3a%2f%2fwww.bing.com%2f"),
            "https://www.bing.com/"
        );
        assert_eq!(form_decode("a+b%20c"), "a b c");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(form_decode("%C3%A9"), "é");
        assert_eq!(form_decode(&url_encode("é ü/", true)), "é ü/");
    }
}
