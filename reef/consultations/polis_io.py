"""Read and write Polis conversation exports (comments.csv, votes.csv, participants-votes.csv).

Pure Python + NumPy (+ pyarrow's CSV reader when installed), no Django. Votes are kept columnar
(NumPy arrays plus id tables) because real conversations reach a million votes and one Python
object per vote would cost ~200 MB.

votes.csv is read by pyarrow's columnar reader; whenever that reader rejects the file or a value
looks off, the careful pure-Python reader reads it again, so answers and line/column errors are
those of the careful reader.

IDs are kept exactly as they appear: a decimal integer without leading zeros becomes an ``int``,
anything else stays a ``str``; the writers emit them back unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pyarrow as pa

import numpy as np
import numpy.typing as npt

PolisId = int | str

COMMENTS_FILE = "comments.csv"
VOTES_FILE = "votes.csv"
PARTICIPANTS_FILE = "participants-votes.csv"

COMMENT_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_PREFIX = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
_VALID_VOTES = {"1": 1, "-1": -1, "0": 0}


def gettext_noop(message: str) -> str:
    """Marks a reason for translation; the Django layer translates it (no Django here)."""
    return message


class PolisFormatError(ValueError):
    """A Polis export file is malformed; names the file, the 1-based line and the column.

    ``message`` is an English template marked with ``gettext_noop``; ``params`` fill its
    ``%(name)s`` placeholders. ``reason`` is the filled-in English text.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        line: int,
        column: str | None,
        message: str,
        params: Mapping[str, object] | None = None,
    ):
        self.path = str(path)
        self.line = line
        self.column = column
        self.template = message
        self.params: dict[str, object] = dict(params or {})
        message = message % self.params if self.params else message
        self.reason = message
        where = f"{self.path}, line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


def parse_id(text: str) -> PolisId:
    """An id as written: canonical decimal integers become int, everything else stays str."""
    body = text[1:] if text.startswith("-") else text
    if body.isdigit() and body.isascii() and (text == "0" or not body.startswith("0")):
        return int(text)
    return text


def _id_or_error(text: str, path: Path, line: int, column: str) -> PolisId:
    if text == "":
        raise PolisFormatError(path, line, column, gettext_noop("empty id"))
    return parse_id(text)


def _int_or_error(text: str, path: Path, line: int, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PolisFormatError(
            path,
            line,
            column,
            gettext_noop("expected an integer, got %(value)s"),
            {"value": repr(text)},
        ) from None


@dataclass(frozen=True)
class Comment:
    id: PolisId
    author_id: PolisId | None
    timestamp: int | None
    datetime: str
    agrees: int
    disagrees: int
    moderated: int
    body: str


@dataclass
class VoteLog:
    """The votes.csv event log, columnar. ``voter_idx``/``comment_idx`` index the id tables."""

    timestamp: npt.NDArray[np.int64]
    voter_idx: npt.NDArray[np.int32]
    comment_idx: npt.NDArray[np.int32]
    vote: npt.NDArray[np.int8]
    voter_ids: list[PolisId]
    comment_ids: list[PolisId]
    datetime: list[str] | None = None

    def __len__(self) -> int:
        return int(self.vote.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VoteLog):
            return NotImplemented
        return list(self.records()) == list(other.records())

    __hash__ = None  # type: ignore[assignment]

    def records(self) -> Iterator[tuple[int, str, PolisId, PolisId, int]]:
        """Rows as (timestamp, datetime, comment id, voter id, vote), in file order."""
        dts = self.datetime if self.datetime is not None else [""] * len(self)
        vid, cid = self.voter_ids, self.comment_ids
        for t, d, c, v, x in zip(
            self.timestamp.tolist(),
            dts,
            self.comment_idx.tolist(),
            self.voter_idx.tolist(),
            self.vote.tolist(),
            strict=True,
        ):
            yield t, d, cid[c], vid[v], x

    def latest(self) -> VoteLog:
        """One vote per (voter, comment): the latest timestamp wins, ties go to the later line."""
        n = len(self)
        if n == 0:
            return self
        ncom = max(len(self.comment_ids), 1)
        key = self.voter_idx.astype(np.int64) * ncom + self.comment_idx
        if n < 2 or bool(np.all(self.timestamp[1:] >= self.timestamp[:-1])):
            order = np.argsort(key, kind="stable")  # log already in time order: one sort
        else:  # lexsort: last key is primary; row order breaks timestamp ties
            order = np.lexsort((np.arange(n), self.timestamp, key))
        sk = key[order]
        last = np.ones(n, dtype=bool)
        last[:-1] = sk[1:] != sk[:-1]
        keep = np.sort(order[last])  # keep file order of the surviving events
        return VoteLog(
            timestamp=self.timestamp[keep],
            voter_idx=self.voter_idx[keep],
            comment_idx=self.comment_idx[keep],
            vote=self.vote[keep],
            voter_ids=self.voter_ids,
            comment_ids=self.comment_ids,
            datetime=None if self.datetime is None else [self.datetime[i] for i in keep.tolist()],
        )


@dataclass
class ParticipantRecord:
    id: PolisId
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: dict[PolisId, int] = field(default_factory=dict)
    xid: str | None = None


@dataclass
class PolisExport:
    comments: list[Comment]
    votes: VoteLog | None = None
    participants: list[ParticipantRecord] | None = None
    participant_columns: list[PolisId] = field(default_factory=list)
    has_xid: bool = False

    def moderated_out(self) -> set[PolisId]:
        return {c.id for c in self.comments if c.moderated == -1}

    def final_votes(self) -> VoteLog:
        """Current votes, one per (voter, comment): votes.csv, else participants-votes.csv."""
        if self.votes is not None:
            return self.votes.latest()
        return votes_from_participants(self.participants or [], self.participant_columns)

    def polis_groups(self) -> dict[PolisId, int]:
        """Polis's own group-id per participant (only those it clustered)."""
        return {p.id: p.group_id for p in self.participants or [] if p.group_id is not None}


def votes_from_participants(
    participants: Sequence[ParticipantRecord], columns: Sequence[PolisId]
) -> VoteLog:
    col_index = {c: i for i, c in enumerate(columns)}
    vi: list[int] = []
    ci: list[int] = []
    vv: list[int] = []
    for i, p in enumerate(participants):
        for c, v in p.votes.items():
            vi.append(i)
            ci.append(col_index[c])
            vv.append(v)
    return VoteLog(
        timestamp=np.zeros(len(vv), dtype=np.int64),
        voter_idx=np.asarray(vi, dtype=np.int32),
        comment_idx=np.asarray(ci, dtype=np.int32),
        vote=np.asarray(vv, dtype=np.int8),
        voter_ids=[p.id for p in participants],
        comment_ids=list(columns),
    )


# ---------------------------------------------------------------- reading


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the 1-based line on which each record starts (bodies may span lines)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        start = 1
        try:
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise PolisFormatError(
                path,
                reader.line_num,
                None,
                gettext_noop("CSV syntax: %(error)s"),
                {"error": str(exc)},
            ) from None


def _check_header(path: Path, header: list[str], required: Iterable[str]) -> dict[str, int]:
    index = {name: i for i, name in enumerate(header)}
    for name in required:
        if name not in index:
            raise PolisFormatError(path, 1, name, gettext_noop("missing column in header"))
    return index


def _check_width(path: Path, line: int, row: list[str], header: list[str]) -> None:
    if len(row) != len(header):
        col = header[len(row)] if len(row) < len(header) else f"#{len(row)}"
        raise PolisFormatError(
            path,
            line,
            col,
            gettext_noop("expected %(expected)s fields, found %(found)s"),
            {"expected": len(header), "found": len(row)},
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


_REQUIRED_VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")


def _numpy(chunks: Iterable[pa.Array], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """The values of null-free arrow arrays as one NumPy array (a copy). Not Array.to_numpy:
    it imports pandas when installed (about 50 MB for this process)."""
    size = np.dtype(dtype).itemsize
    parts = [
        np.frombuffer(a.buffers()[1], dtype=dtype, count=len(a), offset=a.offset * size)
        for a in chunks
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def _arrow_ids(column: pa.ChunkedArray) -> tuple[list[PolisId], npt.NDArray[np.int32]] | None:
    """Ids from a dictionary-encoded column (one dictionary for all chunks), in first-appearance
    order as the careful reader numbers them."""
    texts = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    if "" in texts:
        return None  # the careful reader names the line
    codes: npt.NDArray[np.int32] = _numpy((c.indices for c in column.chunks), np.int32)
    if codes.shape[0] == 0:
        return [], codes
    # Usually the dictionary is already in first-appearance order: each code is at most one
    # above every code before it. Checking is one pass; renumbering needs a sort.
    running = np.maximum.accumulate(codes)
    if codes[0] == 0 and bool(np.all(codes[1:] <= running[:-1] + 1)):
        return [parse_id(t) for t in texts[: int(running[-1]) + 1]], codes
    present, first = np.unique(codes, return_index=True)
    order = present[np.argsort(first, kind="stable")]
    rank = np.zeros(len(texts), dtype=np.int32)
    rank[order] = np.arange(order.shape[0], dtype=np.int32)
    return [parse_id(texts[i]) for i in order.tolist()], rank[codes]


def _scan(path: Path) -> tuple[bool, bool]:
    """(whether the whole file decodes as UTF-8, whether "0x"/"0X" occurs in it). The careful
    reader decodes every byte, read or not; pyarrow's integer parser alone reads "0x10" as 16."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    hex_marker, last = False, b""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            window = last + block
            hex_marker = hex_marker or b"0x" in window or b"0X" in window
            last = block[-1:]
            if not block.isascii() or decoder.getstate()[0]:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    return False, hex_marker
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, hex_marker
    return True, hex_marker


def _read_votes_arrow(path: Path, keep_datetime: bool) -> VoteLog | None:
    """votes.csv through pyarrow's columnar CSV reader; None when the careful reader must decide
    (pyarrow missing, a parse error, an odd header, a value the careful reader might reject)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency; stay correct without it
        return None
    try:
        utf8, hex_marker = _scan(path)
        if not utf8:
            return None  # the careful reader reports undecodable bytes
        with open(path, "rb") as fh:
            first = fh.readline().removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
        header = first.decode("utf-8").split(",")
        if (
            b'"' in first
            or b"\r" in first  # old Mac line ends: leave them to the careful reader
            or len(set(header)) != len(header)
            or not set(_REQUIRED_VOTE_COLUMNS) <= set(header)
        ):
            return None
        with_dt = keep_datetime and "datetime" in header
        ids = pa.dictionary(pa.int32(), pa.string())
        types = {
            # Text only when the file has "0x": then each value is checked to be decimal.
            "timestamp": pa.string() if hex_marker else pa.int64(),
            "comment-id": ids,
            "voter-id": ids,
            "vote": ids,
            "datetime": pa.string(),
        }
        wanted = [*_REQUIRED_VOTE_COLUMNS, *(["datetime"] if with_dt else [])]
        # reef consensus analyze makes this malloc (ARROW_DEFAULT_MEMORY_POOL=system): the
        # parse buffers are then given back below (malloc_trim) before the analysis allocates.
        pool = pa.default_memory_pool()
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            memory_pool=pool,
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={k: types[k] for k in wanted},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if table.num_rows == 0:
            return None
        table = table.unify_dictionaries(memory_pool=pool)
        ts_col = table.column("timestamp")
        if hex_marker:
            import pyarrow.compute as pc  # only here: its import costs ~14 MB

            trimmed = pc.utf8_ltrim(ts_col, characters="-", memory_pool=pool)
            if not pc.all(pc.ascii_is_decimal(trimmed)).as_py():
                return None
            if pc.any(pc.starts_with(ts_col, pattern="--")).as_py():
                return None
            del trimmed
            ts_col = pc.cast(ts_col, pa.int64(), memory_pool=pool)
        timestamp: npt.NDArray[np.int64] = _numpy(ts_col.chunks, np.int64)
        del ts_col
        vote_col = table.column("vote")
        values = vote_col.chunk(0).dictionary.to_pylist()
        if not set(values) <= _VALID_VOTES.keys():
            return None
        lut = np.array([_VALID_VOTES[v] for v in values], dtype=np.int8)
        vote = lut[_numpy((c.indices for c in vote_col.chunks), np.int32)]
        voters = _arrow_ids(table.column("voter-id"))
        comments = _arrow_ids(table.column("comment-id"))
        if voters is None or comments is None:
            return None
        dts = table.column("datetime").to_pylist() if with_dt else None
        del table
        pool.release_unused()  # give the parse buffers back: the analysis allocates next
    except (OSError, UnicodeDecodeError, ValueError, OverflowError, pa.ArrowException):
        return None
    return VoteLog(
        timestamp=timestamp,
        voter_idx=voters[1],
        comment_idx=comments[1],
        vote=vote,
        voter_ids=voters[0],
        comment_ids=comments[0],
        datetime=dts,
    )


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

        ts_raw = column("timestamp")
        try:
            ts_parts.append(np.array(list(map(int, ts_raw)), dtype=np.int64))
        except ValueError:
            for ln, t in zip(lines, ts_raw, strict=True):
                _int_or_error(t, path, ln, "timestamp")
            raise
        vote_raw = column("vote")
        vote_list = list(map(_VALID_VOTES.get, vote_raw))
        if None in vote_list:
            i = vote_list.index(None)
            raise PolisFormatError(
                path,
                lines[i],
                "vote",
                gettext_noop("must be 1, -1 or 0, got %(value)s"),
                {"value": repr(vote_raw[i])},
            )
        vote_parts.append(np.array(vote_list, dtype=np.int8))
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


# ---------------------------------------------------------------- writing


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
