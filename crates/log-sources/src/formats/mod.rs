//! Input formats: one module per source family.

pub mod sysmon;
