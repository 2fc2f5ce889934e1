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

/// An argument of a registry call under test: a column of values, or a constant.
pub(crate) enum TArg {
    Col(kql_syntax::ScalarType, ArrayRef),
    Lit(kql_syntax::ScalarType, ScalarValue),
}

/// Evaluates `expr` over `columns` (named `c0`, `c1`, ...) through DataFusion's physical
/// expression planner, as the engine would; `rows` rows when there are no columns.
pub(crate) fn eval(expr: &Expr, columns: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    use arrow::array::RecordBatchOptions;
    use arrow::datatypes::Schema;
    use arrow::record_batch::RecordBatch;
    use datafusion::common::DFSchema;
    use datafusion::logical_expr::execution_props::ExecutionProps;
    use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| Field::new(format!("c{i}"), c.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let rows = columns.first().map_or(rows, |c| c.len());
    let batch = RecordBatch::try_new_with_options(
        Arc::clone(&schema),
        columns.to_vec(),
        &RecordBatchOptions::new().with_row_count(Some(rows)),
    )?;
    let df_schema = DFSchema::try_from(schema.as_ref().clone())?;
    let physical = datafusion::physical_expr::create_physical_expr(
        expr,
        &df_schema,
        &ExecutionProps::new(),
        &PhysicalPlanningContext::default(),
    )?;
    physical.evaluate(&batch)?.to_array(rows)
}

/// Type-checks and lowers registry function `name`, then evaluates it.
pub(crate) fn call(name: &str, args: Vec<TArg>) -> Result<(kql_syntax::ScalarType, ArrayRef)> {
    let f = crate::registry::lookup(name)
        .ok_or_else(|| DataFusionError::Plan(format!("no function {name}")))?;
    let mut infos = Vec::new();
    let mut exprs = Vec::new();
    let mut columns = Vec::new();
    for a in args {
        match a {
            TArg::Col(ty, array) => {
                infos.push(crate::registry::Arg::of(ty));
                exprs.push(datafusion::logical_expr::col(format!("c{}", columns.len())));
                columns.push(array);
            }
            TArg::Lit(ty, v) => {
                infos.push(crate::registry::Arg {
                    ty,
                    constant: Some(v.clone()),
                });
                exprs.push(Expr::Literal(v, None));
            }
        }
    }
    let ty = (f.check)(&infos).map_err(|e| DataFusionError::Plan(format!("{name}: {e}")))?;
    let expr = (f.lower)(exprs, &infos)?;
    let out = eval(&expr, &columns, 1)?;
    assert_eq!(
        out.data_type(),
        &table_schemas::arrow_type(ty),
        "{name} returned an Arrow type that does not match its KQL type {ty}"
    );
    Ok((ty, out))
}

/// `expr` after DataFusion's expression simplifier (constant folding), as the optimizer
/// runs it.
pub(crate) fn simplify(expr: Expr) -> Result<Expr> {
    use datafusion::logical_expr::simplify::SimplifyContext;
    use datafusion::optimizer::simplify_expressions::ExprSimplifier;
    ExprSimplifier::new(SimplifyContext::default()).simplify(expr)
}
