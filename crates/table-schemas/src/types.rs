//! KQL scalar types ↔ Arrow data types.
//!
//! | KQL | Arrow | why |
//! |---|---|---|
//! | `bool` | `Boolean` | |
//! | `int` | `Int32` | KQL `int` is 32-bit signed |
//! | `long` | `Int64` | |
//! | `real` | `Float64` | KQL `real` is a 64-bit double |
//! | `decimal` | `Decimal128(38, 18)` | widest exact decimal Arrow has |
//! | `string` | `Utf8` | never null in KQL: missing values are `""` |
//! | `datetime` | `Timestamp(ns, "UTC")` | holds KQL's 100 ns ticks exactly; range 1677–2262 |
//! | `timespan` | `Duration(ns)` | same resolution as `datetime` |
//! | `guid` | `Utf8` + metadata `kql.type=guid` | canonical lower-case text form |
//! | `dynamic` | `Utf8` + metadata `kql.type=dynamic` | JSON text (see below) |
//!
//! `dynamic` is stored as JSON text: it is Arrow-native (Parquet, CSV and every DataFusion
//! operator handle it without an extension type), it is what the telemetry already contains,
//! and the JSON functions (`parse_json`, member access, `mv-expand`, `bag_keys`) parse it
//! with a fast streaming JSON parser only when a query touches it. Arrow's type alone cannot
//! tell `guid` and `dynamic` from `string`, so the KQL type rides along as field metadata.

use arrow::datatypes::{DataType, Field, TimeUnit};
use kql_syntax::ScalarType;
use std::collections::HashMap;

/// Field-metadata key that records a column's KQL type where Arrow's type is ambiguous.
pub const KQL_TYPE_METADATA_KEY: &str = "kql.type";

/// The Arrow type that stores a KQL type.
pub fn arrow_type(ty: ScalarType) -> DataType {
    match ty {
        ScalarType::Bool => DataType::Boolean,
        ScalarType::Int => DataType::Int32,
        ScalarType::Long => DataType::Int64,
        ScalarType::Real => DataType::Float64,
        ScalarType::Decimal => DataType::Decimal128(38, 18),
        ScalarType::String | ScalarType::Guid | ScalarType::Dynamic => DataType::Utf8,
        ScalarType::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        ScalarType::Timespan => DataType::Duration(TimeUnit::Nanosecond),
    }
}

/// An Arrow field for a KQL column (nullable; metadata set for `guid` and `dynamic`).
pub fn arrow_field(name: &str, ty: ScalarType) -> Field {
    let field = Field::new(name, arrow_type(ty), true);
    match ty {
        ScalarType::Guid | ScalarType::Dynamic => field.with_metadata(HashMap::from([(
            KQL_TYPE_METADATA_KEY.to_string(),
            ty.as_str().to_string(),
        )])),
        _ => field,
    }
}

/// The KQL type of an Arrow field: its `kql.type` metadata if present, otherwise derived
/// from the Arrow type. `None` for Arrow types KQL has no equivalent for.
pub fn kql_type_of(field: &Field) -> Option<ScalarType> {
    if let Some(t) = field.metadata().get(KQL_TYPE_METADATA_KEY) {
        return ScalarType::from_name(t);
    }
    Some(match field.data_type() {
        DataType::Boolean => ScalarType::Bool,
        DataType::Int8 | DataType::Int16 | DataType::Int32 => ScalarType::Int,
        DataType::UInt8 | DataType::UInt16 => ScalarType::Int,
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => ScalarType::Long,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => ScalarType::Real,
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => ScalarType::Decimal,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ScalarType::String,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => ScalarType::DateTime,
        DataType::Duration(_) => ScalarType::Timespan,
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::Struct(_)
        | DataType::Map(..)
        | DataType::Null => ScalarType::Dynamic,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kql_type_round_trips_through_arrow() {
        use ScalarType::*;
        for ty in [
            Bool, Int, Long, Real, Decimal, String, DateTime, Timespan, Guid, Dynamic,
        ] {
            let f = arrow_field("c", ty);
            assert_eq!(kql_type_of(&f), Some(ty), "{ty}");
        }
        // KQL `real` is 64-bit, not 32-bit.
        assert_eq!(arrow_type(Real), DataType::Float64);
        assert_eq!(arrow_type(Int), DataType::Int32);
    }
}
