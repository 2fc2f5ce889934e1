//! The plumbing the cell and shape functions share: typing their parameters, lowering the
//! arguments to the Arrow types the kernels read, reading a row's arguments, and building
//! the result column.
//!
//! Each function is described by its parameter kinds ([`Param`]) and a row function; a
//! `dynamic` argument is parsed once for a run of equal rows, as a literal polygon is the
//! same in every row.

use crate::registry::{Arg, ArgError, CheckResult, arg_type, cast_to, is_numeric};
use crate::strings::Strings;
use crate::text::text_arg;
use crate::udf::{arg, call_kernel};
use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int32Array, StringArray, StringBuilder,
};
use arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;
use serde_json::Value as Json;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// What one parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A number, read as `real`.
    Num,
    /// A number or a bool, read as `bool`.
    Flag,
    /// A string (any scalar is read by its text).
    Str,
    /// A `dynamic` value.
    Dyn,
}

/// Checks the arguments against `params`, of which the first `required` must be given.
pub fn check(args: &[Arg], params: &[Param], required: usize, result: ScalarType) -> CheckResult {
    if args.len() < required || args.len() > params.len() {
        return Err(ArgError::Count {
            expected: count_words(required, params.len()),
            found: args.len(),
        });
    }
    for (index, (a, p)) in args.iter().zip(params).enumerate() {
        let ok = match p {
            Param::Num => is_numeric(a.ty),
            Param::Flag => is_numeric(a.ty) || a.ty == ScalarType::Bool,
            Param::Str => true,
            Param::Dyn => a.ty == ScalarType::Dynamic,
        };
        if !ok {
            let expected = match p {
                Param::Num => "a number",
                Param::Flag => "bool",
                Param::Str => "string",
                Param::Dyn => "dynamic",
            };
            return Err(ArgError::Type {
                index,
                expected,
                found: a.ty,
            });
        }
    }
    Ok(result)
}

fn count_words(min: usize, max: usize) -> &'static str {
    match (min, max) {
        (1, 1) => "1",
        (2, 2) => "2",
        (3, 3) => "3",
        (1, 2) => "1 or 2",
        (2, 3) => "2 or 3",
        (3, 4) => "3 or 4",
        (1, 3) => "1 to 3",
        _ => "a different number of",
    }
}

/// The argument expressions converted to what the kernels read: `real`, `bool`, text or
/// `dynamic` text.
pub fn lower_args(exprs: Vec<Expr>, args: &[Arg], params: &[Param]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let ty = arg_type(args, i);
            match params.get(i) {
                Some(Param::Num) => cast_to(e, ty, ScalarType::Real),
                Some(Param::Flag) if ty != ScalarType::Bool => {
                    datafusion::logical_expr::cast(e, DataType::Boolean)
                }
                Some(Param::Str) => text_arg(e, ty),
                _ => e,
            }
        })
        .collect()
}

/// The call of a kernel returning KQL type `ty`.
pub fn lower_call(
    name: &'static str,
    ty: ScalarType,
    kernel: crate::udf::Kernel,
    exprs: Vec<Expr>,
    args: &[Arg],
    params: &[Param],
) -> Expr {
    call_kernel(
        name,
        "",
        table_schemas::arrow_type(ty),
        true,
        kernel,
        lower_args(exprs, args, params),
    )
}

enum Column<'a> {
    Real(&'a Float64Array),
    Flag(&'a BooleanArray),
    Text(Strings<'a>),
}

/// A value read from a text, kept while the following rows repeat the text.
type Memo = (String, Rc<dyn Any>);

/// The arguments of a kernel call, read row by row.
pub struct Rows<'a> {
    columns: Vec<Column<'a>>,
    /// The last parsed `dynamic` text of each column, reused while rows repeat it.
    parsed: Vec<RefCell<Option<(String, Json)>>>,
    /// The last shape read from each column's text (see [`Rows::shape`]).
    shapes: Vec<RefCell<Option<Memo>>>,
    pub len: usize,
}

impl<'a> Rows<'a> {
    pub fn new(args: &'a [ArrayRef], len: usize) -> Result<Rows<'a>> {
        let mut columns = Vec::with_capacity(args.len());
        for i in 0..args.len() {
            let a = arg(args, i)?;
            let c = match a.data_type() {
                DataType::Float64 => a.as_any().downcast_ref::<Float64Array>().map(Column::Real),
                DataType::Boolean => a.as_any().downcast_ref::<BooleanArray>().map(Column::Flag),
                _ => Strings::try_new(a.as_ref()).map(Column::Text),
            };
            columns.push(c.ok_or_else(|| {
                DataFusionError::Internal(format!("geo argument of type {}", a.data_type()))
            })?);
        }
        let parsed = (0..columns.len()).map(|_| RefCell::new(None)).collect();
        let shapes = (0..columns.len()).map(|_| RefCell::new(None)).collect();
        Ok(Rows {
            columns,
            parsed,
            shapes,
            len,
        })
    }

    /// Whether argument `c` was given.
    pub fn has(&self, c: usize) -> bool {
        c < self.columns.len()
    }

    /// Argument `c` of row `i` as a number; `None` when null or absent.
    pub fn real(&self, c: usize, i: usize) -> Option<f64> {
        match self.columns.get(c)? {
            Column::Real(a) => a.is_valid(i).then(|| a.value(i)),
            _ => None,
        }
    }

    /// Argument `c` of row `i` as a number, `default` when absent.
    pub fn real_or(&self, c: usize, i: usize, default: f64) -> Option<f64> {
        if self.has(c) {
            self.real(c, i)
        } else {
            Some(default)
        }
    }

    /// Argument `c` of row `i` as a bool, `default` when absent.
    pub fn flag_or(&self, c: usize, i: usize, default: bool) -> Option<bool> {
        match self.columns.get(c) {
            None => Some(default),
            Some(Column::Flag(a)) => a.is_valid(i).then(|| a.value(i)),
            Some(_) => None,
        }
    }

    /// Argument `c` of row `i` as text (`""` when null).
    pub fn text(&self, c: usize, i: usize) -> &'a str {
        match self.columns.get(c) {
            Some(Column::Text(s)) => s.get(i),
            _ => "",
        }
    }

    /// Argument `c` of row `i` as a `dynamic` value; `None` when null.
    pub fn json(&self, c: usize, i: usize) -> Option<Json> {
        let Some(Column::Text(s)) = self.columns.get(c) else {
            return None;
        };
        let text = s.get_opt(i)?;
        let cell = self.parsed.get(c)?;
        if let Some((last, j)) = cell.borrow().as_ref()
            && last == text
        {
            return Some(j.clone());
        }
        let j = serde_json::from_str::<Json>(text).unwrap_or(Json::Null);
        *cell.borrow_mut() = Some((text.to_string(), j.clone()));
        (!j.is_null()).then_some(j)
    }
}

impl Rows<'_> {
    /// Argument `c` of row `i` read by `read` from its `dynamic` value, computed once for a
    /// run of rows holding the same text (a literal polygon is read once, not per row).
    pub fn shape<T: 'static>(
        &self,
        c: usize,
        i: usize,
        read: impl Fn(&Json) -> Option<T>,
    ) -> Option<Rc<T>> {
        let Some(Column::Text(s)) = self.columns.get(c) else {
            return None;
        };
        let text = s.get_opt(i)?;
        let cell = self.shapes.get(c)?;
        if let Some((last, value)) = cell.borrow().as_ref()
            && last == text
            && let Ok(v) = Rc::clone(value).downcast::<Option<Rc<T>>>()
        {
            return (*v).clone();
        }
        let value: Option<Rc<T>> = self.json(c, i).and_then(|j| read(&j)).map(Rc::new);
        let stored: Rc<dyn Any> = Rc::new(value.clone());
        *cell.borrow_mut() = Some((text.to_string(), stored));
        value
    }
}

/// A `real` column from each row.
pub fn reals(rows: &Rows, f: impl Fn(&Rows, usize) -> Option<f64>) -> ArrayRef {
    let out: Float64Array = (0..rows.len).map(|i| f(rows, i)).collect();
    Arc::new(out)
}

/// A `bool` column from each row.
pub fn bools(rows: &Rows, f: impl Fn(&Rows, usize) -> Option<bool>) -> ArrayRef {
    let out: BooleanArray = (0..rows.len).map(|i| f(rows, i)).collect();
    Arc::new(out)
}

/// An `int` column from each row.
pub fn ints(rows: &Rows, f: impl Fn(&Rows, usize) -> Option<i32>) -> ArrayRef {
    let out: Int32Array = (0..rows.len).map(|i| f(rows, i)).collect();
    Arc::new(out)
}

/// A `string` column from each row; `None` is the empty string (KQL strings are never
/// null).
pub fn strings(rows: &Rows, f: impl Fn(&Rows, usize) -> Option<String>) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(rows.len, rows.len * 16);
    for i in 0..rows.len {
        b.append_value(f(rows, i).unwrap_or_default());
    }
    Arc::new(b.finish())
}

/// A `dynamic` column from each row; `None` is null.
pub fn dynamics(rows: &Rows, f: impl Fn(&Rows, usize) -> Option<Json>) -> ArrayRef {
    let out: StringArray = (0..rows.len)
        .map(|i| f(rows, i).filter(|j| !j.is_null()).map(|j| j.to_string()))
        .collect();
    Arc::new(out)
}

/// An integral number in `min..=max`, as integer arguments (levels, resolutions) must be.
pub fn whole(x: f64, min: i64, max: i64) -> Option<i64> {
    (x.fract() == 0.0 && x >= min as f64 && x <= max as f64).then_some(x as i64)
}

/// Declares a registry entry: name, parameters, required count, result type and row
/// function producing the result column.
macro_rules! geo_fn {
    ($name:literal, [$($p:ident),*], $required:expr, $ty:ident, $kernel:expr) => {
        crate::registry::Function {
            name: $name,
            aliases: &[],
            kind: crate::registry::FunctionKind::Scalar,
            check: |args| {
                crate::geo::kernel::check(
                    args,
                    &[$(crate::geo::kernel::Param::$p),*],
                    $required,
                    kql_syntax::ScalarType::$ty,
                )
            },
            lower: |exprs, args| {
                Ok(crate::geo::kernel::lower_call(
                    $name,
                    kql_syntax::ScalarType::$ty,
                    |a, n| {
                        let rows = crate::geo::kernel::Rows::new(a, n)?;
                        Ok($kernel(&rows))
                    },
                    exprs,
                    args,
                    &[$(crate::geo::kernel::Param::$p),*],
                ))
            },
        }
    };
}

pub(crate) use geo_fn;
