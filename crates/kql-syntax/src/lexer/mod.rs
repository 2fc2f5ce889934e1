//! KQL text → tokens.
//!
//! The lexer never stops at an error: it records a diagnostic, emits the most plausible token
//! (an unterminated string still becomes a string) and goes on, so that one typo yields one
//! message rather than a cascade. Whitespace and `//` comments are dropped; every token keeps
//! its byte span.

pub(crate) mod number;
mod string;

use crate::error::SyntaxErrorKind as K;
use crate::keywords::{HYPHENATED, NEGATABLE, TYPED_LITERALS};
use crate::token::{Punct, Tok, Token};
use kql_diagnostics::{Diagnostic, Span};

/// Splits `src` into tokens (ending with [`Tok::Eof`]) and the diagnostics found on the way.
pub(crate) fn lex(src: &str) -> (Vec<Token<'_>>, Vec<Diagnostic>) {
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        i: 0,
        tokens: Vec::new(),
        diags: Vec::new(),
    };
    lx.run();
    (lx.tokens, lx.diags)
}

pub(crate) struct Lexer<'a> {
    pub src: &'a str,
    pub bytes: &'a [u8],
    pub i: usize,
    pub tokens: Vec<Token<'a>>,
    pub diags: Vec<Diagnostic>,
}

/// A byte offset as a span coordinate (texts over 4 GiB are rejected before lexing).
pub(crate) fn off(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Characters that may continue an identifier.
pub(crate) fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whitespace as Kusto defines it (ASCII plus the Unicode spaces of `KqlTokens.g4`).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\r' | '\n' | '\u{0c}' | '\u{a0}' | '\u{1680}' | '\u{180e}' | '\u{2000}'
            ..='\u{200b}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        loop {
            self.skip_trivia();
            if self.i >= self.bytes.len() {
                // "found end of input" points just after the last token, not at trailing
                // blank lines or comments.
                let end = self.tokens.last().map_or(0, |t| t.span.end);
                self.tokens.push(Token {
                    kind: Tok::Eof,
                    text: "",
                    span: Span::at(end),
                });
                return;
            }
            self.token();
        }
    }

    pub fn peek_byte(&self, ahead: usize) -> u8 {
        self.bytes.get(self.i + ahead).copied().unwrap_or(0)
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.i..).unwrap_or("")
    }

    pub fn push(&mut self, kind: Tok<'a>, start: usize) {
        let text = self.src.get(start..self.i).unwrap_or("");
        self.tokens.push(Token {
            kind,
            text,
            span: Span::new(off(start), off(self.i)),
        });
    }

    pub fn error(&mut self, kind: K, message: impl Into<String>, span: Span) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(kind.code(), message, span));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn skip_trivia(&mut self) {
        loop {
            let rest = self.rest();
            if rest.starts_with("//") {
                let end = rest
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .unwrap_or(rest.len());
                self.i += end;
                continue;
            }
            match rest.chars().next() {
                Some(c) if is_space(c) => self.i += c.len_utf8(),
                _ => return,
            }
        }
    }

    fn token(&mut self) {
        let start = self.i;
        let b = self.peek_byte(0);
        match b {
            b'h' | b'H' if self.string_follows(1) => {
                self.i += 1;
                self.string(start, true);
            }
            b'"' | b'\'' | b'@' | b'`' | b'~' if self.string_follows(0) => {
                self.string(start, false);
            }
            b'0'..=b'9' => self.number(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => self.word(),
            b'!' => self.bang(),
            _ => self.punct(),
        }
    }

    /// True if a string literal starts `ahead` bytes from here.
    fn string_follows(&self, ahead: usize) -> bool {
        let rest = self.src.get(self.i + ahead..).unwrap_or("");
        rest.starts_with('"')
            || rest.starts_with('\'')
            || rest.starts_with("@\"")
            || rest.starts_with("@'")
            || rest.starts_with("```")
            || rest.starts_with("~~~")
    }

    fn word(&mut self) {
        let start = self.i;
        self.i += 1;
        while is_ident_continue(self.peek_byte(0)) {
            self.i += 1;
        }
        let word = self.src.get(start..self.i).unwrap_or("");
        // `project-away`, `mv-expand`: one keyword when written without spaces.
        if self.peek_byte(0) == b'-' {
            let from_start = self.src.get(start..).unwrap_or("");
            for h in HYPHENATED {
                if h.len() > word.len()
                    && h.as_bytes().get(word.len()) == Some(&b'-')
                    && h.starts_with(word)
                    && from_start.starts_with(h)
                    && !is_ident_continue(self.bytes.get(start + h.len()).copied().unwrap_or(0))
                {
                    self.i = start + h.len();
                    self.push(Tok::Ident, start);
                    return;
                }
            }
        }
        if word == "in" && self.peek_byte(0) == b'~' {
            self.i += 1;
            self.push(Tok::OpWord, start);
            return;
        }
        if TYPED_LITERALS.contains(&word) && self.typed_literal(start) {
            return;
        }
        self.push(Tok::Ident, start);
    }

    /// `datetime(...)` and friends: the content up to the matching `)` is raw text (it may
    /// hold `2024-01-01 10:00`, which is no sequence of tokens). Returns false when the word
    /// is not followed by `(` (then it is a type name or a column).
    fn typed_literal(&mut self, start: usize) -> bool {
        let kw_end = self.i;
        let mut j = self.i;
        while matches!(self.bytes.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if self.bytes.get(j) != Some(&b'(') {
            return false;
        }
        let raw_start = j + 1;
        let mut k = raw_start;
        let mut quote: Option<u8> = None;
        while let Some(&c) = self.bytes.get(k) {
            match quote {
                Some(q) => {
                    if c == b'\\' {
                        k += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    b'"' | b'\'' => quote = Some(c),
                    b')' => break,
                    _ => {}
                },
            }
            k += 1;
        }
        let keyword = self.src.get(start..kw_end).unwrap_or("");
        if k >= self.bytes.len() {
            self.i = self.bytes.len();
            let d = self.error(
                K::UnterminatedTypedLiteral,
                format!("`{keyword}(` has no closing `)`"),
                Span::new(off(start), off(raw_start)),
            );
            d.span_label = Some("opened here".into());
            let raw = self.src.get(raw_start..).unwrap_or("");
            self.push(
                Tok::Typed {
                    keyword,
                    raw,
                    raw_span: Span::new(off(raw_start), off(self.bytes.len())),
                },
                start,
            );
            return true;
        }
        let raw = self.src.get(raw_start..k).unwrap_or("");
        self.i = k + 1;
        self.push(
            Tok::Typed {
                keyword,
                raw,
                raw_span: Span::new(off(raw_start), off(k)),
            },
            start,
        );
        true
    }

    /// `!=`, `!~`, and negated operator words (`!has`, `!in~`, `!between`).
    fn bang(&mut self) {
        let start = self.i;
        match self.peek_byte(1) {
            b'=' => {
                self.i += 2;
                self.push(Tok::Punct(Punct::BangEq), start);
                return;
            }
            b'~' => {
                self.i += 2;
                self.push(Tok::Punct(Punct::BangTilde), start);
                return;
            }
            _ => {}
        }
        let mut j = self.i + 1;
        while is_ident_continue(self.bytes.get(j).copied().unwrap_or(0)) {
            j += 1;
        }
        let word = self.src.get(self.i + 1..j).unwrap_or("");
        if word == "in" && self.bytes.get(j) == Some(&b'~') {
            self.i = j + 1;
            self.push(Tok::OpWord, start);
            return;
        }
        if NEGATABLE.contains(&word) {
            self.i = j;
            self.push(Tok::OpWord, start);
            return;
        }
        self.i += 1;
        let d = self.error(
            K::StrayBang,
            "unexpected `!`",
            Span::new(off(start), off(start + 1)),
        );
        d.span_label = Some("KQL has no `!` operator".into());
        d.helps
            .push("negate a condition with `not(...)`, e.g. `where not(x)`".into());
    }

    fn punct(&mut self) {
        let start = self.i;
        let two = self.src.get(self.i..self.i + 2).unwrap_or("");
        let p2 = match two {
            ".." => Some(Punct::DotDot),
            "==" => Some(Punct::EqEq),
            "=~" => Some(Punct::EqTilde),
            "=>" => Some(Punct::FatArrow),
            "<>" => Some(Punct::LtGt),
            "<=" => Some(Punct::LtEq),
            ">=" => Some(Punct::GtEq),
            _ => None,
        };
        if let Some(p) = p2 {
            self.i += 2;
            self.push(Tok::Punct(p), start);
            return;
        }
        let p1 = match self.peek_byte(0) {
            b'(' => Some(Punct::LParen),
            b')' => Some(Punct::RParen),
            b'[' => Some(Punct::LBracket),
            b']' => Some(Punct::RBracket),
            b'{' => Some(Punct::LBrace),
            b'}' => Some(Punct::RBrace),
            b',' => Some(Punct::Comma),
            b';' => Some(Punct::Semi),
            b':' => Some(Punct::Colon),
            b'.' => Some(Punct::Dot),
            b'=' => Some(Punct::Eq),
            b'<' => Some(Punct::Lt),
            b'>' => Some(Punct::Gt),
            b'+' => Some(Punct::Plus),
            b'-' => Some(Punct::Minus),
            b'*' => Some(Punct::Star),
            b'/' => Some(Punct::Slash),
            b'%' => Some(Punct::Percent),
            b'|' => Some(Punct::Pipe),
            _ => None,
        };
        if let Some(p) = p1 {
            self.i += 1;
            self.push(Tok::Punct(p), start);
            return;
        }
        let c = self.rest().chars().next().unwrap_or('\u{fffd}');
        self.i += c.len_utf8().max(1);
        let shown = if c.is_control() {
            format!("{:?}", c)
        } else {
            format!("`{c}`")
        };
        self.error(
            K::UnexpectedChar,
            format!("unexpected character {shown}"),
            Span::new(off(start), off(self.i)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok<'_>> {
        let (t, d) = lex(src);
        assert!(d.is_empty(), "{d:?}");
        t.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn hyphenated_keywords_are_one_word() {
        let (t, _) = lex("T | project-away a | mv-expand b | x-y");
        let words: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            [
                "T",
                "|",
                "project-away",
                "a",
                "|",
                "mv-expand",
                "b",
                "|",
                "x",
                "-",
                "y",
                ""
            ]
        );
    }

    #[test]
    fn negated_operators_and_in_tilde() {
        let (t, d) = lex("a !has b !in~ c in~ d !~ e != f");
        assert!(d.is_empty());
        let ops: Vec<&str> = t
            .iter()
            .filter(|t| t.kind == Tok::OpWord)
            .map(|t| t.text)
            .collect();
        assert_eq!(ops, ["!has", "!in~", "in~"]);
    }

    #[test]
    fn typed_literal_keeps_raw_text() {
        let (t, d) = lex("datetime(2024-01-01 10:00:00.123Z) x:datetime");
        assert!(d.is_empty());
        match &t[0].kind {
            Tok::Typed { keyword, raw, .. } => {
                assert_eq!(*keyword, "datetime");
                assert_eq!(*raw, "2024-01-01 10:00:00.123Z");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(t[3].kind, Tok::Ident);
        assert_eq!(t[3].text, "datetime");
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            kinds("a // comment\n b"),
            [Tok::Ident, Tok::Ident, Tok::Eof]
        );
    }

    #[test]
    fn stray_bang_is_reported() {
        let (_, d) = lex("!x");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "KQL0108");
        assert_eq!(d[0].span, Some(Span::new(0, 1)));
    }
}
