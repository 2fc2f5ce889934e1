//! `mv-apply`: a sub-query run on each row's expanded arrays.
//!
//! Semantics (Kusto `mv-apply-operator.md`): each input row's arrays are expanded as by
//! `mv-expand`, the sub-query runs on that row's expanded rows only, and its result rows
//! are returned with the row's other columns in front. Lowering: the rows are numbered,
//! expanded together, and the sub-query's operators are bound "per row number" — row-wise
//! operators as they are, `summarize`/`distinct`/`count` with the row's columns added to
//! the keys, `top`/`take` as ranks within each row. The row number is dropped at the end.

use super::names::column;
use super::{BResult, Binder, E_UNSUPPORTED};
use crate::bound::{Col, Scalar, Tab};
use datafusion::functions_window::expr_fn as win;
use datafusion::logical_expr::{ExprFunctionExt, SortExpr, lit};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{
    ColumnAssign, ColumnPattern, Expr, ExprKind, Ident, MvApply, MvExpand, NullsOrder, Operator,
    OperatorKind, ScalarType, SortOrder, Summarize,
};

impl Binder<'_> {
    pub fn bind_mv_apply(&mut self, input: Tab, ma: &MvApply, span: Span) -> BResult<Tab> {
        let row = self.fresh_name("mv_apply_row");
        let numbered = self.with_column(
            Tab {
                serialized: true,
                ..input
            },
            &row,
            Scalar::new(win::row_number(), ScalarType::Long),
            span,
        )?;
        let expanded_names: Vec<String> = ma
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c.column.names.first() {
                Some(n) => n.name.clone(),
                None => super::names::default_name(&c.column.expr, &format!("Column{}", i + 1)),
            })
            .collect();
        let mv = MvExpand {
            params: ma.params.clone(),
            columns: ma.columns.clone(),
            limit: ma.limit.clone(),
        };
        let expanded = self.bind_mv_expand(numbered, &mv, span)?;
        // The row's own columns: everything the expansion did not produce.
        let index_name = ma
            .params
            .iter()
            .find(|p| p.name.name == "with_itemindex")
            .and_then(|p| match &p.value {
                kql_syntax::ParamValue::Name(id) => Some(id.name.clone()),
                _ => None,
            });
        let keys: Vec<Col> = expanded
            .cols
            .iter()
            .filter(|c| !expanded_names.contains(&c.name) && Some(&c.name) != index_name.as_ref())
            .cloned()
            .collect();
        // The sub-query's operators, from its implicit input outwards.
        let mut ops: Vec<&Operator> = Vec::new();
        let mut cur = &ma.subquery;
        loop {
            match &cur.kind {
                ExprKind::Pipe { input, op } => {
                    ops.push(op);
                    cur = input;
                }
                ExprKind::Paren(inner) => cur = inner,
                ExprKind::ImplicitInput => break,
                _ => {
                    return Err(self.error(Diagnostic::error(
                        E_UNSUPPORTED,
                        "an `mv-apply` sub-query must start with an operator (its input is the row's expanded values)",
                        cur.span,
                    )));
                }
            }
        }
        ops.reverse();
        let mut tab = expanded;
        for op in ops {
            tab = self.bind_per_row(tab, op, &keys)?;
        }
        // Output: the row's columns (without the row number), then the sub-query's others.
        let mut out: Vec<Col> = keys.iter().filter(|c| c.name != row).cloned().collect();
        for c in &tab.cols {
            if !keys.iter().any(|k| k.name == c.name) {
                out.push(c.clone());
            }
        }
        let result = self.select(tab, out, span)?;
        self.trace("mv-apply", &result);
        Ok(result)
    }

    /// Binds one sub-query operator so that it works within each row's group.
    fn bind_per_row(&mut self, tab: Tab, op: &Operator, keys: &[Col]) -> BResult<Tab> {
        let span = op.span;
        let key_assigns = || -> Vec<ColumnAssign> {
            keys.iter()
                .map(|k| ColumnAssign {
                    names: vec![],
                    expr: Expr::new(ExprKind::Name(Ident::new(k.name.clone(), span)), span),
                    span,
                })
                .collect()
        };
        match &op.kind {
            OperatorKind::Where(_)
            | OperatorKind::Extend(_)
            | OperatorKind::Parse(_)
            | OperatorKind::MvExpand(_)
            | OperatorKind::ProjectRename(_)
            | OperatorKind::ProjectReorder(_)
            | OperatorKind::Serialize(_) => self.bind_operator(tab, op),
            OperatorKind::Project(cols) => {
                // The row's columns stay, unless the projection redefines one of them.
                let redefined: Vec<&str> = cols
                    .iter()
                    .flat_map(|c| c.names.iter().map(|n| n.name.as_str()))
                    .collect();
                let mut all: Vec<ColumnAssign> = key_assigns()
                    .into_iter()
                    .filter(|k| {
                        !matches!(&k.expr.kind, ExprKind::Name(id) if redefined.contains(&id.name.as_str()))
                    })
                    .collect();
                all.extend(cols.iter().filter(|c| !is_key_ref(c, keys)).cloned());
                self.bind_project(tab, &all, span)
            }
            OperatorKind::ProjectKeep(pats) | OperatorKind::ProjectAway(pats) => {
                let keep = matches!(op.kind, OperatorKind::ProjectKeep(_));
                let mut pats: Vec<ColumnPattern> = pats.clone();
                if keep {
                    pats.extend(keys.iter().map(|k| ColumnPattern {
                        pattern: Ident::new(k.name.clone(), span),
                        wildcard: false,
                    }));
                    self.bind_project_keep(tab, &pats, span)
                } else {
                    pats.retain(|p| !keys.iter().any(|k| k.name == p.pattern.name));
                    self.bind_project_away(tab, &pats, span)
                }
            }
            OperatorKind::Summarize(s) => {
                let mut by = key_assigns();
                by.extend(s.by.iter().cloned());
                let s = Summarize {
                    params: s.params.clone(),
                    aggregates: s.aggregates.clone(),
                    by,
                };
                self.bind_summarize(tab, &s, span)
            }
            OperatorKind::Distinct(cols) => {
                let mut all: Vec<Expr> = keys
                    .iter()
                    .map(|k| Expr::new(ExprKind::Name(Ident::new(k.name.clone(), span)), span))
                    .collect();
                if cols.iter().any(|c| matches!(c.kind, ExprKind::Star)) || cols.is_empty() {
                    all = Vec::new();
                } else {
                    all.extend(cols.iter().cloned());
                }
                self.bind_operator(
                    tab,
                    &Operator {
                        kind: OperatorKind::Distinct(all),
                        span,
                    },
                )
            }
            OperatorKind::Count => {
                let count = ColumnAssign {
                    names: vec![Ident::new("Count", span)],
                    expr: Expr::new(
                        ExprKind::Call(kql_syntax::Call {
                            name: Ident::new("count", span),
                            args: vec![],
                            span,
                        }),
                        span,
                    ),
                    span,
                };
                let s = Summarize {
                    params: vec![],
                    aggregates: vec![count],
                    by: key_assigns(),
                };
                self.bind_summarize(tab, &s, span)
            }
            OperatorKind::Take(n) | OperatorKind::Top { count: n, .. } => {
                let limit = self.constant_count(n, "take")?;
                let order = match &op.kind {
                    OperatorKind::Top { key, .. } => {
                        let v = self.bind_scalar(&key.expr, Some(&tab))?;
                        let asc = key.order == Some(SortOrder::Asc);
                        let nulls_first = match key.nulls {
                            Some(NullsOrder::First) => true,
                            Some(NullsOrder::Last) => false,
                            None => asc,
                        };
                        vec![SortExpr::new(v.expr, asc, nulls_first)]
                    }
                    _ => vec![],
                };
                let partition: Vec<_> = keys.iter().map(|k| column(&k.name)).collect();
                let mut f = win::row_number().partition_by(partition);
                if !order.is_empty() {
                    f = f.order_by(order);
                }
                let rank = f.build().map_err(|e| self.plan_error(e, span))?;
                let rank_name = self.fresh_name("rank");
                let ranked =
                    self.with_column(tab, &rank_name, Scalar::new(rank, ScalarType::Long), span)?;
                let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                let filtered = self.filter(ranked, column(&rank_name).lt_eq(lit(limit)), span)?;
                let cols: Vec<Col> = filtered
                    .cols
                    .iter()
                    .filter(|c| c.name != rank_name)
                    .cloned()
                    .collect();
                self.select(filtered, cols, span)
            }
            OperatorKind::Sort { .. } => Ok(tab),
            _ => Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                format!(
                    "`{}` is not supported inside `mv-apply` yet",
                    super::tabular::operator_name(&op.kind)
                ),
                span,
            ))),
        }
    }
}

fn is_key_ref(c: &ColumnAssign, keys: &[Col]) -> bool {
    c.names.is_empty()
        && matches!(&c.expr.kind, ExprKind::Name(id) if keys.iter().any(|k| k.name == id.name))
}
