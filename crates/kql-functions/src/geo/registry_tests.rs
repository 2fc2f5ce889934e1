//! Every geospatial function through the registry: one documented result and the null (or
//! empty) result for invalid input, as each page gives them.

// The expected values are the digits the pages print.
#![allow(clippy::excessive_precision)]

use crate::test_util::{TArg, call};
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int32Type};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use serde_json::{Value as Json, json};

fn real(v: f64) -> TArg {
    TArg::Lit(T::Real, ScalarValue::Float64(Some(v)))
}

fn int(v: i32) -> TArg {
    TArg::Lit(T::Int, ScalarValue::Int32(Some(v)))
}

fn text(s: &str) -> TArg {
    TArg::Lit(T::String, ScalarValue::from(s))
}

fn dynamic(j: Json) -> TArg {
    TArg::Lit(T::Dynamic, ScalarValue::from(j.to_string()))
}

/// Row 0 of the result: `None` when null, else a JSON value (strings for text).
fn run(name: &str, args: Vec<TArg>) -> Option<Json> {
    let (_, out) = call(name, args).unwrap_or_else(|e| unreachable!("{name}: {e}"));
    if out.is_null(0) {
        return None;
    }
    Some(match out.data_type() {
        DataType::Float64 => json!(out.as_primitive::<Float64Type>().value(0)),
        DataType::Int32 => json!(out.as_primitive::<Int32Type>().value(0)),
        DataType::Boolean => json!(out.as_boolean().value(0)),
        _ => {
            let s = out.as_string::<i32>().value(0);
            serde_json::from_str(s).unwrap_or_else(|_| Json::from(s))
        }
    })
}

fn num(j: &Option<Json>) -> f64 {
    j.as_ref().and_then(Json::as_f64).unwrap_or(f64::NAN)
}

fn coord(j: &Option<Json>, k: usize) -> f64 {
    j.as_ref()
        .and_then(|j| j.get("coordinates")?.get(k)?.as_f64())
        .unwrap_or(f64::NAN)
}

fn park() -> Json {
    json!({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]})
}

fn segment() -> Json {
    json!({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]})
}

#[test]
fn h3_functions() {
    // DOCS geo-point-to-h3cell-function.md; geo-h3cell-level-function.md;
    // geo-h3cell-parent-function.md; geo-h3cell-children-function.md;
    // geo-h3cell-neighbors-function.md; geo-h3cell-rings-function.md;
    // geo-h3cell-to-central-point-function.md; geo-h3cell-to-polygon-function.md.
    let cell = "862a1072fffffff";
    let h = run(
        "geo_point_to_h3cell",
        vec![real(-74.04450446039874), real(40.689250859314974), int(6)],
    );
    assert_eq!(h, Some(json!(cell)));
    assert_eq!(
        run("geo_point_to_h3cell", vec![real(300.0), real(1.0)]),
        Some(json!(""))
    );
    assert_eq!(run("geo_h3cell_level", vec![text(cell)]), Some(json!(6)));
    assert_eq!(run("geo_h3cell_level", vec![text("abc")]), None);
    assert_eq!(
        run("geo_h3cell_parent", vec![text(cell)]),
        Some(json!("852a1073fffffff"))
    );
    assert_eq!(
        run("geo_h3cell_parent", vec![text(cell), int(100)]),
        Some(json!(""))
    );
    let children = run("geo_h3cell_children", vec![text(cell)]);
    assert_eq!(
        children.as_ref().and_then(Json::as_array).map(Vec::len),
        Some(7)
    );
    assert_eq!(run("geo_h3cell_children", vec![text(cell), int(12)]), None);
    let n = run("geo_h3cell_neighbors", vec![text(cell)]);
    assert_eq!(
        n.as_ref().and_then(|n| n.get(0)).cloned(),
        Some(json!("862a10727ffffff"))
    );
    assert_eq!(run("geo_h3cell_neighbors", vec![text("abc")]), None);
    let rings = run("geo_h3cell_rings", vec![text("861f8894fffffff"), int(1)]);
    assert_eq!(
        rings.as_ref().and_then(|r| r.get(0)).cloned(),
        Some(json!(["861f8894fffffff"]))
    );
    assert_eq!(
        run("geo_h3cell_rings", vec![text("861f8894fffffff"), int(150)]),
        None
    );
    let center = run("geo_h3cell_to_central_point", vec![text(cell)]);
    assert!((coord(&center, 0) + 74.0160084797924).abs() < 1e-12);
    let polygon = run("geo_h3cell_to_polygon", vec![text(cell)]);
    assert_eq!(
        polygon.as_ref().and_then(|p| p.get("type")).cloned(),
        Some(json!("Polygon"))
    );
    assert_eq!(run("geo_h3cell_to_polygon", vec![text("abc")]), None);
    let madrid = json!({"type":"Polygon","coordinates":[[[-3.659,40.553],[-3.913,40.409],[-3.729,40.273],[-3.524,40.440],[-3.659,40.553]]]});
    let cells = run("geo_polygon_to_h3cells", vec![dynamic(madrid)]);
    assert!(
        cells
            .as_ref()
            .and_then(Json::as_array)
            .is_some_and(|c| !c.is_empty())
    );
    assert_eq!(
        run(
            "geo_polygon_to_h3cells",
            vec![dynamic(json!({"type":"Polygon"}))]
        ),
        None
    );
}

#[test]
fn s2_functions() {
    // DOCS geo-point-to-s2cell-function.md; geo-s2cell-to-central-point-function.md;
    // geo-s2cell-to-polygon-function.md; geo-s2cell-neighbors-function.md;
    // geo-polygon-to-s2cells-function.md; geo-line-to-s2cells-function.md.
    let t = run(
        "geo_point_to_s2cell",
        vec![real(-80.195829), real(25.802215), int(8)],
    );
    assert_eq!(t, Some(json!("88d9b")));
    assert_eq!(
        run("geo_point_to_s2cell", vec![real(1.0), real(1.0), int(35)]),
        Some(json!(""))
    );
    let c = run("geo_s2cell_to_central_point", vec![text("1234567")]);
    assert!((coord(&c, 0) - 9.86830731850408).abs() < 1e-12);
    assert_eq!(run("geo_s2cell_to_central_point", vec![text("a")]), None);
    let p = run("geo_s2cell_to_polygon", vec![text("89c259")]);
    let first = p
        .as_ref()
        .and_then(|p| p.pointer("/coordinates/0/0/0")?.as_f64());
    assert!(first.is_some_and(|x| (x + 74.030012249838478).abs() < 1e-12));
    assert_eq!(run("geo_s2cell_to_polygon", vec![text("a")]), None);
    let n = run("geo_s2cell_neighbors", vec![text("89c259")]);
    assert_eq!(n.as_ref().and_then(Json::as_array).map(Vec::len), Some(8));
    assert_eq!(run("geo_s2cell_neighbors", vec![text("a")]), None);
    let covering = run("geo_polygon_to_s2cells", vec![dynamic(park()), int(13)]);
    assert!(
        covering
            .as_ref()
            .and_then(Json::as_array)
            .is_some_and(|c| !c.is_empty())
    );
    let huge = json!({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]});
    assert_eq!(
        run("geo_polygon_to_s2cells", vec![dynamic(huge), int(30)]),
        None
    );
    let bad = json!({"type":"LineString","coordinates":[[[0,0],[0,0]]]});
    assert_eq!(run("geo_line_to_s2cells", vec![dynamic(bad)]), None);
    let line = run("geo_line_to_s2cells", vec![dynamic(segment())]);
    assert!(
        line.as_ref()
            .and_then(Json::as_array)
            .is_some_and(|c| !c.is_empty())
    );
}

#[test]
fn polygon_functions() {
    // DOCS geo-point-in-polygon-function.md; geo-polygon-area-function.md;
    // geo-polygon-perimeter-function.md; geo-polygon-centroid-function.md;
    // geo-distance-point-to-polygon-function.md; geo-closest-point-on-polygon-function.md;
    // geo-polygon-densify-function.md; geo-polygon-simplify-function.md.
    let inside = run(
        "geo_point_in_polygon",
        vec![real(-73.965), real(40.78), dynamic(park())],
    );
    assert_eq!(inside, Some(json!(true)));
    let invalid = json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]});
    assert_eq!(
        run(
            "geo_point_in_polygon",
            vec![real(200.0), real(1.0), dynamic(invalid)]
        ),
        None
    );
    let area = num(&run("geo_polygon_area", vec![dynamic(park())]));
    assert!((area - 3475207.28346606).abs() < 1e-2, "{area}");
    let dup = json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]});
    assert_eq!(run("geo_polygon_area", vec![dynamic(dup.clone())]), None);
    assert_eq!(run("geo_polygon_centroid", vec![dynamic(dup)]), None);
    let per = num(&run("geo_polygon_perimeter", vec![dynamic(park())]));
    assert!(per > 9000.0 && per < 10000.0, "{per}");
    let c = run("geo_polygon_centroid", vec![dynamic(park())]);
    assert!((coord(&c, 0) + 73.965735689907618).abs() < 1e-9);
    let d = num(&run(
        "geo_distance_point_to_polygon",
        vec![real(-73.9839), real(40.7705), dynamic(park())],
    ));
    assert!((d - 259.940756070596).abs() < 1e-6, "{d}");
    let p = run(
        "geo_closest_point_on_polygon",
        vec![real(-73.9839), real(40.7705), dynamic(park())],
    );
    assert!((coord(&p, 1) - 40.769359452843211).abs() < 1e-9);
    let triangle = json!({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]});
    assert_eq!(
        run(
            "geo_closest_point_on_polygon",
            vec![real(500.0), real(1.0), dynamic(triangle)]
        ),
        None
    );
    let square =
        json!({"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]});
    let dense = run("geo_polygon_densify", vec![dynamic(square.clone())]);
    assert_eq!(
        dense,
        Some(
            json!({"type":"Polygon","coordinates":[[[10,10],[10.25,10],[10.5,10],[10.75,10],[11,10],[11,11],[10.75,11],[10.5,11],[10.25,11],[10,11],[10,10]]]})
        )
    );
    assert_eq!(
        run("geo_polygon_densify", vec![dynamic(square.clone()), int(0)]),
        None
    );
    let big = json!({"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]});
    assert_eq!(
        run(
            "geo_polygon_simplify",
            vec![dynamic(big.clone()), real(-0.1)]
        ),
        None
    );
    assert_eq!(
        run(
            "geo_polygon_simplify",
            vec![dynamic(big.clone()), int(1_000_000)]
        ),
        None
    );
    let kept = run("geo_polygon_simplify", vec![dynamic(big)]);
    assert_eq!(
        kept.as_ref()
            .and_then(|p| p.pointer("/coordinates/0")?.as_array().map(Vec::len)),
        Some(5)
    );
}

#[test]
fn polygon_overlays() {
    // DOCS geo-intersects-2polygons-function.md; geo-intersection-2polygons-function.md;
    // geo-union-polygons-array-function.md; geo-simplify-polygons-array-function.md.
    let a = json!({"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]});
    let b = json!({"type":"Polygon","coordinates":[[[3,44],[2,45],[2,43],[3,44]]]});
    let touch = run(
        "geo_intersection_2polygons",
        vec![dynamic(a.clone()), dynamic(b.clone())],
    );
    assert_eq!(touch, Some(json!({"type": "Point","coordinates": [2,45]})));
    assert_eq!(
        run(
            "geo_intersects_2polygons",
            vec![dynamic(a.clone()), dynamic(b)]
        ),
        Some(json!(true))
    );
    let invalid = json!({"type":"Polygon"});
    assert_eq!(
        run(
            "geo_intersects_2polygons",
            vec![dynamic(invalid.clone()), dynamic(park())]
        ),
        None
    );
    assert_eq!(
        run(
            "geo_intersection_2polygons",
            vec![dynamic(invalid.clone()), dynamic(park())]
        ),
        None
    );
    let far = json!({"type":"Polygon","coordinates":[[[20,45],[21,45],[21,46],[20,45]]]});
    let none = run(
        "geo_intersection_2polygons",
        vec![dynamic(a.clone()), dynamic(far)],
    );
    assert_eq!(
        none,
        Some(json!({"type": "GeometryCollection","geometries": []}))
    );
    let u = run(
        "geo_union_polygons_array",
        vec![dynamic(json!([park(), a]))],
    );
    assert_eq!(
        u.as_ref().and_then(|u| u.get("type")).cloned(),
        Some(json!("MultiPolygon"))
    );
    let broken = json!([park(), {"type":"Polygon","coordinates":[[[-73.94622,40.79249]]]}]);
    assert_eq!(
        run("geo_union_polygons_array", vec![dynamic(broken.clone())]),
        None
    );
    assert_eq!(
        run("geo_simplify_polygons_array", vec![dynamic(broken)]),
        None
    );
    let arr = json!([park()]);
    assert_eq!(
        run(
            "geo_simplify_polygons_array",
            vec![dynamic(arr.clone()), int(-1)]
        ),
        None
    );
    assert_eq!(
        run(
            "geo_simplify_polygons_array",
            vec![dynamic(arr.clone()), int(10000)]
        ),
        None
    );
    assert!(run("geo_simplify_polygons_array", vec![dynamic(arr)]).is_some());
}

#[test]
fn line_functions() {
    // DOCS geo-line-length-function.md; geo-line-centroid-function.md;
    // geo-line-interpolate-point-function.md; geo-line-locate-point-function.md;
    // geo-distance-point-to-line-function.md; geo-closest-point-on-line-function.md;
    // geo-line-densify-function.md; geo-line-simplify-function.md.
    let len = num(&run("geo_line_length", vec![dynamic(segment())]));
    assert!(len > 4000.0 && len < 4200.0, "{len}");
    let single = json!({"type":"LineString","coordinates":[[1, 1]]});
    assert_eq!(run("geo_line_length", vec![dynamic(single.clone())]), None);
    let c = run("geo_line_centroid", vec![dynamic(segment())]);
    assert!((coord(&c, 0) + 73.965567057230942).abs() < 1e-9);
    assert_eq!(
        run("geo_line_centroid", vec![dynamic(single.clone())]),
        None
    );
    let p = run(
        "geo_line_interpolate_point",
        vec![dynamic(segment()), real(0.25)],
    );
    assert!((coord(&p, 1) - 40.791436687257232).abs() < 1e-9);
    assert_eq!(
        run(
            "geo_line_interpolate_point",
            vec![dynamic(single.clone()), real(0.5)]
        ),
        None
    );
    let f = num(&run(
        "geo_line_locate_point",
        vec![dynamic(segment()), real(-73.965), real(40.792)],
    ));
    assert!((f - 0.25560135100307552).abs() < 1e-12, "{f}");
    assert_eq!(
        run(
            "geo_line_locate_point",
            vec![dynamic(single), real(1.0), real(1.0)]
        ),
        None
    );
    let diagonal = json!({"type":"LineString","coordinates":[[1,1],[2,2]]});
    assert_eq!(
        run(
            "geo_distance_point_to_line",
            vec![real(300.0), real(3.0), dynamic(diagonal.clone())]
        ),
        None
    );
    assert_eq!(
        run(
            "geo_closest_point_on_line",
            vec![real(300.0), real(3.0), dynamic(diagonal.clone())]
        ),
        None
    );
    // A point on a meridian line lies on it (meridians are geodesics).
    let meridian = json!({"type":"LineString","coordinates":[[1,1],[1,2]]});
    let d = num(&run(
        "geo_distance_point_to_line",
        vec![real(1.0), real(1.5), dynamic(meridian)],
    ));
    assert!(d < 1e-6, "{d}");
    let dense = run(
        "geo_line_densify",
        vec![dynamic(
            json!({"type":"LineString","coordinates":[[50, 50], [51, 51]]}),
        )],
    );
    assert_eq!(
        dense
            .as_ref()
            .and_then(|d| d.pointer("/coordinates")?.as_array().map(Vec::len)),
        Some(9)
    );
    assert_eq!(
        run("geo_line_densify", vec![dynamic(diagonal.clone()), int(0)]),
        None
    );
    assert_eq!(
        run("geo_line_simplify", vec![dynamic(diagonal), int(-1)]),
        None
    );
    let short = json!({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]});
    assert_eq!(
        run("geo_line_simplify", vec![dynamic(short), int(100_000)]),
        None
    );
}

#[test]
fn line_overlays() {
    // DOCS geo-intersects-2lines-function.md; geo-intersection-2lines-function.md;
    // geo-intersects-line-with-polygon-function.md;
    // geo-intersection-line-with-polygon-function.md; geo-union-lines-array-function.md.
    let a =
        json!({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]});
    let b =
        json!({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]});
    assert_eq!(
        run(
            "geo_intersects_2lines",
            vec![dynamic(a.clone()), dynamic(b.clone())]
        ),
        Some(json!(true))
    );
    let x = run(
        "geo_intersection_2lines",
        vec![dynamic(a.clone()), dynamic(b.clone())],
    );
    assert!((coord(&x, 0) + 73.979837116670978).abs() < 1e-9);
    let same = run(
        "geo_intersection_2lines",
        vec![dynamic(a.clone()), dynamic(a.clone())],
    );
    assert_eq!(
        same.as_ref().and_then(|s| s.get("type")).cloned(),
        Some(json!("LineString"))
    );
    let point_only = json!({"type":"LineString","coordinates":[[3, 3]]});
    assert_eq!(
        run(
            "geo_intersection_2lines",
            vec![dynamic(a.clone()), dynamic(point_only)]
        ),
        None
    );
    let empty_polygon = json!({"type":"Polygon","coordinates":[]});
    assert_eq!(
        run(
            "geo_intersects_2lines",
            vec![dynamic(a.clone()), dynamic(empty_polygon)]
        ),
        None
    );
    let triangle = json!({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]});
    let hits = run(
        "geo_intersects_line_with_polygon",
        vec![dynamic(b.clone()), dynamic(triangle.clone())],
    );
    assert_eq!(hits, Some(json!(true)));
    let far = json!({"type":"LineString","coordinates":[[1, 1],[2, 2]]});
    let none = run(
        "geo_intersection_line_with_polygon",
        vec![dynamic(far), dynamic(triangle)],
    );
    assert_eq!(
        none,
        Some(json!({"type": "GeometryCollection","geometries": []}))
    );
    let u = run(
        "geo_union_lines_array",
        vec![dynamic(json!([a.clone(), a.clone()]))],
    );
    assert_eq!(
        u.as_ref()
            .and_then(|u| u.pointer("/coordinates")?.as_array().map(Vec::len)),
        Some(2)
    );
    let broken = json!([a, {"type":"LineString","coordinates":[[1, 1]]}]);
    assert_eq!(run("geo_union_lines_array", vec![dynamic(broken)]), None);
}

#[test]
fn buffers_and_wkt() {
    // DOCS geo-point-buffer-function.md; geo-line-buffer-function.md;
    // geo-polygon-buffer-function.md; geo-from-wkt-function.md.
    assert_eq!(
        run("geo_point_buffer", vec![real(10.0), real(10.0), real(-1.0)]),
        None
    );
    let circle = run(
        "geo_point_buffer",
        vec![real(-73.9856), real(40.7484), real(10.0)],
    );
    assert_eq!(
        circle.as_ref().and_then(|c| c.get("type")).cloned(),
        Some(json!("Polygon"))
    );
    assert_eq!(
        run(
            "geo_line_buffer",
            vec![dynamic(json!({"type":"LineString"})), int(5)]
        ),
        None
    );
    let diagonal = json!({"type":"LineString","coordinates":[[0,0],[1,1]]});
    assert_eq!(
        run("geo_line_buffer", vec![dynamic(diagonal), int(0)]),
        None
    );
    let road = json!({"type":"LineString","coordinates":[[14.429214068940496,50.10043066548272],[14.431184174126173,50.10046525983731]]});
    let band = run("geo_line_buffer", vec![dynamic(road), int(2), real(0.1)]);
    assert_eq!(
        band.as_ref().and_then(|c| c.get("type")).cloned(),
        Some(json!("Polygon"))
    );
    let grown = run("geo_polygon_buffer", vec![dynamic(park()), int(100)]);
    let area = |j: Json| num(&run("geo_polygon_area", vec![dynamic(j)]));
    assert!(grown.is_some_and(|g| area(g) > area(park())));
    assert_eq!(
        run("geo_polygon_buffer", vec![dynamic(park()), int(-1)]),
        None
    );
    let multi = run("geo_from_wkt", vec![text("MULTIPOINT (1 1, 2 2, 3 3)")]);
    assert_eq!(
        multi,
        Some(json!({"type": "MultiPoint","coordinates": [[1,1],[2,2],[3,3]]}))
    );
    assert_eq!(run("geo_from_wkt", vec![text("LINESTRING")]), None);
}
