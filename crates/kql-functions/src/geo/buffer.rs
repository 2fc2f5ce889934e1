//! Buffers (DOCS `geo-point-buffer-function.md`, `geo-line-buffer-function.md`,
//! `geo-polygon-buffer-function.md`): the region within `radius` metres of a shape, as a
//! polygon whose edges stray at most `tolerance` metres (default 10) from the true
//! boundary.
//!
//! A point's buffer is a regular polygon inscribed in the circle; a line's is the union of
//! such circles at its vertices and of bands along its edges; a polygon's adds the polygon
//! itself. The vertex positions are this construction's, so they need not match Kusto's
//! digit for digit, but the region is the documented one within the tolerance.

use super::geojson::{LngLat, polygons_json};
use super::kernel::{Rows, dynamics, geo_fn};
use super::overlay::{self, Region};
use super::polygon::{polygon_region, to_polygons};
use super::shapes::{lines_at, point_at, polygons_at};
use super::sphere::EARTH_RADIUS_M;
use super::vector::{self, V3};
use crate::registry::Function;
use serde_json::Value as Json;

/// The most vertices one circle gets.
const MAX_CIRCLE_VERTICES: usize = 4096;

/// The buffer radius and tolerance, in radians; `None` when invalid: the radius must be
/// positive and under a quarter of the Earth's circumference, the tolerance no lower than
/// 0.0001% of the radius (a larger-than-radius tolerance is lowered below it).
fn radii(radius: f64, tolerance: f64) -> Option<(f64, f64)> {
    let r = radius / EARTH_RADIUS_M;
    let valid = r > 0.0 && r < std::f64::consts::FRAC_PI_2 && tolerance >= radius * 1e-6;
    if !valid {
        return None;
    }
    Some((r, (tolerance / EARTH_RADIUS_M).min(r * 0.999)))
}

/// How many equal steps keep chords within `tolerance` of a circle of radius `r`.
fn steps(r: f64, tolerance: f64, angle: f64) -> usize {
    let half = (1.0 - tolerance / r).clamp(-1.0, 1.0).acos();
    ((angle / (2.0 * half)).ceil() as usize).clamp(1, MAX_CIRCLE_VERTICES)
}

/// East and north unit vectors at `p`.
fn frame(p: V3) -> (V3, V3) {
    let up = V3::new(0.0, 0.0, 1.0);
    let east = up.cross(p);
    let east = if east.norm2() > 1e-30 {
        east.normalize()
    } else {
        V3::new(0.0, 1.0, 0.0)
    };
    (east, p.cross(east))
}

/// The circle of radius `r` around `p`, counter-clockwise.
fn circle(p: V3, r: f64, tolerance: f64) -> Vec<V3> {
    let n = steps(r, tolerance, std::f64::consts::TAU).max(3);
    let (east, north) = frame(p);
    (0..n)
        .map(|k| {
            let phi = std::f64::consts::TAU * k as f64 / n as f64;
            (p * r.cos() + (east * phi.cos() + north * phi.sin()) * r.sin()).normalize()
        })
        .collect()
}

/// The band of points within `r` of edge `ab`, counter-clockwise.
fn band(a: V3, b: V3, r: f64, tolerance: f64) -> Option<Vec<V3>> {
    let len = a.angle(b);
    if len == 0.0 {
        return None;
    }
    let n = steps(r.max(len), tolerance, len);
    let normal = vector::robust_cross(a, b).normalize();
    let along = |k: usize| vector::point_on_line(a, b, len * k as f64 / n as f64);
    let offset = |p: V3, side: f64| (p * r.cos() + normal * (side * r.sin())).normalize();
    let mut ring: Vec<V3> = (0..=n).map(|k| offset(along(k), -1.0)).collect();
    ring.extend((0..=n).rev().map(|k| offset(along(k), 1.0)));
    Some(ring)
}

fn pieces_of_paths(paths: &[Vec<V3>], closed: bool, r: f64, tol: f64) -> Vec<Region> {
    let mut out = Vec::new();
    for path in paths {
        let n = path.len();
        for (k, p) in path.iter().enumerate() {
            out.push(Region {
                loops: vec![circle(*p, r, tol)],
            });
            let next = if k + 1 < n {
                path.get(k + 1)
            } else if closed {
                path.first()
            } else {
                None
            };
            if let Some(q) = next
                && let Some(b) = band(*p, *q, r, tol)
            {
                out.push(Region { loops: vec![b] });
            }
        }
    }
    out
}

fn region_json(region: &Region) -> Option<Json> {
    let polygons = to_polygons(region);
    (!polygons.is_empty()).then(|| polygons_json(&polygons))
}

/// The buffer functions.
pub(crate) const FUNCTIONS: [Function; 3] = [
    geo_fn!(
        "geo_point_buffer",
        [Num, Num, Num, Num],
        3,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let p = point_at(r, 0, i)?;
                let (radius, tol) = radii(r.real(2, i)?, r.real_or(3, i, 10.0)?)?;
                let ring: Vec<LngLat> = circle(p, radius, tol)
                    .iter()
                    .map(|v| super::geojson::lnglat(*v))
                    .collect();
                Some(polygons_json(&[super::geojson::Polygon {
                    rings: vec![ring],
                }]))
            })
        }
    ),
    geo_fn!(
        "geo_line_buffer",
        [Dyn, Num, Num],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let lines = lines_at(r, 0, i)?;
                let (radius, tol) = radii(r.real(1, i)?, r.real_or(2, i, 10.0)?)?;
                region_json(&overlay::union_all(pieces_of_paths(
                    &lines, false, radius, tol,
                )))
            })
        }
    ),
    geo_fn!(
        "geo_polygon_buffer",
        [Dyn, Num, Num],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let polygons = polygons_at(r, 0, i)?;
                let (radius, tol) = radii(r.real(1, i)?, r.real_or(2, i, 10.0)?)?;
                let mut pieces: Vec<Region> = polygons.iter().map(polygon_region).collect();
                for p in polygons.iter() {
                    pieces.extend(pieces_of_paths(&p.loops(), true, radius, tol));
                }
                region_json(&overlay::union_all(pieces))
            })
        }
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circles_stay_within_the_tolerance() {
        // DOCS geo-point-buffer-function.md: a negative radius is invalid.
        assert_eq!(radii(-1.0, 10.0), None);
        assert_eq!(radii(100.0, 1e-6), None);
        let (r, tol) = radii(1000.0, 10.0).unwrap_or_default();
        let p = vector::from_degrees(10.0, 10.0);
        let c = circle(p, r, tol);
        assert!(vector::turning_sum(&c) > 0.0);
        for (k, v) in c.iter().enumerate() {
            assert!((p.angle(*v) - r).abs() < 1e-12);
            let w = c.get((k + 1) % c.len()).copied().unwrap_or(*v);
            let mid = (*v + w).normalize();
            assert!(r - p.angle(mid) <= tol * 1.000_001, "chord strays too far");
        }
    }

    #[test]
    fn a_line_buffer_holds_points_near_the_line() {
        let (r, tol) = radii(100.0, 1.0).unwrap_or_default();
        let line = vec![
            vector::from_degrees(0.0, 0.0),
            vector::from_degrees(0.01, 0.0),
        ];
        let u = overlay::union_all(pieces_of_paths(&[line], false, r, tol));
        // 50 m north of the middle is inside, 150 m is not; 50 m beyond the end is inside.
        let m = |lng: f64, north_m: f64| {
            vector::from_degrees(lng, (north_m / EARTH_RADIUS_M).to_degrees())
        };
        assert!(u.contains(m(0.005, 50.0)));
        assert!(!u.contains(m(0.005, 150.0)));
        let beyond = vector::from_degrees(0.01 + (50.0 / EARTH_RADIUS_M).to_degrees(), 0.0);
        assert!(u.contains(beyond));
    }
}
