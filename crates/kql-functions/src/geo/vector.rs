//! Points on the unit sphere as 3-D vectors, and the great-circle predicates the polygon
//! and line functions share.
//!
//! Kusto measures shapes on a sphere whose edges are geodesics (great-circle arcs), the
//! model of the S2 geometry library it is built on; the formulas here follow that model's
//! published definitions (S2 `S2LatLng::ToPoint`, `S2::Project`, `S2::GetPointOnLine`,
//! `S2::TrueCentroid`, `S2Loop::GetSurfaceIntegral`) so that results agree with the
//! documented outputs to the last few digits.

use std::ops::{Add, Mul, Neg, Sub};

/// A 3-D vector; a point on the sphere when of unit length.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct V3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Add for V3 {
    type Output = V3;
    fn add(self, o: V3) -> V3 {
        V3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for V3 {
    type Output = V3;
    fn sub(self, o: V3) -> V3 {
        V3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for V3 {
    type Output = V3;
    fn mul(self, k: f64) -> V3 {
        V3::new(self.x * k, self.y * k, self.z * k)
    }
}

impl Neg for V3 {
    type Output = V3;
    fn neg(self) -> V3 {
        V3::new(-self.x, -self.y, -self.z)
    }
}

impl V3 {
    pub const fn new(x: f64, y: f64, z: f64) -> V3 {
        V3 { x, y, z }
    }

    pub fn dot(self, o: V3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    pub fn cross(self, o: V3) -> V3 {
        V3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }

    pub fn norm2(self) -> f64 {
        self.dot(self)
    }

    pub fn norm(self) -> f64 {
        self.norm2().sqrt()
    }

    /// The vector scaled to unit length; the zero vector stays zero.
    pub fn normalize(self) -> V3 {
        let n = self.norm();
        if n > 0.0 { self * (1.0 / n) } else { self }
    }

    /// The angle between two vectors, in radians, accurate for tiny angles.
    pub fn angle(self, o: V3) -> f64 {
        self.cross(o).norm().atan2(self.dot(o))
    }

    /// A unit vector perpendicular to this one.
    fn ortho(self) -> V3 {
        let (ax, ay, az) = (self.x.abs(), self.y.abs(), self.z.abs());
        let axis = if ax <= ay && ax <= az {
            V3::new(1.0, 0.0, 0.0)
        } else if ay <= az {
            V3::new(0.0, 1.0, 0.0)
        } else {
            V3::new(0.0, 0.0, 1.0)
        };
        self.cross(axis).normalize()
    }
}

/// The point of a longitude and latitude in degrees.
pub fn from_degrees(lng: f64, lat: f64) -> V3 {
    let (theta, phi) = (lng.to_radians(), lat.to_radians());
    let c = phi.cos();
    V3::new(theta.cos() * c, theta.sin() * c, phi.sin())
}

/// The longitude and latitude, in degrees, of a point.
pub fn to_degrees(p: V3) -> (f64, f64) {
    let lat = p.z.atan2(p.x.hypot(p.y));
    let lng = p.y.atan2(p.x);
    (lng.to_degrees(), lat.to_degrees())
}

/// A vector normal to the great circle through `a` and `b`, accurate when the points are
/// close together: `(b + a) × (b − a) = 2 (a × b)`; any perpendicular when they coincide.
pub fn robust_cross(a: V3, b: V3) -> V3 {
    let c = (b + a).cross(b - a);
    if c.norm2() > 0.0 { c } else { a.ortho() }
}

/// +1 when `a`, `b`, `c` turn counter-clockwise, −1 clockwise, 0 when on one great circle
/// (to double precision).
pub fn sign(a: V3, b: V3, c: V3) -> i32 {
    let d = a.cross(b).dot(c);
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// The point of edge `ab` closest to `x` (S2 `Project`).
pub fn project(x: V3, a: V3, b: V3) -> V3 {
    let n = robust_cross(a, b);
    let p = x - n * (x.dot(n) / n.norm2());
    if n.cross(a).dot(p) > 0.0 && p.cross(b).dot(n) > 0.0 {
        return p.normalize();
    }
    if (x - a).norm2() <= (x - b).norm2() {
        a
    } else {
        b
    }
}

/// The angle from `x` to the nearest point of edge `ab`.
pub fn distance_to_edge(x: V3, a: V3, b: V3) -> f64 {
    x.angle(project(x, a, b))
}

/// The point at angle `r` from `a` along the great circle towards `b`
/// (S2 `GetPointOnLine`).
pub fn point_on_line(a: V3, b: V3, r: f64) -> V3 {
    let dir = robust_cross(a, b).cross(a).normalize();
    (a * r.cos() + dir * r.sin()).normalize()
}

/// How two edges meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// They do not meet, or only touch without crossing.
    None,
    /// They share an endpoint.
    Vertex,
    /// Their interiors cross at a single point.
    Proper,
}

/// Whether edge `ab` crosses edge `cd` (S2 `CrossingSign`).
pub fn crossing(a: V3, b: V3, c: V3, d: V3) -> Crossing {
    if a == c || a == d || b == c || b == d {
        return Crossing::Vertex;
    }
    let acb = -sign(a, b, c);
    let bda = sign(a, b, d);
    if acb == 0 || bda == 0 || acb != bda {
        return Crossing::None;
    }
    let cbd = -sign(c, d, b);
    let dac = sign(c, d, a);
    if cbd == acb && dac == acb {
        Crossing::Proper
    } else {
        Crossing::None
    }
}

/// The point where edges `ab` and `cd` cross (they must cross).
pub fn intersection(a: V3, b: V3, c: V3, d: V3) -> V3 {
    let x = robust_cross(a, b).cross(robust_cross(c, d)).normalize();
    if x.dot((a + b) + (c + d)) < 0.0 {
        -x
    } else {
        x
    }
}

/// Whether `x` lies on edge `ab` (away from its endpoints), within `tolerance` radians.
pub fn on_edge(x: V3, a: V3, b: V3, tolerance: f64) -> bool {
    x != a && x != b && distance_to_edge(x, a, b) <= tolerance && {
        let n = robust_cross(a, b);
        n.cross(a).dot(x) > 0.0 && x.cross(b).dot(n) > 0.0
    }
}

/// The signed turning angle at `b` of the path `a → b → c`: positive for a left turn.
pub fn turn_angle(a: V3, b: V3, c: V3) -> f64 {
    let n1 = robust_cross(a, b);
    let n2 = robust_cross(b, c);
    let angle = n1.angle(n2);
    if n1.cross(n2).dot(b) < 0.0 {
        -angle
    } else {
        angle
    }
}

/// The sum of a loop's turning angles: 2π minus the area on its left (Gauss–Bonnet), so
/// positive when the left region is the smaller one.
pub fn turning_sum(vertices: &[V3]) -> f64 {
    let n = vertices.len();
    (0..n)
        .filter_map(|i| {
            let a = vertices.get((i + n - 1) % n)?;
            let b = vertices.get(i)?;
            let c = vertices.get((i + 1) % n)?;
            Some(turn_angle(*a, *b, *c))
        })
        .sum()
}

/// The signed area of the spherical triangle `abc` (positive counter-clockwise).
pub fn signed_area(a: V3, b: V3, c: V3) -> f64 {
    // Eriksson's formula: tan(E/2) = a·(b×c) / (1 + a·b + b·c + c·a).
    let num = a.dot(b.cross(c));
    let den = 1.0 + a.dot(b) + b.dot(c) + c.dot(a);
    2.0 * num.atan2(den)
}

/// The true centroid of triangle `abc` times its area (S2 `TrueCentroid`).
pub fn true_centroid(a: V3, b: V3, c: V3) -> V3 {
    let ratio = |angle: f64| {
        if angle == 0.0 {
            1.0
        } else {
            angle / angle.sin()
        }
    };
    let (ra, rb, rc) = (ratio(b.angle(c)), ratio(c.angle(a)), ratio(a.angle(b)));
    let x = V3::new(a.x, b.x - a.x, c.x - a.x);
    let y = V3::new(a.y, b.y - a.y, c.y - a.y);
    let z = V3::new(a.z, b.z - a.z, c.z - a.z);
    let r = V3::new(ra, rb - ra, rc - ra);
    V3::new(y.cross(z).dot(r), z.cross(x).dot(r), x.cross(y).dot(r)) * 0.5
}

/// The integral of `f` over the triangles fanned from a loop's first vertex, switching
/// the fan's origin before an edge would become nearly antipodal (S2
/// `GetSurfaceIntegral`), so the result is the oriented integral over the loop's left side.
pub fn surface_integral<T: Add<Output = T> + Default>(
    vertices: &[V3],
    f: impl Fn(V3, V3, V3) -> T,
) -> T {
    const MAX_LENGTH: f64 = std::f64::consts::PI - 1e-5;
    let mut sum = T::default();
    let Some(&v0) = vertices.first() else {
        return sum;
    };
    let mut origin = v0;
    for pair in vertices.windows(2).skip(1) {
        let (vi, vnext) = match pair {
            [a, b] => (*a, *b),
            _ => continue,
        };
        if vnext.angle(origin) > MAX_LENGTH {
            let old = origin;
            if origin == v0 {
                origin = robust_cross(v0, vi).normalize();
            } else if vi.angle(v0) < MAX_LENGTH {
                origin = v0;
            } else {
                origin = v0.cross(old);
                sum = sum + f(v0, old, origin);
            }
            sum = sum + f(old, vi, origin);
        }
        sum = sum + f(origin, vi, vnext);
    }
    if origin != v0
        && let Some(&last) = vertices.last()
    {
        sum = sum + f(origin, last, v0);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_round_trip() {
        let (lng, lat) = to_degrees(from_degrees(-73.9495, 40.7969));
        assert!((lng + 73.9495).abs() < 1e-12 && (lat - 40.7969).abs() < 1e-12);
    }

    #[test]
    fn crossings_and_intersection() {
        let p = |lng, lat| from_degrees(lng, lat);
        let (a, b, c, d) = (p(0.0, 0.0), p(2.0, 2.0), p(0.0, 2.0), p(2.0, 0.0));
        assert_eq!(crossing(a, b, c, d), Crossing::Proper);
        assert_eq!(crossing(a, c, b, d), Crossing::None);
        assert_eq!(crossing(a, b, b, d), Crossing::Vertex);
        let (lng, lat) = to_degrees(intersection(a, b, c, d));
        // By symmetry the diagonals meet on the meridian 1°, a little north of the
        // parallel 1° (great circles bulge towards the pole).
        assert!((lng - 1.0).abs() < 1e-12, "{lng}");
        assert!(lat > 1.0 && lat < 1.001, "{lat}");
    }

    #[test]
    fn loops_turn_left_when_counter_clockwise() {
        let ring: Vec<V3> = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .iter()
            .map(|&(x, y)| from_degrees(x, y))
            .collect();
        assert!(turning_sum(&ring) > 0.0);
        let reversed: Vec<V3> = ring.iter().rev().copied().collect();
        assert!(turning_sum(&reversed) < 0.0);
    }
}
