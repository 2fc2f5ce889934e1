//! Small views of a rule's syntax tree: its `let` values, its main pipe as a flat list of
//! operators, and a walk over every expression (for `ago()` windows).

use kql_syntax::{Expr, ExprKind, LetValue, Operator, OperatorKind, ParamValue, Query, Statement};
use std::collections::BTreeMap;

/// The `let` statements of a query, by name (the last one wins, as in KQL).
pub fn lets(query: &Query) -> BTreeMap<String, &Expr> {
    let mut out = BTreeMap::new();
    for s in &query.statements {
        if let Statement::Let(l) = s
            && let LetValue::Expr(e) = &l.value
        {
            out.insert(l.name.name.clone(), e);
        }
    }
    out
}

/// The query's result expression: its last expression statement.
pub fn main_expr(query: &Query) -> Option<&Expr> {
    query.statements.iter().rev().find_map(|s| match s {
        Statement::Expr(e) => Some(e),
        _ => None,
    })
}

/// `T | op1 | op2` as (`T`, [op1, op2]).
pub fn flatten_pipe(e: &Expr) -> (Expr, Vec<Operator>) {
    let mut ops = Vec::new();
    let mut cur = e;
    while let ExprKind::Pipe { input, op } = &cur.kind {
        ops.push((**op).clone());
        cur = input;
    }
    ops.reverse();
    (cur.clone(), ops)
}

/// The inverse of [`flatten_pipe`].
pub fn rebuild_pipe(source: Expr, ops: Vec<Operator>) -> Expr {
    ops.into_iter().fold(source, |input, op| {
        let span = input.span.to(op.span);
        Expr::new(
            ExprKind::Pipe {
                input: Box::new(input),
                op: Box::new(op),
            },
            span,
        )
    })
}

/// Calls `f` on every expression of the query, nested ones included.
pub fn walk_query(query: &Query, f: &mut dyn FnMut(&Expr)) {
    for s in &query.statements {
        match s {
            Statement::Let(l) => match &l.value {
                LetValue::Expr(e) => walk_expr(e, f),
                LetValue::Function(def) => {
                    for b in &def.body {
                        if let LetValue::Expr(e) = &b.value {
                            walk_expr(e, f);
                        }
                    }
                    walk_expr(&def.result, f);
                }
            },
            Statement::Expr(e) => walk_expr(e, f),
            Statement::Set(_) | Statement::DeclareQueryParameters(_) => {}
        }
    }
}

/// Calls `f` on `e` and every expression under it.
pub fn walk_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    use ExprKind::*;
    match &e.kind {
        Member { target, .. } => walk_expr(target, f),
        Index { target, index } => {
            walk_expr(target, f);
            walk_expr(index, f);
        }
        Call(c) => c.args.iter().for_each(|a| walk_expr(&a.value, f)),
        Unary { operand, .. } => walk_expr(operand, f),
        Binary { left, right, .. } => {
            walk_expr(left, f);
            walk_expr(right, f);
        }
        InList { expr, list, .. } => {
            walk_expr(expr, f);
            list.iter().for_each(|x| walk_expr(x, f));
        }
        Between {
            expr, low, high, ..
        } => {
            walk_expr(expr, f);
            walk_expr(low, f);
            walk_expr(high, f);
        }
        Paren(inner) => walk_expr(inner, f),
        Pipe { input, op } => {
            walk_expr(input, f);
            walk_operator(op, f);
        }
        Union { tables, .. } => tables.iter().for_each(|t| walk_expr(t, f)),
        Print { columns } => columns.iter().for_each(|c| walk_expr(&c.expr, f)),
        _ => {}
    }
}

fn walk_operator(op: &Operator, f: &mut dyn FnMut(&Expr)) {
    use OperatorKind::*;
    match &op.kind {
        Where(e) | Take(e) | Sample(e) => walk_expr(e, f),
        Extend(cols) | Project(cols) | Serialize(cols) | Fork(cols) => {
            cols.iter().for_each(|c| walk_expr(&c.expr, f));
        }
        Summarize(s) => s
            .aggregates
            .iter()
            .chain(&s.by)
            .for_each(|c| walk_expr(&c.expr, f)),
        Sort { keys, .. } => keys.iter().for_each(|k| walk_expr(&k.expr, f)),
        Top { count, key } => {
            walk_expr(count, f);
            walk_expr(&key.expr, f);
        }
        Distinct(es) => es.iter().for_each(|x| walk_expr(x, f)),
        Join(j) | Lookup(j) => {
            walk_expr(&j.right, f);
            j.on.iter().for_each(|x| walk_expr(x, f));
        }
        Union { tables, params } => {
            tables.iter().for_each(|t| walk_expr(t, f));
            for p in params {
                if let ParamValue::Expr(e) = &p.value {
                    walk_expr(e, f);
                }
            }
        }
        MvExpand(m) => m.columns.iter().for_each(|c| walk_expr(&c.column.expr, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_flatten_and_rebuild_to_the_same_text() {
        let q =
            kql_syntax::parse_query("let a = 1; T | where x > a | extend y = 2 | take 3").unwrap();
        let (src, ops) = flatten_pipe(main_expr(&q).unwrap());
        assert_eq!(ops.len(), 3);
        assert_eq!(src.to_string(), "T");
        let again = rebuild_pipe(src, ops);
        assert_eq!(again.to_string(), main_expr(&q).unwrap().to_string());
        assert!(lets(&q).contains_key("a"));
    }

    #[test]
    fn walk_reaches_join_subqueries() {
        let q =
            kql_syntax::parse_query("T | join (U | where t > ago(2d)) on k | where t > ago(1d)")
                .unwrap();
        let mut calls = 0;
        walk_query(&q, &mut |e| {
            if let ExprKind::Call(c) = &e.kind
                && c.name.name == "ago"
            {
                calls += 1;
            }
        });
        assert_eq!(calls, 2);
    }
}
