//! Line measures and operations against the values the documentation prints.

// The expected values are the digits the pages print.
#![allow(clippy::excessive_precision)]

use super::*;
use crate::geo::geojson::{lnglat, parse_lines};
use serde_json::{Value as Json, json};

fn lines(j: Json) -> Vec<Vec<V3>> {
    parse_lines(&j)
        .unwrap_or_default()
        .iter()
        .map(points)
        .collect()
}

fn one(j: Json) -> Vec<V3> {
    lines(j).pop().unwrap_or_default()
}

fn assert_point(p: Option<V3>, lng: f64, lat: f64) {
    let p = p.map(lnglat);
    assert!(
        p.is_some_and(|p| (p.lng - lng).abs() < 1e-9 && (p.lat - lat).abs() < 1e-9),
        "{p:?} != ({lng}, {lat})"
    );
}

fn park_path() -> Vec<V3> {
    one(
        json!({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334],[-73.98210525512695,40.76786669510221],[-73.96004676818848,40.7980870753293]]}),
    )
}

#[test]
fn documented_measures() {
    // DOCS geo-line-length-function.md.
    let l = lines(
        json!({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334]]}),
    );
    assert!(
        (length(&l) - 4_922.480_169_920_81).abs() < 1e-6,
        "{}",
        length(&l)
    );
    // DOCS geo-distance-point-to-line-function.md: North Las Vegas Airport to a road.
    let road = lines(
        json!({"type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],[-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],[-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],[-115.225355,36.174365]]}),
    );
    let x = vector::from_degrees(-115.199625, 36.210419);
    let d = closest_point(&road, x).map(|p| x.angle(p) * EARTH_RADIUS_M);
    assert!(
        d.is_some_and(|d| (d - 3_797.888_872_533_34).abs() < 1e-6),
        "{d:?}"
    );
}

#[test]
fn documented_positions_along_a_line() {
    // DOCS geo-line-interpolate-point-function.md.
    let l = one(
        json!({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]}),
    );
    assert_point(
        interpolate(&l, 0.25),
        -73.961_764_043_218_281,
        40.791_436_687_257_232,
    );
    let lng = interpolate(&park_path(), 0.9).map(|p| lnglat(p).lng);
    assert!(
        lng.is_some_and(|x| (x + 73.965_565_458_327_99).abs() < 1e-9),
        "{lng:?}"
    );
    assert_eq!(interpolate(&l, 1.5), None);
    // DOCS geo-line-locate-point-function.md.
    let f = locate(&l, vector::from_degrees(-73.965, 40.792));
    assert!(
        f.is_some_and(|f| (f - 0.255_601_351_003_075_52).abs() < 1e-12),
        "{f:?}"
    );
    // DOCS geo-line-centroid-function.md.
    assert_point(
        centroid(&[l]),
        -73.965_567_057_230_942,
        40.782_453_249_627_416,
    );
    let lng = centroid(&[park_path()]).map(|p| lnglat(p).lng);
    assert!(
        lng.is_some_and(|x| (x + 73.966_067_562_683_7).abs() < 1e-9),
        "{lng:?}"
    );
}

#[test]
fn documented_intersections() {
    // DOCS geo-intersection-2lines-function.md: crossing lines meet in a point; a line
    // with itself is the line; far lines do not meet.
    let a = lines(
        json!({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}),
    );
    let b = lines(
        json!({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}),
    );
    let (points, shared) = intersection(&a, &b);
    assert!(shared.is_empty());
    assert_point(
        points.first().copied(),
        -73.979_837_116_670_978,
        40.783_989_289_772_165,
    );
    assert!(intersects(&a, &b));
    let (points, shared) = intersection(&a, &a);
    assert!(points.is_empty());
    assert_eq!(shared, a);
    let c = lines(json!({"type":"LineString","coordinates":[[1, 1],[2, 2]]}));
    let d = lines(json!({"type":"LineString","coordinates":[[3, 3],[4, 4]]}));
    assert_eq!(intersection(&c, &d), (vec![], vec![]));
    assert!(!intersects(&c, &d));
}

#[test]
fn documented_line_with_polygon() {
    // DOCS geo-intersects-line-with-polygon-function.md and
    // geo-intersection-line-with-polygon-function.md.
    let triangle = crate::geo::geojson::parse_polygons(
        &json!({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}),
    )
    .unwrap_or_default();
    let region = crate::geo::polygon::region(&triangle);
    let crossing = lines(
        json!({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}),
    );
    let (points, kept) = clip(&crossing, &region);
    assert!(points.is_empty() && kept.len() == 1, "{kept:?}");
    let far = lines(json!({"type":"LineString","coordinates":[[1, 1],[2, 2]]}));
    assert_eq!(clip(&far, &region), (vec![], vec![]));
}

#[test]
fn documented_union_and_simplify() {
    // DOCS geo-union-lines-array-function.md: overlapping lines join into one.
    let l = lines(
        json!({"type":"MultiLineString","coordinates":[[[-73.95683884620665,40.80502891480884],[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311]],[[-73.95633727312088,40.8057171711177],[-73.95489156246185,40.80510200431311],[-73.95537436008453,40.804413741624515]]]}),
    );
    let u = union(&l);
    assert_eq!(u.len(), 1);
    let got: Vec<(f64, f64)> = u
        .iter()
        .flatten()
        .map(|p| lnglat(*p))
        .map(|p| (p.lng, p.lat))
        .collect();
    let want = [
        (-73.956_838_846_206_651, 40.805_028_914_808_844),
        (-73.956_337_273_120_88, 40.805_717_171_117_7),
        (-73.954_891_562_461_853, 40.805_102_004_313_12),
        (-73.955_374_360_084_534, 40.804_413_741_624_522),
    ];
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.0 - w.0).abs() < 1e-9 && (g.1 - w.1).abs() < 1e-9,
            "{got:?}"
        );
    }
    // DOCS geo-line-simplify-function.md: a nearly straight road keeps its ends; a short
    // line under a 100 km tolerance vanishes.
    let road = one(
        json!({"type":"LineString","coordinates":[[-73.97033169865608,40.789063020152824],[-73.97039607167244,40.78897975920816],[-73.9704617857933,40.78888837512432],[-73.97052884101868,40.7887949601531],[-73.9706052839756,40.788698498903564],[-73.97065222263336,40.78862640672032],[-73.97072866559029,40.78852791445617],[-73.97079303860664,40.788434498977836]]}),
    );
    let s = crate::geo::polygon::simplify_line(&road, 10.0 / EARTH_RADIUS_M).unwrap_or_default();
    assert_eq!(
        s,
        vec![
            road.first().copied().unwrap_or_default(),
            road.last().copied().unwrap_or_default()
        ]
    );
    let short = one(json!({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}));
    assert_eq!(
        crate::geo::polygon::simplify_line(&short, 100_000.0 / EARTH_RADIUS_M),
        None
    );
}
