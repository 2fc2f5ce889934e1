//! What the planner can see: tables by name.

use datafusion::logical_expr::TableSource;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// A table as the planner sees it.
#[derive(Clone)]
pub struct CatalogTable {
    /// Columns with their KQL types, in order. Must match the source's Arrow schema by name
    /// and position.
    pub columns: Vec<(String, ScalarType)>,
    /// DataFusion's handle on the data.
    pub source: Arc<dyn TableSource>,
    /// True when the source may hold null strings (a generic reader); the planner then reads
    /// them as `""`, since KQL strings are never null. kqlhunt's own readers never produce
    /// null strings and set this to false.
    pub nullable_strings: bool,
}

impl std::fmt::Debug for CatalogTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogTable")
            .field("columns", &self.columns)
            .finish()
    }
}

/// The planner's only view of the world (modelled on DataFusion's `ContextProvider`): tables
/// by exact name. Implementations decide where data comes from (files, built-in empty tables
/// for `check`, in-memory test tables).
pub trait Catalog {
    /// The table with this exact name.
    fn table(&self, name: &str) -> Option<CatalogTable>;
    /// Every table name, for wildcards (`union Device*`) and "did you mean" help.
    fn table_names(&self) -> Vec<String>;
}

/// A catalog with no tables (queries over `datatable`, `print`, `range`).
#[derive(Debug, Default, Clone, Copy)]
pub struct EmptyCatalog;

impl Catalog for EmptyCatalog {
    fn table(&self, _name: &str) -> Option<CatalogTable> {
        None
    }
    fn table_names(&self) -> Vec<String> {
        Vec::new()
    }
}
