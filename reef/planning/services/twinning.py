"""Twinning: linking two efforts on the same need."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, allowed, user_of
from reef.core.tlp import stricter
from reef.planning import rules
from reef.planning.models import TwinningLink
from reef.planning.services.common import _text


@transaction.atomic
def twinning_link(*, actor: Actor, a_ref: str, b_ref: str, note: str = "") -> TwinningLink:
    """Link two efforts found by the twinning detector (refs as 'action:ID'/'commitment:ID').

    The actor must see both and edit for one of the two organisations, or be a manager
    of the country or a coordinator of its region.
    """
    from reef.planning import selectors

    if a_ref == b_ref:
        raise ServiceError(_("An effort cannot be twinned with itself."), field="b_ref")
    a_ref, b_ref = sorted([a_ref, b_ref])
    a = selectors.effort_get(actor, a_ref)
    b = selectors.effort_get(actor, b_ref)
    if a.organisation_id == b.organisation_id:
        raise ServiceError(_("Both efforts are by the same organisation."), field="b_ref")
    pair = rules.EffortPair(a.organisation_id, b.organisation_id, a.country_id)
    if not allowed(rules.may_link, actor, pair):
        raise PermissionDenied(
            _(
                "Only the organisations involved, the country's managers or the "
                "region's coordinators may link these efforts."
            )
        )
    if TwinningLink.objects.filter(a_ref=a_ref, b_ref=b_ref).exists():
        raise ServiceError(_("These efforts are already linked."), field="b_ref")
    candidates = selectors.twinning_score(a, b)
    link = TwinningLink(
        a_ref=a_ref,
        b_ref=b_ref,
        a_title=a.title[:300],
        b_title=b.title[:300],
        a_organisation_id=a.organisation_id,
        b_organisation_id=b.organisation_id,
        country_id=a.country_id,
        score=Decimal(str(candidates[0])) if candidates else Decimal(0),
        why=candidates[1] if candidates else "",
        note=_text(note, "note", required=False, limit=2000),
        created_by=user_of(actor),
        tlp=stricter(a.tlp, b.tlp),
        owner_country_id=a.owner_country_id,
        owner_organisation_id=a.owner_organisation_id,
    )
    link.save()
    audit_append(action="twinning_link", actor=actor, obj=link, detail={"a": a_ref, "b": b_ref})
    return link
