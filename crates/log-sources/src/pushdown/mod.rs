//! Record prefilters derived from a query's filters.
//!
//! DataFusion hands [`crate::LogTable`]'s scan the conjuncts of the filters above it. Many
//! detection filters are KQL string operators with constant needles (`FileName in~
//! ("docker", "kubectl")`, `ProcessCommandLine has "exec"`), lowered to the UDFs of
//! `kql_functions::string_ops`. Each of them can only be true when the column's value
//! contains the needle's text (ASCII case aside), and when that column's value is copied
//! verbatim from the raw record (modulo the format's escaping, which [`Prefilter`] handles),
//! the raw record must contain it too. [`derive`] turns the filters into such a requirement:
//!
//! * `has`, `has_cs`, `hasprefix`, `hassuffix`, `contains`, `startswith`, `endswith`, `=~`,
//!   their `_cs` forms and `==` with a literal needle → that needle;
//! * `in`, `in~`, `has_any` with literal needles → any of them;
//! * `has_all` → its most selective needle (all of them must occur);
//! * `a and b` → the more selective derivable side;
//! * `a or b` → the union of both sides, only if both are derivable;
//! * `not`, negated operators, anything else → nothing.
//!
//! The equality operators (`==`, `=~`, `in`, `in~`) say more: the needle is the column's
//! whole value. A JSON record then holds it as a whole string, between quotes, which is a
//! far more selective thing to look for (`"docker"` rather than every command line that
//! mentions docker); [`Requirement::whole_values`] carries that.
//!
//! An empty needle (`has ""` is true for every value) or an empty list makes a term
//! underivable, so it never narrows a scan. The requirement is only a hint: the scan
//! reports the filters as inexact, so DataFusion applies every filter to the rows the
//! readers produce, and correctness never depends on the prefilter.
//!
//! Which columns may be used is the caller's decision ([`derive`]'s `usable`): a column of
//! type `string` whose value a format copies from the raw record. Computed values (a
//! lowercased or joined field, a hex-decoded command line, a default, a value looked up
//! from another record) are not in the raw record and must not be used.

use datafusion::logical_expr::{BinaryExpr, Expr, Operator};
use datafusion::scalar::ScalarValue;
use kql_functions::string_ops::{ListMatchUdf, ListStringOp, StringMatchUdf, StringOp};
use std::collections::BTreeSet;

/// What a raw record must contain for the filters to possibly accept its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// One of these must occur in the record (ASCII case-insensitively, modulo escapes).
    pub literals: BTreeSet<String>,
    /// The literals that every filter asking for them compares with a column's whole
    /// value (`==`, `=~`, `in`, `in~`); the others need only occur inside a value.
    pub whole_values: BTreeSet<String>,
    /// The columns whose values the literals were required of.
    pub columns: BTreeSet<String>,
}

impl Requirement {
    fn single(
        column: &str,
        literals: impl IntoIterator<Item = String>,
        whole: bool,
    ) -> Option<Self> {
        let literals: BTreeSet<String> = literals.into_iter().collect();
        // An empty needle occurs in every value; an empty list matches nothing, which a
        // literal set cannot say. Either way the term does not narrow the scan.
        if literals.is_empty() || literals.iter().any(String::is_empty) {
            return None;
        }
        Some(Self {
            whole_values: if whole {
                literals.clone()
            } else {
                BTreeSet::new()
            },
            literals,
            columns: BTreeSet::from([column.to_string()]),
        })
    }

    /// An estimate of the share of records the requirement keeps: a literal of `n` ASCII
    /// characters is taken to occur by chance in one record of `32^n`, and the literals
    /// of a set add up; a whole value counts its quotes. Only the order matters: longer
    /// literals and fewer of them win.
    fn cost(&self) -> f64 {
        self.literals
            .iter()
            .map(|l| {
                let quotes = if self.whole_values.contains(l) { 2 } else { 0 };
                let run = (ascii_run_len(l) + quotes).min(12) as i32;
                32f64.powi(-run)
            })
            .sum()
    }

    fn union(mut self, other: Self) -> Self {
        // A literal stays a whole value only if no side looks for it inside values.
        let inside: BTreeSet<String> = self
            .literals
            .difference(&self.whole_values)
            .chain(other.literals.difference(&other.whole_values))
            .cloned()
            .collect();
        self.whole_values.extend(other.whole_values);
        self.whole_values.retain(|l| !inside.contains(l));
        self.literals.extend(other.literals);
        self.columns.extend(other.columns);
        self
    }
}

/// The length of a literal's longest ASCII run, which is what the prefilter searches for.
fn ascii_run_len(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// The requirement implied by `filters` (a conjunction), using only columns for which
/// `usable` is true; `None` when the filters imply nothing a raw record must contain.
pub fn derive(filters: &[Expr], usable: &dyn Fn(&str) -> bool) -> Option<Requirement> {
    filters
        .iter()
        .filter_map(|f| of(f, usable))
        .min_by(|a, b| a.cost().total_cmp(&b.cost()))
}

fn of(e: &Expr, usable: &dyn Fn(&str) -> bool) -> Option<Requirement> {
    match e {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => match op {
            Operator::And => match (of(left, usable), of(right, usable)) {
                (Some(a), Some(b)) => Some(if b.cost() < a.cost() { b } else { a }),
                (a, b) => a.or(b),
            },
            Operator::Or => Some(of(left, usable)?.union(of(right, usable)?)),
            Operator::Eq => match (left.as_ref(), right.as_ref()) {
                (Expr::Column(c), lit) | (lit, Expr::Column(c)) if usable(&c.name) => {
                    Requirement::single(&c.name, [text_literal(lit)?], true)
                }
                _ => None,
            },
            _ => None,
        },
        Expr::InList(list) if !list.negated => {
            let Expr::Column(c) = list.expr.as_ref() else {
                return None;
            };
            if !usable(&c.name) {
                return None;
            }
            let needles: Option<Vec<String>> = list.list.iter().map(text_literal).collect();
            Requirement::single(&c.name, needles?, true)
        }
        Expr::ScalarFunction(f) => {
            let [Expr::Column(c)] = f.args.as_slice() else {
                return None;
            };
            if !usable(&c.name) {
                return None;
            }
            let udf = f.func.inner();
            if let Some(s) = udf.downcast_ref::<StringMatchUdf>() {
                // Every string operator is true only when the needle occurs in the value.
                let whole = s.matcher().op() == StringOp::Equals;
                return Requirement::single(&c.name, [s.matcher().needle().to_string()], whole);
            }
            let l = udf.downcast_ref::<ListMatchUdf>()?.matcher();
            match l.op() {
                ListStringOp::HasAny => {
                    Requirement::single(&c.name, l.needles().iter().cloned(), false)
                }
                ListStringOp::In => Requirement::single(&c.name, l.needles().iter().cloned(), true),
                // Every needle must occur: require the one least likely by chance.
                ListStringOp::HasAll => l
                    .needles()
                    .iter()
                    .filter_map(|n| Requirement::single(&c.name, [n.clone()], false))
                    .min_by(|a, b| a.cost().total_cmp(&b.cost())),
            }
        }
        // `(x)` as DataFusion may keep it after rewriting.
        Expr::Alias(a) => of(&a.expr, usable),
        _ => None,
    }
}

/// The text of a string literal.
fn text_literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Literal(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
            _,
        ) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
