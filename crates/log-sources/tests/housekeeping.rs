//! Sentinel's housekeeping columns over every fixture: `Type` is the table name on every
//! row of every source (Sentinel always stores it), while `TenantId` and `SourceSystem` are
//! only what the source gave: the Defender streaming envelope's `tenantId`, a Log Analytics
//! export's `TenantId`, and nothing for host sources (telemetry-formats §1.1, §1.3).

// Test code: a failed expectation is meant to abort.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow::array::{Array, StringArray};
use log_sources::{Inputs, ReadOptions, ReadPlan};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn logs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/logs")
}

/// Per file name: the distinct (table, Type, TenantId, SourceSystem) of its rows.
type Seen = BTreeMap<String, BTreeSet<(String, String, String, String)>>;

fn housekeeping() -> Seen {
    let options = ReadOptions::default();
    let inputs = Inputs::discover(&[logs()], &options).unwrap();
    let plan = ReadPlan::all(options);
    let mut seen = Seen::new();
    for input in &inputs.inputs {
        let name = Path::new(&*input.name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let entry = seen.entry(name).or_default();
        log_sources::read_input(input, &plan, None, &mut |table, b| {
            let col = |c: &str| {
                let a = b.column_by_name(c).unwrap();
                a.as_any().downcast_ref::<StringArray>().unwrap().clone()
            };
            let (ty, tenant, system) = (col("Type"), col("TenantId"), col("SourceSystem"));
            for i in 0..b.num_rows() {
                assert!(!ty.is_null(i) && !tenant.is_null(i) && !system.is_null(i));
                entry.insert((
                    table.to_string(),
                    ty.value(i).to_string(),
                    tenant.value(i).to_string(),
                    system.value(i).to_string(),
                ));
            }
            Ok(())
        })
        .unwrap();
    }
    seen
}

fn row(table: &str, tenant: &str) -> (String, String, String, String) {
    (table.into(), table.into(), tenant.into(), String::new())
}

#[test]
fn type_is_the_table_name_and_tenant_and_source_system_are_the_sources() {
    let seen = housekeeping();
    let mut files = 0;
    for (file, rows) in &seen {
        for (table, ty, _, _) in rows {
            assert_eq!(ty, table, "{file}");
        }
        files += usize::from(!rows.is_empty());
    }
    // Every telemetry fixture produced rows (the READMEs and the generator script none).
    assert_eq!(files, 27);
    let dpe = "DeviceProcessEvents";
    let dne = "DeviceNetworkEvents";
    let zero = "00000000-0000-0000-0000-000000000000";
    let set = |rows: &[(String, String, String, String)]| rows.iter().cloned().collect();
    // Host sources know no tenant.
    assert_eq!(seen["node-1-audit.log"], set(&[row(dne, ""), row(dpe, "")]));
    assert_eq!(
        seen["node-1-tetragon.log"],
        set(&[row(dne, ""), row(dpe, "")])
    );
    assert_eq!(seen["falco-alerts.log"], set(&[row(dpe, "")]));
    assert_eq!(
        seen["apiserver-audit.log"],
        set(&[row("AKSAudit", ""), row(dpe, "")])
    );
    // The streaming envelope's tenantId, and the export's own TenantId column.
    assert_eq!(
        seen["streaming-eventhub.json"],
        set(&[row(dne, zero), row(dpe, zero)])
    );
    assert_eq!(seen["sentinel-export.PT05M.json"], set(&[row(dpe, zero)]));
    // Advanced-hunting rows (API, portal) carry no tenant.
    assert_eq!(seen["docker-exec.csv"], set(&[row(dpe, "")]));
    assert_eq!(
        seen["portal-union.csv"],
        set(&[row("DeviceEvents", ""), row(dne, ""), row(dpe, "")])
    );
}
