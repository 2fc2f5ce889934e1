//! Binds KQL syntax against a catalog, checks types, and lowers to DataFusion logical plans.
//!
//! ```text
//! kql_syntax::Query ──bind──▶ (names resolved, KQL types checked) ──lower──▶ LogicalPlan
//! ```
//!
//! Binding and lowering happen in one walk: each tabular operator is bound against the KQL
//! schema of its input (column names and KQL types, tracked beside DataFusion's Arrow schema,
//! because Arrow alone cannot tell `dynamic` or `guid` from `string`) and immediately becomes
//! DataFusion `LogicalPlanBuilder` calls. Every name, type and arity problem becomes a
//! [`Diagnostic`] with the span of the offending token; binding continues where it can so a
//! query with several mistakes reports them all.
//!
//! Kusto's semantics that differ from SQL are decided here, in one place each:
//! * `==`/`!=` with exactly one null operand are `false`/`true`, not null;
//! * `string` is never null (outer joins and unions fill `""`);
//! * integer arithmetic is `long`; `sort` defaults to descending with nulls last;
//! * `now()`/`ago()` read one instant fixed per query ([`PlanOptions::now`]).

mod binder;
mod bound;
mod catalog;
mod literal;
mod naming;
mod range_table;
mod udf;

pub use binder::merge_discovered;
pub use bound::{BoundQuery, Discovery, OutputColumn};
pub use catalog::{Catalog, CatalogTable, EmptyCatalog};

use kql_diagnostics::Diagnostic;
use kql_syntax::Query;

/// Options that fix what a query sees.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The instant `now()` and `ago()` refer to, in nanoseconds since the Unix epoch (UTC).
    /// Kusto evaluates `now()` once per query; so does kqlhunt.
    pub now_nanos: i64,
    /// Output columns of data-dependent operators (`evaluate bag_unpack` without an output
    /// schema), found by running their [`Discovery`] plans: by the operator's position.
    pub discovered: std::collections::BTreeMap<u32, Vec<(String, kql_syntax::ScalarType)>>,
}

/// Parses datetime text the way `datetime(...)` literals are read (ISO 8601 with `T` or a
/// space, optional fraction and `Z`/offset), into nanoseconds since the Unix epoch.
pub fn parse_datetime_text(text: &str) -> Option<i64> {
    literal::parse_datetime(text).ok()
}

/// Binds and lowers a parsed query.
pub fn plan_query(
    query: &Query,
    catalog: &dyn Catalog,
    options: &PlanOptions,
) -> Result<BoundQuery, Vec<Diagnostic>> {
    binder::Binder::new(catalog, options).bind_query(query)
}
