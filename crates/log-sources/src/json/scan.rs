//! A borrowed, allocation-free JSON scanner for one record.
//!
//! The Defender fast path reads ~80 keys per row and keeps only the handful a query needs,
//! so it must step over values without building them. This scanner walks a complete record
//! (the caller frames records first) and hands out raw value tokens as byte ranges into the
//! record; strings are located with `memchr`, nested values are skipped with a depth count.
//! It checks structure (quotes, brackets, commas, literals) so truncated or garbled records
//! are reported instead of half-read, but it does not fully validate numbers it skips.

use memchr::memchr2;

/// The kind of a raw JSON value token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string; the token range excludes the quotes. `escaped` when it contains a `\`.
    String {
        /// Contains backslash escapes (must be unescaped before use).
        escaped: bool,
    },
    /// A number, as written.
    Number,
    /// `true`
    True,
    /// `false`
    False,
    /// `null`
    Null,
    /// An object, including its braces.
    Object,
    /// An array, including its brackets.
    Array,
}

/// A raw value: its kind and byte range in the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Start of the token (after the opening quote for strings).
    pub start: usize,
    /// End of the token (before the closing quote for strings).
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// Why a record could not be scanned: a message and the byte position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// What was expected or found.
    pub message: &'static str,
    /// Byte position in the record.
    pub at: usize,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.at)
    }
}

/// Cursor over one JSON text.
pub struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
}

type Res<T> = Result<T, ScanError>;

/// Nesting limit for skipped values; deeper input is reported, never recursed into.
const MAX_DEPTH: usize = 512;

impl<'a> Scanner<'a> {
    /// A scanner at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Self {
            src: src.as_bytes(),
            pos: 0,
        }
    }

    /// A scanner at byte `pos` of `src`.
    pub fn at(src: &'a str, pos: usize) -> Self {
        Self {
            src: src.as_bytes(),
            pos,
        }
    }

    /// Current byte position.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn err<T>(&self, message: &'static str) -> Res<T> {
        Err(ScanError {
            message,
            at: self.pos,
        })
    }

    /// Skips JSON whitespace.
    #[inline]
    pub fn skip_ws(&mut self) {
        while let Some(&c) = self.src.get(self.pos) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.src.get(self.pos).copied()
    }

    /// Consumes `c` (after whitespace) or fails.
    #[inline]
    pub fn expect(&mut self, c: u8, message: &'static str) -> Res<()> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(message)
        }
    }

    /// True when only whitespace remains.
    pub fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Scans a string whose opening quote is at the cursor.
    #[inline]
    fn string(&mut self) -> Res<Token> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let rest = self.src.get(self.pos..).unwrap_or_default();
            match memchr2(b'"', b'\\', rest) {
                Some(i) if rest[i] == b'"' => {
                    let end = self.pos + i;
                    self.pos = end + 1;
                    return Ok(Token {
                        kind: Kind::String { escaped },
                        start,
                        end,
                    });
                }
                Some(i) => {
                    escaped = true;
                    // Skip the backslash and the byte it escapes.
                    self.pos += i + 2;
                    if self.pos > self.src.len() {
                        self.pos = self.src.len();
                        return self.err("unterminated string");
                    }
                }
                None => {
                    self.pos = self.src.len();
                    return self.err("unterminated string");
                }
            }
        }
    }

    /// Scans an object key: a string followed by `:`.
    #[inline]
    pub fn key(&mut self) -> Res<Token> {
        if self.peek() != Some(b'"') {
            return self.err("expected a quoted key");
        }
        let t = self.string()?;
        self.expect(b':', "expected `:` after a key")?;
        Ok(t)
    }

    /// Scans any value and returns its token; nested values are skipped as a whole.
    #[inline]
    pub fn value(&mut self) -> Res<Token> {
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{') => self.nested(Kind::Object),
            Some(b'[') => self.nested(Kind::Array),
            Some(b't') => self.literal(b"true", Kind::True),
            Some(b'f') => self.literal(b"false", Kind::False),
            Some(b'n') => self.literal(b"null", Kind::Null),
            Some(b'-' | b'0'..=b'9') => Ok(self.number()),
            Some(_) => self.err("expected a JSON value"),
            None => self.err("unexpected end of record"),
        }
    }

    fn literal(&mut self, word: &'static [u8], kind: Kind) -> Res<Token> {
        let start = self.pos;
        if self.src.get(start..start + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(Token {
                kind,
                start,
                end: self.pos,
            })
        } else {
            self.err("expected a JSON value")
        }
    }

    fn number(&mut self) -> Token {
        let start = self.pos;
        while let Some(&c) = self.src.get(self.pos) {
            if matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        Token {
            kind: Kind::Number,
            start,
            end: self.pos,
        }
    }

    /// Skips an object or array, checking that brackets balance.
    fn nested(&mut self, kind: Kind) -> Res<Token> {
        let start = self.pos;
        let mut stack: Vec<u8> = Vec::new();
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return self.err("nesting too deep");
                    }
                    stack.push(if c == b'{' { b'}' } else { b']' });
                }
                b'}' | b']' => {
                    if stack.pop() != Some(c) {
                        return self.err("mismatched bracket");
                    }
                    if stack.is_empty() {
                        self.pos += 1;
                        return Ok(Token {
                            kind,
                            start,
                            end: self.pos,
                        });
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.err("unterminated object or array")
    }

    /// After a member or element: consumes `,` and returns true, or sees `close` and
    /// returns false (consuming it).
    #[inline]
    pub fn next_or_close(&mut self, close: u8) -> Res<bool> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => self.err("expected `,` or a closing bracket"),
            None => self.err("unexpected end of record"),
        }
    }

    /// At an opening `{` or `[`: consumes it and returns true if the container is empty
    /// (consuming the closing bracket too).
    pub fn open(&mut self, open: u8, close: u8) -> Res<bool> {
        self.expect(open, "expected an object or array")?;
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Decodes the JSON escapes of a string token's text into `out`.
///
/// Invalid `\u` sequences and lone surrogates become U+FFFD: a telemetry string with one bad
/// escape is still worth keeping.
pub fn unescape(raw: &str, out: &mut String) -> Result<(), &'static str> {
    let b = raw.as_bytes();
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(raw.get(plain..i).unwrap_or_default());
        let Some(&e) = b.get(i + 1) else {
            return Err("dangling backslash");
        };
        i += 2;
        match e {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = hex4(b, i).ok_or("bad \\u escape")?;
                i += 4;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    match (b.get(i), b.get(i + 1), hex4(b, i + 2)) {
                        (Some(b'\\'), Some(b'u'), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                            i += 6;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(hi)
                };
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            _ => return Err("unknown escape"),
        }
        plain = i;
    }
    out.push_str(raw.get(plain..).unwrap_or_default());
    Ok(())
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    let mut v = 0u32;
    for &c in s {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_an_object_and_skips_nested_values() {
        let src = r#"{"a":"x\"y","b":[1,{"c":"]"}],"d":-1.5e3,"e":null,"f":true}"#;
        let mut s = Scanner::new(src);
        assert!(!s.open(b'{', b'}').unwrap());
        let mut seen = Vec::new();
        loop {
            let k = s.key().unwrap();
            let v = s.value().unwrap();
            seen.push((k.text(src).to_string(), v.kind, v.text(src).to_string()));
            if !s.next_or_close(b'}').unwrap() {
                break;
            }
        }
        assert!(s.at_end());
        assert_eq!(
            seen,
            vec![
                ("a".into(), Kind::String { escaped: true }, r#"x\"y"#.into()),
                ("b".into(), Kind::Array, r#"[1,{"c":"]"}]"#.into()),
                ("d".into(), Kind::Number, "-1.5e3".into()),
                ("e".into(), Kind::Null, "null".into()),
                ("f".into(), Kind::True, "true".into()),
            ]
        );
    }

    #[test]
    fn reports_truncation_and_garbage() {
        let mut s = Scanner::new(r#"{"a":"unterminated"#);
        s.open(b'{', b'}').unwrap();
        s.key().unwrap();
        assert_eq!(s.value().unwrap_err().message, "unterminated string");

        let mut s = Scanner::new(r#"{"a":[1,2}"#);
        s.open(b'{', b'}').unwrap();
        s.key().unwrap();
        assert_eq!(s.value().unwrap_err().message, "mismatched bracket");

        let mut s = Scanner::new(r#"{"a":nul}"#);
        s.open(b'{', b'}').unwrap();
        s.key().unwrap();
        assert_eq!(s.value().unwrap_err().message, "expected a JSON value");
    }

    #[test]
    fn unescapes_every_json_escape() {
        let mut out = String::new();
        unescape(
            r#"C:\\Win\/x \"q\" \u0064ocker \ud83d\ude00 \t\n \ud800x"#,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, "C:\\Win/x \"q\" docker \u{1F600} \t\n \u{FFFD}x");
        assert!(unescape(r"\q", &mut String::new()).is_err());
    }
}
