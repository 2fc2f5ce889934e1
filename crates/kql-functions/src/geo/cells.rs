//! Registry entries of the S2 cell functions (DOCS `geo-point-to-s2cell-function.md`, the
//! `geo-s2cell-*` pages) and the coverings `geo_polygon_to_s2cells` /
//! `geo_line_to_s2cells`: every cell of the requested level that meets the shape, or comes
//! within `radius` metres of it, sorted by cell id; null past 65,536 cells.

use super::geojson::{self, LngLat, Polygon, lnglat, point_json};
use super::kernel::{Rows, dynamics, geo_fn, strings, whole};
use super::overlay::Region;
use super::s2::CellId;
use super::shapes::{lines_at, parts_at};
use super::sphere::EARTH_RADIUS_M;
use super::vector::{self, Crossing, V3};
use crate::registry::Function;
use serde_json::Value as Json;
use std::collections::{HashSet, VecDeque};

/// The most cells a covering may have (DOCS `geo-polygon-to-s2cells-function.md`).
const MAX_COVERING: usize = 65_536;

/// `geo_point_to_s2cell(lng, lat[, level = 11])`.
pub fn point_to_cell(lng: f64, lat: f64, level: f64) -> Option<String> {
    let p = LngLat::new(lng, lat)?;
    let level = whole(level, 0, 30)? as i32;
    Some(CellId::from_point(p.point()).parent(level).token())
}

/// A cell's polygon: its corners from S2's vertex 0, counter-clockwise.
pub fn cell_polygon(c: CellId) -> Polygon {
    Polygon {
        rings: vec![c.vertices().iter().map(|p| lnglat(*p)).collect()],
    }
}

/// The shape a covering covers: polygons (with their interiors) or lines.
enum Shape {
    Polygons(Vec<Region>, Vec<Vec<V3>>),
    Lines(Vec<Vec<V3>>),
}

impl Shape {
    fn paths(&self) -> &[Vec<V3>] {
        match self {
            Shape::Polygons(_, loops) | Shape::Lines(loops) => loops,
        }
    }

    fn edges(&self) -> Vec<(V3, V3)> {
        let closed = matches!(self, Shape::Polygons(..));
        self.paths()
            .iter()
            .flat_map(|l| {
                let n = l.len();
                let count = if closed { n } else { n.saturating_sub(1) };
                (0..count).filter_map(move |k| Some((*l.get(k)?, *l.get((k + 1) % n)?)))
            })
            .collect()
    }

    fn contains(&self, x: V3) -> bool {
        match self {
            Shape::Polygons(p, _) => super::polygon::contains(p, x),
            Shape::Lines(_) => false,
        }
    }
}

/// The angle between a cell and a shape: 0 when they meet.
fn cell_distance(c: CellId, shape: &Shape, edges: &[(V3, V3)]) -> f64 {
    let v = c.vertices();
    let cell_edges: Vec<(V3, V3)> = (0..4)
        .filter_map(|k| Some((*v.get(k)?, *v.get((k + 1) % 4)?)))
        .collect();
    let inside_cell = |x: V3| CellId::from_point(x).parent(c.level()) == c;
    if shape.contains(c.center())
        || shape.paths().iter().flatten().any(|x| inside_cell(*x))
        || edges.iter().any(|(a, b)| {
            cell_edges
                .iter()
                .any(|(p, q)| vector::crossing(*a, *b, *p, *q) != Crossing::None)
        })
    {
        return 0.0;
    }
    let from_cell = v.iter().flat_map(|x| {
        edges
            .iter()
            .map(move |(a, b)| vector::distance_to_edge(*x, *a, *b))
    });
    let from_shape = shape.paths().iter().flatten().flat_map(|x| {
        cell_edges
            .iter()
            .map(move |(p, q)| vector::distance_to_edge(*x, *p, *q))
    });
    from_cell.chain(from_shape).fold(f64::INFINITY, f64::min)
}

/// The cells of `level` meeting the shape or within `radius` metres of it.
fn covering(shape: &Shape, level: f64, radius: f64) -> Option<Vec<String>> {
    let level = whole(level, 0, 30)? as i32;
    if !(radius >= 0.0 && radius.is_finite()) {
        return None;
    }
    let radius = radius / EARTH_RADIUS_M;
    // Refuse early what cannot fit: an S2 cell of this level is at least this wide.
    let min_width = 0.94 * std::f64::consts::SQRT_2 / 3.0 / f64::from(1u32 << level.min(30));
    let edges = shape.edges();
    let reach: f64 = edges.iter().map(|(a, b)| a.angle(*b) + 2.0 * radius).sum();
    if reach / min_width > MAX_COVERING as f64 * 4.0 {
        return None;
    }
    let mut seen: HashSet<CellId> = HashSet::new();
    let mut queue: VecDeque<CellId> = VecDeque::new();
    for x in shape.paths().iter().flatten() {
        let c = CellId::from_point(*x).parent(level);
        if seen.insert(c) {
            queue.push_back(c);
        }
    }
    let mut out = Vec::new();
    while let Some(c) = queue.pop_front() {
        if cell_distance(c, shape, &edges) > radius {
            continue;
        }
        out.push(c);
        if out.len() > MAX_COVERING {
            return None;
        }
        for n in c.all_neighbors() {
            if seen.insert(n) {
                queue.push_back(n);
            }
        }
    }
    out.sort_unstable();
    Some(out.into_iter().map(CellId::token).collect())
}

fn tokens_json(v: Vec<String>) -> Json {
    Json::Array(v.into_iter().map(Json::String).collect())
}

fn cell_at(r: &Rows, i: usize) -> Option<CellId> {
    CellId::from_token(r.text(0, i))
}

/// The S2 functions.
pub(crate) const FUNCTIONS: [Function; 6] = [
    geo_fn!(
        "geo_point_to_s2cell",
        [Num, Num, Num],
        2,
        String,
        |r: &Rows| {
            strings(r, |r, i| {
                point_to_cell(r.real(0, i)?, r.real(1, i)?, r.real_or(2, i, 11.0)?)
            })
        }
    ),
    geo_fn!(
        "geo_s2cell_to_central_point",
        [Str],
        1,
        Dynamic,
        |r: &Rows| { dynamics(r, |r, i| Some(point_json(lnglat(cell_at(r, i)?.center())))) }
    ),
    geo_fn!("geo_s2cell_to_polygon", [Str], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| {
            Some(geojson::polygons_json(&[cell_polygon(cell_at(r, i)?)]))
        })
    }),
    geo_fn!("geo_s2cell_neighbors", [Str], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| {
            let n = cell_at(r, i)?.all_neighbors();
            Some(tokens_json(n.into_iter().map(CellId::token).collect()))
        })
    }),
    geo_fn!(
        "geo_polygon_to_s2cells",
        [Dyn, Num, Num],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let parts = parts_at(r, 0, i)?;
                let loops = parts.iter().flat_map(|p| p.loops.clone()).collect();
                let shape = Shape::Polygons(parts.to_vec(), loops);
                let cells = covering(&shape, r.real_or(1, i, 11.0)?, r.real_or(2, i, 0.0)?)?;
                Some(tokens_json(cells))
            })
        }
    ),
    geo_fn!(
        "geo_line_to_s2cells",
        [Dyn, Num, Num],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let shape = Shape::Lines(lines_at(r, 0, i)?);
                let cells = covering(&shape, r.real_or(1, i, 11.0)?, r.real_or(2, i, 0.0)?)?;
                Some(tokens_json(cells))
            })
        }
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_cells() {
        // DOCS geo-point-to-s2cell-function.md.
        assert_eq!(
            point_to_cell(-80.195829, 25.802215, 8.0).as_deref(),
            Some("88d9b")
        );
        assert_eq!(point_to_cell(300.0, 1.0, 8.0), None);
        assert_eq!(point_to_cell(1.0, 1.0, 35.0), None);
    }

    #[test]
    fn coverings_hold_the_shape() {
        // DOCS geo-polygon-to-s2cells-function.md: a polygon at level 30 has too many cells.
        let huge = json!({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]});
        let polygons = geojson::parse_polygons(&huge).unwrap_or_default();
        let parts: Vec<Region> = polygons
            .iter()
            .map(crate::geo::polygon::polygon_region)
            .collect();
        let loops = parts.iter().flat_map(|p| p.loops.clone()).collect();
        assert_eq!(covering(&Shape::Polygons(parts, loops), 30.0, 0.0), None);
        // A line across Manhattan at level 11: the cells of both ends are in the covering,
        // and every cell meets the line.
        let line = vec![
            vector::from_degrees(-73.97, 40.79),
            vector::from_degrees(-73.95, 40.75),
        ];
        let shape = Shape::Lines(vec![line.clone()]);
        let cells = covering(&shape, 11.0, 0.0).unwrap_or_default();
        for end in &line {
            let t = CellId::from_point(*end).parent(11).token();
            assert!(cells.contains(&t), "{t} not in {cells:?}");
        }
        assert!(cells.len() <= 8, "{cells:?}");
        // A radius widens the covering.
        let wider = covering(&shape, 11.0, 5000.0).unwrap_or_default();
        assert!(wider.len() > cells.len());
    }
}
