"""Reads of people: places, their members and invitations, as a given user may see them.

The people pages and the people API both read through these, so that what a manager
sees and may act on is decided once (by reef/accounts/rules.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from reef.accounts import rules
from reef.accounts.models import Invitation, Membership
from reef.core.roles import RANKED_ROLES, Role
from reef.core.rules import allowed
from reef.core.scope import verified_address
from reef.directory.models import Country, Grouping, Organisation
from reef.directory.selectors import organisations_to_administer

type Place = Country | Organisation | Grouping

PLACE_KINDS = ("country", "organisation", "grouping")


def place_find(user: Any, kind: str, key: str) -> Place | None:
    """The country, organisation or grouping of that kind and key (None: none, or hidden)."""
    if kind == "country":
        return Country.objects.filter(code=key.upper()).first()
    if kind == "organisation":
        return organisations_to_administer(user).filter(slug=key).first()
    if kind == "grouping":
        return Grouping.objects.filter(slug=key).first()
    return None


def place_kwargs(place: Place) -> dict[str, Any]:
    """The place as the keyword a membership or an invitation names it by."""
    if isinstance(place, Country):
        return {"country": place}
    if isinstance(place, Organisation):
        return {"organisation": place}
    return {"grouping": place}


def place_ref(place: Place) -> tuple[str, str]:
    """(kind, key) of a place, as URLs name it."""
    if isinstance(place, Country):
        return "country", place.code
    if isinstance(place, Organisation):
        return "organisation", place.slug
    return "grouping", place.slug


def roles_for(place: Place) -> list[tuple[str, str]]:
    """The roles held in a place of this kind."""
    if isinstance(place, Grouping):
        return [(Role.COORDINATOR.value, str(Role.COORDINATOR.label))]
    return [(r.value, str(r.label)) for r in RANKED_ROLES]


def places_managed(
    user: Any,
) -> tuple[QuerySet[Country], QuerySet[Organisation], QuerySet[Grouping]]:
    """The places whose members `user` manages: their own as a manager; every country of a
    grouping, every organisation they may administer and every grouping for an administrator."""
    from reef.core.access import scope_for

    scope = scope_for(user)
    if scope.is_admin:
        return (
            Country.objects.filter(groupings__isnull=False).distinct(),
            organisations_to_administer(user),
            Grouping.objects.all(),
        )
    return (
        Country.objects.filter(pk__in=scope.country_ids("manage")),
        Organisation.objects.filter(pk__in=scope.organisation_ids("manage")),
        Grouping.objects.none(),
    )


def managed_place(user: Any, kind: str, key: str) -> Place | None:
    """The place, if `user` may manage its members (None otherwise: a 404 for them)."""
    place = place_find(user, kind, key)
    if place is None or not allowed(
        rules.may_manage_members, user, rules.Grant.place(**place_kwargs(place))
    ):
        return None
    return place


def place_members(place: Place) -> QuerySet[Membership]:
    """A place's memberships, each with whether its holder's address is verified."""
    return (
        Membership.objects.filter(**place_kwargs(place))
        .select_related("user")
        .annotate(user_verified=verified_address())
        .order_by("user__email")
    )


def place_pending_invitations(place: Place) -> list[Invitation]:
    """Invitations to the place not yet accepted, withdrawn or expired."""
    return [
        i
        for i in Invitation.objects.filter(
            **place_kwargs(place), accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("email")
        if i.status == Invitation.Status.PENDING
    ]


def membership_visible(user: Any, pk: int) -> Membership | None:
    """A membership `user` may see: their own, or one of a place they manage."""
    m = (
        Membership.objects.select_related("user", "country", "organisation", "grouping")
        .filter(pk=pk)
        .first()
    )
    if m is None:
        return None
    if m.user_id != user.pk and not allowed(rules.may_manage_members, user, rules.Grant.of(m)):
        return None
    return m


def invitation_visible(user: Any, pk: int) -> Invitation | None:
    """An invitation `user` may withdraw (None for everyone else: a 404)."""
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None or not allowed(rules.may_revoke_invitation, user, invitation):
        return None
    return invitation
