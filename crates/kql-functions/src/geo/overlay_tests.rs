//! The documented outputs of the polygon operations, vertex for vertex.

// The expected values are the digits the pages print.
#![allow(clippy::excessive_precision)]

use super::*;
use crate::geo::geojson::{self, Polygon};
use crate::geo::polygon::{region, to_polygons};
use serde_json::{Value as Json, json};

fn polygons(j: Json) -> Vec<Polygon> {
    geojson::parse_polygons(&j).unwrap_or_default()
}

/// The rings of a result, as `[lng, lat]` pairs with the closing vertex.
fn rings(region: &Region) -> Vec<Vec<[f64; 2]>> {
    let json = geojson::polygons_json(&to_polygons(region));
    let coords = json.get("coordinates").cloned().unwrap_or(Json::Null);
    let polygon_rings = if json.get("type") == Some(&json!("Polygon")) {
        coords.as_array().cloned().unwrap_or_default()
    } else {
        coords
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p.as_array().cloned().unwrap_or_default())
            .collect()
    };
    polygon_rings
        .iter()
        .map(|r| {
            r.as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let c = |k: usize| p.get(k).and_then(Json::as_f64).unwrap_or(f64::NAN);
                    [c(0), c(1)]
                })
                .collect()
        })
        .collect()
}

fn assert_ring(got: &[[f64; 2]], want: &[[f64; 2]]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g[0] - w[0]).abs() < 1e-9 && (g[1] - w[1]).abs() < 1e-9,
            "{g:?} != {w:?} in {got:?}"
        );
    }
}

#[test]
fn union_of_two_overlapping_polygons() {
    // DOCS geo-union-polygons-array-function.md.
    let a = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.98201,40.76825],[-73.97317,40.76455],[-73.9495,40.7969]]]}),
    );
    let b = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.94622,40.79249],[-73.96888,40.79282],[-73.9577,40.7789],[-73.94622,40.79249]]]}),
    );
    let u = union_all(vec![region(&a), region(&b)]);
    let got = rings(&u);
    assert_eq!(got.len(), 1);
    assert_ring(
        got.first().map(Vec::as_slice).unwrap_or_default(),
        &[
            [-73.9495, 40.7969],
            [-73.95807, 40.80068],
            [-73.9639277517478, 40.792748258673875],
            [-73.96888, 40.792819999999992],
            [-73.9662719791645, 40.7895734224338],
            [-73.98201, 40.76825],
            [-73.97317, 40.76455],
            [-73.960302383706178, 40.782140794645024],
            [-73.9577, 40.7789],
            [-73.94622, 40.79249],
            [-73.9526593223173, 40.792584227716468],
            [-73.9495, 40.7969],
        ],
    );
}

#[test]
fn intersection_of_two_polygons() {
    // DOCS geo-intersection-2polygons-function.md, first example.
    let a = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]}),
    );
    let b = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]}),
    );
    let o = intersection(&region(&a), &region(&b));
    assert!(o.points.is_empty() && o.lines.is_empty());
    let got = rings(&o.region);
    assert_ring(
        got.first().map(Vec::as_slice).unwrap_or_default(),
        &[
            [-73.962105776437156, 40.774591360999679],
            [-73.962642403166868, 40.774807020251778],
            [-73.9631313085556, 40.774578106920352],
            [-73.962079882621765, 40.774167803982927],
            [-73.962105776437156, 40.774591360999679],
        ],
    );
    assert!(intersects(&region(&a), &region(&b)));
}

#[test]
fn polygons_touching_at_a_vertex_intersect_in_a_point() {
    // DOCS geo-intersection-2polygons-function.md: two triangles sharing (2, 45), then the
    // same with a multipolygon that also overlaps.
    let a = region(&polygons(
        json!({"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]}),
    ));
    let b = region(&polygons(
        json!({"type":"Polygon","coordinates":[[[3,44],[2,45],[2,43],[3,44]]]}),
    ));
    let o = intersection(&a, &b);
    assert!(o.region.loops.is_empty());
    assert_eq!(o.points.len(), 1);
    let p = o.points.first().map(|p| geojson::lnglat(*p));
    assert!(p.is_some_and(|p| (p.lng - 2.0).abs() < 1e-12 && (p.lat - 45.0).abs() < 1e-12));
    let m = region(&polygons(
        json!({"type":"MultiPolygon","coordinates":[[[[3,44],[2,45],[2,43],[3,44]]],[[[1.192,45.265],[1.005,44.943],[1.356,44.937],[1.192,45.265]]]]}),
    ));
    let o = intersection(&a, &m);
    assert_eq!(o.points.len(), 1);
    let got = rings(&o.region);
    assert_ring(
        got.first().map(Vec::as_slice).unwrap_or_default(),
        &[
            [1.3227075526410679, 45.003909145068739],
            [1.0404565374899824, 45.004356403066552],
            [1.005, 44.943],
            [1.356, 44.937],
            [1.3227075526410679, 45.003909145068739],
        ],
    );
}

#[test]
fn union_of_geohash_cells() {
    // DOCS geo-geohash-neighbors-function.md: the cell `sunny` and its eight neighbours.
    let cells = [
        "sunny", "sunnt", "sunpj", "sunnx", "sunpn", "sunnv", "sunpp", "sunnz", "sunnw",
    ];
    let regions = cells
        .iter()
        .map(|c| {
            region(&polygons(
                crate::geo::geohash::polygon(c).unwrap_or(Json::Null),
            ))
        })
        .collect();
    let got = rings(&union_all(regions));
    assert_eq!(got.len(), 1);
    assert_ring(
        got.first().map(Vec::as_slice).unwrap_or_default(),
        &[
            [42.4072265625, 23.642578125],
            [42.451171875, 23.642578125],
            [42.4951171875, 23.642578125],
            [42.5390625, 23.642578125],
            [42.5390625, 23.686523437500004],
            [42.5390625, 23.730468750000004],
            [42.5390625, 23.7744140625],
            [42.4951171875, 23.7744140625],
            [42.451171875, 23.7744140625],
            [42.407226562499993, 23.7744140625],
            [42.4072265625, 23.73046875],
            [42.4072265625, 23.6865234375],
            [42.4072265625, 23.642578125],
        ],
    );
}

#[test]
fn union_of_h3_cells() {
    // DOCS geo-h3cell-neighbors-function.md: a cell and its six neighbours.
    let cells = [
        "862a1072fffffff",
        "862a10727ffffff",
        "862a10707ffffff",
        "862a1070fffffff",
        "862a10777ffffff",
        "862a100dfffffff",
        "862a100d7ffffff",
    ];
    let regions = cells
        .iter()
        .filter_map(|c| crate::geo::h3::parse(c))
        .map(|c| region(&[crate::geo::h3::cell_polygon(c)]))
        .collect();
    let got = rings(&union_all(regions));
    assert_eq!(got.len(), 1);
    assert_ring(
        got.first().map(Vec::as_slice).unwrap_or_default(),
        &[
            [-73.926766604813565, 40.718903205013063],
            [-73.912969923470314, 40.750105305345329],
            [-73.943844904976629, 40.773964402038523],
            [-73.988522328408948, 40.766594382212254],
            [-74.019448383546617, 40.79043914023697],
            [-74.064132193843633, 40.783038509825005],
            [-74.077839665342211, 40.751803958414136],
            [-74.1224794808745, 40.744383587828388],
            [-74.1361375042681, 40.713156370029125],
            [-74.1052004095288, 40.689365648097251],
            [-74.118853750491638, 40.658161927046628],
            [-74.0879619670209, 40.6343838242296],
            [-74.043422283844933, 40.641782462872115],
            [-74.012581189358343, 40.617990065981623],
            [-73.968047801220749, 40.625358290164755],
            [-73.954305509472675, 40.656529678451555],
            [-73.909728515658443, 40.663878222244442],
            [-73.895936872069854, 40.695056852396377],
            [-73.926766604813565, 40.718903205013063],
        ],
    );
}
