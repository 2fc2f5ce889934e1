//! Bound values: a tabular value with its KQL schema, a scalar with its KQL type, and the
//! final result of planning.

use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType;

/// One output column of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputColumn {
    /// Column name.
    pub name: String,
    /// KQL type.
    pub ty: ScalarType,
}

/// A planned query.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    /// The DataFusion logical plan (unoptimised).
    pub plan: LogicalPlan,
    /// Output columns with KQL types, in order (same order as the plan's schema).
    pub columns: Vec<OutputColumn>,
    /// True when the query ends in an ordering operator (`sort`, `top`, `order`), so row order
    /// is meaningful.
    pub ordered: bool,
    /// The KQL-level plan: one line per operator with its output schema, for `explain`.
    pub kql_plan: Vec<String>,
    /// Non-fatal diagnostics (warnings).
    pub warnings: Vec<kql_diagnostics::Diagnostic>,
    /// Data-dependent operators whose output columns are not known yet: run each plan,
    /// put the columns found into `PlanOptions::discovered` and plan again. While any is
    /// pending, names the query uses after such an operator bind as `dynamic`.
    pub discoveries: Vec<Discovery>,
}

/// A plan whose result tells the columns a data-dependent operator produces.
///
/// The plan yields rows of one `string` column `key_type`: a column name, a tab, and the
/// KQL type of its values in one row (several rows per name when the types differ).
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The operator's position (key of `PlanOptions::discovered`).
    pub key: u32,
    /// The plan to run.
    pub plan: LogicalPlan,
}

/// A tabular value during binding: a DataFusion plan whose output columns are exactly
/// `cols` (unqualified names, same order).
#[derive(Debug, Clone)]
pub(crate) struct Tab {
    pub plan: LogicalPlan,
    pub cols: Vec<Col>,
    /// Sort keys when the rows are in a defined order (after `sort`, `top`, `serialize`).
    pub order: Option<Vec<datafusion::logical_expr::SortExpr>>,
    /// Set by `serialize` or a sort: window functions like `row_number()` are allowed.
    pub serialized: bool,
    /// Rows of a table whose schema is open to Log Analytics custom fields (`AzureDiagnostics`):
    /// an unknown name with a type suffix (`_s`, `_d`, `_b`, `_g`, `_t`) reads as an empty
    /// column of that type.
    pub custom_fields: bool,
}

/// A column of a [`Tab`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Col {
    pub name: String,
    pub ty: ScalarType,
}

impl Tab {
    pub fn new(plan: LogicalPlan, cols: Vec<Col>) -> Self {
        Self {
            plan,
            cols,
            order: None,
            serialized: false,
            custom_fields: false,
        }
    }

    pub fn find(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.cols.iter().map(|c| c.name.as_str())
    }
}

/// A scalar during binding.
#[derive(Debug, Clone)]
pub(crate) struct Scalar {
    pub expr: Expr,
    pub ty: ScalarType,
    /// The value when known at plan time (literals and `let` constants).
    pub constant: Option<ScalarValue>,
    /// False when the value can never be null (strings, literals, `has` results).
    pub nullable: bool,
}

impl Scalar {
    pub fn new(expr: Expr, ty: ScalarType) -> Self {
        let nullable = ty != ScalarType::String;
        Self {
            expr,
            ty,
            constant: None,
            nullable,
        }
    }

    pub fn non_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    pub fn constant(value: ScalarValue, ty: ScalarType) -> Self {
        let nullable = value.is_null() && ty != ScalarType::String;
        Self {
            expr: Expr::Literal(value.clone(), None),
            ty,
            constant: Some(value),
            nullable,
        }
    }
}

/// The Arrow type a KQL type is stored as.
pub(crate) fn arrow_type(ty: ScalarType) -> arrow::datatypes::DataType {
    table_schemas::arrow_type(ty)
}
