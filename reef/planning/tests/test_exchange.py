"""Exchange: IATI 2.03 export validated against the shipped schema, JSON and CSV round trips,
and the `plan` command."""

from __future__ import annotations

import importlib
import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from django.core.management import CommandError, call_command

from reef.core.errors import ServiceError
from reef.core.rules import DEMO
from reef.core.validation import ImportFileError, load_schema
from reef.directory.models import Organisation
from reef.planning import exchange, iati, services
from reef.planning.models import Need, Plan

pytestmark = pytest.mark.django_db

# lxml has no type stubs here; its elements are used untyped.
etree: Any = importlib.import_module("lxml.etree")


@pytest.fixture
def full_plan(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, amber_need: Need, oas: Organisation
) -> Plan:
    fp = users["focal_point"]
    action = services.action_create(
        actor=fp,
        need=green_need,
        title="=CSIRT set-up",
        description="Tools, staff, process",
        lead_organisation=oas,
        start=date(2026, 3, 1),
        end=date(2027, 8, 31),
        budget_amount="120000",
        is_training=True,
        train_the_trainer=True,
    )
    services.milestone_create(actor=fp, action=action, title="Staff hired", due=date(2026, 6, 1))
    services.risk_create(
        actor=fp,
        plan=gd_plan,
        category="lack_of_capacity",
        description="Trained staff leave",
        likelihood=4,
        impact=4,
        risk_owner="Ministry of ICT",
        mitigation="Retention plan",
        review_on=date(2026, 12, 1),
    )
    c1 = services.commitment_offer(
        actor=users["donor"],
        need=green_need,
        organisation=oas,
        amount="100000",
        action=action,
        start=date(2026, 3, 1),
        end=date(2027, 3, 1),
    )
    for step in ("accepted", "in_progress", "delivered"):
        services.commitment_transition(actor=DEMO, commitment=c1, to=step)
    c2 = services.commitment_offer(
        actor=DEMO,
        need=amber_need,
        organisation=Organisation.objects.get(slug="coe"),
        amount="40000",
        currency="EUR",
    )
    services.commitment_transition(actor=fp, commitment=c2, to="accepted")
    services.commitment_offer(
        actor=DEMO,
        need=amber_need,
        organisation=Organisation.objects.get(slug="itu"),
        kind="people",
        description="Two experts",
    )
    services.plan_prioritise(actor=fp, plan=gd_plan)
    return gd_plan


def test_iati_export_validates_against_the_schema(users: dict[str, Any], full_plan: Plan):
    xml = exchange.plan_to_iati(users["focal_point"], full_plan)
    assert iati.validate(xml) == []
    xsd = xmlschema.XMLSchema(str(iati.SCHEMA_DIR / "iati-activities-schema.xsd"))
    xsd.validate(xml.decode())
    root = etree.fromstring(xml)
    assert root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    assert len(activities) == 2  # one for the action, one for the need's own commitments
    assert {a.find("recipient-country").get("code") for a in activities} == {"GD"}
    types = sorted(t.get("code") for t in root.iter("transaction-type"))
    assert types == ["2", "2", "3"]  # two commitments accepted, one disbursement (delivered)


def test_iati_export_follows_access(users: dict[str, Any], full_plan: Plan):
    xml = exchange.plan_to_iati(users["donor"], full_plan)  # sees only the OAS commitment
    root = etree.fromstring(xml)
    assert len(root.findall("iati-activity")) == 1
    assert iati.validate(xml) == []


def _shape(data: dict[str, Any]) -> list[Any]:
    return [
        (
            n["priority"],
            n["area"],
            n["title"],
            n["cost"],
            n["ratings"],
            n["tlp"],
            n["factor_key"],
            [
                (
                    a["title"],
                    a["lead_organisation"],
                    a["start"],
                    a["end"],
                    a["budget"],
                    a["sustainability"]["drive_by_training"],
                    [m["title"] for m in a["milestones"]],
                )
                for a in n["actions"]
            ],
        )
        for n in data["needs"]
    ]


def test_json_round_trip(users: dict[str, Any], full_plan: Plan):
    fp = users["focal_point"]
    data = json.loads(json.dumps(exchange.plan_to_dict(fp, full_plan)))
    copy = exchange.plan_import(actor=fp, data=data, cycle="2029-2031")
    again = exchange.plan_to_dict(fp, copy)
    assert _shape(again) == _shape(data)
    assert again["risks"] == data["risks"]
    assert again["plan"]["weights"] == data["plan"]["weights"]
    assert again["commitments"] == []  # commitments are offered again, not imported


def test_csv_round_trip(users: dict[str, Any], full_plan: Plan):
    fp = users["focal_point"]
    text = exchange.plan_to_csv(fp, full_plan)
    assert "'=CSIRT set-up" in text  # formula injection neutralised
    copy = exchange.plan_import(actor=fp, data=exchange.csv_to_dict(text), cycle="2029-2031")
    # CSV carries needs and actions (not milestones or risks).
    original = [
        (s[:7], [a[:6] for a in s[7]]) for s in _shape(exchange.plan_to_dict(fp, full_plan))
    ]
    imported = [(s[:7], [a[:6] for a in s[7]]) for s in _shape(exchange.plan_to_dict(fp, copy))]
    assert imported == original
    assert exchange.plan_to_csv(fp, copy).count("\n") == text.count("\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Not a Reef plan"),
        ({"format": "reef-plan", "version": 9}, "version"),
        ({"format": "reef-plan", "version": 1, "plan": {"country": "ZZ"}}, "Unknown country"),
        (
            {
                "format": "reef-plan",
                "version": 1,
                "plan": {"country": "GD", "cycle": "2040", "title": "x"},
                "needs": [{"area": "nowhere", "title": "x"}],
            },
            "Unknown area",
        ),
    ],
)
def test_import_refuses_bad_files_and_changes_nothing(
    users: dict[str, Any], data: dict[str, Any], message: str
):
    count = Plan.objects.count()
    with pytest.raises(ServiceError, match=message):
        exchange.plan_import(actor=users["focal_point"], data=data)
    assert Plan.objects.count() == count


def test_import_needs_the_country_manager(users: dict[str, Any], full_plan: Plan):
    from reef.core.errors import PermissionDenied

    data = exchange.plan_to_dict(users["focal_point"], full_plan)
    with pytest.raises(PermissionDenied):
        exchange.plan_import(actor=users["outsider"], data=data, cycle="2040-2042")


def test_cli_export_and_import(users: dict[str, Any], full_plan: Plan, tmp_path: Path):
    email = users["focal_point"].email
    out = StringIO()
    call_command("plan", "export", "GD", "--iati", "--as", email, stdout=out)
    assert iati.validate(out.getvalue().encode()) == []
    target = tmp_path / "gd.json"
    call_command(
        "plan", "export", "gd", "--json", "--as", email, "-o", str(target), stderr=StringIO()
    )
    csv_file = tmp_path / "gd.csv"
    call_command(
        "plan", "export", "GD", "--csv", "--as", email, "-o", str(csv_file), stderr=StringIO()
    )
    out = StringIO()
    call_command("plan", "import", str(target), "--cycle", "2031-2033", "--as", email, stdout=out)
    result = json.loads(out.getvalue())
    assert result["country"] == "GD" and result["needs"] == 2
    call_command(
        "plan", "import", str(csv_file), "--cycle", "2034-2036", "--as", email, stdout=StringIO()
    )
    with pytest.raises(CommandError, match="already has a plan"):
        call_command(
            "plan", "import", str(target), "--cycle", "2031-2033", "--as", email, stdout=StringIO()
        )
    with pytest.raises(CommandError, match="--as"):
        call_command("plan", "import", str(target), stdout=StringIO())
    with pytest.raises(CommandError, match="Not found"):
        call_command(
            "plan", "export", "GD", "--iati", "--as", users["public"].email, stdout=StringIO()
        )


@pytest.mark.parametrize(
    "change",
    [
        {"plan": [1, 2]},
        {"needs": [1, 2, 3]},
        {"needs": [{"title": "x", "area": "incident-response", "actions": [7]}]},
        {"needs": [{"title": "x", "area": "incident-response", "cost": "lots"}]},
        {"needs": [{"priority": "a"}, {"priority": 1}]},
        {"needs": [{"title": "x", "area": "incident-response", "ratings": {"impact": 1e300}}]},
        {"needs": [{"title": "x", "area": "incident-response", "missing_indicators": 5}]},
        {"needs": [{"title": "x", "area": "incident-response", "assessment_ref": 2**40}]},
        {"risks": {"a": 1}},
    ],
)
def test_plan_import_refuses_wrong_shapes_clearly(users: dict[str, Any], change: Any) -> None:
    data: dict[str, Any] = {
        "format": "reef-plan",
        "version": 1,
        "plan": {"country": "GD", "title": "Shapes", "cycle": "2077"},
        **change,
    }
    before = Plan.objects.count()
    with pytest.raises(ServiceError):
        exchange.plan_import(actor=users["focal_point"], data=data)
    assert Plan.objects.count() == before


# --- the error format of plan files ------------------------------------------------------


def _file(**extra: Any) -> dict[str, Any]:
    return {
        "format": "reef-plan",
        "version": 1,
        "plan": {"country": "GD", "title": "Errors", "cycle": "2078"},
        **extra,
    }


def _refused(users: dict[str, Any], data: dict[str, Any]) -> exchange.PlanFileError:
    before = (Plan.objects.count(), Need.objects.count())
    with pytest.raises(exchange.PlanFileError) as info:
        exchange.plan_import(actor=users["focal_point"], data=data, filename="gd.json")
    assert (Plan.objects.count(), Need.objects.count()) == before
    return info.value


def test_the_schema_is_valid_and_shipped_with_the_code() -> None:
    assert exchange.SCHEMA_PATH.name == "plan.schema.json"
    assert exchange.SCHEMA_PATH.parent.name == "schema"
    assert load_schema(exchange.SCHEMA_PATH)["title"] == "Reef plan file"
    pyproject = (Path(__file__).parents[3] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"*.json"' in pyproject  # package data: the schema is installed beside the code


def test_what_the_export_writes_follows_the_schema(users: dict[str, Any], full_plan: Plan):
    data = json.loads(json.dumps(exchange.plan_to_dict(users["focal_point"], full_plan)))
    exchange.check_plan_shape(data, "gd.json")
    exchange.check_plan_shape(exchange.csv_to_dict(exchange.plan_to_csv(users["donor"], full_plan)))


def test_every_problem_of_a_file_is_listed_with_file_and_path(users: dict[str, Any]) -> None:
    data = _file(
        needs=[
            {"title": "x", "area": "incident-response", "ratings": {"impact": 9}},
            {
                "title": "y",
                "area": "incident-response",
                "actions": [{"title": "a", "start": "2026-02-30", "end": None}],
            },
        ],
        risks=["a"],
    )
    error = _refused(users, data)
    assert isinstance(error, ImportFileError) and isinstance(error, ServiceError)
    assert [(p.file, p.path, p.message) for p in error.problems] == [
        ("gd.json", "needs[0].ratings.impact", "must be a whole number from 1 to 5"),
        ("gd.json", "needs[1].actions[0].end", "must be a date (YYYY-MM-DD)"),
        ("gd.json", "risks[0]", "must be an object (a risk)"),
    ]
    assert error.file == "gd.json" and error.path == "needs[0].ratings.impact"
    assert error.field == "needs[0].ratings.impact" and error.code == "invalid"
    # What pages, the API and the CLI show: every problem, one a line.
    assert error.message.splitlines() == [str(p) for p in error.problems]
    assert error.message.splitlines()[0] == (
        "gd.json: needs[0].ratings.impact: must be a whole number from 1 to 5"
    )


def test_checks_beyond_the_schema_give_the_same_problems(users: dict[str, Any]) -> None:
    action = {"title": "a", "start": "2026-02-30", "end": "2026-03-01", "lead_organisation": "x"}
    error = _refused(
        users,
        _file(
            plan={"country": "GD", "title": "t", "cycle": "2078", "kind": "regional"},
            needs=[{"title": "y", "area": "incident-response", "actions": [action]}],
        ),
    )
    assert [(p.path, p.message) for p in error.problems] == [
        ("needs[0].actions[0].start", "is not a date in the calendar (YYYY-MM-DD)"),
        ("plan.kind", "Only national plans can be imported."),
        ("needs[0].actions[0].lead_organisation", "Unknown organisation 'x'."),
    ]


def test_csv_problems_name_the_line(users: dict[str, Any]) -> None:
    header = "country,cycle,need_ref,area,need_title,priority\n"
    with pytest.raises(exchange.PlanFileError) as info:
        exchange.csv_to_dict(header + "GD,2078,n1,incident-response,x,1\nGD,2078,n2,a,y,first\n")
    assert str(info.value) == "plan.csv: line 3: priority: 'first' is not a whole number."
    with pytest.raises(exchange.PlanFileError, match=r"gd\.csv: line 1: CSV columns missing: area"):
        exchange.csv_to_dict("country,cycle,need_ref,need_title\n", "gd.csv")
    with pytest.raises(exchange.PlanFileError, match="Line 3: all rows must belong to one plan"):
        exchange.csv_to_dict(header + "GD,2078,n1,a,x,1\nDM,2078,n2,a,y,2\n")


def test_the_import_page_lists_each_problem(clients: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = json.dumps(_file(needs=[1], risks=[2])).encode()
    before = Plan.objects.count()
    response = clients["focal_point"].post(
        "/planning/import/", {"file": SimpleUploadedFile("gd.json", content)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "gd.json: needs[0]: must be an object (a need)" in page
    assert "gd.json: risks[0]: must be an object (a risk)" in page
    assert Plan.objects.count() == before


def test_the_api_answers_a_bad_plan_file_with_a_clear_400(clients: dict[str, Any]) -> None:
    before = Plan.objects.count()
    response = clients["focal_point"].post(
        "/api/v1/planning/plans/import",
        _file(needs=[{"title": "x", "area": "incident-response", "ratings": {"urgency": 0}}]),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert "plan file: needs[0].ratings.urgency: must be a whole number from 1 to 5" in str(body)
    assert Plan.objects.count() == before
