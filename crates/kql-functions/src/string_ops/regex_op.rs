//! `matches regex`: "LHS contains a match for RHS", an unanchored, case-sensitive search in
//! the Rust `regex` dialect Kusto itself uses (DOCS `matches-regex-operator.md`, `regex.md`).
//!
//! Like the other string operators, a null haystack is `""` and the result is never null, so
//! `not(x matches regex p)` keeps the rows where `x` is missing.

use crate::strings::{bool_array, map_strings_to_bool};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use regex::Regex;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Builds `haystack matches regex "pattern"`, the pattern compiled once; an invalid
/// pattern is an error for the binder to report at the pattern.
pub fn regex_predicate(haystack: Expr, pattern: &str) -> std::result::Result<Expr, regex::Error> {
    let udf = RegexMatchUdf {
        name: format!("matches_regex[{pattern:?}]"),
        // Octal escapes (`\0`, `\123`) are part of the documented dialect (DOCS `regex.md`).
        regex: regex::RegexBuilder::new(&crate::translate_re2(pattern))
            .octal(true)
            .build()?,
        signature: Signature::any(1, Volatility::Immutable),
    };
    Ok(ScalarUDF::new_from_impl(udf).call(vec![haystack]))
}

/// `haystack matches regex <constant pattern>`.
#[derive(Debug)]
pub struct RegexMatchUdf {
    /// Carries the pattern, for `explain` and distinct column names.
    name: String,
    regex: Regex,
    signature: Signature,
}

// The name holds the pattern, so it identifies the function.
impl PartialEq for RegexMatchUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for RegexMatchUdf {}
impl Hash for RegexMatchUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for RegexMatchUdf {
    fn name(&self) -> &str {
        &self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new("", DataType::Boolean, false)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [hay] = args.args.as_slice() else {
            return Err(DataFusionError::Internal(
                "matches regex expects 1 argument".into(),
            ));
        };
        map_strings_to_bool(hay, args.number_rows, |strings| {
            bool_array(strings, |h| self.regex.is_match(h))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{invoke_bools, string_layouts};
    use datafusion::logical_expr::col;

    #[test]
    fn unanchored_case_sensitive_search() {
        // DOCS matches-regex-operator.md: State matches regex "K.*S" returns KANSAS,
        // ARKANSAS, LAKE SUPERIOR, LAKE ST CLAIR; datatypes-string-operators.md:
        // "Fabrikam" matches regex "b.*k".
        let e = regex_predicate(col("h"), "K.*S").unwrap();
        let states = [
            Some("KANSAS"),
            Some("ARKANSAS"),
            Some("LAKE SUPERIOR"),
            Some("LAKE ST CLAIR"),
            Some("FLORIDA"),
            Some("kansas"),
            None,
        ];
        for layout in string_layouts(&states) {
            assert_eq!(
                invoke_bools(&e, &[layout]),
                [true, true, true, true, false, false, false]
            );
        }
        let e = regex_predicate(col("h"), "b.*k").unwrap();
        let fabrikam = string_layouts(&[Some("Fabrikam")]);
        assert_eq!(invoke_bools(&e, &[Arc::clone(&fabrikam[0])]), [true]);
        assert!(regex_predicate(col("h"), "(").is_err());
        // Distinct patterns are distinct expressions with distinct names.
        let a = regex_predicate(col("h"), "a").unwrap();
        let b = regex_predicate(col("h"), "b").unwrap();
        assert_ne!(a, b);
        assert_eq!(a, regex_predicate(col("h"), "a").unwrap());
        assert_eq!(a.to_string(), r#"matches_regex["a"](h)"#);
    }
}
