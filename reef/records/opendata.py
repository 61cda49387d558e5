"""Open data: every public dataset, its data dictionary, and CSV/JSON writers.

Only the public record is ever exported: TLP:CLEAR and published items, whoever asks.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # string, integer, decimal (as a string), date, datetime, url, list
    description: str | Promise


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str | Promise
    description: str | Promise
    fields: tuple[FieldSpec, ...]


DATASETS: dict[str, Dataset] = {
    "events": Dataset(
        "events",
        _("Events"),
        _("Public meetings, workshops and conferences of the record."),
        (
            FieldSpec("id", "string", _("Stable identifier (the event's short name).")),
            FieldSpec("title", "string", _("Title in the original language.")),
            FieldSpec(
                "kind", "string", _("meeting, workshop, conference, training, consultation.")
            ),
            FieldSpec("start_date", "date", _("First day (ISO 8601).")),
            FieldSpec("end_date", "date", _("Last day (ISO 8601).")),
            FieldSpec("venue", "string", _("Venue.")),
            FieldSpec("country_code", "string", _("ISO 3166-1 alpha-2 code of the host country.")),
            FieldSpec("hosts", "list", _("Host organisations, separated by '; ' in CSV.")),
            FieldSpec("sessions", "integer", _("Number of agenda sessions.")),
            FieldSpec("outcomes", "integer", _("Number of recorded outcomes.")),
            FieldSpec(
                "participants_listed",
                "integer",
                _("Participants who agreed to be listed publicly."),
            ),
            FieldSpec("languages", "list", _("Languages the record is translated into.")),
            FieldSpec("published_at", "datetime", _("When the event was published (UTC).")),
            FieldSpec("url", "url", _("Page of the event.")),
        ),
    ),
    "publications": Dataset(
        "publications",
        _("Publications"),
        _("Published reports, briefs, articles and released needs assessment reports."),
        (
            FieldSpec("id", "string", _("Stable identifier (the publication's short name).")),
            FieldSpec("title", "string", _("Title in the original language.")),
            FieldSpec("kind", "string", _("report, brief, article, assessment_report.")),
            FieldSpec("authors", "string", _("Authors as written.")),
            FieldSpec("abstract", "string", _("Abstract.")),
            FieldSpec("language", "string", _("Language of the publication (ISO 639-1).")),
            FieldSpec("countries", "list", _("ISO 3166-1 alpha-2 codes of the countries covered.")),
            FieldSpec("events", "list", _("Identifiers of related events.")),
            FieldSpec("published_at", "datetime", _("When it was published (UTC).")),
            FieldSpec("file_url", "url", _("Download of the file, if any.")),
            FieldSpec("url", "url", _("Page of the publication.")),
        ),
    ),
    "briefings": Dataset(
        "briefings",
        _("Emerging-threat briefings"),
        _("Briefings labelled TLP:CLEAR: the threat, its sources and the countries concerned."),
        (
            FieldSpec("id", "string", _("Stable identifier (the briefing's short name).")),
            FieldSpec("title", "string", _("Title.")),
            FieldSpec("threat", "string", _("The threat, as the author names it.")),
            FieldSpec("summary", "string", _("Summary.")),
            FieldSpec("published_on", "date", _("Date of the briefing (ISO 8601).")),
            FieldSpec(
                "countries", "list", _("ISO 3166-1 alpha-2 codes of the countries concerned.")
            ),
            FieldSpec("sources", "list", _("Web addresses of the sources.")),
            FieldSpec("url", "url", _("Page of the briefing.")),
        ),
    ),
    "countries": Dataset(
        "countries",
        _("Countries"),
        _("Countries with public items in the record, and how many."),
        (
            FieldSpec("code", "string", _("ISO 3166-1 alpha-2 code.")),
            FieldSpec("name", "string", _("Country name (English).")),
            FieldSpec("public_events", "integer", _("Public events held in the country.")),
            FieldSpec("public_publications", "integer", _("Public publications about it.")),
            FieldSpec("public_plans", "integer", _("National plans the country made public.")),
            FieldSpec("url", "url", _("Page of the country in the record.")),
        ),
    ),
    "plans": Dataset(
        "plans",
        _("National plans and progress"),
        _(
            "National plans their country made public, with progress counted over the needs "
            "and commitments that are public themselves."
        ),
        (
            FieldSpec("id", "integer", _("Stable identifier of the plan.")),
            FieldSpec("country_code", "string", _("ISO 3166-1 alpha-2 code of the country.")),
            FieldSpec("title", "string", _("Title in the original language.")),
            FieldSpec("cycle", "string", _("Planning cycle, as the country names it.")),
            FieldSpec("start_date", "date", _("First day of the plan (ISO 8601), if set.")),
            FieldSpec("end_date", "date", _("Last day of the plan (ISO 8601), if set.")),
            FieldSpec("currency", "string", _("ISO 4217 code of the amounts below.")),
            FieldSpec("needs", "integer", _("Public needs in the plan.")),
            FieldSpec("needs_covered", "integer", _("Public needs with at least one commitment.")),
            FieldSpec("coverage", "decimal", _("needs_covered / needs, 0 to 1.")),
            FieldSpec("cost", "decimal", _("Estimated cost of the needs with a known cost.")),
            FieldSpec("committed", "decimal", _("Amount committed to those needs.")),
            FieldSpec("gap", "decimal", _("Sum of each need's cost not yet committed.")),
            FieldSpec("commitments", "integer", _("Public commitments not withdrawn.")),
            FieldSpec("commitments_delivered", "integer", _("Of those, delivered (or verified).")),
            FieldSpec("url", "url", _("Page of the plan.")),
        ),
    ),
}

FORMATS = ("csv", "json")


def licence() -> dict[str, str]:
    return {
        "id": settings.REEF_OPEN_DATA_LICENCE,
        "name": settings.REEF_OPEN_DATA_LICENCE_NAME,
        "url": settings.REEF_OPEN_DATA_LICENCE_URL,
    }


def _absolute(path: str) -> str:
    return settings.REEF_SITE_URL.rstrip("/") + path


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def _event_rows() -> list[dict[str, Any]]:
    from django.db.models import Count, Q

    from reef.records.selectors import public_events

    qs = public_events().annotate(
        n_sessions=Count("sessions", distinct=True),
        n_outcomes=Count("outcomes", distinct=True),
        n_listed=Count("participants", filter=Q(participants__consent_public=True), distinct=True),
    )
    return [
        {
            "id": e.slug,
            "title": e.title,
            "kind": e.kind,
            "start_date": _iso(e.start_date),
            "end_date": _iso(e.end_date),
            "venue": e.venue,
            "country_code": e.country.code if e.country else "",
            "hosts": [str(h) for h in e.hosts.all() if h.tlp == "TLP:CLEAR"],
            "sessions": e.n_sessions,
            "outcomes": e.n_outcomes,
            "participants_listed": e.n_listed,
            "languages": e.languages_available(),
            "published_at": _iso(e.published_at),
            "url": _absolute(e.get_absolute_url()),
        }
        for e in qs.order_by("start_date", "slug")
    ]


def _publication_rows() -> list[dict[str, Any]]:
    from reef.records.selectors import public_events, public_publications

    public_event_ids = set(public_events().values_list("pk", flat=True))
    rows = []
    for p in public_publications().order_by("published_at", "slug"):
        rows.append(
            {
                "id": p.slug,
                "title": p.title,
                "kind": p.kind,
                "authors": p.authors,
                "abstract": p.abstract,
                "language": p.language,
                "countries": sorted(c.code for c in p.countries.all()),
                "events": sorted(e.slug for e in p.events.all() if e.pk in public_event_ids),
                "published_at": _iso(p.published_at),
                "file_url": (
                    _absolute(reverse("records:publication_file", kwargs={"slug": p.slug}))
                    if p.file
                    else ""
                ),
                "url": _absolute(p.get_absolute_url()),
            }
        )
    return rows


def _briefing_rows() -> list[dict[str, Any]]:
    from reef.records.selectors import public_briefings

    return [
        {
            "id": b.slug,
            "title": b.title,
            "threat": b.threat,
            "summary": b.summary,
            "published_on": _iso(b.published_on),
            "countries": sorted(c.code for c in b.countries.all()),
            "sources": [s["url"] for s in b.sources or []],
            "url": _absolute(b.get_absolute_url()),
        }
        for b in public_briefings().order_by("published_on", "slug")
    ]


def _country_rows() -> list[dict[str, Any]]:
    from reef.records.selectors import regional_picture

    return [
        {
            "code": row["country"].code,
            "name": row["country"].name,
            "public_events": row["events"],
            "public_publications": row["publications"],
            "public_plans": row["plans"],
            "url": _absolute(
                reverse("records:country_detail", kwargs={"code": row["country"].code})
            ),
        }
        for row in regional_picture()
    ]


def _plan_rows() -> list[dict[str, Any]]:
    from reef.records.selectors import public_national_plans, public_plans_of

    return [
        {
            "id": row.plan.pk,
            "country_code": row.plan.country.code if row.plan.country else "",
            "title": row.plan.title,
            "cycle": row.plan.cycle,
            "start_date": _iso(row.plan.start),
            "end_date": _iso(row.plan.end),
            "currency": row.plan.currency,
            "needs": row.totals.needs,
            "needs_covered": row.totals.covered_needs,
            "coverage": str(row.totals.coverage),
            "cost": str(row.totals.cost),
            "committed": str(row.totals.committed),
            "gap": str(row.totals.gap),
            "commitments": row.commitments,
            "commitments_delivered": row.delivered,
            "url": _absolute(reverse("planning:plan_detail", kwargs={"pk": row.plan.pk})),
        }
        for row in public_plans_of(public_national_plans().order_by("country__name", "cycle"))
    ]


def rows(dataset: str) -> list[dict[str, Any]]:
    builders = {
        "events": _event_rows,
        "publications": _publication_rows,
        "briefings": _briefing_rows,
        "countries": _country_rows,
        "plans": _plan_rows,
    }
    return builders[dataset]()


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        text = "'" + text
    return text


def to_csv(dataset: str, records: list[dict[str, Any]]) -> str:
    names = [f.name for f in DATASETS[dataset].fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([_cell(record[n]) for n in names])
    return out.getvalue()


def to_json(dataset: str, records: list[dict[str, Any]], *, version: str = "") -> str:
    spec = DATASETS[dataset]
    payload = {
        "dataset": dataset,
        "title": str(spec.title),
        "version": version or "current",
        "generated_at": timezone.now().isoformat(),
        "licence": licence(),
        "dictionary": _absolute(reverse("records:data_dictionary_json")),
        "fields": [f.name for f in spec.fields],
        "records": records,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


def dictionary() -> dict[str, Any]:
    return {
        "licence": licence(),
        "datasets": {
            name: {
                "title": str(spec.title),
                "description": str(spec.description),
                "fields": [
                    {"name": f.name, "type": f.type, "description": str(f.description)}
                    for f in spec.fields
                ],
                "urls": {
                    fmt: _absolute(
                        reverse("records:data_download", kwargs={"dataset": name, "fmt": fmt})
                    )
                    for fmt in FORMATS
                },
            }
            for name, spec in DATASETS.items()
        },
    }
