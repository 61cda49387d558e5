"""Polis export reading/writing: formats, latest-vote rule, round trips, error locations."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reef.consultations.polis_io import (
    PolisExport,
    PolisFormatError,
    parse_id,
    read_comments,
    read_export,
    read_participants,
    read_votes,
    write_export,
)
from reef.core.validation import ImportFileError, Problem

DATA = Path(__file__).resolve().parent / "data" / "polis"  # copies, CC BY 4.0 (see ATTRIBUTION.md)
SMALL = ["london.youth.policing", "15-per-hour-seattle", "scoop-hivemind.freshwater"]

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1,Mon,1,10,2,0,1,"Body, with a comma\nand a second line"\n'
    "2,Mon,2,10,0,1,-1,moderated out\n"
    "3,Mon,x7,11,0,0,0,string id\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "100,d,1,10,1\n"
    "300,d,1,10,-1\n"  # later change wins
    "200,d,1,10,0\n"  # earlier timestamp further down: does not win
    "100,d,2,11,0\n"
    "150,d,x7,011,1\n"  # leading zero: kept as a string id
    "150,d,x7,011,-1\n"  # same timestamp: the later line wins
)


def write(folder: Path, comments: str = COMMENTS, votes: str | None = VOTES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comments.csv").write_text(comments)
    if votes is not None:
        (folder / "votes.csv").write_text(votes)
    return folder


def test_parse_id_keeps_form() -> None:
    assert parse_id("12") == 12
    assert parse_id("0") == 0
    assert parse_id("-3") == -3
    assert parse_id("012") == "012"
    assert parse_id("p12") == "p12"
    assert parse_id("+1") == "+1"
    assert parse_id("-0") == "-0"


def test_read_small_folder(tmp_path: Path) -> None:
    exp = read_export(write(tmp_path))
    assert [c.id for c in exp.comments] == [1, 2, "x7"]
    assert exp.comments[0].body == "Body, with a comma\nand a second line"
    assert exp.moderated_out() == {2}
    assert exp.votes is not None and len(exp.votes) == 6
    latest = sorted(
        (p, c, v) for _, _, c, p, v in exp.final_votes().records() if isinstance(p, int)
    )
    assert latest == [(10, 1, -1), (11, 2, 0)]
    rec = [r for r in exp.final_votes().records() if r[3] == "011"]
    assert rec == [(150, "d", "x7", "011", -1)]


def test_round_trip_small(tmp_path: Path) -> None:
    exp = read_export(write(tmp_path / "a"))
    write_export(exp, tmp_path / "b")
    again = read_export(tmp_path / "b")
    assert again.comments == exp.comments
    assert again.votes == exp.votes
    # participants-votes.csv was derived from the votes (no such file in the input).
    assert again.participants is not None
    by_id = {p.id: p for p in again.participants}
    assert by_id[10].votes == {1: -1} and by_id[10].n_disagree == 1
    assert by_id["011"].votes == {"x7": -1}
    write_export(again, tmp_path / "c")
    third = read_export(tmp_path / "c")
    assert third.participants == again.participants
    assert third.participant_columns == again.participant_columns


@pytest.mark.parametrize("name", SMALL)
def test_round_trip_real(tmp_path: Path, name: str) -> None:
    exp = read_export(DATA / name)
    write_export(exp, tmp_path)
    again = read_export(tmp_path)
    assert again.comments == exp.comments
    assert again.votes == exp.votes
    assert again.participants == exp.participants
    assert again.participant_columns == exp.participant_columns
    assert again.has_xid == exp.has_xid
    # Numeric ids come back as ints, written without quotes or decimals.
    assert all(isinstance(c.id, int) for c in again.comments)
    first = (tmp_path / "votes.csv").read_text().splitlines()[1]
    assert first == (DATA / name / "votes.csv").read_text().splitlines()[1]


def test_latest_vote_counts_match_readme() -> None:
    exp = read_export(DATA / "london.youth.policing")
    fv = exp.final_votes()
    assert len(fv) == 638 and len(fv.voter_ids) == 26
    # Same as participants-votes.csv, which Polis derives from the final votes.
    assert exp.participants is not None
    pv = {(p.id, c): v for p in exp.participants for c, v in p.votes.items()}
    lv = {(p, c): v for _, _, c, p, v in fv.records()}
    assert pv == lv


def test_participants_only_folder(tmp_path: Path) -> None:
    src = DATA / "london.youth.policing"
    (tmp_path / "comments.csv").write_text((src / "comments.csv").read_text())
    (tmp_path / "participants-votes.csv").write_text((src / "participants-votes.csv").read_text())
    exp = read_export(tmp_path)
    assert exp.votes is None
    assert len(exp.final_votes()) == 638


def expect_error(path: Path, line: int, column: str | None) -> Callable[[PolisFormatError], None]:
    def check(exc: PolisFormatError) -> None:
        assert exc.path == str(path)
        assert exc.line == line
        assert exc.column == column
        assert path.name in str(exc) and f"line {line}" in str(exc)

    return check


def test_bad_vote_value(tmp_path: Path) -> None:
    write(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,2\n")
    with pytest.raises(PolisFormatError) as e:
        read_export(tmp_path)
    expect_error(tmp_path / "votes.csv", 3, "vote")(e.value)


def test_bad_timestamp(tmp_path: Path) -> None:
    write(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\nnow,d,1,2,1\n")
    with pytest.raises(PolisFormatError) as e:
        read_votes(tmp_path / "votes.csv")
    expect_error(tmp_path / "votes.csv", 3, "timestamp")(e.value)


def test_wrong_field_count(tmp_path: Path) -> None:
    write(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n\n2,d,1,2\n")
    with pytest.raises(PolisFormatError) as e:
        read_votes(tmp_path / "votes.csv")
    expect_error(tmp_path / "votes.csv", 4, "vote")(e.value)


def test_quoted_votes_slow_path_errors(tmp_path: Path) -> None:
    write(tmp_path, votes='timestamp,datetime,comment-id,voter-id,vote\n1,"d",1,1,1\n2,"d",1,,1\n')
    with pytest.raises(PolisFormatError) as e:
        read_votes(tmp_path / "votes.csv")
    expect_error(tmp_path / "votes.csv", 3, "voter-id")(e.value)


def test_missing_header_column(tmp_path: Path) -> None:
    write(tmp_path, votes="timestamp,datetime,comment-id,voter,vote\n1,d,1,1,1\n")
    with pytest.raises(PolisFormatError) as e:
        read_votes(tmp_path / "votes.csv")
    expect_error(tmp_path / "votes.csv", 1, "voter-id")(e.value)


def test_bad_moderated_after_multiline_body(tmp_path: Path) -> None:
    bad = COMMENTS + "4,Mon,9,11,0,0,2,x\n"
    (tmp_path / "comments.csv").write_text(bad)
    with pytest.raises(PolisFormatError) as e:
        read_comments(tmp_path / "comments.csv")
    # The body of comment 1 spans two lines, so comment 9 starts on line 6.
    expect_error(tmp_path / "comments.csv", 6, "moderated")(e.value)


def test_duplicate_comment(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(COMMENTS + "4,Mon,2,11,0,0,1,again\n")
    with pytest.raises(PolisFormatError) as e:
        read_comments(tmp_path / "comments.csv")
    expect_error(tmp_path / "comments.csv", 6, "comment-id")(e.value)


def test_bad_participant_cell(tmp_path: Path) -> None:
    p = tmp_path / "participants-votes.csv"
    p.write_text(
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,2\n"
        "1,0,0,2,1,1,1,-1\n"
        "2,,0,1,1,0,1,yes\n"
    )
    with pytest.raises(PolisFormatError) as e:
        read_participants(p)
    expect_error(p, 3, "2")(e.value)


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError, match=r"comments\.csv"):
        read_export(tmp_path)
    write(tmp_path, votes=None)
    with pytest.raises(PolisFormatError, match="neither"):
        read_export(tmp_path)


def test_format_error_is_an_import_file_error(tmp_path: Path) -> None:
    write(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n1,d,1,1,1\n2,d,1,2,2\n")
    with pytest.raises(ImportFileError) as e:
        read_export(tmp_path)
    path = str(tmp_path / "votes.csv")
    assert isinstance(e.value, PolisFormatError)
    where, reason = "line 3, column 'vote'", "must be 1, -1 or 0, got '2'"
    assert e.value.problems == (Problem(path, where, reason),)
    assert str(e.value) == f"{path}: {where}: {reason}"
    assert (e.value.file, e.value.where, e.value.message) == (path, where, reason)
    assert e.value.path == path  # the file, as callers have always read it


def test_format_error_of_a_whole_file(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError) as e:
        read_export(tmp_path)
    missing = str(tmp_path / "comments.csv")
    assert str(e.value) == f"{missing}: file not found"
    assert (e.value.line, e.value.where) == (0, "")
    (tmp_path / "comments.csv").write_text("")
    with pytest.raises(PolisFormatError) as e:
        read_export(tmp_path)
    assert e.value.problems == (Problem(missing, "line 1", "empty file"),)


def test_participants_column_named_by_a_number_is_quoted(tmp_path: Path) -> None:
    p = tmp_path / "participants-votes.csv"
    p.write_text("participant,group-id,n-comments,n-votes,n-agree,n-disagree,7\n1,0,0,1,1,0,x\n")
    with pytest.raises(PolisFormatError, match=r"line 2, column '7': vote must be 1, -1, 0 or"):
        read_participants(p)


def test_export_dataclass_defaults() -> None:
    exp = PolisExport(comments=[])
    assert exp.moderated_out() == set()
    assert len(exp.final_votes()) == 0
    assert np.asarray(exp.final_votes().vote).shape == (0,)
