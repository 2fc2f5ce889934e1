//! The rule format: what a rule file says, as typed data.
//!
//! A rule file is YAML with the fields documented in the README ("Detection"). Unknown keys
//! are errors (`deny_unknown_fields`), so a misspelt `alert_tilte` is reported with its line
//! instead of being ignored. The query is checked separately, by the engine (see
//! [`crate::load`]), because only the engine knows the tables and functions.

use kql_engine::OutputColumn;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// How bad an alert is, in Sentinel's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context for a hunt, not an alert.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every level, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Informational,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Parses a level name, case-insensitively (`High`, `high`, `info`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "informational" | "info" => Some(Self::Informational),
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            "critical" => Some(Self::Critical),
            _ => None,
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the rule's author is that a hit is malicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Many benign hits expected.
    Low,
    /// Some benign hits expected.
    Medium,
    /// Benign hits are rare.
    High,
}

impl Confidence {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// Whether the rule's rows are alerts, or material for a hunt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Each row is an alert; `scan` runs these.
    #[default]
    Alert,
    /// Rows are hunting leads; `scan --hunting` runs these too.
    Hunting,
}

/// MITRE ATT&CK mapping.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mitre {
    /// Tactic names or ids (`Execution`, `TA0002`).
    #[serde(default)]
    pub tactics: Vec<String>,
    /// Technique ids (`T1609`, `T1059.004`).
    #[serde(default)]
    pub techniques: Vec<String>,
}

/// What an output column identifies, for the alert's `entities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A device or node.
    Host,
    /// A user or service account.
    Account,
    /// A process command line or name.
    Process,
    /// A file.
    File,
    /// An IP address.
    Ip,
    /// A URL.
    Url,
    /// A Kubernetes cluster.
    Cluster,
    /// A Kubernetes namespace.
    Namespace,
    /// A Kubernetes pod.
    Pod,
    /// A container.
    Container,
}

impl EntityKind {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Account => "account",
            Self::Process => "process",
            Self::File => "file",
            Self::Ip => "ip",
            Self::Url => "url",
            Self::Cluster => "cluster",
            Self::Namespace => "namespace",
            Self::Pod => "pod",
            Self::Container => "container",
        }
    }
}

/// What a test case expects of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The rule alerts on this telemetry.
    Detect,
    /// The rule does not alert (a known gap or a benign case); say why in `reason`.
    Miss,
}

/// One test case of a rule: telemetry in any supported format and what should come out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// The scenario's name; cases of different rules with the same name form one row of the
    /// `validate` matrix.
    pub name: String,
    /// Telemetry files or folders, relative to the rule file.
    pub telemetry: Vec<String>,
    /// `now()` for the run (ISO 8601); by default the newest event of the telemetry.
    #[serde(default)]
    pub now: Option<String>,
    /// Detect or miss.
    pub expect: Expect,
    /// The exact number of alerts, when given.
    #[serde(default)]
    pub alerts: Option<usize>,
    /// Rows that must each match one alert (column → value; values compare as JSON, or as
    /// Kusto text when the expected value is a string).
    #[serde(default)]
    pub rows: Vec<BTreeMap<String, serde_yaml::Value>>,
    /// Why the rule misses (for `expect: miss`).
    #[serde(default)]
    pub reason: Option<String>,
    /// A suppression file, relative to the rule file, applied after the raw run.
    #[serde(default)]
    pub suppressions: Option<String>,
    /// Alerts left after the suppression file.
    #[serde(default)]
    pub after_suppression: Option<usize>,
}

/// A rule file as written (before the query is checked).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub mitre: Mitre,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(default)]
    pub kind: RuleKind,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub tables: Vec<String>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub query_file: Option<String>,
    #[serde(default)]
    pub score_column: Option<String>,
    #[serde(default)]
    pub severity_column: Option<String>,
    #[serde(default)]
    pub time_column: Option<String>,
    #[serde(default)]
    pub entities: BTreeMap<EntityKind, String>,
    #[serde(default)]
    pub alert_title: Option<String>,
    #[serde(default)]
    pub false_positives: Vec<String>,
    #[serde(default)]
    pub tuning: Vec<String>,
    #[serde(default)]
    pub tests: Vec<TestCase>,
}

fn yes() -> bool {
    true
}

/// Where a rule's query text came from, so diagnostics and explanations can point into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySource {
    /// The file the query's text is in (the `.kql` file, or the rule file when inline).
    pub path: String,
    /// True when the query is inline in the rule's YAML.
    pub inline: bool,
}

/// A loaded, checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id (`t1609-container-admin-command`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What it detects and how.
    pub description: String,
    /// ATT&CK mapping.
    pub mitre: Mitre,
    /// Default severity of its alerts.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Alert or hunting.
    pub kind: RuleKind,
    /// Disabled rules load (and validate) but `scan` skips them.
    pub enabled: bool,
    /// The tables the query reads.
    pub tables: Vec<String>,
    /// The KQL text, verbatim.
    pub query: String,
    /// Where the KQL text is.
    pub query_source: QuerySource,
    /// The output column holding the score, if any.
    pub score_column: Option<String>,
    /// The output column holding a per-row severity, if any.
    pub severity_column: Option<String>,
    /// The output column holding the alert's time, if any.
    pub time_column: Option<String>,
    /// Entity kind → output column.
    pub entities: BTreeMap<EntityKind, String>,
    /// Alert title template with `{Column}` placeholders.
    pub alert_title: Option<String>,
    /// Known benign causes.
    pub false_positives: Vec<String>,
    /// How to tune it.
    pub tuning: Vec<String>,
    /// Test cases.
    pub tests: Vec<TestCase>,
    /// The rule file (for built-in rules, its path inside the repository).
    pub path: PathBuf,
    /// The query's output columns and KQL types.
    pub columns: Vec<OutputColumn>,
}

impl Rule {
    /// True when the query's output has `name`.
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name)
    }

    /// The folder relative paths in the rule (query file, test telemetry) start from.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default()
    }
}

/// `{Column}` placeholders of a title template, in order.
pub fn template_fields(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = after[..close].trim();
        if !name.is_empty() {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Informational);
        assert_eq!(Severity::parse("High"), Some(Severity::High));
        assert_eq!(Severity::parse(" info "), Some(Severity::Informational));
        assert_eq!(Severity::parse("severe"), None);
    }

    #[test]
    fn template_fields_are_found_in_order() {
        assert_eq!(
            template_fields("{FileName} exec on {DeviceName} ({ x })"),
            vec!["FileName", "DeviceName", "x"]
        );
        assert_eq!(template_fields("no fields {unclosed"), Vec::<&str>::new());
        assert_eq!(template_fields("{}{A}"), vec!["A"]);
    }
}
