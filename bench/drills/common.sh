# Shared by the drills: production-like settings on loopback, and server helpers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${OUT:-var/drills}
mkdir -p "$OUT"
export REEF_SECRET_KEY=${REEF_SECRET_KEY:-drill-secret-key-not-for-production-0123456789-abcdefghijklmnop}
export REEF_AUDIT_KEY=${REEF_AUDIT_KEY:-drill-audit-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export REEF_FIELD_KEY=${REEF_FIELD_KEY:-drill-field-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export REEF_HTTPS=false REEF_DEBUG=false REEF_TESTING=false REEF_DEMO=false
export DJANGO_SETTINGS_MODULE=reef.settings PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export REEF_ALLOWED_HOSTS=127.0.0.1,localhost REEF_LOG_LEVEL=ERROR
export REEF_CACHE_URL=${REEF_CACHE_URL:-redis://127.0.0.1:6379/7}
# A host shared with parallel test runs can take over 30 s for a worker's first
# request (cold imports of every app): give workers time instead of killing them.
export GUNICORN_CMD_ARGS=${GUNICORN_CMD_ARGS:---timeout 120}
PY=.venv/bin/python

start_server() {  # start_server PORT WORKERS LOG -> sets SERVER (gunicorn master pid)
  .venv/bin/reef serve --port "$1" --workers "$2" >"$3" 2>&1 &
  SERVER=$!
  for _ in $(seq 90); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 1; done
  echo "server did not start" >&2; return 1
}

kill_tree_9() {  # SIGKILL a process and its direct children, by pid
  local pids
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
  kill -9 $pids 2>/dev/null || true
}

stop_server() {  # graceful stop of the server we started
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
