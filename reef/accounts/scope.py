from __future__ import annotations

from typing import Any

from reef.accounts.roles import RANK, Role, Scope


def email_verified(user: Any) -> bool:
    """Whether the user's own (primary) e-mail address has been verified.

    A role is given to an address; until its owner has proved they receive mail
    there, whoever registered it first could otherwise take the role (issue 13, 12).
    """
    from allauth.account.models import EmailAddress

    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def compute_scope(user: Any) -> Scope:
    from reef.accounts.models import Membership
    from reef.directory.models import GroupingMember

    if not email_verified(user):
        # Memberships take effect only once the address is verified.
        return Scope(user_id=user.pk)
    countries: dict[int, int] = {}
    organisations: dict[int, int] = {}
    groupings: set[int] = set()
    is_admin = False
    for m in Membership.objects.filter(user=user).only(
        "role", "country_id", "organisation_id", "grouping_id"
    ):
        if m.role == Role.ADMIN:
            is_admin = True
            continue
        if m.role == Role.COORDINATOR and m.grouping_id:
            groupings.add(m.grouping_id)
            continue
        rank = RANK[Role(m.role)]
        if m.country_id:
            countries[m.country_id] = max(rank, countries.get(m.country_id, 0))
        if m.organisation_id:
            organisations[m.organisation_id] = max(rank, organisations.get(m.organisation_id, 0))
    coordinated: frozenset[int] = frozenset()
    if groupings:
        coordinated = frozenset(
            GroupingMember.objects.filter(grouping_id__in=groupings).values_list(
                "country_id", flat=True
            )
        )
    return Scope(
        user_id=user.pk,
        countries=countries,
        organisations=organisations,
        groupings=frozenset(groupings),
        coordinated_countries=coordinated,
        is_admin=is_admin,
    )
