"""Writing and verifying the audit trail."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
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
# row back would verify. So after each committed seal, the sealed head is also
# written, with its HMAC, to an append-only file outside the database; `audit_verify`
# fails when the database's chain is behind that anchor or disagrees.


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
    """Append one entry, not sealed yet: one INSERT, no lock shared with other writers.

    It belongs to the caller's transaction (gone if that rolls back) and is sealed after
    that transaction commits (right away outside a transaction)."""
    ctx = context.current()
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
    )
    entry.save()
    _seal_on_commit()
    return entry


# Sealing -------------------------------------------------------------------------------
#
# Writers only insert. The chain (seq, prev_hash, hash) is computed afterwards by a
# sealer, in its own short transaction that locks the head row: entries of committed
# transactions, in id order. On PostgreSQL a sealer that finds the head locked skips
# (SKIP LOCKED) instead of queueing: an entry the holder did not see (committed while
# it held the head) is sealed by the next seal, the next writer's commit under load.
# The worker seals every few seconds whatever is left (the last writes of a burst, a
# seal that failed after a commit, a process killed in between).

SEAL_BATCH = 1000  # entries per sealing transaction: short even after a long backlog


def _unsealed(alias: str = DEFAULT_DB_ALIAS) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.using(alias).filter(seq__isnull=True)


def _locked_head(alias: str, *, wait: bool) -> AuditHead | None:
    """The head row, locked until the end of the transaction; None if another sealer has it."""
    heads = AuditHead.objects.using(alias).select_for_update(skip_locked=not wait)
    head = heads.filter(pk=1).first()
    if head is None and not AuditHead.objects.using(alias).filter(pk=1).exists():
        # A flushed or brand-new database (the first migration creates the row).
        head, _ = AuditHead.objects.using(alias).select_for_update().get_or_create(pk=1)
    return head


def _seal_pass(*, limit: int | None, wait: bool, alias: str) -> int | None:
    """Seal committed unsealed entries in one transaction; None when another sealer has the head."""
    with transaction.atomic(using=alias):
        head = _locked_head(alias, wait=wait)
        if head is None:
            return None
        # Read after taking the lock (each statement sees what was committed before it),
        # so no entry sealed by the previous holder is read as unsealed.
        pending = list(_unsealed(alias).order_by("id")[:limit])
        if not pending:
            return 0
        seq, prev = head.seq, head.hash
        for entry in pending:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = prev = _chain(prev, _entry_payload(entry))
        # Through the queryset, not save(): entries stay append-only for everyone else.
        AuditEntry.objects.using(alias).bulk_update(pending, ["seq", "prev_hash", "hash"])
        AuditHead.objects.using(alias).filter(pk=1).update(
            seq=seq, hash=prev, anchor=_anchor(seq, prev)
        )
        if anchor_path() is not None:
            # After the commit: never anchor a head that was rolled back.
            transaction.on_commit(
                functools.partial(write_anchor, seq, prev), using=alias, robust=True
            )
    return len(pending)


def audit_seal(
    *, limit: int | None = None, wait: bool = False, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Give the committed unsealed entries (at most `limit`) their place in the chain.

    One short transaction; how many entries it sealed. Without `wait`, 0 at once when
    another sealer holds the head on PostgreSQL (it will seal them, or the next seal)."""
    return _seal_pass(limit=limit, wait=wait, alias=using) or 0


def audit_seal_pending(
    *, wait: bool = False, passes: int | None = 10, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Seal until nothing unsealed is left (at most `passes` transactions); how many."""
    total = done = 0
    while passes is None or done < passes:
        sealed = _seal_pass(limit=SEAL_BATCH, wait=wait, alias=using)
        if sealed is None:
            break  # the sealer holding the head looks again after its commit
        total += sealed
        done += 1
        # Entries committed while this pass held the head: their own seal may have
        # been skipped because of it.
        if not _unsealed(using).exists():
            break
    return total


# In a web request the seal waits until the response has been sent (Django's
# request_finished): one seal per request however many transactions appended, and none
# on the path the person waits on. Elsewhere (CLI, tasks, shell) it follows each commit.
_deferred: ContextVar[set[str] | None] = ContextVar("reef_deferred_seals", default=None)
# What a finished request left to seal once its response has been sent. Kept apart from
# `_deferred` so that a response never closed (a test's RequestFactory, a dropped
# stream) cannot leave later code in this thread deferring its seals forever.
_after_response: ContextVar[frozenset[str]] = ContextVar(
    "reef_seals_after_response", default=frozenset()
)


def seals_after_response() -> Token[set[str] | None]:
    """Until `end_deferral(token)`, seals after commit are collected instead of run."""
    return _deferred.set(set())


def end_deferral(token: Token[set[str] | None]) -> None:
    """The view has returned: stop deferring; what it deferred runs at request_finished."""
    aliases = _deferred.get() or set()
    _deferred.reset(token)
    if aliases:
        _after_response.set(_after_response.get() | aliases)


def seal_deferred(**_signal: Any) -> None:
    """Run the seals the request deferred (a request_finished receiver)."""
    aliases = _after_response.get()
    _after_response.set(frozenset())
    for alias in sorted(aliases):
        try:
            audit_seal(limit=SEAL_BATCH, using=alias)
        except Exception:  # the entries are committed; the worker seals them
            logger.warning("audit seal after the response failed; the worker will seal")


class _SealAfterCommit:
    """Seals once per transaction that appended, however many entries it appended."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:
        deferred = _deferred.get()
        if deferred is not None:
            deferred.add(self.alias)
            return
        # One pass: under load the next writer's seal follows within milliseconds, and
        # looking again after each seal cost more than the sealing itself.
        audit_seal(limit=SEAL_BATCH, using=self.alias)


def _seal_on_commit(alias: str = DEFAULT_DB_ALIAS) -> None:
    pending = getattr(connections[alias], "run_on_commit", None)
    # One callback per transaction is enough: a callback already registered is dropped
    # only with a savepoint that would drop this entry too.
    if pending and any(isinstance(func, _SealAfterCommit) for _, func, *_ in pending):
        return
    # Robust: the write is committed; a seal that fails leaves the entry for the worker.
    transaction.on_commit(_SealAfterCommit(alias), using=alias, robust=True)


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
        # Sealed entries only (seq > 0 leaves out the NULLs), in chain order.
        chunk = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq or last


def _unsealed_problems(notes: list[str]) -> list[str]:
    """Entries not sealed yet: the newest writes (a note), or a sealer that stopped."""
    found = _unsealed().aggregate(n=models.Count("id"), oldest=models.Min("at"))
    if not found["n"]:
        return []
    max_age = int(settings.REEF_AUDIT_SEAL_MAX_AGE)
    oldest = found["oldest"]
    age = (timezone.now() - oldest).total_seconds()
    text = (
        f"{found['n']} entries not sealed yet, the oldest written "
        f"{oldest.astimezone(UTC).isoformat(timespec='seconds')}"
    )
    if age > max_age:
        return [
            f"{text}, more than {max_age} s ago (REEF_AUDIT_SEAL_MAX_AGE): is the worker "
            "running? `reef audit seal` seals them; until sealed they are not tamper-evident"
        ]
    notes.append(f"{text} (sealed within seconds of their commit)")
    return []


def _bindings(
    anchor_files: Iterable[Path] | None, problems: list[str], notes: list[str]
) -> list[Anchor]:
    """The latest binding anchor of each external anchor file (REEF_AUDIT_ANCHOR_FILE by
    default); what is wrong with a file goes to `problems`, a file not there yet to `notes`."""
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
    return bindings


def _compare_anchors(
    bindings: list[Anchor],
    head_seq: int,
    seen_at: dict[int, str],
    problems: list[str],
    notes: list[str],
) -> None:
    """Each external anchor against the chain: `seen_at` holds the hashes found at their seqs."""
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


def audit_verify(
    on_entry: Callable[[], None] | None = None, anchor_files: Iterable[Path] | None = None
) -> VerifyResult:
    """Check every link, the sequence, the anchored head, the external anchors, and that
    no entry waits too long to be sealed. Reads only.

    `anchor_files` defaults to REEF_AUDIT_ANCHOR_FILE; pass several to check the files
    of several servers.
    """
    problems: list[str] = []
    notes: list[str] = []
    bindings = _bindings(anchor_files, problems, notes)
    hashes_at = {a.seq: a for a in bindings}
    seen_at: dict[int, str] = {0: GENESIS}  # a reset at an empty chain anchors the genesis
    prev = GENESIS
    expected_seq = 1
    count = 0
    for e in _iter_entries():
        count += 1
        if on_entry is not None:
            on_entry()
        seq, entry_hash = e.seq or 0, e.hash or ""  # both set: the entry is sealed
        if seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (next entry is {seq})")
            expected_seq = seq
        if e.prev_hash != prev:
            problems.append(f"entry {seq}: does not follow the previous entry")
        if _chain(e.prev_hash, _entry_payload(e)) != entry_hash:
            problems.append(f"entry {seq}: content changed after it was written")
        if seq in hashes_at:
            seen_at[seq] = entry_hash
        prev = entry_hash
        expected_seq += 1
    problems.extend(_unsealed_problems(notes))
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    if head_seq != expected_seq - 1:
        problems.append(f"chain head says {head_seq} entries, found {expected_seq - 1}")
    if head_hash != prev:
        problems.append("chain head does not match the last entry")
    if head and head.seq and not hmac.compare_digest(head.anchor, _anchor(head.seq, head.hash)):
        problems.append("chain head anchor does not verify (rewritten without the audit key)")
    _compare_anchors(bindings, head_seq, seen_at, problems, notes)
    return VerifyResult(entries=count, problems=problems, notes=notes)
