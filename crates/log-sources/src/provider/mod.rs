//! DataFusion integration: one [`LogTable`] provider per table over the discovered inputs.
//!
//! A scan reads the inputs on blocking threads and streams record batches through a
//! bounded channel (two batches deep), so a query over gigabytes holds a few batches, never
//! the table. The projection DataFusion pushes down is handed to the readers, which then
//! decode only those columns. Large uncompressed line-oriented inputs are cut into byte
//! ranges at line starts so every partition (one per core, DataFusion's
//! `target_partitions`) has a share of the work; small inputs are dealt out whole.
//!
//! Inputs of formats that keep a process table (auditd, Sysmon, Tetragon: a child's parent
//! columns come from the parent's own event, maybe in an earlier file) are neither split nor
//! spread: one partition reads all of them, in run order, on one set of process tables made
//! for that scan. Parallel ranges or threads would see a child before its parent.
//!
//! Filter pushdown: DataFusion offers the scan the filters above it; the provider accepts
//! them all as *inexact* (DataFusion still applies each one to the rows produced) and
//! derives from them, per input format, the literals a raw record must contain for its row
//! to possibly pass ([`crate::pushdown`]). Readers then drop records without any before
//! parsing them ([`crate::prefilter`]). Only formats that copy the columns concerned
//! verbatim from the record take part ([`crate::formats::FormatEntry::verbatim`]).
//! [`ReadOptions::pushdown`] turns this off (the environment variable `KQLHUNT_NO_PUSHDOWN`
//! sets its default), to compare results. [`LogTable::with_prefilter`] sets a prefilter by
//! hand instead, for every input. Parquet inputs get the filters themselves, as physical
//! expressions, to skip row groups by their statistics ([`crate::parquet_filter`]); a
//! Parquet file's row groups are shared out among the partitions like the byte ranges of
//! a large line-oriented file.
//!
//! Bad records met during scans are collected in [`LogTable::report`].

use crate::error::SourceError;
use crate::inputs::{InputKind, Inputs};
use crate::options::{ReadOptions, TableRequest};
use crate::parquet_filter::ParquetFilter;
use crate::prefilter::Prefilter;
use crate::pushdown::{self, Requirement};
use crate::read::{ReadPlan, read_input, tolerate};
use crate::report::ReadReport;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
    SendableRecordBatchStream,
};
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use table_schemas::TableSchema;

/// Batches in flight per partition.
const CHANNEL_DEPTH: usize = 2;

/// A prefilter derived from a scan's filters for the inputs of one format.
#[derive(Debug, Clone)]
pub struct PushedPrefilter {
    /// The format whose inputs it applies to.
    pub format: &'static str,
    /// The literals and the columns they were required of.
    pub requirement: Requirement,
    prefilter: Arc<Prefilter>,
}

/// A Sentinel table over local telemetry files.
#[derive(Debug, Clone)]
pub struct LogTable {
    table: &'static TableSchema,
    schema: SchemaRef,
    inputs: Arc<Inputs>,
    options: ReadOptions,
    prefilter: Option<Arc<Prefilter>>,
    report: Arc<Mutex<ReadReport>>,
}

impl LogTable {
    /// The provider of `table` over `inputs`.
    pub fn new(
        table: &str,
        inputs: Arc<Inputs>,
        options: ReadOptions,
    ) -> Result<Self, SourceError> {
        let schema = table_schemas::builtin_table(table)
            .ok_or_else(|| SourceError::UnknownTable(table.to_string()))?;
        Ok(Self {
            table: schema,
            schema: schema.arrow_schema(),
            inputs,
            options,
            prefilter: None,
            report: Arc::new(Mutex::new(ReadReport::default())),
        })
    }

    /// The same table, with scans that skip records containing none of `prefilter`'s
    /// literals. It must come from the query's filters: a record the filters could accept
    /// must contain one of the literals.
    pub fn with_prefilter(&self, prefilter: Prefilter) -> Self {
        Self {
            prefilter: (!prefilter.keeps_everything()).then(|| Arc::new(prefilter)),
            ..self.clone()
        }
    }

    /// The table's schema (name, columns, source).
    pub fn table(&self) -> &'static TableSchema {
        self.table
    }

    /// What the scans so far have read: rows and bad records per file.
    pub fn report(&self) -> ReadReport {
        self.report.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The prefilters `filters` imply, one per format of this table's inputs that can
    /// take one.
    fn derive_prefilters(&self, filters: &[Expr]) -> Vec<PushedPrefilter> {
        if filters.is_empty() || self.prefilter.is_some() || !self.options.pushdown {
            return Vec::new();
        }
        let mut out: Vec<PushedPrefilter> = Vec::new();
        for input in &self.inputs.inputs {
            let InputKind::Stream(entry) = input.kind else {
                continue;
            };
            let Some(verbatim) = entry.verbatim else {
                continue;
            };
            if !input.may_contain(&self.table.name) || out.iter().any(|p| p.format == entry.name) {
                continue;
            }
            let table = self.table;
            let Some(requirement) = pushdown::derive(filters, &|c| verbatim(table, c)) else {
                continue;
            };
            let prefilter = Prefilter::with_whole_values(
                &requirement.literals.iter().collect::<Vec<_>>(),
                |l| requirement.whole_values.contains(l),
            );
            if prefilter.keeps_everything() {
                continue;
            }
            out.push(PushedPrefilter {
                format: entry.name,
                requirement,
                prefilter: Arc::new(prefilter),
            });
        }
        out
    }

    /// The filters as physical expressions over the table, for the Parquet inputs (none
    /// when there are none).
    fn parquet_filter(&self, state: &dyn Session, filters: &[Expr]) -> Option<Arc<ParquetFilter>> {
        let any_parquet = self
            .inputs
            .inputs
            .iter()
            .any(|i| matches!(i.kind, InputKind::Parquet) && i.may_contain(&self.table.name));
        if filters.is_empty() || !any_parquet || !self.options.pushdown {
            return None;
        }
        let schema = DFSchema::try_from(self.schema.as_ref().clone()).ok()?;
        let conjuncts: Vec<_> = filters
            .iter()
            // A volatile filter (`rand()`) evaluated twice would filter twice.
            .filter(|f| !f.is_volatile())
            .filter_map(|f| {
                // The table's columns, whatever name the query gave the table.
                let f = f
                    .clone()
                    .transform(|e| match e {
                        Expr::Column(c) => Ok(Transformed::yes(Expr::Column(
                            Column::new_unqualified(c.name),
                        ))),
                        other => Ok(Transformed::no(other)),
                    })
                    .ok()?
                    .data;
                state.create_physical_expr(f, &schema).ok()
            })
            .collect();
        let f = ParquetFilter::new(self.schema.clone(), conjuncts);
        (!f.is_empty()).then(|| Arc::new(f))
    }

    /// The partitions of a scan: each a list of (input index, byte range) units.
    fn partitions(&self, target: usize) -> Vec<Vec<Unit>> {
        let target = target.max(1);
        let min_split = self.options.split_bytes.max(1);
        // Groups of units that go to one partition together, with their total size.
        let mut units: Vec<(Vec<Unit>, u64)> = Vec::new();
        let mut lineage: (Vec<Unit>, u64) = (Vec::new(), 0);
        for (i, input) in self.inputs.inputs.iter().enumerate() {
            if !input.may_contain(&self.table.name) {
                continue;
            }
            let size = input.size.unwrap_or(0);
            if matches!(input.kind, InputKind::Stream(e) if e.lineage) {
                lineage.0.push(Unit {
                    input: i,
                    range: None,
                });
                lineage.1 += size;
            } else if let Some(groups) = self.row_groups(input, target) {
                // A Parquet file: its row groups in `target` runs.
                let parts = groups.min(target).max(1);
                let step = groups.div_ceil(parts);
                let mut start = 0;
                while start < groups {
                    let end = (start + step).min(groups);
                    units.push((
                        vec![Unit {
                            input: i,
                            range: Some(start as u64..end as u64),
                        }],
                        size * (end - start) as u64 / groups as u64,
                    ));
                    start = end;
                }
            } else if let Some(ranges) = input
                .splittable()
                .then(|| crate::read::split_ranges(size, min_split, target))
                .flatten()
            {
                for r in ranges {
                    let len = r.end - r.start;
                    units.push((
                        vec![Unit {
                            input: i,
                            range: Some(r),
                        }],
                        len,
                    ));
                }
            } else {
                units.push((
                    vec![Unit {
                        input: i,
                        range: None,
                    }],
                    size,
                ));
            }
        }
        if !lineage.0.is_empty() {
            units.push(lineage);
        }
        let n = target.min(units.len()).max(1);
        let mut parts: Vec<(u64, Vec<Unit>)> = vec![(0, Vec::new()); n];
        // Largest first, each to the least loaded partition; ties by index keep it stable.
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(units[i].1));
        for i in order {
            let (group, size) = units[i].clone();
            if let Some(p) = parts.iter_mut().min_by_key(|p| p.0) {
                p.0 += size;
                p.1.extend(group);
            }
        }
        parts
            .into_iter()
            .map(|(_, mut u)| {
                u.sort_by_key(|x| (x.input, x.range.as_ref().map(|r| r.start)));
                u
            })
            .collect()
    }
}

impl LogTable {
    /// The row group count of a Parquet input worth sharing out (several groups, several
    /// partitions).
    fn row_groups(&self, input: &crate::inputs::Input, target: usize) -> Option<usize> {
        if !matches!(input.kind, InputKind::Parquet) || target < 2 {
            return None;
        }
        let groups = crate::parquet_in::row_group_count(input.file_path()?).ok()?;
        (groups > 1).then_some(groups)
    }
}

#[async_trait]
impl TableProvider for LogTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    /// Every filter is accepted as inexact: DataFusion keeps applying it, and the scan
    /// uses what it can of it as a record prefilter.
    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let projected = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => self.schema.clone(),
        };
        let tables = TableRequest::table(&self.table.name, projection.cloned());
        let plan = ReadPlan {
            options: self.options.clone(),
            tables: Arc::new(tables),
            prefilter: self.prefilter.clone(),
            parquet_filter: self.parquet_filter(state, filters),
            processes: None,
        };
        let partitions = self.partitions(state.config().target_partitions());
        let props = PlanProperties::new(
            EquivalenceProperties::new(projected.clone()),
            Partitioning::UnknownPartitioning(partitions.len()),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Ok(Arc::new(LogScanExec {
            table: self.table,
            schema: projected,
            inputs: self.inputs.clone(),
            plan,
            pushed: Arc::new(self.derive_prefilters(filters)),
            partitions,
            limit,
            report: self.report.clone(),
            props: Arc::new(props),
        }))
    }
}

/// One piece of a scan: an input, or a byte range of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unit {
    input: usize,
    range: Option<Range<u64>>,
}

/// The scan of a [`LogTable`].
#[derive(Debug)]
pub struct LogScanExec {
    table: &'static TableSchema,
    schema: SchemaRef,
    inputs: Arc<Inputs>,
    plan: ReadPlan,
    pushed: Arc<Vec<PushedPrefilter>>,
    partitions: Vec<Vec<Unit>>,
    limit: Option<usize>,
    report: Arc<Mutex<ReadReport>>,
    props: Arc<PlanProperties>,
}

impl LogScanExec {
    /// The table scanned.
    pub fn table_name(&self) -> &str {
        &self.table.name
    }

    /// The columns the scan produces (the projection DataFusion pushed down).
    pub fn columns(&self) -> Vec<&str> {
        self.schema
            .fields()
            .iter()
            .map(|c| c.name().as_str())
            .collect()
    }

    /// The prefilters derived from the query's filters, per input format.
    pub fn pushed_prefilters(&self) -> &[PushedPrefilter] {
        &self.pushed
    }
}

/// `defender-ndjson: any of [="docker", "exec"] (from FileName, ProcessCommandLine)`: a
/// literal marked `=` is some column's whole value (JSON inputs look for it in quotes).
impl fmt::Display for PushedPrefilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lits: Vec<String> = self
            .requirement
            .literals
            .iter()
            .map(|l| match self.requirement.whole_values.contains(l) {
                true => format!("={l:?}"),
                false => format!("{l:?}"),
            })
            .collect();
        let cols: Vec<&str> = self
            .requirement
            .columns
            .iter()
            .map(String::as_str)
            .collect();
        write!(
            f,
            "{}: any of [{}] (from {})",
            self.format,
            lits.join(", "),
            cols.join(", ")
        )
    }
}

impl DisplayAs for LogScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units: usize = self.partitions.iter().map(Vec::len).sum();
        write!(
            f,
            "LogScanExec: table={}, partitions={}, units={}",
            self.table.name,
            self.partitions.len(),
            units
        )?;
        let cols: Vec<&str> = self
            .schema
            .fields()
            .iter()
            .map(|c| c.name().as_str())
            .collect();
        write!(f, ", projection=[{}]", cols.join(", "))?;
        if self.plan.prefilter.is_some() {
            f.write_str(", prefilter")?;
        }
        for p in self.pushed.iter() {
            write!(f, ", prefilter={p}")?;
        }
        if let Some(p) = &self.plan.parquet_filter {
            write!(f, ", parquet_filters={}", p.len())?;
        }
        if let Some(l) = self.limit {
            write!(f, ", limit={l}")?;
        }
        Ok(())
    }
}

impl ExecutionPlan for LogScanExec {
    fn name(&self) -> &str {
        "LogScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.props
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            Ok(self)
        } else {
            Err(DataFusionError::Internal(
                "LogScanExec has no children".into(),
            ))
        }
    }

    fn execute(
        &self,
        partition: usize,
        _ctx: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let units = self.partitions.get(partition).cloned().ok_or_else(|| {
            DataFusionError::Internal(format!("LogScanExec has no partition {partition}"))
        })?;
        let (tx, rx) = tokio::sync::mpsc::channel::<DfResult<RecordBatch>>(CHANNEL_DEPTH);
        let job = ScanJob {
            table: self.table.name.as_str(),
            inputs: self.inputs.clone(),
            plan: self.plan.clone(),
            pushed: self.pushed.clone(),
            units,
            limit: self.limit,
            report: self.report.clone(),
            tx,
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn_blocking(move || job.run());
            }
            Err(_) => {
                std::thread::spawn(move || job.run());
            }
        }
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            self.schema.clone(),
            stream,
        )))
    }
}

/// The reading side of one partition, run on a blocking thread.
struct ScanJob {
    table: &'static str,
    inputs: Arc<Inputs>,
    plan: ReadPlan,
    pushed: Arc<Vec<PushedPrefilter>>,
    units: Vec<Unit>,
    limit: Option<usize>,
    report: Arc<Mutex<ReadReport>>,
    tx: tokio::sync::mpsc::Sender<DfResult<RecordBatch>>,
}

impl ScanJob {
    fn run(mut self) {
        // This job reads every lineage input of the scan (see `LogTable::partitions`), so
        // its tables are the scan's; a later scan starts afresh.
        self.plan
            .processes
            .get_or_insert_with(crate::process_table::ProcessTables::default);
        let mut left = self.limit.unwrap_or(usize::MAX);
        let explicit = self.plan.prefilter.clone();
        for unit in &self.units {
            if left == 0 {
                break;
            }
            let Some(input) = self.inputs.inputs.get(unit.input) else {
                continue;
            };
            self.plan.prefilter = explicit.clone().or_else(|| {
                let format = input.format()?;
                self.pushed
                    .iter()
                    .find(|p| p.format == format)
                    .map(|p| p.prefilter.clone())
            });
            let tx = &self.tx;
            let table = self.table;
            let result = read_input(input, &self.plan, unit.range.clone(), &mut |t, batch| {
                if t != table || left == 0 {
                    return if left == 0 {
                        Err(SourceError::Cancelled)
                    } else {
                        Ok(())
                    };
                }
                let batch = if batch.num_rows() > left {
                    batch.slice(0, left)
                } else {
                    batch
                };
                left -= batch.num_rows();
                tx.blocking_send(Ok(batch))
                    .map_err(|_| SourceError::Cancelled)
            });
            match tolerate(input, &self.plan, result) {
                Ok(r) => {
                    if let Ok(mut rep) = self.report.lock() {
                        rep.add(r);
                    }
                }
                Err(SourceError::Cancelled) if left == 0 => break,
                // The consumer is gone: stop quietly.
                Err(SourceError::Cancelled) => return,
                Err(e) => {
                    let _ = self
                        .tx
                        .blocking_send(Err(DataFusionError::External(Box::new(e))));
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
