"""Twinning: detection through the selector (overlaps.py underneath) and the link service."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.directory.models import Organisation
from reef.planning import selectors, services
from reef.planning.models import Need, TwinningLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(users: dict[str, Any], green_need: Need, oas: Organisation) -> tuple[Any, Any]:
    fp = users["focal_point"]
    coe = Organisation.objects.get(slug="coe")
    a = services.action_create(
        actor=fp,
        need=green_need,
        title="Incident handling training for the national CSIRT",
        lead_organisation=oas,
        start=date(2026, 3, 1),
        end=date(2026, 9, 30),
    )
    b = services.action_create(
        actor=fp,
        need=green_need,
        title="CSIRT incident handling training and exercises",
        lead_organisation=coe,
        start=date(2026, 6, 1),
        end=date(2026, 12, 31),
    )
    services.action_create(  # same need, but no overlap in time
        actor=fp,
        need=green_need,
        title="Incident handling training for the CSIRT",
        lead_organisation=Organisation.objects.get(slug="itu"),
        start=date(2028, 1, 1),
        end=date(2028, 3, 1),
    )
    return a, b


def test_overlapping_efforts_are_found(users: dict[str, Any], two: tuple[Any, Any]):
    a, b = two
    found = selectors.twinning_opportunities(users["focal_point"])
    pairs = {(o.a.ref, o.b.ref) for o in found}
    assert pairs == {(f"action:{a.pk}", f"action:{b.pk}")}
    o = found[0]
    assert o.candidate.scope == "country" and o.candidate.scope_code == "GD"
    assert o.candidate.overlap_start == date(2026, 6, 1)
    assert not o.linked


def test_link_them(users: dict[str, Any], two: tuple[Any, Any]):
    a, b = two
    link = services.twinning_link(
        actor=users["donor"],
        a_ref=f"action:{b.pk}",
        b_ref=f"action:{a.pk}",
        note="Plan the courses together",
    )
    assert (link.a_ref, link.b_ref) == (f"action:{a.pk}", f"action:{b.pk}")  # sorted
    assert link.score > 0 and "same country: GD" in link.why
    assert selectors.twinning_opportunities(users["focal_point"])[0].linked
    with pytest.raises(ServiceError, match="already linked"):
        services.twinning_link(
            actor=users["focal_point"], a_ref=f"action:{a.pk}", b_ref=f"action:{b.pk}"
        )
    assert TwinningLink.objects.count() == 1


def test_who_may_link(users: dict[str, Any], two: tuple[Any, Any]):
    a, b = two
    with pytest.raises(PermissionDenied):  # sees both (GREEN) but has no part in them
        services.twinning_link(
            actor=users["outsider"], a_ref=f"action:{a.pk}", b_ref=f"action:{b.pk}"
        )
    from django.http import Http404

    with pytest.raises(Http404):  # not in the community: the efforts do not exist for them
        services.twinning_link(
            actor=users["public"], a_ref=f"action:{a.pk}", b_ref=f"action:{b.pk}"
        )
    with pytest.raises(ServiceError, match="itself"):
        services.twinning_link(
            actor=users["focal_point"], a_ref=f"action:{a.pk}", b_ref=f"action:{a.pk}"
        )
    assert not TwinningLink.objects.exists()


def test_twinning_page_and_api(clients: dict[str, Any], two: tuple[Any, Any]):
    a, b = two
    page = clients["focal_point"].get("/planning/twinning/")
    assert page.status_code == 200 and b"Link as twins" in page.content
    assert (
        b"Incident handling training" not in clients["anonymous"].get("/planning/twinning/").content
    )
    api = clients["coordinator"].get("/api/v1/planning/twinning")
    assert api.status_code == 200 and api.json()[0]["a"] == f"action:{a.pk}"
    posted = clients["focal_point"].post(
        "/api/v1/planning/twinning/links",
        {"a_ref": f"action:{a.pk}", "b_ref": f"action:{b.pk}"},
        content_type="application/json",
    )
    assert posted.status_code == 201


def test_a_regional_effort_twins_with_a_national_one(users: dict[str, Any], two: tuple[Any, Any]):
    from reef.directory.models import Grouping

    a, _ = two
    regional = services.plan_create(
        actor=users["coordinator"],
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
        title="CCSCAP",
        cycle="2026-2028",
        tlp="TLP:GREEN",
    )
    need = services.need_create(
        actor=users["coordinator"],
        plan=regional,
        area="incident-response",
        title="A national CSIRT with trained incident handlers in each member state",
    )
    r = services.action_create(
        actor=users["coordinator"],
        need=need,
        title="Regional incident handling training for national CSIRT staff",
        lead_organisation=Organisation.objects.get(slug="caricom-impacs"),
        start=date(2026, 5, 1),
        end=date(2026, 11, 30),
    )
    found = selectors.twinning_opportunities(users["coordinator"])
    regional_pairs = [o for o in found if o.candidate.scope == "region"]
    assert any(f"action:{r.pk}" in (o.a.ref, o.b.ref) for o in regional_pairs)
    assert all(o.candidate.scope_code == "CARICOM" for o in regional_pairs)
    del a
