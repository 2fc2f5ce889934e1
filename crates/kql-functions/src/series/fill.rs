//! Filling missing values: `series_fill_const`, `series_fill_forward`,
//! `series_fill_backward`.
//!
//! An element is missing when it equals the placeholder, which is null unless given (a
//! numeric placeholder matches numbers of the same value). Elements keep their types
//! (DOCS `series-fill-const-function.md`: "preserves the original type of the array
//! elements").

use crate::dynamic::json_eq;
use serde_json::Value as Json;

fn is_missing(v: &Json, placeholder: &Json) -> bool {
    match placeholder {
        Json::Null => v.is_null(),
        p => json_eq(v, p),
    }
}

/// `series_fill_const(series, value[, placeholder])` (DOCS: `[111,null,36]` with 0.0 gives
/// `[111,0.0,36]`).
pub(super) fn fill_const(args: &[Json]) -> Option<Json> {
    let Json::Array(items) = args.first()? else {
        return None;
    };
    let value = args.get(1).cloned().unwrap_or(Json::Null);
    let placeholder = args.get(2).unwrap_or(&Json::Null);
    Some(Json::Array(
        items
            .iter()
            .map(|v| {
                if is_missing(v, placeholder) {
                    value.clone()
                } else {
                    v.clone()
                }
            })
            .collect(),
    ))
}

/// `series_fill_forward(series[, placeholder])`, or backward: each missing element takes
/// the nearest present one before it (after it); missing elements at the edge stay.
pub(super) fn fill_direction(args: &[Json], backward: bool) -> Option<Json> {
    let Json::Array(items) = args.first()? else {
        return None;
    };
    let placeholder = args.get(1).unwrap_or(&Json::Null);
    let mut out = items.clone();
    let mut last: Option<Json> = None;
    let mut fill = |slot: &mut Json| {
        if is_missing(slot, placeholder) {
            if let Some(v) = &last {
                *slot = v.clone();
            }
        } else {
            last = Some(slot.clone());
        }
    };
    if backward {
        out.iter_mut().rev().for_each(&mut fill);
    } else {
        out.iter_mut().for_each(&mut fill);
    }
    Some(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_fills() {
        // DOCS series-fill-const-function.md.
        let arr = json!([111, null, 36, 41, 23, null, 16, 61, 33, null, null]);
        assert_eq!(
            fill_const(&[arr.clone(), json!(0.0)]),
            Some(json!([111, 0.0, 36, 41, 23, 0.0, 16, 61, 33, 0.0, 0.0]))
        );
        assert_eq!(
            fill_const(&[arr, json!(-1)]),
            Some(json!([111, -1, 36, 41, 23, -1, 16, 61, 33, -1, -1]))
        );
        // DOCS series-fill-backward-function.md.
        assert_eq!(
            fill_direction(
                &[json!([
                    111, null, 36, 41, null, null, 16, 61, 33, null, null
                ])],
                true
            ),
            Some(json!([111, 36, 36, 41, 16, 16, 16, 61, 33, null, null]))
        );
        // DOCS series-fill-forward-function.md.
        assert_eq!(
            fill_direction(
                &[json!([
                    null, null, 36, 41, null, null, 16, 61, 33, null, null
                ])],
                false
            ),
            Some(json!([null, null, 36, 41, 41, 41, 16, 61, 33, 33, 33]))
        );
        // A placeholder value other than null.
        assert_eq!(
            fill_direction(&[json!([1, -1, 3]), json!(-1)], false),
            Some(json!([1, 1, 3]))
        );
    }
}
