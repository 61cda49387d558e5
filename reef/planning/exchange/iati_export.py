"""A plan's commitments as IATI 2.03 activity XML (the mapping itself is `reef.planning.iati`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.errors import ServiceError
from reef.directory.models import Organisation, OrganisationKind
from reef.planning import iati, rollup, selectors
from reef.planning.models import Commitment, Plan

_TYPE_CODES: dict[str, str] = {
    OrganisationKind.GOVERNMENT: "10",
    OrganisationKind.REGIONAL: "40",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.DONOR: "40",
    OrganisationKind.PRIVATE: "70",
    OrganisationKind.ACADEMIA: "80",
    OrganisationKind.CIVIL_SOCIETY: "22",
}
#: OECD DAC region code of "Caribbean & Central America" (regional activities).
DAC_REGION_CARIBBEAN = "380"


def _iati_org(org: Organisation) -> iati.IatiOrganisation:
    return iati.IatiOrganisation(f"XI-REEF-{org.slug}", org.name, _TYPE_CODES.get(org.kind, "90"))


def _iati_commitment(c: Commitment) -> iati.IatiCommitment:
    amount = rollup.Money(c.amount, c.currency) if c.amount is not None else None
    status = rollup.CommitmentStatus(c.status)
    accepted = c.accepted_on
    if accepted is None and status in rollup.ACTIVE_STATUSES:
        accepted = c.offered_on
    delivered = c.delivered_on
    if delivered is None and status in rollup.DELIVERED_STATUSES:
        delivered = c.verified_on or accepted
    return iati.IatiCommitment(
        id=f"c{c.pk}",
        funder=_iati_org(c.organisation),
        status=status,
        amount=amount,
        accepted_on=accepted,
        delivered_on=delivered,
    )


def _reporting(plan: Plan) -> tuple[iati.IatiOrganisation, iati.IatiOrganisation | None]:
    """Who reports the activities, and who benefits (the country's government, if any)."""
    if plan.country is not None:
        government = iati.IatiOrganisation(
            f"XI-REEF-{plan.country.code}", f"Government of {plan.country.name}", "10"
        )
        return government, government
    if plan.organisation is not None:
        return _iati_org(plan.organisation), None
    raise ServiceError(_("The plan has neither a country nor an organisation."))


def _activity(
    plan: Plan, key: str, items: list[Commitment], beneficiary: iati.IatiOrganisation | None
) -> iati.IatiActivity:
    """One activity: an action's commitments, or those made against the need itself."""
    first = items[0]
    if first.action is not None:
        title, description = first.action.title, first.action.description
        start, end = first.action.start, first.action.end
    else:
        title, description = first.need.title, first.need.description
        starts = [d for c in items for d in (c.start, c.offered_on) if d]
        ends = [d for c in items for d in (c.end, c.delivered_on, c.offered_on) if d]
        start = min(starts) if starts else plan.start or timezone.localdate()
        end = max(ends) if ends else plan.end or start
        end = max(end, start)
    code = plan.country.code if plan.country else None
    return iati.IatiActivity(
        id=f"{plan.cycle}-{key}".replace(" ", "-"),
        title=title,
        description=description,
        start=start,
        end=end,
        recipient_country=code,
        recipient_region=None if code else DAC_REGION_CARIBBEAN,
        commitments=tuple(_iati_commitment(c) for c in items),
        beneficiary=beneficiary,
        sectors=(
            iati.DAC_SECURITY_SYSTEM_MANAGEMENT,
            iati.IatiSector(first.need.area.key, "99", first.need.area.name),
        ),
    )


def plan_to_iati(user: Any, plan: Plan, generated_at: datetime | None = None) -> bytes:
    """Commitments of the plan that the user may see, as IATI 2.03 activities: one
    activity per action with commitments, and one per need for commitments made
    against the need itself."""
    commitments = list(
        selectors.plan_commitments(user, plan).select_related(
            "need__area", "action", "organisation"
        )
    )
    if not commitments:
        raise ServiceError(_("The plan has no commitments that you may see to export."))
    groups: dict[str, list[Commitment]] = {}
    for c in commitments:
        key = f"a{c.action_id}" if c.action_id else f"n{c.need_id}"
        groups.setdefault(key, []).append(c)
    reporting, beneficiary = _reporting(plan)
    activities = [_activity(plan, key, items, beneficiary) for key, items in groups.items()]
    return iati.export_iati_xml(
        activities,
        reporting,
        generated_at or timezone.now(),
        rates=selectors.plan_rates(plan),
    )
