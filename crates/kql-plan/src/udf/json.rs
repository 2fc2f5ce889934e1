//! JSON-text helpers of the operator UDFs.

use super::{as_list, utf8};
use crate::literal::{NANOS_PER_TICK, format_datetime, format_timespan_ticks};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder,
    StringBuilder,
};
use arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::Result;
use kql_syntax::ScalarType;
use serde_json::Value as J;
use std::sync::Arc;

/// One element of an Arrow array as a JSON value (datetimes and timespans as Kusto writes
/// them inside `dynamic`).
fn element_json(a: &dyn Array, i: usize, json_elems: bool) -> J {
    if a.is_null(i) {
        return J::Null;
    }
    match a.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let s = match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(i),
                DataType::LargeUtf8 => a.as_string::<i64>().value(i),
                _ => a.as_string_view().value(i),
            };
            if json_elems {
                serde_json::from_str(s).unwrap_or_else(|_| J::String(s.to_string()))
            } else {
                J::String(s.to_string())
            }
        }
        DataType::Boolean => J::Bool(a.as_boolean().value(i)),
        DataType::Int32 => J::from(a.as_primitive::<arrow::datatypes::Int32Type>().value(i)),
        DataType::Int64 => J::from(a.as_primitive::<arrow::datatypes::Int64Type>().value(i)),
        DataType::Float64 => {
            serde_json::Number::from_f64(a.as_primitive::<arrow::datatypes::Float64Type>().value(i))
                .map_or(J::Null, J::Number)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => J::String(format_datetime(
            a.as_primitive::<arrow::datatypes::TimestampNanosecondType>()
                .value(i),
        )),
        DataType::Duration(TimeUnit::Nanosecond) => J::String(format_timespan_ticks(
            a.as_primitive::<arrow::datatypes::DurationNanosecondType>()
                .value(i)
                / NANOS_PER_TICK,
        )),
        _ => {
            let opts = arrow::util::display::FormatOptions::default();
            arrow::util::display::ArrayFormatter::try_new(a, &opts)
                .map_or(J::Null, |f| J::String(f.value(i).to_string()))
        }
    }
}

pub(super) fn list_to_dynamic(
    a: &ArrayRef,
    json_elems: bool,
    limit: Option<i64>,
    dedupe: bool,
) -> Result<ArrayRef> {
    let list = as_list(a)?;
    let cap = limit
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(usize::MAX);
    let mut b = StringBuilder::with_capacity(list.len(), list.len() * 16);
    for i in 0..list.len() {
        if list.is_null(i) {
            b.append_value("[]");
            continue;
        }
        let values = list.value(i);
        let mut items: Vec<J> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut push = |v: J, items: &mut Vec<J>| {
            if items.len() < cap && (!dedupe || seen.insert(v.to_string())) {
                items.push(v);
            }
        };
        for j in 0..values.len() {
            if items.len() >= cap {
                break;
            }
            match element_json(values.as_ref(), j, json_elems) {
                // make-set-aggregation-function.md, "Set from array column": the set of
                // the arrays' elements.
                J::Array(inner) if json_elems => {
                    for v in inner {
                        push(v, &mut items);
                    }
                }
                v => push(v, &mut items),
            }
        }
        b.append_value(J::Array(items).to_string());
    }
    Ok(Arc::new(b.finish()))
}

pub(super) fn bag_merge_list(a: &ArrayRef) -> Result<ArrayRef> {
    let list = as_list(a)?;
    let mut b = StringBuilder::with_capacity(list.len(), list.len() * 16);
    for i in 0..list.len() {
        let mut merged = serde_json::Map::new();
        if !list.is_null(i) {
            let values = list.value(i);
            for j in 0..values.len() {
                if let J::Object(m) = element_json(values.as_ref(), j, true) {
                    for (k, v) in m {
                        merged.entry(k).or_insert(v);
                    }
                }
            }
        }
        b.append_value(J::Object(merged).to_string());
    }
    Ok(Arc::new(b.finish()))
}

/// Top-level elements of a dynamic value as JSON texts: array elements; bag entries as
/// `{"k": v}` (or `["k", v]`); an empty array or bag has none; a scalar is one element.
pub(super) fn top_level_items(text: &str, bag_as_array: bool) -> Vec<Option<String>> {
    match serde_json::from_str::<J>(text) {
        Ok(J::Array(items)) => items.into_iter().map(|v| Some(v.to_string())).collect(),
        Ok(J::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                Some(if bag_as_array {
                    J::Array(vec![J::String(k), v]).to_string()
                } else {
                    let mut one = serde_json::Map::new();
                    one.insert(k, v);
                    J::Object(one).to_string()
                })
            })
            .collect(),
        Ok(J::Null) => vec![None],
        Ok(other) => vec![Some(other.to_string())],
        Err(_) => vec![Some(J::String(text.to_string()).to_string())],
    }
}

/// Converts a JSON value to a KQL type by cast only (no parsing of strings into numbers):
/// returns `None` when the value's JSON type does not fit.
pub(crate) fn json_to_typed(v: &J, ty: ScalarType) -> Option<TypedValue> {
    Some(match (ty, v) {
        (ScalarType::String, J::String(s)) => TypedValue::Str(s.clone()),
        (ScalarType::Bool, J::Bool(b)) => TypedValue::Bool(*b),
        (ScalarType::Long, J::Number(n)) => TypedValue::Long(
            n.as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))?,
        ),
        (ScalarType::Int, J::Number(n)) => TypedValue::Int(i32::try_from(n.as_i64()?).ok()?),
        (ScalarType::Real, J::Number(n)) => TypedValue::Real(n.as_f64()?),
        (ScalarType::DateTime, J::String(s)) => TypedValue::Long(kql_plan_datetime(s)?),
        (ScalarType::Timespan, J::String(s)) => TypedValue::Long(parse_timespan(s)?),
        (ScalarType::Guid, J::String(s)) => TypedValue::Str(s.to_ascii_lowercase()),
        (ScalarType::Dynamic, other) => TypedValue::Str(other.to_string()),
        _ => return None,
    })
}

fn kql_plan_datetime(s: &str) -> Option<i64> {
    crate::literal::parse_datetime(s).ok()
}

/// `[-][d.]hh:mm:ss[.fffffff]` → nanoseconds.
fn parse_timespan(s: &str) -> Option<i64> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (days, rest) = match t.split_once('.') {
        Some((d, r)) if !d.contains(':') => (d.parse::<i64>().ok()?, r),
        _ => (0, t),
    };
    let (hms, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let p: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = p.as_slice() else {
        return None;
    };
    let (h, m, sec): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    let mut nanos = 0i64;
    for (i, c) in frac.chars().take(9).enumerate() {
        nanos += i64::from(c.to_digit(10)?) * 10i64.pow(8 - i as u32);
    }
    let v = (((days * 24 + h) * 60 + m) * 60 + sec) * 1_000_000_000 + nanos;
    Some(if neg { -v } else { v })
}

/// A value converted by [`json_to_typed`].
pub(crate) enum TypedValue {
    Str(String),
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
}

pub(super) fn dyn_cast(a: &ArrayRef, ty: ScalarType) -> Result<ArrayRef> {
    let strings = utf8(a)?;
    let n = strings.len();
    let parsed = |i: usize| -> Option<J> {
        if strings.is_null(i) {
            None
        } else {
            serde_json::from_str(strings.value(i)).ok()
        }
    };
    let typed = |i: usize| parsed(i).and_then(|v| json_to_typed(&v, ty));
    let out: ArrayRef = match ty {
        ScalarType::Bool => {
            let mut b = BooleanBuilder::with_capacity(n);
            for i in 0..n {
                b.append_option(match typed(i) {
                    Some(TypedValue::Bool(v)) => Some(v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        ScalarType::Int => {
            let mut b = Int32Builder::with_capacity(n);
            for i in 0..n {
                b.append_option(match typed(i) {
                    Some(TypedValue::Int(v)) => Some(v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        ScalarType::Long => {
            let mut b = Int64Builder::with_capacity(n);
            for i in 0..n {
                b.append_option(match typed(i) {
                    Some(TypedValue::Long(v)) => Some(v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        ScalarType::Real => {
            let mut b = Float64Builder::with_capacity(n);
            for i in 0..n {
                b.append_option(match typed(i) {
                    Some(TypedValue::Real(v)) => Some(v),
                    _ => None,
                });
            }
            Arc::new(b.finish())
        }
        ScalarType::DateTime | ScalarType::Timespan => {
            let mut b = Int64Builder::with_capacity(n);
            for i in 0..n {
                b.append_option(match typed(i) {
                    Some(TypedValue::Long(v)) => Some(v),
                    _ => None,
                });
            }
            let ints: ArrayRef = Arc::new(b.finish());
            arrow::compute::cast(&ints, &table_schemas::arrow_type(ty))?
        }
        ScalarType::String => {
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for i in 0..n {
                match typed(i) {
                    Some(TypedValue::Str(s)) => b.append_value(s),
                    // KQL strings are never null.
                    _ => b.append_value(""),
                }
            }
            Arc::new(b.finish())
        }
        ScalarType::Guid | ScalarType::Dynamic | ScalarType::Decimal => {
            let mut b = StringBuilder::with_capacity(n, n * 8);
            for i in 0..n {
                match typed(i) {
                    Some(TypedValue::Str(s)) => b.append_value(s),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
    };
    Ok(out)
}

/// `has_any`/`has_all` with needles from a dynamic array per row (usually the same array
/// for the whole batch, so the compiled matcher is reused while it does not change).
pub(super) fn has_any_dynamic(
    hay: &ArrayRef,
    lists: &ArrayRef,
    all: bool,
    cs: bool,
) -> Result<ArrayRef> {
    use kql_functions::string_ops::{ListMatcher, ListStringOp};
    let hay = utf8(hay)?;
    let lists = utf8(lists)?;
    let op = if all {
        ListStringOp::HasAll
    } else {
        ListStringOp::HasAny
    };
    let mut b = BooleanBuilder::with_capacity(hay.len());
    let mut cached: Option<(String, ListMatcher)> = None;
    for i in 0..hay.len() {
        let text = if lists.is_null(i) {
            "[]"
        } else {
            lists.value(i)
        };
        if cached.as_ref().is_none_or(|(t, _)| t != text) {
            let needles: Vec<String> = match serde_json::from_str::<J>(text) {
                Ok(J::Array(items)) => items
                    .into_iter()
                    .filter_map(|v| match v {
                        J::String(s) => Some(s),
                        J::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            cached = Some((text.to_string(), ListMatcher::new(op, cs, needles)));
        }
        let h = if hay.is_null(i) { "" } else { hay.value(i) };
        b.append_value(cached.as_ref().is_some_and(|(_, m)| m.matches(h)));
    }
    Ok(Arc::new(b.finish()))
}

/// Lays per-bin values out as a full-length array (see `OpKind::SeriesFill`).
pub(super) fn series_fill(
    idx: &ArrayRef,
    values: &ArrayRef,
    counts: &ArrayRef,
    default: &str,
) -> Result<ArrayRef> {
    let idx = as_list(idx)?;
    let values = as_list(values)?;
    let counts = arrow::compute::cast(counts, &DataType::Int64)?;
    let counts = counts.as_primitive::<arrow::datatypes::Int64Type>();
    let default: J = serde_json::from_str(default).unwrap_or(J::Null);
    let mut b = StringBuilder::with_capacity(idx.len(), idx.len() * 32);
    for row in 0..idx.len() {
        let n = if counts.is_null(row) {
            0
        } else {
            usize::try_from(counts.value(row)).unwrap_or(0)
        };
        // Cap absurd series lengths rather than allocating without bound.
        let n = n.min(10_000_000);
        let mut out = vec![default.clone(); n];
        if !idx.is_null(row) && !values.is_null(row) {
            let ix = idx.value(row);
            let ix = ix.as_primitive::<arrow::datatypes::Int64Type>();
            let vs = values.value(row);
            for j in 0..ix.len().min(vs.len()) {
                if ix.is_null(j) {
                    continue;
                }
                if let Ok(k) = usize::try_from(ix.value(j))
                    && k < n
                {
                    let v = element_json(vs.as_ref(), j, false);
                    if !v.is_null() {
                        out[k] = v;
                    }
                }
            }
        }
        b.append_value(J::Array(out).to_string());
    }
    Ok(Arc::new(b.finish()))
}

/// The bin starts of a series (see `OpKind::SeriesAxis`).
pub(super) fn series_axis(
    from: &ArrayRef,
    step: &ArrayRef,
    counts: &ArrayRef,
    datetime: bool,
) -> Result<ArrayRef> {
    let counts = arrow::compute::cast(counts, &DataType::Int64)?;
    let counts = counts.as_primitive::<arrow::datatypes::Int64Type>();
    let mut b = StringBuilder::with_capacity(from.len(), from.len() * 64);
    if datetime {
        let from = arrow::compute::cast(from, &DataType::Int64)?;
        let step = arrow::compute::cast(step, &DataType::Int64)?;
        let (from, step) = (
            from.as_primitive::<arrow::datatypes::Int64Type>(),
            step.as_primitive::<arrow::datatypes::Int64Type>(),
        );
        for row in 0..from.len() {
            if from.is_null(row) || step.is_null(row) || counts.is_null(row) {
                b.append_value("[]");
                continue;
            }
            let n = usize::try_from(counts.value(row))
                .unwrap_or(0)
                .min(10_000_000);
            let items: Vec<J> = (0..n)
                .map(|i| {
                    let t = from
                        .value(row)
                        .saturating_add(step.value(row).saturating_mul(i as i64));
                    J::String(format_datetime(t))
                })
                .collect();
            b.append_value(J::Array(items).to_string());
        }
    } else {
        let from = arrow::compute::cast(from, &DataType::Float64)?;
        let step = arrow::compute::cast(step, &DataType::Float64)?;
        let (from, step) = (
            from.as_primitive::<arrow::datatypes::Float64Type>(),
            step.as_primitive::<arrow::datatypes::Float64Type>(),
        );
        for row in 0..from.len() {
            if from.is_null(row) || step.is_null(row) || counts.is_null(row) {
                b.append_value("[]");
                continue;
            }
            let n = usize::try_from(counts.value(row))
                .unwrap_or(0)
                .min(10_000_000);
            let items: Vec<J> = (0..n)
                .map(|i| {
                    let v = from.value(row) + step.value(row) * i as f64;
                    if v.fract() == 0.0 && v.abs() < 9.0e15 {
                        J::from(v as i64)
                    } else {
                        serde_json::Number::from_f64(v).map_or(J::Null, J::Number)
                    }
                })
                .collect();
            b.append_value(J::Array(items).to_string());
        }
    }
    Ok(Arc::new(b.finish()))
}

/// `slot \t type` for each non-null slot of each bag (see `OpKind::BagKeyTypes`).
pub(super) fn bag_key_types(a: &ArrayRef) -> Result<ArrayRef> {
    let strings = utf8(a)?;
    let mut b = arrow::array::ListBuilder::new(StringBuilder::new());
    for i in 0..strings.len() {
        if !strings.is_null(i)
            && let Ok(J::Object(m)) = serde_json::from_str::<J>(strings.value(i))
        {
            for (k, v) in m {
                let ty = match v {
                    J::Null => continue,
                    J::Bool(_) => "bool",
                    J::Number(n) if n.is_i64() || n.is_u64() => "long",
                    J::Number(_) => "real",
                    J::String(_) => "string",
                    J::Array(_) | J::Object(_) => "dynamic",
                };
                b.values().append_value(format!("{k}\t{ty}"));
            }
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}
