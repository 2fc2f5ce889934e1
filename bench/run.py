#!/usr/bin/env python3
"""The scan benchmark: the T1609 seed rule over generated DeviceProcessEvents NDJSON.

For each corpus size it generates (once, seeded) `bench/out/dpe-<size>.ndjson`, converts it
to Parquet with `kqlhunt convert`, and then, in rounds, times on the same file:

  kqlhunt             `kqlhunt query -f RULE FILE` (the release binary)
  kqlhunt-parquet     the same query over the Parquet conversion
  kqlhunt-no-pushdown the same query with KQLHUNT_NO_PUSHDOWN=1 (no derived prefilter)
  datafusion-ndjson   the same engine and plan, the file bound with `--table`, which reads
                      it through DataFusion's stock NDJSON reader
  duckdb-kql          duckdb-kql from PyPI (bench/.venv), read_json_auto, the rule verbatim
  cat                 `cat FILE > /dev/null`

Each measurement is one process: wall time and CPU time (user + system) come from the
kernel's accounting of that child (wait4), peak RSS from /usr/bin/time. The page cache is warmed first, and the tools
run in a rotating order in every round. The report gives medians, events/s and each tool's
time relative to kqlhunt, and checks that every query tool returned the same number of rows.

Usage: bench/run.py [--sizes 100k,1m,10m] [--runs 3] [--only TOOL,...] [--keep]
Needs: cargo build --release -p kqlhunt; for duckdb-kql:
       python3 -m venv bench/.venv && bench/.venv/bin/pip install duckdb duckdb-kql
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
RULE = ROOT / "rules" / "t1609" / "container_admin_command.kql"
NOW = "2025-06-01T12:00:00Z"
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
BYTES_PER_ROW = 1_100  # a little over the generator's average, for the disk check


def kqlhunt_binary():
    for d in (os.environ.get("CARGO_TARGET_DIR"), ROOT / "target"):
        if d and (Path(d) / "release" / "kqlhunt").exists():
            return str(Path(d) / "release" / "kqlhunt")
    sys.exit("no release build: run `cargo build --release -p kqlhunt` (or set CARGO_TARGET_DIR)")


def measure(cmd, env=None, keep_output=True):
    """Runs cmd once; returns (wall s, cpu s, peak RSS MiB, stdout or b"").

    Wall and CPU time are the kernel's accounting of the child (wait4). The peak RSS comes
    from /usr/bin/time around the command: a process's peak RSS survives fork + exec, so
    the child of a Python process would report at least this script's own.
    """
    out_path, rss_path = OUT / "last-stdout", OUT / "last-rss"
    timed = ["/usr/bin/time", "-f", "%M", "-o", str(rss_path), *cmd]
    with open(out_path if keep_output else os.devnull, "wb") as out, open(os.devnull, "wb") as err:
        start = time.perf_counter()
        p = subprocess.Popen(timed, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}")
    rss_kib = int(rss_path.read_text().split()[-1])
    stdout = out_path.read_bytes() if keep_output else b""
    return wall, ru.ru_utime + ru.ru_stime, rss_kib / 1024, stdout


def result_rows(tool, stdout):
    """Rows a query tool returned (None for cat)."""
    if tool == "cat":
        return None
    if tool == "duckdb-kql":
        return int(stdout.strip())
    return max(stdout.count(b"\n") - 1, 0)  # CSV with a header line


def tools(binary, ndjson, parquet):
    rule = ["--now", NOW, "--format", "csv", "-f", str(RULE)]
    no_pushdown = dict(os.environ, KQLHUNT_NO_PUSHDOWN="1")
    t = {
        "kqlhunt": ([binary, "query", *rule, str(ndjson)], None),
        "kqlhunt-parquet": ([binary, "query", *rule, str(parquet)], None),
        "kqlhunt-no-pushdown": ([binary, "query", *rule, str(ndjson)], no_pushdown),
        "datafusion-ndjson": ([binary, "query", *rule, "--table", f"DeviceProcessEvents={ndjson}"], None),
        "cat": (["cat", str(ndjson)], None),
    }
    py = HERE / ".venv" / "bin" / "python"
    if py.exists():
        t["duckdb-kql"] = ([str(py), str(HERE / "duckdb_kql_rule.py"), str(ndjson), str(RULE), NOW], None)
    else:
        print("note: bench/.venv missing, duckdb-kql skipped", file=sys.stderr)
    return t


def corpus(binary, name, rows):
    ndjson = OUT / f"dpe-{name}.ndjson"
    parquet = OUT / f"dpe-{name}.parquet"
    if not ndjson.exists():
        free = shutil.disk_usage(OUT).free
        need = rows * BYTES_PER_ROW * 13 // 10  # NDJSON plus its Parquet conversion
        if free < need:
            sys.exit(f"{name}: needs ~{need >> 30} GiB free, {free >> 30} GiB available")
        print(f"generating {ndjson.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "gen_events.py"), "--rows", str(rows), "--now", NOW,
                        "-o", str(ndjson)], check=True)
    if not parquet.exists():
        print(f"converting to {parquet.name} ...", file=sys.stderr)
        subprocess.run([binary, "convert", str(ndjson), "--out", str(parquet)], check=True,
                       stdout=subprocess.DEVNULL)
    return ndjson, parquet


def run_size(binary, name, rows, runs, only, keep):
    ndjson, parquet = corpus(binary, name, rows)
    size_mb = ndjson.stat().st_size / 1e6
    all_tools = tools(binary, ndjson, parquet)
    chosen = [t for t in all_tools if not only or t in only]
    measure(["cat", str(ndjson)], keep_output=False)  # warm the page cache
    samples = {t: [] for t in chosen}
    counts = {}
    for r in range(runs):
        order = chosen[r % len(chosen):] + chosen[:r % len(chosen)]
        for t in order:
            cmd, env = all_tools[t]
            wall, cpu, rss, stdout = measure(cmd, env, keep_output=t != "cat")
            samples[t].append((wall, cpu, rss))
            counts.setdefault(t, result_rows(t, stdout))
            print(f"  {name} run {r + 1} {t}: {wall:.3f} s wall, {cpu:.3f} s cpu, {rss:.0f} MiB", file=sys.stderr)
    med = {t: tuple(statistics.median(s[i] for s in samples[t]) for i in range(3)) for t in chosen}
    lines = [f"### {name}: {rows:,} rows, {size_mb:,.0f} MB NDJSON, {runs} runs, medians", "",
             "| tool | wall s | CPU s | peak RSS MiB | events/s | wall vs kqlhunt | result rows |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    base = med.get("kqlhunt", (None,))[0]
    for t in chosen:
        wall, cpu, rss = med[t]
        ratio = f"{wall / base:.2f}×" if base else "–"
        rows_out = "–" if counts[t] is None else f"{counts[t]:,}"
        lines.append(f"| {t} | {wall:.3f} | {cpu:.3f} | {rss:.0f} | {rows / wall:,.0f} | {ratio} | {rows_out} |")
    query_counts = {c for c in counts.values() if c is not None}
    lines.append("")
    lines.append("All query tools returned the same rows count." if len(query_counts) <= 1
                 else f"**Row counts differ: {counts}**")
    if not keep and name == "10m":
        ndjson.unlink()
        shutil.rmtree(parquet, ignore_errors=True)
    return "\n".join(lines)


def machine():
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({model}), {mem}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated tools to run")
    ap.add_argument("--keep", action="store_true", help="keep the 10m corpus afterwards")
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    binary = kqlhunt_binary()
    only = [t for t in a.only.split(",") if t]
    report = [f"Machine: {machine()}", f"Command: bench/run.py --sizes {a.sizes} --runs {a.runs}", ""]
    for name in a.sizes.split(","):
        report.append(run_size(binary, name, SIZES[name], a.runs, only, a.keep))
        report.append("")
    text = "\n".join(report)
    (OUT / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
