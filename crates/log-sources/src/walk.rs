//! Expanding command-line paths into input files, in the order they are read.
//!
//! A path is a file, a folder (walked recursively) or `-` (standard input). Folder contents
//! are sorted by name at every level, so the same tree always yields the same file order
//! (and the same row order, report and alerts). Hidden entries (names starting with `.`,
//! such as `.git`) are skipped inside folders, and symbolic links to folders are not
//! followed, which keeps a walk finite; a hidden file or a link named explicitly is read.
//!
//! # Rotated logs are read oldest first
//!
//! The process table links a process to a parent seen earlier in the run, so the files of
//! one host must be read in the order they were written. logrotate and auditd name the
//! rotations of `<base>` either `<base>.<N>` (N = 1 newest; auditd's `audit.log.1`, syslog's
//! `syslog.2.gz`) or `<base>-<date>` (`dateext`: `syslog-20250304`), and name order gets
//! the numbered ones backwards (`audit.log`, `audit.log.1`, `audit.log.2`). So, after the
//! expansion, the files of one folder that are rotations of one base (two or more of them,
//! the live file included) are reordered among the positions they hold:
//! * numbered rotations first, highest number (oldest) first;
//! * then dated rotations, earliest date first;
//! * the live `<base>` last.
//!
//! A compression suffix (`.gz`, `.zst`, `.bz2`, `.xz`) is ignored for the grouping. Every
//! other file keeps its place, and a path named twice is read twice.

use crate::error::SourceError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// An expanded path and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The input.
    pub path: InputPath,
    /// True when the user named it (a file path or `-`), false when a folder walk found it.
    /// A file found in a folder that no reader recognises is skipped quietly; one the user
    /// named is an error.
    pub named: bool,
}

/// Expands `paths` in order; folders become their files, sorted by name, and rotated logs
/// are put oldest first (see the module docs).
pub fn expand<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Expanded>, SourceError> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if p.as_os_str() == "-" {
            out.push(Expanded {
                path: InputPath::Stdin,
                named: true,
            });
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| SourceError::io(p, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk_dir(p, &mut files)?;
            out.extend(files.into_iter().map(|f| Expanded {
                path: InputPath::File(f),
                named: false,
            }));
        } else {
            out.push(Expanded {
                path: InputPath::File(p.to_path_buf()),
                named: true,
            });
        }
    }
    order_rotations(&mut out);
    Ok(out)
}

fn walk_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), SourceError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| SourceError::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| SourceError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        let ft = e.file_type().map_err(|err| SourceError::io(&path, err))?;
        if ft.is_dir() {
            walk_dir(&path, out)?;
        } else if ft.is_file()
            || (ft.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_file()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Where a file stands among the rotations of its base; the derived order is read order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Generation {
    /// `<base>.<N>`: a larger N is older, so it sorts by the reversed number.
    Numbered(std::cmp::Reverse<u32>),
    /// `<base>-<date>`: the date digits, which sort as they read.
    Dated(String),
    /// `<base>` itself, the file still written to.
    Live,
}

/// The rotation base of a file name and its generation. Every name has one: a name that is
/// no rotation is its own live base.
fn rotation(name: &str) -> (&str, Generation) {
    let stem = [".gz", ".zst", ".zstd", ".bz2", ".xz"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name);
    if let Some((base, n)) = stem.rsplit_once('.')
        && !base.is_empty()
        && (1..=6).contains(&n.len())
        && n.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = n.parse::<u32>()
    {
        return (base, Generation::Numbered(std::cmp::Reverse(n)));
    }
    if let Some((base, date)) = stem.rsplit_once('-')
        && !base.is_empty()
        && date.len() >= 8
        && date.bytes().all(|b| b.is_ascii_digit())
    {
        return (base, Generation::Dated(date.to_string()));
    }
    (name, Generation::Live)
}

/// Reorders each group of rotations of one base in one folder oldest first, within the
/// positions the group holds.
fn order_rotations(files: &mut [Expanded]) {
    let mut groups: HashMap<(PathBuf, String), Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let InputPath::File(p) = &f.path else {
            continue;
        };
        let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
            continue;
        };
        let (base, _) = rotation(&name);
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
        groups.entry((dir, base.to_string())).or_default().push(i);
    }
    for positions in groups.into_values().filter(|g| g.len() > 1) {
        let mut members: Vec<Expanded> = positions.iter().map(|&i| files[i].clone()).collect();
        // Stable: the same file named twice keeps both reads, in their order.
        members.sort_by_key(|f| match &f.path {
            InputPath::File(p) => p
                .file_name()
                .map(|n| rotation(&n.to_string_lossy()).1)
                .unwrap_or(Generation::Live),
            InputPath::Stdin => Generation::Live,
        });
        for (&i, m) in positions.iter().zip(members) {
            files[i] = m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(got: &[Expanded]) -> Vec<(InputPath, bool)> {
        got.iter().map(|e| (e.path.clone(), e.named)).collect()
    }

    #[test]
    fn folders_are_walked_in_name_order_without_hidden_entries() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("b/inner")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "b/inner/z.json",
            "b/a.json",
            "a.json",
            ".hidden",
            ".git/x",
            "c.csv",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got = expand(&[root.to_path_buf(), PathBuf::from("-")]).unwrap();
        let want = vec![
            (InputPath::File(root.join("a.json")), false),
            (InputPath::File(root.join("b/a.json")), false),
            (InputPath::File(root.join("b/inner/z.json")), false),
            (InputPath::File(root.join("c.csv")), false),
            (InputPath::Stdin, true),
        ];
        assert_eq!(files(&got), want);
        assert!(expand(&[root.join("missing")]).is_err());
    }

    #[test]
    fn rotated_logs_are_read_oldest_first_in_the_places_they_hold() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("other")).unwrap();
        for f in [
            "audit.log",
            "audit.log.1",
            "audit.log.10",
            "audit.log.2.gz",
            "events.json",
            "other/audit.log",
            "syslog",
            "syslog-20250305",
            "syslog-20250304.gz",
            "syslog.1",
            "v1.2",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got = expand(&[root]).unwrap();
        let names: Vec<String> = got
            .iter()
            .map(|e| match &e.path {
                InputPath::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                InputPath::Stdin => "-".into(),
            })
            .collect();
        // Name order is audit.log, audit.log.1, audit.log.10, audit.log.2.gz, events.json,
        // other/audit.log, syslog, syslog-20250304.gz, syslog-20250305, syslog.1, v1.2.
        // The audit.log group holds positions 0-3, the syslog group 6-9; other/audit.log is
        // in another folder and v1.2 has no sibling named v1.
        let want = [
            "audit.log.10",
            "audit.log.2.gz",
            "audit.log.1",
            "audit.log",
            "events.json",
            "other/audit.log",
            "syslog.1",
            "syslog-20250304.gz",
            "syslog-20250305",
            "syslog",
            "v1.2",
        ];
        assert_eq!(names, want);
    }

    #[test]
    fn named_files_are_ordered_too_and_marked_named() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in ["audit.log", "audit.log.1", "notes.txt"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        // What a shell glob `audit.log*` gives, with another file in between.
        let got = expand(&[
            root.join("audit.log"),
            root.join("notes.txt"),
            root.join("audit.log.1"),
        ])
        .unwrap();
        let want = vec![
            (InputPath::File(root.join("audit.log.1")), true),
            (InputPath::File(root.join("notes.txt")), true),
            (InputPath::File(root.join("audit.log")), true),
        ];
        assert_eq!(files(&got), want);
    }

    #[test]
    fn rotation_names() {
        use Generation::*;
        use std::cmp::Reverse;
        assert_eq!(rotation("audit.log"), ("audit.log", Live));
        assert_eq!(rotation("audit.log.3"), ("audit.log", Numbered(Reverse(3))));
        assert_eq!(rotation("syslog.2.gz"), ("syslog", Numbered(Reverse(2))));
        assert_eq!(
            rotation("messages-20250304"),
            ("messages", Dated("20250304".into()))
        );
        // Not rotations: a version-like short date, no base, a long number.
        assert_eq!(rotation("app-2025"), ("app-2025", Live));
        assert_eq!(rotation(".1"), (".1", Live));
        assert_eq!(rotation("x.1234567"), ("x.1234567", Live));
    }
}
