//! H3 cells (DOCS `geo-point-to-h3cell-function.md` and the `geo-h3cell-*` pages): Uber's
//! hexagonal grid, through the `h3o` crate. A cell token is the cell index in lowercase
//! hexadecimal (`862a1072fffffff`).
//!
//! Invalid input gives the empty string for the functions returning a token and null for
//! the others, as each page says.

use super::geojson::{self, LngLat, Polygon};
use super::kernel::{Rows, geo_fn, whole};
use super::polygon as shapes;
use crate::registry::Function;
use h3o::{CellIndex, LatLng, Resolution};
use serde_json::Value as Json;
use std::collections::{HashSet, VecDeque};

/// The cell of a token; `None` for anything else.
pub fn parse(token: &str) -> Option<CellIndex> {
    token.parse().ok()
}

fn resolution(r: i64) -> Option<Resolution> {
    Resolution::try_from(u8::try_from(r).ok()?).ok()
}

fn lnglat(ll: LatLng) -> LngLat {
    LngLat {
        lng: ll.lng(),
        lat: ll.lat(),
    }
}

/// `geo_point_to_h3cell(lng, lat[, resolution = 6])`.
pub fn point_to_cell(lng: f64, lat: f64, res: f64) -> Option<String> {
    let p = LngLat::new(lng, lat)?;
    let res = resolution(whole(res, 0, 15)?)?;
    let ll = LatLng::new(p.lat, p.lng).ok()?;
    Some(ll.to_cell(res).to_string())
}

/// The cell's boundary as a GeoJSON polygon, counter-clockwise as H3 gives it.
pub fn cell_polygon(cell: CellIndex) -> Polygon {
    Polygon {
        rings: vec![cell.boundary().iter().map(|ll| lnglat(*ll)).collect()],
    }
}

/// `geo_h3cell_children(cell[, resolution])`: at most five levels down.
pub fn children(cell: CellIndex, res: Option<i64>) -> Option<Vec<String>> {
    let level = i64::from(u8::from(cell.resolution()));
    let res = res.unwrap_or(level + 1);
    if res < level || res - level > 5 {
        return None;
    }
    let res = resolution(res)?;
    Some(cell.children(res).map(|c| c.to_string()).collect())
}

/// `geo_h3cell_parent(cell[, resolution])`.
pub fn parent(cell: CellIndex, res: Option<i64>) -> Option<String> {
    let level = i64::from(u8::from(cell.resolution()));
    let res = res.unwrap_or(level - 1);
    if !(0..=14).contains(&res) {
        return None;
    }
    Some(cell.parent(resolution(res)?)?.to_string())
}

/// `geo_h3cell_rings(cell, distance)`: the cells at each grid distance, nearest first, in
/// the order H3's grid disk visits them.
pub fn rings(cell: CellIndex, distance: i64) -> Option<Vec<Vec<String>>> {
    let k = u32::try_from(distance).ok().filter(|k| *k <= 142)?;
    let mut out = vec![Vec::new(); k as usize + 1];
    for (c, d) in cell.grid_disk_distances::<Vec<_>>(k) {
        out.get_mut(d as usize)?.push(c.to_string());
    }
    Some(out)
}

/// `geo_h3cell_neighbors(cell)`: the ring at distance one.
pub fn neighbors(cell: CellIndex) -> Vec<String> {
    cell.grid_disk::<Vec<_>>(1)
        .into_iter()
        .filter(|c| *c != cell)
        .map(|c| c.to_string())
        .collect()
}

/// The most cells `geo_polygon_to_h3cells` returns (DOCS
/// `geo-polygon-to-h3cells-function.md`).
const MAX_POLYGON_CELLS: usize = 61_680;

/// `geo_polygon_to_h3cells(polygon[, resolution = 6[, radius = 0]])`: the cells whose
/// centers lie inside the polygon (read with straight, planar edges, as the page says) or
/// within `radius` metres of it; null past the cell limit.
pub fn polygon_cells(polygons: &[Polygon], res: f64, radius: f64) -> Option<Vec<String>> {
    let res = resolution(whole(res, 0, 15)?)?;
    if !(radius >= 0.0 && radius.is_finite()) {
        return None;
    }
    let parts: Vec<_> = polygons.iter().map(shapes::polygon_region).collect();
    let inside = |c: CellIndex| {
        let center = lnglat(LatLng::from(c));
        polygons.iter().any(|p| shapes::planar_contains(p, center))
            || (radius > 0.0
                && shapes::distance_to_polygons(&parts, center.point())
                    .is_some_and(|d| d * super::sphere::EARTH_RADIUS_M <= radius))
    };
    // Seeds: the cells along every edge (sampled at a fraction of the cell size) and
    // their neighbours; then a flood fill through cells whose centers are inside.
    let step = (res.edge_length_km() * 1000.0 / 4.0).max(0.01) / super::sphere::EARTH_RADIUS_M;
    let mut seen: HashSet<CellIndex> = HashSet::new();
    let mut queue = VecDeque::new();
    let mut out = Vec::new();
    for ring in polygons.iter().flat_map(|p| &p.rings) {
        let n = ring.len();
        for i in 0..n {
            let (Some(a), Some(b)) = (ring.get(i), ring.get((i + 1) % n)) else {
                continue;
            };
            let (pa, pb) = (a.point(), b.point());
            let steps = (pa.angle(pb) / step).ceil().max(1.0) as usize;
            for s in 0..steps {
                let t = s as f64 / steps as f64;
                let p = LngLat {
                    lng: a.lng + (b.lng - a.lng) * t,
                    lat: a.lat + (b.lat - a.lat) * t,
                };
                let cell = LatLng::new(p.lat, p.lng).ok()?.to_cell(res);
                for c in cell.grid_disk::<Vec<_>>(1 + (radius > 0.0) as u32) {
                    if seen.insert(c) {
                        queue.push_back(c);
                    }
                }
                if seen.len() > 4 * MAX_POLYGON_CELLS {
                    return None;
                }
            }
        }
    }
    while let Some(c) = queue.pop_front() {
        if !inside(c) {
            continue;
        }
        out.push(c);
        if out.len() > MAX_POLYGON_CELLS {
            return None;
        }
        for n in c.grid_disk::<Vec<_>>(1) {
            if seen.insert(n) {
                queue.push_back(n);
            }
        }
    }
    out.sort_unstable();
    Some(out.into_iter().map(|c| c.to_string()).collect())
}

fn strings_json(v: Vec<String>) -> Json {
    Json::Array(v.into_iter().map(Json::String).collect())
}

fn cell_at(rows: &Rows, i: usize) -> Option<CellIndex> {
    parse(rows.text(0, i))
}

fn opt_level(rows: &Rows, c: usize, i: usize, max: i64) -> Option<Option<i64>> {
    if !rows.has(c) {
        return Some(None);
    }
    Some(Some(whole(rows.real(c, i)?, 0, max)?))
}

/// The H3 functions.
pub(crate) const FUNCTIONS: [Function; 9] = [
    geo_fn!(
        "geo_point_to_h3cell",
        [Num, Num, Num],
        2,
        String,
        |r: &Rows| {
            super::kernel::strings(r, |r, i| {
                point_to_cell(r.real(0, i)?, r.real(1, i)?, r.real_or(2, i, 6.0)?)
            })
        }
    ),
    geo_fn!(
        "geo_h3cell_to_central_point",
        [Str],
        1,
        Dynamic,
        |r: &Rows| {
            super::kernel::dynamics(r, |r, i| {
                let c = cell_at(r, i)?;
                Some(geojson::point_json(lnglat(LatLng::from(c))))
            })
        }
    ),
    geo_fn!("geo_h3cell_to_polygon", [Str], 1, Dynamic, |r: &Rows| {
        super::kernel::dynamics(r, |r, i| {
            Some(geojson::polygons_json(&[cell_polygon(cell_at(r, i)?)]))
        })
    }),
    geo_fn!("geo_h3cell_neighbors", [Str], 1, Dynamic, |r: &Rows| {
        super::kernel::dynamics(r, |r, i| Some(strings_json(neighbors(cell_at(r, i)?))))
    }),
    geo_fn!("geo_h3cell_children", [Str, Num], 1, Dynamic, |r: &Rows| {
        super::kernel::dynamics(r, |r, i| {
            let res = opt_level(r, 1, i, 15)?;
            Some(strings_json(children(cell_at(r, i)?, res)?))
        })
    }),
    geo_fn!("geo_h3cell_parent", [Str, Num], 1, String, |r: &Rows| {
        super::kernel::strings(r, |r, i| parent(cell_at(r, i)?, opt_level(r, 1, i, 14)?))
    }),
    geo_fn!("geo_h3cell_rings", [Str, Num], 2, Dynamic, |r: &Rows| {
        super::kernel::dynamics(r, |r, i| {
            let k = whole(r.real(1, i)?, 0, 142)?;
            let rings = rings(cell_at(r, i)?, k)?;
            Some(Json::Array(rings.into_iter().map(strings_json).collect()))
        })
    }),
    geo_fn!("geo_h3cell_level", [Str], 1, Int, |r: &Rows| {
        super::kernel::ints(r, |r, i| {
            Some(i32::from(u8::from(cell_at(r, i)?.resolution())))
        })
    }),
    geo_fn!(
        "geo_polygon_to_h3cells",
        [Dyn, Num, Num],
        1,
        Dynamic,
        |r: &Rows| {
            super::kernel::dynamics(r, |r, i| {
                let polygons = geojson::parse_polygons(&r.json(0, i)?)?;
                let cells = polygon_cells(&polygons, r.real_or(1, i, 6.0)?, r.real_or(2, i, 0.0)?)?;
                Some(strings_json(cells))
            })
        }
    ),
];

/// The distance in radians between a cell's center and a point (for tests).
#[cfg(test)]
fn center_distance(cell: CellIndex, p: LngLat) -> f64 {
    lnglat(LatLng::from(cell)).point().angle(p.point())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(t: &str) -> CellIndex {
        parse(t).unwrap_or_else(|| unreachable!("bad test token {t}"))
    }

    #[test]
    fn documented_cells() {
        // DOCS geo-point-to-h3cell-function.md.
        assert_eq!(
            point_to_cell(-74.04450446039874, 40.689250859314974, 6.0).as_deref(),
            Some("862a1072fffffff")
        );
        assert_eq!(point_to_cell(300.0, 1.0, 6.0), None);
        assert_eq!(point_to_cell(1.0, 1.0, 16.0), None);
        // DOCS geo-h3cell-parent-function.md.
        assert_eq!(
            parent(cell("862a1072fffffff"), None).as_deref(),
            Some("852a1073fffffff")
        );
        assert_eq!(parent(cell("862a1072fffffff"), Some(15)), None);
        assert!(parse("123").is_none() && parse("abc").is_none());
        // DOCS geo-h3cell-children-function.md.
        assert_eq!(
            children(cell("862a1072fffffff"), None),
            Some(
                [
                    "872a10728ffffff",
                    "872a10729ffffff",
                    "872a1072affffff",
                    "872a1072bffffff",
                    "872a1072cffffff",
                    "872a1072dffffff",
                    "872a1072effffff"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        let res9 = point_to_cell(1.0, 1.0, 9.0).map(|t| cell(&t));
        assert_eq!(res9.and_then(|c| children(c, Some(15))), None);
        // DOCS geo-h3cell-neighbors-function.md.
        assert_eq!(
            neighbors(cell("862a1072fffffff")),
            [
                "862a10727ffffff",
                "862a10707ffffff",
                "862a1070fffffff",
                "862a10777ffffff",
                "862a100dfffffff",
                "862a100d7ffffff"
            ]
        );
        // DOCS geo-h3cell-rings-function.md.
        let rings = rings(cell("861f8894fffffff"), 1).unwrap_or_default();
        assert_eq!(
            rings.first().map(Vec::as_slice),
            Some(&["861f8894fffffff".to_string()][..])
        );
        assert_eq!(
            rings.get(1).cloned().unwrap_or_default(),
            [
                "861f88947ffffff",
                "861f8895fffffff",
                "861f88867ffffff",
                "861f8d497ffffff",
                "861f8d4b7ffffff",
                "861f8896fffffff"
            ]
        );
    }

    #[test]
    fn documented_geometry() {
        // DOCS geo-h3cell-to-central-point-function.md: longitude -74.0160084797924.
        let c = lnglat(LatLng::from(cell("862a1072fffffff")));
        assert!((c.lng + 74.016_008_479_792_4).abs() < 1e-12, "{}", c.lng);
        // DOCS geo-h3cell-to-polygon-function.md: the first two vertices.
        let p = cell_polygon(cell("862a1072fffffff"));
        let ring = p.rings.first().cloned().unwrap_or_default();
        assert_eq!(ring.len(), 6);
        let expect = [
            (-74.002_274_464_615_9, 40.735_376_026_215_02),
            (-74.046_908_029_686_24, 40.727_986_222_489_115),
        ];
        for (got, (lng, lat)) in ring.iter().zip(expect) {
            assert!(
                (got.lng - lng).abs() < 1e-12 && (got.lat - lat).abs() < 1e-12,
                "{got:?}"
            );
        }
        assert!(center_distance(cell("862a1072fffffff"), c) < 1e-15);
    }

    #[test]
    fn polygon_cover_holds_the_cells_whose_centers_are_inside() {
        // DOCS geo-polygon-to-h3cells-function.md (Madrid), at resolution 6: every
        // returned cell's center is in the polygon, and the polygon's own point is covered.
        let j = serde_json::json!({"type":"Polygon","coordinates":[[[-3.659,40.553],[-3.913,40.409],[-3.729,40.273],[-3.524,40.440],[-3.659,40.553]]]});
        let polygons = geojson::parse_polygons(&j).unwrap_or_default();
        let cells = polygon_cells(&polygons, 6.0, 0.0).unwrap_or_default();
        assert!(cells.len() > 10, "{}", cells.len());
        let inner = point_to_cell(-3.7, 40.42, 6.0).unwrap_or_default();
        assert!(cells.contains(&inner));
        assert_eq!(polygon_cells(&polygons, 16.0, 0.0), None);
        assert_eq!(polygon_cells(&polygons, 6.0, -1.0), None);
    }
}
