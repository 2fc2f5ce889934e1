//! Polygon measures against the values the documentation prints.

// The expected values are the digits the pages print.
#![allow(clippy::excessive_precision)]

use super::*;
use crate::geo::geojson::{self, parse_polygons};
use serde_json::{Value as Json, json};

fn polygons(j: Json) -> Vec<Polygon> {
    parse_polygons(&j).unwrap_or_default()
}

fn parts(p: &[Polygon]) -> Vec<Region> {
    p.iter().map(polygon_region).collect()
}

fn central_park() -> Vec<Polygon> {
    polygons(
        json!({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}),
    )
}

fn two_parks() -> Vec<Polygon> {
    polygons(
        json!({"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],[-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],[-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]}),
    )
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1.0)
}

fn assert_point(p: Option<V3>, lng: f64, lat: f64) {
    let p = p.map(lnglat);
    assert!(
        p.is_some_and(|p| (p.lng - lng).abs() < 1e-9 && (p.lat - lat).abs() < 1e-9),
        "{p:?} != ({lng}, {lat})"
    );
}

#[test]
fn documented_measures() {
    // DOCS geo-polygon-area-function.md: the park, and the union of two overlapping ones.
    let a = area(&region(&central_park()));
    assert!(close(a, 3_475_207.283_466_06, 1e-8), "{a}");
    let a = area(&region(&two_parks()));
    assert!(close(a, 10_889_971.534_348_7, 1e-8), "{a}");
    // DOCS geo-polygon-perimeter-function.md: the perimeter of the union.
    let p = perimeter(&region(&two_parks()));
    assert!(close(p, 15_943.538_457_874_5, 1e-8), "{p}");
    // DOCS geo-polygon-centroid-function.md.
    assert_point(
        centroid(&region(&central_park())),
        -73.965_735_689_907_618,
        40.782_550_538_057_812,
    );
    assert_point(
        centroid(&region(&two_parks())),
        -73.968_569_587_829_577,
        40.776_310_752_555_119,
    );
}

#[test]
fn documented_distances() {
    // DOCS geo-distance-point-to-polygon-function.md and
    // geo-closest-point-on-polygon-function.md.
    let x = vector::from_degrees(-73.9839, 40.7705);
    let d = distance_to_polygons(&parts(&central_park()), x).unwrap_or_default() * EARTH_RADIUS_M;
    assert!(close(d, 259.940_756_070_596, 1e-8), "{d}");
    assert_point(
        closest_point(&parts(&central_park()), x),
        -73.981_205_580_153_926,
        40.769_359_452_843_211,
    );
    // A point inside is its own closest point, at distance 0.
    let inside = vector::from_degrees(-73.965, 40.78);
    assert_eq!(closest_point(&parts(&central_park()), inside), Some(inside));
}

#[test]
fn documented_containment() {
    // DOCS geo-point-in-polygon-function.md: Manhattan with Central Park as a hole.
    let manhattan = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.92597198486328,40.87821814104651],[-73.94691467285156,40.85069618625578],[-73.94691467285156,40.841865966890786],[-74.01008605957031,40.7519385984599],[-74.01866912841797,40.704586878965245],[-74.01214599609375,40.699901911003046],[-73.99772644042969,40.70875101828792],[-73.97747039794922,40.71083299030839],[-73.97026062011719,40.7290474687069],[-73.97506713867186,40.734510840309376],[-73.970947265625,40.74543623770158],[-73.94210815429688,40.77586181063573],[-73.9434814453125,40.78080140115127],[-73.92974853515625,40.79691751000055],[-73.93077850341797,40.804454347291006],[-73.93489837646484,40.80965166748853],[-73.93524169921875,40.837190668541105],[-73.92288208007812,40.85770758108904],[-73.9101791381836,40.871728144624974],[-73.92597198486328,40.87821814104651]],[[-73.95824432373047,40.80071852197889],[-73.98206233978271,40.76815921628347],[-73.97309303283691,40.76422632379533],[-73.94914627075195,40.796949998204596],[-73.95824432373047,40.80071852197889]]]}),
    );
    let manhattan = parts(&manhattan);
    let at = |lng, lat| contains(&manhattan, vector::from_degrees(lng, lat));
    assert!(at(-73.985654, 40.748487), "Empire State Building");
    assert!(
        !at(-73.963249, 40.779525),
        "The Metropolitan Museum of Art, in the hole"
    );
    assert!(!at(-73.874367, 40.777356), "LaGuardia Airport");
}

#[test]
fn documented_densify() {
    // DOCS geo-polygon-densify-function.md: short edges stay; 1° edges along parallels
    // get three points each, meridians none.
    let ring = |p: &[(f64, f64)]| {
        p.iter()
            .map(|&(lng, lat)| LngLat { lng, lat })
            .collect::<Vec<_>>()
    };
    let park = ring(&[
        (-73.958244, 40.800719),
        (-73.949146, 40.79695),
        (-73.973093, 40.764226),
        (-73.982062, 40.768159),
    ]);
    assert_eq!(densify_path(&park, true, 10.0, false), Some(park.clone()));
    let square = ring(&[(10.0, 10.0), (11.0, 10.0), (11.0, 11.0), (10.0, 11.0)]);
    let want = ring(&[
        (10.0, 10.0),
        (10.25, 10.0),
        (10.5, 10.0),
        (10.75, 10.0),
        (11.0, 10.0),
        (11.0, 11.0),
        (10.75, 11.0),
        (10.5, 11.0),
        (10.25, 11.0),
        (10.0, 11.0),
    ]);
    assert_eq!(densify_path(&square, true, 10.0, false), Some(want));
    let json = geojson::polygons_json(&[Polygon {
        rings: vec![square],
    }]);
    assert_eq!(
        json.to_string(),
        r#"{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}"#
    );
}

#[test]
fn documented_simplify() {
    // DOCS geo-polygon-simplify-function.md: nine vertices within 10 m of each other's
    // chain become three.
    let p = polygons(
        json!({"type":"Polygon","coordinates":[[[-73.94885122776031,40.79673476355657],[-73.94885927438736,40.79692258628347],[-73.94887939095497,40.79692055577034],[-73.9488673210144,40.79693476936093],[-73.94888743758202,40.79693476936093],[-73.9488834142685,40.796959135509105],[-73.94890084862709,40.79695304397289],[-73.94906312227248,40.79710736271788],[-73.94923612475395,40.7968708081794],[-73.94885122776031,40.79673476355657]]]}),
    );
    let ring: Vec<V3> = p
        .first()
        .and_then(|p| p.rings.first())
        .map(|r| r.iter().map(|p| p.point()).collect())
        .unwrap_or_default();
    let s = simplify_ring(&ring, 10.0 / EARTH_RADIUS_M).unwrap_or_default();
    let got: Vec<(f64, f64)> = s
        .iter()
        .map(|p| lnglat(*p))
        .map(|p| (p.lng, p.lat))
        .collect();
    let want = [
        (-73.948_851_227_760_315, 40.796_734_763_556_572),
        (-73.949_063_122_272_477, 40.797_107_362_717_881),
        (-73.949_236_124_753_952, 40.796_870_808_179_4),
    ];
    assert_eq!(got.len(), 3, "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.0 - w.0).abs() < 1e-9 && (g.1 - w.1).abs() < 1e-9,
            "{got:?}"
        );
    }
    // A 1,000 km tolerance makes the polygon vanish.
    let big =
        polygons(json!({"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]}));
    let ring: Vec<V3> = big
        .first()
        .and_then(|p| p.rings.first())
        .map(|r| r.iter().map(|p| p.point()).collect())
        .unwrap_or_default();
    assert_eq!(simplify_ring(&ring, 1_000_000.0 / EARTH_RADIUS_M), None);
}

#[test]
fn planar_containment_reads_straight_edges() {
    let square =
        polygons(json!({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}));
    let p = square.first().cloned().unwrap_or_default();
    assert!(planar_contains(
        &p,
        LngLat {
            lng: 5.0,
            lat: 9.99
        }
    ));
    assert!(!planar_contains(
        &p,
        LngLat {
            lng: 5.0,
            lat: 10.01
        }
    ));
}
