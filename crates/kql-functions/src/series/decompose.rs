//! Seasonal decomposition and outlier scoring: `series_seasonal`, `series_decompose`,
//! `series_decompose_forecast`, `series_outliers` and `series_decompose_anomalies`, as
//! series-decompose-function.md and series-decompose-anomalies-function.md describe them:
//!
//! 1. the seasonal component is the median of the points in the same phase of the period
//!    (zero when there is no period);
//! 2. the trend is taken from the series minus its seasonal component: its average
//!    (`avg`), a least-squares line (`linefit`) or nothing (`none`);
//! 3. baseline = seasonal + trend, residual = series - baseline;
//! 4. anomaly scores are Tukey fence distances of the residuals, flags are scores beyond the
//!    threshold.
//!
//! The last `test_points` points are left out of learning (medians, trend line,
//! percentiles) and only extrapolated to.
//!
//! Two parts are kqlhunt's own, because the documentation does not define them: period
//! auto-detection (Seasonality `-1`) and the exact Tukey score (see [`detect_period`] and
//! [`outlier_scores`]). The README lists both as approximations.

use super::fit::{Line, elements, real, reals};
use serde_json::{Map, Value as Json};

/// A missing optional argument, or an explicit null one, is `None`.
fn arg(args: &[Json], i: usize) -> Option<&Json> {
    args.get(i).filter(|v| !v.is_null())
}

fn arg_f64(args: &[Json], i: usize) -> Option<f64> {
    arg(args, i).and_then(Json::as_f64)
}

fn arg_str(args: &[Json], i: usize) -> Option<&str> {
    arg(args, i).and_then(Json::as_str)
}

/// The median of some numbers (the mean of the middle two for an even count).
fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// The `p`-th percentile (0..=100) with linear interpolation between closest ranks.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.len() == 1 {
        return sorted[0];
    }
    let rank = (p / 100.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

/// Pearson correlation of two equally long slices; 0 when either is constant.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// Seasonality auto-detection (kqlhunt's approximation of series_periods_detect): every
/// period from 4 bins up to a quarter of the series is scored by the correlation of the
/// series with itself shifted by that period, and the best one counts if its score
/// reaches `threshold`. Missing values are not filled in; a series with any is treated as
/// having no period. At least four whole cycles are required, so a short series shows no
/// period (series-seasonal-function.md: twelve points of a six-point pattern give a zero
/// seasonal component).
pub(super) fn detect_period(y: &[Option<f64>], threshold: f64) -> usize {
    let Some(values) = y.iter().copied().collect::<Option<Vec<f64>>>() else {
        return 0;
    };
    let n = values.len();
    let mut best = (0, threshold);
    for p in 4..=n / 4 {
        let score = correlation(&values[..n - p], &values[p..]);
        if score >= best.1 && (best.0 == 0 || score > best.1) {
            best = (p, score);
        }
    }
    best.0
}

/// The seasonal component: each position gets the median of the learning points in its
/// phase.
fn seasonal(y: &[Option<f64>], train: usize, period: usize) -> Vec<f64> {
    if period == 0 {
        return vec![0.0; y.len()];
    }
    let medians: Vec<f64> = (0..period)
        .map(|phase| {
            let v = (phase..train)
                .step_by(period)
                .filter_map(|i| y[i])
                .collect();
            median(v).unwrap_or(0.0)
        })
        .collect();
    (0..y.len()).map(|i| medians[i % period]).collect()
}

/// The period argument: `-1` (the default) detects one, `0` means none.
fn period_of(y: &[Option<f64>], train: usize, given: Option<f64>, threshold: f64) -> usize {
    match given {
        Some(p) if p >= 1.0 => p as usize,
        Some(0.0) => 0,
        _ => detect_period(&y[..train], threshold),
    }
}

/// The decomposition's four series.
struct Decomposition {
    baseline: Vec<f64>,
    seasonal: Vec<f64>,
    trend: Vec<f64>,
    residual: Vec<Option<f64>>,
}

/// Arguments from position `at`: period, trend, test points, seasonality threshold.
fn decompose_with(y: &[Option<f64>], args: &[Json], at: [usize; 4]) -> Option<Decomposition> {
    let test_points = arg_f64(args, at[2]).unwrap_or(0.0).max(0.0) as usize;
    let train = y.len().saturating_sub(test_points);
    let threshold = arg_f64(args, at[3]).unwrap_or(0.6);
    let period = period_of(y, train, arg_f64(args, at[0]), threshold);
    let seasonal = seasonal(y, train, period);
    let deseasoned: Vec<(f64, f64)> = (0..train)
        .filter_map(|i| y[i].map(|v| ((i + 1) as f64, v - seasonal[i])))
        .collect();
    let trend: Vec<f64> = match arg_str(args, at[1]).unwrap_or("avg") {
        "none" => vec![0.0; y.len()],
        "linefit" => match Line::fit(deseasoned.iter().copied()) {
            Some(line) => (1..=y.len()).map(|x| line.at(x as f64)).collect(),
            None => vec![0.0; y.len()],
        },
        "avg" => {
            let n = deseasoned.len().max(1) as f64;
            let avg = deseasoned.iter().map(|(_, v)| v).sum::<f64>() / n;
            vec![avg; y.len()]
        }
        _ => return None,
    };
    let baseline: Vec<f64> = seasonal.iter().zip(&trend).map(|(s, t)| s + t).collect();
    let residual = y
        .iter()
        .zip(&baseline)
        .map(|(v, b)| v.map(|v| v - b))
        .collect();
    Some(Decomposition {
        baseline,
        seasonal,
        trend,
        residual,
    })
}

fn options(v: &[Option<f64>]) -> Json {
    Json::Array(v.iter().map(|x| x.map_or(Json::Null, real)).collect())
}

/// The bag of a decomposition's four series.
fn decomposition_bag(d: &Decomposition) -> Json {
    let mut bag = Map::new();
    bag.insert("baseline".into(), reals(&d.baseline));
    bag.insert("seasonal".into(), reals(&d.seasonal));
    bag.insert("trend".into(), reals(&d.trend));
    bag.insert("residual".into(), options(&d.residual));
    Json::Object(bag)
}

/// `series_decompose(series[, seasonality, trend, test_points, seasonality_threshold])`:
/// a bag of `baseline`, `seasonal`, `trend` and `residual`.
pub(super) fn decompose(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    Some(decomposition_bag(&decompose_with(&y, args, [1, 2, 3, 4])?))
}

/// `series_decompose_forecast(series, points[, seasonality, trend,
/// seasonality_threshold])` (series-decompose-forecast-function.md): the decomposition
/// learned without the last `points` points, whose baseline (the function's value where
/// one value is expected) extends over them as the forecast. Its members are those of
/// `series_decompose`, as Kusto declares them.
pub(super) fn forecast(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    Some(decomposition_bag(&decompose_with(&y, args, [2, 3, 1, 4])?))
}

/// `series_seasonal(series[, period])` (series-seasonal-function.md).
pub(super) fn seasonal_component(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let period = period_of(&y, y.len(), arg_f64(args, 1), 0.6);
    Some(reals(&seasonal(&y, y.len(), period)))
}

/// Tukey fence scores: a point above the upper percentile scores its distance above it in
/// units of the inter-percentile range, a point below the lower one the (negative) distance
/// below; points within score 0, and so do missing ones. `tukey` uses the 25th and 75th
/// percentiles, `ctukey` 10th and 90th unless given. Percentiles interpolate linearly
/// between ranks and are learned from the first `train` points. When the range is zero the
/// distance is taken in the series' own units (kqlhunt's choice: the documentation does not
/// define the score beyond the fences).
pub(super) fn outlier_scores(
    values: &[Option<f64>],
    train: usize,
    kind: &str,
    percentiles: (f64, f64),
) -> Option<Vec<f64>> {
    let (lo_p, hi_p) = match kind {
        "tukey" => (25.0, 75.0),
        "ctukey" => percentiles,
        _ => return None,
    };
    let mut learn: Vec<f64> = values[..train].iter().flatten().copied().collect();
    if learn.is_empty() {
        return Some(vec![0.0; values.len()]);
    }
    learn.sort_by(f64::total_cmp);
    let (lo, hi) = (percentile(&learn, lo_p), percentile(&learn, hi_p));
    let range = if hi > lo { hi - lo } else { 1.0 };
    Some(
        values
            .iter()
            .map(|v| match v {
                Some(v) if *v > hi => (v - hi) / range,
                Some(v) if *v < lo => (v - lo) / range,
                _ => 0.0,
            })
            .collect(),
    )
}

/// `series_outliers(series[, kind, ignore_val, min_percentile, max_percentile])`.
pub(super) fn outliers(args: &[Json]) -> Option<Json> {
    let mut y = elements(args.first())?;
    if let Some(ignore) = arg_f64(args, 2) {
        y.iter_mut()
            .filter(|v| **v == Some(ignore))
            .for_each(|v| *v = None);
    }
    let lo = arg_f64(args, 3).unwrap_or(10.0);
    let hi = arg_f64(args, 4).unwrap_or(90.0);
    if !(2.0..=98.0).contains(&lo) || !(2.0..=98.0).contains(&hi) || lo >= hi {
        return None;
    }
    let kind = arg_str(args, 1).unwrap_or("ctukey");
    Some(reals(&outlier_scores(&y, y.len(), kind, (lo, hi))?))
}

/// `series_decompose_anomalies(series[, threshold, seasonality, trend, test_points,
/// ad_method, seasonality_threshold])`: a bag of `ad_flag` (+1 above, -1 below, 0 within
/// the threshold), `ad_score` and `baseline`.
pub(super) fn decompose_anomalies(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let threshold = arg_f64(args, 1).unwrap_or(1.5);
    let d = decompose_with(&y, args, [2, 3, 4, 6])?;
    let test_points = arg_f64(args, 4).unwrap_or(0.0).max(0.0) as usize;
    let train = y.len().saturating_sub(test_points);
    let method = arg_str(args, 5).unwrap_or("ctukey");
    let scores = outlier_scores(&d.residual, train, method, (10.0, 90.0))?;
    let flags: Vec<Json> = scores
        .iter()
        .map(|s| {
            Json::from(if *s > threshold {
                1
            } else if *s < -threshold {
                -1
            } else {
                0
            })
        })
        .collect();
    let mut bag = Map::new();
    bag.insert("ad_flag".into(), Json::Array(flags));
    bag.insert("ad_score".into(), reals(&scores));
    bag.insert("baseline".into(), reals(&d.baseline));
    Some(Json::Object(bag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn floats(v: &Json) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    #[test]
    fn seasonal_with_a_given_period_is_the_median_per_phase() {
        // series-seasonal-function.md, second example.
        let out = seasonal_component(&[json!([1, 3, 5, 1, 3, 5, 2, 4, 6]), json!(3)]).unwrap();
        assert_eq!(floats(&out), [1.0, 3.0, 5.0, 1.0, 3.0, 5.0, 1.0, 3.0, 5.0]);
        let out =
            seasonal_component(&[json!([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]), json!(3)]).unwrap();
        assert_eq!(floats(&out)[..3], [1.5, 3.5, 5.5]);
    }

    #[test]
    fn seasonal_detects_the_documented_periods() {
        // series-seasonal-function.md, first example: periods 6 and 5 are found, a short
        // series gets none.
        let a = json!([
            2, 5, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1
        ]);
        let out = floats(&seasonal_component(&[a]).unwrap());
        assert_eq!(out[..7], [1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0]);
        let b = json!([
            8, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10
        ]);
        let out = floats(&seasonal_component(&[b]).unwrap());
        assert_eq!(out[..5], [10.0, 12.0, 14.0, 12.0, 10.0]);
        let c = json!([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]);
        assert!(
            floats(&seasonal_component(&[c]).unwrap())
                .iter()
                .all(|v| *v == 0.0)
        );
    }

    #[test]
    fn decompose_parts_add_up() {
        // No seasonality, a line trend: baseline = trend, residual = y - baseline.
        let y = json!([1, 2, 3, 4, 5, 6, 20, 8]);
        let out = decompose(&[y, json!(0), json!("linefit")]).unwrap();
        let (b, t, r) = (
            floats(&out["baseline"]),
            floats(&out["trend"]),
            floats(&out["residual"]),
        );
        assert!(floats(&out["seasonal"]).iter().all(|v| *v == 0.0));
        assert_eq!(b, t);
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 20.0, 8.0];
        for i in 0..8 {
            assert!((b[i] + r[i] - ys[i]).abs() < 1e-9);
        }
        // `avg` trend: the mean, 49 / 8.
        let out = decompose(&[json!([1, 2, 3, 4, 5, 6, 20, 8]), json!(0)]).unwrap();
        assert!(
            floats(&out["trend"])
                .iter()
                .all(|v| (*v - 6.125).abs() < 1e-12)
        );
    }

    #[test]
    fn a_spike_is_flagged_and_a_dip_is_flagged_down() {
        let mut y = vec![10.0; 40];
        y[30] = 60.0;
        y[10] = -40.0;
        for (i, v) in y.iter_mut().enumerate() {
            *v += (i % 3) as f64; // small noise so the percentile range is not zero
        }
        let out = decompose_anomalies(&[json!(y), json!(1.5), json!(0)]).unwrap();
        let flags = out["ad_flag"].as_array().unwrap();
        assert_eq!(flags[30], json!(1));
        assert_eq!(flags[10], json!(-1));
        let flagged = flags.iter().filter(|f| **f != json!(0)).count();
        assert_eq!(flagged, 2);
    }

    #[test]
    fn outliers_of_the_tukey_kind_use_the_quartiles() {
        // 1..=9 and 100: quartiles (linear interpolation) 3.25 and 7.75, range 4.5;
        // 100 scores (100 - 7.75) / 4.5.
        let out = outliers(&[json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]), json!("tukey")]).unwrap();
        let s = floats(&out);
        assert!((s[9] - (100.0 - 7.75) / 4.5).abs() < 1e-9);
        assert_eq!(s[4], 0.0);
        assert!(s[0] < 0.0);
        // An unknown kind or a percentile out of range is null.
        assert_eq!(outliers(&[json!([1, 2]), json!("other")]), None);
        let bad = [
            json!([1, 2]),
            json!("ctukey"),
            Json::Null,
            json!(1),
            json!(90),
        ];
        assert_eq!(outliers(&bad), None);
    }

    #[test]
    fn forecast_extends_the_learned_baseline() {
        // A period-4 pattern around 10, with the last 8 points empty (as make-series
        // leaves a forecast window): the forecast repeats the pattern.
        let pattern = [0.0, 4.0, 2.0, 6.0];
        let mut y: Vec<Json> = (0..40).map(|i| json!(10.0 + pattern[i % 4])).collect();
        y.extend((0..8).map(|_| Json::Null));
        let out = forecast(&[json!(y), json!(8), json!(4)]).unwrap();
        let baseline = floats(&out["baseline"]);
        assert_eq!(baseline.len(), 48);
        for (i, b) in baseline.iter().enumerate() {
            assert!((b - 10.0 - pattern[i % 4]).abs() < 1e-9, "{i}: {b}");
        }
        // A line with no seasonality is extrapolated; points after the learning window
        // do not count (the 100s would pull a fitted line up).
        let y = json!([1, 2, 3, 4, 5, 6, 100, 100]);
        let out = forecast(&[y, json!(2), json!(0), json!("linefit")]).unwrap();
        let baseline = floats(&out["baseline"]);
        assert!((baseline[6] - 7.0).abs() < 1e-9 && (baseline[7] - 8.0).abs() < 1e-9);
        // No trend and no seasonality: zeros.
        let out = forecast(&[json!([1, 2, 3, 4]), json!(2), json!(0), json!("none")]).unwrap();
        assert_eq!(floats(&out["baseline"]), [0.0; 4]);
        assert_eq!(forecast(&[json!("x"), json!(1)]), None);
    }
}
