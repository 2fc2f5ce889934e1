//! Parquet input: kqlhunt's own `convert` output and Log Analytics export jobs.
//!
//! Parquet is read by column, so it does not go through the byte-feeding
//! [`FormatReader`](crate::FormatReader) path: only the projected columns are decoded, and
//! each record batch is cast to the table's Arrow schema. One file holds one table, named
//! (in this order) by the file's `kqlhunt.table` metadata, `--table`, the path (the
//! `<Table>/part-….parquet` layout of `convert`), the first row's `Type` column (export
//! jobs), or by the file's columns matching one table's. Columns the file lacks are empty;
//! values that cannot be cast are reported per batch and left empty.

use crate::error::SourceError;
use crate::format::EventSink;
use crate::formats::defender::route::{self, Route};
use crate::options::ReadOptions;
use crate::read::ReadPlan;
use crate::record::{BadReason, BadRecord, Location};
use arrow::array::{Array, ArrayRef, StringArray, new_null_array};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::DataType;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use table_schemas::{ScalarType, TableSchema, builtin_tables};

/// Format name in reports.
pub const FORMAT: &str = "parquet";

/// File metadata key naming the table (written by `convert`).
pub const TABLE_KEY: &str = "kqlhunt.table";

/// True when the bytes start with Parquet's magic.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

fn perr(path: &Path, e: parquet::errors::ParquetError) -> SourceError {
    SourceError::Parquet {
        path: path.to_path_buf(),
        source: e,
    }
}

fn builder(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, SourceError> {
    let f = File::open(path).map_err(|e| SourceError::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| perr(path, e))
}

/// The table a Parquet file holds.
fn route_file(path: &Path, options: &ReadOptions) -> Result<Route, SourceError> {
    let b = builder(path)?;
    let kv = b.metadata().file_metadata().key_value_metadata();
    if let Some(t) = kv
        .and_then(|kv| kv.iter().find(|k| k.key == TABLE_KEY))
        .and_then(|k| k.value.as_deref())
    {
        return Ok(route::by_name(t));
    }
    if let Some(t) = &options.table_hint {
        return Ok(route::by_name(t));
    }
    if let Some(t) = route::path_hint(path) {
        return Ok(Route::Table(t));
    }
    let schema = b.schema().clone();
    if let Ok(i) = schema.index_of("Type") {
        let mask = ProjectionMask::roots(b.parquet_schema(), [i]);
        let mut r = b
            .with_projection(mask)
            .with_batch_size(1)
            .build()
            .map_err(|e| perr(path, e))?;
        if let Some(Ok(batch)) = r.next()
            && let Some(col) = batch.columns().first()
            && let Ok(col) = cast_with_options(col, &DataType::Utf8, &CastOptions::default())
            && let Some(s) = col.as_any().downcast_ref::<StringArray>()
            && s.len() > 0
            && s.is_valid(0)
        {
            return Ok(route::by_name(s.value(0)));
        }
    }
    // By columns: the one table that has at least 80% of the file's columns.
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let need = (names.len() * 4).div_ceil(5).max(1);
    let mut best: Vec<&'static TableSchema> = Vec::new();
    let mut best_n = 0;
    for t in builtin_tables() {
        let n = names.iter().filter(|n| t.column(n).is_some()).count();
        if n >= need && n >= best_n {
            if n > best_n {
                best.clear();
                best_n = n;
            }
            best.push(t);
        }
    }
    Ok(match best.as_slice() {
        [t] => Route::Table(t),
        _ => Route::Unknown,
    })
}

/// The table of a Parquet file, as a list for [`crate::Input::tables`].
pub fn tables_of(path: &Path, options: &ReadOptions) -> Result<Vec<&'static str>, SourceError> {
    Ok(match route_file(path, options)? {
        Route::Table(t) => vec![t.name.as_str()],
        _ => Vec::new(),
    })
}

/// The number of row groups in a Parquet file (the units a scan can share out).
pub fn row_group_count(path: &Path) -> Result<usize, SourceError> {
    Ok(builder(path)?.metadata().num_row_groups())
}

/// Reads a Parquet file's rows into its table: all row groups, or those in `row_groups`.
/// With the plan's [`crate::parquet_filter::ParquetFilter`], row groups whose statistics
/// rule the filters out are skipped.
pub fn read(
    path: &Path,
    name: &Arc<str>,
    plan: &ReadPlan,
    row_groups: Option<std::ops::Range<usize>>,
    sink: &mut dyn EventSink,
) -> Result<(), SourceError> {
    let at = |offset: u64| Location {
        file: name.clone(),
        line: None,
        offset,
    };
    let table = match route_file(path, &plan.options)? {
        Route::Table(t) => t,
        Route::Unsupported(t) => {
            sink.bad(BadRecord {
                location: at(0),
                reason: BadReason::Unsupported(format!("table {t} has no kqlhunt schema")),
            });
            return Ok(());
        }
        Route::Unknown => {
            sink.bad(BadRecord {
                location: at(0),
                reason: BadReason::Unrecognized(
                    "cannot tell which table this Parquet file holds; name it with --table".into(),
                ),
            });
            return Ok(());
        }
    };
    if !plan.tables.wants(&table.name) {
        return Ok(());
    }
    let all: Vec<usize> = (0..table.columns.len()).collect();
    let proj = plan.tables.projection(&table.name).unwrap_or(&all).to_vec();
    let full = table.arrow_schema();
    let out_schema = Arc::new(full.project(&proj)?);
    let b = builder(path)?;
    let file_schema = b.schema().clone();
    // File columns to read: the projected ones it has, plus Timestamp to derive
    // TimeGenerated from when the file lacks it.
    let wanted: Vec<&str> = proj
        .iter()
        .filter_map(|&i| table.columns.get(i).map(|c| c.name.as_str()))
        .collect();
    let derive_tg =
        wanted.contains(&"TimeGenerated") && file_schema.index_of("TimeGenerated").is_err();
    let mut roots: Vec<usize> = wanted
        .iter()
        .chain(derive_tg.then_some(&"Timestamp"))
        .filter_map(|n| file_schema.index_of(n).ok())
        .collect();
    roots.sort_unstable();
    roots.dedup();
    let mask = ProjectionMask::roots(b.parquet_schema(), roots);
    let metadata = b.metadata().clone();
    let n = metadata.num_row_groups();
    let mut groups: Vec<usize> = match row_groups {
        Some(r) => (r.start.min(n)..r.end.min(n)).collect(),
        None => (0..n).collect(),
    };
    if let Some(f) = &plan.parquet_filter {
        groups = f.prune_row_groups(table, &file_schema, &metadata, groups);
    }
    let reader = b
        .with_projection(mask)
        .with_batch_size(plan.options.batch_size)
        .with_row_groups(groups)
        .build()
        .map_err(|e| perr(path, e))?;
    let mut row_offset = 0u64;
    for batch in reader {
        let batch = batch?;
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(proj.len());
        for (slot, &i) in proj.iter().enumerate() {
            let Some(col) = table.columns.get(i) else {
                continue;
            };
            let target = out_schema.field(slot).data_type();
            let source = batch.column_by_name(&col.name).or_else(|| {
                (col.name == "TimeGenerated" && derive_tg)
                    .then(|| batch.column_by_name("Timestamp"))
                    .flatten()
            });
            let arr = match source {
                None if col.name == "Type" => Arc::new(StringArray::from(vec![
                    table.name.as_str();
                    batch.num_rows()
                ])) as ArrayRef,
                None => empty_column(col.ty, target, batch.num_rows()),
                Some(a) => {
                    let (arr, problem) = match convert(a, col.ty, target) {
                        Ok(x) => x,
                        Err(e) => (empty_column(col.ty, target, batch.num_rows()), Some(e)),
                    };
                    if let Some(found) = problem {
                        sink.bad(BadRecord {
                            location: at(row_offset),
                            reason: BadReason::WrongType {
                                column: col.name.clone(),
                                expected: col.ty.as_str(),
                                found,
                            },
                        });
                    }
                    arr
                }
            };
            cols.push(arr);
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        let out = RecordBatch::try_new_with_options(out_schema.clone(), cols, &opts)?;
        row_offset += batch.num_rows() as u64;
        sink.batch(table.name.as_str(), out);
    }
    Ok(())
}

/// A column of `n` missing values: `""` for strings, null otherwise.
fn empty_column(ty: ScalarType, target: &DataType, n: usize) -> ArrayRef {
    match ty {
        ScalarType::String | ScalarType::Guid => Arc::new(StringArray::from(vec![""; n])),
        _ => new_null_array(target, n),
    }
}

/// Casts a file column to the table's type. Values that do not convert become empty and
/// are described in the second result; `Err` when the column cannot be cast at all.
fn convert(
    a: &ArrayRef,
    ty: ScalarType,
    target: &DataType,
) -> Result<(ArrayRef, Option<String>), String> {
    let source = if ty == ScalarType::Dynamic && !is_text(a.data_type()) {
        json_text(a)?
    } else {
        a.clone()
    };
    let safe = CastOptions {
        safe: true,
        ..CastOptions::default()
    };
    let out = cast_with_options(&source, target, &safe).map_err(|e| e.to_string())?;
    let lost = (out.null_count() > source.null_count()).then(|| {
        format!(
            "{} values of type {} did not convert",
            out.null_count() - source.null_count(),
            a.data_type()
        )
    });
    let out = match ty {
        // KQL strings are never null.
        ScalarType::String | ScalarType::Guid if out.null_count() > 0 => {
            let s = out
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or("not text")?;
            Arc::new(
                s.iter()
                    .map(|v| Some(v.unwrap_or("")))
                    .collect::<StringArray>(),
            )
        }
        _ => out,
    };
    Ok((out, lost))
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Nested values (structs, lists, maps) as JSON text, for `dynamic` columns.
fn json_text(a: &ArrayRef) -> Result<ArrayRef, String> {
    let field = arrow::datatypes::Field::new("v", a.data_type().clone(), true);
    let batch = RecordBatch::try_new(
        Arc::new(arrow::datatypes::Schema::new(vec![field])),
        vec![a.clone()],
    )
    .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    {
        let mut w = arrow::json::writer::LineDelimitedWriter::new(&mut buf);
        w.write(&batch).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    let mut values: Vec<Option<String>> = Vec::with_capacity(a.len());
    for line in buf.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
        let obj: serde_json::Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        values.push(obj.get("v").filter(|v| !v.is_null()).map(|v| v.to_string()));
    }
    if values.len() != a.len() {
        return Err("nested values could not be written as JSON".into());
    }
    Ok(Arc::new(StringArray::from(values)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Inputs;
    use crate::test_support::t_2025_03_04;
    use arrow::array::{Int32Array, Int64Array, TimestampNanosecondArray};
    use arrow::datatypes::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    /// A Parquet file shaped like a Log Analytics export job's: no kqlhunt metadata, the
    /// table named by `Type`, datetimes as ISO text, a narrower integer type, a column the
    /// table does not have, and columns missing.
    #[test]
    fn export_job_files_are_routed_by_type_and_cast() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export-0001.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("TimeGenerated", DataType::Utf8, true),
            Field::new("Type", DataType::Utf8, true),
            Field::new("FileName", DataType::Utf8, true),
            Field::new("ProcessId", DataType::Int32, true),
            Field::new("NotAColumn", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![
                    Some("2025-03-04T10:15:02.4412345Z"),
                    Some("not a time"),
                ])),
                Arc::new(StringArray::from(vec!["DeviceProcessEvents"; 2])),
                Arc::new(StringArray::from(vec![Some("curl"), None])),
                Arc::new(Int32Array::from(vec![Some(48211), None])),
                Arc::new(StringArray::from(vec!["x"; 2])),
            ],
        )
        .unwrap();
        let mut w = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let opts = ReadOptions::default();
        let inputs = Inputs::discover(&[&path], &opts).unwrap();
        assert_eq!(inputs.inputs[0].format(), Some(FORMAT));
        assert_eq!(inputs.inputs[0].tables, vec!["DeviceProcessEvents"]);
        let mut batches = Vec::new();
        let report = inputs
            .read_all(&ReadPlan::all(opts), &mut |t, b| {
                batches.push((t, b));
                Ok(())
            })
            .unwrap();
        let (table, b) = &batches[0];
        assert_eq!(*table, "DeviceProcessEvents");
        let tg = b.column_by_name("TimeGenerated").unwrap();
        let tg = tg
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        assert_eq!(tg.value(0), t_2025_03_04(10, 15, 2, 441_234_500));
        assert!(tg.is_null(1));
        let name = b.column_by_name("FileName").unwrap();
        let name = name.as_any().downcast_ref::<StringArray>().unwrap();
        // A null string is "" in KQL.
        assert_eq!(
            (name.value(0), name.is_null(1), name.value(1)),
            ("curl", false, "")
        );
        let pid = b.column_by_name("ProcessId").unwrap();
        let pid = pid.as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!((pid.value(0), pid.is_null(1)), (48211, true));
        // Absent from the file: strings "", others null.
        let dev = b.column_by_name("DeviceName").unwrap();
        assert_eq!(
            dev.as_any().downcast_ref::<StringArray>().unwrap().value(0),
            ""
        );
        assert!(b.column_by_name("ReportId").unwrap().is_null(0));
        // The unparsable time is reported once for the batch.
        let bad = &report.files[0].bad;
        assert_eq!(bad.len(), 1);
        assert!(
            matches!(&bad[0].reason, BadReason::WrongType { column, .. } if column == "TimeGenerated")
        );
    }
}
