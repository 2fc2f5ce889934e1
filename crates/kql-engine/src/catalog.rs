//! The engine's tables as the planner's [`kql_plan::Catalog`].

use datafusion::catalog::{MemTable, TableProvider};
use datafusion::datasource::provider_as_source;
use kql_plan::{Catalog, CatalogTable};
use kql_syntax::ScalarType;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A table registered with the engine.
#[derive(Clone)]
pub struct RegisteredTable {
    /// Columns and KQL types, matching the provider's schema by position.
    pub columns: Vec<(String, ScalarType)>,
    /// The data.
    pub provider: Arc<dyn TableProvider>,
    /// True if the provider may return null strings (generic readers).
    pub nullable_strings: bool,
}

impl std::fmt::Debug for RegisteredTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredTable")
            .field("columns", &self.columns)
            .finish()
    }
}

impl RegisteredTable {
    /// A table over a provider whose Arrow schema carries the KQL types (field metadata for
    /// `dynamic`/`guid`).
    pub fn from_provider(provider: Arc<dyn TableProvider>, nullable_strings: bool) -> Self {
        let columns = provider
            .schema()
            .fields()
            .iter()
            .map(|f| {
                (
                    f.name().clone(),
                    table_schemas::kql_type_of(f).unwrap_or(ScalarType::String),
                )
            })
            .collect();
        Self {
            columns,
            provider,
            nullable_strings,
        }
    }
}

pub(crate) struct EngineCatalog<'a> {
    pub tables: &'a BTreeMap<String, RegisteredTable>,
}

impl Catalog for EngineCatalog<'_> {
    fn table(&self, name: &str) -> Option<CatalogTable> {
        self.tables.get(name).map(|t| CatalogTable {
            columns: t.columns.clone(),
            source: provider_as_source(t.provider.clone()),
            nullable_strings: t.nullable_strings,
        })
    }

    fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }
}

/// Every built-in table schema as an empty in-memory table.
pub fn builtin_catalog_tables() -> Vec<(String, RegisteredTable)> {
    table_schemas::builtin_tables()
        .iter()
        .filter_map(|t| {
            let schema = t.arrow_schema();
            let mem = MemTable::try_new(schema, vec![vec![]]).ok()?;
            Some((
                t.name.clone(),
                RegisteredTable {
                    columns: t.columns.iter().map(|c| (c.name.clone(), c.ty)).collect(),
                    provider: Arc::new(mem),
                    nullable_strings: false,
                },
            ))
        })
        .collect()
}
