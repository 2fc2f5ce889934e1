//! JSON scanning shared by the JSON-based readers.

pub mod scan;
