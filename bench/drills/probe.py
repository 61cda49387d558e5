"""Probe a running Reef while a dependency fails; summarise answers per phase.

    python bench/drills/probe.py URL TOKENS.json PHASES.jsonl OUT.jsonl SECONDS

Every 0.25 s: a public page, an API read and an API write (token creation).
PHASES.jsonl holds {"t": epoch, "phase": name} lines written by the drill; each
answer is attributed to the phase in force when it was sent.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

import requests

URL, TOKENS, PHASES, OUT, SECONDS = sys.argv[1:6]
auth = {"Authorization": json.loads(Path(TOKENS).read_text())["donor"]}
out = Path(OUT).open("w", buffering=1)  # noqa: SIM115  (open for the whole run)
stop = time.time() + float(SECONDS)
session = requests.Session()


def phase_at(t: float) -> str:
    current = "start"
    if Path(PHASES).exists():
        for line in Path(PHASES).read_text().splitlines():
            entry = json.loads(line)
            if entry["t"] <= t:
                current = entry["phase"]
    return current


while time.time() < stop:
    for kind, method, path in (
        ("page", "GET", "/directory/countries/"),
        ("api-read", "GET", "/api/v1/countries"),
        ("api-write", "POST", "/api/v1/tokens"),
    ):
        t = time.time()
        key = uuid.uuid4().hex
        try:
            r = session.request(
                method,
                URL + path,
                json={"name": f"drill {key}"} if method == "POST" else None,
                headers={**auth, "Idempotency-Key": key} if method == "POST" else auth,
                timeout=30,
            )
            status, clear = r.status_code, "temporarily unavailable" in r.text.lower()
        except requests.RequestException as exc:
            status, clear = 0, False
            print(f"connection error: {type(exc).__name__}", file=sys.stderr)
        out.write(
            json.dumps(
                {"t": t, "phase": phase_at(t), "kind": kind, "status": status, "clear": clear}
            )
            + "\n"
        )
    time.sleep(0.25)
