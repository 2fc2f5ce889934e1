//! Scalar UDFs the lowering of tabular operators needs (not user-callable KQL functions,
//! which live in `kql-functions`): turning aggregated lists into `dynamic` arrays, merging
//! bags, expanding arrays for `mv-expand`, cast-only conversions of expanded elements, and
//! the regular expressions of `parse`.
//!
//! Each UDF is an instance of [`OpUdf`] carrying its parameters (and compiled regex), so a
//! plan shows what it does and DataFusion can compare two instances.

mod json;
mod kv;
mod percentile;
mod session;

pub(crate) use kv::KvSpec;
pub(crate) use percentile::{Percentiles, ValueKind};
pub(crate) use session::RowWindowSession;

use arrow::array::{
    Array, ArrayRef, BooleanBuilder, Int64Builder, ListArray, ListBuilder, StringBuilder,
};
use arrow::datatypes::{DataType, Field};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use kql_syntax::ScalarType;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What an [`OpUdf`] does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum OpKind {
    /// `List<T>` → `dynamic` JSON array (elements that are JSON text when `json_elems`;
    /// an element that is itself an array contributes its items, as Kusto's `make_list` and
    /// `make_set` flatten arrays one level), at most `limit` elements, without repeated
    /// values when `dedupe` (keeping the first occurrence); a null list is `[]`.
    ListToDynamic {
        json_elems: bool,
        limit: Option<i64>,
        dedupe: bool,
    },
    /// `List<dynamic bag>` → one bag with every key (first value wins).
    BagMergeList,
    /// `dynamic` → `List<dynamic>` of its top-level elements for `mv-expand` (a bag's
    /// entries as `{"k": v}`, or `["k", v]` when `bag_as_array`); null → `[null]`.
    MvItems {
        bag_as_array: bool,
        limit: Option<u64>,
    },
    /// `dynamic` → `List<long>` of the element positions `MvItems` yields.
    MvIndex { limit: Option<u64> },
    /// `dynamic` element → a KQL type by cast only (`to typeof(T)`): values of another JSON
    /// type become null.
    DynCast(ScalarType),
    /// `string` → capture group `group` of `pattern` (null when it does not match).
    RegexGroup { pattern: String, group: usize },
    /// `string` → whether `pattern` matches.
    RegexMatches { pattern: String },
    /// `(string, dynamic array)` → `has_any`/`has_all` of the array's elements, for needle
    /// lists only known at run time (a table on the right); compiled once per batch.
    HasAnyDynamic { all: bool, cs: bool },
    /// `(List<long> bin indexes, List<T> values, long n)` → a `dynamic` array of `n` values,
    /// `default` (JSON text) where no index gives one (`make-series`).
    SeriesFill { default: String },
    /// `(from, step, n)` → the `dynamic` array of `n` bin starts (datetimes as text).
    SeriesAxis { datetime: bool },
    /// `dynamic` bag → `List<string>` of `slot \t type` for its non-null slots
    /// (`bag_unpack` discovery).
    BagKeyTypes,
    /// `string` → `dynamic` bag of the requested key/value pairs (`parse-kv`).
    ParseKv(KvSpec),
    /// `(tdigest, real)` → `long` rank of the value in the digest (`rank_tdigest`).
    DigestRank,
}

/// A UDF instance for one [`OpKind`].
#[derive(Debug)]
pub(crate) struct OpUdf {
    kind: OpKind,
    name: String,
    signature: Signature,
    regex: Option<regex::Regex>,
}

impl PartialEq for OpUdf {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}
impl Eq for OpUdf {}
impl Hash for OpUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
    }
}

/// Builds a call of an operator UDF on `args`.
pub(crate) fn call(kind: OpKind, args: Vec<Expr>) -> std::result::Result<Expr, String> {
    let regex = match &kind {
        OpKind::RegexGroup { pattern, .. } | OpKind::RegexMatches { pattern } => {
            Some(regex::Regex::new(pattern).map_err(|e| e.to_string())?)
        }
        OpKind::ParseKv(KvSpec {
            regex: Some(pattern),
            ..
        }) => Some(regex::Regex::new(pattern).map_err(|e| e.to_string())?),
        _ => None,
    };
    let name = match &kind {
        OpKind::ListToDynamic { .. } => "kql_list_to_dynamic".to_string(),
        OpKind::BagMergeList => "kql_bag_merge".to_string(),
        OpKind::MvItems { .. } => "kql_mv_items".to_string(),
        OpKind::MvIndex { .. } => "kql_mv_index".to_string(),
        OpKind::DynCast(t) => format!("kql_cast_{t}"),
        OpKind::RegexGroup { pattern, group } => format!("kql_parse[{pattern}][{group}]"),
        OpKind::RegexMatches { pattern } => format!("kql_parse_matches[{pattern}]"),
        OpKind::SeriesFill { default } => format!("kql_series_fill[default={default}]"),
        OpKind::SeriesAxis { .. } => "kql_series_axis".to_string(),
        OpKind::BagKeyTypes => "kql_bag_key_types".to_string(),
        OpKind::ParseKv(spec) => format!("kql_parse_kv[{}]", spec.keys.join(",")),
        OpKind::DigestRank => "kql_rank_tdigest".to_string(),
        OpKind::HasAnyDynamic { all, cs } => format!(
            "kql_{}{}",
            if *all { "has_all" } else { "has_any" },
            if *cs { "_cs" } else { "" }
        ),
    };
    let udf = OpUdf {
        kind,
        name,
        signature: Signature::variadic_any(Volatility::Immutable),
        regex,
    };
    Ok(ScalarUDF::new_from_impl(udf).call(args))
}

impl ScalarUDFImpl for OpUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match &self.kind {
            OpKind::ListToDynamic { .. }
            | OpKind::BagMergeList
            | OpKind::RegexGroup { .. }
            | OpKind::SeriesFill { .. }
            | OpKind::SeriesAxis { .. }
            | OpKind::ParseKv(_) => DataType::Utf8,
            OpKind::MvItems { .. } | OpKind::BagKeyTypes => {
                DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
            }
            OpKind::MvIndex { .. } => {
                DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true)))
            }
            OpKind::DynCast(t) => table_schemas::arrow_type(*t),
            OpKind::DigestRank => DataType::Int64,
            OpKind::RegexMatches { .. } | OpKind::HasAnyDynamic { .. } => DataType::Boolean,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let first = args
            .args
            .first()
            .ok_or_else(|| DataFusionError::Internal(format!("{} needs an argument", self.name)))?
            .to_array(n)?;
        let out: ArrayRef = match &self.kind {
            OpKind::ListToDynamic {
                json_elems,
                limit,
                dedupe,
            } => json::list_to_dynamic(&first, *json_elems, *limit, *dedupe)?,
            OpKind::BagMergeList => json::bag_merge_list(&first)?,
            OpKind::MvItems {
                bag_as_array,
                limit,
            } => mv_items(&first, *bag_as_array, *limit)?,
            OpKind::MvIndex { limit } => mv_index(&first, *limit)?,
            OpKind::BagKeyTypes => json::bag_key_types(&first)?,
            OpKind::DigestRank => {
                let digests = utf8(&first)?;
                let values = arrow::compute::cast(&nth(&args, 1, n)?, &DataType::Float64)?;
                let values = values
                    .as_any()
                    .downcast_ref::<arrow::array::Float64Array>()
                    .ok_or_else(|| {
                        DataFusionError::Internal("rank_tdigest needs a number".into())
                    })?;
                let mut b = Int64Builder::with_capacity(n);
                for i in 0..n {
                    if digests.is_null(i) || values.is_null(i) {
                        b.append_null();
                    } else {
                        b.append_option(percentile::digest_rank(digests.value(i), values.value(i)));
                    }
                }
                Arc::new(b.finish())
            }
            OpKind::ParseKv(spec) => {
                let strings = utf8(&first)?;
                let mut b = StringBuilder::with_capacity(n, n * 16);
                for i in 0..n {
                    let s = if strings.is_null(i) {
                        ""
                    } else {
                        strings.value(i)
                    };
                    b.append_value(spec.extract(s, self.regex.as_ref()).to_string());
                }
                Arc::new(b.finish())
            }
            OpKind::DynCast(t) => json::dyn_cast(&first, *t)?,
            OpKind::RegexGroup { group, .. } => {
                let re = self.regex()?;
                let strings = utf8(&first)?;
                let mut b = StringBuilder::with_capacity(n, n * 8);
                for i in 0..n {
                    let s = if strings.is_null(i) {
                        ""
                    } else {
                        strings.value(i)
                    };
                    match re.captures(s).and_then(|c| c.get(*group)) {
                        Some(m) => b.append_value(m.as_str()),
                        None => b.append_null(),
                    }
                }
                Arc::new(b.finish())
            }
            OpKind::SeriesFill { default } => {
                let values = nth(&args, 1, n)?;
                let counts = nth(&args, 2, n)?;
                json::series_fill(&first, &values, &counts, default)?
            }
            OpKind::SeriesAxis { datetime } => {
                let step = nth(&args, 1, n)?;
                let counts = nth(&args, 2, n)?;
                json::series_axis(&first, &step, &counts, *datetime)?
            }
            OpKind::HasAnyDynamic { all, cs } => {
                let list = args
                    .args
                    .get(1)
                    .ok_or_else(|| {
                        DataFusionError::Internal(format!("{} needs two arguments", self.name))
                    })?
                    .to_array(n)?;
                json::has_any_dynamic(&first, &list, *all, *cs)?
            }
            OpKind::RegexMatches { .. } => {
                let re = self.regex()?;
                let strings = utf8(&first)?;
                let mut b = BooleanBuilder::with_capacity(n);
                for i in 0..n {
                    let s = if strings.is_null(i) {
                        ""
                    } else {
                        strings.value(i)
                    };
                    b.append_value(re.is_match(s));
                }
                Arc::new(b.finish())
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// Argument `i` as an array of `n` rows.
fn nth(args: &ScalarFunctionArgs, i: usize, n: usize) -> Result<ArrayRef> {
    args.args
        .get(i)
        .ok_or_else(|| DataFusionError::Internal(format!("missing argument {i}")))?
        .to_array(n)
}

impl OpUdf {
    fn regex(&self) -> Result<&regex::Regex> {
        self.regex
            .as_ref()
            .ok_or_else(|| DataFusionError::Internal(format!("{} has no regex", self.name)))
    }
}

/// Any string array as `Utf8`.
pub(crate) fn utf8(a: &ArrayRef) -> Result<arrow::array::StringArray> {
    let c = arrow::compute::cast(a, &DataType::Utf8)?;
    c.as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .cloned()
        .ok_or_else(|| DataFusionError::Internal("expected a string array".into()))
}

/// The top-level elements of each dynamic value, for `mv-expand`.
fn mv_items(a: &ArrayRef, bag_as_array: bool, limit: Option<u64>) -> Result<ArrayRef> {
    let strings = utf8(a)?;
    let mut b = ListBuilder::new(StringBuilder::new());
    for i in 0..strings.len() {
        let items = if strings.is_null(i) {
            vec![None]
        } else {
            json::top_level_items(strings.value(i), bag_as_array)
        };
        let take = limit.map_or(items.len(), |l| {
            items.len().min(usize::try_from(l).unwrap_or(usize::MAX))
        });
        for item in items.into_iter().take(take) {
            b.values().append_option(item);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()) as ArrayRef)
}

/// Element positions matching [`mv_items`].
fn mv_index(a: &ArrayRef, limit: Option<u64>) -> Result<ArrayRef> {
    let strings = utf8(a)?;
    let mut b = ListBuilder::new(Int64Builder::new());
    for i in 0..strings.len() {
        let count = if strings.is_null(i) {
            1
        } else {
            json::top_level_items(strings.value(i), false).len()
        };
        let take = limit.map_or(count, |l| {
            count.min(usize::try_from(l).unwrap_or(usize::MAX))
        });
        for j in 0..take {
            b.values().append_value(j as i64);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()) as ArrayRef)
}

/// Downcasts a list array.
pub(crate) fn as_list(a: &ArrayRef) -> Result<&ListArray> {
    a.as_any()
        .downcast_ref::<ListArray>()
        .ok_or_else(|| DataFusionError::Internal(format!("expected a list, got {}", a.data_type())))
}
