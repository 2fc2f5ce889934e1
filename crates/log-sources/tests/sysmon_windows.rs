//! Windows Sysmon → DeviceProcessEvents / DeviceNetworkEvents: XML exports (composed,
//! UTF-8 and UTF-16LE) and an EVTX file (the first chunk of the public `sysmon.evtx` sample
//! of the `evtx` crate). Expected rows are written from telemetry-formats §2.2, §7.3, §7.8.

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mapped_support;

use log_sources::formats::sysmon::evtx::{CHUNK_SIZE, EvtxReader};
use log_sources::formats::sysmon::windows::{SysmonXmlReader, sniff};
use log_sources::process_table::{self, Limits};
use log_sources::{BadReason, Value};
use mapped_support::*;
use serde_json::json;

const PS: &str = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
const PS_CMD: &str = r#""C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoLogo"#;
const PS_GUID: &str = "{6b8c2f1a-6c34-67c6-9b02-000000001a00}";
const LOGON_GUID: &str = "{6b8c2f1a-6a2e-67c6-c135-050000000000}";
const HOST: &str = "WIN-DEV01.corp.example";

fn read_xml(file: &str, chunk: usize) -> Collected {
    let table = process_table::shared(Limits::default());
    let mut r = SysmonXmlReader::new(file.into(), table).unwrap();
    read_all(&mut r, &testdata(&format!("sysmon-windows/{file}")), chunk)
}

/// Cells of a process row of alice's session on WIN-DEV01 (logon 0x5a3c1 = 369601).
fn alice_process(
    time: &str,
    report: i64,
    image: &str,
    file: &str,
    cmd: &str,
    pid: i64,
) -> Vec<(&'static str, Value)> {
    vec![
        ("Timestamp", dt(time)),
        ("TimeGenerated", dt(time)),
        ("ProcessCreationTime", dt(time)),
        ("DeviceName", s(HOST)),
        ("ActionType", s("ProcessCreated")),
        ("ReportId", l(report)),
        ("AccountDomain", s("CORP")),
        ("AccountName", s("alice")),
        ("LogonId", l(369_601)),
        ("FileName", s(file)),
        ("FolderPath", s(image)),
        ("ProcessCommandLine", s(cmd)),
        ("ProcessId", l(pid)),
        ("ProcessIntegrityLevel", s("Medium")),
    ]
}

/// Initiating cells for a child of alice's PowerShell (its own event seen; explorer not).
fn child_of_powershell() -> Vec<(&'static str, Value)> {
    vec![
        ("InitiatingProcessId", l(7420)),
        ("InitiatingProcessFileName", s("powershell.exe")),
        ("InitiatingProcessFolderPath", s(PS)),
        ("InitiatingProcessCommandLine", s(PS_CMD)),
        ("InitiatingProcessAccountDomain", s("CORP")),
        ("InitiatingProcessAccountName", s("alice")),
        (
            "InitiatingProcessCreationTime",
            dt("2025-03-04T10:29:40.219Z"),
        ),
        ("InitiatingProcessParentFileName", s("explorer.exe")),
        ("InitiatingProcessParentId", l(5044)),
    ]
}

fn concat(parts: Vec<Vec<(&'static str, Value)>>) -> Vec<(&'static str, Value)> {
    parts.into_iter().flatten().collect()
}

#[test]
fn sniffs_xml_exports_in_both_encodings() {
    assert!(sniff(&testdata("sysmon-windows/win-dev01-sysmon.xml")));
    assert!(sniff(&testdata(
        "sysmon-windows/win-dev01-sysmon-utf16.xml"
    )));
    assert!(!sniff(&testdata("sysmon-linux/node-1-syslog.log")));
}

#[test]
fn powershell_with_version_info_hashes_and_user_split() {
    let out = read_xml("win-dev01-sysmon.xml", 4096);
    let rows = out.table("DeviceProcessEvents");
    assert_eq!(rows.len(), 4);
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &concat(vec![
            alice_process(
                "2025-03-04T10:29:40.219Z",
                5001,
                PS,
                "powershell.exe",
                PS_CMD,
                7420,
            ),
            vec![
                ("ProcessVersionInfoCompanyName", s("Microsoft Corporation")),
                (
                    "ProcessVersionInfoProductName",
                    s("Microsoft® Windows® Operating System"),
                ),
                ("ProcessVersionInfoOriginalFileName", s("PowerShell.EXE")),
                ("ProcessVersionInfoFileDescription", s("Windows PowerShell")),
                ("SHA1", s("A0B1C2D3E4F5061728394A5B6C7D8E9F00112233")),
                ("MD5", s("0F1E2D3C4B5A69788796A5B4C3D2E1F0")),
                (
                    "SHA256",
                    s("9785001B0DCF755EDDB8AF294A373C0B87B2498660F724E76C4D53F9C217C7A3"),
                ),
                ("InitiatingProcessId", l(5044)),
                ("InitiatingProcessFileName", s("explorer.exe")),
                ("InitiatingProcessFolderPath", s(r"C:\Windows\explorer.exe")),
                (
                    "InitiatingProcessCommandLine",
                    s(r"C:\Windows\Explorer.EXE"),
                ),
                ("InitiatingProcessAccountDomain", s("CORP")),
                ("InitiatingProcessAccountName", s("alice")),
                (
                    "AdditionalFields",
                    dynamic(json!({
                        "ProcessGuid": PS_GUID,
                        "ParentProcessGuid": "{6b8c2f1a-6a20-67c6-5c01-000000001a00}",
                        "CurrentDirectory": r"C:\Users\alice\", "LogonGuid": LOGON_GUID,
                        "TerminalSessionId": "1",
                        "FileVersion": "10.0.22621.3880 (WinBuild.160101.0800)",
                        "Imphash": "AFACF6DC9041114B198160AAB4D0AE77"
                    })),
                ),
            ],
        ]),
    );
}

#[test]
fn docker_and_kubectl_exec_from_powershell() {
    let out = read_xml("win-dev01-sysmon.xml", 4096);
    let rows = out.table("DeviceProcessEvents");
    let docker = r"C:\Program Files\Docker\Docker\resources\bin\docker.exe";
    let docker_cmd = format!(r#""{docker}" exec -it atomic-test-container /bin/sh"#);
    assert_row(
        rows[1],
        "DeviceProcessEvents",
        &concat(vec![
            alice_process(
                "2025-03-04T10:30:02.441Z",
                5002,
                docker,
                "docker.exe",
                &docker_cmd,
                8816,
            ),
            vec![
                ("ProcessVersionInfoCompanyName", s("Docker Inc.")),
                ("ProcessVersionInfoProductName", s("Docker")),
                ("ProcessVersionInfoOriginalFileName", s("docker.exe")),
                ("ProcessVersionInfoFileDescription", s("Docker Client")),
                (
                    "SHA256",
                    s("4A1E5C2B9D3F7A6E8C0B1D2F3E4A5B6C7D8E9F0A1B2C3D4E5F60718293A4B5C6"),
                ),
                (
                    "AdditionalFields",
                    dynamic(json!({
                        "ProcessGuid": "{6b8c2f1a-6c36-67c6-a102-000000001a00}",
                        "ParentProcessGuid": PS_GUID, "CurrentDirectory": r"C:\Users\alice\",
                        "LogonGuid": LOGON_GUID, "TerminalSessionId": "1", "FileVersion": "27.5.1"
                    })),
                ),
            ],
            child_of_powershell(),
        ]),
    );
    // kubectl has no version resource: Sysmon writes "-", the columns stay empty.
    let kubectl = r"C:\Users\alice\bin\kubectl.exe";
    let kubectl_cmd = format!(r#""{kubectl}" exec atomic-exec-test -- /bin/sh"#);
    assert_row(
        rows[2],
        "DeviceProcessEvents",
        &concat(vec![
            alice_process(
                "2025-03-04T10:30:10.005Z",
                5003,
                kubectl,
                "kubectl.exe",
                &kubectl_cmd,
                9120,
            ),
            vec![
                (
                    "SHA256",
                    s("7C3B1A9E5D2F4C6B8A0E1D3F5B7A9C2E4D6F8A0B2C4E6A8D0F2B4D6E8A0C2E4F"),
                ),
                (
                    "AdditionalFields",
                    dynamic(json!({
                        "ProcessGuid": "{6b8c2f1a-6c3e-67c6-a802-000000001a00}",
                        "ParentProcessGuid": PS_GUID, "CurrentDirectory": r"C:\Users\alice\",
                        "LogonGuid": LOGON_GUID, "TerminalSessionId": "1"
                    })),
                ),
            ],
            child_of_powershell(),
        ]),
    );
}

#[test]
fn kubelet_curl_and_its_connection() {
    let out = read_xml("win-dev01-sysmon.xml", 4096);
    let curl = r"C:\Windows\System32\curl.exe";
    let cmd =
        format!(r#""{curl}" -k -XPOST https://10.0.0.12:10250/run/default/web/app -d cmd=id"#);
    let procs = out.table("DeviceProcessEvents");
    assert_eq!(procs[3].get("ProcessCommandLine"), Some(&s(&cmd)));
    let net = out.table("DeviceNetworkEvents");
    assert_eq!(net.len(), 1);
    assert_row(
        net[0],
        "DeviceNetworkEvents",
        &[
            ("Timestamp", dt("2025-03-04T10:30:30.101Z")),
            ("TimeGenerated", dt("2025-03-04T10:30:30.101Z")),
            ("DeviceName", s(HOST)),
            ("ReportId", l(5007)),
            ("ActionType", s("ConnectionSuccess")),
            ("RemoteIP", s("10.0.0.12")),
            ("RemotePort", i(10250)),
            ("LocalIP", s("10.0.0.50")),
            ("LocalPort", i(50211)),
            ("Protocol", s("Tcp")),
            ("InitiatingProcessFileName", s("curl.exe")),
            ("InitiatingProcessFolderPath", s(curl)),
            ("InitiatingProcessId", l(6604)),
            ("InitiatingProcessAccountDomain", s("CORP")),
            ("InitiatingProcessAccountName", s("alice")),
            ("InitiatingProcessCommandLine", s(&cmd)),
            (
                "InitiatingProcessCreationTime",
                dt("2025-03-04T10:30:30.050Z"),
            ),
            ("InitiatingProcessParentFileName", s("powershell.exe")),
            ("InitiatingProcessParentId", l(7420)),
            (
                "InitiatingProcessParentCreationTime",
                dt("2025-03-04T10:29:40.219Z"),
            ),
            (
                "AdditionalFields",
                dynamic(json!({
                    "ProcessGuid": "{6b8c2f1a-6c52-67c6-b302-000000001a00}",
                    "SourceHostname": HOST
                })),
            ),
        ],
    );
    // Event ID 5 feeds the process table; Event ID 22 (DNS) is not mapped.
    assert_eq!(
        out.bad_lines(),
        vec![(
            Some(201),
            &BadReason::Unsupported("Sysmon event ID 22".into())
        )]
    );
}

#[test]
fn utf16_export_with_single_quotes_gives_the_same_rows() {
    let utf8 = read_xml("win-dev01-sysmon.xml", 4096);
    for chunk in [1, 3, 1000, 1 << 20] {
        let utf16 = read_xml("win-dev01-sysmon-utf16.xml", chunk);
        assert!(utf16.bad.is_empty(), "{:?}", utf16.bad);
        let rows = utf16.table("DeviceProcessEvents");
        assert_eq!(rows.len(), 2, "chunk {chunk}");
        for (a, b) in rows.iter().zip(utf8.table("DeviceProcessEvents")) {
            assert_eq!(a.cells, b.cells, "chunk {chunk}");
        }
        assert_eq!(rows[1].location.line, Some(2));
    }
}

#[test]
fn chunk_size_does_not_change_the_xml_result() {
    let whole = read_xml("win-dev01-sysmon.xml", 1 << 20);
    for chunk in [1, 17, 500] {
        let out = read_xml("win-dev01-sysmon.xml", chunk);
        assert_eq!(out.rows, whole.rows, "chunk {chunk}");
        assert_eq!(out.bad, whole.bad, "chunk {chunk}");
    }
}

fn read_evtx(bytes: &[u8], chunk: usize) -> Collected {
    let table = process_table::shared(Limits::default());
    let mut r = EvtxReader::new("sysmon.evtx".into(), table).unwrap();
    read_all(&mut r, bytes, chunk)
}

#[test]
fn evtx_sample_first_record_and_counts() {
    let bytes = testdata("sysmon-windows/sysmon-evtx-sample-chunk0.evtx");
    let out = read_evtx(&bytes, 8192);
    let rows = out.table("DeviceProcessEvents");
    // The chunk holds 41 records: 31 process creations, and Event IDs 10, 11 and 13.
    assert_eq!(rows.len(), 31);
    assert_eq!(out.bad.len(), 10);
    assert!(
        out.bad.iter().all(|b| b.reason.by_design()),
        "{:?}",
        out.bad
    );
    let parent_cmd = r"C:\Windows\system32\cmd.exe /c C:\Windows\TEMP\update.bat C:\Users\tony\AppData\Local\Temp\pytest-of-tony\pytest-0\test_agent_update_op0\pathfinder\pathfinder.exe C:\Windows\TEMP\pathfinder_sfx.exe";
    // An old (2017) schema: no RuleName, no PE version fields, no ParentUser.
    assert_row(
        rows[0],
        "DeviceProcessEvents",
        &[
            ("Timestamp", dt("2017-12-26T13:10:29.134Z")),
            ("TimeGenerated", dt("2017-12-26T13:10:29.134Z")),
            ("ProcessCreationTime", dt("2017-12-26T13:10:29.134Z")),
            ("DeviceName", s("DESKTOP-2KGM189")),
            ("ActionType", s("ProcessCreated")),
            ("ReportId", l(1742)),
            ("AccountDomain", s("NT AUTHORITY")),
            ("AccountName", s("SYSTEM")),
            ("LogonId", l(999)),
            ("FileName", s("PING.EXE")),
            ("FolderPath", s(r"C:\Windows\SysWOW64\PING.EXE")),
            // The command line as the process got it: two spaces and a trailing one.
            ("ProcessCommandLine", s("ping  -n 6 127.0.0.1 ")),
            ("ProcessId", l(9112)),
            ("ProcessIntegrityLevel", s("System")),
            ("SHA1", s("CE8E487CB76704FE5FBB821A78A1E969EFBE71F9")),
            ("MD5", s("A27A24553B2C36E139647F88DF738C35")),
            (
                "SHA256",
                s("8F16A431C919A0AA7C9466EC1CDC1E721F30EB5C8182835585A1B74ABECB1920"),
            ),
            ("InitiatingProcessId", l(8392)),
            ("InitiatingProcessFileName", s("cmd.exe")),
            (
                "InitiatingProcessFolderPath",
                s(r"C:\Windows\SysWOW64\cmd.exe"),
            ),
            ("InitiatingProcessCommandLine", s(parent_cmd)),
            (
                "AdditionalFields",
                dynamic(json!({
                    "ProcessGuid": "{94f748d5-4a45-5a42-0000-0010d265f20f}",
                    "ParentProcessGuid": "{94f748d5-d211-597d-0000-00109bd2c107}",
                    "CurrentDirectory": r"C:\Windows\Temp\",
                    "LogonGuid": "{94f748d5-5a64-5966-0000-0020e7030000}",
                    "TerminalSessionId": "0",
                    "Imphash": "0EB64EACA8C951D760EEA1A941A2A3F7"
                })),
            ),
        ],
    );
    let unsupported: Vec<String> = out.bad.iter().map(|b| b.reason.to_string()).collect();
    for id in [10, 11, 13] {
        assert!(
            unsupported
                .iter()
                .any(|m| m.ends_with(&format!("Sysmon event ID {id}")))
        );
    }
}

#[test]
fn evtx_streams_by_chunk_and_reports_damage() {
    let mut bytes = testdata("sysmon-windows/sysmon-evtx-sample-chunk0.evtx");
    let whole = read_evtx(&bytes, bytes.len());
    // An unused (zeroed) chunk slot is skipped; a cut-off chunk is reported.
    bytes.extend(std::iter::repeat_n(0u8, CHUNK_SIZE));
    bytes.extend_from_slice(b"ElfChnk\0 cut short");
    for chunk in [4096, 65_536, 100_000] {
        let out = read_evtx(&bytes, chunk);
        assert_eq!(out.rows, whole.rows, "chunk {chunk}");
        let malformed: Vec<_> = out.bad.iter().filter(|b| !b.reason.by_design()).collect();
        assert_eq!(malformed.len(), 1, "{malformed:?}");
        assert_eq!(
            malformed[0].reason,
            BadReason::Malformed(format!("truncated EVTX chunk (18 of {CHUNK_SIZE} bytes)"))
        );
        assert_eq!(malformed[0].location.offset, 4096 + 2 * CHUNK_SIZE as u64);
    }
    let out = read_evtx(b"not an evtx file at all", 5);
    assert!(out.rows.is_empty());
    assert_eq!(out.bad.len(), 1);
}

#[test]
fn registry_recognises_evtx_and_xml() {
    let table = process_table::shared(Limits::default());
    let (name, out) = read_via_registry("sysmon-windows/sysmon-evtx-sample-chunk0.evtx", &table);
    assert_eq!(name, "sysmon-evtx");
    assert_eq!(out.table("DeviceProcessEvents").len(), 31);
    let (name, _) = read_via_registry("sysmon-windows/win-dev01-sysmon.xml", &table);
    assert_eq!(name, "sysmon-windows-xml");
    let (name, _) = read_via_registry("sysmon-windows/win-dev01-sysmon-utf16.xml", &table);
    assert_eq!(name, "sysmon-windows-xml");
}
