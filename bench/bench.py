#!/usr/bin/env python3
"""Time kql against DuckDB on generated DeviceNetworkEvents exports.

For each size and query, the kql and DuckDB runs alternate (kql, DuckDB, kql, …) so that
both see the same load on a shared machine. Each run goes through `/usr/bin/time -v` for its
peak resident memory; wall time is measured around the process. The report gives min,
median and max wall time, median CPU time (user + system), max peak memory, and the ratio of
the kql median to the DuckDB median.

A kql query that `kql check` rejects (an operator not implemented yet) is reported as
skipped, with the checker's first line.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

# name, kql query file, DuckDB SQL file, tables the query reads
QUERIES = [
    ("tcp-flags", REPO_DIR / "queries/mde-suspicious-tcp-flags.kql",
     BENCH_DIR / "queries/mde-suspicious-tcp-flags.sql", ["DeviceNetworkEvents"]),
    ("summarize", BENCH_DIR / "queries/summarize-dcount.kql",
     BENCH_DIR / "queries/summarize-dcount.sql", ["DeviceNetworkEvents"]),
    ("join", BENCH_DIR / "queries/join-device-info.kql",
     BENCH_DIR / "queries/join-device-info.sql", ["DeviceNetworkEvents", "DeviceInfo"]),
]


def size_label(rows):
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1000 == 0:
        return f"{rows // 1000}k"
    return str(rows)


def ensure_data(data_dir, rows):
    """Generate the input files for `rows` rows unless they exist; return name -> path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    events = data_dir / f"DeviceNetworkEvents.{size_label(rows)}.ndjson"
    devices = data_dir / "DeviceInfo.ndjson"
    generator = [sys.executable, str(BENCH_DIR / "generate.py")]
    if not events.exists():
        print(f"generating {events} …", flush=True)
        partial = events.with_suffix(".partial")
        subprocess.run(generator + ["--rows", str(rows), "--out", str(partial)], check=True)
        partial.rename(events)
    if not devices.exists():
        subprocess.run(generator + ["--device-info", "--out", str(devices)], check=True)
    return {"DeviceNetworkEvents": events, "DeviceInfo": devices}


def timed(command, stdout_path):
    """Run `command` under /usr/bin/time -v; return (wall s, cpu s, peak RSS MB, exit code, stderr)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as report, \
            open(stdout_path, "wb") as stdout:
        start = time.perf_counter()
        finished = subprocess.run(["/usr/bin/time", "-v", "-o", report.name] + command,
                                  stdout=stdout, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        fields = {}
        for line in report.read().splitlines():
            key, _, value = line.strip().rpartition(": ")
            fields[key] = value
    cpu = float(fields.get("User time (seconds)", "nan")) + float(fields.get("System time (seconds)", "nan"))
    peak_mb = int(fields.get("Maximum resident set size (kbytes)", "0")) / 1024
    return wall, cpu, peak_mb, finished.returncode, finished.stderr.decode(errors="replace")


def count_rows(path):
    """Count result rows in kql's JSON output ({"rows": […]}) or DuckDB's JSON array."""
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except (OSError, ValueError):
        return None
    if isinstance(document, dict):
        return len(document.get("rows", []))
    return len(document)


def kql_accepts(kql, query_file):
    checked = subprocess.run([str(kql), "check", "--quiet", str(query_file)],
                             capture_output=True, text=True)
    first_line = (checked.stderr.strip().splitlines() or [""])[0]
    return checked.returncode == 0, first_line


def summary(samples):
    walls = [sample[0] for sample in samples]
    return {
        "min": min(walls),
        "median": statistics.median(walls),
        "max": max(walls),
        "cpu": statistics.median(sample[1] for sample in samples),
        "peak": max(sample[2] for sample in samples),
    }


def bench_query(args, name, kql_file, sql_file, tables, paths, label):
    accepted, message = kql_accepts(args.kql, kql_file)
    if not accepted:
        print(f"{name:10} {label:>5}  skipped: not supported yet ({message})", flush=True)
        return None

    workdir = Path(tempfile.mkdtemp(prefix="kql-bench-"))
    kql_out = workdir / "kql.json"
    duckdb_out = workdir / "duckdb.json"
    kql_command = [str(args.kql), "run", str(kql_file), "--format", "json"]
    for table in tables:
        kql_command += ["--table", f"{table}={paths[table]}"]
    duckdb_command = [str(args.python), str(BENCH_DIR / "duckdb_query.py"), str(sql_file), str(duckdb_out)]
    duckdb_command += [f"{table}={paths[table]}" for table in tables]

    kql_samples, duckdb_samples = [], []
    for _ in range(args.runs):
        for command, out, samples, tool in ((kql_command, kql_out, kql_samples, "kql"),
                                            (duckdb_command, os.devnull, duckdb_samples, "duckdb")):
            wall, cpu, peak, code, stderr = timed(command, out)
            if code != 0:
                print(f"{name:10} {label:>5}  {tool} failed with exit status {code}:\n{stderr}", flush=True)
                return None
            samples.append((wall, cpu, peak))

    kql_stats, duckdb_stats = summary(kql_samples), summary(duckdb_samples)
    ratio = kql_stats["median"] / duckdb_stats["median"]
    for tool, stats in (("kql", kql_stats), ("duckdb", duckdb_stats)):
        print(f"{name:10} {label:>5}  {tool:6}  wall min {stats['min']:7.2f}  median {stats['median']:7.2f}  "
              f"max {stats['max']:7.2f} s  cpu {stats['cpu']:7.2f} s  peak {stats['peak']:7.0f} MB", flush=True)
    rows_kql, rows_duckdb = count_rows(kql_out), count_rows(duckdb_out)
    agreement = "same row count" if rows_kql == rows_duckdb else "ROW COUNTS DIFFER"
    print(f"{name:10} {label:>5}  ratio kql/duckdb (median wall) {ratio:.2f}; "
          f"rows kql {rows_kql}, duckdb {rows_duckdb}: {agreement}", flush=True)
    for path in (kql_out, duckdb_out):
        path.unlink(missing_ok=True)
    workdir.rmdir()
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kql", type=Path, default=REPO_DIR / "target/release/kql", help="kql binary")
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="Python interpreter that has the duckdb package")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--runs", type=int, default=5, help="runs of each tool per query and size")
    parser.add_argument("--queries", default="tcp-flags,summarize,join", help="comma-separated query names")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data", help="where generated files go")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    selected = set(args.queries.split(","))
    print(f"kql: {args.kql}; DuckDB via {args.python}; {args.runs} runs each, alternating; "
          f"{os.cpu_count()} CPUs", flush=True)
    for rows in (int(size) for size in args.sizes.split(",")):
        paths = ensure_data(args.data_dir, rows)
        megabytes = paths["DeviceNetworkEvents"].stat().st_size / 1e6
        print(f"-- {rows} rows, {megabytes:.0f} MB", flush=True)
        for name, kql_file, sql_file, tables in QUERIES:
            if name in selected:
                bench_query(args, name, kql_file, sql_file, tables, paths, size_label(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
