"""API: GET/PUT /api/v1/sharing/{kind}/{id} as anonymous, outsider and owner."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.access import can
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.records import services as records
from reef.records.models import Publication

pytestmark = pytest.mark.django_db


def _publication(users: dict[str, Any], tlp: str = TLP.AMBER) -> Publication:
    return records.publication_create(
        actor=users["focal_point"],
        title="Shared through the API",
        owner_country=Country.objects.get(code="GD"),
        tlp=tlp,
    )


def _url(pub: Publication) -> str:
    return f"/api/v1/sharing/records.publication/{pub.pk}"


def test_sharing_get_access(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    expected = {
        "anonymous": 401,
        "focal_point": 200,
        "coordinator": 404,  # reads it, may not share it: its sharing does not exist for them
        "donor": 404,
        "expert": 404,
        "public": 404,
        "outsider": 404,
    }
    for who, status in expected.items():
        assert clients[who].get(_url(pub)).status_code == status, who
    body = clients["focal_point"].get(_url(pub)).json()
    assert body["tlp"] == TLP.AMBER
    assert body["kind"] == "records.publication"
    assert body["kept_readers"] == [users["focal_point"].email]


def test_sharing_put_access(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    etag = f'"publication-{pub.pk}-v1"'
    for who in ("anonymous", "outsider", "donor", "public", "coordinator"):
        response = clients[who].put(
            _url(pub), {"countries": ["BB"]}, content_type="application/json", HTTP_IF_MATCH=etag
        )
        assert response.status_code in (401, 404), who
    assert not can(users["outsider"], pub)


def test_put_shares_and_names_readers(users: dict[str, Any], clients: dict[str, Any]) -> None:
    pub = _publication(users)
    client = clients["focal_point"]
    got = client.get(_url(pub))
    response = client.put(
        _url(pub),
        {"countries": ["bb"]},
        content_type="application/json",
        HTTP_IF_MATCH=got["ETag"],
    )
    assert response.status_code == 200, response.json()
    assert response.json()["countries"] == ["BB"]
    assert can(users["outsider"], Publication.objects.get(pk=pub.pk))
    # Now RED, for the donor only (plus the author and Grenada's managers).
    response = client.put(
        _url(pub),
        {"tlp": TLP.RED, "countries": [], "readers": [users["donor"].email]},
        content_type="application/json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["tlp"] == TLP.RED
    assert body["readers"] == sorted([users["donor"].email, users["focal_point"].email])
    fresh = Publication.objects.get(pk=pub.pk)
    assert can(users["donor"], fresh)
    assert not can(users["outsider"], fresh)
    assert clients["outsider"].get(f"/api/v1/records/publications/{pub.slug}").status_code == 404


def test_put_needs_if_match_and_refuses_bad_input(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    pub = _publication(users)
    client = clients["focal_point"]
    body = {"countries": ["BB"]}
    assert client.put(_url(pub), body, content_type="application/json").status_code == 428
    stale = f'"publication-{pub.pk}-v9"'
    response = client.put(_url(pub), body, content_type="application/json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    etag = client.get(_url(pub))["ETag"]
    for bad in ({"countries": ["ZZ"]}, {"tlp": "TLP:PINK"}, {"readers": ["nobody@example.org"]}):
        response = client.put(_url(pub), bad, content_type="application/json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400, bad
        assert response.json()["detail"]
    fresh = Publication.objects.get(pk=pub.pk)
    assert fresh.version == 1
    assert not fresh.shared_with_countries.exists()


def test_unknown_kinds_are_not_found(clients: dict[str, Any]) -> None:
    for kind in ("accounts.user", "core.auditentry", "nope"):
        assert clients["focal_point"].get(f"/api/v1/sharing/{kind}/1").status_code == 404
