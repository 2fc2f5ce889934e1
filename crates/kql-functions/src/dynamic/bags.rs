//! Property-bag functions over parsed JSON: `bag_merge`, `bag_remove_keys`, `bag_has_key`,
//! `bag_set_key`, `bag_zip`, `treepath`.
//!
//! A key is a member name, or a JSONPath of member names (`$.a.b`, `$['a']`) for nested
//! members (DOCS `bag-has-key-function.md`); array indexes are not supported in keys, so a
//! path with one matches nothing.

use crate::parsing::jsonpath::{Step, parse_path};
use serde_json::{Map, Value as Json};

/// The member names a key names; `None` for a path this function cannot follow.
fn key_path(key: &str) -> Option<Vec<String>> {
    if !key.trim_start().starts_with('$') {
        return Some(vec![key.to_string()]);
    }
    let steps = parse_path(key)?;
    if steps.is_empty() {
        return None;
    }
    steps
        .into_iter()
        .map(|s| match s {
            Step::Member(m) => Some(m),
            Step::Index(_) => None,
        })
        .collect()
}

/// `bag_merge(b1, b2, ...)`: every member of every bag; the leftmost value of a repeated
/// key wins (DOCS `bag-merge-function.md`). Arguments that are not bags are skipped.
pub(super) fn merge(args: &[Json]) -> Option<Json> {
    let mut out = Map::new();
    for bag in args {
        if let Json::Object(map) = bag {
            for (k, v) in map {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Some(Json::Object(out))
}

/// Removes the member at `path` (if there is one).
fn remove_path(map: &mut Map<String, Json>, path: &[String]) {
    match path {
        [] => {}
        [last] => {
            map.shift_remove(last);
        }
        [first, rest @ ..] => {
            if let Some(Json::Object(inner)) = map.get_mut(first) {
                remove_path(inner, rest);
            }
        }
    }
}

/// `bag_remove_keys(bag, keys)`: the bag without the listed members; null for a value that
/// is not a bag (DOCS `bag-remove-keys-function.md`).
pub(super) fn remove_keys(args: &[Json]) -> Option<Json> {
    let Some(Json::Object(map)) = args.first() else {
        return None;
    };
    let mut map = map.clone();
    if let Some(Json::Array(keys)) = args.get(1) {
        for key in keys.iter().filter_map(Json::as_str) {
            if let Some(path) = key_path(key) {
                remove_path(&mut map, &path);
            }
        }
    }
    Some(Json::Object(map))
}

/// `bag_has_key(bag, key)`: false for a value that is not a bag.
pub(super) fn has_key(args: &[Json]) -> Option<bool> {
    let (Some(bag), Some(Json::String(key))) = (args.first(), args.get(1)) else {
        return Some(false);
    };
    let Some(path) = key_path(key) else {
        return Some(false);
    };
    let found = path.iter().try_fold(bag, |cur, k| match cur {
        Json::Object(map) => map.get(k),
        _ => None,
    });
    Some(found.is_some())
}

/// `bag_set_key(bag, key, value)`: the bag with the member set (nested bags made as
/// needed); null for a value that is not a bag (DOCS `bag-set-key-function.md`).
pub(super) fn set_key(args: &[Json]) -> Option<Json> {
    let (Some(Json::Object(map)), Some(Json::String(key))) = (args.first(), args.get(1)) else {
        return None;
    };
    let path = key_path(key)?;
    let value = args.get(2).cloned().unwrap_or(Json::Null);
    let mut map = map.clone();
    let (last, parents) = path.split_last()?;
    let mut cur = &mut map;
    for k in parents {
        let slot = cur
            .entry(k.clone())
            .or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        cur = slot.as_object_mut()?;
    }
    cur.insert(last.clone(), value);
    Some(Json::Object(map))
}

/// `bag_zip(keys, values)` (DOCS `bag-zip.md`): keys that are not strings are skipped,
/// missing values are null, extra values are ignored, values that are not an array give
/// null values; keys that are not an array give null.
pub(super) fn zip(args: &[Json]) -> Option<Json> {
    let Some(Json::Array(keys)) = args.first() else {
        return None;
    };
    let values = match args.get(1) {
        Some(Json::Array(v)) => v.as_slice(),
        _ => &[],
    };
    let mut out = Map::new();
    for (i, k) in keys.iter().enumerate() {
        if let Json::String(k) = k {
            out.insert(k.clone(), values.get(i).cloned().unwrap_or(Json::Null));
        }
    }
    Some(Json::Object(out))
}

/// Appends the paths under `value` (whose own path is `prefix`) to `out`, without repeats.
fn walk(value: &Json, prefix: &str, out: &mut Vec<String>) {
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}['{k}']");
                push_unique(out, path.clone());
                walk(v, &path, out);
            }
        }
        Json::Array(items) => {
            let path = format!("{prefix}[0]");
            if !items.is_empty() {
                push_unique(out, path.clone());
            }
            for item in items.iter().filter(|i| i.is_object() || i.is_array()) {
                walk(item, &path, out);
            }
        }
        _ => {}
    }
}

fn push_unique(out: &mut Vec<String>, path: String) {
    if !out.contains(&path) {
        out.push(path);
    }
}

/// `treepath(bag)`: the paths of every member, arrays standing for all their elements as
/// `[0]` (DOCS `treepath-function.md`: `{"prop1":[1,2,3,4], "prop2":"value2"}` gives
/// `['prop1']`, `['prop1'][0]`, `['prop2']`). Null for a value that is not a bag.
pub(super) fn treepath(args: &[Json]) -> Option<Json> {
    let bag @ Json::Object(_) = args.first()? else {
        return None;
    };
    let mut out = Vec::new();
    walk(bag, "", &mut out);
    Some(Json::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_bags() {
        // DOCS bag-merge-function.md.
        assert_eq!(
            merge(&[
                json!({"A1":12, "B1":2, "C1":3}),
                json!({"A2":81, "B2":82, "A1":1})
            ]),
            Some(json!({"A1":12, "B1":2, "C1":3, "A2":81, "B2":82}))
        );
        // DOCS bag-remove-keys-function.md, both examples.
        assert_eq!(
            remove_keys(&[json!({"key1": 123, "key2": "abc"}), json!(["key2", "key4"])]),
            Some(json!({"key1": 123}))
        );
        assert_eq!(
            remove_keys(&[
                json!({"key1": 123, "key2": {"prop1": "abc", "prop2": "xyz"}, "key3": [100, 200]}),
                json!(["$.key2.prop1", "key3"])
            ]),
            Some(json!({"key1": 123, "key2": {"prop2": "xyz"}}))
        );
        assert_eq!(remove_keys(&[json!([1]), json!(["a"])]), None);
        // DOCS bag-has-key-function.md, both examples.
        assert_eq!(
            has_key(&[json!({"key1": 123, "key2": "abc"}), json!("key2")]),
            Some(true)
        );
        assert_eq!(
            has_key(&[json!({"key1": 123, "key3": "abc"}), json!("key2")]),
            Some(false)
        );
        assert_eq!(
            has_key(&[
                json!({"key1": 123, "key2": {"prop1": "abc"}}),
                json!("$.key2.prop1")
            ]),
            Some(true)
        );
        assert_eq!(has_key(&[json!({"a": [1]}), json!("$.a[0]")]), Some(false));
        // DOCS bag-set-key-function.md, both examples.
        assert_eq!(
            set_key(&[json!({"key1": 1, "key2": 2}), json!("key3"), json!(3)]),
            Some(json!({"key1": 1, "key2": 2, "key3": 3}))
        );
        assert_eq!(
            set_key(&[json!({"key1": 1, "key3": "abc"}), json!("key3"), json!(3)]),
            Some(json!({"key1": 1, "key3": 3}))
        );
        assert_eq!(
            set_key(&[
                json!({"key1": 123, "key2": {"prop1": 123, "prop2": "xyz"}}),
                json!("$.key2.prop1"),
                json!("abc")
            ]),
            Some(json!({"key1": 123, "key2": {"prop1": "abc", "prop2": "xyz"}}))
        );
        assert_eq!(
            set_key(&[json!({"key1": 123}), json!("$.key2.prop1"), json!("abc")]),
            Some(json!({"key1": 123, "key2": {"prop1": "abc"}}))
        );
        assert_eq!(set_key(&[json!("x"), json!("k"), json!(1)]), None);
    }

    #[test]
    fn documented_zip_and_treepath() {
        // DOCS bag-zip.md, all five examples.
        assert_eq!(
            zip(&[json!(["a", "b", "c"]), json!([1, "2", 3.4])]),
            Some(json!({"a": 1, "b": "2", "c": 3.4}))
        );
        assert_eq!(
            zip(&[json!(["a", "b", "c"]), json!([1, "2"])]),
            Some(json!({"a": 1, "b": "2", "c": null}))
        );
        assert_eq!(
            zip(&[json!(["a", "b"]), json!([1, "2", 2.5])]),
            Some(json!({"a": 1, "b": "2"}))
        );
        assert_eq!(
            zip(&[json!(["a", 8, "b"]), json!([1, "2", 2.5])]),
            Some(json!({"a": 1, "b": 2.5}))
        );
        assert_eq!(
            zip(&[json!(["a", 8, "b"]), json!(1)]),
            Some(json!({"a": null, "b": null}))
        );
        assert_eq!(zip(&[json!("a"), json!([1, "2", 2.5])]), None);
        // DOCS treepath-function.md, the three examples.
        assert_eq!(
            treepath(&[json!({"a": "b", "c": 123})]),
            Some(json!(["['a']", "['c']"]))
        );
        assert_eq!(
            treepath(&[json!({"prop1": [1, 2, 3, 4], "prop2": "value2"})]),
            Some(json!(["['prop1']", "['prop1'][0]", "['prop2']"]))
        );
        assert_eq!(
            treepath(&[json!({"listProperty": [100, 200, 300, "abcde", {"x": "y"}]})]),
            Some(json!([
                "['listProperty']",
                "['listProperty'][0]",
                "['listProperty'][0]['x']"
            ]))
        );
    }
}
