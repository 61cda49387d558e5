"""The report page and its stored files (asked for, polled, downloaded)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.assessments import report, reportfiles, rules, selectors
from reef.assessments.models import Assessment, ReportFile
from reef.assessments.views.common import _actor, _post_only
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service


def _results_or_404(a: Assessment) -> None:
    if not a.results_open:
        raise Http404


def _report_states(
    request: HttpRequest, a: Assessment, formats: Sequence[str] = ReportFile.Format.values
) -> list[dict[str, Any]]:
    """Each format's stored report for this reader (or None) and whether they may ask."""
    may = allowed(rules.may_get_report, request.user, a)
    stored = reportfiles.reports_current(request.user, a)
    return [
        {
            "format": fmt,
            "label": ReportFile.Format(fmt).label,
            "file": stored[fmt],
            "may_prepare": may,
        }
        for fmt in formats
    ]


@access(Rule.LABELLED)
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    return render(
        request,
        "assessments/report.html",
        {
            "assessment": a,
            "downloads": _report_states(request, a),
            **report.report_context(request.user, a),
        },
    )


def _format_or_404(fmt: str) -> str:
    if fmt not in ReportFile.Format.values:
        raise Http404
    return fmt


@access(Rule.LABELLED)
def report_download(request: HttpRequest, pk: int, fmt: str = "pdf") -> HttpResponseBase:
    """The stored report this reader would get now; while there is none, the report page
    (where it is asked for and its progress shown). Reads only."""
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    row = reportfiles.report_current(request.user, a, fmt=_format_or_404(fmt))
    if row is None or row.state != ReportFile.State.DONE or not row.file:
        return redirect(reverse("assessments:report", args=[a.pk]) + "#downloads")
    return reportfiles.file_response(request, row)


@access(Rule.LABELLED)
def report_status(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The small fragment the report page polls while a report is being made."""
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    (d,) = _report_states(request, a, [_format_or_404(fmt)])
    return render(request, "assessments/_report_download.html", {"assessment": a, "d": d})


@access(Rule.SERVICE)
def report_prepare(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Ask the worker for this reader's report (a write: it may queue a task)."""
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    _results_or_404(a)
    fmt = _format_or_404(fmt)
    call_service(
        request,
        lambda: reportfiles.report_request(actor=_actor(request), assessment=a, fmt=fmt),
        _("The report is being prepared."),
    )
    return redirect(reverse("assessments:report", args=[a.pk]) + "#downloads")
