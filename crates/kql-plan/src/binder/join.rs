//! `join`, `lookup` and `union`.
//!
//! Join semantics follow Kusto: the default kind is `innerunique` (the left side is first
//! de-duplicated on the join keys, keeping one arbitrary row per key); keys match by
//! equality only and null keys never match; the output has the left columns, then the right
//! columns, a right column whose name is taken getting a number (`Key` → `Key1`). `lookup`
//! adds only the right side's non-key columns. String columns of an outer join's missing
//! side read as `""`, not null.

use super::names::{column, unique_name};
use super::project::glob_match;
use super::{BResult, Binder, E_BAD_OPTION, E_JOIN, E_UNKNOWN_TABLE};
use crate::bound::{Col, Tab};
use datafusion::common::{Column, JoinType, NullEquality};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, lit};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{BinaryOp, Expr, ExprKind, Join, JoinSide, NamedParam, ScalarType};

const LEFT: &str = "__kql_left";
const RIGHT: &str = "__kql_right";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftSemi,
    RightSemi,
    LeftAnti,
    RightAnti,
}

impl Binder<'_> {
    pub fn bind_join(&mut self, left: Tab, j: &Join, lookup: bool, span: Span) -> BResult<Tab> {
        let kind = self.join_kind(&j.params, lookup)?;
        let right = self.bind_tabular(&j.right)?;
        let keys = self.join_keys(&left, &right, &j.on, span)?;
        let (left, right, keys, hidden) = self.coerce_join_keys(left, right, keys, span)?;
        let left = if kind == Kind::InnerUnique {
            self.dedup_on_keys(left, &keys, span)?
        } else {
            left
        };
        let join_type = match kind {
            Kind::InnerUnique | Kind::Inner => JoinType::Inner,
            Kind::LeftOuter => JoinType::Left,
            Kind::RightOuter => JoinType::Right,
            Kind::FullOuter => JoinType::Full,
            Kind::LeftSemi => JoinType::LeftSemi,
            Kind::RightSemi => JoinType::RightSemi,
            Kind::LeftAnti => JoinType::LeftAnti,
            Kind::RightAnti => JoinType::RightAnti,
        };
        let (lkeys, rkeys): (Vec<Column>, Vec<Column>) = keys
            .iter()
            .map(|(l, r)| {
                (
                    Column::new(Some(LEFT), l.as_str()),
                    Column::new(Some(RIGHT), r.as_str()),
                )
            })
            .unzip();
        let right_plan = LogicalPlanBuilder::from(right.plan.clone())
            .alias(RIGHT)
            .and_then(|b| b.build());
        let joined = right_plan.and_then(|rp| {
            LogicalPlanBuilder::from(left.plan.clone())
                .alias(LEFT)?
                .join_detailed(
                    rp,
                    join_type,
                    (lkeys, rkeys),
                    None,
                    NullEquality::NullEqualsNothing,
                )
        });
        let builder = joined.map_err(|e| self.plan_error(e, span))?;
        // Output columns.
        let left_nullable = matches!(kind, Kind::RightOuter | Kind::FullOuter);
        let right_nullable = matches!(kind, Kind::LeftOuter | Kind::FullOuter);
        let mut exprs = Vec::new();
        let mut cols: Vec<Col> = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        let include_left = !matches!(kind, Kind::RightSemi | Kind::RightAnti);
        let include_right = !matches!(kind, Kind::LeftSemi | Kind::LeftAnti);
        if include_left {
            for c in left.cols.iter().filter(|c| !hidden.contains(&c.name)) {
                exprs.push(side_column(LEFT, c, left_nullable).alias(&c.name));
                taken.push(c.name.clone());
                cols.push(c.clone());
            }
        }
        if include_right {
            for c in right.cols.iter().filter(|c| !hidden.contains(&c.name)) {
                if lookup && keys.iter().any(|(_, r)| *r == c.name) {
                    continue;
                }
                let name = unique_name(&c.name, &taken);
                exprs.push(side_column(RIGHT, c, right_nullable).alias(&name));
                taken.push(name.clone());
                cols.push(Col { name, ty: c.ty });
            }
        }
        let plan = builder
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab::new(plan, cols);
        self.trace(if lookup { "lookup" } else { "join" }, &tab);
        Ok(tab)
    }

    fn join_kind(&mut self, params: &[NamedParam], lookup: bool) -> BResult<Kind> {
        let word = self.option_word(params, "kind").map(str::to_string);
        let Some(word) = word else {
            return Ok(if lookup {
                Kind::LeftOuter
            } else {
                Kind::InnerUnique
            });
        };
        let kind = match word.as_str() {
            "innerunique" if !lookup => Kind::InnerUnique,
            "inner" => Kind::Inner,
            "leftouter" => Kind::LeftOuter,
            "rightouter" if !lookup => Kind::RightOuter,
            "fullouter" | "outer" if !lookup => Kind::FullOuter,
            "leftsemi" if !lookup => Kind::LeftSemi,
            "rightsemi" if !lookup => Kind::RightSemi,
            "leftanti" | "anti" | "leftantisemi" if !lookup => Kind::LeftAnti,
            "rightanti" | "rightantisemi" if !lookup => Kind::RightAnti,
            _ => {
                let span = params
                    .iter()
                    .find(|p| p.name.name == "kind")
                    .map_or(Span::default(), |p| p.span);
                return Err(self.error(
                    Diagnostic::error(E_BAD_OPTION, format!("unknown join kind `{word}`"), span).with_help(
                        if lookup {
                            "lookup kinds: leftouter, inner"
                        } else {
                            "join kinds: innerunique, inner, leftouter, rightouter, fullouter, leftsemi, rightsemi, leftanti, rightanti"
                        },
                    ),
                ));
            }
        };
        Ok(kind)
    }

    /// Pairs of (left column, right column) from the `on` clause.
    fn join_keys(
        &mut self,
        left: &Tab,
        right: &Tab,
        on: &[Expr],
        span: Span,
    ) -> BResult<Vec<(String, String)>> {
        if on.is_empty() {
            return Err(self.error(Diagnostic::error(
                E_JOIN,
                "a join needs an `on` clause",
                span,
            )));
        }
        let mut keys = Vec::new();
        for e in on {
            self.collect_keys(e, left, right, &mut keys)?;
        }
        Ok(keys)
    }

    /// Brings each pair of join keys to one type: numbers to their common type, a dynamic
    /// key compared with a string through its text. The converted keys are hidden columns
    /// (returned in the third value) that the join's output leaves out.
    #[allow(clippy::type_complexity)]
    fn coerce_join_keys(
        &mut self,
        mut left: Tab,
        mut right: Tab,
        keys: Vec<(String, String)>,
        span: Span,
    ) -> BResult<(Tab, Tab, Vec<(String, String)>, Vec<String>)> {
        let mut out = Vec::with_capacity(keys.len());
        let mut hidden = Vec::new();
        for (l, r) in keys {
            let lt = left.find(&l).map_or(ScalarType::String, |c| c.ty);
            let rt = right.find(&r).map_or(ScalarType::String, |c| c.ty);
            if lt == rt {
                out.push((l, r));
                continue;
            }
            let target = if super::ops::is_number(lt) && super::ops::is_number(rt) {
                if lt == ScalarType::Real || rt == ScalarType::Real {
                    ScalarType::Real
                } else {
                    ScalarType::Long
                }
            } else if matches!(
                lt,
                ScalarType::Dynamic | ScalarType::String | ScalarType::Guid
            ) && matches!(
                rt,
                ScalarType::Dynamic | ScalarType::String | ScalarType::Guid
            ) {
                ScalarType::String
            } else {
                return Err(self.error(Diagnostic::error(
                    E_JOIN,
                    format!("join keys `{l}` ({lt}) and `{r}` ({rt}) have different types"),
                    span,
                )));
            };
            let mut convert =
                |b: &mut Self, tab: Tab, name: &str, ty: ScalarType| -> BResult<(Tab, String)> {
                    if ty == target {
                        return Ok((tab, name.to_string()));
                    }
                    let v = crate::bound::Scalar::new(column(name), ty);
                    let v = if target == ScalarType::String {
                        b.as_text(v, span)?
                    } else {
                        b.convert(v, target, span)?
                    };
                    let h = b.fresh_name("join_key");
                    let tab = b.with_column(tab, &h, v, span)?;
                    hidden.push(h.clone());
                    Ok((tab, h))
                };
            let (lt_tab, lk) = convert(self, left, &l, lt)?;
            left = lt_tab;
            let (rt_tab, rk) = convert(self, right, &r, rt)?;
            right = rt_tab;
            out.push((lk, rk));
        }
        Ok((left, right, out, hidden))
    }

    fn collect_keys(
        &mut self,
        e: &Expr,
        left: &Tab,
        right: &Tab,
        out: &mut Vec<(String, String)>,
    ) -> BResult<()> {
        match &e.kind {
            ExprKind::Paren(inner) => self.collect_keys(inner, left, right, out),
            ExprKind::Name(id) => {
                self.resolve_column(left, id)?;
                self.resolve_column(right, id)?;
                out.push((id.name.clone(), id.name.clone()));
                Ok(())
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                left: a,
                right: b,
            } => {
                self.collect_keys(a, left, right, out)?;
                self.collect_keys(b, left, right, out)
            }
            ExprKind::Binary {
                op: BinaryOp::Eq,
                left: a,
                right: b,
            } => {
                let (sa, ca) = self.side_of(a)?;
                let (sb, cb) = self.side_of(b)?;
                let (l, r) = match (sa, sb) {
                    (JoinSide::Left, JoinSide::Right) => (ca, cb),
                    (JoinSide::Right, JoinSide::Left) => (cb, ca),
                    _ => {
                        return Err(self.error(Diagnostic::error(
                            E_JOIN,
                            "a join condition must compare a `$left` column with a `$right` column",
                            e.span,
                        )));
                    }
                };
                self.resolve_column(left, &l)?;
                self.resolve_column(right, &r)?;
                out.push((l.name, r.name));
                Ok(())
            }
            _ => Err(self.error(
                Diagnostic::error(E_JOIN, "unsupported join condition", e.span)
                    .with_help("use `on Col` or `on $left.A == $right.B` (equality only)"),
            )),
        }
    }

    fn side_of(&mut self, e: &Expr) -> BResult<(JoinSide, kql_syntax::Ident)> {
        match &e.kind {
            ExprKind::JoinSide { side, column } => Ok((*side, column.clone())),
            ExprKind::Paren(inner) => self.side_of(inner),
            _ => Err(self.error(Diagnostic::error(
                E_JOIN,
                "expected `$left.Column` or `$right.Column`",
                e.span,
            ))),
        }
    }

    /// `innerunique`: keeps one arbitrary row per key on the left.
    fn dedup_on_keys(&mut self, left: Tab, keys: &[(String, String)], span: Span) -> BResult<Tab> {
        let on: Vec<DfExpr> = keys.iter().map(|(l, _)| column(l)).collect();
        let select: Vec<DfExpr> = left.cols.iter().map(|c| column(&c.name)).collect();
        let plan = LogicalPlanBuilder::from(left.plan)
            .distinct_on(on, select, None)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab::new(plan, left.cols))
    }

    /// `union`, as an operator (`input` given) or a source.
    pub fn bind_union(
        &mut self,
        input: Option<Tab>,
        params: &[NamedParam],
        tables: &[Expr],
        span: Span,
    ) -> BResult<Tab> {
        let fuzzy = self.option_bool(params, "isfuzzy")?;
        let inner = match self.option_word(params, "kind") {
            None | Some("outer") => false,
            Some("inner") => true,
            Some(other) => {
                let other = other.to_string();
                return Err(self.error(Diagnostic::error(
                    E_BAD_OPTION,
                    format!("unknown union kind `{other}` (use inner or outer)"),
                    span,
                )));
            }
        };
        let source_col = self.option_word(params, "withsource").map(str::to_string);
        let mut legs: Vec<(String, Tab)> = Vec::new();
        if let Some(t) = input {
            legs.push(("union_arg0".to_string(), t));
        }
        for e in tables {
            match &e.kind {
                ExprKind::Wildcard(id) => {
                    let mut names: Vec<String> = self
                        .catalog
                        .table_names()
                        .into_iter()
                        .filter(|n| glob_match(&id.name, n))
                        .collect();
                    names.sort();
                    if names.is_empty() && !fuzzy {
                        return Err(self.error(Diagnostic::error(
                            E_UNKNOWN_TABLE,
                            format!("no table matches `{}`", id.name),
                            id.span,
                        )));
                    }
                    for n in names {
                        let t =
                            self.bind_table_name(&kql_syntax::Ident::new(n.clone(), id.span))?;
                        legs.push((n, t));
                    }
                }
                ExprKind::Name(id) if fuzzy && !self.is_tabular(e) => {
                    self.warnings.push(Diagnostic::warning(
                        E_UNKNOWN_TABLE,
                        format!("table `{}` does not exist; skipped (isfuzzy=true)", id.name),
                        id.span,
                    ));
                }
                _ => {
                    let name = match &e.kind {
                        ExprKind::Name(id) => id.name.clone(),
                        _ => format!("union_arg{}", legs.len()),
                    };
                    // With isfuzzy=true a leg that does not bind (a missing table or column)
                    // is skipped with a warning, as Kusto does.
                    let before = self.diags.len();
                    match self.bind_tabular(e) {
                        Ok(t) => legs.push((name, t)),
                        Err(err) if !fuzzy => return Err(err),
                        Err(_) => {
                            let dropped: Vec<Diagnostic> = self.diags.drain(before..).collect();
                            let mut w = Diagnostic::warning(
                                E_UNKNOWN_TABLE,
                                "this union leg does not bind and is skipped (isfuzzy=true)",
                                e.span,
                            );
                            if let Some(first) = dropped.first() {
                                w = w.with_note(first.message.clone());
                            }
                            self.warnings.push(w);
                        }
                    }
                }
            }
        }
        self.union_legs(legs, inner, source_col, span)
    }

    /// Unions tabular values (for `search` over several tables).
    pub fn union_tabs(&mut self, tabs: Vec<Tab>, span: Span) -> BResult<Tab> {
        let legs = tabs
            .into_iter()
            .enumerate()
            .map(|(i, t)| (format!("union_arg{i}"), t))
            .collect();
        self.union_legs(legs, false, None, span)
    }

    /// Unions named legs by column name (`kind=outer`, or `inner`), with an optional column
    /// naming each row's leg.
    fn union_legs(
        &mut self,
        legs: Vec<(String, Tab)>,
        inner: bool,
        source_col: Option<String>,
        span: Span,
    ) -> BResult<Tab> {
        if legs.is_empty() {
            return Err(self.error(Diagnostic::error(
                E_UNKNOWN_TABLE,
                "`union` has no tables to combine",
                span,
            )));
        }
        // Output schema: by name, in order of first appearance; a name with several types is
        // split into `name_type` columns (Kusto's rule).
        let mut types_of: Vec<(String, Vec<ScalarType>)> = Vec::new();
        for (_, t) in &legs {
            for c in &t.cols {
                match types_of.iter_mut().find(|(n, _)| *n == c.name) {
                    Some((_, tys)) => {
                        if !tys.contains(&c.ty) {
                            tys.push(c.ty);
                        }
                    }
                    None => types_of.push((c.name.clone(), vec![c.ty])),
                }
            }
        }
        let mut out_cols: Vec<(String, String, ScalarType)> = Vec::new(); // (out name, source name, type)
        for (name, tys) in &types_of {
            if tys.len() == 1 {
                out_cols.push((name.clone(), name.clone(), tys[0]));
            } else {
                for ty in tys {
                    out_cols.push((format!("{name}_{ty}"), name.clone(), *ty));
                }
            }
        }
        if inner {
            out_cols.retain(|(_, src, ty)| {
                legs.iter()
                    .all(|(_, t)| t.find(src).is_some_and(|c| c.ty == *ty))
            });
        }
        let mut plans = Vec::new();
        for (leg_name, t) in legs {
            let mut exprs = Vec::new();
            if let Some(sc) = &source_col {
                exprs.push(lit(leg_name.clone()).alias(sc));
            }
            for (out, src, ty) in &out_cols {
                let e = match t.find(src) {
                    Some(c) if c.ty == *ty => column(src),
                    _ => missing_value(*ty),
                };
                exprs.push(e.alias(out));
            }
            let p = LogicalPlanBuilder::from(t.plan)
                .project(exprs)
                .and_then(|b| b.build())
                .map_err(|e| self.plan_error(e, span))?;
            plans.push(p);
        }
        let mut iter = plans.into_iter();
        let Some(first) = iter.next() else {
            return Err(self.internal("union without legs", span));
        };
        let mut b = LogicalPlanBuilder::from(first);
        for p in iter {
            b = b.union(p).map_err(|e| self.plan_error(e, span))?;
        }
        let plan = b.build().map_err(|e| self.plan_error(e, span))?;
        let mut cols = Vec::new();
        if let Some(sc) = source_col {
            cols.push(Col {
                name: sc,
                ty: ScalarType::String,
            });
        }
        cols.extend(out_cols.into_iter().map(|(n, _, ty)| Col { name: n, ty }));
        let tab = Tab::new(plan, cols);
        self.trace("union", &tab);
        Ok(tab)
    }
}

/// A column of one join side; string columns of a side that may be missing read as "".
fn side_column(side: &str, c: &Col, nullable_side: bool) -> DfExpr {
    let e = DfExpr::Column(Column::new(Some(side), c.name.as_str()));
    if nullable_side && c.ty == ScalarType::String {
        datafusion::functions::expr_fn::coalesce(vec![e, lit("")])
    } else {
        e
    }
}

/// The value a union leg without a column contributes: null, or "" for strings.
fn missing_value(ty: ScalarType) -> DfExpr {
    if ty == ScalarType::String {
        lit("")
    } else {
        lit(crate::literal::null_of(ty))
    }
}
