//! Renders diagnostics as text with the source line and a caret underline.
//!
//! The layout follows the compiler convention users already read every day:
//!
//! ```text
//! error[KQL0301]: unknown column `FileNmae`
//!  --> query.kql:2:9
//!   |
//! 2 | | where FileNmae == "x"
//!   |         ^^^^^^^^ not found in the input of `where`
//!   |
//!   = help: did you mean `FileName`?
//! ```
//!
//! It is written here rather than taken from a crate so that the output is stable for
//! snapshot tests, supports any number of notes and helps, and has no dependencies.

use crate::{Diagnostic, LineIndex, Span};
use std::fmt::Write as _;

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Name shown after `-->` (a file path, or `query` for inline text).
    pub origin: String,
    /// Use ANSI colours.
    pub color: bool,
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Renders several diagnostics, separated by blank lines.
pub fn render_all(diags: &[Diagnostic], src: &str, opts: &RenderOptions) -> String {
    diags
        .iter()
        .map(|d| render(d, src, opts))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders one diagnostic against the source text it points into.
pub fn render(diag: &Diagnostic, src: &str, opts: &RenderOptions) -> String {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = if opts.color { RESET } else { "" };
    let sev_color = match diag.severity {
        crate::Severity::Error => paint(RED),
        crate::Severity::Warning => paint(YELLOW),
    };
    let blue = paint(BLUE);
    let bold = paint(BOLD);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{sev_color}{}[{}]{reset}{bold}: {}{reset}",
        diag.severity, diag.code, diag.message
    );

    let index = LineIndex::new(src);
    let origin = if opts.origin.is_empty() {
        "query"
    } else {
        opts.origin.as_str()
    };

    // Collect (span, message, primary?) and the lines they touch.
    let mut marks: Vec<(Span, String, bool)> = Vec::new();
    if let Some(span) = diag.span {
        marks.push((
            clamp(span, src),
            diag.span_label.clone().unwrap_or_default(),
            true,
        ));
    }
    for l in &diag.labels {
        marks.push((clamp(l.span, src), l.message.clone(), false));
    }

    let gutter = marks
        .iter()
        .map(|(s, _, _)| (index.line_of(s.start) + 1).to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(gutter);

    if let Some((span, _, _)) = marks.first() {
        let (line, col) = index.line_col(src, span.start);
        let _ = writeln!(out, "{pad}{blue}-->{reset} {origin}:{line}:{col}");
        let _ = writeln!(out, "{pad} {blue}|{reset}");
        // Render marks in source order, one source line each.
        let mut ordered: Vec<&(Span, String, bool)> = marks.iter().collect();
        ordered.sort_by_key(|(s, _, _)| s.start);
        let mut last_line: Option<usize> = None;
        for (span, message, primary) in ordered {
            let line_no = index.line_of(span.start);
            let line_start = index.line_start(line_no) as usize;
            let line_text = line_text(src, &index, line_no);
            if last_line != Some(line_no) {
                if let Some(prev) = last_line
                    && line_no > prev + 1
                {
                    let _ = writeln!(out, "{blue}...{reset}");
                }
                let _ = writeln!(
                    out,
                    "{blue}{:>gutter$} |{reset} {}",
                    line_no + 1,
                    expand_tabs(line_text)
                );
                last_line = Some(line_no);
            }
            // Columns in display cells (tabs expanded to 4, chars counted).
            let start_in_line = (span.start as usize).saturating_sub(line_start);
            let end_in_line = ((span.end as usize).saturating_sub(line_start)).min(line_text.len());
            let lead = display_width(line_text.get(..start_in_line).unwrap_or(""));
            let width =
                display_width(line_text.get(start_in_line..end_in_line).unwrap_or("")).max(1);
            let (ch, color) = if *primary {
                ('^', sev_color)
            } else {
                ('-', blue)
            };
            let underline: String = std::iter::repeat_n(ch, width).collect();
            let multi = index.line_of(span.end.saturating_sub(1).max(span.start)) != line_no;
            let suffix = if multi { "..." } else { "" };
            let sep = if message.is_empty() { "" } else { " " };
            let _ = writeln!(
                out,
                "{pad} {blue}|{reset} {}{color}{underline}{suffix}{sep}{message}{reset}",
                " ".repeat(lead)
            );
        }
    } else {
        let _ = writeln!(out, "{pad}{blue}-->{reset} {origin}");
    }

    if !diag.notes.is_empty() || !diag.helps.is_empty() {
        let _ = writeln!(out, "{pad} {blue}|{reset}");
    }
    for n in &diag.notes {
        let _ = writeln!(out, "{pad} {blue}={reset} {bold}note{reset}: {n}");
    }
    for h in &diag.helps {
        let _ = writeln!(out, "{pad} {blue}={reset} {bold}help{reset}: {h}");
    }
    out
}

fn clamp(span: Span, src: &str) -> Span {
    let len = u32::try_from(src.len()).unwrap_or(u32::MAX);
    let mut s = span.start.min(len);
    let mut e = span.end.min(len).max(s);
    while s > 0 && !src.is_char_boundary(s as usize) {
        s -= 1;
    }
    while (e as usize) < src.len() && !src.is_char_boundary(e as usize) {
        e += 1;
    }
    Span::new(s, e)
}

fn line_text<'a>(src: &'a str, index: &LineIndex, line: usize) -> &'a str {
    let start = index.line_start(line) as usize;
    let end = if line + 1 < index.line_count() {
        index.line_start(line + 1) as usize
    } else {
        src.len()
    };
    src.get(start..end)
        .unwrap_or("")
        .trim_end_matches(['\n', '\r'])
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', "    ")
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let src = "T\n| where FileNmae == \"x\"";
        let d = Diagnostic::error("KQL0301", "unknown column `FileNmae`", Span::new(10, 18))
            .with_span_label("not found")
            .with_help("did you mean `FileName`?");
        let out = render(&d, src, &RenderOptions::default());
        let expected = "error[KQL0301]: unknown column `FileNmae`
 --> query:2:9
  |
2 | | where FileNmae == \"x\"
  |         ^^^^^^^^ not found
  |
  = help: did you mean `FileName`?
";
        assert_eq!(out, expected);
    }

    #[test]
    fn empty_span_at_end_gets_one_caret() {
        let src = "T | where";
        let d = Diagnostic::error("KQL0102", "expected an expression", Span::at(9));
        let out = render(&d, src, &RenderOptions::default());
        assert!(out.contains("1 | T | where\n  |          ^\n"), "{out}");
    }

    #[test]
    fn span_past_end_and_inside_char_is_clamped() {
        let src = "é";
        let d = Diagnostic::error("X", "m", Span::new(1, 50));
        let out = render(&d, src, &RenderOptions::default());
        assert!(out.contains("^"), "{out}");
    }
}
