"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from reef.core import context
from reef.core.models import AuditEntry, AuditHead
from reef.core.tlp import AUDITED_READ_LABELS

GENESIS = "0" * 64


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _entry_payload(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.astimezone(UTC).isoformat(),
        "actor_id": e.actor_id,
        "actor": e.actor,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "tlp": e.tlp,
        "ip": e.ip,
        "via": e.via,
        "detail": e.detail,
    }


def _chain(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(payload)).hexdigest()


def _anchor(seq: int, head_hash: str) -> str:
    key = settings.REEF_AUDIT_KEY.encode()
    return hmac.new(key, f"{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def _clean(value: str, limit: int) -> str:
    # Control characters would let a value forge lines in exported logs.
    return "".join(ch if ch.isprintable() else "?" for ch in value)[:limit]


@transaction.atomic
def audit_append(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    tlp: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Serialised on the chain-head row (IMMEDIATE on SQLite)."""
    ctx = context.current()
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        tlp = tlp or str(getattr(obj, "tlp", "") or "")
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    if actor_id:
        actor_label = str(getattr(actor, "email", "") or "")
    else:
        # A named system actor (reef.core.rules.SystemActor) is written as "system:NAME".
        actor_label = str(actor) if str(actor).startswith("system:") else ""
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=actor_id,
        actor=_clean(actor_label, 254),
        action=_clean(action, 40),
        object_type=_clean(object_type, 80),
        object_id=_clean(object_id, 64),
        tlp=tlp,
        ip=_clean(ctx.ip, 45),
        via=ctx.via,
        detail=detail or {},
        prev_hash=head.hash,
    )
    entry.hash = _chain(head.hash, _entry_payload(entry))
    entry.save()
    head.seq = entry.seq
    head.hash = entry.hash
    head.anchor = _anchor(head.seq, head.hash)
    head.save(update_fields=["seq", "hash", "anchor"])
    return entry


def audit_read(*, actor: Any, obj: models.Model) -> None:
    """Record a read of restricted data (AMBER, AMBER+STRICT or RED)."""
    if getattr(obj, "tlp", None) in AUDITED_READ_LABELS:
        audit_append(action="read", actor=actor, obj=obj)


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def audit_verify(on_entry: Callable[[], None] | None = None) -> VerifyResult:
    """Check every link, the sequence and the anchored head."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    for e in _iter_entries():
        count += 1
        if on_entry is not None:
            on_entry()
        if e.seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (next entry is {e.seq})")
            expected_seq = e.seq
        if e.prev_hash != prev:
            problems.append(f"entry {e.seq}: does not follow the previous entry")
        if _chain(e.prev_hash, _entry_payload(e)) != e.hash:
            problems.append(f"entry {e.seq}: content changed after it was written")
        prev = e.hash
        expected_seq += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    if head_seq != expected_seq - 1:
        problems.append(f"chain head says {head_seq} entries, found {expected_seq - 1}")
    if head_hash != prev:
        problems.append("chain head does not match the last entry")
    if head and head.seq and not hmac.compare_digest(head.anchor, _anchor(head.seq, head.hash)):
        problems.append("chain head anchor does not verify (rewritten without the audit key)")
    return VerifyResult(entries=count, problems=problems)
