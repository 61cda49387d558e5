"""Hammer a running Reef with API writes; log every answer (acknowledged writes included).

    python bench/drills/hammer.py URL TOKENS.json LOG.jsonl [SECONDS] [THREADS]

Writes: token creation with an Idempotency-Key (the token name carries the key)
and organisation updates with If-Match. Each answer is one JSON line:
{"op", "key", "status"}; connection errors are logged with status 0. Runs until
SECONDS pass or the process is killed.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

URL, TOKENS, LOG = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
SECONDS = float(sys.argv[4]) if len(sys.argv) > 4 else 3600
THREADS = int(sys.argv[5]) if len(sys.argv) > 5 else 8
auth = {"Authorization": json.loads(TOKENS.read_text())["donor"]}
lock = threading.Lock()
log = LOG.open("a", buffering=1)
stop = time.monotonic() + SECONDS


def record(**entry: object) -> None:
    with lock:
        log.write(json.dumps({**entry, "t": time.time()}) + "\n")


def work(n: int) -> None:
    session = requests.Session()
    i = 0
    while time.monotonic() < stop:
        i += 1
        key = f"h{n}-{i}-{uuid.uuid4().hex[:8]}"
        try:
            if i % 3:
                r = session.post(
                    f"{URL}/api/v1/tokens",
                    json={"name": f"drill {key}"},
                    headers={**auth, "Idempotency-Key": key},
                    timeout=30,
                )
                record(op="token", key=key, status=r.status_code)
            else:
                g = session.get(f"{URL}/api/v1/organisations/oas", headers=auth, timeout=30)
                r = session.put(
                    f"{URL}/api/v1/organisations/oas",
                    json={"description": f"drill {key}", "website": ""},
                    headers={**auth, "If-Match": g.headers.get("ETag", "")},
                    timeout=30,
                )
                record(op="org", key=key, status=r.status_code)
        except requests.RequestException as exc:
            record(op="error", key=key, status=0, error=type(exc).__name__)
            time.sleep(0.2)


threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
