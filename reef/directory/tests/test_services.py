from __future__ import annotations

from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import OPERATOR_IMPORT
from reef.directory.models import Country, Organisation
from reef.directory.services import (
    countries_sync,
    grouping_set_members,
    organisation_create,
    organisation_update,
)


@pytest.mark.django_db
def test_countries_come_from_iso_3166(world: None) -> None:
    assert Country.objects.count() >= 249
    assert countries_sync() == 0  # idempotent
    assert Country.objects.get(code="TT").alpha3 == "TTO"


@pytest.mark.django_db
def test_grouping_rejects_unknown_codes(world: None) -> None:
    with pytest.raises(ServiceError, match="ZZ"):
        grouping_set_members(slug="bad", name="Bad", members=["GD", "ZZ"], actor=OPERATOR_IMPORT)


@pytest.mark.django_db
def test_caricom_members_and_associates(world: None) -> None:
    from reef.directory.models import Grouping

    caricom = Grouping.objects.get(slug="caricom")
    statuses = dict(caricom.memberships.values_list("country__code", "status"))
    assert statuses["GD"] == "member" and statuses["BM"] == "associate"
    assert len([s for s in statuses.values() if s == "member"]) == 15


@pytest.mark.django_db
def test_organisation_create_validates(world: None) -> None:
    with pytest.raises(ServiceError, match="kind"):
        organisation_create(actor=OPERATOR_IMPORT, name="X", kind="pirates")
    with pytest.raises(ServiceError, match="slug"):
        organisation_create(actor=OPERATOR_IMPORT, name="OAS again", kind="donor", slug="oas")
    with pytest.raises(ServiceError, match="name"):
        organisation_create(actor=OPERATOR_IMPORT, name="  ", kind="donor")


@pytest.mark.django_db
def test_organisation_update_needs_an_editor(users: dict[str, Any]) -> None:
    oas = Organisation.objects.get(slug="oas")
    with pytest.raises(PermissionDenied):
        organisation_update(
            actor=users["focal_point"], organisation=oas, description="x", website=""
        )
    updated = organisation_update(
        actor=users["donor"], organisation=oas, description="new", website="https://www.oas.org"
    )
    assert updated.version == 2


@pytest.mark.django_db
def test_government_contacts_belong_to_the_country(users: dict[str, Any]) -> None:
    from reef.core.access import can
    from reef.core.tlp import TLP
    from reef.directory.services import person_create

    ministry = Organisation.objects.get(slug="gd-ict-ministry")
    person = person_create(
        actor=OPERATOR_IMPORT, name="Contact", organisation=ministry, tlp=TLP.AMBER
    )
    assert person.owner_country == Country.objects.get(code="GD")
    assert can(users["focal_point"], person)
    assert not can(users["outsider"], person)
    company = Organisation.objects.get(slug="tt-secure-networks")
    staff = person_create(actor=OPERATOR_IMPORT, name="Staff", organisation=company, tlp=TLP.AMBER)
    assert staff.owner_organisation == company
    assert can(users["expert"], staff)


@pytest.mark.django_db
def test_administrators_manage_organisations_and_consortia(users: dict[str, Any]) -> None:
    from reef.directory.services import consortium_member_set

    with pytest.raises(PermissionDenied):
        organisation_create(actor=users["focal_point"], name="Nope", kind="private")
    with pytest.raises(ServiceError, match="website"):
        organisation_create(actor=users["admin"], name="Bad site", kind="private", website="x")
    assert not Organisation.objects.filter(name__in=["Nope", "Bad site"]).exists()
    org = organisation_create(
        actor=users["admin"], name="Caribbean CERT Forum", acronym="CCF", kind="regional"
    )
    assert org.slug == "ccf" and org.owner_organisation == org
    cci = Organisation.objects.get(slug="cci")
    with pytest.raises(PermissionDenied):
        consortium_member_set(
            actor=users["focal_point"], consortium=cci, organisation=org, member=True
        )
    with pytest.raises(ServiceError, match="not a consortium"):
        consortium_member_set(actor=users["admin"], consortium=org, organisation=cci, member=True)
    consortium_member_set(actor=users["admin"], consortium=cci, organisation=org, member=True)
    assert org.consortia.filter(pk=cci.pk).exists()
    consortium_member_set(actor=users["admin"], consortium=cci, organisation=org, member=False)
    assert not org.consortia.exists()


@pytest.mark.django_db
def test_organisation_create_page(users: dict[str, Any], clients: dict[str, Any]) -> None:
    response = clients["admin"].post(
        "/directory/organisations/new/",
        {"name": "Grenada CIRT", "kind": "government", "country": Country.objects.get(code="GD").pk,
         "tlp": "TLP:CLEAR"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    org = Organisation.objects.get(name="Grenada CIRT")
    assert org.owner_country and org.owner_country.code == "GD"
    refused = clients["admin"].post(
        "/directory/organisations/new/", {"name": "", "kind": "government", "tlp": "TLP:CLEAR"}
    )
    assert refused.status_code == 200
    assert clients["focal_point"].get("/directory/organisations/new/").status_code == 404


@pytest.mark.django_db
def test_grouping_command_is_for_administrators(users: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from reef.directory.models import Grouping

    def run(*args: str) -> str:
        out = StringIO()
        call_command("grouping", *args, stdout=out)
        return out.getvalue()

    with pytest.raises(CommandError, match="may not"):
        run("set", "eastern", "--name", "Eastern", "--members", "GD,LC",
            "--as", users["focal_point"].email)  # fmt: skip
    with pytest.raises(CommandError, match="ZZ"):
        run("set", "eastern", "--name", "Eastern", "--members", "GD,ZZ")
    assert not Grouping.objects.filter(slug="eastern").exists()
    run("set", "eastern", "--name", "Eastern", "--members", "GD,LC", "--as", users["admin"].email)
    assert "eastern\tEastern\tGD,LC" in run("list")
