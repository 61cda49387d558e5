"""The shapes of the records API (reef/records/api.py): what it answers and what it
accepts, in the OpenAPI schema under these class names, and the functions that turn a
record into its answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from reef.records import selectors
from reef.records.models import Briefing, Event, Publication

# Events and publications -----------------------------------------------------------


class EventOut(Schema):
    slug: str
    title: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    venue: str
    country: str | None
    tlp: str
    status: str
    summary: str
    translations: dict[str, dict[str, str]]


class EventIn(Schema):
    title: str
    start_date: dt.date
    end_date: dt.date
    kind: str = "meeting"
    owner_country: str | None = None
    owner_organisation: str | None = None
    country: str | None = None
    venue: str = ""
    summary: str = ""
    tlp: str = "TLP:AMBER"


class PublicationOut(Schema):
    slug: str
    title: str
    kind: str
    authors: str
    abstract: str
    language: str
    tlp: str
    status: str
    countries: list[str]
    published_at: dt.datetime | None
    released: bool


class PublicationIn(Schema):
    title: str
    kind: str = "report"
    owner_country: str | None = None
    owner_organisation: str | None = None
    authors: str = ""
    abstract: str = ""
    language: str = "en"
    tlp: str = "TLP:AMBER"
    countries: list[str] = []
    assessment: int | None = None


class StepIn(Schema):
    reason: str = Field("", description="return: why the publication goes back to draft.")
    summary: str = Field(
        "",
        max_length=5000,
        description="release: a public summary published to the record in the same step.",
    )
    summary_tlp: str = Field("TLP:CLEAR", description="release: the summary's label.")


class ParticipantIn(Schema):
    name: str
    sector: str
    organisation: str | None = None
    organisation_name: str = ""
    role: str = "participant"
    consent_public: bool = False


class SessionIn(Schema):
    title: str
    day: dt.date | None = None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    description: str = ""
    speakers: list[int] = []


class LinkIn(Schema):
    kind: str
    id: int
    title: str


class OutcomeIn(Schema):
    text: str
    links: list[LinkIn] = []


class TranslationIn(Schema):
    language: str
    title: str | None = None
    summary: str | None = None
    report: str | None = None
    abstract: str | None = None


class CreatedOut(Schema):
    id: int


class HitOut(Schema):
    kind: str
    title: str
    url: str
    snippet: str
    rank: float


class SearchOut(Schema):
    query: str
    total: int
    counts: dict[str, int]
    hits: list[HitOut]


def event_out(e: Event) -> EventOut:
    return EventOut(
        slug=e.slug,
        title=e.title,
        kind=e.kind,
        start_date=e.start_date,
        end_date=e.end_date,
        venue=e.venue,
        country=e.country.code if e.country else None,
        tlp=e.tlp,
        status=e.status,
        summary=e.summary,
        translations=e.translations or {},
    )


def publication_out(p: Publication) -> PublicationOut:
    return PublicationOut(
        slug=p.slug,
        title=p.title,
        kind=p.kind,
        authors=p.authors,
        abstract=p.abstract,
        language=p.language,
        tlp=p.tlp,
        status=p.status,
        countries=sorted(c.code for c in p.countries.all()),
        published_at=p.published_at,
        released=p.released_at is not None,
    )


# Briefings ------------------------------------------------------------------------


def _ex(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class SourceIO(Schema):
    title: str = ""
    url: str = Field(description="http:// or https:// address")


class BriefingOut(Schema):
    slug: str
    title: str
    threat: str
    summary: str
    published_on: dt.date
    sources: list[SourceIO]
    countries: list[str] = Field(description="ISO codes of the countries concerned")
    needs: list[int] = Field(description="ids of the linked needs the caller may see")
    tlp: str
    owner_country: str | None
    owner_organisation: str | None
    version: int


class BriefingIn(Schema):
    model_config = _ex(
        {
            "title": "Business e-mail compromise against small firms",
            "threat": "business e-mail compromise",
            "published_on": "2026-11-20",
            "summary": "Invoices redirected after mailbox takeovers; losses rarely reported.",
            "sources": [
                {
                    "title": "Europol IOCTA",
                    "url": "https://www.europol.europa.eu/publications-events/main-reports/iocta-report",
                }
            ],
            "countries": ["GD", "LC"],
            "needs": [12],
            "owner_country": "GD",
            "tlp": "TLP:AMBER",
        }
    )

    title: str
    threat: str = Field(description="the threat in a few words (120 characters at most)")
    published_on: dt.date
    summary: str = ""
    sources: list[SourceIO] = []
    countries: list[str] = []
    needs: list[int] = Field(default=[], description="ids of needs the caller may see")
    owner_country: str | None = None
    owner_organisation: str | None = None
    tlp: str = "TLP:AMBER"


class BriefingPatchIn(Schema):
    """The fields to change; those left out are kept. The label changes through
    /api/v1/sharing (it keeps a TLP:RED briefing's readers named)."""

    model_config = _ex(
        {"summary": "Now also seen against public bodies.", "countries": ["GD", "LC", "VC"]},
        {"sources": [{"title": "FBI IC3 PSA", "url": "https://www.ic3.gov/PSA"}]},
    )

    title: str | None = None
    threat: str | None = None
    published_on: dt.date | None = None
    summary: str | None = None
    sources: list[SourceIO] | None = None
    countries: list[str] | None = None
    needs: list[int] | None = None


class BriefingErrorOut(Schema):
    detail: str
    field: str | None = None


BRIEFING_ERRORS: dict[int, Any] = {
    400: BriefingErrorOut,
    401: BriefingErrorOut,
    403: BriefingErrorOut,
    404: BriefingErrorOut,
}


def briefing_out(user: Any, b: Briefing) -> BriefingOut:
    # A list prefetches the needs the caller may see (`visible_needs`); one briefing asks.
    prefetched = getattr(b, "visible_needs", None)
    needs = (
        sorted(n.pk for n in prefetched)
        if prefetched is not None
        else sorted(selectors.briefing_needs(user, b).values_list("pk", flat=True))
    )
    return BriefingOut(
        slug=b.slug,
        title=b.title,
        threat=b.threat,
        summary=b.summary,
        published_on=b.published_on,
        sources=[SourceIO(**s) for s in b.sources or []],
        countries=sorted(c.code for c in b.countries.all()),
        needs=needs,
        tlp=b.tlp,
        owner_country=b.owner_country.code if b.owner_country else None,
        owner_organisation=b.owner_organisation.slug if b.owner_organisation else None,
        version=b.version,
    )
