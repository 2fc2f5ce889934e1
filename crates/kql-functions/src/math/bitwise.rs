//! Bitwise functions on `long` values: `binary_and`, `binary_or`, `binary_xor`,
//! `binary_not`, `binary_shift_left`, `binary_shift_right`, `bitset_count_ones`.
//!
//! Shifts move by `shift % 64` places and give null for a negative shift (DOCS
//! `binary-shift-left-function.md`); the right shift keeps the sign, as .NET's `>>` on a
//! `long` does.

use crate::registry::{ArgError, CheckResult, Function, FunctionKind, arg_type, cast_to};
use crate::udf::{arg, call_kernel, downcast, value_at};
use arrow::array::{ArrayRef, Int64Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// `f` over the `long` arguments of each row (one or two).
fn longs(args: &[ArrayRef], f: fn(i64, i64) -> Option<i64>) -> Result<ArrayRef> {
    let a = downcast::<Int64Array>(arg(args, 0)?.as_ref())?;
    let b = match args.get(1) {
        Some(b) => Some(downcast::<Int64Array>(b.as_ref())?),
        None => None,
    };
    let out: Int64Array = (0..a.len())
        .map(|i| {
            let y = match b {
                Some(b) => value_at(b, i)?,
                None => 0,
            };
            f(value_at(a, i)?, y)
        })
        .collect();
    Ok(Arc::new(out))
}

/// `value << (shift % 64)`; null for a negative shift.
pub fn shift_left(value: i64, shift: i64) -> Option<i64> {
    let by = u32::try_from(shift.checked_rem(64)?).ok()?;
    Some(value.wrapping_shl(by))
}

/// `value >> (shift % 64)`, keeping the sign; null for a negative shift.
pub fn shift_right(value: i64, shift: i64) -> Option<i64> {
    let by = u32::try_from(shift.checked_rem(64)?).ok()?;
    Some(value.wrapping_shr(by))
}

fn check_integers(args: &[crate::registry::Arg], n: usize) -> CheckResult {
    crate::registry::expect_count(args, n, n, if n == 1 { "1" } else { "2" })?;
    for (i, a) in args.iter().enumerate() {
        if !matches!(a.ty, ScalarType::Int | ScalarType::Long) {
            return Err(ArgError::Type {
                index: i,
                expected: "an integer",
                found: a.ty,
            });
        }
    }
    Ok(ScalarType::Long)
}

fn as_longs(exprs: Vec<Expr>, args: &[crate::registry::Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_to(e, arg_type(args, i), ScalarType::Long))
        .collect()
}

macro_rules! bitwise {
    ($name:literal, $n:expr, $f:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_integers(args, $n),
            lower: |exprs, args| {
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Int64,
                    true,
                    |a, _| longs(a, $f),
                    as_longs(exprs, args),
                ))
            },
        }
    };
}

/// The bitwise functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    bitwise!("binary_and", 2, |a, b| Some(a & b)),
    bitwise!("binary_or", 2, |a, b| Some(a | b)),
    bitwise!("binary_xor", 2, |a, b| Some(a ^ b)),
    bitwise!("binary_not", 1, |a, _| Some(!a)),
    bitwise!("binary_shift_left", 2, shift_left),
    bitwise!("binary_shift_right", 2, shift_right),
    bitwise!("bitset_count_ones", 1, |a, _| Some(i64::from(
        a.count_ones()
    ))),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{TArg, call};
    use arrow::array::AsArray;
    use arrow::datatypes::Int64Type;
    use datafusion::scalar::ScalarValue;

    fn long_of(name: &str, values: &[i64]) -> i64 {
        let args = values
            .iter()
            .map(|v| TArg::Lit(ScalarType::Long, ScalarValue::Int64(Some(*v))))
            .collect();
        let (ty, out) = call(name, args).unwrap();
        assert_eq!(ty, ScalarType::Long);
        out.as_primitive::<Int64Type>().value(0)
    }

    #[test]
    fn documented_bitwise() {
        // DOCS binary-and-function.md, binary-or-function.md, binary-xor-function.md,
        // binary-not-function.md, binary-shift-left-function.md,
        // binary-shift-right-function.md, bitset-count-ones-function.md.
        assert_eq!(long_of("binary_and", &[6, 3]), 2);
        assert_eq!(long_of("binary_or", &[5, 3]), 7);
        assert_eq!(long_of("binary_xor", &[1, 1]), 0);
        assert_eq!(long_of("binary_xor", &[1, 2]), 3);
        assert_eq!(long_of("binary_not", &[100]), -101);
        assert_eq!(long_of("binary_shift_left", &[1, 2]), 4);
        assert_eq!(long_of("binary_shift_right", &[1, 2]), 0);
        assert_eq!(long_of("bitset_count_ones", &[42]), 3);
        // shift % 64; null for a negative shift; the right shift keeps the sign.
        assert_eq!(shift_left(1, 65), Some(2));
        assert_eq!(shift_left(1, -1), None);
        assert_eq!(shift_right(-16, 2), Some(-4));
    }
}
