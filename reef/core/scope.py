"""A user's `Scope`: what their memberships give them, read by every access check.

Computed once per request by `reef.core.access.scope_for`. The models are looked up by
name (`apps.get_model`), not imported: the access layer sits under every model module,
so importing one here would close an import circle through `Labelled`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from reef.core.roles import RANK, Role, Scope


def email_verified(user: Any) -> bool:
    """Whether the user's own (primary) e-mail address has been verified.

    A role is given to an address; until its owner has proved they receive mail
    there, whoever registered it first could otherwise take the role (issue 13, 12).
    """
    from allauth.account.models import EmailAddress

    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def verified_address(user_field: str = "user") -> Any:
    """`Exists` over the verified address of the user that `user_field` points to: filter or
    annotate memberships with it in their own query instead of asking per row."""
    from allauth.account.models import EmailAddress
    from django.db.models import Exists, OuterRef

    return Exists(
        EmailAddress.objects.filter(
            user=OuterRef(user_field), email__iexact=OuterRef(f"{user_field}__email"), verified=True
        )
    )


def compute_scope(user: Any) -> Scope:
    membership = apps.get_model("accounts", "Membership")
    grouping_member = apps.get_model("directory", "GroupingMember")
    countries: dict[int, int] = {}
    organisations: dict[int, int] = {}
    groupings: set[int] = set()
    is_admin = False
    # Memberships take effect only once the address is verified (one query, no extra one
    # per request: the check rides on the memberships' own query).
    for m in (
        membership.objects.filter(user=user)
        .filter(verified_address())
        .only("role", "country_id", "organisation_id", "grouping_id")
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
            grouping_member.objects.filter(grouping_id__in=groupings).values_list(
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
