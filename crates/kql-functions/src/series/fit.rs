//! Regression and summary statistics over a whole series, each giving several values:
//! `series_fit_line` (and `_dynamic`) and `series_stats` (and `_dynamic`).
//!
//! A tuple function's kernel returns one `dynamic` bag holding every member; the binder
//! splits it into columns (see [`crate::tuple_members`]).

use super::elementwise::Num;
use serde_json::{Map, Value as Json};

/// A JSON number from a real; non-finite values become null (JSON has no NaN).
pub(super) fn real(v: f64) -> Json {
    serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number)
}

/// A JSON array of reals.
pub(super) fn reals(v: &[f64]) -> Json {
    Json::Array(v.iter().map(|x| real(*x)).collect())
}

/// The elements of an array argument as numbers, `None` for each element that is not one;
/// `None` overall when the argument is not an array.
pub(super) fn elements(v: Option<&Json>) -> Option<Vec<Option<f64>>> {
    let Json::Array(items) = v? else {
        return None;
    };
    Some(
        items
            .iter()
            .map(|i| Num::of(i).map(|n| n.real()).filter(|x| x.is_finite()))
            .collect(),
    )
}

/// A least-squares line through `(x, y)` points.
pub(super) struct Line {
    pub slope: f64,
    pub interception: f64,
}

impl Line {
    /// Fits the points; `None` when there are none. One point (or all at one `x`) gives a
    /// flat line through their mean.
    pub fn fit(points: impl Iterator<Item = (f64, f64)> + Clone) -> Option<Line> {
        let n = points.clone().count() as f64;
        if n == 0.0 {
            return None;
        }
        let (sx, sy) = points
            .clone()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (mx, my) = (sx / n, sy / n);
        let (sxy, sxx) = points.fold((0.0, 0.0), |(a, b), (x, y)| {
            (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
        });
        let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
        Some(Line {
            slope,
            interception: my - slope * mx,
        })
    }

    pub fn at(&self, x: f64) -> f64 {
        self.interception + self.slope * x
    }
}

/// `series_fit_line(y)`: linear regression of `y` against `x = 1, 2, ..., n`
/// (series-fit-line-function.md). `variance` is the sample variance of `y` and `rvariance`
/// that of the residuals (both divide by `n - 1`), `rsquare` is `1 - SSres/SStot`.
/// Elements that are not numbers are left out of the fit; `line_fit` covers every position.
pub(super) fn fit_line(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let points = y
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| ((i + 1) as f64, v)));
    let mut bag = Map::new();
    let Some(line) = Line::fit(points.clone()) else {
        for k in ["rsquare", "slope", "variance", "rvariance", "interception"] {
            bag.insert(k.into(), Json::Null);
        }
        bag.insert("line_fit".into(), Json::Array(vec![]));
        return Some(Json::Object(bag));
    };
    let n = points.clone().count() as f64;
    let my = points.clone().map(|(_, v)| v).sum::<f64>() / n;
    let sst: f64 = points.clone().map(|(_, v)| (v - my).powi(2)).sum();
    let ssr: f64 = points.map(|(x, v)| (v - line.at(x)).powi(2)).sum();
    let dof = if n > 1.0 { n - 1.0 } else { 1.0 };
    let rsquare = if sst == 0.0 { 1.0 } else { 1.0 - ssr / sst };
    let fit: Vec<f64> = (1..=y.len()).map(|x| line.at(x as f64)).collect();
    bag.insert("rsquare".into(), real(rsquare));
    bag.insert("slope".into(), real(line.slope));
    bag.insert("variance".into(), real(sst / dof));
    bag.insert("rvariance".into(), real(ssr / dof));
    bag.insert("interception".into(), real(line.interception));
    bag.insert("line_fit".into(), reals(&fit));
    Some(Json::Object(bag))
}

/// `series_stats(series[, ignore_nonfinite])` (series-stats-function.md): min and max with
/// their first index, average, and the sample standard deviation and variance. Unless
/// `ignore_nonfinite` is true, an element that is not a finite number makes every
/// statistic null.
pub(super) fn stats(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let ignore = matches!(args.get(1), Some(Json::Bool(true)));
    let present: Vec<(usize, f64)> = y
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let keys = [
        "min", "min_idx", "max", "max_idx", "avg", "stdev", "variance",
    ];
    let mut bag = Map::new();
    if present.is_empty() || (!ignore && present.len() != y.len()) {
        for k in keys {
            bag.insert(k.into(), Json::Null);
        }
        return Some(Json::Object(bag));
    }
    let mut min = present[0];
    let mut max = present[0];
    for &(i, v) in &present[1..] {
        if v < min.1 {
            min = (i, v);
        }
        if v > max.1 {
            max = (i, v);
        }
    }
    let n = present.len() as f64;
    let avg = present.iter().map(|(_, v)| v).sum::<f64>() / n;
    let variance = if n > 1.0 {
        present.iter().map(|(_, v)| (v - avg).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    bag.insert("min".into(), real(min.1));
    bag.insert("min_idx".into(), Json::from(min.0 as i64));
    bag.insert("max".into(), real(max.1));
    bag.insert("max_idx".into(), Json::from(max.0 as i64));
    bag.insert("avg".into(), real(avg));
    bag.insert("stdev".into(), real(variance.sqrt()));
    bag.insert("variance".into(), real(variance));
    Some(Json::Object(bag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn close(v: &Json, want: f64, tol: f64) {
        let got = v.as_f64().unwrap();
        assert!((got - want).abs() < tol, "{got} vs {want}");
    }

    #[test]
    fn fit_line_matches_the_documented_example() {
        // series-fit-line-dynamic-function.md: RSquare 0.982, Slope 2.730, Variance
        // 98.628, RVariance 1.686, Interception -1.666, LineFit 1.064, 3.7945, ... 31.102.
        let y = json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]);
        let out = fit_line(&[y]).unwrap();
        close(&out["rsquare"], 0.982, 0.001);
        close(&out["slope"], 2.730, 0.001);
        close(&out["variance"], 98.628, 0.001);
        close(&out["rvariance"], 1.686, 0.001);
        close(&out["interception"], -1.666, 0.001);
        let fit = out["line_fit"].as_array().unwrap();
        assert_eq!(fit.len(), 12);
        close(&fit[0], 1.064, 0.001);
        close(&fit[1], 3.7945, 0.001);
        close(&fit[11], 31.102, 0.001);
    }

    #[test]
    fn fit_line_of_a_non_array_is_null() {
        assert_eq!(fit_line(&[json!("x")]), None);
    }

    #[test]
    fn stats_of_a_series() {
        // Sample variance of 1..=5 is 2.5; the first minimum and maximum index count.
        let out = stats(&[json!([3, 1, 5, 2, 4, 1, 5])]).unwrap();
        assert_eq!(out["min"], json!(1.0));
        assert_eq!(out["min_idx"], json!(1));
        assert_eq!(out["max_idx"], json!(2));
        close(&out["avg"], 3.0, 1e-12);
        let out = stats(&[json!([1, 2, 3, 4, 5])]).unwrap();
        close(&out["variance"], 2.5, 1e-12);
        close(&out["stdev"], 2.5f64.sqrt(), 1e-12);
        // A null element makes every statistic null unless it is to be ignored.
        let out = stats(&[json!([1, null, 3])]).unwrap();
        assert_eq!(out["avg"], Json::Null);
        let out = stats(&[json!([1, null, 3]), json!(true)]).unwrap();
        close(&out["avg"], 2.0, 1e-12);
    }
}
