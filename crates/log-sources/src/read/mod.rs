//! The read driver: feeds an input's bytes to its format reader in chunks and hands the
//! resulting batches to the caller.
//!
//! Memory is bounded by design: the driver holds one chunk plus at most one unfinished
//! record (readers skip records over the limit as they stream past), the readers hold one
//! batch per table, and each batch goes to the caller as soon as it is full.
//!
//! Three ways to read an input:
//! * [`read_input`] reads it whole (or one byte range of it, for parallel scans of large
//!   line-oriented files: the range owns the lines that *start* inside it);
//! * [`resume_input`] reads from a byte offset up to the current end and stops before an
//!   unfinished last line, returning where to resume: a growing log is followed by calling
//!   it again with [`FileReport::next_offset`];
//! * [`Inputs::read_all`] reads every input in order (what `sources` and `convert` do).
//!
//! # Lineage across files
//!
//! Formats that take parent details from earlier events (auditd, Sysmon, Tetragon: see
//! [`crate::formats::FormatEntry::lineage`]) keep a process table. [`Inputs::read_all`] gives
//! every file of the pass the same tables ([`ReadPlan::processes`]), and reads the files in
//! run order, rotated logs oldest first ([`crate::walk`]), so a child in `audit.log` finds
//! its parent from `audit.log.1`. Those formats are never split into byte ranges, so range
//! order never matters for lineage; [`crate::LogTable`] reads all their files of a scan in
//! order on one thread.

mod sink;

pub use sink::BatchFn;

use crate::compress::{Compression, read_full};
use crate::error::SourceError;
use crate::format::FormatReader;
use crate::inputs::{Input, InputKind, Inputs};
use crate::options::{ReadOptions, TableRequest};
use crate::parquet_filter::ParquetFilter;
use crate::prefilter::Prefilter;
use crate::process_table::ProcessTables;
use crate::record::{BadReason, BadRecord};
use crate::report::{FileReport, ReadReport};
use sink::{DriverSink, start_of};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::sync::Arc;

/// What to read and how.
#[derive(Debug, Clone, Default)]
pub struct ReadPlan {
    /// Limits, strictness, batch size, `--table`.
    pub options: ReadOptions,
    /// Tables and columns to produce.
    pub tables: Arc<TableRequest>,
    /// Records without any of its literals may be dropped unparsed.
    pub prefilter: Option<Arc<Prefilter>>,
    /// The query's filters, for Parquet inputs: row groups and rows they reject may be
    /// skipped.
    pub parquet_filter: Option<Arc<ParquetFilter>>,
    /// The process tables the lineage formats share. `None`: [`Inputs::read_all`] makes
    /// fresh ones for its pass, [`read_input`] and [`resume_input`] for each call. Set it to
    /// carry lineage across calls (following a host's logs, or reading its files one by
    /// one); never reuse tables for a second pass over the same files.
    pub processes: Option<ProcessTables>,
}

impl ReadPlan {
    /// Every table, every column.
    pub fn all(options: ReadOptions) -> Self {
        Self {
            options,
            tables: Arc::new(TableRequest::all()),
            prefilter: None,
            parquet_filter: None,
            processes: None,
        }
    }
}

/// Reads an input, or the byte range `range` of it (only for [`Input::splittable`]
/// inputs; for Parquet, `range` counts row groups), sending each batch to `on_batch`.
pub fn read_input(
    input: &Input,
    plan: &ReadPlan,
    range: Option<Range<u64>>,
    on_batch: &mut BatchFn<'_>,
) -> Result<FileReport, SourceError> {
    read(input, plan, Start::Range(range), on_batch)
}

/// Reads an input from byte `from` (of the decompressed stream) up to its current end,
/// leaving an unfinished last line for the next call; resume at the returned report's
/// `next_offset`.
pub fn resume_input(
    input: &Input,
    plan: &ReadPlan,
    from: u64,
    on_batch: &mut BatchFn<'_>,
) -> Result<FileReport, SourceError> {
    read(input, plan, Start::Resume(from), on_batch)
}

impl Inputs {
    /// Reads every input in order with `plan`, sending batches to `on_batch`. The files
    /// share one process table per lineage format: the plan's, or fresh ones for this pass.
    pub fn read_all(
        &self,
        plan: &ReadPlan,
        on_batch: &mut BatchFn<'_>,
    ) -> Result<ReadReport, SourceError> {
        let mut pass = plan.clone();
        pass.processes.get_or_insert_with(ProcessTables::default);
        let mut report = ReadReport::default();
        for input in &self.inputs {
            report.add(tolerate(
                input,
                &pass,
                read_input(input, &pass, None, on_batch),
            )?);
        }
        Ok(report)
    }

    /// [`Self::read_all`] on up to `threads` threads: a large uncompressed line-oriented
    /// file (at least twice [`ReadOptions::split_bytes`]) is read in byte ranges at once,
    /// and its reports are joined into one, in file order. Batches arrive from several
    /// threads in no particular order, so this suits callers that summarise them (a
    /// survey of what the inputs hold) rather than keep them in order. Formats that follow
    /// process lineage across a file are read whole, as by [`Self::read_all`].
    pub fn read_all_parallel(
        &self,
        plan: &ReadPlan,
        threads: usize,
        on_batch: &(
             dyn Fn(&'static str, arrow::record_batch::RecordBatch) -> Result<(), SourceError>
                 + Sync
         ),
    ) -> Result<ReadReport, SourceError> {
        let mut pass = plan.clone();
        pass.processes.get_or_insert_with(ProcessTables::default);
        let mut report = ReadReport::default();
        for input in &self.inputs {
            let lineage = matches!(input.kind, InputKind::Stream(e) if e.lineage);
            let ranges = (!lineage && input.splittable())
                .then(|| {
                    let size = input.size.unwrap_or(0);
                    split_ranges(size, plan.options.split_bytes, threads)
                })
                .flatten();
            let Some(ranges) = ranges else {
                let r = read_input(input, &pass, None, &mut |t, b| on_batch(t, b));
                report.add(tolerate(input, &pass, r)?);
                continue;
            };
            let results: Vec<Result<FileReport, SourceError>> = std::thread::scope(|s| {
                let handles: Vec<_> = ranges
                    .iter()
                    .map(|r| {
                        let pass = &pass;
                        s.spawn(move || {
                            read_input(input, pass, Some(r.clone()), &mut |t, b| on_batch(t, b))
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(SourceError::io(
                                input.name.to_string(),
                                std::io::Error::other("a reader thread stopped"),
                            ))
                        })
                    })
                    .collect()
            });
            let mut joined: Option<FileReport> = None;
            for r in results {
                let r = tolerate(input, &pass, r)?;
                match &mut joined {
                    None => joined = Some(r),
                    Some(j) => j.absorb(r),
                }
            }
            if let Some(j) = joined {
                report.add(j);
            }
        }
        Ok(report)
    }
}

/// The byte ranges `readers` readers share a splittable input of `size` bytes in: as many
/// as there are readers, none shorter than `min_split`; `None` when the input is too small
/// to be worth splitting (under twice `min_split`) or there is one reader.
pub(crate) fn split_ranges(size: u64, min_split: u64, readers: usize) -> Option<Vec<Range<u64>>> {
    let min_split = min_split.max(1);
    if size < 2 * min_split || readers < 2 {
        return None;
    }
    let parts = (size / min_split).min(readers as u64);
    let step = size.div_ceil(parts);
    Some(
        (0..parts)
            .map(|i| i * step..((i + 1) * step).min(size))
            .filter(|r| !r.is_empty())
            .collect(),
    )
}

/// Turns an error that concerns only this input (unreadable, corrupt compression, broken
/// Parquet) into a bad record in its report, so one bad file does not stop a run; under
/// `strict`, and for errors of the run itself, the error stands.
pub fn tolerate(
    input: &Input,
    plan: &ReadPlan,
    result: Result<FileReport, SourceError>,
) -> Result<FileReport, SourceError> {
    match result {
        Err(
            e @ (SourceError::Io { .. }
            | SourceError::Decompress { .. }
            | SourceError::Parquet { .. }),
        ) if !plan.options.strict => {
            let mut r = FileReport::new(
                input.name.clone(),
                input.format(),
                input.compression,
                plan.options.max_reported_bad,
            );
            r.add_bad(BadRecord {
                location: start_of(&input.name),
                reason: BadReason::Malformed(format!("input abandoned: {e}")),
            });
            Ok(r)
        }
        other => other,
    }
}

enum Start {
    Range(Option<Range<u64>>),
    Resume(u64),
}

fn read(
    input: &Input,
    plan: &ReadPlan,
    start: Start,
    on_batch: &mut BatchFn<'_>,
) -> Result<FileReport, SourceError> {
    let opts = &plan.options;
    let report = FileReport::new(
        input.name.clone(),
        input.format(),
        input.compression,
        opts.max_reported_bad,
    );
    let mut sink = DriverSink::new(report, &plan.tables, opts.batch_size, opts.strict, on_batch);
    // A byte range that starts mid-file does not know its first line number.
    let mut renumber: Option<&std::path::Path> = None;
    match input.kind {
        InputKind::Unrecognized => {
            use crate::format::EventSink;
            let reason = match &input.problem {
                Some(problem) => BadReason::Unrecognized(problem.clone()),
                // A README or a script beside the logs: once per file, and by design.
                None if !input.named => {
                    BadReason::Skipped("no reader recognises this file's format".into())
                }
                None => BadReason::Unrecognized("no reader recognises this input's format".into()),
            };
            sink.bad(BadRecord {
                location: start_of(&input.name),
                reason,
            });
        }
        InputKind::Parquet => {
            let Some(path) = input.file_path() else {
                return Err(SourceError::NotStreamable {
                    format: crate::parquet_in::FORMAT,
                });
            };
            let row_groups = match &start {
                Start::Range(Some(r)) => Some(r.start as usize..r.end as usize),
                _ => None,
            };
            if !matches!(start, Start::Resume(from) if from > 0) {
                crate::parquet_in::read(path, &input.name, plan, row_groups, &mut sink)?;
            }
        }
        InputKind::Stream(entry) => {
            let mut ctx = input.context(opts, plan.tables.clone());
            ctx.prefilter = plan.prefilter.clone();
            if entry.lineage
                && let Some(tables) = &plan.processes
            {
                ctx.process_table = tables.for_format(entry.name);
            }
            match start {
                Start::Range(None) => {
                    let mut reader = (entry.open)(&ctx)?;
                    let mut src = input.open()?;
                    drive(
                        &mut *reader,
                        &mut *src,
                        0,
                        None,
                        true,
                        opts.chunk_bytes,
                        &mut sink,
                        input,
                    )?;
                }
                Start::Range(Some(range)) => {
                    let Some(path) = input.file_path().filter(|_| input.splittable()) else {
                        return Err(SourceError::io(
                            input.name.to_string(),
                            std::io::Error::other("this input cannot be read in byte ranges"),
                        ));
                    };
                    let mut f = std::fs::File::open(path).map_err(|e| SourceError::io(path, e))?;
                    let begin =
                        line_start_at(&mut f, range.start).map_err(|e| SourceError::io(path, e))?;
                    if begin < range.end {
                        f.seek(SeekFrom::Start(begin))
                            .map_err(|e| SourceError::io(path, e))?;
                        ctx.first_line = (begin == 0).then_some(1);
                        renumber = (begin > 0).then_some(path);
                        let mut reader = (entry.open)(&ctx)?;
                        drive(
                            &mut *reader,
                            &mut f,
                            begin,
                            Some(range.end),
                            true,
                            opts.chunk_bytes,
                            &mut sink,
                            input,
                        )?;
                    }
                }
                Start::Resume(from) => {
                    if from > 0 {
                        ctx.first_line = None;
                    }
                    let mut reader = (entry.open)(&ctx)?;
                    let mut src = input.open()?;
                    if from > 0 {
                        if entry.needs_header {
                            feed_header(&mut *reader, input, &mut sink)?;
                        }
                        skip(&mut *src, from, input)?;
                    }
                    drive(
                        &mut *reader,
                        &mut *src,
                        from,
                        None,
                        false,
                        opts.chunk_bytes,
                        &mut sink,
                        input,
                    )?;
                }
            }
        }
    }
    sink.flush();
    if let Some(path) = renumber {
        let mut strict = match &mut sink.error {
            Some(SourceError::Strict(b)) => Some(&mut **b),
            _ => None,
        };
        number_lines(path, sink.report.bad.iter_mut().chain(strict.take()));
    }
    match sink.error.take() {
        Some(e) => Err(e),
        None => Ok(sink.report),
    }
}

/// Feeds `src` to `reader`, starting at `offset`. With `end`, stops after the line that
/// contains byte `end - 1`. With `eof`, the last read tells the reader the input is over;
/// without it (following a growing file) an unfinished last record stays unconsumed.
#[allow(clippy::too_many_arguments)]
fn drive(
    reader: &mut dyn FormatReader,
    src: &mut dyn Read,
    offset: u64,
    end: Option<u64>,
    eof: bool,
    chunk: usize,
    sink: &mut DriverSink<'_, '_>,
    input: &Input,
) -> Result<(), SourceError> {
    let chunk = chunk.max(4096);
    // `buf[..len]` holds unconsumed bytes; the vector only grows (zeroing new space once)
    // when an unfinished record plus a chunk no longer fits.
    let mut buf: Vec<u8> = vec![0; chunk];
    let mut len = 0;
    let mut buf_offset = offset;
    let mut done = false;
    loop {
        if !done {
            if buf.len() < len + chunk {
                buf.resize(len + chunk, 0);
            }
            let n = read_full(src, &mut buf[len..len + chunk]).map_err(|e| read_error(input, e))?;
            len += n;
            done = n < chunk;
            if let Some(end) = end {
                let abs_end = buf_offset + len as u64;
                if abs_end >= end {
                    // The range owns the line holding byte end-1: cut after its newline.
                    let from = end.saturating_sub(1).saturating_sub(buf_offset) as usize;
                    if let Some(i) = memchr::memchr(b'\n', buf.get(from..len).unwrap_or_default()) {
                        len = from + i + 1;
                        done = true;
                    }
                }
            }
        }
        let last = done && eof;
        let used = reader.feed(&buf[..len], buf_offset, last, sink).min(len);
        buf.copy_within(used..len, 0);
        len -= used;
        buf_offset += used as u64;
        sink.report.next_offset = buf_offset;
        if sink.error.is_some() {
            return Ok(());
        }
        if done && (last || used == 0 || len == 0) {
            break;
        }
    }
    // When following a growing input this sends the rows read so far; the next call starts
    // a fresh reader at `next_offset`.
    reader.finish(sink);
    Ok(())
}

fn read_error(input: &Input, e: std::io::Error) -> SourceError {
    if input.compression == Compression::None {
        SourceError::io(input.name.to_string(), e)
    } else {
        SourceError::Decompress {
            path: input.name.to_string().into(),
            source: e,
        }
    }
}

/// Fills in the line numbers of bad records that have none, from their byte offsets: a read
/// of a byte range from the middle of a file counts its lines from an unknown start. One
/// pass over the file up to the last such record, counting newlines, and only when there
/// are bad records, so a clean split read pays nothing. On a read error the records keep
/// their byte offsets.
fn number_lines<'a>(path: &std::path::Path, bad: impl Iterator<Item = &'a mut BadRecord>) {
    let mut todo: Vec<&mut BadRecord> = bad.filter(|b| b.location.line.is_none()).collect();
    if todo.is_empty() {
        return;
    }
    todo.sort_by_key(|b| b.location.offset);
    let Ok(mut f) = std::fs::File::open(path) else {
        return;
    };
    let mut buf = vec![0u8; 256 * 1024];
    // Newlines in the file before `at`, the offset of `buf[0]`.
    let (mut at, mut lines) = (0u64, 0u64);
    let mut todo = todo.into_iter().peekable();
    while todo.peek().is_some() {
        let n = match f.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let chunk = buf.get(..n).unwrap_or_default();
        let (mut pos, mut seen) = (0usize, lines);
        while let Some(b) = todo.next_if(|b| b.location.offset <= at + n as u64) {
            let within = (b.location.offset.saturating_sub(at) as usize).clamp(pos, n);
            seen += memchr::memchr_iter(b'\n', chunk.get(pos..within).unwrap_or_default()).count()
                as u64;
            pos = within;
            b.location.line = Some(seen + 1);
        }
        lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        at += n as u64;
    }
}

/// The first line start at or after `pos`: `pos` itself if it is 0 or follows a newline,
/// else just after the next newline (or the end of the file).
fn line_start_at(f: &mut std::fs::File, pos: u64) -> std::io::Result<u64> {
    if pos == 0 {
        return Ok(0);
    }
    f.seek(SeekFrom::Start(pos - 1))?;
    let mut at = pos - 1;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(at);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
}

/// Feeds the input's first line (a CSV header) to a reader that resumes mid-file.
fn feed_header(
    reader: &mut dyn FormatReader,
    input: &Input,
    sink: &mut DriverSink<'_, '_>,
) -> Result<(), SourceError> {
    let mut src = input.open()?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while head.len() < 1 << 20 {
        match src.read(&mut byte).map_err(|e| read_error(input, e))? {
            0 => break,
            _ => {
                head.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
        }
    }
    reader.feed(&head, 0, false, sink);
    Ok(())
}

/// Reads and discards `n` bytes (decompressed streams cannot seek).
fn skip(src: &mut dyn Read, n: u64, input: &Input) -> Result<(), SourceError> {
    let copied =
        std::io::copy(&mut src.take(n), &mut std::io::sink()).map_err(|e| read_error(input, e))?;
    if copied < n {
        return Err(SourceError::io(
            input.name.to_string(),
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the input is shorter than the resume offset",
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
