"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from reef.core import context
from reef.core.models import AuditEntry, AuditHead
from reef.core.tlp import AUDITED_READ_LABELS

GENESIS = "0" * 64
logger = logging.getLogger("reef.audit")


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


# External anchors --------------------------------------------------------------------
#
# The head row's HMAC proves the head was written by someone holding the key, but an
# old head row stays valid for ever: deleting the newest entries and writing the old
# row back would verify. So after each committed transaction that appended, the head
# is also written, with its HMAC, to an append-only file outside the database;
# `audit_verify` fails when the database's chain is behind that anchor or disagrees.


@dataclass(frozen=True)
class Anchor:
    kind: str  # "anchor", or "reset" after a restore/re-key (older anchors no longer bind)
    seq: int
    hash: str
    line: int
    path: str


def _file_mac(kind: str, seq: int, head_hash: str, key: str | None = None) -> str:
    # Its own message prefix: a head row's anchor can never be replayed as a file line.
    secret = (key if key is not None else settings.REEF_AUDIT_KEY).encode()
    return hmac.new(secret, f"file:{kind}:{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def anchor_path() -> Path | None:
    value: str = settings.REEF_AUDIT_ANCHOR_FILE
    return Path(value) if value else None


def write_anchor(
    seq: int, head_hash: str, *, kind: str = "anchor", path: Path | None = None
) -> None:
    """Append one anchor line (O_APPEND: concurrent writers never interleave a line)."""
    target = path or anchor_path()
    if target is None:
        return
    at = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    mac = _file_mac(kind, seq, head_hash)
    line = f"{kind} {seq} {head_hash} {mac} {at}\n".encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        if settings.REEF_AUDIT_ANCHOR_FSYNC:
            os.fsync(fd)
    finally:
        os.close(fd)
    # Also to the log, for operators who ship logs off the machine.
    logger.info("audit %s seq=%s hash=%s mac=%s", kind, seq, head_hash, mac)


class _AnchorAfterCommit:
    """Anchors the committed head once per transaction, however many entries it appended."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:
        # Read after commit: the head this transaction (or a later one) made durable.
        head = AuditHead.objects.using(self.alias).filter(pk=1).values_list("seq", "hash").first()
        if head is not None and head[0]:
            write_anchor(head[0], head[1])


def _anchor_on_commit(alias: str = DEFAULT_DB_ALIAS) -> None:
    if anchor_path() is None:
        return
    pending = getattr(connections[alias], "run_on_commit", None)
    # One callback per transaction is enough: a callback already registered is dropped
    # only with a savepoint that would drop this entry too.
    if pending and any(isinstance(func, _AnchorAfterCommit) for _, func, *_ in pending):
        return
    transaction.on_commit(_AnchorAfterCommit(alias), using=alias, robust=True)


def read_anchors(path: Path) -> tuple[list[Anchor], list[str]]:
    """Every line of an anchor file, and the problems of lines that do not verify."""
    anchors: list[Anchor] = []
    problems: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, start=1):
            parts = raw.split()
            if not parts:
                continue
            try:
                kind, seq_text, head_hash, mac = parts[:4]
                seq = int(seq_text)
            except ValueError:
                problems.append(f"{path}:{number}: not an anchor line")
                continue
            if kind not in {"anchor", "reset"} or not hmac.compare_digest(
                mac, _file_mac(kind, seq, head_hash)
            ):
                problems.append(f"{path}:{number}: anchor does not verify with the audit key")
                continue
            anchors.append(Anchor(kind, seq, head_hash, number, str(path)))
    return anchors, problems


def binding_anchor(anchors: list[Anchor]) -> Anchor | None:
    """The newest anchor since the last reset: the database may not be behind it."""
    start = 0
    for index, anchor in enumerate(anchors):
        if anchor.kind == "reset":
            start = index
    current = anchors[start:]
    return max(current, key=lambda a: a.seq) if current else None


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
    _anchor_on_commit()
    return entry


def audit_read(*, actor: Any, obj: models.Model) -> None:
    """Record a read of restricted data (AMBER, AMBER+STRICT or RED)."""
    if getattr(obj, "tlp", None) in AUDITED_READ_LABELS:
        audit_append(action="read", actor=actor, obj=obj)


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    problems: list[str]
    notes: list[str] = field(default_factory=list)

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


def audit_verify(
    on_entry: Callable[[], None] | None = None, anchor_files: Iterable[Path] | None = None
) -> VerifyResult:
    """Check every link, the sequence, the anchored head and the external anchors.

    `anchor_files` defaults to REEF_AUDIT_ANCHOR_FILE; pass several to check the files
    of several servers.
    """
    problems: list[str] = []
    notes: list[str] = []
    files = list(anchor_files) if anchor_files is not None else []
    if anchor_files is None and (default := anchor_path()) is not None:
        files = [default]
    bindings: list[Anchor] = []
    for path in files:
        if not path.exists():
            notes.append(f"{path}: no external anchor yet (run `reef audit anchor`)")
            continue
        anchors, bad = read_anchors(path)
        problems.extend(bad)
        if (latest := binding_anchor(anchors)) is not None:
            bindings.append(latest)
    hashes_at = {a.seq: a for a in bindings}
    seen_at: dict[int, str] = {0: GENESIS}  # a reset at an empty chain anchors the genesis
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
        if e.seq in hashes_at:
            seen_at[e.seq] = e.hash
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
    for anchor in bindings:
        where = f"{anchor.path}:{anchor.line}"
        if anchor.seq > head_seq:
            problems.append(
                f"the database is behind its external anchor: head is entry {head_seq}, "
                f"entry {anchor.seq} was anchored ({where}); entries were deleted or rolled back "
                "(after a deliberate restore or a new database: `reef audit anchor --reset`)"
            )
        elif seen_at.get(anchor.seq) != anchor.hash:
            problems.append(
                f"entry {anchor.seq} disagrees with its external anchor ({where}): "
                "the chain was rewritten"
            )
        elif head_seq > anchor.seq:
            notes.append(f"{head_seq - anchor.seq} entries after the latest anchor ({where})")
    return VerifyResult(entries=count, problems=problems, notes=notes)
