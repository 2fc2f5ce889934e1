//! Tokens produced by the lexer.
//!
//! KQL is mostly context-sensitive about its words (`count`, `kind`, `title` are keywords in
//! one place and column names in another), so the lexer does not classify words: every word is
//! an [`Tok::Ident`] and the parser decides what it means from where it stands. The lexer only
//! resolves what cannot be decided later without the raw text: literals (strings, numbers,
//! timespans, and the `datetime(...)`-style literals whose content is not made of tokens),
//! hyphenated keywords (`project-away`), and operator words glued to punctuation (`!has`,
//! `in~`).

use kql_diagnostics::Span;

/// One token with its text and span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token<'a> {
    /// What it is.
    pub kind: Tok<'a>,
    /// The source text of the whole token.
    pub text: &'a str,
    /// Where.
    pub span: Span,
}

/// Token kinds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok<'a> {
    /// A word: identifier, keyword, hyphenated keyword (`mv-expand`), `$left`, or a name that
    /// starts with digits (`5Minutebin`).
    Ident,
    /// An operator word that is not an identifier: `!has`, `!contains_cs`, `in~`, `!in~`,
    /// `!between`, ...
    OpWord,
    /// A string literal, already decoded.
    Str {
        /// Decoded text.
        value: String,
        /// Written with the `h`/`H` prefix.
        obfuscated: bool,
    },
    /// An integer literal (decimal or `0x` hex).
    Long(i64),
    /// A real literal (`1.5`, `1e3`).
    Real(f64),
    /// A timespan literal (`5m`, `1.5h`), in ticks of 100 ns.
    Timespan(i64),
    /// `keyword(raw text)` for the literals whose content is not tokenised: `datetime(...)`,
    /// `time(...)`, `timespan(...)`, `guid(...)`, `int(...)`, `long(...)`, `real(...)`,
    /// `decimal(...)`, `bool(...)`, `typeof(...)`, `string(...)`.
    Typed {
        /// The keyword as written (`datetime`).
        keyword: &'a str,
        /// The text between the parentheses, untrimmed.
        raw: &'a str,
        /// Span of `raw`.
        raw_span: Span,
    },
    /// Punctuation.
    Punct(Punct),
    /// End of input (its span is empty, just after the last token).
    Eof,
}

/// Punctuation tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Punct {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semi,
    Colon,
    Dot,
    DotDot,
    Eq,
    EqEq,
    BangEq,
    LtGt,
    Lt,
    LtEq,
    Gt,
    GtEq,
    EqTilde,
    BangTilde,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Pipe,
    FatArrow,
}

impl Punct {
    /// The punctuation as written.
    pub fn as_str(self) -> &'static str {
        use Punct::*;
        match self {
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            Dot => ".",
            DotDot => "..",
            Eq => "=",
            EqEq => "==",
            BangEq => "!=",
            LtGt => "<>",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            EqTilde => "=~",
            BangTilde => "!~",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Pipe => "|",
            FatArrow => "=>",
        }
    }
}

impl Token<'_> {
    /// How the token is named in "found ..." messages: the text in backticks (shortened when
    /// long), or "end of input".
    pub fn describe(&self) -> String {
        match self.kind {
            Tok::Eof => "end of input".to_string(),
            _ => {
                let text: String = self.text.chars().take(40).collect();
                let text = text.replace('\n', " ");
                if text.len() < self.text.len() {
                    format!("`{text}...`")
                } else {
                    format!("`{text}`")
                }
            }
        }
    }

    /// True for an identifier with exactly this text.
    pub fn is_word(&self, word: &str) -> bool {
        matches!(self.kind, Tok::Ident) && self.text == word
    }

    /// True for this punctuation.
    pub fn is(&self, p: Punct) -> bool {
        self.kind == Tok::Punct(p)
    }
}
