//! Microsoft Defender XDR and Sentinel exports: advanced-hunting rows as NDJSON or JSON
//! arrays, the streaming API (Event Hub messages and storage blobs), Sentinel / Log
//! Analytics data export, and the portal's CSV export. They carry the tables' own columns,
//! so they decode straight into Arrow builders without a mapping.

mod csv;
mod decode;
mod document;
mod keys;
mod ndjson;
pub mod route;
mod sniff;
mod tables;

pub use csv::CsvReader;
pub use decode::{JsonDecoder, Outcome};
pub use document::JsonDocumentReader;
pub use ndjson::NdjsonReader;
pub use sniff::{classify_csv, classify_json};

use super::{FormatEntry, ReaderContext, SniffInput};
use crate::error::SourceError;
use crate::format::FormatReader;

/// Advanced-hunting rows, one JSON object per line.
pub const FORMAT_NDJSON: &str = "defender-ndjson";
/// Streaming API to storage: one `{time, tenantId, category, properties}` record per line.
pub const FORMAT_STORAGE: &str = "defender-storage";
/// Streaming API to Event Hub: one `{"records":[…]}` message per line.
pub const FORMAT_EVENTHUB: &str = "defender-eventhub";
/// Sentinel / Log Analytics data export: flat rows with `Type`, one per line.
pub const FORMAT_SENTINEL: &str = "sentinel-export";
/// JSON arrays and pretty-printed JSON documents of any of the above.
pub const FORMAT_JSON: &str = "defender-json";
/// The advanced-hunting portal's CSV export.
pub const FORMAT_CSV: &str = "defender-csv";

fn sniff_as(input: &SniffInput<'_>, format: &str) -> Option<u8> {
    classify_json(input).and_then(|(f, c)| (f == format).then_some(c))
}

macro_rules! ndjson_entry {
    ($name:expr, $sniff:ident, $open:ident) => {
        fn $sniff(input: &SniffInput<'_>) -> Option<u8> {
            sniff_as(input, $name)
        }
        fn $open(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
            Ok(Box::new(NdjsonReader::new($name, ctx)))
        }
    };
}

ndjson_entry!(FORMAT_NDJSON, sniff_ndjson, open_ndjson);
ndjson_entry!(FORMAT_STORAGE, sniff_storage, open_storage);
ndjson_entry!(FORMAT_EVENTHUB, sniff_eventhub, open_eventhub);
ndjson_entry!(FORMAT_SENTINEL, sniff_sentinel, open_sentinel);

fn sniff_document(input: &SniffInput<'_>) -> Option<u8> {
    sniff_as(input, FORMAT_JSON)
}

fn open_document(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(JsonDocumentReader::new(ctx)))
}

fn open_csv(ctx: &ReaderContext) -> Result<Box<dyn FormatReader>, SourceError> {
    Ok(Box::new(CsvReader::new(ctx)))
}

/// Defender rows carry the table's own columns: every `string` cell is the record's value
/// as written (JSON-unescaped, or CSV-unquoted), except `Type`, which the table builder
/// fills. (`TimeGenerated` is derived from `Timestamp`, but it is a datetime.)
fn verbatim(table: &table_schemas::TableSchema, column: &str) -> bool {
    column != "Type"
        && table
            .column(column)
            .is_some_and(|c| c.ty == table_schemas::ScalarType::String)
}

/// The Defender entries of the format registry.
pub(crate) const ENTRIES: [FormatEntry; 6] = [
    FormatEntry {
        name: FORMAT_STORAGE,
        sniff: sniff_storage,
        open: open_storage,
        tables: &[],
        splittable: true,
        needs_header: false,
        lineage: false,
        verbatim: Some(verbatim),
    },
    FormatEntry {
        name: FORMAT_EVENTHUB,
        sniff: sniff_eventhub,
        open: open_eventhub,
        tables: &[],
        splittable: true,
        needs_header: false,
        lineage: false,
        verbatim: Some(verbatim),
    },
    FormatEntry {
        name: FORMAT_SENTINEL,
        sniff: sniff_sentinel,
        open: open_sentinel,
        tables: &[],
        splittable: true,
        needs_header: false,
        lineage: false,
        verbatim: Some(verbatim),
    },
    FormatEntry {
        name: FORMAT_NDJSON,
        sniff: sniff_ndjson,
        open: open_ndjson,
        tables: &[],
        splittable: true,
        needs_header: false,
        lineage: false,
        verbatim: Some(verbatim),
    },
    FormatEntry {
        name: FORMAT_JSON,
        sniff: sniff_document,
        open: open_document,
        tables: &[],
        splittable: false,
        needs_header: false,
        lineage: false,
        verbatim: Some(verbatim),
    },
    FormatEntry {
        name: FORMAT_CSV,
        sniff: classify_csv,
        open: open_csv,
        tables: &[],
        splittable: false,
        needs_header: true,
        lineage: false,
        verbatim: Some(verbatim),
    },
];

#[cfg(test)]
mod tests;
