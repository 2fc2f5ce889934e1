//! Runs KQL queries on Apache DataFusion.
//!
//! An [`Engine`] owns a DataFusion `SessionContext` and the tables queries can name (each
//! with its KQL column types). [`Engine::plan`] parses and binds a query — syntax and binding
//! problems come back as diagnostics with spans — and [`Engine::execute`] streams the result
//! as Arrow record batches. [`format`] writes results the way Kusto shows values (ISO 8601
//! datetimes with `Z`, `[d.]hh:mm:ss` timespans, `dynamic` as JSON).
//!
//! ```
//! # tokio_test_block(async {
//! let engine = kql_engine::Engine::new();
//! let planned = engine.plan("print x = 1 + 1", &kql_engine::QueryOptions::at(0)).unwrap();
//! let batches = engine.collect(&planned).await.unwrap();
//! assert_eq!(batches[0].num_rows(), 1);
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

pub mod casefile;
pub mod caserun;
mod catalog;
mod error;
mod files;
pub mod format;
pub mod telemetry;

pub use catalog::{RegisteredTable, builtin_catalog_tables};
pub use error::{EngineError, QueryError, execution_message};
pub use kql_plan::{BoundQuery, OutputColumn};

use arrow::record_batch::RecordBatch;
use datafusion::execution::context::{SessionConfig, SessionContext};
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::TryStreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Per-query options.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// `now()` for this query, in nanoseconds since the Unix epoch (UTC).
    pub now_nanos: i64,
}

impl QueryOptions {
    /// Options with `now()` fixed at `now_nanos`.
    pub fn at(now_nanos: i64) -> Self {
        Self { now_nanos }
    }

    /// Options with `now()` read from the system clock once.
    pub fn now() -> Self {
        let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        Self { now_nanos: now }
    }
}

/// A parsed and bound query, ready to run.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The query's syntax tree.
    pub ast: kql_syntax::Query,
    /// The bound plan and output schema.
    pub bound: BoundQuery,
}

/// Tables plus a DataFusion session.
pub struct Engine {
    ctx: SessionContext,
    tables: BTreeMap<String, RegisteredTable>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An engine with no tables, using every core and as much memory as its operators ask
    /// for.
    pub fn new() -> Self {
        Self::with_session(SessionContext::new_with_config(Self::config()))
    }

    /// An engine whose operators share `limit` bytes of memory. Operators that can spill
    /// (sorts, aggregations) write sorted runs to the system's temporary directory rather
    /// than grow past it, so a query that ends in `sort by` over millions of results keeps
    /// the memory of a scan; operators that cannot spill (a hash join's build side) fail
    /// with an error naming the limit instead of exhausting the machine.
    pub fn with_memory_limit(limit: usize) -> Result<Self, EngineError> {
        let pool = datafusion::execution::memory_pool::FairSpillPool::new(limit);
        let runtime = datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(pool))
            .build_arc()
            .map_err(|e| EngineError::Runtime {
                message: e.strip_backtrace(),
            })?;
        // Each sorting partition sets memory aside for merging its spilled runs (10 MB by
        // default): a share of the limit, so that small limits still leave room to sort.
        let partitions = Self::config().target_partitions().max(1);
        let reserve = (limit / (4 * partitions)).min(10 << 20);
        let config = Self::config().with_sort_spill_reservation_bytes(reserve);
        Ok(Self::with_session(SessionContext::new_with_config_rt(
            config, runtime,
        )))
    }

    fn config() -> SessionConfig {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        SessionConfig::new()
            .with_target_partitions(cores)
            .with_information_schema(false)
    }

    fn with_session(ctx: SessionContext) -> Self {
        Self {
            ctx,
            tables: BTreeMap::new(),
        }
    }

    /// The DataFusion session (for readers that need its runtime).
    pub fn session(&self) -> &SessionContext {
        &self.ctx
    }

    /// Makes a table available to queries under `name`.
    pub fn register(&mut self, name: impl Into<String>, table: RegisteredTable) {
        self.tables.insert(name.into(), table);
    }

    /// Registers every built-in Sentinel / Defender table schema as an empty table, so
    /// queries over them bind (used by `check` and as a fallback for tables with no input).
    pub fn register_builtin_empty_tables(&mut self) {
        for (name, t) in builtin_catalog_tables() {
            self.tables.entry(name).or_insert(t);
        }
    }

    /// Registers user-supplied table schemas (for `check`) as empty tables; they take
    /// precedence over built-in schemas of the same name.
    pub fn register_schema_tables(
        &mut self,
        tables: &[table_schemas::TableSchema],
    ) -> Result<(), EngineError> {
        for t in tables {
            let t = &table_schemas::with_standard_columns(t.clone());
            let mem = datafusion::catalog::MemTable::try_new(t.arrow_schema(), vec![vec![]])
                .map_err(|e| EngineError::Format {
                    path: t.name.clone(),
                    message: e.strip_backtrace(),
                })?;
            self.tables.insert(
                t.name.clone(),
                RegisteredTable {
                    columns: t.columns.iter().map(|c| (c.name.clone(), c.ty)).collect(),
                    provider: Arc::new(mem),
                    nullable_strings: false,
                },
            );
        }
        Ok(())
    }

    /// Binds `path` (a file or folder of NDJSON, JSON, CSV or Parquet) as table `name`, with
    /// the built-in schema of that name if there is one, otherwise an inferred schema.
    pub async fn register_file(
        &mut self,
        name: &str,
        path: &std::path::Path,
    ) -> Result<(), EngineError> {
        let t = files::file_table(&self.ctx, name, path).await?;
        self.tables.insert(name.to_string(), t);
        Ok(())
    }

    /// The registered tables.
    pub fn tables(&self) -> &BTreeMap<String, RegisteredTable> {
        &self.tables
    }

    /// Parses and binds a query.
    pub fn plan(&self, text: &str, options: &QueryOptions) -> Result<Planned, QueryError> {
        let ast = kql_syntax::parse_query(text).map_err(QueryError::Syntax)?;
        let catalog = catalog::EngineCatalog {
            tables: &self.tables,
        };
        let opts = kql_plan::PlanOptions {
            now_nanos: options.now_nanos,
            ..Default::default()
        };
        let bound = kql_plan::plan_query(&ast, &catalog, &opts).map_err(QueryError::Bind)?;
        Ok(Planned { ast, bound })
    }

    /// Parses and binds a query, then resolves data-dependent operators (`evaluate
    /// bag_unpack` without an output schema) by running their discovery plans and binding
    /// again with the columns found. Use this before executing; [`Engine::plan`] alone is
    /// enough for checking.
    pub async fn prepare(&self, text: &str, options: &QueryOptions) -> Result<Planned, QueryError> {
        let mut opts = kql_plan::PlanOptions {
            now_nanos: options.now_nanos,
            ..Default::default()
        };
        let ast = kql_syntax::parse_query(text).map_err(QueryError::Syntax)?;
        let catalog = catalog::EngineCatalog {
            tables: &self.tables,
        };
        // Each pass can reveal a further data-dependent operator; a few passes suffice.
        for _ in 0..8 {
            let bound = kql_plan::plan_query(&ast, &catalog, &opts).map_err(QueryError::Bind)?;
            if bound.discoveries.is_empty() {
                return Ok(Planned { ast, bound });
            }
            for d in &bound.discoveries {
                let df = self
                    .ctx
                    .execute_logical_plan(d.plan.clone())
                    .await
                    .map_err(QueryError::execution)?;
                let batches = df.collect().await.map_err(QueryError::execution)?;
                let mut pairs = Vec::new();
                for b in &batches {
                    if let Some(col) = b.columns().first() {
                        let col = arrow::compute::cast(col, &arrow::datatypes::DataType::Utf8)
                            .map_err(|e| QueryError::Execution(e.to_string()))?;
                        if let Some(s) = col.as_any().downcast_ref::<arrow::array::StringArray>() {
                            pairs.extend(s.iter().flatten().map(str::to_string));
                        }
                    }
                }
                opts.discovered
                    .insert(d.key, kql_plan::merge_discovered(pairs));
            }
        }
        Err(QueryError::Execution(
            "too many nested data-dependent operators (evaluate bag_unpack)".into(),
        ))
    }

    /// Runs a planned query, streaming its result.
    pub async fn execute(
        &self,
        planned: &Planned,
    ) -> Result<SendableRecordBatchStream, QueryError> {
        let df = self
            .ctx
            .execute_logical_plan(planned.bound.plan.clone())
            .await
            .map_err(QueryError::execution)?;
        df.execute_stream().await.map_err(QueryError::execution)
    }

    /// Runs a planned query and collects every batch.
    pub async fn collect(&self, planned: &Planned) -> Result<Vec<RecordBatch>, QueryError> {
        let stream = self.execute(planned).await?;
        stream.try_collect().await.map_err(QueryError::execution)
    }

    /// The KQL plan, DataFusion's optimised logical plan and its physical plan, as text.
    pub async fn explain(&self, planned: &Planned) -> Result<Explain, QueryError> {
        let df = self
            .ctx
            .execute_logical_plan(planned.bound.plan.clone())
            .await
            .map_err(QueryError::execution)?;
        let logical = df
            .clone()
            .into_optimized_plan()
            .map_err(QueryError::execution)?;
        let physical = df
            .create_physical_plan()
            .await
            .map_err(QueryError::execution)?;
        Ok(Explain {
            kql: planned.bound.kql_plan.clone(),
            logical: logical.display_indent().to_string(),
            physical: datafusion::physical_plan::displayable(physical.as_ref())
                .indent(true)
                .to_string(),
            scans: scans_of(physical.as_ref()),
        })
    }
}

/// What one telemetry scan of a physical plan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSummary {
    /// The table.
    pub table: String,
    /// The columns decoded (the pushed-down projection).
    pub columns: Vec<String>,
    /// Per input format, the prefilter derived from the query's filters: records without
    /// one of the literals are dropped before parsing.
    pub prefilters: Vec<String>,
}

/// The telemetry scans of `plan`, in plan order.
fn scans_of(plan: &dyn datafusion::physical_plan::ExecutionPlan) -> Vec<ScanSummary> {
    let mut out = Vec::new();
    if let Some(scan) = plan.downcast_ref::<log_sources::LogScanExec>() {
        out.push(ScanSummary {
            table: scan.table_name().to_string(),
            columns: scan.columns().into_iter().map(str::to_string).collect(),
            prefilters: scan
                .pushed_prefilters()
                .iter()
                .map(ToString::to_string)
                .collect(),
        });
    }
    for child in plan.children() {
        out.extend(scans_of(child.as_ref()));
    }
    out
}

/// The three views of a plan that `kqlhunt explain` prints.
#[derive(Debug, Clone)]
pub struct Explain {
    /// One line per KQL operator with its output columns and KQL types.
    pub kql: Vec<String>,
    /// DataFusion's optimised logical plan.
    pub logical: String,
    /// DataFusion's physical plan (shows pushed-down filters and projections).
    pub physical: String,
    /// The telemetry scans: projected columns and derived prefilters.
    pub scans: Vec<ScanSummary>,
}

/// Converts a registered provider list into a shared handle (helper for callers that build
/// tables themselves).
pub fn provider(
    p: impl datafusion::catalog::TableProvider + 'static,
) -> Arc<dyn datafusion::catalog::TableProvider> {
    Arc::new(p)
}
