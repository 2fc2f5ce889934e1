//! Geometry on a spherical Earth: distances, azimuths and angles.
//!
//! Coordinates are WGS-84 longitudes and latitudes in degrees; the Earth is a sphere of
//! radius 6,371,010 m, the radius that reproduces DOCS `geo-distance-2points-function.md`
//! (Seattle to Los Angeles: 1,546,754.35197381 m). Lines are great-circle arcs.

/// The Earth's radius in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_010.0;

/// A valid coordinate: longitude in [-180, 180], latitude in [-90, 90].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    lng: f64,
    lat: f64,
}

impl Point {
    /// `None` when the coordinates are out of range or not numbers.
    pub fn new(lng: f64, lat: f64) -> Option<Point> {
        ((-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat))
            .then_some(Point { lng, lat })
    }

    fn radians(self) -> (f64, f64) {
        (self.lng.to_radians(), self.lat.to_radians())
    }
}

/// The central angle between two points, in radians (haversine formula).
fn central_angle(a: Point, b: Point) -> f64 {
    let ((l1, p1), (l2, p2)) = (a.radians(), b.radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// The great-circle distance in metres.
pub fn distance(a: Point, b: Point) -> f64 {
    EARTH_RADIUS_M * central_angle(a, b)
}

/// Whether two points are the same or opposite, where no direction is defined.
fn degenerate(a: Point, b: Point) -> bool {
    let angle = central_angle(a, b);
    angle < 1e-12 || (std::f64::consts::PI - angle) < 1e-12
}

/// The clockwise angle from north of the great circle from `a` to `b`, in [0, 2π);
/// `None` when the points are equal or antipodal (DOCS `geo-azimuth-function.md`).
pub fn azimuth(a: Point, b: Point) -> Option<f64> {
    if degenerate(a, b) {
        return None;
    }
    let ((l1, p1), (l2, p2)) = (a.radians(), b.radians());
    let dl = l2 - l1;
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    Some(y.atan2(x).rem_euclid(std::f64::consts::TAU))
}

/// The clockwise angle at `p2` from the line to `p1` to the line to `p3`, in [0, 2π)
/// (DOCS `geo-angle-function.md`).
pub fn angle(p1: Point, p2: Point, p3: Point) -> Option<f64> {
    let first = azimuth(p2, p1)?;
    let second = azimuth(p2, p3)?;
    Some((second - first).rem_euclid(std::f64::consts::TAU))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lng: f64, lat: f64) -> Point {
        Point::new(lng, lat).unwrap()
    }

    // The expected values are the digits the pages print.
    #[allow(clippy::excessive_precision)]
    #[test]
    fn documented_geometry() {
        // DOCS geo-distance-2points-function.md.
        let d = distance(p(-122.407628, 47.578557), p(-118.275287, 34.019056));
        assert!((d - 1_546_754.35197381).abs() < 1e-6, "{d}");
        assert_eq!(Point::new(300.0, 1.0), None);
        // DOCS geo-azimuth-function.md: 175.015653606568 degrees.
        let a = azimuth(p(5.0, 10.0), p(10.0, -40.0)).unwrap();
        assert!((a.to_degrees() - 175.015653606568).abs() < 1e-9, "{a}");
        // DOCS geo-angle-function.md: 2.94493843406882 radians; null for equal points.
        let g = angle(p(0.0, 10.0), p(0.0, 5.0), p(3.0, -10.0)).unwrap();
        assert!((g - 2.94493843406882).abs() < 1e-12, "{g}");
        assert_eq!(angle(p(0.0, 10.0), p(0.0, 10.0), p(3.0, -10.0)), None);
        assert_eq!(azimuth(p(0.0, 0.0), p(180.0, 0.0)), None);
    }
}
