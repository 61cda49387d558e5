"""What the matching engine does with bad input: one error naming the file, the JSON path
and what was expected, and no result (pure Python: run with `pytest -p no:django`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reef.experts.matching import (
    MatchingInputError,
    load_json_file,
    match_reviewers,
    match_team,
    run_cli,
)
from reef.experts.tests.matching_cases import mission, reviewers_input, team_pool


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d["reviewers"][1].update(max_load=-1), "reviewers[1].max_load", "non-negative"),
        (lambda d: d["reviewers"][0].update(max_load=True), "reviewers[0].max_load", "integer"),
        (lambda d: d["proposals"][0].pop("needs"), "proposals[0].needs", "required"),
        (lambda d: d["affinity"][2].update(score="x"), "affinity[2].score", "number"),
        (lambda d: d["affinity"][1].update(reviewer="zz"), "affinity[1].reviewer", "unknown"),
        (lambda d: d["affinity"].append(dict(d["affinity"][0])), "affinity[4]", "duplicate"),
        (lambda d: d.update(objective="best"), "objective", "total"),
        (
            lambda d: d.update(conflicts=[{"proposal": "p9", "reviewer": "r0"}]),
            "conflicts[0].proposal",
            "unknown",
        ),
        (lambda d: d["reviewers"][1].update(id="r0"), "reviewers[1].id", "duplicate"),
        # An unknown key is reported on the object that has it, naming the key.
        (lambda d: d.update(extra=1), "", "unknown key ('extra'"),
        # Fast-path surprises must still name the exact record.
        (lambda d: d["affinity"][3].update(score=True), "affinity[3].score", "number"),
        (lambda d: d["affinity"][3].update(score=float("nan")), "affinity[3].score", "finite"),
        (lambda d: d["affinity"].__setitem__(1, ["p0", "r0", 1]), "affinity[1]", "object"),
        (lambda d: d["affinity"][2].update(proposal=["p0"]), "affinity[2].proposal", "string"),
        (lambda d: d["affinity"][0].pop("score"), "affinity[0].score", "required"),
        (lambda d: d.update(conflicts=["ab"]), "conflicts[0]", "object"),
        (
            lambda d: d.update(declined=[{"proposal": "p0", "reviewer": "r0", "why": 1}]),
            "declined[0]",
            "unknown key ('why'",
        ),
    ],
)
def test_invalid_reviewer_input(mutate: Any, path: str, message: str) -> None:
    data = reviewers_input([[0.1, 0.2], [0.3, 0.4]], needs=[1, 1], loads=[1, 1])
    mutate(data)
    with pytest.raises(MatchingInputError) as err:
        match_reviewers(data)
    assert err.value.path == path
    assert message in str(err.value)


def test_run_cli_and_load_errors(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    data = reviewers_input([[0.5]], needs=[1], loads=[1])
    path.write_text(json.dumps(data))
    assert run_cli("reviewers", str(path))["total"] == 0.5
    path.write_text("{nope")
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        run_cli("reviewers", str(path))
    with pytest.raises(MatchingInputError, match="unknown kind"):
        run_cli("papers", str(path))


def test_load_json_file_errors(tmp_path: Any) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"proposals": [],\n  "reviewers": [}')
    with pytest.raises(MatchingInputError, match=r"not valid JSON \(line 2, column"):
        load_json_file(path)
    path.write_text('{"score": NaN}')  # strict JSON: NaN is not a JSON value
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        load_json_file(path)
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(MatchingInputError, match="not valid JSON"):
        load_json_file(path)
    path.write_text("[1, 2]")
    with pytest.raises(MatchingInputError, match="top level must be a JSON object"):
        load_json_file(path)
    with pytest.raises(MatchingInputError, match="cannot read"):
        load_json_file(tmp_path / "missing.json")
    path.write_text('{"a": [1, 2.5, "x"], "b": {"c": null}}')
    assert load_json_file(str(path)) == {"a": [1, 2.5, "x"], "b": {"c": None}}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["experts"][0].pop("availability"), "experts[0].availability"),
        (lambda d: d["experts"][1].update(seniority="guru"), "experts[1].seniority"),
        (lambda d: d["missions"][0].update(end="2026-01-01"), "missions[0].end"),
        (lambda d: d["missions"][0].update(start="March"), "missions[0].start"),
        (lambda d: d["missions"][0].update(size=0), "missions[0].size"),
        (lambda d: d["experts"][2].update(conflicts={"people": []}), "experts[2].conflicts"),
    ],
)
def test_invalid_team_input(mutate: Any, path: str) -> None:
    data = {"missions": [mission("m1")], "experts": team_pool()}
    mutate(data)
    with pytest.raises(MatchingInputError) as err:
        match_team(data)
    assert err.value.path == path


def test_every_problem_is_reported_at_once_with_the_file_name(tmp_path: Any) -> None:
    data = reviewers_input([[0.1, 0.2], [0.3, 0.4]], needs=[1, 1], loads=[1, 1])
    data["proposals"][0]["needs"] = -1
    data["reviewers"][1]["max_load"] = "two"
    data["objective"] = "best"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data))
    with pytest.raises(MatchingInputError) as err:
        run_cli("reviewers", str(path))
    assert [(p.file, p.path, p.message) for p in err.value.problems] == [
        (str(path), "objective", 'must be "total" or "fair"'),
        (str(path), "proposals[0].needs", "must be a non-negative integer"),
        (str(path), "reviewers[1].max_load", "must be a non-negative integer"),
    ]
    assert str(err.value).splitlines()[0] == f'{path}: objective: must be "total" or "fair"'
    # The first problem is also the error's own file, path and message.
    assert (err.value.file, err.value.path, err.value.problem) == (
        str(path),
        "objective",
        'must be "total" or "fair"',
    )


def test_matching_input_error_is_an_import_file_error() -> None:
    from reef.core.validation import ImportFileError

    with pytest.raises(ImportFileError) as err:
        match_team({"missions": [mission("m1", start="2026-02-30")], "experts": team_pool()})
    assert isinstance(err.value, MatchingInputError)
    assert err.value.path == "missions[0].start"
    assert err.value.message == "must be an ISO date (YYYY-MM-DD)"
    assert str(err.value) == "<data>: missions[0].start: must be an ISO date (YYYY-MM-DD)"


def test_checks_beyond_the_schema_are_reported_together() -> None:
    data = {
        "missions": [mission("m1", end="2026-01-01", roles={"technical": 4})],
        "experts": [*team_pool(), {**team_pool()[0]}],
    }
    with pytest.raises(MatchingInputError) as err:
        match_team(data)
    assert [(p.path, p.message) for p in err.value.problems] == [
        ("experts[8].id", "duplicate id 'tech-a'")
    ]
    data["experts"].pop()
    data["experts"][1]["seniority"] = "guru"
    with pytest.raises(MatchingInputError) as err:
        match_team(data)
    assert [(p.path, p.message) for p in err.value.problems] == [
        ("experts[1].seniority", "must be one of nascent, junior, mid, senior, principal"),
        ("missions[0].end", "must not be before start"),
        ("missions[0].roles", "needs more experts than size (3)"),
    ]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        # Integers are JSON integers: 1.0 is not a count, true is not a number.
        ({"needs": 1.0}, "proposals[0].needs", "must be a non-negative integer"),
        ({"time_limit": True}, "time_limit", "must be a finite number"),
        ({"time_limit": float("inf")}, "time_limit", "must be a finite number"),
        ({"time_limit": 0}, "time_limit", "must be positive"),
        ({"id": ""}, "proposals[0].id", "must not be empty"),
        ({"affinity_matrix": [[0.5, 0.5], [0.5, 0.5]]}, "affinity_matrix", "give either"),
    ],
)
def test_schema_rules_that_were_code_before(data: dict[str, Any], path: str, message: str) -> None:
    base = reviewers_input([[0.1, 0.2], [0.3, 0.4]], needs=[1, 1], loads=[1, 1])
    proposal = {k: data.pop(k) for k in ("needs", "id") if k in data}
    base["proposals"][0].update(proposal)
    base.update(data)
    with pytest.raises(MatchingInputError) as err:
        match_reviewers(base)
    assert err.value.path == path
    assert message in err.value.problem


def test_texts_are_checked_only_when_they_are_used() -> None:
    # With affinities given, the texts are not read (as before the schema).
    data = reviewers_input([[0.5]], needs=[1], loads=[1])
    data["proposals"][0]["text"] = 7
    data["affinity_method"] = "word2vec"
    assert match_reviewers(data)["total"] == 0.5
    del data["affinity"]
    with pytest.raises(MatchingInputError) as err:
        match_reviewers(data)
    assert [(p.path, p.message) for p in err.value.problems] == [
        ("affinity_method", 'must be "tfidf" or "bm25"'),
        ("proposals[0].text", "must be a string"),
    ]


def test_affinity_matrix_rows_are_checked() -> None:
    data = reviewers_input([[0.5, 0.5]], needs=[1], loads=[1, 1])
    del data["affinity"]
    for rows, path, message in [
        ("dense", "affinity_matrix", "must be a list"),
        ([[0.5]], "affinity_matrix[0]", "must be a list of 2 numbers (one per reviewer)"),
        ([[0.5, "x"]], "affinity_matrix[0][1]", "must be a finite number"),
        ([0.5], "affinity_matrix[0]", "must be a list of numbers (one per reviewer)"),
        ([[0.5, 0.5], [0.1, 0.1]], "affinity_matrix", "must have one row per proposal (1)"),
        ([[0.5, float("nan")]], "affinity_matrix[0][1]", "must be finite"),
    ]:
        with pytest.raises(MatchingInputError) as err:
            match_reviewers({**data, "affinity_matrix": rows})
        assert (err.value.path, err.value.problem) == (path, message)


def test_the_documented_examples_follow_the_schemas() -> None:
    from pathlib import Path

    from reef.core.validation import schema_problems
    from reef.experts.matching.validate import schema_validator

    docs = (Path(__file__).resolve().parents[3] / "docs" / "matching.md").read_text()
    blocks = [b.split("```")[0] for b in docs.split("```json\n")[1:]]
    inputs = [json.loads(b) for b in blocks if '"proposals"' in b or '"missions"' in b]
    assert len(inputs) == 2
    for data in inputs:
        kind = "reviewers" if "proposals" in data else "team"
        assert schema_problems(data, schema_validator(kind), "docs") == []


def test_a_bad_file_prints_a_clear_error_and_no_result(tmp_path: Any, capsys: Any) -> None:
    from reef.cli import _match

    path = tmp_path / "team.json"
    path.write_text(json.dumps({"missions": [mission("m1", size=0)], "experts": team_pool()}))
    assert _match(["team", str(path), "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"CommandError: {path}: missions[0].size: must be a positive integer\n"
