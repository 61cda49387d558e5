"""Route samples for the people pages (namespace "people", mounted at /people/)."""

from __future__ import annotations

from typing import Any

from reef.accounts.people import invitation_create, membership_grant
from reef.core.rules import OPERATOR_IMPORT
from reef.core.tests.routes import Sample, only
from reef.directory.models import Country, Organisation
from tests_support.world import make_user


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    gd = Country.objects.get(code="GD")
    uwi = Organisation.objects.get(slug="uwi")
    in_gd = membership_grant(user=make_user(), role="viewer", actor=OPERATOR_IMPORT, country=gd)
    in_uwi = membership_grant(
        user=make_user(), role="viewer", actor=OPERATOR_IMPORT, organisation=uwi
    )
    invitation, _secret = invitation_create(
        actor=users["focal_point"], email="invited.gd@test.reef", role="editor", country=gd
    )
    _other, secret = invitation_create(
        actor=users["focal_point"], email="invited.link@test.reef", role="viewer", country=gd
    )
    managers = only(["focal_point", "admin"], anonymous=302)
    managers_act = only(["focal_point", "admin"], ok=302, anonymous=302)
    admin = only(["admin"], anonymous=302)
    admin_acts = only(["admin"], ok=302, anonymous=302)
    return {
        "people:members": Sample(kwargs={"kind": "country", "key": "GD"}, expect=managers),
        "people:invite": Sample(
            kwargs={"kind": "country", "key": "GD"},
            method="post",
            data={"email": "route.invite@test.reef", "role": "viewer"},
            expect=managers_act,
        ),
        "people:membership_role": Sample(
            kwargs={"pk": in_gd.pk}, method="post", data={"role": "editor"}, expect=managers_act
        ),
        # Only an administrator may revoke in an organisation no persona manages.
        "people:membership_remove": Sample(
            kwargs={"pk": in_uwi.pk}, method="post", expect=admin_acts
        ),
        # The focal point withdraws it; the administrator is then told it is not pending.
        "people:invitation_withdraw": Sample(
            kwargs={"pk": invitation.pk}, method="post", expect=managers_act
        ),
        # Anyone with the link sees it (signed in as someone else: told so).
        "people:invitation_accept": Sample(kwargs={"secret": secret}),
        "people:users": Sample(expect=admin),
        "people:user_deactivate": Sample(
            kwargs={"pk": make_user().pk}, method="post", expect=admin_acts
        ),
        "people:audit": Sample(expect=admin),
    }
