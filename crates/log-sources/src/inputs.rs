//! Discovering inputs: which files, in which format, feeding which tables.
//!
//! [`Inputs::discover`] expands the paths (files, folders, `-`), looks at each input's
//! first bytes (decompressed if gzip or zstd) and asks the format registry what it is. The
//! extension is only a hint some sniffers use. The tables listed per input are those seen
//! in a sample of its first records, for display; which inputs a query scans is decided by
//! what the format *can* produce ([`Input::may_contain`]), since a later record may go to
//! another table.

use crate::compress::{Compression, read_full};
use crate::error::SourceError;
use crate::format::EventSink;
use crate::formats::{self, FormatEntry, ReaderContext, SniffInput};
use crate::options::{ReadOptions, TableRequest};
use crate::record::{BadRecord, Row};
use crate::walk::{Expanded, InputPath, expand};
use arrow::record_batch::RecordBatch;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Bytes of (decompressed) input the sniffers see.
pub const HEAD_BYTES: usize = 64 * 1024;

/// What reads an input.
#[derive(Debug, Clone, Copy)]
pub enum InputKind {
    /// A streaming format from the registry.
    Stream(&'static FormatEntry),
    /// Apache Parquet (read by column, see [`crate::parquet_in`]).
    Parquet,
    /// Nothing recognised it; reading reports it as unrecognized.
    Unrecognized,
}

/// One input file (or standard input).
#[derive(Debug, Clone)]
pub struct Input {
    /// Name for reports: the path as given, or `-`.
    pub name: Arc<str>,
    /// Where it is.
    pub path: InputPath,
    /// Its format.
    pub kind: InputKind,
    /// Its compression.
    pub compression: Compression,
    /// Size on disk (compressed), when known.
    pub size: Option<u64>,
    /// Tables seen in its first records (else those its format can produce).
    pub tables: Vec<&'static str>,
    /// Why the input could not be recognised, when it is not just an unknown format (a
    /// corrupt compressed stream, an unreadable Parquet footer).
    pub problem: Option<String>,
    /// True when the user named this input; false when a folder walk found it. An
    /// unrecognised file found in a folder (a README, a script) is skipped by design; one
    /// the user named is an error.
    pub named: bool,
    /// Standard input's first bytes, kept from sniffing for the one read that follows.
    stdin_head: Option<Arc<Mutex<Option<Vec<u8>>>>>,
}

impl Input {
    /// The format name (`None` when unrecognized).
    pub fn format(&self) -> Option<&'static str> {
        match self.kind {
            InputKind::Stream(e) => Some(e.name),
            InputKind::Parquet => Some(crate::parquet_in::FORMAT),
            InputKind::Unrecognized => None,
        }
    }

    /// The file path, if it is a file.
    pub fn file_path(&self) -> Option<&Path> {
        match &self.path {
            InputPath::File(p) => Some(p),
            InputPath::Stdin => None,
        }
    }

    /// True when the input can be read in independent byte ranges (an uncompressed file
    /// in a line-oriented format).
    pub fn splittable(&self) -> bool {
        matches!(self.kind, InputKind::Stream(e) if e.splittable)
            && self.compression == Compression::None
            && matches!(self.path, InputPath::File(_))
    }

    /// True when the input may hold rows of `table`.
    pub fn may_contain(&self, table: &str) -> bool {
        match self.kind {
            InputKind::Stream(e) => e.may_produce(table),
            InputKind::Parquet => self.tables.contains(&table),
            InputKind::Unrecognized => false,
        }
    }

    /// Opens the input's decompressed bytes from the start. Standard input can be opened
    /// once.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, SourceError> {
        let raw: Box<dyn Read + Send> = match &self.path {
            InputPath::File(p) => Box::new(File::open(p).map_err(|e| SourceError::io(p, e))?),
            InputPath::Stdin => {
                let head = self
                    .stdin_head
                    .as_ref()
                    .and_then(|h| h.lock().ok().and_then(|mut g| g.take()))
                    .ok_or(SourceError::StdinReused)?;
                Box::new(Cursor::new(head).chain(std::io::stdin()))
            }
        };
        self.compression
            .decoder(raw)
            .map_err(|e| SourceError::Decompress {
                path: self.name.to_string().into(),
                source: e,
            })
    }

    /// The reader context for this input.
    pub fn context(&self, options: &ReadOptions, tables: Arc<TableRequest>) -> ReaderContext {
        ReaderContext::new(
            self.name.clone(),
            self.file_path().map(Path::to_path_buf),
            options.clone(),
            tables,
        )
    }
}

/// The inputs of a run, in order.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Every input file.
    pub inputs: Vec<Input>,
    /// The options they were discovered with.
    pub options: ReadOptions,
}

impl Inputs {
    /// Expands `paths` and recognises each input's format.
    pub fn discover<P: AsRef<Path>>(
        paths: &[P],
        options: &ReadOptions,
    ) -> Result<Self, SourceError> {
        let mut inputs = Vec::new();
        for Expanded { path, named } in expand(paths)? {
            let mut input = match path {
                InputPath::File(path) => discover_file(path, options)?,
                InputPath::Stdin => discover_stdin(options)?,
            };
            input.named = named;
            inputs.push(input);
        }
        Ok(Self {
            inputs,
            options: options.clone(),
        })
    }

    /// The inputs that may hold rows of `table`.
    pub fn for_table<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Input> + 'a {
        self.inputs.iter().filter(move |i| i.may_contain(table))
    }

    /// Every table the inputs' first records feed, sorted.
    pub fn tables(&self) -> Vec<&'static str> {
        let set: BTreeSet<&'static str> = self
            .inputs
            .iter()
            .flat_map(|i| i.tables.iter().copied())
            .collect();
        set.into_iter().collect()
    }
}

fn discover_file(path: PathBuf, options: &ReadOptions) -> Result<Input, SourceError> {
    let mut f = File::open(&path).map_err(|e| SourceError::io(&path, e))?;
    let size = f.metadata().ok().map(|m| m.len());
    let mut magic = [0u8; 4];
    let n = read_full(&mut f, &mut magic).map_err(|e| SourceError::io(&path, e))?;
    let name: Arc<str> = path.display().to_string().into();
    if crate::parquet_in::is_parquet(&magic[..n]) {
        let (tables, problem) = match crate::parquet_in::tables_of(&path, options) {
            Ok(t) => (t, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        return Ok(Input {
            kind: if problem.is_some() {
                InputKind::Unrecognized
            } else {
                InputKind::Parquet
            },
            name,
            path: InputPath::File(path),
            compression: Compression::None,
            size,
            tables,
            problem,
            named: true,
            stdin_head: None,
        });
    }
    let compression = Compression::detect(&magic[..n]);
    let mut input = Input {
        name,
        path: InputPath::File(path),
        kind: InputKind::Unrecognized,
        compression,
        size,
        tables: Vec::new(),
        problem: None,
        named: true,
        stdin_head: None,
    };
    let mut head = vec![0u8; HEAD_BYTES + 1];
    let mut r = match input.open() {
        Ok(r) => r,
        Err(e) => {
            input.problem = Some(e.to_string());
            return Ok(input);
        }
    };
    let (n, err) = read_head(&mut *r, &mut head);
    if let (0, Some(e)) = (n, err) {
        // A corrupt stream is this input's problem, not the run's: it is reported when
        // the input is read.
        input.problem = Some(format!("cannot decompress: {e}"));
        return Ok(input);
    }
    head.truncate(n);
    classify(&mut input, &head, n <= HEAD_BYTES, options);
    Ok(input)
}

fn discover_stdin(options: &ReadOptions) -> Result<Input, SourceError> {
    let mut raw = vec![0u8; HEAD_BYTES + 1];
    let n = read_full(&mut std::io::stdin(), &mut raw).map_err(|e| SourceError::io("-", e))?;
    raw.truncate(n);
    let compression = Compression::detect(&raw);
    // Sniff a decompressed prefix; the truncated stream may end in a decoder error, which
    // only means the sample is short.
    let mut head = vec![0u8; HEAD_BYTES + 1];
    let m = match compression.decoder(Box::new(Cursor::new(raw.clone()))) {
        Ok(mut d) => read_prefix(&mut *d, &mut head),
        Err(_) => 0,
    };
    head.truncate(m);
    let mut input = Input {
        name: "-".into(),
        path: InputPath::Stdin,
        kind: InputKind::Unrecognized,
        compression,
        size: None,
        tables: Vec::new(),
        problem: None,
        named: true,
        stdin_head: Some(Arc::new(Mutex::new(Some(raw)))),
    };
    if crate::parquet_in::is_parquet(&head) {
        // Recognised so the read can say why it cannot be done.
        input.kind = InputKind::Parquet;
        return Ok(input);
    }
    classify(
        &mut input,
        &head,
        n <= HEAD_BYTES && compression == Compression::None,
        options,
    );
    Ok(input)
}

/// Like `read_full`, but stops quietly at the first error.
fn read_prefix(r: &mut dyn Read, buf: &mut [u8]) -> usize {
    read_head(r, buf).0
}

/// Reads until `buf` is full, the input ends or an error occurs: the bytes read and the
/// error, if any.
fn read_head(r: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<std::io::Error>) {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Some(e)),
        }
    }
    (n, None)
}

/// Sniffs the format and samples the tables.
fn classify(input: &mut Input, head: &[u8], complete: bool, options: &ReadOptions) {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let head = &head[..head.len().min(HEAD_BYTES)];
    let path = input.file_path().map(Path::to_path_buf);
    if path.as_deref().is_some_and(is_documentation_or_code) {
        return;
    }
    let sniff_in = SniffInput {
        head,
        complete,
        path: path.as_deref(),
    };
    let Some((entry, _)) = formats::sniff(&sniff_in) else {
        return;
    };
    input.kind = InputKind::Stream(entry);
    input.tables = sample_tables(entry, input, head, complete, options);
}

/// Extensions of documentation and source code. Such a file is never telemetry, whatever
/// it quotes: a README that shows sample audit records must not be read as an audit log
/// and reported line by line as bad records.
const NOT_TELEMETRY: [&str; 10] = [
    "md", "markdown", "rst", "adoc", "py", "rs", "go", "sh", "js", "ts",
];

fn is_documentation_or_code(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| NOT_TELEMETRY.iter().any(|n| n.eq_ignore_ascii_case(e)))
}

/// The tables the records in `head` go to.
fn sample_tables(
    entry: &'static FormatEntry,
    input: &Input,
    head: &[u8],
    complete: bool,
    options: &ReadOptions,
) -> Vec<&'static str> {
    struct Tables(BTreeSet<&'static str>);
    impl EventSink for Tables {
        fn row(&mut self, row: Row) {
            if let Some(t) = table_schemas::builtin_table(row.table) {
                self.0.insert(t.name.as_str());
            }
        }
        fn batch(&mut self, table: &'static str, _batch: RecordBatch) {
            self.0.insert(table);
        }
        fn bad(&mut self, _bad: BadRecord) {}
    }
    let ctx = input.context(options, Arc::new(TableRequest::all()));
    let mut sink = Tables(BTreeSet::new());
    if let Ok(mut reader) = (entry.open)(&ctx) {
        reader.feed(head, 0, complete, &mut sink);
        reader.finish(&mut sink);
    }
    if sink.0.is_empty() {
        // Nothing complete in the sample (readers that group records, or a first record
        // longer than the sample): say what the format can produce.
        return entry
            .tables
            .iter()
            .filter_map(|t| table_schemas::builtin_table(t).map(|s| s.name.as_str()))
            .collect();
    }
    sink.0.into_iter().collect()
}
