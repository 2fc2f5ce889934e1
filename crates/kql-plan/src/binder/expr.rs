//! Scalar expressions: names, literals, member access, and dispatch to operators and calls.

use super::{BResult, Binder, E_BAD_LITERAL, E_KIND, E_MEMBER, E_NOT_BOOL};
use crate::bound::{Scalar, Tab};
use crate::literal;
use datafusion::common::tree_node::TreeNode;
use datafusion::logical_expr::{Expr as DfExpr, lit};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::Diagnostic;
use kql_syntax::{Expr, ExprKind, ScalarType};

impl Binder<'_> {
    /// Binds a scalar expression that sees no columns (a `let` value, `print`).
    pub fn bind_scalar_no_input(&mut self, e: &Expr) -> BResult<Scalar> {
        self.bind_scalar(e, None)
    }

    /// Binds a scalar expression over the columns of `input`.
    pub fn bind_scalar(&mut self, e: &Expr, input: Option<&Tab>) -> BResult<Scalar> {
        match &e.kind {
            ExprKind::Literal(l) => literal::literal(&l.kind).map_err(|err| {
                self.error(Diagnostic::error(E_BAD_LITERAL, err.to_string(), l.span))
            }),
            ExprKind::Name(id) => self.resolve_scalar_name(id, input),
            ExprKind::Paren(inner) => self.bind_scalar(inner, input),
            ExprKind::Member { .. } | ExprKind::Index { .. } => self.bind_access(e, input),
            ExprKind::Call(call) => self.bind_call(call, input),
            ExprKind::Unary { op, operand } => {
                let v = self.bind_scalar(operand, input)?;
                self.bind_unary(*op, v, e.span, operand.span)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.bind_scalar(left, input)?;
                let r = self.bind_scalar(right, input);
                let r = r?;
                self.bind_binary(*op, l, r, e.span, left.span, right.span)
            }
            ExprKind::InList { op, expr, list } => {
                self.bind_in_list(*op, expr, list, input, e.span)
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => self.bind_between(expr, low, high, *negated, input, e.span),
            ExprKind::Star => {
                Err(self.error(Diagnostic::error(E_KIND, "`*` is not a value here", e.span)))
            }
            ExprKind::JoinSide { .. } => Err(self.error(Diagnostic::error(
                E_KIND,
                "`$left`/`$right` are only valid in a join's `on` clause",
                e.span,
            ))),
            // `typeof(int)` as a function argument (e.g. `extract(re, 1, s, typeof(int))`)
            // reaches the function as the type's name.
            ExprKind::TypeOf(t) => Ok(Scalar::constant(
                ScalarValue::Utf8(Some(t.as_str().to_string())),
                ScalarType::String,
            )),
            _ => Err(self.error(
                Diagnostic::error(
                    E_KIND,
                    "a table is used where a scalar value is needed",
                    e.span,
                )
                .with_help("wrap it in `toscalar(...)` to use its first value"),
            )),
        }
    }

    /// Binds a predicate (`where`, `countif`, `iff` conditions): it must be `bool`; a
    /// `dynamic` value is converted as `tobool()` would.
    pub fn bind_predicate(&mut self, e: &Expr, input: Option<&Tab>) -> BResult<Scalar> {
        let s = self.bind_scalar(e, input)?;
        match s.ty {
            ScalarType::Bool => Ok(s),
            ScalarType::Dynamic => self.convert(s, ScalarType::Bool, e.span),
            other => Err(self.error(
                Diagnostic::error(
                    E_NOT_BOOL,
                    format!("a predicate must be bool, but this expression is {other}"),
                    e.span,
                )
                .with_span_label(format!("this is {other}")),
            )),
        }
    }

    /// `a.b`, `a["b"]`, `a[0]`: member and element access on `dynamic`.
    fn bind_access(&mut self, e: &Expr, input: Option<&Tab>) -> BResult<Scalar> {
        // Flatten the access chain into a base and a path, so `a.b.c[0]` is one call.
        let mut cur = e;
        let mut keys: Vec<PathKey<'_>> = Vec::new();
        loop {
            match &cur.kind {
                ExprKind::Member { target, name } => {
                    keys.push(PathKey::Name(name.name.clone()));
                    cur = target;
                }
                ExprKind::Index { target, index } => {
                    keys.push(PathKey::Expr(index));
                    cur = target;
                }
                _ => break,
            }
        }
        keys.reverse();
        let base = self.bind_scalar(cur, input)?;
        // A string holding JSON is read as dynamic, as Sentinel queries over JSON text
        // columns expect (`InitiatedBy.user` after `extend InitiatedBy = tostring(...)`).
        let base = if base.ty == ScalarType::String {
            self.call_registry("parse_json", vec![base], cur.span)?
        } else {
            base
        };
        if base.ty != ScalarType::Dynamic {
            return Err(self.error(
                Diagnostic::error(
                    E_MEMBER,
                    format!(
                        "member access needs a dynamic value, but this is {}",
                        base.ty
                    ),
                    cur.span,
                )
                .with_help("convert it first, e.g. `parse_json(x).name`"),
            ));
        }
        let mut args = vec![base];
        for k in keys {
            match k {
                PathKey::Name(n) => args.push(Scalar::constant(
                    ScalarValue::Utf8(Some(n)),
                    ScalarType::String,
                )),
                PathKey::Expr(ix) => args.push(self.bind_scalar(ix, input)?),
            }
        }
        self.call_registry("dynamic_get", args, e.span)
    }

    /// Evaluates a column-free expression at plan time (DataFusion's constant evaluator
    /// runs casts, arithmetic and immutable UDFs on literals), so that `-5`, `1d * 2` or
    /// `strcat("a", "b")` can be used where a constant is required.
    pub fn fold(&mut self, s: Scalar) -> Scalar {
        if s.constant.is_some() {
            return s;
        }
        let mut has_column = false;
        let _ = s.expr.apply(|e| {
            if matches!(
                e,
                DfExpr::Column(_)
                    | DfExpr::ScalarSubquery(_)
                    | DfExpr::AggregateFunction(_)
                    | DfExpr::WindowFunction(_)
            ) {
                has_column = true;
                return Ok(datafusion::common::tree_node::TreeNodeRecursion::Stop);
            }
            Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
        });
        if has_column {
            return s;
        }
        let simplifier = datafusion::optimizer::simplify_expressions::ExprSimplifier::new(
            datafusion::logical_expr::simplify::SimplifyContext::default(),
        );
        match simplifier.simplify(s.expr.clone()) {
            Ok(DfExpr::Literal(v, _)) => {
                let mut out = Scalar::constant(v, s.ty);
                out.nullable = out.nullable && s.nullable;
                out
            }
            _ => s,
        }
    }

    /// A `string` literal.
    pub fn str_lit(s: &str) -> DfExpr {
        lit(s.to_string())
    }
}

enum PathKey<'a> {
    Name(String),
    Expr(&'a Expr),
}
