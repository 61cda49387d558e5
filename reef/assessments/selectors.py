"""Reads of assessments, through the access layer.

Independence (`rules.may_see_rating`, reef.core.independence): while rating is
open, each rating is seen by its author only, in pages, API, exports and the
report; nobody else (other assessors, the lead, the country's managers, the
coordinators) sees individual ratings, nor results computed from them, until
rating closes.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reef.assessments import scoring
from reef.assessments.models import (
    RESULTS_OPEN,
    Assessment,
    Decision,
    Rating,
    StakeholderSession,
    Status,
    Target,
    TeamChange,
)
from reef.core.access import LabelledQuerySet
from reef.core.errors import ServiceError
from reef.core.roles import Action
from reef.core.selectors import get_for_user
from reef.frameworks import selectors as framework_selectors

#: The framework's document is the whole framework as JSON (reef-cmm: 700 kB): decoding it
#: for every listed assessment cost more than the rest of a page. `framework_selectors.parsed`
#: keeps each version parsed once per process and reads the document only then.
FRAMEWORK_DOCUMENT = "framework__document"


def assessments_for(user: Any) -> LabelledQuerySet:
    return (
        Assessment.objects.for_user(user)
        .select_related("country", "framework", "lead")
        .defer(FRAMEWORK_DOCUMENT)
    )


def assessment_get(user: Any, pk: int | str, action: str = Action.VIEW) -> Assessment:
    obj: Assessment = get_for_user(
        Assessment.objects.select_related("country", "framework", "lead", "previous")
        .defer(FRAMEWORK_DOCUMENT)
        .prefetch_related("team", "memberships"),
        user,
        action=action,
        pk=pk,
    )
    return obj


def ratings_visible(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """The ratings of `assessment` that `user` may see: the label (access layer), then
    independence (`rules.may_see_rating`) as a query: while rating is open, one's own only."""
    qs = (
        Rating.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("indicator", "assessor", "assessment")
    )
    if assessment.status not in RESULTS_OPEN:
        if not getattr(user, "is_authenticated", False):
            return qs.none()
        qs = qs.filter(assessor_id=user.pk)
    return qs


def rating_get(user: Any, assessment: Assessment, pk: int | str) -> Rating:
    try:
        rating: Rating = ratings_visible(user, assessment).get(pk=pk)
        return rating
    except (Rating.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None


def own_ratings(user: Any, assessment: Assessment, indicators: Any = None) -> dict[int, Rating]:
    """indicator id -> the user's own rating (of `indicators` only, when given)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    found = Rating.objects.filter(assessment=assessment, assessor=user)
    if indicators is not None:
        found = found.filter(indicator__in=indicators)
    return {r.indicator_id: r for r in found}


def own_rating_count(user: Any, assessment: Assessment) -> int:
    """How many indicators the user has rated (counted in SQL, not loaded)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Rating.objects.filter(assessment=assessment, assessor=user).count()


def team_history(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """Who was added to or removed from the team, or given another role, when and by whom."""
    return TeamChange.objects.for_user(user).filter(assessment=assessment)


def sessions_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    return StakeholderSession.objects.for_user(user).filter(assessment=assessment)


def decisions_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """The consolidation decisions `user` may see (TLP:AMBER+STRICT for the country)."""
    return (
        Decision.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("indicator", "decided_by")
    )


def targets_of(assessment: Assessment) -> dict[str, float]:
    return {t.key: t.value for t in Target.objects.filter(assessment=assessment)}


def _target_values(assessment: Assessment) -> dict[str, float]:
    targets = targets_of(assessment)
    if assessment.framework.kind == "staged":
        return {k: int(v) for k, v in targets.items()}
    return targets


#: How long a complete assessment's result is kept in the cache (it cannot change: ratings,
#: decisions and targets are refused once an assessment is complete).
RESULT_TTL = 24 * 3600


def assessment_result(assessment: Assessment) -> scoring.Result:
    """The scoring result from every rating (call only after the assessment's access check,
    and only once rating has closed: before, it would show the assessors' live ratings).

    A complete assessment's result is scored once and kept in the cache (keyed by its
    version and its framework's): the home, the country hub, results, reports and trends
    read every earlier cycle's."""
    if assessment.status != Status.COMPLETE:
        return _score(assessment)
    fw = assessment.framework
    key = (
        f"assessments:result:{assessment.pk}:{assessment.version}:"
        f"{assessment.updated_at.timestamp()}:{fw.pk}:{fw.version}:{fw.updated_at.timestamp()}"
    )
    found: scoring.Result | None = cache.get(key)
    if found is None:
        found = _score(assessment)
        cache.set(key, found, RESULT_TTL)
    return found


def _score(assessment: Assessment) -> scoring.Result:
    fw = framework_selectors.parsed(assessment.framework)
    ratings = Rating.objects.filter(assessment=assessment).order_by("updated_at", "pk")
    triples = [
        (key, assessor, value)
        for key, assessor, value in ratings.values_list("indicator__key", "assessor_key", "value")
    ]
    decisions = dict(
        Decision.objects.filter(assessment=assessment).values_list("indicator__key", "value")
    )
    return scoring.score(
        fw,
        triples,
        decisions,
        _target_values(assessment),
        country=assessment.country.code,
        cycle=assessment.cycle,
    )


def cycles_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """Assessments of the same country with the same framework, oldest first."""
    return (
        assessments_for(user)
        .filter(country=assessment.country, framework__slug=assessment.framework.slug)
        .order_by("created_at", "pk")
    )


def assessment_export(assessment: Assessment) -> dict[str, Any]:
    """The result JSON of `reef assessment export` and the results API.

    Refused while rating is open (independence). The result is derived from ratings and
    decisions: it carries the assessment's label, never a wider one.
    """
    if not assessment.results_open:
        raise ServiceError(_("Results are available once rating has closed."), code="invalid_state")
    return {**assessment_result(assessment).to_dict(), "tlp": str(assessment.tlp)}


def trends(
    user: Any,
    assessment: Assessment,
    *,
    until: Assessment | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The country's results over every cycle of this framework that `user` may see and
    whose rating has closed (oldest first; up to `until` when given, for a report).

    Staged frameworks: each factor's mean stage (rows) and each dimension's (lines);
    scored: each pillar's score and the total. Carries the strictest label it read.
    Names are as the framework writes them, or in `language` (pages and reports).
    """
    from reef.core.tlp import stricter

    cycles = [c for c in cycles_of(user, assessment) if c.status in RESULTS_OPEN]
    if until is not None:
        order = {c.pk: n for n, c in enumerate(cycles)}
        if until.pk in order:
            cycles = cycles[: order[until.pk] + 1]
    fw = framework_selectors.parsed(assessment.framework, language)
    results = [assessment_result(c) for c in cycles]
    tlp = str(assessment.tlp)
    for c in cycles:
        tlp = stricter(tlp, str(c.tlp))
    rows: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    if fw.kind == "staged":
        for f in fw.factors:
            values = [
                next((x.stage_mean for x in r.factors if x.key == f.key), None) for r in results
            ]
            rows.append({"key": f.key, "name": f.name, "values": values})
        for d in fw.dimensions:
            values = [
                next((x.stage_mean for x in r.dimensions if x.key == d.key), None) for r in results
            ]
            lines.append({"key": d.key, "name": d.name, "values": values})
        low, high = 1.0, float(max((st.level for st in fw.stages), default=5))
    else:
        for p in fw.pillars:
            values = [next((x.score for x in r.pillars if x.key == p.key), None) for r in results]
            rows.append({"key": p.key, "name": p.name, "values": values})
        lines = list(rows)
        low = 0.0
        high = max([float(p.max) for p in fw.pillars] + [1.0])
    return {
        "country": assessment.country.code,
        "framework": assessment.framework.slug,
        "kind": fw.kind,
        "tlp": tlp,
        "cycles": [{"id": c.pk, "cycle": c.cycle} for c in cycles],
        "rows": rows,
        "lines": lines,
        "totals": [r.total for r in results] if fw.kind == "scored" else [],
        "minimum": low,
        "maximum": high,
    }


# ------------------------------------------------------------------ report review


def review_of(user: Any, assessment: Assessment) -> Any:
    """The country's review of the draft report (a consultation), if `user` may see it."""
    from reef.consultations.models import Consultation

    return (
        Consultation.objects.for_user(user)
        .filter(report_assessment=assessment)
        .prefetch_related("members")
        .first()
    )


def review_exists(assessment: Assessment) -> bool:
    from reef.consultations.models import Consultation

    return Consultation.objects.filter(report_assessment=assessment).exists()


def review_blockers(assessment: Assessment, now: Any = None) -> list[str]:
    """Why the report cannot be released yet: the review window is open, or amendments are
    undecided. Empty without a review (the country's manager may release without one)."""
    from reef.consultations.models import Amendment, Consultation

    review = Consultation.objects.filter(report_assessment=assessment).first()
    if review is None:
        return []
    now = now or timezone.now()
    why = []
    if now < review.closes_at:
        why.append(
            _("The country's review of the draft report is open until %(date)s.")
            % {"date": date_format(timezone.localtime(review.closes_at), "DATETIME_FORMAT")}
        )
    pending = Amendment.objects.filter(consultation=review, status=Amendment.Status.PENDING).count()
    if pending:
        why.append(
            ngettext(
                "%(n)s amendment to the draft report is still undecided.",
                "%(n)s amendments to the draft report are still undecided.",
                pending,
            )
            % {"n": pending}
        )
    return why


def review_record(user: Any, assessment: Assessment) -> dict[str, Any] | None:
    """What the final report says of the country's review: its window, how many took part
    (counts, never names), every amendment with its section, text, decision and reason."""
    from reef.consultations.models import Amendment, Participant, SectionComment

    review = review_of(user, assessment)
    if review is None:
        return None
    participants = Participant.objects.filter(consultation=review)
    comments = SectionComment.objects.filter(consultation=review)
    amendments = list(
        Amendment.objects.filter(consultation=review)
        .select_related("section")
        .order_by("section__number", "created_at", "pk")
    )
    return {
        "consultation": review,
        "opens_at": review.opens_at,
        "closes_at": review.closes_at,
        "is_open": review.is_open(),
        "invited": len(review.members.all()),
        "participants": participants.count(),
        "commenters": comments.values("participant").distinct().count(),
        "comments": comments.count(),
        "proposers": len({a.participant_id for a in amendments}),
        "amendments": amendments,
        "accepted": [a for a in amendments if a.status == Amendment.Status.ACCEPTED],
        "pending": sum(a.status == Amendment.Status.PENDING for a in amendments),
        "blockers": review_blockers(assessment),
    }
