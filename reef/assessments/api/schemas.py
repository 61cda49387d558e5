"""What the assessment routes take and give (request and response bodies)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


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


class ReportFileOut(Schema):
    """A report asked of the worker: its state, progress and, once ready, where to get it."""

    format: str
    language: str
    state: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="0-100")
    error: str
    size: int
    download: str | None = Field(description="the file's URL once done")


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
