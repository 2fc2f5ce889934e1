//! KQL's string operators: `has`, `hasprefix`, `hassuffix`, `has_any`, `has_all`,
//! `contains`, `startswith`, `endswith`, `=~`, `in~`, their `_cs` (case-sensitive) forms, and
//! `matches regex`.
//!
//! One implementation serves every caller: [`has`] and friends on `&str`, the compiled
//! [`StringMatcher`] / [`ListMatcher`] over Arrow arrays, and the DataFusion UDFs built by
//! [`string_predicate`] / [`list_predicate`] for the binder.
//!
//! # Terms
//!
//! "Each `string` value is broken into maximal sequences of alphanumeric characters, and each
//! of those sequences is made into a term" (Kusto docs, `datatypes-string-operators.md`).
//! Alphanumeric means Unicode alphanumeric; `_` is a separator (`Hello_World` is two terms).
//! Kusto's 3-character rule concerns only its term *index*: `has "sh"` is still a term match.
//!
//! # `has` and needles with separators
//!
//! The documentation defines terms but not needles that contain separators (`"-it"`,
//! `":10250"`, `"/bin/sh"`, `"--security-opt label=disable"`). The rule below agrees with
//! every documented and reported real-engine result (§1.1 of the project's KQL semantics
//! notes, from the operator table, dataexplorer-docs issue #1005 and answers by the Kusto
//! team):
//!
//! ```text
//! has(lhs, rhs):                     # has_cs: the same without case folding
//!   for each occurrence of rhs in lhs (overlapping ones included):
//!     left_ok  = rhs starts with a non-alphanumeric, or nothing / a non-alphanumeric precedes
//!     right_ok = rhs ends with a non-alphanumeric,   or nothing / a non-alphanumeric follows
//!     if left_ok and right_ok: return true
//!   return false
//! hasprefix: only left_ok           hassuffix: only right_ok (any term, not just the last)
//! has_any / has_all: has() on any / every needle
//! ```
//!
//! * Separators inside the needle match literally: `"--security-opt label=disable"` does not
//!   match `--security-opt=label=disable`.
//! * An occurrence that fails the boundary check does not stop the search:
//!   `"docker -itd -it x" has "-it"` is true.
//!
//! Examples (all are test vectors): `"North America" has "america"` → true, `has "amer"` →
//! false; `"KustoExplorerQueryRun" has "Explorer"` → false; `"_Hello_World_" has "hello"` →
//! true; `"docker exec -itd web sh" has "-it"` → false; `"docker exec -i web sh" has "-i "`
//! → true (the trailing space is literal); `"docker exec -it c bash" has "sh"` → false.
//!
//! # The other operators
//!
//! `contains` is a substring test, `startswith`/`endswith` test the ends, `=~` is equality
//! and `in~` membership in a list, all ignoring case; `==` and `in` are their case-sensitive
//! forms. (`"FabriKam" contains "BRik"`, `"Fabrikam" endswith "Kam"`, `"abc" =~ "ABC"`,
//! `"Abc" in~ ("123", "345", "abc")`.)
//!
//! `matches regex` ([`regex_predicate`]) is an unanchored, case-sensitive search in the Rust
//! `regex` dialect, which is the one Kusto documents (`"Fabrikam" matches regex "b.*k"`).
//!
//! # Case, nulls, empty needles
//!
//! * Case-insensitive operators fold Unicode case one character at a time (`"ÄBC" has
//!   "äbc"`); see [`fold`] for the exact mapping. All-ASCII needles take a byte-wise fast
//!   path that gives the same results.
//! * A null haystack is `""` (KQL strings are never null), so results are never null and a
//!   negated operator (`!has`, `!in~`, `!~`, ...) is exactly `NOT` of the positive one.
//! * An empty needle occurs in every string: `has ""`, `contains ""`, `startswith ""` are
//!   true for every value, `=~ ""` only for the empty string. (Kusto does not document this
//!   case; this is the straightforward model.) `has_any` over an empty list is false,
//!   `has_all` over an empty list is true, `in~ ()` is false.
//! * A `dynamic` haystack is searched in its JSON text.

pub(crate) mod fold;
mod matcher;
mod regex_op;
mod scalar;
mod udf;

pub use matcher::{ListMatcher, ListStringOp, StringMatcher};
pub use regex_op::{RegexMatchUdf, regex_predicate};
pub use scalar::{
    StringOp, contains, ends_with, equals, has, has_all, has_any, hasprefix, hassuffix, in_list,
    matches, starts_with,
};
pub use udf::{ListMatchUdf, StringMatchUdf, StringOpUdf, list_predicate, string_predicate};

#[cfg(test)]
mod tests;
