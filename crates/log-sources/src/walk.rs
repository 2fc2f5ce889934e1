//! Expanding command-line paths into input files.
//!
//! A path is a file, a folder (walked recursively) or `-` (standard input). Folder contents
//! are sorted by name at every level, so the same tree always yields the same file order
//! (and the same row order, report and alerts). Hidden entries (names starting with `.`)
//! are skipped inside folders, and symbolic links to folders are not followed, which keeps
//! a walk finite; a hidden file or a link named explicitly is read.

use crate::error::SourceError;
use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// Expands `paths` in order; folders become their files, sorted.
pub fn expand<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<InputPath>, SourceError> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if p.as_os_str() == "-" {
            out.push(InputPath::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| SourceError::io(p, e))?;
        if meta.is_dir() {
            walk_dir(p, &mut out)?;
        } else {
            out.push(InputPath::File(p.to_path_buf()));
        }
    }
    Ok(out)
}

fn walk_dir(dir: &Path, out: &mut Vec<InputPath>) -> Result<(), SourceError> {
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
            out.push(InputPath::File(path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            InputPath::File(root.join("a.json")),
            InputPath::File(root.join("b/a.json")),
            InputPath::File(root.join("b/inner/z.json")),
            InputPath::File(root.join("c.csv")),
            InputPath::Stdin,
        ];
        assert_eq!(got, want);
        assert!(expand(&[root.join("missing")]).is_err());
    }
}
