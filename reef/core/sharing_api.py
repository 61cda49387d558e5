"""API: a labelled record's sharing, read and set as one document.

GET /sharing/{kind}/{id} and PUT /sharing/{kind}/{id}, where `kind` is the record's
"app_label.model" (for example "planning.need"). Records the caller may not share
answer 404, as the sharing page does.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from reef.api.auth import require_user
from reef.core import sharing
from reef.core.concurrency import etag_for, versioned_write
from reef.core.models import Labelled

router = Router(tags=["sharing"])


class SharingOut(Schema):
    kind: str
    id: int
    tlp: str
    version: int
    countries: list[str] = Field(description="ISO 3166 codes the TLP:AMBER record is shared with")
    organisations: list[str] = Field(description="organisation slugs it is shared with")
    readers: list[str] = Field(description="e-mail addresses of the named readers")
    kept_readers: list[str] = Field(
        description="readers always kept: the author and the owner's managers"
    )
    floor: str | None = Field(
        description="the strictest label of what the record was derived from, if any"
    )


class SharingIn(Schema):
    tlp: str | None = Field(None, max_length=20)
    countries: list[str] | None = Field(None, max_length=300)
    organisations: list[str] | None = Field(None, max_length=500)
    readers: list[str] | None = Field(None, max_length=sharing.MAX_READERS)


class ErrorOut(Schema):
    detail: str


def _out(state: sharing.Sharing) -> SharingOut:
    return SharingOut(**state.__dict__)


@router.get(
    "/sharing/{kind}/{record_id}",
    response={200: SharingOut, 401: ErrorOut, 404: ErrorOut},
    summary="A record's label, shares and named readers",
    description="`kind` is the record's `app_label.model`, e.g. `planning.need`.",
)
def get_sharing(
    request: HttpRequest, kind: str, record_id: int, response: HttpResponse
) -> SharingOut:
    user = require_user(request)
    record = sharing.sharing_get(user, kind, record_id)
    response["ETag"] = etag_for(record)
    return _out(sharing.sharing_of(record))


@router.put(
    "/sharing/{kind}/{record_id}",
    response={
        200: SharingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        412: ErrorOut,
        428: ErrorOut,
    },
    summary="Set a record's label, shares and named readers",
    description=(
        "Fields left out are kept. Send `If-Match` with the ETag from GET: 428 without it, "
        "412 when the record changed since. A label below what the record was derived from, "
        "or shares on a record that is not TLP:AMBER, are refused (400) and nothing changes."
    ),
)
def put_sharing(
    request: HttpRequest, kind: str, record_id: int, payload: SharingIn, response: HttpResponse
) -> SharingOut:
    user = require_user(request)
    record = sharing.sharing_get(user, kind, record_id)

    def write(version: int) -> Labelled:
        countries = (
            sharing.countries_by_code(payload.countries) if payload.countries is not None else None
        )
        organisations = (
            sharing.organisations_by_slug(payload.organisations)
            if payload.organisations is not None
            else None
        )
        sharing.record_sharing_update(
            actor=user,
            record=record,
            expected_version=version,
            tlp=payload.tlp,
            countries=countries,
            organisations=organisations,
            readers=payload.readers,
        )
        return type(record)._base_manager.get(pk=record.pk)

    record = versioned_write(request, response, record, write)
    return _out(sharing.sharing_of(record))
