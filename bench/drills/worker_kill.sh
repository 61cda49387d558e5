#!/usr/bin/env bash
# Drill: a task worker is killed with SIGKILL in the middle of a task (PostgreSQL,
# django_tasks_db DatabaseBackend, `reef worker` = manage.py db_worker).
#
# Enqueue 4 slow idempotent tasks (bench/drills/drill_tasks.py), start a worker,
# SIGKILL it while a task runs, start a worker with --requeue-stale (which puts
# the task the dead worker left RUNNING back in the queue) until the queue is
# empty, then check: every task SUCCESSFUL, each effect
# exactly once, audit chain verifies.
source "$(dirname "$0")/common.sh"
PGPORT=${PGPORT:-5432}
DB=reef_tasks_drill
dropdb -h 127.0.0.1 -p "$PGPORT" -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -p "$PGPORT" -U postgres "$DB"
export REEF_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$DB" REEF_TASKS=database
export PYTHONPATH="$PWD/bench/drills${PYTHONPATH:+:$PYTHONPATH}"
$PY bench/load/prepare.py "$OUT/tasks-tokens.json" >/dev/null
$PY - <<'PY'
import django; django.setup()
from drill_tasks import slow_effect
for n in range(4):
    slow_effect.enqueue(marker=f"m{n}", seconds=3)
print("enqueued 4 tasks")
PY
.venv/bin/reef worker --no-startup-delay --interval 0.2 >"$OUT/tasks-worker1.log" 2>&1 &
WORKER=$!
for _ in $(seq 100); do
  running=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc \
    "select count(*) from django_tasks_database_dbtaskresult where status='RUNNING'")
  [ "$running" = "1" ] && break
  sleep 0.2
done
sleep 1.5   # in the middle of the task's work
echo "== SIGKILL worker $WORKER during a task"
kill -9 "$WORKER"; wait "$WORKER" 2>/dev/null || true
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc \
  "select status, count(*) from django_tasks_database_dbtaskresult group by status order by 1"
# Recovery: the worker first requeues tasks RUNNING for longer than 1 s (no other
# worker runs here; in production use more than the longest task, e.g. 3600).
.venv/bin/reef worker --requeue-stale 1 --no-startup-delay --interval 0.2 --batch >"$OUT/tasks-worker2.log" 2>&1
grep requeued "$OUT/tasks-worker2.log"
set +e
$PY - <<'PY'
import sys
import django; django.setup()
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from reef.core.audit import audit_verify
from reef.core.models import AuditEntry
statuses = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
effects = dict(AuditEntry.objects.filter(action="drill_task_effect")
               .values_list("object_id").annotate(n=Count("id")))
runs = {r.args_kwargs["kwargs"]["marker"]: len(r.worker_ids) for r in DBTaskResult.objects.all()}
print("task statuses:", statuses)
print("runs per task (worker ids):", dict(sorted(runs.items())))
print("effects per marker:", dict(sorted(effects.items())))
verified = audit_verify()
print("audit chain:", "ok" if verified.ok else verified.problems[:3])
ok = statuses == {"SUCCESSFUL": 4} and effects == {f"m{n}": 1 for n in range(4)} and verified.ok
ok = ok and max(runs.values()) == 2
print("RESULT:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
