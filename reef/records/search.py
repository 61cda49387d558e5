"""One search over everything a user may see.

A small registry names the searchable models by label and fields; a model is looked
up with `apps.get_model`, so apps built later can be registered without imports
(a missing app or field is skipped). Every model is read through its access layer
(`for_user`), and the public record's own rules (published only) are applied, to
results and to counts alike.

PostgreSQL: full-text search (SearchVector, SearchRank, SearchHeadline). Elsewhere
(SQLite): every term must occur in some field (icontains), ranked by term frequency,
with a snippet built from escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
PER_MODEL_CANDIDATES = 200


#: What each kind of result is called on the page.
KIND_LABELS: dict[str, Any] = {
    "event": _("Event"),
    "publication": _("Publication"),
    "briefing": _("Briefing"),
    "organisation": _("Organisation"),
    "need": _("Need"),
    "plan": _("Plan"),
    "assessment": _("Assessment"),
    "consultation": _("Consultation"),
    "framework": _("Framework"),
    "expert": _("Expert"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class Entry:
    label: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    title_field: str
    kind: str  # shown to users
    # Narrows a user's queryset further (for example: published only).
    restrict: Callable[[Any, QuerySet[Any]], QuerySet[Any]] | None = None
    url: Callable[[Any], str] | None = None


def _records_events(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    from reef.records.selectors import events_for

    return qs.filter(pk__in=events_for(user).values("pk"))


def _records_publications(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    from reef.records.selectors import publications_for

    return qs.filter(pk__in=publications_for(user).values("pk"))


def _organisation_url(obj: Any) -> str:
    from django.urls import reverse

    return reverse("directory:organisation_detail", kwargs={"slug": obj.slug})


def _by_pk(name: str) -> Callable[[Any], str]:
    """The detail page named `name`, reached by the object's primary key."""

    def url(obj: Any) -> str:
        from django.urls import reverse

        return reverse(name, kwargs={"pk": obj.pk})

    return url


def _plan_url(obj: Any) -> str:
    from django.urls import reverse

    # A regional plan has a page of its own (plan_detail only redirects there).
    name = "planning:regional" if obj.is_regional else "planning:plan_detail"
    return reverse(name, kwargs={"pk": obj.pk})


def _framework_url(obj: Any) -> str:
    from django.urls import reverse

    return reverse("frameworks:framework_detail", kwargs={"slug": obj.slug, "version": obj.release})


def _published_flag(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(is_public=True)


REGISTRY: list[Entry] = [
    Entry(
        "records.Event",
        ("title", "summary", "report", "venue"),
        "title",
        "event",
        _records_events,
    ),
    Entry(
        "records.Publication",
        ("title", "abstract", "authors"),
        "title",
        "publication",
        _records_publications,
    ),
    Entry("records.Briefing", ("title", "threat", "summary"), "title", "briefing"),
    Entry(
        "directory.Organisation",
        ("name", "acronym", "description"),
        "name",
        "organisation",
        url=_organisation_url,
    ),
    Entry(
        "planning.Need",
        ("title", "description"),
        "title",
        "need",
        url=_by_pk("planning:need_detail"),
    ),
    Entry("planning.Plan", ("title",), "title", "plan", url=_plan_url),
    Entry(
        "assessments.Assessment",
        ("title", "summary"),
        "title",
        "assessment",
        url=_by_pk("assessments:assessment_detail"),
    ),
    Entry(
        "consultations.Consultation",
        ("title", "description"),
        "title",
        "consultation",
        url=_by_pk("consultations:detail"),
    ),
    Entry("frameworks.Framework", ("name", "description"), "name", "framework", url=_framework_url),
    Entry(
        "experts.ExpertProfile",
        ("name", "bio"),
        "name",
        "expert",
        _published_flag,
        url=_by_pk("experts:profile_detail"),
    ),
]


def register(entry: Entry) -> None:
    """Add a model to the search (apps call this from their AppConfig.ready)."""
    REGISTRY[:] = [e for e in REGISTRY if e.label != entry.label] + [entry]


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    tlp: str
    obj: Any = field(repr=False, default=None)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass
class Results:
    query: str
    hits: list[Hit]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def labelled_counts(self) -> list[tuple[str, int]]:
        return [(kind_label(kind), n) for kind, n in self.counts.items()]


def terms_of(query: str) -> list[str]:
    words = re.findall(r"\w[\w'-]*", query[:MAX_QUERY_LENGTH].lower())
    unique: list[str] = []
    for w in words:
        if len(w) >= 2 and w not in unique:
            unique.append(w)
    return unique[:MAX_TERMS]


def _resolve(entry: Entry) -> tuple[type[models.Model], list[str]] | None:
    try:
        model = apps.get_model(entry.label)
    except (LookupError, ValueError):
        return None
    fields = []
    for name in entry.fields:
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(f, (models.CharField, models.TextField)):
            fields.append(name)
    manager = model._default_manager
    if not fields or not hasattr(manager, "for_user"):
        return None  # only labelled models: the access layer decides
    return model, fields


def _visible(entry: Entry, model: type[models.Model], user: Any) -> QuerySet[Any]:
    qs: QuerySet[Any] = model._default_manager.for_user(user)  # type: ignore[attr-defined]
    if entry.restrict is not None:
        qs = entry.restrict(user, qs)
    return qs


def _url(entry: Entry, obj: Any) -> str:
    if entry.url is not None:
        return entry.url(obj)
    getter = getattr(obj, "get_absolute_url", None)
    if callable(getter):
        try:
            return str(getter())
        except Exception:
            return ""
    return ""


def _title(entry: Entry, obj: Any) -> str:
    display = getattr(obj, "display_title", None)
    if isinstance(display, str) and display:
        return display
    return str(getattr(obj, entry.title_field, "") or obj)


def highlight(text: str, terms: list[str], width: int = 220) -> SafeString:
    """An escaped excerpt of `text` around the first term, with terms in <mark>."""
    flat = " ".join(text.split())
    if not flat:
        return mark_safe("")  # nosec B308
    lowered = flat.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    excerpt = flat[start : start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(flat) else ""
    if not terms:
        # Escaped.
        return mark_safe(escape(prefix + excerpt + suffix))  # noqa: S308  # nosec B308 B703
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    out: list[str] = [escape(prefix)]
    last = 0
    for m in pattern.finditer(excerpt):
        out.append(escape(excerpt[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(excerpt[last:]))
    out.append(escape(suffix))
    # Every piece of text is escaped.
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703


def _search_simple(
    entry: Entry, model: type[models.Model], fields: list[str], qs: QuerySet[Any], terms: list[str]
) -> tuple[list[Hit], int]:
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    matched = qs.filter(condition).distinct()
    count = matched.count()
    hits: list[Hit] = []
    for obj in matched[:PER_MODEL_CANDIDATES]:
        texts = [str(getattr(obj, name, "") or "") for name in fields]
        title = texts[0].lower() if texts else ""
        rank = 0.0
        for term in terms:
            rank += sum(t.lower().count(term) for t in texts)
            rank += 2.0 * title.count(term)  # a match in the title weighs more
        body = next(
            (t for t in texts[1:] if any(term in t.lower() for term in terms)),
            texts[1] if len(texts) > 1 else "",
        )
        hits.append(
            Hit(
                kind=entry.kind,
                title=_title(entry, obj),
                url=_url(entry, obj),
                snippet=highlight(body, terms),
                rank=rank,
                tlp=str(getattr(obj, "tlp", "")),
                obj=obj,
            )
        )
    return hits, count


def _search_postgres(
    entry: Entry, model: type[models.Model], fields: list[str], qs: QuerySet[Any], query: str
) -> tuple[list[Hit], int]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )
    from django.db.models.functions import Cast, Coalesce, Concat

    weights = ["A", "B", "C", "D"]
    vector: Any = SearchVector(fields[0], weight="A", config="simple")
    for i, name in enumerate(fields[1:], start=1):
        vector += SearchVector(name, weight=weights[min(i, 3)], config="simple")
    search_query = SearchQuery(query, search_type="websearch", config="simple")
    text = models.TextField()
    parts: list[Any] = []
    for name in fields[1:] or fields[:1]:
        parts += [
            Coalesce(Cast(name, text), models.Value("", output_field=text), output_field=text),
            models.Value(" ", output_field=text),
        ]
    body = Concat(*parts, output_field=text)
    matched = qs.annotate(_reef_vector=vector).filter(_reef_vector=search_query)
    count = matched.count()
    rows = matched.annotate(
        _reef_rank=SearchRank(vector, search_query),
        _reef_headline=SearchHeadline(
            body,
            search_query,
            config="simple",
            start_sel="\x02",
            stop_sel="\x03",
            max_words=35,
            min_words=15,
        ),
    ).order_by("-_reef_rank")[:PER_MODEL_CANDIDATES]
    hits = []
    for obj in rows:
        # The headline is built from raw text: escape it, then turn our markers into <mark>.
        raw = str(obj._reef_headline or "")
        safe = escape(raw).replace("\x02", "<mark>").replace("\x03", "</mark>")
        hits.append(
            Hit(
                kind=entry.kind,
                title=_title(entry, obj),
                url=_url(entry, obj),
                snippet=mark_safe(safe),  # noqa: S308  # nosec B308 B703
                rank=float(obj._reef_rank or 0.0),
                tlp=str(getattr(obj, "tlp", "")),
                obj=obj,
            )
        )
    return hits, count


def search(user: Any, query: str, *, kinds: set[str] | None = None, limit: int = 50) -> Results:
    query = " ".join(query[:MAX_QUERY_LENGTH].split())
    terms = terms_of(query)
    if not terms:
        return Results(query=query, hits=[], counts={})
    use_postgres = connection.vendor == "postgresql"
    hits: list[Hit] = []
    counts: dict[str, int] = {}
    for entry in REGISTRY:
        if kinds and entry.kind not in kinds:
            continue
        resolved = _resolve(entry)
        if resolved is None:
            continue
        model, fields = resolved
        qs = _visible(entry, model, user)
        if use_postgres:
            found, count = _search_postgres(entry, model, fields, qs, " ".join(terms))
        else:
            found, count = _search_simple(entry, model, fields, qs, terms)
        if count:
            counts[entry.kind] = count
        hits += found
    hits.sort(key=lambda h: (-h.rank, h.title.lower()))
    return Results(query=query, hits=hits[:limit], counts=counts)
