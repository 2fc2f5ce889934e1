//! Microsoft Sentinel and Defender XDR table schemas, and how KQL types map onto Arrow.
//!
//! A Sentinel rule must bind unchanged, so kqlhunt's tables carry Microsoft's published
//! column names, spellings and types exactly. The schemas are data (`schemas/*.json`,
//! embedded at build time), each file naming its public source.
//!
//! The type mapping is the one place that decides how a KQL value is stored in Arrow; the
//! readers, the planner and the output writers all go through [`arrow_type`] and
//! [`kql_type_of`].

mod schema;
mod types;

pub use schema::{
    Column, SchemaError, TableSchema, builtin_table, builtin_tables, parse_schema_file,
    parse_user_schemas, scalar_type_from_schema_name,
};

pub use types::{KQL_TYPE_METADATA_KEY, arrow_field, arrow_type, kql_type_of};

pub use kql_syntax::ScalarType;
