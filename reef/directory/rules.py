"""Who may change the directory. Countries are reference data (ISO 3166, loaded with
the schema); organisations, consortia and groupings are managed by administrators;
an organisation's public description is kept by its own editors."""

from __future__ import annotations

from typing import Any

from reef.core.roles import Action, Scope
from reef.core.rules import rule


@rule(
    "directory.organisation_create",
    record="organisation",
    roles="platform administrators",
)
def may_create_organisation(scope: Scope, _obj: Any = None) -> bool:
    return scope.is_admin


@rule(
    "directory.organisation_update",
    record="organisation",
    roles="editors and managers of the organisation (or of its owning country)",
)
def may_update_organisation(scope: Scope, organisation: Any) -> bool:
    return scope.can_in_organisation(
        organisation.owner_organisation_id, Action.EDIT
    ) or scope.can_in_country(organisation.owner_country_id, Action.EDIT)


@rule(
    "directory.consortium_manage",
    record="organisation (consortium membership)",
    roles="platform administrators",
)
def may_manage_consortium(scope: Scope, _organisation: Any = None) -> bool:
    return scope.is_admin


@rule(
    "directory.grouping_manage",
    record="grouping",
    roles="platform administrators",
)
def may_manage_grouping(scope: Scope, _grouping: Any = None) -> bool:
    return scope.is_admin


@rule(
    "directory.person_create",
    record="person (directory contact)",
    roles="platform administrators; editors and managers of the organisation or country",
)
def may_create_person(scope: Scope, organisation: Any = None) -> bool:
    if scope.is_admin:
        return True
    if organisation is None:
        return False
    return may_update_organisation(scope, organisation)
