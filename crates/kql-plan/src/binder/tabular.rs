//! Tabular expressions: dispatch over sources and pipes, and the row-level operators
//! (`where`, `sort`, `top`, `take`, `distinct`, `count`, `as`, `serialize`, `getschema`,
//! `render`).

use super::names::column;
use super::{BResult, Binder, Binding, E_BAD_OPTION, E_KIND, E_NOT_CONSTANT, E_UNSUPPORTED};
use crate::bound::{Col, Tab};
use datafusion::logical_expr::{LogicalPlanBuilder, SortExpr, lit};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{
    Expr, ExprKind, NamedParam, NullsOrder, Operator, OperatorKind, ParamValue, ScalarType,
    SortKey, SortOrder,
};

impl Binder<'_> {
    /// Binds an expression that must denote a table.
    pub fn bind_tabular(&mut self, e: &Expr) -> BResult<Tab> {
        match &e.kind {
            ExprKind::Pipe { input, op } => {
                let tab = self.bind_tabular(input)?;
                self.bind_operator(tab, op)
            }
            ExprKind::Paren(inner) => self.bind_tabular(inner),
            ExprKind::Name(id) => self.bind_table_name(id),
            ExprKind::Call(call) => self.bind_tabular_call(call),
            ExprKind::Datatable { columns, values } => self.bind_datatable(columns, values, e.span),
            ExprKind::Print { columns } => self.bind_print(columns, e.span),
            ExprKind::Range {
                column,
                from,
                to,
                step,
            } => self.bind_range(column, from, to, step, e.span),
            ExprKind::Union { params, tables } => self.bind_union(None, params, tables, e.span),
            ExprKind::ImplicitInput => match self.implicit_input.clone() {
                Some(t) => Ok(t),
                None => Err(self.error(Diagnostic::error(
                    E_KIND,
                    "this operator has no input",
                    e.span,
                ))),
            },
            ExprKind::Wildcard(id) => self.bind_union(None, &[], std::slice::from_ref(e), id.span),
            ExprKind::ExternalData { columns, .. } => {
                // The declared schema binds; the data (usually a URL) is not fetched.
                self.warnings.push(
                    Diagnostic::warning(
                        E_UNSUPPORTED,
                        "`externaldata` is not fetched: kqlhunt reads local files only, so this table is empty",
                        e.span,
                    )
                    .with_help("bind the data as a table instead: `kqlhunt query --table Name=path/to/file`"),
                );
                let cols = columns
                    .iter()
                    .map(|c| Col {
                        name: c.name.name.clone(),
                        ty: c.ty,
                    })
                    .collect();
                let tab = self.values_table(Vec::new(), cols, e.span)?;
                self.trace("externaldata (empty)", &tab);
                Ok(tab)
            }
            ExprKind::Search(s) => {
                self.bind_search_source(&s.params, s.tables.as_deref(), &s.predicate, e.span)
            }
            ExprKind::Find(_) => Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                "`find` is parsed but not executed by kqlhunt yet",
                e.span,
            ))),
            _ => Err(self.error(
                Diagnostic::error(
                    E_KIND,
                    "a scalar value is used where a table is needed",
                    e.span,
                )
                .with_help("use `print` to turn values into a one-row table"),
            )),
        }
    }

    pub fn bind_operator(&mut self, input: Tab, op: &Operator) -> BResult<Tab> {
        let span = op.span;
        match &op.kind {
            OperatorKind::Where(pred) => {
                let p = self.bind_predicate(pred, Some(&input))?;
                let plan = LogicalPlanBuilder::from(input.plan)
                    .filter(p.expr)
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, span))?;
                let tab = Tab { plan, ..input };
                self.trace("where", &tab);
                Ok(tab)
            }
            OperatorKind::Extend(cols) => self.bind_extend(input, cols, span),
            OperatorKind::Project(cols) => self.bind_project(input, cols, span),
            OperatorKind::ProjectAway(pats) => self.bind_project_away(input, pats, span),
            OperatorKind::ProjectKeep(pats) => self.bind_project_keep(input, pats, span),
            OperatorKind::ProjectByNames(specs) => self.bind_project_by_names(input, specs, span),
            OperatorKind::ProjectRename(r) => self.bind_project_rename(input, r, span),
            OperatorKind::ProjectReorder(r) => self.bind_project_reorder(input, r, span),
            OperatorKind::Summarize(s) => self.bind_summarize(input, s, span),
            OperatorKind::Sort { keys, .. } => self.bind_sort(input, keys, None, span),
            OperatorKind::Top { count, key } => {
                let n = self.constant_count(count, "top")?;
                self.bind_sort(input, std::slice::from_ref(key), Some(n), span)
            }
            OperatorKind::Take(count) => {
                let n = self.constant_count(count, "take")?;
                let plan = LogicalPlanBuilder::from(input.plan)
                    .limit(0, Some(n))
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, span))?;
                let tab = Tab { plan, ..input };
                self.trace(&format!("take {n}"), &tab);
                Ok(tab)
            }
            OperatorKind::Distinct(cols) => self.bind_distinct(input, cols, span),
            OperatorKind::Count => {
                let plan = LogicalPlanBuilder::from(input.plan)
                    .aggregate(
                        Vec::<datafusion::logical_expr::Expr>::new(),
                        vec![
                            datafusion::functions_aggregate::expr_fn::count(lit(1i64))
                                .alias("Count"),
                        ],
                    )
                    .and_then(|b| b.build())
                    .map_err(|e| self.plan_error(e, span))?;
                let tab = Tab::new(
                    plan,
                    vec![Col {
                        name: "Count".into(),
                        ty: ScalarType::Long,
                    }],
                );
                self.trace("count", &tab);
                Ok(tab)
            }
            OperatorKind::As { name, .. } => {
                self.define(&name.name, Binding::Tabular(input.clone()));
                Ok(input)
            }
            OperatorKind::Serialize(cols) => {
                let mut input = input;
                input.serialized = true;
                let mut tab = if cols.is_empty() {
                    input
                } else {
                    self.bind_extend(input, cols, span)?
                };
                tab.serialized = true;
                Ok(tab)
            }
            OperatorKind::Render { .. } => Ok(input),
            OperatorKind::GetSchema => self.bind_getschema(input, span),
            OperatorKind::Join(j) => self.bind_join(input, j, false, span),
            OperatorKind::Lookup(j) => self.bind_join(input, j, true, span),
            OperatorKind::Union { params, tables } => {
                self.bind_union(Some(input), params, tables, span)
            }
            OperatorKind::Invoke(call) => self.bind_invoke(input, call),
            OperatorKind::MvExpand(mv) => self.bind_mv_expand(input, mv, span),
            OperatorKind::Parse(p) => self.bind_parse(input, p, span),
            OperatorKind::ParseKv(p) => self.bind_parse_kv(input, p, span),
            OperatorKind::MakeSeries(ms) => self.bind_make_series(input, ms, span),
            OperatorKind::Evaluate { call, .. } => self.bind_evaluate(input, call, span),
            OperatorKind::MvApply(ma) => self.bind_mv_apply(input, ma, span),
            OperatorKind::TopNested(levels) => self.bind_top_nested(input, levels, span),
            OperatorKind::Search { predicate, .. } => {
                self.bind_search_filter(input, predicate, span)
            }
            _ => Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                format!(
                    "the `{}` operator is not supported yet",
                    operator_name(&op.kind)
                ),
                span,
            ))),
        }
    }

    /// A non-negative integer constant (`take 10`, `top 5 by ...`).
    pub fn constant_count(&mut self, e: &Expr, what: &str) -> BResult<usize> {
        let v = self.bind_scalar_no_input(e)?;
        let v = self.fold(v);
        match v.constant {
            Some(ScalarValue::Int64(Some(n))) if n >= 0 => {
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
            Some(ScalarValue::Int32(Some(n))) if n >= 0 => Ok(usize::try_from(n).unwrap_or(0)),
            _ => Err(self.error(Diagnostic::error(
                E_NOT_CONSTANT,
                format!("`{what}` needs a constant, non-negative row count"),
                e.span,
            ))),
        }
    }

    /// `sort by` (and `top N by` when `limit` is set). KQL's default order is descending;
    /// nulls go first when ascending and last when descending unless stated.
    fn bind_sort(
        &mut self,
        input: Tab,
        keys: &[SortKey],
        limit: Option<usize>,
        span: Span,
    ) -> BResult<Tab> {
        let mut exprs = Vec::with_capacity(keys.len());
        for k in keys {
            let v = self.bind_scalar(&k.expr, Some(&input))?;
            let asc = k.order == Some(SortOrder::Asc);
            let nulls_first = match k.nulls {
                Some(NullsOrder::First) => true,
                Some(NullsOrder::Last) => false,
                None => asc,
            };
            exprs.push(SortExpr::new(v.expr, asc, nulls_first));
        }
        let plan = LogicalPlanBuilder::from(input.plan)
            .sort_with_limit(exprs.clone(), limit)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab {
            plan,
            cols: input.cols,
            order: Some(exprs),
            serialized: true,
            custom_fields: input.custom_fields,
        };
        self.trace(if limit.is_some() { "top" } else { "sort" }, &tab);
        Ok(tab)
    }

    fn bind_distinct(&mut self, input: Tab, cols: &[Expr], span: Span) -> BResult<Tab> {
        let star = cols.iter().any(|c| matches!(c.kind, ExprKind::Star));
        let (exprs, out_cols) = if star || cols.is_empty() {
            (
                input
                    .cols
                    .iter()
                    .map(|c| column(&c.name))
                    .collect::<Vec<_>>(),
                input.cols.clone(),
            )
        } else {
            let mut exprs = Vec::new();
            let mut out = Vec::new();
            for (i, c) in cols.iter().enumerate() {
                let v = self.bind_scalar(c, Some(&input))?;
                let name = super::names::default_name(c, &format!("Column{}", i + 1));
                exprs.push(v.expr.alias(&name));
                out.push(Col { name, ty: v.ty });
            }
            (exprs, out)
        };
        let plan = LogicalPlanBuilder::from(input.plan)
            .aggregate(exprs, Vec::<datafusion::logical_expr::Expr>::new())
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, out_cols);
        self.trace("distinct", &tab);
        Ok(tab)
    }

    /// `getschema`: one row per column with its name, position, data type and CSL type.
    fn bind_getschema(&mut self, input: Tab, span: Span) -> BResult<Tab> {
        let rows: Vec<Vec<datafusion::logical_expr::Expr>> = input
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    lit(c.name.clone()),
                    lit(i as i32),
                    lit(system_type(c.ty).to_string()),
                    lit(c.ty.as_str().to_string()),
                ]
            })
            .collect();
        let cols = vec![
            Col {
                name: "ColumnName".into(),
                ty: ScalarType::String,
            },
            Col {
                name: "ColumnOrdinal".into(),
                ty: ScalarType::Int,
            },
            Col {
                name: "DataType".into(),
                ty: ScalarType::String,
            },
            Col {
                name: "ColumnType".into(),
                ty: ScalarType::String,
            },
        ];
        self.values_table(rows, cols, span)
    }

    /// Reads a string option such as `kind=inner`.
    pub fn option_word<'p>(&mut self, params: &'p [NamedParam], name: &str) -> Option<&'p str> {
        params
            .iter()
            .find(|p| p.name.name == name)
            .and_then(|p| match &p.value {
                ParamValue::Name(id) => Some(id.name.as_str()),
                ParamValue::Literal(kql_syntax::Literal {
                    kind: kql_syntax::LiteralKind::String { value, .. },
                    ..
                }) => Some(value.as_str()),
                _ => None,
            })
    }

    /// Reads a boolean option such as `isfuzzy=true`.
    pub fn option_bool(&mut self, params: &[NamedParam], name: &str) -> BResult<bool> {
        match params.iter().find(|p| p.name.name == name) {
            None => Ok(false),
            Some(p) => match &p.value {
                ParamValue::Literal(kql_syntax::Literal {
                    kind: kql_syntax::LiteralKind::Bool(b),
                    ..
                }) => Ok(*b),
                ParamValue::Name(id) if id.name == "true" || id.name == "false" => {
                    Ok(id.name == "true")
                }
                _ => Err(self.error(Diagnostic::error(
                    E_BAD_OPTION,
                    format!("`{name}` must be true or false"),
                    p.span,
                ))),
            },
        }
    }
}

/// .NET type names `getschema` reports.
fn system_type(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::Bool => "System.Boolean",
        ScalarType::Int => "System.Int32",
        ScalarType::Long => "System.Int64",
        ScalarType::Real => "System.Double",
        ScalarType::Decimal => "System.Data.SqlTypes.SqlDecimal",
        ScalarType::String => "System.String",
        ScalarType::DateTime => "System.DateTime",
        ScalarType::Timespan => "System.TimeSpan",
        ScalarType::Guid => "System.Guid",
        ScalarType::Dynamic => "System.Object",
    }
}

/// The operator's KQL keyword, for messages.
pub(crate) fn operator_name(k: &OperatorKind) -> &'static str {
    match k {
        OperatorKind::Where(_) => "where",
        OperatorKind::Extend(_) => "extend",
        OperatorKind::Project(_) => "project",
        OperatorKind::ProjectAway(_) => "project-away",
        OperatorKind::ProjectKeep(_) => "project-keep",
        OperatorKind::ProjectByNames(_) => "project-by-names",
        OperatorKind::ProjectRename(_) => "project-rename",
        OperatorKind::ProjectReorder(_) => "project-reorder",
        OperatorKind::Summarize(_) => "summarize",
        OperatorKind::Sort { .. } => "sort",
        OperatorKind::Top { .. } => "top",
        OperatorKind::TopNested(_) => "top-nested",
        OperatorKind::Take(_) => "take",
        OperatorKind::Distinct(_) => "distinct",
        OperatorKind::Count => "count",
        OperatorKind::Join(_) => "join",
        OperatorKind::Lookup(_) => "lookup",
        OperatorKind::Union { .. } => "union",
        OperatorKind::MvExpand(_) => "mv-expand",
        OperatorKind::MvApply(_) => "mv-apply",
        OperatorKind::Parse(p) if p.where_ => "parse-where",
        OperatorKind::Parse(_) => "parse",
        OperatorKind::ParseKv(_) => "parse-kv",
        OperatorKind::MakeSeries(_) => "make-series",
        OperatorKind::Evaluate { .. } => "evaluate",
        OperatorKind::As { .. } => "as",
        OperatorKind::Serialize(_) => "serialize",
        OperatorKind::GetSchema => "getschema",
        OperatorKind::Invoke(_) => "invoke",
        OperatorKind::Render { .. } => "render",
        OperatorKind::Search { .. } => "search",
        OperatorKind::Sample(_) => "sample",
        OperatorKind::SampleDistinct { .. } => "sample-distinct",
        OperatorKind::Reduce { .. } => "reduce",
        OperatorKind::Fork(_) => "fork",
        OperatorKind::Facet { .. } => "facet",
        OperatorKind::Partition { .. } => "partition",
        OperatorKind::Consume(_) => "consume",
        OperatorKind::Scan(_) => "scan",
        OperatorKind::Other(_) => "this",
    }
}
