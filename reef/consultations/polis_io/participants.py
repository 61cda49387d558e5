"""Reading participants-votes.csv (the careful reader, and Polis's groups alone)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.records import (
    _VALID_VOTES,
    PARTICIPANT_PREFIX,
    ParticipantRecord,
    PolisId,
    parse_id,
)
from reef.consultations.polis_io.rows import _check_width, _id_or_error, _int_or_error, _rows


def _votes(
    path: Path, line: int, row: list[str], header: list[str], n0: int, columns: list[PolisId]
) -> dict[PolisId, int]:
    """A row's vote cells, from column ``n0`` on (one per comment; blank: no vote), checked."""
    votes: dict[PolisId, int] = {}
    for j, cell in enumerate(row[n0:]):
        if cell == "":
            continue
        v = _VALID_VOTES.get(cell)
        if v is None:
            raise PolisFormatError(
                path,
                line,
                header[n0 + j],
                gettext_noop("vote must be 1, -1, 0 or blank, got %(value)s"),
                {"value": repr(cell)},
            )
        votes[columns[j]] = v
    return votes


def read_participants(
    path: str | os.PathLike[str],
) -> tuple[list[ParticipantRecord], list[PolisId], bool]:
    """Read participants-votes.csv: (records, comment columns in file order, has xid column)."""
    path = Path(path)
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise PolisFormatError(path, 1, None, gettext_noop("empty file")) from None
    has_xid = len(header) > 1 and header[1] == "xid"
    prefix = PARTICIPANT_PREFIX[:1] + (["xid"] if has_xid else []) + PARTICIPANT_PREFIX[1:]
    if header[: len(prefix)] != prefix:
        for i, name in enumerate(prefix):
            if i >= len(header) or header[i] != name:
                raise PolisFormatError(
                    path,
                    1,
                    name,
                    gettext_noop("expected column %(number)s to be %(name)s"),
                    {"number": i + 1, "name": repr(name)},
                )
    columns = [
        _id_or_error(h, path, 1, f"#{i + 1}") for i, h in enumerate(header) if i >= len(prefix)
    ]
    if len(set(columns)) != len(columns):
        raise PolisFormatError(path, 1, None, gettext_noop("duplicate comment id in header"))
    n0 = len(prefix)
    out: list[ParticipantRecord] = []
    for line, row in rows:
        if not row:
            continue
        _check_width(path, line, row, header)
        pid = _id_or_error(row[0], path, line, "participant")
        g = row[prefix.index("group-id")]
        nums = [
            _int_or_error(row[prefix.index(n)], path, line, n)
            for n in ("n-comments", "n-votes", "n-agree", "n-disagree")
        ]
        votes = _votes(path, line, row, header, n0, columns)
        out.append(
            ParticipantRecord(
                id=pid,
                xid=row[1] if has_xid else None,
                group_id=_int_or_error(g, path, line, "group-id") if g else None,
                n_comments=nums[0],
                n_votes=nums[1],
                n_agree=nums[2],
                n_disagree=nums[3],
                votes=votes,
            )
        )
    return out, columns, has_xid


def read_participant_groups(path: str | os.PathLike[str]) -> dict[PolisId, int]:
    """Polis's own group-id per participant from participants-votes.csv, reading only the
    ``participant`` and ``group-id`` columns (the vote cells are not checked). On any doubt the
    careful reader reads the whole file (and names the line and column of an error)."""
    path = Path(path)
    groups = _participant_groups_arrow(path)
    if groups is not None:
        return groups
    participants, _, _ = read_participants(path)
    return {p.id: p.group_id for p in participants if p.group_id is not None}


def _participant_groups_arrow(path: Path) -> dict[PolisId, int] | None:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover
        return None
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
        has_xid = len(header) > 1 and header[1] == "xid"
        prefix = PARTICIPANT_PREFIX[:1] + (["xid"] if has_xid else []) + PARTICIPANT_PREFIX[1:]
        if header[: len(prefix)] != prefix or len(set(header)) != len(header):
            return None  # the careful reader names the column
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=["participant", "group-id"],
                column_types={"participant": pa.string(), "group-id": pa.string()},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        pids = table.column("participant").to_pylist()
        gids = table.column("group-id").to_pylist()
        if "" in pids or not all(g == "" or (g.isascii() and g.isdigit()) for g in gids):
            return None
    except (OSError, UnicodeDecodeError, ValueError, pa.ArrowException):
        return None
    return {parse_id(p): int(g) for p, g in zip(pids, gids, strict=True) if g != ""}
