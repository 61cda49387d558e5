"""Who may share a labelled record (see reef/core/sharing.py).

Sharing is an owner's decision: the editors and managers of the record's owner
(its country or organisation) may change its label, share it with countries and
organisations and name its readers. Lowering a derived record below its source's
label is not sharing but releasing the source: only the source's owner's managers
may (see reef/core/derivation.py); assessment reports have their own release step.
"""

from __future__ import annotations

from typing import Any

from reef.core.roles import Action, Scope
from reef.core.rules import rule

#: Records about one person: that person shares them, not the editors of the owner.
PERSONAL_SUBJECT = {"experts.expertprofile": "user_id"}


def _owner_may(scope: Scope, obj: Any, action: str) -> bool:
    subject_field = PERSONAL_SUBJECT.get(obj._meta.label_lower)
    if subject_field is not None and getattr(obj, subject_field, None) is not None:
        return scope.user_id is not None and scope.user_id == getattr(obj, subject_field)
    return scope.can_in_country(obj.owner_country_id, action) or scope.can_in_organisation(
        obj.owner_organisation_id, action
    )


@rule(
    "core.record_share",
    record="any labelled record",
    roles=(
        "editors and managers of the record's owner (country or organisation); "
        "for an expert profile, its expert"
    ),
)
def may_share(scope: Scope, obj: Any) -> bool:
    """Change the label, share with countries and organisations, name the readers."""
    return _owner_may(scope, obj, Action.EDIT)


@rule(
    "core.record_manage_red",
    record="any TLP:RED labelled record",
    roles=(
        "managers of the record's owner, named reader or not (to name readers); "
        "for an expert profile, its expert"
    ),
)
def may_manage_red(scope: Scope, obj: Any) -> bool:
    """The owner's managers always reach a RED record's sharing, even when not yet named."""
    return _owner_may(scope, obj, Action.MANAGE)
