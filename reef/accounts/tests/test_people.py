"""Roles and invitations: who may give which role where, the administrator role, verified
addresses, leaving, and invitations (issue 12; issue 13 item 12)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reef.accounts.models import ApiToken, Invitation, Membership, User
from reef.accounts.people import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_grant,
    membership_revoke,
)
from reef.accounts.services import api_token_create, user_deactivate
from reef.core.access import scope_for
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import OPERATOR_IMPORT
from reef.directory.models import Country, Grouping, Organisation, Person
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def _gd() -> Country:
    return Country.objects.get(code="GD")


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cached scope


def test_administrator_is_a_role_that_reads_no_amber(users: dict[str, Any]) -> None:
    admin = users["admin"]
    scope = scope_for(admin)
    assert scope.is_admin and not scope.countries and not scope.is_community
    amber = Person.objects.get(name="Incident lead, Grenada (illustrative)")
    assert not Person.objects.for_user(admin).filter(pk=amber.pk).exists()
    assert Person.objects.for_user(users["focal_point"]).filter(pk=amber.pk).exists()
    assert not scope_for(users["focal_point"]).is_admin


def test_a_role_takes_effect_only_once_the_address_is_verified(world: None) -> None:
    user = make_user(verified=False)
    membership_grant(user=user, role="viewer", actor=OPERATOR_IMPORT, country=_gd())
    assert scope_for(_fresh(user)).countries == {}
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert scope_for(_fresh(user)).countries == {_gd().pk: 1}


def test_managers_grant_up_to_manager_in_their_own_place(users: dict[str, Any]) -> None:
    focal = users["focal_point"]
    person = make_user()
    membership_grant(user=person, role="manager", actor=focal, country=_gd())
    assert Membership.objects.get(user=person).role == "manager"
    refused: list[dict[str, Any]] = [
        {"role": "viewer", "country": Country.objects.get(code="BB")},  # not their country
        {"role": "coordinator", "grouping": Grouping.objects.get(slug="caricom")},
        {"role": "admin"},
        {"role": "viewer", "organisation": Organisation.objects.get(slug="oas")},
    ]
    other = make_user()
    for kwargs in refused:
        with pytest.raises(PermissionDenied):
            membership_grant(user=other, actor=focal, **kwargs)
    assert not Membership.objects.filter(user=other).exists()
    # An editor grants nothing, even in their own organisation.
    with pytest.raises(PermissionDenied):
        membership_grant(
            user=other,
            role="viewer",
            actor=users["donor"],
            organisation=Organisation.objects.get(slug="oas"),
        )


def test_administrators_grant_everywhere_but_not_to_themselves(users: dict[str, Any]) -> None:
    admin = users["admin"]
    person = make_user()
    membership_grant(
        user=person, role="coordinator", actor=admin, grouping=Grouping.objects.get(slug="oecs")
    )
    membership_grant(user=person, role="admin", actor=admin)
    assert scope_for(_fresh(person)).is_admin
    with pytest.raises(PermissionDenied):
        membership_grant(user=admin, role="manager", actor=admin, country=_gd())
    with pytest.raises(PermissionDenied):
        membership_grant(
            user=users["outsider"],
            role="manager",
            actor=users["outsider"],
            country=_gd(),
        )


def test_the_last_manager_can_neither_leave_nor_step_down(users: dict[str, Any]) -> None:
    focal = users["focal_point"]
    own = Membership.objects.get(user=focal, country=_gd())
    with pytest.raises(ServiceError, match="last manager"):
        membership_revoke(membership=own, actor=focal)
    with pytest.raises(ServiceError, match="last manager"):
        membership_grant(user=focal, role="editor", actor=focal, country=_gd())
    assert Membership.objects.get(pk=own.pk).role == "manager"
    membership_grant(user=make_user(), role="manager", actor=focal, country=_gd())
    membership_grant(user=focal, role="editor", actor=focal, country=_gd())  # a step down
    with pytest.raises(PermissionDenied):  # and not back up
        membership_grant(user=_fresh(focal), role="manager", actor=_fresh(focal), country=_gd())


def test_a_member_can_leave_and_it_is_audited_and_mailed(users: dict[str, Any]) -> None:
    person = make_user(language="es")
    m = membership_grant(user=person, role="viewer", actor=users["focal_point"], country=_gd())
    assert mail.outbox[-1].to == [person.email]
    assert "Lector" in mail.outbox[-1].subject  # the person's language
    membership_revoke(membership=m, actor=person)
    assert not Membership.objects.filter(pk=m.pk).exists()
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None and last.action == "membership_leave" and last.actor == person.email
    assert mail.outbox[-1].to == [person.email]
    # Someone else's membership: only its place's managers or an administrator.
    other = membership_grant(user=make_user(), role="viewer", actor=OPERATOR_IMPORT, country=_gd())
    with pytest.raises(PermissionDenied):
        membership_revoke(membership=other, actor=users["outsider"])
    membership_revoke(membership=other, actor=users["admin"])


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+/people/invitation/(\S+)/", message.body)
    assert found, message.body
    return found.group(1)


def test_invitation_refuses_bad_input_and_changes_nothing(users: dict[str, Any]) -> None:
    focal = users["focal_point"]
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"email": "not an address", "role": "viewer", "country": _gd()}, ServiceError),
        ({"email": "a@test.reef", "role": "admin"}, ServiceError),
        ({"email": "a@test.reef", "role": "king", "country": _gd()}, ServiceError),
        ({"email": "a@test.reef", "role": "viewer"}, ServiceError),
        (
            {"email": "a@test.reef", "role": "viewer", "country": Country.objects.get(code="BB")},
            PermissionDenied,
        ),
        ({"email": focal.email, "role": "manager", "country": _gd()}, ServiceError),  # holds it
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            invitation_create(actor=focal, **kwargs)
    assert not Invitation.objects.exists() and not mail.outbox


def test_an_invitation_works_once_for_its_address(users: dict[str, Any]) -> None:
    focal = users["focal_point"]
    invitation, secret = invitation_create(
        actor=focal, email="New.Editor@test.reef", role="editor", country=_gd()
    )
    assert _link(mail.outbox[-1]) == secret and invitation.digest != secret
    assert invitation.expires_at - timezone.now() > timedelta(days=6)
    wrong = make_user()
    with pytest.raises(ServiceError, match="another address"):
        invitation_accept(secret=secret, user=wrong)
    invitee = make_user(email="new.editor@test.reef", verified=False)
    m = invitation_accept(secret=secret, user=invitee)
    assert m.role == "editor" and m.country == _gd()
    assert EmailAddress.objects.get(user=invitee).verified  # the link proved the address
    assert scope_for(_fresh(invitee)).countries == {_gd().pk: 2}
    with pytest.raises(ServiceError, match="already been used"):
        invitation_accept(secret=secret, user=invitee)
    with pytest.raises(ServiceError):
        invitation_accept(secret="nonsense", user=invitee)


def test_expired_withdrawn_and_orphaned_invitations_do_nothing(users: dict[str, Any]) -> None:
    focal = users["focal_point"]
    person = make_user()
    invitation, secret = invitation_create(
        actor=focal, email=person.email, role="viewer", country=_gd()
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ServiceError, match="expired"):
        invitation_accept(secret=secret, user=person)
    invitation, secret = invitation_create(
        actor=focal, email=person.email, role="viewer", country=_gd()
    )
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, actor=users["outsider"])
    invitation_revoke(invitation=invitation, actor=focal)
    with pytest.raises(ServiceError, match="withdrawn"):
        invitation_accept(secret=secret, user=person)
    # The inviter has lost the right to give the role since: the link no longer works.
    deputy = make_user()
    membership_grant(user=deputy, role="manager", actor=focal, country=_gd())
    _inv, secret = invitation_create(
        actor=_fresh(deputy), email=person.email, role="viewer", country=_gd()
    )
    membership_revoke(membership=Membership.objects.get(user=deputy), actor=focal)
    with pytest.raises(ServiceError, match="no longer"):
        invitation_accept(secret=secret, user=person)
    assert not Membership.objects.filter(user=person).exists()


def test_invitation_page_signs_up_then_forces_mfa(users: dict[str, Any]) -> None:
    _inv, secret = invitation_create(
        actor=users["focal_point"], email="fresh@test.reef", role="viewer", country=_gd()
    )
    client = Client()
    url = f"/people/invitation/{secret}/"
    page = client.get(url)
    assert page.status_code == 200 and b"password" in page.content
    differ = client.post(url, {"password1": "a long test password 123", "password2": "other"})
    assert differ.status_code == 200 and not User.objects.filter(email="fresh@test.reef").exists()
    done = client.post(
        url, {"password1": "a long test password 123", "password2": "a long test password 123"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("mfa_activate_totp")
    user = User.objects.get(email="fresh@test.reef")
    assert Membership.objects.filter(user=user, country=_gd(), role="viewer").exists()
    # Until MFA is set up, the role opens nothing.
    assert client.get("/people/")["Location"] == reverse("mfa_activate_totp")
    # A fragment the page loads by itself (the unread badge) is refused, not handed the
    # activation page to swap into the header.
    badge = client.get(reverse("notifications:unread"), headers={"HX-Request": "true"})
    assert badge.status_code == 403 and badge.content == b""
    used = Client().get(url)
    assert used.status_code == 200 and b"already been used" in used.content


def test_deactivation_is_for_administrators_and_ends_tokens(users: dict[str, Any]) -> None:
    person = make_user()
    _token, _secret = api_token_create(user=person, name="t")
    with pytest.raises(PermissionDenied):
        user_deactivate(user=person, actor=users["focal_point"])
    with pytest.raises(PermissionDenied):
        user_deactivate(user=users["admin"], actor=users["admin"])
    user_deactivate(user=person, actor=users["admin"])
    assert not _fresh(person).is_active
    assert mail.outbox[-1].to == [person.email] and "deactivated" in mail.outbox[-1].subject
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    with pytest.raises(ServiceError, match="already"):
        user_deactivate(user=_fresh(person), actor=OPERATOR_IMPORT)


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_member_commands_follow_the_rules(users: dict[str, Any]) -> None:
    person = make_user()
    focal = users["focal_point"].email
    _call("member", "grant", person.email, "--role", "editor", "--country", "GD", "--as", focal)
    with pytest.raises(CommandError, match="may not"):
        _call(
            "member", "grant", person.email, "--role", "viewer", "--country", "GD",
            "--as", users["outsider"].email,
        )  # fmt: skip
    with pytest.raises(CommandError, match="Name the place"):
        _call("member", "grant", person.email, "--role", "viewer")
    import json

    listed = json.loads(_call("member", "list", "--email", person.email, "--json", "--as", focal))
    assert [(m["role"], m["country"]) for m in listed] == [("editor", "GD")]
    # The outsider manages Barbados only: they see no Grenada membership.
    assert json.loads(_call("member", "list", "--country", "GD", "--json", "--as",
                            users["outsider"].email)) == []  # fmt: skip
    with pytest.raises(CommandError, match="not manager"):
        _call("member", "revoke", person.email, "--role", "manager", "--country", "GD")
    _call("member", "revoke", person.email, "--country", "GD", "--as", focal)
    assert not Membership.objects.filter(user=person).exists()
    _call("user", "deactivate", person.email)
    assert not _fresh(person).is_active
    with pytest.raises(CommandError, match="may not"):
        _call("user", "deactivate", users["public"].email, "--as", focal)


def test_members_page_shows_only_allowed_actions(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    page = clients["focal_point"].get("/people/places/country/GD/")
    assert page.status_code == 200
    html = page.content.decode()
    assert users["focal_point"].email in html and "Send the invitation" in html
    assert 'value="coordinator"' not in html
    assert ">Leave<" not in html  # the only manager of Grenada: no button the service refuses
    assert clients["outsider"].get("/people/places/country/GD/").status_code == 404
    assert clients["admin"].get("/people/places/grouping/caricom/").status_code == 200
    sent = clients["focal_point"].post(
        "/people/places/country/GD/invite/", {"email": "x@test.reef", "role": "manager"}
    )
    assert sent.status_code == 302 and Invitation.objects.filter(email="x@test.reef").exists()


def test_audit_page_is_for_administrators_and_withholds_amber(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from reef.core.audit import audit_append

    audit_append(action="probe_amber", actor=OPERATOR_IMPORT, tlp="TLP:AMBER",
                 detail={"title": "secret-title"})  # fmt: skip
    audit_append(action="probe_clear", actor=OPERATOR_IMPORT, detail={"note": "open-note"})
    page = clients["admin"].get("/people/audit/?action=probe")
    html = page.content.decode()
    assert page.status_code == 200 and "probe_amber" in html and "probe_clear" in html
    assert "secret-title" not in html and "open-note" in html
    assert "probe_clear" not in clients["admin"].get("/people/audit/?action=other").content.decode()
    assert clients["admin"].get("/people/audit/?since=notadate").status_code == 200
    for who in ("focal_point", "coordinator", "public"):
        assert clients[who].get("/people/audit/").status_code == 404


def test_administrators_do_not_see_amber_organisations(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from reef.directory.services import organisation_create

    hidden = organisation_create(
        actor=users["admin"], name="Quiet Unit", kind="private", tlp="TLP:AMBER"
    )
    assert clients["admin"].get(f"/people/places/organisation/{hidden.slug}/").status_code == 404
    assert "Quiet Unit" not in clients["admin"].get("/people/").content.decode()
    assert clients["admin"].get("/people/places/organisation/oas/").status_code == 200


def test_console_grants_coordinators_and_administrators(users: dict[str, Any]) -> None:
    person = make_user(verified=False)
    out = _call("member", "grant", person.email, "--role", "coordinator", "--grouping", "oecs")
    assert "coordinator" in out and "not verified" in out  # and so not in effect yet
    assert not scope_for(_fresh(person)).groupings
    _call("member", "grant", person.email, "--role", "admin")
    with pytest.raises(CommandError, match="may not"):  # a manager cannot make an admin
        _call("member", "grant", make_user().email, "--role", "admin",
              "--as", users["focal_point"].email)  # fmt: skip
    _call("member", "revoke", person.email, "--role", "admin")
    _call("member", "revoke", person.email, "--grouping", "oecs")
    assert not Membership.objects.filter(user=person).exists()
    entries = AuditEntry.objects.filter(action__in=["membership_grant", "membership_revoke"])
    assert entries.filter(actor="system:import", via="cli").count() >= 4


def test_an_existing_account_signs_in_then_accepts(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    expert = users["expert"]  # holds a role and MFA already
    _inv, secret = invitation_create(
        actor=users["focal_point"], email=expert.email, role="viewer", country=_gd()
    )
    url = f"/people/invitation/{secret}/"
    anonymous = Client().get(url)
    assert b"Sign in to accept" in anonymous.content and b"password1" not in anonymous.content
    other = clients["donor"].post(url)  # signed in as someone else: told, nothing granted
    assert other.status_code == 200 and b"another address" in other.content
    accepted = clients["expert"].post(url)
    assert accepted.status_code == 302 and accepted["Location"] == reverse("people:index")
    assert Membership.objects.filter(user=expert, country=_gd(), role="viewer").exists()
