//! Loading rule files: parse the YAML, read the query, check it with the engine against the
//! built-in table schemas, and check every column the rule names against the query's output.
//!
//! A broken rule becomes a [`RuleProblem`] (with file names and spans, rendered with a caret
//! like any KQL diagnostic) and the other rules still load: one typo must not silence a whole
//! pack.

use crate::rule::{QuerySource, RawRule, Rule, template_fields};
pub use crate::yaml_pos::E_YAML;
use crate::yaml_pos::{ScalarMap, key_span, value_span, yaml_error};
use kql_diagnostics::{Diagnostic, RenderOptions};
use kql_engine::{Engine, OutputColumn, QueryOptions};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A rule file names no query, or both kinds, or its query file cannot be read.
pub const E_QUERY_SOURCE: &str = "RULE0002";
/// A required table is not a known Sentinel / Defender table.
pub const E_UNKNOWN_TABLE: &str = "RULE0003";
/// A column the rule names is not in the query's output.
pub const E_UNKNOWN_COLUMN: &str = "RULE0004";
/// Two rules share an id.
pub const E_DUPLICATE_ID: &str = "RULE0005";
/// A field has a value the format does not allow.
pub const E_BAD_VALUE: &str = "RULE0006";
/// A rule file or folder cannot be read.
pub const E_IO: &str = "RULE0007";

/// Diagnostics against one source text.
#[derive(Debug, Clone)]
pub struct Report {
    /// File name shown after `-->`.
    pub origin: String,
    /// The text the spans point into.
    pub source: String,
    /// What is wrong.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why one rule file did not load (or, for warnings, what is doubtful in it).
#[derive(Debug, Clone)]
pub struct RuleProblem {
    /// The rule file.
    pub path: PathBuf,
    /// The rule's id, when the YAML got that far.
    pub rule_id: Option<String>,
    /// Diagnostics, grouped by the text they point into.
    pub reports: Vec<Report>,
}

impl RuleProblem {
    fn new(path: &Path, rule_id: Option<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            rule_id,
            reports: Vec::new(),
        }
    }

    fn add(&mut self, origin: &str, source: &str, diagnostics: Vec<Diagnostic>) {
        if !diagnostics.is_empty() {
            self.reports.push(Report {
                origin: origin.to_string(),
                source: source.to_string(),
                diagnostics,
            });
        }
    }

    /// All diagnostics.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.reports.iter().flat_map(|r| &r.diagnostics)
    }

    /// True when something is an error (not only warnings).
    pub fn is_error(&self) -> bool {
        self.diagnostics().any(Diagnostic::is_error)
    }

    /// The diagnostics rendered with file names, source lines and carets.
    pub fn render(&self, color: bool) -> String {
        self.reports
            .iter()
            .map(|r| {
                let opts = RenderOptions {
                    origin: r.origin.clone(),
                    color,
                };
                kql_diagnostics::render_all(&r.diagnostics, &r.source, &opts)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The rules that loaded, and the problems of those that did not.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Rules ready to run, in file order.
    pub rules: Vec<Rule>,
    /// Files that did not load.
    pub problems: Vec<RuleProblem>,
    /// Loaded rules with warnings (e.g. from the query binder).
    pub warnings: Vec<RuleProblem>,
}

impl RuleSet {
    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Where rule files and query files are read from.
#[derive(Debug, Clone, Copy)]
pub enum Files<'a> {
    /// The file system.
    Disk,
    /// Files compiled into the binary, by repository-relative path.
    Embedded(&'a [(&'a str, &'a str)]),
}

impl Files<'_> {
    fn read(&self, path: &Path) -> Result<String, String> {
        match self {
            Files::Disk => std::fs::read_to_string(path).map_err(|e| e.to_string()),
            Files::Embedded(files) => {
                let want = normalize(path);
                files
                    .iter()
                    .find(|(p, _)| Path::new(p) == want)
                    .map(|(_, text)| (*text).to_string())
                    .ok_or_else(|| "not in the built-in pack".to_string())
            }
        }
    }
}

/// `a/b/../c` → `a/c`, `./a` → `a`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Loads rule files and folders of rule files (`*.yaml`, `*.yml`, walked recursively in name
/// order, hidden entries skipped).
pub fn load_paths(paths: &[PathBuf]) -> RuleSet {
    let mut set = RuleSet::default();
    let mut files = Vec::new();
    for p in paths {
        if let Err(e) = collect_rule_files(p, &mut files) {
            let mut problem = RuleProblem::new(p, None);
            problem.add(
                &p.display().to_string(),
                "",
                vec![Diagnostic::error_unlocated(
                    E_IO,
                    format!("cannot read rules: {e}"),
                )],
            );
            set.problems.push(problem);
        }
    }
    let texts: Vec<(PathBuf, Result<String, String>)> = files
        .into_iter()
        .map(|f| {
            let t = Files::Disk.read(&f);
            (f, t)
        })
        .collect();
    load_texts(&mut set, &texts, Files::Disk);
    set
}

/// Loads the rule files under `dir` of an embedded pack (see [`crate::pack`]).
pub fn load_embedded(files: &[(&str, &str)], dir: &str) -> RuleSet {
    let mut set = RuleSet::default();
    let mut texts: Vec<(PathBuf, Result<String, String>)> = files
        .iter()
        .filter(|(p, _)| Path::new(p).starts_with(dir) && is_rule_file(Path::new(p)))
        .map(|(p, t)| (PathBuf::from(p), Ok((*t).to_string())))
        .collect();
    // The same order as a folder on disk.
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    load_texts(&mut set, &texts, Files::Embedded(files));
    set
}

fn is_rule_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        && p.components().all(|c| c.as_os_str() != "tests")
}

fn collect_rule_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        if p.is_dir() {
            collect_rule_files(&p, out)?;
        } else if is_rule_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn load_texts(set: &mut RuleSet, texts: &[(PathBuf, Result<String, String>)], files: Files<'_>) {
    let mut engine = Engine::new();
    engine.register_builtin_empty_tables();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (path, text) in texts {
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                let mut problem = RuleProblem::new(path, None);
                problem.add(
                    &path.display().to_string(),
                    "",
                    vec![Diagnostic::error_unlocated(
                        E_IO,
                        format!("cannot read: {e}"),
                    )],
                );
                set.problems.push(problem);
                continue;
            }
        };
        match load_rule(&engine, path, text, files) {
            Ok((rule, warnings)) => {
                if !seen.insert(rule.id.clone()) {
                    let mut problem = RuleProblem::new(path, Some(rule.id.clone()));
                    let d = Diagnostic::error(
                        E_DUPLICATE_ID,
                        format!("rule id `{}` is already used by another rule", rule.id),
                        value_span(text, "id", &rule.id),
                    );
                    problem.add(&path.display().to_string(), text, vec![d]);
                    set.problems.push(problem);
                    continue;
                }
                if !warnings.reports.is_empty() {
                    set.warnings.push(warnings);
                }
                set.rules.push(rule);
            }
            Err(problem) => set.problems.push(problem),
        }
    }
}

/// Parses and checks one rule file.
fn load_rule(
    engine: &Engine,
    path: &Path,
    text: &str,
    files: Files<'_>,
) -> Result<(Rule, RuleProblem), RuleProblem> {
    let origin = path.display().to_string();
    let raw: RawRule = match serde_yaml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let mut problem = RuleProblem::new(path, None);
            problem.add(&origin, text, vec![yaml_error(&e, text)]);
            return Err(problem);
        }
    };
    let mut problem = RuleProblem::new(path, Some(raw.id.clone()));
    let mut yaml_diags = check_fields(&raw, text);

    // The query: inline or beside the rule file.
    let base = path.parent().unwrap_or(Path::new(""));
    let (query, source, query_text_file) = match (&raw.query, &raw.query_file) {
        (Some(q), None) => (
            q.clone(),
            QuerySource {
                path: origin.clone(),
                inline: true,
            },
            None,
        ),
        (None, Some(file)) => {
            let qpath = base.join(file);
            match files.read(&qpath) {
                Ok(q) => (
                    q,
                    QuerySource {
                        path: qpath.display().to_string(),
                        inline: false,
                    },
                    Some(qpath),
                ),
                Err(e) => {
                    yaml_diags.push(Diagnostic::error(
                        E_QUERY_SOURCE,
                        format!("cannot read query file `{}`: {e}", qpath.display()),
                        value_span(text, "query_file", file),
                    ));
                    problem.add(&origin, text, yaml_diags);
                    return Err(problem);
                }
            }
        }
        (Some(_), Some(_)) => {
            yaml_diags.push(Diagnostic::error(
                E_QUERY_SOURCE,
                "give either `query` or `query_file`, not both",
                key_span(text, "query_file"),
            ));
            problem.add(&origin, text, yaml_diags);
            return Err(problem);
        }
        (None, None) => {
            yaml_diags.push(Diagnostic::error_unlocated(
                E_QUERY_SOURCE,
                "the rule has no `query` (inline KQL) or `query_file` (a .kql file beside it)",
            ));
            problem.add(&origin, text, yaml_diags);
            return Err(problem);
        }
    };

    // The engine binds it against the built-in schemas; spans go into the file the user edits.
    let mut warnings = RuleProblem::new(path, Some(raw.id.clone()));
    let columns = match engine.plan(&query, &QueryOptions::at(0)) {
        Ok(planned) => {
            let w = planned.bound.warnings.clone();
            add_query_diags(&mut warnings, &origin, text, &query, &query_text_file, w);
            planned.bound.columns
        }
        Err(e) => {
            let diags = e.diagnostics().to_vec();
            let diags = if diags.is_empty() {
                vec![Diagnostic::error_unlocated(E_QUERY_SOURCE, e.to_string())]
            } else {
                diags
            };
            add_query_diags(&mut problem, &origin, text, &query, &query_text_file, diags);
            problem.add(&origin, text, yaml_diags);
            return Err(problem);
        }
    };

    yaml_diags.extend(check_columns(&raw, text, &columns));
    if yaml_diags.iter().any(Diagnostic::is_error) {
        problem.add(&origin, text, yaml_diags);
        return Err(problem);
    }
    warnings.add(&origin, text, yaml_diags);

    let score_column = raw
        .score_column
        .clone()
        .or_else(|| has(&columns, "RiskScore").then(|| "RiskScore".to_string()));
    let time_column = raw
        .time_column
        .clone()
        .or_else(|| has(&columns, "TimeGenerated").then(|| "TimeGenerated".to_string()));
    let rule = Rule {
        id: raw.id,
        title: raw.title,
        description: raw.description,
        mitre: raw.mitre,
        severity: raw.severity,
        confidence: raw.confidence,
        kind: raw.kind,
        enabled: raw.enabled,
        tables: raw.tables,
        query,
        query_source: source,
        score_column,
        severity_column: raw.severity_column,
        time_column,
        entities: raw.entities,
        alert_title: raw.alert_title,
        false_positives: raw.false_positives,
        tuning: raw.tuning,
        tests: raw.tests,
        path: path.to_path_buf(),
        columns,
    };
    Ok((rule, warnings))
}

/// Adds query diagnostics against the `.kql` file, or shifted into the YAML file when the
/// query is inline (falling back to the query text itself if it cannot be located).
fn add_query_diags(
    problem: &mut RuleProblem,
    origin: &str,
    yaml: &str,
    query: &str,
    query_file: &Option<PathBuf>,
    diags: Vec<Diagnostic>,
) {
    if diags.is_empty() {
        return;
    }
    if let Some(qpath) = query_file {
        problem.add(&qpath.display().to_string(), query, diags);
        return;
    }
    match ScalarMap::locate(yaml, "query", query, 0) {
        Some(map) => {
            let shifted = diags.into_iter().map(|d| map.shift(d)).collect();
            problem.add(origin, yaml, shifted);
        }
        None => problem.add(&format!("{origin} (query)"), query, diags),
    }
}

fn has(columns: &[OutputColumn], name: &str) -> bool {
    columns.iter().any(|c| c.name == name)
}

/// Checks of fields that need no query: id shape, technique ids, tables, test cases.
fn check_fields(raw: &RawRule, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let id_ok = !raw.id.is_empty()
        && raw
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !id_ok {
        out.push(Diagnostic::error(
            E_BAD_VALUE,
            "a rule id is letters, digits, `-`, `_` and `.`",
            key_span(text, "id"),
        ));
    }
    for t in &raw.mitre.techniques {
        if !is_technique_id(t) {
            out.push(
                Diagnostic::error(
                    E_BAD_VALUE,
                    format!("`{t}` is not an ATT&CK technique id"),
                    value_span(text, "techniques", t),
                )
                .with_help("technique ids look like T1609 or T1059.004"),
            );
        }
    }
    if raw.tables.is_empty() {
        out.push(Diagnostic::error(
            E_BAD_VALUE,
            "list the tables the query reads under `tables`",
            key_span(text, "tables"),
        ));
    }
    for t in &raw.tables {
        if table_schemas::builtin_table(t).is_none() {
            let names = table_schemas::builtin_tables()
                .iter()
                .map(|s| s.name.as_str());
            let mut d = Diagnostic::error(
                E_UNKNOWN_TABLE,
                format!("unknown table `{t}`"),
                value_span(text, "tables", t),
            )
            .with_span_label("not a Sentinel or Defender table kqlhunt knows");
            if let Some(s) = kql_diagnostics::suggest(t, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
    }
    for case in &raw.tests {
        let span = value_span(text, "name", &case.name);
        if case.telemetry.is_empty() {
            out.push(Diagnostic::error(
                E_BAD_VALUE,
                format!("test `{}` lists no telemetry", case.name),
                span,
            ));
        }
        if let Some(now) = &case.now
            && kql_plan::parse_datetime_text(now).is_none()
        {
            out.push(Diagnostic::error(
                E_BAD_VALUE,
                format!(
                    "test `{}`: `now: {now}` is not an ISO 8601 datetime",
                    case.name
                ),
                value_span(text, "now", now),
            ));
        }
        if case.expect == crate::rule::Expect::Miss && case.alerts.is_some_and(|n| n > 0) {
            out.push(Diagnostic::error(
                E_BAD_VALUE,
                format!(
                    "test `{}` expects a miss and {} alert(s)",
                    case.name,
                    case.alerts.unwrap_or(0)
                ),
                span,
            ));
        }
        if case.after_suppression.is_some() != case.suppressions.is_some() {
            out.push(Diagnostic::error(
                E_BAD_VALUE,
                format!(
                    "test `{}`: `suppressions` and `after_suppression` go together",
                    case.name
                ),
                span,
            ));
        }
        if case.expect == crate::rule::Expect::Miss && case.reason.is_none() {
            out.push(
                Diagnostic::warning(
                    E_BAD_VALUE,
                    format!("test `{}` expects a miss but gives no `reason`", case.name),
                    span,
                )
                .with_help("say why the rule misses, so the matrix documents the gap"),
            );
        }
    }
    out
}

fn is_technique_id(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('T') else {
        return false;
    };
    let (main, sub) = match rest.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (rest, None),
    };
    main.len() == 4
        && main.chars().all(|c| c.is_ascii_digit())
        && sub.is_none_or(|s| s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()))
}

/// Checks that every column the rule names is in the query's output.
fn check_columns(raw: &RawRule, text: &str, columns: &[OutputColumn]) -> Vec<Diagnostic> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let mut out = Vec::new();
    let need = |what: &str, key: &str, col: &str, out: &mut Vec<Diagnostic>| {
        if names.contains(&col) {
            return;
        }
        let mut d = Diagnostic::error(
            E_UNKNOWN_COLUMN,
            format!("{what} `{col}` is not a column of the query's output"),
            value_span(text, key, col),
        )
        .with_note(format!("the query outputs: {}", names.join(", ")));
        if let Some(s) = kql_diagnostics::suggest(col, names.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        out.push(d);
    };
    for (kind, col) in &raw.entities {
        need(
            &format!("entity `{}` column", kind.as_str()),
            kind.as_str(),
            col,
            &mut out,
        );
    }
    if let Some(c) = &raw.score_column {
        need("score_column", "score_column", c, &mut out);
    }
    if let Some(c) = &raw.severity_column {
        need("severity_column", "severity_column", c, &mut out);
    }
    if let Some(c) = &raw.time_column {
        need("time_column", "time_column", c, &mut out);
    }
    if let Some(t) = &raw.alert_title {
        for f in template_fields(t) {
            need("alert_title placeholder", "alert_title", f, &mut out);
        }
    }
    for case in &raw.tests {
        for row in &case.rows {
            for col in row.keys() {
                need(&format!("test `{}` row key", case.name), col, col, &mut out);
            }
        }
    }
    out
}
