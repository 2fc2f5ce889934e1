//! The string operators as DataFusion scalar UDFs, and the `Expr` builders the binder calls.
//!
//! A constant needle (the usual case: `ProcessCommandLine has "-it"`) becomes a one-argument
//! UDF that owns the compiled matcher; a needle computed per row becomes a two-argument UDF
//! that evaluates the scalar functions row by row. Both return a non-nullable `Boolean`.
//!
//! The UDF's name carries the operator and needles (`has_any["sh","bash"]`) because
//! DataFusion prints a function call as `name(args)`: `explain` then reads
//! `has["-it"](ProcessCommandLine)`, and two calls that differ only in needles get distinct
//! column names.

use super::matcher::{ListMatcher, ListStringOp, StringMatcher};
use super::scalar::{self, StringOp};
use crate::strings::{Strings, as_string_array, map_strings_to_bool};
use crate::udf::{arg, invoke_kernel};
use arrow::array::{ArrayRef, BooleanArray};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::scalar::ScalarValue;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Builds `haystack <op> needle` (`_cs` form when `case_sensitive`).
///
/// A literal needle is compiled once into the UDF; any other needle expression is evaluated
/// per row. A non-string haystack is compared through its `tostring` text.
pub fn string_predicate(op: StringOp, case_sensitive: bool, haystack: Expr, needle: Expr) -> Expr {
    match literal_text(&needle) {
        Some(text) => {
            let udf = StringMatchUdf::new(StringMatcher::new(op, case_sensitive, text));
            ScalarUDF::new_from_impl(udf).call(vec![haystack])
        }
        None => {
            let udf = StringOpUdf::new(op, case_sensitive);
            ScalarUDF::new_from_impl(udf).call(vec![haystack, needle])
        }
    }
}

/// Builds `haystack <op> (needles)`: `has_any`, `has_all`, `in~` (`in` when
/// `case_sensitive`), compiled once into the UDF.
pub fn list_predicate(
    op: ListStringOp,
    case_sensitive: bool,
    haystack: Expr,
    needles: Vec<String>,
) -> Expr {
    let udf = ListMatchUdf::new(ListMatcher::new(op, case_sensitive, needles));
    ScalarUDF::new_from_impl(udf).call(vec![haystack])
}

/// The text of a literal needle (a null literal reads as `""`, as KQL strings do);
/// `None` for anything that is not a literal.
fn literal_text(expr: &Expr) -> Option<String> {
    let Expr::Literal(value, _) = expr else {
        return None;
    };
    match value {
        ScalarValue::Utf8(s) | ScalarValue::LargeUtf8(s) | ScalarValue::Utf8View(s) => {
            Some(s.clone().unwrap_or_default())
        }
        other => crate::convert::scalar_to_kql_string(other).ok(),
    }
}

/// How many needles a UDF name lists before abbreviating.
const NAME_NEEDLES: usize = 12;

/// `op["a","b"]`, abbreviated for long lists with the count and a hash of all needles
/// (so that distinct lists keep distinct names).
fn display_name<S: AsRef<str>>(op: &str, needles: &[S]) -> String {
    let mut name = String::from(op);
    name.push('[');
    for (i, n) in needles.iter().take(NAME_NEEDLES).enumerate() {
        if i > 0 {
            name.push(',');
        }
        name.push_str(&format!("{:?}", n.as_ref()));
    }
    if needles.len() > NAME_NEEDLES {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for n in needles {
            n.as_ref().hash(&mut h);
        }
        name.push_str(&format!(
            ",… {} needles #{:016x}",
            needles.len(),
            h.finish()
        ));
    }
    name.push(']');
    name
}

fn bool_field() -> FieldRef {
    Arc::new(Field::new("", DataType::Boolean, false))
}

fn single_arg<'a>(name: &str, args: &'a ScalarFunctionArgs) -> Result<&'a ColumnarValue> {
    match args.args.as_slice() {
        [one] => Ok(one),
        other => Err(DataFusionError::Internal(format!(
            "{name} expects 1 argument, got {}",
            other.len()
        ))),
    }
}

/// `haystack <op> "constant"`.
#[derive(Debug)]
pub struct StringMatchUdf {
    matcher: StringMatcher,
    name: String,
    signature: Signature,
}

impl StringMatchUdf {
    /// Wraps a compiled matcher.
    pub fn new(matcher: StringMatcher) -> Self {
        let name = display_name(
            matcher.op().kql_name(matcher.case_sensitive()),
            &[matcher.needle()],
        );
        StringMatchUdf {
            matcher,
            name,
            signature: Signature::any(1, Volatility::Immutable),
        }
    }

    /// The compiled operator and needle (readers derive record prefilters from it).
    pub fn matcher(&self) -> &StringMatcher {
        &self.matcher
    }
}

impl PartialEq for StringMatchUdf {
    fn eq(&self, other: &Self) -> bool {
        self.matcher == other.matcher
    }
}
impl Eq for StringMatchUdf {}
impl Hash for StringMatchUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.matcher.hash(state);
    }
}

impl ScalarUDFImpl for StringMatchUdf {
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
        Ok(bool_field())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let hay = single_arg(&self.name, &args)?;
        map_strings_to_bool(hay, args.number_rows, |s| self.matcher.evaluate_strings(s))
    }
}

/// `haystack <op> (constant list)`.
#[derive(Debug)]
pub struct ListMatchUdf {
    matcher: ListMatcher,
    name: String,
    signature: Signature,
}

impl ListMatchUdf {
    /// Wraps a compiled list matcher.
    pub fn new(matcher: ListMatcher) -> Self {
        let name = display_name(
            matcher.op().kql_name(matcher.case_sensitive()),
            matcher.needles(),
        );
        ListMatchUdf {
            matcher,
            name,
            signature: Signature::any(1, Volatility::Immutable),
        }
    }

    /// The compiled operator and needles (readers derive record prefilters from it).
    pub fn matcher(&self) -> &ListMatcher {
        &self.matcher
    }
}

impl PartialEq for ListMatchUdf {
    fn eq(&self, other: &Self) -> bool {
        self.matcher == other.matcher
    }
}
impl Eq for ListMatchUdf {}
impl Hash for ListMatchUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.matcher.hash(state);
    }
}

impl ScalarUDFImpl for ListMatchUdf {
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
        Ok(bool_field())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let hay = single_arg(&self.name, &args)?;
        map_strings_to_bool(hay, args.number_rows, |s| self.matcher.evaluate_strings(s))
    }
}

/// `haystack <op> needle` with a needle that varies per row.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct StringOpUdf {
    op: StringOp,
    case_sensitive: bool,
    signature: Signature,
}

impl StringOpUdf {
    /// The per-row form of `op`.
    pub fn new(op: StringOp, case_sensitive: bool) -> Self {
        StringOpUdf {
            op,
            case_sensitive,
            signature: Signature::any(2, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for StringOpUdf {
    fn name(&self) -> &str {
        self.op.kql_name(self.case_sensitive)
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(bool_field())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let run = |arrays: &[ArrayRef], rows: usize| {
            let (hay, needle) = (
                as_string_array(arg(arrays, 0)?)?,
                as_string_array(arg(arrays, 1)?)?,
            );
            let (Some(hs), Some(ns)) = (
                Strings::try_new(hay.as_ref()),
                Strings::try_new(needle.as_ref()),
            ) else {
                return Err(DataFusionError::Internal(
                    "tostring did not produce strings".into(),
                ));
            };
            let buffer = BooleanBuffer::collect_bool(rows, |i| {
                scalar::matches(self.op, hs.get(i), ns.get(i), self.case_sensitive)
            });
            Ok(Arc::new(BooleanArray::new(buffer, None)) as ArrayRef)
        };
        invoke_kernel(run, &args.args, args.number_rows, self.name())
    }
}
