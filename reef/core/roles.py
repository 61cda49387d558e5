"""Roles, defined in one place.

A user holds a role in a country or an organisation (viewer < editor < manager),
or the coordinator role in a grouping (a region such as CARICOM), which lets
them see their region's AMBER records and run regional work. A platform
administrator (a membership with the admin role and no target) manages the
directory, everyone's memberships and frameworks, and reads the audit trail;
the role alone gives no access to any country's AMBER or RED records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")
    COORDINATOR = "coordinator", _("Regional coordinator")
    ADMIN = "admin", _("Platform administrator")


RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.MANAGER: 3}

#: Roles held in a country or an organisation (ranked); the others are held in a
#: grouping (coordinator) or on the platform itself (admin).
RANKED_ROLES = (Role.VIEWER, Role.EDITOR, Role.MANAGER)


class Action(models.TextChoices):
    VIEW = "view"
    EDIT = "edit"
    MANAGE = "manage"


#: Minimum rank in the owner needed for each action.
ACTION_RANK = {Action.VIEW: 1, Action.EDIT: 2, Action.MANAGE: 3}


@dataclass(frozen=True)
class Scope:
    """What a user's memberships give them, computed once per request."""

    user_id: int | None = None
    countries: dict[int, int] = field(default_factory=dict)  # country id -> rank
    organisations: dict[int, int] = field(default_factory=dict)  # organisation id -> rank
    groupings: frozenset[int] = frozenset()  # coordinated groupings
    coordinated_countries: frozenset[int] = frozenset()
    # A platform administrator manages organisations, groupings, memberships and
    # frameworks and reads the audit trail; by that role alone they read no
    # country's AMBER or RED records.
    is_admin: bool = False

    @property
    def is_community(self) -> bool:
        """A member of the community: holds any role anywhere (TLP:GREEN readers)."""
        return bool(self.countries or self.organisations or self.groupings)

    def country_ids(self, action: str = Action.VIEW) -> set[int]:
        need = ACTION_RANK[Action(action)]
        return {cid for cid, rank in self.countries.items() if rank >= need}

    def organisation_ids(self, action: str = Action.VIEW) -> set[int]:
        need = ACTION_RANK[Action(action)]
        return {oid for oid, rank in self.organisations.items() if rank >= need}

    def can_in_country(self, country_id: int | None, action: str = Action.VIEW) -> bool:
        return country_id is not None and country_id in self.country_ids(action)

    def can_in_organisation(self, organisation_id: int | None, action: str = Action.VIEW) -> bool:
        return organisation_id is not None and organisation_id in self.organisation_ids(action)

    def coordinates_country(self, country_id: int | None) -> bool:
        return country_id is not None and country_id in self.coordinated_countries

    @property
    def is_coordinator(self) -> bool:
        return bool(self.groupings)


ANONYMOUS_SCOPE = Scope()
