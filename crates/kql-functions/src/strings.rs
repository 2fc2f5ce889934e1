//! Reading KQL `string` values out of Arrow arrays and `ColumnarValue`s.
//!
//! KQL strings are never null, so every accessor here reads a null slot as `""`. One view
//! type covers the three Arrow string layouts (`Utf8`, `LargeUtf8`, `Utf8View`), so each
//! kernel is written once. Inputs of any other Arrow type are first rendered with KQL's
//! `tostring` rules, because KQL applies string operators to any scalar by its text.

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, LargeStringArray, StringArray, StringViewArray,
};
use arrow::buffer::BooleanBuffer;
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::ColumnarValue;
use std::sync::Arc;

/// A borrowed Arrow string array of any of the three layouts.
#[derive(Clone, Copy)]
pub(crate) enum Strings<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Strings<'a> {
    /// Views `array` as strings; `None` if it is not a string array.
    pub(crate) fn try_new(array: &'a dyn Array) -> Option<Self> {
        match array.data_type() {
            DataType::Utf8 => array.as_string_opt::<i32>().map(Strings::Utf8),
            DataType::LargeUtf8 => array.as_string_opt::<i64>().map(Strings::Large),
            DataType::Utf8View => array.as_string_view_opt().map(Strings::View),
            _ => None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::Large(a) => a.len(),
            Strings::View(a) => a.len(),
        }
    }

    /// Row `i` (which must be `< len()`), with null read as `""`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &'a str {
        self.get_opt(i).unwrap_or("")
    }

    /// Row `i` (which must be `< len()`), `None` when null.
    #[inline]
    pub(crate) fn get_opt(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::View(a) => (!a.is_null(i)).then(|| a.value(i)),
        }
    }
}

/// True for the three Arrow string types.
pub(crate) fn is_string_type(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

/// `array` itself if it holds strings, otherwise its KQL `tostring` rendering.
pub(crate) fn as_string_array(array: &ArrayRef) -> Result<ArrayRef> {
    if is_string_type(array.data_type()) {
        Ok(Arc::clone(array))
    } else {
        crate::convert::to_kql_string_array(array, crate::convert::Source::Text)
    }
}

/// A boolean array with no nulls, `f(row)` for every row of `strings`.
pub(crate) fn bool_array(strings: Strings<'_>, mut f: impl FnMut(&str) -> bool) -> BooleanArray {
    let buffer = BooleanBuffer::collect_bool(strings.len(), |i| f(strings.get(i)));
    BooleanArray::new(buffer, None)
}

/// Evaluates a predicate over the string form of one argument (constant in, constant out).
pub(crate) fn map_strings_to_bool(
    value: &ColumnarValue,
    number_rows: usize,
    kernel: impl FnOnce(Strings<'_>) -> BooleanArray,
) -> Result<ColumnarValue> {
    let run = |arrays: &[ArrayRef], _: usize| {
        let array = as_string_array(crate::udf::arg(arrays, 0)?)?;
        let strings = Strings::try_new(array.as_ref()).ok_or_else(|| {
            datafusion::error::DataFusionError::Internal(format!(
                "tostring produced {} instead of a string array",
                array.data_type()
            ))
        })?;
        Ok(Arc::new(kernel(strings)) as ArrayRef)
    };
    crate::udf::invoke_kernel(
        run,
        std::slice::from_ref(value),
        number_rows,
        "string operator",
    )
}

/// Views argument `i` of a kernel as strings (the typing rule guarantees a string type).
pub(crate) fn string_arg(args: &[ArrayRef], i: usize) -> Result<Strings<'_>> {
    let a = crate::udf::arg(args, i)?;
    Strings::try_new(a.as_ref()).ok_or_else(|| {
        datafusion::error::DataFusionError::Internal(format!(
            "argument {} is {}, not a string",
            i + 1,
            a.data_type()
        ))
    })
}

/// A `Utf8` array without nulls: for each row, `f(row, out)` appends the row's text to an
/// emptied buffer.
pub(crate) fn build_strings(rows: usize, mut f: impl FnMut(usize, &mut String)) -> ArrayRef {
    let mut b = arrow::array::StringBuilder::with_capacity(rows, rows * 16);
    let mut buf = String::new();
    for i in 0..rows {
        buf.clear();
        f(i, &mut buf);
        b.append_value(&buf);
    }
    Arc::new(b.finish())
}
