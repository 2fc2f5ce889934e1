//! `top-nested` and `search`.
//!
//! `top-nested` (Kusto `top-nested-operator.md`): each level groups by its `of` expression
//! within the groups kept at the previous level, computes its aggregate, and keeps the top
//! N groups by it (all when N is omitted); the output has, per level, the grouping column
//! and the aggregate column. Lowering: one `summarize` per level over the input with the
//! keys of all levels so far, ranked with `row_number()` partitioned by the previous
//! levels' keys, then the levels joined on their shared keys.
//!
//! `search` (Kusto `search-operator.md`): a bare string searches every column for that
//! term (`has`, case-insensitive); any other predicate is an ordinary filter. Over several
//! tables the rows are unioned with a `$table` column naming their table.

use super::names::column;
use super::{BResult, Binder, E_UNSUPPORTED};
use crate::bound::{Col, Scalar, Tab};
use datafusion::common::{JoinType, NullEquality};
use datafusion::functions_window::expr_fn as win;
use datafusion::logical_expr::{ExprFunctionExt, LogicalPlanBuilder, SortExpr, lit};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{
    ColumnAssign, Expr, ExprKind, Ident, LiteralKind, NamedParam, ScalarType, SortOrder, Summarize,
    TopNestedLevel,
};

impl Binder<'_> {
    pub fn bind_top_nested(
        &mut self,
        input: Tab,
        levels: &[TopNestedLevel],
        span: Span,
    ) -> BResult<Tab> {
        if let Some(l) = levels.iter().find(|l| l.others.is_some()) {
            return Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                "`top-nested ... with others` is not supported yet",
                l.span,
            )));
        }
        let mut keys: Vec<ColumnAssign> = Vec::new();
        let mut key_names: Vec<String> = Vec::new();
        let mut result: Option<Tab> = None;
        let mut out_cols: Vec<Col> = Vec::new();
        for (i, level) in levels.iter().enumerate() {
            let key_name = match level.of.names.first() {
                Some(n) => n.name.clone(),
                None => super::names::default_name(&level.of.expr, &format!("Column{}", i + 1)),
            };
            keys.push(ColumnAssign {
                names: vec![Ident::new(key_name.clone(), level.of.span)],
                expr: level.of.expr.clone(),
                span: level.of.span,
            });
            let agg_name = match level.by.names.first() {
                Some(n) => n.name.clone(),
                None => format!("aggregated_{key_name}"),
            };
            let s = Summarize {
                params: vec![],
                aggregates: vec![ColumnAssign {
                    names: vec![Ident::new(agg_name.clone(), level.by.span)],
                    expr: level.by.expr.clone(),
                    span: level.by.span,
                }],
                by: keys.clone(),
            };
            let level_tab = self.bind_summarize(input.clone(), &s, level.span)?;
            let agg_ty = level_tab.find(&agg_name).map_or(ScalarType::Long, |c| c.ty);
            // Rank within the previous levels' groups.
            let asc = level.order == Some(SortOrder::Asc);
            let partition: Vec<_> = key_names.iter().map(|k| column(k)).collect();
            let mut rank =
                win::row_number().order_by(vec![SortExpr::new(column(&agg_name), asc, !asc)]);
            if !partition.is_empty() {
                rank = rank.partition_by(partition);
            }
            let rank = rank.build().map_err(|e| self.plan_error(e, level.span))?;
            let rank_name = self.fresh_name("nested_rank");
            let ranked = self.with_column(
                level_tab,
                &rank_name,
                Scalar::new(rank, ScalarType::Long),
                level.span,
            )?;
            let kept = match &level.count {
                Some(n) => {
                    let n = self.constant_count(n, "top-nested")?;
                    let n = i64::try_from(n).unwrap_or(i64::MAX);
                    self.filter(ranked, column(&rank_name).lt_eq(lit(n)), level.span)?
                }
                None => ranked,
            };
            let key_ty = kept.find(&key_name).map_or(ScalarType::String, |c| c.ty);
            let mut level_cols: Vec<Col> = key_names
                .iter()
                .filter_map(|k| kept.find(k).cloned())
                .collect();
            level_cols.push(Col {
                name: key_name.clone(),
                ty: key_ty,
            });
            level_cols.push(Col {
                name: agg_name.clone(),
                ty: agg_ty,
            });
            let kept = self.select(kept, level_cols, level.span)?;
            out_cols.push(Col {
                name: key_name.clone(),
                ty: key_ty,
            });
            out_cols.push(Col {
                name: agg_name.clone(),
                ty: agg_ty,
            });
            result = Some(match result {
                None => kept,
                Some(prev) => {
                    // Keep only groups whose parents survived: join on the previous keys.
                    let on: (
                        Vec<datafusion::common::Column>,
                        Vec<datafusion::common::Column>,
                    ) = key_names
                        .iter()
                        .map(|k| {
                            (
                                datafusion::common::Column::new(Some("__kql_parent"), k.as_str()),
                                datafusion::common::Column::new(Some("__kql_child"), k.as_str()),
                            )
                        })
                        .unzip();
                    let child = LogicalPlanBuilder::from(kept.plan)
                        .alias("__kql_child")
                        .and_then(|b| b.build())
                        .map_err(|e| self.plan_error(e, level.span))?;
                    let mut exprs = Vec::new();
                    for c in &prev.cols {
                        exprs.push(
                            datafusion::logical_expr::Expr::Column(
                                datafusion::common::Column::new(
                                    Some("__kql_parent"),
                                    c.name.as_str(),
                                ),
                            )
                            .alias(&c.name),
                        );
                    }
                    exprs.push(
                        datafusion::logical_expr::Expr::Column(datafusion::common::Column::new(
                            Some("__kql_child"),
                            key_name.as_str(),
                        ))
                        .alias(&key_name),
                    );
                    exprs.push(
                        datafusion::logical_expr::Expr::Column(datafusion::common::Column::new(
                            Some("__kql_child"),
                            agg_name.as_str(),
                        ))
                        .alias(&agg_name),
                    );
                    let plan = LogicalPlanBuilder::from(prev.plan)
                        .alias("__kql_parent")
                        .and_then(|b| {
                            b.join_detailed(
                                child,
                                JoinType::Inner,
                                on,
                                None,
                                NullEquality::NullEqualsNull,
                            )
                        })
                        .and_then(|b| b.project(exprs))
                        .and_then(|b| b.build())
                        .map_err(|e| self.plan_error(e, level.span))?;
                    let mut cols = prev.cols.clone();
                    cols.push(Col {
                        name: key_name.clone(),
                        ty: key_ty,
                    });
                    cols.push(Col {
                        name: agg_name.clone(),
                        ty: agg_ty,
                    });
                    Tab::new(plan, cols)
                }
            });
            key_names.push(key_name);
        }
        let Some(tab) = result else {
            return Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                "`top-nested` needs at least one level",
                span,
            )));
        };
        let tab = self.select(tab, out_cols, span)?;
        self.trace("top-nested", &tab);
        Ok(tab)
    }

    /// `T | search predicate`.
    pub fn bind_search_filter(&mut self, input: Tab, predicate: &Expr, span: Span) -> BResult<Tab> {
        let p = self.search_predicate(&input, predicate)?;
        let tab = self.filter(input, p.expr, span)?;
        self.trace("search", &tab);
        Ok(tab)
    }

    /// `search [in (T, ...)] predicate` as a source.
    pub fn bind_search_source(
        &mut self,
        params: &[NamedParam],
        tables: Option<&[Expr]>,
        predicate: &Expr,
        span: Span,
    ) -> BResult<Tab> {
        let legs: Vec<Expr> = match tables {
            Some(t) => t.to_vec(),
            None => self
                .catalog
                .table_names()
                .into_iter()
                .map(|n| Expr::new(ExprKind::Name(Ident::new(n, span)), span))
                .collect(),
        };
        let _ = params;
        let mut filtered = Vec::new();
        for leg in &legs {
            let name = match &leg.kind {
                ExprKind::Name(id) => id.name.clone(),
                _ => "search".to_string(),
            };
            let tab = self.bind_tabular(leg)?;
            let p = self.search_predicate(&tab, predicate)?;
            let tab = self.filter(tab, p.expr, span)?;
            let tab = self.with_column(
                tab,
                "$table",
                Scalar::constant(
                    datafusion::scalar::ScalarValue::Utf8(Some(name)),
                    ScalarType::String,
                ),
                span,
            )?;
            // `$table` first.
            let mut cols = vec![Col {
                name: "$table".into(),
                ty: ScalarType::String,
            }];
            cols.extend(tab.cols.iter().filter(|c| c.name != "$table").cloned());
            filtered.push(self.select(tab, cols, span)?);
        }
        self.union_tabs(filtered, span)
    }

    /// A search predicate: a bare string means "some column has this term".
    fn search_predicate(&mut self, tab: &Tab, predicate: &Expr) -> BResult<Scalar> {
        let term = match &predicate.kind {
            ExprKind::Literal(kql_syntax::Literal {
                kind: LiteralKind::String { value, .. },
                ..
            }) => Some(value.clone()),
            _ => None,
        };
        let Some(term) = term else {
            return self.bind_predicate(predicate, Some(tab));
        };
        let mut any: Option<datafusion::logical_expr::Expr> = None;
        for c in &tab.cols {
            let v = Scalar::new(column(&c.name), c.ty);
            let text = match c.ty {
                ScalarType::String | ScalarType::Guid => v.expr,
                _ => {
                    self.call_registry("tostring", vec![v], predicate.span)?
                        .expr
                }
            };
            let has = kql_functions::string_predicate(
                kql_functions::StringOp::Has,
                false,
                text,
                lit(term.clone()),
            );
            any = Some(match any {
                None => has,
                Some(a) => a.or(has),
            });
        }
        Ok(Scalar::new(any.unwrap_or_else(|| lit(false)), ScalarType::Bool).non_null())
    }
}
