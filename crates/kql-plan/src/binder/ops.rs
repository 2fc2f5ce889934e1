//! Unary and binary operators: KQL typing rules and their lowering.
//!
//! Rules (Kusto `numerical-operators.md`, `datetime-timespan-arithmetic.md`,
//! `null-values.md`):
//! * integer ∘ integer is `long` (also `int` ∘ `int`); any `real` operand makes `real`;
//! * integer division truncates; division by zero gives null rather than failing the query;
//!   `%` is never negative (`-14 % 12 == 10`);
//! * `datetime - datetime` is `timespan`; `datetime ± timespan` is `datetime`; `timespan` can
//!   be scaled by numbers and divided by a `timespan` (giving `real`);
//! * `==` with exactly one null operand is `false` and `!=` is `true`; both null gives null;
//!   `<`, `>`, arithmetic are null when an operand is null;
//! * a `dynamic` operand is converted to the other operand's type.

use super::{BResult, Binder, E_OPERAND_TYPE};
use crate::bound::{Scalar, arrow_type};
use ScalarType as T;
use datafusion::logical_expr::{Expr as DfExpr, Operator as DfOp, binary_expr, cast, lit, when};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{BinaryOp, ScalarType, UnaryOp};

pub(crate) fn is_integer(t: ScalarType) -> bool {
    matches!(t, T::Int | T::Long)
}

pub(crate) fn is_number(t: ScalarType) -> bool {
    matches!(t, T::Int | T::Long | T::Real | T::Decimal)
}

/// The common type two numeric operands are computed in.
fn numeric_common(a: ScalarType, b: ScalarType) -> ScalarType {
    if a == T::Real || b == T::Real {
        T::Real
    } else if a == T::Decimal || b == T::Decimal {
        T::Decimal
    } else {
        T::Long
    }
}

impl Binder<'_> {
    pub fn bind_unary(
        &mut self,
        op: UnaryOp,
        v: Scalar,
        span: Span,
        operand_span: Span,
    ) -> BResult<Scalar> {
        match op {
            UnaryOp::Plus if is_number(v.ty) || v.ty == T::Timespan => Ok(v),
            UnaryOp::Neg if is_number(v.ty) || v.ty == T::Timespan => {
                let ty = if v.ty == T::Int { T::Long } else { v.ty };
                let expr = match ty {
                    T::Timespan => duration(-as_i64(v.expr)),
                    T::Long => -self.cast_to(v.expr, v.ty, T::Long),
                    _ => -v.expr,
                };
                let constant = None;
                Ok(Scalar {
                    expr,
                    ty,
                    constant,
                    nullable: v.nullable,
                })
            }
            _ => Err(self.error(Diagnostic::error(
                E_OPERAND_TYPE,
                format!("unary minus needs a number or timespan, not {}", v.ty),
                span.to(operand_span),
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn bind_binary(
        &mut self,
        op: BinaryOp,
        l: Scalar,
        r: Scalar,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> BResult<Scalar> {
        use BinaryOp::*;
        match op {
            And | Or => {
                let l = self.as_bool(l, lspan)?;
                let r = self.as_bool(r, rspan)?;
                let nullable = l.nullable || r.nullable;
                let expr = if op == And {
                    l.expr.and(r.expr)
                } else {
                    l.expr.or(r.expr)
                };
                Ok(Scalar {
                    expr,
                    ty: T::Bool,
                    constant: None,
                    nullable,
                })
            }
            Add | Sub | Mul | Div | Mod => self.arithmetic(op, l, r, span, lspan, rspan),
            Eq | NotEq | Lt | LtEq | Gt | GtEq => self.comparison(op, l, r, span, lspan, rspan),
            _ => self.string_operator(op, l, r, span, lspan, rspan),
        }
    }

    /// A bool operand of `and`/`or`/`not`.
    pub fn as_bool(&mut self, s: Scalar, span: Span) -> BResult<Scalar> {
        match s.ty {
            T::Bool => Ok(s),
            T::Dynamic => self.convert(s, T::Bool, span),
            other => Err(self.error(
                Diagnostic::error(
                    super::E_NOT_BOOL,
                    format!("`and`/`or` need bool operands, but this is {other}"),
                    span,
                )
                .with_span_label(format!("this is {other}")),
            )),
        }
    }

    /// Converts a scalar to another KQL type (implicit conversion): numeric widening by
    /// cast, `dynamic` through the `to*` functions.
    pub fn convert(&mut self, s: Scalar, to: ScalarType, span: Span) -> BResult<Scalar> {
        if s.ty == to {
            return Ok(s);
        }
        if s.ty == T::Dynamic {
            let f = match to {
                T::String => "tostring",
                T::Bool => "tobool",
                T::Int => "toint",
                T::Long => "tolong",
                T::Real => "toreal",
                T::Decimal => "todecimal",
                T::DateTime => "todatetime",
                T::Timespan => "totimespan",
                T::Guid => "toguid",
                T::Dynamic => return Ok(s),
            };
            return self.call_registry(f, vec![s], span);
        }
        if is_number(s.ty) && is_number(to) {
            let nullable = s.nullable;
            let expr = self.cast_to(s.expr, s.ty, to);
            return Ok(Scalar {
                expr,
                ty: to,
                constant: None,
                nullable,
            });
        }
        if to == T::String && s.ty == T::Guid {
            return Ok(Scalar { ty: T::String, ..s });
        }
        if to == T::Dynamic {
            // Any value can be stored in a dynamic: as its JSON form.
            return self.call_registry("todynamic_value", vec![s], span);
        }
        Err(self.error(Diagnostic::error(
            E_OPERAND_TYPE,
            format!("cannot convert {} to {to}", s.ty),
            span,
        )))
    }

    /// A DataFusion cast between the Arrow types of two KQL types.
    pub fn cast_to(&self, e: DfExpr, from: ScalarType, to: ScalarType) -> DfExpr {
        if from == to {
            e
        } else {
            cast(e, arrow_type(to))
        }
    }

    fn arithmetic(
        &mut self,
        op: BinaryOp,
        l: Scalar,
        r: Scalar,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> BResult<Scalar> {
        use BinaryOp::*;
        let l = if l.ty == T::Dynamic && r.ty != T::Dynamic {
            let to = if is_number(r.ty) { T::Real } else { r.ty };
            self.convert(l, to, lspan)?
        } else {
            l
        };
        let r = if r.ty == T::Dynamic && l.ty != T::Dynamic {
            let to = if is_number(l.ty) { T::Real } else { l.ty };
            self.convert(r, to, rspan)?
        } else {
            r
        };
        let nullable = l.nullable || r.nullable;
        let (lt, rt) = (l.ty, r.ty);
        let out = |expr: DfExpr, ty: ScalarType| Scalar {
            expr,
            ty,
            constant: None,
            nullable,
        };
        if is_number(lt) && is_number(rt) {
            let ty = numeric_common(lt, rt);
            let le = self.cast_to(l.expr, lt, ty);
            let re = self.cast_to(r.expr, rt, ty);
            let expr = match (op, ty) {
                (Div, T::Long) => guard_zero_simple(le / re.clone(), re),
                (Mod, T::Long) => non_negative_mod(le, re),
                (Add, _) => le + re,
                (Sub, _) => le - re,
                (Mul, _) => le * re,
                (Div, _) => le / re,
                (Mod, _) => le % re,
                _ => le + re,
            };
            return Ok(out(expr, ty));
        }
        let ok = match (op, lt, rt) {
            (Sub, T::DateTime, T::DateTime) => {
                Some(out(duration(as_i64(l.expr) - as_i64(r.expr)), T::Timespan))
            }
            (Add | Sub, T::DateTime, T::Timespan) => {
                let n = if op == Add {
                    as_i64(l.expr) + as_i64(r.expr)
                } else {
                    as_i64(l.expr) - as_i64(r.expr)
                };
                Some(out(timestamp_from(n), T::DateTime))
            }
            (Add, T::Timespan, T::DateTime) => Some(out(
                timestamp_from(as_i64(l.expr) + as_i64(r.expr)),
                T::DateTime,
            )),
            (Add | Sub, T::Timespan, T::Timespan) => {
                let n = if op == Add {
                    as_i64(l.expr) + as_i64(r.expr)
                } else {
                    as_i64(l.expr) - as_i64(r.expr)
                };
                Some(out(duration(n), T::Timespan))
            }
            (Mul, T::Timespan, n) if is_number(n) => Some(out(
                scale_duration(l.expr, r.expr, n, DfOp::Multiply),
                T::Timespan,
            )),
            (Mul, n, T::Timespan) if is_number(n) => Some(out(
                scale_duration(r.expr, l.expr, n, DfOp::Multiply),
                T::Timespan,
            )),
            (Div, T::Timespan, n) if is_number(n) => Some(out(
                scale_duration(l.expr, r.expr, n, DfOp::Divide),
                T::Timespan,
            )),
            (Div, T::Timespan, T::Timespan) => {
                let le = cast(as_i64(l.expr), arrow::datatypes::DataType::Float64);
                let re = cast(as_i64(r.expr), arrow::datatypes::DataType::Float64);
                Some(out(le / re, T::Real))
            }
            (Mod, T::Timespan, T::Timespan) => Some(out(
                duration(non_negative_mod(as_i64(l.expr), as_i64(r.expr))),
                T::Timespan,
            )),
            _ => None,
        };
        ok.ok_or_else(|| {
            self.error(
                Diagnostic::error(
                    E_OPERAND_TYPE,
                    format!("operator `{}` cannot combine {lt} and {rt}", op.as_str()),
                    span,
                )
                .with_label(lspan, format!("this is {lt}"))
                .with_label(rspan, format!("this is {rt}")),
            )
        })
    }

    fn comparison(
        &mut self,
        op: BinaryOp,
        l: Scalar,
        r: Scalar,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> BResult<Scalar> {
        let (l, r) = self.unify_for_comparison(l, r, span, lspan, rspan)?;
        let df_op = match op {
            BinaryOp::Eq => DfOp::Eq,
            BinaryOp::NotEq => DfOp::NotEq,
            BinaryOp::Lt => DfOp::Lt,
            BinaryOp::LtEq => DfOp::LtEq,
            BinaryOp::Gt => DfOp::Gt,
            _ => DfOp::GtEq,
        };
        let plain = binary_expr(l.expr.clone(), df_op, r.expr.clone());
        let (expr, nullable) = match op {
            BinaryOp::Eq | BinaryOp::NotEq => {
                null_aware_equality(op == BinaryOp::Eq, &l, &r, plain)
            }
            _ => (plain, l.nullable || r.nullable),
        };
        Ok(Scalar {
            expr,
            ty: T::Bool,
            constant: None,
            nullable,
        })
    }

    /// Brings two operands of a comparison to one type, or reports why they cannot be
    /// compared.
    pub fn unify_for_comparison(
        &mut self,
        l: Scalar,
        r: Scalar,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> BResult<(Scalar, Scalar)> {
        let (lt, rt) = (l.ty, r.ty);
        if lt == rt {
            return Ok((l, r));
        }
        if is_number(lt) && is_number(rt) {
            let ty = numeric_common(lt, rt);
            let l = self.convert(l, ty, lspan)?;
            let r = self.convert(r, ty, rspan)?;
            return Ok((l, r));
        }
        if lt == T::Dynamic {
            let to = if is_number(rt) { T::Real } else { rt };
            let l = self.convert(l, to, lspan)?;
            let r = self.convert(r, to, rspan)?;
            return Ok((l, r));
        }
        if rt == T::Dynamic {
            let to = if is_number(lt) { T::Real } else { lt };
            let l = self.convert(l, to, lspan)?;
            let r = self.convert(r, to, rspan)?;
            return Ok((l, r));
        }
        // A string compared with a number is read as that number (`ResultType == 0` over a
        // string column, `EventID in ("4624")` over an int column), as Kusto does.
        if lt == T::String && is_number(rt) {
            let to = if is_integer(rt) { T::Long } else { rt };
            let l = self.call_registry(
                if to == T::Long { "tolong" } else { "toreal" },
                vec![l],
                lspan,
            )?;
            let r = self.convert(r, to, rspan)?;
            return Ok((l, r));
        }
        if rt == T::String && is_number(lt) {
            let to = if is_integer(lt) { T::Long } else { lt };
            let r = self.call_registry(
                if to == T::Long { "tolong" } else { "toreal" },
                vec![r],
                rspan,
            )?;
            let l = self.convert(l, to, lspan)?;
            return Ok((l, r));
        }
        // A string compared with a bool is read as a bool (`Action == true`).
        if lt == T::String && rt == T::Bool {
            let l = self.call_registry("tobool", vec![l], lspan)?;
            return Ok((l, r));
        }
        if rt == T::String && lt == T::Bool {
            let r = self.call_registry("tobool", vec![r], rspan)?;
            return Ok((l, r));
        }
        // bool against a number compares as 0/1.
        if (lt == T::Bool && is_number(rt)) || (rt == T::Bool && is_number(lt)) {
            let le = self.cast_to(l.expr, lt, T::Long);
            let re = self.cast_to(r.expr, rt, T::Long);
            return Ok((
                Scalar {
                    expr: le,
                    ty: T::Long,
                    constant: None,
                    nullable: l.nullable,
                },
                Scalar {
                    expr: re,
                    ty: T::Long,
                    constant: None,
                    nullable: r.nullable,
                },
            ));
        }
        if matches!((lt, rt), (T::Guid, T::String) | (T::String, T::Guid)) {
            // A guid compares with its canonical text.
            return Ok((Scalar { ty: T::String, ..l }, Scalar { ty: T::String, ..r }));
        }
        Err(self.error(
            Diagnostic::error(
                E_OPERAND_TYPE,
                format!("cannot compare {lt} with {rt}"),
                span,
            )
            .with_label(lspan, format!("this is {lt}"))
            .with_label(rspan, format!("this is {rt}")),
        ))
    }
}

/// `==`/`!=` with Kusto's null rule.
fn null_aware_equality(eq: bool, l: &Scalar, r: &Scalar, plain: DfExpr) -> (DfExpr, bool) {
    match (l.nullable, r.nullable) {
        (false, false) => (plain, false),
        // One side can be null, the other cannot: a null makes `==` false and `!=` true.
        (true, false) | (false, true) => (
            datafusion::functions::expr_fn::coalesce(vec![plain, lit(!eq)]),
            false,
        ),
        (true, true) => {
            let both_null = l.expr.clone().is_null().and(r.expr.clone().is_null());
            let one_null = l.expr.clone().is_null().or(r.expr.clone().is_null());
            let e = when(both_null, lit(ScalarValue::Boolean(None)))
                .when(one_null, lit(!eq))
                .otherwise(plain)
                .unwrap_or_else(|_| lit(ScalarValue::Boolean(None)));
            (e, true)
        }
    }
}

/// A `datetime`/`timespan` as its nanosecond count.
pub(crate) fn as_i64(e: DfExpr) -> DfExpr {
    cast(e, arrow::datatypes::DataType::Int64)
}

/// Nanoseconds → `timespan`.
pub(crate) fn duration(e: DfExpr) -> DfExpr {
    cast(e, arrow_type(T::Timespan))
}

/// Nanoseconds since the epoch → `datetime`.
pub(crate) fn timestamp_from(e: DfExpr) -> DfExpr {
    cast(e, arrow_type(T::DateTime))
}

fn scale_duration(d: DfExpr, n: DfExpr, nty: ScalarType, op: DfOp) -> DfExpr {
    if is_integer(nty) {
        let n64 = cast(n, arrow::datatypes::DataType::Int64);
        let v = binary_expr(as_i64(d), op, n64.clone());
        let v = if op == DfOp::Divide {
            guard_zero_simple(v, n64)
        } else {
            v
        };
        duration(v)
    } else {
        let f = cast(as_i64(d), arrow::datatypes::DataType::Float64);
        let nf = cast(n, arrow::datatypes::DataType::Float64);
        duration(cast(
            binary_expr(f, op, nf),
            arrow::datatypes::DataType::Int64,
        ))
    }
}

/// Integer division by zero gives null instead of aborting the query.
fn guard_zero_simple(v: DfExpr, divisor: DfExpr) -> DfExpr {
    when(divisor.eq(lit(0i64)), lit(ScalarValue::Int64(None)))
        .otherwise(v)
        .unwrap_or_else(|_| lit(ScalarValue::Int64(None)))
}

/// `((a % b) + |b|) % |b|`: Kusto's modulo is never negative.
fn non_negative_mod(a: DfExpr, b: DfExpr) -> DfExpr {
    let abs_b = datafusion::functions::expr_fn::abs(b.clone());
    let m = binary_expr(
        binary_expr(a, DfOp::Modulo, b.clone()) + abs_b.clone(),
        DfOp::Modulo,
        abs_b,
    );
    guard_zero_simple(m, b)
}
