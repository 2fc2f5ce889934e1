//! Building `dynamic` values: `parse_json`, KQL values as `dynamic`, `pack_array`,
//! `bag_pack`, `array_concat`, and the internal helpers behind `make_list`/`make_set`
//! (`__list_to_dynamic`) and `make_bag` (`__bag_merge_list`).

use super::json::{dynamic_array, for_each_json, json_values, object, parse_dynamic};
use crate::convert::Source;
use crate::strings::{Strings, string_arg};
use crate::udf::arg;
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, StringArray};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use serde_json::Value as Json;
use std::sync::Arc;

/// `parse_json(text)`: the parsed value, normalised to compact JSON text.
pub(super) fn parse_json(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let values = (0..rows).map(|i| s.get_opt(i).map(parse_dynamic)).collect();
    Ok(dynamic_array(values))
}

/// Any non-`dynamic` KQL value as `dynamic` (a string becomes a JSON string).
pub(super) fn to_dynamic_value(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    let values = json_values(arg(args, 0)?, Source::Text)?;
    Ok(dynamic_array(values.into_iter().map(Some).collect()))
}

/// Reads every argument (all `dynamic`) of one row; SQL NULL is JSON `null`.
fn row_values(columns: &[Strings<'_>], row: usize) -> impl Iterator<Item = Json> {
    columns
        .iter()
        .map(move |c| c.get_opt(row).map_or(Json::Null, parse_dynamic))
}

fn dynamic_columns(args: &[ArrayRef]) -> Result<Vec<Strings<'_>>> {
    (0..args.len()).map(|i| string_arg(args, i)).collect()
}

/// `pack_array(v1, v2, ...)`: the values (already `dynamic`) as an array.
pub(super) fn pack_array(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = dynamic_columns(args)?;
    let values = (0..rows)
        .map(|row| Some(Json::Array(row_values(&columns, row).collect())))
        .collect();
    Ok(dynamic_array(values))
}

/// `bag_pack(k1, v1, k2, v2, ...)`: keys are strings, values already `dynamic`.
pub(super) fn bag_pack(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = dynamic_columns(args)?;
    let values = (0..rows)
        .map(|row| {
            let pairs = columns.chunks(2).filter_map(|kv| match kv {
                [k, v] => Some((
                    k.get(row).to_string(),
                    v.get_opt(row).map_or(Json::Null, parse_dynamic),
                )),
                _ => None,
            });
            Some(object(pairs))
        })
        .collect();
    Ok(dynamic_array(values))
}

/// `array_concat(a1, a2, ...)`: one array of all elements; null if any argument is not an
/// array.
pub(super) fn array_concat(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = dynamic_columns(args)?;
    let values = (0..rows)
        .map(|row| {
            let mut all = Vec::new();
            for v in row_values(&columns, row) {
                match v {
                    Json::Array(items) => all.extend(items),
                    _ => return None,
                }
            }
            Some(Json::Array(all))
        })
        .collect();
    Ok(dynamic_array(values))
}

/// `__list_to_dynamic(list, elements_are_dynamic[, limit])`: an Arrow list (from
/// `array_agg`) as a `dynamic` array of at most `limit` elements; a null list is `[]` (an
/// aggregate over no rows).
pub(super) fn list_to_dynamic(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let list = arg(args, 0)?;
    let (values, offsets): (&ArrayRef, Vec<usize>) = match list.data_type() {
        DataType::List(_) => {
            let l = list
                .as_list_opt::<i32>()
                .ok_or_else(|| DataFusionError::Internal("not a list".into()))?;
            let offsets = l.value_offsets().iter().map(|&o| o as usize).collect();
            (l.values(), offsets)
        }
        DataType::LargeList(_) => {
            let l = list
                .as_list_opt::<i64>()
                .ok_or_else(|| DataFusionError::Internal("not a list".into()))?;
            let offsets = l.value_offsets().iter().map(|&o| o as usize).collect();
            (l.values(), offsets)
        }
        other => {
            return Err(DataFusionError::Internal(format!(
                "__list_to_dynamic of {other}"
            )));
        }
    };
    let elements_are_dynamic = args
        .get(1)
        .and_then(|a| a.as_any().downcast_ref::<BooleanArray>())
        .is_some_and(|b| !b.is_empty() && b.is_valid(0) && b.value(0));
    let limit = args
        .get(2)
        .and_then(|a| a.as_any().downcast_ref::<Int64Array>())
        .filter(|l| !l.is_empty() && l.is_valid(0))
        .map_or(usize::MAX, |l| usize::try_from(l.value(0)).unwrap_or(0));
    let elements: Vec<Json> = if elements_are_dynamic {
        let mut out = Vec::with_capacity(values.len());
        let s = Strings::try_new(values.as_ref())
            .ok_or_else(|| DataFusionError::Internal("dynamic elements not strings".into()))?;
        for i in 0..s.len() {
            out.push(s.get_opt(i).map_or(Json::Null, parse_dynamic));
        }
        out
    } else {
        json_values(values, Source::Text)?
    };
    let texts: StringArray = (0..rows)
        .map(|row| {
            let items = match (offsets.get(row), offsets.get(row + 1)) {
                (Some(&s), Some(&e)) if list.is_valid(row) => elements
                    .get(s..e)
                    .map(|items| items.iter().take(limit).cloned().collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            Some(Json::Array(items).to_string())
        })
        .collect();
    Ok(Arc::new(texts))
}

/// `__bag_merge_list(list)`: the property bags of an Arrow list of `dynamic` values merged
/// into one (the first value of a repeated key is kept); other values are ignored.
pub(super) fn bag_merge_list(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let list = arg(args, 0)?;
    let merged: StringArray = (0..rows)
        .map(|row| -> Result<Option<String>> {
            let mut pairs = Vec::new();
            if list.is_valid(row) {
                let items = match list.data_type() {
                    DataType::List(_) => list.as_list_opt::<i32>().map(|l| l.value(row)),
                    DataType::LargeList(_) => list.as_list_opt::<i64>().map(|l| l.value(row)),
                    _ => None,
                }
                .ok_or_else(|| {
                    DataFusionError::Internal("__bag_merge_list of a non-list".into())
                })?;
                for_each_json(&items, |_, json| {
                    if let Some(Json::Object(map)) = json {
                        pairs.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                })?;
            }
            Ok(Some(object(pairs.into_iter()).to_string()))
        })
        .collect::<Result<_>>()?;
    Ok(Arc::new(merged))
}
