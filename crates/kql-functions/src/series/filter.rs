//! Linear filters: `series_fir` and `series_iir` (DOCS `series-fir-function.md`,
//! `series-iir-function.md`).
//!
//! Samples before the start of the series (and, for a centred FIR filter, after its end)
//! are zero. An element that is not a number makes every output it reaches null (the FIR
//! outputs whose window holds it; for the IIR filter, whose output feeds back, every later
//! one). Coefficient arrays must be non-empty arrays of numbers, otherwise the result is
//! null.

use super::fit::{elements, reals};
use serde_json::Value as Json;

/// The coefficients of a filter argument.
fn coefficients(v: Option<&Json>) -> Option<Vec<f64>> {
    let c: Vec<f64> = elements(v)?.into_iter().collect::<Option<_>>()?;
    (!c.is_empty()).then_some(c)
}

/// An optional `bool` argument: `None` when absent or null.
fn flag(args: &[Json], i: usize) -> Option<bool> {
    args.get(i).and_then(Json::as_bool)
}

/// `series_fir(series, filter[, normalize[, center]])`:
/// `y[i] = Σ_j filter[j] · x[i + shift - j]`, with `shift = (len(filter) - 1) / 2` (rounded
/// down) when `center` is true and 0 otherwise ("the peak shifted by (5-1)/2 = 2h" for a
/// five-point moving average that is not centred).
///
/// `normalize` divides the filter by the sum of its coefficients. Unless given it is true,
/// or false when a coefficient is negative; given as true with a negative coefficient
/// ("otherwise result will be `null`"), or with coefficients summing to zero, the result
/// is null.
pub(super) fn fir(args: &[Json]) -> Option<Json> {
    let x = elements(args.first())?;
    let mut filter = coefficients(args.get(1))?;
    let negative = filter.iter().any(|c| *c < 0.0);
    let normalize = match flag(args, 2) {
        Some(true) if negative => return None,
        Some(n) => n,
        None => !negative,
    };
    if normalize {
        let sum: f64 = filter.iter().sum();
        if sum == 0.0 {
            return None;
        }
        filter.iter_mut().for_each(|c| *c /= sum);
    }
    let shift = if flag(args, 3) == Some(true) {
        (filter.len() - 1) / 2
    } else {
        0
    };
    let out: Vec<f64> = (0..x.len())
        .map(|i| {
            filter
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let at = (i + shift).checked_sub(j);
                    match at.and_then(|t| x.get(t)) {
                        Some(Some(v)) => c * v,
                        Some(None) => f64::NAN,
                        None => 0.0,
                    }
                })
                .sum()
        })
        .collect();
    Some(reals(&out))
}

/// `series_iir(series, numerators, denominators)`: with numerators `b` and denominators
/// `a`, `y[i] = (Σ_j b[j]·x[i-j] - Σ_{k≥1} a[k]·y[i-k]) / a[0]` (the page's recursive
/// formula). `a[0] = 0` gives null.
pub(super) fn iir(args: &[Json]) -> Option<Json> {
    let x = elements(args.first())?;
    let b = coefficients(args.get(1))?;
    let a = coefficients(args.get(2))?;
    if a[0] == 0.0 {
        return None;
    }
    let mut y: Vec<f64> = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let forward: f64 = b
            .iter()
            .enumerate()
            .filter_map(|(j, bj)| Some(bj * x[i.checked_sub(j)?].unwrap_or(f64::NAN)))
            .sum();
        let feedback: f64 = a
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(k, ak)| Some(ak * y[i.checked_sub(k)?]))
            .sum();
        y.push((forward - feedback) / a[0]);
    }
    Some(reals(&y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn moving_average_and_its_centred_form() {
        // series-fir-function.md: a five-point moving average shifts a spike by two
        // points; centred, it stays in place.
        let val = json!([0, 0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0, 0]);
        let out = fir(&[val.clone(), json!([1, 1, 1, 1, 1])]).unwrap();
        assert_eq!(out[8], json!(44.0)); // (20+40+100+40+20)/5, two points after the peak
        assert_eq!(out[6], json!(34.0)); // (0+10+20+40+100)/5
        let centred = fir(&[val, json!([1, 1, 1, 1, 1]), json!(true), json!(true)]).unwrap();
        assert_eq!(centred[6], json!(44.0));
        assert_eq!(centred[12], json!(0.0));
    }

    #[test]
    fn difference_filter_and_normalization_rules() {
        // series-fir-function.md: filter [1, -1] gives each point minus the one before.
        let value = json!([0, 0, 0, 0, 2, 2, 2, 2, 3, 3, 3, 3]);
        assert_eq!(
            fir(&[value.clone(), json!([1, -1]), json!(false), json!(false)]),
            Some(json!([
                0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0
            ]))
        );
        // A negative coefficient turns the default normalization off...
        assert_eq!(
            fir(&[value.clone(), json!([1, -1])]),
            fir(&[value.clone(), json!([1, -1]), json!(false)])
        );
        // ...and asking for it gives null.
        assert_eq!(fir(&[value.clone(), json!([1, -1]), json!(true)]), None);
        // Missing values null the outputs whose window reaches them.
        let out = fir(&[json!([1, null, 3, 4]), json!([1, 1])]).unwrap();
        assert_eq!(out, json!([0.5, null, null, 3.5]));
        assert_eq!(fir(&[value.clone(), json!([])]), None);
        assert_eq!(fir(&[value, json!(["a"])]), None);
    }

    #[test]
    fn iir_cumulative_sum() {
        // series-iir-function.md: numerators [1], denominators [1, -1] sum the series.
        let x = json!([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!(
            iir(&[x, json!([1]), json!([1, -1])]),
            Some(json!([
                1.0, 3.0, 6.0, 10.0, 15.0, 21.0, 28.0, 36.0, 45.0, 55.0
            ]))
        );
        assert_eq!(
            iir(&[json!([0, 1, 2, 3, 4]), json!([1]), json!([1, -1])]).map(|v| v[4].clone()),
            Some(json!(10.0))
        );
        // a[0] scales the output; a[0] = 0 is null; a missing value nulls what follows.
        assert_eq!(
            iir(&[json!([2, 4]), json!([1]), json!([2])]),
            Some(json!([1.0, 2.0]))
        );
        assert_eq!(iir(&[json!([1, 2]), json!([1]), json!([0, 1])]), None);
        assert_eq!(
            iir(&[json!([1, null, 1]), json!([1]), json!([1, -1])]),
            Some(json!([1.0, null, null]))
        );
    }
}
