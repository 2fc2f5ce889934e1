//! Reading `dynamic` values: member access, `array_length`, `bag_keys`, `gettype`,
//! `array_slice`, `array_index_of`, `set_has_element`, `strcat_array`.
//!
//! Each value is parsed once per call; the kernels then walk the parsed JSON.

use super::json::{for_each_json, json_eq, json_to_text, parse_dynamic, resolve_index};
use crate::strings::{Strings, string_arg};
use crate::udf::{arg, downcast, opt_arg, opt_long_at, value_at};
use arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, StringArray};
use datafusion::error::Result;
use serde_json::Value as Json;
use std::sync::Arc;

/// One step of a member-access path.
enum Key<'a> {
    /// `.name` or `["name"]`.
    Name(Strings<'a>),
    /// `[index]`; negative counts from the end.
    Index(&'a Int64Array),
}

fn step<'j>(json: &'j Json, key: &Key<'_>, row: usize) -> Option<&'j Json> {
    match (json, key) {
        (Json::Object(map), Key::Name(names)) => map.get(names.get(row)),
        (Json::Array(items), Key::Index(ix)) if ix.is_valid(row) => {
            items.get(resolve_index(items.len(), ix.value(row))?)
        }
        _ => None,
    }
}

/// `dynamic_get(value, key...)`: the member or element at the path, as `dynamic`
/// (null when any step is missing). String keys name members, integer keys index arrays.
pub(super) fn dynamic_get(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let keys = args
        .iter()
        .skip(1)
        .map(|a| match Strings::try_new(a.as_ref()) {
            Some(s) => Ok(Key::Name(s)),
            None => downcast::<Int64Array>(a.as_ref()).map(Key::Index),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out: Vec<Option<String>> = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |row, json| {
        let found = json
            .and_then(|root| keys.iter().try_fold(root, |cur, key| step(cur, key, row)))
            .filter(|j| !j.is_null())
            .map(Json::to_string);
        out.push(found);
    })?;
    Ok(Arc::new(StringArray::from(out)))
}

/// `array_length`: the element count, null for anything but an array (DOCS
/// `array-length-function.md`).
pub(super) fn array_length(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |_, json| {
        out.push(match json {
            Some(Json::Array(items)) => i64::try_from(items.len()).ok(),
            _ => None,
        })
    })?;
    Ok(Arc::new(Int64Array::from(out)))
}

/// `bag_keys`: the keys of a property bag as an array; null for anything else (DOCS
/// `bag-keys-function.md`: `dynamic({})` → `[]`, `dynamic([])` and `dynamic('a')` → null).
pub(super) fn bag_keys(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |_, json| {
        out.push(match json {
            Some(Json::Object(map)) => {
                Some(Json::Array(map.keys().map(|k| Json::String(k.clone())).collect()).to_string())
            }
            _ => None,
        })
    })?;
    Ok(Arc::new(StringArray::from(out)))
}

/// `gettype` of a `dynamic` value (DOCS `gettype-function.md`: `parse_json('1')` is `int`,
/// a bag is `dictionary`, `parse_json('')` is `null`).
pub(super) fn gettype_dynamic(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |_, json| {
        out.push(match json {
            None | Some(Json::Null) => "null",
            Some(Json::Bool(_)) => "bool",
            Some(Json::Number(n)) => match n.as_i64() {
                Some(i) if i32::try_from(i).is_ok() => "int",
                Some(_) => "long",
                None => "real",
            },
            Some(Json::String(_)) => "string",
            Some(Json::Array(_)) => "array",
            Some(Json::Object(_)) => "dictionary",
        })
    })?;
    Ok(Arc::new(StringArray::from(out)))
}

/// `array_slice(array, start, end)`: elements `start..=end`, negative positions counting
/// from the end (DOCS `array-slice-function.md`); positions past either end are clamped,
/// an empty range gives `[]`, a non-array null.
pub(super) fn array_slice(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let start = downcast::<Int64Array>(arg(args, 1)?.as_ref())?;
    let end = downcast::<Int64Array>(arg(args, 2)?.as_ref())?;
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |row, json| {
        out.push(match (json, value_at(start, row), value_at(end, row)) {
            (Some(Json::Array(items)), Some(s), Some(e)) => {
                let n = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let s = if s < 0 { n + s } else { s }.max(0);
                let e = if e < 0 { n + e } else { e }.min(n - 1);
                let slice: Vec<Json> = if s > e {
                    Vec::new()
                } else {
                    let (s, e) = (
                        usize::try_from(s).unwrap_or(0),
                        usize::try_from(e).unwrap_or(0),
                    );
                    items.get(s..=e).map(<[Json]>::to_vec).unwrap_or_default()
                };
                Some(Json::Array(slice).to_string())
            }
            _ => None,
        })
    })?;
    Ok(Arc::new(StringArray::from(out)))
}

/// The position of the `occurrence`-th element equal to `value` among `items[start..]`,
/// looking at `length` elements (-1: all), as `array_index_of` defines it (DOCS
/// `array-index-of-function.md`): -1 when not found; `None` (null) for `length < -1` or
/// `occurrence < 0`. A negative `start` counts from the end.
fn index_of_element(
    items: &[Json],
    value: &Json,
    start: i64,
    length: i64,
    occurrence: i64,
) -> Option<i64> {
    if length < -1 || occurrence < 0 {
        return None;
    }
    let n = i64::try_from(items.len()).ok()?;
    let start = if start < 0 { (n + start).max(0) } else { start };
    let end = if length == -1 {
        n
    } else {
        start.saturating_add(length).min(n)
    };
    let mut seen = 0;
    for i in start..end {
        let item = items.get(usize::try_from(i).ok()?)?;
        if json_eq(item, value) {
            seen += 1;
            if seen >= occurrence.max(1) {
                return Some(i);
            }
        }
    }
    Some(-1)
}

/// `array_index_of(array, value[, start[, length[, occurrence]]])`; `value` arrives as
/// `dynamic`.
pub(super) fn array_index_of(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let values = string_arg(args, 1)?;
    let (start, length, occurrence) = (
        opt_arg::<Int64Array>(args, 2)?,
        opt_arg::<Int64Array>(args, 3)?,
        opt_arg::<Int64Array>(args, 4)?,
    );
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |row, json| {
        out.push(match json {
            Some(Json::Array(items)) => {
                let value = parse_dynamic(values.get(row));
                match (
                    opt_long_at(start, row, 0),
                    opt_long_at(length, row, -1),
                    opt_long_at(occurrence, row, 1),
                ) {
                    (Some(s), Some(l), Some(o)) => index_of_element(items, &value, s, l, o),
                    _ => None,
                }
            }
            _ => None,
        })
    })?;
    Ok(Arc::new(Int64Array::from(out)))
}

/// `set_has_element(array, value)`: whether an element equals `value`; null for a
/// non-array.
pub(super) fn set_has_element(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let values = string_arg(args, 1)?;
    let mut out = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |row, json| {
        out.push(match json {
            Some(Json::Array(items)) => {
                let value = parse_dynamic(values.get(row));
                Some(items.iter().any(|item| json_eq(item, &value)))
            }
            _ => None,
        })
    })?;
    Ok(Arc::new(BooleanArray::from(out)))
}

/// `strcat_array(array, delimiter)`: the elements' `tostring` texts joined (DOCS
/// `strcat-array-function.md`: `[1, 2, 3]` with `"->"` → `1->2->3`); `""` for a non-array.
pub(super) fn strcat_array(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let delim = string_arg(args, 1)?;
    let mut texts = Vec::with_capacity(rows);
    for_each_json(arg(args, 0)?, |row, json| {
        texts.push(match json {
            Some(Json::Array(items)) => items
                .iter()
                .map(json_to_text)
                .collect::<Vec<_>>()
                .join(delim.get(row)),
            _ => String::new(),
        })
    })?;
    Ok(Arc::new(StringArray::from(texts)))
}
