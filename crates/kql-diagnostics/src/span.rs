//! Byte spans and the line index that turns them into line:column positions.

use std::fmt;

/// A half-open byte range `start..end` into one source text.
///
/// Offsets are `u32`: a query or rule file larger than 4 GiB is rejected long before parsing,
/// and half-size spans keep the AST small.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from two offsets (swapped if given in the wrong order).
    pub fn new(start: u32, end: u32) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `pos`.
    pub fn at(pos: u32) -> Self {
        Self {
            start: pos,
            end: pos,
        }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span moved right by `delta` bytes.
    #[must_use]
    pub fn shifted(self, delta: u32) -> Span {
        Span {
            start: self.start.saturating_add(delta),
            end: self.end.saturating_add(delta),
        }
    }

    /// The text under the span, or `""` if it does not fall on character boundaries.
    pub fn slice(self, src: &str) -> &str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Start offsets of every line of a source, for offset → (line, column) lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    /// Indexes `src`. Lines end at `\n`; a preceding `\r` belongs to the line.
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self {
            starts,
            len: u32::try_from(src.len()).unwrap_or(u32::MAX),
        }
    }

    /// Zero-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where zero-based line `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// One-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, src: &str, offset: u32) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = (offset as usize).min(src.len());
        let col = src
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "ab\ncé d\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 0), (1, 1));
        assert_eq!(idx.line_col(src, 3), (2, 1));
        // 'é' is two bytes; 'd' is at byte 7 but column 4.
        assert_eq!(idx.line_col(src, 7), (2, 4));
        assert_eq!(idx.line_col(src, 100), (3, 1));
    }

    #[test]
    fn span_join_and_shift() {
        let a = Span::new(5, 3);
        assert_eq!(a, Span::new(3, 5));
        assert_eq!(a.to(Span::new(10, 12)), Span::new(3, 12));
        assert_eq!(a.shifted(10), Span::new(13, 15));
    }
}
