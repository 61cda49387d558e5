"""Check a Reef database after a fault: integrity, audit chain, no lost or partial writes.

    REEF_DATABASE_URL=... python bench/drills/verify.py [HAMMER_LOG.jsonl] [--acked-before ISO]

- SQLite: PRAGMA integrity_check is "ok";
- the audit chain verifies (same check as `reef audit verify`);
- every token write the server acknowledged (201 in the hammer log) exists;
- no partial record: every drill token has its audit entry and every
  api_token_create audit entry of a drill token has its token;
- organisation version == 1 + number of audited organisation updates;
- idempotency keys left "in progress" by the fault have no token (work rolled back).
Prints figures and PASS/FAIL; exit code 1 on FAIL.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from reef.accounts.models import ApiToken
    from reef.core.audit import audit_seal_pending, audit_verify
    from reef.core.models import AuditEntry, IdempotencyKey
    from reef.directory.models import Organisation

    args = sys.argv[1:]
    acked_before = None
    if "--acked-before" in args:
        i = args.index("--acked-before")
        acked_before = float(args[i + 1])
        del args[i : i + 2]
    log = Path(args[0]) if args else None
    problems: list[str] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = cursor.fetchone()[0]
        print(f"integrity_check: {integrity}")
        if integrity != "ok":
            problems.append("integrity check failed")
    audit_seal_pending(wait=True, passes=None)  # what the killed processes left unsealed
    verified = audit_verify()
    print(f"audit chain: {'ok' if verified.ok else 'BROKEN'}, {verified.entries} entries")
    problems += verified.problems[:5]

    tokens = dict(ApiToken.objects.filter(name__startswith="drill ").values_list("pk", "name"))
    audited = set(
        AuditEntry.objects.filter(action="api_token_create").values_list("object_id", flat=True)
    )
    without_audit = [pk for pk in tokens if str(pk) not in audited]
    print(f"drill tokens: {len(tokens)}; without their audit entry: {len(without_audit)}")
    if without_audit:
        problems.append(f"{len(without_audit)} tokens without audit entry")
    names = set(tokens.values())
    if log is not None and log.exists():
        lines = [json.loads(x) for x in log.read_text().splitlines() if x.strip()]
        acked = [
            x
            for x in lines
            if x["op"] == "token"
            and x["status"] == 201
            and (acked_before is None or x.get("t", 0) <= acked_before)
        ]
        lost = [x["key"] for x in acked if f"drill {x['key']}" not in names]
        statuses: dict[str, int] = {}
        for x in lines:
            statuses[f"{x['op']}:{x['status']}"] = statuses.get(f"{x['op']}:{x['status']}", 0) + 1
        print(f"hammer answers: {dict(sorted(statuses.items()))}")
        print(f"acknowledged token writes checked: {len(acked)}; lost: {len(lost)}")
        if lost:
            problems.append(f"{len(lost)} acknowledged writes lost: {lost[:5]}")
        server_errors = sum(v for k, v in statuses.items() if k.endswith(":500"))
        if server_errors:
            problems.append(f"{server_errors} answers were 500")
    org = Organisation.objects.get(slug="oas")
    org_updates = AuditEntry.objects.filter(
        action="organisation_update", object_id=str(org.pk)
    ).count()
    print(f"organisation oas: version {org.version}, audited updates {org_updates}")
    if org.version != 1 + org_updates:
        problems.append("organisation version does not match its audited updates")
    pending = list(IdempotencyKey.objects.filter(status__isnull=True).values_list("key", flat=True))
    half_done = [k for k in pending if f"drill {k}" in names]
    print(
        f"idempotency keys left in progress: {len(pending)}; with a committed write: "
        f"{len(half_done)}"
    )
    if half_done:
        problems.append(f"in-progress keys whose write committed: {half_done[:5]}")
    print("RESULT:", "PASS" if not problems else "FAIL " + "; ".join(problems))
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
