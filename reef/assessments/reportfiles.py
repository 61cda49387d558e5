"""Reports made by the worker and kept until what they show changes.

A reader asks for a report (`report_request`, a write: a POST); the worker makes it
(`report_generate`, reporting its progress); later readers who would get the same report
are served the stored file (`report_current`, a read). "The same report" is a fingerprint
in two parts (see `models.ReportFile`): `inputs`, what every reader's report is made of,
and `view`, which labelled records this reader may see. Reads compute both and write
nothing. The worker's side (the fingerprint, making the report) is in reportwork.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.assessments import rules, tasks
from reef.assessments.models import Assessment, ReportFile
from reef.assessments.reportwork import fingerprint, language_of, report_generate
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, require

__all__ = [
    "FORMATS",
    "QUEUED_STALE",
    "RUNNING_STALE",
    "file_response",
    "filename",
    "fingerprint",
    "language_of",
    "report_current",
    "report_generate",
    "report_request",
    "reports_current",
]

FORMATS = {
    ReportFile.Format.PDF: "application/pdf",
    ReportFile.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}
#: A report queued for longer than this without starting is taken as lost: asking again
#: queues it again.
QUEUED_STALE = timedelta(minutes=15)
#: A report RUNNING for longer than this is taken as dead (the worker was killed).
RUNNING_STALE = timedelta(minutes=30)


def _format(fmt: str) -> ReportFile.Format:
    if fmt not in ReportFile.Format.values:
        raise ServiceError(
            _("Unknown report format %(value)s.") % {"value": repr(fmt)}, field="format"
        )
    return ReportFile.Format(fmt)


def reports_current(
    user: Any, assessment: Assessment, *, language: str | None = None
) -> dict[str, ReportFile | None]:
    """Per format, the stored report `user` would get now (any state), or None: one
    fingerprint and one query for all formats. A read: call it after the assessment's
    access check (`selectors.assessment_get`)."""
    found: dict[str, ReportFile | None] = dict.fromkeys(ReportFile.Format.values)
    if not assessment.results_open:
        return found
    inputs, view = fingerprint(user, assessment)
    rows = ReportFile.objects.filter(
        assessment=assessment, language=language_of(language), inputs=inputs, view=view
    ).order_by("-pk")
    for row in rows:
        found[row.format] = found[row.format] or row
    return found


def report_current(
    user: Any, assessment: Assessment, *, fmt: str, language: str | None = None
) -> ReportFile | None:
    """The stored report `user` would get now in `fmt` (any state), or None."""
    return reports_current(user, assessment, language=language)[_format(fmt)]


def _needs_queueing(row: ReportFile, now: Any) -> bool:
    if row.state == ReportFile.State.FAILED:
        return True
    if row.state == ReportFile.State.QUEUED:
        return row.queued_at is None or row.queued_at < now - QUEUED_STALE
    if row.state == ReportFile.State.RUNNING:
        return row.started_at is None or row.started_at < now - RUNNING_STALE
    return False


@transaction.atomic
def report_request(
    *, actor: Actor, assessment: Assessment, fmt: str, language: str | None = None
) -> ReportFile:
    """Ask the worker for the report `actor` may see, unless it is stored or on its way
    (at most one queued per fingerprint). Whoever may read the assessment's results may
    ask (rules.may_get_report), once rating has closed (independence)."""
    require(rules.may_get_report, actor, assessment, hidden=True)
    if not isinstance(actor, User):  # the rule refuses system actors
        raise ServiceError(_("Only a person may ask for a report."))
    if not assessment.results_open:
        raise ServiceError(
            _("The report is available once rating has closed."), code="invalid_state"
        )
    fmt_ = _format(fmt)
    lang = language_of(language)
    inputs, view = fingerprint(actor, assessment)
    row, created = ReportFile.objects.select_for_update().get_or_create(
        assessment=assessment,
        format=fmt_,
        language=lang,
        inputs=inputs,
        view=view,
        defaults={"requested_by": actor},
    )
    now = timezone.now()
    if not created and not _needs_queueing(row, now):
        return row
    row.requested_by = actor
    row.state = ReportFile.State.QUEUED
    row.progress = 0
    row.error = ""
    row.queued_at = now
    row.started_at = None
    row.save()
    audit_append(
        action="report_request",
        actor=actor,
        obj=assessment,
        detail={"report": row.pk, "format": fmt_, "language": lang},
    )
    pk = row.pk
    transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return row


def _enqueue(report_id: int) -> None:
    tasks.generate_report.enqueue(report_id)


def filename(row: ReportFile) -> str:
    a = row.assessment
    return f"reef-assessment-{a.pk}-{a.country.code}-{a.cycle}-{row.language}.{row.format}"


def file_response(request: HttpRequest, row: ReportFile) -> HttpResponseBase:
    """The stored file, for the reader only: a private cache may keep it, revalidated by
    its fingerprint (an unchanged report answers 304 without reading the file)."""
    etag = f'"{row.inputs[:32]}-{row.view[:16]}-{row.format}-{row.language}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        response = FileResponse(
            row.file.open("rb"),
            content_type=FORMATS[ReportFile.Format(row.format)],
            as_attachment=True,
            filename=filename(row),
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Content-Language"] = row.language
    return response
