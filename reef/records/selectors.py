"""Reads of the public record, always through the access layer.

Two views of the record:
- `*_for(user)`: what a user may see: records the access layer shows them that are
  published, plus unpublished ones of owners they may edit (drafts, reviews);
- `public_*()`: the public record: TLP:CLEAR *and* published (briefings: TLP:CLEAR).
  Feeds, open data, the country pages and the regional picture's counts use only these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reef.core.access import LabelledQuerySet, scope_for
from reef.core.roles import Action
from reef.core.selectors import get_for_user
from reef.directory.models import Country, Organisation
from reef.planning import selectors as planning_selectors
from reef.planning.models import Commitment, Plan
from reef.planning.rollup import DELIVERED_STATUSES, GroupRollup
from reef.records.models import (
    Briefing,
    Event,
    EventFile,
    Participant,
    Publication,
    Session,
    Snapshot,
)
from reef.records.rules import edits


def _editable_q(user: Any) -> Q:
    scope = scope_for(user)
    return Q(owner_country_id__in=scope.country_ids(Action.EDIT)) | Q(
        owner_organisation_id__in=scope.organisation_ids(Action.EDIT)
    )


def assessment_for(user: Any, pk: int | None) -> Any:
    """The assessment a report names, if `user` may see it; a "not found" error otherwise."""
    from reef.assessments.models import Assessment
    from reef.core.errors import ServiceError

    if pk is None:
        return None
    found = Assessment.objects.for_user(user).filter(pk=pk).first()
    if found is None:
        raise ServiceError(
            _("Assessment %(number)s: not found.") % {"number": pk},
            field="assessment",
            code="not_found",
        )
    return found


#: Where the records behind stored links live (looked up by label, never imported).
LINK_MODELS = {
    "need": "planning.Need",
    "plan": "planning.Plan",
    "action": "planning.Action",
    "consultation": "consultations.Consultation",
    "assessment": "assessments.Assessment",
}


def visible_links(user: Any, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored links whose record `user` may see, with a URL where the record has one.

    A link to a record the user may not see is left out entirely, title included.
    """
    from django.apps import apps

    from reef.records.models import LinkKind

    labels = dict(LinkKind.choices)
    wanted: dict[str, set[int]] = {}
    for link in links or []:
        wanted.setdefault(str(link.get("kind")), set()).add(int(link.get("id", 0)))
    found: dict[str, dict[int, Any]] = {}
    for kind, ids in wanted.items():
        try:
            model = apps.get_model(LINK_MODELS[kind])
        except (KeyError, LookupError):
            continue
        manager: Any = model._default_manager
        if not hasattr(manager, "for_user"):
            continue
        found[kind] = manager.for_user(user).in_bulk(list(ids))
    result = []
    for link in links or []:
        kind = str(link.get("kind"))
        obj = found.get(kind, {}).get(int(link.get("id", 0)))
        if obj is None:
            continue
        getter = getattr(obj, "get_absolute_url", None)
        url = ""
        if callable(getter):
            try:
                url = str(getter())
            except Exception:
                url = ""
        result.append({**link, "kind_label": labels.get(kind, kind), "url": url})
    return result


def outcomes_with_links(user: Any, event: Event) -> list[tuple[Any, list[dict[str, Any]]]]:
    return [(o, visible_links(user, o.links)) for o in event.outcomes.all()]


# Events ---------------------------------------------------------------------------


def events_for(user: Any) -> LabelledQuerySet:
    return (
        Event.objects.for_user(user)
        .filter(Q(status=Event.Status.PUBLISHED) | _editable_q(user))
        .select_related("country")
        .prefetch_related("hosts")
    )


def public_events() -> LabelledQuerySet:
    return (
        Event.objects.public()
        .filter(status=Event.Status.PUBLISHED)
        .select_related("country")
        .prefetch_related("hosts")
    )


def event_get(user: Any, slug: str) -> Event:
    obj: Event = get_for_user(events_for(user), user, slug=slug)
    return obj


def event_hosts(user: Any, event: Event) -> LabelledQuerySet:
    return Organisation.objects.for_user(user).filter(hosted_events=event)


def upcoming_public_events(today: dt.date | None = None) -> LabelledQuerySet:
    today = today or dt.date.today()
    return public_events().filter(end_date__gte=today).order_by("start_date")


def participants_shown(user: Any, event: Event) -> QuerySet[Participant]:
    """Everyone to the event's editors; to others only those who consented."""
    qs = event.participants.select_related("organisation")
    if not edits(scope_for(user), event):
        qs = qs.filter(consent_public=True)
    return qs


def participants_by_sector(user: Any, event: Event) -> list[dict[str, Any]]:
    rows = participants_shown(user, event).values("sector").annotate(n=Count("pk")).order_by("-n")
    from reef.records.models import Sector

    labels = dict(Sector.choices)
    return [{"sector": labels.get(r["sector"], r["sector"]), "n": r["n"]} for r in rows]


def sessions_of(user: Any, event: Event) -> QuerySet[Session]:
    return event.sessions.prefetch_related(
        Prefetch(
            "speakers",
            queryset=participants_shown(user, event),
            to_attr="shown_speakers",
        ),
        "files",
    )


def event_file_get(user: Any, slug: str, uid: str) -> EventFile:
    event = event_get(user, slug)
    try:
        return event.files.get(uid=uid)
    except (EventFile.DoesNotExist, ValueError):
        raise Http404 from None


# Publications ---------------------------------------------------------------------


def publications_for(user: Any) -> LabelledQuerySet:
    return (
        Publication.objects.for_user(user)
        .filter(Q(status=Publication.Status.PUBLISHED) | _editable_q(user))
        .prefetch_related("countries")
    )


def public_publications() -> LabelledQuerySet:
    return (
        Publication.objects.public()
        .filter(status=Publication.Status.PUBLISHED)
        .prefetch_related("countries", "events")
    )


def publication_get(user: Any, slug: str) -> Publication:
    obj: Publication = get_for_user(publications_for(user), user, slug=slug)
    return obj


def public_events_of(user: Any, publication: Publication) -> LabelledQuerySet:
    return events_for(user).filter(publications=publication)


# Briefings ------------------------------------------------------------------------


def briefings_for(user: Any) -> LabelledQuerySet:
    """Briefings `user` may read: their label decides (no publishing step)."""
    return Briefing.objects.for_user(user).prefetch_related("countries")


def public_briefings() -> LabelledQuerySet:
    return Briefing.objects.public().prefetch_related("countries")


def briefing_get(user: Any, slug: str) -> Briefing:
    obj: Briefing = get_for_user(briefings_for(user), user, slug=slug)
    return obj


def briefing_needs(user: Any, briefing: Briefing) -> LabelledQuerySet:
    """The needs a briefing creates that `user` may see (the others are not mentioned)."""
    return (
        planning_selectors.needs_for(user)
        .filter(briefings=briefing)
        .select_related("country", "plan")
    )


NEED_CHOICES_LIMIT = 300


def need_choices(user: Any) -> list[tuple[str, str]]:
    """Needs `user` may see and link from a briefing, newest first."""
    qs = planning_selectors.needs_for(user).select_related("country").order_by("-pk")
    return [
        (str(n.pk), f"{n.country.code + ': ' if n.country else ''}{n.title}"[:300])
        for n in qs[:NEED_CHOICES_LIMIT]
    ]


# Countries and the regional picture -----------------------------------------------


def country_get(code: str) -> Country:
    try:
        return Country.objects.get(code=code.upper())
    except Country.DoesNotExist:
        raise Http404 from None


def public_record_of_country(country: Country) -> dict[str, Any]:
    """What a country made public: events, released assessment reports, other
    publications, and national plans with their progress."""
    publications = public_publications().filter(countries=country)
    report = Publication.Kind.ASSESSMENT_REPORT
    return {
        "events": public_events().filter(country=country),
        # Only reports about this country's own assessments, which its managers released.
        "assessment_reports": publications.filter(
            kind=report,
            owner_country=country,
            assessment__country=country,
            released_at__isnull=False,
        ),
        "publications": publications.exclude(kind=report),
        "briefings": public_briefings().filter(countries=country)[:20],
        "plans": public_plans_of(
            public_national_plans().filter(country=country).order_by("-cycle")
        ),
    }


@dataclass(frozen=True)
class PublicPlan:
    """A national plan its country made public, with progress over public items only."""

    plan: Plan
    totals: GroupRollup
    commitments: int
    delivered: int  # delivered, or delivered and verified by the state


def public_national_plans() -> LabelledQuerySet:
    return Plan.objects.public().filter(kind=Plan.Kind.NATIONAL).exclude(country=None)


def public_plans_of(plans: QuerySet[Plan]) -> list[PublicPlan]:
    """Progress as an anonymous reader would count it: needs and commitments that are
    not public themselves are neither shown nor counted."""
    anonymous = AnonymousUser()
    result = []
    for plan in plans.select_related("country"):
        view = planning_selectors.plan_overview(anonymous, plan)
        live = [c for c in view.commitments if c.status != Commitment.Status.WITHDRAWN]
        result.append(
            PublicPlan(
                plan=plan,
                totals=view.rolled.region,
                commitments=len(live),
                delivered=sum(c.status in DELIVERED_STATUSES for c in live),
            )
        )
    return result


def regional_picture() -> list[dict[str, Any]]:
    """Counts of public events, publications and plans per country, countries with any."""
    events = dict(
        public_events()
        .exclude(country=None)
        .order_by()
        .values("country_id")
        .annotate(n=Count("pk"))
        .values_list("country_id", "n")
    )
    through: Any = Publication.countries.through
    pubs: dict[int, int] = dict(
        through.objects.filter(
            publication_id__in=Publication.objects.public()
            .filter(status=Publication.Status.PUBLISHED)
            .values("pk")
        )
        .order_by()
        .values("country_id")
        .annotate(n=Count("publication_id", distinct=True))
        .values_list("country_id", "n")
    )
    plans: dict[int, int] = dict(
        public_national_plans()
        .order_by()
        .values("country_id")
        .annotate(n=Count("pk"))
        .values_list("country_id", "n")
    )
    ids = set(events) | set(pubs) | set(plans)
    return [
        {
            "country": c,
            "events": events.get(c.pk, 0),
            "publications": pubs.get(c.pk, 0),
            "plans": plans.get(c.pk, 0),
        }
        for c in Country.objects.filter(pk__in=ids).order_by("name")
    ]


def snapshots() -> LabelledQuerySet:
    return Snapshot.objects.public().defer("csv", "json").order_by("-date", "dataset")


def snapshot_get(dataset: str, date: str) -> Snapshot:
    try:
        day = dt.date.fromisoformat(date)
        obj: Snapshot = Snapshot.objects.public().get(dataset=dataset, date=day)
    except (Snapshot.DoesNotExist, ValueError):
        raise Http404 from None
    return obj


# Outcome links ----------------------------------------------------------------------

#: Outcome form field -> link kind.
OUTCOME_LINK_FIELDS = {"needs": "need", "plans": "plan", "consultations": "consultation"}
LINK_CHOICES_LIMIT = 300


def outcome_link_choices(user: Any, event: Event) -> dict[str, list[tuple[str, str]]]:
    """Records `user` may see that an outcome of `event` can point to, newest first.

    With a host country, that country's records come first; at most
    LINK_CHOICES_LIMIT per kind, so the form stays usable on a large platform.
    """
    from django.apps import apps

    choices: dict[str, list[tuple[str, str]]] = {}
    for field, kind in OUTCOME_LINK_FIELDS.items():
        manager: Any = apps.get_model(LINK_MODELS[kind])._default_manager
        qs = manager.for_user(user).order_by("-pk")
        if event.country_id is not None:
            local = list(qs.filter(owner_country_id=event.country_id)[:LINK_CHOICES_LIMIT])
            rest = list(
                qs.exclude(owner_country_id=event.country_id)[: LINK_CHOICES_LIMIT - len(local)]
            )
            records = local + rest
        else:
            records = list(qs[:LINK_CHOICES_LIMIT])
        choices[field] = [(str(r.pk), str(r)[:300]) for r in records]
    return choices
