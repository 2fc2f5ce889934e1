//! Conversions between KQL types: `tostring` and the `to*` functions.

mod text;

pub use text::{
    format_datetime_nanos, format_real, format_timespan_nanos, scalar_to_kql_string,
    to_kql_string_array,
};
