//! Expressions: scalars, tabular sources and pipes, in one tree.
//!
//! KQL does not separate scalar and tabular expressions syntactically: `T` may be a table or a
//! scalar `let`, `toscalar(T | count)` takes a pipe as an argument, and `x in (T | project y)`
//! takes one as a list element. So the parser produces one [`Expr`] type and the binder decides
//! what each expression denotes.

use super::{Ident, NamedParam, Operator, ScalarType};
use kql_diagnostics::Span;

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The source text it came from (for a pipe: from the first input token to the end of the
    /// last operator).
    pub span: Span,
}

impl Expr {
    /// Builds an expression.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal value.
    Literal(Literal),
    /// A bare or bracket-quoted name: a column, a `let` name, a table, a function parameter.
    Name(Ident),
    /// `*` where an expression is allowed: `distinct *`, `arg_max(T, *)`, `union *`.
    Star,
    /// `$left.Col` or `$right.Col` in join conditions.
    JoinSide {
        /// Which side.
        side: JoinSide,
        /// The column.
        column: Ident,
    },
    /// `target.name`: member access on `dynamic`, or a qualified name (`database.table`).
    Member {
        /// Left of the dot.
        target: Box<Expr>,
        /// Right of the dot.
        name: Ident,
    },
    /// `target[index]`: array element or property by string key.
    Index {
        /// Indexed value.
        target: Box<Expr>,
        /// Key or position.
        index: Box<Expr>,
    },
    /// `name(args)`: a built-in, an aggregate, a `let` function or a plugin.
    Call(Call),
    /// `-x`, `+x`.
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand.
        operand: Box<Expr>,
    },
    /// Arithmetic, comparison, logical and string operators with one right operand.
    Binary {
        /// Operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all` (and `_cs` spellings) with a list.
    ///
    /// Each list element is a scalar, a `dynamic` array, or (for `in` and `has_any`) a tabular
    /// expression whose first column supplies values.
    InList {
        /// Operator.
        op: ListOp,
        /// Tested value.
        expr: Box<Expr>,
        /// The parenthesised list.
        list: Vec<Expr>,
    },
    /// `x between (low .. high)` and `!between`.
    Between {
        /// Tested value.
        expr: Box<Expr>,
        /// Lower bound (inclusive).
        low: Box<Expr>,
        /// Upper bound (inclusive).
        high: Box<Expr>,
        /// `!between`.
        negated: bool,
    },
    /// `( expr )`, kept so that printing reproduces the author's grouping.
    Paren(Box<Expr>),
    /// `input | operator`.
    Pipe {
        /// Left of the pipe.
        input: Box<Expr>,
        /// The tabular operator.
        op: Box<Operator>,
    },
    /// The implicit input of a sub-query that starts with an operator, such as the body of
    /// `mv-apply ... on ( where x > 1 | top 1 by y )` or of `partition by K ( ... )`.
    /// Its span is empty, at the start of the sub-query.
    ImplicitInput,
    /// `datatable(Col:type, ...) [ v1, v2, ... ]` (values row-major).
    Datatable {
        /// Declared columns.
        columns: Vec<ColumnDecl>,
        /// All cell values, row after row.
        values: Vec<Expr>,
    },
    /// `print [Name =] expr, ...`.
    Print {
        /// Printed columns.
        columns: Vec<ColumnAssign>,
    },
    /// `range Col from start to stop step step`.
    Range {
        /// Output column name.
        column: Ident,
        /// First value.
        from: Box<Expr>,
        /// Last value (inclusive).
        to: Box<Expr>,
        /// Increment.
        step: Box<Expr>,
    },
    /// `union [params] T1, T2, ...` at the start of a query.
    Union {
        /// `kind=`, `withsource=`, `isfuzzy=`, hints.
        params: Vec<NamedParam>,
        /// Tables, wildcards (`Device*`) and parenthesised queries.
        tables: Vec<Expr>,
    },
    /// A table name pattern with `*`, e.g. `Device*` in `union`/`find`/`search`.
    Wildcard(Ident),
    /// `externaldata(Col:type, ...) [ "uri", ... ] [with (format="csv", ...)]`.
    ExternalData {
        /// Declared columns.
        columns: Vec<ColumnDecl>,
        /// Storage URIs.
        uris: Vec<Expr>,
        /// `with (...)` properties.
        properties: Vec<NamedParam>,
    },
    /// `search [kind=...] [in (T, ...)] predicate` at the start of a query.
    Search(SearchExpr),
    /// `find [params] [in (T, ...)] where predicate [project ...]` at the start of a query.
    Find(FindExpr),
    /// `typeof(string)` as used by `mv-expand ... to typeof(...)` and `datatable` helpers.
    TypeOf(ScalarType),
}

/// A call `name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Function name as written (legacy spellings are resolved by the binder).
    pub name: Ident,
    /// Arguments.
    pub args: Vec<Arg>,
    /// Span of the whole call.
    pub span: Span,
}

/// One call argument, possibly named (`bag_unpack(d, columnsConflict='keep_source')`).
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `name =` if given.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// Which side of a join `$left`/`$right` refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinSide {
    /// `$left`
    Left,
    /// `$right`
    Right,
}

/// Prefix operators. (`not` is a function in KQL: `not(x)`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
}

/// Binary operators, grouped as in Kusto's precedence table (see [`BinaryOp::precedence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Or,
    And,
    // Comparison.
    Eq,    // ==
    NotEq, // != (also <>)
    Lt,
    LtEq,
    Gt,
    GtEq,
    EqTilde,    // =~
    NotEqTilde, // !~
    // String operators (each has a case-insensitive default and a `_cs` form).
    Has,
    NotHas,
    HasCs,
    NotHasCs,
    HasPrefix,
    NotHasPrefix,
    HasPrefixCs,
    NotHasPrefixCs,
    HasSuffix,
    NotHasSuffix,
    HasSuffixCs,
    NotHasSuffixCs,
    Contains,
    NotContains,
    ContainsCs,
    NotContainsCs,
    StartsWith,
    NotStartsWith,
    StartsWithCs,
    NotStartsWithCs,
    EndsWith,
    NotEndsWith,
    EndsWithCs,
    NotEndsWithCs,
    MatchesRegex, // matches regex
    Like,         // like (legacy)
    NotLike,
    LikeCs,
    NotLikeCs,
    // Arithmetic.
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// The operator as written in canonical KQL.
    pub fn as_str(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "==",
            NotEq => "!=",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            EqTilde => "=~",
            NotEqTilde => "!~",
            Has => "has",
            NotHas => "!has",
            HasCs => "has_cs",
            NotHasCs => "!has_cs",
            HasPrefix => "hasprefix",
            NotHasPrefix => "!hasprefix",
            HasPrefixCs => "hasprefix_cs",
            NotHasPrefixCs => "!hasprefix_cs",
            HasSuffix => "hassuffix",
            NotHasSuffix => "!hassuffix",
            HasSuffixCs => "hassuffix_cs",
            NotHasSuffixCs => "!hassuffix_cs",
            Contains => "contains",
            NotContains => "!contains",
            ContainsCs => "contains_cs",
            NotContainsCs => "!contains_cs",
            StartsWith => "startswith",
            NotStartsWith => "!startswith",
            StartsWithCs => "startswith_cs",
            NotStartsWithCs => "!startswith_cs",
            EndsWith => "endswith",
            NotEndsWith => "!endswith",
            EndsWithCs => "endswith_cs",
            NotEndsWithCs => "!endswith_cs",
            MatchesRegex => "matches regex",
            Like => "like",
            NotLike => "notlike",
            LikeCs => "likecs",
            NotLikeCs => "notlikecs",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
        }
    }

    /// Binding power, higher binds tighter, as in Kusto's parser (`QueryParser.cs`):
    /// `or` 1; `and` 2; `==` `!=` 3 (with `in`, `has_any`, `between`); `<` `<=` `>` `>=` 4;
    /// `+` `-` 5; `*` `/` `%` 6; the string operators (`=~`, `has`, `contains`, ...) 7.
    /// So `x * 2 has "a"` is `x * (2 has "a")`. Levels 3, 4 and 7 do not chain: `a < b < c`
    /// is a syntax error.
    pub fn precedence(self) -> u8 {
        use BinaryOp::*;
        match self {
            Or => 1,
            And => 2,
            Eq | NotEq => 3,
            Lt | LtEq | Gt | GtEq => 4,
            Add | Sub => 5,
            Mul | Div | Mod => 6,
            _ => 7,
        }
    }
}

/// Operators that take a parenthesised list on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ListOp {
    In,       // in
    NotIn,    // !in
    InCi,     // in~
    NotInCi,  // !in~
    HasAny,   // has_any
    HasAll,   // has_all
    HasAnyCs, // has_any_cs (not in the docs, but accepted by Kusto.Language)
    HasAllCs, // has_all_cs
}

impl ListOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ListOp::In => "in",
            ListOp::NotIn => "!in",
            ListOp::InCi => "in~",
            ListOp::NotInCi => "!in~",
            ListOp::HasAny => "has_any",
            ListOp::HasAll => "has_all",
            ListOp::HasAnyCs => "has_any_cs",
            ListOp::HasAllCs => "has_all_cs",
        }
    }
}

/// A literal with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value.
    pub kind: LiteralKind,
    /// Where it was written.
    pub span: Span,
}

/// Literal values.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralKind {
    /// A typed null: `int(null)`, `datetime(null)`, `dynamic(null)`, ... (`string(null)` is
    /// accepted by the parser; the binder turns it into `""`, since KQL strings are never null).
    Null(ScalarType),
    /// `true`, `false`, `bool(true)`.
    Bool(bool),
    /// `int(5)`.
    Int(i32),
    /// `5`, `long(5)`, `0x1F`.
    Long(i64),
    /// `1.5`, `1e3`, `real(nan)`, `real(+inf)`, `double(2)`.
    Real(Real),
    /// `decimal(1.25)`: the digits as written.
    Decimal(String),
    /// `"..."`, `'...'`, `@"..."`, `h"..."`, ```` ```...``` ````, and adjacent literals
    /// concatenated. `value` is the decoded text.
    String {
        /// Decoded value.
        value: String,
        /// Written with the `h`/`H` prefix (obfuscated in logs); printing keeps it.
        obfuscated: bool,
    },
    /// `datetime(2024-01-01 10:00:00Z)`: the text inside the parentheses, trimmed; the binder
    /// parses it. (`todatetime(...)` is a call, not a literal.)
    DateTime(String),
    /// `1d`, `5m`, `10s`, `100ms`, `1tick`, `time(1.02:03:04)`, `timespan(2h)`:
    /// the value in ticks (100 ns).
    Timespan(i64),
    /// `guid(74be27de-1e4e-49d9-b579-fe0b331d3642)`: the text inside the parentheses.
    Guid(String),
    /// `dynamic(...)`.
    Dynamic(DynamicValue),
}

/// A 64-bit float compared by bits, so that `real(nan)` equals itself in AST comparisons.
#[derive(Debug, Clone, Copy)]
pub struct Real(pub f64);

impl PartialEq for Real {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

/// The content of a `dynamic(...)` literal: JSON extended with KQL literals
/// (`dynamic([datetime(2020-01-01), 1d])`), single-quoted strings and `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum DynamicValue {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// Integer.
    Long(i64),
    /// Number with a fraction or exponent.
    Real(Real),
    /// String.
    String(String),
    /// A KQL typed literal inside the JSON (datetime, timespan, guid, ...), serialised by the
    /// binder as Kusto does (a string).
    Typed(Box<LiteralKind>),
    /// `[a, b]`
    Array(Vec<DynamicValue>),
    /// `{"k": v}`, keys in source order.
    Object(Vec<(String, DynamicValue)>),
}

/// `Name:type` in `datatable`, `externaldata`, tabular parameters and `parse`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDecl {
    /// Column name.
    pub name: Ident,
    /// Its type.
    pub ty: ScalarType,
    /// Span of the type name.
    pub ty_span: Span,
}

/// `[Name =] expr` or `(A, B) = expr` in `extend`, `project`, `summarize`, `print`, ...
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnAssign {
    /// Names on the left of `=`; empty when the column is unnamed.
    pub names: Vec<Ident>,
    /// The value.
    pub expr: Expr,
    /// From the first name (or the expression) to the end of the expression.
    pub span: Span,
}

/// `search` at the start of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchExpr {
    /// `kind=case_sensitive` etc.
    pub params: Vec<NamedParam>,
    /// `in (T1, T2)`; `None` searches every table.
    pub tables: Option<Vec<Expr>>,
    /// The predicate (a bare string means "any column has this term").
    pub predicate: Box<Expr>,
}

/// `find` at the start of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct FindExpr {
    /// `withsource=`, hints.
    pub params: Vec<NamedParam>,
    /// `in (T1, T2)`; `None` searches every table.
    pub tables: Option<Vec<Expr>>,
    /// `where predicate` (the `where` keyword is optional in Kusto).
    pub predicate: Box<Expr>,
    /// `project c1, c2`, `project-smart`, or none.
    pub project: Option<FindProject>,
}

/// The projection clause of `find`.
#[derive(Debug, Clone, PartialEq)]
pub enum FindProject {
    /// `project-smart`
    Smart,
    /// `project c1, c2, pack_all()`
    Columns(Vec<Expr>),
}
