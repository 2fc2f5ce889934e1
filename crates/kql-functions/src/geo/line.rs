//! Measures and operations on lines (the `geo-line-*` pages, `geo-distance-point-to-line`,
//! `geo-closest-point-on-line`, `geo-intersects-2lines`, `geo-intersection-2lines`, the
//! line-with-polygon pair and `geo-union-lines-array`).
//!
//! Edges are geodesics on a sphere of radius [`EARTH_RADIUS_M`].

use super::geojson::Line;
use super::overlay::Region;
use super::sphere::EARTH_RADIUS_M;
use super::vector::{self, Crossing, V3};

/// A line's vertices as points on the sphere.
pub fn points(line: &Line) -> Vec<V3> {
    line.iter().map(|p| p.point()).collect()
}

fn edges(lines: &[Vec<V3>]) -> impl Iterator<Item = (V3, V3)> + '_ {
    lines.iter().flat_map(|l| {
        l.windows(2).filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
    })
}

/// The total length in metres.
pub fn length(lines: &[Vec<V3>]) -> f64 {
    edges(lines).map(|(a, b)| a.angle(b)).sum::<f64>() * EARTH_RADIUS_M
}

/// The point of the lines nearest to `x`.
pub fn closest_point(lines: &[Vec<V3>], x: V3) -> Option<V3> {
    edges(lines)
        .map(|(a, b)| vector::project(x, a, b))
        .min_by(|p, q| x.angle(*p).total_cmp(&x.angle(*q)))
}

/// The length-weighted centroid of the edges (S2 `S2Polyline::GetCentroid`); `None` when
/// the lines have no length.
pub fn centroid(lines: &[Vec<V3>]) -> Option<V3> {
    let mut sum = V3::default();
    for (a, b) in edges(lines) {
        let (vdiff, vsum) = (a - b, a + b);
        let (sin2, cos2) = (vdiff.norm2(), vsum.norm2());
        if cos2 > 0.0 {
            sum = sum + vsum * (sin2 / cos2).sqrt();
        }
    }
    (sum.norm2() > 0.0).then(|| sum.normalize())
}

/// The point at `fraction` (0–1) of a line's length.
pub fn interpolate(line: &[V3], fraction: f64) -> Option<V3> {
    if !(0.0..=1.0).contains(&fraction) {
        return None;
    }
    let lengths: Vec<f64> = line
        .windows(2)
        .map(|w| match w {
            [a, b] => a.angle(*b),
            _ => 0.0,
        })
        .collect();
    let total: f64 = lengths.iter().sum();
    let mut target = fraction * total;
    for (w, len) in line.windows(2).zip(&lengths) {
        if let [a, b] = w {
            if target <= *len {
                return Some(if *len > 0.0 {
                    vector::point_on_line(*a, *b, target)
                } else {
                    *a
                });
            }
            target -= len;
        }
    }
    line.last().copied()
}

/// The fraction (0–1) of a line's length at which it comes nearest to `x`.
pub fn locate(line: &[V3], x: V3) -> Option<f64> {
    let mut best: Option<(f64, f64)> = None;
    let mut walked = 0.0;
    for w in line.windows(2) {
        if let [a, b] = w {
            let p = vector::project(x, *a, *b);
            let d = x.angle(p);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, walked + a.angle(p)));
            }
            walked += a.angle(*b);
        }
    }
    let (_, along) = best?;
    Some(if walked > 0.0 { along / walked } else { 0.0 })
}

/// Whether two sets of lines share a point.
pub fn intersects(a: &[Vec<V3>], b: &[Vec<V3>]) -> bool {
    edges(a).any(|(p, q)| {
        edges(b).any(|(r, s)| {
            vector::crossing(p, q, r, s) != Crossing::None
                || [r, s].iter().any(|v| vector::on_edge(*v, p, q, 1e-13))
                || [p, q].iter().any(|v| vector::on_edge(*v, r, s, 1e-13))
        })
    })
}

fn same_edge(p: V3, q: V3, r: V3, s: V3) -> bool {
    (p == r && q == s) || (p == s && q == r)
}

/// Where two sets of lines meet: the edges they share, and the points where they cross or
/// touch elsewhere.
pub fn intersection(a: &[Vec<V3>], b: &[Vec<V3>]) -> (Vec<V3>, Vec<Vec<V3>>) {
    let mut shared: Vec<(V3, V3)> = Vec::new();
    let mut points: Vec<V3> = Vec::new();
    for (p, q) in edges(a) {
        for (r, s) in edges(b) {
            if same_edge(p, q, r, s) {
                if !shared.contains(&(p, q)) {
                    shared.push((p, q));
                }
                continue;
            }
            let x = match vector::crossing(p, q, r, s) {
                Crossing::Proper => Some(vector::intersection(p, q, r, s)),
                Crossing::Vertex => [p, q].into_iter().find(|v| *v == r || *v == s),
                Crossing::None => [r, s]
                    .into_iter()
                    .find(|v| vector::on_edge(*v, p, q, 1e-13))
                    .or_else(|| {
                        [p, q]
                            .into_iter()
                            .find(|v| vector::on_edge(*v, r, s, 1e-13))
                    }),
            };
            if let Some(x) = x
                && !points.contains(&x)
            {
                points.push(x);
            }
        }
    }
    let lines = chain(&shared);
    points.retain(|x| !lines.iter().flatten().any(|v| v == x));
    (points, lines)
}

/// Chains edges into lines, each edge once, starting where a chain has no predecessor.
pub fn chain(edges: &[(V3, V3)]) -> Vec<Vec<V3>> {
    let mut used = vec![false; edges.len()];
    let mut out = Vec::new();
    let has_pred = |i: usize| {
        edges
            .get(i)
            .is_some_and(|(a, _)| edges.iter().any(|(_, b)| b == a))
    };
    let starts: Vec<usize> = (0..edges.len())
        .filter(|i| !has_pred(*i))
        .chain(0..edges.len())
        .collect();
    for start in starts {
        if used.get(start) != Some(&false) {
            continue;
        }
        let Some(&(a, b)) = edges.get(start) else {
            continue;
        };
        if let Some(u) = used.get_mut(start) {
            *u = true;
        }
        let mut line = vec![a, b];
        while let Some(next) = (0..edges.len()).find(|k| {
            used.get(*k) == Some(&false)
                && edges.get(*k).is_some_and(|(s, _)| Some(s) == line.last())
        }) {
            if let Some(u) = used.get_mut(next) {
                *u = true;
            }
            if let Some((_, t)) = edges.get(next) {
                line.push(*t);
            }
        }
        out.push(line);
    }
    out
}

/// The union of lines: every edge once (an edge given twice, either way round, counts
/// once), chained into as few lines as possible.
pub fn union(lines: &[Vec<V3>]) -> Vec<Vec<V3>> {
    let mut unique: Vec<(V3, V3)> = Vec::new();
    for (p, q) in edges(lines) {
        if p != q && !unique.iter().any(|(r, s)| same_edge(p, q, *r, *s)) {
            unique.push((p, q));
        }
    }
    chain(&unique)
}

/// The parts of the lines inside the region (its boundary included), and the points where
/// they only touch it.
pub fn clip(lines: &[Vec<V3>], region: &Region) -> (Vec<V3>, Vec<Vec<V3>>) {
    let boundary: Vec<(V3, V3)> = region
        .loops
        .iter()
        .flat_map(|l| {
            let n = l.len();
            (0..n).filter_map(move |k| Some((*l.get(k)?, *l.get((k + 1) % n)?)))
        })
        .collect();
    let on_boundary = |x: V3| {
        boundary
            .iter()
            .any(|(a, b)| x == *a || vector::on_edge(x, *a, *b, 1e-13))
    };
    let mut kept: Vec<(V3, V3)> = Vec::new();
    let mut points: Vec<V3> = Vec::new();
    for (p, q) in edges(lines) {
        let mut cuts: Vec<V3> = boundary
            .iter()
            .filter_map(|(a, b)| match vector::crossing(p, q, *a, *b) {
                Crossing::Proper => Some(vector::intersection(p, q, *a, *b)),
                _ => [*a, *b]
                    .into_iter()
                    .find(|v| vector::on_edge(*v, p, q, 1e-13)),
            })
            .collect();
        cuts.sort_by(|x, y| p.angle(*x).total_cmp(&p.angle(*y)));
        cuts.dedup();
        let mut start = p;
        for x in cuts.into_iter().chain(std::iter::once(q)) {
            if x == start {
                continue;
            }
            let mid = (start + x).normalize();
            if region.contains(mid) || on_boundary(mid) {
                kept.push((start, x));
            } else {
                for v in [start, x] {
                    if (region.contains(v) || on_boundary(v)) && !points.contains(&v) {
                        points.push(v);
                    }
                }
            }
            start = x;
        }
    }
    let lines = chain(&kept);
    points.retain(|x| !lines.iter().flatten().any(|v| v == x));
    (points, lines)
}

#[cfg(test)]
#[path = "line_tests.rs"]
mod tests;
