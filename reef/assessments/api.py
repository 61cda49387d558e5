from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.assessments import reportfiles, rules, selectors, services, sheets
from reef.assessments.models import Assessment, Rating, ReportFile, TeamMembership
from reef.core.errors import ServiceError
from reef.core.rules import allowed, require
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors

router = Router(tags=["assessments"])


class AssessmentOut(Schema):
    id: int
    title: str
    country: str
    cycle: str
    framework: str
    status: str
    tlp: str
    previous: int | None
    lead: str | None
    team: list[str]


class RatingOut(Schema):
    id: int
    version: int
    indicator: str
    assessor: str
    value: str
    evidence: str
    evidence_link: str
    has_file: bool
    tlp: str


class RatingIn(Schema):
    indicator: str
    value: str
    evidence: str = ""
    evidence_link: str = ""


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "country": a.country.code,
        "cycle": a.cycle,
        "framework": a.framework.ref,
        "status": a.status,
        "tlp": a.tlp,
        "previous": a.previous_id,
        "lead": str(a.lead) if a.lead else None,
        "team": [str(u) for u in a.team.all()],
    }


def _rating(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "version": r.version,
        "indicator": r.indicator.key,
        "assessor": r.assessor_name,
        "value": r.value,
        "evidence": r.evidence_text,
        "evidence_link": r.evidence_link,
        "has_file": bool(r.evidence_file),
        "tlp": r.tlp,
    }


@router.get("/assessments", response=list[AssessmentOut], openapi_extra=PAGE_HEADERS)
def list_assessments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery], country: str = ""
) -> list[dict[str, Any]]:
    qs = selectors.assessments_for(request.user).prefetch_related("team")
    if country:
        qs = qs.filter(country__code=country.upper())
    return [_assessment(a) for a in paginate(request, response, page, qs)]


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _assessment(selectors.assessment_get(request.user, assessment_id))


@router.get(
    "/assessments/{assessment_id}/ratings", response=list[RatingOut], openapi_extra=PAGE_HEADERS
)
def list_ratings(
    request: HttpRequest, assessment_id: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The ratings you may see: while rating is open, only your own (independence)."""
    a = selectors.assessment_get(request.user, assessment_id)
    ratings = selectors.ratings_visible(request.user, a)
    return [_rating(r) for r in paginate(request, response, page, ratings)]


@router.post("/assessments/{assessment_id}/ratings", response={201: RatingOut})
def submit_rating(
    request: HttpRequest, assessment_id: int, payload: RatingIn
) -> Status[dict[str, Any]]:
    """Submit (or replace) your own rating of an indicator."""
    user = require_user(request)
    a = selectors.assessment_get(user, assessment_id)
    rating = services.rating_submit(
        actor=user,
        assessment=a,
        indicator=payload.indicator,
        value=payload.value,
        evidence_text=payload.evidence,
        evidence_link=payload.evidence_link,
    )
    return Status(201, _rating(rating))


@router.get("/assessments/{assessment_id}/results", response=dict[str, Any])
def get_results(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The scoring result: the same JSON as `reef assessment export ID --json`."""
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.assessment_export(a)


# --------------------------------------------------------------------- the workflow
# Every action a page offers, under the same rules and services (issue 14, API parity).


def _ex(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class RequestIn(Schema):
    model_config = _ex({"country": "GD", "framework": "reef-cmm@1.0", "cycle": "2026"})

    country: str = Field(description="ISO 3166 code of the country to assess.")
    framework: str = Field(description="Framework reference, `slug@version`.")
    cycle: str
    title: str = ""


class ReassessIn(Schema):
    model_config = _ex({"cycle": "2029"})

    cycle: str


class MemberIn(Schema):
    email: str = Field(description="A verified e-mail address of the member's account.")
    role: str = Field("technical", description="technical, criminal_justice, legal or observer.")


class TeamIn(Schema):
    model_config = _ex(
        {
            "members": [
                {"email": "lead@example.org", "role": "technical"},
                {"email": "prosecutor@example.org", "role": "criminal_justice"},
            ],
            "lead": "lead@example.org",
        }
    )

    members: list[MemberIn]
    lead: str


class MemberOut(Schema):
    user: str
    role: str
    lead: bool
    source: str


class TeamChangeOut(Schema):
    at: datetime.datetime
    member: str
    change: str
    role: str
    by: str
    source: str


class TeamOut(Schema):
    status: str
    members: list[MemberOut]
    history: list[TeamChangeOut]
    rating_blockers: list[str] = Field(description="Why rating cannot open yet (CCI rule).")


class SessionIn(Schema):
    model_config = _ex(
        {
            "cluster": "government",
            "held_on": "2026-03-03",
            "participants": {"government": 6, "private_sector": 2},
            "notes": "Ministry of ICT",
        }
    )

    cluster: str
    held_on: datetime.date
    participants: dict[str, int]
    notes: str = ""


class SessionOut(Schema):
    id: int
    cluster: str
    held_on: datetime.date
    participants: dict[str, int]
    notes: str
    tlp: str


class BulkRatingIn(Schema):
    indicator: str
    value: str = Field(description="met, partial, not_met, na or unknown.")
    evidence: str = ""
    evidence_link: str = ""
    version: int | None = Field(
        None,
        description="Version of your stored rating this replaces; null for a new rating.",
    )


class BulkRatingsIn(Schema):
    model_config = _ex(
        {
            "ratings": [
                {"indicator": "1.1.a.2.1", "value": "met", "evidence": "Strategy 2024"},
                {"indicator": "1.1.a.2.2", "value": "partial", "version": 2},
            ]
        }
    )

    ratings: list[BulkRatingIn]


class RowErrorOut(Schema):
    row: int = Field(description="1-based position of the rating (the sheet's row number).")
    field: str
    column: str = Field("", description="The sheet's column letter (sheet imports).")
    message: str


class RowErrorsOut(Schema):
    detail: str
    # Empty when the body itself was refused before any row was read.
    errors: list[RowErrorOut] = Field(default_factory=list)


class DecisionIn(Schema):
    model_config = _ex(
        {"value": "partial", "note": "Draft law not yet passed.", "dissent": ["A. Expert"]}
    )

    value: str
    note: str
    dissent: list[str] = []


class DecisionOut(Schema):
    indicator: str
    value: str
    note: str
    dissent: list[str]
    tlp: str


class TargetsIn(Schema):
    model_config = _ex({"targets": {"1.1.a": 3, "1.2.b": 2}})

    targets: dict[str, float] = Field(
        description="Aspect -> stage (staged frameworks) or pillar -> score (scored)."
    )


class SummaryIn(Schema):
    model_config = _ex({"summary": "Grenada has a strategy; incident response is forming."})

    summary: str


class NeedOut(Schema):
    id: int
    title: str


def _assessment_for(request: HttpRequest, assessment_id: int) -> tuple[Any, Assessment]:
    user = require_user(request)
    return user, selectors.assessment_get(user, assessment_id)


def _team(user: Any, a: Assessment) -> dict[str, Any]:
    return {
        "status": a.status,
        "members": [
            {
                "user": str(m.user),
                "role": m.role,
                "lead": m.user_id == a.lead_id,
                "source": m.source,
            }
            for m in TeamMembership.objects.filter(assessment=a).select_related("user")
        ],
        "history": [
            {
                "at": c.created_at,
                "member": c.member_name,
                "change": c.kind,
                "role": c.role,
                "by": c.by_name,
                "source": c.source,
            }
            for c in selectors.team_history(user, a)
        ],
        "rating_blockers": services.rating_blockers(a) if a.status == "accepted" else [],
    }


def _fresh(user: Any, a: Assessment) -> dict[str, Any]:
    return _assessment(selectors.assessment_get(user, a.pk))


@router.post("/assessments", response={201: AssessmentOut})
def request_assessment(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """The country's focal point requests an assessment (a later cycle links the last one)."""
    user = require_user(request)
    country = Country.objects.filter(code=payload.country.upper()).first()
    if country is None:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": repr(payload.country)}, field="country"
        )
    framework = framework_selectors.framework_by_ref(user, payload.framework)
    a = services.assessment_request(
        actor=user, country=country, framework=framework, cycle=payload.cycle, title=payload.title
    )
    return Status(201, _fresh(user, a))


@router.post("/assessments/{assessment_id}/reassess", response={201: AssessmentOut})
def reassess(
    request: HttpRequest, assessment_id: int, payload: ReassessIn
) -> Status[dict[str, Any]]:
    """The country's focal point requests the next cycle of a completed assessment."""
    user, a = _assessment_for(request, assessment_id)
    new = services.assessment_request(
        actor=user, country=a.country, framework=a.framework, cycle=payload.cycle
    )
    return Status(201, _fresh(user, new))


def _step(name: str, service: Any, doc: str) -> None:
    def operation(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
        user, a = _assessment_for(request, assessment_id)
        service(actor=user, assessment=a)
        return _fresh(user, a)

    operation.__name__ = name.replace("-", "_")
    operation.__doc__ = doc
    router.post(f"/assessments/{{assessment_id}}/{name}", response=AssessmentOut)(operation)


_step("accept", services.assessment_accept, "A coordinator of the region accepts the request.")
_step(
    "open-rating",
    services.assessment_open_rating,
    "The coordinator opens rating: refused (400, with the reason) until the team holds a "
    "technical and a criminal-justice assessor (the CCI rule).",
)
_step("close-rating", services.assessment_close_rating, "The team lead closes rating.")
_step(
    "finish-consolidation",
    services.assessment_finish_consolidation,
    "The team lead finishes consolidation (refused while an indicator is disputed).",
)
_step(
    "agree-targets",
    services.assessment_agree_targets,
    "The country's focal point agrees the targets: the assessment is complete.",
)


@router.get("/assessments/{assessment_id}/team", response=TeamOut)
def get_team(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The team with roles, its history, and why rating cannot open yet (if so)."""
    a = selectors.assessment_get(request.user, assessment_id)
    return _team(request.user, a)


@router.put("/assessments/{assessment_id}/team", response=TeamOut)
def put_team(request: HttpRequest, assessment_id: int, payload: TeamIn) -> dict[str, Any]:
    """The coordinator names the team (verified addresses), roles and lead. Rating opens
    when the CCI rule holds; every change is kept in the history."""
    user, a = _assessment_for(request, assessment_id)
    services.assessment_assign_team_by_email(
        actor=user,
        assessment=a,
        emails=[m.email for m in payload.members],
        lead_email=payload.lead,
        roles={m.email: m.role for m in payload.members},
    )
    return _team(user, selectors.assessment_get(user, a.pk))


@router.post("/assessments/{assessment_id}/sessions", response={201: SessionOut})
def add_session(
    request: HttpRequest, assessment_id: int, payload: SessionIn
) -> Status[dict[str, Any]]:
    """The team or the coordinator records a stakeholder session."""
    user, a = _assessment_for(request, assessment_id)
    s = services.session_record(
        actor=user,
        assessment=a,
        cluster=payload.cluster,
        held_on=payload.held_on,
        participants=payload.participants,
        notes=payload.notes,
    )
    return Status(
        201,
        {
            "id": s.pk,
            "cluster": s.cluster,
            "held_on": s.held_on,
            "participants": s.participants,
            "notes": s.notes,
            "tlp": s.tlp,
        },
    )


@router.post(
    "/assessments/{assessment_id}/ratings/bulk",
    response={200: list[RatingOut], 400: RowErrorsOut},
)
def submit_ratings_bulk(request: HttpRequest, assessment_id: int, payload: BulkRatingsIn) -> Any:
    """Your own ratings of many indicators at once, versioned: a rating you already made
    must be named with its current `version` (from GET .../ratings), a new one with null.
    Every rating is checked; on any problem the answer (400) lists them all by row and
    nothing is saved."""
    user, a = _assessment_for(request, assessment_id)
    rows = [
        services.RatingRow(
            indicator=r.indicator,
            value=r.value,
            evidence=r.evidence,
            evidence_link=r.evidence_link,
            version=r.version,
            row=n,
        )
        for n, r in enumerate(payload.ratings, start=1)
    ]
    try:
        saved = services.ratings_submit_rows(actor=user, assessment=a, rows=rows)
    except services.RatingRowsInvalid as exc:
        return Status(400, {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]})
    return [_rating(r) for r in saved]


@router.get(
    "/assessments/{assessment_id}/decisions",
    response=list[DecisionOut],
    openapi_extra=PAGE_HEADERS,
)
def list_decisions(
    request: HttpRequest, assessment_id: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The consolidation decisions you may see."""
    a = selectors.assessment_get(request.user, assessment_id)
    decisions = selectors.decisions_of(request.user, a)
    return [_decision(d) for d in paginate(request, response, page, decisions)]


def _decision(d: Any) -> dict[str, Any]:
    return {
        "indicator": d.indicator.key,
        "value": d.value,
        "note": d.note,
        "dissent": list(d.dissent),
        "tlp": d.tlp,
    }


@router.put("/assessments/{assessment_id}/decisions/{indicator}", response=DecisionOut)
def put_decision(
    request: HttpRequest, assessment_id: int, indicator: str, payload: DecisionIn
) -> dict[str, Any]:
    """The team lead settles an indicator during consolidation."""
    user, a = _assessment_for(request, assessment_id)
    d = services.decision_record(
        actor=user,
        assessment=a,
        indicator=indicator,
        value=payload.value,
        note=payload.note,
        dissent=payload.dissent,
    )
    return _decision(d)


@router.get("/assessments/{assessment_id}/targets", response=dict[str, float])
def get_targets(request: HttpRequest, assessment_id: int) -> dict[str, float]:
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.targets_of(a)


@router.put("/assessments/{assessment_id}/targets", response=dict[str, float])
def put_targets(request: HttpRequest, assessment_id: int, payload: TargetsIn) -> dict[str, float]:
    """The team lead or the country's focal point sets targets (all checked, or none saved)."""
    user, a = _assessment_for(request, assessment_id)
    services.target_set(actor=user, assessment=a, targets=payload.targets)
    return selectors.targets_of(a)


@router.put("/assessments/{assessment_id}/summary", response=AssessmentOut)
def put_summary(request: HttpRequest, assessment_id: int, payload: SummaryIn) -> dict[str, Any]:
    """The team lead writes the report's executive summary."""
    user, a = _assessment_for(request, assessment_id)
    services.assessment_set_summary(actor=user, assessment=a, summary=payload.summary)
    return _fresh(user, a)


class ReportFileOut(Schema):
    """A report asked of the worker: its state, progress and, once ready, where to get it."""

    format: str
    language: str
    state: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="0-100")
    error: str
    size: int
    download: str | None = Field(description="the file's URL once done")


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


@router.post("/assessments/{assessment_id}/gaps/{aspect}/need", response={201: NeedOut})
def gap_to_need(request: HttpRequest, assessment_id: int, aspect: str) -> Status[dict[str, Any]]:
    """A manager of the country turns a gap of the assessment into a need of its plan."""
    user, a = _assessment_for(request, assessment_id)
    need = services.gap_propose_need(actor=user, assessment=a, aspect=aspect)
    return Status(201, {"id": need.pk, "title": need.title})


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/assessments/{assessment_id}/sheet.xlsx",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "Your own rating sheet: every indicator, your ratings so far.",
                "content": {_XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_rating_sheet(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Export your own rating sheet (XLSX) to fill offline (members of the team)."""
    user, a = _assessment_for(request, assessment_id)
    require(rules.may_rate, user, a)
    response = HttpResponse(sheets.export_sheet(user, a), content_type=_XLSX)
    response["Content-Disposition"] = f'attachment; filename="reef-rating-sheet-{a.pk}.xlsx"'
    return response


@router.post(
    "/assessments/{assessment_id}/sheet",
    response={200: list[RatingOut], 400: RowErrorsOut},
)
def import_rating_sheet(request: HttpRequest, assessment_id: int, sheet: File[UploadedFile]) -> Any:
    """Import your filled rating sheet (multipart field `sheet`). Every row is checked;
    on any problem the answer (400) lists them by row and column and nothing is saved.
    Another assessment's or another assessor's sheet is refused."""
    user, a = _assessment_for(request, assessment_id)
    data = sheet.read(settings.REEF_MAX_UPLOAD_BYTES + 1)
    try:
        saved = services.ratings_import_sheet(actor=user, assessment=a, data=data)
    except services.RatingRowsInvalid as exc:
        return Status(
            400,
            {
                "detail": exc.message,
                "errors": [
                    {**e.as_dict(), "column": sheets.column_of(e.field)} for e in exc.errors
                ],
            },
        )
    return [_rating(r) for r in saved]


class TrendCycleOut(Schema):
    id: int
    cycle: str


class TrendRowOut(Schema):
    key: str
    name: str
    values: list[float | None] = Field(description="One value per cycle, in `cycles` order.")


class TrendsOut(Schema):
    country: str
    framework: str
    kind: str
    tlp: str
    cycles: list[TrendCycleOut]
    rows: list[TrendRowOut] = Field(description="Factors' mean stages, or pillars' scores.")
    lines: list[TrendRowOut] = Field(description="The chart's series: dimensions or pillars.")
    totals: list[float | None]


@router.get("/assessments/{assessment_id}/trends", response=TrendsOut)
def get_trends(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The country's stages (or scores) over every cycle of this framework you may see
    whose rating has closed, oldest first."""
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.trends(request.user, a)


class ReviewAmendmentOut(Schema):
    id: int
    section: int
    heading: str
    proposed_text: str
    rationale: str
    status: str
    decision_reason: str


class ReviewOut(Schema):
    consultation: int | None = Field(
        description="The review's consultation (its comment and amendment routes are under "
        "/consultations/{pk}); null while no review you may see is open."
    )
    may_open: bool = Field(description="Whether you may open the review now.")
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    is_open: bool
    invited: int
    participants: int
    comments: int
    amendments: list[ReviewAmendmentOut]
    pending: int
    blockers: list[str] = Field(description="Why the report cannot be released yet.")


class ReviewIn(Schema):
    closes_at: datetime.datetime | None = Field(
        None,
        description="When the review closes (default and earliest: the end of the "
        "REEF_REVIEW_MIN_WORKING_DAYS-th working day from today).",
    )


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
