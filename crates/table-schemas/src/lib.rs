//! Microsoft Sentinel and Defender XDR table schemas, and how KQL types map onto Arrow.
//!
//! A Sentinel rule must bind unchanged, so kqlhunt's tables carry Microsoft's published
//! column names, spellings and types exactly. The schemas are data (`schemas/*.json`,
//! embedded at build time), each file naming its public source in `source`:
//!
//! * Defender XDR advanced-hunting tables take their columns, types and order from
//!   `MicrosoftDocs/defender-docs` (`defender-xdr/advanced-hunting-<table>-table.md`). Where
//!   the table is streamed to Sentinel and the Azure Monitor Logs reference documents it
//!   (`MicrosoftDocs/azure-reference-other`, `azure-monitor-ref/tables/<table>.md`), the
//!   Sentinel form is used: the Sentinel-only columns (`TenantId`, `TimeGenerated`,
//!   `SourceSystem`, `MachineGroup`, `Type`, ...) follow the Defender columns, and Sentinel's
//!   types and spellings win (`AdditionalFields` is `dynamic`, `ISP` not `Isp`). Tables only
//!   in Defender get a `TimeGenerated` column appended, since Sentinel rules filter on it.
//! * Sentinel / Log Analytics tables take their columns from the Azure Monitor Logs
//!   reference, in its (alphabetical) order. `TenantId`, a standard column of every Log
//!   Analytics table, is added where a page omits it. The billing metadata columns
//!   `_BilledSize` and `_IsBillable` are left out: they are hidden and no rule reads them.
//!
//! User schema files (`kqlhunt check --schema FILE`) are read by [`parse_user_schemas`].
//!
//! The type mapping is the one place that decides how a KQL value is stored in Arrow; the
//! readers, the planner and the output writers all go through [`arrow_type`] and
//! [`kql_type_of`].

mod schema;
mod types;

pub use schema::{
    Column, SchemaError, TableSchema, builtin_table, builtin_tables, parse_schema_file,
    parse_user_schemas, scalar_type_from_schema_name, with_standard_columns,
};

pub use types::{KQL_TYPE_METADATA_KEY, arrow_field, arrow_type, kql_type_of};

pub use kql_syntax::ScalarType;
