//! `percentile`, `percentiles`, `percentilew`, `percentilesw` and their `_array` forms as one
//! DataFusion aggregate.
//!
//! Kusto gives the *nearest-rank* percentile (percentiles-aggregation-function.md): the
//! smallest value whose cumulative weight reaches `ceil(p / 100 * total weight)`, so the
//! result is always one of the values (`percentilesw` over buckets 10×8, 20×6, 30×3, 40×1
//! gives 20, 20 and 40 at 50, 75 and 99.9). Kusto estimates it with a T-Digest whose answer
//! is exact on small inputs; kqlhunt computes it exactly. The state keeps each distinct
//! value once with its total weight, so memory grows with the number of distinct values,
//! not rows.
//!
//! Values are `long` (also `int`, `datetime`, `timespan`, which the binder casts to
//! `Int64`) or `real`; nulls and non-positive weights are ignored. The result is a struct
//! with one field per requested percentage (`p0`, `p1`, ...), or, for the `_array` forms,
//! a `dynamic` JSON array.

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray, PrimitiveArray};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Field, FieldRef, Fields, Float64Type, Int64Type,
};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};
use std::sync::Arc;

/// Whether values are integers (exact as `i64`) or reals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ValueKind {
    Long,
    Real,
}

impl ValueKind {
    pub(crate) fn data_type(self) -> DataType {
        match self {
            ValueKind::Long => DataType::Int64,
            ValueKind::Real => DataType::Float64,
        }
    }
}

/// The aggregate, with its percentages fixed at plan time.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct Percentiles {
    /// The percentages, as `f64` bits (so the struct can be hashed).
    percents: Vec<u64>,
    kind: ValueKind,
    /// Takes a second argument, the weight.
    weighted: bool,
    /// Gives a JSON array instead of a struct.
    as_array: bool,
    /// Gives the whole state as a `tdigest` value (JSON) of this KQL type instead.
    digest: Option<kql_syntax::ScalarType>,
    /// Names the configuration too, so two percentile aggregates of one column have
    /// different column names in the plan.
    name: String,
    signature: Signature,
}

impl Percentiles {
    pub(crate) fn new(percents: &[f64], kind: ValueKind, weighted: bool, as_array: bool) -> Self {
        let list: Vec<String> = percents.iter().map(|p| p.to_string()).collect();
        let name = format!(
            "kql_percentile{}{}[{}]",
            if weighted { "w" } else { "" },
            if as_array { "_array" } else { "" },
            list.join(",")
        );
        Self {
            percents: percents.iter().map(|p| p.to_bits()).collect(),
            kind,
            weighted,
            as_array,
            digest: None,
            name,
            signature: Signature::any(if weighted { 2 } else { 1 }, Volatility::Immutable),
        }
    }

    /// The `tdigest` aggregate: every distinct value with its weight, as
    /// `{"type": "long", "values": [...], "weights": [...]}`.
    pub(crate) fn digest(kind: ValueKind, weighted: bool, ty: kql_syntax::ScalarType) -> Self {
        let mut p = Self::new(&[], kind, weighted, true);
        p.digest = Some(ty);
        p.name = format!("kql_tdigest{}[{ty}]", if weighted { "w" } else { "" });
        p
    }

    fn percents(&self) -> Vec<f64> {
        self.percents.iter().map(|b| f64::from_bits(*b)).collect()
    }

    /// The name of the struct field holding percentage number `i`.
    pub(crate) fn field_name(i: usize) -> String {
        format!("p{i}")
    }
}

impl AggregateUDFImpl for Percentiles {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        if self.as_array {
            return Ok(DataType::Utf8);
        }
        let fields: Fields = (0..self.percents.len())
            .map(|i| Field::new(Self::field_name(i), self.kind.data_type(), true))
            .collect();
        Ok(DataType::Struct(fields))
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let percents = self.percents();
        let digest = self.digest.map(|t| t.to_string());
        Ok(match self.kind {
            ValueKind::Long => {
                let mut a = Acc::<Int64Type>::new(percents, self.weighted, self.as_array);
                a.digest = digest;
                Box::new(a)
            }
            ValueKind::Real => {
                let mut a = Acc::<Float64Type>::new(percents, self.weighted, self.as_array);
                a.digest = digest;
                Box::new(a)
            }
        })
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let item = |t: DataType| Arc::new(Field::new("item", t, true));
        Ok(vec![
            Arc::new(Field::new(
                format!("{}_values", args.name),
                DataType::List(item(self.kind.data_type())),
                true,
            )),
            Arc::new(Field::new(
                format!("{}_weights", args.name),
                DataType::List(item(DataType::Int64)),
                true,
            )),
        ])
    }
}

/// A value as a JSON number (non-finite reals as null, as JSON has no NaN).
trait JsonNumber {
    fn json(self) -> serde_json::Value;
}

impl JsonNumber for i64 {
    fn json(self) -> serde_json::Value {
        self.into()
    }
}

impl JsonNumber for f64 {
    fn json(self) -> serde_json::Value {
        serde_json::Number::from_f64(self)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// Distinct values with their weights; sorted and merged when it grows.
struct Acc<T: ArrowPrimitiveType> {
    entries: Vec<(T::Native, i64)>,
    /// Length after the last compaction: compact again when it doubles.
    compacted: usize,
    percents: Vec<f64>,
    weighted: bool,
    as_array: bool,
    /// Output the state as a `tdigest` of this KQL type.
    digest: Option<String>,
}

impl<T: ArrowPrimitiveType> std::fmt::Debug for Acc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acc")
            .field("entries", &self.entries.len())
            .field("percents", &self.percents)
            .finish()
    }
}

impl<T: ArrowPrimitiveType> Acc<T>
where
    T::Native: PartialOrd + Copy,
{
    fn new(percents: Vec<f64>, weighted: bool, as_array: bool) -> Self {
        Self {
            entries: Vec::new(),
            compacted: 0,
            percents,
            weighted,
            as_array,
            digest: None,
        }
    }

    fn push(&mut self, v: T::Native, w: i64) {
        if w <= 0 {
            return;
        }
        self.entries.push((v, w));
        if self.entries.len() >= 1024 && self.entries.len() >= 2 * self.compacted {
            self.compact();
        }
    }

    /// Sorts by value and merges equal values, summing their weights.
    fn compact(&mut self) {
        self.entries
            .sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        let mut out: Vec<(T::Native, i64)> = Vec::with_capacity(self.entries.len());
        for (v, w) in self.entries.drain(..) {
            match out.last_mut() {
                Some(last) if last.0 == v => last.1 = last.1.saturating_add(w),
                _ => out.push((v, w)),
            }
        }
        self.entries = out;
        self.compacted = self.entries.len();
    }

    /// The nearest-rank value for each percentage; `None` when there are no values.
    fn results(&mut self) -> Vec<Option<T::Native>> {
        self.compact();
        let total: i64 = self.entries.iter().map(|e| e.1).sum();
        self.percents
            .iter()
            .map(|p| {
                if total == 0 {
                    return None;
                }
                let rank = ((p.clamp(0.0, 100.0) / 100.0) * total as f64)
                    .ceil()
                    .max(1.0);
                let mut seen = 0i64;
                for (v, w) in &self.entries {
                    seen = seen.saturating_add(*w);
                    if seen as f64 >= rank {
                        return Some(*v);
                    }
                }
                self.entries.last().map(|e| e.0)
            })
            .collect()
    }
}

impl<T: ArrowPrimitiveType> Accumulator for Acc<T>
where
    T::Native: PartialOrd + Copy + JsonNumber,
{
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(v) = values.first() else {
            return Ok(());
        };
        let v = v.as_primitive::<T>();
        let weights = match (self.weighted, values.get(1)) {
            (true, Some(w)) => Some(arrow::compute::cast(w, &DataType::Int64)?),
            _ => None,
        };
        let weights = weights.as_ref().map(|w| w.as_primitive::<Int64Type>());
        for i in 0..v.len() {
            if v.is_null(i) {
                continue;
            }
            let w = match weights {
                Some(w) if w.is_null(i) => continue,
                Some(w) => w.value(i),
                None => 1,
            };
            self.push(v.value(i), w);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        if let Some(ty) = self.digest.clone() {
            self.compact();
            if self.entries.is_empty() {
                return Ok(ScalarValue::Utf8(None));
            }
            let values: Vec<serde_json::Value> = self.entries.iter().map(|e| e.0.json()).collect();
            let weights: Vec<serde_json::Value> = self.entries.iter().map(|e| e.1.into()).collect();
            let digest = serde_json::json!({"type": ty, "values": values, "weights": weights});
            return Ok(ScalarValue::Utf8(Some(digest.to_string())));
        }
        let results = self.results();
        if self.as_array {
            let items: Vec<serde_json::Value> = results
                .into_iter()
                .map(|r| r.map_or(serde_json::Value::Null, JsonNumber::json))
                .collect();
            return Ok(ScalarValue::Utf8(Some(
                serde_json::Value::Array(items).to_string(),
            )));
        }
        let fields: Vec<(Arc<Field>, ArrayRef)> = results
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let a: PrimitiveArray<T> = std::iter::once(r).collect();
                (
                    Arc::new(Field::new(Percentiles::field_name(i), T::DATA_TYPE, true)),
                    Arc::new(a) as ArrayRef,
                )
            })
            .collect();
        Ok(ScalarValue::Struct(Arc::new(
            arrow::array::StructArray::from(fields),
        )))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.entries.capacity() * std::mem::size_of::<(T::Native, i64)>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.compact();
        let values: PrimitiveArray<T> = self.entries.iter().map(|e| Some(e.0)).collect();
        let weights: Int64Array = self.entries.iter().map(|e| Some(e.1)).collect();
        Ok(vec![
            ScalarValue::List(Arc::new(ListArray::new(
                Arc::new(Field::new("item", T::DATA_TYPE, true)),
                arrow::buffer::OffsetBuffer::from_lengths([values.len()]),
                Arc::new(values),
                None,
            ))),
            ScalarValue::List(Arc::new(ListArray::new(
                Arc::new(Field::new("item", DataType::Int64, true)),
                arrow::buffer::OffsetBuffer::from_lengths([weights.len()]),
                Arc::new(weights),
                None,
            ))),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (Some(values), Some(weights)) = (states.first(), states.get(1)) else {
            return Ok(());
        };
        let (values, weights) = (values.as_list::<i32>(), weights.as_list::<i32>());
        for row in 0..values.len() {
            if values.is_null(row) || weights.is_null(row) {
                continue;
            }
            let (v, w) = (values.value(row), weights.value(row));
            let (v, w) = (v.as_primitive::<T>(), w.as_primitive::<Int64Type>());
            for i in 0..v.len().min(w.len()) {
                if !v.is_null(i) && !w.is_null(i) {
                    self.push(v.value(i), w.value(i));
                }
            }
        }
        Ok(())
    }
}

/// `rank_tdigest(digest, v)`: the total weight of the digest's values at most `v`
/// (rank-tdigest-function.md: the rank of 685 among 1..1000 is 685); null for a null or
/// malformed digest.
pub(crate) fn digest_rank(digest: &str, v: f64) -> Option<i64> {
    let d: serde_json::Value = serde_json::from_str(digest).ok()?;
    let values = d.get("values")?.as_array()?;
    let weights = d.get("weights")?.as_array()?;
    let mut rank = 0i64;
    for (x, w) in values.iter().zip(weights) {
        if x.as_f64()? <= v {
            rank = rank.saturating_add(w.as_i64()?);
        }
    }
    Some(rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_acc(percents: &[f64]) -> Acc<Int64Type> {
        Acc::new(percents.to_vec(), true, false)
    }

    #[test]
    fn weighted_nearest_rank_matches_the_documented_buckets() {
        // percentilesw-aggregation-function.md: buckets 10 (8 requests), 20 (6), 30 (3),
        // 40 (1) give 20, 20 and 40 at 50, 75 and 99.9.
        let mut a = long_acc(&[50.0, 75.0, 99.9]);
        let v: ArrayRef = Arc::new(Int64Array::from(vec![10, 20, 30, 40]));
        let w: ArrayRef = Arc::new(Int64Array::from(vec![8, 6, 3, 1]));
        a.update_batch(&[v, w]).unwrap();
        assert_eq!(a.results(), vec![Some(20), Some(20), Some(40)]);
    }

    #[test]
    fn unweighted_percentiles_are_values_of_the_input() {
        // 1..=100: the 5th and 99th percentiles are 5 and 99 (invoke-operator.md's
        // clipped average keeps 6..=98, average 52); 0 is the minimum, 100 the maximum.
        let mut a = Acc::<Int64Type>::new(vec![5.0, 99.0, 0.0, 100.0, 50.0], false, false);
        let v: ArrayRef = Arc::new(Int64Array::from((1..=100).collect::<Vec<i64>>()));
        a.update_batch(&[v]).unwrap();
        assert_eq!(
            a.results(),
            vec![Some(5), Some(99), Some(1), Some(100), Some(50)]
        );
    }

    #[test]
    fn partial_states_merge() {
        let mut a = Acc::<Float64Type>::new(vec![50.0], false, false);
        let mut b = Acc::<Float64Type>::new(vec![50.0], false, false);
        let x: ArrayRef = Arc::new(arrow::array::Float64Array::from(vec![
            Some(1.0),
            None,
            Some(3.0),
        ]));
        let y: ArrayRef = Arc::new(arrow::array::Float64Array::from(vec![2.0, 4.0]));
        a.update_batch(&[x]).unwrap();
        b.update_batch(&[y]).unwrap();
        let state: Vec<ArrayRef> = b
            .state()
            .unwrap()
            .into_iter()
            .map(|s| s.to_array().unwrap())
            .collect();
        a.merge_batch(&state).unwrap();
        // 1, 2, 3, 4: rank ceil(2) = 2.
        assert_eq!(a.results(), vec![Some(2.0)]);
    }

    #[test]
    fn digest_rank_counts_values_up_to_the_given_one() {
        let d = r#"{"type":"long","values":[1,2,5],"weights":[3,1,2]}"#;
        assert_eq!(digest_rank(d, 2.0), Some(4));
        assert_eq!(digest_rank(d, 0.0), Some(0));
        assert_eq!(digest_rank(d, 9.0), Some(6));
        assert_eq!(digest_rank("nonsense", 1.0), None);
    }

    #[test]
    fn no_values_give_null() {
        let mut a = long_acc(&[50.0]);
        assert_eq!(a.results(), vec![None]);
    }
}
