//! Registry entries of the polygon and line functions: argument reading, validation of the
//! tolerances and fractions each page documents, and GeoJSON results. The geometry itself
//! is in [`super::polygon`], [`super::line`] and [`super::overlay`].

use super::geojson::{self, LngLat, Polygon, collection_json, lnglat, point_json};
use super::kernel::{Rows, bools, dynamics, geo_fn, reals};
use super::line;
use super::overlay::{self, Region};
use super::polygon::{self, region};
use super::sphere::EARTH_RADIUS_M;
use super::vector::V3;
use crate::registry::Function;
use serde_json::Value as Json;
use std::rc::Rc;

/// The polygons of argument `c`.
pub(super) fn polygons_at(r: &Rows, c: usize, i: usize) -> Option<Rc<Vec<Polygon>>> {
    r.shape(c, i, geojson::parse_polygons)
}

/// The region of each polygon of argument `c`.
pub(super) fn parts_at(r: &Rows, c: usize, i: usize) -> Option<Rc<Vec<Region>>> {
    r.shape(c, i, |j| {
        Some(
            geojson::parse_polygons(j)?
                .iter()
                .map(polygon::polygon_region)
                .collect(),
        )
    })
}

/// The region of argument `c`: the union of its polygons.
fn region_at(r: &Rows, c: usize, i: usize) -> Option<Rc<Region>> {
    r.shape(c, i, |j| Some(region(&geojson::parse_polygons(j)?)))
}

/// The lines of argument `c`, as points.
pub(super) fn lines_at(r: &Rows, c: usize, i: usize) -> Option<Vec<Vec<V3>>> {
    Some(
        geojson::parse_lines(&r.json(c, i)?)?
            .iter()
            .map(line::points)
            .collect(),
    )
}

/// The single `LineString` of argument `c` (the functions that walk along one line).
fn single_line_at(r: &Rows, c: usize, i: usize) -> Option<Vec<V3>> {
    let j = r.json(c, i)?;
    if j.get("type")?.as_str()? != "LineString" {
        return None;
    }
    let mut lines = geojson::parse_lines(&j)?;
    Some(line::points(&lines.pop()?))
}

/// The point given by numeric arguments `c` and `c + 1`.
pub(super) fn point_at(r: &Rows, c: usize, i: usize) -> Option<V3> {
    Some(LngLat::new(r.real(c, i)?, r.real(c + 1, i)?)?.point())
}

fn point_of(p: V3) -> Json {
    point_json(lnglat(p))
}

fn lines_of(lines: &[Vec<V3>]) -> Vec<geojson::Line> {
    lines
        .iter()
        .map(|l| l.iter().map(|p| lnglat(*p)).collect())
        .collect()
}

/// A region, its points and lines, as GeoJSON.
fn output_json(points: &[V3], lines: &[Vec<V3>], region: &Region) -> Json {
    let points: Vec<LngLat> = points.iter().map(|p| lnglat(*p)).collect();
    collection_json(&points, &lines_of(lines), &polygon::to_polygons(region))
}

/// A densify tolerance: 0.1 to 10,000 metres (DOCS `geo-polygon-densify-function.md`).
fn densify_tolerance(t: f64) -> Option<f64> {
    (0.1..=10_000.0).contains(&t).then_some(t)
}

/// A simplify tolerance: 0 to about 7,800,000 metres (DOCS
/// `geo-line-simplify-function.md`), in radians.
fn simplify_tolerance(t: f64) -> Option<f64> {
    (0.0..=7_800_000.0)
        .contains(&t)
        .then_some(t / EARTH_RADIUS_M)
}

/// The simplified polygons of a region; `None` when all of them vanish.
fn simplify_region(region: &Region, tolerance: f64) -> Option<Vec<Polygon>> {
    let mut out = Vec::new();
    for p in polygon::to_polygons(region) {
        let loops = Polygon {
            rings: p.rings.clone(),
        };
        let mut rings = Vec::new();
        for (k, l) in loops
            .rings
            .iter()
            .map(|r| r.iter().map(|p| p.point()).collect::<Vec<V3>>())
            .enumerate()
        {
            match polygon::simplify_ring(&l, tolerance) {
                Some(s) => rings.push(s.iter().map(|p| lnglat(*p)).collect()),
                None if k == 0 => break,
                None => {}
            }
        }
        if !rings.is_empty() {
            out.push(Polygon { rings });
        }
    }
    (!out.is_empty()).then_some(out)
}

fn densify_polygons(polygons: &[Polygon], tolerance: f64, cross: bool) -> Option<Json> {
    let mut out = Vec::with_capacity(polygons.len());
    for p in polygons {
        let rings = p
            .rings
            .iter()
            .map(|r| polygon::densify_path(r, true, tolerance, cross))
            .collect::<Option<Vec<_>>>()?;
        out.push(Polygon { rings });
    }
    Some(geojson::polygons_json(&out))
}

fn densify_lines(j: &Json, tolerance: f64, cross: bool) -> Option<Json> {
    let lines = geojson::parse_lines(j)?
        .iter()
        .map(|l| polygon::densify_path(l, false, tolerance, cross))
        .collect::<Option<Vec<_>>>()?;
    Some(geojson::lines_json(&lines))
}

/// The regions of an array of polygons and multipolygons; `None` if any is invalid.
fn regions_of_array(j: &Json) -> Option<Vec<Region>> {
    let items = j.as_array()?;
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|p| Some(region(&geojson::parse_polygons(p)?)))
        .collect()
}

fn union_polygons(j: &Json) -> Option<Json> {
    let u = overlay::union_all(regions_of_array(j)?);
    Some(output_json(&[], &[], &u))
}

fn union_lines(j: &Json) -> Option<Json> {
    let items = j.as_array()?;
    let mut all = Vec::new();
    for l in items {
        all.extend(geojson::parse_lines(l)?.iter().map(line::points));
    }
    if all.is_empty() {
        return None;
    }
    Some(geojson::lines_json(&lines_of(&line::union(&all))))
}

fn simplify_polygons_array(j: &Json, tolerance: f64) -> Option<Json> {
    let mut out = Vec::new();
    for r in regions_of_array(j)? {
        out.extend(simplify_region(&r, tolerance).unwrap_or_default());
    }
    (!out.is_empty()).then(|| geojson::polygons_json(&out))
}

fn simplify_lines(lines: &[Vec<V3>], tolerance: f64) -> Option<Json> {
    let kept: Vec<Vec<V3>> = line::union(lines)
        .iter()
        .filter_map(|l| polygon::simplify_line(l, tolerance))
        .collect();
    (!kept.is_empty()).then(|| geojson::lines_json(&lines_of(&kept)))
}

/// The polygon and line functions.
pub(crate) const FUNCTIONS: [Function; 25] = [
    geo_fn!(
        "geo_point_in_polygon",
        [Num, Num, Dyn],
        3,
        Bool,
        |r: &Rows| {
            bools(r, |r, i| {
                let x = point_at(r, 0, i)?;
                Some(polygon::contains(&parts_at(r, 2, i)?, x))
            })
        }
    ),
    geo_fn!(
        "geo_distance_point_to_polygon",
        [Num, Num, Dyn],
        3,
        Real,
        |r: &Rows| {
            reals(r, |r, i| {
                let x = point_at(r, 0, i)?;
                Some(polygon::distance_to_polygons(&parts_at(r, 2, i)?, x)? * EARTH_RADIUS_M)
            })
        }
    ),
    geo_fn!(
        "geo_closest_point_on_polygon",
        [Num, Num, Dyn],
        3,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let x = point_at(r, 0, i)?;
                Some(point_of(polygon::closest_point(&parts_at(r, 2, i)?, x)?))
            })
        }
    ),
    geo_fn!("geo_polygon_area", [Dyn], 1, Real, |r: &Rows| {
        reals(r, |r, i| Some(polygon::area(&*region_at(r, 0, i)?)))
    }),
    geo_fn!("geo_polygon_perimeter", [Dyn], 1, Real, |r: &Rows| {
        reals(r, |r, i| Some(polygon::perimeter(&*region_at(r, 0, i)?)))
    }),
    geo_fn!("geo_polygon_centroid", [Dyn], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| {
            Some(point_of(polygon::centroid(&*region_at(r, 0, i)?)?))
        })
    }),
    geo_fn!(
        "geo_polygon_densify",
        [Dyn, Num, Flag],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let tolerance = densify_tolerance(r.real_or(1, i, 10.0)?)?;
                densify_polygons(&polygons_at(r, 0, i)?, tolerance, r.flag_or(2, i, false)?)
            })
        }
    ),
    geo_fn!(
        "geo_polygon_simplify",
        [Dyn, Num],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let tolerance = simplify_tolerance(r.real_or(1, i, 10.0)?)?;
                let simplified = simplify_region(&*region_at(r, 0, i)?, tolerance)?;
                Some(geojson::polygons_json(&simplified))
            })
        }
    ),
    geo_fn!(
        "geo_simplify_polygons_array",
        [Dyn, Num],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let tolerance = simplify_tolerance(r.real_or(1, i, 10.0)?)?;
                simplify_polygons_array(&r.json(0, i)?, tolerance)
            })
        }
    ),
    geo_fn!(
        "geo_intersects_2polygons",
        [Dyn, Dyn],
        2,
        Bool,
        |r: &Rows| {
            bools(r, |r, i| {
                let (a, b) = (region_at(r, 0, i)?, region_at(r, 1, i)?);
                Some(overlay::intersects(&a, &b))
            })
        }
    ),
    geo_fn!(
        "geo_intersection_2polygons",
        [Dyn, Dyn],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let (a, b) = (region_at(r, 0, i)?, region_at(r, 1, i)?);
                let o = overlay::intersection(&a, &b);
                Some(output_json(&o.points, &o.lines, &o.region))
            })
        }
    ),
    geo_fn!("geo_union_polygons_array", [Dyn], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| union_polygons(&r.json(0, i)?))
    }),
    geo_fn!(
        "geo_distance_point_to_line",
        [Num, Num, Dyn],
        3,
        Real,
        |r: &Rows| {
            reals(r, |r, i| {
                let x = point_at(r, 0, i)?;
                Some(x.angle(line::closest_point(&lines_at(r, 2, i)?, x)?) * EARTH_RADIUS_M)
            })
        }
    ),
    geo_fn!(
        "geo_closest_point_on_line",
        [Num, Num, Dyn],
        3,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let x = point_at(r, 0, i)?;
                Some(point_of(line::closest_point(&lines_at(r, 2, i)?, x)?))
            })
        }
    ),
    geo_fn!("geo_line_length", [Dyn], 1, Real, |r: &Rows| {
        reals(r, |r, i| Some(line::length(&lines_at(r, 0, i)?)))
    }),
    geo_fn!("geo_line_centroid", [Dyn], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| {
            Some(point_of(line::centroid(&lines_at(r, 0, i)?)?))
        })
    }),
    geo_fn!(
        "geo_line_densify",
        [Dyn, Num, Flag],
        1,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let tolerance = densify_tolerance(r.real_or(1, i, 10.0)?)?;
                densify_lines(&r.json(0, i)?, tolerance, r.flag_or(2, i, false)?)
            })
        }
    ),
    geo_fn!("geo_line_simplify", [Dyn, Num], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| {
            let tolerance = simplify_tolerance(r.real_or(1, i, 10.0)?)?;
            simplify_lines(&lines_at(r, 0, i)?, tolerance)
        })
    }),
    // `use_spheroid` is accepted; distances along the line are measured on the sphere.
    geo_fn!(
        "geo_line_locate_point",
        [Dyn, Num, Num, Flag],
        3,
        Real,
        |r: &Rows| {
            reals(r, |r, i| {
                let x = point_at(r, 1, i)?;
                r.flag_or(3, i, false)?;
                line::locate(&single_line_at(r, 0, i)?, x)
            })
        }
    ),
    geo_fn!(
        "geo_line_interpolate_point",
        [Dyn, Num],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let l = single_line_at(r, 0, i)?;
                Some(point_of(line::interpolate(&l, r.real(1, i)?)?))
            })
        }
    ),
    geo_fn!("geo_intersects_2lines", [Dyn, Dyn], 2, Bool, |r: &Rows| {
        bools(r, |r, i| {
            Some(line::intersects(&lines_at(r, 0, i)?, &lines_at(r, 1, i)?))
        })
    }),
    geo_fn!(
        "geo_intersection_2lines",
        [Dyn, Dyn],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let (points, lines) = line::intersection(&lines_at(r, 0, i)?, &lines_at(r, 1, i)?);
                Some(output_json(&points, &lines, &Region::default()))
            })
        }
    ),
    geo_fn!(
        "geo_intersects_line_with_polygon",
        [Dyn, Dyn],
        2,
        Bool,
        |r: &Rows| {
            bools(r, |r, i| {
                let lines = lines_at(r, 0, i)?;
                let region = region_at(r, 1, i)?;
                let (points, kept) = line::clip(&lines, &region);
                Some(!points.is_empty() || !kept.is_empty())
            })
        }
    ),
    geo_fn!(
        "geo_intersection_line_with_polygon",
        [Dyn, Dyn],
        2,
        Dynamic,
        |r: &Rows| {
            dynamics(r, |r, i| {
                let lines = lines_at(r, 0, i)?;
                let (points, kept) = line::clip(&lines, &*region_at(r, 1, i)?);
                Some(output_json(&points, &kept, &Region::default()))
            })
        }
    ),
    geo_fn!("geo_union_lines_array", [Dyn], 1, Dynamic, |r: &Rows| {
        dynamics(r, |r, i| union_lines(&r.json(0, i)?))
    }),
];
