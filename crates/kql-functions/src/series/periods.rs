//! Periodicity: `series_periods_detect` and `series_periods_validate` (DOCS
//! `series-periods-detect-function.md`, `series-periods-validate-function.md`).
//!
//! The pages define what the functions return (periods in bins, and scores between 0 and
//! 1 measuring each period's significance; periods of at least 4 bins and at most half the
//! series) but not how the score is computed, so the method here is kqlhunt's own, chosen
//! to be statistically meaningful and to reproduce the pages' example, a month of traffic
//! in 12-hour bins: period 14 scores 0.84 ("approximately .84", "truncated") and period 10
//! scores 0.
//!
//! * **Score** of a period `p`: how well each point is predicted by the mean of the other
//!   points in the same phase (`i mod p`), as a leave-one-out R²: `1 - PRESS / SStot`,
//!   clipped to [0, 1]. A real cycle predicts its points; a spurious one predicts them no
//!   better than the series mean and scores 0. (The example scores 0.8419 and 0.) Non-whole
//!   periods are scored at the nearest whole number of bins.
//! * **Detection** looks for candidates in the spectrum: the periodogram's peaks are
//!   tested one after another by Fisher's g test (5% level) against the power left; each
//!   significant frequency `k` gives the whole periods between `n / (k + 1)` and
//!   `n / (k - 1)`, and the best scoring of them within the requested range is reported.
//!   In the example the one significant peak in range (k = 4) gives period 14.
//!
//! `series_decompose` and its relatives detect seasonality with their own approximation
//! (see `decompose.rs`), which reproduces the `series_seasonal` page.

use super::fft::dft;
use super::fit::{elements, real};
use serde_json::{Map, Value as Json};

/// The most periods `series_periods_detect` pads its output to (the caller chooses the
/// length; this bounds the allocation).
const MAX_PERIODS: usize = 1 << 16;

/// The leave-one-out R² of the phase means of period `period` (see the module
/// documentation); 0 outside 4 ..= n/2 bins.
pub(super) fn period_score(y: &[Option<f64>], period: f64) -> f64 {
    let p = period.round();
    if !p.is_finite() || p < 4.0 || 2.0 * p > y.len() as f64 {
        return 0.0;
    }
    let p = p as usize;
    let (mut sums, mut counts) = (vec![0.0; p], vec![0usize; p]);
    for (i, v) in y.iter().enumerate() {
        if let Some(v) = v {
            sums[i % p] += v;
            counts[i % p] += 1;
        }
    }
    // A point alone in its phase has nothing to be predicted from.
    let points: Vec<(usize, f64)> = y
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|_| counts[i % p] >= 2).map(|v| (i % p, v)))
        .collect();
    if points.is_empty() {
        return 0.0;
    }
    let mean = points.iter().map(|(_, v)| v).sum::<f64>() / points.len() as f64;
    let sst: f64 = points.iter().map(|(_, v)| (v - mean).powi(2)).sum();
    if sst == 0.0 {
        return 0.0;
    }
    let press: f64 = points
        .iter()
        .map(|&(phase, v)| {
            let others = (sums[phase] - v) / (counts[phase] - 1) as f64;
            (v - others).powi(2)
        })
        .sum();
    (1.0 - press / sst).clamp(0.0, 1.0)
}

/// The frequencies (in cycles per series) whose periodogram peaks pass Fisher's g test, in
/// order of power.
fn significant_frequencies(y: &[Option<f64>]) -> Vec<usize> {
    let present: Vec<f64> = y.iter().flatten().copied().collect();
    let n = y.len();
    if present.is_empty() || n < 8 {
        return vec![];
    }
    let mean = present.iter().sum::<f64>() / present.len() as f64;
    // Missing points sit at the mean, where they add no power.
    let centred: Vec<f64> = y.iter().map(|v| v.map_or(0.0, |v| v - mean)).collect();
    let (re, im) = dft(&centred, &vec![0.0; n], -1.0);
    let mut power: Vec<(usize, f64)> = (1..=n / 2)
        .map(|k| (k, re[k] * re[k] + im[k] * im[k]))
        .collect();
    power.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut left: f64 = power.iter().map(|(_, p)| p).sum();
    let mut found = Vec::new();
    for (i, &(k, p)) in power.iter().enumerate() {
        let m = (power.len() - i) as f64;
        if m < 2.0 || left <= 0.0 {
            break;
        }
        let critical = 1.0 - (0.05 / m).powf(1.0 / (m - 1.0));
        if p / left < critical {
            break;
        }
        found.push(k);
        left -= p;
    }
    found
}

/// `series_periods_detect(series, min_period, max_period, num_periods)`.
pub(super) fn detect(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let min = args.get(1)?.as_f64()?;
    let max = args.get(2)?.as_f64()?;
    let wanted = args.get(3)?.as_f64()?.max(0.0).min(MAX_PERIODS as f64) as usize;
    let n = y.len();
    let lowest = min.ceil().max(4.0);
    let highest = max.floor().min((n / 2) as f64);
    let mut found: Vec<(f64, f64)> = Vec::new();
    for k in significant_frequencies(&y) {
        let from = (n as f64 / (k + 1) as f64).floor() + 1.0;
        let to = if k > 1 {
            (n as f64 / (k - 1) as f64).ceil() - 1.0
        } else {
            f64::INFINITY
        };
        let (from, to) = (from.max(lowest), to.min(highest));
        let mut best: Option<(f64, f64)> = None;
        let mut p = from;
        while p <= to {
            let s = period_score(&y, p);
            if s > 0.0 && best.is_none_or(|(_, b)| s > b) {
                best = Some((p, s));
            }
            p += 1.0;
        }
        if let Some(b) = best.filter(|b| !found.iter().any(|f| f.0 == b.0)) {
            found.push(b);
        }
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found.truncate(wanted);
    found.resize(wanted, (0.0, 0.0));
    Some(bag(
        found.iter().map(|f| f.0).collect(),
        found.iter().map(|f| f.1).collect(),
    ))
}

/// `series_periods_validate(series, period1[, period2, ...])`: the periods as given, each
/// with its score (0 outside 4 ..= n/2 bins).
pub(super) fn validate(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let periods: Vec<f64> = args
        .get(1..)
        .unwrap_or_default()
        .iter()
        .map(|p| p.as_f64())
        .collect::<Option<_>>()?;
    let scores = periods.iter().map(|p| period_score(&y, *p)).collect();
    Some(bag(periods, scores))
}

fn bag(periods: Vec<f64>, scores: Vec<f64>) -> Json {
    let mut bag = Map::new();
    bag.insert(
        "periods".into(),
        Json::Array(periods.into_iter().map(real).collect()),
    );
    bag.insert(
        "scores".into(),
        Json::Array(scores.into_iter().map(real).collect()),
    );
    Json::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The month of traffic in 12-hour bins of both pages.
    fn traffic() -> Json {
        json!([
            80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61,
            50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103,
            189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115, 182, 121,
            178, 114, 170
        ])
    }

    /// The page prints scores truncated to two decimals.
    fn truncated(v: &Json) -> f64 {
        (v.as_f64().unwrap_or(f64::NAN) * 100.0).trunc() / 100.0
    }

    #[test]
    fn validate_reproduces_the_documented_scores() {
        // series-periods-validate-function.md: periods [14.0, 10.0], scores [0.84, 0.0].
        let out = validate(&[traffic(), json!(14.0), json!(10.0)]).unwrap();
        assert_eq!(out["periods"], json!([14.0, 10.0]));
        assert_eq!(truncated(&out["scores"][0]), 0.84);
        assert_eq!(out["scores"][1], json!(0.0));
    }

    #[test]
    fn detect_reproduces_the_documented_periods() {
        // series-periods-detect-function.md: (y, 0.0, 50.0, 2) gives [14, 0], [0.84, 0].
        let out = detect(&[traffic(), json!(0.0), json!(50.0), json!(2)]).unwrap();
        assert_eq!(out["periods"], json!([14.0, 0.0]));
        assert_eq!(truncated(&out["scores"][0]), 0.84);
        assert_eq!(out["scores"][1], json!(0.0));
        // A range that excludes 14 finds nothing.
        let out = detect(&[traffic(), json!(20.0), json!(50.0), json!(1)]).unwrap();
        assert_eq!(out["periods"], json!([0.0]));
    }

    #[test]
    fn an_exact_cycle_scores_one_and_noise_scores_nothing() {
        let cycle: Vec<f64> = (0..48)
            .map(|i| [1.0, 5.0, 2.0, 8.0, 3.0, 0.0][i % 6])
            .collect();
        let y: Vec<Option<f64>> = cycle.iter().copied().map(Some).collect();
        assert_eq!(period_score(&y, 6.0), 1.0);
        let out = detect(&[json!(cycle), json!(4.0), json!(20.0), json!(1)]).unwrap();
        assert_eq!(out["periods"], json!([6.0]));
        // A constant series has no period; periods out of 4 ..= n/2 score 0.
        let flat = vec![Some(3.0); 48];
        assert_eq!(period_score(&flat, 6.0), 0.0);
        assert_eq!(period_score(&y, 3.0), 0.0);
        assert_eq!(period_score(&y, 25.0), 0.0);
    }

    #[test]
    fn bad_arguments_are_null() {
        assert_eq!(validate(&[json!("x"), json!(14)]), None);
        assert_eq!(validate(&[traffic(), json!("x")]), None);
        assert_eq!(detect(&[traffic(), json!(0), json!(50)]), None);
        let out = detect(&[json!([]), json!(0), json!(50), json!(2)]).unwrap();
        assert_eq!(out["periods"], json!([0.0, 0.0]));
    }
}
