//! Case folding and term characters: the two character-level facts the string operators
//! are built on.
//!
//! **Folding.** Case-insensitive operators compare characters after mapping each one to its
//! simple lower-case form, one character to one character (`'Ä'` → `'ä'`). A character
//! whose lower case is several characters (`'İ'` → `"i̇"`) is left as it is, and so is a
//! non-ASCII character whose lower case is ASCII (only `'K'` KELVIN SIGN → `'k'`). Two
//! consequences the matchers rely on:
//! * folding never changes the number of characters, so a match position in a folded
//!   string is a match position in the original, and term boundaries can be checked on
//!   either;
//! * an ASCII character only ever folds to or from an ASCII character, so an all-ASCII
//!   needle can be searched byte-wise with ASCII case-insensitivity in the *unfolded*
//!   haystack, whatever else that haystack contains (the fast path).
//!
//! **Term characters.** A term is a maximal run of alphanumeric characters (Kusto,
//! `datatypes-string-operators.md`, "What is a term?"). Alphanumeric is Unicode's
//! `Alphabetic` or `Numeric` property (`char::is_alphanumeric`); `_` is not alphanumeric,
//! so it separates terms (`"_Hello_World_" has "hello"` is true).

/// The case-folded form of one character (see the module documentation).
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if !l.is_ascii() => l,
        _ => c,
    }
}

/// Appends the case-folded form of `s` to `out`.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(s.chars().map(fold_char));
    }
}

/// The case-folded form of `s`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// True for characters that make up terms (Unicode alphanumerics; not `_`).
#[inline]
pub(crate) fn is_term_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Case-insensitive equality of two characters sequences, character by character.
pub(crate) fn eq_folded(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> bool {
    a.map(fold_char).eq(b.map(fold_char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_one_character_to_one() {
        assert_eq!(fold("ÄBC"), "äbc");
        assert_eq!(fold("ΣΊΣΥΦΟΣ"), "σίσυφοσ");
        // Multi-character lower case: kept as is, so lengths in characters never change.
        assert_eq!(fold("İ"), "İ");
        // Non-ASCII never folds into ASCII.
        assert_eq!(fold("\u{212A}"), "\u{212A}");
        assert_eq!(fold("MiXeD-123_x"), "mixed-123_x");
    }

    #[test]
    fn term_characters_are_unicode_alphanumerics_without_underscore() {
        for c in ['a', 'Z', '0', 'é', 'Ж', '中', '٣'] {
            assert!(is_term_char(c), "{c:?}");
        }
        for c in ['_', '-', ' ', '/', ':', '=', '.', '\u{00A0}', '€'] {
            assert!(!is_term_char(c), "{c:?}");
        }
    }
}
