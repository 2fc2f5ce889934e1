//! Table schemas as data: `schemas/*.json`, embedded at build time.

use crate::types::arrow_field;
use arrow::datatypes::{Schema, SchemaRef};
use kql_syntax::ScalarType;
use serde_json::{Map, Value};
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
            .map(with_standard_columns)
            .collect()
    })
}

/// The standard columns every Azure Monitor Logs table has ("Standard columns in Azure
/// Monitor Logs": `TenantId`, `Type`, `_ItemId`, `_TimeReceived`, `_ResourceId`,
/// `_SubscriptionId`; the billing columns `_IsBillable` and `_BilledSize` are left out on
/// purpose). Table reference pages omit most of them, yet Sentinel queries use them
/// (`_ItemId`, `_ResourceId`), so every table that has `TimeGenerated` (a Log Analytics
/// table) gets those it lacks, after its own columns.
pub fn with_standard_columns(mut t: TableSchema) -> TableSchema {
    if t.column("TimeGenerated").is_none() {
        return t;
    }
    for (name, ty) in [
        ("TenantId", ScalarType::String),
        ("Type", ScalarType::String),
        ("_ItemId", ScalarType::String),
        ("_TimeReceived", ScalarType::DateTime),
        ("_ResourceId", ScalarType::String),
        ("_SubscriptionId", ScalarType::String),
    ] {
        if t.column(name).is_none() {
            t.columns.push(Column {
                name: name.to_string(),
                ty,
            });
        }
    }
    t
}

/// The built-in schema of a table, by exact name.
pub fn builtin_table(name: &str) -> Option<&'static TableSchema> {
    builtin_tables().iter().find(|t| t.name == name)
}

/// Parses one built-in schema file (`{"name", "source", "columns": [{"name", "type"}]}`).
///
/// Type names are KQL's (`bool`, `int`, `long`, `real`, `decimal`, `string`, `datetime`,
/// `timespan`, `guid`, `dynamic`) or the aliases [`scalar_type_from_schema_name`] accepts.
pub fn parse_schema_file(file: &str, text: &str) -> Result<TableSchema, SchemaError> {
    let value: Value = serde_json::from_str(text).map_err(|e| schema_error(file, e.to_string()))?;
    let Value::Object(obj) = value else {
        return Err(schema_error(file, "expected a JSON object".to_string()));
    };
    table_from_columns_form(file, &obj, None)
}

/// Parses a user schema file (`kqlhunt check --schema FILE`) into one or more tables.
///
/// Accepted shapes, told apart by their keys:
///
/// * a map of tables, each a map of columns to type names, in file order:
///   `{"MyTable_CL": {"TimeGenerated": "datetime", "Computer": "string"}, ...}`;
/// * one table in the form of the built-in files:
///   `{"name": "MyTable_CL", "source": "...", "columns": [{"name": "Computer", "type": "string"}]}`
///   (`source` is optional and defaults to the file name);
/// * one table in the form of the Azure Sentinel repository's KQL validation schemas:
///   `{"Name": "MyTable_CL", "Properties": [{"Name": "Computer", "Type": "String"}]}`;
/// * a JSON array of tables in either of the last two forms.
///
/// Type names are matched without regard to case and may be KQL's or Microsoft's aliases
/// (see [`scalar_type_from_schema_name`]). An unknown type, a column listed twice or a table
/// defined twice is an error naming the table and the column.
pub fn parse_user_schemas(file: &str, text: &str) -> Result<Vec<TableSchema>, SchemaError> {
    let value: Value = serde_json::from_str(text).map_err(|e| schema_error(file, e.to_string()))?;
    // serde_json keeps only the last of repeated keys; a column given twice must not pass.
    if let Ok(DuplicateKey(Some((path, key)))) = serde_json::from_str::<DuplicateKey>(text) {
        let message = match path.as_slice() {
            [] => format!("table `{key}` is defined twice"),
            [table] => format!("table `{table}`, column `{key}` is listed twice"),
            _ => format!("`{key}` is given twice in `{}`", path.join(".")),
        };
        return Err(schema_error(file, message));
    }
    let tables = match value {
        Value::Array(items) => {
            let mut tables = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let Value::Object(obj) = item else {
                    return Err(schema_error(
                        file,
                        format!("item {i} of the list is not a table object"),
                    ));
                };
                tables.push(single_table(file, obj).ok_or_else(|| {
                    schema_error(
                        file,
                        format!(
                            "item {i} of the list has neither `name` and `columns` nor `Name` and `Properties`"
                        ),
                    )
                })??);
            }
            tables
        }
        Value::Object(obj) => match single_table(file, &obj) {
            Some(table) => vec![table?],
            None => table_map(file, &obj)?,
        },
        _ => {
            return Err(schema_error(
                file,
                "expected a JSON object of tables or a list of tables".to_string(),
            ));
        }
    };
    for (i, t) in tables.iter().enumerate() {
        if tables[..i].iter().any(|u| u.name == t.name) {
            return Err(schema_error(
                file,
                format!("table `{}` is defined twice", t.name),
            ));
        }
    }
    Ok(tables)
}

/// The KQL type a schema file's type name stands for: KQL's own names and Microsoft's
/// aliases (`boolean`, `double`, `integer`, `int32`, `int64`, `float`, `date`, `time`,
/// `uniqueidentifier`, `uniqueid`, `object`, `array`), in any case.
pub fn scalar_type_from_schema_name(name: &str) -> Option<ScalarType> {
    let lower = name.trim().to_ascii_lowercase();
    ScalarType::from_name(&lower).or(match lower.as_str() {
        "integer" | "int32" => Some(ScalarType::Int),
        "int64" => Some(ScalarType::Long),
        "float" => Some(ScalarType::Real),
        "uniqueidentifier" => Some(ScalarType::Guid),
        "object" | "array" => Some(ScalarType::Dynamic),
        _ => None,
    })
}

/// The first object key repeated within one JSON object, with the keys leading to it.
struct DuplicateKey(Option<(Vec<String>, String)>);

impl<'de> serde::Deserialize<'de> for DuplicateKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DuplicateKeyVisitor)
    }
}

struct DuplicateKeyVisitor;

impl<'de> serde::de::Visitor<'de> for DuplicateKeyVisitor {
    type Value = DuplicateKey;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<DuplicateKey, A::Error> {
        let mut seen = std::collections::HashSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            let DuplicateKey(inner) = map.next_value()?;
            if found.is_some() {
                continue;
            }
            if let Some((mut path, dup)) = inner {
                path.insert(0, key.clone());
                found = Some((path, dup));
            } else if !seen.insert(key.clone()) {
                found = Some((Vec::new(), key));
            }
        }
        Ok(DuplicateKey(found))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<DuplicateKey, A::Error> {
        let mut found = None;
        while let Some(DuplicateKey(inner)) = seq.next_element()? {
            found = found.or(inner);
        }
        Ok(DuplicateKey(found))
    }

    fn visit_bool<E>(self, _: bool) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
    fn visit_unit<E>(self) -> Result<DuplicateKey, E> {
        Ok(DuplicateKey(None))
    }
}

fn schema_error(file: &str, message: String) -> SchemaError {
    SchemaError {
        file: file.to_string(),
        message,
    }
}

/// A table in the built-in (`name`/`columns`) or validation-schema (`Name`/`Properties`)
/// form, or `None` if the object has neither shape.
fn single_table(file: &str, obj: &Map<String, Value>) -> Option<Result<TableSchema, SchemaError>> {
    if obj.get("columns").is_some_and(Value::is_array) {
        Some(table_from_columns_form(file, obj, Some(file)))
    } else if obj.get("Properties").is_some_and(Value::is_array) {
        Some(table_from_properties_form(file, obj))
    } else {
        None
    }
}

/// `{"name", "source", "columns": [{"name", "type"}]}`; `default_source` stands in for a
/// missing `source` (built-in files must name theirs).
fn table_from_columns_form(
    file: &str,
    obj: &Map<String, Value>,
    default_source: Option<&str>,
) -> Result<TableSchema, SchemaError> {
    let name = string_field(file, obj, "name", "the table")?;
    let source = match (obj.get("source"), default_source) {
        (Some(Value::String(s)), _) => s.clone(),
        (None, Some(d)) => d.to_string(),
        _ => {
            return Err(schema_error(
                file,
                format!(
                    "table `{name}`: `source` must be a string naming where the columns come from"
                ),
            ));
        }
    };
    let Some(Value::Array(items)) = obj.get("columns") else {
        return Err(schema_error(
            file,
            format!("table `{name}`: `columns` must be a list"),
        ));
    };
    let mut columns = ColumnList::new(file, &name);
    for (i, item) in items.iter().enumerate() {
        let Value::Object(col) = item else {
            return Err(schema_error(
                file,
                format!("table `{name}`: column {i} is not an object"),
            ));
        };
        let what = format!("column {i} of table `{name}`");
        let col_name = string_field(file, col, "name", &what)?;
        let ty = string_field(
            file,
            col,
            "type",
            &format!("column `{col_name}` of table `{name}`"),
        )?;
        columns.push(&col_name, &ty)?;
    }
    let columns = columns.columns;
    Ok(TableSchema {
        name,
        columns,
        source,
    })
}

/// `{"Name", "Properties": [{"Name", "Type"}]}`, the Azure Sentinel repository's form
/// (some of its files spell the inner keys `name` and `type`).
fn table_from_properties_form(
    file: &str,
    obj: &Map<String, Value>,
) -> Result<TableSchema, SchemaError> {
    let name = string_field(file, obj, "Name", "the table")?;
    let Some(Value::Array(items)) = obj.get("Properties") else {
        return Err(schema_error(
            file,
            format!("table `{name}`: `Properties` must be a list"),
        ));
    };
    let mut columns = ColumnList::new(file, &name);
    for (i, item) in items.iter().enumerate() {
        let Value::Object(col) = item else {
            return Err(schema_error(
                file,
                format!("table `{name}`: property {i} is not an object"),
            ));
        };
        let key = |upper: &'static str, lower: &'static str| {
            if col.contains_key(upper) {
                upper
            } else {
                lower
            }
        };
        let what = format!("property {i} of table `{name}`");
        let col_name = string_field(file, col, key("Name", "name"), &what)?;
        let ty = string_field(
            file,
            col,
            key("Type", "type"),
            &format!("column `{col_name}` of table `{name}`"),
        )?;
        columns.push(&col_name, &ty)?;
    }
    let columns = columns.columns;
    Ok(TableSchema {
        name,
        columns,
        source: file.to_string(),
    })
}

/// `{"Table": {"Column": "type", ...}, ...}`.
fn table_map(file: &str, obj: &Map<String, Value>) -> Result<Vec<TableSchema>, SchemaError> {
    if obj.is_empty() {
        return Err(schema_error(file, "the file defines no table".to_string()));
    }
    let mut tables = Vec::with_capacity(obj.len());
    for (name, value) in obj {
        if name.trim().is_empty() {
            return Err(schema_error(file, "a table has an empty name".to_string()));
        }
        let Value::Object(cols) = value else {
            return Err(schema_error(
                file,
                format!("table `{name}` must be an object mapping column names to type names"),
            ));
        };
        let mut columns = ColumnList::new(file, name);
        for (col_name, ty) in cols {
            let Value::String(ty) = ty else {
                return Err(schema_error(
                    file,
                    format!(
                        "table `{name}`, column `{col_name}`: the type must be a string such as \"string\""
                    ),
                ));
            };
            columns.push(col_name, ty)?;
        }
        tables.push(TableSchema {
            name: name.clone(),
            columns: columns.columns,
            source: file.to_string(),
        });
    }
    Ok(tables)
}

fn string_field(
    file: &str,
    obj: &Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<String, SchemaError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(schema_error(file, format!("{what}: `{key}` is empty"))),
        Some(_) => Err(schema_error(
            file,
            format!("{what}: `{key}` must be a string"),
        )),
        None => Err(schema_error(file, format!("{what}: `{key}` is missing"))),
    }
}

/// Columns of one table being read, checking types and duplicates.
struct ColumnList<'a> {
    file: &'a str,
    table: &'a str,
    columns: Vec<Column>,
}

impl<'a> ColumnList<'a> {
    fn new(file: &'a str, table: &'a str) -> Self {
        Self {
            file,
            table,
            columns: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, ty: &str) -> Result<(), SchemaError> {
        let table = self.table;
        if name.trim().is_empty() {
            return Err(schema_error(
                self.file,
                format!("table `{table}`: a column has an empty name"),
            ));
        }
        let ty = scalar_type_from_schema_name(ty).ok_or_else(|| {
            schema_error(
                self.file,
                format!(
                    "table `{table}`, column `{name}`: unknown type `{ty}` (expected bool, int, long, real, decimal, string, datetime, timespan, guid or dynamic)"
                ),
            )
        })?;
        if self.columns.iter().any(|c| c.name == name) {
            return Err(schema_error(
                self.file,
                format!("table `{table}`, column `{name}` is listed twice"),
            ));
        }
        self.columns.push(Column {
            name: name.to_string(),
            ty,
        });
        Ok(())
    }
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
    fn embedded_files_are_named_after_their_table_and_use_canonical_type_names() {
        for (file, text) in EMBEDDED {
            let table = parse_schema_file(file, text).expect("parses");
            assert_eq!(*file, format!("{}.json", table.name), "{file}");
            let raw: Value = serde_json::from_str(text).expect("JSON");
            for col in raw["columns"].as_array().expect("columns") {
                let ty = col["type"].as_str().expect("type");
                assert_eq!(
                    ScalarType::from_name(ty).map(ScalarType::as_str),
                    Some(ty),
                    "{file}: column {} has type {ty}",
                    col["name"]
                );
            }
        }
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

    fn cols(t: &TableSchema) -> Vec<(&str, ScalarType)> {
        t.columns.iter().map(|c| (c.name.as_str(), c.ty)).collect()
    }

    #[test]
    fn user_schema_map_form_keeps_file_order() {
        let text = r#"{
            "Custom_CL": {"TimeGenerated": "datetime", "Zeta": "string", "Alpha": "long",
                          "Flag": "Boolean", "Score": "double", "Id": "uniqueidentifier",
                          "Bag": "object", "When": "date", "Took": "timespan"},
            "Other_CL": {"TimeGenerated": "DateTime", "Computer": "String"}
        }"#;
        let tables = parse_user_schemas("custom.json", text).expect("parses");
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].name, "Custom_CL");
        assert_eq!(tables[0].source, "custom.json");
        assert_eq!(
            cols(&tables[0]),
            vec![
                ("TimeGenerated", ScalarType::DateTime),
                ("Zeta", ScalarType::String),
                ("Alpha", ScalarType::Long),
                ("Flag", ScalarType::Bool),
                ("Score", ScalarType::Real),
                ("Id", ScalarType::Guid),
                ("Bag", ScalarType::Dynamic),
                ("When", ScalarType::DateTime),
                ("Took", ScalarType::Timespan),
            ]
        );
        assert_eq!(tables[1].name, "Other_CL");
        assert_eq!(
            cols(&tables[1]),
            vec![
                ("TimeGenerated", ScalarType::DateTime),
                ("Computer", ScalarType::String)
            ]
        );
    }

    #[test]
    fn user_schema_single_table_form_and_list_of_them() {
        let one = r#"{"name": "Custom_CL", "columns": [
            {"name": "TimeGenerated", "type": "datetime"}, {"name": "N", "type": "int"}]}"#;
        let tables = parse_user_schemas("one.json", one).expect("parses");
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].name, "Custom_CL");
        assert_eq!(tables[0].source, "one.json");
        assert_eq!(
            cols(&tables[0]),
            vec![
                ("TimeGenerated", ScalarType::DateTime),
                ("N", ScalarType::Int)
            ]
        );

        let list = r#"[
            {"name": "A_CL", "source": "my notes", "columns": [{"name": "X", "type": "string"}]},
            {"Name": "B_CL", "Properties": [{"Name": "TimeGenerated", "Type": "Datetime"},
                                            {"name": "Y", "type": "Dynamic"}]}
        ]"#;
        let tables = parse_user_schemas("list.json", list).expect("parses");
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].name, "A_CL");
        assert_eq!(tables[0].source, "my notes");
        assert_eq!(cols(&tables[0]), vec![("X", ScalarType::String)]);
        assert_eq!(tables[1].name, "B_CL");
        assert_eq!(
            cols(&tables[1]),
            vec![
                ("TimeGenerated", ScalarType::DateTime),
                ("Y", ScalarType::Dynamic)
            ]
        );
    }

    #[test]
    fn a_built_in_file_is_a_valid_user_schema() {
        let (file, text) = EMBEDDED
            .iter()
            .find(|(f, _)| *f == "DeviceProcessEvents.json")
            .expect("embedded");
        let tables = parse_user_schemas(file, text).expect("parses");
        assert_eq!(tables.len(), 1);
        let with_std = with_standard_columns(tables[0].clone());
        assert_eq!(Some(&with_std), builtin_table("DeviceProcessEvents"));
    }

    fn user_error(text: &str) -> String {
        match parse_user_schemas("bad.json", text) {
            Ok(t) => panic!("expected an error, got {t:?}"),
            Err(e) => {
                assert_eq!(e.file, "bad.json");
                e.to_string()
            }
        }
    }

    #[test]
    fn user_schema_unknown_type_names_the_table_and_column() {
        let e = user_error(r#"{"Custom_CL": {"TimeGenerated": "datetime", "Count": "integr"}}"#);
        assert!(
            e.contains("Custom_CL") && e.contains("`Count`") && e.contains("`integr`"),
            "{e}"
        );

        let e = user_error(r#"{"name": "T", "columns": [{"name": "C", "type": "varchar"}]}"#);
        assert!(
            e.contains("`T`") && e.contains("`C`") && e.contains("`varchar`"),
            "{e}"
        );

        let e = user_error(r#"[{"Name": "T", "Properties": [{"Name": "P", "Type": "text"}]}]"#);
        assert!(
            e.contains("`T`") && e.contains("`P`") && e.contains("`text`"),
            "{e}"
        );
    }

    #[test]
    fn user_schema_structural_errors() {
        let e = user_error(r#"{"T": {"C": "string", "C": "long"}}"#);
        assert!(e.contains("table `T`, column `C` is listed twice"), "{e}");
        let e = user_error(r#"{"T": {"C": "string"}, "T": {"D": "long"}}"#);
        assert!(e.contains("table `T` is defined twice"), "{e}");
        let e = user_error(
            r#"{"name": "T", "columns": [{"name": "C", "type": "string"}, {"name": "C", "type": "long"}]}"#,
        );
        assert!(e.contains("`C`") && e.contains("twice"), "{e}");
        let e = user_error(r#"[{"name": "T", "columns": []}, {"Name": "T", "Properties": []}]"#);
        assert!(e.contains("`T`") && e.contains("defined twice"), "{e}");
        let e = user_error(r#"{"T": ["C", "string"]}"#);
        assert!(e.contains("`T`"), "{e}");
        let e = user_error(r#"{"T": {"C": 5}}"#);
        assert!(e.contains("`T`") && e.contains("`C`"), "{e}");
        let e = user_error(r#"{"name": "T", "columns": [{"name": "C"}]}"#);
        assert!(e.contains("`C`") && e.contains("`type` is missing"), "{e}");
        let e = user_error("[1]");
        assert!(e.contains("item 0"), "{e}");
        let e = user_error("{}");
        assert!(e.contains("no table"), "{e}");
        let e = user_error("\"T\"");
        assert!(e.contains("expected"), "{e}");
        let e = user_error("{\"T\": {\"C\": \"string\"");
        assert!(e.contains("line"), "{e}");
    }
}
