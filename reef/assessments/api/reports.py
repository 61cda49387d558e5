"""Stored reports (asked for, their state, the files) and the country's review of the draft."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Router, Status

from reef.assessments import reportfiles, rules, selectors, services
from reef.assessments.api.common import _assessment_for
from reef.assessments.api.schemas import ReportFileOut, ReviewIn, ReviewOut
from reef.assessments.models import Assessment, ReportFile
from reef.core.errors import ServiceError
from reef.core.rules import allowed

router = Router()


def _report_out(a: Assessment, fmt: str, row: Any) -> dict[str, Any]:
    if row is None:
        return {
            "format": fmt,
            "language": reportfiles.language_of(None),
            "state": "none",
            "progress": 0,
            "error": "",
            "size": 0,
            "download": None,
        }
    return {
        "format": row.format,
        "language": row.language,
        "state": row.state,
        "progress": row.progress,
        "error": row.error,
        "size": row.size,
        "download": (
            f"/api/v1/assessments/{a.pk}/report.{row.format}" if row.state == "done" else None
        ),
    }


def _report_format(fmt: str) -> str:
    if fmt not in ReportFile.Format.values:
        raise ServiceError(
            _("Unknown report format %(value)s.") % {"value": repr(fmt)}, field="format"
        )
    return fmt


@router.post("/assessments/{assessment_id}/reports/{fmt}", response={202: ReportFileOut})
def post_report(request: HttpRequest, assessment_id: int, fmt: str) -> Status[dict[str, Any]]:
    """Ask the worker for the report (pdf or docx) as the reader may see it, in the request's
    language; at most one is made per version of what it shows. Poll the GET for its state."""
    user, a = _assessment_for(request, assessment_id)
    row = reportfiles.report_request(actor=user, assessment=a, fmt=_report_format(fmt))
    row.refresh_from_db()
    return Status(202, _report_out(a, fmt, row))


@router.get("/assessments/{assessment_id}/reports/{fmt}", response=ReportFileOut)
def get_report_state(request: HttpRequest, assessment_id: int, fmt: str) -> dict[str, Any]:
    """The state of the report this reader would get now (`none` until asked for)."""
    a = selectors.assessment_get(request.user, assessment_id)
    if not a.results_open:
        raise Http404
    fmt = _report_format(fmt)
    return _report_out(a, fmt, reportfiles.report_current(request.user, a, fmt=fmt))


def _report_file(request: HttpRequest, assessment_id: int, fmt: str) -> HttpResponseBase:
    a = selectors.assessment_get(request.user, assessment_id)
    if not a.results_open:
        raise Http404
    row = reportfiles.report_current(request.user, a, fmt=fmt)
    if row is None or row.state != ReportFile.State.DONE or not row.file:
        raise ServiceError(
            _("The report is not prepared: ask for it with POST …/reports/%(format)s.")
            % {"format": fmt},
            code="not_prepared",
        )
    return reportfiles.file_response(request, row)


@router.get(
    "/assessments/{assessment_id}/report.pdf",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The prepared report as PDF, labelled for the reader.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_report_pdf(request: HttpRequest, assessment_id: int) -> HttpResponseBase:
    """The report prepared by the worker (POST …/reports/pdf) as the reader may see it."""
    return _report_file(request, assessment_id, "pdf")


@router.get(
    "/assessments/{assessment_id}/report.docx",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The prepared report as DOCX, labelled for the reader.",
                "content": {
                    reportfiles.FORMATS[ReportFile.Format.DOCX]: {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
)
def get_report_docx(request: HttpRequest, assessment_id: int) -> HttpResponseBase:
    """The report prepared by the worker (POST …/reports/docx), editable."""
    return _report_file(request, assessment_id, "docx")


def _review(user: Any, a: Assessment) -> dict[str, Any]:
    record = selectors.review_record(user, a) if a.status == "complete" else None
    may_open = (
        a.status == "complete"
        and not selectors.review_exists(a)
        and allowed(rules.may_open_review, user, a)
    )
    if record is None:
        return {
            "consultation": None,
            "may_open": may_open,
            "opens_at": None,
            "closes_at": None,
            "is_open": False,
            "invited": 0,
            "participants": 0,
            "comments": 0,
            "amendments": [],
            "pending": 0,
            "blockers": [],
        }
    return {
        "consultation": record["consultation"].pk,
        "may_open": False,
        "opens_at": record["opens_at"],
        "closes_at": record["closes_at"],
        "is_open": record["is_open"],
        "invited": record["invited"],
        "participants": record["participants"],
        "comments": record["comments"],
        "amendments": [
            {
                "id": am.pk,
                "section": am.section.number,
                "heading": am.section.heading,
                "proposed_text": am.proposed_text,
                "rationale": am.rationale,
                "status": am.status,
                "decision_reason": am.decision_reason,
            }
            for am in record["amendments"]
        ],
        "pending": record["pending"],
        "blockers": record["blockers"],
    }


@router.get("/assessments/{assessment_id}/review", response=ReviewOut)
def get_review(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The country's review of the draft report: window, counts, amendments and their
    decisions, and what still holds back the report's release."""
    a = selectors.assessment_get(request.user, assessment_id)
    return _review(request.user, a)


@router.post("/assessments/{assessment_id}/review", response={201: ReviewOut})
def open_review(
    request: HttpRequest, assessment_id: int, payload: ReviewIn | None = None
) -> Status[dict[str, Any]]:
    """The team lead (or a coordinator of the country) opens the country's review of the
    draft report once the targets are agreed: one section per part of the report, the
    country's managers and the team invited, at least the minimum number of working days."""
    user, a = _assessment_for(request, assessment_id)
    services.assessment_review_open(
        actor=user, assessment=a, closes_at=payload.closes_at if payload else None
    )
    return Status(201, _review(user, a))
