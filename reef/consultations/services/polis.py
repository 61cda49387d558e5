"""A Polis export folder in (a closed consultation) and out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.consultations import polis_io
from reef.consultations import rules as R
from reef.consultations.models import Consultation, Participant, Participation, Statement, Vote
from reef.consultations.services.analysis import _analysis_inputs_changed
from reef.consultations.services.common import _editors_only, _require, _require_owner
from reef.consultations.services.consultations import consultation_create
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _numbering(ids: Sequence[polis_io.PolisId]) -> dict[polis_io.PolisId, int]:
    """Keep Polis ids that are non-negative integers; number the others after them."""
    if all(isinstance(i, int) and i >= 0 for i in ids):
        return {i: int(i) for i in ids}
    return {pid: n for n, pid in enumerate(ids, start=1)}


def _polis_error(exc: polis_io.PolisFormatError) -> str:
    """The format error in the user's language: file, line, column and reason."""
    reason = _(exc.template) % exc.params if exc.params else _(exc.template)
    if exc.column is not None:
        return _("%(file)s, line %(line)s, column '%(column)s': %(reason)s") % {
            "file": exc.path,
            "line": exc.line,
            "column": exc.column,
            "reason": reason,
        }
    return _("%(file)s, line %(line)s: %(reason)s") % {
        "file": exc.path,
        "line": exc.line,
        "reason": reason,
    }


def _read_polis(folder: str | Path) -> tuple[polis_io.PolisExport, polis_io.VoteLog]:
    """The export and its current votes, or a ServiceError naming the file, line and column."""
    try:
        export = polis_io.read_export(folder)
    except polis_io.PolisFormatError as exc:
        raise ServiceError(
            _("Cannot import: %(error)s") % {"error": _polis_error(exc)},
            field="folder",
            code="bad_file",
        ) from None
    except OSError as exc:
        raise ServiceError(
            _("Cannot read %(folder)s: %(error)s")
            % {"folder": folder, "error": exc.strerror or exc},
            field="folder",
        ) from None
    final = export.final_votes()
    known_comments = [c.id for c in export.comments]
    unknown = [c for c in final.comment_ids if c not in set(known_comments)]
    if unknown:
        raise ServiceError(
            _("Cannot import: votes refer to comment “%(comment)s”, which is not in comments.csv.")
            % {"comment": unknown[0]},
            field="folder",
            code="bad_file",
        )
    return export, final


@transaction.atomic
def consultation_import_polis(
    *,
    actor: Actor,
    folder: str | Path,
    title: str,
    owner_organisation: Organisation | None = None,
    owner_country: Country | None = None,
    tlp: str = TLP.GREEN,
    participation: str = Participation.NAMED,
) -> Consultation:
    """Import a Polis export folder as a (closed) consultation. A bad file raises a
    ServiceError naming the file, line and column, and nothing is created."""
    _require_owner(
        R.may_import_polis,
        actor,
        owner_country,
        owner_organisation,
        _("Only the owner's editors may import its consultations."),
    )
    export, final = _read_polis(folder)
    timestamps = [c.timestamp for c in export.comments if c.timestamp] + final.timestamp.tolist()
    timestamps = [t for t in timestamps if t]
    now = timezone.now()
    opens = _from_ms(min(timestamps)) if timestamps else now - timedelta(days=1)
    closes = _from_ms(max(timestamps)) + timedelta(seconds=1) if timestamps else now
    consultation = consultation_create(
        actor=actor,
        title=title,
        opens_at=opens,
        closes_at=closes,
        owner_organisation=owner_organisation,
        owner_country=owner_country,
        tlp=tlp,
        participation=participation,
        description=f"Imported from a Polis export ({Path(folder).name}).",
    )
    detail = _import_records(consultation, export, final, opens)
    _analysis_inputs_changed(consultation)
    audit_append(action="consultation_import_polis", actor=actor, obj=consultation, detail=detail)
    return consultation


def _import_records(
    consultation: Consultation,
    export: polis_io.PolisExport,
    final: polis_io.VoteLog,
    opens: datetime,
) -> dict[str, int]:
    """Participants, statements and votes of an export, created in bulk; how many of each."""
    people_ids: list[polis_io.PolisId] = list(final.voter_ids)
    seen = set(people_ids)
    for c in export.comments:
        if c.author_id is not None and c.author_id not in seen:
            seen.add(c.author_id)
            people_ids.append(c.author_id)
    pnum = _numbering(people_ids)
    cnum = _numbering([c.id for c in export.comments])
    label = {
        "tlp": consultation.tlp,
        "owner_country_id": consultation.owner_country_id,
        "owner_organisation_id": consultation.owner_organisation_id,
    }
    Participant.objects.bulk_create(
        [
            Participant(consultation=consultation, number=pnum[p], label=f"Polis {p}", **label)
            for p in people_ids
        ]
    )
    participants = {p.number: p for p in consultation.participants.all()}
    status = {
        1: Statement.Status.ACCEPTED,
        0: Statement.Status.PENDING,
        -1: Statement.Status.REJECTED,
    }
    Statement.objects.bulk_create(
        [
            Statement(
                consultation=consultation,
                number=cnum[c.id],
                author=participants[pnum[c.author_id]] if c.author_id is not None else None,
                body=c.body or f"(comment {c.id})",
                status=status[c.moderated],
                submitted_at=_from_ms(c.timestamp) if c.timestamp else opens,
                **label,
            )
            for c in export.comments
        ]
    )
    statements = {s.number: s for s in consultation.statements.all()}
    votes = [
        Vote(
            consultation=consultation,
            participant=participants[pnum[vid]],
            statement=statements[cnum[cid]],
            value=v,
            voted_at=_from_ms(ts) if ts else opens,
            **label,
        )
        for ts, _, cid, vid, v in final.records()
    ]
    Vote.objects.bulk_create(votes, batch_size=2000)
    return {"statements": len(statements), "participants": len(participants), "votes": len(votes)}


def consultation_export_polis(
    *, actor: Actor, consultation: Consultation, folder: str | Path
) -> polis_io.PolisExport:
    """Write comments.csv, votes.csv and participants-votes.csv (the owner's editors only:
    the export holds every participant's votes)."""
    _require(R.may_export_polis, actor, consultation, consultation, _editors_only())
    statements = list(consultation.statements.select_related("author").order_by("number"))
    rows = list(
        Vote.objects.filter(consultation=consultation)
        .order_by("voted_at", "pk")
        .values_list("voted_at", "statement__number", "participant__number", "value")
    )
    export = polis_io.PolisExport(comments=_polis_comments(statements, rows), votes=_vote_log(rows))
    groups: dict[polis_io.PolisId, int | None] = {}
    for p in (consultation.analysis or {}).get("result", {}).get("participants", []):
        groups[p["id"]] = p.get("group")
    participants, columns = polis_io.participants_from_votes(export, groups)
    export.participants, export.participant_columns = participants, columns
    polis_io.write_export(export, folder)
    audit_append(
        action="consultation_export_polis",
        actor=actor,
        obj=consultation,
        detail={"votes": len(rows)},
    )
    return export


#: A vote row of the export: when, statement number, participant number, value.
_VoteRow = tuple[datetime, int, int, int]


def _polis_comments(statements: list[Statement], rows: list[_VoteRow]) -> list[polis_io.Comment]:
    """comments.csv: each statement with its agree and disagree counts."""
    moderated = {
        Statement.Status.ACCEPTED: 1,
        Statement.Status.PENDING: 0,
        Statement.Status.REJECTED: -1,
    }
    counts: dict[int, list[int]] = {}
    for _voted_at, s, _participant, v in rows:
        t = counts.setdefault(s, [0, 0])
        if v == 1:
            t[0] += 1
        elif v == -1:
            t[1] += 1
    return [
        polis_io.Comment(
            id=s.number,
            author_id=s.author.number if s.author else None,
            timestamp=_ms(s.submitted_at),
            datetime=s.submitted_at.isoformat(),
            agrees=counts.get(s.number, [0, 0])[0],
            disagrees=counts.get(s.number, [0, 0])[1],
            moderated=moderated[Statement.Status(s.status)],
            body=s.body,
        )
        for s in statements
    ]


def _vote_log(rows: list[_VoteRow]) -> polis_io.VoteLog:
    """votes.csv: every current vote in the order cast, ids numbered in order of appearance."""
    voter_ids: list[polis_io.PolisId] = []
    vindex: dict[int, int] = {}
    comment_ids: list[polis_io.PolisId] = []
    cindex: dict[int, int] = {}
    vi, ci = [], []
    for _voted_at, s, p, _value in rows:
        if p not in vindex:
            vindex[p] = len(voter_ids)
            voter_ids.append(p)
        if s not in cindex:
            cindex[s] = len(comment_ids)
            comment_ids.append(s)
        vi.append(vindex[p])
        ci.append(cindex[s])
    return polis_io.VoteLog(
        timestamp=np.array([_ms(r[0]) for r in rows], dtype=np.int64),
        voter_idx=np.array(vi, dtype=np.int32),
        comment_idx=np.array(ci, dtype=np.int32),
        vote=np.array([r[3] for r in rows], dtype=np.int8),
        voter_ids=voter_ids,
        comment_ids=comment_ids,
        datetime=[r[0].isoformat() for r in rows],
    )
