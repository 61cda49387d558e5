"""Reading votes.csv: the fast columnar reader when it can, else the careful one, whose
answers and line/column errors are the reference."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.records import _VALID_VOTES, PolisId, VoteLog, parse_id
from reef.consultations.polis_io.rows import _check_header, _check_width, _int_or_error, _rows
from reef.consultations.polis_io.votes_arrow import _read_votes_arrow

_LEADING_ZERO = re.compile(r",-?0\d|,-0(?:,|$)")  # literal "," prefix: a fast scan
_INT_SPACE = (" ", "\t", "\x0b", "\x0c", "_", "+")  # int() accepts these; the files do not
_CHUNK_BYTES = 1 << 22  # parse votes.csv in ~4 MB slices to bound the string objects alive


class _IdEncoder:
    """Codes ids in first-appearance order. Stays on a hash-free integer path while every id
    is a canonical integer (the usual case), else falls back to a dict of strings."""

    def __init__(self, path: Path, column: str):
        self.path, self.column = path, column
        self.int_chunks: list[npt.NDArray[np.int64]] = []
        self.table: dict[str, int] | None = None
        self.code_chunks: list[npt.NDArray[np.int32]] = []

    def add(self, values: list[str], lines: Sequence[int]) -> None:
        if self.table is None:
            joined = "," + ",".join(values)
            canonical = joined.isascii() and not any(ch in joined for ch in _INT_SPACE)
            if canonical and not _LEADING_ZERO.search(joined):
                try:
                    self.int_chunks.append(np.array(list(map(int, values)), dtype=np.int64))
                    return
                except ValueError:
                    pass
            # Switch to strings; canonical ints print back to exactly their original text.
            self.table = {}
            for chunk in self.int_chunks:
                self._add_strings(list(map(str, chunk.tolist())), None)
            self.int_chunks = []
        self._add_strings(values, lines)

    def _add_strings(self, values: list[str], lines: Sequence[int] | None) -> None:
        if self.table is None:
            self.table = {}
        if "" in values and lines is not None:
            raise PolisFormatError(
                self.path, lines[values.index("")], self.column, gettext_noop("empty id")
            )
        table = self.table
        codes = np.fromiter(
            (table.setdefault(v, len(table)) for v in values), dtype=np.int32, count=len(values)
        )
        self.code_chunks.append(codes)

    def finish(self) -> tuple[list[PolisId], npt.NDArray[np.int32]]:
        if self.table is not None:
            codes = np.concatenate(self.code_chunks) if self.code_chunks else np.zeros(0, np.int32)
            return [parse_id(s) for s in self.table], codes
        ints = np.concatenate(self.int_chunks) if self.int_chunks else np.zeros(0, np.int64)
        uniq, first, inv = np.unique(ints, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty(order.shape[0], dtype=np.int32)
        rank[order] = np.arange(order.shape[0], dtype=np.int32)
        return uniq[order].tolist(), rank[inv.ravel()]


def _vote_chunks(path: Path) -> Iterator[tuple[list[str], Sequence[int], list[str]]]:
    """Yield (header, line numbers, flat fields) slices of votes.csv. The fast path stays in C
    (readlines/join/split); the csv module is used only when the file has quotes."""
    with open(path, "rb") as raw:
        quoted = any(b'"' in block for block in iter(lambda: raw.read(1 << 20), b""))
    if quoted:
        parsed = list(_rows(path))
        if not parsed or not parsed[0][1]:
            raise PolisFormatError(path, 1, None, gettext_noop("empty file"))
        header = parsed[0][1]
        body = [(ln, r) for ln, r in parsed[1:] if r]
        for ln, r in body:
            _check_width(path, ln, r, header)
        yield header, [ln for ln, _ in body], [x for _, r in body for x in r]
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline().rstrip("\r\n")
        if not first.strip():
            raise PolisFormatError(path, 1, None, gettext_noop("empty file"))
        header = first.split(",")
        width = len(header)
        line = 1
        while True:
            chunk = fh.readlines(_CHUNK_BYTES)
            if not chunk:
                break
            lines: Sequence[int] = range(line + 1, line + 1 + len(chunk))
            line += len(chunk)
            commas = list(map(str.count, chunk, itertools.repeat(",")))
            if commas.count(width - 1) != len(commas):
                keep = []
                for i, (text, c) in enumerate(zip(chunk, commas, strict=True)):
                    if c == width - 1:
                        keep.append(i)
                    elif text.strip():
                        row = text.rstrip("\r\n").split(",")
                        _check_width(path, lines[i], row, header)
                chunk = [chunk[i] for i in keep]
                lines = [lines[i] for i in keep]
                if not chunk:
                    continue
            block = "".join(chunk)
            if "\r" in block:
                block = block.replace("\r\n", "\n")
            if block.endswith("\n"):
                block = block[:-1]
            yield header, lines, block.replace("\n", ",").split(",")


def read_votes(path: str | os.PathLike[str], keep_datetime: bool = True) -> VoteLog:
    """Read the votes.csv event log (all events, not yet reduced to the latest per pair)."""
    path = Path(path)
    fast = _read_votes_arrow(path, keep_datetime)
    return fast if fast is not None else read_votes_careful(path, keep_datetime)


def _timestamps(path: Path, lines: Sequence[int], raw: list[str]) -> npt.NDArray[np.int64]:
    """A slice's timestamp cells as integers; else the first bad cell's line is named."""
    try:
        return np.array(list(map(int, raw)), dtype=np.int64)
    except ValueError:
        for ln, t in zip(lines, raw, strict=True):
            _int_or_error(t, path, ln, "timestamp")
        raise


def _votes(path: Path, lines: Sequence[int], raw: list[str]) -> npt.NDArray[np.int8]:
    """A slice's vote cells as -1/0/1; else the first bad cell's line is named."""
    vote_list = list(map(_VALID_VOTES.get, raw))
    if None in vote_list:
        i = vote_list.index(None)
        raise PolisFormatError(
            path,
            lines[i],
            "vote",
            gettext_noop("must be 1, -1 or 0, got %(value)s"),
            {"value": repr(raw[i])},
        )
    return np.array(vote_list, dtype=np.int8)


def read_votes_careful(path: str | os.PathLike[str], keep_datetime: bool = True) -> VoteLog:
    """The pure-Python votes.csv reader: exact line/column errors; the fast one's reference."""
    path = Path(path)
    ts_parts: list[npt.NDArray[np.int64]] = []
    vote_parts: list[npt.NDArray[np.int8]] = []
    dts: list[str] | None = [] if keep_datetime else None
    voters: _IdEncoder | None = None
    comments: _IdEncoder | None = None
    ix: dict[str, int] = {}
    for header, lines, flat in _vote_chunks(path):
        if voters is None:
            ix = _check_header(path, header, ["timestamp", "comment-id", "voter-id", "vote"])
            voters, comments = _IdEncoder(path, "voter-id"), _IdEncoder(path, "comment-id")
        assert comments is not None  # noqa: S101 (set together with voters)
        width = len(header)

        def column(
            name: str, flat: list[str] = flat, width: int = width, ix: dict[str, int] = ix
        ) -> list[str]:
            return flat[ix[name] :: width]

        ts_parts.append(_timestamps(path, lines, column("timestamp")))
        vote_parts.append(_votes(path, lines, column("vote")))
        voters.add(column("voter-id"), lines)
        comments.add(column("comment-id"), lines)
        if dts is not None and "datetime" in ix:
            dts.extend(column("datetime"))
    if voters is None or comments is None:
        with open(path, encoding="utf-8-sig") as fh:
            head = fh.readline()
        if not head.strip():
            raise PolisFormatError(path, 1, None, gettext_noop("empty file"))
        _check_header(
            path, head.strip().split(","), ["timestamp", "comment-id", "voter-id", "vote"]
        )
        voters, comments = _IdEncoder(path, "voter-id"), _IdEncoder(path, "comment-id")
    voter_ids, voter_idx = voters.finish()
    comment_ids, comment_idx = comments.finish()
    return VoteLog(
        timestamp=np.concatenate(ts_parts) if ts_parts else np.zeros(0, np.int64),
        voter_idx=voter_idx,
        comment_idx=comment_idx,
        vote=np.concatenate(vote_parts) if vote_parts else np.zeros(0, np.int8),
        voter_ids=voter_ids,
        comment_ids=comment_ids,
        datetime=dts if dts is not None and "datetime" in ix else None,
    )
