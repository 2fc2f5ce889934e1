//! Defender and Sentinel readers over the fixtures in `testdata/logs/defender/` (see its
//! README for where each comes from). Expected values are copied by hand from the samples
//! in the telemetry-format notes (S1–S7) and the fixture text, field by field.

use super::*;
use crate::options::{ReadOptions, TableRequest};
use crate::prefilter::Prefilter;
use crate::record::BadReason;
use crate::test_support::{Collect, feed_all, feed_in_chunks, t_2025_03_04};
use std::path::PathBuf;
use std::sync::Arc;

const DPE: &str = "DeviceProcessEvents";
const DNE: &str = "DeviceNetworkEvents";

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/logs/defender")
        .join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap()
}

fn ctx(name: &str, tables: TableRequest) -> ReaderContext {
    ReaderContext::new(
        name.into(),
        Some(path(name)),
        ReadOptions::default(),
        Arc::new(tables),
    )
}

fn open(format: &str, c: &ReaderContext) -> Box<dyn FormatReader> {
    (crate::formats::entry(format).unwrap().open)(c).unwrap()
}

fn read(format: &str, name: &str) -> Collect {
    let c = ctx(name, TableRequest::all());
    feed_all(&mut *open(format, &c), &fixture(name))
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// 2021-04-14T18:49:17.7849324Z: day 18731 after the epoch.
const S1_TIMESTAMP: i64 =
    (18_731 * 86_400 + 18 * 3600 + 49 * 60 + 17) * 1_000_000_000 + 784_932_400;

#[test]
fn storage_blob_records_go_to_their_category_table() {
    let c = read(FORMAT_STORAGE, "streaming-storage.PT1H.json");
    assert_eq!(c.bad, vec![]);
    assert_eq!(c.count(DPE), 2);
    // S1 (Windows).
    assert_eq!(c.strs(DPE, "AccountName")[0], s("system"));
    assert_eq!(c.strs(DPE, "AccountDomain")[0], s("nt authority"));
    assert_eq!(c.longs(DPE, "ProcessId")[0], Some(40288));
    assert_eq!(c.strs(DPE, "FileName")[0], s("whoami.exe"));
    assert_eq!(
        c.strs(DPE, "ProcessCommandLine")[0],
        s("\"whoami.exe\" /user")
    );
    assert_eq!(
        c.strs(DPE, "FolderPath")[0],
        s(r"C:\Windows\System32\whoami.exe")
    );
    assert_eq!(c.strs(DPE, "AdditionalFields")[0], None);
    assert_eq!(c.longs(DPE, "InitiatingProcessId")[0], Some(39240));
    assert_eq!(
        c.strs(DPE, "InitiatingProcessFileName")[0],
        s("powershell.exe")
    );
    assert_eq!(
        c.strs(DPE, "InitiatingProcessCommandLine")[0],
        s(
            r#""powershell.exe" -executionPolicy bypass -file  "C:\Program Files (x86)\Microsoft Intune Management Extension\Content\DetectionScripts\7bdb56a9-0db0-4fd3-a373-4a50613270bc_1.ps1" "#
        )
    );
    assert_eq!(c.longs(DPE, "InitiatingProcessParentId")[0], Some(42028));
    assert_eq!(
        c.strs(DPE, "InitiatingProcessParentFileName")[0],
        s("AgentExecutor.exe")
    );
    // null string → "" (KQL strings are never null).
    assert_eq!(c.strs(DPE, "MachineGroup")[0], s(""));
    assert_eq!(c.times(DPE, "Timestamp")[0], Some(S1_TIMESTAMP));
    assert_eq!(c.strs(DPE, "DeviceName")[0], s("bobslaptop.example.com"));
    assert_eq!(c.longs(DPE, "ReportId")[0], Some(30779));
    assert_eq!(c.strs(DPE, "ActionType")[0], s("ProcessCreated"));
    // Derived: TimeGenerated from Timestamp, TenantId from the envelope, Type.
    assert_eq!(c.times(DPE, "TimeGenerated")[0], Some(S1_TIMESTAMP));
    assert_eq!(
        c.strs(DPE, "TenantId")[0],
        s("4a653e38-cdfe-1337-beef-abcdefabcdef")
    );
    assert_eq!(c.strs(DPE, "Type")[0], s(DPE));
    // Absent columns.
    assert_eq!(c.strs(DPE, "SHA256")[0], s(""));
    assert_eq!(c.longs(DPE, "FileSize")[0], None);
    // S2 (macOS): exec without fork, AdditionalFields as JSON text in a string.
    assert_eq!(c.longs(DPE, "ProcessId")[1], Some(91345));
    assert_eq!(c.longs(DPE, "InitiatingProcessId")[1], Some(91345));
    assert_eq!(c.strs(DPE, "AccountDomain")[1], s("mbp14"));
    assert_eq!(
        c.strs(DPE, "AdditionalFields")[1],
        s(r#"{"ProcessCurrentWorkingDirectory":"/"}"#)
    );
    assert_eq!(c.strs(DPE, "MachineGroup")[1], s("main"));
    // 2026-07-18T14:55:41.322571Z: day 20652.
    assert_eq!(
        c.times(DPE, "Timestamp")[1],
        Some((20_652 * 86_400 + 14 * 3600 + 55 * 60 + 41) * 1_000_000_000 + 322_571_000)
    );
}

fn check_s3_s7(c: &Collect) {
    assert_eq!(c.count(DPE), 1);
    assert_eq!(c.count(DNE), 1);
    assert_eq!(
        c.times(DPE, "Timestamp"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(
        c.times(DPE, "TimeGenerated"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(
        c.strs(DPE, "DeviceId"),
        vec![s("0f1e2d3c4b5a69788796a5b4c3d2e1f001234567")]
    );
    assert_eq!(c.strs(DPE, "DeviceName"), vec![s("node-1.cluster.local")]);
    assert_eq!(c.strs(DPE, "FileName"), vec![s("curl")]);
    assert_eq!(c.strs(DPE, "FolderPath"), vec![s("/usr/bin/curl")]);
    assert_eq!(c.longs(DPE, "ProcessId"), vec![Some(48211)]);
    assert_eq!(
        c.strs(DPE, "ProcessCommandLine"),
        vec![s(
            "curl -sk https://10.0.0.12:10250/run/default/web/nginx -d cmd=id"
        )]
    );
    assert_eq!(
        c.times(DPE, "ProcessCreationTime"),
        vec![Some(t_2025_03_04(10, 15, 2, 439_000_000))]
    );
    assert_eq!(c.strs(DPE, "AccountDomain"), vec![s("node-1")]);
    assert_eq!(c.strs(DPE, "AccountName"), vec![s("root")]);
    assert_eq!(c.strs(DPE, "InitiatingProcessFileName"), vec![s("bash")]);
    assert_eq!(c.longs(DPE, "InitiatingProcessId"), vec![Some(48100)]);
    assert_eq!(
        c.strs(DPE, "InitiatingProcessCommandLine"),
        vec![s("-bash")]
    );
    assert_eq!(c.longs(DPE, "InitiatingProcessParentId"), vec![Some(48099)]);
    assert_eq!(
        c.strs(DPE, "InitiatingProcessParentFileName"),
        vec![s("sshd")]
    );
    assert_eq!(c.strs(DPE, "AdditionalFields"), vec![None]);
    assert_eq!(c.longs(DPE, "ReportId"), vec![Some(1201)]);
    assert_eq!(c.strs(DPE, "MachineGroup"), vec![s("")]);
    // S7: DeviceNetworkEvents, RemotePort and LocalPort are `int`.
    assert_eq!(
        c.times(DNE, "Timestamp"),
        vec![Some(t_2025_03_04(10, 15, 2, 470_000_000))]
    );
    assert_eq!(c.strs(DNE, "ActionType"), vec![s("ConnectionSuccess")]);
    assert_eq!(c.strs(DNE, "RemoteIP"), vec![s("10.0.0.12")]);
    assert_eq!(c.ints(DNE, "RemotePort"), vec![Some(10250)]);
    assert_eq!(c.strs(DNE, "RemoteUrl"), vec![s("")]);
    assert_eq!(c.strs(DNE, "LocalIP"), vec![s("10.0.0.11")]);
    assert_eq!(c.ints(DNE, "LocalPort"), vec![Some(51544)]);
    assert_eq!(c.strs(DNE, "Protocol"), vec![s("Tcp")]);
    assert_eq!(c.strs(DNE, "LocalIPType"), vec![s("Private")]);
    assert_eq!(c.strs(DNE, "InitiatingProcessFileName"), vec![s("curl")]);
    assert_eq!(c.longs(DNE, "InitiatingProcessId"), vec![Some(48211)]);
    assert_eq!(
        c.strs(DNE, "InitiatingProcessParentFileName"),
        vec![s("bash")]
    );
    assert_eq!(c.strs(DNE, "InitiatingProcessAccountName"), vec![s("root")]);
}

#[test]
fn event_hub_message_routes_each_record_and_counts_unknown_tables() {
    let c = read(FORMAT_EVENTHUB, "streaming-eventhub.json");
    check_s3_s7(&c);
    // The third record's table has no schema: skipped by design and reported, not fatal.
    assert_eq!(
        c.bad_lines(),
        vec![(
            Some(1),
            BadReason::Unsupported("table ExampleFutureTable has no kqlhunt schema".into())
        )]
    );
    assert!(c.bad[0].reason.by_design());
}

#[test]
fn pretty_printed_event_hub_message_reads_the_same() {
    let name = "streaming-eventhub-pretty.json";
    let c = read(FORMAT_JSON, name);
    check_s3_s7(&c);
    // The unsupported record is reported at the line of its opening brace, the line
    // before its "time" member.
    let text = String::from_utf8(fixture(name)).unwrap();
    let time_line = text
        .lines()
        .position(|l| l.contains("2025-03-04T10:15:41"))
        .unwrap() as u64
        + 1;
    assert_eq!(c.bad.len(), 1);
    assert_eq!(c.bad[0].location.line, Some(time_line - 1));
    assert!(matches!(c.bad[0].reason, BadReason::Unsupported(_)));
}

#[test]
fn sentinel_export_rows_keep_time_generated_and_route_by_type() {
    let c = read(FORMAT_SENTINEL, "sentinel-export.PT05M.json");
    assert_eq!(c.bad, vec![]);
    assert_eq!(
        c.strs(DPE, "TenantId"),
        vec![s("00000000-0000-0000-0000-000000000000")]
    );
    assert_eq!(
        c.times(DPE, "TimeGenerated"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(
        c.times(DPE, "Timestamp"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(c.strs(DPE, "FileName"), vec![s("curl")]);
    assert_eq!(c.longs(DPE, "InitiatingProcessId"), vec![Some(48100)]);
    // `AdditionalFields` is dynamic in Sentinel: the object's JSON text.
    assert_eq!(c.strs(DPE, "AdditionalFields"), vec![s("{}")]);
    assert_eq!(c.strs(DPE, "MachineGroup"), vec![s("")]);
    assert_eq!(c.strs(DPE, "Type"), vec![s(DPE)]);
}

fn check_api_rows(c: &Collect) {
    assert_eq!(c.bad, vec![]);
    // No Type and no category: ProcessCreated → DPE, ConnectionSuccess → DNE.
    assert_eq!(
        c.strs(DPE, "ProcessCommandLine"),
        vec![s(
            "curl -sk https://10.0.0.12:10250/run/default/web/nginx -d cmd=id"
        )]
    );
    // API-style rows have only Timestamp; TimeGenerated is filled from it.
    assert_eq!(
        c.times(DPE, "TimeGenerated"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(c.strs(DPE, "TenantId"), vec![s("")]);
    assert_eq!(c.strs(DPE, "Type"), vec![s(DPE)]);
    assert_eq!(c.ints(DNE, "RemotePort"), vec![Some(10250)]);
    assert_eq!(
        c.times(DNE, "TimeGenerated"),
        vec![Some(t_2025_03_04(10, 15, 2, 470_000_000))]
    );
}

#[test]
fn api_rows_with_crlf_blank_lines_and_no_final_newline() {
    check_api_rows(&read(FORMAT_NDJSON, "advanced-hunting-api.ndjson"));
}

#[test]
fn json_array_of_api_rows() {
    check_api_rows(&read(FORMAT_JSON, "advanced-hunting-api.json"));
}

#[test]
fn portal_csv_union_is_split_by_action_type() {
    let c = read(FORMAT_CSV, "portal-union.csv");
    assert_eq!(c.bad, vec![]);
    assert_eq!(c.count(DPE), 1);
    assert_eq!(c.count(DNE), 2);
    assert_eq!(c.count("DeviceEvents"), 1);
    assert_eq!(c.strs(DPE, "FileName"), vec![s("powershell.exe")]);
    assert_eq!(c.longs(DPE, "ProcessId"), vec![Some(6532)]);
    assert_eq!(
        c.strs(DPE, "ProcessCommandLine"),
        vec![s(
            r#""powershell.exe" -NoProfile -executionPolicy bypass -file  "C:\WINDOWS\IMECache\HealthScripts\detect.ps1" "#
        )]
    );
    assert_eq!(c.strs(DPE, "ProcessIntegrityLevel"), vec![s("System")]);
    assert_eq!(c.longs(DPE, "LogonId"), vec![Some(999)]);
    // Empty cells: null for numbers, "" for strings.
    assert_eq!(c.longs(DPE, "FileSize"), vec![None]);
    assert_eq!(c.strs(DPE, "SHA1"), vec![s("")]);
    assert_eq!(c.strs(DPE, "AdditionalFields"), vec![None]);
    // 2023-10-18T15:45:07.9862755Z: day 19648 after the epoch.
    let t = (19_648 * 86_400 + 15 * 3600 + 45 * 60 + 7) * 1_000_000_000 + 986_275_500;
    assert_eq!(c.times(DPE, "Timestamp"), vec![Some(t)]);
    assert_eq!(c.times(DPE, "TimeGenerated"), vec![Some(t)]);
    assert_eq!(
        c.strs(DNE, "ActionType"),
        vec![s("ConnectionSuccess"), s("DnsConnectionInspected")]
    );
    assert_eq!(c.ints(DNE, "RemotePort"), vec![Some(443), Some(53)]);
    assert_eq!(
        c.strs(DNE, "RemoteUrl"),
        vec![s("eu-v20.events.data.microsoft.com"), s("")]
    );
    assert_eq!(
        c.longs(DNE, "InitiatingProcessId"),
        vec![Some(4180), Some(0)]
    );
    assert_eq!(
        c.strs(DNE, "AdditionalFields"),
        vec![
            None,
            s(
                r#"{"direction":"Out","query":"example.org","qtype_name":"A","answers":"[\"192.0.2.1\"]"}"#
            )
        ]
    );
    assert_eq!(
        c.strs("DeviceEvents", "ActionType"),
        vec![s("PowerShellCommand")]
    );
    assert_eq!(
        c.strs("DeviceEvents", "AdditionalFields"),
        vec![s(r#"{"Command":"MMDActionEngine.ps1"}"#)]
    );
}

#[test]
fn portal_csv_of_projected_columns() {
    let c = read(FORMAT_CSV, "portal-projected.csv");
    assert_eq!(c.bad, vec![]);
    assert_eq!(c.strs(DPE, "DeviceName"), vec![s("node-1.cluster.local")]);
    assert_eq!(c.strs(DPE, "AccountDomain"), vec![s("node-1")]);
    assert_eq!(c.strs(DPE, "AccountName"), vec![s("root")]);
    assert_eq!(c.strs(DPE, "FileName"), vec![s("curl")]);
    assert_eq!(c.strs(DPE, "InitiatingProcessFileName"), vec![s("bash")]);
    assert_eq!(
        c.strs(DPE, "InitiatingProcessCommandLine"),
        vec![s("-bash")]
    );
    assert_eq!(
        c.strs(DPE, "InitiatingProcessParentFileName"),
        vec![s("sshd")]
    );
    assert_eq!(
        c.times(DPE, "TimeGenerated"),
        vec![Some(t_2025_03_04(10, 15, 2, 441_234_500))]
    );
    assert_eq!(c.longs(DPE, "ProcessId"), vec![None]);
}

#[test]
fn docker_exec_reads_the_same_in_every_rendering() {
    for (format, name) in [
        (FORMAT_NDJSON, "docker-exec.ndjson"),
        (FORMAT_EVENTHUB, "docker-exec.eventhub.json"),
        (FORMAT_CSV, "docker-exec.csv"),
    ] {
        let c = read(format, name);
        assert_eq!(c.bad, vec![], "{name}");
        let t = Some(t_2025_03_04(10, 20, 11, 512_000_000));
        assert_eq!(c.times(DPE, "TimeGenerated"), vec![t], "{name}");
        assert_eq!(c.times(DPE, "Timestamp"), vec![t], "{name}");
        assert_eq!(
            c.strs(DPE, "DeviceName"),
            vec![s("node-1.cluster.local")],
            "{name}"
        );
        assert_eq!(c.strs(DPE, "AccountName"), vec![s("root")], "{name}");
        assert_eq!(c.strs(DPE, "AccountDomain"), vec![s("node-1")], "{name}");
        assert_eq!(c.strs(DPE, "FileName"), vec![s("docker")], "{name}");
        assert_eq!(
            c.strs(DPE, "FolderPath"),
            vec![s("/usr/bin/docker")],
            "{name}"
        );
        assert_eq!(
            c.strs(DPE, "ProcessCommandLine"),
            vec![s("docker exec -it web /bin/sh")],
            "{name}"
        );
        assert_eq!(c.longs(DPE, "ProcessId"), vec![Some(48305)], "{name}");
        assert_eq!(
            c.strs(DPE, "InitiatingProcessFileName"),
            vec![s("bash")],
            "{name}"
        );
        assert_eq!(
            c.strs(DPE, "InitiatingProcessCommandLine"),
            vec![s("-bash")],
            "{name}"
        );
        assert_eq!(
            c.strs(DPE, "InitiatingProcessParentFileName"),
            vec![s("sshd")],
            "{name}"
        );
        assert_eq!(c.longs(DPE, "ReportId"), vec![Some(1207)], "{name}");
    }
}

#[test]
fn projection_limits_the_columns_built() {
    let t = table_schemas::builtin_table(DPE).unwrap();
    let proj = vec![
        t.index_of("ProcessId").unwrap(),
        t.index_of("FileName").unwrap(),
    ];
    let c = ctx(
        "streaming-storage.PT1H.json",
        TableRequest::table(DPE, Some(proj)),
    );
    let out = feed_all(
        &mut *open(FORMAT_STORAGE, &c),
        &fixture("streaming-storage.PT1H.json"),
    );
    let (_, b) = &out.batches[0];
    assert_eq!(b.num_columns(), 2);
    assert_eq!(b.schema().field(0).name(), "ProcessId");
    assert_eq!(out.longs(DPE, "ProcessId"), vec![Some(40288), Some(91345)]);
    assert_eq!(
        out.strs(DPE, "FileName"),
        vec![s("whoami.exe"), s("UserSelector")]
    );
}

#[test]
fn tables_not_requested_are_skipped() {
    let c = ctx("streaming-eventhub.json", TableRequest::table(DNE, None));
    let out = feed_all(
        &mut *open(FORMAT_EVENTHUB, &c),
        &fixture("streaming-eventhub.json"),
    );
    assert_eq!(out.count(DPE), 0);
    assert_eq!(out.count(DNE), 1);
}

#[test]
fn prefilter_drops_records_without_a_literal() {
    let mut data = fixture("docker-exec.ndjson");
    data.extend(fixture("advanced-hunting-api.ndjson"));
    let mut c = ctx("mixed.ndjson", TableRequest::all());
    c.prefilter = Some(Arc::new(Prefilter::new(&["DOCKER"])));
    let out = feed_all(&mut *open(FORMAT_NDJSON, &c), &data);
    assert_eq!(out.strs(DPE, "FileName"), vec![s("docker")]);
    assert_eq!(out.count(DNE), 0);
    assert_eq!(out.prefiltered, 2);
}

/// The NDJSON reader searches each chunk once for the literals: records whose text holds
/// one (in any ASCII case, or behind a `\u` escape) are kept whatever the chunking, the
/// others are counted as prefiltered, and blank or oversized lines are treated as always.
#[test]
fn chunk_wide_prefilter_keeps_every_possible_match() {
    let row = |name: &str, folder: &str| {
        format!(
            "{{\"Timestamp\":\"2025-03-04T10:15:02Z\",\"DeviceName\":\"n\",\"ActionType\":\"ProcessCreated\",\"FileName\":\"{name}\",\"FolderPath\":\"{folder}\",\"ProcessId\":1}}\n"
        )
    };
    let mut data = String::new();
    data.push_str(&row("bash", "/usr/bin/bash"));
    data.push_str(&row("DoCkEr", "/usr/bin/docker"));
    data.push_str("\n  \n");
    data.push_str(&row("\\u0064ocker", "/usr/bin/x"));
    data.push_str(&row("cmd.exe", "C:\\\\Users\\\\docs"));
    data.push_str(&row("sh", "/bin/sh"));
    data.push_str(&row(&"x".repeat(300), "/usr/bin/docker"));
    data.push_str(&row("docker", "/usr/bin/docker"));
    let mut c = ctx("p.ndjson", TableRequest::all());
    c.options.max_record_bytes = 256;
    c.prefilter = Some(Arc::new(Prefilter::new(&["docker"])));
    let whole = feed_all(&mut *open(FORMAT_NDJSON, &c), data.as_bytes());
    assert_eq!(
        whole.strs(DPE, "FileName"),
        vec![s("DoCkEr"), s("docker"), s("docker")]
    );
    // bash, cmd.exe (`\\U` escapes a backslash, not a character) and sh.
    assert_eq!(whole.prefiltered, 3);
    assert!(
        matches!(whole.bad.as_slice(), [b] if matches!(b.reason, BadReason::Oversized { .. })),
        "{:?}",
        whole.bad
    );
    for sizes in [&[1][..], &[7, 64, 3][..], &[100][..]] {
        let parts = feed_in_chunks(&mut *open(FORMAT_NDJSON, &c), data.as_bytes(), sizes);
        assert_eq!(parts.batches, whole.batches, "chunks of {sizes:?}");
        assert_eq!(parts.bad, whole.bad, "chunks of {sizes:?}");
        assert_eq!(parts.prefiltered, whole.prefiltered, "chunks of {sizes:?}");
    }
}

/// Every reader gives identical rows and reports whatever the chunk sizes.
#[test]
fn chunk_sizes_do_not_change_the_result() {
    let cases = [
        (FORMAT_STORAGE, "streaming-storage.PT1H.json"),
        (FORMAT_EVENTHUB, "streaming-eventhub.json"),
        (FORMAT_JSON, "streaming-eventhub-pretty.json"),
        (FORMAT_SENTINEL, "sentinel-export.PT05M.json"),
        (FORMAT_NDJSON, "advanced-hunting-api.ndjson"),
        (FORMAT_JSON, "advanced-hunting-api.json"),
        (FORMAT_CSV, "portal-union.csv"),
        (FORMAT_CSV, "portal-projected.csv"),
    ];
    // A fixed pseudo-random sequence of chunk sizes from 1 to 97 bytes.
    let mut x: u32 = 0x2545_f491;
    let sizes: Vec<usize> = (0..64)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 97 + 1) as usize
        })
        .collect();
    for (format, name) in cases {
        let c = ctx(name, TableRequest::all());
        let data = fixture(name);
        let whole = feed_all(&mut *open(format, &c), &data);
        for sz in [&sizes[..], &[1][..], &[2, 3][..]] {
            let parts = feed_in_chunks(&mut *open(format, &c), &data, sz);
            assert_eq!(parts.batches, whole.batches, "{name} in chunks of {sz:?}");
            assert_eq!(parts.bad, whole.bad, "{name} in chunks of {sz:?}");
        }
    }
}
