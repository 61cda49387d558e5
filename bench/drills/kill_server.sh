#!/usr/bin/env bash
# Drill: the server is killed with SIGKILL in the middle of writes (SQLite).
#
# Start `reef serve` (gunicorn, 3 workers) on a fresh SQLite database, hammer it
# with writes from 8 threads for 8 s, SIGKILL the master and every worker, then
# restart and check: PRAGMA integrity_check, `reef audit verify`, every
# acknowledged write present, no partial record (bench/drills/verify.py).
# Retried keys of the writes in flight at the kill get 409 until the lease ends,
# then run once.
source "$(dirname "$0")/common.sh"
PORT=${PORT:-8771}
rm -f "$OUT"/kill.sqlite3*
export REEF_DATABASE_URL="sqlite:///$OUT/kill.sqlite3"
$PY bench/load/prepare.py "$OUT/kill-tokens.json"
rm -f "$OUT/kill-hammer.jsonl"
start_server "$PORT" 3 "$OUT/kill-server.log"
$PY bench/drills/hammer.py "http://127.0.0.1:$PORT" "$OUT/kill-tokens.json" "$OUT/kill-hammer.jsonl" 30 8 &
HAMMER=$!
sleep 8
echo "== SIGKILL server $SERVER and its workers"
kill_tree_9 "$SERVER"
sleep 2
kill "$HAMMER" 2>/dev/null || true; wait "$HAMMER" 2>/dev/null || true
echo "== restart"
start_server "$PORT" 3 "$OUT/kill-server2.log"
set +e
.venv/bin/reef audit verify
$PY bench/drills/verify.py "$OUT/kill-hammer.jsonl"
RC=$?
stop_server "$SERVER"
exit $RC
