"""Issue 13 item 6: a needs assessment report is released by the managers of the country
it is about, and never shows on a country's page unless that country released it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import DEMO, allowed
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.records import rules as R
from reef.records import services
from reef.records.models import Publication
from reef.records.tests.conftest import make_assessment

pytestmark = pytest.mark.django_db


def test_a_manager_cannot_file_a_report_about_another_country(users: dict[str, Any]) -> None:
    """The Barbados manager (outsider) tries to publish a report about Grenada."""
    bb, gd = Country.objects.get(code="BB"), Country.objects.get(code="GD")
    grenada = make_assessment("GD", tlp=TLP.AMBER)
    barbados = make_assessment("BB", tlp=TLP.AMBER)
    before = Publication.objects.count()
    bajan = users["outsider"]
    # Naming Grenada's assessment: they may not even see it.
    with pytest.raises(ServiceError) as hidden:
        services.publication_create(
            actor=bajan,
            title="Grenada's needs",
            kind="assessment_report",
            owner_country=bb,
            countries=[gd],
            assessment=grenada,
            tlp=TLP.CLEAR,
        )
    assert hidden.value.code == "not_found"
    # Naming their own assessment but saying it is about Grenada.
    with pytest.raises(ServiceError, match="its assessment's country only"):
        services.publication_create(
            actor=bajan,
            title="Grenada's needs",
            kind="assessment_report",
            owner_country=bb,
            countries=[gd],
            assessment=barbados,
            tlp=TLP.CLEAR,
        )
    # Even a visible assessment of another country cannot be reported on under one's own.
    grenada.tlp = TLP.CLEAR
    grenada.save()
    with pytest.raises(ServiceError, match="owned by the assessed country"):
        services.publication_create(
            actor=bajan,
            title="Grenada's needs",
            kind="assessment_report",
            owner_country=bb,
            assessment=grenada,
            tlp=TLP.CLEAR,
        )
    assert Publication.objects.count() == before


def test_only_the_assessed_countrys_managers_release(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    pub = services.publication_create(
        actor=users["focal_point"],
        title="Grenada report",
        kind="assessment_report",
        owner_country=gd,
        assessment=make_assessment("GD"),
        tlp=TLP.CLEAR,
    )
    services.publication_submit(actor=users["focal_point"], publication=pub)
    for who in ("outsider", "coordinator", "donor", "expert"):
        assert not allowed(R.may_release, users[who], pub)
        with pytest.raises(ServiceError):
            services.publication_release(actor=users[who], publication=pub)
    assert allowed(R.may_release, users["focal_point"], pub)
    services.publication_release(actor=users["focal_point"], publication=pub)
    pub.refresh_from_db()
    assert pub.released_by == users["focal_point"]


def test_a_report_that_names_no_assessment_of_its_country_is_never_released(
    users: dict[str, Any],
) -> None:
    """Reports made before the rule (or written around it) cannot be released by anyone."""
    bb = Country.objects.get(code="BB")
    legacy = Publication.objects.create(
        slug="legacy",
        title="Legacy",
        kind="assessment_report",
        owner_country=bb,
        tlp=TLP.CLEAR,
        status="review",
    )
    crossed = Publication.objects.create(
        slug="crossed",
        title="Crossed",
        kind="assessment_report",
        owner_country=bb,
        assessment=make_assessment("GD"),
        tlp=TLP.CLEAR,
        status="review",
    )
    for pub in (legacy, crossed):
        for actor in (users["outsider"], users["focal_point"], DEMO):
            with pytest.raises(ServiceError, match="names no assessment"):
                services.publication_release(actor=actor, publication=pub)
    assert not allowed(R.may_release, users["outsider"], legacy)
    assert not allowed(R.may_release, users["outsider"], crossed)
    assert allowed(R.may_release, users["focal_point"], crossed)  # the rule, yet the service
    # refuses: the publication belongs to Barbados, not to the country it is about.


def test_the_country_page_shows_only_reports_the_country_released(
    users: dict[str, Any], client: Client
) -> None:
    bb, gd = Country.objects.get(code="BB"), Country.objects.get(code="GD")
    forged = Publication.objects.create(
        slug="forged",
        title="Forged report about Grenada",
        kind="assessment_report",
        owner_country=bb,
        assessment=make_assessment("BB"),
        tlp=TLP.CLEAR,
        status="published",
        published_at=timezone.now(),
        released_at=timezone.now(),
    )
    forged.countries.set([gd])
    page = client.get("/records/countries/GD/").content.decode()
    assert "Forged report about Grenada" not in page


def test_release_refusal_changes_nothing(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    pub = services.publication_create(
        actor=users["focal_point"],
        title="Grenada report",
        kind="assessment_report",
        owner_country=gd,
        assessment=make_assessment("GD"),
        tlp=TLP.AMBER,
    )
    services.publication_submit(actor=users["focal_point"], publication=pub)
    with pytest.raises(PermissionDenied):
        services.publication_release(actor=users["coordinator"], publication=pub)
    pub.refresh_from_db()
    assert pub.released_at is None and pub.released_by is None


def test_the_api_refuses_a_report_about_another_country(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    grenada = make_assessment("GD", tlp=TLP.CLEAR)
    before = Publication.objects.count()
    response = clients["outsider"].post(
        "/api/v1/records/publications",
        {
            "title": "Grenada's needs",
            "kind": "assessment_report",
            "owner_country": "BB",
            "countries": ["GD"],
            "assessment": grenada.pk,
            "tlp": TLP.CLEAR,
        },
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert Publication.objects.count() == before
    response = clients["focal_point"].post(
        "/api/v1/records/publications",
        {
            "title": "Grenada's needs",
            "kind": "assessment_report",
            "owner_country": "GD",
            "assessment": grenada.pk,
            "tlp": TLP.CLEAR,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Publication.objects.get(title="Grenada's needs").assessment == grenada


def test_the_release_button_shows_only_to_the_assessed_countrys_managers(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    gd = Country.objects.get(code="GD")
    pub = services.publication_create(
        actor=users["focal_point"],
        title="Grenada report",
        kind="assessment_report",
        owner_country=gd,
        assessment=make_assessment("GD"),
        tlp=TLP.GREEN,
    )
    services.publication_submit(actor=users["focal_point"], publication=pub)
    url = pub.get_absolute_url()
    assert 'value="release"' in clients["focal_point"].get(url).content.decode()
    for who in ("coordinator", "outsider", "donor"):  # an unpublished draft: most get a 404
        page = clients[who].get(url)
        assert page.status_code in (200, 404)
        assert 'value="release"' not in page.content.decode(), who


def _report_in_review(users: dict[str, Any]) -> Publication:
    pub = services.publication_create(
        actor=users["focal_point"],
        title="Grenada report",
        kind="assessment_report",
        owner_country=Country.objects.get(code="GD"),
        assessment=make_assessment("GD", tlp=TLP.AMBER),
        tlp=TLP.AMBER,
    )
    return services.publication_submit(actor=users["focal_point"], publication=pub)


def test_release_publishes_a_public_summary_in_the_same_step(users: dict[str, Any]) -> None:
    pub = _report_in_review(users)
    services.publication_release(
        actor=users["focal_point"],
        publication=pub,
        summary="Grenada will build a national CSIRT by 2028.",
        summary_tlp=TLP.CLEAR,
    )
    brief = Publication.objects.get(kind=Publication.Kind.BRIEF, title="Summary: Grenada report")
    assert brief.status == Publication.Status.PUBLISHED and brief.tlp == TLP.CLEAR
    assert brief.abstract == "Grenada will build a national CSIRT by 2028."
    assert list(brief.countries.values_list("code", flat=True)) == ["GD"]
    # The report keeps its own label; anyone reads the summary.
    pub.refresh_from_db()
    assert pub.tlp == TLP.AMBER and pub.released_at is not None
    assert Client().get(brief.get_absolute_url()).status_code == 200


def test_a_summary_that_cannot_be_published_undoes_the_release(users: dict[str, Any]) -> None:
    pub = _report_in_review(users)
    before = Publication.objects.count()
    with pytest.raises(ServiceError):
        services.publication_release(
            actor=users["focal_point"], publication=pub, summary="Text.", summary_tlp="TLP:BLUE"
        )
    pub.refresh_from_db()
    assert pub.released_at is None and Publication.objects.count() == before


def test_release_with_summary_through_page_and_api(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    pub = _report_in_review(users)
    page = clients["focal_point"].get(pub.get_absolute_url()).content.decode()
    assert 'name="summary"' in page and 'name="summary_tlp"' in page
    assert 'name="summary"' not in clients["outsider"].get(pub.get_absolute_url()).content.decode()
    done = clients["focal_point"].post(
        f"/api/v1/records/publications/{pub.slug}/release",
        {"summary": "What Grenada found.", "summary_tlp": "TLP:GREEN"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    brief = Publication.objects.get(kind=Publication.Kind.BRIEF)
    assert brief.tlp == TLP.GREEN and brief.status == Publication.Status.PUBLISHED
