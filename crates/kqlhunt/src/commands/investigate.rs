//! `kqlhunt investigate`: the context of one alert — its process tree, the device's other
//! events and network connections around it, the API-server requests about its pod.
//!
//! The alert is found by id in a scan's JSON lines (`--alerts`), or by re-running the rules
//! over the same inputs; or the investigation starts from `--device` and `--time`.

use super::runtime;
use super::scan::{choose_now, engine_for, load_rules, read_inputs, selected};
use anyhow::{Context as _, bail};
use clap::Args;
use detection::investigate::{Anchor, investigate, render_text};
use detection::run::{RunOptions, run_rule};
use detection::window::parse_duration;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `investigate`.
#[derive(Debug, Args)]
pub struct InvestigateArgs {
    /// The telemetry the alert came from (files or folders).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// The alert's id (the `id` of `scan --format jsonl`).
    #[arg(long = "alert", value_name = "ID", conflicts_with_all = ["device", "time"])]
    pub alert: Option<String>,
    /// A scan's JSON lines to find the alert in; without it the rules are run again.
    #[arg(long = "alerts", value_name = "FILE", requires = "alert")]
    pub alerts: Option<PathBuf>,
    /// Investigate this device ...
    #[arg(long, value_name = "NAME", requires = "time")]
    pub device: Option<String>,
    /// ... at this time (ISO 8601).
    #[arg(long, value_name = "ISO-8601", requires = "device")]
    pub time: Option<String>,
    /// How far before and after the alert to look.
    #[arg(long, default_value = "30m", value_name = "DURATION")]
    pub window: String,
    /// Output: text or json.
    #[arg(long, default_value = "text", value_name = "FORMAT")]
    pub format: String,
    /// Rule files or folders, when re-running rules to find the alert (default: built-in).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// `now()` when re-running rules (as for `scan`).
    #[arg(long, value_name = "ISO-8601")]
    pub now: Option<String>,
}

pub fn run(args: &InvestigateArgs) -> anyhow::Result<ExitCode> {
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => bail!("unknown format `{other}` (use text or json)"),
    };
    let window = parse_duration(&args.window).with_context(|| {
        format!(
            "--window: `{}` is not a duration like 30m or 2h",
            args.window
        )
    })?;
    let telemetry = read_inputs(&args.paths, false, std::io::stderr().is_terminal())?;
    let engine = engine_for(&telemetry)?;
    let rt = runtime()?;

    let anchor = match (&args.alert, &args.device, &args.time) {
        (Some(id), _, _) => {
            let alert = match &args.alerts {
                Some(file) => find_in_jsonl(file, id)?,
                None => {
                    let set = load_rules(&args.rules);
                    let rules = selected(&set, true);
                    let range = detection::window::event_range(&telemetry.tables);
                    let now = choose_now(args.now.as_deref(), range, &rules)?;
                    let opts = RunOptions {
                        now_nanos: now,
                        explain: false,
                    };
                    let mut found = None;
                    for rule in rules {
                        let run = rt.block_on(run_rule(&engine, rule, &opts))?;
                        if let Some(a) = run.alerts.into_iter().find(|a| &a.id == id) {
                            found = Some(serde_json::to_value(&a)?);
                            break;
                        }
                    }
                    found.with_context(|| {
                        format!("no alert with id {id} in these inputs (check --now and --rules, or pass --alerts)")
                    })?
                }
            };
            Anchor::from_alert_json(&alert)
                .context("the alert has no time to investigate around")?
        }
        (None, Some(device), Some(time)) => {
            let t = kql_plan::parse_datetime_text(time)
                .with_context(|| format!("--time: `{time}` is not an ISO 8601 datetime"))?;
            Anchor::at(device, t)
        }
        _ => bail!("give --alert ID, or --device NAME and --time ISO-8601"),
    };
    let inv = rt.block_on(investigate(&engine, anchor, window));
    if json {
        println!("{}", serde_json::to_string_pretty(&inv)?);
    } else {
        print!("{}", render_text(&inv));
    }
    Ok(ExitCode::SUCCESS)
}

fn find_in_jsonl(path: &PathBuf, id: &str) -> anyhow::Result<serde_json::Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON alert", path.display(), n + 1))?;
        if v.get("id").and_then(serde_json::Value::as_str) == Some(id) {
            return Ok(v);
        }
    }
    bail!("no alert with id {id} in {}", path.display())
}
