//! Helpers for unit tests: evaluate a lowered expression the way DataFusion's executor does,
//! by invoking its UDF on Arrow arrays.

use arrow::array::{Array, ArrayRef, BooleanArray, LargeStringArray, StringArray, StringViewArray};
use arrow::datatypes::Field;
use datafusion::common::config::ConfigOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs};
use datafusion::scalar::ScalarValue;
use std::sync::Arc;

/// Invokes the top-level scalar function of `expr`. Each `Column` argument is replaced, in
/// order, by the next of `columns`; literal arguments are passed as scalars.
pub(crate) fn invoke(expr: &Expr, columns: &[ArrayRef]) -> Result<ColumnarValue> {
    let Expr::ScalarFunction(call) = expr else {
        return Err(DataFusionError::Internal(format!(
            "not a function call: {expr}"
        )));
    };
    let mut next = columns.iter();
    let mut args = Vec::new();
    for arg in &call.args {
        args.push(match arg {
            Expr::Literal(v, _) => ColumnarValue::Scalar(v.clone()),
            _ => ColumnarValue::Array(Arc::clone(
                next.next()
                    .ok_or_else(|| DataFusionError::Internal("not enough columns".into()))?,
            )),
        });
    }
    let rows = columns.first().map_or(1, |c| c.len());
    let arg_fields: Vec<_> = args
        .iter()
        .map(|a| Arc::new(Field::new("a", a.data_type(), true)))
        .collect();
    let scalars: Vec<Option<&ScalarValue>> = args
        .iter()
        .map(|a| match a {
            ColumnarValue::Scalar(s) => Some(s),
            ColumnarValue::Array(_) => None,
        })
        .collect();
    let return_field = call.func.return_field_from_args(ReturnFieldArgs {
        arg_fields: &arg_fields,
        scalar_arguments: &scalars,
    })?;
    call.func.invoke_with_args(ScalarFunctionArgs {
        args,
        arg_fields,
        number_rows: rows,
        return_field,
        config_options: Arc::new(ConfigOptions::default()),
    })
}

/// [`invoke`], expecting an array result.
pub(crate) fn invoke_array(expr: &Expr, columns: &[ArrayRef]) -> ArrayRef {
    match invoke(expr, columns) {
        Ok(ColumnarValue::Array(a)) => a,
        Ok(ColumnarValue::Scalar(s)) => s
            .to_array_of_size(columns.first().map_or(1, |c| c.len()))
            .unwrap_or_else(|e| panic!("{e}")),
        Err(e) => panic!("{expr}: {e}"),
    }
}

/// [`invoke_array`], expecting booleans without nulls.
pub(crate) fn invoke_bools(expr: &Expr, columns: &[ArrayRef]) -> Vec<bool> {
    let out = invoke_array(expr, columns);
    let bools = out
        .as_any()
        .downcast_ref::<BooleanArray>()
        .unwrap_or_else(|| panic!("{expr} returned {}", out.data_type()));
    assert_eq!(bools.null_count(), 0, "{expr} returned nulls");
    bools.iter().map(|b| b.unwrap_or_default()).collect()
}

/// The same strings in the three Arrow string layouts.
pub(crate) fn string_layouts(values: &[Option<&str>]) -> [ArrayRef; 3] {
    [
        Arc::new(StringArray::from(values.to_vec())),
        Arc::new(LargeStringArray::from(values.to_vec())),
        Arc::new(StringViewArray::from(values.to_vec())),
    ]
}
