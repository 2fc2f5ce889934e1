//! Whole-series statistics: `series_sum` (and the obsolete `array_sum`), `series_product`,
//! `series_magnitude`, `series_dot_product`, `series_cosine_similarity`,
//! `series_pearson_correlation`. Each gives a `real`.

use super::elementwise::Num;
use serde_json::Value as Json;

/// The numbers of an array argument; `None` if it is not an array or, with `strict`, if an
/// element is not a number (non-numbers are otherwise skipped).
fn numbers(v: Option<&Json>, strict: bool) -> Option<Vec<f64>> {
    let Json::Array(items) = v? else {
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match Num::of(item) {
            Some(n) => out.push(n.real()),
            None if strict => return None,
            None => {}
        }
    }
    Some(out)
}

/// `series_sum(series)`: null if an element is not a number (DOCS `array-sum-function.md`).
pub(super) fn sum(args: &[Json]) -> Option<f64> {
    Some(numbers(args.first(), true)?.iter().sum())
}

/// `series_product(series)` (DOCS `series-product-function.md`: `[1,2,3,4]` gives 24).
pub(super) fn product(args: &[Json]) -> Option<f64> {
    Some(numbers(args.first(), true)?.iter().product())
}

/// `series_magnitude(series)`: the square root of the series' dot product with itself
/// (DOCS `series-magnitude-function.md`: `[1,2,3,4]` gives 5.4772255750516612).
pub(super) fn magnitude(args: &[Json]) -> Option<f64> {
    let v = numbers(args.first(), true)?;
    Some(v.iter().map(|x| x * x).sum::<f64>().sqrt())
}

/// The two series' numbers, the longer truncated to the shorter; null when either is empty
/// (DOCS `series-dot-product-function.md`).
fn pair(args: &[Json]) -> Option<(Vec<f64>, Vec<f64>)> {
    let (mut a, mut b) = (numbers(args.first(), false)?, numbers(args.get(1), false)?);
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    a.truncate(n);
    b.truncate(n);
    Some((a, b))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `series_dot_product(a, b)`.
pub(super) fn dot_product(args: &[Json]) -> Option<f64> {
    let (a, b) = pair(args)?;
    Some(dot(&a, &b))
}

/// `series_cosine_similarity(a, b)`: `a·b / (|a| |b|)`.
pub(super) fn cosine_similarity(args: &[Json]) -> Option<f64> {
    let (a, b) = pair(args)?;
    Some(dot(&a, &b) / (dot(&a, &a).sqrt() * dot(&b, &b).sqrt()))
}

/// `series_pearson_correlation(a, b)`: null when an element is not a number or the sizes
/// differ (DOCS `series-pearson-correlation-function.md`).
pub(super) fn pearson(args: &[Json]) -> Option<f64> {
    let (a, b) = (numbers(args.first(), true)?, numbers(args.get(1), true)?);
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    Some(cov / (va * vb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The expected values are the digits the pages print.
    #[allow(clippy::excessive_precision)]
    #[test]
    fn documented_statistics() {
        // DOCS series-sum-function.md, series-product-function.md,
        // series-magnitude-function.md.
        assert_eq!(sum(&[json!([1, 2, 3, 4])]), Some(10.0));
        assert_eq!(sum(&[json!([1, "x"])]), None);
        assert_eq!(product(&[json!([1, 2, 3, 4])]), Some(24.0));
        assert_eq!(magnitude(&[json!([1, 2, 3, 4])]), Some(5.4772255750516612));
        // DOCS series-dot-product-function.md.
        assert_eq!(
            dot_product(&[json!([1, 2, 4]), json!([4, 2, 1])]),
            Some(12.0)
        );
        assert_eq!(
            dot_product(&[json!([3, 6, 12]), json!([12, 6, 3])]),
            Some(108.0)
        );
        assert_eq!(dot_product(&[json!([]), json!([1])]), None);
        // DOCS series-cosine-similarity-function.md.
        let c = cosine_similarity(&[json!([0.1, 0.2, 0.1, 0.2]), json!([0.11, 0.2, 0.11, 0.21])])
            .unwrap();
        assert!((c - 0.99935343825504).abs() < 1e-13, "{c}");
        let c = cosine_similarity(&[json!([0.1, 0.2, 0.1, 0.2]), json!([1, 2, 3, 4])]).unwrap();
        assert!((c - 0.923760430703401).abs() < 1e-13, "{c}");
        // DOCS series-pearson-correlation-function.md.
        let r = pearson(&[json!([1, 2, 3, 4, 5]), json!([2, 4, 6, 8, 10])]).unwrap();
        assert!((r - 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[json!([1, 2]), json!([1, 2, 3])]), None);
    }
}
