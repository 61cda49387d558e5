"""Areas: the taxonomy plans' needs are filed under."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.core.tlp import TLP
from reef.planning import rules
from reef.planning.models import Area, Plan
from reef.planning.reference import CCSCAP_AREAS, DEFAULT_TAXONOMY
from reef.planning.services.common import _require, _text


@transaction.atomic
def area_ensure_defaults(*, actor: Actor) -> int:
    """Create the CCSCAP's six areas if missing. Returns how many were created."""
    created = 0
    for position, (key, name, description) in enumerate(CCSCAP_AREAS, start=1):
        _, was_created = Area.objects.get_or_create(
            taxonomy=DEFAULT_TAXONOMY,
            key=key,
            defaults={
                "name": name,
                "description": description,
                "position": position,
                "tlp": TLP.CLEAR,
            },
        )
        created += int(was_created)
    if created:
        audit_append(action="area_defaults", actor=actor, detail={"created": created})
    return created


@transaction.atomic
def area_create(
    *,
    actor: Actor,
    taxonomy: str,
    key: str,
    name: str,
    description: str = "",
    position: int = 0,
) -> Area:
    """A new area in a taxonomy; only coordinators of a grouping may extend the taxonomy."""
    _require(
        rules.may_create_area,
        actor,
        None,
        message=_("Only regional coordinators may change the area taxonomy."),
    )
    key = _text(key, "key", limit=50)
    if Area.objects.filter(taxonomy=taxonomy, key=key).exists():
        raise ServiceError(
            _("The area %(key)s exists in the %(taxonomy)s taxonomy.")
            % {"key": repr(key), "taxonomy": taxonomy},
            field="key",
        )
    area: Area = Area.objects.create(
        taxonomy=_text(taxonomy, "taxonomy", limit=50),
        key=key,
        name=_text(name, "name"),
        description=description,
        position=position,
        tlp=TLP.CLEAR,
    )
    audit_append(action="area_create", actor=actor, obj=area)
    return area


def _area(plan: Plan, key: str) -> Area:
    area: Area | None = Area.objects.filter(taxonomy=plan.taxonomy, key=key).first()
    if area is None:
        raise ServiceError(
            _("Unknown area %(key)s in the %(taxonomy)s taxonomy.")
            % {"key": repr(key), "taxonomy": plan.taxonomy},
            field="area",
        )
    return area
