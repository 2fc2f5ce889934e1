//! Piecewise and polynomial regression: `series_fit_2lines` (and `_dynamic`) and
//! `series_fit_poly`.
//!
//! Both measure their fits as `series_fit_line` does (see [`super::fit`]): `rsquare` is
//! `1 - SSres / SStot`, `variance` and `rvariance` are the sums of squares divided by
//! `n - 1`, and elements that are not numbers are left out of the fit (their positions
//! still get a fitted value).

use super::fit::{Line, elements, real, reals};
use serde_json::{Map, Value as Json};

/// A least-squares line through some points, with its sums of squares.
struct Segment {
    line: Line,
    /// Number of points.
    n: f64,
    /// Total sum of squares around the mean of `y`.
    sst: f64,
    /// Residual sum of squares around the line.
    ssr: f64,
}

impl Segment {
    fn fit(points: &[(f64, f64)]) -> Option<Segment> {
        let line = Line::fit(points.iter().copied())?;
        let n = points.len() as f64;
        let mean = points.iter().map(|(_, y)| y).sum::<f64>() / n;
        let sst = points.iter().map(|(_, y)| (y - mean).powi(2)).sum();
        let ssr = points.iter().map(|(x, y)| (y - line.at(*x)).powi(2)).sum();
        Some(Segment { line, n, sst, ssr })
    }

    /// The members `series_fit_line` reports for this segment.
    fn members(&self) -> [(&'static str, Json); 5] {
        let dof = dof(self.n);
        [
            ("rsquare", real(rsquare(self.ssr, self.sst))),
            ("slope", real(self.line.slope)),
            ("interception", real(self.line.interception)),
            ("variance", real(self.sst / dof)),
            ("rvariance", real(self.ssr / dof)),
        ]
    }
}

/// The divisor of the variances: `n - 1`, or 1 for a single point.
fn dof(n: f64) -> f64 {
    if n > 1.0 { n - 1.0 } else { 1.0 }
}

fn rsquare(ssr: f64, sst: f64) -> f64 {
    if sst == 0.0 { 1.0 } else { 1.0 - ssr / sst }
}

/// The best two-line fit: the split, both segments and the total sums of squares.
struct TwoLines {
    split: usize,
    left: Segment,
    right: Segment,
    sst: f64,
    n: f64,
}

/// Tries every split of the series into two parts of at least two numbers each and keeps
/// the one with the largest total r-square (the first on a tie).
fn two_lines(y: &[Option<f64>]) -> Option<TwoLines> {
    let points: Vec<(usize, (f64, f64))> = y
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, ((i + 1) as f64, v))))
        .collect();
    let all: Vec<(f64, f64)> = points.iter().map(|(_, p)| *p).collect();
    let total = Segment::fit(&all)?;
    let mut best: Option<(f64, TwoLines)> = None;
    for cut in 2..=points.len().saturating_sub(2) {
        let (Some(left), Some(right)) = (Segment::fit(&all[..cut]), Segment::fit(&all[cut..]))
        else {
            continue;
        };
        let r2 = rsquare(left.ssr + right.ssr, total.sst);
        if best.as_ref().is_none_or(|(b, _)| r2 > *b) {
            let split = points[cut].0;
            best = Some((
                r2,
                TwoLines {
                    split,
                    left,
                    right,
                    sst: total.sst,
                    n: total.n,
                },
            ));
        }
    }
    best.map(|(_, t)| t)
}

/// The whole-fit members of a two-line fit of `y`, or nulls when there is none.
fn two_line_summary(y: &[Option<f64>], fit: Option<&TwoLines>) -> Map<String, Json> {
    let mut bag = Map::new();
    let Some(t) = fit else {
        for k in ["rsquare", "split_idx", "variance", "rvariance"] {
            bag.insert(k.into(), Json::Null);
        }
        bag.insert("line_fit".into(), Json::Array(vec![]));
        return bag;
    };
    let ssr = t.left.ssr + t.right.ssr;
    let line_fit: Vec<f64> = (0..y.len())
        .map(|i| {
            let x = (i + 1) as f64;
            if i < t.split {
                t.left.line.at(x)
            } else {
                t.right.line.at(x)
            }
        })
        .collect();
    bag.insert("rsquare".into(), real(rsquare(ssr, t.sst)));
    bag.insert("split_idx".into(), Json::from(t.split as i64));
    bag.insert("variance".into(), real(t.sst / dof(t.n)));
    bag.insert("rvariance".into(), real(ssr / dof(t.n)));
    bag.insert("line_fit".into(), reals(&line_fit));
    bag
}

/// `series_fit_2lines(series)` (series-fit-2lines-function.md): the series is split in two
/// at every position, a line is fitted to each part and the split with the largest total
/// r-square wins. The page leaves two details open, settled here as follows: `split_idx`
/// is the (zero-based) index of the first element of the right-hand part, each part has at
/// least two numbers, and both lines are in the coordinates of the whole series (`x = 1, 2,
/// ..., n`, as `series_fit_line` uses), so `right_interception` is the right line's value
/// at `x = 0`. Fewer than four numbers give null members.
pub(super) fn fit_2lines(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let fit = two_lines(&y);
    let mut bag = two_line_summary(&y, fit.as_ref());
    for (side, segment) in [
        ("right", fit.as_ref().map(|t| &t.right)),
        ("left", fit.as_ref().map(|t| &t.left)),
    ] {
        for (k, v) in segment_members(segment) {
            bag.insert(format!("{side}_{k}"), v);
        }
    }
    Some(Json::Object(bag))
}

/// `series_fit_2lines_dynamic(series)` (series-fit-2lines-dynamic-function.md): the same
/// fit as one bag, the sides nested as `right.rsquare`, `left.slope`, ... as the page
/// lists them.
pub(super) fn fit_2lines_dynamic(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let fit = two_lines(&y);
    let mut bag = two_line_summary(&y, fit.as_ref());
    for (side, segment) in [
        ("right", fit.as_ref().map(|t| &t.right)),
        ("left", fit.as_ref().map(|t| &t.left)),
    ] {
        let inner: Map<String, Json> = segment_members(segment)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        bag.insert(side.into(), Json::Object(inner));
    }
    Some(Json::Object(bag))
}

/// A side's members, null when there is no fit.
fn segment_members(segment: Option<&Segment>) -> [(&'static str, Json); 5] {
    match segment {
        Some(s) => s.members(),
        None => {
            ["rsquare", "slope", "interception", "variance", "rvariance"].map(|k| (k, Json::Null))
        }
    }
}

/// Reflects `col[k..]` in the Householder vector `v` (of squared norm `vnorm2`).
fn reflect(col: &mut [f64], v: &[f64], vnorm2: f64, k: usize) {
    let tail = &mut col[k..];
    let f = 2.0 * tail.iter().zip(v).map(|(x, v)| x * v).sum::<f64>() / vnorm2;
    for (x, v) in tail.iter_mut().zip(v) {
        *x -= f * v;
    }
}

/// Least squares `A c ≈ b` by Householder QR; `A` is given by its `p` columns of `m ≥ p`
/// rows. `None` when `A` is rank-deficient.
fn least_squares(mut cols: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let p = cols.len();
    for k in 0..p {
        let column = &cols[k];
        let norm = column[k..].iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        let alpha = if column[k] > 0.0 { -norm } else { norm };
        // v = the column from the diagonal down, minus alpha·e_k.
        let mut v = column[k..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 == 0.0 {
            continue;
        }
        for col in cols.iter_mut().skip(k) {
            reflect(col, &v, vnorm2, k);
        }
        reflect(&mut b, &v, vnorm2, k);
    }
    // R is upper triangular: R[k][j] = cols[j][k].
    let scale = (0..p).map(|k| cols[k][k].abs()).fold(0.0, f64::max);
    let mut c = vec![0.0; p];
    for k in (0..p).rev() {
        let diagonal = cols[k][k];
        if diagonal.abs() <= scale * 1e-13 {
            return None;
        }
        let s: f64 = (k + 1..p).map(|j| cols[j][k] * c[j]).sum();
        c[k] = (b[k] - s) / diagonal;
    }
    Some(c)
}

/// `Σ c[k] x^k` (lowest power first).
fn polynomial(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, ck| acc * x + ck)
}

/// `series_fit_poly(y[, x[, degree]])` (series-fit-poly-function.md): the least-squares
/// polynomial of `degree` (1 unless given) through the points `(x, y)`, with `x = 1, 2,
/// ..., n` when it is not given (or null). `coefficients` run from the highest power to
/// the lowest; `poly_fit` is the polynomial at each `x`. An `x` of another length than `y`,
/// a negative degree or an argument of the wrong kind gives null; too few points for the
/// degree give null members.
pub(super) fn fit_poly(args: &[Json]) -> Option<Json> {
    let y = elements(args.first())?;
    let x: Vec<Option<f64>> = match args.get(1) {
        None | Some(Json::Null) => (1..=y.len()).map(|i| Some(i as f64)).collect(),
        other => elements(other)?,
    };
    if x.len() != y.len() {
        return None;
    }
    let degree = match args.get(2) {
        None | Some(Json::Null) => 1,
        Some(d) => {
            let d = d.as_f64()?;
            if d < 0.0 || d.fract() != 0.0 || d > 1000.0 {
                return None;
            }
            d as usize
        }
    };
    let points: Vec<(f64, f64)> = x
        .iter()
        .zip(&y)
        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
        .collect();
    let p = degree + 1;
    let coefficients = (points.len() >= p)
        .then(|| {
            let columns = (0..p)
                .map(|k| points.iter().map(|(x, _)| x.powi(k as i32)).collect())
                .collect();
            least_squares(columns, points.iter().map(|(_, y)| *y).collect())
        })
        .flatten();
    let mut bag = Map::new();
    let Some(c) = coefficients else {
        for k in ["rsquare", "coefficients", "variance", "rvariance"] {
            bag.insert(k.into(), Json::Null);
        }
        bag.insert("poly_fit".into(), Json::Array(vec![]));
        return Some(Json::Object(bag));
    };
    let n = points.len() as f64;
    let mean = points.iter().map(|(_, y)| y).sum::<f64>() / n;
    let sst: f64 = points.iter().map(|(_, y)| (y - mean).powi(2)).sum();
    let ssr: f64 = points
        .iter()
        .map(|(x, y)| (y - polynomial(&c, *x)).powi(2))
        .sum();
    let highest_first: Vec<f64> = c.iter().rev().copied().collect();
    let fit: Vec<Json> = x
        .iter()
        .map(|x| x.map_or(Json::Null, |x| real(polynomial(&c, x))))
        .collect();
    bag.insert("rsquare".into(), real(rsquare(ssr, sst)));
    bag.insert("coefficients".into(), reals(&highest_first));
    bag.insert("variance".into(), real(sst / dof(n)));
    bag.insert("rvariance".into(), real(ssr / dof(n)));
    bag.insert("poly_fit".into(), Json::Array(fit));
    Some(Json::Object(bag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn close(v: &Json, want: f64, tol: f64) {
        let got = v.as_f64().unwrap_or(f64::NAN);
        assert!((got - want).abs() < tol, "{got} vs {want}");
    }

    #[test]
    fn two_lines_find_the_break_of_two_exact_lines() {
        // y = x for x = 1..5, then y = 20 - 2x for x = 6..10: an exact fit splits at
        // index 5 (the first element of the second line).
        let y = json!([1, 2, 3, 4, 5, 8, 6, 4, 2, 0]);
        let out = fit_2lines(&[y]).unwrap();
        assert_eq!(out["split_idx"], json!(5));
        close(&out["rsquare"], 1.0, 1e-12);
        close(&out["rvariance"], 0.0, 1e-12);
        close(&out["left_slope"], 1.0, 1e-12);
        close(&out["left_interception"], 0.0, 1e-12);
        close(&out["right_slope"], -2.0, 1e-12);
        close(&out["right_interception"], 20.0, 1e-12);
        close(&out["right_rsquare"], 1.0, 1e-12);
        // variance is the sample variance of the whole input.
        let mean = 3.5;
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 6.0, 4.0, 2.0, 0.0];
        let var = ys.iter().map(|v: &f64| (v - mean).powi(2)).sum::<f64>() / 9.0;
        close(&out["variance"], var, 1e-12);
        let fit = out["line_fit"].as_array().unwrap();
        assert_eq!(fit.len(), 10);
        close(&fit[4], 5.0, 1e-12);
        close(&fit[5], 8.0, 1e-12);
        // The dynamic form nests the sides.
        let d = fit_2lines_dynamic(&[json!([1, 2, 3, 4, 5, 8, 6, 4, 2, 0])]).unwrap();
        close(&d["right"]["slope"], -2.0, 1e-12);
        close(&d["left"]["rsquare"], 1.0, 1e-12);
        assert_eq!(d["split_idx"], json!(5));
    }

    #[test]
    fn two_lines_of_too_short_or_bad_series() {
        let out = fit_2lines(&[json!([1, 2, 3])]).unwrap();
        assert_eq!(out["rsquare"], Json::Null);
        assert_eq!(out["left_slope"], Json::Null);
        assert_eq!(out["line_fit"], json!([]));
        assert_eq!(fit_2lines(&[json!("x")]), None);
        assert_eq!(fit_2lines(&[Json::Null]), None);
    }

    #[test]
    fn poly_of_degree_one_is_the_line_fit() {
        // series-fit-poly-function.md example 2: degree 1 matches series_fit_line; the
        // series of series-fit-line-dynamic-function.md has slope 2.730 and interception
        // -1.666.
        let y = json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]);
        let poly = fit_poly(std::slice::from_ref(&y)).unwrap();
        let line = super::super::fit::fit_line(&[y]).unwrap();
        close(&poly["coefficients"][0], 2.730, 0.001);
        close(&poly["coefficients"][1], -1.666, 0.001);
        for k in ["rsquare", "variance", "rvariance"] {
            close(&poly[k], line[k].as_f64().unwrap(), 1e-9);
        }
        for (p, l) in poly["poly_fit"]
            .as_array()
            .unwrap()
            .iter()
            .zip(line["line_fit"].as_array().unwrap())
        {
            close(p, l.as_f64().unwrap(), 1e-9);
        }
    }

    #[test]
    fn poly_recovers_an_exact_polynomial() {
        // y = x^5 - 8x^3 + 10x + 6 (the page's example 1, without the noise) on uneven x.
        let x: Vec<f64> = (0..40)
            .map(|i| -2.3 + 5.0 * (i as f64 / 39.0).powf(1.3))
            .collect();
        let y: Vec<f64> = x
            .iter()
            .map(|x| x.powi(5) - 8.0 * x.powi(3) + 10.0 * x + 6.0)
            .collect();
        let out = fit_poly(&[json!(y), json!(x), json!(5)]).unwrap();
        let c = out["coefficients"].as_array().unwrap();
        let want = [1.0, 0.0, -8.0, 0.0, 10.0, 6.0];
        assert_eq!(c.len(), 6);
        for (c, w) in c.iter().zip(want) {
            close(c, w, 1e-6);
        }
        close(&out["rsquare"], 1.0, 1e-12);
    }

    #[test]
    fn poly_rejects_what_it_cannot_fit() {
        // Mismatched lengths, a negative or fractional degree: null.
        assert_eq!(fit_poly(&[json!([1, 2, 3]), json!([1, 2])]), None);
        assert_eq!(fit_poly(&[json!([1, 2, 3]), Json::Null, json!(-1)]), None);
        assert_eq!(fit_poly(&[json!([1, 2, 3]), Json::Null, json!(1.5)]), None);
        // Two points cannot fix a parabola: null members.
        let out = fit_poly(&[json!([1, 2]), Json::Null, json!(2)]).unwrap();
        assert_eq!(out["coefficients"], Json::Null);
        // Missing y elements are left out; their positions are still fitted.
        let out = fit_poly(&[json!([1, null, 3, 4])]).unwrap();
        close(&out["poly_fit"][1], 2.0, 1e-12);
        close(&out["rsquare"], 1.0, 1e-12);
    }
}
