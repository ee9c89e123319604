#!/usr/bin/env bash
# `make bench`: create, migrate and seed the benchmark databases (once per size), then run
# every scenario, the fan-out, the EXPLAIN plans, and print the tables for docs/benchmarks.md.
#   BENCH_SIZES="10k 100k 1m"  BENCH_DURATION=10  BENCH_ROUNDS=2  BENCH_RESEED=1 (force)
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379 (db 10)
# and wrk (apt-get install wrk). Results land in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES:-10k 100k 1m}
PG=postgresql://postgres@127.0.0.1:5432
export TASKFLOW_SECRET_KEY=bench-secret-key-0123456789abcdef-0123456789
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p bench/results bench/.state
declare -A TASKS=([10k]=10000 [100k]=100000 [1m]=1000000)
for size in $SIZES; do
  db=taskflow_bench_$size
  psql "$PG/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || psql "$PG/postgres" -qc "CREATE DATABASE $db"
  TASKFLOW_DATABASE_URL=$PG/$db .venv/bin/taskflow migrate
  if [[ -n "${BENCH_RESEED:-}" || ! -f bench/.state/$db.json ]]; then
    .venv/bin/python bench/seed.py --tasks "${TASKS[$size]}" --database-url "$PG/$db"
  fi
done
.venv/bin/python bench/run.py --sizes "$(echo $SIZES | tr ' ' ,)" \
  --duration "${BENCH_DURATION:-10}" --rounds "${BENCH_ROUNDS:-2}"
largest=$(echo $SIZES | awk '{print $NF}')
.venv/bin/python bench/fanout.py --size "$largest" --clients 1000 --changes 30
# Where the CPU of a request goes, framework by framework (bench/ladder.py): in process, quick.
smallest=$(echo $SIZES | awk '{print $1}')
.venv/bin/python bench/ladder.py --size "$smallest" 2>/dev/null
.venv/bin/python bench/explain.py --size "$largest" > "bench/results/explain-$largest.txt" 2>/dev/null
.venv/bin/python bench/report.py
