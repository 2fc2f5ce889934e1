//! Array functions over parsed JSON: `array_reverse`, `array_sort_asc`/`array_sort_desc`,
//! `array_split`, `array_shift_left`/`right`, `array_rotate_left`/`right`,
//! `array_iff`, `zip`.
//!
//! Each takes the JSON values of one row's arguments (every argument arrives as `dynamic`)
//! and returns the result, `None` for null. An argument that must be an array and is not
//! gives null.

use serde_json::Value as Json;
use std::cmp::Ordering;

/// The elements of an array argument.
fn items(v: Option<&Json>) -> Option<&Vec<Json>> {
    match v {
        Some(Json::Array(items)) => Some(items),
        _ => None,
    }
}

/// An integer argument (a JSON number with no fraction).
fn int(v: Option<&Json>) -> Option<i64> {
    match v? {
        Json::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0)
                .and_then(crate::convert::real_to_long)
        }),
        _ => None,
    }
}

/// `array_reverse(array)`.
pub(super) fn reverse(args: &[Json]) -> Option<Json> {
    let mut v = items(args.first())?.clone();
    v.reverse();
    Some(Json::Array(v))
}

/// The sort rank of an element (DOCS `array-sort-asc-function.md`: numbers, datetimes and
/// timespans, then strings, then the rest; datetimes and timespans are text in `dynamic`
/// values, so they sort with the strings).
fn rank(v: &Json) -> u8 {
    match v {
        Json::Number(_) => 0,
        Json::String(_) => 1,
        _ => 2,
    }
}

/// The order of two non-null elements: by rank, numbers by value, strings ordinally,
/// anything else equal (so it keeps its place).
fn compare(a: &Json, b: &Json) -> Ordering {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .unwrap_or(f64::NAN)
                .total_cmp(&y.as_f64().unwrap_or(f64::NAN)),
        },
        (Json::String(x), Json::String(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// `array_sort_asc(a1, ..., an[, nulls_last])` / `array_sort_desc`: `a1` sorted (stable),
/// the other arrays put in the same order, or null if their length differs. One array
/// gives the sorted array; several give an array of the sorted arrays (Kusto returns them
/// as separate columns, which needs the binder). Nulls go last unless `nulls_last` is
/// false.
pub(super) fn sort(args: &[Json], descending: bool) -> Option<Json> {
    let (arrays, nulls_last) = match args.split_last() {
        Some((Json::Bool(b), rest)) => (rest, *b),
        _ => (args, true),
    };
    let first = items(arrays.first())?;
    let mut order: Vec<usize> = (0..first.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&first[i], &first[j]);
        match (a.is_null(), b.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if nulls_last {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, true) => {
                if nulls_last {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, false) if descending => compare(b, a),
            (false, false) => compare(a, b),
        }
    });
    let sorted: Vec<Json> = arrays
        .iter()
        .map(|a| match a {
            Json::Array(v) if v.len() == first.len() => {
                Json::Array(order.iter().filter_map(|&i| v.get(i).cloned()).collect())
            }
            _ => Json::Null,
        })
        .collect();
    match <[Json; 1]>::try_from(sorted) {
        Ok([only]) => Some(only).filter(|j| !j.is_null()),
        Err(all) => Some(Json::Array(all)),
    }
}

/// `array_split(array, index)`: the pieces between the split positions (an integer or an
/// array of them; negative positions count from the end, positions are clamped to the
/// array and to the previous position).
pub(super) fn split(args: &[Json]) -> Option<Json> {
    let v = items(args.first())?;
    let n = i64::try_from(v.len()).ok()?;
    let positions: Vec<i64> = match args.get(1)? {
        Json::Array(ix) => ix.iter().map(|j| int(Some(j))).collect::<Option<_>>()?,
        other => vec![int(Some(other))?],
    };
    let mut pieces = Vec::with_capacity(positions.len() + 1);
    let mut start = 0usize;
    for p in positions {
        let p = if p < 0 { n + p } else { p }.clamp(0, n);
        let end = usize::try_from(p).ok()?.max(start);
        pieces.push(Json::Array(v.get(start..end)?.to_vec()));
        start = end;
    }
    pieces.push(Json::Array(v.get(start..)?.to_vec()));
    Some(Json::Array(pieces))
}

/// `array_shift_left(array, count[, default])` (`right` negates the count): elements
/// moved by `count` places, the vacated ones set to `default` (null when not given).
pub(super) fn shift(args: &[Json], right: bool) -> Option<Json> {
    let v = items(args.first())?;
    let count = int(args.get(1))?;
    let count = if right { count.checked_neg()? } else { count };
    let fill = args.get(2).cloned().unwrap_or(Json::Null);
    let n = i64::try_from(v.len()).ok()?;
    let out = (0..n)
        .map(|i| {
            i.checked_add(count)
                .filter(|j| (0..n).contains(j))
                .and_then(|j| v.get(usize::try_from(j).ok()?).cloned())
                .unwrap_or_else(|| fill.clone())
        })
        .collect();
    Some(Json::Array(out))
}

/// `array_rotate_left(array, count)` (`right` negates the count).
pub(super) fn rotate(args: &[Json], right: bool) -> Option<Json> {
    let v = items(args.first())?;
    let count = int(args.get(1))?;
    let n = i64::try_from(v.len()).ok()?;
    if n == 0 {
        return Some(Json::Array(Vec::new()));
    }
    let by = usize::try_from(count.rem_euclid(n)).ok()?;
    let mut out = v.clone();
    if right {
        out.rotate_right(by);
    } else {
        out.rotate_left(by);
    }
    Some(Json::Array(out))
}

/// The truth of an `array_iff` condition element: a boolean, or a number (true unless
/// zero); `None` for anything else.
fn truth(v: &Json) -> Option<bool> {
    match v {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => n.as_f64().map(|f| f != 0.0),
        _ => None,
    }
}

/// `array_iff(conditions, when_true, when_false)`: element-wise; a branch that is not an
/// array applies to every element, a branch array that is too short gives null (DOCS
/// `array-iff-function.md`).
pub(super) fn array_iff(args: &[Json]) -> Option<Json> {
    let conditions = items(args.first())?;
    let pick = |branch: Option<&Json>, i: usize| match branch {
        Some(Json::Array(v)) => v.get(i).cloned().unwrap_or(Json::Null),
        Some(other) => other.clone(),
        None => Json::Null,
    };
    let out = conditions
        .iter()
        .enumerate()
        .map(|(i, c)| match truth(c) {
            Some(true) => pick(args.get(1), i),
            Some(false) => pick(args.get(2), i),
            None => Json::Null,
        })
        .collect();
    Some(Json::Array(out))
}

/// `zip(a1, a2, ...)`: arrays of the elements at each position, as long as the longest
/// input; missing elements are null.
pub(super) fn zip(args: &[Json]) -> Option<Json> {
    let arrays = args
        .iter()
        .map(|a| items(Some(a)))
        .collect::<Option<Vec<_>>>()?;
    let n = arrays.iter().map(|a| a.len()).max().unwrap_or(0);
    let out = (0..n)
        .map(|i| {
            Json::Array(
                arrays
                    .iter()
                    .map(|a| a.get(i).cloned().unwrap_or(Json::Null))
                    .collect(),
            )
        })
        .collect();
    Some(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_arrays() {
        // DOCS array-reverse-function.md.
        assert_eq!(
            reverse(&[json!(["this", "is", "an", "example"])]),
            Some(json!(["example", "an", "is", "this"]))
        );
        // DOCS array-sort-asc-function.md and array-sort-desc-function.md.
        let (a1, a2) = (json!([1, 3, 4, 5, 2]), json!(["a", "b", "c", "d", "e"]));
        assert_eq!(
            sort(&[a1.clone(), a2.clone()], false),
            Some(json!([[1, 2, 3, 4, 5], ["a", "e", "b", "c", "d"]]))
        );
        assert_eq!(
            sort(&[a1, a2], true),
            Some(json!([[5, 4, 3, 2, 1], ["d", "c", "b", "e", "a"]]))
        );
        assert_eq!(
            sort(&[json!(["John", "Paul", "Jane", "Kao"])], false),
            Some(json!(["Jane", "John", "Kao", "Paul"]))
        );
        let colours = json!([null, "blue", "yellow", "green", null]);
        assert_eq!(
            sort(std::slice::from_ref(&colours), false),
            Some(json!(["blue", "green", "yellow", null, null]))
        );
        assert_eq!(
            sort(&[colours, json!(false)], false),
            Some(json!([null, null, "blue", "green", "yellow"]))
        );
        // Numbers before strings; arrays of another length are null.
        assert_eq!(
            sort(&[json!(["b", 2, "a", 1.5])], false),
            Some(json!([1.5, 2, "a", "b"]))
        );
        assert_eq!(
            sort(&[json!([2, 1]), json!([1])], false),
            Some(json!([[1, 2], null]))
        );
        // DOCS array-split-function.md.
        let arr = json!([1, 2, 3, 4, 5]);
        assert_eq!(
            split(&[arr.clone(), json!(2)]),
            Some(json!([[1, 2], [3, 4, 5]]))
        );
        assert_eq!(
            split(&[arr.clone(), json!([1, 3])]),
            Some(json!([[1], [2, 3], [4, 5]]))
        );
        assert_eq!(
            split(&[arr.clone(), json!(-1)]),
            Some(json!([[1, 2, 3, 4], [5]]))
        );
        // DOCS array-shift-left-function.md and array-shift-right-function.md.
        assert_eq!(
            shift(&[arr.clone(), json!(2)], false),
            Some(json!([3, 4, 5, null, null]))
        );
        assert_eq!(
            shift(&[arr.clone(), json!(2), json!(-1)], false),
            Some(json!([3, 4, 5, -1, -1]))
        );
        assert_eq!(
            shift(&[arr.clone(), json!(-2), json!(-1)], false),
            Some(json!([-1, -1, 1, 2, 3]))
        );
        assert_eq!(
            shift(&[arr.clone(), json!(2)], true),
            Some(json!([null, null, 1, 2, 3]))
        );
        assert_eq!(
            shift(&[arr.clone(), json!(-2), json!(-1)], true),
            Some(json!([3, 4, 5, -1, -1]))
        );
        // DOCS array-rotate-left-function.md and array-rotate-right-function.md.
        assert_eq!(
            rotate(&[arr.clone(), json!(2)], false),
            Some(json!([3, 4, 5, 1, 2]))
        );
        assert_eq!(
            rotate(&[arr.clone(), json!(-2)], false),
            Some(json!([4, 5, 1, 2, 3]))
        );
        assert_eq!(
            rotate(&[arr.clone(), json!(2)], true),
            Some(json!([4, 5, 1, 2, 3]))
        );
        assert_eq!(rotate(&[json!("x"), json!(1)], false), None);
    }

    #[test]
    fn documented_iff_and_zip() {
        // DOCS array-iff-function.md, all four examples.
        assert_eq!(
            array_iff(&[
                json!([true, false, true]),
                json!([1, 2, 3]),
                json!([4, 5, 6])
            ]),
            Some(json!([1, 5, 3]))
        );
        assert_eq!(
            array_iff(&[json!([1, 0, 50]), json!("yes"), json!("no")]),
            Some(json!(["yes", "no", "yes"]))
        );
        assert_eq!(
            array_iff(&[
                json!(["some string value", "2022-01-01T00:00:00Z", null]),
                json!(1),
                json!(0)
            ]),
            Some(json!([null, null, null]))
        );
        assert_eq!(
            array_iff(&[json!([true, true, true]), json!([1, 2]), json!([3, 4])]),
            Some(json!([1, 2, null]))
        );
        // DOCS zip-function.md.
        assert_eq!(
            zip(&[json!([1, 3, 5]), json!([2, 4, 6])]),
            Some(json!([[1, 2], [3, 4], [5, 6]]))
        );
        assert_eq!(
            zip(&[json!(["A", 1, 1.5]), json!([{}, "B"])]),
            Some(json!([["A", {}], [1, "B"], [1.5, null]]))
        );
        assert_eq!(zip(&[json!([1]), json!("x")]), None);
    }
}
