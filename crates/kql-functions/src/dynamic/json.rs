//! JSON plumbing for `dynamic` values: reading a column of JSON text, writing results, and
//! KQL values as JSON.

use crate::convert::{
    Source, Value, for_each_value, format_datetime_json_text, format_timespan_nanos,
};
use crate::strings::Strings;
use arrow::array::{Array, ArrayRef, StringArray};
use datafusion::error::{DataFusionError, Result};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// `parse_json` of text: the JSON value; text that is not JSON is a JSON string holding it
/// (DOCS `parse-json-function.md`); empty (or blank) text is null, as
/// `isnull(parse_json(""))` is true (DOCS `isnull-function.md`).
pub(crate) fn parse_dynamic(text: &str) -> Json {
    if text.trim().is_empty() {
        return Json::Null;
    }
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_string()))
}

/// Calls `f(row, value)` for each row of a `dynamic` column; SQL NULL and JSON `null` are
/// both `None`.
pub(crate) fn for_each_json(
    array: &ArrayRef,
    mut f: impl FnMut(usize, Option<&Json>),
) -> Result<()> {
    let strings = Strings::try_new(array.as_ref()).ok_or_else(|| {
        DataFusionError::Internal(format!("dynamic column of type {}", array.data_type()))
    })?;
    for i in 0..strings.len() {
        match strings.get_opt(i).map(parse_dynamic) {
            Some(Json::Null) | None => f(i, None),
            Some(json) => f(i, Some(&json)),
        }
    }
    Ok(())
}

/// The `dynamic` column of `values`: JSON text, SQL NULL for `None` and JSON `null`.
pub(crate) fn dynamic_array(values: Vec<Option<Json>>) -> ArrayRef {
    let texts: StringArray = values
        .into_iter()
        .map(|v| match v {
            None | Some(Json::Null) => None,
            Some(j) => Some(j.to_string()),
        })
        .collect();
    Arc::new(texts)
}

/// A KQL value as JSON. Types JSON lacks are written as strings: datetimes with seven
/// fraction digits, timespans in `[d.]hh:mm:ss[.fffffff]` (DOCS `pack-array-function.md`:
/// `pack_array(x, y, z)` with a timespan gives `[1,"2","00:00:02"]`), and non-finite reals
/// as `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub(crate) fn value_to_json(v: Value<'_>) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Str(s) => Json::String(s.to_string()),
        Value::Long(i) => Json::from(i),
        Value::Real(r) => serde_json::Number::from_f64(r)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(crate::convert::format_real(r))),
        Value::Bool(b) => Json::Bool(b),
        Value::DateTime(ns) => Json::String(format_datetime_json_text(ns)),
        Value::Timespan(ns) => Json::String(format_timespan_nanos(ns)),
        Value::Json(j) => j.clone(),
    }
}

/// The JSON value of every row of a column of any KQL type (`source` says whether string
/// columns are `dynamic`).
pub(crate) fn json_values(array: &ArrayRef, source: Source) -> Result<Vec<Json>> {
    let mut out = Vec::with_capacity(array.len());
    for_each_value(array, source, |_, v| out.push(value_to_json(v)))?;
    Ok(out)
}

/// Equality of two JSON values as KQL compares dynamic scalars: numbers by value
/// (`1 == 1.0`), everything else structurally.
pub(crate) fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// An element position from a KQL index: negative indexes count from the end.
pub(crate) fn resolve_index(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if index < 0 { len + index } else { index };
    (0..len)
        .contains(&i)
        .then(|| usize::try_from(i).ok())
        .flatten()
}

/// The `tostring` text of a JSON value: strings unquoted, anything else as JSON.
pub(crate) fn json_to_text(j: &Json) -> String {
    match j {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n
                .as_f64()
                .map_or_else(|| n.to_string(), crate::convert::format_real),
        },
        other => other.to_string(),
    }
}

/// A JSON object from key/value pairs; the first value of a repeated key is kept.
pub(crate) fn object(pairs: impl Iterator<Item = (String, Json)>) -> Json {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.entry(k).or_insert(v);
    }
    Json::Object(map)
}

/// The canonical text of a JSON value, as `dynamic_to_json` writes it (DOCS
/// `dynamic-to-json-function.md`): compact, with the members of every bag sorted by name.
pub(crate) fn canonical_json(j: &Json) -> String {
    fn sorted(j: &Json) -> Json {
        match j {
            Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
            Json::Object(map) => {
                let mut pairs: Vec<(&String, &Json)> = map.iter().collect();
                pairs.sort_by(|a, b| a.0.cmp(b.0));
                Json::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            other => other.clone(),
        }
    }
    sorted(j).to_string()
}
