//! Detection for kqlhunt: the rule format, the built-in T1609 pack, alerts with explanations,
//! suppression, test-case validation and alert investigation.
//!
//! ```text
//! rule YAML ──load──▶ Rule (query checked by the engine) ──run over telemetry──▶ Alerts
//!                                                              │ explain: the rule's own
//!                                                              │ sub-expressions as columns
//! suppression YAML (KQL predicates) ──engine over alert rows──▶ kept / suppressed
//! test cases ──validate──▶ scenario × rule matrix
//! ```
//!
//! Nothing here prints or exits; the `kqlhunt` binary renders what these functions return.

pub mod alert;
pub mod ast;
pub mod explain;
pub mod investigate;
pub mod load;
pub mod pack;
pub mod rule;
pub mod run;
pub mod sarif;
pub mod suppress;
pub mod validate;
pub mod window;
mod yaml_pos;

pub use alert::Alert;
pub use load::{RuleProblem, RuleSet, load_paths};
pub use rule::{Rule, RuleKind, Severity};
pub use run::{RunOptions, run_rule};
pub use suppress::Suppressions;
