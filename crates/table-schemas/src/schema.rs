//! Table schemas as data: `schemas/*.json`, embedded at build time.

use crate::types::arrow_field;
use arrow::datatypes::{Schema, SchemaRef};
use kql_syntax::ScalarType;
use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// One table: its name, columns in Microsoft's order, and where the definition comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSchema {
    /// Table name, e.g. `DeviceProcessEvents`.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// The public document the column list was taken from.
    pub source: String,
}

/// A column and its KQL type.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name, exactly as Microsoft spells it.
    pub name: String,
    /// KQL type.
    pub ty: ScalarType,
}

impl TableSchema {
    /// The column with this exact name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Position of a column.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The Arrow schema kqlhunt stores this table with.
    pub fn arrow_schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| arrow_field(&c.name, c.ty))
                .collect::<Vec<_>>(),
        ))
    }
}

#[derive(Deserialize)]
struct FileSchema {
    name: String,
    source: String,
    columns: Vec<FileColumn>,
}

#[derive(Deserialize)]
struct FileColumn {
    name: String,
    #[serde(rename = "type")]
    ty: String,
}

/// An error in a schema file (embedded or given by the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct SchemaError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));

/// Every built-in table schema, parsed once.
pub fn builtin_tables() -> &'static [TableSchema] {
    static TABLES: OnceLock<Vec<TableSchema>> = OnceLock::new();
    TABLES.get_or_init(|| {
        EMBEDDED
            .iter()
            // Embedded files are checked by a unit test; a broken one is skipped, not fatal.
            .filter_map(|(file, text)| parse_schema_file(file, text).ok())
            .collect()
    })
}

/// The built-in schema of a table, by exact name.
pub fn builtin_table(name: &str) -> Option<&'static TableSchema> {
    builtin_tables().iter().find(|t| t.name == name)
}

/// Parses one schema file (`{"name", "source", "columns": [{"name", "type"}]}`).
pub fn parse_schema_file(file: &str, text: &str) -> Result<TableSchema, SchemaError> {
    let err = |message: String| SchemaError {
        file: file.to_string(),
        message,
    };
    let raw: FileSchema = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let mut columns = Vec::with_capacity(raw.columns.len());
    for c in raw.columns {
        let ty = ScalarType::from_name(&c.ty)
            .ok_or_else(|| err(format!("column `{}` has unknown type `{}`", c.name, c.ty)))?;
        if columns.iter().any(|x: &Column| x.name == c.name) {
            return Err(err(format!("column `{}` is listed twice", c.name)));
        }
        columns.push(Column { name: c.name, ty });
    }
    Ok(TableSchema {
        name: raw.name,
        columns,
        source: raw.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses() {
        for (file, text) in EMBEDDED {
            if let Err(e) = parse_schema_file(file, text) {
                panic!("{e}");
            }
        }
        assert_eq!(builtin_tables().len(), EMBEDDED.len());
    }

    #[test]
    fn device_process_events_has_the_seed_rule_columns() {
        let t = builtin_table("DeviceProcessEvents").expect("built in");
        for (name, ty) in [
            ("TimeGenerated", ScalarType::DateTime),
            ("Timestamp", ScalarType::DateTime),
            ("DeviceName", ScalarType::String),
            ("AccountName", ScalarType::String),
            ("AccountDomain", ScalarType::String),
            ("FileName", ScalarType::String),
            ("ProcessCommandLine", ScalarType::String),
            ("InitiatingProcessFileName", ScalarType::String),
            ("InitiatingProcessCommandLine", ScalarType::String),
            ("InitiatingProcessParentFileName", ScalarType::String),
            ("ProcessId", ScalarType::Long),
            ("AdditionalFields", ScalarType::Dynamic),
        ] {
            assert_eq!(t.column(name).map(|c| c.ty), Some(ty), "{name}");
        }
    }
}
