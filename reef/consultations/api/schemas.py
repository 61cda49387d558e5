"""What the consultations API takes and gives, and the records in that shape."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from reef.consultations.models import Amendment, Consultation, Statement


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
