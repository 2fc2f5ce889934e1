//! Compiled matchers: a needle (or a list of needles) prepared once, then run over every
//! row of an Arrow string array.
//!
//! The occurrence-based operators (`has`, `hasprefix`, `hassuffix`, `contains`, and
//! `has_any`/`has_all` over a list) compile their needles into one Aho-Corasick automaton and
//! find every occurrence of every needle in a single pass over each value, then keep those
//! that pass the same [`Bounds`] check as the scalar functions. All-ASCII needles (the
//! common case) run the automaton in ASCII case-insensitive mode over the unfolded value;
//! only a non-ASCII needle with case-insensitive matching makes each value be folded first.

use super::fold::{fold, fold_into};
use super::scalar::{self, Bounds, StringOp};
use crate::strings::{Strings, bool_array};
use aho_corasick::{AhoCorasick, MatchKind};
use arrow::array::{Array, BooleanArray};
use datafusion::error::{DataFusionError, Result};
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An operator that compares one haystack with a list of needles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListStringOp {
    /// `has_any`: `has` holds for at least one needle (false for an empty list).
    HasAny,
    /// `has_all`: `has` holds for every needle (true for an empty list).
    HasAll,
    /// `in~` (case-insensitive) and `in` (case-sensitive): equal to one of the needles.
    In,
}

impl ListStringOp {
    /// The KQL spelling of the operator with this case sensitivity.
    pub fn kql_name(self, case_sensitive: bool) -> &'static str {
        match (self, case_sensitive) {
            (ListStringOp::HasAny, false) => "has_any",
            (ListStringOp::HasAny, true) => "has_any_cs",
            (ListStringOp::HasAll, false) => "has_all",
            (ListStringOp::HasAll, true) => "has_all_cs",
            (ListStringOp::In, false) => "in~",
            (ListStringOp::In, true) => "in",
        }
    }
}

/// Occurrence search for a set of needles under one operator (`has`, `hasprefix`,
/// `hassuffix` or `contains`).
struct TermSet {
    /// Distinct non-empty needles as searched (folded when `fold_haystack`).
    needles: Vec<String>,
    /// The boundary rule of each needle, indexed like `needles`.
    bounds: Vec<Bounds>,
    /// One automaton over all needles; `None` if it could not be built (then each needle is
    /// searched on its own) or if there are no non-empty needles.
    automaton: Option<AhoCorasick>,
    /// Case-insensitive with a non-ASCII needle: values are folded before searching.
    fold_haystack: bool,
    case_sensitive: bool,
    op: StringOp,
    /// The list contained an empty needle, which occurs in every value.
    has_empty: bool,
}

impl TermSet {
    fn new<S: AsRef<str>>(op: StringOp, needles: &[S], case_sensitive: bool) -> Self {
        let fold_haystack = !case_sensitive && needles.iter().any(|n| !n.as_ref().is_ascii());
        let mut seen = HashSet::new();
        let mut searched = Vec::new();
        let mut has_empty = false;
        for needle in needles {
            let needle = needle.as_ref();
            if needle.is_empty() {
                has_empty = true;
                continue;
            }
            let form = if case_sensitive {
                needle.to_string()
            } else {
                fold(needle)
            };
            if seen.insert(form.clone()) {
                // The automaton searches the original needle in ASCII case-insensitive
                // mode, or the folded one in a folded value.
                searched.push(if fold_haystack || case_sensitive {
                    form
                } else {
                    needle.to_string()
                });
            }
        }
        let bounds = searched.iter().map(|n| Bounds::new(op, n)).collect();
        let automaton = if searched.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(!case_sensitive && !fold_haystack)
                .build(&searched)
                .ok()
        };
        TermSet {
            needles: searched,
            bounds,
            automaton,
            fold_haystack,
            case_sensitive,
            op,
            has_empty,
        }
    }

    /// The value to search: `hay` itself, or its folded form written into `buf`.
    fn prepare<'a>(&self, hay: &'a str, buf: &'a mut String) -> &'a str {
        if self.fold_haystack {
            buf.clear();
            fold_into(hay, buf);
            buf.as_str()
        } else {
            hay
        }
    }

    /// Does at least one needle occur acceptably in `hay`?
    fn any(&self, hay: &str, buf: &mut String) -> bool {
        if self.has_empty {
            return true;
        }
        let hay = self.prepare(hay, buf);
        match &self.automaton {
            Some(ac) => ac
                .find_overlapping_iter(hay)
                .any(|m| self.accepts(m.pattern().as_usize(), hay, m.start(), m.end())),
            None => self
                .needles
                .iter()
                .any(|n| scalar::matches(self.op, hay, n, self.case_sensitive)),
        }
    }

    /// Does every needle occur acceptably in `hay`? `seen` is scratch space.
    fn all(&self, hay: &str, buf: &mut String, seen: &mut Vec<bool>) -> bool {
        if self.needles.is_empty() {
            return true;
        }
        let hay = self.prepare(hay, buf);
        let Some(ac) = &self.automaton else {
            return self
                .needles
                .iter()
                .all(|n| scalar::matches(self.op, hay, n, self.case_sensitive));
        };
        seen.clear();
        seen.resize(self.needles.len(), false);
        let mut missing = self.needles.len();
        for m in ac.find_overlapping_iter(hay) {
            let p = m.pattern().as_usize();
            if seen.get(p) == Some(&false) && self.accepts(p, hay, m.start(), m.end()) {
                if let Some(s) = seen.get_mut(p) {
                    *s = true;
                }
                missing -= 1;
                if missing == 0 {
                    return true;
                }
            }
        }
        false
    }

    #[inline]
    fn accepts(&self, pattern: usize, hay: &str, start: usize, end: usize) -> bool {
        self.bounds
            .get(pattern)
            .is_some_and(|b| b.accepts(hay, start, end))
    }
}

/// One operator and one constant needle, compiled.
pub struct StringMatcher {
    op: StringOp,
    case_sensitive: bool,
    needle: String,
    /// For the occurrence-based operators.
    terms: Option<TermSet>,
}

impl StringMatcher {
    /// Compiles `<op> needle`.
    pub fn new(op: StringOp, case_sensitive: bool, needle: impl Into<String>) -> Self {
        let needle = needle.into();
        let terms = op
            .is_search()
            .then(|| TermSet::new(op, std::slice::from_ref(&needle), case_sensitive));
        StringMatcher {
            op,
            case_sensitive,
            needle,
            terms,
        }
    }

    /// The operator.
    pub fn op(&self) -> StringOp {
        self.op
    }

    /// Whether the match is case-sensitive.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// The needle, as given.
    pub fn needle(&self) -> &str {
        &self.needle
    }

    /// Evaluates the operator on one value.
    pub fn matches(&self, hay: &str) -> bool {
        self.matches_with(hay, &mut String::new())
    }

    fn matches_with(&self, hay: &str, buf: &mut String) -> bool {
        match &self.terms {
            Some(terms) => terms.any(hay, buf),
            None => scalar::matches(self.op, hay, &self.needle, self.case_sensitive),
        }
    }

    /// Evaluates the operator on every row of a string array (`Utf8`, `LargeUtf8` or
    /// `Utf8View`); null rows are `""`. The result has no nulls.
    pub fn evaluate(&self, haystack: &dyn Array) -> Result<BooleanArray> {
        let strings = strings_of(haystack)?;
        Ok(self.evaluate_strings(strings))
    }

    pub(crate) fn evaluate_strings(&self, strings: Strings<'_>) -> BooleanArray {
        let mut buf = String::new();
        bool_array(strings, |hay| self.matches_with(hay, &mut buf))
    }
}

/// One list operator and its constant needles, compiled.
pub struct ListMatcher {
    op: ListStringOp,
    case_sensitive: bool,
    needles: Vec<String>,
    kind: ListKind,
}

enum ListKind {
    Terms(TermSet),
    /// The needles as compared (folded unless case-sensitive).
    Set(HashSet<String>),
    /// A short list, compared one by one: cheaper than hashing each value. Folded unless
    /// case-sensitive.
    Few(Vec<String>),
}

/// Lists up to this long are compared needle by needle.
const FEW_NEEDLES: usize = 16;

impl ListMatcher {
    /// Compiles `<op> (needles)`.
    pub fn new(op: ListStringOp, case_sensitive: bool, needles: Vec<String>) -> Self {
        let kind = match op {
            ListStringOp::HasAny | ListStringOp::HasAll => {
                ListKind::Terms(TermSet::new(StringOp::Has, &needles, case_sensitive))
            }
            ListStringOp::In => {
                let compared = needles
                    .iter()
                    .map(|n| if case_sensitive { n.clone() } else { fold(n) });
                if needles.len() <= FEW_NEEDLES {
                    ListKind::Few(compared.collect())
                } else {
                    ListKind::Set(compared.collect())
                }
            }
        };
        ListMatcher {
            op,
            case_sensitive,
            needles,
            kind,
        }
    }

    /// The operator.
    pub fn op(&self) -> ListStringOp {
        self.op
    }

    /// Whether the match is case-sensitive.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// The needles, as given.
    pub fn needles(&self) -> &[String] {
        &self.needles
    }

    /// Evaluates the operator on one value.
    pub fn matches(&self, hay: &str) -> bool {
        self.matches_with(hay, &mut String::new(), &mut Vec::new())
    }

    fn matches_with(&self, hay: &str, buf: &mut String, seen: &mut Vec<bool>) -> bool {
        match (&self.kind, self.op) {
            (ListKind::Terms(t), ListStringOp::HasAll) => t.all(hay, buf, seen),
            (ListKind::Terms(t), _) => t.any(hay, buf),
            (ListKind::Set(set), _) if self.case_sensitive => set.contains(hay),
            (ListKind::Set(set), _) => {
                buf.clear();
                fold_into(hay, buf);
                set.contains(buf.as_str())
            }
            (ListKind::Few(few), _) if self.case_sensitive => few.iter().any(|n| n == hay),
            // An ASCII value folds to its ASCII lower case, and only ASCII needles can fold
            // to that (see `fold`): a byte-wise comparison ignoring ASCII case is exact.
            (ListKind::Few(few), _) if hay.is_ascii() => few
                .iter()
                .any(|n| n.len() == hay.len() && n.as_bytes().eq_ignore_ascii_case(hay.as_bytes())),
            (ListKind::Few(few), _) => {
                buf.clear();
                fold_into(hay, buf);
                few.iter().any(|n| n == buf)
            }
        }
    }

    /// Evaluates the operator on every row of a string array; null rows are `""`. The result
    /// has no nulls.
    pub fn evaluate(&self, haystack: &dyn Array) -> Result<BooleanArray> {
        let strings = strings_of(haystack)?;
        Ok(self.evaluate_strings(strings))
    }

    pub(crate) fn evaluate_strings(&self, strings: Strings<'_>) -> BooleanArray {
        let (mut buf, mut seen) = (String::new(), Vec::new());
        bool_array(strings, |hay| self.matches_with(hay, &mut buf, &mut seen))
    }
}

fn strings_of(array: &dyn Array) -> Result<Strings<'_>> {
    Strings::try_new(array).ok_or_else(|| {
        DataFusionError::Execution(format!(
            "string operator applied to a {} array",
            array.data_type()
        ))
    })
}

// Identity is the operator, the case sensitivity and the needles as given: two matchers
// compiled from the same parts behave the same, and DataFusion relies on this equality to
// merge common subexpressions.

impl PartialEq for StringMatcher {
    fn eq(&self, other: &Self) -> bool {
        (self.op, self.case_sensitive, &self.needle)
            == (other.op, other.case_sensitive, &other.needle)
    }
}
impl Eq for StringMatcher {}
impl Hash for StringMatcher {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.op, self.case_sensitive, &self.needle).hash(state);
    }
}
impl fmt::Debug for StringMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?}",
            self.op.kql_name(self.case_sensitive),
            self.needle
        )
    }
}

impl PartialEq for ListMatcher {
    fn eq(&self, other: &Self) -> bool {
        (self.op, self.case_sensitive, &self.needles)
            == (other.op, other.case_sensitive, &other.needles)
    }
}
impl Eq for ListMatcher {}
impl Hash for ListMatcher {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.op, self.case_sensitive, &self.needles).hash(state);
    }
}
impl fmt::Debug for ListMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?}",
            self.op.kql_name(self.case_sensitive),
            self.needles
        )
    }
}
