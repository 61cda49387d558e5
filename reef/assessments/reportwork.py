"""The worker's side of stored reports: what a report is made of, and making it.

`fingerprint` says which report a reader would get now (`inputs`, what every reader's
report is made of, and `view`, which labelled records this reader may see; see
`models.ReportFile`); `report_generate` is what the worker runs (tasks.generate_report).
Asking for a report and serving it are in reportfiles.py, which queues the task.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reef.assessments import report, selectors
from reef.assessments.models import (
    RESULTS_OPEN,
    Assessment,
    Decision,
    Rating,
    ReportFile,
    StakeholderSession,
    Target,
    TeamMembership,
)
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import WORKER


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _aggregate(model: Any, assessment_ids: list[int]) -> list[Any]:
    """Per assessment: how many rows, their ids summed, the latest change (a deletion
    changes the count or the sum, an edit the latest change)."""
    rows = (
        model.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id")
        .annotate(n=Count("pk"), ids=Sum("pk"), last=Max("updated_at"))
        .order_by("assessment_id")
    )
    return [[r["assessment_id"], r["n"], r["ids"], r["last"]] for r in rows]


def _review_state(assessment: Assessment) -> list[Any]:
    """The country's review of the draft (window, who took part, comments, amendments and
    their decisions): the report's review section changes with it."""
    from reef.consultations.models import Amendment, Consultation, Participant, SectionComment

    review = Consultation.objects.filter(report_assessment=assessment).first()
    if review is None:
        return []
    state: list[Any] = [review.pk, review.opens_at, review.closes_at, review.version]
    for model in (Participant, SectionComment, Amendment):
        rows = model.objects.filter(consultation=review).aggregate(
            n=Count("pk"), ids=Sum("pk"), last=Max("updated_at")
        )
        state.append([rows["n"], rows["ids"], rows["last"]])
    return state


def fingerprint(user: Any, assessment: Assessment) -> tuple[str, str]:
    """(inputs, view) of the report `user` would get of `assessment` now (reads only)."""
    cycles = [c for c in selectors.cycles_of(user, assessment) if c.status in RESULTS_OPEN]
    ids = sorted({assessment.pk, *(c.pk for c in cycles)})
    team = list(
        TeamMembership.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("user_id", "role", "user__display_name", "user__email")
    )
    inputs = _digest(
        {
            "code": report.REPORT_CODE_VERSION,
            "assessment": [
                assessment.pk,
                assessment.status,
                assessment.version,
                assessment.updated_at,
                assessment.tlp,
                assessment.lead_id,
                assessment.framework_id,
                assessment.country.display_name,
            ],
            "team": team,
            "cycles": [[c.pk, c.status, c.version, c.tlp] for c in cycles],
            "ratings": _aggregate(Rating, ids),
            "decisions": _aggregate(Decision, ids),
            "targets": _aggregate(Target, ids),
            "sessions": _aggregate(StakeholderSession, [assessment.pk]),
            "review": _review_state(assessment),
        }
    )
    with_evidence = (
        selectors.ratings_visible(user, assessment)
        .exclude(evidence_text="", evidence_link="", evidence_file="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    view = _digest(
        {
            "cycles": [c.pk for c in cycles],
            "sessions": sorted(
                selectors.sessions_of(user, assessment).values_list("pk", flat=True)
            ),
            "decisions": sorted(
                selectors.decisions_of(user, assessment).values_list("pk", flat=True)
            ),
            "evidence": list(with_evidence),
        }
    )
    return inputs, view


def language_of(language: str | None) -> str:
    from django.conf import settings

    code = language or translation.get_language() or settings.LANGUAGE_CODE
    known = {c for c, _name in settings.LANGUAGES}
    if code not in known:
        code = code.split("-")[0]
    if code not in known:
        raise ServiceError(
            _("Unknown language %(value)s.") % {"value": repr(language)}, field="language"
        )
    return code


def _progress(row: ReportFile, percent: int) -> None:
    # Outside the task's transaction (there is none): pollers see it at once.
    ReportFile.objects.filter(pk=row.pk).update(progress=percent)


def report_generate(*, report_id: int) -> ReportFile | None:
    """The worker's part: render the report as its requester sees it, in its language, and
    store it. Not atomic as a whole: the progress is seen while it runs. Safe to re-run."""
    row = (
        ReportFile.objects.select_related("assessment", "requested_by").filter(pk=report_id).first()
    )
    if row is None or row.state == ReportFile.State.DONE:
        return row
    ReportFile.objects.filter(pk=row.pk).update(
        state=ReportFile.State.RUNNING, started_at=timezone.now(), progress=5
    )
    try:
        user = row.requested_by
        if user is None or not user.is_active:
            raise ServiceError(_("The person who asked for this report no longer has access."))
        # As the requester: the same access check as their request.
        assessment = selectors.assessment_get(user, row.assessment_id)
        with translation.override(row.language):
            inputs, view = fingerprint(user, assessment)
            _progress(row, 10)
            context = report.report_context(user, assessment)
            _progress(row, 20)
            render = report.pdf_of if row.format == ReportFile.Format.PDF else report.docx_of
            data = render(context, progress=lambda p: _progress(row, p))
            tlp = str(context["tlp"])
    except Exception as exc:  # recorded on the row, shown to the reader
        ReportFile.objects.filter(pk=row.pk).update(
            state=ReportFile.State.FAILED,
            error=str(exc)[:500] or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        row.refresh_from_db()
        return row
    return _report_store(row=row, data=data, inputs=inputs, view=view, tlp=tlp)


@transaction.atomic
def _report_store(*, row: ReportFile, data: bytes, inputs: str, view: str, tlp: str) -> ReportFile:
    """Keep the file; what changed while it was made gives it its new fingerprint, and
    reports made from inputs that are gone are removed."""
    row = ReportFile.objects.select_for_update().get(pk=row.pk)
    clash = (
        ReportFile.objects.filter(
            assessment_id=row.assessment_id,
            format=row.format,
            language=row.language,
            inputs=inputs,
            view=view,
        )
        .exclude(pk=row.pk)
        .first()
    )
    if clash is not None:
        clash.file.delete(save=False)
        clash.delete()
    old = row.file.name if row.file else ""
    a = row.assessment
    name = f"reef-assessment-{a.pk}-{row.language}-{inputs[:12]}-{view[:8]}.{row.format}"
    row.file.save(name, ContentFile(data), save=False)
    if old and old != row.file.name:
        row.file.storage.delete(old)
    row.inputs, row.view = inputs, view
    row.state = ReportFile.State.DONE
    row.progress = 100
    row.size = len(data)
    row.tlp = tlp
    row.finished_at = timezone.now()
    row.save()
    stale = ReportFile.objects.filter(assessment_id=row.assessment_id).exclude(inputs=inputs)
    for old_row in stale.exclude(state__in=[ReportFile.State.QUEUED, ReportFile.State.RUNNING]):
        if old_row.file:
            old_row.file.delete(save=False)
        old_row.delete()
    audit_append(
        action="report_generate",
        actor=WORKER,
        obj=a,
        detail={
            "report": row.pk,
            "format": row.format,
            "language": row.language,
            "size": len(data),
        },
    )
    return row
