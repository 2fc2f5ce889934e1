//! `row_window_session(value, max_from_first, max_between_neighbours [, restart])` as a
//! DataFusion window function.
//!
//! Kusto (`row-window-session-function.md`): over serialized rows, each row gets the value
//! of the first row of its session; a new session starts at the first row, when the value
//! is more than `max_from_first` after the session's first value, when it is more than
//! `max_between_neighbours` after the previous row's value, or when `restart` is true.

use arrow::array::{Array, ArrayRef, AsArray, TimestampNanosecondBuilder};
use arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::Result;
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{PartitionEvaluator, Signature, Volatility, WindowUDFImpl};
use std::sync::Arc;

/// The window function, with its two distances (nanoseconds) fixed at plan time.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct RowWindowSession {
    max_from_first: i64,
    max_between: i64,
    signature: Signature,
}

impl RowWindowSession {
    pub(crate) fn new(max_from_first: i64, max_between: i64) -> Self {
        Self {
            max_from_first,
            max_between,
            signature: Signature::variadic_any(Volatility::Immutable),
        }
    }
}

impl WindowUDFImpl for RowWindowSession {
    fn name(&self) -> &str {
        "row_window_session"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn partition_evaluator(
        &self,
        _args: PartitionEvaluatorArgs,
    ) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(SessionEvaluator {
            max_from_first: self.max_from_first,
            max_between: self.max_between,
        }))
    }

    fn field(&self, field_args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(
            field_args.name(),
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            true,
        )))
    }
}

#[derive(Debug)]
struct SessionEvaluator {
    max_from_first: i64,
    max_between: i64,
}

impl PartitionEvaluator for SessionEvaluator {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let mut out = TimestampNanosecondBuilder::with_capacity(num_rows).with_timezone("UTC");
        let Some(first) = values.first() else {
            for _ in 0..num_rows {
                out.append_null();
            }
            return Ok(Arc::new(out.finish()));
        };
        let ts = arrow::compute::cast(first, &DataType::Int64)?;
        let ts = ts.as_primitive::<arrow::datatypes::Int64Type>();
        let restart = match values.get(1) {
            Some(r) => Some(arrow::compute::cast(r, &DataType::Boolean)?),
            None => None,
        };
        let restart = restart.as_ref().map(|r| r.as_boolean());
        let mut start: Option<i64> = None;
        let mut prev: Option<i64> = None;
        for i in 0..num_rows {
            if ts.is_null(i) {
                out.append_null();
                continue;
            }
            let v = ts.value(i);
            let forced = restart.is_some_and(|r| !r.is_null(i) && r.value(i));
            let new_session = match (start, prev) {
                (Some(s), Some(p)) => {
                    forced
                        || v.saturating_sub(s) > self.max_from_first
                        || v.saturating_sub(p) > self.max_between
                }
                _ => true,
            };
            if new_session {
                start = Some(v);
            }
            prev = Some(v);
            out.append_option(start);
        }
        Ok(Arc::new(out.finish()))
    }
}
