"""votes.csv through pyarrow's columnar CSV reader (None whenever the careful reader must
decide)."""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

import numpy as np
import numpy.typing as npt

from reef.consultations.polis_io.records import _VALID_VOTES, PolisId, VoteLog, parse_id

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


def _header(path: Path) -> list[str] | None:
    """The names in the header line; None when the careful reader must read it (a quote, an old
    Mac line end, a repeated or missing column)."""
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
    return header


def _arrow_timestamps(
    ts_col: pa.ChunkedArray, hex_marker: bool, pool: pa.MemoryPool
) -> npt.NDArray[np.int64] | None:
    """The timestamp column as int64. Read as text when the file has "0x": then None unless
    every value is decimal. What it read is freed on return (peak memory is measured)."""
    if hex_marker:
        import pyarrow as pa
        import pyarrow.compute as pc  # only here: its import costs ~14 MB

        trimmed = pc.utf8_ltrim(ts_col, characters="-", memory_pool=pool)
        if not pc.all(pc.ascii_is_decimal(trimmed)).as_py():
            return None
        if pc.any(pc.starts_with(ts_col, pattern="--")).as_py():
            return None
        del trimmed
        ts_col = pc.cast(ts_col, pa.int64(), memory_pool=pool)
    timestamp: npt.NDArray[np.int64] = _numpy(ts_col.chunks, np.int64)
    return timestamp


def _arrow_votes(vote_col: pa.ChunkedArray) -> npt.NDArray[np.int8] | None:
    """The vote column as -1/0/1; None when a value is not a vote (the careful reader says so)."""
    values = vote_col.chunk(0).dictionary.to_pylist()
    if not set(values) <= _VALID_VOTES.keys():
        return None
    lut = np.array([_VALID_VOTES[v] for v in values], dtype=np.int8)
    vote: npt.NDArray[np.int8] = lut[_numpy((c.indices for c in vote_col.chunks), np.int32)]
    return vote


def _read_table(path: Path, with_dt: bool, hex_marker: bool, pool: pa.MemoryPool) -> pa.Table:
    """The columns the vote log needs, ids dictionary-encoded, nothing null."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

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
    return pacsv.read_csv(
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


def _read_votes_arrow(path: Path, keep_datetime: bool) -> VoteLog | None:
    """votes.csv through pyarrow's columnar CSV reader; None when the careful reader must decide
    (pyarrow missing, a parse error, an odd header, a value the careful reader might reject)."""
    try:
        import pyarrow as pa
        import pyarrow.csv  # for _read_table; without it the careful reader reads the file
    except ImportError:  # pragma: no cover - pyarrow is a dependency; stay correct without it
        return None
    try:
        utf8, hex_marker = _scan(path)
        if not utf8:
            return None  # the careful reader reports undecodable bytes
        header = _header(path)
        if header is None:
            return None
        with_dt = keep_datetime and "datetime" in header
        # reef consensus analyze makes this malloc (ARROW_DEFAULT_MEMORY_POOL=system): the
        # parse buffers are then given back below (malloc_trim) before the analysis allocates.
        pool = pa.default_memory_pool()
        table = _read_table(path, with_dt, hex_marker, pool)
        if table.num_rows == 0:
            return None
        table = table.unify_dictionaries(memory_pool=pool)
        timestamp = _arrow_timestamps(table.column("timestamp"), hex_marker, pool)
        if timestamp is None:
            return None
        vote = _arrow_votes(table.column("vote"))
        if vote is None:
            return None
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
