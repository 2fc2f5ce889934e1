//! `parse_version(version)` (DOCS `parse-version-function.md`): a version string of one to
//! four dot-separated parts, each of up to eight digits, as one `decimal` that compares
//! the way the versions do. Each part takes eight decimal digits, the first part the most
//! significant, and missing parts are trailing zeros (`1.0` = `1.0.0.0`): `0.0.7.0` is
//! 700,000,000 and `1.2.3.4` is 1,000,000,020,000,000,300,000,004. Anything else is null.
//!
//! The value needs up to 32 integer digits, more than kqlhunt's usual `decimal` layout
//! (`Decimal128(38, 18)`, 20 integer digits) holds, so the result is a `Decimal128(38, 0)`:
//! still a KQL `decimal`, compared and sorted exactly, and printed as the page prints it.

use crate::registry::{Function, FunctionKind, arg_type, expect_count};
use crate::strings::string_arg;
use crate::text::text_arg;
use crate::udf::call_kernel;
use arrow::array::{ArrayRef, Decimal128Array};
use arrow::datatypes::DataType;
use datafusion::error::Result;
use kql_syntax::ScalarType;
use std::sync::Arc;

/// The Arrow type of `parse_version`'s result (see the module documentation).
pub const VERSION_TYPE: DataType = DataType::Decimal128(38, 0);

/// The version number of `text`, or `None` when it is not a version.
pub fn parse_version(text: &str) -> Option<i128> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut value: i128 = 0;
    for i in 0..4 {
        let part = match parts.get(i) {
            Some(p) if !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<i128>().ok()?
            }
            Some(_) => return None,
            None => 0,
        };
        value = value * 100_000_000 + part;
    }
    Some(value)
}

fn kernel(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    let out: Decimal128Array = (0..rows).map(|i| parse_version(s.get(i))).collect();
    Ok(Arc::new(out.with_precision_and_scale(38, 0)?))
}

/// `parse_version`.
pub(crate) static FUNCTIONS: &[Function] = &[Function {
    name: "parse_version",
    aliases: &[],
    kind: FunctionKind::Scalar,
    check: |args| {
        expect_count(args, 1, 1, "1")?;
        Ok(ScalarType::Decimal)
    },
    lower: |mut exprs, args| {
        let e = exprs
            .pop()
            .map(|e| text_arg(e, arg_type(args, 0)))
            .into_iter()
            .collect();
        Ok(call_kernel(
            "parse_version",
            "",
            VERSION_TYPE,
            true,
            kernel,
            e,
        ))
    },
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Arg, lookup};
    use crate::test_util::eval;
    use arrow::array::{Array, StringArray};
    use datafusion::logical_expr::col;

    #[test]
    fn documented_versions() {
        // parse-version-function.md, first example.
        let cases: [(&str, i128); 7] = [
            ("0.0.0.5", 5),
            ("0.0.7.0", 700_000_000),
            ("0.0.3", 300_000_000),
            ("0.2", 20_000_000_000_000_000),
            ("0.1.2.0", 10_000_000_200_000_000),
            ("1.2.3.4", 1_000_000_020_000_000_300_000_004),
            ("1", 1_000_000_000_000_000_000_000_000),
        ];
        for (text, want) in cases {
            assert_eq!(parse_version(text), Some(want), "{text}");
        }
        // "1.0 == 1.0.0.0", and the largest version fits.
        assert_eq!(parse_version("1.0"), parse_version("1.0.0.0"));
        assert_eq!(
            parse_version("99999999.99999999.99999999.99999999"),
            Some(99_999_999_999_999_999_999_999_999_999_999)
        );
    }

    #[test]
    fn malformed_versions_are_null() {
        for text in [
            "",
            "1.2.3.4.5",
            "123456789",
            "1..2",
            "1.a",
            "-1",
            "1.2.",
            "v1.2",
        ] {
            assert_eq!(parse_version(text), None, "{text:?}");
        }
    }

    #[test]
    fn through_the_registry() {
        let f = lookup("parse_version").unwrap();
        assert_eq!(
            (f.check)(&[Arg::of(ScalarType::String)]),
            Ok(ScalarType::Decimal)
        );
        let expr = (f.lower)(vec![col("c0")], &[Arg::of(ScalarType::String)]).unwrap();
        let input: ArrayRef = Arc::new(StringArray::from(vec![Some("1.2"), Some("x"), None]));
        let out = eval(&expr, &[input], 3).unwrap();
        assert_eq!(out.data_type(), &VERSION_TYPE);
        let out = out.as_any().downcast_ref::<Decimal128Array>().unwrap();
        assert_eq!(out.value(0), 1_000_000_020_000_000_000_000_000);
        assert!(out.is_null(1));
        assert!(out.is_null(2));
    }
}
