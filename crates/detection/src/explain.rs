//! Explaining a score from the rule's own expressions.
//!
//! The rule is not re-implemented: its syntax tree is read, and the query is re-run with extra
//! columns that evaluate its own sub-expressions on each output row.
//!
//! * The score column's `extend` (`RiskScore = toint(0) + iif(C1, 30, 0) + ...`) is split into
//!   its added terms; each term's value becomes a probe column, so the breakdown adds up to
//!   the score by construction.
//! * Each term's condition is followed to its definition (`IsInteractiveShell` → the `extend`
//!   that computed it) and cut into leaf predicates at `and`/`or`; `has_any`/`in~` lists
//!   (including `let` lists such as `SuspiciousShells`) are expanded into one probe per
//!   needle, so the explanation says which needle matched (`"-it"`).
//! * The leaves of `where` filters after the last column-dropping operator are probed the same
//!   way, to show what let the row through (worth no points).
//!
//! Probe columns are named `__kqlhunt_N` and carried through later `project`s.

use crate::ast::{flatten_pipe, lets, main_expr, rebuild_pipe};
use kql_syntax::{
    BinaryOp, ColumnAssign, DynamicValue, Expr, ExprKind, Ident, ListOp, Literal, LiteralKind,
    Operator, OperatorKind, Query, Span, Statement,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Prefix of probe columns (never part of an alert's row).
pub const PROBE_PREFIX: &str = "__kqlhunt_";

/// What part of the rule an explanation item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// A term of the score.
    Score,
    /// A `where` filter the row passed.
    Filter,
}

/// One true sub-condition and what it added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainItem {
    /// Score term or filter.
    pub part: Part,
    /// The condition as written (a column name, or canonical KQL).
    pub condition: String,
    /// Points it added (0 for filters).
    pub points: serde_json::Number,
    /// The needles (as written in the rule, unquoted) or leaf predicates that were true.
    pub matched: Vec<String>,
}

impl fmt::Display for ExplainItem {
    /// `IsInteractiveShell: +30 ("-it")`, or `where FileName in~ (…) ("docker")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Part::Score => {
                let sign = if self.points.as_f64().is_some_and(|p| p < 0.0) {
                    ""
                } else {
                    "+"
                };
                write!(f, "{}: {sign}{}", self.condition, self.points)?;
            }
            Part::Filter => write!(f, "where {}", self.condition)?,
        }
        if !self.matched.is_empty() {
            let shown: Vec<String> = self.matched.iter().map(|m| format!("{m:?}")).collect();
            write!(f, " ({})", shown.join(", "))?;
        }
        Ok(())
    }
}

/// What a probe column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeRole {
    /// The value of score term `term`.
    Term {
        /// Term index.
        term: usize,
        /// The term's condition, for display.
        label: String,
    },
    /// Whether one leaf (or one needle of a list) of score term `term` is true.
    Evidence {
        /// Term index.
        term: usize,
        /// The needle (`"-it"`) or leaf.
        label: String,
    },
    /// Whether one leaf (or needle) of the where-filter leaf `filter` is true.
    Filter {
        /// Index into the filter leaves.
        filter: usize,
        /// The filter leaf as written.
        condition: String,
        /// The needle or leaf.
        label: String,
    },
}

/// One extra column of the instrumented query.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Column name (`__kqlhunt_N`).
    pub column: String,
    /// What it holds.
    pub role: ProbeRole,
}

/// The rule's query with probe columns added.
#[derive(Debug, Clone)]
pub struct Instrumented {
    /// KQL text to run instead of the rule's.
    pub text: String,
    /// The probe columns, in output order.
    pub probes: Vec<Probe>,
}

/// Why a rule's score cannot be explained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// The rule text does not parse (it was checked at load time, so this is unexpected).
    #[error("the rule does not parse")]
    Syntax,
    /// The query has no `extend <score> = ...`.
    #[error("no `extend {0} = ...` in the rule's main pipe")]
    NoScoreExtend(String),
    /// The score is computed before an operator that drops columns (`summarize`, ...).
    #[error("`{0}` after the score drops the columns an explanation needs")]
    Dropped(&'static str),
}

/// Builds the instrumented query for a rule whose score is `score_column`.
pub fn instrument(query_text: &str, score_column: &str) -> Result<Instrumented, ExplainError> {
    let query = kql_syntax::parse_query(query_text).map_err(|_| ExplainError::Syntax)?;
    let main = main_expr(&query).ok_or(ExplainError::Syntax)?;
    let (source, ops) = flatten_pipe(main);
    let lets = lets(&query);

    let score_at = ops
        .iter()
        .rposition(|op| assigns(op, score_column).is_some())
        .ok_or_else(|| ExplainError::NoScoreExtend(score_column.to_string()))?;
    if let Some((_, name)) = ops
        .iter()
        .enumerate()
        .skip(score_at + 1)
        .find_map(|(i, op)| drops_columns(op).map(|n| (i, n)))
    {
        return Err(ExplainError::Dropped(name));
    }
    let barrier = ops
        .iter()
        .rposition(|op| drops_columns(op).is_some())
        .map_or(0, |i| i + 1);

    let mut b = Builder {
        lets: &lets,
        ops: &ops,
        probes: Vec::new(),
        extra: BTreeMap::new(),
    };
    // Score terms, right after the score's extend.
    let score_expr = ops
        .get(score_at)
        .and_then(|op| assigns(op, score_column))
        .cloned()
        .ok_or_else(|| ExplainError::NoScoreExtend(score_column.to_string()))?;
    let mut terms = Vec::new();
    add_terms(&score_expr, &mut terms);
    for (i, term) in terms.iter().enumerate() {
        let cond = iif_condition(term);
        let label = cond.map_or_else(|| short(term), short);
        b.add(
            score_at,
            (*term).clone(),
            ProbeRole::Term { term: i, label },
        );
        if let Some(cond) = cond {
            for (leaf, needle) in b.leaves(cond, score_at, 0) {
                b.add(
                    score_at,
                    leaf,
                    ProbeRole::Evidence {
                        term: i,
                        label: needle,
                    },
                );
            }
        }
    }
    // Filters the row passed, where they can still be carried to the output.
    let mut filter = 0usize;
    for (i, op) in ops.iter().enumerate().skip(barrier) {
        if let OperatorKind::Where(pred) = &op.kind {
            let mut leaves = Vec::new();
            split_bool(pred, &mut leaves);
            for leaf in leaves {
                if mentions_clock(leaf) {
                    continue;
                }
                let condition = short(leaf);
                for (probe, needle) in b.leaves(leaf, i, 0) {
                    let role = ProbeRole::Filter {
                        filter,
                        condition: condition.clone(),
                        label: needle,
                    };
                    b.add(i, probe, role);
                }
                filter += 1;
            }
        }
    }

    let Builder { probes, extra, .. } = b;
    let mut new_ops = Vec::new();
    let mut live: Vec<String> = Vec::new();
    for (i, op) in ops.into_iter().enumerate() {
        let mut op = op;
        match &mut op.kind {
            OperatorKind::Project(cols) => {
                for name in &live {
                    cols.push(name_assign(name, op.span));
                }
            }
            OperatorKind::ProjectKeep(pats) => {
                for name in &live {
                    pats.push(kql_syntax::ColumnPattern {
                        pattern: Ident::new(name.clone(), op.span),
                        wildcard: false,
                    });
                }
            }
            _ => {}
        }
        let span = op.span;
        new_ops.push(op);
        if let Some(assigns) = extra.get(&i) {
            live.extend(
                assigns
                    .iter()
                    .flat_map(|a| a.names.iter().map(|n| n.name.clone())),
            );
            new_ops.push(Operator {
                kind: OperatorKind::Extend(assigns.clone()),
                span,
            });
        }
    }
    let mut statements = query.statements.clone();
    let rebuilt = rebuild_pipe(source, new_ops);
    if let Some(last) = statements
        .iter_mut()
        .rev()
        .find(|s| matches!(s, Statement::Expr(_)))
    {
        *last = Statement::Expr(rebuilt);
    }
    let text = Query {
        statements,
        span: query.span,
    }
    .to_string();
    Ok(Instrumented { text, probes })
}

struct Builder<'a> {
    lets: &'a BTreeMap<String, &'a Expr>,
    ops: &'a [Operator],
    probes: Vec<Probe>,
    /// Extend columns to insert after operator index.
    extra: BTreeMap<usize, Vec<ColumnAssign>>,
}

impl Builder<'_> {
    fn add(&mut self, after: usize, expr: Expr, role: ProbeRole) {
        let column = format!("{PROBE_PREFIX}{}", self.probes.len());
        let span = expr.span;
        self.extra.entry(after).or_default().push(ColumnAssign {
            names: vec![Ident::new(column.clone(), span)],
            expr,
            span,
        });
        self.probes.push(Probe { column, role });
    }

    /// The probes of a condition: one per leaf predicate, one per needle of a list, with a
    /// label each. Column names are followed to the `extend` that defined them (before
    /// operator `at`).
    fn leaves(&self, cond: &Expr, at: usize, depth: u32) -> Vec<(Expr, String)> {
        let mut out = Vec::new();
        let mut parts = Vec::new();
        split_bool(cond, &mut parts);
        for leaf in parts {
            if let ExprKind::Name(id) = &leaf.kind
                && depth < 4
                && let Some(def) = self.definition(&id.name, at)
            {
                out.extend(self.leaves(def, at, depth + 1));
                continue;
            }
            out.extend(self.needles(leaf));
        }
        out
    }

    /// The latest `extend` (at or before operator `at`) that assigns `name`.
    fn definition(&self, name: &str, at: usize) -> Option<&Expr> {
        self.ops
            .get(..=at)?
            .iter()
            .rev()
            .find_map(|op| assigns(op, name))
    }

    fn needles(&self, leaf: &Expr) -> Vec<(Expr, String)> {
        match &leaf.kind {
            ExprKind::Binary { right, .. } if string_literal(right).is_some() => {
                vec![(
                    leaf.clone(),
                    string_literal(right).unwrap_or_default().to_string(),
                )]
            }
            ExprKind::InList { op, expr, list } => {
                let one = match op {
                    ListOp::HasAny => Some(BinaryOp::Has),
                    ListOp::HasAnyCs => Some(BinaryOp::HasCs),
                    ListOp::In => Some(BinaryOp::Eq),
                    ListOp::InCi => Some(BinaryOp::EqTilde),
                    _ => None,
                };
                match (one, self.list_strings(list)) {
                    (Some(bop), Some(values)) => values
                        .into_iter()
                        .map(|v| {
                            let span = leaf.span;
                            let lit = Expr::new(
                                ExprKind::Literal(Literal {
                                    kind: LiteralKind::String {
                                        value: v.clone(),
                                        obfuscated: false,
                                    },
                                    span,
                                }),
                                span,
                            );
                            let e = Expr::new(
                                ExprKind::Binary {
                                    op: bop,
                                    left: expr.clone(),
                                    right: Box::new(lit),
                                },
                                span,
                            );
                            (e, v)
                        })
                        .collect(),
                    _ => vec![(leaf.clone(), short(leaf))],
                }
            }
            _ => vec![(leaf.clone(), short(leaf))],
        }
    }

    /// The string values of a list (`("a", "b")`, `(LetName)`, `(dynamic(["a"]))`), or
    /// `None` if any element is something else.
    fn list_strings(&self, list: &[Expr]) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for e in list {
            let e = match &e.kind {
                ExprKind::Name(id) => self.lets.get(&id.name).copied()?,
                _ => e,
            };
            match &e.kind {
                ExprKind::Literal(Literal {
                    kind: LiteralKind::String { value, .. },
                    ..
                }) => out.push(value.clone()),
                ExprKind::Literal(Literal {
                    kind: LiteralKind::Dynamic(DynamicValue::Array(items)),
                    ..
                }) => {
                    for it in items {
                        match it {
                            DynamicValue::String(s) => out.push(s.clone()),
                            _ => return None,
                        }
                    }
                }
                _ => return None,
            }
        }
        Some(out)
    }
}

/// The expression `op` assigns to `name`, if it is an `extend` that does.
fn assigns<'a>(op: &'a Operator, name: &str) -> Option<&'a Expr> {
    match &op.kind {
        OperatorKind::Extend(cols) => cols
            .iter()
            .rev()
            .find(|c| c.names.len() == 1 && c.names.iter().any(|n| n.name == name))
            .map(|c| &c.expr),
        _ => None,
    }
}

/// The name of an operator whose output does not keep its input's columns.
fn drops_columns(op: &Operator) -> Option<&'static str> {
    use OperatorKind::*;
    Some(match &op.kind {
        Summarize(_) => "summarize",
        Distinct(_) => "distinct",
        Count => "count",
        TopNested(_) => "top-nested",
        MvApply(_) => "mv-apply",
        MakeSeries(_) => "make-series",
        Evaluate { .. } => "evaluate",
        Reduce { .. } => "reduce",
        Partition { .. } => "partition",
        Fork(_) => "fork",
        Facet { .. } => "facet",
        GetSchema => "getschema",
        Invoke(_) => "invoke",
        Scan(_) => "scan",
        _ => return None,
    })
}

/// `a + b + c` → [a, b, c] (parentheses around a sum are looked through).
fn add_terms<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::Add,
            left,
            right,
        } => {
            add_terms(left, out);
            add_terms(right, out);
        }
        ExprKind::Paren(inner)
            if matches!(
                inner.kind,
                ExprKind::Binary {
                    op: BinaryOp::Add,
                    ..
                }
            ) =>
        {
            add_terms(inner, out);
        }
        _ => out.push(e),
    }
}

/// The condition of `iif(c, x, y)` / `iff(c, x, y)`.
fn iif_condition(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Call(c) if matches!(c.name.name.as_str(), "iif" | "iff") && c.args.len() == 3 => {
            c.args.first().map(|a| &a.value)
        }
        ExprKind::Paren(inner) => iif_condition(inner),
        _ => None,
    }
}

/// Leaves of `and`/`or` trees (parentheses looked through).
fn split_bool<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::And | BinaryOp::Or,
            left,
            right,
        } => {
            split_bool(left, out);
            split_bool(right, out);
        }
        ExprKind::Paren(inner) => split_bool(inner, out),
        _ => out.push(e),
    }
}

/// True for predicates on the clock (`TimeGenerated > ago(1d)`): always true for a result
/// row, and no help in an explanation.
fn mentions_clock(e: &Expr) -> bool {
    let mut found = false;
    crate::ast::walk_expr(e, &mut |x| {
        if let ExprKind::Call(c) = &x.kind
            && matches!(c.name.name.as_str(), "ago" | "now")
        {
            found = true;
        }
    });
    found
}

fn string_literal(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Literal(Literal {
            kind: LiteralKind::String { value, .. },
            ..
        }) => Some(value),
        _ => None,
    }
}

fn name_assign(name: &str, span: Span) -> ColumnAssign {
    ColumnAssign {
        names: Vec::new(),
        expr: Expr::new(ExprKind::Name(Ident::new(name.to_string(), span)), span),
        span,
    }
}

/// A condition for display: a name as is; a list test with its list shortened.
fn short(e: &Expr) -> String {
    match &e.kind {
        ExprKind::InList { op, expr, list } if list.len() > 2 => {
            format!("{expr} {} (…)", op.as_str())
        }
        _ => e.to_string().replace('\n', " "),
    }
}

/// Turns probe values of one row into explanation items.
///
/// `values[i]` is the JSON value of `probes[i]` for the row. Score items come in term order,
/// only for terms that added something; filter items only for leaves that were true.
pub fn explain_row(probes: &[Probe], values: &[serde_json::Value]) -> Vec<ExplainItem> {
    let mut terms: BTreeMap<usize, (String, serde_json::Number, Vec<String>)> = BTreeMap::new();
    let mut filters: BTreeMap<usize, (String, Vec<String>)> = BTreeMap::new();
    for (p, v) in probes.iter().zip(values) {
        match &p.role {
            ProbeRole::Term { term, label } => {
                if let serde_json::Value::Number(n) = v {
                    terms
                        .entry(*term)
                        .or_insert_with(|| (label.clone(), n.clone(), Vec::new()))
                        .1 = n.clone();
                }
            }
            ProbeRole::Evidence { term, label } => {
                if v == &serde_json::Value::Bool(true)
                    && let Some(t) = terms.get_mut(term)
                    && !t.2.contains(label)
                {
                    t.2.push(label.clone());
                }
            }
            ProbeRole::Filter {
                filter,
                condition,
                label,
            } => {
                if v == &serde_json::Value::Bool(true) {
                    let f = filters
                        .entry(*filter)
                        .or_insert_with(|| (condition.clone(), Vec::new()));
                    if label != condition && !f.1.contains(label) {
                        f.1.push(label.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<ExplainItem> = terms
        .into_values()
        .filter(|(_, n, _)| n.as_f64().is_some_and(|x| x != 0.0))
        .map(|(condition, points, matched)| ExplainItem {
            part: Part::Score,
            matched: if matched.len() == 1 && matched.first() == Some(&condition) {
                Vec::new()
            } else {
                matched
            },
            condition,
            points,
        })
        .collect();
    // A filter is worth showing when it says which needle let the row through; a bare
    // comparison (`RiskScore >= 25`) repeats what the row already shows.
    out.extend(
        filters
            .into_values()
            .filter(|(_, matched)| !matched.is_empty())
            .map(|(condition, matched)| ExplainItem {
                part: Part::Filter,
                condition,
                points: serde_json::Number::from(0),
                matched,
            }),
    );
    out
}

/// The sum of the score items' points.
pub fn total(items: &[ExplainItem]) -> f64 {
    items
        .iter()
        .filter(|i| i.part == Part::Score)
        .filter_map(|i| i.points.as_f64())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"let Shells = dynamic(["sh", "bash"]);
T
| where Name in~ ("docker", "kubectl", "crictl")
| extend Interactive = Cmd has "-it" or Cmd has "--tty"
| extend Shell = Cmd has_any (Shells)
| extend RiskScore = toint(0) + iif(Interactive, 30, 0) + iif(Shell, 25, 0)
| where RiskScore >= 25
| project Name, Cmd, RiskScore
"#;

    #[test]
    fn score_terms_and_needles_become_probes() {
        let ins = instrument(RULE, "RiskScore").unwrap();
        let labels: Vec<String> = ins
            .probes
            .iter()
            .map(|p| match &p.role {
                ProbeRole::Term { term, label } => format!("T{term} {label}"),
                ProbeRole::Evidence { term, label } => format!("E{term} {label}"),
                ProbeRole::Filter { label, .. } => format!("F {label}"),
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                "T0 toint(0)",
                "T1 Interactive",
                "E1 -it",
                "E1 --tty",
                "T2 Shell",
                "E2 sh",
                "E2 bash",
                "F docker",
                "F kubectl",
                "F crictl",
                "F RiskScore >= 25",
            ]
        );
        assert!(
            ins.text.contains("__kqlhunt_5 = Cmd has \"sh\""),
            "{}",
            ins.text
        );
        // Every probe is carried through the final project.
        let q = kql_syntax::parse_query(&ins.text).unwrap();
        let (_, ops) = flatten_pipe(main_expr(&q).unwrap());
        let Some(OperatorKind::Project(cols)) = ops.last().map(|o| &o.kind) else {
            panic!("{}", ins.text)
        };
        assert_eq!(cols.len(), 3 + ins.probes.len());
    }

    #[test]
    fn rows_explain_with_points_that_add_up() {
        let ins = instrument(RULE, "RiskScore").unwrap();
        let v = |j: serde_json::Value| j;
        let values = vec![
            v(0.into()),
            v(30.into()),
            v(true.into()),
            v(false.into()),
            v(25.into()),
            v(false.into()),
            v(true.into()),
            v(true.into()),
            v(false.into()),
            v(false.into()),
            v(true.into()),
        ];
        let items = explain_row(&ins.probes, &values);
        let shown: Vec<String> = items.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "Interactive: +30 (\"-it\")",
                "Shell: +25 (\"bash\")",
                "where Name in~ (…) (\"docker\")",
            ]
        );
        assert_eq!(total(&items), 55.0);
    }

    #[test]
    fn a_score_before_summarize_cannot_be_explained() {
        let q = "T | extend RiskScore = iif(x, 1, 0) | summarize count() by RiskScore";
        assert_eq!(
            instrument(q, "RiskScore").unwrap_err(),
            ExplainError::Dropped("summarize")
        );
        assert!(matches!(
            instrument("T | take 1", "RiskScore"),
            Err(ExplainError::NoScoreExtend(_))
        ));
    }
}
