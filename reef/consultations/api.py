"""Consultations API: /api/v1/consultations/... under the same access rules as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.consultations import selectors, services
from reef.consultations.models import Amendment, Consultation, DelphiItem, Statement
from reef.directory.models import Country, Grouping, Organisation

router = Router(tags=["consultations"])


class ConsultationOut(Schema):
    id: int
    title: str
    description: str
    tlp: str
    owner: str | None
    participation: str
    opens_at: datetime
    closes_at: datetime
    is_open: bool


class StatementOut(Schema):
    number: int
    body: str
    status: str


class DelphiItemOut(Schema):
    id: int
    text: str


class StatementIn(Schema):
    body: str


class ConsultationIn(Schema):
    title: str
    description: str = ""
    owner_organisation: str | None = None
    owner_country: str | None = None
    tlp: str = "TLP:GREEN"
    participation: str = "community"
    community_grouping: str | None = None
    opens_at: datetime
    closes_at: datetime
    document_title: str = ""


class WindowIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"closes_at": "2027-03-31T23:59:00Z"}]}
    )

    opens_at: datetime | None = Field(
        None,
        description="Leave out to keep the opening (it cannot move once the window is open). "
        "Times are compared at the precision given: a time to the minute that names the "
        "stored minute keeps the stored time.",
    )
    closes_at: datetime = Field(description="Later than the stored closing once open.")


class RoundIn(Schema):
    title: str
    items: list[str] = []
    scale_min: int = 1
    scale_max: int = 5
    rule: str = "percent"


class SectionIn(Schema):
    heading: str
    text: str


class ModerateIn(Schema):
    status: str


class VoteIn(Schema):
    statement: int
    value: int


class VoteOut(Schema):
    statement: int
    value: int


class JoinIn(Schema):
    sector: str
    country: str


class ParticipantOut(Schema):
    number: int
    sector: str
    country: str | None


class DelphiIn(Schema):
    ratings: dict[int, int]
    comments: dict[int, str] = {}


class CommentIn(Schema):
    body: str


class AmendmentIn(Schema):
    proposed_text: str
    rationale: str = ""


class DecisionIn(Schema):
    accept: bool
    reason: str = ""


class AmendmentOut(Schema):
    id: int
    section: int
    status: str
    proposed_text: str
    decision_reason: str
    stale: bool = Field(
        False,
        description="Pending, and the section changed since it was proposed: it can be "
        "accepted only after its proposer re-bases it (POST .../rebase).",
    )


class RebaseIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"proposed_text": "The new text, changed as proposed.", "rationale": ""}]
        }
    )

    proposed_text: str
    rationale: str | None = None


def _amendment(a: Amendment) -> AmendmentOut:
    return AmendmentOut(
        id=a.pk,
        section=a.section.number,
        status=a.status,
        proposed_text=a.proposed_text,
        decision_reason=a.decision_reason,
        stale=a.is_stale,
    )


class Error(Schema):
    detail: str


def _consultation(c: Consultation) -> ConsultationOut:
    owner = (
        c.owner_organisation.slug
        if c.owner_organisation
        else (c.owner_country.code if c.owner_country else None)
    )
    return ConsultationOut(
        id=c.pk,
        title=c.title,
        description=c.description,
        tlp=c.tlp,
        owner=owner,
        participation=c.participation,
        opens_at=c.opens_at,
        closes_at=c.closes_at,
        is_open=c.is_open(),
    )


def _statement(s: Statement) -> StatementOut:
    return StatementOut(number=s.number, body=s.body, status=s.status)


@router.get("/consultations", response=list[ConsultationOut], openapi_extra=PAGE_HEADERS)
def list_consultations(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[ConsultationOut]:
    consultations = selectors.consultations_for(request.user)
    return [_consultation(c) for c in paginate(request, response, page, consultations)]


@router.get("/consultations/{pk}", response=ConsultationOut)
def get_consultation(request: HttpRequest, pk: int) -> ConsultationOut:
    return _consultation(selectors.consultation_get(request.user, pk))


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request: HttpRequest, payload: ConsultationIn) -> Any:
    """Create a consultation owned by an organisation (slug) or a country (ISO code) in
    which the caller is an editor."""
    user = require_user(request)
    org = (
        Organisation.objects.filter(slug=payload.owner_organisation).first()
        if payload.owner_organisation
        else None
    )
    country = (
        Country.objects.filter(code=payload.owner_country.upper()).first()
        if payload.owner_country
        else None
    )
    grouping = (
        Grouping.objects.filter(slug=payload.community_grouping).first()
        if payload.community_grouping
        else None
    )
    c = services.consultation_create(
        actor=user,
        title=payload.title,
        description=payload.description,
        owner_organisation=org,
        owner_country=country,
        tlp=payload.tlp,
        participation=payload.participation,
        community_grouping=grouping,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        document_title=payload.document_title,
    )
    return Status(201, _consultation(c))


@router.put("/consultations/{pk}/window", response=ConsultationOut)
def set_window(request: HttpRequest, pk: int, payload: WindowIn) -> ConsultationOut:
    """Change the review window: once open it can be extended, never shortened."""
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    c = services.consultation_set_window(
        actor=user, consultation=c, opens_at=payload.opens_at, closes_at=payload.closes_at
    )
    return _consultation(c)


@router.post("/consultations/{pk}/delphi", response={201: dict[str, int]})
def create_round(request: HttpRequest, pk: int, payload: RoundIn) -> Any:
    """A new Delphi round (without items, the previous round's items are carried over)."""
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    rnd = services.delphi_round_create(
        actor=user,
        consultation=c,
        title=payload.title,
        items=payload.items,
        scale=(payload.scale_min, payload.scale_max),
        rule=payload.rule,
    )
    return Status(201, {"number": rnd.number})


@router.post("/consultations/{pk}/delphi/{number}/close", response=dict[str, str])
def close_round(request: HttpRequest, pk: int, number: int) -> dict[str, str]:
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    rnd = services.delphi_round_close(actor=user, round=selectors.delphi_round_get(user, c, number))
    return {"status": rnd.status}


@router.post("/consultations/{pk}/sections", response={201: dict[str, int]})
def create_section(request: HttpRequest, pk: int, payload: SectionIn) -> Any:
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    section = services.section_create(
        actor=user, consultation=c, heading=payload.heading, text=payload.text
    )
    return Status(201, {"number": section.number})


@router.post("/consultations/{pk}/participation", response=ParticipantOut)
def join(request: HttpRequest, pk: int, payload: JoinIn) -> ParticipantOut:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    country = Country.objects.filter(code=payload.country.upper()).first()
    p = services.participant_join(
        actor=user, consultation=consultation, sector=payload.sector, country=country
    )
    return ParticipantOut(
        number=p.number, sector=p.sector, country=p.country.code if p.country else None
    )


@router.get(
    "/consultations/{pk}/statements", response=list[StatementOut], openapi_extra=PAGE_HEADERS
)
def list_statements(
    request: HttpRequest, pk: int, response: HttpResponse, page: Query[PageQuery]
) -> list[StatementOut]:
    consultation = selectors.consultation_get(request.user, pk)
    statements = selectors.statements_for(request.user, consultation)
    return [_statement(s) for s in paginate(request, response, page, statements)]


@router.post("/consultations/{pk}/statements", response={201: StatementOut})
def add_statement(request: HttpRequest, pk: int, payload: StatementIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    s = services.statement_submit(actor=user, consultation=consultation, body=payload.body)
    return Status(201, _statement(s))


@router.post("/consultations/{pk}/statements/{number}/moderation", response=StatementOut)
def moderate_statement(
    request: HttpRequest, pk: int, number: int, payload: ModerateIn
) -> StatementOut:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    statement = selectors.statement_get(user, consultation, number)
    return _statement(
        services.statement_moderate(actor=user, statement=statement, status=payload.status)
    )


@router.get("/consultations/{pk}/next", response={200: StatementOut, 204: None})
def next_statement(request: HttpRequest, pk: int) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    s = selectors.next_statement(user, consultation)
    if s is None:
        return Status(204, None)
    return Status(200, _statement(s))


@router.post("/consultations/{pk}/votes", response={200: VoteOut, 429: Error})
def cast_vote(request: HttpRequest, pk: int, payload: VoteIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    statement = selectors.statement_get(user, consultation, payload.statement)
    try:
        v = services.vote_cast(
            actor=user,
            statement=statement,
            value=payload.value,
            ip=str(request.META.get("REMOTE_ADDR", "")),
        )
    except services.RateLimited as exc:
        return Status(429, Error(detail=exc.message))
    return Status(200, VoteOut(statement=statement.number, value=v.value))


@router.get("/consultations/{pk}/report")
def report(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The latest opinion analysis: the `consensus analyze` JSON (result), routing priorities
    and the consensus reality report (real / apparent consensus / divisive, who was not heard),
    with `analysed_at` (null before the first) and `stale`: true when votes or moderation
    arrived since and an updated analysis is on its way (made by the task worker; a read
    never computes one)."""
    consultation = selectors.consultation_get(request.user, pk)
    stored = selectors.consultation_analysis(request.user, consultation)
    return {
        **stored.analysis,
        "analysed_at": stored.analysed_at.isoformat() if stored.analysed_at else None,
        "stale": stored.stale,
    }


class DifferenceOut(Schema):
    statement: int
    body: str
    direction: str = Field(description="agree or disagree: the side of the larger gap.")
    group_share: float = Field(description="Share of the group's votes on that side (0-1).")
    others_share: float = Field(description="The same share among all other groups together.")


class CommonOut(Schema):
    statement: int
    body: str
    direction: str
    lowest_share: float = Field(description="The least convinced group's share (over 0.5).")


class MyGroupOut(Schema):
    status: str = Field(
        description="placed: in a group; not_placed: analysed, in no group yet (too few "
        "votes); pending: voted after the stored analysis, place shown after the next "
        "update; no_votes: nothing to place yet; not_joined: not a participant."
    )
    group: int | None = None
    label: str | None = Field(default=None, description="The group's letter as the pages show it.")
    size: int = 0
    n_groups: int = 0
    update_due: bool = Field(
        default=False, description="Placed, but voted since: the next update may move them."
    )
    differences: list[DifferenceOut] = Field(
        default_factory=list,
        description="Up to 3 statements where the group differs most from the others.",
    )
    common: list[CommonOut] = Field(
        default_factory=list, description="Statements where all groups agree."
    )


@router.get("/consultations/{pk}/me/group", response=MyGroupOut)
def my_group(request: HttpRequest, pk: int) -> MyGroupOut:
    """The caller's opinion group in the stored analysis (as on the report page), where
    their group differs most from the others and where all groups agree."""
    consultation = selectors.consultation_get(request.user, pk)
    user = require_user(request)
    stored = selectors.consultation_analysis(user, consultation)
    summary = selectors.my_group_summary(user, consultation, stored)
    if summary is None:
        return MyGroupOut(status="not_joined")
    return MyGroupOut(**summary)


@router.post("/consultations/{pk}/delphi/{number}/responses")
def delphi_respond(request: HttpRequest, pk: int, number: int, payload: DelphiIn) -> dict[str, int]:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    rnd = selectors.delphi_round_get(user, consultation, number)
    out = services.delphi_respond(
        actor=user, round=rnd, ratings=payload.ratings, comments=payload.comments
    )
    return {"answered": len(out)}


@router.get("/consultations/{pk}/delphi/{number}/feedback", response={200: Any, 403: Error})
def delphi_feedback(request: HttpRequest, pk: int, number: int) -> Any:
    """Hidden (403) until the caller has given a first answer to every item of the round."""
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    try:
        fb = selectors.delphi_feedback(request.user, rnd)
    except selectors.FeedbackHidden as exc:
        return Status(403, Error(detail=exc.message))
    return Status(
        200,
        {
            "round": rnd.number,
            "respondents": fb.respondents,
            "kendall_w": None
            if fb.kendall is None
            else {
                "w": fb.kendall.w,
                "p_value": fb.kendall.p_value,
                "strength": fb.kendall.strength,
            },
            "items": [
                {
                    "item": f.item.pk,
                    "text": f.item.text,
                    "n": f.summary.n,
                    "median": f.summary.median,
                    "iqr": f.summary.iqr,
                    "distribution": {str(k): v for k, v in f.summary.distribution.items()},
                    "by_sector": {
                        s: {"n": x.n, "median": x.median, "iqr": x.iqr}
                        for s, x in f.by_sector.items()
                    },
                    "consensus": f.consensus,
                    "change": f.change,
                    "stable": f.stable,
                }
                for f in fb.items
            ],
        },
    )


@router.get(
    "/consultations/{pk}/delphi/{number}/items",
    response=list[DelphiItemOut],
    openapi_extra=PAGE_HEADERS,
)
def delphi_items(
    request: HttpRequest, pk: int, number: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    items = DelphiItem.objects.for_user(request.user).filter(round=rnd)
    return [{"id": i.pk, "text": i.text} for i in paginate(request, response, page, items)]


@router.post("/consultations/{pk}/sections/{number}/comments", response={201: dict[str, int]})
def add_comment(request: HttpRequest, pk: int, number: int, payload: CommentIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    section = selectors.section_get(user, consultation, number)
    c = services.section_comment_add(actor=user, section=section, body=payload.body)
    return Status(201, {"id": c.pk})


@router.post("/consultations/{pk}/sections/{number}/amendments", response={201: AmendmentOut})
def propose_amendment(request: HttpRequest, pk: int, number: int, payload: AmendmentIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    section = selectors.section_get(user, consultation, number)
    a = services.amendment_propose(
        actor=user,
        section=section,
        proposed_text=payload.proposed_text,
        rationale=payload.rationale,
    )
    return Status(201, _amendment(a))


@router.get(
    "/consultations/{pk}/sections/{number}/amendments",
    response=list[AmendmentOut],
    openapi_extra=PAGE_HEADERS,
)
def list_amendments(
    request: HttpRequest, pk: int, number: int, response: HttpResponse, page: Query[PageQuery]
) -> list[AmendmentOut]:
    """A section's amendments, each saying whether it is stale."""
    consultation = selectors.consultation_get(request.user, pk)
    section = selectors.section_get(request.user, consultation, number)
    amendments = selectors.section_amendments(request.user, section).select_related("section")
    return [_amendment(a) for a in paginate(request, response, page, amendments)]


@router.post(
    "/consultations/{pk}/amendments/{amendment_id}/rebase",
    response={200: AmendmentOut, 400: Error, 403: Error, 404: Error, 409: Error},
)
def rebase_amendment(
    request: HttpRequest, pk: int, amendment_id: int, payload: RebaseIn
) -> AmendmentOut:
    """The proposer re-writes a stale amendment on the section's current text."""
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    a = selectors.amendment_get(user, consultation, amendment_id)
    a = services.amendment_rebase(
        actor=user, amendment=a, proposed_text=payload.proposed_text, rationale=payload.rationale
    )
    return _amendment(a)


@router.post("/consultations/{pk}/amendments/{amendment_id}/decision", response=AmendmentOut)
def decide_amendment(request: HttpRequest, pk: int, amendment_id: int, payload: DecisionIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    a = selectors.amendment_get(user, consultation, amendment_id)
    a = services.amendment_decide(
        actor=user, amendment=a, accept=payload.accept, reason=payload.reason
    )
    return _amendment(a)
