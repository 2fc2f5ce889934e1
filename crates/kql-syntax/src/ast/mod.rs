//! The KQL abstract syntax tree.
//!
//! Every node carries the byte [`Span`] of the text it was parsed from, so that binding and
//! type errors can point at the exact token. The tree is syntax only: names are not resolved,
//! legacy spellings are not folded, and nothing knows about schemas.
//!
//! The canonical printer (`Display` impls in `crate::print`) turns any tree back into KQL
//! that parses to an equal tree (spans aside).

mod expr;
mod operator;

pub use expr::*;
pub use operator::*;

use kql_diagnostics::Span;
use std::fmt;

/// A whole query: statements separated by `;`. The last non-`let` statement is the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Statements in source order.
    pub statements: Vec<Statement>,
    /// The whole text.
    pub span: Span,
}

/// A top-level statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `let Name = ...;`
    Let(LetStmt),
    /// A query expression (normally the last statement).
    Expr(Expr),
    /// `set option [= value];` (accepted; options are ignored by the engine).
    Set(SetStmt),
    /// `declare query_parameters(Name:type [= default], ...);`
    DeclareQueryParameters(DeclareStmt),
}

impl Statement {
    /// The statement's span.
    pub fn span(&self) -> Span {
        match self {
            Statement::Let(l) => l.span,
            Statement::Expr(e) => e.span,
            Statement::Set(s) => s.span,
            Statement::DeclareQueryParameters(d) => d.span,
        }
    }
}

/// `let Name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct LetStmt {
    /// Bound name.
    pub name: Ident,
    /// What it is bound to.
    pub value: LetValue,
    /// From `let` to the end of the value.
    pub span: Span,
}

/// The right side of a `let`.
#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// A scalar or tabular expression (`materialize(...)` included).
    Expr(Expr),
    /// A user function `(params) { body }`.
    Function(FunctionDef),
}

/// `(x:string, T:(*), n:long = 5) { let a = ...; expr }`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// Parameters in order.
    pub params: Vec<Param>,
    /// `let` statements inside the body, in order.
    pub body: Vec<LetStmt>,
    /// The body's result expression.
    pub result: Box<Expr>,
    /// From `(` to `}`.
    pub span: Span,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Parameter name.
    pub name: Ident,
    /// Its type.
    pub ty: ParamType,
    /// `= default` for scalar parameters.
    pub default: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// The declared type of a function parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    /// `x:long`
    Scalar(ScalarType),
    /// `T:(*)` (any schema) or `T:(a:long, b:string)` (at least these columns).
    Tabular(Option<Vec<ColumnDecl>>),
}

/// `set name [= value]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetStmt {
    /// Option name (may contain dots).
    pub name: Ident,
    /// Value, if any.
    pub value: Option<Expr>,
    /// Whole statement.
    pub span: Span,
}

/// `declare query_parameters(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclareStmt {
    /// The declared parameters.
    pub params: Vec<Param>,
    /// Whole statement.
    pub span: Span,
}

/// A name as written: bare (`FileName`), bracket-quoted (`['File Name']`, `["x"]`), or a
/// keyword used as a name.
#[derive(Debug, Clone)]
pub struct Ident {
    /// The name, unquoted.
    pub name: String,
    /// Written as `['...']` / `["..."]`; printing quotes it again.
    pub quoted: bool,
    /// Where.
    pub span: Span,
}

impl Ident {
    /// A new identifier.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Self {
            name: name.into(),
            quoted: false,
            span,
        }
    }
}

/// Identifiers compare by name only, so that round-trip tests can compare trees parsed from
/// different text (`['x']` vs `x`) where the printer chose a different quoting.
impl PartialEq for Ident {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Ident {}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// `name=value` options on operators: `kind=inner`, `hint.strategy=broadcast`,
/// `withsource=SourceTable`, `isfuzzy=true`, `bagexpansion=array`, `with_itemindex=i`, and
/// `with (title="x")` properties of `render` and `externaldata`.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedParam {
    /// Option name, with dots for hints (`hint.strategy`).
    pub name: Ident,
    /// Option value.
    pub value: ParamValue,
    /// Whole option.
    pub span: Span,
}

/// The value of a [`NamedParam`].
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A bare word: `inner`, `broadcast`, `SourceTable`.
    Name(Ident),
    /// A literal: `true`, `10`, `"x"`.
    Literal(Literal),
    /// Anything else (used by `render ... with (...)` and `externaldata with (...)`).
    Expr(Expr),
}

/// KQL's scalar types, with every accepted spelling folded to one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool`, `boolean`
    Bool,
    /// `int`: 32-bit signed.
    Int,
    /// `long`: 64-bit signed.
    Long,
    /// `real`, `double`: 64-bit float.
    Real,
    /// `decimal`: 128-bit decimal.
    Decimal,
    /// `string`
    String,
    /// `datetime`, `date`
    DateTime,
    /// `timespan`, `time`
    Timespan,
    /// `guid`, `uniqueid`
    Guid,
    /// `dynamic`
    Dynamic,
}

impl ScalarType {
    /// Parses a type name (case-sensitive, as Kusto is).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "bool" | "boolean" => Self::Bool,
            "int" => Self::Int,
            "long" => Self::Long,
            "real" | "double" => Self::Real,
            "decimal" => Self::Decimal,
            "string" => Self::String,
            "datetime" | "date" => Self::DateTime,
            "timespan" | "time" => Self::Timespan,
            "guid" | "uniqueid" => Self::Guid,
            "dynamic" => Self::Dynamic,
            _ => return None,
        })
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Int => "int",
            Self::Long => "long",
            Self::Real => "real",
            Self::Decimal => "decimal",
            Self::String => "string",
            Self::DateTime => "datetime",
            Self::Timespan => "timespan",
            Self::Guid => "guid",
            Self::Dynamic => "dynamic",
        }
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
