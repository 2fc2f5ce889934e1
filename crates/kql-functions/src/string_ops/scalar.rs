//! The string operators on plain `&str` values: the reference semantics.
//!
//! The vectorised matchers ([`super::matcher`]) search differently (one Aho-Corasick pass
//! for many needles) but decide each occurrence with the same [`Bounds`] rule and fold case
//! with the same [`super::fold`] functions, and every test vector runs through both.

use super::fold::{eq_folded, fold, fold_char, is_term_char};
use memchr::memmem;

/// A string operator that compares one haystack with one needle.
///
/// Each has a case-sensitive (`_cs`) and a case-insensitive form, chosen by the
/// `case_sensitive` flag that goes with it. Negated operators (`!has`, `!contains`,
/// `!startswith`, `!~`, ...) are `NOT` of these: the result is never null, so the
/// negation is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StringOp {
    /// `has`, `has_cs`: the needle is a whole term (see the module documentation).
    Has,
    /// `hasprefix`, `hasprefix_cs`: the needle starts a term.
    HasPrefix,
    /// `hassuffix`, `hassuffix_cs`: the needle ends a term (any term, not only the last).
    HasSuffix,
    /// `contains`, `contains_cs`: the needle is a substring.
    Contains,
    /// `startswith`, `startswith_cs`.
    StartsWith,
    /// `endswith`, `endswith_cs`.
    EndsWith,
    /// `=~` (case-insensitive) and `==` (case-sensitive).
    Equals,
}

impl StringOp {
    /// The KQL spelling of the operator with this case sensitivity.
    pub fn kql_name(self, case_sensitive: bool) -> &'static str {
        match (self, case_sensitive) {
            (StringOp::Has, false) => "has",
            (StringOp::Has, true) => "has_cs",
            (StringOp::HasPrefix, false) => "hasprefix",
            (StringOp::HasPrefix, true) => "hasprefix_cs",
            (StringOp::HasSuffix, false) => "hassuffix",
            (StringOp::HasSuffix, true) => "hassuffix_cs",
            (StringOp::Contains, false) => "contains",
            (StringOp::Contains, true) => "contains_cs",
            (StringOp::StartsWith, false) => "startswith",
            (StringOp::StartsWith, true) => "startswith_cs",
            (StringOp::EndsWith, false) => "endswith",
            (StringOp::EndsWith, true) => "endswith_cs",
            (StringOp::Equals, false) => "=~",
            (StringOp::Equals, true) => "==",
        }
    }

    /// True for the operators decided by searching for occurrences of the needle
    /// (as opposed to comparing the ends of the haystack).
    pub(crate) fn is_search(self) -> bool {
        matches!(
            self,
            StringOp::Has | StringOp::HasPrefix | StringOp::HasSuffix | StringOp::Contains
        )
    }
}

/// Which ends of an occurrence of one needle must fall on a term boundary.
///
/// `has` wants both ends on a boundary, `hasprefix` the start, `hassuffix` the end,
/// `contains` neither. A needle that begins (ends) with a non-alphanumeric character imposes
/// no boundary at its start (end): `"-it"` needs only a non-alphanumeric after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Bounds {
    left: bool,
    right: bool,
}

impl Bounds {
    /// The bounds `op` imposes on occurrences of `needle`.
    pub(crate) fn new(op: StringOp, needle: &str) -> Self {
        let (left, right) = match op {
            StringOp::Has => (true, true),
            StringOp::HasPrefix => (true, false),
            StringOp::HasSuffix => (false, true),
            _ => (false, false),
        };
        Bounds {
            left: left && needle.chars().next().is_some_and(is_term_char),
            right: right && needle.chars().next_back().is_some_and(is_term_char),
        }
    }

    /// Whether the occurrence `hay[start..end]` satisfies the bounds: the character before
    /// it (after it) is absent or is not a term character, where required.
    #[inline]
    pub(crate) fn accepts(self, hay: &str, start: usize, end: usize) -> bool {
        (!self.left || !term_char_before(hay, start)) && (!self.right || !term_char_at(hay, end))
    }
}

/// True if the character ending at byte `pos` is a term character.
#[inline]
fn term_char_before(hay: &str, pos: usize) -> bool {
    match pos.checked_sub(1).and_then(|p| hay.as_bytes().get(p)) {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => hay
            .get(..pos)
            .and_then(|s| s.chars().next_back())
            .is_some_and(is_term_char),
    }
}

/// True if the character starting at byte `pos` is a term character.
#[inline]
fn term_char_at(hay: &str, pos: usize) -> bool {
    match hay.as_bytes().get(pos) {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => hay
            .get(pos..)
            .and_then(|s| s.chars().next())
            .is_some_and(is_term_char),
    }
}

/// Evaluates `hay <op> needle`.
///
/// An empty needle is found everywhere: every operator but `==`/`=~` yields true for it,
/// and those yield true only for an empty haystack.
pub fn matches(op: StringOp, hay: &str, needle: &str, case_sensitive: bool) -> bool {
    match op {
        StringOp::Has | StringOp::HasPrefix | StringOp::HasSuffix | StringOp::Contains => {
            search(op, hay, needle, case_sensitive)
        }
        StringOp::StartsWith => starts_with(hay, needle, case_sensitive),
        StringOp::EndsWith => ends_with(hay, needle, case_sensitive),
        StringOp::Equals => equals(hay, needle, case_sensitive),
    }
}

/// `hay has needle` (`has_cs` when `case_sensitive`).
pub fn has(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    search(StringOp::Has, hay, needle, case_sensitive)
}

/// `hay hasprefix needle`.
pub fn hasprefix(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    search(StringOp::HasPrefix, hay, needle, case_sensitive)
}

/// `hay hassuffix needle`.
pub fn hassuffix(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    search(StringOp::HasSuffix, hay, needle, case_sensitive)
}

/// `hay contains needle`.
pub fn contains(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    search(StringOp::Contains, hay, needle, case_sensitive)
}

/// `hay has_any (needles)`: false for an empty list.
pub fn has_any<S: AsRef<str>>(hay: &str, needles: &[S], case_sensitive: bool) -> bool {
    needles.iter().any(|n| has(hay, n.as_ref(), case_sensitive))
}

/// `hay has_all (needles)`: true for an empty list.
pub fn has_all<S: AsRef<str>>(hay: &str, needles: &[S], case_sensitive: bool) -> bool {
    needles.iter().all(|n| has(hay, n.as_ref(), case_sensitive))
}

/// `hay in~ (needles)` (`in` when `case_sensitive`): false for an empty list.
pub fn in_list<S: AsRef<str>>(hay: &str, needles: &[S], case_sensitive: bool) -> bool {
    needles
        .iter()
        .any(|n| equals(hay, n.as_ref(), case_sensitive))
}

/// `hay startswith needle`.
pub fn starts_with(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        hay.starts_with(needle)
    } else if needle.is_ascii() {
        // Non-ASCII bytes never equal ASCII ones, ignoring case or not (see `fold`).
        hay.as_bytes()
            .get(..needle.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        let mut h = hay.chars();
        needle
            .chars()
            .all(|n| h.next().is_some_and(|c| fold_char(c) == fold_char(n)))
    }
}

/// `hay endswith needle`.
pub fn ends_with(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        hay.ends_with(needle)
    } else if needle.is_ascii() {
        hay.len()
            .checked_sub(needle.len())
            .and_then(|start| hay.as_bytes().get(start..))
            .is_some_and(|p| p.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        let mut h = hay.chars().rev();
        needle
            .chars()
            .rev()
            .all(|n| h.next().is_some_and(|c| fold_char(c) == fold_char(n)))
    }
}

/// `hay =~ needle` (`==` when `case_sensitive`).
pub fn equals(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        hay == needle
    } else if needle.is_ascii() {
        hay.eq_ignore_ascii_case(needle)
    } else {
        eq_folded(hay.chars(), needle.chars())
    }
}

/// The occurrence-based operators: is there an occurrence of `needle` in `hay` that
/// satisfies the operator's [`Bounds`]? Every occurrence is tried, overlapping ones
/// included, so one that fails the boundary check does not hide a later one
/// (`"-itd -it" has "-it"`).
fn search(op: StringOp, hay: &str, needle: &str, case_sensitive: bool) -> bool {
    if needle.is_empty() {
        return true;
    }
    let bounds = Bounds::new(op, needle);
    if case_sensitive {
        let finder = memmem::Finder::new(needle.as_bytes());
        any_occurrence(hay, needle.len(), bounds, |from| {
            finder.find(hay.as_bytes().get(from..)?).map(|p| p + from)
        })
    } else if needle.is_ascii() {
        any_occurrence(hay, needle.len(), bounds, |from| {
            find_ascii_ci(hay.as_bytes().get(from..)?, needle.as_bytes()).map(|p| p + from)
        })
    } else {
        let (hay, needle) = (fold(hay), fold(needle));
        let finder = memmem::Finder::new(needle.as_bytes());
        any_occurrence(&hay, needle.len(), bounds, |from| {
            finder.find(hay.as_bytes().get(from..)?).map(|p| p + from)
        })
    }
}

/// Tries each occurrence reported by `find(from)` (the first at or after byte `from`).
fn any_occurrence(
    hay: &str,
    needle_len: usize,
    bounds: Bounds,
    mut find: impl FnMut(usize) -> Option<usize>,
) -> bool {
    let mut from = 0;
    while let Some(start) = find(from) {
        if bounds.accepts(hay, start, start + needle_len) {
            return true;
        }
        from = start + 1;
    }
    false
}

/// First position of the non-empty ASCII `needle` in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while let Some(offset) = memchr::memchr2(lower, upper, hay.get(from..)?) {
        let pos = from + offset;
        if hay
            .get(pos + 1..pos + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(rest))
        {
            return Some(pos);
        }
        from = pos + 1;
    }
    None
}
