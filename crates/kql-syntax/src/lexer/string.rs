//! String literals: `"..."` and `'...'` with backslash escapes, verbatim `@"..."` and `@'...'`
//! with doubled quotes, multi-line ```` ```...``` ```` and `~~~...~~~`, each optionally
//! prefixed with `h`/`H` (obfuscated: Kusto hides its value in logs).

use super::{Lexer, off};
use crate::error::SyntaxErrorKind as K;
use crate::token::Tok;
use kql_diagnostics::Span;

impl Lexer<'_> {
    /// Reads a string literal whose quote starts at `self.i`; `start` includes any `h` prefix.
    pub(super) fn string(&mut self, start: usize, obfuscated: bool) {
        let rest = self.src.get(self.i..).unwrap_or("");
        let value = if rest.starts_with("```") || rest.starts_with("~~~") {
            self.multi_line(start)
        } else if rest.starts_with('@') {
            self.i += 1;
            self.verbatim(start)
        } else {
            self.escaped(start)
        };
        self.push(Tok::Str { value, obfuscated }, start);
    }

    fn multi_line(&mut self, start: usize) -> String {
        let fence = self.src.get(self.i..self.i + 3).unwrap_or("```");
        let body_start = self.i + 3;
        let body = self.src.get(body_start..).unwrap_or("");
        match body.find(fence) {
            Some(n) => {
                self.i = body_start + n + 3;
                body.get(..n).unwrap_or("").to_string()
            }
            None => {
                self.i = self.bytes.len();
                let d = self.error(
                    K::UnterminatedMultiLineString,
                    format!("multi-line string has no closing `{fence}`"),
                    Span::new(off(start), off(body_start)),
                );
                d.span_label = Some("opened here".into());
                body.to_string()
            }
        }
    }

    /// `@"..."`: no escapes, a doubled quote stands for one quote, no line breaks.
    fn verbatim(&mut self, start: usize) -> String {
        let quote = self.peek_byte(0);
        self.i += 1;
        let mut value = String::new();
        loop {
            let rest = self.src.get(self.i..).unwrap_or("");
            let Some(c) = rest.chars().next() else {
                self.unterminated(start);
                return value;
            };
            if c == '\n' || c == '\r' {
                self.unterminated(start);
                return value;
            }
            self.i += c.len_utf8();
            if c as u32 == u32::from(quote) {
                if self.peek_byte(0) == quote {
                    self.i += 1;
                    value.push(c);
                    continue;
                }
                return value;
            }
            value.push(c);
        }
    }

    /// `"..."` or `'...'` with backslash escapes, on one line.
    fn escaped(&mut self, start: usize) -> String {
        let quote = self.peek_byte(0);
        self.i += 1;
        let mut value = String::new();
        loop {
            let rest = self.src.get(self.i..).unwrap_or("");
            let Some(c) = rest.chars().next() else {
                self.unterminated(start);
                return value;
            };
            if c == '\n' || c == '\r' {
                self.unterminated(start);
                return value;
            }
            if c as u32 == u32::from(quote) {
                self.i += 1;
                return value;
            }
            if c == '\\' {
                self.escape(&mut value);
                continue;
            }
            self.i += c.len_utf8();
            value.push(c);
        }
    }

    fn unterminated(&mut self, start: usize) {
        let span = Span::new(off(start), off(self.i));
        let d = self.error(K::UnterminatedString, "unterminated string literal", span);
        d.span_label = Some("this string has no closing quote".into());
        d.helps
            .push("strings end on the same line; use ```...``` for multi-line text".into());
    }

    /// Decodes one escape at `self.i` (on the backslash) into `out`.
    fn escape(&mut self, out: &mut String) {
        let esc_start = self.i;
        let c = self.src.get(self.i + 1..).and_then(|r| r.chars().next());
        let Some(c) = c else {
            self.i += 1;
            return;
        };
        self.i += 1 + c.len_utf8();
        let simple = match c {
            '\'' => Some('\''),
            '"' => Some('"'),
            '\\' => Some('\\'),
            'a' => Some('\u{07}'),
            'b' => Some('\u{08}'),
            'f' => Some('\u{0c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{0b}'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            return;
        }
        let decoded = match c {
            'u' => self.hex_escape(4).and_then(|hi| self.surrogate_pair(hi)),
            'U' => self.hex_escape(8).and_then(char::from_u32),
            'x' => self.hex_escape(2).and_then(char::from_u32),
            '0'..='7' => {
                let mut v = c as u32 - '0' as u32;
                for _ in 0..2 {
                    match self.peek_byte(0) {
                        d @ b'0'..=b'7' if v * 8 + u32::from(d - b'0') <= 0o377 => {
                            v = v * 8 + u32::from(d - b'0');
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v)
            }
            _ => None,
        };
        match decoded {
            Some(ch) => out.push(ch),
            None => {
                // Cover the digits that were meant to be part of the escape.
                let width = match c {
                    'u' => 4,
                    'U' => 8,
                    'x' => 2,
                    _ => 0,
                };
                let mut n = 0;
                while n < width && self.peek_byte(0).is_ascii_hexdigit() {
                    self.i += 1;
                    n += 1;
                }
                let span = Span::new(off(esc_start), off(self.i));
                let text = self.src.get(esc_start..self.i).unwrap_or("\\").to_string();
                let d = self.error(
                    K::InvalidEscape,
                    format!("invalid escape sequence `{text}`"),
                    span,
                );
                d.helps.push(
                    "use `\\\\` for a backslash, or a verbatim string `@\"...\"` (handy for regexes)"
                        .into(),
                );
                out.push_str(&text);
            }
        }
    }

    /// Reads exactly `n` hex digits.
    fn hex_escape(&mut self, n: usize) -> Option<u32> {
        let digits = self.src.get(self.i..self.i + n)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += n;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A `\uXXXX` value, combined with a following `\uXXXX` low surrogate when it is a high one.
    fn surrogate_pair(&mut self, hi: u32) -> Option<char> {
        if !(0xD800..0xDC00).contains(&hi) {
            return char::from_u32(hi);
        }
        if self.src.get(self.i..self.i + 2) != Some("\\u") {
            return None;
        }
        let save = self.i;
        self.i += 2;
        match self.hex_escape(4) {
            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            }
            _ => {
                self.i = save;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lexer::lex;
    use crate::token::Tok;

    fn string(src: &str) -> (String, bool) {
        let (t, d) = lex(src);
        assert!(d.is_empty(), "{src}: {d:?}");
        match &t[0].kind {
            Tok::Str { value, obfuscated } => (value.clone(), *obfuscated),
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn string_forms() {
        assert_eq!(string(r#""a\"b\\c\n""#).0, "a\"b\\c\n");
        assert_eq!(string(r"'it\'s'").0, "it's");
        assert_eq!(string(r#"@"C:\dir\""file""""#).0, "C:\\dir\\\"file\"");
        assert_eq!(string(r"@'a''b'").0, "a'b");
        assert_eq!(string(r#""\u00e9\U0001F600\x41\101""#).0, "é😀AA");
        assert_eq!(string(r#""\ud83d\ude00""#).0, "😀");
        assert_eq!(string("```line1\nline2```").0, "line1\nline2");
        assert_eq!(string("~~~x~~~").0, "x");
        assert_eq!(string(r#"h"secret""#), ("secret".to_string(), true));
        assert_eq!(string(r#"H@'x'"#), ("x".to_string(), true));
    }

    #[test]
    fn unterminated_and_bad_escape() {
        let (_, d) = lex("\"abc\nx");
        assert_eq!(d[0].code, "KQL0101");
        assert_eq!(d[0].span.map(|s| (s.start, s.end)), Some((0, 4)));
        let (_, d) = lex(r#""a\qb""#);
        assert_eq!(d[0].code, "KQL0103");
        assert_eq!(d[0].span.map(|s| (s.start, s.end)), Some((2, 4)));
    }
}
