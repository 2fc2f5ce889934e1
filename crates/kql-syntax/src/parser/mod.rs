//! Tokens → AST: a hand-written recursive-descent parser, with precedence climbing for
//! expressions (`expr.rs`), one function per tabular operator (`operators.rs` and the files
//! named after operator families), sources that start a query (`source.rs`), literals
//! (`literal.rs`) and statements (`stmt.rs`).
//!
//! Errors are pushed onto `diags` and signalled with [`Fail`]; the statement loop recovers at
//! the next `;` and a top-level pipe at the next `|`, so one query can report several
//! independent mistakes. Two limits keep hostile input from exhausting the stack: recursion
//! through nested constructs is capped at [`MAX_NESTING`], and trees built by loops (long
//! `and` chains, many pipes) are capped at [`MAX_TREE_DEPTH`], so that the consumers of the
//! tree (printer, binder, `Drop`) may recurse over it safely.

mod dynamic;
mod expr;
mod join;
mod literal;
mod operators;
mod params;
mod parse_op;
mod primary;
mod source;
mod stmt;
mod tabular;

use crate::ast::{Expr, Ident};
use crate::error::SyntaxErrorKind as K;
use crate::lexer::lex;
use crate::token::{Punct, Tok, Token};
use kql_diagnostics::{Diagnostic, Span};

/// How many nested constructs (parentheses, calls, sub-queries, unary signs, `dynamic`
/// arrays; a parenthesised sub-query counts two or three) the parser follows before giving up
/// with [`K::NestingTooDeep`]. The deepest of the 2,231 Sentinel queries and 389 documentation
/// examples reaches 36. At the cap the parser uses under 1 MiB of stack in a debug build
/// (measured: at most about 10 KiB per level), well inside a 2 MiB thread stack.
pub const MAX_NESTING: u32 = 100;

/// The deepest tree the parser returns (counted in expression nodes from the root). Loops
/// build trees deeper than their recursion (`a or b or c ...` and long pipes are left-deep),
/// so this is checked separately; real queries chain fewer than 100 `or`s.
pub const MAX_TREE_DEPTH: u32 = 512;

/// After this many diagnostics the parser stops recovering: more would only be noise (and an
/// input of 100,000 `|` would otherwise yield as many messages).
pub(crate) const MAX_DIAGNOSTICS: usize = 50;

/// Marker that a diagnostic has been recorded and the current construct is abandoned.
#[derive(Debug)]
pub(crate) struct Fail;

pub(crate) type PResult<T> = Result<T, Fail>;

pub(crate) struct Parser<'a> {
    pub src: &'a str,
    toks: Vec<Token<'a>>,
    pos: usize,
    pub diags: Vec<Diagnostic>,
    depth: u32,
    /// Set once a nesting error is reported, so that recovery does not report it again.
    too_deep: bool,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        let (toks, diags) = lex(src);
        Self {
            src,
            toks,
            pos: 0,
            diags,
            depth: 0,
            too_deep: false,
        }
    }

    /// Diagnostics in source order (lexer and parser ones interleaved).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.diags
            .sort_by_key(|d| d.span.map_or(u32::MAX, |s| s.start));
        self.diags
    }

    // ---- cursor ----

    pub fn peek(&self) -> &Token<'a> {
        self.peek_at(0)
    }

    pub fn peek_at(&self, n: usize) -> &Token<'a> {
        let i = (self.pos + n).min(self.toks.len().saturating_sub(1));
        // The token list always ends with Eof, so it is never empty.
        &self.toks[i]
    }

    pub fn bump(&mut self) -> Token<'a> {
        let t = self.peek().clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    /// Span of the last consumed token (empty at 0 before the first).
    pub fn prev_span(&self) -> Span {
        if self.pos == 0 {
            Span::at(0)
        } else {
            self.toks.get(self.pos - 1).map_or(Span::at(0), |t| t.span)
        }
    }

    pub fn at(&self, p: Punct) -> bool {
        self.peek().is(p)
    }

    pub fn at_word(&self, w: &str) -> bool {
        self.peek().is_word(w)
    }

    pub fn at_eof(&self) -> bool {
        self.peek().kind == Tok::Eof
    }

    pub fn eat(&mut self, p: Punct) -> Option<Span> {
        if self.at(p) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    pub fn eat_word(&mut self, w: &str) -> Option<Span> {
        if self.at_word(w) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    /// True where an operator's arguments end: `|`, `;`, a closing bracket, or the end.
    pub fn at_operator_end(&self) -> bool {
        matches!(
            self.peek().kind,
            Tok::Eof
                | Tok::Punct(
                    Punct::Pipe | Punct::Semi | Punct::RParen | Punct::RBrace | Punct::RBracket
                )
        )
    }

    // ---- errors ----

    pub fn error(&mut self, kind: K, message: impl Into<String>, span: Span) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(kind.code(), message, span));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Records a "found X" error at the next token and returns [`Fail`].
    pub fn fail_here(&mut self, kind: K, expected: &str) -> Fail {
        let t = self.peek().clone();
        self.error(kind, format!("{expected}, found {}", t.describe()), t.span);
        Fail
    }

    /// Sets the caret label of the last diagnostic.
    fn label_last(&mut self, label: String) {
        if let Some(d) = self.diags.last_mut() {
            d.span_label = Some(label);
        }
    }

    /// "expected an expression after `where`, found `|`".
    pub fn expected_expression(&mut self) -> Fail {
        let prev = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .cloned();
        let after = prev.map_or(String::new(), |p| format!(" after {}", p.describe()));
        let t = self.peek().clone();
        let d = self.error(
            K::ExpectedExpression,
            format!("expected an expression{after}, found {}", t.describe()),
            t.span,
        );
        d.span_label = Some("expected an expression here".into());
        Fail
    }

    /// Requires punctuation `p`; `context` completes "expected `p` {context}".
    pub fn expect(&mut self, p: Punct, context: &str) -> PResult<Span> {
        match self.eat(p) {
            Some(s) => Ok(s),
            None => {
                let f = self.fail_here(
                    K::ExpectedToken,
                    &format!("expected `{}` {context}", p.as_str()),
                );
                self.label_last(format!("expected `{}` here", p.as_str()));
                Err(f)
            }
        }
    }

    /// Requires the keyword `w`; `context` completes "expected `w` {context}".
    pub fn expect_word(&mut self, w: &str, context: &str) -> PResult<Span> {
        match self.eat_word(w) {
            Some(s) => Ok(s),
            None => {
                let f = self.fail_here(K::ExpectedToken, &format!("expected `{w}` {context}"));
                self.label_last(format!("expected `{w}` here"));
                Err(f)
            }
        }
    }

    /// Requires the closing bracket matching the one at `open`; a missing one is reported as
    /// an unclosed delimiter with a label on the opening bracket.
    pub fn close(&mut self, close: Punct, open: Span) -> PResult<Span> {
        if let Some(s) = self.eat(close) {
            return Ok(s);
        }
        let t = self.peek().clone();
        let open_text = open.slice(self.src).to_string();
        let d = self.error(
            K::UnclosedDelimiter,
            format!(
                "expected `{}` to close `{open_text}`, found {}",
                close.as_str(),
                t.describe()
            ),
            t.span,
        );
        d.span_label = Some(format!("expected `{}` here", close.as_str()));
        d.labels.push(kql_diagnostics::Label {
            span: open,
            message: "unclosed delimiter".into(),
        });
        Err(Fail)
    }

    /// Runs `f` one nesting level deeper, failing cleanly past [`MAX_NESTING`].
    pub fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(self.too_deep(self.peek().span));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// True once recovery should stop: nesting overflowed, or enough errors were reported.
    pub fn give_up(&self) -> bool {
        self.too_deep || self.diags.len() >= MAX_DIAGNOSTICS
    }

    pub fn too_deep(&mut self, span: Span) -> Fail {
        if !self.too_deep {
            self.too_deep = true;
            let d = self.error(K::NestingTooDeep, "the query nests too deeply", span);
            d.notes.push(format!(
                "kqlhunt accepts {MAX_NESTING} nested levels and expression trees {MAX_TREE_DEPTH} deep"
            ));
            d.helps.push("split the query with `let` statements".into());
        }
        Fail
    }

    /// Fails when a tree built by a loop grows deeper than [`MAX_TREE_DEPTH`].
    pub fn check_tree_depth(&mut self, depth: u32, span: Span) -> PResult<()> {
        if depth > MAX_TREE_DEPTH {
            Err(self.too_deep(span))
        } else {
            Ok(())
        }
    }

    // ---- names ----

    /// True when the next tokens are a name (bare or `['quoted']`) followed by `=` (not `==`).
    pub fn at_name_then_eq(&self) -> bool {
        match self.peek().kind {
            Tok::Ident => self.peek_at(1).is(Punct::Eq) && !self.peek().text.starts_with('$'),
            Tok::Punct(Punct::LBracket) => {
                matches!(self.peek_at(1).kind, Tok::Str { .. })
                    && self.peek_at(2).is(Punct::RBracket)
                    && self.peek_at(3).is(Punct::Eq)
            }
            _ => false,
        }
    }

    /// A name: any word (keywords included, as Kusto allows), or `['quoted name']`.
    pub fn name(&mut self, what: &str) -> PResult<Ident> {
        let t = self.peek().clone();
        match t.kind {
            Tok::Ident => {
                self.bump();
                Ok(Ident::new(t.text, t.span))
            }
            Tok::Punct(Punct::LBracket) if matches!(self.peek_at(1).kind, Tok::Str { .. }) => {
                self.bump();
                let (value, _, _) = self.string_literal();
                let end = self.close(Punct::RBracket, t.span)?;
                Ok(Ident {
                    name: value,
                    quoted: true,
                    span: t.span.to(end),
                })
            }
            _ => {
                let d = self.error(
                    K::ExpectedName,
                    format!("expected {what}, found {}", t.describe()),
                    t.span,
                );
                d.span_label = Some("expected a name here".into());
                Err(Fail)
            }
        }
    }

    /// Adjacent string tokens, concatenated: `"a" 'b'` is `"ab"`. Returns the value, whether
    /// any part was obfuscated, and the span. The caller has checked that a string is next.
    pub fn string_literal(&mut self) -> (String, bool, Span) {
        let start = self.peek().span;
        let mut value = String::new();
        let mut obf = false;
        let mut end = start;
        while let Tok::Str {
            value: v,
            obfuscated,
        } = &self.peek().kind
        {
            value.push_str(v);
            obf |= *obfuscated;
            end = self.peek().span;
            self.bump();
        }
        (value, obf, start.to(end))
    }

    /// Skips to the next `;` (or the end) outside brackets, for recovery after an error.
    pub fn recover_to_statement_end(&mut self) {
        self.skip_until(|t| t.is(Punct::Semi));
    }

    /// Skips to the next `|` or `;` outside brackets.
    pub fn recover_to_pipe(&mut self) {
        self.skip_until(|t| t.is(Punct::Semi) || t.is(Punct::Pipe));
    }

    fn skip_until(&mut self, stop: impl Fn(&Token<'_>) -> bool) {
        let mut depth = 0u32;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Eof => return,
                Tok::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => depth += 1,
                Tok::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                    depth = depth.saturating_sub(1);
                }
                _ if depth == 0 && stop(t) => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// Parses the whole input as one scalar expression.
    pub fn whole_expression(&mut self) -> Option<Expr> {
        let e = self.expr().ok();
        if e.is_some() && !self.at_eof() {
            let t = self.peek().clone();
            let d = self.error(
                K::UnexpectedToken,
                format!("unexpected {} after the expression", t.describe()),
                t.span,
            );
            d.span_label = Some("the expression ends before this".into());
            return None;
        }
        e
    }
}
