//! Measures and transformations of polygons (the `geo-polygon-*` pages,
//! `geo-point-in-polygon-function.md`, `geo-distance-point-to-polygon-function.md`,
//! `geo-closest-point-on-polygon-function.md`).
//!
//! Edges are geodesics on a sphere of radius [`EARTH_RADIUS_M`]. A multipolygon stands for
//! the union of its polygons ("If input is a multipolygon and contains more than one
//! polygon, the result will be the area of polygons union").

use super::geojson::{LngLat, Polygon, lnglat};
use super::overlay::{self, Region};
use super::sphere::EARTH_RADIUS_M;
use super::vector::{self, V3};

/// The region of one polygon.
pub fn polygon_region(p: &Polygon) -> Region {
    Region { loops: p.loops() }
}

/// The region of a polygon or multipolygon: the union of its polygons.
pub fn region(polygons: &[Polygon]) -> Region {
    match polygons {
        [one] => polygon_region(one),
        many => overlay::union_all(many.iter().map(polygon_region).collect()),
    }
}

/// The polygons of a region: each counter-clockwise loop is a shell, holding the clockwise
/// loops that lie inside it.
pub fn to_polygons(region: &Region) -> Vec<Polygon> {
    let ring = |l: &[V3]| l.iter().map(|p| lnglat(*p)).collect::<Vec<LngLat>>();
    let (shells, holes): (Vec<&Vec<V3>>, Vec<&Vec<V3>>) = region
        .loops
        .iter()
        .filter(|l| l.len() >= 3)
        .partition(|l| vector::turning_sum(l) > 0.0);
    let mut out: Vec<Polygon> = shells
        .iter()
        .map(|s| Polygon {
            rings: vec![ring(s)],
        })
        .collect();
    for h in holes {
        let probe = match (h.first(), h.get(1)) {
            (Some(a), Some(b)) => (*a + *b).normalize(),
            _ => continue,
        };
        let owner = shells
            .iter()
            .enumerate()
            .filter(|(_, s)| overlay::winding(&[(**s).clone()], probe) > 0.5)
            .min_by(|(_, a), (_, b)| loop_area(a).total_cmp(&loop_area(b)))
            .map(|(i, _)| i);
        if let Some(p) = owner.and_then(|i| out.get_mut(i)) {
            p.rings.push(ring(h));
        }
    }
    out
}

fn loop_area(l: &[V3]) -> f64 {
    vector::surface_integral(l, vector::signed_area)
}

/// The area in square metres.
pub fn area(region: &Region) -> f64 {
    region.loops.iter().map(|l| loop_area(l)).sum::<f64>() * EARTH_RADIUS_M * EARTH_RADIUS_M
}

/// The length of every loop, in metres.
pub fn perimeter(region: &Region) -> f64 {
    let mut total = 0.0;
    for l in &region.loops {
        let n = l.len();
        for (k, a) in l.iter().enumerate() {
            if let Some(b) = l.get((k + 1) % n) {
                total += a.angle(*b);
            }
        }
    }
    total * EARTH_RADIUS_M
}

/// The area-weighted centroid (S2 `S2Polygon::GetCentroid`); `None` for an empty region.
pub fn centroid(region: &Region) -> Option<V3> {
    let sum = region
        .loops
        .iter()
        .map(|l| vector::surface_integral(l, vector::true_centroid))
        .fold(V3::new(0.0, 0.0, 0.0), |a, b| a + b);
    (sum.norm2() > 0.0).then(|| sum.normalize())
}

/// Whether any of the polygons (given as their regions) holds the point.
pub fn contains(polygons: &[Region], x: V3) -> bool {
    polygons.iter().any(|p| p.contains(x))
}

fn edges(polygons: &[Region]) -> impl Iterator<Item = (V3, V3)> + '_ {
    polygons.iter().flat_map(|p| {
        p.loops.iter().flat_map(|l| {
            let n = l.len();
            (0..n).filter_map(move |k| Some((*l.get(k)?, *l.get((k + 1) % n)?)))
        })
    })
}

/// The point of the polygons nearest to `x`: `x` itself when inside.
pub fn closest_point(polygons: &[Region], x: V3) -> Option<V3> {
    if contains(polygons, x) {
        return Some(x);
    }
    edges(polygons)
        .map(|(a, b)| vector::project(x, a, b))
        .min_by(|p, q| x.angle(*p).total_cmp(&x.angle(*q)))
}

/// The angle from `x` to the nearest point of the polygons: 0 inside.
pub fn distance_to_polygons(polygons: &[Region], x: V3) -> Option<f64> {
    closest_point(polygons, x).map(|p| x.angle(p))
}

/// Whether the polygon holds the point when its edges are straight lines in longitude and
/// latitude (even–odd rule over all rings).
pub fn planar_contains(p: &Polygon, pt: LngLat) -> bool {
    let mut inside = false;
    for ring in &p.rings {
        let n = ring.len();
        for (k, a) in ring.iter().enumerate() {
            let Some(b) = ring.get((k + 1) % n) else {
                continue;
            };
            if (a.lat > pt.lat) != (b.lat > pt.lat) {
                let x = a.lng + (pt.lat - a.lat) / (b.lat - a.lat) * (b.lng - a.lng);
                if pt.lng < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// The most points a densified shape may have (DOCS `geo-polygon-densify-function.md`).
pub const MAX_DENSIFIED_POINTS: usize = 10_485_760;

/// The positions to insert in the planar edge `a → b` so that no piece strays more than
/// `tolerance` metres from the geodesic between its ends: the edge is halved until it does.
pub fn densify_edge(a: LngLat, b: LngLat, tolerance: f64, out: &mut Vec<LngLat>) -> Option<()> {
    if out.len() > MAX_DENSIFIED_POINTS {
        return None;
    }
    let mid = LngLat {
        lng: (a.lng + b.lng) / 2.0,
        lat: (a.lat + b.lat) / 2.0,
    };
    let geodesic_mid = (a.point() + b.point()).normalize();
    if mid.point().angle(geodesic_mid) * EARTH_RADIUS_M > tolerance {
        densify_edge(a, mid, tolerance, out)?;
        out.push(mid);
        densify_edge(mid, b, tolerance, out)?;
    }
    Some(())
}

/// Moves a longitude by whole turns into [-180, 180].
pub fn wrap_lng(lng: f64) -> f64 {
    if lng > 180.0 {
        lng - 360.0
    } else if lng < -180.0 {
        lng + 360.0
    } else {
        lng
    }
}

/// One densified ring or line; with `preserve_crossing` an edge whose ends are more than
/// 180° of longitude apart is taken the short way, across the antimeridian.
pub fn densify_path(
    path: &[LngLat],
    closed: bool,
    tolerance: f64,
    preserve_crossing: bool,
) -> Option<Vec<LngLat>> {
    let mut out = Vec::with_capacity(path.len());
    let n = path.len();
    let edges = if closed { n } else { n.saturating_sub(1) };
    for k in 0..edges {
        let (a, b) = (*path.get(k)?, *path.get((k + 1) % n)?);
        out.push(a);
        let mut b2 = b;
        if preserve_crossing && (b.lng - a.lng).abs() > 180.0 {
            b2.lng += if b.lng < a.lng { 360.0 } else { -360.0 };
        }
        let start = out.len();
        densify_edge(a, b2, tolerance, &mut out)?;
        for p in out.iter_mut().skip(start) {
            p.lng = wrap_lng(p.lng);
        }
    }
    if !closed && let Some(last) = path.last() {
        out.push(*last);
    }
    (out.len() <= MAX_DENSIFIED_POINTS).then_some(out)
}

/// Douglas–Peucker on the sphere: the vertices of `path` to keep so that every dropped
/// vertex is within `tolerance` radians of the kept chain (the ends are always kept).
fn douglas_peucker(path: &[V3], tolerance: f64) -> Vec<V3> {
    fn keep(path: &[V3], lo: usize, hi: usize, tolerance: f64, marks: &mut [bool]) {
        if hi <= lo + 1 {
            return;
        }
        let (Some(&a), Some(&b)) = (path.get(lo), path.get(hi)) else {
            return;
        };
        let mut worst = (0.0, lo);
        for k in (lo + 1)..hi {
            if let Some(&p) = path.get(k) {
                let d = vector::distance_to_edge(p, a, b);
                if d > worst.0 {
                    worst = (d, k);
                }
            }
        }
        if worst.0 > tolerance {
            if let Some(m) = marks.get_mut(worst.1) {
                *m = true;
            }
            keep(path, lo, worst.1, tolerance, marks);
            keep(path, worst.1, hi, tolerance, marks);
        }
    }
    let n = path.len();
    let mut marks = vec![false; n];
    if let Some(m) = marks.first_mut() {
        *m = true;
    }
    if let Some(m) = marks.last_mut() {
        *m = true;
    }
    keep(path, 0, n.saturating_sub(1), tolerance, &mut marks);
    path.iter()
        .zip(marks)
        .filter_map(|(p, m)| m.then_some(*p))
        .collect()
}

/// Drops each vertex nearer than `tolerance` to the vertex kept before it, so that no two
/// vertices are closer than the tolerance (DOCS `geo-line-simplify-function.md`).
fn merge_close(path: Vec<V3>, tolerance: f64) -> Vec<V3> {
    let mut out: Vec<V3> = Vec::with_capacity(path.len());
    for p in path {
        if out.last().is_none_or(|q| q.angle(p) >= tolerance) {
            out.push(p);
        }
    }
    out
}

/// A simplified line, or `None` when it shrinks to a point.
pub fn simplify_line(line: &[V3], tolerance: f64) -> Option<Vec<V3>> {
    let mut s = douglas_peucker(line, tolerance);
    let last = s.pop()?;
    let mut s = merge_close(s, tolerance);
    if s.last().is_some_and(|q| q.angle(last) < tolerance) {
        s.pop();
    }
    s.push(last);
    (s.len() >= 2 && s.first() != s.last()).then_some(s)
}

/// A simplified ring, or `None` when fewer than three vertices survive.
pub fn simplify_ring(ring: &[V3], tolerance: f64) -> Option<Vec<V3>> {
    let mut closed = ring.to_vec();
    closed.push(*ring.first()?);
    let mut s = douglas_peucker(&closed, tolerance);
    s.pop();
    let mut s = merge_close(s, tolerance);
    while s.len() > 1
        && s.last()
            .zip(s.first())
            .is_some_and(|(l, f)| l.angle(*f) < tolerance)
    {
        s.pop();
    }
    (s.len() >= 3).then_some(s)
}

#[cfg(test)]
#[path = "polygon_tests.rs"]
mod tests;
