//! `extend`, `project` and the `project-*` family.
//!
//! `extend` is sequential, as in Kusto: a column defined earlier in the same `extend` can be
//! used by a later one, and extending an existing name replaces that column in place.
//! Unnamed computed columns are called `Column1`, `Column2`, ... (the first free number).

use super::names::{column, default_name, unique_name};
use super::{BResult, Binder, E_DUPLICATE_COLUMN, E_NOT_CONSTANT, E_UNKNOWN_COLUMN, E_UNSUPPORTED};
use crate::bound::{Col, Scalar, Tab};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder};
use kql_diagnostics::{Diagnostic, Span, suggest};
use kql_syntax::{ColumnAssign, ColumnPattern, ExprKind, Rename, ReorderColumn, ScalarType};

impl Binder<'_> {
    pub fn bind_extend(&mut self, input: Tab, cols: &[ColumnAssign], span: Span) -> BResult<Tab> {
        let mut tab = input;
        for a in cols {
            // `extend x` of an existing column only declares it: nothing changes.
            if a.names.is_empty()
                && let ExprKind::Name(id) = &a.expr.kind
                && tab.find(&id.name).is_some()
            {
                continue;
            }
            if let Some(t) = self.tuple_call(&a.expr, Some(&tab))? {
                tab = self.extend_tuple(tab, a, t, span)?;
                continue;
            }
            let name = self.assign_name(a, &tab, true)?;
            let v = self.bind_scalar(&a.expr, Some(&tab))?;
            tab = self.with_column(tab, &name, v, span)?;
        }
        self.trace("extend", &tab);
        Ok(tab)
    }

    /// Adds (or replaces) one computed column, keeping every other column.
    pub fn with_column(&mut self, tab: Tab, name: &str, v: Scalar, span: Span) -> BResult<Tab> {
        let (tab, window_free) = self.materialize_windows(tab, v.expr.clone(), span)?;
        let v = Scalar {
            expr: window_free,
            ..v
        };
        let mut exprs: Vec<DfExpr> = Vec::with_capacity(tab.cols.len() + 1);
        let mut cols = Vec::with_capacity(tab.cols.len() + 1);
        let mut replaced = false;
        let mut v = Some(v);
        for c in &tab.cols {
            if c.name == name {
                if let Some(v) = v.take() {
                    exprs.push(v.expr.alias(name));
                    cols.push(Col {
                        name: name.to_string(),
                        ty: v.ty,
                    });
                    replaced = true;
                }
            } else {
                exprs.push(column(&c.name));
                cols.push(c.clone());
            }
        }
        if !replaced && let Some(v) = v {
            exprs.push(v.expr.alias(name));
            cols.push(Col {
                name: name.to_string(),
                ty: v.ty,
            });
        }
        let plan = LogicalPlanBuilder::from(tab.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab { plan, cols, ..tab })
    }

    /// The output name of an `extend`/`project` item.
    fn assign_name(&mut self, a: &ColumnAssign, tab: &Tab, extend: bool) -> BResult<String> {
        match a.names.as_slice() {
            [one] => Ok(one.name.clone()),
            [] => {
                let fallback = next_column_name(tab);
                let _ = extend;
                Ok(default_name(&a.expr, &fallback))
            }
            _ => Err(self.error(Diagnostic::error(
                E_UNSUPPORTED,
                "assigning to several columns at once is only supported for functions that return several values",
                a.span,
            ))),
        }
    }

    pub fn bind_project(&mut self, input: Tab, cols: &[ColumnAssign], span: Span) -> BResult<Tab> {
        let mut exprs = Vec::new();
        let mut out: Vec<Col> = Vec::new();
        let mut earlier: Vec<(String, Scalar)> = Vec::new();
        for a in cols {
            if let Some(t) = self.tuple_call(&a.expr, Some(&input))? {
                for (name, v) in self.tuple_columns(&t, t.bag.expr.clone(), &a.names, a.span)? {
                    if out.iter().any(|c| c.name == name) {
                        return Err(self.error(Diagnostic::error(
                            E_DUPLICATE_COLUMN,
                            format!("column `{name}` is projected twice"),
                            a.span,
                        )));
                    }
                    exprs.push(v.expr.clone().alias(&name));
                    out.push(Col {
                        name: name.clone(),
                        ty: v.ty,
                    });
                    earlier.push((name, v));
                }
                continue;
            }
            let name = match a.names.as_slice() {
                [one] => one.name.clone(),
                [] => default_name(&a.expr, &next_column_name_of(&out)),
                _ => {
                    return Err(self.error(Diagnostic::error(
                        E_UNSUPPORTED,
                        "assigning to several columns at once is not supported here",
                        a.span,
                    )));
                }
            };
            if out.iter().any(|c| c.name == name) {
                return Err(self.error(Diagnostic::error(
                    E_DUPLICATE_COLUMN,
                    format!("column `{name}` is projected twice"),
                    a.span,
                )));
            }
            // A name projected earlier in this `project` but not in the input refers to it.
            let v = match &a.expr.kind {
                ExprKind::Name(id) if input.find(&id.name).is_none() => {
                    match earlier.iter().find(|(n, _)| *n == id.name) {
                        Some((_, s)) => s.clone(),
                        None => self.bind_scalar(&a.expr, Some(&input))?,
                    }
                }
                _ => self.bind_scalar(&a.expr, Some(&input))?,
            };
            exprs.push(v.expr.clone().alias(&name));
            out.push(Col {
                name: name.clone(),
                ty: v.ty,
            });
            earlier.push((name, v));
        }
        // Window functions (`row_number()`, `prev()`) are computed below the projection.
        let mut input = input;
        let mut final_exprs = Vec::with_capacity(exprs.len());
        for e in exprs {
            let (t, e) = self.materialize_windows(input, e, span)?;
            input = t;
            final_exprs.push(e);
        }
        let plan = LogicalPlanBuilder::from(input.plan)
            .project(final_exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab {
            plan,
            cols: out,
            order: None,
            serialized: input.serialized,
            custom_fields: false,
        };
        self.trace("project", &tab);
        Ok(tab)
    }

    /// Resolves `project-away`/`-keep` patterns to column positions.
    fn match_patterns(&mut self, tab: &Tab, pats: &[ColumnPattern]) -> BResult<Vec<bool>> {
        let mut hit = vec![false; tab.cols.len()];
        for p in pats {
            let mut any = false;
            for (i, c) in tab.cols.iter().enumerate() {
                if glob_match(&p.pattern.name, &c.name) {
                    hit[i] = true;
                    any = true;
                }
            }
            if !any && !p.wildcard {
                let mut d = Diagnostic::error(
                    E_UNKNOWN_COLUMN,
                    format!("unknown column `{}`", p.pattern.name),
                    p.pattern.span,
                );
                if let Some(s) = suggest(&p.pattern.name, tab.names()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                return Err(self.error(d));
            }
        }
        Ok(hit)
    }

    pub fn bind_project_away(
        &mut self,
        input: Tab,
        pats: &[ColumnPattern],
        span: Span,
    ) -> BResult<Tab> {
        let hit = self.match_patterns(&input, pats)?;
        let keep: Vec<Col> = input
            .cols
            .iter()
            .zip(&hit)
            .filter(|(_, h)| !**h)
            .map(|(c, _)| c.clone())
            .collect();
        let tab = self.select(input, keep, span)?;
        self.trace("project-away", &tab);
        Ok(tab)
    }

    pub fn bind_project_keep(
        &mut self,
        input: Tab,
        pats: &[ColumnPattern],
        span: Span,
    ) -> BResult<Tab> {
        let hit = self.match_patterns(&input, pats)?;
        let keep: Vec<Col> = input
            .cols
            .iter()
            .zip(&hit)
            .filter(|(_, h)| **h)
            .map(|(c, _)| c.clone())
            .collect();
        let tab = self.select(input, keep, span)?;
        self.trace("project-keep", &tab);
        Ok(tab)
    }

    /// `project-by-names` (project-by-names-operator.md): each specifier is a constant
    /// name, name pattern, or dynamic array of them (`column_names_of(T)` gives one); the
    /// matching columns in the order specified, each once; names matching nothing are
    /// ignored.
    pub fn bind_project_by_names(
        &mut self,
        input: Tab,
        specs: &[kql_syntax::Expr],
        span: Span,
    ) -> BResult<Tab> {
        let mut patterns: Vec<String> = Vec::new();
        for e in specs {
            let v = self.bind_scalar(e, Some(&input))?;
            let v = self.fold(v);
            let text = match (&v.constant, v.ty) {
                (Some(datafusion::scalar::ScalarValue::Utf8(Some(t))), ScalarType::String) => {
                    patterns.push(t.clone());
                    continue;
                }
                (Some(datafusion::scalar::ScalarValue::Utf8(Some(t))), ScalarType::Dynamic) => t,
                _ => {
                    return Err(self.error(Diagnostic::error(
                        E_NOT_CONSTANT,
                        "`project-by-names` takes constant column names, name patterns or dynamic arrays of them",
                        e.span,
                    )));
                }
            };
            match serde_json::from_str::<Vec<serde_json::Value>>(text) {
                Ok(items) => patterns.extend(
                    items
                        .into_iter()
                        .filter_map(|i| i.as_str().map(String::from)),
                ),
                Err(_) => {
                    return Err(self.error(Diagnostic::error(
                        E_NOT_CONSTANT,
                        "`project-by-names` needs a dynamic array of column names here",
                        e.span,
                    )));
                }
            }
        }
        let mut keep: Vec<Col> = Vec::new();
        for pat in &patterns {
            for c in &input.cols {
                if glob_match(pat, &c.name) && !keep.iter().any(|k| k.name == c.name) {
                    keep.push(c.clone());
                }
            }
        }
        let tab = self.select(input, keep, span)?;
        self.trace("project-by-names", &tab);
        Ok(tab)
    }

    pub fn bind_project_rename(
        &mut self,
        input: Tab,
        renames: &[Rename],
        span: Span,
    ) -> BResult<Tab> {
        let mut names: Vec<String> = input.cols.iter().map(|c| c.name.clone()).collect();
        for r in renames {
            let Some(i) = names.iter().position(|n| *n == r.old.name) else {
                let mut d = Diagnostic::error(
                    E_UNKNOWN_COLUMN,
                    format!("unknown column `{}`", r.old.name),
                    r.old.span,
                );
                if let Some(s) = suggest(&r.old.name, names.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                return Err(self.error(d));
            };
            names[i] = r.new.name.clone();
        }
        let exprs: Vec<DfExpr> = input
            .cols
            .iter()
            .zip(&names)
            .map(|(c, n)| column(&c.name).alias(n))
            .collect();
        let cols = input
            .cols
            .iter()
            .zip(&names)
            .map(|(c, n)| Col {
                name: n.clone(),
                ty: c.ty,
            })
            .collect();
        let plan = LogicalPlanBuilder::from(input.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab {
            plan,
            cols,
            order: None,
            serialized: input.serialized,
            custom_fields: input.custom_fields,
        };
        self.trace("project-rename", &tab);
        Ok(tab)
    }

    pub fn bind_project_reorder(
        &mut self,
        input: Tab,
        cols: &[ReorderColumn],
        span: Span,
    ) -> BResult<Tab> {
        let mut order: Vec<Col> = Vec::new();
        for rc in cols {
            let mut matched: Vec<Col> = input
                .cols
                .iter()
                .filter(|c| glob_match(&rc.column.pattern.name, &c.name))
                .filter(|c| !order.iter().any(|o| o.name == c.name))
                .cloned()
                .collect();
            if matched.is_empty() && !rc.column.wildcard {
                self.resolve_column(&input, &rc.column.pattern)?;
            }
            match rc.order.as_ref().map(|o| o.name.as_str()) {
                Some("asc") | Some("granny-asc") => matched.sort_by(|a, b| a.name.cmp(&b.name)),
                Some("desc") | Some("granny-desc") => matched.sort_by(|a, b| b.name.cmp(&a.name)),
                _ => {}
            }
            order.extend(matched);
        }
        for c in &input.cols {
            if !order.iter().any(|o| o.name == c.name) {
                order.push(c.clone());
            }
        }
        let tab = self.select(input, order, span)?;
        self.trace("project-reorder", &tab);
        Ok(tab)
    }

    /// Projects existing columns (by name) in the given order.
    pub fn select(&mut self, input: Tab, cols: Vec<Col>, span: Span) -> BResult<Tab> {
        let exprs: Vec<DfExpr> = cols.iter().map(|c| column(&c.name)).collect();
        let plan = LogicalPlanBuilder::from(input.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab {
            plan,
            cols,
            order: input.order,
            serialized: input.serialized,
            custom_fields: input.custom_fields,
        })
    }
}

/// `Column1`, `Column2`, ...: the first name not used by `tab`.
fn next_column_name(tab: &Tab) -> String {
    next_column_name_of(&tab.cols)
}

fn next_column_name_of(cols: &[Col]) -> String {
    let taken: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
    (1..)
        .map(|i| format!("Column{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| unique_name("Column", &taken))
}

/// Matches a column name against a pattern where `*` stands for any run of characters.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == name;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("Initiating*", "InitiatingProcessFileName"));
        assert!(glob_match("*Name", "FileName"));
        assert!(glob_match("*Process*", "InitiatingProcessId"));
        assert!(glob_match("*", "x"));
        assert!(!glob_match("File*", "FolderPath"));
        assert!(!glob_match("a*b", "ab_c"));
        assert!(glob_match("a*b", "axxb"));
    }
}
