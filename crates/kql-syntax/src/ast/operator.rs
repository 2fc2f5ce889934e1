//! Tabular operators: what follows a `|`.

use super::{Call, ColumnAssign, ColumnDecl, Expr, Ident, NamedParam, Param, ScalarType};
use kql_diagnostics::Span;

/// A tabular operator with its span (from the operator keyword to its last token; the `|`
/// is not included).
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    /// Which operator.
    pub kind: OperatorKind,
    /// Where.
    pub span: Span,
}

/// The tabular operators.
#[derive(Debug, Clone, PartialEq)]
pub enum OperatorKind {
    /// `where predicate` / `filter predicate`.
    Where(Expr),
    /// `extend [Name =] expr, ...`.
    Extend(Vec<ColumnAssign>),
    /// `project [Name =] expr, ...`.
    Project(Vec<ColumnAssign>),
    /// `project-away Col, Prefix*, ...`.
    ProjectAway(Vec<ColumnPattern>),
    /// `project-keep Col, Prefix*, ...`.
    ProjectKeep(Vec<ColumnPattern>),
    /// `project-by-names "Col", dynamic(["A", "B*"]), column_names_of(T), ...`: constant
    /// names, name patterns and arrays of them.
    ProjectByNames(Vec<Expr>),
    /// `project-rename New = Old, ...`.
    ProjectRename(Vec<Rename>),
    /// `project-reorder Col [asc|desc|granny-asc|granny-desc], ...`.
    ProjectReorder(Vec<ReorderColumn>),
    /// `summarize [hints] [aggregates] [by keys]`.
    Summarize(Summarize),
    /// `sort by ...` / `order by ...`.
    Sort {
        /// `hint.*` options.
        params: Vec<NamedParam>,
        /// Sort keys.
        keys: Vec<SortKey>,
    },
    /// `top N by key [asc|desc] [nulls first|last]`.
    Top {
        /// Row count.
        count: Expr,
        /// The one sort key.
        key: SortKey,
    },
    /// `top-nested [N] of Expr [with others = V] by Agg [asc|desc], ...`.
    TopNested(Vec<TopNestedLevel>),
    /// `take N` / `limit N`.
    Take(Expr),
    /// `distinct Col, ...` or `distinct *`.
    Distinct(Vec<Expr>),
    /// `count`.
    Count,
    /// `join [kind=...] [hints] (right) on ...`.
    Join(Join),
    /// `lookup [kind=...] (right) on ...`.
    Lookup(Join),
    /// `union [params] T2, T3` (the piped input is the first leg).
    Union {
        /// `kind=`, `withsource=`, `isfuzzy=`.
        params: Vec<NamedParam>,
        /// The other legs.
        tables: Vec<Expr>,
    },
    /// `mv-expand` / `mvexpand`.
    MvExpand(MvExpand),
    /// `mv-apply ... on ( subquery )`.
    MvApply(Box<MvApply>),
    /// `parse` and `parse-where`.
    Parse(Parse),
    /// `parse-kv Expr as (Col:type, ...) with (pair_delimiter=..., ...)`.
    ParseKv(ParseKv),
    /// `make-series`.
    MakeSeries(Box<MakeSeries>),
    /// `evaluate [hints] plugin(args)`.
    Evaluate {
        /// `hint.*` options.
        params: Vec<NamedParam>,
        /// The plugin call.
        call: Call,
    },
    /// `as [hint.materialized=true] Name`.
    As {
        /// Options.
        params: Vec<NamedParam>,
        /// Name given to the input.
        name: Ident,
    },
    /// `serialize [Name = expr, ...]`.
    Serialize(Vec<ColumnAssign>),
    /// `getschema`.
    GetSchema,
    /// `invoke f(args)`: calls a tabular function with the input as its first argument.
    Invoke(Call),
    /// `render chart [with (...)]`; accepted and ignored by the engine.
    Render {
        /// Visualization kind (`timechart`, `barchart`, ...).
        chart: Ident,
        /// `with (...)` properties.
        properties: Vec<NamedParam>,
    },
    /// `search` used after a pipe: `T | search "x"`.
    Search {
        /// `kind=` options.
        params: Vec<NamedParam>,
        /// The predicate.
        predicate: Expr,
    },
    /// `sample N`.
    Sample(Expr),
    /// `sample-distinct N of Col`.
    SampleDistinct {
        /// How many values.
        count: Expr,
        /// Of which column.
        column: Expr,
    },
    /// `reduce by Col [with threshold=..., characters=...]`.
    Reduce {
        /// Reduced expression.
        by: Expr,
        /// `with` options.
        params: Vec<NamedParam>,
    },
    /// `fork (subquery) (subquery) ...`, each optionally `name = (subquery)`.
    Fork(Vec<ColumnAssign>),
    /// `facet by Col, ... [with (subquery)]`.
    Facet {
        /// Facet columns.
        columns: Vec<Expr>,
        /// Optional `with` sub-query.
        with: Option<Expr>,
    },
    /// `partition [hints] by Col ( subquery )` or `{ subquery }`.
    Partition {
        /// `hint.strategy=` etc.
        params: Vec<NamedParam>,
        /// Partition key.
        by: Expr,
        /// Sub-query run per partition (its input is [`super::ExprKind::ImplicitInput`]).
        subquery: Expr,
    },
    /// `consume`.
    Consume(Vec<NamedParam>),
    /// `scan [with_match_id=Id] [declare (Col:type [= default], ...)] with (step ...; ...)`.
    Scan(Box<Scan>),
    /// `execute-and-cache`, `project-smart` and other rarely used operators that kqlhunt
    /// accepts syntactically with no arguments.
    Other(Ident),
}

/// A column name, or a name pattern with `*` (`Initiating*`), in `project-away`/`-keep`/
/// `-reorder`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPattern {
    /// The name or pattern as written.
    pub pattern: Ident,
    /// Contains `*`.
    pub wildcard: bool,
}

/// `New = Old` in `project-rename`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    /// New name.
    pub new: Ident,
    /// Existing column.
    pub old: Ident,
    /// Whole clause.
    pub span: Span,
}

/// A column of `project-reorder` with its optional ordering keyword.
#[derive(Debug, Clone, PartialEq)]
pub struct ReorderColumn {
    /// Name or pattern.
    pub column: ColumnPattern,
    /// `asc`, `desc`, `granny-asc`, `granny-desc`.
    pub order: Option<Ident>,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// Where nulls go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NullsOrder {
    /// `nulls first`
    First,
    /// `nulls last`
    Last,
}

/// `expr [asc|desc] [nulls first|last]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// Sorted expression.
    pub expr: Expr,
    /// Direction if written (KQL's default is `desc`).
    pub order: Option<SortOrder>,
    /// Null placement if written (default: first for asc, last for desc).
    pub nulls: Option<NullsOrder>,
    /// Whole key.
    pub span: Span,
}

/// `summarize`.
#[derive(Debug, Clone, PartialEq)]
pub struct Summarize {
    /// `hint.strategy=shuffle`, `hint.shufflekey=x`, `hint.num_partitions=n`.
    pub params: Vec<NamedParam>,
    /// Aggregates, possibly named.
    pub aggregates: Vec<ColumnAssign>,
    /// Group keys, possibly named (`by bin(TimeGenerated, 1h)`, `by Day = startofday(T)`).
    pub by: Vec<ColumnAssign>,
}

/// One level of `top-nested`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    /// `N` if given (all values otherwise).
    pub count: Option<Expr>,
    /// `of [Name =] Expr`.
    pub of: ColumnAssign,
    /// `with others = Value`.
    pub others: Option<Expr>,
    /// `by [Name =] Aggregate`.
    pub by: ColumnAssign,
    /// `asc`/`desc`.
    pub order: Option<SortOrder>,
    /// Whole level.
    pub span: Span,
}

/// `join` and `lookup`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// `kind=`, `hint.*`.
    pub params: Vec<NamedParam>,
    /// The right side (a name, or a parenthesised query).
    pub right: Expr,
    /// `on` conditions, comma-separated: a column name (`on Key`), or an equality of
    /// `$left.a == $right.b` (possibly chained with `and`).
    pub on: Vec<Expr>,
}

/// `mv-expand`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpand {
    /// `kind=`, `bagexpansion=`, `with_itemindex=`.
    pub params: Vec<NamedParam>,
    /// Expanded columns.
    pub columns: Vec<MvColumn>,
    /// `limit N`.
    pub limit: Option<Expr>,
}

/// `[Name =] expr [to typeof(type)]` in `mv-expand`/`mv-apply`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvColumn {
    /// Name and expanded expression.
    pub column: ColumnAssign,
    /// `to typeof(...)`.
    pub to_type: Option<ScalarType>,
}

/// `mv-apply`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvApply {
    /// `kind=`, `with_itemindex=` etc.
    pub params: Vec<NamedParam>,
    /// Expanded columns.
    pub columns: Vec<MvColumn>,
    /// `limit N`.
    pub limit: Option<Expr>,
    /// `on ( subquery )`; the sub-query's input is [`super::ExprKind::ImplicitInput`].
    pub subquery: Expr,
}

/// The flavour of `parse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseKind {
    /// `kind=simple` (the default).
    Simple,
    /// `kind=regex`.
    Regex,
    /// `kind=relaxed`.
    Relaxed,
}

/// `parse` / `parse-where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// `parse-where` (drops rows that do not match).
    pub where_: bool,
    /// `kind=`.
    pub kind: ParseKind,
    /// `flags=` for regex (e.g. `Ui`).
    pub flags: Option<String>,
    /// Other options as written (for printing).
    pub params: Vec<NamedParam>,
    /// Parsed expression.
    pub expr: Expr,
    /// The pattern after `with`.
    pub pattern: Vec<ParsePart>,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsePart {
    /// `*`: skip text.
    Star(Span),
    /// A string literal (a regex fragment for `kind=regex`).
    Text {
        /// Decoded value.
        value: String,
        /// Where.
        span: Span,
    },
    /// `Name` or `Name:type`: capture into a column.
    Column {
        /// Column name.
        name: Ident,
        /// Declared type (string if absent).
        ty: Option<ScalarType>,
    },
}

/// `parse-kv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseKv {
    /// The parsed expression.
    pub expr: Expr,
    /// `as (Key:type, ...)`.
    pub columns: Vec<ColumnDecl>,
    /// `with (pair_delimiter=..., kv_delimiter=..., quote=..., greedy=..., regex=...)`.
    pub params: Vec<NamedParam>,
}

/// `make-series`.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    /// `kind=nonempty`, hints.
    pub params: Vec<NamedParam>,
    /// Aggregates with optional `default = v`.
    pub aggregates: Vec<SeriesAggregate>,
    /// `on AxisColumn`.
    pub on: Expr,
    /// `from`/`to`/`step` or `in range(start, stop, step)`.
    pub range: SeriesRange,
    /// `by` keys.
    pub by: Vec<ColumnAssign>,
}

/// One aggregate of `make-series`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAggregate {
    /// `[Name =] Aggregate`.
    pub column: ColumnAssign,
    /// `default = Value`.
    pub default: Option<Expr>,
}

/// The axis range of `make-series`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRange {
    /// `from start` (or the first argument of `in range`).
    pub from: Option<Expr>,
    /// `to end`.
    pub to: Option<Expr>,
    /// `step s`.
    pub step: Expr,
    /// Written as `in range(...)`.
    pub in_range: bool,
}

/// `scan`: a state machine over the serialized rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// `with_match_id=Id` and other options.
    pub params: Vec<NamedParam>,
    /// `declare (Col:type [= default], ...)`: columns the steps assign.
    pub declare: Vec<Param>,
    /// The steps, in order.
    pub steps: Vec<ScanStep>,
}

/// `step Name [output=all|last|none]: Condition [=> Col = expr, ...];`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    /// Step name (also used as `Name.Col` in later conditions).
    pub name: Ident,
    /// `output=` value if written.
    pub output: Option<Ident>,
    /// When a row matches this step.
    pub condition: Expr,
    /// `=> Col = expr, ...`.
    pub assignments: Vec<ColumnAssign>,
    /// From `step` to the `;`.
    pub span: Span,
}
