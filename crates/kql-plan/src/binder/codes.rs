//! Diagnostic codes of the binder (KQL03xx), each with a query that triggers it.

/// `T | where FileNmae == "x"`: no such column in the operator's input.
pub(crate) const E_UNKNOWN_COLUMN: &str = "KQL0301";
/// `DeviceProcesEvents | take 1`: no table, `let` or function of that name.
pub(crate) const E_UNKNOWN_TABLE: &str = "KQL0302";
/// `print x = tostrin(1)`: no such function.
pub(crate) const E_UNKNOWN_FUNCTION: &str = "KQL0303";
/// `print strlen(1, 2)`: wrong number of arguments.
pub(crate) const E_ARG_COUNT: &str = "KQL0304";
/// `print strlen(1)`: an argument of the wrong type.
pub(crate) const E_ARG_TYPE: &str = "KQL0305";
/// `print "a" + 1`: operands an operator does not accept.
pub(crate) const E_OPERAND_TYPE: &str = "KQL0306";
/// `T | where 1 + 1`: a predicate that is not `bool`.
pub(crate) const E_NOT_BOOL: &str = "KQL0307";
/// `T | extend count()`: an aggregate outside `summarize`.
pub(crate) const E_AGGREGATE_CONTEXT: &str = "KQL0308";
/// `T | summarize strlen(x)`: a `summarize` column without an aggregate.
pub(crate) const E_NOT_AGGREGATE: &str = "KQL0309";
/// `print datetime(2024-13-01)`: a literal with an invalid value.
pub(crate) const E_BAD_LITERAL: &str = "KQL0310";
/// An operator, plugin or form kqlhunt does not execute (yet).
pub(crate) const E_UNSUPPORTED: &str = "KQL0311";
/// `T | where x in (T2 | project a, b)`: a value used where a table is needed, or vice versa.
pub(crate) const E_KIND: &str = "KQL0312";
/// `T | project a = 1, a = 2`: a column defined twice.
pub(crate) const E_DUPLICATE_COLUMN: &str = "KQL0313";
/// `let f = () { f() }; f()`: user functions calling each other without end.
pub(crate) const E_RECURSION: &str = "KQL0314";
/// `let x = 1;` alone: nothing to return.
pub(crate) const E_NO_RESULT: &str = "KQL0315";
/// `T | take "a"`: an argument that must be a constant of some kind is not.
pub(crate) const E_NOT_CONSTANT: &str = "KQL0316";
/// `T | join (U) on $left.a == $right.b` with incompatible key types, or a bad `on` clause.
pub(crate) const E_JOIN: &str = "KQL0317";
/// An invalid value for an operator option (`kind=sideways`).
pub(crate) const E_BAD_OPTION: &str = "KQL0318";
/// An error from DataFusion while building the plan (reported with the operator's span).
pub(crate) const E_PLAN: &str = "KQL0319";
/// `T | where x.a == 1` with `x` not `dynamic`: member access on a non-dynamic value.
pub(crate) const E_MEMBER: &str = "KQL0320";
