//! Geospatial functions: point measures (`geo_distance_2points`, `geo_point_in_circle`,
//! `geo_azimuth`, `geo_angle`: [`sphere`]), the three cell grids (geohash: [`geohash`]; H3:
//! [`h3`]; S2: [`s2`], [`cells`]), GeoJSON lines and polygons ([`geojson`] reads and writes
//! them; [`line`], [`polygon`], [`overlay`] and [`buffer`] compute; [`shapes`] registers
//! them) and `geo_from_wkt` ([`wkt`]).
//!
//! Shapes live on a sphere with geodesic edges, as in Kusto; [`vector`] holds the
//! unit-vector geometry they share. Invalid input gives null (`""` for functions returning
//! a cell token), as every page says.

pub mod buffer;
pub mod cells;
pub mod geohash;
pub mod geojson;
pub mod h3;
mod kernel;
pub mod line;
pub mod overlay;
pub mod polygon;
pub mod s2;
pub mod shapes;
pub mod sphere;
pub mod vector;
pub mod wkt;

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, is_numeric,
};
use crate::strings::{build_strings, string_arg};
use crate::text::text_arg;
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, BooleanArray, Float64Array, StringArray};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use serde_json::Value as Json;
use sphere::Point;
use std::sync::Arc;

/// The `real` arguments of row `i`; `None` if one is null.
fn reals(columns: &[&Float64Array], i: usize) -> Option<Vec<f64>> {
    columns.iter().map(|c| value_at(c, i)).collect()
}

fn real_columns(args: &[ArrayRef], n: usize) -> Result<Vec<&Float64Array>> {
    (0..n.min(args.len()))
        .map(|i| downcast::<Float64Array>(arg(args, i)?.as_ref()))
        .collect()
}

/// The points given as longitude/latitude pairs.
fn points(v: &[f64]) -> Option<Vec<Point>> {
    v.chunks(2)
        .map(|c| match c {
            [lng, lat] => Point::new(*lng, *lat),
            _ => None,
        })
        .collect()
}

/// A `real` result from the points (and any further numbers) of each row.
fn real_kernel(args: &[ArrayRef], n: usize, f: fn(&[f64]) -> Option<f64>) -> Result<ArrayRef> {
    let columns = real_columns(args, n)?;
    let rows = columns.first().map_or(0, |c| c.len());
    let out: Float64Array = (0..rows).map(|i| f(&reals(&columns, i)?)).collect();
    Ok(Arc::new(out))
}

fn distance_2points(v: &[f64]) -> Option<f64> {
    let p = points(v.get(..4)?)?;
    Some(sphere::distance(*p.first()?, *p.get(1)?))
}

fn azimuth(v: &[f64]) -> Option<f64> {
    let p = points(v)?;
    sphere::azimuth(*p.first()?, *p.get(1)?)
}

fn angle(v: &[f64]) -> Option<f64> {
    let p = points(v)?;
    sphere::angle(*p.first()?, *p.get(1)?, *p.get(2)?)
}

/// `geo_point_in_circle(lng, lat, center_lng, center_lat, radius)`: null for invalid
/// coordinates or a radius that is not positive.
fn point_in_circle_kernel(args: &[ArrayRef], _: usize) -> Result<ArrayRef> {
    let columns = real_columns(args, 5)?;
    let rows = columns.first().map_or(0, |c| c.len());
    let out: BooleanArray = (0..rows)
        .map(|i| {
            let v = reals(&columns, i)?;
            let p = points(v.get(..4)?)?;
            let (a, b, radius) = (*p.first()?, *p.get(1)?, *v.get(4)?);
            (radius > 0.0).then(|| sphere::distance(a, b) <= radius)
        })
        .collect();
    Ok(Arc::new(out))
}

/// `geo_point_to_geohash(lng, lat[, accuracy])`: `""` when invalid.
fn point_to_geohash_kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let columns = real_columns(args, 3)?;
    Ok(build_strings(rows, |i, out| {
        let Some(v) = reals(&columns, i) else {
            return;
        };
        let accuracy = v.get(2).copied().unwrap_or(5.0);
        if accuracy.fract() != 0.0 || !(1.0..=18.0).contains(&accuracy) {
            return;
        }
        if let (Some(&lng), Some(&lat)) = (v.first(), v.get(1))
            && let Some(h) = geohash::encode(lng, lat, accuracy as usize)
        {
            out.push_str(&h);
        }
    }))
}

/// A `dynamic` result from each row's geohash.
fn geohash_kernel(args: &[ArrayRef], rows: usize, f: fn(&str) -> Option<Json>) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: StringArray = (0..rows)
        .map(|i| f(s.get(i)).map(|j| j.to_string()))
        .collect();
    Ok(Arc::new(out))
}

/// `min..=max` numbers, read as `real`.
fn check_numbers(
    args: &[Arg],
    min: usize,
    max: usize,
    expected: &'static str,
    result: ScalarType,
) -> CheckResult {
    expect_count(args, min, max, expected)?;
    for (i, a) in args.iter().enumerate() {
        if !is_numeric(a.ty) {
            return Err(ArgError::Type {
                index: i,
                expected: "a number",
                found: a.ty,
            });
        }
    }
    Ok(result)
}

fn as_reals(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ScalarType::Real))
        .collect()
}

macro_rules! numeric {
    ($name:literal, $min:expr, $max:expr, $expected:literal, $ty:expr, $ret:expr, $kernel:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_numbers(args, $min, $max, $expected, $ty),
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    $ret,
                    $ty != ScalarType::String,
                    $kernel,
                    as_reals(exprs, args),
                ))
            },
        }
    };
}

macro_rules! from_geohash {
    ($name:literal, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| {
                expect_count(args, 1, 1, "1")?;
                Ok(ScalarType::Dynamic)
            },
            lower: |exprs, args| {
                let exprs = exprs
                    .into_iter()
                    .map(|e| text_arg(e, arg_type(args, 0)))
                    .collect();
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Utf8,
                    true,
                    |a, r| geohash_kernel(a, r, $f),
                    exprs,
                ))
            },
        }
    };
}

/// `geo_distance_2points(lng1, lat1, lng2, lat2[, use_spheroid])`: the optional flag is
/// accepted and the distance is always measured on the sphere, the documented default.
fn check_distance(args: &[Arg]) -> CheckResult {
    expect_count(args, 4, 5, "4 or 5")?;
    crate::registry::expect_type(args, 4, &[ScalarType::Bool], "bool")?;
    check_numbers(args.get(..4).unwrap_or(args), 4, 4, "4", ScalarType::Real)
}

/// The point and geohash functions.
const BASE: [Function; 8] = [
    Function {
        name: "geo_distance_2points",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: check_distance,
        lower: |mut exprs, args| {
            exprs.truncate(4);
            Ok(call_kernel(
                "geo_distance_2points",
                "",
                DataType::Float64,
                true,
                |a, _| real_kernel(a, 4, distance_2points),
                as_reals(exprs, args),
            ))
        },
    },
    numeric!(
        "geo_point_in_circle",
        5,
        5,
        "5",
        ScalarType::Bool,
        DataType::Boolean,
        point_in_circle_kernel
    ),
    numeric!(
        "geo_azimuth",
        4,
        4,
        "4",
        ScalarType::Real,
        DataType::Float64,
        |a, _| real_kernel(a, 4, azimuth)
    ),
    numeric!(
        "geo_angle",
        6,
        6,
        "6",
        ScalarType::Real,
        DataType::Float64,
        |a, _| real_kernel(a, 6, angle)
    ),
    numeric!(
        "geo_point_to_geohash",
        2,
        3,
        "2 or 3",
        ScalarType::String,
        DataType::Utf8,
        point_to_geohash_kernel
    ),
    from_geohash!("geo_geohash_to_central_point", geohash::central_point),
    from_geohash!("geo_geohash_to_polygon", geohash::polygon),
    from_geohash!("geo_geohash_neighbors", |h| geohash::neighbors(h)
        .map(Json::from)),
];

const WKT: [Function; 1] = [kernel::geo_fn!(
    "geo_from_wkt",
    [Str],
    1,
    Dynamic,
    |r: &kernel::Rows| { kernel::dynamics(r, |r, i| wkt::from_wkt(r.text(0, i))) }
)];

const PARTS: [&[Function]; 7] = [
    &BASE,
    &WKT,
    &h3::FUNCTIONS,
    &cells::FUNCTIONS,
    &shapes::FUNCTIONS,
    &buffer::FUNCTIONS,
    &[],
];

const COUNT: usize = {
    let mut n = 0;
    let mut k = 0;
    while k < PARTS.len() {
        n += PARTS[k].len();
        k += 1;
    }
    n
};

/// The tables of the submodules as one, at compile time.
const ALL: [Function; COUNT] = {
    let mut out = [BASE[0]; COUNT];
    let (mut n, mut k) = (0, 0);
    while k < PARTS.len() {
        let mut i = 0;
        while i < PARTS[k].len() {
            out[n] = PARTS[k][i];
            n += 1;
            i += 1;
        }
        k += 1;
    }
    out
};

/// The geospatial functions.
pub(crate) static FUNCTIONS: &[Function] = &ALL;

#[cfg(test)]
mod registry_tests;

#[cfg(test)]
mod tests {
    use crate::test_util::{TArg, call};
    use arrow::array::{Array, AsArray, Float64Array};
    use datafusion::scalar::ScalarValue;
    use kql_syntax::ScalarType as T;
    use std::sync::Arc;

    fn real(v: f64) -> TArg {
        TArg::Lit(T::Real, ScalarValue::Float64(Some(v)))
    }

    fn reals(v: &[f64]) -> TArg {
        TArg::Col(T::Real, Arc::new(Float64Array::from(v.to_vec())))
    }

    #[test]
    fn geospatial_through_the_registry() {
        // DOCS geo-distance-2points-function.md: Seattle to Los Angeles; null for an
        // invalid longitude.
        let (ty, out) = call(
            "geo_distance_2points",
            vec![
                real(-122.407628),
                real(47.578557),
                real(-118.275287),
                real(34.019056),
            ],
        )
        .unwrap();
        assert_eq!(ty, T::Real);
        let d = out.as_primitive::<arrow::datatypes::Float64Type>().value(0);
        assert!((d - 1_546_754.351_973_81).abs() < 1e-6);
        let (_, out) = call(
            "geo_distance_2points",
            vec![real(300.0), real(1.0), real(1.0), real(1.0)],
        )
        .unwrap();
        assert!(out.is_null(0));
        // DOCS geo-point-in-circle-function.md: of the five places, Seattle, Kirkland and
        // Redmond are within 18 km; and the single-point example.
        let (ty, out) = call(
            "geo_point_in_circle",
            vec![
                reals(&[
                    -122.317404,
                    -123.497688,
                    -122.201741,
                    -122.443663,
                    -122.121975,
                ]),
                reals(&[47.609119, 47.458098, 47.677084, 47.247092, 47.671345]),
                real(-122.317404),
                real(47.609119),
                real(18000.0),
            ],
        )
        .unwrap();
        assert_eq!(ty, T::Bool);
        let got: Vec<Option<bool>> = out.as_boolean().iter().collect();
        assert_eq!(
            got,
            [Some(true), Some(false), Some(true), Some(false), Some(true)]
        );
        let (_, out) = call(
            "geo_point_in_circle",
            vec![
                real(-122.143564),
                real(47.535677),
                real(-122.100896),
                real(47.527351),
                real(3500.0),
            ],
        )
        .unwrap();
        assert!(out.as_boolean().value(0));
        // DOCS geo-point-to-geohash-function.md, with an int accuracy.
        let (ty, out) = call(
            "geo_point_to_geohash",
            vec![
                real(-80.195829),
                real(25.802215),
                TArg::Lit(T::Int, ScalarValue::Int32(Some(8))),
            ],
        )
        .unwrap();
        assert_eq!(ty, T::String);
        assert_eq!(out.as_string::<i32>().value(0), "dhwfz15h");
        // DOCS geo-geohash-neighbors-function.md.
        let (ty, out) = call(
            "geo_geohash_neighbors",
            vec![TArg::Lit(T::String, ScalarValue::from("sunny"))],
        )
        .unwrap();
        assert_eq!(ty, T::Dynamic);
        assert_eq!(
            out.as_string::<i32>().value(0),
            r#"["sunnt","sunpj","sunnx","sunpn","sunnv","sunpp","sunnz","sunnw"]"#
        );
    }
}
