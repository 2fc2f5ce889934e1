//! Unit conversions: `convert_angle`, `convert_energy`, `convert_force`, `convert_length`,
//! `convert_mass`, `convert_speed`, `convert_temperature` and `convert_volume`
//! (DOCS `convert-*-function.md`).
//!
//! `convert_x(value, from, to)` converts `value` from unit `from` to unit `to`, both named as
//! the page's "Conversion units" list spells them (names are matched exactly, as Kusto
//! offers them). "Invalid units return `null`", and so does a null value. The value goes
//! through the quantity's base unit, as UnitsNet (whose unit names Kusto uses) converts:
//! `to(from(value))`; the factors are in [`tables`].

mod tables;

use crate::registry::{
    Arg, ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, is_numeric,
};
use crate::strings::string_arg;
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, Float64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// How a unit converts to its quantity's base unit.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    /// `base = x × f`.
    Mul(f64),
    /// `base = x ÷ f` (UnitsNet defines some units by the inverse factor; dividing keeps
    /// the results rounding as Kusto's do).
    Div(f64),
    /// `base = x × num ÷ den + offset`, and back `x = (base - offset) × den ÷ num`
    /// (temperatures; in UnitsNet's order of operations, so that 100 °C is exactly 212 °F).
    Affine(f64, f64, f64),
    /// Tilt, the sine of the angle: `base (degrees) = asin(x)`.
    Tilt,
}

/// One unit: its name, its rule and a metric prefix (1 when it has none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    name: &'static str,
    rule: Rule,
    prefix: f64,
}

/// An unprefixed unit.
const fn u(name: &'static str, rule: Rule) -> Unit {
    Unit {
        name,
        rule,
        prefix: 1.0,
    }
}

impl Unit {
    /// The unit scaled by a metric prefix (`Kilojoule` is `Joule` × 1e3).
    const fn prefixed(self, prefix: f64) -> Unit {
        Unit { prefix, ..self }
    }

    fn base_value(self, x: f64) -> f64 {
        let base = match self.rule {
            Rule::Mul(f) => x * f,
            Rule::Div(f) => x / f,
            Rule::Affine(num, den, offset) => x * num / den + offset,
            Rule::Tilt => x.asin().to_degrees(),
        };
        base * self.prefix
    }

    fn unit_value(self, base: f64) -> f64 {
        let x = match self.rule {
            Rule::Mul(f) => base / f,
            Rule::Div(f) => base * f,
            Rule::Affine(num, den, offset) => (base - offset) * den / num,
            Rule::Tilt => base.to_radians().sin(),
        };
        x / self.prefix
    }
}

/// `value` converted between two units of `units`; `None` when either name is unknown.
pub(crate) fn convert(units: &[Unit], value: f64, from: &str, to: &str) -> Option<f64> {
    let find = |name: &str| units.iter().find(|u| u.name == name).copied();
    let (from, to) = (find(from)?, find(to)?);
    Some(to.unit_value(from.base_value(value)))
}

/// A number and two unit names.
fn check_convert(args: &[Arg]) -> CheckResult {
    expect_count(args, 3, 3, "3")?;
    if !is_numeric(arg_type(args, 0)) {
        return Err(ArgError::Type {
            index: 0,
            expected: "a number",
            found: arg_type(args, 0),
        });
    }
    for i in 1..3 {
        if arg_type(args, i) != ScalarType::String {
            return Err(ArgError::Type {
                index: i,
                expected: "string (a unit name)",
                found: arg_type(args, i),
            });
        }
    }
    Ok(ScalarType::Real)
}

fn convert_kernel(args: &[ArrayRef], rows: usize, units: &[Unit]) -> Result<ArrayRef> {
    let value = downcast::<Float64Array>(arg(args, 0)?.as_ref())?;
    let (from, to) = (string_arg(args, 1)?, string_arg(args, 2)?);
    let out: Float64Array = (0..rows)
        .map(|i| convert(units, value_at(value, i)?, from.get_opt(i)?, to.get_opt(i)?))
        .collect();
    Ok(Arc::new(out))
}

fn lower_args(mut exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    if let Some(first) = exprs.first_mut() {
        *first = cast_to(first.clone(), arg_type(args, 0), ScalarType::Real);
    }
    exprs
}

macro_rules! convert_function {
    ($name:literal, $units:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: check_convert,
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Float64,
                    true,
                    |a, r| convert_kernel(a, r, $units),
                    lower_args(exprs, args),
                ))
            },
        }
    };
}

/// The unit conversion functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    convert_function!("convert_angle", tables::ANGLE),
    convert_function!("convert_energy", tables::ENERGY),
    convert_function!("convert_force", tables::FORCE),
    convert_function!("convert_length", tables::LENGTH),
    convert_function!("convert_mass", tables::MASS),
    convert_function!("convert_speed", tables::SPEED),
    convert_function!("convert_temperature", tables::TEMPERATURE),
    convert_function!("convert_volume", tables::VOLUME),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{TArg, call};
    use arrow::array::{Array, AsArray, StringArray};
    use arrow::datatypes::Float64Type;
    use datafusion::scalar::ScalarValue;

    /// `to` within the precision the page prints: `digits` decimals.
    fn documented(units: &[Unit], from: &str, to: &str, printed: f64, digits: i32) {
        let got = convert(units, 1.2, from, to).unwrap_or(f64::NAN);
        let scale = 10f64.powi(digits);
        assert_eq!(
            (got * scale).round() / scale,
            printed,
            "1.2 {from} in {to} is {got}"
        );
    }

    #[test]
    fn the_documented_examples() {
        // Each convert-*-function.md converts 1.2 of a unit.
        documented(tables::ANGLE, "Degree", "Arcminute", 72.0, 10);
        documented(
            tables::ENERGY,
            "Joule",
            "BritishThermalUnit",
            0.00113738054437598,
            17,
        );
        documented(tables::FORCE, "Newton", "Decanewton", 0.12, 12);
        documented(tables::LENGTH, "Meter", "Foot", 3.93700787401575, 14);
        documented(tables::MASS, "Kilogram", "Pound", 2.64554714621853, 14);
        documented(
            tables::SPEED,
            "MeterPerSecond",
            "CentimeterPerHour",
            432000.0,
            6,
        );
        documented(tables::TEMPERATURE, "Kelvin", "DegreeCelsius", -271.95, 10);
        documented(tables::VOLUME, "CubicMeter", "AcreFoot", 0.0009728568, 10);
    }

    #[test]
    fn every_documented_unit_is_known_once() {
        // The "Conversion units" lists of the eight pages: 16, 36, 15, 36, 25, 32, 10 and
        // 52 units.
        let counts = [
            (tables::ANGLE, 16),
            (tables::ENERGY, 36),
            (tables::FORCE, 15),
            (tables::LENGTH, 36),
            (tables::MASS, 25),
            (tables::SPEED, 32),
            (tables::TEMPERATURE, 10),
            (tables::VOLUME, 52),
        ];
        for (units, n) in counts {
            assert_eq!(units.len(), n);
            let mut names: Vec<_> = units.iter().map(|u| u.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n);
            // Every unit converts to itself and back.
            for u in units {
                let back = convert(units, 0.5, u.name, u.name).unwrap_or(f64::NAN);
                assert!((back - 0.5).abs() < 1e-9, "{}", u.name);
            }
        }
    }

    #[test]
    fn conversions_by_definition() {
        let c = |units, from, to, x| convert(units, x, from, to).unwrap_or(f64::NAN);
        // 100 °C is 212 °F (exactly, in UnitsNet's order of operations) and 373.15 K; a
        // kilometer is 1000 meters; a right angle is a quarter revolution and 100 gradians;
        // a tilt of 0.5 is 30 degrees.
        let f = c(
            tables::TEMPERATURE,
            "DegreeCelsius",
            "DegreeFahrenheit",
            100.0,
        );
        assert_eq!(f, 212.0);
        assert!((c(tables::TEMPERATURE, "DegreeCelsius", "Kelvin", 100.0) - 373.15).abs() < 1e-9);
        assert!((c(tables::LENGTH, "Kilometer", "Meter", 1.0) - 1000.0).abs() < 1e-9);
        assert!((c(tables::ANGLE, "Degree", "Revolution", 90.0) - 0.25).abs() < 1e-12);
        assert!((c(tables::ANGLE, "Degree", "Gradian", 90.0) - 100.0).abs() < 1e-9);
        assert!((c(tables::ANGLE, "Tilt", "Degree", 0.5) - 30.0).abs() < 1e-9);
        assert!((c(tables::MASS, "Kilogram", "Gram", 1.0) - 1000.0).abs() < 1e-9);
        assert!((c(tables::VOLUME, "Liter", "Milliliter", 1.0) - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn unknown_units_and_nulls_give_null() {
        assert_eq!(convert(tables::LENGTH, 1.0, "Meter", "Furlong"), None);
        assert_eq!(convert(tables::LENGTH, 1.0, "meter", "Foot"), None);
        assert_eq!(convert(tables::MASS, 1.0, "Meter", "Foot"), None);
        let (ty, out) = call(
            "convert_length",
            vec![
                TArg::Col(
                    ScalarType::Real,
                    Arc::new(Float64Array::from(vec![Some(1.2), None, Some(1.0)])),
                ),
                TArg::Lit(ScalarType::String, ScalarValue::from("Meter")),
                TArg::Col(
                    ScalarType::String,
                    Arc::new(StringArray::from(vec!["Foot", "Foot", "Parsnip"])),
                ),
            ],
        )
        .unwrap();
        assert_eq!(ty, ScalarType::Real);
        let out = out.as_primitive::<Float64Type>();
        assert!((out.value(0) - 3.93700787401575).abs() < 1e-12);
        assert!(out.is_null(1));
        assert!(out.is_null(2));
        // Integers are numbers too; a unit that is not a string is a type error.
        let (_, out) = call(
            "convert_mass",
            vec![
                TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                TArg::Lit(ScalarType::String, ScalarValue::from("Kilogram")),
                TArg::Lit(ScalarType::String, ScalarValue::from("Gram")),
            ],
        )
        .unwrap();
        assert!((out.as_primitive::<Float64Type>().value(0) - 2000.0).abs() < 1e-9);
        assert!(
            call(
                "convert_mass",
                vec![
                    TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(2))),
                    TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(1))),
                    TArg::Lit(ScalarType::String, ScalarValue::from("Gram")),
                ],
            )
            .is_err()
        );
    }
}
