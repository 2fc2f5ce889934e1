//! The read driver over real files: discovery, decompression, bad input, strict mode,
//! byte ranges and resuming. Expected values are written from the fixtures' READMEs.

use super::*;
use crate::record::BadReason;
use arrow::array::{Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/logs/defender")
}

type Batches = Vec<(&'static str, RecordBatch)>;

/// Reads everything, returning the batches per table in order.
fn read_all(inputs: &Inputs, plan: &ReadPlan) -> Result<(ReadReport, Batches), SourceError> {
    let mut batches = Vec::new();
    let report = inputs.read_all(plan, &mut |t, b| {
        batches.push((t, b));
        Ok(())
    })?;
    Ok((report, batches))
}

fn strings(batches: &[(&'static str, RecordBatch)], table: &str, col: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, b) in batches.iter().filter(|(t, _)| *t == table) {
        let a = b.column_by_name(col).unwrap();
        let a = a.as_any().downcast_ref::<StringArray>().unwrap();
        out.extend(a.iter().map(|v| v.unwrap_or("<null>").to_string()));
    }
    out
}

fn longs(batches: &[(&'static str, RecordBatch)], table: &str, col: &str) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    for (_, b) in batches.iter().filter(|(t, _)| *t == table) {
        let a = b.column_by_name(col).unwrap();
        out.extend(a.as_any().downcast_ref::<Int64Array>().unwrap().iter());
    }
    out
}

#[test]
fn discovery_lists_format_and_tables_per_file() {
    let inputs = Inputs::discover(&[fixtures()], &ReadOptions::default()).unwrap();
    let got: Vec<(String, Option<&str>, Vec<&str>)> = inputs
        .inputs
        .iter()
        .map(|i| {
            let name = Path::new(&*i.name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            (name, i.format(), i.tables.clone())
        })
        .collect();
    let dpe = "DeviceProcessEvents";
    let dne = "DeviceNetworkEvents";
    let want: Vec<(String, Option<&str>, Vec<&str>)> = vec![
        ("README.md".into(), None, vec![]),
        (
            "advanced-hunting-api.json".into(),
            Some("defender-json"),
            vec![dne, dpe],
        ),
        (
            "advanced-hunting-api.ndjson".into(),
            Some("defender-ndjson"),
            vec![dne, dpe],
        ),
        (
            "bad-input.ndjson".into(),
            Some("defender-ndjson"),
            vec![dpe],
        ),
        ("docker-exec.csv".into(), Some("defender-csv"), vec![dpe]),
        (
            "docker-exec.eventhub.json".into(),
            Some("defender-eventhub"),
            vec![dpe],
        ),
        (
            "docker-exec.ndjson".into(),
            Some("defender-ndjson"),
            vec![dpe],
        ),
        ("make-bad-input.py".into(), None, vec![]),
        (
            "portal-projected.csv".into(),
            Some("defender-csv"),
            vec![dpe],
        ),
        (
            "portal-union.csv".into(),
            Some("defender-csv"),
            vec!["DeviceEvents", dne, dpe],
        ),
        (
            "sentinel-export.PT05M.json".into(),
            Some("sentinel-export"),
            vec![dpe],
        ),
        (
            "streaming-eventhub-pretty.json".into(),
            Some("defender-json"),
            vec![dne, dpe],
        ),
        (
            "streaming-eventhub.json".into(),
            Some("defender-eventhub"),
            vec![dne, dpe],
        ),
        (
            "streaming-storage.PT1H.json".into(),
            Some("defender-storage"),
            vec![dpe],
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn compressed_inputs_read_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(fixtures().join("streaming-eventhub.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    // Names say nothing: the content decides.
    std::fs::write(dir.path().join("a.bin"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("b.bin"),
        zstd::encode_all(&plain[..], 3).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("c.bin"), &plain).unwrap();
    let inputs = Inputs::discover(&[dir.path()], &ReadOptions::default()).unwrap();
    let kinds: Vec<_> = inputs
        .inputs
        .iter()
        .map(|i| (i.compression, i.format()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (Compression::Gzip, Some("defender-eventhub")),
            (Compression::Zstd, Some("defender-eventhub")),
            (Compression::None, Some("defender-eventhub")),
        ]
    );
    let (report, batches) = read_all(&inputs, &ReadPlan::all(ReadOptions::default())).unwrap();
    assert_eq!(
        strings(&batches, "DeviceProcessEvents", "FileName"),
        vec!["curl"; 3]
    );
    for f in &report.files {
        assert_eq!(f.rows.get("DeviceProcessEvents"), Some(&1));
        assert_eq!(f.rows.get("DeviceNetworkEvents"), Some(&1));
        assert_eq!(f.skipped_by_design(), 1);
        assert_eq!(f.errors(), 0);
    }
}

fn bad_input_options(chunk: usize) -> ReadOptions {
    ReadOptions {
        max_record_bytes: 1_572_864,
        chunk_bytes: chunk,
        ..ReadOptions::default()
    }
}

#[test]
fn bad_input_reads_every_good_row_and_reports_every_bad_line() {
    let path = fixtures().join("bad-input.ndjson");
    // A large chunk, and chunks much smaller than the long lines.
    for chunk in [8 << 20, 4096] {
        let inputs = Inputs::discover(&[&path], &bad_input_options(chunk)).unwrap();
        let plan = ReadPlan::all(bad_input_options(chunk));
        let (report, batches) = read_all(&inputs, &plan).unwrap();
        let dpe = "DeviceProcessEvents";
        assert_eq!(
            strings(&batches, dpe, "FileName"),
            vec!["a", "wrongtype", "caf\u{FFFD}.exe", "big", "b", "c"],
            "chunk {chunk}"
        );
        assert_eq!(
            longs(&batches, dpe, "ProcessId"),
            vec![Some(1), None, Some(1), Some(1), Some(1), Some(1)]
        );
        let cmd = strings(&batches, dpe, "ProcessCommandLine");
        assert_eq!(cmd[3].len(), 1_000_000);
        assert!(cmd[3].bytes().all(|c| c == b'x'));
        let f = &report.files[0];
        assert_eq!(f.rows.get(dpe), Some(&6));
        let bad: Vec<(Option<u64>, &BadReason)> =
            f.bad.iter().map(|b| (b.location.line, &b.reason)).collect();
        assert_eq!(bad.len(), 6, "{bad:?}");
        assert_eq!(bad[0].0, Some(2));
        assert!(matches!(bad[0].1, BadReason::Malformed(_)), "{:?}", bad[0]);
        assert_eq!(bad[1].0, Some(4));
        assert!(matches!(bad[1].1, BadReason::Malformed(_)), "{:?}", bad[1]);
        assert_eq!(
            bad[2],
            (
                Some(5),
                &BadReason::WrongType {
                    column: "ProcessId".into(),
                    expected: "long",
                    found: "abc".into()
                }
            )
        );
        assert_eq!(bad[3], (Some(6), &BadReason::InvalidUtf8));
        assert_eq!(
            bad[4],
            (
                Some(9),
                &BadReason::Oversized {
                    len: 2_000_144,
                    limit: 1_572_864
                }
            )
        );
        assert_eq!(bad[5].0, Some(11));
        assert!(matches!(bad[5].1, BadReason::Unsupported(_)));
        assert_eq!(f.errors(), 5);
        assert_eq!(f.skipped_by_design(), 1);
    }
}

#[test]
fn strict_mode_stops_at_the_first_bad_line() {
    let path = fixtures().join("bad-input.ndjson");
    let opts = ReadOptions {
        strict: true,
        ..bad_input_options(1 << 20)
    };
    let inputs = Inputs::discover(&[&path], &opts).unwrap();
    match read_all(&inputs, &ReadPlan::all(opts)) {
        Err(SourceError::Strict(bad)) => {
            assert_eq!(bad.location.line, Some(2));
            assert!(matches!(bad.reason, BadReason::Malformed(_)));
        }
        other => panic!("expected a strict error, got {:?}", other.map(|r| r.0)),
    }
}

#[test]
fn skips_by_design_do_not_fail_strict_mode() {
    let opts = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let inputs = Inputs::discover(&[fixtures().join("streaming-eventhub.json")], &opts).unwrap();
    let (report, _) = read_all(&inputs, &ReadPlan::all(opts)).unwrap();
    assert_eq!(report.files[0].skipped_by_design(), 1);
}

/// Writes `n` advanced-hunting rows with FileName "f<i>" and ProcessId i.
fn rows(range: std::ops::Range<usize>) -> String {
    range
        .map(|i| {
            format!(
                "{{\"Timestamp\":\"2025-03-04T10:00:00Z\",\"DeviceName\":\"n\",\"ActionType\":\"ProcessCreated\",\"FileName\":\"f{i}\",\"ProcessId\":{i}}}\n"
            )
        })
        .collect()
}

#[test]
fn byte_ranges_split_at_line_starts_cover_every_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.ndjson");
    std::fs::write(&path, rows(0..1000)).unwrap();
    let len = std::fs::metadata(&path).unwrap().len();
    let inputs = Inputs::discover(&[&path], &ReadOptions::default()).unwrap();
    let input = &inputs.inputs[0];
    assert!(input.splittable());
    let plan = ReadPlan::all(ReadOptions::default());
    // Cut points in the middle of lines, on a line start, and past a line end.
    let cuts = [0, 1, 4567, 4568, 10_000, 33_333, len - 1, len];
    let mut ids = Vec::new();
    for w in cuts.windows(2) {
        let mut batches = Vec::new();
        let report = read_input(input, &plan, Some(w[0]..w[1]), &mut |t, b| {
            batches.push((t, b));
            Ok(())
        })
        .unwrap();
        assert_eq!(report.errors(), 0);
        ids.extend(longs(&batches, "DeviceProcessEvents", "ProcessId"));
    }
    let want: Vec<Option<i64>> = (0..1000).map(Some).collect();
    assert_eq!(ids, want);
}

/// Rows 0..700 (lines 1..=700), a truncated record (line 701), rows 700..900, a row whose
/// ProcessId is `"abc"` (line 902), rows 900..1000.
fn rows_with_two_bad_lines(dir: &Path) -> PathBuf {
    let path = dir.join("rows.ndjson");
    let broken = "{\"Timestamp\":\"2025-03-04T10:00:00Z\",\"FileName\":\"trunc\n";
    let wrong =
        "{\"Timestamp\":\"2025-03-04T10:00:00Z\",\"DeviceName\":\"n\",\"ProcessId\":\"abc\"}\n";
    let text = format!(
        "{}{broken}{}{wrong}{}",
        rows(0..700),
        rows(700..900),
        rows(900..1000)
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A bad record found by a byte range that starts mid-file still gets its line number:
/// rows 0..700 are lines 1..=700, the broken record is line 701, rows 700..1000 follow.
#[test]
fn bad_records_of_a_later_byte_range_keep_their_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = rows_with_two_bad_lines(dir.path());
    let len = std::fs::metadata(&path).unwrap().len();
    let inputs = Inputs::discover(&[&path], &ReadOptions::default()).unwrap();
    let plan = ReadPlan::all(ReadOptions::default());
    let report = read_input(&inputs.inputs[0], &plan, Some(len / 3..len), &mut |_, _| {
        Ok(())
    })
    .unwrap();
    let lines: Vec<Option<u64>> = report.bad.iter().map(|b| b.location.line).collect();
    // The truncated record is line 701; the wrong type, after 200 more rows, line 902.
    assert_eq!(lines, vec![Some(701), Some(902)], "{:?}", report.bad);
    // Under --strict the error names the line too.
    let strict = ReadPlan::all(ReadOptions {
        strict: true,
        ..ReadOptions::default()
    });
    match read_input(
        &inputs.inputs[0],
        &strict,
        Some(len / 3..len),
        &mut |_, _| Ok(()),
    ) {
        Err(SourceError::Strict(b)) => assert_eq!(b.location.line, Some(701)),
        other => panic!("{other:?}"),
    }
}

/// Reading a large file in parallel byte ranges reports what one sequential read reports:
/// the same rows, and the bad records in file order with their line numbers (the truncated
/// record is line 701; the wrong type, a row kept with its cell empty, line 902).
#[test]
fn a_parallel_read_reports_what_a_sequential_read_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = rows_with_two_bad_lines(dir.path());
    let opts = ReadOptions {
        split_bytes: 8 * 1024,
        ..ReadOptions::default()
    };
    let inputs = Inputs::discover(&[&path], &opts).unwrap();
    let plan = ReadPlan::all(opts);
    let rows_seen = std::sync::atomic::AtomicU64::new(0);
    let parallel = inputs
        .read_all_parallel(&plan, 4, &|_, b| {
            rows_seen.fetch_add(b.num_rows() as u64, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    let (sequential, _) = read_all(&inputs, &plan).unwrap();
    assert_eq!(parallel, sequential);
    let f = &parallel.files[0];
    assert_eq!(f.rows.get("DeviceProcessEvents"), Some(&1001));
    assert_eq!(rows_seen.into_inner(), 1001);
    let lines: Vec<Option<u64>> = f.bad.iter().map(|b| b.location.line).collect();
    assert_eq!(lines, vec![Some(701), Some(902)]);
}

#[test]
fn resuming_from_the_returned_offset_reads_appended_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.ndjson");
    let first = rows(0..3);
    let second = rows(3..6);
    // The file ends in the middle of row 3.
    let cut = 40;
    std::fs::write(&path, format!("{first}{}", &second[..cut])).unwrap();
    let inputs = Inputs::discover(&[&path], &ReadOptions::default()).unwrap();
    let plan = ReadPlan::all(ReadOptions::default());
    let mut ids = Vec::new();
    let mut collect = |_: &'static str, b: RecordBatch| {
        let a = b.column_by_name("ProcessId").unwrap();
        ids.extend(a.as_any().downcast_ref::<Int64Array>().unwrap().iter());
        Ok(())
    };
    let r1 = resume_input(&inputs.inputs[0], &plan, 0, &mut collect).unwrap();
    assert_eq!(r1.next_offset, first.len() as u64);
    assert_eq!(r1.errors(), 0);
    // Append the rest of row 3 and two more rows, then resume.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&second.as_bytes()[cut..]).unwrap();
    drop(f);
    let r2 = resume_input(&inputs.inputs[0], &plan, r1.next_offset, &mut collect).unwrap();
    assert_eq!(r2.next_offset, (first.len() + second.len()) as u64);
    assert_eq!(r2.errors(), 0);
    // Nothing new: nothing read, same offset.
    let r3 = resume_input(&inputs.inputs[0], &plan, r2.next_offset, &mut collect).unwrap();
    assert_eq!(r3.next_offset, r2.next_offset);
    assert_eq!(ids, (0..6).map(Some).collect::<Vec<_>>());
}

#[test]
fn resuming_a_csv_export_rereads_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let header = "Timestamp,DeviceName,ActionType,FileName,ProcessId\n";
    let row = |i: usize| format!("2025-03-04T10:00:00Z,n,ProcessCreated,f{i},{i}\n");
    std::fs::write(&path, format!("{header}{}", row(1))).unwrap();
    let inputs = Inputs::discover(&[&path], &ReadOptions::default()).unwrap();
    let plan = ReadPlan::all(ReadOptions::default());
    let mut names = Vec::new();
    let mut collect = |_: &'static str, b: RecordBatch| {
        let a = b.column_by_name("FileName").unwrap();
        let a = a.as_any().downcast_ref::<StringArray>().unwrap();
        names.extend(a.iter().map(|v| v.unwrap_or_default().to_string()));
        Ok(())
    };
    let r1 = resume_input(&inputs.inputs[0], &plan, 0, &mut collect).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(row(2).as_bytes()).unwrap();
    drop(f);
    resume_input(&inputs.inputs[0], &plan, r1.next_offset, &mut collect).unwrap();
    assert_eq!(names, vec!["f1", "f2"]);
}

#[test]
fn the_consumer_can_stop_a_read() {
    let inputs = Inputs::discover(
        &[fixtures().join("streaming-eventhub.json")],
        &ReadOptions::default(),
    )
    .unwrap();
    let r = inputs.read_all(&ReadPlan::all(ReadOptions::default()), &mut |_, _| {
        Err(SourceError::Cancelled)
    });
    assert!(matches!(r, Err(SourceError::Cancelled)));
}

#[test]
fn a_corrupt_compressed_file_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixtures().join("docker-exec.ndjson")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&good.repeat(2000)).unwrap();
    let mut gz = gz.finish().unwrap();
    // Keep the header and the start, then garbage: decompression fails part-way.
    gz.truncate(gz.len() / 2);
    gz.extend_from_slice(&[0xff; 64]);
    std::fs::write(dir.path().join("a-broken.ndjson.gz"), &gz).unwrap();
    // A gzip header and nothing that decompresses.
    std::fs::write(
        dir.path().join("b-garbage.gz"),
        [0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff],
    )
    .unwrap();
    std::fs::write(dir.path().join("c-good.ndjson"), &good).unwrap();
    let opts = ReadOptions::default();
    let inputs = Inputs::discover(&[dir.path()], &opts).unwrap();
    assert_eq!(inputs.inputs[0].format(), Some("defender-ndjson"));
    assert_eq!(inputs.inputs[1].format(), None);
    let (report, batches) = read_all(&inputs, &ReadPlan::all(opts)).unwrap();
    let kinds: Vec<Vec<&str>> = report
        .files
        .iter()
        .map(|f| f.bad.iter().map(|b| b.reason.kind()).collect())
        .collect();
    assert_eq!(kinds, vec![vec!["malformed"], vec!["unrecognized"], vec![]]);
    assert!(
        report.files[0].bad[0]
            .to_string()
            .contains("input abandoned")
    );
    assert!(
        report.files[1].bad[0]
            .to_string()
            .contains("cannot decompress")
    );
    assert_eq!(report.files[2].rows.get("DeviceProcessEvents"), Some(&1));
    assert!(
        strings(&batches, "DeviceProcessEvents", "FileName")
            .iter()
            .all(|f| f == "docker")
    );
    // Under --strict the broken file stops the run.
    let strict = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let inputs = Inputs::discover(&[dir.path()], &strict).unwrap();
    assert!(read_all(&inputs, &ReadPlan::all(strict)).is_err());
}
