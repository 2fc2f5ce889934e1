//! Reading and writing the GeoJSON shapes the geospatial functions take and return
//! (RFC 7946, with the constraints each KQL page lists under "LineString definition" and
//! "Polygon definition and constraints").
//!
//! A shape that breaks a constraint is `None`, which the functions turn into a null
//! result: coordinates must be `[longitude, latitude]` numbers in range; a line has at
//! least two positions and no edge between antipodal points; a polygon ring is closed
//! (first position equal to the last), has at least three distinct vertices, no vertex
//! twice and no crossing edges. A ring divides the sphere in two and stands for the smaller
//! part, whichever way it winds; rings are returned with the polygon's interior on their
//! left (shells counter-clockwise, holes clockwise).

use super::vector::{self, Crossing, V3};
use serde_json::{Map, Value as Json, json};

/// A position as given: longitude and latitude in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LngLat {
    pub lng: f64,
    pub lat: f64,
}

impl LngLat {
    /// `None` when out of range or not finite.
    pub fn new(lng: f64, lat: f64) -> Option<LngLat> {
        ((-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat))
            .then_some(LngLat { lng, lat })
    }

    pub fn point(self) -> V3 {
        vector::from_degrees(self.lng, self.lat)
    }
}

/// A polyline: at least two positions.
pub type Line = Vec<LngLat>;

/// A polygon: its shell then its holes, each ring as given without the closing position.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon {
    pub rings: Vec<Vec<LngLat>>,
}

impl Polygon {
    /// The rings as points on the sphere, wound with the interior on their left: the shell
    /// counter-clockwise, holes clockwise. A ring wound the other way is turned around as
    /// S2 `S2Loop::Invert` does (all vertices but the last reversed), so that its edges
    /// keep their cyclic order.
    pub fn loops(&self) -> Vec<Vec<V3>> {
        self.rings
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut l: Vec<V3> = r.iter().map(|p| p.point()).collect();
                let ccw = vector::turning_sum(&l) >= 0.0;
                if ccw == (i > 0) {
                    invert(&mut l);
                }
                l
            })
            .collect()
    }
}

/// Reverses a loop's orientation keeping its last vertex in place (S2 `S2Loop::Invert`).
pub fn invert<T>(l: &mut [T]) {
    let n = l.len();
    if n > 1
        && let Some(head) = l.get_mut(..n - 1)
    {
        head.reverse();
    }
}

/// The longest ring whose crossings are checked edge against edge; longer rings are taken
/// as given rather than spending quadratic time on them.
const MAX_CHECKED_RING: usize = 4096;

fn typed<'a>(j: &'a Json, ty: &str) -> Option<&'a Vec<Json>> {
    let obj = j.as_object()?;
    if obj.get("type")?.as_str()? != ty {
        return None;
    }
    obj.get("coordinates")?.as_array()
}

fn type_of(j: &Json) -> Option<&str> {
    j.as_object()?.get("type")?.as_str()
}

/// A `[longitude, latitude]` position.
pub fn position(j: &Json) -> Option<LngLat> {
    match j.as_array()?.as_slice() {
        [lng, lat] => LngLat::new(lng.as_f64()?, lat.as_f64()?),
        _ => None,
    }
}

fn positions(j: &Json) -> Option<Vec<LngLat>> {
    j.as_array()?.iter().map(position).collect()
}

fn antipodal(a: LngLat, b: LngLat) -> bool {
    let (p, q) = (a.point(), b.point());
    (p + q).norm2() < 1e-30
}

fn line(j: &Json) -> Option<Line> {
    let l = positions(j)?;
    if l.len() < 2
        || l.windows(2)
            .any(|w| matches!(w, [a, b] if antipodal(*a, *b)))
    {
        return None;
    }
    Some(l)
}

/// A `Point`.
pub fn parse_point(j: &Json) -> Option<LngLat> {
    let obj = j.as_object()?;
    if obj.get("type")?.as_str()? != "Point" {
        return None;
    }
    position(obj.get("coordinates")?)
}

/// The lines of a `LineString` or `MultiLineString`.
pub fn parse_lines(j: &Json) -> Option<Vec<Line>> {
    match type_of(j)? {
        "LineString" => Some(vec![line(j.get("coordinates")?)?]),
        "MultiLineString" => {
            let lines = typed(j, "MultiLineString")?
                .iter()
                .map(line)
                .collect::<Option<Vec<_>>>()?;
            (!lines.is_empty()).then_some(lines)
        }
        _ => None,
    }
}

/// One ring: closed, with distinct vertices and no crossing edges; returned as given,
/// without the closing position.
fn ring(j: &Json) -> Option<Vec<LngLat>> {
    let mut r = positions(j)?;
    if r.len() < 4 || r.first() != r.last() {
        return None;
    }
    r.pop();
    let points: Vec<V3> = r.iter().map(|p| p.point()).collect();
    let n = points.len();
    for i in 0..n {
        for k in (i + 1)..n {
            if points.get(i) == points.get(k) {
                return None;
            }
        }
    }
    let edge = |i: usize| Some((*points.get(i % n)?, *points.get((i + 1) % n)?));
    for i in 0..n {
        let (a, b) = edge(i)?;
        if (a + b).norm2() < 1e-30 {
            return None;
        }
    }
    if n <= MAX_CHECKED_RING {
        for i in 0..n {
            for k in (i + 2)..n {
                if i == 0 && k == n - 1 {
                    continue;
                }
                let ((a, b), (c, d)) = (edge(i)?, edge(k)?);
                if vector::crossing(a, b, c, d) == Crossing::Proper {
                    return None;
                }
            }
        }
    }
    Some(r)
}

fn polygon(j: &Json) -> Option<Polygon> {
    let rings = j.as_array()?;
    let mut out = Vec::with_capacity(rings.len());
    for r in rings {
        out.push(ring(r)?);
    }
    (!out.is_empty()).then_some(Polygon { rings: out })
}

/// The polygons of a `Polygon` or `MultiPolygon`.
pub fn parse_polygons(j: &Json) -> Option<Vec<Polygon>> {
    match type_of(j)? {
        "Polygon" => Some(vec![polygon(j.get("coordinates")?)?]),
        "MultiPolygon" => {
            let polygons = typed(j, "MultiPolygon")?
                .iter()
                .map(polygon)
                .collect::<Option<Vec<_>>>()?;
            (!polygons.is_empty()).then_some(polygons)
        }
        _ => None,
    }
}

/// A coordinate as Kusto prints it: whole numbers without a fraction.
pub fn number(x: f64) -> Json {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Json::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
    }
}

pub fn coords(p: LngLat) -> Json {
    Json::Array(vec![number(p.lng), number(p.lat)])
}

/// The position of a point on the sphere.
pub fn lnglat(p: V3) -> LngLat {
    let (lng, lat) = vector::to_degrees(p);
    LngLat { lng, lat }
}

fn geometry(ty: &str, coordinates: Json) -> Json {
    let mut m = Map::new();
    m.insert("type".into(), Json::from(ty));
    m.insert("coordinates".into(), coordinates);
    Json::Object(m)
}

pub fn point_json(p: LngLat) -> Json {
    geometry("Point", coords(p))
}

fn line_coords(l: &[LngLat]) -> Json {
    Json::Array(l.iter().map(|p| coords(*p)).collect())
}

/// A `LineString`, or a `MultiLineString` for several lines.
pub fn lines_json(lines: &[Line]) -> Json {
    match lines {
        [one] => geometry("LineString", line_coords(one)),
        many => geometry(
            "MultiLineString",
            Json::Array(many.iter().map(|l| line_coords(l)).collect()),
        ),
    }
}

fn polygon_coords(p: &Polygon) -> Json {
    Json::Array(
        p.rings
            .iter()
            .map(|r| {
                let mut c: Vec<Json> = r.iter().map(|p| coords(*p)).collect();
                if let Some(first) = r.first() {
                    c.push(coords(*first));
                }
                Json::Array(c)
            })
            .collect(),
    )
}

/// A `Polygon`, or a `MultiPolygon` for several.
pub fn polygons_json(polygons: &[Polygon]) -> Json {
    match polygons {
        [one] => geometry("Polygon", polygon_coords(one)),
        many => geometry(
            "MultiPolygon",
            Json::Array(many.iter().map(polygon_coords).collect()),
        ),
    }
}

/// The points, lines and polygons of a result: the single kind alone when only one is
/// present, a `GeometryCollection` otherwise (empty when nothing is left).
pub fn collection_json(points: &[LngLat], lines: &[Line], polygons: &[Polygon]) -> Json {
    let mut parts = Vec::new();
    match points {
        [] => {}
        [one] => parts.push(point_json(*one)),
        many => parts.push(geometry("MultiPoint", line_coords(many))),
    }
    if !lines.is_empty() {
        parts.push(lines_json(lines));
    }
    if !polygons.is_empty() {
        parts.push(polygons_json(polygons));
    }
    match parts.len() {
        1 => parts.pop().unwrap_or(Json::Null),
        _ => json!({"type": "GeometryCollection", "geometries": parts}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_constraints() {
        // DOCS geo-polygon-area-function.md: a repeated vertex makes the polygon invalid.
        let dup = json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]});
        assert!(parse_polygons(&dup).is_none());
        // DOCS geo-intersection-2polygons-function.md: a polygon without coordinates.
        assert!(parse_polygons(&json!({"type":"Polygon"})).is_none());
        // DOCS geo-line-to-s2cells-function.md: positions nested one level too deep.
        let deep = json!({"type":"LineString","coordinates":[[[0,0],[0,0]]]});
        assert!(parse_lines(&deep).is_none());
        // DOCS geo-closest-point-on-line-function.md: a single position is no line.
        assert!(parse_lines(&json!({"type":"LineString","coordinates":[[1,1]]})).is_none());
        // Out-of-range latitude (DOCS geo-polygon-densify-function.md).
        let far =
            json!({"type":"Polygon","coordinates":[[[10,900],[11,10],[11,11],[10,11],[10,10]]]});
        assert!(parse_polygons(&far).is_none());
        // An unclosed ring, and a bow tie whose edges cross.
        let open = json!({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]});
        assert!(parse_polygons(&open).is_none());
        let bow = json!({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]});
        assert!(parse_polygons(&bow).is_none());
    }

    #[test]
    fn rings_wind_around_the_smaller_region() {
        // The same square given clockwise is read counter-clockwise.
        let cw = json!({"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]});
        let p = parse_polygons(&cw).unwrap_or_default();
        let loops = p.first().map(Polygon::loops).unwrap_or_default();
        let shell = loops.first().cloned().unwrap_or_default();
        assert!(vector::turning_sum(&shell) > 0.0);
        assert_eq!(shell.last(), Some(&vector::from_degrees(1.0, 0.0)));
    }

    #[test]
    fn whole_numbers_print_without_fraction() {
        assert_eq!(number(10.0).to_string(), "10");
        assert_eq!(number(10.25).to_string(), "10.25");
    }
}
