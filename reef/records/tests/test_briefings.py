"""Emerging-threat briefings: services, pages, API, sharing, feeds, search and open data,
each as anonymous, as a user without access and as a user with access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.planning.models import Need
from reef.records import services
from reef.records.models import Briefing
from reef.records.tests.conftest import make_plan

pytestmark = pytest.mark.django_db

BEC = "https://www.ic3.gov/PSA"
JSON = "application/json"


def make_briefing(
    *,
    slug: str,
    tlp: str = TLP.AMBER,
    title: str | None = None,
    countries: tuple[str, ...] = ("GD",),
    needs: tuple[Need, ...] = (),
) -> Briefing:
    return services.briefing_create(
        actor=DEMO,
        slug=slug,
        title=title or f"Briefing {slug}",
        threat="business e-mail compromise",
        published_on=dt.date(2026, 11, 20),
        summary=f"Summary of {slug}",
        sources=[{"title": "IC3 announcement", "url": BEC}],
        countries=list(Country.objects.filter(code__in=countries)),
        needs=list(needs),
        owner_country=Country.objects.get(code="GD"),
        tlp=tlp,
    )


def _state(briefing: Briefing) -> tuple[Any, ...]:
    b = Briefing.objects.get(pk=briefing.pk)
    return (
        b.title,
        b.threat,
        b.summary,
        b.sources,
        b.version,
        sorted(b.countries.values_list("code", flat=True)),
        sorted(b.needs.values_list("pk", flat=True)),
    )


# Services -------------------------------------------------------------------------


def test_an_editor_of_the_owner_writes_a_briefing_audited(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    plan = make_plan()
    need = Need.objects.filter(plan=plan, tlp=TLP.CLEAR).first()
    assert need is not None
    briefing = services.briefing_create(
        actor=users["focal_point"],
        title="Darknet markets selling stolen cards",
        threat="darknet markets",
        published_on=dt.date(2026, 10, 1),
        sources=[{"title": "", "url": "https://example.org/report"}],
        countries=[gd],
        needs=[need],
        owner_country=gd,
    )
    assert briefing.tlp == TLP.AMBER and briefing.created_by == users["focal_point"]
    assert briefing.sources == [
        {"title": "https://example.org/report", "url": "https://example.org/report"}
    ]
    assert list(briefing.needs.all()) == [need]
    entry = AuditEntry.objects.filter(object_type="records.briefing").last()
    assert entry is not None and entry.action == "briefing_create"
    assert entry.actor_id == users["focal_point"].pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"threat": ""}, "threat"),
        ({"sources": [{"title": "x", "url": "javascript:alert(1)"}]}, "sources"),
        ({"sources": [{"title": "x", "url": "ftp://example.org/a"}]}, "sources"),
        ({"sources": [{"title": "x", "url": "not a url"}]}, "sources"),
        ({"tlp": "TLP:PURPLE"}, "tlp"),
    ],
)
def test_bad_input_creates_nothing(
    users: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {
        "actor": users["focal_point"],
        "title": "A briefing",
        "threat": "virtual-currency laundering",
        "published_on": dt.date(2026, 10, 1),
        "owner_country": Country.objects.get(code="GD"),
        **changes,
    }
    with pytest.raises(ServiceError) as refused:
        services.briefing_create(**values)
    assert refused.value.field == field
    assert not Briefing.objects.exists()


def test_only_editors_of_the_owner_create(users: dict[str, Any]) -> None:
    for who in ("outsider", "public", "donor"):
        with pytest.raises(PermissionDenied):
            services.briefing_create(
                actor=users[who],
                title="Not theirs",
                threat="darknet markets",
                published_on=dt.date(2026, 10, 1),
                owner_country=Country.objects.get(code="GD"),
            )
    assert not Briefing.objects.exists()


def test_a_need_the_author_may_not_see_is_refused(users: dict[str, Any]) -> None:
    make_plan(country="BB")
    hidden = Need.objects.get(country__code="BB", tlp=TLP.AMBER)
    with pytest.raises(ServiceError) as refused:
        services.briefing_create(
            actor=users["focal_point"],
            title="Linking Barbados",
            threat="darknet markets",
            published_on=dt.date(2026, 10, 1),
            owner_country=Country.objects.get(code="GD"),
            needs=[hidden],
        )
    assert refused.value.field == "needs" and not Briefing.objects.exists()


def test_update_is_versioned_and_stale_or_bad_changes_nothing(users: dict[str, Any]) -> None:
    briefing = make_briefing(slug="bec")
    before = _state(briefing)
    with pytest.raises(Conflict):
        services.briefing_update(
            actor=users["focal_point"], briefing=briefing, expected_version=0, title="Late"
        )
    with pytest.raises(ServiceError):
        services.briefing_update(
            actor=users["focal_point"],
            briefing=briefing,
            expected_version=briefing.version,
            sources=[{"title": "bad", "url": "mailto:someone@example.org"}],
        )
    with pytest.raises(ServiceError):
        services.briefing_update(
            actor=users["focal_point"], briefing=briefing, expected_version=1, title=""
        )
    with pytest.raises(PermissionDenied):  # reads it (coordinator of the region), may not edit
        services.briefing_update(actor=users["coordinator"], briefing=briefing, title="Theirs")
    with pytest.raises(ServiceError) as hidden:  # may not even see it
        services.briefing_update(actor=users["outsider"], briefing=briefing, title="Theirs")
    assert hidden.value.code == "not_found"
    assert _state(briefing) == before
    updated = services.briefing_update(
        actor=users["focal_point"],
        briefing=briefing,
        expected_version=briefing.version,
        summary="Now seen against ministries too.",
        countries=list(Country.objects.filter(code__in=["GD", "LC"])),
    )
    assert updated.version == briefing.version + 1
    assert sorted(updated.countries.values_list("code", flat=True)) == ["GD", "LC"]
    entry = AuditEntry.objects.filter(action="briefing_update").last()
    assert entry is not None and entry.detail["fields"] == ["summary", "countries"]


def test_needs_linked_by_someone_who_sees_more_are_kept(users: dict[str, Any]) -> None:
    make_plan(country="BB")
    hidden = Need.objects.get(country__code="BB", tlp=TLP.AMBER)
    briefing = make_briefing(slug="kept", needs=(hidden,))
    services.briefing_update(actor=users["focal_point"], briefing=briefing, needs=[])
    assert list(briefing.needs.all()) == [hidden]


# Pages ----------------------------------------------------------------------------


def test_amber_briefing_is_for_the_owners_members_only(clients: dict[str, Client]) -> None:
    briefing = make_briefing(slug="amber", title="Zanzibarite laundering")
    url = briefing.get_absolute_url()
    page = clients["focal_point"].get(url).content.decode()
    assert "Zanzibarite laundering" in page and BEC in page
    assert 'href="/records/briefings/amber/edit/"' in page
    assert 'href="/sharing/records.briefing/' in page
    for who in ("anonymous", "public", "outsider", "donor", "expert"):
        assert clients[who].get(url).status_code == 404, who
        assert clients[who].get("/api/v1/records/briefings/amber").status_code == 404, who
        assert "Zanzibarite" not in clients[who].get("/records/briefings/").content.decode()
        assert "Zanzibarite" not in clients[who].get("/hub/countries/GD/").content.decode()
        assert "Zanzibarite" not in clients[who].get("/records/countries/").content.decode()
    coordinator = clients["coordinator"].get(url).content.decode()  # reads, no edit button
    assert "Zanzibarite laundering" in coordinator and "/edit/" not in coordinator
    hub = clients["focal_point"].get("/hub/countries/GD/").content.decode()
    assert "Zanzibarite laundering" in hub
    assert "Zanzibarite" in clients["focal_point"].get("/records/countries/").content.decode()
    # The public country page shows the public record only.
    assert (
        "Zanzibarite" not in clients["focal_point"].get("/records/countries/GD/").content.decode()
    )


def test_clear_briefing_is_public_everywhere(clients: dict[str, Client]) -> None:
    make_briefing(slug="clear", tlp=TLP.CLEAR, title="Pelicanic darknet market", countries=("LC",))
    anonymous = clients["anonymous"]
    assert anonymous.get("/records/briefings/clear/").status_code == 200
    for url in (
        "/records/briefings/",
        "/records/briefings/?country=LC",
        "/records/countries/",
        "/records/countries/LC/",
        "/records/",
        "/hub/countries/LC/",
        "/records/feed/",
        "/records/feed/LC/",
        "/records/search/?q=Pelicanic",
        "/api/v1/records/search?q=Pelicanic",
        "/api/v1/records/briefings",
        "/records/data/briefings.json",
        "/records/data/briefings.csv",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert b"Pelicanic" in response.content, url
    assert b"Pelicanic" not in anonymous.get("/records/briefings/?country=GD").content
    assert b"Pelicanic" not in anonymous.get("/records/feed/GD/").content


def test_amber_briefing_stays_out_of_feeds_and_open_data(clients: dict[str, Client]) -> None:
    make_briefing(slug="amber", title="Zanzibarite laundering")
    for url in ("/records/feed/", "/records/feed/GD/", "/records/data/briefings.json"):
        assert b"Zanzibarite" not in clients["focal_point"].get(url).content, url
    hits = clients["outsider"].get("/api/v1/records/search?q=Zanzibarite").json()
    assert hits["total"] == 0
    mine = clients["focal_point"].get("/api/v1/records/search?q=Zanzibarite").json()
    assert [h["kind"] for h in mine["hits"]] == ["briefing"]


def test_sharing_page_reaches_a_briefing(clients: dict[str, Client]) -> None:
    briefing = make_briefing(slug="share")
    url = f"/sharing/records.briefing/{briefing.pk}/"
    assert clients["focal_point"].get(url).status_code == 200
    assert clients["outsider"].get(url).status_code == 404


def test_create_page(clients: dict[str, Client]) -> None:
    form = {
        "owner": "",
        "tlp": TLP.GREEN,
        "title": "Romance scams with crypto",
        "threat": "virtual-currency fraud",
        "published_on": "2026-11-02",
        "summary": "Victims pay in crypto.",
        "sources": "Europol IOCTA | https://www.europol.europa.eu/iocta\nhttps://example.org/b",
        "countries": ["GD", "LC"],
    }
    page = clients["focal_point"].get("/records/briefings/new/")
    assert page.status_code == 200
    form["owner"] = page.context["form"].fields["owner"].choices[0][0]
    bad = clients["focal_point"].post(
        "/records/briefings/new/", {**form, "sources": "Bad | javascript:alert(1)"}
    )
    assert bad.status_code == 200 and "http:// or https://" in bad.content.decode()
    empty = clients["focal_point"].post("/records/briefings/new/", {**form, "title": ""})
    assert empty.status_code == 200
    assert not Briefing.objects.exists()
    done = clients["focal_point"].post("/records/briefings/new/", form)
    assert done.status_code == 302
    briefing = Briefing.objects.get()
    assert briefing.sources == [
        {"title": "Europol IOCTA", "url": "https://www.europol.europa.eu/iocta"},
        {"title": "https://example.org/b", "url": "https://example.org/b"},
    ]
    assert sorted(briefing.countries.values_list("code", flat=True)) == ["GD", "LC"]
    assert clients["public"].get("/records/briefings/new/").status_code == 403
    new = b'href="/records/briefings/new/"'
    assert new in clients["focal_point"].get("/records/briefings/").content
    for who in ("public", "anonymous"):
        assert new not in clients[who].get("/records/briefings/").content, who
    assert clients["anonymous"].get("/records/briefings/new/").status_code == 302


def test_edit_page_refuses_stale_and_bad_input(clients: dict[str, Client]) -> None:
    briefing = make_briefing(slug="edit")
    url = "/records/briefings/edit/edit/"
    form = {
        "title": "New title",
        "threat": "business e-mail compromise",
        "published_on": "2026-11-21",
        "summary": "",
        "sources": BEC,
        "countries": ["GD"],
        "version": str(briefing.version),
    }
    before = _state(briefing)
    stale = clients["focal_point"].post(url, {**form, "version": "0"})
    assert stale.status_code == 409
    bad = clients["focal_point"].post(url, {**form, "sources": "x | ftp://example.org"})
    assert bad.status_code == 400
    assert clients["coordinator"].post(url, form).status_code == 403
    assert clients["outsider"].post(url, form).status_code == 404
    assert _state(briefing) == before
    assert clients["focal_point"].post(url, form).status_code == 302
    assert Briefing.objects.get(pk=briefing.pk).title == "New title"


# API ------------------------------------------------------------------------------


def _payload(**changes: Any) -> dict[str, Any]:
    return {
        "title": "BEC against small firms",
        "threat": "business e-mail compromise",
        "published_on": "2026-11-20",
        "sources": [{"title": "IC3", "url": BEC}],
        "countries": ["GD"],
        "owner_country": "GD",
        "tlp": TLP.AMBER,
        **changes,
    }


def test_api_create(clients: dict[str, Client]) -> None:
    url = "/api/v1/records/briefings"
    assert clients["anonymous"].post(url, _payload(), content_type=JSON).status_code == 401
    assert clients["outsider"].post(url, _payload(), content_type=JSON).status_code == 403
    assert clients["public"].post(url, _payload(), content_type=JSON).status_code == 403
    for bad in (
        _payload(sources=[{"title": "x", "url": "javascript:alert(1)"}]),
        _payload(title=""),
        _payload(needs=[999999]),
        _payload(countries=["XX"]),
    ):
        assert clients["focal_point"].post(url, bad, content_type=JSON).status_code == 400, bad
    assert not Briefing.objects.exists()
    created = clients["focal_point"].post(url, _payload(), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sources"] == [{"title": "IC3", "url": BEC}] and body["version"] == 1
    assert clients["focal_point"].get(url).json()[0]["slug"] == body["slug"]
    assert clients["outsider"].get(url).json() == []
    assert clients["anonymous"].get(url).json() == []


def test_api_patch_needs_if_match(clients: dict[str, Client]) -> None:
    briefing = make_briefing(slug="patch")
    url = "/api/v1/records/briefings/patch"
    etag = clients["focal_point"].get(url)["ETag"]
    before = _state(briefing)
    change = {"summary": "Changed"}
    assert clients["anonymous"].patch(url, change, content_type=JSON).status_code == 401
    assert (
        clients["outsider"].patch(url, change, HTTP_IF_MATCH=etag, content_type=JSON).status_code
        == 404
    )
    assert (
        clients["coordinator"].patch(url, change, HTTP_IF_MATCH=etag, content_type=JSON).status_code
        == 403
    )
    assert clients["focal_point"].patch(url, change, content_type=JSON).status_code == 428
    stale = f'"briefing-{briefing.pk}-v0"'
    assert (
        clients["focal_point"]
        .patch(url, change, HTTP_IF_MATCH=stale, content_type=JSON)
        .status_code
        == 412
    )
    bad = {"sources": [{"url": "file:///etc/passwd"}]}
    assert (
        clients["focal_point"].patch(url, bad, HTTP_IF_MATCH=etag, content_type=JSON).status_code
        == 400
    )
    assert _state(briefing) == before
    done = clients["focal_point"].patch(url, change, HTTP_IF_MATCH=etag, content_type=JSON)
    assert done.status_code == 200, done.content
    assert done.json()["summary"] == "Changed" and done["ETag"] != etag
    assert done.json()["countries"] == ["GD"]  # left out, kept


def test_openapi_documents_briefings_with_examples(client: Client, world: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/records/briefings"])
    assert {"get", "patch"} <= set(paths["/api/v1/records/briefings/{slug}"])
    assert schema["components"]["schemas"]["BriefingIn"]["examples"]
    assert schema["components"]["schemas"]["BriefingPatchIn"]["examples"]


def test_linked_needs_are_shown_only_to_who_may_see_them(clients: dict[str, Client]) -> None:
    make_plan(country="GD")
    make_plan(country="BB")
    public_need = Need.objects.get(country__code="GD", tlp=TLP.CLEAR)
    hidden = Need.objects.get(country__code="BB", tlp=TLP.AMBER)
    make_briefing(slug="both", tlp=TLP.CLEAR, needs=(public_need, hidden))
    for who, expected in (
        ("anonymous", [public_need.pk]),
        ("focal_point", [public_need.pk]),
        ("outsider", sorted([public_need.pk, hidden.pk])),
    ):
        listed = clients[who].get("/api/v1/records/briefings").json()
        assert [b["needs"] for b in listed] == [expected], who
        one = clients[who].get("/api/v1/records/briefings/both").json()
        assert one["needs"] == expected, who
    page = clients["focal_point"].get("/records/briefings/both/").content.decode()
    assert public_need.title in page and hidden.title not in page
