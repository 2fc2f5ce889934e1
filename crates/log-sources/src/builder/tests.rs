//! Expected values are written from the column types in the DeviceProcessEvents schema
//! (`crates/table-schemas/schemas/DeviceProcessEvents.json`) and the KQL ↔ Arrow mapping.

use super::*;
use crate::json::scan::Scanner;
use crate::record::{Location, Value};
use arrow::array::{Array, BooleanArray, Int64Array, StringArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, TimeUnit};

fn dpe() -> &'static TableSchema {
    table_schemas::builtin_table("DeviceProcessEvents").unwrap()
}

fn idx(name: &str) -> usize {
    dpe().index_of(name).unwrap()
}

fn loc() -> Location {
    Location {
        file: "t".into(),
        line: Some(1),
        offset: 0,
    }
}

#[test]
fn projection_orders_and_types_the_output_columns() {
    let proj = [idx("ProcessId"), idx("FileName"), idx("Timestamp")];
    let b = TableBuilder::new(dpe(), Some(&proj), 10).unwrap();
    let s = b.schema();
    assert_eq!(s.fields().len(), 3);
    assert_eq!(s.field(0).name(), "ProcessId");
    assert_eq!(s.field(0).data_type(), &DataType::Int64);
    assert_eq!(s.field(1).name(), "FileName");
    assert_eq!(s.field(1).data_type(), &DataType::Utf8);
    assert_eq!(
        s.field(2).data_type(),
        &DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
    );
    assert_eq!(b.slot(idx("FileName")), Some(1));
    assert_eq!(b.slot(idx("DeviceName")), None);
}

#[test]
fn bad_projection_is_an_error() {
    assert!(TableBuilder::new(dpe(), Some(&[9999]), 10).is_err());
    assert!(TableBuilder::new(dpe(), Some(&[1, 1]), 10).is_err());
}

#[test]
fn rows_convert_values_and_fill_missing_cells() {
    let proj = [
        idx("ProcessId"),
        idx("FileName"),
        idx("Timestamp"),
        idx("IsProcessRemoteSession"),
        idx("AdditionalFields"),
        idx("DeviceName"),
    ];
    let mut b = TableBuilder::new(dpe(), Some(&proj), 10).unwrap();

    let mut r = Row::new("DeviceProcessEvents", loc());
    r.set("ProcessId", Value::String("48211".into()));
    r.set("FileName", Value::String("curl".into()));
    r.set(
        "Timestamp",
        Value::String("2025-03-04T10:15:02.4412345Z".into()),
    );
    r.set("IsProcessRemoteSession", Value::String("False".into()));
    r.set(
        "AdditionalFields",
        Value::Dynamic(serde_json::json!({"a": 1})),
    );
    assert!(b.push_row(&r).is_empty());

    let mut r = Row::new("DeviceProcessEvents", loc());
    r.set("ProcessId", Value::String("abc".into()));
    r.set("Timestamp", Value::Long(5));
    let bad = b.push_row(&r);
    assert_eq!(
        bad,
        vec![
            BadReason::WrongType {
                column: "ProcessId".into(),
                expected: "long",
                found: "abc".into()
            },
            BadReason::WrongType {
                column: "Timestamp".into(),
                expected: "datetime",
                found: "5".into()
            },
        ]
    );

    let batch = b.take_batch().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 2);
    let pid = batch
        .column(0)
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    assert_eq!(pid.value(0), 48211);
    assert!(pid.is_null(1));
    let name = batch
        .column(1)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(name.value(0), "curl");
    // Strings are never null: a missing FileName is "".
    assert!(!name.is_null(1));
    assert_eq!(name.value(1), "");
    let ts = batch
        .column(2)
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
        .unwrap();
    // 2025-03-04 is day 20151 after 1970-01-01.
    assert_eq!(
        ts.value(0),
        (20_151 * 86_400 + 10 * 3600 + 15 * 60 + 2) * 1_000_000_000 + 441_234_500
    );
    assert!(ts.is_null(1));
    let remote = batch
        .column(3)
        .as_any()
        .downcast_ref::<BooleanArray>()
        .unwrap();
    assert!(!remote.value(0));
    assert!(remote.is_null(1));
    let af = batch
        .column(4)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(af.value(0), r#"{"a":1}"#);
    assert!(af.is_null(1));
    let dev = batch
        .column(5)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(dev.value(0), "");
    assert!(b.take_batch().unwrap().is_none());
}

#[test]
fn json_tokens_convert_into_each_column_type() {
    let src = r#"{"ProcessId":"123","FileSize":2.0,"ReportId":1.5,"FileName":"a\"b","AdditionalFields":"{\"IsAudit\":true}","AccountSid":42,"Timestamp":"2021-04-14T18:49:17.7849324Z","LogonId":null}"#;
    let proj: Vec<usize> = [
        "ProcessId",
        "FileSize",
        "ReportId",
        "FileName",
        "AdditionalFields",
        "AccountSid",
        "Timestamp",
        "LogonId",
    ]
    .iter()
    .map(|n| idx(n))
    .collect();
    let mut b = TableBuilder::new(dpe(), Some(&proj), 10).unwrap();
    let mut s = Scanner::new(src);
    s.open(b'{', b'}').unwrap();
    let mut scratch = String::new();
    let mut bad = Vec::new();
    loop {
        let k = s.key().unwrap();
        let v = s.value().unwrap();
        let slot = b.slot(idx(k.text(src))).unwrap();
        if let Err(e) = b.cell(slot).unwrap().push_json(v, src, &mut scratch) {
            bad.push(e);
        }
        if !s.next_or_close(b'}').unwrap() {
            break;
        }
    }
    b.end_row();
    assert_eq!(
        bad,
        vec![BadReason::WrongType {
            column: "ReportId".into(),
            expected: "long",
            found: "1.5".into()
        }]
    );
    let batch = b.take_batch().unwrap().unwrap();
    let long = |i: usize| {
        batch
            .column(i)
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap()
            .clone()
    };
    let text = |i: usize| {
        batch
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone()
    };
    assert_eq!(long(0).value(0), 123);
    assert_eq!(long(1).value(0), 2);
    assert!(long(2).is_null(0));
    assert_eq!(text(3).value(0), "a\"b");
    // XDR sends AdditionalFields as JSON text in a string; the dynamic column holds the JSON.
    assert_eq!(text(4).value(0), r#"{"IsAudit":true}"#);
    assert_eq!(text(5).value(0), "42");
    assert!(long(7).is_null(0));
}

#[test]
fn empty_projection_still_counts_rows() {
    let mut b = TableBuilder::new(dpe(), Some(&[]), 2).unwrap();
    b.end_row();
    b.end_row();
    assert!(b.is_full());
    let batch = b.take_batch().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(batch.num_columns(), 0);
}

#[test]
fn a_cell_set_twice_keeps_the_first_value() {
    let proj = [idx("FileName")];
    let mut b = TableBuilder::new(dpe(), Some(&proj), 10).unwrap();
    b.cell(0).unwrap().push_text("first").unwrap();
    assert!(b.cell(0).is_none());
    assert!(b.is_set(0));
    b.end_row();
    let batch = b.take_batch().unwrap().unwrap();
    let name = batch
        .column(0)
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(name.value(0), "first");
}

#[test]
fn datetimes_format_like_kql() {
    assert_eq!(format_datetime(0), "1970-01-01T00:00:00.0000000Z");
    assert_eq!(
        format_datetime(1_618_426_157_784_932_400),
        "2021-04-14T18:49:17.7849324Z"
    );
}

#[test]
fn type_is_the_table_name_on_every_row_and_the_builders_to_set() {
    let proj = [idx("Type"), idx("TenantId"), idx("SourceSystem")];
    let mut b = TableBuilder::new(dpe(), Some(&proj), 10).unwrap();
    // A mapped row that names another table in Type and gives a tenant.
    let mut row = crate::record::Row::new("DeviceProcessEvents", loc());
    row.set("Type", Value::String("SecurityEvent".into()));
    row.set("TenantId", Value::String("tenant-1".into()));
    assert_eq!(b.push_row(&row), vec![]);
    // A row a reader completes without setting anything; Type is not the reader's cell.
    assert!(b.cell(0).is_none());
    b.end_row();
    let batch = b.take_batch().unwrap().unwrap();
    let col = |i: usize| {
        let a = batch
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        (0..a.len())
            .map(|r| a.value(r).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(col(0), ["DeviceProcessEvents", "DeviceProcessEvents"]);
    // TenantId and SourceSystem are as the source gave them: nothing is invented.
    assert_eq!(col(1), ["tenant-1", ""]);
    assert_eq!(col(2), ["", ""]);
}
