"""Emerging-threat briefings: written and changed by the owner's editors, with sources a
reader can open and needs the author may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, SystemActor, user_of
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning.models import Need
from reef.records import rules as R
from reef.records.models import Briefing
from reef.records.services.common import (
    _bump,
    _check_owner,
    _check_tlp,
    _require,
    _unique_slug,
)

MAX_SOURCES = 30
_url_ok = URLValidator(schemes=["http", "https"])


def _check_sources(sources: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """[{"title", "url"}] with http(s) URLs only: a source is something a reader can open."""
    cleaned: list[dict[str, str]] = []
    for source in sources:
        url = str(source.get("url", "") or "").strip()
        try:
            _url_ok(url)
        except ValidationError:
            raise ServiceError(
                _("A source needs a web address starting with http:// or https:// (%(value)s).")
                % {"value": url[:200] or _("empty")},
                field="sources",
            ) from None
        title = str(source.get("title", "") or "").strip()[:300] or url[:300]
        cleaned.append({"title": title, "url": url[:2000]})
    if len(cleaned) > MAX_SOURCES:
        raise ServiceError(
            _("At most %(n)s sources per briefing.") % {"n": MAX_SOURCES}, field="sources"
        )
    return cleaned


def _check_needs(actor: Actor, needs: Iterable[Need]) -> list[Need]:
    """A briefing links only needs its author may see (a hidden need does not exist)."""
    needs = list(needs)
    if isinstance(actor, SystemActor):
        return needs
    visible = set(
        Need.objects.for_user(actor)
        .filter(pk__in=[n.pk for n in needs])
        .values_list("pk", flat=True)
    )
    if any(n.pk not in visible for n in needs):
        raise ServiceError(_("A linked need was not found."), field="needs")
    return needs


def _check_briefing_text(title: str, threat: str) -> tuple[str, str]:
    title, threat = title.strip(), threat.strip()
    if not title:
        raise ServiceError(_("A briefing needs a title."), field="title")
    if not threat:
        raise ServiceError(
            _("Name the threat, for example business e-mail compromise."), field="threat"
        )
    if len(threat) > 120:
        raise ServiceError(_("Name the threat in 120 characters or fewer."), field="threat")
    return title, threat


@transaction.atomic
def briefing_create(
    *,
    actor: Actor,
    title: str,
    threat: str,
    published_on: dt.date,
    summary: str = "",
    sources: Iterable[dict[str, Any]] = (),
    countries: Iterable[Country] = (),
    needs: Iterable[Need] = (),
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    tlp: str = TLP.AMBER,
    slug: str = "",
) -> Briefing:
    """An emerging-threat briefing, shared under its label from the start."""
    title, threat = _check_briefing_text(title, threat)
    _check_tlp(tlp)
    _check_owner(R.may_create_briefing, actor, Briefing(), owner_country, owner_organisation)
    cleaned_sources = _check_sources(sources)
    linked = _check_needs(actor, needs)
    briefing: Briefing = Briefing.objects.create(
        slug=_unique_slug(Briefing, slug, title),
        title=title,
        threat=threat,
        summary=summary,
        published_on=published_on,
        sources=cleaned_sources,
        tlp=tlp,
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        created_by=user_of(actor),
    )
    briefing.countries.set(list(countries))
    briefing.needs.set(linked)
    audit_append(action="briefing_create", actor=actor, obj=briefing)
    return briefing


@transaction.atomic
def briefing_update(
    *,
    actor: Actor,
    briefing: Briefing,
    expected_version: int | None = None,
    title: str | None = None,
    threat: str | None = None,
    summary: str | None = None,
    published_on: dt.date | None = None,
    sources: Iterable[dict[str, Any]] | None = None,
    countries: Iterable[Country] | None = None,
    needs: Iterable[Need] | None = None,
) -> Briefing:
    """Change what is given; the label changes on the sharing page (reef.core.sharing),
    which keeps a TLP:RED briefing's readers named."""
    _require(
        R.may_update_briefing,
        actor,
        briefing,
        _("Only editors of the owner may change this briefing."),
    )
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    new_title, new_threat = _check_briefing_text(
        briefing.title if title is None else title,
        briefing.threat if threat is None else threat,
    )
    cleaned_sources = None if sources is None else _check_sources(sources)
    linked = None if needs is None else _check_needs(actor, needs)
    _bump(briefing, expected_version)
    briefing.title, briefing.threat = new_title, new_threat
    if summary is not None:
        briefing.summary = summary
    if published_on is not None:
        briefing.published_on = published_on
    if cleaned_sources is not None:
        briefing.sources = cleaned_sources
    briefing.save()
    given = {
        "title": title,
        "threat": threat,
        "summary": summary,
        "published_on": published_on,
        "sources": sources,
        "countries": countries,
        "needs": needs,
    }
    changed = [name for name, value in given.items() if value is not None]
    if countries is not None:
        briefing.countries.set(list(countries))
    if linked is not None:
        _relink_needs(actor, briefing, linked)
    audit_append(action="briefing_update", actor=actor, obj=briefing, detail={"fields": changed})
    return briefing


def _relink_needs(actor: Actor, briefing: Briefing, linked: list[Need]) -> None:
    """The needs the actor chose; those linked by someone who sees more stay linked: this
    actor could not choose them."""
    kept = (
        []
        if isinstance(actor, SystemActor)
        else list(briefing.needs.exclude(pk__in=Need.objects.for_user(actor).values("pk")))
    )
    briefing.needs.set(linked + kept)
