//! `parse_path`: a file path's parts as a property bag.
//!
//! The keys are those of DOCS `parse-path-function.md`, in its order: `Scheme`,
//! `RootPath` (a drive such as `C:`), `DirectoryPath` (everything before the last `\` or
//! `/`), `DirectoryName` (its last component), `Filename`, `Extension` (after the file
//! name's last dot) and `AlternateDataStreamName` (after a `:` in the file name). Both
//! slashes separate; a `scheme://` prefix and the long-path prefix `\\?\` are recognised.

use serde_json::{Map, Value as Json};

fn is_separator(c: char) -> bool {
    c == '\\' || c == '/'
}

/// `scheme` and the rest, for `scheme://rest` with a scheme of two or more letters (so that
/// a drive letter is never taken for one).
fn split_scheme(path: &str) -> (&str, &str) {
    match path.split_once("://") {
        Some((scheme, rest))
            if scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            (scheme, rest)
        }
        _ => ("", path),
    }
}

/// The drive (`C:`) a path starts with, after an optional `\\?\` prefix.
fn drive(path: &str) -> &str {
    let body = path.strip_prefix(r"\\?\").unwrap_or(path);
    let mut chars = body.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic() => body.get(..2).unwrap_or(""),
        _ => "",
    }
}

/// The parts of a path, in the order of the result bag.
pub fn path_parts(path: &str) -> [(&'static str, String); 7] {
    let (scheme, rest) = split_scheme(path.trim());
    let root = drive(rest);
    let (directory, file) = match rest.rfind(is_separator) {
        // A separator at the very start (`/file`) or right after the drive (`C:\file`) is
        // part of the directory.
        Some(i) => {
            let keep = if i == 0 || rest.get(..i) == Some(root) && !root.is_empty() {
                i + 1
            } else {
                i
            };
            (
                rest.get(..keep).unwrap_or(""),
                rest.get(i + 1..).unwrap_or(""),
            )
        }
        None if !root.is_empty() => (root, rest.get(root.len()..).unwrap_or("")),
        None => ("", rest),
    };
    let (filename, stream) = file.split_once(':').unwrap_or((file, ""));
    let extension = filename.rsplit_once('.').map_or("", |(_, e)| e);
    let directory_name = directory
        .split(is_separator)
        .rfind(|c| !c.is_empty())
        .unwrap_or("");
    [
        ("Scheme", scheme.to_string()),
        ("RootPath", root.to_string()),
        ("DirectoryPath", directory.to_string()),
        ("DirectoryName", directory_name.to_string()),
        ("Filename", filename.to_string()),
        ("Extension", extension.to_string()),
        ("AlternateDataStreamName", stream.to_string()),
    ]
}

/// `parse_path(path)`.
pub fn parse_path(path: &str) -> Json {
    let bag: Map<String, Json> = path_parts(path)
        .into_iter()
        .map(|(k, v)| (k.to_string(), Json::String(v)))
        .collect();
    Json::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_path_documented() {
        // DOCS parse-path-function.md, all five rows.
        assert_eq!(
            parse_path(r"C:\temp\file.txt"),
            json!({"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})
        );
        assert_eq!(
            parse_path(r"temp\file.txt"),
            json!({"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})
        );
        assert_eq!(
            parse_path("file://C:/temp/file.txt:some.exe"),
            json!({"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"})
        );
        assert_eq!(
            parse_path(r"\\shared\users\temp\file.txt.gz"),
            json!({"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp",
                   "DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz",
                   "AlternateDataStreamName":""})
        );
        assert_eq!(
            parse_path("/usr/lib/temp/file.txt"),
            json!({"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})
        );
        // Long paths, files at the root, bare names.
        assert_eq!(
            parse_path(r"\\?\C:\Windows\System32\cmd.exe").get("RootPath"),
            Some(&json!("C:"))
        );
        assert_eq!(
            parse_path(r"C:\cmd.exe").get("DirectoryPath"),
            Some(&json!("C:\\"))
        );
        assert_eq!(parse_path("/bin").get("DirectoryPath"), Some(&json!("/")));
        assert_eq!(
            parse_path("notepad.exe").get("Extension"),
            Some(&json!("exe"))
        );
        assert_eq!(parse_path("").get("Filename"), Some(&json!("")));
    }
}
