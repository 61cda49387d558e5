"""The columnar (pyarrow) votes.csv reader gives exactly the careful reader's answers and errors;
participants-votes.csv is read only when needed."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from reef.consultations import polis_io
from reef.consultations.polis_io import (
    PolisFormatError,
    VoteLog,
    read_export,
    read_participant_groups,
    read_participants,
    read_votes,
    read_votes_careful,
)

DATA = Path(__file__).resolve().parent / "data" / "polis"
CONVERSATIONS = sorted(p.name for p in DATA.iterdir() if (p / "votes.csv").is_file())
HEADER = "timestamp,datetime,comment-id,voter-id,vote"


def same(a: VoteLog, b: VoteLog) -> None:
    for name in ("timestamp", "voter_idx", "comment_idx", "vote"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y), name
    assert a.voter_ids == b.voter_ids
    assert a.comment_ids == b.comment_ids
    assert [type(v) for v in a.voter_ids] == [type(v) for v in b.voter_ids]
    assert a.datetime == b.datetime


def fast(path: Path, keep_datetime: bool = True) -> VoteLog:
    log = polis_io._read_votes_arrow(path, keep_datetime)
    assert log is not None, "the columnar reader should have read this file"
    return log


@pytest.mark.parametrize("name", CONVERSATIONS)
@pytest.mark.parametrize("keep_datetime", [True, False])
def test_fast_reader_equals_careful_reader_on_shipped_conversations(
    name: str, keep_datetime: bool
) -> None:
    path = DATA / name / "votes.csv"
    same(fast(path, keep_datetime), read_votes_careful(path, keep_datetime))


def _random_votes(rng: random.Random) -> str:
    """A votes.csv with the shapes real exports take: int or string ids (leading zeros, letters,
    quoted), repeated votes, time out of order, CRLF or LF, a BOM, blank lines, extra columns."""
    n_voters, n_comments = rng.randint(1, 40), rng.randint(1, 15)

    def ident(i: int, kind: str) -> str:
        if kind == "int":
            return str(i)
        if kind == "mixed":
            return rng.choice([str(i), f"0{i}", f"u{i}", f"-{i}", f'"{i}"'])
        return f"id{i}"

    vkind = rng.choice(["int", "int", "mixed", "str"])
    ckind = rng.choice(["int", "int", "mixed"])
    voters = [ident(i, vkind) for i in rng.sample(range(10_000), n_voters)]
    comments = [ident(i, ckind) for i in rng.sample(range(500), n_comments)]
    extra = rng.random() < 0.3
    header = HEADER + (",extra" if extra else "")
    if rng.random() < 0.3:  # columns in another order
        names = header.split(",")
        rng.shuffle(names)
        header = ",".join(names)
    names = header.split(",")
    lines = [header]
    for _ in range(rng.randint(1, 400)):
        t = rng.choice([rng.randint(0, 10**13), rng.randint(0, 50)])
        row = {
            "timestamp": str(t),
            "datetime": rng.choice(["", "Mon Jan 01 2024", '"Tue, 2 Jan"']),
            "comment-id": rng.choice(comments),
            "voter-id": rng.choice(voters),
            "vote": rng.choice(["1", "-1", "0"]),
            "extra": rng.choice(["", "x", "1.5"]),
        }
        lines.append(",".join(row[n] for n in names))
        if rng.random() < 0.02:
            lines.append("")
    eol = rng.choice(["\n", "\r\n"])
    text = eol.join(lines) + (eol if rng.random() < 0.8 else "")
    return ("\ufeff" if rng.random() < 0.2 else "") + text


@pytest.mark.parametrize("seed", range(60))
def test_fast_reader_equals_careful_reader_on_random_files(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "votes.csv"
    path.write_text(_random_votes(rng), encoding="utf-8", newline="")
    keep = rng.random() < 0.5
    careful = read_votes_careful(path, keep)
    same(read_votes(path, keep), careful)
    got = polis_io._read_votes_arrow(path, keep)
    if got is not None:  # a file it declines goes to the careful reader, as checked above
        same(got, careful)


BAD_FILES = {
    "bad vote": (f"{HEADER}\n1,d,1,1,1\n2,d,1,2,maybe\n", r"line 3, column 'vote'"),
    "vote with a plus": (f"{HEADER}\n1,d,1,1,1\n2,d,1,2,+1\n", r"line 3, column 'vote'"),
    "hex timestamp": (f"{HEADER}\n1,d,1,1,1\n0x5,d,1,2,1\n", r"line 3, column 'timestamp'"),
    "empty timestamp": (f"{HEADER}\n1,d,1,1,1\n,d,1,2,1\n", r"line 3, column 'timestamp'"),
    "short row": (f"{HEADER}\n1,d,1,1,1\n2,d,1,2\n", r"line 3, column 'vote'"),
    "long row": (f"{HEADER}\n1,d,1,1,1\n2,d,1,2,1,9\n", r"line 3, column '#6'"),
    "empty voter": (f"{HEADER}\n1,d,1,1,1\n2,d,1,,1\n", r"line 3, column 'voter-id'"),
    "missing column": ("timestamp,datetime,comment-id,vote\n1,d,1,1\n", r"column 'voter-id'"),
    "empty file": ("", r"line 1: empty file"),
    "quoted bad vote": (f'{HEADER}\n1,"d, e",1,1,1\n2,d,1,2,"x"\n', r"line 3, column 'vote'"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_files_keep_the_careful_line_and_column_error(tmp_path: Path, case: str) -> None:
    text, where = BAD_FILES[case]
    path = tmp_path / "votes.csv"
    path.write_text(text, encoding="utf-8")
    assert polis_io._read_votes_arrow(path, True) is None
    with pytest.raises(PolisFormatError, match=where) as fast_error:
        read_votes(path)
    with pytest.raises(PolisFormatError) as careful_error:
        read_votes_careful(path)
    assert str(fast_error.value) == str(careful_error.value)


def test_undecodable_bytes_fail_as_before(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_bytes(f"{HEADER}\n1,\xff,1,1,1\n".encode("latin-1"))
    assert polis_io._read_votes_arrow(path, False) is None
    with pytest.raises(UnicodeDecodeError):
        read_votes(path, keep_datetime=False)


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    same(read_votes(path), read_votes_careful(path))
    assert len(read_votes(path)) == 0


def test_analysis_reads_participants_only_when_votes_are_missing(tmp_path: Path) -> None:
    source = DATA / "london.youth.policing"
    for name in ("comments.csv", "votes.csv"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    # A broken participants file proves it is not read when votes.csv is there.
    (tmp_path / "participants-votes.csv").write_text("not,a,polis,file\n", encoding="utf-8")
    export = read_export(tmp_path, keep_datetime=False, participants="if_needed")
    assert export.participants is None
    assert len(export.final_votes()) == len(read_export(source).final_votes())
    with pytest.raises(PolisFormatError, match=r"participants-votes\.csv: line 1"):
        read_export(tmp_path)  # the default still reads (and checks) every file

    (tmp_path / "votes.csv").unlink()
    (tmp_path / "participants-votes.csv").write_bytes(
        (source / "participants-votes.csv").read_bytes()
    )
    export = read_export(tmp_path, keep_datetime=False, participants="if_needed")
    assert export.participants is not None


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_participant_groups_read_two_columns_with_the_same_answer(name: str) -> None:
    path = DATA / name / "participants-votes.csv"
    records, _, _ = read_participants(path)
    expected = {p.id: p.group_id for p in records if p.group_id is not None}
    assert expected
    assert polis_io._participant_groups_arrow(path) == expected
    assert read_participant_groups(path) == expected


def test_participant_groups_errors_come_from_the_careful_reader(tmp_path: Path) -> None:
    path = tmp_path / "participants-votes.csv"
    path.write_text(
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1\n0,x,0,1,1,0,1\n",
        encoding="utf-8",
    )
    with pytest.raises(PolisFormatError, match=r"line 2, column 'group-id'"):
        read_participant_groups(path)
    path.write_text("participant,group,n-comments\n", encoding="utf-8")
    with pytest.raises(PolisFormatError, match=r"line 1, column 'group-id'"):
        read_participant_groups(path)


def test_multibyte_character_across_read_blocks(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    head = f"{HEADER}\n"
    row = "1,d,1,1,1\n"
    filler = row * (((1 << 20) - 100) // len(row))
    pad = (1 << 20) - len(head) - len(filler) - len("1,") - 1  # "é" starts one byte early
    text = head + filler + "1," + "x" * pad + "é,2,2,-1\n"
    path.write_text(text, encoding="utf-8")
    assert path.read_bytes()[(1 << 20) - 1 : (1 << 20) + 1] == "é".encode()
    assert polis_io._scan(path)[0]
    same(fast(path), read_votes_careful(path))
    path.write_bytes(path.read_bytes()[: (1 << 20)] + b",2,2,-1\n")  # cut inside the "é"
    assert not polis_io._scan(path)[0]


def test_hex_looking_text_takes_the_checked_timestamp_path(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text(f"{HEADER}\n5,d,0x1f,0X2,1\n007,d,0x1f,3,-1\n-4,d,2,0X2,0\n", encoding="utf-8")
    assert polis_io._scan(path) == (True, True)
    same(fast(path), read_votes_careful(path))
    assert fast(path).comment_ids == ["0x1f", 2]
