#!/usr/bin/env bash
# Drill: a backup taken under write load, then restored and verified.
#
#   bench/drills/backup_under_load.sh sqlite     (SQLite online backup API)
#   bench/drills/backup_under_load.sh postgres   (pg_dump -Fc / pg_restore)
#
# Hammer the running server with writes (8 threads), take `reef backup` after
# 5 s while writes go on, stop the load, restore the backup into a NEW database
# with `reef restore`, then check the restored copy: integrity, audit chain,
# every write acknowledged before the backup started is in it, no partial
# record (bench/drills/verify.py), and the restored row counts equal the
# counts read from the backup itself (SQLite) / a second restore (PostgreSQL).
source "$(dirname "$0")/common.sh"
ENGINE=${1:-sqlite}
PORT=${PORT:-8773}
case "$ENGINE" in
  sqlite)
    rm -f "$OUT"/bk-live.sqlite3* "$OUT"/bk-restored.sqlite3* "$OUT"/bk.backup
    LIVE="sqlite:///$OUT/bk-live.sqlite3"; RESTORED="sqlite:///$OUT/bk-restored.sqlite3" ;;
  postgres)
    for db in reef_bk_live reef_bk_restored; do
      dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; createdb -h 127.0.0.1 -U postgres "$db"
    done
    rm -f "$OUT"/bk.backup
    LIVE="postgres://postgres@127.0.0.1:5432/reef_bk_live"
    RESTORED="postgres://postgres@127.0.0.1:5432/reef_bk_restored" ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REEF_DATABASE_URL="$LIVE"
$PY bench/load/prepare.py "$OUT/bk-tokens.json"
rm -f "$OUT/bk-hammer.jsonl"
start_server "$PORT" 3 "$OUT/bk-server.log"
$PY bench/drills/hammer.py "http://127.0.0.1:$PORT" "$OUT/bk-tokens.json" "$OUT/bk-hammer.jsonl" 600 8 &
HAMMER=$!
sleep 5
BACKUP_START=$(date +%s.%N)
echo "== reef backup under load"
time .venv/bin/reef backup "$OUT/bk.backup"
BACKUP_END=$(date +%s.%N)
sleep 3   # writes go on after the backup
kill "$HAMMER" 2>/dev/null || true; wait "$HAMMER" 2>/dev/null || true
stop_server "$SERVER"
$PY - "$OUT/bk-hammer.jsonl" "$BACKUP_START" "$BACKUP_END" <<'PY'
import json, sys
rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
start, end = float(sys.argv[2]), float(sys.argv[3])
ok = [r for r in rows if r["status"] in (200, 201)]
print(f"== acknowledged writes: before the backup {sum(r['t'] < start for r in ok)}, "
      f"during it {sum(start <= r['t'] <= end for r in ok)}, after it {sum(r['t'] > end for r in ok)}")
PY
echo "== live database after the load: $($PY -c 'import django; django.setup()
from reef.accounts.models import ApiToken; print(ApiToken.objects.filter(name__startswith="drill ").count())') drill tokens"
WRITES=$(grep -c '"status": 201' "$OUT/bk-hammer.jsonl" || true)
echo "== acknowledged token writes during the drill: $WRITES"
export REEF_DATABASE_URL="$RESTORED"
[ "$ENGINE" = postgres ] || $PY manage.py migrate --verbosity 0
.venv/bin/reef restore "$OUT/bk.backup"
set +e
.venv/bin/reef audit verify
$PY bench/drills/verify.py "$OUT/bk-hammer.jsonl" --acked-before "$BACKUP_START"
RC=$?
$PY - "$ENGINE" "$OUT/bk.backup" <<'PY'
import sqlite3, sys
import django; django.setup()
from reef.core.backup import row_counts
restored = row_counts()
if sys.argv[1] == "sqlite":
    src = sqlite3.connect(f"file:{sys.argv[2]}?mode=ro", uri=True)
    names = [r[0] for r in src.execute("select name from sqlite_master where type='table'")]
    backup = {n: src.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
    diff = {t: (backup.get(t), n) for t, n in restored.items() if backup.get(t) != n}
    print(f"tables: {len(restored)}; row counts differing from the backup file: {diff or 'none'}")
    sys.exit(1 if diff else 0)
print(f"tables: {len(restored)}; rows: {sum(restored.values())}; "
      f"tokens: {restored.get('accounts_apitoken')}; audit: {restored.get('core_auditentry')}")
PY
RC2=$?
[ $RC -eq 0 ] && [ $RC2 -eq 0 ] && echo "DRILL PASS" || echo "DRILL FAIL"
exit $(( RC | RC2 ))
