//! Set functions over arrays: `set_union`, `set_intersect`, `set_difference`,
//! `jaccard_index`.
//!
//! Elements are equal as KQL compares `dynamic` values (`1 == 1.0`); results keep the
//! order in which values first appear and hold each value once. An argument that is not
//! an array gives null.

use super::json::json_eq;
use serde_json::Value as Json;

fn arrays(args: &[Json]) -> Option<Vec<&Vec<Json>>> {
    args.iter()
        .map(|a| match a {
            Json::Array(items) => Some(items),
            _ => None,
        })
        .collect()
}

fn contains(set: &[Json], v: &Json) -> bool {
    set.iter().any(|x| json_eq(x, v))
}

/// The distinct values of `values`, in order.
fn distinct<'a>(values: impl Iterator<Item = &'a Json>) -> Vec<Json> {
    let mut out: Vec<Json> = Vec::new();
    for v in values {
        if !contains(&out, v) {
            out.push(v.clone());
        }
    }
    out
}

/// `set_union(a1, a2, ...)` (DOCS `set-union-function.md`: `[1,2,1,4]`, `[1,2]`, `[8]` give
/// `[1,2,4,8]`).
pub(super) fn union(args: &[Json]) -> Option<Json> {
    let all = arrays(args)?;
    Some(Json::Array(distinct(all.into_iter().flatten())))
}

/// `set_intersect(a1, a2, ...)`: the distinct values of `a1` found in every other array.
pub(super) fn intersect(args: &[Json]) -> Option<Json> {
    let all = arrays(args)?;
    let (first, rest) = all.split_first()?;
    let kept = distinct(first.iter()).into_iter();
    Some(Json::Array(
        kept.filter(|v| rest.iter().all(|a| contains(a, v)))
            .collect(),
    ))
}

/// `set_difference(a1, a2, ...)`: the distinct values of `a1` found in no other array.
pub(super) fn difference(args: &[Json]) -> Option<Json> {
    let all = arrays(args)?;
    let (first, rest) = all.split_first()?;
    let kept = distinct(first.iter()).into_iter();
    Some(Json::Array(
        kept.filter(|v| !rest.iter().any(|a| contains(a, v)))
            .collect(),
    ))
}

/// `jaccard_index(a, b)`: |a ∩ b| / |a ∪ b| over distinct values (DOCS
/// `jaccard-index-function.md`: `[1,2,3]` and `[1,2,3,4]` give 0.75); two empty sets give
/// null.
pub(super) fn jaccard(args: &[Json]) -> Option<f64> {
    let all = arrays(args)?;
    let [a, b] = all.as_slice() else {
        return None;
    };
    let a = distinct(a.iter());
    let b = distinct(b.iter());
    let common = a.iter().filter(|v| contains(&b, v)).count();
    let union = a.len() + b.len() - common;
    (union > 0).then(|| common as f64 / union as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_sets() {
        // DOCS set-union-function.md, both examples.
        for (a1, a2, a3, out) in [
            (
                json!([1, 2, 1, 4]),
                json!([1, 2]),
                json!([8]),
                json!([1, 2, 4, 8]),
            ),
            (
                json!([2, 4, 2, 8]),
                json!([2, 4]),
                json!([16]),
                json!([2, 4, 8, 16]),
            ),
            (
                json!([3, 6, 3, 12]),
                json!([3, 6]),
                json!([24]),
                json!([3, 6, 12, 24]),
            ),
        ] {
            assert_eq!(union(&[a1, a2, a3]), Some(out));
        }
        let arr = json!(["A4", "A2", "A7", "A2"]);
        assert_eq!(union(&[arr.clone(), arr]), Some(json!(["A4", "A2", "A7"])));
        // DOCS set-intersect-function.md, both examples.
        assert_eq!(
            intersect(&[json!([1, 2, 1, 4]), json!([1, 2]), json!([8, 1])]),
            Some(json!([1]))
        );
        assert_eq!(
            intersect(&[json!([1, 2, 3]), json!([4, 5])]),
            Some(json!([]))
        );
        // DOCS set-difference-function.md, both examples.
        assert_eq!(
            difference(&[json!([1, 2, 1, 4]), json!([1, 2]), json!([1, 2, 8])]),
            Some(json!([4]))
        );
        assert_eq!(
            difference(&[json!([1, 2, 3]), json!([1, 2, 3])]),
            Some(json!([]))
        );
        // DOCS jaccard-index-function.md.
        assert_eq!(
            jaccard(&[json!([1, 2, 3]), json!([1, 2, 3, 4])]),
            Some(0.75)
        );
        // Numbers compare by value; a non-array gives null.
        assert_eq!(union(&[json!([1]), json!([1.0, 2])]), Some(json!([1, 2])));
        assert_eq!(union(&[json!([1]), json!("x")]), None);
    }
}
