"""Twinning: efforts (actions and commitments) on the same need at the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from reef.core.access import LabelledQuerySet, scope_for
from reef.directory.models import GroupingMember
from reef.planning import overlaps
from reef.planning.models import Action, Area, Commitment, Need, Plan, TwinningLink
from reef.planning.selectors.records import action_get, commitment_get


@dataclass(frozen=True)
class Effort:
    """An action or a commitment, as the twinning detector and links see it."""

    ref: str
    kind: str
    pk: int
    title: str
    organisation_id: int
    organisation: str
    country_id: int | None
    country_code: str | None
    region_code: str | None
    need_id: int
    need_title: str
    factor_key: str
    area_key: str
    start: date | None
    end: date | None
    tlp: str
    owner_country_id: int | None
    owner_organisation_id: int | None

    def as_overlap(self) -> overlaps.OverlapAction | None:
        if self.start is None or self.end is None:
            return None
        return overlaps.OverlapAction(
            id=self.ref,
            organisation_id=str(self.organisation_id),
            country_code=self.country_code,
            region_code=self.region_code,
            factor_key=self.factor_key or f"need-{self.need_id}",
            area_key=self.area_key,
            description=f"{self.title}. {self.need_title}",
            start=self.start,
            end=self.end,
        )


def _effort_from_action(a: Action, region: str | None) -> Effort | None:
    if a.lead_organisation_id is None:
        return None
    n = a.need
    return Effort(
        ref=f"action:{a.pk}",
        kind="action",
        pk=a.pk,
        title=a.title,
        organisation_id=a.lead_organisation_id,
        organisation=str(a.lead_organisation),
        country_id=n.country_id,
        country_code=n.country.code if n.country else None,
        region_code=region,
        need_id=n.pk,
        need_title=n.title,
        factor_key=n.factor_key,
        area_key=n.area.key,
        start=a.start,
        end=a.end,
        tlp=a.tlp,
        owner_country_id=a.owner_country_id,
        owner_organisation_id=a.owner_organisation_id,
    )


def _effort_from_commitment(c: Commitment, region: str | None) -> Effort:
    n = c.need
    start = c.start or (c.action.start if c.action else None)
    end = c.end or (c.action.end if c.action else None)
    return Effort(
        ref=f"commitment:{c.pk}",
        kind="commitment",
        pk=c.pk,
        title=c.description.split("\n")[0][:200]
        or gettext("%(organisation)s commitment") % {"organisation": c.organisation},
        organisation_id=c.organisation_id,
        organisation=str(c.organisation),
        country_id=n.country_id,
        country_code=n.country.code if n.country else None,
        region_code=region,
        need_id=n.pk,
        need_title=n.title,
        factor_key=n.factor_key,
        area_key=n.area.key,
        start=start,
        end=end,
        tlp=c.tlp,
        owner_country_id=c.owner_country_id,
        owner_organisation_id=c.owner_organisation_id,
    )


def _region(plan: Plan | None) -> str | None:
    if plan is None or plan.grouping is None:
        return None
    return plan.grouping.slug.upper()


def _country_regions() -> dict[int, str]:
    """Each country's region for twinning: a grouping that has a regional plan."""
    slugs = dict(
        Plan.objects.filter(kind=Plan.Kind.REGIONAL, grouping__isnull=False)
        .order_by("created_at")
        .values_list("grouping_id", "grouping__slug")
    )
    regions: dict[int, str] = {}
    for country_id, grouping_id in GroupingMember.objects.filter(
        grouping_id__in=list(slugs)
    ).values_list("country_id", "grouping_id"):
        regions.setdefault(country_id, str(slugs[grouping_id]).upper())
    return regions


def _effort_region(plan: Plan, country_id: int | None, regions: dict[int, str]) -> str | None:
    if country_id is None:
        return _region(plan)
    return regions.get(country_id)


#: The label columns an Effort carries (and the access layer's own checks read).
_LABEL_FIELDS = ("tlp", "owner_country_id", "owner_organisation_id")


def _region_of_row(row: dict[str, Any], grouping_slug: str, regions: dict[int, str]) -> str | None:
    """`_effort_region` for a row of `efforts_for`."""
    country_id = row["need__country_id"]
    if country_id is None:
        slug = row[grouping_slug]
        return str(slug).upper() if slug else None
    return regions.get(country_id)


# Rows of only the columns an Effort needs, not model instances: at thousands of
# actions, building the instances (and their joined ones) was most of the time of the
# twinning page and of the coordinator's home.
_NEED_FIELDS = (
    "need_id",
    "need__title",
    "need__factor_key",
    "need__country_id",
    "need__country__code",
    "need__area__key",
)


def _effort_rows(user: Any, country_ids: list[int] | None) -> tuple[Any, Any]:
    """Rows of the visible actions with an owner organisation and live commitments."""
    actions = (
        Action.objects.for_user(user)
        .exclude(status=Action.Status.CANCELLED)
        .filter(lead_organisation__isnull=False)
        .values(
            "pk",
            *_LABEL_FIELDS,
            "title",
            "start",
            "end",
            "lead_organisation_id",
            "lead_organisation__name",
            "lead_organisation__acronym",
            "plan__grouping__slug",
            *_NEED_FIELDS,
        )
    )
    commitments = (
        Commitment.objects.for_user(user)
        .exclude(status=Commitment.Status.WITHDRAWN)
        .values(
            "pk",
            *_LABEL_FIELDS,
            "description",
            "start",
            "end",
            "organisation_id",
            "organisation__name",
            "organisation__acronym",
            "action__start",
            "action__end",
            "need__plan__grouping__slug",
            *_NEED_FIELDS,
        )
    )
    if country_ids is not None:
        actions = actions.filter(Q(need__country_id__in=country_ids) | Q(need__country=None))
        commitments = commitments.filter(
            Q(need__country_id__in=country_ids) | Q(need__country=None)
        )
    return actions, commitments


def _action_effort(a: dict[str, Any], regions: dict[int, str]) -> Effort:
    return Effort(
        ref=f"action:{a['pk']}",
        kind="action",
        pk=a["pk"],
        title=a["title"],
        organisation_id=a["lead_organisation_id"],
        organisation=a["lead_organisation__acronym"] or a["lead_organisation__name"],
        country_id=a["need__country_id"],
        country_code=a["need__country__code"],
        region_code=_region_of_row(a, "plan__grouping__slug", regions),
        need_id=a["need_id"],
        need_title=a["need__title"],
        factor_key=a["need__factor_key"],
        area_key=a["need__area__key"],
        start=a["start"],
        end=a["end"],
        tlp=a["tlp"],
        owner_country_id=a["owner_country_id"],
        owner_organisation_id=a["owner_organisation_id"],
    )


def _commitment_effort(c: dict[str, Any], regions: dict[int, str]) -> Effort:
    organisation = c["organisation__acronym"] or c["organisation__name"]
    return Effort(
        ref=f"commitment:{c['pk']}",
        kind="commitment",
        pk=c["pk"],
        title=c["description"].split("\n")[0][:200]
        or gettext("%(organisation)s commitment") % {"organisation": organisation},
        organisation_id=c["organisation_id"],
        organisation=organisation,
        country_id=c["need__country_id"],
        country_code=c["need__country__code"],
        region_code=_region_of_row(c, "need__plan__grouping__slug", regions),
        need_id=c["need_id"],
        need_title=c["need__title"],
        factor_key=c["need__factor_key"],
        area_key=c["need__area__key"],
        start=c["start"] or c["action__start"],
        end=c["end"] or c["action__end"],
        tlp=c["tlp"],
        owner_country_id=c["owner_country_id"],
        owner_organisation_id=c["owner_organisation_id"],
    )


def efforts_for(user: Any, country_ids: list[int] | None = None) -> list[Effort]:
    """Visible actions with an owner organisation and visible live commitments."""
    actions, commitments = _effort_rows(user, country_ids)
    regions = _country_regions()
    result = [_action_effort(a, regions) for a in actions]
    led = {(e.need_id, e.organisation_id) for e in result}
    for c in commitments:
        # A commitment by the organisation that leads an action on the same need funds
        # that action: the same effort, listed once (as the action).
        if (c["need_id"], c["organisation_id"]) not in led:
            result.append(_commitment_effort(c, regions))
    return result


def effort_get(user: Any, ref: str) -> Effort:
    kind, _, raw = ref.partition(":")
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    if kind == "action":
        a = action_get(user, pk)
        effort = _effort_from_action(
            a, _effort_region(a.plan, a.need.country_id, _country_regions())
        )
        if effort is None:
            raise Http404
        return effort
    if kind == "commitment":
        c = commitment_get(user, pk)
        return _effort_from_commitment(
            c, _effort_region(c.need.plan, c.need.country_id, _country_regions())
        )
    raise Http404


@dataclass
class Opportunity:
    candidate: overlaps.TwinningCandidate
    a: Effort
    b: Effort
    linked: bool
    may_link: bool = False  # set by the page from the twinning rule

    @property
    def why(self) -> str:
        """The detector's reasons in the active language."""
        return "; ".join(gettext(t) % params for t, params in self.candidate.explained)


def _twinning_inputs() -> tuple[Any, ...]:
    """What the twinning detector reads, in one query: the row count and the latest change
    (or id) of every table it reads, labels and sharing included. Any write the services
    make to those tables changes it."""
    from django.db import connection

    from reef.directory.models import Organisation

    timed = [Action, Commitment, Need, Plan, Area, TwinningLink, Organisation]
    through = [GroupingMember] + [
        model._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        for model in (Action, Commitment)
        for name in ("readers", "shared_with_organisations", "shared_with_countries")
    ]
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)}), "  # noqa: S608  # nosec B608
        f"(SELECT MAX({quote(column)}) FROM {quote(m._meta.db_table)})"
        for models, column in ((timed, "updated_at"), (through, "id"))
        for m in models
    ]
    with connection.cursor() as cursor:
        # Table and column names come from the models' metadata; nothing from a request.
        cursor.execute("SELECT " + ", ".join(parts))  # nosec B608
        row = cursor.fetchone()
    return tuple(str(v) for v in row or ())


#: How long a reader's twinning pairs are kept when nothing they are made of changes.
TWINNING_TTL = 600


def twinning_opportunities(
    user: Any, country_ids: list[int] | None = None, limit: int = 100
) -> list[Opportunity]:
    """Pairs of efforts by different organisations on the same or a similar need in the
    same country or region with overlapping dates (see overlaps.py).

    The detector compares every visible effort (hundreds of milliseconds at thousands of
    actions): its answer is kept in the cache per reader (their scope), question and
    language, keyed by what it reads (`_twinning_inputs`), so a change is seen at once."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    scope = scope_for(user)
    question = (
        scope.user_id,
        sorted(scope.countries.items()),
        sorted(scope.organisations.items()),
        sorted(scope.coordinated_countries),
        sorted(country_ids) if country_ids is not None else None,
        limit,
        get_language(),
        _twinning_inputs(),
    )
    key = "planning:twinning:" + hashlib.sha256(repr(question).encode()).hexdigest()
    found: list[Opportunity] | None = cache.get(key)
    if found is None:
        found = _twinning_opportunities(user, country_ids, limit)
        cache.set(key, found, TWINNING_TTL)
    return found


def _twinning_opportunities(
    user: Any, country_ids: list[int] | None, limit: int
) -> list[Opportunity]:
    efforts = {e.ref: e for e in efforts_for(user, country_ids)}
    items = [o for o in (e.as_overlap() for e in efforts.values()) if o is not None]
    candidates = overlaps.find_twinning_candidates(items, limit=limit)
    linked = set(
        TwinningLink.objects.filter(a_ref__in=[c.a_id for c in candidates]).values_list(
            "a_ref", "b_ref"
        )
    )
    return [
        Opportunity(c, efforts[c.a_id], efforts[c.b_id], (c.a_id, c.b_id) in linked)
        for c in candidates
    ]


def twinning_score(a: Effort, b: Effort) -> tuple[float, str] | None:
    """The detector's score and reasons for one pair, or None when it is not a candidate."""
    items = [o for o in (a.as_overlap(), b.as_overlap()) if o is not None]
    found = overlaps.find_twinning_candidates(items)
    if not found:
        return None
    return found[0].score, found[0].why


def twinning_links_for(user: Any) -> LabelledQuerySet:
    return TwinningLink.objects.for_user(user).select_related(
        "a_organisation", "b_organisation", "country"
    )
