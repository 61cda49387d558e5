"""TLP visibility: each label, each persona, through the one access layer."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.access import can
from reef.core.roles import Action
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation, OrganisationKind, Person

ALL = ["anonymous", "focal_point", "coordinator", "donor", "expert", "public", "outsider"]
COMMUNITY = ["focal_point", "coordinator", "donor", "expert", "outsider"]

# Who sees a record owned by Grenada, per label (coordinator: CARICOM includes Grenada).
EXPECTED: dict[str, list[str]] = {
    TLP.CLEAR: ALL,
    TLP.GREEN: COMMUNITY,
    TLP.AMBER: ["focal_point", "coordinator"],
    TLP.AMBER_STRICT: ["focal_point"],
    TLP.RED: [],
}


def _person(tlp: str) -> Any:
    gd = Country.objects.get(code="GD")
    return Person.objects.create(name=f"Record {tlp}", country=gd, owner_country=gd, tlp=tlp)


def _user(users: dict[str, Any], who: str) -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if who == "anonymous" else users[who]


@pytest.mark.django_db
@pytest.mark.parametrize("label", list(EXPECTED))
@pytest.mark.parametrize("who", ALL)
def test_visibility_by_label_and_persona(users: dict[str, Any], label: str, who: str) -> None:
    record = _person(label)
    visible = Person.objects.for_user(_user(users, who)).filter(pk=record.pk).exists()
    assert visible == (who in EXPECTED[label])


@pytest.mark.django_db
def test_red_is_for_named_recipients_only(users: dict[str, Any]) -> None:
    record = _person(TLP.RED)
    assert not can(users["focal_point"], record)
    record.readers.add(users["expert"])
    assert can(users["expert"], record)
    assert not can(users["focal_point"], record)
    assert not can(users["coordinator"], record)


@pytest.mark.django_db
def test_amber_shared_with_an_organisation(users: dict[str, Any]) -> None:
    record = _person(TLP.AMBER)
    assert not can(users["donor"], record)
    record.shared_with_organisations.add(Organisation.objects.get(slug="oas"))
    assert can(users["donor"], record)
    # Sharing never widens AMBER+STRICT.
    strict = _person(TLP.AMBER_STRICT)
    strict.shared_with_organisations.add(Organisation.objects.get(slug="oas"))
    assert not can(users["donor"], strict)


@pytest.mark.django_db
def test_amber_shared_with_a_country(users: dict[str, Any]) -> None:
    record = _person(TLP.AMBER)
    record.shared_with_countries.add(Country.objects.get(code="BB"))
    assert can(users["outsider"], record)


@pytest.mark.django_db
def test_edit_and_manage_need_roles_in_the_owner(users: dict[str, Any]) -> None:
    record = _person(TLP.GREEN)
    assert can(users["focal_point"], record, Action.EDIT)
    assert can(users["focal_point"], record, Action.MANAGE)
    assert not can(users["coordinator"], record, Action.EDIT)
    assert not can(users["outsider"], record, Action.EDIT)
    org_record = Organisation.objects.get(slug="oas")
    assert can(users["donor"], org_record, Action.EDIT)
    assert not can(users["donor"], org_record, Action.MANAGE)


@pytest.mark.django_db
def test_results_have_no_duplicates(users: dict[str, Any]) -> None:
    record = _person(TLP.AMBER)
    record.readers.add(users["focal_point"], users["expert"])
    record.shared_with_organisations.add(*Organisation.objects.filter(slug__in=["oas", "itu"]))
    qs = Person.objects.for_user(users["focal_point"]).filter(pk=record.pk)
    assert qs.count() == 1


@pytest.mark.django_db
def test_inactive_user_sees_only_public(users: dict[str, Any]) -> None:
    record = _person(TLP.GREEN)
    user = users["focal_point"]
    user.is_active = False
    assert not Person.objects.for_user(user).filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_hidden_organisation_is_404_in_page_api_and_cli(clients: dict[str, Any]) -> None:
    from django.core.management import CommandError, call_command

    gd = Country.objects.get(code="GD")
    Organisation.objects.create(
        slug="gd-secret",
        name="Secret unit",
        kind=OrganisationKind.GOVERNMENT,
        country=gd,
        owner_country=gd,
        tlp=TLP.AMBER_STRICT,
    )
    assert clients["outsider"].get("/directory/organisations/gd-secret/").status_code == 404
    assert clients["focal_point"].get("/directory/organisations/gd-secret/").status_code == 200
    assert clients["outsider"].get("/api/v1/organisations/gd-secret").status_code == 404
    assert clients["focal_point"].get("/api/v1/organisations/gd-secret").status_code == 200
    # A missing slug answers exactly like a hidden one.
    missing = clients["outsider"].get("/api/v1/organisations/no-such-thing")
    hidden = clients["outsider"].get("/api/v1/organisations/gd-secret")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    with pytest.raises(CommandError, match="Not found"):
        call_command("organisation", "show", "gd-secret", as_user="focal.barbados@demo.reef")
    call_command("organisation", "show", "gd-secret", as_user="focal.grenada@demo.reef")


@pytest.mark.django_db
def test_restricted_reads_are_audited(users: dict[str, Any], clients: dict[str, Any]) -> None:
    from reef.core.models import AuditEntry

    gd = Country.objects.get(code="GD")
    org = Organisation.objects.create(
        slug="gd-amber",
        name="Amber unit",
        kind=OrganisationKind.GOVERNMENT,
        country=gd,
        owner_country=gd,
        tlp=TLP.AMBER,
    )
    clients["focal_point"].get("/directory/organisations/gd-amber/")
    entry = AuditEntry.objects.filter(action="read", object_id=str(org.pk)).last()
    assert entry is not None
    assert entry.actor == users["focal_point"].email
    assert entry.tlp == TLP.AMBER
