from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.frameworks import selectors
from reef.frameworks.models import Framework

router = Router(tags=["frameworks"])


class FrameworkOut(Schema):
    slug: str
    version: str
    name: str
    kind: str
    tlp: str
    indicators: int


class FrameworkDetailOut(FrameworkOut):
    document: dict[str, Any]


def _out(fw: Framework, count: int) -> dict[str, Any]:
    return {
        "slug": fw.slug,
        "version": fw.release,
        "name": fw.name,
        "kind": fw.kind,
        "tlp": fw.tlp,
        "indicators": count,
    }


@router.get("/frameworks", response=list[FrameworkOut], openapi_extra=PAGE_HEADERS)
def list_frameworks(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    from django.db.models import Count

    qs = selectors.frameworks_for(request.user).annotate(n=Count("indicators"))
    return [_out(fw, fw.n) for fw in paginate(request, response, page, qs)]


@router.get("/frameworks/{slug}", response=FrameworkDetailOut)
def get_framework(request: HttpRequest, slug: str, version: str = "") -> dict[str, Any]:
    """The latest version, or `?version=` a given one; `document` is the framework file."""
    fw = selectors.framework_get(request.user, slug, version or None)
    return {**_out(fw, fw.indicators.count()), "document": fw.document}
