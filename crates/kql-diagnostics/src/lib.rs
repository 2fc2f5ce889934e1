//! Source spans and diagnostics for kqlhunt.
//!
//! Every stage of kqlhunt (lexing, parsing, binding, rule loading) reports problems as
//! [`Diagnostic`] values: plain data with a code, a message, a primary byte span into the
//! source text, secondary labels, notes and help lines. Nothing here prints or aborts;
//! rendering happens once, at the edge, through [`render`], which computes line and column
//! numbers from byte offsets and draws a caret underline under the offending text.
//!
//! Keeping diagnostics as data (not formatted strings) lets tests assert the exact span of an
//! error, lets the CLI choose between plain text and JSON, and lets rule loading attach the
//! rule file's name without re-parsing a message.

mod render;
mod span;

pub use render::{RenderOptions, render, render_all};
pub use span::{LineIndex, Span};

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The query (or rule) cannot be used.
    Error,
    /// The query runs, but probably not as its author meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A secondary location with its own message, e.g. "opening parenthesis here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One problem found in a source text.
///
/// `code` is a stable identifier (`KQL0101`, ...) so that tests, documentation and users can
/// refer to a kind of problem independently of its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code of this kind of diagnostic.
    pub code: &'static str,
    /// One-line summary.
    pub message: String,
    /// The primary location, if the problem has one.
    pub span: Option<Span>,
    /// Text printed under the primary caret.
    pub span_label: Option<String>,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// Extra facts ("note: ...").
    pub notes: Vec<String>,
    /// Suggestions ("help: did you mean `FileName`?").
    pub helps: Vec<String>,
}

impl Diagnostic {
    /// A new error with a primary span.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            span_label: None,
            labels: Vec::new(),
            notes: Vec::new(),
            helps: Vec::new(),
        }
    }

    /// A new error that has no location in the source (e.g. a missing input file).
    pub fn error_unlocated(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            span: None,
            ..Self::error(code, message, Span::new(0, 0))
        }
    }

    /// A new warning with a primary span.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message, span)
        }
    }

    /// Sets the text printed under the primary caret.
    #[must_use]
    pub fn with_span_label(mut self, label: impl Into<String>) -> Self {
        self.span_label = Some(label.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.helps.push(help.into());
        self
    }

    /// True for errors (as opposed to warnings).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Moves every span by `delta` bytes; used when a query is embedded in a larger file
    /// (a rule's YAML) so that diagnostics point into that file.
    #[must_use]
    pub fn shifted(mut self, delta: u32) -> Self {
        if let Some(s) = self.span.as_mut() {
            *s = s.shifted(delta);
        }
        for l in &mut self.labels {
            l.span = l.span.shifted(delta);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    /// A one-line form without source context: `error[KQL0101]: message at 12..15`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(s) = self.span {
            write!(f, " at {}..{}", s.start, s.end)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Suggests the candidate closest to `name`, for "did you mean" help.
///
/// Case-insensitive Damerau-free Levenshtein distance, accepting a distance of at most a
/// third of the name's length (at least 1, at most 3), so `FileNmae` finds `FileName` but
/// `x` does not find `DeviceName`. An exact case-insensitive match always wins.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let c = cand.to_lowercase();
        let d = if c == lower {
            0
        } else {
            levenshtein(&lower, &c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggest_finds_transposed_letters() {
        let cols = ["FileName", "FolderPath", "DeviceName"];
        assert_eq!(suggest("FileNmae", cols), Some("FileName"));
        assert_eq!(suggest("filename", cols), Some("FileName"));
        assert_eq!(suggest("x", cols), None);
        assert_eq!(suggest("Completely", cols), None);
    }
}
