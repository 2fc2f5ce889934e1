//! Case files: KQL behaviour as text, sqllogictest-style.
//!
//! ```text
//! # A comment. Blank lines separate records.
//! table DeviceProcessEvents ../../testdata/seed/device_process_events.ndjson
//!
//! query ordered now=2024-06-01T12:00:00Z
//! DeviceProcessEvents | where FileName == "docker" | count
//! ----
//! Count:long
//! [3]
//!
//! error KQL0301
//! print x = FileNmae
//! ----
//! error[KQL0301]: unknown name `FileNmae`
//! ...
//! ```
//!
//! * `table NAME PATH` binds a file (relative to the case file) as a table for the rest of
//!   the file. Each file runs in its own engine, so files are isolated from each other.
//! * `query [ordered] [now=ISO]` runs a query. The expected block is a header line of
//!   `Name:type` pairs separated by `, `, then one JSON array per row. Rows are compared as a
//!   multiset unless `ordered` is given (Kusto leaves row order unspecified without `sort`).
//! * `error CODE` expects the query to fail with a diagnostic of that code; the expected
//!   block is the rendered diagnostic text.
//!
//! The runner's bless mode rewrites every expected block with what the engine produced;
//! blessed output must then be reviewed against the specification before it is committed.

use std::fmt::Write as _;

/// One record of a case file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// `table NAME PATH`
    Table {
        /// Table name.
        name: String,
        /// Path, relative to the case file.
        path: String,
        /// Line of the directive (1-based).
        line: usize,
    },
    /// `query ...` or `error ...`
    Query(Case),
}

/// A query and what it must produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Line of the `query`/`error` directive (1-based).
    pub line: usize,
    /// Compare rows in order.
    pub ordered: bool,
    /// `now=` override (ISO 8601).
    pub now: Option<String>,
    /// `Some(code)` for an `error` record.
    pub error_code: Option<String>,
    /// The KQL text.
    pub query: String,
    /// The expected block, verbatim.
    pub expected: String,
}

/// A syntax error in a case file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CaseFileError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a case file.
pub fn parse(text: &str) -> Result<Vec<Record>, CaseFileError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let lineno = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            i += 1;
            continue;
        }
        let mut words = line.split_whitespace();
        match words.next() {
            Some("table") => {
                let (Some(name), Some(path)) = (words.next(), words.next()) else {
                    return Err(CaseFileError {
                        line: lineno,
                        message: "expected `table NAME PATH`".into(),
                    });
                };
                out.push(Record::Table {
                    name: name.into(),
                    path: path.into(),
                    line: lineno,
                });
                i += 1;
            }
            Some(kind @ ("query" | "error")) => {
                let mut case = Case {
                    line: lineno,
                    ordered: false,
                    now: None,
                    error_code: None,
                    query: String::new(),
                    expected: String::new(),
                };
                for w in words {
                    if w == "ordered" {
                        case.ordered = true;
                    } else if let Some(n) = w.strip_prefix("now=") {
                        case.now = Some(n.to_string());
                    } else if kind == "error" && case.error_code.is_none() {
                        case.error_code = Some(w.to_string());
                    } else {
                        return Err(CaseFileError {
                            line: lineno,
                            message: format!("unknown option `{w}`"),
                        });
                    }
                }
                if kind == "error" && case.error_code.is_none() {
                    return Err(CaseFileError {
                        line: lineno,
                        message: "`error` needs a diagnostic code".into(),
                    });
                }
                i += 1;
                let mut query = Vec::new();
                while i < lines.len() && lines[i].trim_end() != "----" {
                    query.push(lines[i]);
                    i += 1;
                }
                if i >= lines.len() {
                    return Err(CaseFileError {
                        line: lineno,
                        message: "missing `----` after the query".into(),
                    });
                }
                i += 1;
                let mut expected = Vec::new();
                while i < lines.len() && !lines[i].trim().is_empty() {
                    expected.push(lines[i]);
                    i += 1;
                }
                case.query = query.join("\n");
                case.expected = expected.join("\n");
                out.push(Record::Query(case));
            }
            Some(other) => {
                return Err(CaseFileError {
                    line: lineno,
                    message: format!("unknown directive `{other}`"),
                });
            }
            None => i += 1,
        }
    }
    Ok(out)
}

/// `text` with the expected block of each case replaced by the case's `expected`, and every
/// other line (comments included) kept as it was (used by bless mode). Cases are matched
/// by their directive line.
pub fn rewrite_expected(text: &str, cases: &[&Case]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let case = cases.iter().find(|c| c.line == i + 1);
        let _ = writeln!(out, "{}", lines[i]);
        i += 1;
        let Some(case) = case else { continue };
        while i < lines.len() && lines[i].trim_end() != "----" {
            let _ = writeln!(out, "{}", lines[i]);
            i += 1;
        }
        if i < lines.len() {
            let _ = writeln!(out, "{}", lines[i]);
            i += 1;
        }
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        if !case.expected.is_empty() {
            let _ = writeln!(out, "{}", case.expected);
        }
    }
    out
}

/// Writes records back.
pub fn print(records: &[Record]) -> String {
    let mut out = String::new();
    for r in records {
        match r {
            Record::Table { name, path, .. } => {
                let _ = writeln!(out, "table {name} {path}\n");
            }
            Record::Query(c) => {
                match &c.error_code {
                    Some(code) => {
                        let _ = write!(out, "error {code}");
                    }
                    None => out.push_str("query"),
                }
                if c.ordered {
                    out.push_str(" ordered");
                }
                if let Some(n) = &c.now {
                    let _ = write!(out, " now={n}");
                }
                let _ = writeln!(out, "\n{}\n----\n{}\n", c.query, c.expected);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_records() {
        let text = "# c\ntable T a.ndjson\n\nquery ordered now=2024-01-01\nT | count\n----\nCount:long\n[1]\n\nerror KQL0301\nprint x\n----\nerror[KQL0301]: unknown name `x`\n";
        let recs = parse(text).unwrap();
        assert_eq!(recs.len(), 3);
        let Record::Query(q) = &recs[1] else { panic!() };
        assert!(q.ordered);
        assert_eq!(q.now.as_deref(), Some("2024-01-01"));
        assert_eq!(q.expected, "Count:long\n[1]");
        let Record::Query(e) = &recs[2] else { panic!() };
        assert_eq!(e.error_code.as_deref(), Some("KQL0301"));
        // Printing drops comments (so lines shift) but keeps every record.
        assert_eq!(print(&parse(&print(&recs)).unwrap()), print(&recs));
    }

    #[test]
    fn rewriting_expected_blocks_keeps_comments() {
        let text = "# about the case\nquery\nprint 1\n----\nold:long\n[0]\n\n# next\nquery\nprint 2\n----\n";
        let mut recs = parse(text).unwrap();
        for r in &mut recs {
            if let Record::Query(c) = r {
                c.expected = format!("new{}", c.line);
            }
        }
        let cases: Vec<&Case> = recs
            .iter()
            .filter_map(|r| match r {
                Record::Query(c) => Some(c),
                Record::Table { .. } => None,
            })
            .collect();
        assert_eq!(
            rewrite_expected(text, &cases),
            "# about the case\nquery\nprint 1\n----\nnew2\n\n# next\nquery\nprint 2\n----\nnew9\n"
        );
    }

    #[test]
    fn reports_missing_separator() {
        let err = parse("query\nprint 1\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
