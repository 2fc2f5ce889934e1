//! Interned JSON keys, with a guess of the next key.
//!
//! Rows of one export carry the same keys in the same order, so the key at member `i` of
//! this record is almost always the key at member `i` of the previous one. Checking that
//! guess is one short byte comparison; only a miss pays for a hash lookup. On a
//! DeviceProcessEvents row (~80 keys) this is most of the difference between a JSON parser
//! and a scanner that keeps up with the disk.

use std::collections::HashMap;

/// Id of an interned key.
pub type KeyId = u32;

/// Id for keys not interned (the table is full): no column, no role.
pub const UNKNOWN_KEY: KeyId = KeyId::MAX;

/// At most this many distinct keys are interned; input with more distinct keys than any
/// real export is still read, the extra keys just map to nothing.
const MAX_KEYS: usize = 1 << 16;

/// Nesting levels with their own guesses: the record, and the envelope's `properties`.
pub const LEVELS: usize = 2;

/// Interned keys with per-key "interest" and per-level order guesses.
pub struct KeyIndex {
    names: Vec<Box<str>>,
    interesting: Vec<bool>,
    map: HashMap<Box<str>, KeyId>,
    guess: [Vec<KeyId>; LEVELS],
    is_interesting: Box<dyn Fn(&str) -> bool + Send>,
}

impl KeyIndex {
    /// An index whose keys are interesting when `is_interesting` says so, pre-filled with
    /// `fixed` keys (which get ids `0..fixed.len()` in order).
    pub fn new(fixed: &[&str], is_interesting: Box<dyn Fn(&str) -> bool + Send>) -> Self {
        let mut k = Self {
            names: Vec::new(),
            interesting: Vec::new(),
            map: HashMap::new(),
            guess: Default::default(),
            is_interesting,
        };
        for f in fixed {
            k.intern(f);
        }
        k
    }

    fn intern(&mut self, key: &str) -> KeyId {
        if let Some(&id) = self.map.get(key) {
            return id;
        }
        if self.names.len() >= MAX_KEYS {
            return UNKNOWN_KEY;
        }
        let id = self.names.len() as KeyId;
        self.names.push(key.into());
        self.interesting.push((self.is_interesting)(key));
        self.map.insert(key.into(), id);
        id
    }

    /// The id of `key`, the `pos`-th member at nesting `level`.
    #[inline]
    pub fn lookup(&mut self, level: usize, pos: usize, key: &str) -> KeyId {
        let level = level.min(LEVELS - 1);
        if let Some(&g) = self.guess[level].get(pos)
            && self.names.get(g as usize).is_some_and(|n| **n == *key)
        {
            return g;
        }
        let id = self.intern(key);
        let guesses = &mut self.guess[level];
        if pos < guesses.len() {
            guesses[pos] = id;
        } else if pos == guesses.len() && pos < 4096 {
            guesses.push(id);
        }
        id
    }

    /// The id of `key` without touching the guesses (keys with escapes).
    pub fn lookup_unguessed(&mut self, key: &str) -> KeyId {
        self.intern(key)
    }

    /// The key's text.
    pub fn name(&self, id: KeyId) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    /// True when the reader keeps the key's value.
    #[inline]
    pub fn interesting(&self, id: KeyId) -> bool {
        self.interesting.get(id as usize).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_guesses_follow_the_last_record() {
        let mut k = KeyIndex::new(&["Type"], Box::new(|n| n.starts_with('A')));
        assert_eq!(k.lookup(0, 0, "Type"), 0);
        let a = k.lookup(0, 1, "AccountName");
        let b = k.lookup(0, 2, "Other");
        assert_eq!((a, b), (1, 2));
        // Same order again: the guesses hit and return the same ids.
        assert_eq!(k.lookup(0, 1, "AccountName"), a);
        // A different key at a guessed position still gets its own id.
        assert_eq!(k.lookup(0, 1, "Other"), b);
        assert!(k.interesting(a));
        assert!(!k.interesting(b));
        assert!(!k.interesting(UNKNOWN_KEY));
        assert_eq!(k.name(a), "AccountName");
    }
}
