"""Rate a whole factor on one page (issue 14): one plain form (one save button, works
without JavaScript), autosave per row with htmx, evidence per indicator, versioned."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reef.assessments import services
from reef.assessments.models import Rating, Status
from reef.assessments.tests.helpers import build
from reef.frameworks.models import Indicator

pytestmark = pytest.mark.django_db


def _form(a: Any, group: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the browser posts: every row of the group, as rendered, with changes."""
    data: dict[str, Any] = {}
    own = {r.indicator_id: r for r in Rating.objects.filter(assessment=a)}
    for ind in Indicator.objects.filter(framework=a.framework, factor_key=group):
        p = f"i{ind.pk}-"
        r = own.get(ind.pk)
        data[p + "value"] = r.value if r else "unknown"
        data[p + "evidence_text"] = r.evidence_text if r else ""
        data[p + "evidence_link"] = ""
        data[p + "version"] = str(r.version) if r else ""
        for k, v in values.get(ind.key, {}).items():
            data[p + k] = v
    return data


def test_factor_page_is_one_form_with_autosave_rows(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    page = clients["expert"].get(f"/assessments/{a.pk}/rate/?group=P.1")
    body = page.content.decode()
    assert f'action="/assessments/{a.pk}/rate/save/?group=P.1"' in body
    n = Indicator.objects.filter(framework=a.framework, factor_key="P.1").count()
    assert body.count('hx-trigger="change delay:600ms"') == n
    assert "Save all ratings of this part" in body
    # No script in the page body (CSP): autosave is htmx attributes only.
    assert "<script>" not in body


def test_save_the_whole_factor_at_once(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    expert = clients["expert"]
    data = _form(
        a,
        "P.1",
        {
            "P.1.a.2.1": {"value": "met", "evidence_text": "Strategy adopted 2024"},
            "P.1.b.2.1": {
                "value": "partial",
                "evidence_file": SimpleUploadedFile("minutes.txt", b"Meeting minutes\n"),
            },
        },
    )
    response = expert.post(f"/assessments/{a.pk}/rate/save/?group=P.1", data, follow=True)
    assert b"2 ratings saved" in response.content
    got = {
        r.indicator.key: (r.value, r.evidence_text, bool(r.evidence_file))
        for r in Rating.objects.filter(assessment=a, assessor=users["expert"])
    }
    # Rows left at 'unknown' and never rated are not ratings.
    assert got == {
        "P.1.a.2.1": ("met", "Strategy adopted 2024", False),
        "P.1.b.2.1": ("partial", "", True),
    }


def test_a_stale_row_saves_nothing(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    services.rating_submit(actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met")
    data = _form(a, "P.1", {"P.1.a.2.1": {"value": "not_met"}, "P.1.b.2.1": {"value": "met"}})
    # Meanwhile the rating changed (another tab, an imported sheet).
    services.rating_submit(
        actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="partial"
    )
    response = clients["expert"].post(
        f"/assessments/{a.pk}/rate/save/?group=P.1", data, follow=True
    )
    assert b"P.1.a.2.1: Your rating of P.1.a.2.1 changed since" in response.content
    assert dict(Rating.objects.filter(assessment=a).values_list("indicator__key", "value")) == {
        "P.1.a.2.1": "partial"
    }
    # Someone not on the team may not save a factor.
    refused = clients["focal_point"].post(f"/assessments/{a.pk}/rate/save/?group=P.1", data)
    assert refused.status_code == 403
