//! Tree depth, measured with a cap so that measuring never recurses deeper than the limit the
//! parser enforces.

use crate::ast::{Expr, ExprKind, FindProject, Operator, OperatorKind, ParamValue};

/// Depth of `e` in expression nodes (a leaf is 1), or some value above `cap` if deeper.
pub(crate) fn expr_depth(e: &Expr, cap: u32) -> u32 {
    if cap == 0 {
        return 1;
    }
    let mut max = 0;
    children(e, &mut |c| {
        if max <= cap {
            max = max.max(expr_depth(c, cap - 1));
        }
    });
    max + 1
}

/// Depth of the deepest expression inside an operator (0 if it holds none).
pub(crate) fn operator_depth(op: &Operator, cap: u32) -> u32 {
    let mut max = 0;
    operator_children(op, &mut |c| {
        if max <= cap {
            max = max.max(expr_depth(c, cap));
        }
    });
    max
}

/// Calls `f` on each direct child expression of `e` (operators included).
fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    use ExprKind::*;
    match &e.kind {
        Literal(_) | Name(_) | Star | JoinSide { .. } | ImplicitInput | Wildcard(_) | TypeOf(_) => {
        }
        Member { target, .. } => f(target),
        Index { target, index } => {
            f(target);
            f(index);
        }
        Call(c) => c.args.iter().for_each(|a| f(&a.value)),
        Unary { operand, .. } => f(operand),
        Binary { left, right, .. } => {
            f(left);
            f(right);
        }
        InList { expr, list, .. } => {
            f(expr);
            list.iter().for_each(&mut *f);
        }
        Between {
            expr, low, high, ..
        } => {
            f(expr);
            f(low);
            f(high);
        }
        Paren(inner) => f(inner),
        Pipe { input, op } => {
            f(input);
            operator_children(op, f);
        }
        Datatable { values, .. } => values.iter().for_each(&mut *f),
        Print { columns } => columns.iter().for_each(|c| f(&c.expr)),
        Range { from, to, step, .. } => {
            f(from);
            f(to);
            f(step);
        }
        Union { params, tables } => {
            params_children(params, f);
            tables.iter().for_each(&mut *f);
        }
        ExternalData {
            uris, properties, ..
        } => {
            uris.iter().for_each(&mut *f);
            params_children(properties, f);
        }
        Search(s) => {
            params_children(&s.params, f);
            s.tables.iter().flatten().for_each(&mut *f);
            f(&s.predicate);
        }
        Find(x) => {
            params_children(&x.params, f);
            x.tables.iter().flatten().for_each(&mut *f);
            f(&x.predicate);
            if let Some(FindProject::Columns(cols)) = &x.project {
                cols.iter().for_each(&mut *f);
            }
        }
    }
}

fn params_children(params: &[crate::ast::NamedParam], f: &mut dyn FnMut(&Expr)) {
    for p in params {
        if let ParamValue::Expr(e) = &p.value {
            f(e);
        }
    }
}

/// Calls `f` on each expression held by an operator.
fn operator_children(op: &Operator, f: &mut dyn FnMut(&Expr)) {
    use OperatorKind::*;
    match &op.kind {
        Where(e) | Take(e) | Sample(e) => f(e),
        Extend(cols) | Project(cols) | Serialize(cols) | Fork(cols) => {
            cols.iter().for_each(|c| f(&c.expr));
        }
        ProjectAway(_) | ProjectKeep(_) | ProjectRename(_) | ProjectReorder(_) | Count
        | GetSchema | Other(_) => {}
        Summarize(s) => {
            params_children(&s.params, f);
            s.aggregates.iter().chain(&s.by).for_each(|c| f(&c.expr));
        }
        Sort { params, keys } => {
            params_children(params, f);
            keys.iter().for_each(|k| f(&k.expr));
        }
        Top { count, key } => {
            f(count);
            f(&key.expr);
        }
        TopNested(levels) => {
            for l in levels {
                if let Some(c) = &l.count {
                    f(c);
                }
                f(&l.of.expr);
                if let Some(o) = &l.others {
                    f(o);
                }
                f(&l.by.expr);
            }
        }
        Distinct(es) | ProjectByNames(es) => es.iter().for_each(&mut *f),
        Join(j) | Lookup(j) => {
            params_children(&j.params, f);
            f(&j.right);
            j.on.iter().for_each(&mut *f);
        }
        Union { params, tables } => {
            params_children(params, f);
            tables.iter().for_each(&mut *f);
        }
        MvExpand(m) => {
            params_children(&m.params, f);
            m.columns.iter().for_each(|c| f(&c.column.expr));
            if let Some(l) = &m.limit {
                f(l);
            }
        }
        MvApply(m) => {
            params_children(&m.params, f);
            m.columns.iter().for_each(|c| f(&c.column.expr));
            if let Some(l) = &m.limit {
                f(l);
            }
            f(&m.subquery);
        }
        Parse(p) => {
            params_children(&p.params, f);
            f(&p.expr);
        }
        ParseKv(p) => {
            f(&p.expr);
            params_children(&p.params, f);
        }
        MakeSeries(m) => {
            params_children(&m.params, f);
            for a in &m.aggregates {
                f(&a.column.expr);
                if let Some(d) = &a.default {
                    f(d);
                }
            }
            f(&m.on);
            if let Some(x) = &m.range.from {
                f(x);
            }
            if let Some(x) = &m.range.to {
                f(x);
            }
            f(&m.range.step);
            m.by.iter().for_each(|c| f(&c.expr));
        }
        Evaluate { params, call } => {
            params_children(params, f);
            call.args.iter().for_each(|a| f(&a.value));
        }
        Invoke(call) => call.args.iter().for_each(|a| f(&a.value)),
        As { params, .. } | Consume(params) => params_children(params, f),
        Render { properties, .. } => params_children(properties, f),
        Search { params, predicate } => {
            params_children(params, f);
            f(predicate);
        }
        SampleDistinct { count, column } => {
            f(count);
            f(column);
        }
        Reduce { by, params } => {
            f(by);
            params_children(params, f);
        }
        Facet { columns, with } => {
            columns.iter().for_each(&mut *f);
            if let Some(w) = with {
                f(w);
            }
        }
        Partition {
            params,
            by,
            subquery,
        } => {
            params_children(params, f);
            f(by);
            f(subquery);
        }
        Scan(s) => {
            params_children(&s.params, f);
            s.declare
                .iter()
                .filter_map(|p| p.default.as_ref())
                .for_each(&mut *f);
            for step in &s.steps {
                f(&step.condition);
                step.assignments.iter().for_each(|a| f(&a.expr));
            }
        }
    }
}
