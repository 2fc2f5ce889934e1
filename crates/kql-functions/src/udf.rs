//! One generic DataFusion UDF for the many functions that are a plain kernel over Arrow
//! arrays, so that each function is a kernel and a registry entry, not a trait impl.
//!
//! The kernel sees every argument as an array of the same length (constants broadcast);
//! when all arguments are constants the result is handed back as a constant, so DataFusion's
//! constant folding works. Functions that carry compiled state (a regex, a needle list) have
//! their own UDF types instead.

use arrow::array::{Array, ArrayRef, Int64Array, PrimitiveArray};
use arrow::datatypes::{ArrowPrimitiveType, DataType, Field, FieldRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::scalar::ScalarValue;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A row-wise kernel: `(arguments, row count) → result array of that many rows`.
pub(crate) type Kernel = fn(&[ArrayRef], usize) -> Result<ArrayRef>;

/// A KQL function implemented by a [`Kernel`].
#[derive(Debug)]
pub(crate) struct KernelUdf {
    /// The KQL name, shown in plans.
    name: &'static str,
    /// Distinguishes kernels that share a name (e.g. `toint` of text and of `dynamic`).
    variant: &'static str,
    return_type: DataType,
    nullable: bool,
    signature: Signature,
    kernel: Kernel,
}

impl KernelUdf {
    pub(crate) fn new(
        name: &'static str,
        variant: &'static str,
        return_type: DataType,
        nullable: bool,
        kernel: Kernel,
    ) -> Self {
        KernelUdf {
            name,
            variant,
            return_type,
            nullable,
            signature: Signature::variadic_any(Volatility::Immutable),
            kernel,
        }
    }
}

// Kernels are identified by name and variant (fn pointers do not compare reliably).
impl PartialEq for KernelUdf {
    fn eq(&self, other: &Self) -> bool {
        (self.name, self.variant, &self.return_type, self.nullable)
            == (
                other.name,
                other.variant,
                &other.return_type,
                other.nullable,
            )
    }
}
impl Eq for KernelUdf {}
impl Hash for KernelUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.name, self.variant, &self.return_type, self.nullable).hash(state);
    }
}

impl ScalarUDFImpl for KernelUdf {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(
            self.name,
            self.return_type.clone(),
            self.nullable,
        )))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        invoke_kernel(self.kernel, &args.args, args.number_rows, self.name)
    }
}

/// Runs `kernel` over `args`, broadcasting constants; constant in, constant out.
pub(crate) fn invoke_kernel(
    kernel: impl FnOnce(&[ArrayRef], usize) -> Result<ArrayRef>,
    args: &[ColumnarValue],
    number_rows: usize,
    name: &str,
) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let rows = arrays.first().map_or(number_rows, |a| a.len());
    let out = kernel(&arrays, rows)?;
    if out.len() != rows {
        return Err(DataFusionError::Internal(format!(
            "{name} returned {} rows for {rows}",
            out.len()
        )));
    }
    if all_scalar && !args.is_empty() && rows == 1 {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

/// `name(args)` through a [`KernelUdf`].
pub(crate) fn call_kernel(
    name: &'static str,
    variant: &'static str,
    return_type: DataType,
    nullable: bool,
    kernel: Kernel,
    args: Vec<Expr>,
) -> Expr {
    ScalarUDF::new_from_impl(KernelUdf::new(name, variant, return_type, nullable, kernel))
        .call(args)
}

/// Argument `i`, or an internal error (the typing rule guarantees the count).
pub(crate) fn arg(args: &[ArrayRef], i: usize) -> Result<&ArrayRef> {
    args.get(i)
        .ok_or_else(|| DataFusionError::Internal(format!("missing argument {}", i + 1)))
}

/// Downcasts an array whose type the caller has just ensured.
pub(crate) fn downcast<T: 'static>(array: &dyn Array) -> Result<&T> {
    array.as_any().downcast_ref::<T>().ok_or_else(|| {
        DataFusionError::Internal(format!("unexpected Arrow type {}", array.data_type()))
    })
}

/// Optional argument `i`, downcast; `None` when the call did not pass it.
pub(crate) fn opt_arg<T: 'static>(args: &[ArrayRef], i: usize) -> Result<Option<&T>> {
    args.get(i).map(|a| downcast::<T>(a.as_ref())).transpose()
}

/// Row `i` of a primitive array; `None` when null.
#[inline]
pub(crate) fn value_at<T: ArrowPrimitiveType>(
    a: &PrimitiveArray<T>,
    i: usize,
) -> Option<T::Native> {
    a.is_valid(i).then(|| a.value(i))
}

/// Row `i` of an optional integer argument: `default` when the argument is absent, `None`
/// when its value is null.
pub(crate) fn opt_long_at(a: Option<&Int64Array>, i: usize, default: i64) -> Option<i64> {
    match a {
        Some(a) => value_at(a, i),
        None => Some(default),
    }
}
