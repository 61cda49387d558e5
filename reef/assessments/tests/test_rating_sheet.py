"""Rating at the pace of a mission (issue 14): an assessor's own XLSX rating sheet, filled
offline and imported back (page and API), every row checked, nothing saved on error."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reef.assessments import services, sheets
from reef.assessments.models import Rating, Status
from reef.assessments.tests.helpers import build
from reef.core.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db


def _fill(data: bytes, values: dict[str, tuple[str, str]], **about: Any) -> bytes:
    """Fill a sheet as an assessor would: indicator key -> (rating, evidence)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheets.RATINGS]
    for row in ws.iter_rows(min_row=2):
        key = row[0].value
        if key in values:
            row[3].value, row[4].value = values[key]
    for key, value in about.items():
        for row in wb[sheets.ABOUT].iter_rows():
            if row[0].value == key:
                row[1].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_export_holds_only_my_ratings_and_imports_back(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    lead, expert = users["coordinator"], users["expert"]
    services.rating_submit(
        actor=lead, assessment=a, indicator="P.1.a.2.1", value="met", evidence_text="LEAD-ONLY"
    )
    mine = services.rating_submit(
        actor=expert, assessment=a, indicator="P.1.a.3.1", value="partial", evidence_text="mine"
    )
    response = clients["expert"].get(f"/assessments/{a.pk}/sheet/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = response.content
    wb = load_workbook(io.BytesIO(data))
    rows = {r[0]: r for r in wb[sheets.RATINGS].iter_rows(min_row=2, values_only=True)}
    assert rows["P.1.a.3.1"][3:] == ("partial", "mine", None, mine.version)
    # Independence: the lead's rating is not in the expert's sheet.
    assert rows["P.1.a.2.1"][3] is None and b"LEAD-ONLY" not in data
    filled = _fill(
        data, {"P.1.a.2.1": ("not_met", "No CSIRT yet"), "P.1.a.3.1": ("met", "Adopted")}
    )
    upload = SimpleUploadedFile("sheet.xlsx", filled)
    page = clients["expert"].post(f"/assessments/{a.pk}/sheet/", {"sheet": upload}, follow=True)
    assert b"2 ratings imported" in page.content
    got = {
        r.indicator.key: (r.value, r.evidence_text, r.version)
        for r in Rating.objects.filter(assessment=a, assessor=expert)
    }
    assert got == {
        "P.1.a.2.1": ("not_met", "No CSIRT yet", 1),
        "P.1.a.3.1": ("met", "Adopted", mine.version + 1),
    }
    # The lead's own rating is untouched.
    assert Rating.objects.get(assessment=a, assessor=lead).evidence_text == "LEAD-ONLY"
    # The same sheet again is stale: the versions moved on; nothing changes.
    with pytest.raises(services.RatingRowsInvalid) as err:
        services.ratings_import_sheet(actor=expert, assessment=a, data=filled)
    assert {e.field for e in err.value.errors} == {"version"}


def test_wrong_values_are_reported_by_row_and_column(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    data = clients["expert"].get(f"/assessments/{a.pk}/sheet/").content
    filled = _fill(data, {"P.1.a.2.1": ("met", ""), "P.1.a.3.1": ("excellent", "")})
    page = clients["expert"].post(
        f"/assessments/{a.pk}/sheet/",
        {"sheet": SimpleUploadedFile("s.xlsx", filled)},
        follow=True,
    )
    assert b"Row 3, column D" in page.content and b"excellent" in page.content
    assert not Rating.objects.filter(assessment=a).exists()
    api = clients["expert"].post(
        f"/api/v1/assessments/{a.pk}/sheet", {"sheet": SimpleUploadedFile("s.xlsx", filled)}
    )
    assert api.status_code == 400
    assert api.json()["errors"] == [
        {
            "row": 3,
            "field": "value",
            "column": "D",
            "message": api.json()["errors"][0]["message"],
        }
    ]
    assert not Rating.objects.filter(assessment=a).exists()


def test_malformed_and_foreign_sheets_are_refused(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    other = build(users, until=Status.RATING, cycle="2027")
    lead, expert = users["coordinator"], users["expert"]
    with pytest.raises(ServiceError, match="not an XLSX"):
        services.ratings_import_sheet(actor=expert, assessment=a, data=b"PK\x03\x04 nonsense")
    with pytest.raises(ServiceError, match="not an XLSX"):
        services.ratings_import_sheet(actor=expert, assessment=a, data=b"name,rating\n")
    # Another assessor's sheet: refused, whoever's ratings it would write.
    theirs = _fill(sheets.export_sheet(lead, a), {"P.1.a.2.1": ("met", "")})
    with pytest.raises(ServiceError, match="another assessor"):
        services.ratings_import_sheet(actor=expert, assessment=a, data=theirs)
    # A sheet of another assessment.
    elsewhere = _fill(sheets.export_sheet(expert, other), {"P.1.a.2.1": ("met", "")})
    with pytest.raises(ServiceError, match=f"for assessment {other.pk}"):
        services.ratings_import_sheet(actor=expert, assessment=a, data=elsewhere)
    # Someone not on the team may neither export nor import.
    with pytest.raises(PermissionDenied):
        services.ratings_import_sheet(actor=users["focal_point"], assessment=a, data=theirs)
    assert not Rating.objects.filter(assessment__in=[a, other]).exists()


def test_sheet_api_routes(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    url = f"/api/v1/assessments/{a.pk}/sheet.xlsx"
    assert clients["anonymous"].get(url).status_code == 401
    assert clients["outsider"].get(url).status_code == 404
    assert clients["focal_point"].get(url).status_code == 403
    data = clients["expert"].get(url).content
    filled = _fill(data, {"P.1.b.2.1": ("partial", "Draft policy")})
    post = f"/api/v1/assessments/{a.pk}/sheet"
    assert (
        clients["anonymous"].post(post, {"sheet": SimpleUploadedFile("s.xlsx", filled)}).status_code
        == 401
    )
    assert (
        clients["outsider"].post(post, {"sheet": SimpleUploadedFile("s.xlsx", filled)}).status_code
        == 404
    )
    ok = clients["expert"].post(post, {"sheet": SimpleUploadedFile("s.xlsx", filled)})
    assert ok.status_code == 200
    assert [(r["indicator"], r["value"], r["version"]) for r in ok.json()] == [
        ("P.1.b.2.1", "partial", 1)
    ]
