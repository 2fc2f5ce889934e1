//! Element-wise series functions over `dynamic` arrays of numbers.
//!
//! * One series: `series_abs`, `series_sign`, `series_floor`, `series_ceiling` (integers stay
//!   integers), and `series_exp`, `series_log`, `series_sin`, `series_cos`, `series_tan`,
//!   `series_asin`, `series_acos`, `series_atan` (reals).
//! * Two series, or a series and a number: `series_add`, `series_subtract`,
//!   `series_multiply` (integers stay integers while they fit), `series_divide` and
//!   `series_pow` (reals, "even if the inputs are integers", DOCS
//!   `series-divide-function.md`), and the comparisons `series_greater`,
//!   `series_greater_equals`, `series_less`, `series_less_equals`, `series_equals`,
//!   `series_not_equals` (booleans).
//!
//! "Any non-numeric element or non-existing element (arrays of different sizes) yields a
//! `null` element value" (DOCS `series-subtract-function.md`): the result is as long as the
//! longer input. A first argument that is not an array gives null.

use serde_json::{Number, Value as Json};

/// A numeric element: an integer when it is one, otherwise a real.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Num {
    Int(i64),
    Real(f64),
}

impl Num {
    pub(super) fn of(v: &Json) -> Option<Num> {
        let n = v.as_number()?;
        Some(match n.as_i64() {
            Some(i) => Num::Int(i),
            None => Num::Real(n.as_f64()?),
        })
    }

    pub(super) fn real(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Real(r) => r,
        }
    }
}

/// JSON for a real result: non-finite values, which JSON cannot hold, are null.
fn real_json(x: f64) -> Json {
    Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// The operations on one element.
#[derive(Debug, Clone, Copy)]
pub(super) enum Unary {
    Abs,
    Sign,
    Floor,
    Ceiling,
    Real(fn(f64) -> f64),
}

fn unary_one(op: Unary, n: Num) -> Json {
    match (op, n) {
        (Unary::Abs, Num::Int(i)) => i.checked_abs().map_or(Json::Null, Json::from),
        (Unary::Sign, Num::Int(i)) => Json::from(i.signum()),
        (Unary::Floor | Unary::Ceiling, Num::Int(i)) => Json::from(i),
        (Unary::Abs, Num::Real(r)) => real_json(r.abs()),
        (Unary::Sign, Num::Real(r)) => real_json(if r == 0.0 { 0.0 } else { r.signum() }),
        (Unary::Floor, Num::Real(r)) => real_json(r.floor()),
        (Unary::Ceiling, Num::Real(r)) => real_json(r.ceil()),
        (Unary::Real(f), n) => real_json(f(n.real())),
    }
}

/// A one-series function.
pub(super) fn unary(args: &[Json], op: Unary) -> Option<Json> {
    let Json::Array(items) = args.first()? else {
        return None;
    };
    Some(Json::Array(
        items
            .iter()
            .map(|v| Num::of(v).map_or(Json::Null, |n| unary_one(op, n)))
            .collect(),
    ))
}

/// The operations on a pair of elements.
#[derive(Debug, Clone, Copy)]
pub(super) enum Binary {
    Add,
    Subtract,
    Multiply,
    Divide,
    Pow,
    Compare(fn(f64, f64) -> bool),
}

fn binary_one(op: Binary, a: Num, b: Num) -> Json {
    let ints = match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some((x, y)),
        _ => None,
    };
    let (x, y) = (a.real(), b.real());
    match op {
        Binary::Add => ints
            .and_then(|(x, y)| x.checked_add(y))
            .map_or_else(|| real_json(x + y), Json::from),
        Binary::Subtract => ints
            .and_then(|(x, y)| x.checked_sub(y))
            .map_or_else(|| real_json(x - y), Json::from),
        Binary::Multiply => ints
            .and_then(|(x, y)| x.checked_mul(y))
            .map_or_else(|| real_json(x * y), Json::from),
        Binary::Divide => real_json(x / y),
        Binary::Pow => real_json(x.powf(y)),
        Binary::Compare(f) => Json::Bool(f(x, y)),
    }
}

/// A two-series function; the second argument may be a number, applied to every element.
pub(super) fn binary(args: &[Json], op: Binary) -> Option<Json> {
    let Json::Array(a) = args.first()? else {
        return None;
    };
    let second = args.get(1)?;
    let at = |i: usize| -> Option<Num> {
        match second {
            Json::Array(b) => b.get(i).and_then(Num::of),
            other => Num::of(other),
        }
    };
    let len = match second {
        Json::Array(b) => a.len().max(b.len()),
        _ => a.len(),
    };
    Some(Json::Array(
        (0..len)
            .map(|i| match (a.get(i).and_then(Num::of), at(i)) {
                (Some(x), Some(y)) => binary_one(op, x, y),
                _ => Json::Null,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_elementwise() {
        // DOCS series-abs-function.md and series-sign-function.md.
        assert_eq!(
            unary(&[json!([-6.5, 0, 8.2])], Unary::Abs),
            Some(json!([6.5, 0, 8.2]))
        );
        assert_eq!(
            unary(&[json!([-6, 0, 8])], Unary::Sign),
            Some(json!([-1, 0, 1]))
        );
        // DOCS series-floor-function.md, series-ceiling-function.md: non-numbers are null.
        assert_eq!(
            unary(&[json!([-1.5, 2.5, "x"])], Unary::Floor),
            Some(json!([-2.0, 2.0, null]))
        );
        assert_eq!(unary(&[json!([1.2])], Unary::Ceiling), Some(json!([2.0])));
        assert_eq!(
            unary(&[json!([0])], Unary::Real(f64::exp)),
            Some(json!([1.0]))
        );
        assert_eq!(unary(&[json!("x")], Unary::Abs), None);
        // DOCS series-subtract-function.md.
        assert_eq!(
            binary(&[json!([1, 2, 4]), json!([4, 2, 1])], Binary::Subtract),
            Some(json!([-3, 0, 3]))
        );
        // DOCS series-divide-function.md: reals, even from integers.
        assert_eq!(
            binary(&[json!([1, 2, 4]), json!([4, 2, 1])], Binary::Divide),
            Some(json!([0.25, 1.0, 4.0]))
        );
        // DOCS series-pow-function.md.
        assert_eq!(
            binary(&[json!([1, 2, 3, 4]), json!([1, 2, 3, 0.5])], Binary::Pow),
            Some(json!([1.0, 4.0, 27.0, 2.0]))
        );
        // DOCS series-greater-function.md.
        assert_eq!(
            binary(
                &[json!([1, 2, 4]), json!([4, 2, 1])],
                Binary::Compare(|a, b| a > b)
            ),
            Some(json!([false, false, true]))
        );
        // A number as the second argument; arrays of different sizes give nulls.
        assert_eq!(
            binary(&[json!([1, 2]), json!(10)], Binary::Add),
            Some(json!([11, 12]))
        );
        assert_eq!(
            binary(&[json!([1, 2, 3]), json!([1])], Binary::Multiply),
            Some(json!([1, null, null]))
        );
        assert_eq!(real_json(f64::NAN), Json::Null);
    }
}
