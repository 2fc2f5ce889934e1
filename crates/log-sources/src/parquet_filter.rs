//! A query's filters against Parquet row-group statistics: row groups where the filters
//! cannot hold are not read.
//!
//! [`crate::LogTable`] turns the filters DataFusion pushes into its scan into physical
//! expressions over the table's schema ([`ParquetFilter`]). For each file, the reader
//! evaluates their conjunction against each row group's min/max/null-count statistics
//! (DataFusion's `PruningPredicate`) and skips the row groups where it cannot be true,
//! such as those entirely older than a `TimeGenerated > ago(1d)` bound or without a value
//! in a `FileName == "kubectl"` range.
//!
//! This is a hint, like the record prefilter: DataFusion applies every filter to the rows
//! produced. It must still never skip a row the filters accept, so a column's statistics
//! are used only when the file holds the column with exactly the table's type, and, for
//! `string` columns, without nulls (the table reads a null string as `""`, which the
//! statistics of the file's values do not describe). Other columns count as unknown.
//!
//! Rows are not filtered inside the reader. The Parquet reader's row filters (decode the
//! filter columns, then the others only for the rows kept) measured no faster on the
//! benchmark's seed rule than decoding the projected columns and letting DataFusion filter
//! the batches: the rows a detection filter keeps are scattered, so nearly every page of
//! the other columns is still read. Measured again with the reader's selector policy
//! (skip runs of rows rather than decode and mask them): 0.30 s against 0.24 s without
//! row filters on the benchmark's million rows, where the rule keeps one row in twenty,
//! in runs of one or two; with its default policy 0.39 s.
//!
//! Volatile filters (`rand()`) are never used: they do not describe a row group.

use arrow::array::{ArrayRef, BooleanArray, UInt64Array};
use arrow::datatypes::{Schema, SchemaRef};
use datafusion::common::pruning::PruningStatistics;
use datafusion::common::{Column, ScalarValue};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::pruning::PruningPredicateBuilder;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::file::metadata::ParquetMetaData;
use std::collections::HashSet;
use std::sync::Arc;
use table_schemas::{ScalarType, TableSchema};

/// The filters of a scan, as physical expressions over the table's Arrow schema.
#[derive(Debug, Clone)]
pub struct ParquetFilter {
    table_schema: SchemaRef,
    /// One per conjunct.
    conjuncts: Vec<Arc<dyn PhysicalExpr>>,
}

impl ParquetFilter {
    /// The filter made of `conjuncts` (physical expressions over `table_schema`).
    pub fn new(table_schema: SchemaRef, conjuncts: Vec<Arc<dyn PhysicalExpr>>) -> Self {
        Self {
            table_schema,
            conjuncts,
        }
    }

    /// The number of conjuncts.
    pub fn len(&self) -> usize {
        self.conjuncts.len()
    }

    /// True when there is nothing to filter with.
    pub fn is_empty(&self) -> bool {
        self.conjuncts.is_empty()
    }

    /// The row groups among `candidates` where the filters may hold.
    pub fn prune_row_groups(
        &self,
        table: &TableSchema,
        file_schema: &Schema,
        metadata: &ParquetMetaData,
        candidates: Vec<usize>,
    ) -> Vec<usize> {
        let Some(conjunction) =
            datafusion::physical_expr::conjunction_opt(self.conjuncts.iter().cloned())
        else {
            return candidates;
        };
        let Ok(predicate) = PruningPredicateBuilder::new()
            .with_file_schema(self.table_schema.clone())
            .try_build(conjunction)
        else {
            return candidates;
        };
        if predicate.always_true() {
            return candidates;
        }
        let stats = RowGroupStats {
            table,
            table_schema: &self.table_schema,
            file_schema,
            metadata,
            groups: &candidates,
        };
        match predicate.prune(&stats) {
            Ok(keep) if keep.len() == candidates.len() => candidates
                .iter()
                .zip(keep)
                .filter_map(|(&g, k)| k.then_some(g))
                .collect(),
            _ => candidates,
        }
    }
}

/// The file index of column `name` when the file holds it with the table's type and, for a
/// string column, no nulls in `row_groups`.
fn usable_column(
    table: &TableSchema,
    table_schema: &Schema,
    file_schema: &Schema,
    metadata: &ParquetMetaData,
    row_groups: &[usize],
    name: &str,
) -> Option<usize> {
    let (i, field) = file_schema.column_with_name(name)?;
    let (_, want) = table_schema.column_with_name(name)?;
    if field.data_type() != want.data_type() {
        return None;
    }
    let string = table
        .column(name)
        .is_some_and(|c| matches!(c.ty, ScalarType::String | ScalarType::Guid));
    if string && !no_nulls(name, file_schema, metadata, row_groups) {
        return None;
    }
    Some(i)
}

/// True when the statistics show no null in column `name` of any of `row_groups`.
fn no_nulls(
    name: &str,
    file_schema: &Schema,
    metadata: &ParquetMetaData,
    groups: &[usize],
) -> bool {
    let Ok(conv) =
        StatisticsConverter::try_new(name, file_schema, metadata.file_metadata().schema_descr())
    else {
        return false;
    };
    let rgs = groups.iter().filter_map(|&g| metadata.row_groups().get(g));
    match conv.row_group_null_counts(rgs) {
        // A missing count is a null entry: unknown, so not "no nulls".
        Ok(counts) => counts.iter().all(|c| c == Some(0)),
        Err(_) => false,
    }
}

/// Statistics of some row groups of one file, by table column.
struct RowGroupStats<'a> {
    table: &'a TableSchema,
    table_schema: &'a Schema,
    file_schema: &'a Schema,
    metadata: &'a ParquetMetaData,
    groups: &'a [usize],
}

impl RowGroupStats<'_> {
    /// The converter for a column the file holds with the table's type (string columns
    /// only when they have no nulls: a null string is `""` to the table).
    fn converter(&self, column: &Column) -> Option<StatisticsConverter<'_>> {
        usable_column(
            self.table,
            self.table_schema,
            self.file_schema,
            self.metadata,
            self.groups,
            &column.name,
        )?;
        StatisticsConverter::try_new(
            &column.name,
            self.file_schema,
            self.metadata.file_metadata().schema_descr(),
        )
        .ok()
    }

    fn groups(&self) -> impl Iterator<Item = &parquet::file::metadata::RowGroupMetaData> {
        self.groups
            .iter()
            .filter_map(|&g| self.metadata.row_groups().get(g))
    }
}

impl PruningStatistics for RowGroupStats<'_> {
    fn min_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_mins(self.groups()).ok()
    }

    fn max_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_maxes(self.groups()).ok()
    }

    fn num_containers(&self) -> usize {
        self.groups.len()
    }

    fn null_counts(&self, column: &Column) -> Option<ArrayRef> {
        let counts = self
            .converter(column)?
            .row_group_null_counts(self.groups())
            .ok()?;
        Some(Arc::new(counts))
    }

    fn row_counts(&self) -> Option<ArrayRef> {
        let counts: UInt64Array = self.groups().map(|g| Some(g.num_rows() as u64)).collect();
        Some(Arc::new(counts))
    }

    fn contained(&self, _column: &Column, _values: &HashSet<ScalarValue>) -> Option<BooleanArray> {
        None
    }
}
