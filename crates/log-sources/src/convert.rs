//! `convert`: telemetry to Parquet, one folder per table.
//!
//! Reading a large NDJSON export costs a JSON scan per query; its Parquet conversion is
//! read by column with min/max statistics, so later queries touch only the columns and row
//! groups they need. The output is `OUT/<Table>/part-NNNNN.parquet` (the first free
//! number, so converting more inputs into the same folder adds files), zstd-compressed,
//! with page and row-group statistics and the table name in the file metadata, which is
//! how kqlhunt reads it back. Batches are written as they arrive; memory is bounded by one
//! row group per table being written.

use crate::error::SourceError;
use crate::inputs::Inputs;
use crate::parquet_in::TABLE_KEY;
use crate::read::ReadPlan;
use crate::report::ReadReport;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// One Parquet file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Its table.
    pub table: &'static str,
    /// Its path.
    pub path: PathBuf,
    /// Rows in it.
    pub rows: u64,
}

/// What `convert` did.
#[derive(Debug, Clone, Default)]
pub struct ConvertReport {
    /// What was read.
    pub read: ReadReport,
    /// The files written, by table name.
    pub written: Vec<Written>,
}

struct Open {
    writer: ArrowWriter<File>,
    path: PathBuf,
    rows: u64,
}

/// Converts every input into Parquet under `out` (created if missing).
pub fn convert(inputs: &Inputs, plan: &ReadPlan, out: &Path) -> Result<ConvertReport, SourceError> {
    std::fs::create_dir_all(out).map_err(|e| SourceError::io(out, e))?;
    let mut open: BTreeMap<&'static str, Open> = BTreeMap::new();
    let read = inputs.read_all(plan, &mut |table, batch| {
        write(&mut open, out, table, &batch)
    })?;
    let mut written = Vec::new();
    for (table, o) in open {
        o.writer.close().map_err(|e| SourceError::Parquet {
            path: o.path.clone(),
            source: e,
        })?;
        written.push(Written {
            table,
            path: o.path,
            rows: o.rows,
        });
    }
    Ok(ConvertReport { read, written })
}

fn write(
    open: &mut BTreeMap<&'static str, Open>,
    out: &Path,
    table: &'static str,
    batch: &RecordBatch,
) -> Result<(), SourceError> {
    if batch.num_rows() == 0 {
        return Ok(());
    }
    if !open.contains_key(table) {
        let dir = out.join(table);
        std::fs::create_dir_all(&dir).map_err(|e| SourceError::io(&dir, e))?;
        let path = free_part(&dir);
        let file = File::create(&path).map_err(|e| SourceError::io(&path, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                TABLE_KEY.to_string(),
                table.to_string(),
            )]))
            .build();
        let writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(|e| {
            SourceError::Parquet {
                path: path.clone(),
                source: e,
            }
        })?;
        open.insert(
            table,
            Open {
                writer,
                path,
                rows: 0,
            },
        );
    }
    let Some(o) = open.get_mut(table) else {
        return Ok(());
    };
    o.writer.write(batch).map_err(|e| SourceError::Parquet {
        path: o.path.clone(),
        source: e,
    })?;
    o.rows += batch.num_rows() as u64;
    Ok(())
}

/// `dir/part-NNNNN.parquet` with the first number not taken.
fn free_part(dir: &Path) -> PathBuf {
    let mut n = 0u32;
    loop {
        let p = dir.join(format!("part-{n:05}.parquet"));
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ReadOptions;
    use arrow::array::{Array, Int64Array, StringArray, TimestampNanosecondArray};
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/logs/defender")
            .join(name)
    }

    #[test]
    fn converted_tables_read_back_identically() {
        let out = tempfile::tempdir().unwrap();
        let opts = ReadOptions::default();
        let inputs = Inputs::discover(
            &[
                fixture("streaming-eventhub.json"),
                fixture("docker-exec.csv"),
            ],
            &opts,
        )
        .unwrap();
        let report = convert(&inputs, &ReadPlan::all(opts.clone()), out.path()).unwrap();
        let written: Vec<(&str, String, u64)> = report
            .written
            .iter()
            .map(|w| {
                (
                    w.table,
                    w.path
                        .strip_prefix(out.path())
                        .unwrap()
                        .display()
                        .to_string(),
                    w.rows,
                )
            })
            .collect();
        assert_eq!(
            written,
            vec![
                (
                    "DeviceNetworkEvents",
                    "DeviceNetworkEvents/part-00000.parquet".into(),
                    1
                ),
                (
                    "DeviceProcessEvents",
                    "DeviceProcessEvents/part-00000.parquet".into(),
                    2
                ),
            ]
        );
        // zstd, statistics and the table name in the metadata.
        let dpe = out.path().join("DeviceProcessEvents/part-00000.parquet");
        let r = SerializedFileReader::new(File::open(&dpe).unwrap()).unwrap();
        let md = r.metadata();
        let kv = md.file_metadata().key_value_metadata().unwrap();
        assert!(
            kv.iter()
                .any(|k| k.key == TABLE_KEY && k.value.as_deref() == Some("DeviceProcessEvents"))
        );
        let col = md.row_group(0).column(0);
        assert_eq!(col.compression(), Compression::ZSTD(ZstdLevel::default()));
        assert!(col.statistics().is_some());

        // Read back through discovery: same rows, same types.
        let back = Inputs::discover(&[out.path()], &opts).unwrap();
        let formats: Vec<_> = back
            .inputs
            .iter()
            .map(|i| (i.format(), i.tables.clone()))
            .collect();
        assert_eq!(
            formats,
            vec![
                (Some("parquet"), vec!["DeviceNetworkEvents"]),
                (Some("parquet"), vec!["DeviceProcessEvents"]),
            ]
        );
        let t = table_schemas::builtin_table("DeviceProcessEvents").unwrap();
        let proj = vec![
            t.index_of("FileName").unwrap(),
            t.index_of("ProcessId").unwrap(),
            t.index_of("TimeGenerated").unwrap(),
            t.index_of("SHA256").unwrap(),
        ];
        let plan = ReadPlan {
            options: opts,
            tables: std::sync::Arc::new(crate::options::TableRequest::table(
                "DeviceProcessEvents",
                Some(proj),
            )),
            processes: None,
            prefilter: None,
            parquet_filter: None,
        };
        let mut batches = Vec::new();
        back.read_all(&plan, &mut |_, b| {
            batches.push(b);
            Ok(())
        })
        .unwrap();
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        let names = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!((names.value(0), names.value(1)), ("curl", "docker"));
        let pids = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!((pids.value(0), pids.value(1)), (48211, 48305));
        let tg = b
            .column(2)
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        assert_eq!(
            tg.value(1),
            crate::test_support::t_2025_03_04(10, 20, 11, 512_000_000)
        );
        let sha = b.column(3).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!((sha.null_count(), sha.value(0)), (0, ""));
    }

    #[test]
    fn a_second_conversion_adds_a_part() {
        let out = tempfile::tempdir().unwrap();
        let opts = ReadOptions::default();
        let inputs = Inputs::discover(&[fixture("docker-exec.ndjson")], &opts).unwrap();
        convert(&inputs, &ReadPlan::all(opts.clone()), out.path()).unwrap();
        let r = convert(&inputs, &ReadPlan::all(opts), out.path()).unwrap();
        assert_eq!(
            r.written[0].path,
            out.path().join("DeviceProcessEvents/part-00001.parquet")
        );
    }
}
