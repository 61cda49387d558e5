"""Every importer reads through the bounded loader (issue 13, items 14 and 16).

Hostile files get a clear error naming the file, the place and what was expected,
through the CLI, the pages and the API; nothing is written and nothing reaches the log
as a 500.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from reef.assessments.models import Assessment
from reef.core.concurrency import etag_for
from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from reef.directory.models import Organisation
from reef.planning import exchange
from reef.planning.models import Need, Plan


def _plan(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "reef-plan",
        "version": 1,
        "plan": {"country": "GD", "cycle": "2090", "title": "Hostile"},
        "needs": [],
    }
    doc.update(extra)
    return doc


HOSTILE_PLANS: dict[str, str | bytes] = {
    "deep.json": '{"format": "reef-plan", "version": 1, "needs": '
    + "[" * 20_000
    + "]" * 20_000
    + "}",
    "infinite.json": json.dumps(_plan()).replace('"needs": []', '"needs": [], "x": 1e999999'),
    "nan.json": json.dumps(_plan()).replace('"needs": []', '"needs": [], "x": NaN'),
    "numbers.json": json.dumps(_plan(needs=[1, 2, 3])),
    "plan-list.json": json.dumps(_plan(plan=[1])),
    "actions-number.json": json.dumps(_plan(needs=[{"title": "x", "actions": 5}])),
    "milestones-numbers.json": json.dumps(
        _plan(needs=[{"title": "x", "actions": [{"title": "a", "milestones": [7]}]}])
    ),
    "risks-strings.json": json.dumps(_plan(risks=["a"])),
    "cost-list.json": json.dumps(_plan(needs=[{"title": "x", "cost": {"amount": [1]}}])),
    "not-utf8.json": b'{"a": "caf\xe9"}',
}
EXPECTED = {
    "deep.json": "nested too deeply at line 1 column",
    "infinite.json": "the number 1e999999 is out of range",
    "nan.json": "NaN is not a JSON number",
    "numbers.json": "numbers.json: needs[0]: must be an object (a need)",
    "plan-list.json": "plan-list.json: plan: must be an object",
    "actions-number.json": "actions-number.json: needs[0].actions: must be a list of actions",
    "milestones-numbers.json": "needs[0].actions[0].milestones[0]: must be an object",
    "risks-strings.json": "risks-strings.json: risks[0]: must be an object (a risk)",
    "cost-list.json": "cost-list.json: needs[0].cost.amount: must be a number",
    "not-utf8.json": "not UTF-8",
}


def _counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Need.objects.count(), AuditEntry.objects.count()


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    content = HOSTILE_PLANS[name]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE_PLANS))
def test_plan_import_cli_refuses_hostile_files(
    name: str, tmp_path: Path, users: dict[str, Any]
) -> None:
    path = _write(tmp_path, name)
    before = _counts()
    with pytest.raises(CommandError) as info:
        call_command(
            "plan", "import", str(path), "--as", users["focal_point"].email, stdout=StringIO()
        )
    assert EXPECTED[name] in str(info.value), str(info.value)
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["deep.json", "infinite.json", "numbers.json"])
def test_plan_import_page_refuses_hostile_files(name: str, clients: dict[str, Client]) -> None:
    content = HOSTILE_PLANS[name]
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    before = _counts()
    response = clients["focal_point"].post("/planning/import/", {"file": upload})
    assert response.status_code == 200
    assert EXPECTED[name] in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert _counts() == before


@pytest.mark.django_db
def test_plan_import_service_refuses_misplaced_lists(users: dict[str, Any]) -> None:
    # The API hands the parsed body straight to the service: the shape is checked there too.
    before = _counts()
    with pytest.raises(ServiceError, match=r"needs\[0\]: must be an object \(a need\)"):
        exchange.plan_import(actor=users["focal_point"], data=_plan(needs=[1, 2]))
    assert _counts() == before


def test_plan_shape_accepts_what_export_writes() -> None:
    exchange.check_plan_shape(
        _plan(
            plan={"country": "GD", "weights": {"impact": 1}},
            needs=[
                {
                    "cost": {"amount": "10", "currency": "USD"},
                    "ratings": {"impact": 3},
                    "missing_indicators": ["a.1"],
                    "actions": [
                        {
                            "start": "2026-01-01",
                            "end": "2026-12-31",
                            "budget": {},
                            "sustainability": {},
                            "milestones": [{"due": "2026-06-30"}],
                        }
                    ],
                }
            ],
            risks=[{"category": "x"}],
            commitments=[{"anything": [1]}],
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"name": "x", "website": 1e999999}', "the number 1e999999 is out of range"),
        ('{"name": "x", "website": NaN}', "NaN is not a JSON number"),
        ('{"name": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested too deeply"),
    ],
)
def test_api_bodies_are_read_by_the_bounded_loader(
    body: str, expected: str, clients: dict[str, Client]
) -> None:
    org = Organisation.objects.get(slug="oas")
    name = org.name
    response = clients["donor"].put(
        "/api/v1/organisations/oas",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=etag_for(org),
    )
    assert response.status_code == 400
    assert expected in response.json()["detail"]
    org.refresh_from_db()
    assert org.name == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"ratings": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
        ('{"format": "reef-assessment", "x": 1e999999}', "out of range"),
    ],
)
def test_assessment_import_cli_refuses_hostile_files(
    content: str, expected: str, tmp_path: Path, users: dict[str, Any]
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    assessments, entries = Assessment.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError) as info:
        call_command("assessment", "import", str(path), "--as", users["focal_point"].email)
    assert str(info.value).startswith("hostile.json: ")
    assert expected in str(info.value)
    assert (Assessment.objects.count(), AuditEntry.objects.count()) == (assessments, entries)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[" * 5000 + b"]" * 5000, "depth limit exceeded"),
        (b'{"a": 1e999999}', "infinity"),
        (b'{"a": NaN}', "not valid JSON"),
    ],
)
def test_matching_files_are_bounded_by_orjson(
    content: bytes, expected: str, tmp_path: Path
) -> None:
    # orjson (used for large matching files, for speed) bounds depth at 1024 and refuses
    # infinity itself; the error is the matcher's own.
    from reef.experts.matching import MatchingInputError, load_json_file

    path = tmp_path / "match.json"
    path.write_bytes(content)
    with pytest.raises(MatchingInputError, match=expected):
        load_json_file(path)
