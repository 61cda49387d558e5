#!/usr/bin/env bash
# Load test of `reef serve` on loopback, with SQLite or PostgreSQL.
#
#   bench/load/run.sh sqlite            # short profile: 50 users, 2 minutes
#   bench/load/run.sh postgres
#   USERS=200 DURATION=10m bench/load/run.sh postgres   # the full profile
#
# Full profile (for a release): 200 users (spawn 20/s), 10 minutes, on each
# database, server and load generator on separate machines if possible (here
# both share the host, so the figures are a floor). Reports requests, errors,
# p50/p95/p99, throughput (locust CSV in var/bench/) and the server's memory
# (sum of RSS of the gunicorn master and workers) at start and end.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Serve this checkout's code (the venv may belong to another checkout).
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
DB=${1:-sqlite}
USERS=${USERS:-50}
SPAWN=${SPAWN:-10}
DURATION=${DURATION:-2m}
PORT=${PORT:-8765}
WORKERS=${WORKERS:-5}
# The load generator (the `bench` dependency group: locust, openpyxl).
LOCUST=${LOCUST:-.venv/bin/locust}
OUT=var/bench
mkdir -p "$OUT"

export REEF_SECRET_KEY=${REEF_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
export REEF_HTTPS=false REEF_DEBUG=false REEF_TESTING=false REEF_DEMO=false
export REEF_ALLOWED_HOSTS=127.0.0.1,localhost REEF_LOG_LEVEL=${REEF_LOG_LEVEL:-WARNING}
export REEF_CACHE_URL=${REEF_CACHE_URL:-redis://127.0.0.1:6379/7}
case "$DB" in
  sqlite)
    rm -f "$OUT"/load.sqlite3*
    export REEF_DATABASE_URL="sqlite:///$OUT/load.sqlite3" ;;
  postgres)
    PGDB=${PGDB:-reef_load}
    dropdb -h 127.0.0.1 -U postgres --if-exists "$PGDB"
    createdb -h 127.0.0.1 -U postgres "$PGDB"
    export REEF_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PGDB" ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

# All simulated users come from 127.0.0.1: lift the per-address API limit for
# anonymous callers (the limit itself is tested in reef/api/tests/test_throttle.py).
export REEF_API_ANON_PER_MINUTE=${REEF_API_ANON_PER_MINUTE:-1000000}
# The audit chain's external anchors of this run only (the key is new every run).
export REEF_AUDIT_ANCHOR_FILE="$OUT/audit-anchors-$DB.log"
rm -f "$REEF_AUDIT_ANCHOR_FILE"
# As in production: tasks (opinion analyses of large consultations) go to a worker.
export REEF_TASKS=database
# Mail is not what this measures: invitations and notifications are "sent" nowhere.
export REEF_EMAIL_BACKEND=${REEF_EMAIL_BACKEND:-django.core.mail.backends.dummy.EmailBackend}
# An account per simulated contributor (about a third of the users), so that no two
# users write as the same person at once.
export LOAD_CONTRIBUTORS=${LOAD_CONTRIBUTORS:-$((USERS / 3 + 20))}
.venv/bin/python bench/load/prepare.py "$OUT/tokens.json" --scenario "$OUT/scenario.json"
.venv/bin/reef serve --port "$PORT" --workers "$WORKERS" >"$OUT/server-$DB.log" 2>&1 &
SERVER=$!
.venv/bin/reef worker --requeue-stale 3600 --no-startup-delay --interval 1 >"$OUT/worker-$DB.log" 2>&1 &
TASK_WORKER=$!
trap 'kill $SERVER $TASK_WORKER 2>/dev/null || true; wait $SERVER $TASK_WORKER 2>/dev/null || true' EXIT
# Importing every app before forking takes a while on a busy host: wait up to 5 minutes.
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null \
  || { echo "the server did not start: see $OUT/server-$DB.log" >&2; exit 1; }

rss() {  # total RSS (MiB) of the gunicorn master and its workers
  local pids
  pids=$(echo "$SERVER" $(pgrep -P "$SERVER") | tr ' ' ',')
  ps -o rss= -p "$pids" | awk '{s+=$1} END {printf "%.1f", s/1024}'
}
# Warm every worker up (first requests import every app), then measure.
WARM=()
for _ in $(seq $((WORKERS * 2))); do
  for url in / /directory/countries/ /api/v1/countries; do
    curl -s -o /dev/null "http://127.0.0.1:$PORT$url" & WARM+=($!)
  done
done
wait "${WARM[@]}"
START_RSS=$(rss)
# Memory over the run: one sample every 30 s (elapsed seconds, MiB).
echo "seconds,rss_mib" >"$OUT/rss-$DB.csv"
( t=0; while sleep 30; do t=$((t + 30)); echo "$t,$(rss)" >>"$OUT/rss-$DB.csv"; done ) &
SAMPLER=$!
REEF_BENCH_TOKENS="$OUT/tokens.json" REEF_BENCH_SCENARIO="$OUT/scenario.json" \
REEF_BENCH_COUNTS="$OUT/counts-$DB.json" "$LOCUST" -f bench/load/locustfile.py \
  --host "http://127.0.0.1:$PORT" --headless -u "$USERS" -r "$SPAWN" -t "$DURATION" \
  --csv "$OUT/load-$DB" --only-summary --exit-code-on-error 0 --stop-timeout 60 2>&1 | tail -60
END_RSS=$(rss)
kill $SAMPLER 2>/dev/null || true
echo "== server RSS MiB every minute: $(awk -F, 'NR > 1 && $1 % 60 == 0 {printf "%s ", $2}' "$OUT/rss-$DB.csv")"
LOCKED=$(grep -ci "database is locked" "$OUT/server-$DB.log" || true)
echo "== $DB: users=$USERS duration=$DURATION workers=$WORKERS"
echo "== server RSS MiB: start=$START_RSS end=$END_RSS; 'database is locked' in log: $LOCKED"
.venv/bin/python bench/load/verify_writes.py "$OUT/counts-$DB.json" "$OUT/scenario.json" \
  "$OUT/server-$DB.log"
.venv/bin/python - "$OUT/load-${DB}_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
agg = next(r for r in rows if r["Name"] == "Aggregated")
print(f"== requests={agg['Request Count']} failures={agg['Failure Count']} "
      f"p50={agg['50%']}ms p95={agg['95%']}ms p99={agg['99%']}ms "
      f"throughput={float(agg['Requests/s']):.1f} req/s")
PY
