//! String operators (`has`, `contains`, `=~`, `matches regex`, ...), list operators (`in`,
//! `in~`, `has_any`, `has_all`) and `between`.
//!
//! The matching itself lives in `kql_functions::string_ops`, one implementation shared by
//! every caller; this module decides types, negation and the shape of the list.

use super::{BResult, Binder, E_BAD_LITERAL, E_KIND, E_OPERAND_TYPE, E_UNSUPPORTED};
use crate::bound::{Scalar, Tab};
#[allow(unused_imports)]
use datafusion::logical_expr::LogicalPlanBuilder;
use datafusion::logical_expr::{Expr as DfExpr, lit};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_functions::string_ops::{ListStringOp, StringOp, list_predicate, string_predicate};
use kql_syntax::{BinaryOp, Expr, ListOp, ScalarType};

impl Binder<'_> {
    /// A string operand: `string` as is, anything else through `tostring` (Kusto applies
    /// string operators to the text form of other types).
    pub fn as_text(&mut self, s: Scalar, span: Span) -> BResult<Scalar> {
        match s.ty {
            ScalarType::String => Ok(s),
            ScalarType::Guid => Ok(Scalar {
                ty: ScalarType::String,
                ..s
            }),
            _ => self.call_registry("tostring", vec![s], span),
        }
    }

    pub fn string_operator(
        &mut self,
        op: BinaryOp,
        l: Scalar,
        r: Scalar,
        span: Span,
        lspan: Span,
        rspan: Span,
    ) -> BResult<Scalar> {
        use BinaryOp::*;
        let (sop, cs, negated) = match op {
            EqTilde => (StringOp::Equals, false, false),
            NotEqTilde => (StringOp::Equals, false, true),
            Has => (StringOp::Has, false, false),
            NotHas => (StringOp::Has, false, true),
            HasCs => (StringOp::Has, true, false),
            NotHasCs => (StringOp::Has, true, true),
            HasPrefix => (StringOp::HasPrefix, false, false),
            NotHasPrefix => (StringOp::HasPrefix, false, true),
            HasPrefixCs => (StringOp::HasPrefix, true, false),
            NotHasPrefixCs => (StringOp::HasPrefix, true, true),
            HasSuffix => (StringOp::HasSuffix, false, false),
            NotHasSuffix => (StringOp::HasSuffix, false, true),
            HasSuffixCs => (StringOp::HasSuffix, true, false),
            NotHasSuffixCs => (StringOp::HasSuffix, true, true),
            Contains => (StringOp::Contains, false, false),
            NotContains => (StringOp::Contains, false, true),
            ContainsCs => (StringOp::Contains, true, false),
            NotContainsCs => (StringOp::Contains, true, true),
            StartsWith => (StringOp::StartsWith, false, false),
            NotStartsWith => (StringOp::StartsWith, false, true),
            StartsWithCs => (StringOp::StartsWith, true, false),
            NotStartsWithCs => (StringOp::StartsWith, true, true),
            EndsWith => (StringOp::EndsWith, false, false),
            NotEndsWith => (StringOp::EndsWith, false, true),
            EndsWithCs => (StringOp::EndsWith, true, false),
            NotEndsWithCs => (StringOp::EndsWith, true, true),
            MatchesRegex => return self.matches_regex(l, r, lspan, rspan),
            _ => {
                return Err(self.error(
                    Diagnostic::error(
                        E_UNSUPPORTED,
                        format!("operator `{}` is not supported", op.as_str()),
                        span,
                    )
                    .with_help("use `matches regex`, `contains` or `startswith`/`endswith`"),
                ));
            }
        };
        let l = self.as_text(l, lspan)?;
        let r = self.as_text(r, rspan)?;
        let e = string_predicate(sop, cs, l.expr, r.expr);
        // The predicates never return null (KQL strings are never null), so NOT is exact.
        let e = if negated { DfExpr::Not(Box::new(e)) } else { e };
        Ok(Scalar::new(e, ScalarType::Bool).non_null())
    }

    fn matches_regex(&mut self, l: Scalar, r: Scalar, lspan: Span, rspan: Span) -> BResult<Scalar> {
        let l = self.as_text(l, lspan)?;
        if r.ty != ScalarType::String {
            return Err(self.error(Diagnostic::error(
                E_OPERAND_TYPE,
                format!("`matches regex` needs a string pattern, not {}", r.ty),
                rspan,
            )));
        }
        if let Some(ScalarValue::Utf8(Some(p))) = &r.constant
            && let Err(e) = regex::Regex::new(&kql_functions::translate_re2(p))
        {
            return Err(self.error(
                Diagnostic::error(E_BAD_LITERAL, "invalid regular expression", rspan)
                    .with_note(e.to_string()),
            ));
        }
        let e = match &r.constant {
            Some(ScalarValue::Utf8(Some(p))) => {
                kql_functions::string_ops::regex_predicate(l.expr, p).map_err(|err| {
                    self.error(Diagnostic::error(E_BAD_LITERAL, err.to_string(), rspan))
                })?
            }
            _ => datafusion::functions::expr_fn::coalesce(vec![
                datafusion::functions::expr_fn::regexp_like(l.expr, r.expr, None),
                lit(false),
            ]),
        };
        Ok(Scalar::new(e, ScalarType::Bool).non_null())
    }

    /// `x in (...)`, `x !in~ (...)`, `x has_any (...)`.
    pub fn bind_in_list(
        &mut self,
        op: ListOp,
        expr: &Expr,
        list: &[Expr],
        input: Option<&Tab>,
        span: Span,
    ) -> BResult<Scalar> {
        let lhs = self.bind_scalar(expr, input)?;
        // Tabular elements (`x in (T | project y)`) become subqueries.
        if list.len() == 1 && self.is_tabular(&list[0]) {
            return self.in_subquery(op, lhs, &list[0], span);
        }
        let mut values: Vec<Scalar> = Vec::new();
        for item in list {
            if self.is_tabular(item) {
                return Err(self.error(Diagnostic::error(
                    E_UNSUPPORTED,
                    "a table inside a list of values is only supported as the list's only element",
                    item.span,
                )));
            }
            let v = self.bind_scalar(item, input)?;
            values.extend(flatten_dynamic_list(v));
        }
        let string_like = matches!(
            lhs.ty,
            ScalarType::String | ScalarType::Dynamic | ScalarType::Guid
        ) || matches!(
            op,
            ListOp::HasAny
                | ListOp::HasAll
                | ListOp::HasAnyCs
                | ListOp::HasAllCs
                | ListOp::InCi
                | ListOp::NotInCi
        );
        let (lop, cs, negated) = match op {
            ListOp::In => (ListStringOp::In, true, false),
            ListOp::NotIn => (ListStringOp::In, true, true),
            ListOp::InCi => (ListStringOp::In, false, false),
            ListOp::NotInCi => (ListStringOp::In, false, true),
            ListOp::HasAny => (ListStringOp::HasAny, false, false),
            ListOp::HasAll => (ListStringOp::HasAll, false, false),
            ListOp::HasAnyCs => (ListStringOp::HasAny, true, false),
            ListOp::HasAllCs => (ListStringOp::HasAll, true, false),
        };
        if string_like {
            let l = self.as_text(lhs, expr.span)?;
            let needles: Option<Vec<String>> = values.iter().map(constant_text).collect();
            let e = match needles {
                Some(needles) => list_predicate(lop, cs, l.expr, needles),
                None => {
                    // Non-constant elements: one predicate per element.
                    let sop = match lop {
                        ListStringOp::In => StringOp::Equals,
                        _ => StringOp::Has,
                    };
                    let mut parts = Vec::new();
                    for v in values {
                        let v = self.as_text(v, span)?;
                        parts.push(string_predicate(sop, cs, l.expr.clone(), v.expr));
                    }
                    let combine_all = lop == ListStringOp::HasAll;
                    parts
                        .into_iter()
                        .reduce(|a, b| if combine_all { a.and(b) } else { a.or(b) })
                        .unwrap_or_else(|| lit(combine_all))
                }
            };
            let e = if negated { DfExpr::Not(Box::new(e)) } else { e };
            return Ok(Scalar::new(e, ScalarType::Bool).non_null());
        }
        // Non-string values: SQL IN over values converted to the left side's type.
        let mut items = Vec::new();
        for v in values {
            let (l2, v2) =
                self.unify_for_comparison(Scalar { ..lhs.clone() }, v, span, expr.span, span)?;
            let numeric = super::ops::is_number(l2.ty) && super::ops::is_number(lhs.ty);
            if l2.ty != lhs.ty && !numeric {
                return Err(self.error(Diagnostic::error(
                    E_OPERAND_TYPE,
                    format!(
                        "list values must have the type of the tested value ({})",
                        lhs.ty
                    ),
                    span,
                )));
            }
            items.push(self.cast_to(v2.expr, v2.ty, lhs.ty));
        }
        let nullable = lhs.nullable;
        let e = DfExpr::InList(datafusion::logical_expr::expr::InList::new(
            Box::new(lhs.expr),
            items,
            negated,
        ));
        // `in` is an OR of `==`, `!in` an AND of `!=`: a null left side gives false / true.
        let e = if nullable {
            datafusion::functions::expr_fn::coalesce(vec![e, lit(negated)])
        } else {
            e
        };
        Ok(Scalar::new(e, ScalarType::Bool).non_null())
    }

    /// A list operator whose right side is a table: its first column supplies the values
    /// (a `dynamic` column's array elements count one by one, as `in` flattens arrays).
    fn in_subquery(
        &mut self,
        op: ListOp,
        lhs: Scalar,
        table: &Expr,
        span: Span,
    ) -> BResult<Scalar> {
        let tab = self.bind_tabular(table)?;
        let Some(first) = tab.cols.first().cloned() else {
            return Err(self.error(Diagnostic::error(
                E_KIND,
                "the table has no columns",
                table.span,
            )));
        };
        let value_col = self.fresh_name("in_value");
        let raw_col = self.fresh_name("in_raw");
        // The values, one per row, as the tested value's type.
        let (values, vty) = if first.ty == ScalarType::Dynamic {
            let items = self.op_udf(
                crate::udf::OpKind::MvItems {
                    bag_as_array: false,
                    limit: None,
                },
                vec![super::names::column(&first.name)],
                span,
            )?;
            let plan = datafusion::logical_expr::LogicalPlanBuilder::from(tab.plan)
                .project(vec![items.alias(&raw_col)])
                .and_then(|b| {
                    b.unnest_columns_with_options(
                        vec![datafusion::common::Column::new_unqualified(
                            raw_col.as_str(),
                        )],
                        datafusion::common::UnnestOptions::new().with_preserve_nulls(false),
                    )
                })
                .and_then(|b| b.build())
                .map_err(|e| self.plan_error(e, table.span))?;
            let target = if lhs.ty == ScalarType::Dynamic {
                ScalarType::String
            } else {
                lhs.ty
            };
            let cast = self.op_udf(
                crate::udf::OpKind::DynCast(target),
                vec![super::names::column(&raw_col)],
                span,
            )?;
            let plan = datafusion::logical_expr::LogicalPlanBuilder::from(plan)
                .project(vec![cast.alias(&value_col)])
                .and_then(|b| b.build())
                .map_err(|e| self.plan_error(e, table.span))?;
            (plan, target)
        } else {
            let plan = datafusion::logical_expr::LogicalPlanBuilder::from(tab.plan)
                .project(vec![super::names::column(&first.name).alias(&value_col)])
                .and_then(|b| b.build())
                .map_err(|e| self.plan_error(e, table.span))?;
            (plan, first.ty)
        };
        let lhs = if lhs.ty == ScalarType::Dynamic || lhs.ty == ScalarType::Guid {
            self.as_text(lhs, span)?
        } else {
            lhs
        };
        let compatible = vty == lhs.ty
            || (super::ops::is_number(vty) && super::ops::is_number(lhs.ty))
            || (vty == ScalarType::Guid && lhs.ty == ScalarType::String);
        if !compatible {
            return Err(self.error(Diagnostic::error(
                E_OPERAND_TYPE,
                format!(
                    "the table's first column `{}` is {}, but the tested value is {}",
                    first.name, vty, lhs.ty
                ),
                table.span,
            )));
        }
        match op {
            ListOp::In | ListOp::NotIn | ListOp::InCi | ListOp::NotInCi => {
                let ci = matches!(op, ListOp::InCi | ListOp::NotInCi);
                let negated = matches!(op, ListOp::NotIn | ListOp::NotInCi);
                let mut v = super::names::column(&value_col);
                let mut l = lhs.expr;
                if ci {
                    v = datafusion::functions::expr_fn::lower(v);
                    l = datafusion::functions::expr_fn::lower(l);
                } else if vty != lhs.ty {
                    v = self.cast_to(v, vty, lhs.ty);
                }
                let sub = if ci || vty != lhs.ty {
                    let out = self.fresh_name("in_set");
                    datafusion::logical_expr::LogicalPlanBuilder::from(values)
                        .project(vec![v.alias(&out)])
                        .and_then(|b| b.build())
                        .map_err(|e| self.plan_error(e, table.span))?
                } else {
                    values
                };
                let e = DfExpr::InSubquery(datafusion::logical_expr::expr::InSubquery::new(
                    Box::new(l),
                    datafusion::logical_expr::Subquery {
                        subquery: std::sync::Arc::new(sub),
                        outer_ref_columns: vec![],
                        spans: Default::default(),
                    },
                    negated,
                ));
                let nullable = lhs.nullable;
                let e = if nullable {
                    datafusion::functions::expr_fn::coalesce(vec![e, lit(negated)])
                } else {
                    e
                };
                Ok(Scalar::new(e, ScalarType::Bool).non_null())
            }
            ListOp::HasAny | ListOp::HasAll | ListOp::HasAnyCs | ListOp::HasAllCs => {
                // The needles are only known when the table is computed: collect them into
                // one dynamic array (a scalar subquery) that the matcher compiles per batch.
                let list = datafusion::logical_expr::LogicalPlanBuilder::from(values)
                    .aggregate(
                        Vec::<DfExpr>::new(),
                        vec![
                            datafusion::functions_aggregate::expr_fn::array_agg(
                                super::names::column(&value_col),
                            )
                            .alias(&value_col),
                        ],
                    )
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, table.span))?;
                let sub = DfExpr::ScalarSubquery(datafusion::logical_expr::Subquery {
                    subquery: std::sync::Arc::new(list),
                    outer_ref_columns: vec![],
                    spans: Default::default(),
                });
                let json = self.op_udf(
                    crate::udf::OpKind::ListToDynamic {
                        json_elems: false,
                        limit: None,
                        dedupe: true,
                    },
                    vec![sub],
                    span,
                )?;
                let all = matches!(op, ListOp::HasAll | ListOp::HasAllCs);
                let cs = matches!(op, ListOp::HasAnyCs | ListOp::HasAllCs);
                let hay = self.as_text(lhs, span)?;
                let e = self.op_udf(
                    crate::udf::OpKind::HasAnyDynamic { all, cs },
                    vec![hay.expr, json],
                    span,
                )?;
                Ok(Scalar::new(e, ScalarType::Bool).non_null())
            }
        }
    }

    /// `x between (low .. high)`; `datetime between (start .. timespan)` means
    /// `start .. start + timespan`.
    pub fn bind_between(
        &mut self,
        expr: &Expr,
        low: &Expr,
        high: &Expr,
        negated: bool,
        input: Option<&Tab>,
        span: Span,
    ) -> BResult<Scalar> {
        let x = self.bind_scalar(expr, input)?;
        let lo = self.bind_scalar(low, input)?;
        let hi = self.bind_scalar(high, input)?;
        let hi = if x.ty == ScalarType::DateTime && hi.ty == ScalarType::Timespan {
            self.bind_binary(BinaryOp::Add, lo.clone(), hi, span, low.span, high.span)?
        } else {
            hi
        };
        let ge = self.bind_binary(BinaryOp::GtEq, x.clone(), lo, span, expr.span, low.span)?;
        let le = self.bind_binary(BinaryOp::LtEq, x, hi, span, expr.span, high.span)?;
        let nullable = ge.nullable || le.nullable;
        let both = ge.expr.and(le.expr);
        let e = if negated {
            DfExpr::Not(Box::new(both))
        } else {
            both
        };
        Ok(Scalar {
            expr: e,
            ty: ScalarType::Bool,
            constant: None,
            nullable,
        })
    }
}

/// A constant `dynamic` array in a list (`has_any (MyList)`) stands for its elements.
fn flatten_dynamic_list(v: Scalar) -> Vec<Scalar> {
    if v.ty == ScalarType::Dynamic
        && let Some(ScalarValue::Utf8(Some(text))) = &v.constant
        && let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text)
    {
        return items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(s) => {
                    Scalar::constant(ScalarValue::Utf8(Some(s)), ScalarType::String)
                }
                serde_json::Value::Number(n) if n.is_i64() => {
                    Scalar::constant(ScalarValue::Int64(n.as_i64()), ScalarType::Long)
                }
                serde_json::Value::Number(n) => {
                    Scalar::constant(ScalarValue::Float64(n.as_f64()), ScalarType::Real)
                }
                serde_json::Value::Bool(b) => {
                    Scalar::constant(ScalarValue::Boolean(Some(b)), ScalarType::Bool)
                }
                other => Scalar::constant(
                    ScalarValue::Utf8(Some(other.to_string())),
                    ScalarType::Dynamic,
                ),
            })
            .collect();
    }
    vec![v]
}

/// The text of a constant list element, as string operators see it.
fn constant_text(v: &Scalar) -> Option<String> {
    match v.constant.as_ref()? {
        ScalarValue::Utf8(Some(s)) => Some(s.clone()),
        ScalarValue::Utf8(None) => Some(String::new()),
        ScalarValue::Int64(Some(n)) => Some(n.to_string()),
        ScalarValue::Int32(Some(n)) => Some(n.to_string()),
        ScalarValue::Float64(Some(f)) => Some(f.to_string()),
        ScalarValue::Boolean(Some(b)) => Some(b.to_string()),
        _ => None,
    }
}
