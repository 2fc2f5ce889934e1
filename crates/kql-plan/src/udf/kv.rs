//! The key/value extraction of `parse-kv` (parse-kv-operator.md).
//!
//! Three modes:
//! * **delimiters** (`pair_delimiter`, `kv_delimiter`): pairs separated by the pair
//!   delimiter, key and value by the kv delimiter; without `greedy` a value ends at the next
//!   pair delimiter, with it at the last pair delimiter before the next kv delimiter (so
//!   `name=John Doe phone=555` gives `John Doe`);
//! * **no delimiters**: any non-alphanumeric character separates; a requested key is a
//!   whole word, its value the next word (or a quoted string);
//! * **regex**: each match's first group is a key, its second the value.
//!
//! In every mode keys and values may be quoted (`quote`, one or two characters: opening and
//! closing), quoted text may contain an escape character before a quote, surrounding
//! white space is ignored, only requested keys are kept and the first value of a key wins.

use serde_json::{Map, Value as Json};

/// How `parse-kv` reads its text; fixed at plan time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KvSpec {
    /// The keys to extract.
    pub keys: Vec<String>,
    pub pair_delimiter: Option<String>,
    pub kv_delimiter: Option<String>,
    /// Opening and closing quote characters.
    pub quotes: Vec<(char, char)>,
    pub escapes: Vec<char>,
    pub greedy: bool,
    /// A pattern with two groups, key and value (already translated to Rust syntax).
    pub regex: Option<String>,
}

impl KvSpec {
    /// The requested pairs found in `text`, as a JSON bag of strings.
    pub(crate) fn extract(&self, text: &str, regex: Option<&regex::Regex>) -> Json {
        let mut found = Map::new();
        let mut keep = |k: &str, v: String| {
            let k = k.trim();
            if self.keys.iter().any(|w| w == k) && !found.contains_key(k) {
                found.insert(k.to_string(), Json::String(v));
            }
        };
        if let Some(re) = regex {
            for c in re.captures_iter(text) {
                if let (Some(k), Some(v)) = (c.get(1), c.get(2)) {
                    keep(k.as_str(), v.as_str().trim().to_string());
                }
            }
        } else if let (Some(pair), Some(kv)) = (&self.pair_delimiter, &self.kv_delimiter) {
            self.delimited(text, pair, kv, &mut keep);
        } else {
            self.undelimited(text, &mut keep);
        }
        Json::Object(found)
    }

    fn closing_quote(&self, c: char) -> Option<char> {
        self.quotes.iter().find(|q| q.0 == c).map(|q| q.1)
    }

    /// Reads a quoted string starting at `at` (on the opening quote): its unescaped text
    /// and the index after the closing quote.
    fn quoted(&self, text: &str, at: usize, close: char) -> (String, usize) {
        let mut out = String::new();
        let mut chars = text[at..].char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            if self.escapes.contains(&c) {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            if c == close {
                return (out, at + i + c.len_utf8());
            }
            out.push(c);
        }
        (out, text.len())
    }

    fn delimited(&self, text: &str, pair: &str, kv: &str, keep: &mut impl FnMut(&str, String)) {
        if pair.is_empty() || kv.is_empty() {
            return;
        }
        let mut pos = 0;
        while pos < text.len() {
            // Skip white space and pair delimiters before a key.
            let rest = &text[pos..];
            let skipped = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_whitespace() || pair.contains(c))
                    .len();
            pos += skipped;
            if pos >= text.len() {
                break;
            }
            // The key: quoted, or up to the kv delimiter.
            let first = text[pos..].chars().next().unwrap_or(' ');
            let key = match self.closing_quote(first) {
                Some(close) => {
                    let (k, end) = self.quoted(text, pos, close);
                    pos = end;
                    match text[pos..].find(kv) {
                        Some(i) if text[pos..pos + i].trim().is_empty() => pos += i + kv.len(),
                        _ => break,
                    }
                    k
                }
                None => match text[pos..].find(kv) {
                    Some(i) => {
                        let k = text[pos..pos + i].to_string();
                        // A pair delimiter inside the would-be key: the text before it was not
                        // a pair; resume after it.
                        if let Some(j) = k.find(pair) {
                            pos += j + pair.len();
                            continue;
                        }
                        pos += i + kv.len();
                        k
                    }
                    None => break,
                },
            };
            // The value.
            let rest = &text[pos..];
            pos += rest.len() - rest.trim_start().len();
            let first = text[pos..].chars().next();
            let value = match first.and_then(|c| self.closing_quote(c)) {
                Some(close) => {
                    let (v, end) = self.quoted(text, pos, close);
                    pos = end;
                    v
                }
                None => {
                    let end = if self.greedy {
                        self.greedy_end(text, pos, pair, kv)
                    } else {
                        text[pos..].find(pair).map_or(text.len(), |i| pos + i)
                    };
                    let v = text[pos..end].trim().to_string();
                    pos = end;
                    v
                }
            };
            keep(&key, value);
        }
    }

    /// Where a greedy value starting at `from` ends: at the last pair delimiter before the
    /// next kv delimiter, or at the end of the text.
    fn greedy_end(&self, text: &str, from: usize, pair: &str, kv: &str) -> usize {
        match text[from..].find(kv) {
            Some(i) => text[from..from + i]
                .rfind(pair)
                .map_or(text.len(), |j| from + j),
            None => text.len(),
        }
    }

    fn undelimited(&self, text: &str, keep: &mut impl FnMut(&str, String)) {
        let word_at = |i: usize| -> usize {
            text[i..]
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .map_or(text.len(), |j| i + j)
        };
        let mut pos = 0;
        while pos < text.len() {
            let Some(start) = text[pos..]
                .find(|c: char| c.is_alphanumeric() || c == '_')
                .map(|i| pos + i)
            else {
                break;
            };
            let end = word_at(start);
            let word = &text[start..end];
            pos = end;
            if !self.keys.iter().any(|k| k == word) {
                continue;
            }
            // Skip separators up to the value: a quoted string or the next word.
            let mut v_start = None;
            for (i, c) in text[end..].char_indices() {
                if c.is_alphanumeric() || c == '_' || self.closing_quote(c).is_some() {
                    v_start = Some(end + i);
                    break;
                }
            }
            let Some(v) = v_start else { break };
            let first = text[v..].chars().next().unwrap_or(' ');
            let value = match self.closing_quote(first) {
                Some(close) => {
                    let (s, after) = self.quoted(text, v, close);
                    pos = after;
                    s
                }
                None => {
                    let e = word_at(v);
                    pos = e;
                    text[v..e].to_string()
                }
            };
            keep(word, value.trim().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(keys: &[&str], pair: Option<&str>, kv: Option<&str>) -> KvSpec {
        KvSpec {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            pair_delimiter: pair.map(String::from),
            kv_delimiter: kv.map(String::from),
            quotes: vec![],
            escapes: vec![],
            greedy: false,
            regex: None,
        }
    }

    // Examples of parse-kv-operator.md.
    #[test]
    fn well_defined_delimiters() {
        let s = spec(&["Text", "ThreadId", "Machine"], Some(","), Some(":"));
        let out = s.extract(
            "ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info",
            None,
        );
        assert_eq!(
            out,
            json!({"ThreadId": "458745723", "Machine": "Node001", "Text": "The service is up"})
        );
    }

    #[test]
    fn quoted_keys_and_values_with_escapes() {
        let mut s = spec(&["event time", "src", "failure"], Some(" "), Some("="));
        s.quotes = vec![('"', '"')];
        let out = s.extract(
            r#"src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54"#,
            None,
        );
        assert_eq!(out["failure"], json!("connection aborted"));
        assert_eq!(out["event time"], json!("2021-01-01T10:00:54"));
        assert_eq!(out["src"], json!("10.1.1.123"));
        let mut s = spec(&["failure", "time"], Some(" "), Some("="));
        s.quotes = vec![('"', '"')];
        s.escapes = vec!['\\'];
        let out = s.extract(
            r#"bytes=125 failure="the remote host sent \"bye!\"" time=2021-01-01T10:00:54"#,
            None,
        );
        assert_eq!(out["failure"], json!("the remote host sent \"bye!\""));
        assert_eq!(out["time"], json!("2021-01-01T10:00:54"));
        let mut s = spec(&["failure", "event time"], Some(" "), Some("="));
        s.quotes = vec![('(', ')')];
        let out = s.extract(
            "bytes=125 failure=(connection aborted) (event time)=(2021-01-01 10:00:54)",
            None,
        );
        assert_eq!(out["failure"], json!("connection aborted"));
        assert_eq!(out["event time"], json!("2021-01-01 10:00:54"));
    }

    #[test]
    fn greedy_values_run_to_the_next_key() {
        let text = "name=John Doe phone=555 5555 city=New York";
        let s = spec(&["name", "phone", "city"], Some(" "), Some("="));
        assert_eq!(
            s.extract(text, None),
            json!({"name": "John", "phone": "555", "city": "New"})
        );
        let mut g = s.clone();
        g.greedy = true;
        assert_eq!(
            g.extract(text, None),
            json!({"name": "John Doe", "phone": "555 5555", "city": "New York"})
        );
    }

    #[test]
    fn no_delimiters_split_on_any_non_alphanumeric() {
        let s = spec(&["Text", "ThreadId", "Machine"], None, None);
        let out = s.extract(
            "2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started",
            None,
        );
        assert_eq!(
            out,
            json!({"ThreadId": "458745723", "Machine": "Node001", "Text": "Started"})
        );
        let mut q = s.clone();
        q.quotes = vec![('\'', '\'')];
        q.escapes = vec!['\\'];
        let out = q.extract(r"ThreadId:458745723, Text: 'The service \' is up'", None);
        assert_eq!(out["Text"], json!("The service ' is up"));
    }

    #[test]
    fn regex_groups_give_key_and_value_and_the_first_value_wins() {
        let re = regex::Regex::new(r#""([\w ]+)\s*:\s*([^"]*)""#).unwrap();
        let s = spec(&["request url", "referer url"], None, None);
        let out = s.extract(
            r#"["referer url: https://a/?h=1", "request url: https://b", "request url: x"]"#,
            Some(&re),
        );
        assert_eq!(
            out,
            json!({"referer url": "https://a/?h=1", "request url": "https://b"})
        );
    }
}
