"""Writing a Polis export: comments.csv, votes.csv, participants-votes.csv."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from reef.consultations.polis_io.records import (
    COMMENT_HEADER,
    COMMENTS_FILE,
    PARTICIPANT_PREFIX,
    PARTICIPANTS_FILE,
    VOTE_HEADER,
    VOTES_FILE,
    Comment,
    ParticipantRecord,
    PolisExport,
    PolisId,
    VoteLog,
)


def _fmt(value: PolisId | int | None) -> str:
    return "" if value is None else str(value)


def write_comments(path: str | os.PathLike[str], comments: Iterable[Comment]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COMMENT_HEADER)
        for c in comments:
            w.writerow(
                [
                    _fmt(c.timestamp),
                    c.datetime,
                    c.id,
                    _fmt(c.author_id),
                    c.agrees,
                    c.disagrees,
                    c.moderated,
                    c.body,
                ]
            )


def write_votes(path: str | os.PathLike[str], votes: VoteLog) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(VOTE_HEADER)
    w.writerows(votes.records())
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def write_participants(
    path: str | os.PathLike[str],
    participants: Iterable[ParticipantRecord],
    columns: Sequence[PolisId],
    has_xid: bool = False,
) -> None:
    prefix = PARTICIPANT_PREFIX[:1] + (["xid"] if has_xid else []) + PARTICIPANT_PREFIX[1:]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*prefix, *columns])
        for p in participants:
            head: list[object] = [p.id]
            if has_xid:
                head.append(p.xid or "")
            head += [_fmt(p.group_id), p.n_comments, p.n_votes, p.n_agree, p.n_disagree]
            w.writerow(head + [_fmt(p.votes.get(c)) for c in columns])


def participants_from_votes(
    export: PolisExport, groups: dict[PolisId, int | None] | None = None
) -> tuple[list[ParticipantRecord], list[PolisId]]:
    """Build participants-votes rows from the current votes (for folders without that file)."""
    fv = export.final_votes()
    columns = [c.id for c in export.comments]
    known = set(columns)
    columns += [c for c in fv.comment_ids if c not in known]
    authored: dict[PolisId, int] = {}
    for c in export.comments:
        if c.author_id is not None:
            authored[c.author_id] = authored.get(c.author_id, 0) + 1
    recs = [
        ParticipantRecord(pid, (groups or {}).get(pid), authored.get(pid, 0), 0, 0, 0)
        for pid in fv.voter_ids
    ]
    index = {pid: i for i, pid in enumerate(fv.voter_ids)}
    for _, _, cid, vid, v in fv.records():
        r = recs[index[vid]]
        r.votes[cid] = v
        r.n_votes += 1
        r.n_agree += v == 1
        r.n_disagree += v == -1
    return recs, columns


def write_export(export: PolisExport, folder: str | os.PathLike[str]) -> None:
    """Write comments.csv, votes.csv (if any) and participants-votes.csv into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_comments(folder / COMMENTS_FILE, export.comments)
    if export.votes is not None:
        write_votes(folder / VOTES_FILE, export.votes)
    if export.participants is not None:
        participants, columns = export.participants, export.participant_columns
    else:
        participants, columns = participants_from_votes(export)
    write_participants(folder / PARTICIPANTS_FILE, participants, columns, export.has_xid)
