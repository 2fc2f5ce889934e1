//! Functions that return several values (`series_fit_line`, `series_decompose_anomalies`,
//! ...). Kusto assigns them to several columns at once:
//!
//! * `extend (a, b, c) = f(x)` names the members in order; members beyond the names keep
//!   their default names;
//! * `extend a = f(x)` names the first member and adds the others by default name;
//! * `extend f(x)` adds every member by default name, `f_x_member` (the function, the first
//!   argument's result name, the member: Kusto.Language's MakePrefixedTuple);
//! * anywhere else, the call's value is its first member.
//!
//! The function itself computes one `dynamic` bag of all its members; each column reads
//! its member from that bag, cast to the member's type.

use super::names::column;
use super::{BResult, Binder, Binding, E_ARG_COUNT};
use crate::bound::{Col, Scalar, Tab};
use crate::udf::OpKind;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{ColumnAssign, Expr, ExprKind, Ident, ScalarType};

/// A bound call of a tuple-valued function.
pub(super) struct TupleCall {
    /// The bag of all members.
    pub bag: Scalar,
    /// `f_x`: the default column names are `f_x_member`.
    pub prefix: String,
    pub function: &'static str,
    pub members: &'static [(&'static str, ScalarType)],
}

/// The hidden column `extend` keeps the bag in while it reads the members.
const BAG_COLUMN: &str = "__kqlhunt_tuple";

impl Binder<'_> {
    /// Binds `e` as a tuple-valued call, or gives `None` when it is something else.
    pub(super) fn tuple_call(
        &mut self,
        e: &Expr,
        input: Option<&Tab>,
    ) -> BResult<Option<TupleCall>> {
        let ExprKind::Call(call) = &e.kind else {
            return Ok(None);
        };
        let name = call.name.name.as_str();
        if matches!(self.scope.get(name), Some(Binding::Function(..))) {
            return Ok(None);
        }
        let Some(f) = kql_functions::lookup(name) else {
            return Ok(None);
        };
        let Some(members) = kql_functions::tuple_members(f.name) else {
            return Ok(None);
        };
        let bag = self.bind_registry_call(f, call, input)?;
        let prefix = match call
            .args
            .first()
            .and_then(|a| crate::naming::result_name(&a.value))
        {
            Some(arg) => format!("{}_{arg}", f.name),
            None => f.name.to_string(),
        };
        Ok(Some(TupleCall {
            bag,
            prefix,
            function: f.name,
            members,
        }))
    }

    /// One member of a bag, as a value of the member's type.
    pub(super) fn tuple_member(
        &mut self,
        bag: DfExpr,
        member: &str,
        ty: ScalarType,
        span: Span,
    ) -> BResult<Scalar> {
        let v = self.call_registry(
            "dynamic_get",
            vec![
                Scalar::new(bag, ScalarType::Dynamic),
                Scalar::constant(
                    ScalarValue::Utf8(Some(member.to_string())),
                    ScalarType::String,
                ),
            ],
            span,
        )?;
        if ty == ScalarType::Dynamic {
            return Ok(v);
        }
        let e = self.op_udf(OpKind::DynCast(ty), vec![v.expr], span)?;
        Ok(Scalar::new(e, ty))
    }

    /// The named columns of a tuple assignment, each reading its member from `bag`.
    pub(super) fn tuple_columns(
        &mut self,
        t: &TupleCall,
        bag: DfExpr,
        names: &[Ident],
        span: Span,
    ) -> BResult<Vec<(String, Scalar)>> {
        if let Some(extra) = names.get(t.members.len()) {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{}` returns {} values, but {} names are given",
                    t.function,
                    t.members.len(),
                    names.len()
                ),
                extra.span,
            )));
        }
        let mut out = Vec::with_capacity(t.members.len());
        for (i, (member, ty)) in t.members.iter().enumerate() {
            let name = match names.get(i) {
                Some(n) => n.name.clone(),
                None => format!("{}_{member}", t.prefix),
            };
            out.push((name, self.tuple_member(bag.clone(), member, *ty, span)?));
        }
        Ok(out)
    }

    /// `extend` of a tuple-valued call: the bag is computed once, in a hidden column.
    pub(super) fn extend_tuple(
        &mut self,
        tab: Tab,
        a: &ColumnAssign,
        t: TupleCall,
        span: Span,
    ) -> BResult<Tab> {
        let mut tab = self.with_column(tab, BAG_COLUMN, t.bag.clone(), span)?;
        for (name, v) in self.tuple_columns(&t, column(BAG_COLUMN), &a.names, a.span)? {
            tab = self.with_column(tab, &name, v, span)?;
        }
        let cols: Vec<Col> = tab
            .cols
            .iter()
            .filter(|c| c.name != BAG_COLUMN)
            .cloned()
            .collect();
        let exprs: Vec<DfExpr> = cols.iter().map(|c| column(&c.name)).collect();
        let plan = LogicalPlanBuilder::from(tab.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab { plan, cols, ..tab })
    }
}
