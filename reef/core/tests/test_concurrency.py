"""No lost updates: versioned writes, ETag / If-Match on the API, conflict page for forms."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory

from reef.accounts.services import api_token_create
from reef.core.audit import audit_seal, audit_verify
from reef.core.concurrency import (
    PreconditionFailed,
    PreconditionRequired,
    check_if_match,
    etag_for,
    render_conflict,
    save_versioned,
)
from reef.core.errors import Conflict
from reef.core.models import AuditEntry
from reef.directory.models import Organisation
from reef.directory.services import organisation_update
from tests_support.world import ensure_world, persona

URL = "/api/v1/organisations/oas"


def _bearer(user: Any) -> str:
    _, secret = api_token_create(user=user, name="concurrency test")
    return f"Bearer {secret}"


@pytest.mark.django_db
def test_save_versioned_bumps_the_version_and_refuses_a_stale_one(world: None) -> None:
    org = Organisation.objects.get(slug="oas")
    start = org.version
    org.description = "first"
    assert save_versioned(org, expected_version=start, fields=["description"]) == start + 1
    stale = Organisation.objects.get(slug="oas")
    stale.description = "second, from a stale copy"
    with pytest.raises(Conflict):
        save_versioned(stale, expected_version=start, fields=["description"])
    stored = Organisation.objects.get(slug="oas")
    assert stored.description == "first"
    assert stored.version == start + 1


@pytest.mark.django_db
def test_stale_service_write_is_a_conflict_and_changes_nothing(users: dict[str, Any]) -> None:
    a = Organisation.objects.get(slug="oas")
    b = Organisation.objects.get(slug="oas")
    audit_before = AuditEntry.objects.count()
    organisation_update(actor=users["donor"], organisation=a, description="A", website="")
    with pytest.raises(Conflict):
        organisation_update(
            actor=users["donor"],
            organisation=b,
            description="B",
            website="",
            expected_version=b.version,
        )
    stored = Organisation.objects.get(slug="oas")
    assert stored.description == "A"
    assert AuditEntry.objects.count() == audit_before + 1  # the refused write left no trace
    assert audit_verify().ok


@pytest.mark.django_db
def test_if_match_helpers(world: None) -> None:
    org = Organisation.objects.get(slug="oas")
    rf = RequestFactory()
    with pytest.raises(PreconditionRequired):
        check_if_match(rf.put("/"), org)
    with pytest.raises(PreconditionRequired):
        check_if_match(rf.put("/", HTTP_IF_MATCH="*"), org)
    with pytest.raises(PreconditionFailed):
        check_if_match(rf.put("/", HTTP_IF_MATCH='"organisation-0-v1"'), org)
    with pytest.raises(PreconditionFailed):  # weak tags never match (strong comparison)
        check_if_match(rf.put("/", HTTP_IF_MATCH=f"W/{etag_for(org)}"), org)
    header = f'"other", {etag_for(org)}'
    assert check_if_match(rf.put("/", HTTP_IF_MATCH=header), org) == org.version


@pytest.mark.django_db
def test_api_put_needs_if_match_and_refuses_stale_etags(users: dict[str, Any]) -> None:
    client = Client()
    auth = _bearer(users["donor"])
    read = client.get(URL, HTTP_AUTHORIZATION=auth)
    etag = read["ETag"]
    assert etag == etag_for(Organisation.objects.get(slug="oas"))
    body = {"description": "Organisation of American States", "website": "https://www.oas.org"}

    missing = client.put(URL, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert missing.status_code == 428
    ok = client.put(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=auth, HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] != etag
    assert ok.json()["version"] == read.json()["version"] + 1
    # A second writer still holding the old ETag is refused, and nothing changes.
    stale = client.put(
        URL,
        {"description": "overwrite", "website": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert Organisation.objects.get(slug="oas").description == body["description"]
    # With the new ETag it goes through.
    again = client.put(
        URL,
        {"description": "overwrite", "website": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_IF_MATCH=ok["ETag"],
    )
    assert again.status_code == 200


@pytest.mark.django_db
def test_api_put_access(users: dict[str, Any]) -> None:
    from reef.core.tlp import TLP
    from reef.directory.models import Country, OrganisationKind

    gd = Country.objects.get(code="GD")
    hidden = Organisation.objects.create(
        slug="gd-unit",
        name="GD unit",
        kind=OrganisationKind.GOVERNMENT,
        country=gd,
        owner_country=gd,
        tlp=TLP.AMBER_STRICT,
    )
    body = {"description": "x", "website": ""}
    anonymous = Client().put(URL, body, content_type="application/json", HTTP_IF_MATCH="x")
    assert anonymous.status_code == 401
    # Visible but not editable: 403, whatever the If-Match.
    public = Client().put(
        URL,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=_bearer(users["focal_point"]),
        HTTP_IF_MATCH=etag_for(Organisation.objects.get(slug="oas")),
    )
    assert public.status_code == 403
    # Hidden from the outsider: 404, not 403 or 428.
    outsider = Client().put(
        f"/api/v1/organisations/{hidden.slug}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=_bearer(users["outsider"]),
        HTTP_IF_MATCH=etag_for(hidden),
    )
    assert outsider.status_code == 404
    # Mass assignment: fields outside the schema are ignored.
    ok = Client().put(
        f"/api/v1/organisations/{hidden.slug}",
        {**body, "tlp": "CLEAR", "owner_country": "BB", "version": 99, "slug": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_bearer(users["focal_point"]),
        HTTP_IF_MATCH=etag_for(hidden),
    )
    assert ok.status_code == 200, ok.content
    hidden.refresh_from_db()
    assert (hidden.tlp, hidden.owner_country_id, hidden.slug) == (
        TLP.AMBER_STRICT,
        gd.pk,
        "gd-unit",
    )
    assert hidden.version == 2


@pytest.mark.django_db
def test_api_put_refuses_script_urls(users: dict[str, Any]) -> None:
    org = Organisation.objects.get(slug="oas")
    response = Client().put(
        URL,
        {"description": "x", "website": "javascript:alert(1)"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_bearer(users["donor"]),
        HTTP_IF_MATCH=etag_for(org),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "website"
    assert Organisation.objects.get(slug="oas").version == org.version


@pytest.mark.django_db
def test_conflict_page_shows_yours_and_current(users: dict[str, Any]) -> None:
    org = Organisation.objects.get(slug="oas")
    organisation_update(
        actor=users["donor"], organisation=org, description="Theirs <b>bold</b>", website=""
    )
    request = RequestFactory().post("/directory/organisations/oas/edit/")
    request.user = users["donor"]
    response = render_conflict(
        request,
        current=org,
        yours={"description": "Mine <script>alert(1)</script>", "website": ""},
        fields=["description", "website"],
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mine &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Theirs &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Yours" in html and "Current" in html
    assert f"Current version: {org.version}" in html


def _race(workers: int, rounds: int) -> list[BaseException]:
    """Each worker appends its marks to the description with read-modify-write and retries."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work(n: int) -> None:
        try:
            donor = persona("donor")
            barrier.wait()
            for r in range(rounds):
                while True:
                    org = Organisation.objects.get(slug="oas")
                    try:
                        organisation_update(
                            actor=donor,
                            organisation=org,
                            description=f"{org.description}[{n}.{r}]",
                            website="",
                            expected_version=org.version,
                        )
                        break
                    except Conflict:
                        continue
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_lose_nothing() -> None:
    if connection.vendor == "sqlite":
        workers, rounds = 4, 5  # SQLite serialises writers (IMMEDIATE, busy timeout)
    else:
        workers, rounds = 8, 10
    ensure_world()
    Organisation.objects.filter(slug="oas").update(description="")
    start = Organisation.objects.get(slug="oas").version
    errors = _race(workers, rounds)
    assert not errors, errors
    org = Organisation.objects.get(slug="oas")
    marks = {f"[{n}.{r}]" for n in range(workers) for r in range(rounds)}
    assert all(mark in org.description for mark in marks)
    assert org.version == start + workers * rounds
    audit_seal(wait=True)  # an entry whose after-commit seal was skipped
    result = audit_verify()
    assert result.ok, result.problems
    assert result.entries == AuditEntry.objects.count()  # every entry sealed, once
    assert AuditEntry.objects.filter(action="organisation_update").count() == workers * rounds
