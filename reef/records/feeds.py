"""Atom feeds of new public items (events, publications and emerging-threat briefings),
for the region and per country. Only the public record: TLP:CLEAR and published (a
briefing has no publishing step: TLP:CLEAR is enough).

Summaries are plain text written as `<summary type="text">`: whatever an editor typed
(markup included) is shown by feed readers as text, never rendered as HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from reef.directory.models import Country
from reef.records import selectors

FEED_SIZE = 50


def plain_text(value: str) -> str:
    """Text with no markup left in it, for outputs that readers may render (feeds, calendars).
    Tags are dropped; what remains is escaped for its format by the writer."""
    return strip_tags(value or "").strip()


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose item summaries are `type="text"` (Django writes them as `type="html"`,
    so readers would render an editor's markup)."""

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", plain_text(summary), {"type": "text"})


@dataclass(frozen=True)
class FeedItem:
    kind: str
    title: str
    summary: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    guid: str
    categories: tuple[str, ...]


def public_items(country: Country | None = None) -> list[FeedItem]:
    events = selectors.public_events()
    publications = selectors.public_publications()
    briefings = selectors.public_briefings()
    if country is not None:
        events = events.filter(country=country)
        publications = publications.filter(countries=country)
        briefings = briefings.filter(countries=country)
    items: list[FeedItem] = []
    for e in events.exclude(published_at=None).order_by("-published_at")[:FEED_SIZE]:
        assert e.published_at is not None  # noqa: S101  (excluded above)
        items.append(
            FeedItem(
                kind="event",
                title=e.display_title,
                summary=e.display_summary,
                link=e.get_absolute_url(),
                published=e.published_at,
                updated=e.updated_at,
                guid=f"reef:records:event:{e.pk}",
                categories=("event", e.country.code) if e.country else ("event",),
            )
        )
    for p in publications.exclude(published_at=None).order_by("-published_at")[:FEED_SIZE]:
        assert p.published_at is not None  # noqa: S101  (excluded above)
        items.append(
            FeedItem(
                kind="publication",
                title=p.display_title,
                summary=p.display_abstract,
                link=p.get_absolute_url(),
                published=p.published_at,
                updated=p.updated_at,
                guid=f"reef:records:publication:{p.pk}",
                categories=("publication", p.kind, *sorted(c.code for c in p.countries.all())),
            )
        )
    for b in briefings.order_by("-published_on", "-pk")[:FEED_SIZE]:
        items.append(
            FeedItem(
                kind="briefing",
                title=b.title,
                summary=b.summary,
                link=b.get_absolute_url(),
                # The briefing's own date, at midnight UTC (it carries no time).
                published=dt.datetime.combine(b.published_on, dt.time(), tzinfo=dt.UTC),
                updated=b.updated_at,
                guid=f"reef:records:briefing:{b.pk}",
                categories=("briefing", *sorted(c.code for c in b.countries.all())),
            )
        )
    items.sort(key=lambda i: i.published, reverse=True)
    return items[:FEED_SIZE]


class RecordFeed(Feed[FeedItem, Country | None]):
    feed_type = PlainTextAtomFeed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Country | None:
        code = kwargs.get("code")
        if code is None:
            return None
        return selectors.country_get(str(code))

    def title(self, obj: Country | None) -> str:
        if obj is None:
            return _("Reef: the public record")
        return _("Reef: the public record of %(country)s") % {"country": obj.name}

    def link(self, obj: Country | None) -> str:
        if obj is None:
            return reverse("records:index")
        return reverse("records:country_detail", kwargs={"code": obj.code})

    def subtitle(self, obj: Country | None) -> str:
        return _("New public events, publications and briefings.")

    def items(self, obj: Country | None) -> list[FeedItem]:
        return public_items(obj)

    def item_title(self, item: FeedItem) -> str:
        return plain_text(item.title)

    def item_description(self, item: FeedItem) -> str:
        return item.summary

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: FeedItem) -> bool:
        return False

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return item.published

    def item_updateddate(self, item: FeedItem) -> dt.datetime:
        return item.updated

    def item_categories(self, item: FeedItem) -> tuple[str, ...]:
        return item.categories
