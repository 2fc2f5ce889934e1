//! KQL's functions and string operators, as Apache DataFusion UDFs and UDAFs over Arrow.
//!
//! The binder (`kql-plan`) resolves a call by name in the [`registry`], asks the function to
//! check its arguments' KQL types (which yields the result type, or an error naming the
//! offending argument), then asks it to build the DataFusion expression. Functions that need
//! Kusto-specific semantics are UDFs implemented here; where a DataFusion built-in already
//! behaves exactly like Kusto, the function lowers to it.
//!
//! The string operators (`has`, `contains`, `=~`, `in~`, ...) are not functions in KQL's
//! grammar; the binder lowers them with [`string_predicate`] and [`list_predicate`], and
//! other crates can use the same semantics on plain `&str` through [`string_ops`].
//!
//! Conventions every function follows:
//! * KQL `string` values are never null: a string result is `""` where Kusto gives an empty
//!   string, and a null string input is read as `""`.
//! * `dynamic` values are JSON text in `Utf8` columns (see `table-schemas`); SQL NULL is
//!   `dynamic(null)`.
//! * A conversion that fails yields null (e.g. `toint("x")`), never an error, as in Kusto.

pub mod convert;
mod datetime;
pub mod dynamic;
pub mod encoding;
pub mod geo;
mod logic;
pub mod math;
pub mod network;
pub mod parsing;
#[cfg(test)]
mod reference_rule_tests;
pub mod registry;
mod series;
pub mod string_ops;
mod strings;
#[cfg(test)]
mod test_util;
pub mod text;
mod udf;
mod units;

pub use registry::{Arg, ArgError, Function, FunctionKind, lookup};
pub use series::tuple_members;
pub use string_ops::{ListStringOp, StringOp, list_predicate, string_predicate};
pub use text::regex::translate_re2;
