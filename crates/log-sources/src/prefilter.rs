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
//!   character of a literal (`\u0064ocker` is `docker`); an escaped backslash followed by a
//!   `u` (`C:\\Users`) is no such escape;
//! * a JSON record containing `\/` is kept when some literal contains `/`;
//! * case-insensitivity is ASCII only, so a literal is reduced to its longest all-ASCII run
//!   (an all-non-ASCII literal disables the prefilter): the run must occur in any text that
//!   contains the literal, whatever Unicode case folding the query uses.
//!
//! A literal may be marked a *whole value* (the filter compares a column with it by
//! equality). In JSON it then occurs as a whole string, so the JSON search looks for it
//! with its quotes (`"docker"`): a command line that merely mentions docker no longer
//! costs a parse. This holds only when the value cannot also be written as another JSON
//! token (`123`, `true`, `null`, an array or object a reader might turn into text), so
//! such literals are searched unquoted; CSV and raw text may leave a value unquoted, so
//! they always search the literal alone.
//!
//! An empty literal set, or one with an empty literal, keeps every record.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
    /// Some literal contains `/`, which JSON may write `\/`.
    any_slash: bool,
    /// Finders of `\u` and `\/`, the escapes that can hide a literal's character.
    escapes: [memchr::memmem::Finder<'static>; 2],
}

/// A compiled literal set.
#[derive(Debug, Clone)]
enum Matcher {
    /// Aho-Corasick's SIMD "packed" searcher (Teddy), for up to a few dozen patterns.
    Packed(aho_corasick::packed::Searcher),
    /// The general automaton, for larger sets or machines without the SIMD searcher.
    Automaton(AhoCorasick),
}

impl Matcher {
    /// Patterns are matched against the ASCII-lowercased record: a case-sensitive search
    /// over lowercased patterns can use the SIMD searcher, which case-insensitive search
    /// cannot, and lowercasing a record is one vectorised pass. The packed searcher is
    /// asked for directly: left to choose, the automaton may prefer a rare-byte scan whose
    /// bytes are common in JSON text.
    fn new(patterns: &[String]) -> Option<Self> {
        let lower: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        if let Some(s) = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&lower)
            .build()
        {
            return Some(Matcher::Packed(s));
        }
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(lower)
            .ok()
            .map(Matcher::Automaton)
    }

    /// The start of the first match at or after `from`.
    fn find_from(&self, hay: &[u8], from: usize) -> Option<usize> {
        let from = from.min(hay.len());
        match self {
            Matcher::Packed(s) => s.find_in(hay, aho_corasick::Span::from(from..hay.len())),
            Matcher::Automaton(ac) => ac.find(aho_corasick::Input::new(hay).span(from..hay.len())),
        }
        .map(|m| m.start())
    }
}

impl Prefilter {
    /// A prefilter over `literals`. It keeps every record when the set is empty or when a
    /// literal has no ASCII run to look for.
    pub fn new<S: AsRef<str>>(literals: &[S]) -> Self {
        Self::with_whole_values(literals, |_| false)
    }

    /// A prefilter over `literals`, of which those for which `whole_value` is true are
    /// some column's whole value (see the module documentation).
    pub fn with_whole_values<S: AsRef<str>>(
        literals: &[S],
        whole_value: impl Fn(&str) -> bool,
    ) -> Self {
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
                    escapes: escape_finders(),
                };
            }
        };
        let mut json = Vec::new();
        let mut csv = Vec::new();
        for (l, r) in literals.iter().map(AsRef::as_ref).zip(&runs) {
            if whole_value(l)
                && l.is_ascii()
                && serde_json::from_str::<serde_json::Value>(l).is_err()
            {
                json.push(format!("\"{}\"", json_escape(l)));
            } else {
                json.push(r.clone());
                let j = json_escape(r);
                if j != *r {
                    json.push(j);
                }
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
            escapes: escape_finders(),
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
        let Some(m) = m else {
            return true;
        };
        lowercase_into(record, scratch);
        if encoding == Encoding::Json {
            return self.json_search(record, scratch).next_from(0).is_some();
        }
        m.find_from(scratch, 0).is_some()
    }

    /// A search of `text`, JSON text that may hold many records (a chunk of NDJSON
    /// lines), with `lower` its copy from [`lowercase_into`]. Searching a chunk once is
    /// much cheaper than searching its records one by one: a reader asks for the next hit
    /// from each record's start and drops the record when the hit lies beyond its end.
    pub fn json_search<'a>(&'a self, text: &'a [u8], lower: &'a [u8]) -> JsonSearch<'a> {
        JsonSearch {
            prefilter: self,
            text,
            lower,
            literal: Cached::Unknown,
            escape: Cached::Unknown,
        }
    }

    /// True when the prefilter drops JSON records (it has literals to look for).
    pub fn filters_json(&self) -> bool {
        self.json.is_some()
    }
}

/// Writes `text` ASCII-lowercased into `out` (replacing its contents).
pub fn lowercase_into(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    // Branch-free so that it vectorises: `A`..=`Z` gain the 0x20 bit, nothing else changes.
    out.extend(
        text.iter()
            .map(|&b| b | (u8::from(b.wrapping_sub(b'A') < 26) << 5)),
    );
}

/// The next hit of one kind at or after some position, remembered between questions.
#[derive(Debug, Clone, Copy)]
enum Cached {
    Unknown,
    At(usize),
    Nowhere,
}

/// Hits in one JSON text: literals (in the lowercased copy) and escapes that could hide
/// one (in the text as written). Positions are asked for in increasing order; each kind is
/// searched again only once its cached hit lies behind.
#[derive(Debug)]
pub struct JsonSearch<'a> {
    prefilter: &'a Prefilter,
    text: &'a [u8],
    lower: &'a [u8],
    literal: Cached,
    escape: Cached,
}

impl JsonSearch<'_> {
    /// The first hit at or after `from`: a literal, or an escape that could hide one
    /// (`\u` always, `\/` when a literal has a `/`). Without literals, `from` itself.
    pub fn next_from(&mut self, from: usize) -> Option<usize> {
        let Some(m) = &self.prefilter.json else {
            return Some(from);
        };
        if matches!(self.literal, Cached::Unknown)
            || matches!(self.literal, Cached::At(h) if h < from)
        {
            self.literal = match m.find_from(self.lower, from) {
                Some(h) => Cached::At(h),
                None => Cached::Nowhere,
            };
        }
        if matches!(self.escape, Cached::Unknown)
            || matches!(self.escape, Cached::At(h) if h < from)
        {
            self.escape = match next_escape(self.text, from, self.prefilter) {
                Some(h) => Cached::At(h),
                None => Cached::Nowhere,
            };
        }
        match (self.literal, self.escape) {
            (Cached::At(a), Cached::At(b)) => Some(a.min(b)),
            (Cached::At(a), _) | (_, Cached::At(a)) => Some(a),
            _ => None,
        }
    }
}

/// The position of the first escape at or after `from` in JSON text that could hide a
/// literal's character: `\uXXXX`, or `\/` when a literal has a `/`. A backslash counts only when an
/// even number of backslashes precede it: in `C:\\Users` the pair is an escaped
/// backslash and the `U` is a plain letter.
fn next_escape(text: &[u8], from: usize, p: &Prefilter) -> Option<usize> {
    let mut at = from;
    loop {
        let rest = text.get(at..)?;
        let u = p.escapes[0].find(rest);
        let slash = if p.any_slash {
            p.escapes[1].find(rest)
        } else {
            None
        };
        let i = at + u.into_iter().chain(slash).min()?;
        // Only an odd run of backslashes ending here escapes the next byte; the run may
        // have begun before `from`.
        let before = count_backslashes(text.get(..i).unwrap_or_default().iter().rev());
        if before % 2 == 0 {
            return Some(i);
        }
        at = i + 1;
    }
}

fn escape_finders() -> [memchr::memmem::Finder<'static>; 2] {
    [
        memchr::memmem::Finder::new(b"\\u").into_owned(),
        memchr::memmem::Finder::new(b"\\/").into_owned(),
    ]
}

fn count_backslashes<'a>(bytes: impl Iterator<Item = &'a u8>) -> usize {
    bytes.take_while(|&&b| b == b'\\').count()
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
    fn an_escaped_backslash_is_not_an_escape_that_hides_a_literal() {
        let p = Prefilter::new(&["docker"]);
        // `\\U` is a backslash then `U`: nothing is hidden.
        assert!(!p.may_match(br#"{"FolderPath":"C:\\Users\\x"}"#, Encoding::Json));
        assert!(!p.may_match(br#"{"FolderPath":"C:\\users"}"#, Encoding::Json));
        // `\\\u0064` is a backslash then an escaped `d`.
        assert!(p.may_match(br#"{"FolderPath":"C:\\\u0064ocker"}"#, Encoding::Json));
        // `\U0064` is not an escape JSON has.
        assert!(!p.may_match(br#"{"FolderPath":"\U0064"}"#, Encoding::Json));
    }

    #[test]
    fn one_search_over_a_chunk_finds_the_records_to_keep() {
        let p = Prefilter::new(&["docker"]);
        let text: &[u8] =
            b"{\"a\":\"bash\"}\n{\"a\":\"DOCKER\"}\n{\"a\":\"x\"}\n{\"a\":\"\\u0064\"}\n";
        let mut lower = Vec::new();
        lowercase_into(text, &mut lower);
        let mut search = p.json_search(text, &lower);
        let first = search.next_from(0).unwrap();
        assert_eq!(&text[first..first + 6], b"DOCKER");
        assert_eq!(search.next_from(3), Some(first));
        let second = search.next_from(first + 1).unwrap();
        assert_eq!(&text[second..second + 2], b"\\u");
        assert_eq!(search.next_from(second + 1), None);
        // A search that starts inside a run of backslashes still sees the whole run: the
        // third backslash of `\\\u` escapes the `u`.
        let text: &[u8] = br#"{"a":"\\\u0064"}"#;
        lowercase_into(text, &mut lower);
        assert_eq!(p.json_search(text, &lower).next_from(7), Some(8));
        // Without literals every position is a hit.
        let all = Prefilter::new::<&str>(&[]);
        assert_eq!(all.json_search(text, &lower).next_from(7), Some(7));
    }

    #[test]
    fn lowercasing_changes_only_ascii_capitals() {
        let all: Vec<u8> = (0..=255).collect();
        let mut out = Vec::new();
        lowercase_into(&all, &mut out);
        assert_eq!(out, all.to_ascii_lowercase());
    }

    #[test]
    fn a_whole_value_is_looked_for_between_quotes_in_json_only() {
        let p = Prefilter::with_whole_values(&["docker", "exec"], |l| l == "docker");
        assert!(p.may_match(br#"{"FileName":"Docker"}"#, Encoding::Json));
        assert!(p.may_match(br#"{"FileName": "docker" }"#, Encoding::Json));
        // Not a whole value: dropped, since `docker` is not a string of its own...
        assert!(!p.may_match(br#"{"FileName":"dockerd"}"#, Encoding::Json));
        assert!(!p.may_match(
            br#"{"ProcessCommandLine":"/usr/bin/docker ps"}"#,
            Encoding::Json
        ));
        // ...unless an escape could hide it, or the other literal occurs anywhere.
        assert!(p.may_match(br#"{"FileName":"docker"}"#, Encoding::Json));
        assert!(p.may_match(
            br#"{"ProcessCommandLine":"docker execute"}"#,
            Encoding::Json
        ));
        // CSV and raw text may leave the value unquoted.
        assert!(p.may_match(b"2025-01-01,docker,x", Encoding::Csv));
        assert!(p.may_match(b"docker", Encoding::Raw));
        // A value that could be written as another JSON token is searched unquoted.
        let p = Prefilter::with_whole_values(&["1234", "true", "null", "[1]"], |_| true);
        assert!(p.may_match(br#"{"ProcessId":1234}"#, Encoding::Json));
        assert!(p.may_match(br#"{"IsRoot":true}"#, Encoding::Json));
        assert!(p.may_match(br#"{"a":[1]}"#, Encoding::Json));
        // A value with characters JSON escapes is searched escaped, quotes included.
        let p = Prefilter::with_whole_values(&[r#"C:\a "b""#], |_| true);
        assert!(p.may_match(br#"{"x":"c:\\A \"B\""}"#, Encoding::Json));
        assert!(!p.may_match(br#"{"x":"c:\\A \"B\" and more"}"#, Encoding::Json));
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
