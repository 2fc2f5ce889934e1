//! `evaluate` plugins. `bag_unpack` is supported: it turns the slots of a `dynamic` bag
//! column into columns.
//!
//! Semantics (Kusto `bag-unpack-plugin.md`): the unpacked column is removed; each distinct
//! top-level slot of its bags becomes a column (optionally prefixed), typed by its values
//! when they all share a type and `dynamic` otherwise; null values are ignored; a slot
//! whose name is taken by an input column is an error by default, or replaces
//! (`columnsConflict='replace_source'`) or yields to (`'keep_source'`) that column;
//! `ignoredProperties` skips slots.
//!
//! The output columns depend on the data, so planning takes two passes: the first records
//! a [`Discovery`](crate::Discovery) plan listing slots and value types, the engine runs it,
//! and the second pass plans with the slots found (sorted by name, as Kusto shows them).

use super::names::column;
use super::{
    BResult, Binder, E_ARG_COUNT, E_BAD_OPTION, E_DUPLICATE_COLUMN, E_OPERAND_TYPE, E_UNSUPPORTED,
};
use crate::bound::{Col, Discovery, Tab};
use crate::udf::OpKind;
use datafusion::common::{Column, UnnestOptions};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Call, ScalarType};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Conflict {
    Error,
    ReplaceSource,
    KeepSource,
}

impl Binder<'_> {
    pub fn bind_evaluate(&mut self, input: Tab, call: &Call, span: Span) -> BResult<Tab> {
        match call.name.name.as_str() {
            "bag_unpack" => self.bind_bag_unpack(input, call, span),
            "pivot" => self.bind_pivot(input, call, span),
            "ipv4_lookup" => self.bind_ip_lookup(input, call, span, false),
            "ipv6_lookup" => self.bind_ip_lookup(input, call, span, true),
            "geo_polygon_lookup" => self.bind_geo_lookup(input, call, span, false),
            "geo_line_lookup" => self.bind_geo_lookup(input, call, span, true),
            "sliding_window_counts" => self.bind_sliding_window_counts(input, call, span),
            other => Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                format!("the `{other}` plugin is not supported yet (kqlhunt runs `bag_unpack`, `pivot` and the lookup plugins)"),
                call.name.span,
            ))),
        }
    }

    fn bind_bag_unpack(&mut self, input: Tab, call: &Call, span: Span) -> BResult<Tab> {
        let mut positional = Vec::new();
        let mut conflict = Conflict::Error;
        let mut ignored: Vec<String> = Vec::new();
        for (i, a) in call.args.iter().enumerate() {
            let name = a.name.as_ref().map(|n| n.name.as_str());
            match name {
                Some("columnsConflict") => conflict = self.conflict_option(&a.value)?,
                Some("ignoredProperties") => ignored = self.ignored_option(&a.value)?,
                Some(other) => {
                    return Err(self.error(Diagnostic::error(
                        E_BAD_OPTION,
                        format!("unknown `bag_unpack` argument `{other}`"),
                        a.value.span,
                    )));
                }
                None => match i {
                    0 | 1 => positional.push(&a.value),
                    2 => conflict = self.conflict_option(&a.value)?,
                    _ => ignored = self.ignored_option(&a.value)?,
                },
            }
        }
        let Some(col_expr) = positional.first() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`bag_unpack` needs the column to unpack",
                call.span,
            )));
        };
        let source = self.bind_scalar(col_expr, Some(&input))?;
        if source.ty != ScalarType::Dynamic {
            return Err(self.error(Diagnostic::error(
                E_OPERAND_TYPE,
                format!("`bag_unpack` unpacks a dynamic column, not {}", source.ty),
                col_expr.span,
            )));
        }
        let source_name = match &col_expr.kind {
            kql_syntax::ExprKind::Name(id) => Some(id.name.clone()),
            _ => None,
        };
        let prefix = match positional.get(1) {
            Some(p) => {
                let v = self.bind_scalar_no_input(p)?;
                match self.fold(v).constant {
                    Some(ScalarValue::Utf8(Some(s))) => s,
                    _ => {
                        return Err(self.error(Diagnostic::error(
                            E_BAD_OPTION,
                            "the column prefix must be a constant string",
                            p.span,
                        )));
                    }
                }
            }
            None => String::new(),
        };
        let key = call.span.start;
        let slots: Vec<(String, ScalarType)> = match self.options.discovered.get(&key) {
            Some(s) => s
                .iter()
                .filter(|(k, _)| !ignored.contains(k))
                .cloned()
                .collect(),
            None => {
                // First pass: record how to find the slots; the output has none yet.
                let plan = self.bag_discovery(&input, source.expr.clone(), span)?;
                self.discoveries.push(Discovery { key, plan });
                Vec::new()
            }
        };
        // Output: the input columns but the unpacked one, then one column per slot.
        let mut kept: Vec<Col> = input
            .cols
            .iter()
            .filter(|c| Some(&c.name) != source_name.as_ref())
            .cloned()
            .collect();
        let mut new_cols: Vec<(String, String, ScalarType)> = Vec::new();
        for (slot, ty) in slots {
            let name = format!("{prefix}{slot}");
            if kept.iter().any(|c| c.name == name) {
                match conflict {
                    Conflict::Error => {
                        return Err(self.error(
                            Diagnostic::error(
                                E_DUPLICATE_COLUMN,
                                format!("`bag_unpack` would produce column `{name}`, which the input already has"),
                                call.span,
                            )
                            .with_help("pass columnsConflict='replace_source' or 'keep_source', or a column prefix"),
                        ));
                    }
                    Conflict::KeepSource => continue,
                    Conflict::ReplaceSource => kept.retain(|c| c.name != name),
                }
            }
            new_cols.push((name, slot, ty));
        }
        let mut exprs: Vec<DfExpr> = kept.iter().map(|c| column(&c.name)).collect();
        let mut cols = kept;
        for (name, slot, ty) in new_cols {
            let value = self.call_registry(
                "dynamic_get",
                vec![
                    crate::bound::Scalar::new(source.expr.clone(), ScalarType::Dynamic),
                    crate::bound::Scalar::constant(
                        ScalarValue::Utf8(Some(slot)),
                        ScalarType::String,
                    ),
                ],
                span,
            )?;
            let e = if ty == ScalarType::Dynamic {
                value.expr
            } else {
                self.op_udf(OpKind::DynCast(ty), vec![value.expr], span)?
            };
            exprs.push(e.alias(&name));
            cols.push(Col { name, ty });
        }
        let plan = LogicalPlanBuilder::from(input.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace("evaluate bag_unpack", &tab);
        Ok(tab)
    }

    /// `pivot(Column [, aggregate] [, key, ...])` (pivot-plugin.md): one output column per
    /// distinct value of `Column` (as text, sorted), holding the aggregate (default
    /// `count()`) of the rows with that value, grouped by the keys (default: every other
    /// column the aggregate does not read). Missing counts and sums are 0.
    fn bind_pivot(&mut self, input: Tab, call: &Call, span: Span) -> BResult<Tab> {
        use kql_syntax::{ColumnAssign, Expr, ExprKind, Ident};
        let Some(pivot_arg) = call.args.first() else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                "`pivot` needs the column to pivot",
                call.span,
            )));
        };
        let ExprKind::Name(pivot_id) = &pivot_arg.value.kind else {
            return Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                "`pivot`: the pivot column must be a column name",
                pivot_arg.value.span,
            )));
        };
        self.resolve_column(&input, pivot_id)?;
        let (agg_call, key_args): (Option<&kql_syntax::Call>, Vec<&Expr>) =
            match call.args.get(1).map(|a| &a.value.kind) {
                Some(ExprKind::Call(c)) => {
                    (Some(c), call.args[2..].iter().map(|a| &a.value).collect())
                }
                _ => (None, call.args[1..].iter().map(|a| &a.value).collect()),
            };
        // Keys: as given, or every column but the pivot column and the aggregate's inputs.
        let mut agg_inputs: Vec<String> = Vec::new();
        if let Some(c) = agg_call {
            for a in &c.args {
                collect_names(&a.value, &mut agg_inputs);
            }
        }
        let keys: Vec<ColumnAssign> = if key_args.is_empty() {
            input
                .cols
                .iter()
                .filter(|c| c.name != pivot_id.name && !agg_inputs.contains(&c.name))
                .map(|c| ColumnAssign {
                    names: vec![],
                    expr: Expr::new(ExprKind::Name(Ident::new(c.name.clone(), span)), span),
                    span,
                })
                .collect()
        } else {
            key_args
                .iter()
                .map(|e| ColumnAssign {
                    names: vec![],
                    expr: (*e).clone(),
                    span: e.span,
                })
                .collect()
        };
        let key = call.span.start;
        let pivot_text = self.bind_scalar(&pivot_arg.value, Some(&input))?;
        let pivot_text = self.as_text(pivot_text, pivot_arg.value.span)?;
        let values: Vec<String> = match self.options.discovered.get(&key) {
            Some(v) => v.iter().map(|(name, _)| name.clone()).collect(),
            None => {
                let pair = datafusion::functions::expr_fn::concat(vec![
                    pivot_text.expr.clone(),
                    datafusion::logical_expr::lit("\tstring"),
                ]);
                let plan = LogicalPlanBuilder::from(input.plan.clone())
                    .project(vec![pair.alias("key_type")])
                    .and_then(|b| b.distinct())
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, span))?;
                self.discoveries.push(Discovery { key, plan });
                Vec::new()
            }
        };
        // One aggregate per value: the aggregate restricted to that value (`countif`, ...).
        let (fname, fargs): (&str, Vec<kql_syntax::Arg>) = match agg_call {
            Some(c) => (c.name.name.as_str(), c.args.clone()),
            None => ("count", Vec::new()),
        };
        let if_name = match fname {
            "count" => "countif",
            "sum" => "sumif",
            "avg" => "avgif",
            "min" => "minif",
            "max" => "maxif",
            "dcount" => "dcountif",
            "make_list" | "makelist" => "make_list_if",
            "make_set" | "makeset" => "make_set_if",
            "make_bag" => "make_bag_if",
            "take_any" | "any" => "take_anyif",
            other => {
                return Err(self.error(Diagnostic::error(
                    E_UNSUPPORTED,
                    format!("`pivot` with the aggregate `{other}` is not supported yet"),
                    call.span,
                )));
            }
        };
        let zero_default = matches!(fname, "count" | "sum" | "dcount");
        let mut aggregates = Vec::new();
        for v in &values {
            let pred = Expr::new(
                ExprKind::Binary {
                    op: kql_syntax::BinaryOp::Eq,
                    left: Box::new(Expr::new(
                        ExprKind::Call(kql_syntax::Call {
                            name: Ident::new("tostring", span),
                            args: vec![kql_syntax::Arg {
                                name: None,
                                value: pivot_arg.value.clone(),
                            }],
                            span,
                        }),
                        span,
                    )),
                    right: Box::new(Expr::new(
                        ExprKind::Literal(kql_syntax::Literal {
                            kind: kql_syntax::LiteralKind::String {
                                value: v.clone(),
                                obfuscated: false,
                            },
                            span,
                        }),
                        span,
                    )),
                },
                span,
            );
            let mut args = fargs.clone();
            // The `if` forms take the predicate after the value (`count` has none).
            let insert_at = if fname == "count" {
                0
            } else {
                1.min(args.len())
            };
            args.insert(
                insert_at,
                kql_syntax::Arg {
                    name: None,
                    value: pred,
                },
            );
            aggregates.push(ColumnAssign {
                names: vec![Ident::new(v.clone(), span)],
                expr: Expr::new(
                    ExprKind::Call(kql_syntax::Call {
                        name: Ident::new(if_name, span),
                        args,
                        span,
                    }),
                    span,
                ),
                span,
            });
        }
        let summarize = kql_syntax::Summarize {
            params: vec![],
            aggregates,
            by: keys,
        };
        let mut tab = self.bind_summarize(input, &summarize, span)?;
        if zero_default {
            for v in &values {
                if let Some(c) = tab.find(v).cloned() {
                    let e = datafusion::functions::expr_fn::coalesce(vec![
                        column(&c.name),
                        datafusion::logical_expr::lit(0i64),
                    ]);
                    let e = self.cast_to(e, ScalarType::Long, c.ty);
                    tab =
                        self.with_column(tab, &c.name, crate::bound::Scalar::new(e, c.ty), span)?;
                }
            }
        }
        self.trace("evaluate pivot", &tab);
        Ok(tab)
    }

    /// The plan listing `slot \t type` pairs of the bags in `source`.
    fn bag_discovery(
        &mut self,
        input: &Tab,
        source: DfExpr,
        span: Span,
    ) -> BResult<datafusion::logical_expr::LogicalPlan> {
        let list = self.op_udf(OpKind::BagKeyTypes, vec![source], span)?;
        LogicalPlanBuilder::from(input.plan.clone())
            .project(vec![list.alias("key_type")])
            .and_then(|b| {
                b.unnest_columns_with_options(
                    vec![Column::new_unqualified("key_type")],
                    UnnestOptions::new(),
                )
            })
            .and_then(|b| b.distinct())
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))
    }

    fn conflict_option(&mut self, e: &kql_syntax::Expr) -> BResult<Conflict> {
        let v = self.bind_scalar_no_input(e)?;
        match self.fold(v).constant {
            Some(ScalarValue::Utf8(Some(s))) => match s.as_str() {
                "error" => Ok(Conflict::Error),
                "replace_source" => Ok(Conflict::ReplaceSource),
                "keep_source" => Ok(Conflict::KeepSource),
                other => Err(self.error(Diagnostic::error(
                    E_BAD_OPTION,
                    format!("unknown columnsConflict `{other}` (use error, replace_source or keep_source)"),
                    e.span,
                ))),
            },
            _ => Err(self.error(Diagnostic::error(E_BAD_OPTION, "columnsConflict must be a constant string", e.span))),
        }
    }

    fn ignored_option(&mut self, e: &kql_syntax::Expr) -> BResult<Vec<String>> {
        let v = self.bind_scalar_no_input(e)?;
        match self.fold(v).constant {
            Some(ScalarValue::Utf8(Some(text))) => {
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(serde_json::Value::Array(items)) => Ok(items
                        .into_iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()),
                    _ => Ok(vec![text]),
                }
            }
            _ => Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                "ignoredProperties must be a constant dynamic array",
                e.span,
            ))),
        }
    }
}

/// Merges discovered `slot \t type` pairs: a slot seen with several types is `dynamic`.
pub fn merge_discovered(pairs: impl IntoIterator<Item = String>) -> Vec<(String, ScalarType)> {
    let mut map: std::collections::BTreeMap<String, Option<ScalarType>> =
        std::collections::BTreeMap::new();
    for p in pairs {
        let Some((slot, ty)) = p.split_once('\t') else {
            continue;
        };
        let ty = ScalarType::from_name(ty).unwrap_or(ScalarType::Dynamic);
        map.entry(slot.to_string())
            .and_modify(|t| {
                if *t != Some(ty) {
                    *t = Some(ScalarType::Dynamic);
                }
            })
            .or_insert(Some(ty));
    }
    map.into_iter()
        .map(|(k, t)| (k, t.unwrap_or(ScalarType::Dynamic)))
        .collect()
}

/// Column names an expression mentions.
fn collect_names(e: &kql_syntax::Expr, out: &mut Vec<String>) {
    use kql_syntax::ExprKind;
    match &e.kind {
        ExprKind::Name(id) => out.push(id.name.clone()),
        ExprKind::Call(c) => c.args.iter().for_each(|a| collect_names(&a.value, out)),
        ExprKind::Binary { left, right, .. } => {
            collect_names(left, out);
            collect_names(right, out);
        }
        ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => collect_names(operand, out),
        ExprKind::Member { target, .. } => collect_names(target, out),
        ExprKind::Index { target, index } => {
            collect_names(target, out);
            collect_names(index, out);
        }
        _ => {}
    }
}
