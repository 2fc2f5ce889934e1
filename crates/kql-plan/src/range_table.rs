//! The rows of `range x from a to b step s`, generated into an in-memory table.
//!
//! Bounds are constants, so the row count is known at plan time; it is capped so that a
//! mistyped step (`range x from 0 to 1e12 step 1`) is an error, not an out-of-memory.

use arrow::array::{
    ArrayRef, DurationNanosecondArray, Float64Array, Int64Array, TimestampNanosecondArray,
};
use arrow::record_batch::RecordBatch;
use datafusion::catalog::MemTable;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// Most rows a `range` may produce.
const MAX_ROWS: u64 = 100_000_000;
const BATCH: usize = 8192;

/// A validated range.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RangeSpec {
    Long { from: i64, step: i64, count: u64 },
    Real { from: f64, step: f64, count: u64 },
    DateTime { from: i64, step: i64, count: u64 },
    Timespan { from: i64, step: i64, count: u64 },
}

fn int_count(from: i64, to: i64, step: i64) -> Result<u64, String> {
    if step == 0 {
        return Err("`range` step must not be zero".into());
    }
    if (step > 0 && to < from) || (step < 0 && to > from) {
        return Ok(0);
    }
    let span = (i128::from(to) - i128::from(from)) / i128::from(step);
    let count = u64::try_from(span + 1).map_err(|_| "`range` is too large".to_string())?;
    if count > MAX_ROWS {
        return Err(format!(
            "`range` would produce {count} rows, more than the {MAX_ROWS} allowed"
        ));
    }
    Ok(count)
}

impl RangeSpec {
    pub fn new(from: &ScalarValue, to: &ScalarValue, step: &ScalarValue) -> Result<Self, String> {
        use ScalarValue as S;
        let as_i64 = |v: &ScalarValue| match v {
            S::Int64(Some(n)) => Some(*n),
            S::Int32(Some(n)) => Some(i64::from(*n)),
            _ => None,
        };
        let as_f64 = |v: &ScalarValue| match v {
            S::Float64(Some(f)) => Some(*f),
            S::Int64(Some(n)) => Some(*n as f64),
            S::Int32(Some(n)) => Some(f64::from(*n)),
            _ => None,
        };
        match (from, to, step) {
            (
                S::TimestampNanosecond(Some(f), _),
                S::TimestampNanosecond(Some(t), _),
                S::DurationNanosecond(Some(s)),
            ) => Ok(RangeSpec::DateTime {
                from: *f,
                step: *s,
                count: int_count(*f, *t, *s)?,
            }),
            (
                S::DurationNanosecond(Some(f)),
                S::DurationNanosecond(Some(t)),
                S::DurationNanosecond(Some(s)),
            ) => Ok(RangeSpec::Timespan {
                from: *f,
                step: *s,
                count: int_count(*f, *t, *s)?,
            }),
            _ => {
                if let (Some(f), Some(t), Some(s)) = (as_i64(from), as_i64(to), as_i64(step)) {
                    return Ok(RangeSpec::Long {
                        from: f,
                        step: s,
                        count: int_count(f, t, s)?,
                    });
                }
                if let (Some(f), Some(t), Some(s)) = (as_f64(from), as_f64(to), as_f64(step)) {
                    if s == 0.0 || !s.is_finite() || !f.is_finite() || !t.is_finite() {
                        return Err("`range` step must be a finite, non-zero number".into());
                    }
                    let n = ((t - f) / s).floor();
                    if n < 0.0 {
                        return Ok(RangeSpec::Real {
                            from: f,
                            step: s,
                            count: 0,
                        });
                    }
                    if n + 1.0 > MAX_ROWS as f64 {
                        return Err(format!("`range` would produce more than {MAX_ROWS} rows"));
                    }
                    return Ok(RangeSpec::Real {
                        from: f,
                        step: s,
                        count: n as u64 + 1,
                    });
                }
                Err("`range` needs numbers, datetimes with a timespan step, or timespans".into())
            }
        }
    }

    pub fn kql_type(&self) -> ScalarType {
        match self {
            RangeSpec::Long { .. } => ScalarType::Long,
            RangeSpec::Real { .. } => ScalarType::Real,
            RangeSpec::DateTime { .. } => ScalarType::DateTime,
            RangeSpec::Timespan { .. } => ScalarType::Timespan,
        }
    }

    fn count(&self) -> u64 {
        match *self {
            RangeSpec::Long { count, .. }
            | RangeSpec::Real { count, .. }
            | RangeSpec::DateTime { count, .. }
            | RangeSpec::Timespan { count, .. } => count,
        }
    }

    fn chunk(&self, start: u64, len: usize) -> ArrayRef {
        let idx = (start..start + len as u64).map(|i| i as i64);
        match *self {
            RangeSpec::Long { from, step, .. } => Arc::new(Int64Array::from_iter_values(
                idx.map(|i| from.wrapping_add(step.wrapping_mul(i))),
            )),
            RangeSpec::Real { from, step, .. } => Arc::new(Float64Array::from_iter_values(
                idx.map(|i| from + step * i as f64),
            )),
            RangeSpec::DateTime { from, step, .. } => Arc::new(
                TimestampNanosecondArray::from_iter_values(
                    idx.map(|i| from.wrapping_add(step.wrapping_mul(i))),
                )
                .with_timezone("UTC"),
            ),
            RangeSpec::Timespan { from, step, .. } => {
                Arc::new(DurationNanosecondArray::from_iter_values(
                    idx.map(|i| from.wrapping_add(step.wrapping_mul(i))),
                ))
            }
        }
    }

    /// The generated rows as a table with one column.
    pub fn into_table(self, column: &str) -> Result<Arc<MemTable>, String> {
        let field = table_schemas::arrow_field(column, self.kql_type()).with_nullable(false);
        let schema = Arc::new(arrow::datatypes::Schema::new(vec![field]));
        let mut batches = Vec::new();
        let total = self.count();
        let mut start = 0u64;
        while start < total {
            let len = usize::try_from((total - start).min(BATCH as u64)).unwrap_or(BATCH);
            let batch = RecordBatch::try_new(schema.clone(), vec![self.chunk(start, len)])
                .map_err(|e| e.to_string())?;
            batches.push(batch);
            start += len as u64;
        }
        MemTable::try_new(schema, vec![batches])
            .map(Arc::new)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_bounds_and_empty_ranges() {
        let s = RangeSpec::new(
            &ScalarValue::Int64(Some(1)),
            &ScalarValue::Int64(Some(10)),
            &ScalarValue::Int64(Some(3)),
        )
        .unwrap();
        assert_eq!(s.count(), 4); // 1, 4, 7, 10
        let s = RangeSpec::new(
            &ScalarValue::Int64(Some(5)),
            &ScalarValue::Int64(Some(1)),
            &ScalarValue::Int64(Some(1)),
        )
        .unwrap();
        assert_eq!(s.count(), 0);
        assert!(
            RangeSpec::new(
                &ScalarValue::Int64(Some(0)),
                &ScalarValue::Int64(Some(1)),
                &ScalarValue::Int64(Some(0))
            )
            .is_err()
        );
        assert!(
            RangeSpec::new(
                &ScalarValue::Int64(Some(0)),
                &ScalarValue::Int64(Some(i64::MAX)),
                &ScalarValue::Int64(Some(1))
            )
            .is_err()
        );
    }
}
