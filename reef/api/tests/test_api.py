from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.accounts.services import api_token_create


@pytest.mark.django_db
def test_openapi_schema_is_valid(client: Client) -> None:
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["info"]["title"] == "Reef API"


@pytest.mark.django_db
def test_token_authentication(users: dict[str, Any], client: Client) -> None:
    _, secret = api_token_create(user=users["donor"], name="test")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["email"] == users["donor"].email
    bad = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer reef_nope_nope")
    assert bad.status_code == 401
    assert bad.json() == {"detail": "Authentication required or invalid credentials."}
    assert client.get("/api/v1/me").status_code == 401
    # A bad token is refused even on public endpoints, never silently anonymous.
    assert client.get("/api/v1/countries", HTTP_AUTHORIZATION="Basic abc").status_code == 401


@pytest.mark.django_db
def test_public_endpoints_answer_anonymous(client: Client, world: None) -> None:
    response = client.get("/api/v1/countries")
    assert response.status_code == 200
    codes = {c["code"] for c in response.json()}
    assert {"GD", "TT", "BB"} <= codes
    assert client.get("/api/v1/countries/gd").json()["name"] == "Grenada"
    assert client.get("/api/v1/countries/ZZ").status_code == 404


@pytest.mark.django_db
def test_bad_input_is_a_clear_json_error(client: Client, world: None) -> None:
    response = client.get("/api/v1/countries?region_only=maybe")
    assert response.status_code == 422
    assert response.json()["detail"] == "The request does not match the schema."


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "public", "donor", "focal_point", "outsider"])
def test_organisation_list_follows_labels(clients: dict[str, Any], who: str) -> None:
    from reef.core.tlp import TLP
    from reef.directory.models import Country, Organisation, OrganisationKind

    gd = Country.objects.get(code="GD")
    Organisation.objects.create(
        slug="gd-green",
        name="Green",
        kind=OrganisationKind.GOVERNMENT,
        country=gd,
        owner_country=gd,
        tlp=TLP.GREEN,
    )
    slugs = {o["slug"] for o in clients[who].get("/api/v1/organisations").json()}
    assert "oas" in slugs
    assert ("gd-green" in slugs) == (who in {"donor", "focal_point", "outsider"})
