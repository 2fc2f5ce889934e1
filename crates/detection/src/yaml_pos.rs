//! Positions inside YAML files: where a YAML error is, and where an embedded scalar (an inline
//! query, a suppression predicate) sits, so diagnostics about that text point into the file
//! the user edits rather than into an extracted copy.

use kql_diagnostics::{Diagnostic, Span};

/// Diagnostic code of YAML syntax and shape errors in rule and suppression files.
pub const E_YAML: &str = "RULE0001";

/// A YAML error as a diagnostic with a span at the error's position (when serde_yaml gives
/// one).
pub fn yaml_error(err: &serde_yaml::Error, text: &str) -> Diagnostic {
    let message = strip_location(&err.to_string());
    match err.location() {
        Some(loc) => {
            let at = u32::try_from(loc.index().min(text.len())).unwrap_or(u32::MAX);
            let end = next_char_end(text, at);
            Diagnostic::error(E_YAML, message, Span::new(at, end))
        }
        None => Diagnostic::error_unlocated(E_YAML, message),
    }
}

/// serde_yaml appends " at line L column C"; the rendered caret already says where.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn next_char_end(text: &str, at: u32) -> u32 {
    let start = at as usize;
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    at.saturating_add(u32::try_from(len).unwrap_or(0))
}

/// Maps offsets in an extracted scalar back to offsets in the YAML file it came from.
///
/// Block scalars (`query: |`) hold each line of the text verbatim after the indentation, so
/// each non-empty line of the scalar is searched for in order, starting after the key; a
/// line that cannot be found (a folded or escaped scalar) makes the mapping unavailable and
/// callers fall back to showing the extracted text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarMap {
    /// (offset of a line in the scalar, offset of the same line in the file).
    lines: Vec<(u32, u32)>,
}

impl ScalarMap {
    /// Locates `scalar`, the value of the key `key` (searched from `search_from` in `file`).
    pub fn locate(file: &str, key: &str, scalar: &str, search_from: usize) -> Option<Self> {
        let key_at = find_key(file, key, search_from)?;
        let mut cursor = key_at + key.len() + 1;
        let mut lines = Vec::new();
        let mut scalar_offset = 0usize;
        for line in scalar.split('\n') {
            let text = line.trim_end_matches('\r');
            if text.trim().is_empty() {
                lines.push((to_u32(scalar_offset), to_u32(cursor)));
            } else {
                let found = file.get(cursor..)?.find(text)? + cursor;
                lines.push((to_u32(scalar_offset), to_u32(found)));
                cursor = found + text.len();
            }
            scalar_offset += line.len() + 1;
        }
        Some(Self { lines })
    }

    /// The file offset of scalar offset `at`.
    pub fn map(&self, at: u32) -> u32 {
        let i = self.lines.partition_point(|(s, _)| *s <= at);
        match i.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some((s, f)) => f.saturating_add(at.saturating_sub(*s)),
            None => at,
        }
    }

    /// `diag` with every span moved into the file.
    pub fn shift(&self, mut diag: Diagnostic) -> Diagnostic {
        if let Some(s) = diag.span.as_mut() {
            *s = Span::new(self.map(s.start), self.map(s.end));
        }
        for l in &mut diag.labels {
            l.span = Span::new(self.map(l.span.start), self.map(l.span.end));
        }
        diag
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Lines that hold `key:` (after indentation or a `- ` item marker), from byte `from` on:
/// (offset of the line, offset of the key).
fn key_lines<'a>(
    file: &'a str,
    key: &'a str,
    from: usize,
) -> impl Iterator<Item = (usize, usize, &'a str)> + 'a {
    let mut offset = 0usize;
    file.split_inclusive('\n').filter_map(move |line| {
        let here = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '-']);
        let is_key = here >= from
            && trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'));
        is_key.then(|| (here, here + line.len() - trimmed.len(), line))
    })
}

/// The offset of the first `key:` from byte `from` on.
fn find_key(file: &str, key: &str, from: usize) -> Option<usize> {
    key_lines(file, key, from).next().map(|(_, at, _)| at)
}

fn span_of(start: usize, len: usize) -> Span {
    Span::new(to_u32(start), to_u32(start).saturating_add(to_u32(len)))
}

/// The span of the first `key:` (the start of the file if there is none).
pub(crate) fn key_span(text: &str, key: &str) -> Span {
    find_key(text, key, 0).map_or(Span::at(0), |at| span_of(at, key.len()))
}

/// The span of `value` on a line of `key:`, else its first occurrence after the first such
/// line (a list written on the following lines), else the key.
pub(crate) fn value_span(text: &str, key: &str, value: &str) -> Span {
    for (line_at, key_at, line) in key_lines(text, key, 0) {
        let lead = key_at - line_at;
        if let Some(i) = line.get(lead..).and_then(|rest| rest.find(value)) {
            return span_of(key_at + i, value.len());
        }
    }
    let from = find_key(text, key, 0).unwrap_or(0);
    match text.get(from..).and_then(|t| t.find(value)) {
        Some(i) if !value.is_empty() => span_of(from + i, value.len()),
        _ => key_span(text, key),
    }
}

/// The offset of the `n`-th (zero-based) line that starts a list item (`- `) at the given
/// indentation under the key `list_key`; used to find the n-th suppression entry.
pub fn find_list_item(file: &str, list_key: &str, n: usize) -> Option<usize> {
    let key_at = find_key(file, list_key, 0)?;
    let mut offset = 0usize;
    let mut seen = 0usize;
    let mut indent: Option<usize> = None;
    for line in file.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if here <= key_at {
            continue;
        }
        let trimmed = line.trim_start_matches(' ');
        let lead = line.len() - trimmed.len();
        if !trimmed.starts_with("- ") && trimmed.trim() != "-" {
            continue;
        }
        if *indent.get_or_insert(lead) != lead {
            continue;
        }
        if seen == n {
            return Some(here + lead);
        }
        seen += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalar_lines_map_into_the_file() {
        let file = "id: x\nquery: |\n  T\n  | where A == 1\n\n  | take 1\ntables: [T]\n";
        let scalar = "T\n| where A == 1\n\n| take 1\n";
        let m = ScalarMap::locate(file, "query", scalar, 0).unwrap();
        // `A` is at offset 10 of the scalar (line 2, column 8).
        let a_in_scalar = scalar.find('A').unwrap() as u32;
        let a_in_file = m.map(a_in_scalar) as usize;
        assert_eq!(&file[a_in_file..a_in_file + 1], "A");
        let take = scalar.find("take").unwrap() as u32;
        let at = m.map(take) as usize;
        assert_eq!(&file[at..at + 4], "take");
    }

    #[test]
    fn a_scalar_not_in_the_file_is_not_mapped() {
        assert!(ScalarMap::locate("query: >\n  a\n  b\n", "query", "a b\n", 0).is_none());
    }

    #[test]
    fn list_items_are_found_by_index() {
        let file = "allow:\n  - name: a\n    when: x\n  - name: b\n    when: y\n";
        let second = find_list_item(file, "allow", 1).unwrap();
        assert!(file[second..].starts_with("- name: b"));
        assert!(find_list_item(file, "allow", 2).is_none());
    }

    #[test]
    fn yaml_errors_carry_the_position() {
        let text = "id: x\ntitle: [unclosed\n";
        let err = serde_yaml::from_str::<serde_yaml::Value>(text).unwrap_err();
        let d = yaml_error(&err, text);
        assert!(d.span.is_some());
        assert!(!d.message.contains(" at line "), "{}", d.message);
    }
}
