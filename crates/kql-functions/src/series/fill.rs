//! Filling missing values: `series_fill_const`, `series_fill_forward`,
//! `series_fill_backward`, `series_fill_linear`.
//!
//! An element is missing when it equals the placeholder, which is null unless given (a
//! numeric placeholder matches numbers of the same value). Elements keep their types
//! (DOCS `series-fill-const-function.md`: "preserves the original type of the array
//! elements").

use super::elementwise::Num;
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

/// `series_fill_linear(series[, placeholder[, fill_edges[, constant]]])`
/// (series-fill-linear-function.md): each missing element between two numbers is
/// interpolated linearly by position; missing elements at the edges take the nearest
/// number unless `fill_edges` is false (then they stay); a series with no number at all is
/// filled with `constant` (0 unless given; a null constant leaves it as it is).
///
/// "If *series* contains only `int` or `long` elements, then the linear interpolation
/// returns rounded interpolated values": the page's integer example gives 73 between 111
/// and 36 and 32, 24 between 41 and 16, so the values are truncated towards zero.
/// Elements that are neither missing nor numbers are kept and do not anchor the line.
pub(super) fn fill_linear(args: &[Json]) -> Option<Json> {
    let Json::Array(items) = args.first()? else {
        return None;
    };
    let placeholder = args.get(1).unwrap_or(&Json::Null);
    let fill_edges = !matches!(args.get(2), Some(Json::Bool(false)));
    let missing: Vec<bool> = items.iter().map(|v| is_missing(v, placeholder)).collect();
    let anchors: Vec<(usize, Num)> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| !missing[*i])
        .filter_map(|(i, v)| Some((i, Num::of(v)?)))
        .collect();
    let mut out = items.clone();
    let (Some(&(first, _)), Some(&(last, _))) = (anchors.first(), anchors.last()) else {
        let constant = args.get(3).cloned().unwrap_or_else(|| Json::from(0.0));
        if !constant.is_null() {
            for (slot, m) in out.iter_mut().zip(&missing) {
                if *m {
                    *slot = constant.clone();
                }
            }
        }
        return Some(Json::Array(out));
    };
    let integers = anchors.iter().all(|(_, n)| matches!(n, Num::Int(_)));
    for pair in anchors.windows(2) {
        let [(ia, a), (ib, b)] = pair else { continue };
        for (i, slot) in out.iter_mut().enumerate().take(*ib).skip(ia + 1) {
            if missing[i] {
                let v = a.real() + (b.real() - a.real()) * (i - ia) as f64 / (ib - ia) as f64;
                *slot = if integers {
                    Json::from(v.trunc() as i64)
                } else {
                    super::fit::real(v)
                };
            }
        }
    }
    if fill_edges {
        for i in (0..first).chain(last + 1..items.len()) {
            if missing[i] {
                out[i] = items[if i < first { first } else { last }].clone();
            }
        }
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

    #[test]
    fn linear_fill_of_the_documented_arrays() {
        // DOCS series-fill-linear-function.md: reals, integers (truncated), all missing.
        let reals = json!([
            null, 111.0, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null
        ]);
        let out = fill_linear(std::slice::from_ref(&reals)).unwrap();
        let want = [
            111.0, 111.0, 73.5, 36.0, 41.0, 32.667, 24.333, 16.0, 61.0, 33.0, 33.0, 33.0,
        ];
        let got: Vec<f64> = out
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 0.001, "{got:?}");
        }
        // Without edges the leading and trailing nulls stay.
        let out = fill_linear(&[reals, Json::Null, json!(false)]).unwrap();
        assert_eq!(out[0], Json::Null);
        assert_eq!(out[10], Json::Null);
        assert_eq!(out[2], json!(73.5));
        let ints = json!([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]);
        assert_eq!(
            fill_linear(std::slice::from_ref(&ints)),
            Some(json!([111, 111, 73, 36, 41, 32, 24, 16, 61, 33, 33, 33]))
        );
        assert_eq!(
            fill_linear(&[ints, Json::Null, json!(false)]),
            Some(json!([
                null, 111, 73, 36, 41, 32, 24, 16, 61, 33, null, null
            ]))
        );
        let empty = json!([null, null, null, null]);
        assert_eq!(
            fill_linear(std::slice::from_ref(&empty)),
            Some(json!([0.0, 0.0, 0.0, 0.0]))
        );
        assert_eq!(
            fill_linear(&[empty.clone(), Json::Null, json!(false)]),
            Some(json!([0.0, 0.0, 0.0, 0.0]))
        );
        assert_eq!(
            fill_linear(&[empty.clone(), Json::Null, json!(true), json!(2.5)]),
            Some(json!([2.5, 2.5, 2.5, 2.5]))
        );
        // A null constant preserves the nulls.
        assert_eq!(
            fill_linear(&[empty.clone(), Json::Null, json!(true), Json::Null]),
            Some(empty)
        );
    }

    #[test]
    fn linear_fill_with_a_placeholder_and_bad_input() {
        assert_eq!(
            fill_linear(&[json!([1, 0, 0, 7]), json!(0)]),
            Some(json!([1, 3, 5, 7]))
        );
        assert_eq!(fill_linear(&[json!("not an array")]), None);
        assert_eq!(fill_linear(&[json!([])]), Some(json!([])));
    }
}
