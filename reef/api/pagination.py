"""Pagination of the API's list routes, keeping their body a JSON array.

Every list route takes `limit` (default 100, 1 to 500) and `offset` (default 0) as query
parameters and answers the page as the same JSON array as before, so existing clients keep
working. The total the caller may see is in `X-Total-Count`, and the neighbouring pages in
an RFC 8288 `Link` header (`rel="next"`, `rel="prev"`), as absolute paths keeping the
request's other query parameters. Out-of-range values answer 422 (the Query schema).

A route declares `page: Query[PageQuery]` and `response: HttpResponse`, passes
`openapi_extra=PAGE_HEADERS` to document the headers, and returns the rows of
`paginate(request, response, page, items)`, where `items` is the queryset it listed
before (read through `for_user`) or the list it built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from ninja import Field, Schema

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far beyond any list here; bounded so that a huge offset is a 422, never a database
# integer overflow (a 500).
MAX_OFFSET = 1_000_000

TOTAL_HEADER = "X-Total-Count"


class PageQuery(Schema):
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"Rows per page (1 to {MAX_LIMIT}).",
    )
    offset: int = Field(
        0,
        ge=0,
        le=MAX_OFFSET,
        description="Rows to skip before the page (0 for the first page).",
    )


# `openapi_extra` of a paginated route: the headers of its 200 answer.
PAGE_HEADERS: dict[str, Any] = {
    "responses": {
        200: {
            "headers": {
                TOTAL_HEADER: {
                    "description": "How many rows you may see in all pages together.",
                    "schema": {"type": "integer", "minimum": 0},
                },
                "Link": {
                    "description": (
                        'RFC 8288 links to the neighbouring pages (rel="next", rel="prev"), '
                        "when there are."
                    ),
                    "schema": {"type": "string"},
                },
            }
        }
    }
}


def stable(qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """`qs` in its own order, ties broken by primary key, so pages neither overlap nor
    skip rows (SQL gives no order to rows that compare equal)."""
    query = qs.query
    if query.order_by:
        ordering = list(query.order_by)
    elif query.default_ordering:
        ordering = list(qs.model._meta.ordering)
    else:
        ordering = []
    pk_names = {"pk", qs.model._meta.pk.name, qs.model._meta.pk.attname}
    if any(isinstance(o, str) and o.lstrip("-") in pk_names for o in ordering):
        return qs
    return qs.order_by(*ordering, "pk")


def _url(request: HttpRequest, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["limit"] = str(limit)
    params["offset"] = str(offset)
    return f"{escape_uri_path(request.path)}?{params.urlencode()}"


def set_page_headers(
    request: HttpRequest, response: HttpResponse, page: PageQuery, total: int
) -> None:
    response[TOTAL_HEADER] = str(total)
    links = []
    if page.offset + page.limit < total:
        links.append(f'<{_url(request, page.offset + page.limit, page.limit)}>; rel="next"')
    if page.offset > 0:
        previous = max(0, min(page.offset, total) - page.limit)
        links.append(f'<{_url(request, previous, page.limit)}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)


@overload
def paginate[M: models.Model](
    request: HttpRequest, response: HttpResponse, page: PageQuery, items: models.QuerySet[M]
) -> list[M]: ...
@overload
def paginate[T](
    request: HttpRequest, response: HttpResponse, page: PageQuery, items: Sequence[T]
) -> list[T]: ...
def paginate(
    request: HttpRequest, response: HttpResponse, page: PageQuery, items: Any
) -> list[Any]:
    """The rows of `items` on `page`, with the total and the links set on `response`.

    The total counts the same filtered queryset the page is sliced from (so never a row
    the caller may not see): one COUNT, skipped when the page itself shows where the
    list ends (a short page that is not past the end).
    """
    if isinstance(items, models.QuerySet):
        items = stable(items)
    rows = list(items[page.offset : page.offset + page.limit])
    if len(rows) < page.limit and (rows or page.offset == 0):
        total = page.offset + len(rows)
    else:
        total = items.count() if isinstance(items, models.QuerySet) else len(items)
    set_page_headers(request, response, page, total)
    return rows
