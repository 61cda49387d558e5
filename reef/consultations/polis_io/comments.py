"""Reading comments.csv."""

from __future__ import annotations

import os
from pathlib import Path

from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.records import Comment, PolisId, parse_id
from reef.consultations.polis_io.rows import (
    _check_header,
    _check_width,
    _id_or_error,
    _int_or_error,
    _rows,
)


def read_comments(path: str | os.PathLike[str]) -> list[Comment]:
    path = Path(path)
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise PolisFormatError(path, 1, None, gettext_noop("empty file")) from None
    ix = _check_header(path, header, ["comment-id", "moderated"])
    out: list[Comment] = []
    seen: set[PolisId] = set()
    for line, row in rows:
        if not row:
            continue
        _check_width(path, line, row, header)

        def get(name: str, row: list[str] = row) -> str:
            return row[ix[name]] if name in ix else ""

        cid = _id_or_error(get("comment-id"), path, line, "comment-id")
        if cid in seen:
            raise PolisFormatError(
                path,
                line,
                "comment-id",
                gettext_noop("duplicate comment id %(id)s"),
                {"id": repr(cid)},
            )
        seen.add(cid)
        mod = _int_or_error(get("moderated"), path, line, "moderated")
        if mod not in (-1, 0, 1):
            raise PolisFormatError(
                path,
                line,
                "moderated",
                gettext_noop("must be -1, 0 or 1, got %(value)s"),
                {"value": mod},
            )
        ts = get("timestamp")
        author = get("author-id")
        out.append(
            Comment(
                id=cid,
                author_id=parse_id(author) if author else None,
                timestamp=_int_or_error(ts, path, line, "timestamp") if ts else None,
                datetime=get("datetime"),
                agrees=_int_or_error(get("agrees") or "0", path, line, "agrees"),
                disagrees=_int_or_error(get("disagrees") or "0", path, line, "disagrees"),
                moderated=mod,
                body=get("comment-body"),
            )
        )
    return out
