from __future__ import annotations

from typing import Any

from reef.accounts.roles import RANK, Role, Scope


def compute_scope(user: Any) -> Scope:
    from reef.accounts.models import Membership
    from reef.directory.models import GroupingMember

    countries: dict[int, int] = {}
    organisations: dict[int, int] = {}
    groupings: set[int] = set()
    for m in Membership.objects.filter(user=user).only(
        "role", "country_id", "organisation_id", "grouping_id"
    ):
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
    )
