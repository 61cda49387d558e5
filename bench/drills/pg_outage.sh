#!/usr/bin/env bash
# Drill: PostgreSQL stopped and restarted under the running app.
#
# Uses its own cluster (default: 15/drill on port 5433, created with
#   pg_createcluster 15 drill --port 5433 && pg_ctlcluster --skip-systemctl-redirect 15 drill start
# ) so that stopping it does not break other test runs; on a dedicated box set
# CLUSTER=main PGPORT=5432. Phases: up 6 s, PostgreSQL stopped 12 s, started again
# 12 s. Expected: pages and API answer 503 with the clear message while it is
# down (never 500), and 200/201 again within seconds of the restart, with the
# same gunicorn processes (no app restart: CONN_HEALTH_CHECKS replaces the
# broken persistent connections).
source "$(dirname "$0")/common.sh"
CLUSTER=${CLUSTER:-drill}
PGPORT=${PGPORT:-5433}
PORT=${PORT:-8772}
DB=reef_outage
dropdb -h 127.0.0.1 -p "$PGPORT" -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -p "$PGPORT" -U postgres "$DB"
export REEF_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$DB"
$PY bench/load/prepare.py "$OUT/outage-tokens.json"
start_server "$PORT" 3 "$OUT/outage-server.log"
# Warm every worker up first (cold imports), so that the "up" phase measures the app.
WARM=()
for _ in $(seq 9); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/directory/countries/" & WARM+=($!)
  curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/countries" & WARM+=($!)
done
wait "${WARM[@]}"
WORKERS_BEFORE=$(pgrep -P "$SERVER" | sort | tr '\n' ' ')
PHASES="$OUT/outage-phases.jsonl"
echo "{\"t\": $(date +%s.%N), \"phase\": \"up\"}" >"$PHASES"
$PY bench/drills/probe.py "http://127.0.0.1:$PORT" "$OUT/outage-tokens.json" "$PHASES" "$OUT/outage-probe.jsonl" 32 &
PROBE=$!
sleep 6
pg_ctlcluster --skip-systemctl-redirect 15 "$CLUSTER" stop -m fast
echo "{\"t\": $(date +%s.%N), \"phase\": \"down\"}" >>"$PHASES"
echo "== PostgreSQL $CLUSTER stopped"
sleep 12
echo "{\"t\": $(date +%s.%N), \"phase\": \"restarted\"}" >>"$PHASES"
pg_ctlcluster --skip-systemctl-redirect 15 "$CLUSTER" start
echo "== PostgreSQL $CLUSTER started"
wait "$PROBE" || true
WORKERS_AFTER=$(pgrep -P "$SERVER" | sort | tr '\n' ' ')
echo "gunicorn workers before: $WORKERS_BEFORE after: $WORKERS_AFTER"
curl -s "http://127.0.0.1:$PORT/directory/countries/" -o /dev/null -w "after the drill: %{http_code}\n"
set +e
$PY bench/drills/summarise_probe.py "$OUT/outage-probe.jsonl"
RC=$?
stop_server "$SERVER"
exit $RC
