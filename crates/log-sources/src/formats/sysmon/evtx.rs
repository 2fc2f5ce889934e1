//! Windows Sysmon EVTX files (`Microsoft-Windows-Sysmon%4Operational.evtx`), through the
//! `evtx` crate.
//!
//! An EVTX file is a header block (4096 bytes) followed by independent 64 KiB chunks, each
//! holding its own string and template tables. The reader therefore streams chunk by chunk:
//! it consumes the header, then each whole chunk, leaving a partial chunk unconsumed until
//! more bytes arrive, and renders every record to XML for the shared parser and
//! [`Normalizer`]. Memory is one chunk. Unused (all-zero) chunk slots are skipped; a chunk
//! with a bad signature, and a record the crate cannot render, are reported as malformed.

use super::{Normalizer, Platform, xml};
use crate::error::SourceError;
use crate::format::{EventSink, FormatReader};
use crate::formats::{FormatEntry, ReaderContext, SniffInput};
use crate::mapping::MappingError;
use crate::process_table::SharedProcessTable;
use crate::record::{BadReason, BadRecord, Location};
use evtx::{EvtxChunkData, EvtxFileHeader, ParserSettings};
use std::sync::Arc;

/// Format name.
pub const FORMAT: &str = "sysmon-evtx";

/// The EVTX file signature.
const FILE_MAGIC: &[u8] = b"ElfFile\0";
/// The chunk signature.
const CHUNK_MAGIC: &[u8] = b"ElfChnk\0";
/// Chunk size, fixed by the format.
pub const CHUNK_SIZE: usize = 65_536;
/// Header block size when the header does not say otherwise.
const HEADER_BLOCK: usize = 4_096;

/// True when the input is an EVTX file.
pub fn sniff(head: &[u8]) -> bool {
    head.starts_with(FILE_MAGIC)
}

/// Registry confidence: the file signature. (Any channel's EVTX is read; only Sysmon's
/// events map to rows, the others are counted as unsupported.)
pub fn sniff_entry(input: &SniffInput<'_>) -> Option<u8> {
    sniff(input.head).then_some(100)
}

/// Opens a reader as the registry does, on the run's shared process table.
pub fn open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(EvtxReader::new(
        ctx.file.clone(),
        ctx.process_table.clone(),
    )?))
}

/// The registry entry. Not splittable: a process's parent must be read before it.
pub const ENTRY: FormatEntry = FormatEntry {
    name: FORMAT,
    sniff: sniff_entry,
    open,
    tables: &["DeviceProcessEvents", "DeviceNetworkEvents"],
    splittable: false,
    needs_header: false,
    lineage: true,
    verbatim: None,
};

/// Reads EVTX files.
pub struct EvtxReader {
    file: Arc<str>,
    normalizer: Normalizer,
    settings: Arc<ParserSettings>,
    /// Size of the header block, once read.
    header: Option<usize>,
    /// Chunks seen (for reports).
    chunks: u64,
}

impl std::fmt::Debug for EvtxReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvtxReader")
            .field("file", &self.file)
            .field("chunks", &self.chunks)
            .finish_non_exhaustive()
    }
}

impl EvtxReader {
    /// A reader for `file`, sharing the run's process table.
    pub fn new(file: Arc<str>, table: SharedProcessTable) -> Result<Self, MappingError> {
        Ok(Self {
            file,
            normalizer: Normalizer::new(Platform::Windows, table)?,
            settings: Arc::new(ParserSettings::new().indent(false)),
            header: None,
            chunks: 0,
        })
    }

    fn location(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            line: None,
            offset,
        }
    }

    fn bad(&self, offset: u64, message: String, sink: &mut dyn EventSink) {
        sink.bad(BadRecord {
            location: self.location(offset),
            reason: BadReason::Malformed(message),
        });
    }

    fn chunk(&mut self, data: &[u8], offset: u64, sink: &mut dyn EventSink) {
        self.chunks += 1;
        let number = self.chunks - 1;
        if !data.starts_with(CHUNK_MAGIC) {
            if data.iter().any(|&b| b != 0) {
                self.bad(offset, format!("EVTX chunk {number}: bad signature"), sink);
            }
            return;
        }
        let mut chunk = match EvtxChunkData::new(data.to_vec(), false) {
            Ok(c) => c,
            Err(e) => return self.bad(offset, format!("EVTX chunk {number}: {e}"), sink),
        };
        let mut parsed = match chunk.parse(self.settings.clone()) {
            Ok(p) => p,
            Err(e) => return self.bad(offset, format!("EVTX chunk {number}: {e}"), sink),
        };
        let location = self.location(offset);
        for record in parsed.iter() {
            let xml_text = match record.and_then(|r| r.into_xml()) {
                Ok(r) => r.data,
                Err(e) => {
                    sink.bad(BadRecord {
                        location: location.clone(),
                        reason: BadReason::Malformed(format!("EVTX chunk {number}: {e}")),
                    });
                    continue;
                }
            };
            match xml::parse_event(&xml_text) {
                Ok(ev) => self.normalizer.handle(ev, location.clone(), sink),
                Err(e) => sink.bad(BadRecord {
                    location: location.clone(),
                    reason: BadReason::Malformed(e),
                }),
            }
        }
    }
}

impl FormatReader for EvtxReader {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn feed(&mut self, chunk: &[u8], offset: u64, eof: bool, sink: &mut dyn EventSink) -> usize {
        let mut pos = 0;
        if self.header.is_none() {
            if chunk.len() < HEADER_BLOCK && !eof {
                return 0;
            }
            if !chunk.starts_with(FILE_MAGIC) {
                self.bad(
                    offset,
                    "not an EVTX file (no ElfFile signature)".into(),
                    sink,
                );
                return chunk.len();
            }
            let size = chunk
                .get(..HEADER_BLOCK.min(chunk.len()))
                .and_then(|h| EvtxFileHeader::from_bytes(h).ok())
                .map(|h| usize::from(h.header_block_size))
                .filter(|&s| s >= 128)
                .unwrap_or(HEADER_BLOCK);
            if chunk.len() < size && !eof {
                return 0;
            }
            self.header = Some(size);
            pos = size.min(chunk.len());
        }
        while let Some(data) = chunk.get(pos..pos + CHUNK_SIZE) {
            self.chunk(data, offset + pos as u64, sink);
            pos += CHUNK_SIZE;
        }
        if eof && pos < chunk.len() {
            let rest = chunk.get(pos..).unwrap_or_default();
            if rest.iter().any(|&b| b != 0) {
                self.bad(
                    offset + pos as u64,
                    format!(
                        "truncated EVTX chunk ({} of {CHUNK_SIZE} bytes)",
                        rest.len()
                    ),
                    sink,
                );
            }
            pos = chunk.len();
        }
        pos
    }
}
