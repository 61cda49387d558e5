"""Finding needs to fund: the filters of the needs list and each need's funding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledQuerySet
from reef.core.errors import ServiceError
from reef.directory.models import Country
from reef.directory.names import by_display_name
from reef.planning import rollup
from reef.planning.models import Area, Commitment, Need
from reef.planning.selectors.records import needs_for
from reef.planning.selectors.rollups import compute_rollup

FundingStatus = rollup.FundingStatus


FUNDING_LABELS: dict[str, Any] = {
    FundingStatus.UNFUNDED: _("Unfunded"),
    FundingStatus.PARTLY: _("Partly funded"),
    FundingStatus.FULLY: _("Fully funded"),
}


#: "Top N of its plan" choices offered on the needs page (the API takes any N).
PRIORITY_CHOICES = (3, 5, 10)


MAX_PRIORITY = 10_000


#: Commitment statuses that count towards funding (an offer alone does not).
COUNTING = [s.value for s in rollup.ACTIVE_STATUSES]


NEED_LIST_LIMIT = 500


@dataclass(frozen=True)
class NeedFilter:
    country: str = ""  # ISO code
    area: str = ""  # area key
    funding: str = ""  # a FundingStatus value
    priority: int | None = None  # the need is among the first N of its plan

    @property
    def active(self) -> bool:
        return bool(self.country or self.area or self.funding or self.priority)


def need_filter(params: Mapping[str, str]) -> NeedFilter:
    """The filters of the needs list from query parameters; ServiceError names a bad one."""
    country = (params.get("country") or "").strip().upper()
    area = (params.get("area") or "").strip()
    funding = (params.get("funding") or "").strip()
    raw_priority = (params.get("priority") or "").strip()
    if country and not Country.objects.filter(code=country).exists():
        raise ServiceError(gettext("Unknown country."), field="country")
    if area and not Area.objects.filter(key=area).exists():
        raise ServiceError(gettext("Unknown area."), field="area")
    if funding and funding not in FUNDING_LABELS:
        raise ServiceError(
            gettext("Funding status must be one of: %(choices)s.")
            % {"choices": ", ".join(FUNDING_LABELS)},
            field="funding",
        )
    priority: int | None = None
    if raw_priority:
        if not raw_priority.isdigit() or not 1 <= int(raw_priority) <= MAX_PRIORITY:
            raise ServiceError(
                gettext("Priority must be a whole number from 1 to %(max)s.")
                % {"max": MAX_PRIORITY},
                field="priority",
            )
        priority = int(raw_priority)
    return NeedFilter(country, area, funding, priority)


def need_countries(user: Any) -> list[Country]:
    """Countries with a need the user may see, by name in the reader's language."""
    return by_display_name(
        Country.objects.filter(pk__in=Need.objects.for_user(user).values("country_id"))
    )


def attach_funding(user: Any, needs: list[Any]) -> None:
    """Set `rolled` and `funding` on each need, from the commitments the user may see
    that count (one query), in each plan's reporting currency."""
    if not needs:
        return
    commitments = list(
        Commitment.objects.for_user(user)
        .filter(need_id__in=[n.pk for n in needs], status__in=COUNTING)
        .only("pk", "need_id", "status", "amount", "currency")
    )
    by_plan: dict[int, list[Any]] = defaultdict(list)  # Needs, given funding attributes
    for n in needs:
        by_plan[n.plan_id].append(n)
    for plan_needs_ in by_plan.values():
        rolled = compute_rollup(plan_needs_[0].plan, plan_needs_, commitments)
        for n in plan_needs_:
            n.rolled = rolled.by_need[str(n.pk)]
            n.funding = rollup.funding_status(n.rolled)
            n.funding_label = FUNDING_LABELS[n.funding]


def needs_matching(user: Any, found: NeedFilter) -> LabelledQuerySet | list[Any]:
    """The needs the user may see that pass `found`, in the needs list's order.

    Unfunded is decided in the database (no counting commitment the user may see): a
    queryset, without funding attached. Partly and fully funded need the money converted,
    so they are told apart here: a list, each need with its funding (see attach_funding).
    """
    qs = needs_for(user).order_by("country__name", "plan", "position", "pk")
    if found.country:
        qs = qs.filter(country__code=found.country)
    if found.area:
        qs = qs.filter(area__key=found.area)
    if found.priority:
        qs = qs.filter(position__isnull=False, position__lte=found.priority)
    if found.funding:
        counting = Commitment.objects.for_user(user).filter(
            need=OuterRef("pk"), status__in=COUNTING
        )
        if found.funding == FundingStatus.UNFUNDED:
            qs = qs.filter(~Exists(counting))
        else:
            qs = qs.filter(Exists(counting))
    if found.funding in (FundingStatus.PARTLY, FundingStatus.FULLY):
        needs = list(qs)
        attach_funding(user, needs)
        return [n for n in needs if n.funding == found.funding]
    return qs


def needs_found(user: Any, found: NeedFilter, limit: int = NEED_LIST_LIMIT) -> list[Any]:
    """The first `limit` of `needs_matching`, each with its funding (see attach_funding)."""
    matching = needs_matching(user, found)
    if isinstance(matching, list):
        return matching[:limit]
    needs = list(matching[:limit])
    attach_funding(user, needs)
    return needs
