//! `extract_json` (legacy `extractjson`): one value of a JSON text by a JSONPath.
//!
//! The path syntax is the subset of DOCS `jsonpath.md`: `$` (the root), `.name`,
//! `['name']` or `["name"]`, and `[n]` (a 0-based array index); wildcards, recursion,
//! unions and slices are not supported, so a path using them is invalid. The value is
//! returned as text (a JSON string unquoted, anything else as compact JSON); a missing
//! value, or text that is not JSON, gives `""`.

use crate::dynamic::json_to_text;
use serde_json::Value as Json;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A member of an object.
    Member(String),
    /// An element of an array.
    Index(usize),
}

/// Parses a JSONPath; `None` when it is not in the supported subset.
pub fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while let Some(c) = rest.chars().next() {
        match c {
            '.' => {
                let body = rest.get(1..)?;
                let end = body.find(['.', '[']).unwrap_or(body.len());
                let name = body.get(..end)?;
                if name.is_empty() || name.contains(['*', ' ']) {
                    return None;
                }
                steps.push(Step::Member(name.to_string()));
                rest = body.get(end..)?;
            }
            '[' => {
                let body = rest.get(1..)?;
                let (step, used) = bracket(body)?;
                steps.push(step);
                rest = body.get(used..)?;
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// The inside of `[...]` at the start of `body` (after the `[`): the step and the bytes
/// used, the `]` included.
fn bracket(body: &str) -> Option<(Step, usize)> {
    let quote = body.chars().next()?;
    if quote == '\'' || quote == '"' {
        let inner = body.get(1..)?;
        let end = inner.find(quote)?;
        let after = inner.get(end + 1..)?;
        if !after.starts_with(']') {
            return None;
        }
        Some((Step::Member(inner.get(..end)?.to_string()), end + 3))
    } else {
        let end = body.find(']')?;
        let index = body.get(..end)?.trim().parse::<usize>().ok()?;
        Some((Step::Index(index), end + 1))
    }
}

/// The value at `steps` in `json`.
pub fn select<'j>(json: &'j Json, steps: &[Step]) -> Option<&'j Json> {
    steps.iter().try_fold(json, |cur, step| match (cur, step) {
        (Json::Object(map), Step::Member(name)) => map.get(name),
        (Json::Array(items), Step::Index(i)) => items.get(*i),
        _ => None,
    })
}

/// `extract_json(path, text)` as text.
pub fn extract_json(path: &str, text: &str) -> String {
    let (Some(steps), Ok(json)) = (parse_path(path), serde_json::from_str::<Json>(text)) else {
        return String::new();
    };
    select(&json, &steps).map(json_to_text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_paths() {
        // DOCS extract-json-function.md.
        let json = r#"{"name": "John", "age": 30, "city": "New York"}"#;
        assert_eq!(extract_json("$.name", json), "John");
        assert_eq!(extract_json("$.age", json), "30");
        assert_eq!(extract_json("$.missing", json), "");
        // DOCS jsonpath.md, the example document.
        let doc = r#"{"Source":"Server-01","Log Level":"INFO","Details":{"Service":"AuthService",
            "Response Code":200,"User":{"User ID":"user123","IP Address":"192.168.1.100"},
            "Tags":["startup","auth","performance"]}}"#;
        let cases = [
            ("$.Source", "Server-01"),
            ("$['Log Level']", "INFO"),
            ("$.Details.Service", "AuthService"),
            ("$.Details['Response Code']", "200"),
            ("$.Details.User['User ID']", "user123"),
            (r#"$.Details.User["IP Address"]"#, "192.168.1.100"),
            ("$.Details.Tags[0]", "startup"),
            ("$.Details.Tags", r#"["startup","auth","performance"]"#),
        ];
        for (path, expected) in cases {
            assert_eq!(extract_json(path, doc), expected, "{path}");
        }
        // Unsupported paths and text that is not JSON.
        for path in [
            "Source",
            "$..Source",
            "$.Details.*",
            "$.Details.Tags[-1]",
            "$[",
        ] {
            assert_eq!(parse_path(path), None, "{path}");
        }
        assert_eq!(extract_json("$.a", "not json"), "");
    }
}
