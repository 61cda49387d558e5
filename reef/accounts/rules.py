"""Who may give, change and take away roles, and administer people.

- A platform administrator grants and revokes any role anywhere (coordinators and
  administrators included), deactivates accounts and reads the audit trail.
- A country's or organisation's managers grant viewer, editor and manager there,
  change those roles and revoke them; they see that place's members.
- Nobody grants themselves more than they hold (administrators included).
- A member may always leave (revoke their own membership); the last manager of a
  country or organisation may not (the service refuses it: that needs the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reef.core.roles import RANK, RANKED_ROLES, Action, Role, Scope
from reef.core.rules import rule


@dataclass(frozen=True)
class Grant:
    """A role in a place, given (or to be given) to a user (None: an invited address)."""

    role: str = ""
    country_id: int | None = None
    organisation_id: int | None = None
    grouping_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of(cls, held: Any, role: str | None = None, user_id: int | None = None) -> Grant:
        """The grant a membership or an invitation stands for (optionally with another role)."""
        return cls(
            role=role if role is not None else held.role,
            country_id=held.country_id,
            organisation_id=held.organisation_id,
            grouping_id=held.grouping_id,
            user_id=user_id if user_id is not None else getattr(held, "user_id", None),
        )

    @classmethod
    def place(
        cls,
        *,
        country: Any = None,
        organisation: Any = None,
        grouping: Any = None,
        role: str = "",
        user_id: int | None = None,
    ) -> Grant:
        return cls(
            role=role,
            country_id=country.pk if country is not None else None,
            organisation_id=organisation.pk if organisation is not None else None,
            grouping_id=grouping.pk if grouping is not None else None,
            user_id=user_id,
        )


def _manages(scope: Scope, grant: Grant) -> bool:
    if grant.country_id is not None:
        return scope.can_in_country(grant.country_id, Action.MANAGE)
    if grant.organisation_id is not None:
        return scope.can_in_organisation(grant.organisation_id, Action.MANAGE)
    return False


def _own_rank(scope: Scope, grant: Grant) -> int:
    if grant.country_id is not None:
        return scope.countries.get(grant.country_id, 0)
    if grant.organisation_id is not None:
        return scope.organisations.get(grant.organisation_id, 0)
    return 0


@rule(
    "accounts.membership_grant",
    record="membership or invitation (role in a place)",
    roles="platform administrators, any role anywhere; a country's or organisation's managers "
    "there, up to manager; nobody grants themselves more than they hold",
)
def may_grant(scope: Scope, grant: Grant) -> bool:
    if grant.user_id is not None and grant.user_id == scope.user_id:
        # Only a step down (or the same role) for oneself.
        return grant.role in RANK and _own_rank(scope, grant) >= RANK[Role(grant.role)]
    if scope.is_admin:
        return True
    return grant.role in RANKED_ROLES and _manages(scope, grant)


@rule(
    "accounts.membership_revoke",
    record="membership",
    roles="the member themselves (leaving); platform administrators; the place's managers for "
    "its viewers, editors and managers",
)
def may_revoke(scope: Scope, membership: Any) -> bool:
    if scope.user_id is not None and membership.user_id == scope.user_id:
        return True
    if scope.is_admin:
        return True
    return membership.role in RANKED_ROLES and _manages(scope, Grant.of(membership))


@rule(
    "accounts.members_manage",
    record="place (country, organisation or grouping)",
    roles="platform administrators; the country's or organisation's managers",
)
def may_manage_members(scope: Scope, place: Grant) -> bool:
    return scope.is_admin or _manages(scope, place)


@rule(
    "accounts.invitation_revoke",
    record="invitation",
    roles="platform administrators; the place's managers",
)
def may_revoke_invitation(scope: Scope, invitation: Any) -> bool:
    return scope.is_admin or _manages(scope, Grant.of(invitation))


@rule(
    "accounts.user_deactivate",
    record="user",
    roles="platform administrators (not themselves)",
)
def may_deactivate_user(scope: Scope, user: Any) -> bool:
    return scope.is_admin and user.pk != scope.user_id


@rule("accounts.user_list", record="user", roles="platform administrators")
def may_list_users(scope: Scope, _obj: Any = None) -> bool:
    return scope.is_admin


@rule("core.audit_read", record="audit entry", roles="platform administrators")
def may_read_audit(scope: Scope, _obj: Any = None) -> bool:
    return scope.is_admin
