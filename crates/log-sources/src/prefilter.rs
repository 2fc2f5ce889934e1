//! Record prefilter: skip records that cannot match before parsing them.
//!
//! A query such as `where ProcessCommandLine has "docker"` can only match records whose raw
//! text contains `docker` (in some case). The planner hands the reader a [`Prefilter`]: a
//! set of literals of which at least one must occur, ASCII case-insensitively, in a raw
//! record for it to possibly pass. Records without any are dropped before the JSON parser
//! sees them, which is most of the work of a selective scan.
//!
//! It must never drop a record that would match, so it is conservative about encodings:
//!
//! * a literal is searched both as written and in its JSON-escaped form (`\` → `\\`,
//!   `"` → `\"`, control characters → `\n`, `\t`, …), or CSV-escaped form (`"` → `""`);
//! * a JSON record containing a `\u` escape is always kept: the escape can hide any
//!   character of a literal (`\u0064ocker` is `docker`);
//! * a JSON record containing `\/` is kept when some literal contains `/`;
//! * case-insensitivity is ASCII only, so a literal is reduced to its longest all-ASCII run
//!   (an all-non-ASCII literal disables the prefilter): the run must occur in any text that
//!   contains the literal, whatever Unicode case folding the query uses.
//!
//! An empty literal set, or one with an empty literal, keeps every record.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

/// How a record's text escapes characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON string escapes.
    Json,
    /// RFC 4180 quoting (`"` doubled).
    Csv,
    /// No escaping: literals are searched as written.
    Raw,
}

/// A set of literals of which one must occur in a record.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// `None` when every record must be kept.
    json: Option<Matcher>,
    csv: Option<Matcher>,
    raw: Option<Matcher>,
    any_slash: bool,
}

#[derive(Debug, Clone)]
struct Matcher(AhoCorasick);

impl Matcher {
    /// Patterns are matched against the ASCII-lowercased record: a case-sensitive
    /// automaton over lowercased patterns can use Aho-Corasick's SIMD searchers, which its
    /// case-insensitive mode cannot, and lowercasing a record is one vectorised pass.
    fn new(patterns: &[String]) -> Option<Self> {
        let lower: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(lower)
            .ok()
            .map(Matcher)
    }
}

impl Prefilter {
    /// A prefilter over `literals`. It keeps every record when the set is empty or when a
    /// literal has no ASCII run to look for.
    pub fn new<S: AsRef<str>>(literals: &[S]) -> Self {
        let runs: Option<Vec<String>> = literals
            .iter()
            .map(|l| longest_ascii_run(l.as_ref()))
            .collect();
        let runs = match runs {
            Some(r) if !r.is_empty() => r,
            _ => {
                return Self {
                    json: None,
                    csv: None,
                    raw: None,
                    any_slash: false,
                };
            }
        };
        let mut json = Vec::new();
        let mut csv = Vec::new();
        for r in &runs {
            json.push(r.clone());
            let j = json_escape(r);
            if j != *r {
                json.push(j);
            }
            csv.push(r.clone());
            if r.contains('"') {
                csv.push(r.replace('"', "\"\""));
            }
        }
        Self {
            json: Matcher::new(&json),
            csv: Matcher::new(&csv),
            raw: Matcher::new(&runs),
            any_slash: runs.iter().any(|r| r.contains('/')),
        }
    }

    /// True when the prefilter keeps every record.
    pub fn keeps_everything(&self) -> bool {
        self.raw.is_none()
    }

    /// True when `record` may contain one of the literals (so it must be parsed).
    pub fn may_match(&self, record: &[u8], encoding: Encoding) -> bool {
        self.may_match_with(record, encoding, &mut Vec::new())
    }

    /// [`Self::may_match`] with a scratch buffer the caller keeps between records.
    pub fn may_match_with(&self, record: &[u8], encoding: Encoding, scratch: &mut Vec<u8>) -> bool {
        let m = match encoding {
            Encoding::Json => &self.json,
            Encoding::Csv => &self.csv,
            Encoding::Raw => &self.raw,
        };
        let Some(Matcher(ac)) = m else {
            return true;
        };
        scratch.clear();
        scratch.extend_from_slice(record);
        scratch.make_ascii_lowercase();
        if ac.is_match(scratch.as_slice()) {
            return true;
        }
        encoding == Encoding::Json
            && (memmem::find(record, b"\\u").is_some()
                || (self.any_slash && memmem::find(record, b"\\/").is_some()))
    }
}

/// The longest run of ASCII characters; `None` when there is none (or the literal is
/// empty), since then nothing can be required of a record.
fn longest_ascii_run(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_ascii())
        .max_by_key(|r| r.len())
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

/// The literal as it appears inside a JSON string.
fn json_escape(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    // serde_json does not escape `/`; that case is handled by the `\/` rule.
    quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_records_with_a_literal_in_any_ascii_case() {
        let p = Prefilter::new(&["docker", "kubectl"]);
        assert!(p.may_match(br#"{"FileName":"DOCKER"}"#, Encoding::Json));
        assert!(p.may_match(br#"{"a":"x kubectl y"}"#, Encoding::Json));
        assert!(!p.may_match(br#"{"FileName":"bash"}"#, Encoding::Json));
    }

    #[test]
    fn escapes_cannot_hide_a_literal() {
        let p = Prefilter::new(&["docker"]);
        // `\u0064ocker` is "docker" once decoded.
        assert!(p.may_match(br#"{"FileName":"\u0064ocker"}"#, Encoding::Json));
        let p = Prefilter::new(&["/bin/sh"]);
        assert!(p.may_match(br#"{"FolderPath":"\/bin\/sh"}"#, Encoding::Json));
        // Kept although it holds no "/bin/sh": `\/` could be hiding the slashes.
        assert!(p.may_match(br#"{"FolderPath":"\/usr\/bin\/bash"}"#, Encoding::Json));
        let p = Prefilter::new(&[r"C:\Windows"]);
        assert!(p.may_match(br#"{"FolderPath":"c:\\windows\\x"}"#, Encoding::Json));
        assert!(!p.may_match(br#"{"FolderPath":"d:\\data"}"#, Encoding::Json));
        let p = Prefilter::new(&[r#"say "hi""#]);
        assert!(p.may_match(br#"{"c":"say \"hi\""}"#, Encoding::Json));
        assert!(p.may_match(br#"x,"say ""hi""",y"#, Encoding::Csv));
    }

    #[test]
    fn a_slash_escape_is_kept_only_for_slash_literals() {
        let p = Prefilter::new(&["docker"]);
        assert!(!p.may_match(br#"{"FolderPath":"\/usr\/bin\/bash"}"#, Encoding::Json));
    }

    #[test]
    fn non_ascii_literals_reduce_to_their_ascii_run() {
        let p = Prefilter::new(&["Émile.exe"]);
        assert!(p.may_match("émile.exe".as_bytes(), Encoding::Raw));
        assert!(!p.may_match(b"other.exe", Encoding::Raw));
        assert!(Prefilter::new(&["ÉÈ"]).keeps_everything());
        assert!(Prefilter::new::<&str>(&[]).keeps_everything());
        assert!(Prefilter::new(&["", "x"]).keeps_everything());
    }
}
