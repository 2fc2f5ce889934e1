//! `kqlhunt scan`: every enabled alert rule over every input; alerts sorted by severity then
//! score, tuned by a suppression file, explained on request.
//!
//! Memory does not grow with the inputs: a first pass reads everything once (large files in
//! parallel byte ranges) to report bad records and find the span of the events (for
//! `now()`), keeping no rows; then each rule
//! runs as a streamed query, reading only the columns it uses and skipping the records its
//! filters rule out. Standard input can be read only once, so it is held in memory instead.
//!
//! Exit codes: 0 when the scan ran (with or without alerts), 1 with `--fail-on-alert` when
//! alerts remain, 2 when something failed (a rule that did not load or run, an unreadable
//! input or suppression file) — after everything else has still run and been printed.

use super::runtime;
use anyhow::Context as _;
use clap::Args;
use detection::alert::{self, Alert};
use detection::rule::{Rule, RuleKind, Severity};
use detection::run::{RunOptions, run_rule};
use detection::suppress::{Suppressions, render_report};
use detection::window::{
    batch_range, event_range, format_duration, lookback_nanos, parse_duration, widen,
};
use detection::{RuleSet, explain};
use kql_engine::Engine;
use kql_engine::format::format_datetime;
use kql_engine::telemetry::Telemetry;
use log_sources::ReadReport;
use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Arguments of `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Telemetry files or folders (read recursively), or `-` for standard input; formats are
    /// recognised from the content.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Rule files or folders (repeatable). Without it, the built-in T1609 pack runs.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Evaluate rules as of this instant (ISO 8601, UTC). Default: the clock, or the newest
    /// event when every input is older than the rules' lookback windows.
    #[arg(long, value_name = "ISO-8601")]
    pub now: Option<String>,
    /// Report only alerts from the last DURATION before now (`2h`, `1d`, `90m`).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Output: table, jsonl, csv or sarif.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: String,
    /// A suppression file of allow rules (KQL predicates over alert rows).
    #[arg(long = "suppress", value_name = "FILE")]
    pub suppress: Option<PathBuf>,
    /// Also list suppressed alerts, with the allow rule that matched each.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Explain each alert's score from the rule's own sub-conditions.
    #[arg(long)]
    pub explain: bool,
    /// Report only alerts at or above this severity (informational, low, medium, high,
    /// critical).
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<String>,
    /// Exit with code 1 when alerts remain after suppression and filters.
    #[arg(long)]
    pub fail_on_alert: bool,
    /// Also run hunting queries (their rows are reported as `hunting`, never as alerts).
    #[arg(long)]
    pub hunting: bool,
    /// Stop with exit code 2 at the first bad input record.
    #[arg(long)]
    pub strict: bool,
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Jsonl,
    Csv,
    Sarif,
}

fn parse_format(s: &str) -> anyhow::Result<Format> {
    Ok(match s {
        "table" => Format::Table,
        "jsonl" | "json" => Format::Jsonl,
        "csv" => Format::Csv,
        "sarif" => Format::Sarif,
        other => anyhow::bail!("unknown format `{other}` (use table, jsonl, csv or sarif)"),
    })
}

/// Loads `--rules` (or the built-in pack) and prints what did not load.
pub(crate) fn load_rules(paths: &[PathBuf]) -> RuleSet {
    let set = if paths.is_empty() {
        detection::pack::load()
    } else {
        detection::load_paths(paths)
    };
    let color = std::io::stderr().is_terminal();
    for p in &set.problems {
        eprint!("{}", p.render(color));
        let id = p
            .rule_id
            .as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
        eprintln!(
            "error: rule {}{id} not loaded; the other rules still run\n",
            p.path.display()
        );
    }
    for w in &set.warnings {
        eprint!("{}", w.render(color));
    }
    set
}

/// Reads every input once, printing a compact report of bad records.
pub(crate) fn read_inputs(
    paths: &[String],
    strict: bool,
    progress: bool,
) -> anyhow::Result<Telemetry> {
    let options = log_sources::ReadOptions {
        strict,
        ..Default::default()
    };
    let spinner = reading_spinner(paths, progress);
    let t = kql_engine::telemetry::load(paths, &options);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let t = t.context("cannot read the inputs")?;
    print_read_warnings(&t.report);
    Ok(t)
}

/// A spinner on stderr while the inputs are read, when stderr is a terminal.
fn reading_spinner(paths: &[String], progress: bool) -> Option<indicatif::ProgressBar> {
    progress.then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message(format!("reading {}", paths.join(" ")));
        s.enable_steady_tick(Duration::from_millis(120));
        s
    })
}

/// What a scan runs on: an engine whose tables read the inputs, the report of reading them
/// in full, and the span of their events.
pub(crate) struct ScanInputs {
    pub engine: Engine,
    pub report: ReadReport,
    pub range: Option<(i64, i64)>,
}

/// Opens the inputs of a scan (see the module documentation).
pub(crate) fn open_inputs(
    paths: &[String],
    strict: bool,
    progress: bool,
) -> anyhow::Result<ScanInputs> {
    if paths.iter().any(|p| p == "-") {
        let t = read_inputs(paths, strict, progress)?;
        return Ok(ScanInputs {
            engine: engine_for(&t)?,
            range: event_range(&t.tables),
            report: t.report,
        });
    }
    let options = log_sources::ReadOptions {
        strict,
        ..Default::default()
    };
    let spinner = reading_spinner(paths, progress);
    let range: std::sync::Mutex<Option<(i64, i64)>> = std::sync::Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let surveyed = log_sources::Inputs::discover(paths, &options).and_then(|inputs| {
        inputs.read_all_parallel(
            &log_sources::ReadPlan::all(options.clone()),
            threads,
            &|_, batch| {
                if let (Some(b), Ok(mut r)) = (batch_range(&batch), range.lock()) {
                    *r = Some(widen(*r, b));
                }
                Ok(())
            },
        )
    });
    let range = range.into_inner().unwrap_or_default();
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let report = surveyed.context("cannot read the inputs")?;
    print_read_warnings(&report);
    let mut engine = Engine::new();
    kql_engine::telemetry::register_streaming(&mut engine, paths, &options)?;
    Ok(ScanInputs {
        engine,
        report,
        range,
    })
}

/// A compact report of bad records: the first few per file, then a count.
fn print_read_warnings(report: &ReadReport) {
    for f in &report.files {
        if f.format.is_none() {
            eprintln!(
                "note: {}: not telemetry kqlhunt recognises; skipped",
                f.file
            );
            continue;
        }
        for b in f.bad.iter().filter(|b| !b.reason.by_design()).take(3) {
            eprintln!("warning: {b}");
        }
        let shown = f
            .bad
            .iter()
            .filter(|b| !b.reason.by_design())
            .take(3)
            .count() as u64;
        if f.errors() > shown {
            eprintln!(
                "warning: {}: {} more bad record(s)",
                f.file,
                f.errors() - shown
            );
        }
    }
}

/// `now()` for the run: `--now`, else the clock, else (when every event is older than the
/// longest lookback window of the rules) the newest event, said on stderr.
pub(crate) fn choose_now(
    now: Option<&str>,
    range: Option<(i64, i64)>,
    rules: &[&Rule],
) -> anyhow::Result<i64> {
    if let Some(text) = now {
        return kql_plan::parse_datetime_text(text)
            .with_context(|| format!("--now: `{text}` is not an ISO 8601 datetime"));
    }
    let clock = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
    let longest = rules.iter().filter_map(|r| lookback_nanos(&r.query)).max();
    match (range, longest) {
        (Some((_, newest)), Some(window)) if newest < clock.saturating_sub(window) => {
            eprintln!(
                "note: the newest event ({}) is older than the rules' longest lookback ({}) from the clock; \
                 evaluating as of --now {} (the newest event). Pass --now to choose.",
                format_datetime(newest),
                format_duration(window),
                format_datetime(newest)
            );
            Ok(newest)
        }
        _ => Ok(clock),
    }
}

/// The rules a scan runs.
pub(crate) fn selected(set: &RuleSet, hunting: bool) -> Vec<&Rule> {
    set.rules
        .iter()
        .filter(|r| r.enabled && (r.kind == RuleKind::Alert || hunting))
        .collect()
}

/// The engine over the loaded telemetry (tables with no input still bind, empty).
pub(crate) fn engine_for(t: &Telemetry) -> anyhow::Result<Engine> {
    let mut engine = Engine::new();
    engine.register_telemetry(t)?;
    engine.register_builtin_empty_tables();
    Ok(engine)
}

#[derive(Default)]
struct Totals {
    errors: usize,
    suppressed: BTreeMap<String, usize>,
    below_severity: usize,
    before_since: usize,
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let format = parse_format(&args.format)?;
    let min_severity = match &args.min_severity {
        Some(s) => Some(Severity::parse(s).with_context(|| {
            format!("--min-severity: `{s}` is not informational, low, medium, high or critical")
        })?),
        None => None,
    };
    let since = match &args.since {
        Some(s) => Some(
            parse_duration(s)
                .with_context(|| format!("--since: `{s}` is not a duration like 2h or 1d"))?,
        ),
        None => None,
    };
    let progress = std::io::stderr().is_terminal();
    let mut totals = Totals::default();

    let set = load_rules(&args.rules);
    totals.errors += set.problems.len();
    let rules = selected(&set, args.hunting);
    if rules.is_empty() {
        eprintln!(
            "error: no enabled rule to run (check --rules, or --hunting for hunting queries)"
        );
        return Ok(ExitCode::from(2));
    }
    let suppressions = match &args.suppress {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read suppression file {}", path.display()))?;
            let today = chrono::Utc::now().date_naive();
            match Suppressions::parse(&path.display().to_string(), &text, today) {
                Ok(s) => {
                    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
                    if let Some(w) = s.warnings(&ids) {
                        eprint!("{}", render_report(&w, progress));
                    }
                    Some(s)
                }
                Err(e) => {
                    eprint!("{}", e.render(progress));
                    return Ok(ExitCode::from(2));
                }
            }
        }
    };

    // Events per second are over reading and running, not rule loading.
    let started = Instant::now();
    let ScanInputs {
        engine,
        report,
        range,
    } = open_inputs(&args.paths, args.strict, progress)?;
    let now = choose_now(args.now.as_deref(), range, &rules)?;

    let rt = runtime()?;
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new(rules.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} rules  {msg}")
        {
            b.set_style(style);
        }
        b
    });
    let opts = RunOptions {
        now_nanos: now,
        explain: args.explain,
    };
    let mut alerts: Vec<Alert> = Vec::new();
    let mut suppressed: Vec<Alert> = Vec::new();
    for rule in &rules {
        if let Some(b) = &bar {
            b.set_message(rule.id.clone());
        }
        let result = rt.block_on(run_rule(&engine, rule, &opts));
        if let Some(b) = &bar {
            b.inc(1);
        }
        let run = match result {
            Ok(r) => r,
            Err(e) => {
                totals.errors += 1;
                eprintln!("error: rule {} ({}): {e}", rule.id, rule.path.display());
                continue;
            }
        };
        if args.explain
            && let Some(note) = &run.explain_note
            && !run.alerts.is_empty()
        {
            eprintln!("note: rule {}: no explanation ({note})", rule.id);
        }
        if run.alerts.is_empty() {
            window_hint(rule, now, range);
        }
        let (kept, dropped) = match &suppressions {
            Some(s) => {
                let outcome = rt.block_on(s.apply(rule, run, now));
                for p in &outcome.problems {
                    eprint!("{}", render_report(p, progress));
                }
                for (name, n) in outcome.counts {
                    *totals.suppressed.entry(name).or_default() += n;
                }
                (outcome.kept, outcome.suppressed)
            }
            None => (run.alerts, Vec::new()),
        };
        alerts.extend(kept);
        suppressed.extend(dropped);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let keep = |a: &Alert, totals: &mut Totals| -> bool {
        if min_severity.is_some_and(|m| a.severity < m) {
            totals.below_severity += 1;
            return false;
        }
        if let Some(window) = since {
            let t = a.time.as_deref().and_then(kql_plan::parse_datetime_text);
            if t.is_some_and(|t| t < now.saturating_sub(window)) {
                totals.before_since += 1;
                return false;
            }
        }
        true
    };
    alerts.retain(|a| keep(a, &mut totals));
    alert::sort(&mut alerts);
    alert::sort(&mut suppressed);
    let shown_suppressed: &[Alert] = if args.show_suppressed {
        &suppressed
    } else {
        &[]
    };

    let mut out = std::io::stdout().lock();
    match format {
        Format::Table => write_table(&mut out, &alerts, shown_suppressed, args.explain)?,
        Format::Jsonl => {
            for a in alerts.iter().chain(shown_suppressed) {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            }
        }
        Format::Csv => write_csv(&mut out, &alerts, shown_suppressed)?,
        Format::Sarif => {
            let mut log = detection::sarif::sarif(&rules, &alerts, env!("CARGO_PKG_VERSION"));
            add_sarif_suppressed(&mut log, &rules, shown_suppressed);
            writeln!(out, "{}", serde_json::to_string_pretty(&log)?)?;
        }
    }
    out.flush()?;
    drop(out);

    summary(
        &report,
        &rules,
        &alerts,
        &suppressed,
        &totals,
        started.elapsed(),
        now,
    );
    let real_alerts = alerts.iter().filter(|a| a.kind == RuleKind::Alert).count();
    Ok(if totals.errors > 0 {
        ExitCode::from(2)
    } else if args.fail_on_alert && real_alerts > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A rule that found nothing while every event is older than its window: say so.
fn window_hint(rule: &Rule, now: i64, range: Option<(i64, i64)>) {
    let (Some((_, newest)), Some(window)) = (range, lookback_nanos(&rule.query)) else {
        return;
    };
    if newest <= now.saturating_sub(window) {
        eprintln!(
            "note: rule {} looks back {} from {}, but the newest event is {}: nothing it reads is in its window; try --now {}",
            rule.id,
            format_duration(window),
            format_datetime(now),
            format_datetime(newest),
            format_datetime(newest)
        );
    }
}

fn score_text(a: &Alert) -> String {
    a.score
        .as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

fn write_table(
    out: &mut impl std::io::Write,
    alerts: &[Alert],
    suppressed: &[Alert],
    explain: bool,
) -> std::io::Result<()> {
    let rule_w = alerts
        .iter()
        .chain(suppressed)
        .map(|a| a.rule_id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let time_w = alerts
        .iter()
        .chain(suppressed)
        .filter_map(|a| a.time.as_ref().map(String::len))
        .max()
        .unwrap_or(4)
        .max(4);
    let header = format!(
        "{:<13}  {:>5}  {:<time_w$}  {:<rule_w$}  TITLE",
        "SEVERITY", "SCORE", "TIME", "RULE"
    );
    let line = |a: &Alert| {
        let sev = match a.kind {
            RuleKind::Hunting => "hunting".to_string(),
            RuleKind::Alert => a.severity.to_string(),
        };
        format!(
            "{sev:<13}  {:>5}  {:<time_w$}  {:<rule_w$}  {}",
            score_text(a),
            a.time.as_deref().unwrap_or("-"),
            a.rule_id,
            a.title
        )
    };
    if alerts.is_empty() {
        writeln!(out, "no alerts")?;
    } else {
        writeln!(out, "{header}")?;
        for a in alerts {
            writeln!(out, "{}", line(a))?;
            if explain && let Some(items) = &a.explain {
                for item in items {
                    writeln!(out, "{:indent$}{item}", "", indent = 15)?;
                }
                if let Some(score) = a.score_f64() {
                    let total = explain::total(items);
                    if (total - score).abs() > 1e-9 {
                        writeln!(
                            out,
                            "{:indent$}(the items add up to {total}, not {score})",
                            "",
                            indent = 15
                        )?;
                    }
                }
            }
        }
    }
    if !suppressed.is_empty() {
        writeln!(out, "\nsuppressed ({}):", suppressed.len())?;
        writeln!(out, "{header}  ALLOW RULE")?;
        for a in suppressed {
            writeln!(
                out,
                "{}  [{}]",
                line(a),
                a.suppressed_by.as_deref().unwrap_or("-")
            )?;
        }
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(
    out: &mut impl std::io::Write,
    alerts: &[Alert],
    suppressed: &[Alert],
) -> anyhow::Result<()> {
    writeln!(
        out,
        "id,rule_id,kind,severity,score,time,title,mitre,entities,suppressed_by,row"
    )?;
    for a in alerts.iter().chain(suppressed) {
        let kind = match a.kind {
            RuleKind::Alert => "alert",
            RuleKind::Hunting => "hunting",
        };
        let fields = [
            a.id.clone(),
            a.rule_id.clone(),
            kind.to_string(),
            a.severity.to_string(),
            a.score
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            a.time.clone().unwrap_or_default(),
            a.title.clone(),
            a.mitre.join(";"),
            serde_json::to_string(&a.entities)?,
            a.suppressed_by.clone().unwrap_or_default(),
            serde_json::to_string(&a.row)?,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// Suppressed alerts as SARIF results carrying a `suppressions` entry.
fn add_sarif_suppressed(log: &mut serde_json::Value, rules: &[&Rule], suppressed: &[Alert]) {
    if suppressed.is_empty() {
        return;
    }
    let extra = detection::sarif::sarif(rules, suppressed, "");
    let Some(results) = log
        .pointer_mut("/runs/0/results")
        .and_then(|r| r.as_array_mut())
    else {
        return;
    };
    let more = extra
        .pointer("/runs/0/results")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    for (mut r, a) in more.into_iter().zip(suppressed) {
        if let Some(obj) = r.as_object_mut() {
            obj.insert(
                "suppressions".into(),
                serde_json::json!([{"kind": "external", "justification": a.suppressed_by}]),
            );
        }
        results.push(r);
    }
}

fn summary(
    report: &ReadReport,
    rules: &[&Rule],
    alerts: &[Alert],
    suppressed: &[Alert],
    totals: &Totals,
    elapsed: Duration,
    now: i64,
) {
    let files = report.files.len();
    let unrecognized = report.files.iter().filter(|f| f.format.is_none()).count();
    let bad: u64 = report
        .files
        .iter()
        .filter(|f| f.format.is_some())
        .map(log_sources::FileReport::errors)
        .sum();
    let events: u64 = report.rows().values().sum();
    let secs = elapsed.as_secs_f64().max(1e-3);
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut hunting = 0;
    for a in alerts {
        match a.kind {
            RuleKind::Alert => *by_sev.entry(a.severity).or_default() += 1,
            RuleKind::Hunting => hunting += 1,
        }
    }
    let sev: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| format!("{s} {}", by_sev.get(s).copied().unwrap_or(0)))
        .collect();
    let real: usize = by_sev.values().sum();
    eprintln!(
        "\nscanned {files} file(s), {events} event(s) in {:.2}s ({:.0} events/s); {} rule(s) as of {}",
        elapsed.as_secs_f64(),
        events as f64 / secs,
        rules.len(),
        format_datetime(now)
    );
    eprintln!("alerts: {real} ({})", sev.join(", "));
    if hunting > 0 {
        eprintln!("hunting results: {hunting}");
    }
    if !suppressed.is_empty() {
        let per: Vec<String> = totals
            .suppressed
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        eprintln!("suppressed: {} ({})", suppressed.len(), per.join(", "));
    } else {
        eprintln!("suppressed: 0");
    }
    if totals.below_severity > 0 {
        eprintln!("below --min-severity: {}", totals.below_severity);
    }
    if totals.before_since > 0 {
        eprintln!("before --since: {}", totals.before_since);
    }
    eprintln!("bad records: {bad}; unrecognised files: {unrecognized}");
    if totals.errors > 0 {
        eprintln!("errors: {} (exit code 2)", totals.errors);
    }
}
