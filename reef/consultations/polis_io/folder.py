"""Reading a Polis export folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from reef.consultations.polis_io.comments import read_comments
from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.participants import read_participants
from reef.consultations.polis_io.records import (
    COMMENTS_FILE,
    PARTICIPANTS_FILE,
    VOTES_FILE,
    ParticipantRecord,
    PolisExport,
    PolisId,
)
from reef.consultations.polis_io.votes import read_votes


def read_export(
    folder: str | os.PathLike[str],
    keep_datetime: bool = True,
    participants: Literal["always", "if_needed"] = "always",
) -> PolisExport:
    """Read a Polis export folder: comments.csv plus votes.csv and/or participants-votes.csv.

    ``participants="if_needed"`` skips participants-votes.csv when votes.csv is there (the
    analysis needs only the votes; the wide participants file is the slowest to read).
    """
    folder = Path(folder)
    cpath = folder / COMMENTS_FILE
    if not cpath.is_file():
        raise PolisFormatError(cpath, 0, None, gettext_noop("file not found"))
    comments = read_comments(cpath)
    vpath, ppath = folder / VOTES_FILE, folder / PARTICIPANTS_FILE
    if not vpath.is_file() and not ppath.is_file():
        raise PolisFormatError(
            vpath,
            0,
            None,
            gettext_noop("neither %(votes)s nor %(participants)s found"),
            {"votes": VOTES_FILE, "participants": PARTICIPANTS_FILE},
        )
    votes = read_votes(vpath, keep_datetime) if vpath.is_file() else None
    records: list[ParticipantRecord] | None = None
    columns: list[PolisId] = []
    has_xid = False
    if ppath.is_file() and (participants == "always" or votes is None):
        records, columns, has_xid = read_participants(ppath)
    return PolisExport(comments, votes, records, columns, has_xid)
