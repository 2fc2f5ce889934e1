//! Resetting spans, to compare trees by meaning.
//!
//! Spans are part of every node and take part in `==`, which is what the binder wants (two
//! uses of a name at different places are different nodes). To ask "do these two texts parse
//! to the same query?" (round-trip tests, caches keyed by a normalised query), clear the spans
//! of both trees first.

use crate::ast::*;
use kql_diagnostics::Span;

/// A tree whose spans can all be reset to [`Span::default`].
pub trait ClearSpans {
    /// Sets every span in the tree to `Span::default()`.
    fn clear_spans(&mut self);

    /// A copy with every span reset.
    #[must_use]
    fn without_spans(&self) -> Self
    where
        Self: Clone,
    {
        let mut c = self.clone();
        c.clear_spans();
        c
    }
}

impl ClearSpans for Span {
    fn clear_spans(&mut self) {
        *self = Span::default();
    }
}

impl<T: ClearSpans> ClearSpans for Vec<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(ClearSpans::clear_spans);
    }
}

impl<T: ClearSpans> ClearSpans for Option<T> {
    fn clear_spans(&mut self) {
        if let Some(x) = self {
            x.clear_spans();
        }
    }
}

impl<T: ClearSpans> ClearSpans for Box<T> {
    fn clear_spans(&mut self) {
        self.as_mut().clear_spans();
    }
}

/// Implements `ClearSpans` for a struct by clearing the listed fields.
macro_rules! clear_fields {
    ($($ty:ty => $($field:ident),*;)*) => {
        $(impl ClearSpans for $ty {
            fn clear_spans(&mut self) {
                $(self.$field.clear_spans();)*
            }
        })*
    };
}

clear_fields! {
    Query => statements, span;
    LetStmt => name, value, span;
    FunctionDef => params, body, result, span;
    Param => name, ty, default, span;
    SetStmt => name, value, span;
    DeclareStmt => params, span;
    Ident => span;
    NamedParam => name, value, span;
    Expr => kind, span;
    Call => name, args, span;
    Arg => name, value;
    Literal => span;
    ColumnDecl => name, ty_span;
    ColumnAssign => names, expr, span;
    SearchExpr => params, tables, predicate;
    FindExpr => params, tables, predicate, project;
    Operator => kind, span;
    ColumnPattern => pattern;
    Rename => new, old, span;
    ReorderColumn => column, order;
    SortKey => expr, span;
    Summarize => params, aggregates, by;
    TopNestedLevel => count, of, others, by, span;
    Join => params, right, on;
    MvExpand => params, columns, limit;
    MvColumn => column;
    MvApply => params, columns, limit, subquery;
    Parse => params, expr, pattern;
    ParseKv => expr, columns, params;
    MakeSeries => params, aggregates, on, range, by;
    SeriesAggregate => column, default;
    SeriesRange => from, to, step;
    Scan => params, declare, steps;
    ScanStep => name, output, condition, assignments, span;
}

impl ClearSpans for Statement {
    fn clear_spans(&mut self) {
        match self {
            Statement::Let(l) => l.clear_spans(),
            Statement::Expr(e) => e.clear_spans(),
            Statement::Set(s) => s.clear_spans(),
            Statement::DeclareQueryParameters(d) => d.clear_spans(),
        }
    }
}

impl ClearSpans for LetValue {
    fn clear_spans(&mut self) {
        match self {
            LetValue::Expr(e) => e.clear_spans(),
            LetValue::Function(f) => f.clear_spans(),
        }
    }
}

impl ClearSpans for ParamType {
    fn clear_spans(&mut self) {
        if let ParamType::Tabular(cols) = self {
            cols.clear_spans();
        }
    }
}

impl ClearSpans for ParamValue {
    fn clear_spans(&mut self) {
        match self {
            ParamValue::Name(n) => n.clear_spans(),
            ParamValue::Literal(l) => l.clear_spans(),
            ParamValue::Expr(e) => e.clear_spans(),
        }
    }
}

impl ClearSpans for FindProject {
    fn clear_spans(&mut self) {
        if let FindProject::Columns(cols) = self {
            cols.clear_spans();
        }
    }
}

impl ClearSpans for ParsePart {
    fn clear_spans(&mut self) {
        match self {
            ParsePart::Star(s) => s.clear_spans(),
            ParsePart::Text { span, .. } => span.clear_spans(),
            ParsePart::Column { name, .. } => name.clear_spans(),
        }
    }
}

impl ClearSpans for ExprKind {
    fn clear_spans(&mut self) {
        use ExprKind::*;
        match self {
            Star | ImplicitInput | TypeOf(_) => {}
            Literal(l) => l.clear_spans(),
            Name(n) | Wildcard(n) => n.clear_spans(),
            JoinSide { column, .. } => column.clear_spans(),
            Member { target, name } => {
                target.clear_spans();
                name.clear_spans();
            }
            Index { target, index } => {
                target.clear_spans();
                index.clear_spans();
            }
            Call(c) => c.clear_spans(),
            Unary { operand, .. } => operand.clear_spans(),
            Binary { left, right, .. } => {
                left.clear_spans();
                right.clear_spans();
            }
            InList { expr, list, .. } => {
                expr.clear_spans();
                list.clear_spans();
            }
            Between {
                expr, low, high, ..
            } => {
                expr.clear_spans();
                low.clear_spans();
                high.clear_spans();
            }
            Paren(e) => e.clear_spans(),
            Pipe { input, op } => {
                input.clear_spans();
                op.clear_spans();
            }
            Datatable { columns, values } => {
                columns.clear_spans();
                values.clear_spans();
            }
            Print { columns } => columns.clear_spans(),
            Range {
                column,
                from,
                to,
                step,
            } => {
                column.clear_spans();
                from.clear_spans();
                to.clear_spans();
                step.clear_spans();
            }
            Union { params, tables } => {
                params.clear_spans();
                tables.clear_spans();
            }
            ExternalData {
                columns,
                uris,
                properties,
            } => {
                columns.clear_spans();
                uris.clear_spans();
                properties.clear_spans();
            }
            Search(s) => s.clear_spans(),
            Find(f) => f.clear_spans(),
        }
    }
}

impl ClearSpans for OperatorKind {
    fn clear_spans(&mut self) {
        use OperatorKind::*;
        match self {
            Where(e) | Take(e) | Sample(e) => e.clear_spans(),
            Extend(c) | Project(c) | Serialize(c) | Fork(c) => c.clear_spans(),
            ProjectAway(p) | ProjectKeep(p) => p.clear_spans(),
            ProjectRename(r) => r.clear_spans(),
            ProjectReorder(r) => r.clear_spans(),
            Summarize(s) => s.clear_spans(),
            Sort { params, keys } => {
                params.clear_spans();
                keys.clear_spans();
            }
            Top { count, key } => {
                count.clear_spans();
                key.clear_spans();
            }
            TopNested(l) => l.clear_spans(),
            Distinct(e) | ProjectByNames(e) => e.clear_spans(),
            Count | GetSchema => {}
            Join(j) | Lookup(j) => j.clear_spans(),
            Union { params, tables } => {
                params.clear_spans();
                tables.clear_spans();
            }
            MvExpand(m) => m.clear_spans(),
            MvApply(m) => m.clear_spans(),
            Parse(p) => p.clear_spans(),
            ParseKv(p) => p.clear_spans(),
            MakeSeries(m) => m.clear_spans(),
            Evaluate { params, call } => {
                params.clear_spans();
                call.clear_spans();
            }
            As { params, name } => {
                params.clear_spans();
                name.clear_spans();
            }
            Invoke(c) => c.clear_spans(),
            Render { chart, properties } => {
                chart.clear_spans();
                properties.clear_spans();
            }
            Search { params, predicate } => {
                params.clear_spans();
                predicate.clear_spans();
            }
            SampleDistinct { count, column } => {
                count.clear_spans();
                column.clear_spans();
            }
            Reduce { by, params } => {
                by.clear_spans();
                params.clear_spans();
            }
            Facet { columns, with } => {
                columns.clear_spans();
                with.clear_spans();
            }
            Partition {
                params,
                by,
                subquery,
            } => {
                params.clear_spans();
                by.clear_spans();
                subquery.clear_spans();
            }
            Consume(p) => p.clear_spans(),
            Scan(s) => s.clear_spans(),
            Other(n) => n.clear_spans(),
        }
    }
}
