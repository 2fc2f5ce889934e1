//! `mv-expand`: one output row per element of `dynamic` arrays or bags.
//!
//! Semantics (Kusto `mv-expand-operator.md`): several expanded columns are expanded in
//! parallel, the shorter padded with null; a null value yields one row with null; an empty
//! array or bag yields no row; a bag's entries become `{"key": value}` (`kind=bag`, the
//! default) or `["key", value]` (`kind=array`); `to typeof(T)` casts each element without
//! parsing (elements of another type become null); `with_itemindex=I` adds the 0-based
//! position; `limit N` caps the rows per input row.
//!
//! Lowering: a projection turns each expanded value into an Arrow list of its elements'
//! JSON texts, DataFusion's `unnest` zips the lists into rows, and a last projection applies
//! the casts and names.

use super::names::{column, default_name};
use super::{BResult, Binder, E_BAD_OPTION, E_OPERAND_TYPE};
use crate::bound::{Col, Tab};
use crate::udf::OpKind;
use datafusion::common::{Column, UnnestOptions};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{MvExpand, ParamValue, ScalarType};

impl Binder<'_> {
    pub fn bind_mv_expand(&mut self, input: Tab, mv: &MvExpand, span: Span) -> BResult<Tab> {
        let mut bag_as_array = false;
        let mut item_index: Option<String> = None;
        for p in &mv.params {
            let value = match &p.value {
                ParamValue::Name(id) => id.name.clone(),
                _ => String::new(),
            };
            match (p.name.name.as_str(), value.as_str()) {
                ("kind" | "bagexpansion", "array") => bag_as_array = true,
                ("kind" | "bagexpansion", "bag") => bag_as_array = false,
                ("with_itemindex", name) if !name.is_empty() => item_index = Some(name.to_string()),
                (n, _) if n.starts_with("hint.") => {}
                _ => {
                    return Err(self.error(Diagnostic::error(
                        E_BAD_OPTION,
                        format!("unknown `mv-expand` option `{}`", p.name.name),
                        p.span,
                    )));
                }
            }
        }
        let limit = match &mv.limit {
            Some(e) => Some(self.constant_count(e, "mv-expand limit")? as u64),
            None => None,
        };
        // Expanded columns: (name, list expression, target type).
        let mut expanded: Vec<(String, DfExpr, ScalarType)> = Vec::new();
        let mut first_value: Option<DfExpr> = None;
        for (i, c) in mv.columns.iter().enumerate() {
            let v = self.bind_scalar(&c.column.expr, Some(&input))?;
            if v.ty != ScalarType::Dynamic {
                return Err(self.error(Diagnostic::error(
                    E_OPERAND_TYPE,
                    format!(
                        "`mv-expand` expands dynamic arrays or bags, but this is {}",
                        v.ty
                    ),
                    c.column.expr.span,
                )));
            }
            let name = match c.column.names.first() {
                Some(n) => n.name.clone(),
                None => default_name(&c.column.expr, &format!("Column{}", i + 1)),
            };
            if first_value.is_none() {
                first_value = Some(v.expr.clone());
            }
            let list = self.op_udf(
                OpKind::MvItems {
                    bag_as_array,
                    limit,
                },
                vec![v.expr],
                span,
            )?;
            expanded.push((name, list, c.to_type.unwrap_or(ScalarType::Dynamic)));
        }
        // Stage 1: every input column, with expanded ones replaced by (or added as) lists.
        let mut exprs = Vec::new();
        let mut staged: Vec<String> = Vec::new();
        for c in &input.cols {
            match expanded.iter().find(|(n, _, _)| *n == c.name) {
                Some((n, list, _)) => exprs.push(list.clone().alias(n)),
                None => exprs.push(column(&c.name)),
            }
            staged.push(c.name.clone());
        }
        for (n, list, _) in &expanded {
            if !staged.contains(n) {
                exprs.push(list.clone().alias(n));
                staged.push(n.clone());
            }
        }
        let index_col = self.fresh_name("mv_index");
        if item_index.is_some()
            && let Some(v) = first_value
        {
            exprs.push(
                self.op_udf(OpKind::MvIndex { limit }, vec![v], span)?
                    .alias(&index_col),
            );
        }
        let mut unnest: Vec<Column> = expanded
            .iter()
            .map(|(n, _, _)| Column::new_unqualified(n.as_str()))
            .collect();
        if item_index.is_some() {
            unnest.push(Column::new_unqualified(index_col.as_str()));
        }
        let options = UnnestOptions::new().with_preserve_nulls(false);
        let in_cols = input.cols.clone();
        let plan = LogicalPlanBuilder::from(input.plan)
            .project(exprs)
            .and_then(|b| b.unnest_columns_with_options(unnest, options))
            .map_err(|e| self.plan_error(e, span))?;
        // Stage 2: casts and the index column's name.
        let mut out_exprs = Vec::new();
        let mut cols = Vec::new();
        for name in &staged {
            match expanded.iter().find(|(n, _, _)| n == name) {
                Some((_, _, ty)) => {
                    let e = if *ty == ScalarType::Dynamic {
                        column(name)
                    } else {
                        self.op_udf(OpKind::DynCast(*ty), vec![column(name)], span)?
                    };
                    out_exprs.push(e.alias(name));
                    cols.push(Col {
                        name: name.clone(),
                        ty: *ty,
                    });
                }
                None => {
                    out_exprs.push(column(name));
                    let ty = in_cols
                        .iter()
                        .find(|c| c.name == *name)
                        .map_or(ScalarType::Dynamic, |c| c.ty);
                    cols.push(Col {
                        name: name.clone(),
                        ty,
                    });
                }
            }
        }
        if let Some(ix) = item_index {
            out_exprs.push(column(&index_col).alias(&ix));
            cols.push(Col {
                name: ix,
                ty: ScalarType::Long,
            });
        }
        let plan = plan
            .project(out_exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace("mv-expand", &tab);
        Ok(tab)
    }
}
