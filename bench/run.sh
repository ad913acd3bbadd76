#!/usr/bin/env bash
# Benchmark kql against DuckDB: builds kql in release mode, installs DuckDB into a virtual
# environment, generates the inputs once (bench/data, about 2 GB for both sizes), then runs
# bench.py. Extra arguments go to bench.py, for example `bench/run.sh --sizes 100000 --runs 3`.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${KQL_BENCH_VENV:-/tmp/kql-bench-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing; install it with: apt-get install time" >&2
    exit 2
fi

cargo build --release --quiet
exec "$venv/bin/python" bench/bench.py --kql "${CARGO_TARGET_DIR:-target}/release/kql" \
    --python "$venv/bin/python" "$@"
