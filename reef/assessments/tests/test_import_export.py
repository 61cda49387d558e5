"""The `reef assessment import FILE` / `export ID --json` contract."""

from __future__ import annotations

import json
import tomllib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from jsonschema import Draft202012Validator

from reef.assessments import scoring, services
from reef.assessments.models import Assessment, Rating, RatingValue
from reef.assessments.services.imports import SCHEMA_PATH
from reef.assessments.tests.helpers import example_framework
from reef.core.errors import ServiceError
from reef.core.rules import OPERATOR_IMPORT
from reef.core.validation import ImportFileError, Problem
from reef.frameworks import selectors as framework_selectors

pytestmark = pytest.mark.django_db

DOC: dict[str, Any] = {
    "framework": "example-staged@0.1",
    "country": "GD",
    "cycle": "2025",
    "title": "Grenada 2025 (illustrative)",
    "tlp": "TLP:AMBER",
    "assessors": [{"id": "a1", "name": "Assessor One"}, {"id": "a2", "name": "Assessor Two"}],
    "ratings": [
        {"indicator": "P.1.a.2.1", "assessor": "a1", "value": "met", "evidence": "Mandate"},
        {"indicator": "P.1.a.2.1", "assessor": "a2", "value": "met", "evidence": ""},
        {"indicator": "P.1.a.3.1", "assessor": "a1", "value": "met", "evidence": ""},
        {"indicator": "P.1.a.3.1", "assessor": "a2", "value": "not_met", "evidence": ""},
        {"indicator": "S.1.2.1", "assessor": "a1", "value": "partial", "evidence": ""},
        {"indicator": "S.1.2.1", "assessor": "a2", "value": "na", "evidence": ""},
    ],
    "decisions": [{"indicator": "P.1.a.3.1", "value": "met", "note": "Cabinet minute seen."}],
    "targets": [{"aspect": "P.1.a", "stage": 4}, {"aspect": "S.1", "stage": 2}],
}


def _write(tmp_path: Path, doc: Any, name: str = "a.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _import(path: Path, *extra: str) -> int:
    out = StringIO()
    call_command("assessment", "import", str(path), *extra, stdout=out)
    return int(out.getvalue().strip())


def test_round_trip(users: dict[str, Any], tmp_path: Path) -> None:
    fw = example_framework()
    pk = _import(_write(tmp_path, DOC), "--as", users["coordinator"].email)
    a = Assessment.objects.get(pk=pk)
    assert a.imported and a.status == "complete" and a.tlp == "TLP:AMBER"
    assert a.external_assessors == {"a1": "Assessor One", "a2": "Assessor Two"}
    out = StringIO()
    call_command(
        "assessment", "export", str(pk), "--json", "--as", users["focal_point"].email, stdout=out
    )
    exported = json.loads(out.getvalue())
    expected = scoring.score(
        framework_selectors.parsed(fw),
        [(r["indicator"], r["assessor"], r["value"]) for r in DOC["ratings"]],
        {"P.1.a.3.1": "met"},
        {"P.1.a": 4, "S.1": 2},
        country="GD",
        cycle="2025",
    ).to_dict()
    # The result carries the assessment's label (a derivation never widens it).
    assert exported == {**expected, "tlp": "TLP:AMBER"}
    assert exported["disputed"] == ["S.1.2.1"]
    assert exported["aspects"][0] == {"key": "P.1.a", "stage": 3, "progress": 0.0, "target": 4}
    # The API gives the same JSON.
    from django.test import Client

    client = Client()
    client.force_login(users["focal_point"])
    assert client.get(f"/api/v1/assessments/{pk}/results").json() == exported


def test_clear_import_is_visible_to_anyone(world: None, tmp_path: Path) -> None:
    example_framework()
    pk = _import(_write(tmp_path, {**DOC, "tlp": "TLP:CLEAR"}))
    out = StringIO()
    call_command("assessment", "export", str(pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["cycle"] == "2025"


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in DOC.items() if k != key}


BAD: list[tuple[Any, str]] = [
    ("{not json", "a.json: invalid JSON"),
    ([1, 2], "must be a JSON object"),
    (_without("ratings"), "a.json: ratings: is required"),
    ({**DOC, "framework": "nope@1"}, "framework: no framework 'nope@1'"),
    ({**DOC, "country": "XX"}, "country: unknown ISO 3166 code 'XX'"),
    ({**DOC, "tlp": "TLP:PINK"}, "tlp: must be one of"),
    (
        {**DOC, "ratings": [{"indicator": "Q.1", "assessor": "a1", "value": "met"}]},
        "ratings[0].indicator: unknown indicator 'Q.1'",
    ),
    (
        {**DOC, "ratings": [{"indicator": "S.1.2.1", "assessor": "zz", "value": "met"}]},
        "ratings[0].assessor: 'zz' is not listed in assessors",
    ),
    (
        {**DOC, "ratings": [{"indicator": "S.1.2.1", "assessor": "a1", "value": "yes"}]},
        "ratings[0].value: must be one of met, partial",
    ),
    ({**DOC, "decisions": [{"indicator": "S.1.2.1", "value": "maybe"}]}, "decisions[0].value"),
    ({**DOC, "targets": [{"aspect": "P.1.a", "stage": 9}]}, "targets: target for 'P.1.a'"),
    ({**DOC, "targets": [{"aspect": "P.9", "stage": 2}]}, "unknown aspect 'P.9'"),
    ({**DOC, "assessors": [{"id": "a1"}, {"id": "a1"}]}, "duplicate assessor id"),
    ({**DOC, "assessors": "a1"}, "a.json: assessors: must be a list"),
    ({**DOC, "cycle": " "}, "a.json: cycle: is required"),
    ({**DOC, "cycle": True}, "a.json: cycle: must be a string or an integer"),
    (
        {**DOC, "ratings": [{"indicator": "S.1.2.1", "value": "met"}]},
        "a.json: ratings[0].assessor: is required",
    ),
    ({**DOC, "ratings": [["S.1.2.1", "a1", "met"]]}, "a.json: ratings[0]: must be an object"),
    ({**DOC, "targets": [{"aspect": "P.1.a"}]}, 'a.json: targets[0]: needs a "stage"'),
    ({**DOC, "targets": [{"aspect": "P.1.a", "stage": "3"}]}, "targets[0].stage: must be a number"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_bad_input_is_refused_and_changes_nothing(
    world: None, tmp_path: Path, doc: Any, message: str
) -> None:
    example_framework()
    with pytest.raises(CommandError) as err:
        _import(_write(tmp_path, doc))
    assert message in str(err.value)
    assert not Assessment.objects.exists() and not Rating.objects.exists()


def test_every_problem_is_reported_at_once(world: None) -> None:
    example_framework()
    doc = {
        **DOC,
        "tlp": "TLP:PINK",
        "ratings": [
            {"indicator": "Q.1", "assessor": "a1", "value": "met"},
            {"indicator": "S.1.2.1", "assessor": "zz", "value": "met"},
        ],
        "decisions": [{"indicator": "Q.2", "value": "met"}],
    }
    with pytest.raises(services.AssessmentFileError) as err:
        services.assessment_import(actor=OPERATOR_IMPORT, data=doc, filename="a.json")
    assert [(p.path, p.message.split(" ")[0]) for p in err.value.problems] == [
        ("tlp", "must"),
        ("ratings[0].indicator", "unknown"),
        ("ratings[1].assessor", "'zz'"),
        ("decisions[0].indicator", "unknown"),
    ]
    # One line per problem, each naming the file and where in it.
    assert err.value.message.splitlines() == [str(p) for p in err.value.problems]
    assert all(line.startswith("a.json: ") for line in err.value.message.splitlines())
    assert not Assessment.objects.exists()


def test_schema_problems_come_first_and_all_together(world: None) -> None:
    example_framework()
    doc = {**_without("country"), "cycle": [2025], "ratings": [{"value": "yes"}]}
    with pytest.raises(services.AssessmentFileError) as err:
        services.assessment_import(actor=OPERATOR_IMPORT, data=doc, filename="a.json")
    assert [str(p) for p in err.value.problems] == [
        "a.json: country: is required",
        "a.json: cycle: must be a string or an integer",
        "a.json: ratings[0].indicator: is required",
        "a.json: ratings[0].assessor: is required",
        "a.json: ratings[0].value: must be one of met, partial, not_met, na, unknown",
    ]


def test_the_error_is_an_import_file_error_and_a_service_error() -> None:
    err = services.AssessmentFileError("a.json", "cycle", "is required")
    assert isinstance(err, ImportFileError) and isinstance(err, ServiceError)
    assert (err.file, err.path, err.field) == ("a.json", "cycle", "file")
    assert err.message == str(err) == "a.json: cycle: is required"
    assert err.problems == (Problem("a.json", "cycle", "is required"),)


def test_the_schema_names_the_rating_values_of_the_model() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["value"]["enum"] == list(RatingValue.values)
    assert list(RatingValue.values) == list(scoring.RATING_VALUES)


def test_the_schema_ships_with_the_package() -> None:
    # setuptools finds reef/assessments/schema as a namespace package (as reef/frameworks/
    # schema) and package-data takes every *.json of every package.
    root = Path(__file__).resolve().parents[3]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    setup = project["tool"]["setuptools"]
    assert setup["packages"]["find"].get("namespaces", True)
    assert "*.json" in setup["package-data"]["*"]
    assert SCHEMA_PATH.parent == root / "reef" / "assessments" / "schema"
    assert not (SCHEMA_PATH.parent / "__init__.py").exists()


def test_import_rights_and_duplicates(users: dict[str, Any], tmp_path: Path) -> None:
    example_framework()
    path = _write(tmp_path, DOC)
    with pytest.raises(CommandError, match="You may not import assessments of Grenada"):
        _import(path, "--as", users["outsider"].email)
    _import(path, "--as", users["focal_point"].email)
    with pytest.raises(CommandError, match="already has"):
        _import(path)
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "missing.json")
    assert Assessment.objects.count() == 1
